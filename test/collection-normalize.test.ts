import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HASHED_FIELDS,
  hashField,
  hashUserData,
  isHashedField,
  isSha256Hex,
  normalizeField,
  sha256Hex,
  subjectOf,
} from '../src/collection/normalize.js';
import type { HashedField } from '../src/collection/normalize.js';
import { readSharedData } from './shared-data.js';

interface TableRow {
  readonly line: number;
  readonly field: HashedField;
  readonly raw: string;
  readonly normalized: string;
  readonly sha256: string;
}

function normalizationTable(): TableRow[] {
  const lines = readSharedData('capi', 'normalization.tsv').split('\n');
  const rows: TableRow[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const [field = '', raw = '', normalized = '', sha256 = ''] = line.split('\t');
    assert.ok(isHashedField(field), `line ${i + 2}: unknown field ${field}`);
    rows.push({ line: i + 2, field, raw, normalized, sha256 });
  });
  return rows;
}

const TABLE = normalizationTable();
const DIGEST = '686b5e4cf4f963adf8f51468a48028ef8d15bd02fa335f821279a3d1678c9615';

test('the normalization table has a row for most fields', () => {
  assert.ok(TABLE.length >= 16);
  const fields = new Set(TABLE.map((row) => row.field));
  for (const field of HASHED_FIELDS) {
    if (field !== 'external_id') assert.ok(fields.has(field), field);
  }
});

for (const row of TABLE) {
  const name = `normalization.tsv line ${row.line}: ${row.field} ${JSON.stringify(row.raw)}`;
  test(name, () => {
    assert.equal(normalizeField(row.field, row.raw), row.normalized);
    assert.equal(hashField(row.field, row.raw), row.sha256);
    assert.equal(sha256Hex(row.normalized), row.sha256);
  });
}

test('a digest is kept lowercased and never hashed twice', () => {
  const upper = DIGEST.toUpperCase();
  assert.ok(isSha256Hex(upper));
  assert.equal(normalizeField('em', ` ${upper} `), DIGEST);
  assert.equal(hashField('em', upper), DIGEST);
  assert.equal(hashField('ph', DIGEST), DIGEST);
  const { userData } = hashUserData({ em: [upper] }, { keepPlain: new Set() });
  assert.deepEqual(userData, { em: [DIGEST] });
});

test('isSha256Hex wants exactly 64 hex digits', () => {
  assert.equal(isSha256Hex(DIGEST.slice(1)), false);
  assert.equal(isSha256Hex(`${DIGEST}0`), false);
  assert.equal(isSha256Hex(`${DIGEST.slice(1)}g`), false);
});

const CASES: readonly (readonly [HashedField, string, string | null])[] = [
  ['em', 'not an email', null],
  ['em', '   ', null],
  ['ph', '(650) 555-0100', '6505550100'],
  ['ph', 'n/a', null],
  ['ph', '0', null],
  ['fn', 'Mary-Ann', 'maryann'],
  ['fn', ' Jean  Luc ', 'jean luc'],
  ['fn', 'E\u0301milie', '\u00e9milie'],
  ['ln', "D'Angelo-Smith Jr.", 'dangelosmith jr'],
  ['ct', 'Winston-Salem', 'winstonsalem'],
  ['ct', 'Zürich', 'zürich'],
  ['st', 'N.Y.', 'ny'],
  ['st', 'California', 'ca'],
  ['st', 'New  York', 'ny'],
  ['st', 'Bayern', 'bayern'],
  ['zp', '94107', '94107'],
  ['zp', '94107 1234', '94107'],
  ['zp', '04524', '04524'],
  ['zp', '100-0001', '1000001'],
  ['country', 'US', 'us'],
  ['country', 'Korea', null],
  ['ge', 'M', 'm'],
  ['ge', 'male', 'm'],
  ['ge', 'f', 'f'],
  ['ge', 'unknown', null],
  ['db', '19850704', '19850704'],
  ['db', '07/04/1985', '19850704'],
  ['db', '7/4/1985', '19850704'],
  ['db', '1985-7-4', '19850704'],
  ['db', '1985-02-30', null],
  ['db', '1985', null],
  ['external_id', '  CRM-0042 ', 'CRM-0042'],
];

for (const [field, raw, expected] of CASES) {
  test(`normalizeField(${field}, ${JSON.stringify(raw)})`, () => {
    assert.equal(normalizeField(field, raw), expected);
    const digest = expected === null ? null : sha256Hex(expected);
    assert.equal(hashField(field, raw), digest);
  });
}

test('hashUserData hashes every hashed field into arrays of digests', () => {
  const result = hashUserData(
    {
      em: ['  Alice.Example@Example.COM ', 'alice.example@example.com'],
      ph: '+1 (650) 555-0100',
      country: [' KR '],
      external_id: 'CRM-1',
    },
    { keepPlain: new Set() },
  );
  assert.deepEqual(result.issues, []);
  assert.equal(result.country, 'KR');
  assert.deepEqual(result.userData, {
    em: ['80b6856c17f72c11c8470ea0281111871f41331eb4ecee1f9910ac4b7c4c7209'],
    ph: ['43b63f22d478442e6d58c9ba5eef8a8b378b9990aafb681d11e231e3ceab6294'],
    country: ['d5647005d31dcbb66ff531c5e097544a03558bc538b9c65ee2539594886ffbc0'],
    external_id: [sha256Hex('CRM-1')],
  });
});

test('hashUserData keeps plain fields only when listed', () => {
  const raw = {
    em: 'bob@example.org',
    client_ip_address: '203.0.113.7',
    fbp: 'fb.1.1764806000000.1234567890',
  };
  const dropped = hashUserData(raw, { keepPlain: new Set() });
  assert.deepEqual(Object.keys(dropped.userData), ['em']);
  const kept = hashUserData(raw, { keepPlain: new Set(['fbp']) });
  assert.equal(kept.userData['fbp'], raw.fbp);
  assert.equal(kept.userData['client_ip_address'], undefined);
});

test('hashUserData reports unknown keys and wrong types', () => {
  const result = hashUserData(
    { em: ['bob@example.org', 7], ph: { number: 1 }, favourite: 'x', fbp: 5 },
    { keepPlain: new Set(['fbp']), path: 'data[3].user_data' },
  );
  assert.deepEqual(result.issues.map((issue) => [issue.code, issue.path]), [
    ['invalid_event', 'data[3].user_data.em[1]'],
    ['invalid_event', 'data[3].user_data.ph'],
    ['invalid_event', 'data[3].user_data.favourite'],
    ['invalid_event', 'data[3].user_data.fbp'],
  ]);
  assert.match(result.issues[2]?.message ?? '', /unknown user_data field 'favourite'/);
  assert.deepEqual(result.userData, { em: [sha256Hex('bob@example.org')] });
});

test('an unknown key that looks like personal data is not echoed', () => {
  const result = hashUserData({ 'carol@example.net': 'x' }, { keepPlain: new Set() });
  const issue = result.issues[0];
  assert.equal(issue?.path, 'user_data');
  assert.doesNotMatch(JSON.stringify(issue), /carol/);
});

test('the country is null when absent or a digest of no two-letter code', () => {
  const none = hashUserData({ em: 'bob@example.org' }, { keepPlain: new Set() });
  assert.equal(none.country, null);
  const hashed = hashUserData({ country: [sha256Hex('korea')] }, { keepPlain: new Set() });
  assert.equal(hashed.country, null);
});

test('subjectOf prefers email, then phone, then external id', () => {
  assert.equal(subjectOf({ em: ['e1', 'e2'], ph: ['p'], external_id: ['x'] }), 'e1');
  assert.equal(subjectOf({ ph: ['p'], external_id: ['x'] }), 'p');
  assert.equal(subjectOf({ external_id: ['x'], fn: ['f'] }), 'x');
  assert.equal(subjectOf({ em: [], fn: ['f'] }), null);
});
