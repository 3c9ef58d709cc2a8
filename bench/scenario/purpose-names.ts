/** Helpers over dotted purpose names (`ads.audience.lookalike`). */

/** The name itself, then its parent, up to the root. */
export function selfAndAncestors(name: string): string[] {
  const parts = name.split('.');
  const out: string[] = [];
  for (let n = parts.length; n > 0; n--) out.push(parts.slice(0, n).join('.'));
  return out;
}

export function parentOf(name: string): string | null {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? null : name.slice(0, dot);
}

/** True when `name` is `ancestor` or lies below it. */
export function isWithin(name: string, ancestor: string): boolean {
  return name === ancestor || name.startsWith(`${ancestor}.`);
}
