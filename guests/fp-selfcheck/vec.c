// The vectorised half of the FP self-check: loops over 16-byte aligned arrays that GCC -O2 turns
// into Advanced SIMD code (FMLA/FMUL/FADD/FDIV/FSQRT/FMAXNM/FCMGT+BSL/SCVTF/FCVTZS/FCVTL/FCVTN on
// .2d/.4s, and integer URHADD/UABD/MLA/SMULL/UQADD/shifts/ADDV on bytes, halfwords and words).
// Each kernel prints a hash of its output array, the FPSR flags it raised and a sample element.
//
// Every array is 16-byte aligned and every trip count is a multiple of the vector length: with the
// MMU off all memory is Device memory, where an unaligned access faults (-mstrict-align keeps the
// compiler from assuming otherwise), and the loops need no scalar prologue or epilogue.
#include "fp.h"

#define N 256
#define A16 __attribute__((aligned(16)))

static double xd[N] A16, yd[N] A16, zd[N] A16;
static float xf[N] A16, yf[N] A16, zf[N] A16;
static s32 ia[N] A16, ib[N] A16, ic[N] A16;
static s64 la[N / 2] A16;
static s16 ha[N] A16, hb[N] A16;
static u8 ba[N] A16, bb[N] A16, bc[N] A16;

#define MAT 16
static double ma[MAT][MAT] A16, mb[MAT][MAT] A16, mc[MAT][MAT] A16;

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

/* Operands: mostly ordinary numbers of mixed magnitude, with some edge values sprinkled in when
 * `specials` is set (NaNs, infinities, zeros of both signs, subnormals). */
static const u64 sprinkle[] = {
    0x7ff8000000000000ul, 0xfff0000000000000ul, 0x7ff0000000000000ul, 0x8000000000000000ul,
    0x0000000000000000ul, 0x000123456789abcdul, 0x800ffffffffffffful, 0x7ff4000000000001ul,
};

static __attribute__((noinline)) void fill(int specials)
{
    rng_state = 0x2545f4914f6cdd1dul;
    for (u32 i = 0; i < N; i++) {
        s64 r = (s64)rng();
        xd[i] = (double)(r >> 11) * 0x1p-40;            /* about +-2^12 */
        yd[i] = (double)((s64)rng() >> 30) * 0x1p-17;   /* about +-2^16 */
        xf[i] = (float)(r >> 40) * 0x1p-12f;
        yf[i] = (float)((s64)rng() >> 44) * 0x1p-7f;
        ia[i] = (s32)rng();
        ib[i] = (s32)(rng() >> 40);
        ha[i] = (s16)rng();
        hb[i] = (s16)rng();
        ba[i] = (u8)rng();
        bb[i] = (u8)rng();
        if (specials && (i % 7) == 3) {
            u64 s = sprinkle[(i / 7) % 8];
            xd[i] = dfrom(s);
            xf[i] = (float)dfrom(s);
            yf[(i * 5) % N] = ffrom((u32)(s >> 32) | (u32)(s & 1));   /* float NaNs keep a payload bit */
        }
    }
}

/* ---- the kernels (each a plain C loop; the compiler does the vectorising) ---- */

static __attribute__((noinline)) void daxpy(double a)
{
    for (u32 i = 0; i < N; i++) yd[i] = a * xd[i] + yd[i];
}

static __attribute__((noinline)) void saxpy(float a)
{
    for (u32 i = 0; i < N; i++) yf[i] = a * xf[i] + yf[i];
}

static __attribute__((noinline)) void dnorm(void)
{
    for (u32 i = 0; i < N; i++) zd[i] = __builtin_sqrt(xd[i] * xd[i] + yd[i] * yd[i]) / (__builtin_fabs(xd[i]) + 1.0);
}

static __attribute__((noinline)) void fnorm(void)
{
    for (u32 i = 0; i < N; i++) zf[i] = __builtin_sqrtf(xf[i] * xf[i] + yf[i]) / (xf[i] - yf[i]);
}

static __attribute__((noinline)) void fminmax(void)
{
    for (u32 i = 0; i < N; i++) zf[i] = __builtin_fmaxf(xf[i], yf[i]) - __builtin_fminf(xf[i], yf[i]);
}

static __attribute__((noinline)) void dminmax(void)
{
    for (u32 i = 0; i < N; i++) zd[i] = __builtin_fmin(xd[i], yd[i]) * 0.75 + __builtin_fmax(xd[i], zd[i]);
}

static __attribute__((noinline)) void dselect(void)
{
    for (u32 i = 0; i < N; i++) zd[i] = xd[i] > yd[i] ? xd[i] - yd[i] : yd[i] * 0.5;
}

static __attribute__((noinline)) void fselect(void)
{
    for (u32 i = 0; i < N; i++) zf[i] = xf[i] <= yf[i] ? xf[i] : -yf[i];
}

static __attribute__((noinline)) void horner(void)
{
    for (u32 i = 0; i < N; i++) {
        double x = xd[i] * 0x1p-12;
        zd[i] = (((0.0083333 * x - 0.1666666) * x + 0.0) * x + 1.0) * x - 0.5;
    }
}

static __attribute__((noinline)) void convert_f_to_i(void)
{
    for (u32 i = 0; i < N; i++) ic[i] = (s32)(xf[i] * 3.0f);
}

static __attribute__((noinline)) void convert_i_to_f(void)
{
    for (u32 i = 0; i < N; i++) zf[i] = (float)ia[i] * 0.25f + (float)ib[i];
}

static __attribute__((noinline)) void widen_f_to_d(void)
{
    for (u32 i = 0; i < N; i++) zd[i] = (double)xf[i] * 1.5;
}

static __attribute__((noinline)) void narrow_d_to_f(void)
{
    for (u32 i = 0; i < N; i++) zf[i] = (float)(xd[i] * yd[i]);
}

static __attribute__((noinline)) void convert_d_to_i64(void)
{
    for (u32 i = 0; i < N / 2; i++) la[i] = (s64)(xd[2 * i] * 1e15) + (s64)yd[2 * i + 1];
}

static __attribute__((noinline)) void bytes_avg(void)
{
    for (u32 i = 0; i < N; i++) bc[i] = (u8)((ba[i] + bb[i] + 1) >> 1);
}

static __attribute__((noinline)) void bytes_satadd(void)
{
    for (u32 i = 0; i < N; i++) {
        u32 s = (u32)ba[i] + bb[i];
        bc[i] = (u8)(s > 255 ? 255 : s);
    }
}

static __attribute__((noinline)) u32 bytes_sad(void)
{
    u32 sum = 0;
    for (u32 i = 0; i < N; i++) sum += (u32)(ba[i] > bb[i] ? ba[i] - bb[i] : bb[i] - ba[i]);
    return sum;
}

static __attribute__((noinline)) void words_mla(void)
{
    for (u32 i = 0; i < N; i++) ic[i] = ia[i] * ib[i] + (ia[i] >> 3) - (s32)((u32)ib[i] << 5);
}

static __attribute__((noinline)) void halves_widen(void)
{
    for (u32 i = 0; i < N; i++) ic[i] = (s32)ha[i] * hb[i] - ha[i];
}

static __attribute__((noinline)) u32 words_sum(void)
{
    u32 s = 0;
    for (u32 i = 0; i < N; i++) s += (u32)ia[i] ^ (u32)ib[i];
    return s;
}

static __attribute__((noinline)) void matmul(void)
{
    for (u32 i = 0; i < MAT; i++)
        for (u32 j = 0; j < MAT; j++) mc[i][j] = 0;
    for (u32 i = 0; i < MAT; i++)
        for (u32 k = 0; k < MAT; k++) {
            double a = ma[i][k];
            for (u32 j = 0; j < MAT; j++) mc[i][j] += a * mb[k][j];
        }
}

/* Reductions are only vectorised when reassociation is allowed, so these two (and only these)
 * are built with -ffast-math: the sum's order is then the compiler's choice, but it is fixed in
 * the binary, so every correct FPU still prints the same bits. */
static __attribute__((noinline, optimize("fast-math"))) double ddot(void)
{
    double s = 0;
    for (u32 i = 0; i < N; i++) s += xd[i] * yd[i];
    return s;
}

static __attribute__((noinline, optimize("fast-math"))) float fsum(void)
{
    float s = 0;
    for (u32 i = 0; i < N; i++) s += xf[i] * 0.5f + yf[i];
    return s;
}

/* ---- reporting ---- */

static void hash_doubles(const double *a, u32 n)
{
    for (u32 i = 0; i < n; i++) hash(dbits(a[i]));
}

static void hash_floats(const float *a, u32 n)
{
    for (u32 i = 0; i < n; i++) hash(fbits(a[i]));
}

static void hash_words(const s32 *a, u32 n)
{
    for (u32 i = 0; i < n; i++) hash((u32)a[i]);
}

static void hash_longs(const s64 *a, u32 n)
{
    for (u32 i = 0; i < n; i++) hash((u64)a[i]);
}

static void hash_bytes(const u8 *a, u32 n)
{
    for (u32 i = 0; i < n; i++) hash(a[i]);
}

/* Runs one kernel with a clean FPSR and reports its output array. */
#define KERNEL(name, mode, call, kind, out)            \
    do {                                               \
        __asm__ volatile("msr fpsr, xzr" ::: "memory"); \
        call;                                          \
        __asm__ volatile("" ::: "memory");             \
        u64 f_ = get_fpsr();                           \
        hash_begin();                                  \
        hash_##kind(out, sizeof(out) / sizeof(out[0])); \
        g_flags = f_;                                  \
        hash_line(name, mode);                         \
    } while (0)

static void kernels_in_mode(const char *mode)
{
    KERNEL("dnorm", mode, dnorm(), doubles, zd);
    KERNEL("fnorm", mode, fnorm(), floats, zf);
    KERNEL("fminmax", mode, fminmax(), floats, zf);
    KERNEL("dminmax", mode, dminmax(), doubles, zd);
    KERNEL("dselect", mode, dselect(), doubles, zd);
    KERNEL("fselect", mode, fselect(), floats, zf);
    KERNEL("horner", mode, horner(), doubles, zd);
    KERNEL("f->s32", mode, convert_f_to_i(), words, ic);
    KERNEL("s32->f", mode, convert_i_to_f(), floats, zf);
    KERNEL("f->d", mode, widen_f_to_d(), doubles, zd);
    KERNEL("d->f", mode, narrow_d_to_f(), floats, zf);
    KERNEL("d->s64", mode, convert_d_to_i64(), longs, la);
    KERNEL("daxpy", mode, daxpy(0.3), doubles, yd);
    KERNEL("saxpy", mode, saxpy(-1.7f), floats, yf);
}

void vector_kernels(void)
{
    uart_puts("== vectorised loops (-O2)\n");
    fill(0);
    set_fpcr(0);
    kernels_in_mode("RN");
    KERNEL("bytes avg", "-", bytes_avg(), bytes, bc);
    KERNEL("bytes satadd", "-", bytes_satadd(), bytes, bc);
    KERNEL("words mla", "-", words_mla(), words, ic);
    KERNEL("halves widen", "-", halves_widen(), words, ic);
    uart_puts("bytes sad ");
    uart_dec(bytes_sad());
    uart_puts(" words sum ");
    uart_hex(words_sum(), 8);
    uart_puts("\n");
    show_double("ddot", ddot());
    show_float("fsum", fsum());

    for (u32 i = 0; i < MAT; i++)
        for (u32 j = 0; j < MAT; j++) {
            ma[i][j] = xd[i * MAT + j] * 0.001;
            mb[i][j] = 1.0 / (1.0 + i + j);   /* a Hilbert matrix */
        }
    matmul();
    hash_begin();
    for (u32 i = 0; i < MAT; i++) hash_doubles(mc[i], MAT);
    hash_line("matmul 16x16", "RN");
    show_double("mc[0][0]", mc[0][0]);
    show_double("mc[15][15]", mc[15][15]);

    uart_puts("-- with NaNs, infinities, zeros and subnormals among the operands\n");
    static const struct { const char *name; u64 fpcr; } vmodes[] = {
        { "RN", 0 }, { "RZ", FPCR_RZ }, { "RM", FPCR_RM }, { "FZ", FPCR_FZ }, { "DN", FPCR_DN },
        { "FZ+DN+RP", FPCR_FZ | FPCR_DN | FPCR_RP },
    };
    for (u32 m = 0; m < sizeof(vmodes) / sizeof(vmodes[0]); m++) {
        fill(1);
        set_fpcr(vmodes[m].fpcr);
        kernels_in_mode(vmodes[m].name);
        show_double("ddot", ddot());
        show_float("fsum", fsum());
    }
    set_fpcr(0);
}
