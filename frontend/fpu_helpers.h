/*
 * fpu_helpers.h — the C helpers behind the x87 instructions (lifted by
 * frontend/lift_x87.c) and the XSAVE family, and what the fpu_helper*.c
 * files share among themselves.
 *
 * The lifter's side of the contract (SDM Vol. 1 ch. 8 for the rules):
 *   - #NM (CR0.EM / CR0.TS) is decided at translation time from hflags.
 *   - A waiting instruction first raises a pending unmasked exception
 *     (#MF with CR0.NE = 1): helpers without a memory operand check it
 *     themselves; the lifter checks FSW.ES inline before the loads of an
 *     instruction with one, calling helper_fpu_pending.
 *   - Memory operands are loaded (QLD) before the helper that changes FPU
 *     state and passed as raw bits. Stores go in three steps: a helper
 *     computes the value without changing state (into env->xmm_tmp, the
 *     per-instruction scratch) and says whether it is stored at all, the
 *     lifter stores it (QST), then a helper commits the status and pops.
 *     A #PF thus leaves the FPU as it was.
 *   - FIP, FCS, FOP (and FDP, FDS for memory operands) are written by the
 *     lifted code after the helper, for every non-control instruction.
 *   - Helpers that save or restore whole images (FNSTENV, FLDENV, FNSAVE,
 *     FRSTOR, FXSAVE, FXRSTOR, XSAVE, XRSTOR) access memory themselves,
 *     every load before any change to the state.
 * None of these helpers writes an IR global; FCOMI's new flags come back
 * as a value the lifter records (lift_flags_eflags).
 */
#ifndef RX86_FRONTEND_FPU_HELPERS_H
#define RX86_FRONTEND_FPU_HELPERS_H

#include "frontend/cpu.h"
#include "frontend/helpers.h"
#include "frontend/softfloat.h"

#include <stdbool.h>
#include <stdint.h>

/* FSW bits beyond the flags and condition codes (SDM Vol. 1 8.1.3). */
#define FSW_SF 0x0040u /* stack fault */
#define FSW_ES 0x0080u /* exception summary */
#define FSW_TOP_SHIFT 11
#define FSW_B 0x8000u /* busy (mirrors ES) */
#define FSW_CC (SF_C0 | SF_C1 | SF_C2 | SF_C3)
/* FCW bits a load keeps: bit 6 reads as 1, bits 13-15 as 0 (as the AMD processors checked do). */
#define FCW_WRITABLE 0x1f3fu
#define FCW_ALWAYS 0x0040u
#define FCW_INIT 0x037fu
/* MXCSR bits FXRSTOR/XRSTOR/LDMXCSR accept (the MXCSR_MASK rx86 reports,
 * DAZ included); must match the SSE helpers' LDMXCSR. */
#define FPU_MXCSR_MASK 0x0000ffffu

/* x87 memory operand types (the helpers' raw-bits arguments). */
enum {
    FPU_M32FP,
    FPU_M64FP,
    FPU_M80FP,
    FPU_M16INT,
    FPU_M32INT,
    FPU_M64INT,
    FPU_M80BCD,
};

/* ---- pending exceptions, control (fpu_helper.c) -------------------------- */

/* void (): FWAIT, and the lifter's slow path when FSW.ES is set before an
 * instruction with a memory operand: #MF (CR0.NE = 1). */
void helper_fpu_pending(CpuState *env);
DECLARE_HELPER(fpu_pending);
/* void (): FNINIT, FNCLEX (no pending check: the no-wait forms). */
void helper_fninit(CpuState *env);
void helper_fnclex(CpuState *env);
DECLARE_HELPER(fninit);
DECLARE_HELPER(fnclex);
/* void (cw i32): FLDCW (loaded by the lifter); ES follows the new masks. */
void helper_fldcw(CpuState *env, uint32_t cw);
DECLARE_HELPER(fldcw);

/*
 * void (desc i32): the register-stack instructions without arithmetic.
 * desc = FPU_STK_* | i << 8 (the ST(i) operand, or the constant's index for
 * FPU_STK_LDCONST: softfloat.h f80_constant).
 */
enum {
    FPU_STK_LD,    /* FLD ST(i) */
    FPU_STK_ST,    /* FST ST(i) */
    FPU_STK_STP,   /* FSTP ST(i) */
    FPU_STK_XCH,   /* FXCH ST(i) */
    FPU_STK_FREE,  /* FFREE ST(i) */
    FPU_STK_FREEP, /* FFREEP ST(i) */
    FPU_STK_INCSTP,
    FPU_STK_DECSTP,
    FPU_STK_NOP,     /* FNOP: only the pending check */
    FPU_STK_LDCONST, /* FLD1 ... FLDZ */
    FPU_STK_STP1,    /* D9 D8+i: the undocumented FSTP1 alias */
};
void helper_fpu_stack(CpuState *env, uint32_t desc);
DECLARE_HELPER(fpu_stack);
/* void (i i32, cond i32): FCMOVcc ST(0), ST(i) with the condition already
 * evaluated by the lifter (0 or 1). */
void helper_fcmov(CpuState *env, uint32_t i, uint32_t cond);
DECLARE_HELPER(fcmov);

/* ---- arithmetic and comparisons (fpu_helper_arith.c) --------------------- */

/* Binary operations in D8-DE's ModRM.reg numbering. */
enum { FPU_ADD = 0, FPU_MUL = 1, FPU_SUB = 4, FPU_SUBR = 5, FPU_DIV = 6, FPU_DIVR = 7 };
/* void (desc i32): ST(d) = ST(d) op ST(s), then pop if asked.
 * desc = op | d << 4 | s << 8 | FPU_POP. */
#define FPU_POP 0x1000u
void helper_fpu_arith(CpuState *env, uint32_t desc);
DECLARE_HELPER(fpu_arith);
/* void (desc i32, bits i64): ST(0) = ST(0) op mem (FADD m32fp ... FIDIVR
 * m16int). desc = op | type << 4 (FPU_M32FP, FPU_M64FP, FPU_M16INT, FPU_M32INT). */
void helper_fpu_arith_mem(CpuState *env, uint32_t desc, uint64_t bits);
DECLARE_HELPER(fpu_arith_mem);

/*
 * i64 (desc i32, bits i64): FCOM/FCOMP/FCOMPP, FUCOM*, FICOM*, FTST,
 * FCOMI/FCOMIP/FUCOMI/FUCOMIP of ST(0) with ST(i), a memory operand (bits)
 * or 0.0. Sets C0/C2/C3, or for the EFLAGS forms returns ZF, PF and CF at
 * their EFLAGS positions (OF, SF, AF clear).
 * desc = i | FPU_CMP_* | type << 4 (for FPU_CMP_MEM) | pops << 8.
 */
#define FPU_CMP_UNORDERED 0x1000u /* FUCOM*: QNaNs do not raise IE */
#define FPU_CMP_EFLAGS 0x2000u    /* FCOMI*: the result goes to EFLAGS */
#define FPU_CMP_MEM 0x4000u       /* with the memory operand in bits */
#define FPU_CMP_ZERO 0x8000u      /* FTST: with +0.0 */
uint64_t helper_fpu_compare(CpuState *env, uint32_t desc, uint64_t bits);
DECLARE_HELPER(fpu_compare);

/*
 * void (op i32): the operations on ST(0) (and ST(1)) with their own stack
 * effects: FCHS FABS FXAM FSQRT FRNDINT FSCALE FXTRACT FPREM FPREM1, and
 * the transcendentals (fpu_helper_trans.c).
 */
enum {
    FPU_OP_CHS,
    FPU_OP_ABS,
    FPU_OP_XAM,
    FPU_OP_SQRT,
    FPU_OP_RNDINT,
    FPU_OP_SCALE,
    FPU_OP_XTRACT,
    FPU_OP_PREM,
    FPU_OP_PREM1,
    FPU_OP_F2XM1,
    FPU_OP_YL2X,
    FPU_OP_YL2XP1,
    FPU_OP_PTAN,
    FPU_OP_PATAN,
    FPU_OP_SIN,
    FPU_OP_COS,
    FPU_OP_SINCOS,
};
void helper_fpu_op(CpuState *env, uint32_t op);
DECLARE_HELPER(fpu_op);

/* ---- loads and stores (fpu_helper_mem.c) ---------------------------------- */

/* void (type i32, lo i64, hi i64): push a memory operand (FLD, FILD, FBLD);
 * hi holds bytes 8-9 of an 80-bit one. */
void helper_fpu_load(CpuState *env, uint32_t type, uint64_t lo, uint64_t hi);
DECLARE_HELPER(fpu_load);
/*
 * i32 (desc i32): the value FST/FSTP/FIST/FISTP/FISTTP/FBSTP stores, from
 * ST(0), into env->xmm_tmp (bytes 0-9), without changing the FPU; returns
 * 1 when it is to be stored, 0 when an unmasked exception suppresses the
 * store. helper_fpu_store_commit then sets the status and pops (unless
 * the store was suppressed). desc = type | FPU_ST_TRUNC | FPU_POP.
 */
#define FPU_ST_TRUNC 0x10u /* FISTTP: truncate whatever RC says */
uint32_t helper_fpu_store_value(CpuState *env, uint32_t desc);
void helper_fpu_store_commit(CpuState *env, uint32_t desc);
DECLARE_HELPER(fpu_store_value);
DECLARE_HELPER(fpu_store_commit);

/* ---- environment and state images (fpu_helper_env.c) --------------------- */

/*
 * void (la i64, desc i32): FNSTENV, FLDENV, FNSAVE, FRSTOR at linear
 * address la in the 14/94-byte (desc FPU_ENV_16) or 28/108-byte format,
 * real-mode layout with FPU_ENV_REAL (SDM Vol. 1 8.1.10, Figures 8-9 to
 * 8-12). FXSAVE/FXRSTOR with FPU_ENV_64 for the REX.W forms (64-bit FIP
 * and FDP) and FPU_ENV_XMM16 in 64-bit mode (XMM8-15).
 */
#define FPU_ENV_16 0x1u
#define FPU_ENV_REAL 0x2u
#define FPU_ENV_64 0x4u
#define FPU_ENV_XMM16 0x8u
void helper_fnstenv(CpuState *env, uint64_t la, uint32_t desc);
void helper_fldenv(CpuState *env, uint64_t la, uint32_t desc);
void helper_fnsave(CpuState *env, uint64_t la, uint32_t desc);
void helper_frstor(CpuState *env, uint64_t la, uint32_t desc);
void helper_fxsave(CpuState *env, uint64_t la, uint32_t desc);
void helper_fxrstor(CpuState *env, uint64_t la, uint32_t desc);
DECLARE_HELPER(fnstenv);
DECLARE_HELPER(fldenv);
DECLARE_HELPER(fnsave);
DECLARE_HELPER(frstor);
DECLARE_HELPER(fxsave);
DECLARE_HELPER(fxrstor);

/* ---- XSAVE (fpu_helper_xsave.c) ------------------------------------------- */

/* The state components rx86 has: x87 and SSE (SDM Vol. 1 13.1). */
#define XSTATE_X87 0x1ull
#define XSTATE_SSE 0x2ull
#define XSTATE_SUPPORTED (XSTATE_X87 | XSTATE_SSE)
/* The XSAVE area: the legacy region, then the 64-byte header. */
#define XSAVE_HEADER 512u
#define XSAVE_AREA_SIZE 576u

/* void (la i64, rfbm_req i64 = EDX:EAX, desc i32): XSAVE/XSAVEOPT and
 * XRSTOR (standard format; FPU_ENV_64 for the 64 forms, FPU_ENV_XMM16 in
 * 64-bit mode). #UD without CR4.OSXSAVE, #GP(0) on misalignment or a bad
 * header. */
void helper_xsave(CpuState *env, uint64_t la, uint64_t rfbm_req, uint32_t desc);
void helper_xrstor(CpuState *env, uint64_t la, uint64_t rfbm_req, uint32_t desc);
DECLARE_HELPER(xsave);
DECLARE_HELPER(xrstor);
/* i64 (ecx i32): XGETBV's EDX:EAX; void (ecx i32, value i64): XSETBV
 * (CPL 0, #GP(0) on an invalid value). Both #UD without CR4.OSXSAVE. */
uint64_t helper_xgetbv(CpuState *env, uint32_t ecx);
void helper_xsetbv(CpuState *env, uint32_t ecx, uint64_t value);
DECLARE_HELPER(xgetbv);
DECLARE_HELPER(xsetbv);

/* ---- shared by fpu_helper*.c ------------------------------------------------ */

static inline unsigned fpu_phys(const CpuState *env, unsigned i)
{
    return (env->fpu.top + i) & 7;
}
static inline bool fpu_is_empty(const CpuState *env, unsigned i)
{
    return !((env->fpu.ftw >> fpu_phys(env, i)) & 1);
}
static inline Float80 fpu_get(const CpuState *env, unsigned i)
{
    return env->fpu.st[fpu_phys(env, i)];
}
/* Write ST(i) and mark it valid. */
static inline void fpu_set(CpuState *env, unsigned i, Float80 v)
{
    unsigned p = fpu_phys(env, i);
    env->fpu.st[p] = v;
    env->fpu.ftw |= (uint8_t)(1u << p);
}
static inline void fpu_push(CpuState *env, Float80 v)
{
    env->fpu.top = (env->fpu.top - 1) & 7;
    fpu_set(env, 0, v);
}
static inline void fpu_pop(CpuState *env)
{
    env->fpu.ftw &= (uint8_t) ~(1u << env->fpu.top);
    env->fpu.top = (env->fpu.top + 1) & 7;
}
/* The softfloat status for an operation under the current FCW. */
static inline SfStatus fpu_status(const CpuState *env)
{
    return (SfStatus){.fcw = env->fpu.fcw, .flags = 0};
}
/* FSW as software reads it: TOP in bits 11-13. */
static inline uint16_t fpu_get_fsw(const CpuState *env)
{
    return (uint16_t)(env->fpu.fsw | (env->fpu.top & 7) << FSW_TOP_SHIFT);
}

/* The pending-exception check of a waiting instruction (#MF): the slow
 * part when FSW.ES is set. */
void fpu_pending_slow(CpuState *env);
static inline void fpu_check_pending(CpuState *env)
{
    if (env->fpu.fsw & FSW_ES) {
        fpu_pending_slow(env);
    }
}
/* Recompute ES and B from the flags and masks. */
static inline void fpu_update_es(CpuState *env)
{
    if (env->fpu.fsw & ~env->fpu.fcw & SF_EXC_MASK) {
        env->fpu.fsw |= FSW_ES | FSW_B;
    } else {
        env->fpu.fsw &= (uint16_t) ~(FSW_ES | FSW_B);
    }
}
/* Accumulate exception flags (SF_IE..SF_PE, FSW_SF) and set C1 as given
 * (flags & SF_C1), then ES/B. */
static inline void fpu_raise(CpuState *env, uint16_t flags)
{
    uint16_t fsw = env->fpu.fsw & (uint16_t)~SF_C1;
    env->fpu.fsw = fsw | (flags & (SF_EXC_MASK | FSW_SF | SF_C1));
    fpu_update_es(env);
}
/* The same with C1 left as it is. */
static inline void fpu_raise_keep_c1(CpuState *env, uint16_t flags)
{
    env->fpu.fsw |= flags & (SF_EXC_MASK | FSW_SF);
    fpu_update_es(env);
}
/* Whether flags hold an unmasked pre-computation exception (IE, DE, ZE):
 * the instruction then changes nothing but the status. */
static inline bool fpu_unmasked_pre(const CpuState *env, uint16_t flags)
{
    return (flags & ~env->fpu.fcw & (SF_IE | SF_DE | SF_ZE)) != 0;
}
/* A stack underflow (an empty operand) or overflow (a push onto a full
 * register): IE and SF, C1 = 1 for overflow (SDM Vol. 1 8.5.1.1). Returns
 * true when IE is masked (the masked response then goes ahead). */
bool fpu_stack_fault(CpuState *env, bool overflow);
/* FNINIT's state (SDM Vol. 2A FINIT/FNINIT): FCW 037FH, the rest 0, all
 * registers empty (their contents stay). */
void fpu_reset_state(CpuState *env);
/* The full two-bit tag of physical register p (SDM Vol. 1 8.1.7). */
unsigned fpu_full_tag(const CpuState *env, unsigned p);
/* Copy bytes [from, to) of a state image between buf and guest memory at
 * linear address la (wrapping at 4 GiB outside 64-bit mode), in pieces of
 * up to 8 bytes, with the current MMU index: faults are raised. */
void fpu_image_store(CpuState *env, uint64_t la, const uint8_t *buf, unsigned from, unsigned to);
void fpu_image_load(CpuState *env, uint64_t la, uint8_t *buf, unsigned from, unsigned to);

/* Little-endian fields of a state image. */
static inline void fpu_wr16(uint8_t *b, unsigned off, uint32_t v)
{
    b[off] = (uint8_t)v;
    b[off + 1] = (uint8_t)(v >> 8);
}
static inline void fpu_wr32(uint8_t *b, unsigned off, uint32_t v)
{
    fpu_wr16(b, off, v);
    fpu_wr16(b, off + 2, v >> 16);
}
static inline void fpu_wr64(uint8_t *b, unsigned off, uint64_t v)
{
    fpu_wr32(b, off, (uint32_t)v);
    fpu_wr32(b, off + 4, (uint32_t)(v >> 32));
}
static inline uint32_t fpu_rd16(const uint8_t *b, unsigned off)
{
    return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8;
}
static inline uint32_t fpu_rd32(const uint8_t *b, unsigned off)
{
    return fpu_rd16(b, off) | fpu_rd16(b, off + 2) << 16;
}
static inline uint64_t fpu_rd64(const uint8_t *b, unsigned off)
{
    return fpu_rd32(b, off) | (uint64_t)fpu_rd32(b, off + 4) << 32;
}
static inline void fpu_wr_f80(uint8_t *b, unsigned off, Float80 v)
{
    fpu_wr64(b, off, v.mant);
    fpu_wr16(b, off + 8, v.sign_exp);
}
static inline Float80 fpu_rd_f80(const uint8_t *b, unsigned off)
{
    return (Float80){.mant = fpu_rd64(b, off), .sign_exp = (uint16_t)fpu_rd16(b, off + 8)};
}

/* The transcendental operations of helper_fpu_op (fpu_helper_trans.c). */
void fpu_transcendental(CpuState *env, unsigned op);

#endif
