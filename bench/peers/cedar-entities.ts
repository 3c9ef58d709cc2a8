import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { parentOf, selfAndAncestors } from '../scenario/purpose-names.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { CEDAR_NAMESPACE } from './cedar-policy.js';

/**
 * Cedar entities for a scenario, built once. A request passes only the
 * entities it touches: its processor, label, subject and purpose chain.
 */
export interface CedarEntityStore {
  processor(name: string): EntityJson;
  label(id: number): EntityJson;
  subject(id: string): EntityJson;
  /** The purpose and every purpose above it; an undeclared one alone. */
  purposeChain(name: string): readonly EntityJson[];
}

export function uid(type: string, id: string): TypeAndId {
  return { type: `${CEDAR_NAMESPACE}::${type}`, id };
}

export function createCedarEntityStore(scenario: Scenario): CedarEntityStore {
  const processors = byKey(scenario.processors.map((p) =>
    [p.name, entity('Processor', p.name, { registered: refs(p.purposes) })]));
  const labels = byKey(scenario.labels.map((l) =>
    [l.id, entity('Label', String(l.id), { allows: refs(l.purposes) })]));
  const subjects = subjectEntities(scenario);
  const chains = purposeChains(scenario);
  return {
    processor: (name) => cached(processors, name, () =>
      entity('Processor', name, { registered: [] })),
    label: (id) => cached(labels, id, () =>
      entity('Label', String(id), { allows: [] })),
    subject: (id) => cached(subjects, id, () =>
      entity('Subject', id, { consents: [] })),
    purposeChain: (name) => cached(chains, name, () =>
      [entity('Purpose', name, { requiresConsent: false })]),
  };
}

function subjectEntities(scenario: Scenario): Map<string, EntityJson> {
  const granted = new Map<string, string[]>();
  for (const { subject, purpose } of scenario.consents) {
    const list = granted.get(subject) ?? [];
    list.push(purpose);
    granted.set(subject, list);
  }
  const out = new Map<string, EntityJson>();
  for (const [subject, purposes] of granted) {
    out.set(subject, entity('Subject', subject, { consents: refs(purposes) }));
  }
  return out;
}

function purposeChains(scenario: Scenario): Map<string, EntityJson[]> {
  const consent = new Map(
    scenario.purposes.map((p) => [p.name, p.requiresConsent]));
  const out = new Map<string, EntityJson[]>();
  for (const { name } of scenario.purposes) {
    out.set(name, selfAndAncestors(name).map((n) =>
      purposeEntity(n, consent.get(n) ?? false)));
  }
  return out;
}

function purposeEntity(name: string, requiresConsent: boolean): EntityJson {
  const parent = parentOf(name);
  return {
    uid: uid('Purpose', name),
    attrs: { requiresConsent },
    parents: parent === null ? [] : [uid('Purpose', parent)],
  };
}

function entity(
  type: string,
  id: string,
  attrs: EntityJson['attrs'],
): EntityJson {
  return { uid: uid(type, id), attrs, parents: [] };
}

function refs(purposes: readonly string[]): { __entity: TypeAndId }[] {
  return purposes.map((name) => ({ __entity: uid('Purpose', name) }));
}

function byKey<K, V>(entries: [K, V][]): Map<K, V> {
  return new Map(entries);
}

function cached<K, V>(map: Map<K, V>, key: K, build: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = build();
    map.set(key, value);
  }
  return value;
}
