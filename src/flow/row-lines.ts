import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { PurposeGuardError } from '../errors.js';
import type { Issue } from '../errors.js';

const MAX_ISSUES = 20;

/**
 * Reads JSON lines of rows to write (what `read` prints, or
 * `{"from": [...], "data": ...}`) from a file or, for `-`, a stream.
 * Blank lines are skipped; a line that is not JSON is reported as
 * `FILE:LINE` and nothing is returned.
 *
 * @example
 * const rows = await readRowLines('seeds.jsonl', process.stdin);
 */
export async function readRowLines(file: string, stdin: Readable): Promise<unknown[]> {
  const input = file === '-' ? stdin : createReadStream(file, { encoding: 'utf8' });
  const name = file === '-' ? 'stdin' : file;
  const rows: unknown[] = [];
  const issues: Issue[] = [];
  let line = 0;
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      line += 1;
      if (text.trim() === '') continue;
      const value = parseLine(text);
      if (value === undefined) issues.push({ code: 'invalid_json', path: `${name}:${line}`, message: 'not valid JSON' });
      else rows.push(value);
    }
  } catch {
    throw new PurposeGuardError('invalid_request', `cannot read ${name}`);
  }
  if (issues.length > 0) {
    throw new PurposeGuardError('invalid_request', `${name} has ${issues.length} line(s) that are not JSON; nothing was written`, { issues: issues.slice(0, MAX_ISSUES) });
  }
  return rows;
}

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
