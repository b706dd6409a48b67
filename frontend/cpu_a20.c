/*
 * cpu_a20.c — the A20 gate as the CPU sees it: with A20 masked, bit 20 of
 * every physical address the CPU forms is forced to 0, so the 8086's 1 MiB
 * wraparound comes back (SDM Vol. 3A, "Architecture Compatibility",
 * "Segment Wraparound": the A20M# pin). The page walker applies the mask to
 * each paging-structure address and to the final address (PagingRegs.a20_mask).
 *
 * The board drives the gate (port 0x92, later the i8042); the tcg
 * accelerator connects that line here. Under KVM nothing masks A20.
 */
#include "frontend/helpers.h"

void cpu_set_a20(CpuState *env, bool enabled)
{
    uint64_t mask = enabled ? ~0ull : ~(1ull << 20);
    if (env->a20_mask == mask) {
        return;
    }
    env->a20_mask = mask;
    /* Every cached translation may now point at another physical page,
     * and so may every linear PC the jump cache remembers. */
    tlb_flush_all(&env->tlb);
    exec_jmp_cache_clear(&env->exec);
    /* Leave the chain of TBs at the next TB entry, so that the next block
     * is looked up again under the new mapping. */
    exec_kick(&env->exec);
}
