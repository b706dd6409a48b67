/*
 * softfloat_conv.c — conversions between double-extended and the other
 * formats the x87 loads and stores (SDM Vol. 1 4.2, 4.7, 8.2): integers of
 * 16, 32 and 64 bits, single and double precision, 18-digit packed BCD;
 * and the constants of FLD1..FLDLN2.
 */
#include "frontend/softfloat_internal.h"

/* ---- integers ------------------------------------------------------------- */

Float80 f80_from_int(int64_t v)
{
    if (v == 0) {
        return f80_make(false, 0, 0);
    }
    bool sign = v < 0;
    uint64_t m = sign ? 0 - (uint64_t)v : (uint64_t)v;
    int lz = __builtin_clzll(m);
    return f80_make(sign, (unsigned)(F80_BIAS + 63 - lz), m << lz);
}

int64_t f80_to_int(SfStatus *st, Float80 a, unsigned size, bool truncate)
{
    int64_t indefinite = size == 2 ? INT16_MIN : size == 4 ? INT32_MIN : INT64_MIN;
    F80Class c = f80_classify(a);
    if (c == F80_ZERO) {
        return 0;
    }
    if (c == F80_UNSUPPORTED || c == F80_QNAN || c == F80_SNAN || c == F80_INF) {
        st->flags |= SF_IE;
        return indefinite;
    }
    SfUnpacked u = sf_unpack(a);
    if (u.exp - F80_BIAS >= 64) {
        st->flags |= SF_IE;
        return indefinite;
    }
    bool inexact, inc;
    u128 m = sf_round_magnitude(u, truncate ? SF_RC_ZERO : sf_rc(st), &inexact, &inc);
    u128 limit = (u128)1 << (size * 8 - 1); /* |INT_MIN| */
    if (m > limit || (m == limit && !u.sign)) {
        st->flags |= SF_IE;
        return indefinite;
    }
    st->flags |= (inexact ? SF_PE : 0) | (inc ? SF_C1 : 0);
    uint64_t v = (uint64_t)m;
    return (int64_t)(u.sign ? 0 - v : v);
}

/* ---- single and double precision ----------------------------------------- */

/* A binary interchange value (frac_bits of fraction, exponent bias ebias)
 * widened to double-extended: exact, an SNaN left signalling. */
static Float80 widen(bool sign, uint32_t e, uint64_t frac, unsigned frac_bits, uint32_t emax_field,
                     int32_t ebias)
{
    if (e == emax_field) {
        return f80_make(sign, F80_EXP_MAX, F80_J | frac << (63 - frac_bits));
    }
    if (e == 0) {
        if (frac == 0) {
            return f80_make(sign, 0, 0);
        }
        int lz = __builtin_clzll(frac);
        /* value = frac * 2^(1 - ebias - frac_bits) */
        int32_t exp = F80_BIAS + 1 - ebias - (int32_t)frac_bits + (63 - lz);
        return f80_make(sign, (unsigned)exp, frac << lz);
    }
    return f80_make(sign, (unsigned)((int32_t)e - ebias + F80_BIAS),
                    F80_J | frac << (63 - frac_bits));
}

Float80 f80_widen_f32(uint32_t v, bool *denormal)
{
    *denormal = ((v >> 23) & 0xff) == 0 && (v & 0x7fffff) != 0;
    return widen(v >> 31, (v >> 23) & 0xff, v & 0x7fffff, 23, 0xff, 127);
}

Float80 f80_widen_f64(uint64_t v, bool *denormal)
{
    *denormal = ((v >> 52) & 0x7ff) == 0 && (v & 0xfffffffffffffull) != 0;
    return widen(v >> 63, (uint32_t)(v >> 52) & 0x7ff, v & 0xfffffffffffffull, 52, 0x7ff, 1023);
}

/* FLD's flags on a widened value: IE and quieting for an SNaN (SDM Vol. 2A
 * FLD), DE for a denormal source. */
static Float80 load_flags(SfStatus *st, Float80 r, bool denormal)
{
    if (f80_classify(r) == F80_SNAN) {
        st->flags |= SF_IE;
        r.mant |= F80_QUIET;
    }
    if (denormal) {
        st->flags |= SF_DE;
    }
    return r;
}

Float80 f80_from_f32(SfStatus *st, uint32_t v)
{
    bool denormal;
    Float80 r = f80_widen_f32(v, &denormal);
    return load_flags(st, r, denormal);
}

Float80 f80_from_f64(SfStatus *st, uint64_t v)
{
    bool denormal;
    Float80 r = f80_widen_f64(v, &denormal);
    return load_flags(st, r, denormal);
}

/* a narrowed to a binary format: the fields (sign, biased exponent field,
 * fraction) packed by the caller's widths. */
static uint64_t to_binary(SfStatus *st, Float80 a, const SfFormat *fmt, unsigned frac_bits,
                          uint32_t emax_field, int32_t ebias)
{
    unsigned total = 1 + (frac_bits == 23 ? 8 : 11) + frac_bits;
    uint64_t sign = (uint64_t)f80_sign(a) << (total - 1);
    uint64_t inf_bits = (uint64_t)emax_field << frac_bits;
    switch (f80_classify(a)) {
    case F80_UNSUPPORTED:
        st->flags |= SF_IE;
        /* the indefinite of the format: sign, all-ones exponent, quiet bit */
        return ((uint64_t)1 << (total - 1)) | inf_bits | (1ull << (frac_bits - 1));
    case F80_SNAN:
        st->flags |= SF_IE;
        /* fallthrough */
    case F80_QNAN:
        return sign | inf_bits | ((a.mant | F80_QUIET) << 1 >> (64 - frac_bits));
    case F80_INF:
        return sign | inf_bits;
    case F80_ZERO:
        return sign;
    default:
        break;
    }
    /* no DE for a denormal source here (processors raise none) */
    SfUnpacked u = sf_unpack(a);
    uint16_t before = st->flags;
    Float80 r = sf_round_pack(st, u.sign, u.exp, (u128)u.sig << 64, fmt);
    uint16_t unmasked = st->flags & ~st->fcw & (SF_OE | SF_UE);
    if (unmasked) {
        /* nothing is stored; the processor reports the exception alone */
        st->flags = before | unmasked;
        return 0;
    }
    unsigned e = f80_exp(r);
    if (e == F80_EXP_MAX) {
        return sign | inf_bits;
    }
    if (r.mant == 0) {
        return sign;
    }
    uint64_t frac = (r.mant << 1) >> (64 - frac_bits);
    if (!(r.mant & F80_J)) {
        return sign | frac; /* a denormal of the format: exponent field 0 */
    }
    return sign | (uint64_t)((int32_t)e - F80_BIAS + ebias) << frac_bits | frac;
}

uint32_t f80_to_f32(SfStatus *st, Float80 a)
{
    return (uint32_t)to_binary(st, a, &sf_format_f32, 23, 0xff, 127);
}

uint64_t f80_to_f64(SfStatus *st, Float80 a)
{
    return to_binary(st, a, &sf_format_f64, 52, 0x7ff, 1023);
}

/* ---- packed BCD (SDM Vol. 1 4.7) ------------------------------------------ */

Float80 f80_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    for (int i = 8; i >= 0; i--) {
        /* digits other than 0-9 are undefined; weighted as they come */
        v = v * 100 + (uint64_t)(bcd[i] >> 4) * 10 + (bcd[i] & 0xf);
    }
    Float80 r = f80_from_int((int64_t)v);
    if (bcd[9] & 0x80) {
        r.sign_exp |= 0x8000;
    }
    return r;
}

void f80_to_bcd(SfStatus *st, Float80 a, uint8_t bcd[10])
{
    static const uint64_t max_bcd = 999999999999999999ull;
    F80Class c = f80_classify(a);
    uint64_t v = 0;
    bool ok = true;
    if (c == F80_UNSUPPORTED || c == F80_QNAN || c == F80_SNAN || c == F80_INF) {
        ok = false;
    } else if (c != F80_ZERO) {
        SfUnpacked u = sf_unpack(a);
        if (u.exp - F80_BIAS >= 64) {
            ok = false;
        } else {
            bool inexact, inc;
            u128 m = sf_round_magnitude(u, sf_rc(st), &inexact, &inc);
            if (m > max_bcd) {
                ok = false;
            } else {
                v = (uint64_t)m;
                st->flags |= (inexact ? SF_PE : 0) | (inc ? SF_C1 : 0);
            }
        }
    }
    if (!ok) {
        /* the packed BCD integer indefinite (SDM Vol. 1 Table 4-4) */
        st->flags |= SF_IE;
        for (int i = 0; i < 7; i++) {
            bcd[i] = 0;
        }
        bcd[7] = 0xc0;
        bcd[8] = bcd[9] = 0xff;
        return;
    }
    for (int i = 0; i < 9; i++) {
        unsigned lo = (unsigned)(v % 10);
        v /= 10;
        unsigned hi = (unsigned)(v % 10);
        v /= 10;
        bcd[i] = (uint8_t)(hi << 4 | lo);
    }
    bcd[9] = f80_sign(a) ? 0x80 : 0;
}

/* ---- constants (SDM Vol. 1 8.3.8) ------------------------------------------ */

Float80 f80_constant(unsigned index, unsigned rc)
{
    /* 128 bits of each constant's significand and its biased exponent */
    static const struct {
        uint64_t hi, lo;
        uint16_t exp;
    } k[6] = {
        {0x8000000000000000ull, 0, 0x3fff},                     /* 1 */
        {0xd49a784bcd1b8afeull, 0x492bf6ff4dafdb4cull, 0x4000}, /* log2(10) */
        {0xb8aa3b295c17f0bbull, 0xbe87fed0691d3e88ull, 0x3fff}, /* log2(e) */
        {0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, 0x4000}, /* pi */
        {0x9a209a84fbcff798ull, 0x8f8959ac0b7c9178ull, 0x3ffd}, /* log10(2) */
        {0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull, 0x3ffe}, /* ln(2) */
    };
    if (index >= 6) {
        return f80_make(false, 0, 0);
    }
    SfStatus st = {.fcw = (uint16_t)(0x037f | rc << FCW_RC_SHIFT), .flags = 0};
    u128 sig = ((u128)k[index].hi << 64) | k[index].lo | 1; /* more bits follow: sticky */
    if (index == 0) {
        sig = (u128)k[0].hi << 64;
    }
    return sf_round_pack(&st, false, k[index].exp, sig, &sf_format_f80);
}
