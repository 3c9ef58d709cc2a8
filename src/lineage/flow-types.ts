/**
 * What became of a flow: written, written against policy (recorded in `log`
 * mode), or blocked.
 */
export type FlowOutcome = 'allowed' | 'violation' | 'denied';

/**
 * One recorded flow: a processor read `inputs` under `purpose` for `owner`
 * and wrote (or tried to write) `output`.
 */
export interface FlowRecord {
  readonly id: number;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly owner: string;
  readonly processor: string;
  readonly purpose: string;
  /** Dataset names. */
  readonly inputs: readonly string[];
  /** Dataset name. */
  readonly output: string;
  readonly rows: number;
  readonly outcome: FlowOutcome;
  /** Purposes of the output label computed from the inputs' labels. */
  readonly outputPurposes: readonly string[];
  /** Name of the audited reclassification applied, if any. */
  readonly reclassification: string | null;
}
