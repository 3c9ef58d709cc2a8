import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import type { LabelClass } from '../src/label.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { addTargets, postgresSeedSql, sqliteSeedSql } from './erasure/erasure-seed.js';
import type { Benchmark, BenchContext, BenchResult } from './harness.js';
import { benchPostgresUrl, median } from './harness.js';

const POLICY = new URL('../../examples/policy.yaml', import.meta.url).pathname;
const WARMUP = 3;
const RUNS = 15;
const LABEL: LabelClass = {
  purposes: ['ads.optimization', 'ai.training'],
  categories: [],
  source: 'web',
  jurisdiction: 'US',
  flags: [],
};

interface BuiltStore {
  readonly pg: PurposeGuard;
  readonly targets: readonly string[];
  cleanup(): Promise<void>;
}

type Builder = (records: number, ctx: BenchContext) => Promise<BuiltStore>;

/**
 * Erasing one subject (three events, a lookalike seed naming them, an
 * AI-corpus row derived from the seed) in a store ten times larger,
 * divided by the same in the smaller one: erasure follows indexes and
 * lineage edges, so it should barely grow with the store.
 */
export const erasureGrowth: Benchmark = {
  key: 'erasure_growth',
  goal: '<= 1.5',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const large = ctx.quick ? 200_000 : 1_000_000;
    return growth(ctx, buildSqlite, large);
  },
};

/** The same on PostgreSQL, when a test server is configured. */
export const erasureGrowthPg: Benchmark = {
  key: 'erasure_growth_pg',
  goal: '<= 1.5',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const url = benchPostgresUrl();
    const large = ctx.quick ? 100_000 : 1_000_000;
    return growth(ctx, (records, c) => buildPostgres(url, records, c), large);
  },
};

async function growth(ctx: BenchContext, build: Builder, large: number): Promise<BenchResult> {
  const small = large / 10;
  const stores = [await build(small, ctx), await build(large, ctx)] as const;
  try {
    const times: [number[], number[]] = [[], []];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      for (const [which, store] of stores.entries()) {
        const ms = await timeErasure(store, i);
        if (i >= WARMUP) times[which]?.push(ms);
      }
    }
    const smallMs = median(times[0]);
    const largeMs = median(times[1]);
    return {
      value: largeMs / smallMs,
      details: {
        small_records: small,
        large_records: large,
        small_erase_ms: Number(smallMs.toFixed(3)),
        large_erase_ms: Number(largeMs.toFixed(3)),
      },
    };
  } finally {
    for (const store of stores) await store.cleanup();
  }
}

async function timeErasure(store: BuiltStore, i: number): Promise<number> {
  const subject = store.targets[i];
  if (subject === undefined) throw new Error(`no target subject ${i}`);
  const start = performance.now();
  const receipt = await store.pg.forget({ subject, actor: 'bench' });
  const ms = performance.now() - start;
  if (receipt.total_rows < 5) {
    throw new Error(`erasure ${i} removed ${receipt.total_rows} rows, expected at least 5`);
  }
  return ms;
}

async function buildSqlite(records: number, ctx: BenchContext): Promise<BuiltStore> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-bench-erasure-'));
  const store = new SqliteStore(join(dir, 'erasure.db'));
  const engine = await PurposeGuard.open({ policy: POLICY, store });
  const labelId = await engine.ctx.labelId(LABEL);
  const started = performance.now();
  const db = store.database;
  db.pragma('synchronous = OFF');
  db.transaction(() => {
    for (const sql of sqliteSeedSql({ records, labelId })) db.exec(sql);
  }).immediate();
  db.exec('ANALYZE');
  db.pragma('synchronous = FULL');
  // Move the seeded pages out of the write-ahead log now, so that no timed
  // erasure pays for that checkpoint.
  db.pragma('wal_checkpoint(TRUNCATE)');
  const targets = await addTargets(engine, records, WARMUP + RUNS);
  const ms = Math.round(performance.now() - started);
  ctx.log(`sqlite: ${records.toLocaleString('en-US')} records built in ${ms} ms`);
  return {
    pg: engine,
    targets,
    cleanup: async () => {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function buildPostgres(url: string, records: number, ctx: BenchContext): Promise<BuiltStore> {
  const schema = `bench_erasure_${process.pid}_${records}`;
  const run = async (statements: readonly string[]): Promise<void> => {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      for (const sql of statements) await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run([`DROP SCHEMA IF EXISTS ${schema} CASCADE`]);
  const store = await PostgresStore.connect(url, { schema, poolSize: 2 });
  const engine = await PurposeGuard.open({ policy: POLICY, store });
  const labelId = await engine.ctx.labelId(LABEL);
  const started = performance.now();
  await run(postgresSeedSql({ records, labelId }));
  const targets = await addTargets(engine, records, WARMUP + RUNS);
  const ms = Math.round(performance.now() - started);
  ctx.log(`postgres: ${records.toLocaleString('en-US')} records built in ${ms} ms`);
  return {
    pg: engine,
    targets,
    cleanup: async () => {
      await engine.close();
      await run([`DROP SCHEMA IF EXISTS ${schema} CASCADE`]);
    },
  };
}
