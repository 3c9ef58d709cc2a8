import {
  preparsePolicySet,
  preparseSchema,
  statefulIsAuthorized,
} from '@cedar-policy/cedar-wasm/nodejs';
import type {
  AuthorizationAnswer,
  CheckParseAnswer,
  StatefulAuthorizationCall,
} from '@cedar-policy/cedar-wasm/nodejs';
import type {
  Decider,
  DecisionRequest,
  Scenario,
} from '../scenario/scenario-types.js';
import { createCedarEntityStore, uid } from './cedar-entities.js';
import type { CedarEntityStore } from './cedar-entities.js';
import { CEDAR_POLICIES, CEDAR_SCHEMA } from './cedar-policy.js';

const SCHEMA_NAME = 'purposeguard-bench';
let nextPolicySetId = 0;

/**
 * The record decision evaluated by Cedar (cedar-wasm). Schema and
 * policies are preparsed once into the module's cache; each call goes
 * through `statefulIsAuthorized` with request validation against the
 * schema, passing only the entities the request touches.
 */
export async function createCedarDecider(scenario: Scenario): Promise<Decider> {
  expectParsed(preparseSchema(SCHEMA_NAME, CEDAR_SCHEMA), 'schema');
  const policySetId = `purposeguard-bench-${nextPolicySetId++}`;
  expectParsed(
    preparsePolicySet(policySetId, { staticPolicies: CEDAR_POLICIES }),
    'policies',
  );
  const store = createCedarEntityStore(scenario);
  return (request) =>
    isAllowed(statefulIsAuthorized(call(store, policySetId, request)));
}

const ACTION = uid('Action', 'use');

function call(
  store: CedarEntityStore,
  policySetId: string,
  request: DecisionRequest,
): StatefulAuthorizationCall {
  const processor = store.processor(request.processor);
  const label = store.label(request.labelId);
  const subject = store.subject(request.subject);
  const chain = store.purposeChain(request.purpose);
  return {
    principal: processor.uid,
    action: ACTION,
    resource: label.uid,
    context: {
      purpose: { __entity: uid('Purpose', request.purpose) },
      subject: { __entity: uid('Subject', request.subject) },
    },
    preparsedSchemaName: SCHEMA_NAME,
    validateRequest: true,
    preparsedPolicySetId: policySetId,
    entities: [processor, label, subject, ...chain],
  };
}

/** Anything but a successful `allow` is a denial. */
function isAllowed(answer: AuthorizationAnswer): boolean {
  return answer.type === 'success' && answer.response.decision === 'allow';
}

function expectParsed(answer: CheckParseAnswer, what: string): void {
  if (answer.type === 'success') return;
  const messages = answer.errors.map((error) => error.message).join('; ');
  throw new Error(`cedar rejected the ${what}: ${messages}`);
}
