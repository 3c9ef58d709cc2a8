import { appendFile, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DeliveryError } from './delivery-error.js';

const HEADER = 'email_sha256\n';

/**
 * Appends hashed emails to a CSV file with the header `email_sha256`, for
 * destinations that take removal lists as files.
 */
export async function deliverToFile(path: string, hashes: readonly string[]): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    const fresh = await stat(path).then((s) => s.size === 0, () => true);
    const lines = hashes.map((h) => `${h}\n`).join('');
    await appendFile(path, fresh ? `${HEADER}${lines}` : lines, { mode: 0o600 });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const detail = typeof code === 'string' ? ` (${code})` : '';
    throw new DeliveryError(`cannot write the removal file${detail}`);
  }
}
