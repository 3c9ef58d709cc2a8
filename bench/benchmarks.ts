import { auditVerifyVsSha256 } from './audit-bench.js';
import { decisionBenchmarks } from './decision-bench.js';
import { erasureGrowth, erasureGrowthPg } from './erasure-bench.js';
import type { Benchmark } from './harness.js';
import { httpIngestVsNoop } from './http-bench.js';
import { ingestOverhead } from './ingest-bench.js';
import { readOverhead, readOverheadPg } from './read-bench.js';

/** Every benchmark `npm run bench` runs, in order. Add new ones here. */
export const benchmarks: readonly Benchmark[] = [
  ...decisionBenchmarks,
  readOverhead,
  readOverheadPg,
  ingestOverhead,
  erasureGrowth,
  erasureGrowthPg,
  auditVerifyVsSha256,
  httpIngestVsNoop,
];
