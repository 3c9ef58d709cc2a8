import { Worker } from 'node:worker_threads';

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

/** A sound range of the chain: what it links to and where it ends. */
export interface SoundPrefix {
  /** The prev_hash of its first entry. */
  readonly firstPrev: string;
  readonly seq: number;
  readonly hash: string;
  /** The hash of entry seq - 1. */
  readonly before: string;
}

/**
 * Verifies the entries after `range.after` up to `range.last` of a SQLite
 * chain in `workers` threads, each reading and hashing one part through
 * its own connection; the links between parts are checked here. Hashing
 * an entry needs only its own row, so the parts are independent. Returns
 * the sound range, or null when any part has a fault (the caller then
 * walks the chain in order to name it).
 */
export async function verifyInParallel(
  file: string,
  range: { readonly after: number; readonly last: number },
  workers: number,
): Promise<SoundPrefix | null> {
  const size = Math.ceil((range.last - range.after) / workers);
  const tasks: SegmentTask[] = [];
  for (let after = range.after; after < range.last; after += size) {
    tasks.push({ file, after, last: Math.min(range.last, after + size) });
  }
  // A thread that fails to start or read proves nothing: walk in order.
  const results = await Promise.all(tasks.map(runSegment)).catch(() => null);
  if (results === null) return null;
  const firstPrev = results[0]?.firstPrev ?? null;
  let hash = firstPrev;
  for (const result of results) {
    if (!result.ok || result.firstPrev !== hash || result.lastHash === null) return null;
    hash = result.lastHash;
  }
  const before = results.at(-1)?.lastPrev ?? null;
  if (firstPrev === null || hash === null || before === null) return null;
  return { firstPrev, seq: range.last, hash, before };
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
