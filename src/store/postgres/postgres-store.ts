import pg from 'pg';
import { labelClassKey, normalizeLabelClass } from '../../label.js';
import type { LabelClass } from '../../label.js';
import { readFilter } from '../read-filter.js';
import type {
  AuditEntry,
  AuditInput,
  AuditKind,
  AuditLink,
  CommitResult,
  ConsentChange,
  ConsentState,
  DatasetCount,
  EraseCounts,
  EraseRequest,
  EraseResult,
  ExpireRequest,
  FlowFilter,
  OutboxItem,
  OutboxUpdate,
  ReadPlan,
  Store,
  StoredFlow,
  StoredLabel,
  StoredRecord,
  WriteBatch,
} from '../store.js';
import { appendAuditIn } from './postgres-audit.js';
import { postgresDialect } from './postgres-dialect.js';
import {
  addCounts,
  groupByOwner,
  queueRemovals,
  removeWithDescendants,
  SUBJECT_RECORDS,
  subjectsIn,
  tombstoneConsent,
} from './postgres-erase.js';
import { connectError, queryError } from './postgres-errors.js';
import { migrate } from './postgres-migrate.js';
import { checkSchema, poolConfig } from './postgres-options.js';
import type { PostgresOptions } from './postgres-options.js';
import { lockWriters, mustExist, rowsOf } from './postgres-query.js';
import {
  RECORD_COLUMNS,
  toAudit,
  toAuditLink,
  toConsent,
  toDatasetCount,
  toFlow,
  toOutbox,
  toStoredLabel,
  toStoredRecord,
} from '../stored-rows.js';
import type { Row } from '../stored-rows.js';
import { postgresTarget } from './postgres-target.js';
import { insertFlow, writeConsent, writeRecord } from './postgres-writes.js';

export type { PostgresOptions } from './postgres-options.js';
export { WRITE_LOCK } from './postgres-query.js';

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
      const entries = typeof batch.audit === 'function' ? batch.audit(recordIds, flowId) : batch.audit;
      const audit = await appendAuditIn(db, entries);
      return { recordIds, flowId, audit };
    });
  }

  /**
   * Streams through a server-side cursor in a read-only snapshot: the
   * consent set is built once per read, and batches are fetched as the
   * caller takes them.
   */
  async *readRecords(plan: ReadPlan): AsyncIterable<StoredRecord[]> {
    const sql = postgresDialect();
    const where = readFilter(plan, sql);
    const n = sql.values.length;
    const limit = plan.limit === undefined ? '' : ` LIMIT $${n + 2}`;
    const text = `DECLARE purposeguard_read NO SCROLL CURSOR FOR
      SELECT ${RECORD_COLUMNS} FROM records r WHERE ${where}
      AND r.id > $${n + 1} ORDER BY r.id${limit}`;
    const values = [...sql.values, plan.afterId ?? 0, ...(limit ? [plan.limit] : [])];
    const size = plan.batchSize ?? 2000;
    const db = await this.#connect();
    let failed = false;
    try {
      await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await db.query(text, values);
      for (;;) {
        const { rows } = await db.query<Row>(`FETCH ${size} FROM purposeguard_read`);
        if (rows.length === 0) return;
        yield rows.map(toStoredRecord);
        if (rows.length < size) return;
      }
    } catch (error) {
      failed = true;
      throw queryError(error, this.#where);
    } finally {
      await db.query(failed ? 'ROLLBACK' : 'COMMIT').catch(() => undefined);
      db.release(failed);
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

  async consentHistory(owner: string, subject: string): Promise<ConsentChange[]> {
    const rows = await this.#rows(
      'SELECT * FROM consent_events WHERE owner = $1 AND subject = $2 ORDER BY at, id',
      [owner, subject],
    );
    return rows.map(toConsent);
  }

  async erase(request: EraseRequest): Promise<EraseResult> {
    return this.#transaction(async (db) => {
      await lockWriters(db);
      const direct = await rowsOf(db, SUBJECT_RECORDS, [request.owner, request.subject]);
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
         ${SUBJECT_RECORDS})
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
        `UPDATE outbox SET delivered_at = $1, last_attempt_at = $1, attempts = attempts + 1,
           last_error = NULL, subject = '' WHERE id = $2`,
        [update.at, update.id],
      );
      return;
    }
    await this.#rows(
      `UPDATE outbox SET attempts = attempts + 1, last_error = $1, last_attempt_at = $2
       WHERE id = $3`,
      [update.error, update.at, update.id],
    );
  }

  async outboxCounts(): Promise<{ pending: number; delivered: number }> {
    const rows = await this.#rows(
      `SELECT count(*) - count(delivered_at) AS pending, count(delivered_at) AS delivered
       FROM outbox`,
      [],
    );
    const row = mustExist(rows[0], 'count');
    return { pending: Number(row['pending']), delivered: Number(row['delivered']) };
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

  async readAuditChain(range: { afterSeq: number; limit: number }): Promise<AuditLink[]> {
    const rows = await this.#rows(
      `SELECT seq, at, kind, actor, owner, data, prev_hash, hash FROM audit_log
       WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [range.afterSeq, range.limit],
    );
    return rows.map(toAuditLink);
  }

  async latestAudit(filter: { kind: AuditKind; limit: number }): Promise<AuditEntry[]> {
    const rows = await this.#rows(
      'SELECT * FROM audit_log WHERE kind = $1 ORDER BY seq DESC LIMIT $2',
      [filter.kind, filter.limit],
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

async function rollback(db: pg.PoolClient, cause: unknown): Promise<void> {
  try {
    await db.query('ROLLBACK');
    db.release();
  } catch {
    db.release(cause instanceof Error ? cause : true);
  }
}
