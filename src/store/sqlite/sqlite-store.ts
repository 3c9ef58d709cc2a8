import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { entryHash, GENESIS_HASH } from '../../audit/audit-hash.js';
import { PurposeGuardError } from '../../errors.js';
import { labelClassKey, normalizeLabelClass } from '../../label.js';
import type { LabelClass } from '../../label.js';
import { readFilter } from '../read-filter.js';
import type { SqlDialect } from '../read-filter.js';
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
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import { toAudit, toConsent, toFlow, toOutbox, toStoredLabel } from '../stored-rows.js';
import { GroupCommit } from './sqlite-group-commit.js';

type Row = Record<string, unknown>;

const RECORD_COLUMNS =
  'r.id, r.dataset, r.owner, r.label_id, r.subject, r.multi, r.subjects,' +
  ' r.collected_at, r.expires_at, r.data';

/**
 * The embedded store: one SQLite file through better-sqlite3, in WAL mode
 * with full synchronous commits, so an acknowledged write survives a crash.
 * Concurrent commits and audit appends share a transaction (group commit).
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly location: string;
  readonly #db: Db;
  readonly #insertRecord: Statement;
  readonly #insertSubject: Statement;
  readonly #insertIdentifier: Statement;
  readonly #insertEdge: Statement;
  readonly #insertAudit: Statement;
  readonly #lastAudit: Statement;
  readonly #auditChain: Statement;
  readonly #group: GroupCommit;

  constructor(file: string) {
    this.location = file;
    try {
      this.#db = new Database(file);
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = FULL');
      this.#db.pragma('busy_timeout = 5000');
      this.#db.pragma('foreign_keys = ON');
      // Index pages stay in memory while a batch lands: subject and dedupe
      // keys are random, so a small cache turns each insert into page reads.
      this.#db.pragma('cache_size = -65536');
      migrate(this.#db);
    } catch (error) {
      throw new PurposeGuardError('store_unavailable', `cannot open SQLite store ${file}`, { cause: error });
    }
    this.#insertRecord = this.#db.prepare(
      `INSERT INTO records (owner, dataset, subject, multi, subjects, label_id,
         collected_at, expires_at, dedupe_key, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    this.#insertSubject = this.#db.prepare(
      'INSERT OR IGNORE INTO record_subjects (owner, subject, record_id) VALUES (?, ?, ?)',
    );
    this.#insertIdentifier = this.#db.prepare(
      'INSERT OR IGNORE INTO record_identifiers (owner, identifier, record_id) VALUES (?, ?, ?)',
    );
    this.#insertEdge = this.#db.prepare(
      `INSERT OR IGNORE INTO lineage_edges (owner, input_id, output_id, flow_id)
       VALUES (?, ?, ?, ?)`,
    );
    this.#insertAudit = this.#db.prepare(
      `INSERT INTO audit_log (seq, at, kind, actor, owner, data, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#lastAudit = this.#db.prepare(
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    );
    this.#auditChain = this.#db.prepare(
      `SELECT seq, at, kind, actor, owner, data, prev_hash, hash FROM audit_log
       WHERE seq > ? ORDER BY seq LIMIT ?`,
    ).raw(true);
    this.#group = new GroupCommit(this.#db);
  }

  /** The underlying connection, for benchmarks and tests. */
  get database(): Db {
    return this.#db;
  }

  async internLabel(label: LabelClass): Promise<number> {
    const clean = normalizeLabelClass(label);
    const key = labelClassKey(clean);
    this.#db.prepare(
      `INSERT OR IGNORE INTO labels (key, purposes, categories, source, jurisdiction, flags)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(
      key, JSON.stringify(clean.purposes), JSON.stringify(clean.categories),
      clean.source, clean.jurisdiction, JSON.stringify(clean.flags),
    );
    const row = this.#db.prepare('SELECT id FROM labels WHERE key = ?').get(key) as Row;
    return Number(row['id']);
  }

  async labelsAfter(afterId: number): Promise<StoredLabel[]> {
    const rows = this.#db.prepare('SELECT * FROM labels WHERE id > ? ORDER BY id').all(afterId) as Row[];
    return rows.map(toStoredLabel);
  }

  async commit(batch: WriteBatch): Promise<CommitResult> {
    return this.#group.run(() => {
      const flowId = batch.flow ? this.#insertFlow(batch.flow, batch.records?.length ?? 0) : null;
      const recordIds = (batch.records ?? []).map((r) => this.#writeRecord(r, flowId));
      for (const change of batch.consents ?? []) this.#writeConsent(change);
      const entries = typeof batch.audit === 'function' ? batch.audit(recordIds, flowId) : batch.audit;
      const audit = this.#appendAudit(entries);
      return { recordIds, flowId, audit };
    });
  }

  async *readRecords(plan: ReadPlan): AsyncIterable<StoredRecord[]> {
    const sql = sqliteDialect();
    const where = readFilter(plan, sql);
    const size = plan.batchSize ?? 2000;
    const limit = plan.limit === undefined ? '' : 'LIMIT @take';
    const text = `SELECT ${RECORD_COLUMNS} FROM records r WHERE ${where} AND r.id > @after
       ORDER BY r.id ${limit}`;
    const params = { ...sql.values, after: plan.afterId ?? 0, ...(limit ? { take: plan.limit } : {}) };
    const reader = this.#reader();
    const rows = (reader ?? this.#db).prepare(text).raw();
    if (reader === null) {
      yield (rows.all(params) as unknown[][]).map(toStoredRecord);
      return;
    }
    const iterator = rows.iterate(params) as IterableIterator<unknown[]>;
    try {
      let batch: StoredRecord[] = [];
      for (const row of iterator) {
        batch.push(toStoredRecord(row));
        if (batch.length === size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      iterator.return?.();
      reader.close();
    }
  }

  /**
   * A read-only connection of its own for one streaming read: it sees one
   * snapshot (WAL), and its open cursor never blocks writes on the main
   * connection. In-memory stores have no second connection and read at once.
   */
  #reader(): Db | null {
    if (this.location === ':memory:') return null;
    const reader = new Database(this.location, { readonly: true, fileMustExist: true });
    reader.pragma('busy_timeout = 5000');
    return reader;
  }

  async countRecords(plan: ReadPlan): Promise<number> {
    const sql = sqliteDialect();
    const where = readFilter(plan, sql);
    const row = this.#db.prepare(`SELECT count(*) AS n FROM records r WHERE ${where}`).get(sql.values) as Row;
    return Number(row['n']);
  }

  async recordsById(owner: string, ids: readonly number[]): Promise<StoredRecord[]> {
    const statement = this.#db.prepare(`SELECT ${RECORD_COLUMNS} FROM records r WHERE r.owner = ? AND r.id = ?`);
    const out: StoredRecord[] = [];
    for (const id of new Set(ids)) {
      const row = statement.raw().get(owner, id) as unknown[] | undefined;
      if (row) out.push(toStoredRecord(row));
    }
    return out;
  }

  async datasetCounts(owner: string | null): Promise<DatasetCount[]> {
    const rows = this.#db.prepare(
      `SELECT owner, dataset, count(*) AS n FROM records
       WHERE (? IS NULL OR owner = ?) GROUP BY owner, dataset ORDER BY owner, dataset`,
    ).all(owner, owner) as Row[];
    return rows.map((r) => ({ owner: String(r['owner']), dataset: String(r['dataset']), rows: Number(r['n']) }));
  }

  async consentOf(owner: string, subject: string): Promise<ConsentState[]> {
    const rows = this.#db.prepare(
      'SELECT * FROM consent_state WHERE owner = ? AND subject = ? ORDER BY purpose',
    ).all(owner, subject) as Row[];
    return rows.map(toConsent);
  }

  async consentHistory(owner: string, subject: string): Promise<ConsentChange[]> {
    const rows = this.#db.prepare(
      'SELECT * FROM consent_events WHERE owner = ? AND subject = ? ORDER BY at, id',
    ).all(owner, subject) as Row[];
    return rows.map(toConsent);
  }

  async erase(request: EraseRequest): Promise<EraseResult> {
    return this.#db.transaction(() => {
      const direct = this.#db.prepare(SUBJECT_RECORDS)
        .all({ owner: request.owner, subject: request.subject }) as Row[];
      const removed = this.#removeWithDescendants(request.owner, direct.map((r) => Number(r['id'])));
      const consentRecords = this.#tombstoneConsent(request.owner, request.subject);
      const queued = this.#queueRemovals(request.owner, request.subject, request.destinations, removed, request.now);
      const counts: EraseCounts = { ...removed, consentRecords, queued };
      const [audit] = this.#appendAudit([request.audit(counts)]);
      return { ...counts, audit: mustExist(audit) };
    }).immediate();
  }

  async expire(request: ExpireRequest): Promise<EraseResult> {
    return this.#db.transaction(() => {
      const expired = this.#db.prepare(
        'SELECT id, owner, subject FROM records WHERE expires_at IS NOT NULL AND expires_at <= ?',
      ).all(request.now) as Row[];
      const byOwner = new Map<string, Row[]>();
      for (const row of expired) {
        const owner = String(row['owner']);
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), row]);
      }
      const rows: Record<string, number> = {};
      const derivedRows: Record<string, number> = {};
      const queued: string[] = [];
      for (const [owner, list] of byOwner) {
        const removed = this.#removeWithDescendants(owner, list.map((r) => Number(r['id'])));
        addCounts(rows, removed.rows);
        addCounts(derivedRows, removed.derivedRows);
        const subjects = new Set(list.map((r) => r['subject']).filter((s): s is string => typeof s === 'string'));
        for (const subject of subjects) {
          queued.push(...this.#queueRemovals(owner, subject, request.destinations, removed, request.now));
        }
      }
      const counts: EraseCounts = { rows, derivedRows, consentRecords: 0, queued };
      const [audit] = this.#appendAudit([request.audit(counts)]);
      return { ...counts, audit: mustExist(audit) };
    }).immediate();
  }

  async flows(filter: FlowFilter): Promise<StoredFlow[]> {
    const rows = this.#db.prepare(
      `SELECT * FROM flows WHERE (@owner IS NULL OR owner = @owner)
         AND (@dataset IS NULL OR output = @dataset
           OR EXISTS (SELECT 1 FROM json_each(inputs) WHERE value = @dataset))
       ORDER BY id DESC LIMIT @limit`,
    ).all({
      owner: filter.owner ?? null,
      dataset: filter.dataset ?? null,
      limit: filter.limit ?? 1000,
    }) as Row[];
    return rows.map(toFlow);
  }

  async subjectDatasets(owner: string, subject: string): Promise<DatasetCount[]> {
    const rows = this.#db.prepare(
      `SELECT dataset, count(*) AS n FROM records WHERE id IN (${SUBJECT_RECORDS})
       GROUP BY dataset ORDER BY dataset`,
    ).all({ owner, subject }) as Row[];
    return rows.map((r) => ({ owner, dataset: String(r['dataset']), rows: Number(r['n']) }));
  }

  async outbox(filter: { pendingOnly: boolean; limit: number }): Promise<OutboxItem[]> {
    const rows = this.#db.prepare(
      `SELECT * FROM outbox WHERE (? = 0 OR delivered_at IS NULL) ORDER BY id LIMIT ?`,
    ).all(filter.pendingOnly ? 1 : 0, filter.limit) as Row[];
    return rows.map(toOutbox);
  }

  async markOutbox(update: OutboxUpdate): Promise<void> {
    if (update.delivered) {
      this.#db.prepare(
        `UPDATE outbox SET delivered_at = ?, last_attempt_at = ?, attempts = attempts + 1,
           last_error = NULL, subject = '' WHERE id = ?`,
      ).run(update.at, update.at, update.id);
      return;
    }
    this.#db.prepare(
      'UPDATE outbox SET attempts = attempts + 1, last_error = ?, last_attempt_at = ? WHERE id = ?',
    ).run(update.error, update.at, update.id);
  }

  async outboxCounts(): Promise<{ pending: number; delivered: number }> {
    const row = this.#db.prepare(
      `SELECT count(*) - count(delivered_at) AS pending, count(delivered_at) AS delivered
       FROM outbox`,
    ).get() as Row;
    return { pending: Number(row['pending']), delivered: Number(row['delivered']) };
  }

  async appendAudit(entries: readonly AuditInput[]): Promise<AuditEntry[]> {
    return this.#group.run(() => this.#appendAudit(entries));
  }

  async readAudit(range: { afterSeq: number; limit: number }): Promise<AuditEntry[]> {
    const rows = this.#db.prepare(
      'SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?',
    ).all(range.afterSeq, range.limit) as Row[];
    return rows.map(toAudit);
  }

  async readAuditChain(range: { afterSeq: number; limit: number }): Promise<AuditLink[]> {
    const rows = this.#auditChain.all(range.afterSeq, range.limit) as unknown[][];
    return rows.map(toAuditLink);
  }

  async latestAudit(filter: { kind: AuditKind; limit: number }): Promise<AuditEntry[]> {
    const rows = this.#db.prepare(
      'SELECT * FROM audit_log WHERE kind = ? ORDER BY seq DESC LIMIT ?',
    ).all(filter.kind, filter.limit) as Row[];
    return rows.map(toAudit);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#group.flush();
    if (this.#db.open) this.#db.close();
  }

  #writeRecord(record: NewRecord, flowId: number | null): number | null {
    const multi = record.subjects.length > 1;
    const info = this.#insertRecord.run(
      record.owner, record.dataset, record.subjects[0] ?? null, multi ? 1 : 0,
      multi ? JSON.stringify(record.subjects) : null, record.labelId,
      record.collectedAt, record.expiresAt, record.dedupeKey, record.json,
    );
    if (info.changes === 0) return null;
    const id = Number(info.lastInsertRowid);
    if (multi) for (const s of record.subjects) this.#insertSubject.run(record.owner, s, id);
    for (const identifier of record.identifiers ?? []) {
      this.#insertIdentifier.run(record.owner, identifier, id);
    }
    if (flowId !== null) {
      for (const input of record.sources ?? []) this.#insertEdge.run(record.owner, input, id, flowId);
    }
    return id;
  }

  #insertFlow(flow: NewFlow, rows: number): number {
    const info = this.#db.prepare(
      `INSERT INTO flows (owner, processor, purpose, inputs, output, outcome,
         output_purposes, reclassification, rows, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      flow.owner, flow.processor, flow.purpose, JSON.stringify(flow.inputs), flow.output,
      flow.outcome, JSON.stringify(flow.outputPurposes), flow.reclassification, rows, flow.at,
    );
    return Number(info.lastInsertRowid);
  }

  #writeConsent(change: ConsentChange): void {
    const values = [
      change.owner, change.subject, change.purpose, change.status,
      change.at, change.source, change.evidence,
    ];
    this.#db.prepare(
      `INSERT INTO consent_events (owner, subject, purpose, status, at, source, evidence)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(...values);
    this.#db.prepare(
      `INSERT INTO consent_state (owner, subject, purpose, status, at, source, evidence)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (owner, subject, purpose) DO UPDATE SET
         status = excluded.status, at = excluded.at,
         source = excluded.source, evidence = excluded.evidence
       WHERE excluded.at >= consent_state.at`,
    ).run(...values);
  }

  #removeWithDescendants(
    owner: string,
    ids: readonly number[],
  ): { rows: Record<string, number>; derivedRows: Record<string, number> } {
    const rows = this.#deleteRecords(owner, ids);
    const derivedRows: Record<string, number> = {};
    const downstream = this.#db.prepare(
      'SELECT output_id FROM lineage_edges WHERE owner = ? AND input_id = ?',
    );
    let frontier = [...ids];
    const seen = new Set(ids);
    while (frontier.length > 0) {
      const next: number[] = [];
      for (const id of frontier) {
        for (const row of downstream.all(owner, id) as Row[]) {
          const out = Number(row['output_id']);
          if (!seen.has(out)) {
            seen.add(out);
            next.push(out);
          }
        }
      }
      addCounts(derivedRows, this.#deleteRecords(owner, next));
      frontier = next;
    }
    return { rows, derivedRows };
  }

  #deleteRecords(owner: string, ids: readonly number[]): Record<string, number> {
    const counts: Record<string, number> = {};
    const find = this.#db.prepare('SELECT dataset FROM records WHERE owner = ? AND id = ?');
    const remove = this.#db.prepare('DELETE FROM records WHERE owner = ? AND id = ?');
    const subjects = this.#db.prepare('DELETE FROM record_subjects WHERE owner = ? AND record_id = ?');
    const identifiers = this.#db.prepare(
      'DELETE FROM record_identifiers WHERE owner = ? AND record_id = ?',
    );
    const edges = this.#db.prepare('DELETE FROM lineage_edges WHERE owner = ? AND output_id = ?');
    for (const id of ids) {
      const row = find.get(owner, id) as Row | undefined;
      if (!row) continue;
      remove.run(owner, id);
      subjects.run(owner, id);
      identifiers.run(owner, id);
      edges.run(owner, id);
      const dataset = String(row['dataset']);
      counts[dataset] = (counts[dataset] ?? 0) + 1;
    }
    return counts;
  }

  #tombstoneConsent(owner: string, subject: string): number {
    const removed = this.#db.prepare('DELETE FROM consent_state WHERE owner = ? AND subject = ?')
      .run(owner, subject).changes;
    const tombstone = `erased:${randomUUID()}`;
    const history = this.#db.prepare(
      'UPDATE consent_events SET subject = ?, evidence = NULL WHERE owner = ? AND subject = ?',
    ).run(tombstone, owner, subject).changes;
    return Math.max(removed, history);
  }

  #queueRemovals(
    owner: string,
    subject: string,
    destinations: EraseRequest['destinations'],
    removed: { rows: Record<string, number>; derivedRows: Record<string, number> },
    now: number,
  ): string[] {
    const queued: string[] = [];
    const insert = this.#db.prepare(
      'INSERT INTO outbox (destination, owner, subject, created_at) VALUES (?, ?, ?, ?)',
    );
    for (const destination of destinations) {
      const touched = destination.datasets.some(
        (d) => (removed.rows[d] ?? 0) + (removed.derivedRows[d] ?? 0) > 0,
      );
      if (!touched) continue;
      insert.run(destination.name, owner, subject, now);
      queued.push(destination.name);
    }
    return queued;
  }

  #appendAudit(entries: readonly AuditInput[]): AuditEntry[] {
    const last = this.#lastAudit.get() as Row | undefined;
    let seq = last ? Number(last['seq']) : 0;
    let prevHash = last ? String(last['hash']) : GENESIS_HASH;
    const out: AuditEntry[] = [];
    for (const input of entries) {
      seq += 1;
      const at = Date.now();
      const dataJson = JSON.stringify(input.data);
      const hash = entryHash(prevHash, { seq, at, kind: input.kind, actor: input.actor, owner: input.owner, dataJson });
      this.#insertAudit.run(seq, at, input.kind, input.actor, input.owner, dataJson, prevHash, hash);
      out.push({ ...input, seq, at, dataJson, prevHash, hash });
      prevHash = hash;
    }
    return out;
  }
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => Number(r['version'])),
  );
  for (const migration of SQLITE_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
        .run(migration.version, Date.now());
    }).immediate();
  }
}

/** Ids of the records of `@subject`: as subject, co-subject or identifier. */
const SUBJECT_RECORDS = `SELECT id FROM records WHERE owner = @owner AND subject = @subject
  UNION SELECT record_id FROM record_subjects WHERE owner = @owner AND subject = @subject
  UNION SELECT record_id FROM record_identifiers WHERE owner = @owner AND identifier = @subject`;

function sqliteDialect(): SqlDialect & { values: Record<string, unknown> } {
  const values: Record<string, unknown> = {};
  let n = 0;
  const dialect = {
    values,
    setFence: '',
    param(value: unknown): string {
      const name = `p${n++}`;
      values[name] = value;
      return `@${name}`;
    },
    jsonField(column: string, key: string): string {
      return `json_extract(${column}, '$.${key}')`;
    },
    jsonValue(value: string | number | boolean): unknown {
      return typeof value === 'boolean' ? (value ? 1 : 0) : value;
    },
  };
  return dialect;
}

/** A record from a raw row in the order of RECORD_COLUMNS. */
function toStoredRecord(row: readonly unknown[]): StoredRecord {
  const [id, dataset, owner, labelId, subject, multi, subjects, collectedAt, expiresAt, data] = row;
  return {
    id: Number(id),
    dataset: String(dataset),
    owner: String(owner),
    labelId: Number(labelId),
    subjects: multi === 1
      ? JSON.parse(String(subjects)) as string[]
      : typeof subject === 'string' ? [subject] : [],
    collectedAt: Number(collectedAt),
    expiresAt: expiresAt === null ? null : Number(expiresAt),
    json: String(data),
  };
}

function toAuditLink(row: unknown[]): AuditLink {
  const [seq, at, kind, actor, owner, data, prevHash, hash] = row;
  return {
    seq: Number(seq),
    at: Number(at),
    kind: String(kind),
    actor: String(actor),
    owner: owner === null ? null : String(owner),
    dataJson: String(data),
    prevHash: String(prevHash),
    hash: String(hash),
  };
}

function addCounts(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

function mustExist<T>(value: T | undefined): T {
  if (value === undefined) throw new PurposeGuardError('internal', 'audit entry was not written');
  return value;
}
