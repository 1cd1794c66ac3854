// Layout of the wasm core's linear memory.
//
// This one file is imported by the AssemblyScript core AND by the TypeScript host, so the two
// sides can never disagree about an offset. It must therefore contain only `export const NAME =
// <integer literal>;` lines: AssemblyScript infers i32 for them, TypeScript infers number.
//
//   0x0000_0000  AssemblyScript static data and shadow stack (small; the core never allocates)
//   0x0010_0000  CPU state block (STATE_*)          -- what a snapshot copies for the CPU
//   0x0012_0000  decode cache (DCACHE_*)            -- derived data, never saved
//   0x0100_0000  guest RAM (RAM_OFFSET), sized at machine creation
//
// Everything the CPU is (registers, PSTATE, system registers, the exclusive monitor, counters) lives
// in the state block, so the UI can read it while the core runs and a snapshot is a byte copy.

export const STATE_BASE = 0x100000;
export const STATE_SIZE = 0x10000;

// ---- General-purpose registers and PSTATE -------------------------------------------------
// X0..X30 at STATE_BASE + 8*n. Slot 31 holds the *current* stack pointer: SP_EL0 when
// PSTATE.SP == 0, otherwise SP_ELx of the current EL. The banked copies below are only up to date
// after the core has flushed (every run() exit does).
export const OFF_X = 0x000;
export const OFF_PC = 0x100;
export const OFF_NZCV = 0x108; // u32: N,Z,C,V in bits 31..28, as in the NZCV register
export const OFF_EL = 0x10c; // u32: PSTATE.EL (0, 1 or 2; there is no EL3)
export const OFF_SPSEL = 0x110; // u32: PSTATE.SP
export const OFF_DAIF = 0x114; // u32: D,A,I,F in bits 9..6, as in the DAIF register
export const OFF_SP_EL0 = 0x118;
export const OFF_SP_EL1 = 0x120;
export const OFF_SP_EL2 = 0x128;
export const OFF_PSTATE_SS = 0x130; // u32: PSTATE.SS
export const OFF_PSTATE_IL = 0x134; // u32: PSTATE.IL

// ---- Run control and counters --------------------------------------------------------------
export const OFF_INSN_COUNT = 0x140; // u64: instructions retired since reset
export const OFF_EXIT_REASON = 0x148; // u32: why run() returned (EXIT_*)
export const OFF_STOP_REQUEST = 0x14c; // u32: host sets non-zero (from an MMIO/PSCI callback) to end run()
export const OFF_MMIO_HI = 0x150; // u32: high half of a 64-bit MMIO value crossing the boundary
export const OFF_MMIO_STATUS = 0x154; // u32: host sets 1 when no device answered (external abort)
export const OFF_UNIMPL_COUNT = 0x158; // u64: unimplemented encodings/registers hit so far
export const OFF_EXC_COUNT = 0x160; // u64: exceptions taken
export const OFF_BREAK_ENABLED = 0x170; // u32: how many entries of OFF_BREAK_TABLE are set (0 = none)
export const OFF_BREAK_TABLE = 0x600; // u64 x BREAK_MAX: PC breakpoints
export const BREAK_MAX = 8;
export const OFF_HOST_ALARM = 0x178; // u64: icount at which run() returns EXIT_HOST_ALARM (device timers); 0 = none

// ---- Machine configuration (written by the host before reset) ------------------------------
export const OFF_CFG_RAM_BASE = 0x180; // u64: guest-physical address of RAM
export const OFF_CFG_RAM_SIZE = 0x188; // u64: bytes
export const OFF_CFG_HAVE_EL2 = 0x190; // u32: 1 if EL2 is implemented
export const OFF_CFG_PSCI = 0x194; // u32: PSCI conduit handled by the machine (PSCI_*)
export const OFF_CFG_USER_MODE = 0x198; // u32: 1 = user-mode emulation (like qemu-aarch64)
export const OFF_CFG_CNT_SHIFT = 0x19c; // u32: counter ticks = instructions >> shift (0 = 1:1)

// ---- Exclusive monitor (the local monitor of LDXR/STXR) ------------------------------------
export const OFF_EXCL_ADDR = 0x1a0; // u64: physical address marked exclusive
export const OFF_EXCL_SIZE = 0x1a8; // u32: bytes covered
export const OFF_EXCL_VALID = 0x1ac; // u32: 1 while the monitor is in the Exclusive Access state

// ---- Idling in real time --------------------------------------------------------------------
export const OFF_CFG_PACED = 0x1b0; // u32: 1 = WFI with a timer armed returns to the host (real-time pacing)
export const OFF_WAIT_UNTIL = 0x1b8; // u64: with EXIT_WFI, the clock value the wait would end at (0 = none)

// ---- The trap trail: every exception entry and return, for the UI (src/core/trail.ts) ----------
export const OFF_TRAIL_HEAD = 0x1c4; // u32: entries ever written; entry i lives at i % TRAIL_CAP
export const OFF_TRAIL_BREAK = 0x1c8; // u32: pause-on-match mask, bit (kind * 4 + target EL) (TRAIL_*)
export const TRAIL_BASE = 0x240000;
export const TRAIL_CAP = 4096; // a power of two
export const TRAIL_ENTRY = 64;
// Entry: +0 u64 clock, +8 u8 kind, +9 u8 from EL, +10 u8 to EL, +11 u8 flags (TRAIL_F_*), +12 u32 INTID
// (interrupts; 0xffffffff if none), +16 u64 ESR, +24 u64 ELR (for a return: the address returned to),
// +32 u64 FAR, +40 u64 HPFAR_EL2, +48 u64 PC of the instruction it happened at, +56 u64 X8 at that time.
export const TRAIL_SYNC = 0;
export const TRAIL_IRQ = 1;
export const TRAIL_FIQ = 2;
export const TRAIL_SERROR = 3;
export const TRAIL_ERET = 4;
export const TRAIL_F_VIRTUAL = 1; // a virtual interrupt (from a list register or HCR_EL2.VI/VF/VSE)
export const TRAIL_F_ILLEGAL = 2; // an illegal exception return
export const TRAIL_F_FAR = 4; // FAR is valid

// ---- Dirty-page log (live migration) ---------------------------------------------------------
export const OFF_DIRTY_TRACK = 0x1cc; // u32: 1 while writes to RAM are being logged
// One bit per 4 KiB RAM page, set by the first guest write to the page after dirtyReset() (mem.ts):
// while logging, a TLB entry gets its write tag only once its page is marked, so later writes run at
// full speed and the log costs one check per TLB fill.
export const DIRTY_BASE = 0x280000;
export const DIRTY_SIZE = 0x20000; // bits for 4 GiB of RAM

// ---- Event log: a ring the host drains after run() ----------------------------------------
// Each entry is 16 bytes: u32 kind (EV_*), u32 data (instruction word, register key, ...), u64 pc.
export const OFF_LOG_HEAD = 0x1c0; // u32: total entries ever written; entry i lives at i % LOG_CAP
export const OFF_LOG = 0x200;
export const LOG_CAP = 64;
export const LOG_ENTRY = 16;

// ---- System registers: one u64 slot each at OFF_SYSREGS + 8*SR_* ------------------------------
export const OFF_SYSREGS = 0x800;
export const SR_SCTLR_EL1 = 0;
export const SR_VBAR_EL1 = 1;
export const SR_ESR_EL1 = 2;
export const SR_ELR_EL1 = 3;
export const SR_SPSR_EL1 = 4;
export const SR_FAR_EL1 = 5;
export const SR_TPIDR_EL0 = 6;
export const SR_TPIDRRO_EL0 = 7;
export const SR_TPIDR_EL1 = 8;
export const SR_CPACR_EL1 = 9;
export const SR_TCR_EL1 = 10;
export const SR_TTBR0_EL1 = 11;
export const SR_TTBR1_EL1 = 12;
export const SR_MAIR_EL1 = 13;
export const SR_CONTEXTIDR_EL1 = 14;
export const SR_CNTKCTL_EL1 = 15;
export const SR_PAR_EL1 = 16;
export const SR_AMAIR_EL1 = 17;
export const SR_AFSR0_EL1 = 18;
export const SR_AFSR1_EL1 = 19;
export const SR_MDSCR_EL1 = 20;
export const SR_CSSELR_EL1 = 21;
// The generic timer (timer.ts): control (ENABLE, IMASK; ISTATUS is computed) and compare value of the
// EL1 physical, virtual and EL2 physical timers.
export const SR_CNTP_CTL_EL0 = 22;
export const SR_CNTP_CVAL_EL0 = 23;
export const SR_CNTV_CTL_EL0 = 24;
export const SR_CNTV_CVAL_EL0 = 25;
export const SR_CNTHP_CTL_EL2 = 26;
export const SR_CNTHP_CVAL_EL2 = 27;
export const SR_SCTLR_EL2 = 32;
export const SR_VBAR_EL2 = 33;
export const SR_ESR_EL2 = 34;
export const SR_ELR_EL2 = 35;
export const SR_SPSR_EL2 = 36;
export const SR_FAR_EL2 = 37;
export const SR_HPFAR_EL2 = 38;
export const SR_HCR_EL2 = 39;
export const SR_TPIDR_EL2 = 40;
export const SR_CPTR_EL2 = 41;
export const SR_CNTHCTL_EL2 = 42;
export const SR_CNTVOFF_EL2 = 43;
export const SR_VPIDR_EL2 = 44;
export const SR_VMPIDR_EL2 = 45;
export const SR_TCR_EL2 = 46;
export const SR_TTBR0_EL2 = 47;
export const SR_MAIR_EL2 = 48;
export const SR_VTCR_EL2 = 49;
export const SR_VTTBR_EL2 = 50;
export const SR_MDCR_EL2 = 51;
export const SR_HSTR_EL2 = 52;
export const SR_ACTLR_EL1 = 53;
export const SR_ACTLR_EL2 = 54;
export const SR_AMAIR_EL2 = 55;
export const SR_AFSR0_EL2 = 56;
export const SR_AFSR1_EL2 = 57;
export const SR_CNTFRQ_EL0 = 64;
export const SR_MIDR_EL1 = 65;
export const SR_MPIDR_EL1 = 66;
export const SR_SPSR_IRQ = 67;
export const SR_SPSR_ABT = 68;
export const SR_SPSR_UND = 69;
export const SR_SPSR_FIQ = 70;
export const SR_DBG_BASE = 80; // 16 slots: DBGBVR0..5, DBGBCR0..5, DBGWVR0..3 ... (storage only)
export const SR_COUNT = 128;

// ---- SIMD&FP registers ----------------------------------------------------------------------------
// V0..V31, 16 bytes each, little-endian: byte 0 of Vn is the lowest byte of Bn/Hn/Sn/Dn/Qn and lane 0.
export const OFF_V = 0xc00;
export const OFF_FPCR = 0xe00; // u32
export const OFF_FPSR = 0xe04; // u32

// ---- Decode cache ------------------------------------------------------------------------------
// Direct-mapped, keyed by the instruction word itself: an entry is (u32 word, u32 op). Because
// the key is the encoding, entries never go stale, whatever the guest writes to memory.
export const DCACHE_BASE = 0x120000;
export const DCACHE_ENTRIES = 65536;

// ---- TLB ---------------------------------------------------------------------------------------
// A software TLB per translation regime as seen from one EL (EL0, EL1, EL2: the same mapping has
// different permissions at EL0 and EL1), direct-mapped on the 4 KiB virtual page. Each entry caches
// the result of the whole translation (stage 1 and stage 2) of one 4 KiB page: tags for read, write
// and execute (the page's VA when that access is permitted, else TLB_TAG_INVALID), the addend that
// turns the VA into a RAM offset, the physical page and flags. Derived data: never saved, flushed
// whenever a register that affects translation is written, and by every TLBI.
export const TLB_BASE = 0x200000;
export const TLB_ENTRIES = 1024; // per regime
export const TLB_ENTRY = 64;
export const TLB_REGIME_SIZE = 0x10000; // TLB_ENTRIES * TLB_ENTRY
export const TLB_REGIMES = 3;

// ---- GICv3 (src/core/gic*.ts) -------------------------------------------------------------------
// The interrupt controller's architectural state: distributor, one redistributor and one CPU
// interface (with its ICH_* virtualization controls) per CPU. Saved with the CPU in a snapshot;
// gicLines is derived from it (gicUpdate() recomputes it). Offsets are from GIC_BASE.
export const GIC_BASE = 0x1a0000;
export const GIC_SIZE = 0x10000;
export const GIC_NCPU_MAX = 8;
export const GIC_NUM_INTIDS = 288; // SGIs, PPIs and 256 SPIs, like QEMU's virt board
// Distributor. Bitmaps are 9 u32 words, word w covering INTIDs 32w..32w+31; word 0 (SGIs and PPIs)
// is unused here because those live in each CPU's redistributor (affinity routing is always on).
export const GIC_D_CTLR = 0x000; // u32 GICD_CTLR
export const GIC_NCPU = 0x004; // u32: CPUs with a redistributor (1 today)
export const GIC_D_GROUP = 0x080; // GICD_IGROUPR: 1 = Group 1
export const GIC_D_ENABLE = 0x0c0;
export const GIC_D_PEND = 0x100; // the pending latch (software writes, edges); level inputs add to it
export const GIC_D_ACTIVE = 0x140;
export const GIC_D_LEVEL = 0x180; // input line levels
export const GIC_D_EDGE = 0x1c0; // 1 = edge-triggered (GICD_ICFGR)
export const GIC_D_PRIO = 0x200; // u8 per INTID (GICD_IPRIORITYR)
export const GIC_D_ROUTE = 0x400; // u64 per INTID (GICD_IROUTER)
// Redistributor of CPU n at GIC_R_BASE + n * GIC_R_STRIDE: SGI/PPI state in the same order as above.
export const GIC_R_BASE = 0x1000;
export const GIC_R_STRIDE = 0x100;
export const GIC_R_WAKER = 0x00;
export const GIC_R_GROUP = 0x04;
export const GIC_R_ENABLE = 0x08;
export const GIC_R_PEND = 0x0c;
export const GIC_R_ACTIVE = 0x10;
export const GIC_R_LEVEL = 0x14;
export const GIC_R_EDGE = 0x18;
export const GIC_R_PRIO = 0x20; // u8 x 32
// CPU interface of CPU n at GIC_C_BASE + n * GIC_C_STRIDE (all u32 but the list registers).
export const GIC_C_BASE = 0x2000;
export const GIC_C_STRIDE = 0x100;
export const GIC_C_PMR = 0x00;
export const GIC_C_BPR0 = 0x04;
export const GIC_C_BPR1 = 0x08;
export const GIC_C_CTLR = 0x0c; // EOImode and CBPR
export const GIC_C_IGRPEN0 = 0x10;
export const GIC_C_IGRPEN1 = 0x14;
export const GIC_C_AP0R0 = 0x18;
export const GIC_C_AP1R0 = 0x1c;
export const GIC_C_SRE_EL2 = 0x20; // the writable bit (Enable) of ICC_SRE_EL2
export const GIC_H_HCR = 0x40; // ICH_HCR_EL2
export const GIC_H_VMCR = 0x44; // ICH_VMCR_EL2
export const GIC_H_AP0R0 = 0x48;
export const GIC_H_AP1R0 = 0x4c;
export const GIC_H_LR = 0x80; // u64 x 16 (ICH_LR<n>_EL2; 4 implemented)

// ---- Guest RAM ---------------------------------------------------------------------------------
export const RAM_OFFSET = 0x1000000;
export const WASM_PAGE = 65536;

// ---- Values ------------------------------------------------------------------------------------
export const EXIT_BUDGET = 0; // the instruction budget is spent
export const EXIT_SHUTDOWN = 1; // PSCI SYSTEM_OFF (or the host asked to stop after powering off)
export const EXIT_RESET = 2; // PSCI SYSTEM_RESET
export const EXIT_WFI = 3; // WFI with nothing to wake it: the host may fast-forward time
export const EXIT_BREAKPOINT = 4; // PC reached one of the OFF_BREAK_TABLE addresses
export const EXIT_USER_SVC = 5; // user mode: an SVC for the host to emulate
export const EXIT_HOST_STOP = 6; // the host set OFF_STOP_REQUEST from a callback
export const EXIT_USER_FAULT = 7; // user mode: an exception a Linux process would die of
export const EXIT_EXCEPTION_LOOP = 8; // a synchronous exception re-entered the vector that raised it
export const EXIT_HOST_ALARM = 9; // the clock reached OFF_HOST_ALARM: the host updates its timed devices
export const EXIT_TRAIL_MATCH = 10; // an exception or return matched OFF_TRAIL_BREAK (pause-on-match)

export const PSCI_NONE = 0;
export const PSCI_SMC = 1;
export const PSCI_HVC = 2;

export const EV_UNIMPL_INSN = 1; // data = instruction word
export const EV_UNIMPL_SYSREG = 2; // data = (read ? 1<<31 : 0) | op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2
export const EV_EXCEPTION = 3; // data = target EL << 28 | ESR.EC << 16 | low ISS bits
export const EV_ERET = 4; // data = target EL
