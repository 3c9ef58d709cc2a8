import { createHash } from 'node:crypto';
import type { EngineContext } from '../engine/context.js';
import { PurposeGuardError } from '../errors.js';
import type { ConsentChange, ConsentStatus } from '../store/store.js';
import { resolveSubject } from '../subject/subject-selector.js';
import type { SubjectSelector } from '../subject/subject-selector.js';
import { subjectRef } from '../subject/subject-ref.js';
import { decodeTcf, tcfToPurposes } from './tcf.js';

export interface ConsentRequest extends SubjectSelector {
  readonly purpose: string;
  readonly status: ConsentStatus;
  /** A reference to the evidence: a form id, a ticket, a document. */
  readonly evidence?: string;
  /** Who recorded it: `cli`, `api`, an application name. */
  readonly actor: string;
}

export interface TcfConsentRequest extends SubjectSelector {
  /** An IAB TCF v2 consent string. */
  readonly tcf: string;
  readonly actor: string;
}

/** What a consent change did, without the identifier in the clear. */
export interface ConsentReceipt {
  readonly owner: string;
  readonly subject: string;
  readonly changes: readonly { purpose: string; status: ConsentStatus }[];
  readonly at: string;
  readonly audit_seq: number;
}

export interface ConsentSummary {
  readonly owner: string;
  readonly subject: string;
  readonly purposes: readonly {
    purpose: string;
    status: ConsentStatus;
    at: string;
    source: string;
    evidence: string | null;
  }[];
  /** Consent changes recorded for the subject, all purposes. */
  readonly history: number;
}

const STATUSES: ReadonlySet<string> = new Set(['granted', 'denied', 'withdrawn']);
const MAX_EVIDENCE = 200;

/**
 * Records a grant, denial or withdrawal of one purpose for a subject. It
 * takes effect on the next read: reads check consent inside the store.
 *
 * @example
 * await recordConsent(ctx, { email: 'mina@example.com', purpose: 'ai.training',
 *   status: 'withdrawn', actor: 'cli' });
 */
export async function recordConsent(
  ctx: EngineContext,
  request: ConsentRequest,
): Promise<ConsentReceipt> {
  checkPurpose(ctx, request.purpose);
  if (!STATUSES.has(request.status)) {
    throw new PurposeGuardError('invalid_consent', `consent status must be granted, denied or withdrawn, not '${String(request.status)}'`);
  }
  const evidence = checkEvidence(request.evidence);
  const who = resolveSubject(ctx.policy, request);
  const at = ctx.now();
  const change: ConsentChange = {
    owner: who.owner, subject: who.subject, purpose: request.purpose,
    status: request.status, at, source: request.actor, evidence,
  };
  return commitChanges(ctx, [change], { actor: request.actor, via: who.via });
}

/**
 * Records the consent an IAB TCF v2 string carries, mapped onto policy
 * purposes through the policy's `consent.tcf.purposes`. A string that
 * cannot be decoded is an `invalid_consent` error, never "no consent".
 */
export async function recordTcfConsent(
  ctx: EngineContext,
  request: TcfConsentRequest,
): Promise<ConsentReceipt> {
  if (typeof request.tcf !== 'string') {
    throw new PurposeGuardError('invalid_consent', 'tcf must be a TCF v2 consent string');
  }
  const mapped = tcfToPurposes(decodeTcf(request.tcf.trim()), ctx.policy.tcfPurposes);
  if (mapped.granted.length + mapped.denied.length === 0) {
    throw new PurposeGuardError('invalid_consent', 'the policy maps no TCF purposes (consent.tcf.purposes)');
  }
  const who = resolveSubject(ctx.policy, request);
  const at = ctx.now();
  const digest = createHash('sha256').update(request.tcf.trim()).digest('hex');
  const evidence = `tcf:${digest.slice(0, 16)}`;
  const change = (purpose: string, status: ConsentStatus): ConsentChange => ({
    owner: who.owner, subject: who.subject, purpose, status, at, source: 'tcf', evidence,
  });
  const changes = [
    ...mapped.granted.map((p) => change(p, 'granted')),
    ...mapped.denied.map((p) => change(p, 'denied')),
  ];
  return commitChanges(ctx, changes, { actor: request.actor, via: who.via });
}

/** A subject's latest consent per purpose and how many changes led there. */
export async function consentSummary(
  ctx: EngineContext,
  selector: SubjectSelector,
): Promise<ConsentSummary> {
  const who = resolveSubject(ctx.policy, selector);
  const [state, history] = await Promise.all([
    ctx.store.consentOf(who.owner, who.subject),
    ctx.store.consentHistory(who.owner, who.subject),
  ]);
  return {
    owner: who.owner,
    subject: who.subject,
    purposes: state.map((s) => ({
      purpose: s.purpose, status: s.status, at: new Date(s.at).toISOString(),
      source: s.source, evidence: s.evidence,
    })),
    history: history.length,
  };
}

async function commitChanges(
  ctx: EngineContext,
  changes: readonly ConsentChange[],
  facts: { actor: string; via: string },
): Promise<ConsentReceipt> {
  const first = changes[0];
  if (!first) throw new PurposeGuardError('invalid_consent', 'no consent change to record');
  const summary = changes.map((c) => ({ purpose: c.purpose, status: c.status }));
  const result = await ctx.store.commit({
    consents: changes,
    audit: [{
      kind: 'consent',
      actor: facts.actor,
      owner: first.owner,
      data: {
        subject_ref: subjectRef(first.subject), via: facts.via, source: first.source,
        changes: summary, evidence: first.evidence !== null,
      },
    }],
  });
  ctx.log({ type: 'consent', owner: first.owner, changes: summary.length, source: first.source });
  return {
    owner: first.owner,
    subject: first.subject,
    changes: summary,
    at: new Date(first.at).toISOString(),
    audit_seq: result.audit[0]?.seq ?? 0,
  };
}

function checkPurpose(ctx: EngineContext, purpose: unknown): void {
  if (typeof purpose !== 'string' || purpose === '') {
    throw new PurposeGuardError('invalid_consent', 'consent needs a purpose');
  }
  if (!ctx.policy.purposes.has(purpose)) {
    throw new PurposeGuardError('invalid_consent', `unknown purpose '${purpose}' (not declared in the policy)`);
  }
}

function checkEvidence(evidence: unknown): string | null {
  if (evidence === undefined || evidence === null) return null;
  if (typeof evidence !== 'string' || evidence.trim() === '' || evidence.length > MAX_EVIDENCE) {
    throw new PurposeGuardError('invalid_consent', `evidence must be a reference of 1 to ${MAX_EVIDENCE} characters`);
  }
  return evidence.trim();
}
