/**
 * Compiling special-category terms into one pattern: a group per category,
 * so a single match says which category a text reveals.
 */
import { PurposeGuardError } from '../errors.js';
import { BUILTIN_TERMS, SPECIAL_CATEGORIES } from './special-terms.js';

export interface TermPattern {
  readonly pattern: RegExp;
  /** Category names, in group order (group 1 is the first). */
  readonly categories: readonly string[];
}

/**
 * The built-in terms merged with a policy's, compiled. Throws an
 * `invalid_policy` error for a bad category name or a blank term.
 */
export function compileTermPattern(
  extraTerms: ReadonlyMap<string, readonly string[]>,
): TermPattern {
  const terms = mergeTerms(extraTerms);
  return {
    pattern: compilePattern([...terms.values()]),
    categories: [...terms.keys()],
  };
}

/** The index of the category a match came from, or null. */
export function categoryIndexOf(match: RegExpExecArray): number | null {
  for (let i = 1; i < match.length; i++) {
    if (match[i] !== undefined) return i - 1;
  }
  return null;
}

const CATEGORY_NAME = /^[a-z][a-z0-9_]*$/;
const WORD_CHAR = /[\p{L}\p{N}]/u;

function mergeTerms(
  extra: ReadonlyMap<string, readonly string[]>,
): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const category of SPECIAL_CATEGORIES) {
    out.set(category, BUILTIN_TERMS[category]);
  }
  for (const [category, terms] of extra) {
    if (!CATEGORY_NAME.test(category)) {
      throw new PurposeGuardError(
        'invalid_policy',
        `special terms: '${category}' is not a category name`,
      );
    }
    const known = out.get(category) ?? [];
    out.set(category, [...known, ...checkedTerms(category, terms)]);
  }
  return out;
}

function checkedTerms(category: string, terms: readonly string[]): string[] {
  return terms.map((term) => {
    if (typeof term !== 'string' || !WORD_CHAR.test(term)) {
      throw new PurposeGuardError(
        'invalid_policy',
        `special terms of '${category}' must be strings with letters or digits`,
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
    .filter((word) => word !== '')
    .map((word) => word.replace(REGEX_SPECIAL, '\\$&'))
    .join(SEPARATOR);
}
