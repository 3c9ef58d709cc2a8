import { PurposeGuardError } from '../../errors.js';

const SERVER_REASONS: Readonly<Record<string, string>> = {
  '28P01': 'authentication failed',
  '28000': 'authentication failed',
  '3D000': 'database does not exist',
  '53300': 'too many connections',
  '57P01': 'the server shut down',
  '57P02': 'the server shut down',
  '57P03': 'the server is starting up or shutting down',
};

const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

const STATEMENT_TIMEOUT = '57014';

/**
 * Why a connection failed, in a few words, or null when the error is not
 * about reaching the server. Never includes the driver's own message,
 * which may quote connection settings.
 */
export function connectionReason(error: unknown): string | null {
  const code = errorCode(error);
  if (code !== null) {
    const reason = SERVER_REASONS[code] ?? NETWORK_REASONS[code];
    if (reason !== undefined) return reason;
    if (code.startsWith('08')) return 'connection failed';
  }
  return driverReason(error);
}

function driverReason(error: unknown): string | null {
  const message = error instanceof Error ? error.message : '';
  if (/timeout/i.test(message)) return 'connection timed out';
  if (/terminated|ended unexpectedly/i.test(message)) return 'connection lost';
  if (/^SASL|client password/.test(message)) return 'authentication failed';
  return null;
}

/** The error to throw when connecting to or migrating the store failed. */
export function connectError(error: unknown, where: string): PurposeGuardError {
  const reason = connectionReason(error) ?? 'the schema could not be prepared';
  return new PurposeGuardError(
    'store_unavailable',
    `cannot connect to PostgreSQL at ${where} (${reason})`,
    { cause: error },
  );
}

/**
 * Maps what a query threw: a statement timeout becomes `timeout`, a lost
 * or refused connection `store_unavailable`; anything else is rethrown.
 */
export function queryError(error: unknown, where: string): unknown {
  if (error instanceof PurposeGuardError) return error;
  if (errorCode(error) === STATEMENT_TIMEOUT) {
    return new PurposeGuardError(
      'timeout',
      `a PostgreSQL statement at ${where} ran past the statement timeout`,
      { cause: error },
    );
  }
  return connectionReason(error) === null ? error : connectError(error, where);
}

function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const inner = (error as { errors?: unknown }).errors;
  return Array.isArray(inner) ? errorCode(inner[0]) : null;
}
