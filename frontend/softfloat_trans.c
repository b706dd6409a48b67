/*
 * softfloat_trans.c — the x87 transcendental instructions: F2XM1, FYL2X,
 * FYL2XP1, FPATAN, FSIN, FCOS, FSINCOS, FPTAN (SDM Vol. 2A, each
 * instruction's page for its special operands).
 *
 * The functions are evaluated in a wider software format, W: a 128-bit
 * significand and an int32_t exponent, by series after argument reduction,
 * to about 120 bits; one final rounding to double-extended (sf_round_pack)
 * then gives the correctly rounded result except in the rarest cases,
 * within the one ulp the SDM promises (Vol. 1 8.3.10).
 *
 * Trigonometric arguments are reduced modulo pi/2 exactly, but with pi
 * taken to 66 bits, as the x87 does (SDM Vol. 1 8.3.10, "pi"): FSIN of the
 * double-extended value nearest pi is 2^-62 * 0.75, not sin of that value.
 * Host doubles are never used: everything is integer arithmetic, the same
 * on every host.
 */
#include "frontend/softfloat_internal.h"

/* value = m / 2^127 * 2^exp; m has bit 127 set, or is 0 for zero. Bits
 * below a truncation are or'ed into bit 0. */
typedef struct W {
    bool sign;
    int32_t exp;
    u128 m;
} W;

static W w_norm(bool sign, int32_t exp, u128 m)
{
    if (m == 0) {
        return (W){sign, 0, 0};
    }
    int lz = sf_clz128(m);
    return (W){sign, exp - lz, m << lz};
}

static W w_from_u64(uint64_t v)
{
    return w_norm(false, 127, (u128)v);
}

static W w_from_f80(Float80 a)
{
    SfUnpacked u = sf_unpack(a);
    if (u.sig == 0) {
        return (W){u.sign, 0, 0};
    }
    return (W){u.sign, u.exp - F80_BIAS, (u128)u.sig << 64};
}

static W w_neg(W a)
{
    a.sign = !a.sign;
    return a;
}

static W w_abs(W a)
{
    a.sign = false;
    return a;
}

/* High 128 bits of a.m * b.m, with the rest as a sticky bit. */
static u128 mul_hi(u128 a, u128 b, bool *sticky)
{
    uint64_t ah = (uint64_t)(a >> 64), al = (uint64_t)a;
    uint64_t bh = (uint64_t)(b >> 64), bl = (uint64_t)b;
    u128 hh = (u128)ah * bh, hl = (u128)ah * bl, lh = (u128)al * bh, ll = (u128)al * bl;
    u128 mid = (hl & UINT64_MAX) + (lh & UINT64_MAX) + (ll >> 64);
    u128 lo = (mid << 64) | (ll & UINT64_MAX);
    *sticky = lo != 0;
    return hh + (hl >> 64) + (lh >> 64) + (mid >> 64);
}

static W w_mul(W a, W b)
{
    if (a.m == 0 || b.m == 0) {
        return (W){a.sign != b.sign, 0, 0};
    }
    bool sticky;
    u128 p = mul_hi(a.m, b.m, &sticky); /* in [2^126, 2^128) */
    int32_t exp = a.exp + b.exp + 1;
    if (!(p >> 127)) {
        p <<= 1;
        exp--;
    }
    return (W){a.sign != b.sign, exp, p | sticky};
}

static W w_add(W a, W b)
{
    if (a.m == 0) {
        return b;
    }
    if (b.m == 0) {
        return a;
    }
    if (b.exp > a.exp || (b.exp == a.exp && b.m > a.m)) {
        W t = a;
        a = b;
        b = t;
    }
    /* one bit of headroom for the carry */
    u128 x = a.m >> 1, y = sf_shr_jam(b.m >> 1 | (b.m & 1), a.exp - b.exp);
    u128 s = a.sign == b.sign ? x + y : x - y;
    return w_norm(a.sign, a.exp + 1, s);
}

static W w_sub(W a, W b)
{
    return w_add(a, w_neg(b));
}

static W w_div(W a, W b)
{
    if (a.m == 0) {
        return (W){a.sign != b.sign, 0, 0};
    }
    u128 r = a.m, q = 0;
    bool carry = false;
    for (int i = 0; i < 128; i++) {
        q <<= 1;
        if (carry || r >= b.m) {
            r -= b.m;
            q |= 1;
        }
        carry = (r >> 127) != 0;
        r <<= 1;
    }
    return w_norm(a.sign != b.sign, a.exp - b.exp, q | (r != 0 || carry));
}

/* a / n for a small n (below 2^32), by 64-bit limbs: the 192-bit quotient
 * of a.m * 2^64 / n, whose top limb is nonzero for a normalized a. */
static W w_div_small(W a, uint32_t n)
{
    if (a.m == 0) {
        return a;
    }
    uint64_t hi = (uint64_t)(a.m >> 64), lo = (uint64_t)a.m;
    uint64_t q2 = hi / n, r = hi % n;
    u128 t = ((u128)r << 64) | lo;
    uint64_t q1 = (uint64_t)(t / n);
    r = (uint64_t)(t % n);
    t = (u128)r << 64;
    uint64_t q0 = (uint64_t)(t / n);
    bool sticky = (t % n) != 0;
    int lz = __builtin_clzll(q2); /* q2 >= 2^63 / n > 0 */
    u128 top = ((u128)q2 << (64 + lz)) | ((u128)q1 << lz);
    if (lz > 0) {
        top |= q0 >> (64 - lz);
        sticky |= (q0 << lz) != 0;
    } else {
        sticky |= q0 != 0;
    }
    /* q * 2^-64 / 2^127 * 2^a.exp = top / 2^127 * 2^(a.exp - lz) */
    return (W){a.sign, a.exp - lz, top | sticky};
}

static Float80 w_round(SfStatus *st, W a, int nudge);

/* sqrt(a) for a > 0 in the double-extended range: f80_sqrt's 64 bits, then
 * two Newton steps s = (s + a / s) / 2. */
static W w_sqrt(W a)
{
    SfStatus tmp = {.fcw = 0x037f, .flags = 0};
    W s = w_from_f80(f80_sqrt(&tmp, w_round(&tmp, a, 0)));
    for (int i = 0; i < 2; i++) {
        s = w_add(s, w_div(a, s));
        s.exp -= 1;
    }
    return s;
}

/* The value as a rounded Float80. nudge -1 or +1 says the true result's
 * magnitude lies just below or above the value (a series correction below
 * W's precision): the value moves by one unit of W's last bit that way. A
 * computed transcendental is inexact, and the processors say PE even where
 * the rounded value happens to be exact (a power of two from FPTAN near
 * pi/2, FYL2X of a power of two): so does rx86. */
static Float80 w_round(SfStatus *st, W a, int nudge)
{
    st->flags |= SF_PE;
    if (a.m == 0) {
        return f80_make(a.sign, 0, 0);
    }
    u128 m = a.m;
    if (nudge < 0) {
        m -= 1;
    } else if (nudge > 0) {
        m |= 1;
    }
    return sf_round_pack(st, a.sign, a.exp + F80_BIAS, m, &sf_format_f80);
}

/* ---- constants (128 bits) --------------------------------------------------- */

static W w_const(uint64_t hi, uint64_t lo, int32_t exp)
{
    return (W){false, exp, ((u128)hi << 64) | lo};
}

static W w_ln2(void)
{
    return w_const(0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull, -1);
}

static W w_pi(void)
{
    return w_const(0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, 1);
}

static W w_one(void)
{
    return (W){false, 0, U128_TOP};
}

/* ---- series ----------------------------------------------------------------- */

/* e^y - 1 for |y| <= ln 2: y (1 + y/2 (1 + y/3 (1 + ...))). */
static W w_expm1(W y)
{
    W t = w_one();
    for (uint32_t n = 40; n >= 2; n--) {
        t = w_add(w_one(), w_div_small(w_mul(y, t), n));
    }
    return w_mul(y, t);
}

/* atanh(t) for |t| <= 0.18: t (1 + t^2/3 + t^4/5 + ...). */
static W w_atanh(W t)
{
    W t2 = w_mul(t, t);
    W s = w_div_small(w_one(), 61);
    for (int32_t k = 29; k >= 0; k--) {
        s = w_add(w_div_small(w_one(), (uint32_t)(2 * k + 1)), w_mul(t2, s));
    }
    return w_mul(t, s);
}

/* atan(z) for |z| <= 0.1: z (1 - z^2/3 + z^4/5 - ...). */
static W w_atan_small(W z)
{
    W z2 = w_mul(z, z);
    W s = w_div_small(w_one(), 45);
    for (int32_t k = 21; k >= 0; k--) {
        W term = w_div_small(w_one(), (uint32_t)(2 * k + 1));
        s = w_sub(term, w_mul(z2, s));
    }
    return w_mul(z, s);
}

/* sin and cos of |r| <= pi/4 by their Taylor series. */
static W w_sin_small(W r)
{
    W r2 = w_mul(r, r), s = w_one();
    for (uint32_t n = 20; n >= 1; n--) {
        s = w_sub(w_one(), w_div_small(w_mul(r2, s), (2 * n) * (2 * n + 1)));
    }
    return w_mul(r, s);
}

static W w_cos_small(W r)
{
    W r2 = w_mul(r, r), c = w_one();
    for (uint32_t n = 20; n >= 1; n--) {
        c = w_sub(w_one(), w_div_small(w_mul(r2, c), (2 * n - 1) * (2 * n)));
    }
    return c;
}

/* ln(x) for x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)),
 * ln x = e ln 2 + 2 atanh((m - 1) / (m + 1)). */
static W w_ln(W x)
{
    int32_t e = x.exp;
    W m = {false, 0, x.m};
    /* sqrt(2) = 1.0110101000001... : compare the significand */
    if (m.m > ((u128)0xb504f333f9de6484ull << 64)) {
        m.exp = -1;
        e += 1;
    }
    W t = w_div(w_sub(m, w_one()), w_add(m, w_one()));
    W l = w_mul(w_atanh(t), (W){false, 1, U128_TOP});
    if (e == 0) {
        return l;
    }
    W ew = w_from_u64((uint64_t)(e < 0 ? -(int64_t)e : e));
    ew.sign = e < 0;
    return w_add(w_mul(ew, w_ln2()), l);
}

/* log2(x) for x > 0, exact for powers of two. */
static W w_log2(W x)
{
    int32_t e = x.exp;
    W m = {false, 0, x.m};
    if (m.m > ((u128)0xb504f333f9de6484ull << 64)) {
        m.exp = -1;
        e += 1;
    }
    W t = w_div(w_sub(m, w_one()), w_add(m, w_one()));
    W l = w_div(w_mul(w_atanh(t), (W){false, 1, U128_TOP}), w_ln2());
    W ew = w_from_u64((uint64_t)(e < 0 ? -(int64_t)e : e));
    ew.sign = e < 0;
    return w_add(ew, l);
}

/* atan(z) for z >= 0: z <= 1 directly (halving the angle three times:
 * atan z = 2 atan(z / (1 + sqrt(1 + z^2)))), z > 1 as pi/2 - atan(1/z). */
static W w_atan(W z)
{
    bool inverted = false;
    if (z.m != 0 && (z.exp > 0 || (z.exp == 0 && z.m > U128_TOP))) {
        z = w_div(w_one(), z);
        inverted = true;
    }
    unsigned halvings = 0;
    while (z.m != 0 && z.exp >= -4) { /* z >= 1/16 */
        z = w_div(z, w_add(w_one(), w_sqrt(w_add(w_one(), w_mul(z, z)))));
        halvings++;
    }
    W a = w_atan_small(z);
    a.exp += (int32_t)halvings;
    if (inverted) {
        W half_pi = w_pi();
        half_pi.exp -= 1;
        a = w_sub(half_pi, a);
    }
    return a;
}

/* ---- F2XM1, FYL2X, FYL2XP1 ----------------------------------------------------- */

static Float80 inf_of(bool sign)
{
    return f80_make(sign, F80_EXP_MAX, F80_J);
}

static Float80 zero_of(bool sign)
{
    return f80_make(sign, 0, 0);
}

Float80 f80_f2xm1(SfStatus *st, Float80 a)
{
    Float80 res;
    if (sf_nan_operand(st, a, &res)) {
        return res;
    }
    F80Class c = f80_classify(a);
    if (c == F80_ZERO) {
        return a;
    }
    if (c == F80_INF) {
        return f80_sign(a) ? f80_make(true, F80_BIAS, F80_J) : a; /* -inf: -1 */
    }
    sf_check_denormal(st, a);
    W x = w_from_f80(a);
    if (x.exp >= 0) {
        /* |x| >= 1, the edge and the outside of the domain (undefined by
         * the SDM): 2^-1 - 1 = -0.5; 1 and anything beyond +-1 come back
         * unchanged; PE either way (C1 too for 1), as AMD processors do */
        st->flags |= SF_PE;
        if (x.m == U128_TOP && x.exp == 0) {
            if (x.sign) {
                return f80_make(true, F80_BIAS - 1, F80_J);
            }
            st->flags |= SF_C1;
        }
        return a;
    }
    /* 2^x - 1 = expm1(x ln 2) */
    W y = w_mul(x, w_ln2());
    unsigned halvings = 0;
    while (y.exp >= -2) { /* |y| >= 1/4: halve, then double back */
        y.exp--;
        halvings++;
    }
    W e = w_expm1(y);
    for (unsigned i = 0; i < halvings; i++) {
        /* expm1(2y) = expm1(y) (expm1(y) + 2) */
        e = w_mul(e, w_add(e, (W){false, 1, U128_TOP}));
    }
    return w_round(st, e, 0);
}

/* Whether a is exactly one. */
static bool is_one(Float80 a)
{
    return a.sign_exp == F80_BIAS && a.mant == F80_J;
}

Float80 f80_fyl2x(SfStatus *st, Float80 x, Float80 y)
{
    Float80 res;
    if (sf_nan_operands(st, x, y, &res)) {
        return res;
    }
    F80Class cx = f80_classify(x), cy = f80_classify(y);
    bool sx = f80_sign(x), sy = f80_sign(y);
    if (sx && cx != F80_ZERO) {
        return sf_invalid(st); /* log of a negative number */
    }
    if (cx == F80_ZERO) {
        if (cy == F80_ZERO) {
            return sf_invalid(st);
        }
        if (cy != F80_INF) {
            st->flags |= SF_ZE; /* alone: DE ranks below it */
        }
        return inf_of(!sy); /* log2(0) = -inf */
    }
    if (cx == F80_INF) {
        if (cy == F80_ZERO) {
            return sf_invalid(st);
        }
        sf_check_denormal(st, y);
        return inf_of(sy);
    }
    if (is_one(x)) {
        if (cy == F80_INF) {
            return sf_invalid(st); /* inf * 0 */
        }
        sf_check_denormal(st, y);
        return zero_of(sy);
    }
    W lx = w_log2(w_from_f80(x)); /* nonzero: x != 1 */
    if (cy == F80_INF) {
        sf_check_denormal(st, x);
        return inf_of(sy != lx.sign);
    }
    sf_check_denormal(st, x);
    sf_check_denormal(st, y);
    if (cy == F80_ZERO) {
        return zero_of(sy != lx.sign);
    }
    return w_round(st, w_mul(w_from_f80(y), lx), 0);
}

Float80 f80_fyl2xp1(SfStatus *st, Float80 x, Float80 y)
{
    Float80 res;
    if (sf_nan_operands(st, x, y, &res)) {
        return res;
    }
    F80Class cx = f80_classify(x), cy = f80_classify(y);
    bool sx = f80_sign(x), sy = f80_sign(y);
    if (cx == F80_ZERO) {
        if (cy == F80_INF) {
            return sf_invalid(st);
        }
        sf_check_denormal(st, y);
        return zero_of(sx != sy);
    }
    W wx = w_from_f80(x);
    if (cx == F80_INF) {
        if (sx || cy == F80_ZERO) {
            return sf_invalid(st); /* log of -inf; 0 * inf */
        }
        sf_check_denormal(st, y);
        return inf_of(sy);
    }
    /* x <= -1, outside the domain (|x| < 1 - sqrt(2)/2 in the SDM; AMD
     * processors compute any x > -1): x comes back, with PE; a zero or
     * infinite y gives the zero or infinity of the other sign */
    if (sx && wx.exp >= 0) {
        if (cy == F80_INF) {
            return inf_of(!sy);
        }
        if (cy == F80_ZERO) {
            return zero_of(!sy);
        }
        sf_check_denormal(st, y);
        st->flags |= SF_PE;
        return x;
    }
    if (cy == F80_INF) {
        sf_check_denormal(st, x);
        return inf_of(sy != sx);
    }
    sf_check_denormal(st, x);
    sf_check_denormal(st, y);
    if (cy == F80_ZERO) {
        return zero_of(sy != sx);
    }
    /* ln(1 + x) = 2 atanh(x / (2 + x)) for small x, else through w_ln */
    W l;
    if (wx.exp < -2) {
        W t = w_div(wx, w_add((W){false, 1, U128_TOP}, wx));
        l = w_mul(w_atanh(t), (W){false, 1, U128_TOP});
    } else {
        l = w_ln(w_add(w_one(), wx));
    }
    return w_round(st, w_mul(w_from_f80(y), w_div(l, w_ln2())), 0);
}

/* ---- FPATAN ---------------------------------------------------------------------- */

Float80 f80_fpatan(SfStatus *st, Float80 x, Float80 y)
{
    Float80 res;
    if (sf_nan_operands(st, x, y, &res)) {
        return res;
    }
    F80Class cx = f80_classify(x), cy = f80_classify(y);
    bool sx = f80_sign(x), sy = f80_sign(y);
    W pi = w_pi();
    /* SDM Vol. 2A FPATAN Table 3-29 */
    if (cy == F80_ZERO) {
        sf_check_denormal(st, x);
        if (!sx) {
            return zero_of(sy);
        }
        pi.sign = sy;
        return w_round(st, pi, 0);
    }
    if (cx == F80_ZERO || (cy == F80_INF && cx != F80_INF)) {
        sf_check_denormal(st, x);
        sf_check_denormal(st, y);
        W h = pi;
        h.exp -= 1;
        h.sign = sy;
        return w_round(st, h, 0);
    }
    if (cy == F80_INF) { /* and x infinite: +-pi/4 or +-3pi/4 */
        W q = pi;
        q.exp -= 2;
        if (sx) {
            q = w_sub(pi, q);
        }
        q.sign = sy;
        return w_round(st, q, 0);
    }
    if (cx == F80_INF) {
        sf_check_denormal(st, y);
        if (!sx) {
            return zero_of(sy);
        }
        pi.sign = sy;
        return w_round(st, pi, 0);
    }
    sf_check_denormal(st, x);
    sf_check_denormal(st, y);
    W wx = w_abs(w_from_f80(x)), wy = w_abs(w_from_f80(y));
    W a = w_atan(w_div(wy, wx));
    if (sx) {
        a = w_sub(pi, a);
    }
    a.sign = sy;
    return w_round(st, a, 0);
}

/* ---- FSIN, FCOS, FSINCOS, FPTAN --------------------------------------------------- */

/*
 * |a| (finite, below 2^63) = k * pi66/2 + r exactly, |r| <= pi66/4, where
 * pi66 is pi rounded down to 66 bits: 0x3243F6A8885A308D3 * 2^-64. Returns
 * k mod 4 and r.
 */
static unsigned reduce(Float80 a, W *r)
{
    static const u128 half_pi_int = ((u128)0x3 << 64) | 0x243f6a8885a308d3ull; /* pi66/2 * 2^65 */
    SfUnpacked u = sf_unpack(a);
    int32_t e = u.exp - F80_BIAS; /* |a| = sig * 2^(e - 63) */
    if (u.sig == 0 || e < -1) {
        *r = w_abs(w_from_f80(a)); /* |a| < 1/2 < pi/4 */
        return 0;
    }
    /* both in units of 2^-65: A = sig * 2^(e + 2), up to 2^128 */
    u128 big = (u128)u.sig << (e + 2);
    u128 k = big / half_pi_int;
    u128 rem = big % half_pi_int;
    bool neg = false;
    if (2 * rem > half_pi_int) {
        k++;
        rem = half_pi_int - rem;
        neg = true;
    }
    *r = w_norm(neg, 127 - 65, rem);
    return (unsigned)(k & 3);
}

/* sin and cos of a (|a| < 2^63, finite). */
static void sincos_w(Float80 a, W *s, W *c)
{
    W r;
    unsigned q = reduce(a, &r);
    W sr = w_sin_small(r), cr = w_cos_small(r);
    switch (q) {
    case 0:
        *s = sr;
        *c = cr;
        break;
    case 1:
        *s = cr;
        *c = w_neg(sr);
        break;
    case 2:
        *s = w_neg(sr);
        *c = w_neg(cr);
        break;
    default:
        *s = w_neg(cr);
        *c = sr;
        break;
    }
    if (f80_sign(a)) {
        *s = w_neg(*s);
    }
}

/* The common checks: false (nothing to compute) with *done set when a
 * special operand decided the outcome. */
static bool trig_operand(SfStatus *st, Float80 a, bool *in_range)
{
    *in_range = true;
    F80Class c = f80_classify(a);
    if (c == F80_INF) {
        st->flags |= SF_IE;
        return false;
    }
    SfUnpacked u = sf_unpack(a);
    if (c != F80_ZERO && u.exp - F80_BIAS >= 63) {
        *in_range = false; /* C2 = 1: the operand stays */
        return false;
    }
    sf_check_denormal(st, a);
    return true;
}

/* Tiny arguments: the series' correction lies below W's precision, so
 * the results are nudged to the side the true value lies on. */
static bool tiny_arg(Float80 a)
{
    SfUnpacked u = sf_unpack(a);
    return u.sig != 0 && u.exp - F80_BIAS < -40;
}

bool f80_sincos(SfStatus *st, Float80 a, Float80 *sin_out, Float80 *cos_out)
{
    Float80 res;
    bool in_range;
    if (sf_nan_operand(st, a, &res)) {
        if (sin_out) {
            *sin_out = res;
        }
        if (cos_out) {
            *cos_out = res;
        }
        return true;
    }
    if (!trig_operand(st, a, &in_range)) {
        if (sin_out) {
            *sin_out = f80_indefinite();
        }
        if (cos_out) {
            *cos_out = f80_indefinite();
        }
        return in_range;
    }
    if (f80_classify(a) == F80_ZERO) {
        if (sin_out) {
            *sin_out = a;
        }
        if (cos_out) {
            *cos_out = f80_make(false, F80_BIAS, F80_J);
        }
        return true;
    }
    W s, c;
    sincos_w(a, &s, &c);
    int nudge = tiny_arg(a) ? -1 : 0;
    /* each result's own rounding flags (FSIN of a denormal underflows, FCOS
     * of it does not); FSINCOS gets both, C1 from the sine */
    SfStatus st_cos = *st;
    if (cos_out) {
        *cos_out = w_round(&st_cos, c, nudge);
    }
    if (sin_out) {
        *sin_out = w_round(st, s, nudge);
        st->flags |= st_cos.flags & (uint16_t)~SF_C1;
    } else {
        *st = st_cos;
    }
    return true;
}

bool f80_tan(SfStatus *st, Float80 a, Float80 *tan_out)
{
    Float80 res;
    bool in_range;
    if (sf_nan_operand(st, a, &res)) {
        *tan_out = res;
        return true;
    }
    if (!trig_operand(st, a, &in_range)) {
        *tan_out = f80_indefinite();
        return in_range;
    }
    if (f80_classify(a) == F80_ZERO) {
        *tan_out = a;
        return true;
    }
    W s, c;
    sincos_w(a, &s, &c);
    *tan_out = w_round(st, w_div(s, c), tiny_arg(a) ? 1 : 0);
    return true;
}
