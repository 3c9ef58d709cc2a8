import { readDataset } from '../decision/read.js';
import { writeDerived } from '../flow/write-derived.js';
import type { WriteRequest, WriteResult } from '../flow/write-derived.js';
import { datasetLineage } from '../lineage/dataset-lineage.js';
import type { DatasetLineage } from '../lineage/dataset-lineage.js';
import { openLineageExport } from '../lineage/flow-export.js';
import { lineageGraph } from '../lineage/lineage-graph.js';
import type { LineageGraph } from '../lineage/lineage-graph.js';
import type { RunEvent } from '../lineage/openlineage-types.js';
import { subjectLineage } from '../lineage/subject-lineage.js';
import type { SubjectLineage } from '../lineage/subject-lineage.js';
import type { ReadRequest, ReadResult } from '../decision/read.js';
import type { Guard } from '../decision/guard.js';
import { silentLogger } from '../log.js';
import type { Logger } from '../log.js';
import { loadPolicyFile } from '../policy/policy-compiler.js';
import type { CompiledPolicy } from '../policy/policy-types.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { EngineContext } from './context.js';

export interface OpenOptions {
  /** A policy file path, or a compiled policy. */
  readonly policy: string | CompiledPolicy;
  /** A store URL (`postgres://...`, a SQLite file); or pass `store`. */
  readonly db?: string;
  readonly store?: Store;
  readonly logger?: Logger;
  readonly now?: () => number;
}

/**
 * PurposeGuard over one policy and one store: the object the CLI, the
 * server and library users all work through.
 *
 * @example
 * const pg = await PurposeGuard.open({ policy: 'policy.yaml', db: 'pg.db' });
 * const { batches } = await pg.read({ processor: 'ads-ranker',
 *   purpose: 'ads.optimization', dataset: 'events' });
 */
export class PurposeGuard {
  readonly ctx: EngineContext;

  private constructor(ctx: EngineContext) {
    this.ctx = ctx;
  }

  static async open(options: OpenOptions): Promise<PurposeGuard> {
    const policy = typeof options.policy === 'string'
      ? loadPolicyFile(options.policy)
      : options.policy;
    const store = options.store ?? await openStore(options.db);
    const ctx = new EngineContext({
      policy,
      store,
      log: options.logger ?? silentLogger,
      ...(options.now ? { now: options.now } : {}),
    });
    await ctx.syncLabels();
    return new PurposeGuard(ctx);
  }

  get policy(): CompiledPolicy {
    return this.ctx.policy;
  }

  get store(): Store {
    return this.ctx.store;
  }

  get guard(): Guard {
    return this.ctx.guard;
  }

  /** A purpose-checked read; throws `purpose_denied` when denied. */
  read(request: ReadRequest): Promise<ReadResult> {
    return readDataset(this.ctx, request);
  }

  /**
   * Writes derived rows under a purpose; each row's label is the meet of
   * its sources' labels. Throws `flow_violation` when blocked.
   */
  write(request: WriteRequest): Promise<WriteResult> {
    return writeDerived(this.ctx, request);
  }

  /** Flows into and out of a dataset, followed transitively. */
  lineage(dataset: string): Promise<DatasetLineage> {
    return datasetLineage(this.ctx, dataset);
  }

  /** Every dataset holding records of the subject with this email. */
  subjectLineage(email: string): Promise<SubjectLineage> {
    return subjectLineage(this.ctx, email);
  }

  /** Sources, datasets and processors with the flows between them. */
  lineageGraph(): Promise<LineageGraph> {
    return lineageGraph(this.ctx);
  }

  /** Every recorded flow as an OpenLineage run event. */
  openLineage(options: { producer?: string } = {}): Promise<RunEvent[]> {
    return openLineageExport(this.ctx, options);
  }

  async close(): Promise<void> {
    await this.ctx.store.close();
  }
}
