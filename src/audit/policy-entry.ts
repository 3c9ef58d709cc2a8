import { basename } from 'node:path';
import type { CompiledPolicy } from '../policy/policy-types.js';
import type { AuditEntry, Store } from '../store/store.js';

/**
 * Records the policy in force: appends a `policy` entry when the policy's
 * digest differs from the newest `policy` entry of the trail (or there is
 * none). Opening the same policy again adds nothing, so each entry marks
 * the moment a different policy started to govern decisions.
 *
 * @example
 * await recordPolicy(store, policy, 'cli'); // null when unchanged
 */
export async function recordPolicy(
  store: Store,
  policy: CompiledPolicy,
  actor: string,
): Promise<AuditEntry | null> {
  const [last] = await store.latestAudit({ kind: 'policy', limit: 1 });
  const previous = last?.data['digest'];
  if (previous === policy.digest) return null;
  const [entry] = await store.appendAudit([{
    kind: 'policy',
    actor,
    owner: null,
    data: {
      digest: policy.digest,
      previous: typeof previous === 'string' ? previous : null,
      file: basename(policy.file),
      mode: policy.mode,
      purposes: policy.purposes.size,
      sources: policy.sources.size,
      datasets: policy.datasets.size,
      processors: policy.processors.size,
    },
  }]);
  return entry ?? null;
}
