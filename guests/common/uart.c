// The PL011 UART of the virt board, driven by polling.
//
// Only two registers matter: DR (offset 0x00), where a write queues one character and a read takes
// one from the receive FIFO, and FR (offset 0x18), whose bit 5 TXFF says the transmit FIFO is full
// and bit 4 RXFE that the receive FIFO is empty. Firmware normally enables the
// UART; QEMU leaves it enabled at reset and so does ArmLab, so we do not touch the control registers.
#include "armlab.h"

#define UART_BASE 0x09000000ul
#define UART_DR   0x00
#define UART_FR   0x18
#define FR_TXFF   (1u << 5)
#define FR_RXFE   (1u << 4)

static inline u32 mmio_read32(usize addr) { return *(volatile u32 *)addr; }
static inline void mmio_write32(usize addr, u32 v) { *(volatile u32 *)addr = v; }

void uart_putc(char c)
{
    if (c == '\n') uart_putc('\r');   /* terminals expect CR LF */
    while (mmio_read32(UART_BASE + UART_FR) & FR_TXFF) { }
    mmio_write32(UART_BASE + UART_DR, (u8)c);
}

int uart_getc(void)
{
    while (mmio_read32(UART_BASE + UART_FR) & FR_RXFE) { }
    return (int)(mmio_read32(UART_BASE + UART_DR) & 0xff);   /* bits 11:8 are error flags */
}

void uart_puts(const char *s)
{
    while (*s) uart_putc(*s++);
}

void uart_hex(u64 v, int digits)
{
    uart_puts("0x");
    for (int i = digits - 1; i >= 0; i--) uart_putc("0123456789abcdef"[(v >> (4 * i)) & 0xf]);
}

void uart_hex64(u64 v)
{
    int digits = 1;
    while (digits < 16 && (v >> (4 * digits)) != 0) digits++;
    uart_hex(v, digits);
}

void uart_dec(u64 v)
{
    char buf[21];
    int i = 0;
    do {
        buf[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (i) uart_putc(buf[--i]);
}

void uart_sdec(s64 v)
{
    if (v < 0) {
        uart_putc('-');
        uart_dec(-(u64)v);
    } else {
        uart_dec((u64)v);
    }
}
