import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/server/app.js';
import type { RunEvent } from '../src/lineage/openlineage-types.js';
import { policyDiff } from '../src/replay/policy-diff.js';
import { compilePolicy, loadPolicyFile } from '../src/policy/policy-compiler.js';
import {
  derivedFrom, EMAILS, FLOW_POLICY, idOf, readAs, runCli, seedExample, storedRows,
} from './flow-support.js';
import { assertValidEvent } from './openlineage-schema.js';
import { openEngine } from './support.js';
import type { TestEngine } from './support.js';

let t: TestEngine;
let app: ReturnType<typeof createApp>;
let db: string;

const bearer = (token: string): Record<string, string> =>
  ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });

async function post(path: string, body: unknown, token: string): Promise<Response> {
  return app.request(path, { method: 'POST', headers: bearer(token), body: JSON.stringify(body) });
}

async function get(path: string, token: string): Promise<Response> {
  return app.request(path, { headers: { authorization: `Bearer ${token}` } });
}

function cli(args: readonly string[], stdin = ''): ReturnType<typeof runCli> {
  return runCli([...args, '--policy', FLOW_POLICY, '--db', db], t.dir, stdin);
}

before(async () => {
  t = await openEngine(FLOW_POLICY);
  db = join(t.dir, 'test.db');
  app = createApp(t.pg);
  await seedExample(t.pg);
});

after(async () => {
  await t.pg.close();
});

describe('purposeguard write', () => {
  it('writes the lines read prints into lookalike_seeds', async () => {
    const read = await cli(['read', '--as', 'lookalike-builder', '--purpose', 'ads.audience.lookalike', 'events']);
    assert.equal(read.code, 0, read.stderr);
    writeFileSync(join(t.dir, 'seeds.jsonl'), read.stdout);
    const run = await cli(['write', '--as', 'lookalike-builder', '--purpose', 'ads.audience.lookalike', '--to', 'lookalike_seeds', 'seeds.jsonl']);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { outcome: string; written: number };
    assert.equal(summary.outcome, 'allowed');
    assert.equal(summary.written, read.stdout.trim().split('\n').length);
  });

  it('exits 3 on a violation in enforce mode and writes nothing', async () => {
    const read = await cli(['read', '--as', 'ads-ranker', '--purpose', 'ads.optimization', 'events']);
    const run = await cli(['write', '--as', 'model-trainer', '--purpose', 'ai.training', '--to', 'ai_corpus', '-'], read.stdout);
    assert.equal(run.code, 3);
    assert.match(run.stderr, /flow denied: \d+ of \d+ row\(s\)/);
    assert.match(run.stderr, /rows\[\d\]: .*not consented to 'ai\.training'/);
    assert.doesNotMatch(run.stderr, /@/);
    assert.equal(await storedRows(t.pg, 'ai_corpus'), 0);
  });

  it('exits 0 and lists the violations in log mode', async () => {
    const read = await cli(['read', '--as', 'ads-ranker', '--purpose', 'ads.optimization', 'events']);
    const run = await cli(['write', '--as', 'model-trainer', '--purpose', 'ai.training', '--to', 'ai_corpus_trial', '-'], read.stdout);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { outcome: string; violations: unknown[] };
    assert.equal(summary.outcome, 'violation');
    assert.ok(summary.violations.length > 0);
  });

  it('takes --reclassify and from lines', async () => {
    const rows = await readAs(t.pg, 'ads-ranker', 'ads.optimization', 'events');
    const line = JSON.stringify({ from: rows.map((r) => r.id), data: { orders: rows.length } });
    const run = await cli(['write', '--as', 'bi-export', '--purpose', 'analytics.external', '--to', 'bi_totals', '--reclassify', 'daily_totals', '-'], `${line}\n`);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { reclassification: string }).reclassification, 'daily_totals');
  });

  it('names the line that is not JSON and exits 1', async () => {
    const run = await cli(['write', '--as', 'lookalike-builder', '--purpose', 'ads.audience.lookalike', '--to', 'lookalike_seeds', '-'], '{"from":[1],"data":{}}\n{oops\n');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /stdin:2: not valid JSON/);
  });
});

describe('POST /v1/datasets/:name/rows', () => {
  it('writes rows for the processor of the token', async () => {
    const rows = await readAs(t.pg, 'lookalike-builder', 'ads.audience.lookalike', 'customers');
    const res = await post('/v1/datasets/lookalike_seeds/rows', {
      purpose: 'ads.audience.lookalike', rows: derivedFrom(rows),
    }, 'demo-lookalike-builder');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { outcome: string; recordIds: number[]; inputs: string[] };
    assert.equal(body.outcome, 'allowed');
    assert.deepEqual(body.inputs, ['customers']);
    assert.equal(body.recordIds.length, rows.length);
  });

  it('is 403 flow_violation for a forged label on rows the sources do not allow', async () => {
    const rows = await readAs(t.pg, 'lookalike-builder', 'ads.audience.lookalike', 'customers');
    const forged = rows.map((r) => ({ id: r.id, data: {}, label: { ...r.label, purposes: ['ai.training'] } }));
    const res = await post('/v1/datasets/ai_corpus/rows', { purpose: 'ai.training', rows: forged }, 'demo-model-trainer');
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { code: string }).code, 'flow_violation');
  });

  const failures: { name: string; token: string; body: unknown; status: number; code: string }[] = [
    { name: 'no known token', token: 'nope', body: { purpose: 'ai.training', rows: [] }, status: 401, code: 'unauthenticated' },
    { name: 'an admin token', token: 'demo-admin', body: { purpose: 'ai.training', rows: [] }, status: 403, code: 'forbidden' },
    { name: 'an unknown field', token: 'demo-model-trainer', body: { purpose: 'ai.training', rows: [], label: {} }, status: 400, code: 'invalid_request' },
    { name: 'no purpose', token: 'demo-model-trainer', body: { rows: [{ from: [1], data: {} }] }, status: 400, code: 'invalid_request' },
    { name: 'an unregistered purpose', token: 'demo-ads-ranker', body: { purpose: 'ai.training', rows: [{ from: [1], data: {} }] }, status: 403, code: 'purpose_denied' },
  ];
  for (const f of failures) {
    it(`is ${f.status} ${f.code} with ${f.name}`, async () => {
      const res = await post('/v1/datasets/ai_corpus/rows', f.body, f.token);
      assert.equal(res.status, f.status);
      assert.equal(((await res.json()) as { code: string }).code, f.code);
    });
  }
});

describe('lineage', () => {
  before(async () => {
    const events = await readAs(t.pg, 'ads-ranker', 'ads.optimization', 'events');
    const corpus = await t.pg.write({
      processor: 'model-trainer', purpose: 'ai.training', dataset: 'ai_corpus',
      rows: [{ from: [idOf(events, EMAILS.mina)], data: { text: 'x' } }],
    });
    await t.pg.write({
      processor: 'bi-export', purpose: 'analytics.external', dataset: 'bi_totals',
      reclassification: 'daily_totals',
      rows: [{ from: [...corpus.recordIds, ...events.map((e) => e.id)], data: { n: 1 } }],
    });
  });

  it('follows a dataset upstream and downstream through derived datasets', async () => {
    const up = await t.pg.lineage('bi_totals');
    assert.deepEqual(up.upstream.map((l) => `${l.input}>${l.output}`), [
      'customers>ai_corpus', 'events>ai_corpus', 'ai_corpus>bi_totals', 'events>bi_totals',
    ]);
    const forged = up.upstream.find((l) => l.input === 'customers');
    assert.deepEqual([forged?.rows, forged?.denied], [0, 1], 'the blocked forged-label write');
    const down = await t.pg.lineage('events');
    const outputs = [...new Set(down.downstream.map((l) => l.output))].sort();
    assert.deepEqual(outputs, ['ai_corpus', 'ai_corpus_trial', 'bi_totals', 'lookalike_seeds']);
    assert.ok(!down.downstream.some((l) => l.input === 'customers'));
    const trial = down.downstream.find((l) => l.output === 'ai_corpus_trial');
    assert.equal(trial?.violations, 1);
    const denied = down.downstream.find((l) => l.output === 'ai_corpus' && l.denied > 0);
    assert.equal(denied?.processor, 'model-trainer');
  });

  it('prints a text tree and Graphviz dot', async () => {
    const text = await cli(['lineage', 'ai_corpus']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ai_corpus \(derived; ai\.training\)\n├─ upstream\n│  ├─ customers → ai_corpus .*: 1 flow, 0 rows, 1 denied\n│  └─ events → ai_corpus by model-trainer for ai\.training: 2 flows, 1 row, 1 denied/);
    assert.match(text.stdout, /└─ downstream\n   └─ ai_corpus → bi_totals by bi-export for analytics\.external/);
    const dot = await cli(['lineage', 'ai_corpus', '--format', 'dot']);
    assert.match(dot.stdout, /^digraph lineage \{/);
    assert.match(dot.stdout, /"events" -> "ai_corpus" \[label="model-trainer\\nai\.training\\n1 row", color=red/);
    const unknown = await cli(['lineage', 'nowhere']);
    assert.equal(unknown.code, 1);
  });

  it('lists every dataset holding a subject\'s data, by email', async () => {
    const lineage = await t.pg.subjectLineage(' Mina.Lee@Example.com ');
    assert.deepEqual(lineage.datasets.map((d) => `${d.dataset}:${d.kind}`), [
      'ai_corpus:derived', 'ai_corpus_trial:derived', 'customers:raw', 'events:raw', 'lookalike_seeds:derived',
    ]);
    const run = await cli(['lineage', '--email', EMAILS.omar]);
    assert.match(run.stdout, /acme\/lookalike_seeds \(derived\): \d+ rows?\n/);
    assert.doesNotMatch(run.stdout, /omar/);
    const res = await get(`/v1/lineage/subject?email=${encodeURIComponent(EMAILS.mina)}`, 'demo-admin');
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as typeof lineage).datasets, lineage.datasets);
  });

  it('serves the graph to the admin only', async () => {
    assert.equal((await get('/v1/lineage/graph', 'demo-model-trainer')).status, 403);
    const res = await get('/v1/lineage/graph', 'demo-admin');
    assert.equal(res.status, 200);
    const graph = (await res.json()) as { nodes: { id: string; kind: string; purposes: string[] }[]; edges: { from: string; to: string; processor: string | null; rows: number; violation: boolean }[] };
    const node = (id: string): { kind: string; purposes: string[] } | undefined => graph.nodes.find((n) => n.id === id);
    assert.equal(node('dataset:events')?.kind, 'raw');
    assert.deepEqual(node('dataset:ai_corpus')?.purposes, ['ai.training']);
    assert.equal(node('source:web')?.kind, 'source');
    assert.equal(node('processor:bi-export')?.kind, 'processor');
    const edge = graph.edges.find((e) => e.from === 'dataset:ai_corpus' && e.to === 'dataset:bi_totals');
    assert.deepEqual([edge?.processor, edge?.rows, edge?.violation], ['bi-export', 1, false]);
    assert.ok(graph.edges.some((e) => e.to === 'dataset:ai_corpus_trial' && e.violation));
    const upstream = await get('/v1/lineage/datasets/bi_totals', 'demo-admin');
    assert.equal(((await upstream.json()) as { upstream: unknown[] }).upstream.length, 4);
  });

  it('exports the recorded flows as valid OpenLineage run events', async () => {
    const res = await get('/v1/lineage/openlineage', 'demo-admin');
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    const flows = await t.pg.store.flows({});
    assert.equal(lines.length, flows.length);
    for (const event of lines) assertValidEvent(event);
    assert.ok(lines.some((e) => e.eventType === 'FAIL'));
    assert.ok(lines.every((e) => e.job.namespace === 'purposeguard://acme'));
    const out = await cli(['lineage', '--openlineage', '--out', 'lineage.jsonl']);
    assert.equal(out.code, 0, out.stderr);
    const written = readFileSync(join(t.dir, 'lineage.jsonl'), 'utf8').trim().split('\n');
    assert.deepEqual(written.map((l) => JSON.parse(l) as unknown), lines);
  });
});

describe('policy diff', () => {
  it('reports decisions and flows a tightened policy would change, writing nothing', async () => {
    const text = readFileSync(FLOW_POLICY, 'utf8');
    const tightened = text
      .replace(/(ads-ranker:\n {4}owner: acme\n {4}purposes: )\[ads\.optimization\]/, '$1[ads.measurement]')
      .replace(/(lookalike_seeds:\n {4}kind: derived\n {4}purposes: )\[ads\.audience\.lookalike\]/, '$1[ads.audience]');
    assert.notEqual(tightened, text);
    const file = join(t.dir, 'tightened.yaml');
    writeFileSync(file, tightened);
    const auditBefore = (await t.pg.store.readAudit({ afterSeq: 0, limit: 100_000 })).length;
    const diff = await policyDiff(t.pg.store, loadPolicyFile(FLOW_POLICY), compilePolicy(tightened));
    const ranker = diff.decisions.changed.find((c) => c.processor === 'ads-ranker');
    assert.deepEqual([ranker?.purpose, ranker?.before, ranker?.after], ['ads.optimization', 'allow', 'deny']);
    assert.ok((ranker?.count ?? 0) >= 3);
    assert.equal(diff.decisions.changed.length, 1);
    const seeds = diff.flows.changed.filter((c) => c.output === 'lookalike_seeds');
    assert.ok(seeds.length >= 2);
    assert.ok(seeds.every((c) => c.before === 'allowed' && c.after === 'violation'));
    assert.match(seeds[0]?.reason ?? '', /'ads\.audience\.custom'/);
    assert.equal(diff.flows.changed.length, seeds.length);
    const run = await cli(['policy', 'diff', FLOW_POLICY, 'tightened.yaml']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /allow→deny\s+ads-ranker\s+ads\.optimization\s+events/);
    assert.match(run.stdout, /allowed→violation\s+\d+\s+lookalike-builder/);
    const json = await cli(['policy', 'diff', FLOW_POLICY, 'tightened.yaml', '--json']);
    assert.deepEqual(JSON.parse(json.stdout), JSON.parse(JSON.stringify(diff)));
    const same = await policyDiff(t.pg.store, loadPolicyFile(FLOW_POLICY), loadPolicyFile(FLOW_POLICY));
    assert.deepEqual([same.decisions.changed, same.flows.changed], [[], []]);
    const auditAfter = (await t.pg.store.readAudit({ afterSeq: 0, limit: 100_000 })).length;
    assert.equal(auditAfter, auditBefore);
  });
});
