import type { AuditEntry, Store } from '../store/store.js';

const WRITES = new Set<PropertyKey>(['commit', 'appendAudit', 'erase', 'expire']);

/**
 * The store, reporting every audit entry it appends to `onAppended`
 * after the write has returned. Everything else passes straight through.
 */
export function meterAudit(
  store: Store,
  onAppended: (entries: readonly AuditEntry[]) => void,
): Store {
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!WRITES.has(property)) return method.bind(target);
      return async (...args: unknown[]) => {
        const result = await method.apply(target, args);
        onAppended(appendedBy(result));
        return result;
      };
    },
  });
}

function appendedBy(result: unknown): readonly AuditEntry[] {
  if (Array.isArray(result)) return result as AuditEntry[];
  const audit = (result as { audit?: AuditEntry | readonly AuditEntry[] } | null)?.audit;
  if (audit === undefined) return [];
  return Array.isArray(audit) ? audit : [audit as AuditEntry];
}
