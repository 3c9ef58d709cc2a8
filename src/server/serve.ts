import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { PurposeGuard } from '../engine/purposeguard.js';
import { createApp } from './app.js';
import type { ServerOptions } from './app.js';

export interface RunningServer {
  readonly url: string;
  /** Stops accepting connections and waits for requests in flight. */
  close(): Promise<void>;
}

/** Starts the HTTP server; resolves once it listens. */
export function startServer(
  pg: PurposeGuard,
  options: ServerOptions & { port?: number; host?: string } = {},
): Promise<RunningServer> {
  const app = createApp(pg, options);
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    const onError = (error: Error): void => reject(error);
    server = serve({ fetch: app.fetch, port: options.port ?? 8080, hostname: options.host ?? '127.0.0.1' }, (info: AddressInfo) => {
      server?.off('error', onError);
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        close: () => new Promise((done) => {
          server?.close(() => done());
          if (server && 'closeIdleConnections' in server) server.closeIdleConnections();
        }),
      });
    });
    server.on('error', onError);
  });
}
