const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  y: 365 * 86_400_000,
};

/** Parses `400d`, `12h`, `30m`, `1y` into milliseconds, or null. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)\s*([smhdy])$/.exec(text.trim());
  if (!match) return null;
  const unit = UNIT_MS[match[2] ?? ''];
  return unit === undefined ? null : Number(match[1]) * unit;
}
