import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256Hex } from '../src/collection/normalize.js';
import { screenEvent } from '../src/collection/screen-event.js';
import type { ScreenOptions, ScreenResult } from '../src/collection/screen-event.js';
import { createSensitiveScanner } from '../src/collection/sensitive-scan.js';
import { readSharedData } from './shared-data.js';

interface Expected {
  readonly accepted: readonly string[];
  readonly rejected: Readonly<Record<string, string>>;
}

const batch = JSON.parse(readSharedData('capi', 'batch-mixed.json')) as {
  data: unknown[];
};
const expected = JSON.parse(
  readSharedData('capi', 'batch-mixed.expected.json'),
) as Expected;
const options: ScreenOptions = {
  scanner: createSensitiveScanner(),
  keepPlain: new Set(),
};
const results: ScreenResult[] = batch.data.map((raw, i) => screenEvent(raw, i, options));

function accepted(index: number): Extract<ScreenResult, { ok: true }> {
  const result = results[index];
  assert.ok(result?.ok, `event ${index} was refused`);
  return result;
}

test('batch-mixed: exactly the expected events are refused, for the reason given', () => {
  const refused = new Map<string, string>();
  results.forEach((result, i) => {
    if (!result.ok) refused.set(String(i), result.issue.message);
  });
  assert.deepEqual([...refused.keys()], Object.keys(expected.rejected));
  for (const [index, gist] of Object.entries(expected.rejected)) {
    const message = refused.get(index) ?? '';
    assert.ok(message.startsWith(gist), `event ${index}: '${message}' is not '${gist}'`);
  }
});

test('batch-mixed: refusals carry the code and path of the rule', () => {
  const issues = results.map((result) => (result.ok ? null : result.issue));
  assert.deepEqual(issues.map((issue) => issue && [issue.code, issue.path]), [
    null, null, null, null,
    ['invalid_event', 'data[4].event_time'],
    ['sensitive_data', 'data[5].event_source_url'],
    ['plaintext_identifier', 'data[6].custom_data.customer_email'],
    ['invalid_event', 'data[7].event_name'],
    ['sensitive_data', 'data[8].custom_data.content_category'],
    null,
  ]);
});

test('batch-mixed: the accepted events are the expected ones', () => {
  const ids = [0, 1, 2, 3, 9].map((i) => accepted(i).event.event_id);
  assert.deepEqual(ids, ['ord-1001', 'pv-2001', 'lead-3001', 'ord-1001', 'ord-1003']);
  assert.deepEqual([...new Set(ids)], expected.accepted);
});

test('batch-mixed: the duplicate shares its dedupe key with the first copy', () => {
  assert.equal(accepted(0).dedupeKey, '["Purchase","ord-1001"]');
  assert.equal(accepted(3).dedupeKey, accepted(0).dedupeKey);
  assert.notEqual(accepted(9).dedupeKey, accepted(0).dedupeKey);
});

test('batch-mixed: user_data is hashed, digests kept, plain fields dropped', () => {
  const first = accepted(0);
  assert.deepEqual(first.event.user_data['em'], [
    '80b6856c17f72c11c8470ea0281111871f41331eb4ecee1f9910ac4b7c4c7209',
  ]);
  assert.deepEqual(first.event.user_data['ph'], [
    '43b63f22d478442e6d58c9ba5eef8a8b378b9990aafb681d11e231e3ceab6294',
  ]);
  assert.equal(first.event.user_data['client_ip_address'], undefined);
  assert.equal(first.subject, first.event.user_data['em']?.[0]);
  assert.equal(first.country, 'US');
  assert.equal(accepted(3).subject, first.subject);
  assert.deepEqual(accepted(1).event.user_data['em'], [
    '686b5e4cf4f963adf8f51468a48028ef8d15bd02fa335f821279a3d1678c9615',
  ]);
  assert.equal(accepted(2).country, 'KR');
  assert.deepEqual(accepted(2).event.data_processing_options, ['LDU']);
  assert.equal(accepted(9).country, null);
  assert.deepEqual(accepted(9).event.user_data['ln'], [sha256Hex('obrien')]);
});

test('batch-mixed: kept plain fields are the listed ones', () => {
  const keep = { ...options, keepPlain: new Set(['client_user_agent', 'fbp']) };
  const result = screenEvent(batch.data[0], 0, keep);
  assert.ok(result.ok);
  assert.equal(result.event.user_data['fbp'], 'fb.1.1764806000000.1234567890');
  assert.equal(
    result.event.user_data['client_user_agent'],
    'Mozilla/5.0 (X11; Linux x86_64)',
  );
  assert.equal(result.event.user_data['client_ip_address'], undefined);
});

test('batch-mixed: no plaintext email survives screening', () => {
  const text = JSON.stringify(results).toLowerCase();
  for (const name of ['alice', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank', 'ivy']) {
    assert.ok(!text.includes(`${name}@`), name);
  }
});

test('a bad user_data field refuses the event with its path', () => {
  const raw = {
    event_name: 'Lead',
    event_time: 1764806409,
    action_source: 'website',
    user_data: { em: 'kim@example.com', favourite_colour: 'blue' },
  };
  assert.deepEqual(screenEvent(raw, 11, options), {
    ok: false,
    issue: {
      code: 'invalid_event',
      path: 'data[11].user_data.favourite_colour',
      message: "unknown user_data field 'favourite_colour'",
    },
  });
});

test('an event without event_id has no dedupe key', () => {
  const raw = {
    event_name: 'PageView',
    event_time: 1764806405,
    action_source: 'website',
    user_data: { external_id: 'U-9' },
  };
  const result = screenEvent(raw, 0, options);
  assert.ok(result.ok);
  assert.equal(result.dedupeKey, null);
  assert.equal(result.subject, sha256Hex('U-9'));
});

test('no refusal contains the personal data or the term that caused it', () => {
  const base = {
    event_name: 'Purchase',
    event_time: 1764806400,
    action_source: 'website',
    user_data: { em: 'mo@example.com' },
  };
  const site = 'https://x.example';
  const cases: readonly (readonly [Record<string, unknown>, string])[] = [
    [{ ...base, custom_data: { email: 'leak@example.com' } }, 'leak@example.com'],
    [{ ...base, custom_data: { 'leak@example.com': 1 } }, 'leak@example.com'],
    [{ ...base, event_id: 'leak@example.com' }, 'leak@example.com'],
    [{ ...base, custom_data: { note: '+1 650 555 0123' } }, '650 555 0123'],
    [{ ...base, event_source_url: `${site}/?tel=%2B16505550123` }, '16505550123'],
    [{ ...base, event_source_url: `${site}/?c=schizophrenia` }, 'schizophrenia'],
    [{ ...base, event_source_url: `${site}/?schizophrenia=1` }, 'schizophrenia'],
    [{ ...base, custom_data: { schizophreniaRisk: 1 } }, 'schizophrenia'],
    [{ ...base, event_name: 'Vote For Us' }, 'vote'],
    [{ ...base, custom_data: { segment: 'Muslim' } }, 'muslim'],
    [{ ...base, 'leak@example.com': 1 }, 'leak@example.com'],
    [{ ...base, user_data: { 'leak@example.com': 'x' } }, 'leak@example.com'],
    [{ ...base, event_time: 'leak@example.com' }, 'leak@example.com'],
  ];
  for (const [raw, secret] of cases) {
    const result = screenEvent(raw, 0, options);
    assert.equal(result.ok, false, secret);
    const text = JSON.stringify(result).toLowerCase();
    assert.ok(!text.includes(secret.toLowerCase()), text);
  }
});
