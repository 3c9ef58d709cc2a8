import type { PathKey, PolicyDocument } from './policy-document.js';

/** Small typed readers over a policy document; each reports what it rejects. */
export type Dict = Record<string, unknown>;

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readDict(
  doc: PolicyDocument,
  path: readonly PathKey[],
  value: unknown,
  allowed: readonly string[],
): Dict | null {
  if (value === undefined || value === null) return {};
  if (!isDict(value)) {
    doc.report(path, `${label(path)} must be a mapping`);
    return null;
  }
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const hint = closest(key, allowed);
    const suffix = hint ? ` (did you mean '${hint}'?)` : '';
    doc.issues.push({
      code: 'unknown_key',
      path: doc.whereKey([...path, key]),
      message: `unknown key '${key}' in ${label(path)}${suffix}`,
    });
  }
  return value;
}

export function readString(
  doc: PolicyDocument,
  path: readonly PathKey[],
  value: unknown,
  options: { required?: boolean; fallback?: string } = {},
): string | null {
  if (value === undefined || value === null) {
    if (options.required) doc.report(path, `${label(path)} is required`);
    return options.fallback ?? null;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    doc.report(path, `${label(path)} must be a non-empty string`);
    return null;
  }
  return value;
}

export function readStringList(
  doc: PolicyDocument,
  path: readonly PathKey[],
  value: unknown,
): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  list.forEach((item, i) => {
    const at = Array.isArray(value) ? [...path, i] : path;
    if (typeof item === 'string' && item.trim() !== '') out.push(item);
    else doc.report(at, `${label(path)} must hold non-empty strings`);
  });
  return out;
}

export function readNumber(
  doc: PolicyDocument,
  path: readonly PathKey[],
  value: unknown,
  fallback: number,
): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    doc.report(path, `${label(path)} must be a non-negative number`);
    return fallback;
  }
  return value;
}

export function label(path: readonly PathKey[]): string {
  return path.length === 0 ? 'the policy' : `'${path.join('.')}'`;
}

function closest(word: string, options: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const option of options) {
    const d = distance(word, option);
    if (d < bestDistance) {
      best = option;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + cost);
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}
