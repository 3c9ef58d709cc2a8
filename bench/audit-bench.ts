import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditChain } from '../src/audit/audit-verify.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { AuditInput, Store } from '../src/store/store.js';
import type { Benchmark, BenchContext, BenchResult } from './harness.js';
import { median } from './harness.js';

const APPEND_BATCH = 10_000;
const PAGE = 20_000;
const PROCESSORS = ['ads-ranker', 'lookalike-builder', 'model-trainer', 'bi-export'];
const PURPOSES = [
  'ads.optimization', 'ads.audience.lookalike', 'ai.training', 'analytics.external',
];

/**
 * Verifying an audit trail (read every entry from SQLite, check seq,
 * links and recompute every hash) against one SHA-256 pass over the same
 * stored fields already in memory: how close verification gets to the
 * cost of hashing the bytes once.
 */
export const auditVerifyVsSha256: Benchmark = {
  key: 'audit_verify_vs_sha256',
  goal: '<= 3',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const count = ctx.quick ? 100_000 : 1_000_000;
    const dir = mkdtempSync(join(tmpdir(), 'pg-bench-audit-'));
    const file = join(dir, 'audit.db');
    const writer = new SqliteStore(file);
    const appendMs = await fill(writer, count).finally(() => writer.close());
    ctx.log(`appended ${count} entries in ${appendMs.toFixed(0)} ms`);
    // Verified as an existing trail is: by a process that opens the file.
    const store = new SqliteStore(file);
    try {
      const stored = await storedFields(store);
      const runs = ctx.quick ? 3 : 5;
      const verify: number[] = [];
      const sha: number[] = [];
      await timeVerify(store, count);
      for (let i = 0; i < runs; i++) {
        verify.push(await timeVerify(store, count));
        sha.push(timeSha256(stored));
        const times = `verify ${verify.at(-1)?.toFixed(0)} ms, sha-256 pass ${sha.at(-1)?.toFixed(0)} ms`;
        ctx.log(`run ${i + 1}: ${times}`);
      }
      const v = median(verify);
      const s = median(sha);
      return {
        value: v / s,
        details: {
          entries: count,
          verify_ms: Math.round(v),
          sha256_ms: Math.round(s),
          verify_entries_per_s: Math.round(count / (v / 1000)),
          append_entries_per_s: Math.round(count / (appendMs / 1000)),
          stored_mb: Math.round(stored.bytes.length / 1e5) / 10,
        },
      };
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** Appends `count` decision-like entries in batches; returns the time taken. */
async function fill(store: Store, count: number): Promise<number> {
  const start = performance.now();
  for (let done = 0; done < count; done += APPEND_BATCH) {
    const batch: AuditInput[] = [];
    for (let i = done; i < Math.min(count, done + APPEND_BATCH); i++) batch.push(entry(i));
    await store.appendAudit(batch);
  }
  return performance.now() - start;
}

function entry(i: number): AuditInput {
  const processor = PROCESSORS[i % PROCESSORS.length] ?? 'ads-ranker';
  const purpose = PURPOSES[(i >> 2) % PURPOSES.length] ?? 'ads.optimization';
  const allowed = i % 7 !== 0;
  return {
    kind: 'decision',
    actor: processor,
    owner: 'acme',
    data: {
      processor,
      purpose,
      dataset: 'events',
      outcome: allowed ? 'allow' : 'deny',
      rule: allowed ? 'registered' : 'not_registered',
      reason: `processor '${processor}' is ${allowed ? '' : 'not '}registered for purpose '${purpose}'`,
      rows: allowed ? (i * 37) % 5000 : 0,
    },
  };
}

async function timeVerify(store: Store, count: number): Promise<number> {
  const start = performance.now();
  const result = await verifyAuditChain(store);
  const ms = performance.now() - start;
  if (!result.ok || result.entries !== count) {
    const why = result.firstBad?.message ?? `${result.entries} entries`;
    throw new Error(`verification failed: ${why}`);
  }
  return ms;
}

/**
 * Every entry's stored fields, read once outside the timing, in one
 * buffer with each entry's end offset: off the JS heap, so holding them
 * does not slow the collector while verification runs.
 */
async function storedFields(store: Store): Promise<{ bytes: Buffer; ends: Float64Array }> {
  const parts: Buffer[] = [];
  const ends: number[] = [];
  let size = 0;
  for (let after = 0; ;) {
    const page = await store.readAuditChain({ afterSeq: after, limit: PAGE });
    const text = page.map((e) => `${e.seq}${e.at}${e.kind}${e.actor}${e.owner ?? ''}`
      + `${e.dataJson}${e.prevHash}${e.hash}`);
    for (const t of text) {
      size += Buffer.byteLength(t);
      ends.push(size);
    }
    parts.push(Buffer.from(text.join('')));
    after = page.at(-1)?.seq ?? after;
    if (page.length < PAGE) return { bytes: Buffer.concat(parts), ends: Float64Array.from(ends) };
  }
}

/** One SHA-256 over all stored fields, one update per entry. */
function timeSha256(stored: { bytes: Buffer; ends: Float64Array }): number {
  const start = performance.now();
  const hash = createHash('sha256');
  let from = 0;
  for (const end of stored.ends) {
    hash.update(stored.bytes.subarray(from, end));
    from = end;
  }
  hash.digest('hex');
  return performance.now() - start;
}
