// The two memory routines GCC may emit calls to even with -ffreestanding (for struct copies and
// zeroing). Byte loops keep every access aligned, which matters with the MMU off. This file is built
// with -fno-builtin and -fno-tree-loop-distribute-patterns so GCC does not turn these loops back
// into calls to themselves.
#include "armlab.h"

void *memset(void *d, int c, usize n)
{
    u8 *p = d;
    while (n--) *p++ = (u8)c;
    return d;
}

void *memcpy(void *d, const void *s, usize n)
{
    u8 *p = d;
    const u8 *q = s;
    while (n--) *p++ = *q++;
    return d;
}
