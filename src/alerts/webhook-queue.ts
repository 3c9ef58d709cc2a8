import type { Logger } from '../log.js';
import type { Alert } from './alert.js';

export interface WebhookOptions {
  /** Deliveries tried per alert before it is given up. */
  readonly attempts?: number;
  /** Wait before the first retry; doubled for each retry after it. */
  readonly retryDelayMs?: number;
  /** Time allowed for one POST. */
  readonly timeoutMs?: number;
  /** Alerts waiting at most; the oldest is dropped beyond it. */
  readonly maxQueued?: number;
}

const DEFAULTS = { attempts: 5, retryDelayMs: 250, timeoutMs: 5000, maxQueued: 1000 };
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Posts alerts to a webhook from an in-memory queue, one at a time and in
 * order, retrying a failed POST with exponential backoff a bounded number
 * of times. `enqueue` returns at once: no decision waits for delivery.
 */
export class WebhookQueue {
  readonly #url: string;
  readonly #log: Logger;
  readonly #options: Required<WebhookOptions>;
  readonly #queue: Alert[] = [];
  #running: Promise<void> | null = null;

  constructor(url: string, log: Logger, options: WebhookOptions = {}) {
    this.#url = url;
    this.#log = log;
    this.#options = { ...DEFAULTS, ...options };
  }

  enqueue(alert: Alert): void {
    if (this.#queue.length >= this.#options.maxQueued) {
      this.#queue.shift();
      this.#log({
        type: 'error',
        code: 'alert_dropped',
        message: 'the alert webhook queue is full; dropped the oldest alert',
      });
    }
    this.#queue.push(alert);
    this.#running ??= this.#deliverAll().finally(() => {
      this.#running = null;
    });
  }

  /** Resolves when the queue is empty, or after `timeoutMs`, whichever is first. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.#running === null) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.#running, timeout]);
    clearTimeout(timer);
  }

  async #deliverAll(): Promise<void> {
    for (let alert = this.#queue.shift(); alert; alert = this.#queue.shift()) {
      await this.#deliver(alert);
    }
  }

  async #deliver(alert: Alert): Promise<void> {
    const body = JSON.stringify(alert);
    for (let attempt = 1; attempt <= this.#options.attempts; attempt++) {
      const failure = await this.#post(body);
      if (failure === null) return;
      if (attempt === this.#options.attempts) {
        this.#log({
          type: 'error',
          code: 'alert_undelivered',
          message: `alert webhook: gave up on a ${alert.alert} alert`
            + ` after ${attempt} attempts (${failure})`,
        });
        return;
      }
      await sleep(Math.min(this.#options.retryDelayMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS));
    }
  }

  /** Null on success, else a short reason without any response body. */
  async #post(body: string): Promise<string | null> {
    try {
      const response = await fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'purposeguard-alerts' },
        body,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      await response.body?.cancel();
      return response.ok ? null : `status ${response.status}`;
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      return timedOut ? 'timed out' : 'connection failed';
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
