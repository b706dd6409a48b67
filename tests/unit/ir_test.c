/*
 * IR printer and verifier: the exact text -d op shows for a small func, and
 * the verifier accepting well-formed IR and rejecting each kind of broken IR
 * with a message that names the op and the rule.
 */
#include "check.h"
#include "translator/ir.h"

#include <stdlib.h>
#include <string.h>

static uint64_t dummy_helper_fn(void *env, uint32_t a, uint64_t b)
{
    (void)env;
    return a + b;
}

static const IrHelper helper_add = {
    .name = "add_helper",
    .fn = (void *)dummy_helper_fn,
    .ret = IR_I64,
    .nargs = 2,
    .arg_types = {IR_I32, IR_I64},
    .flags = IR_HELPER_PURE,
};

static const IrHelper helper_void = {
    .name = "raise",
    .fn = (void *)dummy_helper_fn,
    .ret = IR_VOID,
    .nargs = 1,
    .arg_types = {IR_I32},
    .flags = 0,
};

/* Globals of the test funcs. */
enum { G_EAX, G_RIP, G_CC };

static void setup(IrFunc *f)
{
    ir_func_init(f);
    ir_global(f, IR_I32, 0x00, "eax");
    ir_global(f, IR_I64, 0x80, "rip");
    ir_global(f, IR_I64, 0x90, "cc_dst");
}

/* ir_print into buf (NUL-terminated). */
static void print_to(const IrFunc *f, char *buf, size_t size)
{
    FILE *tmp = tmpfile();
    if (!tmp) {
        buf[0] = '\0';
        return;
    }
    ir_print(f, tmp);
    rewind(tmp);
    size_t n = fread(buf, 1, size - 1, tmp);
    buf[n] = '\0';
    fclose(tmp);
}

static void test_print(void)
{
    IrFunc f;
    setup(&f);
    IrLabel l0 = ir_label_new(&f);
    IrOp *op = ir_emit(&f, IR_INSN_START, IR_I64);
    op->args[0] = 0xfff0;
    IrTemp t0 = ir_temp(&f, IR_I32);
    IrTemp t1 = ir_temp(&f, IR_I64);
    IrTemp loc = ir_temp_local(&f, IR_I64);
    ir_movi(&f, t0, 0x10);
    ir_op2(&f, IR_ADD, G_EAX, G_EAX, t0);
    ir_op1(&f, IR_EXTU_I32_I64, t1, G_EAX);
    op = ir_emit(&f, IR_QLD, IR_I32);
    op->args[0] = t0;
    op->args[1] = t1;
    op->args[2] = 2 | IR_MO_SIGN;
    op->args[3] = 1;
    op = ir_emit(&f, IR_QST, IR_I64);
    op->args[0] = t1;
    op->args[1] = t1;
    op->args[2] = 8;
    op->args[3] = 0;
    op = ir_emit(&f, IR_LD, IR_I64);
    op->args[0] = loc;
    op->args[1] = 0x40;
    op->args[2] = 8;
    IrTemp ins[2] = {t0, loc};
    ir_call(&f, &helper_add, G_CC, ins);
    ir_call(&f, &helper_void, IR_NO_TEMP, ins);
    op = ir_emit(&f, IR_DEPOSIT, IR_I32);
    op->args[0] = t0;
    op->args[1] = t0;
    op->args[2] = G_EAX;
    op->args[3] = 8;
    op->args[4] = 8;
    op = ir_emit(&f, IR_SETCOND, IR_I64);
    op->args[0] = t1;
    op->args[1] = t1;
    op->args[2] = loc;
    op->args[3] = IR_COND_LE;
    op = ir_emit(&f, IR_BRCOND, IR_I32);
    op->args[0] = t0;
    op->args[1] = G_EAX;
    op->args[2] = IR_COND_LTU;
    op->args[3] = l0;
    ir_movi(&f, G_RIP, 0x1234);
    op = ir_emit(&f, IR_GOTO_TB, IR_I64);
    op->args[0] = 0;
    op = ir_emit(&f, IR_LABEL, IR_I64);
    op->args[0] = l0;
    op = ir_emit(&f, IR_MB, IR_I64);
    op->args[0] = IR_MB_FULL;
    ir_movi(&f, G_EAX, (uint64_t)-1);
    op = ir_emit(&f, IR_LOOKUP_TB, IR_I64);
    op->args[0] = loc;

    char buf[2048];
    print_to(&f, buf, sizeof(buf));
    const char *want = " ---- 0x000000000000fff0\n"
                       " movi_i32 tmp0,$0x10\n"
                       " add_i32 eax,eax,tmp0\n"
                       " extu_i32_i64 tmp1,eax\n"
                       " qld_i32 tmp0,tmp1,size2s,mmu1\n"
                       " qst_i64 tmp1,tmp1,size8,mmu0\n"
                       " ld_i64 loc2,env+0x40,size8\n"
                       " call add_helper,cc_dst,tmp0,loc2\n"
                       " call raise,tmp0\n"
                       " deposit_i32 tmp0,tmp0,eax,$0x8,$0x8\n"
                       " setcond_i64 tmp1,tmp1,loc2,le\n"
                       " brcond_i32 tmp0,eax,ltu,$L0\n"
                       " movi_i64 rip,$0x1234\n"
                       " goto_tb $0x0\n"
                       " set_label $L0\n"
                       " mb full\n"
                       " movi_i32 eax,$0xffffffff\n"
                       " lookup_tb loc2\n";
    CHECK(strcmp(buf, want) == 0);
    if (strcmp(buf, want) != 0) {
        fprintf(stderr, "got:\n%s", buf);
    }
    char err[200];
    bool ok = ir_verify(&f, err, sizeof(err));
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "verify: %s\n", err);
    }
    ir_func_destroy(&f);
}

/* The remaining printer notations: exit codes, st, bswap, movcond, a bad temp. */
static void test_print_misc(void)
{
    IrFunc f;
    setup(&f);
    IrTemp t = ir_temp(&f, IR_I64);
    ir_movi(&f, t, 1);
    IrOp *op = ir_emit(&f, IR_ST, IR_I64);
    op->args[0] = t;
    op->args[1] = (uint64_t)-8;
    op->args[2] = 4;
    op = ir_emit(&f, IR_BSWAP, IR_I64);
    op->args[0] = t;
    op->args[1] = t;
    op->args[2] = 4;
    op = ir_emit(&f, IR_MOVCOND, IR_I64);
    op->args[0] = t;
    op->args[1] = t;
    op->args[2] = G_RIP;
    op->args[3] = G_CC;
    op->args[4] = t;
    op->args[5] = IR_COND_TSTNE;
    ir_op1(&f, IR_MOV, G_CC, 77);
    op = ir_emit(&f, IR_EXIT_TB, IR_I64);
    op->args[0] = IR_EXIT_NOCHAIN;
    char buf[1024];
    print_to(&f, buf, sizeof(buf));
    const char *want = " movi_i64 tmp0,$0x1\n"
                       " st_i64 tmp0,env-0x8,size4\n"
                       " bswap_i64 tmp0,tmp0,$0x4\n"
                       " movcond_i64 tmp0,tmp0,rip,cc_dst,tmp0,tstne\n"
                       " mov_i64 cc_dst,<bad temp 77>\n"
                       " exit_tb nochain\n";
    CHECK(strcmp(buf, want) == 0);
    if (strcmp(buf, want) != 0) {
        fprintf(stderr, "got:\n%s", buf);
    }
    ir_func_destroy(&f);
}

/* ---- the verifier ------------------------------------------------------- */

/*
 * Each bad case: a func starting from a known-good prefix, broken in one
 * way; the verifier must reject it and its message must contain `want`.
 */
typedef struct BadCase {
    const char *what;
    IrFunc f;
    IrTemp i32, i64, i32b, loc;
    IrLabel label;
} BadCase;

static void bad_begin(BadCase *c, const char *what)
{
    c->what = what;
    setup(&c->f);
    c->label = ir_label_new(&c->f);
    c->i32 = ir_const(&c->f, IR_I32, 5);
    c->i64 = ir_const(&c->f, IR_I64, 6);
    c->i32b = ir_temp(&c->f, IR_I32);
    c->loc = ir_temp_local(&c->f, IR_I64);
}

static void exit_tb(IrFunc *f)
{
    IrOp *op = ir_emit(f, IR_EXIT_TB, IR_I64);
    op->args[0] = IR_EXIT_NOCHAIN;
}

static void bad_end(BadCase *c, const char *want, bool add_exit)
{
    if (add_exit) {
        exit_tb(&c->f);
    }
    char err[256];
    bool ok = ir_verify(&c->f, err, sizeof(err));
    CHECK(!ok);
    if (ok) {
        fprintf(stderr, "verifier accepted: %s\n", c->what);
    } else if (!strstr(err, want)) {
        CHECK(strstr(err, want) != NULL);
        fprintf(stderr, "%s: message \"%s\" lacks \"%s\"\n", c->what, err, want);
    }
    ir_func_destroy(&c->f);
}

static IrOp *emit(BadCase *c, IrOpcode opc, IrType type, uint64_t a0, uint64_t a1, uint64_t a2,
                  uint64_t a3)
{
    IrOp *op = ir_emit(&c->f, opc, type);
    op->args[0] = a0;
    op->args[1] = a1;
    op->args[2] = a2;
    op->args[3] = a3;
    return op;
}

static void test_verify_good(void)
{
    BadCase c;
    bad_begin(&c, "good");
    /* every shape the rules allow, each once */
    emit(&c, IR_EXTU_I32_I64, IR_I64, c.loc, c.i32, 0, 0);
    emit(&c, IR_EXTRH_I64_I32, IR_I32, c.i32b, c.loc, 0, 0);
    emit(&c, IR_EXT32S, IR_I64, c.i64, c.i64, 0, 0);
    emit(&c, IR_QLD, IR_I32, c.i32b, c.i64, 1 | IR_MO_SIGN, 2);
    emit(&c, IR_QST, IR_I32, c.i32b, c.i64, 4, 2);
    emit(&c, IR_BSWAP, IR_I64, c.i64, c.i64, 8, 0);
    emit(&c, IR_EXTRACT, IR_I32, c.i32, c.i32, 16, 16);
    emit(&c, IR_BRCOND, IR_I64, c.i64, c.loc, IR_COND_TSTNE, c.label);
    emit(&c, IR_LABEL, IR_I64, c.label, 0, 0, 0);
    /* a LOCAL temp crosses labels; an unused label is fine */
    emit(&c, IR_ADD, IR_I64, c.loc, c.loc, c.loc, 0);
    ir_label_new(&c.f);
    ir_movi(&c.f, c.i32b, 1);
    IrTemp ins[2] = {c.i32b, c.loc};
    ir_call(&c.f, &helper_add, IR_NO_TEMP, ins);
    emit(&c, IR_LOOKUP_TB, IR_I64, c.loc, 0, 0, 0);
    ir_emit(&c.f, IR_NOP, IR_I32);
    char err[256];
    bool ok = ir_verify(&c.f, err, sizeof(err));
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "good IR rejected: %s\n", err);
    }
    ir_func_destroy(&c.f);
}

static void test_verify_bad(void)
{
    BadCase c;

    bad_begin(&c, "temp out of range");
    emit(&c, IR_ADD, IR_I32, c.i32, c.i32, 999, 0);
    bad_end(&c, "op 2 (ADD): arg 2: temp 999 out of range", true);

    bad_begin(&c, "type mismatch");
    emit(&c, IR_ADD, IR_I32, c.i32, c.i32, c.i64, 0);
    bad_end(&c, "temp 4 is i64, want i32", true);

    bad_begin(&c, "output type mismatch");
    emit(&c, IR_MOV, IR_I64, c.i32b, c.i64, 0, 0);
    bad_end(&c, "arg 0: temp 5 is i32, want i64", true);

    bad_begin(&c, "bad op type");
    emit(&c, IR_ADD, IR_VOID, c.i32, c.i32, c.i32, 0);
    bad_end(&c, "type 2 is neither i32 nor i64", true);

    bad_begin(&c, "unknown opcode");
    emit(&c, IR_NOP, IR_I32, 0, 0, 0, 0)->opc = IR_OPCODE_COUNT + 3;
    bad_end(&c, "unknown opcode", true);

    bad_begin(&c, "extu type");
    emit(&c, IR_EXTU_I32_I64, IR_I32, c.i64, c.i32, 0, 0);
    bad_end(&c, "type must be i64", true);

    bad_begin(&c, "extu input");
    emit(&c, IR_EXTU_I32_I64, IR_I64, c.i64, c.i64, 0, 0);
    bad_end(&c, "arg 1: temp 4 is i64, want i32", true);

    bad_begin(&c, "extrl output");
    emit(&c, IR_EXTRL_I64_I32, IR_I32, c.i64, c.i64, 0, 0);
    bad_end(&c, "arg 0: temp 4 is i64, want i32", true);

    bad_begin(&c, "ext32s on i32");
    emit(&c, IR_EXT32S, IR_I32, c.i32, c.i32, 0, 0);
    bad_end(&c, "only for i64", true);

    bad_begin(&c, "qld address i32");
    emit(&c, IR_QLD, IR_I32, c.i32b, c.i32, 4, 0);
    bad_end(&c, "arg 1: temp 3 is i32, want i64", true);

    bad_begin(&c, "qst value type");
    emit(&c, IR_QST, IR_I32, c.i64, c.i64, 4, 0);
    bad_end(&c, "arg 0: temp 4 is i64, want i32", true);

    bad_begin(&c, "lookup_tb i32");
    emit(&c, IR_LOOKUP_TB, IR_I64, c.i32, 0, 0, 0);
    bad_end(&c, "arg 0: temp 3 is i32, want i64", false);

    bad_begin(&c, "memop size 3");
    emit(&c, IR_QLD, IR_I32, c.i32b, c.i64, 3, 0);
    bad_end(&c, "memop size 3 is not 1, 2, 4 or 8", true);

    bad_begin(&c, "memop size 8 on i32");
    emit(&c, IR_LD, IR_I32, c.i32b, 0x10, 8, 0);
    bad_end(&c, "memop size 8 on an i32 op", true);

    bad_begin(&c, "signed store");
    emit(&c, IR_QST, IR_I64, c.i64, c.i64, 2 | IR_MO_SIGN, 0);
    bad_end(&c, "memop sign on a store", true);

    bad_begin(&c, "memop junk bits");
    emit(&c, IR_ST, IR_I64, c.i64, 0x10, 0x104, 0);
    bad_end(&c, "unknown bits", true);

    bad_begin(&c, "env offset");
    emit(&c, IR_LD, IR_I64, c.i64, 1ull << 40, 8, 0);
    bad_end(&c, "env offset", true);

    bad_begin(&c, "bad cond");
    emit(&c, IR_SETCOND, IR_I32, c.i32b, c.i32, c.i32, IR_COND_COUNT);
    bad_end(&c, "condition 14 out of range", true);

    bad_begin(&c, "normal temp read before write");
    emit(&c, IR_ADD, IR_I32, c.i32, c.i32, c.i32b, 0);
    bad_end(&c, "op 2 (ADD): arg 2: temp 5 read before written in its basic block", true);

    bad_begin(&c, "normal temp across a label");
    emit(&c, IR_LABEL, IR_I64, c.label, 0, 0, 0);
    emit(&c, IR_NEG, IR_I32, c.i32b, c.i32, 0, 0);
    bad_end(&c, "op 3 (NEG): arg 1: temp 3 read before written", true);

    bad_begin(&c, "normal temp across a brcond");
    emit(&c, IR_BRCOND, IR_I32, c.i32, c.i32, IR_COND_EQ, c.label);
    emit(&c, IR_NEG, IR_I32, c.i32b, c.i32, 0, 0);
    emit(&c, IR_LABEL, IR_I64, c.label, 0, 0, 0);
    bad_end(&c, "op 3 (NEG): arg 1: temp 3 read before written", true);

    bad_begin(&c, "label defined twice");
    emit(&c, IR_LABEL, IR_I64, c.label, 0, 0, 0);
    emit(&c, IR_LABEL, IR_I64, c.label, 0, 0, 0);
    bad_end(&c, "op 3 (LABEL): label 0 defined twice", true);

    bad_begin(&c, "branch to an unset label");
    emit(&c, IR_BR, IR_I64, c.label, 0, 0, 0);
    bad_end(&c, "op 2 (BR): branch to label 0, which is never set", false);

    bad_begin(&c, "label out of range");
    emit(&c, IR_BRCOND, IR_I32, c.i32, c.i32, IR_COND_EQ, 7);
    bad_end(&c, "label 7 out of range", true);

    bad_begin(&c, "deposit beyond the width");
    emit(&c, IR_DEPOSIT, IR_I32, c.i32, c.i32, c.i32, 30)->args[4] = 4;
    bad_end(&c, "field pos 30 len 4 not within 32 bits", true);

    bad_begin(&c, "extract of length 0");
    emit(&c, IR_EXTRACT, IR_I64, c.i64, c.i64, 0, 0);
    bad_end(&c, "field pos 0 len 0", true);

    bad_begin(&c, "bswap 8 on i32");
    emit(&c, IR_BSWAP, IR_I32, c.i32, c.i32, 8, 0);
    bad_end(&c, "size 8 wider than i32", true);

    bad_begin(&c, "mulu2 same outputs");
    emit(&c, IR_MULU2, IR_I32, c.i32b, c.i32b, c.i32, c.i32);
    bad_end(&c, "both outputs", true);

    bad_begin(&c, "goto_tb slot");
    emit(&c, IR_GOTO_TB, IR_I64, 2, 0, 0, 0);
    bad_end(&c, "slot 2 is not 0 or 1", false);

    bad_begin(&c, "exit code");
    emit(&c, IR_EXIT_TB, IR_I64, 9, 0, 0, 0);
    bad_end(&c, "exit code 9 out of range", false);

    bad_begin(&c, "fence kind");
    emit(&c, IR_MB, IR_I64, 0, 0, 0, 0);
    bad_end(&c, "fence kind 0", true);

    bad_begin(&c, "no exit at the end");
    emit(&c, IR_ADD, IR_I32, c.i32, c.i32, c.i32, 0);
    ir_emit(&c.f, IR_NOP, IR_I32);
    bad_end(&c, "op 2 (ADD): the func's last op is not an exit or BR", false);

    bad_begin(&c, "call argument type");
    IrTemp ins[2] = {c.i64, c.i64};
    ir_call(&c.f, &helper_add, IR_NO_TEMP, ins);
    bad_end(&c, "op 2 (CALL): arg 2: temp 4 is i64, want i32", true);

    bad_begin(&c, "call output type");
    ins[0] = c.i32;
    ir_call(&c.f, &helper_add, c.i32b, ins);
    bad_end(&c, "arg 1: temp 5 is i32, want i64", true);

    bad_begin(&c, "void call with an output");
    ir_call(&c.f, &helper_void, c.i32b, ins);
    bad_end(&c, "helper raise returns void but the call has an output", true);

    bad_begin(&c, "call reads an unwritten temp");
    ins[0] = c.i32b;
    ir_call(&c.f, &helper_void, IR_NO_TEMP, ins);
    bad_end(&c, "arg 2: temp 5 read before written", true);

    /* an empty func, and a global out of place in the temps table */
    IrFunc f;
    setup(&f);
    char err[128];
    CHECK(!ir_verify(&f, err, sizeof(err)));
    CHECK(strstr(err, "no ops") != NULL);
    exit_tb(&f);
    CHECK(ir_verify(&f, err, sizeof(err)));
    f.temps[1].kind = IR_TEMP_NORMAL;
    CHECK(!ir_verify(&f, err, sizeof(err)));
    CHECK(strstr(err, "temp 1: not GLOBAL among the globals") != NULL);
    /* a short buffer truncates but stays a string */
    char tiny[8];
    CHECK(!ir_verify(&f, tiny, sizeof(tiny)));
    CHECK(strlen(tiny) == 7);
    ir_func_destroy(&f);
}

int main(void)
{
    test_print();
    test_print_misc();
    test_verify_good();
    test_verify_bad();
    return check_report("ir");
}
