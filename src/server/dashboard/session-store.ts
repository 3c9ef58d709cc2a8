import { randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'pg_session';
const DEFAULT_TTL_MS = 8 * 60 * 60 * 1000;

/**
 * Dashboard sessions: random ids kept in memory, each standing for the
 * admin token presented once at login. The token itself is never kept
 * or sent back; restarting the server ends every session.
 */
export class SessionStore {
  readonly #expiry = new Map<string, number>();
  readonly #ttlMs: number;

  constructor(options: { ttlMs?: number } = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  }

  get ttlSeconds(): number {
    return Math.floor(this.#ttlMs / 1000);
  }

  open(now: number): string {
    this.#forgetExpired(now);
    const id = randomBytes(32).toString('base64url');
    this.#expiry.set(id, now + this.#ttlMs);
    return id;
  }

  isLive(id: string | undefined, now: number): boolean {
    if (id === undefined) return false;
    const until = this.#expiry.get(id);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#expiry.delete(id);
    return false;
  }

  close(id: string | undefined): void {
    if (id !== undefined) this.#expiry.delete(id);
  }

  #forgetExpired(now: number): void {
    for (const [id, until] of this.#expiry) if (until <= now) this.#expiry.delete(id);
  }
}
