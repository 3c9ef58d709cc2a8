import { PurposeGuardError } from '../../errors.js';
import type { Command } from '../command.js';
import { stringOption } from '../command.js';
import { printJson } from '../subject-options.js';

export const outboxCommand: Command = {
  name: 'outbox',
  summary: 'downstream removals: pending and delivered counts, and the items',
  args: '',
  options: {
    all: { type: 'boolean', description: 'list delivered items too' },
    limit: { type: 'string', description: 'at most this many items (default 100)' },
  },
  async run(ctx) {
    if (ctx.args.length > 0) {
      throw new PurposeGuardError('invalid_request', `unknown outbox subcommand '${ctx.args[0] ?? ''}' (try: outbox flush)`);
    }
    const limit = Number(stringOption(ctx, 'limit') ?? '100');
    if (!Number.isInteger(limit) || limit < 1) {
      throw new PurposeGuardError('invalid_request', `--limit must be a positive integer, not '${stringOption(ctx, 'limit') ?? ''}'`);
    }
    const pg = await ctx.open();
    try {
      printJson(ctx, await pg.outbox({ all: ctx.options['all'] === true, limit }));
      return 0;
    } finally {
      await pg.close();
    }
  },
};

export const outboxFlushCommand: Command = {
  name: 'outbox flush',
  summary: 'deliver the downstream removals that are due; failures stay queued',
  args: '',
  options: {},
  help: 'Exits 0 even when a delivery failed: the item stays queued and is retried\nwith a growing wait. The summary says what failed and why.',
  async run(ctx) {
    const pg = await ctx.open();
    try {
      printJson(ctx, await pg.flushOutbox());
      return 0;
    } finally {
      await pg.close();
    }
  },
};
