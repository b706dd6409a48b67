/*
 * fpu_helper.c — the x87's status and stack machinery (SDM Vol. 1 8.1,
 * 8.5.1.1, 8.6, 8.7): pending exceptions and #MF, the exception summary,
 * stack faults, FNINIT/FNCLEX/FLDCW, and the register-stack instructions
 * that do no arithmetic (FLD/FST/FSTP ST(i), FXCH, FFREE, FINCSTP, FDECSTP,
 * the constants, FCMOVcc).
 *
 * What the SDM leaves undefined (C0, C2, C3 after most instructions)
 * keeps its value, as the (AMD) processors checked by tests/unit/x87_test.c do.
 */
#include "frontend/fpu_helpers.h"
#include "frontend/helper_desc.h"
#include "frontend/helpers_internal.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

HELPER0(fpu_pending, IR_VOID, NO_WG);
HELPER0(fninit, IR_VOID, IR_HELPER_NO_READ_GLOBALS | NO_WG | NO_FAULT);
HELPER0(fnclex, IR_VOID, IR_HELPER_NO_READ_GLOBALS | NO_WG | NO_FAULT);
HELPER(fldcw, IR_VOID, NO_WG, IR_I32);
HELPER(fpu_stack, IR_VOID, NO_WG, IR_I32);
HELPER(fcmov, IR_VOID, NO_WG, IR_I32, IR_I32);

/* ---- status ------------------------------------------------------------------ */

bool fpu_stack_fault(CpuState *env, bool overflow)
{
    fpu_raise(env, SF_IE | FSW_SF | (overflow ? SF_C1 : 0));
    return (env->fpu.fcw & SF_IE) != 0;
}

/*
 * Said once per process, like translate.c's "not implemented" notes: the
 * one piece of file-scope state here, a diagnostic shared by all vCPUs.
 */
static _Atomic bool ferr_said;

void fpu_pending_slow(CpuState *env)
{
    if (env->cr[0] & CR0_NE) {
        cpu_raise_exception(env, EXC_MF); /* SDM Vol. 1 8.7.1 */
    }
    /* CR0.NE = 0 asks for the PC-style report through FERR# and IRQ 13
     * (SDM Vol. 1 8.7.2, Appendix D), which rx86 does not model yet. */
    if (!atomic_exchange(&ferr_said, true)) {
        fprintf(stderr, "rx86: not implemented yet: x87 exception reporting with CR0.NE = 0 "
                        "(FERR#/IRQ 13); the pending exception is ignored\n");
    }
}

void helper_fpu_pending(CpuState *env)
{
    fpu_check_pending(env);
}

void fpu_reset_state(CpuState *env)
{
    X87State *f = &env->fpu;
    f->fcw = FCW_INIT;
    f->fsw = 0;
    f->top = 0;
    f->ftw = 0;
    f->fop = 0;
    f->fcs = f->fds = 0;
    f->fip = f->fdp = 0;
}

unsigned fpu_full_tag(const CpuState *env, unsigned p)
{
    if (!((env->fpu.ftw >> p) & 1)) {
        return 3; /* empty */
    }
    switch (f80_classify(env->fpu.st[p])) {
    case F80_NORMAL:
        return 0; /* valid */
    case F80_ZERO:
        return 1;
    default:
        return 2; /* special: NaN, infinity, denormal, unsupported */
    }
}

/* ---- control -------------------------------------------------------------------- */

void helper_fninit(CpuState *env)
{
    fpu_reset_state(env);
}

void helper_fnclex(CpuState *env)
{
    env->fpu.fsw &= (uint16_t) ~(SF_EXC_MASK | FSW_SF | FSW_ES | FSW_B);
}

void helper_fldcw(CpuState *env, uint32_t cw)
{
    fpu_check_pending(env);
    env->fpu.fcw = (uint16_t)((cw & FCW_WRITABLE) | FCW_ALWAYS);
    fpu_update_es(env); /* unmasking a raised flag makes it pending */
}

/* ---- the register stack ------------------------------------------------------------ */

/* Push v, or the stack-overflow response when ST(7) is in use. */
static void push_checked(CpuState *env, Float80 v)
{
    if (!fpu_is_empty(env, 7)) {
        if (fpu_stack_fault(env, true)) {
            fpu_push(env, f80_indefinite());
        }
        return;
    }
    fpu_push(env, v);
    fpu_raise(env, 0);
}

void helper_fpu_stack(CpuState *env, uint32_t desc)
{
    unsigned i = (desc >> 8) & 7;
    fpu_check_pending(env);
    switch (desc & 0xff) {
    case FPU_STK_LD:
        if (fpu_is_empty(env, i)) {
            /* the underflow wins over a full stack: C1 = 0, the
             * indefinite pushed over whatever ST(7) held */
            if (fpu_stack_fault(env, false)) {
                fpu_push(env, f80_indefinite());
            }
            return;
        }
        push_checked(env, fpu_get(env, i));
        return;
    case FPU_STK_ST:
    case FPU_STK_STP:
        if (fpu_is_empty(env, 0)) {
            if (!fpu_stack_fault(env, false)) {
                return;
            }
            fpu_set(env, i, f80_indefinite());
        } else {
            fpu_set(env, i, fpu_get(env, 0));
            fpu_raise(env, 0);
        }
        if ((desc & 0xff) == FPU_STK_STP) {
            fpu_pop(env);
        }
        return;
    case FPU_STK_XCH: {
        bool fault = fpu_is_empty(env, 0) || fpu_is_empty(env, i);
        if (fault) {
            /* masked: the empty ones take the indefinite, then swap */
            if (!fpu_stack_fault(env, false)) {
                return;
            }
            if (fpu_is_empty(env, 0)) {
                fpu_set(env, 0, f80_indefinite());
            }
            if (fpu_is_empty(env, i)) {
                fpu_set(env, i, f80_indefinite());
            }
        }
        Float80 a = fpu_get(env, 0), b = fpu_get(env, i);
        fpu_set(env, 0, b);
        fpu_set(env, i, a);
        if (!fault) {
            fpu_raise(env, 0);
        }
        return;
    }
    case FPU_STK_FREE:
        env->fpu.ftw &= (uint8_t) ~(1u << fpu_phys(env, i));
        fpu_raise(env, 0); /* C1 = 0 (as the AMD processors checked do) */
        return;
    case FPU_STK_FREEP:
        env->fpu.ftw &= (uint8_t) ~(1u << fpu_phys(env, i));
        fpu_pop(env);
        fpu_raise(env, 0); /* C1 = 0, as after FINCSTP */
        return;
    case FPU_STK_STP1:
        /* the FSTP1 alias (D9 D8+i) checks no stack underflow: from an
         * empty ST(0) it only pops (as the AMD processors checked do) */
        if (!fpu_is_empty(env, 0)) {
            fpu_set(env, i, fpu_get(env, 0));
        }
        fpu_pop(env);
        fpu_raise(env, 0);
        return;
    case FPU_STK_INCSTP:
        env->fpu.top = (env->fpu.top + 1) & 7;
        fpu_raise(env, 0);
        return;
    case FPU_STK_DECSTP:
        env->fpu.top = (env->fpu.top - 1) & 7;
        fpu_raise(env, 0);
        return;
    case FPU_STK_LDCONST:
        push_checked(env, f80_constant(i, (env->fpu.fcw >> FCW_RC_SHIFT) & 3));
        return;
    default: /* FPU_STK_NOP */
        return;
    }
}

void helper_fcmov(CpuState *env, uint32_t i, uint32_t cond)
{
    fpu_check_pending(env);
    i &= 7;
    if (fpu_is_empty(env, 0) || fpu_is_empty(env, i)) {
        /* checked whatever the condition; masked: ST(0) = indefinite */
        if (fpu_stack_fault(env, false)) {
            fpu_set(env, 0, f80_indefinite());
        }
        return;
    }
    if (cond) {
        fpu_set(env, 0, fpu_get(env, i));
    }
    /* C1 keeps its value (undefined in the SDM) */
}

/* ---- state images in guest memory ---------------------------------------------- */

static uint64_t image_addr(const CpuState *env, uint64_t la, unsigned off)
{
    uint64_t a = la + off;
    return (env->hflags & HF_CS64) ? a : (a & 0xffffffffu);
}

static unsigned piece(unsigned left)
{
    return left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
}

void fpu_image_store(CpuState *env, uint64_t la, const uint8_t *buf, unsigned from, unsigned to)
{
    unsigned mmu = cpu_mmu_index(env);
    for (unsigned off = from; off < to;) {
        unsigned n = piece(to - off);
        uint64_t v = 0;
        memcpy(&v, buf + off, n);
        cpu_st(env, image_addr(env, la, off), v, n, mmu);
        off += n;
    }
}

void fpu_image_load(CpuState *env, uint64_t la, uint8_t *buf, unsigned from, unsigned to)
{
    unsigned mmu = cpu_mmu_index(env);
    for (unsigned off = from; off < to;) {
        unsigned n = piece(to - off);
        uint64_t v = cpu_ld(env, image_addr(env, la, off), n, mmu);
        memcpy(buf + off, &v, n);
        off += n;
    }
}
