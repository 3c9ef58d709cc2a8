import type { App, RouteDeps } from '../app.js';
import { parseJsonBody } from '../json-body.js';
import { objectBody, selectorOf } from './consent-routes.js';

const ERASURE_FIELDS: ReadonlySet<string> = new Set(['email', 'phone', 'subject', 'owner']);

export function registerErasureRoutes(app: App, deps: RouteDeps): void {
  const erasure = {
    method: 'post', path: '/v1/erasure', auth: 'admin', body: 'application/json',
    summary: 'erase a subject {email|phone|subject, owner?} everywhere; returns a receipt',
  } as const;
  deps.routes.add(app, erasure, async (c) => {
    const json = parseJsonBody(await c.req.text(), c.req.header('content-type'));
    const body = objectBody(json, ERASURE_FIELDS);
    return c.json(await deps.pg.forget({ ...selectorOf(body), actor: 'api' }), 200);
  });

  const expire = {
    method: 'post', path: '/v1/expire', auth: 'admin',
    summary: 'remove records past their retention with what was derived from them; returns a receipt',
  } as const;
  deps.routes.add(app, expire, async (c) => {
    return c.json(await deps.pg.expire({ actor: 'api' }), 200);
  });

  const outbox = {
    method: 'get', path: '/v1/outbox', auth: 'admin', query: ['all'],
    summary: 'downstream removals: pending and delivered counts, and the items',
  } as const;
  deps.routes.add(app, outbox, async (c) => {
    return c.json(await deps.pg.outbox({ all: c.req.query('all') === 'true' }), 200);
  });

  const flush = {
    method: 'post', path: '/v1/outbox/flush', auth: 'admin',
    summary: 'deliver the downstream removals that are due; failures stay queued',
  } as const;
  deps.routes.add(app, flush, async (c) => {
    return c.json(await deps.pg.flushOutbox(), 200);
  });
}
