import type {
  AuditEntry,
  AuditLink,
  ConsentState,
  DatasetCount,
  OutboxItem,
  StoredFlow,
  StoredLabel,
  StoredRecord,
} from './store.js';

/**
 * Rows as both stores' drivers return them, turned into the contract's
 * types. PostgreSQL's BIGINT columns arrive as text, SQLite's as numbers;
 * both go through Number().
 */
export type Row = Record<string, unknown>;

export const RECORD_COLUMNS =
  'r.id, r.dataset, r.owner, r.label_id, r.subject, r.multi, r.subjects,' +
  ' r.collected_at, r.expires_at, r.data';

export function toStoredLabel(row: Row): StoredLabel {
  return {
    id: Number(row['id']),
    label: {
      purposes: parseList(row['purposes']),
      categories: parseList(row['categories']),
      source: String(row['source']),
      jurisdiction: String(row['jurisdiction']),
      flags: parseList(row['flags']),
    },
  };
}

export function toStoredRecord(row: Row): StoredRecord {
  return {
    id: Number(row['id']),
    dataset: String(row['dataset']),
    owner: String(row['owner']),
    labelId: Number(row['label_id']),
    subjects: subjectsOf(row),
    collectedAt: Number(row['collected_at']),
    expiresAt: nullableNumber(row['expires_at']),
    json: String(row['data']),
  };
}

function subjectsOf(row: Row): string[] {
  if (Number(row['multi']) === 1) return parseList(row['subjects']);
  const subject = row['subject'];
  return typeof subject === 'string' ? [subject] : [];
}

export function toConsent(row: Row): ConsentState {
  return {
    owner: String(row['owner']),
    subject: String(row['subject']),
    purpose: String(row['purpose']),
    status: String(row['status']) as ConsentState['status'],
    at: Number(row['at']),
    source: String(row['source']),
    evidence: nullableString(row['evidence']),
  };
}

export function toDatasetCount(row: Row): DatasetCount {
  return {
    owner: String(row['owner']),
    dataset: String(row['dataset']),
    rows: Number(row['n']),
  };
}

export function toFlow(row: Row): StoredFlow {
  return {
    id: Number(row['id']),
    owner: String(row['owner']),
    processor: String(row['processor']),
    purpose: String(row['purpose']),
    inputs: parseList(row['inputs']),
    output: String(row['output']),
    outcome: String(row['outcome']) as StoredFlow['outcome'],
    outputPurposes: parseList(row['output_purposes']),
    reclassification: nullableString(row['reclassification']),
    rows: Number(row['rows']),
    at: Number(row['at']),
  };
}

export function toOutbox(row: Row): OutboxItem {
  return {
    id: Number(row['id']),
    destination: String(row['destination']),
    owner: String(row['owner']),
    subject: String(row['subject']),
    createdAt: Number(row['created_at']),
    attempts: Number(row['attempts']),
    lastError: nullableString(row['last_error']),
    lastAttemptAt: nullableNumber(row['last_attempt_at']),
    deliveredAt: nullableNumber(row['delivered_at']),
  };
}

export function toAudit(row: Row): AuditEntry {
  const dataJson = String(row['data']);
  return {
    seq: Number(row['seq']),
    at: Number(row['at']),
    kind: String(row['kind']) as AuditEntry['kind'],
    actor: String(row['actor']),
    owner: nullableString(row['owner']),
    data: JSON.parse(dataJson) as Record<string, unknown>,
    dataJson,
    prevHash: String(row['prev_hash']),
    hash: String(row['hash']),
  };
}

export function toAuditLink(row: Row): AuditLink {
  return {
    seq: Number(row['seq']),
    at: Number(row['at']),
    kind: String(row['kind']),
    actor: String(row['actor']),
    owner: nullableString(row['owner']),
    dataJson: String(row['data']),
    prevHash: String(row['prev_hash']),
    hash: String(row['hash']),
  };
}

function parseList(value: unknown): string[] {
  return JSON.parse(String(value)) as string[];
}

function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
