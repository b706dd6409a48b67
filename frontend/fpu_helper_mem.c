/*
 * fpu_helper_mem.c — x87 loads and stores of memory operands: FLD m32fp/
 * m64fp/m80fp, FILD, FBLD push what the lifter loaded; FST/FSTP, FIST/
 * FISTP, FISTTP and FBSTP compute the bytes to store without changing the
 * FPU (the lifter stores them, so a #PF leaves the FPU alone), then commit
 * the status and the pop.
 *
 * The store's value and status wait in env->xmm_tmp between the two calls
 * (the per-instruction scratch of cpu.h): bytes 0-9 the value, word 6 the
 * flags, word 7 whether the store happens. An unmasked invalid-operation,
 * overflow or underflow exception suppresses the store and the pop (SDM
 * Vol. 1 4.9.1.4-5, 8.5.1: the destination and the stack stay as they were).
 */
#include "frontend/fpu_helpers.h"
#include "frontend/helper_desc.h"

#include <string.h>

HELPER(fpu_load, IR_VOID, NO_WG, IR_I32, IR_I64, IR_I64);
/* these two touch only the FPU and xmm_tmp, and cannot fault */
HELPER(fpu_store_value, IR_I32, IR_HELPER_NO_READ_GLOBALS | NO_WG | NO_FAULT, IR_I32);
HELPER(fpu_store_commit, IR_VOID, IR_HELPER_NO_READ_GLOBALS | NO_WG | NO_FAULT, IR_I32);

void helper_fpu_load(CpuState *env, uint32_t type, uint64_t lo, uint64_t hi)
{
    fpu_check_pending(env);
    SfStatus st = fpu_status(env);
    Float80 v;
    switch (type) {
    case FPU_M32FP:
        v = f80_from_f32(&st, (uint32_t)lo);
        break;
    case FPU_M64FP:
        v = f80_from_f64(&st, lo);
        break;
    case FPU_M80FP:
        v = (Float80){.mant = lo, .sign_exp = (uint16_t)hi}; /* no checks at all */
        break;
    case FPU_M16INT:
        v = f80_from_int((int16_t)lo);
        break;
    case FPU_M32INT:
        v = f80_from_int((int32_t)lo);
        break;
    case FPU_M64INT:
        v = f80_from_int((int64_t)lo);
        break;
    default: { /* FPU_M80BCD */
        uint8_t bcd[10];
        memcpy(bcd, &lo, 8);
        bcd[8] = (uint8_t)hi;
        bcd[9] = (uint8_t)(hi >> 8);
        v = f80_from_bcd(bcd);
        break;
    }
    }
    if (!fpu_is_empty(env, 7)) {
        if (fpu_stack_fault(env, true)) {
            fpu_push(env, f80_indefinite());
        }
        return;
    }
    /* An unmasked IE (an SNaN source) stops the load; an unmasked DE does
     * not: the value is pushed and the exception pending (as the AMD processors checked do) */
    if (st.flags & ~env->fpu.fcw & SF_IE) {
        fpu_raise(env, st.flags & (SF_IE | SF_DE));
        return;
    }
    fpu_push(env, v);
    fpu_raise(env, st.flags);
}

/* The bytes of the indefinite of each type (SDM Vol. 1 Tables 4-1, 4-3, 4-4). */
static void indefinite(unsigned type, uint8_t out[10])
{
    uint64_t v;
    memset(out, 0, 10);
    switch (type) {
    case FPU_M32FP:
        v = 0xffc00000u;
        break;
    case FPU_M64FP:
        v = 0xfff8000000000000ull;
        break;
    case FPU_M16INT:
        v = 0x8000u;
        break;
    case FPU_M32INT:
        v = 0x80000000u;
        break;
    case FPU_M64INT:
        v = 0x8000000000000000ull;
        break;
    case FPU_M80BCD:
        v = 0xc000000000000000ull;
        out[8] = out[9] = 0xff;
        break;
    default: { /* FPU_M80FP */
        Float80 f = f80_indefinite();
        v = f.mant;
        out[8] = (uint8_t)f.sign_exp;
        out[9] = (uint8_t)(f.sign_exp >> 8);
        break;
    }
    }
    memcpy(out, &v, 8);
}

uint32_t helper_fpu_store_value(CpuState *env, uint32_t desc)
{
    unsigned type = desc & 0xf;
    uint8_t out[10];
    uint16_t flags;
    bool store;
    memset(out, 0, sizeof(out));
    if (fpu_is_empty(env, 0)) {
        flags = SF_IE | FSW_SF;
        indefinite(type, out);
        store = (env->fpu.fcw & SF_IE) != 0;
    } else {
        Float80 a = fpu_get(env, 0);
        SfStatus st = fpu_status(env);
        uint64_t v = 0;
        switch (type) {
        case FPU_M32FP:
            v = f80_to_f32(&st, a);
            break;
        case FPU_M64FP:
            v = f80_to_f64(&st, a);
            break;
        case FPU_M80FP:
            v = a.mant;
            out[8] = (uint8_t)a.sign_exp;
            out[9] = (uint8_t)(a.sign_exp >> 8);
            break;
        case FPU_M16INT:
        case FPU_M32INT:
        case FPU_M64INT: {
            unsigned size = type == FPU_M16INT ? 2 : type == FPU_M32INT ? 4 : 8;
            v = (uint64_t)f80_to_int(&st, a, size, (desc & FPU_ST_TRUNC) != 0);
            break;
        }
        default: /* FPU_M80BCD */
            f80_to_bcd(&st, a, out);
            memcpy(&v, out, 8);
            break;
        }
        memcpy(out, &v, 8);
        flags = st.flags;
        store = !(flags & ~env->fpu.fcw & (SF_IE | SF_DE | SF_OE | SF_UE));
    }
    memcpy(env->xmm_tmp.b, out, sizeof(out));
    env->xmm_tmp.w[6] = flags;
    env->xmm_tmp.w[7] = store;
    return store;
}

void helper_fpu_store_commit(CpuState *env, uint32_t desc)
{
    uint16_t flags = env->xmm_tmp.w[6];
    if (env->xmm_tmp.w[7] && (desc & FPU_POP)) {
        fpu_pop(env);
    }
    fpu_raise(env, flags);
}
