import type { RateLimit } from '../server-options.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets idle this long are forgotten. */
const IDLE_MS = 10 * 60_000;
const SWEEP_EVERY = 1000;

/**
 * Token buckets by key: each key may spend `burst` requests at once and
 * gets `perSecond` back every second.
 *
 * @example
 * const limiter = new RateLimiter({ perSecond: 10, burst: 20 });
 * limiter.take('processor:ads-ranker', Date.now()); // 0, or ms to wait
 */
export class RateLimiter {
  readonly #limit: RateLimit;
  readonly #buckets = new Map<string, Bucket>();
  #takes = 0;

  constructor(limit: RateLimit) {
    this.#limit = limit;
  }

  /** Spends one token of `key`: 0 when allowed, else milliseconds to wait. */
  take(key: string, now: number): number {
    this.#sweep(now);
    const bucket = this.#refilled(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.#limit.perSecond) * 1000);
  }

  #refilled(key: string, now: number): Bucket {
    const bucket = this.#buckets.get(key) ?? { tokens: this.#limit.burst, at: now };
    const gained = ((now - bucket.at) / 1000) * this.#limit.perSecond;
    bucket.tokens = Math.min(this.#limit.burst, bucket.tokens + gained);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    return bucket;
  }

  #sweep(now: number): void {
    this.#takes += 1;
    if (this.#takes % SWEEP_EVERY !== 0) return;
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.at > IDLE_MS) this.#buckets.delete(key);
    }
  }
}
