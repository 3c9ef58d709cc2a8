import { basename } from 'node:path';
import type { CompiledPolicy } from '../policy/policy-types.js';
import type { AuditEntry, DatasetCount, Store } from '../store/store.js';

export interface ReportWindow {
  /** Inclusive start (ms since the epoch); open when absent. */
  readonly from?: number;
  /** Exclusive end (ms since the epoch); open when absent. */
  readonly to?: number;
}

/** What one processor did under one purpose. */
export interface UsageRow {
  readonly purpose: string;
  readonly processor: string;
  readonly datasets: string[];
  rows: number;
  allowed: number;
  denied: number;
  flows: number;
  violations: number;
}

export interface ConsentRow {
  readonly purpose: string;
  grants: number;
  withdrawals: number;
}

export interface CollectionRow {
  readonly source: string;
  readonly dataset: string;
  accepted: number;
  rejected: number;
  duplicates: number;
}

export interface TimelinePoint {
  /** Start of the bucket, ISO. */
  readonly t: string;
  allowed: number;
  denied: number;
  flows: number;
  violations: number;
}

export interface UsageReport {
  readonly window: { readonly from: string | null; readonly to: string | null };
  readonly generatedAt: string;
  readonly policy: { readonly file: string; readonly digest: string; readonly mode: string };
  readonly owners: readonly string[];
  /** Audit entries inside the window. */
  readonly entries: number;
  readonly usage: readonly UsageRow[];
  readonly consents: readonly ConsentRow[];
  readonly collection: readonly CollectionRow[];
  readonly erasures: {
    readonly requests: number;
    readonly rows: number;
    readonly expiries: number;
  };
  readonly alerts: Readonly<Record<string, number>>;
  readonly timeline: { readonly bucket: 'hour' | 'day'; readonly points: readonly TimelinePoint[] };
  /** Rows held now, per owner and dataset (not limited to the window). */
  readonly datasets: readonly DatasetCount[];
}

const PAGE = 5000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Per purpose and processor, what was used over a time window: datasets
 * read, rows, allowed and denied decisions, flows and violations; with
 * consent grants and withdrawals, collection, erasures and alerts. It is
 * computed from the audit trail alone (plus current dataset counts), so it
 * reports what the trail can prove.
 *
 * @example
 * const report = await buildUsageReport(store, policy, { from: Date.parse('2025-01-01') });
 */
export async function buildUsageReport(
  store: Store,
  policy: CompiledPolicy,
  window: ReportWindow,
  now: number = Date.now(),
): Promise<UsageReport> {
  const tally = new Tally();
  for (let after = 0; ;) {
    const page = await store.readAudit({ afterSeq: after, limit: PAGE });
    for (const entry of page) {
      if (inside(entry.at, window)) tally.add(entry);
    }
    after = page.at(-1)?.seq ?? after;
    if (page.length < PAGE) break;
  }
  return {
    window: { from: iso(window.from), to: iso(window.to) },
    generatedAt: new Date(now).toISOString(),
    policy: { file: basename(policy.file), digest: policy.digest, mode: policy.mode },
    owners: [...policy.owners],
    ...tally.result(window),
    datasets: await store.datasetCounts(null),
  };
}

function inside(at: number, window: ReportWindow): boolean {
  const started = window.from === undefined || at >= window.from;
  return started && (window.to === undefined || at < window.to);
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

type TalliedElsewhere = 'window' | 'generatedAt' | 'policy' | 'owners' | 'datasets';

/** Running totals over the entries of a window. */
class Tally {
  readonly #usage = new Map<string, UsageRow>();
  readonly #consents = new Map<string, ConsentRow>();
  readonly #collection = new Map<string, CollectionRow>();
  readonly #hours = new Map<number, TimelinePoint>();
  readonly #alerts: Record<string, number> = {};
  readonly #erasures = { requests: 0, rows: 0, expiries: 0 };
  #entries = 0;
  #first = Number.POSITIVE_INFINITY;
  #last = Number.NEGATIVE_INFINITY;

  add(entry: AuditEntry): void {
    this.#entries += 1;
    this.#first = Math.min(this.#first, entry.at);
    this.#last = Math.max(this.#last, entry.at);
    const d = entry.data;
    switch (entry.kind) {
      case 'decision': return this.#decision(entry);
      case 'flow': {
        const violation = d['outcome'] === 'violation' || d['outcome'] === 'denied';
        return this.#flow(entry, { violation });
      }
      case 'violation': return this.#flow(entry, { violation: true });
      case 'consent': return this.#consent(d);
      case 'collection': return this.#collected(d);
      case 'erasure':
      case 'expiry': return this.#erased(entry);
      case 'alert': {
        const name = text(d['alert']);
        this.#alerts[name] = (this.#alerts[name] ?? 0) + 1;
        return;
      }
      default:
    }
  }

  result(window: ReportWindow): Omit<UsageReport, TalliedElsewhere> {
    const byName = <T extends { purpose: string }>(a: T, b: T): number =>
      a.purpose.localeCompare(b.purpose);
    return {
      entries: this.#entries,
      usage: [...this.#usage.values()]
        .map((u) => ({ ...u, datasets: [...u.datasets].sort() }))
        .sort((a, b) => byName(a, b) || a.processor.localeCompare(b.processor)),
      consents: [...this.#consents.values()].sort(byName),
      collection: [...this.#collection.values()].sort((a, b) => a.source.localeCompare(b.source)),
      erasures: { ...this.#erasures },
      alerts: { ...this.#alerts },
      timeline: this.#timeline(window),
    };
  }

  #row(purpose: string, processor: string): UsageRow {
    const key = `${purpose}\u0000${processor}`;
    let row = this.#usage.get(key);
    if (!row) {
      row = { purpose, processor, datasets: [], rows: 0, allowed: 0, denied: 0, flows: 0,
        violations: 0 };
      this.#usage.set(key, row);
    }
    return row;
  }

  #decision(entry: AuditEntry): void {
    const d = entry.data;
    const row = this.#row(text(d['purpose']), text(d['processor'] ?? entry.actor));
    const point = this.#point(entry.at);
    if (d['outcome'] === 'allow') {
      row.allowed += 1;
      point.allowed += 1;
      row.rows += count(d['rows']);
      const dataset = text(d['dataset']);
      if (!row.datasets.includes(dataset)) row.datasets.push(dataset);
    } else {
      row.denied += 1;
      point.denied += 1;
    }
  }

  #flow(entry: AuditEntry, options: { violation: boolean }): void {
    const d = entry.data;
    const row = this.#row(text(d['purpose']), text(d['processor'] ?? entry.actor));
    const point = this.#point(entry.at);
    row.flows += 1;
    point.flows += 1;
    if (options.violation) {
      row.violations += 1;
      point.violations += 1;
    }
  }

  /** A consent entry lists its changes, each with a purpose, a status and maybe a count. */
  #consent(d: Readonly<Record<string, unknown>>): void {
    const changes = Array.isArray(d['changes']) ? d['changes'] : [d];
    for (const change of changes) {
      if (typeof change !== 'object' || change === null) continue;
      const c = change as Record<string, unknown>;
      const purpose = text(c['purpose']);
      const row = this.#consents.get(purpose) ?? { purpose, grants: 0, withdrawals: 0 };
      const n = typeof c['count'] === 'number' ? count(c['count']) : 1;
      if (c['status'] === 'granted') row.grants += n;
      if (c['status'] === 'withdrawn' || c['status'] === 'denied') row.withdrawals += n;
      this.#consents.set(purpose, row);
    }
  }

  #collected(d: Readonly<Record<string, unknown>>): void {
    const source = text(d['source']);
    const row = this.#collection.get(source)
      ?? { source, dataset: text(d['dataset']), accepted: 0, rejected: 0, duplicates: 0 };
    row.accepted += count(d['accepted']);
    row.rejected += count(d['rejected']);
    row.duplicates += count(d['duplicates']);
    this.#collection.set(source, row);
  }

  #erased(entry: AuditEntry): void {
    const d = entry.data;
    if (entry.kind === 'expiry') this.#erasures.expiries += 1;
    else this.#erasures.requests += 1;
    this.#erasures.rows += sumOf(d['rows']) + sumOf(d['derivedRows'] ?? d['derived_rows']);
  }

  #point(at: number): TimelinePoint {
    const hour = Math.floor(at / HOUR_MS) * HOUR_MS;
    let point = this.#hours.get(hour);
    if (!point) {
      point = emptyPoint(hour);
      this.#hours.set(hour, point);
    }
    return point;
  }

  /** Hourly up to two days, daily beyond; empty buckets filled in. */
  #timeline(window: ReportWindow): UsageReport['timeline'] {
    const start = window.from ?? this.#first;
    const end = window.to ?? this.#last + 1;
    const empty = !Number.isFinite(start) || !Number.isFinite(end) || end <= start;
    if (empty) return { bucket: 'hour', points: [] };
    const bucket = end - start <= 2 * DAY_MS ? 'hour' : 'day';
    const size = bucket === 'hour' ? HOUR_MS : DAY_MS;
    const points = new Map<number, TimelinePoint>();
    const first = Math.floor(start / size) * size;
    const steps = Math.min(Math.ceil((end - first) / size), 2000);
    for (let i = 0; i < steps; i++) {
      const t = first + i * size;
      points.set(t, emptyPoint(t));
    }
    for (const [hour, p] of this.#hours) {
      const target = points.get(Math.floor(hour / size) * size);
      if (!target) continue;
      target.allowed += p.allowed;
      target.denied += p.denied;
      target.flows += p.flows;
      target.violations += p.violations;
    }
    return { bucket, points: [...points.values()] };
  }
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? '(none)' : String(value);
}

function emptyPoint(t: number): TimelinePoint {
  return { t: new Date(t).toISOString(), allowed: 0, denied: 0, flows: 0, violations: 0 };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function sumOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'object' || value === null) return 0;
  return Object.values(value).reduce<number>((sum, n) => sum + count(n), 0);
}
