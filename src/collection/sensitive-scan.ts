/**
 * Detectors for what must not come in with an event: special-category data
 * (health, sex life, politics, ...) in the event name, `custom_data` or the
 * page URL, and plaintext identifiers (emails, phones) anywhere outside
 * `user_data`. A finding names the category and the place, never the value
 * or the term that was found.
 */
import { PurposeGuardError } from '../errors.js';
import type { Issue } from '../errors.js';
import { identifierKindOf, isPhoneKey, isPhoneValue } from './identifier-shapes.js';
import { isShowableKey } from './key-path.js';
import { BUILTIN_TERMS, SPECIAL_CATEGORIES, categoryName } from './special-terms.js';

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
  /** The special category a text reveals, or null. */
  categoryOf(text: string): string | null;
}

/** How deep `custom_data` may nest before it is refused unscanned. */
export const MAX_CUSTOM_DATA_DEPTH = 32;

/**
 * Compiles the term lists once into a single pattern with one group per
 * category; scanning an event then costs one match per string.
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
  return new Scanner(mergeTerms(options.extraTerms ?? new Map()));
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

  constructor(terms: ReadonlyMap<string, readonly string[]>) {
    this.#categories = [...terms.keys()];
    this.#findings = this.#categories.map((category) => ({
      code: 'sensitive_data',
      what: `special category (${categoryName(category)})`,
    }));
    this.#pattern = compilePattern([...terms.values()]);
  }

  scanEvent(event: Readonly<Record<string, unknown>>, path: string): Issue | null {
    return this.#scanEventName(event, path)
      ?? this.#scanEventId(event, path)
      ?? this.#scanUrl(event, path)
      ?? this.#scanCustomData(event, path);
  }

  categoryOf(text: string): string | null {
    const group = this.#groupOf(splitWords(decodeIfEncoded(text)));
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
    const found = identifierIn(decodeIfEncoded(id));
    return found && issue(found, `${base}.event_id`, 'in the event id');
  }

  #scanUrl(event: Readonly<Record<string, unknown>>, base: string): Issue | null {
    const raw = event['event_source_url'];
    if (typeof raw !== 'string') return null;
    const path = `${base}.event_source_url`;
    const url = URL.canParse(raw) ? new URL(raw) : null;
    if (url === null) {
      const found = this.#inValue(raw);
      return found && issue(found, path, 'in event_source_url');
    }
    return this.#scanUrlParts(url, path);
  }

  #scanUrlParts(url: URL, path: string): Issue | null {
    const userInfo = identifierIn(decodeIfEncoded(`${url.username}:${url.password}`));
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

  /** Names (event names, keys) may be camelCase: `hivStatus`. */
  #inName(text: string): Finding | null {
    const decoded = decodeIfEncoded(text);
    return this.#specialIn(splitWords(decoded)) ?? identifierIn(decoded);
  }

  #inValue(text: string): Finding | null {
    if (text === '') return null;
    const decoded = decodeIfEncoded(text);
    return this.#specialIn(decoded) ?? identifierIn(decoded);
  }

  #specialIn(text: string): Finding | null {
    const group = this.#groupOf(text);
    return group === null ? null : (this.#findings[group] ?? null);
  }

  #groupOf(text: string): number | null {
    const match = this.#pattern.exec(text);
    if (match === null) return null;
    for (let i = 1; i < match.length; i++) {
      if (match[i] !== undefined) return i - 1;
    }
    return null;
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
    message: `custom_data nests deeper than ${MAX_CUSTOM_DATA_DEPTH} levels`,
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

const ENCODED = /%[0-9a-f]{2}/i;
const ENCODED_RUN = /(?:%[0-9a-f]{2})+/gi;
const MAX_DECODE_ROUNDS = 3;

/** Undoes URL encoding, twice-encoded too; malformed runs are kept. */
function decodeIfEncoded(text: string): string {
  let out = text;
  for (let round = 0; round < MAX_DECODE_ROUNDS && ENCODED.test(out); round++) {
    out = out.replace(ENCODED_RUN, decodeRun);
  }
  return out;
}

function decodeRun(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    return run;
  }
}

const CAMEL = /(\p{Ll})(\p{Lu})/gu;

function splitWords(text: string): string {
  return text.replace(CAMEL, '$1 $2');
}

const CATEGORY_NAME = /^[a-z][a-z0-9_]*$/;

function mergeTerms(
  extra: ReadonlyMap<string, readonly string[]>,
): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const category of SPECIAL_CATEGORIES) out.set(category, BUILTIN_TERMS[category]);
  for (const [category, terms] of extra) {
    if (!CATEGORY_NAME.test(category)) {
      throw new PurposeGuardError(
        'invalid_policy',
        `special terms: '${category}' is not a category name`,
      );
    }
    out.set(category, [...(out.get(category) ?? []), ...checkedTerms(category, terms)]);
  }
  return out;
}

function checkedTerms(category: string, terms: readonly string[]): string[] {
  return terms.map((term) => {
    if (typeof term !== 'string' || term.trim() === '') {
      throw new PurposeGuardError(
        'invalid_policy',
        `special terms of '${category}' must be non-empty strings`,
      );
    }
    return term;
  });
}

const SEPARATOR = '[\\s_+\\-]+';
const WORD_SPLIT = /[\s_-]+/;
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/**
 * One group per category, each an alternation of its terms; a term matches
 * as whole words (letters and digits around it end the match), its words
 * joined by spaces, underscores, dashes or pluses, with an optional
 * plural `s`.
 */
function compilePattern(categories: readonly (readonly string[])[]): RegExp {
  const groups = categories.map((terms) =>
    terms.length === 0 ? '((?!))' : `(${terms.map(termSource).join('|')})`);
  return new RegExp(
    `(?<![\\p{L}\\p{N}])(?:${groups.join('|')})s?(?![\\p{L}\\p{N}])`,
    'iu',
  );
}

function termSource(term: string): string {
  return term
    .normalize('NFC')
    .trim()
    .split(WORD_SPLIT)
    .map((word) => word.replace(REGEX_SPECIAL, '\\$&'))
    .join(SEPARATOR);
}
