import type { DatasetLineage, LineageLink } from './dataset-lineage.js';
import type { LineageGraph } from './lineage-graph.js';

/**
 * A dataset's lineage as a text tree.
 *
 * @example
 * lineageText(await datasetLineage(ctx, 'ai_corpus'));
 * // ai_corpus (derived; ai.training)
 * // ├─ upstream
 * // │  └─ events → ai_corpus by model-trainer for ai.training: 1 flow, 3 rows
 * // └─ downstream
 * //    └─ none
 */
export function lineageText(lineage: DatasetLineage): string {
  const purposes = lineage.purposes.length > 0 ? `; ${lineage.purposes.join(', ')}` : '';
  const lines = [`${lineage.dataset} (${lineage.kind}${purposes})`];
  lines.push('├─ upstream', ...branch(lineage.upstream, '│  '));
  lines.push('└─ downstream', ...branch(lineage.downstream, '   '));
  return `${lines.join('\n')}\n`;
}

function branch(links: readonly LineageLink[], indent: string): string[] {
  if (links.length === 0) return [`${indent}└─ none`];
  return links.map((link, i) => `${indent}${i === links.length - 1 ? '└─' : '├─'} ${linkText(link)}`);
}

function linkText(link: LineageLink): string {
  const counts = [plural(link.flows, 'flow'), plural(link.rows, 'row')];
  if (link.violations > 0) counts.push(plural(link.violations, 'violation'));
  if (link.denied > 0) counts.push(`${link.denied} denied`);
  return `${link.input} → ${link.output} by ${link.processor} for ${link.purpose}: ${counts.join(', ')}`;
}

/**
 * A dataset's lineage as a Graphviz digraph; violations are drawn red.
 *
 * @example
 * writeFileSync('lineage.dot', lineageDot(lineage)); // then: dot -Tsvg lineage.dot
 */
export function lineageDot(lineage: DatasetLineage): string {
  const links = [...lineage.upstream, ...lineage.downstream];
  const names = new Set([lineage.dataset, ...links.flatMap((l) => [l.input, l.output])]);
  const lines = ['digraph lineage {', '  rankdir=LR;', '  node [shape=box];'];
  for (const name of names) {
    const style = name === lineage.dataset ? ', style=bold' : '';
    lines.push(`  ${quote(name)} [label=${quote(name)}${style}];`);
  }
  for (const link of links) {
    const label = `${link.processor}\\n${link.purpose}\\n${plural(link.rows, 'row')}`;
    const color = link.violations + link.denied > 0 ? ', color=red, fontcolor=red' : '';
    lines.push(`  ${quote(link.input)} -> ${quote(link.output)} [label="${label}"${color}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** The whole lineage graph as a Graphviz digraph. */
export function graphDot(graph: LineageGraph): string {
  const shapes = { raw: 'cylinder', derived: 'box', source: 'invhouse', processor: 'ellipse' };
  const lines = ['digraph lineage {', '  rankdir=LR;'];
  for (const node of graph.nodes) {
    lines.push(`  ${quote(node.id)} [label=${quote(node.name)}, shape=${shapes[node.kind]}];`);
  }
  for (const edge of graph.edges) {
    const label = edge.processor === null ? plural(edge.rows, 'row') : `${edge.processor}\\n${edge.purpose ?? ''}\\n${plural(edge.rows, 'row')}`;
    const color = edge.violation ? ', color=red, fontcolor=red' : '';
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)} [label="${label}"${color}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** The whole lineage graph as text: one line per edge. */
export function graphText(graph: LineageGraph): string {
  const lines = graph.edges.map((edge) => {
    const by = edge.processor === null ? 'collected' : `by ${edge.processor} for ${edge.purpose ?? ''}`;
    const flag = edge.violation ? ' (violation)' : '';
    return `${edge.from} → ${edge.to} ${by}: ${plural(edge.rows, 'row')}${flag}`;
  });
  return lines.length === 0 ? 'no lineage yet\n' : `${lines.join('\n')}\n`;
}

function quote(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
