/*
 * check.c — the checking mode (-accel tcg,check=on): every TB the JIT runs
 * is first run by the IR interpreter on a copy of the CPU state, and the two
 * results are compared: the globals, the exit taken and the bytes stored.
 * The interpreter is the reference: it is small and executes the IR's
 * definition directly, so a difference is a JIT bug (register allocation,
 * an encoding, a missed write-back).
 *
 * The interpreter's run must leave no trace: its stores go to a journal
 * (its later loads see them), its loads read plain RAM only, and a TB that
 * calls a helper with effects outside the CPU state, or touches MMIO, or
 * faults, is not checked (counted as skipped). The JIT then runs the TB for
 * real with chaining off (the loop sets TB_CF_NOCHAIN in this mode), so
 * exactly one TB runs between the two states compared.
 */
#include "translator/exec.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_MAX_STORES 1024

/* A store of the interpreter's run, by host address: linear aliases of one
 * physical page then see each other's stores, as they do in RAM. */
typedef struct CheckStore {
    uint8_t *host;
    uint64_t la;
    uint64_t value;
    uint8_t size;
} CheckStore;

/* IR kept for checked TBs, freed when the vCPU goes away. */
typedef struct KeptIr {
    struct KeptIr *next;
    IrOp *ops;
    IrTempInfo *temps;
} KeptIr;

typedef struct ExecCheck {
    void *copy;       /* the CPU state the interpreter runs on */
    size_t es_offset; /* where the ExecState sits in the CPU state */
    CheckStore stores[CHECK_MAX_STORES];
    unsigned nstores;
    const char *skip; /* why the interpreter run did not count */
    bool active;      /* the JIT is running a TB that was interpreted */
    const TranslationBlock *tb; /* that TB */
    bool interp_done; /* the interpreter finished it: compare */
    unsigned interp_code;
    KeptIr *kept;
    uint64_t checked, skipped;
} ExecCheck;

/* The checker of the interpreter run under way (hooks get only env). */
static _Thread_local ExecCheck *current;

static ExecState *copy_exec(ExecCheck *ck)
{
    return (ExecState *)((char *)ck->copy + ck->es_offset);
}

/* Abandon the interpreter run: not checkable. */
__attribute__((noreturn)) static void skip_run(ExecCheck *ck, const char *why)
{
    ck->skip = why;
    siglongjmp(copy_exec(ck)->jmp, 2);
}

static uint64_t check_load(void *env, uint64_t la, uint32_t memop, uint32_t mmu_idx)
{
    ExecCheck *ck = current;
    unsigned size = memop & IR_MO_SIZE_MASK;
    const uint8_t *p = guest_ram_ptr(env, la, size, mmu_idx, false);
    if (!p) {
        skip_run(ck, "a load from outside plain RAM");
    }
    uint8_t buf[8];
    memcpy(buf, p, size);
    /* Later journal entries win, as later stores would. */
    for (unsigned s = 0; s < ck->nstores; s++) {
        const CheckStore *st = &ck->stores[s];
        for (unsigned i = 0; i < size; i++) {
            uintptr_t off = (uintptr_t)(p + i) - (uintptr_t)st->host;
            if (off < st->size) {
                buf[i] = (uint8_t)(st->value >> (8 * off));
            }
        }
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)buf[i] << (8 * i);
    }
    return v;
}

static void check_store(void *env, uint64_t la, uint64_t value, uint32_t memop, uint32_t mmu_idx)
{
    ExecCheck *ck = current;
    unsigned size = memop & IR_MO_SIZE_MASK;
    uint8_t *host = guest_ram_ptr(env, la, size, mmu_idx, true);
    if (!host) {
        skip_run(ck, "a store outside plain RAM");
    }
    if (ck->nstores == CHECK_MAX_STORES) {
        skip_run(ck, "too many stores");
    }
    ck->stores[ck->nstores++] = (CheckStore){host, la, value, (uint8_t)size};
}

void exec_check_keep_ir(ExecState *es, TranslationBlock *tb, const IrFunc *f)
{
    KeptIr *k = calloc(1, sizeof(*k));
    IrOp *ops = malloc(sizeof(IrOp) * (f->nops ? f->nops : 1));
    IrTempInfo *temps = malloc(sizeof(IrTempInfo) * (f->ntemps ? f->ntemps : 1));
    if (!k || !ops || !temps) {
        free(k);
        free(ops);
        free(temps);
        return; /* the TB simply goes unchecked */
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->nops; i++) {
        if (f->ops[i].opc != IR_NOP) {
            ops[n++] = f->ops[i];
        }
    }
    memcpy(temps, f->temps, sizeof(IrTempInfo) * f->ntemps);
    k->ops = ops;
    k->temps = temps;
    if (!es->check) {
        es->check = calloc(1, sizeof(ExecCheck));
        if (!es->check) {
            free(k);
            free(ops);
            free(temps);
            return;
        }
    }
    k->next = es->check->kept;
    es->check->kept = k;
    tb->ir_ops = ops;
    tb->ir_nops = n;
    tb->ir_temps = temps;
    tb->ir_ntemps = f->ntemps;
}

/* Whether every helper the TB calls keeps its effects in the CPU state. */
static const char *uncheckable_call(const TranslationBlock *tb)
{
    const IrOp *ops = tb->ir_ops;
    for (uint32_t i = 0; i < tb->ir_nops; i++) {
        if (ops[i].opc == IR_CALL) {
            const IrHelper *h = ir_call_helper(&ops[i]);
            if (!(h->flags & (IR_HELPER_NO_SIDE | IR_HELPER_ENV_ONLY))) {
                return h->name;
            }
        }
    }
    return NULL;
}

void exec_check_before(ExecState *es, TranslationBlock *tb)
{
    ExecCheck *ck = es->check;
    if (!ck || !tb->ir_ops || atomic_load(&es->exit_request)) {
        return;
    }
    ck->active = true;
    ck->interp_done = false;
    ck->tb = tb;
    const char *helper = uncheckable_call(tb);
    if (helper) {
        ck->skipped++;
        return;
    }
    if (!ck->copy) {
        ck->copy = aligned_alloc(64, (es->env_size + 63) & ~(size_t)63);
        if (!ck->copy) {
            ck->skipped++;
            return;
        }
        ck->es_offset = (size_t)((char *)es - (char *)es->env);
    }
    memcpy(ck->copy, es->env, es->env_size);
    ExecState *ces = copy_exec(ck);
    ces->env = ck->copy;
    ck->nstores = 0;
    ck->skip = NULL;
    current = ck;
    if (sigsetjmp(ces->jmp, 0) == 0) {
        IrInterpEnv ie = {
            .env = ck->copy,
            .load = check_load,
            .store = check_store,
            .fault_pc_offset = (int32_t)(ck->es_offset + offsetof(ExecState, fault_pc)),
        };
        uint64_t lookup_pc = 0;
        ck->interp_code = ir_interpret(tb->ir_ops, tb->ir_nops, tb->ir_temps, tb->ir_ntemps, &ie,
                                       &lookup_pc);
        ck->interp_done = true;
    } else {
        ck->skipped++; /* a fault, or ck->skip says why */
    }
    current = NULL;
}

/* Print the TB and stop rx86: the JIT and the interpreter disagree. */
__attribute__((noreturn)) static void report(ExecState *es, const TranslationBlock *tb)
{
    FILE *o = stderr;
    fprintf(o, "rx86: check: block at pc 0x%016" PRIx64 " (flags %08x) ran differently under "
               "the JIT and the interpreter; its IR:\n", tb->pc, tb->flags);
    IrFunc f = {
        .ops = (IrOp *)tb->ir_ops,
        .nops = tb->ir_nops,
        .temps = (IrTempInfo *)tb->ir_temps,
        .ntemps = tb->ir_ntemps,
    };
    ir_print(&f, o);
    fprintf(o, "rx86: check: the state after the JIT:\n");
    guest_dump_state(es->env, o);
    fprintf(o, "rx86: check: the state after the interpreter:\n");
    guest_dump_state(es->check->copy, o);
    exit(3);
}

static uint64_t global_value(const void *env, const IrTempInfo *t)
{
    const char *p = (const char *)env + t->offset;
    if (t->type == IR_I32) {
        uint32_t v;
        memcpy(&v, p, sizeof(v));
        return v;
    }
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

void exec_check_after(ExecState *es, TranslationBlock *tb, unsigned code)
{
    ExecCheck *ck = es->check;
    if (!ck || !ck->active) {
        return;
    }
    ck->active = false;
    if (!ck->interp_done || code == IR_EXIT_REQUESTED) {
        return;
    }
    bool bad = false;
    if (code != ck->interp_code) {
        fprintf(stderr, "rx86: check: exit %u under the JIT, %u under the interpreter\n", code,
                ck->interp_code);
        bad = true;
    }
    const IrTempInfo *temps = tb->ir_temps;
    for (uint32_t i = 0; i < tb->ir_ntemps; i++) {
        if (temps[i].kind != IR_TEMP_GLOBAL) {
            continue;
        }
        uint64_t jit = global_value(es->env, &temps[i]);
        uint64_t ref = global_value(ck->copy, &temps[i]);
        if (jit != ref) {
            fprintf(stderr, "rx86: check: %s = 0x%" PRIx64 " under the JIT, 0x%" PRIx64
                            " under the interpreter\n",
                    temps[i].name ? temps[i].name : "?", jit, ref);
            bad = true;
        }
    }
    for (unsigned s = 0; s < ck->nstores; s++) {
        const CheckStore *st = &ck->stores[s];
        for (unsigned i = 0; i < st->size; i++) {
            const uint8_t *p = st->host + i;
            bool overwritten = false;
            for (unsigned later = s + 1; later < ck->nstores && !overwritten; later++) {
                overwritten = (uintptr_t)p - (uintptr_t)ck->stores[later].host <
                              ck->stores[later].size;
            }
            uint8_t want = (uint8_t)(st->value >> (8 * i));
            if (!overwritten && *p != want) {
                fprintf(stderr, "rx86: check: byte at linear 0x%" PRIx64 " is 0x%02x after the "
                                "JIT, 0x%02x after the interpreter\n", st->la + i, *p, want);
                bad = true;
            }
        }
    }
    if (bad) {
        report(es, tb);
    }
    ck->checked++;
}

void exec_check_abort(ExecState *es)
{
    ExecCheck *ck = es->check;
    if (!ck || !ck->active) {
        return;
    }
    ck->active = false;
    /* A one-instruction restart after self-modifying code is the JIT's
     * own business (the interpreter journal never writes code). */
    if (ck->interp_done && !es->cflags_next) {
        fprintf(stderr, "rx86: check: the JIT raised an exception the interpreter did not\n");
        report(es, ck->tb);
    }
}

void exec_check_destroy(ExecState *es)
{
    ExecCheck *ck = es->check;
    if (!ck) {
        return;
    }
    if (ck->checked || ck->skipped) {
        fprintf(stderr, "rx86: check: %" PRIu64 " blocks checked, %" PRIu64 " skipped\n",
                ck->checked, ck->skipped);
    }
    while (ck->kept) {
        KeptIr *k = ck->kept;
        ck->kept = k->next;
        free(k->ops);
        free(k->temps);
        free(k);
    }
    free(ck->copy);
    free(ck);
    es->check = NULL;
}
