/*
 * seg_check_helper.c — the segment checks of a data access (SDM Vol. 3A
 * 5.3 "Limit Checking", 5.4 "Type Checking"; 20.1.1 for real mode, where
 * the cached limit applies too, which is what unreal mode relies on).
 *
 * helper_cs_limit checks a near branch target against the CS limit; the
 * lifter checks sequential execution inline (translate.c).
 *
 * Lifted code calls helper_seg_check only for accesses through a segment
 * register whose cache is not flat 4 GiB read/write data (HF_SEGCHK in
 * hflags), so flat protected mode and 64-bit mode never pay for it.
 */
#include "frontend/helpers_internal.h"

__attribute__((noreturn)) static void seg_fault(CpuState *env, unsigned seg)
{
    cpu_raise_exception_err(env, seg == R_SS ? EXC_SS : EXC_GP, 0);
}

void helper_seg_check(CpuState *env, uint32_t desc, uint64_t offset)
{
    unsigned seg = desc & 0xf;
    unsigned size = (desc >> 4) & 0xff;
    bool write = (desc >> 12) & 1;
    const SegCache *s = &env->segs[seg];
    bool protected_mode = (env->cr[0] & CR0_PE) && !(env->eflags & EFLAGS_VM);
    unsigned type = s->attr & SEG_ATTR_TYPE;
    bool code = type & DESC_TYPE_CODE;

    if (protected_mode) {
        /* A null selector leaves the register unusable: attr 0 (5.4.1). */
        if (!(s->attr & SEG_ATTR_P)) {
            seg_fault(env, seg);
        }
        if (write ? code || !(type & DESC_TYPE_W) : code && !(type & DESC_TYPE_R)) {
            seg_fault(env, seg);
        }
    }
    uint64_t last = offset + size - 1;
    if (!code && (type & DESC_TYPE_E)) {
        /* Expand-down: valid offsets run from limit + 1 to 64 KiB or 4 GiB
         * by the B flag (5.3). */
        uint64_t upper = s->attr & SEG_ATTR_DB ? 0xffffffffull : 0xffffull;
        if (offset <= s->limit || last > upper) {
            seg_fault(env, seg);
        }
    } else if (last > s->limit) {
        seg_fault(env, seg);
    }
}

void helper_cs_limit(CpuState *env, uint64_t taken, uint64_t eip)
{
    if (taken && eip > env->segs[R_CS].limit) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
}

void helper_check_canonical(CpuState *env, uint64_t value)
{
    if ((uint64_t)((int64_t)(value << 16) >> 16) != value) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
}
