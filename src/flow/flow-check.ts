import { allow, deny } from '../decision/decision.js';
import type { Decision } from '../decision/decision.js';
import type { Guard } from '../decision/guard.js';
import { LabelRegistry } from '../decision/label-registry.js';
import { isReclassified } from '../label.js';
import type { CompiledDataset, CompiledPurpose } from '../policy/policy-types.js';
import { hasBit, union } from '../policy/purpose-mask.js';
import type { PurposeMask } from '../policy/purpose-mask.js';
import type { Store } from '../store/store.js';
import type { DerivedLabel } from './derived-label.js';

const MAX_NAMED = 5;

export interface FlowCheckOptions {
  readonly guard: Guard;
  readonly store: Store;
  readonly owner: string;
  /** The purpose the processor declared for the write. */
  readonly purpose: CompiledPurpose;
  readonly dataset: CompiledDataset;
}

/**
 * Decides whether a row with a computed label may go into a derived
 * dataset: its label must allow the write's purpose and every purpose the
 * dataset is declared for, and where one of those needs consent for the
 * label's jurisdiction, every subject of the row must have granted it.
 */
export class FlowCheck {
  readonly #options: FlowCheckOptions;
  readonly #scratch: LabelRegistry;
  readonly #required: PurposeMask;
  readonly #checked: readonly CompiledPurpose[];
  readonly #granted = new Map<string, ReadonlySet<string>>();

  constructor(options: FlowCheckOptions) {
    this.#options = options;
    const policy = options.guard.policy;
    this.#scratch = new LabelRegistry(policy);
    this.#required = union(options.dataset.mask, policy.maskOf([options.purpose.name]));
    const names = new Set([options.purpose.name, ...options.dataset.purposes]);
    this.#checked = [...names]
      .map((name) => policy.purposes.get(name))
      .filter((p): p is CompiledPurpose => p !== undefined);
  }

  async check(derived: DerivedLabel): Promise<Decision> {
    const compiled = this.#scratch.get(this.#scratch.intern(derived.label));
    if (!compiled) return deny('error', 'the output label could not be compiled');
    const missing = this.#options.guard.policy.purposeList
      .filter((p) => hasBit(this.#required, p.bit) && !hasBit(compiled.mask, p.bit))
      .map((p) => p.name);
    if (missing.length > 0) return this.#labelViolation(missing);
    const needed = new Set<string>();
    for (const purpose of this.#checked) {
      for (const name of this.#options.guard.consentNeeded(purpose, compiled)) needed.add(name);
    }
    if (needed.size === 0) return this.#allowed(derived);
    return this.#consentCheck(derived, [...needed].sort());
  }

  async #consentCheck(derived: DerivedLabel, needed: readonly string[]): Promise<Decision> {
    const named = quoted(needed);
    if (derived.subjects.length === 0) {
      return deny('consent_missing', `the row has no data subject who could consent to ${named}`);
    }
    let without = 0;
    for (const subject of derived.subjects) {
      const granted = await this.#grantedOf(subject);
      if (needed.some((purpose) => !granted.has(purpose))) without += 1;
    }
    if (without === 0) return this.#allowed(derived);
    const of = `${without} of the row's ${derived.subjects.length} data subject(s)`;
    return deny('consent_missing', `${of} have not consented to ${named}`);
  }

  async #grantedOf(subject: string): Promise<ReadonlySet<string>> {
    let granted = this.#granted.get(subject);
    if (!granted) {
      const states = await this.#options.store.consentOf(this.#options.owner, subject);
      granted = new Set(states.filter((s) => s.status === 'granted').map((s) => s.purpose));
      this.#granted.set(subject, granted);
    }
    return granted;
  }

  #labelViolation(missing: readonly string[]): Decision {
    const dataset = this.#options.dataset.name;
    return deny('flow_violation', `the sources do not allow ${quoted(missing)}, which dataset '${dataset}' is declared for`);
  }

  #allowed(derived: DerivedLabel): Decision {
    const dataset = this.#options.dataset.name;
    if (isReclassified(derived.label)) return allow('reclassified', `declared reclassification allows the row into '${dataset}'`);
    return allow('flow_allowed', `the sources allow every purpose of '${dataset}'`);
  }
}

function quoted(names: readonly string[]): string {
  const shown = names.slice(0, MAX_NAMED).map((n) => `'${n}'`).join(', ');
  return names.length > MAX_NAMED ? `${shown} and ${names.length - MAX_NAMED} more` : shown;
}
