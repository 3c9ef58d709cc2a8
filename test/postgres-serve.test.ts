import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { entryHash, GENESIS_HASH } from '../src/audit/audit-hash.js';
import { openStore } from '../src/store/open-store.js';
import { example, ROOT } from './support.js';

const BASE_URL = process.env['PURPOSEGUARD_TEST_PG_URL'] ?? '';
const REQUIRED = (process.env['CI'] ?? '') !== '';
const BIN = join(ROOT, 'bin', 'purposeguard.js');
const database = `serve_${process.pid}_${Date.now().toString(36)}`;

function databaseUrl(name: string): string {
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: BASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
}

function serve(db: string): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve', '--policy', example('policy.yaml'), '--db', db, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
}

function batch(prefix: string, n: number): string {
  const data = Array.from({ length: n }, (_, i) => ({
    event_name: 'Purchase', event_time: 1_764_806_400 + i, event_id: `${prefix}-${i}`,
    action_source: 'website', user_data: { em: [`${prefix}.${i}@example.com`] },
    custom_data: { value: i, currency: 'USD' },
  }));
  return JSON.stringify({ data });
}

async function send(server: Server, prefix: string): Promise<number> {
  const res = await fetch(`${server.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: 'Bearer demo-web-key', 'content-type': 'application/json' },
    body: batch(prefix, 25),
  });
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return ((await res.json()) as { accepted: number }).accepted;
}

describe('two serve processes on one PostgreSQL database', { skip: BASE_URL === '' && !REQUIRED ? 'PURPOSEGUARD_TEST_PG_URL is not set' : false }, () => {
  let a: Server;
  let b: Server;

  before(async () => {
    assert.notEqual(BASE_URL, '', 'PURPOSEGUARD_TEST_PG_URL must be set in CI (see scripts/test-postgres.sh)');
    await admin(`CREATE DATABASE ${database}`);
    [a, b] = await Promise.all([serve(databaseUrl(database)), serve(databaseUrl(database))]);
  });

  after(async () => {
    for (const s of [a, b]) if (s && s.child.exitCode === null) s.child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  test('a kill of one mid-ingestion leaves the other serving and one valid chain', async () => {
    const acknowledged = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const round = ([[a, 'a'], [b, 'b']] as const).map(async ([server, name]) => {
        const prefix = `${name}${i}`;
        const accepted = await send(server, prefix).catch(() => null);
        if (accepted === null) return;
        assert.equal(accepted, 25);
        acknowledged.add(prefix);
      });
      if (i === 15) setTimeout(() => a.child.kill('SIGKILL'), 2);
      await Promise.all(round);
    }
    for (let i = 0; i < 5; i++) {
      assert.equal(await send(b, `after${i}`), 25);
      acknowledged.add(`after${i}`);
    }
    assert.equal((await fetch(`${b.url}/healthz`)).status, 200);
    assert.ok([...acknowledged].filter((p) => p.startsWith('a')).length >= 10);

    const store = await openStore(databaseUrl(database));
    try {
      const plan = { dataset: 'events', owner: 'acme', open: [] as number[], consentGroups: [], now: Date.now() };
      const labels = await store.labelsAfter(0);
      const stored = new Set<string>();
      for await (const rows of store.readRecords({ ...plan, open: labels.map((l) => l.id) })) {
        for (const row of rows) stored.add(String((JSON.parse(row.json) as { event_id: string }).event_id));
      }
      for (const prefix of acknowledged) {
        for (let i = 0; i < 25; i++) assert.ok(stored.has(`${prefix}-${i}`), `acknowledged ${prefix}-${i} is lost`);
      }
      let prev = GENESIS_HASH;
      let seq = 0;
      for (;;) {
        const page = await store.readAudit({ afterSeq: seq, limit: 1000 });
        if (page.length === 0) break;
        for (const entry of page) {
          assert.equal(entry.seq, seq + 1);
          assert.equal(entry.prevHash, prev);
          assert.equal(entry.hash, entryHash(prev, { ...entry, dataJson: entry.dataJson }));
          prev = entry.hash;
          seq = entry.seq;
        }
      }
      assert.ok(seq >= acknowledged.size, `${seq} audit entries for ${acknowledged.size} acknowledged batches`);
    } finally {
      await store.close();
    }
  });
});
