import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPolicy } from '../src/policy/policy-compiler.js';
import { example, ROOT, tempDir } from './support.js';

/** Ten aliases per level, seven levels: ten million nodes once expanded. */
function aliasBomb(): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= 7; i++) {
    const refs = Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ');
    lines.push(`a${i}: &a${i} [${refs}]`);
  }
  return `${lines.join('\n')}\n`;
}

test('a YAML alias bomb is a file:line issue, not a crash', () => {
  const { policy, issues } = checkPolicy(aliasBomb(), 'bomb.yaml');
  assert.equal(policy, null);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]?.path, 'bomb.yaml:1');
  assert.match(issues[0]?.message ?? '', /^invalid YAML: /);
});

test('policy check on a YAML alias bomb exits 1 naming the file', () => {
  const file = join(tempDir(), 'bomb.yaml');
  writeFileSync(file, aliasBomb());
  const run = spawnSync('node', ['bin/purposeguard.js', 'policy', 'check', file], {
    cwd: ROOT, encoding: 'utf8', timeout: 30_000,
  });
  assert.equal(run.status, 1);
  const output = run.stdout + run.stderr;
  assert.match(output, /bomb\.yaml:1: invalid YAML/);
  assert.doesNotMatch(output, /internal error/);
});

test('a processor token digest equal to a source write key digest is refused', () => {
  const text = readFileSync(example('policy.yaml'), 'utf8');
  const webKey = /write_key_sha256: ([0-9a-f]{64})/.exec(text)?.[1];
  assert.ok(webKey);
  const shared = text.replace(/(ads-ranker:[\s\S]*?token_sha256: )[0-9a-f]{64}/, `$1${webKey}`);
  assert.notEqual(shared, text);
  const { policy, issues } = checkPolicy(shared, 'shared.yaml');
  assert.equal(policy, null);
  assert.equal(issues.length, 1);
  assert.match(issues[0]?.path ?? '', /^shared\.yaml:\d+$/);
  assert.match(issues[0]?.message ?? '', /processors\.ads-ranker\.token_sha256.*sources\.web\.write_key_sha256/);
});

test('two processors with the same token digest are refused', () => {
  const text = readFileSync(example('policy.yaml'), 'utf8');
  const ranker = /ads-ranker:[\s\S]*?token_sha256: ([0-9a-f]{64})/.exec(text)?.[1];
  assert.ok(ranker);
  const shared = text.replace(/(bi-export:[\s\S]*?token_sha256: )[0-9a-f]{64}/, `$1${ranker}`);
  const { policy, issues } = checkPolicy(shared, 'shared.yaml');
  assert.equal(policy, null);
  assert.match(issues[0]?.message ?? '', /bi-export.*ads-ranker/);
});
