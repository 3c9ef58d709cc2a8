import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PurposeGuardError } from '../src/errors.js';
import type { LabelClass } from '../src/label.js';
import type { Store } from '../src/store/store.js';
import { allRows, fixture, openEngine } from './support.js';
import type { TestEngine } from './support.js';

const purchase = (source: string): LabelClass => ({
  purposes: source === 'web-b' ? ['ads', 'ai.training'] : ['ads', 'ai.training', 'analytics.external'],
  categories: [], source, jurisdiction: 'US', flags: [],
});
const pageView: LabelClass = {
  purposes: ['ads.measurement'], categories: [], source: 'web-a', jurisdiction: 'US', flags: [],
};
const euPurchase: LabelClass = { ...purchase('web-a'), jurisdiction: 'DE' };

let t: TestEngine;

async function put(owner: string, label: LabelClass, subject: string, note: string): Promise<void> {
  const labelId = await t.pg.ctx.labelId(label);
  await t.pg.store.commit({
    records: [{
      dataset: 'events', owner, labelId, subjects: [subject], collectedAt: 1,
      expiresAt: null, dedupeKey: null, json: JSON.stringify({ note }),
    }],
    audit: [],
  });
}

async function decisions(): Promise<Record<string, unknown>[]> {
  const entries = await t.pg.store.readAudit({ afterSeq: 0, limit: 1000 });
  return entries.filter((e) => e.kind === 'decision').map((e) => ({ ...e.data }));
}

async function notes(processor: string, purpose: string): Promise<string[]> {
  const rows = await allRows(t.pg.read({ processor, purpose, dataset: 'events' }));
  return rows.map((r) => (JSON.parse(r.json) as { note: string }).note).sort();
}

before(async () => {
  t = await openEngine(fixture('two-owners.yaml'));
  await put('shop-a', purchase('web-a'), 'subject-1', 'a-purchase-1');
  await put('shop-a', purchase('web-a'), 'subject-2', 'a-purchase-2');
  await put('shop-a', pageView, 'subject-1', 'a-pageview');
  await put('shop-a', euPurchase, 'subject-3', 'a-purchase-eu');
  await put('shop-b', purchase('web-b'), 'subject-1', 'b-purchase');
});

after(async () => {
  await t.pg.close();
});

describe('purpose-checked reads', () => {
  const table: { processor: string; purpose: string; expected: string[] | 'denied' }[] = [
    { processor: 'ranker-a', purpose: 'ads.optimization', expected: ['a-purchase-1', 'a-purchase-2', 'a-purchase-eu'] },
    { processor: 'measurer-a', purpose: 'ads.measurement', expected: ['a-pageview', 'a-purchase-1', 'a-purchase-2', 'a-purchase-eu'] },
    { processor: 'measurer-a', purpose: 'ads', expected: ['a-purchase-1', 'a-purchase-2', 'a-purchase-eu'] },
    { processor: 'ranker-b', purpose: 'ads.optimization', expected: ['b-purchase'] },
    { processor: 'ranker-a', purpose: 'ai.training', expected: 'denied' },
    { processor: 'ranker-a', purpose: 'ads.measurement', expected: 'denied' },
    { processor: 'ranker-a', purpose: 'ads', expected: 'denied' },
    { processor: 'nobody', purpose: 'ads.optimization', expected: 'denied' },
    { processor: 'ranker-a', purpose: 'no.such.purpose', expected: 'denied' },
  ];
  for (const row of table) {
    test(`${row.processor} reading for ${row.purpose}`, async () => {
      if (row.expected === 'denied') {
        await assert.rejects(notes(row.processor, row.purpose), (e: unknown) =>
          e instanceof PurposeGuardError && e.code === 'purpose_denied' && e.exitCode === 3);
      } else {
        assert.deepEqual(await notes(row.processor, row.purpose), row.expected);
      }
    });
  }

  test('a processor registered for a parent purpose may declare a child', () => {
    const check = t.pg.guard.authorize({ processor: 'measurer-a', purpose: 'ads.optimization' });
    assert.equal(check.allowed, true);
  });

  test('a denial names the processor and the purpose', async () => {
    await assert.rejects(notes('ranker-a', 'ai.training'), {
      message: "processor 'ranker-a' is not registered for purpose 'ai.training'",
    });
  });

  test('consent: only subjects who granted a requires_consent purpose', async () => {
    assert.deepEqual(await notes('trainer-a', 'ai.training'), []);
    await t.pg.store.commit({
      consents: [{ owner: 'shop-a', subject: 'subject-2', purpose: 'ai.training', status: 'granted', at: 10, source: 'test', evidence: null }],
      audit: [],
    });
    assert.deepEqual(await notes('trainer-a', 'ai.training'), ['a-purchase-2']);
    await t.pg.store.commit({
      consents: [{ owner: 'shop-a', subject: 'subject-2', purpose: 'ai.training', status: 'withdrawn', at: 11, source: 'test', evidence: null }],
      audit: [],
    });
    assert.deepEqual(await notes('trainer-a', 'ai.training'), []);
  });

  test('consent by jurisdiction: required for EU records only', async () => {
    assert.deepEqual(await notes('bi-a', 'analytics.external'), ['a-purchase-1', 'a-purchase-2']);
  });

  test('consent of another owner does not count', async () => {
    await t.pg.store.commit({
      consents: [{ owner: 'shop-b', subject: 'subject-1', purpose: 'ai.training', status: 'granted', at: 12, source: 'test', evidence: null }],
      audit: [],
    });
    assert.deepEqual(await notes('trainer-a', 'ai.training'), []);
  });
});

describe('audit of decisions', () => {
  test('every allowed and denied read is audited with its row count, never rows', async () => {
    const before = (await decisions()).length;
    await notes('ranker-a', 'ads.optimization');
    await notes('ranker-a', 'ai.training').catch(() => undefined);
    const entries = (await decisions()).slice(before);
    assert.deepEqual(entries.map((e) => [e['processor'], e['purpose'], e['dataset'], e['outcome'], e['rows']]), [
      ['ranker-a', 'ads.optimization', 'events', 'allow', 3],
      ['ranker-a', 'ai.training', 'events', 'deny', 0],
    ]);
    assert.equal(entries[1]?.['rule'], 'not_registered');
    assert.doesNotMatch(JSON.stringify(entries), /a-purchase|subject-/);
  });
});

describe('fail closed', () => {
  test('an error while deciding is a denial, and audited as one', async () => {
    const store = t.pg.store as Store & { labelsAfter: Store['labelsAfter'] };
    const original = store.labelsAfter.bind(store);
    store.labelsAfter = async () => {
      throw new Error('label table unreadable');
    };
    try {
      await assert.rejects(notes('ranker-a', 'ads.optimization'), (e: unknown) =>
        e instanceof PurposeGuardError && e.code === 'purpose_denied');
    } finally {
      store.labelsAfter = original;
    }
    const last = (await decisions()).at(-1);
    assert.equal(last?.['outcome'], 'deny');
    assert.equal(last?.['rule'], 'error');
  });

  test('an unknown label id allows nothing', () => {
    const check = t.pg.guard.prepare({ processor: 'ranker-a', purpose: 'ads.optimization' });
    assert.equal(check.decide({ labelId: 99_999, subject: null }).allowed, false);
  });
});
