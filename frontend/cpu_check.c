/*
 * cpu_check.c — what the translator's checking mode asks of the guest CPU:
 * a side-effect-free way to reach guest RAM by linear address, so the
 * interpreter's reference run can read memory without touching devices and
 * without raising anything.
 */
#include "frontend/cpu.h"
#include "frontend/helpers.h"

void *guest_ram_ptr(void *opaque, uint64_t la, unsigned size, unsigned mmu_idx, bool write)
{
    CpuState *env = opaque;
    if (((la + size - 1) ^ la) & TLB_PAGE_MASK) {
        return NULL; /* crosses a page */
    }
    if (env->hflags & HF_LMA) {
        /* Canonical: bits 63..47 all equal (SDM Vol. 1 3.3.7.1). */
        uint64_t top = la >> 47;
        if (top != 0 && top != 0x1ffff) {
            return NULL;
        }
    }
    TlbEntry *e = tlb_entry(&env->tlb, (MmuIndex)mmu_idx, la);
    uint64_t cmp = write ? e->addr_write : e->addr_read;
    if ((cmp & (TLB_PAGE_MASK | TLB_INVALID)) != (la & TLB_PAGE_MASK)) {
        PagingRegs regs = cpu_paging_regs(env);
        uint32_t error_code;
        e = tlb_fill(&env->tlb, &regs, (MmuIndex)mmu_idx, la, write ? ACCESS_WRITE : ACCESS_READ,
                     &error_code);
        if (!e) {
            return NULL;
        }
        cmp = write ? e->addr_write : e->addr_read;
    }
    if (cmp & (TLB_MMIO | TLB_INVALID)) {
        return NULL;
    }
    return (void *)(uintptr_t)(la + e->addend);
}
