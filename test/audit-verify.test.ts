import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import { copyStore, fillTrail, insertForged, rawEntry, runCli, tamper } from './audit-support.js';
import { example, tempDir } from './support.js';

const KEY = { PURPOSEGUARD_AUDIT_KEY: 'a-test-key-of-enough-length' };
let dir: string;
let clean: string;
let entries: number;

before(async () => {
  dir = tempDir('pg-audit-');
  clean = join(dir, 'clean.db');
  const pg = await PurposeGuard.open({ policy: example('policy.yaml'), db: clean });
  await fillTrail(pg);
  entries = (await pg.verifyAudit()).entries;
  await pg.close();
});

async function verify(db: string, ...extra: string[]): Promise<{ code: number | null; out: string }> {
  const run = await runCli(['audit', 'verify', '--db', db, ...extra], { cwd: dir, env: KEY });
  return { code: run.code, out: run.stdout + run.stderr };
}

describe('audit verify (CLI)', () => {
  test('a clean trail verifies: exit 0 with the count and the head hash', async () => {
    assert.ok(entries >= 10, `the scenario wrote ${entries} entries`);
    const db = copyStore(clean, dir, 'ok');
    const head = (() => {
      let hash = '';
      tamper(db, (d) => { hash = rawEntry(d, entries).hash; });
      return hash;
    })();
    const { code, out } = await verify(db);
    assert.equal(code, 0, out);
    assert.match(out, new RegExp(`audit trail ok: ${entries} entries, head ${entries} ${head}`));
  });

  test('an edited entry is named: exit 4, "hash does not match its contents (edited)"', async () => {
    const db = copyStore(clean, dir, 'edited');
    tamper(db, (d) => {
      d.prepare(`UPDATE audit_log SET data = replace(data, '"accepted":', '"accepted":1') WHERE seq = 3`).run();
    });
    const { code, out } = await verify(db);
    assert.equal(code, 4, out);
    assert.match(out, /audit entry 3: hash does not match its contents \(edited\)/);
  });

  test('a removed middle entry is named (removed)', async () => {
    const db = copyStore(clean, dir, 'removed');
    tamper(db, (d) => { d.prepare('DELETE FROM audit_log WHERE seq = 5').run(); });
    const { code, out } = await verify(db);
    assert.equal(code, 4, out);
    assert.match(out, /audit entry 5: missing, the chain jumps from entry 4 to 6 .*\(removed\)/);
  });

  test('a removal hidden by renumbering the rest is still named (removed)', async () => {
    const db = copyStore(clean, dir, 'renumbered');
    tamper(db, (d) => {
      d.prepare('DELETE FROM audit_log WHERE seq = 5').run();
      d.prepare('UPDATE audit_log SET seq = -seq WHERE seq > 5').run();
      d.prepare('UPDATE audit_log SET seq = -seq - 1 WHERE seq < 0').run();
    });
    const { code, out } = await verify(db);
    assert.equal(code, 4, out);
    assert.match(out, /audit entry 5: was entry 6; the entry before it removed .*\(removed\)/);
  });

  test('a forged entry inserted with a valid hash is named (inserted)', async () => {
    const db = copyStore(clean, dir, 'inserted');
    tamper(db, (d) => insertForged(d, 6, { rehash: true }));
    const { code, out } = await verify(db);
    assert.equal(code, 4, out);
    assert.match(out, /audit entry 6: not part of the chain, entry 7 links past it to entry 5 \(inserted\)/);
  });

  test('a forged entry inserted without a valid hash is named (inserted)', async () => {
    const db = copyStore(clean, dir, 'inserted-crude');
    tamper(db, (d) => insertForged(d, 4, { rehash: false }));
    const { code, out } = await verify(db);
    assert.equal(code, 4, out);
    assert.match(out, /audit entry 4: .*\(inserted\)/);
  });

  test('two entries swapped by seq are named (reordered)', async () => {
    const db = copyStore(clean, dir, 'reordered');
    tamper(db, (d) => {
      d.prepare('UPDATE audit_log SET seq = -1 WHERE seq = 4').run();
      d.prepare('UPDATE audit_log SET seq = 4 WHERE seq = 6').run();
      d.prepare('UPDATE audit_log SET seq = 6 WHERE seq = -1').run();
    });
    const { code, out } = await verify(db);
    assert.equal(code, 4, out);
    assert.match(out, /audit entry 4: out of order, the entry that follows 3 is stored at 6 \(reordered\)/);
  });

  test('neighbours swapped are named (reordered), not inserted', async () => {
    const db = copyStore(clean, dir, 'swapped');
    tamper(db, (d) => {
      d.prepare('UPDATE audit_log SET seq = -1 WHERE seq = 7').run();
      d.prepare('UPDATE audit_log SET seq = 7 WHERE seq = 8').run();
      d.prepare('UPDATE audit_log SET seq = 8 WHERE seq = -1').run();
    });
    const { code, out } = await verify(db);
    assert.equal(code, 4, out);
    assert.match(out, /audit entry 7: out of order.*\(reordered\)/);
  });

  test('a tail cut off after a checkpoint is named (truncated)', async () => {
    const db = copyStore(clean, dir, 'truncated');
    const file = join(dir, 'truncated.checkpoints');
    const signed = await runCli(['audit', 'checkpoint', '--db', db, '--checkpoint', file], { cwd: dir, env: KEY });
    assert.equal(signed.code, 0, signed.stderr);
    assert.equal(JSON.parse(signed.stdout).seq, entries);
    assert.equal((await verify(db, '--checkpoint', file)).code, 0);
    tamper(db, (d) => { d.prepare('DELETE FROM audit_log WHERE seq > ?').run(entries - 2); });
    assert.equal((await verify(db)).code, 0, 'without the checkpoint a cut tail looks whole');
    const { code, out } = await verify(db, '--checkpoint', file);
    assert.equal(code, 4, out);
    assert.match(out, new RegExp(`audit entry ${entries - 1}: missing, the chain ends at ${entries - 2} .*\\(truncated\\)`));
  });

  test('a rewritten chain no longer matches its checkpoint (rewritten)', async () => {
    const db = copyStore(clean, dir, 'rewritten');
    const file = join(dir, 'rewritten.checkpoints');
    assert.equal((await runCli(['audit', 'checkpoint', '--db', db, '--checkpoint', file], { cwd: dir, env: KEY })).code, 0);
    tamper(db, (d) => {
      d.prepare('DELETE FROM audit_log WHERE seq > 2').run();
    });
    const pg = await PurposeGuard.open({ policy: example('policy.yaml'), db });
    await fillTrail(pg);
    await pg.close();
    assert.equal((await verify(db)).code, 0);
    const { code, out } = await verify(db, '--checkpoint', file);
    assert.equal(code, 4, out);
    assert.match(out, new RegExp(`audit entry ${entries}: hash differs from the checkpoint .*\\(rewritten\\)`));
  });

  test('an edited checkpoint line fails its signature (exit 4); a wrong key is a usage error', async () => {
    const db = copyStore(clean, dir, 'signed');
    const file = join(dir, 'signed.checkpoints');
    assert.equal((await runCli(['audit', 'checkpoint', '--db', db, '--checkpoint', file], { cwd: dir, env: KEY })).code, 0);
    const keyFile = join(dir, 'other.key');
    writeFileSync(keyFile, 'another-key-of-enough-length\n');
    const wrongKey = await verify(db, '--checkpoint', file, '--key-file', keyFile);
    assert.equal(wrongKey.code, 1, wrongKey.out);
    assert.match(wrongKey.out, /was signed with key [0-9a-f]{16}, not the key given/);
    const line = JSON.parse(readFileSync(file, 'utf8')) as { seq: number };
    writeFileSync(file, `${JSON.stringify({ ...line, seq: line.seq + 5 })}\n`);
    const edited = await verify(db, '--checkpoint', file);
    assert.equal(edited.code, 4, edited.out);
    assert.match(edited.out, /signed\.checkpoints:1: signature does not match its contents/);
  });

  test('a checkpoint needs a key', async () => {
    const run = await runCli(['audit', 'checkpoint', '--db', copyStore(clean, dir, 'nokey')], {
      cwd: dir, env: { PURPOSEGUARD_AUDIT_KEY: '' },
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /checkpoints need a key: set PURPOSEGUARD_AUDIT_KEY or pass --key-file FILE/);
  });

  test('audit tail prints the newest entries as JSON lines', async () => {
    const run = await runCli(['audit', 'tail', '-n', '3', '--db', copyStore(clean, dir, 'tail')], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; kind: string });
    assert.deepEqual(lines.map((l) => l.seq), [entries - 2, entries - 1, entries]);
  });
});
