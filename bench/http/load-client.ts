/**
 * The load generator, run as its own process: keep-alive connections
 * sending one kind of request until a time or count limit, then one JSON
 * line of results on stdout.
 *
 *   node dist/bench/http/load-client.js '{"url":...,"kind":"events",...}'
 */
import { Agent, request } from 'node:http';

export interface LoadPlan {
  readonly url: string;
  readonly kind: 'events' | 'noop' | 'query';
  readonly token: string;
  readonly connections: number;
  readonly durationMs: number;
  readonly maxRequests: number;
  /** Prefix of event ids, unique per run. */
  readonly idPrefix: string;
}

export interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  /** Events the server acknowledged as accepted. */
  readonly acknowledged: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const PATHS = {
  events: '/v1/events',
  noop: '/v1/noop',
  query: '/v1/datasets/events/query',
} as const;

function bodyFor(plan: LoadPlan, n: number): string {
  if (plan.kind === 'query') return '{"purpose":"ads.optimization","limit":100}';
  if (plan.kind === 'noop') return '{}';
  return JSON.stringify({ data: [{
    event_name: 'Purchase',
    event_time: 1796371200,
    event_id: `${plan.idPrefix}-${n}`,
    action_source: 'website',
    user_data: { em: [`load-${n}@example.com`], country: ['us'] },
    custom_data: { currency: 'USD', value: 10 },
  }] });
}

interface Answer {
  readonly status: number;
  readonly text: string;
}

function send(agent: Agent, plan: LoadPlan, body: string): Promise<Answer> {
  const url = new URL(PATHS[plan.kind], plan.url);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST', agent,
      headers: {
        authorization: `Bearer ${plan.token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.connections });
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let acknowledged = 0;
  const started = performance.now();
  const end = started + plan.durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end && next < plan.maxRequests) {
      const n = next++;
      const t0 = performance.now();
      try {
        const res = await send(agent, plan, bodyFor(plan, n));
        latencies.push(performance.now() - t0);
        if (res.status !== 200) errors += 1;
        else if (plan.kind === 'events' && acceptedOne(res.text)) acknowledged += 1;
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: plan.connections }, worker));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => {
    const index = Math.min(latencies.length - 1, Math.floor(q * latencies.length));
    return latencies[index] ?? Number.NaN;
  };
  const requests = latencies.length;
  return { requests, errors, acknowledged, seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

function acceptedOne(text: string): boolean {
  return (JSON.parse(text) as { accepted: number }).accepted === 1;
}

if (process.argv[2] !== undefined) {
  const plan = JSON.parse(process.argv[2]) as LoadPlan;
  process.stdout.write(`${JSON.stringify(await runLoad(plan))}\n`);
}
