import { resolve } from 'node:path';
import { PurposeGuardError } from '../errors.js';
import type { PostgresOptions } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export const DEFAULT_DB = 'purposeguard.db';

/**
 * Opens the store a URL names: `postgres://...` or `postgresql://...` for
 * PostgreSQL, `sqlite:FILE`, a plain file path, or `:memory:`.
 */
export async function openStore(url: string = DEFAULT_DB): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgresStore(url);
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (file === '') throw new PurposeGuardError('invalid_request', 'the database URL is empty');
  return new SqliteStore(file === ':memory:' ? file : resolve(file));
}

/**
 * Opens a PostgreSQL store with pool settings; the driver is loaded only
 * when it is needed.
 *
 * @example
 * const store = await openPostgresStore(url, { poolSize: 20, statementTimeoutMs: 10_000 });
 */
export async function openPostgresStore(
  url: string,
  options: PostgresOptions = {},
): Promise<Store> {
  const { PostgresStore } = await import('./postgres/postgres-store.js');
  return PostgresStore.connect(url, options);
}
