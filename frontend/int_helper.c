/*
 * int_helper.c — integer instructions too awkward to lift: DIV and IDIV at
 * every size (with #DE on a zero divisor and on a quotient that does not
 * fit, SDM Vol. 2A DIV/IDIV), and the BCD adjustments DAA, DAS, AAA, AAS,
 * AAM, AAD, written after the SDM's pseudocode.
 *
 * DIV/IDIV leave the arithmetic flags as they were (the SDM calls them
 * undefined; QEMU keeps them too). The BCD helpers leave cc_op = EFLAGS
 * with every defined flag exact; of the undefined ones, OF is 0 and
 * SF/ZF/PF follow AL, as QEMU computes them.
 */
#include "frontend/helpers_internal.h"

static void set_low16(CpuState *env, int r, uint64_t v)
{
    env->regs[r] = (env->regs[r] & ~0xffffull) | (v & 0xffff);
}

void helper_divb(CpuState *env, uint64_t divisor)
{
    uint8_t d = (uint8_t)divisor;
    uint16_t n = (uint16_t)env->regs[R_EAX];
    if (d == 0 || n / d > 0xff) {
        cpu_raise_exception(env, EXC_DE);
    }
    set_low16(env, R_EAX, (uint64_t)(n % d) << 8 | (n / d));
}

void helper_divw(CpuState *env, uint64_t divisor)
{
    uint16_t d = (uint16_t)divisor;
    uint32_t n = (uint32_t)(env->regs[R_EDX] & 0xffff) << 16 | (uint32_t)(env->regs[R_EAX] & 0xffff);
    if (d == 0 || n / d > 0xffff) {
        cpu_raise_exception(env, EXC_DE);
    }
    set_low16(env, R_EAX, n / d);
    set_low16(env, R_EDX, n % d);
}

void helper_divl(CpuState *env, uint64_t divisor)
{
    uint32_t d = (uint32_t)divisor;
    uint64_t n = (env->regs[R_EDX] & 0xffffffffull) << 32 | (env->regs[R_EAX] & 0xffffffffull);
    if (d == 0 || n / d > 0xffffffffull) {
        cpu_raise_exception(env, EXC_DE);
    }
    env->regs[R_EAX] = (uint32_t)(n / d);
    env->regs[R_EDX] = (uint32_t)(n % d);
}

void helper_divq(CpuState *env, uint64_t divisor)
{
    unsigned __int128 n = (unsigned __int128)env->regs[R_EDX] << 64 | env->regs[R_EAX];
    if (divisor == 0 || n / divisor > UINT64_MAX) {
        cpu_raise_exception(env, EXC_DE);
    }
    env->regs[R_EAX] = (uint64_t)(n / divisor);
    env->regs[R_EDX] = (uint64_t)(n % divisor);
}

void helper_idivb(CpuState *env, uint64_t divisor)
{
    int32_t d = (int8_t)divisor;
    int32_t n = (int16_t)env->regs[R_EAX];
    if (d == 0) {
        cpu_raise_exception(env, EXC_DE);
    }
    int32_t q = n / d, r = n % d;
    if (q < INT8_MIN || q > INT8_MAX) {
        cpu_raise_exception(env, EXC_DE);
    }
    set_low16(env, R_EAX, (uint64_t)(uint8_t)r << 8 | (uint8_t)q);
}

void helper_idivw(CpuState *env, uint64_t divisor)
{
    int64_t d = (int16_t)divisor;
    int64_t n = (int32_t)((uint32_t)(env->regs[R_EDX] & 0xffff) << 16 |
                          (uint32_t)(env->regs[R_EAX] & 0xffff));
    if (d == 0) {
        cpu_raise_exception(env, EXC_DE);
    }
    int64_t q = n / d, r = n % d;
    if (q < INT16_MIN || q > INT16_MAX) {
        cpu_raise_exception(env, EXC_DE);
    }
    set_low16(env, R_EAX, (uint64_t)q);
    set_low16(env, R_EDX, (uint64_t)r);
}

void helper_idivl(CpuState *env, uint64_t divisor)
{
    __int128 d = (int32_t)divisor;
    __int128 n = (int64_t)((env->regs[R_EDX] & 0xffffffffull) << 32 |
                           (env->regs[R_EAX] & 0xffffffffull));
    if (d == 0) {
        cpu_raise_exception(env, EXC_DE);
    }
    __int128 q = n / d, r = n % d;
    if (q < INT32_MIN || q > INT32_MAX) {
        cpu_raise_exception(env, EXC_DE);
    }
    env->regs[R_EAX] = (uint32_t)(int32_t)q;
    env->regs[R_EDX] = (uint32_t)(int32_t)r;
}

void helper_idivq(CpuState *env, uint64_t divisor)
{
    /* Divide magnitudes so that no C division overflows (the dividend can
     * be -2^127), then apply the signs: the quotient is negative when the
     * signs differ, the remainder takes the dividend's sign. */
    unsigned __int128 n = (unsigned __int128)env->regs[R_EDX] << 64 | env->regs[R_EAX];
    bool n_neg = env->regs[R_EDX] >> 63;
    bool d_neg = divisor >> 63;
    if (divisor == 0) {
        cpu_raise_exception(env, EXC_DE);
    }
    unsigned __int128 n_mag = n_neg ? -n : n;
    unsigned __int128 d_mag = d_neg ? (unsigned __int128)(-divisor) : divisor;
    unsigned __int128 q_mag = n_mag / d_mag, r_mag = n_mag % d_mag;
    bool q_neg = n_neg != d_neg;
    /* Fits in int64_t: up to 2^63 - 1, or 2^63 when negative. */
    if (q_mag > (q_neg ? (unsigned __int128)1 << 63 : ((unsigned __int128)1 << 63) - 1)) {
        cpu_raise_exception(env, EXC_DE);
    }
    uint64_t q = (uint64_t)q_mag, r = (uint64_t)r_mag;
    env->regs[R_EAX] = q_neg ? -q : q;
    env->regs[R_EDX] = n_neg ? -r : r;
}

/* ---- BCD ------------------------------------------------------------------- */

static uint64_t szp_of_byte(uint8_t v)
{
    return (v == 0 ? EFLAGS_ZF : 0) | (v & 0x80 ? EFLAGS_SF : 0) |
           (__builtin_parity(v) ? 0 : EFLAGS_PF);
}

static void set_flags(CpuState *env, uint64_t flags)
{
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = flags & EFLAGS_ARITH;
    env->cc_dst = 0;
    env->cc_src2 = 0;
}

static void set_al(CpuState *env, uint8_t al)
{
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffull) | al;
}

void helper_daa(CpuState *env)
{
    uint64_t f = cpu_cc_flags(env);
    uint8_t al = (uint8_t)env->regs[R_EAX], old_al = al;
    bool old_cf = f & EFLAGS_CF, cf = false, af = false;
    if ((al & 0xf) > 9 || (f & EFLAGS_AF)) {
        cf = old_cf || al > 0xff - 6;
        al = (uint8_t)(al + 6);
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al = (uint8_t)(al + 0x60);
        cf = true;
    } else {
        cf = false;
    }
    set_al(env, al);
    set_flags(env, szp_of_byte(al) | (cf ? EFLAGS_CF : 0) | (af ? EFLAGS_AF : 0));
}

void helper_das(CpuState *env)
{
    uint64_t f = cpu_cc_flags(env);
    uint8_t al = (uint8_t)env->regs[R_EAX], old_al = al;
    bool old_cf = f & EFLAGS_CF, cf = false, af = false;
    if ((al & 0xf) > 9 || (f & EFLAGS_AF)) {
        cf = old_cf || al < 6;
        al = (uint8_t)(al - 6);
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        al = (uint8_t)(al - 0x60);
        cf = true;
    }
    set_al(env, al);
    set_flags(env, szp_of_byte(al) | (cf ? EFLAGS_CF : 0) | (af ? EFLAGS_AF : 0));
}

void helper_aaa(CpuState *env)
{
    uint64_t f = cpu_cc_flags(env);
    uint16_t ax = (uint16_t)env->regs[R_EAX];
    bool adjust = (ax & 0xf) > 9 || (f & EFLAGS_AF);
    if (adjust) {
        ax = (uint16_t)(ax + 0x106);
    }
    ax &= 0xff0f;
    set_low16(env, R_EAX, ax);
    set_flags(env, szp_of_byte((uint8_t)ax) | (adjust ? EFLAGS_CF | EFLAGS_AF : 0));
}

void helper_aas(CpuState *env)
{
    uint64_t f = cpu_cc_flags(env);
    uint16_t ax = (uint16_t)env->regs[R_EAX];
    bool adjust = (ax & 0xf) > 9 || (f & EFLAGS_AF);
    if (adjust) {
        ax = (uint16_t)(ax - 6);
        ax = (uint16_t)(ax - 0x100);
    }
    ax &= 0xff0f;
    set_low16(env, R_EAX, ax);
    set_flags(env, szp_of_byte((uint8_t)ax) | (adjust ? EFLAGS_CF | EFLAGS_AF : 0));
}

void helper_aam(CpuState *env, uint32_t base)
{
    base &= 0xff;
    if (base == 0) {
        cpu_raise_exception(env, EXC_DE);
    }
    uint8_t al = (uint8_t)env->regs[R_EAX];
    uint8_t q = (uint8_t)(al / base), r = (uint8_t)(al % base);
    set_low16(env, R_EAX, (uint64_t)q << 8 | r);
    set_flags(env, szp_of_byte(r));
}

void helper_aad(CpuState *env, uint32_t base)
{
    uint8_t al = (uint8_t)env->regs[R_EAX], ah = (uint8_t)(env->regs[R_EAX] >> 8);
    uint8_t r = (uint8_t)(al + ah * (base & 0xff));
    set_low16(env, R_EAX, r);
    set_flags(env, szp_of_byte(r));
}
