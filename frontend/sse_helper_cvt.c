/*
 * sse_helper_cvt.c — the SSE/SSE2 conversions between binary32, binary64
 * and 32/64-bit integers (SDM Vol. 2A CVT*), register and MMX forms.
 *
 * Float to integer rounds by MXCSR.RC (or truncates, the CVTT forms); a NaN,
 * an infinity or a value out of range gives the integer indefinite (the
 * most negative integer) with IE. These are exact integer arithmetic in
 * sse_helper_fpu.c and need no host environment; integer to float and
 * binary64 to binary32 round on the host. The common cases take a fast path
 * (see sse_helper_fp.c).
 */
#include "frontend/helper_desc.h"
#include "frontend/sse_helpers.h"

/* ---- float <-> float ---------------------------------------------------------- */

static uint64_t widen(SseFp *fp, uint32_t a)
{
    if (sse_f32_plain(a)) {
        return sse_f64_bits((double)sse_f32(a));
    }
    return sse_f32_to_f64(fp, a);
}

/* binary64 -> binary32: fast when the host's nearest rounding with PE
 * already set is all there is to it (a normal result clear of the
 * underflow range, or a zero from a zero). */
static uint32_t narrow(SseFp *fp, uint64_t a)
{
    if (sse_fast_rounding(fp->mxcsr) && sse_f64_plain(a)) {
        double x = sse_f64(a);
        SSE_FP_PIN(x);
        float z = (float)x;
        SSE_FP_PIN(z);
        uint32_t r = sse_f32_bits(z);
        uint32_t e = r & 0x7f800000u;
        if ((e > 0x00800000u && e != 0x7f800000u) || (a << 1) == 0) {
            return r;
        }
    }
    return sse_f64_to_f32(fp, a);
}

void helper_cvtps2pd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg b, r;
    sse_get(env, &b, s, 8);
    SseFp fp = sse_fp_start(env);
    r.q[0] = widen(&fp, b.l[0]);
    r.q[1] = widen(&fp, b.l[1]);
    sse_fp_finish(env, &fp);
    sse_put(env, d, &r, 16);
}

void helper_cvtss2sd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    uint32_t b;
    memcpy(&b, sse_reg_ptr(env, s), 4);
    SseFp fp = sse_fp_start(env);
    uint64_t r = widen(&fp, b);
    sse_fp_finish(env, &fp);
    memcpy(sse_reg_ptr(env, d), &r, 8);
}

void helper_cvtpd2ps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg b, r;
    sse_get(env, &b, s, 16);
    SseFp fp = sse_fp_start(env);
    r.l[0] = narrow(&fp, b.q[0]);
    r.l[1] = narrow(&fp, b.q[1]);
    r.q[1] = 0;
    sse_fp_finish(env, &fp);
    sse_put(env, d, &r, 16);
}

void helper_cvtsd2ss(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    uint64_t b;
    memcpy(&b, sse_reg_ptr(env, s), 8);
    SseFp fp = sse_fp_start(env);
    uint32_t r = narrow(&fp, b);
    sse_fp_finish(env, &fp);
    memcpy(sse_reg_ptr(env, d), &r, 4);
}

/* ---- integer -> float ------------------------------------------------------------ */

static uint32_t int_to_f32(SseFp *fp, int64_t v)
{
    if (sse_fast_rounding(fp->mxcsr)) {
        __asm__ volatile("" : "+r"(v));
        float z = (float)v;
        SSE_FP_PIN(z);
        return sse_f32_bits(z);
    }
    return sse_i64_to_f32(fp, v);
}

static uint64_t int_to_f64(SseFp *fp, int64_t v)
{
    if (v == (int32_t)v || sse_fast_rounding(fp->mxcsr)) { /* int32: always exact */
        __asm__ volatile("" : "+r"(v));
        double z = (double)v;
        SSE_FP_PIN(z);
        return sse_f64_bits(z);
    }
    return sse_i64_to_f64(fp, v);
}

void helper_cvtdq2ps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg b, r;
    sse_get(env, &b, s, 16);
    SseFp fp = sse_fp_start(env);
    for (unsigned i = 0; i < 4; i++) {
        r.l[i] = int_to_f32(&fp, (int32_t)b.l[i]);
    }
    sse_fp_finish(env, &fp);
    sse_put(env, d, &r, 16);
}

void helper_cvtdq2pd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg b, r;
    sse_get(env, &b, s, 8);
    SseFp fp = sse_fp_start(env);
    for (unsigned i = 0; i < 2; i++) {
        r.q[i] = int_to_f64(&fp, (int32_t)b.l[i]);
    }
    sse_put(env, d, &r, 16);
}

/* CVTPI2PS: lanes 0-1 from the MMX pair, lanes 2-3 unchanged. */
void helper_cvtpi2ps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg b, r;
    sse_get(env, &b, s, 8);
    sse_get(env, &r, d, 16);
    SseFp fp = sse_fp_start(env);
    uint32_t t0 = int_to_f32(&fp, (int32_t)b.l[0]);
    uint32_t t1 = int_to_f32(&fp, (int32_t)b.l[1]);
    sse_fp_finish(env, &fp);
    r.l[0] = t0;
    r.l[1] = t1;
    sse_put(env, d, &r, 16);
}

void helper_cvtpi2pd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    helper_cvtdq2pd(env, d, s, arg);
}

void helper_cvtsi2ss(CpuState *env, uint32_t d, uint64_t v, uint32_t bits)
{
    SseFp fp = sse_fp_start(env);
    uint32_t r = int_to_f32(&fp, bits == 64 ? (int64_t)v : (int32_t)v);
    sse_fp_finish(env, &fp);
    memcpy(sse_reg_ptr(env, d), &r, 4);
}

void helper_cvtsi2sd(CpuState *env, uint32_t d, uint64_t v, uint32_t bits)
{
    SseFp fp = sse_fp_start(env);
    uint64_t r = int_to_f64(&fp, bits == 64 ? (int64_t)v : (int32_t)v);
    sse_fp_finish(env, &fp);
    memcpy(sse_reg_ptr(env, d), &r, 8);
}

/* ---- float -> integer ------------------------------------------------------------ */

/* Packed to 32-bit integers: n lanes (2 or 4; binary64 lanes: 2) of
 * binary32 (dbl false) or binary64 from s into r's dwords. */
static void to_dwords(CpuState *env, XmmReg *r, uint32_t s, bool dbl, bool trunc, unsigned n)
{
    XmmReg b;
    sse_get(env, &b, s, dbl || n == 4 ? 16 : 8);
    SseFp fp = sse_fp_start(env);
    uint32_t t[4];
    for (unsigned i = 0; i < n; i++) {
        t[i] = (uint32_t)(dbl ? sse_f64_to_int(&fp, b.q[i], trunc, 32)
                              : sse_f32_to_int(&fp, b.l[i], trunc, 32));
    }
    sse_fp_finish(env, &fp);
    memcpy(r->l, t, 4 * n);
}

void helper_cvtps2dq(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg r;
    to_dwords(env, &r, s, false, false, 4);
    sse_put(env, d, &r, 16);
}

void helper_cvttps2dq(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg r;
    to_dwords(env, &r, s, false, true, 4);
    sse_put(env, d, &r, 16);
}

void helper_cvtpd2dq(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg r;
    to_dwords(env, &r, s, true, false, 2);
    r.q[1] = 0;
    sse_put(env, d, &r, 16);
}

void helper_cvttpd2dq(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg r;
    to_dwords(env, &r, s, true, true, 2);
    r.q[1] = 0;
    sse_put(env, d, &r, 16);
}

/* The MMX destinations: 8 bytes (the lifter sets the register's exponent). */
void helper_cvtps2pi(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg r;
    to_dwords(env, &r, s, false, false, 2);
    sse_put(env, d, &r, 8);
}

void helper_cvttps2pi(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg r;
    to_dwords(env, &r, s, false, true, 2);
    sse_put(env, d, &r, 8);
}

void helper_cvtpd2pi(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg r;
    to_dwords(env, &r, s, true, false, 2);
    sse_put(env, d, &r, 8);
}

void helper_cvttpd2pi(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg r;
    to_dwords(env, &r, s, true, true, 2);
    sse_put(env, d, &r, 8);
}

/* Scalar to a general register: the result zero-extended from bits (32/64). */
static uint64_t scalar_to_int(CpuState *env, uint32_t s, bool dbl, bool trunc, unsigned bits)
{
    uint64_t a = 0;
    memcpy(&a, sse_reg_ptr(env, s), dbl ? 8 : 4);
    /* fast: a truncation to 32 bits in range, exact or with PE already set
     * and masked (C's conversion truncates, whatever the rounding mode) */
    uint32_t mx = env->mxcsr;
    if (trunc && bits == 32 && (dbl ? sse_f64_plain(a) : sse_f32_plain((uint32_t)a))) {
        double x = dbl ? sse_f64(a) : (double)sse_f32((uint32_t)a);
        if (x > -2147483649.0 && x < 2147483648.0) {
            int32_t v = (int32_t)x;
            if ((double)v == x || (mx & (MXCSR_PE | MXCSR_PM)) == (MXCSR_PE | MXCSR_PM)) {
                return (uint32_t)v;
            }
        }
    }
    SseFp fp = sse_fp_start(env);
    int64_t v =
        dbl ? sse_f64_to_int(&fp, a, trunc, bits) : sse_f32_to_int(&fp, (uint32_t)a, trunc, bits);
    sse_fp_finish(env, &fp);
    return bits == 64 ? (uint64_t)v : (uint32_t)v;
}

uint64_t helper_cvtss2si(CpuState *env, uint32_t s, uint32_t bits)
{
    return scalar_to_int(env, s, false, false, bits);
}
uint64_t helper_cvttss2si(CpuState *env, uint32_t s, uint32_t bits)
{
    return scalar_to_int(env, s, false, true, bits);
}
uint64_t helper_cvtsd2si(CpuState *env, uint32_t s, uint32_t bits)
{
    return scalar_to_int(env, s, true, false, bits);
}
uint64_t helper_cvttsd2si(CpuState *env, uint32_t s, uint32_t bits)
{
    return scalar_to_int(env, s, true, true, bits);
}

/* ---- descriptors ------------------------------------------------------------------ */

#define CVT_DESC(name) HELPER(name, IR_VOID, SSE_DESC_FP, IR_I32, IR_I32, IR_I32)

CVT_DESC(cvtps2pd);
CVT_DESC(cvtpd2ps);
CVT_DESC(cvtss2sd);
CVT_DESC(cvtsd2ss);
CVT_DESC(cvtdq2ps);
CVT_DESC(cvtps2dq);
CVT_DESC(cvttps2dq);
CVT_DESC(cvtdq2pd);
CVT_DESC(cvtpd2dq);
CVT_DESC(cvttpd2dq);
CVT_DESC(cvtpi2ps);
CVT_DESC(cvtpi2pd);
CVT_DESC(cvtps2pi);
CVT_DESC(cvttps2pi);
CVT_DESC(cvtpd2pi);
CVT_DESC(cvttpd2pi);
HELPER(cvtsi2ss, IR_VOID, SSE_DESC_FP, IR_I32, IR_I64, IR_I32);
HELPER(cvtsi2sd, IR_VOID, SSE_DESC_FP, IR_I32, IR_I64, IR_I32);
HELPER(cvtss2si, IR_I64, SSE_DESC_FP, IR_I32, IR_I32);
HELPER(cvttss2si, IR_I64, SSE_DESC_FP, IR_I32, IR_I32);
HELPER(cvtsd2si, IR_I64, SSE_DESC_FP, IR_I32, IR_I32);
HELPER(cvttsd2si, IR_I64, SSE_DESC_FP, IR_I32, IR_I32);
