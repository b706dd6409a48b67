/*
 * ir_print.c — the IR as text, for -d op / -d op_opt and for tests.
 *
 * One op a line, in the shape QEMU's TCG dumps use, so people who know one
 * can read the other:
 *
 *    ---- 0x000000000000fff0              INSN_START: the guest PC
 *    movi_i32 tmp2,$0x10                   outputs, inputs, then constants
 *    add_i32 eax,eax,tmp2                  globals by name, temps tmpN, locals locN
 *    qld_i32 tmp4,tmp3,size2s,mmu0         memop: size in bytes, "s" when sign-extending
 *    ld_i64 tmp5,env+0x40,size8            CPU state at an offset from env
 *    brcond_i32 tmp1,tmp2,ltu,$L3          conditions and labels by name
 *    call cc_compute_all,tmp7,tmp1,...     helper, its output (if any), its inputs
 *    set_label $L3
 *
 * Ops that operate on one type carry it as a suffix; the conversions name
 * both types already. The printer never trusts its input: a bad temp or
 * opcode prints as <bad ...> so an invalid func can still be looked at.
 */
#include "translator/ir.h"

#include <ctype.h>
#include <inttypes.h>

static const char *const cond_names[IR_COND_COUNT] = {
    [IR_COND_NEVER] = "never", [IR_COND_ALWAYS] = "always", [IR_COND_EQ] = "eq",
    [IR_COND_NE] = "ne",       [IR_COND_LT] = "lt",         [IR_COND_GE] = "ge",
    [IR_COND_LE] = "le",       [IR_COND_GT] = "gt",         [IR_COND_LTU] = "ltu",
    [IR_COND_GEU] = "geu",     [IR_COND_LEU] = "leu",       [IR_COND_GTU] = "gtu",
    [IR_COND_TSTEQ] = "tsteq", [IR_COND_TSTNE] = "tstne",
};

static const char *const exit_names[] = {
    [IR_EXIT_SLOT0] = "slot0",
    [IR_EXIT_SLOT1] = "slot1",
    [IR_EXIT_NOCHAIN] = "nochain",
    [IR_EXIT_REQUESTED] = "requested",
};

static const char *const mb_names[] = {
    [IR_MB_LOAD] = "load",
    [IR_MB_STORE] = "store",
    [IR_MB_FULL] = "full",
};

static void print_temp(const IrFunc *f, FILE *out, uint64_t t)
{
    if (t >= f->ntemps) {
        fprintf(out, "<bad temp %" PRIu64 ">", t);
        return;
    }
    const IrTempInfo *ti = &f->temps[t];
    if (ti->kind == IR_TEMP_GLOBAL) {
        if (ti->name) {
            fputs(ti->name, out);
        } else {
            fprintf(out, "global%" PRIu64, t);
        }
        return;
    }
    fprintf(out, "%s%" PRIu64, ti->kind == IR_TEMP_LOCAL ? "loc" : "tmp", t - f->nglobals);
}

static void print_name(FILE *out, const char *name)
{
    for (const char *p = name; *p; p++) {
        fputc(tolower((unsigned char)*p), out);
    }
}

static void print_cond(FILE *out, uint64_t c)
{
    if (c < IR_COND_COUNT) {
        fputs(cond_names[c], out);
    } else {
        fprintf(out, "<bad cond %" PRIu64 ">", c);
    }
}

static void print_memop(FILE *out, uint64_t memop)
{
    fprintf(out, "size%" PRIu64 "%s", memop & IR_MO_SIZE_MASK, (memop & IR_MO_SIGN) ? "s" : "");
    if (memop & ~(uint64_t)(IR_MO_SIZE_MASK | IR_MO_SIGN)) {
        fprintf(out, "<bad memop 0x%" PRIx64 ">", memop);
    }
}

/* Whether the op's mnemonic takes an _i32/_i64 suffix. */
static bool has_type_suffix(IrOpcode opc)
{
    switch (opc) {
    case IR_EXTU_I32_I64:
    case IR_EXTS_I32_I64:
    case IR_EXTRL_I64_I32:
    case IR_EXTRH_I64_I32:
    case IR_LOOKUP_TB:
    case IR_CALL:
        return false;
    default:
        return ir_op_defs[opc].nout + ir_op_defs[opc].nin > 0;
    }
}

static void print_call(const IrFunc *f, FILE *out, const IrOp *op)
{
    const IrHelper *h = ir_call_helper(op);
    if (!h) {
        fputs("call <null helper>", out);
        return;
    }
    fprintf(out, "call %s", h->name ? h->name : "<unnamed>");
    if (op->args[1] != IR_NO_TEMP) {
        fputc(',', out);
        print_temp(f, out, op->args[1]);
    }
    for (unsigned i = 0; i < h->nargs && i < IR_MAX_ARGS - 2; i++) {
        fputc(',', out);
        print_temp(f, out, op->args[2 + i]);
    }
}

/* The constant arguments, each in the notation of its kind. */
static void print_consts(FILE *out, const IrOp *op, const uint64_t *c, bool first)
{
    const char *sep = first ? " " : ",";
    switch (op->opc) {
    case IR_MOVI:
        fprintf(out, "%s$0x%" PRIx64, sep, op->type == IR_I32 ? c[0] & UINT32_MAX : c[0]);
        break;
    case IR_LD:
    case IR_ST: {
        int64_t off = (int64_t)c[0];
        fprintf(out, "%senv%c0x%" PRIx64 ",", sep, off < 0 ? '-' : '+',
                off < 0 ? -(uint64_t)off : (uint64_t)off);
        print_memop(out, c[1]);
        break;
    }
    case IR_QLD:
    case IR_QST:
        fputs(sep, out);
        print_memop(out, c[0]);
        fprintf(out, ",mmu%" PRIu64, c[1]);
        break;
    case IR_SETCOND:
    case IR_MOVCOND:
        fputs(sep, out);
        print_cond(out, c[0]);
        break;
    case IR_BRCOND:
        fputs(sep, out);
        print_cond(out, c[0]);
        fprintf(out, ",$L%" PRIu64, c[1]);
        break;
    case IR_LABEL:
    case IR_BR:
        fprintf(out, "%s$L%" PRIu64, sep, c[0]);
        break;
    case IR_EXIT_TB:
        if (c[0] < sizeof(exit_names) / sizeof(exit_names[0])) {
            fprintf(out, "%s%s", sep, exit_names[c[0]]);
        } else {
            fprintf(out, "%s$0x%" PRIx64, sep, c[0]);
        }
        break;
    case IR_MB:
        if (c[0] < sizeof(mb_names) / sizeof(mb_names[0]) && mb_names[c[0]]) {
            fprintf(out, "%s%s", sep, mb_names[c[0]]);
        } else {
            fprintf(out, "%s$0x%" PRIx64, sep, c[0]);
        }
        break;
    default:
        for (unsigned i = 0; i < ir_op_defs[op->opc].nconst; i++) {
            fprintf(out, "%s$0x%" PRIx64, sep, c[i]);
            sep = ",";
        }
        break;
    }
}

static void print_op(const IrFunc *f, FILE *out, const IrOp *op)
{
    if (op->opc >= IR_OPCODE_COUNT) {
        fprintf(out, " <bad opcode %u>\n", op->opc);
        return;
    }
    if (op->opc == IR_INSN_START) {
        fprintf(out, " ---- 0x%016" PRIx64 "\n", op->args[0]);
        return;
    }
    fputc(' ', out);
    if (op->opc == IR_CALL) {
        print_call(f, out, op);
        fputc('\n', out);
        return;
    }
    const IrOpDef *d = &ir_op_defs[op->opc];
    print_name(out, op->opc == IR_LABEL ? "set_label" : d->name);
    if (has_type_suffix((IrOpcode)op->opc)) {
        fputs(op->type == IR_I32 ? "_i32" : op->type == IR_I64 ? "_i64" : "_<bad type>", out);
    }
    unsigned ntemps = d->nout + d->nin;
    for (unsigned i = 0; i < ntemps; i++) {
        fputc(i ? ',' : ' ', out);
        print_temp(f, out, op->args[i]);
    }
    if (d->nconst) {
        print_consts(out, op, &op->args[ntemps], ntemps == 0);
    }
    fputc('\n', out);
}

void ir_print(const IrFunc *f, FILE *out)
{
    for (uint32_t i = 0; i < f->nops; i++) {
        print_op(f, out, &f->ops[i]);
    }
}
