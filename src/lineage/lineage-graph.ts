import type { EngineContext } from '../engine/context.js';
import type { StoredFlow } from '../store/store.js';

export type LineageNodeKind = 'raw' | 'derived' | 'source' | 'processor';

export interface LineageNode {
  /** `dataset:NAME`, `source:NAME` or `processor:NAME`. */
  readonly id: string;
  readonly name: string;
  readonly kind: LineageNodeKind;
  readonly purposes: readonly string[];
}

export interface LineageEdge {
  readonly from: string;
  readonly to: string;
  /** Null on an edge from a source into its raw dataset. */
  readonly processor: string | null;
  readonly purpose: string | null;
  readonly rows: number;
  /** True when the flows behind the edge were violations or were denied. */
  readonly violation: boolean;
}

export interface LineageGraph {
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
}

const FLOW_LIMIT = 100_000;

/**
 * The whole picture for drawing: sources, datasets and processors of the
 * policy as nodes; sources feeding raw datasets and recorded flows between
 * datasets as edges, with rows summed and violations marked.
 *
 * @example
 * const { nodes, edges } = await lineageGraph(ctx);
 */
export async function lineageGraph(ctx: EngineContext): Promise<LineageGraph> {
  const flows = await ctx.store.flows({ limit: FLOW_LIMIT });
  const nodes = new Map<string, LineageNode>();
  for (const node of policyNodes(ctx)) nodes.set(node.id, node);
  for (const flow of flows) {
    for (const name of [...flow.inputs, flow.output]) {
      const id = datasetId(name);
      if (!nodes.has(id)) nodes.set(id, { id, name, kind: 'derived', purposes: [] });
    }
  }
  const edges = [...await sourceEdges(ctx), ...flowEdges(flows)];
  return { nodes: [...nodes.values()], edges };
}

function policyNodes(ctx: EngineContext): LineageNode[] {
  const policy = ctx.policy;
  const sources = [...policy.sources.values()].map((s) => ({
    id: `source:${s.name}`,
    name: s.name,
    kind: 'source' as const,
    purposes: unique(s.rules.flatMap((r) => r.purposes)),
  }));
  const datasets = [...policy.datasets.values()].map((d) => ({
    id: datasetId(d.name),
    name: d.name,
    kind: d.kind,
    purposes: d.kind === 'derived' ? d.purposes : unique(sources
      .filter((s) => policy.sources.get(s.name)?.dataset === d.name)
      .flatMap((s) => s.purposes)),
  }));
  const processors = [...policy.processors.values()].map((p) => ({
    id: `processor:${p.name}`, name: p.name, kind: 'processor' as const, purposes: p.purposes,
  }));
  return [...sources, ...datasets, ...processors];
}

async function sourceEdges(ctx: EngineContext): Promise<LineageEdge[]> {
  const counts = await ctx.store.datasetCounts(null);
  return [...ctx.policy.sources.values()].map((s) => ({
    from: `source:${s.name}`,
    to: datasetId(s.dataset),
    processor: null,
    purpose: null,
    rows: counts.find((c) => c.owner === s.owner && c.dataset === s.dataset)?.rows ?? 0,
    violation: false,
  }));
}

function flowEdges(flows: readonly StoredFlow[]): LineageEdge[] {
  const edges = new Map<string, LineageEdge>();
  for (const flow of flows) {
    const violation = flow.outcome !== 'allowed';
    for (const input of new Set(flow.inputs)) {
      const key = JSON.stringify([input, flow.output, flow.processor, flow.purpose, violation]);
      const edge = edges.get(key) ?? {
        from: datasetId(input), to: datasetId(flow.output),
        processor: flow.processor, purpose: flow.purpose, rows: 0, violation,
      };
      edges.set(key, { ...edge, rows: edge.rows + flow.rows });
    }
  }
  return [...edges.values()];
}

function datasetId(name: string): string {
  return `dataset:${name}`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
