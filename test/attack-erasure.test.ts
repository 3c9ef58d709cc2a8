import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { ingest } from '../src/collection/ingest.js';
import { itemsFromBatch } from '../src/collection/input-files.js';
import type { ErasureReceipt } from '../src/erasure/erasure-receipt.js';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import { createApp } from '../src/server/app.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/sqlite-schema.js';
import { cli, openScenario } from './erasure-support.js';
import { allRows } from './support.js';

function purchase(id: string, userData: Record<string, unknown>): Record<string, unknown> {
  return {
    event_name: 'Purchase', event_time: 1764806400, event_id: id,
    action_source: 'website', user_data: userData,
  };
}

const BATCH = {
  data: [
    purchase('two-emails', { em: ['ana@example.com', 'bo@example.com'] }),
    purchase('email-and-phone', { em: 'cy@example.com', ph: '+1 650 555 0100' }),
    purchase('someone-else', { em: 'dee@example.com' }),
  ],
};

async function eventIds(pg: PurposeGuard): Promise<string[]> {
  const rows = await allRows(pg.read({
    processor: 'ads-ranker', purpose: 'ads.optimization', dataset: 'events',
  }));
  return rows.map((r) => (JSON.parse(r.json) as { event_id: string }).event_id).sort();
}

test('an erasure by the second email of an event removes the event', async () => {
  const s = await openScenario();
  try {
    await ingest(s.pg.ctx, 'web', itemsFromBatch(BATCH, 'body'), { actor: 'test' });
    const receipt = await s.pg.forget({ email: 'bo@example.com', actor: 'test' });
    assert.equal(receipt.total_rows, 1);
    assert.deepEqual(await eventIds(s.pg), ['email-and-phone', 'someone-else']);
  } finally {
    await s.pg.close();
  }
});

test('forget --phone removes an event whose subject is its email', async () => {
  const s = await openScenario();
  try {
    await ingest(s.pg.ctx, 'web', itemsFromBatch(BATCH, 'body'), { actor: 'test' });
    await s.pg.close();
    const out = await cli(s, ['forget', '--phone', '+1 (650) 555-0100']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal((JSON.parse(out.stdout) as ErasureReceipt).total_rows, 1);
    const pg = await PurposeGuard.open({ policy: s.policy, db: s.db });
    try {
      assert.deepEqual(await eventIds(pg), ['someone-else', 'two-emails']);
    } finally {
      await pg.close();
    }
  } finally {
    await s.pg.close();
  }
});

test('POST /v1/erasure by the phone of a customer-list row with an email removes the row', async () => {
  const s = await openScenario();
  try {
    const app = createApp(s.pg);
    const csv = 'email,phone\nfay@example.com,+44 20 7946 0958\ngus@example.com,\n';
    const upload = await app.request('/v1/customer-lists', {
      method: 'POST', body: csv,
      headers: { 'content-type': 'text/csv', authorization: 'Bearer demo-crm-key' },
    });
    assert.equal(upload.status, 200);
    const res = await app.request('/v1/erasure', {
      method: 'POST', body: JSON.stringify({ phone: '+44 20 7946 0958' }),
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-admin' },
    });
    assert.equal(res.status, 200);
    const receipt = (await res.json()) as ErasureReceipt;
    assert.deepEqual(receipt.datasets, { customers: 1 });
    assert.deepEqual(receipt.downstream_queued, ['meta_audience']);
  } finally {
    await s.pg.close();
  }
});

test('a store written before identifiers were indexed still erases by a second email', async () => {
  const s = await openScenario();
  await ingest(s.pg.ctx, 'web', itemsFromBatch(BATCH, 'body'), { actor: 'test' });
  await s.pg.close();
  const version = SQLITE_MIGRATIONS.find((m) => m.sql.includes('TABLE record_identifiers'))?.version;
  assert.ok(version);
  const db = new Database(s.db);
  db.exec(`DROP TABLE record_identifiers; DELETE FROM schema_migrations WHERE version = ${version};`);
  db.close();
  const pg = await PurposeGuard.open({ policy: s.policy, db: s.db });
  try {
    const receipt = await pg.forget({ email: 'bo@example.com', actor: 'test' });
    assert.equal(receipt.total_rows, 1);
    const again = await pg.forget({ phone: '+1 650 555 0100', actor: 'test' });
    assert.equal(again.total_rows, 1);
    assert.deepEqual(await eventIds(pg), ['someone-else']);
  } finally {
    await pg.close();
  }
});
