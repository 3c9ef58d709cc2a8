import { createHash } from 'node:crypto';
import { createPrng } from './prng.js';
import type { Prng } from './prng.js';
import type {
  Scenario,
  ScenarioConsent,
  ScenarioLabel,
  ScenarioProcessor,
  ScenarioPurpose,
} from './scenario-types.js';

/**
 * The purposes and processors of examples/policy.yaml. Labels here are
 * US records, where `ads.audience.lookalike` needs no consent.
 */
export const REFERENCE_PURPOSES: readonly ScenarioPurpose[] = [
  { name: 'ads', requiresConsent: false },
  { name: 'ads.optimization', requiresConsent: false },
  { name: 'ads.measurement', requiresConsent: false },
  { name: 'ads.audience', requiresConsent: false },
  { name: 'ads.audience.custom', requiresConsent: false },
  { name: 'ads.audience.lookalike', requiresConsent: false },
  { name: 'ai', requiresConsent: false },
  { name: 'ai.training', requiresConsent: true },
  { name: 'analytics', requiresConsent: false },
  { name: 'analytics.external', requiresConsent: true },
];

export const REFERENCE_PROCESSORS: readonly ScenarioProcessor[] = [
  { name: 'ads-ranker', purposes: ['ads.optimization'] },
  { name: 'lookalike-builder', purposes: ['ads.audience.lookalike'] },
  { name: 'model-trainer', purposes: ['ai.training'] },
  { name: 'bi-export', purposes: ['analytics.external'] },
];

export interface ReferenceOptions {
  readonly labels: number;
  readonly subjects: number;
  readonly seed: number;
}

export const REFERENCE_DEFAULTS: ReferenceOptions = {
  labels: 50,
  subjects: 10_000,
  seed: 20240601,
};

/** The reference scenario with generated labels, subjects and consents. */
export function referenceScenario(
  options: ReferenceOptions = REFERENCE_DEFAULTS,
): Scenario {
  const prng = createPrng(options.seed);
  return {
    processors: REFERENCE_PROCESSORS,
    purposes: REFERENCE_PURPOSES,
    labels: generateLabels(prng, options.labels),
    consents: generateConsents(prng, subjectIds(options.subjects)),
  };
}

/** Subject ids shaped like hashed e-mail addresses. */
export function subjectIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => sha256(`subject-${i}`));
}

function generateLabels(prng: Prng, count: number): ScenarioLabel[] {
  const names = REFERENCE_PURPOSES.map((purpose) => purpose.name);
  return Array.from({ length: count }, (_, id) => ({
    id,
    purposes: names.filter(() => prng.next() < 0.3),
  }));
}

function generateConsents(
  prng: Prng,
  subjects: readonly string[],
): ScenarioConsent[] {
  const out: ScenarioConsent[] = [];
  for (const subject of subjects) {
    if (prng.next() < 0.4) out.push({ subject, purpose: 'ai.training' });
    if (prng.next() < 0.3) {
      out.push({ subject, purpose: 'analytics.external' });
    }
  }
  return out;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
