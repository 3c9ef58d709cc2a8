import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { PurposeGuardError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';
import type { RateLimit } from '../server-options.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * Per-principal rate limiting: a token's requests share one bucket, and
 * requests without a valid token share a bucket per client address.
 * Over the limit the answer is 429 `rate_limited` with `retry-after`.
 */
export function rateLimit(limit: RateLimit): MiddlewareHandler<AppEnv> {
  const limiter = new RateLimiter(limit);
  return async (c, next) => {
    const waitMs = limiter.take(keyOf(c), Date.now());
    if (waitMs > 0) {
      c.header('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))));
      throw new PurposeGuardError('rate_limited', `more than ${limit.perSecond} requests a second (burst ${limit.burst}); retry later`);
    }
    await next();
  };
}

function keyOf(c: Context<AppEnv>): string {
  const principal = c.get('principal');
  if (principal) return `${principal.kind}:${principal.name}`;
  return `address:${addressOf(c)}`;
}

function addressOf(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
