// exceptions: a guided tour of AArch64 exception levels.
//
//   1. If the boot loader started us at EL2 (the hypervisor level), configure EL1 as AArch64 and
//      "return" to it with ERET.
//   2. At EL1 (the kernel level), point VBAR_EL1 at our vector table (vectors.S).
//   3. "Return" to EL0 (the user level) with ERET, running el0_main() on its own stack.
//   4. EL0 makes a system call, `svc #42`. The CPU switches to EL1, jumps to the vector at
//      VBAR_EL1 + 0x400 and records why in ESR_EL1: EC (exception class, bits 31..26) = 0x15
//      "SVC from AArch64" and ISS (bits 24..0) = the 16-bit immediate, 42. The handler prints that
//      and returns to EL0 with ERET, just after the SVC.
//   5. EL0 tries to read SCTLR_EL1, a register only EL1 and above may touch. The CPU refuses: the
//      instruction is UNDEFINED at EL0, taken to EL1 with EC = 0x00. The handler skips it.
//   6. EL0 asks to exit (`svc #0`); the EL1 handler powers the machine off via PSCI.
#include "../common/armlab.h"

/* Saved by vectors.S at every exception; the layout must match its FRAME_* offsets. */
struct trap_frame {
    u64 x[31];
    u64 elr;
    u64 spsr;
    u64 esr;
};

void enter_el1(void (*fn)(void), u64 sp_el1) __attribute__((noreturn));
void enter_el0(void (*fn)(void), u64 sp_el0) __attribute__((noreturn));
extern char el1_vectors[];

#define STACK_SIZE 16384
static u8 el1_stack[STACK_SIZE] __attribute__((aligned(16)));
static u8 el0_stack[STACK_SIZE] __attribute__((aligned(16)));

/* ESR_ELx fields (Arm ARM D17.2.37). */
#define ESR_EC(esr)  (((esr) >> 26) & 0x3f)
#define ESR_IL(esr)  (((esr) >> 25) & 1)
#define ESR_ISS(esr) ((esr) & 0x1ffffff)

static const char *ec_name(u32 ec)
{
    switch (ec) {
    case 0x00: return "Unknown reason";
    case 0x01: return "WFI/WFE";
    case 0x07: return "FP/SIMD access";
    case 0x0e: return "Illegal execution state";
    case 0x15: return "SVC from AArch64";
    case 0x16: return "HVC from AArch64";
    case 0x17: return "SMC from AArch64";
    case 0x18: return "MSR/MRS/system instruction";
    case 0x20: return "Instruction abort from a lower EL";
    case 0x21: return "Instruction abort from the same EL";
    case 0x22: return "PC alignment fault";
    case 0x24: return "Data abort from a lower EL";
    case 0x25: return "Data abort from the same EL";
    case 0x26: return "SP alignment fault";
    case 0x3c: return "BRK instruction";
    default:   return "other";
    }
}

/* ---------------------------------------------------------------- EL0 ---- */

/* A system call: the number is the SVC immediate, the argument and result travel in x0. */
#define SYSCALL(imm, arg) ({                                              \
    register u64 x0_ __asm__("x0") = (arg);                               \
    __asm__ volatile("svc #" #imm : "+r"(x0_) : : "memory");              \
    x0_; })

static void el0_main(void)
{
    /* With the MMU off there is no memory protection, so even EL0 can reach the UART. A real
     * kernel would map the device only for itself and offer a "write" system call instead. */
    uart_puts("EL0: hello from user space; calling svc #42 with x0 = 7\n");
    u64 r = SYSCALL(42, 7);
    uart_puts("EL0: back from the system call, x0 = ");
    uart_dec(r);
    uart_puts("\n");

    uart_puts("EL0: trying to read SCTLR_EL1 (EL1 only)...\n");
    u64 v = 0x5555;
    __asm__ volatile("mrs %0, sctlr_el1" : "+r"(v));
    uart_puts("EL0: still alive, the kernel skipped the instruction (x0 kept ");
    uart_hex64(v);
    uart_puts(")\n");

    uart_puts("EL0: exiting with svc #0\n");
    SYSCALL(0, 0);
    for (;;) { }   /* not reached: the exit call powers off */
}

/* ---------------------------------------------------------------- EL1 ---- */

static void print_exception(const struct trap_frame *f)
{
    u32 ec = ESR_EC(f->esr);
    uart_puts("exception: EC=");
    uart_hex(ec, 2);
    uart_puts(" (");
    uart_puts(ec_name(ec));
    uart_puts(") ISS=");
    uart_hex64(ESR_ISS(f->esr));
    /* SPSR_EL1.M[3:2] is the EL the exception came from. */
    uart_puts(" from EL");
    uart_dec((f->spsr >> 2) & 3);
    uart_puts("\n  ESR_EL1=");
    uart_hex(f->esr, 8);
    uart_puts(" IL=");
    uart_dec(ESR_IL(f->esr));
    uart_puts(" (32-bit instruction) ELR_EL1=");
    uart_hex64(f->elr);
    uart_puts("\n");
}

/* Called from vectors.S for every exception taken to EL1. */
void el1_trap(u64 index, struct trap_frame *f)
{
    if (index != 8) {
        /* Only synchronous exceptions from EL0 are expected; anything else is a bug here. */
        uart_puts("unexpected exception: vector ");
        uart_dec(index);
        uart_puts("\n");
        print_exception(f);
        psci_system_off();
    }
    print_exception(f);

    switch (ESR_EC(f->esr)) {
    case 0x15: {
        /* SVC: ELR_EL1 already points at the instruction after the SVC, so returning just
         * continues the program. ISS[15:0] is the immediate: our system call number. */
        u32 imm = ESR_ISS(f->esr) & 0xffff;
        if (imm == 42) {
            uart_puts("  system call 42: returning x0 * 6 in x0\n");
            f->x[0] = f->x[0] * 6;
            return;
        }
        if (imm == 0) {
            uart_puts("  system call 0: exit. Powering off via PSCI from EL1 (");
            uart_puts(boot_el == 2 ? "SMC" : "HVC");
            uart_puts(")\n");
            psci_system_off();
        }
        uart_puts("  unknown system call\n");
        return;
    }
    case 0x00: {
        /* UNDEFINED: ELR_EL1 points at the offending instruction itself. Returning to it would
         * fault again forever, so a kernel either kills the process or, as here, skips it. */
        u32 insn = *(const u32 *)f->elr;
        uart_puts("  the instruction at ELR_EL1 is ");
        uart_hex(insn, 8);
        uart_puts("; skipping it (ELR_EL1 += 4)\n");
        f->elr += 4;
        return;
    }
    default:
        uart_puts("  not handled: powering off\n");
        psci_system_off();
    }
}

static void el1_main(void)
{
    uart_puts("EL1: now running at EL");
    uart_dec(current_el());
    uart_puts("\n");

    /* SCTLR_EL1: keep the MMU and caches off and set only the RES1 bits, so nothing left over
     * from reset (such as alignment checking) surprises us. */
    WRITE_SYSREG(sctlr_el1, 0x30d00800ul);

    /* Install the vector table. From now on every exception to EL1 lands in vectors.S. */
    WRITE_SYSREG(vbar_el1, (u64)el1_vectors);
    ISB();
    uart_puts("EL1: VBAR_EL1 = ");
    uart_hex64(READ_SYSREG(vbar_el1));
    uart_puts(" (2 KiB aligned, 16 entries of 0x80 bytes)\n");

    uart_puts("EL1: ERET to EL0 (SPSR_EL1 = EL0t, ELR_EL1 = el0_main)\n");
    enter_el0(el0_main, (u64)(el0_stack + STACK_SIZE));
}

int main(void)
{
    uart_puts("Exceptions demo: started at EL");
    uart_dec(boot_el);
    uart_puts("\n");

    if (current_el() == 2) {
        uart_puts("EL2: setting HCR_EL2.RW=1 (EL1 is AArch64), SPSR_EL2 = EL1h, ERET to EL1\n");
        enter_el1(el1_main, (u64)(el1_stack + STACK_SIZE));
    }
    /* Started at EL1 (no virtualization): the stack start.S set up is already SP_EL1. */
    el1_main();
    return 0;
}
