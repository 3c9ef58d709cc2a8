import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { itemsFromFile } from '../src/collection/input-files.js';
import { ingest } from '../src/collection/ingest.js';
import type { PurposeGuard } from '../src/engine/purposeguard.js';
import type { WriteResult } from '../src/flow/write-derived.js';
import { allRows, example } from './support.js';

/** The example policy switched to `log` mode, written into `dir`. */
export function logModePolicy(dir: string): string {
  const file = join(dir, 'policy-log.yaml');
  const text = readFileSync(example('policy.yaml'), 'utf8').replace(/^mode: enforce$/m, 'mode: log');
  writeFileSync(file, text);
  return file;
}

/**
 * The reference scenario's data and two derived writes: lookalike seeds
 * (allowed) and ads events copied into the AI training corpus (a
 * violation, written because the policy is in log mode).
 */
export async function seedDashboard(pg: PurposeGuard): Promise<{ seeds: WriteResult; corpus: WriteResult }> {
  await ingest(pg.ctx, 'web', itemsFromFile(example('events.json')), { actor: 'test' });
  await ingest(pg.ctx, 'crm', itemsFromFile(example('customers.csv')), { actor: 'test' });
  const builder = { processor: 'lookalike-builder', purpose: 'ads.audience.lookalike' };
  const lookalike = await allRows(pg.read({ ...builder, dataset: 'events' }));
  const seeds = await pg.write({
    ...builder, dataset: 'lookalike_seeds', actor: 'test',
    rows: lookalike.map((r) => ({ from: [r.id], data: { seed: r.id } })),
  });
  const ranker = { processor: 'ads-ranker', purpose: 'ads.optimization' };
  const ads = await allRows(pg.read({ ...ranker, dataset: 'events' }));
  const corpus = await pg.write({
    ...ranker, dataset: 'ai_corpus', actor: 'test',
    rows: ads.slice(0, 2).map((r) => ({ from: [r.id], data: { text: `event ${r.id}` } })),
  });
  return { seeds, corpus };
}
