import {
  formatOf,
  renderReport,
  renderRopa,
  ROPA_FORMATS,
  windowOf,
} from '../../report/report-format.js';
import type { App, RouteDeps } from '../app.js';

export function registerReportRoutes(app: App, deps: RouteDeps): void {
  const usage = {
    method: 'get', path: '/v1/reports', auth: 'admin', query: ['from', 'to', 'format'],
    summary: 'use per purpose and processor over [from, to): format json (default) or html',
  } as const;
  deps.routes.add(app, usage, async (c) => {
    const window = windowOf(c.req.query('from'), c.req.query('to'), { from: 'from', to: 'to' });
    const format = formatOf(c.req.query('format'), ['json', 'html'] as const, 'json', 'format');
    const rendered = renderReport(await deps.pg.report(window), format);
    return c.body(rendered.text, 200, { 'content-type': rendered.contentType });
  });

  const ropa = {
    method: 'get', path: '/v1/reports/ropa', auth: 'admin', query: ['format'],
    summary: 'the record of processing activities (GDPR Art. 30): format json (default), md or html',
  } as const;
  deps.routes.add(app, ropa, async (c) => {
    const format = formatOf(c.req.query('format'), ROPA_FORMATS, 'json', 'format');
    const rendered = renderRopa(await deps.pg.ropa(), format);
    return c.body(rendered.text, 200, { 'content-type': rendered.contentType });
  });
}
