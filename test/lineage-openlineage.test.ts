import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PurposeGuardError } from '../src/errors.js';
import type { FlowRecord } from '../src/lineage/flow-types.js';
import {
  toJsonLines,
  toOpenLineageEvents,
} from '../src/lineage/openlineage.js';
import type { RunEvent } from '../src/lineage/openlineage-types.js';
import { flowRunId, uuidV5 } from '../src/lineage/run-id.js';
import {
  assertValid,
  assertValidEvent,
  MAIN_ID,
  validateEvent,
  validator,
} from './openlineage-schema.js';

const OPTIONS = {
  namespace: 'purposeguard://acme',
  producer: 'https://example.com/purposeguard/v0.1.0',
};

function flow(overrides: Partial<FlowRecord> = {}): FlowRecord {
  return {
    id: 7,
    at: Date.UTC(2025, 0, 15, 9, 30),
    owner: 'acme',
    processor: 'lookalike-builder',
    purpose: 'ads.audience.lookalike',
    inputs: ['events', 'customers'],
    output: 'lookalike_seeds',
    rows: 120,
    outcome: 'allowed',
    outputPurposes: ['ads.audience.lookalike'],
    reclassification: null,
    ...overrides,
  };
}

const violation = flow({
  id: 8,
  processor: 'model-trainer',
  purpose: 'ai.training',
  inputs: ['events'],
  output: 'ai_corpus',
  outcome: 'violation',
  outputPurposes: ['ads.optimization', 'ads.measurement'],
});

const denied = flow({
  id: 9,
  processor: 'model-trainer',
  purpose: 'ai.training',
  inputs: ['events'],
  output: 'ai_corpus',
  rows: 0,
  outcome: 'denied',
  outputPurposes: [],
});

function onlyEvent(record: FlowRecord): RunEvent {
  const [event, ...rest] = toOpenLineageEvents([record], OPTIONS);
  assert.ok(event);
  assert.equal(rest.length, 0);
  return event;
}

function tagsOf(event: RunEvent, side: 'inputs' | 'outputs'): string[] {
  return event[side].flatMap((dataset) =>
    dataset.facets.tags.tags.map((tag) => `${tag.key}=${tag.value}`));
}

describe('toOpenLineageEvents', () => {
  it('exports an allowed flow as a valid COMPLETE run event', () => {
    const event = onlyEvent(flow());
    assertValidEvent(event);
    assert.equal(event.eventType, 'COMPLETE');
    assert.equal(event.eventTime, '2025-01-15T09:30:00.000Z');
    assert.deepEqual(event.job, {
      namespace: OPTIONS.namespace,
      name: 'lookalike-builder',
    });
    assert.deepEqual(event.inputs.map((d) => d.name), ['events', 'customers']);
    assert.deepEqual(event.outputs.map((d) => d.name), ['lookalike_seeds']);
    assert.deepEqual(tagsOf(event, 'inputs'), [
      'purposeguard.read_purpose=ads.audience.lookalike',
      'purposeguard.read_purpose=ads.audience.lookalike',
    ]);
  });

  it('exports a violation as COMPLETE, tagged with outcome and purposes', () => {
    const event = onlyEvent(violation);
    assertValidEvent(event);
    assert.equal(event.eventType, 'COMPLETE');
    assert.deepEqual(tagsOf(event, 'outputs'), [
      'purposeguard.purpose=ads.measurement',
      'purposeguard.purpose=ads.optimization',
      'purposeguard.outcome=violation',
      'purposeguard.owner=acme',
      'purposeguard.rows=120',
    ]);
  });

  it('exports a denied flow as FAIL, keeping the intended output', () => {
    const event = onlyEvent(denied);
    assertValidEvent(event);
    assert.equal(event.eventType, 'FAIL');
    assert.deepEqual(event.outputs.map((d) => d.name), ['ai_corpus']);
    assert.ok(tagsOf(event, 'outputs').includes('purposeguard.outcome=denied'));
  });

  it('tags a reclassification', () => {
    const event = onlyEvent(flow({ reclassification: 'daily-aggregate' }));
    assertValidEvent(event);
    const tags = tagsOf(event, 'outputs');
    assert.ok(tags.includes('purposeguard.reclassification=daily-aggregate'));
  });

  it('lists a dataset read twice once', () => {
    const event = onlyEvent(flow({ inputs: ['events', 'events'] }));
    assert.deepEqual(event.inputs.map((d) => d.name), ['events']);
  });

  it('derives a stable version 5 run id from namespace and flow id', () => {
    const [a, b] = toOpenLineageEvents([flow(), violation], OPTIONS);
    const [again] = toOpenLineageEvents([flow()], OPTIONS);
    const other = toOpenLineageEvents([flow()], {
      ...OPTIONS,
      namespace: 'purposeguard://globex',
    })[0];
    assert.equal(a?.run.runId, again?.run.runId);
    assert.equal(a?.run.runId, flowRunId(OPTIONS.namespace, 7));
    assert.notEqual(a?.run.runId, b?.run.runId);
    assert.notEqual(a?.run.runId, other?.run.runId);
    assert.match(a?.run.runId ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab]/);
  });

  it('refuses a producer that is not an absolute URI', () => {
    const options = { ...OPTIONS, producer: 'purposeguard' };
    assert.throws(() => toOpenLineageEvents([], options), isInvalidRequest);
  });

  it('refuses an empty namespace', () => {
    const options = { ...OPTIONS, namespace: '' };
    assert.throws(() => toOpenLineageEvents([], options), isInvalidRequest);
  });

  for (const at of [Number.NaN, -1, Date.UTC(10_000, 0, 1)]) {
    it(`refuses a flow time of ${at}`, () => {
      assert.throws(() => toOpenLineageEvents([flow({ at })], OPTIONS), isInvalidRequest);
    });
  }
});

function isInvalidRequest(error: unknown): boolean {
  assert.ok(error instanceof PurposeGuardError);
  assert.equal(error.code, 'invalid_request');
  return true;
}

describe('the schema check itself', () => {
  const good = (): Record<string, unknown> => {
    const copy: unknown = structuredClone(onlyEvent(violation));
    assert.ok(typeof copy === 'object' && copy !== null);
    return { ...copy };
  };

  it('rejects an event without a run id', () => {
    const event = good();
    event['run'] = {};
    assert.equal(validateEvent(event), false);
  });

  it('rejects a run id that is not a UUID', () => {
    const event = good();
    event['run'] = { runId: 'flow-8' };
    assert.equal(validateEvent(event), false);
  });

  it('rejects an event time without a zone', () => {
    const event = good();
    event['eventTime'] = '2025-01-15T09:30:00';
    assert.equal(validateEvent(event), false);
  });

  it('rejects a run event without its run', () => {
    const event = good();
    delete event['run'];
    // The top-level oneOf would accept this as a JobEvent; RunEvent must not.
    assert.equal(validator(`${MAIN_ID}#/$defs/RunEvent`)(event), false);
  });

  it('rejects a tags facet without its producer', () => {
    const facet = onlyEvent(violation).outputs[0]?.facets.tags;
    assert.ok(facet);
    const validateFacet = validator(facet._schemaURL);
    assert.equal(validateFacet(facet), true);
    const { _producer, ...withoutProducer } = facet;
    assert.ok(_producer);
    assert.equal(validateFacet(withoutProducer), false);
  });
});

describe('uuidV5', () => {
  it('matches the RFC 4122 name-based example for the DNS namespace', () => {
    const dns = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
    assert.equal(uuidV5('www.example.com', dns), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});

describe('toJsonLines', () => {
  it('writes one valid event per line', () => {
    const events = toOpenLineageEvents([flow(), violation, denied], OPTIONS);
    const text = toJsonLines(events);
    assert.ok(text.endsWith('\n'));
    const lines = text.slice(0, -1).split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) assertValid(validateEvent, JSON.parse(line));
    assert.deepEqual(lines.map((line) => JSON.parse(line)), events);
  });

  it('writes nothing for no events', () => {
    assert.equal(toJsonLines([]), '');
  });
});
