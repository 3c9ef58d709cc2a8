import { createHash, timingSafeEqual } from 'node:crypto';
import { PurposeGuardError } from '../errors.js';
import type { CompiledPolicy } from '../policy/policy-types.js';

export type Principal =
  | { readonly kind: 'processor'; readonly name: string; readonly owner: string }
  | { readonly kind: 'source'; readonly name: string; readonly owner: string }
  | { readonly kind: 'admin'; readonly name: 'admin' };

interface Credential {
  readonly digest: Buffer;
  readonly principal: Principal;
}

/**
 * Who a bearer token belongs to. Tokens are known only as SHA-256 digests;
 * the presented token is hashed and compared with every digest in
 * constant time, so neither a match nor a miss leaks by timing.
 */
export class Authenticator {
  readonly #credentials: readonly Credential[];

  constructor(policy: CompiledPolicy) {
    const list: Credential[] = [];
    for (const p of policy.processors.values()) {
      if (p.tokenSha256) list.push(credential(p.tokenSha256, { kind: 'processor', name: p.name, owner: p.owner }));
    }
    for (const s of policy.sources.values()) {
      if (s.writeKeySha256) list.push(credential(s.writeKeySha256, { kind: 'source', name: s.name, owner: s.owner }));
    }
    if (policy.adminTokenSha256) list.push(credential(policy.adminTokenSha256, { kind: 'admin', name: 'admin' }));
    this.#credentials = list;
  }

  /** The principal of an `Authorization: Bearer ...` header, or null. */
  identify(header: string | undefined): Principal | null {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    if (!token) return null;
    const digest = createHash('sha256').update(token).digest();
    let found: Principal | null = null;
    for (const c of this.#credentials) {
      if (timingSafeEqual(c.digest, digest) && found === null) found = c.principal;
    }
    return found;
  }
}

function credential(hex: string, principal: Principal): Credential {
  return { digest: Buffer.from(hex, 'hex'), principal };
}

/** The principal of the request, or a 401/403. */
export function requirePrincipal<K extends Principal['kind']>(
  principal: Principal | null,
  kind: K,
): Extract<Principal, { kind: K }> {
  if (principal === null) throw new PurposeGuardError('unauthenticated', 'a valid bearer token is required');
  if (principal.kind !== kind) {
    throw new PurposeGuardError('forbidden', `this route needs a ${kind} token, not a ${principal.kind} token`);
  }
  return principal as Extract<Principal, { kind: K }>;
}
