import type { Readable } from 'node:stream';
import type { PurposeGuard } from '../engine/purposeguard.js';
import type { Logger } from '../log.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  /** Resolves once everything written to stdout has been handed over. */
  readonly drain: () => Promise<void>;
  readonly stderr: (text: string) => void;
  readonly stdin: Readable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Whether stderr is a terminal (progress is shown only then). */
  readonly interactive: boolean;
}

export type OptionSpec = Readonly<Record<string, {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly description: string;
}>>;

export interface CommandContext {
  readonly io: CliIo;
  readonly args: readonly string[];
  readonly options: Readonly<Record<string, string | boolean | string[] | undefined>>;
  /** The policy file the command works with. */
  readonly policyPath: string;
  /** The store URL the command works with. */
  readonly dbUrl: string;
  /** Opens PurposeGuard on the policy and the store. */
  open(options?: { logger?: Logger }): Promise<PurposeGuard>;
  /** A logger writing to stderr (progress only on a terminal). */
  readonly logger: Logger;
}

/** One CLI command. Names may have two words (`policy check`). */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Positional arguments, for the usage line: `FILE...`. */
  readonly args: string;
  readonly options: OptionSpec;
  /** Extra help text after the options. */
  readonly help?: string;
  run(ctx: CommandContext): Promise<number>;
}

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const value = ctx.options[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(ctx: CommandContext, name: string): string[] {
  const value = ctx.options[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}
