/*
 * exec.c — the execution loop of one vCPU.
 *
 *   events → find TB (jump cache, hash, or translate) → run → chain → ...
 *
 * exec_cpu() is the only setjmp site of rx86. Guest exceptions raised in
 * generated code, helpers, slow memory paths or translation come back here
 * through exec_raise() with the guest state already restored to the
 * faulting instruction; the loop then lets the guest CPU deliver them
 * (guest_process_events) and goes on.
 *
 * Chaining: when a TB leaves through an unlinked GOTO_TB slot, the loop
 * finds the successor and links the two, so the next time the jump goes
 * straight there. Links are never made across a full flush (the old TB is
 * gone) or to/from TB_CF_NOCHAIN blocks (single-step, one-instruction
 * restarts, -d nochain).
 */
#include "translator/exec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int exec_init(ExecState *es, void *env, TbCache *cache)
{
    memset(es, 0, sizeof(*es));
    es->env = env;
    es->cache = cache;
    es->log = stderr;
    ir_func_init(&es->ir);
    guest_init_ir(&es->ir);
    return es->ir.oom ? -ENOMEM : 0;
}

void exec_destroy(ExecState *es)
{
    exec_check_destroy(es);
    ir_func_destroy(&es->ir);
}

void exec_kick(ExecState *es)
{
    atomic_store(&es->exit_request, 1);
}

void exec_raise(ExecState *es)
{
    siglongjmp(es->jmp, 1);
}

void exec_request_flush(ExecState *es)
{
    es->flush_request = true;
}

/* Run a requested flush (outside generated code). */
static void flush_if_requested(ExecState *es)
{
    if (es->flush_request) {
        es->flush_request = false;
        pthread_mutex_lock(&es->cache->lock);
        tb_flush(es->cache);
        pthread_mutex_unlock(&es->cache->lock);
        exec_jmp_cache_clear(es);
    }
}

void exec_jmp_cache_clear(ExecState *es)
{
    memset(es->jmp_cache, 0, sizeof(es->jmp_cache));
}

/* Translate the TB for the key (translation lock held). Returns NULL when
 * the first instruction cannot be fetched: the exception is recorded. */
static TranslationBlock *translate(ExecState *es, uint64_t phys_pc, uint64_t pc, uint64_t cs_base,
                                   uint32_t flags, uint32_t cflags)
{
    TbCache *c = es->cache;
    char err[256];
    for (int attempt = 0; attempt < 2; attempt++) {
        TranslationBlock *tb = tb_alloc(c);
        if (!tb) {
            tb_flush(c);
            continue;
        }
        tb->pc = pc;
        tb->cs_base = cs_base;
        tb->flags = flags;
        tb->cflags = cflags;
        tb->phys_pc = phys_pc;
        ir_func_reset(&es->ir);
        unsigned max = cflags & TB_CF_COUNT_MASK ? cflags & TB_CF_COUNT_MASK : TB_MAX_INSNS;
        if (guest_translate(es->env, &es->ir, tb, max) < 0) {
            return NULL;
        }
        if (es->ir.oom) {
            fprintf(stderr, "rx86: out of memory translating code at 0x%" PRIx64 "\n", pc);
            exit(1);
        }
        if (es->log_mask & LOG_IN_ASM) {
            guest_log_in_asm(es->env, es->log, tb);
        }
        if (es->log_mask & LOG_OP) {
            fprintf(es->log, "OP:\n");
            ir_print(&es->ir, es->log);
            fprintf(es->log, "\n");
        }
        opt_run(&es->ir);
        if (es->log_mask & LOG_OP_OPT) {
            fprintf(es->log, "OP after optimization and liveness analysis:\n");
            ir_print(&es->ir, es->log);
            fprintf(es->log, "\n");
        }
        BackendGenResult r = c->backend->gen(c->backend_state, &es->ir, tb, &c->code, err,
                                             sizeof(err));
        if (r == BACKEND_GEN_FULL) {
            tb_flush(c);
            continue;
        }
        if (r != BACKEND_GEN_OK) {
            /* A translator bug, not a guest error: say where and stop. */
            fprintf(stderr, "rx86: internal error compiling the block at 0x%" PRIx64 ": %s\n", pc,
                    err);
            exit(1);
        }
        tb_insert(c, tb);
        c->translations++;
        if (es->check_mode && c->backend != &backend_interp) {
            exec_check_keep_ir(es, tb, &es->ir);
        }
        if (es->log_mask & LOG_OUT_ASM) {
            fprintf(es->log, "OUT: [size=%u]\n", tb->code_size);
            c->backend->disas(c->backend_state, es->log, tb->code, tb->code_size);
            fprintf(es->log, "\n");
        }
        return tb;
    }
    fprintf(stderr, "rx86: the code buffer is too small for one block at 0x%" PRIx64 "\n", pc);
    exit(1);
}

/* The TB for the CPU's current state, found or made. Raises the guest
 * exception when the code cannot be fetched. */
static TranslationBlock *find_tb(ExecState *es, uint32_t cflags)
{
    uint64_t pc, cs_base;
    uint32_t flags;
    guest_tb_key(es->env, &pc, &cs_base, &flags);

    uint32_t h = tb_jmp_cache_hash(pc);
    TranslationBlock *tb = es->jmp_cache[h];
    if (tb && tb->pc == pc && tb->cs_base == cs_base && tb->flags == flags &&
        tb->cflags == cflags && !tb->invalid) {
        return tb;
    }
    uint64_t phys_pc = guest_code_phys(es->env, pc);
    if (phys_pc == UINT64_MAX) {
        exec_raise(es);
    }
    tb = tb_lookup(es->cache, phys_pc, pc, cs_base, flags, cflags);
    if (!tb) {
        pthread_mutex_lock(&es->cache->lock);
        tb = tb_lookup(es->cache, phys_pc, pc, cs_base, flags, cflags);
        if (!tb) {
            tb = translate(es, phys_pc, pc, cs_base, flags, cflags);
        }
        pthread_mutex_unlock(&es->cache->lock);
        if (!tb) {
            exec_raise(es);
        }
    }
    /* One-instruction restarts stay out of the jump cache: generated code
     * must never find them. */
    if (!(cflags & TB_CF_COUNT_MASK)) {
        es->jmp_cache[h] = tb;
    }
    return tb;
}

static void log_exec(ExecState *es, const TranslationBlock *tb)
{
    if (es->log_mask & LOG_CPU) {
        guest_dump_state(es->env, es->log);
    }
    if (es->log_mask & LOG_EXEC) {
        fprintf(es->log, "Trace 0: %p [%08" PRIx64 "/%016" PRIx64 "/%08x/%08x]\n", tb->code,
                tb->cs_base, tb->pc, tb->flags, tb->cflags);
    }
}

ExecStop exec_cpu(ExecState *es)
{
    TbCache *c = es->cache;
    /* Everything below re-reads its state after a longjmp: no local
     * variable set before sigsetjmp is used after it. */
    if (sigsetjmp(es->jmp, 0) && es->check_mode) {
        exec_check_abort(es);
    }
    for (;;) {
        if (atomic_exchange(&es->exit_request, 0)) {
            return EXEC_STOP_KICKED;
        }
        flush_if_requested(es);
        if (!guest_process_events(es->env)) {
            return EXEC_STOP_HALTED;
        }
        bool nochain = es->check_mode || es->log_mask & (LOG_NOCHAIN | LOG_ICOUNT);
        uint32_t base_cflags = nochain ? TB_CF_NOCHAIN : 0;
        uint32_t cflags = base_cflags;
        if (es->cflags_next) {
            cflags = es->cflags_next | TB_CF_NOCHAIN;
            es->cflags_next = 0;
        }
        TranslationBlock *tb = find_tb(es, cflags);
        for (;;) {
            uint64_t flushes = c->flushes;
            if (es->log_mask & (LOG_CPU | LOG_EXEC)) {
                log_exec(es, tb);
            }
            es->cur_cflags = tb->cflags;
            if (es->check_mode) {
                exec_check_before(es, tb);
            }
            uintptr_t ret = c->backend->exec(c->backend_state, es->env, tb);
            TranslationBlock *last = (TranslationBlock *)(ret & ~(uintptr_t)IR_EXIT_MASK);
            unsigned code = ret & IR_EXIT_MASK;
            if (es->check_mode) {
                exec_check_after(es, last, code);
            }
            es->tbs_run++;
            if (es->log_mask & LOG_ICOUNT) {
                es->insns_run += last->icount;
            }
            if (code == IR_EXIT_REQUESTED || atomic_load(&es->exit_request)) {
                break;
            }
            flush_if_requested(es);
            TranslationBlock *next = find_tb(es, base_cflags);
            if (code <= IR_EXIT_SLOT1 && c->flushes == flushes && !(last->cflags & TB_CF_NOCHAIN) &&
                !(next->cflags & TB_CF_NOCHAIN)) {
                pthread_mutex_lock(&c->lock);
                if (!last->invalid && !next->invalid && c->flushes == flushes) {
                    tb_link(c, last, (int)code, next);
                }
                pthread_mutex_unlock(&c->lock);
            }
            tb = next;
        }
    }
}
