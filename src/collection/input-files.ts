import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { PurposeGuardError } from '../errors.js';
import { parseCustomerList } from './customer-list.js';
import type { IngestItem } from './ingest.js';

/**
 * Reads an input file as ingest items: `.json` (a batch `{"data": [...]}`
 * or an array of events), `.jsonl` (an event or a batch a line, streamed),
 * `.csv` (a customer list, streamed). `-` reads JSON lines from stdin.
 */
export function itemsFromFile(file: string, stdin?: Readable): AsyncIterable<IngestItem> {
  if (file === '-') {
    if (!stdin) throw new PurposeGuardError('invalid_request', 'no standard input to read');
    return itemsFromJsonLines(stdin);
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return itemsFromJsonFile(file);
  if (ext === '.jsonl' || ext === '.ndjson') return itemsFromJsonLines(open(file));
  if (ext === '.csv') return itemsFromCsv(open(file));
  throw new PurposeGuardError('invalid_request', `${file}: unsupported file type '${ext || 'none'}' (use .json, .jsonl or .csv)`);
}

/** Items from a parsed JSON body: a batch `{"data": [...]}` or an array. */
export function itemsFromBatch(value: unknown, where: string): IngestItem[] {
  const events = eventsOf(value);
  if (events === null) {
    throw new PurposeGuardError('invalid_event', `${where}: expected a batch {"data": [...]} or an array of events`);
  }
  return events.map((event, index) => ({ index, kind: 'event', value: event }));
}

async function* itemsFromJsonFile(file: string): AsyncIterable<IngestItem> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new PurposeGuardError('invalid_request', `${file} ${reason}`);
  }
  yield* itemsFromBatch(value, file);
}

async function* itemsFromJsonLines(stream: Readable): AsyncIterable<IngestItem> {
  let index = 0;
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { index: index++, kind: 'issue', issue: { code: 'invalid_event', path: `line ${line}`, message: 'not valid JSON' } };
      continue;
    }
    const events = isBatch(value) ? eventsOf(value) ?? [] : [value];
    for (const event of events) yield { index: index++, kind: 'event', value: event };
  }
}

async function* itemsFromCsv(stream: Readable): AsyncIterable<IngestItem> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const row of parseCustomerList(lines)) {
    if ('issue' in row) yield { index: row.index, kind: 'issue', issue: row.issue };
    else yield { index: row.index, kind: 'row', userData: row.userData };
  }
}

function open(file: string): Readable {
  const stream = createReadStream(file, { encoding: 'utf8' });
  return stream;
}

function isBatch(value: unknown): value is { data: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'data' in value;
}

function eventsOf(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (isBatch(value) && Array.isArray(value.data)) return value.data;
  return null;
}
