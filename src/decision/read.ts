import type { EngineContext } from '../engine/context.js';
import { PurposeGuardError } from '../errors.js';
import type { LabelClass } from '../label.js';
import type { ConsentGroup, ReadPlan, StoredRecord } from '../store/store.js';
import { auditedNames } from './audited-names.js';
import { deny, ERROR_DENIAL } from './decision.js';
import type { Decision } from './decision.js';

export interface ReadRequest {
  readonly processor: string;
  readonly purpose: string;
  readonly dataset: string;
  /** Equality filters on top-level fields of the records' data. */
  readonly where?: Readonly<Record<string, string | number | boolean>>;
  readonly limit?: number;
  /** Return records with an id above this (for paging). */
  readonly afterId?: number;
  readonly batchSize?: number;
}

export interface ReadRow extends StoredRecord {
  readonly label: LabelClass;
}

export interface ReadResult {
  readonly decision: Decision;
  /** The rows in batches. The read is audited when iteration ends. */
  readonly batches: AsyncIterable<ReadRow[]>;
}

/**
 * A purpose-checked read. The processor must be registered for the
 * purpose or the whole read is denied (`purpose_denied`); otherwise only
 * records whose label allows the purpose, and whose subjects consented
 * where that is required, come back. The filter runs inside the store.
 *
 * @example
 * const { batches } = await pg.read({ processor: 'ads-ranker',
 *   purpose: 'ads.optimization', dataset: 'events' });
 * for await (const rows of batches) for (const row of rows) use(row.json);
 */
export async function readDataset(ctx: EngineContext, request: ReadRequest): Promise<ReadResult> {
  const { decision, plan } = await planRead(ctx, request);
  if (!decision.allowed || plan === null) {
    await auditRead(ctx, request, decision, 0);
    throw new PurposeGuardError('purpose_denied', decision.reason);
  }
  return { decision, batches: auditedRows(ctx, request, decision, plan) };
}

/** Decides a read and, when allowed, turns it into a store query plan. */
export async function planRead(
  ctx: EngineContext,
  request: ReadRequest,
): Promise<{ decision: Decision; plan: ReadPlan | null }> {
  try {
    const check = ctx.guard.prepare(request);
    if (!check.gate.allowed) return { decision: check.gate, plan: null };
    if (!ctx.policy.datasets.has(request.dataset)) {
      return { decision: deny('unknown_dataset', `unknown dataset '${request.dataset}'`), plan: null };
    }
    await ctx.syncLabels();
    const open: number[] = [];
    const groups = new Map<string, { labels: number[]; purposes: readonly string[] }>();
    const bit = check.purpose?.bit ?? -1;
    for (const label of ctx.guard.labels.all()) {
      if (bit < 0 || ((label.mask[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) continue;
      const needs = check.needs(label);
      if (needs.length === 0) {
        open.push(label.id);
        continue;
      }
      const key = needs.join('\u0000');
      const group = groups.get(key) ?? { labels: [], purposes: needs };
      group.labels.push(label.id);
      groups.set(key, group);
    }
    const consentGroups: ConsentGroup[] = [...groups.values()];
    const plan: ReadPlan = {
      dataset: request.dataset,
      owner: check.owner ?? '',
      open,
      consentGroups,
      now: ctx.now(),
      ...(request.where ? { where: request.where } : {}),
      ...(request.limit !== undefined ? { limit: request.limit } : {}),
      ...(request.afterId !== undefined ? { afterId: request.afterId } : {}),
      ...(request.batchSize !== undefined ? { batchSize: request.batchSize } : {}),
    };
    if (plan.owner === '') return { decision: ERROR_DENIAL, plan: null };
    return { decision: check.gate, plan };
  } catch (error) {
    if (error instanceof PurposeGuardError && error.code === 'invalid_request') throw error;
    return { decision: ERROR_DENIAL, plan: null };
  }
}

async function* auditedRows(
  ctx: EngineContext,
  request: ReadRequest,
  decision: Decision,
  plan: ReadPlan,
): AsyncGenerator<ReadRow[]> {
  let rows = 0;
  try {
    for await (const batch of ctx.store.readRecords(plan)) {
      rows += batch.length;
      yield withLabels(ctx, batch);
    }
  } finally {
    await auditRead(ctx, request, decision, rows);
  }
}

/**
 * Adds each record's label in place: the records are fresh objects from
 * the store, and a copy per row would cost more than the check itself.
 */
function withLabels(ctx: EngineContext, batch: StoredRecord[]): ReadRow[] {
  const rows = batch as (StoredRecord & { label?: ReadRow['label'] })[];
  for (const row of rows) {
    const label = ctx.guard.labels.get(row.labelId);
    if (!label) throw new PurposeGuardError('internal', 'a record came back with an unknown label');
    row.label = label.label;
  }
  return rows as ReadRow[];
}

async function auditRead(
  ctx: EngineContext,
  request: ReadRequest,
  decision: Decision,
  rows: number,
): Promise<void> {
  const owner = ctx.policy.processors.get(request.processor)?.owner ?? null;
  const names = auditedNames(ctx.policy, request, decision.reason);
  const facts = {
    processor: names.processor,
    purpose: names.purpose,
    dataset: names.dataset,
    outcome: decision.allowed ? 'allow' : 'deny',
    rule: decision.rule,
    reason: names.reason,
    rows,
  };
  ctx.log({ type: 'decision', ...facts, allowed: decision.allowed });
  await ctx.store.appendAudit([{ kind: 'decision', actor: names.processor, owner, data: facts }]);
}
