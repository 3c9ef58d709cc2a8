import type { CompiledPolicy } from '../policy/policy-types.js';

/** How a name the policy does not declare is written down. */
export const UNDECLARED = '(undeclared)';

/** The names a request was made with, as a caller sent them. */
export interface RequestNames {
  readonly processor: string;
  readonly purpose: string;
  readonly dataset: string;
  readonly reclassification?: string;
}

/**
 * The names of a request and the reason of its decision as the audit
 * trail and the log keep them. A name the policy does not declare came
 * from the caller and may be anything, an email included; the trail is
 * append-only and erasure cannot reach it, so such a name is replaced
 * with `(undeclared)`, in the reason as well. The caller's own answer
 * still names it.
 *
 * @example
 * auditedNames(policy, { processor: 'ads-ranker', purpose: 'a@b.example',
 *   dataset: 'events' }, "unknown purpose 'a@b.example'");
 * // { processor: 'ads-ranker', purpose: '(undeclared)', dataset: 'events',
 * //   reason: 'unknown purpose (undeclared)' }
 */
export function auditedNames(
  policy: CompiledPolicy,
  names: RequestNames,
  reason: string,
): RequestNames & { readonly reason: string } {
  const claim = names.reclassification;
  return {
    processor: policy.processors.has(names.processor) ? names.processor : UNDECLARED,
    purpose: policy.purposes.has(names.purpose) ? names.purpose : UNDECLARED,
    dataset: policy.datasets.has(names.dataset) ? names.dataset : UNDECLARED,
    ...(claim !== undefined
      ? { reclassification: policy.reclassifications.has(claim) ? claim : UNDECLARED }
      : {}),
    reason: withoutUndeclared(policy, names, reason),
  };
}

/** A text with every quoted undeclared name of the request replaced. */
export function withoutUndeclared(
  policy: CompiledPolicy,
  names: RequestNames,
  text: string,
): string {
  let out = text;
  for (const name of undeclaredOf(policy, names)) out = out.replaceAll(`'${name}'`, UNDECLARED);
  return out;
}

function undeclaredOf(policy: CompiledPolicy, names: RequestNames): string[] {
  const out: string[] = [];
  if (!policy.processors.has(names.processor)) out.push(names.processor);
  if (!policy.purposes.has(names.purpose)) out.push(names.purpose);
  if (!policy.datasets.has(names.dataset)) out.push(names.dataset);
  const claim = names.reclassification;
  if (claim !== undefined && !policy.reclassifications.has(claim)) out.push(claim);
  return out;
}
