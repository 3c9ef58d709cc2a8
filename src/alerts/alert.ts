/** What an alert is about. */
export type AlertKind =
  | 'denial'
  | 'flow_violation'
  | 'read_spike'
  | 'new_purpose'
  | 'denial_spike';

export type AlertSeverity = 'warning' | 'critical';

/** A value an alert may carry: names, counts and rules, never personal data. */
export type AlertValue = string | number | boolean | null;

/**
 * An alert as it is logged, audited and posted to the webhook. Details
 * hold processor, purpose and dataset names, counts and the rule that
 * decided, never record contents or identifiers.
 */
export interface Alert {
  readonly alert: AlertKind;
  readonly severity: AlertSeverity;
  /** ISO time it was raised. */
  readonly at: string;
  readonly owner: string | null;
  readonly details: Readonly<Record<string, AlertValue>>;
}
