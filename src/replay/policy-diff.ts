import { Guard } from '../decision/guard.js';
import type { CompiledPolicy } from '../policy/policy-types.js';
import type { AuditEntry, Store } from '../store/store.js';
import { replayFlow } from './flow-replay.js';
import type { ReplayedFlowOutcome } from './flow-replay.js';

export interface DecisionChange {
  readonly processor: string;
  readonly purpose: string;
  readonly dataset: string;
  /** How many recorded decisions asked exactly this. */
  readonly count: number;
  readonly before: 'allow' | 'deny';
  readonly after: 'allow' | 'deny';
  readonly reason: string;
}

export interface FlowChange {
  readonly flowId: number;
  readonly owner: string;
  readonly processor: string;
  readonly purpose: string;
  readonly output: string;
  readonly rows: number;
  /** The outcome the store recorded when the flow ran. */
  readonly recorded: string;
  readonly before: ReplayedFlowOutcome;
  readonly after: ReplayedFlowOutcome;
  readonly reason: string;
}

export interface PolicyDiff {
  readonly decisions: { readonly replayed: number; readonly changed: readonly DecisionChange[] };
  readonly flows: { readonly replayed: number; readonly changed: readonly FlowChange[] };
}

const AUDIT_PAGE = 1000;
const FLOW_LIMIT = 1_000_000;

/**
 * A dry run of a policy change: every recorded read decision and every
 * recorded flow is decided under the old and the new policy, and those
 * whose outcome would differ are listed. Nothing is written.
 *
 * @example
 * const diff = await policyDiff(store, loadPolicyFile('old.yaml'), loadPolicyFile('new.yaml'));
 * diff.decisions.changed[0]; // { processor: 'ads-ranker', before: 'allow', after: 'deny', ... }
 */
export async function policyDiff(
  store: Store,
  before: CompiledPolicy,
  after: CompiledPolicy,
): Promise<PolicyDiff> {
  const guards = { before: new Guard(before), after: new Guard(after) };
  const requests = await recordedRequests(store);
  const decisions: DecisionChange[] = [];
  let replayed = 0;
  for (const request of requests.values()) {
    replayed += request.count;
    const was = decide(before, guards.before, request);
    const now = decide(after, guards.after, request);
    if (was.outcome !== now.outcome) {
      decisions.push({ ...request, before: was.outcome, after: now.outcome, reason: now.reason });
    }
  }
  const flows = (await store.flows({ limit: FLOW_LIMIT })).sort((a, b) => a.id - b.id);
  const changed: FlowChange[] = [];
  for (const flow of flows) {
    const was = replayFlow(before, guards.before, flow);
    const now = replayFlow(after, guards.after, flow);
    if (was.outcome === now.outcome) continue;
    changed.push({
      flowId: flow.id, owner: flow.owner, processor: flow.processor, purpose: flow.purpose,
      output: flow.output, rows: flow.rows, recorded: flow.outcome,
      before: was.outcome, after: now.outcome, reason: now.reason,
    });
  }
  return {
    decisions: { replayed, changed: decisions },
    flows: { replayed: flows.length, changed },
  };
}

interface RecordedRequest {
  readonly processor: string;
  readonly purpose: string;
  readonly dataset: string;
  readonly count: number;
}

/** Distinct read requests of the audit trail's decision entries, counted. */
async function recordedRequests(store: Store): Promise<Map<string, RecordedRequest>> {
  const out = new Map<string, RecordedRequest>();
  let afterSeq = 0;
  for (;;) {
    const page = await store.readAudit({ afterSeq, limit: AUDIT_PAGE });
    for (const entry of page) {
      const request = requestOf(entry);
      if (!request) continue;
      const key = JSON.stringify([request.processor, request.purpose, request.dataset]);
      const known = out.get(key);
      out.set(key, { ...request, count: (known?.count ?? 0) + 1 });
    }
    const last = page.at(-1);
    if (!last || page.length < AUDIT_PAGE) return out;
    afterSeq = last.seq;
  }
}

function requestOf(entry: AuditEntry): Omit<RecordedRequest, 'count'> | null {
  if (entry.kind !== 'decision') return null;
  const { processor, purpose, dataset } = entry.data;
  if (typeof processor !== 'string' || typeof purpose !== 'string' || typeof dataset !== 'string') {
    return null;
  }
  return { processor, purpose, dataset };
}

function decide(
  policy: CompiledPolicy,
  guard: Guard,
  request: Omit<RecordedRequest, 'count'>,
): { outcome: 'allow' | 'deny'; reason: string } {
  const gate = guard.authorize(request);
  if (!gate.allowed) return { outcome: 'deny', reason: gate.reason };
  if (!policy.datasets.has(request.dataset)) {
    return { outcome: 'deny', reason: `unknown dataset '${request.dataset}'` };
  }
  return { outcome: 'allow', reason: gate.reason };
}
