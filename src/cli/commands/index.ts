import type { Command } from '../command.js';
import { auditCheckpointCommand } from './audit-checkpoint.js';
import { auditTailCommand } from './audit-tail.js';
import { auditVerifyCommand } from './audit-verify.js';
import { consentDeny, consentGrant, consentShow, consentWithdraw } from './consent.js';
import { demoCommand } from './demo.js';
import { expireCommand, forgetCommand } from './forget.js';
import { ingestCommand } from './ingest.js';
import { lineageCommand } from './lineage.js';
import { policyCheck } from './policy-check.js';
import { outboxCommand, outboxFlushCommand } from './outbox.js';
import { policyDiffCommand } from './policy-diff.js';
import { readCommand } from './read.js';
import { reportCommand } from './report.js';
import { serveCommand } from './serve.js';
import { writeCommand } from './write.js';

/** Every CLI command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  policyCheck,
  policyDiffCommand,
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
  writeCommand,
  lineageCommand,
  auditVerifyCommand,
  auditCheckpointCommand,
  auditTailCommand,
  reportCommand,
  serveCommand,
  demoCommand,
];
