import type pg from 'pg';
import type { ConsentChange, NewFlow, NewRecord } from '../store.js';
import { mustExist, rowsOf } from './postgres-query.js';

/** Stores a flow; its id is what lineage edges point at. */
export async function insertFlow(
  db: pg.PoolClient,
  flow: NewFlow,
  rows: number,
): Promise<number> {
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

/** Stores a record with its subjects and edges; null for a duplicate. */
// TODO(store): one round trip per record; a multi-row insert would make
// large batches cheaper once duplicates can be mapped back to their rows.
export async function writeRecord(
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
  if (record.identifiers?.length) await insertIdentifiers(db, record.owner, record.identifiers, id);
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

async function insertIdentifiers(
  db: pg.PoolClient,
  owner: string,
  identifiers: readonly string[],
  id: number,
): Promise<void> {
  await db.query(
    `INSERT INTO record_identifiers (owner, identifier, record_id)
     SELECT $1, i, $3 FROM unnest($2::text[]) AS i ON CONFLICT DO NOTHING`,
    [owner, identifiers, id],
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

/** Records a consent change; an older change never replaces a newer one. */
export async function writeConsent(
  db: pg.PoolClient,
  change: ConsentChange,
): Promise<void> {
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
