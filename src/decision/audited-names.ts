import type { CompiledPolicy } from '../policy/policy-types.js';

/** How a name the policy does not declare is written down. */
export const UNDECLARED = '(undeclared)';

/** The names a request was made with, as a caller sent them. */
export interface RequestNames {
  readonly processor: string;
  readonly purpose: string;
  readonly dataset: string;
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
  const processor = policy.processors.has(names.processor) ? names.processor : UNDECLARED;
  const purpose = policy.purposes.has(names.purpose) ? names.purpose : UNDECLARED;
  const dataset = policy.datasets.has(names.dataset) ? names.dataset : UNDECLARED;
  let text = reason;
  if (processor === UNDECLARED) text = text.replaceAll(`'${names.processor}'`, UNDECLARED);
  if (purpose === UNDECLARED) text = text.replaceAll(`'${names.purpose}'`, UNDECLARED);
  if (dataset === UNDECLARED) text = text.replaceAll(`'${names.dataset}'`, UNDECLARED);
  return { processor, purpose, dataset, reason: text };
}
