/**
 * One conversions-API server event, validated field by field before any of
 * it is used. Every refusal names the field and never echoes its value.
 */
import type { Issue } from '../errors.js';
import { childPath, nameOf } from './key-path.js';

export const ACTION_SOURCES = [
  'website', 'app', 'email', 'phone_call', 'chat', 'physical_store',
  'system_generated', 'business_messaging', 'other',
] as const;

export type ActionSource = (typeof ACTION_SOURCES)[number];

export type ConsentChoice = 'granted' | 'denied';

/**
 * A validated server event. `UserData` is the raw `user_data` until it has
 * been hashed.
 */
export interface CapiEvent<UserData = Readonly<Record<string, unknown>>> {
  readonly event_name: string;
  /** Unix seconds. */
  readonly event_time: number;
  readonly event_id?: string;
  readonly action_source: ActionSource;
  readonly event_source_url?: string;
  readonly user_data: UserData;
  readonly custom_data?: Readonly<Record<string, unknown>>;
  /** `['LDU']` flags Limited Data Use; `[]` clears it. */
  readonly data_processing_options?: readonly string[];
  readonly data_processing_options_country?: number;
  readonly data_processing_options_state?: number;
  readonly opt_out?: boolean;
  /** An IAB TCF v2 consent string. */
  readonly tcf?: string;
  /** Consent by purpose name. */
  readonly consent?: Readonly<Record<string, ConsentChoice>>;
}

export type EventValidation =
  | { readonly ok: true; readonly event: CapiEvent }
  | { readonly ok: false; readonly issue: Issue };

/** Unix seconds stay below this until the year 5138; milliseconds do not. */
const MAX_SECONDS = 1e11;
const DATA_PROCESSING_OPTIONS: ReadonlySet<string> = new Set(['LDU']);
const SOURCES: ReadonlySet<string> = new Set(ACTION_SOURCES);

type Check = (value: unknown, path: string, field: string) => Issue | null;

interface FieldRule {
  readonly required: boolean;
  readonly check: Check;
}

/**
 * Validates the event at `data[index]` of a batch. Optional fields sent as
 * `null` count as absent and are left out of the event.
 *
 * @example
 * const result = validateEvent(batch.data[4], 4);
 * if (!result.ok) result.issue;
 * // { code: 'invalid_event', path: 'data[4].event_time',
 * //   message: 'event_time looks like milliseconds, not Unix seconds' }
 */
export function validateEvent(value: unknown, index: number): EventValidation {
  const base = `data[${index}]`;
  if (!isPlainObject(value)) return refuse(invalid(base, 'an event must be an object'));
  const unknown = unknownField(value, base);
  if (unknown) return refuse(unknown);
  const event: Record<string, unknown> = {};
  for (const [field, rule] of RULE_LIST) {
    const fieldValue = value[field];
    const path = `${base}.${field}`;
    if (fieldValue === undefined || fieldValue === null) {
      if (rule.required) return refuse(invalid(path, `${field} missing`));
      continue;
    }
    const problem = rule.check(fieldValue, path, field);
    if (problem) return refuse(problem);
    event[field] = fieldValue;
  }
  // Every field of the copy passed its rule above, required ones included.
  return { ok: true, event: event as unknown as CapiEvent };
}

function refuse(issue: Issue): EventValidation {
  return { ok: false, issue };
}

function unknownField(
  value: Readonly<Record<string, unknown>>,
  base: string,
): Issue | null {
  for (const key of Object.keys(value)) {
    if (RULES.has(key)) continue;
    return invalid(childPath(base, key), `unknown event field ${nameOf(key)}`);
  }
  return null;
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(path: string, message: string): Issue {
  return { code: 'invalid_event', path, message };
}

const nonEmptyString: Check = (value, path, field) => {
  if (typeof value !== 'string') return invalid(path, `${field} must be a string`);
  if (value.trim() === '') return invalid(path, `${field} must not be empty`);
  return null;
};

const unixSeconds: Check = (value, path, field) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return invalid(path, `${field} must be a number of Unix seconds`);
  }
  if (value > MAX_SECONDS) {
    return invalid(path, `${field} looks like milliseconds, not Unix seconds`);
  }
  if (!Number.isInteger(value)) {
    return invalid(path, `${field} must be a whole number of Unix seconds`);
  }
  if (value <= 0) {
    return invalid(path, `${field} must be a positive number of Unix seconds`);
  }
  return null;
};

const actionSource: Check = (value, path, field) => {
  if (typeof value === 'string' && SOURCES.has(value)) return null;
  return invalid(path, `${field} must be one of ${ACTION_SOURCES.join(', ')}`);
};

const httpUrl: Check = (value, path, field) => {
  const ok = typeof value === 'string' && HTTP.test(protocolOf(value));
  return ok ? null : invalid(path, `${field} must be an http(s) URL`);
};

const HTTP = /^https?:$/;

function protocolOf(text: string): string {
  try {
    return new URL(text).protocol;
  } catch {
    return '';
  }
}

const object: Check = (value, path, field) =>
  isPlainObject(value) ? null : invalid(path, `${field} must be an object`);

const integer: Check = (value, path, field) =>
  Number.isInteger(value) ? null : invalid(path, `${field} must be an integer`);

const boolean: Check = (value, path, field) =>
  typeof value === 'boolean' ? null : invalid(path, `${field} must be true or false`);

const processingOptions: Check = (value, path, field) => {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    return invalid(path, `${field} must be an array of strings`);
  }
  const known = value.every((item: string) => DATA_PROCESSING_OPTIONS.has(item));
  return known ? null : invalid(path, `${field} may only hold 'LDU'`);
};

const consent: Check = (value, path, field) => {
  if (!isPlainObject(value)) return invalid(path, `${field} must be an object`);
  for (const [purpose, choice] of Object.entries(value)) {
    if (choice === 'granted' || choice === 'denied') continue;
    const message = `${field} values must be 'granted' or 'denied'`;
    return invalid(childPath(path, purpose), message);
  }
  return null;
};

const RULE_LIST: readonly (readonly [keyof CapiEvent, FieldRule])[] = [
  ['event_name', { required: true, check: nonEmptyString }],
  ['event_time', { required: true, check: unixSeconds }],
  ['event_id', { required: false, check: nonEmptyString }],
  ['action_source', { required: true, check: actionSource }],
  ['event_source_url', { required: false, check: httpUrl }],
  ['user_data', { required: true, check: object }],
  ['custom_data', { required: false, check: object }],
  ['data_processing_options', { required: false, check: processingOptions }],
  ['data_processing_options_country', { required: false, check: integer }],
  ['data_processing_options_state', { required: false, check: integer }],
  ['opt_out', { required: false, check: boolean }],
  ['tcf', { required: false, check: nonEmptyString }],
  ['consent', { required: false, check: consent }],
];

const RULES: ReadonlyMap<string, FieldRule> = new Map(RULE_LIST);
