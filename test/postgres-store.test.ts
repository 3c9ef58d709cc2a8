import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { PurposeGuardError } from '../src/errors.js';
import { openStore } from '../src/store/open-store.js';
import { PostgresStore, WRITE_LOCK } from '../src/store/postgres/postgres-store.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/postgres-schema.js';
import { PG_URL_VARIABLE } from './store-fixtures.js';

const SECRET = 'hunter2-not-a-real-password';

async function connectError(url: string): Promise<PurposeGuardError> {
  try {
    const store = await openStore(url);
    await store.close();
  } catch (error) {
    assert.ok(error instanceof PurposeGuardError);
    return error;
  }
  throw new Error('the connection was expected to fail');
}

function assertNoSecret(error: PurposeGuardError): void {
  assert.ok(!error.message.includes(SECRET), 'no password in the message');
  assert.ok(!JSON.stringify(error.toJSON()).includes(SECRET), 'no password in the JSON');
  assert.ok(!error.message.includes('\n'), 'no stack in the message');
}

describe('postgres store without a server', () => {
  it('reports a refused connection without the password', async () => {
    const error = await connectError(`postgres://app:${SECRET}@127.0.0.1:1/purposeguard`);
    assert.equal(error.code, 'store_unavailable');
    assert.equal(
      error.message,
      'cannot connect to PostgreSQL at 127.0.0.1:1/purposeguard (connection refused)',
    );
    assertNoSecret(error);
  });

  it('does not echo a URL it cannot parse', async () => {
    const error = await connectError(`postgres://app:${SECRET}@[::1/purposeguard`);
    assert.equal(error.code, 'invalid_request');
    assertNoSecret(error);
  });

  it('refuses a schema name that is not a plain name', async () => {
    await assert.rejects(
      PostgresStore.connect('postgres://app@127.0.0.1:1/db', { schema: 'x; drop' }),
      (error) => error instanceof PurposeGuardError && error.code === 'invalid_request',
    );
  });
});

const url = process.env[PG_URL_VARIABLE] ?? '';
const missing = url === '' ? `${PG_URL_VARIABLE} is not set` : false;

describe('postgres store against a server', { skip: missing }, () => {
  const withPassword = (target: string, database?: string): string => {
    const parsed = new URL(target);
    parsed.password = SECRET;
    if (database !== undefined) parsed.pathname = `/${database}`;
    return parsed.toString();
  };

  it('names a database that does not exist', async () => {
    const error = await connectError(withPassword(url, 'no_such_database'));
    assert.equal(error.code, 'store_unavailable');
    assert.match(error.message, /\/no_such_database \(database does not exist\)$/);
    assertNoSecret(error);
  });

  it('keeps the password out of its location', async () => {
    const schema = `connect_${process.pid}_location`;
    const store = await PostgresStore.connect(withPassword(url), { schema });
    try {
      assert.equal(store.kind, 'postgres');
      assert.ok(!store.location.includes(SECRET));
      assert.ok(store.location.startsWith('postgres://'));
    } finally {
      await store.close();
      await dropSchema(schema);
    }
  });

  it('migrates once when two processes start at the same moment', async () => {
    const schema = `connect_${process.pid}_race`;
    const opened = await Promise.all(
      [1, 2, 3].map(() => PostgresStore.connect(url, { schema, poolSize: 2 })),
    );
    await Promise.all(opened.map((store) => store.close()));
    try {
      const versions = await scalar(
        `SELECT count(*) FROM ${schema}.schema_migrations`,
      );
      assert.equal(versions, POSTGRES_MIGRATIONS.length);
    } finally {
      await dropSchema(schema);
    }
  });

  it('indexes the identifiers of records stored before they were indexed', async () => {
    const schema = `connect_${process.pid}_identifiers`;
    const store = await PostgresStore.connect(url, { schema });
    try {
      const label = await store.internLabel({
        purposes: ['ads'], categories: [], source: 'web', jurisdiction: 'US', flags: [],
      });
      const data = { user_data: { em: ['s1', 'em-2'], ph: ['ph-1'], fbp: 'fb.1' } };
      await store.commit({
        records: [{
          dataset: 'events', owner: 'o1', labelId: label, subjects: ['s1'],
          collectedAt: 1, expiresAt: null, dedupeKey: null, json: JSON.stringify(data),
        }],
        audit: [],
      });
      const version = POSTGRES_MIGRATIONS
        .find((m) => m.sql.includes('TABLE record_identifiers'))?.version;
      assert.ok(version);
      await scalar(`DROP TABLE ${schema}.record_identifiers`);
      await scalar(`DELETE FROM ${schema}.schema_migrations WHERE version = ${version}`);
    } finally {
      await store.close();
    }
    const reopened = await PostgresStore.connect(url, { schema });
    try {
      assert.equal(await scalar(`SELECT count(*) FROM ${schema}.record_identifiers`), 2);
      const datasets = await reopened.subjectDatasets('o1', 'ph-1');
      assert.deepEqual(datasets, [{ owner: 'o1', dataset: 'events', rows: 1 }]);
      assert.deepEqual(await reopened.subjectDatasets('o1', 'em-2'), datasets);
      assert.deepEqual(await reopened.subjectDatasets('o1', 'fb.1'), []);
    } finally {
      await reopened.close();
      await dropSchema(schema);
    }
  });

  it('maps a statement that runs too long to timeout', async () => {
    const schema = `connect_${process.pid}_timeout`;
    const store = await PostgresStore.connect(url, { schema, statementTimeoutMs: 200 });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [WRITE_LOCK]);
      await assert.rejects(
        store.appendAudit([{ kind: 'policy', actor: 'test', owner: null, data: {} }]),
        (error) => error instanceof PurposeGuardError && error.code === 'timeout',
      );
    } finally {
      await holder.end();
      await store.close();
      await dropSchema(schema);
    }
  });
});

async function scalar(sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<Record<string, unknown>>(sql);
    return Number(Object.values(result.rows[0] ?? {})[0]);
  } finally {
    await client.end();
  }
}

async function dropSchema(schema: string): Promise<void> {
  await scalar(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
