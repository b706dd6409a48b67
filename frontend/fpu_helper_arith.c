/*
 * fpu_helper_arith.c — x87 arithmetic and comparisons on the register
 * stack and with memory operands (SDM Vol. 2A FADD ... FDIVR, FCOM, FUCOM,
 * FICOM, FCOMI, FTST, FXAM, FCHS, FABS, FSQRT, FRNDINT, FSCALE, FXTRACT,
 * FPREM, FPREM1), on top of softfloat.h.
 *
 * Each follows the same order: the pending-exception check, the stack
 * checks (an empty operand is a stack underflow: masked, the destination
 * gets the QNaN indefinite and the pops happen; unmasked, nothing changes),
 * the operation, then either nothing but the status (an unmasked IE, DE
 * or ZE: SDM Vol. 1 8.7.1) or the result, the pops and the status.
 */
#include "frontend/fpu_helpers.h"
#include "frontend/helper_desc.h"

HELPER(fpu_arith, IR_VOID, NO_WG, IR_I32);
HELPER(fpu_arith_mem, IR_VOID, NO_WG, IR_I32, IR_I64);
HELPER(fpu_compare, IR_I64, NO_WG, IR_I32, IR_I64);
HELPER(fpu_op, IR_VOID, NO_WG, IR_I32);

#define PRE_FLAGS (SF_IE | SF_DE | SF_ZE)

static Float80 binary(SfStatus *st, unsigned op, Float80 a, Float80 b)
{
    switch (op) {
    case FPU_ADD:
        return f80_add(st, a, b);
    case FPU_MUL:
        return f80_mul(st, a, b);
    case FPU_SUB:
        return f80_sub(st, a, b);
    case FPU_SUBR:
        return f80_sub(st, b, a);
    case FPU_DIV:
        return f80_div(st, a, b);
    default: /* FPU_DIVR */
        return f80_div(st, b, a);
    }
}

/* Store r to ST(d) (pop after) unless an unmasked pre-computation
 * exception stops the instruction; the status either way. */
static void finish(CpuState *env, const SfStatus *st, unsigned d, Float80 r, bool pop)
{
    if (fpu_unmasked_pre(env, st->flags)) {
        fpu_raise(env, st->flags & PRE_FLAGS);
        return;
    }
    fpu_set(env, d, r);
    if (pop) {
        fpu_pop(env);
    }
    fpu_raise(env, st->flags);
}

void helper_fpu_arith(CpuState *env, uint32_t desc)
{
    unsigned op = desc & 7, d = (desc >> 4) & 7, s = (desc >> 8) & 7;
    bool pop = (desc & FPU_POP) != 0;
    fpu_check_pending(env);
    if (fpu_is_empty(env, d) || fpu_is_empty(env, s)) {
        if (fpu_stack_fault(env, false)) {
            fpu_set(env, d, f80_indefinite());
            if (pop) {
                fpu_pop(env);
            }
        }
        return;
    }
    SfStatus st = fpu_status(env);
    Float80 r = binary(&st, op, fpu_get(env, d), fpu_get(env, s));
    finish(env, &st, d, r, pop);
}

/*
 * A memory operand as double-extended: integers exactly; single and
 * double exactly too, an SNaN left signalling for the operation's NaN
 * rules, *denormal set for a denormal (its DE ranks below IE and ZE).
 */
static Float80 mem_operand(unsigned type, uint64_t bits, bool *denormal)
{
    *denormal = false;
    switch (type) {
    case FPU_M32FP:
        return f80_widen_f32((uint32_t)bits, denormal);
    case FPU_M64FP:
        return f80_widen_f64(bits, denormal);
    case FPU_M16INT:
        return f80_from_int((int16_t)bits);
    default: /* FPU_M32INT */
        return f80_from_int((int32_t)bits);
    }
}

void helper_fpu_arith_mem(CpuState *env, uint32_t desc, uint64_t bits)
{
    unsigned op = desc & 7, type = (desc >> 4) & 7;
    fpu_check_pending(env);
    if (fpu_is_empty(env, 0)) {
        if (fpu_stack_fault(env, false)) {
            fpu_set(env, 0, f80_indefinite());
        }
        return;
    }
    bool denormal;
    Float80 m = mem_operand(type, bits, &denormal);
    SfStatus st = fpu_status(env);
    Float80 a = fpu_get(env, 0);
    Float80 r = binary(&st, op, a, m);
    /* the operand's DE ranks below IE, ZE and a QNaN operand (SDM Vol. 1 4.9.2) */
    if (denormal && !(st.flags & (SF_IE | SF_ZE)) && !f80_is_nan(a)) {
        st.flags |= SF_DE;
    }
    finish(env, &st, 0, r, false);
}

/* ---- comparisons --------------------------------------------------------------- */

uint64_t helper_fpu_compare(CpuState *env, uint32_t desc, uint64_t bits)
{
    /* C3, C2, C0 and ZF, PF, CF for less, equal, greater, unordered
     * (SDM Vol. 2A FCOM Table 3-21, FCOMI Table 3-22) */
    static const uint16_t cc[4] = {SF_C0, SF_C3, 0, SF_C3 | SF_C2 | SF_C0};
    static const uint64_t ef[4] = {EFLAGS_CF, EFLAGS_ZF, 0, EFLAGS_ZF | EFLAGS_PF | EFLAGS_CF};
    unsigned i = desc & 7, pops = (desc >> 8) & 3;
    fpu_check_pending(env);

    SfRelation rel;
    SfStatus st = fpu_status(env);
    bool underflow =
        fpu_is_empty(env, 0) || (!(desc & (FPU_CMP_MEM | FPU_CMP_ZERO)) && fpu_is_empty(env, i));
    if (underflow) {
        st.flags = SF_IE | FSW_SF;
        rel = SF_UNORDERED;
    } else {
        Float80 b;
        bool denormal = false;
        if (desc & FPU_CMP_ZERO) {
            b = f80_make(false, 0, 0);
        } else if (desc & FPU_CMP_MEM) {
            b = mem_operand((desc >> 4) & 7, bits, &denormal);
        } else {
            b = fpu_get(env, i);
        }
        rel = f80_compare(&st, fpu_get(env, 0), b, (desc & FPU_CMP_UNORDERED) != 0);
        if (denormal && !(st.flags & SF_IE)) {
            st.flags |= SF_DE;
        }
    }
    /* The condition codes are set even when an unmasked exception stops
     * the pops (as the AMD processors checked do; the SDM says FCOMI leaves EFLAGS then). */
    uint64_t result = 0;
    if (desc & FPU_CMP_EFLAGS) {
        result = ef[rel];
    } else {
        env->fpu.fsw = (uint16_t)((env->fpu.fsw & ~(SF_C0 | SF_C2 | SF_C3)) | cc[rel]);
    }
    bool stop = fpu_unmasked_pre(env, st.flags);
    if (underflow || !(desc & FPU_CMP_EFLAGS)) {
        fpu_raise(env, st.flags); /* C1 = 0 */
    } else {
        fpu_raise_keep_c1(env, st.flags); /* FCOMI leaves C1 (as the AMD processors checked do) */
    }
    if (!stop) {
        for (unsigned k = 0; k < pops; k++) {
            fpu_pop(env);
        }
    }
    return result;
}

/* ---- operations on ST(0) ---------------------------------------------------------- */

/* FXAM's class in C3, C2, C0 and the sign in C1 (SDM Vol. 2A FXAM Table 3-45). */
static void fxam(CpuState *env)
{
    Float80 a = fpu_get(env, 0);
    uint16_t c;
    if (fpu_is_empty(env, 0)) {
        c = SF_C3 | SF_C0;
    } else {
        switch (f80_classify(a)) {
        case F80_UNSUPPORTED:
            c = 0;
            break;
        case F80_QNAN:
        case F80_SNAN:
            c = SF_C0;
            break;
        case F80_NORMAL:
            c = SF_C2;
            break;
        case F80_INF:
            c = SF_C2 | SF_C0;
            break;
        case F80_ZERO:
            c = SF_C3;
            break;
        default: /* F80_DENORMAL */
            c = SF_C3 | SF_C2;
            break;
        }
    }
    if (f80_sign(a)) {
        c |= SF_C1;
    }
    env->fpu.fsw = (uint16_t)((env->fpu.fsw & ~FSW_CC) | c);
}

/* Operations reading ST(0) only and writing it back. */
static void unary(CpuState *env, unsigned op)
{
    if (fpu_is_empty(env, 0)) {
        if (fpu_stack_fault(env, false)) {
            fpu_set(env, 0, f80_indefinite());
        }
        return;
    }
    Float80 a = fpu_get(env, 0), r;
    SfStatus st = fpu_status(env);
    switch (op) {
    case FPU_OP_CHS:
        r = a;
        r.sign_exp ^= 0x8000;
        break;
    case FPU_OP_ABS:
        r = a;
        r.sign_exp &= 0x7fff;
        break;
    case FPU_OP_SQRT:
        r = f80_sqrt(&st, a);
        break;
    default: /* FPU_OP_RNDINT */
        r = f80_round_int(&st, a);
        break;
    }
    finish(env, &st, 0, r, false);
}

/* FSCALE, FPREM, FPREM1: ST(0) = f(ST(0), ST(1)). */
static void with_st1(CpuState *env, unsigned op)
{
    if (fpu_is_empty(env, 0) || fpu_is_empty(env, 1)) {
        if (op != FPU_OP_SCALE) {
            env->fpu.fsw &= (uint16_t)~SF_C2; /* FPREM: "complete" */
        }
        if (fpu_stack_fault(env, false)) {
            fpu_set(env, 0, f80_indefinite());
        }
        return;
    }
    SfStatus st = fpu_status(env);
    Float80 a = fpu_get(env, 0), b = fpu_get(env, 1), r;
    if (op == FPU_OP_SCALE) {
        r = f80_scale(&st, a, b);
        finish(env, &st, 0, r, false);
        return;
    }
    uint16_t cc;
    r = f80_rem(&st, a, b, op == FPU_OP_PREM1, &cc);
    if (fpu_unmasked_pre(env, st.flags)) {
        env->fpu.fsw &= (uint16_t)~SF_C2;
        fpu_raise(env, st.flags & PRE_FLAGS);
        return;
    }
    fpu_set(env, 0, r);
    if (cc & SF_REM_NO_QUOTIENT) {
        env->fpu.fsw &= (uint16_t)~SF_C2;
        cc = 0;
    } else {
        env->fpu.fsw = (uint16_t)((env->fpu.fsw & ~FSW_CC) | cc);
    }
    fpu_raise(env, (uint16_t)((st.flags & ~SF_C1) | (cc & SF_C1)));
}

/* FXTRACT: ST(0) = exponent, then push the significand. */
static void xtract(CpuState *env)
{
    if (fpu_is_empty(env, 0)) {
        /* the underflow wins over a full stack: both results indefinite */
        if (fpu_stack_fault(env, false)) {
            fpu_set(env, 0, f80_indefinite());
            fpu_push(env, f80_indefinite());
        }
        return;
    }
    if (!fpu_is_empty(env, 7)) {
        if (fpu_stack_fault(env, true)) {
            fpu_set(env, 0, f80_indefinite());
            fpu_push(env, f80_indefinite());
        }
        return;
    }
    SfStatus st = fpu_status(env);
    Float80 e, m;
    f80_xtract(&st, fpu_get(env, 0), &e, &m);
    if (fpu_unmasked_pre(env, st.flags)) {
        fpu_raise(env, st.flags & PRE_FLAGS);
        return;
    }
    fpu_set(env, 0, e);
    fpu_push(env, m);
    fpu_raise(env, st.flags);
}

void helper_fpu_op(CpuState *env, uint32_t op)
{
    fpu_check_pending(env);
    switch (op) {
    case FPU_OP_CHS:
    case FPU_OP_ABS:
    case FPU_OP_SQRT:
    case FPU_OP_RNDINT:
        unary(env, op);
        return;
    case FPU_OP_XAM:
        fxam(env);
        return;
    case FPU_OP_SCALE:
    case FPU_OP_PREM:
    case FPU_OP_PREM1:
        with_st1(env, op);
        return;
    case FPU_OP_XTRACT:
        xtract(env);
        return;
    default:
        fpu_transcendental(env, op);
        return;
    }
}
