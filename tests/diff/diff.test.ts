// The differential suite: ArmLab's integer ISA and its SIMD&FP groups against QEMU (qemu-aarch64
// -cpu cortex-a57).
//
// 1. Fixtures: the fixed programs of each group, compared with QEMU's recorded results. Runs
//    everywhere; needs only build/core.wasm. A program whose fixture is stale (the generator or a
//    decode table changed since the recording) is checked against live QEMU instead when it is
//    installed, with a warning; without QEMU a stale fixture fails.
//    A SIMD group whose decode table does not exist yet (or has no implemented entry) is skipped
//    with a note.
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
import { GROUPS, generateProgram, groupUnavailable, type Group } from './generator';
import { buildImage, BUF_SIZE, INIT_V, type TestProgram } from './image';
import { checkAgainst, checkLive, bisect, formatMismatch, type Mismatch } from './harness';
import { runCampaign } from './campaign';
import { readFixture, unpackOutcome, packOutcome, planOf, FIXTURE_FORMAT, type FixtureFile } from './fixtures';
import { qemuAvailable, runQemu } from './qemu';
import type { Outcome } from './outcome';
import { A64_TABLE, decodeIndex } from './table';
import { simdLdstForm } from './forms';
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

/** A group's fixture, checked against the current format and plan (null: missing or of another plan). */
function currentFixture(group: Group): FixtureFile | null {
  const f = readFixture(group);
  if (!f) return null;
  const plan = planOf(group);
  if (f.format !== FIXTURE_FORMAT || f.seed !== plan.seed || f.count !== plan.count || f.len !== plan.len) return null;
  return f;
}

/** The lab's groups that are not in the decode table yet: skipped with this note. */
function skipNote(group: Group): string | null {
  const why = groupUnavailable(group);
  return why ? `skipped: ${why}; it is picked up as soon as the table has entries` : null;
}

describe('differential: ArmLab vs recorded QEMU results (tests/diff/fixtures)', () => {
  // Every decode group with implemented entries is drawn by some differential group (a new SIMD&FP
  // table is picked up under its own name: generator.ts, GROUPS).
  it('covers every decode group', () => {
    const drawn = new Set<string>([...GROUPS, 'fpsimd']);
    expect([...new Set(A64_TABLE.filter((e) => !e.unalloc && !e.unimpl && !drawn.has(e.group)).map((e) => e.group))]).toEqual([]);
  });

  for (const group of GROUPS) {
    it(group, async (ctx) => {
      const note = skipNote(group);
      if (note) {
        console.log(`differential ${group}: ${note}`);
        ctx.skip(note);
      }
      const plan = planOf(group);
      const f = currentFixture(group);
      const recorded = new Map((f?.programs ?? []).map((fp) => [fp.index, fp]));
      const stale: number[] = [];
      const found: { index: number; m: Mismatch }[] = [];
      for (let index = 0; index < plan.count; index++) {
        const p = generateProgram(group, plan.seed, index, plan.len);
        const img = buildImage(p);
        const fp = recorded.get(index);
        let expected: Outcome;
        if (fp && fp.hash === img.hash) expected = unpackOutcome(fp.out, p);
        else {
          stale.push(index);
          // While decode tables grow, a stale program is still checked, against live QEMU.
          if (!qemuAvailable()) continue;
          expected = await runQemu(img.elf);
        }
        const { mismatch } = await checkAgainst(p, img, expected);
        if (mismatch) found.push({ index, m: mismatch });
      }
      if (stale.length && !qemuAvailable()) {
        throw new Error(
          `fixtures stale: run npm run qemu:refresh (${stale.length} of ${plan.count} ${group} programs are no longer the ` +
            `programs QEMU ran: the generator or the decode table changed)`,
        );
      }
      if (stale.length) {
        console.warn(
          `differential ${group}: fixtures stale for ${stale.length} of ${plan.count} programs (the generator or a decode table changed); ` +
            `checked against live QEMU instead. Run npm run qemu:refresh and commit tests/diff/fixtures/.`,
        );
      }
      if (found.length) {
        for (const x of found.slice(0, BISECT_PER_GROUP)) x.m.bisect = await bisect(x.m);
        failWith(group, plan.seed, plan.len, found, plan.count);
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
    it(`${group} (seed ${liveSeed})`, async (ctx) => {
      const note = skipNote(group);
      if (note) {
        console.log(`differential ${group}: ${note}`);
        ctx.skip(note);
      }
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
      ['ldp q30, q31, [x0, #992]', A.ldpQ(30, 31, 0, 992)],
      ['ldp q0, q1, [x5, #-1024]', A.ldpQ(0, 1, 5, -1024)],
      ['msr fpcr, x1', A.msr(A.SYSREG_FPCR, 1)],
      ['mrs x2, fpsr', A.mrs(2, A.SYSREG_FPSR)],
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

  it.skipIf(!have('aarch64-linux-gnu-as'))('reads SIMD&FP load/store addressing forms as binutils encodes them', () => {
    // [assembly, kind, load, bytes per register/element, registers/elements, imm, Rm, writeback]
    const cases: [string, string, boolean, number, number, number, number, string][] = [
      ['ld1 {v0.16b}, [x1]', 'struct', true, 16, 1, 0, -1, 'none'],
      ['st1 {v30.8b, v31.8b, v0.8b}, [x2]', 'struct', false, 8, 3, 0, -1, 'none'],
      ['ld4 {v0.4s, v1.4s, v2.4s, v3.4s}, [x1], #64', 'struct', true, 16, 4, 64, -1, 'post'],
      ['st2 {v4.2d, v5.2d}, [sp], x7', 'struct', false, 16, 2, 0, 7, 'post'],
      ['ld3 {v0.b, v1.b, v2.b}[5], [x2], x3', 'struct', true, 1, 3, 0, 3, 'post'],
      ['st1 {v9.d}[1], [x4], #8', 'struct', false, 8, 1, 8, -1, 'post'],
      ['ld2 {v1.s, v2.s}[3], [x5]', 'struct', true, 4, 2, 0, -1, 'none'],
      ['ld4r {v0.2d, v1.2d, v2.2d, v3.2d}, [x1]', 'struct', true, 8, 4, 0, -1, 'none'],
      ['ld1r {v7.8h}, [x1], #2', 'struct', true, 2, 1, 2, -1, 'post'],
      ['ldr q0, [x1, #32]', 'single', true, 16, 1, 32, -1, 'none'],
      ['str b3, [x1, x2]', 'single', false, 1, 1, 0, 2, 'none'],
      ['ldr h3, [x1, w2, sxtw #1]', 'single', true, 2, 1, 0, 2, 'none'],
      ['str h0, [x0], #-3', 'single', false, 2, 1, -3, -1, 'post'],
      ['ldur d5, [x6, #-7]', 'single', true, 8, 1, -7, -1, 'none'],
      ['ldp q0, q1, [sp, #-32]!', 'pair', true, 16, 2, -32, -1, 'pre'],
      ['stnp s2, s3, [x9, #8]', 'pair', false, 4, 2, 8, -1, 'none'],
      ['ldr d0, .+64', 'literal', true, 8, 1, 64, -1, 'none'],
    ];
    const dir = mkdtempSync(join(tmpdir(), 'armlab-as-'));
    try {
      writeFileSync(join(dir, 'a.s'), cases.map(([t]) => t).join('\n') + '\n');
      const r = spawnSync('aarch64-linux-gnu-as', ['-o', join(dir, 'a.o'), join(dir, 'a.s')], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      spawnSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')]);
      const bin = readFileSync(join(dir, 'a.bin'));
      cases.forEach(([text, kind, load, size, regs, imm, rm, writeback], k) => {
        const f = simdLdstForm(bin.readUInt32LE(4 * k));
        expect({ text, ...f }).toMatchObject({ text, kind, load, size, regs, imm, rm, writeback, vector: true });
      });
      // Not ARMv8.0 SIMD&FP loads/stores: an integer LDR, and LD2 of a 1D arrangement (reserved).
      expect(simdLdstForm(0xf9400020)).toBeNull();
      expect(simdLdstForm(0x0c408c20)).toBeNull();
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
      v: Array.from({ length: 32 }, (_, r) => (BigInt(r) << 100n) | (p.init.v[r] & 0xffffn)),
      fpsr: 0x0800_0010,
      fpcr: 0x0040_0000,
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

  it.skipIf(!LIVE)('reports a wrong V register, FPSR and FPCR by name', async () => {
    const p: TestProgram = { ...generateProgram('dp_imm', 1, 0, 1), units: [{ words: [A.NOP], entry: 'NOP' }] };
    // ArmLab starts with bit 100 of V5, FPSR.QC and FPCR.RMode<0> flipped.
    const plant = (q: TestProgram): TestProgram => ({
      ...q,
      init: { ...q.init, v: q.init.v.map((v, r) => (r === 5 ? v ^ (1n << 100n) : v)), fpsr: q.init.fpsr ^ 0x0800_0000, fpcr: q.init.fpcr ^ 0x0040_0000 },
    });
    const m = await checkLive(p, { plant });
    expect(m?.diffs.map((d) => d.what)).toEqual(['v5', 'fpsr', 'fpcr']);
    expect(m?.diffs[0].expected).toMatch(/^0x[0-9a-f]{16}_[0-9a-f]{16}$/);
  });

  // Past findings (tests/diff/FINDINGS.md) as directed programs: the state that showed them, then
  // the instruction. Checked live, when the table implements the instruction.
  const regressions: { finding: string; v: Record<number, bigint>; words: number[] }[] = [
    // 3: uqrshrn v9.2s, v17.2d, #1 and uqrshrn s3, d16, #1 of all-ones D elements.
    { finding: '3 UQRSHRN (vector)', v: { 17: (1n << 128n) - 0xfdn }, words: [0x2f3f9e29] },
    { finding: '3 UQRSHRN (scalar)', v: { 16: (1n << 64n) - 1n }, words: [0x7f3f9e03] },
  ];
  for (const r of regressions) {
    it.skipIf(!LIVE)(`finding ${r.finding} stays fixed`, async (ctx) => {
      const k = decodeIndex(r.words[r.words.length - 1]);
      if (k < 0 || A64_TABLE[k].unimpl || A64_TABLE[k].unalloc) ctx.skip('not implemented in the decode table');
      const base = generateProgram('dp_imm', 1, 0, 0);
      const v = base.init.v.map((x, n) => r.v[n] ?? x);
      const p: TestProgram = { ...base, init: { ...base.init, v, fpsr: 0 }, units: r.words.map((w) => ({ words: [w], entry: A64_TABLE[decodeIndex(w)]?.name ?? '?' })) };
      const m = await checkLive(p);
      if (m) throw new Error(formatMismatch(m, { group: 'regression', seed: 0, index: 0, len: r.words.length }));
    });
  }

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

  it.skipIf(!LIVE)('reads V0..V31, FPSR and FPCR from the signal frame (an empty stream keeps the initial state)', async () => {
    for (let index = 0; index < 4; index++) {
      const p = generateProgram('dp_imm', 9, index, 0);
      const o = await runQemu(buildImage(p).elf);
      expect(o.v.map((v) => v.toString(16))).toEqual(p.init.v.map((v) => v.toString(16)));
      expect([o.fpsr, o.fpcr]).toEqual([p.init.fpsr, p.init.fpcr]);
      expect(o.x).toEqual(p.init.x);
    }
  });

  it('runs the same ELF unchanged on ArmLab, prologue included', async (ctx) => {
    // The prologue loads the V registers with LDP (SIMD&FP), Q form: that needs the simd_ldst table.
    const ldpQ = decodeIndex(A.ldpQ(0, 1, 0, INIT_V));
    if (ldpQ < 0 || A64_TABLE[ldpQ].unimpl || A64_TABLE[ldpQ].unalloc) {
      const note = 'skipped: the prologue needs LDP (SIMD&FP), which the decode table does not implement yet';
      console.log(`differential full mode: ${note}`);
      ctx.skip(note);
    }
    const groups: Group[] = ['ldst', 'branch', 'fpctl', 'simd_mixed'];
    for (const group of groups.filter((g) => !groupUnavailable(g))) {
      const plan = planOf(group);
      const p = generateProgram(group, plan.seed, 0, plan.len);
      const img = buildImage(p);
      const fp = currentFixture(group)?.programs[0];
      let expected: Outcome;
      if (fp && fp.hash === img.hash) expected = unpackOutcome(fp.out, p);
      else if (qemuAvailable()) expected = await runQemu(img.elf);
      else throw new Error(`fixtures stale: run npm run qemu:refresh (${group})`);
      const { mismatch } = await checkAgainst(p, img, expected, { mode: 'full' });
      if (mismatch) throw new Error(formatMismatch(mismatch, { group, seed: plan.seed, index: 0, len: plan.len }));
    }
  });
});
