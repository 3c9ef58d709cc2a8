import type { MiddlewareHandler } from 'hono';
import { PurposeGuardError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';

/** How long a handler told to stop may take to reach its next checkpoint. */
const GRACE_MS = 1000;

/**
 * A per-request deadline. When it passes, the request's `deadline` signal
 * aborts; handlers check it before committing (ingest does) and throw
 * `timeout`. A handler already committing is let finish, so that the
 * answer tells the truth about what was stored; one that has not
 * finished within a short grace is answered 503 `timeout` regardless.
 */
export function requestDeadline(timeoutMs: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const controller = new AbortController();
    c.set('deadline', controller.signal);
    const work = next().then(() => 'done' as const);
    work.catch(() => {});
    if (await finishesWithin(work, timeoutMs)) return;
    controller.abort();
    if (!(await finishesWithin(work, GRACE_MS))) {
      throw new PurposeGuardError('timeout', `the request took longer than its deadline of ${timeoutMs} ms`);
    }
  };
}

/** Throws `timeout` when the request's deadline has passed. */
export function checkDeadline(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new PurposeGuardError('timeout', 'the request took longer than its deadline; nothing of it was committed');
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
