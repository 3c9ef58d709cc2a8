import { compilePolicy, Guard } from '../src/index.js';
import type { PreparedCheck } from '../src/index.js';
import { renderPolicyYaml } from './fixtures/policy-yaml.js';
import type { Decider, Scenario } from './scenario/scenario-types.js';

/** What the "ours" numbers measure. */
export const OURS_IMPLEMENTATION = 'library';

/**
 * The "ours" side of the decision benchmarks, through the public library
 * API: the scenario rendered as a policy file and compiled, labels
 * interned in the guard's registry, consents in its consent view, one
 * prepared check per processor and purpose.
 */
export async function createOursDecider(scenario: Scenario): Promise<Decider> {
  const yaml = renderPolicyYaml({
    purposes: scenario.purposes,
    processors: scenario.processors.map((p) => ({ ...p, owner: 'acme' })),
    owners: ['acme'],
  });
  const guard = new Guard(compilePolicy(yaml, 'bench.yaml'));
  const labelIds: number[] = [];
  for (const label of scenario.labels) {
    labelIds[label.id] = guard.labels.intern({
      purposes: label.purposes, categories: [], source: 'web', jurisdiction: 'US', flags: [],
    });
  }
  for (const { subject, purpose } of scenario.consents) guard.consents.grant(subject, purpose);
  const checks = new Map<string, Map<string, PreparedCheck>>();
  return (request) => {
    let byPurpose = checks.get(request.processor);
    if (byPurpose === undefined) {
      byPurpose = new Map();
      checks.set(request.processor, byPurpose);
    }
    let check = byPurpose.get(request.purpose);
    if (check === undefined) {
      check = guard.prepare(request);
      byPurpose.set(request.purpose, check);
    }
    return check.decide({ labelId: labelIds[request.labelId] ?? -1, subject: request.subject }).allowed;
  };
}
