// isa-selfcheck: runs every integer instruction group over a table of edge-case operands and folds
// each result and each NZCV into a per-group CRC-32, printed as "group <name>: 0x<crc>".
//
// The expected output is whatever qemu-system-aarch64 prints (guests/isa-selfcheck/expected.txt,
// recorded by record-expected.sh); ArmLab must print the same. When a group differs, build the
// verbose variant (-DVERBOSE, see record-expected.sh) on both and diff: it prints every check
// with its operands.
//
// Rules that keep the result identical on every correct implementation:
//  - only architecturally defined behaviour (no UNPREDICTABLE or IMPLEMENTATION DEFINED cases,
//    e.g. no STXR to an address other than the one LDXR marked);
//  - the checksum is a table-driven CRC-32 in plain C, so it does not rely on the CRC32
//    instructions under test;
//  - the output does not depend on the EL (the same at EL2 and EL1) or on the load address
//    (PC-relative results are folded as differences).
//
// Every instruction under test sits in inline assembly; the C around it only feeds operands and
// folds results. Each test first writes NZCV with a known value, so an instruction that must not
// change the flags is checked for that too, and each 32-bit form is checked for zeroing the upper
// half of its destination.
#include "../common/armlab.h"

/* ------------------------------------------------------------------ checksum ---- */

static u32 crc_table[256];
static u32 g_crc;
static u32 g_count;
static const char *g_group;

static void crc_init(void)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
        crc_table[i] = c;
    }
}

static void fold_byte(u32 b) { g_crc = crc_table[(g_crc ^ b) & 0xff] ^ (g_crc >> 8); }

static void fold64(u64 v)
{
    for (int i = 0; i < 8; i++) {
        fold_byte((u32)v & 0xff);
        v >>= 8;
    }
}

static void group_begin(const char *name)
{
    g_group = name;
    g_crc = 0xffffffffu;
    g_count = 0;
}

static void group_end(void)
{
    uart_puts("group ");
    uart_puts(g_group);
    uart_puts(": ");
    uart_hex(~g_crc, 8);
    uart_puts("\n");
}

/* One checked result: the value and the NZCV flags (bits 31..28) the test produced. */
static void check(const char *what, u64 a, u64 b, u64 r, u64 f)
{
    fold64(r);
    fold_byte((u32)(f >> 28));
    g_count++;
#ifdef VERBOSE
#ifdef VERBOSE_GROUP
    /* -DVERBOSE_GROUP='"loadstore"' limits the listing to one group. */
    const char *x = g_group, *y = VERBOSE_GROUP;
    while (*x && *x == *y) x++, y++;
    if (*x != *y) return;
#endif
    uart_puts(g_group);
    uart_putc(' ');
    uart_dec(g_count);
    uart_putc(' ');
    uart_puts(what);
    uart_putc(' ');
    uart_hex(a, 16);
    uart_putc(' ');
    uart_hex(b, 16);
    uart_puts(" -> ");
    uart_hex(r, 16);
    uart_putc(' ');
    uart_hex(f >> 28, 1);
    uart_putc('\n');
#else
    (void)what; (void)a; (void)b;
#endif
}

/* ------------------------------------------------------------------ operands ---- */

static const u64 vals[] = {
    0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x00000001ffffffff, 0x00000000fffffffe,
    0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001, 0xffffffff80000000,
    0xfffffffffffffffe, 0xffffffffffffffff, 0x0123456789abcdef, 0xfedcba9876543210,
    0x5555555555555555, 0xaaaaaaaaaaaaaaaa,
};
#define NVALS (sizeof(vals) / sizeof(vals[0]))

/* Operands for one-input instructions: vals plus every single bit and every low mask. */
static u64 uvals[NVALS + 128];
static u32 n_uvals;

static void uvals_init(void)
{
    n_uvals = 0;
    for (u32 i = 0; i < NVALS; i++) uvals[n_uvals++] = vals[i];
    for (u32 k = 0; k < 64; k++) {
        uvals[n_uvals++] = 1ul << k;
        uvals[n_uvals++] = (1ul << k) - 1 + (1ul << k);   /* k+1 low ones */
    }
}

/* The NZCV values tests start from: all clear (C=0) and all set (C=1). */
static const u64 flags_in[] = { 0x00000000, 0xf0000000 };

/* Small operand set for the condition tests, whose interest is in the 16 x 16 flag/cond matrix. */
static const u64 small_vals[] = { 0, 1, 0x8000000000000000, 0xfffffffffffffffe };

/* ------------------------------------------------------------------ test shapes ---- */

/* A test: r = <instructions>(a, b) with NZCV preset to fin; returns r and the final NZCV. */
typedef void (*opfn)(u64 a, u64 b, u64 fin, u64 *rp, u64 *fp);
struct op { const char *name; opfn fn; };

/* x9, x10 and x30 are free for scratch use inside a test body. */
#define DEF(fname, body)                                                                        \
    static void fname(u64 a, u64 b, u64 fin, u64 *rp, u64 *fp)                                  \
    {                                                                                           \
        u64 r = 0, f;                                                                           \
        __asm__ volatile("msr nzcv, %[fin]\n\t" body "\n\tmrs %[f], nzcv"                        \
                         : [r] "+&r"(r), [f] "=&r"(f)                                          \
                         : [a] "r"(a), [b] "r"(b), [fin] "r"(fin)                               \
                         : "cc", "memory", "x9", "x10", "x30");                                 \
        *rp = r;                                                                                \
        *fp = f;                                                                                \
    }
#define ENTRY(fname, body) { #fname, fname },

static void run_binary(const struct op *ops, u32 nops)
{
    for (u32 o = 0; o < nops; o++)
        for (u32 i = 0; i < NVALS; i++)
            for (u32 j = 0; j < NVALS; j++)
                for (u32 k = 0; k < 2; k++) {
                    u64 r, f;
                    ops[o].fn(vals[i], vals[j], flags_in[k], &r, &f);
                    check(ops[o].name, vals[i], vals[j], r, f);
                }
}

static void run_unary(const struct op *ops, u32 nops)
{
    for (u32 o = 0; o < nops; o++)
        for (u32 i = 0; i < n_uvals; i++)
            for (u32 k = 0; k < 2; k++) {
                u64 r, f;
                ops[o].fn(uvals[i], 0x0123456789abcdef, flags_in[k], &r, &f);
                check(ops[o].name, uvals[i], 0, r, f);
            }
}

/* Condition tests: every NZCV value x a few operand pairs. */
static void run_cond(const struct op *ops, u32 nops)
{
    for (u32 o = 0; o < nops; o++)
        for (u64 nzcv = 0; nzcv < 16; nzcv++)
            for (u32 i = 0; i < 4; i++)
                for (u32 j = 0; j < 4; j++) {
                    u64 r, f;
                    ops[o].fn(small_vals[i], small_vals[j], nzcv << 28, &r, &f);
                    check(ops[o].name, small_vals[i], small_vals[j], r, f);
                }
}

#define RUN(kind, tab) kind(tab, sizeof(tab) / sizeof(tab[0]))

#define FOR_CONDS(M, X)                                                                         \
    M(X, eq) M(X, ne) M(X, cs) M(X, cc) M(X, mi) M(X, pl) M(X, vs) M(X, vc)                     \
    M(X, hi) M(X, ls) M(X, ge) M(X, lt) M(X, gt) M(X, le) M(X, al) M(X, nv)

/* ================================================================== add/sub ==== */

#define ADDSUB_OPS(X)                                                                           \
    X(add_x, "add %[r], %[a], %[b]")                                                            \
    X(add_w, "add %w[r], %w[a], %w[b]")                                                         \
    X(adds_x, "adds %[r], %[a], %[b]")                                                          \
    X(adds_w, "adds %w[r], %w[a], %w[b]")                                                       \
    X(sub_x, "sub %[r], %[a], %[b]")                                                            \
    X(sub_w, "sub %w[r], %w[a], %w[b]")                                                         \
    X(subs_x, "subs %[r], %[a], %[b]")                                                          \
    X(subs_w, "subs %w[r], %w[a], %w[b]")                                                       \
    X(cmp_x, "cmp %[a], %[b]")                                                                  \
    X(cmp_w, "cmp %w[a], %w[b]")                                                                \
    X(cmn_x, "cmn %[a], %[b]")                                                                  \
    X(cmn_w, "cmn %w[a], %w[b]")                                                                \
    X(add_lsl1_x, "add %[r], %[a], %[b], lsl #1")                                               \
    X(adds_lsl63_x, "adds %[r], %[a], %[b], lsl #63")                                           \
    X(subs_lsr17_x, "subs %[r], %[a], %[b], lsr #17")                                           \
    X(adds_asr63_x, "adds %[r], %[a], %[b], asr #63")                                           \
    X(sub_asr5_x, "sub %[r], %[a], %[b], asr #5")                                               \
    X(adds_lsl31_w, "adds %w[r], %w[a], %w[b], lsl #31")                                        \
    X(subs_lsr5_w, "subs %w[r], %w[a], %w[b], lsr #5")                                          \
    X(add_asr31_w, "add %w[r], %w[a], %w[b], asr #31")                                          \
    X(neg_x, "neg %[r], %[b]")                                                                  \
    X(negs_x, "negs %[r], %[b]")                                                                \
    X(negs_w, "negs %w[r], %w[b]")                                                              \
    X(negs_lsl3_x, "negs %[r], %[b], lsl #3")                                                   \
    X(add_uxtb_x, "add %[r], %[a], %w[b], uxtb")                                                \
    X(add_uxth1_x, "add %[r], %[a], %w[b], uxth #1")                                            \
    X(adds_uxtw2_x, "adds %[r], %[a], %w[b], uxtw #2")                                          \
    X(subs_uxtx3_x, "subs %[r], %[a], %[b], uxtx #3")                                           \
    X(sub_sxtb4_x, "sub %[r], %[a], %w[b], sxtb #4")                                            \
    X(adds_sxth_x, "adds %[r], %[a], %w[b], sxth")                                              \
    X(subs_sxtw1_x, "subs %[r], %[a], %w[b], sxtw #1")                                          \
    X(add_sxtx2_x, "add %[r], %[a], %[b], sxtx #2")                                             \
    X(adds_uxtb_w, "adds %w[r], %w[a], %w[b], uxtb #1")                                         \
    X(sub_sxth_w, "sub %w[r], %w[a], %w[b], sxth #3")                                           \
    X(subs_uxtw_w, "subs %w[r], %w[a], %w[b], uxtw #4")                                         \
    X(cmp_sxtw_x, "cmp %[a], %w[b], sxtw")                                                      \
    X(adc_x, "adc %[r], %[a], %[b]")                                                            \
    X(adc_w, "adc %w[r], %w[a], %w[b]")                                                         \
    X(adcs_x, "adcs %[r], %[a], %[b]")                                                          \
    X(adcs_w, "adcs %w[r], %w[a], %w[b]")                                                       \
    X(sbc_x, "sbc %[r], %[a], %[b]")                                                            \
    X(sbc_w, "sbc %w[r], %w[a], %w[b]")                                                         \
    X(sbcs_x, "sbcs %[r], %[a], %[b]")                                                          \
    X(sbcs_w, "sbcs %w[r], %w[a], %w[b]")                                                       \
    X(ngcs_x, "ngcs %[r], %[b]")                                                                \
    X(ngc_w, "ngc %w[r], %w[b]")                                                                \
    /* An ADD/SUB with SP: SP moves by a multiple of 16 and comes straight back. */             \
    X(add_sp_ext, "mov x9, sp\n\tadd sp, sp, %w[b], uxtb #4\n\tmov %[r], sp\n\tmov sp, x9\n\t"  \
                  "sub %[r], %[r], x9")                                                         \
    X(sub_sp_imm, "mov x9, sp\n\tsub sp, sp, #0x1f0\n\tadd %[r], sp, %[b], uxtx #2\n\t"         \
                  "mov sp, x9\n\tsub %[r], %[r], x9")

#define ADDSUB_IMM_OPS(X)                                                                       \
    X(add_imm_x, "add %[r], %[a], #0xfff")                                                      \
    X(add_imm12_x, "add %[r], %[a], #0xabc, lsl #12")                                           \
    X(adds_imm_w, "adds %w[r], %w[a], #1")                                                      \
    X(adds_imm12_x, "adds %[r], %[a], #0x1, lsl #12")                                           \
    X(sub_imm_w, "sub %w[r], %w[a], #0x800")                                                    \
    X(subs_imm_x, "subs %[r], %[a], #4095")                                                     \
    X(subs_imm12_w, "subs %w[r], %w[a], #0xfff, lsl #12")                                       \
    X(cmp_imm0_w, "cmp %w[a], #0")                                                              \
    X(cmp_imm1_x, "cmp %[a], #1")                                                               \
    X(cmn_imm_x, "cmn %[a], #1")                                                                \
    X(cmn_imm_w, "cmn %w[a], #0x80")

ADDSUB_OPS(DEF)
ADDSUB_IMM_OPS(DEF)
static const struct op addsub_tab[] = { ADDSUB_OPS(ENTRY) };
static const struct op addsub_imm_tab[] = { ADDSUB_IMM_OPS(ENTRY) };

/* ================================================================== logical ==== */

#define LOGICAL_OPS(X)                                                                          \
    X(and_x, "and %[r], %[a], %[b]")                                                            \
    X(and_w, "and %w[r], %w[a], %w[b]")                                                         \
    X(ands_x, "ands %[r], %[a], %[b]")                                                          \
    X(ands_w, "ands %w[r], %w[a], %w[b]")                                                       \
    X(orr_x, "orr %[r], %[a], %[b]")                                                            \
    X(orr_w, "orr %w[r], %w[a], %w[b]")                                                         \
    X(orn_x, "orn %[r], %[a], %[b]")                                                            \
    X(orn_w, "orn %w[r], %w[a], %w[b]")                                                         \
    X(eor_x, "eor %[r], %[a], %[b]")                                                            \
    X(eor_w, "eor %w[r], %w[a], %w[b]")                                                         \
    X(eon_x, "eon %[r], %[a], %[b]")                                                            \
    X(eon_w, "eon %w[r], %w[a], %w[b]")                                                         \
    X(bic_x, "bic %[r], %[a], %[b]")                                                            \
    X(bic_w, "bic %w[r], %w[a], %w[b]")                                                         \
    X(bics_x, "bics %[r], %[a], %[b]")                                                          \
    X(bics_w, "bics %w[r], %w[a], %w[b]")                                                       \
    X(tst_x, "tst %[a], %[b]")                                                                  \
    X(tst_w, "tst %w[a], %w[b]")                                                                \
    X(mvn_x, "mvn %[r], %[b]")                                                                  \
    X(mvn_w, "mvn %w[r], %w[b]")                                                                \
    X(mov_w, "mov %w[r], %w[b]")                                                                \
    X(and_lsl7_x, "and %[r], %[a], %[b], lsl #7")                                               \
    X(ands_lsr33_x, "ands %[r], %[a], %[b], lsr #33")                                           \
    X(orr_asr63_x, "orr %[r], %[a], %[b], asr #63")                                             \
    X(eor_ror1_x, "eor %[r], %[a], %[b], ror #1")                                               \
    X(bics_ror47_x, "bics %[r], %[a], %[b], ror #47")                                           \
    X(orn_lsr13_x, "orn %[r], %[a], %[b], lsr #13")                                             \
    X(eon_asr9_x, "eon %[r], %[a], %[b], asr #9")                                               \
    X(ands_lsl31_w, "ands %w[r], %w[a], %w[b], lsl #31")                                        \
    X(orr_lsr1_w, "orr %w[r], %w[a], %w[b], lsr #1")                                            \
    X(eor_asr31_w, "eor %w[r], %w[a], %w[b], asr #31")                                          \
    X(bics_ror17_w, "bics %w[r], %w[a], %w[b], ror #17")                                        \
    X(mvn_ror8_w, "mvn %w[r], %w[b], ror #8")

#define LOGICAL_IMM_OPS(X)                                                                      \
    X(and_imm_x, "and %[r], %[a], #0xff")                                                       \
    X(ands_imm_x, "ands %[r], %[a], #0x8000000000000000")                                       \
    X(orr_imm_x, "orr %[r], %[a], #0x5555555555555555")                                         \
    X(eor_imm_x, "eor %[r], %[a], #0xfffffffffffffffe")                                         \
    X(and_imm2_x, "and %[r], %[a], #0x00ffff0000ffff00")                                        \
    X(orr_imm3_x, "orr %[r], %[a], #0x0f0f0f0f0f0f0f0f")                                        \
    X(ands_imm4_x, "ands %[r], %[a], #0x7ffffffffffffffe")                                      \
    X(ands_imm_w, "ands %w[r], %w[a], #0xffff0000")                                             \
    X(orr_imm_w, "orr %w[r], %w[a], #0x3c3c3c3c")                                               \
    X(eor_imm_w, "eor %w[r], %w[a], #1")                                                        \
    X(and_imm_w, "and %w[r], %w[a], #0x7ffffffe")                                               \
    X(tst_imm_w, "tst %w[a], #0x80000000")                                                      \
    X(tst_imm_x, "tst %[a], #0x3")                                                              \
    X(mov_bitmask_x, "mov %[r], #0xaaaaaaaaaaaaaaaa")                                           \
    X(orr_to_sp, "mov x9, sp\n\torr sp, xzr, #0x40000000\n\tmov %[r], sp\n\tmov sp, x9")

LOGICAL_OPS(DEF)
LOGICAL_IMM_OPS(DEF)
static const struct op logical_tab[] = { LOGICAL_OPS(ENTRY) };
static const struct op logical_imm_tab[] = { LOGICAL_IMM_OPS(ENTRY) };

/* ================================================================== shifts (variable) ==== */

#define SHIFT_OPS(X)                                                                            \
    X(lslv_x, "lsl %[r], %[a], %[b]")                                                           \
    X(lsrv_x, "lsr %[r], %[a], %[b]")                                                           \
    X(asrv_x, "asr %[r], %[a], %[b]")                                                           \
    X(rorv_x, "ror %[r], %[a], %[b]")                                                           \
    X(lslv_w, "lsl %w[r], %w[a], %w[b]")                                                        \
    X(lsrv_w, "lsr %w[r], %w[a], %w[b]")                                                        \
    X(asrv_w, "asr %w[r], %w[a], %w[b]")                                                        \
    X(rorv_w, "ror %w[r], %w[a], %w[b]")

SHIFT_OPS(DEF)
static const struct op shift_tab[] = { SHIFT_OPS(ENTRY) };

/* Every shift amount 0..63 on a few values, so each amount is seen at least once. */
static void shift_amounts(void)
{
    for (u32 o = 0; o < sizeof(shift_tab) / sizeof(shift_tab[0]); o++)
        for (u64 s = 0; s < 70; s++) {
            u64 r, f;
            shift_tab[o].fn(0x8123456789abcdef, s, 0, &r, &f);
            check(shift_tab[o].name, 0x8123456789abcdef, s, r, f);
        }
}

/* ================================================================== bitfield, extract ==== */

#define BITFIELD_OPS(X)                                                                         \
    X(sxtb_x, "sxtb %[r], %w[a]")                                                               \
    X(sxth_x, "sxth %[r], %w[a]")                                                               \
    X(sxtw_x, "sxtw %[r], %w[a]")                                                               \
    X(sxtb_w, "sxtb %w[r], %w[a]")                                                              \
    X(sxth_w, "sxth %w[r], %w[a]")                                                              \
    X(uxtb_w, "uxtb %w[r], %w[a]")                                                              \
    X(uxth_w, "uxth %w[r], %w[a]")                                                              \
    X(lsl1_x, "lsl %[r], %[a], #1")                                                             \
    X(lsl63_x, "lsl %[r], %[a], #63")                                                           \
    X(lsr1_x, "lsr %[r], %[a], #1")                                                             \
    X(lsr63_x, "lsr %[r], %[a], #63")                                                           \
    X(asr1_x, "asr %[r], %[a], #1")                                                             \
    X(asr63_x, "asr %[r], %[a], #63")                                                           \
    X(lsl31_w, "lsl %w[r], %w[a], #31")                                                         \
    X(lsr31_w, "lsr %w[r], %w[a], #31")                                                         \
    X(asr7_w, "asr %w[r], %w[a], #7")                                                           \
    X(sbfx_x, "sbfx %[r], %[a], #3, #5")                                                        \
    X(sbfx2_x, "sbfx %[r], %[a], #32, #32")                                                     \
    X(ubfx_x, "ubfx %[r], %[a], #60, #4")                                                       \
    X(ubfx_w, "ubfx %w[r], %w[a], #7, #20")                                                     \
    X(sbfx_w, "sbfx %w[r], %w[a], #31, #1")                                                     \
    X(sbfiz_x, "sbfiz %[r], %[a], #10, #20")                                                    \
    X(ubfiz_x, "ubfiz %[r], %[a], #31, #33")                                                    \
    X(sbfiz_w, "sbfiz %w[r], %w[a], #28, #3")                                                   \
    X(ubfiz_w, "ubfiz %w[r], %w[a], #1, #31")                                                   \
    X(sbfm_x, "sbfm %[r], %[a], #62, #3")                                                       \
    X(ubfm_x, "ubfm %[r], %[a], #5, #4")                                                        \
    X(sbfm_w, "sbfm %w[r], %w[a], #31, #0")                                                     \
    X(bfi_x, "mov %[r], %[b]\n\tbfi %[r], %[a], #8, #16")                                       \
    X(bfi2_x, "mov %[r], %[b]\n\tbfi %[r], %[a], #63, #1")                                      \
    X(bfxil_x, "mov %[r], %[b]\n\tbfxil %[r], %[a], #40, #24")                                  \
    X(bfi_w, "mov %[r], %[b]\n\tbfi %w[r], %w[a], #4, #28")                                     \
    X(bfxil_w, "mov %[r], %[b]\n\tbfxil %w[r], %w[a], #0, #32")                                 \
    X(bfm_x, "mov %[r], %[b]\n\tbfm %[r], %[a], #60, #10")                                      \
    X(bfm_w, "mov %[r], %[b]\n\tbfm %w[r], %w[a], #3, #30")                                     \
    X(extr0_x, "extr %[r], %[a], %[b], #0")                                                     \
    X(extr1_x, "extr %[r], %[a], %[b], #1")                                                     \
    X(extr32_x, "extr %[r], %[a], %[b], #32")                                                   \
    X(extr63_x, "extr %[r], %[a], %[b], #63")                                                   \
    X(extr0_w, "extr %w[r], %w[a], %w[b], #0")                                                  \
    X(extr15_w, "extr %w[r], %w[a], %w[b], #15")                                                \
    X(extr31_w, "extr %w[r], %w[a], %w[b], #31")                                                \
    X(ror_imm_x, "ror %[r], %[a], #13")                                                         \
    X(ror_imm_w, "ror %w[r], %w[a], #31")

BITFIELD_OPS(DEF)
static const struct op bitfield_tab[] = { BITFIELD_OPS(ENTRY) };

/* ================================================================== conditional ==== */

#define COND_OPS(X, c)                                                                          \
    X(csel_x_##c, "csel %[r], %[a], %[b], " #c)                                                 \
    X(csinc_w_##c, "csinc %w[r], %w[a], %w[b], " #c)                                            \
    X(csinv_x_##c, "csinv %[r], %[a], %[b], " #c)                                               \
    X(csneg_w_##c, "csneg %w[r], %w[a], %w[b], " #c)                                            \
    X(csneg_x_##c, "csneg %[r], %[a], %[b], " #c)                                               \
    X(ccmp_x_##c, "ccmp %[a], %[b], #5, " #c)                                                   \
    X(ccmp_imm_w_##c, "ccmp %w[a], #31, #10, " #c)                                              \
    X(ccmn_w_##c, "ccmn %w[a], %w[b], #0, " #c)                                                 \
    X(ccmn_imm_x_##c, "ccmn %[a], #1, #15, " #c)                                                \
    X(bcond_##c, "mov %[r], #1\n\tb." #c " 1f\n\tmov %[r], #2\n1:")

/* cset/csetm/cinc are aliases that GAS refuses with AL/NV, so they get their own list. */
#define COND_ALIAS_OPS(X, c)                                                                    \
    X(cset_x_##c, "cset %[r], " #c)                                                             \
    X(csetm_w_##c, "csetm %w[r], " #c)                                                          \
    X(cinc_x_##c, "cinc %[r], %[a], " #c)

#define EXPAND_COND(X, c) COND_OPS(X, c)
#define EXPAND_ALIAS(X, c) COND_ALIAS_OPS(X, c)
#define FOR_CONDS_NO_AL(M, X)                                                                   \
    M(X, eq) M(X, ne) M(X, cs) M(X, cc) M(X, mi) M(X, pl) M(X, vs) M(X, vc)                     \
    M(X, hi) M(X, ls) M(X, ge) M(X, lt) M(X, gt) M(X, le)

FOR_CONDS(EXPAND_COND, DEF)
FOR_CONDS_NO_AL(EXPAND_ALIAS, DEF)
static const struct op cond_tab[] = { FOR_CONDS(EXPAND_COND, ENTRY) FOR_CONDS_NO_AL(EXPAND_ALIAS, ENTRY) };

/* NZCV itself: MSR writes only bits 31..28, the rest is RES0. */
#define NZCV_OPS(X)                                                                             \
    X(msr_nzcv, "msr nzcv, %[a]\n\tmrs %[r], nzcv")

NZCV_OPS(DEF)
static const struct op nzcv_tab[] = { NZCV_OPS(ENTRY) };

/* ================================================================== bit operations ==== */

#define BITOPS_OPS(X)                                                                           \
    X(clz_x, "clz %[r], %[a]")                                                                  \
    X(clz_w, "clz %w[r], %w[a]")                                                                \
    X(cls_x, "cls %[r], %[a]")                                                                  \
    X(cls_w, "cls %w[r], %w[a]")                                                                \
    X(rbit_x, "rbit %[r], %[a]")                                                                \
    X(rbit_w, "rbit %w[r], %w[a]")                                                              \
    X(rev_x, "rev %[r], %[a]")                                                                  \
    X(rev_w, "rev %w[r], %w[a]")                                                                \
    X(rev16_x, "rev16 %[r], %[a]")                                                              \
    X(rev16_w, "rev16 %w[r], %w[a]")                                                            \
    X(rev32_x, "rev32 %[r], %[a]")

BITOPS_OPS(DEF)
static const struct op bitops_tab[] = { BITOPS_OPS(ENTRY) };

/* ================================================================== multiply/divide ==== */

#define MULDIV_OPS(X)                                                                           \
    X(mul_x, "mul %[r], %[a], %[b]")                                                            \
    X(mul_w, "mul %w[r], %w[a], %w[b]")                                                         \
    X(madd_x, "madd %[r], %[a], %[b], %[a]")                                                    \
    X(madd_w, "madd %w[r], %w[a], %w[b], %w[b]")                                                \
    X(msub_x, "msub %[r], %[a], %[b], %[b]")                                                    \
    X(msub_w, "msub %w[r], %w[a], %w[b], %w[a]")                                                \
    X(mneg_x, "mneg %[r], %[a], %[b]")                                                          \
    X(smaddl, "smaddl %[r], %w[a], %w[b], %[a]")                                                \
    X(smsubl, "smsubl %[r], %w[a], %w[b], %[b]")                                                \
    X(umaddl, "umaddl %[r], %w[a], %w[b], %[a]")                                                \
    X(umsubl, "umsubl %[r], %w[a], %w[b], %[b]")                                                \
    X(smull, "smull %[r], %w[a], %w[b]")                                                        \
    X(umull, "umull %[r], %w[a], %w[b]")                                                        \
    X(smnegl, "smnegl %[r], %w[a], %w[b]")                                                      \
    X(umnegl, "umnegl %[r], %w[a], %w[b]")                                                      \
    X(smulh, "smulh %[r], %[a], %[b]")                                                          \
    X(umulh, "umulh %[r], %[a], %[b]")                                                          \
    X(udiv_x, "udiv %[r], %[a], %[b]")                                                          \
    X(udiv_w, "udiv %w[r], %w[a], %w[b]")                                                       \
    X(sdiv_x, "sdiv %[r], %[a], %[b]")                                                          \
    X(sdiv_w, "sdiv %w[r], %w[a], %w[b]")

MULDIV_OPS(DEF)
static const struct op muldiv_tab[] = { MULDIV_OPS(ENTRY) };

/* ================================================================== CRC32 ==== */

#define CRC_OPS(X)                                                                              \
    X(crc32b, ".arch_extension crc\n\tcrc32b %w[r], %w[a], %w[b]")                                                     \
    X(crc32h, ".arch_extension crc\n\tcrc32h %w[r], %w[a], %w[b]")                                                     \
    X(crc32w, ".arch_extension crc\n\tcrc32w %w[r], %w[a], %w[b]")                                                     \
    X(crc32x, ".arch_extension crc\n\tcrc32x %w[r], %w[a], %[b]")                                                      \
    X(crc32cb, ".arch_extension crc\n\tcrc32cb %w[r], %w[a], %w[b]")                                                   \
    X(crc32ch, ".arch_extension crc\n\tcrc32ch %w[r], %w[a], %w[b]")                                                   \
    X(crc32cw, ".arch_extension crc\n\tcrc32cw %w[r], %w[a], %w[b]")                                                   \
    X(crc32cx, ".arch_extension crc\n\tcrc32cx %w[r], %w[a], %[b]")

/* CRC32 is optional in ARMv8.0 (Cortex-A57 has it): each body enables it for the assembler. */
CRC_OPS(DEF)
static const struct op crc_tab[] = { CRC_OPS(ENTRY) };

/* ================================================================== move wide, PC-relative ==== */

#define MOVE_OPS(X)                                                                             \
    X(movz_x, "movz %[r], #0xffff, lsl #48")                                                    \
    X(movz_w, "movz %w[r], #0x8001, lsl #16")                                                   \
    X(movn_x, "movn %[r], #0x1234, lsl #32")                                                    \
    X(movn_w, "movn %w[r], #0")                                                                 \
    X(movk0_x, "mov %[r], %[a]\n\tmovk %[r], #0xbeef")                                          \
    X(movk16_x, "mov %[r], %[a]\n\tmovk %[r], #0x1234, lsl #16")                                \
    X(movk48_x, "mov %[r], %[a]\n\tmovk %[r], #0xfedc, lsl #48")                                \
    X(movk16_w, "mov %[r], %[a]\n\tmovk %w[r], #0x8000, lsl #16")                               \
    X(mov_reg_x, "mov %[r], %[a]")                                                              \
    X(adr_fwd, "adr %[r], 1f\n\tnop\n1:\tadr x9, 1b\n\tsub %[r], %[r], x9")                     \
    X(adr_back, "1:\tnop\n\tadr %[r], 1b\n\tadr x9, 1b\n\tsub %[r], x9, %[r]")                  \
    X(adrp, "adrp %[r], 1f\n1:\tadr x9, 1b\n\tand x9, x9, #0xfffffffffffff000\n\t"              \
            "sub %[r], %[r], x9")

MOVE_OPS(DEF)
static const struct op move_tab[] = { MOVE_OPS(ENTRY) };

/* ================================================================== branches ==== */

#define TB_OPS(X, bit)                                                                          \
    X(tbz_##bit, "mov %[r], #1\n\ttbz %[a], #" #bit ", 1f\n\tmov %[r], #2\n1:")                 \
    X(tbnz_##bit, "mov %[r], #1\n\ttbnz %[a], #" #bit ", 1f\n\tmov %[r], #2\n1:")
#define TBW_OPS(X, bit)                                                                         \
    X(tbz_w_##bit, "mov %[r], #1\n\ttbz %w[a], #" #bit ", 1f\n\tmov %[r], #2\n1:")
#define FOR_BITS(X)                                                                             \
    TB_OPS(X, 0) TB_OPS(X, 1) TB_OPS(X, 7) TB_OPS(X, 8) TB_OPS(X, 15) TB_OPS(X, 16)             \
    TB_OPS(X, 31) TB_OPS(X, 32) TB_OPS(X, 33) TB_OPS(X, 47) TB_OPS(X, 62) TB_OPS(X, 63)         \
    TBW_OPS(X, 0) TBW_OPS(X, 31)

#define BRANCH_OPS(X)                                                                           \
    X(cbz_x, "mov %[r], #1\n\tcbz %[a], 1f\n\tmov %[r], #2\n1:")                                \
    X(cbnz_x, "mov %[r], #1\n\tcbnz %[a], 1f\n\tmov %[r], #2\n1:")                              \
    X(cbz_w, "mov %[r], #1\n\tcbz %w[a], 1f\n\tmov %[r], #2\n1:")                               \
    X(cbnz_w, "mov %[r], #1\n\tcbnz %w[a], 1f\n\tmov %[r], #2\n1:")                             \
    X(b_fwd, "mov %[r], #1\n\tb 1f\n\tmov %[r], #2\n1:")                                        \
    X(b_back, "mov %[r], #0\n\tb 2f\n1:\tadd %[r], %[r], #4\n\tb 3f\n2:\tadd %[r], %[r], #1\n\t" \
              "b 1b\n3:")                                                                       \
    X(bl, "adr %[r], 2f\n\tbl 2f\n2:\tsub %[r], x30, %[r]")                                     \
    X(br, "adr x9, 1f\n\tadr x10, 2f\n\ttst %[a], #1\n\tcsel x9, x9, x10, eq\n\tmov %[r], #0\n\t" \
          "br x9\n1:\tadd %[r], %[r], #1\n2:\tadd %[r], %[r], #2")                              \
    X(blr, "adr x9, 1f\n\tblr x9\n1:\tadr x10, 1b\n\tsub %[r], x30, x10")                       \
    X(ret, "adr x30, 1f\n\tmov %[r], #1\n\tret\n\tmov %[r], #2\n1:")                            \
    X(ret_x9, "adr x9, 1f\n\tmov %[r], #1\n\tret x9\n\tmov %[r], #2\n1:")

FOR_BITS(DEF)
BRANCH_OPS(DEF)
static const struct op branch_tab[] = { FOR_BITS(ENTRY) BRANCH_OPS(ENTRY) };

/* ================================================================== hints, system ==== */

/* Hints must not change anything. PAC and BTI live in the hint space and are NOPs on ARMv8.0. */
#define HINT_OPS(X)                                                                             \
    X(nop, "mov %[r], %[a]\n\tnop")                                                             \
    X(yield, "mov %[r], %[a]\n\tyield")                                                         \
    X(barriers, "mov %[r], %[a]\n\tdmb ish\n\tdsb sy\n\tisb\n\tdmb ishld\n\tdsb ishst")         \
    X(paciasp, "mov x30, %[a]\n\thint #25\n\thint #29\n\tmov %[r], x30")                        \
    X(pacibsp, "mov x30, %[a]\n\thint #27\n\thint #31\n\tmov %[r], x30")                        \
    X(bti, "mov %[r], %[a]\n\thint #34\n\thint #38\n\thint #36")                                \
    X(xpaclri, "mov x30, %[a]\n\thint #7\n\tmov %[r], x30")                                     \
    X(tpidr_el0, "mrs x9, tpidr_el0\n\tmsr tpidr_el0, %[a]\n\tmrs %[r], tpidr_el0\n\t"          \
                 "msr tpidr_el0, x9")

HINT_OPS(DEF)
static const struct op hint_tab[] = { HINT_OPS(ENTRY) };

/* ================================================================== loads and stores ==== */

/* 256 bytes of a pattern whose bytes cross 0x80 often, so sign extension shows. The buffer is
 * 16-byte aligned and every access below is naturally aligned (the MMU is off). */
static u8 mem[256] __attribute__((aligned(16)));
static u8 scr[96] __attribute__((aligned(16)));

static void mem_init(void)
{
    for (u32 i = 0; i < sizeof(mem); i++) mem[i] = (u8)(i * 0x9d + 0x5b);
}

static void scr_init(void)
{
    for (u32 i = 0; i < sizeof(scr); i++) scr[i] = (u8)(i * 0x35 + 0xc1);
}

/* Fold the whole scratch buffer: what a store wrote, and that it wrote nothing else. */
static void check_scr(const char *what, u64 v)
{
    const u64 *w = (const u64 *)scr;
    for (u32 i = 0; i < sizeof(scr) / 8; i++) check(what, v, i, w[i], 0);
}

/* A load: r = <body>(p, i); p is a pointer into mem, i an index register. */
#define LD(fname, body)                                                                         \
    static u64 fname(const u8 *p, u64 i)                                                        \
    {                                                                                           \
        u64 r;                                                                                  \
        __asm__ volatile(body : [r] "=&r"(r) : [p] "r"(p), [i] "r"(i) : "memory", "x9", "x10");  \
        return r;                                                                               \
    }
/* A load with base writeback: returns r and how far the base moved. */
#define LDWB(fname, body)                                                                       \
    static u64 fname(const u8 *p, u64 i, u64 *moved)                                            \
    {                                                                                           \
        u64 r;                                                                                  \
        const u8 *q = p;                                                                        \
        (void)i;                                                                                \
        __asm__ volatile(body : [r] "=&r"(r), [p] "+r"(q) : : "memory", "x9", "x10");           \
        *moved = (u64)(q - p);                                                                  \
        return r;                                                                               \
    }
/* A store of v through p (pointing into scr); returns how far the base moved (0 if no writeback). */
#define ST(fname, body)                                                                         \
    static u64 fname(u8 *p, u64 i, u64 v)                                                       \
    {                                                                                           \
        u8 *q = p;                                                                              \
        (void)i;                                                                                \
        __asm__ volatile(body : [p] "+r"(q) : [i] "r"(i), [v] "r"(v) : "memory", "x9", "x10");   \
        return (u64)(q - p);                                                                    \
    }

/* Loads, base + immediate / unscaled / register offset. p is 16-aligned, 32 bytes into mem. */
#define LOAD_OPS(X)                                                                             \
    X(ldrb_imm, "ldrb %w[r], [%[p], #7]")                                                       \
    X(ldrsb_w, "ldrsb %w[r], [%[p], #1]")                                                       \
    X(ldrsb_x, "ldrsb %[r], [%[p], #2]")                                                        \
    X(ldrh_imm, "ldrh %w[r], [%[p], #6]")                                                       \
    X(ldrsh_w, "ldrsh %w[r], [%[p], #2]")                                                       \
    X(ldrsh_x, "ldrsh %[r], [%[p], #4]")                                                        \
    X(ldr_w_imm, "ldr %w[r], [%[p], #12]")                                                      \
    X(ldrsw_imm, "ldrsw %[r], [%[p], #4]")                                                      \
    X(ldr_x_imm, "ldr %[r], [%[p], #24]")                                                       \
    X(ldr_x_imm0, "ldr %[r], [%[p]]")                                                           \
    X(ldurb, "ldurb %w[r], [%[p], #-1]")                                                        \
    X(ldursb, "ldursb %[r], [%[p], #-3]")                                                       \
    X(ldurh, "ldurh %w[r], [%[p], #-2]")                                                        \
    X(ldursh_w, "ldursh %w[r], [%[p], #-14]")                                                   \
    X(ldur_w, "ldur %w[r], [%[p], #-4]")                                                        \
    X(ldursw, "ldursw %[r], [%[p], #-12]")                                                      \
    X(ldur_x, "ldur %[r], [%[p], #-16]")                                                        \
    X(ldr_x_reg_lsl, "ldr %[r], [%[p], %[i], lsl #3]")                                          \
    X(ldr_x_reg, "lsl x9, %[i], #3\n\tldr %[r], [%[p], x9]")                                    \
    X(ldr_w_uxtw, "ldr %w[r], [%[p], %w[i], uxtw #2]")                                          \
    X(ldrsw_sxtw, "neg w9, %w[i]\n\tldrsw %[r], [%[p], w9, sxtw #2]")                           \
    X(ldrh_sxtw, "neg w9, %w[i]\n\tldrh %w[r], [%[p], w9, sxtw #1]")                            \
    X(ldrsh_uxtw, "lsl w9, %w[i], #1\n\tldrsh %[r], [%[p], w9, uxtw]")                                            \
    X(ldrb_reg, "ldrb %w[r], [%[p], %[i]]")                                                     \
    X(ldrsb_sxtx, "neg x9, %[i]\n\tldrsb %w[r], [%[p], x9, sxtx]")                              \
    X(ldr_x_sxtw, "neg w9, %w[i]\n\tlsl w9, w9, #3\n\tldr %[r], [%[p], w9, sxtw]")              \
    X(ldtr_x, "ldtr %[r], [%[p], #8]")                                                          \
    X(ldtrsh, "ldtrsh %[r], [%[p], #-2]")                                                       \
    X(ldtrb, "ldtrb %w[r], [%[p], #3]")                                                         \
    X(ldp_x, "ldp %[r], x9, [%[p], #-16]\n\teor %[r], %[r], x9, ror #7")                        \
    X(ldp_w, "ldp %w[r], w9, [%[p], #8]\n\teor %[r], %[r], x9, lsl #32")                        \
    X(ldpsw, "ldpsw %[r], x9, [%[p], #-8]\n\teor %[r], %[r], x9, ror #13")                      \
    X(ldnp_x, "ldnp x9, %[r], [%[p], #16]\n\teor %[r], %[r], x9, ror #3")                       \
    X(ldar_x, "ldar %[r], [%[p]]")                                                              \
    X(ldarb, "add x9, %[p], #5\n\tldarb %w[r], [x9]")                                           \
    X(ldarh, "add x9, %[p], #6\n\tldarh %w[r], [x9]")                                           \
    X(ldar_w, "add x9, %[p], #4\n\tldar %w[r], [x9]")                                           \
    X(prfm, "prfm pldl1keep, [%[p]]\n\tprfm pstl2strm, [%[p], #64]\n\t"                        \
            "prfm plil3keep, [%[p], %[i], lsl #3]\n\tprfum pldl2keep, [%[p], #-3]\n\t"             \
            "ldr %[r], [%[p], #8]")                                                             \
    X(ldr_sp, "mov x10, sp\n\tmov sp, %[p]\n\tldr %[r], [sp, #16]\n\tmov sp, x10")

#define LOADWB_OPS(X)                                                                           \
    X(ldr_x_pre, "ldr %[r], [%[p], #8]!")                                                       \
    X(ldr_x_post, "ldr %[r], [%[p]], #-16")                                                     \
    X(ldrb_pre, "ldrb %w[r], [%[p], #-1]!")                                                     \
    X(ldrsh_post, "ldrsh %[r], [%[p]], #2")                                                     \
    X(ldrsw_pre, "ldrsw %[r], [%[p], #-4]!")                                                    \
    X(ldp_x_pre, "ldp %[r], x9, [%[p], #-32]!\n\tadd %[r], %[r], x9")                           \
    X(ldp_w_post, "ldp %w[r], w9, [%[p]], #24\n\tsub %[r], %[r], x9")                           \
    X(ldpsw_post, "ldpsw %[r], x9, [%[p]], #-8\n\teor %[r], %[r], x9, lsl #1")                  \
    X(ldr_w_pre, "ldr %w[r], [%[p], #-12]!")                                                    \
    X(ldr_w_post, "ldr %w[r], [%[p]], #255")                                                    \
    X(ldrh_post, "ldrh %w[r], [%[p]], #-256")                                                   \
    X(ldrsh_w_pre, "ldrsh %w[r], [%[p], #6]!")                                                  \
    X(ldrsb_x_pre, "ldrsb %[r], [%[p], #3]!")                                                   \
    X(ldrsb_w_post, "ldrsb %w[r], [%[p]], #1")                                                  \
    X(ldrb_post, "ldrb %w[r], [%[p]], #-7")                                                     \
    X(ldrsw_post, "ldrsw %[r], [%[p]], #4")

#define STORE_OPS(X)                                                                            \
    X(strb_imm, "strb %w[v], [%[p], #3]")                                                       \
    X(strh_imm, "strh %w[v], [%[p], #6]")                                                       \
    X(str_w_imm, "str %w[v], [%[p], #12]")                                                      \
    X(str_x_imm, "str %[v], [%[p], #8]")                                                        \
    X(sturb, "sturb %w[v], [%[p], #-5]")                                                        \
    X(sturh, "sturh %w[v], [%[p], #-2]")                                                        \
    X(stur_w, "stur %w[v], [%[p], #-12]")                                                       \
    X(stur_x, "stur %[v], [%[p], #-8]")                                                         \
    X(str_x_reg, "str %[v], [%[p], %[i], lsl #3]")                                              \
    X(str_w_sxtw, "neg w9, %w[i]\n\tstr %w[v], [%[p], w9, sxtw #2]")                            \
    X(strh_uxtw, "strh %w[v], [%[p], %w[i], uxtw #1]")                                          \
    X(strb_reg, "strb %w[v], [%[p], %[i]]")                                                     \
    X(str_x_pre, "str %[v], [%[p], #-8]!")                                                      \
    X(str_w_post, "str %w[v], [%[p]], #4")                                                      \
    X(strb_post, "strb %w[v], [%[p]], #-1")                                                     \
    X(strh_pre, "strh %w[v], [%[p], #2]!")                                                      \
    X(stp_x, "ror x9, %[v], #32\n\tstp %[v], x9, [%[p], #-16]")                                 \
    X(stp_w, "ror x9, %[v], #16\n\tstp %w[v], w9, [%[p], #4]")                                  \
    X(stp_x_pre, "mvn x9, %[v]\n\tstp x9, %[v], [%[p], #16]!")                                  \
    X(stp_w_post, "mvn x9, %[v]\n\tstp w9, %w[v], [%[p]], #-24")                                \
    X(stnp_x, "eor x9, %[v], #1\n\tstnp %[v], x9, [%[p], #-32]")                                \
    X(sttr_x, "sttr %[v], [%[p], #-8]")                                                         \
    X(sttrh, "sttrh %w[v], [%[p], #10]")                                                        \
    X(stlr_x, "stlr %[v], [%[p]]")                                                              \
    X(stlrb, "add x9, %[p], #1\n\tstlrb %w[v], [x9]")                                           \
    X(stlrh, "add x9, %[p], #2\n\tstlrh %w[v], [x9]")                                           \
    X(stlr_w, "add x9, %[p], #4\n\tstlr %w[v], [x9]")                                           \
    X(str_xzr, "str xzr, [%[p], #16]\n\tstrb wzr, [%[p], #-1]")                                 \
    X(str_sp, "mov x10, sp\n\tand x9, %[p], #0xfffffffffffffff0\n\tmov sp, x9\n\t"            \
              "str %[v], [sp, #-16]!\n\tstr %w[v], [sp, #4]\n\tmov sp, x10")

LOAD_OPS(LD)
LOADWB_OPS(LDWB)
STORE_OPS(ST)

struct ldop { const char *name; u64 (*fn)(const u8 *, u64); };
struct ldwbop { const char *name; u64 (*fn)(const u8 *, u64, u64 *); };
struct stop { const char *name; u64 (*fn)(u8 *, u64, u64); };
static const struct ldop load_tab[] = { LOAD_OPS(ENTRY) };
static const struct ldwbop loadwb_tab[] = { LOADWB_OPS(ENTRY) };
static const struct stop store_tab[] = { STORE_OPS(ENTRY) };

/* Literal loads read from the code stream. */
static u64 literal_loads(void)
{
    u64 a, b, c;
    __asm__ volatile("ldr %0, 1f\n\t"
                     "ldr %w1, 2f\n\t"
                     "ldrsw %2, 2f\n\t"
                     "b 3f\n\t"
                     ".balign 8\n"
                     "1:\t.quad 0x8877665544332211\n"
                     "2:\t.word 0x89abcdef\n"
                     "3:"
                     : "=r"(a), "=r"(b), "=r"(c));
    return a ^ (b << 8) ^ (c << 1);
}

static void loadstore_tests(void)
{
    /* Loads, base p = mem + 32 + 16*k, index 0..3. */
    for (u32 o = 0; o < sizeof(load_tab) / sizeof(load_tab[0]); o++)
        for (u32 k = 0; k < 8; k++)
            for (u64 i = 0; i < 4; i++)
                check(load_tab[o].name, k, i, load_tab[o].fn(mem + 32 + 16 * k, i), 0);
    for (u32 o = 0; o < sizeof(loadwb_tab) / sizeof(loadwb_tab[0]); o++)
        for (u32 k = 0; k < 8; k++) {
            u64 moved;
            u64 r = loadwb_tab[o].fn(mem + 64 + 16 * k, 0, &moved);
            check(loadwb_tab[o].name, k, moved, r, 0);
        }
    /* Stores: each of a few values, at two bases and two indices; fold all of scr afterwards. */
    for (u32 o = 0; o < sizeof(store_tab) / sizeof(store_tab[0]); o++)
        for (u32 v = 0; v < NVALS; v += 3)
            for (u32 k = 0; k < 2; k++)
                for (u64 i = 1; i < 3; i++) {
                    scr_init();
                    u64 moved = store_tab[o].fn(scr + 32 + 8 * k, i, vals[v]);
                    check(store_tab[o].name, vals[v], i, moved, 0);
                    check_scr(store_tab[o].name, vals[v]);
                }
    check("literal", 0, 0, literal_loads(), 0);
}

/* Exclusives: a successful LDXR/STXR pair writes and reports 0; after CLREX the STXR fails (1)
 * and leaves memory alone. Pairs need their total size as alignment. */
static void exclusive_tests(void)
{
    for (u32 v = 0; v < NVALS; v++) {
        u64 val = vals[v];
        u64 old, st1, st2, old2, st3;
        scr_init();
        __asm__ volatile("ldxr %[old], [%[p]]\n\t"
                         "stxr %w[s1], %[v], [%[p]]\n\t"
                         "ldaxr %[old2], [%[p]]\n\t"
                         "clrex\n\t"
                         "stxr %w[s2], xzr, [%[p]]\n\t"
                         "add x9, %[p], #8\n\t"
                         "ldaxr w10, [x9]\n\t"
                         "stlxr %w[s3], %w[v], [x9]"
                         : [old] "=&r"(old), [s1] "=&r"(st1), [old2] "=&r"(old2), [s2] "=&r"(st2),
                           [s3] "=&r"(st3)
                         : [p] "r"(scr + 16), [v] "r"(val)
                         : "memory", "x9", "x10");
        check("ldxr/stxr x", val, st1, old, 0);
        check("stxr after clrex", val, st2, old2, 0);
        check("stlxr w", val, st3, 0, 0);
        check_scr("excl x", val);

        u64 sb, sh, ob, oh;
        scr_init();
        __asm__ volatile("ldxrb %w[ob], [%[p]]\n\t"
                         "stxrb %w[sb], %w[v], [%[p]]\n\t"
                         "add x9, %[p], #2\n\t"
                         "ldaxrh %w[oh], [x9]\n\t"
                         "stlxrh %w[sh], %w[v], [x9]"
                         : [ob] "=&r"(ob), [sb] "=&r"(sb), [oh] "=&r"(oh), [sh] "=&r"(sh)
                         : [p] "r"(scr + 24), [v] "r"(val)
                         : "memory", "x9");
        check("ldxrb/stxrb", ob, sb, oh, sh << 28);
        check_scr("excl bh", val);

        u64 p0, p1, sp1, w0, w1, sp2;
        scr_init();
        __asm__ volatile("ldxp %[p0], %[p1], [%[p]]\n\t"
                         "stxp %w[sp1], %[v], %[p0], [%[p]]\n\t"
                         "add x9, %[p], #16\n\t"
                         "ldaxp %w[w0], %w[w1], [x9]\n\t"
                         "stlxp %w[sp2], %w[w1], %w[v], [x9]"
                         : [p0] "=&r"(p0), [p1] "=&r"(p1), [sp1] "=&r"(sp1), [w0] "=&r"(w0),
                           [w1] "=&r"(w1), [sp2] "=&r"(sp2)
                         : [p] "r"(scr + 16), [v] "r"(val)
                         : "memory", "x9");
        check("ldxp/stxp", p0, p1, sp1, 0);
        check("ldaxp/stlxp w", w0, w1, sp2, 0);
        check_scr("excl pair", val);
    }
}

/* ================================================================== main ==== */

int main(void)
{
    install_fatal_vectors();
    crc_init();
    uvals_init();
    mem_init();
    uart_puts("ISA self-check: integer instruction groups\n");

    group_begin("addsub");
    RUN(run_binary, addsub_tab);
    RUN(run_unary, addsub_imm_tab);
    group_end();

    group_begin("logical");
    RUN(run_binary, logical_tab);
    RUN(run_unary, logical_imm_tab);
    group_end();

    group_begin("shift");
    RUN(run_binary, shift_tab);
    shift_amounts();
    group_end();

    group_begin("bitfield");
    RUN(run_binary, bitfield_tab);
    group_end();

    group_begin("condsel");
    RUN(run_cond, cond_tab);
    RUN(run_unary, nzcv_tab);
    group_end();

    group_begin("bitops");
    RUN(run_unary, bitops_tab);
    group_end();

    group_begin("muldiv");
    RUN(run_binary, muldiv_tab);
    group_end();

    group_begin("crc32");
    RUN(run_binary, crc_tab);
    group_end();

    group_begin("movewide");
    RUN(run_unary, move_tab);
    group_end();

    group_begin("branch");
    RUN(run_unary, branch_tab);
    group_end();

    group_begin("hints");
    RUN(run_unary, hint_tab);
    group_end();

    group_begin("loadstore");
    loadstore_tests();
    group_end();

    group_begin("exclusive");
    exclusive_tests();
    group_end();

    uart_puts("ISA self-check done\n");
    return 0;
}
