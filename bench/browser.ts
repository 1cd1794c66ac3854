// The browser half of `npm run bench`: the same guest in headless Chromium, through the real app
// (dist/, served locally) and its worker, so the figure includes everything a student's tab pays.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '../e2e/server';
import { chromiumPath, launchChromium } from '../e2e/chromium';

export interface BrowserResult {
  instructions: number;
  seconds: number;
  state: string;
}

interface Digest {
  state: string;
  instructions: number;
}

/** Null when Chromium or dist/ is missing (the caller says so and skips the column). */
export async function runInChromium(root: string, imageId: string, timeoutMs: number): Promise<BrowserResult | null> {
  const dist = join(root, 'dist');
  if (!existsSync(chromiumPath) || !existsSync(join(dist, 'index.html'))) return null;
  const server = await serveStatic(dist);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}?image=${encodeURIComponent(imageId)}&autoboot=1`);
    const digest = (): Promise<Digest> =>
      page.evaluate(() => {
        const d = (window as unknown as { __armlab: { digest(): { state: string; instructions: number | bigint } } }).__armlab.digest();
        return { state: d.state, instructions: Number(d.instructions) };
      });
    // Time from the first digest that shows the CPU running to the one that shows it stopped, polled
    // every 20 ms: for a run of seconds the error is well under 1%.
    const deadline = Date.now() + timeoutMs;
    let start = 0;
    for (;;) {
      const d = await digest();
      if (start === 0 && d.state === 'running') start = performance.now();
      if (start !== 0 && d.state !== 'running' && d.state !== 'idle') {
        return { instructions: d.instructions, seconds: (performance.now() - start) / 1000, state: d.state };
      }
      if (Date.now() > deadline) return { instructions: d.instructions, seconds: timeoutMs / 1000, state: `timeout (${d.state})` };
      await page.waitForTimeout(20);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
