import type { Context } from 'hono';
import { PurposeGuardError } from '../errors.js';
import type { App, AppEnv } from './app-env.js';
import { requirePrincipal } from './auth.js';
import type { Principal } from './auth.js';

/** Who may call a route; `any` is any valid bearer token. */
export type RouteAuth = 'none' | 'any' | 'processor' | 'source' | 'admin';

/** What a route is, for the OpenAPI document and the auth checks. */
export interface RouteSpec {
  readonly method: 'get' | 'post' | 'delete';
  /** Hono-style path: `/v1/datasets/:name/query`. */
  readonly path: string;
  readonly summary: string;
  readonly auth: RouteAuth;
  /** Request body media type, if the route takes one. */
  readonly body?: 'application/json' | 'text/csv' | 'application/x-www-form-urlencoded';
  /** Query parameters the route reads. */
  readonly query?: readonly string[];
  /** Response media type (default application/json). */
  readonly produces?: string;
}

/**
 * The check a route's `auth` declares, made before its handler runs, so a
 * route cannot be declared for a token kind and answer without one.
 */
function requireAuth(auth: RouteAuth, principal: Principal | null): void {
  if (auth === 'none') return;
  if (auth === 'any') {
    if (principal === null) throw new PurposeGuardError('unauthenticated', 'a valid bearer token is required');
    return;
  }
  requirePrincipal(principal, auth);
}

export type Handler = (c: Context<AppEnv>) => Response | Promise<Response>;

/**
 * Every route of an app, registered through `add` so the OpenAPI document
 * is made from the same table the server answers from.
 */
export class RouteTable {
  readonly #routes: RouteSpec[] = [];

  add(app: App, spec: RouteSpec, handler: Handler): void {
    this.#routes.push(spec);
    app.on(spec.method.toUpperCase(), spec.path, (c) => {
      c.set('route', spec.path);
      requireAuth(spec.auth, c.get('principal'));
      return handler(c);
    });
  }

  get routes(): readonly RouteSpec[] {
    return this.#routes;
  }
}
