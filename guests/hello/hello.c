// hello: the smallest useful guest. It says hello on the PL011 console, tells which exception
// level the boot loader started it at (EL2 with virtualization on, EL1 without), and returns;
// start.S then powers the machine off through PSCI.
#include "../common/armlab.h"

int main(void)
{
    uart_puts("Hello from ArmLab!\n");
    uart_puts("Started at EL");
    uart_dec(boot_el);
    uart_puts(boot_el == 2 ? " (hypervisor level)\n" : " (kernel level)\n");
    uart_puts("Powering off via PSCI SYSTEM_OFF (");
    uart_puts(boot_el == 2 ? "SMC" : "HVC");
    uart_puts(")\n");
    return 0;
}
