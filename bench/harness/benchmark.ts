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

/** Thrown by a benchmark that cannot run here (a server it needs is absent). */
export class BenchSkipped extends Error {
  override readonly name = 'BenchSkipped';
}

/** The PostgreSQL URL benchmarks use, or a skip saying how to set one. */
export function benchPostgresUrl(): string {
  const url = process.env['PURPOSEGUARD_BENCH_PG_URL'] ?? process.env['PURPOSEGUARD_TEST_PG_URL'];
  if (!url) throw new BenchSkipped('set PURPOSEGUARD_BENCH_PG_URL (or PURPOSEGUARD_TEST_PG_URL) to measure PostgreSQL');
  return url;
}
