import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Benchmark, BenchContext, BenchResult } from './harness.js';
import { median } from './harness.js';
import { seedRecords } from './store/seed-records.js';

const POLICY = new URL('../../examples/policy.yaml', import.meta.url).pathname;

/**
 * A purpose-checked read (label filter, consent for a requires_consent
 * purpose, audit entry) against a plain SELECT of the same rows.
 */
export const readOverhead: Benchmark = {
  key: 'read_overhead',
  goal: '<= 1.2',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const rows = ctx.quick ? 200_000 : 1_000_000;
    const dir = mkdtempSync(join(tmpdir(), 'pg-bench-read-'));
    const store = new SqliteStore(join(dir, 'read.db'));
    const pg = await PurposeGuard.open({ policy: POLICY, store });
    try {
      await seedRecords(pg.ctx, {
        records: rows, subjects: rows / 10, consentEvery: 1, consentPurpose: 'ai.training',
        label: { purposes: ['ai.training', 'ads.optimization'], categories: [], source: 'web', jurisdiction: 'US', flags: [] },
        dataset: 'events', owner: 'acme', log: ctx.log,
      });
      const plain = store.database.prepare("SELECT * FROM records WHERE owner = 'acme' AND dataset = 'events'");
      const baseline = async (): Promise<number> => {
        let n = 0;
        for (const row of plain.iterate()) n += (row as { data: string }).data.length > 0 ? 1 : 0;
        return n;
      };
      let sample = (): void => {};
      const checked = async (): Promise<number> => {
        let n = 0;
        const { batches } = await pg.read({ processor: 'model-trainer', purpose: 'ai.training', dataset: 'events' });
        for await (const batch of batches) {
          for (const row of batch) n += row.json.length > 0 ? 1 : 0;
          sample();
        }
        return n;
      };
      const [plainMs, checkedMs] = await timeBoth(baseline, checked, rows, ctx);
      let peakHeap = 0;
      globalThis.gc?.({ type: 'major', execution: 'sync' });
      const startHeap = process.memoryUsage().heapUsed;
      sample = () => {
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - startHeap);
      };
      await checked();
      return {
        value: checkedMs / plainMs,
        details: {
          rows,
          plain_ms: Math.round(plainMs),
          checked_ms: Math.round(checkedMs),
          checked_rows_per_s: Math.round(rows / (checkedMs / 1000)),
          checked_heap_growth_mb: Math.round(peakHeap / 1e6),
          result_mb: Math.round(Number(store.database.prepare('SELECT sum(length(data)) AS n FROM records').pluck().get()) / 1e6),
        },
      };
    } finally {
      await pg.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function timeBoth(
  baseline: () => Promise<number>,
  checked: () => Promise<number>,
  rows: number,
  ctx: BenchContext,
): Promise<[number, number]> {
  const runs = ctx.quick ? 3 : 5;
  const a: number[] = [];
  const b: number[] = [];
  await baseline();
  await checked();
  for (let i = 0; i < runs; i++) {
    a.push(await timed(baseline, rows));
    b.push(await timed(checked, rows));
  }
  ctx.log(`plain SELECT ${median(a).toFixed(0)} ms, purpose-checked ${median(b).toFixed(0)} ms`);
  return [median(a), median(b)];
}

async function timed(fn: () => Promise<number>, expected: number): Promise<number> {
  globalThis.gc?.({ type: 'major', execution: 'sync' });
  const start = process.hrtime.bigint();
  const n = await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (n !== expected) throw new Error(`read ${n} rows, expected ${expected}`);
  return ms;
}
