import { readRowJson } from '../../decision/read-row-json.js';
import { PurposeGuardError } from '../../errors.js';
import type { Command } from '../command.js';
import { stringOption } from '../command.js';

export const readCommand: Command = {
  name: 'read',
  summary: 'read a dataset for a declared purpose; rows as JSON lines',
  args: '--as PROCESSOR --purpose PURPOSE DATASET',
  options: {
    as: { type: 'string', description: 'the processor reading' },
    purpose: { type: 'string', description: 'the one purpose the data will be used for' },
    limit: { type: 'string', description: 'at most this many rows' },
    where: { type: 'string', multiple: true, description: 'FIELD=VALUE equality filter on the data (repeatable)' },
  },
  help: 'Exits 3 when the read is denied (the processor is not registered for the purpose).\nEach line: {"id", "dataset", "data", "label", "subjects"}.',
  async run(ctx) {
    const processor = stringOption(ctx, 'as');
    const purpose = stringOption(ctx, 'purpose');
    const dataset = ctx.args[0];
    if (!processor || !purpose || !dataset) {
      throw new PurposeGuardError('invalid_request', 'read needs --as PROCESSOR --purpose PURPOSE DATASET');
    }
    const limit = parseLimit(stringOption(ctx, 'limit'));
    const pg = await ctx.open();
    try {
      const { batches } = await pg.read({
        processor, purpose, dataset,
        ...(limit !== undefined ? { limit } : {}),
        where: parseWhere(ctx.options['where']),
      });
      for await (const rows of batches) {
        ctx.io.stdout(rows.map((row) => `${readRowJson(row)}\n`).join(''));
        await ctx.io.drain();
      }
      return 0;
    } finally {
      await pg.close();
    }
  },
};

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new PurposeGuardError('invalid_request', `--limit must be a positive integer, not '${text}'`);
  return n;
}

function parseWhere(value: unknown): Record<string, string> {
  // No prototype: a field named __proto__ must filter, not vanish.
  const out = Object.create(null) as Record<string, string>;
  for (const item of Array.isArray(value) ? value : []) {
    const text = String(item);
    const eq = text.indexOf('=');
    if (eq < 1) throw new PurposeGuardError('invalid_request', `--where must be FIELD=VALUE, not '${text}'`);
    out[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return out;
}
