// bench-fp: a CPU-bound floating-point workload for comparing ArmLab with QEMU (npm run bench),
// the FP counterpart of bench-cpu.
//
// Three kernels: an n-body simulation in double (FMUL/FMADD/FDIV/FSQRT on scalars, the classic
// five planets), a Mandelbrot set in double (a tight loop of dependent multiply-adds and compares)
// and a vectorised float stencil with a saxpy (FMLA/FMUL/FADD on .4s, loads and stores of Q
// registers). Every result is folded, as bits, into one checksum that is printed at the end, so a
// wrong rounding anywhere shows up as a wrong checksum. About 1.5 billion instructions.
#include "../common/armlab.h"

#ifndef ROUNDS
#define ROUNDS 12
#endif
/* For profiling one kernel at a time (-DKERNELS=1, 2 or 4); the benchmark runs all three. */
#ifndef KERNELS
#define KERNELS 7
#endif

static u64 checksum;

static inline u64 dbits(double d) { union { double d; u64 u; } x = { .d = d }; return x.u; }
static inline u32 fbits(float f) { union { float f; u32 u; } x = { .f = f }; return x.u; }

static void mix(u64 v)
{
    checksum ^= v;
    checksum *= 0x100000001b3ul;
    checksum ^= checksum >> 29;
}

/* ---- 1. n-body: the Sun, Jupiter, Saturn, Uranus and Neptune ---- */
#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24
#define NBODIES 5

struct body { double x, y, z, vx, vy, vz, mass, pad; };

static struct body bodies[NBODIES] __attribute__((aligned(16)));

static const struct body initial[NBODIES] = {
    { 0, 0, 0, 0, 0, 0, SOLAR_MASS, 0 },
    { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
      1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
      -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS, 0 },
    { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
      -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
      2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS, 0 },
    { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
      2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
      -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS, 0 },
    { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
      2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
      -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS, 0 },
};

static void nbody_init(void)
{
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < NBODIES; i++) {
        bodies[i] = initial[i];
        px += bodies[i].vx * bodies[i].mass;
        py += bodies[i].vy * bodies[i].mass;
        pz += bodies[i].vz * bodies[i].mass;
    }
    /* Give the Sun the momentum that makes the system's total zero. */
    bodies[0].vx = -px / SOLAR_MASS;
    bodies[0].vy = -py / SOLAR_MASS;
    bodies[0].vz = -pz / SOLAR_MASS;
}

static __attribute__((noinline)) void nbody_advance(double dt)
{
    for (int i = 0; i < NBODIES; i++) {
        struct body *a = &bodies[i];
        for (int j = i + 1; j < NBODIES; j++) {
            struct body *b = &bodies[j];
            double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * __builtin_sqrt(d2));
            a->vx -= dx * b->mass * mag;
            a->vy -= dy * b->mass * mag;
            a->vz -= dz * b->mass * mag;
            b->vx += dx * a->mass * mag;
            b->vy += dy * a->mass * mag;
            b->vz += dz * a->mass * mag;
        }
    }
    for (int i = 0; i < NBODIES; i++) {
        bodies[i].x += dt * bodies[i].vx;
        bodies[i].y += dt * bodies[i].vy;
        bodies[i].z += dt * bodies[i].vz;
    }
}

static double nbody_energy(void)
{
    double e = 0;
    for (int i = 0; i < NBODIES; i++) {
        const struct body *a = &bodies[i];
        e += 0.5 * a->mass * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
        for (int j = i + 1; j < NBODIES; j++) {
            const struct body *b = &bodies[j];
            double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            e -= a->mass * b->mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static u64 nbody(u32 steps)
{
    nbody_init();
    for (u32 s = 0; s < steps; s++) nbody_advance(0.01);
    return dbits(nbody_energy());
}

/* ---- 2. Mandelbrot set: escape-time counts over a grid, in double ---- */
#define MB_W 160
#define MB_H 120
#define MB_ITER 1000

static u64 mandelbrot(double cx0, double cy0, double scale)
{
    u64 total = 0;
    double sum = 0;
    for (int py = 0; py < MB_H; py++) {
        double ci = cy0 + py * scale;
        for (int px = 0; px < MB_W; px++) {
            double cr = cx0 + px * scale;
            double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
            int n = 0;
            while (n < MB_ITER && zr2 + zi2 <= 4.0) {
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                zr2 = zr * zr;
                zi2 = zi * zi;
                n++;
            }
            total += (u64)n;
            sum += zr2 + zi2;   /* the final |z|^2: sensitive to every rounding on the way */
        }
    }
    return total ^ dbits(sum);
}

/* ---- 3. Vectorised float stencil and saxpy ---- */
#define GW 64
#define GH 64

static float ga[GH][GW] __attribute__((aligned(16))), gb[GH][GW] __attribute__((aligned(16)));

static __attribute__((noinline)) void stencil(void)
{
    /* Vertical smoothing (gb = blur(ga) along columns), then ga = 0.999 gb + 0.001 ga. Neighbours
     * are whole rows apart, so every vector access stays 16-byte aligned (Device memory: the MMU is
     * off) and GCC -O2 vectorises both loops into .4s arithmetic. Edge rows are left as they are. */
    for (u32 y = 1; y < GH - 1; y++)
        for (u32 x = 0; x < GW; x++) gb[y][x] = 0.25f * ga[y - 1][x] + 0.5f * ga[y][x] + 0.25f * ga[y + 1][x];
    for (u32 y = 1; y < GH - 1; y++)
        for (u32 x = 0; x < GW; x++) ga[y][x] = 0.999f * gb[y][x] + 0.001f * ga[y][x];
}

static __attribute__((noinline)) void saxpy(float a)
{
    for (u32 y = 0; y < GH; y++)
        for (u32 x = 0; x < GW; x++) gb[y][x] = a * ga[y][x] + gb[y][x];
}

static u64 vector_kernel(u32 round, u32 iters)
{
    for (u32 y = 0; y < GH; y++)
        for (u32 x = 0; x < GW; x++) {
            ga[y][x] = (float)(((y * GW + x) * 2654435761u + round) >> 20) * (1.0f / 4096.0f);
            gb[y][x] = 0;
        }
    for (u32 k = 0; k < iters; k++) {
        stencil();
        saxpy(0.5f);
    }
    u64 h = 0;
    for (u32 y = 0; y < GH; y += 3)
        for (u32 x = 0; x < GW; x += 7) h = h * 31 + fbits(ga[y][x]) + fbits(gb[y][x]);
    return h;
}

static __attribute__((noinline)) void run(void)
{
    uart_puts("bench-fp: ");
    uart_dec(ROUNDS);
    uart_puts(" rounds of n-body, mandelbrot, float stencil\n");
    checksum = 0xcbf29ce484222325ul;
    for (u32 round = 0; round < ROUNDS; round++) {
        if (KERNELS & 1) mix(nbody(50000));
        if (KERNELS & 2) mix(mandelbrot(-2.2 + round * 0.01, -1.2, 3.0 / MB_W));
        if (KERNELS & 4) mix(vector_kernel(round, 1000));
    }
    uart_puts("bench-fp checksum: ");
    uart_hex(checksum, 16);
    uart_puts("\n");
}

/* main runs before the FPU is enabled, so it must not touch FP/SIMD registers itself. */
__attribute__((target("general-regs-only"))) int main(void)
{
    install_fatal_vectors();
    if (current_el() == 2) WRITE_SYSREG(cptr_el2, READ_SYSREG(cptr_el2) & ~(1ul << 10)); /* CPTR_EL2.TFP = 0 */
    WRITE_SYSREG(cpacr_el1, 3ul << 20);                                                   /* CPACR_EL1.FPEN = 0b11 */
    ISB();
    run();
    return 0;
}
