import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { ingest } from '../src/collection/ingest.js';
import { itemsFromBatch } from '../src/collection/input-files.js';
import { hashField } from '../src/collection/normalize.js';
import { createSensitiveScanner } from '../src/collection/sensitive-scan.js';
import { allRows, example, openEngine } from './support.js';
import { event } from './event-fixture.js';

const scanner = createSensitiveScanner();

interface Refusal {
  readonly name: string;
  readonly event: Record<string, unknown>;
  readonly code: string;
  readonly path: string;
  /** Text the issue must never contain. */
  readonly secret: string;
}

const REFUSALS: readonly Refusal[] = [
  {
    name: 'an event_source_url whose user info and host spell an email',
    event: event({ event_source_url: 'https://alice@example.com/thanks' }),
    code: 'plaintext_identifier',
    path: 'data[0].event_source_url',
    secret: 'alice',
  },
  {
    name: 'an event_source_url with a password and host spelling an email',
    event: event({ event_source_url: 'https://x:mina.lee@example.com/' }),
    code: 'plaintext_identifier',
    path: 'data[0].event_source_url',
    secret: 'mina.lee',
  },
  {
    name: 'an event name with an acronym term before a word (HIVTest)',
    event: event({ event_name: 'HIVTest' }),
    code: 'sensitive_data',
    path: 'data[0].event_name',
    secret: 'HIV',
  },
  {
    name: 'a camelCase custom_data value (PregnancyTestKit)',
    event: event({ custom_data: { content_name: 'PregnancyTestKit' } }),
    code: 'sensitive_data',
    path: 'data[0].custom_data.content_name',
    secret: 'Pregnancy',
  },
  {
    name: 'a fullwidth term in custom_data (ＨＩＶ test)',
    event: event({ custom_data: { content_name: 'ＨＩＶ test' } }),
    code: 'sensitive_data',
    path: 'data[0].custom_data.content_name',
    secret: 'ＨＩＶ',
  },
  {
    name: 'a term split by a zero width space (h\\u200biv)',
    event: event({ custom_data: { content_name: 'h\u200biv test' } }),
    code: 'sensitive_data',
    path: 'data[0].custom_data.content_name',
    secret: 'iv test',
  },
  {
    name: 'a term split by a soft hyphen in the URL path (ab\\u00adortion)',
    event: event({ event_source_url: 'https://shop.example.com/ab%C2%ADortion-pill' }),
    code: 'sensitive_data',
    path: 'data[0].event_source_url',
    secret: 'ortion',
  },
  {
    name: 'an email with a fullwidth at sign in custom_data (bob＠example.com)',
    event: event({ custom_data: { note: 'bob＠example.com' } }),
    code: 'plaintext_identifier',
    path: 'data[0].custom_data.note',
    secret: 'bob',
  },
];

for (const refusal of REFUSALS) {
  test(`${refusal.name} is refused`, () => {
    const found = scanner.scanEvent(refusal.event, 'data[0]');
    assert.ok(found, 'the event was let through');
    assert.equal(found.code, refusal.code);
    assert.equal(found.path, refusal.path);
    assert.ok(!found.message.includes(refusal.secret), found.message);
  });
}

const CLEAN: readonly string[] = [
  'iPhone 15 Pro', 'HTMLCanvas', 'USBCable', 'ＡＢＣ shoes', 'Crème brûlée',
];

test('camelCase, acronyms and fullwidth words without terms stay clean', () => {
  for (const name of CLEAN) {
    const found = scanner.scanEvent(event({ custom_data: { content_name: name } }), 'data[0]');
    assert.equal(found, null, name);
  }
  const url = event({ event_source_url: 'https://shop.example.com/iPhone?ref=USBCable' });
  assert.equal(scanner.scanEvent(url, 'data[0]'), null);
});

test('a consent key that is an email is refused without repeating it', async () => {
  const { pg } = await openEngine(example('policy.yaml'));
  try {
    const batch = { data: [event({ consent: { 'alice@example.com': 'granted' } })] };
    const summary = await ingest(pg.ctx, 'web', itemsFromBatch(batch, 'body'), { actor: 'test' });
    assert.equal(summary.accepted, 0);
    const [rejection] = summary.rejected;
    assert.equal(rejection?.code, 'invalid_consent');
    assert.ok(!JSON.stringify(summary).includes('alice'), JSON.stringify(summary));
  } finally {
    await pg.close();
  }
});

test('an email or a phone in a kept plain user_data field is refused, not stored', async () => {
  const { pg } = await openEngine(example('policy.yaml'));
  try {
    const email = event({ user_data: { em: 'a@example.com', client_user_agent: 'alice@example.org' } });
    const phone = event({ user_data: { em: 'b@example.com', fbp: '+1 650 555 0100' } });
    const clean = event({
      user_data: { em: 'c@example.com', client_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)' },
    });
    const batch = { data: [email, phone, clean] };
    const summary = await ingest(pg.ctx, 'web', itemsFromBatch(batch, 'body'), { actor: 'test' });
    assert.equal(summary.accepted, 1);
    assert.deepEqual(summary.rejected.map((r) => [r.index, r.code]), [
      [0, 'plaintext_identifier'], [1, 'plaintext_identifier'],
    ]);
    assert.ok(!JSON.stringify(summary).includes('alice'));
    const rows = await allRows(pg.read({
      processor: 'ads-ranker', purpose: 'ads.optimization', dataset: 'events',
    }));
    const stored = rows.map((r) => r.json).join('\n');
    assert.ok(!stored.includes('alice@example.org'));
    assert.ok(!stored.includes('650 555'));
    assert.ok(stored.includes('Mozilla/5.0'));
  } finally {
    await pg.close();
  }
});

const LINEAR_BOUND_MS = 3000;

test('a long email-like custom_data value with no domain is screened in linear time', () => {
  const note = `${'a'.repeat(400_000)}@${'b.'.repeat(200_000)}`;
  const started = performance.now();
  const found = scanner.scanEvent(event({ custom_data: { note } }), 'data[0]');
  const took = performance.now() - started;
  assert.equal(found, null);
  assert.ok(took < LINEAR_BOUND_MS, `took ${Math.round(took)} ms`);
});

test('a long user_data email of dotted labels and a trailing space is hashed in linear time', () => {
  const started = performance.now();
  const digest = hashField('em', `a@${'b.'.repeat(400_000)} x`);
  const took = performance.now() - started;
  assert.equal(digest, null);
  assert.ok(took < LINEAR_BOUND_MS, `took ${Math.round(took)} ms`);
});

test('email shapes are still told apart after the linear rewrite', () => {
  const shapes: readonly [string, boolean][] = [
    ['mina.lee@example.com', true], ['x@y.co', true], ['@example.com', false],
    ['a@b', false], ['a@b.', false], ['a@.b', false], ['a b@c.de', false], ['a@b@c.de', false],
  ];
  for (const [value, usable] of shapes) {
    assert.equal(hashField('em', value) !== null, usable, value);
  }
  const texts: readonly [string, boolean][] = [
    ['write to mina.lee@example.com today', true], ['@example.com', false],
    ['price@10.5', false], ['a@b.c', false], ['ünal@example.de', true], ['x@@y.com', false],
  ];
  for (const [text, found] of texts) {
    const issue = scanner.scanEvent(event({ custom_data: { note: text } }), 'data[0]');
    assert.equal(issue?.code === 'plaintext_identifier', found, text);
  }
});
