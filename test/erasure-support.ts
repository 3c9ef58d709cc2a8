import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { itemsFromFile } from '../src/collection/input-files.js';
import { ingest } from '../src/collection/ingest.js';
import { hashField } from '../src/collection/normalize.js';
import type { PurposeGuard } from '../src/engine/purposeguard.js';
import { PurposeGuard as Engine } from '../src/engine/purposeguard.js';
import type { LogEvent } from '../src/log.js';
import { allRows, example, ROOT, tempDir } from './support.js';

const run = promisify(execFile);
const BIN = join(ROOT, 'bin', 'purposeguard.js');

/** The subject id ingestion gives an email. */
export function emailSubject(email: string): string {
  const digest = hashField('em', email);
  if (digest === null) throw new Error('not an email');
  return digest;
}

export interface Scenario {
  readonly pg: PurposeGuard;
  readonly dir: string;
  readonly policy: string;
  readonly db: string;
  readonly events: LogEvent[];
}

/**
 * The example policy copied into a temporary folder (so file destinations
 * write there), optionally edited, with a fresh SQLite store.
 */
export async function openScenario(options: {
  edit?: (text: string) => string;
  now?: () => number;
} = {}): Promise<Scenario> {
  const dir = tempDir('pg-erasure-');
  const policy = join(dir, 'policy.yaml');
  const text = readFileSync(example('policy.yaml'), 'utf8');
  writeFileSync(policy, options.edit ? options.edit(text) : text);
  const db = join(dir, 'store.db');
  const events: LogEvent[] = [];
  const pg = await Engine.open({
    policy, db, logger: (e) => events.push(e), ...(options.now ? { now: options.now } : {}),
  });
  return { pg, dir, policy, db, events };
}

/** Ingests examples/events.json and examples/customers.csv. */
export async function ingestExamples(pg: PurposeGuard): Promise<void> {
  await ingest(pg.ctx, 'web', itemsFromFile(example('events.json')), { actor: 'test' });
  await ingest(pg.ctx, 'crm', itemsFromFile(example('customers.csv')), { actor: 'test' });
}

/** The event ids a processor gets from `events` for a purpose. */
export async function eventIds(pg: PurposeGuard, processor: string, purpose: string): Promise<string[]> {
  const rows = await allRows(pg.read({ processor, purpose, dataset: 'events' }));
  return rows.map((r) => (JSON.parse(r.json) as { event_id: string }).event_id).sort();
}

/** Row counts per dataset of the only owner. */
export async function counts(pg: PurposeGuard): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const c of await pg.store.datasetCounts(null)) out[c.dataset] = c.rows;
  return out;
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI on a scenario's policy and store. */
export async function cli(s: Pick<Scenario, 'policy' | 'db'>, args: readonly string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args, '--policy', s.policy, '--db', s.db]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
