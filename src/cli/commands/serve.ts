import { PurposeGuardError } from '../../errors.js';
import { jsonLineLogger } from '../../log.js';
import type { Logger } from '../../log.js';
import { parseDuration } from '../../policy/duration.js';
import { startMaintenance } from '../../server/maintenance-timers.js';
import { startServer } from '../../server/serve.js';
import { parseServerSettings, SERVER_ENV } from '../../server/server-options.js';
import type { ServerOptions } from '../../server/server-options.js';
import type { Command, CommandContext, OptionSpec } from '../command.js';
import { stringOption } from '../command.js';

export const SERVE_OPTIONS: OptionSpec = {
  port: { type: 'string', description: 'port to listen on (default: $PORT or 8080)' },
  host: { type: 'string', description: 'address to listen on (default: $HOST or 127.0.0.1)' },
  'max-body-bytes': { type: 'string', description: `largest request body (default: $${SERVER_ENV.maxBodyBytes} or 5242880)` },
  'request-timeout-ms': { type: 'string', description: `deadline of a request (default: $${SERVER_ENV.requestTimeoutMs} or 30000)` },
  'rate-limit': { type: 'string', description: `per token: N/s, N/s,BURST or off (default: $${SERVER_ENV.rateLimit} or 200/s,400)` },
  'flush-every': { type: 'string', description: 'deliver queued downstream removals this often, or off (default 1m)' },
  'expire-every': { type: 'string', description: 'remove records past their retention this often, or off (default 1h)' },
};

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the HTTP server (collection, reads, consent, erasure, audit, dashboard)',
  args: '',
  options: SERVE_OPTIONS,
  help: 'SIGINT or SIGTERM stops accepting connections, finishes the requests in flight and exits 0.\n',
  async run(ctx) {
    return runServer(ctx, {});
  },
};

/** Serves until SIGINT or SIGTERM, then drains requests in flight. */
export async function runServer(
  ctx: CommandContext,
  options: { onListening?: (url: string) => void },
): Promise<number> {
  const port = parsePort(stringOption(ctx, 'port') ?? ctx.io.env['PORT'] ?? '8080');
  const host = stringOption(ctx, 'host') ?? ctx.io.env['HOST'] ?? '127.0.0.1';
  const settings = serverSettings(ctx);
  const intervals = {
    outboxEveryMs: intervalOption(ctx, 'flush-every', '1m'),
    expireEveryMs: intervalOption(ctx, 'expire-every', '1h'),
  };
  const logger = serverLogger(ctx);
  const pg = await ctx.open({ logger });
  const server = await startServer(pg, { ...settings, port, host, logger });
  const maintenance = startMaintenance(pg, { ...intervals, logger });
  ctx.io.stdout(`purposeguard listening on ${server.url} (policy ${ctx.policyPath}, store ${pg.store.location})\n`);
  options.onListening?.(server.url);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  ctx.io.stdout('purposeguard: shutting down, finishing requests in flight\n');
  await server.close();
  await maintenance.stop();
  await pg.close();
  ctx.io.stdout('purposeguard: stopped\n');
  return 0;
}

function serverSettings(ctx: CommandContext): ServerOptions {
  const setting = (option: string, env: string): string | undefined => {
    return stringOption(ctx, option) ?? ctx.io.env[env];
  };
  return parseServerSettings({
    maxBodyBytes: setting('max-body-bytes', SERVER_ENV.maxBodyBytes),
    requestTimeoutMs: setting('request-timeout-ms', SERVER_ENV.requestTimeoutMs),
    rateLimit: setting('rate-limit', SERVER_ENV.rateLimit),
  });
}

/** One JSON line a request and an event on stderr; progress lines are left out. */
function serverLogger(ctx: CommandContext): Logger {
  const json = jsonLineLogger(ctx.io.stderr);
  return (event) => {
    if (event.type !== 'progress') json(event);
  };
}

function intervalOption(ctx: CommandContext, name: string, fallback: string): number | null {
  const text = stringOption(ctx, name) ?? fallback;
  if (text === 'off') return null;
  const ms = parseDuration(text);
  if (ms === null || ms < 1000) {
    throw new PurposeGuardError('invalid_request', `--${name} must be a duration of at least 1s (30s, 5m, 1h) or off, not '${text}'`);
  }
  return ms;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PurposeGuardError('invalid_request', `port must be a number from 0 to 65535, not '${text}'`);
  }
  return port;
}
