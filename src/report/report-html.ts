import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { escapeHtml, htmlPage, htmlTable, scriptJson } from './html-page.js';
import type { UsageReport } from './usage-report.js';

let chartJs: string | undefined;

/**
 * The chart library's browser build, read from the installed package so
 * the page works offline. The package exports only its module builds,
 * so the UMD file is found next to the entry point.
 */
function chartLibrary(): string {
  if (chartJs === undefined) {
    const entry = createRequire(import.meta.url).resolve('chart.js');
    const source = readFileSync(join(dirname(entry), 'chart.umd.js'), 'utf8');
    chartJs = source.replaceAll('</script', '<\\/script');
  }
  return chartJs;
}

/**
 * The usage report as one self-contained HTML page: figures, three charts
 * (rows read per purpose stacked by processor with denials marked, flows
 * over time, decisions over time) and the tables behind them.
 *
 * @example
 * writeFileSync('report.html', renderUsageHtml(report));
 */
export function renderUsageHtml(report: UsageReport): string {
  const body = [
    kpis(report),
    `<div class="charts">
${chartSection('usage-chart', 'Rows read per purpose, by processor', {
    note: '✕ denied reads, right axis', wide: true })}
${chartSection('flows-chart', 'Flows over time', {})}
${chartSection('decisions-chart', 'Decisions over time', {})}
</div>`,
    usageTable(report),
    sideTables(report),
    `<script type="application/json" id="report-data">${scriptJson(chartData(report))}</script>`,
  ].join('\n');
  return htmlPage({
    title: 'PurposeGuard usage report',
    subtitle: [
      windowText(report),
      `controller ${report.owners.join(', ') || '(none)'}`,
      `policy ${report.policy.digest.slice(0, 12)} (${report.policy.mode})`,
      `generated ${report.generatedAt}`,
    ].join(' · '),
    body,
    scripts: [chartLibrary(), CHART_SCRIPT],
  });
}

function chartSection(id: string, title: string, options: { note?: string; wide?: boolean }): string {
  const note = options.note ? ` <small>(${escapeHtml(options.note)})</small>` : '';
  const canvas = `<canvas id="${id}" aria-label="${escapeHtml(title)}"></canvas>`;
  return `<section${options.wide ? ' class="wide"' : ''}><h2>${escapeHtml(title)}${note}</h2>`
    + `<div class="chart">${canvas}</div></section>`;
}

export function windowText(report: UsageReport): string {
  const from = report.window.from ?? 'the first entry';
  const to = report.window.to ?? 'now';
  return `from ${from} to ${to}`;
}

function kpis(report: UsageReport): string {
  const total = (pick: (u: UsageReport['usage'][number]) => number): number =>
    report.usage.reduce((n, u) => n + pick(u), 0);
  const alerts = Object.values(report.alerts).reduce((n, v) => n + v, 0);
  const cards: [string, number, boolean][] = [
    ['audit entries', report.entries, false],
    ['rows read', total((u) => u.rows), false],
    ['allowed reads', total((u) => u.allowed), false],
    ['denied reads', total((u) => u.denied), true],
    ['flows', total((u) => u.flows), false],
    ['flow violations', total((u) => u.violations), true],
    ['erasures', report.erasures.requests, false],
    ['alerts', alerts, true],
  ];
  const html = cards.map(([label, n, watch]) => {
    const cls = watch && n > 0 ? 'kpi bad' : 'kpi';
    return `<div class="${cls}"><b>${n.toLocaleString('en-US')}</b><span>${label}</span></div>`;
  });
  return `<div class="kpis">${html.join('')}</div>`;
}

function usageTable(report: UsageReport): string {
  const rows = report.usage.map((u) => [
    escapeHtml(u.purpose),
    escapeHtml(u.processor),
    u.datasets.map((d) => `<span class="tag">${escapeHtml(d)}</span>`).join(''),
    u.rows.toLocaleString('en-US'),
    String(u.allowed),
    u.denied > 0 ? `<span class="bad">${u.denied}</span>` : '0',
    String(u.flows),
    u.violations > 0 ? `<span class="bad">${u.violations}</span>` : '0',
  ]);
  const head = [
    'purpose', 'processor', 'datasets read', 'rows', 'allowed', 'denied', 'flows', 'violations',
  ];
  const table = htmlTable(head, rows, new Set([3, 4, 5, 6, 7]));
  return `<section><h2>Use per purpose and processor</h2>${table}</section>`;
}

function sideTables(report: UsageReport): string {
  const e = report.erasures;
  const consents = htmlTable(['purpose', 'grants', 'withdrawals'],
    report.consents.map((c) => [escapeHtml(c.purpose), String(c.grants), String(c.withdrawals)]),
    new Set([1, 2]));
  const collection = htmlTable(['source', 'dataset', 'accepted', 'rejected', 'duplicates'],
    report.collection.map((c) => [
      escapeHtml(c.source), escapeHtml(c.dataset),
      String(c.accepted), String(c.rejected), String(c.duplicates),
    ]),
    new Set([2, 3, 4]));
  const erasures = htmlTable(['erasure requests', 'expiry runs', 'rows removed'],
    [[String(e.requests), String(e.expiries), String(e.rows)]], new Set([0, 1, 2]));
  const alerts = htmlTable(['alert', 'count'],
    Object.entries(report.alerts).map(([name, n]) => [escapeHtml(name), String(n)]),
    new Set([1]));
  const datasets = htmlTable(['owner', 'dataset', 'rows held now'],
    report.datasets.map((d) => [
      escapeHtml(d.owner), escapeHtml(d.dataset), d.rows.toLocaleString('en-US'),
    ]),
    new Set([2]));
  return `<div class="charts">
<section><h2>Consent</h2>${consents}</section>
<section><h2>Collection</h2>${collection}</section>
<section><h2>Erasure</h2>${erasures}</section>
<section><h2>Alerts</h2>${alerts}</section>
<section class="wide"><h2>Datasets</h2>${datasets}</section>
</div>`;
}

/** What the charts draw, computed here so the page only plots. */
function chartData(report: UsageReport): unknown {
  const purposes = [...new Set(report.usage.map((u) => u.purpose))];
  const processors = [...new Set(report.usage.map((u) => u.processor))];
  const cell = (purpose: string, processor: string): UsageReport['usage'][number] | undefined =>
    report.usage.find((u) => u.purpose === purpose && u.processor === processor);
  return {
    purposes,
    processors: processors.map((name) => ({
      name,
      rows: purposes.map((p) => cell(p, name)?.rows ?? 0),
    })),
    denied: purposes.map((p) =>
      report.usage.filter((u) => u.purpose === p).reduce((n, u) => n + u.denied, 0)),
    bucket: report.timeline.bucket,
    times: report.timeline.points.map((p) => p.t),
    allowed: report.timeline.points.map((p) => p.allowed),
    deniedOverTime: report.timeline.points.map((p) => p.denied),
    flows: report.timeline.points.map((p) => p.flows),
    violations: report.timeline.points.map((p) => p.violations),
  };
}

const CHART_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var palette = ['#2f6fde', '#1f9d8b', '#f0a030', '#8e5bd9',
    '#3aa0d8', '#c2557a', '#6b8e23', '#7a6c5d'];
  var red = '#d64545';
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.color = '#52606d';
  Chart.defaults.animation = false;
  var label = function (t) {
    return data.bucket === 'hour' ? t.slice(5, 13).replace('T', ' ') + ':00' : t.slice(0, 10);
  };
  var times = data.times.map(label);
  var base = { responsive: true, maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } } };
  new Chart(document.getElementById('usage-chart'), {
    type: 'bar',
    data: {
      labels: data.purposes,
      datasets: data.processors.map(function (p, i) {
        return { type: 'bar', label: p.name, data: p.rows, stack: 'rows',
          backgroundColor: palette[i % palette.length], borderRadius: 3, yAxisID: 'y' };
      }).concat([{ type: 'line', label: 'denied reads', yAxisID: 'denied',
        data: data.denied.map(function (n) { return n > 0 ? n : null; }),
        showLine: false, pointStyle: 'crossRot', pointRadius: 9, pointBorderWidth: 3,
        borderColor: red, backgroundColor: red }])
    },
    options: Object.assign({}, base, { scales: {
      x: { stacked: true, grid: { display: false } },
      y: { stacked: true, beginAtZero: true, title: { display: true, text: 'rows read' } },
      denied: { position: 'right', beginAtZero: true, grid: { display: false },
        ticks: { precision: 0, color: red }, title: { display: true, text: 'denied', color: red } }
    } })
  });
  var line = function (id, sets) {
    new Chart(document.getElementById(id), {
      type: 'line',
      data: { labels: times, datasets: sets.map(function (s) {
        return { label: s[0], data: s[1], borderColor: s[2], backgroundColor: s[2] + '33',
          fill: true, cubicInterpolationMode: 'monotone', pointRadius: 2 };
      }) },
      options: Object.assign({}, base, { scales: {
        x: { grid: { display: false }, ticks: { maxTicksLimit: 12 } },
        y: { beginAtZero: true, ticks: { precision: 0 } } } })
    });
  };
  line('flows-chart', [['flows', data.flows, '#1f9d8b'], ['violations', data.violations, red]]);
  line('decisions-chart',
    [['allowed', data.allowed, '#2f6fde'], ['denied', data.deniedOverTime, red]]);
  document.body.setAttribute('data-charts', 'ready');
})();
`;
