import { existsSync } from 'node:fs';

/** Debian's Chromium, or the one PURPOSEGUARD_CHROMIUM names. */
export const CHROMIUM = process.env['PURPOSEGUARD_CHROMIUM'] ?? '/usr/bin/chromium';

/** Headless, and quiet on a machine with no network. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Why the browser tests cannot run here, or false when they can. In CI
 * (CI=true) a missing Chromium is a failure, never a skip.
 */
export const BROWSER_SKIP: string | false =
  existsSync(CHROMIUM) || process.env['CI'] === 'true'
    ? false
    : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set PURPOSEGUARD_CHROMIUM)`;
