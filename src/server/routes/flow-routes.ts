import { PurposeGuardError } from '../../errors.js';
import type { DerivedRow } from '../../flow/derived-rows.js';
import { requirePrincipal } from '../app.js';
import type { App, RouteDeps } from '../app.js';
import { parseJsonBody } from '../json-body.js';

const FIELDS = ['purpose', 'rows', 'reclassification'];

export function registerFlowRoutes(app: App, deps: RouteDeps): void {
  const spec = {
    method: 'post', path: '/v1/datasets/:name/rows', auth: 'processor', body: 'application/json',
    summary: 'write derived rows for one purpose: {purpose, rows: [{from, data}], reclassification?}',
  } as const;
  deps.routes.add(app, spec, async (c) => {
    const processor = requirePrincipal(c.get('principal'), 'processor');
    const body = parseWriteBody(parseJsonBody(await c.req.text(), c.req.header('content-type')));
    const result = await deps.pg.write({
      processor: processor.name,
      purpose: body.purpose,
      dataset: c.req.param('name') ?? '',
      rows: body.rows,
      actor: 'api',
      ...(body.reclassification !== undefined ? { reclassification: body.reclassification } : {}),
    });
    return c.json(result, 200);
  });
}

interface WriteBody {
  readonly purpose: string;
  readonly rows: DerivedRow[];
  readonly reclassification?: string;
}

function parseWriteBody(body: unknown): WriteBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PurposeGuardError('invalid_request', 'the body must be a JSON object {purpose, rows}');
  }
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).find((key) => !FIELDS.includes(key));
  if (unknown !== undefined) throw new PurposeGuardError('invalid_request', `unknown field '${unknown}'`);
  if (typeof b['purpose'] !== 'string' || b['purpose'] === '') {
    throw new PurposeGuardError('invalid_request', 'purpose is required: the purpose the rows are written for');
  }
  const reclassification = b['reclassification'];
  if (reclassification !== undefined && typeof reclassification !== 'string') {
    throw new PurposeGuardError('invalid_request', 'reclassification must be the name of a declared reclassification');
  }
  if (!Array.isArray(b['rows'])) throw new PurposeGuardError('invalid_request', 'rows must be a list of {from, data}');
  return {
    purpose: b['purpose'],
    // the write checks every row
    rows: b['rows'] as DerivedRow[],
    ...(reclassification !== undefined ? { reclassification } : {}),
  };
}
