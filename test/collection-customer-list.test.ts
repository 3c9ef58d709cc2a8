import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { PurposeGuardError } from '../src/errors.js';
import { csvRecords } from '../src/collection/csv-records.js';
import type { CsvRecord } from '../src/collection/csv-records.js';
import { parseCustomerList } from '../src/collection/customer-list.js';
import type {
  CustomerListOptions,
  CustomerRow,
} from '../src/collection/customer-list.js';
import { sha256Hex } from '../src/collection/normalize.js';
import { sharedDataPath } from './shared-data.js';

async function* linesOf(text: string): AsyncGenerator<string> {
  yield* text.split('\n');
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function rowsOf(text: string, options: CustomerListOptions = {}): Promise<CustomerRow[]> {
  return collect(parseCustomerList(linesOf(text), options));
}

function fieldsOf(records: readonly CsvRecord[]): (string[] | string)[] {
  return records.map((record) => ('fields' in record ? record.fields : record.problem));
}

const ALICE_EM = '80b6856c17f72c11c8470ea0281111871f41331eb4ecee1f9910ac4b7c4c7209';

test('customers.csv: the country-only row is refused, the others hashed', async () => {
  const file = sharedDataPath('customer-lists', 'customers.csv');
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  const rows = await collect(parseCustomerList(lines));
  assert.deepEqual(rows.map((row) => row.index), [0, 1, 2, 3, 4]);
  const refused = rows.filter((row) => 'issue' in row);
  assert.deepEqual(refused, [{
    index: 3,
    issue: {
      code: 'invalid_event',
      path: 'rows[3]',
      message: 'customer-list row has no identifier',
    },
  }]);
  const [alice, bob, jisoo, , carol] = rows;
  assert.ok(alice && 'userData' in alice);
  assert.deepEqual(alice.userData['em'], [ALICE_EM]);
  assert.deepEqual(alice.userData['ph'], [
    '43b63f22d478442e6d58c9ba5eef8a8b378b9990aafb681d11e231e3ceab6294',
  ]);
  assert.deepEqual(alice.userData['zp'], [
    'c884a209ebe08750a7d13db63bd02233b375bd79786cbe329ab11586cc35dead',
  ]);
  assert.equal(alice.subject, ALICE_EM);
  assert.equal(alice.country, 'US');
  assert.ok(bob && 'userData' in bob);
  assert.deepEqual(bob.userData['ph'], [
    '35e206e5dec4c89b9e8b71b8c32724a5bb518483ac5a20c6617d738375b3b823',
  ]);
  assert.equal(bob.userData['st'], undefined);
  assert.equal(bob.country, 'GB');
  assert.ok(jisoo && 'userData' in jisoo);
  assert.equal(
    jisoo.subject,
    '5d639079300bfabb1fa81139c823d324b2a67e9dd4157475190a31fb17528bc0',
  );
  assert.equal(jisoo.country, 'KR');
  assert.ok(carol && 'userData' in carol);
  assert.deepEqual(carol.userData, { em: [sha256Hex('carol@example.net')] });
  assert.equal(carol.country, null);
});

test('no plaintext leaves the parser', async () => {
  const text = 'email,phone,fn\n  Dana@Example.com ,+1 650 555 0199,Dana\n';
  const rows = await rowsOf(text);
  const json = JSON.stringify(rows).toLowerCase();
  for (const plain of ['dana', '16505550199']) assert.ok(!json.includes(plain), json);
});

test('CSV: quotes, embedded commas, doubled quotes and line breaks', async () => {
  const text = [
    'a,"b, c","say ""hi""",d',
    '"multi',
    'line",x,"",y',
    '"abc"def,g"h,,',
  ].join('\n');
  const records = await collect(csvRecords(linesOf(text)));
  assert.deepEqual(fieldsOf(records), [
    ['a', 'b, c', 'say "hi"', 'd'],
    ['multi\nline', 'x', '', 'y'],
    ['abcdef', 'g"h', '', ''],
  ]);
});

test('CSV: CRLF endings, a byte-order mark and blank lines', async () => {
  const lines = ['\uFEFFemail,fn\r\n', '\r\n', 'a@example.com,"An\r\n', 'n"\r\n', '   '];
  const records = await collect(csvRecords((async function* () { yield* lines; })()));
  assert.deepEqual(fieldsOf(records), [['email', 'fn'], ['a@example.com', 'An\nn']]);
});

test('CSV: an unclosed quote is reported once', async () => {
  const atEnd = await collect(csvRecords(linesOf('a,b\n"open,c')));
  assert.deepEqual(fieldsOf(atEnd), [
    ['a', 'b'],
    'unclosed quote at the end of the file',
  ]);
  const long = await collect(csvRecords(linesOf('"x\nyyyyyyyyyy\nzz\na,b'), {
    maxRecordLength: 8,
  }));
  assert.deepEqual(fieldsOf(long), [
    'row is longer than 8 characters (an unclosed quote?)',
    ['zz'],
    ['a', 'b'],
  ]);
});

test('header names are case-insensitive and take the usual aliases', async () => {
  const text = [
    'EMAIL,Phone, First_Name ,LN,City,State,ZIP,Country,DOB,Gender,EXTERN_ID',
    'e@example.com,+44 20 7946 0958,Émilie,Ng,St. Louis,MO,63101,us,07/04/1985,Female,X-1',
  ].join('\n');
  const [row] = await rowsOf(text);
  assert.ok(row && 'userData' in row);
  assert.deepEqual(Object.keys(row.userData).sort(), [
    'country', 'ct', 'db', 'em', 'external_id', 'fn', 'ge', 'ln', 'ph', 'st', 'zp',
  ]);
  assert.deepEqual(row.userData['db'], [sha256Hex('19850704')]);
  assert.deepEqual(row.userData['ct'], [sha256Hex('stlouis')]);
  assert.equal(row.country, 'US');
});

test('an unknown column refuses the whole file', async () => {
  const text = 'email,diagnosis,,x@example.com\na@example.com,b,c,d\n';
  await assert.rejects(rowsOf(text), (error: unknown) => {
    assert.ok(error instanceof PurposeGuardError);
    assert.equal(error.code, 'invalid_event');
    assert.deepEqual(error.issues.map((issue) => issue.path), [
      'header.diagnosis', 'header[2]', 'header[3]',
    ]);
    assert.doesNotMatch(JSON.stringify(error.issues), /x@example/);
    return true;
  });
});

test('a file without a header is refused', async () => {
  await assert.rejects(rowsOf(''), /no header row/);
});

test('a row with the wrong number of columns is an issue', async () => {
  const rows = await rowsOf('email,fn\na@example.com\nb@example.com,Bo,extra\n');
  assert.deepEqual(rows.map((row) => ('issue' in row ? row.issue : null)), [
    {
      code: 'invalid_event',
      path: 'rows[0]',
      message: 'customer-list row has 1 columns, the header has 2',
    },
    {
      code: 'invalid_event',
      path: 'rows[1]',
      message: 'customer-list row has 3 columns, the header has 2',
    },
  ]);
});

test('what counts as an identifier', async () => {
  const text = [
    'email,phone,fn,ln,zip,country,extern_id,madid',
    ',,Ann,Lee,94107,,,',
    ',,Ann,Lee,,KR,,',
    ',,Ann,Lee,,,,',
    'not an email,n/a,,,,,,',
    ',,,,,,CRM-7,',
    ',,,,,,,AB12-CD34',
  ].join('\n');
  const accepted = (rows: readonly CustomerRow[]): number[] =>
    rows.filter((row) => 'userData' in row).map((row) => row.index);
  assert.deepEqual(accepted(await rowsOf(text)), [0, 1, 4]);
  const keep = await rowsOf(text, { keepPlain: new Set(['madid']) });
  assert.deepEqual(accepted(keep), [0, 1, 4, 5]);
  const madid = keep[5];
  assert.ok(madid && 'userData' in madid);
  assert.deepEqual(madid.userData, { madid: ['ab12-cd34'] });
  assert.equal(madid.subject, null);
});
