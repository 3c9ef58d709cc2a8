import { escapeHtml, htmlPage } from './html-page.js';
import type { Ropa, RopaActivity } from './ropa.js';

function categoryText(a: RopaActivity): string {
  const names = a.dataCategories.map((c) =>
    (c.special ? `${c.name} (special: ${c.special})` : c.name));
  return names.join(', ') || 'none recorded';
}

function useText(a: RopaActivity): string {
  const u = a.inUse;
  const by = u.processors.length > 0 ? ` by ${u.processors.join(', ')}` : '';
  return `${u.reads} reads (${u.rows} rows)${by}; ${u.denied} denied;`
    + ` ${u.flows} flows, ${u.violations} violations`;
}

/** The facts of an activity as label, value pairs, in the order the record lists them. */
function facts(a: RopaActivity): [string, string][] {
  return [
    ['Description', a.description || '(none)'],
    ['Categories of personal data', categoryText(a)],
    ['Categories of data subjects', a.dataSubjects.join(', ') || 'none (derived data only)'],
    ['Sources', a.sources.map((s) => `${s.name} (${s.kind} into ${s.dataset})`).join(', ')
      || 'none'],
    ['Datasets', a.datasets.join(', ') || 'none'],
    ['Recipients: processors', a.recipients.processors.join(', ') || 'none'],
    ['Recipients: destinations', a.recipients.destinations.join(', ') || 'none'],
    ['Retention', a.retention.map((r) => `${r.source}: ${r.rule}`).join('; ')
      || 'as the sources of its datasets'],
    ['Consent', a.consent],
    ['Jurisdictions', a.jurisdictions.join(', ') || 'none recorded'],
    ['Use in the audit trail', useText(a)],
  ];
}

/**
 * The record of processing activities as Markdown.
 *
 * @example
 * writeFileSync('ropa.md', renderRopaMarkdown(ropa));
 */
export function renderRopaMarkdown(ropa: Ropa): string {
  const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = [
    `# ${ropa.title}`,
    '',
    `- Controller: ${ropa.controller.join(', ') || '(none)'}`,
    `- Policy: ${ropa.policy.file}`
      + ` (sha256 ${ropa.policy.digest.slice(0, 12)}, mode ${ropa.policy.mode})`,
    `- Generated: ${ropa.generatedAt}`,
  ];
  for (const a of ropa.activities) {
    lines.push('', `## ${a.purpose}`, '', '| | |', '| --- | --- |');
    for (const [k, v] of facts(a)) lines.push(`| ${k} | ${cell(v)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** The record of processing activities as one HTML page. */
export function renderRopaHtml(ropa: Ropa): string {
  const sections = ropa.activities.map((a) => {
    const rows = facts(a)
      .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
      .join('\n');
    const table = `<table><tbody>\n${rows}\n</tbody></table>`;
    return `<section><h2>${escapeHtml(a.purpose)}</h2>${table}</section>`;
  });
  return htmlPage({
    title: ropa.title,
    subtitle: [
      `controller ${ropa.controller.join(', ')}`,
      `policy ${ropa.policy.digest.slice(0, 12)} (${ropa.policy.mode})`,
      `generated ${ropa.generatedAt}`,
    ].join(' · '),
    body: sections.join('\n'),
  });
}
