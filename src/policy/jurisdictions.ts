/** Members of the European Union and the wider EEA, ISO 3166 alpha-2. */
const EU = [
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR',
  'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK',
  'SI', 'ES', 'SE', 'IS', 'LI', 'NO',
];

export const BUILTIN_GROUPS: ReadonlyMap<string, ReadonlySet<string>> =
  new Map([['EU', new Set(EU)]]);

const COUNTRY = /^[A-Z]{2}$/;

export function isCountryCode(value: string): boolean {
  return COUNTRY.test(value);
}

/** Expands group names (EU) to their member countries. */
export function expandJurisdictions(
  names: readonly string[],
  groups: ReadonlyMap<string, ReadonlySet<string>>,
): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    const group = groups.get(name);
    if (group) for (const member of group) out.add(member);
    else out.add(name);
  }
  return out;
}

/** Joins the parts of a combined jurisdiction such as `ES+US`. */
const COMBINED_SEPARATOR = '+';

/**
 * The jurisdiction of data drawn from several jurisdictions: the one they
 * share, or all of them joined (`ES+US`). A combined jurisdiction stands
 * for every place of every part, so a purpose that needs consent in any
 * part needs it for the combined data too.
 *
 * @example
 * combineJurisdictions(['US', 'ES', 'US']); // 'ES+US'
 */
export function combineJurisdictions(names: readonly string[]): string {
  const parts = new Set<string>();
  for (const name of names) {
    for (const part of name.split(COMBINED_SEPARATOR)) if (part !== '') parts.add(part);
  }
  return [...parts].sort().join(COMBINED_SEPARATOR);
}

/**
 * The countries a jurisdiction stands for: a country, a group's members,
 * or, for a combined jurisdiction, the places of each part.
 *
 * @example
 * placesOf('ES+US', new Map()); // Set { 'ES', 'US' }
 */
export function placesOf(
  jurisdiction: string,
  groups: ReadonlyMap<string, ReadonlySet<string>>,
): ReadonlySet<string> {
  const parts = jurisdiction.split(COMBINED_SEPARATOR);
  if (parts.length === 1) return groups.get(jurisdiction) ?? new Set([jurisdiction]);
  return expandJurisdictions(parts, groups);
}
