import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A file of the shared test inputs: under `$PURPOSEGUARD_TEST_DATA` when
 * set, else under the nearest `shared/data` folder above this file (the
 * depth differs between a checkout and a worktree).
 */
export function sharedDataPath(...parts: string[]): string {
  const root = process.env['PURPOSEGUARD_TEST_DATA'] ?? findSharedData();
  return join(root, ...parts);
}

export function readSharedData(...parts: string[]): string {
  return readFileSync(sharedDataPath(...parts), 'utf8');
}

function findSharedData(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'shared', 'data');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no shared/data folder above the tests');
    dir = parent;
  }
}
