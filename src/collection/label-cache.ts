import type { EngineContext } from '../engine/context.js';
import type { CompiledSource } from '../policy/policy-types.js';
import { stampLabel } from './labeler.js';
import type { LabelFacts } from './labeler.js';

interface Stamp {
  readonly labelId: number;
  /** Retention in ms from collection, or null for none. */
  readonly retention: number | null;
}

const caches = new WeakMap<EngineContext, Map<string, Stamp>>();

/**
 * The label id and expiry for a record, from a cache keyed by the facts
 * the tagging rules look at: events share a handful of labels, so the
 * rules run once per distinct combination, not once per event.
 */
export async function labelFor(
  ctx: EngineContext,
  source: CompiledSource,
  facts: LabelFacts,
  collectedAt: number,
): Promise<{ labelId: number; expiresAt: number | null }> {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new Map();
    caches.set(ctx, cache);
  }
  const key = `${source.name}\u0000${facts.eventName ?? ''}\u0000${facts.limitedDataUse}` +
    `\u0000${facts.optOut}\u0000${facts.country ?? ''}\u0000${facts.fields.join(',')}`;
  let stamp = cache.get(key);
  if (!stamp) {
    const stamped = stampLabel(ctx.policy, source, facts, 0);
    stamp = { labelId: await ctx.labelId(stamped.label), retention: stamped.expiresAt };
    cache.set(key, stamp);
  }
  return {
    labelId: stamp.labelId,
    expiresAt: stamp.retention === null ? null : collectedAt + stamp.retention,
  };
}
