// The bare-metal guests of public/images/ (built from guests/ by `npm run guests`) run on the
// machine and print what they print on qemu-system-aarch64. The ISA and FP self-checks' output must
// equal guests/{isa,fp}-selfcheck/expected.txt, recorded on QEMU (record-expected.sh in each).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine, type StopReason } from '../../src/machine/machine';
import { coreModuleSync } from '../../src/machine/wasm-node';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const image = (name: string): Uint8Array => readFileSync(join(root, 'public/images', name));

interface GuestRun {
  reason: StopReason;
  /** UART output with the CR of each CR LF removed. */
  output: string;
  instructions: number;
  log: string[];
}

async function runGuest(file: string, el: 1 | 2, budget: number, input = ''): Promise<GuestRun> {
  const m = await Machine.create(coreModuleSync(), { el });
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  const log: string[] = [];
  m.onOutput((bytes) => chunks.push(decoder.decode(bytes, { stream: true })));
  m.onLog((line) => log.push(line));
  m.load({ kernel: image(file) });
  if (input) m.sendInput(new TextEncoder().encode(input));
  const r = m.run(budget);
  return { reason: r.reason, output: chunks.join('').replace(/\r\n/g, '\n'), instructions: r.executed, log };
}

describe.each([2, 1] as const)('bare-metal guests booted at EL%i', (el) => {
  const conduit = el === 2 ? 'SMC' : 'HVC';

  it('hello greets, names its EL and powers off', async () => {
    const r = await runGuest('hello.elf', el, 1e6);
    expect(r.output).toContain('Hello from ArmLab!\n');
    expect(r.output).toContain(`Started at EL${el}`);
    expect(r.output).toContain(`SYSTEM_OFF (${conduit})`);
    expect(r.reason).toBe('poweroff');
  });

  it('echo answers each line in upper case and powers off on an empty line', async () => {
    const r = await runGuest('echo.elf', el, 1e7, 'Hi there\rabc\b\bxy\r\r');
    expect(r.output).toContain('> Hi there\nECHO: HI THERE\n');
    expect(r.output).toContain('ECHO: AXY\n'); // two backspaces erased "bc"
    expect(r.reason).toBe('poweroff');
  });

  it('exceptions demo: EL2 -> EL1 -> EL0, an SVC and an UNDEFINED instruction', async () => {
    const r = await runGuest('exceptions.elf', el, 1e7);
    const lines = r.output.split('\n');
    expect(lines[0]).toBe(`Exceptions demo: started at EL${el}`);
    expect(r.output.includes('EL2: setting HCR_EL2.RW=1')).toBe(el === 2);
    expect(r.output).toContain('EL1: now running at EL1\n');
    expect(lines.filter((l) => l.startsWith('exception: '))).toEqual([
      'exception: EC=0x15 (SVC from AArch64) ISS=0x2a from EL0',
      'exception: EC=0x00 (Unknown reason) ISS=0x0 from EL0',
      'exception: EC=0x15 (SVC from AArch64) ISS=0x0 from EL0',
    ]);
    // SVC #42 returned x0 * 6 to EL0; the UNDEFINED MRS left its destination alone.
    expect(r.output).toContain('EL0: back from the system call, x0 = 42\n');
    expect(r.output).toMatch(/the instruction at ELR_EL1 is 0xd53810[01][0-9a-f]/); // mrs xN, sctlr_el1
    expect(r.output).toContain('x0 kept 0x5555');
    expect(r.output).toContain(`Powering off via PSCI from EL1 (${conduit})`);
    expect(r.reason).toBe('poweroff');
  });

  it('ISA self-check prints exactly what QEMU printed', async () => {
    const expected = readFileSync(join(root, 'guests/isa-selfcheck/expected.txt'), 'utf8');
    const r = await runGuest('isa-selfcheck.elf', el, 2e8);
    expect(r.output).toBe(expected);
    expect(r.reason).toBe('poweroff');
    expect(r.log.filter((l) => l.startsWith('unimplemented'))).toEqual([]);
  });

  it('FP self-check prints exactly what QEMU printed', async () => {
    const expected = readFileSync(join(root, 'guests/fp-selfcheck/expected.txt'), 'utf8');
    const r = await runGuest('fp-selfcheck.elf', el, 2e8);
    expect(r.output).toBe(expected);
    expect(r.reason).toBe('poweroff');
    expect(r.log.filter((l) => l.startsWith('unimplemented'))).toEqual([]);
  });
});
