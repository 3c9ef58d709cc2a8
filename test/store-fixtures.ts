import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';

/** One empty store's worth of state, opened as many times as a test needs. */
export interface StoreFixture {
  /** A new store instance (a new connection or pool) on the same state. */
  open(): Promise<Store>;
  /** A count from a raw SQL query, for checks the contract cannot express. */
  count(sql: string): Promise<number>;
  cleanup(): Promise<void>;
}

/** A store the contract runs against, or the reason it cannot run. */
export interface StoreCase {
  readonly name: string;
  /** Why the case cannot run here, or null when it can. */
  readonly missing: string | null;
  /** Whether a missing case is a failure rather than a skip. */
  readonly required: boolean;
  fresh(): Promise<StoreFixture>;
}

export const PG_URL_VARIABLE = 'PURPOSEGUARD_TEST_PG_URL';

export function storeCases(): StoreCase[] {
  return [sqliteCase(), postgresCase(process.env[PG_URL_VARIABLE])];
}

function sqliteCase(): StoreCase {
  return { name: 'sqlite', missing: null, required: true, fresh: freshSqlite };
}

async function freshSqlite(): Promise<StoreFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'purposeguard-store-'));
  const file = join(dir, 'store.db');
  return {
    open: async () => new SqliteStore(file),
    count: async (sql) => {
      const db = new Database(file, { readonly: true });
      try {
        return Number(Object.values(db.prepare(sql).get() as object)[0]);
      } finally {
        db.close();
      }
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresCase(url: string | undefined): StoreCase {
  const missing = url === undefined || url === ''
    ? `${PG_URL_VARIABLE} is not set; run scripts/test-postgres.sh or point it at a database`
    : null;
  return {
    name: 'postgres',
    missing,
    required: process.env['CI'] !== undefined && process.env['CI'] !== '',
    fresh: () => freshPostgres(url ?? ''),
  };
}

let schemas = 0;

async function freshPostgres(url: string): Promise<StoreFixture> {
  schemas += 1;
  const schema = `contract_${process.pid}_${schemas}_${Date.now().toString(36)}`;
  const query = async (sql: string): Promise<number> => {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      const result = await client.query<Record<string, unknown>>(sql);
      return Number(Object.values(result.rows[0] ?? {})[0] ?? 0);
    } finally {
      await client.end();
    }
  };
  return {
    open: () => PostgresStore.connect(url, { schema, poolSize: 4 }),
    count: query,
    cleanup: async () => {
      await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}
