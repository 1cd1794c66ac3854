// The "virt" board's device tree, generated from the machine configuration.
//
// The nodes, names, compatibles, reg and interrupt specifiers are those QEMU's virt machine
// generates (hw/arm/virt.c's device-tree output, compared node by node in tests/unit/fdt.test.ts),
// so a kernel that boots on `qemu-system-aarch64 -M virt,gic-version=3` finds the same hardware
// here. The differences, all deliberate, are listed in docs/board.md.
//
// Interrupt specifiers follow the GICv3 binding (#interrupt-cells = 3): <type number flags>, where
// type 0 = SPI (number = INTID - 32) and 1 = PPI (number = INTID - 16); flags 4 = level-high,
// 1 = edge-rising. With GICv3 the PPI specifier carries no CPU mask (that is a GICv2 notion).
import { addChild, cells, empty, findNode, node, reg, setProp, str, strList, u64s, writeFdt, type FdtNode, type PropValue } from './fdt';

// ---- The memory map (QEMU's virt; REFERENCE.md) ----------------------------------------------------
export const VIRT = {
  gicd: { base: 0x0800_0000, size: 0x1_0000 },
  /** One redistributor per CPU: an RD_base and an SGI_base frame of 64 KiB each. */
  gicr: { base: 0x080a_0000, sizePerCpu: 0x2_0000 },
  uart: { base: 0x0900_0000, size: 0x1000, spi: 1 },
  rtc: { base: 0x0901_0000, size: 0x1000, spi: 2 },
  virtio: { base: 0x0a00_0000, stride: 0x200, slots: 32, firstSpi: 16 },
  ram: { base: 0x4000_0000 },
} as const;

/** The GICv3 maintenance interrupt (PPI 9, INTID 25), signalled to EL2. */
export const GIC_MAINTENANCE_PPI = 9;
/**
 * Generic timer PPIs in the order the arm,armv8-timer binding lists them: secure EL1 physical (13),
 * non-secure EL1 physical (14), virtual (11), EL2 physical (10).
 */
export const TIMER_PPIS = [13, 14, 11, 10] as const;
/** The APB clock that the PrimeCell drivers (PL011, PL031) want to see before they probe. */
export const APB_PCLK_HZ = 24_000_000;

const GIC_SPI = 0;
const GIC_PPI = 1;
const IRQ_TYPE_EDGE_RISING = 1;
const IRQ_TYPE_LEVEL_HIGH = 4;

// PSCI 0.1 function IDs (SMC32/SMC64 as QEMU gives them): kept for kernels that predate PSCI 0.2's
// standard IDs; newer ones use the "arm,psci-0.2" compatible and ignore these.
const PSCI_0_1 = { cpu_suspend: 0xc400_0001, cpu_off: 0x8400_0002, cpu_on: 0xc400_0003, migrate: 0xc400_0005 };

export interface BoardConfig {
  ramBase: number;
  /** RAM size in bytes. */
  ramSize: number;
  /** Number of CPUs (the device tree lists them; MPIDRs from mpidrAffinity()). */
  cpus: number;
  /** Whether the CPU has EL2: decides the PSCI conduit ("smc" with EL2, "hvc" without) and whether
   *  the GIC's maintenance interrupt is described. */
  el2: boolean;
  /** virtio-mmio slots (0..31) that have a device behind them; only those get a node. */
  virtio?: readonly number[];
}

/** What a boot loader writes into /chosen. */
export interface ChosenConfig {
  bootargs?: string;
  /** The initrd's physical range, end exclusive. */
  initrd?: { start: number; end: number };
}

/** The virt board as the machine builds it: RAM at 0x4000_0000 of `ramSize` bytes. */
export function virtBoard(ramSize: number, el2: boolean, cpus = 1): BoardConfig {
  return { ramBase: VIRT.ram.base, ramSize, cpus, el2 };
}

/**
 * The affinity fields of CPU `index`'s MPIDR_EL1 (Aff2.Aff1.Aff0), which is also its `reg` in
 * /cpus. As on QEMU's virt board with GICv3: 16 CPUs per cluster (Aff0 0..15), clusters in Aff1.
 */
export function mpidrAffinity(index: number): number {
  return ((Math.floor(index / 16) & 0xff) << 8) | index % 16;
}

const irq = (type: number, num: number, flags: number): number[] => [type, num, flags];

/** A `/chosen` address property: one cell when it fits in 32 bits (as QEMU writes it), else two. */
function addressValue(a: number): PropValue {
  return a <= 0xffff_ffff ? cells(a) : u64s(a);
}

const hexName = (base: number): string => base.toString(16);

/** The board's device tree as a node tree (see buildDtb for the blob). */
export function buildDeviceTree(board: BoardConfig, chosen: ChosenConfig = {}): FdtNode {
  if (!Number.isInteger(board.cpus) || board.cpus < 1 || board.cpus > 123) throw new RangeError(`the board takes 1..123 CPUs, not ${board.cpus}`);
  // Phandles: small fixed numbers; nothing depends on their values.
  const PH_CLK = 1;
  const PH_GIC = 2;

  const uart = `pl011@${hexName(VIRT.uart.base)}`;

  const cpus = node('cpus', { '#address-cells': cells(1), '#size-cells': cells(0) });
  for (let i = 0; i < board.cpus; i++) {
    const aff = mpidrAffinity(i);
    cpus.children.push(
      node(`cpu@${hexName(aff)}`, {
        device_type: str('cpu'),
        // Not a real core (implementer-0 MIDR), so the generic ARMv8 compatible, not "arm,cortex-a57".
        compatible: str('arm,armv8'),
        reg: cells(aff),
        'enable-method': str('psci'),
      }),
    );
  }

  const gicProps: Record<string, PropValue> = {
    compatible: str('arm,gic-v3'),
    '#interrupt-cells': cells(3),
    'interrupt-controller': empty(),
    '#redistributor-regions': cells(1),
    // An interrupt provider states #address-cells (interrupt-map parents use it; dtc checks it).
    // QEMU gives 2/2 and an empty ranges for its ITS child; we keep the same for an identical node.
    '#address-cells': cells(2),
    '#size-cells': cells(2),
    ranges: empty(),
    reg: reg([VIRT.gicd.base, VIRT.gicd.size], [VIRT.gicr.base, VIRT.gicr.sizePerCpu * board.cpus]),
  };
  // The maintenance interrupt is a virtualization feature: described only when EL2 exists (as QEMU).
  if (board.el2) gicProps.interrupts = cells(...irq(GIC_PPI, GIC_MAINTENANCE_PPI, IRQ_TYPE_LEVEL_HIGH));
  gicProps.phandle = cells(PH_GIC);

  const children: FdtNode[] = [
    node('psci', {
      compatible: strList('arm,psci-1.0', 'arm,psci-0.2', 'arm,psci'),
      method: str(board.el2 ? 'smc' : 'hvc'),
      cpu_suspend: cells(PSCI_0_1.cpu_suspend),
      cpu_off: cells(PSCI_0_1.cpu_off),
      cpu_on: cells(PSCI_0_1.cpu_on),
      migrate: cells(PSCI_0_1.migrate),
    }),
    node(`memory@${hexName(board.ramBase)}`, { device_type: str('memory'), reg: reg([board.ramBase, board.ramSize]) }),
    cpus,
    node('timer', {
      compatible: strList('arm,armv8-timer', 'arm,armv7-timer'),
      interrupts: cells(...TIMER_PPIS.flatMap((ppi) => irq(GIC_PPI, ppi, IRQ_TYPE_LEVEL_HIGH))),
      // The counter keeps counting in every power state we have (there are none): Linux may use it
      // as its only clocksource without a broadcast timer.
      'always-on': empty(),
    }),
    node(`intc@${hexName(VIRT.gicd.base)}`, gicProps),
    node('apb-pclk', {
      compatible: str('fixed-clock'),
      '#clock-cells': cells(0),
      'clock-frequency': cells(APB_PCLK_HZ),
      'clock-output-names': str('clk24mhz'),
      phandle: cells(PH_CLK),
    }),
    node(uart, {
      compatible: strList('arm,pl011', 'arm,primecell'),
      reg: reg([VIRT.uart.base, VIRT.uart.size]),
      interrupts: cells(...irq(GIC_SPI, VIRT.uart.spi, IRQ_TYPE_LEVEL_HIGH)),
      clocks: cells(PH_CLK, PH_CLK),
      'clock-names': strList('uartclk', 'apb_pclk'),
    }),
    node(`pl031@${hexName(VIRT.rtc.base)}`, {
      compatible: strList('arm,pl031', 'arm,primecell'),
      reg: reg([VIRT.rtc.base, VIRT.rtc.size]),
      interrupts: cells(...irq(GIC_SPI, VIRT.rtc.spi, IRQ_TYPE_LEVEL_HIGH)),
      clocks: cells(PH_CLK),
      'clock-names': str('apb_pclk'),
    }),
  ];

  const slots = [...new Set(board.virtio ?? [])].sort((a, b) => a - b);
  for (const slot of slots) {
    if (!Number.isInteger(slot) || slot < 0 || slot >= VIRT.virtio.slots) throw new RangeError(`virtio-mmio slot ${slot} is not 0..${VIRT.virtio.slots - 1}`);
    const base = VIRT.virtio.base + slot * VIRT.virtio.stride;
    children.push(
      node(`virtio_mmio@${hexName(base)}`, {
        compatible: str('virtio,mmio'),
        reg: reg([base, VIRT.virtio.stride]),
        interrupts: cells(...irq(GIC_SPI, VIRT.virtio.firstSpi + slot, IRQ_TYPE_EDGE_RISING)),
        'dma-coherent': empty(),
      }),
    );
  }

  children.push(node('aliases', { serial0: str(`/${uart}`) }));
  children.push(node('chosen', { 'stdout-path': str(`/${uart}`) }));

  const root = node(
    '',
    {
      compatible: str('linux,dummy-virt'),
      model: str('linux,dummy-virt'),
      '#address-cells': cells(2),
      '#size-cells': cells(2),
      'interrupt-parent': cells(PH_GIC),
    },
    children,
  );
  applyChosen(root, chosen);
  return root;
}

/**
 * Writes what the boot loader passes into /chosen (creating the node if need be): bootargs when
 * the command line is not empty, linux,initrd-start/end when there is an initrd. Other /chosen
 * properties are left alone. Returns the names of the properties it set.
 */
export function applyChosen(root: FdtNode, chosen: ChosenConfig): string[] {
  const set: [string, PropValue][] = [];
  if (chosen.bootargs) set.push(['bootargs', str(chosen.bootargs)]);
  if (chosen.initrd) {
    set.push(['linux,initrd-start', addressValue(chosen.initrd.start)]);
    set.push(['linux,initrd-end', addressValue(chosen.initrd.end)]);
  }
  if (set.length === 0) return [];
  const chosenNode = findNode(root, '/chosen') ?? addChild(root, node('chosen'));
  for (const [name, value] of set) setProp(chosenNode, name, value);
  return set.map(([name]) => name);
}

/** The board's device tree blob. */
export function buildDtb(board: BoardConfig, chosen: ChosenConfig = {}): Uint8Array {
  return writeFdt(buildDeviceTree(board, chosen));
}
