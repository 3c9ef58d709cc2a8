/**
 * Screening one incoming conversions-API event: validate its shape, scan
 * the raw event for what must not come in, then hash its `user_data`.
 * Nothing of a refused event is returned.
 */
import type { Issue } from '../errors.js';
import { validateEvent } from './capi-event.js';
import type { CapiEvent } from './capi-event.js';
import { hashUserData, subjectOf } from './normalize.js';
import type { HashedUserData } from './normalize.js';
import type { SensitiveScanner } from './sensitive-scan.js';

export interface ScreenOptions {
  readonly scanner: SensitiveScanner;
  /** Plain `user_data` fields the source may keep (its `keep_plain`). */
  readonly keepPlain: ReadonlySet<string>;
}

export type ScreenResult =
  | {
    readonly ok: true;
    /** The event with its `user_data` hashed. */
    readonly event: CapiEvent<HashedUserData>;
    /** Hashed email, else hashed phone, else hashed external id. */
    readonly subject: string | null;
    /** ISO 3166 alpha-2 in upper case, from `user_data.country`. */
    readonly country: string | null;
    /** `event_name` and `event_id` joined by NUL, or null without an id. */
    readonly dedupeKey: string | null;
  }
  | { readonly ok: false; readonly issue: Issue };

/**
 * Screens the event at `data[index]` of a batch. The scan runs on the raw
 * event, before hashing, so a plaintext identifier outside `user_data` is
 * caught as sent.
 *
 * @example
 * const scanner = createSensitiveScanner();
 * const result = screenEvent(batch.data[0], 0, { scanner, keepPlain: new Set() });
 * if (result.ok) store(result.event, result.subject);
 * else rejected.push({ index: 0, ...result.issue });
 */
export function screenEvent(
  raw: unknown,
  index: number,
  options: ScreenOptions,
): ScreenResult {
  const validation = validateEvent(raw, index);
  if (!validation.ok) return validation;
  const { event } = validation;
  // validateEvent has established that `raw` is a plain object.
  const sent = raw as Readonly<Record<string, unknown>>;
  const found = options.scanner.scanEvent(sent, `data[${index}]`);
  if (found) return { ok: false, issue: found };
  const hashed = hashUserData(event.user_data, {
    keepPlain: options.keepPlain,
    path: `data[${index}].user_data`,
  });
  const [problem] = hashed.issues;
  if (problem) return { ok: false, issue: problem };
  return {
    ok: true,
    event: { ...event, user_data: hashed.userData },
    subject: subjectOf(hashed.userData),
    country: hashed.country,
    dedupeKey: dedupeKeyOf(event),
  };
}

/** JSON text, so the key never holds a NUL (PostgreSQL text cannot). */
function dedupeKeyOf(event: CapiEvent): string | null {
  if (event.event_id === undefined) return null;
  return JSON.stringify([event.event_name, event.event_id]);
}
