import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PurposeGuardError } from '../src/errors.js';
import {
  MAX_CUSTOM_DATA_DEPTH,
  createSensitiveScanner,
} from '../src/collection/sensitive-scan.js';
import { event } from './event-fixture.js';

const scanner = createSensitiveScanner();

interface Finding {
  readonly name: string;
  readonly event: Record<string, unknown>;
  readonly code: string;
  readonly path: string;
  readonly message: string;
  /** Text the issue must never contain. */
  readonly secret: string;
}

const URL_BASE = 'https://shop.example.com';

const FINDINGS: readonly Finding[] = [
  {
    name: 'health term in a URL parameter value',
    event: event({ event_source_url: `${URL_BASE}/p?condition=diabetes&dose=10mg` }),
    code: 'sensitive_data',
    path: 'data[0].event_source_url',
    message: "special category (health) in a URL parameter 'condition'",
    secret: 'diabetes',
  },
  {
    name: 'term as a URL parameter name',
    event: event({ event_source_url: `${URL_BASE}/p?hiv=1` }),
    code: 'sensitive_data',
    path: 'data[0].event_source_url',
    message: 'special category (health) in a URL parameter name',
    secret: 'hiv',
  },
  {
    name: 'percent-encoded term',
    event: event({ event_source_url: `${URL_BASE}/p?q=%64iabetes` }),
    code: 'sensitive_data',
    path: 'data[0].event_source_url',
    message: "special category (health) in a URL parameter 'q'",
    secret: 'diabetes',
  },
  {
    name: 'twice-encoded term',
    event: event({ event_source_url: `${URL_BASE}/p?q=%2564iabetes` }),
    code: 'sensitive_data',
    path: 'data[0].event_source_url',
    message: "special category (health) in a URL parameter 'q'",
    secret: 'diabetes',
  },
  {
    name: 'plus-separated words in a query',
    event: event({ event_source_url: `${URL_BASE}/s?topic=Political+Party` }),
    code: 'sensitive_data',
    path: 'data[0].event_source_url',
    message: "special category (political opinion) in a URL parameter 'topic'",
    secret: 'party',
  },
  {
    name: 'term in the URL path',
    event: event({ event_source_url: `${URL_BASE}/conditions/hiv-testing` }),
    code: 'sensitive_data',
    path: 'data[0].event_source_url',
    message: 'special category (health) in the URL path',
    secret: 'hiv',
  },
  {
    name: 'camelCase event name',
    event: event({ event_name: 'DiabetesCheckup' }),
    code: 'sensitive_data',
    path: 'data[0].event_name',
    message: 'special category (health) in the event name',
    secret: 'diabetes',
  },
  {
    name: 'term in a custom_data key',
    event: event({ custom_data: { value: 1, hivStatus: 'negative' } }),
    code: 'sensitive_data',
    path: 'data[0].custom_data',
    message: 'special category (health) in a key of custom_data',
    secret: 'hiv',
  },
  {
    name: 'term deep in custom_data',
    event: event({
      custom_data: { contents: [{ title: 'mug' }, { title: 'Bible Study guide' }] },
    }),
    code: 'sensitive_data',
    path: 'data[0].custom_data.contents[1].title',
    message: 'special category (religious belief) in custom_data.contents[1].title',
    secret: 'bible',
  },
  {
    name: 'term in an array of strings',
    event: event({ custom_data: { tags: ['sale', 'LGBTQ pride'] } }),
    code: 'sensitive_data',
    path: 'data[0].custom_data.tags[1]',
    message: 'special category (sex life or sexual orientation) in custom_data.tags[1]',
    secret: 'lgbtq',
  },
  {
    name: 'underscore-joined words',
    event: event({ custom_data: { segment: 'trade_union_members' } }),
    code: 'sensitive_data',
    path: 'data[0].custom_data.segment',
    message: 'special category (trade union membership) in custom_data.segment',
    secret: 'union_members',
  },
  {
    name: 'email in custom_data',
    event: event({ custom_data: { customer_email: 'frank@example.com' } }),
    code: 'plaintext_identifier',
    path: 'data[0].custom_data.customer_email',
    message: 'plaintext identifier (an email) in custom_data.customer_email',
    secret: 'frank',
  },
  {
    name: 'phone in free text',
    event: event({ custom_data: { note: 'call me on +1 650 555 0100' } }),
    code: 'plaintext_identifier',
    path: 'data[0].custom_data.note',
    message: 'plaintext identifier (a phone number) in custom_data.note',
    secret: '555',
  },
  {
    name: 'national phone with separators',
    event: event({ custom_data: { note: '(650) 555-0100' } }),
    code: 'plaintext_identifier',
    path: 'data[0].custom_data.note',
    message: 'plaintext identifier (a phone number) in custom_data.note',
    secret: '0100',
  },
  {
    name: 'bare digits under a phone key',
    event: event({ custom_data: { customerPhone: '16505550100' } }),
    code: 'plaintext_identifier',
    path: 'data[0].custom_data.customerPhone',
    message: 'plaintext identifier (a phone number) in custom_data.customerPhone',
    secret: '16505550100',
  },
  {
    name: 'a number under a phone key',
    event: event({ custom_data: { mobile: 821012345678 } }),
    code: 'plaintext_identifier',
    path: 'data[0].custom_data.mobile',
    message: 'plaintext identifier (a phone number) in custom_data.mobile',
    secret: '821012345678',
  },
  {
    name: 'email as a custom_data key',
    event: event({ custom_data: { 'erin@example.com': true } }),
    code: 'plaintext_identifier',
    path: 'data[0].custom_data',
    message: 'plaintext identifier (an email) in a key of custom_data',
    secret: 'erin',
  },
  {
    name: 'encoded email in a URL parameter',
    event: event({ event_source_url: `${URL_BASE}/thanks?u=gina%40example.com` }),
    code: 'plaintext_identifier',
    path: 'data[0].event_source_url',
    message: "plaintext identifier (an email) in a URL parameter 'u'",
    secret: 'gina',
  },
  {
    name: 'email in the URL path',
    event: event({ event_source_url: `${URL_BASE}/users/hank@example.com/orders` }),
    code: 'plaintext_identifier',
    path: 'data[0].event_source_url',
    message: 'plaintext identifier (an email) in the URL path',
    secret: 'hank',
  },
  {
    name: 'phone in a URL parameter named for it',
    event: event({ event_source_url: `${URL_BASE}/?tel=821012345678` }),
    code: 'plaintext_identifier',
    path: 'data[0].event_source_url',
    message: "plaintext identifier (a phone number) in a URL parameter 'tel'",
    secret: '821012345678',
  },
  {
    name: 'email in the URL fragment',
    event: event({ event_source_url: `${URL_BASE}/#ivy@example.com` }),
    code: 'plaintext_identifier',
    path: 'data[0].event_source_url',
    message: 'plaintext identifier (an email) in the URL fragment',
    secret: 'ivy',
  },
  {
    name: 'email in the event id',
    event: event({ event_id: 'jack@example.com-1' }),
    code: 'plaintext_identifier',
    path: 'data[0].event_id',
    message: 'plaintext identifier (an email) in the event id',
    secret: 'jack',
  },
];

for (const finding of FINDINGS) {
  test(`scan finds ${finding.name}`, () => {
    const issue = scanner.scanEvent(finding.event, 'data[0]');
    assert.deepEqual(issue, {
      code: finding.code,
      path: finding.path,
      message: finding.message,
    });
  });
}

test('no finding echoes the value or the term it found', () => {
  for (const finding of FINDINGS) {
    const issue = scanner.scanEvent(finding.event, 'data[0]');
    const text = JSON.stringify(issue).toLowerCase();
    assert.ok(!text.includes(finding.secret), `${finding.name}: ${text}`);
  }
});

const CLEAN: readonly (readonly [string, Record<string, unknown>])[] = [
  ['plain purchase', event({
    event_source_url: `${URL_BASE}/checkout/thanks?utm_source=news&ref=a1`,
    custom_data: { currency: 'USD', value: 59.9, content_ids: ['sku-77'] },
  })],
  ['identifiers inside user_data', event({
    user_data: { em: ['a@example.com'], ph: ['+1 650 555 0100'], fn: ['hiv'] },
  })],
  ['words that contain a term', event({
    custom_data: { note: 'hivemind cancellation policy, gaylord hotel' },
  })],
  ['everyday words left out on purpose', event({
    custom_data: {
      category: 'Health & Beauty',
      item: 'race bike',
      extra: 'hearing aids',
    },
  })],
  ['numbers that are not phones', event({
    event_id: '1764806400123',
    custom_data: {
      order: '1764806400123',
      at: '2025-12-04 10:30:00',
      ip: '203.0.113.7',
      fbp: 'fb.1.1764806000000.1234567890',
      sku: 'sku-16505550100',
      price: '1234.5678',
    },
  })],
  ['a digest in custom_data', event({
    custom_data: {
      hashed: '686b5e4cf4f963adf8f51468a48028ef8d15bd02fa335f821279a3d1678c9615',
    },
  })],
  ['malformed percent encoding', event({
    event_source_url: `${URL_BASE}/p?q=100%25%zz`,
  })],
];

for (const [name, clean] of CLEAN) {
  test(`scan passes ${name}`, () => {
    assert.equal(scanner.scanEvent(clean, 'data[0]'), null);
  });
}

test('policy terms extend a category or add one', () => {
  const extended = createSensitiveScanner({
    extraTerms: new Map([
      ['health', ['glucose meter']],
      ['criminal_record', ['prior conviction']],
    ]),
  });
  const meter = event({ custom_data: { item: 'Glucose-Meter kit' } });
  assert.equal(scanner.scanEvent(meter, 'data[1]'), null);
  assert.equal(
    extended.scanEvent(meter, 'data[1]')?.message,
    'special category (health) in custom_data.item',
  );
  const record = event({ custom_data: { note: 'no prior convictions' } });
  assert.equal(
    extended.scanEvent(record, 'data[2]')?.message,
    'special category (criminal record) in custom_data.note',
  );
  assert.equal(extended.categoryOf('DIABETES'), 'health');
  assert.equal(extended.categoryOf('prior  conviction'), 'criminal_record');
});

test('bad policy terms fail when the scanner is built', () => {
  const bad = [
    new Map([['Health Data', ['x']]]),
    new Map([['health', ['  ']]]),
    new Map([['health', ['-']]]),
  ];
  for (const extraTerms of bad) {
    assert.throws(
      () => createSensitiveScanner({ extraTerms }),
      (error: unknown) =>
        error instanceof PurposeGuardError && error.code === 'invalid_policy',
    );
  }
});

test('an empty term list for a new category matches nothing', () => {
  const empty = createSensitiveScanner({ extraTerms: new Map([['other', []]]) });
  assert.equal(empty.scanEvent(event({ custom_data: { a: 'b' } }), 'data[0]'), null);
  assert.equal(empty.categoryOf('diabetes'), 'health');
});

test('custom_data nested too deep is refused, not skipped', () => {
  let deep: unknown = 'leaf';
  for (let i = 0; i < MAX_CUSTOM_DATA_DEPTH + 2; i++) deep = { a: deep };
  const issue = scanner.scanEvent(event({ custom_data: deep }), 'data[0]');
  assert.equal(issue?.code, 'invalid_event');
  assert.match(issue?.message ?? '', /nests deeper than/);
});

test('the first finding wins, in event order', () => {
  const both = event({
    event_name: 'DiabetesCheckup',
    custom_data: { email: 'kim@example.com' },
  });
  assert.equal(scanner.scanEvent(both, 'data[0]')?.path, 'data[0].event_name');
});
