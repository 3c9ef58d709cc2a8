import { Worker } from 'node:worker_threads';
import { GENESIS_HASH } from './audit-hash.js';

/** A range of the chain for one worker: entries after `after` up to `last`. */
export interface SegmentTask {
  readonly file: string;
  readonly after: number;
  readonly last: number;
}

export interface SegmentResult {
  /** Every entry of the range is present, linked and hashes right. */
  readonly ok: boolean;
  /** The prev_hash of the range's first entry. */
  readonly firstPrev: string | null;
  /** The prev_hash of the range's last entry. */
  readonly lastPrev: string | null;
  readonly lastHash: string | null;
  readonly lastSeq: number;
}

/** Where a sound prefix of the chain ends. */
export interface SoundPrefix {
  readonly seq: number;
  readonly hash: string;
  readonly before: string;
}

/**
 * Verifies entries 1 to `head` of a SQLite chain in `workers` threads,
 * each reading and hashing one range through its own connection; the
 * links between ranges are checked here. Hashing an entry needs only its
 * own row, so the ranges are independent. Returns where the sound prefix
 * ends, or null when any range has a fault (the caller then walks the
 * chain in order to name it).
 */
export async function verifyInParallel(
  file: string,
  head: number,
  workers: number,
): Promise<SoundPrefix | null> {
  const size = Math.ceil(head / workers);
  const tasks: SegmentTask[] = [];
  for (let after = 0; after < head; after += size) {
    tasks.push({ file, after, last: Math.min(head, after + size) });
  }
  const results = await Promise.all(tasks.map(runSegment));
  let hash = GENESIS_HASH;
  for (const result of results) {
    if (!result.ok || result.firstPrev !== hash || result.lastHash === null) return null;
    hash = result.lastHash;
  }
  return { seq: head, hash, before: results.at(-1)?.lastPrev ?? GENESIS_HASH };
}

function runSegment(task: SegmentTask): Promise<SegmentResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./verify-worker.js', import.meta.url), { workerData: task });
    worker.once('message', (result: SegmentResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`audit verify worker exited with ${code}`));
    });
  });
}
