import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { largePolicyYaml } from '../bench/fixtures/large-policy.js';
import { PolicyDocument } from '../src/policy/policy-document.js';

type Dict = Record<string, unknown>;

const example = parse(readFileSync(
  new URL('../../examples/policy.yaml', import.meta.url), 'utf8')) as Dict;
const text = largePolicyYaml({ processors: 1000, purposes: 500 });
const policy = parse(text) as Dict;

function section(doc: Dict, name: string): Record<string, Dict> {
  return doc[name] as Record<string, Dict>;
}

function keysOf(entries: Record<string, Dict>): Set<string> {
  return new Set(Object.values(entries).flatMap((entry) => Object.keys(entry)));
}

function assertKeysWithin(name: string): void {
  const allowed = keysOf(section(example, name));
  for (const key of keysOf(section(policy, name))) {
    assert.ok(allowed.has(key), `${name} uses '${key}'`);
  }
}

describe('largePolicyYaml', () => {
  it('is well-formed YAML with unique keys', () => {
    assert.deepEqual(new PolicyDocument('large.yaml', text).issues, []);
  });

  it('has exactly the requested purposes and processors', () => {
    assert.equal(Object.keys(section(policy, 'purposes')).length, 500);
    assert.equal(Object.keys(section(policy, 'processors')).length, 1000);
  });

  it('keeps to the sections and keys of examples/policy.yaml', () => {
    for (const key of Object.keys(policy)) assert.ok(key in example, key);
    for (const name of ['purposes', 'sources', 'datasets', 'processors']) {
      assertKeysWithin(name);
    }
  });

  it('declares every parent purpose and every purpose it uses', () => {
    const purposes = section(policy, 'purposes');
    for (const name of Object.keys(purposes)) {
      const parent = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : null;
      if (parent !== null) assert.ok(parent in purposes, parent);
    }
    for (const processor of Object.values(section(policy, 'processors'))) {
      const used = processor['purposes'] as string[];
      assert.ok(used.length >= 1 && used.length <= 3);
      for (const purpose of used) assert.ok(purpose in purposes, purpose);
    }
  });

  it('gives every processor a declared owner', () => {
    const owners = section(policy, 'owners');
    for (const processor of Object.values(section(policy, 'processors'))) {
      assert.ok(String(processor['owner']) in owners);
    }
  });

  it('marks some purposes as requiring consent', () => {
    const marked = Object.values(section(policy, 'purposes'))
      .filter((purpose) => purpose['requires_consent'] === true);
    assert.ok(marked.length > 10);
  });
});
