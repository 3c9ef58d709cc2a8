import type { App, RouteDeps } from '../app.js';

export function registerHealthRoutes(app: App, deps: RouteDeps): void {
  app.get('/healthz', (c) => c.json({
    status: 'ok',
    store: deps.pg.store.kind,
    policy: deps.pg.policy.digest.slice(0, 12),
    mode: deps.pg.policy.mode,
  }));
}
