import { PurposeGuardError } from '../errors.js';
import { hashField, isSha256Hex } from '../collection/normalize.js';
import type { CompiledPolicy } from '../policy/policy-types.js';

/**
 * Who a request is about, as a caller names them: an email address, a
 * phone number, or the subject id itself. Exactly one is given.
 */
export interface SubjectSelector {
  readonly email?: string;
  readonly phone?: string;
  /** A subject id as stored: a hashed identifier or an external id. */
  readonly subject?: string;
  /** The owner whose data it is; optional when the policy has one owner. */
  readonly owner?: string;
}

export interface ResolvedSubject {
  readonly owner: string;
  /** The subject id records and consent are stored under. */
  readonly subject: string;
  /** Which kind of identifier named the subject. */
  readonly via: 'email' | 'phone' | 'subject';
}

/**
 * The stored subject id of a selector: the hashed email, else the hashed
 * phone, else the id as given; the same id ingestion derives. Messages
 * never repeat the identifier.
 *
 * @example
 * resolveSubject(policy, { email: ' Mina.Lee@Example.com' });
 * // { owner: 'acme', subject: sha256('mina.lee@example.com'), via: 'email' }
 */
export function resolveSubject(
  policy: CompiledPolicy,
  selector: SubjectSelector,
): ResolvedSubject {
  const owner = chooseOwner(policy, selector.owner);
  const given = (['email', 'phone', 'subject'] as const).filter((k) => selector[k] !== undefined);
  if (given.length !== 1) {
    throw new PurposeGuardError('invalid_request', 'name the subject with exactly one of email, phone or subject');
  }
  if (selector.email !== undefined) {
    return { owner, subject: hashed('em', selector.email), via: 'email' };
  }
  if (selector.phone !== undefined) {
    return { owner, subject: hashed('ph', selector.phone), via: 'phone' };
  }
  return { owner, subject: rawSubject(selector.subject ?? ''), via: 'subject' };
}

/** The owner a request acts for: the one named, or the policy's only owner. */
export function chooseOwner(policy: CompiledPolicy, owner: string | undefined): string {
  if (owner !== undefined) {
    if (policy.owners.has(owner)) return owner;
    throw new PurposeGuardError('invalid_request', `unknown owner '${owner}' (the policy has: ${[...policy.owners].join(', ')})`);
  }
  const [only, ...more] = policy.owners;
  if (only !== undefined && more.length === 0) return only;
  throw new PurposeGuardError('invalid_request', `the policy has several owners; name one (${[...policy.owners].join(', ')})`);
}

function hashed(field: 'em' | 'ph', value: string): string {
  const name = field === 'em' ? 'email' : 'phone';
  if (typeof value !== 'string') {
    throw new PurposeGuardError('invalid_request', `${name} must be a string`);
  }
  const digest = hashField(field, value);
  if (digest === null) {
    throw new PurposeGuardError('invalid_request', `the ${name} given is not a usable ${name}`);
  }
  return digest;
}

function rawSubject(value: string): string {
  if (typeof value !== 'string') {
    throw new PurposeGuardError('invalid_request', 'subject must be a string');
  }
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > 256) {
    throw new PurposeGuardError('invalid_request', 'subject must be a stored subject id of 1 to 256 characters');
  }
  return isSha256Hex(trimmed) ? trimmed.toLowerCase() : trimmed;
}
