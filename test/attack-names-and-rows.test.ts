import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PurposeGuardError } from '../src/errors.js';
import { createApp } from '../src/server/app.js';
import { cli, ingestExamples, openScenario } from './erasure-support.js';
import { readAs, seedExample, storedRows } from './flow-support.js';
import { example, openEngine, tempDir } from './support.js';
import type { TestEngine } from './support.js';

const EMAIL = 'alice.secret@example.com';

async function auditText(t: TestEngine): Promise<string> {
  const entries = await t.pg.store.readAudit({ afterSeq: 0, limit: 10_000 });
  return JSON.stringify(entries);
}

async function post(app: ReturnType<typeof createApp>, path: string, body: unknown, token: string): Promise<Response> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  return app.request(path, { method: 'POST', headers, body: JSON.stringify(body) });
}

test('a read with an email as the purpose leaves no email in the audit trail or the log', async () => {
  const t = await openEngine(example('policy.yaml'));
  try {
    const app = createApp(t.pg);
    const res = await post(app, '/v1/datasets/events/query', { purpose: EMAIL }, 'demo-ads-ranker');
    assert.equal(res.status, 403);
    const trail = await auditText(t);
    assert.match(trail, /unknown_purpose/);
    assert.ok(!trail.includes('alice.secret'), 'the audit trail holds the email');
    assert.ok(!JSON.stringify(t.events).includes('alice.secret'), 'the log holds the email');
  } finally {
    await t.pg.close();
  }
});

test('a read of a dataset named like an email leaves no email in the audit trail', async () => {
  const t = await openEngine(example('policy.yaml'));
  try {
    const app = createApp(t.pg);
    const path = `/v1/datasets/${encodeURIComponent(EMAIL)}/query`;
    const res = await post(app, path, { purpose: 'ads.optimization' }, 'demo-ads-ranker');
    assert.equal(res.status, 403);
    const trail = await auditText(t);
    assert.match(trail, /unknown_dataset/);
    assert.ok(!trail.includes('alice.secret'));
    assert.ok(!JSON.stringify(t.events).includes('alice.secret'));
  } finally {
    await t.pg.close();
  }
});

test('a write with an email as the purpose leaves no email in the audit trail', async () => {
  const t = await openEngine(example('policy.yaml'));
  try {
    await assert.rejects(
      t.pg.write({
        processor: 'lookalike-builder', purpose: EMAIL, dataset: 'lookalike_seeds',
        rows: [{ from: [1], data: {} }],
      }),
      (e: unknown) => e instanceof PurposeGuardError && e.code === 'purpose_denied',
    );
    const trail = await auditText(t);
    assert.match(trail, /unknown_purpose/);
    assert.ok(!trail.includes('alice.secret'));
    assert.ok(!JSON.stringify(t.events).includes('alice.secret'));
  } finally {
    await t.pg.close();
  }
});

test('a write claiming a reclassification named like an email keeps it out of the trail', async () => {
  const t = await openEngine(example('policy.yaml'));
  try {
    await seedExample(t.pg);
    const [row] = await readAs(t.pg, 'lookalike-builder', 'ads.audience.lookalike', 'events');
    assert.ok(row);
    await assert.rejects(
      t.pg.write({
        processor: 'lookalike-builder', purpose: 'ads.audience.lookalike',
        dataset: 'lookalike_seeds', reclassification: EMAIL,
        rows: [{ from: [row.id], data: { seed: 1 } }],
      }),
      (e: unknown) => e instanceof PurposeGuardError && e.code === 'flow_violation',
    );
    const trail = await auditText(t);
    assert.match(trail, /reclassification_refused/);
    assert.ok(!trail.includes('alice.secret'));
    assert.ok(!JSON.stringify(await t.pg.store.flows({})).includes('alice.secret'));
    assert.ok(!JSON.stringify(t.events).includes('alice.secret'));
  } finally {
    await t.pg.close();
  }
});

test('undeclared purposes are decided afresh, not remembered one by one', async () => {
  const t = await openEngine(example('policy.yaml'));
  try {
    const guard = t.pg.guard;
    const declared = { processor: 'ads-ranker', purpose: 'ads.optimization' };
    assert.equal(guard.prepare(declared), guard.prepare({ ...declared }));
    const made = { processor: 'ads-ranker', purpose: 'made.up.1' };
    assert.notEqual(guard.prepare(made), guard.prepare({ ...made }));
    assert.equal(guard.prepare(made).gate.rule, 'unknown_purpose');
  } finally {
    await t.pg.close();
  }
});

/** The example policy with `mode: log`. */
function logModePolicy(): string {
  const text = readFileSync(example('policy.yaml'), 'utf8').replace('mode: enforce', 'mode: log');
  const file = join(tempDir(), 'log-mode.yaml');
  writeFileSync(file, text);
  return file;
}

const BAD_ROWS: readonly { name: string; data: unknown; code: string }[] = [
  { name: 'a derived row with a plaintext email', data: { seed: EMAIL }, code: 'plaintext_identifier' },
  { name: 'a derived row with an email as a key', data: { [EMAIL]: 1 }, code: 'plaintext_identifier' },
  { name: 'a derived row with a phone number', data: { phone: '+1 650 555 0100' }, code: 'plaintext_identifier' },
  { name: 'a derived row with a health term', data: { segment: 'diabetes buyers' }, code: 'sensitive_data' },
];

for (const bad of BAD_ROWS) {
  test(`${bad.name} is refused in enforce and log mode, nothing written`, async () => {
    for (const policy of [example('policy.yaml'), logModePolicy()]) {
      const t = await openEngine(policy);
      try {
        await seedExample(t.pg);
        const [row] = await readAs(t.pg, 'lookalike-builder', 'ads.audience.lookalike', 'events');
        assert.ok(row);
        const write = t.pg.write({
          processor: 'lookalike-builder', purpose: 'ads.audience.lookalike',
          dataset: 'lookalike_seeds', rows: [{ from: [row.id], data: bad.data }],
        });
        await assert.rejects(write, (e: unknown) => {
          assert.ok(e instanceof PurposeGuardError);
          assert.equal(e.code, bad.code);
          assert.ok(!e.message.includes('alice') && !e.message.includes('650'), e.message);
          return true;
        });
        assert.equal(await storedRows(t.pg, 'lookalike_seeds'), 0);
        const trail = await auditText(t);
        assert.match(trail, /"outcome":"denied"/);
        assert.ok(!trail.includes('alice.secret') && !trail.includes('650 555'));
      } finally {
        await t.pg.close();
      }
    }
  });
}

test('a derived row of hashes and counts is still written', async () => {
  const t = await openEngine(example('policy.yaml'));
  try {
    await seedExample(t.pg);
    const [row] = await readAs(t.pg, 'lookalike-builder', 'ads.audience.lookalike', 'events');
    assert.ok(row);
    const result = await t.pg.write({
      processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'lookalike_seeds',
      rows: [{ from: [row.id], data: { seed: row.subjects[0], orders: 3, at: '2026-12-04 10:00:00' } }],
    });
    assert.equal(result.outcome, 'allowed');
    assert.equal(await storedRows(t.pg, 'lookalike_seeds'), 1);
  } finally {
    await t.pg.close();
  }
});

test('a derived row from an event past its retention is refused, nothing written', async () => {
  let now = Date.UTC(2026, 0, 1);
  const t = await openEngine(example('policy.yaml'), { now: () => now });
  try {
    await seedExample(t.pg);
    const [row] = await readAs(t.pg, 'lookalike-builder', 'ads.audience.lookalike', 'events');
    assert.ok(row?.expiresAt);
    now = row.expiresAt + 1;
    assert.deepEqual(await readAs(t.pg, 'lookalike-builder', 'ads.audience.lookalike', 'events'), []);
    const write = t.pg.write({
      processor: 'lookalike-builder', purpose: 'ads.audience.lookalike',
      dataset: 'lookalike_seeds', rows: [{ from: [row.id], data: { seed: 1 } }],
    });
    await assert.rejects(write, (e: unknown) => {
      assert.ok(e instanceof PurposeGuardError);
      assert.equal(e.code, 'invalid_request');
      assert.equal(e.issues[0]?.code, 'unknown_record');
      return true;
    });
    assert.equal(await storedRows(t.pg, 'lookalike_seeds'), 0);
  } finally {
    await t.pg.close();
  }
});

test('a where filter on a field named __proto__ filters instead of being dropped', async () => {
  const t = await openEngine(example('policy.yaml'));
  try {
    await seedExample(t.pg);
    const app = createApp(t.pg);
    const all = await post(app, '/v1/datasets/events/query', { purpose: 'ads.optimization' }, 'demo-ads-ranker');
    assert.ok(((await all.json()) as { rows: unknown[] }).rows.length > 0);
    const body = '{"purpose":"ads.optimization","where":{"__proto__":"x"}}';
    const res = await app.request('/v1/datasets/events/query', {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ads-ranker' },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { rows: unknown[] }).rows, []);
  } finally {
    await t.pg.close();
  }
});

test('read --where __proto__=x through the CLI filters instead of being dropped', async () => {
  const s = await openScenario();
  await ingestExamples(s.pg);
  await s.pg.close();
  const args = ['read', '--as', 'ads-ranker', '--purpose', 'ads.optimization', 'events'];
  const all = await cli(s, args);
  assert.equal(all.code, 0, all.stderr);
  assert.notEqual(all.stdout.trim(), '');
  const filtered = await cli(s, [...args, '--where', '__proto__=x']);
  assert.equal(filtered.code, 0, filtered.stderr);
  assert.equal(filtered.stdout, '');
});
