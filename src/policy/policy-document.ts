import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Issue } from '../errors.js';

export type PathKey = string | number;

/**
 * A parsed YAML policy that remembers where every value came from, so that
 * each validation issue can name its `file:line`.
 */
export class PolicyDocument {
  readonly file: string;
  readonly issues: Issue[] = [];
  readonly root: unknown;
  readonly #doc: Document;
  readonly #lines: LineCounter;

  constructor(file: string, text: string) {
    this.file = file;
    this.#lines = new LineCounter();
    this.#doc = parseDocument(text, {
      lineCounter: this.#lines,
      uniqueKeys: true,
      prettyErrors: false,
    });
    for (const error of this.#doc.errors) {
      const offset = error.pos[0];
      const { line } = this.#lines.linePos(offset);
      const key = /^[^:\n]*/.exec(text.slice(error.pos[0]))?.[0]?.trim() ?? '';
      const message = error.code === 'DUPLICATE_KEY'
        ? `duplicate name '${key}'`
        : `invalid YAML: ${firstLine(error.message)}`;
      this.issues.push({ code: 'yaml', path: `${file}:${line}`, message });
    }
    this.root = this.#doc.errors.length > 0 ? null : this.#toJS();
  }

  /** The plain value; aliases that expand too far are an issue, not a crash. */
  #toJS(): unknown {
    try {
      return this.#doc.toJS();
    } catch (error) {
      const reason = error instanceof Error ? firstLine(error.message) : 'cannot be read';
      const message = `invalid YAML: ${reason}`;
      this.issues.push({ code: 'yaml', path: `${this.file}:1`, message });
      return null;
    }
  }

  /** `file:line` of the value at `path`, or of its nearest ancestor. */
  where(path: readonly PathKey[]): string {
    for (let n = path.length; n >= 0; n--) {
      const node = this.#doc.getIn(path.slice(0, n), true) as Node | undefined;
      const offset = this.#keyOffset(path.slice(0, n)) ?? rangeStart(node);
      if (offset !== undefined) {
        return `${this.file}:${this.#lines.linePos(offset).line}`;
      }
    }
    return `${this.file}:1`;
  }

  /** `file:line` of the key (not the value) at `path`. */
  whereKey(path: readonly PathKey[]): string {
    const offset = this.#keyOffset(path);
    if (offset === undefined) return this.where(path);
    return `${this.file}:${this.#lines.linePos(offset).line}`;
  }

  report(path: readonly PathKey[], message: string, code = 'policy'): void {
    this.issues.push({ code, path: this.where(path), message });
  }

  #keyOffset(path: readonly PathKey[]): number | undefined {
    if (path.length === 0) return undefined;
    const parent = this.#doc.getIn(path.slice(0, -1), true);
    if (!isMap(parent)) return undefined;
    const last = path[path.length - 1];
    for (const pair of parent.items) {
      if (isScalar(pair.key) && String(pair.key.value) === String(last)) {
        return rangeStart(pair.key);
      }
    }
    return undefined;
  }
}

function rangeStart(node: unknown): number | undefined {
  if (isScalar(node) || isMap(node) || isSeq(node)) return node.range?.[0];
  return undefined;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+.*$/, '');
}
