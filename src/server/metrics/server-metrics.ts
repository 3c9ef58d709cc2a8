import type { LogEvent } from '../../log.js';
import { MetricRegistry } from './metric-registry.js';

const LATENCY_BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * What the server counts, fed by request lines and engine log events.
 * Labels are route patterns, codes and policy names; never request
 * contents or identifiers.
 */
export class ServerMetrics {
  readonly #registry = new MetricRegistry();
  readonly #requests = this.#registry.counter(
    'purposeguard_http_requests_total', 'HTTP requests answered, by route pattern, method and status.');
  readonly #latency = this.#registry.histogram(
    'purposeguard_http_request_duration_seconds',
    'Time to answer an HTTP request, by route pattern.',
    LATENCY_BOUNDS,
  );
  readonly #decisions = this.#registry.counter(
    'purposeguard_decisions_total', 'Read decisions, by outcome and deciding rule.');
  readonly #flows = this.#registry.counter(
    'purposeguard_flows_total', 'Flow decisions, by outcome.');
  readonly #events = this.#registry.counter(
    'purposeguard_events_total', 'Collected items, by source and result (accepted, rejected, duplicate).');
  readonly #audit = this.#registry.counter(
    'purposeguard_audit_entries_total', 'Audit entries appended by this process, by kind.');

  /** Counts one answered request. */
  request(line: Extract<LogEvent, { type: 'request' }>): void {
    this.#requests.inc({ route: line.route, method: line.method, status: String(line.status) });
    this.#latency.observe({ route: line.route }, line.durationMs / 1000);
  }

  /** A listener for `EngineContext.tap`: decisions, flows, collection, audit. */
  readonly observe = (event: LogEvent): void => {
    switch (event.type) {
      case 'decision':
        this.#decisions.inc({ outcome: event.allowed ? 'allow' : 'deny', rule: event.rule });
        return;
      case 'flow':
        this.#flows.inc({ outcome: event.outcome });
        return;
      case 'collection':
        this.#events.inc({ source: event.source, result: 'accepted' }, event.accepted);
        this.#events.inc({ source: event.source, result: 'rejected' }, event.rejected);
        this.#events.inc({ source: event.source, result: 'duplicate' }, event.duplicates);
        return;
      case 'audit':
        this.#audit.inc({ kind: event.kind }, event.count);
        return;
      default:
    }
  };

  render(): string {
    return this.#registry.render();
  }
}
