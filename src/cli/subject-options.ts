import type { SubjectSelector } from '../subject/subject-selector.js';
import type { CommandContext, OptionSpec } from './command.js';
import { stringOption } from './command.js';

/** The options that name a data subject, shared by consent and forget. */
export const SUBJECT_OPTIONS: OptionSpec = {
  email: { type: 'string', description: 'the subject\'s email address (normalized and hashed, never stored)' },
  phone: { type: 'string', description: 'the subject\'s phone number with country code (hashed)' },
  subject: { type: 'string', description: 'the subject id as stored (a hashed identifier)' },
  owner: { type: 'string', description: 'the owner whose data it is (default: the policy\'s only owner)' },
};

export function selectorOf(ctx: CommandContext): SubjectSelector {
  const pick = (name: string): Record<string, string> => {
    const value = stringOption(ctx, name);
    return value === undefined ? {} : { [name]: value };
  };
  return { ...pick('email'), ...pick('phone'), ...pick('subject'), ...pick('owner') };
}

/** Prints a value as indented JSON. */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
