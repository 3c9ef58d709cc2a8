import type pg from 'pg';
import { POSTGRES_MIGRATIONS } from './postgres-schema.js';

/** The advisory lock key held while migrations run. */
const MIGRATION_LOCK = 0x5047_4d31;

/**
 * Brings the schema up to date in one transaction. The advisory lock makes
 * a second process starting at the same moment wait, then find nothing to
 * do; running it again is a no-op.
 */
export async function migrate(pool: pg.Pool, schema: string | null): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    if (schema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await applyPending(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function applyPending(client: pg.PoolClient): Promise<void> {
  await client.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`,
  );
  const result = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
  const applied = new Set(result.rows.map((r) => Number(r.version)));
  for (const migration of POSTGRES_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    await client.query(migration.sql);
    await client.query(
      'INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)',
      [migration.version, Date.now()],
    );
  }
}

/** Quotes a name already checked to be a plain identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
