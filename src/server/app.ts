import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { PurposeGuard } from '../engine/purposeguard.js';
import { PurposeGuardError, toPurposeGuardError } from '../errors.js';
import type { Logger } from '../log.js';
import type { App, AppEnv } from './app-env.js';
import { Authenticator } from './auth.js';
import type { Principal } from './auth.js';
import { ActivityFeed } from './dashboard/activity-feed.js';
import { SessionStore } from './dashboard/session-store.js';
import { auditAuthFailure } from './hardening/auth-audit.js';
import { rateLimit } from './hardening/rate-limit.js';
import { requestContext } from './hardening/request-context.js';
import { requestDeadline } from './hardening/request-deadline.js';
import { ServerMetrics } from './metrics/server-metrics.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerCollectionRoutes } from './routes/collection-routes.js';
import { registerConsentRoutes } from './routes/consent-routes.js';
import { registerDashboardRoutes } from './routes/dashboard-routes.js';
import { registerErasureRoutes } from './routes/erasure-routes.js';
import { registerFlowRoutes } from './routes/flow-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerLineageRoutes } from './routes/lineage-routes.js';
import { registerMetricsRoutes } from './routes/metrics-routes.js';
import { registerOverviewRoutes } from './routes/overview-routes.js';
import { registerReadRoutes } from './routes/read-routes.js';
import { registerReportRoutes } from './routes/report-routes.js';
import { RouteTable } from './route-table.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_RATE_LIMIT,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './server-options.js';
import type { ServerOptions } from './server-options.js';

export type { App, AppEnv } from './app-env.js';
export type { ServerOptions } from './server-options.js';

export interface RouteDeps {
  readonly pg: PurposeGuard;
  readonly auth: Authenticator;
  readonly logger: Logger;
  readonly routes: RouteTable;
  readonly sessions: SessionStore;
  readonly metrics: ServerMetrics;
  readonly activity: ActivityFeed;
}

/** The app and what must be let go when the server stops. */
export interface ServerApp {
  readonly app: App;
  readonly deps: RouteDeps;
  /** Ends live streams and detaches from the engine. */
  close(): void;
}

/**
 * The HTTP API over one PurposeGuard instance. Errors are answered in one
 * place: a PurposeGuardError becomes its status and `{code, message,
 * issues?}`; anything else becomes a generic 500.
 *
 * @example
 * const app = createApp(pg, { requestTimeoutMs: 5000 });
 * const res = await app.request('/healthz');
 */
export function createApp(pg: PurposeGuard, options: ServerOptions = {}): App {
  return createServerApp(pg, options).app;
}

export function createServerApp(pg: PurposeGuard, options: ServerOptions = {}): ServerApp {
  const app: App = new Hono<AppEnv>();
  const deps = depsFor(pg, options);
  const untap = [pg.ctx.tap(deps.metrics.observe), pg.ctx.tap(deps.activity.observe)];
  useMiddleware(app, deps, options);
  registerRoutes(app, deps);
  app.notFound((c) => {
    const message = `no route ${c.req.method} ${c.req.path}`;
    return c.json({ code: 'not_found', message }, 404);
  });
  app.onError(async (error, c) => {
    const known = toPurposeGuardError(error);
    if (known.code === 'internal') {
      const message = 'unexpected error while answering a request';
      deps.logger({ type: 'error', code: 'internal', message });
    }
    const request = { method: c.req.method, route: c.get('route'), principal: c.get('principal') };
    await auditAuthFailure(deps, known, request).catch(() => {});
    return c.json(known.toJSON(), known.status as 400);
  });
  return {
    app,
    deps,
    close: () => {
      for (const off of untap) off();
      deps.activity.close();
    },
  };
}

function depsFor(pg: PurposeGuard, options: ServerOptions): RouteDeps {
  return {
    pg,
    auth: new Authenticator(pg.policy),
    logger: options.logger ?? pg.ctx.log,
    routes: new RouteTable(),
    sessions: new SessionStore(),
    metrics: new ServerMetrics(),
    activity: new ActivityFeed(),
  };
}

function useMiddleware(app: App, deps: RouteDeps, options: ServerOptions): void {
  const maxSize = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  app.use('*', requestContext(deps));
  const limit = options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : options.rateLimit;
  if (limit !== null) app.use('*', rateLimit(limit));
  app.use('*', requestDeadline(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS));
  app.use('*', bodyLimit({
    maxSize,
    onError: () => {
      throw new PurposeGuardError('payload_too_large', `the request body is larger than ${maxSize} bytes`);
    },
  }));
}

function registerRoutes(app: App, deps: RouteDeps): void {
  registerHealthRoutes(app, deps);
  registerMetricsRoutes(app, deps);
  registerCollectionRoutes(app, deps);
  registerReadRoutes(app, deps);
  registerConsentRoutes(app, deps);
  registerErasureRoutes(app, deps);
  registerFlowRoutes(app, deps);
  registerLineageRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerReportRoutes(app, deps);
  registerOverviewRoutes(app, deps);
  registerDashboardRoutes(app, deps);
}

export { requirePrincipal } from './auth.js';
