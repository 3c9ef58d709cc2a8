/**
 * Normalizing and hashing the identifying fields of `user_data` the way ad
 * platforms match them: each field has its own normal form, and the SHA-256
 * digest of that form is what is stored. A value that already is a digest
 * is kept as it is (lowercased), never hashed twice.
 */
import { hash } from 'node:crypto';
import type { Issue } from '../errors.js';
import { FIELD_FORMS } from './field-forms.js';
import { identifierKindOf } from './identifier-shapes.js';
import { childPath, indexPath, nameOf } from './key-path.js';
import { readableText } from './scan-text.js';

/** `user_data` fields that are stored only as SHA-256 digests. */
export const HASHED_FIELDS = [
  'em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'ge', 'db',
  'external_id',
] as const;

export type HashedField = (typeof HASHED_FIELDS)[number];

/** `user_data` fields that are never hashed; kept only when allowed. */
export const PLAIN_FIELDS = [
  'client_ip_address', 'client_user_agent', 'fbc', 'fbp',
  'subscription_id', 'fb_login_id', 'lead_id', 'anon_id', 'madid',
] as const;

export type PlainField = (typeof PLAIN_FIELDS)[number];

/** `user_data` after hashing: digests by hashed field, plain values as sent. */
export type HashedUserData = Record<string, string[] | string>;

export interface HashUserDataOptions {
  /** Plain fields to keep; every other plain field is dropped. */
  readonly keepPlain: ReadonlySet<string>;
  /** Where `user_data` sits, for issue paths. Default `user_data`. */
  readonly path?: string;
}

export interface HashedUserDataResult {
  readonly userData: HashedUserData;
  /** The first country, ISO 3166 alpha-2 in upper case, or null. */
  readonly country: string | null;
  readonly issues: Issue[];
}

const HASHED: ReadonlySet<string> = new Set(HASHED_FIELDS);
const PLAIN: ReadonlySet<string> = new Set(PLAIN_FIELDS);
const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** True for a `user_data` key that is stored only as a digest. */
export function isHashedField(key: string): key is HashedField {
  return HASHED.has(key);
}

/** True for a `user_data` key that is never hashed. */
export function isPlainField(key: string): key is PlainField {
  return PLAIN.has(key);
}

/**
 * True when the value is a SHA-256 digest in hex, either case.
 *
 * @example isSha256Hex('686B5E4C...') // true for 64 hex digits
 */
export function isSha256Hex(value: string): boolean {
  return value.length === 64 && SHA256_HEX.test(value);
}

/** The SHA-256 digest of a UTF-8 string, in lowercase hex. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * The normal form of one value of a hashed field, or null when nothing
 * usable remains. A value that already is a digest comes back lowercased.
 *
 * @example
 * normalizeField('ph', '0044 20 7946 0958'); // '442079460958'
 * normalizeField('ln', "O'Brien"); // 'obrien'
 */
export function normalizeField(field: HashedField, raw: string): string | null {
  const trimmed = raw.trim();
  if (isSha256Hex(trimmed)) return trimmed.toLowerCase();
  const value = FIELD_FORMS[field](trimmed.normalize('NFC'));
  return value === '' ? null : value;
}

/**
 * The digest stored for one value of a hashed field, or null when nothing
 * usable remains.
 *
 * @example hashField('em', ' Bob@Example.org'); // sha256('bob@example.org')
 */
export function hashField(field: HashedField, raw: string): string | null {
  const normal = normalizeField(field, raw);
  if (normal === null) return null;
  return isSha256Hex(normal) ? normal : sha256Hex(normal);
}

/** The distinct digests of several values of one field, in order. */
export function hashValues(
  field: HashedField,
  values: readonly string[],
): string[] {
  const out = new Set<string>();
  for (const value of values) {
    const digest = hashField(field, value);
    if (digest !== null) out.add(digest);
  }
  return [...out];
}

/**
 * The country of a raw value, ISO 3166 alpha-2 in upper case, or null when
 * the value is not one. Ad platforms ask for the country hashed, and a
 * label needs the place, so a digest of a two-letter code is read back.
 *
 * @example countryOf(sha256Hex('de')); // 'DE'
 */
export function countryOf(raw: string): string | null {
  const normal = normalizeField('country', raw);
  if (normal === null) return null;
  const code = isSha256Hex(normal) ? countryOfDigest(normal) : normal;
  return code === undefined ? null : code.toUpperCase();
}

let countryDigests: ReadonlyMap<string, string> | null = null;

/** The two-letter code whose digest this is; there are only 676. */
function countryOfDigest(digest: string): string | undefined {
  if (countryDigests === null) {
    const out = new Map<string, string>();
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (const a of letters) for (const b of letters) out.set(sha256Hex(a + b), a + b);
    countryDigests = out;
  }
  return countryDigests.get(digest);
}

/**
 * Hashes a raw `user_data` object. Hashed fields become arrays of digests
 * (values that normalize to nothing are dropped); plain fields are kept
 * only when `keepPlain` lists them, and one holding an email or a phone
 * number is a `plaintext_identifier` issue; unknown keys and values of the
 * wrong type are reported as `invalid_event` issues. The country is read before
 * hashing, because a label needs the jurisdiction.
 *
 * @example
 * const { userData, country } = hashUserData(
 *   { em: ['Alice@Example.com'], country: 'kr', fbp: 'fb.1.1.1' },
 *   { keepPlain: new Set() },
 * ); // userData = { em: [digest], country: [digest] }, country = 'KR'
 */
export function hashUserData(
  userData: Readonly<Record<string, unknown>>,
  options: HashUserDataOptions,
): HashedUserDataResult {
  const base = options.path ?? 'user_data';
  const out: HashedUserData = {};
  const issues: Issue[] = [];
  let country: string | null = null;
  for (const [key, value] of Object.entries(userData)) {
    const path = childPath(base, key);
    if (isHashedField(key)) {
      const values = stringsOf(value, path, issues);
      if (key === 'country') country ??= firstCountry(values);
      const digests = hashValues(key, values);
      if (digests.length > 0) out[key] = digests;
    } else if (isPlainField(key)) {
      if (!options.keepPlain.has(key) || value === undefined) continue;
      if (typeof value !== 'string') {
        issues.push(invalid(path, `${key} must be a string`));
        continue;
      }
      issues.push(...plainIdentifierIn(key, value, path));
      out[key] = value;
    } else {
      issues.push(invalid(path, `unknown user_data field ${nameOf(key)}`));
    }
  }
  return { userData: out, country, issues };
}

/**
 * The data subject of hashed `user_data`: its first hashed email, else its
 * first hashed phone, else its first hashed external id, else null.
 */
export function subjectOf(
  userData: Readonly<Record<string, readonly string[] | string>>,
): string | null {
  for (const field of ['em', 'ph', 'external_id'] as const) {
    const value = userData[field];
    const first = typeof value === 'string' ? value : value?.[0];
    if (first !== undefined && first !== '') return first;
  }
  return null;
}

/**
 * Every hashed email, phone and external id of hashed `user_data` other
 * than its subject: the same person may be named by any of them in an
 * erasure request.
 *
 * @example otherIdentifiersOf({ em: [a, b], ph: [c] }); // [b, c]
 */
export function otherIdentifiersOf(
  userData: Readonly<Record<string, readonly string[] | string>>,
): string[] {
  const subject = subjectOf(userData);
  const out = new Set<string>();
  for (const field of ['em', 'ph', 'external_id'] as const) {
    const value = userData[field];
    for (const id of typeof value === 'string' ? [value] : value ?? []) {
      if (id !== '' && id !== subject) out.add(id);
    }
  }
  return [...out];
}

function stringsOf(value: unknown, path: string, issues: Issue[]): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) {
    issues.push(invalid(path, 'must be a string or an array of strings'));
    return [];
  }
  const out: string[] = [];
  value.forEach((item: unknown, i) => {
    if (typeof item === 'string') out.push(item);
    else issues.push(invalid(indexPath(path, i), 'must be a string'));
  });
  return out;
}

/**
 * A plain field is stored as sent, so an email or a phone number in it
 * would be stored in the clear. An IP address can look like a grouped
 * phone number; only an email counts there.
 */
function plainIdentifierIn(key: PlainField, value: string, path: string): Issue[] {
  const kind = identifierKindOf(readableText(value));
  if (kind === null || (kind === 'a phone number' && key === 'client_ip_address')) return [];
  const message = `plaintext identifier (${kind}) in ${key}`;
  return [{ code: 'plaintext_identifier', path, message }];
}

function firstCountry(values: readonly string[]): string | null {
  for (const value of values) {
    const country = countryOf(value);
    if (country !== null) return country;
  }
  return null;
}

function invalid(path: string, message: string): Issue {
  return { code: 'invalid_event', path, message };
}
