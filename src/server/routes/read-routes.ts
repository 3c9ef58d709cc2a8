import { readRowJson } from '../../decision/read-row-json.js';
import { PurposeGuardError } from '../../errors.js';
import { requirePrincipal } from '../app.js';
import type { App, RouteDeps } from '../app.js';
import { parseJsonBody } from '../json-body.js';

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;

export function registerReadRoutes(app: App, deps: RouteDeps): void {
  const spec = {
    method: 'post', path: '/v1/datasets/:name/query', auth: 'processor', body: 'application/json',
    summary: 'read a dataset for one declared purpose: {purpose, where?, limit?, cursor?}',
  } as const;
  deps.routes.add(app, spec, async (c) => {
    const processor = requirePrincipal(c.get('principal'), 'processor');
    const body = parseJsonBody(await c.req.text(), c.req.header('content-type'));
    const query = parseQuery(body);
    const { batches } = await deps.pg.read({
      processor: processor.name,
      purpose: query.purpose,
      dataset: c.req.param('name') ?? '',
      limit: query.limit,
      ...(query.where ? { where: query.where } : {}),
      ...(query.cursor !== undefined ? { afterId: query.cursor } : {}),
    });
    const lines: string[] = [];
    let last: number | null = null;
    for await (const rows of batches) {
      for (const row of rows) lines.push(readRowJson(row));
      last = rows[rows.length - 1]?.id ?? last;
    }
    const next = lines.length === query.limit && last !== null ? String(last) : null;
    const text = `{"purpose":${JSON.stringify(query.purpose)},"rows":[${lines.join(',')}],"next_cursor":${JSON.stringify(next)}}`;
    return c.body(text, 200, { 'content-type': 'application/json' });
  });
}

interface Query {
  readonly purpose: string;
  readonly limit: number;
  readonly where?: Record<string, string | number | boolean>;
  readonly cursor?: number;
}

function parseQuery(body: unknown): Query {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PurposeGuardError('invalid_request', 'the query must be a JSON object with a purpose');
  }
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) {
    if (!['purpose', 'where', 'limit', 'cursor'].includes(key)) {
      throw new PurposeGuardError('invalid_request', `unknown query field '${key}'`);
    }
  }
  if (typeof b['purpose'] !== 'string' || b['purpose'] === '') {
    throw new PurposeGuardError('invalid_request', 'purpose is required: the one purpose the data will be used for');
  }
  const limit = b['limit'] ?? DEFAULT_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new PurposeGuardError('invalid_request', `limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  const cursor = b['cursor'];
  if (cursor !== undefined && cursor !== null && (typeof cursor !== 'string' || !/^\d{1,15}$/.test(cursor))) {
    throw new PurposeGuardError('invalid_request', 'cursor must be a next_cursor value from an earlier page');
  }
  return {
    purpose: b['purpose'],
    limit,
    ...(b['where'] !== undefined ? { where: parseWhere(b['where']) } : {}),
    ...(typeof cursor === 'string' ? { cursor: Number(cursor) } : {}),
  };
}

function parseWhere(value: unknown): Record<string, string | number | boolean> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PurposeGuardError('invalid_request', 'where must be an object of field: value');
  }
  // No prototype: a field named __proto__ must filter, not vanish.
  const out = Object.create(null) as Record<string, string | number | boolean>;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new PurposeGuardError('invalid_request', `where.${key} must be a string, number or boolean`);
    }
    out[key] = v;
  }
  return out;
}
