// bench-cpu: a CPU-bound integer workload for comparing ArmLab with QEMU (npm run bench).
//
// Five kernels that stress different parts of an interpreter: a sieve (byte loads/stores and
// short loops), a table-driven CRC (shifts, XOR, table loads), a heap sort (data-dependent branches),
// a bytecode interpreter (indirect jumps through a switch) and an integer matrix multiply
// (multiply-accumulate, strided loads). Each kernel runs ROUNDS times; every result is folded into
// one checksum that is printed at the end, so a wrong instruction shows up as a wrong checksum.
// The workload is about 1.5 billion instructions.
#include "../common/armlab.h"

#ifndef ROUNDS
#define ROUNDS 22
#endif

static u64 checksum;

static void mix(u64 v)
{
    checksum ^= v;
    checksum *= 0x100000001b3ul;   /* FNV-1a style multiply: order-sensitive */
    checksum ^= checksum >> 29;
}

/* A deterministic pseudo-random generator (xorshift64). */
static u64 rng_state;
static u64 rng(void)
{
    u64 x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

/* ---- 1. Sieve of Eratosthenes ---- */
#define SIEVE_N 200000
static u8 composite[SIEVE_N];

static u64 sieve(void)
{
    for (u32 i = 0; i < SIEVE_N; i++) composite[i] = 0;
    u64 count = 0, sum = 0;
    for (u32 i = 2; i < SIEVE_N; i++) {
        if (composite[i]) continue;
        count++;
        sum += i;
        for (u32 j = i * 2; j < SIEVE_N; j += i) composite[j] = 1;
    }
    return count ^ (sum << 20);
}

/* ---- 2. CRC-32 over a buffer ---- */
#define CRC_LEN 65536
static u32 crc_table[256];
static u8 crc_buf[CRC_LEN];

static void crc_setup(void)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
        crc_table[i] = c;
    }
    for (u32 i = 0; i < CRC_LEN; i++) crc_buf[i] = (u8)rng();
}

static u64 crc32_buf(u32 seed)
{
    u32 c = ~seed;
    for (u32 i = 0; i < CRC_LEN; i++) c = crc_table[(c ^ crc_buf[i]) & 0xff] ^ (c >> 8);
    return ~c;
}

/* ---- 3. Heap sort ---- */
#define SORT_N 20000
static u32 sort_a[SORT_N];

static void sift_down(u32 *a, u32 start, u32 end)
{
    u32 root = start;
    while (2 * root + 1 <= end) {
        u32 child = 2 * root + 1;
        u32 swap = root;
        if (a[swap] < a[child]) swap = child;
        if (child + 1 <= end && a[swap] < a[child + 1]) swap = child + 1;
        if (swap == root) return;
        u32 t = a[root];
        a[root] = a[swap];
        a[swap] = t;
        root = swap;
    }
}

static u64 heap_sort(void)
{
    for (u32 i = 0; i < SORT_N; i++) sort_a[i] = (u32)rng();
    for (s32 start = (SORT_N - 2) / 2; start >= 0; start--) sift_down(sort_a, (u32)start, SORT_N - 1);
    for (u32 end = SORT_N - 1; end > 0; end--) {
        u32 t = sort_a[end];
        sort_a[end] = sort_a[0];
        sort_a[0] = t;
        sift_down(sort_a, 0, end - 1);
    }
    u64 h = 0;
    for (u32 i = 0; i < SORT_N; i++) {
        if (i && sort_a[i - 1] > sort_a[i]) h ^= 0xdead;   /* unsorted: poison the checksum */
        h = h * 31 + sort_a[i];
    }
    return h;
}

/* ---- 4. A small stack-machine interpreter ---- */
enum { OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHR, OP_JNZ, OP_DEC, OP_HALT };
struct insn { u32 op; s32 arg; };

/* acc = 0; i = n; do { acc = (acc * 33) ^ (i >> 1) + i; } while (--i); */
static const struct insn program[] = {
    { OP_PUSH, 0 },  { OP_STORE, 0 },                                   /* acc = 0 */
    { OP_LOAD, 2 },  { OP_STORE, 1 },                                   /* i = n */
    /* loop (pc 4): */
    { OP_LOAD, 0 },  { OP_PUSH, 33 }, { OP_MUL, 0 },
    { OP_LOAD, 1 },  { OP_PUSH, 1 },  { OP_SHR, 0 }, { OP_XOR, 0 },
    { OP_LOAD, 1 },  { OP_ADD, 0 },   { OP_STORE, 0 },
    { OP_DEC, 1 },   { OP_LOAD, 1 },  { OP_JNZ, 4 },
    { OP_LOAD, 0 },  { OP_HALT, 0 },
};

static u64 interpret(u64 n)
{
    u64 stack[16];
    u64 vars[4] = { 0, 0, n, 0 };
    u32 sp = 0, pc = 0;
    for (;;) {
        const struct insn *in = &program[pc++];
        switch (in->op) {
        case OP_PUSH: stack[sp++] = (u64)(s64)in->arg; break;
        case OP_LOAD: stack[sp++] = vars[in->arg]; break;
        case OP_STORE: vars[in->arg] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHR: sp--; stack[sp - 1] >>= stack[sp]; break;
        case OP_JNZ: if (stack[--sp]) pc = (u32)in->arg; break;
        case OP_DEC: vars[in->arg]--; break;
        case OP_HALT: return stack[sp - 1];
        default: return 0;
        }
    }
}

/* ---- 5. Integer matrix multiply ---- */
#define MAT 48
static u32 ma[MAT][MAT], mb[MAT][MAT], mc[MAT][MAT];

static u64 matmul(void)
{
    for (u32 i = 0; i < MAT; i++)
        for (u32 j = 0; j < MAT; j++) {
            ma[i][j] = (u32)rng() & 0xffff;
            mb[i][j] = (u32)rng() & 0xffff;
        }
    for (u32 i = 0; i < MAT; i++)
        for (u32 j = 0; j < MAT; j++) {
            u32 s = 0;
            for (u32 k = 0; k < MAT; k++) s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    u64 h = 0;
    for (u32 i = 0; i < MAT; i++) h = h * 1000003 + mc[i][(i * 7) % MAT];
    return h;
}

int main(void)
{
    install_fatal_vectors();
    uart_puts("bench-cpu: ");
    uart_dec(ROUNDS);
    uart_puts(" rounds of sieve, crc32, heapsort, interpreter, matmul\n");
#ifdef CALIBRATE
    u64 t0 = READ_SYSREG(cntvct_el0);
#endif
    rng_state = 0x9e3779b97f4a7c15ul;
    checksum = 0xcbf29ce484222325ul;
    crc_setup();
    for (u32 round = 0; round < ROUNDS; round++) {
        mix(sieve());
        mix(crc32_buf(round));
        mix(heap_sort());
        mix(interpret(200000 + round));
        mix(matmul());
    }
#ifdef CALIBRATE
    u64 t1 = READ_SYSREG(cntvct_el0);
    uart_puts("counter ticks: ");
    uart_dec(t1 - t0);
    uart_puts("\n");
#endif
    uart_puts("bench-cpu checksum: ");
    uart_hex(checksum, 16);
    uart_puts("\n");
    return 0;
}
