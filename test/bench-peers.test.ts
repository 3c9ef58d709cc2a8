import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOursDecider } from '../bench/ours.js';
import { createCasbinDecider } from '../bench/peers/casbin.js';
import { createCedarDecider } from '../bench/peers/cedar.js';
import {
  referenceScenario,
  subjectIds,
} from '../bench/scenario/reference-scenario.js';
import { requestList } from '../bench/scenario/request-list.js';
import type {
  DeciderFactory,
  DecisionRequest,
  Scenario,
} from '../bench/scenario/scenario-types.js';

const scenario: Scenario = {
  purposes: [
    { name: 'ads', requiresConsent: false },
    { name: 'ads.optimization', requiresConsent: false },
    { name: 'ads.audience', requiresConsent: false },
    { name: 'ads.audience.lookalike', requiresConsent: false },
    { name: 'ai', requiresConsent: false },
    { name: 'ai.training', requiresConsent: true },
    { name: 'analytics', requiresConsent: false },
    { name: 'analytics.external', requiresConsent: true },
  ],
  processors: [
    { name: 'ads-ranker', purposes: ['ads.optimization'] },
    { name: 'lookalikes', purposes: ['ads.audience.lookalike'] },
    { name: 'model-trainer', purposes: ['ai.training'] },
    { name: 'bi-export', purposes: ['analytics.external'] },
    { name: 'ads-suite', purposes: ['ads'] },
  ],
  labels: [
    { id: 0, purposes: ['ads.optimization', 'ai.training'] },
    { id: 1, purposes: ['ads'] },
    { id: 2, purposes: [] },
    { id: 3, purposes: ['ai', 'analytics.external'] },
  ],
  consents: [
    { subject: 'alice', purpose: 'ai.training' },
    { subject: 'bob', purpose: 'analytics.external' },
  ],
};

type Row = readonly [
  why: string,
  processor: string,
  purpose: string,
  labelId: number,
  subject: string,
  allowed: boolean,
];

const ROWS: readonly Row[] = [
  ['registered, label allows', 'ads-ranker', 'ads.optimization', 0, 'carol', true],
  ['not registered', 'ads-ranker', 'ai.training', 0, 'alice', false],
  ['label allows nothing', 'ads-ranker', 'ads.optimization', 2, 'carol', false],
  ['label allows others', 'lookalikes', 'ads.audience.lookalike', 0, 'carol', false],
  ['parent in label', 'lookalikes', 'ads.audience.lookalike', 1, 'carol', true],
  ['registered for the parent', 'ads-suite', 'ads.audience.lookalike', 1, 'carol', true],
  ['registered for a child only', 'ads-ranker', 'ads', 1, 'carol', false],
  ['consent required and granted', 'model-trainer', 'ai.training', 0, 'alice', true],
  ['consent for another purpose', 'model-trainer', 'ai.training', 0, 'bob', false],
  ['consent required, none given', 'model-trainer', 'ai.training', 0, 'carol', false],
  ['parent in label, consent given', 'model-trainer', 'ai.training', 3, 'alice', true],
  ['consent granted', 'bi-export', 'analytics.external', 3, 'bob', true],
  ['consent not granted', 'bi-export', 'analytics.external', 3, 'alice', false],
  ['unknown processor', 'nobody', 'ads.optimization', 0, 'carol', false],
  ['unknown label', 'ads-ranker', 'ads.optimization', 99, 'carol', false],
  ['unknown purpose', 'ads-suite', 'ads.unknown', 1, 'carol', false],
];

const ENGINES: Readonly<Record<string, DeciderFactory>> = {
  cedar: createCedarDecider,
  casbin: createCasbinDecider,
  ours: createOursDecider,
};

for (const [engine, create] of Object.entries(ENGINES)) {
  describe(`${engine} record decision`, async () => {
    const decide = await create(scenario);
    for (const [why, processor, purpose, labelId, subject, allowed] of ROWS) {
      it(`${allowed ? 'allows' : 'denies'}: ${why}`, () => {
        const request = { processor, purpose, labelId, subject };
        assert.equal(decide(request), allowed);
      });
    }
  });
}

describe('engines on the reference scenario', () => {
  it('give the same answer to every generated request', async () => {
    const reference = referenceScenario({ labels: 50, subjects: 500, seed: 3 });
    const requests = requestList(reference, {
      count: 400,
      seed: 5,
      subjects: subjectIds(500),
    });
    const answers = await Promise.all(Object.values(ENGINES).map(
      async (create) => answersOf(await create(reference), requests)));
    const [first, ...others] = answers;
    for (const other of others) assert.deepEqual(other, first);
    assert.ok(first?.includes(true) && first.includes(false));
  });
});

function answersOf(
  decide: (request: DecisionRequest) => boolean,
  requests: readonly DecisionRequest[],
): boolean[] {
  return requests.map((request) => decide(request));
}
