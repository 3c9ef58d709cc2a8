import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateEvent } from '../src/collection/capi-event.js';

const GOOD = {
  event_name: 'Purchase',
  event_time: 1764806400,
  event_id: 'ord-1001',
  action_source: 'website',
  event_source_url: 'https://shop.example.com/checkout/thanks',
  user_data: { em: ['alice@example.com'] },
  custom_data: { currency: 'USD', value: 59.9 },
  data_processing_options: ['LDU'],
  data_processing_options_country: 1,
  data_processing_options_state: 1000,
  opt_out: false,
  tcf: 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA',
  consent: { 'ai.training': 'granted', analytics: 'denied' },
};

function without(field: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...GOOD };
  delete copy[field];
  return copy;
}

function withField(field: string, value: unknown): Record<string, unknown> {
  return { ...GOOD, [field]: value };
}

test('a complete event is accepted as sent', () => {
  const result = validateEvent(GOOD, 0);
  assert.deepEqual(result, { ok: true, event: GOOD });
});

test('the required fields alone make an event', () => {
  const minimal = {
    event_name: 'Lead',
    event_time: 1764806409,
    action_source: 'system_generated',
    user_data: {},
  };
  assert.deepEqual(validateEvent(minimal, 2), { ok: true, event: minimal });
});

test('optional fields sent as null are left out', () => {
  const result = validateEvent({ ...GOOD, event_id: null, custom_data: null }, 0);
  assert.ok(result.ok);
  assert.equal('event_id' in result.event, false);
  assert.equal('custom_data' in result.event, false);
});

const BAD: readonly (readonly [string, unknown, string, string])[] = [
  ['an array', [GOOD], 'data[4]', 'an event must be an object'],
  ['null', null, 'data[4]', 'an event must be an object'],
  ['a string', 'Purchase', 'data[4]', 'an event must be an object'],
  ['no event_name', without('event_name'), 'data[4].event_name', 'event_name missing'],
  ['a null event_name', withField('event_name', null), 'data[4].event_name',
    'event_name missing'],
  ['an empty event_name', withField('event_name', ' '), 'data[4].event_name',
    'event_name must not be empty'],
  ['a numeric event_name', withField('event_name', 7), 'data[4].event_name',
    'event_name must be a string'],
  ['no event_time', without('event_time'), 'data[4].event_time', 'event_time missing'],
  ['event_time in milliseconds', withField('event_time', 1764806400000),
    'data[4].event_time', 'event_time looks like milliseconds, not Unix seconds'],
  ['a fractional event_time', withField('event_time', 1764806400.5), 'data[4].event_time',
    'event_time must be a whole number of Unix seconds'],
  ['event_time as a string', withField('event_time', '1764806400'), 'data[4].event_time',
    'event_time must be a number of Unix seconds'],
  ['a negative event_time', withField('event_time', -5), 'data[4].event_time',
    'event_time must be a positive number of Unix seconds'],
  ['no action_source', without('action_source'), 'data[4].action_source',
    'action_source missing'],
  ['an unknown action_source', withField('action_source', 'web'), 'data[4].action_source',
    'action_source must be one of website, app, email, phone_call, chat, physical_store, '
    + 'system_generated, business_messaging, other'],
  ['an ftp event_source_url', withField('event_source_url', 'ftp://shop.example.com/'),
    'data[4].event_source_url', 'event_source_url must be an http(s) URL'],
  ['a relative event_source_url', withField('event_source_url', '/checkout'),
    'data[4].event_source_url', 'event_source_url must be an http(s) URL'],
  ['no user_data', without('user_data'), 'data[4].user_data', 'user_data missing'],
  ['user_data as an array', withField('user_data', [{ em: 'x' }]), 'data[4].user_data',
    'user_data must be an object'],
  ['custom_data as a string', withField('custom_data', 'USD 59.90'),
    'data[4].custom_data', 'custom_data must be an object'],
  ['data_processing_options as a string', withField('data_processing_options', 'LDU'),
    'data[4].data_processing_options',
    'data_processing_options must be an array of strings'],
  ['an unknown data_processing_option', withField('data_processing_options', ['XYZ']),
    'data[4].data_processing_options', "data_processing_options may only hold 'LDU'"],
  ['a fractional processing country', withField('data_processing_options_country', 1.5),
    'data[4].data_processing_options_country',
    'data_processing_options_country must be an integer'],
  ['a string processing state', withField('data_processing_options_state', '1000'),
    'data[4].data_processing_options_state',
    'data_processing_options_state must be an integer'],
  ['opt_out as a string', withField('opt_out', 'yes'), 'data[4].opt_out',
    'opt_out must be true or false'],
  ['tcf as a number', withField('tcf', 5), 'data[4].tcf', 'tcf must be a string'],
  ['consent as an array', withField('consent', ['ai.training']), 'data[4].consent',
    'consent must be an object'],
  ['a consent value other than granted or denied',
    withField('consent', { marketing: 'yes' }),
    'data[4].consent.marketing', "consent values must be 'granted' or 'denied'"],
  ['an unknown field', withField('event_nme', 'Purchase'), 'data[4].event_nme',
    "unknown event field 'event_nme'"],
  ['an unknown field named like an email', withField('lee@example.com', 1), 'data[4]',
    'unknown event field (name not shown)'],
];

for (const [name, value, path, message] of BAD) {
  test(`an event with ${name} is refused`, () => {
    const result = validateEvent(value, 4);
    const issue = { code: 'invalid_event', path, message };
    assert.deepEqual(result, { ok: false, issue });
  });
}

test('no refusal echoes the value it refused', () => {
  const secrets = ['lee@example.com', 'USD 59.90', '1764806400000'];
  for (const [, value] of BAD) {
    const result = validateEvent(value, 4);
    const text = JSON.stringify(result);
    for (const secret of secrets) assert.ok(!text.includes(secret), text);
  }
});
