import { scannerFor } from '../collection/policy-scanner.js';
import { auditedNames, withoutUndeclared } from '../decision/audited-names.js';
import type { Decision, DecisionRule } from '../decision/decision.js';
import type { EngineContext } from '../engine/context.js';
import { PurposeGuardError } from '../errors.js';
import type { ErrorCode, Issue } from '../errors.js';
import type { CompiledDataset, CompiledPurpose, Reclassification } from '../policy/policy-types.js';
import { intersect } from '../policy/purpose-mask.js';
import type { PurposeMask } from '../policy/purpose-mask.js';
import type { AuditInput, NewFlow, NewRecord, StoredRecord } from '../store/store.js';
import { parseDerivedRows } from './derived-rows.js';
import type { DerivedRow } from './derived-rows.js';
import { meetOf, reclassifiedLabel } from './derived-label.js';
import type { DerivedLabel } from './derived-label.js';
import { FlowCheck } from './flow-check.js';
import { coverageOf, declarationFor } from './reclassification-check.js';

export interface WriteRequest {
  readonly processor: string;
  /** The one purpose the processor writes for. */
  readonly purpose: string;
  /** A derived dataset of the policy. */
  readonly dataset: string;
  /** Each row names the records it came from; other fields are ignored. */
  readonly rows: readonly DerivedRow[];
  /** A reclassification the policy declares for this processor and dataset. */
  readonly reclassification?: string;
  /** Who asked, for the audit trail: `cli`, `api`, `library`. */
  readonly actor?: string;
}

export interface RowViolation {
  /** Index of the row in the request. */
  readonly row: number;
  readonly rule: DecisionRule;
  readonly reason: string;
}

export interface WriteResult {
  /** `violation`: written in `log` mode although the flow check failed. */
  readonly outcome: 'allowed' | 'violation';
  readonly flowId: number;
  readonly dataset: string;
  readonly recordIds: readonly number[];
  /** Datasets the sources came from. */
  readonly inputs: readonly string[];
  /** Purposes every written row allows. */
  readonly outputPurposes: readonly string[];
  readonly reclassification: string | null;
  readonly violations: readonly RowViolation[];
}

interface Target {
  readonly owner: string;
  readonly purpose: CompiledPurpose;
  readonly dataset: CompiledDataset;
}

interface PlannedRow {
  readonly row: DerivedRow;
  readonly json: string;
  readonly derived: DerivedLabel;
  readonly decision: Decision;
}

const MAX_REPORTED = 20;

/**
 * Writes rows a processor derived into a derived dataset. Each row's label
 * is the meet of the stored labels of the records it names in `from`; it
 * must allow the purpose and every purpose the dataset is declared for,
 * with consent where those need it. A failing row in `enforce` mode stops
 * the whole write (`flow_violation`, nothing written); in `log` mode the
 * rows are written and the flow is recorded as a violation. Rows, flow,
 * lineage edges and audit entries are one transaction.
 *
 * @example
 * const result = await pg.write({ processor: 'lookalike-builder',
 *   purpose: 'ads.audience.lookalike', dataset: 'lookalike_seeds',
 *   rows: [{ from: [12, 15], data: { seed: 'a' } }] });
 * result.outcome; // 'allowed'
 */
export async function writeDerived(ctx: EngineContext, request: WriteRequest): Promise<WriteResult> {
  const rows = parseDerivedRows(request.rows, 'rows');
  const target = await resolveTarget(ctx, request);
  await screenRows(ctx, request, target, rows);
  const declared = await resolveDeclaration(ctx, request, target);
  await ctx.syncLabels();
  const sources = await fetchSources(ctx, target.owner, rows);
  const inputs = [...new Set([...sources.values()].map((r) => r.dataset))].sort();
  const planned = await planRows(ctx, target, rows, sources, declared);
  const violations = violationsOf(planned);
  // A reclassification that does not hold is refused in `log` mode too:
  // the mode softens label checks, it never widens a label.
  const refused = violations.some((v) => v.rule === 'reclassification_refused');
  if (refused || (violations.length > 0 && target.dataset.mode === 'enforce')) {
    await deny(ctx, request, target, { inputs, violations });
    throw flowError(violations, rows.length);
  }
  return commitRows(ctx, request, target, { planned, inputs, violations, declared });
}

async function resolveTarget(ctx: EngineContext, request: WriteRequest): Promise<Target> {
  const gate = ctx.guard.authorize(request);
  const processor = ctx.policy.processors.get(request.processor);
  const purpose = ctx.policy.purposes.get(request.purpose);
  if (!gate.allowed || !processor || !purpose) {
    await auditDenial(ctx, request, processor?.owner ?? null, gate);
    throw new PurposeGuardError('purpose_denied', gate.reason);
  }
  const dataset = ctx.policy.datasets.get(request.dataset);
  if (!dataset) {
    throw new PurposeGuardError('invalid_request', `unknown dataset '${request.dataset}'`);
  }
  const target = { owner: processor.owner, purpose, dataset };
  if (dataset.kind !== 'derived') {
    const reason = `dataset '${dataset.name}' is raw; processors write only into derived datasets`;
    const violations = [{ row: -1, rule: 'flow_violation' as const, reason }];
    await deny(ctx, request, target, { inputs: [], violations });
    throw new PurposeGuardError('flow_violation', reason);
  }
  return target;
}

/**
 * Row data is screened like collected events: a plaintext identifier or
 * a special-category term written by a processor is refused in every
 * mode, since no lineage edge could lead an erasure to it.
 */
async function screenRows(
  ctx: EngineContext,
  request: WriteRequest,
  target: Target,
  rows: readonly DerivedRow[],
): Promise<void> {
  const scanner = scannerFor(ctx.policy);
  for (const [i, row] of rows.entries()) {
    const found = scanner.scanData(row.data, `rows[${i}]`, 'data');
    if (found === null) continue;
    const reason = `${found.path}: ${found.message}`;
    const violations = [{ row: i, rule: 'flow_violation' as const, reason }];
    await deny(ctx, request, target, { inputs: [], violations });
    const message = `${reason}; nothing was written`;
    throw new PurposeGuardError(errorCodeOf(found), message, { issues: [found] });
  }
}

function errorCodeOf(issue: Issue): ErrorCode {
  const code = issue.code;
  return code === 'sensitive_data' || code === 'plaintext_identifier' ? code : 'invalid_request';
}

async function resolveDeclaration(
  ctx: EngineContext,
  request: WriteRequest,
  target: Target,
): Promise<Reclassification | null> {
  if (request.reclassification === undefined) return null;
  const found = declarationFor(ctx.policy, {
    name: request.reclassification,
    processor: request.processor,
    dataset: request.dataset,
  });
  if ('allowed' in found) {
    const violations = [{ row: -1, rule: found.rule, reason: found.reason }];
    await deny(ctx, request, target, { inputs: [], violations });
    throw new PurposeGuardError('flow_violation', found.reason);
  }
  return found;
}

async function fetchSources(
  ctx: EngineContext,
  owner: string,
  rows: readonly DerivedRow[],
): Promise<Map<number, StoredRecord>> {
  const ids = [...new Set(rows.flatMap((r) => r.from))];
  const found = new Map<number, StoredRecord>();
  const now = ctx.now();
  for (const record of await ctx.store.recordsById(owner, ids)) {
    // Past its retention a record is unreadable, awaiting removal; it is
    // no source either.
    if (record.expiresAt === null || record.expiresAt > now) found.set(record.id, record);
  }
  const issues: Issue[] = [];
  rows.forEach((row, i) => {
    row.from.forEach((id, j) => {
      if (!found.has(id)) {
        const path = `rows[${i}].from[${j}]`;
        const message = `no record ${id} of owner '${owner}' that has not expired`;
        issues.push({ code: 'unknown_record', path, message });
      }
    });
  });
  if (issues.length > 0) {
    const message = `${issues.length} source id(s) name no live record of owner '${owner}';`
      + ' nothing was written';
    throw new PurposeGuardError('invalid_request', message, { issues: issues.slice(0, MAX_REPORTED) });
  }
  return found;
}

async function planRows(
  ctx: EngineContext,
  target: Target,
  rows: readonly DerivedRow[],
  sources: ReadonlyMap<number, StoredRecord>,
  declared: Reclassification | null,
): Promise<PlannedRow[]> {
  const check = new FlowCheck({ guard: ctx.guard, store: ctx.store, ...target });
  const out: PlannedRow[] = [];
  for (const [i, row] of rows.entries()) {
    const records = row.from
      .map((id) => sources.get(id))
      .filter((r): r is StoredRecord => r !== undefined);
    const meet = meetOf(ctx.policy, ctx.guard.labels, records, target.dataset.name);
    const short = declared ? coverageOf(declared, records, i) : null;
    const derived = declared && !short ? reclassifiedLabel(meet, declared) : meet;
    const json = jsonOf(row.data, i);
    out.push({ row, json, derived, decision: short ?? await check.check(derived) });
  }
  return out;
}

function violationsOf(planned: readonly PlannedRow[]): RowViolation[] {
  const out: RowViolation[] = [];
  planned.forEach((p, row) => {
    if (!p.decision.allowed) out.push({ row, rule: p.decision.rule, reason: p.decision.reason });
  });
  return out;
}

async function commitRows(
  ctx: EngineContext,
  request: WriteRequest,
  target: Target,
  plan: {
    planned: readonly PlannedRow[];
    inputs: readonly string[];
    violations: readonly RowViolation[];
    declared: Reclassification | null;
  },
): Promise<WriteResult> {
  const now = ctx.now();
  const records: NewRecord[] = [];
  for (const { row, json, derived } of plan.planned) {
    records.push({
      dataset: target.dataset.name,
      owner: target.owner,
      labelId: await ctx.labelId(derived.label),
      subjects: derived.subjects,
      collectedAt: now,
      expiresAt: derived.expiresAt,
      dedupeKey: null,
      json,
      sources: row.from,
    });
  }
  const outcome = plan.violations.length > 0 ? 'violation' : 'allowed';
  const flow: NewFlow = {
    owner: target.owner,
    processor: request.processor,
    purpose: request.purpose,
    inputs: plan.inputs,
    output: target.dataset.name,
    outcome,
    outputPurposes: purposesOfAll(ctx, plan.planned),
    reclassification: plan.declared?.name ?? null,
    at: now,
  };
  const result = await ctx.store.commit({
    records,
    flow,
    audit: (_ids, flowId) => flowAudit(request, target, {
      flow, flowId, violations: plan.violations, declared: plan.declared, rows: records.length,
    }),
  });
  const reason = plan.violations[0]?.reason ?? plan.planned[0]?.decision.reason ?? '';
  logFlow(ctx, request, { output: target.dataset.name, outcome, rows: records.length, reason });
  return {
    outcome,
    flowId: result.flowId ?? 0,
    dataset: target.dataset.name,
    recordIds: result.recordIds.filter((id): id is number => id !== null),
    inputs: plan.inputs,
    outputPurposes: flow.outputPurposes,
    reclassification: flow.reclassification,
    violations: plan.violations,
  };
}

function flowAudit(
  request: WriteRequest,
  target: Target,
  facts: {
    flow: NewFlow;
    flowId: number | null;
    violations: readonly RowViolation[];
    declared: Reclassification | null;
    rows: number;
  },
): AuditInput[] {
  const actor = request.processor;
  const entries: AuditInput[] = [{
    kind: facts.flow.outcome === 'allowed' ? 'flow' : 'violation',
    actor,
    owner: target.owner,
    data: {
      ...flowFacts(request, facts.flow, facts.flowId, target.dataset),
      rows: facts.rows,
      violations: facts.violations.length,
      rowViolations: facts.violations.slice(0, MAX_REPORTED),
      via: request.actor ?? 'library',
    },
  }];
  if (facts.declared) {
    entries.push({
      kind: 'reclassification',
      actor,
      owner: target.owner,
      data: {
        flowId: facts.flowId,
        reclassification: facts.declared.name,
        processor: facts.declared.processor,
        dataset: facts.declared.dataset,
        purposes: facts.declared.purposes,
        minSubjects: facts.declared.minSubjects,
        justification: facts.declared.justification,
        rows: facts.rows,
      },
    });
  }
  return entries;
}

function flowFacts(
  request: WriteRequest,
  flow: NewFlow,
  flowId: number | null,
  dataset: CompiledDataset,
): Record<string, unknown> {
  return {
    flowId,
    processor: request.processor,
    purpose: request.purpose,
    dataset: dataset.name,
    inputs: flow.inputs,
    outcome: flow.outcome,
    mode: dataset.mode,
    outputPurposes: flow.outputPurposes,
    reclassification: flow.reclassification,
  };
}

/** Records a blocked write: a `denied` flow, its audit entry, a log event. */
async function deny(
  ctx: EngineContext,
  request: WriteRequest,
  target: Target,
  facts: { inputs: readonly string[]; violations: readonly RowViolation[] },
): Promise<void> {
  const names = auditedNames(ctx.policy, request, '');
  const flow: NewFlow = {
    owner: target.owner,
    processor: request.processor,
    purpose: request.purpose,
    inputs: facts.inputs,
    output: target.dataset.name,
    outcome: 'denied',
    outputPurposes: [],
    reclassification: names.reclassification ?? null,
    at: ctx.now(),
  };
  const violations = facts.violations.map((v) => ({
    ...v, reason: withoutUndeclared(ctx.policy, request, v.reason),
  }));
  const first = violations[0];
  await ctx.store.commit({
    flow,
    audit: (_ids, flowId) => [{
      kind: 'violation',
      actor: request.processor,
      owner: target.owner,
      data: {
        ...flowFacts(request, flow, flowId, target.dataset),
        rule: first?.rule ?? 'error',
        reason: first?.reason ?? '',
        rows: request.rows.length,
        violations: violations.length,
        rowViolations: violations.slice(0, MAX_REPORTED),
        via: request.actor ?? 'library',
      },
    }],
  });
  logFlow(ctx, request, {
    output: target.dataset.name, outcome: 'denied', rows: 0, reason: first?.reason ?? '',
  });
}

/** A write refused before any data was looked at: not registered. */
async function auditDenial(
  ctx: EngineContext,
  request: WriteRequest,
  owner: string | null,
  decision: Decision,
): Promise<void> {
  const names = auditedNames(ctx.policy, request, decision.reason);
  const data = {
    processor: names.processor,
    purpose: names.purpose,
    dataset: names.dataset,
    outcome: 'denied',
    rule: decision.rule,
    reason: names.reason,
    rows: request.rows.length,
    via: request.actor ?? 'library',
  };
  await ctx.store.appendAudit([{ kind: 'violation', actor: names.processor, owner, data }]);
  logFlow(ctx, { ...request, ...names }, {
    output: names.dataset, outcome: 'denied', rows: 0, reason: names.reason,
  });
}

function logFlow(
  ctx: EngineContext,
  request: WriteRequest,
  facts: { output: string; outcome: 'allowed' | 'violation' | 'denied'; rows: number; reason: string },
): void {
  ctx.log({ type: 'flow', processor: request.processor, purpose: request.purpose, ...facts });
}

function flowError(violations: readonly RowViolation[], rows: number): PurposeGuardError {
  const first = violations[0];
  const issues = violations.slice(0, MAX_REPORTED).map((v) => ({
    code: v.rule,
    path: v.row >= 0 ? `rows[${v.row}]` : 'request',
    message: v.reason,
  }));
  const why = first?.reason ?? 'no reason';
  const message = `flow denied: ${violations.length} of ${rows} row(s) violate the policy (${why}); nothing was written`;
  return new PurposeGuardError('flow_violation', message, { issues });
}

function purposesOfAll(ctx: EngineContext, planned: readonly PlannedRow[]): string[] {
  let mask: PurposeMask | null = null;
  for (const { derived } of planned) {
    const own = ctx.policy.maskOf(derived.label.purposes);
    mask = mask === null ? own : intersect(mask, own);
  }
  return mask === null ? [] : ctx.policy.namesOf(mask);
}

function jsonOf(data: unknown, row: number): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch {
    text = undefined;
  }
  if (typeof text !== 'string') {
    throw new PurposeGuardError('invalid_request', `rows[${row}].data is not JSON`);
  }
  return text;
}
