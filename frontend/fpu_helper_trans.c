/*
 * fpu_helper_trans.c — the stack side of the x87 transcendental
 * instructions (SDM Vol. 2A F2XM1, FYL2X, FYL2XP1, FPATAN, FPTAN, FSIN,
 * FCOS, FSINCOS); the functions themselves are softfloat_trans.c.
 *
 * FSIN, FCOS, FSINCOS and FPTAN set C2 when |ST(0)| >= 2^63 and then
 * change nothing else (the operand must be reduced first, with FPREM);
 * otherwise C2 is cleared. FPTAN pushes 1.0 after the tangent, FSINCOS
 * the cosine after replacing ST(0) with the sine.
 */
#include "frontend/fpu_helpers.h"

#define PRE_FLAGS (SF_IE | SF_DE | SF_ZE)

static void set_c2(CpuState *env, bool c2)
{
    env->fpu.fsw = (uint16_t)((env->fpu.fsw & ~SF_C2) | (c2 ? SF_C2 : 0));
}

/* ST(1) = f(ST(0), ST(1)), then pop: FYL2X, FYL2XP1, FPATAN. */
static void binary_pop(CpuState *env, unsigned op)
{
    if (fpu_is_empty(env, 0) || fpu_is_empty(env, 1)) {
        if (fpu_stack_fault(env, false)) {
            fpu_set(env, 1, f80_indefinite());
            fpu_pop(env);
        }
        return;
    }
    SfStatus st = fpu_status(env);
    Float80 x = fpu_get(env, 0), y = fpu_get(env, 1), r;
    if (op == FPU_OP_YL2X) {
        r = f80_fyl2x(&st, x, y);
    } else if (op == FPU_OP_YL2XP1) {
        r = f80_fyl2xp1(&st, x, y);
    } else {
        r = f80_fpatan(&st, x, y);
    }
    if (fpu_unmasked_pre(env, st.flags)) {
        fpu_raise(env, st.flags & PRE_FLAGS);
        return;
    }
    fpu_set(env, 1, r);
    fpu_pop(env);
    fpu_raise(env, st.flags);
}

/* FSIN, FCOS, FSINCOS, FPTAN. */
static void trig(CpuState *env, unsigned op)
{
    bool pushes = op == FPU_OP_SINCOS || op == FPU_OP_PTAN;
    if (fpu_is_empty(env, 0) || (pushes && !fpu_is_empty(env, 7))) {
        set_c2(env, false); /* a stack fault clears C2 too */
    }
    if (fpu_is_empty(env, 0)) {
        /* as FXTRACT: the underflow wins over a full stack */
        if (fpu_stack_fault(env, false)) {
            fpu_set(env, 0, f80_indefinite());
            if (pushes) {
                fpu_push(env, f80_indefinite());
            }
        }
        return;
    }
    if (pushes && !fpu_is_empty(env, 7)) {
        if (fpu_stack_fault(env, true)) {
            fpu_set(env, 0, f80_indefinite());
            fpu_push(env, f80_indefinite());
        }
        return;
    }
    SfStatus st = fpu_status(env);
    Float80 a = fpu_get(env, 0), r0, r1;
    bool in_range;
    if (op == FPU_OP_PTAN) {
        in_range = f80_tan(&st, a, &r0);
        r1 = f80_make(false, F80_BIAS, F80_J);
    } else {
        Float80 s = f80_indefinite(), c = s;
        in_range = f80_sincos(&st, a, op == FPU_OP_COS ? NULL : &s, op == FPU_OP_SIN ? NULL : &c);
        r0 = op == FPU_OP_COS ? c : s;
        r1 = c;
    }
    if (!in_range) {
        set_c2(env, true);
        return;
    }
    set_c2(env, false);
    if (fpu_unmasked_pre(env, st.flags)) {
        fpu_raise(env, st.flags & PRE_FLAGS);
        return;
    }
    fpu_set(env, 0, r0);
    if (pushes) {
        /* FPTAN of a NaN pushes the NaN too (SDM Vol. 2A FPTAN) */
        if (op == FPU_OP_PTAN && f80_is_nan(r0)) {
            r1 = r0;
        }
        fpu_push(env, r1);
    }
    fpu_raise(env, st.flags);
}

void fpu_transcendental(CpuState *env, unsigned op)
{
    switch (op) {
    case FPU_OP_F2XM1: {
        if (fpu_is_empty(env, 0)) {
            if (fpu_stack_fault(env, false)) {
                fpu_set(env, 0, f80_indefinite());
            }
            return;
        }
        SfStatus st = fpu_status(env);
        Float80 r = f80_f2xm1(&st, fpu_get(env, 0));
        if (fpu_unmasked_pre(env, st.flags)) {
            fpu_raise(env, st.flags & PRE_FLAGS);
            return;
        }
        fpu_set(env, 0, r);
        fpu_raise(env, st.flags);
        return;
    }
    case FPU_OP_YL2X:
    case FPU_OP_YL2XP1:
    case FPU_OP_PATAN:
        binary_pop(env, op);
        return;
    default:
        trig(env, op);
        return;
    }
}
