import type pg from 'pg';
import { entryHash, GENESIS_HASH } from '../../audit/audit-hash.js';
import type { AuditEntry, AuditInput } from '../store.js';
import { lockWriters, rowsOf } from './postgres-query.js';

/**
 * Appends entries to the one audit chain. Under the writers' lock the last
 * entry cannot change until this transaction ends, so the next process
 * links to what this one wrote.
 */
export async function appendAuditIn(
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
