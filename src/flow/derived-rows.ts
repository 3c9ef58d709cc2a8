import { PurposeGuardError } from '../errors.js';
import type { Issue } from '../errors.js';

/** One row a processor writes: its data and the records it came from. */
export interface DerivedRow {
  /** Ids of the source records, as `read` returned them. */
  readonly from: readonly number[];
  readonly data: unknown;
}

/** At most this many rows in one write. */
export const MAX_ROWS_PER_WRITE = 10_000;
/** At most this many source records behind one row. */
export const MAX_SOURCES_PER_ROW = 10_000;
const MAX_ISSUES = 20;

/**
 * Checks rows given to a write and brings them to one shape. A row is
 * `{from: [ids], data}`, or a line of `read` output (`{id, data, ...}`),
 * which stands for `{from: [id], data}`. Anything else a row carries, a
 * `label` above all, is ignored: the output label comes from the stored
 * labels of the sources, never from the caller.
 *
 * @example
 * parseDerivedRows([{ id: 4, data: { v: 1 }, label: { purposes: ['ai'] } }], 'rows');
 * // [{ from: [4], data: { v: 1 } }]
 */
export function parseDerivedRows(value: unknown, where: string): DerivedRow[] {
  if (!Array.isArray(value)) throw invalid(`${where} must be a list of rows`);
  if (value.length === 0) throw invalid(`${where} is empty: a write needs at least one row`);
  if (value.length > MAX_ROWS_PER_WRITE) {
    throw invalid(`${where} has ${value.length} rows; a write takes at most ${MAX_ROWS_PER_WRITE}`);
  }
  const issues: Issue[] = [];
  const rows: DerivedRow[] = [];
  value.forEach((raw: unknown, i) => {
    const row = parseRow(raw, `${where}[${i}]`, issues);
    if (row) rows.push(row);
  });
  if (issues.length > 0) {
    const shown = issues.slice(0, MAX_ISSUES);
    throw new PurposeGuardError('invalid_request', `${issues.length} invalid row(s) in ${where}`, { issues: shown });
  }
  return rows;
}

function parseRow(raw: unknown, path: string, issues: Issue[]): DerivedRow | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    issues.push(issue(path, 'a row must be an object with from and data'));
    return null;
  }
  const row = raw as Record<string, unknown>;
  if (!('data' in row) || row['data'] === undefined) {
    issues.push(issue(`${path}.data`, 'a row needs data'));
    return null;
  }
  const from = sourcesOf(row, path, issues);
  return from === null ? null : { from, data: row['data'] };
}

function sourcesOf(row: Record<string, unknown>, path: string, issues: Issue[]): number[] | null {
  if (row['from'] === undefined) {
    if (isRecordId(row['id'])) return [row['id']];
    issues.push(issue(`${path}.from`, 'a row needs from: the ids of the records it came from'));
    return null;
  }
  const from = row['from'];
  if (!Array.isArray(from) || from.length === 0) {
    issues.push(issue(`${path}.from`, 'from must be a non-empty list of record ids'));
    return null;
  }
  if (from.length > MAX_SOURCES_PER_ROW) {
    issues.push(issue(`${path}.from`, `from names more than ${MAX_SOURCES_PER_ROW} records`));
    return null;
  }
  const bad = from.findIndex((id) => !isRecordId(id));
  if (bad >= 0) {
    issues.push(issue(`${path}.from[${bad}]`, 'a record id must be a positive integer'));
    return null;
  }
  return [...new Set(from as number[])];
}

function isRecordId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function issue(path: string, message: string): Issue {
  return { code: 'invalid_row', path, message };
}

function invalid(message: string): PurposeGuardError {
  return new PurposeGuardError('invalid_request', message);
}
