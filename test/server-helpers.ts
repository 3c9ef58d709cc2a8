import { PurposeGuard } from '../src/engine/purposeguard.js';
import type { LogEvent } from '../src/log.js';
import type { Store } from '../src/store/store.js';
import { openStore } from '../src/store/open-store.js';
import { join } from 'node:path';
import { tempDir } from './support.js';

export const JSON_TYPE = { 'content-type': 'application/json' };

export function bearer(token: string): Record<string, string> {
  return { ...JSON_TYPE, authorization: `Bearer ${token}` };
}

/** A conversions-API purchase event with its own event id. */
export function purchase(id: string, email = `buyer-${id}@example.com`): Record<string, unknown> {
  return {
    event_name: 'Purchase',
    event_time: 1796371200,
    event_id: id,
    action_source: 'website',
    user_data: { em: [email], country: ['us'] },
    custom_data: { currency: 'USD', value: 10 },
  };
}

export async function countRecords(pg: PurposeGuard, dataset: string): Promise<number> {
  const counts = await pg.store.datasetCounts(null);
  return counts.filter((c) => c.dataset === dataset).reduce((sum, c) => sum + c.rows, 0);
}

/**
 * PurposeGuard over a SQLite store whose label interning waits `delayMs`,
 * so that a request can be made to outlive its deadline.
 */
export async function openSlowEngine(
  policy: string,
  delayMs: number,
): Promise<{ pg: PurposeGuard; events: LogEvent[] }> {
  const store = await openStore(join(tempDir(), 'slow.db'));
  const slow: Store = new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      if (property !== 'internLabel') return method;
      return async (...args: unknown[]) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return method(...args);
      };
    },
  });
  const events: LogEvent[] = [];
  const pg = await PurposeGuard.open({ policy, store: slow, logger: (e) => events.push(e) });
  return { pg, events };
}
