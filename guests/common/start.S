// Entry point of every bare-metal guest.
//
// A boot loader (QEMU's -kernel, or ArmLab's ELF loader) jumps here with the MMU off, at EL2 when
// the board has virtualization (EL2) enabled and at EL1 otherwise. No EL3 exists on this board.
// We do the least a C program needs: a stack, a zeroed .bss, then main(). When main returns we ask
// the firmware (PSCI) to power the machine off.

    .section .text.boot, "ax"
    .global _start
_start:
    // CurrentEL holds the exception level in bits [3:2]. Keep it in a callee-saved register
    // (x19) so it survives the .bss loop; it is published as `boot_el` below.
    mrs     x19, CurrentEL
    lsr     x19, x19, #2
    and     x19, x19, #3

    // Mask interrupts (they should already be masked at reset; we never want one here).
    msr     daifset, #0xf

    // The stack grows down from the symbol the linker script reserves above .bss. At reset the
    // CPU is in ELxh (SPSel = 1), so this sets SP_EL2 or SP_EL1.
    ldr     x0, =__stack_top
    mov     sp, x0

    // Zero .bss 8 bytes at a time (the linker script keeps both ends 16-byte aligned).
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    str     xzr, [x0], #8
    b       1b
2:
    // boot_el lives in .data (not .bss) only for clarity: it is written after the loop anyway.
    ldr     x0, =boot_el
    str     w19, [x0]

    bl      main

    // main returned: power off through PSCI. psci_system_off() does not return; if a broken
    // firmware lets it return, park the CPU.
    bl      psci_system_off
3:  wfi
    b       3b

    .data
    .balign 4
    .global boot_el
boot_el:
    .word   0
