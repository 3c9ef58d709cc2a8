import pg from 'pg';
import type { EngineContext } from '../../src/engine/context.js';
import type { LabelClass } from '../../src/label.js';

/**
 * Fills a PostgreSQL store with the same event-shaped records and consent
 * as `seedRecords`, generated inside the server (one statement each), so
 * a million rows take seconds rather than a million round trips.
 */
export async function seedPostgres(
  ctx: EngineContext,
  url: string,
  options: { records: number; subjects: number; consentPurpose: string; label: LabelClass },
): Promise<void> {
  const labelId = await ctx.labelId(options.label);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const subject = (i: string): string => `encode(sha256(('person' || ${i} || '@example.com')::bytea), 'hex')`;
    await client.query(
      `INSERT INTO consent_state (owner, subject, purpose, status, at, source)
       SELECT 'acme', ${subject('s')}, $1, 'granted', 1, 'bench' FROM generate_series(0, $2 - 1) s`,
      [options.consentPurpose, options.subjects],
    );
    await client.query(
      `INSERT INTO records (owner, dataset, subject, label_id, collected_at, data)
       SELECT 'acme', 'events', ${subject('(i % $3)')}, $1, 1,
         json_build_object('event_name', 'Purchase', 'event_time', 1764806400 + i,
           'event_id', 'e-' || i, 'action_source', 'website',
           'user_data', json_build_object('em', json_build_array(${subject('(i % $3)')})),
           'custom_data', json_build_object('currency', 'USD', 'value', i % 500))::text
       FROM generate_series(0, $2 - 1) i`,
      [labelId, options.records, options.subjects],
    );
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}
