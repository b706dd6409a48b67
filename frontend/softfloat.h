/*
 * softfloat.h — x87 double-extended arithmetic in software (SDM Vol. 1
 * 4.2.2, 4.8, 4.9, 8.1.5, 8.5), so rx86 computes bit-exactly what an x87
 * computes on any host: arm64 has no 80-bit type, and rx86 itself never
 * uses long double.
 *
 * Every operation takes an SfStatus: the x87 control word in force (RC
 * rounding, PC precision for add/sub/mul/div/sqrt, the exception masks
 * that decide the unmasked-overflow/underflow results) and accumulates the
 * exception flags it raises, at their FSW bit positions, plus C1 for
 * "rounded up". The x87 instruction helpers (fpu_helper*.c) decide what
 * to do with them (stack, pending exceptions, stores that do not happen).
 *
 * Operands follow the x87 rules: denormals and pseudo-denormals are
 * valid (DE), unnormals, pseudo-infinities and pseudo-NaNs are
 * unsupported (IE, the QNaN indefinite as result), NaNs propagate as SDM
 * Vol. 1 Table 4-7 says. Where the SDM leaves a choice to the processor,
 * rx86 does what the processor it was checked on does, an AMD one like
 * the vendor rx86's CPUID names (see
 * tests/unit/softfloat_test.c, which compares with the host's x87).
 */
#ifndef RX86_FRONTEND_SOFTFLOAT_H
#define RX86_FRONTEND_SOFTFLOAT_H

#include "frontend/cpu.h"

#include <stdbool.h>
#include <stdint.h>

/* Exception flags, at their FSW (and FCW mask) positions (SDM Vol. 1 8.1.3). */
#define SF_IE 0x0001u /* invalid operation */
#define SF_DE 0x0002u /* denormal operand */
#define SF_ZE 0x0004u /* divide by zero */
#define SF_OE 0x0008u /* overflow */
#define SF_UE 0x0010u /* underflow */
#define SF_PE 0x0020u /* precision (inexact) */
#define SF_EXC_MASK 0x003fu
/* FSW condition codes (C1 doubles as "the result was rounded up"). */
#define SF_C0 0x0100u
#define SF_C1 0x0200u
#define SF_C2 0x0400u
#define SF_C3 0x4000u

/* FCW fields (SDM Vol. 1 8.1.5). */
#define FCW_PC_SHIFT 8
#define FCW_RC_SHIFT 10
enum { SF_RC_NEAREST = 0, SF_RC_DOWN = 1, SF_RC_UP = 2, SF_RC_ZERO = 3 };
enum { SF_PC_24 = 0, SF_PC_53 = 2, SF_PC_64 = 3 }; /* 1 is reserved: rx86 treats it as 64 */

typedef struct SfStatus {
    uint16_t fcw;   /* the control word the operation runs under */
    uint16_t flags; /* SF_IE..SF_PE and SF_C1 raised so far */
} SfStatus;

/* The double-extended format. */
#define F80_BIAS 16383
#define F80_EXP_MAX 0x7fff
#define F80_J (1ull << 63)     /* the explicit integer bit */
#define F80_QUIET (1ull << 62) /* a NaN's quiet bit */
/* Bias adjustment of unmasked overflow/underflow results (SDM Vol. 1 4.9.1.4). */
#define F80_BIAS_ADJUST 24576

static inline Float80 f80_make(bool sign, unsigned exp, uint64_t mant)
{
    return (Float80){.mant = mant, .sign_exp = (uint16_t)((sign ? 0x8000u : 0) | exp)};
}
static inline bool f80_sign(Float80 a)
{
    return (a.sign_exp >> 15) != 0;
}
static inline unsigned f80_exp(Float80 a)
{
    return a.sign_exp & 0x7fffu;
}

/* The QNaN floating-point indefinite (SDM Vol. 1 Table 4-3). */
static inline Float80 f80_indefinite(void)
{
    return f80_make(true, F80_EXP_MAX, F80_J | F80_QUIET);
}

/* What an operand is (FXAM's classes, plus SNaN vs QNaN). */
typedef enum F80Class {
    F80_ZERO,
    F80_DENORMAL, /* exponent 0, significand nonzero: denormal or pseudo-denormal */
    F80_NORMAL,
    F80_INF,
    F80_QNAN,
    F80_SNAN,
    F80_UNSUPPORTED, /* unnormal, pseudo-infinity, pseudo-NaN (SDM Vol. 1 8.2.2) */
} F80Class;

F80Class f80_classify(Float80 a);
static inline bool f80_is_nan(Float80 a)
{
    F80Class c = f80_classify(a);
    return c == F80_QNAN || c == F80_SNAN;
}

/* ---- arithmetic (softfloat_arith.c): rounded by RC to PC's precision ---- */

Float80 f80_add(SfStatus *st, Float80 a, Float80 b);
Float80 f80_sub(SfStatus *st, Float80 a, Float80 b);
Float80 f80_mul(SfStatus *st, Float80 a, Float80 b);
Float80 f80_div(SfStatus *st, Float80 a, Float80 b);
Float80 f80_sqrt(SfStatus *st, Float80 a);

/* ---- the other FPU operations (softfloat_misc.c) ---------------------- */

/*
 * FPREM (nearest = false: the quotient truncated) and FPREM1 (nearest:
 * IEEE remainder) of a by b, with the partial-remainder rule for exponent
 * differences of 64 or more (SDM Vol. 2A FPREM/FPREM1). *cc receives the
 * condition codes: C2 set for a partial result, otherwise C0, C3, C1 =
 * the quotient's bits 2, 1, 0; or SF_REM_NO_QUOTIENT when a NaN or an
 * invalid operation gave the result (C2 and C1 are then cleared, C0 and C3
 * keep their values, as the AMD processors checked do).
 */
#define SF_REM_NO_QUOTIENT 0x8000u
Float80 f80_rem(SfStatus *st, Float80 a, Float80 b, bool nearest, uint16_t *cc);
/* FRNDINT: a rounded to an integer by RC (64-bit precision). */
Float80 f80_round_int(SfStatus *st, Float80 a);
/* FSCALE: a * 2^trunc(b). */
Float80 f80_scale(SfStatus *st, Float80 a, Float80 b);
/* FXTRACT: the exponent of a (as a value) and its significand (exponent 0). */
void f80_xtract(SfStatus *st, Float80 a, Float80 *exponent, Float80 *significand);

/* Comparisons: the relation of a to b. quiet (FUCOM*) raises IE only for
 * SNaN and unsupported operands; otherwise (FCOM*) for any NaN too. */
typedef enum SfRelation { SF_LESS, SF_EQUAL, SF_GREATER, SF_UNORDERED } SfRelation;
SfRelation f80_compare(SfStatus *st, Float80 a, Float80 b, bool quiet);

/* ---- conversions (softfloat_conv.c) ----------------------------------- */

/* FILD: exact. */
Float80 f80_from_int(int64_t v);
/*
 * FIST/FISTP (truncate = false: RC) and FISTTP (truncate): a as an integer
 * of size 2, 4 or 8 bytes. NaN, infinity, unsupported or out of range: IE
 * and the integer indefinite (the most negative value).
 */
int64_t f80_to_int(SfStatus *st, Float80 a, unsigned size, bool truncate);
/* FLD m32fp / m64fp: exact; an SNaN becomes quiet (IE), a denormal sets DE. */
Float80 f80_from_f32(SfStatus *st, uint32_t v);
Float80 f80_from_f64(SfStatus *st, uint64_t v);
/* The exact double-extended value of a single or double bit pattern with
 * no flags: an SNaN stays signalling (an arithmetic operation on it then
 * follows Table 4-7); *denormal tells whether it was a denormal. */
Float80 f80_widen_f32(uint32_t v, bool *denormal);
Float80 f80_widen_f64(uint64_t v, bool *denormal);
/* FST m32fp / m64fp: rounded by RC to the format (PC does not apply). With
 * OE or UE unmasked a result out of range stores nothing: the flag is
 * raised and the value returned is meaningless. */
uint32_t f80_to_f32(SfStatus *st, Float80 a);
uint64_t f80_to_f64(SfStatus *st, Float80 a);
/* FBLD: 18 packed BCD digits and a sign byte (SDM Vol. 1 4.7). */
Float80 f80_from_bcd(const uint8_t bcd[10]);
/* FBSTP: a rounded by RC to an integer in packed BCD; the BCD indefinite
 * with IE when it does not fit in 18 digits or is not a number. */
void f80_to_bcd(SfStatus *st, Float80 a, uint8_t bcd[10]);

/* ---- transcendentals (softfloat_trans.c) ------------------------------ */

/* F2XM1: 2^a - 1 for -1 <= a <= 1 (other values: undefined by the SDM,
 * rx86 computes the same formula). */
Float80 f80_f2xm1(SfStatus *st, Float80 a);
/* FYL2X: b * log2(a); FYL2XP1: b * log2(a + 1). */
Float80 f80_fyl2x(SfStatus *st, Float80 a, Float80 b);
Float80 f80_fyl2xp1(SfStatus *st, Float80 a, Float80 b);
/* FPATAN: atan(b / a) in the quadrant of (a, b) (y = b in ST(1), x = a in ST(0)). */
Float80 f80_fpatan(SfStatus *st, Float80 x, Float80 y);
/*
 * FSIN, FCOS, FSINCOS, FPTAN on a: false when |a| >= 2^63 (C2 = 1: out of
 * range, nothing changes), true with the results otherwise. FPTAN's second
 * result is 1.0 (pushed by the caller); f80_sincos computes the results
 * whose pointers are not NULL (FSIN, FCOS, FSINCOS) and their flags only.
 */
bool f80_sincos(SfStatus *st, Float80 a, Float80 *sin_out, Float80 *cos_out);
bool f80_tan(SfStatus *st, Float80 a, Float80 *tan_out);

/* The x87 constants FLD1..FLDLN2, FLDZ rounded by RC (SDM Vol. 1 8.3.8):
 * index 0 = 1, 1 = log2(10), 2 = log2(e), 3 = pi, 4 = log10(2),
 * 5 = ln(2), 6 = +0. */
Float80 f80_constant(unsigned index, unsigned rc);

#endif
