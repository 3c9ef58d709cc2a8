import type { Logger, LogEvent } from '../log.js';
import type { CompiledPolicy } from '../policy/policy-types.js';
import type { Store } from '../store/store.js';
import { AccessBaseline } from './access-baseline.js';
import type { Finding } from './access-baseline.js';
import type { Alert, AlertKind, AlertSeverity, AlertValue } from './alert.js';
import { WebhookQueue } from './webhook-queue.js';
import type { WebhookOptions } from './webhook-queue.js';

export interface AlertMonitorOptions {
  readonly policy: CompiledPolicy;
  readonly store: Store;
  /** Where the events and the alerts go. */
  readonly log: Logger;
  readonly now: () => number;
  readonly webhook?: WebhookOptions;
}

/** Decisions and earlier alerts read from the trail to seed the baseline. */
const SEED_ENTRIES = 5000;

const SEVERITY: Readonly<Record<AlertKind, AlertSeverity>> = {
  denial: 'warning',
  flow_violation: 'critical',
  read_spike: 'critical',
  new_purpose: 'warning',
  denial_spike: 'critical',
};

/**
 * Watches what PurposeGuard logs and raises alerts: every denied read,
 * every flow violation or denied flow, and unusual access (see
 * `AccessBaseline`). An alert is logged at once, appended to the audit
 * trail (kind `alert`) after the entry that caused it, and queued for the
 * webhook when the policy names one. Nothing here blocks or fails the
 * operation that was observed.
 */
export class AlertMonitor {
  readonly #policy: CompiledPolicy;
  readonly #store: Store;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #baseline: AccessBaseline;
  readonly #webhook: WebhookQueue | null;
  #writes: Promise<void> = Promise.resolve();

  constructor(options: AlertMonitorOptions) {
    this.#policy = options.policy;
    this.#store = options.store;
    this.#log = options.log;
    this.#now = options.now;
    this.#baseline = new AccessBaseline(options.policy.alerts);
    const url = options.policy.alerts.webhook;
    this.#webhook = url === null ? null : new WebhookQueue(url, options.log, options.webhook);
  }

  /** The logger to give the engine: passes every event on, then observes it. */
  readonly logger: Logger = (event) => {
    this.#log(event);
    try {
      this.#observe(event);
    } catch {
      this.#log({
        type: 'error', code: 'alert_failed', message: 'could not evaluate an event for alerts',
      });
    }
  };

  /** Loads the recent baseline from the audit trail. */
  async seed(): Promise<void> {
    const [decisions, alerts] = await Promise.all([
      this.#store.latestAudit({ kind: 'decision', limit: SEED_ENTRIES }),
      this.#store.latestAudit({ kind: 'alert', limit: SEED_ENTRIES }),
    ]);
    this.#baseline.seed(decisions, alerts);
  }

  /** Waits for alert entries to be written and, within `timeoutMs`, delivered. */
  async flush(timeoutMs: number): Promise<void> {
    await this.#writes;
    await this.#webhook?.drain(timeoutMs);
  }

  #observe(event: LogEvent): void {
    if (event.type === 'decision') this.#decision(event);
    if (event.type === 'flow' && event.outcome !== 'allowed') {
      this.#raise('flow_violation', event.processor, {
        processor: event.processor,
        purpose: event.purpose,
        output: event.output,
        outcome: event.outcome,
        rows: event.rows,
        reason: event.reason,
      });
    }
  }

  #decision(event: Extract<LogEvent, { type: 'decision' }>): void {
    const facts = {
      processor: event.processor,
      purpose: event.purpose,
      dataset: event.dataset,
      rows: event.rows,
    };
    if (event.allowed) {
      for (const finding of this.#baseline.read(facts)) this.#found(finding, event.processor);
      return;
    }
    this.#raise('denial', event.processor, { ...facts, rule: event.rule, reason: event.reason });
    const spike = this.#baseline.denial(this.#now());
    if (spike) this.#found(spike, null);
  }

  #found(finding: Finding, processor: string | null): void {
    this.#raise(finding.alert, processor, finding.details);
  }

  #raise(
    kind: AlertKind,
    processor: string | null,
    details: Readonly<Record<string, AlertValue>>,
  ): void {
    const owner = processor === null ? null : this.#policy.processors.get(processor)?.owner ?? null;
    const alert: Alert = {
      alert: kind,
      severity: SEVERITY[kind],
      at: new Date(this.#now()).toISOString(),
      owner,
      details,
    };
    this.#log({ type: 'alert', alert: kind, severity: alert.severity, details });
    this.#webhook?.enqueue(alert);
    // Chained so the alert lands after the entry of the event that caused it.
    this.#writes = this.#writes.then(() => this.#audit(alert));
  }

  async #audit(alert: Alert): Promise<void> {
    try {
      await this.#store.appendAudit([{
        kind: 'alert',
        actor: 'purposeguard',
        owner: alert.owner,
        data: { alert: alert.alert, severity: alert.severity, ...alert.details },
      }]);
    } catch {
      this.#log({
        type: 'error',
        code: 'alert_unaudited',
        message: `could not write the ${alert.alert} alert to the audit trail`,
      });
    }
  }
}
