// Shared by fp.c (scalar checks, output) and vec.c (vectorised kernels) of the FP self-check.
#ifndef FP_SELFCHECK_H
#define FP_SELFCHECK_H
#include "../common/armlab.h"

/* Bit patterns of FP values, through unions (the compiler turns these into FMOVs). */
static inline u64 dbits(double d) { union { double d; u64 u; } x = { .d = d }; return x.u; }
static inline double dfrom(u64 u) { union { u64 u; double d; } x = { .u = u }; return x.d; }
static inline u32 fbits(float f) { union { float f; u32 u; } x = { .f = f }; return x.u; }
static inline float ffrom(u32 u) { union { u32 u; float f; } x = { .u = u }; return x.f; }

/* An empty asm that "changes" an FP/SIMD value: the compiler can no longer fold it. */
#define hide(x) __asm__ volatile("" : "+w"(x))

static inline u64 get_fpsr(void) { u64 v; __asm__ volatile("mrs %0, fpsr" : "=r"(v)); return v; }
static inline void set_fpcr(u64 v) { __asm__ volatile("msr fpcr, %0" : : "r"(v)); }

/* FPSR is cleared by an asm that also "rewrites" the operands, so the operation comes after it... */
#define CLEAR_FPSR2(a, b) __asm__ volatile("msr fpsr, xzr" : "+w"(a), "+w"(b))
#define CLEAR_FPSR3(a, b, c) __asm__ volatile("msr fpsr, xzr" : "+w"(a), "+w"(b), "+w"(c))
/* ...and read by an asm that consumes the result, so the operation comes before it. */
#define READ_FPSR_AFTER(r) ({ u64 f_; __asm__ volatile("mrs %0, fpsr" : "=r"(f_) : "w"(r)); f_; })
#define READ_FPSR_AFTER_X(r) ({ u64 f_; __asm__ volatile("mrs %0, fpsr" : "=r"(f_) : "r"(r)); f_; })

/* FPCR fields (Arm ARM, FPCR): RMode 23:22, FZ 24, DN 25, AHP 26. */
#define FPCR_RP  (1ul << 22)
#define FPCR_RM  (2ul << 22)
#define FPCR_RZ  (3ul << 22)
#define FPCR_FZ  (1ul << 24)
#define FPCR_DN  (1ul << 25)
#define FPCR_AHP (1ul << 26)

/* fp.c: a running hash of results with the union of their FPSR flags, and printing. */
extern u64 g_flags;
void hash_begin(void);
void hash(u64 v);
void fold(u64 bits, u64 fpsr);
void hash_line(const char *what, const char *mode);
void put_double(double x);
void show_double(const char *what, double x);
void show_double_fpsr(const char *what, double x, u64 fpsr);
void show_float(const char *what, float x);

/* vec.c, neon.c */
void vector_kernels(void);
void neon_checks(void);

#endif
