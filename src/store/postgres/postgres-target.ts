import { PurposeGuardError } from '../../errors.js';

/** Where a PostgreSQL URL points, in forms safe to show. */
export interface PostgresTarget {
  /** The URL with any password removed. */
  readonly location: string;
  /** `host:port/database`, for messages. */
  readonly where: string;
}

/**
 * Reads a `postgres://` URL without ever echoing it: a URL that cannot
 * be parsed may still hold a password, so the error does not quote it.
 */
export function postgresTarget(url: string): PostgresTarget {
  const parsed = parseUrl(url);
  const host = decodeURIComponent(parsed.hostname) || 'localhost';
  const port = parsed.port || '5432';
  const user = decodeURIComponent(parsed.username);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user;
  parsed.password = '';
  return { location: parsed.toString(), where: `${host}:${port}/${database}` };
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new PurposeGuardError('invalid_request', 'the PostgreSQL URL is not a valid URL');
  }
}
