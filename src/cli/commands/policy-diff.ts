import { resolve } from 'node:path';
import { PurposeGuardError } from '../../errors.js';
import { loadPolicyFile } from '../../policy/policy-compiler.js';
import { policyDiff } from '../../replay/policy-diff.js';
import type { PolicyDiff } from '../../replay/policy-diff.js';
import { openStore } from '../../store/open-store.js';
import type { Command } from '../command.js';

export const policyDiffCommand: Command = {
  name: 'policy diff',
  summary: 'dry run: which recorded decisions and flows a new policy would decide otherwise',
  args: 'OLD NEW',
  options: {
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  help: 'Replays the read decisions of the audit trail and the recorded flows\nunder both policies. Writes nothing; exits 0 whatever changes.',
  async run(ctx) {
    const [oldFile, newFile] = ctx.args;
    if (oldFile === undefined || newFile === undefined) {
      throw new PurposeGuardError('invalid_request', 'policy diff needs OLD and NEW policy files');
    }
    const before = loadPolicyFile(resolve(ctx.io.cwd, oldFile));
    const after = loadPolicyFile(resolve(ctx.io.cwd, newFile));
    const store = await openStore(ctx.dbUrl);
    try {
      const diff = await policyDiff(store, before, after);
      ctx.io.stdout(ctx.options['json'] === true ? `${JSON.stringify(diff, null, 2)}\n` : diffTable(diff));
      return 0;
    } finally {
      await store.close();
    }
  },
};

function diffTable(diff: PolicyDiff): string {
  const out: string[] = [];
  const d = diff.decisions;
  out.push(`read decisions replayed: ${d.replayed}; would change: ${d.changed.reduce((n, c) => n + c.count, 0)}`);
  if (d.changed.length > 0) {
    out.push(...table(['change', 'processor', 'purpose', 'dataset', 'count', 'reason'], d.changed.map((c) => [
      `${c.before}→${c.after}`, c.processor, c.purpose, c.dataset, String(c.count), c.reason,
    ])));
  }
  const f = diff.flows;
  out.push(`flows replayed: ${f.replayed}; would change: ${f.changed.length}`);
  if (f.changed.length > 0) {
    out.push(...table(['change', 'flow', 'processor', 'purpose', 'output', 'rows', 'reason'], f.changed.map((c) => [
      `${c.before}→${c.after}`, String(c.flowId), c.processor, c.purpose, c.output, String(c.rows), c.reason,
    ])));
  }
  return `${out.join('\n')}\n`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`;
  return [line(header.map((h) => h.toUpperCase())), ...rows.map(line)];
}
