import { createPrng } from './prng.js';
import type { Prng } from './prng.js';
import type {
  DecisionRequest,
  Scenario,
  ScenarioProcessor,
} from './scenario-types.js';

export interface RequestListOptions {
  readonly count: number;
  readonly seed: number;
  /** Subjects to draw from; consenting or not. */
  readonly subjects: readonly string[];
}

/**
 * A fixed list of requests: mostly a processor's own purpose, sometimes
 * another purpose (often denied). Same seed, same list.
 */
export function requestList(
  scenario: Scenario,
  options: RequestListOptions,
): DecisionRequest[] {
  const prng = createPrng(options.seed);
  const purposes = scenario.purposes.map((purpose) => purpose.name);
  const labelIds = scenario.labels.map((label) => label.id);
  return Array.from({ length: options.count }, () => {
    const processor = prng.pick(scenario.processors);
    return {
      processor: processor.name,
      purpose: choosePurpose(prng, processor, purposes),
      labelId: prng.pick(labelIds),
      subject: prng.pick(options.subjects),
    };
  });
}

function choosePurpose(
  prng: Prng,
  processor: ScenarioProcessor,
  purposes: readonly string[],
): string {
  if (prng.next() < 0.75) return prng.pick(processor.purposes);
  return prng.pick(purposes);
}
