import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { entryHash } from './audit-hash.js';
import type { SegmentResult, SegmentTask } from './parallel-verify.js';

const PAGE = 2000;

/**
 * Checks one range of the chain in its own read-only connection: seq
 * contiguous from `task.after + 1`, each entry linked to the one before
 * it inside the range, each hash recomputed. Links across ranges are
 * checked by the caller.
 */
function checkSegment(task: SegmentTask): SegmentResult {
  const db = new Database(task.file, { readonly: true, fileMustExist: true });
  try {
    const page = db.prepare(
      `SELECT seq, at, kind, actor, owner, data, prev_hash, hash FROM audit_log
       WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
    ).raw(true);
    let seq = task.after;
    let last: string | null = null;
    let firstPrev: string | null = null;
    let lastPrev: string | null = null;
    for (;;) {
      const rows = page.all(seq, task.last, PAGE) as unknown[][];
      for (const row of rows) {
        const [s, at, kind, actor, owner, data, prevHash, hash] = row;
        const entry = {
          seq: Number(s), at: Number(at), kind: String(kind), actor: String(actor),
          owner: owner === null ? null : String(owner), dataJson: String(data),
        };
        const linked = last === null || prevHash === last;
        if (entry.seq !== seq + 1 || !linked || entryHash(String(prevHash), entry) !== hash) {
          return { ok: false, firstPrev, lastPrev, lastHash: last, lastSeq: seq };
        }
        firstPrev ??= String(prevHash);
        lastPrev = String(prevHash);
        last = String(hash);
        seq = entry.seq;
      }
      if (rows.length < PAGE) break;
    }
    return { ok: seq === task.last, firstPrev, lastPrev, lastHash: last, lastSeq: seq };
  } finally {
    db.close();
  }
}

parentPort?.postMessage(checkSegment(workerData as SegmentTask));
