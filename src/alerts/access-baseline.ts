import type { AlertSettings } from '../policy/policy-types.js';
import type { AuditEntry } from '../store/store.js';
import type { AlertKind, AlertValue } from './alert.js';

/** One allowed read, as the decision reports it. */
export interface ReadFacts {
  readonly processor: string;
  readonly purpose: string;
  readonly dataset: string;
  readonly rows: number;
}

/** Something unusual about an access. */
export interface Finding {
  readonly alert: AlertKind;
  readonly details: Readonly<Record<string, AlertValue>>;
}

/** Reads per processor and dataset the baseline is the median of. */
export const BASELINE_READS = 20;
/** Earlier reads needed before a read can be called a spike. */
const MIN_HISTORY = 3;
const MINUTE_MS = 60_000;

/**
 * What is usual for each processor: the row counts of its last reads of
 * each dataset, and the purposes it has read under. The baseline of a
 * processor and dataset is the median of its last 20 reads, so one large
 * read does not move it much. A read is a spike when it returns more than
 * `read_spike_factor` times the baseline and at least
 * `read_baseline_min_rows` rows (small reads are never alarming, however
 * small the baseline). A purpose a processor never read under before is
 * new. More than `denial_spike_per_minute` denials within a minute are a
 * denial spike, reported once per minute.
 */
export class AccessBaseline {
  readonly #settings: AlertSettings;
  readonly #reads = new Map<string, number[]>();
  readonly #purposes = new Set<string>();
  #denials: number[] = [];
  #lastDenialSpike = Number.NEGATIVE_INFINITY;

  constructor(settings: AlertSettings) {
    this.#settings = settings;
  }

  /**
   * Seeds from the trail: decisions newest first, and earlier
   * `new_purpose` alerts (purposes first used longer ago than the
   * decisions reach back).
   */
  seed(decisions: readonly AuditEntry[], alerts: readonly AuditEntry[]): void {
    for (const entry of alerts) {
      const d = entry.data;
      if (d['alert'] === 'new_purpose') this.#purposes.add(pairKey(d['processor'], d['purpose']));
    }
    for (const entry of [...decisions].reverse()) {
      const d = entry.data;
      if (d['outcome'] !== 'allow' || typeof d['rows'] !== 'number') continue;
      this.#remember({
        processor: String(d['processor']),
        purpose: String(d['purpose']),
        dataset: String(d['dataset']),
        rows: d['rows'],
      });
    }
  }

  /** Checks an allowed read against the baseline, then adds it. */
  read(facts: ReadFacts): Finding[] {
    const findings: Finding[] = [];
    if (!this.#purposes.has(pairKey(facts.processor, facts.purpose))) {
      findings.push({ alert: 'new_purpose', details: { ...facts } });
    }
    const spike = this.#spike(facts);
    if (spike) findings.push(spike);
    this.#remember(facts);
    return findings;
  }

  /** Counts a denial at `now`; a finding when they spike. */
  denial(now: number): Finding | null {
    this.#denials = this.#denials.filter((t) => t > now - MINUTE_MS);
    this.#denials.push(now);
    const limit = this.#settings.denialSpikePerMinute;
    if (this.#denials.length <= limit || now - this.#lastDenialSpike < MINUTE_MS) return null;
    this.#lastDenialSpike = now;
    return { alert: 'denial_spike', details: { denials_last_minute: this.#denials.length, limit } };
  }

  #spike(facts: ReadFacts): Finding | null {
    const history = this.#reads.get(readKey(facts)) ?? [];
    if (history.length < MIN_HISTORY) return null;
    const baseline = median(history);
    const { readSpikeFactor: factor, readBaselineMinRows: minRows } = this.#settings;
    if (facts.rows < minRows || facts.rows <= factor * Math.max(baseline, 1)) return null;
    return {
      alert: 'read_spike',
      details: { ...facts, baseline_rows: baseline, factor, baseline_reads: history.length },
    };
  }

  #remember(facts: ReadFacts): void {
    this.#purposes.add(pairKey(facts.processor, facts.purpose));
    const key = readKey(facts);
    const history = this.#reads.get(key) ?? [];
    history.push(facts.rows);
    if (history.length > BASELINE_READS) history.shift();
    this.#reads.set(key, history);
  }
}

function pairKey(processor: unknown, purpose: unknown): string {
  return `${String(processor)}\u0000${String(purpose)}`;
}

function readKey(facts: ReadFacts): string {
  return `${facts.processor}\u0000${facts.dataset}`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}
