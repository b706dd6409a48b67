/*
 * sse_helper_misc.c — the SSE helpers that touch more than registers:
 * LDMXCSR's reserved-bit check, a 16-byte store across a page boundary, and
 * the byte-masked stores MASKMOVDQU/MASKMOVQ. (The #MF check MMX
 * instructions start with is the x87's helper_fpu_pending.) Every check that can fault comes before
 * the first byte is written.
 */
#include "frontend/helper_desc.h"
#include "frontend/helpers_internal.h"
#include "frontend/sse_helpers.h"

/* LDMXCSR: #GP(0) for a bit outside MXCSR_MASK (SDM Vol. 2A LDMXCSR). */
void helper_ldmxcsr(CpuState *env, uint64_t value)
{
    if (value & ~(uint64_t)MXCSR_WRITABLE) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    env->mxcsr = (uint32_t)value;
}

/* The linear address `off` bytes after la, wrapping as the code size does. */
static uint64_t la_add(const CpuState *env, uint64_t la, unsigned off)
{
    la += off;
    return env->hflags & HF_CS64 ? la : (la & 0xffffffffu);
}

/* A write of n bytes at la: #GP(0) when its last byte is not canonical
 * (checked for the whole access before any page, SDM Vol. 3A 3.3.7.1),
 * then both pages checked for writing (#PF). Then no store to it faults. */
static void probe_write(CpuState *env, uint64_t la, unsigned n, unsigned idx)
{
    uint64_t last = la_add(env, la, n - 1);
    if ((env->hflags & HF_LMA) && (uint64_t)((int64_t)(last << 16) >> 16) != last) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    cpu_host_ptr(env, la, 1, ACCESS_WRITE, idx);
    if ((last ^ la) >> 12) {
        /* the second page from its first byte: a #PF there reports that
         * address in CR2, as the hardware does */
        cpu_host_ptr(env, last & ~(uint64_t)0xfff, 1, ACCESS_WRITE, idx);
    }
}

void helper_sse_store16(CpuState *env, uint64_t la, uint32_t s)
{
    unsigned idx = cpu_mmu_index(env);
    XmmReg v;
    sse_get(env, &v, s, 16);
    probe_write(env, la, 16, idx);
    cpu_st(env, la, v.q[0], 8, idx);
    cpu_st(env, la_add(env, la, 8), v.q[1], 8, idx);
}

/* MASKMOVDQU/MASKMOVQ: the whole 16 (8) bytes at la are checked as a write
 * first, whatever the mask (on the AMD host, a #PF reports CR2 = la even
 * when the first selected byte lies further; the SDM leaves faults with an
 * all-zero mask to the implementation), then the selected bytes stored. */
void helper_maskmov(CpuState *env, uint32_t d, uint32_t s, uint64_t la, uint32_t bytes)
{
    unsigned idx = cpu_mmu_index(env);
    XmmReg v, m;
    sse_get(env, &v, d, bytes);
    sse_get(env, &m, s, bytes);
    probe_write(env, la, bytes, idx);
    for (unsigned i = 0; i < bytes; i++) {
        if (m.b[i] & 0x80) {
            cpu_st(env, la_add(env, la, i), v.b[i], 1, idx);
        }
    }
}

HELPER(ldmxcsr, IR_VOID, NO_WG | IR_HELPER_ENV_ONLY, IR_I64);
HELPER(sse_store16, IR_VOID, NO_WG, IR_I64, IR_I32);
HELPER(maskmov, IR_VOID, NO_WG, IR_I32, IR_I32, IR_I64, IR_I32);
