import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { ingest } from '../src/collection/ingest.js';
import { itemsFromFile } from '../src/collection/input-files.js';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import type { LogEvent } from '../src/log.js';
import { fillTrail } from './audit-support.js';
import { readSharedData } from './shared-data.js';
import { example, tempDir } from './support.js';

/** Every email and phone number written in the inputs, as sent and normalized. */
function identifiersInInputs(): Set<string> {
  const text = [
    readSharedData('capi', 'batch-mixed.json'),
    readSharedData('customer-lists', 'customers.csv'),
    readFileSync(example('events.json'), 'utf8'),
  ].join('\n');
  const out = new Set<string>();
  for (const [email] of text.matchAll(/[^\s",]+@[^\s",]+\.[a-z]+/gi)) {
    out.add(email);
    out.add(email.trim().toLowerCase());
    out.add(email.split('@')[0] ?? email);
  }
  for (const [phone] of text.matchAll(/\+?\d[\d ()-]{7,}\d/g)) {
    out.add(phone);
    out.add(phone.replace(/\D/g, ''));
  }
  return out;
}

/** Subject hashes and every hashed value the store holds. */
function hashesInStore(file: string): Set<string> {
  const db = new Database(file, { readonly: true });
  try {
    const out = new Set<string>();
    const rows = db.prepare('SELECT subject, subjects, data FROM records').all() as Record<string, string | null>[];
    for (const row of rows) {
      for (const value of Object.values(row)) {
        for (const [hex] of (value ?? '').matchAll(/[0-9a-f]{64}/g)) out.add(hex);
      }
    }
    return out;
  } finally {
    db.close();
  }
}

test('no audit entry or alert holds an email, a phone or a subject hash from the inputs', async () => {
  const dir = tempDir('pg-privacy-');
  const file = join(dir, 'store.db');
  const log: LogEvent[] = [];
  const pg = await PurposeGuard.open({ policy: example('policy.yaml'), db: file, logger: (e) => log.push(e) });
  await fillTrail(pg);
  await ingest(pg.ctx, 'web', itemsFromFile(example('events.json')), { actor: 'test' });
  const trail = await pg.auditPage({ afterSeq: 0, limit: 10_000 });
  await pg.close();
  const identifiers = identifiersInInputs();
  const hashes = hashesInStore(file);
  assert.ok(identifiers.has('carol@example.net') && identifiers.has('16505550100'), 'the inputs were read');
  assert.ok(hashes.size >= 5, `the store holds ${hashes.size} hashed values`);
  assert.deepEqual(new Set(trail.map((e) => e.kind)), new Set(['policy', 'collection', 'consent', 'decision', 'flow', 'violation', 'alert', 'erasure']));
  const texts = [
    ...trail.map((e) => `${e.actor} ${e.owner ?? ''} ${e.dataJson}`),
    ...log.filter((e) => e.type === 'alert').map((e) => JSON.stringify(e)),
  ];
  for (const text of texts) {
    for (const needle of [...identifiers, ...hashes]) {
      assert.ok(!text.includes(needle), `an audit entry or alert holds '${needle.slice(0, 6)}...'`);
    }
  }
});
