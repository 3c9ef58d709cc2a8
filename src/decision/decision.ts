/** The rule that decided. A closed set, so decisions can be counted by it. */
export type DecisionRule =
  | 'unknown_processor'
  | 'unknown_purpose'
  | 'unknown_dataset'
  | 'not_registered'
  | 'owner_mismatch'
  | 'registered'
  | 'label_allows'
  | 'label_disallows'
  | 'consent_missing'
  | 'flow_allowed'
  | 'flow_violation'
  | 'reclassified'
  | 'reclassification_refused'
  | 'error';

/**
 * Allow or deny, with the rule that decided and a reason a person can
 * read. Decisions are immutable and shared: deciding allocates nothing.
 */
export interface Decision {
  readonly allowed: boolean;
  readonly rule: DecisionRule;
  readonly reason: string;
}

export function allow(rule: DecisionRule, reason: string): Decision {
  return Object.freeze({ allowed: true, rule, reason });
}

export function deny(rule: DecisionRule, reason: string): Decision {
  return Object.freeze({ allowed: false, rule, reason });
}

/** Any error inside a decision is a denial. */
export const ERROR_DENIAL: Decision = deny('error', 'the decision failed, so it is a denial');
