/**
 * Shapes of plaintext identifiers: an email address anywhere in a text, or
 * a phone number written the way people write one (`+1 650 555 0100`,
 * `(650) 555-0100`). Bare runs of digits are left alone: they are order
 * numbers and timestamps far more often than phones.
 */

/** What a plaintext identifier looks like, phrased for a message. */
export type IdentifierKind = 'an email' | 'a phone number';

const LOCAL_END = /[\p{L}\p{N}._%+-]$/u;
const DOMAIN = /[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/uy;
const PHONE = /(?<![\w.+-])\+?\(?\d[\d\s().-]{6,}\d(?![\w:])/g;
const DIGIT_GROUP = /\d+/g;
const PHONE_HINT = /phone|mobile|tel|msisdn|cell/i;
const PHONE_KEY = /(?:^|[^a-z])(?:phone|mobile|tel|telephone|msisdn|cell)(?:$|[^a-z])/i;
const CAMEL = /([a-z])([A-Z])/g;
const PHONE_LIKE = /^[\d\s().+-]+$/;
const MIN_DIGITS = 7;

/**
 * The kind of plaintext identifier a text holds, or null.
 *
 * @example identifierKindOf('call +82 10-1234-5678') // 'a phone number'
 */
export function identifierKindOf(text: string): IdentifierKind | null {
  if (hasEmail(text)) return 'an email';
  return hasPhone(text) ? 'a phone number' : null;
}

/**
 * An email is a local-part character, an `@` and a domain. Each `@` is
 * checked where it stands: an unanchored pattern would rescan the text
 * from every start, quadratic in a long value with no domain after all.
 */
function hasEmail(text: string): boolean {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    if (at === 0 || !LOCAL_END.test(text.slice(Math.max(0, at - 2), at))) continue;
    DOMAIN.lastIndex = at + 1;
    if (DOMAIN.test(text)) return true;
  }
  return false;
}

/** True when a key's name says its value is a phone (`customer_phone`). */
export function isPhoneKey(key: string): boolean {
  return PHONE_HINT.test(key) && PHONE_KEY.test(key.replace(CAMEL, '$1_$2'));
}

/**
 * True when a value under a phone-named key is phone-shaped, even without
 * separators or a `+`.
 */
export function isPhoneValue(text: string): boolean {
  return PHONE_LIKE.test(text) && countDigits(text) >= MIN_DIGITS;
}

function hasPhone(text: string): boolean {
  PHONE.lastIndex = 0;
  for (let match = PHONE.exec(text); match; match = PHONE.exec(text)) {
    if (isPhoneShape(match[0])) return true;
  }
  return false;
}

/**
 * With a `+`: 8 to 15 digits. Without: 10 to 15 digits in two to six groups
 * of at most four digits, the way phones are grouped and ids are not.
 */
function isPhoneShape(candidate: string): boolean {
  const digits = countDigits(candidate);
  if (candidate.startsWith('+')) return digits >= 8 && digits <= 15;
  if (digits < 10 || digits > 15) return false;
  const groups = candidate.match(DIGIT_GROUP) ?? [];
  if (groups.length < 2 || groups.length > 6) return false;
  return groups.every((group) => group.length <= 4);
}

function countDigits(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) count++;
  }
  return count;
}
