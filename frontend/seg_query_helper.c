/*
 * seg_query_helper.c — LAR, LSL, VERR and VERW: questions a program asks
 * about a selector without loading it (SDM Vol. 2A LAR, LSL; Vol. 2B
 * VERR/VERW). They never fault for a bad selector; they answer through ZF.
 * Only reading the descriptor table itself can fault (#PF).
 */
#include "frontend/helpers_internal.h"

/* The descriptor of selector, or false when the selector is null or lies
 * beyond its table. A fault reading the table is raised. */
static bool query_desc(CpuState *env, uint32_t selector, uint64_t *desc)
{
    selector &= 0xffff;
    if ((selector & 0xfffc) == 0) {
        return false;
    }
    int r = seg_read_desc(env, selector, desc);
    if (r < 0) {
        cpu_raise_recorded(env);
    }
    return r == 0;
}

/* The privilege rule LAR, LSL, VERR and VERW share: a segment other than
 * conforming code must have DPL >= CPL and DPL >= RPL. */
static bool visible(const CpuState *env, uint32_t selector, uint64_t desc)
{
    unsigned type = (desc >> 40) & 0xf;
    bool s_bit = (desc >> 44) & 1;
    unsigned dpl = (desc >> 45) & 3;
    bool conforming_code = s_bit && (type & DESC_TYPE_CODE) && (type & DESC_TYPE_C);
    return conforming_code || (dpl >= cpu_cpl(env) && dpl >= (selector & 3));
}

/* The system descriptor types LAR (or LSL, with fewer) accepts: SDM Vol. 2A
 * LAR Table 3-61 and LSL Table 3-62; IA-32e mode drops the 16-bit ones and
 * task gates. */
static bool system_type_ok(const CpuState *env, unsigned type, bool for_lsl)
{
    bool lma = env->hflags & HF_LMA;
    switch (type) {
    case SYS_LDT:
    case SYS_TSS32_AVAIL:
    case SYS_TSS32_BUSY:
        return true;
    case SYS_TSS16_AVAIL:
    case SYS_TSS16_BUSY:
        return !lma;
    case SYS_CALL32:
        return !for_lsl;
    case SYS_CALL16:
    case SYS_TASK:
        return !for_lsl && !lma;
    default:
        return false;
    }
}

/* Pack an answer: bit 32 = ZF, bits 0-31 = the value. */
static uint64_t answer(bool ok, uint32_t value)
{
    return ok ? (1ull << 32) | value : 0;
}

static bool lar_lsl_ok(CpuState *env, uint32_t selector, uint64_t desc, bool for_lsl)
{
    bool s_bit = (desc >> 44) & 1;
    if (!s_bit && !system_type_ok(env, (desc >> 40) & 0xf, for_lsl)) {
        return false;
    }
    return visible(env, selector, desc);
}

uint64_t helper_lar(CpuState *env, uint32_t selector)
{
    uint64_t desc;
    if (!query_desc(env, selector, &desc) || !lar_lsl_ok(env, selector, desc, false)) {
        return answer(false, 0);
    }
    /* The access rights: the descriptor's second doubleword AND 00FxFF00H
     * (the x, limit bits 19:16, reads as 0 here as on QEMU). */
    return answer(true, (uint32_t)(desc >> 32) & 0x00f0ff00u);
}

uint64_t helper_lsl(CpuState *env, uint32_t selector)
{
    uint64_t desc;
    if (!query_desc(env, selector, &desc) || !lar_lsl_ok(env, selector, desc, true)) {
        return answer(false, 0);
    }
    SegCache s;
    seg_cache_from_desc(&s, selector, desc);
    return answer(true, s.limit);
}

uint64_t helper_verr(CpuState *env, uint32_t selector)
{
    uint64_t desc;
    if (!query_desc(env, selector, &desc) || !((desc >> 44) & 1)) {
        return 0;
    }
    unsigned type = (desc >> 40) & 0xf;
    if ((type & DESC_TYPE_CODE) && !(type & DESC_TYPE_R)) {
        return 0;
    }
    return visible(env, selector, desc);
}

uint64_t helper_verw(CpuState *env, uint32_t selector)
{
    uint64_t desc;
    if (!query_desc(env, selector, &desc) || !((desc >> 44) & 1)) {
        return 0;
    }
    unsigned type = (desc >> 40) & 0xf;
    if ((type & DESC_TYPE_CODE) || !(type & DESC_TYPE_W)) {
        return 0;
    }
    return visible(env, selector, desc);
}
