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
