import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { retryDelayMs } from '../src/relay/relay-backoff.js';
import { createApp } from '../src/server/app.js';
import { startMaintenance } from '../src/server/maintenance-timers.js';
import { cli, emailSubject, ingestExamples, openScenario } from './erasure-support.js';
import type { Scenario } from './erasure-support.js';

const MINA = 'mina.lee@example.com';
const OMAR = 'omar.haddad@example.org';
const T0 = Date.UTC(2026, 5, 1);

/** A removal endpoint on 127.0.0.1 that answers 503 to the first `failures` requests. */
async function flakyEndpoint(failures: number): Promise<{ url: string; bodies: string[]; hits: () => number; server: Server }> {
  const bodies: string[] = [];
  let hits = 0;
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
    req.on('end', () => {
      hits += 1;
      if (hits <= failures) {
        res.writeHead(503).end('try later');
        return;
      }
      bodies.push(text);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"num_received":1}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/audience/removals`, bodies, hits: () => hits, server };
}

function withEndpoint(url: string): (text: string) => string {
  return (text) => text.replace('file: removals/meta_audience.csv', `endpoint: ${url}`);
}

describe('outbox relay to an endpoint', () => {
  let s: Scenario;
  let endpoint: Awaited<ReturnType<typeof flakyEndpoint>>;
  let now = T0;

  before(async () => {
    endpoint = await flakyEndpoint(1);
    s = await openScenario({ edit: withEndpoint(endpoint.url), now: () => now });
    await ingestExamples(s.pg);
    await s.pg.forget({ email: MINA, actor: 'test' });
    await s.pg.forget({ email: OMAR, actor: 'test' });
  });

  after(async () => {
    await s.pg.close();
    endpoint.server.close();
  });

  test('a failed delivery stays queued with the reason and one more attempt', async () => {
    const first = await s.pg.flushOutbox();
    assert.deepEqual([first.delivered, first.failed], [0, 2]);
    assert.equal(first.destinations['meta_audience']?.last_error, 'http 503');
    const view = await s.pg.outbox();
    assert.equal(view.pending, 2);
    assert.deepEqual(view.items.map((i) => [i.attempts, i.last_error]), [[1, 'http 503'], [1, 'http 503']]);
    assert.equal(view.items[0]?.next_attempt_at, new Date(T0 + retryDelayMs(1)).toISOString());
  });

  test('before the backoff has passed the items wait', async () => {
    const early = await s.pg.flushOutbox();
    assert.deepEqual([early.delivered, early.failed, early.waiting], [0, 0, 2]);
    assert.equal(endpoint.hits(), 1);
  });

  test('the next flush after the backoff delivers one batch with the hashes', async () => {
    now = T0 + retryDelayMs(1);
    const second = await s.pg.flushOutbox();
    assert.deepEqual([second.delivered, second.failed], [2, 0]);
    assert.equal(endpoint.bodies.length, 1);
    const body = JSON.parse(endpoint.bodies[0] ?? '{}') as { payload: { schema: string[]; data: string[][] } };
    assert.deepEqual(body.payload.schema, ['EMAIL_SHA256']);
    assert.deepEqual(body.payload.data.flat().sort(), [emailSubject(MINA), emailSubject(OMAR)].sort());
    const view = await s.pg.outbox({ all: true });
    assert.deepEqual([view.pending, view.delivered], [0, 2]);
    assert.ok(view.items.every((i) => i.attempts === 2 && i.delivered_at !== null && i.subject_ref === null));
  });

  test('a delivered item is not sent again', async () => {
    now += retryDelayMs(5);
    const third = await s.pg.flushOutbox();
    assert.deepEqual([third.delivered, third.failed, third.waiting], [0, 0, 0]);
    assert.equal(endpoint.hits(), 2);
  });
});

describe('outbox relay failures', () => {
  test('a refused connection keeps the item, with no personal data in the error', async () => {
    const closed = await flakyEndpoint(0);
    const url = closed.url;
    await new Promise<void>((done) => closed.server.close(() => done()));
    let now = T0;
    const s = await openScenario({ edit: withEndpoint(url), now: () => now });
    try {
      await ingestExamples(s.pg);
      await s.pg.forget({ email: MINA, actor: 'test' });
      for (let i = 1; i <= 3; i++) {
        const result = await s.pg.flushOutbox();
        assert.equal(result.failed, 1);
        now += retryDelayMs(i);
      }
      const [item] = (await s.pg.outbox()).items;
      assert.equal(item?.attempts, 3);
      assert.equal(item?.last_error, 'connection refused');
      assert.equal((await s.pg.outbox()).pending, 1, 'never dropped');
    } finally {
      await s.pg.close();
    }
  });

  test('the backoff doubles and is capped', () => {
    assert.deepEqual([0, 1, 2, 3].map(retryDelayMs), [0, 30_000, 60_000, 120_000]);
    assert.equal(retryDelayMs(50), retryDelayMs(40));
    assert.ok(retryDelayMs(50) <= 6 * 3_600_000);
  });
});

describe('outbox relay to a file', () => {
  test('flush appends hashed emails under an email_sha256 header beside the policy', async () => {
    const s = await openScenario();
    try {
      await ingestExamples(s.pg);
      await s.pg.forget({ email: MINA, actor: 'test' });
      const app = createApp(s.pg);
      const admin = { authorization: 'Bearer demo-admin' };
      const listed = (await (await app.request('/v1/outbox', { headers: admin })).json()) as { pending: number };
      assert.equal(listed.pending, 1);
      const res = await app.request('/v1/outbox/flush', { method: 'POST', headers: admin });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { delivered: number }).delivered, 1);
      await s.pg.forget({ email: OMAR, actor: 'test' });
      const out = await cli(s, ['outbox', 'flush']);
      assert.equal(out.code, 0, out.stderr);
      const file = readFileSync(join(s.dir, 'removals', 'meta_audience.csv'), 'utf8');
      assert.equal(file, `email_sha256\n${emailSubject(MINA)}\n${emailSubject(OMAR)}\n`);
      const shown = await cli(s, ['outbox', '--all']);
      assert.deepEqual(JSON.parse(shown.stdout).delivered, 2);
      assert.equal((await app.request('/v1/outbox', { headers: { authorization: 'Bearer demo-bi-export' } })).status, 403);
    } finally {
      await s.pg.close();
    }
  });
});

describe('maintenance timers', () => {
  test('flush the outbox and expire records until stopped', async () => {
    const endpoint = await flakyEndpoint(0);
    const s = await openScenario({ edit: withEndpoint(endpoint.url) });
    try {
      await ingestExamples(s.pg);
      await s.pg.forget({ email: MINA, actor: 'test' });
      const maintenance = startMaintenance(s.pg, { outboxEveryMs: 10, expireEveryMs: 10, logger: () => undefined });
      const expiries = async (): Promise<number> =>
        (await s.pg.store.readAudit({ afterSeq: 0, limit: 1000 })).filter((e) => e.kind === 'expiry').length;
      const deadline = Date.now() + 5000;
      while (((await s.pg.outbox()).pending > 0 || await expiries() === 0) && Date.now() < deadline) {
        await new Promise((done) => setTimeout(done, 10));
      }
      await maintenance.stop();
      assert.equal((await s.pg.outbox()).pending, 0);
      assert.ok(await expiries() >= 1);
      const hits = endpoint.hits();
      await s.pg.forget({ email: OMAR, actor: 'test' });
      await new Promise((done) => setTimeout(done, 60));
      assert.equal((await s.pg.outbox()).pending, 1, 'no flush after stop');
      assert.equal(endpoint.hits(), hits);
    } finally {
      await s.pg.close();
      endpoint.server.close();
    }
  });
});
