/*
 * Soft TLB refill and flushes (see tlb.h for the entry format).
 *
 * A large page is cached as the 4 KiB slices that are touched; the linear
 * range large pages cover is remembered per MMU index so that INVLPG of any
 * address inside it can flush that index whole, the simple and safe answer
 * (SDM Vol. 3A 4.10.4.1: INVLPG invalidates the whole large page).
 */
#include "softmmu/tlb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void invalidate(TlbEntry *e, TlbPageInfo *info)
{
    e->addr_read = e->addr_write = e->addr_code = TLB_INVALID;
    e->addend = 0;
    info->paddr = 0;
    info->global = false;
}

static void flush_index(Tlb *tlb, MmuIndex idx)
{
    for (unsigned i = 0; i < TLB_SIZE; i++) {
        invalidate(&tlb->table[idx][i], &tlb->info[idx][i]);
    }
    tlb->has_large[idx] = false;
}

void tlb_init(Tlb *tlb, const AddressSpace *mem, const CodePages *code)
{
    memset(tlb, 0, sizeof(*tlb));
    tlb->mem = mem;
    tlb->code = code;
    for (int idx = 0; idx < MMU_INDEXES; idx++) {
        flush_index(tlb, (MmuIndex)idx);
    }
}

void tlb_flush_all(Tlb *tlb)
{
    for (int idx = 0; idx < MMU_INDEXES; idx++) {
        flush_index(tlb, (MmuIndex)idx);
    }
    tlb->flushes++;
}

void tlb_flush_nonglobal(Tlb *tlb)
{
    for (int idx = 0; idx < MMU_INDEXES; idx++) {
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            if (!tlb->info[idx][i].global) {
                invalidate(&tlb->table[idx][i], &tlb->info[idx][i]);
            }
        }
        /* Global large pages stay; their range is kept as it was. */
    }
    tlb->flushes++;
}

static uint64_t entry_page(const TlbEntry *e)
{
    /* Any valid comparator carries the page address. */
    if (!(e->addr_read & TLB_INVALID)) {
        return e->addr_read & TLB_PAGE_MASK;
    }
    if (!(e->addr_write & TLB_INVALID)) {
        return e->addr_write & TLB_PAGE_MASK;
    }
    if (!(e->addr_code & TLB_INVALID)) {
        return e->addr_code & TLB_PAGE_MASK;
    }
    return ~0ull;
}

void tlb_flush_page(Tlb *tlb, uint64_t la)
{
    uint64_t page = la & TLB_PAGE_MASK;
    for (int idx = 0; idx < MMU_INDEXES; idx++) {
        if (tlb->has_large[idx] && (la & tlb->large_mask[idx]) == tlb->large_addr[idx]) {
            flush_index(tlb, (MmuIndex)idx);
            continue;
        }
        TlbEntry *e = tlb_entry(tlb, (MmuIndex)idx, la);
        if (entry_page(e) == page) {
            invalidate(e, &tlb->info[idx][(la >> TLB_PAGE_BITS) & (TLB_SIZE - 1)]);
        }
    }
}

void tlb_flush_phys_page_writes(Tlb *tlb, uint64_t paddr)
{
    uint64_t page = paddr & TLB_PAGE_MASK;
    for (int idx = 0; idx < MMU_INDEXES; idx++) {
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            TlbEntry *e = &tlb->table[idx][i];
            if (!(e->addr_write & TLB_INVALID) && tlb->info[idx][i].paddr == page) {
                e->addr_write |= TLB_NOTDIRTY;
            }
        }
    }
}

/* Widen the large-page range of idx to cover [base, base + size). The range
 * is kept as one aligned block: a mask of the bits that must match. */
static void note_large_page(Tlb *tlb, MmuIndex idx, uint64_t la, uint64_t size)
{
    uint64_t mask = ~(size - 1);
    uint64_t addr = la & mask;
    if (!tlb->has_large[idx]) {
        tlb->has_large[idx] = true;
        tlb->large_addr[idx] = addr;
        tlb->large_mask[idx] = mask;
        return;
    }
    mask &= tlb->large_mask[idx];
    while ((tlb->large_addr[idx] & mask) != (addr & mask)) {
        mask <<= 1;
    }
    tlb->large_addr[idx] = addr & mask;
    tlb->large_mask[idx] = mask;
}

/* TLB_WATCH when a watched range for this kind of access touches the page. */
static uint64_t watch_flag(const Tlb *tlb, uint64_t page, bool write)
{
    for (unsigned i = 0; i < tlb->nwatch; i++) {
        const TlbWatch *w = &tlb->watch[i];
        bool kind = write ? w->on_write : w->on_read;
        if (kind && w->start < page + TLB_PAGE_SIZE && page < w->start + w->len) {
            return TLB_WATCH;
        }
    }
    return 0;
}

TlbEntry *tlb_fill(Tlb *tlb, const PagingRegs *regs, MmuIndex idx, uint64_t la, PagingAccess access,
                   uint32_t *error_code)
{
    PagingRegs r = *regs;
    PagingPriv priv = PRIV_SUPERVISOR;
    if (idx == MMU_USER) {
        priv = PRIV_USER;
    } else {
        r.eflags_ac = idx == MMU_KERNEL; /* the index, not EFLAGS, decides SMAP */
    }
    PagingResult res;
    tlb->misses++;
    if (!paging_translate(tlb->mem, &r, la, access, priv, &res)) {
        *error_code = res.error_code;
        return NULL;
    }
    uint64_t page = la & TLB_PAGE_MASK;
    uint64_t ppage = res.paddr & TLB_PAGE_MASK;
    if (res.page_size > TLB_PAGE_SIZE) {
        note_large_page(tlb, idx, la, res.page_size);
    }

    unsigned slot = (la >> TLB_PAGE_BITS) & (TLB_SIZE - 1);
    TlbEntry *e = &tlb->table[idx][slot];
    TlbPageInfo *info = &tlb->info[idx][slot];
    invalidate(e, info);
    info->paddr = ppage;
    info->global = res.global;

    /* RAM pages get a host addend; everything else goes through the
     * address space (ROM writes must be dropped, so ROM is I/O for writes). */
    const FlatRange *fr = as_lookup(tlb->mem, ppage);
    bool whole_page = fr && ppage + TLB_PAGE_SIZE <= fr->end;
    bool host_read = whole_page && fr->region->kind != MEM_IO;
    bool host_write = whole_page && fr->region->kind == MEM_RAM;
    if (host_read) {
        e->addend = (uintptr_t)(fr->region->host + (ppage - fr->region->base)) - (uintptr_t)page;
    }
    if (res.prot & PAGE_READ) {
        e->addr_read = page | (host_read ? 0 : TLB_MMIO) | watch_flag(tlb, page, false);
    }
    if (res.prot & PAGE_EXEC) {
        e->addr_code = page | (host_read ? 0 : TLB_MMIO);
    }
    if (res.prot & PAGE_WRITE) {
        e->addr_write = page | (host_write ? 0 : TLB_MMIO);
        bool code = tlb->code && code_page_test(tlb->code, ppage);
        bool clean =
            host_write && fr->region->dirty && !as_dirty_test(fr->region, ppage - fr->region->base);
        if (code || clean) {
            e->addr_write |= TLB_NOTDIRTY;
        }
        e->addr_write |= watch_flag(tlb, page, true);
    }
    return e;
}

void tlb_set_watches(Tlb *tlb, const TlbWatch *w, unsigned n)
{
    tlb->nwatch = n < TLB_WATCHES ? n : TLB_WATCHES;
    for (unsigned i = 0; i < tlb->nwatch; i++) {
        tlb->watch[i] = w[i];
    }
    tlb_flush_all(tlb);
}

int code_pages_init(CodePages *cp, uint64_t phys_size)
{
    cp->pages = (phys_size + TLB_PAGE_SIZE - 1) >> TLB_PAGE_BITS;
    cp->bits = calloc((cp->pages + 63) / 64, sizeof(uint64_t));
    return cp->bits ? 0 : -ENOMEM;
}

void code_pages_destroy(CodePages *cp)
{
    free(cp->bits);
    cp->bits = NULL;
    cp->pages = 0;
}

void code_page_set(CodePages *cp, uint64_t paddr)
{
    uint64_t pn = paddr >> TLB_PAGE_BITS;
    if (pn < cp->pages) {
        cp->bits[pn / 64] |= 1ull << (pn % 64);
    }
}

void code_page_clear(CodePages *cp, uint64_t paddr)
{
    uint64_t pn = paddr >> TLB_PAGE_BITS;
    if (pn < cp->pages) {
        cp->bits[pn / 64] &= ~(1ull << (pn % 64));
    }
}
