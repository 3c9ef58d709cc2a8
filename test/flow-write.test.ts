import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import { PurposeGuardError } from '../src/errors.js';
import { compilePolicy } from '../src/policy/policy-compiler.js';
import type { AuditEntry } from '../src/store/store.js';
import {
  EMAILS, FLOW_POLICY, grant, idOf, readAs, seedExample, storedRows, subjectOf,
} from './flow-support.js';
import { derivedFrom } from './flow-support.js';
import { openEngine } from './support.js';
import type { DerivedRow } from '../src/flow/derived-rows.js';
import type { TestEngine } from './support.js';

let t: TestEngine;

afterEach(async () => {
  await t.pg.close();
});

async function seeded(policy: string = FLOW_POLICY): Promise<TestEngine> {
  t = await openEngine(policy);
  await seedExample(t.pg);
  return t;
}

async function audit(pg: PurposeGuard): Promise<AuditEntry[]> {
  return pg.store.readAudit({ afterSeq: 0, limit: 10_000 });
}

function flowError(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof PurposeGuardError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  };
}

describe('the label of a derived row', () => {
  it('is the meet of its sources: purposes of all, categories, subjects, earliest expiry', async () => {
    const { pg } = await seeded();
    const events = await readAs(pg, 'lookalike-builder', 'ads.audience.lookalike', 'events');
    const customers = await readAs(pg, 'lookalike-builder', 'ads.audience.lookalike', 'customers');
    const event = idOf(events, EMAILS.mina);
    const customer = idOf(customers, EMAILS.omar);
    const result = await pg.write({
      processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'lookalike_seeds',
      rows: [{ from: [event, customer], data: { seed: 1 } }],
    });
    assert.equal(result.outcome, 'allowed');
    assert.deepEqual(result.inputs, ['customers', 'events']);
    const [row] = await readAs(pg, 'lookalike-builder', 'ads.audience.lookalike', 'lookalike_seeds');
    assert.ok(row);
    const sources = await pg.store.recordsById('acme', [event, customer]);
    const sourceLabels = sources.map((s) => pg.guard.labels.get(s.labelId)?.label);
    assert.deepEqual(row.label.purposes, ['ads.audience.lookalike']);
    const categories = [...new Set(sourceLabels.flatMap((l) => l?.categories ?? []))].sort();
    assert.deepEqual(row.label.categories, categories);
    assert.ok(categories.includes('user.behavior.purchase') && categories.includes('user.name'));
    assert.equal(row.label.source, 'derived:lookalike_seeds');
    assert.equal(row.label.jurisdiction, 'US');
    assert.deepEqual(row.subjects, [subjectOf(EMAILS.mina), subjectOf(EMAILS.omar)].sort());
    const expiries = sources.map((s) => s.expiresAt ?? Infinity);
    assert.notEqual(expiries[0], expiries[1], 'events and customers keep data for different times');
    assert.equal(row.expiresAt, Math.min(...expiries));
    assert.deepEqual(JSON.parse(row.json), { seed: 1 });
  });

  it('of sources in several jurisdictions needs consent wherever any source does', async () => {
    const { pg } = await seeded();
    const events = await readAs(pg, 'ads-ranker', 'ads.optimization', 'events');
    const us = idOf(events, EMAILS.mina);
    const es = idOf(events, EMAILS.ines);
    const request = {
      processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'lookalike_seeds',
      rows: [{ from: [us, es], data: { pair: true } }],
    };
    await assert.rejects(pg.write(request), (error) => {
      assert.ok(error instanceof PurposeGuardError);
      assert.equal(error.code, 'flow_violation');
      assert.match(error.issues[0]?.message ?? '', /2 of the row's 2 data subject\(s\).*'ads\.audience\.lookalike'/);
      return true;
    });
    await grant(pg, EMAILS.mina, 'ads.audience.lookalike');
    await grant(pg, EMAILS.ines, 'ads.audience.lookalike');
    const result = await pg.write(request);
    assert.equal(result.outcome, 'allowed');
    const [stored] = await pg.store.recordsById('acme', result.recordIds);
    assert.equal(pg.guard.labels.get(stored?.labelId ?? 0)?.label.jurisdiction, 'ES+US');
  });

  it('ignores a label the caller sends along', async () => {
    const { pg } = await seeded();
    const customers = await readAs(pg, 'lookalike-builder', 'ads.audience.lookalike', 'customers');
    const forged = { purposes: ['ai.training'], categories: [], source: 'web', jurisdiction: 'US', flags: [] };
    // a line of `read` output with its label edited
    const row = { id: idOf(customers, EMAILS.mina), data: { x: 1 }, label: forged } as unknown as DerivedRow;
    await assert.rejects(pg.write({
      processor: 'model-trainer', purpose: 'ai.training', dataset: 'ai_corpus', rows: [row],
    }), flowError('flow_violation'));
    assert.equal(await storedRows(pg, 'ai_corpus'), 0);
    const seeds = await pg.write({
      processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'lookalike_seeds',
      rows: [row],
    });
    const [stored] = await pg.store.recordsById('acme', seeds.recordIds);
    const label = pg.guard.labels.get(stored?.labelId ?? 0)?.label;
    assert.deepEqual(label?.purposes, ['ads.audience.custom', 'ads.audience.lookalike']);
  });
});

describe('the flow check', () => {
  it('lets the lookalike builder write the events it reads into lookalike_seeds', async () => {
    const { pg, events } = await seeded();
    const rows = derivedFrom(await readAs(pg, 'lookalike-builder', 'ads.audience.lookalike', 'events'));
    assert.ok(rows.length >= 2);
    const result = await pg.write({
      processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'lookalike_seeds', rows,
    });
    assert.equal(result.outcome, 'allowed');
    assert.equal(result.recordIds.length, rows.length);
    const [flow] = await pg.store.flows({ dataset: 'lookalike_seeds' });
    assert.equal(flow?.outcome, 'allowed');
    assert.equal(flow?.rows, rows.length);
    const entry = (await audit(pg)).find((e) => e.kind === 'flow');
    assert.equal(entry?.data['flowId'], flow?.id);
    assert.ok(events.some((e) => e.type === 'flow' && e.outcome === 'allowed'));
  });

  it('denies events of subjects without ai.training consent going into ai_corpus (enforce)', async () => {
    const { pg, events } = await seeded();
    const read = await readAs(pg, 'ads-ranker', 'ads.optimization', 'events');
    const minaId = idOf(read, EMAILS.mina);
    const rows = derivedFrom(read);
    await assert.rejects(pg.write({
      processor: 'model-trainer', purpose: 'ai.training', dataset: 'ai_corpus', rows,
    }), flowError('flow_violation'));
    assert.equal(await storedRows(pg, 'ai_corpus'), 0);
    const [flow] = await pg.store.flows({ dataset: 'ai_corpus' });
    assert.equal(flow?.outcome, 'denied');
    assert.equal(flow?.rows, 0);
    const entry = (await audit(pg)).find((e) => e.kind === 'violation');
    assert.equal(entry?.data['outcome'], 'denied');
    assert.equal(entry?.data['rule'], 'consent_missing');
    assert.equal(entry?.data['violations'], rows.length - 1);
    assert.doesNotMatch(entry?.dataJson ?? '', /@|event_id|demo-order/);
    assert.ok(events.some((e) => e.type === 'flow' && e.outcome === 'denied'));
    const consented = rows.filter((r) => r.from[0] === minaId);
    const ok = await pg.write({
      processor: 'model-trainer', purpose: 'ai.training', dataset: 'ai_corpus', rows: consented,
    });
    assert.equal(ok.outcome, 'allowed');
  });

  it('writes and records a violation in a dataset in log mode', async () => {
    const { pg, events } = await seeded();
    const rows = derivedFrom(await readAs(pg, 'ads-ranker', 'ads.optimization', 'events'));
    const result = await pg.write({
      processor: 'model-trainer', purpose: 'ai.training', dataset: 'ai_corpus_trial', rows,
    });
    assert.equal(result.outcome, 'violation');
    assert.equal(result.recordIds.length, rows.length);
    assert.equal(result.violations.length, rows.length - 1);
    assert.equal(await storedRows(pg, 'ai_corpus_trial'), rows.length);
    const [flow] = await pg.store.flows({ dataset: 'ai_corpus_trial' });
    assert.equal(flow?.outcome, 'violation');
    const entry = (await audit(pg)).find((e) => e.kind === 'violation');
    assert.equal(entry?.data['outcome'], 'violation');
    assert.equal(entry?.data['mode'], 'log');
    assert.ok(events.some((e) => e.type === 'flow' && e.outcome === 'violation'));
  });

  it('follows the policy-wide log mode', async () => {
    const text = readFileSync(FLOW_POLICY, 'utf8').replace('mode: enforce', 'mode: log');
    const { pg } = await seeded();
    await pg.close();
    t = { ...t, pg: await PurposeGuard.open({ policy: compilePolicy(text), db: `${t.dir}/test.db` }) };
    const rows = derivedFrom(await readAs(t.pg, 'ads-ranker', 'ads.optimization', 'events'));
    const result = await t.pg.write({
      processor: 'model-trainer', purpose: 'ai.training', dataset: 'ai_corpus', rows,
    });
    assert.equal(result.outcome, 'violation');
    assert.equal(await storedRows(t.pg, 'ai_corpus'), rows.length);
  });

  it('denies a processor writing for a purpose it is not registered for', async () => {
    const { pg } = await seeded();
    const rows = derivedFrom(await readAs(pg, 'ads-ranker', 'ads.optimization', 'events'));
    await assert.rejects(pg.write({
      processor: 'ads-ranker', purpose: 'ai.training', dataset: 'ai_corpus', rows,
    }), flowError('purpose_denied'));
    const entry = (await audit(pg)).find((e) => e.kind === 'violation');
    assert.equal(entry?.data['rule'], 'not_registered');
    assert.equal(await storedRows(pg, 'ai_corpus'), 0);
  });

  it('denies writing into a raw dataset', async () => {
    const { pg } = await seeded();
    const rows = derivedFrom(await readAs(pg, 'lookalike-builder', 'ads.audience.lookalike', 'events'));
    const before = await storedRows(pg, 'events');
    await assert.rejects(pg.write({
      processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'events', rows,
    }), flowError('flow_violation'));
    assert.equal(await storedRows(pg, 'events'), before);
  });

  it('refuses source ids of another owner or of no record, storing nothing', async () => {
    const { pg } = await seeded();
    await pg.ctx.store.commit({ audit: [] });
    const { ingest } = await import('../src/collection/ingest.js');
    await ingest(pg.ctx, 'globex-web', [{ index: 0, kind: 'event', value: {
      event_name: 'Purchase', event_time: 1796371200, event_id: 'g-1', action_source: 'website',
      user_data: { em: ['someone@example.net'] },
    } }], { actor: 'test' });
    const [globex] = await pg.store.datasetCounts('globex');
    assert.equal(globex?.rows, 1);
    const mine = await readAs(pg, 'lookalike-builder', 'ads.audience.lookalike', 'events');
    const mineIds = new Set(mine.map((r) => r.id));
    const all = await pg.store.recordsById('globex', Array.from({ length: 20 }, (_, i) => i + 1));
    const foreign = all[0]?.id ?? 0;
    assert.ok(foreign > 0 && !mineIds.has(foreign));
    for (const from of [[foreign], [999_999], [mine[0]?.id ?? 0, foreign]]) {
      await assert.rejects(pg.write({
        processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'lookalike_seeds',
        rows: [{ from, data: {} }],
      }), (error) => {
        assert.ok(error instanceof PurposeGuardError);
        assert.equal(error.code, 'invalid_request');
        assert.match(error.issues[0]?.path ?? '', /^rows\[0\]\.from\[\d\]$/);
        return true;
      });
    }
    assert.equal(await storedRows(pg, 'lookalike_seeds'), 0);
    assert.deepEqual(await pg.store.flows({ dataset: 'lookalike_seeds' }), []);
  });

  const badRows: { name: string; rows: unknown }[] = [
    { name: 'no rows', rows: [] },
    { name: 'a row without from', rows: [{ data: {} }] },
    { name: 'a row without data', rows: [{ from: [1] }] },
    { name: 'a negative id', rows: [{ from: [-1], data: {} }] },
    { name: 'a string id', rows: [{ from: ['1'], data: {} }] },
    { name: 'rows that are not a list', rows: { from: [1], data: {} } },
  ];
  for (const bad of badRows) {
    it(`refuses ${bad.name} as invalid_request`, async () => {
      const { pg } = await seeded();
      await assert.rejects(pg.write({
        processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'lookalike_seeds',
        rows: bad.rows as never,
      }), flowError('invalid_request'));
      assert.deepEqual(await pg.store.flows({}), []);
    });
  }
});

describe('reclassification', () => {
  async function eventRows(pg: PurposeGuard): Promise<number[]> {
    const rows = await readAs(pg, 'ads-ranker', 'ads.optimization', 'events');
    return rows.map((r) => r.id);
  }

  it('widens the label through the declaration, audited with its justification', async () => {
    const { pg } = await seeded();
    const from = await eventRows(pg);
    const result = await pg.write({
      processor: 'bi-export', purpose: 'analytics.external', dataset: 'bi_totals',
      reclassification: 'daily_totals', rows: [{ from, data: { day: '2026-12-04', orders: 3 } }],
    });
    assert.equal(result.outcome, 'allowed');
    assert.equal(result.reclassification, 'daily_totals');
    const [row] = await readAs(pg, 'bi-export', 'analytics.external', 'bi_totals');
    assert.ok(row, 'the aggregate is readable without per-subject consent');
    assert.deepEqual(row.label.purposes, ['analytics.external']);
    assert.deepEqual(row.label.flags, ['reclassified:daily_totals']);
    assert.deepEqual(row.subjects, []);
    const entry = (await audit(pg)).find((e) => e.kind === 'reclassification');
    assert.equal(entry?.data['justification'], 'daily totals over at least three customers identify no one');
    assert.equal(entry?.data['minSubjects'], 3);
    assert.equal(entry?.data['flowId'], result.flowId);
    const [flow] = await pg.store.flows({ dataset: 'bi_totals' });
    assert.equal(flow?.reclassification, 'daily_totals');
  });

  it('is refused without the declaration', async () => {
    const { pg } = await seeded();
    const from = await eventRows(pg);
    await assert.rejects(pg.write({
      processor: 'bi-export', purpose: 'analytics.external', dataset: 'bi_totals',
      rows: [{ from, data: { orders: 3 } }],
    }), flowError('flow_violation'));
    assert.equal(await storedRows(pg, 'bi_totals'), 0);
  });

  it('is refused under min_subjects, in log mode too', async () => {
    const text = readFileSync(FLOW_POLICY, 'utf8').replace('mode: enforce', 'mode: log');
    t = await openEngine(FLOW_POLICY);
    await t.pg.close();
    t = { ...t, pg: await PurposeGuard.open({ policy: compilePolicy(text), db: `${t.dir}/test.db` }) };
    await seedExample(t.pg);
    const rows = await readAs(t.pg, 'ads-ranker', 'ads.optimization', 'events');
    const two = [idOf(rows, EMAILS.mina), idOf(rows, EMAILS.ines)];
    await assert.rejects(t.pg.write({
      processor: 'bi-export', purpose: 'analytics.external', dataset: 'bi_totals',
      reclassification: 'daily_totals', rows: [{ from: two, data: { orders: 2 } }],
    }), (error) => {
      assert.ok(error instanceof PurposeGuardError);
      assert.equal(error.code, 'flow_violation');
      assert.equal(error.issues[0]?.code, 'reclassification_refused');
      assert.match(error.message, /covers 2 distinct data subject\(s\).*at least 3/);
      return true;
    });
    assert.equal(await storedRows(t.pg, 'bi_totals'), 0);
  });

  it('is refused when the policy declares no such reclassification', async () => {
    const { pg } = await seeded();
    const from = await eventRows(pg);
    await assert.rejects(pg.write({
      processor: 'bi-export', purpose: 'analytics.external', dataset: 'bi_totals',
      reclassification: 'weekly_totals', rows: [{ from, data: {} }],
    }), flowError('flow_violation'));
    assert.equal((await audit(pg)).filter((e) => e.kind === 'reclassification').length, 0);
  });
});

describe('erasure through derived rows', () => {
  it('removes the rows a subject\'s records were written into, at every depth', async () => {
    const { pg } = await seeded();
    const events = await readAs(pg, 'ads-ranker', 'ads.optimization', 'events');
    const mina = idOf(events, EMAILS.mina);
    const omar = idOf(events, EMAILS.omar);
    const seeds = await pg.write({
      processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'lookalike_seeds',
      rows: [{ from: [mina], data: { a: 1 } }, { from: [omar], data: { b: 1 } }],
    });
    const corpus = await pg.write({
      processor: 'model-trainer', purpose: 'ai.training', dataset: 'ai_corpus',
      rows: [{ from: [mina], data: { c: 1 } }],
    });
    const totals = await pg.write({
      processor: 'bi-export', purpose: 'analytics.external', dataset: 'bi_totals',
      reclassification: 'daily_totals',
      rows: [{ from: [...corpus.recordIds, ...events.map((e) => e.id)], data: { n: 4 } }],
    });
    assert.equal(totals.recordIds.length, 1);
    const before = await pg.subjectLineage(EMAILS.mina);
    assert.deepEqual(before.datasets.map((d) => d.dataset), ['ai_corpus', 'customers', 'events', 'lookalike_seeds']);
    const result = await pg.store.erase({
      owner: 'acme', subject: subjectOf(EMAILS.mina), now: Date.now(), destinations: [],
      audit: (counts) => ({ kind: 'erasure', actor: 'test', owner: 'acme', data: { ...counts } }),
    });
    // derived rows naming the subject go directly; the aggregate, which names
    // no one, goes because lineage edges lead to it
    assert.deepEqual(result.rows, { ai_corpus: 1, customers: 1, events: 1, lookalike_seeds: 1 });
    assert.deepEqual(result.derivedRows, { bi_totals: 1 });
    assert.deepEqual((await pg.subjectLineage(EMAILS.mina)).datasets, []);
    const left = await pg.store.recordsById('acme', [...seeds.recordIds, ...corpus.recordIds, ...totals.recordIds]);
    assert.deepEqual(left.map((r) => r.id), [seeds.recordIds[1]]);
  });
});
