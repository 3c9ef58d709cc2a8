import { Readable } from 'node:stream';
import { ingest } from '../src/collection/ingest.js';
import { itemsFromFile } from '../src/collection/input-files.js';
import { hashField } from '../src/collection/normalize.js';
import { main } from '../src/cli/main.js';
import type { PurposeGuard } from '../src/engine/purposeguard.js';
import type { ReadRow } from '../src/decision/read.js';
import type { DerivedRow } from '../src/flow/derived-rows.js';
import type { ConsentChange } from '../src/store/store.js';
import { allRows, example, fixture } from './support.js';

export const FLOW_POLICY = fixture('flow-policy.yaml');

export const EMAILS = {
  mina: 'mina.lee@example.com',
  omar: 'omar.haddad@example.org',
  ines: 'ines.garcia@example.es',
  jun: 'jun.park@example.kr',
} as const;

export function subjectOf(email: string): string {
  const subject = hashField('em', email);
  if (subject === null) throw new Error('test email does not hash');
  return subject;
}

/** Ingests the example events and customer list. */
export async function seedExample(pg: PurposeGuard): Promise<void> {
  await ingest(pg.ctx, 'web', itemsFromFile(example('events.json')), { actor: 'test' });
  await ingest(pg.ctx, 'crm', itemsFromFile(example('customers.csv')), { actor: 'test' });
}

export async function readAs(
  pg: PurposeGuard,
  processor: string,
  purpose: string,
  dataset: string,
): Promise<ReadRow[]> {
  return allRows(pg.read({ processor, purpose, dataset }));
}

/** Rows of a dataset whatever their label, straight from the store. */
export async function storedRows(pg: PurposeGuard, dataset: string): Promise<number> {
  const counts = await pg.store.datasetCounts('acme');
  return counts.find((c) => c.dataset === dataset)?.rows ?? 0;
}

export async function grant(pg: PurposeGuard, email: string, purpose: string): Promise<void> {
  const change: ConsentChange = {
    owner: 'acme', subject: subjectOf(email), purpose, status: 'granted',
    at: Date.now(), source: 'api', evidence: null,
  };
  await pg.store.commit({ consents: [change], audit: [] });
}

/** The id of the one row of `rows` whose subject has this email. */
export function idOf(rows: readonly ReadRow[], email: string): number {
  const row = rows.find((r) => r.subjects.includes(subjectOf(email)));
  if (!row) throw new Error('no row of that subject');
  return row.id;
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in process, as `purposeguard ARGS` in `cwd`. */
export async function runCli(args: readonly string[], cwd: string, stdin = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => { stdout += text; },
    drain: () => Promise.resolve(),
    stderr: (text) => { stderr += text; },
    stdin: Readable.from([stdin]),
    env: {},
    cwd,
    interactive: false,
  });
  return { code, stdout, stderr };
}

/** Rows read, as rows to write: each from its own record, data as read. */
export function derivedFrom(rows: readonly ReadRow[]): DerivedRow[] {
  return rows.map((r) => ({ from: [r.id], data: JSON.parse(r.json) as unknown }));
}
