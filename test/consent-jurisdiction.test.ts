import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { itemsFromBatch } from '../src/collection/input-files.js';
import { ingest } from '../src/collection/ingest.js';
import { createApp } from '../src/server/app.js';
import { eventIds, openScenario } from './erasure-support.js';
import type { Scenario } from './erasure-support.js';

const T0 = Date.UTC(2026, 0, 15, 12);
const DAY = 86_400_000;

const PEOPLE = [
  { id: 'kr-1', email: 'jiwoo.kim@example.kr', country: 'kr' },
  { id: 'us-1', email: 'sam.jones@example.com', country: 'us' },
  { id: 'de-1', email: 'lena.vogel@example.de', country: 'de' },
  { id: 'none-1', email: 'ana.silva@example.net', country: null },
];

function purchase(p: (typeof PEOPLE)[number]): Record<string, unknown> {
  return {
    event_name: 'Purchase', event_time: Math.floor(T0 / 1000) - 60, event_id: p.id,
    action_source: 'website', event_source_url: 'https://shop.example.com/checkout',
    user_data: { em: [p.email], ...(p.country ? { country: [p.country] } : {}) },
    custom_data: { currency: 'USD', value: 10 },
  };
}

let s: Scenario;

before(async () => {
  s = await openScenario({ now: () => T0 });
  const summary = await ingest(s.pg.ctx, 'web', itemsFromBatch({ data: PEOPLE.map(purchase) }, 'test'), { actor: 'test' });
  assert.equal(summary.accepted, PEOPLE.length);
});

after(async () => {
  await s.pg.close();
});

describe('consent by jurisdiction: ads.audience.lookalike requires it in EU and KR', () => {
  test('without consent the lookalike builder gets US and default-jurisdiction subjects only', async () => {
    assert.deepEqual(await eventIds(s.pg, 'lookalike-builder', 'ads.audience.lookalike'), ['none-1', 'us-1']);
  });

  test('the ads ranker, whose purpose needs no consent, gets everyone', async () => {
    assert.deepEqual(await eventIds(s.pg, 'ads-ranker', 'ads.optimization'), ['de-1', 'kr-1', 'none-1', 'us-1']);
  });

  test('a KR grant adds the KR subject; a withdrawal over HTTP removes it again', async () => {
    await s.pg.consent({ email: 'jiwoo.kim@example.kr', purpose: 'ads.audience.lookalike', status: 'granted', actor: 'test' });
    assert.deepEqual(await eventIds(s.pg, 'lookalike-builder', 'ads.audience.lookalike'), ['kr-1', 'none-1', 'us-1']);
    const app = createApp(s.pg);
    const res = await app.request('/v1/consent', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-admin' },
      body: JSON.stringify({ email: 'jiwoo.kim@example.kr', purpose: 'ads.audience.lookalike', status: 'withdrawn' }),
    });
    assert.equal(res.status, 200);
    const http = await app.request('/v1/datasets/events/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-lookalike-builder' },
      body: JSON.stringify({ purpose: 'ads.audience.lookalike' }),
    });
    const body = (await http.json()) as { rows: { data: { event_id: string } }[] };
    assert.deepEqual(body.rows.map((r) => r.data.event_id).sort(), ['none-1', 'us-1']);
  });

  test('a US subject stays without any consent, and a denial elsewhere does not matter', async () => {
    await s.pg.consent({ email: 'sam.jones@example.com', purpose: 'ads.audience.lookalike', status: 'denied', actor: 'test' });
    assert.ok((await eventIds(s.pg, 'lookalike-builder', 'ads.audience.lookalike')).includes('us-1'));
  });
});

describe('retention by jurisdiction', () => {
  test('EU records expire after 365 days, others after the 400-day default', async () => {
    const rows = await s.pg.store.recordsById('acme', [1, 2, 3, 4]);
    const days = Object.fromEntries(rows.map((r) => {
      const id = (JSON.parse(r.json) as { event_id: string }).event_id;
      return [id, r.expiresAt === null ? null : (r.expiresAt - r.collectedAt) / DAY];
    }));
    assert.deepEqual(days, { 'kr-1': 400, 'us-1': 400, 'de-1': 365, 'none-1': 400 });
    assert.ok(rows.every((r) => r.collectedAt === T0));
  });
});
