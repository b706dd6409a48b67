/*
 * softfloat_round.c — the shared core of rx86's x87 arithmetic: operand
 * classes, unpacking, the one rounding routine (precision, rounding
 * control, overflow, underflow, C1), and the NaN rules of SDM Vol. 1
 * Table 4-7.
 */
#include "frontend/softfloat_internal.h"

const SfFormat sf_format_f80 = {64, 1, 0x7ffe, true};
/* float32: exponents -126..127; float64: -1022..1023 (SDM Vol. 1 Table 4-3) */
const SfFormat sf_format_f32 = {24, F80_BIAS - 126, F80_BIAS + 127, false};
const SfFormat sf_format_f64 = {53, F80_BIAS - 1022, F80_BIAS + 1023, false};

F80Class f80_classify(Float80 a)
{
    unsigned e = f80_exp(a);
    bool j = (a.mant & F80_J) != 0;
    if (e == 0) {
        return a.mant == 0 ? F80_ZERO : F80_DENORMAL;
    }
    if (!j) {
        return F80_UNSUPPORTED; /* unnormal, pseudo-infinity, pseudo-NaN */
    }
    if (e == F80_EXP_MAX) {
        if ((a.mant << 1) == 0) {
            return F80_INF;
        }
        return (a.mant & F80_QUIET) ? F80_QNAN : F80_SNAN;
    }
    return F80_NORMAL;
}

SfUnpacked sf_unpack(Float80 a)
{
    SfUnpacked u = {f80_sign(a), (int32_t)f80_exp(a), a.mant};
    if (u.exp == 0) {
        u.exp = 1; /* denormals and pseudo-denormals: 2^-16382 scale */
    }
    if (u.sig != 0) {
        int lz = __builtin_clzll(u.sig);
        u.sig <<= lz;
        u.exp -= lz;
    }
    return u;
}

bool sf_round_increment(unsigned rc, bool sign, u128 rem, u128 half, bool lsb_set)
{
    if (rem == 0) {
        return false;
    }
    switch (rc) {
    case SF_RC_NEAREST:
        return rem > half || (rem == half && lsb_set);
    case SF_RC_DOWN:
        return sign;
    case SF_RC_UP:
        return !sign;
    default:
        return false;
    }
}

/* Round sig (bits below bit 128 - prec discarded); true when inexact.
 * *carry is set when the rounding overflowed out of bit 127 (sig is then
 * U128_TOP, the caller adds one to the exponent). prec <= 64, so the
 * rounding position lies in the high half: done in 64-bit pieces. */
static bool round_sig(u128 *sig, unsigned prec, unsigned rc, bool sign, bool *incremented,
                      bool *carry)
{
    uint64_t hi = (uint64_t)(*sig >> 64), lo = (uint64_t)*sig;
    unsigned drop = 64 - prec; /* bits of hi below the kept ones */
    uint64_t lsb = 1ull << drop;
    uint64_t rem_hi = hi & (lsb - 1);
    uint64_t kept = hi - rem_hi;
    bool inexact = (rem_hi | lo) != 0;
    bool inc = false;
    if (inexact) {
        switch (rc) {
        case SF_RC_NEAREST: {
            /* compare the discarded part with half a unit */
            bool above, tie;
            if (drop == 0) {
                above = lo > (1ull << 63);
                tie = lo == (1ull << 63);
            } else {
                uint64_t half = lsb >> 1;
                above = rem_hi > half || (rem_hi == half && lo != 0);
                tie = rem_hi == half && lo == 0;
            }
            inc = above || (tie && (kept & lsb));
            break;
        }
        case SF_RC_DOWN:
            inc = sign;
            break;
        case SF_RC_UP:
            inc = !sign;
            break;
        default:
            break;
        }
    }
    *incremented = inc;
    *carry = false;
    if (inc) {
        kept += lsb;
        if (kept == 0) {
            kept = F80_J;
            *carry = true;
        }
    }
    *sig = (u128)kept << 64;
    return inexact;
}

/* A rounded significand (J set) with an exponent the bias adjustment
 * brought back into range. */
static Float80 pack_adjusted(bool sign, int32_t exp, u128 sig)
{
    return f80_make(sign, (unsigned)exp, (uint64_t)(sig >> 64));
}

/* The largest finite value at fmt's precision. */
static Float80 max_finite(bool sign, const SfFormat *fmt)
{
    uint64_t mant = ~0ull << (64 - fmt->prec);
    return f80_make(sign, (unsigned)fmt->emax, mant);
}

Float80 sf_round_pack(SfStatus *st, bool sign, int32_t exp, u128 sig, const SfFormat *fmt)
{
    unsigned rc = sf_rc(st);
    int lz = sf_clz128(sig);
    sig <<= lz;
    exp -= lz;
    bool inc, carry, inexact;

    /* the common case first: normal before and after rounding */
    if (exp >= fmt->emin && exp < fmt->emax) {
        inexact = round_sig(&sig, fmt->prec, rc, sign, &inc, &carry);
        st->flags |= (inexact ? SF_PE : 0) | (inc ? SF_C1 : 0);
        return f80_make(sign, (unsigned)(exp + carry), (uint64_t)(sig >> 64));
    }

    if (exp < fmt->emin) {
        /* Tininess is detected after rounding: the value rounded to the
         * precision with an unbounded exponent is below 2^emin. */
        u128 t = sig;
        round_sig(&t, fmt->prec, rc, sign, &inc, &carry);
        bool tiny = !(carry && exp + 1 >= fmt->emin);
        if (tiny && fmt->to_register && !sf_masked(st, SF_UE)) {
            if (exp + carry + F80_BIAS_ADJUST < fmt->emin) {
                /* beyond what the bias adjustment mends (FSCALE): a zero,
                 * whatever the rounding */
                st->flags |= SF_UE | SF_PE;
                return f80_make(sign, 0, 0);
            }
            /* Unmasked underflow: the full-precision result, exponent + 24576. */
            inexact = round_sig(&sig, fmt->prec, rc, sign, &inc, &carry);
            exp += carry;
            st->flags |= SF_UE | (inexact ? SF_PE : 0) | (inc ? SF_C1 : 0);
            return pack_adjusted(sign, exp + F80_BIAS_ADJUST, sig);
        }
        /* Denormalize to emin, then round at the format's precision: the
         * result is a denormal (J = 0) or, when the rounding carries into
         * J, the smallest normal. */
        sig = sf_shr_jam(sig, fmt->emin - exp);
        exp = fmt->emin;
        inexact = round_sig(&sig, fmt->prec, rc, sign, &inc, &carry);
        if (carry) {
            sig = U128_TOP; /* 0.111..1 rounded up: 1.000 at emin */
        }
        if (tiny && (inexact || (!fmt->to_register && !sf_masked(st, SF_UE)))) {
            /* masked: only an inexact tiny result underflows; an unmasked
             * one to memory is reported and not stored (the caller's part) */
            st->flags |= SF_UE;
        }
        st->flags |= (inexact ? SF_PE : 0) | (inc ? SF_C1 : 0);
        if (sig == 0) {
            return f80_make(sign, 0, 0);
        }
        uint64_t mant = (uint64_t)(sig >> 64);
        if (!(mant & F80_J) && fmt->emin == 1) {
            return f80_make(sign, 0, mant); /* a double-extended denormal */
        }
        /* a normal, or a denormal of a memory format: exponent emin, J = 0 */
        return f80_make(sign, (unsigned)exp, mant);
    }

    inexact = round_sig(&sig, fmt->prec, rc, sign, &inc, &carry);
    exp += carry;
    if (exp > fmt->emax) {
        if (fmt->to_register && !sf_masked(st, SF_OE)) {
            if (exp - F80_BIAS_ADJUST > fmt->emax) {
                /* beyond the bias adjustment (FSCALE): infinity */
                st->flags |= SF_OE | SF_PE | SF_C1;
                return f80_make(sign, F80_EXP_MAX, F80_J);
            }
            st->flags |= SF_OE | (inexact ? SF_PE : 0) | (inc ? SF_C1 : 0);
            return pack_adjusted(sign, exp - F80_BIAS_ADJUST, sig);
        }
        st->flags |= SF_OE | SF_PE;
        bool to_inf =
            rc == SF_RC_NEAREST || (rc == SF_RC_UP && !sign) || (rc == SF_RC_DOWN && sign);
        if (to_inf) {
            st->flags |= SF_C1;
            return f80_make(sign, F80_EXP_MAX, F80_J);
        }
        return max_finite(sign, fmt);
    }
    st->flags |= (inexact ? SF_PE : 0) | (inc ? SF_C1 : 0);
    return f80_make(sign, (unsigned)exp, (uint64_t)(sig >> 64));
}

Float80 sf_pack_exact(SfStatus *st, bool sign, int32_t exp, u128 sig)
{
    if (sig == 0) {
        return f80_make(sign, 0, 0);
    }
    return sf_round_pack(st, sign, exp, sig, &sf_format_f80);
}

Float80 sf_invalid(SfStatus *st)
{
    st->flags |= SF_IE;
    return f80_indefinite();
}

void sf_check_denormal(SfStatus *st, Float80 a)
{
    if (f80_classify(a) == F80_DENORMAL) {
        st->flags |= SF_DE;
    }
}

bool sf_nan_operand(SfStatus *st, Float80 a, Float80 *res)
{
    switch (f80_classify(a)) {
    case F80_UNSUPPORTED:
        *res = sf_invalid(st);
        return true;
    case F80_SNAN:
        st->flags |= SF_IE;
        *res = sf_quiet(a);
        return true;
    case F80_QNAN:
        *res = a;
        return true;
    default:
        return false;
    }
}

/* Table 4-7: of two NaNs the one with the larger significand (quieted). */
static Float80 larger_nan(Float80 a, Float80 b)
{
    uint64_t ma = a.mant | F80_QUIET, mb = b.mant | F80_QUIET;
    if (ma > mb) {
        return sf_quiet(a);
    }
    if (mb > ma) {
        return sf_quiet(b);
    }
    return sf_quiet(f80_sign(a) ? b : a); /* equal: the positive one */
}

bool sf_nan_operands(SfStatus *st, Float80 a, Float80 b, Float80 *res)
{
    F80Class ca = f80_classify(a), cb = f80_classify(b);
    if (ca == F80_UNSUPPORTED || cb == F80_UNSUPPORTED) {
        *res = sf_invalid(st);
        return true;
    }
    bool na = ca == F80_QNAN || ca == F80_SNAN;
    bool nb = cb == F80_QNAN || cb == F80_SNAN;
    if (!na && !nb) {
        return false;
    }
    if (ca == F80_SNAN || cb == F80_SNAN) {
        st->flags |= SF_IE;
    }
    if (na && nb) {
        /* an SNaN and a QNaN: the QNaN (x87 column of Table 4-7) */
        if (ca == F80_QNAN && cb == F80_SNAN) {
            *res = a;
        } else if (ca == F80_SNAN && cb == F80_QNAN) {
            *res = b;
        } else {
            *res = larger_nan(a, b);
        }
    } else {
        *res = sf_quiet(na ? a : b);
    }
    return true;
}
