// The EL1 exception vector table and the two "downward" transitions (EL2 -> EL1, EL1 -> EL0).
//
// A vector table has 16 entries of 0x80 bytes (32 instructions) each, and VBAR_EL1 must be 2 KiB
// aligned. The entry used depends on where the exception came from and what kind it is:
//
//   offset  from                                  sync   IRQ    FIQ    SError
//   0x000   current EL, using SP_EL0  (EL1t)      0      1      2      3
//   0x200   current EL, using SP_ELx  (EL1h)      4      5      6      7
//   0x400   lower EL running AArch64  (EL0 here)  8      9      10     11
//   0x600   lower EL running AArch32              12     13     14     15
//
// Every entry does the same thing: make room for a trap frame, save x0/x1, put its own index in
// x0 and branch to common code, which saves the remaining registers plus ELR/SPSR/ESR and calls
// the C function el1_trap(index, frame). On return the (possibly modified) frame is restored and
// ERET goes back to wherever ELR_EL1/SPSR_EL1 now point.

// struct trap_frame in exceptions.c must match this layout.
#define FRAME_SIZE  272         // 31 GPRs + ELR + SPSR + ESR = 34 * 8 bytes (a multiple of 16)
#define FRAME_ELR   248
#define FRAME_SPSR  256
#define FRAME_ESR   264

    .text

.macro ventry index
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x0, #\index
    b       el1_trap_common
.endm

    .balign 2048
    .global el1_vectors
el1_vectors:
    ventry 0
    ventry 1
    ventry 2
    ventry 3
    ventry 4
    ventry 5
    ventry 6
    ventry 7
    ventry 8
    ventry 9
    ventry 10
    ventry 11
    ventry 12
    ventry 13
    ventry 14
    ventry 15

el1_trap_common:
    // x0 and x1 are already saved; x0 now holds the vector index.
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    // ELR_EL1: where to return (for SVC: the next instruction; for a fault: the faulting one).
    // SPSR_EL1: the PSTATE of the interrupted code (its EL, flags, masks).
    // ESR_EL1: the syndrome, i.e. why we are here.
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #FRAME_ELR]
    mrs     x2, esr_el1
    str     x2, [sp, #FRAME_ESR]

    mov     x1, sp
    bl      el1_trap

    // The handler may have changed frame->elr (to skip an instruction) or any saved register
    // (to return a system call result in x0). Restore everything from the frame.
    ldp     x2, x3, [sp, #FRAME_ELR]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    add     sp, sp, #FRAME_SIZE
    eret

// void enter_el1(void (*fn)(void), u64 sp_el1)  -- called at EL2, never returns.
//
// An exception return is the only way down to a lower EL: we fake the state an exception from EL1
// would have left behind and "return" to it.
    .global enter_el1
enter_el1:
    // HCR_EL2.RW (bit 31) = 1: EL1 runs in AArch64 state. Every other bit 0: no stage-2
    // translation and no traps, so EL1 owns the machine as if there were no hypervisor.
    mov     x2, #(1 << 31)
    msr     hcr_el2, x2
    // EL1's stack pointer is a separate banked register; EL2 can set it directly.
    msr     sp_el1, x1
    // Where ERET jumps to.
    msr     elr_el2, x0
    // SPSR_EL2: the PSTATE to restore. M[3:0] = 0b0101 = EL1h (EL1 using SP_EL1) and
    // D, A, I, F (bits 9..6) set = all interrupts masked.
    mov     x2, #0x3c5
    msr     spsr_el2, x2
    isb
    eret

// void enter_el0(void (*fn)(void), u64 sp_el0)  -- called at EL1, never returns.
    .global enter_el0
enter_el0:
    msr     sp_el0, x1
    msr     elr_el1, x0
    // SPSR_EL1: M[3:0] = 0b0000 = EL0t (EL0 always uses SP_EL0), flags and masks clear. No
    // interrupt source is enabled in this demo, so unmasking is harmless.
    msr     spsr_el1, xzr
    isb
    eret
