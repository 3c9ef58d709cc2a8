import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPolicy } from '../src/policy/policy-compiler.js';
import { ROOT, tempDir } from './support.js';

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
