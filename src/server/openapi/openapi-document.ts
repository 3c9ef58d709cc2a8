import type { RouteAuth, RouteSpec } from '../route-table.js';

type Json = Readonly<Record<string, unknown>>;

const ERROR_SCHEMA = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          path: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
  },
} as const;

const AUTH_NOTE: Readonly<Record<RouteAuth, string>> = {
  none: 'No token.',
  any: 'Any valid bearer token.',
  processor: 'Bearer token of a processor.',
  source: 'Bearer write key of a source.',
  admin: 'Bearer admin token (or a dashboard session cookie).',
};

/**
 * The OpenAPI 3.1 document of the routes in a route table: one operation
 * per route, `{param}` paths, bearer security by auth kind, request media
 * types and the shared error shape.
 *
 * @example
 * openApiDocument(deps.routes.routes, { version: '0.1.0' }).paths['/healthz'];
 */
export function openApiDocument(routes: readonly RouteSpec[], info: { version: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'PurposeGuard HTTP API',
      version: info.version,
      description: 'Collection, purpose-checked reads, consent, erasure, lineage, audit and reports.',
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: ERROR_SCHEMA },
    },
  };
}

/** `/v1/datasets/:name/query` → `/v1/datasets/{name}/query`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function operationOf(route: RouteSpec): Json {
  const params = [...route.path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? '');
  const text = { type: 'string' };
  const parameters = [
    ...params.map((name) => ({ name, in: 'path', required: true, schema: text })),
    ...(route.query ?? []).map((name) => ({ name, in: 'query', required: false, schema: text })),
  ];
  return {
    summary: route.summary,
    description: AUTH_NOTE[route.auth],
    operationId: operationId(route),
    ...(parameters.length > 0 ? { parameters } : {}),
    security: route.auth === 'none' ? [] : [{ bearer: [] }],
    ...(route.body ? { requestBody: requestBodyOf(route.body) } : {}),
    responses: responsesOf(route),
  };
}

function requestBodyOf(mediaType: string): Json {
  return { required: true, content: { [mediaType]: { schema: bodySchema(mediaType) } } };
}

function responsesOf(route: RouteSpec): Json {
  const produces = route.produces ?? 'application/json';
  const errorSchema = { $ref: '#/components/schemas/Error' };
  const error = { description: 'error', content: { 'application/json': { schema: errorSchema } } };
  const schema = produces.includes('json') ? { type: 'object' } : { type: 'string' };
  return {
    '200': { description: 'success', content: { [produces]: { schema } } },
    ...(route.auth === 'none' ? {} : { '401': error, '403': error }),
    '429': error,
    '503': error,
    default: error,
  };
}

function bodySchema(mediaType: string): Json {
  return mediaType === 'application/json' ? { type: 'object' } : { type: 'string' };
}

function operationId(route: RouteSpec): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  const capital = (w: string): string => `${w[0]?.toUpperCase() ?? ''}${w.slice(1)}`;
  return [route.method, ...words.map(capital)].join('');
}
