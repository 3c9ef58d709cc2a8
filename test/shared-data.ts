import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Reads a file of the shared test inputs (`shared/data/...`), found by
 * walking up from the compiled test, so the tests run from any checkout
 * depth. A missing file fails the test rather than skipping it.
 */
export function readSharedData(relative: string): string {
  return readFileSync(sharedDataPath(relative), 'utf8');
}

export function sharedDataPath(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'shared', 'data', relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`shared test data not found: ${relative}`);
    dir = parent;
  }
}
