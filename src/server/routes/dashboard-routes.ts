import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { PurposeGuardError } from '../../errors.js';
import type { App, AppEnv, RouteDeps } from '../app.js';
import { DashboardAssets } from '../dashboard/dashboard-assets.js';
import { SESSION_COOKIE } from '../dashboard/session-store.js';
import { auditAuthFailure } from '../hardening/auth-audit.js';

const SECURITY_HEADERS = {
  'content-security-policy': [
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:", "connect-src 'self'", "frame-ancestors 'none'", "form-action 'self'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * The dashboard: `GET /` is the page for an admin session and the login
 * form otherwise. Logging in trades the admin token, once, for a random
 * session id in an HttpOnly, SameSite=Strict cookie; the token is never
 * stored or sent back.
 */
export function registerDashboardRoutes(app: App, deps: RouteDeps): void {
  const assets = new DashboardAssets();

  const page = {
    method: 'get', path: '/', auth: 'none', produces: 'text/html',
    summary: 'the dashboard, or its login form without a session',
  } as const;
  deps.routes.add(app, page, (c) => {
    const admin = c.get('principal')?.kind === 'admin';
    return html(c, assets.page(admin ? 'dashboard.html' : 'login.html'), 200);
  });

  const login = {
    method: 'post', path: '/login', auth: 'none',
    body: 'application/x-www-form-urlencoded', produces: 'text/html',
    summary: 'trade the admin token (form field token) for a dashboard session cookie',
  } as const;
  deps.routes.add(app, login, async (c) => {
    const form = await c.req.parseBody();
    const token = typeof form['token'] === 'string' ? form['token'].trim() : '';
    const principal = token === '' ? null : deps.auth.identify(`Bearer ${token}`);
    if (principal?.kind !== 'admin') {
      const reason = 'dashboard login with a token that is not the admin token';
      const error = new PurposeGuardError('unauthenticated', reason);
      await auditAuthFailure(deps, error, { method: 'POST', route: '/login', principal });
      const page = assets.page('login.html').replace('<p class="error" hidden>', '<p class="error">');
      return html(c, page, 401);
    }
    const id = deps.sessions.open(Date.now());
    setCookie(c, SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: deps.sessions.ttlSeconds,
    });
    return c.redirect('/', 303);
  });

  const logout = {
    method: 'post', path: '/logout', auth: 'none', summary: 'end the dashboard session',
  } as const;
  deps.routes.add(app, logout, (c) => {
    deps.sessions.close(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/', 303);
  });

  const asset = {
    method: 'get', path: '/assets/:file', auth: 'none', produces: 'text/javascript',
    summary: 'dashboard scripts and styles',
  } as const;
  deps.routes.add(app, asset, (c) => {
    const name = c.req.param('file') ?? '';
    if (!assets.has(name)) throw new PurposeGuardError('not_found', `no dashboard asset '${name}'`);
    const { body, type } = assets.asset(name);
    return c.body(body, 200, {
      'content-type': type,
      'cache-control': 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
    });
  });
}

function html(c: Context<AppEnv>, body: string, status: 200 | 401): Response {
  return c.body(body, status, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
}
