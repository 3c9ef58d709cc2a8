import type { PurposeGuard } from '../engine/purposeguard.js';
import { toPurposeGuardError } from '../errors.js';
import type { Logger } from '../log.js';

export interface MaintenanceOptions {
  /** How often to deliver queued downstream removals; null for never. */
  readonly outboxEveryMs: number | null;
  /** How often to remove records past their retention; null for never. */
  readonly expireEveryMs: number | null;
  readonly logger: Logger;
}

export interface Maintenance {
  /** Stops the timers and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs the outbox relay and retention expiry on timers while a server
 * runs. Timers do not keep the process alive, a run never overlaps the
 * next one of its kind, and a failed run is logged and tried next time.
 *
 * @example
 * const maintenance = startMaintenance(pg, { outboxEveryMs: 60_000,
 *   expireEveryMs: 3_600_000, logger });
 * await maintenance.stop();
 */
export function startMaintenance(pg: PurposeGuard, options: MaintenanceOptions): Maintenance {
  const jobs = [
    every(options.outboxEveryMs, 'outbox', () => pg.flushOutbox(), options.logger),
    every(options.expireEveryMs, 'expiry', () => pg.expire({ actor: 'retention' }), options.logger),
  ];
  return { stop: async () => { await Promise.all(jobs.map((job) => job.stop())); } };
}

function every(
  ms: number | null,
  task: string,
  run: () => Promise<unknown>,
  logger: Logger,
): Maintenance {
  if (ms === null) return { stop: async () => undefined };
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const tick = (): void => {
    current = run().then(() => undefined, (error: unknown) => {
      const known = toPurposeGuardError(error);
      logger({ type: 'error', code: known.code, message: `${task} run failed: ${known.message}` });
    }).finally(schedule);
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
