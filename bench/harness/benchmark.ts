/** What a benchmark receives and returns. */
export interface BenchContext {
  /** Smaller inputs and fewer runs, for `--quick`. */
  readonly quick: boolean;
  /** Progress lines; the runner decides where they go. */
  readonly log: (line: string) => void;
}

export interface BenchResult {
  readonly value: number;
  readonly details?: Record<string, number | string>;
}

export interface Benchmark {
  /** The key written to bench-results.json. */
  readonly key: string;
  /** The target, such as `>= 1000` or `<= 1.2`. */
  readonly goal: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}
