/**
 * Counters and histograms in the Prometheus text exposition format
 * (version 0.0.4), kept in memory by label set.
 */
type Labels = Readonly<Record<string, string>>;

interface Series<T> {
  readonly labels: Labels;
  value: T;
}

abstract class Metric<T> {
  readonly name: string;
  readonly help: string;
  protected readonly series = new Map<string, Series<T>>();

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  protected seriesOf(labels: Labels, fresh: () => T): Series<T> {
    const key = labelText(labels);
    let found = this.series.get(key);
    if (!found) {
      found = { labels, value: fresh() };
      this.series.set(key, found);
    }
    return found;
  }

  abstract render(): string;
}

export class Counter extends Metric<number> {
  inc(labels: Labels = {}, by = 1): void {
    this.seriesOf(labels, () => 0).value += by;
  }

  override render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const s of this.series.values()) {
      lines.push(`${this.name}${labelText(s.labels)} ${s.value}`);
    }
    return lines.join('\n');
  }
}

interface Buckets {
  readonly counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Metric<Buckets> {
  readonly #bounds: readonly number[];

  constructor(name: string, help: string, bounds: readonly number[]) {
    super(name, help);
    this.#bounds = bounds;
  }

  observe(labels: Labels, value: number): void {
    const fresh = (): Buckets => ({ counts: this.#bounds.map(() => 0), sum: 0, count: 0 });
    const s = this.seriesOf(labels, fresh);
    this.#bounds.forEach((bound, i) => {
      if (value <= bound) s.value.counts[i] = (s.value.counts[i] ?? 0) + 1;
    });
    s.value.sum += value;
    s.value.count += 1;
  }

  override render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.#bounds.forEach((bound, i) => {
        const labels = labelText({ ...s.labels, le: String(bound) });
        lines.push(`${this.name}_bucket${labels} ${s.value.counts[i] ?? 0}`);
      });
      lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.value.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${s.value.sum}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.value.count}`);
    }
    return lines.join('\n');
  }
}

/** A set of metrics rendered together. */
export class MetricRegistry {
  readonly #metrics: Metric<unknown>[] = [];

  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help));
  }

  histogram(name: string, help: string, bounds: readonly number[]): Histogram {
    return this.#add(new Histogram(name, help, bounds));
  }

  render(): string {
    return `${this.#metrics.map((m) => m.render()).join('\n')}\n`;
  }

  #add<M extends Metric<unknown>>(metric: M): M {
    this.#metrics.push(metric);
    return metric;
  }
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeValue(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function escapeValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
