import type { App, RouteDeps } from '../app.js';
import { openApiDocument } from '../openapi/openapi-document.js';

export function registerMetricsRoutes(app: App, deps: RouteDeps): void {
  const metrics = {
    method: 'get', path: '/metrics', auth: 'admin', produces: 'text/plain; version=0.0.4',
    summary: 'Prometheus metrics: requests, latency, decisions, flows, collected events, audit entries',
  } as const;
  deps.routes.add(app, metrics, (c) => {
    const type = 'text/plain; version=0.0.4; charset=utf-8';
    return c.body(deps.metrics.render(), 200, { 'content-type': type });
  });

  const openapi = {
    method: 'get', path: '/openapi.json', auth: 'none', summary: 'this API as an OpenAPI 3.1 document',
  } as const;
  deps.routes.add(app, openapi, (c) => {
    return c.json(openApiDocument(deps.routes.routes, { version: '0.1.0' }));
  });

  const noop = {
    method: 'post', path: '/v1/noop', auth: 'any',
    summary: 'authenticate and do nothing: the baseline for load tests',
  } as const;
  deps.routes.add(app, noop, (c) => c.json({ ok: true }));
}
