import type { LabelClass } from '../label.js';

/**
 * The store contract. Every store (SQLite, PostgreSQL) implements it and
 * passes the same contract tests. Writes that belong together go through
 * `commit`, which is one transaction: records, consent, lineage and the
 * audit entries that describe them land together or not at all.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the store lives, with any password removed. */
  readonly location: string;

  internLabel(label: LabelClass): Promise<number>;
  /** Labels with an id above `afterId`, in id order. */
  labelsAfter(afterId: number): Promise<StoredLabel[]>;

  commit(batch: WriteBatch): Promise<CommitResult>;
  /** Matching records in id order, in batches, without holding the store. */
  readRecords(plan: ReadPlan): AsyncIterable<StoredRecord[]>;
  countRecords(plan: ReadPlan): Promise<number>;
  recordsById(owner: string, ids: readonly number[]): Promise<StoredRecord[]>;
  datasetCounts(owner: string | null): Promise<DatasetCount[]>;

  consentOf(owner: string, subject: string): Promise<ConsentState[]>;
  /** Every consent change of a subject, oldest first. */
  consentHistory(owner: string, subject: string): Promise<ConsentChange[]>;

  /** Removes a subject's records (those whose subjects or identifiers
   * name them), everything derived from them, and their consent; queues
   * downstream removals; audits it. */
  erase(request: EraseRequest): Promise<EraseResult>;
  /** The same for every record past its expiry at `request.now`. */
  expire(request: ExpireRequest): Promise<EraseResult>;

  flows(filter: FlowFilter): Promise<StoredFlow[]>;
  /** Datasets holding records of a subject, with row counts. */
  subjectDatasets(owner: string, subject: string): Promise<DatasetCount[]>;

  outbox(filter: { pendingOnly: boolean; limit: number }): Promise<OutboxItem[]>;
  markOutbox(update: OutboxUpdate): Promise<void>;
  /** How many outbox items wait, and how many were delivered. */
  outboxCounts(): Promise<{ pending: number; delivered: number }>;

  appendAudit(entries: readonly AuditInput[]): Promise<AuditEntry[]>;
  readAudit(range: { afterSeq: number; limit: number }): Promise<AuditEntry[]>;
  /** Entries as stored, data left as text: what verifying the chain reads. */
  readAuditChain(range: { afterSeq: number; limit: number }): Promise<AuditLink[]>;
  /** The newest entries of one kind, newest first. */
  latestAudit(filter: { kind: AuditKind; limit: number }): Promise<AuditEntry[]>;

  close(): Promise<void>;
}

export interface StoredLabel {
  readonly id: number;
  readonly label: LabelClass;
}

export interface NewRecord {
  readonly dataset: string;
  readonly owner: string;
  readonly labelId: number;
  /** Hashed identifiers of the record's data subjects. */
  readonly subjects: readonly string[];
  readonly collectedAt: number;
  readonly expiresAt: number | null;
  /** Set for events: `event_name` and `event_id`; duplicates are skipped. */
  readonly dedupeKey: string | null;
  /** The record's content as JSON text. */
  readonly json: string;
  /** Ids of the records this one was derived from. */
  readonly sources?: readonly number[];
  /**
   * Hashed identifiers the record holds besides its subjects (a second
   * email, the phone next to an email): an erasure or a lineage question
   * named by any of them finds the record.
   */
  readonly identifiers?: readonly string[];
}

export interface StoredRecord {
  readonly id: number;
  readonly dataset: string;
  readonly owner: string;
  readonly labelId: number;
  readonly subjects: readonly string[];
  readonly collectedAt: number;
  readonly expiresAt: number | null;
  readonly json: string;
}

export type ConsentStatus = 'granted' | 'denied' | 'withdrawn';

export interface ConsentChange {
  readonly owner: string;
  readonly subject: string;
  readonly purpose: string;
  readonly status: ConsentStatus;
  readonly at: number;
  /** Where it came from: `cli`, `api`, `event`, `tcf`. */
  readonly source: string;
  /** A reference to the evidence (a TCF string digest, a form id). */
  readonly evidence: string | null;
}

export type ConsentState = ConsentChange;

export interface NewFlow {
  readonly owner: string;
  readonly processor: string;
  readonly purpose: string;
  readonly inputs: readonly string[];
  readonly output: string;
  /** `denied` flows wrote nothing; they are kept so the attempt shows. */
  readonly outcome: 'allowed' | 'violation' | 'denied';
  readonly outputPurposes: readonly string[];
  readonly reclassification: string | null;
  readonly at: number;
}

export interface StoredFlow extends NewFlow {
  readonly id: number;
  readonly rows: number;
}

export interface FlowFilter {
  readonly owner?: string;
  readonly dataset?: string;
  readonly limit?: number;
}

export interface WriteBatch {
  readonly records?: readonly NewRecord[];
  readonly consents?: readonly ConsentChange[];
  /** A flow the records belong to; lineage edges point at it. */
  readonly flow?: NewFlow;
  /** Entries to append; a function sees which records and flow were written. */
  readonly audit:
    | readonly AuditInput[]
    | ((recordIds: readonly (number | null)[], flowId: number | null) => readonly AuditInput[]);
}

export interface CommitResult {
  /** Per record of the batch: its id, or null when it was a duplicate. */
  readonly recordIds: readonly (number | null)[];
  readonly flowId: number | null;
  readonly audit: readonly AuditEntry[];
}

/**
 * What a read may return, as decided before the query runs. Labels in
 * `open` are usable as they are; each consent group's labels are usable
 * only for subjects who granted every purpose of the group.
 */
export interface ReadPlan {
  readonly dataset: string;
  readonly owner: string;
  readonly open: readonly number[];
  readonly consentGroups: readonly ConsentGroup[];
  readonly now: number;
  readonly afterId?: number;
  readonly limit?: number;
  readonly where?: Readonly<Record<string, string | number | boolean>>;
  readonly batchSize?: number;
}

export interface ConsentGroup {
  readonly labels: readonly number[];
  readonly purposes: readonly string[];
}

export interface DatasetCount {
  readonly dataset: string;
  readonly owner: string;
  readonly rows: number;
}

export interface EraseRequest {
  readonly owner: string;
  readonly subject: string;
  readonly now: number;
  /** Destinations whose datasets, when touched, get a removal queued. */
  readonly destinations: readonly { name: string; datasets: readonly string[] }[];
  /** Builds the audit entry from the counts, inside the transaction. */
  readonly audit: (counts: EraseCounts) => AuditInput;
}

export interface ExpireRequest {
  readonly now: number;
  readonly destinations: EraseRequest['destinations'];
  readonly audit: (counts: EraseCounts) => AuditInput;
}

export interface EraseCounts {
  readonly rows: Readonly<Record<string, number>>;
  readonly derivedRows: Readonly<Record<string, number>>;
  readonly consentRecords: number;
  readonly queued: readonly string[];
}

export interface EraseResult extends EraseCounts {
  readonly audit: AuditEntry;
}

export interface OutboxItem {
  readonly id: number;
  readonly destination: string;
  readonly owner: string;
  /** The hashed identifier to remove downstream. */
  readonly subject: string;
  readonly createdAt: number;
  readonly attempts: number;
  readonly lastError: string | null;
  /** When the last delivery was tried, or null before the first try. */
  readonly lastAttemptAt: number | null;
  readonly deliveredAt: number | null;
}

export interface OutboxUpdate {
  readonly id: number;
  readonly delivered: boolean;
  readonly error: string | null;
  readonly at: number;
}

export type AuditKind =
  | 'collection'
  | 'decision'
  | 'flow'
  | 'violation'
  | 'reclassification'
  | 'consent'
  | 'erasure'
  | 'expiry'
  | 'policy'
  | 'alert'
  | 'auth';

export interface AuditInput {
  readonly kind: AuditKind;
  readonly actor: string;
  readonly owner: string | null;
  /** Facts about the event. Never record contents or identifiers in the clear. */
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * An entry exactly as the store holds it. Nothing is parsed or checked:
 * a tampered row comes back as it is, for the verifier to judge.
 */
export interface AuditLink {
  readonly seq: number;
  readonly at: number;
  readonly kind: string;
  readonly actor: string;
  readonly owner: string | null;
  readonly dataJson: string;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditEntry extends AuditInput {
  readonly seq: number;
  readonly at: number;
  /** `data` exactly as stored and hashed. */
  readonly dataJson: string;
  readonly prevHash: string;
  readonly hash: string;
}
