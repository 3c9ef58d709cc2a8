import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { itemsFromFile } from '../../collection/input-files.js';
import { ingest } from '../../collection/ingest.js';
import { PurposeGuardError } from '../../errors.js';
import type { Command } from '../command.js';
import { runServer, SERVE_OPTIONS } from './serve.js';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'seed the store with the example data and serve it (what `npm start` runs)',
  args: '',
  options: SERVE_OPTIONS,
  async run(ctx) {
    const examples = resolve(ctx.policyPath, '..');
    const events = resolve(examples, 'events.json');
    const customers = resolve(examples, 'customers.csv');
    if (!existsSync(events) || !existsSync(customers)) {
      throw new PurposeGuardError('invalid_request', `the demo needs events.json and customers.csv beside ${ctx.policyPath}`);
    }
    const pg = await ctx.open();
    try {
      const web = await ingest(pg.ctx, 'web', itemsFromFile(events), { actor: 'demo' });
      const crm = await ingest(pg.ctx, 'crm', itemsFromFile(customers), { actor: 'demo' });
      ctx.io.stdout(`seeded ${pg.store.location}: web ${web.accepted} new, ${web.duplicates.length} already there, ${web.rejected.length} refused; crm ${crm.accepted} new, ${crm.duplicates.length} already there, ${crm.rejected.length} refused\n`);
    } finally {
      await pg.close();
    }
    return runServer(ctx, { onListening: (url) => ctx.io.stdout(tryIt(url)) });
  },
};

function tryIt(url: string): string {
  const query = (token: string, purpose: string): string =>
    `curl -s -X POST ${url}/v1/datasets/events/query -H 'authorization: Bearer ${token}' -H 'content-type: application/json' -d '{"purpose":"${purpose}"}'`;
  return [
    '',
    'Try it:',
    `  curl -s ${url}/healthz`,
    '  # allowed: the ads ranker reads events for ads optimization',
    `  ${query('demo-ads-ranker', 'ads.optimization')}`,
    '  # denied (403 purpose_denied): the ads ranker is not registered for AI training',
    `  ${query('demo-ads-ranker', 'ai.training')}`,
    '  # only subjects who consented to AI training come back',
    `  ${query('demo-model-trainer', 'ai.training')}`,
    '',
  ].join('\n');
}
