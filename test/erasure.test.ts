import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { PurposeGuard } from '../src/engine/purposeguard.js';
import type { ErasureReceipt } from '../src/erasure/erasure-receipt.js';
import { createApp } from '../src/server/app.js';
import type { NewFlow, StoredRecord } from '../src/store/store.js';
import { subjectRef } from '../src/subject/subject-ref.js';
import { cli, counts, emailSubject, eventIds, ingestExamples, openScenario } from './erasure-support.js';
import type { Scenario } from './erasure-support.js';

const MINA = 'mina.lee@example.com';
const OMAR = 'omar.haddad@example.org';
const INES_PHONE = '+34 612 345 678';
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);

async function rawRecords(pg: PurposeGuard): Promise<StoredRecord[]> {
  const ids = Array.from({ length: 40 }, (_, i) => i + 1);
  return (await pg.store.recordsById('acme', ids)).filter((r) => r.dataset === 'events' || r.dataset === 'customers');
}

function flowInto(output: string, inputs: string[], processor: string, purpose: string): NewFlow {
  return {
    owner: 'acme', processor, purpose, inputs, output, outcome: 'allowed',
    outputPurposes: [purpose], reclassification: null, at: T0,
  };
}

/**
 * Derived rows as a processor would write them: one lookalike seed per
 * subject (from their events and customer rows), one seed pooled from
 * everyone, one AI-corpus row per event.
 */
async function deriveRows(pg: PurposeGuard): Promise<void> {
  const raw = await rawRecords(pg);
  const label = await pg.ctx.labelId({
    purposes: ['ads.audience.lookalike'], categories: [], source: 'derived:lookalike_seeds', jurisdiction: 'US', flags: [],
  });
  const bySubject = new Map<string, number[]>();
  for (const r of raw) {
    const subject = r.subjects[0];
    if (subject !== undefined) bySubject.set(subject, [...(bySubject.get(subject) ?? []), r.id]);
  }
  const seed = (subjects: string[], sources: number[]): Parameters<typeof pg.store.commit>[0]['records'] & object => [{
    dataset: 'lookalike_seeds', owner: 'acme', labelId: label, subjects, collectedAt: T0,
    expiresAt: null, dedupeKey: null, json: '{"seed":true}', sources,
  }];
  for (const [subject, sources] of bySubject) {
    await pg.store.commit({ flow: flowInto('lookalike_seeds', ['events', 'customers'], 'lookalike-builder', 'ads.audience.lookalike'), records: seed([subject], sources), audit: [] });
  }
  await pg.store.commit({
    flow: flowInto('lookalike_seeds', ['events', 'customers'], 'lookalike-builder', 'ads.audience.lookalike'),
    records: seed([], raw.map((r) => r.id)), audit: [],
  });
  const aiLabel = await pg.ctx.labelId({
    purposes: ['ai.training'], categories: [], source: 'derived:ai_corpus', jurisdiction: 'US', flags: [],
  });
  await pg.store.commit({
    flow: flowInto('ai_corpus', ['events'], 'model-trainer', 'ai.training'),
    records: raw.filter((r) => r.dataset === 'events').map((r) => ({
      dataset: 'ai_corpus', owner: 'acme', labelId: aiLabel, subjects: r.subjects, collectedAt: T0,
      expiresAt: null, dedupeKey: null, json: '{"tokens":3}', sources: [r.id],
    })),
    audit: [],
  });
}

function removed(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [dataset, n] of Object.entries(before)) {
    const gone = n - (after[dataset] ?? 0);
    if (gone > 0) out[dataset] = gone;
  }
  return out;
}

function receiptRows(receipt: ErasureReceipt): Record<string, number> {
  const out: Record<string, number> = { ...receipt.datasets };
  for (const [d, n] of Object.entries(receipt.derived)) out[d] = (out[d] ?? 0) + n;
  return out;
}

describe('erasure', () => {
  let s: Scenario;

  before(async () => {
    s = await openScenario({ now: () => T0 });
    await ingestExamples(s.pg);
    await deriveRows(s.pg);
  });

  after(async () => {
    await s.pg.close();
  });

  test('forget removes the subject from raw and derived datasets; the receipt counts what went', async () => {
    const mina = emailSubject(MINA);
    const before = await counts(s.pg);
    assert.deepEqual(before, { ai_corpus: 5, customers: 3, events: 5, lookalike_seeds: 6 });
    const receipt = await s.pg.forget({ email: ' Mina.Lee@Example.com', actor: 'test' });
    const after = await counts(s.pg);
    assert.deepEqual(receiptRows(receipt), removed(before, after));
    assert.deepEqual(receipt.datasets, { events: 1, customers: 1, ai_corpus: 1, lookalike_seeds: 1 });
    assert.deepEqual(receipt.derived, { lookalike_seeds: 1 }, 'the pooled seed, found through lineage');
    assert.equal(receipt.total_rows, 5);
    assert.equal(receipt.consent_records, 1);
    assert.deepEqual(receipt.downstream_queued, ['meta_audience']);
    assert.equal(receipt.at, new Date(T0).toISOString());
    assert.deepEqual(await s.pg.store.subjectDatasets('acme', mina), []);
    assert.deepEqual((await s.pg.consentOf({ email: MINA })).purposes, []);
    assert.deepEqual(await eventIds(s.pg, 'ads-ranker', 'ads.optimization'), ['demo-cart-1', 'demo-order-2', 'demo-view-1']);
    const omar = await s.pg.store.subjectDatasets('acme', emailSubject(OMAR));
    assert.deepEqual(omar.map((d) => [d.dataset, d.rows]), [['ai_corpus', 2], ['customers', 1], ['events', 2], ['lookalike_seeds', 1]]);
  });

  test('the erasure is audited from the counts, with a reference and no identifier', async () => {
    const entries = (await s.pg.store.readAudit({ afterSeq: 0, limit: 1000 })).filter((e) => e.kind === 'erasure');
    assert.equal(entries.length, 1);
    const data = entries[0]?.data ?? {};
    assert.equal(data['subject_ref'], subjectRef(emailSubject(MINA)));
    assert.deepEqual(data['rows'], { events: 1, customers: 1, ai_corpus: 1, lookalike_seeds: 1 });
    assert.deepEqual(data['derived_rows'], { lookalike_seeds: 1 });
    assert.ok(!JSON.stringify(entries).includes(emailSubject(MINA)));
    assert.doesNotMatch(JSON.stringify(entries), /mina/i);
  });

  test('the removal is queued for the destination, the subject shown only as a reference', async () => {
    const view = await s.pg.outbox();
    assert.equal(view.pending, 1);
    assert.deepEqual(view.items.map((i) => [i.destination, i.subject_ref, i.attempts]), [
      ['meta_audience', subjectRef(emailSubject(MINA)), 0],
    ]);
    assert.ok(!JSON.stringify(view).includes(emailSubject(MINA)));
  });

  test('POST /v1/erasure by phone erases a customer known only by phone', async () => {
    const app = createApp(s.pg);
    const before = await counts(s.pg);
    const res = await app.request('/v1/erasure', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-admin' },
      body: JSON.stringify({ phone: INES_PHONE }),
    });
    assert.equal(res.status, 200);
    const receipt = (await res.json()) as ErasureReceipt;
    assert.deepEqual(receiptRows(receipt), removed(before, await counts(s.pg)));
    assert.deepEqual(receipt.datasets, { customers: 1, lookalike_seeds: 1 });
    assert.deepEqual(receipt.derived, {}, 'the pooled seed went with the first erasure');
    const denied = await app.request('/v1/erasure', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ads-ranker' },
      body: JSON.stringify({ phone: INES_PHONE }),
    });
    assert.equal(denied.status, 403);
  });

  test('forget through the CLI prints the receipt; a subject with nothing left erases nothing', async () => {
    const before = await counts(s.pg);
    const out = await cli(s, ['forget', '--email', OMAR]);
    assert.equal(out.code, 0, out.stderr);
    const receipt = JSON.parse(out.stdout) as ErasureReceipt;
    assert.deepEqual(receiptRows(receipt), removed(before, await counts(s.pg)));
    assert.deepEqual(receipt.datasets, { events: 2, customers: 1, ai_corpus: 2, lookalike_seeds: 1 });
    assert.ok(receipt.erasure_id > 0);
    assert.ok(!out.stdout.includes(OMAR));
    const again = JSON.parse((await cli(s, ['forget', '--email', OMAR])).stdout) as ErasureReceipt;
    assert.equal(again.total_rows, 0);
    assert.deepEqual(again.downstream_queued, []);
    assert.equal((await cli(s, ['forget'])).code, 1);
  });
});

describe('retention expiry', () => {
  let s: Scenario;
  let now = T0;

  before(async () => {
    s = await openScenario({ now: () => now });
    await ingestExamples(s.pg);
    await deriveRows(s.pg);
  });

  after(async () => {
    await s.pg.close();
  });

  test('nothing expires before its time', async () => {
    now = T0 + 364 * DAY;
    const receipt = await s.pg.expire({ actor: 'test' });
    assert.equal(receipt.total_rows, 0);
  });

  test('after 365 days the EU event goes with what was derived from it; the rest stays', async () => {
    now = T0 + 366 * DAY;
    const before = await counts(s.pg);
    const receipt = await s.pg.expire({ actor: 'test' });
    assert.deepEqual(receiptRows(receipt), removed(before, await counts(s.pg)));
    assert.deepEqual(receipt.datasets, { events: 1 });
    assert.deepEqual(receipt.derived, { ai_corpus: 1, lookalike_seeds: 2 });
    assert.equal(receipt.kind, 'expiry');
    assert.deepEqual(await eventIds(s.pg, 'ads-ranker', 'ads.optimization'), ['demo-cart-1', 'demo-order-1', 'demo-order-2']);
  });

  test('after 400 days every web event is gone over HTTP; customer lists (730 days) stay', async () => {
    now = T0 + 401 * DAY;
    const app = createApp(s.pg);
    const res = await app.request('/v1/expire', { method: 'POST', headers: { authorization: 'Bearer demo-admin' } });
    assert.equal(res.status, 200);
    const receipt = (await res.json()) as ErasureReceipt;
    assert.equal(receipt.datasets['events'], 4);
    const left = await counts(s.pg);
    assert.equal(left['events'], undefined);
    assert.equal(left['customers'], 3);
    const audit = (await s.pg.store.readAudit({ afterSeq: 0, limit: 1000 })).filter((e) => e.kind === 'expiry');
    assert.equal(audit.length, 3);
  });

  test('expire through the CLI prints a receipt', async () => {
    const out = await cli(s, ['expire']);
    assert.equal(out.code, 0, out.stderr);
    const receipt = JSON.parse(out.stdout) as ErasureReceipt;
    assert.equal(receipt.kind, 'expiry');
    assert.equal(receipt.total_rows, 0);
  });
});
