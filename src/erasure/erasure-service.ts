import type { EngineContext } from '../engine/context.js';
import type { EraseCounts, EraseRequest } from '../store/store.js';
import { resolveSubject } from '../subject/subject-selector.js';
import type { SubjectSelector } from '../subject/subject-selector.js';
import { subjectRef } from '../subject/subject-ref.js';
import { receiptOf } from './erasure-receipt.js';
import type { ErasureReceipt } from './erasure-receipt.js';

export interface ForgetRequest extends SubjectSelector {
  /** Who asked: `cli`, `api`, a ticket system. */
  readonly actor: string;
}

/**
 * Erases a subject: their raw records, every record derived from them
 * through lineage, their consent; queues a removal at each destination
 * whose datasets lost rows. One transaction, one audit entry.
 *
 * @example
 * const receipt = await forgetSubject(ctx, { email: 'mina@example.com', actor: 'cli' });
 * receipt.total_rows; // 5
 */
export async function forgetSubject(
  ctx: EngineContext,
  request: ForgetRequest,
): Promise<ErasureReceipt> {
  const who = resolveSubject(ctx.policy, request);
  const now = ctx.now();
  const ref = subjectRef(who.subject);
  const result = await ctx.store.erase({
    owner: who.owner,
    subject: who.subject,
    now,
    destinations: destinationsOf(ctx),
    audit: (counts) => ({
      kind: 'erasure', actor: request.actor, owner: who.owner,
      data: { subject_ref: ref, via: who.via, ...countFacts(counts) },
    }),
  });
  const receipt = receiptOf('erasure', result, now);
  const queued = result.queued.length;
  ctx.log({ type: 'erasure', owner: who.owner, rows: receipt.total_rows, queued });
  return receipt;
}

/**
 * Removes every record past its retention, with what was derived from it,
 * and queues downstream removals; audited as `expiry`.
 */
export async function expireRecords(
  ctx: EngineContext,
  options: { actor: string },
): Promise<ErasureReceipt> {
  const now = ctx.now();
  const result = await ctx.store.expire({
    now,
    destinations: destinationsOf(ctx),
    audit: (counts) => ({
      kind: 'expiry', actor: options.actor, owner: null,
      data: { before: new Date(now).toISOString(), ...countFacts(counts) },
    }),
  });
  const receipt = receiptOf('expiry', result, now);
  ctx.log({ type: 'expiry', rows: receipt.total_rows, queued: result.queued.length });
  return receipt;
}

function destinationsOf(ctx: EngineContext): EraseRequest['destinations'] {
  return [...ctx.policy.destinations.values()].map((d) => ({ name: d.name, datasets: d.datasets }));
}

function countFacts(counts: EraseCounts): Record<string, unknown> {
  return {
    rows: counts.rows,
    derived_rows: counts.derivedRows,
    consent_records: counts.consentRecords,
    queued: counts.queued.length,
    destinations: [...new Set(counts.queued)],
  };
}
