import { PurposeGuardError } from '../../errors.js';
import { toJsonLines } from '../../lineage/openlineage.js';
import type { App, RouteDeps } from '../app.js';

export function registerLineageRoutes(app: App, deps: RouteDeps): void {
  deps.routes.add(app, {
    method: 'get', path: '/v1/lineage/datasets/:name', auth: 'admin',
    summary: 'flows into and out of a dataset, followed transitively',
  }, async (c) => {
    return c.json(await deps.pg.lineage(c.req.param('name') ?? ''), 200);
  });
  deps.routes.add(app, {
    method: 'get', path: '/v1/lineage/subject', auth: 'admin', query: ['email'],
    summary: 'every dataset holding records of the subject with this email',
  }, async (c) => {
    const email = c.req.query('email');
    if (email === undefined || email.trim() === '') {
      throw new PurposeGuardError('invalid_request', 'the email query parameter is required');
    }
    return c.json(await deps.pg.subjectLineage(email), 200);
  });
  deps.routes.add(app, {
    method: 'get', path: '/v1/lineage/graph', auth: 'admin',
    summary: 'sources, datasets and processors with the flows between them',
  }, async (c) => {
    return c.json(await deps.pg.lineageGraph(), 200);
  });
  deps.routes.add(app, {
    method: 'get', path: '/v1/lineage/openlineage', auth: 'admin', produces: 'application/x-ndjson',
    summary: 'every recorded flow as an OpenLineage run event, one JSON line each',
  }, async (c) => {
    const text = toJsonLines(await deps.pg.openLineage());
    return c.body(text, 200, { 'content-type': 'application/x-ndjson' });
  });
}
