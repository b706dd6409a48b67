/*
 * tb.c — the translation cache: TB records, the hash table that finds them
 * by key, the per-physical-page lists that find them for invalidation, and
 * the chaining edges between them (tb.h has the data structures).
 *
 * Concurrency (DESIGN.md, Threads): every function here except tb_lookup
 * and tb_page_has_code is called with c->lock, the translation lock, held.
 * tb_lookup takes no lock: TBs are published into hash buckets with release
 * stores and chains are read with acquire loads; a TB removed from a bucket
 * keeps its hash_next, so a reader standing on it walks on safely, and its
 * record is not reused before the next tb_flush. tb_flush itself must run
 * while no vCPU is inside generated code or a lookup (an exclusive section
 * of the execution loop), since it recycles every record at once.
 *
 * Physical pages at or above the phys_size given to tb_cache_init (ROM and
 * MMIO above RAM) are not tracked: guest stores cannot modify them.
 */
#include "translator/tb.h"
#include "translator/backend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TB_PAGE_BITS 12
#define TB_PAGE_SIZE (1ull << TB_PAGE_BITS)
#define TB_NO_PAGE UINT64_MAX

/* One TB record per this many bytes of code buffer, at least TB_ARENA_MIN. */
#define TB_CODE_BYTES_PER_TB 256
#define TB_ARENA_MIN 4096

static inline uint64_t page_of(uint64_t paddr)
{
    return paddr >> TB_PAGE_BITS;
}

static uint32_t tb_hash(const TbCache *c, uint64_t phys_pc, uint64_t pc, uint64_t cs_base,
                        uint32_t flags, uint32_t cflags)
{
    /* Multiply-xor mixing of every key field; the top bits are the best mixed. */
    uint64_t h = phys_pc * 0x9e3779b97f4a7c15ull;
    h ^= pc * 0xc2b2ae3d27d4eb4full;
    h ^= cs_base * 0x165667b19e3779f9ull;
    h ^= ((uint64_t)flags << 32 | cflags) * 0xd6e8feb86659fd93ull;
    h ^= h >> 31;
    h *= 0x94d049bb133111ebull;
    return (uint32_t)(h >> (64 - c->hash_bits));
}

static uint32_t tb_hash_of(const TbCache *c, const TranslationBlock *tb)
{
    return tb_hash(c, tb->phys_pc, tb->pc, tb->cs_base, tb->flags, tb->cflags);
}

/* ---- life of the cache ---------------------------------------------------- */

int tb_cache_init(TbCache *c, const Backend *backend, const struct BackendConfig *cfg,
                  size_t code_size, uint64_t phys_size)
{
    memset(c, 0, sizeof(*c));
    int err = -pthread_mutex_init(&c->lock, NULL);
    if (err) {
        return err;
    }
    err = code_buffer_init(&c->code, code_size);
    if (err) {
        goto out_lock;
    }
    c->backend = backend;
    err = backend->init(&c->backend_state, cfg, &c->code);
    if (err) {
        goto out_code;
    }
    if (c->code.used < c->code.reserved) {
        c->code.used = c->code.reserved;
    }

    c->arena_cap = c->code.size / TB_CODE_BYTES_PER_TB;
    if (c->arena_cap < TB_ARENA_MIN) {
        c->arena_cap = TB_ARENA_MIN;
    }
    /* calloc'ed memory is mapped lazily: records cost nothing until used. */
    c->arena = calloc(c->arena_cap, sizeof(*c->arena));
    /* About two records per bucket when the arena is full. */
    c->hash_bits = 10;
    while (c->hash_bits < 22 && (1ull << c->hash_bits) < c->arena_cap / 2) {
        c->hash_bits++;
    }
    c->hash = calloc(1ull << c->hash_bits, sizeof(*c->hash));
    c->npages = (phys_size + TB_PAGE_SIZE - 1) >> TB_PAGE_BITS;
    c->page_tbs = calloc(c->npages ? c->npages : 1, sizeof(*c->page_tbs));
    if (!c->arena || !c->hash || !c->page_tbs) {
        err = -ENOMEM;
        goto out_tables;
    }
    return 0;

out_tables:
    free(c->arena);
    free(c->hash);
    free(c->page_tbs);
    backend->destroy(c->backend_state);
out_code:
    code_buffer_destroy(&c->code);
out_lock:
    pthread_mutex_destroy(&c->lock);
    memset(c, 0, sizeof(*c));
    return err;
}

void tb_cache_destroy(TbCache *c)
{
    if (c->backend) {
        c->backend->destroy(c->backend_state);
    }
    code_buffer_destroy(&c->code);
    free(c->arena);
    free(c->hash);
    free(c->page_tbs);
    pthread_mutex_destroy(&c->lock);
    memset(c, 0, sizeof(*c));
}

/* ---- lookup and insertion ------------------------------------------------- */

TranslationBlock *tb_lookup(TbCache *c, uint64_t phys_pc, uint64_t pc, uint64_t cs_base,
                            uint32_t flags, uint32_t cflags)
{
    /* Lock-free: see the file comment. */
    uint32_t h = tb_hash(c, phys_pc, pc, cs_base, flags, cflags);
    TranslationBlock *tb = __atomic_load_n(&c->hash[h], __ATOMIC_ACQUIRE);
    for (; tb; tb = __atomic_load_n(&tb->hash_next, __ATOMIC_ACQUIRE)) {
        if (tb->phys_pc == phys_pc && tb->pc == pc && tb->cs_base == cs_base &&
            tb->flags == flags && tb->cflags == cflags &&
            !__atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
            return tb;
        }
    }
    return NULL;
}

TranslationBlock *tb_alloc(TbCache *c)
{
    /* Lock held. */
    if (c->arena_used >= c->arena_cap) {
        return NULL;
    }
    TranslationBlock *tb = &c->arena[c->arena_used++];
    memset(tb, 0, sizeof(*tb));
    tb->page_addr[0] = TB_NO_PAGE;
    tb->page_addr[1] = TB_NO_PAGE;
    for (int n = 0; n < 2; n++) {
        tb->jmp_insn_offset[n] = UINT32_MAX;
        tb->jmp_reset_offset[n] = UINT32_MAX;
    }
    return tb;
}

/* Whether tb sits in the page list of page_addr[n]. */
static bool tb_in_page_list(const TbCache *c, const TranslationBlock *tb, int n)
{
    if (tb->page_addr[n] == TB_NO_PAGE) {
        return false;
    }
    if (n == 1 && page_of(tb->page_addr[1]) == page_of(tb->page_addr[0])) {
        return false; /* one page, listed once */
    }
    return page_of(tb->page_addr[n]) < c->npages;
}

/* Which page_next[] of tb continues the list of page p. */
static int tb_page_slot(const TranslationBlock *tb, uint64_t p)
{
    return page_of(tb->page_addr[0]) == p ? 0 : 1;
}

static void page_changed(TbCache *c, uint64_t p, bool has_code)
{
    if (c->code_page_changed) {
        c->code_page_changed(c->code_page_opaque, p << TB_PAGE_BITS, has_code);
    }
}

void tb_insert(TbCache *c, TranslationBlock *tb)
{
    /* Lock held. Pages first, so the soft MMU watches a page for stores
     * before any vCPU can find code translated from it. */
    for (int n = 0; n < 2; n++) {
        if (!tb_in_page_list(c, tb, n)) {
            continue;
        }
        uint64_t p = page_of(tb->page_addr[n]);
        TranslationBlock *head = c->page_tbs[p];
        tb->page_next[n] = head;
        __atomic_store_n(&c->page_tbs[p], tb, __ATOMIC_RELEASE);
        if (!head) {
            page_changed(c, p, true);
        }
    }
    uint32_t h = tb_hash_of(c, tb);
    tb->hash_next = c->hash[h];
    __atomic_store_n(&c->hash[h], tb, __ATOMIC_RELEASE);
}

/* ---- chaining --------------------------------------------------------------- */

void tb_link(TbCache *c, TranslationBlock *src, int slot, TranslationBlock *dst)
{
    /* Lock held. */
    if (slot < 0 || slot > 1 || src->jmp_insn_offset[slot] == UINT32_MAX) {
        return;
    }
    if ((src->cflags | dst->cflags) & TB_CF_NOCHAIN) {
        return;
    }
    if (src->jmp_dest[slot] || src->invalid || dst->invalid) {
        return;
    }
    c->backend->patch_jump(c->backend_state, &c->code, src, slot, dst);
    __atomic_store_n(&src->jmp_dest[slot], dst, __ATOMIC_RELEASE);
    src->jmp_next[slot] = dst->jmp_incoming;
    dst->jmp_incoming = (uintptr_t)src | (uintptr_t)slot;
    c->chained++;
}

/* Point src's slot back at its exit to the loop. */
static void tb_unlink_slot(TbCache *c, TranslationBlock *src, int slot)
{
    c->backend->patch_jump(c->backend_state, &c->code, src, slot, NULL);
    __atomic_store_n(&src->jmp_dest[slot], NULL, __ATOMIC_RELEASE);
    src->jmp_next[slot] = 0;
}

/* Drop the edge (src, slot) from dst's incoming list. */
static void tb_incoming_remove(TranslationBlock *dst, const TranslationBlock *src, int slot)
{
    uintptr_t want = (uintptr_t)src | (uintptr_t)slot;
    uintptr_t *pp = &dst->jmp_incoming;
    while (*pp) {
        TranslationBlock *s = (TranslationBlock *)(*pp & ~(uintptr_t)1);
        int n = (int)(*pp & 1);
        if (*pp == want) {
            *pp = s->jmp_next[n];
            return;
        }
        pp = &s->jmp_next[n];
    }
}

/* ---- invalidation ------------------------------------------------------------- */

static void hash_remove(TbCache *c, TranslationBlock *tb)
{
    TranslationBlock **pp = &c->hash[tb_hash_of(c, tb)];
    while (*pp && *pp != tb) {
        pp = &(*pp)->hash_next;
    }
    if (*pp) {
        /* tb->hash_next stays: a lock-free reader on tb walks on. */
        __atomic_store_n(pp, tb->hash_next, __ATOMIC_RELEASE);
    }
}

static void page_remove(TbCache *c, TranslationBlock *tb, int n)
{
    uint64_t p = page_of(tb->page_addr[n]);
    TranslationBlock **pp = &c->page_tbs[p];
    while (*pp && *pp != tb) {
        pp = &(*pp)->page_next[tb_page_slot(*pp, p)];
    }
    if (!*pp) {
        return;
    }
    __atomic_store_n(pp, tb->page_next[n], __ATOMIC_RELEASE);
    tb->page_next[n] = NULL;
    if (!c->page_tbs[p]) {
        page_changed(c, p, false);
    }
}

void tb_invalidate(TbCache *c, TranslationBlock *tb)
{
    /* Lock held. */
    if (tb->invalid) {
        return;
    }
    __atomic_store_n(&tb->invalid, true, __ATOMIC_RELEASE);
    hash_remove(c, tb);
    for (int n = 0; n < 2; n++) {
        if (tb_in_page_list(c, tb, n)) {
            page_remove(c, tb, n);
        }
    }
    /* Jumps into tb go back to their exits. */
    uintptr_t e = tb->jmp_incoming;
    while (e) {
        TranslationBlock *src = (TranslationBlock *)(e & ~(uintptr_t)1);
        int n = (int)(e & 1);
        e = src->jmp_next[n];
        tb_unlink_slot(c, src, n);
    }
    tb->jmp_incoming = 0;
    /* And tb's own jumps: a vCPU still inside tb leaves at its end. */
    for (int n = 0; n < 2; n++) {
        TranslationBlock *dst = tb->jmp_dest[n];
        if (dst) {
            tb_incoming_remove(dst, tb, n);
            tb_unlink_slot(c, tb, n);
        }
    }
    c->invalidations++;
}

/* Whether tb's guest code has a byte in [start, end). Its first part runs
 * from phys_pc to the end of that page at most; the rest, if any, lies at
 * the start of page_addr[1]. */
static bool tb_overlaps(const TranslationBlock *tb, uint64_t start, uint64_t end)
{
    uint64_t size = tb->size ? tb->size : 1;
    uint64_t first_room = TB_PAGE_SIZE - (tb->phys_pc & (TB_PAGE_SIZE - 1));
    uint64_t len0 = size < first_room ? size : first_room;
    if (tb->phys_pc < end && start < tb->phys_pc + len0) {
        return true;
    }
    if (len0 < size && tb->page_addr[1] != TB_NO_PAGE) {
        uint64_t base = tb->page_addr[1] & ~(TB_PAGE_SIZE - 1);
        return base < end && start < base + (size - len0);
    }
    return false;
}

unsigned tb_invalidate_phys_range(TbCache *c, uint64_t start, uint64_t end, uint64_t running,
                                  bool *hit_running)
{
    /* Lock held. */
    if (hit_running) {
        *hit_running = false;
    }
    if (end <= start) {
        return 0;
    }
    unsigned count = 0;
    uint64_t last = page_of(end - 1);
    for (uint64_t p = page_of(start); p <= last && p < c->npages; p++) {
        TranslationBlock *tb = c->page_tbs[p];
        while (tb) {
            /* tb_invalidate unlinks only tb: its successor stays valid. */
            TranslationBlock *next = tb->page_next[tb_page_slot(tb, p)];
            if (tb_overlaps(tb, start, end)) {
                if (hit_running && tb_overlaps(tb, running, running + 1)) {
                    *hit_running = true;
                }
                tb_invalidate(c, tb);
                count++;
            }
            tb = next;
        }
    }
    return count;
}

bool tb_page_has_code(const TbCache *c, uint64_t paddr)
{
    uint64_t p = page_of(paddr);
    return p < c->npages && __atomic_load_n(&c->page_tbs[p], __ATOMIC_ACQUIRE) != NULL;
}

void tb_flush(TbCache *c)
{
    /* Lock held, and no vCPU in generated code (see the file comment). */
    for (size_t i = 0; i < c->arena_used; i++) {
        const TranslationBlock *tb = &c->arena[i];
        for (int n = 0; n < 2; n++) {
            if (!tb_in_page_list(c, tb, n)) {
                continue;
            }
            uint64_t p = page_of(tb->page_addr[n]);
            if (c->page_tbs[p]) {
                __atomic_store_n(&c->page_tbs[p], NULL, __ATOMIC_RELEASE);
                page_changed(c, p, false);
            }
        }
    }
    memset(c->hash, 0, (sizeof(*c->hash)) << c->hash_bits);
    c->arena_used = 0;
    c->code.used = c->code.reserved;
    c->flushes++;
    if (c->flushed) {
        c->flushed(c->flushed_opaque);
    }
}
