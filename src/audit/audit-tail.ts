import type { AuditEntry, Store } from '../store/store.js';

/**
 * The newest `count` entries, oldest first. The head is found by a
 * search on seq (entries are read by seq only), in about 2 log2(n) reads.
 *
 * @example
 * const last = await lastAuditEntries(store, 20);
 */
export async function lastAuditEntries(store: Store, count: number): Promise<AuditEntry[]> {
  const head = await headSeq(store);
  if (head === 0 || count <= 0) return [];
  return store.readAudit({ afterSeq: Math.max(0, head - count), limit: count });
}

/** The highest seq in the trail, 0 when it is empty. */
export async function headSeq(store: Store): Promise<number> {
  const after = async (seq: number): Promise<AuditEntry | undefined> =>
    (await store.readAudit({ afterSeq: seq, limit: 1 }))[0];
  let low = 0;
  let high = 1024;
  while (await after(high)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await after(mid)) low = mid;
    else high = mid;
  }
  return (await after(low))?.seq ?? 0;
}

/** An entry as a JSON line for people and tools: time as ISO, data parsed. */
export function auditLine(entry: AuditEntry): string {
  return `${JSON.stringify({
    seq: entry.seq,
    at: new Date(entry.at).toISOString(),
    kind: entry.kind,
    actor: entry.actor,
    owner: entry.owner,
    data: entry.data,
    hash: entry.hash,
  })}\n`;
}
