import { fileURLToPath } from 'node:url';
import { benchmarks } from './benchmarks.js';
import { BenchSkipped, formatTable, isQuick, writeResults } from './harness.js';
import type { BenchContext, Benchmark, TableRow } from './harness.js';

const RESULTS_FILE = fileURLToPath(
  new URL('../../bench-results.json', import.meta.url));

interface Outcome {
  readonly row: TableRow;
  readonly failed: boolean;
}

async function main(): Promise<number> {
  const quick = isQuick();
  console.log(`PurposeGuard benchmarks${quick ? ' (quick)' : ''}`);
  const outcomes: Outcome[] = [];
  for (const benchmark of benchmarks) {
    outcomes.push(await runOne(benchmark, quick));
  }
  console.log(`\n${formatTable(outcomes.map((o) => o.row))}`);
  writeResults(RESULTS_FILE, numericResults(outcomes));
  console.log(`\nwrote ${RESULTS_FILE}`);
  return outcomes.some((o) => o.failed) ? 1 : 0;
}

async function runOne(benchmark: Benchmark, quick: boolean): Promise<Outcome> {
  console.log(`\n[${benchmark.key}] goal ${benchmark.goal}`);
  const ctx: BenchContext = { quick, log: (line) => console.log(`  ${line}`) };
  const row = { key: benchmark.key, goal: benchmark.goal };
  try {
    const result = await benchmark.run(ctx);
    if (!Number.isFinite(result.value)) {
      throw new Error(`value is not a finite number: ${result.value}`);
    }
    for (const [name, value] of Object.entries(result.details ?? {})) {
      ctx.log(`${name} = ${formatDetail(value)}`);
    }
    ctx.log(`=> ${result.value}`);
    return { row: { ...row, value: result.value }, failed: false };
  } catch (error) {
    if (error instanceof BenchSkipped) {
      ctx.log(`skipped: ${error.message}`);
      return { row: { ...row, value: null }, failed: false };
    }
    console.error(`  failed: ${error instanceof Error ? error.stack : String(error)}`);
    return { row: { ...row, value: null }, failed: true };
  }
}

function numericResults(outcomes: readonly Outcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { row } of outcomes) if (row.value !== null) out[row.key] = row.value;
  return out;
}

function formatDetail(value: number | string): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(6))) : value;
}

process.exitCode = await main();
