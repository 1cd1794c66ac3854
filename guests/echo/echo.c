// echo: the smallest interactive guest. It reads the console a line at a time, polling the PL011's
// receive FIFO, and answers each line in upper case, so you can see keystrokes travel from the
// terminal through the UART into the guest and back. An empty line, "off" or Ctrl-D powers off.
#include "../common/armlab.h"

#define LINE_MAX 128

static int is_off(const char *s)
{
    return s[0] == 'o' && s[1] == 'f' && s[2] == 'f' && s[3] == 0;
}

int main(void)
{
    char line[LINE_MAX];
    uart_puts("Echo: type a line and press Enter; an empty line, \"off\" or Ctrl-D powers off.\n");
    for (;;) {
        uart_puts("> ");
        int n = 0;
        for (;;) {
            int c = uart_getc();
            if (c == 4) return 0;                   /* Ctrl-D */
            if (c == '\r' || c == '\n') break;
            if ((c == 8 || c == 127) && n > 0) {    /* backspace: erase on screen too */
                n--;
                uart_puts("\b \b");
                continue;
            }
            if (c < 32 || n == LINE_MAX - 1) continue;
            line[n++] = (char)c;
            uart_putc((char)c);                     /* the terminal does not echo: we do */
        }
        line[n] = 0;
        uart_putc('\n');
        if (n == 0 || is_off(line)) return 0;
        uart_puts("ECHO: ");
        for (int i = 0; i < n; i++) {
            char c = line[i];
            uart_putc(c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c);
        }
        uart_putc('\n');
    }
}
