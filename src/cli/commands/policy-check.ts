import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PurposeGuardError } from '../../errors.js';
import { checkPolicy } from '../../policy/policy-compiler.js';
import type { Command } from '../command.js';

export const policyCheck: Command = {
  name: 'policy check',
  summary: 'validate a policy file; print every problem as file:line',
  args: 'FILE',
  options: {},
  async run(ctx) {
    const file = ctx.args[0];
    if (file === undefined) throw new PurposeGuardError('invalid_request', 'policy check needs a FILE');
    let text: string;
    try {
      text = await readFile(resolve(ctx.io.cwd, file), 'utf8');
    } catch {
      throw new PurposeGuardError('invalid_request', `cannot read policy file ${file}`);
    }
    const { policy, issues } = checkPolicy(text, file);
    if (policy === null) {
      for (const issue of issues) ctx.io.stderr(`${issue.path}: ${issue.message}\n`);
      ctx.io.stderr(`${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n`);
      return 1;
    }
    const counts = [
      `${policy.purposeCount} purposes`,
      `${policy.sources.size} sources`,
      `${policy.datasets.size} datasets`,
      `${policy.processors.size} processors`,
    ];
    ctx.io.stdout(`${file}: ok (${counts.join(', ')}; mode ${policy.mode})\n`);
    return 0;
  },
};
