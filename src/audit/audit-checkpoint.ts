import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PurposeGuardError } from '../errors.js';

/** The environment variable holding the checkpoint key. */
export const AUDIT_KEY_VARIABLE = 'PURPOSEGUARD_AUDIT_KEY';

/**
 * A signed statement that the chain had entry `seq` with hash `hash` at
 * time `at`. Kept as one JSON line in a file that can be copied anywhere:
 * if the store is later cut short or rewritten, the chain no longer
 * reaches this head and verification fails.
 */
export interface Checkpoint {
  readonly seq: number;
  readonly hash: string;
  /** ISO time the checkpoint was signed. */
  readonly at: string;
  readonly alg: 'hmac-sha256';
  /** The first 16 hex digits of the key's SHA-256, to tell keys apart. */
  readonly key_id: string;
  readonly sig: string;
}

const MIN_KEY_BYTES = 16;

/**
 * The checkpoint key: from a key file when one is named, else from
 * `$PURPOSEGUARD_AUDIT_KEY`. At least 16 bytes.
 */
export function auditKey(options: {
  readonly keyFile?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}): Buffer {
  const key = options.keyFile !== undefined
    ? readKeyFile(options.keyFile)
    : Buffer.from(options.env[AUDIT_KEY_VARIABLE] ?? '', 'utf8');
  if (key.length === 0) {
    throw new PurposeGuardError('invalid_request',
      `checkpoints need a key: set ${AUDIT_KEY_VARIABLE} or pass --key-file FILE`);
  }
  if (key.length < MIN_KEY_BYTES) {
    throw new PurposeGuardError('invalid_request',
      `the checkpoint key is ${key.length} bytes; use at least ${MIN_KEY_BYTES}`);
  }
  return key;
}

/**
 * Signs a chain head.
 *
 * @example
 * const line = JSON.stringify(signCheckpoint(result.head, key, new Date()));
 */
export function signCheckpoint(
  head: { readonly seq: number; readonly hash: string },
  key: Buffer,
  now: Date,
): Checkpoint {
  const unsigned = { seq: head.seq, hash: head.hash, at: now.toISOString() };
  return { ...unsigned, alg: 'hmac-sha256', key_id: keyId(key), sig: signature(unsigned, key) };
}

/**
 * Reads a checkpoint file (JSON lines) and checks every signature. A line
 * that is not a checkpoint is `invalid_request`; a checkpoint whose
 * signature does not match is `audit_integrity`.
 */
export function parseCheckpoints(text: string, key: Buffer, file: string): Checkpoint[] {
  const out: Checkpoint[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    const checkpoint = checkpointOf(line, where);
    if (checkpoint.key_id !== keyId(key)) {
      throw new PurposeGuardError('invalid_request',
        `checkpoint ${where} was signed with key ${checkpoint.key_id},`
        + ` not the key given (${keyId(key)})`);
    }
    if (!sameHex(checkpoint.sig, signature(checkpoint, key))) {
      throw new PurposeGuardError('audit_integrity',
        `checkpoint ${where}: signature does not match its contents (edited)`);
    }
    out.push(checkpoint);
  });
  return out;
}

function checkpointOf(line: string, where: string): Checkpoint {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new PurposeGuardError('invalid_request', `checkpoint ${where} is not JSON`);
  }
  const c = value as Partial<Record<keyof Checkpoint, unknown>> | null;
  const valid = typeof c === 'object' && c !== null
    && typeof c.seq === 'number' && Number.isSafeInteger(c.seq) && c.seq >= 0
    && typeof c.hash === 'string' && /^[0-9a-f]{64}$/.test(c.hash)
    && typeof c.at === 'string' && c.alg === 'hmac-sha256'
    && typeof c.key_id === 'string' && typeof c.sig === 'string';
  if (!valid) {
    throw new PurposeGuardError('invalid_request',
      `checkpoint ${where} needs seq, hash, at, alg "hmac-sha256", key_id and sig`);
  }
  return value as Checkpoint;
}

function signature(c: { seq: number; hash: string; at: string }, key: Buffer): string {
  return createHmac('sha256', key)
    .update(`purposeguard-audit-checkpoint\n${c.seq}\n${c.hash}\n${c.at}`)
    .digest('hex');
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function readKeyFile(path: string): Buffer {
  try {
    const raw = readFileSync(path);
    return Buffer.from(raw.toString('utf8').trim(), 'utf8');
  } catch {
    throw new PurposeGuardError('invalid_request', `cannot read the key file ${path}`);
  }
}
