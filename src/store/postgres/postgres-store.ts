import { PurposeGuardError } from '../../errors.js';
import type { Store } from '../store.js';

/** PostgreSQL store: not available in this build. */
export class PostgresStore {
  static async connect(_url: string): Promise<Store> {
    throw new PurposeGuardError('store_unavailable', 'the PostgreSQL store is not available yet');
  }
}
