import { PurposeGuardError } from '../errors.js';
import { renderUsageHtml } from './report-html.js';
import { renderUsageTable } from './report-table.js';
import type { Ropa } from './ropa.js';
import { renderRopaHtml, renderRopaMarkdown } from './ropa-render.js';
import type { ReportWindow, UsageReport } from './usage-report.js';

export const REPORT_FORMATS = ['table', 'json', 'html'] as const;
export const ROPA_FORMATS = ['json', 'md', 'html'] as const;

const HTML = 'text/html; charset=utf-8';
const MARKDOWN = 'text/markdown; charset=utf-8';
const JSON_TYPE = 'application/json';
const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

function prettyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export type ReportFormat = (typeof REPORT_FORMATS)[number];
export type RopaFormat = (typeof ROPA_FORMATS)[number];

/** A rendered document and its media type. */
export interface Rendered {
  readonly text: string;
  readonly contentType: string;
}

export function renderReport(report: UsageReport, format: ReportFormat): Rendered {
  if (format === 'html') return { text: renderUsageHtml(report), contentType: HTML };
  if (format === 'json') return { text: prettyJson(report), contentType: JSON_TYPE };
  return { text: renderUsageTable(report), contentType: 'text/plain; charset=utf-8' };
}

export function renderRopa(ropa: Ropa, format: RopaFormat): Rendered {
  if (format === 'html') return { text: renderRopaHtml(ropa), contentType: HTML };
  if (format === 'md') return { text: renderRopaMarkdown(ropa), contentType: MARKDOWN };
  return { text: prettyJson(ropa), contentType: JSON_TYPE };
}

/** A format name checked against the allowed ones; `where` names the option. */
export function formatOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
  where: string,
): T {
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new PurposeGuardError('invalid_request',
    `${where} must be one of ${allowed.join(', ')}, not '${value.slice(0, 20)}'`);
}

/** The window of `from` and `to` ISO times; either may be absent. */
export function windowOf(
  from: string | undefined,
  to: string | undefined,
  where: { from: string; to: string },
): ReportWindow {
  const window = {
    ...(from ? { from: isoTime(from, where.from) } : {}),
    ...(to ? { to: isoTime(to, where.to) } : {}),
  };
  if (window.from !== undefined && window.to !== undefined && window.to <= window.from) {
    throw new PurposeGuardError('invalid_request', `${where.to} must be after ${where.from}`);
  }
  return window;
}

function isoTime(text: string, where: string): number {
  const ms = ISO_TIME.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new PurposeGuardError('invalid_request', `${where} must be an ISO date or time`
      + ` such as 2025-01-31 or 2025-01-31T12:00:00Z, not '${text.slice(0, 40)}'`);
  }
  return ms;
}
