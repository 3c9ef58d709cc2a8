/**
 * Sets of purposes as bit masks. Each purpose of a compiled policy owns one
 * bit; a mask is a fixed-length array of 32-bit words, so a membership test
 * costs the same with 5 purposes or 5,000.
 */
export type PurposeMask = Uint32Array;

export function emptyMask(purposeCount: number): PurposeMask {
  return new Uint32Array(Math.max(1, Math.ceil(purposeCount / 32)));
}

export function hasBit(mask: PurposeMask, bit: number): boolean {
  return ((mask[bit >>> 5] ?? 0) & (1 << (bit & 31))) !== 0;
}

export function setBit(mask: PurposeMask, bit: number): void {
  const word = bit >>> 5;
  mask[word] = (mask[word] ?? 0) | (1 << (bit & 31));
}

export function intersect(a: PurposeMask, b: PurposeMask): PurposeMask {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) & (b[i] ?? 0);
  return out;
}

export function union(a: PurposeMask, b: PurposeMask): PurposeMask {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) | (b[i] ?? 0);
  return out;
}

export function isSubset(inner: PurposeMask, outer: PurposeMask): boolean {
  for (let i = 0; i < inner.length; i++) {
    if (((inner[i] ?? 0) & ~(outer[i] ?? 0)) !== 0) return false;
  }
  return true;
}
