import type { AuditKind } from './store/store.js';

/**
 * What PurposeGuard reports as it works. The library never prints: it
 * hands these events to the logger it was given, and the CLI and the
 * server decide where they go. No event carries record contents or
 * identifiers in the clear.
 */
export type LogEvent =
  | {
      readonly type: 'decision';
      readonly processor: string;
      readonly purpose: string;
      readonly dataset: string;
      readonly allowed: boolean;
      readonly rule: string;
      readonly reason: string;
      readonly rows: number;
    }
  | {
      readonly type: 'collection';
      readonly source: string;
      readonly accepted: number;
      readonly rejected: number;
      readonly duplicates: number;
    }
  | {
      readonly type: 'flow';
      readonly processor: string;
      readonly purpose: string;
      readonly output: string;
      readonly outcome: 'allowed' | 'violation' | 'denied';
      readonly rows: number;
      readonly reason: string;
    }
  | { readonly type: 'alert'; readonly alert: string; readonly severity: 'warning' | 'critical'; readonly details: Readonly<Record<string, unknown>> }
  | { readonly type: 'audit'; readonly kind: AuditKind; readonly count: number }
  | {
      readonly type: 'request';
      readonly requestId: string;
      readonly method: string;
      /** The route pattern (`/v1/datasets/:name/query`), never the raw path. */
      readonly route: string;
      readonly status: number;
      readonly durationMs: number;
      readonly principal: { readonly kind: string; readonly name: string } | null;
      readonly code?: string;
    }
  | { readonly type: 'erasure'; readonly owner: string; readonly rows: number; readonly queued: number }
  | { readonly type: 'expiry'; readonly rows: number; readonly queued: number }
  | { readonly type: 'consent'; readonly owner: string; readonly changes: number; readonly source: string }
  | {
      readonly type: 'outbox';
      readonly delivered: number;
      readonly failed: number;
      readonly waiting: number;
    }
  | { readonly type: 'progress'; readonly task: string; readonly done: number; readonly total: number | null }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  | { readonly type: 'info'; readonly message: string; readonly details?: Readonly<Record<string, unknown>> };

export type Logger = (event: LogEvent) => void;

export const silentLogger: Logger = () => {};

/** A logger writing one JSON object a line, for the CLI and the server. */
export function jsonLineLogger(write: (line: string) => void): Logger {
  return (event) => write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
}
