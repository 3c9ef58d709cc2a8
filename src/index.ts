/**
 * PurposeGuard: purpose limitation for personal data. Labels at
 * collection, a check on every read and flow, and an audit trail.
 *
 * @example
 * import { PurposeGuard } from 'purposeguard';
 * const pg = await PurposeGuard.open({ policy: 'policy.yaml' });
 */
export { PurposeGuard } from './engine/purposeguard.js';
export type { OpenOptions } from './engine/purposeguard.js';
export { EngineContext } from './engine/context.js';
export { PurposeGuardError, toPurposeGuardError } from './errors.js';
export type { ErrorCode, Issue } from './errors.js';
export { compilePolicy, checkPolicy, loadPolicyFile } from './policy/policy-compiler.js';
export type * from './policy/policy-types.js';
export { Guard, PreparedCheck } from './decision/guard.js';
export type { PurposeRequest, RecordRequest } from './decision/guard.js';
export type { Decision, DecisionRule } from './decision/decision.js';
export { LabelRegistry } from './decision/label-registry.js';
export type { CompiledLabel } from './decision/label-registry.js';
export type { ReadRequest, ReadResult, ReadRow } from './decision/read.js';
export type { Label, LabelClass } from './label.js';
export type { DerivedRow } from './flow/derived-rows.js';
export type { RowViolation, WriteRequest, WriteResult } from './flow/write-derived.js';
export type { DatasetLineage, LineageLink } from './lineage/dataset-lineage.js';
export type { LineageEdge, LineageGraph, LineageNode } from './lineage/lineage-graph.js';
export type { SubjectDataset, SubjectLineage } from './lineage/subject-lineage.js';
export { toJsonLines, toOpenLineageEvents } from './lineage/openlineage.js';
export type { RunEvent } from './lineage/openlineage-types.js';
export { policyDiff } from './replay/policy-diff.js';
export type { DecisionChange, FlowChange, PolicyDiff } from './replay/policy-diff.js';
export { ingest } from './collection/ingest.js';
export type { IngestItem, IngestSummary, Rejection } from './collection/ingest.js';
export { itemsFromFile, itemsFromBatch } from './collection/input-files.js';
export { openPostgresStore, openStore } from './store/open-store.js';
export type { PostgresOptions } from './store/postgres/postgres-store.js';
export { SqliteStore } from './store/sqlite/sqlite-store.js';
export type * from './store/store.js';
export type {
  ConsentReceipt,
  ConsentRequest,
  ConsentSummary,
  TcfConsentRequest,
} from './consent/consent-service.js';
export type { ForgetRequest } from './erasure/erasure-service.js';
export type { ErasureReceipt } from './erasure/erasure-receipt.js';
export type { FlushOptions, FlushResult, OutboxView } from './relay/outbox-relay.js';
export { retryDelayMs } from './relay/relay-backoff.js';
export type { SubjectSelector } from './subject/subject-selector.js';
export { subjectRef } from './subject/subject-ref.js';
export { startMaintenance } from './server/maintenance-timers.js';
export type { Logger, LogEvent } from './log.js';
export { jsonLineLogger, silentLogger } from './log.js';
export { createApp } from './server/app.js';
export { startServer } from './server/serve.js';
