import { PurposeGuardError } from '../../errors.js';
import type { App, RouteDeps } from '../app.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

export function registerAuditRoutes(app: App, deps: RouteDeps): void {
  const page = {
    method: 'get', path: '/v1/audit', auth: 'admin', query: ['after', 'limit'],
    summary: 'audit entries after seq `after` (default 0), oldest first, at most `limit`',
  } as const;
  deps.routes.add(app, page, async (c) => {
    const after = integerParam(c.req.query('after'), 'after', { min: 0, fallback: 0 });
    const limit = integerParam(c.req.query('limit'), 'limit', {
      min: 1, max: MAX_LIMIT, fallback: DEFAULT_LIMIT,
    });
    const entries = await deps.pg.auditPage({ afterSeq: after, limit });
    const last = entries.at(-1);
    return c.json({
      entries: entries.map((e) => ({
        seq: e.seq,
        at: new Date(e.at).toISOString(),
        kind: e.kind,
        actor: e.actor,
        owner: e.owner,
        data: e.data,
        prev_hash: e.prevHash,
        hash: e.hash,
      })),
      next_after: entries.length === limit && last ? last.seq : null,
    });
  });

  const verify = {
    method: 'get', path: '/v1/audit/verify', auth: 'admin',
    summary: 'verify the audit chain; 200 with ok, entries, head and first_bad',
  } as const;
  deps.routes.add(app, verify, async (c) => {
    const result = await deps.pg.verifyAudit();
    return c.json({
      ok: result.ok,
      entries: result.entries,
      head: result.head,
      first_bad: result.firstBad ?? null,
    });
  });
}

function integerParam(
  text: string | undefined,
  name: string,
  range: { min: number; max?: number; fallback: number },
): number {
  if (text === undefined || text === '') return range.fallback;
  const n = Number(text);
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^\d+$/.test(text) || n < range.min || n > max) {
    throw new PurposeGuardError('invalid_request',
      `${name} must be an integer from ${range.min} to ${max}, not '${text.slice(0, 20)}'`);
  }
  return n;
}
