import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { ingest } from '../src/collection/ingest.js';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import { createApp } from '../src/server/app.js';
import { readSharedData, sharedDataPath } from './shared-data.js';
import { example, fixture, ROOT, tempDir } from './support.js';

const run = promisify(execFile);
const BIN = join(ROOT, 'bin', 'purposeguard.js');
const POLICY = example('policy.yaml');

interface Summary {
  accepted: number;
  rejected: { index: number; code: string; message: string }[];
  duplicates: { index: number; event_id: string | null }[];
}

async function cli(args: string[], db: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args, '--policy', POLICY, '--db', db]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('ingest through the CLI', () => {
  const dir = tempDir();
  const db = join(dir, 'ingest.db');

  test('batch-mixed.json gives exactly what batch-mixed.expected.json says', async () => {
    const expected = JSON.parse(readSharedData('capi/batch-mixed.expected.json')) as {
      accepted: string[];
      rejected: Record<string, string>;
    };
    const { code, stdout } = await cli(['ingest', '--source', 'web', sharedDataPath('capi/batch-mixed.json')], db);
    assert.equal(code, 0);
    const summary = JSON.parse(stdout) as Summary;
    assert.equal(summary.accepted, expected.accepted.length);
    assert.deepEqual(summary.rejected.map((r) => r.index), Object.keys(expected.rejected).map(Number));
    assert.deepEqual(summary.duplicates, [{ index: 3, event_id: 'ord-1001' }]);
    const gist: Record<number, RegExp> = {
      4: /milliseconds/, 5: /health.*URL parameter/, 6: /plaintext identifier \(an email\).*custom_data/,
      7: /event_name missing/, 8: /political opinion.*custom_data/,
    };
    for (const r of summary.rejected) assert.match(r.message, gist[r.index] ?? /^$/, `index ${r.index}`);
    const read = await cli(['read', '--as', 'ads-ranker', '--purpose', 'ads.measurement', 'events'], db);
    assert.equal(read.code, 3);
    const rows = (await cli(['read', '--as', 'lookalike-builder', '--purpose', 'ads.audience.lookalike', 'events'], db)).stdout
      .trim().split('\n').map((l) => JSON.parse(l) as { data: { event_id: string; user_data: { em: string[] } }; label: { purposes: string[]; flags: string[] } });
    assert.deepEqual(rows.map((r) => r.data.event_id), ['ord-1001', 'pv-2001', 'ord-1003']);
    assert.equal(rows[0]?.data.user_data.em[0], '80b6856c17f72c11c8470ea0281111871f41331eb4ecee1f9910ac4b7c4c7209');
    assert.equal(rows[1]?.data.user_data.em[0], '686b5e4cf4f963adf8f51468a48028ef8d15bd02fa335f821279a3d1678c9615');
  });

  test('plain fields are kept only where the policy allows them', async () => {
    const rows = (await cli(['read', '--as', 'ads-ranker', '--purpose', 'ads.optimization', 'events'], db)).stdout
      .trim().split('\n').map((l) => JSON.parse(l) as { data: { event_id: string; user_data: Record<string, unknown> } });
    const first = rows.find((r) => r.data.event_id === 'ord-1001');
    assert.equal(first?.data.user_data['fbp'], 'fb.1.1764806000000.1234567890');
    assert.equal(first?.data.user_data['client_user_agent'], 'Mozilla/5.0 (X11; Linux x86_64)');
    assert.equal(first?.data.user_data['client_ip_address'], undefined);
  });

  test('an event flagged Limited Data Use allows ads.measurement only', async () => {
    const pg = await PurposeGuard.open({ policy: POLICY, db });
    try {
      const labels = pg.guard.labels.all().filter((l) => l.label.flags.includes('ldu'));
      assert.equal(labels.length, 1);
      assert.deepEqual(labels[0]?.label.purposes, ['ads.measurement']);
      assert.equal(labels[0]?.label.jurisdiction, 'KR');
    } finally {
      await pg.close();
    }
  });

  test('the same batch again is all duplicates', async () => {
    const { stdout } = await cli(['ingest', '--source', 'web', sharedDataPath('capi/batch-mixed.json')], db);
    const summary = JSON.parse(stdout) as Summary;
    assert.equal(summary.accepted, 0);
    assert.equal(summary.duplicates.length, 5);
  });

  test('customers.csv: the row with no identifier is refused, the others hashed', async () => {
    const { code, stdout } = await cli(['ingest', '--source', 'crm', sharedDataPath('customer-lists/customers.csv')], db);
    assert.equal(code, 0);
    const summary = JSON.parse(stdout) as Summary;
    assert.equal(summary.accepted, 4);
    assert.deepEqual(summary.rejected.map((r) => [r.index, r.code]), [[3, 'invalid_event']]);
  });

  test('no plaintext email or phone from the inputs is anywhere in the store files', async () => {
    const sqlite = new Database(db);
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    sqlite.close();
    const bytes = ['', '-wal', '-shm'].map((s) => {
      try {
        return readFileSync(db + s).toString('latin1').toLowerCase();
      } catch {
        return '';
      }
    }).join('');
    const inputs = readSharedData('capi/batch-mixed.json') + readSharedData('customer-lists/customers.csv');
    const emails = new Set(inputs.match(/[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/gi)?.map((e) => e.toLowerCase()) ?? []);
    assert.ok(emails.size >= 8);
    for (const email of emails) assert.ok(!bytes.includes(email), 'an input email is in the store');
    for (const phone of ['16505550100', '442079460958', '821012345678', '650) 555-0100', '555-0100']) {
      assert.ok(!bytes.includes(phone), 'an input phone number is in the store');
    }
    assert.ok(!bytes.includes('203.0.113.7'), 'an IP address the policy does not keep is in the store');
  });

  test('bad input is a clear error, not a crash', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"data": [');
    const broken = await cli(['ingest', '--source', 'web', bad], db);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /bad\.json is not valid JSON/);
    const missing = await cli(['ingest', '--source', 'web', join(dir, 'nope.json')], db);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read/);
    const unknown = await cli(['ingest', '--source', 'tv', sharedDataPath('capi/batch-mixed.json')], db);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown source 'tv'/);
    const lines = join(dir, 'lines.jsonl');
    writeFileSync(lines, '{"event_name":"Purchase"\nnot json\n');
    const jsonl = await cli(['ingest', '--source', 'web', lines], db);
    assert.equal(jsonl.code, 0);
    const summary = JSON.parse(jsonl.stdout) as Summary;
    assert.deepEqual(summary.rejected.map((r) => r.message), ['line 1: not valid JSON', 'line 2: not valid JSON']);
  });
});

describe('ingest over HTTP', () => {
  test('POST /v1/events answers like the CLI, and refuses bad bodies with a 4xx', async () => {
    const pg = await PurposeGuard.open({ policy: POLICY, db: join(tempDir(), 'http.db') });
    const app = createApp(pg);
    const post = async (body: string, headers: Record<string, string> = {}): Promise<Response> => app.request('/v1/events', {
      method: 'POST',
      headers: { authorization: 'Bearer demo-web-key', 'content-type': 'application/json', ...headers },
      body,
    });
    try {
      const ok = await post(readSharedData('capi/batch-mixed.json'));
      assert.equal(ok.status, 200);
      const summary = (await ok.json()) as Summary;
      assert.equal(summary.accepted, 4);
      assert.equal(summary.rejected.length, 5);
      const cases: [string, string, Record<string, string>, number][] = [
        ['empty body', '', {}, 400],
        ['invalid JSON', '{"data": [', {}, 400],
        ['not a batch', '{"events": []}', {}, 400],
        ['deeply nested', `{"data": [${'['.repeat(10000)}${']'.repeat(10000)}]}`, {}, 400],
        ['wrong content type', '{"data": []}', { 'content-type': 'text/plain' }, 415],
        ['50 MB body', `{"data": ["${'x'.repeat(50 * 1024 * 1024)}"]}`, {}, 413],
        ['no write key', '{"data": []}', { authorization: '' }, 401],
        ['a processor token', '{"data": []}', { authorization: 'Bearer demo-ads-ranker' }, 403],
      ];
      for (const [name, body, headers, status] of cases) {
        const res = await post(body, headers);
        assert.equal(res.status, status, name);
        const error = (await res.json()) as { code: string; message: string };
        assert.ok(error.code && error.message, name);
      }
      const after = await post(readSharedData('capi/batch-mixed.json'));
      assert.equal(((await after.json()) as Summary).duplicates.length, 5);
    } finally {
      await pg.close();
    }
  });
});

describe('summaries of large inputs', () => {
  test('2,500 junk events list the first 1,000 refusals and count them all', async () => {
    const pg = await PurposeGuard.open({ policy: POLICY, db: join(tempDir(), 'junk.db') });
    try {
      const items = Array.from({ length: 2500 }, (_, index) => ({ index, kind: 'event' as const, value: 0 }));
      const summary = await ingest(pg.ctx, 'web', items, { actor: 'test' });
      assert.equal(summary.rejected_count, 2500);
      assert.equal(summary.rejected.length, 1000);
      assert.equal(summary.rejected[999]?.index, 999);
      assert.equal(summary.accepted, 0);
    } finally {
      await pg.close();
    }
  });
});

describe('durability', () => {
  test('a kill -9 mid-ingest loses nothing acknowledged and stores no half chunk', async () => {
    const dir = tempDir();
    const db = join(dir, 'crash.db');
    const file = join(dir, 'events.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      lines.push(JSON.stringify({
        event_name: 'Purchase', event_time: 1_764_806_400 + i, event_id: `e-${i}`, action_source: 'website',
        user_data: { em: [`person${i}@example.com`] }, custom_data: { value: i, currency: 'USD' },
      }));
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    const child = spawn(process.execPath, [fixture('ingest-child.mjs'), POLICY, db, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acknowledged = 0;
    let finished = false;
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        for (const m of text.matchAll(/acknowledged (\d+)/g)) acknowledged = Number(m[1]);
        if (text.includes('finished')) finished = true;
        if (acknowledged >= 5_000 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    assert.equal(finished, false, 'the child finished before it could be killed');
    const pg = await PurposeGuard.open({ policy: POLICY, db });
    try {
      const counts = await pg.store.datasetCounts('acme');
      const stored = counts.find((c) => c.dataset === 'events')?.rows ?? 0;
      assert.ok(stored >= acknowledged, `stored ${stored} < acknowledged ${acknowledged}`);
      assert.equal(stored % 500, 0, `a half chunk is stored: ${stored}`);
      const audit = await pg.store.readAudit({ afterSeq: 0, limit: 10_000 });
      const collected = audit.filter((e) => e.kind === 'collection').reduce((n, e) => n + Number(e.data['accepted']), 0);
      assert.equal(collected, stored);
    } finally {
      await pg.close();
    }
  });
});
