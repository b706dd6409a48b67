/*
 * mem_helper.c — guest memory accesses that leave the inline TLB fast
 * path: the backends' load/store slow paths, the accesses of C helpers,
 * and the recording accesses of event delivery.
 *
 * An access is checked (canonical form in long mode, SDM Vol. 3A 3.3.7.1),
 * cut at a page boundary into byte-exact pieces, and every piece is
 * translated through the soft TLB (refilled by the page walker) before any
 * byte moves, so a #PF on the second page of a store leaves memory as it
 * was. RAM pieces go through the entry's host addend, the rest (MMIO, ROM
 * writes) through the board's bus with the physical address.
 *
 * A store to a page flagged TLB_NOTDIRTY may hit translated code: its TBs
 * are invalidated first, and if the running instruction's own TB was among
 * them (and the TB holds more than that one instruction), the store is not
 * done; the instruction restarts alone in a TB of its own, which then runs
 * to completion with the new code (QEMU's approach to self-modifying code).
 */
#include "frontend/helpers_internal.h"

#include <string.h>

/* One page's part of an access. */
typedef struct PagePiece {
    uint64_t la;
    uint64_t paddr;
    uint8_t *host; /* NULL: through the bus */
    bool notdirty; /* store: the page needs the code/dirty bookkeeping */
    bool watch;    /* a data breakpoint covers part of the page */
    unsigned len;
} PagePiece;

PagingRegs cpu_paging_regs(const CpuState *env)
{
    PagingRegs r = {
        .cr0 = env->cr[0],
        .cr3 = env->cr[3],
        .cr4 = env->cr[4],
        .efer = env->efer,
        .eflags_ac = (env->eflags & EFLAGS_AC) != 0,
        .a20_mask = env->a20_mask,
    };
    return r;
}

unsigned cpu_mmu_index(const CpuState *env)
{
    return cpu_mmu_index_for_cpl(env, cpu_cpl(env));
}

unsigned cpu_mmu_index_for_cpl(const CpuState *env, unsigned cpl)
{
    if (cpl == 3) {
        return MMU_USER;
    }
    return env->hflags & HF_SMAP ? MMU_KERNEL_SMAP : MMU_KERNEL;
}

unsigned cpu_mmu_index_kernel(const CpuState *env)
{
    return env->cr[4] & CR4_SMAP ? MMU_KERNEL_SMAP : MMU_KERNEL;
}

/* Bits 63:47 all equal (48-bit linear addresses, SDM Vol. 3A 3.3.7.1). */
static bool is_canonical(uint64_t la)
{
    return (uint64_t)((int64_t)(la << 16) >> 16) == la;
}

/* The linear address as the CPU forms it: #GP(0) recorded if not canonical
 * in long mode; 32 bits wide outside it. */
static bool normalize_la(CpuState *env, uint64_t *la)
{
    if (env->hflags & HF_LMA) {
        if (!is_canonical(*la)) {
            cpu_record_exception(env, EXC_GP, 0, true);
            return false;
        }
    } else {
        *la &= 0xffffffffull;
    }
    return true;
}

static uint64_t comparator(const TlbEntry *e, PagingAccess access)
{
    return access == ACCESS_READ ? e->addr_read
           : access == ACCESS_WRITE ? e->addr_write
                                    : e->addr_code;
}

/* Find or fill the TLB entry of la for access. NULL with *error_code set
 * for a #PF. */
static TlbEntry *tlb_lookup_fill(CpuState *env, uint64_t la, PagingAccess access,
                                 unsigned mmu_idx, uint32_t *error_code)
{
    TlbEntry *e = tlb_entry(&env->tlb, (MmuIndex)mmu_idx, la);
    uint64_t cmp = comparator(e, access);
    if ((cmp & (TLB_PAGE_MASK | TLB_INVALID)) == (la & TLB_PAGE_MASK)) {
        return e;
    }
    PagingRegs regs = cpu_paging_regs(env);
    return tlb_fill(&env->tlb, &regs, (MmuIndex)mmu_idx, la, access, error_code);
}

/* Translate one piece (within a page). false with the fault recorded. */
static bool translate_piece(CpuState *env, uint64_t la, unsigned len, PagingAccess access,
                            unsigned mmu_idx, PagePiece *p)
{
    uint32_t err = 0;
    TlbEntry *e = tlb_lookup_fill(env, la, access, mmu_idx, &err);
    if (!e) {
        env->cr[2] = la;
        cpu_record_exception(env, EXC_PF, err, true);
        return false;
    }
    unsigned slot = (la >> TLB_PAGE_BITS) & (TLB_SIZE - 1);
    uint64_t cmp = comparator(e, access);
    p->la = la;
    p->len = len;
    p->paddr = env->tlb.info[mmu_idx][slot].paddr | (la & ~TLB_PAGE_MASK);
    p->host = cmp & TLB_MMIO ? NULL : (uint8_t *)(uintptr_t)(la + e->addend);
    p->notdirty = access == ACCESS_WRITE && (cmp & TLB_NOTDIRTY);
    p->watch = cmp & TLB_WATCH;
    return true;
}

/* Translate an access of size bytes into one or two pieces. */
static bool translate_access(CpuState *env, uint64_t la, unsigned size, PagingAccess access,
                             unsigned mmu_idx, PagePiece p[2], unsigned *npieces)
{
    if (!normalize_la(env, &la)) {
        return false;
    }
    unsigned room = (unsigned)(TLB_PAGE_SIZE - (la & ~TLB_PAGE_MASK));
    if (size <= room) {
        *npieces = 1;
        return translate_piece(env, la, size, access, mmu_idx, &p[0]);
    }
    uint64_t la2 = la + room;
    if (!normalize_la(env, &la2)) {
        return false;
    }
    *npieces = 2;
    return translate_piece(env, la, room, access, mmu_idx, &p[0]) &&
           translate_piece(env, la2, size - room, access, mmu_idx, &p[1]);
}

static uint64_t bus_read(CpuState *env, uint64_t paddr, unsigned size)
{
    if (env->bus.mmio_read) {
        return env->bus.mmio_read(env->bus.opaque, paddr, size);
    }
    return as_load(env->mem, paddr, size);
}

static void bus_write(CpuState *env, uint64_t paddr, uint64_t value, unsigned size)
{
    if (env->bus.mmio_write) {
        env->bus.mmio_write(env->bus.opaque, paddr, value, size);
    } else {
        as_store(env->mem, paddr, value, size);
    }
}

static uint64_t piece_load(CpuState *env, const PagePiece *p)
{
    uint64_t v = 0;
    if (p->host) {
        /* Guest and supported hosts are little-endian. */
        memcpy(&v, p->host, p->len);
        return v;
    }
    if (p->len == 1 || p->len == 2 || p->len == 4 || p->len == 8) {
        return bus_read(env, p->paddr, p->len);
    }
    for (unsigned i = 0; i < p->len; i++) {
        v |= bus_read(env, p->paddr + i, 1) << (8 * i);
    }
    return v;
}

static void piece_store(CpuState *env, const PagePiece *p, uint64_t value)
{
    if (p->host) {
        memcpy(p->host, &value, p->len);
        return;
    }
    if (p->len == 1 || p->len == 2 || p->len == 4 || p->len == 8) {
        bus_write(env, p->paddr, value, p->len);
        return;
    }
    for (unsigned i = 0; i < p->len; i++) {
        bus_write(env, p->paddr + i, (value >> (8 * i)) & 0xff, 1);
    }
}

/* Physical address of the running instruction (its first byte), or -1. */
static uint64_t running_phys(CpuState *env)
{
    uint64_t pc = env->segs[R_CS].base + env->exec.fault_pc;
    if (!(env->hflags & HF_CS64)) {
        pc &= 0xffffffffull;
    }
    uint32_t err;
    unsigned idx = cpu_mmu_index(env);
    TlbEntry *e = tlb_lookup_fill(env, pc, ACCESS_FETCH, idx, &err);
    if (!e) {
        return UINT64_MAX;
    }
    unsigned slot = (pc >> TLB_PAGE_BITS) & (TLB_SIZE - 1);
    return env->tlb.info[idx][slot].paddr | (pc & ~TLB_PAGE_MASK);
}

/*
 * Before a store to a TLB_NOTDIRTY piece: drop the TBs whose code it
 * overwrites. With in_tb (a store of generated code or of a helper it
 * called), restart the running instruction alone if its TB is among them.
 */
static void notdirty_before(CpuState *env, const PagePiece *p, bool in_tb)
{
    TbCache *c = env->exec.cache;
    if (!c || !tb_page_has_code(c, p->paddr)) {
        return;
    }
    uint64_t running = in_tb ? running_phys(env) : UINT64_MAX;
    bool hit = false;
    pthread_mutex_lock(&c->lock);
    tb_invalidate_phys_range(c, p->paddr, p->paddr + p->len, running, &hit);
    pthread_mutex_unlock(&c->lock);
    exec_jmp_cache_clear(&env->exec);
    if (hit && in_tb && (env->exec.cur_cflags & TB_CF_COUNT_MASK) != 1) {
        env->rip = env->exec.fault_pc;
        env->exec.cflags_next = 1 | TB_CF_NOIRQ;
        exec_raise(&env->exec);
    }
}

/* After the store: dirty logging, and the fast path back for the entry of
 * a page that holds no code and is not dirty-logged any more. */
static void notdirty_after(CpuState *env, const PagePiece *p, unsigned mmu_idx)
{
    as_dirty_mark(env->mem, p->paddr, p->len);
    if (env->tlb.code && code_page_test(env->tlb.code, p->paddr)) {
        return;
    }
    const FlatRange *fr = as_lookup(env->mem, p->paddr);
    if (!fr || fr->region->dirty) {
        return;
    }
    TlbEntry *e = tlb_entry(&env->tlb, (MmuIndex)mmu_idx, p->la);
    if ((e->addr_write & (TLB_PAGE_MASK | TLB_INVALID)) == (p->la & TLB_PAGE_MASK)) {
        e->addr_write &= ~TLB_NOTDIRTY;
    }
}

/* Data breakpoints on the pieces of an access by the running instruction
 * (debug_helper.c; event delivery's own accesses are not checked). */
static void check_watch(CpuState *env, const PagePiece *p, unsigned n, uint64_t la, unsigned size,
                        bool write)
{
    if (p[0].watch || (n == 2 && p[1].watch)) {
        cpu_check_watch(env, la, size, write);
    }
}

static bool do_load(CpuState *env, uint64_t la, unsigned size, unsigned mmu_idx, uint64_t *value,
                    bool in_tb)
{
    PagePiece p[2];
    unsigned n;
    if (!translate_access(env, la, size, ACCESS_READ, mmu_idx, p, &n)) {
        return false;
    }
    if (in_tb) {
        check_watch(env, p, n, p[0].la, size, false);
    }
    uint64_t v = piece_load(env, &p[0]);
    if (n == 2) {
        v |= piece_load(env, &p[1]) << (8 * p[0].len);
    }
    *value = v;
    return true;
}

static bool do_store(CpuState *env, uint64_t la, uint64_t value, unsigned size,
                     unsigned mmu_idx, bool in_tb)
{
    PagePiece p[2];
    unsigned n;
    if (!translate_access(env, la, size, ACCESS_WRITE, mmu_idx, p, &n)) {
        return false;
    }
    if (in_tb) {
        check_watch(env, p, n, p[0].la, size, true);
    }
    for (unsigned i = 0; i < n; i++) {
        if (p[i].notdirty) {
            notdirty_before(env, &p[i], in_tb);
        }
    }
    piece_store(env, &p[0], value);
    if (n == 2) {
        piece_store(env, &p[1], value >> (8 * p[0].len));
    }
    for (unsigned i = 0; i < n; i++) {
        if (p[i].notdirty) {
            notdirty_after(env, &p[i], mmu_idx);
        }
    }
    return true;
}

bool cpu_ld_rec(CpuState *env, uint64_t la, unsigned size, unsigned mmu_idx, uint64_t *value)
{
    return do_load(env, la, size, mmu_idx, value, false);
}

bool cpu_st_rec(CpuState *env, uint64_t la, uint64_t value, unsigned size, unsigned mmu_idx)
{
    return do_store(env, la, value, size, mmu_idx, false);
}

uint64_t cpu_ld(CpuState *env, uint64_t la, unsigned size, unsigned mmu_idx)
{
    uint64_t v;
    if (!do_load(env, la, size, mmu_idx, &v, true)) {
        cpu_raise_recorded(env);
    }
    return v;
}

void cpu_st(CpuState *env, uint64_t la, uint64_t value, unsigned size, unsigned mmu_idx)
{
    if (!do_store(env, la, value, size, mmu_idx, true)) {
        cpu_raise_recorded(env);
    }
}

uint64_t cpu_load_slow(void *opaque, uint64_t la, uint32_t memop, uint32_t mmu_idx)
{
    CpuState *env = opaque;
    unsigned size = memop & IR_MO_SIZE_MASK;
    uint64_t v = cpu_ld(env, la, size, mmu_idx);
    if ((memop & IR_MO_SIGN) && size < 8) {
        unsigned shift = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << shift) >> shift);
    }
    return v;
}

void cpu_store_slow(void *opaque, uint64_t la, uint64_t value, uint32_t memop, uint32_t mmu_idx)
{
    cpu_st(opaque, la, value, memop & IR_MO_SIZE_MASK, mmu_idx);
}

uint8_t *cpu_host_ptr(CpuState *env, uint64_t la, unsigned len, PagingAccess access,
                      unsigned mmu_idx)
{
    if (!normalize_la(env, &la)) {
        cpu_raise_recorded(env);
    }
    PagePiece p;
    if (!translate_piece(env, la, len, access, mmu_idx, &p)) {
        cpu_raise_recorded(env);
    }
    if (!p.host || p.notdirty || p.watch) {
        return NULL;
    }
    return p.host;
}

void helper_probe_write(CpuState *env, uint64_t la, uint32_t size)
{
    PagePiece p[2];
    unsigned n;
    if (!translate_access(env, la, size, ACCESS_WRITE, cpu_mmu_index(env), p, &n)) {
        cpu_raise_recorded(env);
    }
}

void cpu_probe_read(CpuState *env, uint64_t la, uint32_t size)
{
    PagePiece p[2];
    unsigned n;
    if (!translate_access(env, la, size, ACCESS_READ, cpu_mmu_index(env), p, &n)) {
        cpu_raise_recorded(env);
    }
}

uint64_t cpu_fetch_phys(CpuState *env, uint64_t pc)
{
    if (!normalize_la(env, &pc)) {
        return UINT64_MAX;
    }
    uint32_t err = 0;
    unsigned idx = cpu_mmu_index(env);
    TlbEntry *e = tlb_lookup_fill(env, pc, ACCESS_FETCH, idx, &err);
    if (!e) {
        env->cr[2] = pc;
        cpu_record_exception(env, EXC_PF, err, true);
        return UINT64_MAX;
    }
    unsigned slot = (pc >> TLB_PAGE_BITS) & (TLB_SIZE - 1);
    return env->tlb.info[idx][slot].paddr | (pc & ~TLB_PAGE_MASK);
}
