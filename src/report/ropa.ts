import type { CompiledLabel } from '../decision/label-registry.js';
import type {
  CompiledPolicy,
  CompiledPurpose,
  CompiledSource,
  ConsentRule,
  RetentionRule,
} from '../policy/policy-types.js';
import { hasBit } from '../policy/purpose-mask.js';
import type { UsageReport } from './usage-report.js';

/** One processing activity (one purpose) of the record (GDPR Art. 30(1)). */
export interface RopaActivity {
  readonly purpose: string;
  readonly description: string;
  readonly parent: string | null;
  readonly dataCategories: readonly { readonly name: string; readonly special: string | null }[];
  readonly dataSubjects: readonly string[];
  readonly sources: readonly {
    readonly name: string;
    readonly kind: string;
    readonly dataset: string;
  }[];
  readonly datasets: readonly string[];
  readonly recipients: {
    readonly processors: readonly string[];
    readonly destinations: readonly string[];
  };
  readonly retention: readonly { readonly source: string; readonly rule: string }[];
  readonly consent: string;
  readonly jurisdictions: readonly string[];
  /** What the audit trail shows of the purpose in use. */
  readonly inUse: {
    readonly reads: number;
    readonly rows: number;
    readonly denied: number;
    readonly flows: number;
    readonly violations: number;
    readonly processors: readonly string[];
  };
}

export interface Ropa {
  readonly title: string;
  readonly generatedAt: string;
  readonly controller: readonly string[];
  readonly policy: { readonly file: string; readonly digest: string; readonly mode: string };
  readonly activities: readonly RopaActivity[];
}

const SUBJECTS: Readonly<Record<CompiledSource['kind'], string>> = {
  conversions_api: 'website and app visitors',
  customer_list: 'customers',
};

/**
 * A record of processing activities (GDPR Art. 30) from the policy, the
 * labels the store holds and the audit trail: per purpose, what data of
 * whom is processed, who receives it, how long it is kept, the consent it
 * needs and where; and what the trail shows of its use.
 *
 * @example
 * const ropa = buildRopa(policy, pg.guard.labels.all(), await buildUsageReport(store, policy, {}));
 */
export function buildRopa(
  policy: CompiledPolicy,
  labels: Iterable<CompiledLabel>,
  usage: UsageReport,
): Ropa {
  const stored = [...labels];
  return {
    title: 'Record of processing activities (GDPR Art. 30)',
    generatedAt: usage.generatedAt,
    controller: [...policy.owners],
    policy: usage.policy,
    activities: policy.purposeList
      .map((purpose) => activity(policy, purpose, stored, usage))
      .filter((a) => !groupingOnly(policy, a)),
  };
}

function activity(
  policy: CompiledPolicy,
  purpose: CompiledPurpose,
  labels: readonly CompiledLabel[],
  usage: UsageReport,
): RopaActivity {
  const sources = [...policy.sources.values()].filter((s) => grants(policy, s, purpose));
  const usable = labels.filter((l) => hasBit(l.mask, purpose.bit));
  const derived = [...policy.datasets.values()]
    .filter((d) => d.kind === 'derived' && hasBit(d.mask, purpose.bit))
    .map((d) => d.name);
  const datasets = unique([...sources.map((s) => s.dataset), ...derived]);
  return {
    purpose: purpose.name,
    description: purpose.description,
    parent: purpose.parent,
    dataCategories: categoriesOf(policy, purpose, sources, usable),
    dataSubjects: unique(sources.map((s) => SUBJECTS[s.kind])),
    sources: sources.map((s) => ({ name: s.name, kind: s.kind, dataset: s.dataset })),
    datasets,
    recipients: {
      processors: [...policy.processors.values()]
        .filter((p) => hasBit(p.mask, purpose.bit))
        .map((p) => p.name),
      destinations: [...policy.destinations.values()]
        .filter((d) => d.datasets.some((name) => datasets.includes(name)))
        .map((d) => d.name),
    },
    retention: sources.map((s) => ({ source: s.name, rule: retentionText(s.retention) })),
    consent: consentText(purpose.consent),
    jurisdictions: jurisdictionsOf(purpose, sources, usable),
    inUse: inUse(purpose.name, usage),
  };
}

/** A parent purpose nothing refers to directly is a heading, not an activity. */
function groupingOnly(policy: CompiledPolicy, a: RopaActivity): boolean {
  const parent = policy.purposeList.some((p) => p.parent === a.purpose);
  const used = a.inUse.reads + a.inUse.denied + a.inUse.flows > 0;
  return parent && !used && a.sources.length === 0 && a.datasets.length === 0
    && a.recipients.processors.length === 0;
}

/** A source grants a purpose when a rule adds it or a purpose above it. */
function grants(policy: CompiledPolicy, source: CompiledSource, purpose: CompiledPurpose): boolean {
  return source.rules.some((r) =>
    r.purposes.length > 0 && hasBit(policy.maskOf(r.purposes), purpose.bit));
}

function categoriesOf(
  policy: CompiledPolicy,
  purpose: CompiledPurpose,
  sources: readonly CompiledSource[],
  labels: readonly CompiledLabel[],
): RopaActivity['dataCategories'] {
  const names = new Set<string>();
  for (const source of sources) {
    for (const rule of source.rules) {
      if (rule.purposes.length > 0 && hasBit(policy.maskOf(rule.purposes), purpose.bit)) {
        for (const c of rule.categories) names.add(c);
      }
    }
  }
  for (const label of labels) for (const c of label.label.categories) names.add(c);
  return [...names].sort().map((name) => ({
    name,
    special: policy.categories.get(name)?.special ?? null,
  }));
}

function jurisdictionsOf(
  purpose: CompiledPurpose,
  sources: readonly CompiledSource[],
  labels: readonly CompiledLabel[],
): string[] {
  const out = new Set<string>();
  for (const s of sources) {
    if (s.jurisdiction) out.add(s.jurisdiction);
    for (const place of s.retention.byJurisdiction.keys()) out.add(place);
    for (const rule of s.rules) for (const j of rule.when.jurisdictions ?? []) out.add(j);
  }
  if (purpose.consent.kind === 'in') for (const j of purpose.consent.jurisdictions) out.add(j);
  for (const label of labels) out.add(label.label.jurisdiction);
  return [...out].sort();
}

function inUse(purpose: string, usage: UsageReport): RopaActivity['inUse'] {
  const rows = usage.usage.filter((u) => u.purpose === purpose);
  const sum = (pick: (u: (typeof rows)[number]) => number): number =>
    rows.reduce((n, u) => n + pick(u), 0);
  return {
    reads: sum((u) => u.allowed),
    rows: sum((u) => u.rows),
    denied: sum((u) => u.denied),
    flows: sum((u) => u.flows),
    violations: sum((u) => u.violations),
    processors: rows.filter((u) => u.allowed + u.flows > 0).map((u) => u.processor),
  };
}

function consentText(rule: ConsentRule): string {
  if (rule.kind === 'always') return 'consent required from every data subject';
  if (rule.kind === 'in') return `consent required in ${[...rule.jurisdictions].sort().join(', ')}`;
  return 'no consent required by the policy';
}

function retentionText(rule: RetentionRule): string {
  const parts = [rule.defaultMs === null ? 'kept until erased' : `${days(rule.defaultMs)} days`];
  for (const [place, ms] of rule.byJurisdiction) parts.push(`${place}: ${days(ms)} days`);
  return parts.join('; ');
}

function days(ms: number): number {
  return Math.round(ms / 86_400_000);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
