export type { BenchContext, BenchResult, Benchmark } from './harness/benchmark.js';
export { BenchSkipped, benchPostgresUrl } from './harness/benchmark.js';
export {
  iterationsFor,
  measure,
  measureEach,
  median,
  warmUpFor,
} from './harness/measure.js';
export type { Contender, MeasureOptions } from './harness/measure.js';
export { peakMemory } from './harness/peak-memory.js';
export type { PeakMemory } from './harness/peak-memory.js';
export { isQuick } from './harness/quick-flag.js';
export { writeResults } from './harness/results-file.js';
export { formatTable, goalMet } from './harness/results-table.js';
export type { TableRow } from './harness/results-table.js';
