/**
 * The one error type of PurposeGuard. Every failure carries a code from a
 * closed table; the HTTP status and the CLI exit code of each code are
 * decided here and nowhere else.
 */

/** A validation problem found at `path` (a JSON path or `file:line`). */
export interface Issue {
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

const CODES = {
  invalid_request: { status: 400, exit: 1 },
  invalid_policy: { status: 500, exit: 1 },
  invalid_event: { status: 400, exit: 1 },
  invalid_consent: { status: 400, exit: 1 },
  sensitive_data: { status: 422, exit: 1 },
  plaintext_identifier: { status: 422, exit: 1 },
  unauthenticated: { status: 401, exit: 3 },
  forbidden: { status: 403, exit: 3 },
  owner_mismatch: { status: 403, exit: 3 },
  purpose_denied: { status: 403, exit: 3 },
  flow_violation: { status: 403, exit: 3 },
  not_found: { status: 404, exit: 1 },
  payload_too_large: { status: 413, exit: 1 },
  unsupported_media_type: { status: 415, exit: 1 },
  rate_limited: { status: 429, exit: 1 },
  audit_integrity: { status: 500, exit: 4 },
  store_unavailable: { status: 503, exit: 1 },
  timeout: { status: 503, exit: 1 },
  internal: { status: 500, exit: 1 },
} as const;

export type ErrorCode = keyof typeof CODES;

export interface ErrorOptions {
  readonly issues?: readonly Issue[];
  readonly cause?: unknown;
}

export class PurposeGuardError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly Issue[];

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'PurposeGuardError';
    this.code = code;
    this.issues = options.issues ?? [];
  }

  get status(): number {
    return CODES[this.code].status;
  }

  get exitCode(): number {
    return CODES[this.code].exit;
  }

  toJSON(): { code: ErrorCode; message: string; issues?: readonly Issue[] } {
    return this.issues.length > 0
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(CODES, value);
}

/**
 * Turns anything thrown into a PurposeGuardError. Unknown errors become
 * `internal` with a generic message, so that nothing from a driver or a
 * payload (which may hold personal data) leaks into a response.
 */
export function toPurposeGuardError(error: unknown): PurposeGuardError {
  if (error instanceof PurposeGuardError) return error;
  return new PurposeGuardError('internal', 'internal error', { cause: error });
}

export function statusOf(code: ErrorCode): number {
  return CODES[code].status;
}

export function exitCodeOf(code: ErrorCode): number {
  return CODES[code].exit;
}
