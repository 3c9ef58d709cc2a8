import type { OutboxItem } from '../store/store.js';

const FIRST_RETRY_MS = 30_000;
const LONGEST_WAIT_MS = 6 * 3_600_000;

/**
 * How long to wait after the n-th failed attempt: 30 s, doubling with each
 * failure, at most 6 h. Items are never dropped, only spaced out.
 */
export function retryDelayMs(attempts: number): number {
  if (attempts <= 0) return 0;
  return Math.min(LONGEST_WAIT_MS, FIRST_RETRY_MS * 2 ** Math.min(attempts - 1, 30));
}

/** When an item may be tried next; `createdAt` for one never tried. */
export function nextAttemptAt(item: OutboxItem): number {
  if (item.lastAttemptAt === null || item.attempts === 0) return item.createdAt;
  return item.lastAttemptAt + retryDelayMs(item.attempts);
}

export function isDue(item: OutboxItem, now: number): boolean {
  return item.deliveredAt === null && nextAttemptAt(item) <= now;
}
