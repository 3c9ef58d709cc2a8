/**
 * Streaming CSV (RFC 4180): records from lines, with quoted fields that
 * hold commas, doubled quotes and line breaks, CRLF or LF endings, and a
 * leading byte-order mark. Blank lines are skipped.
 */

/** A record's fields, or why the lines could not form one. */
export type CsvRecord =
  | { readonly fields: string[] }
  | { readonly problem: string };

export interface CsvOptions {
  /** A quoted field running past this many characters is given up. */
  readonly maxRecordLength?: number;
}

const DEFAULT_MAX_RECORD_LENGTH = 1 << 20;
const LINE_END = /\r?\n$|\r$/;

/**
 * The records of CSV text given one line per item (with or without its
 * line ending). A record whose quote never closes is reported once, at
 * the length limit or at the end of the input.
 *
 * @example
 * for await (const record of csvRecords(lines)) {
 *   if ('fields' in record) record.fields; // ['a', 'b, c', 'say "hi"']
 * }
 */
export async function* csvRecords(
  lines: AsyncIterable<string>,
  options: CsvOptions = {},
): AsyncGenerator<CsvRecord> {
  const reader = new RecordReader(options.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH);
  let first = true;
  for await (const raw of lines) {
    const line = first ? stripBom(raw) : raw;
    first = false;
    const record = reader.push(line.replace(LINE_END, ''));
    if (record) yield record;
  }
  const last = reader.end();
  if (last) yield last;
}

function stripBom(line: string): string {
  return line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
}

/** Accumulates fields across lines while a quoted field is open. */
class RecordReader {
  readonly #maxLength: number;
  #fields: string[] = [];
  #field = '';
  #fieldStarted = false;
  #inQuotes = false;
  #length = 0;

  constructor(maxLength: number) {
    this.#maxLength = maxLength;
  }

  push(line: string): CsvRecord | null {
    if (!this.#inQuotes) {
      if (line.trim() === '') return null;
      if (!line.includes('"')) return { fields: line.split(',') };
    }
    this.#length += line.length + 1;
    this.#consume(line);
    if (!this.#inQuotes) return { fields: this.#finish() };
    if (this.#length > this.#maxLength) {
      this.#reset();
      const limit = this.#maxLength;
      return { problem: `row is longer than ${limit} characters (an unclosed quote?)` };
    }
    this.#field += '\n';
    return null;
  }

  end(): CsvRecord | null {
    if (!this.#inQuotes) return null;
    this.#reset();
    return { problem: 'unclosed quote at the end of the file' };
  }

  #consume(line: string): void {
    let i = 0;
    while (i < line.length) {
      i = this.#inQuotes ? this.#quoted(line, i) : this.#unquoted(line, i);
    }
  }

  /** Reads inside quotes from `i`; returns where to go on. */
  #quoted(line: string, i: number): number {
    const quote = line.indexOf('"', i);
    if (quote === -1) {
      this.#field += line.slice(i);
      return line.length;
    }
    this.#field += line.slice(i, quote);
    if (line[quote + 1] === '"') {
      this.#field += '"';
      return quote + 2;
    }
    this.#inQuotes = false;
    return quote + 1;
  }

  #unquoted(line: string, i: number): number {
    const char = line[i];
    if (char === ',') {
      this.#endField();
    } else if (char === '"' && !this.#fieldStarted) {
      this.#inQuotes = true;
      this.#fieldStarted = true;
    } else {
      this.#field += char;
      this.#fieldStarted = true;
    }
    return i + 1;
  }

  #endField(): void {
    this.#fields.push(this.#field);
    this.#field = '';
    this.#fieldStarted = false;
  }

  #finish(): string[] {
    this.#endField();
    const fields = this.#fields;
    this.#reset();
    return fields;
  }

  #reset(): void {
    this.#fields = [];
    this.#field = '';
    this.#fieldStarted = false;
    this.#inQuotes = false;
    this.#length = 0;
  }
}
