import { describe, it, expect } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FdtError, node, cells, u64s, reg, str, strList, empty, writeFdt, readFdt, readHeader, readCells, readNumber, readString,
  readStringList, findNode, getProp, addChild, setProp, FDT_MAGIC, type FdtTree, type FdtNode,
} from '../../src/machine/fdt';
import { buildDeviceTree, buildDtb, mpidrAffinity, VIRT, type BoardConfig } from '../../src/machine/devicetree';
import { planBoot, ImageError, MiB } from '../../src/machine/loader';
import { RAM_BASE, UART_BASE, UART_INTID, MPIDR } from '../../src/machine/machine';
import { have, withDir } from '../helpers/cross';

const haveDtc = have('dtc');
const haveQemuSystem = haveDtc && have('qemu-system-aarch64');

const BOARD: BoardConfig = { ramBase: 0x4000_0000, ramSize: 256 * MiB, cpus: 1, el2: true };

/** dtc's decompilation of a blob; throws (with dtc's words) if dtc warns or fails. */
function dtcDecompile(dir: string, blob: Uint8Array, name = 'x.dtb'): string {
  const path = join(dir, name);
  writeFileSync(path, blob);
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', path], { encoding: 'utf8' });
  if (r.status !== 0 || r.stderr.trim() !== '') throw new Error(`dtc on ${name}: status ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function sampleTree(): FdtTree {
  const root = node('', { compatible: str('test,board'), '#address-cells': cells(2), '#size-cells': cells(2) }, [
    node('memory@40000000', { device_type: str('memory'), reg: reg([0x4000_0000, 0x800_0000]) }),
    node('intc', { compatible: str('arm,gic-v3'), 'interrupt-controller': empty(), '#interrupt-cells': cells(3), '#address-cells': cells(0), phandle: cells(7) }),
    node('uart@9000000', { compatible: strList('arm,pl011', 'arm,primecell'), reg: reg([0x900_0000, 0x1000]), 'big-value': u64s(0x1_2345_6789n) }),
    node('chosen', { bootargs: str('console=ttyAMA0 x=ümlaut') }),
  ]);
  return { root, memReserve: [{ address: 0x4800_0000n, size: 0x1000n }], bootCpuid: 3 };
}

describe('FDT writer', () => {
  it('writes a version-17 header with 8-byte-aligned blocks', () => {
    const blob = writeFdt(sampleTree());
    const h = readHeader(blob);
    expect(h.magic).toBe(FDT_MAGIC);
    expect(h.version).toBe(17);
    expect(h.lastCompVersion).toBe(16);
    expect(h.totalsize).toBe(blob.length);
    expect(blob.length % 8).toBe(0);
    expect(h.offMemRsvmap).toBe(40);
    for (const off of [h.offMemRsvmap, h.offDtStruct, h.offDtStrings]) expect(off % 8).toBe(0);
    expect(h.offDtStruct).toBe(40 + 2 * 16); // one reservation + the (0, 0) terminator
    expect(h.offDtStruct + h.sizeDtStruct).toBeLessThanOrEqual(h.offDtStrings);
    expect(h.offDtStrings + h.sizeDtStrings).toBeLessThanOrEqual(h.totalsize);
    expect(h.bootCpuidPhys).toBe(3);
    // The structure block ends with FDT_END.
    expect(new DataView(blob.buffer).getUint32(h.offDtStruct + h.sizeDtStruct - 4, false)).toBe(9);
  });
  it('stores each property name once in the strings block', () => {
    const blob = writeFdt(sampleTree());
    const h = readHeader(blob);
    const names = new TextDecoder().decode(blob.subarray(h.offDtStrings, h.offDtStrings + h.sizeDtStrings)).split('\0').slice(0, -1);
    expect(names.filter((n) => n === 'compatible')).toHaveLength(1); // used by four nodes
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(['#address-cells', '#interrupt-cells', '#size-cells', 'big-value', 'bootargs', 'compatible', 'device_type', 'interrupt-controller', 'phandle', 'reg'].sort());
  });
  it('round-trips through the reader', () => {
    const t = sampleTree();
    const back = readFdt(writeFdt(t));
    expect(back).toEqual(t);
    expect(writeFdt(back)).toEqual(writeFdt(t));
  });
  it('encodes the value types', () => {
    expect([...cells(1, 0xffff_ffff)]).toEqual([0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]);
    expect(readCells(u64s(0x1_0000_0002n))).toEqual([1, 2]);
    expect(readNumber(reg([0x4000_0000, 0x1_0000_0000]), 2, 2)).toBe(0x1_0000_0000n);
    expect([...str('ab')]).toEqual([0x61, 0x62, 0]);
    expect(readStringList(strList('a', '', 'bc'))).toEqual(['a', '', 'bc']);
    expect(readString(str('x'))).toBe('x');
    expect(empty().length).toBe(0);
  });
  it('refuses what the format cannot hold', () => {
    expect(() => cells(-1)).toThrow(FdtError);
    expect(() => cells(2 ** 32)).toThrow(/not a 32-bit cell/);
    expect(() => cells(1.5)).toThrow(FdtError);
    expect(() => u64s(-1n)).toThrow(/64 bits/);
    expect(() => str('a\0b')).toThrow(/NUL/);
    expect(() => node('bad name')).toThrow(/invalid node name/);
    expect(() => node('x', { 'bad name': empty() })).toThrow(/invalid property name/);
    expect(() => node('p', {}, [node('c'), node('c')])).toThrow(/already has a child "c"/);
    expect(() => writeFdt(node('notroot'))).toThrow(/root node must have an empty name/);
  });
  it('setProp replaces in place; findNode walks paths', () => {
    const t = sampleTree();
    const chosen = findNode(t.root, '/chosen')!;
    setProp(chosen, 'bootargs', str('quiet'));
    setProp(chosen, 'extra', empty());
    expect(chosen.props.map((p) => p.name)).toEqual(['bootargs', 'extra']);
    expect(readString(getProp(chosen, 'bootargs')!)).toBe('quiet');
    expect(findNode(t.root, '/')).toBe(t.root);
    expect(findNode(t.root, '/nope')).toBeUndefined();
    addChild(findNode(t.root, '/chosen')!, node('deeper'));
    expect(findNode(t.root, '/chosen/deeper')?.name).toBe('deeper');
  });
  it.skipIf(!haveDtc)('dtc decompiles what we write, without warnings (skipped without dtc)', () => {
    withDir((dir) => {
      const dts = dtcDecompile(dir, writeFdt(sampleTree()));
      expect(dts).toContain('/memreserve/\t0x0000000048000000 0x0000000000001000;');
      expect(dts).toContain('compatible = "arm,pl011\\0arm,primecell";');
      expect(dts).toMatch(/bootargs = \[63 6f .* 78 3d c3 bc 6d .* 00\];/); // UTF-8: dtc shows it as bytes
      expect(dts).toContain('big-value = <0x01 0x23456789>;');
    });
  });
});

/** A valid blob to break in the tests below. */
function good(): Uint8Array {
  return writeFdt(node('', { a: cells(1) }, [node('n', { b: str('x') })]));
}

function broken(patch: (dv: DataView, b: Uint8Array) => void): Uint8Array {
  const b = good();
  patch(new DataView(b.buffer), b);
  return b;
}

describe('FDT reader', () => {
  const h = readHeader(good());
  const s = h.offDtStruct; // FDT_BEGIN_NODE, "" (padded), then the root's first FDT_PROP at s + 8
  const cases: [string, Uint8Array, RegExp][] = [
    ['short', good().subarray(0, 20), /truncated: 20 bytes/],
    ['no magic', broken((dv) => dv.setUint32(0, 0x12345678)), /no 0xd00dfeed magic/],
    ['totalsize past the end', broken((dv) => dv.setUint32(4, 100_000)), /header says 100000 bytes/],
    ['old version', broken((dv) => dv.setUint32(20, 3)), /version 3 is too old/],
    ['future version', broken((dv) => dv.setUint32(24, 18)), /needs a reader for version 18/],
    ['strings outside', broken((dv) => dv.setUint32(32, 100_000)), /strings block .* lies outside/],
    ['struct outside', broken((dv) => dv.setUint32(36, 100_000)), /structure block .* lies outside/],
    ['unaligned struct', broken((dv) => dv.setUint32(8, s + 2)), /not a 4-byte-aligned offset/],
    ['unknown token', broken((dv) => dv.setUint32(s, 7)), /unknown token 0x7 at offset/],
    ['root not first', broken((dv) => dv.setUint32(s, 3)), /property at offset \d+ is outside any node/],
    ['property too long', broken((dv) => dv.setUint32(s + 12, 1 << 20)), /property at offset \d+ runs past the structure block/],
    ['bad name offset', broken((dv) => dv.setUint32(s + 16, 5000)), /name offset 5000 is outside/],
    ['no FDT_END', broken((dv) => dv.setUint32(s + h.sizeDtStruct - 4, 2)), /FDT_END_NODE at offset \d+ closes no node/],
    ['unclosed node', broken((dv) => dv.setUint32(s + h.sizeDtStruct - 8, 4)), /FDT_END at offset \d+ while node "\/" is still open/],
    ['struct too short', broken((dv) => dv.setUint32(36, 8)), /ends without FDT_END/],
    ['unterminated reservations', broken((dv, b) => dv.setUint32(16, b.length - 8)), /memory reservation block has no \(0, 0\) terminator/],
  ];
  for (const [what, blob, msg] of cases) {
    it(`refuses a malformed blob: ${what}`, () => {
      let err: unknown;
      try {
        readFdt(blob);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FdtError);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).not.toContain('\n');
    });
  }
  it('skips FDT_NOP tokens and reads version-16 blobs (no size_dt_struct)', () => {
    const b = good();
    const dv = new DataView(b.buffer);
    dv.setUint32(20, 16);
    dv.setUint32(36, 0);
    expect(readFdt(b).root.children[0]!.name).toBe('n');
  });
  it.skipIf(!haveDtc)('reads what dtc compiles, and writes it back so dtc sees the same tree (skipped without dtc)', () => {
    withDir((dir) => {
      const src = join(dir, 'ref.dtb');
      const refDts = readFileSync('/work/shared/reference/qemu-virt-gicv3-2cpu.dts', 'utf8');
      writeFileSync(join(dir, 'ref.dts'), refDts);
      execFileSync('dtc', ['-q', '-I', 'dts', '-O', 'dtb', '-o', src, join(dir, 'ref.dts')]);
      const original = readFileSync(src);
      const tree = readFdt(original);
      expect(readString(getProp(findNode(tree.root, '/chosen')!, 'bootargs')!)).toBe('console=ttyAMA0 earlycon');
      expect(findNode(tree.root, '/cpus/cpu-map/socket0/cluster0/core1')).toBeDefined();
      expect(dtcDecompile(dir, writeFdt(tree), 'again.dtb')).toBe(dtcDecompile(dir, original, 'orig.dtb'));
    });
  });
});

// ---- The board's device tree -----------------------------------------------------------------------

const prop = (root: FdtNode, path: string, name: string): Uint8Array => {
  const n = findNode(root, path);
  if (!n) throw new Error(`no node ${path}`);
  const v = getProp(n, name);
  if (!v) throw new Error(`no ${path}:${name}`);
  return v;
};

describe('the virt board device tree', () => {
  it('describes the machine constants the rest of the machine uses', () => {
    expect(VIRT.ram.base).toBe(RAM_BASE);
    expect(VIRT.uart.base).toBe(UART_BASE);
    expect(VIRT.uart.spi + 32).toBe(UART_INTID);
    expect(BigInt(mpidrAffinity(0))).toBe(MPIDR & 0xff_ffffn);
    expect([mpidrAffinity(1), mpidrAffinity(15), mpidrAffinity(16), mpidrAffinity(33)]).toEqual([1, 15, 0x100, 0x201]);
  });
  it('with EL2: PSCI over SMC and the GIC maintenance interrupt (PPI 9)', () => {
    const t = buildDeviceTree(BOARD);
    expect(readString(prop(t, '/psci', 'method'))).toBe('smc');
    expect(readStringList(prop(t, '/psci', 'compatible'))).toEqual(['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci']);
    expect(readCells(prop(t, '/intc@8000000', 'interrupts'))).toEqual([1, 9, 4]);
    expect(readCells(prop(t, '/intc@8000000', 'reg'))).toEqual([0, 0x800_0000, 0, 0x1_0000, 0, 0x80a_0000, 0, 0x2_0000]);
    expect(readCells(prop(t, '/timer', 'interrupts'))).toEqual([1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4]);
    expect(readCells(prop(t, '/memory@40000000', 'reg'))).toEqual([0, 0x4000_0000, 0, 0x1000_0000]);
    expect(readString(prop(t, '/chosen', 'stdout-path'))).toBe('/pl011@9000000');
    expect(readString(prop(t, '/aliases', 'serial0'))).toBe('/pl011@9000000');
    expect(getProp(findNode(t, '/chosen')!, 'bootargs')).toBeUndefined();
  });
  it('without EL2: PSCI over HVC, no maintenance interrupt', () => {
    const t = buildDeviceTree({ ...BOARD, el2: false });
    expect(readString(prop(t, '/psci', 'method'))).toBe('hvc');
    expect(getProp(findNode(t, '/intc@8000000')!, 'interrupts')).toBeUndefined();
  });
  it('lists each CPU by MPIDR affinity and sizes the redistributor region by the CPU count', () => {
    const t = buildDeviceTree({ ...BOARD, cpus: 18 });
    const cpus = findNode(t, '/cpus')!.children;
    expect(cpus.map((c) => c.name).slice(14)).toEqual(['cpu@e', 'cpu@f', 'cpu@100', 'cpu@101']);
    expect(readCells(prop(t, '/cpus/cpu@101', 'reg'))).toEqual([0x101]);
    expect(readString(prop(t, '/cpus/cpu@101', 'enable-method'))).toBe('psci');
    expect(readCells(prop(t, '/intc@8000000', 'reg'))[7]).toBe(18 * 0x2_0000);
    expect(() => buildDeviceTree({ ...BOARD, cpus: 0 })).toThrow(RangeError);
  });
  it('fills /chosen: bootargs, and initrd addresses in one cell below 4 GiB, two above', () => {
    const low = buildDeviceTree(BOARD, { bootargs: 'console=ttyAMA0', initrd: { start: 0x4800_0000, end: 0x4800_3039 } });
    expect(readString(prop(low, '/chosen', 'bootargs'))).toBe('console=ttyAMA0');
    expect(readCells(prop(low, '/chosen', 'linux,initrd-start'))).toEqual([0x4800_0000]);
    expect(readCells(prop(low, '/chosen', 'linux,initrd-end'))).toEqual([0x4800_3039]);
    const high = buildDeviceTree(BOARD, { initrd: { start: 0x1_0000_0000, end: 0x1_0000_1000 } });
    expect(readCells(prop(high, '/chosen', 'linux,initrd-start'))).toEqual([1, 0]);
    expect(readCells(prop(high, '/chosen', 'linux,initrd-end'))).toEqual([1, 0x1000]);
  });
  it('adds virtio-mmio nodes only for the slots the configuration lists', () => {
    expect(buildDeviceTree(BOARD).children.some((c) => c.name.startsWith('virtio'))).toBe(false);
    const t = buildDeviceTree({ ...BOARD, virtio: [3, 0] });
    expect(t.children.filter((c) => c.name.startsWith('virtio')).map((c) => c.name)).toEqual(['virtio_mmio@a000000', 'virtio_mmio@a000600']);
    expect(readCells(prop(t, '/virtio_mmio@a000600', 'interrupts'))).toEqual([0, 19, 1]);
    expect(() => buildDeviceTree({ ...BOARD, virtio: [32] })).toThrow(RangeError);
  });
  it.skipIf(!haveDtc)('dtc decompiles every configuration without warnings (skipped without dtc)', () => {
    withDir((dir) => {
      const configs: BoardConfig[] = [BOARD, { ...BOARD, el2: false }, { ...BOARD, cpus: 4, virtio: [0, 1, 31] }, { ...BOARD, ramSize: 4080 * MiB }];
      for (const c of configs) {
        expect(dtcDecompile(dir, buildDtb(c, { bootargs: 'console=ttyAMA0 root=/dev/vda', initrd: { start: 0x4800_0000, end: 0x4900_0000 } }))).toContain('/ {');
      }
    });
  });
});

// ---- Node-by-node cross-check with QEMU's own device tree -----------------------------------------------

/** path -> property -> value text, from dtc's decompiled output. */
type DtsTree = Map<string, Map<string, string>>;

function parseDts(text: string): DtsTree {
  const tree: DtsTree = new Map();
  const stack: string[] = [];
  const path = (): string => `/${stack.slice(1).join('/')}`;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('/dts-v1/') || line.startsWith('/memreserve/')) continue;
    if (line.endsWith('{')) {
      stack.push(line.slice(0, -1).trim());
      tree.set(path(), new Map());
    } else if (line === '};') {
      stack.pop();
    } else {
      const m = /^([^\s=]+)(?: = (.*))?;$/.exec(line);
      if (!m) throw new Error(`cannot parse dtc output line: ${line}`);
      tree.get(path())!.set(m[1]!, m[2] ?? '');
    }
  }
  return tree;
}

/** Replaces phandle values by the path of the node they name, in the properties that hold phandles. */
function resolvePhandles(tree: DtsTree): void {
  const byHandle = new Map<string, string>();
  for (const [path, props] of tree) {
    const ph = props.get('phandle');
    if (ph) byHandle.set(ph.replace(/[<>]/g, ''), path);
    props.delete('phandle');
  }
  for (const props of tree.values()) {
    for (const name of ['interrupt-parent', 'clocks']) {
      const v = props.get(name);
      if (v) props.set(name, v.replace(/0x[0-9a-f]+/g, (h) => `&{${byHandle.get(h) ?? `unknown ${h}`}}`));
    }
  }
}

/** Nodes QEMU's virt board has and ArmLab's does not, and why. */
const QEMU_ONLY: [RegExp, string][] = [
  [/^\/platform-bus@c000000$/, 'container for dynamically instantiated sysbus devices; we have none'],
  [/^\/fw-cfg@9020000$/, "QEMU's firmware configuration interface; ArmLab has no firmware to configure"],
  [/^\/virtio_mmio@/, 'QEMU always describes all 32 transports; we describe only slots with a device (none by default)'],
  [/^\/gpio-keys(\/|$)/, 'the GPIO power button; we have no PL061 (the guest powers off through PSCI)'],
  [/^\/pl061@9030000$/, 'no PL061 GPIO controller'],
  [/^\/pcie@10000000$/, 'no PCIe host bridge yet'],
  [/^\/flash@0$/, 'no NOR flash (no firmware to boot from it)'],
  [/^\/pmu$/, 'the CPU reports no PMU (ID_AA64DFR0_EL1.PMUVer = 0)'],
  [/^\/intc@8000000\/its@8080000$/, 'no GIC ITS (no MSIs without PCIe)'],
  [/^\/cpus\/cpu-map(\/|$)/, 'topology description: optional for CPUs in one cluster'],
];
/** Nodes only ArmLab has. */
const OURS_ONLY: [RegExp, string][] = [[/^\/aliases$/, 'serial0 names the console for earlycon and ttyAMA0 numbering (QEMU 7.2 gives no aliases)']];
/** Properties that differ on purpose: [node, property, reason]. */
const DIFFERENT: [string, string, string][] = [
  ['/cpus/cpu@0', 'compatible', 'QEMU names the core it models ("arm,cortex-a57"); ours is no Cortex-A57 (implementer-0 MIDR): "arm,armv8"'],
  ['/cpus/cpu@0', 'enable-method', 'QEMU writes "psci" only with more than one CPU; we always do'],
  ['/intc@8000000', 'reg', 'QEMU sizes the redistributor region for its maximum CPU count (0xf60000); ours is 0x20000 per CPU (checked separately)'],
  ['/chosen', 'rng-seed', 'random in QEMU; ArmLab is deterministic and gives no seed'],
  ['/chosen', 'kaslr-seed', 'random in QEMU; ArmLab is deterministic and gives no seed'],
];

function crossCheck(ours: DtsTree, qemu: DtsTree): void {
  for (const t of [ours, qemu]) resolvePhandles(t);
  const matches = (list: [RegExp, string][], path: string): boolean => list.some(([re]) => re.test(path));
  for (const path of qemu.keys()) {
    if (matches(QEMU_ONLY, path)) continue;
    expect(ours.has(path), `QEMU has node ${path}, ours does not`).toBe(true);
  }
  for (const [path, props] of ours) {
    if (matches(OURS_ONLY, path)) continue;
    const q = qemu.get(path);
    expect(q, `our node ${path} is not in QEMU's tree`).toBeDefined();
    const names = new Set([...props.keys(), ...q!.keys()]);
    for (const name of names) {
      if (DIFFERENT.some(([p, n]) => p === path && n === name)) continue;
      expect(props.get(name), `${path} ${name}`).toBe(q!.get(name));
    }
  }
  // The GIC region bases agree even though QEMU's redistributor region is larger.
  const gicReg = (t: DtsTree): string[] => t.get('/intc@8000000')!.get('reg')!.replace(/[<>]/g, '').split(' ');
  expect(gicReg(ours).slice(0, 6)).toEqual(gicReg(qemu).slice(0, 6));
  expect(gicReg(ours)[7]).toBe('0x20000');
}

/** An arm64 Image header and a little code: QEMU only looks at the header. */
function fakeImage(): Uint8Array {
  const b = new Uint8Array(4096);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x14000000, true);
  dv.setBigUint64(16, 0x10000n, true);
  dv.setBigUint64(24, 0xan, true);
  dv.setUint32(56, 0x644d5241, true);
  return b;
}

describe.skipIf(!haveQemuSystem)('cross-check with QEMU virt (skipped without qemu-system-aarch64 and dtc)', () => {
  const qemuDts = (dir: string, machine: string, extra: string[]): string => {
    const out = join(dir, `qemu-${machine.replace(/\W/g, '_')}.dtb`);
    execFileSync('qemu-system-aarch64', ['-M', `virt,gic-version=3,${machine},dumpdtb=${out}`, '-cpu', 'cortex-a57', '-m', '256', '-nographic', '-nic', 'none', ...extra], {
      stdio: 'ignore',
    });
    return dtcDecompile(dir, readFileSync(out), 'qemu.dtb');
  };

  it('EL2 board, kernel, initrd and command line: same nodes, compatibles, reg, interrupts and /chosen', () => {
    withDir((dir) => {
      const kernel = fakeImage();
      const initrd = new Uint8Array(12345).fill(0x78);
      writeFileSync(join(dir, 'Image'), kernel);
      writeFileSync(join(dir, 'initrd'), initrd);
      const append = 'console=ttyAMA0 earlycon quiet';
      const qemu = parseDts(qemuDts(dir, 'virtualization=on', ['-kernel', join(dir, 'Image'), '-initrd', join(dir, 'initrd'), '-append', append]));
      const plan = planBoot({ kernel, initrd }, { base: 0x4000_0000, size: 256 * MiB }, { board: BOARD, cmdline: append });
      const ours = parseDts(dtcDecompile(dir, plan.dtb!.bytes));
      expect(qemu.get('/chosen')!.get('linux,initrd-start')).toBe('<0x48000000>'); // QEMU placed it where we did
      crossCheck(ours, qemu);
    });
  });
  it('board without EL2 (virtualization=off): PSCI over HVC, no maintenance interrupt', () => {
    withDir((dir) => {
      const qemu = parseDts(qemuDts(dir, 'virtualization=off', []));
      crossCheck(parseDts(dtcDecompile(dir, buildDtb({ ...BOARD, el2: false }))), qemu);
    });
  });
  it('virtio-mmio slots we create are QEMU\'s nodes', () => {
    withDir((dir) => {
      const qemu = parseDts(qemuDts(dir, 'virtualization=on', []));
      const ours = parseDts(dtcDecompile(dir, buildDtb({ ...BOARD, virtio: [0, 7, 31] })));
      for (const slot of ['a000000', 'a000e00', 'a003e00']) expect(ours.get(`/virtio_mmio@${slot}`)).toEqual(qemu.get(`/virtio_mmio@${slot}`));
    });
  });
});

describe('a DTB given with --dtb', () => {
  const RAM = { base: 0x4000_0000, size: 128 * MiB };
  const kernel = fakeImage();
  it('is refused with a clear error when malformed', () => {
    const bad = good();
    new DataView(bad.buffer).setUint32(readHeader(bad).offDtStruct, 7);
    expect(() => planBoot({ kernel, dtb: bad }, RAM)).toThrow(ImageError);
    expect(() => planBoot({ kernel, dtb: bad }, RAM)).toThrow(/^DTB is malformed: unknown token 0x7 at offset \d+ of the structure block$/);
  });
  it('gets /chosen bootargs and the initrd range patched in, the rest untouched', () => {
    const user = writeFdt(node('', { model: str('mine') }, [node('chosen', { bootargs: str('old'), 'stdout-path': str('serial0') })]));
    const plan = planBoot({ kernel, dtb: user, initrd: new Uint8Array(100) }, RAM, { cmdline: 'new args' });
    expect(plan.dtb!.source).toBe('given');
    expect(plan.dtb!.patched).toEqual(['bootargs', 'linux,initrd-start', 'linux,initrd-end']);
    const t = readFdt(plan.dtb!.bytes).root;
    expect(readString(prop(t, '/chosen', 'bootargs'))).toBe('new args');
    expect(readString(prop(t, '/chosen', 'stdout-path'))).toBe('serial0');
    expect(readCells(prop(t, '/chosen', 'linux,initrd-start'))).toEqual([0x4400_0000]);
    expect(readCells(prop(t, '/chosen', 'linux,initrd-end'))).toEqual([0x4400_0064]);
    expect(readString(prop(t, '/', 'model'))).toBe('mine');
  });
  it('creates /chosen if it has none, and is passed byte for byte when there is nothing to patch', () => {
    const user = writeFdt(node('', { model: str('mine') }));
    const patched = planBoot({ kernel, dtb: user }, RAM, { cmdline: 'x' });
    expect(readString(prop(readFdt(patched.dtb!.bytes).root, '/chosen', 'bootargs'))).toBe('x');
    const asIs = planBoot({ kernel, dtb: user }, RAM, { cmdline: '' });
    expect(asIs.dtb!.bytes).toEqual(user);
    expect(asIs.dtb!.patched).toEqual([]);
  });
});
