import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { itemsFromBatch } from '../../collection/input-files.js';
import { ingest } from '../../collection/ingest.js';
import type { IngestItem } from '../../collection/ingest.js';
import { parseCustomerList } from '../../collection/customer-list.js';
import { PurposeGuardError } from '../../errors.js';
import { requirePrincipal } from '../app.js';
import type { App, RouteDeps } from '../app.js';
import { parseJsonBody } from '../json-body.js';

export function registerCollectionRoutes(app: App, deps: RouteDeps): void {
  app.post('/v1/events', async (c) => {
    const source = requirePrincipal(c.get('principal'), 'source');
    const body = parseJsonBody(await c.req.text(), c.req.header('content-type'));
    const items = itemsFromBatch(body, 'body');
    const summary = await ingest(deps.pg.ctx, source.name, items, { actor: `source:${source.name}` });
    return c.json(summary, 200);
  });

  app.post('/v1/customer-lists', async (c) => {
    const source = requirePrincipal(c.get('principal'), 'source');
    const type = c.req.header('content-type') ?? '';
    if (!/^text\/csv\b/i.test(type)) {
      throw new PurposeGuardError('unsupported_media_type', `expected content-type text/csv, not '${type || 'none'}'`);
    }
    const text = await c.req.text();
    if (text.trim() === '') throw new PurposeGuardError('invalid_request', 'the request body is empty');
    const summary = await ingest(deps.pg.ctx, source.name, rowsOf(text), { actor: `source:${source.name}` });
    return c.json(summary, 200);
  });
}

async function* rowsOf(text: string): AsyncIterable<IngestItem> {
  const lines = createInterface({ input: Readable.from([text]), crlfDelay: Infinity });
  for await (const row of parseCustomerList(lines)) {
    if ('issue' in row) yield { index: row.index, kind: 'issue', issue: row.issue };
    else yield { index: row.index, kind: 'row', userData: row.userData };
  }
}
