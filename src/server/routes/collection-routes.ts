import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { itemsFromBatch } from '../../collection/input-files.js';
import { ingest } from '../../collection/ingest.js';
import type { IngestItem, IngestOptions } from '../../collection/ingest.js';
import type { Context } from 'hono';
import { parseCustomerList } from '../../collection/customer-list.js';
import { PurposeGuardError } from '../../errors.js';
import { requirePrincipal } from '../app.js';
import type { App, AppEnv, RouteDeps } from '../app.js';
import { parseJsonBody } from '../json-body.js';

/** Events one request may carry, as the conversions API allows. */
export const MAX_EVENTS_PER_REQUEST = 1000;

export function registerCollectionRoutes(app: App, deps: RouteDeps): void {
  const events = {
    method: 'post', path: '/v1/events', auth: 'source', body: 'application/json',
    summary: 'collect a conversions-API batch {"data": [...]} for the source of the write key',
  } as const;
  deps.routes.add(app, events, async (c) => {
    const source = requirePrincipal(c.get('principal'), 'source');
    const body = parseJsonBody(await c.req.text(), c.req.header('content-type'));
    const items = itemsFromBatch(body, 'body');
    if (items.length > MAX_EVENTS_PER_REQUEST) {
      throw new PurposeGuardError('invalid_request', `a request carries at most ${MAX_EVENTS_PER_REQUEST} events, not ${items.length}; split the batch`);
    }
    const summary = await ingest(deps.pg.ctx, source.name, items, wholeRequest(c, source.name));
    return c.json(summary, 200);
  });

  const lists = {
    method: 'post', path: '/v1/customer-lists', auth: 'source', body: 'text/csv',
    summary: 'upload a customer list as CSV for the source of the write key',
  } as const;
  deps.routes.add(app, lists, async (c) => {
    const source = requirePrincipal(c.get('principal'), 'source');
    const type = c.req.header('content-type') ?? '';
    if (!/^text\/csv\b/i.test(type)) {
      throw new PurposeGuardError('unsupported_media_type', `expected content-type text/csv, not '${type || 'none'}'`);
    }
    const text = await c.req.text();
    if (text.trim() === '') throw new PurposeGuardError('invalid_request', 'the request body is empty');
    const options = wholeRequest(c, source.name);
    const summary = await ingest(deps.pg.ctx, source.name, rowsOf(text), options);
    return c.json(summary, 200);
  });
}

/**
 * One request body is one transaction: its records and audit entry are
 * committed together or, past the request's deadline, not at all.
 */
function wholeRequest(c: Context<AppEnv>, source: string): IngestOptions {
  return {
    actor: `source:${source}`,
    chunkSize: Number.POSITIVE_INFINITY,
    signal: c.get('deadline'),
  };
}

async function* rowsOf(text: string): AsyncIterable<IngestItem> {
  const lines = createInterface({ input: Readable.from([text]), crlfDelay: Infinity });
  for await (const row of parseCustomerList(lines)) {
    if ('issue' in row) yield { index: row.index, kind: 'issue', issue: row.issue };
    else yield { index: row.index, kind: 'row', row };
  }
}
