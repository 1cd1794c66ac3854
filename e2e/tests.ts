// End-to-end tests of the built app: each gets a fresh page at 1280x720 and drives it like a user,
// reading the console and state through window.__armlab (src/ui/testHook.ts).
import type { Page } from 'playwright-core';
import type { RunState } from '../src/worker/protocol';
import type {} from '../src/ui/testHook';

export interface TestContext {
  page: Page;
  /** The app's URL (dist/ served over HTTP), ending in '/'. */
  baseUrl: string;
  /** Saves a screenshot to test-results/<name>.png. */
  screenshot(name: string): Promise<void>;
}

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
}

async function open(page: Page, baseUrl: string, query: string): Promise<void> {
  await page.goto(`${baseUrl}${query}`);
  await page.waitForFunction(() => window.__armlab !== undefined, undefined, { timeout: 10_000 });
}

async function digest(page: Page): Promise<DigestView> {
  return page.evaluate(() => {
    const d = window.__armlab!.digest();
    return { state: d.state, instructions: d.instructions, inputBytes: d.inputBytes, el: d.el, error: d.error };
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
];
