/**
 * Text as the scanner reads it: URL encoding undone (twice-encoded too),
 * look-alike forms folded, camelCase names split into words.
 */

const ENCODED = /%[0-9a-f]{2}/i;
const ENCODED_RUN = /(?:%[0-9a-f]{2})+/gi;
const MAX_DECODE_ROUNDS = 3;

/** Undoes URL encoding, twice-encoded too; malformed runs are kept. */
export function decodeIfEncoded(text: string): string {
  if (!text.includes('%')) return text;
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

const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * Decoded as by {@link decodeIfEncoded}, then with compatibility forms
 * folded (fullwidth `ＨＩＶ`, `＠`) and invisible characters removed (zero
 * width spaces, soft hyphens), so neither hides a term or an identifier.
 *
 * @example readableText('h\u00adiv%20test') // 'hiv test'
 */
export function readableText(text: string): string {
  const decoded = decodeIfEncoded(text);
  if (!NOT_ASCII.test(decoded)) return decoded;
  return decoded.normalize('NFKC').replace(INVISIBLE, '');
}

/** The URL, or null when the text does not parse as one. */
export function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

const CAMEL = /(\p{Ll})(\p{Lu})/gu;
const ACRONYM = /(\p{Lu})(\p{Lu}\p{Ll})/gu;
const NOT_ASCII = /[^\x00-\x7f]/;

/**
 * `hivStatus` to `hiv Status` and `HIVTest` to `HIV Test`, so that terms
 * end at a camelCase hump or where an acronym meets a word.
 */
export function splitWords(text: string): string {
  const humped = hasHump(text) || NOT_ASCII.test(text);
  return humped ? text.replace(CAMEL, '$1 $2').replace(ACRONYM, '$1 $2') : text;
}

function hasHump(text: string): boolean {
  for (let i = 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 65 || code > 90) continue;
    const before = text.charCodeAt(i - 1);
    if (before >= 97 && before <= 122) return true;
    if (before >= 65 && before <= 90 && isLowerAscii(text.charCodeAt(i + 1))) return true;
  }
  return false;
}

function isLowerAscii(code: number): boolean {
  return code >= 97 && code <= 122;
}
