import { streamSSE } from 'hono/streaming';
import type { CompiledPolicy } from '../../policy/policy-types.js';
import type { App, RouteDeps } from '../app.js';
import type { Activity } from '../dashboard/activity-feed.js';

const FLOW_LIMIT = 500;

/** Read-only views for the dashboard and operators: policy, datasets, flows, activity. */
export function registerOverviewRoutes(app: App, deps: RouteDeps): void {
  const policy = {
    method: 'get', path: '/v1/policy', auth: 'admin',
    summary: 'the policy in force: purposes, sources, datasets, processors',
  } as const;
  deps.routes.add(app, policy, (c) => {
    return c.json(policySummary(deps.pg.policy));
  });

  const datasets = {
    method: 'get', path: '/v1/datasets', auth: 'admin', summary: 'row counts by dataset and owner',
  } as const;
  deps.routes.add(app, datasets, async (c) => {
    return c.json({ datasets: await deps.pg.store.datasetCounts(null) });
  });

  const flows = {
    method: 'get', path: '/v1/flows', auth: 'admin',
    summary: `the latest ${FLOW_LIMIT} recorded flows, newest first`,
  } as const;
  deps.routes.add(app, flows, async (c) => {
    return c.json({ flows: await deps.pg.store.flows({ limit: FLOW_LIMIT }) });
  });

  const stream = {
    method: 'get', path: '/v1/events/stream', auth: 'admin', produces: 'text/event-stream',
    summary: 'live decisions, flows, collections, alerts and erasures as server-sent events',
  } as const;
  deps.routes.add(app, stream, (c) => {
    const after = Number(c.req.header('last-event-id') ?? 0) || 0;
    return streamSSE(c, async (sse) => {
      const send = (a: Activity): Promise<void> => {
        return sse.writeSSE({ id: String(a.seq), event: a.type, data: JSON.stringify(a) });
      };
      for (const a of deps.activity.since(after)) await send(a);
      await new Promise<void>((done) => {
        const off = deps.activity.subscribe((a) => void send(a).catch(done), done);
        sse.onAbort(() => {
          off();
          done();
        });
      });
    });
  });
}

function policySummary(policy: CompiledPolicy): Record<string, unknown> {
  return {
    digest: policy.digest,
    mode: policy.mode,
    purposes: [...policy.purposes.values()].map((p) => ({
      name: p.name,
      parent: p.parent,
      description: p.description,
      requiresConsent: p.consent.kind !== 'none',
    })),
    sources: [...policy.sources.values()].map((s) => ({
      name: s.name, kind: s.kind, owner: s.owner, dataset: s.dataset,
    })),
    datasets: [...policy.datasets.values()].map((d) => ({
      name: d.name, kind: d.kind, description: d.description, purposes: d.purposes, mode: d.mode,
    })),
    processors: [...policy.processors.values()].map((p) => ({
      name: p.name, owner: p.owner, purposes: p.purposes,
    })),
  };
}
