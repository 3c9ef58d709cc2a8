/**
 * Recorded flows as OpenLineage 2-0-2 run events, so that existing lineage
 * tools can draw where data went and under which purposes.
 */
import { PurposeGuardError } from '../errors.js';
import type { FlowRecord } from './flow-types.js';
import {
  RUN_EVENT_SCHEMA_URL,
  TAGS_FACET_SCHEMA_URL,
} from './openlineage-types.js';
import type {
  DatasetTag,
  LineageDataset,
  RunEvent,
  RunEventType,
} from './openlineage-types.js';
import { flowRunId } from './run-id.js';

export interface OpenLineageOptions {
  /** Namespace of the jobs and datasets, such as `purposeguard://acme`. */
  readonly namespace: string;
  /** Absolute URI naming this exporter, required by the spec. */
  readonly producer: string;
}

const TAG_SOURCE = 'PURPOSEGUARD';

/** Later times need an expanded year, which RFC 3339 date-times forbid. */
const END_OF_YEAR_9999 = Date.UTC(10_000, 0, 1);

/**
 * One run event per flow: `COMPLETE` for flows that wrote their output
 * (including violations recorded in `log` mode), `FAIL` for denied ones.
 * The job is the processor; the run id is stable for a namespace and flow
 * id, so exporting twice does not create new runs.
 *
 * Input datasets are tagged with the purpose they were read for; the output
 * is tagged with its label's purposes, the outcome, the owner, the row count
 * and any reclassification. A denied flow keeps its intended output so the
 * attempt stays visible; its `FAIL` type says nothing was written.
 *
 * @example
 * const events = toOpenLineageEvents(flows, {
 *   namespace: 'purposeguard://acme',
 *   producer: 'https://example.com/purposeguard',
 * });
 * events[0]?.eventType; // 'COMPLETE'
 */
export function toOpenLineageEvents(
  flows: readonly FlowRecord[],
  options: OpenLineageOptions,
): RunEvent[] {
  checkOptions(options);
  return flows.map((flow) => toRunEvent(flow, options));
}

/**
 * Events as JSON Lines: one event per line, each line ending in `\n`.
 *
 * @example
 * await writeFile('lineage.jsonl', toJsonLines(events));
 */
export function toJsonLines(events: readonly RunEvent[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('');
}

function toRunEvent(flow: FlowRecord, options: OpenLineageOptions): RunEvent {
  checkFlow(flow);
  const read = readTags(flow);
  return {
    eventType: eventTypeOf(flow),
    eventTime: new Date(flow.at).toISOString(),
    producer: options.producer,
    schemaURL: RUN_EVENT_SCHEMA_URL,
    run: { runId: flowRunId(options.namespace, flow.id) },
    job: { namespace: options.namespace, name: flow.processor },
    inputs: unique(flow.inputs).map((name) => dataset(name, read, options)),
    outputs: [dataset(flow.output, writeTags(flow), options)],
  };
}

function eventTypeOf(flow: FlowRecord): RunEventType {
  return flow.outcome === 'denied' ? 'FAIL' : 'COMPLETE';
}

function dataset(
  name: string,
  tags: readonly DatasetTag[],
  options: OpenLineageOptions,
): LineageDataset {
  const facet = {
    _producer: options.producer,
    _schemaURL: TAGS_FACET_SCHEMA_URL,
    tags,
  };
  return { namespace: options.namespace, name, facets: { tags: facet } };
}

function readTags(flow: FlowRecord): DatasetTag[] {
  return [tag('purposeguard.read_purpose', flow.purpose)];
}

function writeTags(flow: FlowRecord): DatasetTag[] {
  const purposes = [...unique(flow.outputPurposes)].sort();
  const tags = [
    ...purposes.map((purpose) => tag('purposeguard.purpose', purpose)),
    tag('purposeguard.outcome', flow.outcome),
    tag('purposeguard.owner', flow.owner),
    tag('purposeguard.rows', String(flow.rows)),
  ];
  if (flow.reclassification !== null) {
    tags.push(tag('purposeguard.reclassification', flow.reclassification));
  }
  return tags;
}

function tag(key: string, value: string): DatasetTag {
  return { key, value, source: TAG_SOURCE };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function checkOptions(options: OpenLineageOptions): void {
  if (options.namespace.length === 0) {
    throw invalid('openlineage namespace is empty');
  }
  if (!URL.canParse(options.producer)) {
    throw invalid('openlineage producer must be an absolute URI');
  }
}

function checkFlow(flow: FlowRecord): void {
  if (!Number.isSafeInteger(flow.id) || flow.id < 0) {
    throw invalid('flow id must be a non-negative integer');
  }
  if (!(flow.at >= 0 && flow.at < END_OF_YEAR_9999)) {
    throw invalid(`flow ${flow.id}: invalid time`);
  }
}

function invalid(message: string): PurposeGuardError {
  return new PurposeGuardError('invalid_request', message);
}
