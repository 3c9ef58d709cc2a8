import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PurposeGuardError } from '../../errors.js';
import {
  formatOf,
  renderReport,
  renderRopa,
  REPORT_FORMATS,
  ROPA_FORMATS,
  windowOf,
} from '../../report/report-format.js';
import type { Rendered } from '../../report/report-format.js';
import type { Command, CommandContext } from '../command.js';
import { stringOption } from '../command.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 'use per purpose and processor over a period, or (--ropa) the record of processing activities',
  args: '',
  options: {
    from: { type: 'string', description: 'start of the period, ISO (default: the first audit entry)' },
    to: { type: 'string', description: 'end of the period, ISO, exclusive (default: now)' },
    format: { type: 'string', description: 'table (default), json or html; with --ropa: json (default), md or html' },
    out: { type: 'string', description: 'write to this file instead of standard output' },
    ropa: { type: 'boolean', description: 'the record of processing activities (GDPR Art. 30)' },
  },
  help: 'The HTML page is one file with its charts inlined; it needs no network.',
  async run(ctx) {
    const pg = await ctx.open();
    try {
      const format = stringOption(ctx, 'format');
      const rendered = ctx.options['ropa'] === true
        ? renderRopa(await pg.ropa(), formatOf(format, ROPA_FORMATS, 'json', '--format'))
        : renderReport(
          await pg.report(windowOf(stringOption(ctx, 'from'), stringOption(ctx, 'to'), {
            from: '--from', to: '--to',
          })),
          formatOf(format, REPORT_FORMATS, 'table', '--format'),
        );
      await emit(ctx, rendered);
      return 0;
    } finally {
      await pg.close();
    }
  },
};

async function emit(ctx: CommandContext, rendered: Rendered): Promise<void> {
  const out = stringOption(ctx, 'out');
  if (out === undefined) {
    ctx.io.stdout(rendered.text);
    return;
  }
  const path = resolve(ctx.io.cwd, out);
  await writeFile(path, rendered.text, 'utf8').catch(() => {
    throw new PurposeGuardError('invalid_request', `cannot write ${out}`);
  });
  ctx.io.stdout(`wrote ${path}\n`);
}
