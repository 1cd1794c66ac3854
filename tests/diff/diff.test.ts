// The differential suite: ArmLab's integer ISA against QEMU (qemu-aarch64 -cpu cortex-a57).
//
// 1. Fixtures: the fixed programs of each group, compared with QEMU's recorded results. Runs
//    everywhere; needs only build/core.wasm.
// 2. Live: fresh programs (seed printed below) run under QEMU and ArmLab, when qemu-aarch64 is on
//    PATH or ARMLAB_LIVE_QEMU=1 (ARMLAB_LIVE_QEMU=0 turns it off; ARMLAB_DIFF_SEED=N repeats a run).
// 3. The harness's own checks: encoders against binutils, a planted difference caught and bisected,
//    the ELF running unchanged on ArmLab from its entry point.
// See docs/differential-testing.md.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GROUPS, generateProgram, type Group } from './generator';
import { buildImage, BUF_SIZE, type TestProgram } from './image';
import { checkAgainst, checkLive, bisect, formatMismatch, type Mismatch } from './harness';
import { runCampaign } from './campaign';
import { readFixture, unpackOutcome, packOutcome, FIXTURE_PLAN, FIXTURE_FORMAT, type FixtureFile } from './fixtures';
import { qemuAvailable } from './qemu';
import * as A from './a64';

const LIVE = process.env.ARMLAB_LIVE_QEMU === '1' || qemuAvailable();
const BISECT_PER_GROUP = 2;

/** Fails with full reports of the first mismatching programs and the indices of all of them. */
function failWith(group: Group, seed: number, len: number, found: { index: number; m: Mismatch | null }[], total: number): never {
  const full = found.flatMap((x) => (x.m ? [{ index: x.index, m: x.m }] : [])).slice(0, BISECT_PER_GROUP);
  const reports = full.map(({ index, m }) => formatMismatch(m, { group, seed, index, len }));
  const all = found.map((x) => x.index).join(', ');
  throw new Error(`${found.length} of ${total} ${group} programs differ from QEMU (programs ${all})\n\n${reports.join('\n\n')}`);
}

/** A group's fixture, checked against the current format and plan. */
function fixtureOf(group: Group): FixtureFile {
  const f = readFixture(group);
  if (!f) throw new Error(`no fixture for ${group}: run npm run qemu:refresh`);
  const plan = FIXTURE_PLAN[group];
  if (f.format !== FIXTURE_FORMAT || f.seed !== plan.seed || f.count !== plan.count || f.len !== plan.len) {
    throw new Error(`fixtures stale: run npm run qemu:refresh (the ${group} fixture records a different format or plan)`);
  }
  return f;
}

describe('differential: ArmLab vs recorded QEMU results (tests/diff/fixtures)', () => {
  for (const group of GROUPS) {
    it(group, async () => {
      const f = fixtureOf(group);
      const stale: number[] = [];
      const found: { index: number; m: Mismatch }[] = [];
      for (const fp of f.programs) {
        const p = generateProgram(group, f.seed, fp.index, f.len);
        const img = buildImage(p);
        if (img.hash !== fp.hash) {
          stale.push(fp.index);
          continue;
        }
        const { mismatch } = await checkAgainst(p, img, unpackOutcome(fp.out, p));
        if (mismatch) found.push({ index: fp.index, m: mismatch });
      }
      if (stale.length) {
        throw new Error(
          `fixtures stale: run npm run qemu:refresh (${stale.length} of ${f.programs.length} ${group} programs are no longer the ` +
            `programs QEMU ran: the generator or the decode table changed)`,
        );
      }
      if (found.length) {
        for (const x of found.slice(0, BISECT_PER_GROUP)) x.m.bisect = await bisect(x.m);
        failWith(group, f.seed, f.len, found, f.programs.length);
      }
    });
  }
});

const liveSeed = Number(process.env.ARMLAB_DIFF_SEED ?? Math.floor(Math.random() * 1e9));

describe.skipIf(!LIVE)('differential: ArmLab vs live QEMU', () => {
  // Fresh programs per group on every run: 10 x 500 instructions (40 single words for undef).
  const len = 500;
  it('prints its seed', () => {
    console.log(`live differential seed ${liveSeed}: repeat with ARMLAB_DIFF_SEED=${liveSeed} npx vitest run tests/diff`);
    expect(Number.isInteger(liveSeed)).toBe(true);
  });
  for (const group of GROUPS) {
    it(`${group} (seed ${liveSeed})`, async () => {
      const count = group === 'undef' ? 40 : 10;
      const r = await runCampaign({ group, seed: liveSeed, from: 0, count, len, bisectLimit: BISECT_PER_GROUP });
      if (r.errors.length) throw new Error(`${group}/${liveSeed}/${r.errors[0].index}: ${r.errors[0].error}`);
      if (r.mismatches.length) failWith(group, liveSeed, len, r.mismatches, r.programs);
      expect(r.programs).toBe(count);
    });
  }
});

// ---- the harness itself ------------------------------------------------------------------------

function have(cmd: string): boolean {
  return spawnSync(cmd, ['--version']).status === 0;
}

describe('differential harness', () => {
  it.skipIf(!have('aarch64-linux-gnu-as'))('encodes its helper instructions as binutils does', () => {
    const cases: [string, number][] = [
      ['movz x3, #0x1234, lsl #16', A.movz(3, 0x1234, 1)],
      ['movk x30, #0xffff, lsl #48', A.movk(30, 0xffff, 3)],
      ['movn x7, #0x5', A.movn(7, 5)],
      ['add sp, x9, #0', A.addImm(31, 9, 0)],
      ['add x4, x2, #184', A.addImm(4, 2, 184)],
      ['adr x5, .+0x100', A.adr(5, 0x100)],
      ['adr x6, .-4', A.adr(6, -4)],
      ['ldr x1, [x0, #248]', A.ldrX(1, 0, 248)],
      ['str x5, [x3, #280]', A.strX(5, 3, 280)],
      ['ldp x29, x30, [x0, #232]', A.ldpX(29, 30, 0, 232)],
      ['stp x5, x6, [x3, #-16]', A.stpX(5, 6, 3, -16)],
      ['msr nzcv, x1', A.msr(A.SYSREG_NZCV, 1)],
      ['mrs x2, nzcv', A.mrs(2, A.SYSREG_NZCV)],
      ['msr tpidr_el0, x3', A.msr(A.SYSREG_TPIDR_EL0, 3)],
      ['mrs x4, tpidr_el0', A.mrs(4, A.SYSREG_TPIDR_EL0)],
      ['mrs x5, tpidrro_el0', A.mrs(5, A.SYSREG_TPIDRRO_EL0)],
      ['svc #0', A.svc()],
      ['brk #0xd1ff', A.brk(0xd1ff)],
      ['yield', A.hint(1)],
      ['dmb ish', A.barrier(A.DMB_OP2, 11)],
      ['dsb sy', A.barrier(A.DSB_OP2, 15)],
      ['isb', A.barrier(A.ISB_OP2, 15)],
      ['clrex', A.barrier(A.CLREX_OP2, 15)],
      ['b .+8', A.b(8)],
    ];
    const dir = mkdtempSync(join(tmpdir(), 'armlab-as-'));
    try {
      writeFileSync(join(dir, 'a.s'), cases.map(([t]) => t).join('\n') + '\n');
      const r = spawnSync('aarch64-linux-gnu-as', ['-o', join(dir, 'a.o'), join(dir, 'a.s')], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      spawnSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')]);
      const bin = readFileSync(join(dir, 'a.bin'));
      const words = cases.map((_, k) => bin.readUInt32LE(4 * k));
      expect(words.map((w) => w.toString(16))).toEqual(cases.map(([, w]) => w.toString(16)));
      const many = A.movImm64(9, 0xffff_1234_0000_ffffn);
      expect(many.length).toBeLessThanOrEqual(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('packs and unpacks a recorded outcome', () => {
    const p = generateProgram('ldst', 1, 0, 10);
    const o = {
      signal: 5,
      pc: 0x4000_1000n,
      x: Array.from({ length: 31 }, (_, r) => BigInt(r) << 40n),
      sp: 0x1230n,
      nzcv: 0x6000_0000,
      tpidr: 7n,
      faultAddr: 0n,
      buffer: p.buffer.map((v, k) => (k === 17 ? v ^ 0xff : v)),
    };
    const back = unpackOutcome(packOutcome(o, p), p);
    expect(back).toEqual(o);
    expect(back.buffer.length).toBe(BUF_SIZE);
  });

  it('regenerates the same program from the same seed', () => {
    expect(buildImage(generateProgram('mixed', 5, 2, 100)).hash).toBe(buildImage(generateProgram('mixed', 5, 2, 100)).hash);
    expect(buildImage(generateProgram('mixed', 5, 2, 100)).hash).not.toBe(buildImage(generateProgram('mixed', 5, 3, 100)).hash);
  });

  it.skipIf(!LIVE)('reports a wrong register by name', async () => {
    const p: TestProgram = { ...generateProgram('dp_imm', 1, 0, 1), units: [{ words: [A.movz(3, 0x42)], entry: 'MOVZ' }] };
    const m = await checkLive(p, { plant: (q) => ({ ...q, units: [{ words: [A.movz(3, 0x43)], entry: 'MOVZ' }] }) });
    expect(m?.diffs).toEqual([{ what: 'x3', expected: '0x0000000000000042', got: '0x0000000000000043' }]);
  });

  it.skipIf(!LIVE)('bisects a planted difference to its unit', async () => {
    const p = generateProgram('ldst', 4, 0, 80);
    const at = 57;
    // ArmLab runs the program with unit 57's instruction replaced by a BRK: it stops there.
    const plant = (q: TestProgram): TestProgram => ({
      ...q,
      units: q.units.map((u, k) => (k === at && u.entry !== '(cut)' ? { ...u, words: [...u.words.slice(0, -1), A.brk(1)] } : u)),
    });
    const m = await checkLive(p, { plant });
    expect(m).not.toBeNull();
    m!.bisect = await bisect(m!, { plant });
    expect(m!.bisect?.keep).toBe(at + 1);
    const report = formatMismatch(m!, { group: 'ldst', seed: 4, index: 0, len: 80 });
    expect(report).toContain(`culprit: unit #${at}`);
    expect(report).toContain('SIGTRAP');
  });

  it('runs the same ELF unchanged on ArmLab, prologue included', async () => {
    for (const group of ['ldst', 'branch'] as const) {
      const f = fixtureOf(group);
      const fp = f.programs[0];
      const p = generateProgram(group, f.seed, fp.index, f.len);
      const img = buildImage(p);
      if (img.hash !== fp.hash) throw new Error('fixtures stale: run npm run qemu:refresh');
      const { mismatch } = await checkAgainst(p, img, unpackOutcome(fp.out, p), { mode: 'full' });
      if (mismatch) throw new Error(formatMismatch(mismatch, { group, seed: f.seed, index: fp.index, len: f.len }));
    }
  });
});
