/*
 * gen_state.c — the register, flag, x87 and SSE state a case starts from:
 * integer values from hd_rng_int, floating-point bit patterns of every
 * class (zeros, denormals, infinities, quiet and signaling NaNs, x87
 * unnormals) for the x87 and SSE groups.
 */
#include "tests/hostdiff/gen_internal.h"

#include "frontend/cpu.h"

static void put_le(uint8_t *b, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        b[i] = (uint8_t)(v >> (8 * i));
    }
}

/* Floating-point bit patterns: one double, or two floats, of every class. */
uint64_t hd_float_bits(HdRng *r)
{
    static const uint64_t d[] = {
        0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
        0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000000ull,
        0x0000000000000001ull, 0x000fffffffffffffull, 0x7fefffffffffffffull, 0x0010000000000000ull,
    };
    static const uint32_t f[] = {
        0x00000000u, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x7f800000u, 0xff800000u,
        0x7fc00000u, 0x7fa00000u, 0x00000001u, 0x007fffffu, 0x7f7fffffu, 0x00800000u,
    };
    uint64_t x = hd_rng_next(r);
    switch (hd_rng_below(r, 6)) {
    case 0:
        return d[hd_rng_below(r, sizeof(d) / sizeof(d[0]))];
    case 1: /* a double of moderate exponent */
        return (x & 0x800fffffffffffffull) | (0x3c0ull + hd_rng_below(r, 0x80)) << 52;
    case 2:
        return (uint64_t)f[hd_rng_below(r, 12)] << 32 | f[hd_rng_below(r, 12)];
    case 3: { /* two floats of moderate exponent */
        uint64_t hi = (x >> 32 & 0x807fffffu) | (0x60u + hd_rng_below(r, 0x40)) << 23;
        uint64_t lo = (x & 0x807fffffu) | (0x60u + hd_rng_below(r, 0x40)) << 23;
        return hi << 32 | lo;
    }
    default:
        return hd_rng_int(r);
    }
}

/* An x87 register value of every class (SDM Vol. 1 8.2.2, 4.8). */
static void x87_value(HdRng *r, uint8_t *p)
{
    uint64_t mant = hd_rng_next(r);
    uint16_t exp;
    switch (hd_rng_below(r, 10)) {
    case 0: /* zero */
        mant = 0;
        exp = 0;
        break;
    case 1: /* denormal */
        mant >>= 1;
        exp = 0;
        break;
    case 2: /* infinity */
        mant = 1ull << 63;
        exp = 0x7fff;
        break;
    case 3: /* NaN, quiet or signaling */
        mant |= 1ull << 63;
        exp = 0x7fff;
        break;
    case 4: /* unnormal: integer bit clear */
        mant &= ~(1ull << 63);
        exp = (uint16_t)(1 + hd_rng_below(r, 0x7ffe));
        break;
    case 5: /* a small integer */
        mant = (hd_rng_below(r, 1000) + 1) << 53 | 1ull << 63;
        exp = (uint16_t)(0x3fff + hd_rng_below(r, 10));
        break;
    default: /* normal, moderate exponent */
        mant |= 1ull << 63;
        exp = (uint16_t)(0x3fff - 64 + hd_rng_below(r, 128));
        break;
    }
    if (hd_rng_chance(r, 1, 2)) {
        exp |= 0x8000;
    }
    put_le(p, mant, 8);
    put_le(p + 8, exp, 2);
}

void hd_gen_fx(HdRng *r, unsigned group, uint32_t mxcsr_mask, uint8_t *fx)
{
    hd_fx_init(fx);
    /* integer cases keep XMM and x87 at their init values: they must not
     * change them, and recordings stay small */
    bool fp = group & (HD_GROUP_SSE | HD_GROUP_X87);
    for (unsigned i = 0; i < 16; i++) {
        if (fp) {
            hd_fx_put64(fx, FX_XMM0 + 16 * i, hd_float_bits(r));
            hd_fx_put64(fx, FX_XMM0 + 16 * i + 8, hd_float_bits(r));
        }
    }
    if (group & HD_GROUP_X87) {
        unsigned top = (unsigned)hd_rng_below(r, 8);
        uint16_t fcw = 0x037f;
        if (hd_rng_chance(r, 1, 4)) {
            fcw = (uint16_t)((fcw & ~0x0f00u) | (hd_rng_below(r, 16) << 8)); /* PC, RC */
        }
        if (hd_rng_chance(r, 1, 16)) {
            fcw = (uint16_t)((fcw & ~0x3fu) | hd_rng_below(r, 64)); /* exception masks */
        }
        uint16_t fsw = (uint16_t)(hd_rng_next(r) & 0x4700); /* C0-C3 */
        if (hd_rng_chance(r, 1, 8)) {
            fsw |= (uint16_t)hd_rng_below(r, 64);
        }
        if (fsw & ~fcw & 0x3f) {
            fsw |= 0x8080; /* ES and B: an unmasked exception is pending */
        }
        hd_fx_put16(fx, FX_FCW, fcw);
        hd_fx_put16(fx, FX_FSW, (uint16_t)(fsw | top << 11));
        fx[FX_FTW] = (uint8_t)hd_rng_next(r);
        for (unsigned i = 0; i < 8; i++) {
            x87_value(r, fx + FX_ST0 + 16 * i);
        }
    }
    if (group & HD_GROUP_SSE && hd_rng_chance(r, 1, 2)) {
        uint32_t mxcsr = 0x1f80;
        mxcsr = (mxcsr & ~0x6000u) | (uint32_t)hd_rng_below(r, 4) << 13; /* RC */
        mxcsr |= (uint32_t)(hd_rng_next(r) & 0x8040);                    /* FZ, DAZ */
        mxcsr |= (uint32_t)(hd_rng_next(r) & 0x3f);                      /* flags */
        if (hd_rng_chance(r, 1, 8)) {
            mxcsr &= ~((uint32_t)hd_rng_below(r, 64) << 7); /* unmask some */
        }
        hd_fx_put32(fx, FX_MXCSR, mxcsr & mxcsr_mask);
    }
}

uint64_t hd_gen_rflags(HdRng *r)
{
    uint64_t f = EFLAGS_FIXED1 | EFLAGS_IF;
    f |= hd_rng_next(r) & EFLAGS_ARITH;
    if (hd_rng_chance(r, 1, 4)) {
        f |= EFLAGS_DF;
    }
    if (hd_rng_chance(r, 1, 2)) {
        f |= EFLAGS_ID;
    }
    return f;
}
