import type { LabelRegistry } from '../decision/label-registry.js';
import { PurposeGuardError } from '../errors.js';
import { reclassifiedFlag } from '../label.js';
import type { LabelClass } from '../label.js';
import { combineJurisdictions } from '../policy/jurisdictions.js';
import type { CompiledPolicy, Reclassification } from '../policy/policy-types.js';
import { intersect } from '../policy/purpose-mask.js';
import type { StoredRecord } from '../store/store.js';

/** The label a derived row gets, with its per-record part. */
export interface DerivedLabel {
  readonly label: LabelClass;
  readonly subjects: readonly string[];
  readonly expiresAt: number | null;
}

/**
 * The meet of the stored labels of a row's sources: the purposes every
 * source allows, the categories and flags of all, every subject, the
 * earliest expiry, and one jurisdiction standing for all of theirs. It
 * can never allow more than any source did.
 *
 * @example
 * const out = meetOf(policy, guard.labels, sources, 'lookalike_seeds');
 * out.label.purposes; // ['ads', 'ads.audience', 'ads.audience.lookalike']
 */
export function meetOf(
  policy: CompiledPolicy,
  labels: LabelRegistry,
  sources: readonly StoredRecord[],
  dataset: string,
): DerivedLabel {
  const first = sources[0];
  if (first === undefined) throw new PurposeGuardError('internal', 'a derived row has no sources');
  let mask = compiledOf(labels, first).mask;
  const categories = new Set<string>();
  const flags = new Set<string>();
  const places: string[] = [];
  const subjects = new Set<string>();
  let expiresAt: number | null = null;
  for (const record of sources) {
    const compiled = compiledOf(labels, record);
    mask = intersect(mask, compiled.mask);
    for (const category of compiled.label.categories) categories.add(category);
    for (const flag of compiled.label.flags) flags.add(flag);
    places.push(compiled.label.jurisdiction);
    for (const subject of record.subjects) subjects.add(subject);
    expiresAt = earliest(expiresAt, record.expiresAt);
  }
  return {
    label: {
      purposes: policy.namesOf(mask),
      categories: [...categories].sort(),
      source: `derived:${dataset}`,
      jurisdiction: combineJurisdictions(places),
      flags: [...flags].sort(),
    },
    subjects: [...subjects].sort(),
    expiresAt,
  };
}

/**
 * The wider label a declared reclassification gives: its purposes, no
 * subjects, and a flag naming it. Categories, jurisdiction, expiry and
 * flags of the sources stay, so the output still says what it was made of.
 */
export function reclassifiedLabel(meet: DerivedLabel, declaration: Reclassification): DerivedLabel {
  return {
    label: {
      ...meet.label,
      purposes: [...declaration.purposes].sort(),
      flags: [...new Set([...meet.label.flags, reclassifiedFlag(declaration.name)])].sort(),
    },
    subjects: [],
    expiresAt: meet.expiresAt,
  };
}

function compiledOf(labels: LabelRegistry, record: StoredRecord): NonNullable<ReturnType<LabelRegistry['get']>> {
  const compiled = labels.get(record.labelId);
  if (!compiled) throw new PurposeGuardError('internal', `record ${record.id} has an unknown label`);
  return compiled;
}

function earliest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
