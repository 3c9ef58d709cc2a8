import { hash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ingest } from '../src/collection/ingest.js';
import { itemsFromBatch } from '../src/collection/input-files.js';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import type { Benchmark, BenchContext, BenchResult } from './harness.js';
import { median } from './harness.js';

const POLICY = new URL('../../examples/policy.yaml', import.meta.url).pathname;
const NAMES = ['Purchase', 'AddToCart', 'ViewContent', 'PageView', 'Lead'];
const COUNTRIES = ['us', 'de', 'kr', 'fr', 'gb'];

/**
 * Full ingestion (parse, validate, normalize, hash, scan, label, dedupe,
 * commit) against parsing the same JSON, hashing two fields and inserting
 * each event into SQLite in one transaction.
 */
export const ingestOverhead: Benchmark = {
  key: 'ingest_overhead',
  goal: '<= 2.0',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const count = ctx.quick ? 40_000 : 200_000;
    const text = JSON.stringify({ data: Array.from({ length: count }, (_, i) => event(i)) });
    const dir = mkdtempSync(join(tmpdir(), 'pg-bench-ingest-'));
    let n = 0;
    const fresh = (): string => join(dir, `run-${n++}.db`);
    try {
      const runs = ctx.quick ? 3 : 5;
      const base: number[] = [];
      const ours: number[] = [];
      await baseline(text, fresh());
      await full(text, fresh(), count);
      for (let i = 0; i < runs; i++) {
        base.push(await baseline(text, fresh()));
        ours.push(await full(text, fresh(), count));
        ctx.log(`run ${i + 1}: baseline ${base.at(-1)?.toFixed(0)} ms, full ingestion ${ours.at(-1)?.toFixed(0)} ms`);
      }
      const b = median(base);
      const o = median(ours);
      return {
        value: o / b,
        details: {
          events: count,
          baseline_ms: Math.round(b),
          ingest_ms: Math.round(o),
          ingest_events_per_s: Math.round(count / (o / 1000)),
          baseline_events_per_s: Math.round(count / (b / 1000)),
        },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function event(i: number): unknown {
  return {
    event_name: NAMES[i % NAMES.length],
    event_time: 1_764_806_400 + i,
    event_id: `evt-${i}`,
    action_source: 'website',
    event_source_url: `https://shop.example.com/products/sku-${i % 997}?ref=mail`,
    user_data: {
      em: [` Person.${i}@Example.com `],
      ph: [`+1 (650) 555-${String(i % 10_000).padStart(4, '0')}`],
      fn: ['Alex'],
      country: [COUNTRIES[i % COUNTRIES.length]],
      client_user_agent: 'Mozilla/5.0',
    },
    custom_data: { currency: 'USD', value: (i % 500) + 0.5, content_ids: [`sku-${i % 997}`], content_type: 'product' },
  };
}

async function baseline(text: string, file: string): Promise<number> {
  globalThis.gc?.({ type: 'major', execution: 'sync' });
  const start = process.hrtime.bigint();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, em TEXT, ph TEXT, data TEXT)');
  const insert = db.prepare('INSERT INTO events (em, ph, data) VALUES (?, ?, ?)');
  const batch = JSON.parse(text) as { data: { user_data: { em: string[]; ph: string[] } }[] };
  db.transaction(() => {
    for (const e of batch.data) {
      const em = hash('sha256', e.user_data.em[0] ?? '', 'hex');
      const ph = hash('sha256', e.user_data.ph[0] ?? '', 'hex');
      insert.run(em, ph, JSON.stringify(e));
    }
  })();
  db.close();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function full(text: string, file: string, expected: number): Promise<number> {
  globalThis.gc?.({ type: 'major', execution: 'sync' });
  const start = process.hrtime.bigint();
  const pg = await PurposeGuard.open({ policy: POLICY, db: file });
  const summary = await ingest(pg.ctx, 'web', itemsFromBatch(JSON.parse(text), 'bench'), { actor: 'bench', chunkSize: 5000 });
  await pg.close();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (summary.accepted !== expected) {
    throw new Error(`accepted ${summary.accepted} of ${expected}: ${JSON.stringify(summary.rejected.slice(0, 3))}`);
  }
  return ms;
}
