// The browser half of `npm run bench`: the same guest in headless Chromium, through the real app
// (dist/, served locally) and its worker, so the figure includes everything a student's tab pays.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '../e2e/server';
import { chromiumPath, launchChromium } from '../e2e/chromium';
import type {} from '../src/ui/testHook';

export interface BrowserResult {
  instructions: number;
  seconds: number;
  /** The run state at the end, or 'marker' when the awaited console text appeared. */
  state: string;
}

interface Digest {
  state: string;
  instructions: number;
}

/**
 * Boots imageId with ?autoboot=1 and times it. Without `marker`: from the first digest that shows
 * the CPU running to the one that shows it stopped (a bare-metal benchmark powering off). With
 * `marker`: from the first digest that shows a boot under way (Boot pressed: the image download,
 * decompression and the boot all count; page load and worker start do not) until the console shows
 * the marker. Digests are polled every 20 ms: for a run of seconds the error is about 1%, and the
 * instruction count is the one of the update the marker arrived with (within ~1/30 s of it).
 * Null when Chromium or dist/ is missing (the caller says so and skips the column).
 */
export async function runInChromium(root: string, imageId: string, timeoutMs: number, marker?: string): Promise<BrowserResult | null> {
  const dist = join(root, 'dist');
  if (!existsSync(chromiumPath) || !existsSync(join(dist, 'index.html'))) return null;
  const server = await serveStatic(dist);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}?image=${encodeURIComponent(imageId)}&autoboot=1`);
    await page.waitForFunction(() => window.__armlab !== undefined, undefined, { timeout: 10_000 });
    const digest = (): Promise<Digest> =>
      page.evaluate(() => {
        const d = window.__armlab!.digest();
        return { state: d.state, instructions: d.instructions };
      });
    const deadline = Date.now() + timeoutMs;
    let start = 0;
    for (;;) {
      const d = await digest();
      if (marker === undefined) {
        if (start === 0 && d.state === 'running') start = performance.now();
        if (start !== 0 && d.state !== 'running' && d.state !== 'idle') {
          return { instructions: d.instructions, seconds: (performance.now() - start) / 1000, state: d.state };
        }
      } else {
        if (start === 0 && d.state !== 'empty') start = performance.now();
        if (start !== 0) {
          if (d.state === 'error' || d.state === 'powered-off') return { instructions: d.instructions, seconds: (performance.now() - start) / 1000, state: d.state };
          const text = await page.evaluate(() => window.__armlab!.terminalText());
          if (text.includes(marker)) {
            const seconds = (performance.now() - start) / 1000;
            return { instructions: (await digest()).instructions, seconds, state: 'marker' };
          }
        }
      }
      if (Date.now() > deadline) return { instructions: d.instructions, seconds: timeoutMs / 1000, state: `timeout (${d.state})` };
      await page.waitForTimeout(20);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
