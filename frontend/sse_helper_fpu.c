/*
 * sse_helper_fpu.c — the SSE floating-point element model: one binary32 or
 * binary64 operation with x86's rules for everything IEEE 754 leaves to the
 * implementation, computing the rounded value itself on the host FPU.
 *
 * Per operation, in the order of SDM Vol. 1 4.9.2 (exception priority) and
 * 11.5.2 (pre- and post-computation exceptions):
 *   1. NaN operands: the first operand if it is a NaN, else the second,
 *      quieted; IE for an SNaN (SDM Vol. 1 Table 4-7). No other flag.
 *   2. DAZ turns denormal operands into zeros of their sign (no DE then).
 *   3. Invalid operations (inf - inf, 0 * inf, 0/0, inf/inf, sqrt of a
 *      negative): IE and the default NaN (negative QNaN). Division of a
 *      finite nonzero value by zero: ZE (not DE, as the hardware does).
 *   4. DE for a denormal operand.
 *   5. The host computes the rounded result in the guest's rounding mode and
 *      reports overflow and inexact, which IEEE defines the same everywhere.
 *      Underflow is ours: x86 detects tininess after rounding (SDM Vol. 1
 *      4.9.1.5), so a result that rounded to the smallest normal may still be
 *      tiny; such a result is recomputed on operands scaled to [1, 2).
 *      Masked: UE with PE only if inexact, FTZ flushes any tiny result to
 *      zero with UE and PE. Unmasked OE or UE: that flag, with PE only when
 *      the result rounded with an unbounded exponent is inexact (measured
 *      on hardware, as is everything the SDM leaves open here).
 *
 * The host environment: on x86-64 hosts MXCSR is set and read directly
 * (ldmxcsr/stmxcsr); elsewhere fenv.h does it (fesetround, feclearexcept,
 * fetestexcept). The host runs in round-to-nearest with its exceptions
 * masked and without flush-to-zero, which is how both Linux hosts start;
 * the fast paths of the helpers rely on it. Every operation's operands and
 * result pass through an empty asm (HOSTFP_PIN) so the compiler can neither
 * move the arithmetic across the environment changes nor contract a
 * multiply and an add into a fused one.
 *
 * Measured (user time of a Mandelbrot loop in doubles, 90000 points of up
 * to 256 iterations, AMD EPYC host): every operation through this model
 * (MXCSR round toward zero) takes 0.65 s with MXCSR written directly and
 * 5.3 s through glibc's fenv.h (its feclearexcept saves and reloads the
 * whole x87 environment); the helpers' fast paths in round-to-nearest take
 * 0.2 s. fenv.h is for hosts where it is cheap (arm64: FPCR/FPSR accesses).
 */
#include "frontend/sse_helpers.h"

#include <string.h>

/* ---- the host floating-point environment ---------------------------------- */

#if defined(__x86_64__) && !defined(RX86_PORTABLE_FENV)

typedef uint32_t HostFpSave;

/* Round as x86 rc says, all exceptions masked, flags clear. ldmxcsr is the
 * costly part (it serializes): in round-to-nearest, the host's own mode, the
 * host is left as it is afterwards (its sticky flags interest no one), so
 * one write does. */
static inline HostFpSave hostfp_begin(unsigned rc)
{
    uint32_t m = MXCSR_MASKS | rc << MXCSR_RC_SHIFT;
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
    return rc != SSE_RC_NEAREST;
}

/* The IEEE flags raised since hostfp_begin, in MXCSR positions; the host
 * back in its default mode. */
static inline unsigned hostfp_end(HostFpSave restore)
{
    uint32_t m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    if (restore) {
        uint32_t dflt = MXCSR_MASKS;
        __asm__ volatile("ldmxcsr %0" : : "m"(dflt));
    }
    return m & (MXCSR_OE | MXCSR_PE);
}

#else

#include <fenv.h>

typedef int HostFpSave;

static inline HostFpSave hostfp_begin(unsigned rc)
{
    static const int modes[4] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
    int saved = fegetround();
    fesetround(modes[rc & 3]);
    feclearexcept(FE_ALL_EXCEPT);
    return saved;
}

static inline unsigned hostfp_end(HostFpSave saved)
{
    int e = fetestexcept(FE_OVERFLOW | FE_INEXACT);
    fesetround(saved);
    return (e & FE_OVERFLOW ? MXCSR_OE : 0) | (e & FE_INEXACT ? MXCSR_PE : 0);
}

#endif

#define HOSTFP_PIN(x) SSE_FP_PIN(x)

static inline float f32_val(uint64_t bits)
{
    return sse_f32((uint32_t)bits);
}
static inline double f64_val(uint64_t bits)
{
    return sse_f64(bits);
}
static inline uint64_t f32_bits(float f)
{
    return sse_f32_bits(f);
}
static inline uint64_t f64_bits(double d)
{
    return sse_f64_bits(d);
}

/* op (SSE_ADD..SSE_DIV, or SSE_SQRT of a) on the host in rounding mode rc;
 * the result in *r, the host's OE and PE as the return value. */
static unsigned host_op(bool dbl, unsigned op, uint64_t a, uint64_t b, unsigned rc, uint64_t *r)
{
    HostFpSave sv = hostfp_begin(rc);
    if (dbl) {
        double x = f64_val(a), y = f64_val(b), z;
        HOSTFP_PIN(x);
        HOSTFP_PIN(y);
        switch (op) {
        case SSE_ADD:
            z = x + y;
            break;
        case SSE_SUB:
            z = x - y;
            break;
        case SSE_MUL:
            z = x * y;
            break;
        case SSE_DIV:
            z = x / y;
            break;
        default:
            z = sse_host_sqrt(x);
            break;
        }
        HOSTFP_PIN(z);
        *r = f64_bits(z);
    } else {
        float x = f32_val(a), y = f32_val(b), z;
        HOSTFP_PIN(x);
        HOSTFP_PIN(y);
        switch (op) {
        case SSE_ADD:
            z = x + y;
            break;
        case SSE_SUB:
            z = x - y;
            break;
        case SSE_MUL:
            z = x * y;
            break;
        case SSE_DIV:
            z = x / y;
            break;
        default:
            z = sse_host_sqrtf(x);
            break;
        }
        HOSTFP_PIN(z);
        *r = f32_bits(z);
    }
    return hostfp_end(sv);
}

/* double -> float on the host in mode rc. */
static unsigned host_narrow(uint64_t a, unsigned rc, uint64_t *r)
{
    HostFpSave sv = hostfp_begin(rc);
    double x = f64_val(a);
    HOSTFP_PIN(x);
    float z = (float)x;
    HOSTFP_PIN(z);
    *r = f32_bits(z);
    return hostfp_end(sv);
}

/* int64 -> float or double on the host in mode rc. */
static unsigned host_from_int(bool dbl, int64_t v, unsigned rc, uint64_t *r)
{
    HostFpSave sv = hostfp_begin(rc);
    __asm__ volatile("" : "+r"(v));
    if (dbl) {
        double z = (double)v;
        HOSTFP_PIN(z);
        *r = f64_bits(z);
    } else {
        float z = (float)v;
        HOSTFP_PIN(z);
        *r = f32_bits(z);
    }
    return hostfp_end(sv);
}

/* ---- the formats as bits ---------------------------------------------------- */

static inline unsigned frac_bits(bool dbl)
{
    return dbl ? 52 : 23;
}
static inline int fp_bias(bool dbl)
{
    return dbl ? 1023 : 127;
}
static inline uint64_t sign_bit(bool dbl)
{
    return dbl ? 1ull << 63 : 1ull << 31;
}
static inline uint64_t exp_all(bool dbl) /* the exponent field of inf and NaN, in place */
{
    return dbl ? 0x7ff0000000000000ull : 0x7f800000u;
}
static inline uint64_t frac_mask(bool dbl)
{
    return (1ull << frac_bits(dbl)) - 1;
}
static inline uint64_t quiet_bit(bool dbl)
{
    return 1ull << (frac_bits(dbl) - 1);
}
static inline uint64_t min_normal(bool dbl)
{
    return 1ull << frac_bits(dbl);
}
static inline uint64_t magnitude(bool dbl, uint64_t x)
{
    return x & ~sign_bit(dbl);
}
static inline bool is_nan(bool dbl, uint64_t x)
{
    return magnitude(dbl, x) > exp_all(dbl);
}
static inline bool is_snan(bool dbl, uint64_t x)
{
    return is_nan(dbl, x) && !(x & quiet_bit(dbl));
}
static inline bool is_inf(bool dbl, uint64_t x)
{
    return magnitude(dbl, x) == exp_all(dbl);
}
static inline bool is_zero(bool dbl, uint64_t x)
{
    return magnitude(dbl, x) == 0;
}
static inline bool is_denormal(bool dbl, uint64_t x)
{
    return magnitude(dbl, x) != 0 && magnitude(dbl, x) < min_normal(dbl);
}
static inline uint64_t default_nan(bool dbl)
{
    return dbl ? F64_DEFAULT_NAN : F32_DEFAULT_NAN;
}
static inline unsigned fp_rc(const SseFp *fp)
{
    return (fp->mxcsr & MXCSR_RC) >> MXCSR_RC_SHIFT;
}
static inline bool unmasked(const SseFp *fp, uint32_t flag)
{
    return !(fp->mxcsr & flag << MXCSR_MASK_SHIFT);
}

/* Two operands, at least one a NaN: the first NaN of (a, b), quieted. */
static uint64_t nan_result(SseFp *fp, bool dbl, uint64_t a, uint64_t b)
{
    if (is_snan(dbl, a) || is_snan(dbl, b)) {
        fp->pre |= MXCSR_IE;
    }
    return (is_nan(dbl, a) ? a : b) | quiet_bit(dbl);
}

/* An operand after DAZ; *den set for a denormal that stays one. */
static uint64_t operand_in(const SseFp *fp, bool dbl, uint64_t x, bool *den)
{
    if (is_denormal(dbl, x)) {
        if (fp->mxcsr & MXCSR_DAZ) {
            return x & sign_bit(dbl);
        }
        *den = true;
    }
    return x;
}

/* x = m * 2^e with m of x's sign and fraction but exponent 0 (|m| in
 * [1, 2)); returns e. x finite and nonzero. */
static int normalize(bool dbl, uint64_t x, uint64_t *m)
{
    unsigned fb = frac_bits(dbl);
    uint64_t f = x & frac_mask(dbl);
    int e = (int)((magnitude(dbl, x) >> fb));
    if (e == 0) {
        int sh = __builtin_clzll(f) - (63 - (int)fb);
        f = (f << sh) & frac_mask(dbl);
        e = 1 - sh;
    }
    *m = (x & sign_bit(dbl)) | (uint64_t)fp_bias(dbl) << fb | f;
    return e - fp_bias(dbl);
}

/* The unbiased exponent of a normal value. */
static int exponent_of(bool dbl, uint64_t x)
{
    return (int)(magnitude(dbl, x) >> frac_bits(dbl)) - fp_bias(dbl);
}

/* The operation a result came from, to recompute it as if the exponent
 * were unbounded: op is SSE_ADD..SSE_SQRT or FP_NARROW (binary64 a to
 * binary32); b unused for the unary ones. */
#define FP_NARROW 5

typedef struct FpOp {
    unsigned op;
    uint64_t a, b;
} FpOp;

/*
 * The operation rounded to its precision with an unbounded exponent: *exp
 * gets the unbiased exponent of that result (SSE_MUL, SSE_DIV, FP_NARROW)
 * and the return value is whether it is inexact. The operands are scaled
 * by powers of two, which keeps their significands: to [1, 2) for products,
 * quotients and narrowing; halved for sums (only asked after an overflow:
 * tiny sums are exact, see post_compute).
 */
static bool unbounded(const SseFp *fp, bool dbl, const FpOp *o, unsigned hf, int *exp)
{
    uint64_t ma, mb, r;
    unsigned flags;
    *exp = 0;
    switch (o->op) {
    case SSE_MUL:
    case SSE_DIV: {
        int ea = normalize(dbl, o->a, &ma);
        int eb = normalize(dbl, o->b, &mb);
        flags = host_op(dbl, o->op, ma, mb, fp_rc(fp), &r);
        *exp = (o->op == SSE_MUL ? ea + eb : ea - eb) + exponent_of(dbl, r);
        return flags & MXCSR_PE;
    }
    case FP_NARROW: {
        int ea = normalize(true, o->a, &ma);
        flags = host_narrow(ma, fp_rc(fp), &r);
        *exp = ea + exponent_of(false, r);
        return flags & MXCSR_PE;
    }
    case SSE_ADD:
    case SSE_SUB:
        if (hf & MXCSR_OE) {
            uint64_t half = dbl ? f64_bits(0.5) : f32_bits(0.5f);
            host_op(dbl, SSE_MUL, o->a, half, SSE_RC_NEAREST, &ma);
            host_op(dbl, SSE_MUL, o->b, half, SSE_RC_NEAREST, &mb);
            return host_op(dbl, o->op, ma, mb, fp_rc(fp), &r) & MXCSR_PE;
        }
        return hf & MXCSR_PE;
    default:
        return hf & MXCSR_PE;
    }
}

/*
 * The overflow and underflow rules on the host's result r of o (host flags
 * hf), SDM Vol. 1 4.9.1.4-4.9.1.5 and 11.5.2.1. Masked: OE with PE; UE with
 * PE when tiny and inexact, FTZ flushing any tiny result to zero with UE
 * and PE. Unmasked OE or UE: that flag, with PE when the result rounded to
 * the precision with an unbounded exponent is inexact (measured: a
 * product that overflows by rounding an exact value reports OE alone).
 */
static uint64_t post_compute(SseFp *fp, bool dbl, uint64_t r, unsigned hf, const FpOp *o)
{
    int exp;
    if (hf & MXCSR_OE) {
        if (unmasked(fp, MXCSR_OE)) {
            fp->post |= MXCSR_OE | (unbounded(fp, dbl, o, hf, &exp) ? MXCSR_PE : 0);
        } else {
            fp->post |= MXCSR_OE | MXCSR_PE;
        }
        return r;
    }
    bool inexact = hf & MXCSR_PE;
    uint64_t mag = magnitude(dbl, r);
    bool tiny;
    if (mag == 0) {
        tiny = inexact;
    } else if (mag < min_normal(dbl)) {
        tiny = true;
    } else if (mag == min_normal(dbl) && inexact) {
        /* perhaps a tiny value rounded up to it: x86 detects tininess
         * after rounding, with an unbounded exponent */
        unbounded(fp, dbl, o, hf, &exp);
        tiny = exp < 1 - fp_bias(dbl);
    } else {
        tiny = false;
    }
    if (tiny) {
        if (unmasked(fp, MXCSR_UE)) {
            fp->post |= MXCSR_UE | (unbounded(fp, dbl, o, hf, &exp) ? MXCSR_PE : 0);
        } else if (fp->mxcsr & MXCSR_FTZ) {
            fp->post |= MXCSR_UE | MXCSR_PE;
            r &= sign_bit(dbl);
        } else if (inexact) {
            fp->post |= MXCSR_UE | MXCSR_PE;
        }
        return r;
    }
    if (inexact) {
        fp->post |= MXCSR_PE;
    }
    return r;
}

/* ---- arithmetic ----------------------------------------------------------------- */

static uint64_t fp_arith(SseFp *fp, bool dbl, unsigned op, uint64_t a, uint64_t b)
{
    if (is_nan(dbl, a) || is_nan(dbl, b)) {
        return nan_result(fp, dbl, a, b);
    }
    bool den = false;
    a = operand_in(fp, dbl, a, &den);
    b = operand_in(fp, dbl, b, &den);
    bool opposite = ((a ^ b) & sign_bit(dbl)) != 0;
    bool invalid;
    switch (op) {
    case SSE_ADD:
        invalid = is_inf(dbl, a) && is_inf(dbl, b) && opposite;
        break;
    case SSE_SUB:
        invalid = is_inf(dbl, a) && is_inf(dbl, b) && !opposite;
        break;
    case SSE_MUL:
        invalid = (is_inf(dbl, a) && is_zero(dbl, b)) || (is_zero(dbl, a) && is_inf(dbl, b));
        break;
    default:
        invalid = (is_zero(dbl, a) && is_zero(dbl, b)) || (is_inf(dbl, a) && is_inf(dbl, b));
        if (!invalid && is_zero(dbl, b) && !is_inf(dbl, a)) {
            fp->pre |= MXCSR_ZE;
            return (opposite ? sign_bit(dbl) : 0) | exp_all(dbl);
        }
        break;
    }
    if (invalid) {
        fp->pre |= MXCSR_IE;
        return default_nan(dbl);
    }
    if (den) {
        fp->pre |= MXCSR_DE;
    }
    uint64_t r;
    unsigned hf = host_op(dbl, op, a, b, fp_rc(fp), &r);
    FpOp o = {op, a, b};
    return post_compute(fp, dbl, r, hf, &o);
}

uint32_t sse_f32_arith(SseFp *fp, unsigned op, uint32_t a, uint32_t b)
{
    return (uint32_t)fp_arith(fp, false, op, a, b);
}

uint64_t sse_f64_arith(SseFp *fp, unsigned op, uint64_t a, uint64_t b)
{
    return fp_arith(fp, true, op, a, b);
}

static uint64_t fp_sqrt(SseFp *fp, bool dbl, uint64_t a)
{
    if (is_nan(dbl, a)) {
        return nan_result(fp, dbl, a, a);
    }
    bool den = false;
    a = operand_in(fp, dbl, a, &den);
    if ((a & sign_bit(dbl)) && !is_zero(dbl, a)) {
        fp->pre |= MXCSR_IE;
        return default_nan(dbl);
    }
    if (den) {
        fp->pre |= MXCSR_DE;
    }
    uint64_t r;
    unsigned hf = host_op(dbl, SSE_SQRT, a, a, fp_rc(fp), &r);
    FpOp o = {SSE_SQRT, a, a};
    return post_compute(fp, dbl, r, hf, &o); /* never tiny, never overflows */
}

uint32_t sse_f32_sqrt(SseFp *fp, uint32_t a)
{
    return (uint32_t)fp_sqrt(fp, false, a);
}

uint64_t sse_f64_sqrt(SseFp *fp, uint64_t a)
{
    return fp_sqrt(fp, true, a);
}

/* ---- comparisons ---------------------------------------------------------------- */

/* a < b and a == b on non-NaN values as bits (zeros of either sign equal). */
static bool less(bool dbl, uint64_t a, uint64_t b)
{
    uint64_t s = sign_bit(dbl);
    if (is_zero(dbl, a) && is_zero(dbl, b)) {
        return false;
    }
    if ((a & s) != (b & s)) {
        return (a & s) != 0;
    }
    return (a & s) ? magnitude(dbl, a) > magnitude(dbl, b) : magnitude(dbl, a) < magnitude(dbl, b);
}

static bool equal(bool dbl, uint64_t a, uint64_t b)
{
    return a == b || (is_zero(dbl, a) && is_zero(dbl, b));
}

static uint64_t fp_minmax(SseFp *fp, bool dbl, bool max, uint64_t a, uint64_t b)
{
    /* DAZ comes first here: with a NaN the (flushed) source is returned */
    bool den = false;
    a = operand_in(fp, dbl, a, &den);
    b = operand_in(fp, dbl, b, &den);
    if (is_nan(dbl, a) || is_nan(dbl, b)) {
        fp->pre |= MXCSR_IE; /* MINPS/MAXPS: QNaNs are invalid too */
        return b;
    }
    if (den) {
        fp->pre |= MXCSR_DE;
    }
    bool take_a = max ? less(dbl, b, a) : less(dbl, a, b);
    return take_a ? a : b;
}

uint32_t sse_f32_minmax(SseFp *fp, bool max, uint32_t a, uint32_t b)
{
    return (uint32_t)fp_minmax(fp, false, max, a, b);
}

uint64_t sse_f64_minmax(SseFp *fp, bool max, uint64_t a, uint64_t b)
{
    return fp_minmax(fp, true, max, a, b);
}

/* CMPPS predicates (SDM Vol. 2A CMPPS, Table 3-1): 1, 2, 5, 6 signal on QNaN. */
static bool fp_cmp(SseFp *fp, bool dbl, unsigned pred, uint64_t a, uint64_t b)
{
    pred &= 7;
    if (is_nan(dbl, a) || is_nan(dbl, b)) {
        bool signaling = pred == 1 || pred == 2 || pred == 5 || pred == 6;
        if (signaling || is_snan(dbl, a) || is_snan(dbl, b)) {
            fp->pre |= MXCSR_IE;
        }
        return pred >= 3 && pred <= 6; /* UNORD NEQ NLT NLE */
    }
    bool den = false;
    a = operand_in(fp, dbl, a, &den);
    b = operand_in(fp, dbl, b, &den);
    if (den) {
        fp->pre |= MXCSR_DE;
    }
    bool lt = less(dbl, a, b), eq = equal(dbl, a, b);
    switch (pred) {
    case 0:
        return eq;
    case 1:
        return lt;
    case 2:
        return lt || eq;
    case 3:
        return false;
    case 4:
        return !eq;
    case 5:
        return !lt;
    case 6:
        return !(lt || eq);
    default:
        return true;
    }
}

bool sse_f32_cmp(SseFp *fp, unsigned pred, uint32_t a, uint32_t b)
{
    return fp_cmp(fp, false, pred, a, b);
}

bool sse_f64_cmp(SseFp *fp, unsigned pred, uint64_t a, uint64_t b)
{
    return fp_cmp(fp, true, pred, a, b);
}

/* COMISS/UCOMISS (SDM Vol. 2A COMISS): unordered ZF PF CF = 111, greater
 * 000, less 001, equal 100; OF, SF, AF cleared. */
static uint64_t fp_comi(SseFp *fp, bool dbl, bool signal, uint64_t a, uint64_t b)
{
    if (is_nan(dbl, a) || is_nan(dbl, b)) {
        if (signal || is_snan(dbl, a) || is_snan(dbl, b)) {
            fp->pre |= MXCSR_IE;
        }
        return EFLAGS_ZF | EFLAGS_PF | EFLAGS_CF;
    }
    bool den = false;
    a = operand_in(fp, dbl, a, &den);
    b = operand_in(fp, dbl, b, &den);
    if (den) {
        fp->pre |= MXCSR_DE;
    }
    if (equal(dbl, a, b)) {
        return EFLAGS_ZF;
    }
    return less(dbl, a, b) ? EFLAGS_CF : 0;
}

uint64_t sse_f32_comi(SseFp *fp, bool signal, uint32_t a, uint32_t b)
{
    return fp_comi(fp, false, signal, a, b);
}

uint64_t sse_f64_comi(SseFp *fp, bool signal, uint64_t a, uint64_t b)
{
    return fp_comi(fp, true, signal, a, b);
}

/* ---- conversions ---------------------------------------------------------------- */

uint64_t sse_f32_to_f64(SseFp *fp, uint32_t a)
{
    if (is_nan(false, a)) {
        if (is_snan(false, a)) {
            fp->pre |= MXCSR_IE;
        }
        /* the payload moves to the top of the wider fraction */
        return (uint64_t)(a >> 31) << 63 | 0x7ff0000000000000ull | (uint64_t)(a & 0x7fffffu) << 29 |
               quiet_bit(true);
    }
    bool den = false;
    a = (uint32_t)operand_in(fp, false, a, &den);
    if (den) {
        fp->pre |= MXCSR_DE;
    }
    return f64_bits((double)f32_val(a)); /* exact */
}

uint32_t sse_f64_to_f32(SseFp *fp, uint64_t a)
{
    if (is_nan(true, a)) {
        if (is_snan(true, a)) {
            fp->pre |= MXCSR_IE;
        }
        return (uint32_t)(a >> 63) << 31 | 0x7f800000u | (uint32_t)((a >> 29) & 0x7fffffu) |
               (uint32_t)quiet_bit(false);
    }
    bool den = false;
    a = operand_in(fp, true, a, &den);
    if (den) {
        fp->pre |= MXCSR_DE;
    }
    uint64_t r;
    unsigned hf = host_narrow(a, fp_rc(fp), &r);
    FpOp o = {FP_NARROW, a, 0};
    return (uint32_t)post_compute(fp, false, r, hf, &o);
}

uint32_t sse_i64_to_f32(SseFp *fp, int64_t v)
{
    uint64_t r;
    if (host_from_int(false, v, fp_rc(fp), &r) & MXCSR_PE) {
        fp->post |= MXCSR_PE;
    }
    return (uint32_t)r;
}

uint64_t sse_i64_to_f64(SseFp *fp, int64_t v)
{
    uint64_t r;
    if (host_from_int(true, v, fp_rc(fp), &r) & MXCSR_PE) {
        fp->post |= MXCSR_PE;
    }
    return r;
}

/*
 * |x| rounded to an integer in mode rc (x finite, sign given apart):
 * returns the integer's magnitude, sets *inexact; *big when it does not fit
 * in 64 bits (then the value is meaningless).
 */
static uint64_t round_magnitude(bool dbl, uint64_t x, unsigned rc, bool *inexact, bool *big)
{
    unsigned fb = frac_bits(dbl);
    bool neg = (x & sign_bit(dbl)) != 0;
    uint64_t mag = magnitude(dbl, x);
    *inexact = false;
    *big = false;
    if (mag == 0) {
        return 0;
    }
    int be = (int)(mag >> fb); /* biased exponent */
    uint64_t m = mag & frac_mask(dbl);
    if (be != 0) {
        m |= 1ull << fb;
    } else {
        be = 1;
    }
    int shift = be - fp_bias(dbl) - (int)fb; /* value = m * 2^shift */
    if (shift >= 0) {
        if (shift >= 64 || (shift > 0 && (m >> (64 - shift)) != 0)) {
            *big = true;
            return 0;
        }
        return m << shift;
    }
    int sh = -shift;
    uint64_t ip, rem, half;
    if (sh >= 64) {
        ip = 0;
        rem = 1; /* nonzero, below half */
        half = 2;
    } else {
        ip = m >> sh;
        rem = m & ((1ull << sh) - 1);
        half = 1ull << (sh - 1);
    }
    if (rem == 0) {
        return ip;
    }
    *inexact = true;
    bool up;
    switch (rc) {
    case SSE_RC_NEAREST:
        up = rem > half || (rem == half && (ip & 1));
        break;
    case SSE_RC_DOWN:
        up = neg;
        break;
    case SSE_RC_UP:
        up = !neg;
        break;
    default:
        up = false;
        break;
    }
    return ip + up;
}

static int64_t fp_to_int(SseFp *fp, bool dbl, uint64_t a, bool trunc, unsigned bits)
{
    int64_t indefinite = bits == 64 ? INT64_MIN : INT32_MIN;
    if (is_nan(dbl, a) || is_inf(dbl, a)) {
        fp->pre |= MXCSR_IE;
        return indefinite;
    }
    bool den = false;
    a = operand_in(fp, dbl, a, &den);
    bool inexact, big;
    uint64_t m = round_magnitude(dbl, a, trunc ? SSE_RC_ZERO : fp_rc(fp), &inexact, &big);
    bool neg = (a & sign_bit(dbl)) != 0;
    uint64_t limit = (1ull << (bits - 1)) - (neg ? 0 : 1);
    if (big || m > limit) {
        fp->pre |= MXCSR_IE;
        return indefinite;
    }
    if (inexact) {
        fp->post |= MXCSR_PE;
    }
    return neg ? (int64_t)(0 - m) : (int64_t)m;
}

int64_t sse_f32_to_int(SseFp *fp, uint32_t a, bool trunc, unsigned bits)
{
    return fp_to_int(fp, false, a, trunc, bits);
}

int64_t sse_f64_to_int(SseFp *fp, uint64_t a, bool trunc, unsigned bits)
{
    return fp_to_int(fp, true, a, trunc, bits);
}

/* ROUNDPS/ROUNDSS (SDM Vol. 2B ROUNDPS): IE for an SNaN only, PE unless
 * imm bit 3; the result keeps the operand's sign (so -0.5 gives -0). */
static uint64_t fp_round(SseFp *fp, bool dbl, uint64_t a, unsigned imm)
{
    if (is_nan(dbl, a)) {
        return nan_result(fp, dbl, a, a);
    }
    bool den = false;
    a = operand_in(fp, dbl, a, &den);
    if (is_inf(dbl, a) || is_zero(dbl, a)) {
        return a;
    }
    unsigned rc = imm & 4 ? fp_rc(fp) : imm & 3;
    unsigned fb = frac_bits(dbl);
    if ((int)(magnitude(dbl, a) >> fb) - fp_bias(dbl) >= (int)fb) {
        return a; /* already an integer */
    }
    bool inexact, big;
    uint64_t m = round_magnitude(dbl, a, rc, &inexact, &big);
    if (inexact && !(imm & 8)) {
        fp->post |= MXCSR_PE;
    }
    uint64_t r = dbl ? f64_bits((double)m) : f32_bits((float)m); /* exact: m < 2^(fb+1) */
    return r | (a & sign_bit(dbl));
}

uint32_t sse_f32_round(SseFp *fp, uint32_t a, unsigned imm)
{
    return (uint32_t)fp_round(fp, false, a, imm);
}

uint64_t sse_f64_round(SseFp *fp, uint64_t a, unsigned imm)
{
    return fp_round(fp, true, a, imm);
}

/* ---- finishing an instruction ------------------------------------------------------ */

void sse_raise_simd(CpuState *env)
{
    cpu_raise_exception(env, env->cr[4] & CR4_OSXMMEXCPT ? EXC_XM : EXC_UD);
}

void sse_fp_finish(CpuState *env, const SseFp *fp)
{
    uint32_t open = ~(fp->mxcsr >> MXCSR_MASK_SHIFT) & MXCSR_FLAGS;
    if (fp->pre & open) {
        env->mxcsr |= fp->pre;
        sse_raise_simd(env);
    }
    env->mxcsr |= fp->pre | fp->post;
    if (fp->post & open) {
        sse_raise_simd(env);
    }
}
