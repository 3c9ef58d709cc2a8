import { AlertMonitor } from '../alerts/alert-monitor.js';
import type { WebhookOptions } from '../alerts/webhook-queue.js';
import { recordPolicy } from '../audit/policy-entry.js';
import { verifyAuditChain } from '../audit/audit-verify.js';
import type { VerifyOptions, VerifyResult } from '../audit/audit-verify.js';
import { consentSummary, recordConsent, recordTcfConsent } from '../consent/consent-service.js';
import type {
  ConsentReceipt,
  ConsentRequest,
  ConsentSummary,
  TcfConsentRequest,
} from '../consent/consent-service.js';
import { readDataset } from '../decision/read.js';
import { buildRopa } from '../report/ropa.js';
import type { Ropa } from '../report/ropa.js';
import { buildUsageReport } from '../report/usage-report.js';
import type { ReportWindow, UsageReport } from '../report/usage-report.js';
import { writeDerived } from '../flow/write-derived.js';
import type { WriteRequest, WriteResult } from '../flow/write-derived.js';
import { datasetLineage } from '../lineage/dataset-lineage.js';
import type { DatasetLineage } from '../lineage/dataset-lineage.js';
import { openLineageExport } from '../lineage/flow-export.js';
import { lineageGraph } from '../lineage/lineage-graph.js';
import type { LineageGraph } from '../lineage/lineage-graph.js';
import type { RunEvent } from '../lineage/openlineage-types.js';
import { subjectLineage } from '../lineage/subject-lineage.js';
import type { SubjectLineage } from '../lineage/subject-lineage.js';
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
import type { AuditEntry, Store } from '../store/store.js';
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
  /** Retries and timeouts of alert webhook deliveries. */
  readonly alertDelivery?: WebhookOptions;
}

/** How long `close` waits for queued alerts to reach the webhook. */
const ALERT_DRAIN_MS = 5000;

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
  readonly #alerts: AlertMonitor;

  private constructor(ctx: EngineContext, alerts: AlertMonitor) {
    this.ctx = ctx;
    this.#alerts = alerts;
  }

  static async open(options: OpenOptions): Promise<PurposeGuard> {
    const policy = typeof options.policy === 'string'
      ? loadPolicyFile(options.policy)
      : options.policy;
    const store = options.store ?? await openStore(options.db);
    const now = options.now ?? Date.now;
    const alerts = new AlertMonitor({
      policy,
      store,
      log: options.logger ?? silentLogger,
      now,
      ...(options.alertDelivery ? { webhook: options.alertDelivery } : {}),
    });
    const ctx = new EngineContext({ policy, store, log: alerts.logger, now });
    await ctx.syncLabels();
    await recordPolicy(store, policy, 'purposeguard');
    await alerts.seed();
    return new PurposeGuard(ctx, alerts);
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
   * Verifies the audit chain end to end (see `verifyAuditChain`).
   *
   * @example
   * const { ok, firstBad } = await pg.verifyAudit();
   */
  verifyAudit(options: VerifyOptions = {}): Promise<VerifyResult> {
    return verifyAuditChain(this.ctx.store, options);
  }

  /** Audit entries after `afterSeq`, oldest first. */
  auditPage(range: { afterSeq: number; limit: number }): Promise<AuditEntry[]> {
    return this.ctx.store.readAudit(range);
  }

  /**
   * Use per purpose and processor over a time window, from the trail.
   *
   * @example
   * const report = await pg.report({ from: Date.parse('2025-06-01') });
   */
  report(window: ReportWindow = {}): Promise<UsageReport> {
    return buildUsageReport(this.ctx.store, this.ctx.policy, window, this.ctx.now());
  }

  /** The record of processing activities (GDPR Art. 30). */
  async ropa(): Promise<Ropa> {
    await this.ctx.syncLabels();
    return buildRopa(this.ctx.policy, this.ctx.guard.labels.all(), await this.report());
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

  /**
   * Writes derived rows under a purpose; each row's label is the meet of
   * its sources' labels. Throws `flow_violation` when blocked.
   */
  write(request: WriteRequest): Promise<WriteResult> {
    return writeDerived(this.ctx, request);
  }

  /** Flows into and out of a dataset, followed transitively. */
  lineage(dataset: string): Promise<DatasetLineage> {
    return datasetLineage(this.ctx, dataset);
  }

  /** Every dataset holding records of the subject with this email. */
  subjectLineage(email: string): Promise<SubjectLineage> {
    return subjectLineage(this.ctx, email);
  }

  /** Sources, datasets and processors with the flows between them. */
  lineageGraph(): Promise<LineageGraph> {
    return lineageGraph(this.ctx);
  }

  /** Every recorded flow as an OpenLineage run event. */
  openLineage(options: { producer?: string } = {}): Promise<RunEvent[]> {
    return openLineageExport(this.ctx, options);
  }

  /** Waits for alerts in flight, then closes the store. */
  async close(): Promise<void> {
    await this.#alerts.flush(ALERT_DRAIN_MS);
    await this.ctx.store.close();
  }
}
