import { largePolicyParts } from '../fixtures/large-policy.js';
import { createCasbinDecider } from '../peers/casbin.js';
import { createCedarDecider } from '../peers/cedar.js';
import { createOursDecider } from '../ours.js';
import {
  REFERENCE_DEFAULTS,
  referenceScenario,
  subjectIds,
} from '../scenario/reference-scenario.js';
import { requestList } from '../scenario/request-list.js';
import type {
  Decider,
  DecisionRequest,
  Scenario,
} from '../scenario/scenario-types.js';

export const LARGE_POLICY = { processors: 1000, purposes: 500 } as const;

/** Everything the decision benchmarks compare, built once per run. */
export interface DecisionSetup {
  readonly requests: readonly DecisionRequest[];
  readonly ours: Decider;
  readonly oursLarge: Decider;
  readonly cedar: Decider;
  readonly casbin: Decider;
}

const setups = new Map<boolean, Promise<DecisionSetup>>();

/** The shared setup; the three decision benchmarks reuse one build. */
export function decisionSetup(quick: boolean): Promise<DecisionSetup> {
  let setup = setups.get(quick);
  if (setup === undefined) {
    setup = buildSetup(quick);
    setups.set(quick, setup);
  }
  return setup;
}

async function buildSetup(quick: boolean): Promise<DecisionSetup> {
  const scenario = referenceScenario();
  const large = largeScenario(scenario);
  const requests = requestList(scenario, {
    count: quick ? 2_000 : 10_000,
    seed: 99,
    subjects: subjectIds(REFERENCE_DEFAULTS.subjects),
  });
  const setup: DecisionSetup = {
    requests,
    ours: await createOursDecider(scenario),
    oursLarge: await createOursDecider(large),
    cedar: await createCedarDecider(scenario),
    casbin: await createCasbinDecider(scenario),
  };
  assertAgreement(setup);
  return setup;
}

/** The reference labels and consents under the large policy. */
function largeScenario(reference: Scenario): Scenario {
  const parts = largePolicyParts(LARGE_POLICY);
  return { ...reference, purposes: parts.purposes, processors: parts.processors };
}

/** The comparison is only fair if every engine gives the same answers. */
function assertAgreement(setup: DecisionSetup): void {
  const engines = {
    oursLarge: setup.oursLarge,
    cedar: setup.cedar,
    casbin: setup.casbin,
  };
  setup.requests.forEach((request, index) => {
    const expected = setup.ours(request);
    for (const [name, decide] of Object.entries(engines)) {
      if (decide(request) === expected) continue;
      throw new Error(`${name} disagrees with ours on request ${index}`);
    }
  });
}
