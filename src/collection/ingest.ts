import { createHash } from 'node:crypto';
import { decodeTcf, tcfToPurposes } from '../consent/tcf.js';
import type { EngineContext } from '../engine/context.js';
import { PurposeGuardError, toPurposeGuardError } from '../errors.js';
import type { Issue } from '../errors.js';
import type { CompiledSource } from '../policy/policy-types.js';
import type { AuditInput, ConsentChange, NewRecord } from '../store/store.js';
import type { CapiEvent } from './capi-event.js';
import { childPath, nameOf } from './key-path.js';
import { labelFor } from './label-cache.js';
import type { LabelFacts } from './labeler.js';
import { otherIdentifiersOf } from './normalize.js';
import { scannerFor } from './policy-scanner.js';
import { screenEvent } from './screen-event.js';

/** One input item: an event, a customer-list row, or what could not be read. */
export type IngestItem =
  | { readonly index: number; readonly kind: 'event'; readonly value: unknown }
  | {
      readonly index: number;
      readonly kind: 'row';
      /** A customer-list row, already normalized and hashed. */
      readonly row: { readonly userData: Record<string, string[]>; readonly subject: string | null; readonly country: string | null };
    }
  | { readonly index: number; readonly kind: 'issue'; readonly issue: Issue };

export interface Rejection {
  readonly index: number;
  readonly code: string;
  readonly message: string;
}

export interface IngestSummary {
  readonly source: string;
  readonly dataset: string;
  /** Records committed. Every one counted here is durable. */
  readonly accepted: number;
  /** The first refusals (at most LISTED_LIMIT); `rejected_count` has them all. */
  readonly rejected: readonly Rejection[];
  readonly rejected_count: number;
  /** The first duplicates (at most LISTED_LIMIT); `duplicate_count` has them all. */
  readonly duplicates: readonly { readonly index: number; readonly event_id: string | null }[];
  readonly duplicate_count: number;
}

/**
 * How many refusals and duplicates a summary lists one by one, so a huge
 * input of junk gets a bounded answer; the counts cover everything.
 */
export const LISTED_LIMIT = 1000;

export interface IngestOptions {
  /** Who sent it: `cli`, a source write key, an HTTP client. */
  readonly actor: string;
  /** Events per transaction; `Infinity` commits everything in one. */
  readonly chunkSize?: number;
  /**
   * An AbortSignal, or anything with `aborted`: once aborted, nothing more
   * is committed and ingest throws `timeout`.
   */
  readonly signal?: { readonly aborted: boolean };
}

interface Pending {
  readonly index: number;
  readonly record: NewRecord;
  readonly eventId: string | null;
  readonly consents: readonly ConsentChange[];
}

/**
 * Screens, labels and stores events or customer-list rows from a source.
 * Refused items are reported with their index, a code and the rule, and
 * nothing of them is stored. Accepted items are committed chunk by chunk,
 * each chunk with its audit entry in one transaction.
 *
 * @example
 * const summary = await ingest(ctx, 'web', eventsOf(batch), { actor: 'cli' });
 * summary.accepted; // 4
 */
export async function ingest(
  ctx: EngineContext,
  sourceName: string,
  items: AsyncIterable<IngestItem> | Iterable<IngestItem>,
  options: IngestOptions,
): Promise<IngestSummary> {
  const source = ctx.policy.sources.get(sourceName);
  if (!source) throw new PurposeGuardError('invalid_request', `unknown source '${sourceName}'`);
  const chunkSize = options.chunkSize ?? 1000;
  const rejected: Rejection[] = [];
  const duplicates: { index: number; event_id: string | null }[] = [];
  let accepted = 0;
  let pending: Pending[] = [];
  let seen = 0;
  let rejectedCount = 0;
  let duplicateCount = 0;
  let rejectedInChunk = 0;
  const flush = async (): Promise<void> => {
    if (options.signal?.aborted) {
      throw new PurposeGuardError('timeout', 'the request took longer than its deadline; nothing more of it was committed');
    }
    const result = await commitChunk(ctx, source, pending, options.actor, rejectedInChunk);
    rejectedInChunk = 0;
    accepted += result.accepted;
    duplicateCount += result.duplicates.length;
    duplicates.push(...result.duplicates.slice(0, LISTED_LIMIT - duplicates.length));
    pending = [];
    ctx.log({ type: 'progress', task: `ingest ${sourceName}`, done: seen, total: null });
  };
  for await (const item of items) {
    seen += 1;
    const outcome = await screen(ctx, source, item);
    if ('issue' in outcome) {
      if (rejected.length < LISTED_LIMIT) rejected.push(rejectionOf(item.index, outcome.issue));
      rejectedCount += 1;
      rejectedInChunk += 1;
    } else {
      pending.push(outcome);
    }
    if (pending.length >= chunkSize) await flush();
  }
  if (pending.length > 0 || seen === 0) await flush();
  ctx.log({ type: 'collection', source: sourceName, accepted, rejected: rejectedCount, duplicates: duplicateCount });
  return {
    source: sourceName,
    dataset: source.dataset,
    accepted,
    rejected,
    rejected_count: rejectedCount,
    duplicates,
    duplicate_count: duplicateCount,
  };
}

async function screen(
  ctx: EngineContext,
  source: CompiledSource,
  item: IngestItem,
): Promise<Pending | { issue: Issue }> {
  try {
    if (item.kind === 'issue') return { issue: item.issue };
    if (item.kind === 'row') return await screenRow(ctx, source, item.index, item.row);
    if (source.kind !== 'conversions_api') {
      return { issue: { code: 'invalid_event', path: `data[${item.index}]`, message: `source '${source.name}' takes customer-list rows, not events` } };
    }
    return await screenCapi(ctx, source, item.index, item.value);
  } catch (error) {
    const known = toPurposeGuardError(error);
    const message = known.code === 'internal' ? 'the event could not be processed' : known.message;
    return { issue: { code: known.code, path: `data[${item.index}]`, message } };
  }
}

async function screenCapi(
  ctx: EngineContext,
  source: CompiledSource,
  index: number,
  value: unknown,
): Promise<Pending | { issue: Issue }> {
  const scanner = scannerFor(ctx.policy);
  const screened = screenEvent(value, index, { scanner, keepPlain: source.keepPlain });
  if (!screened.ok) return { issue: screened.issue };
  const event = screened.event;
  const now = ctx.now();
  const facts: LabelFacts = {
    eventName: event.event_name,
    limitedDataUse: (event.data_processing_options ?? []).some((o) => o.toUpperCase() === 'LDU'),
    optOut: event.opt_out === true,
    country: screened.country,
    fields: Object.keys(event.user_data),
  };
  // Consent counts from when the event happened, never later than now: a
  // retried or late event cannot undo a withdrawal recorded after it.
  const consentAt = Math.min(event.event_time * 1000, now);
  const consents = consentsOf(ctx, source, event, screened.subject, index, consentAt);
  if ('issue' in consents) return consents;
  const stamped = await labelFor(ctx, source, facts, now);
  const { tcf: _tcf, consent: _consent, ...stored } = event;
  return {
    index,
    eventId: event.event_id ?? null,
    consents: consents.changes,
    record: {
      dataset: source.dataset,
      owner: source.owner,
      labelId: stamped.labelId,
      subjects: screened.subject === null ? [] : [screened.subject],
      collectedAt: now,
      expiresAt: stamped.expiresAt,
      dedupeKey: screened.dedupeKey,
      json: JSON.stringify(stored),
      identifiers: otherIdentifiersOf(event.user_data),
    },
  };
}

async function screenRow(
  ctx: EngineContext,
  source: CompiledSource,
  index: number,
  row: Extract<IngestItem, { kind: 'row' }>['row'],
): Promise<Pending | { issue: Issue }> {
  if (source.kind !== 'customer_list') {
    return { issue: { code: 'invalid_event', path: `rows[${index}]`, message: `source '${source.name}' takes events, not customer-list rows` } };
  }
  const now = ctx.now();
  const facts: LabelFacts = {
    eventName: null,
    limitedDataUse: false,
    optOut: false,
    country: row.country,
    fields: Object.keys(row.userData),
  };
  const stamped = await labelFor(ctx, source, facts, now);
  const subject = row.subject;
  const json = JSON.stringify({ user_data: row.userData });
  return {
    index,
    eventId: null,
    consents: [],
    record: {
      dataset: source.dataset,
      owner: source.owner,
      labelId: stamped.labelId,
      subjects: subject === null ? [] : [subject],
      collectedAt: now,
      expiresAt: stamped.expiresAt,
      dedupeKey: `row:${createHash('sha256').update(json).digest('hex')}`,
      json,
      identifiers: otherIdentifiersOf(row.userData),
    },
  };
}

/** Consent that arrived with the event: a `consent` map or a TCF string. */
function consentsOf(
  ctx: EngineContext,
  source: CompiledSource,
  event: CapiEvent,
  subject: string | null,
  index: number,
  at: number,
): { changes: ConsentChange[] } | { issue: Issue } {
  const changes: ConsentChange[] = [];
  const add = (purpose: string, granted: boolean, from: string, evidence: string | null): void => {
    if (subject === null) return;
    const status = granted ? 'granted' : 'denied';
    changes.push({ owner: source.owner, subject, purpose, status, at, source: from, evidence });
  };
  for (const [purpose, status] of Object.entries(event.consent ?? {})) {
    if (!ctx.policy.purposes.has(purpose)) {
      const path = childPath(`data[${index}].consent`, purpose);
      const message = `unknown purpose ${nameOf(purpose)} in consent`;
      return { issue: { code: 'invalid_consent', path, message } };
    }
    add(purpose, status === 'granted', 'event', null);
  }
  if (event.tcf !== undefined) {
    try {
      const tcf = tcfToPurposes(decodeTcf(event.tcf), ctx.policy.tcfPurposes);
      const evidence = `tcf:${createHash('sha256').update(event.tcf).digest('hex').slice(0, 16)}`;
      for (const p of tcf.granted) add(p, true, 'tcf', evidence);
      for (const p of tcf.denied) add(p, false, 'tcf', evidence);
    } catch (error) {
      const known = toPurposeGuardError(error);
      return { issue: { code: 'invalid_consent', path: `data[${index}].tcf`, message: known.message } };
    }
  }
  if ((event.consent !== undefined || event.tcf !== undefined) && subject === null) {
    return { issue: { code: 'invalid_consent', path: `data[${index}]`, message: 'consent came with an event that has no data subject (em, ph or external_id)' } };
  }
  return { changes };
}

async function commitChunk(
  ctx: EngineContext,
  source: CompiledSource,
  pending: readonly Pending[],
  actor: string,
  rejected: number,
): Promise<{ accepted: number; duplicates: { index: number; event_id: string | null }[] }> {
  const records = pending.map((p) => p.record);
  const consents = pending.flatMap((p) => p.consents);
  const result = await ctx.store.commit({
    records,
    consents,
    audit: (ids) => [{
      kind: 'collection',
      actor,
      owner: source.owner,
      data: {
        source: source.name,
        dataset: source.dataset,
        accepted: ids.filter((id) => id !== null).length,
        duplicates: ids.filter((id) => id === null).length,
        rejected,
        consents: consents.length,
      },
    }, ...consentAudit(source, consents, actor)],
  });
  const duplicates: { index: number; event_id: string | null }[] = [];
  let accepted = 0;
  result.recordIds.forEach((id, i) => {
    const item = pending[i];
    if (!item) return;
    if (id === null) duplicates.push({ index: item.index, event_id: item.eventId });
    else accepted += 1;
  });
  return { accepted, duplicates };
}

/**
 * Consent that came with the events of a chunk, as one `consent` entry
 * counting changes per purpose and status (never naming a subject).
 */
function consentAudit(
  source: CompiledSource,
  consents: readonly ConsentChange[],
  actor: string,
): AuditInput[] {
  if (consents.length === 0) return [];
  const counts = new Map<string, { purpose: string; status: string; count: number }>();
  for (const c of consents) {
    const key = `${c.purpose}\u0000${c.status}`;
    const entry = counts.get(key) ?? { purpose: c.purpose, status: c.status, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  const changes = [...counts.values()].sort((a, b) =>
    a.purpose.localeCompare(b.purpose) || a.status.localeCompare(b.status));
  return [{
    kind: 'consent',
    actor,
    owner: source.owner,
    data: { source: source.name, via: 'collection', changes },
  }];
}

function rejectionOf(index: number, issue: Issue): Rejection {
  return { index, code: issue.code, message: `${issue.path}: ${issue.message}` };
}
