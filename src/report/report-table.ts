import { windowText } from './report-html.js';
import type { UsageReport } from './usage-report.js';

/** Text columns; numbers right-aligned. */
export function textTable(
  head: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = head.map((_, i) =>
    rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (r: readonly string[]): string => r
    .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const body = rows.length === 0
    ? ['(nothing in this period)']
    : rows.map((r) => line(r.map(String)));
  return [line(head), rule, ...body].join('\n');
}

/**
 * The usage report for a terminal.
 *
 * @example
 * process.stdout.write(renderUsageTable(report));
 */
export function renderUsageTable(report: UsageReport): string {
  const usage = textTable(
    ['purpose', 'processor', 'datasets', 'rows', 'allowed', 'denied', 'flows', 'violations'],
    report.usage.map((u) => [
      u.purpose, u.processor, u.datasets.join(',') || '-',
      u.rows, u.allowed, u.denied, u.flows, u.violations,
    ]),
  );
  const consents = textTable(['purpose', 'grants', 'withdrawals'],
    report.consents.map((c) => [c.purpose, c.grants, c.withdrawals]));
  const collection = textTable(['source', 'dataset', 'accepted', 'rejected', 'duplicates'],
    report.collection.map((c) => [c.source, c.dataset, c.accepted, c.rejected, c.duplicates]));
  const alerts = Object.entries(report.alerts).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const e = report.erasures;
  return [
    `PurposeGuard usage report, ${windowText(report)}`,
    `policy ${report.policy.digest.slice(0, 12)} (${report.policy.mode}),`
      + ` ${report.entries} audit entries`,
    '',
    usage,
    '',
    'consent',
    consents,
    '',
    'collection',
    collection,
    '',
    `erasure: ${e.requests} requests, ${e.expiries} expiry runs, ${e.rows} rows removed`,
    `alerts: ${alerts}`,
    '',
  ].join('\n');
}
