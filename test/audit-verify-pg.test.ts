import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifyAuditChain } from '../src/audit/audit-verify.js';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import { fillTrail } from './audit-support.js';
import { storeCases } from './store-fixtures.js';
import { example } from './support.js';

for (const kind of storeCases().filter((c) => c.name === 'postgres')) {
  describe(`audit verify through the library on ${kind.name}`, { skip: kind.missing ?? false }, () => {
    test('a clean trail verifies; an edited, a removed and a reordered entry are named', async () => {
      const fixture = await kind.fresh();
      try {
        const pg = await PurposeGuard.open({ policy: example('policy.yaml'), store: await fixture.open() });
        await fillTrail(pg);
        const clean = await pg.verifyAudit();
        await pg.close();
        assert.equal(clean.ok, true);
        assert.ok(clean.entries >= 10);
        const store = await fixture.open();
        try {
          await fixture.count(`UPDATE audit_log SET data = replace(data, '"rows":', '"rows":9') WHERE seq = 7 RETURNING 1`);
          assert.deepEqual(pick(await verifyAuditChain(store)), { seq: 7, problem: 'edited' });
          await fixture.count('DELETE FROM audit_log WHERE seq = 7 RETURNING 1');
          assert.deepEqual(pick(await verifyAuditChain(store)), { seq: 7, problem: 'removed' });
          await fixture.count('UPDATE audit_log SET seq = 7 WHERE seq = 3 RETURNING 1');
          assert.deepEqual(pick(await verifyAuditChain(store)), { seq: 3, problem: 'removed' });
          await fixture.count('UPDATE audit_log SET seq = 3 WHERE seq = 9 RETURNING 1');
          await fixture.count('UPDATE audit_log SET seq = 9 WHERE seq = 7 RETURNING 1');
          const reordered = await verifyAuditChain(store, { pageSize: 4 });
          assert.deepEqual(pick(reordered), { seq: 3, problem: 'reordered' });
          assert.equal(reordered.entries, 2);
        } finally {
          await store.close();
        }
      } finally {
        await fixture.cleanup();
      }
    });
  });
}

function pick(result: Awaited<ReturnType<typeof verifyAuditChain>>): { seq: number; problem: string } | undefined {
  return result.firstBad ? { seq: result.firstBad.seq, problem: result.firstBad.problem } : undefined;
}
