import type { Command } from '../command.js';
import { consentDeny, consentGrant, consentShow, consentWithdraw } from './consent.js';
import { demoCommand } from './demo.js';
import { expireCommand, forgetCommand } from './forget.js';
import { ingestCommand } from './ingest.js';
import { policyCheck } from './policy-check.js';
import { outboxCommand, outboxFlushCommand } from './outbox.js';
import { readCommand } from './read.js';
import { serveCommand } from './serve.js';

/** Every CLI command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  policyCheck,
  ingestCommand,
  readCommand,
  consentGrant,
  consentWithdraw,
  consentDeny,
  consentShow,
  forgetCommand,
  expireCommand,
  outboxCommand,
  outboxFlushCommand,
  serveCommand,
  demoCommand,
];
