import type { AuditLink, Store } from '../store/store.js';
import { entryHash } from './audit-hash.js';

export type ChainProblem =
  | 'edited'
  | 'removed'
  | 'inserted'
  | 'reordered'
  | 'replaced'
  | 'truncated'
  | 'rewritten';

/** The first entry where the chain breaks, and what most likely happened. */
export interface ChainFault {
  readonly seq: number;
  readonly problem: ChainProblem;
  readonly message: string;
}

/** Where the walk stood: the seq expected next and the hashes behind it. */
export interface WalkPosition {
  readonly seq: number;
  /** Hash of entry seq - 1. */
  readonly hash: string;
  /** Hash of entry seq - 2. */
  readonly before: string;
}

/** How far past a break the diagnosis looks for the entry that belongs there. */
const LOOKAHEAD = 10_000;
/** How many renumbered-away entries a removal is checked for. */
const RENUMBER_DEPTH = 8;

/**
 * Names a break in the chain. The verifier only knows that `entry` does
 * not follow; the entries after it tell what happened: a later entry that
 * links where this one should means this one was inserted or moved.
 */
export async function diagnoseBreak(
  store: Store,
  entry: AuditLink,
  at: WalkPosition,
): Promise<ChainFault> {
  if (entry.seq !== at.seq) return gap(entry, at);
  if (entry.prevHash === at.before && selfConsistent(entry, -1)) {
    return fault(at.seq - 1, 'inserted',
      `not part of the chain, entry ${at.seq} links past it to entry ${at.seq - 2}`);
  }
  const ahead = await store.readAuditChain({ afterSeq: entry.seq, limit: LOOKAHEAD });
  if (entry.prevHash === at.hash && ahead[0]?.prevHash !== at.hash) {
    return fault(at.seq, 'edited', 'hash does not match its contents');
  }
  return misplaced(entry, at, ahead) ?? renumbered(entry) ?? fault(at.seq, 'replaced',
    `does not link to entry ${at.seq - 1}; it was replaced or an entry before it was removed`);
}

function gap(entry: AuditLink, at: WalkPosition): ChainFault {
  const missing = entry.seq - at.seq === 1 ? `${at.seq}` : `${at.seq} to ${entry.seq - 1}`;
  return fault(at.seq, 'removed',
    `missing, the chain jumps from entry ${at.seq - 1} to ${entry.seq} (${missing} gone)`);
}

function misplaced(
  entry: AuditLink,
  at: WalkPosition,
  ahead: readonly AuditLink[],
): ChainFault | undefined {
  const rightful = ahead.findIndex((a) => a.prevHash === at.hash);
  const next = ahead[0];
  if (rightful === 0 && next && entry.prevHash !== next.hash) {
    return fault(at.seq, 'inserted',
      `not part of the chain, the entry after it links to entry ${at.seq - 1}`);
  }
  const found = ahead[rightful];
  if (found) {
    return fault(at.seq, 'reordered',
      `out of order, the entry that follows ${at.seq - 1} is stored at ${found.seq}`);
  }
  const successor = ahead.find((a) => a.hash === entry.prevHash);
  if (successor) {
    return fault(at.seq, 'reordered',
      `out of order, it follows the entry stored at ${successor.seq}`);
  }
  return undefined;
}

/** An entry hashed for a later seq: entries before it were removed and the rest renumbered. */
function renumbered(entry: AuditLink): ChainFault | undefined {
  for (let shift = 1; shift <= RENUMBER_DEPTH; shift++) {
    if (selfConsistent(entry, shift)) {
      return fault(entry.seq, 'removed',
        `was entry ${entry.seq + shift}; ${shift === 1 ? 'the entry' : `${shift} entries`}`
        + ' before it removed and the rest renumbered');
    }
  }
  return undefined;
}

function selfConsistent(entry: AuditLink, seqShift: number): boolean {
  return entryHash(entry.prevHash, { ...entry, seq: entry.seq + seqShift }) === entry.hash;
}

function fault(seq: number, problem: ChainProblem, what: string): ChainFault {
  return { seq, problem, message: `audit entry ${seq}: ${what} (${problem})` };
}
