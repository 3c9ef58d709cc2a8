import { newEnforcer, newModelFromString } from 'casbin';
import { parentOf } from '../scenario/purpose-names.js';
import type {
  Decider,
  DecisionRequest,
  Scenario,
} from '../scenario/scenario-types.js';
import { CASBIN_MODEL, labelRole } from './casbin-model.js';

/** The record as Casbin's matcher sees it (`r.obj`). */
interface CasbinRecord {
  readonly label: string;
  readonly subject: string;
}

/**
 * The record decision evaluated by node-casbin: model from text, policy
 * and role links added in memory, each call through `enforceSync`.
 */
export async function createCasbinDecider(scenario: Scenario): Promise<Decider> {
  const enforcer = await newEnforcer(newModelFromString(CASBIN_MODEL));
  await enforcer.addPolicies(registrations(scenario));
  await enforcer.addNamedGroupingPolicies('g', [
    ...hierarchy(scenario),
    ...labelLinks(scenario),
  ]);
  await enforcer.addNamedGroupingPolicies('g2', consents(scenario));
  await enforcer.addNamedGroupingPolicies('g3', consentRequired(scenario));
  const labels = new Map(
    scenario.labels.map((label) => [label.id, labelRole(label.id)]));
  return (request) =>
    enforcer.enforceSync(
      request.processor,
      record(labels, request),
      request.purpose,
    );
}

function record(
  labels: ReadonlyMap<number, string>,
  request: DecisionRequest,
): CasbinRecord {
  const label = labels.get(request.labelId) ?? labelRole(request.labelId);
  return { label, subject: request.subject };
}

function registrations(scenario: Scenario): string[][] {
  return scenario.processors.flatMap((processor) =>
    processor.purposes.map((purpose) => [processor.name, purpose]));
}

function hierarchy(scenario: Scenario): string[][] {
  const out: string[][] = [];
  for (const { name } of scenario.purposes) {
    const parent = parentOf(name);
    if (parent !== null) out.push([name, parent]);
  }
  return out;
}

function labelLinks(scenario: Scenario): string[][] {
  return scenario.labels.flatMap((label) =>
    label.purposes.map((purpose) => [purpose, labelRole(label.id)]));
}

function consents(scenario: Scenario): string[][] {
  return scenario.consents.map(({ subject, purpose }) => [subject, purpose]);
}

function consentRequired(scenario: Scenario): string[][] {
  return scenario.purposes
    .filter((purpose) => purpose.requiresConsent)
    .map((purpose) => [purpose.name, 'consent']);
}
