// Shared declarations for the bare-metal guests: fixed-size types, the PL011 console, PSCI and
// small helpers to read system registers. Everything here is freestanding C (no libc).
#ifndef ARMLAB_H
#define ARMLAB_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long s64;
typedef unsigned long usize;

/* The exception level the image was entered at (1 or 2), recorded by start.S. */
extern u32 boot_el;

/* Reads a system register by name, e.g. READ_SYSREG(CurrentEL). */
#define READ_SYSREG(name) ({ u64 v_; __asm__ volatile("mrs %0, " #name : "=r"(v_)); v_; })
#define WRITE_SYSREG(name, v) __asm__ volatile("msr " #name ", %0" : : "r"((u64)(v)))
#define ISB() __asm__ volatile("isb" ::: "memory")

static inline u32 current_el(void) { return (u32)(READ_SYSREG(CurrentEL) >> 2) & 3; }

/* ---- uart.c: the PL011 at 0x0900_0000, polled ---- */
void uart_putc(char c);
int uart_getc(void);                /* waits for one received byte */
void uart_puts(const char *s);
void uart_hex(u64 v, int digits);   /* "0x" + exactly `digits` hex digits */
void uart_hex64(u64 v);             /* "0x" + the fewest digits (at least one) */
void uart_dec(u64 v);
void uart_sdec(s64 v);

/* ---- psci.c: power management through the machine's firmware ---- */
#define PSCI_VERSION      0x84000000u
#define PSCI_SYSTEM_OFF   0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
u64 psci_call(u64 fn, u64 a1, u64 a2, u64 a3);
__attribute__((noreturn)) void psci_system_off(void);

/* ---- fatal.c: report any exception and power off (for guests that expect none) ---- */
void install_fatal_vectors(void);

/* ---- libc.c: what GCC may call even in freestanding code ---- */
void *memset(void *d, int c, usize n);
void *memcpy(void *d, const void *s, usize n);

#endif
