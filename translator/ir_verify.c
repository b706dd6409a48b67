/*
 * ir_verify.c — the IR's rules, checked: what every pass may assume of its
 * input and must leave true of its output.
 *
 * Checked, per op: a known opcode; temps in range, of the op's type (or the
 * type a conversion, address, or helper argument needs); constant args in
 * range (memops, conditions, labels, bit fields, BSWAP sizes, exit codes,
 * fence kinds, goto_tb slots); each NORMAL temp written earlier in its basic
 * block before any read. Per func: each LABEL defined once, every branch
 * target defined, the last op (NOPs aside) an exit or BR. Labels nobody
 * branches to are fine: folding a branch away leaves its label behind.
 *
 * The first broken rule is reported as "op N (name): reason", or
 * "temp N: reason" for the temps table.
 */
#include "translator/ir.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct Verifier {
    const IrFunc *f;
    char *err;
    size_t errlen;
    uint32_t op_index;
    uint8_t *written; /* NORMAL temps written in the current basic block */
    uint8_t *defined; /* labels with a LABEL op */
} Verifier;

__attribute__((format(printf, 2, 3))) static bool fail(Verifier *v, const char *fmt, ...)
{
    if (!v->err || v->errlen == 0) {
        return false;
    }
    const IrOp *op = v->op_index < v->f->nops ? &v->f->ops[v->op_index] : NULL;
    int n = 0;
    if (op) {
        const char *name = op->opc < IR_OPCODE_COUNT ? ir_op_defs[op->opc].name : "?";
        n = snprintf(v->err, v->errlen, "op %" PRIu32 " (%s): ", v->op_index, name);
    }
    if (n >= 0 && (size_t)n < v->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(v->err + n, v->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

static const char *type_name(unsigned type)
{
    return type == IR_I32 ? "i32" : type == IR_I64 ? "i64" : "void";
}

/* Arg i of op is a temp of type `type`; a read (of a NORMAL temp) must follow a write. */
static bool check_temp(Verifier *v, const IrOp *op, unsigned i, IrType type, bool read)
{
    uint64_t t = op->args[i];
    if (t >= v->f->ntemps) {
        return fail(v, "arg %u: temp %" PRIu64 " out of range (%" PRIu32 " temps)", i, t,
                    v->f->ntemps);
    }
    const IrTempInfo *ti = &v->f->temps[t];
    if (ti->type != type) {
        return fail(v, "arg %u: temp %" PRIu64 " is %s, want %s", i, t, type_name(ti->type),
                    type_name(type));
    }
    if (read && ti->kind == IR_TEMP_NORMAL && !v->written[t]) {
        return fail(v, "arg %u: temp %" PRIu64 " read before written in its basic block", i, t);
    }
    return true;
}

static void note_written(Verifier *v, uint64_t t)
{
    if (t < v->f->ntemps) {
        v->written[t] = 1;
    }
}

static bool check_memop(Verifier *v, uint64_t memop, IrType type, bool load)
{
    uint64_t size = memop & IR_MO_SIZE_MASK;
    if (memop & ~(uint64_t)(IR_MO_SIZE_MASK | IR_MO_SIGN)) {
        return fail(v, "memop 0x%" PRIx64 " has unknown bits", memop);
    }
    if (size != 1 && size != 2 && size != 4 && size != 8) {
        return fail(v, "memop size %" PRIu64 " is not 1, 2, 4 or 8", size);
    }
    if (size == 8 && type != IR_I64) {
        return fail(v, "memop size 8 on an i32 op");
    }
    if ((memop & IR_MO_SIGN) && !load) {
        return fail(v, "memop sign on a store");
    }
    return true;
}

static bool check_cond(Verifier *v, uint64_t cond)
{
    if (cond >= IR_COND_COUNT) {
        return fail(v, "condition %" PRIu64 " out of range", cond);
    }
    return true;
}

static bool check_label(Verifier *v, uint64_t label)
{
    if (label >= v->f->nlabels) {
        return fail(v, "label %" PRIu64 " out of range (%" PRIu32 " labels)", label, v->f->nlabels);
    }
    return true;
}

static bool check_call(Verifier *v, const IrOp *op)
{
    const IrHelper *h = ir_call_helper(op);
    if (!h) {
        return fail(v, "no helper");
    }
    const char *name = h->name ? h->name : "?";
    if (h->nargs > IR_HELPER_MAX_ARGS || h->ret > IR_VOID) {
        return fail(v, "helper %s: bad signature", name);
    }
    for (unsigned i = 0; i < h->nargs; i++) {
        if (h->arg_types[i] != IR_I32 && h->arg_types[i] != IR_I64) {
            return fail(v, "helper %s: argument %u has type %u", name, i, h->arg_types[i]);
        }
        if (!check_temp(v, op, 2 + i, (IrType)h->arg_types[i], true)) {
            return false;
        }
    }
    if (h->ret == IR_VOID) {
        if (op->args[1] != IR_NO_TEMP) {
            return fail(v, "helper %s returns void but the call has an output", name);
        }
        return true;
    }
    if (op->type != h->ret) {
        return fail(v, "op type %s, helper %s returns %s", type_name(op->type), name,
                    type_name(h->ret));
    }
    if (op->args[1] != IR_NO_TEMP && !check_temp(v, op, 1, (IrType)h->ret, false)) {
        return false;
    }
    return true;
}

/* The constant args and the type rules that differ from "all temps of op->type". */
static bool check_op_specific(Verifier *v, const IrOp *op)
{
    IrType type = (IrType)op->type;
    unsigned w = type == IR_I32 ? 32 : 64;
    switch (op->opc) {
    case IR_EXT32S:
    case IR_EXT32U:
        if (type != IR_I64) {
            return fail(v, "only for i64");
        }
        return true;
    case IR_BSWAP:
        if (op->args[2] != 2 && op->args[2] != 4 && op->args[2] != 8) {
            return fail(v, "size %" PRIu64 " is not 2, 4 or 8", op->args[2]);
        }
        if (op->args[2] * 8 > w) {
            return fail(v, "size %" PRIu64 " wider than %s", op->args[2], type_name(type));
        }
        return true;
    case IR_DEPOSIT:
    case IR_EXTRACT:
    case IR_SEXTRACT: {
        unsigned c = op->opc == IR_DEPOSIT ? 3 : 2;
        uint64_t pos = op->args[c], len = op->args[c + 1];
        if (len == 0 || len > w || pos > w - len) {
            return fail(v, "field pos %" PRIu64 " len %" PRIu64 " not within %u bits", pos, len, w);
        }
        return true;
    }
    case IR_SETCOND:
        return check_cond(v, op->args[3]);
    case IR_MOVCOND:
        return check_cond(v, op->args[5]);
    case IR_BRCOND:
        return check_cond(v, op->args[2]) && check_label(v, op->args[3]);
    case IR_LD:
    case IR_ST: {
        /* args: the temp (out or in), then c:offset, c:memop */
        int64_t off = (int64_t)op->args[1];
        if (off != (int32_t)off) {
            return fail(v, "env offset 0x%" PRIx64 " not a 32-bit signed value", op->args[1]);
        }
        return check_memop(v, op->args[2], type, op->opc == IR_LD);
    }
    case IR_QLD:
    case IR_QST:
        /* args: value (out or in), address, then c:memop, c:mmu_idx */
        if (op->args[3] > UINT32_MAX) {
            return fail(v, "mmu index %" PRIu64 " out of range", op->args[3]);
        }
        return check_memop(v, op->args[2], type, op->opc == IR_QLD);
    case IR_MB:
        if (op->args[0] < IR_MB_LOAD || op->args[0] > IR_MB_FULL) {
            return fail(v, "fence kind %" PRIu64 " out of range", op->args[0]);
        }
        return true;
    case IR_LABEL:
        if (!check_label(v, op->args[0])) {
            return false;
        }
        if (v->defined[op->args[0]]) {
            return fail(v, "label %" PRIu64 " defined twice", op->args[0]);
        }
        v->defined[op->args[0]] = 1;
        return true;
    case IR_BR:
        return check_label(v, op->args[0]);
    case IR_GOTO_TB:
        if (op->args[0] > 1) {
            return fail(v, "slot %" PRIu64 " is not 0 or 1", op->args[0]);
        }
        return true;
    case IR_EXIT_TB:
        if (op->args[0] > IR_EXIT_MASK) {
            return fail(v, "exit code %" PRIu64 " out of range", op->args[0]);
        }
        return true;
    default:
        return true;
    }
}

/* The type of temp arg i (in the outs-then-ins order) of a non-CALL op. */
static IrType temp_type(const IrOp *op, unsigned i)
{
    const IrOpDef *d = &ir_op_defs[op->opc];
    bool is_in = i >= d->nout;
    switch (op->opc) {
    case IR_EXTU_I32_I64:
    case IR_EXTS_I32_I64:
        return is_in ? IR_I32 : IR_I64;
    case IR_EXTRL_I64_I32:
    case IR_EXTRH_I64_I32:
        return is_in ? IR_I64 : IR_I32;
    case IR_QLD:
        return is_in ? IR_I64 : (IrType)op->type; /* the address */
    case IR_QST:
        return i == 1 ? IR_I64 : (IrType)op->type; /* value, address */
    case IR_LOOKUP_TB:
        return IR_I64;
    default:
        return (IrType)op->type;
    }
}

static bool check_op(Verifier *v, const IrOp *op)
{
    if (op->opc >= IR_OPCODE_COUNT) {
        return fail(v, "unknown opcode %u", op->opc);
    }
    if (op->opc == IR_CALL) {
        if (op->type != IR_I32 && op->type != IR_I64) {
            return fail(v, "type %u", op->type);
        }
        if (!check_call(v, op)) {
            return false;
        }
        if (op->args[1] != IR_NO_TEMP) {
            note_written(v, op->args[1]);
        }
        return true;
    }
    const IrOpDef *d = &ir_op_defs[op->opc];
    unsigned ntemps = d->nout + d->nin;
    if (ntemps > 0 && op->type != IR_I32 && op->type != IR_I64) {
        return fail(v, "type %u is neither i32 nor i64", op->type);
    }
    if (op->opc == IR_LOOKUP_TB && op->type != IR_I64) {
        return fail(v, "type must be i64");
    }
    if ((op->opc == IR_EXTU_I32_I64 || op->opc == IR_EXTS_I32_I64) && op->type != IR_I64) {
        return fail(v, "type must be i64 (the output's)");
    }
    if ((op->opc == IR_EXTRL_I64_I32 || op->opc == IR_EXTRH_I64_I32) && op->type != IR_I32) {
        return fail(v, "type must be i32 (the output's)");
    }
    for (unsigned i = d->nout; i < ntemps; i++) {
        if (!check_temp(v, op, i, temp_type(op, i), true)) {
            return false;
        }
    }
    for (unsigned i = 0; i < d->nout; i++) {
        if (!check_temp(v, op, i, temp_type(op, i), false)) {
            return false;
        }
    }
    if (d->nout == 2 && op->args[0] == op->args[1]) {
        return fail(v, "both outputs are temp %" PRIu64, op->args[0]);
    }
    if (!check_op_specific(v, op)) {
        return false;
    }
    for (unsigned i = 0; i < d->nout; i++) {
        note_written(v, op->args[i]);
    }
    return true;
}

static bool check_temps_table(Verifier *v)
{
    const IrFunc *f = v->f;
    if (f->nglobals > f->ntemps) {
        return fail(v, "%" PRIu32 " globals but %" PRIu32 " temps", f->nglobals, f->ntemps);
    }
    for (uint32_t t = 0; t < f->ntemps; t++) {
        const IrTempInfo *ti = &f->temps[t];
        bool global = t < f->nglobals;
        if (ti->type != IR_I32 && ti->type != IR_I64) {
            return fail(v, "temp %" PRIu32 ": type %u", t, ti->type);
        }
        if (global != (ti->kind == IR_TEMP_GLOBAL)) {
            return fail(v, "temp %" PRIu32 ": %s", t,
                        global ? "not GLOBAL among the globals" : "GLOBAL after the globals");
        }
        if (!global && ti->kind != IR_TEMP_LOCAL && ti->kind != IR_TEMP_NORMAL) {
            return fail(v, "temp %" PRIu32 ": kind %u", t, ti->kind);
        }
    }
    return true;
}

static bool verify(Verifier *v)
{
    const IrFunc *f = v->f;
    v->op_index = UINT32_MAX;
    if (f->oom) {
        return fail(v, "func ran out of memory while being built");
    }
    if (!check_temps_table(v)) {
        return false;
    }
    uint32_t last = UINT32_MAX;
    for (uint32_t i = 0; i < f->nops; i++) {
        const IrOp *op = &f->ops[i];
        v->op_index = i;
        if (!check_op(v, op)) {
            return false;
        }
        if (op->opc != IR_NOP) {
            last = i;
        }
        if (ir_op_defs[op->opc].flags & IR_OPF_BB_END) {
            memset(v->written, 0, f->ntemps);
        }
    }
    /* Branch targets, once every LABEL has been seen. */
    for (uint32_t i = 0; i < f->nops; i++) {
        const IrOp *op = &f->ops[i];
        uint64_t label = op->opc == IR_BR ? op->args[0] : op->opc == IR_BRCOND ? op->args[3] : 0;
        v->op_index = i;
        if ((op->opc == IR_BR || op->opc == IR_BRCOND) && !v->defined[label]) {
            return fail(v, "branch to label %" PRIu64 ", which is never set", label);
        }
    }
    if (last == UINT32_MAX) {
        v->op_index = UINT32_MAX;
        return fail(v, "func has no ops");
    }
    v->op_index = last;
    const IrOp *op = &f->ops[last];
    if (op->opc != IR_BR && !(ir_op_defs[op->opc].flags & IR_OPF_EXIT)) {
        return fail(v, "the func's last op is not an exit or BR");
    }
    return true;
}

bool ir_verify(const IrFunc *f, char *err, size_t errlen)
{
    Verifier v = {.f = f, .err = err, .errlen = errlen};
    if (err && errlen) {
        err[0] = '\0';
    }
    v.written = calloc(f->ntemps ? f->ntemps : 1, 1);
    v.defined = calloc(f->nlabels ? f->nlabels : 1, 1);
    bool ok;
    if (!v.written || !v.defined) {
        v.op_index = UINT32_MAX;
        ok = fail(&v, "out of memory while verifying");
    } else {
        ok = verify(&v);
    }
    free(v.written);
    free(v.defined);
    return ok;
}
