import { PurposeGuardError } from '../../errors.js';
import type { ConsentStatus } from '../../store/store.js';
import type { SubjectSelector } from '../../subject/subject-selector.js';
import type { App, RouteDeps } from '../app.js';
import { parseJsonBody } from '../json-body.js';

const SELECTOR_FIELDS = ['email', 'phone', 'subject', 'owner'] as const;
const CHANGE_FIELDS = new Set<string>([...SELECTOR_FIELDS, 'purpose', 'status', 'evidence', 'tcf']);

export function registerConsentRoutes(app: App, deps: RouteDeps): void {
  const change = {
    method: 'post', path: '/v1/consent', auth: 'admin', body: 'application/json',
    summary: 'record consent: {email|phone|subject, purpose, status, evidence?} or {email|phone|subject, tcf}',
  } as const;
  deps.routes.add(app, change, async (c) => {
    const body = objectBody(parseJsonBody(await c.req.text(), c.req.header('content-type')));
    const selector = selectorOf(body);
    if (body['tcf'] !== undefined) {
      if (body['purpose'] !== undefined || body['status'] !== undefined) {
        throw new PurposeGuardError('invalid_request', 'give either tcf or purpose and status, not both');
      }
      const tcf = stringField(body, 'tcf');
      return c.json(await deps.pg.consentFromTcf({ ...selector, tcf, actor: 'api' }), 200);
    }
    const evidence = body['evidence'];
    return c.json(await deps.pg.consent({
      ...selector,
      purpose: stringField(body, 'purpose'),
      status: stringField(body, 'status') as ConsentStatus,
      actor: 'api',
      ...(evidence !== undefined ? { evidence: stringField(body, 'evidence') } : {}),
    }), 200);
  });

  const show = {
    method: 'get', path: '/v1/consent', auth: 'admin', query: [...SELECTOR_FIELDS],
    summary: 'a subject\'s latest consent per purpose and the number of changes',
  } as const;
  deps.routes.add(app, show, async (c) => {
    return c.json(await deps.pg.consentOf(selectorOf(c.req.query())), 200);
  });
}

/** The subject fields of a body or a query, each a string when present. */
export function selectorOf(source: Readonly<Record<string, unknown>>): SubjectSelector {
  const out: Record<string, string> = {};
  for (const key of SELECTOR_FIELDS) {
    if (source[key] !== undefined) out[key] = stringField(source, key);
  }
  return out;
}

export function objectBody(
  body: unknown,
  allowed: ReadonlySet<string> = CHANGE_FIELDS,
): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PurposeGuardError('invalid_request', 'the body must be a JSON object');
  }
  for (const key of Object.keys(body)) {
    if (!allowed.has(key)) {
      throw new PurposeGuardError('invalid_request', `unknown field '${key.slice(0, 40)}'`);
    }
  }
  return body as Record<string, unknown>;
}

function stringField(body: Readonly<Record<string, unknown>>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string') {
    throw new PurposeGuardError('invalid_request', `${key} must be a string`);
  }
  return value;
}
