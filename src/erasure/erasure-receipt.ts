import type { EraseResult } from '../store/store.js';

/**
 * What an erasure or an expiry removed, as handed back to the requester:
 * counts only, never an identifier in the clear.
 */
export interface ErasureReceipt {
  /** The sequence number of the audit entry that records it. */
  readonly erasure_id: number;
  readonly kind: 'erasure' | 'expiry';
  /** Rows holding the subject, by dataset (raw or derived). */
  readonly datasets: Readonly<Record<string, number>>;
  /** Further rows removed because lineage shows they came from those. */
  readonly derived: Readonly<Record<string, number>>;
  readonly total_rows: number;
  readonly consent_records: number;
  /** Destinations a removal was queued for. */
  readonly downstream_queued: readonly string[];
  readonly at: string;
}

export function receiptOf(
  kind: ErasureReceipt['kind'],
  result: EraseResult,
  at: number,
): ErasureReceipt {
  return {
    erasure_id: result.audit.seq,
    kind,
    datasets: result.rows,
    derived: result.derivedRows,
    total_rows: sum(result.rows) + sum(result.derivedRows),
    consent_records: result.consentRecords,
    downstream_queued: [...new Set(result.queued)],
    at: new Date(at).toISOString(),
  };
}

function sum(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
