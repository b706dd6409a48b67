/*
 * tb_test.c — the translation cache (translator/tb.c) driven through the
 * interpreter backend (translator/interp_backend.c): the hash table and its
 * key, chaining and unchaining as exec sees them, the jump-cache probe of
 * LOOKUP_TB, the exit request, invalidation by physical range (only TBs
 * whose bytes overlap; TBs spanning two pages found from either), the
 * code-page callbacks, flushes, and running out of TB records and of code
 * space.
 */
#include "tests/unit/check.h"
#include "translator/backend.h"
#include "translator/ir.h"
#include "translator/tb.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct TbEnv {
    _Atomic uint32_t exit_request;
    uint32_t pad;
    uint64_t fault_pc;
    TranslationBlock *jmp_cache[TB_JMP_CACHE_SIZE];
    uint64_t trace; /* each TB run appends its id: trace = trace * 16 + id */
} TbEnv;

static TbEnv env;
static IrFunc func;
static IrTemp g_trace;

static uint64_t no_load(void *e, uint64_t la, uint32_t memop, uint32_t mmu_idx)
{
    (void)e;
    (void)la;
    (void)memop;
    (void)mmu_idx;
    return 0;
}

static void no_store(void *e, uint64_t la, uint64_t value, uint32_t memop, uint32_t mmu_idx)
{
    (void)e;
    (void)la;
    (void)value;
    (void)memop;
    (void)mmu_idx;
}

static const BackendConfig config = {
    .exit_request = (int32_t)offsetof(TbEnv, exit_request),
    .fault_pc = (int32_t)offsetof(TbEnv, fault_pc),
    .jmp_cache = (int32_t)offsetof(TbEnv, jmp_cache),
    .load_slow = no_load,
    .store_slow = no_store,
};

/* Code-page callbacks, recorded. */
typedef struct PageEvent {
    uint64_t paddr;
    bool has_code;
} PageEvent;
static PageEvent page_events[64];
static unsigned npage_events;
static unsigned nflushed;

static void on_code_page(void *opaque, uint64_t paddr, bool has_code)
{
    CHECK(opaque == &env);
    if (npage_events < 64) {
        page_events[npage_events] = (PageEvent){paddr, has_code};
    }
    npage_events++;
}

static void on_flushed(void *opaque)
{
    CHECK(opaque == &env);
    nflushed++;
}

static bool saw_page_event(uint64_t paddr, bool has_code)
{
    for (unsigned i = 0; i < npage_events && i < 64; i++) {
        if (page_events[i].paddr == paddr && page_events[i].has_code == has_code) {
            return true;
        }
    }
    return false;
}

#define PHYS_SIZE (64ull << 20)

static int cache_open(TbCache *c, size_t code_size)
{
    int err = tb_cache_init(c, &backend_interp, &config, code_size, PHYS_SIZE);
    if (err) {
        return err;
    }
    c->code_page_changed = on_code_page;
    c->code_page_opaque = &env;
    c->flushed = on_flushed;
    c->flushed_opaque = &env;
    return 0;
}

/* How a test TB ends. */
typedef enum TbExit { END_GOTO0, END_GOTO1, END_BOTH, END_LOOKUP, END_EXIT } TbExit;

typedef struct TbSpec {
    uint64_t pc, phys_pc, cs_base;
    uint32_t flags, cflags;
    uint32_t size;  /* guest bytes (default 16) */
    uint64_t page1; /* second page, or 0 for none */
    unsigned id;    /* appended to env.trace */
    TbExit end;
    uint64_t target; /* END_LOOKUP: the pc; END_EXIT: the code */
} TbSpec;

/* trace = trace * 16 + id, then the exit. END_BOTH has both GOTO_TB slots:
 * slot 1 is taken when id is odd, slot 0 otherwise. */
static void build_tb_ir(const TbSpec *s)
{
    ir_func_reset(&func);
    IrOp *op = ir_emit(&func, IR_INSN_START, IR_I64);
    op->args[0] = s->pc;
    IrTemp sixteen = ir_const(&func, IR_I64, 16);
    IrTemp id = ir_const(&func, IR_I64, s->id);
    IrTemp t = ir_temp(&func, IR_I64);
    ir_op2(&func, IR_MUL, t, g_trace, sixteen);
    ir_op2(&func, IR_ADD, g_trace, t, id);
    switch (s->end) {
    case END_GOTO0:
    case END_GOTO1:
        op = ir_emit(&func, IR_GOTO_TB, IR_I64);
        op->args[0] = s->end == END_GOTO1;
        break;
    case END_BOTH: {
        /* if (id & 1) goto_tb 1 else goto_tb 0 */
        IrLabel odd = ir_label_new(&func);
        IrTemp one = ir_const(&func, IR_I64, 1);
        op = ir_emit(&func, IR_BRCOND, IR_I64);
        op->args[0] = id;
        op->args[1] = one;
        op->args[2] = IR_COND_TSTNE;
        op->args[3] = odd;
        op = ir_emit(&func, IR_GOTO_TB, IR_I64);
        op->args[0] = 0;
        op = ir_emit(&func, IR_LABEL, IR_I64);
        op->args[0] = odd;
        op = ir_emit(&func, IR_GOTO_TB, IR_I64);
        op->args[0] = 1;
        break;
    }
    case END_LOOKUP: {
        IrTemp pc = ir_const(&func, IR_I64, s->target);
        op = ir_emit(&func, IR_LOOKUP_TB, IR_I64);
        op->args[0] = pc;
        break;
    }
    case END_EXIT:
        op = ir_emit(&func, IR_EXIT_TB, IR_I64);
        op->args[0] = s->target;
        break;
    }
}

/* Allocate, generate and insert the TB of s; NULL if the arena or the code
 * buffer is full (*full says which: 1 arena, 2 code). */
static TranslationBlock *make_tb_full(TbCache *c, const TbSpec *s, int *full)
{
    *full = 0;
    TranslationBlock *tb = tb_alloc(c);
    if (!tb) {
        *full = 1;
        return NULL;
    }
    tb->pc = s->pc;
    tb->cs_base = s->cs_base;
    tb->flags = s->flags;
    tb->cflags = s->cflags;
    tb->phys_pc = s->phys_pc;
    tb->size = s->size ? s->size : 16;
    tb->icount = 1;
    tb->page_addr[0] = s->phys_pc & ~0xfffull;
    tb->page_addr[1] = s->page1 ? s->page1 : UINT64_MAX;
    build_tb_ir(s);
    char err[128] = "";
    BackendGenResult r = c->backend->gen(c->backend_state, &func, tb, &c->code, err, sizeof(err));
    if (r == BACKEND_GEN_FULL) {
        *full = 2;
        return NULL;
    }
    CHECK_EQ(r, BACKEND_GEN_OK);
    if (r != BACKEND_GEN_OK) {
        fprintf(stderr, "gen: %s\n", err);
        return NULL;
    }
    tb_insert(c, tb);
    return tb;
}

static TranslationBlock *make_tb(TbCache *c, const TbSpec *s)
{
    int full;
    TranslationBlock *tb = make_tb_full(c, s, &full);
    CHECK(tb != NULL);
    return tb;
}

static uintptr_t exec_tb(TbCache *c, TranslationBlock *tb)
{
    env.trace = 0;
    return c->backend->exec(c->backend_state, &env, tb);
}

static uintptr_t ret_of(const TranslationBlock *tb, unsigned code)
{
    return (uintptr_t)tb | code;
}

/* ---- tests ------------------------------------------------------------------- */

static void test_lookup(void)
{
    TbCache c;
    CHECK_EQ(cache_open(&c, 8 << 20), 0);
    TbSpec s = {.pc = 0xfff0,
                .phys_pc = 0xffff0,
                .cs_base = 0xf0000,
                .flags = 0x14,
                .cflags = 0,
                .id = 1,
                .end = END_EXIT,
                .target = IR_EXIT_NOCHAIN};
    TranslationBlock *tb = make_tb(&c, &s);
    CHECK(tb_lookup(&c, 0xffff0, 0xfff0, 0xf0000, 0x14, 0) == tb);
    /* every key field counts */
    CHECK(tb_lookup(&c, 0xffff1, 0xfff0, 0xf0000, 0x14, 0) == NULL);
    CHECK(tb_lookup(&c, 0xffff0, 0xfff1, 0xf0000, 0x14, 0) == NULL);
    CHECK(tb_lookup(&c, 0xffff0, 0xfff0, 0xf1000, 0x14, 0) == NULL);
    CHECK(tb_lookup(&c, 0xffff0, 0xfff0, 0xf0000, 0x15, 0) == NULL);
    CHECK(tb_lookup(&c, 0xffff0, 0xfff0, 0xf0000, 0x14, TB_CF_NOCHAIN) == NULL);

    /* the same PC under other flags is another TB */
    TbSpec s2 = s;
    s2.flags = 0x15;
    s2.id = 2;
    TranslationBlock *tb2 = make_tb(&c, &s2);
    CHECK(tb2 != tb);
    CHECK(tb_lookup(&c, 0xffff0, 0xfff0, 0xf0000, 0x15, 0) == tb2);
    CHECK(tb_lookup(&c, 0xffff0, 0xfff0, 0xf0000, 0x14, 0) == tb);

    /* many TBs with random keys, all found */
    enum { MANY = 3000 };
    static TranslationBlock *many[MANY];
    static TbSpec specs[MANY];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < MANY; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        specs[i] = (TbSpec){.pc = x >> 20,
                            .phys_pc = (x >> 40) % PHYS_SIZE,
                            .cs_base = (x & 0xff) << 4,
                            .flags = (uint32_t)(x >> 8) & 0xfff,
                            .cflags = (uint32_t)(x & 1) * TB_CF_NOIRQ,
                            .id = 3,
                            .end = END_EXIT,
                            .target = 2};
        many[i] = make_tb(&c, &specs[i]);
    }
    int found = 0;
    for (int i = 0; i < MANY; i++) {
        const TbSpec *p = &specs[i];
        TranslationBlock *t = tb_lookup(&c, p->phys_pc, p->pc, p->cs_base, p->flags, p->cflags);
        found += t == many[i];
    }
    CHECK_EQ(found, MANY);
    /* For each key field: TBs that differ only in it, and lookups of values
     * of it that no TB has. Some of those land in a bucket holding one of
     * the TBs, so a comparison that skipped the field would return it. */
    for (int field = 0; field < 5; field++) {
        enum { VARIANTS = 256, PROBES = 4000 };
        static TranslationBlock *var[VARIANTS];
        TbSpec base = {.pc = 0x40000000,
                       .phys_pc = 0x3000000,
                       .cs_base = 0x10000,
                       .flags = 0x100000,
                       .cflags = 0,
                       .id = 4,
                       .end = END_EXIT,
                       .target = 2};
        for (int i = 0; i < VARIANTS + PROBES; i++) {
            TbSpec v = base;
            uint64_t k = (uint64_t)i * 2; /* even: inserted; odd: probed */
            if (i >= VARIANTS) {
                k = (uint64_t)(i - VARIANTS) * 2 + 1;
            }
            switch (field) {
            case 0:
                v.phys_pc += k;
                break;
            case 1:
                v.pc += k;
                break;
            case 2:
                v.cs_base += k << 4;
                break;
            case 3:
                v.flags += (uint32_t)k;
                break;
            default:
                v.cflags = (uint32_t)k & TB_CF_COUNT_MASK;
                break;
            }
            if (field == 4 && i >= VARIANTS) {
                v.cflags = ((uint32_t)k & TB_CF_COUNT_MASK) | TB_CF_SINGLE_STEP;
            }
            if (i < VARIANTS) {
                var[i] = make_tb(&c, &v);
                continue;
            }
            TranslationBlock *t = tb_lookup(&c, v.phys_pc, v.pc, v.cs_base, v.flags, v.cflags);
            if (t != NULL) {
                CHECK(t == NULL);
                break;
            }
        }
        for (int i = 0; i < VARIANTS; i++) {
            const TranslationBlock *t = var[i];
            if (tb_lookup(&c, t->phys_pc, t->pc, t->cs_base, t->flags, t->cflags) != t) {
                CHECK(!"variant not found");
                break;
            }
        }
    }

    /* an invalidated TB is not found any more; the others still are */
    tb_invalidate(&c, many[100]);
    CHECK(many[100]->invalid);
    CHECK(tb_lookup(&c, specs[100].phys_pc, specs[100].pc, specs[100].cs_base, specs[100].flags,
                    specs[100].cflags) == NULL);
    CHECK(tb_lookup(&c, specs[101].phys_pc, specs[101].pc, specs[101].cs_base, specs[101].flags,
                    specs[101].cflags) == many[101]);
    CHECK_EQ(c.invalidations, 1);
    tb_invalidate(&c, many[100]); /* twice is harmless */
    CHECK_EQ(c.invalidations, 1);
    tb_cache_destroy(&c);
}

static void test_chaining(void)
{
    TbCache c;
    CHECK_EQ(cache_open(&c, 1 << 20), 0);
    TranslationBlock *a =
        make_tb(&c, &(TbSpec){.pc = 0x1000, .phys_pc = 0x1000, .id = 1, .end = END_GOTO0});
    TranslationBlock *b =
        make_tb(&c, &(TbSpec){.pc = 0x2000, .phys_pc = 0x2000, .id = 2, .end = END_GOTO1});
    TranslationBlock *d = make_tb(
        &c, &(TbSpec){.pc = 0x3000, .phys_pc = 0x3000, .id = 3, .end = END_EXIT, .target = 2});
    /* slots as the backend reports them */
    CHECK_EQ(a->jmp_insn_offset[0], 0);
    CHECK_EQ(a->jmp_insn_offset[1], UINT32_MAX);
    CHECK_EQ(b->jmp_reset_offset[0], UINT32_MAX);
    CHECK_EQ(b->jmp_reset_offset[1], 0);
    CHECK_EQ(d->jmp_insn_offset[0], UINT32_MAX);

    /* disas prints the kept IR, globals by name */
    char *text = NULL;
    size_t text_len = 0;
    FILE *mem = open_memstream(&text, &text_len);
    CHECK(mem != NULL);
    if (mem) {
        c.backend->disas(c.backend_state, mem, a->code, a->code_size);
        fclose(mem);
        CHECK(strstr(text, "interpreted IR: ") != NULL);
        CHECK(strstr(text, "---- 0x0000000000001000") != NULL);
        CHECK(strstr(text, "add_i64 trace,") != NULL);
        CHECK(strstr(text, "goto_tb") != NULL);
        free(text);
    }

    /* unlinked: exec stops at the first exit */
    CHECK_EQ(exec_tb(&c, a), ret_of(a, IR_EXIT_SLOT0));
    CHECK_EQ(env.trace, 0x1);

    tb_link(&c, a, 0, b);
    CHECK(a->jmp_dest[0] == b);
    CHECK_EQ(c.chained, 1);
    CHECK_EQ(exec_tb(&c, a), ret_of(b, IR_EXIT_SLOT1));
    CHECK_EQ(env.trace, 0x12);
    tb_link(&c, a, 0, d); /* already linked: nothing changes */
    CHECK(a->jmp_dest[0] == b);
    tb_link(&c, a, 1, d); /* a has no slot 1 */
    CHECK(a->jmp_dest[1] == NULL);
    CHECK_EQ(c.chained, 1);

    tb_link(&c, b, 1, d);
    CHECK_EQ(exec_tb(&c, a), ret_of(d, IR_EXIT_NOCHAIN));
    CHECK_EQ(env.trace, 0x123);
    CHECK_EQ(c.chained, 2);

    /* the exit request stops a chain at the next TB entry */
    env.exit_request = 1;
    CHECK_EQ(exec_tb(&c, a), ret_of(a, IR_EXIT_REQUESTED));
    CHECK_EQ(env.trace, 0);
    TranslationBlock *noirq = make_tb(
        &c, &(TbSpec){
                .pc = 0x4000, .phys_pc = 0x4000, .id = 4, .cflags = TB_CF_NOIRQ, .end = END_GOTO0});
    tb_link(&c, noirq, 0, a);
    CHECK_EQ(exec_tb(&c, noirq), ret_of(a, IR_EXIT_REQUESTED)); /* runs, then a stops */
    CHECK_EQ(env.trace, 0x4);
    env.exit_request = 0;
    CHECK_EQ(exec_tb(&c, noirq), ret_of(d, IR_EXIT_NOCHAIN));
    CHECK_EQ(env.trace, 0x4123);

    /* NOCHAIN TBs are never linked, either way */
    TranslationBlock *nc = make_tb(
        &c,
        &(TbSpec){
            .pc = 0x5000, .phys_pc = 0x5000, .id = 5, .cflags = TB_CF_NOCHAIN, .end = END_GOTO0});
    TranslationBlock *e =
        make_tb(&c, &(TbSpec){.pc = 0x6000, .phys_pc = 0x6000, .id = 6, .end = END_GOTO0});
    tb_link(&c, nc, 0, a);
    tb_link(&c, e, 0, nc);
    CHECK(nc->jmp_dest[0] == NULL);
    CHECK(e->jmp_dest[0] == NULL);
    CHECK_EQ(c.chained, 3);

    /* b gets a second incoming jump */
    tb_link(&c, e, 0, b);
    CHECK_EQ(c.chained, 4);
    CHECK_EQ(exec_tb(&c, e), ret_of(d, IR_EXIT_NOCHAIN));
    CHECK_EQ(env.trace, 0x623);

    /* invalidating b resets every jump into it (a and e) and forgets b's
     * own edge to d */
    tb_invalidate(&c, b);
    CHECK(a->jmp_dest[0] == NULL);
    CHECK(e->jmp_dest[0] == NULL);
    CHECK(b->jmp_dest[1] == NULL);
    CHECK(b->jmp_incoming == 0);
    CHECK(d->jmp_incoming == 0);
    CHECK_EQ(exec_tb(&c, a), ret_of(a, IR_EXIT_SLOT0));
    CHECK_EQ(env.trace, 0x1);
    CHECK_EQ(exec_tb(&c, e), ret_of(e, IR_EXIT_SLOT0));
    /* noirq -> a still holds: only a's edge to b went */
    CHECK(noirq->jmp_dest[0] == a);
    CHECK_EQ(a->jmp_incoming, (uintptr_t)noirq | 0);
    /* an invalid TB is never linked to */
    tb_link(&c, a, 0, b);
    CHECK(a->jmp_dest[0] == NULL);
    /* a relinked elsewhere works again */
    tb_link(&c, a, 0, d);
    CHECK_EQ(exec_tb(&c, noirq), ret_of(d, IR_EXIT_NOCHAIN));
    CHECK_EQ(env.trace, 0x413);

    /* a self-loop, then invalidation of a TB that jumps to itself */
    TranslationBlock *self =
        make_tb(&c, &(TbSpec){.pc = 0x7000, .phys_pc = 0x7000, .id = 7, .end = END_BOTH});
    tb_link(&c, self, 0, self);
    CHECK(self->jmp_dest[0] == self);
    tb_link(&c, e, 0, self);
    tb_invalidate(&c, self);
    CHECK(self->jmp_dest[0] == NULL);
    CHECK(e->jmp_dest[0] == NULL);
    CHECK(self->jmp_incoming == 0);

    /* both slots of one TB, to two TBs, then the destination of one goes */
    TranslationBlock *two =
        make_tb(&c, &(TbSpec){.pc = 0x8000, .phys_pc = 0x8000, .id = 9, .end = END_BOTH});
    CHECK_EQ(two->jmp_insn_offset[0], 0);
    CHECK_EQ(two->jmp_insn_offset[1], 0);
    tb_link(&c, two, 0, a);
    tb_link(&c, two, 1, d);
    CHECK_EQ(exec_tb(&c, two), ret_of(d, IR_EXIT_NOCHAIN)); /* id 9 is odd: slot 1 */
    CHECK_EQ(env.trace, 0x93);
    tb_invalidate(&c, d);
    CHECK(two->jmp_dest[1] == NULL);
    CHECK(two->jmp_dest[0] == a);
    CHECK(a->jmp_dest[0] == NULL); /* a -> d went too */
    CHECK_EQ(exec_tb(&c, two), ret_of(two, IR_EXIT_SLOT1));
    tb_cache_destroy(&c);
}

static void test_lookup_tb(void)
{
    TbCache c;
    CHECK_EQ(cache_open(&c, 1 << 20), 0);
    memset(env.jmp_cache, 0, sizeof(env.jmp_cache));
    const uint64_t target = 0xffffffff81234560ull;
    TranslationBlock *from = make_tb(&c, &(TbSpec){.pc = 0x1000,
                                                   .phys_pc = 0x1000,
                                                   .cs_base = 0,
                                                   .flags = 7,
                                                   .id = 1,
                                                   .end = END_LOOKUP,
                                                   .target = target});
    TranslationBlock *to = make_tb(
        &c,
        &(TbSpec){
            .pc = target, .phys_pc = 0x234560, .flags = 7, .id = 2, .end = END_EXIT, .target = 3});
    TranslationBlock *other = make_tb(
        &c,
        &(TbSpec){
            .pc = target, .phys_pc = 0x234560, .flags = 8, .id = 3, .end = END_EXIT, .target = 3});
    /* nothing in the jump cache */
    CHECK_EQ(exec_tb(&c, from), ret_of(from, IR_EXIT_NOCHAIN));
    CHECK_EQ(env.trace, 0x1);
    /* a matching entry: straight on */
    env.jmp_cache[tb_jmp_cache_hash(target)] = to;
    CHECK_EQ(exec_tb(&c, from), ret_of(to, 3));
    CHECK_EQ(env.trace, 0x12);
    /* other flags: no */
    env.jmp_cache[tb_jmp_cache_hash(target)] = other;
    CHECK_EQ(exec_tb(&c, from), ret_of(from, IR_EXIT_NOCHAIN));
    /* another pc in the same slot: no */
    env.jmp_cache[tb_jmp_cache_hash(target)] = from;
    CHECK_EQ(exec_tb(&c, from), ret_of(from, IR_EXIT_NOCHAIN));
    /* an invalid TB: no */
    env.jmp_cache[tb_jmp_cache_hash(target)] = to;
    tb_invalidate(&c, to);
    CHECK_EQ(exec_tb(&c, from), ret_of(from, IR_EXIT_NOCHAIN));
    CHECK_EQ(env.trace, 0x1);
    /* NOCHAIN on either side: no */
    TranslationBlock *to2 = make_tb(&c, &(TbSpec){.pc = target,
                                                  .phys_pc = 0x234560,
                                                  .flags = 7,
                                                  .cflags = TB_CF_NOCHAIN,
                                                  .id = 4,
                                                  .end = END_EXIT,
                                                  .target = 3});
    env.jmp_cache[tb_jmp_cache_hash(target)] = to2;
    CHECK_EQ(exec_tb(&c, from), ret_of(from, IR_EXIT_NOCHAIN));
    /* EXIT_TB NOCHAIN never probes */
    TranslationBlock *plain = make_tb(
        &c,
        &(TbSpec){
            .pc = 0x2000, .phys_pc = 0x2000, .flags = 7, .id = 5, .end = END_EXIT, .target = 2});
    TranslationBlock *to3 = make_tb(&c, &(TbSpec){.pc = target,
                                                  .phys_pc = 0x234560,
                                                  .flags = 7,
                                                  .cflags = 1,
                                                  .id = 6,
                                                  .end = END_EXIT,
                                                  .target = 3});
    env.jmp_cache[tb_jmp_cache_hash(target)] = to3;
    CHECK_EQ(exec_tb(&c, plain), ret_of(plain, IR_EXIT_NOCHAIN));
    CHECK_EQ(env.trace, 0x5);
    CHECK_EQ(exec_tb(&c, from), ret_of(to3, 3));
    CHECK_EQ(env.trace, 0x16);
    memset(env.jmp_cache, 0, sizeof(env.jmp_cache));
    tb_cache_destroy(&c);
}

static void test_pages_and_ranges(void)
{
    TbCache c;
    CHECK_EQ(cache_open(&c, 1 << 20), 0);
    npage_events = 0;
    TranslationBlock *t1 = make_tb(
        &c, &(TbSpec){.pc = 0x1000, .phys_pc = 0x1000, .size = 16, .id = 1, .end = END_GOTO0});
    CHECK_EQ(npage_events, 1);
    CHECK(saw_page_event(0x1000, true));
    CHECK(tb_page_has_code(&c, 0x1abc));
    CHECK(!tb_page_has_code(&c, 0x2000));
    TranslationBlock *t2 = make_tb(
        &c, &(TbSpec){.pc = 0x1010, .phys_pc = 0x1010, .size = 16, .id = 2, .end = END_GOTO0});
    CHECK_EQ(npage_events, 1); /* not the page's first TB */
    /* t3 spans from page 1 into page 5 (not contiguous physically) */
    TranslationBlock *t3 = make_tb(&c, &(TbSpec){.pc = 0x7ff0,
                                                 .phys_pc = 0x1ff8,
                                                 .size = 0x10,
                                                 .page1 = 0x5000,
                                                 .id = 3,
                                                 .end = END_GOTO0});
    CHECK_EQ(npage_events, 2);
    CHECK(saw_page_event(0x5000, true));
    CHECK(tb_page_has_code(&c, 0x5fff));
    TranslationBlock *t4 = make_tb(
        &c, &(TbSpec){.pc = 0x3000, .phys_pc = 0x3000, .size = 0x100, .id = 4, .end = END_GOTO0});
    CHECK_EQ(npage_events, 3);
    tb_link(&c, t1, 0, t2);
    tb_link(&c, t2, 0, t3);

    bool hit = true;
    /* bytes between TBs of a code page: nothing */
    CHECK_EQ(tb_invalidate_phys_range(&c, 0x1020, 0x1ff8, 0x1020, &hit), 0);
    CHECK(!hit);
    /* an empty range: nothing */
    CHECK_EQ(tb_invalidate_phys_range(&c, 0x1000, 0x1000, 0, &hit), 0);
    /* t3's tail, at the start of page 5; t3 is running */
    CHECK_EQ(tb_invalidate_phys_range(&c, 0x5007, 0x5008, 0x1ffa, &hit), 1);
    CHECK(hit);
    CHECK(t3->invalid);
    CHECK(!t1->invalid && !t2->invalid && !t4->invalid);
    CHECK(t2->jmp_dest[0] == NULL);
    CHECK(saw_page_event(0x5000, false));
    CHECK(!tb_page_has_code(&c, 0x5000));
    CHECK(tb_page_has_code(&c, 0x1000));
    /* past t3's tail: nothing (t3 is gone anyway; t4 is elsewhere) */
    CHECK_EQ(tb_invalidate_phys_range(&c, 0x5008, 0x6000, 0, &hit), 0);

    /* one byte of t1; the running instruction is elsewhere */
    CHECK_EQ(tb_invalidate_phys_range(&c, 0x100f, 0x1010, 0x3000, &hit), 1);
    CHECK(!hit);
    CHECK(t1->invalid && !t2->invalid);
    CHECK(tb_page_has_code(&c, 0x1000)); /* t2 is still there */
    CHECK(!saw_page_event(0x1000, false));
    /* a range over pages 1..3 takes t2 and t4: both pages lose their code */
    unsigned before = npage_events;
    CHECK_EQ(tb_invalidate_phys_range(&c, 0x1fff, 0x3001, 0x3000, &hit), 1);
    CHECK(!t2->invalid); /* 0x1010..0x1020 is not in it */
    CHECK(t4->invalid && hit);
    CHECK_EQ(tb_invalidate_phys_range(&c, 0, 0x100000, 0x1010, &hit), 1);
    CHECK(t2->invalid && hit);
    CHECK_EQ(npage_events, before + 2);
    CHECK(saw_page_event(0x1000, false));
    CHECK(saw_page_event(0x3000, false));
    CHECK(!tb_page_has_code(&c, 0x1000));
    CHECK(!tb_page_has_code(&c, 0x3000));
    CHECK_EQ(tb_invalidate_phys_range(&c, 0, PHYS_SIZE, 0, NULL), 0);

    /* a spanning TB found from its first page too; its second page keeps
     * code while another TB holds it */
    npage_events = 0;
    TranslationBlock *s1 = make_tb(&c, &(TbSpec){.pc = 0x9ffc,
                                                 .phys_pc = 0x9ffc,
                                                 .size = 8,
                                                 .page1 = 0xa000,
                                                 .id = 5,
                                                 .end = END_GOTO0});
    TranslationBlock *s2 = make_tb(
        &c, &(TbSpec){.pc = 0xa100, .phys_pc = 0xa100, .size = 8, .id = 6, .end = END_GOTO0});
    CHECK_EQ(npage_events, 2);
    CHECK_EQ(tb_invalidate_phys_range(&c, 0x9000, 0x9ffd, 0x9ffc, &hit), 1);
    CHECK(s1->invalid && hit);
    CHECK(!s2->invalid);
    CHECK(tb_page_has_code(&c, 0xa000));
    CHECK(!tb_page_has_code(&c, 0x9000));
    CHECK_EQ(npage_events, 3);

    /* pages beyond the tracked physical size: found, never tracked */
    npage_events = 0;
    TranslationBlock *rom = make_tb(
        &c,
        &(TbSpec){.pc = 0xfff0, .phys_pc = 0xfffffff0ull, .id = 7, .end = END_EXIT, .target = 2});
    CHECK(tb_lookup(&c, 0xfffffff0ull, 0xfff0, 0, 0, 0) == rom);
    CHECK_EQ(npage_events, 0);
    CHECK(!tb_page_has_code(&c, 0xfffffff0ull));
    tb_invalidate(&c, rom);
    CHECK_EQ(npage_events, 0);
    tb_cache_destroy(&c);
}

static void test_flush(void)
{
    TbCache c;
    CHECK_EQ(cache_open(&c, 1 << 20), 0);
    size_t reserved = c.code.reserved;
    CHECK_EQ(c.code.used, reserved);
    npage_events = 0;
    nflushed = 0;
    TranslationBlock *a =
        make_tb(&c, &(TbSpec){.pc = 0x1000, .phys_pc = 0x1000, .id = 1, .end = END_GOTO0});
    TranslationBlock *b = make_tb(&c, &(TbSpec){.pc = 0x2ffc,
                                                .phys_pc = 0x2ffc,
                                                .size = 8,
                                                .page1 = 0x3000,
                                                .id = 2,
                                                .end = END_GOTO0});
    tb_link(&c, a, 0, b);
    CHECK(c.code.used > reserved);
    CHECK_EQ(npage_events, 3);
    tb_flush(&c);
    CHECK_EQ(nflushed, 1);
    CHECK_EQ(c.flushes, 1);
    CHECK_EQ(c.code.used, reserved);
    CHECK_EQ(c.arena_used, 0);
    CHECK(tb_lookup(&c, 0x1000, 0x1000, 0, 0, 0) == NULL);
    CHECK(tb_lookup(&c, 0x2ffc, 0x2ffc, 0, 0, 0) == NULL);
    CHECK(!tb_page_has_code(&c, 0x1000));
    CHECK(!tb_page_has_code(&c, 0x3000));
    CHECK_EQ(npage_events, 6);
    CHECK(saw_page_event(0x1000, false));
    CHECK(saw_page_event(0x2000, false));
    CHECK(saw_page_event(0x3000, false));
    /* the cache works as new */
    TranslationBlock *n =
        make_tb(&c, &(TbSpec){.pc = 0x1000, .phys_pc = 0x1000, .id = 3, .end = END_GOTO0});
    CHECK(n == a); /* the first record again */
    CHECK(tb_lookup(&c, 0x1000, 0x1000, 0, 0, 0) == n);
    CHECK(n->jmp_dest[0] == NULL && n->jmp_incoming == 0);
    CHECK_EQ(npage_events, 7);
    CHECK_EQ(exec_tb(&c, n), ret_of(n, IR_EXIT_SLOT0));
    CHECK_EQ(env.trace, 3);
    tb_cache_destroy(&c);
}

static void test_full(void)
{
    /* the arena: a small code buffer still gets the minimum of records */
    TbCache c;
    CHECK_EQ(cache_open(&c, 64 << 10), 0);
    size_t n = 0;
    while (tb_alloc(&c)) {
        n++;
    }
    CHECK_EQ(n, c.arena_cap);
    CHECK(n >= 4096);
    CHECK(tb_alloc(&c) == NULL);
    tb_flush(&c);
    CHECK(tb_alloc(&c) != NULL);
    tb_flush(&c);

    /* the code buffer: gen reports FULL, nothing is half written */
    int full = 0;
    unsigned made = 0;
    for (;;) {
        TbSpec s = {
            .pc = 0x1000 + 16 * made, .phys_pc = 0x1000 + 16 * made, .id = 1, .end = END_GOTO0};
        if (!make_tb_full(&c, &s, &full)) {
            break;
        }
        made++;
    }
    CHECK_EQ(full, 2);
    CHECK(made > 10);
    CHECK(c.code.used <= c.code.size);
    /* everything made still runs and is found */
    TranslationBlock *last =
        tb_lookup(&c, 0x1000 + 16 * (made - 1), 0x1000 + 16 * (made - 1), 0, 0, 0);
    CHECK(last != NULL);
    if (last) {
        CHECK_EQ(exec_tb(&c, last), ret_of(last, IR_EXIT_SLOT0));
        CHECK_EQ(env.trace, 1);
    }
    tb_flush(&c);
    TbSpec s = {.pc = 0x1000, .phys_pc = 0x1000, .id = 2, .end = END_GOTO0};
    CHECK(make_tb_full(&c, &s, &full) != NULL);
    tb_cache_destroy(&c);
}

int main(void)
{
    ir_func_init(&func);
    g_trace = ir_global(&func, IR_I64, (int32_t)offsetof(TbEnv, trace), "trace");
    test_lookup();
    test_chaining();
    test_lookup_tb();
    test_pages_and_ranges();
    test_flush();
    test_full();
    ir_func_destroy(&func);
    return check_report("tb");
}
