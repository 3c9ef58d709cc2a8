import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { SchemaObject, ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { RunEvent } from '../src/lineage/openlineage-types.js';
import { readSharedData } from './shared-data.js';

export const MAIN_ID = 'https://openlineage.io/spec/2-0-2/OpenLineage.json';

function readSchema(file: string): SchemaObject {
  const schema: unknown = JSON.parse(readSharedData(`openlineage/${file}`));
  assert.ok(typeof schema === 'object' && schema !== null);
  return schema;
}

/** All schemas registered under their `$id`, so no `$ref` goes online. */
function schemas(): Ajv2020 {
  // The published schema uses `not: { required }` on properties it defines
  // elsewhere, which only the strictRequired check objects to.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  ajv.addKeyword('example');
  formats.default(ajv);
  ajv.addSchema(readSchema('OpenLineage-2-0-2.schema.json'));
  ajv.addSchema(readSchema('TagsDatasetFacet.json'));
  return ajv;
}

export const ajv = schemas();

export function validator(ref: string): ValidateFunction {
  const validate = ajv.getSchema(ref);
  assert.ok(validate, `schema not registered: ${ref}`);
  return validate;
}

export const validateEvent = validator(MAIN_ID);

export function assertValid(validate: ValidateFunction, value: unknown): void {
  assert.ok(validate(value), ajv.errorsText(validate.errors));
}

/** The whole event, the RunEvent it names, and every tags facet it holds. */
export function assertValidEvent(event: RunEvent): void {
  assertValid(validateEvent, event);
  assertValid(validator(event.schemaURL), event);
  for (const dataset of [...event.inputs, ...event.outputs]) {
    const facet = dataset.facets.tags;
    assertValid(validator(facet._schemaURL), facet);
  }
}
