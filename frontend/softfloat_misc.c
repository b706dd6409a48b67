/*
 * softfloat_misc.c — the x87 operations beyond the four rules: partial
 * remainders (FPREM, FPREM1), rounding to an integer (FRNDINT), FSCALE,
 * FXTRACT and comparisons. None of them is affected by FCW.PC (SDM Vol. 1
 * 8.1.5.2 lists the instructions that are).
 */
#include "frontend/softfloat_internal.h"

static Float80 zero(bool sign)
{
    return f80_make(sign, 0, 0);
}

static Float80 inf(bool sign)
{
    return f80_make(sign, F80_EXP_MAX, F80_J);
}

u128 sf_round_magnitude(SfUnpacked u, unsigned rc, bool *inexact, bool *inc)
{
    int32_t e = u.exp - F80_BIAS;
    u128 x = (u128)u.sig << 64; /* value = x / 2^(127 - e) */
    if (e >= 63) {
        *inexact = *inc = false;
        return (u128)u.sig << (e - 63);
    }
    if (e < 0) {
        x = sf_shr_jam(x, -e); /* the fraction only, sticky kept */
        e = 0;
    }
    unsigned sh = 127 - (unsigned)e;
    u128 ip = x >> sh;
    u128 rem = x & (((u128)1 << sh) - 1);
    *inexact = rem != 0;
    *inc = sf_round_increment(rc, u.sign, rem, (u128)1 << (sh - 1), (ip & 1) != 0);
    return ip + *inc;
}

/* ---- FPREM / FPREM1 ------------------------------------------------------- */

/* a as a result: repacked, so a pseudo-denormal comes out normalized and a
 * denormal underflows (UE unmasked) as any tiny result does. */
static Float80 same_value(SfStatus *st, Float80 a, SfUnpacked ua)
{
    if (ua.sig == 0) {
        return a;
    }
    return sf_pack_exact(st, ua.sign, ua.exp, (u128)ua.sig << 64);
}

Float80 f80_rem(SfStatus *st, Float80 a, Float80 b, bool nearest, uint16_t *cc)
{
    Float80 res;
    *cc = SF_REM_NO_QUOTIENT;
    if (sf_nan_operands(st, a, b, &res)) {
        return res;
    }
    F80Class ca = f80_classify(a), cb = f80_classify(b);
    if (ca == F80_INF || cb == F80_ZERO) {
        return sf_invalid(st); /* SDM Vol. 2A FPREM, Table 3-30 */
    }
    *cc = 0;
    sf_check_denormal(st, a);
    sf_check_denormal(st, b);
    SfUnpacked ua = sf_unpack(a), ub = sf_unpack(b);
    if (cb == F80_INF || ca == F80_ZERO) {
        return same_value(st, a, ua);
    }
    int32_t d = ua.exp - ub.exp;
    if (d >= 64) {
        /*
         * Partial remainder: reduce by b * 2^(d - n) with the quotient
         * truncated, for both instructions. n = 32 + d mod 32 is what the
         * processors do (AMD documents it): the last step of a loop then
         * is a complete one whose quotient bits are right.
         */
        int32_t n = 32 + d % 32;
        u128 r = ((u128)ua.sig << n) % ub.sig;
        *cc = SF_C2;
        if (r == 0) {
            return zero(ua.sign);
        }
        return sf_pack_exact(st, ua.sign, ua.exp - n, r << 64);
    }
    if (d < 0 && !(nearest && d == -1)) {
        return same_value(st, a, ua); /* |a| < |b| (or < |b| / 2 for FPREM1): quotient 0 */
    }
    /* a = num * unit, b = div * unit, unit = 2^(e - bias - 63) */
    u128 num, div;
    int32_t e;
    if (d >= 0) {
        num = (u128)ua.sig << d;
        div = ub.sig;
        e = ub.exp;
    } else {
        num = ua.sig;
        div = (u128)ub.sig << 1;
        e = ua.exp;
    }
    u128 q = num / div;
    u128 r = num % div;
    bool sign = ua.sign;
    if (nearest && (2 * r > div || (2 * r == div && (q & 1)))) {
        q++;
        r = div - r;
        sign = !sign;
    }
    *cc = (uint16_t)(((q & 4) ? SF_C0 : 0) | ((q & 2) ? SF_C3 : 0) | ((q & 1) ? SF_C1 : 0));
    if (r == 0) {
        return zero(ua.sign);
    }
    return sf_pack_exact(st, sign, e, r << 64);
}

/* ---- FRNDINT -------------------------------------------------------------- */

Float80 f80_round_int(SfStatus *st, Float80 a)
{
    Float80 res;
    if (sf_nan_operand(st, a, &res)) {
        return res;
    }
    sf_check_denormal(st, a);
    F80Class c = f80_classify(a);
    if (c == F80_ZERO || c == F80_INF) {
        return a;
    }
    SfUnpacked u = sf_unpack(a);
    if (u.exp - F80_BIAS >= 63) {
        return a;
    }
    bool inexact, inc;
    u128 m = sf_round_magnitude(u, sf_rc(st), &inexact, &inc);
    st->flags |= (inexact ? SF_PE : 0) | (inc ? SF_C1 : 0);
    if (m == 0) {
        return zero(u.sign);
    }
    return sf_pack_exact(st, u.sign, F80_BIAS + 63, m << 64);
}

/* ---- FSCALE --------------------------------------------------------------- */

Float80 f80_scale(SfStatus *st, Float80 a, Float80 b)
{
    Float80 res;
    if (sf_nan_operands(st, a, b, &res)) {
        return res;
    }
    sf_check_denormal(st, a);
    sf_check_denormal(st, b);
    F80Class ca = f80_classify(a), cb = f80_classify(b);
    /* SDM Vol. 2A FSCALE, Table 3-48 */
    if (cb == F80_INF) {
        if (!f80_sign(b)) {
            return ca == F80_ZERO ? sf_invalid(st) : inf(f80_sign(a));
        }
        return ca == F80_INF ? sf_invalid(st) : zero(f80_sign(a));
    }
    if (ca == F80_INF || ca == F80_ZERO) {
        return a;
    }
    /* trunc(b), clamped: beyond 2^16 any scale over- or underflows */
    SfUnpacked ub = sf_unpack(b);
    int32_t scale = 0;
    if (cb != F80_ZERO) {
        int32_t e = ub.exp - F80_BIAS;
        if (e >= 16) {
            scale = 1 << 16;
        } else if (e >= 0) {
            scale = (int32_t)(ub.sig >> (63 - e));
        }
        if (ub.sign) {
            scale = -scale;
        }
    }
    SfUnpacked ua = sf_unpack(a);
    return sf_round_pack(st, ua.sign, ua.exp + scale, (u128)ua.sig << 64, &sf_format_f80);
}

/* ---- FXTRACT -------------------------------------------------------------- */

void f80_xtract(SfStatus *st, Float80 a, Float80 *exponent, Float80 *significand)
{
    Float80 res;
    if (sf_nan_operand(st, a, &res)) {
        *exponent = *significand = res;
        return;
    }
    F80Class c = f80_classify(a);
    if (c == F80_ZERO) {
        st->flags |= SF_ZE; /* SDM Vol. 2A FXTRACT: the exponent of 0 is -inf */
        *exponent = inf(true);
        *significand = a;
        return;
    }
    if (c == F80_INF) {
        *exponent = inf(false);
        *significand = a;
        return;
    }
    sf_check_denormal(st, a);
    SfUnpacked u = sf_unpack(a);
    *exponent = f80_from_int(u.exp - F80_BIAS);
    *significand = f80_make(u.sign, F80_BIAS, u.sig);
}

/* ---- comparisons ---------------------------------------------------------- */

/* An order-preserving key of |a| for finite and infinite values. */
static u128 magnitude_key(Float80 a, F80Class c)
{
    if (c == F80_ZERO) {
        return 0;
    }
    SfUnpacked u = sf_unpack(a); /* denormals: exp down to -62 */
    return ((u128)(uint32_t)(u.exp + 64) << 64) | u.sig;
}

SfRelation f80_compare(SfStatus *st, Float80 a, Float80 b, bool quiet)
{
    F80Class ca = f80_classify(a), cb = f80_classify(b);
    if (ca == F80_UNSUPPORTED || cb == F80_UNSUPPORTED) {
        st->flags |= SF_IE;
        return SF_UNORDERED;
    }
    bool na = ca == F80_QNAN || ca == F80_SNAN, nb = cb == F80_QNAN || cb == F80_SNAN;
    if (na || nb) {
        if (!quiet || ca == F80_SNAN || cb == F80_SNAN) {
            st->flags |= SF_IE;
        }
        return SF_UNORDERED;
    }
    sf_check_denormal(st, a);
    sf_check_denormal(st, b);
    u128 ka = magnitude_key(a, ca), kb = magnitude_key(b, cb);
    if (ka == 0 && kb == 0) {
        return SF_EQUAL; /* +0 = -0 */
    }
    bool sa = f80_sign(a) && ka != 0, sb = f80_sign(b) && kb != 0;
    if (sa != sb) {
        return sa ? SF_LESS : SF_GREATER;
    }
    if (ka == kb) {
        return SF_EQUAL;
    }
    return (ka < kb) != sa ? SF_LESS : SF_GREATER;
}
