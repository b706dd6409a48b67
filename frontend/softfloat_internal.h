/*
 * softfloat_internal.h — what the softfloat*.c files share: the 128-bit
 * integer they compute significands in, the rounding of an exact value to
 * a format (the one place the x87's rounding, overflow and underflow rules
 * live), and the NaN and special-operand rules of binary operations.
 *
 * A value in flight is (sign, exp, sig): sig is a 128-bit significand with
 * its leading one at bit 127 (a "normalized" u128) or anywhere below, and
 * the value is sig / 2^127 * 2^(exp - F80_BIAS). exp is an int32_t and may
 * lie far outside the format's range: rounding brings it back. Bits that
 * did not fit are or'ed into bit 0 (the sticky bit), so sig keeps at least
 * 64 bits below any rounding position rx86 uses.
 */
#ifndef RX86_FRONTEND_SOFTFLOAT_INTERNAL_H
#define RX86_FRONTEND_SOFTFLOAT_INTERNAL_H

#include "frontend/softfloat.h"

#include <stdbool.h>
#include <stdint.h>

typedef unsigned __int128 u128;

#define U128_TOP ((u128)1 << 127)

/* A format's precision and normal exponent range, in double-extended
 * biased exponents: the result of rounding is a Float80 with exponent in
 * [emin, emax] (J = 0 at emin for a denormal) or a special value. */
typedef struct SfFormat {
    unsigned prec; /* significand bits: 24, 53 or 64 */
    int32_t emin, emax;
    bool to_register; /* an x87 register: unmasked OE/UE deliver a biased result */
} SfFormat;

/* The double-extended format at FCW.PC's precision, and the memory formats. */
extern const SfFormat sf_format_f80;
extern const SfFormat sf_format_f32;
extern const SfFormat sf_format_f64;

static inline SfFormat sf_format_pc(const SfStatus *st)
{
    /* FCW.PC: 00 24 bits, 10 53 bits, 11 64 bits; 01 is reserved (64) */
    unsigned pc = (st->fcw >> FCW_PC_SHIFT) & 3;
    SfFormat f = {pc == 0 ? 24 : pc == 2 ? 53 : 64, 1, 0x7ffe, true};
    return f;
}

static inline unsigned sf_rc(const SfStatus *st)
{
    return (st->fcw >> FCW_RC_SHIFT) & 3;
}
static inline bool sf_masked(const SfStatus *st, unsigned flag)
{
    return (st->fcw & flag) != 0;
}

/* An operand taken apart: the significand with its leading one at bit 63
 * (denormals normalized, exp lowered to match), exp the unbiased-exponent +
 * F80_BIAS of that bit. Zero has sig 0. */
typedef struct SfUnpacked {
    bool sign;
    int32_t exp;
    uint64_t sig;
} SfUnpacked;

/* Whether to add one unit to a value being rounded under rc: rem is the
 * part discarded, half half a unit, lsb_set the kept value's low bit. */
bool sf_round_increment(unsigned rc, bool sign, u128 rem, u128 half, bool lsb_set);

/* |u| rounded to an integer under rc (u normalized, exponent below 64+63):
 * the magnitude, *inexact and *inc (rounded up) set. */
u128 sf_round_magnitude(SfUnpacked u, unsigned rc, bool *inexact, bool *inc);

/* x >> n with the bits shifted out or'ed into bit 0 (n may exceed 127). */
static inline u128 sf_shr_jam(u128 x, int32_t n)
{
    if (n <= 0) {
        return x;
    }
    if (n >= 128) {
        return x != 0;
    }
    return (x >> n) | ((x & (((u128)1 << n) - 1)) != 0);
}

/* Leading zeros of a nonzero u128. */
static inline int sf_clz128(u128 x)
{
    uint64_t hi = (uint64_t)(x >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

SfUnpacked sf_unpack(Float80 a);

/*
 * Round the exact value (sign, exp, sig) to fmt under st's RC, raising PE,
 * UE, OE and C1 as the x87 does (SDM Vol. 1 4.9.1.4-6, 8.5.4-6):
 * tininess is detected after rounding (to the precision, with an unbounded
 * exponent); a masked underflow is flagged only when the denormalized
 * result is inexact; an unmasked one (register destinations) delivers the
 * full-precision result with the exponent raised by 24576, an unmasked
 * overflow one lowered by 24576 (beyond what that mends, as FSCALE can
 * ask: zero or infinity). C1 is "rounded up in magnitude". sig must be
 * nonzero.
 */
Float80 sf_round_pack(SfStatus *st, bool sign, int32_t exp, u128 sig, const SfFormat *fmt);

/* The value exactly, normalized (an exact result that needs no rounding:
 * it must fit in 64 bits of significand; denormals are made as needed). */
Float80 sf_pack_exact(SfStatus *st, bool sign, int32_t exp, u128 sig);

/* The quiet form of NaN a. */
static inline Float80 sf_quiet(Float80 a)
{
    a.mant |= F80_QUIET;
    return a;
}

/*
 * The special cases every arithmetic operation on a and b checks first
 * (SDM Vol. 1 4.8.3.5, Table 4-7 and 8.5.1): an unsupported operand gives
 * IE and the indefinite; a NaN operand is propagated (IE for an SNaN).
 * Returns true with *res set when one applied. Denormal operands (DE) are
 * not handled here.
 */
bool sf_nan_operands(SfStatus *st, Float80 a, Float80 b, Float80 *res);
bool sf_nan_operand(SfStatus *st, Float80 a, Float80 *res);
/* IE with the indefinite as the result. */
Float80 sf_invalid(SfStatus *st);
/* DE for each denormal among the operands. */
void sf_check_denormal(SfStatus *st, Float80 a);

#endif
