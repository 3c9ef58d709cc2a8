import { itemsFromFile } from '../src/collection/input-files.js';
import { ingest } from '../src/collection/ingest.js';
import type { PurposeGuard } from '../src/engine/purposeguard.js';
import type { NewFlow, StoredRecord } from '../src/store/store.js';
import { example } from './support.js';

/**
 * The reference scenario's data plus two flows: a lookalike seed list
 * (allowed) and ads events copied into the AI training corpus (a
 * violation, recorded as log mode would).
 */
export async function seedDashboard(pg: PurposeGuard): Promise<void> {
  await ingest(pg.ctx, 'web', itemsFromFile(example('events.json')), { actor: 'test' });
  await ingest(pg.ctx, 'crm', itemsFromFile(example('customers.csv')), { actor: 'test' });
  const events = await rowsOf(pg, 'events');
  const customers = await rowsOf(pg, 'customers');
  await derive(pg, [...events, ...customers].slice(0, 4), flow({
    processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', inputs: ['events', 'customers'],
    output: 'lookalike_seeds', outcome: 'allowed', outputPurposes: ['ads.audience.lookalike'],
  }));
  await derive(pg, events.slice(0, 2), flow({
    processor: 'ads-ranker', purpose: 'ads.optimization', inputs: ['events'],
    output: 'ai_corpus', outcome: 'violation', outputPurposes: ['ads.optimization'],
  }));
}

async function rowsOf(pg: PurposeGuard, dataset: string): Promise<StoredRecord[]> {
  const owner = 'acme';
  const labels = pg.guard.labels.all().map((l) => l.id);
  const out: StoredRecord[] = [];
  for await (const batch of pg.store.readRecords({ dataset, owner, open: labels, consentGroups: [], now: Date.now() })) {
    out.push(...batch);
  }
  return out;
}

function flow(f: Pick<NewFlow, 'processor' | 'purpose' | 'inputs' | 'output' | 'outcome' | 'outputPurposes'>): NewFlow {
  return { ...f, owner: 'acme', reclassification: null, at: Date.now() };
}

async function derive(pg: PurposeGuard, inputs: readonly StoredRecord[], f: NewFlow): Promise<void> {
  await pg.store.commit({
    records: inputs.map((r, i) => ({
      dataset: f.output, owner: 'acme', labelId: r.labelId, subjects: r.subjects, collectedAt: Date.now(),
      expiresAt: null, dedupeKey: null, json: JSON.stringify({ seed: i }), sources: [r.id],
    })),
    flow: f,
    audit: [{ kind: f.outcome === 'violation' ? 'violation' : 'flow', actor: f.processor, owner: 'acme', data: { output: f.output, rows: inputs.length } }],
  });
}

