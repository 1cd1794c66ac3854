// Integer loads and stores (src/core/exec/ldst.ts). Encodings come from aarch64-linux-gnu-as; the
// CONSTRAINED UNPREDICTABLE expectations were measured on qemu-aarch64 7.2.
import { describe, it, expect } from 'vitest';
import { exec, testCore, load, CODE, RAM_BASE, type TestCoreOptions } from '../helpers/core';
import type { Core } from '../../src/machine/core';
import { A64_TABLE } from '../../src/core/generated/table';
import { SR_VBAR_EL1, SR_ESR_EL1, SR_FAR_EL1, SR_SCTLR_EL1, SR_ELR_EL1 } from '../../src/core/layout';

const DATA = RAM_BASE + 0x8000;
const VBAR = RAM_BASE + 0x1000;
const M64 = (1n << 64n) - 1n;

function r64(c: Core, pa: number): bigint {
  return new DataView(c.readPhys(pa, 8).buffer).getBigUint64(0, true);
}
function r32(c: Core, pa: number): number {
  return new DataView(c.readPhys(pa, 4).buffer).getUint32(0, true);
}
/** Fills DATA .. DATA+64 with the bytes 0x80, 0x81, ... so every load has a known, sign-bit-set value. */
function pattern(c: Core): void {
  const b = new Uint8Array(64).map((_, k) => 0x80 + k);
  c.writePhys(DATA, b);
}
const EC = (c: Core): number => Number(c.sysreg(SR_ESR_EL1) >> 26n) & 0x3f;
const ISS = (c: Core): number => Number(c.sysreg(SR_ESR_EL1) & 0x1ffffffn);

/** Runs words with VBAR_EL1 set, so a fault lands at VBAR + 0x200 (EL1, SP_EL1). */
async function run(words: number[], setup: (c: Core) => void, steps = words.length, opts: TestCoreOptions = {}): Promise<Core> {
  return exec(
    words,
    (c) => {
      c.setSysreg(SR_VBAR_EL1, BigInt(VBAR));
      setup(c);
    },
    steps,
    opts,
  );
}

function opName(c: Core, word: number): string {
  const op = c.decode(word);
  if (op === 0) return 'UNDEFINED';
  return A64_TABLE.find((e) => e.op === op && !e.unalloc)?.name ?? '?';
}

describe('ldst decode', () => {
  it('maps assembler output to the right forms', async () => {
    const c = await testCore();
    const cases: [number, string][] = [
      [0xf9400420, 'LDR_uimm'], // ldr x0, [x1, #8]
      [0x39802020, 'LDRS_uimm'], // ldrsb x0, [x1, #8]
      [0xb9800820, 'LDRS_uimm'], // ldrsw x0, [x1, #8]
      [0x39002020, 'STR_uimm'], // strb w0, [x1, #8]
      [0xf9800420, 'PRFM_uimm'], // prfm pldl1keep, [x1, #8]
      [0xf85f8020, 'LDUR'], // ldur x0, [x1, #-8]
      [0xb89f8020, 'LDURS'], // ldursw x0, [x1, #-8]
      [0x781f8020, 'STUR'], // sturh w0, [x1, #-8]
      [0xf89f8020, 'PRFUM'], // prfum pldl1keep, [x1, #-8]
      [0xf85f8420, 'LDR_post'], // ldr x0, [x1], #-8
      [0x78c08420, 'LDRS_post'], // ldrsh w0, [x1], #8
      [0x38001420, 'STR_post'], // strb w0, [x1], #1
      [0xf85f8c20, 'LDR_pre'], // ldr x0, [x1, #-8]!
      [0x38808c20, 'LDRS_pre'], // ldrsb x0, [x1, #8]!
      [0xb81f0fe0, 'STR_pre'], // str w0, [sp, #-16]!
      [0xf8408820, 'LDTR'], // ldtr x0, [x1, #8]
      [0xb8808820, 'LDTRS'], // ldtrsw x0, [x1, #8]
      [0x38008820, 'STTR'], // sttrb w0, [x1, #8]
      [0xf8626820, 'LDR_reg'], // ldr x0, [x1, x2]
      [0x38e27820, 'LDRS_reg'], // ldrsb w0, [x1, x2, lsl #0]
      [0x78225820, 'STR_reg'], // strh w0, [x1, w2, uxtw #1]
      [0xf8a26820, 'PRFM_reg'], // prfm pldl1keep, [x1, x2]
      [0x58000000, 'LDR_lit'], // ldr x0, .
      [0x18000000, 'LDR_lit'], // ldr w0, .
      [0x98000000, 'LDRSW_lit'], // ldrsw x0, .
      [0xd8000000, 'PRFM_lit'], // prfm pldl1keep, .
      [0xa9400440, 'LDP_off'], // ldp x0, x1, [x2]
      [0x29ff0440, 'LDP_pre'], // ldp w0, w1, [x2, #-8]!
      [0xa9bf7bfd, 'STP_pre'], // stp x29, x30, [sp, #-16]!
      [0xa8c17bfd, 'LDP_post'], // ldp x29, x30, [sp], #16
      [0x69410440, 'LDPSW_off'], // ldpsw x0, x1, [x2, #8]
      [0x68c10440, 'LDPSW_post'], // ldpsw x0, x1, [x2], #8
      [0x69c10440, 'LDPSW_pre'], // ldpsw x0, x1, [x2, #8]!
      [0xa8400440, 'LDNP'], // ldnp x0, x1, [x2]
      [0x28010440, 'STNP'], // stnp w0, w1, [x2, #8]
      [0xc85f7c20, 'LDXR'], // ldxr x0, [x1]
      [0x485ffc20, 'LDXR'], // ldaxrh w0, [x1]
      [0x0802fc20, 'STXR'], // stlxrb w2, w0, [x1]
      [0xc87f0440, 'LDXP'], // ldxp x0, x1, [x2]
      [0x88238440, 'STXP'], // stlxp w3, w0, w1, [x2]
      [0xc8dffc20, 'LDAR'], // ldar x0, [x1]
      [0x489ffc20, 'STLR'], // stlrh w0, [x1]
    ];
    for (const [w, name] of cases) expect(opName(c, w), `0x${w.toString(16)}`).toBe(name);
  });

  it('leaves unallocated and later-architecture encodings UNDEFINED', async () => {
    const c = await testCore();
    const undef = [
      0xf9c00420, // size 11 opc 11, unsigned offset
      0xb9c00820, // size 10 opc 11 (no LDRSW to W)
      0xf8808420, // PRFM encoding space with post-index
      0xf8808820, // ... and unprivileged
      0xf8620820, // register offset, option 000 (UXTB)
      0xf862a820, // register offset, option 101
      0x69008440, // STGP (ARMv8.5): the store form of LDPSW
      0xe9400440, // pair opc 11
      0x08207c42, // CASP (ARMv8.1)
      0xc8a07c41, // CAS (ARMv8.1)
      0x889f7c20, // STLLR (ARMv8.1 LORegions)
      0xc8df7c20, // LDLAR
      0xf8200020, // LDADD (ARMv8.1)
      0xf8bfc020, // LDAPR (ARMv8.3)
      0xf8200420, // LDRAA (ARMv8.3)
    ];
    for (const w of undef) expect(opName(c, w), `0x${w.toString(16)}`).toBe('UNDEFINED');
  });
});

describe('LDR/STR (immediate)', () => {
  it('loads every size, zero- and sign-extending', async () => {
    const words = [
      0x39400420, // ldrb w0, [x1, #1]
      0x79400422, // ldrh w2, [x1, #2]
      0xb9400423, // ldr w3, [x1, #4]
      0xf9400424, // ldr x4, [x1, #8]
      0x39801c25, // ldrsb x5, [x1, #7]
      0x39c01c26, // ldrsb w6, [x1, #7]
      0x79800c27, // ldrsh x7, [x1, #6]
      0x79c00c28, // ldrsh w8, [x1, #6]
      0xb9800429, // ldrsw x9, [x1, #4]
    ];
    const c = await run(words, (c) => {
      pattern(c);
      c.setX(1, BigInt(DATA));
      for (let r = 2; r <= 9; r++) if (r !== 1) c.setX(r, M64); // upper halves must be replaced
      c.setX(0, M64);
    });
    expect(c.x(0)).toBe(0x81n);
    expect(c.x(2)).toBe(0x8382n);
    expect(c.x(3)).toBe(0x87868584n);
    expect(c.x(4)).toBe(0x8f8e8d8c8b8a8988n);
    expect(c.x(5)).toBe(0xffffffffffffff87n);
    expect(c.x(6)).toBe(0xffffff87n);
    expect(c.x(7)).toBe(0xffffffffffff8786n);
    expect(c.x(8)).toBe(0xffff8786n);
    expect(c.x(9)).toBe(0xffffffff87868584n);
    expect(c.pc).toBe(BigInt(CODE + 4 * words.length));
  });

  it('stores every size, only the bytes of the access', async () => {
    const words = [
      0x39000420, // strb w0, [x1, #1]
      0x79000420, // strh w0, [x1, #2]
      0xb9000420, // str w0, [x1, #4]
      0xf9000420, // str x0, [x1, #8]
    ];
    const c = await run(words, (c) => {
      c.setX(0, 0x1122334455667788n);
      c.setX(1, BigInt(DATA));
    });
    expect(c.readPhys(DATA, 8)).toEqual(new Uint8Array([0, 0x88, 0x88, 0x77, 0x88, 0x77, 0x66, 0x55]));
    expect(r64(c, DATA + 8)).toBe(0x1122334455667788n);
  });

  it('LDUR/STUR take a negative unscaled offset, unaligned with the MMU off only in user mode', async () => {
    const c = await run(
      [
        0xf85f8020, // ldur x0, [x1, #-8]
        0x38dff022, // ldursb w2, [x1, #-1]
        0xb81fd020, // stur w0, [x1, #-3]
      ],
      (c) => {
        pattern(c);
        c.setX(1, BigInt(DATA + 16));
      },
      3,
      { userMode: true },
    );
    expect(c.x(0)).toBe(0x8f8e8d8c8b8a8988n);
    expect(c.x(2)).toBe(0xffffff8fn);
    expect(c.readPhys(DATA + 13, 4)).toEqual(new Uint8Array([0x88, 0x89, 0x8a, 0x8b]));
  });

  it('post-index and pre-index write the base back', async () => {
    const c = await run(
      [
        0xf85f8420, // ldr x0, [x1], #-8   reads DATA+16, x1 = DATA+8
        0x78c08423, // ldrsh w3, [x1], #8  reads DATA+8, x1 = DATA+16
        0xf85f8c24, // ldr x4, [x1, #-8]!  x1 = DATA+8, reads there
      ],
      (c) => {
        pattern(c);
        c.setX(1, BigInt(DATA + 16));
      },
    );
    expect(c.x(0)).toBe(0x9796959493929190n);
    expect(c.x(3)).toBe(0xffff8988n);
    expect(c.x(4)).toBe(0x8f8e8d8c8b8a8988n);
    expect(c.x(1)).toBe(BigInt(DATA + 8));
  });

  it('pushes to SP with pre-index (Rn = 31 is SP)', async () => {
    const sp = DATA + 0x100;
    const c = await run(
      [0xb81f0fe0], // str w0, [sp, #-16]!
      (c) => {
        c.setX(31, BigInt(sp));
        c.setX(0, 0xaabbccdd11223344n);
      },
    );
    expect(c.x(31)).toBe(BigInt(sp - 16));
    expect(r64(c, sp - 16)).toBe(0x11223344n);
  });

  it('writeback with Rt == Rn: loads keep the address, stores store the old base (as QEMU)', async () => {
    const ld = await run([0xf8408421], (c) => { // ldr x1, [x1], #8
      pattern(c);
      c.setX(1, BigInt(DATA));
    });
    expect(ld.x(1)).toBe(BigInt(DATA + 8));
    const st = await run([0xf8008421], (c) => c.setX(1, BigInt(DATA))); // str x1, [x1], #8
    expect(st.x(1)).toBe(BigInt(DATA + 8));
    expect(r64(st, DATA)).toBe(BigInt(DATA));
  });

  it('PRFM in all its forms is a no-op, even at an unusable address', async () => {
    const c = await run(
      [
        0xf9800020, // prfm pldl1keep, [x1]
        0xf8a26833, // prfm pstl2strm, [x1, x2]
        0xf89ff02c, // prfum plil3keep, [x1, #-1]
        0xd8000000, // prfm pldl1keep, .
      ],
      (c) => {
        c.setX(1, 0xffff_0000_0000_0003n);
        c.setX(2, 5n);
      },
    );
    expect(c.exceptionCount).toBe(0n);
    expect(c.pc).toBe(BigInt(CODE + 16));
  });
});

describe('LDR/STR (register offset)', () => {
  it('extends and scales the index', async () => {
    const c = await run([0xf862d820], (c) => { // ldr x0, [x1, w2, sxtw #3]
      pattern(c);
      c.setX(1, BigInt(DATA + 16));
      c.setX(2, 0x7_ffff_ffffn); // only W2 = -1 counts
    });
    expect(c.x(0)).toBe(0x8f8e8d8c8b8a8988n);
    const u = await run([0xf8624820], (c) => { // ldr x0, [x1, w2, uxtw]
      pattern(c);
      c.setX(1, BigInt(DATA));
      c.setX(2, 0x1_0000_0008n);
    });
    expect(u.x(0)).toBe(0x8f8e8d8c8b8a8988n);
    const s = await run([0xb8a2f820], (c) => { // ldrsw x0, [x1, x2, sxtx #2]
      pattern(c);
      c.setX(1, BigInt(DATA + 16));
      c.setX(2, -2n & M64);
    });
    expect(s.x(0)).toBe(0xffffffff8b8a8988n);
    const b = await run([0x38e26820], (c) => { // ldrsb w0, [x1, x2]
      pattern(c);
      c.setX(1, BigInt(DATA));
      c.setX(2, 3n);
    });
    expect(b.x(0)).toBe(0xffffff83n);
  });

  it('STRH with UXTW #1 and LDR with SP as base', async () => {
    const c = await run([0x78225820], (c) => { // strh w0, [x1, w2, uxtw #1]
      c.setX(0, 0xbeefn);
      c.setX(1, BigInt(DATA));
      c.setX(2, 0xffff_ffff_0000_0003n);
    });
    expect(c.readPhys(DATA + 6, 2)).toEqual(new Uint8Array([0xef, 0xbe]));
    const sp = await run([0xf8626be0], (c) => { // ldr x0, [sp, x2]
      pattern(c);
      c.setX(31, BigInt(DATA));
      c.setX(2, 8n);
    });
    expect(sp.x(0)).toBe(0x8f8e8d8c8b8a8988n);
  });
});

describe('LDR (literal)', () => {
  it('loads W, X and LDRSW relative to the instruction', async () => {
    // at CODE: ldr x0, .+16 ; ldr w1, .+12 (hand-placed below) ; ldrsw x2, .+8 ; nop ; data
    const c = await testCore();
    load(c, [
      0x58000080, // ldr x0, .+16
      0x18000061, // ldr w1, .+12
      0x98000042, // ldrsw x2, .+8
      0xd503201f, // nop
      0x89abcdef, 0x81234567,
    ]);
    c.run(3);
    expect(c.x(0)).toBe(0x8123456789abcdefn);
    expect(c.x(1)).toBe(0x89abcdefn);
    expect(c.x(2)).toBe(0xffffffff89abcdefn);
  });
});

describe('LDP/STP', () => {
  it('STP pre-index and LDP post-index on SP (prologue/epilogue)', async () => {
    const sp = DATA + 0x100;
    const c = await run(
      [
        0xa9bf7bfd, // stp x29, x30, [sp, #-16]!
        0xa8c17bfd, // ldp x29, x30, [sp], #16
      ],
      (c) => {
        c.setX(31, BigInt(sp));
        c.setX(29, 0x2929n);
        c.setX(30, 0x3030n);
      },
      1,
    );
    expect(c.x(31)).toBe(BigInt(sp - 16));
    expect(r64(c, sp - 16)).toBe(0x2929n);
    expect(r64(c, sp - 8)).toBe(0x3030n);
    c.setX(29, 0n);
    c.setX(30, 0n);
    c.run(1);
    expect(c.x(29)).toBe(0x2929n);
    expect(c.x(30)).toBe(0x3030n);
    expect(c.x(31)).toBe(BigInt(sp));
  });

  it('W pairs, LDPSW sign extension, LDNP/STNP', async () => {
    const c = await run(
      [0x29ff0440], // ldp w0, w1, [x2, #-8]!
      (c) => {
        pattern(c);
        c.setX(2, BigInt(DATA + 8));
        c.setX(0, M64);
      },
    );
    expect(c.x(0)).toBe(0x83828180n);
    expect(c.x(1)).toBe(0x87868584n);
    expect(c.x(2)).toBe(BigInt(DATA));
    const s = await run([0x69410440], (c) => { // ldpsw x0, x1, [x2, #8]
      pattern(c);
      c.setX(2, BigInt(DATA));
    });
    expect(s.x(0)).toBe(0xffffffff8b8a8988n);
    expect(s.x(1)).toBe(0xffffffff8f8e8d8cn);
    const n = await run(
      [0x28010440], // stnp w0, w1, [x2, #8]
      (c) => {
        c.setX(0, 0xaaaa_1111n);
        c.setX(1, 0xbbbb_2222n);
        c.setX(2, BigInt(DATA));
      },
    );
    expect(r64(n, DATA + 8)).toBe(0xbbbb2222aaaa1111n);
    const l = await run([0xa8400440], (c) => { // ldnp x0, x1, [x2]
      pattern(c);
      c.setX(2, BigInt(DATA));
    });
    expect(l.x(0)).toBe(0x8786858483828180n);
    expect(l.x(1)).toBe(0x8f8e8d8c8b8a8988n);
  });

  it('LDP with Rt == Rt2 gives the first element; writeback with Rt == Rn keeps the address (as QEMU)', async () => {
    const c = await run([0xa9400401], (c) => { // ldp x1, x1, [x0]
      pattern(c);
      c.setX(0, BigInt(DATA));
    });
    expect(c.x(1)).toBe(0x8786858483828180n);
    const w = await run([0xa8c10821], (c) => { // ldp x1, x2, [x1], #16
      pattern(c);
      c.setX(1, BigInt(DATA));
    });
    expect(w.x(1)).toBe(BigInt(DATA + 16));
    expect(w.x(2)).toBe(0x8f8e8d8c8b8a8988n);
  });

  it('a STP whose second half faults writes nothing', async () => {
    const writes: number[] = [];
    const host = {
      mmioWrite: (pa: number): boolean => {
        writes.push(pa);
        return true;
      },
    };
    // stp x0, x1, [x2] with x2 = 2^48 - 8: the first half is below the PA limit, the second is not.
    const c = await run([0xa9000440], (c) => c.setX(2, (1n << 48n) - 8n), 1, { host });
    expect(writes).toEqual([]);
    expect(EC(c)).toBe(0x25);
    expect(ISS(c) & 0x3f).toBe(0x00); // address size fault, level 0
    expect(ISS(c) & 0x40).toBe(0x40); // WnR
    expect(c.sysreg(SR_FAR_EL1)).toBe(1n << 48n);
    // The same pair within one page reaches the device twice.
    await run([0xa9000440], (c) => c.setX(2, 0x0900_0000n), 1, { host });
    expect(writes).toEqual([0x0900_0000, 0x0900_0008]);
  });
});

describe('alignment and faults', () => {
  it('with the MMU off, an unaligned LDR takes a data abort (Device memory) and writes nothing back', async () => {
    const c = await run([0xf85f8420], (c) => { // ldr x0, [x1], #-8
      c.setX(1, BigInt(DATA + 1));
      c.setX(0, 0x5555n);
    });
    expect(c.pc).toBe(BigInt(VBAR + 0x200));
    expect(EC(c)).toBe(0x25);
    expect(ISS(c)).toBe(0x21);
    expect(c.sysreg(SR_FAR_EL1)).toBe(BigInt(DATA + 1));
    expect(c.sysreg(SR_ELR_EL1)).toBe(BigInt(CODE));
    expect(c.x(0)).toBe(0x5555n);
    expect(c.x(1)).toBe(BigInt(DATA + 1));
  });

  it('in user mode an unaligned LDR just works', async () => {
    const c = await run([0xf9400424], (c) => { // ldr x4, [x1, #8]
      pattern(c);
      c.setX(1, BigInt(DATA - 7));
    }, 1, { userMode: true });
    expect(c.x(4)).toBe(0x8887868584838281n);
  });

  it('SP alignment: faults with EC 0x26 only when SCTLR_ELx.SA (SA0 at EL0) is set', async () => {
    const sp = BigInt(DATA + 8);
    const off = await run([0xf94003e0], (c) => { // ldr x0, [sp]
      pattern(c);
      c.setX(31, sp);
    });
    expect(off.x(0)).toBe(0x8f8e8d8c8b8a8988n);
    const on = await run([0xf94003e0], (c) => {
      c.setSysreg(SR_SCTLR_EL1, 1n << 3n);
      c.setX(31, sp);
    });
    expect(EC(on)).toBe(0x26);
    expect(on.pc).toBe(BigInt(VBAR + 0x200));
    // At EL0, SA0 is the control; an SP alignment fault goes to EL1 at the lower-EL vector.
    const el0 = await run([0xf94003e0], (c) => {
      c.setSysreg(SR_SCTLR_EL1, 1n << 4n);
      c.setElSp(0, 0, sp);
    }, 1, { el: 0 });
    expect(el0.el).toBe(1);
    expect(EC(el0)).toBe(0x26);
    expect(el0.pc).toBe(BigInt(VBAR + 0x400));
  });

  it('a store that faults leaves memory alone; ldr/str through a missing device is an external abort', async () => {
    const c = await run([0xf9000020], (c) => c.setX(1, 0x0900_0000n)); // str x0, [x1]
    expect(EC(c)).toBe(0x25);
    expect(ISS(c)).toBe(0x10 | 0x40);
  });
});

describe('LDTR/STTR', () => {
  it('behave like the normal forms (no MMU yet)', async () => {
    const c = await run(
      [
        0xf8408820, // ldtr x0, [x1, #8]
        0x381ff820, // sttrb w0, [x1, #-1]
        0x78802823, // ldtrsh x3, [x1, #2]
      ],
      (c) => {
        pattern(c);
        c.setX(1, BigInt(DATA + 16));
      },
    );
    expect(c.x(0)).toBe(0x9f9e9d9c9b9a9998n);
    expect(c.readPhys(DATA + 15, 1)[0]).toBe(0x98);
    expect(c.x(3)).toBe(0xffffffffffff9392n);
  });
});

describe('exclusives', () => {
  it('LDXR then STXR succeeds once; a second STXR fails and stores nothing', async () => {
    const c = await run(
      [
        0xc85f7c20, // ldxr x0, [x1]
        0xc8027c23, // stxr w2, x3, [x1]
        0xc8047c25, // stxr w4, x5, [x1]
      ],
      (c) => {
        pattern(c);
        c.setX(1, BigInt(DATA));
        c.setX(2, M64);
        c.setX(3, 0x3333n);
        c.setX(4, M64);
        c.setX(5, 0x5555n);
      },
    );
    expect(c.x(0)).toBe(0x8786858483828180n);
    expect(c.x(2)).toBe(0n);
    expect(c.x(4)).toBe(1n);
    expect(r64(c, DATA)).toBe(0x3333n);
  });

  it('STXR without a reservation, to another address, of another size, or after CLREX fails', async () => {
    const base = (c: Core): void => {
      pattern(c);
      c.setX(1, BigInt(DATA));
      c.setX(3, 0x3333n);
      c.setX(4, BigInt(DATA + 8));
    };
    const none = await run([0xc8027c23], base); // stxr w2, x3, [x1]
    expect(none.x(2)).toBe(1n);
    expect(r64(none, DATA)).toBe(0x8786858483828180n);
    const other = await run([0xc85f7c20, 0x88027c83], base); // ldxr x0,[x1]; stxr w2, w3, [x4]
    expect(other.x(2)).toBe(1n);
    expect(r32(other, DATA + 8)).toBe(0x8b8a8988);
    const size = await run([0xc85f7c20, 0x88027c23], base); // ldxr x0,[x1]; stxr w2, w3, [x1]
    expect(size.x(2)).toBe(1n);
    expect(r64(size, DATA)).toBe(0x8786858483828180n);
    const clrex = await run([0xc85f7c20, 0xd5033f5f, 0xc8027c23], base); // ldxr; clrex; stxr
    expect(clrex.x(2)).toBe(1n);
  });

  it('byte, halfword and acquire/release forms', async () => {
    const c = await run(
      [
        0x085f7c20, // ldxrb w0, [x1]
        0x08027c23, // stxrb w2, w3, [x1]
        0x485f7c26, // ldxrh w6, [x1]
        0x48027c23, // stxrh w2, w3, [x1] -> status into w2 again
        0x885ffc27, // ldaxr w7, [x1]
        0x8804fc23, // stlxr w4, w3, [x1]
      ],
      (c) => {
        pattern(c);
        c.setX(1, BigInt(DATA));
        c.setX(3, 0x11223344n);
        c.setX(2, M64);
        c.setX(4, M64);
      },
    );
    expect(c.x(0)).toBe(0x80n);
    expect(c.x(6)).toBe(0x8144n); // after STXRB wrote 0x44
    expect(c.x(7)).toBe(0x83823344n); // after STXRH wrote 0x3344
    expect(c.x(2)).toBe(0n);
    expect(c.x(4)).toBe(0n);
    expect(r32(c, DATA)).toBe(0x11223344);
  });

  it('STXR with Rs == Rt stores the old value (as QEMU)', async () => {
    const c = await run([0xc85f7c20, 0xc8037c23], (c) => { // ldxr x0,[x1]; stxr w3, x3, [x1]
      c.setX(1, BigInt(DATA));
      c.setX(3, 0x7777n);
    });
    expect(c.x(3)).toBe(0n);
    expect(r64(c, DATA)).toBe(0x7777n);
  });

  it('LDXP/STXP on X and W pairs', async () => {
    const x = await run(
      [
        0xc87f1825, // ldxp x5, x6, [x1]
        0xc8221023, // stxp w2, x3, x4, [x1]
      ],
      (c) => {
        pattern(c);
        c.setX(1, BigInt(DATA));
        c.setX(3, 0x33n);
        c.setX(4, 0x44n);
      },
    );
    expect(x.x(5)).toBe(0x8786858483828180n);
    expect(x.x(6)).toBe(0x8f8e8d8c8b8a8988n);
    expect(x.x(2)).toBe(0n);
    expect(r64(x, DATA)).toBe(0x33n);
    expect(r64(x, DATA + 8)).toBe(0x44n);
    const w = await run(
      [
        0x887f9825, // ldaxp w5, w6, [x1]
        0x88229023, // stlxp w2, w3, w4, [x1]
      ],
      (c) => {
        pattern(c);
        c.setX(1, BigInt(DATA));
        c.setX(3, 0xffff_ffff_0000_0033n);
        c.setX(4, 0x44n);
      },
    );
    expect(w.x(5)).toBe(0x83828180n);
    expect(w.x(6)).toBe(0x87868584n);
    expect(w.x(2)).toBe(0n);
    expect(r64(w, DATA)).toBe(0x0000004400000033n);
  });

  it('LDXP with Rt == Rt2: the second element for X pairs, the first for W pairs (as QEMU)', async () => {
    const x = await run([0xc87f0421], (c) => { // ldxp x1, x1, [x1]
      pattern(c);
      c.setX(1, BigInt(DATA));
    });
    expect(x.x(1)).toBe(0x8f8e8d8c8b8a8988n);
    const w = await run([0x887f0421], (c) => { // ldxp w1, w1, [x1]
      pattern(c);
      c.setX(1, BigInt(DATA));
    });
    expect(w.x(1)).toBe(0x83828180n);
  });

  it('STXP of an X pair to a 16-byte block marked by a W-pair LDXP fails (size differs)', async () => {
    const c = await run([0x887f9825, 0xc8221023], (c) => { // ldaxp w5, w6, [x1]; stxp w2, x3, x4, [x1]
      pattern(c);
      c.setX(1, BigInt(DATA));
    });
    expect(c.x(2)).toBe(1n);
    expect(r64(c, DATA)).toBe(0x8786858483828180n);
  });

  it('exclusives must be aligned even in user mode; a pair to twice its element size', async () => {
    const c = await run([0xc85f7c20], (c) => c.setX(1, BigInt(DATA + 4)), 1, { userMode: true }); // ldxr x0, [x1]
    expect(EC(c)).toBe(0x25);
    expect(ISS(c)).toBe(0x21);
    const p = await run([0xc87f1825], (c) => c.setX(1, BigInt(DATA + 8))); // ldxp x5, x6, [x1]
    expect(EC(p)).toBe(0x25);
    expect(ISS(p)).toBe(0x21);
    expect(p.sysreg(SR_FAR_EL1)).toBe(BigInt(DATA + 8));
    const s = await run([0xc8027c23], (c) => { // stxr w2, x3, [x1]
      c.setX(1, BigInt(DATA + 2));
      c.setX(2, 0x99n);
    });
    expect(ISS(s)).toBe(0x21 | 0x40);
    expect(s.x(2)).toBe(0x99n);
  });

  it('an exception between LDXR and STXR clears the monitor', async () => {
    // ldxr x0, [x1]; ldr x9, [x8] (faults: x8 unaligned); the handler at VBAR+0x200 does stxr w2, x3, [x1]
    const c = await testCore();
    load(c, [0xc85f7c20, 0xf9400109]);
    load(c, [0xc8027c23], VBAR + 0x200);
    c.setSysreg(SR_VBAR_EL1, BigInt(VBAR));
    c.setX(1, BigInt(DATA));
    c.setX(8, BigInt(DATA + 1));
    c.run(3);
    expect(c.x(2)).toBe(1n);
  });
});

describe('LDAR/STLR', () => {
  it('load-acquire and store-release of each size', async () => {
    const c = await run(
      [
        0xc8dffc20, // ldar x0, [x1]
        0x48dffc22, // ldarh w2, [x1]
        0x889ffc23, // stlr w3, [x1]
        0x089ffc24, // stlrb w4, [x1]
      ],
      (c) => {
        pattern(c);
        c.setX(1, BigInt(DATA));
        c.setX(3, 0xdeadbeefn);
        c.setX(4, 0x11n);
      },
    );
    expect(c.x(0)).toBe(0x8786858483828180n);
    expect(c.x(2)).toBe(0x8180n);
    expect(r64(c, DATA)).toBe(0x87868584deadbe11n);
  });

  it('must be aligned even in user mode', async () => {
    const c = await run([0x889ffc20], (c) => c.setX(1, BigInt(DATA + 2)), 1, { userMode: true }); // stlr w0, [x1]
    expect(EC(c)).toBe(0x25);
    expect(ISS(c)).toBe(0x21 | 0x40);
  });
});
