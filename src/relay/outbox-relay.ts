import { dirname, resolve } from 'node:path';
import type { EngineContext } from '../engine/context.js';
import type { CompiledDestination } from '../policy/policy-types.js';
import type { OutboxItem } from '../store/store.js';
import { subjectRef } from '../subject/subject-ref.js';
import { deliveryReason } from './delivery-error.js';
import { deliverToEndpoint } from './endpoint-delivery.js';
import { deliverToFile } from './file-delivery.js';
import { isDue, nextAttemptAt } from './relay-backoff.js';

export interface FlushOptions {
  /** Most items looked at in one flush. */
  readonly limit?: number;
  /** Longest wait for an endpoint's answer. */
  readonly timeoutMs?: number;
}

export interface DestinationTally {
  delivered: number;
  failed: number;
  last_error: string | null;
}

export interface FlushResult {
  readonly delivered: number;
  readonly failed: number;
  /** Pending items whose next attempt has not come yet. */
  readonly waiting: number;
  readonly destinations: Readonly<Record<string, DestinationTally>>;
}

export interface OutboxView {
  readonly pending: number;
  readonly delivered: number;
  readonly items: readonly {
    id: number;
    destination: string;
    owner: string;
    /** A short reference, not the subject id (see `subjectRef`). */
    subject_ref: string | null;
    created_at: string;
    attempts: number;
    last_error: string | null;
    next_attempt_at: string | null;
    delivered_at: string | null;
  }[];
}

const BATCH = 1000;
const running = new WeakMap<EngineContext, Promise<unknown>>();

/**
 * Delivers queued downstream removals: each destination gets one request
 * (or file append) per batch of its due items. A failure leaves the items
 * queued with one more attempt and the reason; they are tried again after
 * a backoff (see `retryDelayMs`), never dropped. Flushes of one engine run
 * one after the other.
 *
 * @example
 * const result = await flushOutbox(ctx, { timeoutMs: 5000 });
 * result.delivered; // 3
 */
export async function flushOutbox(
  ctx: EngineContext,
  options: FlushOptions = {},
): Promise<FlushResult> {
  const before = running.get(ctx) ?? Promise.resolve();
  const work = before.catch(() => undefined).then(() => flushNow(ctx, options));
  running.set(ctx, work);
  return work;
}

/** Outbox counts and items, the subject shown only as a reference. */
export async function outboxView(
  ctx: EngineContext,
  options: { all?: boolean; limit?: number } = {},
): Promise<OutboxView> {
  const counts = await ctx.store.outboxCounts();
  const items = await ctx.store.outbox({
    pendingOnly: options.all !== true,
    limit: options.limit ?? 100,
  });
  return {
    ...counts,
    items: items.map((item) => ({
      id: item.id,
      destination: item.destination,
      owner: item.owner,
      subject_ref: item.subject === '' ? null : subjectRef(item.subject),
      created_at: iso(item.createdAt),
      attempts: item.attempts,
      last_error: item.lastError,
      next_attempt_at: item.deliveredAt === null ? iso(nextAttemptAt(item)) : null,
      delivered_at: item.deliveredAt === null ? null : iso(item.deliveredAt),
    })),
  };
}

async function flushNow(ctx: EngineContext, options: FlushOptions): Promise<FlushResult> {
  const now = ctx.now();
  const pending = await ctx.store.outbox({ pendingOnly: true, limit: options.limit ?? 10_000 });
  const due = pending.filter((item) => isDue(item, now));
  const destinations: Record<string, DestinationTally> = {};
  for (const [name, items] of groupByDestination(due)) {
    const tally: DestinationTally = { delivered: 0, failed: 0, last_error: null };
    destinations[name] = tally;
    for (let i = 0; i < items.length; i += BATCH) {
      const batch = items.slice(i, i + BATCH);
      const error = await deliver(ctx, ctx.policy.destinations.get(name), batch, options);
      for (const item of batch) {
        await ctx.store.markOutbox({ id: item.id, delivered: error === null, error, at: now });
      }
      if (error === null) tally.delivered += batch.length;
      else {
        tally.failed += batch.length;
        tally.last_error = error;
      }
    }
  }
  const result = summarize(destinations, pending.length - due.length);
  const { delivered, failed, waiting } = result;
  if (delivered + failed > 0) ctx.log({ type: 'outbox', delivered, failed, waiting });
  return result;
}

/** Delivers one batch; the reason it failed, or null. */
async function deliver(
  ctx: EngineContext,
  destination: CompiledDestination | undefined,
  items: readonly OutboxItem[],
  options: FlushOptions,
): Promise<string | null> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!destination) return 'destination is not in the policy';
  // TODO(relay): subjects known only by phone or external id are sent in
  // the EMAIL_SHA256 column; the outbox does not record which kind a
  // subject id is, so such removals will not match downstream.
  const hashes = [...new Set(items.map((item) => item.subject))];
  try {
    if (destination.endpoint !== null) {
      await deliverToEndpoint(destination.endpoint, hashes, { timeoutMs });
    } else if (destination.file !== null) {
      await deliverToFile(resolve(dirname(resolve(ctx.policy.file)), destination.file), hashes);
    } else {
      return 'destination has neither an endpoint nor a file';
    }
    return null;
  } catch (error) {
    return deliveryReason(error, timeoutMs);
  }
}

function groupByDestination(items: readonly OutboxItem[]): Map<string, OutboxItem[]> {
  const groups = new Map<string, OutboxItem[]>();
  for (const item of items) {
    const group = groups.get(item.destination);
    if (group) group.push(item);
    else groups.set(item.destination, [item]);
  }
  return groups;
}

function summarize(destinations: FlushResult['destinations'], waiting: number): FlushResult {
  let delivered = 0;
  let failed = 0;
  for (const tally of Object.values(destinations)) {
    delivered += tally.delivered;
    failed += tally.failed;
  }
  return { delivered, failed, waiting, destinations };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
