/*
 * The page walker (SDM Vol. 3A 4.3 32-bit paging, 4.4 PAE paging, 4.5
 * 4-level paging, 4.6 access rights, 4.7 page-fault exceptions, 4.8 accessed
 * and dirty flags).
 *
 * One loop serves every mode: a mode is a list of levels, each saying which
 * linear-address bits index it, how wide its entries are, which bits are
 * reserved, and whether PS may end the walk there. Accessed flags of the
 * non-leaf entries are set as the walk uses them; the leaf's accessed and
 * dirty flags only once the access is known to be allowed (as QEMU does, so
 * the two agree on guests that inspect A/D after a fault).
 */
#include "softmmu/paging.h"

#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_XD (1ull << 63)

/* Bits 51:MAXPHYADDR of a 64-bit entry must be zero. */
#define PHYS_HIGH_RSVD (((1ull << 52) - 1) & ~((1ull << PAGING_MAXPHYADDR) - 1))
/* The frame address bits of a 64-bit entry. */
#define PHYS_FRAME (((1ull << PAGING_MAXPHYADDR) - 1) & ~0xfffull)

typedef struct Level {
    unsigned shift;      /* lowest linear-address bit this level translates */
    unsigned index_bits; /* how many bits index the table */
    bool wide;           /* 8-byte entries (PAE, 4-level) rather than 4-byte */
    bool may_be_leaf;    /* PS=1 maps a large page here */
    bool has_rights;     /* R/W and U/S count (not in PAE's PDPTEs) */
    uint64_t rsvd;       /* reserved bits in any present entry */
    uint64_t rsvd_large; /* further reserved bits when PS=1 */
} Level;

/* 4-level paging, highest level first. PS in a PML4E is reserved. */
static const Level levels_4level[] = {
    {39, 9, true, false, true, PHYS_HIGH_RSVD | PTE_PS, 0},
    {30, 9, true, true, true, PHYS_HIGH_RSVD, 0x3fffe000ull}, /* 1 GiB: bits 29:13 */
    {21, 9, true, true, true, PHYS_HIGH_RSVD, 0x1fe000ull},   /* 2 MiB: bits 20:13 */
    {12, 9, true, false, true, PHYS_HIGH_RSVD, 0},
};

/* PAE paging: four PDPTEs without rights bits (bits 2:1, 8:5 and XD reserved).
 * Bits 62:52, ignored in 4-level entries, are reserved in PAE ones: every PAE
 * entry reserves bits 62:MAXPHYADDR (SDM Vol. 3A Tables 4-8 to 4-11). */
#define PAE_RSVD_62_52 (0x7ffull << 52)
static const Level levels_pae[] = {
    {30, 2, true, false, false, PHYS_HIGH_RSVD | PAE_RSVD_62_52 | 0x1e6ull | PTE_XD, 0},
    {21, 9, true, true, true, PHYS_HIGH_RSVD | PAE_RSVD_62_52, 0x1fe000ull},
    {12, 9, true, false, true, PHYS_HIGH_RSVD | PAE_RSVD_62_52, 0},
};

/* 32-bit paging. With PSE a PDE maps 4 MiB; PSE-36 puts physical bits 39:32
 * in PDE bits 20:13, and bit 21 is reserved. */
static const Level levels_32bit[] = {
    {22, 10, false, true, true, 0, 1ull << 21},
    {12, 10, false, false, true, 0, 0},
};

/* Physical address of the large page a leaf entry maps. */
static uint64_t large_frame(const Level *lv, uint64_t e)
{
    if (!lv->wide) {
        return (e & 0xffc00000ull) | ((e & 0x1fe000ull) << 19);
    }
    return e & PHYS_FRAME & ~((1ull << lv->shift) - 1);
}

static uint64_t load_entry(const AddressSpace *mem, uint64_t addr, bool wide)
{
    return as_load(mem, addr, wide ? 8 : 4);
}

/* Set flags in an entry. A and D sit in the low dword in every format.
 * TODO: make this a host compare-and-swap on RAM once vCPUs run in
 * parallel, so a racing walker's update is never lost (issue 4). */
static void set_entry_flags(const AddressSpace *mem, uint64_t addr, uint64_t entry, uint64_t flags)
{
    if ((entry & flags) != flags) {
        as_store(mem, addr, (uint32_t)(entry | flags), 4);
    }
}

bool paging_translate(const AddressSpace *mem, const PagingRegs *regs, uint64_t la,
                      PagingAccess access, PagingPriv priv, PagingResult *out)
{
    bool long_mode = regs->efer & EFER_LMA;
    if (!(regs->cr0 & CR0_PG)) {
        out->paddr = (long_mode ? la : (la & 0xffffffffull)) & regs->a20_mask;
        out->page_size = 4096;
        out->prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        out->global = false;
        out->error_code = 0;
        return true;
    }

    const Level *levels;
    size_t nlevels;
    uint64_t table;
    bool pae = regs->cr4 & CR4_PAE;
    if (!pae) {
        levels = levels_32bit;
        nlevels = 2;
        table = regs->cr3 & 0xfffff000ull;
    } else if (long_mode) {
        levels = levels_4level;
        nlevels = 4;
        table = regs->cr3 & PHYS_FRAME;
    } else {
        levels = levels_pae;
        nlevels = 3;
        table = regs->cr3 & 0xffffffe0ull;
    }
    if (!long_mode) {
        la &= 0xffffffffull;
    }
    bool nxe = pae && (regs->efer & EFER_NXE);
    bool user = priv == PRIV_USER;

    uint32_t err = (access == ACCESS_WRITE ? PF_ERR_W : 0) | (user ? PF_ERR_U : 0);
    if (access == ACCESS_FETCH && (nxe || (regs->cr4 & CR4_SMEP))) {
        err |= PF_ERR_I;
    }

    bool rw = true, us = true, xd = false;
    uint64_t entry = 0, entry_addr = 0;
    const Level *lv = NULL;
    for (size_t i = 0; i < nlevels; i++) {
        lv = &levels[i];
        uint64_t index = (la >> lv->shift) & ((1ull << lv->index_bits) - 1);
        entry_addr = (table + index * (lv->wide ? 8 : 4)) & regs->a20_mask;
        entry = load_entry(mem, entry_addr, lv->wide);
        if (!(entry & PTE_P)) {
            out->error_code = err;
            return false;
        }
        uint64_t rsvd = lv->rsvd | (nxe || !lv->wide ? 0 : PTE_XD);
        bool large = lv->may_be_leaf && (entry & PTE_PS) && (lv->wide || (regs->cr4 & CR4_PSE));
        if (large) {
            rsvd |= lv->rsvd_large;
        }
        if (entry & rsvd) {
            out->error_code = err | PF_ERR_P | PF_ERR_RSVD;
            return false;
        }
        if (lv->has_rights) {
            rw &= (entry & PTE_RW) != 0;
            us &= (entry & PTE_US) != 0;
        }
        xd |= nxe && (entry & PTE_XD);
        if (large || i + 1 == nlevels) {
            break;
        }
        /* A non-leaf entry is used: mark it accessed (PAE PDPTEs have no A bit). */
        if (lv->has_rights) {
            set_entry_flags(mem, entry_addr, entry, PTE_A);
        }
        table = lv->wide ? (entry & PHYS_FRAME) : (entry & 0xfffff000ull);
    }

    /* Access rights (SDM Vol. 3A 4.6.1). */
    bool smap_blocks =
        us && (regs->cr4 & CR4_SMAP) && !user && (priv == PRIV_IMPLICIT || !regs->eflags_ac);
    bool wp = regs->cr0 & CR0_WP;
    bool can_read = user ? us : !smap_blocks;
    bool can_write = can_read && (rw || (!user && !wp));
    bool can_exec = !xd && (user ? us : !(us && (regs->cr4 & CR4_SMEP)));
    bool allowed = access == ACCESS_READ ? can_read : access == ACCESS_WRITE ? can_write : can_exec;
    if (!allowed) {
        out->error_code = err | PF_ERR_P;
        return false;
    }

    uint64_t flags = PTE_A | (access == ACCESS_WRITE ? PTE_D : 0);
    set_entry_flags(mem, entry_addr, entry, flags);
    entry |= flags;

    uint64_t size = 1ull << lv->shift;
    uint64_t frame = (lv->shift > 12) ? large_frame(lv, entry)
                                      : (lv->wide ? entry & PHYS_FRAME : entry & 0xfffff000ull);
    out->paddr = (frame | (la & (size - 1))) & regs->a20_mask;
    out->page_size = size;
    out->global = (entry & PTE_G) && (regs->cr4 & CR4_PGE);
    /* Until the page is dirty, writes must come back here to set D. */
    out->prot = (can_read ? PAGE_READ : 0) | (can_write && (entry & PTE_D) ? PAGE_WRITE : 0) |
                (can_exec ? PAGE_EXEC : 0);
    out->error_code = 0;
    return true;
}
