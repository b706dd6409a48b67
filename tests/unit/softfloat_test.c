/*
 * softfloat_test.c — rx86's x87 arithmetic (frontend/softfloat*.c) against
 * the host's x87: the same operands, control word (rounding, precision,
 * masks) and operation run natively through inline assembly (FNINIT,
 * FLDCW, the instruction, FNSTSW, FNSAVE, so an unmasked exception is
 * only recorded, never delivered) and in software; results, exception
 * flags and condition codes must agree to the bit.
 *
 * Operands come from a fixed-seed generator that favours the edges:
 * zeros, denormals, pseudo-denormals, unsupported encodings, infinities,
 * signalling and quiet NaNs, the ends of the exponent range, significands
 * with long runs of ones or zeros (ties, carries), and second operands
 * close to the first (cancellation). On a host without x87 only the
 * known answers at the end run.
 */
#include "check.h"

#include "frontend/softfloat.h"

#include <stdlib.h>
#include <string.h>

/* ---- a fixed-seed generator ------------------------------------------------- */

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* A significand with structure: random, runs of ones/zeros, few bits. */
static uint64_t rnd_sig(void)
{
    uint64_t r = rnd();
    switch (rnd_below(8)) {
    case 0:
        return ~0ull << rnd_below(64);
    case 1:
        return F80_J | (rnd() >> rnd_below(64));
    case 2:
        return F80_J | (1ull << rnd_below(63));
    case 3:
        return F80_J | (r << rnd_below(64)); /* trailing zeros */
    case 4:
        return F80_J | ((1ull << rnd_below(63)) - 1);
    default:
        return F80_J | r;
    }
}

static uint16_t exp_near(int32_t center, int32_t spread)
{
    int32_t e = center + (int32_t)rnd_below((unsigned)(2 * spread + 1)) - spread;
    if (e < 1) {
        e = 1;
    }
    if (e > 0x7ffe) {
        e = 0x7ffe;
    }
    return (uint16_t)e;
}

static Float80 rnd_operand(void)
{
    bool s = rnd() & 1;
    switch (rnd_below(40)) {
    case 0:
        return f80_make(s, 0, 0);
    case 1:
    case 2:
        return f80_make(s, 0, rnd_sig() >> (1 + rnd_below(63))); /* denormal */
    case 3:
        return f80_make(s, 0, rnd_sig()); /* pseudo-denormal */
    case 4:
        return f80_make(s, exp_near(F80_BIAS, 100),
                        rnd_sig() >> (1 + rnd_below(63))); /* unnormal */
    case 5:
        return f80_make(s, F80_EXP_MAX, F80_J);
    case 6:
        return f80_make(s, F80_EXP_MAX, rnd() >> 1); /* pseudo-NaN / pseudo-infinity */
    case 7:
        return f80_make(s, F80_EXP_MAX, F80_J | ((rnd() >> 2) | 1)); /* SNaN */
    case 8:
        return f80_make(s, F80_EXP_MAX, F80_J | F80_QUIET | (rnd() >> rnd_below(64) >> 2));
    case 9:
    case 10:
        return f80_make(s, exp_near(1, 70), rnd_sig());
    case 11:
    case 12:
        return f80_make(s, exp_near(0x7ffe, 70), rnd_sig());
    default:
        return f80_make(s, exp_near(F80_BIAS, 80), rnd_sig());
    }
}

/* A second operand: independent, or close to a (cancellation, ties). */
static Float80 rnd_partner(Float80 a)
{
    switch (rnd_below(6)) {
    case 0: {
        Float80 b = a;
        b.mant += (uint64_t)(int64_t)(int)(rnd_below(9) - 4);
        b.sign_exp ^= (uint16_t)((rnd() & 1) << 15);
        return b;
    }
    case 1: {
        Float80 b = f80_make(rnd() & 1, 0, rnd_sig());
        int32_t e = (int32_t)f80_exp(a) + (int32_t)rnd_below(140) - 70;
        b.sign_exp |= (uint16_t)(e < 1 ? 1 : e > 0x7ffe ? 0x7ffe : e);
        return b;
    }
    case 2: {
        /* a product or quotient near the ends of the range */
        int32_t target =
            rnd() & 1 ? 1 + (int32_t)rnd_below(130) - 65 : 0x7ffe + (int32_t)rnd_below(6) - 3;
        int32_t e = target - (int32_t)f80_exp(a) + F80_BIAS;
        if (rnd() & 1) {
            e = (int32_t)f80_exp(a) - target + F80_BIAS;
        }
        if (e < 1 || e > 0x7ffe) {
            return rnd_operand();
        }
        return f80_make(rnd() & 1, (unsigned)e, rnd_sig());
    }
    default:
        return rnd_operand();
    }
}

/* A control word: all masked mostly, any RC and PC, sometimes unmasked
 * OE/UE/PE (results still come back: those are post-computation). */
static uint16_t rnd_fcw(bool allow_unmasked)
{
    static const uint16_t pcs[3] = {SF_PC_24, SF_PC_53, SF_PC_64};
    uint16_t masks = 0x3f;
    if (allow_unmasked && rnd_below(4) == 0) {
        masks &= (uint16_t) ~(rnd() & SF_EXC_MASK);
    }
    return (uint16_t)(0x1040 | masks | pcs[rnd_below(3)] << FCW_PC_SHIFT |
                      rnd_below(4) << FCW_RC_SHIFT);
}

/* ---- reporting ---------------------------------------------------------------- */

static int reported;
static unsigned fails_of_kind;

static bool same(Float80 a, Float80 b)
{
    return a.mant == b.mant && a.sign_exp == b.sign_exp;
}

static void report(const char *what, uint16_t fcw, Float80 a, Float80 b, Float80 want,
                   uint16_t want_sw, Float80 got, uint16_t got_sw)
{
    check_failures++;
    fails_of_kind++;
    if (fails_of_kind <= 6 && reported++ < 200) {
        fprintf(stderr,
                "%s fcw=%04x a=%04x:%016" PRIx64 " b=%04x:%016" PRIx64 "\n"
                "   host %04x:%016" PRIx64 " sw %04x, rx86 %04x:%016" PRIx64 " sw %04x\n",
                what, fcw, a.sign_exp, a.mant, b.sign_exp, b.mant, want.sign_exp, want.mant,
                want_sw, got.sign_exp, got.mant, got_sw);
    }
}

#if defined(__x86_64__) || defined(__i386__)
#define HAVE_HOST_X87 1

/* The 32-bit protected-mode FNSAVE image (SDM Vol. 1 Figure 8-10). */
typedef struct HostSave {
    uint8_t env[28];
    uint8_t st[8][10];
} HostSave;

static Float80 save_st(const HostSave *s, int i)
{
    Float80 r;
    memcpy(&r.mant, s->st[i], 8);
    memcpy(&r.sign_exp, s->st[i] + 8, 2);
    return r;
}

/* Run insn with ST0 = a, ST1 = b under fcw; the FSW after it and the
 * registers ST0, ST1 it leaves. */
#define HOST_OP(insn)                                                                              \
    __asm__ volatile("fninit\n\t"                                                                  \
                     "fldcw %[cw]\n\t"                                                             \
                     "fldt %[b]\n\t"                                                               \
                     "fldt %[a]\n\t" insn "\n\t"                                                   \
                     "fnstsw %[sw]\n\t"                                                            \
                     "fnsave %[save]"                                                              \
                     : [sw] "=m"(sw), [save] "=m"(save)                                            \
                     : [cw] "m"(fcw), [a] "m"(a), [b] "m"(b)                                       \
                     : "memory")

enum {
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_SQRT,
    OP_PREM,
    OP_PREM1,
    OP_RNDINT,
    OP_SCALE,
    OP_XTRACT,
    OP_COM,
    OP_UCOM,
    OP_COUNT
};
static const char *const op_names[OP_COUNT] = {
    "fadd",   "fsub",    "fmul",   "fdiv",    "fsqrt", "fprem",
    "fprem1", "frndint", "fscale", "fxtract", "fcom",  "fucom",
};

static uint16_t host_op(int op, uint16_t fcw, Float80 a, Float80 b, Float80 *r0, Float80 *r1)
{
    uint16_t sw = 0;
    HostSave save;
    switch (op) {
    case OP_ADD:
        HOST_OP("fadd %%st(1), %%st");
        break;
    case OP_SUB:
        HOST_OP("fsub %%st(1), %%st");
        break;
    case OP_MUL:
        HOST_OP("fmul %%st(1), %%st");
        break;
    case OP_DIV:
        HOST_OP("fdiv %%st(1), %%st");
        break;
    case OP_SQRT:
        HOST_OP("fsqrt");
        break;
    case OP_PREM:
        HOST_OP("fprem");
        break;
    case OP_PREM1:
        HOST_OP("fprem1");
        break;
    case OP_RNDINT:
        HOST_OP("frndint");
        break;
    case OP_SCALE:
        HOST_OP("fscale");
        break;
    case OP_XTRACT:
        HOST_OP("fxtract");
        break;
    case OP_COM:
        HOST_OP("fcom %%st(1)");
        break;
    case OP_UCOM:
        HOST_OP("fucom %%st(1)");
        break;
    default:
        abort();
    }
    *r0 = save_st(&save, 0);
    *r1 = save_st(&save, 1);
    return sw;
}

/* The same in software; returns the FSW bits the operation defines. */
static uint16_t soft_op(int op, uint16_t fcw, Float80 a, Float80 b, Float80 *r0, Float80 *r1)
{
    SfStatus st = {.fcw = fcw, .flags = 0};
    uint16_t cc = 0;
    *r1 = b;
    switch (op) {
    case OP_ADD:
        *r0 = f80_add(&st, a, b);
        break;
    case OP_SUB:
        *r0 = f80_sub(&st, a, b);
        break;
    case OP_MUL:
        *r0 = f80_mul(&st, a, b);
        break;
    case OP_DIV:
        *r0 = f80_div(&st, a, b);
        break;
    case OP_SQRT:
        *r0 = f80_sqrt(&st, a);
        break;
    case OP_PREM:
    case OP_PREM1:
        *r0 = f80_rem(&st, a, b, op == OP_PREM1, &cc);
        st.flags &= (uint16_t)~SF_C1;
        st.flags |= cc & SF_REM_NO_QUOTIENT ? 0 : cc; /* from FNINIT's C0 = C3 = 0 */
        break;
    case OP_RNDINT:
        *r0 = f80_round_int(&st, a);
        break;
    case OP_SCALE:
        *r0 = f80_scale(&st, a, b);
        break;
    case OP_XTRACT:
        f80_xtract(&st, a, r1, r0);
        break;
    case OP_COM:
    case OP_UCOM: {
        static const uint16_t codes[4] = {SF_C0, SF_C3, 0, SF_C0 | SF_C2 | SF_C3};
        SfRelation rel = f80_compare(&st, a, b, op == OP_UCOM);
        st.flags |= codes[rel];
        *r0 = a;
        break;
    }
    default:
        abort();
    }
    if ((st.flags & ~fcw & (SF_IE | SF_DE | SF_ZE)) && op != OP_COM && op != OP_UCOM) {
        /* an unmasked pre-computation exception: the instruction stops
         * (a comparison still sets its condition codes) */
        st.flags &= SF_IE | SF_DE | SF_ZE;
    }
    return st.flags;
}

/* Whether an unmasked pre-computation exception (IE, DE, ZE) left the
 * destination alone on the host: then rx86's result is not compared (the
 * helper layer keeps the old value, tests/unit/x87_test.c checks that). */
static bool unmasked_pre(uint16_t fcw, uint16_t sw)
{
    return (sw & ~fcw & (SF_IE | SF_DE | SF_ZE)) != 0;
}

static void run_random(int op, unsigned count)
{
    static const uint16_t sw_mask = SF_EXC_MASK | SF_C0 | SF_C1 | SF_C2 | SF_C3;
    fails_of_kind = 0;
    for (unsigned i = 0; i < count; i++) {
        uint16_t fcw = rnd_fcw(true);
        Float80 a = rnd_operand();
        Float80 b = rnd_partner(a);
        if (op == OP_PREM || op == OP_PREM1) {
            if (rnd_below(2)) {
                /* exponent differences around 64, where partial remainders start */
                b = f80_make(rnd() & 1, 0, rnd_sig());
                int32_t e = (int32_t)f80_exp(a) - 100 + (int32_t)rnd_below(120);
                b.sign_exp |= (uint16_t)(e < 1 ? 1 : e > 0x7ffe ? 0x7ffe : e);
            }
        } else if (op == OP_SCALE && rnd_below(2)) {
            b = f80_from_int((int64_t)rnd_below(70000) - 35000);
            if (rnd_below(4) == 0) {
                b = f80_make(rnd() & 1, exp_near(F80_BIAS + 2, 4), rnd_sig());
            }
        } else if ((op == OP_RNDINT) && rnd_below(2)) {
            a = f80_make(rnd() & 1, exp_near(F80_BIAS + 20, 30), rnd_sig());
        }
        Float80 h0, h1, s0, s1;
        uint16_t hsw = host_op(op, fcw, a, b, &h0, &h1) & sw_mask;
        uint16_t ssw = soft_op(op, fcw, a, b, &s0, &s1) & sw_mask;
        check_count++;
        bool ok = hsw == ssw;
        if (!unmasked_pre(fcw, hsw)) {
            ok = ok && same(h0, s0) && same(h1, s1);
        }
        if (!ok) {
            report(op_names[op], fcw, a, b, h0, hsw, s0, ssw);
            if (op == OP_XTRACT && same(h0, s0)) {
                fprintf(stderr, "   ST1: host %04x:%016" PRIx64 " rx86 %04x:%016" PRIx64 "\n",
                        h1.sign_exp, h1.mant, s1.sign_exp, s1.mant);
            }
        }
    }
    if (fails_of_kind) {
        fprintf(stderr, "%s: %u of %u differ\n", op_names[op], fails_of_kind, count);
    }
}

/* ---- conversions ------------------------------------------------------------ */

enum {
    CV_FIST16,
    CV_FIST32,
    CV_FIST64,
    CV_FISTTP16,
    CV_FISTTP32,
    CV_FISTTP64,
    CV_FST32,
    CV_FST64,
    CV_FBSTP,
    CV_COUNT
};
static const char *const cv_names[CV_COUNT] = {
    "fist16", "fist32", "fist64", "fisttp16", "fisttp32", "fisttp64", "fst32", "fst64", "fbstp",
};

#define HOST_STORE(insn)                                                                           \
    __asm__ volatile("fninit\n\t"                                                                  \
                     "fldcw %[cw]\n\t"                                                             \
                     "fldt %[a]\n\t" insn " %[m]\n\t"                                              \
                     "fnstsw %[sw]\n\t"                                                            \
                     "fnsave %[save]"                                                              \
                     : [sw] "=m"(sw), [save] "=m"(save), [m] "+m"(*mem)                            \
                     : [cw] "m"(fcw), [a] "m"(a)                                                   \
                     : "memory")

/* Store ST0 = a to mem (10 bytes, prefilled); the FSW after it. */
static uint16_t host_store(int cv, uint16_t fcw, Float80 a, uint8_t (*mem)[10])
{
    uint16_t sw = 0;
    HostSave save;
    switch (cv) {
    case CV_FIST16:
        HOST_STORE("fistps");
        break;
    case CV_FIST32:
        HOST_STORE("fistpl");
        break;
    case CV_FIST64:
        HOST_STORE("fistpll");
        break;
    case CV_FISTTP16:
        HOST_STORE("fisttps");
        break;
    case CV_FISTTP32:
        HOST_STORE("fisttpl");
        break;
    case CV_FISTTP64:
        HOST_STORE("fisttpll");
        break;
    case CV_FST32:
        HOST_STORE("fstps");
        break;
    case CV_FST64:
        HOST_STORE("fstpl");
        break;
    case CV_FBSTP:
        HOST_STORE("fbstp");
        break;
    default:
        abort();
    }
    return sw;
}

/* The same in software, with the helper layer's rule: an unmasked
 * exception other than PE stores nothing. */
static uint16_t soft_store(int cv, uint16_t fcw, Float80 a, uint8_t (*mem)[10])
{
    SfStatus st = {.fcw = fcw, .flags = 0};
    uint8_t out[10];
    unsigned size = 0;
    uint64_t v;
    switch (cv) {
    case CV_FIST16:
    case CV_FIST32:
    case CV_FIST64:
    case CV_FISTTP16:
    case CV_FISTTP32:
    case CV_FISTTP64: {
        static const unsigned sizes[3] = {2, 4, 8};
        size = sizes[(cv - CV_FIST16) % 3];
        v = (uint64_t)f80_to_int(&st, a, size, cv >= CV_FISTTP16);
        memcpy(out, &v, 8);
        break;
    }
    case CV_FST32:
        size = 4;
        v = f80_to_f32(&st, a);
        memcpy(out, &v, 8);
        break;
    case CV_FST64:
        size = 8;
        v = f80_to_f64(&st, a);
        memcpy(out, &v, 8);
        break;
    default:
        size = 10;
        f80_to_bcd(&st, a, out);
        break;
    }
    if (!(st.flags & ~fcw & (SF_IE | SF_DE | SF_OE | SF_UE))) {
        memcpy(*mem, out, size);
    }
    return st.flags;
}

static void run_stores(int cv, unsigned count)
{
    static const uint16_t sw_mask = SF_EXC_MASK | SF_C1;
    fails_of_kind = 0;
    for (unsigned i = 0; i < count; i++) {
        uint16_t fcw = rnd_fcw(true);
        Float80 a = rnd_operand();
        switch (rnd_below(4)) {
        case 0: /* integers of every size, near their limits */
            a = f80_make(rnd() & 1, exp_near(F80_BIAS + 30, 34), rnd_sig());
            break;
        case 1: /* near the single and double ranges' ends */
            a = f80_make(rnd() & 1, exp_near(rnd() & 1 ? F80_BIAS - 126 : F80_BIAS - 1022, 60),
                         rnd_sig());
            break;
        case 2:
            a = f80_make(rnd() & 1, exp_near(rnd() & 1 ? F80_BIAS + 127 : F80_BIAS + 1023, 3),
                         rnd_sig());
            break;
        default:
            break;
        }
        uint8_t hmem[10], smem[10];
        memset(hmem, 0xa5, sizeof(hmem));
        memset(smem, 0xa5, sizeof(smem));
        uint16_t hsw = host_store(cv, fcw, a, &hmem) & sw_mask;
        uint16_t ssw = soft_store(cv, fcw, a, &smem) & sw_mask;
        check_count++;
        if (hsw != ssw || memcmp(hmem, smem, 10) != 0) {
            Float80 h, g;
            memcpy(&h.mant, hmem, 8);
            memcpy(&h.sign_exp, hmem + 8, 2);
            memcpy(&g.mant, smem, 8);
            memcpy(&g.sign_exp, smem + 8, 2);
            report(cv_names[cv], fcw, a, a, h, hsw, g, ssw);
        }
    }
    if (fails_of_kind) {
        fprintf(stderr, "%s: %u of %u differ\n", cv_names[cv], fails_of_kind, count);
    }
}

/* Loads: FLD m32fp / m64fp of random bit patterns, FBLD, FILD. */
static void run_loads(unsigned count)
{
    fails_of_kind = 0;
    for (unsigned i = 0; i < count; i++) {
        uint16_t fcw = rnd_fcw(true);
        uint64_t bits = rnd();
        uint16_t top = (uint16_t)rnd();
        int kind = (int)rnd_below(6);
        switch (rnd_below(4)) {
        case 0:
            bits &= 0x800fffffffffffffull; /* zero exponent: denormals */
            bits >>= rnd_below(64);
            break;
        case 1:
            bits |= 0x7ff0000000000000ull; /* all-ones exponent */
            break;
        default:
            break;
        }
        uint32_t b32 = (uint32_t)(bits >> 32);
        if (kind == 0 && (bits & 1)) {
            b32 = (b32 & 0x807fffff) | (bits & 2 ? 0x7f800000 : 0);
        }
        uint8_t bcd[10];
        memcpy(bcd, &bits, 8);
        memcpy(bcd + 8, &top, 2);
        uint16_t sw = 0;
        HostSave save;
        SfStatus st = {.fcw = fcw, .flags = 0};
        Float80 s;
        switch (kind) {
        case 0:
            __asm__ volatile("fninit\n\tfldcw %[cw]\n\tflds %[m]\n\tfnstsw %[sw]\n\tfnsave %[save]"
                             : [sw] "=m"(sw), [save] "=m"(save)
                             : [cw] "m"(fcw), [m] "m"(b32)
                             : "memory");
            s = f80_from_f32(&st, b32);
            break;
        case 1:
            __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldl %[m]\n\tfnstsw %[sw]\n\tfnsave %[save]"
                             : [sw] "=m"(sw), [save] "=m"(save)
                             : [cw] "m"(fcw), [m] "m"(bits)
                             : "memory");
            s = f80_from_f64(&st, bits);
            break;
        case 2:
            /* mostly valid BCD digits */
            if (rnd_below(8) != 0) {
                for (int d = 0; d < 9; d++) {
                    bcd[d] = (uint8_t)(rnd_below(10) << 4 | rnd_below(10));
                }
                bcd[9] &= 0x80;
            }
            __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfbld %[m]\n\tfnstsw %[sw]\n\tfnsave %[save]"
                             : [sw] "=m"(sw), [save] "=m"(save)
                             : [cw] "m"(fcw), [m] "m"(bcd)
                             : "memory");
            s = f80_from_bcd(bcd);
            break;
        case 3: {
            int16_t v16 = (int16_t)bits;
            __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfilds %[m]\n\tfnstsw %[sw]\n\tfnsave %[save]"
                             : [sw] "=m"(sw), [save] "=m"(save)
                             : [cw] "m"(fcw), [m] "m"(v16)
                             : "memory");
            s = f80_from_int(v16);
            break;
        }
        case 4: {
            int32_t v32 = (int32_t)bits;
            __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfildl %[m]\n\tfnstsw %[sw]\n\tfnsave %[save]"
                             : [sw] "=m"(sw), [save] "=m"(save)
                             : [cw] "m"(fcw), [m] "m"(v32)
                             : "memory");
            s = f80_from_int(v32);
            break;
        }
        default: {
            int64_t v64 = (int64_t)(bits >> rnd_below(64));
            if (bits & 1) {
                v64 = -v64;
            }
            __asm__ volatile(
                "fninit\n\tfldcw %[cw]\n\tfildll %[m]\n\tfnstsw %[sw]\n\tfnsave %[save]"
                : [sw] "=m"(sw), [save] "=m"(save)
                : [cw] "m"(fcw), [m] "m"(v64)
                : "memory");
            s = f80_from_int(v64);
            break;
        }
        }
        Float80 h = save_st(&save, 0);
        sw &= SF_EXC_MASK | SF_C1;
        check_count++;
        bool ok = sw == st.flags;
        if (!(st.flags & ~fcw & (SF_IE | SF_DE))) {
            ok = ok && same(h, s);
        }
        if (!ok) {
            static const char *const names[6] = {"fld32",  "fld64",  "fbld",
                                                 "fild16", "fild32", "fild64"};
            report(names[kind], fcw, f80_make(0, 0, bits), f80_make(0, 0, b32), h, sw, s, st.flags);
        }
    }
    if (fails_of_kind) {
        fprintf(stderr, "loads: %u of %u differ\n", fails_of_kind, count);
    }
}

/* FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ under each RC. */
static void run_constants(void)
{
    fails_of_kind = 0;
    for (unsigned rc = 0; rc < 4; rc++) {
        uint16_t fcw = (uint16_t)(0x037f | rc << FCW_RC_SHIFT);
        HostSave save;
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldz\n\tfldln2\n\tfldlg2\n\tfldpi\n\tfldl2e\n\t"
                         "fldl2t\n\tfld1\n\tfnsave %[save]"
                         : [save] "=m"(save)
                         : [cw] "m"(fcw)
                         : "memory");
        for (unsigned k = 0; k < 7; k++) {
            Float80 h = save_st(&save, (int)k), s = f80_constant(k, rc);
            check_count++;
            if (!same(h, s)) {
                report("constant", fcw, f80_make(0, 0, k), h, h, 0, s, 0);
            }
        }
    }
}

/* ---- transcendentals: within one ulp of the host ------------------------------ */

enum {
    TR_F2XM1,
    TR_FYL2X,
    TR_FYL2XP1,
    TR_FPATAN,
    TR_FSIN,
    TR_FCOS,
    TR_FSINCOS,
    TR_FPTAN,
    TR_COUNT
};
static const char *const tr_names[TR_COUNT] = {
    "f2xm1", "fyl2x", "fyl2xp1", "fpatan", "fsin", "fcos", "fsincos", "fptan",
};

static uint16_t host_trans(int op, uint16_t fcw, Float80 a, Float80 b, Float80 *r0, Float80 *r1)
{
    uint16_t sw = 0;
    HostSave save;
    switch (op) {
    case TR_F2XM1:
        HOST_OP("f2xm1");
        break;
    case TR_FYL2X:
        HOST_OP("fyl2x");
        break;
    case TR_FYL2XP1:
        HOST_OP("fyl2xp1");
        break;
    case TR_FPATAN:
        HOST_OP("fpatan");
        break;
    case TR_FSIN:
        HOST_OP("fsin");
        break;
    case TR_FCOS:
        HOST_OP("fcos");
        break;
    case TR_FSINCOS:
        HOST_OP("fsincos");
        break;
    default:
        HOST_OP("fptan");
        break;
    }
    *r0 = save_st(&save, 0);
    *r1 = save_st(&save, 1);
    return sw;
}

/* The same; r0/r1 as the stack holds them after the instruction. */
static uint16_t soft_trans(int op, uint16_t fcw, Float80 a, Float80 b, Float80 *r0, Float80 *r1)
{
    SfStatus st = {.fcw = fcw, .flags = 0};
    bool in_range = true;
    Float80 s, c;
    *r1 = b;
    switch (op) {
    case TR_F2XM1:
        *r0 = f80_f2xm1(&st, a);
        break;
    case TR_FYL2X:
        *r0 = f80_fyl2x(&st, a, b);
        break;
    case TR_FYL2XP1:
        *r0 = f80_fyl2xp1(&st, a, b);
        break;
    case TR_FPATAN:
        *r0 = f80_fpatan(&st, a, b);
        break;
    case TR_FSIN:
        in_range = f80_sincos(&st, a, &s, NULL);
        *r0 = s;
        break;
    case TR_FCOS:
        in_range = f80_sincos(&st, a, NULL, &c);
        *r0 = c;
        break;
    case TR_FSINCOS:
        in_range = f80_sincos(&st, a, &s, &c);
        *r0 = c;
        *r1 = s;
        break;
    default:
        in_range = f80_tan(&st, a, &s);
        /* a NaN result is pushed twice (fpu_helper_trans.c) */
        *r0 = f80_is_nan(s) ? s : f80_make(false, F80_BIAS, F80_J);
        *r1 = s;
        break;
    }
    if (!in_range) {
        *r0 = a;
        *r1 = b;
        st.flags |= SF_C2;
    }
    return st.flags;
}

/* Distance in units of the last place between two values of one sign. */
static uint64_t ulp_distance(Float80 x, Float80 y)
{
    if (f80_sign(x) != f80_sign(y)) {
        return UINT64_MAX;
    }
    /* the significand and exponent as one ordered number (J dropped for
     * normals: consecutive values are consecutive integers) */
    unsigned __int128 kx = ((unsigned __int128)f80_exp(x) << 63) | (x.mant & ~F80_J);
    unsigned __int128 ky = ((unsigned __int128)f80_exp(y) << 63) | (y.mant & ~F80_J);
    unsigned __int128 d = kx > ky ? kx - ky : ky - kx;
    return d > UINT64_MAX ? UINT64_MAX : (uint64_t)d;
}

static uint64_t worst_ulp[TR_COUNT];
static unsigned inexact_count[TR_COUNT];

/* An argument in the instruction's documented domain, mostly. */
static void trans_args(int op, Float80 *a, Float80 *b)
{
    *b = f80_make(rnd() & 1, exp_near(F80_BIAS, 40), rnd_sig());
    switch (op) {
    case TR_F2XM1:
        *a = f80_make(rnd() & 1, exp_near(F80_BIAS - 30, 30), rnd_sig());
        if (f80_exp(*a) > F80_BIAS - 1) {
            a->sign_exp = (uint16_t)((a->sign_exp & 0x8000) | (F80_BIAS - 1));
        }
        break;
    case TR_FYL2X:
        *a = f80_make(false, exp_near(F80_BIAS, 200), rnd_sig());
        break;
    case TR_FYL2XP1:
        *a = f80_make(rnd() & 1, exp_near(F80_BIAS - 40, 38), rnd_sig());
        break;
    case TR_FPATAN:
        *a = f80_make(rnd() & 1, exp_near(F80_BIAS, 80), rnd_sig());
        break;
    default:
        if (rnd_below(4) == 0) {
            /* near a multiple of pi/2 */
            Float80 k = f80_from_int((int64_t)rnd_below(2000) - 1000);
            SfStatus st = {.fcw = 0x037f, .flags = 0};
            Float80 half_pi = f80_constant(3, 0);
            half_pi.sign_exp--;
            *a = f80_mul(&st, k, half_pi);
            a->mant += (uint64_t)(int64_t)(int)(rnd_below(5) - 2);
        } else {
            *a = f80_make(rnd() & 1, exp_near(F80_BIAS, 64), rnd_sig());
        }
        break;
    }
    if (rnd_below(16) == 0) {
        *a = rnd_operand(); /* special operands: exact agreement expected */
    }
}

static void run_trans(int op, unsigned count)
{
    /* C1 after a transcendental says how the processor's own internal
     * result was rounded: not reproducible, not compared */
    static const uint16_t sw_mask = SF_EXC_MASK | SF_C0 | SF_C2 | SF_C3;
    fails_of_kind = 0;
    for (unsigned i = 0; i < count; i++) {
        uint16_t fcw = (uint16_t)(0x037f | rnd_below(4) << FCW_RC_SHIFT);
        Float80 a, b, h0, h1, s0, s1;
        trans_args(op, &a, &b);
        uint16_t hsw = host_trans(op, fcw, a, b, &h0, &h1) & sw_mask;
        uint16_t ssw = soft_trans(op, fcw, a, b, &s0, &s1) & sw_mask;
        check_count++;
        bool pops = op == TR_FYL2X || op == TR_FYL2XP1 || op == TR_FPATAN;
        if (pops) {
            s1 = h1; /* ST(1) is whatever lay below */
        }
        bool ok;
        if (same(h0, s0) && same(h1, s1)) {
            ok = hsw == ssw;
        } else {
            /* one ulp apart at most (SDM Vol. 1 8.3.10), the same
             * exceptions but for the rounding's C1 and maybe UE */
            uint64_t d0 = ulp_distance(h0, s0), d1 = ulp_distance(h1, s1);
            uint64_t d = d0 > d1 ? d0 : d1;
            if (d != UINT64_MAX && d > worst_ulp[op]) {
                worst_ulp[op] = d;
            }
            inexact_count[op]++;
            uint16_t loose = SF_IE | SF_ZE | SF_DE | SF_OE | SF_PE | SF_C2;
            ok = d <= 1 && (hsw & loose) == (ssw & loose);
        }
        if (!ok) {
            report(tr_names[op], fcw, a, b, h0, hsw, s0, ssw);
            fprintf(stderr, "   ST1: host %04x:%016" PRIx64 " rx86 %04x:%016" PRIx64 "\n",
                    h1.sign_exp, h1.mant, s1.sign_exp, s1.mant);
        }
    }
    printf("%s: %u of %u results differ from the host's, by at most %" PRIu64 " ulp\n",
           tr_names[op], inexact_count[op], count, worst_ulp[op]);
    if (fails_of_kind) {
        fprintf(stderr, "%s: %u of %u beyond 1 ulp or with other flags\n", tr_names[op],
                fails_of_kind, count);
    }
}

#endif

/* ---- known answers (every host; values from an x87) ------------------------------- */

static void check_f80(const char *what, Float80 got, uint16_t sign_exp, uint64_t mant,
                      uint16_t got_flags, uint16_t flags)
{
    check_count++;
    if (got.sign_exp != sign_exp || got.mant != mant || got_flags != flags) {
        check_failures++;
        fprintf(stderr, "%s: %04x:%016" PRIx64 " flags %04x, want %04x:%016" PRIx64 " flags %04x\n",
                what, got.sign_exp, got.mant, got_flags, sign_exp, mant, flags);
    }
}

static void test_known_answers(void)
{
    static const uint16_t rc_words[4] = {0x037f, 0x077f, 0x0b7f, 0x0f7f};
    static const uint64_t third[4] = {0xaaaaaaaaaaaaaaabull, 0xaaaaaaaaaaaaaaaaull,
                                      0xaaaaaaaaaaaaaaabull, 0xaaaaaaaaaaaaaaaaull};
    Float80 one = f80_from_int(1), two = f80_from_int(2), three = f80_from_int(3);
    Float80 seven = f80_from_int(7);
    for (unsigned rc = 0; rc < 4; rc++) {
        SfStatus st = {.fcw = rc_words[rc], .flags = 0};
        Float80 r = f80_div(&st, one, three);
        check_f80("1/3", r, 0x3ffd, third[rc], st.flags,
                  (uint16_t)(SF_PE | (rc == 0 || rc == 2 ? SF_C1 : 0)));
    }
    /* (each result computed before its flags are read) */
    SfStatus st = {.fcw = 0x007f, .flags = 0}; /* 24-bit precision */
    Float80 r = f80_div(&st, one, three);
    check_f80("1/3 pc24", r, 0x3ffd, 0xaaaaab0000000000ull, st.flags, SF_PE | SF_C1);
    st = (SfStatus){.fcw = 0x027f, .flags = 0}; /* 53-bit precision */
    r = f80_div(&st, one, three);
    check_f80("1/3 pc53", r, 0x3ffd, 0xaaaaaaaaaaaaa800ull, st.flags, SF_PE);
    st = (SfStatus){.fcw = 0x037f, .flags = 0};
    r = f80_sqrt(&st, two);
    check_f80("sqrt 2", r, 0x3fff, 0xb504f333f9de6484ull, st.flags, SF_PE);
    st = (SfStatus){.fcw = 0x037f, .flags = 0};
    /* the smallest normal / 3: a denormal, underflow with precision loss */
    r = f80_div(&st, f80_make(false, 1, F80_J), three);
    check_f80("tiny/3", r, 0x0000, 0x2aaaaaaaaaaaaaabull, st.flags, SF_UE | SF_PE | SF_C1);
    uint16_t cc;
    st = (SfStatus){.fcw = 0x037f, .flags = 0};
    r = f80_rem(&st, seven, two, false, &cc); /* quotient 3 */
    check_f80("7 fprem 2", r, 0x3fff, F80_J, cc, SF_C3 | SF_C1);
    r = f80_rem(&st, seven, two, true, &cc); /* quotient 4 (the tie to even) */
    check_f80("7 fprem1 2", r, 0xbfff, F80_J, cc, SF_C0);
    /* FLDPI rounds by RC (SDM Vol. 1 8.3.8) */
    check_f80("pi nearest", f80_constant(3, SF_RC_NEAREST), 0x4000, 0xc90fdaa22168c235ull, 0, 0);
    check_f80("pi down", f80_constant(3, SF_RC_DOWN), 0x4000, 0xc90fdaa22168c234ull, 0, 0);
    /* integer and BCD conversions */
    st = (SfStatus){.fcw = 0x037f, .flags = 0};
    check_count++;
    if (f80_to_int(&st, f80_from_int(40000), 2, false) != INT16_MIN || st.flags != SF_IE) {
        check_failures++;
        fprintf(stderr, "fist m16 of 40000: not the integer indefinite with IE\n");
    }
    uint8_t bcd[10];
    st = (SfStatus){.fcw = 0x037f, .flags = 0};
    f80_to_bcd(&st, f80_from_int(-1234567), bcd);
    check_count++;
    if (bcd[0] != 0x67 || bcd[1] != 0x45 || bcd[2] != 0x23 || bcd[3] != 0x01 || bcd[9] != 0x80) {
        check_failures++;
        fprintf(stderr, "fbstp of -1234567: wrong packed BCD\n");
    }
    check_f80("fbld", f80_from_bcd(bcd), 0xc013, 0x96b4380000000000ull, 0, 0);
}

#if defined(__SANITIZE_ADDRESS__)
#define SCALE 8 /* the sanitizer build runs an eighth of the random cases */
#else
#define SCALE 1
#endif

int main(int argc, char **argv)
{
    unsigned n = 400000 / SCALE;
    if (argc > 1) {
        n = (unsigned)strtoul(argv[1], NULL, 0);
    }
    test_known_answers();
#ifdef HAVE_HOST_X87
    for (int op = 0; op < OP_COUNT; op++) {
        run_random(op, n);
    }
    for (int cv = 0; cv < CV_COUNT; cv++) {
        run_stores(cv, n);
    }
    run_loads(n * 2);
    run_constants();
    for (int op = 0; op < TR_COUNT; op++) {
        run_trans(op, n / 8);
    }
#endif
    return check_report("softfloat");
}
