import { Guard } from '../decision/guard.js';
import type { LabelClass } from '../label.js';
import type { Logger } from '../log.js';
import type { CompiledPolicy } from '../policy/policy-types.js';
import type { Store } from '../store/store.js';

/**
 * What every operation needs: the policy, the store, the decision engine,
 * the logger and the clock. One per PurposeGuard instance.
 */
export class EngineContext {
  readonly policy: CompiledPolicy;
  readonly store: Store;
  readonly guard: Guard;
  readonly log: Logger;
  readonly now: () => number;
  readonly #labelIds = new Map<string, number>();

  constructor(options: { policy: CompiledPolicy; store: Store; log: Logger; now?: () => number }) {
    this.policy = options.policy;
    this.store = options.store;
    this.guard = new Guard(options.policy);
    this.log = options.log;
    this.now = options.now ?? Date.now;
  }

  /** Brings in labels other processes have written since the last call. */
  async syncLabels(): Promise<void> {
    const fresh = await this.store.labelsAfter(this.guard.labels.maxId);
    for (const { id, label } of fresh) this.guard.labels.add(id, label);
  }

  /** The store's id for a label class, registered with the guard. */
  async labelId(label: LabelClass): Promise<number> {
    const key = JSON.stringify(label);
    const known = this.#labelIds.get(key);
    if (known !== undefined) return known;
    const id = await this.store.internLabel(label);
    this.guard.labels.add(id, label);
    this.#labelIds.set(key, id);
    return id;
  }
}
