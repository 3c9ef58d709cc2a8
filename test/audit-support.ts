import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { entryHash } from '../src/audit/audit-hash.js';
import { itemsFromFile } from '../src/collection/input-files.js';
import { ingest } from '../src/collection/ingest.js';
import type { PurposeGuard } from '../src/engine/purposeguard.js';
import { sharedDataPath } from './shared-data.js';
import { allRows, ROOT } from './support.js';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI in `cwd` with `env` added; resolves when it exits. */
export function runCli(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'purposeguard.js'), ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Fills a trail with every kind of entry the reference scenario makes:
 * the policy, collection of events and a customer list, allowed and
 * denied reads, an allowed flow, a blocked one, the alerts they raise, a
 * consent grant and withdrawal, and an erasure.
 */
export async function fillTrail(pg: PurposeGuard): Promise<void> {
  const events = sharedDataPath('capi', 'batch-mixed.json');
  const customers = sharedDataPath('customer-lists', 'customers.csv');
  await ingest(pg.ctx, 'web', itemsFromFile(events), { actor: 'test' });
  await ingest(pg.ctx, 'crm', itemsFromFile(customers), { actor: 'test' });
  await allRows(pg.read({ processor: 'ads-ranker', purpose: 'ads.optimization', dataset: 'events' }));
  const listed = await allRows(pg.read({ processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'customers' }));
  const us = listed.filter((r) => r.label.jurisdiction === 'US').map((r) => r.id);
  await pg.write({
    processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'lookalike_seeds',
    rows: [{ from: us, data: { seed: 1 } }],
  });
  await pg.write({
    processor: 'model-trainer', purpose: 'ai.training', dataset: 'ai_corpus',
    rows: [{ from: us, data: { sample: 1 } }],
  }).catch(() => null);
  await pg.read({ processor: 'ads-ranker', purpose: 'ai.training', dataset: 'events' }).catch(() => null);
  await allRows(pg.read({ processor: 'model-trainer', purpose: 'ai.training', dataset: 'events' }));
  await allRows(pg.read({ processor: 'ads-ranker', purpose: 'ads.optimization', dataset: 'events' }));
  await pg.consent({ email: 'carol@example.net', purpose: 'ai.training', status: 'granted', actor: 'test' });
  await pg.consent({ email: 'carol@example.net', purpose: 'ai.training', status: 'withdrawn', actor: 'test' });
  await pg.forget({ email: 'bob@example.org', actor: 'test' });
}

/** A copy of a closed SQLite store, to tamper with. */
export function copyStore(file: string, dir: string, name: string): string {
  const copy = join(dir, `${name}.db`);
  copyFileSync(file, copy);
  return copy;
}

/** Runs raw SQL on a SQLite file, as someone with access to the file could. */
export function tamper(file: string, work: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    db.transaction(() => work(db))();
  } finally {
    db.close();
  }
}

interface RawEntry {
  seq: number;
  at: number;
  kind: string;
  actor: string;
  owner: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

export function rawEntry(db: Database.Database, seq: number): RawEntry {
  const row = db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as RawEntry | undefined;
  if (!row) throw new Error(`no audit entry ${seq}`);
  return row;
}

/**
 * Inserts a forged entry at `seq`, moving the entries from there on one
 * place up. With `rehash` the forgery links and hashes correctly, as a
 * forger who knows the algorithm would make it.
 */
export function insertForged(db: Database.Database, seq: number, options: { rehash: boolean }): void {
  const before = rawEntry(db, seq - 1);
  db.prepare('UPDATE audit_log SET seq = seq + 1000000 WHERE seq >= ?').run(seq);
  db.prepare('UPDATE audit_log SET seq = seq - 999999 WHERE seq >= 1000000').run();
  const forged = {
    seq, at: before.at + 1, kind: 'decision', actor: 'bi-export', owner: 'acme',
    dataJson: '{"processor":"bi-export","purpose":"analytics.external","dataset":"events","outcome":"allow","rows":0}',
  };
  const hash = options.rehash ? entryHash(before.hash, forged) : 'f'.repeat(64);
  db.prepare('INSERT INTO audit_log (seq, at, kind, actor, owner, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(forged.seq, forged.at, forged.kind, forged.actor, forged.owner, forged.dataJson, before.hash, hash);
}
