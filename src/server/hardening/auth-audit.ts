import type { PurposeGuardError } from '../../errors.js';
import type { Principal } from '../auth.js';
import type { RouteDeps } from '../app.js';

const AUTH_CODES: ReadonlySet<string> = new Set(['unauthenticated', 'forbidden', 'owner_mismatch']);

/**
 * Appends an `auth` audit entry for a refused credential: who (kind and
 * name, or anonymous), the route pattern and the code. No token material.
 */
export async function auditAuthFailure(
  deps: RouteDeps,
  error: PurposeGuardError,
  request: { method: string; route: string; principal: Principal | null },
): Promise<void> {
  if (!AUTH_CODES.has(error.code)) return;
  const { principal } = request;
  await deps.pg.store.appendAudit([{
    kind: 'auth',
    actor: principal ? `${principal.kind}:${principal.name}` : 'anonymous',
    owner: principal && principal.kind !== 'admin' ? principal.owner : null,
    data: { code: error.code, method: request.method, route: request.route, reason: error.message },
  }]);
}
