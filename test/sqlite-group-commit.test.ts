import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { WriteBatch } from '../src/store/store.js';
import { tempDir } from './support.js';

const LABEL = { purposes: ['ads'], categories: [], source: 'web', jurisdiction: 'US', flags: [] };

function batch(n: number, options: { fail?: boolean } = {}): WriteBatch {
  return {
    records: [{
      dataset: 'events', owner: 'acme', labelId: 1, subjects: [`s${n}`], collectedAt: 1, expiresAt: null,
      dedupeKey: `e:${n}`, json: JSON.stringify({ n }),
    }],
    audit: () => {
      if (options.fail) throw new Error('audit entries could not be built');
      return [{ kind: 'collection', actor: 'test', owner: 'acme', data: { n } }];
    },
  };
}

test('concurrent commits share a transaction; one that throws is rolled back alone', async () => {
  const store = new SqliteStore(join(tempDir(), 'group.db'));
  try {
    const label = await store.internLabel(LABEL);
    assert.equal(label, 1);
    const batches = [batch(1), batch(2, { fail: true }), batch(3), batch(4)];
    const results = await Promise.allSettled(batches.map((b) => store.commit(b)));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const counts = await store.datasetCounts(null);
    assert.equal(counts.find((c) => c.dataset === 'events')?.rows, 3);
    const audit = await store.readAudit({ afterSeq: 0, limit: 10 });
    assert.deepEqual(audit.map((e) => [e.seq, e.data['n']]), [[1, 1], [2, 3], [3, 4]]);
    audit.slice(1).forEach((e, i) => assert.equal(e.prevHash, audit[i]?.hash));
  } finally {
    await store.close();
  }
});

test('a commit still waiting when the store closes is written first', async () => {
  const file = join(tempDir(), 'close.db');
  const store = new SqliteStore(file);
  await store.internLabel(LABEL);
  const pending = store.commit(batch(7));
  await store.close();
  assert.equal((await pending).recordIds.length, 1);
  const again = new SqliteStore(file);
  try {
    assert.equal((await again.datasetCounts(null))[0]?.rows, 1);
  } finally {
    await again.close();
  }
});
