import { iterationsFor, measureEach, warmUpFor } from '../harness.js';
import type { Contender } from '../harness.js';
import type {
  Decider,
  DecisionRequest,
} from '../scenario/scenario-types.js';

export interface DecisionTiming {
  readonly nsPerDecision: number;
  readonly decisionsPerSecond: number;
}

export interface TimingOptions {
  readonly quick: boolean;
}

let sink = 0;

/**
 * Median time per decision of each decider over the same request list,
 * cycled. Each decider is first warmed up for a fixed time (wasm and JIT
 * tiers take a while), then their timed runs are interleaved.
 */
export function timeDeciders(
  deciders: readonly Decider[],
  requests: readonly DecisionRequest[],
  options: TimingOptions,
): DecisionTiming[] {
  const contenders = deciders.map((decide) =>
    contender(cycle(decide, requests), options));
  const medians = measureEach(contenders, {
    warmup: 1,
    runs: options.quick ? 5 : 9,
  });
  return medians.map((ns) => ({ nsPerDecision: ns, decisionsPerSecond: 1e9 / ns }));
}

function contender(fn: () => void, options: TimingOptions): Contender {
  warmUpFor(fn, options.quick ? 1_000 : 3_000);
  return { fn, iterations: iterationsFor(fn, options.quick ? 50 : 200) };
}

function cycle(
  decide: Decider,
  requests: readonly DecisionRequest[],
): () => void {
  let index = 0;
  return () => {
    const request = requests[index];
    if (request !== undefined && decide(request)) sink++;
    index = index + 1 === requests.length ? 0 : index + 1;
  };
}

/** Allowed decisions counted while timing; read so none is optimized away. */
export function allowedSink(): number {
  return sink;
}
