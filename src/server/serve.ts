import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PurposeGuard } from '../engine/purposeguard.js';
import { createServerApp } from './app.js';
import type { ServerOptions } from './server-options.js';

export interface RunningServer {
  readonly url: string;
  /**
   * Stops accepting connections, ends live streams, lets requests in
   * flight finish (each is answered; a batch either commits or not) and
   * closes connections as they fall idle. Connections still busy after
   * `drainMs` are cut.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

const DEFAULT_DRAIN_MS = 10_000;
const IDLE_SWEEP_MS = 25;

/** Starts the HTTP server; resolves once it listens. */
export function startServer(
  pg: PurposeGuard,
  options: ServerOptions & { port?: number; host?: string } = {},
): Promise<RunningServer> {
  const parts = createServerApp(pg, options);
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    const onError = (error: Error): void => reject(error);
    const listening = (info: AddressInfo): void => {
      server?.off('error', onError);
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        close: async (closing = {}) => {
          parts.close();
          await drain(server as Server, closing.drainMs ?? DEFAULT_DRAIN_MS);
        },
      });
    };
    const address = { port: options.port ?? 8080, hostname: options.host ?? '127.0.0.1' };
    server = serve({ fetch: parts.app.fetch, ...address }, listening);
    server.on('error', onError);
  });
}

function drain(server: Server, drainMs: number): Promise<void> {
  return new Promise((done) => {
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const cut = setTimeout(() => server.closeAllConnections(), drainMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      done();
    });
    server.closeIdleConnections();
  });
}
