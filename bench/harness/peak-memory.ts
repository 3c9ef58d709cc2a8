export interface PeakMemory<T> {
  readonly result: T;
  /** Highest resident set size seen, in bytes. */
  readonly rss: number;
  /** Highest V8 heap in use seen, in bytes. */
  readonly heapUsed: number;
}

/**
 * Runs `fn` while sampling memory every `intervalMs`. Samples are taken
 * when the event loop is free, and once before and after, so a long
 * synchronous stretch is seen only at its ends.
 */
export async function peakMemory<T>(
  fn: () => Promise<T> | T,
  intervalMs = 10,
): Promise<PeakMemory<T>> {
  const peak = { rss: 0, heapUsed: 0 };
  const sample = (): void => {
    const usage = process.memoryUsage();
    peak.rss = Math.max(peak.rss, usage.rss);
    peak.heapUsed = Math.max(peak.heapUsed, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  try {
    const result = await fn();
    sample();
    return { result, ...peak };
  } finally {
    clearInterval(timer);
  }
}
