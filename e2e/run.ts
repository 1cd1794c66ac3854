// Runs the end-to-end tests: serves dist/ (run `vite build` first; `npm run e2e` does both) and
// drives Debian's Chromium headless through playwright-core. Prints one line per test and a
// summary "N passed, N failed"; exits non-zero if anything failed.
//
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_FILTER (run only tests whose name contains
// it), E2E_URL (test an app already served there, e.g. `vite` at http://127.0.0.1:5173/, instead of dist/),
// E2E_DOCS=1 (copy the screenshot set docs/browser.md shows into docs/screenshots/ after a green run).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { chromiumPath, launchChromium } from './chromium';
import { serveStatic } from './server';
import { DOC_SCREENSHOTS, tests } from './tests';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const results = join(root, 'test-results');
const filter = process.env['E2E_FILTER'] ?? '';
const externalUrl = process.env['E2E_URL'];

function safeName(s: string): string {
  return s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
}

async function main(): Promise<number> {
  if (!existsSync(chromiumPath)) {
    console.error(`e2e: Chromium not found at ${chromiumPath}.`);
    console.error('Install Debian\'s package (apt-get install chromium) or set CHROMIUM=/path/to/chromium.');
    console.error('0 passed, 1 failed');
    return 1;
  }
  if (!externalUrl && !existsSync(join(dist, 'index.html'))) {
    console.error('e2e: dist/index.html is missing: run `vite build` first (`npm run e2e` does).');
    console.error('0 passed, 1 failed');
    return 1;
  }
  mkdirSync(results, { recursive: true });

  const server = externalUrl
    ? { url: externalUrl.endsWith('/') ? externalUrl : `${externalUrl}/`, close: async (): Promise<void> => undefined }
    : await serveStatic(dist);
  let browser: Browser | undefined;
  let passed = 0;
  let failed = 0;
  try {
    browser = await launchChromium();
    console.log(`e2e: ${server.url} in Chromium ${browser.version()}`);
    for (const test of tests) {
      if (filter && !test.name.includes(filter)) continue;
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(`console.error: ${m.text()} (${m.location().url})`);
      });
      page.on('worker', (w) => w.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(`worker console.error: ${m.text()}`);
      }));
      const screenshot = async (name: string): Promise<void> => {
        await page.screenshot({ path: join(results, `${safeName(name)}.png`) });
      };
      const t0 = Date.now();
      try {
        await test.run({ page, baseUrl: server.url, screenshot, outputDir: results });
        if (pageErrors.length > 0) throw new Error(`errors on the page:\n${pageErrors.join('\n')}`);
        passed++;
        console.log(`  ✓ ${test.name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(`  ✗ ${test.name} (${Date.now() - t0} ms)`);
        console.log(indent(e instanceof Error ? e.message : String(e)));
        await screenshot(`failed-${test.name}`).catch(() => undefined);
      } finally {
        await context.close();
      }
    }
  } catch (e) {
    failed++;
    console.log(`e2e: could not run: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await browser?.close();
    await server.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (process.env['E2E_DOCS'] === '1' && failed === 0) {
    const docs = join(root, 'docs', 'screenshots');
    mkdirSync(docs, { recursive: true });
    for (const name of DOC_SCREENSHOTS) {
      const from = join(results, `${name}.png`);
      if (existsSync(from)) copyFileSync(from, join(docs, `${name}.png`));
      else console.log(`e2e: no ${name}.png to copy into docs/screenshots (was its test filtered out?)`);
    }
    console.log(`e2e: copied the screenshot set into ${docs}`);
  }
  return failed === 0 && passed > 0 ? 0 : 1;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}

process.exitCode = await main();
