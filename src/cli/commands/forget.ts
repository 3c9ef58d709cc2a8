import type { Command } from '../command.js';
import { printJson, selectorOf, SUBJECT_OPTIONS } from '../subject-options.js';

export const forgetCommand: Command = {
  name: 'forget',
  summary: 'erase a subject from raw and derived datasets; queue downstream removals',
  args: '--email A|--phone P|--subject ID',
  options: SUBJECT_OPTIONS,
  help: 'Prints a receipt: erasure_id, datasets, derived, total_rows, consent_records,\ndownstream_queued, at. Run `purposeguard outbox flush` to deliver the removals.',
  async run(ctx) {
    const pg = await ctx.open();
    try {
      printJson(ctx, await pg.forget({ ...selectorOf(ctx), actor: 'cli' }));
      return 0;
    } finally {
      await pg.close();
    }
  },
};

export const expireCommand: Command = {
  name: 'expire',
  summary: 'remove records past their retention, with what was derived from them',
  args: '',
  options: {},
  async run(ctx) {
    const pg = await ctx.open();
    try {
      printJson(ctx, await pg.expire({ actor: 'cli' }));
      return 0;
    } finally {
      await pg.close();
    }
  },
};
