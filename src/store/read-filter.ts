import { PurposeGuardError } from '../errors.js';
import type { ReadPlan } from './store.js';

/** How a dialect spells a bound parameter and a JSON field. */
export interface SqlDialect {
  param(value: unknown): string;
  jsonField(column: string, key: string): string;
  /** A boolean value as compared in a JSON field. */
  jsonValue(value: string | number | boolean): unknown;
  /**
   * Appended to a subquery so the planner keeps it a set computed once
   * (PostgreSQL: ` OFFSET 0`) instead of a per-row lookup.
   */
  readonly setFence: string;
}

const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,3}$/;

/**
 * The WHERE clause of a purpose-checked read over `records r`: owner and
 * dataset, labels that allow the purpose, consent where the label needs
 * it, not expired. A plan that allows no label matches nothing.
 */
export function readFilter(plan: ReadPlan, sql: SqlDialect): string {
  const allowed: string[] = [];
  if (plan.open.length > 0) allowed.push(`r.label_id IN (${ids(plan.open)})`);
  for (const group of plan.consentGroups) {
    if (group.labels.length === 0 || group.purposes.length === 0) continue;
    const consent = group.purposes.map((p) => consentClause(p, plan.owner, sql)).join(' AND ');
    allowed.push(`(r.label_id IN (${ids(group.labels)}) AND ${consent})`);
  }
  const parts = [
    `r.owner = ${sql.param(plan.owner)}`,
    `r.dataset = ${sql.param(plan.dataset)}`,
    allowed.length > 0 ? `(${allowed.join(' OR ')})` : '1 = 0',
    `(r.expires_at IS NULL OR r.expires_at > ${sql.param(plan.now)})`,
  ];
  for (const [key, value] of Object.entries(plan.where ?? {})) {
    if (!FIELD.test(key)) {
      throw new PurposeGuardError('invalid_request', `where: '${key}' is not a field name`);
    }
    parts.push(`${sql.jsonField('r.data', key)} = ${sql.param(sql.jsonValue(value))}`);
  }
  return parts.join(' AND ');
}

/**
 * Consent as sets computed once per query: the subjects who granted the
 * purpose, and the multi-subject records with a subject who did not. Each
 * row then costs a hash lookup, not a correlated index probe.
 */
function consentClause(purpose: string, owner: string, sql: SqlDialect): string {
  const granted = `(SELECT c.subject FROM consent_state c WHERE c.owner = ${sql.param(owner)}` +
    ` AND c.purpose = ${sql.param(purpose)} AND c.status = 'granted'${sql.setFence})`;
  const lacking = `(SELECT s.record_id FROM record_subjects s WHERE s.owner = ${sql.param(owner)}` +
    ` AND s.subject NOT IN ${granted}${sql.setFence})`;
  return `(r.subject IN ${granted} AND (r.multi = 0 OR r.id NOT IN ${lacking}))`;
}

function ids(values: readonly number[]): string {
  return values.map((v) => {
    if (!Number.isSafeInteger(v)) throw new PurposeGuardError('internal', 'label id is not an integer');
    return String(v);
  }).join(',');
}
