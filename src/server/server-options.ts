import { PurposeGuardError } from '../errors.js';
import type { Logger } from '../log.js';

/** Requests a principal may make: a bucket of `burst` refilled at `perSecond`. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

export interface ServerOptions {
  /** Largest request body accepted, in bytes (default 5 MiB). */
  readonly maxBodyBytes?: number;
  /** Deadline of one request in milliseconds (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Per principal (or client address without a token); `null` turns it off. */
  readonly rateLimit?: RateLimit | null;
  /** Where request lines and engine events go (default: the engine's logger). */
  readonly logger?: Logger;
}

export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 200, burst: 400 };

/** The environment variables that configure the server, by option. */
export const SERVER_ENV = {
  maxBodyBytes: 'PURPOSEGUARD_MAX_BODY_BYTES',
  requestTimeoutMs: 'PURPOSEGUARD_REQUEST_TIMEOUT_MS',
  rateLimit: 'PURPOSEGUARD_RATE_LIMIT',
} as const;

export interface ServerSettings {
  readonly maxBodyBytes?: string | undefined;
  readonly requestTimeoutMs?: string | undefined;
  readonly rateLimit?: string | undefined;
}

/**
 * Server options from text settings (CLI options, else the environment),
 * each validated with a message naming the setting.
 *
 * @example
 * parseServerSettings({ rateLimit: '50/s,100' });
 * // { rateLimit: { perSecond: 50, burst: 100 } }
 */
export function parseServerSettings(settings: ServerSettings): ServerOptions {
  const out: { -readonly [K in keyof ServerOptions]: ServerOptions[K] } = {};
  if (settings.maxBodyBytes !== undefined) {
    out.maxBodyBytes = positiveInteger(settings.maxBodyBytes, 'max body bytes');
  }
  if (settings.requestTimeoutMs !== undefined) {
    out.requestTimeoutMs = positiveInteger(settings.requestTimeoutMs, 'request timeout');
  }
  if (settings.rateLimit !== undefined) out.rateLimit = parseRateLimit(settings.rateLimit);
  return out;
}

/** `off`, `N/s` (burst 2N) or `N/s,BURST`. */
export function parseRateLimit(text: string): RateLimit | null {
  if (text.trim().toLowerCase() === 'off') return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*s\s*(?:,\s*(\d+)\s*)?$/.exec(text);
  const perSecond = Number(match?.[1]);
  if (!match || !(perSecond > 0)) {
    throw new PurposeGuardError('invalid_request', `rate limit must be 'off', 'N/s' or 'N/s,BURST', not '${text}'`);
  }
  const burst = match[2] === undefined ? Math.max(1, Math.ceil(perSecond * 2)) : Number(match[2]);
  if (burst < 1) throw new PurposeGuardError('invalid_request', `rate limit burst must be at least 1, not '${text}'`);
  return { perSecond, burst };
}

function positiveInteger(text: string, what: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new PurposeGuardError('invalid_request', `${what} must be a positive whole number, not '${text}'`);
  }
  return value;
}
