import type pg from 'pg';
import { PurposeGuardError } from '../../errors.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Connection settings of the PostgreSQL store. */
export interface PostgresOptions {
  /** Connections in the pool; 10 unless set. */
  readonly poolSize?: number;
  /** Longest a statement may run, in ms; 30 000 unless set. */
  readonly statementTimeoutMs?: number;
  /** Longest to wait for a connection, in ms; 5 000 unless set. */
  readonly connectTimeoutMs?: number;
  /** A schema to keep the tables in, created when missing. */
  readonly schema?: string;
}

/** The pool settings for a URL and the store's options. */
export function poolConfig(
  url: string,
  options: PostgresOptions,
  schema: string | null,
): pg.PoolConfig {
  const config: pg.PoolConfig = {
    connectionString: url,
    max: positive(options.poolSize, 10, 'poolSize'),
    connectionTimeoutMillis: positive(options.connectTimeoutMs, 5000, 'connectTimeoutMs'),
    statement_timeout: positive(options.statementTimeoutMs, 30_000, 'statementTimeoutMs'),
    application_name: 'purposeguard',
  };
  // JIT compilation costs hundreds of milliseconds a query and pays off only
  // for long analytical queries; a purpose-checked read is not one.
  const settings = ['-c jit=off', ...(schema === null ? [] : [`-c search_path=${schema}`])];
  return { ...config, options: settings.join(' ') };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new PurposeGuardError('invalid_request', `${name}: ${value} is not a positive integer`);
  }
  return value;
}

/** The schema option, checked to be a plain name safe to put in SQL. */
export function checkSchema(schema: string | undefined): string | null {
  if (schema === undefined) return null;
  if (!SCHEMA_NAME.test(schema)) {
    const message = `schema: '${schema}' is not a plain lowercase name`;
    throw new PurposeGuardError('invalid_request', message);
  }
  return schema;
}
