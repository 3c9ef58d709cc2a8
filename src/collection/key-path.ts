/**
 * Paths and names in issues. A key of a payload is structure, but it can
 * also be personal data (an email used as a key); such a key is never
 * written into a path or a message.
 */

const SHOWABLE = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const DIGIT_RUN = /\d{7}/;

/** True when a key can appear in a path or a message without risk. */
export function isShowableKey(key: string): boolean {
  return SHOWABLE.test(key) && !DIGIT_RUN.test(key);
}

/**
 * The path of a key below `base`; a key that cannot be shown is left out,
 * so the path names its parent.
 *
 * @example childPath('data[2].custom_data', 'value') // 'data[2].custom_data.value'
 */
export function childPath(base: string, key: string): string {
  return isShowableKey(key) ? `${base}.${key}` : base;
}

/** The path of an array item: `base[i]`. */
export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

/** A key quoted for a message, or a neutral phrase when it cannot be shown. */
export function nameOf(key: string): string {
  return isShowableKey(key) ? `'${key}'` : '(name not shown)';
}
