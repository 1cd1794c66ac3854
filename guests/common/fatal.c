// Reports an unexpected exception and powers off. See fatal.S.
#include "armlab.h"

extern char fatal_vectors[];

void install_fatal_vectors(void)
{
    if (current_el() == 2)
        WRITE_SYSREG(vbar_el2, (u64)fatal_vectors);
    else
        WRITE_SYSREG(vbar_el1, (u64)fatal_vectors);
    ISB();
}

__attribute__((noreturn)) void fatal_trap(u64 index)
{
    u64 esr, elr, far;
    if (current_el() == 2) {
        esr = READ_SYSREG(esr_el2);
        elr = READ_SYSREG(elr_el2);
        far = READ_SYSREG(far_el2);
    } else {
        esr = READ_SYSREG(esr_el1);
        elr = READ_SYSREG(elr_el1);
        far = READ_SYSREG(far_el1);
    }
    uart_puts("\nunexpected exception: vector ");
    uart_dec(index);
    uart_puts(" EC=");
    uart_hex((esr >> 26) & 0x3f, 2);
    uart_puts(" ESR=");
    uart_hex(esr, 8);
    uart_puts(" ELR=");
    uart_hex64(elr);
    uart_puts(" FAR=");
    uart_hex64(far);
    uart_puts("\n");
    psci_system_off();
}
