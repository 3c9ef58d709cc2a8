import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { signCheckpoint } from '../src/audit/audit-checkpoint.js';
import { verifyAuditChain } from '../src/audit/audit-verify.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { AuditInput } from '../src/store/store.js';
import { copyStore, tamper } from './audit-support.js';
import { tempDir } from './support.js';

const ENTRIES = 30_000;
const KEY = Buffer.from('a-test-key-of-enough-length');
let dir: string;
let clean: string;

function note(i: number): AuditInput {
  return { kind: 'decision', actor: 'ads-ranker', owner: 'acme', data: { n: i, outcome: i % 5 === 0 ? 'deny' : 'allow' } };
}

before(async () => {
  dir = tempDir('pg-audit-par-');
  clean = join(dir, 'clean.db');
  const store = new SqliteStore(clean);
  for (let done = 0; done < ENTRIES; done += 5000) {
    await store.appendAudit(Array.from({ length: 5000 }, (_, i) => note(done + i)));
  }
  await store.close();
});

async function verifyCopy(name: string, work: Parameters<typeof tamper>[1] | null, options: Parameters<typeof verifyAuditChain>[1] = {}) {
  const file = copyStore(clean, dir, name);
  if (work) tamper(file, work);
  const store = new SqliteStore(file);
  try {
    return await verifyAuditChain(store, options);
  } finally {
    await store.close();
  }
}

describe('audit verify in parallel threads (SQLite)', () => {
  test('agrees with the walk in one thread on a clean chain', async () => {
    const parallel = await verifyCopy('p-ok', null, { workers: 3 });
    const single = await verifyCopy('s-ok', null, { workers: 1 });
    assert.equal(parallel.ok, true);
    assert.equal(parallel.entries, ENTRIES);
    assert.deepEqual(parallel.head, single.head);
  });

  test('an edit deep in a range is still named exactly (edited)', async () => {
    const result = await verifyCopy('p-edit', (db) => {
      db.prepare(`UPDATE audit_log SET data = '{"n":0,"outcome":"allow"}' WHERE seq = 17001`).run();
    }, { workers: 3 });
    assert.equal(result.firstBad?.message, 'audit entry 17001: hash does not match its contents (edited)');
    assert.equal(result.entries, 17_000);
  });

  test('a fault in the part this thread walks is named while the others still run', async () => {
    const result = await verifyCopy('p-early', (db) => {
      db.prepare('UPDATE audit_log SET seq = -1 WHERE seq = 500').run();
      db.prepare('UPDATE audit_log SET seq = 500 WHERE seq = 501').run();
      db.prepare('UPDATE audit_log SET seq = 501 WHERE seq = -1').run();
    }, { workers: 2 });
    assert.equal(result.firstBad?.problem, 'reordered');
    assert.equal(result.firstBad?.seq, 500);
  });

  test('a removal at a range boundary is named (removed)', async () => {
    const result = await verifyCopy('p-gap', (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq = 10001').run();
    }, { workers: 3 });
    assert.equal(result.firstBad?.problem, 'removed');
    assert.equal(result.firstBad?.seq, 10_001);
  });

  test('checkpoints inside the verified prefix are compared; one past the end is a truncation', async () => {
    const file = copyStore(clean, dir, 'p-marks');
    const store = new SqliteStore(file);
    try {
      const [at20k] = await store.readAuditChain({ afterSeq: 19_999, limit: 1 });
      assert.ok(at20k);
      const now = new Date();
      const good = signCheckpoint(at20k, KEY, now);
      const forged = signCheckpoint({ seq: 20_000, hash: 'a'.repeat(64) }, KEY, now);
      const beyond = signCheckpoint({ seq: ENTRIES + 5, hash: 'b'.repeat(64) }, KEY, now);
      assert.equal((await verifyAuditChain(store, { workers: 2, checkpoints: [good] })).ok, true);
      const rewritten = await verifyAuditChain(store, { workers: 2, checkpoints: [forged] });
      assert.equal(rewritten.firstBad?.problem, 'rewritten');
      assert.equal(rewritten.firstBad?.seq, 20_000);
      const truncated = await verifyAuditChain(store, { workers: 2, checkpoints: [good, beyond] });
      assert.equal(truncated.firstBad?.problem, 'truncated');
      assert.equal(truncated.firstBad?.seq, ENTRIES + 1);
    } finally {
      await store.close();
    }
  });
});
