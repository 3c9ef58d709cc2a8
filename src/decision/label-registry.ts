import type { LabelClass } from '../label.js';
import { labelClassKey, normalizeLabelClass } from '../label.js';
import { placesOf } from '../policy/jurisdictions.js';
import type { CompiledPolicy } from '../policy/policy-types.js';
import type { PurposeMask } from '../policy/purpose-mask.js';

export interface CompiledLabel {
  readonly id: number;
  readonly label: LabelClass;
  /** The purposes the label allows, under the current policy. */
  readonly mask: PurposeMask;
  /** The countries the label's jurisdiction stands for. */
  readonly places: ReadonlySet<string>;
}

/**
 * Label classes by id, each compiled against the policy once. Purpose
 * names a policy no longer declares allow nothing.
 */
export class LabelRegistry {
  readonly #policy: CompiledPolicy;
  readonly #byId: (CompiledLabel | undefined)[] = [];
  readonly #byKey = new Map<string, number>();
  #maxId = 0;

  constructor(policy: CompiledPolicy) {
    this.#policy = policy;
  }

  get maxId(): number {
    return this.#maxId;
  }

  get(id: number): CompiledLabel | undefined {
    return this.#byId[id];
  }

  /** Registers a label read from a store under the store's id. */
  add(id: number, label: LabelClass): CompiledLabel {
    const known = this.#byId[id];
    if (known) return known;
    const clean = normalizeLabelClass(label);
    const compiled: CompiledLabel = Object.freeze({
      id,
      label: clean,
      mask: this.#policy.maskOf(clean.purposes),
      places: placesOf(clean.jurisdiction, this.#policy.jurisdictionGroups),
    });
    this.#byId[id] = compiled;
    this.#byKey.set(labelClassKey(clean), id);
    this.#maxId = Math.max(this.#maxId, id);
    return compiled;
  }

  /**
   * Registers a label in memory, for in-process checks without a store.
   *
   * @example
   * const id = guard.labels.intern({ purposes: ['ads'], categories: [],
   *   source: 'web', jurisdiction: 'US', flags: [] });
   */
  intern(label: LabelClass): number {
    const known = this.#byKey.get(labelClassKey(normalizeLabelClass(label)));
    if (known !== undefined) return known;
    const id = this.#maxId + 1;
    this.add(id, label);
    return id;
  }

  all(): CompiledLabel[] {
    return this.#byId.filter((l): l is CompiledLabel => l !== undefined);
  }
}
