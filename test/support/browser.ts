import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots land here; CI keeps the folder with its logs. */
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots');

/** True when Debian's Chromium is installed; under CI its absence fails the run. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`Chromium is required under CI at ${CHROMIUM}: apt-get install chromium (.ci/run does)`);
  console.warn(`[agor tests] no Chromium at ${CHROMIUM}: browser tests are skipped (apt-get install chromium)`);
  return false;
}

export async function launch(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // Two users' windows side by side: neither may be throttled as a background window.
      '--disable-renderer-backgrounding', '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows'],
  });
}
