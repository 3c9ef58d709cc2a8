import type { LabelClass } from '../label.js';
import type { CompiledPolicy, CompiledSource, TaggingRule } from '../policy/policy-types.js';
import { intersect, union } from '../policy/purpose-mask.js';

/** What the tagging rules look at. */
export interface LabelFacts {
  readonly eventName: string | null;
  readonly limitedDataUse: boolean;
  readonly optOut: boolean;
  /** ISO alpha-2 country from the record, if it has one. */
  readonly country: string | null;
  /** user_data fields present (em, ph, ...), for the categories they imply. */
  readonly fields: readonly string[];
}

export interface StampedLabel {
  readonly label: LabelClass;
  readonly expiresAt: number | null;
}

const FIELD_CATEGORIES: Readonly<Record<string, string>> = {
  em: 'user.contact.email',
  ph: 'user.contact.phone',
  fn: 'user.name',
  ln: 'user.name',
  ct: 'user.location',
  st: 'user.location',
  zp: 'user.location',
  country: 'user.location',
  ge: 'user.demographic',
  db: 'user.demographic',
  external_id: 'user.id.external',
  madid: 'user.device',
  client_ip_address: 'user.device',
  client_user_agent: 'user.device',
};

/**
 * Stamps a record's label from its source's tagging rules. Rules apply in
 * order: `purposes` add, `restrict_to` narrows what is there so far. A
 * record no rule speaks for gets a label that allows nothing.
 */
export function stampLabel(
  policy: CompiledPolicy,
  source: CompiledSource,
  facts: LabelFacts,
  collectedAt: number,
): StampedLabel {
  const jurisdiction = facts.country ?? source.jurisdiction ?? policy.defaultJurisdiction;
  const places = policy.jurisdictionGroups.get(jurisdiction) ?? new Set([jurisdiction]);
  let mask = policy.maskOf([]);
  const categories = new Set<string>();
  for (const rule of source.rules) {
    if (!matches(rule, facts, places)) continue;
    if (rule.purposes.length > 0) mask = union(mask, policy.maskOf(rule.purposes));
    if (rule.restrictTo) mask = intersect(mask, policy.maskOf(rule.restrictTo));
    for (const category of rule.categories) categories.add(category);
  }
  for (const field of facts.fields) {
    const category = FIELD_CATEGORIES[field];
    if (category && policy.categories.has(category)) categories.add(category);
  }
  const flags = [
    ...(facts.limitedDataUse ? ['ldu'] : []),
    ...(facts.optOut ? ['opt_out'] : []),
  ];
  const label: LabelClass = {
    purposes: policy.namesOf(mask),
    categories: [...categories].sort(),
    source: source.name,
    jurisdiction,
    flags,
  };
  return { label, expiresAt: expiryOf(source, places, collectedAt) };
}

function matches(rule: TaggingRule, facts: LabelFacts, places: ReadonlySet<string>): boolean {
  const when = rule.when;
  if (when.eventNames && (facts.eventName === null || !when.eventNames.has(facts.eventName))) return false;
  if (when.limitedDataUse !== null && when.limitedDataUse !== facts.limitedDataUse) return false;
  if (when.optOut !== null && when.optOut !== facts.optOut) return false;
  if (when.jurisdictions && ![...places].some((p) => when.jurisdictions?.has(p))) return false;
  return true;
}

/** The shortest retention that applies where the record was collected. */
function expiryOf(source: CompiledSource, places: ReadonlySet<string>, at: number): number | null {
  let ms: number | null = null;
  for (const place of places) {
    const specific = source.retention.byJurisdiction.get(place);
    if (specific !== undefined) ms = ms === null ? specific : Math.min(ms, specific);
  }
  ms ??= source.retention.defaultMs;
  return ms === null ? null : at + ms;
}
