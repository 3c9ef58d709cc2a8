import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { entryHash, GENESIS_HASH } from '../../audit/audit-hash.js';
import { PurposeGuardError } from '../../errors.js';
import { labelClassKey, normalizeLabelClass } from '../../label.js';
import type { LabelClass } from '../../label.js';
import { readFilter } from '../read-filter.js';
import type {
  AuditEntry,
  AuditInput,
  CommitResult,
  ConsentChange,
  ConsentState,
  DatasetCount,
  EraseCounts,
  EraseRequest,
  EraseResult,
  ExpireRequest,
  FlowFilter,
  NewFlow,
  NewRecord,
  OutboxItem,
  OutboxUpdate,
  ReadPlan,
  Store,
  StoredFlow,
  StoredLabel,
  StoredRecord,
  WriteBatch,
} from '../store.js';
import { postgresDialect } from './postgres-dialect.js';
import { connectError, queryError } from './postgres-errors.js';
import { migrate } from './postgres-migrate.js';
import {
  RECORD_COLUMNS,
  toAudit,
  toConsent,
  toDatasetCount,
  toFlow,
  toOutbox,
  toStoredLabel,
  toStoredRecord,
} from './postgres-rows.js';
import type { Row } from './postgres-rows.js';
import { postgresTarget } from './postgres-target.js';

/**
 * The advisory lock key that serializes writers: every transaction that
 * writes records, consent or the audit chain holds it, so the chain stays
 * one chain and an erasure sees every record committed before it.
 */
export const WRITE_LOCK = 0x5047_4131;

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

type Db = pg.Pool | pg.PoolClient;

interface Removed {
  rows: Record<string, number>;
  derivedRows: Record<string, number>;
}

/**
 * The server store: PostgreSQL through a connection pool. Writes that
 * belong together run in one transaction under an advisory lock, so
 * several server processes can share one database.
 *
 * @example
 * const store = await PostgresStore.connect('postgres://pg@127.0.0.1/pg', { poolSize: 4 });
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly location: string;
  readonly #pool: pg.Pool;
  readonly #where: string;

  private constructor(pool: pg.Pool, location: string, where: string) {
    this.#pool = pool;
    this.location = location;
    this.#where = where;
  }

  /** Connects, migrates the schema, and returns the store. */
  static async connect(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
    const target = postgresTarget(url);
    const schema = checkSchema(options.schema);
    const pool = new pg.Pool(poolConfig(url, options, schema));
    // An idle connection the server dropped is discarded by the pool and
    // the next query opens a new one; without a listener it would crash.
    pool.on('error', () => undefined);
    try {
      await migrate(pool, schema);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw connectError(error, target.where);
    }
    return new PostgresStore(pool, target.location, target.where);
  }

  async internLabel(label: LabelClass): Promise<number> {
    const clean = normalizeLabelClass(label);
    const key = labelClassKey(clean);
    const added = await this.#rows(
      `WITH added AS (
         INSERT INTO labels (key, purposes, categories, source, jurisdiction, flags)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING RETURNING id)
       SELECT id FROM added UNION ALL SELECT id FROM labels WHERE key = $1`,
      [
        key, JSON.stringify(clean.purposes), JSON.stringify(clean.categories),
        clean.source, clean.jurisdiction, JSON.stringify(clean.flags),
      ],
    );
    // A label added by another transaction during this statement is not
    // in its snapshot; a second look finds it.
    const rows = added.length > 0
      ? added
      : await this.#rows('SELECT id FROM labels WHERE key = $1', [key]);
    return Number(mustExist(rows[0], 'label')['id']);
  }

  async labelsAfter(afterId: number): Promise<StoredLabel[]> {
    const rows = await this.#rows('SELECT * FROM labels WHERE id > $1 ORDER BY id', [afterId]);
    return rows.map(toStoredLabel);
  }

  async commit(batch: WriteBatch): Promise<CommitResult> {
    return this.#transaction(async (db) => {
      await lockWriters(db);
      const flowId = batch.flow
        ? await insertFlow(db, batch.flow, batch.records?.length ?? 0)
        : null;
      const recordIds: (number | null)[] = [];
      for (const record of batch.records ?? []) {
        recordIds.push(await writeRecord(db, record, flowId));
      }
      for (const change of batch.consents ?? []) await writeConsent(db, change);
      const entries = typeof batch.audit === 'function' ? batch.audit(recordIds) : batch.audit;
      const audit = await appendAuditIn(db, entries);
      return { recordIds, flowId, audit };
    });
  }

  async *readRecords(plan: ReadPlan): AsyncIterable<StoredRecord[]> {
    const sql = postgresDialect();
    const where = readFilter(plan, sql);
    const n = sql.values.length;
    const text = `SELECT ${RECORD_COLUMNS} FROM records r WHERE ${where}
      AND r.id > $${n + 1} ORDER BY r.id LIMIT $${n + 2}`;
    const batch = plan.batchSize ?? 2000;
    let after = plan.afterId ?? 0;
    let left = plan.limit ?? Number.POSITIVE_INFINITY;
    while (left > 0) {
      const take = Math.min(batch, left);
      const rows = await this.#rows(text, [...sql.values, after, take]);
      if (rows.length === 0) return;
      const records = rows.map(toStoredRecord);
      yield records;
      left -= rows.length;
      after = records[records.length - 1]?.id ?? after;
      if (rows.length < take) return;
    }
  }

  async countRecords(plan: ReadPlan): Promise<number> {
    const sql = postgresDialect();
    const where = readFilter(plan, sql);
    const rows = await this.#rows(`SELECT count(*) AS n FROM records r WHERE ${where}`, sql.values);
    return Number(mustExist(rows[0], 'count')['n']);
  }

  async recordsById(owner: string, ids: readonly number[]): Promise<StoredRecord[]> {
    const wanted = [...new Set(ids)];
    const rows = await this.#rows(
      `SELECT ${RECORD_COLUMNS} FROM records r WHERE r.owner = $1 AND r.id = ANY($2::bigint[])`,
      [owner, wanted],
    );
    const byId = new Map(rows.map((row) => [Number(row['id']), toStoredRecord(row)]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }

  async datasetCounts(owner: string | null): Promise<DatasetCount[]> {
    const rows = await this.#rows(
      `SELECT owner, dataset, count(*) AS n FROM records
       WHERE ($1::text IS NULL OR owner = $1) GROUP BY owner, dataset
       ORDER BY owner COLLATE "C", dataset COLLATE "C"`,
      [owner],
    );
    return rows.map(toDatasetCount);
  }

  async consentOf(owner: string, subject: string): Promise<ConsentState[]> {
    const rows = await this.#rows(
      `SELECT * FROM consent_state WHERE owner = $1 AND subject = $2
       ORDER BY purpose COLLATE "C"`,
      [owner, subject],
    );
    return rows.map(toConsent);
  }

  async erase(request: EraseRequest): Promise<EraseResult> {
    return this.#transaction(async (db) => {
      await lockWriters(db);
      const direct = await rowsOf(db,
        `SELECT id FROM records WHERE owner = $1 AND subject = $2
         UNION SELECT record_id FROM record_subjects WHERE owner = $1 AND subject = $2`,
        [request.owner, request.subject],
      );
      const ids = direct.map((r) => Number(r['id']));
      const removed = await removeWithDescendants(db, request.owner, ids);
      const consentRecords = await tombstoneConsent(db, request.owner, request.subject);
      const queued = await queueRemovals(db, request.owner, request.subject, request, removed);
      const counts: EraseCounts = { ...removed, consentRecords, queued };
      const [audit] = await appendAuditIn(db, [request.audit(counts)]);
      return { ...counts, audit: mustExist(audit, 'audit entry') };
    });
  }

  async expire(request: ExpireRequest): Promise<EraseResult> {
    return this.#transaction(async (db) => {
      await lockWriters(db);
      const expired = await rowsOf(db,
        `SELECT id, owner, subject FROM records
         WHERE expires_at IS NOT NULL AND expires_at <= $1 ORDER BY owner, id`,
        [request.now],
      );
      const rows: Record<string, number> = {};
      const derivedRows: Record<string, number> = {};
      const queued: string[] = [];
      for (const [owner, list] of groupByOwner(expired)) {
        const removed = await removeWithDescendants(db, owner, list.map((r) => Number(r['id'])));
        addCounts(rows, removed.rows);
        addCounts(derivedRows, removed.derivedRows);
        for (const subject of subjectsIn(list)) {
          queued.push(...await queueRemovals(db, owner, subject, request, removed));
        }
      }
      const counts: EraseCounts = { rows, derivedRows, consentRecords: 0, queued };
      const [audit] = await appendAuditIn(db, [request.audit(counts)]);
      return { ...counts, audit: mustExist(audit, 'audit entry') };
    });
  }

  async flows(filter: FlowFilter): Promise<StoredFlow[]> {
    const rows = await this.#rows(
      `SELECT * FROM flows WHERE ($1::text IS NULL OR owner = $1)
         AND ($2::text IS NULL OR output = $2 OR inputs::jsonb @> jsonb_build_array($2::text))
       ORDER BY id DESC LIMIT $3`,
      [filter.owner ?? null, filter.dataset ?? null, filter.limit ?? 1000],
    );
    return rows.map(toFlow);
  }

  async subjectDatasets(owner: string, subject: string): Promise<DatasetCount[]> {
    const rows = await this.#rows(
      `SELECT owner, dataset, count(*) AS n FROM records WHERE owner = $1 AND id IN (
         SELECT id FROM records WHERE owner = $1 AND subject = $2
         UNION SELECT record_id FROM record_subjects WHERE owner = $1 AND subject = $2)
       GROUP BY owner, dataset ORDER BY dataset COLLATE "C"`,
      [owner, subject],
    );
    return rows.map(toDatasetCount);
  }

  async outbox(filter: { pendingOnly: boolean; limit: number }): Promise<OutboxItem[]> {
    const rows = await this.#rows(
      'SELECT * FROM outbox WHERE (NOT $1 OR delivered_at IS NULL) ORDER BY id LIMIT $2',
      [filter.pendingOnly, filter.limit],
    );
    return rows.map(toOutbox);
  }

  async markOutbox(update: OutboxUpdate): Promise<void> {
    if (update.delivered) {
      await this.#rows(
        `UPDATE outbox SET delivered_at = $1, attempts = attempts + 1,
           last_error = NULL, subject = '' WHERE id = $2`,
        [update.at, update.id],
      );
      return;
    }
    await this.#rows(
      'UPDATE outbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2',
      [update.error, update.id],
    );
  }

  async appendAudit(entries: readonly AuditInput[]): Promise<AuditEntry[]> {
    return this.#transaction((db) => appendAuditIn(db, entries));
  }

  async readAudit(range: { afterSeq: number; limit: number }): Promise<AuditEntry[]> {
    const rows = await this.#rows(
      'SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2',
      [range.afterSeq, range.limit],
    );
    return rows.map(toAudit);
  }

  async close(): Promise<void> {
    if (!this.#pool.ended) await this.#pool.end();
  }

  async #rows(text: string, values: readonly unknown[]): Promise<Row[]> {
    try {
      return await rowsOf(this.#pool, text, values);
    } catch (error) {
      throw queryError(error, this.#where);
    }
  }

  async #transaction<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    const db = await this.#connect();
    try {
      await db.query('BEGIN');
      const result = await work(db);
      await db.query('COMMIT');
      db.release();
      return result;
    } catch (error) {
      await rollback(db, error);
      throw queryError(error, this.#where);
    }
  }

  async #connect(): Promise<pg.PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (error) {
      throw queryError(error, this.#where);
    }
  }
}

function poolConfig(url: string, options: PostgresOptions, schema: string | null): pg.PoolConfig {
  const config: pg.PoolConfig = {
    connectionString: url,
    max: positive(options.poolSize, 10, 'poolSize'),
    connectionTimeoutMillis: positive(options.connectTimeoutMs, 5000, 'connectTimeoutMs'),
    statement_timeout: positive(options.statementTimeoutMs, 30_000, 'statementTimeoutMs'),
    application_name: 'purposeguard',
  };
  return schema === null ? config : { ...config, options: `-c search_path=${schema}` };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new PurposeGuardError('invalid_request', `${name}: ${value} is not a positive integer`);
  }
  return value;
}

function checkSchema(schema: string | undefined): string | null {
  if (schema === undefined) return null;
  if (!SCHEMA_NAME.test(schema)) {
    throw new PurposeGuardError('invalid_request', `schema: '${schema}' is not a plain lowercase name`);
  }
  return schema;
}

async function rowsOf(db: Db, text: string, values: readonly unknown[]): Promise<Row[]> {
  const result = await db.query<Row>(text, [...values]);
  return result.rows;
}

async function rollback(db: pg.PoolClient, cause: unknown): Promise<void> {
  try {
    await db.query('ROLLBACK');
    db.release();
  } catch {
    db.release(cause instanceof Error ? cause : true);
  }
}

async function lockWriters(db: pg.PoolClient): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
}

async function insertFlow(db: pg.PoolClient, flow: NewFlow, rows: number): Promise<number> {
  const result = await rowsOf(db,
    `INSERT INTO flows (owner, processor, purpose, inputs, output, outcome,
       output_purposes, reclassification, rows, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      flow.owner, flow.processor, flow.purpose, JSON.stringify(flow.inputs), flow.output,
      flow.outcome, JSON.stringify(flow.outputPurposes), flow.reclassification, rows, flow.at,
    ],
  );
  return Number(mustExist(result[0], 'flow')['id']);
}

// TODO(store): one round trip per record; a multi-row insert would make
// large batches cheaper once duplicates can be mapped back to their rows.
async function writeRecord(
  db: pg.PoolClient,
  record: NewRecord,
  flowId: number | null,
): Promise<number | null> {
  const multi = record.subjects.length > 1;
  const inserted = await rowsOf(db,
    `INSERT INTO records (owner, dataset, subject, multi, subjects, label_id,
       collected_at, expires_at, dedupe_key, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      record.owner, record.dataset, record.subjects[0] ?? null, multi ? 1 : 0,
      multi ? JSON.stringify(record.subjects) : null, record.labelId,
      record.collectedAt, record.expiresAt, record.dedupeKey, record.json,
    ],
  );
  const row = inserted[0];
  if (row === undefined) return null;
  const id = Number(row['id']);
  if (multi) await insertSubjects(db, record.owner, record.subjects, id);
  if (flowId !== null) await insertEdges(db, record.owner, record.sources ?? [], id, flowId);
  return id;
}

async function insertSubjects(
  db: pg.PoolClient,
  owner: string,
  subjects: readonly string[],
  id: number,
): Promise<void> {
  await db.query(
    `INSERT INTO record_subjects (owner, subject, record_id)
     SELECT $1, s, $3 FROM unnest($2::text[]) AS s ON CONFLICT DO NOTHING`,
    [owner, subjects, id],
  );
}

async function insertEdges(
  db: pg.PoolClient,
  owner: string,
  sources: readonly number[],
  id: number,
  flowId: number,
): Promise<void> {
  if (sources.length === 0) return;
  await db.query(
    `INSERT INTO lineage_edges (owner, input_id, output_id, flow_id)
     SELECT $1, i, $3, $4 FROM unnest($2::bigint[]) AS i ON CONFLICT DO NOTHING`,
    [owner, sources, id, flowId],
  );
}

async function writeConsent(db: pg.PoolClient, change: ConsentChange): Promise<void> {
  const values = [
    change.owner, change.subject, change.purpose, change.status,
    change.at, change.source, change.evidence,
  ];
  await db.query(
    `INSERT INTO consent_events (owner, subject, purpose, status, at, source, evidence)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    values,
  );
  await db.query(
    `INSERT INTO consent_state (owner, subject, purpose, status, at, source, evidence)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (owner, subject, purpose) DO UPDATE SET
       status = excluded.status, at = excluded.at,
       source = excluded.source, evidence = excluded.evidence
     WHERE excluded.at >= consent_state.at`,
    values,
  );
}

async function removeWithDescendants(
  db: pg.PoolClient,
  owner: string,
  ids: readonly number[],
): Promise<Removed> {
  const rows = await deleteRecords(db, owner, ids);
  const derivedRows: Record<string, number> = {};
  const seen = new Set(ids);
  let frontier = [...ids];
  while (frontier.length > 0) {
    const outputs = await rowsOf(db,
      `SELECT DISTINCT output_id FROM lineage_edges
       WHERE owner = $1 AND input_id = ANY($2::bigint[])`,
      [owner, frontier],
    );
    const next = outputs.map((r) => Number(r['output_id'])).filter((id) => !seen.has(id));
    for (const id of next) seen.add(id);
    addCounts(derivedRows, await deleteRecords(db, owner, next));
    frontier = next;
  }
  return { rows, derivedRows };
}

async function deleteRecords(
  db: pg.PoolClient,
  owner: string,
  ids: readonly number[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  if (ids.length === 0) return counts;
  const deleted = await rowsOf(db,
    'DELETE FROM records WHERE owner = $1 AND id = ANY($2::bigint[]) RETURNING dataset',
    [owner, ids],
  );
  await db.query(
    'DELETE FROM record_subjects WHERE owner = $1 AND record_id = ANY($2::bigint[])',
    [owner, ids],
  );
  await db.query(
    'DELETE FROM lineage_edges WHERE owner = $1 AND output_id = ANY($2::bigint[])',
    [owner, ids],
  );
  for (const row of deleted) {
    const dataset = String(row['dataset']);
    counts[dataset] = (counts[dataset] ?? 0) + 1;
  }
  return counts;
}

async function tombstoneConsent(db: pg.PoolClient, owner: string, subject: string): Promise<number> {
  const removed = await db.query(
    'DELETE FROM consent_state WHERE owner = $1 AND subject = $2',
    [owner, subject],
  );
  const history = await db.query(
    `UPDATE consent_events SET subject = $1, evidence = NULL
     WHERE owner = $2 AND subject = $3`,
    [`erased:${randomUUID()}`, owner, subject],
  );
  return Math.max(removed.rowCount ?? 0, history.rowCount ?? 0);
}

async function queueRemovals(
  db: pg.PoolClient,
  owner: string,
  subject: string,
  request: { readonly destinations: EraseRequest['destinations']; readonly now: number },
  removed: Removed,
): Promise<string[]> {
  const queued: string[] = [];
  for (const destination of request.destinations) {
    const touched = destination.datasets.some(
      (d) => (removed.rows[d] ?? 0) + (removed.derivedRows[d] ?? 0) > 0,
    );
    if (!touched) continue;
    await db.query(
      'INSERT INTO outbox (destination, owner, subject, created_at) VALUES ($1, $2, $3, $4)',
      [destination.name, owner, subject, request.now],
    );
    queued.push(destination.name);
  }
  return queued;
}

async function appendAuditIn(
  db: pg.PoolClient,
  entries: readonly AuditInput[],
): Promise<AuditEntry[]> {
  if (entries.length === 0) return [];
  await lockWriters(db);
  const last = await rowsOf(db, 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1', []);
  let seq = last[0] ? Number(last[0]['seq']) : 0;
  let prevHash = last[0] ? String(last[0]['hash']) : GENESIS_HASH;
  const out: AuditEntry[] = [];
  for (const input of entries) {
    seq += 1;
    const entry = { ...input, seq, at: Date.now(), dataJson: JSON.stringify(input.data) };
    const hash = entryHash(prevHash, entry);
    await db.query(
      `INSERT INTO audit_log (seq, at, kind, actor, owner, data, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [seq, entry.at, entry.kind, entry.actor, entry.owner, entry.dataJson, prevHash, hash],
    );
    out.push({ ...entry, prevHash, hash });
    prevHash = hash;
  }
  return out;
}

function groupByOwner(rows: readonly Row[]): Map<string, Row[]> {
  const byOwner = new Map<string, Row[]>();
  for (const row of rows) {
    const owner = String(row['owner']);
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), row]);
  }
  return byOwner;
}

function subjectsIn(rows: readonly Row[]): Set<string> {
  const subjects = rows.map((r) => r['subject']);
  return new Set(subjects.filter((s): s is string => typeof s === 'string'));
}

function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

function mustExist<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new PurposeGuardError('internal', `${what} was not returned`);
  return value;
}
