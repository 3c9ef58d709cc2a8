export interface MeasureOptions {
  /** Untimed runs before measuring. */
  readonly warmup: number;
  /** Timed runs; the median is returned. */
  readonly runs: number;
  /** Calls of `fn` per run. */
  readonly iterations: number;
}

/**
 * Median nanoseconds per call of `fn` over `runs` timed runs. Garbage is
 * collected before each run when node runs with `--expose-gc`.
 *
 * @example
 * const ns = measure(() => decide(request), { warmup: 2, runs: 5, iterations: 1e5 });
 */
export function measure(fn: () => void, options: MeasureOptions): number {
  const [ns] = measureEach([{ fn, iterations: options.iterations }], options);
  return ns ?? Number.NaN;
}

export interface Contender {
  readonly fn: () => void;
  readonly iterations: number;
}

/**
 * Like `measure` for several functions at once, their runs interleaved
 * round-robin so that a slow patch of the machine hits all of them.
 * Returns the median ns per call of each, in order.
 */
export function measureEach(
  contenders: readonly Contender[],
  options: Omit<MeasureOptions, 'iterations'>,
): number[] {
  for (let i = 0; i < options.warmup; i++) {
    for (const { fn, iterations } of contenders) timeRun(fn, iterations);
  }
  const samples = contenders.map((): number[] => []);
  for (let i = 0; i < options.runs; i++) {
    contenders.forEach(({ fn, iterations }, index) => {
      collectGarbage();
      samples[index]?.push(timeRun(fn, iterations) / iterations);
    });
  }
  return samples.map(median);
}

/** Calls `fn` for at least `ms`, so that JIT and wasm tiers settle. */
export function warmUpFor(fn: () => void, ms: number): void {
  const end = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  while (process.hrtime.bigint() < end) timeRun(fn, 16);
}

/**
 * How many calls of `fn` take about `targetMs`, estimated from a short
 * probe; at least `minimum`.
 */
export function iterationsFor(
  fn: () => void,
  targetMs: number,
  minimum = 20,
): number {
  let calls = minimum;
  let elapsed = timeRun(fn, calls);
  while (elapsed < 5e6 && calls < 1e9) {
    calls *= 4;
    elapsed = timeRun(fn, calls);
  }
  return Math.max(minimum, Math.round((calls * targetMs * 1e6) / elapsed));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? 0;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[mid - 1] ?? 0) + upper) / 2;
}

function timeRun(fn: () => void, iterations: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start);
}

/**
 * A plain major collection. On Node 20.20 a bare `gc()` after calls into
 * cedar-wasm aborts the process in V8's deoptimizer; `{ type: 'major' }`
 * does not.
 */
function collectGarbage(): void {
  globalThis.gc?.({ type: 'major', execution: 'sync' });
}
