import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { PurposeGuard } from '../../engine/purposeguard.js';
import { PurposeGuardError } from '../../errors.js';
import { graphDot, graphText, lineageDot, lineageText } from '../../lineage/lineage-format.js';
import { toJsonLines } from '../../lineage/openlineage.js';
import type { Command, CommandContext } from '../command.js';
import { stringOption } from '../command.js';

const FORMATS = ['text', 'dot', 'json'];

export const lineageCommand: Command = {
  name: 'lineage',
  summary: 'where a dataset\'s or a subject\'s data came from and went; OpenLineage export',
  args: '[DATASET] [--email ADDRESS] [--openlineage [--out FILE]]',
  options: {
    email: { type: 'string', description: 'list every dataset holding the data of this subject' },
    format: { type: 'string', description: 'text (a tree, default), dot (Graphviz) or json' },
    openlineage: { type: 'boolean', description: 'print every flow as an OpenLineage run event (JSON lines)' },
    out: { type: 'string', description: 'with --openlineage: write the events to this file' },
  },
  help: 'Without DATASET, shows the whole graph: sources, datasets and the flows between them.',
  async run(ctx) {
    const format = stringOption(ctx, 'format') ?? 'text';
    if (!FORMATS.includes(format)) {
      throw new PurposeGuardError('invalid_request', `--format must be one of ${FORMATS.join(', ')}, not '${format}'`);
    }
    const pg = await ctx.open();
    try {
      ctx.io.stdout(await outputOf(ctx, pg, format));
      return 0;
    } finally {
      await pg.close();
    }
  },
};

async function outputOf(ctx: CommandContext, pg: PurposeGuard, format: string): Promise<string> {
  const email = stringOption(ctx, 'email');
  const dataset = ctx.args[0];
  if (ctx.options['openlineage'] === true) return openLineage(ctx, pg);
  if (email !== undefined) {
    const lineage = await pg.subjectLineage(email);
    if (format === 'json') return `${JSON.stringify(lineage, null, 2)}\n`;
    if (lineage.datasets.length === 0) return 'no dataset holds data of this subject\n';
    return lineage.datasets.map((d) => `${d.owner}/${d.dataset} (${d.kind}): ${d.rows} row${d.rows === 1 ? '' : 's'}\n`).join('');
  }
  if (dataset === undefined) {
    const graph = await pg.lineageGraph();
    if (format === 'json') return `${JSON.stringify(graph, null, 2)}\n`;
    return format === 'dot' ? graphDot(graph) : graphText(graph);
  }
  const lineage = await pg.lineage(dataset);
  if (format === 'json') return `${JSON.stringify(lineage, null, 2)}\n`;
  return format === 'dot' ? lineageDot(lineage) : lineageText(lineage);
}

async function openLineage(ctx: CommandContext, pg: PurposeGuard): Promise<string> {
  const lines = toJsonLines(await pg.openLineage());
  const out = stringOption(ctx, 'out');
  if (out === undefined) return lines;
  await writeFile(resolve(ctx.io.cwd, out), lines, 'utf8').catch(() => {
    throw new PurposeGuardError('invalid_request', `cannot write ${out}`);
  });
  const count = lines === '' ? 0 : lines.split('\n').length - 1;
  return `wrote ${count} OpenLineage event${count === 1 ? '' : 's'} to ${out}\n`;
}
