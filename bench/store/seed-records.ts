import { createHash } from 'node:crypto';
import type { EngineContext } from '../../src/engine/context.js';
import type { LabelClass } from '../../src/label.js';
import type { ConsentChange, NewRecord } from '../../src/store/store.js';

export interface SeedOptions {
  readonly records: number;
  readonly subjects: number;
  /** Every how many subjects one has granted the consent purpose. */
  readonly consentEvery: number;
  readonly consentPurpose: string;
  readonly label: LabelClass;
  readonly dataset: string;
  readonly owner: string;
  readonly log: (line: string) => void;
}

/** A subject id shaped like a hashed email. */
export function subjectId(i: number): string {
  return createHash('sha256').update(`person${i}@example.com`).digest('hex');
}

/** Fills a store with event-shaped records through the store contract. */
export async function seedRecords(ctx: EngineContext, options: SeedOptions): Promise<void> {
  const labelId = await ctx.labelId(options.label);
  const subjects = Array.from({ length: options.subjects }, (_, i) => subjectId(i));
  const consents: ConsentChange[] = [];
  for (let i = 0; i < subjects.length; i += options.consentEvery) {
    consents.push({
      owner: options.owner, subject: subjects[i] ?? '', purpose: options.consentPurpose,
      status: 'granted', at: 1, source: 'bench', evidence: null,
    });
  }
  await ctx.store.commit({ consents, audit: [] });
  const batch = 50_000;
  for (let start = 0; start < options.records; start += batch) {
    const records: NewRecord[] = [];
    for (let i = start; i < Math.min(options.records, start + batch); i++) {
      const subject = subjects[i % subjects.length] ?? '';
      records.push({
        dataset: options.dataset, owner: options.owner, labelId, subjects: [subject],
        collectedAt: 1, expiresAt: null, dedupeKey: null, json: eventJson(i, subject),
      });
    }
    await ctx.store.commit({ records, audit: [] });
    options.log(`seeded ${Math.min(options.records, start + batch).toLocaleString('en-US')} records`);
  }
}

function eventJson(i: number, subject: string): string {
  return JSON.stringify({
    event_name: 'Purchase', event_time: 1_764_806_400 + i, event_id: `e-${i}`,
    action_source: 'website', user_data: { em: [subject] },
    custom_data: { currency: 'USD', value: i % 500 },
  });
}
