/*
 * x87 — floating-point kernels on the x87 FPU in its own double-extended
 * format (gcc -mfpmath=387, every value a long double, so the results do not
 * depend on where the compiler spills): a Mandelbrot set (FMUL, FADD, FSUB
 * and FUCOMIP compares in a tight loop), Newton square roots checked against
 * FSQRT (FDIV), a small matrix product through memory (FLD/FSTP m80), and
 * conversions both ways (FILD, and FISTP under a FLDCW-switched rounding
 * mode, as gcc truncates). Each kernel's results enter the checksum as
 * integers, so an emulator that rounds one bit differently prints another
 * line.
 *
 * The entry (workload_run) turns the FPU on first: CR0.EM and TS cleared,
 * MP and NE set (so an unmasked exception would be #MF), then FNINIT.
 * Compiled natively with -DWORKLOAD_HOSTED (no CR0 access) on an x86 host
 * the same code gives the checksum that bench/run.py expects.
 */
#include "workload.h"

const char workload_name[] = "x87";

static volatile uint32_t param_size = 160;  /* Mandelbrot grid: size x size */
static volatile uint32_t param_iters = 256; /* its iteration limit */
static volatile uint32_t param_roots = 60000;
static volatile uint32_t param_matrix = 24; /* matrix side */
static volatile uint32_t param_rounds = 3;

#ifndef WORKLOAD_HOSTED
/* CR0: EM (bit 2) and TS (bit 3) off, MP (bit 1) and NE (bit 5) on. */
static void fpu_enable(void)
{
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 & ~(1u << 2 | 1u << 3)) | 1u << 1 | 1u << 5;
    __asm__ volatile("mov %0, %%cr0\n\tfninit" : : "r"(cr0) : "memory");
}
#endif

/* The number of iterations of z = z^2 + c before |z| > 2, summed over a grid
 * of c in [-2, 1] x [-1.5, 1.5], mixed row by row. */
static uint32_t mandelbrot(uint32_t size, uint32_t limit, uint32_t sum)
{
    long double step = 3.0L / (long double)size;
    for (uint32_t y = 0; y < size; y++) {
        long double ci = -1.5L + step * (long double)y;
        uint32_t row = 0;
        for (uint32_t x = 0; x < size; x++) {
            long double cr = -2.0L + step * (long double)x;
            long double zr = 0.0L, zi = 0.0L;
            uint32_t n = 0;
            while (n < limit) {
                long double zr2 = zr * zr, zi2 = zi * zi;
                if (zr2 + zi2 > 4.0L) {
                    break;
                }
                zi = 2.0L * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                n++;
            }
            row += n;
        }
        sum = wl_mix(sum, row);
    }
    return sum;
}

/* Newton's iteration for sqrt(k), compared with the FPU's own square root:
 * the checksum gets the last significand bits of both. */
static uint32_t roots(uint32_t count, uint32_t sum)
{
    for (uint32_t k = 1; k <= count; k++) {
        long double a = (long double)k * 1.000000001L;
        long double r = a > 1.0L ? a / 2.0L : 1.0L;
        for (int i = 0; i < 8; i++) {
            r = 0.5L * (r + a / r);
        }
        long double exact = __builtin_sqrtl(a);
        long double diff = (r - exact) * 1e18L;
        int32_t d = (int32_t)diff;
        int32_t frac = (int32_t)((exact - (long double)(int32_t)exact) * 2147483647.0L);
        sum = wl_mix(sum, (uint32_t)d ^ (uint32_t)frac);
    }
    return sum;
}

#define MATRIX_MAX 32

static long double mat_a[MATRIX_MAX][MATRIX_MAX], mat_b[MATRIX_MAX][MATRIX_MAX];
static long double mat_c[MATRIX_MAX][MATRIX_MAX];

/* C = A * B with A and B filled from the round number, then the trace and
 * a few entries of C as integers. */
static uint32_t matrix(uint32_t n, uint32_t round, uint32_t sum)
{
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < n; j++) {
            mat_a[i][j] = (long double)(int32_t)(i * 7 + j * 3 + round) / 17.0L - 0.5L;
            mat_b[i][j] = (long double)(int32_t)(i * 5 + j * 11 + round * 3) / 13.0L + 0.25L;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < n; j++) {
            long double acc = 0.0L;
            for (uint32_t k = 0; k < n; k++) {
                acc += mat_a[i][k] * mat_b[k][j];
            }
            mat_c[i][j] = acc;
        }
    }
    long double trace = 0.0L;
    for (uint32_t i = 0; i < n; i++) {
        trace += mat_c[i][i];
    }
    sum = wl_mix(sum, (uint32_t)(int32_t)(trace * 1048576.0L));
    for (uint32_t i = 0; i < n; i += 3) {
        sum = wl_mix(sum, (uint32_t)(int64_t)(mat_c[i][n - 1 - i] * 4294967296.0L));
    }
    return sum;
}

uint32_t workload_run(void)
{
#ifndef WORKLOAD_HOSTED
    fpu_enable();
#endif
    uint32_t sum = 0;
    uint32_t rounds = param_rounds;
    for (uint32_t r = 0; r < rounds; r++) {
        sum = mandelbrot(param_size + r, param_iters, sum);
        sum = roots(param_roots / rounds, sum);
        sum = matrix(param_matrix, r, sum);
    }
    return sum;
}
