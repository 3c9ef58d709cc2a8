/**
 * Customer lists as CSV, read as a stream: the header names the columns,
 * each row becomes hashed `user_data`. Plaintext never leaves this module:
 * a row comes out already normalized and hashed.
 */
import { PurposeGuardError } from '../errors.js';
import type { Issue } from '../errors.js';
import { csvRecords } from './csv-records.js';
import type { CsvRecord } from './csv-records.js';
import { isShowableKey } from './key-path.js';
import { countryOf, hashField, subjectOf } from './normalize.js';
import type { HashedField } from './normalize.js';

/** A column of a customer list: a hashed field, or the plain `madid`. */
export type CustomerField = HashedField | 'madid';

/** Header names (lowercase) and the `user_data` field each one fills. */
export const CUSTOMER_LIST_COLUMNS: ReadonlyMap<string, CustomerField> = new Map([
  ['email', 'em'], ['em', 'em'],
  ['phone', 'ph'], ['ph', 'ph'],
  ['fn', 'fn'], ['first_name', 'fn'],
  ['ln', 'ln'], ['last_name', 'ln'],
  ['ct', 'ct'], ['city', 'ct'],
  ['st', 'st'], ['state', 'st'],
  ['zip', 'zp'], ['zp', 'zp'], ['zip_code', 'zp'], ['postal_code', 'zp'],
  ['country', 'country'],
  ['doby', 'db'], ['dob', 'db'], ['db', 'db'],
  ['gen', 'ge'], ['ge', 'ge'], ['gender', 'ge'],
  ['madid', 'madid'],
  ['extern_id', 'external_id'], ['external_id', 'external_id'],
]);

export type CustomerRow =
  | {
    /** Data row number, from 0, the header and blank lines not counted. */
    readonly index: number;
    readonly userData: Record<string, string[]>;
    readonly subject: string | null;
    /** ISO 3166 alpha-2 in upper case, read before hashing, or null. */
    readonly country: string | null;
  }
  | { readonly index: number; readonly issue: Issue };

export interface CustomerListOptions {
  /** Keep `madid` (lowercased, never hashed); dropped otherwise. */
  readonly keepPlain?: ReadonlySet<string>;
}

/**
 * Reads a customer list, one CSV line per item. Header names are matched
 * case-insensitively against {@link CUSTOMER_LIST_COLUMNS}. A header with
 * an unknown or empty column name refuses the whole file (a
 * `PurposeGuardError` with code `invalid_event` and one issue per column):
 * a column nobody declared may hold anything, and dropping it silently
 * would hide the mistake. Rows with the wrong number of columns, or with
 * no identifier left after normalizing, come out as issues.
 *
 * A row identifies someone by an email, a phone, an external id, a kept
 * `madid`, or a first and last name with a zip or a country.
 *
 * @example
 * for await (const row of parseCustomerList(lines)) {
 *   if ('issue' in row) refused.push(row);
 *   else store(row.subject, row.userData);
 * }
 */
export async function* parseCustomerList(
  lines: AsyncIterable<string>,
  options: CustomerListOptions = {},
): AsyncGenerator<CustomerRow> {
  const keepMadid = options.keepPlain?.has('madid') ?? false;
  let columns: readonly CustomerField[] | null = null;
  let index = 0;
  for await (const record of csvRecords(lines)) {
    if (columns === null) {
      columns = readHeader(record);
      continue;
    }
    yield readRow(record, columns, index, keepMadid);
    index++;
  }
  if (columns === null) {
    throw new PurposeGuardError('invalid_event', 'customer list has no header row');
  }
}

function readHeader(record: CsvRecord): CustomerField[] {
  if ('problem' in record) {
    const message = `customer list header: ${record.problem}`;
    throw new PurposeGuardError('invalid_event', message);
  }
  const issues: Issue[] = [];
  const columns: CustomerField[] = [];
  record.fields.forEach((name, i) => {
    const field = CUSTOMER_LIST_COLUMNS.get(name.trim().toLowerCase());
    if (field === undefined) issues.push(headerIssue(name.trim(), i));
    else columns.push(field);
  });
  if (issues.length > 0) {
    const message = `customer list header has ${issues.length} unknown column(s)`;
    throw new PurposeGuardError('invalid_event', message, { issues });
  }
  return columns;
}

function headerIssue(name: string, column: number): Issue {
  if (name === '') {
    return invalid(`header[${column}]`, `column ${column + 1} has no name`);
  }
  if (!isShowableKey(name)) {
    return invalid(`header[${column}]`, `column ${column + 1} has an unknown name`);
  }
  return invalid(`header.${name}`, `unknown column '${name}'`);
}

function readRow(
  record: CsvRecord,
  columns: readonly CustomerField[],
  index: number,
  keepMadid: boolean,
): CustomerRow {
  const path = `rows[${index}]`;
  if ('problem' in record) return { index, issue: invalid(path, record.problem) };
  if (record.fields.length !== columns.length) {
    const message = `customer-list row has ${record.fields.length} columns,`
      + ` the header has ${columns.length}`;
    return { index, issue: invalid(path, message) };
  }
  const { userData, country } = hashRow(record.fields, columns, keepMadid);
  if (!identifies(userData)) {
    return { index, issue: invalid(path, 'customer-list row has no identifier') };
  }
  return { index, userData, subject: subjectOf(userData), country };
}

function hashRow(
  fields: readonly string[],
  columns: readonly CustomerField[],
  keepMadid: boolean,
): { userData: Record<string, string[]>; country: string | null } {
  const userData: Record<string, string[]> = {};
  let country: string | null = null;
  fields.forEach((raw, i) => {
    const field = columns[i];
    if (field === undefined || raw.trim() === '') return;
    if (field === 'country') country ??= countryOf(raw);
    const value = field === 'madid' ? plainMadid(raw, keepMadid) : hashField(field, raw);
    if (value === null) return;
    const values = (userData[field] ??= []);
    if (!values.includes(value)) values.push(value);
  });
  return { userData, country };
}

function plainMadid(raw: string, keep: boolean): string | null {
  return keep ? raw.trim().toLowerCase() : null;
}

function identifies(userData: Readonly<Record<string, readonly string[]>>): boolean {
  const has = (field: string): boolean => (userData[field]?.length ?? 0) > 0;
  if (has('em') || has('ph') || has('external_id') || has('madid')) return true;
  return has('fn') && has('ln') && (has('zp') || has('country'));
}

function invalid(path: string, message: string): Issue {
  return { code: 'invalid_event', path, message };
}
