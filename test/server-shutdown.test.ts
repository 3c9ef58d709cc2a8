import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import { bearer, purchase } from './server-helpers.js';
import { allRows, example, ROOT, tempDir } from './support.js';

const SENDERS = 8;
const RUN_LIMIT_MS = 8000;

/** Starts `purposeguard serve` on a free port; resolves with its URL. */
async function startChild(db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [
    join(ROOT, 'bin/purposeguard.js'), 'serve', '--port', '0', '--db', db,
    '--policy', example('policy.yaml'), '--rate-limit', 'off',
  ], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start in 10 s')), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', () => reject(new Error('the server exited before listening')));
  });
  return { child, url };
}

/** Sends one-event batches until the server stops answering; returns the acknowledged ids. */
async function sendUntilRefused(url: string, sender: number, deadline: number): Promise<string[]> {
  const acked: string[] = [];
  for (let n = 0; Date.now() < deadline; n++) {
    const id = `stop-${sender}-${n}`;
    try {
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST', headers: bearer('demo-web-key'), body: JSON.stringify({ data: [purchase(id)] }),
      });
      const body = (await res.json()) as { accepted?: number };
      if (res.status === 200 && body.accepted === 1) acked.push(id);
    } catch {
      return acked;
    }
  }
  return acked;
}

/** Holds a live-activity stream open until the server ends it. */
async function watchStream(url: string): Promise<void> {
  const res = await fetch(`${url}/v1/events/stream`, { headers: bearer('demo-admin') });
  assert.equal(res.status, 200);
  const reader = res.body?.getReader();
  try {
    while (reader && !(await reader.read()).done);
  } catch {
    return;
  }
}

test('SIGTERM mid-stream: in-flight requests finish, every acknowledged event is stored, nothing else', async () => {
  const db = join(tempDir(), 'shutdown.db');
  const { child, url } = await startChild(db);
  const exited = once(child, 'exit');
  const deadline = Date.now() + RUN_LIMIT_MS;
  const stream = watchStream(url);
  const senders = Array.from({ length: SENDERS }, (_, i) => sendUntilRefused(url, i, deadline));
  await new Promise((resolve) => setTimeout(resolve, 700));
  child.kill('SIGTERM');
  const stopping = Date.now();
  const acked = (await Promise.all(senders)).flat();
  const [code] = (await exited) as [number | null];
  await stream;
  assert.equal(code, 0);
  assert.ok(Date.now() - stopping < 5000, 'an open live stream does not hold the shutdown');
  assert.ok(Date.now() < deadline, 'the senders stopped because the server stopped');
  assert.ok(acked.length > 20, `only ${acked.length} events were acknowledged`);

  const pg = await PurposeGuard.open({ policy: example('policy.yaml'), db });
  try {
    const request = { processor: 'ads-ranker', purpose: 'ads.optimization', dataset: 'events' };
    const rows = await allRows(pg.read({ ...request, limit: 100_000 }));
    const stored = rows.map((r) => (JSON.parse(r.json) as { event_id: string }).event_id).sort();
    assert.deepEqual(stored, [...acked].sort());
  } finally {
    await pg.close();
  }
});
