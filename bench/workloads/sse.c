/*
 * sse — what SSE2 does in ordinary programs: scalar double arithmetic (a
 * Mandelbrot grid: mulsd/addsd/subsd/ucomisd/cvtsi2sd, the code busybox awk
 * and friends run), packed single-precision math (an axpy and a dot product
 * over arrays: mulps/addps with aligned loads and stores), a C library's
 * string routines (strlen and memchr as glibc's SSE2 versions do them:
 * pcmpeqb, pmovmskb, aligned 16-byte loads) and 16-byte block copies
 * (movdqu loads, movdqa stores). Compiled with -msse2 -mfpmath=sse: the
 * compiler's scalar code is SSE too.
 *
 * The guest must enable SSE itself (CR0.EM = 0, CR0.MP = 1, CR4.OSFXSR and
 * OSXMMEXCPT: SDM Vol. 3A 13.1.3): workload_run does that before calling the
 * work, and is compiled without SSE so no SSE instruction runs before.
 * Everything is IEEE round-to-nearest, so the checksum is exact on every
 * correct x86: it was computed natively on the host (same C, gcc -O2 -msse2).
 */
#include "workload.h"

typedef float v4sf __attribute__((vector_size(16)));
typedef char v16qi __attribute__((vector_size(16)));
typedef long long v2di __attribute__((vector_size(16)));

const char workload_name[] = "sse";

static volatile uint32_t param_grid = 120;     /* Mandelbrot: grid x grid points */
static volatile uint32_t param_iters = 256;    /* its iteration limit */
static volatile uint32_t param_rounds = 6;     /* passes of the whole work */
static volatile uint32_t param_vec_len = 4096; /* floats per axpy array */
static volatile uint32_t param_vec_reps = 300;
static volatile uint32_t param_str_reps = 40;

#define VEC_MAX 4096
#define TEXT_LEN (256u << 10)

static v4sf vx[VEC_MAX / 4], vy[VEC_MAX / 4];
static char text[TEXT_LEN] __attribute__((aligned(16)));
static uint8_t copy_dst[TEXT_LEN] __attribute__((aligned(16)));

/* ---- scalar doubles ------------------------------------------------------------- */

static uint32_t mandelbrot(uint32_t n, uint32_t limit)
{
    uint32_t sum = 0;
    for (uint32_t py = 0; py < n; py++) {
        double ci = -1.25 + 2.5 * (double)(int32_t)py / (double)(int32_t)n;
        for (uint32_t px = 0; px < n; px++) {
            double cr = -2.0 + 2.75 * (double)(int32_t)px / (double)(int32_t)n;
            double zr = 0.0, zi = 0.0;
            uint32_t it = 0;
            while (it < limit && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                it++;
            }
            sum = wl_mix(sum, it);
            /* the final point's bits, so every rounding step counts */
            union {
                double d;
                uint32_t w[2];
            } u = {.d = zr + zi};
            sum = wl_mix(sum, u.w[0] ^ u.w[1]);
        }
    }
    return sum;
}

/* ---- packed singles --------------------------------------------------------------- */

static uint32_t axpy_dot(uint32_t len, uint32_t reps)
{
    uint32_t n = len / 4;
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t k = 0; k < 4; k++) {
            int32_t v = (int32_t)((i * 4 + k) * 2654435761u >> 20);
            vx[i][k] = (float)(v - 2048) / 1024.0f;
            vy[i][k] = (float)(2048 - v) / 4096.0f;
        }
    }
    uint32_t sum = 0;
    v4sf a = {0.5f, -0.25f, 0.125f, 1.0f};
    for (uint32_t r = 0; r < reps; r++) {
        v4sf dot = {0, 0, 0, 0};
        for (uint32_t i = 0; i < n; i++) {
            vy[i] = a * vx[i] + vy[i] * 0.5f;
            dot += vx[i] * vy[i];
        }
        union {
            v4sf v;
            uint32_t w[4];
        } u = {.v = dot};
        sum = wl_mix(sum, u.w[0] ^ u.w[1] ^ u.w[2] ^ u.w[3]);
        a = a * 0.999f + dot * (1.0f / 65536.0f);
    }
    return sum;
}

/* ---- string routines as the C library writes them ------------------------------- */

static inline uint32_t zero_mask(v16qi chunk)
{
    v16qi zero = {0};
    return (uint32_t)__builtin_ia32_pmovmskb128(__builtin_ia32_pcmpeqb128(chunk, zero));
}

/* strlen: aligned 16-byte loads, the first one masked to the start. */
static uint32_t sse_strlen(const char *s)
{
    const char *p = (const char *)((uintptr_t)s & ~(uintptr_t)15);
    uint32_t mask = zero_mask(*(const v16qi *)p) >> ((uintptr_t)s & 15);
    if (mask) {
        return (uint32_t)__builtin_ctz(mask);
    }
    for (;;) {
        p += 16;
        mask = zero_mask(*(const v16qi *)p);
        if (mask) {
            return (uint32_t)(p - s) + (uint32_t)__builtin_ctz(mask);
        }
    }
}

/* memchr over n bytes (n a multiple of 16, p aligned): the first c, or -1. */
static int32_t sse_memchr(const char *p, char c, uint32_t n)
{
    v16qi needle = {c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c};
    for (uint32_t i = 0; i < n; i += 16) {
        uint32_t m = (uint32_t)__builtin_ia32_pmovmskb128(
            __builtin_ia32_pcmpeqb128(*(const v16qi *)(p + i), needle));
        if (m) {
            return (int32_t)(i + (uint32_t)__builtin_ctz(m));
        }
    }
    return -1;
}

/* Copy n bytes (a multiple of 16) from an unaligned source to an aligned
 * destination, 16 at a time. */
static void sse_copy(uint8_t *d, const uint8_t *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i += 16) {
        v2di v;
        __builtin_memcpy(&v, s + i, 16); /* movdqu */
        *(v2di *)(d + i) = v;            /* movdqa */
    }
}

static uint32_t strings(uint32_t reps)
{
    /* words of 0..200 letters between NULs */
    uint32_t x = 12345;
    for (uint32_t i = 0; i < TEXT_LEN; i++) {
        x = x * 1103515245u + 12345u;
        text[i] = (x >> 16) % 211u == 0 ? 0 : (char)('a' + (x >> 16) % 26u);
    }
    text[TEXT_LEN - 1] = 0;
    uint32_t sum = 0;
    for (uint32_t r = 0; r < reps; r++) {
        uint32_t pos = r;
        while (pos < TEXT_LEN - 1) {
            uint32_t len = sse_strlen(text + pos);
            sum = wl_mix(sum, len);
            pos += len + 1;
        }
        int32_t at = sse_memchr(text, (char)('a' + r % 26), TEXT_LEN);
        sum = wl_mix(sum, (uint32_t)at);
        sse_copy(copy_dst, (const uint8_t *)text + 1 + (r & 7), TEXT_LEN - 16);
        sum = wl_mix(sum, copy_dst[(r * 7919u) % (TEXT_LEN - 16)]);
    }
    return sum;
}

static __attribute__((noinline)) uint32_t work(void)
{
    uint32_t sum = 0;
    for (uint32_t r = 0; r < param_rounds; r++) {
        sum = wl_mix(sum, mandelbrot(param_grid + r, param_iters));
        sum = wl_mix(sum, axpy_dot(param_vec_len, param_vec_reps));
        sum = wl_mix(sum, strings(param_str_reps));
    }
    return sum;
}

/* Enable SSE: no SSE instruction may run before this (hence general-regs-only). */
__attribute__((target("general-regs-only"))) uint32_t workload_run(void)
{
    uint32_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 & ~(1u << 2)) | (1u << 1); /* EM off, MP on */
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= (1u << 9) | (1u << 10); /* OSFXSR, OSXMMEXCPT */
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
    return work();
}
