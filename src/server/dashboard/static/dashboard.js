'use strict';
/* The PurposeGuard dashboard. Talks only to this server's /v1 API with the
   session cookie; builds every element with textContent, never innerHTML. */
(function dashboard() {
  const state = { policy: null, counts: [], flows: [], activity: [], decisions: new Map() };
  const RED = '#d92d20';
  const COLORS = { source: '#98a2b3', raw: '#2f5bea', derived: '#7a5af8', processor: '#fdb022' };

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === 'class') node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  async function api(path, options) {
    const init = { credentials: 'same-origin', headers: { accept: 'application/json' }, ...options };
    if (init.body !== undefined) init.headers = { ...init.headers, 'content-type': 'application/json' };
    const res = await fetch(path, init);
    const text = await res.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch { body = { message: text }; }
    return { ok: res.ok, status: res.status, body };
  }

  /* ---------- policy at a glance ---------- */

  function renderPolicy(policy) {
    $('mode-chip').textContent = `mode: ${policy.mode}`;
    if (policy.mode === 'log') $('mode-chip').classList.add('log-mode');
    $('policy-chip').textContent = `policy ${policy.digest.slice(0, 12)}`;
    $('stat-datasets').textContent = policy.datasets.length;
    $('stat-processors').textContent = policy.processors.length;
    renderPurposeTree(policy.purposes);
    renderDatasets(policy);
    fill('processors', policy.processors.map((p) => el('li', {},
      nameLine(p.name, p.owner), tags(p.purposes))));
    fill('sources', policy.sources.map((s) => el('li', {},
      nameLine(s.name, s.kind.replace('_', ' ')),
      tags([`→ ${s.dataset}`], 'plain'))));
    const select = $('consent-purpose');
    select.replaceChildren(...policy.purposes.map((p) => el('option', { value: p.name }, p.name)));
    const consented = policy.purposes.find((p) => p.requiresConsent);
    if (consented) select.value = consented.name;
  }

  function renderDatasets(policy) {
    const counts = new Map();
    for (const c of state.counts) counts.set(c.dataset, (counts.get(c.dataset) || 0) + c.rows);
    fill('datasets', policy.datasets.map((d) => el('li', {},
      nameLine(d.name, `${d.kind} · ${counts.get(d.name) || 0} rows`),
      tags(d.purposes.length ? d.purposes : ['as collected'], d.purposes.length ? '' : 'plain'))));
  }

  function renderPurposeTree(purposes) {
    const children = new Map();
    for (const p of purposes) {
      const key = p.parent || '';
      if (!children.has(key)) children.set(key, []);
      children.get(key).push(p);
    }
    const branch = (parent) => (children.get(parent) || []).map((p) => el('li', {},
      el('span', { class: 'name' }, p.name.split('.').pop()),
      p.requiresConsent ? [' ', el('span', { class: 'tag consent' }, 'consent')] : null,
      children.has(p.name) ? el('ul', {}, branch(p.name)) : null));
    fill('purposes', branch(''));
  }

  function nameLine(name, detail) {
    return el('span', { class: 'name' }, name, ' ', el('span', { class: 'muted small' }, detail));
  }

  function tags(names, kind) {
    const tag = (n) => el('span', { class: `tag ${kind || ''}` }, n);
    return el('span', { class: 'tags' }, names.map(tag));
  }

  function fill(id, children) {
    $(id).replaceChildren(...children);
  }

  /* ---------- lineage graph ---------- */

  /* Nodes {id, name, kind, purposes} and edges {from, to, processor,
     purpose, rows, violation}; an edge without a processor is collection. */
  async function graphData() {
    const lineage = await api('/v1/lineage/graph');
    if (lineage.ok && lineage.body && Array.isArray(lineage.body.nodes)) {
      const linked = new Set(lineage.body.edges.flatMap((e) => [e.from, e.to]));
      const nodes = lineage.body.nodes.filter((n) => n.kind !== 'processor' || linked.has(n.id));
      return { nodes, edges: lineage.body.edges, from: 'lineage' };
    }
    return { ...graphFromFlows(), from: 'flows' };
  }

  function graphFromFlows() {
    const id = (name) => `dataset:${name}`;
    const nodes = [
      ...state.policy.sources.map((s) => ({
        id: `source:${s.name}`, name: s.name, kind: 'source', purposes: [],
      })),
      ...state.policy.datasets.map((d) => ({
        id: id(d.name), name: d.name, kind: d.kind, purposes: d.purposes,
      })),
    ];
    const edges = new Map();
    for (const s of state.policy.sources) {
      edges.set(`source:${s.name}`, {
        from: `source:${s.name}`, to: id(s.dataset), processor: null, purpose: null, rows: 0, violation: false,
      });
    }
    for (const f of state.flows) {
      for (const input of new Set(f.inputs)) {
        const key = [input, f.output, f.processor, f.purpose, f.outcome].join('|');
        const edge = edges.get(key) || {
          from: id(input), to: id(f.output), processor: f.processor, purpose: f.purpose, rows: 0,
          violation: f.outcome !== 'allowed',
        };
        edge.rows += f.rows || 0;
        edges.set(key, edge);
      }
    }
    return { nodes, edges: [...edges.values()] };
  }

  function drawGraph(graph) {
    const elements = graph.nodes.map((n) => {
      const declared = n.kind === 'derived' && n.purposes && n.purposes.length > 0;
      const purposes = declared ? `\n${n.purposes.join(', ')}` : '';
      return { data: { id: n.id, label: `${n.name}${purposes}`, kind: n.kind, name: n.name } };
    });
    const known = new Set(elements.map((e) => e.data.id));
    const flows = graph.edges.filter((e) => e.processor !== null);
    graph.edges.forEach((e, i) => {
      if (!known.has(e.from) || !known.has(e.to)) return;
      const collect = e.processor === null;
      elements.push({ data: {
        id: `edge:${i}`, source: e.from, target: e.to, violation: Boolean(e.violation), collect,
        label: collect ? '' : `${e.processor}\n${e.purpose}${e.rows ? ` · ${e.rows} rows` : ''}`,
        processor: e.processor, purpose: e.purpose, rows: e.rows || 0,
      } });
    });
    if (window.purposeguardGraph) window.purposeguardGraph.destroy();
    const cy = window.cytoscape({
      container: $('graph'),
      elements,
      layout: { name: 'preset', positions: layeredPositions(elements), fit: true, padding: 40 },
      style: graphStyle(),
    });
    window.purposeguardGraph = cy;
    $('stat-violations').textContent = flows.filter((e) => e.violation).length;
    $('stat-flows').textContent = flows.length;
    $('graph-note').textContent = graph.from === 'lineage'
      ? 'From the lineage API. Red dashed edges are flow violations.'
      : 'Built from recorded flows. Red dashed edges are flow violations.';
  }

  /* Columns by depth along the flows; within a column, nodes sit near the
     average row of their inputs so that edges cross as little as possible. */
  function layeredPositions(elements) {
    const nodes = elements.filter((e) => !e.data.source);
    const edges = elements.filter((e) => e.data.source && e.data.source !== e.data.target);
    const depth = new Map(nodes.map((n) => [n.data.id, n.data.kind === 'source' ? 0 : 1]));
    for (let pass = 0; pass < nodes.length; pass++) {
      for (const e of edges) {
        const next = (depth.get(e.data.source) || 0) + 1;
        if (next > (depth.get(e.data.target) || 0) && next < 12) depth.set(e.data.target, next);
      }
    }
    const columns = new Map();
    for (const n of nodes) {
      const d = depth.get(n.data.id) || 0;
      if (!columns.has(d)) columns.set(d, []);
      columns.get(d).push(n.data.id);
    }
    const row = new Map();
    const positions = {};
    for (const d of [...columns.keys()].sort((a, b) => a - b)) {
      const ids = columns.get(d);
      const weight = (id) => {
        const inputs = edges
          .filter((e) => e.data.target === id && row.has(e.data.source))
          .map((e) => row.get(e.data.source));
        return inputs.length ? inputs.reduce((s, r) => s + r, 0) / inputs.length : ids.indexOf(id);
      };
      const ordered = [...ids].sort((a, b) => weight(a) - weight(b));
      ordered.forEach((id, i) => {
        row.set(id, i);
        positions[id] = { x: d * 400, y: (i - (ordered.length - 1) / 2) * 130 };
      });
    }
    return positions;
  }

  function graphStyle() {
    return [
      { selector: 'node', style: {
        shape: 'round-rectangle', width: 200, height: 54, label: 'data(label)', 'text-wrap': 'wrap',
        'text-valign': 'center', 'text-halign': 'center', 'font-size': 13, color: '#fff',
        'font-family': 'Inter, Segoe UI, system-ui, sans-serif', 'font-weight': 600,
        'background-color': (n) => COLORS[n.data('kind')] || COLORS.raw,
      } },
      { selector: 'node[kind = "source"]', style: { shape: 'ellipse', width: 96, height: 36 } },
      { selector: 'node[kind = "processor"]', style: {
        shape: 'diamond', width: 60, height: 60, color: '#344054', 'text-valign': 'bottom', 'text-margin-y': 6,
      } },
      { selector: 'edge', style: {
        width: 2, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'line-color': '#8392ab',
        'target-arrow-color': '#8392ab', label: 'data(label)', 'font-size': 12, color: '#475467',
        'text-wrap': 'wrap', 'text-background-color': '#fbfcfe', 'text-background-opacity': 0.9,
        'text-background-padding': 2, 'text-background-shape': 'round-rectangle',
      } },
      { selector: 'edge[?collect]', style: {
        'line-style': 'dotted', label: '', 'line-color': '#c0c7d4', 'target-arrow-color': '#c0c7d4',
      } },
      { selector: 'edge[?violation]', style: {
        'line-color': RED, 'target-arrow-color': RED, 'line-style': 'dashed', width: 3, color: RED,
      } },
    ];
  }

  /* ---------- live activity ---------- */

  function describe(a) {
    switch (a.type) {
      case 'decision':
        return {
          badge: a.allowed ? 'allow' : 'deny',
          what: `${a.processor} read ${a.dataset} for ${a.purpose}`,
          why: a.allowed ? `${a.rows} rows · rule ${a.rule}` : `${a.reason} (rule ${a.rule})`,
        };
      case 'flow':
        return {
          badge: a.outcome === 'allowed' ? 'allow' : 'violation',
          what: `${a.processor} wrote ${a.output} for ${a.purpose}`,
          why: `${a.rows} rows · ${a.reason}`,
        };
      case 'collection':
        return { badge: 'info', what: `collected from ${a.source}`,
          why: `${a.accepted} accepted · ${a.rejected} refused · ${a.duplicates} duplicates` };
      case 'erasure':
        return { badge: 'info', what: 'erasure', why: `${a.rows} rows removed · ${a.queued} removals queued` };
      default:
        return { badge: 'deny', what: a.alert || a.type, why: a.severity || '' };
    }
  }

  function addActivity(a) {
    state.activity.unshift(a);
    state.activity.length = Math.min(state.activity.length, 100);
    const counted = a.type === 'decision' || (a.type === 'flow' && a.outcome !== 'allowed');
    if (counted) {
      const d = state.decisions.get(a.processor) || { allow: 0, deny: 0, violations: 0 };
      if (a.type === 'flow') d.violations += 1;
      else d[a.allowed ? 'allow' : 'deny'] += 1;
      state.decisions.set(a.processor, d);
    }
    scheduleRefresh();
    renderActivity();
  }

  let pendingRefresh = null;
  function scheduleRefresh() {
    if (pendingRefresh) return;
    pendingRefresh = setTimeout(() => {
      pendingRefresh = null;
      refreshCounts().catch(() => {});
    }, 300);
  }

  function renderActivity() {
    const items = state.activity.map((a) => {
      const d = describe(a);
      return el('li', { 'data-type': a.type },
        el('span', { class: `badge ${d.badge}` }, d.badge),
        el('span', { class: 'what' }, d.what),
        el('time', {}, new Date(a.at).toLocaleTimeString()),
        el('span', { class: 'why' }, d.why));
    });
    if (items.length) fill('activity', items);
    $('activity-count').textContent = `${state.activity.length} recent`;
    scheduleDecisionChart();
  }

  function connectLive() {
    const source = new EventSource('/v1/events/stream');
    const onEvent = (message) => addActivity(JSON.parse(message.data));
    for (const type of ['decision', 'flow', 'collection', 'alert', 'erasure']) {
      source.addEventListener(type, onEvent);
    }
    source.onopen = () => { $('live-chip').textContent = 'live'; };
    source.onerror = () => { $('live-chip').textContent = 'live: reconnecting'; };
  }

  /* ---------- subject lookup and actions ---------- */

  function renderValue(value) {
    if (Array.isArray(value)) {
      if (value.length === 0) return el('span', { class: 'muted' }, 'none');
      if (value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
        const keys = [...new Set(value.flatMap((v) => Object.keys(v)))];
        return el('table', {}, el('thead', {}, el('tr', {}, keys.map((k) => el('th', {}, k)))),
          el('tbody', {}, value.map((v) => el('tr', {}, keys.map((k) => el('td', {}, cell(v[k])))))));
      }
      return el('span', {}, value.map(cell).join(', '));
    }
    if (value && typeof value === 'object') {
      if (Object.keys(value).length === 0) return el('span', { class: 'muted' }, 'none');
      const row = ([k, v]) => el('tr', {}, el('th', {}, k),
        el('td', {}, typeof v === 'object' && v !== null ? renderValue(v) : cell(v)));
      return el('table', {}, el('tbody', {}, Object.entries(value).map(row)));
    }
    return el('span', {}, cell(value));
  }

  function cell(v) {
    if (v === null || v === undefined) return '–';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  function note(text, kind) {
    return el('div', { class: `note ${kind || ''}` }, text);
  }

  function section(title, response, missing) {
    if (response.status === 404 && response.body && /^no route/.test(response.body.message || '')) {
      return [el('h3', {}, title), note(missing)];
    }
    if (!response.ok) return [el('h3', {}, title), note(errorText(response), 'bad')];
    return [el('h3', {}, title), renderValue(response.body)];
  }

  function errorText(response) {
    const b = response.body || {};
    return `${response.status} ${b.code || ''}: ${b.message || 'request failed'}`;
  }

  async function lookUpSubject(event) {
    event.preventDefault();
    const email = $('subject-email').value.trim();
    const q = encodeURIComponent(email);
    $('subject-result').replaceChildren(note('Looking up…'));
    const [lineage, consent] = await Promise.all([
      api(`/v1/lineage/subject?email=${q}`), api(`/v1/consent?email=${q}`),
    ]);
    $('subject-result').classList.remove('muted');
    $('subject-result').replaceChildren(
      ...section('Where the data went', lineage, 'The subject lineage API is not available here.'),
      ...section('Consent', consent, 'The consent API is not available on this server.'));
  }

  function confirmStep(title, text) {
    const dialog = $('confirm');
    $('confirm-title').textContent = title;
    $('confirm-text').textContent = text;
    dialog.returnValue = '';
    dialog.showModal();
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    });
  }

  async function recordConsent(event) {
    event.preventDefault();
    const body = {
      email: $('consent-email').value.trim(),
      purpose: $('consent-purpose').value,
      status: $('consent-status').value,
    };
    const verb = body.status === 'granted' ? 'Grant' : 'Withdraw';
    const text = `${verb} ${body.purpose} for this subject. It takes effect on the next read and is audited.`;
    if (!(await confirmStep(`${verb} consent?`, text))) return;
    const res = await api('/v1/consent', { method: 'POST', body: JSON.stringify(body) });
    showOutcome(res, 'Consent recorded.');
  }

  function showOutcome(res, success) {
    const outcome = res.ok ? [note(success, 'good'), renderValue(res.body)] : [note(errorText(res), 'bad')];
    $('action-result').replaceChildren(...outcome);
  }

  async function eraseSubject(event) {
    event.preventDefault();
    const email = $('erasure-email').value.trim();
    const text = 'Their records are removed from every raw and derived dataset, their consent is '
      + 'tombstoned and downstream removals are queued. This cannot be undone.';
    if (!(await confirmStep('Erase this subject?', text))) return;
    const res = await api('/v1/erasure', { method: 'POST', body: JSON.stringify({ email }) });
    showOutcome(res, 'Erased. Receipt:');
    if (res.ok) refreshCounts();
  }

  /* ---------- charts ---------- */

  const charts = {};

  function chart(id, config) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new window.Chart($(id), config);
  }

  function datasetChart() {
    const datasets = state.policy.datasets;
    const rowsOf = (name) => state.counts
      .filter((c) => c.dataset === name)
      .reduce((sum, c) => sum + c.rows, 0);
    const colors = datasets.map((d) => (d.kind === 'derived' ? COLORS.derived : COLORS.raw));
    chart('chart-datasets', {
      type: 'bar',
      data: {
        labels: datasets.map((d) => d.name),
        datasets: [{
          label: 'records', data: datasets.map((d) => rowsOf(d.name)),
          backgroundColor: colors, borderRadius: 5, maxBarThickness: 72,
        }],
      },
      options: chartOptions('Records by dataset', false),
    });
  }

  let pendingChart = null;
  function scheduleDecisionChart() {
    if (pendingChart) return;
    pendingChart = setTimeout(() => { pendingChart = null; decisionChart(); }, 250);
  }

  function decisionChart() {
    const fromReport = state.report ? reportDecisions(state.report) : null;
    const live = [...state.decisions.entries()].map(([processor, d]) => ({ processor, ...d }));
    const data = fromReport || live;
    $('report-note').textContent = fromReport
      ? 'from the usage report (/v1/reports)'
      : 'decisions seen live since the page opened';
    const bar = (label, key, color) => ({
      label, data: data.map((d) => d[key]), backgroundColor: color, maxBarThickness: 72,
    });
    chart('chart-decisions', {
      type: 'bar',
      data: {
        labels: data.map((d) => d.processor),
        datasets: [
          bar('allowed reads', 'allow', '#12805c'),
          bar('denied reads', 'deny', '#f79009'),
          bar('flow violations', 'violations', RED),
        ],
      },
      options: chartOptions('Decisions by processor', true),
    });
  }

  /* The usage report's rows are per purpose and processor; sum them by processor. */
  function reportDecisions(report) {
    if (!Array.isArray(report.usage)) return null;
    const byProcessor = new Map();
    for (const row of report.usage) {
      const sum = byProcessor.get(row.processor) || { processor: row.processor, allow: 0, deny: 0, violations: 0 };
      sum.allow += row.allowed || 0;
      sum.deny += row.denied || 0;
      sum.violations += row.violations || 0;
      byProcessor.set(row.processor, sum);
    }
    return [...byProcessor.values()];
  }

  function chartOptions(title, stacked) {
    const heading = { size: 13, weight: '600' };
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        title: { display: true, text: title, align: 'start', font: heading, color: '#17202e' },
        legend: { display: stacked, position: 'bottom' },
      },
      scales: {
        x: { stacked, grid: { display: false } },
        y: { stacked, beginAtZero: true, ticks: { precision: 0 } },
      },
    };
  }

  /* ---------- start ---------- */

  async function refreshCounts() {
    const counts = await api('/v1/datasets');
    state.counts = counts.ok ? counts.body.datasets : [];
    $('stat-records').textContent = state.counts.reduce((s, c) => s + c.rows, 0).toLocaleString();
    renderDatasets(state.policy);
    datasetChart();
    const report = await api('/v1/reports?format=json');
    if (report.ok) state.report = report.body;
    decisionChart();
    drawGraph(await graphData());
  }

  async function start() {
    const [policy, counts, flows, report] = await Promise.all([
      api('/v1/policy'), api('/v1/datasets'), api('/v1/flows'), api('/v1/reports?format=json'),
    ]);
    if (policy.status === 401) { window.location.reload(); return; }
    state.policy = policy.body;
    state.counts = counts.ok ? counts.body.datasets : [];
    state.flows = flows.ok ? flows.body.flows : [];
    state.report = report.ok ? report.body : null;
    $('stat-records').textContent = state.counts.reduce((s, c) => s + c.rows, 0).toLocaleString();
    renderPolicy(state.policy);
    drawGraph(await graphData());
    datasetChart();
    decisionChart();
    connectLive();
    $('subject-form').addEventListener('submit', lookUpSubject);
    $('consent-form').addEventListener('submit', recordConsent);
    $('erasure-form').addEventListener('submit', eraseSubject);
    document.body.dataset.ready = 'true';
  }

  window.addEventListener('DOMContentLoaded', () => {
    start().catch((error) => {
      document.body.dataset.ready = 'error';
      $('graph-note').textContent = `The dashboard could not load: ${error.message}`;
    });
  });
})();
