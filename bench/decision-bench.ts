import { decisionSetup, LARGE_POLICY } from './decision/decision-setup.js';
import type { DecisionSetup } from './decision/decision-setup.js';
import { timeDeciders } from './decision/time-decider.js';
import type { DecisionTiming } from './decision/time-decider.js';
import type { BenchContext, Benchmark, BenchResult } from './harness.js';
import { OURS_IMPLEMENTATION } from './ours.js';
import type { Decider } from './scenario/scenario-types.js';

type Peer = 'cedar' | 'casbin';

function speedupVs(peer: Peer, goal: string): Benchmark {
  return {
    key: `decision_speedup_vs_${peer}`,
    goal,
    async run(ctx) {
      const setup = await decisionSetup(ctx.quick);
      const [ours, theirs] = timed(ctx, setup, {
        ours: setup.ours,
        [peer]: setup[peer],
      });
      return {
        value: theirs.nsPerDecision / ours.nsPerDecision,
        details: {
          ...timingDetails('ours', ours),
          ...timingDetails(peer, theirs),
          requests: setup.requests.length,
          ours_implementation: OURS_IMPLEMENTATION,
        },
      };
    },
  };
}

const growth: Benchmark = {
  key: 'decision_growth',
  goal: '<= 1.2',
  async run(ctx): Promise<BenchResult> {
    const setup = await decisionSetup(ctx.quick);
    const [reference, large] = timed(ctx, setup, {
      'ours (reference policy)': setup.ours,
      'ours (large policy)': setup.oursLarge,
    });
    return {
      value: large.nsPerDecision / reference.nsPerDecision,
      details: {
        ...timingDetails('reference', reference),
        ...timingDetails('large', large),
        large_processors: LARGE_POLICY.processors,
        large_purposes: LARGE_POLICY.purposes,
        ours_implementation: OURS_IMPLEMENTATION,
      },
    };
  },
};

/** Times the named deciders together; logs and returns each timing. */
function timed(
  ctx: BenchContext,
  setup: DecisionSetup,
  deciders: Readonly<Record<string, Decider>>,
): [DecisionTiming, DecisionTiming] {
  const names = Object.keys(deciders);
  const timings = timeDeciders(Object.values(deciders), setup.requests, ctx);
  timings.forEach((timing, index) => {
    const rate = Math.round(timing.decisionsPerSecond).toLocaleString('en-US');
    const ns = timing.nsPerDecision.toFixed(1);
    ctx.log(`${names[index] ?? '?'}: ${ns} ns/decision, ${rate}/s`);
  });
  const [first, second] = timings;
  if (first === undefined || second === undefined) {
    throw new Error('expected two timings');
  }
  return [first, second];
}

function timingDetails(
  name: string,
  timing: DecisionTiming,
): Record<string, number> {
  return {
    [`${name}_ns_per_decision`]: timing.nsPerDecision,
    [`${name}_decisions_per_s`]: timing.decisionsPerSecond,
  };
}

export const decisionBenchmarks: readonly Benchmark[] = [
  speedupVs('cedar', '>= 1000'),
  speedupVs('casbin', '>= 100'),
  growth,
];
