import type { EngineContext } from '../engine/context.js';
import type { StoredFlow } from '../store/store.js';
import type { FlowRecord } from './flow-types.js';
import { toOpenLineageEvents } from './openlineage.js';
import type { RunEvent } from './openlineage-types.js';

/** The producer URI OpenLineage events name by default. */
export const DEFAULT_PRODUCER = 'https://www.npmjs.com/package/purposeguard';

const FLOW_LIMIT = 1_000_000;

/**
 * Every recorded flow as an OpenLineage run event, oldest first, in the
 * namespace `purposeguard://OWNER` of the flow's owner.
 *
 * @example
 * const events = await openLineageExport(ctx);
 * await writeFile('lineage.jsonl', toJsonLines(events));
 */
export async function openLineageExport(
  ctx: EngineContext,
  options: { producer?: string } = {},
): Promise<RunEvent[]> {
  const flows = (await ctx.store.flows({ limit: FLOW_LIMIT })).sort((a, b) => a.id - b.id);
  const producer = options.producer ?? DEFAULT_PRODUCER;
  return flows.flatMap((flow) => toOpenLineageEvents([flowRecordOf(flow)], {
    namespace: `purposeguard://${flow.owner}`,
    producer,
  }));
}

/** A stored flow in the shape the exporters take. */
export function flowRecordOf(flow: StoredFlow): FlowRecord {
  return {
    id: flow.id,
    at: flow.at,
    owner: flow.owner,
    processor: flow.processor,
    purpose: flow.purpose,
    inputs: flow.inputs,
    output: flow.output,
    rows: flow.rows,
    outcome: flow.outcome,
    outputPurposes: flow.outputPurposes,
    reclassification: flow.reclassification,
  };
}
