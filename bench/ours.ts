import {
  emptyMask,
  hasBit,
  setBit,
} from '../src/policy/purpose-mask.js';
import type { PurposeMask } from '../src/policy/purpose-mask.js';
import { isWithin } from './scenario/purpose-names.js';
import type {
  Decider,
  DecisionRequest,
  Scenario,
} from './scenario/scenario-types.js';

/**
 * The "ours" side of the decision benchmarks.
 *
 * TODO(lead): this is a stand-in. The library's public API (`compilePolicy`,
 * `Guard`, `guard.prepare(...).decide(...)`) is not exported from
 * src/index.ts yet, so this file implements the same rule with the
 * project's purpose masks. Until it is replaced, every "ours" number
 * measures this stand-in, not the library.
 */
export const OURS_IMPLEMENTATION = 'stand-in';

interface PreparedCheck {
  decide(labelId: number, subject: string): boolean;
}

const DENY: PreparedCheck = { decide: () => false };

export async function createOursDecider(scenario: Scenario): Promise<Decider> {
  const compiled = compile(scenario);
  const checks = new Map<string, Map<string, PreparedCheck>>();
  return (request) => checkFor(compiled, checks, request)
    .decide(request.labelId, request.subject);
}

interface Compiled {
  readonly bits: ReadonlyMap<string, number>;
  readonly consentBits: PurposeMask;
  readonly processors: ReadonlyMap<string, PurposeMask>;
  readonly labels: readonly (PurposeMask | undefined)[];
  readonly consents: ReadonlyMap<string, PurposeMask>;
}

function checkFor(
  compiled: Compiled,
  checks: Map<string, Map<string, PreparedCheck>>,
  request: DecisionRequest,
): PreparedCheck {
  let byPurpose = checks.get(request.processor);
  if (byPurpose === undefined) {
    byPurpose = new Map();
    checks.set(request.processor, byPurpose);
  }
  let check = byPurpose.get(request.purpose);
  if (check === undefined) {
    check = prepare(compiled, request.processor, request.purpose);
    byPurpose.set(request.purpose, check);
  }
  return check;
}

function prepare(
  compiled: Compiled,
  processor: string,
  purpose: string,
): PreparedCheck {
  const bit = compiled.bits.get(purpose);
  const registered = compiled.processors.get(processor);
  if (bit === undefined || registered === undefined) return DENY;
  if (!hasBit(registered, bit)) return DENY;
  const needsConsent = hasBit(compiled.consentBits, bit);
  const { labels, consents } = compiled;
  return {
    decide(labelId, subject) {
      const label = labels[labelId];
      if (label === undefined || !hasBit(label, bit)) return false;
      if (!needsConsent) return true;
      const granted = consents.get(subject);
      return granted !== undefined && hasBit(granted, bit);
    },
  };
}

function compile(scenario: Scenario): Compiled {
  const names = scenario.purposes.map((purpose) => purpose.name);
  const bits = new Map(names.map((name, bit) => [name, bit]));
  const below = (roots: readonly string[]): PurposeMask =>
    maskOf(bits, names.filter((n) => roots.some((r) => isWithin(n, r))));
  const labels: (PurposeMask | undefined)[] = [];
  for (const label of scenario.labels) labels[label.id] = below(label.purposes);
  return {
    bits,
    consentBits: maskOf(bits, scenario.purposes
      .filter((purpose) => purpose.requiresConsent)
      .map((purpose) => purpose.name)),
    processors: new Map(scenario.processors
      .map((p) => [p.name, below(p.purposes)])),
    labels,
    consents: consentMasks(bits, scenario),
  };
}

function consentMasks(
  bits: ReadonlyMap<string, number>,
  scenario: Scenario,
): Map<string, PurposeMask> {
  const out = new Map<string, PurposeMask>();
  for (const { subject, purpose } of scenario.consents) {
    const bit = bits.get(purpose);
    if (bit === undefined) continue;
    const mask = out.get(subject) ?? emptyMask(bits.size);
    setBit(mask, bit);
    out.set(subject, mask);
  }
  return out;
}

function maskOf(
  bits: ReadonlyMap<string, number>,
  names: readonly string[],
): PurposeMask {
  const mask = emptyMask(bits.size);
  for (const name of names) {
    const bit = bits.get(name);
    if (bit !== undefined) setBit(mask, bit);
  }
  return mask;
}
