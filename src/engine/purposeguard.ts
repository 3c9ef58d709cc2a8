import { consentSummary, recordConsent, recordTcfConsent } from '../consent/consent-service.js';
import type {
  ConsentReceipt,
  ConsentRequest,
  ConsentSummary,
  TcfConsentRequest,
} from '../consent/consent-service.js';
import { readDataset } from '../decision/read.js';
import type { ReadRequest, ReadResult } from '../decision/read.js';
import type { Guard } from '../decision/guard.js';
import { silentLogger } from '../log.js';
import type { Logger } from '../log.js';
import { expireRecords, forgetSubject } from '../erasure/erasure-service.js';
import type { ForgetRequest } from '../erasure/erasure-service.js';
import type { ErasureReceipt } from '../erasure/erasure-receipt.js';
import { loadPolicyFile } from '../policy/policy-compiler.js';
import type { CompiledPolicy } from '../policy/policy-types.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { flushOutbox, outboxView } from '../relay/outbox-relay.js';
import type { FlushOptions, FlushResult, OutboxView } from '../relay/outbox-relay.js';
import type { SubjectSelector } from '../subject/subject-selector.js';
import { EngineContext } from './context.js';

export interface OpenOptions {
  /** A policy file path, or a compiled policy. */
  readonly policy: string | CompiledPolicy;
  /** A store URL (`postgres://...`, a SQLite file); or pass `store`. */
  readonly db?: string;
  readonly store?: Store;
  readonly logger?: Logger;
  readonly now?: () => number;
}

/**
 * PurposeGuard over one policy and one store: the object the CLI, the
 * server and library users all work through.
 *
 * @example
 * const pg = await PurposeGuard.open({ policy: 'policy.yaml', db: 'pg.db' });
 * const { batches } = await pg.read({ processor: 'ads-ranker',
 *   purpose: 'ads.optimization', dataset: 'events' });
 */
export class PurposeGuard {
  readonly ctx: EngineContext;

  private constructor(ctx: EngineContext) {
    this.ctx = ctx;
  }

  static async open(options: OpenOptions): Promise<PurposeGuard> {
    const policy = typeof options.policy === 'string'
      ? loadPolicyFile(options.policy)
      : options.policy;
    const store = options.store ?? await openStore(options.db);
    const ctx = new EngineContext({
      policy,
      store,
      log: options.logger ?? silentLogger,
      ...(options.now ? { now: options.now } : {}),
    });
    await ctx.syncLabels();
    return new PurposeGuard(ctx);
  }

  get policy(): CompiledPolicy {
    return this.ctx.policy;
  }

  get store(): Store {
    return this.ctx.store;
  }

  get guard(): Guard {
    return this.ctx.guard;
  }

  /** A purpose-checked read; throws `purpose_denied` when denied. */
  read(request: ReadRequest): Promise<ReadResult> {
    return readDataset(this.ctx, request);
  }

  /**
   * Records a grant, denial or withdrawal; it counts from the next read.
   *
   * @example
   * await pg.consent({ email: 'mina@example.com', purpose: 'ai.training',
   *   status: 'granted', actor: 'app' });
   */
  consent(request: ConsentRequest): Promise<ConsentReceipt> {
    return recordConsent(this.ctx, request);
  }

  /** Records the consent of an IAB TCF v2 string; malformed is an error. */
  consentFromTcf(request: TcfConsentRequest): Promise<ConsentReceipt> {
    return recordTcfConsent(this.ctx, request);
  }

  /** A subject's latest consent per purpose and the number of changes. */
  consentOf(selector: SubjectSelector): Promise<ConsentSummary> {
    return consentSummary(this.ctx, selector);
  }

  /**
   * Erases a subject everywhere their data went and returns a receipt.
   *
   * @example
   * const receipt = await pg.forget({ email: 'mina@example.com', actor: 'dpo' });
   */
  forget(request: ForgetRequest): Promise<ErasureReceipt> {
    return forgetSubject(this.ctx, request);
  }

  /** Removes records past their retention, and what was derived from them. */
  expire(options: { actor: string }): Promise<ErasureReceipt> {
    return expireRecords(this.ctx, options);
  }

  /** Queued downstream removals: counts and items. */
  outbox(options: { all?: boolean; limit?: number } = {}): Promise<OutboxView> {
    return outboxView(this.ctx, options);
  }

  /** Delivers the downstream removals that are due. */
  flushOutbox(options: FlushOptions = {}): Promise<FlushResult> {
    return flushOutbox(this.ctx, options);
  }

  async close(): Promise<void> {
    await this.ctx.store.close();
  }
}
