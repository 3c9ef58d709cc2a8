/**
 * Versioned migrations of the SQLite store. Each runs once, in order, in a
 * transaction; running them again is a no-op.
 */
export const SQLITE_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  purposes TEXT NOT NULL,
  categories TEXT NOT NULL,
  source TEXT NOT NULL,
  jurisdiction TEXT NOT NULL,
  flags TEXT NOT NULL
);
CREATE TABLE records (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  dataset TEXT NOT NULL,
  subject TEXT,
  multi INTEGER NOT NULL DEFAULT 0,
  subjects TEXT,
  label_id INTEGER NOT NULL REFERENCES labels(id),
  collected_at INTEGER NOT NULL,
  expires_at INTEGER,
  dedupe_key TEXT,
  data TEXT NOT NULL
);
CREATE INDEX records_by_dataset ON records (owner, dataset, id);
CREATE INDEX records_by_subject ON records (owner, subject);
CREATE UNIQUE INDEX records_dedupe ON records (owner, dataset, dedupe_key)
  WHERE dedupe_key IS NOT NULL;
CREATE INDEX records_by_expiry ON records (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE record_subjects (
  owner TEXT NOT NULL,
  subject TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  PRIMARY KEY (owner, subject, record_id)
);
CREATE INDEX record_subjects_by_record ON record_subjects (owner, record_id);
CREATE TABLE consent_state (
  owner TEXT NOT NULL,
  subject TEXT NOT NULL,
  purpose TEXT NOT NULL,
  status TEXT NOT NULL,
  at INTEGER NOT NULL,
  source TEXT NOT NULL,
  evidence TEXT,
  PRIMARY KEY (owner, subject, purpose)
);
CREATE TABLE consent_events (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  subject TEXT NOT NULL,
  purpose TEXT NOT NULL,
  status TEXT NOT NULL,
  at INTEGER NOT NULL,
  source TEXT NOT NULL,
  evidence TEXT
);
CREATE INDEX consent_events_by_subject ON consent_events (owner, subject);
CREATE TABLE flows (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  processor TEXT NOT NULL,
  purpose TEXT NOT NULL,
  inputs TEXT NOT NULL,
  output TEXT NOT NULL,
  outcome TEXT NOT NULL,
  output_purposes TEXT NOT NULL,
  reclassification TEXT,
  rows INTEGER NOT NULL DEFAULT 0,
  at INTEGER NOT NULL
);
CREATE INDEX flows_by_output ON flows (owner, output);
CREATE TABLE lineage_edges (
  owner TEXT NOT NULL,
  input_id INTEGER NOT NULL,
  output_id INTEGER NOT NULL,
  flow_id INTEGER NOT NULL,
  PRIMARY KEY (owner, input_id, output_id)
);
CREATE INDEX lineage_by_output ON lineage_edges (owner, output_id);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  destination TEXT NOT NULL,
  owner TEXT NOT NULL,
  subject TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  delivered_at INTEGER
);
CREATE INDEX outbox_pending ON outbox (delivered_at, id);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  owner TEXT,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
`,
  },
  {
    // Record ids must never come back after an erasure: readers page with
    // `afterId` and lineage points at ids. INTEGER PRIMARY KEY alone hands
    // the id of a deleted newest row to the next insert.
    version: 2,
    sql: `
CREATE TABLE records_v2 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  owner TEXT NOT NULL,
  dataset TEXT NOT NULL,
  subject TEXT,
  multi INTEGER NOT NULL DEFAULT 0,
  subjects TEXT,
  label_id INTEGER NOT NULL REFERENCES labels(id),
  collected_at INTEGER NOT NULL,
  expires_at INTEGER,
  dedupe_key TEXT,
  data TEXT NOT NULL
);
INSERT INTO records_v2 (id, owner, dataset, subject, multi, subjects, label_id,
  collected_at, expires_at, dedupe_key, data)
SELECT id, owner, dataset, subject, multi, subjects, label_id,
  collected_at, expires_at, dedupe_key, data FROM records;
DROP TABLE records;
ALTER TABLE records_v2 RENAME TO records;
CREATE INDEX records_by_dataset ON records (owner, dataset, id);
CREATE INDEX records_by_subject ON records (owner, subject);
CREATE UNIQUE INDEX records_dedupe ON records (owner, dataset, dedupe_key)
  WHERE dedupe_key IS NOT NULL;
CREATE INDEX records_by_expiry ON records (expires_at) WHERE expires_at IS NOT NULL;
`,
  },
  {
    // Failed deliveries are retried with a backoff counted from the last try.
    version: 3,
    sql: 'ALTER TABLE outbox ADD COLUMN last_attempt_at INTEGER;',
  },
  {
    // Opening looks up the newest policy entry, and alerts seed their
    // baselines from the newest decisions: both read the trail by kind.
    version: 4,
    sql: 'CREATE INDEX audit_by_kind ON audit_log (kind, seq);',
  },
  {
    // An erasure named by any identifier a record holds must find it, not
    // only by the one identifier chosen as its subject.
    version: 5,
    sql: `
CREATE TABLE record_identifiers (
  owner TEXT NOT NULL,
  identifier TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  PRIMARY KEY (owner, identifier, record_id)
) WITHOUT ROWID;
CREATE INDEX record_identifiers_by_record ON record_identifiers (owner, record_id);
INSERT OR IGNORE INTO record_identifiers (owner, identifier, record_id)
SELECT r.owner, v.value, r.id
FROM records r, json_each(r.data, '$.user_data') f, json_each(f.value) v
WHERE f.key IN ('em', 'ph', 'external_id') AND v.type = 'text'
  AND v.value IS NOT r.subject
  AND NOT EXISTS (SELECT 1 FROM lineage_edges e WHERE e.owner = r.owner AND e.output_id = r.id);
`,
  },
];
