import type { PurposeMask } from './purpose-mask.js';

export type Mode = 'enforce' | 'log';

/** Who must have consented before a purpose may use a record. */
export type ConsentRule =
  | { readonly kind: 'none' }
  | { readonly kind: 'always' }
  | { readonly kind: 'in'; readonly jurisdictions: ReadonlySet<string> };

export interface CompiledPurpose {
  readonly name: string;
  readonly bit: number;
  readonly parent: string | null;
  readonly description: string;
  readonly consent: ConsentRule;
}

export interface CompiledCategory {
  readonly name: string;
  /** The special category (GDPR Art. 9) this is, or null. */
  readonly special: string | null;
}

export interface RuleCondition {
  readonly eventNames: ReadonlySet<string> | null;
  readonly limitedDataUse: boolean | null;
  readonly optOut: boolean | null;
  readonly jurisdictions: ReadonlySet<string> | null;
}

/**
 * A tagging rule of a source. Rules apply in order: `purposes` and
 * `categories` add, `restrictTo` narrows what earlier rules added.
 */
export interface TaggingRule {
  readonly when: RuleCondition;
  readonly purposes: readonly string[];
  readonly restrictTo: readonly string[] | null;
  readonly categories: readonly string[];
}

export type SourceKind = 'conversions_api' | 'customer_list';

export interface CompiledSource {
  readonly name: string;
  readonly kind: SourceKind;
  readonly owner: string;
  readonly dataset: string;
  readonly writeKeySha256: string | null;
  readonly jurisdiction: string | null;
  readonly retention: RetentionRule;
  readonly rules: readonly TaggingRule[];
  /** Plain (unhashed) user_data fields this source may keep. */
  readonly keepPlain: ReadonlySet<string>;
}

export interface RetentionRule {
  readonly defaultMs: number | null;
  readonly byJurisdiction: ReadonlyMap<string, number>;
}

export type DatasetKind = 'raw' | 'derived';

export interface CompiledDataset {
  readonly name: string;
  readonly kind: DatasetKind;
  readonly description: string;
  /** Purposes the dataset is declared for (derived datasets). */
  readonly purposes: readonly string[];
  readonly mask: PurposeMask;
  readonly mode: Mode;
}

export interface CompiledProcessor {
  readonly name: string;
  readonly index: number;
  readonly owner: string;
  readonly purposes: readonly string[];
  /** Registered purposes with every purpose below them. */
  readonly mask: PurposeMask;
  readonly tokenSha256: string | null;
}

export interface CompiledDestination {
  readonly name: string;
  readonly kind: 'customer_list_removal';
  readonly datasets: readonly string[];
  readonly endpoint: string | null;
  readonly file: string | null;
}

export interface Reclassification {
  readonly name: string;
  readonly processor: string;
  readonly dataset: string;
  readonly purposes: readonly string[];
  readonly minSubjects: number;
  readonly justification: string;
}

export interface AlertSettings {
  readonly webhook: string | null;
  readonly readSpikeFactor: number;
  readonly readBaselineMinRows: number;
  readonly denialSpikePerMinute: number;
}

/**
 * A loaded, validated and compiled policy. Immutable: every lookup a
 * decision needs is a map or a bit test.
 */
export interface CompiledPolicy {
  readonly file: string;
  readonly digest: string;
  readonly mode: Mode;
  readonly defaultJurisdiction: string;
  readonly purposeCount: number;
  readonly purposes: ReadonlyMap<string, CompiledPurpose>;
  /** Purposes by bit. */
  readonly purposeList: readonly CompiledPurpose[];
  readonly categories: ReadonlyMap<string, CompiledCategory>;
  readonly owners: ReadonlySet<string>;
  readonly sources: ReadonlyMap<string, CompiledSource>;
  readonly datasets: ReadonlyMap<string, CompiledDataset>;
  readonly processors: ReadonlyMap<string, CompiledProcessor>;
  readonly adminTokenSha256: string | null;
  readonly tcfPurposes: ReadonlyMap<number, readonly string[]>;
  readonly destinations: ReadonlyMap<string, CompiledDestination>;
  readonly reclassifications: ReadonlyMap<string, Reclassification>;
  readonly alerts: AlertSettings;
  /** Extra special-category terms, by special category. */
  readonly specialTerms: ReadonlyMap<string, readonly string[]>;
  /** Jurisdiction groups (EU and any the policy declares) to members. */
  readonly jurisdictionGroups: ReadonlyMap<string, ReadonlySet<string>>;
  /** The mask of these purposes and every purpose below them. */
  maskOf(names: Iterable<string>): PurposeMask;
  /** The purpose names whose bits are set in the mask. */
  namesOf(mask: PurposeMask): string[];
}
