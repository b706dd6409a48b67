/*
 * sse_helper_fp.c — the floating-point instructions of SSE..SSE4.1 on
 * registers: arithmetic, square root, min/max, compares, horizontal and
 * alternating add/sub, dot products, rounding to an integer value,
 * reciprocal approximations, COMISS/UCOMISS.
 *
 * Each helper tries a fast path first: the host computes the lanes directly
 * when no lane can raise a new exception flag or needs a fix-up (operands
 * and results normal or zero, MXCSR at round-to-nearest with every
 * exception masked and PE already set; sse_fast_rounding). That is the
 * steady state of ordinary code. Otherwise every lane goes through the
 * element model of sse_helper_fpu.c, which never writes the destination
 * when it raises #XM.
 */
#include "frontend/helper_desc.h"
#include "frontend/sse_helpers.h"

/* The lane code is inlined into each helper, so the operation is a
 * constant there (measured: 2x on packed arithmetic). */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* ---- lanes of one arithmetic operation ------------------------------------- */

/* x op y for binary32 when the host's plain result is the x86 result with
 * no new flag (see the file comment); false when the model must decide. */
ALWAYS_INLINE bool f32_fast(unsigned op, uint32_t x, uint32_t y, uint32_t *r)
{
    float a = sse_f32(x), b = sse_f32(y), z;
    if (!sse_f32_plain(y) || (op != SSE_SQRT && !sse_f32_plain(x))) {
        return false;
    }
    switch (op) {
    case SSE_ADD:
        z = a + b;
        break;
    case SSE_SUB:
        z = a - b;
        break;
    case SSE_MUL:
        z = a * b;
        break;
    case SSE_DIV:
        if ((y << 1) == 0) {
            return false;
        }
        z = a / b;
        break;
    default:
        if ((y >> 31) && (y << 1)) {
            return false;
        }
        z = sse_host_sqrtf(b);
        break;
    }
    SSE_FP_PIN(z);
    uint32_t rb = sse_f32_bits(z);
    if (!sse_f32_plain(rb)) {
        return false;
    }
    if (op == SSE_MUL || op == SSE_DIV) {
        /* the smallest normal may be a tiny result rounded up; a zero from
         * nonzero operands underflowed */
        if ((rb & 0x7fffffffu) == 0x00800000u) {
            return false;
        }
        if ((rb << 1) == 0 && (x << 1) != 0 && (op == SSE_DIV || (y << 1) != 0)) {
            return false;
        }
    }
    *r = rb;
    return true;
}

ALWAYS_INLINE bool f64_fast(unsigned op, uint64_t x, uint64_t y, uint64_t *r)
{
    double a = sse_f64(x), b = sse_f64(y), z;
    if (!sse_f64_plain(y) || (op != SSE_SQRT && !sse_f64_plain(x))) {
        return false;
    }
    switch (op) {
    case SSE_ADD:
        z = a + b;
        break;
    case SSE_SUB:
        z = a - b;
        break;
    case SSE_MUL:
        z = a * b;
        break;
    case SSE_DIV:
        if ((y << 1) == 0) {
            return false;
        }
        z = a / b;
        break;
    default:
        if ((y >> 63) && (y << 1)) {
            return false;
        }
        z = sse_host_sqrt(b);
        break;
    }
    SSE_FP_PIN(z);
    uint64_t rb = sse_f64_bits(z);
    if (!sse_f64_plain(rb)) {
        return false;
    }
    if (op == SSE_MUL || op == SSE_DIV) {
        if ((rb << 1) == 0x0020000000000000ull) {
            return false;
        }
        if ((rb << 1) == 0 && (x << 1) != 0 && (op == SSE_DIV || (y << 1) != 0)) {
            return false;
        }
    }
    *r = rb;
    return true;
}

static inline uint32_t f32_model(SseFp *fp, unsigned op, uint32_t x, uint32_t y)
{
    return op == SSE_SQRT ? sse_f32_sqrt(fp, y) : sse_f32_arith(fp, op, x, y);
}

static inline uint64_t f64_model(SseFp *fp, unsigned op, uint64_t x, uint64_t y)
{
    return op == SSE_SQRT ? sse_f64_sqrt(fp, y) : sse_f64_arith(fp, op, x, y);
}

/* Write n binary32 lanes (n 1, 2 or 4) or binary64 lanes to d as qwords,
 * composed in registers: a wide load of lanes just stored one by one would
 * stall the host (see sse_get). */
static inline void put_lanes32(CpuState *env, uint32_t d, const uint32_t *t, unsigned n)
{
    char *p = sse_reg_ptr(env, d);
    if (n == 1) {
        memcpy(p, &t[0], 4);
        return;
    }
    uint64_t lo = t[0] | (uint64_t)t[1] << 32;
    __asm__("" : "+r"(lo)); /* else gcc merges it all into one wide copy */
    memcpy(p, &lo, 8);
    if (n == 4) {
        uint64_t hi = t[2] | (uint64_t)t[3] << 32;
        __asm__("" : "+r"(hi));
        memcpy(p + 8, &hi, 8);
    }
}

static inline void put_lanes64(CpuState *env, uint32_t d, const uint64_t *t, unsigned n)
{
    char *p = sse_reg_ptr(env, d);
    uint64_t lo = t[0];
    __asm__("" : "+r"(lo));
    memcpy(p, &lo, 8);
    if (n == 2) {
        uint64_t hi = t[1];
        __asm__("" : "+r"(hi));
        memcpy(p + 8, &hi, 8);
    }
}

/* Lanes 0..n-1 of d = x[i] op[i] y[i] (SQRT: of y[i]); the model decides
 * every lane when the fast path cannot take them all. */
ALWAYS_INLINE void f32_lanes(CpuState *env, uint32_t d, unsigned n, const uint8_t *op,
                             const uint32_t *x, const uint32_t *y)
{
    /* unrolled: the lanes stay in registers until two qword stores */
    uint32_t t[4];
    if (sse_fast_rounding(env->mxcsr) && f32_fast(op[0], x[0], y[0], &t[0]) &&
        (n < 2 ||
         (f32_fast(op[1], x[1], y[1], &t[1]) &&
          (n < 4 || (f32_fast(op[2], x[2], y[2], &t[2]) && f32_fast(op[3], x[3], y[3], &t[3])))))) {
        put_lanes32(env, d, t, n); /* d's other lanes stay */
        return;
    }
    SseFp fp = sse_fp_start(env);
    for (unsigned i = 0; i < n; i++) {
        t[i] = f32_model(&fp, op[i], x[i], y[i]);
    }
    sse_fp_finish(env, &fp);
    put_lanes32(env, d, t, n);
}

ALWAYS_INLINE void f64_lanes(CpuState *env, uint32_t d, unsigned n, const uint8_t *op,
                             const uint64_t *x, const uint64_t *y)
{
    uint64_t t[2];
    if (sse_fast_rounding(env->mxcsr) && f64_fast(op[0], x[0], y[0], &t[0]) &&
        (n < 2 || f64_fast(op[1], x[1], y[1], &t[1]))) {
        put_lanes64(env, d, t, n);
        return;
    }
    SseFp fp = sse_fp_start(env);
    for (unsigned i = 0; i < n; i++) {
        t[i] = f64_model(&fp, op[i], x[i], y[i]);
    }
    sse_fp_finish(env, &fp);
    put_lanes64(env, d, t, n);
}

/* Scalar: lane 0 of d = d op s (SQRT: of s), the rest of d unchanged. Only
 * the lane is read and written: the common case is a few loads, the host
 * operation and a store. */
ALWAYS_INLINE void f32_scalar(CpuState *env, uint32_t d, uint32_t s, unsigned op)
{
    uint32_t a, b, r;
    memcpy(&a, sse_reg_ptr(env, d), 4);
    memcpy(&b, sse_reg_ptr(env, s), 4);
    if (!sse_fast_rounding(env->mxcsr) || !f32_fast(op, a, b, &r)) {
        SseFp fp = sse_fp_start(env);
        r = f32_model(&fp, op, a, b);
        sse_fp_finish(env, &fp);
    }
    memcpy(sse_reg_ptr(env, d), &r, 4);
}

ALWAYS_INLINE void f64_scalar(CpuState *env, uint32_t d, uint32_t s, unsigned op)
{
    uint64_t a, b, r;
    memcpy(&a, sse_reg_ptr(env, d), 8);
    memcpy(&b, sse_reg_ptr(env, s), 8);
    if (!sse_fast_rounding(env->mxcsr) || !f64_fast(op, a, b, &r)) {
        SseFp fp = sse_fp_start(env);
        r = f64_model(&fp, op, a, b);
        sse_fp_finish(env, &fp);
    }
    memcpy(sse_reg_ptr(env, d), &r, 8);
}

/* Packed: every lane. */
ALWAYS_INLINE void f32_packed(CpuState *env, uint32_t d, uint32_t s, unsigned op)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    uint8_t ops[4] = {op, op, op, op};
    f32_lanes(env, d, 4, ops, a.l, b.l);
}

ALWAYS_INLINE void f64_packed(CpuState *env, uint32_t d, uint32_t s, unsigned op)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    uint8_t ops[2] = {op, op};
    f64_lanes(env, d, 2, ops, a.q, b.q);
}

#define FP_HELPERS(NAME, OP)                                                                       \
    void helper_##NAME##ps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)                    \
    {                                                                                              \
        f32_packed(env, d, s, OP);                                                                 \
    }                                                                                              \
    void helper_##NAME##ss(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)                    \
    {                                                                                              \
        f32_scalar(env, d, s, OP);                                                                 \
    }                                                                                              \
    void helper_##NAME##pd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)                    \
    {                                                                                              \
        f64_packed(env, d, s, OP);                                                                 \
    }                                                                                              \
    void helper_##NAME##sd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)                    \
    {                                                                                              \
        f64_scalar(env, d, s, OP);                                                                 \
    }

FP_HELPERS(add, SSE_ADD)
FP_HELPERS(sub, SSE_SUB)
FP_HELPERS(mul, SSE_MUL)
FP_HELPERS(div, SSE_DIV)
FP_HELPERS(sqrt, SSE_SQRT)

/* HADDPS: d = (d0+d1, d2+d3, s0+s1, s2+s3); HSUBPS subtracts the odd lane
 * (SDM Vol. 2A HADDPS). */
static void f32_horizontal(CpuState *env, uint32_t d, uint32_t s, unsigned op)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    uint8_t ops[4] = {op, op, op, op};
    uint32_t x[4] = {a.l[0], a.l[2], b.l[0], b.l[2]};
    uint32_t y[4] = {a.l[1], a.l[3], b.l[1], b.l[3]};
    f32_lanes(env, d, 4, ops, x, y);
}

static void f64_horizontal(CpuState *env, uint32_t d, uint32_t s, unsigned op)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    uint8_t ops[2] = {op, op};
    uint64_t x[2] = {a.q[0], b.q[0]};
    uint64_t y[2] = {a.q[1], b.q[1]};
    f64_lanes(env, d, 2, ops, x, y);
}

void helper_haddps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_horizontal(env, d, s, SSE_ADD);
}
void helper_hsubps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_horizontal(env, d, s, SSE_SUB);
}
void helper_haddpd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f64_horizontal(env, d, s, SSE_ADD);
}
void helper_hsubpd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f64_horizontal(env, d, s, SSE_SUB);
}

/* ADDSUBPS: even lanes subtract, odd lanes add. */
void helper_addsubps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    static const uint8_t ops[4] = {SSE_SUB, SSE_ADD, SSE_SUB, SSE_ADD};
    f32_lanes(env, d, 4, ops, a.l, b.l);
}

void helper_addsubpd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    static const uint8_t ops[2] = {SSE_SUB, SSE_ADD};
    f64_lanes(env, d, 2, ops, a.q, b.q);
}

/* ---- min, max, compares ------------------------------------------------------- */

static void f32_minmax(CpuState *env, uint32_t d, uint32_t s, bool max, unsigned n)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    SseFp fp = sse_fp_start(env);
    uint32_t t[4];
    for (unsigned i = 0; i < n; i++) {
        uint32_t x = a.l[i], y = b.l[i];
        if (sse_f32_plain(x) && sse_f32_plain(y)) {
            float fx = sse_f32(x), fy = sse_f32(y);
            t[i] = (max ? fx > fy : fx < fy) ? x : y;
        } else {
            t[i] = sse_f32_minmax(&fp, max, x, y);
        }
    }
    sse_fp_finish(env, &fp);
    memcpy(a.l, t, 4 * n);
    sse_put(env, d, &a, 16);
}

static void f64_minmax(CpuState *env, uint32_t d, uint32_t s, bool max, unsigned n)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    SseFp fp = sse_fp_start(env);
    uint64_t t[2];
    for (unsigned i = 0; i < n; i++) {
        uint64_t x = a.q[i], y = b.q[i];
        if (sse_f64_plain(x) && sse_f64_plain(y)) {
            double fx = sse_f64(x), fy = sse_f64(y);
            t[i] = (max ? fx > fy : fx < fy) ? x : y;
        } else {
            t[i] = sse_f64_minmax(&fp, max, x, y);
        }
    }
    sse_fp_finish(env, &fp);
    memcpy(a.q, t, 8 * n);
    sse_put(env, d, &a, 16);
}

void helper_minps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_minmax(env, d, s, false, 4);
}
void helper_minss(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_minmax(env, d, s, false, 1);
}
void helper_maxps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_minmax(env, d, s, true, 4);
}
void helper_maxss(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_minmax(env, d, s, true, 1);
}
void helper_minpd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f64_minmax(env, d, s, false, 2);
}
void helper_minsd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f64_minmax(env, d, s, false, 1);
}
void helper_maxpd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f64_minmax(env, d, s, true, 2);
}
void helper_maxsd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f64_minmax(env, d, s, true, 1);
}

/* CMPPS imm8[2:0] (legacy SSE has predicates 0..7 only; bits 7:3 ignored). */
static void f32_cmp(CpuState *env, uint32_t d, uint32_t s, unsigned pred, unsigned n)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    SseFp fp = sse_fp_start(env);
    uint32_t t[4];
    for (unsigned i = 0; i < n; i++) {
        t[i] = sse_f32_cmp(&fp, pred & 7, a.l[i], b.l[i]) ? ~0u : 0;
    }
    sse_fp_finish(env, &fp);
    memcpy(a.l, t, 4 * n);
    sse_put(env, d, &a, 16);
}

static void f64_cmp(CpuState *env, uint32_t d, uint32_t s, unsigned pred, unsigned n)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    SseFp fp = sse_fp_start(env);
    uint64_t t[2];
    for (unsigned i = 0; i < n; i++) {
        t[i] = sse_f64_cmp(&fp, pred & 7, a.q[i], b.q[i]) ? ~0ull : 0;
    }
    sse_fp_finish(env, &fp);
    memcpy(a.q, t, 8 * n);
    sse_put(env, d, &a, 16);
}

void helper_cmpps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_cmp(env, d, s, arg, 4);
}
void helper_cmpss(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_cmp(env, d, s, arg, 1);
}
void helper_cmppd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f64_cmp(env, d, s, arg, 2);
}
void helper_cmpsd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f64_cmp(env, d, s, arg, 1);
}

/* Ordered operands without denormals raise nothing: compared directly. */
uint64_t helper_comiss(CpuState *env, uint32_t d, uint32_t s, uint32_t signal)
{
    uint32_t a, b;
    memcpy(&a, sse_reg_ptr(env, d), 4);
    memcpy(&b, sse_reg_ptr(env, s), 4);
    if (sse_f32_plain(a) && sse_f32_plain(b)) {
        float x = sse_f32(a), y = sse_f32(b);
        return x == y ? EFLAGS_ZF : x < y ? EFLAGS_CF : 0;
    }
    SseFp fp = sse_fp_start(env);
    uint64_t flags = sse_f32_comi(&fp, signal != 0, a, b);
    sse_fp_finish(env, &fp);
    return flags;
}

uint64_t helper_comisd(CpuState *env, uint32_t d, uint32_t s, uint32_t signal)
{
    uint64_t a, b;
    memcpy(&a, sse_reg_ptr(env, d), 8);
    memcpy(&b, sse_reg_ptr(env, s), 8);
    if (sse_f64_plain(a) && sse_f64_plain(b)) {
        double x = sse_f64(a), y = sse_f64(b);
        return x == y ? EFLAGS_ZF : x < y ? EFLAGS_CF : 0;
    }
    SseFp fp = sse_fp_start(env);
    uint64_t flags = sse_f64_comi(&fp, signal != 0, a, b);
    sse_fp_finish(env, &fp);
    return flags;
}

/* ---- dot products (SDM Vol. 2A DPPS, DPPD) ----------------------------------- */

/* imm8[7:4] selects the products summed, imm8[3:0] the lanes that get the
 * sum (others +0.0). Every multiply and add rounds and flags on its own;
 * an unmasked exception in the multiplies stops before the adds, one in
 * the first adds before the last (measured). */
void helper_dpps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg a, b, r;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    SseFp fp = sse_fp_start(env);
    uint32_t p[4];
    for (unsigned i = 0; i < 4; i++) {
        p[i] = arg & (0x10u << i) ? sse_f32_arith(&fp, SSE_MUL, a.l[i], b.l[i]) : 0;
    }
    sse_fp_finish(env, &fp);
    fp = sse_fp_start(env);
    uint32_t lo = sse_f32_arith(&fp, SSE_ADD, p[0], p[1]);
    uint32_t hi = sse_f32_arith(&fp, SSE_ADD, p[2], p[3]);
    sse_fp_finish(env, &fp);
    fp = sse_fp_start(env);
    uint32_t sum = sse_f32_arith(&fp, SSE_ADD, lo, hi);
    sse_fp_finish(env, &fp);
    for (unsigned i = 0; i < 4; i++) {
        r.l[i] = arg & (1u << i) ? sum : 0;
    }
    sse_put(env, d, &r, 16);
}

void helper_dppd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg a, b, r;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    SseFp fp = sse_fp_start(env);
    uint64_t p[2];
    for (unsigned i = 0; i < 2; i++) {
        p[i] = arg & (0x10u << i) ? sse_f64_arith(&fp, SSE_MUL, a.q[i], b.q[i]) : 0;
    }
    sse_fp_finish(env, &fp);
    fp = sse_fp_start(env);
    uint64_t sum = sse_f64_arith(&fp, SSE_ADD, p[0], p[1]);
    sse_fp_finish(env, &fp);
    for (unsigned i = 0; i < 2; i++) {
        r.q[i] = arg & (1u << i) ? sum : 0;
    }
    sse_put(env, d, &r, 16);
}

/* ---- rounding to an integer value (SSE4.1 ROUNDPS...) ------------------------- */

static void f32_round(CpuState *env, uint32_t d, uint32_t s, unsigned imm, unsigned n)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    SseFp fp = sse_fp_start(env);
    uint32_t t[4];
    for (unsigned i = 0; i < n; i++) {
        t[i] = sse_f32_round(&fp, b.l[i], imm);
    }
    sse_fp_finish(env, &fp);
    memcpy(a.l, t, 4 * n);
    sse_put(env, d, &a, 16);
}

static void f64_round(CpuState *env, uint32_t d, uint32_t s, unsigned imm, unsigned n)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    SseFp fp = sse_fp_start(env);
    uint64_t t[2];
    for (unsigned i = 0; i < n; i++) {
        t[i] = sse_f64_round(&fp, b.q[i], imm);
    }
    sse_fp_finish(env, &fp);
    memcpy(a.q, t, 8 * n);
    sse_put(env, d, &a, 16);
}

void helper_roundps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_round(env, d, s, arg, 4);
}
void helper_roundss(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_round(env, d, s, arg, 1);
}
void helper_roundpd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f64_round(env, d, s, arg, 2);
}
void helper_roundsd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f64_round(env, d, s, arg, 1);
}

/* ---- reciprocal approximations (RCPPS, RSQRTPS) ------------------------------- */

/*
 * The SDM promises a relative error of at most 1.5 * 2^-12 and leaves the
 * exact bits to the implementation (Intel and AMD differ). We return the
 * correctly rounded value, which is within that bound. Denormal operands
 * count as zeros, tiny results flush to zero, no flag is ever set
 * (SDM Vol. 2B RCPPS, RSQRTPS).
 */
static uint32_t f32_rcp(uint32_t x)
{
    uint32_t sign = x & 0x80000000u, mag = x & 0x7fffffffu;
    if (mag > 0x7f800000u) {
        return x | 0x00400000u;
    }
    if (mag < 0x00800000u) {
        return sign | 0x7f800000u;
    }
    if (mag == 0x7f800000u) {
        return sign;
    }
    double q = 1.0 / (double)sse_f32(mag);
    SSE_FP_PIN(q);
    uint32_t r = sse_f32_bits((float)q);
    if (r < 0x00800000u) {
        r = 0;
    }
    return sign | r;
}

static uint32_t f32_rsqrt(uint32_t x)
{
    uint32_t sign = x & 0x80000000u, mag = x & 0x7fffffffu;
    if (mag > 0x7f800000u) {
        return x | 0x00400000u;
    }
    if (mag < 0x00800000u) {
        return sign | 0x7f800000u;
    }
    if (sign) {
        return F32_DEFAULT_NAN;
    }
    if (mag == 0x7f800000u) {
        return 0;
    }
    double q = 1.0 / sse_host_sqrt((double)sse_f32(mag));
    SSE_FP_PIN(q);
    return sse_f32_bits((float)q);
}

static void f32_approx(CpuState *env, uint32_t d, uint32_t s, bool rsqrt, unsigned n)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    for (unsigned i = 0; i < n; i++) {
        a.l[i] = rsqrt ? f32_rsqrt(b.l[i]) : f32_rcp(b.l[i]);
    }
    sse_put(env, d, &a, 16);
}

void helper_rcpps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_approx(env, d, s, false, 4);
}
void helper_rcpss(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_approx(env, d, s, false, 1);
}
void helper_rsqrtps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_approx(env, d, s, true, 4);
}
void helper_rsqrtss(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    f32_approx(env, d, s, true, 1);
}

/* ---- descriptors ------------------------------------------------------------------ */

/* They may raise #XM; their effects stay in the CPU state (XMM, MXCSR). */
#define FP_DESC(name) HELPER(name, IR_VOID, SSE_DESC_FP, IR_I32, IR_I32, IR_I32)
#define FP_DESC4(NAME)                                                                             \
    FP_DESC(NAME##ps);                                                                             \
    FP_DESC(NAME##pd);                                                                             \
    FP_DESC(NAME##ss);                                                                             \
    FP_DESC(NAME##sd)

FP_DESC4(add);
FP_DESC4(sub);
FP_DESC4(mul);
FP_DESC4(div);
FP_DESC4(min);
FP_DESC4(max);
FP_DESC4(sqrt);
FP_DESC4(cmp);
FP_DESC4(round);
FP_DESC(haddps);
FP_DESC(haddpd);
FP_DESC(hsubps);
FP_DESC(hsubpd);
FP_DESC(addsubps);
FP_DESC(addsubpd);
FP_DESC(dpps);
FP_DESC(dppd);
#define APPROX_DESC(name) HELPER(name, IR_VOID, SSE_DESC_PURE, IR_I32, IR_I32, IR_I32)
APPROX_DESC(rcpps);
APPROX_DESC(rcpss);
APPROX_DESC(rsqrtps);
APPROX_DESC(rsqrtss);
HELPER(comiss, IR_I64, SSE_DESC_FP, IR_I32, IR_I32, IR_I32);
HELPER(comisd, IR_I64, SSE_DESC_FP, IR_I32, IR_I32, IR_I32);
