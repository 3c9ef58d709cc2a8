import { Guard } from '../decision/guard.js';
import type { LabelClass } from '../label.js';
import type { Logger } from '../log.js';
import { meterAudit } from './audit-meter.js';
import type { CompiledPolicy } from '../policy/policy-types.js';
import type { AuditKind, Store } from '../store/store.js';

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
  readonly #taps = new Set<Logger>();

  constructor(options: { policy: CompiledPolicy; store: Store; log: Logger; now?: () => number }) {
    this.policy = options.policy;
    this.store = meterAudit(options.store, (entries) => this.#auditAppended(entries));
    this.guard = new Guard(options.policy);
    this.log = (event) => {
      options.log(event);
      for (const tap of this.#taps) tap(event);
    };
    this.now = options.now ?? Date.now;
  }

  /**
   * Also hands every log event to `listener` (metrics, a live view),
   * and an `audit` event for the entries each store write appended, which
   * only listeners receive. Returns the function that removes it.
   */
  tap(listener: Logger): () => void {
    this.#taps.add(listener);
    return () => this.#taps.delete(listener);
  }

  #auditAppended(entries: readonly { kind: AuditKind }[]): void {
    if (entries.length === 0 || this.#taps.size === 0) return;
    const counts = new Map<AuditKind, number>();
    for (const { kind } of entries) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    for (const [kind, count] of counts) {
      for (const tap of this.#taps) tap({ type: 'audit', kind, count });
    }
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
