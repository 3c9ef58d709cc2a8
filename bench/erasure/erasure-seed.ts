import type { PurposeGuard } from '../../src/engine/purposeguard.js';
import type { NewFlow, NewRecord } from '../../src/store/store.js';

/**
 * The shape of a store for the erasure benchmark: `records` events with
 * ids 1..records, three per subject (`subject-<k>`); an AI-corpus row
 * derived from every tenth event through a lineage edge; consent for
 * every fifth subject. Built by one SQL statement per table, so a million
 * records take seconds.
 */
export interface SeedPlan {
  readonly records: number;
  readonly labelId: number;
}

export const ROWS_PER_SUBJECT = 3;

/** Statements for SQLite, `n` the number of events. */
export function sqliteSeedSql(plan: SeedPlan): string[] {
  const n = plan.records;
  const series = (limit: number): string =>
    `WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ${limit})`;
  return [
    `INSERT INTO flows (id, owner, processor, purpose, inputs, output, outcome, output_purposes, rows, at)
     VALUES (1, 'acme', 'model-trainer', 'ai.training', '["events"]', 'ai_corpus', 'allowed', '["ai.training"]', 0, 1)`,
    `${series(n)} INSERT INTO records (id, owner, dataset, subject, label_id, collected_at, data)
     SELECT x, 'acme', 'events', 'subject-' || ((x - 1) / ${ROWS_PER_SUBJECT}), ${plan.labelId}, 1,
       '{"event_name":"Purchase","event_id":"e-' || x || '","value":' || (x % 500) || '}' FROM g`,
    `${series(n / 10)} INSERT INTO records (id, owner, dataset, subject, label_id, collected_at, data)
     SELECT ${n} + x, 'acme', 'ai_corpus', 'subject-' || ((x * 10 - 1) / ${ROWS_PER_SUBJECT}), ${plan.labelId}, 1,
       '{"tokens":' || x || '}' FROM g`,
    `${series(n / 10)} INSERT INTO lineage_edges (owner, input_id, output_id, flow_id)
     SELECT 'acme', x * 10, ${n} + x, 1 FROM g`,
    `${series(n / ROWS_PER_SUBJECT / 5)} INSERT INTO consent_state (owner, subject, purpose, status, at, source)
     SELECT 'acme', 'subject-' || (x * 5), 'ai.training', 'granted', 1, 'bench' FROM g`,
    `INSERT INTO consent_events (owner, subject, purpose, status, at, source)
     SELECT owner, subject, purpose, status, at, source FROM consent_state`,
  ];
}

/** The same store shape for PostgreSQL. */
export function postgresSeedSql(plan: SeedPlan): string[] {
  const n = plan.records;
  return [
    `INSERT INTO flows (id, owner, processor, purpose, inputs, output, outcome, output_purposes, rows, at)
     VALUES (1, 'acme', 'model-trainer', 'ai.training', '["events"]', 'ai_corpus', 'allowed', '["ai.training"]', 0, 1)`,
    `INSERT INTO records (id, owner, dataset, subject, label_id, collected_at, data)
     SELECT x, 'acme', 'events', 'subject-' || ((x - 1) / ${ROWS_PER_SUBJECT}), ${plan.labelId}, 1,
       '{"event_name":"Purchase","event_id":"e-' || x || '","value":' || (x % 500) || '}'
     FROM generate_series(1, ${n}) x`,
    `INSERT INTO records (id, owner, dataset, subject, label_id, collected_at, data)
     SELECT ${n} + x, 'acme', 'ai_corpus', 'subject-' || ((x * 10 - 1) / ${ROWS_PER_SUBJECT}), ${plan.labelId}, 1,
       '{"tokens":' || x || '}' FROM generate_series(1, ${n / 10}) x`,
    `INSERT INTO lineage_edges (owner, input_id, output_id, flow_id)
     SELECT 'acme', x * 10, ${n} + x, 1 FROM generate_series(1, ${n / 10}) x`,
    `INSERT INTO consent_state (owner, subject, purpose, status, at, source)
     SELECT 'acme', 'subject-' || (x * 5), 'ai.training', 'granted', 1, 'bench'
     FROM generate_series(1, ${Math.floor(n / ROWS_PER_SUBJECT / 5)}) x`,
    `INSERT INTO consent_events (owner, subject, purpose, status, at, source)
     SELECT owner, subject, purpose, status, at, source FROM consent_state`,
    `SELECT setval(pg_get_serial_sequence('records', 'id'), (SELECT max(id) FROM records))`,
    `SELECT setval(pg_get_serial_sequence('flows', 'id'), 1)`,
    'VACUUM ANALYZE',
  ];
}

/**
 * Subjects spread over the id range, each given derived rows through the
 * store API: a lookalike seed naming them (from their three events) and
 * an AI-corpus row naming no one, derived from that seed.
 */
export async function addTargets(pg: PurposeGuard, records: number, count: number): Promise<string[]> {
  const subjects = records / ROWS_PER_SUBJECT;
  const targets: string[] = [];
  const label = await pg.ctx.labelId({
    purposes: ['ads.audience.lookalike', 'ai.training'], categories: [], source: 'derived:bench', jurisdiction: 'US', flags: [],
  });
  for (let i = 0; i < count; i++) {
    const k = Math.floor(((i + 0.5) * subjects) / count);
    const events = [1, 2, 3].map((j) => k * ROWS_PER_SUBJECT + j);
    const seed = await pg.store.commit({
      flow: flow('lookalike_seeds', ['events']),
      records: [derived('lookalike_seeds', label, [`subject-${k}`], events)],
      audit: [],
    });
    await pg.store.commit({
      flow: flow('ai_corpus', ['lookalike_seeds']),
      records: [derived('ai_corpus', label, [], seed.recordIds.filter((id): id is number => id !== null))],
      audit: [],
    });
    targets.push(`subject-${k}`);
  }
  return targets;
}

function flow(output: string, inputs: string[]): NewFlow {
  return {
    owner: 'acme', processor: 'lookalike-builder', purpose: 'ads.audience.lookalike', inputs, output,
    outcome: 'allowed', outputPurposes: ['ads.audience.lookalike'], reclassification: null, at: 1,
  };
}

function derived(dataset: string, labelId: number, subjects: string[], sources: number[]): NewRecord {
  return {
    dataset, owner: 'acme', labelId, subjects, collectedAt: 1, expiresAt: null,
    dedupeKey: null, json: '{"derived":true}', sources,
  };
}
