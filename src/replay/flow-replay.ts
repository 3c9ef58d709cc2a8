import type { Guard } from '../decision/guard.js';
import { declarationFor } from '../flow/reclassification-check.js';
import type { CompiledPolicy } from '../policy/policy-types.js';
import { hasBit, union } from '../policy/purpose-mask.js';
import type { StoredFlow } from '../store/store.js';

export type ReplayedFlowOutcome = 'allowed' | 'violation' | 'denied';

export interface FlowVerdict {
  readonly outcome: ReplayedFlowOutcome;
  readonly reason: string;
}

/**
 * What a policy says of a recorded flow, from what the flow row keeps:
 * processor and purpose, the output dataset, the purposes of the output
 * label and any reclassification. `violation` means the output label does
 * not allow what the dataset is declared for, whatever the mode.
 *
 * Consent cannot be replayed from a flow row (it holds no subjects), nor
 * a reclassification's `min_subjects`: a change to `requires_consent` or
 * to `min_subjects` shows in no replay.
 */
export function replayFlow(policy: CompiledPolicy, guard: Guard, flow: StoredFlow): FlowVerdict {
  const gate = guard.authorize(flow);
  if (!gate.allowed) return { outcome: 'denied', reason: gate.reason };
  const dataset = policy.datasets.get(flow.output);
  if (!dataset) return { outcome: 'denied', reason: `unknown dataset '${flow.output}'` };
  if (dataset.kind !== 'derived') return { outcome: 'denied', reason: `dataset '${flow.output}' is raw` };
  if (flow.reclassification !== null) {
    const found = declarationFor(policy, {
      name: flow.reclassification, processor: flow.processor, dataset: flow.output,
    });
    if ('allowed' in found) return { outcome: 'denied', reason: found.reason };
  }
  const have = policy.maskOf(flow.outputPurposes);
  const need = union(dataset.mask, policy.maskOf([flow.purpose]));
  const missing = policy.purposeList.filter((p) => hasBit(need, p.bit) && !hasBit(have, p.bit));
  if (missing.length > 0) {
    const names = missing.map((p) => `'${p.name}'`).join(', ');
    return { outcome: 'violation', reason: `the output label does not allow ${names}` };
  }
  return { outcome: 'allowed', reason: `the output label allows every purpose of '${flow.output}'` };
}
