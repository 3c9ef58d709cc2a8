import { writeFileSync } from 'node:fs';

/**
 * Writes the numeric results of this run to `path`, replacing the file.
 * Keys of failed benchmarks are left out: JSON cannot hold NaN.
 */
export function writeResults(
  path: string,
  results: Readonly<Record<string, number>>,
): void {
  const finite = Object.entries(results)
    .filter(([, value]) => Number.isFinite(value));
  const text = JSON.stringify(Object.fromEntries(finite), null, 2);
  writeFileSync(path, `${text}\n`);
}
