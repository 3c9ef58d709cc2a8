import { resolve } from 'node:path';
import { auditKey, signCheckpoint } from '../../audit/audit-checkpoint.js';
import { verifyAuditChain } from '../../audit/audit-verify.js';
import { appendCheckpoint } from '../../audit/checkpoint-file.js';
import { PurposeGuardError } from '../../errors.js';
import { openStore } from '../../store/open-store.js';
import type { Command } from '../command.js';
import { stringOption } from '../command.js';
import { checkpointsOf } from './audit-verify.js';

export const DEFAULT_CHECKPOINT_FILE = 'audit-checkpoints.jsonl';

export const auditCheckpointCommand: Command = {
  name: 'audit checkpoint',
  summary: 'verify the trail, then append its signed head (seq, hash, time) to a checkpoint file',
  args: '',
  options: {
    checkpoint: { type: 'string', description: `checkpoint file to append to (default: ./${DEFAULT_CHECKPOINT_FILE})` },
    'key-file': { type: 'string', description: 'file holding the HMAC key (default: $PURPOSEGUARD_AUDIT_KEY)' },
  },
  help: 'The line is signed with HMAC-SHA256. Copy the file somewhere the store\'s writers\ncannot reach; `audit verify --checkpoint FILE` then detects a trail cut short.\nExits 4 without writing when the trail does not verify.',
  async run(ctx) {
    const file = resolve(ctx.io.cwd, stringOption(ctx, 'checkpoint') ?? DEFAULT_CHECKPOINT_FILE);
    const keyFile = stringOption(ctx, 'key-file');
    const key = auditKey({
      env: ctx.io.env,
      keyFile: keyFile === undefined ? undefined : resolve(ctx.io.cwd, keyFile),
    });
    const withFile = { ...ctx, options: { ...ctx.options, checkpoint: file } };
    const earlier = await checkpointsOf(withFile, { missingOk: true });
    const store = await openStore(ctx.dbUrl);
    try {
      const result = await verifyAuditChain(store, { checkpoints: earlier });
      if (result.firstBad) throw new PurposeGuardError('audit_integrity', result.firstBad.message);
      const checkpoint = signCheckpoint(result.head, key, new Date());
      await appendCheckpoint(file, checkpoint);
      ctx.io.stdout(`${JSON.stringify(checkpoint)}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
