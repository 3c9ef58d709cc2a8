import type pg from 'pg';
import { PurposeGuardError } from '../../errors.js';
import type { Row } from '../stored-rows.js';

/**
 * The advisory lock key that serializes writers: every transaction that
 * writes records, consent or the audit chain holds it, so the chain stays
 * one chain and an erasure sees every record committed before it.
 */
export const WRITE_LOCK = 0x5047_4131;

/** A pool, or one connection inside a transaction. */
export type Db = pg.Pool | pg.PoolClient;

/** Runs one statement and returns its rows. */
export async function rowsOf(
  db: Db,
  text: string,
  values: readonly unknown[],
): Promise<Row[]> {
  const result = await db.query<Row>(text, [...values]);
  return result.rows;
}

/** Takes the writers' lock until the transaction ends. */
export async function lockWriters(db: pg.PoolClient): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
}

/** A row a statement must have returned. */
export function mustExist<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new PurposeGuardError('internal', `${what} was not returned`);
  return value;
}
