import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServerApp } from '../src/server/app.js';
import type { ServerApp } from '../src/server/app.js';
import { openApiPath } from '../src/server/openapi/openapi-document.js';
import { readSharedData } from './shared-data.js';
import { bearer, JSON_TYPE } from './server-helpers.js';
import { example, openEngine } from './support.js';
import type { TestEngine } from './support.js';

let t: TestEngine;
let server: ServerApp;
let collected: { accepted: number; rejected: unknown[] };

/** Real values for path parameters, so that a documented path reaches its handler. */
const PARAMS: Readonly<Record<string, string>> = { name: 'events', file: 'dashboard.js' };

const TOKEN_FOR: Readonly<Record<string, string | null>> = {
  none: null, any: 'demo-admin', admin: 'demo-admin', processor: 'demo-ads-ranker', source: 'demo-web-key',
};

before(async () => {
  t = await openEngine(example('policy.yaml'));
  server = createServerApp(t.pg, { rateLimit: null });
  const body = readSharedData('capi/batch-mixed.json');
  const res = await server.app.request('/v1/events', { method: 'POST', headers: bearer('demo-web-key'), body });
  assert.equal(res.status, 200);
  collected = (await res.json()) as typeof collected;
});

after(async () => {
  server.close();
  await t.pg.close();
});

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

interface Operation {
  security: unknown[];
  requestBody?: { content: Record<string, unknown> };
}

describe('GET /openapi.json', () => {
  test('documents every registered route with its method, security and body type', async () => {
    const doc = (await (await server.app.request('/openapi.json')).json()) as OpenApi;
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(server.deps.routes.routes.length >= 10);
    for (const route of server.deps.routes.routes) {
      const op = doc.paths[openApiPath(route.path)]?.[route.method];
      assert.ok(op, `${route.method} ${route.path} is documented`);
      assert.equal(op.security.length, route.auth === 'none' ? 0 : 1, `${route.path} security`);
      if (route.body) assert.ok(op.requestBody?.content[route.body], `${route.path} body type`);
    }
    assert.ok(doc.paths['/v1/datasets/{name}/query']);
  });

  test('every documented path answers: no router 404', async () => {
    const doc = (await (await server.app.request('/openapi.json')).json()) as OpenApi;
    const byPath = new Map(server.deps.routes.routes.map((r) => [`${r.method} ${openApiPath(r.path)}`, r]));
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        const route = byPath.get(`${method} ${path}`);
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) => PARAMS[name] ?? 'x');
        const token = TOKEN_FOR[route?.auth ?? 'none'] ?? null;
        const headers = token === null ? JSON_TYPE : bearer(token);
        const init = method === 'get' ? { headers } : { method: method.toUpperCase(), headers, body: '{}' };
        const res = await server.app.request(url, init);
        const body = /^application\/json/.test(res.headers.get('content-type') ?? '')
          ? ((await res.json()) as { message?: string })
          : {};
        assert.ok(!(res.status === 404 && /^no route/.test(body.message ?? '')), `${method} ${url} answered ${res.status}`);
      }
    }
  });
});

describe('GET /metrics', () => {
  test('needs the admin token', async () => {
    assert.equal((await server.app.request('/metrics')).status, 401);
  });

  test('counts requests, latency, decisions, collected events and audit entries', async () => {
    const read = async (purpose: string): Promise<Response> => {
      const init = { method: 'POST', headers: bearer('demo-ads-ranker'), body: JSON.stringify({ purpose }) };
      return server.app.request('/v1/datasets/events/query', init);
    };
    await read('ads.optimization');
    await read('ai.training');
    const res = await server.app.request('/metrics', { headers: bearer('demo-admin') });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const value = (line: string): number => Number(new RegExp(`^${escape(line)} (\\S+)$`, 'm').exec(text)?.[1]);
    assert.equal(value('purposeguard_http_requests_total{route="/v1/events",method="POST",status="200"}'), 1);
    assert.equal(value('purposeguard_http_requests_total{route="/v1/datasets/:name/query",method="POST",status="403"}'), 1);
    for (const e of t.events) {
      if (e.type !== 'decision') continue;
      const outcome = e.allowed ? 'allow' : 'deny';
      assert.equal(value(`purposeguard_decisions_total{outcome="${outcome}",rule="${e.rule}"}`), 1);
    }
    assert.equal(t.events.filter((e) => e.type === 'decision').length, 2);
    assert.equal(value('purposeguard_events_total{source="web",result="accepted"}'), collected.accepted);
    assert.equal(value('purposeguard_events_total{source="web",result="rejected"}'), collected.rejected.length);
    assert.equal(value('purposeguard_audit_entries_total{kind="decision"}'), 2);
    assert.equal(value('purposeguard_audit_entries_total{kind="collection"}'), 1);
    const eventRequests = [...text.matchAll(/^purposeguard_http_requests_total\{route="\/v1\/events",[^}]*\} (\d+)$/gm)]
      .reduce((sum, m) => sum + Number(m[1]), 0);
    assert.equal(value('purposeguard_http_request_duration_seconds_count{route="/v1/events"}'), eventRequests);
    assert.equal(value('purposeguard_http_request_duration_seconds_bucket{route="/v1/events",le="+Inf"}'), eventRequests);
    assert.match(text, /# TYPE purposeguard_http_request_duration_seconds histogram/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
