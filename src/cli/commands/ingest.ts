import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { itemsFromFile } from '../../collection/input-files.js';
import { ingest } from '../../collection/ingest.js';
import type { IngestSummary } from '../../collection/ingest.js';
import { PurposeGuardError } from '../../errors.js';
import type { Command } from '../command.js';
import { stringOption } from '../command.js';

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'screen, label and store events (.json, .jsonl) or customer lists (.csv)',
  args: '--source NAME FILE...',
  options: {
    source: { type: 'string', description: 'the source the data comes from, as named in the policy' },
  },
  help: 'Prints a JSON summary: accepted, rejected (index, code, message) and duplicates.\nExits 0 when the input was processed, even if some items were refused.\nUse - as FILE to read JSON lines from standard input.',
  async run(ctx) {
    const source = stringOption(ctx, 'source');
    if (source === undefined) throw new PurposeGuardError('invalid_request', 'ingest needs --source NAME');
    if (ctx.args.length === 0) throw new PurposeGuardError('invalid_request', 'ingest needs at least one FILE');
    const files = ctx.args.map((f) => (f === '-' ? f : resolve(ctx.io.cwd, f)));
    for (const [i, file] of files.entries()) {
      if (file === '-') continue;
      await access(file).catch(() => {
        throw new PurposeGuardError('invalid_request', `cannot read ${ctx.args[i] ?? file}`);
      });
    }
    const pg = await ctx.open();
    try {
      if (!pg.policy.sources.has(source)) {
        throw new PurposeGuardError('invalid_request', `unknown source '${source}' (the policy has: ${[...pg.policy.sources.keys()].join(', ')})`);
      }
      const summaries: IngestSummary[] = [];
      for (const file of files) {
        const items = itemsFromFile(file, ctx.io.stdin);
        summaries.push(await ingest(pg.ctx, source, items, { actor: 'cli' }));
      }
      if (ctx.io.interactive) ctx.io.stderr('\n');
      const summary = files.length === 1 ? summaries[0] : { files: summaries.map((s, i) => ({ file: ctx.args[i], ...s })) };
      ctx.io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
      return 0;
    } finally {
      await pg.close();
    }
  },
};
