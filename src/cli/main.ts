import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { PurposeGuard } from '../engine/purposeguard.js';
import { PurposeGuardError, toPurposeGuardError } from '../errors.js';
import { jsonLineLogger } from '../log.js';
import type { Logger } from '../log.js';
import { DEFAULT_DB } from '../store/open-store.js';
import type { CliIo, Command, CommandContext, OptionSpec } from './command.js';
import { COMMANDS } from './commands/index.js';

const GLOBAL_OPTIONS: OptionSpec = {
  policy: { type: 'string', description: 'policy file (default: $PURPOSEGUARD_POLICY, ./policy.yaml or ./examples/policy.yaml)' },
  db: { type: 'string', description: `store: a SQLite file or postgres://... (default: $DATABASE_URL or ./${DEFAULT_DB})` },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

/**
 * Runs the CLI and returns its exit code: 0 success, 1 usage or
 * configuration error, 3 denied by policy, 4 audit integrity failure.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const command = findCommand(argv);
  if (!command) return usage(argv, io);
  const rest = argv.slice(command.name.split(' ').length);
  try {
    const parsed = parseArgs({
      args: [...rest],
      options: toParseArgs({ ...GLOBAL_OPTIONS, ...command.options }),
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values['help'] === true) {
      io.stdout(helpOf(command));
      return 0;
    }
    return await command.run(contextFor(io, parsed.positionals, parsed.values));
  } catch (error) {
    return report(io, error);
  }
}

function findCommand(argv: readonly string[]): Command | undefined {
  const two = argv.slice(0, 2).join(' ');
  return COMMANDS.find((c) => c.name === two) ?? COMMANDS.find((c) => c.name === argv[0]);
}

function usage(argv: readonly string[], io: CliIo): number {
  const first = argv[0];
  const asked = first === undefined || first === '--help' || first === '-h' || first === 'help';
  const groups = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
  const out = asked ? io.stdout : io.stderr;
  if (!asked && groups.length === 0) out(`purposeguard: unknown command '${first}'\n\n`);
  if (!asked && groups.length > 0 && argv[1] !== '--help') out(`purposeguard: '${first}' needs a subcommand\n\n`);
  const listed = groups.length > 0 ? groups : COMMANDS;
  const width = Math.max(...listed.map((c) => c.name.length));
  out('usage: purposeguard <command> [options]\n\ncommands:\n');
  for (const c of listed) out(`  ${c.name.padEnd(width)}  ${c.summary}\n`);
  out('\nRun `purposeguard <command> --help` for a command\'s options.\n');
  return asked || (groups.length > 0 && argv[1] === '--help') ? 0 : 1;
}

function helpOf(command: Command): string {
  const lines = [`usage: purposeguard ${command.name} ${command.args}`.trimEnd(), '', command.summary, '', 'options:'];
  const all = { ...command.options, ...GLOBAL_OPTIONS };
  const names = Object.entries(all).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ' VALUE' : ''}`;
    return { flag, description: spec.description };
  });
  const width = Math.max(...names.map((n) => n.flag.length));
  for (const n of names) lines.push(`  ${n.flag.padEnd(width)}  ${n.description}`);
  if (command.help) lines.push('', command.help.trimEnd());
  return `${lines.join('\n')}\n`;
}

function contextFor(
  io: CliIo,
  args: readonly string[],
  options: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>,
): CommandContext {
  const policyPath = typeof options['policy'] === 'string'
    ? resolve(io.cwd, options['policy'])
    : defaultPolicy(io);
  const dbUrl = typeof options['db'] === 'string'
    ? options['db']
    : io.env['DATABASE_URL'] ?? resolve(io.cwd, DEFAULT_DB);
  const logger = cliLogger(io);
  const clean = Object.fromEntries(Object.entries(options).map(([k, v]) => [
    k, Array.isArray(v) ? v.map(String) : v,
  ]));
  return {
    io,
    args,
    options: clean,
    policyPath,
    dbUrl,
    logger,
    open: (o = {}) => PurposeGuard.open({ policy: policyPath, db: dbUrl, logger: o.logger ?? logger }),
  };
}

function defaultPolicy(io: CliIo): string {
  const fromEnv = io.env['PURPOSEGUARD_POLICY'];
  if (fromEnv) return resolve(io.cwd, fromEnv);
  for (const candidate of ['purposeguard.yaml', 'policy.yaml', 'examples/policy.yaml']) {
    const path = resolve(io.cwd, candidate);
    if (existsSync(path)) return path;
  }
  return resolve(io.cwd, 'policy.yaml');
}

/** Progress on a terminal, alerts and errors always; decisions stay quiet. */
function cliLogger(io: CliIo): Logger {
  const json = jsonLineLogger(io.stderr);
  let lastProgress = 0;
  return (event) => {
    if (event.type === 'progress') {
      const now = Date.now();
      if (!io.interactive || now - lastProgress < 200) return;
      lastProgress = now;
      const total = event.total === null ? '' : ` of ${event.total}`;
      io.stderr(`\r${event.task}: ${event.done}${total}`);
      return;
    }
    if (event.type === 'alert' || event.type === 'error') json(event);
  };
}

function report(io: CliIo, error: unknown): number {
  const known = error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
    ? new PurposeGuardError('invalid_request', error.message)
    : toPurposeGuardError(error);
  io.stderr(`purposeguard: ${known.message}\n`);
  for (const issue of known.issues) io.stderr(`  ${issue.path}: ${issue.message}\n`);
  if (known.code === 'internal' && io.env['PURPOSEGUARD_DEBUG']) {
    io.stderr(`${String((known.cause as Error | undefined)?.stack ?? known.cause)}\n`);
  }
  return known.exitCode;
}

function toParseArgs(spec: OptionSpec): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, o] of Object.entries(spec)) {
    out[name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  return out;
}

function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    drain: () => process.stdout.writableNeedDrain
      ? new Promise((done) => process.stdout.once('drain', () => done()))
      : Promise.resolve(),
    stderr: (text) => process.stderr.write(text),
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    interactive: process.stderr.isTTY === true,
  };
}
