import { auditLine, lastAuditEntries } from '../../audit/audit-tail.js';
import { PurposeGuardError } from '../../errors.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import type { Command, CommandContext } from '../command.js';
import { stringOption } from '../command.js';

const POLL_MS = 1000;
const PAGE = 1000;

export const auditTailCommand: Command = {
  name: 'audit tail',
  summary: 'print the newest audit entries as JSON lines; --follow keeps printing new ones',
  args: '',
  options: {
    n: { type: 'string', short: 'n', description: 'how many entries (default 20)' },
    follow: { type: 'boolean', short: 'f', description: 'keep printing entries as they are appended, until interrupted' },
  },
  async run(ctx) {
    const count = parseCount(stringOption(ctx, 'n') ?? '20');
    const store = await openStore(ctx.dbUrl);
    try {
      const last = await lastAuditEntries(store, count);
      ctx.io.stdout(last.map(auditLine).join(''));
      if (ctx.options['follow'] === true) await follow(ctx, store, last.at(-1)?.seq ?? 0);
      return 0;
    } finally {
      await store.close();
    }
  },
};

async function follow(ctx: CommandContext, store: Store, fromSeq: number): Promise<void> {
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let after = fromSeq;
  while (!stopped) {
    const page = await store.readAudit({ afterSeq: after, limit: PAGE });
    ctx.io.stdout(page.map(auditLine).join(''));
    after = page.at(-1)?.seq ?? after;
    if (page.length < PAGE) await new Promise((done) => setTimeout(done, POLL_MS));
  }
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
}

function parseCount(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) {
    throw new PurposeGuardError('invalid_request', `-n must be an integer from 0 to 1000000, not '${text}'`);
  }
  return n;
}
