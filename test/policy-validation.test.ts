import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { checkPolicy, compilePolicy, loadPolicyFile } from '../src/policy/policy-compiler.js';
import { hasBit } from '../src/policy/purpose-mask.js';
import { example } from './support.js';

const BASE = `version: 1
purposes:
  ads.optimization: {}
  ai.training:
    requires_consent: true
datasets:
  events: {kind: raw}
processors:
  ranker:
    owner: acme
    purposes: [ads.optimization]
`;

const bad: { name: string; text: string; expected: string[] }[] = [
  {
    name: 'an unknown purpose',
    text: BASE.replace('purposes: [ads.optimization]', 'purposes: [ads.optimisation]'),
    expected: ["p.yaml:11: unknown purpose 'ads.optimisation'"],
  },
  {
    name: 'a processor with no purposes',
    text: `${BASE}  idle:\n    owner: acme\n    purposes: []\n`,
    expected: ["p.yaml:12: processor 'idle' has no purposes"],
  },
  {
    name: 'a duplicate name',
    text: `${BASE}  ranker:\n    owner: acme\n    purposes: [ai.training]\n`,
    expected: ["p.yaml:12: duplicate name 'ranker'"],
  },
  {
    name: 'a typo in a top-level key',
    text: `${BASE}procesors: {}\n`,
    expected: ["p.yaml:12: unknown key 'procesors' in the policy (did you mean 'processors'?)"],
  },
  {
    name: 'a typo in a nested key',
    text: BASE.replace('requires_consent: true', 'requires_consnet: true'),
    expected: ["p.yaml:5: unknown key 'requires_consnet' in 'purposes.ai.training' (did you mean 'requires_consent'?)"],
  },
  {
    name: 'a bad mode',
    text: `mode: strict\n${BASE}`,
    expected: ["p.yaml:1: 'mode' must be 'enforce' or 'log'"],
  },
  {
    name: 'a source writing into an unknown dataset',
    text: `${BASE}sources:\n  web:\n    owner: acme\n    dataset: evnts\n    rules:\n      - purposes: [ads]\n`,
    expected: ["p.yaml:15: unknown dataset 'evnts'"],
  },
  {
    name: 'a plaintext token',
    text: BASE.replace('purposes: [ads.optimization]', 'purposes: [ads.optimization]\n    token_sha256: secret-token'),
    expected: ["p.yaml:12: 'processors.ranker.token_sha256' must be a lowercase SHA-256 hex digest (never a plaintext token)"],
  },
  {
    name: 'a derived dataset without purposes',
    text: BASE.replace('events: {kind: raw}', 'events: {kind: raw}\n  seeds: {kind: derived}'),
    expected: ["p.yaml:8: derived dataset 'seeds' declares no purposes"],
  },
  {
    name: 'an unknown jurisdiction in requires_consent',
    text: BASE.replace('requires_consent: true', 'requires_consent: [EU, Mars]'),
    expected: ["p.yaml:5: unknown jurisdiction 'Mars' in requires_consent"],
  },
  {
    name: 'a bad retention',
    text: `${BASE}sources:\n  web:\n    owner: acme\n    dataset: events\n    retention: forever\n    rules:\n      - purposes: [ads]\n`,
    expected: ["p.yaml:16: 'sources.web.retention' must be a duration such as 400d, 12h or 1y"],
  },
  {
    name: 'invalid YAML',
    text: 'purposes: [ads\n',
    expected: ['p.yaml:2: invalid YAML'],
  },
  {
    name: 'several problems at once, in line order',
    text: `mode: nope\n${BASE.replace('[ads.optimization]', '[ads.x]')}`,
    expected: ["p.yaml:1: 'mode' must be 'enforce' or 'log'", "p.yaml:12: unknown purpose 'ads.x'"],
  },
];

describe('policy validation', () => {
  for (const row of bad) {
    test(`rejects ${row.name}`, () => {
      const { policy, issues } = checkPolicy(row.text, 'p.yaml');
      assert.equal(policy, null);
      const lines = issues.map((i) => `${i.path}: ${i.message}`);
      assert.equal(lines.length, row.expected.length, lines.join('\n'));
      row.expected.forEach((expected, i) => assert.ok(lines[i]?.startsWith(expected), `${lines[i]} should start with ${expected}`));
    });
  }

  test('compilePolicy throws invalid_policy carrying the issues', () => {
    assert.throws(() => compilePolicy(bad[0]?.text ?? '', 'p.yaml'), (e: unknown) => {
      const error = e as { code: string; issues: unknown[] };
      return error.code === 'invalid_policy' && error.issues.length === 1;
    });
  });

  test('the example policy is valid', () => {
    const { issues } = checkPolicy(readFileSync(example('policy.yaml'), 'utf8'), 'policy.yaml');
    assert.deepEqual(issues, []);
  });
});

describe('purpose hierarchy', () => {
  const policy = loadPolicyFile(example('policy.yaml'));
  const bit = (name: string): number => policy.purposes.get(name)?.bit ?? -1;

  test('allowing ads allows every ads.* purpose and nothing else', () => {
    const mask = policy.maskOf(['ads']);
    for (const child of ['ads.optimization', 'ads.measurement', 'ads.audience.custom', 'ads.audience.lookalike']) {
      assert.ok(hasBit(mask, bit(child)), child);
    }
    assert.ok(!hasBit(mask, bit('ai.training')));
  });

  test('allowing a child does not allow its parent', () => {
    const mask = policy.maskOf(['ads.optimization']);
    assert.ok(!hasBit(mask, bit('ads')));
    assert.ok(!hasBit(mask, bit('ads.measurement')));
  });

  test('ancestors are declared implicitly', () => {
    assert.ok(policy.purposes.has('ads.audience'));
    assert.equal(policy.purposes.get('ads.audience.lookalike')?.parent, 'ads.audience');
  });

  test('a compiled policy is frozen', () => {
    assert.ok(Object.isFrozen(policy));
  });
});
