// fp-selfcheck: floating-point and Advanced SIMD code as a C compiler writes it (double and float
// arithmetic, fused multiply-add, conversions, rounding, -O2 vectorised loops), plus the corners
// the architecture defines exactly: NaNs, infinities, subnormals, every FPCR rounding mode,
// flush-to-zero, default NaN, alternative half precision and the cumulative FPSR flags.
//
// The expected output is whatever qemu-system-aarch64 prints (guests/fp-selfcheck/expected.txt,
// recorded by record-expected.sh at EL2 and at EL1); ArmLab must print the same.
//
// Output: sweeps over edge-value tables print one FNV-style hash per (operation, FPCR mode) with
// the union of the FPSR flags the operation raised; single results print the exact bit pattern and
// a decimal rendering by put_double() below. The decimal is computed with FP arithmetic of its own
// (so it is itself a test) and is not correctly rounded in the last digits: the hex is the value.
//
// Keeping the compiler honest: every operand passes through hide() (an empty asm the optimiser
// cannot see through), so nothing is constant-folded at compile time, and the FPSR is cleared and
// read by asm statements that take the operands and the result as inputs, so the operation cannot
// move across them. Instructions C has no operator for (FMIN, FABD, FRECPE, FCMP's NZCV...) are
// written as inline assembly.
//
// Files: fp.c (scalar sweeps, specials, series, output), vec.c (loops GCC vectorises), neon.c
// (arm_neon.h intrinsics: permutes, TBL, LD1-LD4/ST1-ST4, saturating and across-lane operations).
#include "../common/armlab.h"
#include "fp.h"

static const struct { const char *name; u64 fpcr; } modes[] = {
    { "RN", 0 },
    { "RP", FPCR_RP },
    { "RM", FPCR_RM },
    { "RZ", FPCR_RZ },
    { "FZ", FPCR_FZ },
    { "DN", FPCR_DN },
    { "AHP", FPCR_AHP },
    { "FZ+DN+RP", FPCR_FZ | FPCR_DN | FPCR_RP },
    { "FZ+DN+AHP+RZ", FPCR_FZ | FPCR_DN | FPCR_AHP | FPCR_RZ },
};
#define NMODES (sizeof(modes) / sizeof(modes[0]))

/* ----------------------------------------------------------------------- output ---- */

static u64 g_hash;
u64 g_flags;

void hash_begin(void)
{
    g_hash = 0xcbf29ce484222325ul;
    g_flags = 0;
}

void hash(u64 v)
{
    g_hash ^= v;
    g_hash *= 0x100000001b3ul;
    g_hash ^= g_hash >> 29;
}

/* One result of a sweep: its bits and the FPSR it left (flags are both hashed and accumulated). */
void fold(u64 bits, u64 fpsr)
{
    hash(bits);
    hash(fpsr);
    g_flags |= fpsr;
}

static void pad(const char *s, int width)
{
    int n = 0;
    while (s[n]) n++;
    uart_puts(s);
    while (n++ < width) uart_putc(' ');
}

void hash_line(const char *what, const char *mode)
{
    pad(what, 14);
    pad(mode, 14);
    uart_hex(g_hash, 16);
    uart_puts(" fpsr ");
    uart_hex(g_flags, 8);
    uart_puts("\n");
}

/*
 * Decimal rendering of a double: 17 significant digits and an exponent, "d.dddddddddddddddde+NN".
 * Scaling by powers of ten and peeling digits both round, so the last digits can differ from a
 * correctly rounded conversion; it is the same on every correct FPU, which is all we need.
 */
static const double pow10_table[] = { 1e256, 1e128, 1e64, 1e32, 1e16, 1e8, 1e4, 1e2, 1e1 };
static const int pow10_exp[] = { 256, 128, 64, 32, 16, 8, 4, 2, 1 };

void put_double(double x)
{
    u64 b = dbits(x);
    u64 exp = (b >> 52) & 0x7ff, frac = b & 0xfffffffffffffull;
    if (b >> 63) uart_putc('-');
    if (exp == 0x7ff) {
        uart_puts(frac ? (frac >> 51 ? "nan" : "snan") : "inf");
        return;
    }
    if (exp == 0 && frac == 0) {
        uart_putc('0');
        return;
    }
    x = __builtin_fabs(x);
    int e10 = 0;
    if (x >= 10.0) {
        for (u32 i = 0; i < 9; i++)
            if (x >= pow10_table[i]) {
                x /= pow10_table[i];
                e10 += pow10_exp[i];
            }
    } else if (x < 1.0) {
        for (u32 i = 0; i < 9; i++)
            if (x * pow10_table[i] < 10.0) {
                x *= pow10_table[i];
                e10 -= pow10_exp[i];
            }
    }
    for (int i = 0; i < 17; i++) {
        int d = (int)x;
        if (d > 9) d = 9;   /* x rounded up to 10.0 in the scaling: keep the digit a digit */
        uart_putc((char)('0' + d));
        if (i == 0) uart_putc('.');
        x = (x - d) * 10.0;
    }
    uart_putc('e');
    uart_putc(e10 < 0 ? '-' : '+');
    if (e10 < 0) e10 = -e10;
    if (e10 < 10) uart_putc('0');
    uart_dec((u64)e10);
}

void show_double(const char *what, double x)
{
    pad(what, 28);
    uart_hex(dbits(x), 16);
    uart_putc(' ');
    put_double(x);
    uart_puts("\n");
}

void show_double_fpsr(const char *what, double x, u64 fpsr)
{
    pad(what, 28);
    uart_hex(dbits(x), 16);
    uart_puts(" fpsr ");
    uart_hex(fpsr, 8);
    uart_putc(' ');
    put_double(x);
    uart_puts("\n");
}

void show_float(const char *what, float x)
{
    pad(what, 28);
    uart_hex(fbits(x), 8);
    uart_puts("         ");
    put_double((double)x);
    uart_puts("\n");
}

/* --------------------------------------------------------------- operand tables ---- */

static const u64 dvals[] = {
    0x0000000000000000ul, 0x8000000000000000ul,                         /* +0, -0 */
    0x3ff0000000000000ul, 0xbff0000000000000ul,                         /* 1, -1 */
    0x3ff8000000000000ul, 0xc004000000000000ul,                         /* 1.5, -2.5 */
    0x3fe0000000000000ul, 0xbfe0000000000000ul,                         /* 0.5, -0.5 */
    0x4008000000000000ul, 0x3fb999999999999aul,                         /* 3, 0.1 */
    0x3fd5555555555555ul, 0x400921fb54442d18ul,                         /* 1/3, pi */
    0x7e37e43c8800759cul, 0x81a56e1fc2f8f359ul,                         /* 1e300, -1e-300 */
    0x7feffffffffffffful, 0xffeffffffffffffful,                         /* +-DBL_MAX */
    0x0010000000000000ul, 0x000ffffffffffffful, /* DBL_MIN, largest subnormal */
    0x0000000000000001ul, 0x8000000000000003ul,                         /* tiny subnormals */
    0x7ff0000000000000ul, 0xfff0000000000000ul,                         /* +-inf */
    0x7ff8000000000000ul, 0xfff8000000001234ul,                         /* quiet NaNs */
    0x7ff0000000000001ul, 0xfff4000000000abcul,                         /* signalling NaNs */
    0x4340000000000001ul, 0x43e0000000000000ul,                         /* 2^53+2, 2^63 */
    0xc3e0000000000000ul, 0x41f0000000080000ul,                         /* -2^63, 2^32+0.5 */
    0xc1e0000000000000ul, 0x41dfffffffc00000ul,                         /* -2^31, 2^31-1 */
    0x3ff0000000000001ul, 0x4330000000000000ul,                         /* 1+ulp, 2^52 */
    0x4012000000000000ul, 0xc00c000000000000ul,                         /* 4.5, -3.5 */
};
#define ND (sizeof(dvals) / sizeof(dvals[0]))

static const u32 fvals[] = {
    0x00000000u, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x3fc00000u, 0xc0200000u, 0x3f000000u,
    0xbf000000u, 0x40400000u, 0x3dcccccdu, 0x3eaaaaabu, 0x40490fdbu, 0x7f7fffffu, 0xff7fffffu,
    0x00800000u, 0x007fffffu, 0x00000001u, 0x80000005u, 0x7f800000u, 0xff800000u, 0x7fc00000u,
    0xffc01234u, 0x7f800001u, 0xffa00abcu, 0x4b800001u, 0x5f000000u, 0xdf000000u, 0x4f000000u,
    0xcf000000u, 0x3f800001u, 0x40900000u, 0xc0600000u, 0x477fe000u, 0x38800000u, 0x33800000u,
};
#define NF (sizeof(fvals) / sizeof(fvals[0]))

static const u64 ivals[] = {
    0, 1, 0xfffffffffffffffful, 2, 3, 0x7ffffffffffffffful, 0x8000000000000000ul, 0x8000000000000001ul,
    0x000ffffffffffffful, 0x0020000000000001ul, 0x0020000000000003ul, 0xfff0000000000001ul,
    0x000000007ffffffful, 0x0000000080000000ul, 0x00000000fffffffful, 0x0000000001000001ul,
    0x123456789abcdef0ul, 0xfedcba9876543210ul, 1000000007ul, 0xffffffff80000000ul,
};
#define NI (sizeof(ivals) / sizeof(ivals[0]))

static const u16 hvals[] = {
    0x0000, 0x8000, 0x3c00, 0xbc00, 0x3555, 0x7bff, 0xfbff, 0x0400, 0x03ff, 0x0001, 0x8001,
    0x7c00, 0xfc00, 0x7e00, 0xfe12, 0x7c01, 0xfd00, 0x4248, 0x5640, 0xc900,
};
#define NH (sizeof(hvals) / sizeof(hvals[0]))

/* ------------------------------------------------------------ scalar arithmetic ---- */

enum {
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_FMADD, OP_FMSUB, OP_FNMADD, OP_FNMSUB, OP_FNMUL, OP_SQRT,
    OP_FMINNM, OP_FMAXNM, OP_FMIN, OP_FMAX, OP_FABD, OP_FRECPS, OP_FRSQRTS, OP_FRECPE, OP_FRSQRTE,
    OP_FRECPX, OP_FCMP, OP_FCMPE, OP_FCCMP, OP_FCSEL, OP_NEGABS, OP_HORNER, NOPS
};
static const char *const op_names[NOPS] = {
    "add", "sub", "mul", "div", "fmadd", "fmsub", "fnmadd", "fnmsub", "fnmul", "sqrt",
    "fminnm", "fmaxnm", "fmin", "fmax", "fabd", "frecps", "frsqrts", "frecpe", "frsqrte",
    "frecpx", "fcmp", "fcmpe", "fccmp", "fcsel", "neg+abs", "horner",
};

#define ASM_D2(insn, r, a, b) __asm__(insn " %d0, %d1, %d2" : "=w"(r) : "w"(a), "w"(b))
#define ASM_D1(insn, r, a) __asm__(insn " %d0, %d1" : "=w"(r) : "w"(a))
#define ASM_S2(insn, r, a, b) __asm__(insn " %s0, %s1, %s2" : "=w"(r) : "w"(a), "w"(b))
#define ASM_S1(insn, r, a) __asm__(insn " %s0, %s1" : "=w"(r) : "w"(a))

/* One operation on doubles; returns the result's bits (NZCV for the compares) and its FPSR. */
static __attribute__((noinline)) u64 op_double(int op, double a, double b, double c, u64 *fpsr)
{
    double r = 0;
    u64 flags;
    CLEAR_FPSR3(a, b, c);
    switch (op) {
    case OP_ADD: r = a + b; break;
    case OP_SUB: r = a - b; break;
    case OP_MUL: r = a * b; break;
    case OP_DIV: r = a / b; break;
    case OP_FMADD: r = __builtin_fma(a, b, c); break;
    case OP_FMSUB: r = __builtin_fma(-a, b, c); break;
    case OP_FNMADD: r = -__builtin_fma(a, b, c); break;
    case OP_FNMSUB: r = __builtin_fma(a, b, -c); break;
    case OP_FNMUL: r = -(a * b); break;
    case OP_SQRT: r = __builtin_sqrt(a); break;
    case OP_FMINNM: r = __builtin_fmin(a, b); break;
    case OP_FMAXNM: r = __builtin_fmax(a, b); break;
    case OP_FMIN: ASM_D2("fmin", r, a, b); break;
    case OP_FMAX: ASM_D2("fmax", r, a, b); break;
    case OP_FABD: ASM_D2("fabd", r, a, b); break;
    case OP_FRECPS: ASM_D2("frecps", r, a, b); break;
    case OP_FRSQRTS: ASM_D2("frsqrts", r, a, b); break;
    case OP_FRECPE: ASM_D1("frecpe", r, a); break;
    case OP_FRSQRTE: ASM_D1("frsqrte", r, a); break;
    case OP_FRECPX: ASM_D1("frecpx", r, a); break;
    case OP_FCMP: case OP_FCMPE: case OP_FCCMP: {
        u64 nzcv;
        if (op == OP_FCMP)
            __asm__("fcmp %d1, %d2\n\tmrs %0, nzcv" : "=r"(nzcv) : "w"(a), "w"(b) : "cc");
        else if (op == OP_FCMPE)
            __asm__("fcmpe %d1, %d2\n\tmrs %0, nzcv" : "=r"(nzcv) : "w"(a), "w"(b) : "cc");
        else /* compare a with c; if that said "greater or equal", compare a with b, else NZCV = 0b0110 */
            __asm__("fcmp %d1, %d3\n\tfccmpe %d1, %d2, #6, ge\n\tmrs %0, nzcv"
                    : "=r"(nzcv) : "w"(a), "w"(b), "w"(c) : "cc");
        *fpsr = READ_FPSR_AFTER_X(nzcv);
        return nzcv;
    }
    case OP_FCSEL:
        __asm__("fcmp %d1, %d2\n\tfcsel %d0, %d1, %d3, lt" : "=&w"(r) : "w"(a), "w"(b), "w"(c) : "cc");
        break;
    case OP_NEGABS: r = -__builtin_fabs(a) + b * -c; break;
    case OP_HORNER: r = ((a * c + b) * c + a) * c - b; break;
    }
    flags = READ_FPSR_AFTER(r);
    *fpsr = flags;
    return dbits(r);
}

static __attribute__((noinline)) u64 op_float(int op, float a, float b, float c, u64 *fpsr)
{
    float r = 0;
    u64 flags;
    CLEAR_FPSR3(a, b, c);
    switch (op) {
    case OP_ADD: r = a + b; break;
    case OP_SUB: r = a - b; break;
    case OP_MUL: r = a * b; break;
    case OP_DIV: r = a / b; break;
    case OP_FMADD: r = __builtin_fmaf(a, b, c); break;
    case OP_FMSUB: r = __builtin_fmaf(-a, b, c); break;
    case OP_FNMADD: r = -__builtin_fmaf(a, b, c); break;
    case OP_FNMSUB: r = __builtin_fmaf(a, b, -c); break;
    case OP_FNMUL: r = -(a * b); break;
    case OP_SQRT: r = __builtin_sqrtf(a); break;
    case OP_FMINNM: r = __builtin_fminf(a, b); break;
    case OP_FMAXNM: r = __builtin_fmaxf(a, b); break;
    case OP_FMIN: ASM_S2("fmin", r, a, b); break;
    case OP_FMAX: ASM_S2("fmax", r, a, b); break;
    case OP_FABD: ASM_S2("fabd", r, a, b); break;
    case OP_FRECPS: ASM_S2("frecps", r, a, b); break;
    case OP_FRSQRTS: ASM_S2("frsqrts", r, a, b); break;
    case OP_FRECPE: ASM_S1("frecpe", r, a); break;
    case OP_FRSQRTE: ASM_S1("frsqrte", r, a); break;
    case OP_FRECPX: ASM_S1("frecpx", r, a); break;
    case OP_FCMP: case OP_FCMPE: case OP_FCCMP: {
        u64 nzcv;
        if (op == OP_FCMP)
            __asm__("fcmp %s1, %s2\n\tmrs %0, nzcv" : "=r"(nzcv) : "w"(a), "w"(b) : "cc");
        else if (op == OP_FCMPE)
            __asm__("fcmpe %s1, %s2\n\tmrs %0, nzcv" : "=r"(nzcv) : "w"(a), "w"(b) : "cc");
        else
            __asm__("fcmpe %s1, #0.0\n\tfccmp %s1, %s2, #9, mi\n\tmrs %0, nzcv"
                    : "=r"(nzcv) : "w"(a), "w"(b) : "cc");
        *fpsr = READ_FPSR_AFTER_X(nzcv);
        return nzcv;
    }
    case OP_FCSEL:
        __asm__("fcmp %s1, %s2\n\tfcsel %s0, %s1, %s3, vs" : "=&w"(r) : "w"(a), "w"(b), "w"(c) : "cc");
        break;
    case OP_NEGABS: r = -__builtin_fabsf(a) + b * -c; break;
    case OP_HORNER: r = ((a * c + b) * c + a) * c - b; break;
    }
    flags = READ_FPSR_AFTER(r);
    *fpsr = flags;
    return fbits(r);
}

static void arith_sweeps(void)
{
    uart_puts("== scalar double: every pair of edge values, every FPCR mode\n");
    for (u32 m = 0; m < NMODES; m++) {
        set_fpcr(modes[m].fpcr);
        for (int op = 0; op < NOPS; op++) {
            hash_begin();
            for (u32 i = 0; i < ND; i++)
                for (u32 j = 0; j < ND; j++) {
                    u64 f;
                    double a = dfrom(dvals[i]), b = dfrom(dvals[j]), c = dfrom(dvals[(i * 7 + j * 3) % ND]);
                    fold(op_double(op, a, b, c, &f), f);
                }
            hash_line(op_names[op], modes[m].name);
        }
    }
    uart_puts("== scalar float: every pair of edge values, every FPCR mode\n");
    for (u32 m = 0; m < NMODES; m++) {
        set_fpcr(modes[m].fpcr);
        for (int op = 0; op < NOPS; op++) {
            hash_begin();
            for (u32 i = 0; i < NF; i++)
                for (u32 j = 0; j < NF; j++) {
                    u64 f;
                    float a = ffrom(fvals[i]), b = ffrom(fvals[j]), c = ffrom(fvals[(i * 5 + j * 11) % NF]);
                    fold(op_float(op, a, b, c, &f), f);
                }
            hash_line(op_names[op], modes[m].name);
        }
    }
    set_fpcr(0);
}

/* ------------------------------------------------------------------ conversions ---- */

enum {
    CV_S32, CV_U32, CV_S64, CV_U64, CV_NS_X, CV_NU_X, CV_AS_W, CV_AU_W, CV_PS_X, CV_PU_W, CV_MS_W,
    CV_MU_X, CV_ZS_FIX, CV_ZU_FIX, CV_TO_F32, CV_TO_F16, CV_ROUNDEVEN, CV_ROUND, CV_CEIL, CV_FLOOR,
    CV_TRUNC, CV_RINT, CV_NEARBYINT, CV_LROUND, NCV
};
static const char *const cv_names[NCV] = {
    "d->s32", "d->u32", "d->s64", "d->u64", "fcvtns x", "fcvtnu x", "fcvtas w", "fcvtau w",
    "fcvtps x", "fcvtpu w", "fcvtms w", "fcvtmu x", "fcvtzs #16", "fcvtzu #8", "d->f32", "d->f16",
    "roundeven", "round", "ceil", "floor", "trunc", "rint", "nearbyint", "lround",
};

#define ASM_CVT(insn, reg, r, a) __asm__(insn " %" reg "0, %d1" : "=r"(r) : "w"(a))

static __attribute__((noinline)) u64 convert_double(int op, double a, u64 *fpsr)
{
    u64 r = 0;
    double d = 0;
    int is_fp = 0;
    __asm__ volatile("msr fpsr, xzr" : "+w"(a));
    switch (op) {
    case CV_S32: r = (u32)(s32)a; break;
    case CV_U32: r = (u32)a; break;
    case CV_S64: r = (u64)(s64)a; break;
    case CV_U64: r = (u64)a; break;
    case CV_NS_X: ASM_CVT("fcvtns", "x", r, a); break;
    case CV_NU_X: ASM_CVT("fcvtnu", "x", r, a); break;
    case CV_AS_W: ASM_CVT("fcvtas", "w", r, a); break;
    case CV_AU_W: ASM_CVT("fcvtau", "w", r, a); break;
    case CV_PS_X: ASM_CVT("fcvtps", "x", r, a); break;
    case CV_PU_W: ASM_CVT("fcvtpu", "w", r, a); break;
    case CV_MS_W: ASM_CVT("fcvtms", "w", r, a); break;
    case CV_MU_X: ASM_CVT("fcvtmu", "x", r, a); break;
    case CV_ZS_FIX: __asm__("fcvtzs %x0, %d1, #16" : "=r"(r) : "w"(a)); break;
    case CV_ZU_FIX: __asm__("fcvtzu %w0, %d1, #8" : "=r"(r) : "w"(a)); break;
    case CV_TO_F32: {
        float f = (float)a;
        hide(f);
        r = fbits(f);
        break;
    }
    case CV_TO_F16: {
        __fp16 h = (__fp16)a;
        u16 hb;
        __builtin_memcpy(&hb, &h, 2);
        r = hb;
        break;
    }
    case CV_ROUNDEVEN: d = __builtin_roundeven(a); is_fp = 1; break;
    case CV_ROUND: d = __builtin_round(a); is_fp = 1; break;
    case CV_CEIL: d = __builtin_ceil(a); is_fp = 1; break;
    case CV_FLOOR: d = __builtin_floor(a); is_fp = 1; break;
    case CV_TRUNC: d = __builtin_trunc(a); is_fp = 1; break;
    case CV_RINT: d = __builtin_rint(a); is_fp = 1; break;
    case CV_NEARBYINT: d = __builtin_nearbyint(a); is_fp = 1; break;
    case CV_LROUND: r = (u64)__builtin_lround(a); break;
    }
    if (is_fp) {
        *fpsr = READ_FPSR_AFTER(d);
        return dbits(d);
    }
    *fpsr = READ_FPSR_AFTER_X(r);
    return r;
}

enum { CI_SCVTF_D, CI_UCVTF_D, CI_SCVTF_S, CI_UCVTF_S, CI_SCVTF_DW, CI_UCVTF_SW, CI_SCVTF_FIX, CI_UCVTF_FIX, NCI };
static const char *const ci_names[NCI] = {
    "s64->d", "u64->d", "s64->f", "u64->f", "s32->d", "u32->f", "scvtf d #20", "ucvtf s #3",
};

static __attribute__((noinline)) u64 convert_int(int op, u64 x, u64 *fpsr)
{
    double d = 0;
    float f = 0;
    __asm__ volatile("msr fpsr, xzr" : "+r"(x));
    switch (op) {
    case CI_SCVTF_D: d = (double)(s64)x; break;
    case CI_UCVTF_D: d = (double)x; break;
    case CI_SCVTF_S: f = (float)(s64)x; break;
    case CI_UCVTF_S: f = (float)x; break;
    case CI_SCVTF_DW: d = (double)(s32)x; break;
    case CI_UCVTF_SW: f = (float)(u32)x; break;
    case CI_SCVTF_FIX: __asm__("scvtf %d0, %x1, #20" : "=w"(d) : "r"(x)); break;
    case CI_UCVTF_FIX: __asm__("ucvtf %s0, %w1, #3" : "=w"(f) : "r"(x)); break;
    }
    if (op == CI_SCVTF_S || op == CI_UCVTF_S || op == CI_UCVTF_SW || op == CI_UCVTF_FIX) {
        *fpsr = READ_FPSR_AFTER(f);
        return fbits(f);
    }
    *fpsr = READ_FPSR_AFTER(d);
    return dbits(d);
}

enum { CF_TO_D, CF_TO_H, CF_ZS_W, CF_NU_X, CF_RINT, CF_ROUND, CF_FLOOR, NCF };
static const char *const cf_names[NCF] = { "f->d", "f->f16", "f->s32", "fcvtnu x s", "rintf", "roundf", "floorf" };

static __attribute__((noinline)) u64 convert_float(int op, float a, u64 *fpsr)
{
    u64 r = 0;
    __asm__ volatile("msr fpsr, xzr" : "+w"(a));
    switch (op) {
    case CF_TO_D: { double d = a; hide(d); r = dbits(d); break; }
    case CF_TO_H: { __fp16 h = (__fp16)a; u16 hb; __builtin_memcpy(&hb, &h, 2); r = hb; break; }
    case CF_ZS_W: r = (u32)(s32)a; break;
    case CF_NU_X: __asm__("fcvtnu %x0, %s1" : "=r"(r) : "w"(a)); break;
    case CF_RINT: { float f = __builtin_rintf(a); hide(f); r = fbits(f); break; }
    case CF_ROUND: { float f = __builtin_roundf(a); hide(f); r = fbits(f); break; }
    case CF_FLOOR: { float f = __builtin_floorf(a); hide(f); r = fbits(f); break; }
    }
    *fpsr = READ_FPSR_AFTER_X(r);
    return r;
}

/* Half precision in, through __fp16 (FCVT from H; FPCR.AHP selects the alternative format). */
static __attribute__((noinline)) u64 convert_half(int to_double, u16 hb, u64 *fpsr)
{
    __fp16 h;
    u64 r;
    __builtin_memcpy(&h, &hb, 2);
    __asm__ volatile("msr fpsr, xzr" : "+w"(h));
    if (to_double) {
        double d = h;
        hide(d);
        r = dbits(d);
    } else {
        float f = h;
        hide(f);
        r = fbits(f);
    }
    *fpsr = READ_FPSR_AFTER_X(r);
    return r;
}

static void conversion_sweeps(void)
{
    uart_puts("== conversions and rounding: every edge value, every FPCR mode\n");
    for (u32 m = 0; m < NMODES; m++) {
        set_fpcr(modes[m].fpcr);
        for (int op = 0; op < NCV; op++) {
            hash_begin();
            for (u32 i = 0; i < ND; i++) {
                u64 f, r = convert_double(op, dfrom(dvals[i]), &f);
                fold(r, f);
                /* The same operation on x+0.25 and x*0.75 reaches many more fractions. */
                r = convert_double(op, dfrom(dvals[i]) + 0.25, &f);
                fold(r, f);
                r = convert_double(op, dfrom(dvals[i]) * 0.75, &f);
                fold(r, f);
            }
            hash_line(cv_names[op], modes[m].name);
        }
        for (int op = 0; op < NCI; op++) {
            hash_begin();
            for (u32 i = 0; i < NI; i++) {
                u64 f, r = convert_int(op, ivals[i], &f);
                fold(r, f);
                r = convert_int(op, ivals[i] * 0x9e3779b97f4a7c15ul, &f);
                fold(r, f);
            }
            hash_line(ci_names[op], modes[m].name);
        }
        for (int op = 0; op < NCF; op++) {
            hash_begin();
            for (u32 i = 0; i < NF; i++) {
                u64 f, r = convert_float(op, ffrom(fvals[i]), &f);
                fold(r, f);
            }
            hash_line(cf_names[op], modes[m].name);
        }
        for (int to_double = 0; to_double < 2; to_double++) {
            hash_begin();
            for (u32 i = 0; i < NH; i++) {
                u64 f, r = convert_half(to_double, hvals[i], &f);
                fold(r, f);
            }
            hash_line(to_double ? "f16->d" : "f16->f", modes[m].name);
        }
    }
    set_fpcr(0);
}

/* --------------------------------------------------- single results, by name ---- */

static double dv(u32 i) { double d = dfrom(dvals[i]); hide(d); return d; }

static void specials(void)
{
    uart_puts("== special results (bits, FPSR, decimal)\n");
    const double zero = dv(0), one = dv(2), inf = dv(20), dmax = dv(14), dmin = dv(16), tiny = dv(18);
    const double snan = dv(24), qnan = dv(22);
    u64 f;
    double a, b, r;

#define SHOW_OP(name, expr)           \
    do {                              \
        a = one; b = zero;            \
        CLEAR_FPSR2(a, b);            \
        r = (expr);                   \
        f = READ_FPSR_AFTER(r);       \
        show_double_fpsr(name, r, f); \
    } while (0)

    SHOW_OP("1/0", a / b);
    SHOW_OP("-1/0", -a / b);
    SHOW_OP("0/0", b / b);
    SHOW_OP("inf-inf", inf * a - inf);
    SHOW_OP("0*inf", b * inf);
    SHOW_OP("sqrt(-1)", __builtin_sqrt(-a));
    SHOW_OP("sqrt(-0)", __builtin_sqrt(-b));
    SHOW_OP("max*2", dmax * (a + a));
    SHOW_OP("-max*max", -dmax * dmax);
    SHOW_OP("min/3 (underflow)", dmin / (a + a + a));
    SHOW_OP("min/2 (exact subnormal)", dmin / (a + a));
    SHOW_OP("tiny*0.5", tiny * (a * 0.5));
    SHOW_OP("tiny*1.5", tiny * (a * 1.5));
    SHOW_OP("tiny+0", tiny + b);
    SHOW_OP("snan+1", snan + a);
    SHOW_OP("qnan+1", qnan + a);
    SHOW_OP("1+snan(payload)", a + dv(25));
    SHOW_OP("qnan*snan", dv(23) * snan);
    SHOW_OP("fma(0,inf,qnan)", __builtin_fma(b, inf, qnan));
    SHOW_OP("fma(0,inf,1)", __builtin_fma(b, inf, a));
    SHOW_OP("1+2^-53", a + 0x1p-53);
    SHOW_OP("1+2^-52+2^-53", a + 0x1.8p-52);
    SHOW_OP("1/3", a / 3.0);
    SHOW_OP("2/3", (a + a) / 3.0);
    SHOW_OP("0.1+0.2", a * 0.1 + 0.2);
    SHOW_OP("1e308*10", a * 1e308 * 10.0);
    SHOW_OP("sqrt(2)", __builtin_sqrt(a + a));
    SHOW_OP("(float)1e40", (double)(float)(a * 1e40));
    SHOW_OP("(float)1e-46", (double)(float)(a * 1e-46));
    SHOW_OP("(float)(1/3)", (double)(float)(a / 3.0));

    uart_puts("-- the same under FZ, then DN, then RZ, RP, RM\n");
    static const u64 fpcrs[] = { FPCR_FZ, FPCR_DN, FPCR_RZ, FPCR_RP, FPCR_RM };
    static const char *const names[] = { "FZ", "DN", "RZ", "RP", "RM" };
    for (u32 m = 0; m < 5; m++) {
        uart_puts("mode ");
        uart_puts(names[m]);
        uart_puts("\n");
        set_fpcr(fpcrs[m]);
        SHOW_OP("min/3", dmin / (a + a + a));
        SHOW_OP("tiny+0", tiny + b);
        SHOW_OP("tiny*2^60", tiny * 0x1p60);
        SHOW_OP("snan+1", snan + a);
        SHOW_OP("0/0", b / b);
        SHOW_OP("max*2", dmax * (a + a));
        SHOW_OP("-max*2", -dmax * (a + a));
        SHOW_OP("1/3", a / 3.0);
        SHOW_OP("-1/3", -a / 3.0);
        SHOW_OP("rint(2.5)", __builtin_rint(a * 2.5));
        SHOW_OP("rint(-2.5)", __builtin_rint(a * -2.5));
        SHOW_OP("nearbyint(-0.5)", __builtin_nearbyint(a * -0.5));
        SHOW_OP("(float)(1/3)", (double)(float)(a / 3.0));
        SHOW_OP("(double)(2^60+1)", (double)(s64)(((s64)a << 60) + 1));
        SHOW_OP("sqrt(3)", __builtin_sqrt(a * 3.0));
        SHOW_OP("fma(1/3,3,-1)", __builtin_fma(a / 3.0, 3.0, -a));
    }
    set_fpcr(0);
#undef SHOW_OP

    uart_puts("-- rounding functions\n");
    static const double rvals[] = { 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.7, -2.7, 0.49999999999999994, 4503599627370497.0 };
    for (u32 i = 0; i < sizeof(rvals) / sizeof(rvals[0]); i++) {
        double x = rvals[i];
        hide(x);
        show_double("x", x);
        show_double("  floor", __builtin_floor(x));
        show_double("  ceil", __builtin_ceil(x));
        show_double("  trunc", __builtin_trunc(x));
        show_double("  round", __builtin_round(x));
        show_double("  roundeven", __builtin_roundeven(x));
        show_double("  rint", __builtin_rint(x));
        uart_puts("  lround ");
        uart_sdec(__builtin_lround(x));
        uart_puts(" (s64)x ");
        uart_sdec((s64)x);
        uart_puts("\n");
    }
}

/* -------------------------------------------- elementary functions from series ---- */

/* e^x: x = k ln2 + r with |r| <= ln2/2 (ln2 in two parts, Cody-Waite), a Taylor polynomial for
 * e^r in Horner form, then 2^k put straight into the exponent field. */
static double my_exp(double x)
{
    if (x > 709.0) return dfrom(0x7ff0000000000000ul);
    if (x < -745.0) return 0.0;
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    double kf = __builtin_round(x * 1.44269504088896338700);
    s64 k = (s64)kf;
    double r = (x - kf * ln2_hi) - kf * ln2_lo;
    double p = 1.0 / 479001600.0;               /* 1/12! */
    static const double inv_fact[] = { 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0,
                                       1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0 };
    for (u32 i = 0; i < 12; i++) p = p * r + inv_fact[i];
    /* 2^k may not be representable when k is near the ends of the range: scale in two steps. */
    s64 k1 = k / 2, k2 = k - k1;
    p *= dfrom((u64)(k1 + 1023) << 52);
    return p * dfrom((u64)(k2 + 1023) << 52);
}

/* ln x: x = 2^e m with m in [sqrt(1/2), sqrt 2), ln m = 2 atanh(s), s = (m-1)/(m+1). */
static double my_log(double x)
{
    u64 b = dbits(x);
    if (x < 0 || x != x) return dfrom(0x7ff8000000000000ul);
    if (x == 0) return dfrom(0xfff0000000000000ul);
    int e = 0;
    if ((b >> 52) == 0) {   /* subnormal: normalise first */
        x *= 0x1p54;
        e = -54;
        b = dbits(x);
    }
    e += (int)(b >> 52) - 1023;
    double m = dfrom((b & 0xfffffffffffffull) | 0x3ff0000000000000ul);
    if (m > 1.41421356237309504880) {
        m *= 0.5;
        e++;
    }
    double s = (m - 1.0) / (m + 1.0), s2 = s * s, term = s, sum = 0;
    for (int n = 1; n < 40; n += 2) {
        sum += term / n;
        term *= s2;
    }
    return 2.0 * sum + e * 0.69314718055994530942;
}

/* sin and cos: reduce by pi/2 (three-part constant), then Taylor series on [-pi/4, pi/4]. */
static double sin_poly(double r)
{
    double r2 = r * r, term = r, sum = r;
    for (int n = 2; n < 24; n += 2) {
        term *= -r2 / (n * (n + 1));
        sum += term;
    }
    return sum;
}

static double cos_poly(double r)
{
    double r2 = r * r, term = 1.0, sum = 1.0;
    for (int n = 1; n < 24; n += 2) {
        term *= -r2 / (n * (n + 1));
        sum += term;
    }
    return sum;
}

static double my_sincos(double x, int want_cos)
{
    const double pio2_1 = 1.57079632673412561417e+00, pio2_2 = 6.07710050650619224932e-11,
                 pio2_3 = 2.02226624879595063154e-21;
    double kf = __builtin_roundeven(x * 6.36619772367581382433e-01);
    double r = ((x - kf * pio2_1) - kf * pio2_2) - kf * pio2_3;
    u32 q = (u32)(s64)kf + (want_cos ? 1 : 0);
    double v = (q & 1) ? cos_poly(r) : sin_poly(r);
    return (q & 2) ? -v : v;
}

static double my_atan(double x)
{
    /* atan x = 2 atan(x / (1 + sqrt(1 + x^2))) twice brings |x| below 0.42, then the series. */
    double y = x / (1.0 + __builtin_sqrt(1.0 + x * x));
    y = y / (1.0 + __builtin_sqrt(1.0 + y * y));
    double y2 = y * y, term = y, sum = 0;
    for (int n = 1; n < 60; n += 2) {
        sum += term / n;
        term *= -y2;
    }
    return 4.0 * sum;
}

static void elementary(void)
{
    uart_puts("== elementary functions by series\n");
    static const double xs[] = { 0.0, 1.0, -1.0, 0.5, 2.0, 10.0, -10.0, 100.0, 700.0, -740.0, 3.14159265358979312, 1e-5, 12345.678 };
    for (u32 i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
        double x = xs[i];
        hide(x);
        show_double("x", x);
        show_double("  exp", my_exp(x));
        show_double("  log|x|", my_log(__builtin_fabs(x)));
        show_double("  sin", my_sincos(x, 0));
        show_double("  cos", my_sincos(x, 1));
        show_double("  atan", my_atan(x));
    }
    show_double("log(min subnormal)", my_log(dfrom(1)));
    show_double("exp(log(7))", my_exp(my_log(7.0)));
    show_double("4*atan(1) - pi", 4.0 * my_atan(1.0) - 3.14159265358979311600);
}

/* ------------------------------------------------------------------- main ---- */

static __attribute__((noinline)) void run(void)
{
    set_fpcr(0);
    __asm__ volatile("msr fpsr, xzr");
    uart_puts("FP self-check: scalar and vector floating point\n");
    arith_sweeps();
    conversion_sweeps();
    specials();
    elementary();
    vector_kernels();
    neon_checks();
    uart_puts("fp self-check done\n");
}

/*
 * main itself must not touch an FP/SIMD register: until CPACR_EL1.FPEN (and, booted at EL2,
 * CPTR_EL2.TFP) allow it, any such instruction traps. So main is built for the general registers
 * only, enables the FPU, and calls the real program.
 */
__attribute__((target("general-regs-only"))) int main(void)
{
    install_fatal_vectors();
    if (current_el() == 2) WRITE_SYSREG(cptr_el2, READ_SYSREG(cptr_el2) & ~(1ul << 10)); /* TFP = 0 */
    WRITE_SYSREG(cpacr_el1, 3ul << 20);                                                   /* FPEN = 0b11 */
    ISB();
    run();
    return 0;
}
