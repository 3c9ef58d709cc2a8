import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { PurposeGuard } from '../engine/purposeguard.js';
import { PurposeGuardError, toPurposeGuardError } from '../errors.js';
import type { Logger } from '../log.js';
import { Authenticator } from './auth.js';
import type { Principal } from './auth.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerCollectionRoutes } from './routes/collection-routes.js';
import { registerConsentRoutes } from './routes/consent-routes.js';
import { registerErasureRoutes } from './routes/erasure-routes.js';
import { registerFlowRoutes } from './routes/flow-routes.js';
import { registerLineageRoutes } from './routes/lineage-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerReadRoutes } from './routes/read-routes.js';
import { registerReportRoutes } from './routes/report-routes.js';
import { RouteTable } from './route-table.js';

export interface ServerOptions {
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes?: number;
  readonly logger?: Logger;
}

export interface AppEnv {
  Variables: { principal: Principal | null; requestId: string };
}

export type App = Hono<AppEnv>;

export interface RouteDeps {
  readonly pg: PurposeGuard;
  readonly auth: Authenticator;
  readonly logger: Logger;
  readonly routes: RouteTable;
}

let requestCounter = 0;

/**
 * The HTTP API over one PurposeGuard instance. Errors are answered in one
 * place: a PurposeGuardError becomes its status and `{code, message,
 * issues?}`; anything else becomes a generic 500.
 */
export function createApp(pg: PurposeGuard, options: ServerOptions = {}): App {
  const app: App = new Hono<AppEnv>();
  const logger = options.logger ?? pg.ctx.log;
  const deps: RouteDeps = { pg, auth: new Authenticator(pg.policy), logger, routes: new RouteTable() };
  app.use('*', async (c, next) => {
    requestCounter += 1;
    c.set('requestId', c.req.header('x-request-id')?.slice(0, 64) ?? `req-${Date.now().toString(36)}-${requestCounter}`);
    c.set('principal', deps.auth.identify(c.req.header('authorization')));
    await next();
    c.header('x-request-id', c.get('requestId'));
  });
  app.use('/v1/*', bodyLimit({
    maxSize: options.maxBodyBytes ?? 5 * 1024 * 1024,
    onError: () => {
      throw new PurposeGuardError('payload_too_large', `the request body is larger than ${options.maxBodyBytes ?? 5 * 1024 * 1024} bytes`);
    },
  }));
  registerHealthRoutes(app, deps);
  registerCollectionRoutes(app, deps);
  registerReadRoutes(app, deps);
  registerConsentRoutes(app, deps);
  registerErasureRoutes(app, deps);
  registerFlowRoutes(app, deps);
  registerLineageRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerReportRoutes(app, deps);
  app.notFound((c) => c.json({ code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    const known = toPurposeGuardError(error);
    if (known.code === 'internal') logger({ type: 'error', code: 'internal', message: 'unexpected error while answering a request' });
    return c.json(known.toJSON(), known.status as 400);
  });
  return app;
}

/** The principal of the request, or a 401/403. */
export function requirePrincipal<K extends Principal['kind']>(
  principal: Principal | null,
  kind: K,
): Extract<Principal, { kind: K }> {
  if (principal === null) throw new PurposeGuardError('unauthenticated', 'a valid bearer token is required');
  if (principal.kind !== kind) throw new PurposeGuardError('forbidden', `this route needs a ${kind} token`);
  return principal as Extract<Principal, { kind: K }>;
}
