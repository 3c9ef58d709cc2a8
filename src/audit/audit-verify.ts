import { availableParallelism } from 'node:os';
import type { AuditLink, Store } from '../store/store.js';
import { entryHash, GENESIS_HASH } from './audit-hash.js';
import type { Checkpoint } from './audit-checkpoint.js';
import { headSeq } from './audit-tail.js';
import { diagnoseBreak } from './chain-diagnosis.js';
import type { ChainFault } from './chain-diagnosis.js';
import { verifyInParallel } from './parallel-verify.js';
import type { SoundPrefix } from './parallel-verify.js';

export type { ChainFault, ChainProblem } from './chain-diagnosis.js';

export interface VerifyOptions {
  /** Called after each page with the number of entries checked so far. */
  readonly onProgress?: (checked: number) => void;
  /** Signed heads the chain must still contain (see `audit checkpoint`). */
  readonly checkpoints?: readonly Checkpoint[];
  /** Entries per store read. */
  readonly pageSize?: number;
  /**
   * Threads for a SQLite file (default: the CPUs, at most 4); 1 walks the
   * chain in this thread only.
   */
  readonly workers?: number;
}

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  /** Entries checked and found sound. */
  readonly entries: number;
  /** The last sound entry (seq 0 and the genesis hash for an empty trail). */
  readonly head: ChainHead;
  readonly firstBad?: ChainFault;
  /** Checkpoints the chain was compared with. */
  readonly checkpoints: number;
}

const PAGE_SIZE = 2000;
/** Below this many entries, starting threads costs more than it saves. */
const PARALLEL_FROM = 20_000;
const MAX_WORKERS = 4;

/**
 * Verifies the audit chain end to end, streaming it page by page: seq runs
 * from 1 without gaps, every entry links to the hash of the one before,
 * and every hash matches the entry's contents. With checkpoints, the chain
 * must also still reach each checkpoint's seq with the same hash there.
 * The first break found is named with what it most likely was.
 *
 * @example
 * const result = await verifyAuditChain(store);
 * if (!result.ok) console.error(result.firstBad?.message);
 */
export async function verifyAuditChain(
  store: Store,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  // A checkpoint of the empty chain (seq 0) holds for every chain.
  const marks = (options.checkpoints ?? []).filter((c) => c.seq > 0).sort((a, b) => a.seq - b.seq);
  const walk = new ChainWalk(store, marks);
  const walking = { pageSize: options.pageSize ?? PAGE_SIZE, onProgress: options.onProgress };
  const split = await splitChain(store, options.workers);
  let fault = await walkPages(walk, store, { ...walking, upTo: split?.ownUpTo });
  if (fault) return walk.result(fault);
  const rest = await split?.rest;
  if (rest && rest.firstPrev === walk.head.hash) {
    fault = await walk.resume(rest);
    options.onProgress?.(walk.head.seq);
    if (fault) return walk.result(fault);
  }
  fault = await walkPages(walk, store, walking);
  return walk.result(fault ?? walk.truncation());
}

/** Walks pages in order up to `upTo` (or the end); the first fault, if any. */
async function walkPages(
  walk: ChainWalk,
  store: Store,
  options: {
    pageSize: number;
    upTo?: number | undefined;
    onProgress?: ((checked: number) => void) | undefined;
  },
): Promise<ChainFault | undefined> {
  const upTo = options.upTo ?? Number.POSITIVE_INFINITY;
  while (walk.head.seq < upTo) {
    const limit = Math.min(options.pageSize, upTo - walk.head.seq);
    const page = await store.readAuditChain({ afterSeq: walk.head.seq, limit });
    const fault = await walk.check(page);
    options.onProgress?.(walk.head.seq);
    if (fault) return fault;
    if (page.length < limit) return undefined;
  }
  return undefined;
}

/**
 * For a SQLite file of at least 20,000 entries: this thread walks the
 * first part, other threads check the rest meanwhile (`rest` is null when
 * they found a fault, and the walk in order then names it). Null for
 * other stores and small chains.
 */
async function splitChain(
  store: Store,
  workers = defaultWorkers(),
): Promise<{ ownUpTo: number; rest: Promise<SoundPrefix | null> } | null> {
  if (workers <= 1 || store.kind !== 'sqlite' || store.location === ':memory:') return null;
  const head = await headSeq(store);
  if (head < PARALLEL_FROM) return null;
  const ownUpTo = Math.floor(head / workers);
  const rest = verifyInParallel(store.location, { after: ownUpTo, last: head }, workers - 1);
  return { ownUpTo, rest };
}

function defaultWorkers(): number {
  return Math.min(availableParallelism(), MAX_WORKERS);
}

/** The state of a walk along the chain: what the next entry must link to. */
class ChainWalk {
  readonly #store: Store;
  readonly #marks: readonly Checkpoint[];
  #mark = 0;
  #seq = 0;
  #hash = GENESIS_HASH;
  #before = GENESIS_HASH;

  constructor(store: Store, marks: readonly Checkpoint[]) {
    this.#store = store;
    this.#marks = marks;
  }

  /**
   * Continues after a range verified elsewhere that links to the head;
   * checkpoints inside it are compared by reading their entries.
   */
  async resume(prefix: SoundPrefix): Promise<ChainFault | undefined> {
    this.#seq = prefix.seq;
    this.#hash = prefix.hash;
    this.#before = prefix.before;
    for (;;) {
      const mark = this.#marks[this.#mark];
      if (!mark || mark.seq > prefix.seq) return undefined;
      const [entry] = await this.#store.readAuditChain({ afterSeq: mark.seq - 1, limit: 1 });
      if (entry?.seq !== mark.seq) return undefined;
      const fault = this.#compareMark(entry);
      if (fault) return fault;
    }
  }

  get head(): ChainHead {
    return { seq: this.#seq, hash: this.#hash };
  }

  async check(page: readonly AuditLink[]): Promise<ChainFault | undefined> {
    let nextMark = this.#marks[this.#mark]?.seq ?? Number.POSITIVE_INFINITY;
    for (const entry of page) {
      const seq = this.#seq + 1;
      const linked = entry.seq === seq && entry.prevHash === this.#hash;
      if (!linked || entryHash(this.#hash, entry) !== entry.hash) {
        return diagnoseBreak(this.#store, entry, { seq, hash: this.#hash, before: this.#before });
      }
      if (seq === nextMark) {
        const fault = this.#compareMark(entry);
        if (fault) return fault;
        nextMark = this.#marks[this.#mark]?.seq ?? Number.POSITIVE_INFINITY;
      }
      this.#before = this.#hash;
      this.#hash = entry.hash;
      this.#seq = seq;
    }
    return undefined;
  }

  /** A checkpoint past the end of the chain means its tail was cut off. */
  truncation(): ChainFault | undefined {
    const last = this.#marks.at(-1);
    if (last === undefined || last.seq <= this.#seq) return undefined;
    return {
      seq: this.#seq + 1,
      problem: 'truncated',
      message: `audit entry ${this.#seq + 1}: missing, the chain ends at ${this.#seq}`
        + ` but a checkpoint signed at ${last.at} covers it up to ${last.seq} (truncated)`,
    };
  }

  result(fault: ChainFault | undefined): VerifyResult {
    return {
      ok: fault === undefined,
      entries: this.#seq,
      head: this.head,
      ...(fault ? { firstBad: fault } : {}),
      checkpoints: this.#marks.length,
    };
  }

  #compareMark(entry: AuditLink): ChainFault | undefined {
    while (this.#marks[this.#mark]?.seq === entry.seq) {
      const mark = this.#marks[this.#mark];
      this.#mark += 1;
      if (mark && mark.hash !== entry.hash) {
        return {
          seq: entry.seq,
          problem: 'rewritten',
          message: `audit entry ${entry.seq}: hash differs from the checkpoint signed at`
            + ` ${mark.at}; the chain was rewritten from here or before (rewritten)`,
        };
      }
    }
    return undefined;
  }
}
