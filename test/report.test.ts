import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { ingest } from '../src/collection/ingest.js';
import { itemsFromFile } from '../src/collection/input-files.js';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import type { UsageReport } from '../src/report/usage-report.js';
import type { Ropa } from '../src/report/ropa.js';
import { createApp } from '../src/server/app.js';
import { fillTrail, runCli } from './audit-support.js';
import { BROWSER_SKIP, CHROMIUM, CHROMIUM_ARGS } from './browser-support.js';
import { example, ROOT, tempDir } from './support.js';

const HOUR = 3_600_000;

/** The part of a browser canvas the test reads (the DOM types are not loaded). */
interface CanvasLike {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
  toDataURL(): string;
}

let dir: string;
let db: string;
let pg: PurposeGuard;
let started: number;

before(async () => {
  dir = tempDir('pg-report-');
  db = join(dir, 'store.db');
  started = Date.now();
  pg = await PurposeGuard.open({ policy: example('policy.yaml'), db });
  await fillTrail(pg);
});

after(async () => {
  await pg.close();
});

describe('usage report', () => {
  test('counts reads, rows, denials, flows, collection and alerts per purpose and processor', async () => {
    const report = await pg.report();
    const row = (purpose: string, processor: string) => report.usage.find((u) => u.purpose === purpose && u.processor === processor);
    assert.deepEqual(row('ads.optimization', 'ads-ranker'), {
      purpose: 'ads.optimization', processor: 'ads-ranker', datasets: ['events'],
      rows: 6, allowed: 2, denied: 0, flows: 0, violations: 0,
    });
    assert.equal(row('ai.training', 'ads-ranker')?.denied, 1);
    assert.equal(row('ai.training', 'model-trainer')?.violations, 1);
    assert.equal(row('ads.audience.lookalike', 'lookalike-builder')?.flows, 1);
    assert.deepEqual(report.collection.map((c) => [c.source, c.accepted]), [['crm', 4], ['web', 4]]);
    assert.equal(report.alerts['denial'], 1);
    assert.equal(report.alerts['flow_violation'], 1);
    assert.deepEqual(report.consents, [{ purpose: 'ai.training', grants: 1, withdrawals: 1 }]);
    assert.deepEqual(report.erasures, { requests: 1, expiries: 0, rows: 2 });
    assert.deepEqual(report.datasets.map((d) => [d.dataset, d.rows]), [['customers', 3], ['events', 3], ['lookalike_seeds', 1]]);
  });

  test('consent that came with events is counted per purpose', async () => {
    const dir2 = tempDir('pg-report-consent-');
    const other = await PurposeGuard.open({ policy: example('policy.yaml'), db: join(dir2, 'store.db') });
    try {
      await ingest(other.ctx, 'web', itemsFromFile(example('events.json')), { actor: 'test' });
      const report = await other.report();
      assert.deepEqual(report.consents, [{ purpose: 'ai.training', grants: 1, withdrawals: 0 }]);
      const [entry] = await other.store.latestAudit({ kind: 'consent', limit: 1 });
      assert.deepEqual(entry?.data, {
        source: 'web', via: 'collection', changes: [{ purpose: 'ai.training', status: 'granted', count: 1 }],
      });
    } finally {
      await other.close();
    }
  });

  test('a window leaves out what happened outside it', async () => {
    const before = await pg.report({ to: started - HOUR });
    assert.equal(before.entries, 0);
    assert.deepEqual(before.usage, []);
    const around = await pg.report({ from: started - 5 * HOUR, to: started + HOUR });
    assert.equal(around.timeline.bucket, 'hour');
    const first = Math.floor((started - 5 * HOUR) / HOUR) * HOUR;
    assert.equal(around.timeline.points.length, Math.ceil((started + HOUR - first) / HOUR));
    assert.equal(around.timeline.points.reduce((n, p) => n + p.denied, 0), 1);
  });

  test('CLI: table by default, JSON, and a bad --from named', async () => {
    const args = ['--policy', example('policy.yaml'), '--db', db];
    const table = await runCli(['report', ...args], { cwd: dir });
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /ads\.optimization\s+ads-ranker\s+events\s+6\s+2\s+0\s+0\s+0/);
    const json = await runCli(['report', '--format', 'json', ...args], { cwd: dir });
    assert.equal((JSON.parse(json.stdout) as UsageReport).usage.length > 0, true);
    const bad = await runCli(['report', '--from', 'yesterday', ...args], { cwd: dir });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--from must be an ISO date or time .*not 'yesterday'/);
  });

  test('HTTP: reports and the record of processing activities need the admin token', async () => {
    const app = createApp(pg);
    const admin = { authorization: 'Bearer demo-admin' };
    assert.equal((await app.request('/v1/reports', { headers: { authorization: 'Bearer demo-ads-ranker' } })).status, 403);
    const res = await app.request('/v1/reports?format=json', { headers: admin });
    assert.equal(res.status, 200);
    assert.ok(((await res.json()) as UsageReport).usage.some((u) => u.processor === 'ads-ranker'));
    const html = await app.request('/v1/reports?format=html', { headers: admin });
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await html.text(), /<canvas id="usage-chart"/);
    const ropa = (await (await app.request('/v1/reports/ropa', { headers: admin })).json()) as Ropa;
    assert.deepEqual(ropa.controller, ['acme']);
    const training = ropa.activities.find((a) => a.purpose === 'ai.training');
    assert.equal(training?.consent, 'consent required from every data subject');
    assert.deepEqual(training?.recipients.processors, ['model-trainer']);
    assert.deepEqual(training?.datasets, ['events', 'ai_corpus']);
    assert.ok(training?.dataCategories.some((c) => c.name === 'user.behavior.purchase'));
    const custom = ropa.activities.find((a) => a.purpose === 'ads.audience.custom');
    assert.deepEqual(custom?.dataSubjects, ['customers']);
    assert.deepEqual(custom?.recipients.destinations, ['meta_audience']);
    assert.equal(custom?.retention[0]?.rule, '730 days');
    const md = await app.request('/v1/reports/ropa?format=md', { headers: admin });
    assert.match(await md.text(), /^# Record of processing activities \(GDPR Art\. 30\)[\s\S]*## ai\.training/);
    const bad = await app.request('/v1/reports/ropa?format=pdf', { headers: admin });
    assert.equal(bad.status, 400);
  });

  test('HTTP: audit pages and verification need the admin token', async () => {
    const app = createApp(pg);
    const admin = { authorization: 'Bearer demo-admin' };
    assert.equal((await app.request('/v1/audit')).status, 401);
    const page = (await (await app.request('/v1/audit?after=2&limit=3', { headers: admin })).json()) as { entries: { seq: number }[]; next_after: number | null };
    assert.deepEqual(page.entries.map((e) => e.seq), [3, 4, 5]);
    assert.equal(page.next_after, 5);
    const verified = (await (await app.request('/v1/audit/verify', { headers: admin })).json()) as { ok: boolean; entries: number };
    assert.equal(verified.ok, true);
    assert.ok(verified.entries > 5);
    assert.equal((await app.request('/v1/audit?limit=0', { headers: admin })).status, 400);
  });
});

describe('HTML report in a browser', () => {
  test('renders its three charts offline; screenshot in test-output/report.png', { skip: BROWSER_SKIP }, async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}`);
    const file = join(dir, 'report.html');
    const from = new Date(started - 5 * HOUR).toISOString();
    const to = new Date(started + HOUR).toISOString();
    const run = await runCli(['report', '--format', 'html', '--from', from, '--to', to, '--out', file, '--policy', example('policy.yaml'), '--db', db], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${file}`);
      await page.waitForSelector('body[data-charts="ready"]', { timeout: 10_000 });
      const canvases = await page.$$eval('canvas', (list) => list.map((c) => {
        const canvas = c as unknown as CanvasLike;
        const ctx = canvas.getContext('2d');
        const pixels = ctx?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) painted += 1;
        return { id: canvas.id, width: canvas.width, painted, dataUrl: canvas.toDataURL().length };
      }));
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [], 'the page asked the network for nothing');
      assert.deepEqual(canvases.map((c) => c.id), ['usage-chart', 'flows-chart', 'decisions-chart']);
      for (const c of canvases) {
        assert.ok(c.width > 100, `${c.id} has a size`);
        assert.ok(c.painted > 2000, `${c.id} has ${c.painted} painted pixels`);
        assert.ok(c.dataUrl > 5000, `${c.id} image is ${c.dataUrl} characters`);
      }
      const outDir = join(ROOT, 'test-output');
      mkdirSync(outDir, { recursive: true });
      const png = join(outDir, 'report.png');
      writeFileSync(png, await page.screenshot({ fullPage: true }));
      console.log(`report screenshot: ${png}`);
    } finally {
      await browser.close();
    }
  });
});
