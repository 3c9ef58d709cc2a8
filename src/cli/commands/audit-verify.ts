import { resolve } from 'node:path';
import { auditKey } from '../../audit/audit-checkpoint.js';
import type { Checkpoint } from '../../audit/audit-checkpoint.js';
import { verifyAuditChain } from '../../audit/audit-verify.js';
import type { VerifyResult } from '../../audit/audit-verify.js';
import { readCheckpointFile } from '../../audit/checkpoint-file.js';
import { PurposeGuardError } from '../../errors.js';
import { openStore } from '../../store/open-store.js';
import type { Command, CommandContext } from '../command.js';
import { stringOption } from '../command.js';

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: 'verify the audit trail end to end (exit 4 naming the first bad entry)',
  args: '',
  options: {
    checkpoint: { type: 'string', description: 'also check the chain against this checkpoint file (JSON lines)' },
    'key-file': { type: 'string', description: 'checkpoint key file (default: $PURPOSEGUARD_AUDIT_KEY)' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  help: 'Exits 4 when an entry was edited, removed, inserted or reordered, or when the\nchain no longer reaches a checkpoint (its tail was cut off or rewritten).',
  async run(ctx) {
    const checkpoints = await checkpointsOf(ctx);
    const store = await openStore(ctx.dbUrl);
    try {
      const result = await verifyAuditChain(store, {
        checkpoints,
        onProgress: (done) => {
          ctx.logger({ type: 'progress', task: 'audit verify', done, total: null });
        },
      });
      if (ctx.io.interactive) ctx.io.stderr('\n');
      if (ctx.options['json'] === true) ctx.io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      if (result.firstBad) throw new PurposeGuardError('audit_integrity', result.firstBad.message);
      if (ctx.options['json'] !== true) ctx.io.stdout(summaryOf(result));
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** The checkpoints named by --checkpoint, signatures checked; none without it. */
export async function checkpointsOf(
  ctx: CommandContext,
  options: { missingOk: boolean } = { missingOk: false },
): Promise<Checkpoint[]> {
  const file = stringOption(ctx, 'checkpoint');
  if (file === undefined) return [];
  const keyFile = stringOption(ctx, 'key-file');
  const key = auditKey({
    env: ctx.io.env,
    keyFile: keyFile === undefined ? undefined : resolve(ctx.io.cwd, keyFile),
  });
  return readCheckpointFile(resolve(ctx.io.cwd, file), key, options);
}

function summaryOf(result: VerifyResult): string {
  const marks = result.checkpoints === 0
    ? ''
    : `; reaches ${result.checkpoints} checkpoint${result.checkpoints === 1 ? '' : 's'}`;
  const head = `head ${result.head.seq} ${result.head.hash}`;
  return `audit trail ok: ${result.entries} entries, ${head}${marks}\n`;
}
