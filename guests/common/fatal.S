// A vector table for guests that expect no exceptions at all (the self-check, the benchmark).
// Without one, VBAR_ELx is 0 at reset and a fault would send the CPU into an endless loop of
// instruction aborts at address 0x200; with it, the guest reports what happened and powers off.
// Every one of the 16 entries loads its index and calls fatal_trap(), which never returns.

    .text
.macro fentry index
    .balign 0x80
    mov     x0, #\index
    b       fatal_trap
.endm

    .balign 2048
    .global fatal_vectors
fatal_vectors:
    fentry 0
    fentry 1
    fentry 2
    fentry 3
    fentry 4
    fentry 5
    fentry 6
    fentry 7
    fentry 8
    fentry 9
    fentry 10
    fentry 11
    fentry 12
    fentry 13
    fentry 14
    fentry 15
