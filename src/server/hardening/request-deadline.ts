import type { MiddlewareHandler } from 'hono';
import { PurposeGuardError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';

/** How long a handler told to stop may take to reach its next checkpoint. */
const GRACE_MS = 1000;

/**
 * A per-request deadline. When it passes, the request's `deadline`
 * reads as aborted; handlers check it before committing (ingest does) and throw
 * `timeout`. A handler already committing is let finish, so that the
 * answer tells the truth about what was stored; one that has not
 * finished within a short grace is answered 503 `timeout` regardless.
 */
export function requestDeadline(timeoutMs: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deadline = new RequestDeadline();
    c.set('deadline', deadline);
    const work = next().then(() => 'done' as const);
    work.catch(() => {});
    if (await finishesWithin(work, timeoutMs)) return;
    deadline.expire();
    if (!(await finishesWithin(work, GRACE_MS))) {
      throw new PurposeGuardError('timeout', `the request took longer than its deadline of ${timeoutMs} ms`);
    }
  };
}

/**
 * Whether a request's deadline has passed; shaped like an AbortSignal's
 * `aborted` so that work taking a signal takes this too. (A real
 * AbortController a request costs more than a no-op request.)
 */
export class RequestDeadline {
  #aborted = false;

  get aborted(): boolean {
    return this.#aborted;
  }

  expire(): void {
    this.#aborted = true;
  }
}

/** Whether `work` settles within `ms`; the timer is cleared either way. */
async function finishesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    return (await Promise.race([work, late])) !== 'late';
  } finally {
    clearTimeout(timer);
  }
}
