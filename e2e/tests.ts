// End-to-end tests of the built app: each gets a fresh page at 1280x720 and drives it like a user,
// reading the console and state through window.__armlab (src/ui/testHook.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { PauseReason, RunState } from '../src/worker/protocol';
import { Machine } from '../src/machine/machine';
import { coreModuleSync } from '../src/machine/wasm-node';
import type {} from '../src/ui/testHook';

export interface TestContext {
  page: Page;
  /** The app's URL (dist/ served over HTTP), ending in '/'. */
  baseUrl: string;
  /** Saves a screenshot to test-results/<name>.png. */
  screenshot(name: string): Promise<void>;
  /** test-results/, for other artefacts (a performance trace). */
  outputDir: string;
}

/** The screenshots docs/browser.md shows (E2E_DOCS=1 copies them into docs/screenshots/). */
export const DOC_SCREENSHOTS = [
  'linux-booting', 'linux-shell', 'lab-el-view', 'lab-el-view-el2', 'lab-trail', 'lab-trail-el2-stop', 'lab-debugger', 'own-images', 'lab-dark', 'lab-light-projector',
  'snapshots-saved', 'migration-source-moved',
] as const;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface E2eTest {
  name: string;
  run(t: TestContext): Promise<void>;
}

const BOOT_TIMEOUT = 30_000;
/** Linux reaches its shell in about 120 M instructions: a few seconds, more on a loaded machine. */
const LINUX_TIMEOUT = 90_000;

/** A plain-data view of the digest (the PC is a BigInt, which we do not need here). */
interface DigestView {
  state: RunState;
  instructions: number;
  inputBytes: number;
  el: number | null;
  error: string | null;
  pauseReason: PauseReason | null;
  updates: number;
  guestSeconds: number;
  /** PC as 0x hex (null before boot). */
  pc: string | null;
  bootId: number;
}

async function open(page: Page, baseUrl: string, query: string): Promise<void> {
  await page.goto(`${baseUrl}${query}`);
  await page.waitForFunction(() => window.__armlab !== undefined, undefined, { timeout: 10_000 });
}

async function digest(page: Page): Promise<DigestView> {
  return page.evaluate(() => {
    const d = window.__armlab!.digest();
    return {
      state: d.state, instructions: d.instructions, inputBytes: d.inputBytes, el: d.el, error: d.error, pauseReason: d.pauseReason,
      updates: d.updates, guestSeconds: d.guestSeconds, pc: d.pc === null ? null : `0x${d.pc.toString(16)}`, bootId: d.bootId,
    };
  });
}

async function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => window.__armlab!.terminalText());
}

/** What the page shows right now, for failure messages. */
async function describe(page: Page): Promise<string> {
  const d = await digest(page).catch(() => null);
  const text = await terminalText(page).catch(() => '(unreadable)');
  const log = await page.evaluate(() => window.__armlab!.log().slice(-10)).catch(() => []);
  return `state ${JSON.stringify(d)}\n--- terminal ---\n${text}\n--- machine log ---\n${log.join('\n')}`;
}

async function waitFor(page: Page, what: string, pred: () => Promise<boolean>, timeout = BOOT_TIMEOUT): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}\n${await describe(page)}`);
    await page.waitForTimeout(50);
  }
}

const waitForText = (page: Page, text: string, timeout?: number): Promise<void> =>
  waitFor(page, JSON.stringify(text) + ' in the console', async () => (await terminalText(page)).includes(text), timeout);

const waitForState = (page: Page, state: RunState, timeout?: number): Promise<void> =>
  waitFor(page, `state ${state}`, async () => (await digest(page)).state === state, timeout);

function check(cond: boolean, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

/** Types a line into the console as a user would (the terminal must have focus). */
async function typeLine(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** The text after the last occurrence of marker in the console ('' if it is absent). */
async function textAfter(page: Page, marker: string): Promise<string> {
  const text = await terminalText(page);
  const at = text.lastIndexOf(marker);
  return at < 0 ? '' : text.slice(at + marker.length);
}

declare global {
  interface Window {
    /** Main-thread long tasks the responsiveness test's PerformanceObserver saw. */
    __longTasks?: { start: number; duration: number }[];
  }
}

/** The parts of the CPU snapshot the tests look at, as plain numbers and hex strings. */
interface CpuView {
  el: number;
  pc: string;
  clock: number;
  vbarEl1: string;
  vbarEl2: string;
}

async function cpuView(page: Page): Promise<CpuView | null> {
  return page.evaluate(() => {
    const c = window.__armlab!.cpu();
    if (!c) return null;
    // (No local helper function: tsx would wrap it in a __name() call the page does not have.)
    return {
      el: c.el, pc: `0x${c.pc.toString(16)}`, clock: Number(c.clock), vbarEl1: `0x${c.sysregs.VBAR_EL1.toString(16)}`,
      vbarEl2: `0x${c.sysregs.VBAR_EL2.toString(16)}`,
    };
  });
}

async function trailCount(page: Page): Promise<{ events: number; lost: number; toEl2: number }> {
  return page.evaluate(() => {
    const t = window.__armlab!.trail();
    return { events: t.events.length, lost: t.lost, toEl2: t.events.filter((e) => e.toEl === 2 && e.kind !== 'eret').length };
  });
}

async function bootLinux(page: Page, baseUrl: string, beforePrompt?: () => Promise<void>): Promise<void> {
  await open(page, baseUrl, '?image=linux&autoboot=1');
  if (beforePrompt) await beforePrompt();
  await waitForText(page, 'armlab:/# ', LINUX_TIMEOUT);
  await page.click('.console .xterm');
}

/** Runs a shell command and waits for `expect` in what follows it. */
async function shell(page: Page, command: string, expect: string, timeout?: number): Promise<void> {
  await typeLine(page, command);
  await waitFor(page, `${JSON.stringify(expect)} after ${command}`, async () => (await textAfter(page, command)).includes(expect), timeout);
}

/** Clicks Boot and waits until the worker has started that boot (a fresh console). */
async function clickBoot(page: Page): Promise<void> {
  const before = (await digest(page)).bootId;
  await page.click('[data-testid=boot]');
  await waitFor(page, 'the new boot to start', async () => (await digest(page)).bootId > before, 10_000);
}

const hex16 = (v: bigint): string => `0x${v.toString(16).padStart(16, '0')}`;

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}


// ---- Snapshots and migration ----------------------------------------------------------------------

/** The Snapshots tab's migration status as plain data (window.__armlab.migration()). */
async function migrationOf(page: Page): Promise<{ phase: string; rounds: number; bytes: number; downtimeMs: number | null; message: string | null }> {
  return page.evaluate(() => {
    const m = window.__armlab!.migration();
    return { phase: m.phase, rounds: m.rounds, bytes: m.bytes, downtimeMs: m.downtimeMs, message: m.message };
  });
}

/** Opens a second page of the same browser context (same BroadcastChannel and IndexedDB) ready to receive. */
async function receivingPage(page: Page, baseUrl: string): Promise<Page> {
  const other = await page.context().newPage();
  await open(other, baseUrl, '?receive=1');
  await waitFor(other, 'the second page to offer to receive', () => other.evaluate(() => window.__armlab!.migration().receiving), 10_000);
  return other;
}

/**
 * Moves the machine of `from` to `to` (which must be receiving) with the Snapshots tab's button, waits
 * until `to` runs it and `from` says it moved; returns the figures both tabs show.
 */
async function migrate(from: Page, to: Page, mode: 'warm' | 'live'): Promise<{ rounds: number; bytes: number; downtimeMs: number; received: number }> {
  await from.click('[data-testid=tab-snapshots]');
  await from.click(`[data-testid=migrate-${mode}]`);
  await waitFor(to, 'the machine to arrive', async () => (await migrationOf(to)).phase === 'arrived', 60_000);
  await waitFor(from, 'the source to say it moved', async () => (await migrationOf(from)).phase === 'moved', 30_000);
  await from.waitForSelector('[data-testid=moved]', { timeout: 5_000 });
  const src = await migrationOf(from);
  const dst = await migrationOf(to);
  check((await digest(from)).state === 'empty', 'the source should no longer run the machine');
  const st = (await digest(to)).state;
  check(st === 'running' || st === 'idle', `the destination should run the machine, not be ${st}`);
  check(src.downtimeMs !== null && dst.downtimeMs === src.downtimeMs, `both tabs should show the same downtime (${src.downtimeMs}, ${dst.downtimeMs})`);
  if (mode === 'live') check(src.rounds >= 1 && dst.rounds === src.rounds, `live: rounds sent ${src.rounds}, received ${dst.rounds}`);
  check(dst.bytes === src.bytes, `bytes sent ${src.bytes}, received ${dst.bytes}`);
  return { rounds: src.rounds, bytes: src.bytes, downtimeMs: src.downtimeMs!, received: dst.bytes };
}

const LINUX_OPTIONS = { el: 2, ramMiB: 256, cmdline: 'console=ttyAMA0' } as const;

/** Runs a Node-side machine until its console output (collected in out()) includes text. */
function runUntil(m: Machine, out: () => string, text: string, maxSlices = 600): void {
  for (let i = 0; i < maxSlices && !out().includes(text); i++) m.run(1_000_000);
  if (!out().includes(text)) throw new Error(`Node: no ${JSON.stringify(text)} in the output:\n${out().slice(-500)}`);
}

function collect(m: Machine): () => string {
  let text = '';
  const dec = new TextDecoder();
  m.onOutput((b) => (text += dec.decode(b, { stream: true })));
  return () => text;
}

export const tests: E2eTest[] = [
  {
    name: 'the default machine is Linux: it boots to a shell that answers uname -a',
    async run({ page, baseUrl, screenshot }) {
      // Hold the kernel's download until the page has shown its progress, so the progress display
      // is tested even though the images come from localhost in no time.
      let releaseKernel = (): void => undefined;
      const kernelHeld = new Promise<void>((ok) => (releaseKernel = ok));
      await page.route('**/images/linux-Image.gz', async (route) => {
        await kernelHeld;
        await route.continue();
      });
      await open(page, baseUrl, '');
      await waitFor(page, 'Linux to be preselected', async () => (await page.inputValue('[data-testid=image-picker]')) === 'linux', 10_000);
      await page.waitForSelector('[data-testid=boot-hint]', { timeout: 5_000 });
      await page.click('[data-testid=boot]');
      await page.waitForSelector('[data-testid=boot-progress] >> text=Downloading linux-Image.gz', { timeout: 10_000 });
      await screenshot('linux-downloading');
      releaseKernel();
      await waitForText(page, 'ARMLAB-INIT: ready', LINUX_TIMEOUT);
      await waitForText(page, 'armlab:/# ', LINUX_TIMEOUT);
      check((await page.$('[data-testid=boot-progress]')) === null, 'the download progress should be gone once the machine runs');
      const boot = await terminalText(page);
      check(boot.includes('CPU: All CPU(s) started at EL2'), `the kernel should start at EL2:\n${boot}`);
      check(boot.includes('kvm [1]: Hyp mode initialized successfully'), `KVM should initialise:\n${boot}`);

      // An idle shell must not keep the host busy: the worker sleeps through the guest's timer
      // ticks (real time) instead of fast-forwarding them. Linux (HZ=250) then runs a few thousand
      // instructions per tick, well under 1 M instructions per second; a worker that wakes the
      // guest too early or too often shows up as many more (it did: 6 M/s, 10% load).
      await page.waitForTimeout(500);
      const samples: { mips: number; load: number }[] = [];
      for (let i = 0; i < 10; i++) {
        samples.push(await page.evaluate(() => {
          const d = window.__armlab!.digest();
          return { mips: d.mips, load: d.load };
        }));
        await page.waitForTimeout(100);
      }
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      const idleMips = mean(samples.map((x) => x.mips));
      const idleLoad = mean(samples.map((x) => x.load));
      check(idleMips < 3, `an idle Linux runs ${idleMips.toFixed(2)} M instructions/s (worker ${Math.round(idleLoad * 100)}% busy): is the worker spinning?`);

      await page.click('.console .xterm');
      await typeLine(page, 'uname -a');
      await waitFor(page, 'the output of uname -a', async () => (await textAfter(page, 'uname -a')).includes('Linux armlab 6.1'));
      // The RTC starts at the wall clock (MachineOptions.rtcEpoch), and the kernel sets its time from it.
      await typeLine(page, 'date +%Y');
      const year = String(new Date().getUTCFullYear());
      await waitFor(page, `date to print ${year}`, async () => (await textAfter(page, 'date +%Y')).includes(year));
      await screenshot('linux-shell');
      const d = await digest(page);
      check(d.error === null && d.el !== null, `unexpected machine state: ${JSON.stringify(d)}`);

      await typeLine(page, 'poweroff -f');
      await waitForState(page, 'powered-off', 30_000);
    },
  },
  {
    name: 'hello boots, prints its greeting and powers off',
    async run({ page, baseUrl, screenshot }) {
      await open(page, baseUrl, '?image=hello&autoboot=1');
      await waitForText(page, 'Hello from ArmLab!');
      await waitForState(page, 'powered-off');
      const text = await terminalText(page);
      check(text.includes('Started at EL2'), `expected "Started at EL2" in the console:\n${text}`);
      const shown = await page.textContent('[data-testid=status-state]');
      check(shown === 'powered off', `status bar shows "${shown}", expected "powered off"`);
      const d = await digest(page);
      check(d.instructions > 0, `no instructions counted: ${JSON.stringify(d)}`);
      check(d.error === null, `unexpected error: ${d.error}`);
      await screenshot('hello');
    },
  },
  {
    name: 'the console fills its panel at 1280x720',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '?image=hello');
      const size = await page.evaluate(() => window.__armlab!.terminalSize());
      check(size.cols >= 80 && size.rows >= 24, `terminal is ${size.cols}x${size.rows}, expected at least 80x24`);
      // Shrinking the window must refit the terminal (the fit addon follows the panel).
      await page.setViewportSize({ width: 1000, height: 600 });
      await waitFor(page, 'the terminal to refit', async () => {
        const s = await page.evaluate(() => window.__armlab!.terminalSize());
        return s.cols < size.cols && s.rows < size.rows;
      }, 5_000);
    },
  },
  {
    name: 'keystrokes go through the UART into the echo guest and its answer comes back',
    async run({ page, baseUrl, screenshot }) {
      await open(page, baseUrl, '?image=echo&autoboot=1');
      await waitForText(page, 'Echo: type a line');
      const before = (await digest(page)).inputBytes;
      await page.click('.console .xterm');
      await page.keyboard.type('hello arm');
      await page.keyboard.press('Enter');
      await waitForText(page, 'ECHO: HELLO ARM');
      check((await digest(page)).inputBytes >= before + 10, 'the worker should count the 10 bytes typed');
      await screenshot('echo');
      // An empty line powers the guest off.
      await page.keyboard.press('Enter');
      await waitForState(page, 'powered-off');
    },
  },
  {
    name: 'reset reboots the guest from the start',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '?image=hello&autoboot=1');
      await waitForState(page, 'powered-off');
      await page.click('[data-testid=reset]');
      await waitFor(page, 'the reset to be logged', async () =>
        (await page.evaluate(() => window.__armlab!.log())).some((l) => l.includes('reset: restarting')),
      );
      await waitForText(page, 'Hello from ArmLab!');
      await waitForState(page, 'powered-off');
      const text = await terminalText(page);
      check(text.split('Hello from ArmLab!').length === 2, `expected one greeting after the console was cleared:\n${text}`);
    },
  },
  {
    name: 'pause stops the run loop and resume continues it',
    async run({ page, baseUrl, screenshot }) {
      // The CPU benchmark runs for long enough (about 1.5 billion instructions) to pause it.
      await open(page, baseUrl, '?image=bench-cpu&autoboot=1');
      await waitFor(page, 'the benchmark to run', async () => {
        const d = await digest(page);
        return d.state === 'running' && d.instructions > 0;
      });
      await page.waitForTimeout(500); // let the speed reading settle for the screenshot
      await screenshot('bench-cpu-running');
      await page.click('[data-testid=pause]');
      await waitForState(page, 'paused', 5_000);
      const paused = (await digest(page)).instructions;
      await page.waitForTimeout(300);
      const still = (await digest(page)).instructions;
      check(still === paused, `instructions went on while paused: ${paused} -> ${still}`);
      await page.click('[data-testid=resume]');
      await waitFor(page, 'instructions to advance after resume', async () => (await digest(page)).instructions > paused, 5_000);
      await page.click('[data-testid=pause]'); // leave the CPU to the other tests
      await waitForState(page, 'paused', 5_000);
    },
  },
  {
    name: 'booting another machine replaces the running one',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '?image=bench-cpu&autoboot=1');
      await waitFor(page, 'the benchmark to run', async () => (await digest(page)).instructions > 0);
      await page.selectOption('[data-testid=image-picker]', 'hello');
      await page.click('[data-testid=boot]');
      await waitForText(page, 'Hello from ArmLab!');
      await waitForState(page, 'powered-off');
      const text = await terminalText(page);
      check(!text.includes('bench-cpu'), `output of the replaced machine leaked into the new console:\n${text}`);
    },
  },
  {
    name: 'the exceptions demo runs to power-off',
    async run({ page, baseUrl, screenshot }) {
      await open(page, baseUrl, '?image=exceptions&autoboot=1');
      await waitForState(page, 'powered-off');
      const d = await digest(page);
      check(d.error === null && d.instructions > 0, `unexpected end: ${JSON.stringify(d)}`);
      check((await terminalText(page)).length > 0, 'the exceptions demo printed nothing');
      await screenshot('exceptions');
    },
  },
  {
    name: 'an unknown ?image is reported, not booted',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '?image=no-such-guest&autoboot=1');
      await page.waitForSelector('text=There is no image "no-such-guest"', { timeout: 10_000 });
      const d = await digest(page);
      check(d.state === 'empty', `expected no machine, got state ${d.state}`);
    },
  },
  {
    name: 'the lab on Linux: pause, the EL view, the trail, stop when EL2 is entered, a breakpoint and stepping',
    async run({ page, baseUrl, screenshot }) {
      await bootLinux(page, baseUrl, async () => {
        await waitForText(page, 'Hyp mode initialized', LINUX_TIMEOUT);
        await screenshot('linux-booting');
      });
      await shell(page, 'echo $((6*7))', '42');
      // Scrollback: the whole boot log is still in the buffer, well past one screen.
      const lines = (await terminalText(page)).split('\n').length;
      const size = await page.evaluate(() => window.__armlab!.terminalSize());
      check(lines > size.rows * 2, `expected the boot log in the scrollback: ${lines} lines for ${size.rows} rows`);

      // Pause: the status bar says so and the CPU snapshot is the paused state.
      await page.click('[data-testid=pause]');
      await waitForState(page, 'paused', 5_000);
      check((await page.textContent('[data-testid=status-state]')) === 'paused', 'the status bar should say paused');
      const paused = await cpuView(page);
      const d = await digest(page);
      check(paused !== null && paused.pc === d.pc, `the snapshot should match the paused digest: ${JSON.stringify(paused)} vs ${JSON.stringify(d)}`);
      check(paused.el === 0 || paused.el === 1, `a paused idle Linux is at EL1 (or EL0): ${JSON.stringify(paused)}`);

      // The EL view shows the level the CPU is in.
      await page.click('[data-testid=tab-el]');
      await page.waitForSelector(`[data-testid=el-panel] li[data-el="${paused.el}"][aria-current]`, { timeout: 5_000 });
      await screenshot('lab-el-view');

      // The trail has rows, and the worker sent them in batches.
      await page.click('[data-testid=tab-trail]');
      await page.waitForSelector('[data-testid=trail-panel] .trail-rows li', { timeout: 5_000 });
      const t = await trailCount(page);
      check(t.events > 0, `the trail should have rows after a Linux boot: ${JSON.stringify(t)}`);
      const rows = await page.$$eval('[data-testid=trail-panel] .trail-rows li', (l) => l.length);
      check(rows > 100, `the trail panel should show the rows (it shows ${rows})`);
      await screenshot('lab-trail');

      // Pause-on-match: "stop when EL2 is entered". kvm-test runs a tiny VM, so the kernel calls its
      // hypervisor (HVC into EL2) at once.
      await page.selectOption('[data-testid=trail-pause]', 'el2');
      await waitFor(page, 'the worker to take the rule', async () =>
        page.evaluate(() => window.__armlab!.digest().trailBreak?.els.join() === '2'), 5_000);
      await page.click('[data-testid=resume]');
      await waitForState(page, 'running', 5_000);
      await page.click('.console .xterm');
      await typeLine(page, 'kvm-test');
      await waitFor(page, 'the machine to stop on entering EL2', async () => {
        const x = await digest(page);
        return x.state === 'paused' && x.pauseReason === 'trap';
      });
      const atEl2 = await digest(page);
      check(atEl2.el === 2, `stopped on the rule, the CPU should be at EL2: ${JSON.stringify(atEl2)}`);
      check((await page.textContent('[data-testid=status-state]')) === 'paused: trail match', 'the status bar should say why it paused');
      await waitFor(page, 'the snapshot at EL2', async () => (await cpuView(page))?.el === 2, 5_000);
      check((await trailCount(page)).toEl2 > 0, 'the trail should show the entry into EL2');
      await screenshot('lab-trail-el2-stop');
      await page.click('[data-testid=tab-el]');
      await page.waitForSelector('[data-testid=el-panel] li[data-el="2"][aria-current]', { timeout: 5_000 });
      await screenshot('lab-el-view-el2');
      // Clear the rule and let the VM run to its end.
      await page.click('[data-testid=tab-trail]');
      await page.selectOption('[data-testid=trail-pause]', 'off');
      await waitFor(page, 'the worker to drop the rule', async () => page.evaluate(() => window.__armlab!.digest().trailBreak === null), 5_000);
      await page.click('[data-testid=resume]');
      await waitForText(page, 'kvm-test: PASS');

      // Memory through the worker: the exception vectors by VA as EL1 sees them, and RAM by PA.
      await page.click('[data-testid=pause]');
      await waitForState(page, 'paused', 5_000);
      const cpu = (await cpuView(page))!;
      const mem = await page.evaluate(async (vbar) => {
        const api = window.__armlab!.api()!;
        const v = await api.readMemory(BigInt(vbar), 16, { el: 1 });
        const p = await api.readMemory(0x4000_0000n, 16, null);
        const bad = await api.readMemory(0x10n, 4, null);
        return { v: 'bytes' in v ? v.bytes.length : v.error, p: 'bytes' in p ? p.bytes.length : p.error, bad: 'error' in bad ? bad.error : 'read' };
      }, cpu.vbarEl1);
      check(mem.v === 16 && mem.p === 16 && typeof mem.bad === 'string' && mem.bad.includes('not RAM'), `readMemory: ${JSON.stringify(mem)}`);

      // A breakpoint from the Debugger panel on the EL1 IRQ vector (current EL, SP_ELx: VBAR_EL1 +
      // 0x280), which the next timer tick reaches.
      await page.click('[data-testid=tab-debug]');
      const target = BigInt(cpu.vbarEl1) + 0x280n;
      await page.fill('[data-testid=debug-disasm-addr]', `0x${target.toString(16)}`);
      await page.press('[data-testid=debug-disasm-addr]', 'Enter');
      const line = `[data-testid=debug-disasm-line][data-addr="${hex16(target)}"]`;
      await page.waitForSelector(line, { timeout: 5_000 });
      await page.click(`${line} [data-testid=debug-bp-toggle]`);
      await waitFor(page, 'the worker to take the breakpoint', async () =>
        page.evaluate((want) => window.__armlab!.digest().breakpoints.some((b) => b === BigInt(want)), target.toString()), 5_000);
      await page.click('[data-testid=resume]');
      await waitFor(page, 'the breakpoint to stop the machine', async () => {
        const x = await digest(page);
        return x.state === 'paused' && x.pauseReason === 'breakpoint';
      });
      const hit = await digest(page);
      check(hit.pc === `0x${target.toString(16)}`, `stopped at ${hit.pc}, expected the IRQ vector 0x${target.toString(16)}`);
      await page.waitForSelector(`${line}[data-pc]`, { timeout: 5_000 });
      await screenshot('lab-debugger');

      // Step into: one instruction.
      await page.click('[data-testid=debug-step]');
      await waitFor(page, 'one instruction to run', async () => (await digest(page)).instructions === hit.instructions + 1, 5_000);
      const stepped = await digest(page);
      check(stepped.state === 'paused' && stepped.pauseReason === 'step' && stepped.pc !== hit.pc, `after a step: ${JSON.stringify(stepped)}`);
      // Step N from the header: 500 more (the handler may reach a timed WFI, whose wait also passes).
      await page.fill('[data-testid=step-count]', '500');
      await page.click('[data-testid=step-n]');
      await waitFor(page, '500 instructions to run', async () => (await digest(page)).instructions >= stepped.instructions + 500, 5_000);
      check((await digest(page)).state === 'paused', 'stepping leaves the machine paused');

      // Drop the breakpoint and go on: the shell still answers.
      await page.click('[data-testid=tab-debug]');
      await page.click('[data-testid=debug-follow-pc]').catch(() => undefined);
      await page.evaluate(() => window.__armlab!.api()!.setBreakpoints([]));
      await page.click('[data-testid=resume]');
      await page.click('.console .xterm');
      await shell(page, 'echo done-$((1+1))', 'done-2');
    },
  },
  {
    name: 'step over a system call from the Debugger panel (exceptions demo)',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '?image=exceptions');
      await waitFor(page, 'the worker', async () => page.evaluate(() => window.__armlab!.api() !== null), 10_000);
      // Find the first SVC from EL0: stop on the first synchronous exception into EL1.
      await page.evaluate(() => window.__armlab!.api()!.setTrailBreak({ kinds: ['sync'], els: [1] }));
      await page.click('[data-testid=boot]');
      await waitFor(page, 'the SVC to stop the machine', async () => (await digest(page)).pauseReason === 'trap');
      const svc = await page.evaluate(() => {
        const t = window.__armlab!.trail().events;
        const e = t[t.length - 1]!;
        return { pc: e.pc.toString(), fromEl: e.fromEl, esr: e.esr.toString(16) };
      });
      check(svc.fromEl === 0 && svc.esr.startsWith('56'), `expected an SVC from EL0: ${JSON.stringify(svc)}`);
      // Run again from the start with a breakpoint on that SVC (rule and breakpoint survive a reset).
      await page.evaluate(async (pc) => {
        const api = window.__armlab!.api()!;
        await api.setTrailBreak(null);
        await api.setBreakpoints([BigInt(pc)]);
      }, svc.pc);
      await page.click('[data-testid=reset]');
      const at = `0x${BigInt(svc.pc).toString(16)}`;
      await waitFor(page, 'the breakpoint on the SVC', async () => {
        const d = await digest(page);
        return d.pauseReason === 'breakpoint' && d.pc === at;
      });
      check(!(await terminalText(page)).includes('system call 42'), 'the system call should not have run yet');
      // Step over: the handler runs at EL1 and ERETs to the next instruction at EL0.
      await page.click('[data-testid=tab-debug]');
      await page.click('[data-testid=debug-step-over]');
      const next = `0x${(BigInt(svc.pc) + 4n).toString(16)}`;
      await waitFor(page, 'the step over to end after the SVC', async () => {
        const d = await digest(page);
        return d.state === 'paused' && d.pauseReason === 'step' && d.pc === next;
      });
      check((await digest(page)).el === 0, 'back at EL0 after stepping over the SVC');
      await waitForText(page, 'system call 42');
      await page.evaluate(() => window.__armlab!.api()!.setBreakpoints([]));
      await page.click('[data-testid=resume]');
      await waitForState(page, 'powered-off');
    },
  },
  {
    name: 'with Linux running flat out no main-thread task takes over 50 ms and the worker sends at most ~30 updates/s',
    async run({ page, baseUrl, screenshot, outputDir }) {
      await page.addInitScript(() => {
        window.__longTasks = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.__longTasks!.push({ start: e.startTime, duration: e.duration });
        }).observe({ type: 'longtask', buffered: true });
      });
      await bootLinux(page, baseUrl);
      // Show the trail while it runs, so its rows render too (the worst case for the page).
      await page.click('[data-testid=tab-trail]');
      await page.click('.console .xterm');
      // A shell loop that never sleeps and floods the console.
      await typeLine(page, 'i=0; while :; do i=$((i+1)); echo "flat out $i"; done');
      await waitForText(page, 'flat out 100');
      const browser = page.context().browser()!;
      await browser.startTracing(page, { categories: ['devtools.timeline', 'toplevel'] });
      const t0 = await page.evaluate(() => performance.now());
      const d0 = await digest(page);
      await page.waitForTimeout(6_000);
      const d1 = await digest(page);
      const t1 = await page.evaluate(() => performance.now());
      const trace = await browser.stopTracing();
      writeFileSync(join(outputDir, 'responsiveness-trace.json'), trace);
      await screenshot('linux-flat-out');
      // Ctrl+C reaches the guest and ends the loop.
      await page.keyboard.press('Control+C');
      await typeLine(page, 'echo stopped-$((2+3))');
      await waitFor(page, 'the loop to stop', async () => (await terminalText(page)).includes('stopped-5'));

      const seconds = (t1 - t0) / 1000;
      const rate = (d1.updates - d0.updates) / seconds;
      const mips = (d1.instructions - d0.instructions) / seconds / 1e6;
      check(mips > 5, `the guest should run flat out (it ran ${mips.toFixed(1)} M instr/s)`);
      check(rate <= 32, `the worker sent ${rate.toFixed(1)} updates/s (at most ~30 expected)`);
      check(rate >= 5, `the worker sent only ${rate.toFixed(1)} updates/s while running flat out`);
      const long = await page.evaluate(([a, b]) => window.__longTasks!.filter((x) => x.start >= a && x.start <= b), [t0, t1] as const);
      check(long.length === 0, `long tasks on the main thread (PerformanceObserver): ${JSON.stringify(long)}`);
      // The same from Chromium's own trace: every task the renderer's main thread ran.
      const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
      const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
      const tasks = events.filter((e) => e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && mains.has(`${e.pid}:${e.tid}`));
      check(tasks.length > 100, `the trace should show the main thread's tasks (found ${tasks.length})`);
      const slow = tasks.filter((e) => (e.dur ?? 0) > 50_000).map((e) => `${((e.dur ?? 0) / 1000).toFixed(1)} ms`);
      check(slow.length === 0, `main-thread tasks over 50 ms in the trace: ${slow.join(', ')}`);
      const longest = Math.max(...tasks.map((e) => e.dur ?? 0)) / 1000;
      console.log(`      flat out: ${mips.toFixed(1)} M instr/s, ${rate.toFixed(1)} updates/s, ${tasks.length} main-thread tasks, longest ${longest.toFixed(1)} ms`);
    },
  },
  {
    name: 'machine options and your own machine: an uploaded or dropped ELF boots; a bad file and a disk image get clear messages',
    async run({ page, baseUrl, screenshot }) {
      await open(page, baseUrl, '?image=hello');
      // A shipped image with its options changed: hello started at EL1.
      await page.click('[data-testid=image-options] summary');
      await page.selectOption('[data-testid=image-el]', '1');
      await clickBoot(page);
      await waitForText(page, 'Started at EL1');
      await waitForState(page, 'powered-off');
      await page.selectOption('[data-testid=image-picker]', '__own__');
      await page.click('[data-testid=boot]');
      await page.waitForSelector('[data-testid=error] >> text=Choose a kernel', { timeout: 5_000 });
      await page.setInputFiles('[data-testid=own-kernel]', join(repoRoot, 'public/images/hello.elf'));
      await page.selectOption('[data-testid=own-ram]', '64');
      await page.setInputFiles('[data-testid=own-disk]', { name: 'disk.img', mimeType: 'application/octet-stream', buffer: Buffer.alloc(4096) });
      await page.waitForSelector('[data-testid=own-disk-note] >> text=not supported yet: virtio-blk arrives with a later issue', { timeout: 5_000 });
      await screenshot('own-images');
      await clickBoot(page);
      await waitForText(page, 'Hello from ArmLab!');
      await waitForState(page, 'powered-off');
      check((await terminalText(page)).includes('Started at EL2'), 'the ELF should start at EL2');

      // Start EL 1.
      await page.selectOption('[data-testid=own-el]', '1');
      await clickBoot(page);
      await waitForText(page, 'Started at EL1');
      await waitForState(page, 'powered-off');

      // A bad image: the machine's ImageError, shown as it is (a 32-bit ELF header here).
      const elf32 = Buffer.alloc(64);
      elf32.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
      await page.setInputFiles('[data-testid=own-kernel]', { name: 'arm32.elf', mimeType: 'application/octet-stream', buffer: elf32 });
      await clickBoot(page);
      await waitForState(page, 'error');
      const banner = (await page.textContent('[data-testid=error]')) ?? '';
      const error = (await digest(page)).error ?? '';
      check(error.includes('32-bit ELF') && banner.includes(error), `the loader's message should be shown: banner "${banner}", digest "${error}"`);
      await screenshot('own-bad-file');

      // Drag and drop onto the page: the file lands in the kernel slot and boots.
      const bytes = [...(await import('node:fs')).readFileSync(join(repoRoot, 'public/images/hello.elf'))];
      const dataTransfer = await page.evaluateHandle((b) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(b)], 'dropped.elf', { type: 'application/octet-stream' }));
        return dt;
      }, bytes);
      await page.dispatchEvent('.console-panel', 'drop', { dataTransfer });
      await page.waitForSelector('[data-testid=own-kernel-name] >> text=dropped.elf', { timeout: 5_000 });
      await clickBoot(page);
      await waitForText(page, 'Hello from ArmLab!');
      await waitForState(page, 'powered-off');
    },
  },
  {
    name: 'controls and status bar: step 1 and N, power off, reset; speed, guest time and instruction count',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '?image=bench-cpu&autoboot=1');
      await waitFor(page, 'the benchmark to run', async () => (await digest(page)).instructions > 10_000_000);
      await page.waitForTimeout(300);
      const mips = (await page.textContent('[data-testid=status-mips]')) ?? '';
      check(/^\d+\.\d$/.test(mips) && Number(mips) > 1, `the status bar should show the speed: "${mips}"`);
      const time = (await page.textContent('[data-testid=status-guest-time]')) ?? '';
      check(/^\d+\.\d{3} s$/.test(time), `the status bar should show the guest time: "${time}"`);
      await page.click('[data-testid=pause]');
      await waitForState(page, 'paused', 5_000);
      const p = await digest(page);
      // Guest time is the counter (instructions >> CFG_CNT_SHIFT) over 62.5 MHz: never more than instructions / 62.5 M.
      check(p.guestSeconds > 0 && p.guestSeconds <= p.instructions / 62.5e6 + 1e-9, `guest time ${p.guestSeconds} s for ${p.instructions} instructions`);
      const shown = Number(((await page.textContent('[data-testid=status-instructions]')) ?? '').replace(/,/g, ''));
      check(shown === p.instructions, `the status bar shows ${shown} instructions, the digest ${p.instructions}`);
      await page.click('[data-testid=step]');
      await waitFor(page, 'one step', async () => (await digest(page)).instructions === p.instructions + 1, 5_000);
      await page.fill('[data-testid=step-count]', '12345');
      await page.click('[data-testid=step-n]');
      await waitFor(page, 'N steps', async () => (await digest(page)).instructions === p.instructions + 1 + 12345, 5_000);
      check((await page.textContent('[data-testid=status-state]')) === 'paused (stepped)', 'the status bar should say it stepped');
      await page.click('[data-testid=poweroff]');
      await waitForState(page, 'powered-off', 5_000);
      await page.click('[data-testid=reset]');
      await waitFor(page, 'the benchmark to run again from the start', async () => {
        const d = await digest(page);
        return d.state === 'running' && d.instructions > 0 && d.instructions < p.instructions;
      });
      await page.click('[data-testid=pause]');
      await waitForState(page, 'paused', 5_000);
    },
  },
  {
    name: 'the console: copy, paste and keyboard input',
    async run({ page, baseUrl }) {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
      await open(page, baseUrl, '?image=echo&autoboot=1');
      await waitForText(page, 'Echo: type a line');
      await page.click('.console .xterm');
      await typeLine(page, 'copy me');
      await waitForText(page, 'ECHO: COPY ME');
      await page.evaluate(() => window.__armlab!.terminalSelectAll());
      await page.keyboard.press('Control+Shift+C');
      await waitFor(page, 'the selection on the clipboard', async () =>
        (await page.evaluate(() => navigator.clipboard.readText())).includes('ECHO: COPY ME'), 5_000);
      await page.evaluate(() => navigator.clipboard.writeText('pasted words\n'));
      await page.keyboard.press('Control+Shift+V');
      await waitForText(page, 'ECHO: PASTED WORDS');
    },
  },
  {
    name: 'light and dark themes (toggle and prefers-color-scheme) and the projector text size',
    async run({ page, baseUrl, screenshot }) {
      await page.emulateMedia({ colorScheme: 'dark' });
      await open(page, baseUrl, '?image=exceptions&autoboot=1');
      await waitForState(page, 'powered-off');
      const theme = (): Promise<string | undefined> => page.evaluate(() => document.documentElement.dataset['theme']);
      const bg = (): Promise<string> => page.evaluate(() => getComputedStyle(document.querySelector('.side')!).backgroundColor);
      check((await theme()) === 'dark', 'with the system in dark mode the page should be dark');
      const darkBg = await bg();
      await page.click('[data-testid=tab-trail]');
      await screenshot('lab-dark');
      await page.selectOption('[data-testid=theme]', 'light');
      check((await theme()) === 'light', 'the toggle should switch to light');
      check((await bg()) !== darkBg, 'light and dark should differ in colour');
      const before = await page.evaluate(() => window.__armlab!.terminalSize());
      await page.click('[data-testid=text-size]');
      await waitFor(page, 'the console to refit with a larger font', async () => {
        const after = await page.evaluate(() => window.__armlab!.terminalSize());
        return after.cols < before.cols && after.rows < before.rows;
      }, 5_000);
      await page.click('[data-testid=tab-el]');
      await screenshot('lab-light-projector');
      // The choices are remembered.
      await page.reload();
      await page.waitForFunction(() => window.__armlab !== undefined);
      check((await theme()) === 'light', 'the theme choice should survive a reload');
      check((await page.evaluate(() => document.documentElement.dataset['textSize'])) === 'large', 'the text size should survive a reload');
    },
  },
  {
    name: 'dist/ works from a plain static server (python3 -m http.server) under a sub-path',
    async run({ page }) {
      // No special headers, no rewrites, not at the server's root: dist/ is linked in as /lab/.
      const dir = mkdtempSync(join(tmpdir(), 'armlab-static-'));
      symlinkSync(join(repoRoot, 'dist'), join(dir, 'lab'));
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], { stdio: 'ignore' });
      try {
        const url = `http://127.0.0.1:${port}/lab/`;
        const end = Date.now() + 10_000;
        for (;;) {
          const ok = await fetch(url).then((r) => r.ok, () => false);
          if (ok) break;
          if (Date.now() > end) throw new Error(`python3 -m http.server did not answer at ${url} (is python3 installed?)`);
          await new Promise((r) => setTimeout(r, 100));
        }
        await open(page, url, '?image=hello&autoboot=1');
        await waitForText(page, 'Hello from ArmLab!');
        await waitForState(page, 'powered-off');
      } finally {
        server.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'snapshots: save a running Linux, refuse a bad file, reload the page, restore it from the list and the shell answers; also in a fresh tab',
    async run({ page, baseUrl, screenshot }) {
      await bootLinux(page, baseUrl);
      await shell(page, 'echo before-$((20+1))', 'before-21');
      await page.click('[data-testid=tab-snapshots]');
      await page.fill('[data-testid=snapshot-name]', 'at the prompt');
      await page.click('[data-testid=snapshot-save]');
      const row = '[data-testid=snapshot-row][data-name="at the prompt"]';
      await page.waitForSelector(row, { timeout: 30_000 });
      const meta = await page.textContent(row);
      check(meta !== null && meta.includes('Linux') && /MB|kB/.test(meta), `the row should show the guest and the size: ${meta}`);
      // A bad file is refused with the reason, and the running machine goes on untouched.
      const before = (await digest(page)).bootId;
      await page.setInputFiles('[data-testid=snapshot-upload]', { name: 'broken.armlab', mimeType: 'application/octet-stream', buffer: Buffer.from('ARMLABSN\x01\x00\x00\x00not a snapshot') });
      await page.waitForSelector('[data-testid=snapshot-error]', { timeout: 10_000 });
      const err = (await page.textContent('[data-testid=snapshot-error]')) ?? '';
      check(err.includes('broken.armlab') && err.length > 30, `the error should say what is wrong: ${err}`);
      check((await digest(page)).bootId === before, 'a refused file must not replace the machine');
      await page.click('.console .xterm');
      await shell(page, 'echo still-$((40+2))', 'still-42');
      await screenshot('snapshots-saved');
      // A freshly loaded page lists the same snapshot (IndexedDB is per origin) and restores it.
      // (Loaded again without ?autoboot=1, which would boot Linux afresh.)
      await open(page, baseUrl, '?image=linux');
      check((await digest(page)).state === 'empty', 'the reloaded page starts without a machine');
      await page.click('[data-testid=tab-snapshots]');
      await page.click(`${row} [data-testid=snapshot-restore]`);
      await waitFor(page, 'the restored machine to run', async () => ['running', 'idle'].includes((await digest(page)).state), 30_000);
      await page.click('.console .xterm');
      await shell(page, 'echo restored-$((6*7))', 'restored-42');
      await shell(page, 'uname -m', 'aarch64');
      await screenshot('snapshots-restored');
      // And in a fresh tab of the same browser.
      const fresh = await page.context().newPage();
      await open(fresh, baseUrl, '?image=linux');
      await fresh.click('[data-testid=tab-snapshots]');
      await fresh.click(`${row} [data-testid=snapshot-restore]`);
      await waitFor(fresh, 'the machine to run in the fresh tab', async () => ['running', 'idle'].includes((await digest(fresh)).state), 30_000);
      await fresh.click('.console .xterm');
      await shell(fresh, 'echo tab-$((5*5))', 'tab-25');
      await fresh.close();
    },
  },
  {
    name: 'live migration between two tabs: the shell keeps working in the destination, the source says it moved; then warm back',
    async run({ page, baseUrl, screenshot }) {
      await bootLinux(page, baseUrl);
      await shell(page, 'echo x > /tmp/where; echo ok-$((1+1))', 'ok-2');
      // A guest that keeps writing memory while it is copied: the rounds have pages to send.
      // (Commands stay shorter than a console line: shell() finds the command's echo in the text.)
      await typeLine(page, '(while :;do echo>>/tmp/b;done)&');
      await shell(page, 'echo bg-$((2+3))', 'bg-5');
      const b = await receivingPage(page, baseUrl);
      const live = await migrate(page, b, 'live');
      console.log(`      live migration: ${live.rounds} rounds, ${live.bytes} bytes sent, downtime ${live.downtimeMs} ms`);
      await screenshot('migration-source-moved');
      await b.click('.console .xterm');
      await shell(b, 'cat /tmp/where; echo live-$((6*7))', 'live-42');
      check((await textAfter(b, 'cat /tmp/where')).includes('x'), 'the guest file written before the move should still be there');
      // The loop moved too and goes on counting in B.
      await shell(b, 'a=$(wc -c</tmp/b);sleep 1;b=$(wc -c</tmp/b);echo d$((1+1))', 'd2');
      await shell(b, '[ $b -gt $a ] && echo count-$((3+4)); kill $!', 'count-7');
      await b.screenshot({ path: join(repoRoot, 'test-results', 'migration-destination.png') });
      // Warm, back to the first page: it offers to receive with the button.
      await page.click('[data-testid=migrate-receive]');
      await waitFor(page, 'the first page to offer to receive', () => page.evaluate(() => window.__armlab!.migration().receiving), 5_000);
      const warm = await migrate(b, page, 'warm');
      console.log(`      warm migration: ${warm.bytes} bytes sent, downtime ${warm.downtimeMs} ms`);
      await page.click('.console .xterm');
      await shell(page, 'echo warm-$((7*7))', 'warm-49');
      await b.close();
    },
  },
  {
    name: 'snapshots across Node and the browser: saved by Node restores in the page, downloaded from the page restores in Node',
    async run({ page, baseUrl }) {
      const mod = coreModuleSync();
      const image = (n: string): Uint8Array => readFileSync(join(repoRoot, 'public/images', n));
      const node = await Machine.create(mod, LINUX_OPTIONS);
      const out = collect(node);
      node.load({ kernel: image('linux-Image.gz'), initrd: image('linux-initramfs.cpio.gz') });
      runUntil(node, out, 'armlab:/# ');
      node.sendInput(new TextEncoder().encode('echo made-in-node > /tmp/origin; echo do$((1+1))ne\n'));
      runUntil(node, out, 'do2ne', 100);
      const fromNode = node.save();
      await open(page, baseUrl, '');
      await page.click('[data-testid=tab-snapshots]');
      await page.setInputFiles('[data-testid=snapshot-upload]', { name: 'from-node.armlab', mimeType: 'application/octet-stream', buffer: Buffer.from(fromNode) });
      await waitFor(page, 'the Node snapshot to run', async () => ['running', 'idle'].includes((await digest(page)).state), 30_000);
      await page.waitForSelector('[data-testid=snapshot-row][data-name="from-node"]', { timeout: 10_000 });
      await page.click('.console .xterm');
      await shell(page, 'cat /tmp/origin; echo browser-$((6*7))', 'browser-42');
      check((await textAfter(page, 'cat /tmp/origin')).includes('made-in-node'), 'the file Node wrote should be in the restored guest');
      await shell(page, 'echo made-in-browser > /tmp/origin2; echo saved', 'saved');
      // Save in the page, download the .armlab file and restore it here in Node.
      await page.click('[data-testid=tab-snapshots]');
      await page.fill('[data-testid=snapshot-name]', 'for node');
      await page.click('[data-testid=snapshot-save]');
      const row = '[data-testid=snapshot-row][data-name="for node"]';
      await page.waitForSelector(row, { timeout: 30_000 });
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${row} [data-testid=snapshot-download]`)]);
      check(download.suggestedFilename() === 'for-node.armlab', `download name ${download.suggestedFilename()}`);
      const bytes = readFileSync(await download.path());
      const back = await Machine.restore(mod, new Uint8Array(bytes));
      const out2 = collect(back);
      back.sendInput(new TextEncoder().encode('cat /tmp/origin2; echo node-$((6*7))\n'));
      runUntil(back, out2, 'node-42', 200);
      check(out2().includes('made-in-browser'), `Node should see the file the browser guest wrote:\n${out2()}`);
    },
  },
];
