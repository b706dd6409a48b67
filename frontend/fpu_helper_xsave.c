/*
 * fpu_helper_xsave.c — FXSAVE/FXRSTOR (SDM Vol. 2A FXSAVE, Tables 3-53 to
 * 3-56) and the XSAVE feature set for its first two state components, x87
 * and SSE (SDM Vol. 1 ch. 13: XSAVE, XSAVEOPT, XRSTOR in the standard
 * format, XGETBV, XSETBV).
 *
 * Both share the 512-byte legacy region: FCW, FSW, the abridged tag word,
 * FOP, FIP, FDP (32-bit with selectors, or 64-bit for the REX.W forms),
 * MXCSR and MXCSR_MASK, ST0-ST7 in 16-byte slots, XMM0-7 (XMM0-15 in
 * 64-bit mode). The x87 component is bytes 0-23 and 32-159, SSE bytes
 * 24-31 and 160-415 (13.4.1).
 *
 * Saves write memory only (nothing in the CPU changes); restores read the
 * whole image and check it before changing anything, so a fault (#PF,
 * #GP for MXCSR or the header) leaves the state as it was.
 */
#include "frontend/fpu_helpers.h"
#include "frontend/helper_desc.h"
#include "frontend/helpers_internal.h"

#include <string.h>

HELPER(fxsave, IR_VOID, NO_WG, IR_I64, IR_I32);
HELPER(fxrstor, IR_VOID, NO_WG, IR_I64, IR_I32);
HELPER(xsave, IR_VOID, NO_WG, IR_I64, IR_I64, IR_I32);
HELPER(xrstor, IR_VOID, NO_WG, IR_I64, IR_I64, IR_I32);
HELPER(xgetbv, IR_I64, NO_WG, IR_I32);
HELPER(xsetbv, IR_VOID, NO_WG, IR_I32, IR_I64);

#define CR4_OSFXSR_BIT (1ull << 9)
#define CR4_OSXSAVE_BIT (1ull << 18)

static unsigned xmm_count(uint32_t desc)
{
    return (desc & FPU_ENV_XMM16) ? 16 : 8;
}

/* ---- the legacy region ---------------------------------------------------------- */

/* The x87 part of the legacy region (bytes 0-23, 32-159). */
static void x87_image(const CpuState *env, uint32_t desc, uint8_t *b)
{
    const X87State *f = &env->fpu;
    fpu_wr16(b, 0, f->fcw);
    fpu_wr16(b, 2, fpu_get_fsw(env));
    b[4] = f->ftw;
    b[5] = 0;
    memset(b + 6, 0, 18);
    /*
     * The pointers and the opcode are saved only while an exception is
     * pending (FSW.ES), zeros otherwise: what AMD processors do (AMD APM
     * Vol. 4 FXSAVE; checked against the host in x87_test.c), and rx86's
     * CPUID says AuthenticAMD.
     */
    if (f->fsw & FSW_ES) {
        fpu_wr16(b, 6, f->fop & 0x7ff);
        if (desc & FPU_ENV_64) {
            fpu_wr64(b, 8, f->fip);
            fpu_wr64(b, 16, f->fdp);
        } else {
            fpu_wr32(b, 8, (uint32_t)f->fip);
            fpu_wr16(b, 12, f->fcs);
            fpu_wr32(b, 16, (uint32_t)f->fdp);
            fpu_wr16(b, 20, f->fds);
        }
    }
    for (unsigned i = 0; i < 8; i++) {
        memset(b + 32 + 16 * i, 0, 16); /* the reserved bytes are written as zeros */
        fpu_wr_f80(b, 32 + 16 * i, fpu_get(env, i));
    }
}

static void x87_load(CpuState *env, uint32_t desc, const uint8_t *b)
{
    X87State *f = &env->fpu;
    f->fcw = (uint16_t)((fpu_rd16(b, 0) & FCW_WRITABLE) | FCW_ALWAYS);
    uint32_t fsw = fpu_rd16(b, 2);
    f->top = (uint8_t)((fsw >> FSW_TOP_SHIFT) & 7);
    f->fsw = (uint16_t)(fsw & ~(7u << FSW_TOP_SHIFT));
    f->ftw = b[4];
    f->fop = (uint16_t)(fpu_rd16(b, 6) & 0x7ff);
    if (desc & FPU_ENV_64) {
        f->fip = fpu_rd64(b, 8);
        f->fdp = fpu_rd64(b, 16);
        f->fcs = f->fds = 0;
    } else {
        f->fip = fpu_rd32(b, 8);
        f->fcs = (uint16_t)fpu_rd16(b, 12);
        f->fdp = fpu_rd32(b, 16);
        f->fds = (uint16_t)fpu_rd16(b, 20);
    }
    for (unsigned i = 0; i < 8; i++) {
        f->st[fpu_phys(env, i)] = fpu_rd_f80(b, 32 + 16 * i);
    }
    fpu_update_es(env);
}

static void mxcsr_image(const CpuState *env, uint8_t *b)
{
    fpu_wr32(b, 24, env->mxcsr);
    fpu_wr32(b, 28, FPU_MXCSR_MASK);
}

static void xmm_image(const CpuState *env, uint32_t desc, uint8_t *b)
{
    for (unsigned i = 0; i < xmm_count(desc); i++) {
        memcpy(b + 160 + 16 * i, env->xmm[i].b, 16);
    }
}

static void xmm_load(CpuState *env, uint32_t desc, const uint8_t *b)
{
    for (unsigned i = 0; i < xmm_count(desc); i++) {
        memcpy(env->xmm[i].b, b + 160 + 16 * i, 16);
    }
}

/* ---- FXSAVE / FXRSTOR ---------------------------------------------------------- */

void helper_fxsave(CpuState *env, uint64_t la, uint32_t desc)
{
    uint8_t b[512];
    if (la & 15) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    /* The whole 512-byte area must be writable, though bytes 416-511 are
     * not written: the host faults on its last byte first (#PF with CR2 =
     * la + 511, nothing written), then on the rest. */
    helper_probe_write(env, la + 511, 1);
    helper_probe_write(env, la, 512);
    x87_image(env, desc, b);
    fpu_image_store(env, la, b, 0, 24);
    fpu_image_store(env, la, b, 32, 160);
    /* Without CR4.OSFXSR the SSE part is not saved (AMD APM FXSAVE; the
     * SDM leaves it to the implementation). Bytes 416-511 are never written. */
    if (env->cr[4] & CR4_OSFXSR_BIT) {
        mxcsr_image(env, b);
        xmm_image(env, desc, b);
        fpu_image_store(env, la, b, 24, 32);
        fpu_image_store(env, la, b, 160, 160 + 16 * xmm_count(desc));
    }
}

void helper_fxrstor(CpuState *env, uint64_t la, uint32_t desc)
{
    uint8_t b[416];
    if (la & 15) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    /* The whole 512-byte area must be readable, though bytes 416-511 are
     * not used: the host faults on its last byte first, as for FXSAVE. */
    cpu_probe_read(env, la + 511, 1);
    cpu_probe_read(env, la, 512);
    bool sse = (env->cr[4] & CR4_OSFXSR_BIT) != 0;
    fpu_image_load(env, la, b, 0, sse ? 160 + 16 * xmm_count(desc) : 160);
    uint32_t mxcsr = fpu_rd32(b, 24);
    if (sse && (mxcsr & ~FPU_MXCSR_MASK)) {
        cpu_raise_exception_err(env, EXC_GP, 0); /* reserved MXCSR bits */
    }
    x87_load(env, desc, b);
    if (sse) {
        env->mxcsr = mxcsr;
        xmm_load(env, desc, b);
    }
}

/* ---- XSAVE ------------------------------------------------------------------------- */

static void require_osxsave(CpuState *env)
{
    if (!(env->cr[4] & CR4_OSXSAVE_BIT)) {
        cpu_raise_exception(env, EXC_UD);
    }
}

/* #NM when CR0.TS (XSAVE, XRSTOR; after the #UD above). */
static void require_fpu_owned(CpuState *env)
{
    if (env->cr[0] & CR0_TS) {
        cpu_raise_exception(env, EXC_NM);
    }
}

/*
 * XINUSE (SDM Vol. 1 13.6): whether a component may differ from its
 * initial configuration. Reporting "in use" is always allowed; rx86 says
 * "initial" for x87 after FNINIT's state (registers not looked at, as the
 * host does) and for SSE when every XMM register is zero and MXCSR 1F80H.
 */
static uint64_t xinuse(const CpuState *env)
{
    const X87State *f = &env->fpu;
    uint64_t in_use = 0;
    if (f->fcw != FCW_INIT || f->fsw != 0 || f->top != 0 || f->ftw != 0 || f->fop != 0 ||
        f->fip != 0 || f->fdp != 0 || f->fcs != 0 || f->fds != 0) {
        in_use |= XSTATE_X87;
    }
    if (env->mxcsr != 0x1f80) {
        in_use |= XSTATE_SSE;
    }
    for (unsigned i = 0; i < 16 && !(in_use & XSTATE_SSE); i++) {
        if (env->xmm[i].q[0] != 0 || env->xmm[i].q[1] != 0) {
            in_use |= XSTATE_SSE;
        }
    }
    return in_use;
}

/* XSAVE and XSAVEOPT (which may skip unmodified components; rx86 saves
 * them all, as XSAVE does). */
void helper_xsave(CpuState *env, uint64_t la, uint64_t rfbm_req, uint32_t desc)
{
    uint8_t b[XSAVE_AREA_SIZE];
    require_osxsave(env);
    require_fpu_owned(env);
    if (la & 63) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    uint64_t rfbm = rfbm_req & env->xcr0;
    memset(b, 0, sizeof(b));
    /* XSTATE_BV: the RFBM bits from XINUSE, the others kept */
    fpu_image_load(env, la, b, XSAVE_HEADER, XSAVE_HEADER + 8);
    uint64_t bv = fpu_rd64(b, XSAVE_HEADER);
    bv = (bv & ~rfbm) | (xinuse(env) & rfbm);
    fpu_wr64(b, XSAVE_HEADER, bv);
    if (rfbm & XSTATE_X87) {
        x87_image(env, desc, b);
        fpu_image_store(env, la, b, 0, 24);
        fpu_image_store(env, la, b, 32, 160);
    }
    if (rfbm & XSTATE_SSE) {
        /* MXCSR goes with SSE or AVX (13.7); AVX is not supported */
        mxcsr_image(env, b);
        xmm_image(env, desc, b);
        fpu_image_store(env, la, b, 24, 32);
        fpu_image_store(env, la, b, 160, 160 + 16 * xmm_count(desc));
    }
    fpu_image_store(env, la, b, XSAVE_HEADER, XSAVE_HEADER + 8);
}

void helper_xrstor(CpuState *env, uint64_t la, uint64_t rfbm_req, uint32_t desc)
{
    uint8_t b[XSAVE_AREA_SIZE];
    require_osxsave(env);
    require_fpu_owned(env);
    if (la & 63) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    uint64_t rfbm = rfbm_req & env->xcr0;
    fpu_image_load(env, la, b, XSAVE_HEADER, XSAVE_HEADER + 24);
    uint64_t bv = fpu_rd64(b, XSAVE_HEADER);
    /* The standard form (XCOMP_BV[63] = 0; rx86 has no compacted form):
     * XSTATE_BV within XCR0, bytes 8-23 of the header zero (13.8.1). */
    if ((bv & ~env->xcr0) || fpu_rd64(b, XSAVE_HEADER + 8) || fpu_rd64(b, XSAVE_HEADER + 16)) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    uint64_t from_mem = rfbm & bv;
    if (from_mem & XSTATE_X87) {
        fpu_image_load(env, la, b, 0, 24);
        fpu_image_load(env, la, b, 32, 160);
    }
    if (rfbm & XSTATE_SSE) {
        fpu_image_load(env, la, b, 24, 28);
        if (fpu_rd32(b, 24) & ~FPU_MXCSR_MASK) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
    }
    if (from_mem & XSTATE_SSE) {
        fpu_image_load(env, la, b, 160, 160 + 16 * xmm_count(desc));
    }
    /* nothing can fault from here on */
    if (rfbm & XSTATE_X87) {
        if (from_mem & XSTATE_X87) {
            x87_load(env, desc, b);
        } else {
            fpu_reset_state(env);
            memset(env->fpu.st, 0, sizeof(env->fpu.st));
        }
    }
    if (rfbm & XSTATE_SSE) {
        env->mxcsr = fpu_rd32(b, 24); /* the standard form loads MXCSR either way */
        if (from_mem & XSTATE_SSE) {
            xmm_load(env, desc, b);
        } else {
            memset(env->xmm, 0, xmm_count(desc) * sizeof(env->xmm[0]));
        }
    }
}

uint64_t helper_xgetbv(CpuState *env, uint32_t ecx)
{
    require_osxsave(env);
    if (ecx != 0) {
        cpu_raise_exception_err(env, EXC_GP, 0); /* XCR1 (XINUSE) is not offered */
    }
    return env->xcr0;
}

void helper_xsetbv(CpuState *env, uint32_t ecx, uint64_t value)
{
    require_osxsave(env);
    /* CPL 0 (virtual-8086 mode is CPL 3), XCR0 only, x87 always on, no
     * component rx86 lacks (SDM Vol. 2B XSETBV) */
    if (cpu_cpl(env) != 0 || (env->eflags & EFLAGS_VM) || ecx != 0 || !(value & XSTATE_X87) ||
        (value & ~XSTATE_SUPPORTED)) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    env->xcr0 = value;
}
