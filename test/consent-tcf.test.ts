import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTcf, tcfToPurposes } from '../src/consent/tcf.js';
import type { TcfConsent } from '../src/consent/tcf.js';
import { PurposeGuardError } from '../src/errors.js';
import { readSharedData } from './shared-data.js';

interface Row {
  readonly tcString: string;
  readonly version: string;
  readonly cmpId: string;
  readonly vendorListVersion: string;
  readonly purposeConsents: string;
  readonly purposeLegitimateInterests: string;
}

function readRows(): Row[] {
  const [header, ...lines] = readSharedData('tcf/strings.tsv').split('\n');
  assert.equal(
    header?.split('\t').slice(0, 6).join(','),
    'tc_string,version,cmp_id,vendor_list_version,'
      + 'purpose_consents,purpose_legitimate_interests',
  );
  return lines.filter((line) => line.trim() !== '').map(toRow);
}

function toRow(line: string): Row {
  const [tcString = '', version = '', cmpId = '', vendorListVersion = '',
    purposeConsents = '', purposeLegitimateInterests = ''] = line.split('\t');
  return {
    tcString, version, cmpId, vendorListVersion,
    purposeConsents, purposeLegitimateInterests,
  };
}

function idList(cell: string): number[] {
  return cell === '' ? [] : cell.split(',').map(Number);
}

function isInvalidConsent(error: unknown): boolean {
  assert.ok(error instanceof PurposeGuardError);
  assert.equal(error.code, 'invalid_consent');
  assert.match(error.message, /^malformed TCF consent string: \S/);
  return true;
}

const rows = readRows();
const FIRST = 'COtybn4PA_zT4KjACBENAPCIAEBAAECAAIAAAAAAAAAA';

describe('decodeTcf on the shared TC strings', () => {
  it('has both decodable and malformed rows', () => {
    assert.ok(rows.some((row) => row.version !== ''));
    assert.ok(rows.some((row) => row.version === ''));
  });

  for (const [index, row] of rows.entries()) {
    const name = `row ${index + 1} (${row.tcString.slice(0, 12)})`;
    if (row.version === '') {
      it(`${name} is refused as malformed`, () => {
        assert.throws(() => decodeTcf(row.tcString), isInvalidConsent);
      });
      continue;
    }
    it(`${name} decodes to the listed values`, () => {
      const consent = decodeTcf(row.tcString);
      assert.equal(consent.version, Number(row.version));
      assert.equal(consent.cmpId, Number(row.cmpId));
      assert.equal(consent.vendorListVersion, Number(row.vendorListVersion));
      assert.deepEqual(consent.purposeConsents, idList(row.purposeConsents));
      assert.deepEqual(
        consent.purposeLegitimateInterests,
        idList(row.purposeLegitimateInterests),
      );
    });
  }
});

describe('decodeTcf', () => {
  it('decodes the other core fields', () => {
    const consent = decodeTcf(FIRST);
    assert.equal(consent.policyVersion, 2);
    assert.equal(consent.publisherCountryCode, 'AA');
    assert.equal(consent.purposeOneTreatment, true);
    assert.deepEqual(consent.specialFeatureOptins, [1]);
    assert.ok(consent.created instanceof Date);
  });

  it('returns sorted vendor consents', () => {
    const second = rows.find((row) => row.cmpId === '2');
    assert.ok(second);
    const consent = decodeTcf(second.tcString);
    assert.deepEqual(consent.vendorConsents, [23, 37, 47, 48, 53, 65, 98]);
  });

  it('accepts an optional segment after the core', () => {
    const consent = decodeTcf(`${FIRST}.IAAA`);
    assert.equal(consent.cmpId, 675);
  });

  const garbage: ReadonlyArray<readonly [string, string]> = [
    ['empty', ''],
    ['not base64url', 'not a tc string!'],
    ['a lone dot', '.'],
    ['too short', 'C'],
    ['truncated', FIRST.slice(0, 30)],
    ['version 0', 'A'],
    ['version 1', 'BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA'],
    ['version 3', `D${FIRST.slice(1)}`],
    ['no core segment', 'IAAA'],
    ['core segment not first', `IAAA.${FIRST}`],
    ['two core segments', `${FIRST}.${FIRST}`],
    ['trailing whitespace', `${FIRST} `],
    ['too long', 'C'.repeat(40_000)],
  ];
  for (const [name, value] of garbage) {
    it(`refuses ${name}`, () => {
      assert.throws(() => decodeTcf(value), isInvalidConsent);
    });
  }

  it('refuses a value that is not a string', () => {
    const value: unknown = 42;
    assert.throws(() => decodeTcf(value as string), isInvalidConsent);
  });

  it('does not repeat the string in the message', () => {
    const value = FIRST.slice(0, 30);
    assert.throws(() => decodeTcf(value), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.ok(!error.message.includes(value));
      return true;
    });
  });

  it('prints nothing while decoding good and bad strings', (t) => {
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const calls = methods.map((name) => t.mock.method(console, name, () => {}));
    for (const value of [FIRST, 'Bg', '', 'A', `D${FIRST.slice(1)}`, 'IAAA']) {
      try {
        decodeTcf(value);
      } catch {
        // refusals are asserted above; only output matters here
      }
    }
    for (const call of calls) assert.equal(call.mock.callCount(), 0);
  });
});

describe('tcfToPurposes', () => {
  const consent = (purposeConsents: number[]): TcfConsent => ({
    ...decodeTcf(FIRST),
    purposeConsents,
  });

  it('grants a purpose only when every TCF purpose behind it has consent', () => {
    const mapping = new Map([
      [1, ['ads.optimization']],
      [3, ['ads.optimization', 'ads.audience.lookalike']],
      [4, ['ads.optimization']],
      [9, ['ads.measurement']],
    ]);
    const result = tcfToPurposes(consent([1, 3, 9]), mapping);
    assert.deepEqual(result, {
      granted: ['ads.audience.lookalike', 'ads.measurement'],
      denied: ['ads.optimization'],
    });
  });

  it('does not count legitimate interest as consent', () => {
    const decoded = decodeTcf(FIRST);
    assert.ok(decoded.purposeLegitimateInterests.includes(9));
    assert.ok(!decoded.purposeConsents.includes(9));
    const mapping = new Map([[2, ['ads.measurement']], [9, ['ai.training']]]);
    assert.deepEqual(tcfToPurposes(decoded, mapping), {
      granted: ['ads.measurement'],
      denied: ['ai.training'],
    });
  });

  it('denies everything mapped when nothing was consented', () => {
    const mapping = new Map([[1, ['b', 'a']], [2, ['c']]]);
    assert.deepEqual(tcfToPurposes(consent([]), mapping), {
      granted: [],
      denied: ['a', 'b', 'c'],
    });
  });

  it('never grants through an id that is not a TCF purpose', () => {
    const mapping = new Map([[0, ['a']], [-1, ['b']], [1.5, ['c']]]);
    const result = tcfToPurposes(consent([1, 2]), mapping);
    assert.deepEqual(result, { granted: [], denied: ['a', 'b', 'c'] });
  });

  it('leaves out purposes the mapping does not name', () => {
    assert.deepEqual(tcfToPurposes(consent([1]), new Map()), {
      granted: [],
      denied: [],
    });
  });
});
