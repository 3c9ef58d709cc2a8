import type { EngineContext } from '../engine/context.js';
import { PurposeGuardError } from '../errors.js';
import type { StoredFlow } from '../store/store.js';

/** Flows between two datasets by one processor for one purpose, summed. */
export interface LineageLink {
  readonly input: string;
  readonly output: string;
  readonly processor: string;
  readonly purpose: string;
  readonly flows: number;
  readonly rows: number;
  /** Flows written in `log` mode against the policy. */
  readonly violations: number;
  /** Flows blocked; they wrote nothing. */
  readonly denied: number;
}

export interface DatasetLineage {
  readonly dataset: string;
  readonly kind: 'raw' | 'derived' | 'unknown';
  readonly purposes: readonly string[];
  /** Links leading into the dataset, transitively. */
  readonly upstream: readonly LineageLink[];
  /** Links leading out of it, transitively, from datasets it fed. */
  readonly downstream: readonly LineageLink[];
}

/** Flows looked at per dataset; lineage past this many is cut short. */
const FLOW_LIMIT = 100_000;

/**
 * Where a dataset's data came from and where it went: the recorded flows
 * into it and out of it, followed through every dataset on the way.
 *
 * @example
 * const lineage = await datasetLineage(ctx, 'lookalike_seeds');
 * lineage.upstream.map((l) => l.input); // ['customers', 'events']
 */
export async function datasetLineage(ctx: EngineContext, dataset: string): Promise<DatasetLineage> {
  const declared = ctx.policy.datasets.get(dataset);
  const direct = await ctx.store.flows({ dataset, limit: FLOW_LIMIT });
  if (!declared && direct.length === 0) {
    throw new PurposeGuardError('not_found', `unknown dataset '${dataset}'`);
  }
  return {
    dataset,
    kind: declared?.kind ?? 'unknown',
    purposes: declared?.purposes ?? [],
    upstream: await walk(ctx, dataset, 'upstream'),
    downstream: await walk(ctx, dataset, 'downstream'),
  };
}

async function walk(
  ctx: EngineContext,
  start: string,
  direction: 'upstream' | 'downstream',
): Promise<LineageLink[]> {
  const seen = new Set([start]);
  const flows = new Map<number, StoredFlow>();
  let frontier = [start];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const name of frontier) {
      for (const flow of await ctx.store.flows({ dataset: name, limit: FLOW_LIMIT })) {
        const along = direction === 'upstream' ? flow.output === name : flow.inputs.includes(name);
        if (!along) continue;
        flows.set(flow.id, flow);
        const further = direction === 'upstream' ? flow.inputs : [flow.output];
        for (const other of further) {
          if (!seen.has(other)) {
            seen.add(other);
            next.push(other);
          }
        }
      }
    }
    frontier = next;
  }
  const keep = direction === 'downstream' ? (input: string) => seen.has(input) : () => true;
  return linksOf([...flows.values()]).filter((link) => keep(link.input));
}

/** Sums flows into one link per input, output, processor and purpose. */
export function linksOf(flows: readonly StoredFlow[]): LineageLink[] {
  const links = new Map<string, LineageLink>();
  for (const flow of flows) {
    for (const input of new Set(flow.inputs)) {
      const key = JSON.stringify([input, flow.output, flow.processor, flow.purpose]);
      const link = links.get(key) ?? {
        input, output: flow.output, processor: flow.processor, purpose: flow.purpose,
        flows: 0, rows: 0, violations: 0, denied: 0,
      };
      links.set(key, {
        ...link,
        flows: link.flows + 1,
        rows: link.rows + flow.rows,
        violations: link.violations + (flow.outcome === 'violation' ? 1 : 0),
        denied: link.denied + (flow.outcome === 'denied' ? 1 : 0),
      });
    }
  }
  return [...links.values()].sort(compareLinks);
}

function compareLinks(a: LineageLink, b: LineageLink): number {
  return a.output.localeCompare(b.output) || a.input.localeCompare(b.input)
    || a.processor.localeCompare(b.processor) || a.purpose.localeCompare(b.purpose);
}
