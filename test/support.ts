import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import type { ReadResult, ReadRow } from '../src/decision/read.js';
import type { LogEvent } from '../src/log.js';

/** The repository root (tests run compiled from dist/test). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function fixture(name: string): string {
  return join(ROOT, 'test', 'fixtures', name);
}

export function example(name: string): string {
  return join(ROOT, 'examples', name);
}

export function tempDir(prefix = 'pg-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestEngine {
  readonly pg: PurposeGuard;
  readonly events: LogEvent[];
  readonly dir: string;
}

/** PurposeGuard on a fresh SQLite file, collecting what it logs. */
export async function openEngine(policy: string, options: { now?: () => number } = {}): Promise<TestEngine> {
  const dir = tempDir();
  const events: LogEvent[] = [];
  const pg = await PurposeGuard.open({
    policy,
    db: join(dir, 'test.db'),
    logger: (e) => events.push(e),
    ...(options.now ? { now: options.now } : {}),
  });
  return { pg, events, dir };
}

export async function allRows(result: Promise<ReadResult> | ReadResult): Promise<ReadRow[]> {
  const out: ReadRow[] = [];
  for await (const rows of (await result).batches) out.push(...rows);
  return out;
}
