import { DeliveryError } from './delivery-error.js';

/**
 * Posts hashed emails to an ad platform's customer-list removal endpoint,
 * in the platform's usual body: `{"payload": {"schema": ["EMAIL_SHA256"],
 * "data": [["<hash>"], ...]}}`. Any non-2xx answer is a failure.
 */
export async function deliverToEndpoint(
  url: string,
  hashes: readonly string[],
  options: { timeoutMs: number },
): Promise<void> {
  const body = JSON.stringify({
    payload: { schema: ['EMAIL_SHA256'], data: hashes.map((h) => [h]) },
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  await response.body?.cancel().catch(() => undefined);
  if (!response.ok) throw new DeliveryError(`http ${response.status}`);
}
