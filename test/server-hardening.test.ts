import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../src/server/app.js';
import type { App } from '../src/server/app.js';
import { parseRateLimit, parseServerSettings } from '../src/server/server-options.js';
import type { LogEvent } from '../src/log.js';
import { bearer, countRecords, JSON_TYPE, openSlowEngine, purchase } from './server-helpers.js';
import { example, openEngine } from './support.js';
import type { TestEngine } from './support.js';

const TOKENS = ['demo-admin', 'demo-ads-ranker', 'demo-web-key', 'not-a-token'];

let t: TestEngine;
let app: App;
const lines: LogEvent[] = [];

before(async () => {
  t = await openEngine(example('policy.yaml'));
  app = createApp(t.pg, { logger: (e) => lines.push(e), maxBodyBytes: 64 * 1024, rateLimit: null });
});

after(async () => {
  await t.pg.close();
});

function post(path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return Promise.resolve(app.request(path, { method: 'POST', headers, body: text }));
}

async function codeOf(res: Response): Promise<string> {
  return ((await res.json()) as { code: string }).code;
}

describe('HTTP limits', () => {
  test('a body over the configured limit is 413 payload_too_large', async () => {
    const big = { data: Array.from({ length: 400 }, (_, i) => purchase(`big-${i}`)) };
    const res = await post('/v1/events', big, bearer('demo-web-key'));
    assert.equal(res.status, 413);
    assert.equal(await codeOf(res), 'payload_too_large');
    assert.equal(await countRecords(t.pg, 'events'), 0);
  });

  test('a batch of 1000 events is one transaction with one collection audit entry', async () => {
    const wide = createApp(t.pg, { rateLimit: null });
    const batch = { data: Array.from({ length: 1000 }, (_, i) => purchase(`one-tx-${i}`)) };
    const before = await t.pg.store.readAudit({ afterSeq: 0, limit: 100_000 });
    const init = { method: 'POST', headers: bearer('demo-web-key'), body: JSON.stringify(batch) };
    const res = await wide.request('/v1/events', init);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { accepted: number }).accepted, 1000);
    const entries = await t.pg.store.readAudit({ afterSeq: before.at(-1)?.seq ?? 0, limit: 100_000 });
    const collections = entries.filter((e) => e.kind === 'collection');
    assert.equal(collections.length, 1);
    assert.equal(collections[0]?.data['accepted'], 1000);
  });

  test('a batch of 1001 events is refused whole, naming the limit', async () => {
    const wide = createApp(t.pg, { rateLimit: null });
    const batch = { data: Array.from({ length: 1001 }, (_, i) => purchase(`too-many-${i}`)) };
    const before = await countRecords(t.pg, 'events');
    const init = { method: 'POST', headers: bearer('demo-web-key'), body: JSON.stringify(batch) };
    const res = await wide.request('/v1/events', init);
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { message: string }).message, /at most 1000 events, not 1001/);
    assert.equal(await countRecords(t.pg, 'events'), before);
  });

  test('a request past its deadline is 503 timeout and commits nothing', async () => {
    const slow = await openSlowEngine(example('policy.yaml'), 300);
    try {
      const timed = createApp(slow.pg, { requestTimeoutMs: 50, rateLimit: null });
      const started = Date.now();
      const body = JSON.stringify({ data: [purchase('late-1'), purchase('late-2')] });
      const res = await timed.request('/v1/events', { method: 'POST', headers: bearer('demo-web-key'), body });
      assert.equal(res.status, 503);
      assert.equal(await codeOf(res), 'timeout');
      assert.ok(Date.now() - started < 1500);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(await countRecords(slow.pg, 'events'), 0);
      const audit = await slow.pg.store.readAudit({ afterSeq: 0, limit: 100 });
      assert.equal(audit.filter((e) => e.kind === 'collection').length, 0);
    } finally {
      await slow.pg.close();
    }
  });

  test('over the rate limit a token gets 429 rate_limited with retry-after; others do not', async () => {
    const limited = createApp(t.pg, { rateLimit: { perSecond: 1, burst: 2 } });
    const noop = (token: string): Promise<Response> =>
      Promise.resolve(limited.request('/v1/noop', { method: 'POST', headers: bearer(token), body: '{}' }));
    assert.equal((await noop('demo-ads-ranker')).status, 200);
    assert.equal((await noop('demo-ads-ranker')).status, 200);
    const third = await noop('demo-ads-ranker');
    assert.equal(third.status, 429);
    assert.equal(await codeOf(third), 'rate_limited');
    assert.ok(Number(third.headers.get('retry-after')) >= 1);
    assert.equal((await noop('demo-model-trainer')).status, 200);
  });

  test('server settings are validated with the setting named', () => {
    assert.deepEqual(parseRateLimit('50/s,80'), { perSecond: 50, burst: 80 });
    assert.deepEqual(parseRateLimit('10/s'), { perSecond: 10, burst: 20 });
    assert.equal(parseRateLimit('off'), null);
    assert.throws(() => parseRateLimit('fast'), /rate limit must be/);
    assert.throws(() => parseServerSettings({ maxBodyBytes: '-3' }), /max body bytes must be a positive whole number, not '-3'/);
    assert.deepEqual(parseServerSettings({ requestTimeoutMs: '2500' }), { requestTimeoutMs: 2500 });
  });
});

describe('HTTP auth failures', () => {
  const table: { name: string; method: string; path: string; token: string | null; status: number; code: string }[] = [
    { name: 'no token on a read', method: 'POST', path: '/v1/datasets/events/query', token: null, status: 401, code: 'unauthenticated' },
    { name: 'a wrong token on a read', method: 'POST', path: '/v1/datasets/events/query', token: 'not-a-token', status: 401, code: 'unauthenticated' },
    { name: 'a source key on a processor route', method: 'POST', path: '/v1/datasets/events/query', token: 'demo-web-key', status: 403, code: 'forbidden' },
    { name: 'a processor token on an admin route', method: 'GET', path: '/v1/policy', token: 'demo-ads-ranker', status: 403, code: 'forbidden' },
    { name: 'a processor token on a source route', method: 'POST', path: '/v1/events', token: 'demo-bi-export', status: 403, code: 'forbidden' },
    { name: 'a source key on the metrics route', method: 'GET', path: '/metrics', token: 'demo-crm-key', status: 403, code: 'forbidden' },
  ];
  for (const row of table) {
    test(`${row.name} is ${row.status} ${row.code} and audited without the token`, async () => {
      const last = (await t.pg.store.readAudit({ afterSeq: 0, limit: 100_000 })).at(-1)?.seq ?? 0;
      const headers = row.token === null ? JSON_TYPE : bearer(row.token);
      const body = row.method === 'POST' ? JSON.stringify({ purpose: 'ads.optimization', data: [] }) : null;
      const res = await app.request(row.path, { method: row.method, headers, body });
      assert.equal(res.status, row.status);
      assert.equal(await codeOf(res), row.code);
      const entries = await t.pg.store.readAudit({ afterSeq: last, limit: 100 });
      const auth = entries.filter((e) => e.kind === 'auth');
      assert.equal(auth.length, 1);
      assert.equal(auth[0]?.data['code'], row.code);
      for (const token of TOKENS) assert.ok(!auth[0]?.dataJson.includes(token));
    });
  }

  test('a processor cannot speak for another processor: the token alone says who reads', async () => {
    const res = await post('/v1/datasets/events/query', { purpose: 'ai.training', processor: 'model-trainer' }, bearer('demo-ads-ranker'));
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { message: string }).message, /unknown query field 'processor'/);
  });

  test('a purpose the processor is not registered for is 403 purpose_denied and audited as a decision', async () => {
    const seq = (await t.pg.store.readAudit({ afterSeq: 0, limit: 100_000 })).at(-1)?.seq ?? 0;
    const res = await post('/v1/datasets/events/query', { purpose: 'ai.training' }, bearer('demo-ads-ranker'));
    assert.equal(res.status, 403);
    assert.equal(await codeOf(res), 'purpose_denied');
    const entries = await t.pg.store.readAudit({ afterSeq: seq, limit: 100 });
    const decisions = entries.filter((e) => e.kind === 'decision');
    assert.equal(decisions.length, 1);
    assert.equal(decisions[0]?.data['outcome'], 'deny');
    assert.equal(entries.filter((e) => e.kind === 'auth').length, 0);
  });
});

describe('what a client may not set', () => {
  test('an event carrying a label or subjects field is refused and not stored', async () => {
    const before = await countRecords(t.pg, 'events');
    const withLabel = { ...purchase('own-label-1'), label: { purposes: ['ai.training'] } };
    const withSubjects = { ...purchase('own-subjects-1'), subjects: ['someone-else'] };
    const res = await post('/v1/events', { data: [withLabel, withSubjects] }, bearer('demo-web-key'));
    assert.equal(res.status, 200);
    type Summary = { accepted: number; rejected: { index: number; code: string; message: string }[] };
    const summary = (await res.json()) as Summary;
    assert.equal(summary.accepted, 0);
    assert.deepEqual(summary.rejected.map((r) => r.code), ['invalid_event', 'invalid_event']);
    assert.match(summary.rejected[0]?.message ?? '', /label/);
    assert.equal(await countRecords(t.pg, 'events'), before);
  });

  test('batch-level label and audit fields are ignored: the label comes from the source rules', async () => {
    const batch = { data: [purchase('batch-label-1')], label: { purposes: ['ai.training'] }, audit: [{ kind: 'erasure' }] };
    const last = (await t.pg.store.readAudit({ afterSeq: 0, limit: 100_000 })).at(-1)?.seq ?? 0;
    const res = await post('/v1/events', batch, bearer('demo-web-key'));
    assert.equal(((await res.json()) as { accepted: number }).accepted, 1);
    const entries = await t.pg.store.readAudit({ afterSeq: last, limit: 100 });
    assert.deepEqual(entries.map((e) => e.kind), ['collection']);
    const query = { purpose: 'ads.optimization', where: { event_id: 'batch-label-1' } };
    const read = await post('/v1/datasets/events/query', query, bearer('demo-ads-ranker'));
    type Row = { data: Record<string, unknown>; label: { purposes: string[]; source: string } };
    const { rows } = (await read.json()) as { rows: Row[] };
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.label.source, 'web');
    assert.ok(rows[0]?.label.purposes.includes('ads.optimization'));
    assert.equal(rows[0]?.data['label'], undefined);
  });
});

describe('request logs', () => {
  test('one line a request with id, route pattern, status, duration and principal; no token or personal data', async () => {
    lines.length = 0;
    await post('/v1/events', { data: [purchase('log-1', 'private.person@example.com')] }, bearer('demo-web-key'));
    await post('/v1/datasets/events/query', { purpose: 'ads.optimization' }, bearer('demo-ads-ranker'));
    await app.request('/v1/datasets/customers/query', { method: 'POST', headers: bearer('not-a-token'), body: '{}' });
    const requests = lines.filter((l): l is Extract<LogEvent, { type: 'request' }> => l.type === 'request');
    assert.deepEqual(requests.map((r) => [r.method, r.route, r.status]), [
      ['POST', '/v1/events', 200],
      ['POST', '/v1/datasets/:name/query', 200],
      ['POST', '/v1/datasets/:name/query', 401],
    ]);
    assert.deepEqual(requests.map((r) => r.principal?.kind ?? null), ['source', 'processor', null]);
    assert.equal(new Set(requests.map((r) => r.requestId)).size, 3);
    assert.ok(requests.every((r) => r.durationMs >= 0));
    const text = JSON.stringify(lines);
    for (const secret of [...TOKENS, 'private.person', 'customers']) assert.ok(!text.includes(secret), secret);
  });

  test('the request id is returned and a caller id is kept only when plain', async () => {
    const given = await app.request('/healthz', { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(given.headers.get('x-request-id'), 'abc-123');
    const odd = await app.request('/healthz', { headers: { 'x-request-id': 'a b\u00e9' } });
    assert.match(odd.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});
