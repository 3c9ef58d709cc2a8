import { deny } from '../decision/decision.js';
import type { Decision } from '../decision/decision.js';
import type { CompiledPolicy, Reclassification } from '../policy/policy-types.js';
import type { StoredRecord } from '../store/store.js';

export interface ReclassificationClaim {
  readonly name: string;
  readonly processor: string;
  readonly dataset: string;
}

/**
 * The policy's declaration a write names, or the denial saying why it
 * does not apply. Only a declared reclassification for this processor
 * and this dataset can widen a label; nothing widens one silently.
 */
export function declarationFor(
  policy: CompiledPolicy,
  claim: ReclassificationClaim,
): Reclassification | Decision {
  const declared = policy.reclassifications.get(claim.name);
  if (!declared) {
    return refused(`the policy declares no reclassification '${claim.name}'`);
  }
  if (declared.processor !== claim.processor) {
    return refused(`reclassification '${claim.name}' is declared for processor '${declared.processor}', not '${claim.processor}'`);
  }
  if (declared.dataset !== claim.dataset) {
    return refused(`reclassification '${claim.name}' is declared for dataset '${declared.dataset}', not '${claim.dataset}'`);
  }
  return declared;
}

/**
 * Whether a row's sources cover enough distinct subjects for the
 * declaration: an aggregate over fewer could still single a person out.
 */
export function coverageOf(
  declared: Reclassification,
  sources: readonly StoredRecord[],
  row: number,
): Decision | null {
  const subjects = new Set<string>();
  for (const record of sources) for (const subject of record.subjects) subjects.add(subject);
  if (subjects.size >= declared.minSubjects) return null;
  return refused(`rows[${row}] covers ${subjects.size} distinct data subject(s); reclassification '${declared.name}' needs at least ${declared.minSubjects}`);
}

function refused(reason: string): Decision {
  return deny('reclassification_refused', reason);
}
