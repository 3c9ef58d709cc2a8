import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ingest } from '../src/collection/ingest.js';
import { itemsFromBatch } from '../src/collection/input-files.js';
import type { PurposeGuard } from '../src/engine/purposeguard.js';
import { openScenario } from './erasure-support.js';
import { allRows } from './support.js';

const EMAIL = 'mina@example.com';

function purchase(id: string, eventTime: number): Record<string, unknown> {
  return {
    event_name: 'Purchase', event_time: eventTime, event_id: id, action_source: 'website',
    user_data: { em: EMAIL }, consent: { 'ai.training': 'granted' },
  };
}

async function trainable(pg: PurposeGuard): Promise<number> {
  const rows = await allRows(pg.read({
    processor: 'model-trainer', purpose: 'ai.training', dataset: 'events',
  }));
  return rows.length;
}

async function send(pg: PurposeGuard, event: Record<string, unknown>): Promise<void> {
  await ingest(pg.ctx, 'web', itemsFromBatch({ data: [event] }, 'body'), { actor: 'test' });
}

test('a retried event granting consent does not undo a withdrawal made after it', async () => {
  let now = Date.UTC(2026, 5, 1);
  const s = await openScenario({ now: () => now });
  try {
    const event = purchase('order-1', Math.floor(now / 1000) - 60);
    await send(s.pg, event);
    assert.equal(await trainable(s.pg), 1);
    now += 60_000;
    await s.pg.consent({ email: EMAIL, purpose: 'ai.training', status: 'withdrawn', actor: 'dpo' });
    assert.equal(await trainable(s.pg), 0);
    now += 60_000;
    await send(s.pg, event);
    await send(s.pg, purchase('order-0-late', Math.floor(now / 1000) - 3600));
    assert.equal(await trainable(s.pg), 0);
    await send(s.pg, purchase('order-2', Math.floor(now / 1000)));
    assert.equal(await trainable(s.pg), 3, 'a new event after the withdrawal grants again');
  } finally {
    await s.pg.close();
  }
});

test('an event dated in the future cannot outrank a withdrawal made now', async () => {
  let now = Date.UTC(2026, 5, 1);
  const s = await openScenario({ now: () => now });
  try {
    await send(s.pg, purchase('from-the-future', Math.floor(now / 1000) + 30 * 86_400));
    assert.equal(await trainable(s.pg), 1);
    now += 60_000;
    await s.pg.consent({ email: EMAIL, purpose: 'ai.training', status: 'withdrawn', actor: 'dpo' });
    assert.equal(await trainable(s.pg), 0);
  } finally {
    await s.pg.close();
  }
});
