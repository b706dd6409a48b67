/*
 * interp_backend.c — the portable backend: "generating code" is copying the
 * optimized IR into the code buffer, and running it is ir_interpret().
 *
 * It lets rx86 run on a host without a JIT, and it is the reference the
 * checking mode compares a JIT against, so it keeps the same contract as
 * the native backends: code lives in the code buffer (and so is dropped by
 * a cache flush), exits report IR_EXIT_* codes or'ed with the TB, chaining
 * goes TB to TB without returning to the loop, and the exit request is
 * checked at every TB entry.
 *
 * The "code" of a TB, at tb->code (16-byte aligned in the buffer):
 *
 *     InterpCode header | IrTempInfo temps[ntemps] | IrOp ops[nops]
 *
 * with the NOPs of the func left out. Chaining needs no patching: exec
 * follows tb->jmp_dest[], which tb.c maintains, so patch_jump does nothing
 * and both jump offsets of a used slot are 0.
 */
#include "translator/backend.h"
#include "translator/ir.h"
#include "translator/tb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct InterpState {
    BackendConfig cfg;
} InterpState;

typedef struct InterpCode {
    uint32_t nops;
    uint32_t ntemps;
    uint32_t nglobals;
    uint32_t nlabels;
    uint32_t ninsns;
    uint32_t pad[3];
} InterpCode;

/* What exec passes as lookup_pc: a LOOKUP_TB overwrites it. It is a
 * non-canonical x86-64 address, which no TB starts at; if a LOOKUP_TB ever
 * did target it, exec would only skip the jump-cache probe and return
 * NOCHAIN, which is always correct. */
#define NO_LOOKUP_PC 0x8000000000000001ull

static int interp_init(void **state, const BackendConfig *cfg, CodeBuffer *cb)
{
    InterpState *s = calloc(1, sizeof(*s));
    if (!s) {
        return -ENOMEM;
    }
    s->cfg = *cfg;
    cb->reserved = 0; /* no trampolines */
    *state = s;
    return 0;
}

static void interp_destroy(void *state)
{
    free(state);
}

static size_t align_up(size_t v, size_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* Reject what ir_interpret would misread (malformed IR is a translator bug). */
static bool op_valid(const IrOp *op, uint32_t ntemps, char *err, size_t errlen, uint32_t index)
{
    if (op->opc >= IR_OPCODE_COUNT) {
        snprintf(err, errlen, "op %u: unknown opcode %u", index, op->opc);
        return false;
    }
    if (op->type > IR_I64) {
        snprintf(err, errlen, "op %u: bad type %u", index, op->type);
        return false;
    }
    const IrOpDef *d = &ir_op_defs[op->opc];
    unsigned ntemp_args = d->nout + d->nin;
    unsigned first = 0;
    if (op->opc == IR_CALL) {
        const IrHelper *h = ir_call_helper(op);
        if (!h || !h->fn || h->nargs > IR_HELPER_MAX_ARGS || h->ret > IR_VOID) {
            snprintf(err, errlen, "op %u: bad helper", index);
            return false;
        }
        if (op->args[1] != IR_NO_TEMP && (h->ret == IR_VOID || op->args[1] >= ntemps)) {
            snprintf(err, errlen, "op %u: bad helper output", index);
            return false;
        }
        first = 2;
        ntemp_args = h->nargs;
    }
    for (unsigned k = 0; k < ntemp_args; k++) {
        if (op->args[first + k] >= ntemps) {
            snprintf(err, errlen, "op %u (%s): temp %" PRIu64 " out of range", index, d->name,
                     op->args[first + k]);
            return false;
        }
    }
    unsigned width = op->type == IR_I32 ? 32 : 64;
    const uint64_t *a = op->args;
    switch (op->opc) {
    case IR_DEPOSIT:
        if (a[4] < 1 || a[3] + a[4] > width) {
            snprintf(err, errlen, "op %u: deposit field out of range", index);
            return false;
        }
        break;
    case IR_EXTRACT:
    case IR_SEXTRACT:
        if (a[3] < 1 || a[2] + a[3] > width) {
            snprintf(err, errlen, "op %u: extract field out of range", index);
            return false;
        }
        break;
    case IR_GOTO_TB:
        if (a[0] > 1) {
            snprintf(err, errlen, "op %u: goto_tb slot %" PRIu64, index, a[0]);
            return false;
        }
        break;
    default:
        break;
    }
    return true;
}

static BackendGenResult interp_gen(void *state, const IrFunc *f, TranslationBlock *tb,
                                   CodeBuffer *cb, char *err, size_t errlen)
{
    (void)state;
    if (f->oom) {
        snprintf(err, errlen, "IR out of memory");
        return BACKEND_GEN_ERROR;
    }
    uint32_t nops = 0;
    bool slot_used[2] = {false, false};
    for (uint32_t i = 0; i < f->nops; i++) {
        const IrOp *op = &f->ops[i];
        if (op->opc == IR_NOP) {
            continue;
        }
        if (!op_valid(op, f->ntemps, err, errlen, i)) {
            return BACKEND_GEN_ERROR;
        }
        if (op->opc == IR_GOTO_TB) {
            slot_used[op->args[0]] = true;
        }
        nops++;
    }

    size_t start = align_up(cb->used, 16);
    size_t temps_off = sizeof(InterpCode);
    size_t ops_off = align_up(temps_off + (size_t)f->ntemps * sizeof(IrTempInfo), 16);
    size_t total = ops_off + (size_t)nops * sizeof(IrOp);
    if (start > cb->size || cb->size - start < total) {
        return BACKEND_GEN_FULL;
    }

    uint8_t *rw = cb->rw + start;
    InterpCode hdr = {
        .nops = nops,
        .ntemps = f->ntemps,
        .nglobals = f->nglobals,
        .nlabels = f->nlabels,
        .ninsns = f->ninsns,
    };
    memcpy(rw, &hdr, sizeof(hdr));
    if (f->ntemps) {
        memcpy(rw + temps_off, f->temps, (size_t)f->ntemps * sizeof(IrTempInfo));
    }
    IrOp *dst = (IrOp *)(void *)(rw + ops_off);
    for (uint32_t i = 0; i < f->nops; i++) {
        if (f->ops[i].opc != IR_NOP) {
            *dst++ = f->ops[i];
        }
    }

    uint8_t *rx = code_rx(cb, rw);
    tb->code = rx;
    tb->code_size = (uint32_t)total;
    tb->ir_temps = rx + temps_off;
    tb->ir_ntemps = f->ntemps;
    tb->ir_ops = rx + ops_off;
    tb->ir_nops = nops;
    for (int n = 0; n < 2; n++) {
        tb->jmp_insn_offset[n] = slot_used[n] ? 0 : UINT32_MAX;
        tb->jmp_reset_offset[n] = slot_used[n] ? 0 : UINT32_MAX;
    }
    cb->used = start + total;
    return BACKEND_GEN_OK;
}

/* The jump cache's TB for pc, if tb may continue straight into it. */
static TranslationBlock *interp_probe(const InterpState *s, uint8_t *env,
                                      const TranslationBlock *tb, uint64_t pc)
{
    TranslationBlock **jc = (TranslationBlock **)(void *)(env + s->cfg.jmp_cache);
    TranslationBlock *next = __atomic_load_n(&jc[tb_jmp_cache_hash(pc)], __ATOMIC_ACQUIRE);
    if (!next || next->pc != pc || next->cs_base != tb->cs_base || next->flags != tb->flags) {
        return NULL;
    }
    if ((tb->cflags | next->cflags) & TB_CF_NOCHAIN) {
        return NULL;
    }
    if (__atomic_load_n(&next->invalid, __ATOMIC_ACQUIRE)) {
        return NULL;
    }
    return next;
}

static uintptr_t interp_exec(void *state, void *env, TranslationBlock *tb)
{
    const InterpState *s = state;
    uint8_t *envb = env;
    const _Atomic uint32_t *exit_request =
        (const _Atomic uint32_t *)(void *)(envb + s->cfg.exit_request);
    IrInterpEnv ie = {
        .env = env,
        .load = s->cfg.load_slow,
        .store = s->cfg.store_slow,
        .fault_pc_offset = s->cfg.fault_pc,
    };
    for (;;) {
        if (!(tb->cflags & TB_CF_NOIRQ) &&
            atomic_load_explicit(exit_request, memory_order_relaxed) != 0) {
            return (uintptr_t)tb | IR_EXIT_REQUESTED;
        }
        uint64_t pc = NO_LOOKUP_PC;
        unsigned code =
            ir_interpret(tb->ir_ops, tb->ir_nops, tb->ir_temps, tb->ir_ntemps, &ie, &pc);
        TranslationBlock *next = NULL;
        if (code == IR_EXIT_SLOT0 || code == IR_EXIT_SLOT1) {
            next = __atomic_load_n(&tb->jmp_dest[code], __ATOMIC_ACQUIRE);
        } else if (code == IR_EXIT_NOCHAIN && pc != NO_LOOKUP_PC) {
            next = interp_probe(s, envb, tb, pc);
        }
        if (!next) {
            return (uintptr_t)tb | (code & IR_EXIT_MASK);
        }
        tb = next;
    }
}

static void interp_patch_jump(void *state, CodeBuffer *cb, TranslationBlock *tb, int slot,
                              const TranslationBlock *dst)
{
    /* Nothing to patch: exec follows tb->jmp_dest[slot], set by tb.c. */
    (void)state;
    (void)cb;
    (void)tb;
    (void)slot;
    (void)dst;
}

static void interp_disas(void *state, FILE *out, const void *code, size_t size)
{
    (void)state;
    InterpCode hdr;
    if (size < sizeof(hdr)) {
        fprintf(out, "  (no IR)\n");
        return;
    }
    memcpy(&hdr, code, sizeof(hdr));
    const uint8_t *base = code;
    size_t temps_off = sizeof(InterpCode);
    size_t ops_off = align_up(temps_off + (size_t)hdr.ntemps * sizeof(IrTempInfo), 16);
    IrFunc view = {
        .ops = (IrOp *)(uintptr_t)(base + ops_off),
        .nops = hdr.nops,
        .ops_cap = hdr.nops,
        .temps = (IrTempInfo *)(uintptr_t)(base + temps_off),
        .ntemps = hdr.ntemps,
        .temps_cap = hdr.ntemps,
        .nglobals = hdr.nglobals,
        .nlabels = hdr.nlabels,
        .ninsns = hdr.ninsns,
    };
    fprintf(out, "  interpreted IR: %u ops, %u temps\n", hdr.nops, hdr.ntemps);
    ir_print(&view, out);
}

const Backend backend_interp = {
    .name = "interp",
    .init = interp_init,
    .destroy = interp_destroy,
    .gen = interp_gen,
    .exec = interp_exec,
    .patch_jump = interp_patch_jump,
    .disas = interp_disas,
};
