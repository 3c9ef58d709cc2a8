import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApp } from '../src/server/app.js';
import { readSharedData } from './shared-data.js';
import { example, openEngine } from './support.js';
import type { TestEngine } from './support.js';

let t: TestEngine;
let app: ReturnType<typeof createApp>;

const json = { 'content-type': 'application/json' };
const bearer = (token: string): Record<string, string> => ({ ...json, authorization: `Bearer ${token}` });

async function post(path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return app.request(path, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

before(async () => {
  t = await openEngine(example('policy.yaml'));
  app = createApp(t.pg);
  const res = await post('/v1/events', readSharedData('capi/batch-mixed.json'), bearer('demo-web-key'));
  assert.equal(res.status, 200);
});

after(async () => {
  await t.pg.close();
});

describe('HTTP reads', () => {
  test('GET /healthz answers', async () => {
    const res = await app.request('/healthz');
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { status: string }).status, 'ok');
  });

  test('an allowed read returns the rows whose label allows the purpose', async () => {
    const res = await post('/v1/datasets/events/query', { purpose: 'ads.optimization' }, bearer('demo-ads-ranker'));
    assert.equal(res.status, 200);
    const body = (await res.json()) as { rows: { data: { event_id: string } }[] };
    assert.deepEqual(body.rows.map((r) => r.data.event_id), ['ord-1001', 'pv-2001', 'ord-1003']);
  });

  test('a read for an unregistered purpose is 403 purpose_denied', async () => {
    const res = await post('/v1/datasets/events/query', { purpose: 'ai.training' }, bearer('demo-ads-ranker'));
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { code: string }).code, 'purpose_denied');
  });

  test('paging with limit and cursor', async () => {
    const first = (await (await post('/v1/datasets/events/query', { purpose: 'ads.measurement', limit: 2 }, bearer('demo-ads-ranker'))).json()) as { code: string };
    assert.equal(first.code, 'purpose_denied');
    const page1 = (await (await post('/v1/datasets/events/query', { purpose: 'ads.optimization', limit: 2 }, bearer('demo-ads-ranker'))).json()) as { rows: unknown[]; next_cursor: string };
    assert.equal(page1.rows.length, 2);
    const page2 = (await (await post('/v1/datasets/events/query', { purpose: 'ads.optimization', limit: 2, cursor: page1.next_cursor }, bearer('demo-ads-ranker'))).json()) as { rows: unknown[]; next_cursor: string | null };
    assert.equal(page2.rows.length, 1);
    assert.equal(page2.next_cursor, null);
  });

  const authFailures: { name: string; headers: Record<string, string>; status: number; code: string }[] = [
    { name: 'no token', headers: json, status: 401, code: 'unauthenticated' },
    { name: 'a wrong token', headers: bearer('not-a-token'), status: 401, code: 'unauthenticated' },
    { name: 'a source write key', headers: bearer('demo-web-key'), status: 403, code: 'forbidden' },
  ];
  for (const row of authFailures) {
    test(`a query with ${row.name} is ${row.status}`, async () => {
      const res = await post('/v1/datasets/events/query', { purpose: 'ads.optimization' }, row.headers);
      assert.equal(res.status, row.status);
      assert.equal(((await res.json()) as { code: string }).code, row.code);
    });
  }

  const badBodies: { name: string; body: string; headers: Record<string, string>; status: number }[] = [
    { name: 'an empty body', body: '', headers: bearer('demo-ads-ranker'), status: 400 },
    { name: 'invalid JSON', body: '{"purpose":', headers: bearer('demo-ads-ranker'), status: 400 },
    { name: 'no purpose', body: '{}', headers: bearer('demo-ads-ranker'), status: 400 },
    { name: 'a wrong content type', body: 'purpose=ads', headers: { authorization: 'Bearer demo-ads-ranker', 'content-type': 'text/plain' }, status: 415 },
    { name: 'deeply nested JSON', body: `${'['.repeat(5000)}${']'.repeat(5000)}`, headers: bearer('demo-ads-ranker'), status: 400 },
    { name: 'a bad where field', body: '{"purpose":"ads.optimization","where":{"a b":1}}', headers: bearer('demo-ads-ranker'), status: 400 },
  ];
  for (const row of badBodies) {
    test(`a query with ${row.name} is ${row.status}`, async () => {
      const res = await post('/v1/datasets/events/query', row.body, row.headers);
      assert.equal(res.status, row.status);
      const body = (await res.json()) as { code: string; message: string };
      assert.ok(body.message.length > 0);
    });
  }
});
