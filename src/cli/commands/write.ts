import { resolve } from 'node:path';
import { PurposeGuardError } from '../../errors.js';
import type { DerivedRow } from '../../flow/derived-rows.js';
import { readRowLines } from '../../flow/row-lines.js';
import type { Command } from '../command.js';
import { stringOption } from '../command.js';

export const writeCommand: Command = {
  name: 'write',
  summary: 'write derived rows into a derived dataset; the label comes from the sources',
  args: '--as PROCESSOR --purpose PURPOSE --to DATASET FILE.jsonl',
  options: {
    as: { type: 'string', description: 'the processor writing' },
    purpose: { type: 'string', description: 'the purpose the rows are written for' },
    to: { type: 'string', description: 'the derived dataset to write' },
    reclassify: { type: 'string', description: 'a reclassification the policy declares (aggregates)' },
  },
  help: [
    'Each line is a row printed by `read` ({"id", "data", ...}: from [id]) or',
    '{"from": [ids], "data": {...}}. A "label" on a line is ignored: the output',
    'label is the meet of the stored labels of the records named in from.',
    'Prints a JSON summary. Exits 3 when the flow is denied (enforce mode);',
    'in log mode violating rows are written and the summary lists them.',
    'Use - as FILE to read standard input.',
  ].join('\n'),
  async run(ctx) {
    const processor = stringOption(ctx, 'as');
    const purpose = stringOption(ctx, 'purpose');
    const dataset = stringOption(ctx, 'to');
    const file = ctx.args[0];
    if (!processor || !purpose || !dataset || file === undefined) {
      throw new PurposeGuardError('invalid_request', 'write needs --as PROCESSOR --purpose PURPOSE --to DATASET FILE');
    }
    const rows = await readRowLines(file === '-' ? file : resolve(ctx.io.cwd, file), ctx.io.stdin);
    const reclassification = stringOption(ctx, 'reclassify');
    const pg = await ctx.open();
    try {
      const result = await pg.write({
        processor, purpose, dataset,
        // the write checks every row; lines are only parsed as JSON here
        rows: rows as DerivedRow[],
        actor: 'cli',
        ...(reclassification !== undefined ? { reclassification } : {}),
      });
      const { recordIds, ...summary } = result;
      ctx.io.stdout(`${JSON.stringify({ ...summary, written: recordIds.length, recordIds }, null, 2)}\n`);
      return 0;
    } finally {
      await pg.close();
    }
  },
};
