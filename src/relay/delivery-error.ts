/**
 * Why a delivery failed, in words that hold no personal data: a status
 * code, a connection problem, a timeout. Stored as the item's last error.
 */
export class DeliveryError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DeliveryError';
  }
}

/** A short reason for anything thrown while delivering. */
export function deliveryReason(error: unknown, timeoutMs: number): string {
  if (error instanceof DeliveryError) return error.message;
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return `timeout after ${timeoutMs} ms`;
  const code = systemCode(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  return code === null ? 'delivery failed' : `delivery failed (${code})`;
}

function systemCode(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; depth++) {
    const code = (e as Error & { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
    e = e.cause;
  }
  return null;
}
