/*
 * tb.h — translation blocks and the translation cache.
 *
 * A TranslationBlock (TB) is the host code for a run of guest instructions
 * starting at one guest PC under one set of CPU-mode flags. The cache finds
 * TBs by (guest physical PC, virtual PC, CS base, flags, cflags) in a hash
 * table, and per vCPU through a direct-mapped jump cache indexed by the
 * virtual PC. TBs are chained: a GOTO_TB exit, once its target exists, is
 * patched into a direct jump; invalidating a TB unpatches every jump into
 * it. Invalidation is by guest physical page (self-modifying code). When
 * the code buffer fills, the whole cache is flushed at once.
 *
 * Locking: translation, chaining and invalidation happen under one
 * translation lock (TbCache.lock); lookups in the jump cache are per vCPU.
 */
#ifndef RX86_TRANSLATOR_TB_H
#define RX86_TRANSLATOR_TB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* cflags: how a TB was translated (part of the key). */
#define TB_CF_COUNT_MASK 0x1ffu  /* max guest instructions; 0 = the default cap */
#define TB_CF_NOCHAIN 0x200u     /* never chain into or out of this TB */
#define TB_CF_NOIRQ 0x400u       /* runs with the interrupt check off (SMC restart) */
#define TB_CF_SINGLE_STEP 0x800u /* EFLAGS.TF or gdb stepping: one insn, exits after it */

#define TB_MAX_INSNS 512

typedef struct TranslationBlock TranslationBlock;

struct TranslationBlock {
    /* the key */
    uint64_t pc;      /* guest linear PC of the first instruction */
    uint64_t cs_base; /* guest CS base */
    uint32_t flags;   /* guest mode flags the code depends on */
    uint32_t cflags;  /* TB_CF_* */
    uint64_t phys_pc; /* guest physical address of pc */

    /* guest code covered: one or two physical pages (page_addr[1] = -1 if one) */
    uint64_t page_addr[2];
    uint32_t size;   /* guest bytes */
    uint32_t icount; /* guest instructions */

    /* host code */
    void *code;         /* entry, in the executable mapping */
    uint32_t code_size;
    /* Chaining. For slot n (GOTO_TB n): jmp_insn_offset[n] is the offset in
     * code of the patchable jump (the backend's to patch), jmp_reset_offset[n]
     * the offset of the code that returns IR_EXIT_SLOTn to the loop (what an
     * unlinked jump points at). UINT32_MAX when the TB has no such slot. */
    uint32_t jmp_insn_offset[2];
    uint32_t jmp_reset_offset[2];
    TranslationBlock *jmp_dest[2]; /* TB linked from slot n, or NULL */
    /* Incoming jumps: a list of (tb, slot) pairs linked to this TB, as tagged
     * pointers (TB address | slot), through jmp_next[slot] of each source. */
    uintptr_t jmp_incoming;
    uintptr_t jmp_next[2];

    /* membership */
    TranslationBlock *hash_next;   /* hash bucket chain */
    TranslationBlock *page_next[2]; /* per physical page lists, for page_addr[n] */
    bool invalid;                   /* invalidated: never entered again */

    /* For the interpreter backend and debugging: the IR kept for this TB. */
    const void *ir_ops;
    uint32_t ir_nops;
    const void *ir_temps;
    uint32_t ir_ntemps;
};

/* The per-vCPU jump cache: direct mapped on the virtual PC. */
#define TB_JMP_CACHE_BITS 12
#define TB_JMP_CACHE_SIZE (1u << TB_JMP_CACHE_BITS)

static inline uint32_t tb_jmp_cache_hash(uint64_t pc)
{
    /* The backends inline exactly this: keep them in step. */
    return (uint32_t)(pc ^ (pc >> TB_JMP_CACHE_BITS)) & (TB_JMP_CACHE_SIZE - 1);
}

/*
 * The code buffer: one memfd mapped twice, read-write for the emitter and
 * read-execute for running, so no page is ever writable and executable
 * through one mapping. Where memfd is unavailable it falls back to one RWX
 * mapping only if the host allows it (and says so once on stderr).
 */
typedef struct CodeBuffer {
    uint8_t *rw;     /* where the emitter writes */
    uint8_t *rx;     /* where the same bytes execute */
    size_t size;
    size_t reserved; /* bytes at the start kept across flushes (prologue) */
    size_t used;     /* next free byte */
    int fd;
} CodeBuffer;

int code_buffer_init(CodeBuffer *cb, size_t size) __attribute__((warn_unused_result));
void code_buffer_destroy(CodeBuffer *cb);
/* The executable address of rw pointer p, and back. */
static inline void *code_rx(const CodeBuffer *cb, const void *rw_ptr)
{
    return cb->rx + ((const uint8_t *)rw_ptr - cb->rw);
}
static inline void *code_rw(const CodeBuffer *cb, const void *rx_ptr)
{
    return cb->rw + ((const uint8_t *)rx_ptr - cb->rx);
}

typedef struct Backend Backend;

/* The translation cache, shared by all vCPUs. */
typedef struct TbCache {
    pthread_mutex_t lock; /* the translation lock */
    CodeBuffer code;
    const Backend *backend;
    void *backend_state;

    TranslationBlock **hash; /* buckets */
    uint32_t hash_bits;
    /* TB records live in an arena reset at each flush. */
    TranslationBlock *arena;
    size_t arena_cap, arena_used;
    /* Per physical page: the first TB whose code lies in it (index = paddr >> 12). */
    TranslationBlock **page_tbs;
    uint64_t npages;

    /* Called for every physical page that gains or loses its last TB, so
     * the soft MMU can track code pages (set = true: the page now has code). */
    void (*code_page_changed)(void *opaque, uint64_t paddr, bool has_code);
    void *code_page_opaque;
    /* Called after a full flush (vCPUs must clear their jump caches). */
    void (*flushed)(void *opaque);
    void *flushed_opaque;

    /* statistics for -d and benchmarks */
    uint64_t translations, flushes, invalidations, chained;
} TbCache;

/* phys_size bounds the physical pages tracked (all RAM). cfg (backend.h)
 * is handed to backend->init: the CPU-state layout the generated code uses. */
struct BackendConfig;
int tb_cache_init(TbCache *c, const Backend *backend, const struct BackendConfig *cfg,
                  size_t code_size, uint64_t phys_size) __attribute__((warn_unused_result));
void tb_cache_destroy(TbCache *c);

/* Look up a TB by its full key (hash table only). Lock-free readers. */
TranslationBlock *tb_lookup(TbCache *c, uint64_t phys_pc, uint64_t pc, uint64_t cs_base,
                            uint32_t flags, uint32_t cflags);

/* Allocate a TB record for a new translation (with the lock held). NULL when
 * the arena is full: flush and retry. */
TranslationBlock *tb_alloc(TbCache *c);
/* Insert a fully generated TB into the hash table and page lists. */
void tb_insert(TbCache *c, TranslationBlock *tb);

/* Link src's slot to dst (both valid, lock held): patches the jump through
 * the backend and records the incoming edge. Does nothing if either is
 * TB_CF_NOCHAIN or already linked. */
void tb_link(TbCache *c, TranslationBlock *src, int slot, TranslationBlock *dst);

/* Invalidate one TB: out of the hash and page lists, every incoming jump
 * reset, every outgoing edge forgotten; the caller clears jump caches. */
void tb_invalidate(TbCache *c, TranslationBlock *tb);
/* Invalidate every TB with code in [start, end) of physical memory.
 * Returns how many; *hit_pc_tb is set true if one of them contains the
 * physical address `running` (the instruction being executed), so the
 * caller can restart it. */
unsigned tb_invalidate_phys_range(TbCache *c, uint64_t start, uint64_t end, uint64_t running,
                                  bool *hit_running);
/* Whether any TB has code in the physical page of paddr. */
bool tb_page_has_code(const TbCache *c, uint64_t paddr);

/* Drop every TB and empty the code buffer (keeping the reserved part). */
void tb_flush(TbCache *c);

#endif
