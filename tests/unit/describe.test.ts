// The trail in words and the system registers field by field: real trails (the exceptions demo, and
// Linux booting to its shell and running kvm-test, which gives stage 2 aborts and HVCs from a guest)
// and hand-made events for each phrase the UI shows.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine } from '../../src/machine/machine';
import { coreModuleSync } from '../../src/machine/wasm-node';
import type { TrailEvent } from '../../src/machine/trail';
import { describeTrailEvent, faultIpa, intidName, syscallName, trailCause } from '../../src/machine/describe';
import { decodeSysreg, describeEsrFields, faultStatus, sysregName, type DecodedField } from '../../src/machine/sysreg-fields';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** A trail event with everything zero but what the test sets. */
function ev(over: Partial<TrailEvent>): TrailEvent {
  return {
    seq: 0, clock: 0n, kind: 'sync', fromEl: 0, toEl: 1, virtual: false, illegal: false, intid: null, listRegister: null,
    esr: 0n, elr: 0n, far: null, hpfar: 0n, pc: 0n, x8: 0n, ...over,
  };
}
const esr = (ec: number, iss: number): bigint => (BigInt(ec) << 26n) | (1n << 25n) | BigInt(iss);
const fieldOf = (fields: DecodedField[], name: string): DecodedField => {
  const f = fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name} in ${fields.map((x) => x.name).join(', ')}`);
  return f;
};

describe('describeTrailEvent on real trails', () => {
  it('the exceptions demo: ERETs down to EL0, SVC #42, UNDEFINED, SVC #0', async () => {
    const m = await Machine.create(coreModuleSync(), { el: 2 });
    m.load({ kernel: readFileSync(join(root, 'public/images/exceptions.elf')) });
    expect(m.run(1e7).reason).toBe('poweroff');
    const words = m.drainTrail().events.map(describeTrailEvent);
    expect(words.slice(0, 3)).toEqual(['ERET from EL2 to EL1', 'ERET from EL1 to EL0', 'SVC #42 from EL0']);
    expect(words).toContainEqual(expect.stringMatching(/^UNDEFINED instruction from EL0 at 0x[0-9a-f]+$/));
    expect(words.at(-1)).toBe('SVC #0 from EL0: syscall 0'); // X8 = 0 (io_setup is not in the table)
  });

  describe('Linux: boot to the shell, then kvm-test', () => {
    const events: TrailEvent[] = [];
    let lost = 0;
    beforeAll(async () => {
      const m = await Machine.create(coreModuleSync(), { ramMiB: 256, el: 2, cmdline: 'console=ttyAMA0' });
      m.load({
        kernel: readFileSync(join(root, 'public/images/linux-Image.gz')),
        initrd: readFileSync(join(root, 'public/images/linux-initramfs.cpio.gz')),
      });
      let out = '';
      m.onOutput((b) => (out += Buffer.from(b).toString('latin1')));
      let typedAt = -1;
      // About 120 M instructions to the prompt, a few M for kvm-test: 60 slices of 5 M bound it.
      for (let i = 0; i < 60; i++) {
        const r = m.run(5e6);
        const d = m.drainTrail();
        events.push(...d.events);
        lost += d.lost;
        if (typedAt < 0 && out.includes('armlab:/# ')) {
          typedAt = out.length;
          m.sendInput(new TextEncoder().encode('kvm-test\n'));
        }
        if (typedAt >= 0 && /kvm-test: (PASS|FAIL)/.test(out.slice(typedAt))) break;
        expect(r.reason).toBe('budget');
      }
      expect(out.slice(Math.max(typedAt, 0))).toContain('kvm-test: PASS');
    }, 120_000);

    it('names system calls, interrupts, HVCs and returns', () => {
      expect(lost).toBe(0);
      const words = new Set(events.map(describeTrailEvent));
      expect(words).toContain('SVC #0 from EL0: syscall 64 write');
      expect(words).toContain('SVC #0 from EL0: syscall 221 execve');
      expect(words).toContain('HVC #0 from EL1');
      expect(words).toContain('IRQ 30 (EL1 physical timer)');
      expect(words).toContain('IRQ 33 (PL011 UART)');
      expect(words).toContain('ERET from EL2 to EL1');
      expect(words).toContain('ERET from EL1 to EL0');
      // Demand paging: stage 1 faults from EL0, taken to EL1, with the faulting VA.
      expect([...words]).toContainEqual(expect.stringMatching(/^data abort from EL0, translation fault, level 3, VA 0x[0-9a-f]+, (read|write)$/));
    });

    it('the guest of kvm-test exits to KVM through stage 2 aborts: IPA and access in words', () => {
      const stage2 = events.filter((e) => e.kind === 'sync' && e.toEl === 2 && e.esr >> 26n === 0x24n);
      const words = stage2.map(describeTrailEvent);
      // Its first MMIO access: an 8-byte STR to 0x10000000 (kvm-test prints "MMIO write 8 bytes at 0x10000000").
      expect(words).toContain('data abort from EL1, stage-2 translation fault, level 1, IPA 0x10000000 (VA 0x10000000), 8-byte write of X2');
      expect(words).toContainEqual(expect.stringMatching(/^data abort from EL1, stage-2 translation fault, level \d, IPA 0x10000008 .*4-byte read into W\d+$/));
      expect(trailCause(stage2[0]!)).toBe('data abort from EL1 (stage 2)');
    });
  });
});

describe('describeTrailEvent, phrase by phrase', () => {
  it('system calls: Linux SVC #0 with the number in X8; other immediates as they are', () => {
    expect(describeTrailEvent(ev({ esr: esr(0x15, 0), x8: 64n }))).toBe('SVC #0 from EL0: syscall 64 write');
    expect(describeTrailEvent(ev({ esr: esr(0x15, 0), x8: 93n }))).toBe('SVC #0 from EL0: syscall 93 exit');
    expect(describeTrailEvent(ev({ esr: esr(0x15, 0), x8: 9999n }))).toBe('SVC #0 from EL0: syscall 9999');
    expect(describeTrailEvent(ev({ esr: esr(0x15, 42) }))).toBe('SVC #42 from EL0');
    expect(syscallName(56)).toBe('openat');
    expect(syscallName(222)).toBe('mmap');
    expect(syscallName(260)).toBe('wait4');
    expect(syscallName(435)).toBe('clone3');
  });

  it('HVC and SMC', () => {
    expect(describeTrailEvent(ev({ esr: esr(0x16, 0), fromEl: 1, toEl: 2 }))).toBe('HVC #0 from EL1');
    expect(describeTrailEvent(ev({ esr: esr(0x17, 0), fromEl: 1, toEl: 2 }))).toBe('SMC #0 from EL1, trapped to EL2');
  });

  it('stage 2 data abort: IPA from HPFAR_EL2.FIPA and the page offset from FAR', () => {
    // ISV=1, SAS=2 (word), SRT=1, SF=0, WnR=1, DFSC=0b000111 (translation fault, level 3).
    const iss = (1 << 24) | (2 << 22) | (1 << 16) | (1 << 6) | 0x07;
    const e = ev({ esr: esr(0x24, iss), fromEl: 1, toEl: 2, far: 0xffff0000_0a000e50n, hpfar: 0xa000n << 4n });
    expect(describeTrailEvent(e)).toBe('data abort from EL1, stage-2 translation fault, level 3, IPA 0xa000e50 (VA 0xffff00000a000e50), 4-byte write of W1');
    expect(faultIpa(0x9000n << 4n, 0x123n)).toBe(0x9000123n);
    // FnV: FAR not valid, so no VA and no page offset.
    const fnv = ev({ esr: esr(0x24, (1 << 10) | 0x06), fromEl: 1, toEl: 2, far: 0x1234n, hpfar: 0x40000n << 4n });
    expect(describeTrailEvent(fnv)).toBe('data abort from EL1, stage-2 translation fault, level 2, IPA 0x40000000, read');
  });

  it('stage 1 aborts, permission and access flag faults', () => {
    expect(describeTrailEvent(ev({ esr: esr(0x24, (1 << 6) | 0x0f), far: 0x1000n }))).toBe('data abort from EL0, permission fault, level 3, VA 0x1000, write');
    expect(describeTrailEvent(ev({ esr: esr(0x25, 0x0b), fromEl: 1, far: 0xffff800008000000n }))).toBe(
      'data abort from EL1, access flag fault, level 3, VA 0xffff800008000000, read',
    );
    expect(describeTrailEvent(ev({ esr: esr(0x20, 0x07), far: 0x400580n }))).toBe('instruction abort from EL0, translation fault, level 3, VA 0x400580');
    expect(describeTrailEvent(ev({ esr: esr(0x25, 0x21), fromEl: 1, far: 0x3n }))).toBe('data abort from EL1, alignment fault, VA 0x3, read');
  });

  it('trapped MSR/MRS with the register named from the sysreg table', () => {
    // MSR CNTP_CTL_EL0, X1 (op0=3 op1=3 CRn=14 CRm=2 op2=1), trapped by CNTHCTL_EL2.EL1PCEN.
    const msr = (3 << 20) | (1 << 17) | (3 << 14) | (14 << 10) | (1 << 5) | (2 << 1) | 0;
    expect(describeTrailEvent(ev({ esr: esr(0x18, msr), fromEl: 1, toEl: 2 }))).toBe('MSR CNTP_CTL_EL0, X1 from EL1, trapped to EL2');
    // MRS X3, ID_AA64MMFR0_EL1 (3 0 0 7 0), trapped by HCR_EL2.TID3.
    const mrs = (3 << 20) | (0 << 17) | (0 << 14) | (0 << 10) | (3 << 5) | (7 << 1) | 1;
    expect(describeTrailEvent(ev({ esr: esr(0x18, mrs), fromEl: 1, toEl: 2 }))).toBe('MRS X3, ID_AA64MMFR0_EL1 from EL1, trapped to EL2');
    expect(sysregName(3, 7, 15, 15, 7)).toBe('S3_7_C15_C15_7');
  });

  it('WFx, FP access, UNDEFINED, BRK, alignment, illegal state', () => {
    expect(describeTrailEvent(ev({ esr: esr(0x01, 0), fromEl: 1, toEl: 2 }))).toBe('WFI from EL1, trapped to EL2');
    expect(describeTrailEvent(ev({ esr: esr(0x01, 1), fromEl: 0, toEl: 1 }))).toBe('WFE from EL0, trapped to EL1');
    expect(describeTrailEvent(ev({ esr: esr(0x07, 0) }))).toBe('SIMD/FP access from EL0, trapped to EL1');
    expect(describeTrailEvent(ev({ esr: esr(0x00, 0), pc: 0x404b54n }))).toBe('UNDEFINED instruction from EL0 at 0x404b54');
    expect(describeTrailEvent(ev({ esr: esr(0x3c, 0x800), fromEl: 1 }))).toBe('BRK #0x800 from EL1 (Linux BUG())');
    expect(describeTrailEvent(ev({ esr: esr(0x26, 0), pc: 0x10n }))).toBe('SP alignment fault from EL0 at 0x10');
    expect(describeTrailEvent(ev({ esr: esr(0x0e, 0), fromEl: 1, pc: 0x20n }))).toBe('illegal execution state from EL1 at 0x20');
  });

  it('interrupts: physical with the INTID named, virtual with the list register', () => {
    expect(describeTrailEvent(ev({ kind: 'irq', intid: 30, fromEl: 0 }))).toBe('IRQ 30 (EL1 physical timer)');
    expect(describeTrailEvent(ev({ kind: 'irq', intid: 33, fromEl: 1 }))).toBe('IRQ 33 (PL011 UART)');
    expect(describeTrailEvent(ev({ kind: 'irq', intid: 26, fromEl: 1, toEl: 2 }))).toBe('IRQ 26 (EL2 physical timer)');
    expect(describeTrailEvent(ev({ kind: 'irq', intid: 25, fromEl: 1, toEl: 2 }))).toBe('IRQ 25 (GIC maintenance)');
    expect(describeTrailEvent(ev({ kind: 'irq', virtual: true, intid: 27, listRegister: 0, fromEl: 1 }))).toBe('virtual IRQ 27 (virtual timer) injected through list register 0');
    expect(describeTrailEvent(ev({ kind: 'irq', virtual: true, intid: null }))).toBe('virtual IRQ (HCR_EL2.VI) to EL1');
    expect(describeTrailEvent(ev({ kind: 'fiq', intid: 3 }))).toBe('FIQ 3 (SGI 3)');
    expect(trailCause(ev({ kind: 'irq', virtual: true, intid: 27, listRegister: 2 }))).toBe('virtual IRQ 27 (virtual timer)');
    expect(intidName(34)).toBe('PL031 RTC');
    expect(intidName(48)).toBe('virtio-mmio 0');
    expect(intidName(60)).toBe('virtio-mmio 12');
    expect(intidName(23)).toBe('PPI 7');
    expect(intidName(1023)).toBe('spurious');
  });

  it('SError and returns', () => {
    expect(describeTrailEvent(ev({ kind: 'serror', fromEl: 1, toEl: 1 }))).toBe('SError from EL1');
    expect(describeTrailEvent(ev({ kind: 'serror', virtual: true, fromEl: 1 }))).toBe('virtual SError (HCR_EL2.VSE) from EL1');
    expect(describeTrailEvent(ev({ kind: 'eret', fromEl: 2, toEl: 1 }))).toBe('ERET from EL2 to EL1');
    expect(describeTrailEvent(ev({ kind: 'eret', fromEl: 1, toEl: 1, illegal: true }))).toBe('illegal exception return at EL1');
    expect(trailCause(ev({ kind: 'eret', fromEl: 1, toEl: 0 }))).toBe('ERET EL1 to EL0');
  });
});

describe('decodeSysreg', () => {
  it('HCR_EL2: single bits say what their current value means', () => {
    const f = decodeSysreg('HCR_EL2', (1n << 31n) | (1n << 27n) | 1n);
    expect(fieldOf(f, 'VM')).toMatchObject({ bits: '0', value: 1n, shown: '1' });
    expect(fieldOf(f, 'VM').meaning).toMatch(/stage 2 translation on/);
    expect(fieldOf(f, 'TGE').meaning).toMatch(/EL0 exceptions go to EL2/);
    expect(fieldOf(f, 'RW').meaning).toBe('EL1 is AArch64');
    expect(fieldOf(decodeSysreg('HCR_EL2', 0n), 'TGE')).toMatchObject({ bits: '27', value: 0n, meaning: 'EL0 exceptions go to EL1' });
    expect(f.find((x) => x.name === 'other')).toBeUndefined();
  });

  it('bits outside every field are reported, never hidden', () => {
    const f = decodeSysreg('HCR_EL2', 1n << 63n);
    expect(fieldOf(f, 'other')).toMatchObject({ bits: '63', value: 1n << 63n });
  });

  it('TCR_EL1 as Linux sets it: 48-bit VAs, 4 KB granules', () => {
    // T0SZ = T1SZ = 16, TG0 = 4K (0), TG1 = 4K (2), IPS = 5 (48 bits), AS, TBI0.
    const v = 16n | (16n << 16n) | (2n << 30n) | (5n << 32n) | (1n << 36n) | (1n << 37n);
    const f = decodeSysreg('TCR_EL1', v);
    expect(fieldOf(f, 'T0SZ')).toMatchObject({ bits: '5:0', value: 16n });
    expect(fieldOf(f, 'T0SZ').meaning).toMatch(/48-bit addresses/);
    expect(fieldOf(f, 'TG0').meaning).toMatch(/4 KB granule/);
    expect(fieldOf(f, 'TG1').meaning).toMatch(/4 KB granule/);
    expect(fieldOf(f, 'IPS').meaning).toMatch(/48 bits \(256 TB\)/);
    expect(fieldOf(f, 'AS').meaning).toBe('16-bit ASIDs');
  });

  it('VTCR_EL2.SL0 depends on the granule; RES1 bit 31 is no news', () => {
    const f4k = decodeSysreg('VTCR_EL2', (1n << 31n) | (1n << 6n) | 24n);
    expect(fieldOf(f4k, 'SL0').meaning).toBe('stage 2 walk starts at level 1');
    expect(fieldOf(f4k, 'T0SZ').meaning).toMatch(/40-bit/);
    expect(f4k.find((x) => x.name === 'other')).toBeUndefined();
    const f64k = decodeSysreg('VTCR_EL2', (1n << 14n) | (1n << 6n));
    expect(fieldOf(f64k, 'SL0').meaning).toBe('stage 2 walk starts at level 2');
  });

  it('CPACR_EL1, CPTR_EL2, CNTHCTL_EL2, timers, SPSR, GIC virtualization', () => {
    expect(fieldOf(decodeSysreg('CPACR_EL1', 3n << 20n), 'FPEN').meaning).toBe('SIMD/FP not trapped');
    expect(fieldOf(decodeSysreg('CPACR_EL1', 1n << 20n), 'FPEN').meaning).toMatch(/EL0 traps/);
    expect(fieldOf(decodeSysreg('CPTR_EL2', 0x33ffn | (1n << 10n)), 'TFP').meaning).toMatch(/traps to EL2/);
    expect(decodeSysreg('CPTR_EL2', 0x33ffn).find((x) => x.name === 'other')).toBeUndefined();
    expect(fieldOf(decodeSysreg('CNTHCTL_EL2', 3n), 'EL1PCEN').meaning).toBe('EL0/EL1 may use the physical timer');
    expect(fieldOf(decodeSysreg('CNTV_CTL_EL0', 5n), 'ISTATUS').meaning).toMatch(/condition met/);
    const spsr = decodeSysreg('SPSR_EL2', 0x3c5n);
    expect(fieldOf(spsr, 'M[3:0]').meaning).toMatch(/^EL1h/);
    expect(fieldOf(spsr, 'I').meaning).toBe('IRQ masked');
    const lr = decodeSysreg('ICH_LR0_EL2', (1n << 62n) | (1n << 60n) | (0xa0n << 48n) | 27n);
    expect(fieldOf(lr, 'State').meaning).toBe('pending');
    expect(fieldOf(lr, 'vINTID').meaning).toBe('virtual INTID 27');
    expect(fieldOf(lr, 'Group').meaning).toBe('virtual Group 1');
    expect(fieldOf(decodeSysreg('ICH_HCR_EL2', 1n), 'En').meaning).toBe('virtual CPU interface enabled');
    expect(fieldOf(decodeSysreg('ICH_VMCR_EL2', (0xf0n << 24n) | 2n), 'VPMR').value).toBe(0xf0n);
  });

  it('a register without a table comes back as its value', () => {
    expect(decodeSysreg('TTBR0_EL1', 0x1234n)).toEqual([expect.objectContaining({ name: 'value', value: 0x1234n })]);
  });
});

describe('describeEsrFields', () => {
  it('a data abort: EC explained, ISV SAS SSE SRT SF AR, FnV EA CM S1PTW WnR DFSC', () => {
    // From the Linux run: kvm-test's guest stores X2 (8 bytes) to unmapped IPA 0x10000000.
    const f = describeEsrFields(0x93c28045n);
    expect(f.map((x) => x.name)).toEqual(['EC', 'IL', 'ISV', 'SAS', 'SSE', 'SRT', 'SF', 'AR', 'VNCR', 'FnV', 'EA', 'CM', 'S1PTW', 'WnR', 'DFSC']);
    expect(fieldOf(f, 'EC')).toMatchObject({ bits: '31:26', value: 0x24n });
    expect(fieldOf(f, 'EC').meaning).toMatch(/^Data abort from a lower EL: /);
    expect(fieldOf(f, 'SAS').meaning).toBe('access size: doubleword (8 bytes)');
    expect(fieldOf(f, 'SRT').meaning).toBe('transfer register X2');
    expect(fieldOf(f, 'WnR').meaning).toBe('caused by a write');
    expect(fieldOf(f, 'DFSC')).toMatchObject({ bits: '5:0', value: 5n, meaning: 'translation fault, level 1' });
  });

  it('without ISV the access fields are left out', () => {
    expect(describeEsrFields(0x92000047n).map((x) => x.name)).not.toContain('SRT');
  });

  it('trapped MSR/MRS: Op0..Rt and the register name', () => {
    const iss = (3 << 20) | (1 << 17) | (3 << 14) | (14 << 10) | (1 << 5) | (2 << 1);
    const f = describeEsrFields(esr(0x18, iss));
    expect(f.map((x) => x.name)).toEqual(['EC', 'IL', 'Op0', 'Op2', 'Op1', 'CRn', 'Rt', 'CRm', 'Direction']);
    expect(fieldOf(f, 'Direction').meaning).toBe('write: MSR CNTP_CTL_EL0');
    expect(fieldOf(f, 'Rt').meaning).toBe('general-purpose register X1');
  });

  it('SVC/HVC imm16, BRK comment, WFx, instruction aborts, SError', () => {
    expect(fieldOf(describeEsrFields(0x56000000n), 'imm16').meaning).toMatch(/#0$/);
    expect(fieldOf(describeEsrFields(esr(0x3c, 0x800)), 'Comment').meaning).toBe('BRK #0x800 (Linux BUG())');
    expect(fieldOf(describeEsrFields(esr(0x01, 1)), 'TI').meaning).toBe('trapped WFE');
    expect(fieldOf(describeEsrFields(0x82000007n), 'IFSC').meaning).toBe('translation fault, level 3');
    expect(fieldOf(describeEsrFields(esr(0x2f, 0)), 'EC').meaning).toMatch(/^SError/);
    expect(fieldOf(describeEsrFields(esr(0x07, 0)), 'EC').meaning).toMatch(/CPACR_EL1.FPEN/);
  });

  it('fault status codes in words', () => {
    expect(faultStatus(0x07)).toBe('translation fault, level 3');
    expect(faultStatus(0x0d)).toBe('permission fault, level 1');
    expect(faultStatus(0x09)).toBe('access flag fault, level 1');
    expect(faultStatus(0x00)).toBe('address size fault, level 0');
    expect(faultStatus(0x21)).toBe('alignment fault');
    expect(faultStatus(0x10)).toBe('synchronous external abort (not on a table walk)');
  });
});
