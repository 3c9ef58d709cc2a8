import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PurposeGuardError } from '../../errors.js';

export interface Asset {
  readonly body: string;
  readonly type: string;
}

/** The package root: this file runs from dist/src/server/dashboard. */
const STATIC_URL = new URL('../../../../src/server/dashboard/static/', import.meta.url);
const STATIC_DIR = fileURLToPath(STATIC_URL);
const require = createRequire(import.meta.url);

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** Files under /assets/: ours from the static folder, the chart libraries from their packages. */
const FILES: Readonly<Record<string, () => string>> = {
  'dashboard.css': () => `${STATIC_DIR}dashboard.css`,
  'dashboard.js': () => `${STATIC_DIR}dashboard.js`,
  'cytoscape.min.js': () => require.resolve('cytoscape/dist/cytoscape.min.js'),
  // chart.js exports no path to its UMD build; it sits beside the main file.
  'chart.umd.js': () => join(dirname(require.resolve('chart.js')), 'chart.umd.js'),
};

/**
 * The dashboard's pages and scripts, read once and kept. Everything is
 * served by the same process; the page needs no network beyond it.
 */
export class DashboardAssets {
  readonly #cache = new Map<string, Asset>();

  has(name: string): boolean {
    return Object.hasOwn(FILES, name);
  }

  asset(name: string): Asset {
    const locate = FILES[name];
    if (!locate) throw new PurposeGuardError('not_found', `no dashboard asset '${name}'`);
    return this.#load(name, locate());
  }

  page(name: 'dashboard.html' | 'login.html'): string {
    return this.#load(name, `${STATIC_DIR}${name}`).body;
  }

  #load(key: string, file: string): Asset {
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const ext = /\.[a-z]+$/.exec(file)?.[0] ?? '';
    const type = TYPES[ext] ?? 'application/octet-stream';
    const asset = { body: readFileSync(file, 'utf8'), type };
    this.#cache.set(key, asset);
    return asset;
  }
}
