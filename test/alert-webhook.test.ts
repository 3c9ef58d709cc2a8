import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { itemsFromBatch } from '../src/collection/input-files.js';
import { ingest } from '../src/collection/ingest.js';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import type { LogEvent } from '../src/log.js';
import { allRows, example, tempDir } from './support.js';

interface Hook {
  readonly server: Server;
  readonly url: string;
  /** Bodies received, in order, with the status each was answered with. */
  readonly received: { status: number; body: Record<string, unknown> }[];
  /** Statuses to answer the next requests with; 204 once empty. */
  readonly failures: number[];
}

let hook: Hook;
let dir: string;

/** A webhook receiver on 127.0.0.1 at a free port. */
function startHook(): Promise<Hook> {
  const received: Hook['received'] = [];
  const failures: number[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
    req.on('end', () => {
      const status = failures.shift() ?? 204;
      received.push({ status, body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(status).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/hook`, received, failures });
    });
  });
}

/** The reference policy with the webhook and low thresholds. */
function alertPolicy(url: string): string {
  const text = readFileSync(example('policy.yaml'), 'utf8').replace(
    /^alerts:[\s\S]*$/m,
    `alerts:\n  webhook: ${url}\n  read_spike_factor: 4\n  read_baseline_min_rows: 10\n  denial_spike_per_minute: 3\n`,
  );
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, text);
  return file;
}

function events(count: number): unknown {
  return {
    data: Array.from({ length: count }, (_, i) => ({
      event_name: 'PageView',
      event_time: 1_764_806_400 + i,
      event_id: `pv-${i}`,
      action_source: 'website',
      user_data: { em: [`person${i}@example.com`] },
    })),
  };
}

async function open(db: string, log: LogEvent[]): Promise<PurposeGuard> {
  return PurposeGuard.open({
    policy: alertPolicy(hook.url),
    db,
    logger: (e) => log.push(e),
    alertDelivery: { retryDelayMs: 20, attempts: 3 },
  });
}

function alertsOf(log: readonly LogEvent[]): string[] {
  return log.flatMap((e) => (e.type === 'alert' ? [e.alert] : []));
}

before(async () => {
  dir = tempDir('pg-alerts-');
  hook = await startHook();
});

after(() => {
  hook.server.close();
});

describe('alerts', () => {
  test('a denied read is posted to the webhook, retried after a failed attempt, and audited', async () => {
    const log: LogEvent[] = [];
    const pg = await open(join(dir, 'denied.db'), log);
    hook.failures.push(503);
    const start = hook.received.length;
    await assert.rejects(pg.read({ processor: 'ads-ranker', purpose: 'ai.training', dataset: 'events' }));
    assert.deepEqual(alertsOf(log), ['denial'], 'logged at once');
    await pg.close();
    const got = hook.received.slice(start);
    assert.deepEqual(got.map((r) => r.status), [503, 204], 'delivered on the second attempt');
    const body = got[1]?.body;
    assert.equal(body?.['alert'], 'denial');
    assert.equal(body?.['severity'], 'warning');
    assert.equal(body?.['owner'], 'acme');
    assert.deepEqual(body?.['details'], {
      processor: 'ads-ranker', purpose: 'ai.training', dataset: 'events', rows: 0,
      rule: 'not_registered', reason: "processor 'ads-ranker' is not registered for purpose 'ai.training'",
    });
    const reopened = await open(join(dir, 'denied.db'), []);
    const trail = await reopened.auditPage({ afterSeq: 0, limit: 100 });
    await reopened.close();
    assert.deepEqual(trail.map((e) => e.kind), ['policy', 'decision', 'alert']);
    assert.equal(trail[2]?.data['alert'], 'denial');
  });

  test('a flow violation or a denied flow raises an alert', async () => {
    const log: LogEvent[] = [];
    const pg = await open(join(dir, 'flow.db'), log);
    const start = hook.received.length;
    const flow = { type: 'flow', processor: 'model-trainer', purpose: 'ai.training', output: 'ai_corpus', rows: 5, reason: 'ads data into an AI corpus' } as const;
    pg.ctx.log({ ...flow, outcome: 'allowed' });
    pg.ctx.log({ ...flow, outcome: 'violation' });
    pg.ctx.log({ ...flow, outcome: 'denied' });
    await pg.close();
    assert.deepEqual(alertsOf(log), ['flow_violation', 'flow_violation']);
    const got = hook.received.slice(start).map((r) => r.body);
    assert.deepEqual(got.map((b) => (b['details'] as Record<string, unknown>)['outcome']), ['violation', 'denied']);
    assert.ok(got.every((b) => b['severity'] === 'critical'));
  });

  test('a first read under a purpose is flagged once, also across reopening', async () => {
    const db = join(dir, 'first.db');
    const log: LogEvent[] = [];
    const pg = await open(db, log);
    await ingest(pg.ctx, 'web', itemsFromBatch(events(3), 'body'), { actor: 'test' });
    await allRows(pg.read({ processor: 'ads-ranker', purpose: 'ads.optimization', dataset: 'events' }));
    await allRows(pg.read({ processor: 'ads-ranker', purpose: 'ads.optimization', dataset: 'events' }));
    await allRows(pg.read({ processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'events' }));
    await pg.close();
    assert.deepEqual(alertsOf(log), ['new_purpose', 'new_purpose']);
    const details = log.flatMap((e) => (e.type === 'alert' ? [e.details] : []));
    assert.deepEqual(details.map((d) => d['processor']), ['ads-ranker', 'lookalike-builder']);
    const later: LogEvent[] = [];
    const again = await open(db, later);
    await allRows(again.read({ processor: 'ads-ranker', purpose: 'ads.optimization', dataset: 'events' }));
    await again.close();
    assert.deepEqual(alertsOf(later), [], 'the trail seeds what was read before');
  });

  test('a read far above the processor\'s baseline is flagged; ordinary reads are not', async () => {
    const db = join(dir, 'spike.db');
    const log: LogEvent[] = [];
    const pg = await open(db, log);
    await ingest(pg.ctx, 'web', itemsFromBatch(events(40), 'body'), { actor: 'test' });
    for (let i = 0; i < 3; i++) {
      await allRows(pg.read({ processor: 'ads-ranker', purpose: 'ads.optimization', dataset: 'events', limit: 2 }));
    }
    await allRows(pg.read({ processor: 'ads-ranker', purpose: 'ads.optimization', dataset: 'events', limit: 8 }));
    assert.deepEqual(alertsOf(log), ['new_purpose'], '8 rows is under read_baseline_min_rows');
    await pg.close();
    const later: LogEvent[] = [];
    const again = await open(db, later);
    const rows = await allRows(again.read({ processor: 'ads-ranker', purpose: 'ads.optimization', dataset: 'events' }));
    await again.close();
    assert.equal(rows.length, 40);
    const spike = later.find((e) => e.type === 'alert');
    assert.ok(spike?.type === 'alert' && spike.alert === 'read_spike', 'flagged with the baseline seeded from the trail');
    assert.deepEqual(spike.details, {
      processor: 'ads-ranker', purpose: 'ads.optimization', dataset: 'events', rows: 40,
      baseline_rows: 2, factor: 4, baseline_reads: 4,
    });
  });

  test('more denials in a minute than the policy allows raise one denial spike', async () => {
    const log: LogEvent[] = [];
    const pg = await open(join(dir, 'denials.db'), log);
    for (let i = 0; i < 6; i++) {
      await pg.read({ processor: 'bi-export', purpose: 'ads.optimization', dataset: 'events' }).catch(() => null);
    }
    await pg.close();
    const kinds = alertsOf(log);
    assert.equal(kinds.filter((k) => k === 'denial').length, 6);
    assert.equal(kinds.filter((k) => k === 'denial_spike').length, 1);
    assert.equal(kinds.indexOf('denial_spike'), 4, 'raised with the fourth denial');
  });
});
