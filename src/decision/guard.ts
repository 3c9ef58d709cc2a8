import { isReclassified } from '../label.js';
import type { CompiledPolicy, CompiledPurpose } from '../policy/policy-types.js';
import { hasBit } from '../policy/purpose-mask.js';
import { ConsentView } from './consent-view.js';
import { allow, deny, ERROR_DENIAL } from './decision.js';
import type { Decision } from './decision.js';
import { LabelRegistry } from './label-registry.js';
import type { CompiledLabel } from './label-registry.js';

export interface PurposeRequest {
  readonly processor: string;
  readonly purpose: string;
}

export interface RecordRequest {
  /** The id of the record's label (see `guard.labels`). */
  readonly labelId: number;
  /** The record's data subject, needed when the purpose requires consent. */
  readonly subject: string | null;
}

/**
 * The decision engine. It answers two questions: may this processor use
 * data for this purpose at all, and may it use this record for it.
 *
 * @example
 * const guard = new Guard(compilePolicy(text));
 * const label = guard.labels.intern({ purposes: ['ads'], categories: [],
 *   source: 'web', jurisdiction: 'US', flags: [] });
 * const check = guard.prepare({ processor: 'ads-ranker', purpose: 'ads.optimization' });
 * check.decide({ labelId: label, subject: null }).allowed; // true
 */
export class Guard {
  readonly policy: CompiledPolicy;
  readonly labels: LabelRegistry;
  readonly consents: ConsentView;
  readonly #prepared = new Map<string, PreparedCheck>();

  constructor(policy: CompiledPolicy, options: { labels?: LabelRegistry } = {}) {
    this.policy = policy;
    this.labels = options.labels ?? new LabelRegistry(policy);
    this.consents = new ConsentView();
  }

  /**
   * Resolves the processor and the purpose once, for many record checks.
   * Only pairs the policy declares are remembered, so callers sending
   * names of their own cannot grow the cache without bound.
   */
  prepare(request: PurposeRequest): PreparedCheck {
    const key = `${request.processor}\u0000${request.purpose}`;
    const known = this.#prepared.get(key);
    if (known) return known;
    const check = new PreparedCheck(this, request);
    const { processors, purposes } = this.policy;
    if (processors.has(request.processor) && purposes.has(request.purpose)) {
      this.#prepared.set(key, check);
    }
    return check;
  }

  /** May the processor use data for the purpose at all? */
  authorize(request: PurposeRequest): Decision {
    return this.prepare(request).gate;
  }

  /** May the processor use this record for the purpose? */
  decide(request: PurposeRequest & RecordRequest): Decision {
    return this.prepare(request).decide(request);
  }

  /**
   * The purposes a subject must have granted before a record with this
   * label may serve `purpose`: the purpose and its ancestors that require
   * consent where the record was collected. A reclassified label has no
   * data subjects left, so it needs none.
   */
  consentNeeded(purpose: CompiledPurpose, label: CompiledLabel): string[] {
    const needed: string[] = [];
    if (isReclassified(label.label)) return needed;
    for (let p: CompiledPurpose | undefined = purpose; p; p = this.#parent(p)) {
      if (requiresConsent(p, label.places)) needed.push(p.name);
    }
    return needed;
  }

  #parent(purpose: CompiledPurpose): CompiledPurpose | undefined {
    return purpose.parent === null ? undefined : this.policy.purposes.get(purpose.parent);
  }
}

function requiresConsent(purpose: CompiledPurpose, places: ReadonlySet<string>): boolean {
  const rule = purpose.consent;
  if (rule.kind === 'none') return false;
  if (rule.kind === 'always') return true;
  for (const place of places) if (rule.jurisdictions.has(place)) return true;
  return false;
}

/** A processor and purpose resolved once; `decide` is a few bit tests. */
export class PreparedCheck {
  /** The decision on the processor and purpose alone. */
  readonly gate: Decision;
  readonly purpose: CompiledPurpose | null;
  readonly owner: string | null;
  readonly #guard: Guard;
  readonly #bit: number;
  readonly #needs: (readonly string[] | undefined)[] = [];
  readonly #labelAllows: Decision;
  readonly #labelDisallows: Decision;
  readonly #noConsent: Decision;
  readonly #unknownLabel: Decision;

  constructor(guard: Guard, request: PurposeRequest) {
    this.#guard = guard;
    const policy = guard.policy;
    const processor = policy.processors.get(request.processor);
    const purpose = policy.purposes.get(request.purpose);
    this.purpose = purpose ?? null;
    this.owner = processor?.owner ?? null;
    this.#bit = purpose?.bit ?? -1;
    this.gate = gateOf(request, processor !== undefined, purpose !== undefined,
      processor !== undefined && purpose !== undefined && hasBit(processor.mask, purpose.bit));
    const p = `'${request.purpose}'`;
    this.#labelAllows = allow('label_allows', `the record's label allows ${p}`);
    this.#labelDisallows = deny('label_disallows', `the record's label does not allow ${p}`);
    this.#noConsent = deny('consent_missing', `the data subject has not consented to ${p}`);
    this.#unknownLabel = deny('label_disallows', 'the record has no known label');
  }

  decide(record: RecordRequest): Decision {
    if (!this.gate.allowed) return this.gate;
    try {
      const label = this.#guard.labels.get(record.labelId);
      if (!label) return this.#unknownLabel;
      if (!hasBit(label.mask, this.#bit)) return this.#labelDisallows;
      const needs = this.needs(label);
      if (needs.length === 0) return this.#labelAllows;
      const subject = record.subject;
      if (subject === null) return this.#noConsent;
      for (const purpose of needs) {
        if (!this.#guard.consents.has(subject, purpose)) return this.#noConsent;
      }
      return this.#labelAllows;
    } catch {
      return ERROR_DENIAL;
    }
  }

  /** Consent purposes a record with this label needs for this purpose. */
  needs(label: CompiledLabel): readonly string[] {
    let needs = this.#needs[label.id];
    if (needs === undefined && this.purpose) {
      needs = this.#guard.consentNeeded(this.purpose, label);
      this.#needs[label.id] = needs;
    }
    return needs ?? [];
  }
}

function gateOf(
  request: PurposeRequest,
  processorKnown: boolean,
  purposeKnown: boolean,
  registered: boolean,
): Decision {
  if (!processorKnown) return deny('unknown_processor', `unknown processor '${request.processor}'`);
  if (!purposeKnown) return deny('unknown_purpose', `unknown purpose '${request.purpose}'`);
  if (!registered) {
    return deny('not_registered', `processor '${request.processor}' is not registered for purpose '${request.purpose}'`);
  }
  return allow('registered', `processor '${request.processor}' is registered for purpose '${request.purpose}'`);
}
