// Advanced SIMD through arm_neon.h intrinsics: the permutes, table lookups, structured loads and
// stores, saturating narrows and across-lane reductions that hand-written SIMD code (glibc's
// string functions, codecs) uses and that the auto-vectoriser rarely picks. Plus two C loops over
// interleaved data, which GCC vectorises with LD2/ST2 and LD3.
#include <arm_neon.h>
#include "fp.h"

#define A16 __attribute__((aligned(16)))

static u8 bytes[64] A16;
static u8 out[64] A16;
static s16 halves[32] A16;
static s32 words[16] A16;
static float floats[16] A16;

static void hash_q(uint8x16_t v)
{
    vst1q_u8(out, v);
    for (u32 i = 0; i < 16; i++) hash(out[i]);
}

static void fill(void)
{
    u32 x = 0x12345678u;
    for (u32 i = 0; i < 64; i++) {
        x = x * 1103515245u + 12345u;
        bytes[i] = (u8)(x >> 16);
    }
    for (u32 i = 0; i < 32; i++) halves[i] = (s16)(bytes[i] * 257 - 32768 + (s16)i * 91);
    for (u32 i = 0; i < 16; i++) words[i] = (s32)((u32)bytes[i] << 24 | (u32)bytes[i + 16] << 9) - 0x40000000;
    for (u32 i = 0; i < 16; i++) floats[i] = (float)words[i] * 0x1p-20f;
    floats[3] = __builtin_nanf("");
    floats[7] = -__builtin_inff();
    floats[11] = 0x1p-140f;   /* subnormal */
}

static __attribute__((noinline)) void permutes(void)
{
    uint8x16_t a = vld1q_u8(bytes), b = vld1q_u8(bytes + 16), c = vld1q_u8(bytes + 32);
    hash_begin();
    hash_q(vzip1q_u8(a, b));
    hash_q(vzip2q_u8(a, b));
    hash_q(vuzp1q_u8(a, c));
    hash_q(vuzp2q_u8(a, c));
    hash_q(vtrn1q_u8(b, c));
    hash_q(vtrn2q_u8(b, c));
    hash_q(vextq_u8(a, b, 5));
    hash_q(vrev64q_u8(a));
    hash_q(vreinterpretq_u8_u16(vrev32q_u16(vreinterpretq_u16_u8(b))));
    hash_q(vcntq_u8(c));
    hash_q(vrbitq_u8(a));
    /* TBL with in-range and out-of-range indices (those give 0), TBX keeps the destination. */
    uint8x16_t idx = vandq_u8(c, vdupq_n_u8(0x3f));
    uint8x16x2_t tab2 = { { a, b } };
    hash_q(vqtbl1q_u8(a, idx));
    hash_q(vqtbl2q_u8(tab2, idx));
    hash_q(vqtbx1q_u8(c, b, idx));
    hash_q(vdupq_laneq_u8(b, 9));
    hash_q(vcopyq_laneq_u8(a, 3, c, 12));
    hash_line("permutes", "-");
}

static __attribute__((noinline)) void structured(void)
{
    hash_begin();
    uint8x16x3_t t3 = vld3q_u8(bytes);
    hash_q(t3.val[0]);
    hash_q(t3.val[1]);
    hash_q(t3.val[2]);
    uint16x8x4_t t4 = vld4q_u16((const u16 *)halves);
    hash_q(vreinterpretq_u8_u16(vaddq_u16(t4.val[0], t4.val[3])));
    hash_q(vreinterpretq_u8_u16(vsubq_u16(t4.val[1], t4.val[2])));
    uint32x4x2_t t2 = vld2q_u32((const u32 *)words);
    vst2q_u32((u32 *)(void *)out, (uint32x4x2_t){ { t2.val[1], t2.val[0] } });
    for (u32 i = 0; i < 32; i++) hash(out[i]);
    uint8x16_t r = vld1q_dup_u8(bytes + 7);
    hash_q(r);
    uint8x16x2_t lanes = { { vld1q_u8(bytes), vld1q_u8(bytes + 16) } };
    lanes = vld2q_lane_u8(bytes + 40, lanes, 6);
    hash_q(lanes.val[0]);
    hash_q(lanes.val[1]);
    uint32x4x4_t w4 = vld4q_dup_u32((const u32 *)words + 4);
    hash_q(vreinterpretq_u8_u32(veorq_u32(w4.val[0], w4.val[3])));
    hash_q(vreinterpretq_u8_u32(vaddq_u32(w4.val[1], w4.val[2])));
    for (u32 i = 0; i < 64; i++) out[i] = 0;
    vst3q_lane_u16((u16 *)(void *)out, (uint16x8x3_t){ { vld1q_u16((const u16 *)halves), vld1q_u16((const u16 *)halves + 8),
                                                         vld1q_u16((const u16 *)halves + 16) } }, 5);
    vst4_u8(out + 16, (uint8x8x4_t){ { vld1_u8(bytes), vld1_u8(bytes + 8), vld1_u8(bytes + 24), vld1_u8(bytes + 56) } });
    for (u32 i = 0; i < 64; i++) hash(out[i]);
    hash_line("ld/st 1-4", "-");
}

static __attribute__((noinline)) void integer_ops(void)
{
    int16x8_t h0 = vld1q_s16(halves), h1 = vld1q_s16(halves + 8);
    int32x4_t w0 = vld1q_s32(words), w1 = vld1q_s32(words + 4);
    /* The saturating ones set FPSR.QC (bit 27), which is checked at the end. */
    __asm__ volatile("msr fpsr, xzr" : "+w"(h0), "+w"(h1), "+w"(w0), "+w"(w1));
    hash_begin();
    hash_q(vreinterpretq_u8_s16(vqaddq_s16(h0, h1)));
    hash_q(vreinterpretq_u8_s16(vqsubq_s16(h0, h1)));
    hash_q(vreinterpretq_u8_s16(vqdmulhq_s16(h0, h1)));
    hash_q(vreinterpretq_u8_s16(vqrdmulhq_s16(h0, h1)));
    hash_q(vreinterpretq_u8_s32(vqdmull_s16(vget_low_s16(h0), vget_high_s16(h1))));
    hash_q(vreinterpretq_u8_s16(vrshlq_s16(h0, vshrq_n_s16(h1, 12))));
    hash_q(vreinterpretq_u8_s16(vqshlq_s16(h0, vshrq_n_s16(h1, 12))));
    hash_q(vreinterpretq_u8_s8(vcombine_s8(vqmovn_s16(h0), vqrshrn_n_s16(h1, 5))));
    hash_q(vcombine_u8(vqmovun_s16(h0), vqshrun_n_s16(h1, 3)));
    hash_q(vreinterpretq_u8_s16(vcombine_s16(vqmovn_s32(w0), vrshrn_n_s32(w1, 16))));
    hash_q(vreinterpretq_u8_s32(vabdq_s32(w0, w1)));
    hash_q(vreinterpretq_u8_s32(vpaddq_s32(w0, w1)));
    hash_q(vreinterpretq_u8_s32(vmlsq_laneq_s32(w0, w1, w0, 2)));
    hash_q(vreinterpretq_u8_s32(vsraq_n_s32(w0, w1, 7)));
    hash_q(vreinterpretq_u8_s32(vsliq_n_s32(w0, w1, 11)));
    hash_q(vreinterpretq_u8_u32(vcltq_s32(w0, w1)));
    hash_q(vreinterpretq_u8_u32(vtstq_s32(w0, w1)));
    hash_q(vreinterpretq_u8_s32(vclsq_s32(w0)));
    hash_q(vreinterpretq_u8_s32(vclzq_s32(w1)));
    hash(vaddvq_s32(w0));
    hash((u64)vaddlvq_s16(h0));
    hash((u16)vmaxvq_s16(h1));
    hash((u16)vminvq_s16(h0));
    hash(vaddvq_u8(vld1q_u8(bytes)));
    u64 f;
    __asm__ volatile("mrs %0, fpsr" : "=r"(f) : "w"(h0) : "memory");
    g_flags = f;
    hash_line("integer simd", "-");
}

static __attribute__((noinline)) void float_ops(const char *mode)
{
    float32x4_t f0 = vld1q_f32(floats), f1 = vld1q_f32(floats + 4), f2 = vld1q_f32(floats + 8);
    float32x4_t f3 = vld1q_f32(floats + 12);
    __asm__ volatile("msr fpsr, xzr" : "+w"(f0), "+w"(f1), "+w"(f2), "+w"(f3));
    hash_begin();
    hash_q(vreinterpretq_u8_f32(vpaddq_f32(f0, f1)));
    hash_q(vreinterpretq_u8_f32(vpmaxnmq_f32(f1, f2)));
    hash_q(vreinterpretq_u8_f32(vpminq_f32(f2, f3)));
    hash_q(vreinterpretq_u8_f32(vfmaq_laneq_f32(f0, f1, f3, 1)));
    hash_q(vreinterpretq_u8_f32(vfmsq_f32(f2, f1, f3)));
    hash_q(vreinterpretq_u8_f32(vmulxq_f32(f2, f3)));
    hash_q(vreinterpretq_u8_f32(vrecpeq_f32(f1)));
    hash_q(vreinterpretq_u8_f32(vrsqrteq_f32(vabsq_f32(f2))));
    hash_q(vreinterpretq_u8_f32(vrecpsq_f32(f0, f3)));
    hash_q(vreinterpretq_u8_u32(vrecpeq_u32(vreinterpretq_u32_f32(f1))));
    hash_q(vreinterpretq_u8_f32(vrndaq_f32(vmulq_n_f32(f0, 3.5f))));
    hash_q(vreinterpretq_u8_f32(vrndiq_f32(vmulq_n_f32(f3, 0.75f))));
    hash_q(vreinterpretq_u8_s32(vcvtnq_s32_f32(vmulq_n_f32(f1, 0.5f))));
    hash_q(vreinterpretq_u8_u32(vcvtmq_u32_f32(f2)));
    hash_q(vreinterpretq_u8_s32(vcvtq_n_s32_f32(f3, 10)));
    hash_q(vreinterpretq_u8_f32(vcvtq_n_f32_u32(vreinterpretq_u32_f32(f0), 17)));
    hash_q(vreinterpretq_u8_u32(vcageq_f32(f0, f2)));
    hash_q(vreinterpretq_u8_u32(vcleq_f32(f1, f3)));
    hash_q(vreinterpretq_u8_u32(vceqzq_f32(f2)));
    float64x2_t d0 = vcvt_f64_f32(vget_low_f32(f1)), d1 = vcvt_high_f64_f32(f2);
    hash_q(vreinterpretq_u8_f64(vdivq_f64(d0, d1)));
    hash_q(vreinterpretq_u8_f32(vcvtx_high_f32_f64(vcvtx_f32_f64(d0), vmulq_f64(d0, d1))));   /* FCVTXN: round to odd */
    hash_q(vreinterpretq_u8_f16(vcvt_high_f16_f32(vcvt_f16_f32(f0), f3)));
    hash(fbits(vmaxnmvq_f32(f1)));
    hash(fbits(vminvq_f32(f2)));
    hash(dbits(vpaddd_f64(d1)));
    u64 f;
    __asm__ volatile("mrs %0, fpsr" : "=r"(f) : "w"(f3) : "memory");
    g_flags = f;
    hash(f);
    hash_line("float simd", mode);
}

/* Interleaved data in plain C loops: GCC uses LD2/ST2 (complex numbers) and LD3 (RGB pixels). */
struct cplx { double re, im; };
static struct cplx ca[64] A16, cb[64] A16, cc[64] A16;
static u8 rgb[3 * 128] A16;
static u8 grey[128] A16;

static __attribute__((noinline)) void complex_mul(void)
{
    for (u32 i = 0; i < 64; i++) {
        cc[i].re = ca[i].re * cb[i].re - ca[i].im * cb[i].im;
        cc[i].im = ca[i].re * cb[i].im + ca[i].im * cb[i].re;
    }
}

static __attribute__((noinline)) void rgb_to_grey(void)
{
    for (u32 i = 0; i < 128; i++) grey[i] = (u8)((77u * rgb[3 * i] + 150u * rgb[3 * i + 1] + 29u * rgb[3 * i + 2]) >> 8);
}

void neon_checks(void)
{
    uart_puts("== Advanced SIMD intrinsics and interleaved loops\n");
    fill();
    permutes();
    structured();
    integer_ops();
    static const struct { const char *name; u64 fpcr; } fmodes[] = {
        { "RN", 0 }, { "RP", FPCR_RP }, { "RZ", FPCR_RZ }, { "FZ", FPCR_FZ }, { "DN", FPCR_DN }, { "AHP+FZ+RM", FPCR_AHP | FPCR_FZ | FPCR_RM },
    };
    for (u32 m = 0; m < sizeof(fmodes) / sizeof(fmodes[0]); m++) {
        set_fpcr(fmodes[m].fpcr);
        float_ops(fmodes[m].name);
    }
    set_fpcr(0);

    for (u32 i = 0; i < 64; i++) {
        ca[i].re = (double)words[i % 16] * 1e-6 + i;
        ca[i].im = (double)halves[i % 32] * 0.001;
        cb[i].re = 1.0 / (i + 1.0);
        cb[i].im = (double)bytes[i] - 127.5;
    }
    complex_mul();
    hash_begin();
    for (u32 i = 0; i < 64; i++) {
        hash(dbits(cc[i].re));
        hash(dbits(cc[i].im));
    }
    hash_line("complex mul", "RN");
    for (u32 i = 0; i < 3 * 128; i++) rgb[i] = (u8)(bytes[i % 64] ^ (u8)(i * 7));
    rgb_to_grey();
    hash_begin();
    for (u32 i = 0; i < 128; i++) hash(grey[i]);
    hash_line("rgb to grey", "-");
}
