import { hashField } from '../collection/normalize.js';
import type { EngineContext } from '../engine/context.js';
import { PurposeGuardError } from '../errors.js';

export interface SubjectDataset {
  readonly owner: string;
  readonly dataset: string;
  readonly kind: 'raw' | 'derived' | 'unknown';
  readonly rows: number;
}

export interface SubjectLineage {
  /** The subject as stored: the SHA-256 of the normalized email. */
  readonly subject: string;
  readonly datasets: readonly SubjectDataset[];
}

/**
 * Every dataset, raw or derived, of every owner, that holds records of the
 * data subject with this email address. The address is hashed the way
 * collection hashes it and never kept.
 *
 * @example
 * const { datasets } = await subjectLineage(ctx, 'mina.lee@example.com');
 * datasets.map((d) => d.dataset); // ['customers', 'events', 'lookalike_seeds']
 */
export async function subjectLineage(ctx: EngineContext, email: string): Promise<SubjectLineage> {
  const subject = hashField('em', email);
  if (subject === null) throw new PurposeGuardError('invalid_request', 'the email address is empty or malformed');
  const datasets: SubjectDataset[] = [];
  for (const owner of [...ctx.policy.owners].sort()) {
    for (const count of await ctx.store.subjectDatasets(owner, subject)) {
      const kind = ctx.policy.datasets.get(count.dataset)?.kind ?? 'unknown';
      datasets.push({ owner, dataset: count.dataset, kind, rows: count.rows });
    }
  }
  return { subject, datasets };
}
