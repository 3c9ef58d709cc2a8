import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startServer } from '../src/server/serve.js';
import type { RunningServer } from '../src/server/serve.js';
import { logModePolicy, seedDashboard } from './dashboard-seed.js';
import { bearer, countRecords } from './server-helpers.js';
import { BROWSER_SKIP, CHROMIUM, CHROMIUM_ARGS as ARGS } from './browser-support.js';
import { openEngine, ROOT, tempDir } from './support.js';
import type { TestEngine } from './support.js';

const OUT = join(ROOT, 'test-output');
const RED = 'rgb(217,45,32)';

let t: TestEngine;
let server: RunningServer;
let browser: Browser;
let page: Page;

function read(token: string, purpose: string): Promise<Response> {
  const init = { method: 'POST', headers: bearer(token), body: JSON.stringify({ purpose }) };
  return fetch(`${server.url}/v1/datasets/events/query`, init);
}

test('Chromium is installed for the browser tests', { skip: BROWSER_SKIP }, () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install chromium, or set PURPOSEGUARD_CHROMIUM`);
});

describe('the dashboard in headless Chromium', { skip: BROWSER_SKIP }, () => {
  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no chromium at ${CHROMIUM}: install it (apt-get install chromium) or set PURPOSEGUARD_CHROMIUM`);
    }
    mkdirSync(OUT, { recursive: true });
    t = await openEngine(logModePolicy(tempDir()));
    const seeded = await seedDashboard(t.pg);
    assert.equal(seeded.seeds.outcome, 'allowed');
    assert.equal(seeded.corpus.outcome, 'violation');
    server = await startServer(t.pg, { port: 0, host: '127.0.0.1', rateLimit: null });
    await read('demo-ads-ranker', 'ads.optimization');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
    page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, deviceScaleFactor: 1 });
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await server?.close({ drainMs: 1000 });
    await t?.pg.close();
  });

  test('the login form trades the admin token for an HttpOnly SameSite=Strict session cookie', async () => {
    await page.goto(server.url);
    assert.equal(await page.locator('input[name=token]').count(), 1);
    await page.screenshot({ path: join(OUT, 'dashboard-login.png') });
    await page.fill('input[name=token]', 'not-the-token');
    await page.click('button[type=submit]');
    assert.ok(await page.locator('.error:not([hidden])').isVisible());
    await page.fill('input[name=token]', 'demo-admin');
    await page.click('button[type=submit]');
    await page.waitForSelector('body[data-ready=true]');
    const [cookie] = await page.context().cookies();
    assert.equal(cookie?.name, 'pg_session');
    assert.equal(cookie?.httpOnly, true);
    assert.equal(cookie?.sameSite, 'Strict');
    assert.notEqual(cookie?.value, 'demo-admin');
    assert.ok(!(await page.content()).includes('demo-admin'));
  });

  test('the lineage graph shows the violating flow as a red edge', async () => {
    const edges = await page.evaluate(() => {
      const cy = (globalThis as unknown as { purposeguardGraph: CyLike }).purposeguardGraph;
      return cy.edges().map((e) => ({
        source: e.data('source') as string, target: e.data('target') as string,
        violation: e.data('violation') as boolean, color: e.style('line-color') as string,
      }));
    });
    const bad = edges.filter((e) => e.violation);
    assert.deepEqual(bad.map((e) => [e.source, e.target]), [['dataset:events', 'dataset:ai_corpus']]);
    assert.equal(bad[0]?.color.replace(/\s/g, ''), RED);
    const good = edges.find((e) => e.target === 'dataset:lookalike_seeds');
    assert.ok(good && good.color.replace(/\s/g, '') !== RED);
    assert.equal(await page.textContent('#stat-violations'), '1');
  });

  test('live decisions and flow violations arrive as they happen', async () => {
    assert.equal((await read('demo-ads-ranker', 'ai.training')).status, 403);
    await page.waitForSelector('#activity .badge.deny');
    const rows = ((await (await read('demo-ads-ranker', 'ads.optimization')).json()) as { rows: { id: number }[] }).rows;
    const write = { purpose: 'ads.optimization', rows: rows.slice(2, 3).map((r) => ({ from: [r.id], data: { n: r.id } })) };
    const init = { method: 'POST', headers: bearer('demo-ads-ranker'), body: JSON.stringify(write) };
    const res = await fetch(`${server.url}/v1/datasets/ai_corpus/rows`, init);
    assert.equal(((await res.json()) as { outcome: string }).outcome, 'violation');
    await page.waitForSelector('#activity .badge.violation');
    assert.match((await page.textContent('#activity')) ?? '', /ads-ranker wrote ai_corpus for ads\.optimization/);
    const text = await page.textContent('#activity');
    assert.match(text ?? '', /ads-ranker read events for ai\.training/);
    assert.match(text ?? '', /ads-ranker read events for ads\.optimization/);
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(OUT, 'dashboard.png'), fullPage: true });
    await page.locator('#graph').screenshot({ path: join(OUT, 'dashboard-graph.png') });
    const docs = join(ROOT, 'docs', 'dashboard.png');
    if (!existsSync(docs) || process.env['PURPOSEGUARD_UPDATE_SCREENSHOT'] === '1') {
      copyFileSync(join(OUT, 'dashboard.png'), docs);
    }
  });

  test('a subject lookup shows where the data went and the consent state', async () => {
    await page.fill('#subject-email', 'mina.lee@example.com');
    await page.click('#subject-form button[type=submit]');
    await page.waitForSelector('#subject-result h3:nth-of-type(2)');
    const text = (await page.textContent('#subject-result')) ?? '';
    assert.match(text, /Where the data went/);
    assert.match(text, /Consent/);
    assert.ok(!text.includes('could not'));
    await page.locator('#subject-result').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUT, 'dashboard-subject.png'), fullPage: true });
  });

  interface CyLike {
    edges(): { map<T>(fn: (edge: { data(key: string): unknown; style(key: string): unknown }) => T): T[] };
  }

  test('consent and erasure go through a confirmation step', async () => {
    await page.fill('#consent-email', 'omar.haddad@example.org');
    await page.selectOption('#consent-purpose', 'ai.training');
    await page.selectOption('#consent-status', 'granted');
    await page.click('#consent-form button[type=submit]');
    await page.waitForSelector('dialog#confirm[open]');
    await page.click('dialog#confirm button[value=cancel]');
    assert.equal(await page.locator('#action-result .note').count(), 0);
    await page.click('#consent-form button[type=submit]');
    await page.click('dialog#confirm button[value=ok]');
    await page.waitForSelector('#action-result .note.good');
    const consent = await fetch(`${server.url}/v1/consent?email=omar.haddad%40example.org`, { headers: bearer('demo-admin') });
    const granted = ((await consent.json()) as { purposes: { purpose: string; status: string }[] }).purposes;
    assert.ok(granted.some((p) => p.purpose === 'ai.training' && p.status === 'granted'));

    const before = await countRecords(t.pg, 'events');
    await page.fill('#erasure-email', 'omar.haddad@example.org');
    await page.click('#erasure-form button[type=submit]');
    await page.click('dialog#confirm button[value=ok]');
    await page.waitForSelector('#action-result .note.good');
    assert.match((await page.textContent('#action-result')) ?? '', /total_rows/);
    assert.ok((await countRecords(t.pg, 'events')) < before);
    const after = await fetch(`${server.url}/v1/lineage/subject?email=omar.haddad%40example.org`, { headers: bearer('demo-admin') });
    assert.deepEqual(((await after.json()) as { datasets: unknown[] }).datasets, []);
    await page.screenshot({ path: join(OUT, 'dashboard-actions.png'), fullPage: true });
  });
});
