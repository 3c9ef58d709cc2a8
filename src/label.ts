/**
 * What travels with every record. The class part (purposes, categories,
 * source, jurisdiction, flags) is shared by many records and stored once;
 * the per-record part (owner, subjects, times) lives on the record.
 */
export interface LabelClass {
  /** Purposes the record may serve, as declared (children implied). */
  readonly purposes: readonly string[];
  readonly categories: readonly string[];
  /** Source name for raw records, `derived:<dataset>` for derived ones. */
  readonly source: string;
  /** ISO 3166 alpha-2 country, or a group such as `EU`. */
  readonly jurisdiction: string;
  /** Consent and processing flags: `ldu`, `opt_out`, `reclassified:<name>`. */
  readonly flags: readonly string[];
}

export interface Label extends LabelClass {
  readonly owner: string;
  /** Hashed identifiers of the data subjects; empty for non-personal rows. */
  readonly subjects: readonly string[];
  readonly collectedAt: number;
  readonly expiresAt: number | null;
}

/** A canonical key for a label class, equal for equal classes. */
export function labelClassKey(label: LabelClass): string {
  return JSON.stringify([
    [...label.purposes].sort(),
    [...label.categories].sort(),
    label.source,
    label.jurisdiction,
    [...label.flags].sort(),
  ]);
}

export function normalizeLabelClass(label: LabelClass): LabelClass {
  return {
    purposes: uniqueSorted(label.purposes),
    categories: uniqueSorted(label.categories),
    source: label.source,
    jurisdiction: label.jurisdiction,
    flags: uniqueSorted(label.flags),
  };
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

const RECLASSIFIED = 'reclassified:';

/** The flag a reclassification named `name` puts on its output. */
export function reclassifiedFlag(name: string): string {
  return `${RECLASSIFIED}${name}`;
}

/** Whether a declared reclassification produced this label. */
export function isReclassified(label: LabelClass): boolean {
  return label.flags.some((flag) => flag.startsWith(RECLASSIFIED));
}
