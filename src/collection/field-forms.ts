/**
 * The normal form of each hashed field, as ad platforms match them: trim
 * and lowercase everything; phones as digits with the country code; names
 * without punctuation, accents kept; US zips as five digits.
 */
import type { HashedField } from './normalize.js';

/*
 * An email without an `@` or a phone of a few digits ("n/a", "0") is not an
 * identifier: hashing it would merge unrelated people into one subject.
 */
const MIN_PHONE_DIGITS = 7;
const SPACE = /\s/;
const NOT_DIGIT = /\D+/g;
const LEADING_ZEROS = /^0+/;
const PUNCTUATION = /[\p{P}\p{S}]+/gu;
const SPACES = /\s+/g;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{M}\p{N}]+/gu;
const NOT_LETTER = /[^a-z]+/g;
const US_ZIP = /^(\d{5})(?:[\s-]?\d{4})?$/;
const ZIP_NOISE = /[\s-]+/g;
const COUNTRY = /^[a-z]{2}$/;

/** The normal form of each hashed field, from a trimmed NFC string. */
export const FIELD_FORMS: Readonly<
  Record<HashedField, (value: string) => string>
> = {
  em: normalizeEmail,
  ph: normalizePhone,
  fn: normalizeName,
  ln: normalizeName,
  ct: (value) => value.toLowerCase().replace(NOT_LETTER_OR_DIGIT, ''),
  st: normalizeState,
  zp: normalizeZip,
  country: normalizeCountry,
  ge: normalizeGender,
  db: normalizeBirthDate,
  // External ids are the owner's own keys, where case can matter.
  external_id: (value) => value,
};

function normalizeEmail(value: string): string {
  const lower = value.toLowerCase();
  return isEmailShape(lower) ? lower : '';
}

/**
 * One `@` after a local part, no spaces, a dot inside the domain. Checked
 * by position: a backtracking pattern is quadratic in a long value.
 */
function isEmailShape(value: string): boolean {
  const at = value.indexOf('@');
  if (at < 1 || value.includes('@', at + 1) || SPACE.test(value)) return false;
  const dot = value.indexOf('.', at + 2);
  return dot !== -1 && dot < value.length - 1;
}

function normalizePhone(value: string): string {
  const digits = value.replace(NOT_DIGIT, '').replace(LEADING_ZEROS, '');
  return digits.length >= MIN_PHONE_DIGITS ? digits : '';
}

function normalizeName(value: string): string {
  return value
    .toLowerCase()
    .replace(PUNCTUATION, '')
    .replace(SPACES, ' ')
    .trim();
}

function normalizeState(value: string): string {
  const lower = value.toLowerCase();
  const letters = lower.replace(NOT_LETTER, '');
  if (letters.length === 2) return letters;
  const named = US_STATES.get(lower.replace(SPACES, ' '));
  return named ?? lower.replace(NOT_LETTER_OR_DIGIT, '');
}

function normalizeCountry(value: string): string {
  const lower = value.toLowerCase();
  return COUNTRY.test(lower) ? lower : '';
}

function normalizeZip(value: string): string {
  const us = US_ZIP.exec(value);
  if (us) return us[1] ?? '';
  return value.toLowerCase().replace(ZIP_NOISE, '');
}

function normalizeGender(value: string): string {
  return GENDERS.get(value.toLowerCase()) ?? '';
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** `YYYY-MM-DD`, `YYYYMMDD` or US `MM/DD/YYYY` to `YYYYMMDD`. */
function normalizeBirthDate(value: string): string {
  const iso = ISO_DATE.exec(value) ?? COMPACT_DATE.exec(value);
  if (iso) return formatDate(iso[1], iso[2], iso[3]);
  const us = US_DATE.exec(value);
  if (us) return formatDate(us[3], us[1], us[2]);
  return '';
}

function formatDate(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
): string {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  const date = new Date(Date.UTC(y, m - 1, d));
  const real = date.getUTCFullYear() === y
    && date.getUTCMonth() === m - 1
    && date.getUTCDate() === d;
  if (!real || y < 1900) return '';
  return `${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}`;
}

const GENDERS: ReadonlyMap<string, string> = new Map([
  ['f', 'f'], ['female', 'f'], ['woman', 'f'],
  ['m', 'm'], ['male', 'm'], ['man', 'm'],
]);

const US_STATES: ReadonlyMap<string, string> = new Map([
  ['alabama', 'al'], ['alaska', 'ak'], ['arizona', 'az'], ['arkansas', 'ar'],
  ['california', 'ca'], ['colorado', 'co'], ['connecticut', 'ct'],
  ['delaware', 'de'], ['district of columbia', 'dc'], ['florida', 'fl'],
  ['georgia', 'ga'], ['hawaii', 'hi'], ['idaho', 'id'], ['illinois', 'il'],
  ['indiana', 'in'], ['iowa', 'ia'], ['kansas', 'ks'], ['kentucky', 'ky'],
  ['louisiana', 'la'], ['maine', 'me'], ['maryland', 'md'],
  ['massachusetts', 'ma'], ['michigan', 'mi'], ['minnesota', 'mn'],
  ['mississippi', 'ms'], ['missouri', 'mo'], ['montana', 'mt'],
  ['nebraska', 'ne'], ['nevada', 'nv'], ['new hampshire', 'nh'],
  ['new jersey', 'nj'], ['new mexico', 'nm'], ['new york', 'ny'],
  ['north carolina', 'nc'], ['north dakota', 'nd'], ['ohio', 'oh'],
  ['oklahoma', 'ok'], ['oregon', 'or'], ['pennsylvania', 'pa'],
  ['rhode island', 'ri'], ['south carolina', 'sc'], ['south dakota', 'sd'],
  ['tennessee', 'tn'], ['texas', 'tx'], ['utah', 'ut'], ['vermont', 'vt'],
  ['virginia', 'va'], ['washington', 'wa'], ['west virginia', 'wv'],
  ['wisconsin', 'wi'], ['wyoming', 'wy'],
]);
