import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { LogEvent, Logger } from '../../log.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { AppEnv } from '../app-env.js';
import type { Authenticator, Principal } from '../auth.js';
import { SESSION_COOKIE } from '../dashboard/session-store.js';
import type { SessionStore } from '../dashboard/session-store.js';

type RequestLine = Extract<LogEvent, { type: 'request' }>;

const ADMIN: Principal = { kind: 'admin', name: 'admin' };

/**
 * Gives each request an id and its principal, and after it is answered
 * writes one `request` line: method, route pattern, status, duration and
 * principal kind and name. Never the path's values, a token or a body.
 */
export function requestContext(options: {
  auth: Authenticator;
  sessions: SessionStore;
  logger: Logger;
  metrics: ServerMetrics;
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = requestIdOf(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    c.set('route', 'unmatched');
    const session = getCookie(c, SESSION_COOKIE);
    c.set('principal', principalOf(c.req.header('authorization'), session, options));
    await next();
    c.header('x-request-id', requestId);
    const principal = c.get('principal');
    const code = c.error ? codeOf(c.error) : undefined;
    const line: RequestLine = {
      type: 'request',
      requestId,
      method: c.req.method,
      route: c.get('route'),
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      principal: principal ? { kind: principal.kind, name: principal.name } : null,
      ...(code ? { code } : {}),
    };
    options.logger(line);
    options.metrics.request(line);
  };
}

/** A bearer token wins; without one, a live dashboard session is the admin. */
function principalOf(
  header: string | undefined,
  session: string | undefined,
  options: { auth: Authenticator; sessions: SessionStore },
): Principal | null {
  if (header !== undefined) return options.auth.identify(header);
  return options.sessions.isLive(session, Date.now()) ? ADMIN : null;
}

/** A caller's id is kept only when it is short and plain. */
function requestIdOf(given: string | undefined): string {
  if (given !== undefined && /^[A-Za-z0-9._-]{1,64}$/.test(given)) return given;
  return randomUUID();
}

function codeOf(error: Error): string {
  return 'code' in error && typeof error.code === 'string' ? error.code : 'internal';
}
