/*
 * fpu_helper_env.c — the x87 environment and state images: FNSTENV/FLDENV
 * (SDM Vol. 1 8.1.10, Figures 8-9 to 8-12: 14 or 28 bytes, protected- or
 * real-mode layout) and FNSAVE/FRSTOR (the environment then the eight
 * registers in stack order, Vol. 2A FSAVE). FXSAVE and the XSAVE family
 * are fpu_helper_xsave.c.
 *
 * Saves write memory before anything in the FPU changes (FNSAVE's
 * reinitialization, FNSTENV's masking); restores read the whole image into
 * a local copy first and change the state only after the last load, so a
 * #PF (or FXRSTOR's #GP for MXCSR) leaves the FPU as it was.
 *
 * In real-address and virtual-8086 mode the pointers are 20-bit linear
 * addresses (selector * 16 + offset); rx86 keeps FIP/FDP as offsets with
 * their selectors, so a real-mode FLDENV stores the linear address as the
 * offset with a zero selector, which saves back unchanged.
 */
#include "frontend/fpu_helpers.h"
#include "frontend/helper_desc.h"
#include "frontend/helpers_internal.h"

HELPER(fnstenv, IR_VOID, NO_WG, IR_I64, IR_I32);
HELPER(fldenv, IR_VOID, NO_WG, IR_I64, IR_I32);
HELPER(fnsave, IR_VOID, NO_WG, IR_I64, IR_I32);
HELPER(frstor, IR_VOID, NO_WG, IR_I64, IR_I32);

/* The real-address-mode layout: CR0.PE = 0 or virtual-8086 mode. */
static bool real_layout(uint32_t desc)
{
    return (desc & FPU_ENV_REAL) != 0;
}

/* ---- the environment ----------------------------------------------------------- */

static uint16_t full_tags(const CpuState *env)
{
    uint16_t t = 0;
    for (unsigned p = 0; p < 8; p++) {
        t |= (uint16_t)(fpu_full_tag(env, p) << (2 * p));
    }
    return t;
}

/* The environment image (14 or 28 bytes); returns its size. */
static unsigned env_image(const CpuState *env, uint32_t desc, uint8_t *b)
{
    const X87State *f = &env->fpu;
    uint32_t fip_lin = (uint32_t)(((uint32_t)f->fcs << 4) + (uint32_t)f->fip);
    uint32_t fdp_lin = (uint32_t)(((uint32_t)f->fds << 4) + (uint32_t)f->fdp);
    uint16_t fop = f->fop & 0x7ff;
    if (desc & FPU_ENV_16) {
        fpu_wr16(b, 0, f->fcw);
        fpu_wr16(b, 2, fpu_get_fsw(env));
        fpu_wr16(b, 4, full_tags(env));
        if (real_layout(desc)) {
            fpu_wr16(b, 6, fip_lin);
            fpu_wr16(b, 8, (fip_lin >> 16 & 0xf) << 12 | fop);
            fpu_wr16(b, 10, fdp_lin);
            fpu_wr16(b, 12, (fdp_lin >> 16 & 0xf) << 12);
        } else {
            fpu_wr16(b, 6, (uint32_t)f->fip);
            fpu_wr16(b, 8, f->fcs);
            fpu_wr16(b, 10, (uint32_t)f->fdp);
            fpu_wr16(b, 12, f->fds);
        }
        return 14;
    }
    /* unused upper halves read as ones (as processors store them) */
    fpu_wr32(b, 0, 0xffff0000u | f->fcw);
    fpu_wr32(b, 4, 0xffff0000u | fpu_get_fsw(env));
    fpu_wr32(b, 8, 0xffff0000u | full_tags(env));
    if (real_layout(desc)) {
        fpu_wr32(b, 12, 0xffff0000u | (fip_lin & 0xffff));
        fpu_wr32(b, 16, (fip_lin >> 16) << 12 | fop);
        fpu_wr32(b, 20, 0xffff0000u | (fdp_lin & 0xffff));
        fpu_wr32(b, 24, (fdp_lin >> 16) << 12);
    } else {
        fpu_wr32(b, 12, (uint32_t)f->fip);
        fpu_wr32(b, 16, f->fcs | (uint32_t)fop << 16);
        fpu_wr32(b, 20, (uint32_t)f->fdp);
        fpu_wr32(b, 24, 0xffff0000u | f->fds);
    }
    return 28;
}

/* Load an environment image into env (nothing can fault any more). */
static void env_load(CpuState *env, uint32_t desc, const uint8_t *b)
{
    X87State *f = &env->fpu;
    uint32_t tags, fsw;
    if (desc & FPU_ENV_16) {
        f->fcw = (uint16_t)((fpu_rd16(b, 0) & FCW_WRITABLE) | FCW_ALWAYS);
        fsw = fpu_rd16(b, 2);
        tags = fpu_rd16(b, 4);
        if (real_layout(desc)) {
            f->fip = fpu_rd16(b, 6) | (fpu_rd16(b, 8) >> 12) << 16;
            f->fop = (uint16_t)(fpu_rd16(b, 8) & 0x7ff);
            f->fdp = fpu_rd16(b, 10) | (fpu_rd16(b, 12) >> 12) << 16;
            f->fcs = f->fds = 0;
        } else {
            /* the 16-bit protected-mode layout has no opcode field */
            f->fip = fpu_rd16(b, 6);
            f->fcs = (uint16_t)fpu_rd16(b, 8);
            f->fdp = fpu_rd16(b, 10);
            f->fds = (uint16_t)fpu_rd16(b, 12);
            f->fop = 0;
        }
    } else {
        f->fcw = (uint16_t)((fpu_rd32(b, 0) & FCW_WRITABLE) | FCW_ALWAYS);
        fsw = fpu_rd32(b, 4) & 0xffff;
        tags = fpu_rd32(b, 8) & 0xffff;
        if (real_layout(desc)) {
            f->fip = (fpu_rd32(b, 12) & 0xffff) | ((fpu_rd32(b, 16) >> 12) & 0xffff) << 16;
            f->fop = (uint16_t)(fpu_rd32(b, 16) & 0x7ff);
            f->fdp = (fpu_rd32(b, 20) & 0xffff) | ((fpu_rd32(b, 24) >> 12) & 0xffff) << 16;
            f->fcs = f->fds = 0;
        } else {
            f->fip = fpu_rd32(b, 12);
            f->fcs = (uint16_t)fpu_rd32(b, 16);
            f->fop = (uint16_t)((fpu_rd32(b, 16) >> 16) & 0x7ff);
            f->fdp = fpu_rd32(b, 20);
            f->fds = (uint16_t)fpu_rd32(b, 24);
        }
    }
    f->top = (uint8_t)((fsw >> FSW_TOP_SHIFT) & 7);
    f->fsw = (uint16_t)(fsw & ~(7u << FSW_TOP_SHIFT));
    f->ftw = 0;
    for (unsigned p = 0; p < 8; p++) {
        if (((tags >> (2 * p)) & 3) != 3) {
            f->ftw |= (uint8_t)(1u << p);
        }
    }
    fpu_update_es(env); /* ES follows the loaded flags and masks */
}

void helper_fnstenv(CpuState *env, uint64_t la, uint32_t desc)
{
    uint8_t b[28];
    unsigned n = env_image(env, desc, b);
    fpu_image_store(env, la, b, 0, n);
    env->fpu.fcw |= SF_EXC_MASK; /* then all exceptions are masked */
    fpu_update_es(env);
}

void helper_fldenv(CpuState *env, uint64_t la, uint32_t desc)
{
    uint8_t b[28];
    fpu_check_pending(env);
    fpu_image_load(env, la, b, 0, desc & FPU_ENV_16 ? 14 : 28);
    env_load(env, desc, b);
}

void helper_fnsave(CpuState *env, uint64_t la, uint32_t desc)
{
    uint8_t b[108];
    unsigned n = env_image(env, desc, b);
    for (unsigned i = 0; i < 8; i++) {
        fpu_wr_f80(b, n + 10 * i, fpu_get(env, i));
    }
    fpu_image_store(env, la, b, 0, n + 80);
    fpu_reset_state(env);
}

void helper_frstor(CpuState *env, uint64_t la, uint32_t desc)
{
    uint8_t b[108];
    unsigned n = desc & FPU_ENV_16 ? 14 : 28;
    fpu_check_pending(env);
    fpu_image_load(env, la, b, 0, n + 80);
    env_load(env, desc, b);
    for (unsigned i = 0; i < 8; i++) {
        env->fpu.st[fpu_phys(env, i)] = fpu_rd_f80(b, n + 10 * i);
    }
}
