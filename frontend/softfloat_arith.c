/*
 * softfloat_arith.c — the four operations and the square root of the x87
 * (FADD, FSUB, FMUL, FDIV, FSQRT and their forms), rounded by RC to the
 * precision FCW.PC selects, with the exponent range of double-extended
 * whatever the precision (SDM Vol. 1 8.1.5.2).
 *
 * Each computes the exact result (or enough of it: a 128-bit significand
 * whose bit 0 is sticky) and hands it to sf_round_pack. Special operands
 * follow SDM Vol. 1 8.5.1 (invalid operations), 8.5.2 (DE), 8.5.3 (ZE).
 */
#include "frontend/softfloat_internal.h"

/* DE for denormal operands: raised only when no invalid-operation or
 * divide-by-zero exception was (they rank higher, SDM Vol. 1 8.7.1, and
 * the processor then reports them alone). */
static void denormals(SfStatus *st, Float80 a, Float80 b)
{
    sf_check_denormal(st, a);
    sf_check_denormal(st, b);
}

static Float80 zero(bool sign)
{
    return f80_make(sign, 0, 0);
}

static Float80 inf(bool sign)
{
    return f80_make(sign, F80_EXP_MAX, F80_J);
}

/* A normal operand: exponent 1..7FFE with J set (the fast paths). */
static inline bool is_normal(Float80 a)
{
    return (a.mant >> 63) != 0 && (unsigned)(f80_exp(a) - 1) < 0x7ffeu;
}

/* The sum of two nonzero values with their leading ones at bit 63. */
static Float80 add_unpacked(SfStatus *st, SfUnpacked ua, SfUnpacked ub)
{
    SfFormat fmt = sf_format_pc(st);
    /* the larger magnitude first */
    if (ub.exp > ua.exp || (ub.exp == ua.exp && ub.sig > ua.sig)) {
        SfUnpacked t = ua;
        ua = ub;
        ub = t;
    }
    /* One bit of headroom at the top for the carry of an addition. */
    u128 xa = (u128)ua.sig << 63;
    u128 xb = sf_shr_jam((u128)ub.sig << 63, ua.exp - ub.exp);
    u128 sum = ua.sign == ub.sign ? xa + xb : xa - xb;
    if (sum == 0) {
        return zero(sf_rc(st) == SF_RC_DOWN); /* x - x: +0, -0 rounding down */
    }
    /* value = sum / 2^126 * 2^(exp - bias) = sum / 2^127 * 2^(exp + 1 - bias) */
    return sf_round_pack(st, ua.sign, ua.exp + 1, sum, &fmt);
}

/* a + b, with b's sign flipped for subtraction. */
static Float80 add_signed(SfStatus *st, Float80 a, Float80 b, bool negate_b)
{
    if (is_normal(a) && is_normal(b)) {
        SfUnpacked ua = {f80_sign(a), (int32_t)f80_exp(a), a.mant};
        SfUnpacked ub = {f80_sign(b) ^ negate_b, (int32_t)f80_exp(b), b.mant};
        return add_unpacked(st, ua, ub);
    }
    Float80 res;
    if (sf_nan_operands(st, a, b, &res)) {
        return res;
    }
    F80Class ca = f80_classify(a), cb = f80_classify(b);
    bool sa = f80_sign(a), sb = f80_sign(b) ^ negate_b;
    if (ca == F80_INF || cb == F80_INF) {
        if (ca == F80_INF && cb == F80_INF && sa != sb) {
            return sf_invalid(st); /* inf - inf (SDM Vol. 1 8.5.1) */
        }
        denormals(st, a, b);
        return inf(ca == F80_INF ? sa : sb);
    }
    denormals(st, a, b);
    /* Zero results: +0 unless both are -0, or -0 when rounding down
     * (IEEE 754 6.3). */
    bool round_down = sf_rc(st) == SF_RC_DOWN;
    if (ca == F80_ZERO && cb == F80_ZERO) {
        return zero(sa == sb ? sa : round_down);
    }
    SfFormat fmt = sf_format_pc(st);
    SfUnpacked ua = sf_unpack(a), ub = sf_unpack(b);
    ua.sign = sa;
    ub.sign = sb;
    if (ca == F80_ZERO) {
        return sf_round_pack(st, ub.sign, ub.exp, (u128)ub.sig << 64, &fmt);
    }
    if (cb == F80_ZERO) {
        return sf_round_pack(st, ua.sign, ua.exp, (u128)ua.sig << 64, &fmt);
    }
    return add_unpacked(st, ua, ub);
}

Float80 f80_add(SfStatus *st, Float80 a, Float80 b)
{
    return add_signed(st, a, b, false);
}

Float80 f80_sub(SfStatus *st, Float80 a, Float80 b)
{
    return add_signed(st, a, b, true);
}

Float80 f80_mul(SfStatus *st, Float80 a, Float80 b)
{
    if (is_normal(a) && is_normal(b)) {
        SfFormat fmt = sf_format_pc(st);
        u128 p = (u128)a.mant * b.mant;
        return sf_round_pack(st, f80_sign(a) ^ f80_sign(b),
                             (int32_t)f80_exp(a) + (int32_t)f80_exp(b) - F80_BIAS + 1, p, &fmt);
    }
    Float80 res;
    if (sf_nan_operands(st, a, b, &res)) {
        return res;
    }
    F80Class ca = f80_classify(a), cb = f80_classify(b);
    bool sign = f80_sign(a) ^ f80_sign(b);
    if (ca == F80_INF || cb == F80_INF) {
        if (ca == F80_ZERO || cb == F80_ZERO) {
            return sf_invalid(st); /* 0 * inf */
        }
        denormals(st, a, b);
        return inf(sign);
    }
    denormals(st, a, b);
    if (ca == F80_ZERO || cb == F80_ZERO) {
        return zero(sign);
    }
    SfUnpacked ua = sf_unpack(a), ub = sf_unpack(b);
    SfFormat fmt = sf_format_pc(st);
    /* product of two [1, 2) significands: value = p / 2^126 */
    u128 p = (u128)ua.sig * ub.sig;
    return sf_round_pack(st, sign, ua.exp + ub.exp - F80_BIAS + 1, p, &fmt);
}

static Float80 div_unpacked(SfStatus *st, bool sign, SfUnpacked ua, SfUnpacked ub);

Float80 f80_div(SfStatus *st, Float80 a, Float80 b)
{
    if (is_normal(a) && is_normal(b)) {
        SfUnpacked ua = {false, (int32_t)f80_exp(a), a.mant};
        SfUnpacked ub = {false, (int32_t)f80_exp(b), b.mant};
        return div_unpacked(st, f80_sign(a) ^ f80_sign(b), ua, ub);
    }
    Float80 res;
    if (sf_nan_operands(st, a, b, &res)) {
        return res;
    }
    F80Class ca = f80_classify(a), cb = f80_classify(b);
    bool sign = f80_sign(a) ^ f80_sign(b);
    if (ca == F80_INF && cb == F80_INF) {
        return sf_invalid(st);
    }
    if (cb == F80_ZERO) {
        if (ca == F80_ZERO) {
            return sf_invalid(st); /* 0 / 0 */
        }
        if (ca != F80_INF) {
            st->flags |= SF_ZE;
            return inf(sign);
        }
    }
    denormals(st, a, b);
    if (ca == F80_INF) {
        return inf(sign);
    }
    if (cb == F80_INF) {
        return zero(sign);
    }
    if (ca == F80_ZERO) {
        return zero(sign);
    }
    return div_unpacked(st, sign, sf_unpack(a), sf_unpack(b));
}

/* The quotient of two nonzero values with their leading ones at bit 63. */
static Float80 div_unpacked(SfStatus *st, bool sign, SfUnpacked ua, SfUnpacked ub)
{
    SfFormat fmt = sf_format_pc(st);
    /* q = a.sig * 2^128 / b.sig in two 64-bit long-division steps: q1 has
     * up to 65 bits, q2 the next 64; r2 != 0 is the sticky bit. */
    u128 num = (u128)ua.sig << 64;
    u128 q1 = num / ub.sig;
    uint64_t r1 = (uint64_t)(num % ub.sig);
    u128 num2 = (u128)r1 << 64;
    uint64_t q2 = (uint64_t)(num2 / ub.sig);
    uint64_t r2 = (uint64_t)(num2 % ub.sig);
    int32_t exp = ua.exp - ub.exp + F80_BIAS - 1;
    u128 q;
    if (q1 >> 64) {
        /* a.sig >= b.sig: 129 bits, keep the top 128 */
        q = (q1 << 63) | (q2 >> 1) | ((q2 & 1) | (r2 != 0));
        exp++;
    } else {
        q = (q1 << 64) | q2 | (r2 != 0);
    }
    return sf_round_pack(st, sign, exp, q, &fmt);
}

Float80 f80_sqrt(SfStatus *st, Float80 a)
{
    Float80 res;
    if (sf_nan_operand(st, a, &res)) {
        return res;
    }
    F80Class ca = f80_classify(a);
    bool sign = f80_sign(a);
    if (ca == F80_ZERO) {
        return a; /* sqrt(-0) = -0 */
    }
    if (sign) {
        return sf_invalid(st);
    }
    sf_check_denormal(st, a);
    if (ca == F80_INF) {
        return a;
    }
    SfUnpacked u = sf_unpack(a);
    int32_t e = u.exp - F80_BIAS;
    /*
     * Root of M = sig * 2^67 (e even) or sig * 2^68 (e odd, e - 1 then
     * even): sig / 2^63 in [1, 2) gives a root in [2^65, 2^66), 66 bits,
     * found bit by bit from the radicand's pairs of bits (the 64 of sig
     * followed by zeros). The remainder tells whether it is exact.
     */
    unsigned extra = (e & 1) ? 68 : 67;
    if (e & 1) {
        e -= 1;
    }
    unsigned total = 64 + extra; /* radicand bits: 131 or 132 */
    if (total & 1) {
        total++; /* a leading zero makes the pairs line up */
    }
    u128 root = 0, rem = 0;
    for (int pos = (int)total - 2; pos >= 0; pos -= 2) {
        /* bits pos+1, pos of M (M's bit k is sig's bit k - extra) */
        unsigned two = 0;
        for (int k = pos + 1; k >= pos; k--) {
            int sb = k - (int)extra;
            two = (two << 1) | (sb >= 0 && sb < 64 ? (unsigned)((u.sig >> sb) & 1) : 0);
        }
        rem = (rem << 2) | two;
        u128 trial = (root << 2) | 1;
        if (rem >= trial) {
            rem -= trial;
            root = (root << 1) | 1;
        } else {
            root <<= 1;
        }
    }
    /* root / 2^65 = sqrt(sig / 2^63) * 2^... : place bit 65 at 127 */
    u128 sig = (root << 62) | (rem != 0);
    SfFormat fmt = sf_format_pc(st);
    return sf_round_pack(st, false, e / 2 + F80_BIAS, sig, &fmt);
}
