import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ingest } from '../src/collection/ingest.js';
import { itemsFromBatch } from '../src/collection/input-files.js';
import { openScenario } from './erasure-support.js';
import { allRows } from './support.js';

function purchase(id: string, userData: Record<string, unknown>): Record<string, unknown> {
  return {
    event_name: 'Purchase', event_time: 1764806400, event_id: id,
    action_source: 'website', user_data: userData,
  };
}

test('an event whose country comes hashed, as ad platforms ask, keeps its EU jurisdiction', async () => {
  const s = await openScenario();
  try {
    const de = createHash('sha256').update('de').digest('hex');
    const batch = {
      data: [
        purchase('hashed-de', { em: 'eu.one@example.com', country: [de] }),
        purchase('hashed-de-upper', { em: 'eu.two@example.com', country: de.toUpperCase() }),
        purchase('plain-us', { em: 'us.one@example.com', country: 'us' }),
      ],
    };
    await ingest(s.pg.ctx, 'web', itemsFromBatch(batch, 'body'), { actor: 'test' });
    const rows = await allRows(s.pg.read({
      processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'events',
    }));
    const seen = rows.map((r) => [
      (JSON.parse(r.json) as { event_id: string }).event_id, r.label.jurisdiction,
    ]);
    assert.deepEqual(seen, [['plain-us', 'US']]);
    await s.pg.consent({
      email: 'eu.one@example.com', purpose: 'ads.audience.lookalike', status: 'granted', actor: 'test',
    });
    const after = await allRows(s.pg.read({
      processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', dataset: 'events',
    }));
    assert.deepEqual(after.map((r) => r.label.jurisdiction).sort(), ['DE', 'US']);
  } finally {
    await s.pg.close();
  }
});
