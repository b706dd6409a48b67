/*
 * ir.c — building IR: the op definitions table, temps, labels and ops.
 * Printing and checking are in ir_print.c and ir_verify.c.
 */
#include "translator/ir.h"

#include <stdlib.h>
#include <string.h>

const IrOpDef ir_op_defs[IR_OPCODE_COUNT] = {
#define IR_OP_DEF(name, o, i, c, f) [IR_##name] = {#name, o, i, c, f},
    IR_OPS(IR_OP_DEF)
#undef IR_OP_DEF
};

void ir_func_init(IrFunc *f)
{
    memset(f, 0, sizeof(*f));
}

void ir_func_destroy(IrFunc *f)
{
    free(f->ops);
    free(f->temps);
    memset(f, 0, sizeof(*f));
}

void ir_func_reset(IrFunc *f)
{
    f->nops = 0;
    f->ntemps = f->nglobals;
    f->nlabels = 0;
    f->ninsns = 0;
    f->oom = false;
}

/* Grow *array (of elem bytes, *cap entries) to hold at least need entries. */
static bool grow(void **array, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap) {
        return true;
    }
    uint32_t ncap = *cap ? *cap * 2 : 256;
    while (ncap < need) {
        ncap *= 2;
    }
    void *p = realloc(*array, (size_t)ncap * elem);
    if (!p) {
        return false;
    }
    *array = p;
    *cap = ncap;
    return true;
}

static IrTemp new_temp(IrFunc *f, IrTempKind kind, IrType type, int32_t offset, const char *name)
{
    if (!grow((void **)&f->temps, &f->temps_cap, f->ntemps + 1, sizeof(IrTempInfo))) {
        f->oom = true;
        return 0; /* a valid index: the func is discarded anyway */
    }
    IrTemp t = f->ntemps++;
    f->temps[t] = (IrTempInfo){.kind = kind, .type = type, .offset = offset, .name = name};
    return t;
}

IrTemp ir_global(IrFunc *f, IrType type, int32_t env_offset, const char *name)
{
    /* Globals come first so ir_func_reset can keep them. */
    IrTemp t = new_temp(f, IR_TEMP_GLOBAL, type, env_offset, name);
    f->nglobals = f->ntemps;
    return t;
}

IrTemp ir_temp(IrFunc *f, IrType type)
{
    return new_temp(f, IR_TEMP_NORMAL, type, 0, NULL);
}

IrTemp ir_temp_local(IrFunc *f, IrType type)
{
    return new_temp(f, IR_TEMP_LOCAL, type, 0, NULL);
}

IrLabel ir_label_new(IrFunc *f)
{
    return f->nlabels++;
}

IrOp *ir_emit(IrFunc *f, IrOpcode opc, IrType type)
{
    static IrOp scratch; /* written to when out of memory; never read */
    if (!grow((void **)&f->ops, &f->ops_cap, f->nops + 1, sizeof(IrOp))) {
        f->oom = true;
        memset(&scratch, 0, sizeof(scratch));
        return &scratch;
    }
    if (opc == IR_INSN_START) {
        f->ninsns++;
    }
    IrOp *op = &f->ops[f->nops++];
    memset(op, 0, sizeof(*op));
    op->opc = (uint16_t)opc;
    op->type = (uint8_t)type;
    op->insn = f->ninsns ? f->ninsns - 1 : 0;
    return op;
}

void ir_call(IrFunc *f, const IrHelper *h, IrTemp out, const IrTemp *ins)
{
    IrOp *op = ir_emit(f, IR_CALL, h->ret == IR_VOID ? IR_I64 : (IrType)h->ret);
    op->args[0] = (uint64_t)(uintptr_t)h;
    op->args[1] = out;
    for (unsigned i = 0; i < h->nargs; i++) {
        op->args[2 + i] = ins[i];
    }
}

unsigned ir_op_nargs(const IrOp *op)
{
    if (op->opc == IR_CALL) {
        return 2 + ir_call_helper(op)->nargs;
    }
    const IrOpDef *d = &ir_op_defs[op->opc];
    return d->nout + d->nin + d->nconst;
}
