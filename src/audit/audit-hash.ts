import { hash } from 'node:crypto';

/** The hash before the first entry of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashedFields {
  readonly seq: number;
  readonly at: number;
  readonly kind: string;
  readonly actor: string;
  readonly owner: string | null;
  /** The entry's data as stored (JSON text). */
  readonly dataJson: string;
}

/**
 * The hash of an entry covers its position, its time, every field and the
 * hash of the entry before it, so an edit, a removal, an insertion or a
 * reordering breaks the chain from that entry on.
 */
export function entryHash(prevHash: string, entry: HashedFields): string {
  return hash('sha256', hashedText(prevHash, entry), 'hex');
}

/** The exact text an entry's hash is computed over. */
export function hashedText(prevHash: string, entry: HashedFields): string {
  return `${prevHash}\n${entry.seq}\n${entry.at}\n${entry.kind}\n`
    + `${entry.actor}\n${entry.owner ?? ''}\n${entry.dataJson}`;
}
