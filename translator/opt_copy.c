/*
 * opt_copy.c — copy propagation within basic blocks.
 *
 * After "mov t, s", a later read of t within the same basic block reads s
 * instead, as long as neither t nor s was written in between (and, for a
 * global s, no CALL that may write globals came between). The MOV itself is
 * left for opt_dead_code to delete once nothing reads t. Copies are chased
 * to their root, so "mov b, a; mov c, b" makes reads of c read a.
 *
 * Validity is tracked with per-temp write counters instead of clearing
 * lists: a copy remembers the counters of both ends when it was made and is
 * stale once either moved on. Everything is forgotten at basic block
 * boundaries, so a NORMAL source is never read outside its block.
 */
#include "translator/opt_internal.h"

#include <stdlib.h>

typedef struct Copy {
    IrTemp src;       /* IR_NO_TEMP: none */
    uint32_t src_gen; /* gen[src] when the copy was made */
    uint32_t dst_gen; /* gen[dst] when the copy was made */
} Copy;

typedef struct CopyState {
    IrFunc *f;
    Copy *copy;    /* per temp: what it is a copy of */
    uint32_t *gen; /* per temp: writes seen so far (bumped on every write) */
} CopyState;

/* The temp t currently equals, or t itself. */
static IrTemp copy_source(const CopyState *s, IrTemp t)
{
    const Copy *c = &s->copy[t];
    if (c->src != IR_NO_TEMP && s->gen[c->src] == c->src_gen && s->gen[t] == c->dst_gen) {
        return c->src;
    }
    return t;
}

static void note_write(CopyState *s, IrTemp t)
{
    s->gen[t]++;
    s->copy[t].src = IR_NO_TEMP;
}

static void forget_all(CopyState *s)
{
    for (uint32_t t = 0; t < s->f->ntemps; t++) {
        s->copy[t].src = IR_NO_TEMP;
    }
}

void opt_copy_propagate(IrFunc *f)
{
    if (f->oom || f->ntemps == 0) {
        return;
    }
    CopyState s = {.f = f};
    s.copy = malloc(f->ntemps * sizeof(Copy));
    s.gen = calloc(f->ntemps, sizeof(uint32_t));
    if (!s.copy || !s.gen) {
        goto out; /* no memory: leaving the func unoptimized is correct */
    }
    forget_all(&s);
    for (uint32_t i = 0; i < f->nops; i++) {
        IrOp *op = &f->ops[i];
        if (op->opc == IR_NOP) {
            continue;
        }
        OpTemps ot = opt_op_temps(op);
        for (unsigned k = 0; k < ot.nin; k++) {
            IrTemp t = (IrTemp)op->args[ot.in_first + k];
            IrTemp src = copy_source(&s, t);
            if (src != t && f->temps[src].type == f->temps[t].type) {
                op->args[ot.in_first + k] = src;
            }
        }
        if (op->opc == IR_MOV && op->args[0] == op->args[1]) {
            opt_make_nop(op); /* a copy of itself (its source was a copy of it) */
            continue;
        }
        for (unsigned k = 0; k < ot.nout; k++) {
            note_write(&s, (IrTemp)op->args[ot.out_first + k]);
        }
        if (opt_call_writes_globals(op)) {
            for (uint32_t g = 0; g < f->nglobals; g++) {
                note_write(&s, g);
            }
        }
        if (op->opc == IR_MOV) {
            IrTemp d = (IrTemp)op->args[0], src = (IrTemp)op->args[1];
            if (d != src) {
                s.copy[d] = (Copy){src, s.gen[src], s.gen[d]};
            }
        }
        if (opt_op_bb_boundary(op)) {
            forget_all(&s);
        }
    }
out:
    free(s.copy);
    free(s.gen);
}
