/*
 * The soft TLB: per vCPU and per MMU index, a direct-mapped cache of page
 * translations that generated code probes inline.
 *
 * An entry holds one comparator per access kind (read, write, fetch): the
 * page's linear address, plus flag bits in the page-offset bits that force
 * the slow path (an I/O page, a page holding translated code, a page whose
 * dirty state is tracked, an invalid entry). The fast path is
 *
 *     e = &tlb->table[idx][(la >> 12) & (TLB_SIZE - 1)];
 *     if (((la + size - 1) & TLB_PAGE_MASK) == e->addr_read)
 *         host = la + e->addend;
 *
 * so an access crossing into the next page, a flagged page and a miss all
 * take the slow path with one compare, while a misaligned access within a
 * page (x86 allows them anywhere) stays on the fast path. The slow path (softmmu/tlb.c) refills from the page
 * walker and dispatches I/O through the physical address space.
 */
#ifndef RX86_SOFTMMU_TLB_H
#define RX86_SOFTMMU_TLB_H

#include "softmmu/memory.h"
#include "softmmu/paging.h"

#include <stdbool.h>
#include <stdint.h>

#define TLB_PAGE_BITS 12
#define TLB_PAGE_SIZE (1ull << TLB_PAGE_BITS)
#define TLB_PAGE_MASK (~(TLB_PAGE_SIZE - 1))
#define TLB_BITS 10
#define TLB_SIZE (1u << TLB_BITS)

/* Comparator flags, in page-offset bits above any access size's alignment bits. */
#define TLB_INVALID (1ull << 11) /* never matches: empty entry or no such right */
#define TLB_MMIO (1ull << 10)    /* not RAM: go through the address space */
#define TLB_NOTDIRTY (1ull << 9) /* writes must be seen: code page or dirty tracking */
#define TLB_WATCH (1ull << 8)    /* a data breakpoint covers part of the page */
#define TLB_FLAGS_MASK (TLB_INVALID | TLB_MMIO | TLB_NOTDIRTY | TLB_WATCH)

/* A linear range the CPU watches (a debug register's data breakpoint):
 * accesses to its pages take the slow path, which checks them. */
typedef struct TlbWatch {
    uint64_t start, len;
    bool on_read, on_write;
} TlbWatch;
#define TLB_WATCHES 4

/*
 * MMU indexes: one TLB per way the same linear address can translate
 * differently. Supervisor accesses split by whether SMAP blocks user pages
 * (CR4.SMAP with EFLAGS.AC = 0) so AC changes need no flush.
 */
typedef enum MmuIndex {
    MMU_KERNEL,      /* CPL < 3, user pages reachable */
    MMU_KERNEL_SMAP, /* CPL < 3, SMAP enforcing */
    MMU_USER,        /* CPL 3 */
    MMU_INDEXES,
} MmuIndex;

typedef struct TlbEntry {
    uint64_t addr_read;
    uint64_t addr_write;
    uint64_t addr_code;
    uintptr_t addend; /* host address = linear address + addend (RAM pages) */
} TlbEntry;

/* What the slow path needs about an entry, kept apart to keep TlbEntry small. */
typedef struct TlbPageInfo {
    uint64_t paddr; /* physical page address */
    bool global;
} TlbPageInfo;

/* Physical pages that hold translated code: a bitmap over the first
 * `pages` pages of physical memory, sized by the board to cover all RAM
 * (code cannot run from anywhere else without going through I/O).
 * Shared by all vCPUs. */
typedef struct CodePages {
    uint64_t *bits;
    uint64_t pages;
} CodePages;

typedef struct Tlb {
    TlbEntry table[MMU_INDEXES][TLB_SIZE];
    TlbPageInfo info[MMU_INDEXES][TLB_SIZE];
    /* Linear range covered by large pages, so INVLPG in one flushes it all. */
    bool has_large[MMU_INDEXES];
    uint64_t large_addr[MMU_INDEXES];
    uint64_t large_mask[MMU_INDEXES];
    const AddressSpace *mem;
    const CodePages *code;
    TlbWatch watch[TLB_WATCHES];
    unsigned nwatch;
    uint64_t misses;
    uint64_t flushes;
} Tlb;

void tlb_init(Tlb *tlb, const AddressSpace *mem, const CodePages *code);

/* Flushes: everything (CR0/CR4/EFER changes); non-global entries (a CR3
 * write, SDM Vol. 3A 4.10.4.1); one page in every MMU index (INVLPG); the
 * write permission of one physical page (it now holds code). */
void tlb_flush_all(Tlb *tlb);
void tlb_flush_nonglobal(Tlb *tlb);
void tlb_flush_page(Tlb *tlb, uint64_t la);
void tlb_flush_phys_page_writes(Tlb *tlb, uint64_t paddr);

/* Replace the watched ranges (at most TLB_WATCHES) and flush the TLB so
 * the entries of their pages are refilled with TLB_WATCH. */
void tlb_set_watches(Tlb *tlb, const TlbWatch *w, unsigned n);

/*
 * Translate la for access through the walker and install the entry.
 * Returns the entry, or NULL with *error_code set for the #PF to raise.
 */
TlbEntry *tlb_fill(Tlb *tlb, const PagingRegs *regs, MmuIndex idx, uint64_t la, PagingAccess access,
                   uint32_t *error_code);

static inline TlbEntry *tlb_entry(Tlb *tlb, MmuIndex idx, uint64_t la)
{
    return &tlb->table[idx][(la >> TLB_PAGE_BITS) & (TLB_SIZE - 1)];
}

/* The fast-path test for an access of size bytes (what backends inline). */
static inline bool tlb_hit(uint64_t comparator, uint64_t la, unsigned size)
{
    return ((la + size - 1) & TLB_PAGE_MASK) == comparator;
}

/* Code-page bitmap. */
int code_pages_init(CodePages *cp, uint64_t phys_size) __attribute__((warn_unused_result));
void code_pages_destroy(CodePages *cp);
static inline bool code_page_test(const CodePages *cp, uint64_t paddr)
{
    uint64_t pn = paddr >> TLB_PAGE_BITS;
    return pn < cp->pages && (cp->bits[pn / 64] >> (pn % 64)) & 1;
}
void code_page_set(CodePages *cp, uint64_t paddr);
void code_page_clear(CodePages *cp, uint64_t paddr);

#endif
