import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import type { LabelClass } from '../src/label.js';
import { openStore } from '../src/store/open-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Benchmark, BenchContext, BenchResult } from './harness.js';
import { benchPostgresUrl, median } from './harness.js';
import { seedPostgres } from './store/seed-postgres.js';
import { seedRecords } from './store/seed-records.js';

const POLICY = new URL('../../examples/policy.yaml', import.meta.url).pathname;
const LABEL: LabelClass = {
  purposes: ['ai.training', 'ads.optimization'], categories: [], source: 'web', jurisdiction: 'US', flags: [],
};
const PLAIN = "SELECT * FROM records WHERE owner = 'acme' AND dataset = 'events'";

interface Subject {
  readonly pg: PurposeGuard;
  /** Reads the same rows with a plain SELECT; returns the row count. */
  plain(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A purpose-checked read (label filter, consent for a requires_consent
 * purpose, audit entry) against a plain SELECT of the same rows.
 */
export const readOverhead: Benchmark = {
  key: 'read_overhead',
  goal: '<= 1.2',
  run: (ctx) => measureRead(ctx, openSqlite),
};

/** The same on PostgreSQL. */
export const readOverheadPg: Benchmark = {
  key: 'read_overhead_pg',
  goal: '<= 1.2',
  run: (ctx) => measureRead(ctx, (rows, c) => openPostgres(benchPostgresUrl(), rows, c)),
};

async function measureRead(
  ctx: BenchContext,
  open: (rows: number, ctx: BenchContext) => Promise<Subject>,
): Promise<BenchResult> {
  const rows = ctx.quick ? 200_000 : 1_000_000;
  const subject = await open(rows, ctx);
  try {
    let sample = (): void => {};
    const checked = async (): Promise<number> => {
      let n = 0;
      const { batches } = await subject.pg.read({ processor: 'model-trainer', purpose: 'ai.training', dataset: 'events' });
      for await (const batch of batches) {
        for (const row of batch) n += row.json.length > 0 ? 1 : 0;
        sample();
      }
      return n;
    };
    const [plainMs, checkedMs] = await timeBoth(subject.plain, checked, rows, ctx);
    globalThis.gc?.({ type: 'major', execution: 'sync' });
    const startHeap = process.memoryUsage().heapUsed;
    let peakHeap = 0;
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
        result_mb: Math.round((rows * 230) / 1e6),
      },
    };
  } finally {
    await subject.close();
  }
}

async function openSqlite(rows: number, ctx: BenchContext): Promise<Subject> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-bench-read-'));
  const store = new SqliteStore(join(dir, 'read.db'));
  const pg = await PurposeGuard.open({ policy: POLICY, store });
  await seedRecords(pg.ctx, {
    records: rows, subjects: rows / 10, consentEvery: 1, consentPurpose: 'ai.training',
    label: LABEL, dataset: 'events', owner: 'acme', log: ctx.log,
  });
  const plain = store.database.prepare(PLAIN);
  return {
    pg,
    plain: async () => {
      let n = 0;
      for (const row of plain.iterate()) n += (row as { data: string }).data.length > 0 ? 1 : 0;
      return n;
    },
    close: async () => {
      await pg.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(base: string, rows: number, ctx: BenchContext): Promise<Subject> {
  const name = `bench_read_${process.pid}_${Date.now().toString(36)}`;
  await adminQuery(base, `CREATE DATABASE ${name}`);
  const url = withDatabase(base, name);
  const guard = await PurposeGuard.open({ policy: POLICY, store: await openStore(url) });
  ctx.log(`seeding ${rows.toLocaleString('en-US')} records in PostgreSQL`);
  await seedPostgres(guard.ctx, url, { records: rows, subjects: rows / 10, consentPurpose: 'ai.training', label: LABEL });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    pg: guard,
    plain: async () => {
      let n = 0;
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`DECLARE plain NO SCROLL CURSOR FOR ${PLAIN}`);
      for (;;) {
        const { rows: batch } = await client.query<{ data: string }>('FETCH 2000 FROM plain');
        if (batch.length === 0) break;
        for (const row of batch) n += row.data.length > 0 ? 1 : 0;
      }
      await client.query('COMMIT');
      return n;
    },
    close: async () => {
      await client.end();
      await guard.close();
      await adminQuery(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function timeBoth(
  baseline: () => Promise<number>,
  checked: () => Promise<number>,
  rows: number,
  ctx: BenchContext,
): Promise<[number, number]> {
  const runs = ctx.quick ? 3 : 5;
  const a: number[] = [];
  const b: number[] = [];
  await timed(baseline, rows);
  await timed(checked, rows);
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
