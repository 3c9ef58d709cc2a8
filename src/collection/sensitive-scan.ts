/**
 * Detectors for what must not come in with an event: special-category data
 * (health, sex life, politics, ...) in the event name, `custom_data` or the
 * page URL, and plaintext identifiers (emails, phones) anywhere outside
 * `user_data`. A finding names the category and the place, never the value
 * or the term that was found.
 */
import type { Issue } from '../errors.js';
import { identifierKindOf, isPhoneKey, isPhoneValue } from './identifier-shapes.js';
import { isShowableKey } from './key-path.js';
import { parseUrl, readableText, splitWords } from './scan-text.js';
import { categoryName } from './special-terms.js';
import { categoryIndexOf, compileTermPattern } from './term-pattern.js';
import type { TermPattern } from './term-pattern.js';

export interface SensitiveScannerOptions {
  /** Terms to add, by special category; a new category name adds one. */
  readonly extraTerms?: ReadonlyMap<string, readonly string[]>;
}

export interface SensitiveScanner {
  /**
   * The first finding in a raw conversions-API event, or null when it is
   * clean. `path` is where the event sits in its batch, such as `data[5]`.
   * Codes: `sensitive_data`, `plaintext_identifier`, and `invalid_event`
   * for `custom_data` nested too deep to scan.
   */
  scanEvent(event: Readonly<Record<string, unknown>>, path: string): Issue | null;
  /**
   * The first finding anywhere in a JSON value (keys and strings), such as
   * a derived row's data, or null. `path` names the value, such as
   * `rows[3]`, and `name` its field, such as `data`.
   */
  scanData(value: unknown, path: string, name: string): Issue | null;
  /** The special category a text reveals, or null. */
  categoryOf(text: string): string | null;
}

/** How deep `custom_data` may nest before it is refused unscanned. */
export const MAX_CUSTOM_DATA_DEPTH = 32;

const NAME_CACHE_SIZE = 4096;

/**
 * Compiles the term lists once into a single pattern with one group per
 * category; scanning an event then costs one match per string. Bad policy
 * terms fail here, with an `invalid_policy` error.
 *
 * @example
 * const scanner = createSensitiveScanner({
 *   extraTerms: new Map([['health', ['glucose meter']]]),
 * });
 * scanner.scanEvent(event, 'data[0]'); // null, or the first Issue
 */
export function createSensitiveScanner(
  options: SensitiveScannerOptions = {},
): SensitiveScanner {
  return new Scanner(compileTermPattern(options.extraTerms ?? new Map()));
}

interface Finding {
  readonly code: 'sensitive_data' | 'plaintext_identifier';
  readonly what: string;
}

type Trail = (string | number)[];

const EMAIL_FINDING: Finding = {
  code: 'plaintext_identifier',
  what: 'plaintext identifier (an email)',
};
const PHONE_FINDING: Finding = {
  code: 'plaintext_identifier',
  what: 'plaintext identifier (a phone number)',
};

class Scanner implements SensitiveScanner {
  readonly #pattern: RegExp;
  readonly #categories: readonly string[];
  readonly #findings: readonly Finding[];
  readonly #cleanNames = new Set<string>();

  constructor({ pattern, categories }: TermPattern) {
    this.#pattern = pattern;
    this.#categories = categories;
    this.#findings = categories.map((category) => ({
      code: 'sensitive_data',
      what: `special category (${categoryName(category)})`,
    }));
  }

  scanEvent(event: Readonly<Record<string, unknown>>, path: string): Issue | null {
    return this.#scanEventName(event, path)
      ?? this.#scanEventId(event, path)
      ?? this.#scanUrl(event, path)
      ?? this.#scanCustomData(event, path);
  }

  scanData(value: unknown, path: string, name: string): Issue | null {
    return this.#walk(value, [name], path, 0, false);
  }

  categoryOf(text: string): string | null {
    const group = this.#groupOf(splitWords(readableText(text)));
    return group === null ? null : (this.#categories[group] ?? null);
  }

  #scanEventName(event: Readonly<Record<string, unknown>>, base: string): Issue | null {
    const name = event['event_name'];
    if (typeof name !== 'string') return null;
    const found = this.#inName(name);
    return found && issue(found, `${base}.event_name`, 'in the event name');
  }

  #scanEventId(event: Readonly<Record<string, unknown>>, base: string): Issue | null {
    const id = event['event_id'];
    if (typeof id !== 'string') return null;
    const found = identifierIn(readableText(id));
    return found && issue(found, `${base}.event_id`, 'in the event id');
  }

  #scanUrl(event: Readonly<Record<string, unknown>>, base: string): Issue | null {
    const raw = event['event_source_url'];
    if (typeof raw !== 'string') return null;
    const path = `${base}.event_source_url`;
    const url = parseUrl(raw);
    if (url === null) {
      const found = this.#inValue(raw);
      return found && issue(found, path, 'in event_source_url');
    }
    return this.#scanUrlParts(url, path);
  }

  #scanUrlParts(url: URL, path: string): Issue | null {
    const userInfo = identifierIn(readableText(`${url.username}:${url.password}`))
      ?? identifierIn(readableText(`${url.username}@${url.hostname}`))
      ?? identifierIn(readableText(`${url.password}@${url.hostname}`));
    if (userInfo) return issue(userInfo, path, 'in the URL user info');
    const inPath = this.#inValue(url.pathname);
    if (inPath) return issue(inPath, path, 'in the URL path');
    for (const [name, value] of url.searchParams) {
      const found = this.#inParameter(name, value, path);
      if (found) return found;
    }
    const inFragment = this.#inValue(url.hash.slice(1));
    return inFragment && issue(inFragment, path, 'in the URL fragment');
  }

  #inParameter(name: string, value: string, path: string): Issue | null {
    const inName = this.#inName(name);
    if (inName) return issue(inName, path, 'in a URL parameter name');
    const found = this.#inValue(value)
      ?? (isPhoneKey(name) && isPhoneValue(value) ? PHONE_FINDING : null);
    if (!found) return null;
    const shown = isShowableKey(name) ? ` '${name}'` : '';
    return issue(found, path, `in a URL parameter${shown}`);
  }

  #scanCustomData(event: Readonly<Record<string, unknown>>, base: string): Issue | null {
    const data = event['custom_data'];
    if (data === undefined || data === null) return null;
    return this.#walk(data, ['custom_data'], base, 0, false);
  }

  #walk(
    value: unknown,
    trail: Trail,
    base: string,
    depth: number,
    underPhoneKey: boolean,
  ): Issue | null {
    if (typeof value === 'string') {
      const found = this.#inValue(value)
        ?? (underPhoneKey && isPhoneValue(value) ? PHONE_FINDING : null);
      return found && trailIssue(found, base, trail, 'in');
    }
    if (typeof value === 'number') {
      const phone = underPhoneKey && isPhoneValue(String(value));
      return phone ? trailIssue(PHONE_FINDING, base, trail, 'in') : null;
    }
    if (!isRecord(value)) return null;
    if (depth >= MAX_CUSTOM_DATA_DEPTH) return tooDeep(base, trail);
    return Array.isArray(value)
      ? this.#walkArray(value, trail, base, depth, underPhoneKey)
      : this.#walkObject(value, trail, base, depth);
  }

  #walkArray(
    items: readonly unknown[],
    trail: Trail,
    base: string,
    depth: number,
    underPhoneKey: boolean,
  ): Issue | null {
    for (let i = 0; i < items.length; i++) {
      trail.push(i);
      const found = this.#walk(items[i], trail, base, depth + 1, underPhoneKey);
      trail.pop();
      if (found) return found;
    }
    return null;
  }

  #walkObject(
    object: Readonly<Record<string, unknown>>,
    trail: Trail,
    base: string,
    depth: number,
  ): Issue | null {
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      const inKey = this.#inName(key);
      if (inKey) return trailIssue(inKey, base, trail, 'in a key of');
      trail.push(key);
      const found = this.#walk(object[key], trail, base, depth + 1, isPhoneKey(key));
      trail.pop();
      if (found) return found;
    }
    return null;
  }

  /**
   * Names (event names, keys) repeat from event to event, so clean ones
   * are remembered; a name that could be personal data is not.
   */
  #inName(text: string): Finding | null {
    if (this.#cleanNames.has(text)) return null;
    const decoded = readableText(text);
    const found = this.#specialIn(splitWords(decoded)) ?? identifierIn(decoded);
    if (found === null && isShowableKey(text)) this.#rememberClean(text);
    return found;
  }

  #rememberClean(name: string): void {
    if (this.#cleanNames.size >= NAME_CACHE_SIZE) this.#cleanNames.clear();
    this.#cleanNames.add(name);
  }

  #inValue(text: string): Finding | null {
    if (text === '') return null;
    const decoded = readableText(text);
    return this.#specialIn(splitWords(decoded)) ?? identifierIn(decoded);
  }

  #specialIn(text: string): Finding | null {
    const group = this.#groupOf(text);
    return group === null ? null : (this.#findings[group] ?? null);
  }

  #groupOf(text: string): number | null {
    const match = this.#pattern.exec(text);
    return match === null ? null : categoryIndexOf(match);
  }
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null;
}

function identifierIn(text: string): Finding | null {
  const kind = identifierKindOf(text);
  if (kind === null) return null;
  return kind === 'an email' ? EMAIL_FINDING : PHONE_FINDING;
}

function issue(found: Finding, path: string, where: string): Issue {
  return { code: found.code, path, message: `${found.what} ${where}` };
}

function trailIssue(found: Finding, base: string, trail: Trail, where: string): Issue {
  const relative = trailPath(trail);
  return issue(found, `${base}.${relative}`, `${where} ${relative}`);
}

function tooDeep(base: string, trail: Trail): Issue {
  const relative = trailPath(trail);
  return {
    code: 'invalid_event',
    path: `${base}.${relative}`,
    message: `${String(trail[0])} nests deeper than ${MAX_CUSTOM_DATA_DEPTH} levels`,
  };
}

/** The trail as a path; it stops before a key that cannot be shown. */
function trailPath(trail: Trail): string {
  let out = '';
  for (const segment of trail) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (!isShowableKey(segment)) break;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}
