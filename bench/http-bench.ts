import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { itemsFromFile } from '../src/collection/input-files.js';
import { ingest } from '../src/collection/ingest.js';
import { PurposeGuard } from '../src/engine/purposeguard.js';
import { startServer } from '../src/server/serve.js';
import type { RunningServer } from '../src/server/serve.js';
import type { BenchContext, Benchmark, BenchResult } from './harness.js';
import { median } from './harness.js';
import type { LoadPlan, LoadResult } from './http/load-client.js';

const run = promisify(execFile);
const CLIENT = fileURLToPath(new URL('./http/load-client.js', import.meta.url));
const POLICY = fileURLToPath(new URL('../../examples/policy.yaml', import.meta.url));
const EVENTS = fileURLToPath(new URL('../../examples/events.json', import.meta.url));
const CONNECTIONS = 16;

interface Settings {
  readonly rounds: number;
  readonly durationMs: number;
  readonly maxRequests: number;
}

/** Runs the load generator in its own process against the server. */
async function load(
  server: RunningServer,
  kind: LoadPlan['kind'],
  settings: Settings,
  idPrefix: string,
): Promise<LoadResult> {
  const token = { events: 'demo-web-key', noop: 'demo-web-key', query: 'demo-ads-ranker' }[kind];
  const plan: LoadPlan = {
    url: server.url, kind, token, connections: CONNECTIONS,
    durationMs: settings.durationMs, maxRequests: settings.maxRequests, idPrefix,
  };
  const args = [CLIENT, JSON.stringify(plan)];
  const { stdout } = await run(process.execPath, args, { timeout: settings.durationMs + 30_000 });
  return JSON.parse(stdout) as LoadResult;
}

const rps = (r: LoadResult): number => r.requests / r.seconds;

/**
 * Requests a second of `POST /v1/events` (one event a request) over the
 * same server's authenticated no-op route, load from a second process on
 * loopback; with p99 latencies, errors and lost events as details.
 */
export const httpIngestVsNoop: Benchmark = {
  key: 'http_ingest_vs_noop',
  goal: '>= 0.5',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const settings: Settings = ctx.quick
      ? { rounds: 2, durationMs: 1500, maxRequests: 50_000 }
      : { rounds: 3, durationMs: 4000, maxRequests: 200_000 };
    const dir = mkdtempSync(join(tmpdir(), 'pg-http-bench-'));
    const pg = await PurposeGuard.open({ policy: POLICY, db: join(dir, 'bench.db') });
    const seeded = await ingest(pg.ctx, 'web', itemsFromFile(EVENTS), { actor: 'bench' });
    const server = await startServer(pg, { port: 0, host: '127.0.0.1', rateLimit: null });
    try {
      await load(server, 'noop', { ...settings, durationMs: 500 }, 'warm-noop');
      const warm = await load(server, 'events', { ...settings, durationMs: 500 }, 'warm');
      const events: LoadResult[] = [];
      const noops: LoadResult[] = [];
      for (let i = 0; i < settings.rounds; i++) {
        noops.push(await load(server, 'noop', settings, `noop-${i}`));
        events.push(await load(server, 'events', settings, `round-${i}`));
        const [e, n] = [rps(events[i] as LoadResult), rps(noops[i] as LoadResult)];
        ctx.log(`round ${i + 1}: events ${e.toFixed(0)}/s, noop ${n.toFixed(0)}/s`);
      }
      const queryMs = Math.min(settings.durationMs, 2000);
      const query = await load(server, 'query', { ...settings, durationMs: queryMs }, 'query');
      const all = [warm, ...events];
      const acknowledged = all.reduce((s, r) => s + r.acknowledged, 0);
      const counts = await pg.store.datasetCounts(null);
      const stored = counts.find((c) => c.dataset === 'events')?.rows ?? 0;
      const errors = [...all, ...noops, query].reduce((s, r) => s + r.errors, 0);
      const lost = acknowledged + seeded.accepted - stored;
      if (errors > 0 || lost !== 0) {
        throw new Error(`${errors} errors and ${lost} lost events under load`);
      }
      return {
        value: median(events.map(rps)) / median(noops.map(rps)),
        details: {
          events_per_second: median(events.map(rps)),
          noop_per_second: median(noops.map(rps)),
          events_p99_ms: median(events.map((r) => r.p99Ms)),
          noop_p99_ms: median(noops.map((r) => r.p99Ms)),
          query_per_second: rps(query),
          query_p99_ms: query.p99Ms,
          connections: CONNECTIONS,
          errors,
          lost_events: lost,
          events_acknowledged: acknowledged,
        },
      };
    } finally {
      await server.close({ drainMs: 2000 });
      await pg.close();
    }
  },
};
