import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { EraseRequest } from '../store.js';
import { rowsOf } from './postgres-query.js';
import type { Row } from '../stored-rows.js';

/** Rows removed per dataset: found directly, and found through lineage. */
export interface Removed {
  rows: Record<string, number>;
  derivedRows: Record<string, number>;
}

/** Ids of the records of subject `$2`: as subject, co-subject or identifier. */
export const SUBJECT_RECORDS = `SELECT id FROM records WHERE owner = $1 AND subject = $2
  UNION SELECT record_id FROM record_subjects WHERE owner = $1 AND subject = $2
  UNION SELECT record_id FROM record_identifiers WHERE owner = $1 AND identifier = $2`;

/** Deletes records and, through lineage, everything derived from them. */
export async function removeWithDescendants(
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
    'DELETE FROM record_identifiers WHERE owner = $1 AND record_id = ANY($2::bigint[])',
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

/** Forgets a subject's consent; the history stays, under a random name. */
export async function tombstoneConsent(
  db: pg.PoolClient,
  owner: string,
  subject: string,
): Promise<number> {
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

/** Queues a removal at each destination whose datasets lost rows. */
export async function queueRemovals(
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
export function groupByOwner(rows: readonly Row[]): Map<string, Row[]> {
  const byOwner = new Map<string, Row[]>();
  for (const row of rows) {
    const owner = String(row['owner']);
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), row]);
  }
  return byOwner;
}

export function subjectsIn(rows: readonly Row[]): Set<string> {
  const subjects = rows.map((r) => r['subject']);
  return new Set(subjects.filter((s): s is string => typeof s === 'string'));
}

export function addCounts(
  into: Record<string, number>,
  from: Readonly<Record<string, number>>,
): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}
