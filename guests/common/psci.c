// PSCI (the Arm Power State Coordination Interface) through the SMC Calling Convention.
//
// The function id goes in x0, arguments in x1..x3, the result comes back in x0. Which instruction
// reaches the firmware (the "conduit") is a property of the board, advertised in the device tree's
// psci node: with EL2 present the firmware sits "above" EL2 and is reached with SMC; without EL2 the
// firmware plays the hypervisor's role and is reached with HVC. So we pick the conduit from the EL
// we were booted at, not from the EL we are running at now: a guest booted at EL2 that dropped to
// EL1 still uses SMC (exactly what Linux does), and an EL1-booted guest uses HVC.
#include "armlab.h"

u64 psci_call(u64 fn, u64 a1, u64 a2, u64 a3)
{
    register u64 x0 __asm__("x0") = fn;
    register u64 x1 __asm__("x1") = a1;
    register u64 x2 __asm__("x2") = a2;
    register u64 x3 __asm__("x3") = a3;
    if (boot_el == 2)
        __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    else
        __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return x0;
}

void psci_system_off(void)
{
    psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    /* SYSTEM_OFF never returns on a working firmware; if it did, stop here quietly. */
    for (;;) __asm__ volatile("wfi");
}
