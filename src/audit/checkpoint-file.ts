import { appendFile, readFile } from 'node:fs/promises';
import { PurposeGuardError } from '../errors.js';
import { parseCheckpoints } from './audit-checkpoint.js';
import type { Checkpoint } from './audit-checkpoint.js';

/**
 * The checkpoints of a file, signatures checked. A missing file has none
 * when `missingOk`, else it is an error naming the path.
 */
export async function readCheckpointFile(
  path: string,
  key: Buffer,
  options: { readonly missingOk: boolean },
): Promise<Checkpoint[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing && options.missingOk) return [];
    throw new PurposeGuardError('invalid_request', `cannot read the checkpoint file ${path}`);
  }
  return parseCheckpoints(text, key, path);
}

/** Appends one checkpoint as a JSON line. */
export async function appendCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  try {
    await appendFile(path, `${JSON.stringify(checkpoint)}\n`, 'utf8');
  } catch {
    throw new PurposeGuardError('invalid_request', `cannot write the checkpoint file ${path}`);
  }
}
