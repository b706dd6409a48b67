/*
 * The x86-64 backend: encoder and small-function golden bytes (any host),
 * then, on an x86-64 host, generated code run against C: every value op in
 * both types with constants, globals and temps in each operand position,
 * guest memory through a fake soft TLB (hits, misses, page crossings,
 * flagged pages, faults), helper calls, register pressure, loops, chaining
 * and the jump cache, and a differential run against the IR interpreter.
 */
#include "backend-x86/x64_emit.h"
#include "backend-x86/x64_internal.h"
#include "tests/unit/check.h"
#include "translator/backend.h"
#include "translator/ir.h"
#include "translator/tb.h"

#include <setjmp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- golden encodings (any host) --------------------------------------------------- */

typedef struct Golden {
    uint8_t buf[256];
    X64Asm a;
} Golden;

static void golden_begin(Golden *g)
{
    memset(g->buf, 0, sizeof(g->buf));
    x64_asm_init(&g->a, g->buf, g->buf, 0, sizeof(g->buf));
}

static bool golden_end(Golden *g, const char *what, const uint8_t *want, size_t n)
{
    bool ok = g->a.pos == n && memcmp(g->buf, want, n) == 0 && !g->a.overflow;
    if (!ok) {
        fprintf(stderr, "%s: got", what);
        for (size_t i = 0; i < g->a.pos; i++) {
            fprintf(stderr, " %02x", g->buf[i]);
        }
        fprintf(stderr, "\n");
    }
    x64_asm_destroy(&g->a);
    return ok;
}

#define GOLDEN(g, what, ...)                                                                       \
    do {                                                                                           \
        static const uint8_t want_[] = {__VA_ARGS__};                                              \
        CHECK(golden_end(g, what, want_, sizeof(want_)));                                          \
    } while (0)

static void test_golden_encoders(void)
{
    Golden g;
    golden_begin(&g);
    x64_mov_rr(&g.a, true, X64_RAX, X64_RBX);
    GOLDEN(&g, "mov rax, rbx", 0x48, 0x8b, 0xc3);
    golden_begin(&g);
    x64_mov_rr(&g.a, false, X64_R9, X64_RDI);
    GOLDEN(&g, "mov r9d, edi", 0x44, 0x8b, 0xcf);
    golden_begin(&g);
    x64_movi(&g.a, true, X64_RAX, 0, false);
    GOLDEN(&g, "xor eax, eax", 0x33, 0xc0);
    golden_begin(&g);
    x64_movi(&g.a, true, X64_RAX, 0, true);
    GOLDEN(&g, "mov eax, 0", 0xb8, 0, 0, 0, 0);
    golden_begin(&g);
    x64_movi(&g.a, true, X64_R12, ~0ull, false);
    GOLDEN(&g, "mov r12, -1", 0x49, 0xc7, 0xc4, 0xff, 0xff, 0xff, 0xff);
    golden_begin(&g);
    x64_movi(&g.a, true, X64_RCX, 0x123456789ull, false);
    GOLDEN(&g, "movabs rcx", 0x48, 0xb9, 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0);
    golden_begin(&g);
    x64_movi(&g.a, false, X64_R15, 0xfffffffffull, false);
    GOLDEN(&g, "mov r15d, -1", 0x41, 0xbf, 0xff, 0xff, 0xff, 0xff);
    golden_begin(&g);
    x64_arith_ri(&g.a, ARITH_ADD, true, X64_R8, 1);
    GOLDEN(&g, "add r8, 1", 0x49, 0x83, 0xc0, 0x01);
    golden_begin(&g);
    x64_arith_ri(&g.a, ARITH_AND, false, X64_RDX, 0x1000);
    GOLDEN(&g, "and edx, 0x1000", 0x81, 0xe2, 0x00, 0x10, 0x00, 0x00);
    golden_begin(&g);
    x64_arith_rr(&g.a, ARITH_SUB, true, X64_R13, X64_RSI);
    GOLDEN(&g, "sub r13, rsi", 0x4c, 0x2b, 0xee);
    golden_begin(&g);
    x64_load(&g.a, 1, false, false, X64_RSI, X64_R13, -1, 0);
    GOLDEN(&g, "movzx esi, byte [r13]", 0x41, 0x0f, 0xb6, 0x75, 0x00);
    golden_begin(&g);
    x64_load(&g.a, 4, true, true, X64_RAX, X64_RBX, X64_R12, 0x100);
    GOLDEN(&g, "movsxd rax, [rbx+r12+0x100]", 0x4a, 0x63, 0x84, 0x23, 0x00, 0x01, 0x00, 0x00);
    golden_begin(&g);
    x64_load(&g.a, 8, false, true, X64_RAX, X64_RSP, -1, 16);
    GOLDEN(&g, "mov rax, [rsp+16]", 0x48, 0x8b, 0x44, 0x24, 0x10);
    golden_begin(&g);
    x64_store(&g.a, 1, X64_RSI, X64_RAX, -1, 8);
    GOLDEN(&g, "mov [rax+8], sil", 0x40, 0x88, 0x70, 0x08);
    golden_begin(&g);
    x64_store(&g.a, 2, X64_R10, X64_RBP, -1, 0);
    GOLDEN(&g, "mov [rbp+0], r10w", 0x66, 0x44, 0x89, 0x55, 0x00);
    golden_begin(&g);
    x64_store_imm(&g.a, 8, -2, X64_RBP, 0x40);
    GOLDEN(&g, "mov qword [rbp+0x40], -2", 0x48, 0xc7, 0x45, 0x40, 0xfe, 0xff, 0xff, 0xff);
    golden_begin(&g);
    x64_lea(&g.a, true, X64_RAX, X64_RBX, X64_R12, 0);
    GOLDEN(&g, "lea rax, [rbx+r12]", 0x4a, 0x8d, 0x04, 0x23);
    golden_begin(&g);
    x64_shift_ri(&g.a, SHIFT_SHL, true, X64_RDI, 1);
    GOLDEN(&g, "shl rdi, 1", 0x48, 0xd1, 0xe7);
    golden_begin(&g);
    x64_shift_ri(&g.a, SHIFT_SAR, false, X64_R11, 7);
    GOLDEN(&g, "sar r11d, 7", 0x41, 0xc1, 0xfb, 0x07);
    golden_begin(&g);
    x64_shift_rcl(&g.a, SHIFT_ROR, true, X64_RBX);
    GOLDEN(&g, "ror rbx, cl", 0x48, 0xd3, 0xcb);
    golden_begin(&g);
    x64_setcc(&g.a, X64_CC_E, X64_RSI);
    GOLDEN(&g, "sete sil", 0x40, 0x0f, 0x94, 0xc6);
    golden_begin(&g);
    x64_cmov(&g.a, X64_CC_B, false, X64_R9, X64_R10);
    GOLDEN(&g, "cmovb r9d, r10d", 0x45, 0x0f, 0x42, 0xca);
    golden_begin(&g);
    x64_test_rr(&g.a, true, X64_RAX, X64_R8);
    GOLDEN(&g, "test r8, rax", 0x49, 0x85, 0xc0);
    golden_begin(&g);
    x64_push(&g.a, X64_R15);
    x64_pop(&g.a, X64_RBX);
    x64_ret(&g.a);
    GOLDEN(&g, "push r15; pop rbx; ret", 0x41, 0x57, 0x5b, 0xc3);
    golden_begin(&g);
    x64_nops(&g.a, 12);
    GOLDEN(&g, "12 bytes of nop", 0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0, 0x0f, 0x1f, 0x00);
    golden_begin(&g);
    x64_op_rr(&g.a, OPC_LZCNT_GvEv | P_REXW, X64_RAX, X64_R14);
    GOLDEN(&g, "lzcnt rax, r14", 0xf3, 0x49, 0x0f, 0xbd, 0xc6);
    golden_begin(&g);
    x64_mfence(&g.a);
    GOLDEN(&g, "mfence", 0x0f, 0xae, 0xf0);
}

static void test_golden_labels(void)
{
    Golden g;
    /* A backward jump that reaches with rel8, a forward one with rel32. */
    golden_begin(&g);
    uint32_t top = x64_label_new(&g.a), end = x64_label_new(&g.a);
    x64_label_bind(&g.a, top);
    x64_jcc_label(&g.a, X64_CC_NE, end);
    x64_jmp_label(&g.a, top);
    x64_label_bind(&g.a, end);
    CHECK(x64_resolve_labels(&g.a));
    GOLDEN(&g, "labels", 0x0f, 0x85, 0x02, 0x00, 0x00, 0x00, 0xeb, 0xf8);

    /* A rel8 that does not reach is reported, not truncated. */
    golden_begin(&g);
    uint32_t far = x64_label_new(&g.a);
    x64_jcc_label8(&g.a, X64_CC_E, far);
    x64_nops(&g.a, 200);
    x64_label_bind(&g.a, far);
    CHECK(!x64_resolve_labels(&g.a));
    x64_asm_destroy(&g.a);

    /* An unbound label is an error too. */
    golden_begin(&g);
    x64_jmp_label(&g.a, x64_label_new(&g.a));
    CHECK(!x64_resolve_labels(&g.a));
    x64_asm_destroy(&g.a);

    /* Overflow is sticky and nothing is written past the limit. */
    uint8_t small[4] = {0, 0, 0, 0xaa};
    X64Asm a;
    x64_asm_init(&a, small, small, 0, 3);
    x64_movi(&a, true, X64_RAX, 0x123456789ull, false);
    x64_put8(&a, 0x90);
    CHECK(a.overflow);
    CHECK_EQ(small[3], 0xaa);
    x64_asm_destroy(&a);
}

/* ---- the rig: a fake CPU state laid out as backend.h describes ------------------------ */

#define NG 12 /* globals of each type */
#define FAKE_TLB_ENTRIES 16
#define PAGE 4096u
#define RAM_LA 0x40000ull  /* two pages of RAM: TLB entries 0 and 1 */
#define MMIO_LA 0x50000ull /* one page only the slow path knows: entry 0 again */
#define FLAG_NOTDIRTY (1ull << 9)

typedef struct FakeTlbEntry {
    uint64_t addr_read, addr_write, addr_code;
    uintptr_t addend;
} FakeTlbEntry;

typedef struct FakeEnv {
    uint64_t g64[NG];
    uint32_t g32[NG];
    uint32_t exit_request;
    uint32_t pad;
    uint64_t fault_pc;
    uint64_t scratch[4];
    FakeTlbEntry tlb[2][FAKE_TLB_ENTRIES];
    TranslationBlock *jmp_cache[TB_JMP_CACHE_SIZE];
} FakeEnv;

typedef struct Rig {
    CodeBuffer cb;
    void *st;
    BackendConfig cfg;
    FakeEnv *env;
    IrFunc f;
    IrTemp g64[NG], g32[NG];
} Rig;

static uint8_t ram[2 * PAGE];
static uint8_t mmio[PAGE];
static unsigned nslow_loads, nslow_stores;
static uint64_t slow_load_pc, slow_store_pc, slow_g0;
static bool slow_misaligned, slow_fault;
static sigjmp_buf fault_jmp;

static uint8_t *guest_byte(uint64_t la)
{
    if (la >= RAM_LA && la < RAM_LA + sizeof(ram)) {
        return &ram[la - RAM_LA];
    }
    if (la >= MMIO_LA && la < MMIO_LA + sizeof(mmio)) {
        return &mmio[la - MMIO_LA];
    }
    return NULL;
}

/* noipa: GCC must not relax the caller's stack alignment for a local callee. */
__attribute__((noipa)) static bool frame_misaligned(void)
{
    return ((uintptr_t)__builtin_frame_address(0) & 15) != 0;
}

static uint64_t fake_load(void *envp, uint64_t la, uint32_t memop, uint32_t mmu_idx)
{
    FakeEnv *env = envp;
    slow_misaligned |= frame_misaligned();
    nslow_loads++;
    slow_load_pc = env->fault_pc;
    slow_g0 = env->g64[0];
    if (slow_fault) {
        siglongjmp(fault_jmp, 1);
    }
    unsigned size = memop & IR_MO_SIZE_MASK;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint8_t *p = guest_byte(la + i);
        v |= (uint64_t)(p ? *p : 0xff) << (8 * i);
    }
    /* Garbage above the access: the backend extends the value itself. */
    if (size < 8) {
        v |= 0xdead0000beef0000ull << (8 * size);
    }
    (void)mmu_idx;
    return v;
}

static void fake_store(void *envp, uint64_t la, uint64_t value, uint32_t memop, uint32_t mmu_idx)
{
    FakeEnv *env = envp;
    slow_misaligned |= frame_misaligned();
    nslow_stores++;
    slow_store_pc = env->fault_pc;
    slow_g0 = env->g64[0];
    unsigned size = memop & IR_MO_SIZE_MASK;
    for (unsigned i = 0; i < size; i++) {
        uint8_t *p = guest_byte(la + i);
        if (p) {
            *p = (uint8_t)(value >> (8 * i));
        }
    }
    (void)mmu_idx;
}

static void tlb_reset(FakeEnv *env)
{
    for (int m = 0; m < 2; m++) {
        for (int i = 0; i < FAKE_TLB_ENTRIES; i++) {
            env->tlb[m][i] = (FakeTlbEntry){1ull << 11, 1ull << 11, 1ull << 11, 0};
        }
        /* Page 0: read and write. Page 1: read; writes flagged (NOTDIRTY). */
        uintptr_t addend = (uintptr_t)ram - RAM_LA;
        env->tlb[m][0] = (FakeTlbEntry){RAM_LA, RAM_LA, RAM_LA, addend};
        env->tlb[m][1] =
            (FakeTlbEntry){RAM_LA + PAGE, (RAM_LA + PAGE) | FLAG_NOTDIRTY, RAM_LA + PAGE, addend};
    }
}

static bool rig_init(Rig *r)
{
    memset(r, 0, sizeof(*r));
    if (code_buffer_init(&r->cb, 32u << 20) != 0) {
        return false;
    }
    r->env = calloc(1, sizeof(FakeEnv));
    r->cfg = (BackendConfig){
        .exit_request = offsetof(FakeEnv, exit_request),
        .fault_pc = offsetof(FakeEnv, fault_pc),
        .jmp_cache = offsetof(FakeEnv, jmp_cache),
        .tlb_table = offsetof(FakeEnv, tlb),
        .tlb_table_stride = sizeof(FakeTlbEntry) * FAKE_TLB_ENTRIES,
        .tlb_entry_size = sizeof(FakeTlbEntry),
        .tlb_entries = FAKE_TLB_ENTRIES,
        .tlb_page_bits = 12,
        .tlb_off_read = offsetof(FakeTlbEntry, addr_read),
        .tlb_off_write = offsetof(FakeTlbEntry, addr_write),
        .tlb_off_addend = offsetof(FakeTlbEntry, addend),
        .load_slow = fake_load,
        .store_slow = fake_store,
    };
    if (backend_x86_64.init(&r->st, &r->cfg, &r->cb) != 0) {
        return false;
    }
    ir_func_init(&r->f);
    static const char *n64[NG] = {"q0", "q1", "q2", "q3", "q4",  "q5",
                                  "q6", "q7", "q8", "q9", "q10", "q11"};
    static const char *n32[NG] = {"d0", "d1", "d2", "d3", "d4",  "d5",
                                  "d6", "d7", "d8", "d9", "d10", "d11"};
    for (int i = 0; i < NG; i++) {
        r->g64[i] = ir_global(&r->f, IR_I64, (int32_t)offsetof(FakeEnv, g64[i]), n64[i]);
    }
    for (int i = 0; i < NG; i++) {
        r->g32[i] = ir_global(&r->f, IR_I32, (int32_t)offsetof(FakeEnv, g32[i]), n32[i]);
    }
    tlb_reset(r->env);
    return true;
}

static void rig_destroy(Rig *r)
{
    ir_func_destroy(&r->f);
    backend_x86_64.destroy(r->st);
    code_buffer_destroy(&r->cb);
    free(r->env);
}

static void tb_setup(TranslationBlock *tb, uint64_t pc, uint32_t cflags)
{
    memset(tb, 0, sizeof(*tb));
    tb->pc = pc;
    tb->cs_base = 0x12345;
    tb->flags = 0x77;
    tb->cflags = cflags;
}

/* Generate r->f for tb (starting over when the buffer is full). */
static bool rig_gen(Rig *r, TranslationBlock *tb)
{
    char err[160];
    BackendGenResult res = backend_x86_64.gen(r->st, &r->f, tb, &r->cb, err, sizeof(err));
    if (res == BACKEND_GEN_FULL) {
        r->cb.used = r->cb.reserved;
        res = backend_x86_64.gen(r->st, &r->f, tb, &r->cb, err, sizeof(err));
    }
    if (res != BACKEND_GEN_OK) {
        fprintf(stderr, "gen failed (%d): %s\n", res, err);
        ir_print(&r->f, stderr);
        return false;
    }
    return true;
}

static uintptr_t rig_run(Rig *r, TranslationBlock *tb)
{
    return backend_x86_64.exec(r->st, r->env, tb);
}

/* ---- golden: a small function ---------------------------------------------------------- */

static void test_golden_func(Rig *r)
{
    TranslationBlock tb;
    tb_setup(&tb, 0x1000, TB_CF_NOIRQ);
    ir_func_reset(&r->f);
    ir_op2(&r->f, IR_ADD, r->g64[0], r->g64[0], r->g64[1]);
    ir_emit(&r->f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;
    CHECK(rig_gen(r, &tb));
    static const uint8_t want[] = {
        0x48, 0x8b, 0x5d, 0x00, /* mov rbx, [rbp+0]   q0 */
        0x4c, 0x8b, 0x65, 0x08, /* mov r12, [rbp+8]   q1 */
        0x49, 0x03, 0xdc,       /* add rbx, r12 */
        0x48, 0x89, 0x5d, 0x00, /* mov [rbp+0], rbx   write back */
        0x48, 0xb8,             /* mov rax, tb | 2 ... */
    };
    const uint8_t *code = code_rw(&r->cb, tb.code);
    CHECK(tb.code_size > sizeof(want));
    CHECK(memcmp(code, want, sizeof(want)) == 0);
    uint64_t tag;
    memcpy(&tag, code + sizeof(want), 8);
    CHECK_EQ(tag, (uintptr_t)&tb | IR_EXIT_NOCHAIN);
    CHECK_EQ(code[sizeof(want) + 8], 0xe9); /* jmp epilogue */

    /* The interrupt check comes first without TB_CF_NOIRQ. */
    tb_setup(&tb, 0x1000, 0);
    CHECK(rig_gen(r, &tb));
    code = code_rw(&r->cb, tb.code);
    /* cmp dword [rbp + disp32], 0; jne rel32 */
    uint32_t disp;
    memcpy(&disp, code + 2, 4);
    CHECK(code[0] == 0x83 && code[1] == 0xbd && code[6] == 0x00);
    CHECK_EQ(disp, offsetof(FakeEnv, exit_request));
    CHECK(code[7] == 0x0f && code[8] == 0x85);
}

static void test_gen_full(Rig *r)
{
    TranslationBlock tb;
    tb_setup(&tb, 0x1000, 0);
    ir_func_reset(&r->f);
    ir_op2(&r->f, IR_ADD, r->g64[0], r->g64[0], r->g64[1]);
    ir_emit(&r->f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;
    size_t used = r->cb.used;
    r->cb.used = r->cb.size - 20;
    char err[80];
    CHECK_EQ(backend_x86_64.gen(r->st, &r->f, &tb, &r->cb, err, sizeof(err)), BACKEND_GEN_FULL);
    CHECK_EQ(r->cb.used, r->cb.size - 20);
    r->cb.used = used;
    /* Control falling off the end is refused. */
    ir_func_reset(&r->f);
    ir_op2(&r->f, IR_ADD, r->g64[0], r->g64[0], r->g64[1]);
    CHECK_EQ(backend_x86_64.gen(r->st, &r->f, &tb, &r->cb, err, sizeof(err)), BACKEND_GEN_ERROR);
}

static void test_disas(Rig *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    backend_x86_64.disas(r->st, out, r->cb.rx, 16);
    fclose(out);
    CHECK(text && strstr(text, "push") && strstr(text, "rbp") && strstr(text, "mov"));
    free(text);
}

#if defined(__x86_64__)

/* ---- the reference: ir_eval_op, the project's one definition of each value op (itself
 * checked against independent C in unit.opt and unit.interp) ---------------------------- */

static uint64_t trunc_t(IrType t, uint64_t v)
{
    return t == IR_I64 ? v : (uint32_t)v;
}

/* ---- random value ops ------------------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Random values biased to edges: 0, 1, -1, sign bits, powers of two, small. */
static uint64_t rnd_value(IrType t)
{
    uint64_t v;
    switch (rnd() % 8) {
    case 0:
        v = rnd() % 4;
        break;
    case 1:
        v = ~0ull - rnd() % 3;
        break;
    case 2:
        v = 1ull << (rnd() % 64);
        break;
    case 3:
        v = (t == IR_I64 ? 0x8000000000000000ull : 0x80000000ull) + rnd() % 3 - 1;
        break;
    case 4:
        v = rnd() % 200;
        break;
    default:
        v = rnd();
        break;
    }
    return trunc_t(t, v);
}

typedef enum Kind { K_GLOBAL, K_TEMP_DIES, K_TEMP_LIVE, K_CONST, K_COUNT } Kind;

typedef struct OpCase {
    IrOpcode opc;
    IrType type;    /* op type (output) */
    IrType in_type; /* input type */
    unsigned nout, nin;
    uint64_t in[4];
    uint64_t consts[2];
    unsigned nconst;
    Kind kinds[4];
    bool out_global;
} OpCase;

/* Build, generate and run one case; compare outputs with ir_eval_op. */
static bool run_case(Rig *r, const OpCase *oc)
{
    IrFunc *f = &r->f;
    FakeEnv *env = r->env;
    ir_func_reset(f);
    ir_emit(f, IR_INSN_START, IR_I64)->args[0] = 0x1000;
    const IrTemp *gin = oc->in_type == IR_I64 ? r->g64 : r->g32;
    const IrTemp *gout = oc->type == IR_I64 ? r->g64 : r->g32;
    IrTemp ins[4];
    for (unsigned k = 0; k < oc->nin; k++) {
        switch (oc->kinds[k]) {
        case K_GLOBAL:
            ins[k] = gin[k];
            break;
        case K_TEMP_DIES:
        case K_TEMP_LIVE:
            ins[k] = ir_temp(f, oc->in_type);
            ir_op1(f, IR_MOV, ins[k], gin[k]);
            break;
        default:
            ins[k] = ir_const(f, oc->in_type, oc->in[k]);
            break;
        }
        if (oc->in_type == IR_I64) {
            env->g64[k] = oc->in[k];
        } else {
            env->g32[k] = (uint32_t)oc->in[k];
        }
    }
    IrTemp outs[2];
    for (unsigned k = 0; k < oc->nout; k++) {
        outs[k] = oc->out_global ? gout[4 + k] : ir_temp(f, oc->type);
    }
    IrOp *op = ir_emit(f, oc->opc, oc->type);
    unsigned a = 0;
    for (unsigned k = 0; k < oc->nout; k++) {
        op->args[a++] = outs[k];
    }
    for (unsigned k = 0; k < oc->nin; k++) {
        op->args[a++] = ins[k];
    }
    for (unsigned k = 0; k < oc->nconst; k++) {
        op->args[a++] = oc->consts[k];
    }
    for (unsigned k = 0; k < oc->nout; k++) {
        if (!oc->out_global) {
            ir_op1(f, IR_MOV, gout[4 + k], outs[k]);
        }
    }
    /* Temps still live after the op go to sinks, so their registers must
     * have survived it. */
    for (unsigned k = 0; k < oc->nin; k++) {
        if (oc->kinds[k] == K_TEMP_LIVE) {
            ir_op1(f, IR_MOV, gin[6 + k], ins[k]);
        }
    }
    ir_emit(f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;

    TranslationBlock tb;
    tb_setup(&tb, 0x1000, 0);
    for (unsigned k = 0; k < 2; k++) {
        env->g64[4 + k] = 0x5a5a5a5a5a5a5a5aull;
        env->g32[4 + k] = 0x5a5a5a5a;
    }
    if (!rig_gen(r, &tb)) {
        return false;
    }
    uintptr_t ret = rig_run(r, &tb);
    uint64_t want[2] = {0, 0};
    bool ok = ir_eval_op(oc->opc, oc->type, oc->in, oc->consts, want);
    ok &= ret == ((uintptr_t)&tb | IR_EXIT_NOCHAIN);
    for (unsigned k = 0; k < oc->nout; k++) {
        uint64_t got = oc->type == IR_I64 ? env->g64[4 + k] : env->g32[4 + k];
        ok &= got == want[k];
    }
    for (unsigned k = 0; k < oc->nin; k++) {
        if (oc->kinds[k] == K_TEMP_LIVE) {
            uint64_t got = oc->in_type == IR_I64 ? env->g64[6 + k] : env->g32[6 + k];
            ok &= got == oc->in[k];
        }
    }
    if (!ok) {
        fprintf(stderr, "%s_%s in %llx %llx %llx %llx c %llu %llu kinds %d%d%d%d:",
                ir_op_defs[oc->opc].name, oc->type == IR_I64 ? "i64" : "i32",
                (unsigned long long)oc->in[0], (unsigned long long)oc->in[1],
                (unsigned long long)oc->in[2], (unsigned long long)oc->in[3],
                (unsigned long long)oc->consts[0], (unsigned long long)oc->consts[1], oc->kinds[0],
                oc->kinds[1], oc->kinds[2], oc->kinds[3]);
        for (unsigned k = 0; k < oc->nout; k++) {
            fprintf(stderr, " out%u got %llx want %llx", k,
                    (unsigned long long)(oc->type == IR_I64 ? env->g64[4 + k] : env->g32[4 + k]),
                    (unsigned long long)want[k]);
        }
        fprintf(stderr, "\n");
        backend_x86_64.disas(r->st, stderr, tb.code, tb.code_size);
    }
    return ok;
}

/* Random constant args for opc of type t. */
static unsigned rnd_consts(IrOpcode opc, IrType t, uint64_t *c)
{
    unsigned w = t == IR_I64 ? 64 : 32;
    switch (opc) {
    case IR_BSWAP: {
        static const uint64_t sizes[3] = {2, 4, 8};
        c[0] = sizes[rnd() % (t == IR_I64 ? 3 : 2)];
        return 1;
    }
    case IR_DEPOSIT:
    case IR_EXTRACT:
    case IR_SEXTRACT: {
        /* Favour the special shapes: bytes, words, halves, top fields. */
        static const unsigned shapes[][2] = {{0, 8}, {0, 16}, {0, 32}, {8, 8}, {32, 32}, {0, 1}};
        unsigned pick = (unsigned)(rnd() % 10);
        if (pick < 6 && shapes[pick][0] + shapes[pick][1] <= w) {
            c[0] = shapes[pick][0];
            c[1] = shapes[pick][1];
        } else {
            c[0] = rnd() % w;
            c[1] = 1 + rnd() % (w - c[0]);
        }
        return 2;
    }
    case IR_SETCOND:
    case IR_MOVCOND:
        c[0] = rnd() % 20 == 0 ? rnd() % 2 : IR_COND_EQ + rnd() % (IR_COND_COUNT - IR_COND_EQ);
        return 1;
    default:
        return 0;
    }
}

static void test_value_ops(Rig *r)
{
    static const IrOpcode ops[] = {
        IR_ADD,     IR_SUB,          IR_MUL,          IR_AND,           IR_OR,
        IR_XOR,     IR_ANDC,         IR_SHL,          IR_SHR,           IR_SAR,
        IR_ROTL,    IR_ROTR,         IR_NEG,          IR_NOT,           IR_MULU2,
        IR_MULS2,   IR_CLZ,          IR_CTZ,          IR_CTPOP,         IR_BSWAP,
        IR_EXT8S,   IR_EXT8U,        IR_EXT16S,       IR_EXT16U,        IR_EXT32S,
        IR_EXT32U,  IR_DEPOSIT,      IR_EXTRACT,      IR_SEXTRACT,      IR_SETCOND,
        IR_MOVCOND, IR_EXTU_I32_I64, IR_EXTS_I32_I64, IR_EXTRL_I64_I32, IR_EXTRH_I64_I32,
    };
    unsigned cases = 0, failures = 0;
    /* Both feature sets: the host's, and none (BSR/BSF and the SWAR count). */
    for (int feats = 0; feats < 2; feats++) {
        x64_backend_set_features(r->st,
                                 feats ? 0 : X64_FEAT_LZCNT | X64_FEAT_TZCNT | X64_FEAT_POPCNT);
        for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
            IrOpcode opc = ops[i];
            if (feats && opc != IR_CLZ && opc != IR_CTZ && opc != IR_CTPOP) {
                continue;
            }
            const IrOpDef *d = &ir_op_defs[opc];
            for (int ti = 0; ti < 2; ti++) {
                OpCase oc = {
                    .opc = opc, .type = ti ? IR_I64 : IR_I32, .nout = d->nout, .nin = d->nin};
                oc.in_type = oc.type;
                if (opc == IR_EXT32S || opc == IR_EXT32U) {
                    if (!ti) {
                        continue;
                    }
                } else if (opc == IR_EXTU_I32_I64 || opc == IR_EXTS_I32_I64) {
                    if (!ti) {
                        continue;
                    }
                    oc.in_type = IR_I32;
                } else if (opc == IR_EXTRL_I64_I32 || opc == IR_EXTRH_I64_I32) {
                    if (ti) {
                        continue;
                    }
                    oc.in_type = IR_I64;
                }
                unsigned combos = 1;
                for (unsigned k = 0; k < oc.nin; k++) {
                    combos *= K_COUNT;
                }
                unsigned reps = oc.nin == 4 ? 3 : 24;
                for (unsigned combo = 0; combo < combos; combo++) {
                    unsigned c = combo;
                    for (unsigned k = 0; k < oc.nin; k++) {
                        oc.kinds[k] = (Kind)(c % K_COUNT);
                        c /= K_COUNT;
                    }
                    for (unsigned rep = 0; rep < reps; rep++) {
                        for (unsigned k = 0; k < oc.nin; k++) {
                            oc.in[k] = rnd_value(oc.in_type);
                        }
                        if ((opc == IR_CLZ || opc == IR_CTZ) && rep % 3 == 0) {
                            oc.in[1] = oc.type == IR_I64 ? 64 : 32;
                        }
                        if ((opc == IR_SETCOND || opc == IR_MOVCOND) && rep % 4 == 0) {
                            oc.in[1] = oc.in[0];
                        }
                        oc.nconst = rnd_consts(opc, oc.type, oc.consts);
                        oc.out_global = rep % 2;
                        cases++;
                        if (!run_case(r, &oc)) {
                            failures++;
                        }
                    }
                }
            }
        }
    }
    x64_backend_set_features(r->st, X64_FEAT_LZCNT | X64_FEAT_TZCNT | X64_FEAT_POPCNT);
    printf("value ops: %u cases\n", cases);
    CHECK(cases > 5000);
    CHECK_EQ(failures, 0);
}

/* ---- CPU-state loads and stores ----------------------------------------------------------- */

static void test_ld_st(Rig *r)
{
    IrFunc *f = &r->f;
    static const unsigned memops[] = {1, 2, 4, 8, 1 | IR_MO_SIGN, 2 | IR_MO_SIGN, 4 | IR_MO_SIGN};
    for (int ti = 0; ti < 2; ti++) {
        IrType t = ti ? IR_I64 : IR_I32;
        for (size_t m = 0; m < sizeof(memops) / sizeof(memops[0]); m++) {
            unsigned memop = memops[m], size = memop & IR_MO_SIZE_MASK;
            if (t == IR_I32 && size == 8) {
                continue;
            }
            ir_func_reset(f);
            IrTemp v = ir_temp(f, t);
            IrOp *op = ir_emit(f, IR_LD, t);
            op->args[0] = v;
            op->args[1] = offsetof(FakeEnv, scratch[0]);
            op->args[2] = memop;
            ir_op1(f, IR_MOV, t == IR_I64 ? r->g64[4] : r->g32[4], v);
            /* ST of a temp and of a constant, narrower than the field. */
            op = ir_emit(f, IR_ST, t);
            op->args[0] = v;
            op->args[1] = offsetof(FakeEnv, scratch[1]);
            op->args[2] = size;
            IrTemp k = ir_const(f, t, 0x8182838485868788ull);
            op = ir_emit(f, IR_ST, t);
            op->args[0] = k;
            op->args[1] = offsetof(FakeEnv, scratch[2]);
            op->args[2] = size;
            ir_emit(f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;
            TranslationBlock tb;
            tb_setup(&tb, 0x1000, 0);
            CHECK(rig_gen(r, &tb));
            r->env->scratch[0] = 0xf1f2f3f4f5f6f7f8ull;
            r->env->scratch[1] = r->env->scratch[2] = 0;
            rig_run(r, &tb);
            uint64_t raw =
                size == 8 ? r->env->scratch[0] : r->env->scratch[0] & ((1ull << (8 * size)) - 1);
            uint64_t want = raw;
            if ((memop & IR_MO_SIGN) && size < 8) {
                want = (uint64_t)((int64_t)(raw << (64 - 8 * size)) >> (64 - 8 * size));
            }
            want = trunc_t(t, want);
            CHECK_EQ(t == IR_I64 ? r->env->g64[4] : r->env->g32[4], want);
            CHECK_EQ(r->env->scratch[1], raw);
            uint64_t cmask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
            CHECK_EQ(r->env->scratch[2], trunc_t(t, 0x8182838485868788ull) & cmask);
        }
    }
    /* LD and ST that alias a global held in a register see and update it. */
    ir_func_reset(f);
    ir_op2(f, IR_ADD, r->g64[0], r->g64[0], ir_const(f, IR_I64, 5));
    IrTemp v = ir_temp(f, IR_I64);
    IrOp *op = ir_emit(f, IR_LD, IR_I64);
    op->args[0] = v;
    op->args[1] = offsetof(FakeEnv, g64[0]);
    op->args[2] = 8;
    ir_op1(f, IR_MOV, r->g64[4], v);
    IrTemp k77 = ir_const(f, IR_I64, 77);
    op = ir_emit(f, IR_ST, IR_I64);
    op->args[0] = k77;
    op->args[1] = offsetof(FakeEnv, g64[0]);
    op->args[2] = 4;
    ir_op2(f, IR_ADD, r->g64[5], r->g64[0], ir_const(f, IR_I64, 1));
    ir_emit(f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;
    TranslationBlock tb;
    tb_setup(&tb, 0x1000, 0);
    CHECK(rig_gen(r, &tb));
    r->env->g64[0] = 0x100000010ull;
    rig_run(r, &tb);
    CHECK_EQ(r->env->g64[4], 0x100000015ull);
    CHECK_EQ(r->env->g64[0], 0x10000004dull);
    CHECK_EQ(r->env->g64[5], 0x10000004eull);
}

/* ---- guest memory -------------------------------------------------------------------------- */

typedef struct MemCase {
    uint64_t la;
    unsigned memop;
    bool slow;
} MemCase;

static void test_guest_memory(Rig *r)
{
    IrFunc *f = &r->f;
    static const MemCase cases[] = {
        {RAM_LA + 0x10, 1, false},
        {RAM_LA + 0x21, 2 | IR_MO_SIGN, false},
        {RAM_LA + 0x103, 4, false}, /* misaligned within the page: fast */
        {RAM_LA + 0x1f8, 8, false},
        {RAM_LA + PAGE - 1, 1 | IR_MO_SIGN, false},
        {RAM_LA + PAGE - 2, 4, true}, /* crosses into page 1: slow */
        {RAM_LA + PAGE - 1, 8, true},
        {RAM_LA + PAGE + 0x40, 4 | IR_MO_SIGN, false}, /* page 1 reads hit */
        {MMIO_LA + 0x8, 4, true},                      /* entry 0 holds another page */
        {MMIO_LA + 0x9, 2 | IR_MO_SIGN, true},
    };
    unsigned n = 0;
    for (int ti = 0; ti < 2; ti++) {
        IrType t = ti ? IR_I64 : IR_I32;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            const MemCase *mc = &cases[i];
            unsigned size = mc->memop & IR_MO_SIZE_MASK;
            if (t == IR_I32 && size == 8) {
                continue;
            }
            for (unsigned k = 0; k < sizeof(ram); k++) {
                ram[k] = (uint8_t)(k * 7 + 0x81);
            }
            for (unsigned k = 0; k < sizeof(mmio); k++) {
                mmio[k] = (uint8_t)(k * 13 + 0x92);
            }
            /* Load at la (into a global), store a value at la + 0x400
             * (same page kind), with a dirty global and live temps
             * around, so the slow path must save and write back. */
            ir_func_reset(f);
            ir_emit(f, IR_INSN_START, IR_I64)->args[0] = 0x2000 + i;
            ir_op2(f, IR_ADD, r->g64[0], r->g64[0], ir_const(f, IR_I64, 3)); /* dirty */
            IrTemp live[6];
            for (int k = 0; k < 6; k++) {
                live[k] = ir_temp(f, IR_I64);
                ir_op2(f, IR_MUL, live[k], r->g64[1], ir_const(f, IR_I64, 3 + k));
            }
            IrTemp la = ir_temp(f, IR_I64);
            ir_op1(f, IR_MOV, la, r->g64[2]);
            IrTemp v = ir_temp(f, t);
            IrOp *op = ir_emit(f, IR_QLD, t);
            op->args[0] = v;
            op->args[1] = la;
            op->args[2] = mc->memop;
            op->args[3] = i & 1;
            ir_op1(f, IR_MOV, t == IR_I64 ? r->g64[4] : r->g32[4], v);
            ir_emit(f, IR_INSN_START, IR_I64)->args[0] = 0x3000 + i;
            IrTemp la2 = ir_temp(f, IR_I64);
            ir_op2(f, IR_ADD, la2, r->g64[2], ir_const(f, IR_I64, 0x400));
            op = ir_emit(f, IR_QST, t);
            op->args[0] = t == IR_I64 ? r->g64[3] : r->g32[3];
            op->args[1] = la2;
            op->args[2] = size;
            op->args[3] = 0;
            IrTemp sum = ir_temp(f, IR_I64);
            ir_op2(f, IR_ADD, sum, live[0], live[1]);
            for (int k = 2; k < 6; k++) {
                ir_op2(f, IR_ADD, sum, sum, live[k]);
            }
            ir_op1(f, IR_MOV, r->g64[5], sum);
            ir_emit(f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;
            TranslationBlock tb;
            tb_setup(&tb, 0x1000, 0);
            CHECK(rig_gen(r, &tb));
            FakeEnv *env = r->env;
            env->g64[0] = 100;
            env->g64[1] = 0x1111;
            env->g64[2] = mc->la;
            env->g64[3] = 0xa1a2a3a4a5a6a7a8ull;
            env->g32[3] = 0xb1b2b3b4u;
            nslow_loads = nslow_stores = 0;
            slow_load_pc = slow_store_pc = 0;
            slow_g0 = 0;
            uint64_t raw = 0;
            for (unsigned k = 0; k < size; k++) {
                raw |= (uint64_t)*guest_byte(mc->la + k) << (8 * k);
            }
            rig_run(r, &tb);
            uint64_t want = raw;
            if ((mc->memop & IR_MO_SIGN) && size < 8) {
                want = (uint64_t)((int64_t)(raw << (64 - 8 * size)) >> (64 - 8 * size));
            }
            CHECK_EQ(t == IR_I64 ? env->g64[4] : env->g32[4], trunc_t(t, want));
            CHECK_EQ(nslow_loads, mc->slow ? 1 : 0);
            if (mc->slow) {
                CHECK_EQ(slow_load_pc, 0x2000 + i);
                CHECK_EQ(slow_g0, 103);
            }
            /* The store: page 0 hits; page 1 (flagged for writes) and the
             * unmapped page go slow; crossing pages goes slow. */
            uint64_t sla = mc->la + 0x400;
            bool store_slow = !(sla >= RAM_LA && sla + size <= RAM_LA + PAGE);
            CHECK_EQ(nslow_stores, store_slow ? 1 : 0);
            uint64_t stored = 0;
            for (unsigned k = 0; k < size; k++) {
                stored |= (uint64_t)*guest_byte(sla + k) << (8 * k);
            }
            uint64_t sv = t == IR_I64 ? 0xa1a2a3a4a5a6a7a8ull : 0xb1b2b3b4u;
            CHECK_EQ(stored, size == 8 ? sv : sv & ((1ull << (8 * size)) - 1));
            if (store_slow) {
                CHECK_EQ(slow_store_pc, 0x3000 + i);
            }
            CHECK_EQ(env->g64[0], 103);
            CHECK_EQ(env->g64[5], 0x1111ull * (3 + 4 + 5 + 6 + 7 + 8));
            n++;
        }
    }
    CHECK(!slow_misaligned);
    CHECK(n >= 18);

    /* A faulting slow path: dirty globals and the PC are in env at the fault. */
    ir_func_reset(f);
    ir_emit(f, IR_INSN_START, IR_I64)->args[0] = 0xffffffff80001234ull;
    ir_emit(f, IR_INSN_START, IR_I64)->args[0] = 0x123456789abcull;
    ir_op2(f, IR_ADD, r->g64[0], r->g64[0], ir_const(f, IR_I64, 1));
    ir_op2(f, IR_ADD, r->g32[0], r->g32[0], ir_const(f, IR_I32, 2));
    IrTemp v = ir_temp(f, IR_I64);
    IrOp *op = ir_emit(f, IR_QLD, IR_I64);
    op->args[0] = v;
    op->args[1] = r->g64[2];
    op->args[2] = 8;
    op->args[3] = 0;
    ir_op1(f, IR_MOV, r->g64[4], v);
    ir_emit(f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;
    TranslationBlock tb;
    tb_setup(&tb, 0x1000, 0);
    CHECK(rig_gen(r, &tb));
    r->env->g64[0] = 41;
    r->env->g32[0] = 7;
    r->env->g64[2] = MMIO_LA;
    slow_fault = true;
    volatile bool faulted = false;
    if (sigsetjmp(fault_jmp, 0) == 0) {
        rig_run(r, &tb);
    } else {
        faulted = true;
    }
    slow_fault = false;
    CHECK(faulted);
    CHECK_EQ(r->env->fault_pc, 0x123456789abcull);
    CHECK_EQ(r->env->g64[0], 42);
    CHECK_EQ(r->env->g32[0], 9);
}

/* ---- helper calls ------------------------------------------------------------------------------
 */

static unsigned helper_calls;
static bool helper_misaligned;
static uint64_t helper_seen_g0, helper_seen_fault_pc;

static uint64_t h0(void *env)
{
    helper_misaligned |= frame_misaligned();
    helper_calls++;
    helper_seen_g0 = ((FakeEnv *)env)->g64[0];
    helper_seen_fault_pc = ((FakeEnv *)env)->fault_pc;
    ((FakeEnv *)env)->g64[1] += 1000; /* writes a global */
    return 0x1234567890ull;
}

static uint32_t h1(void *env, uint32_t a)
{
    helper_misaligned |= frame_misaligned();
    helper_calls++;
    (void)env;
    return a * 3 + 1;
}

static uint64_t h2(void *env, uint64_t a, uint32_t b)
{
    helper_misaligned |= frame_misaligned();
    helper_calls++;
    (void)env;
    return a - b;
}

static void h3(void *env, uint64_t a, uint64_t b, uint64_t c)
{
    helper_misaligned |= frame_misaligned();
    helper_calls++;
    ((FakeEnv *)env)->g64[3] = a ^ (b << 1) ^ (c << 2);
}

static uint64_t h4(void *env, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    helper_misaligned |= frame_misaligned();
    helper_calls++;
    (void)env;
    return a * 1 + b * 10 + c * 100 + d * 1000;
}

static uint64_t h5(void *env, uint64_t a, uint32_t b, uint64_t c, uint32_t d, uint64_t e)
{
    helper_misaligned |= frame_misaligned();
    helper_calls++;
    (void)env;
    return a + 2 * (uint64_t)b + 3 * c + 5 * (uint64_t)d + 7 * e;
}

static void test_calls(Rig *r)
{
    static const IrHelper d0 = {"h0", (void *)h0, IR_I64, 0, {0}, 0};
    static const IrHelper d1 = {"h1", (void *)h1, IR_I32, 1, {IR_I32}, IR_HELPER_PURE};
    static const IrHelper d2 = {
        "h2", (void *)h2,       IR_I64,
        2,    {IR_I64, IR_I32}, IR_HELPER_NO_WRITE_GLOBALS | IR_HELPER_NO_READ_GLOBALS};
    static const IrHelper d3 = {"h3",
                                (void *)h3,
                                IR_VOID,
                                3,
                                {IR_I64, IR_I64, IR_I64},
                                IR_HELPER_NO_READ_GLOBALS | IR_HELPER_NO_FAULT};
    static const IrHelper d4 = {
        "h4", (void *)h4, IR_I64, 4, {IR_I64, IR_I64, IR_I64, IR_I64}, IR_HELPER_PURE};
    static const IrHelper d5 = {
        "h5", (void *)h5, IR_I64, 5, {IR_I64, IR_I32, IR_I64, IR_I32, IR_I64}, IR_HELPER_PURE};
    IrFunc *f = &r->f;
    for (int variant = 0; variant < 2; variant++) {
        ir_func_reset(f);
        ir_emit(f, IR_INSN_START, IR_I64)->args[0] = 0x4444;
        /* Dirty globals and live temps in caller-saved registers across calls. */
        ir_op2(f, IR_ADD, r->g64[0], r->g64[0], ir_const(f, IR_I64, 1));
        IrTemp live[12];
        for (int k = 0; k < 12; k++) {
            live[k] = ir_temp(f, IR_I64);
            ir_op2(f, IR_ADD, live[k], r->g64[2], ir_const(f, IR_I64, (uint64_t)k * 0x100));
        }
        IrTemp o0 = ir_temp(f, IR_I64);
        ir_call(f, &d0, o0, NULL);
        ir_op1(f, IR_MOV, r->g64[4], o0);
        /* g1 was written by h0: the read after the call sees it. */
        ir_op2(f, IR_ADD, r->g64[5], r->g64[1], ir_const(f, IR_I64, 1));
        IrTemp o1 = ir_temp(f, IR_I32);
        IrTemp a1 = variant ? ir_const(f, IR_I32, 0x10) : r->g32[1];
        ir_call(f, &d1, o1, &a1);
        ir_op1(f, IR_MOV, r->g32[4], o1);
        IrTemp o2 = ir_temp(f, IR_I64);
        IrTemp a2[2] = {live[0], variant ? r->g32[1] : ir_const(f, IR_I32, 5)};
        ir_call(f, &d2, o2, a2);
        ir_op1(f, IR_MOV, r->g64[6], o2);
        IrTemp a3[3] = {live[1], live[2], r->g64[2]};
        ir_call(f, &d3, IR_NO_TEMP, a3);
        IrTemp o4 = ir_temp(f, IR_I64);
        IrTemp a4[4] = {live[3], live[3], ir_const(f, IR_I64, 7), live[4]};
        ir_call(f, &d4, o4, a4);
        ir_op1(f, IR_MOV, r->g64[7], o4);
        IrTemp o5 = ir_temp(f, IR_I64);
        IrTemp c32 = ir_const(f, IR_I32, 0xffffffffu);
        IrTemp a5[5] = {live[5], c32, live[6], r->g32[1], ir_const(f, IR_I64, 1ull << 40)};
        ir_call(f, &d5, o5, a5);
        ir_op1(f, IR_MOV, r->g64[8], o5);
        IrTemp sum = ir_temp(f, IR_I64);
        ir_op1(f, IR_MOV, sum, live[0]);
        for (int k = 1; k < 12; k++) {
            ir_op2(f, IR_ADD, sum, sum, live[k]);
        }
        ir_op1(f, IR_MOV, r->g64[9], sum);
        ir_emit(f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;
        TranslationBlock tb;
        tb_setup(&tb, 0x1000, 0);
        CHECK(rig_gen(r, &tb));
        FakeEnv *env = r->env;
        env->g64[0] = 10;
        env->g64[1] = 20;
        env->g64[2] = 0x1000;
        env->g32[1] = 0x80000003u;
        env->fault_pc = 0;
        helper_calls = 0;
        rig_run(r, &tb);
        CHECK_EQ(helper_calls, 6);
        CHECK_EQ(helper_seen_g0, 11);
        CHECK_EQ(helper_seen_fault_pc, 0x4444);
        CHECK_EQ(env->g64[0], 11);
        CHECK_EQ(env->g64[4], 0x1234567890ull);
        CHECK_EQ(env->g64[5], 1021);
        uint32_t a1v = variant ? 0x10 : 0x80000003u;
        CHECK_EQ(env->g32[4], a1v * 3 + 1);
        CHECK_EQ(env->g64[6], 0x1000 - (uint64_t)(variant ? 0x80000003u : 5));
        CHECK_EQ(env->g64[3], 0x1100 ^ (0x1200 << 1) ^ (0x1000 << 2));
        CHECK_EQ(env->g64[7], 0x1300 + 0x1300 * 10 + 700 + 0x1400 * 1000ull);
        CHECK_EQ(env->g64[8],
                 0x1500 + 2 * 0xffffffffull + 3 * 0x1600 + 5 * 0x80000003ull + 7 * (1ull << 40));
        CHECK_EQ(env->g64[9], 12 * 0x1000 + 0x100 * 66);
    }
    CHECK(!helper_misaligned);
}

/* ---- register pressure, labels, loops
 * ------------------------------------------------------------ */

static void test_pressure(Rig *r)
{
    IrFunc *f = &r->f;
    enum { N = 40 };
    ir_func_reset(f);
    IrTemp t[N];
    /* More live temps than host registers, NORMAL and LOCAL, all read after
     * a branch-free stretch, then LOCAL ones again after a label. */
    for (int k = 0; k < N; k++) {
        t[k] = k % 2 ? ir_temp_local(f, IR_I64) : ir_temp(f, IR_I64);
        ir_op2(f, IR_MUL, t[k], r->g64[0], ir_const(f, IR_I64, (uint64_t)k + 1));
        ir_op2(f, IR_ADD, t[k], t[k], r->g64[1]);
    }
    IrTemp sum = ir_temp_local(f, IR_I64);
    ir_movi(f, sum, 0);
    for (int k = N - 1; k >= 0; k--) {
        ir_op2(f, IR_XOR, sum, sum, t[k]);
        ir_op2(f, IR_ROTL, sum, sum, ir_const(f, IR_I64, 3));
    }
    IrLabel l = ir_label_new(f);
    IrTemp zero0 = ir_const(f, IR_I64, 0);
    IrOp *op = ir_emit(f, IR_BRCOND, IR_I64);
    op->args[0] = r->g64[0];
    op->args[1] = zero0;
    op->args[2] = IR_COND_EQ;
    op->args[3] = l;
    for (int k = 0; k < N; k += 2) {
        ir_op2(f, IR_SUB, r->g64[2], r->g64[2], ir_const(f, IR_I64, 1));
    }
    ir_emit(f, IR_LABEL, IR_I64)->args[0] = l;
    for (int k = 1; k < N; k += 2) {
        ir_op2(f, IR_ADD, sum, sum, t[k]);
    }
    ir_op1(f, IR_MOV, r->g64[4], sum);
    ir_emit(f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;
    TranslationBlock tb;
    tb_setup(&tb, 0x1000, 0);
    CHECK(rig_gen(r, &tb));
    for (int run = 0; run < 2; run++) {
        uint64_t g0 = run ? 0 : 0x123456789ull, g1 = 0x55;
        r->env->g64[0] = g0;
        r->env->g64[1] = g1;
        r->env->g64[2] = 100;
        rig_run(r, &tb);
        uint64_t v[N], s = 0;
        for (int k = 0; k < N; k++) {
            v[k] = g0 * (uint64_t)(k + 1) + g1;
        }
        for (int k = N - 1; k >= 0; k--) {
            s ^= v[k];
            s = (s << 3) | (s >> 61);
        }
        for (int k = 1; k < N; k += 2) {
            s += v[k];
        }
        CHECK_EQ(r->env->g64[4], s);
        CHECK_EQ(r->env->g64[2], run ? 100 : 100 - N / 2);
    }
}

static void test_loop(Rig *r)
{
    /* sum = 0; i = n; do { sum += i * i; i--; } while (i != 0); q4 = sum, d4 = steps */
    IrFunc *f = &r->f;
    ir_func_reset(f);
    IrTemp i = ir_temp_local(f, IR_I64), sum = ir_temp_local(f, IR_I64);
    ir_op1(f, IR_MOV, i, r->g64[0]);
    ir_movi(f, sum, 0);
    ir_movi(f, r->g32[4], 0);
    IrLabel top = ir_label_new(f), out = ir_label_new(f);
    IrTemp zero1 = ir_const(f, IR_I64, 0);
    IrOp *op = ir_emit(f, IR_BRCOND, IR_I64);
    op->args[0] = i;
    op->args[1] = zero1;
    op->args[2] = IR_COND_EQ;
    op->args[3] = out;
    ir_emit(f, IR_LABEL, IR_I64)->args[0] = top;
    IrTemp sq = ir_temp(f, IR_I64);
    ir_op2(f, IR_MUL, sq, i, i);
    ir_op2(f, IR_ADD, sum, sum, sq);
    ir_op2(f, IR_SUB, i, i, ir_const(f, IR_I64, 1));
    ir_op2(f, IR_ADD, r->g32[4], r->g32[4], ir_const(f, IR_I32, 1));
    IrTemp zero2 = ir_const(f, IR_I64, 0);
    op = ir_emit(f, IR_BRCOND, IR_I64);
    op->args[0] = i;
    op->args[1] = zero2;
    op->args[2] = IR_COND_NE;
    op->args[3] = top;
    ir_emit(f, IR_LABEL, IR_I64)->args[0] = out;
    ir_op1(f, IR_MOV, r->g64[4], sum);
    ir_emit(f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;
    TranslationBlock tb;
    tb_setup(&tb, 0x1000, 0);
    CHECK(rig_gen(r, &tb));
    for (uint64_t n = 0; n < 50; n += 7) {
        r->env->g64[0] = n;
        rig_run(r, &tb);
        CHECK_EQ(r->env->g64[4], n * (n + 1) * (2 * n + 1) / 6);
        CHECK_EQ(r->env->g32[4], n);
    }
}

/* ---- exits: exit request, chaining, the jump cache
 * ------------------------------------------------ */

/* A TB adding add to q0 (and q1 += q0 when second), then exit as given. */
static void build_exit_tb(Rig *r, uint64_t add, bool second)
{
    IrFunc *f = &r->f;
    ir_func_reset(f);
    ir_op2(f, IR_ADD, r->g64[0], r->g64[0], ir_const(f, IR_I64, add));
    if (second) {
        ir_op2(f, IR_ADD, r->g64[1], r->g64[1], r->g64[0]);
    }
}

/* LOOKUP_TB: a hit, and every way to miss, for TBs with this CS base. */
static void test_lookup(Rig *r, uint64_t cs_base)
{
    FakeEnv *env = r->env;
    TranslationBlock a, b, c;
    tb_setup(&a, 0x1000, 0);
    a.cs_base = cs_base;
    build_exit_tb(r, 1, false);
    IrTemp pc = ir_temp(&r->f, IR_I64);
    ir_op2(&r->f, IR_ADD, pc, r->g64[2], ir_const(&r->f, IR_I64, 0));
    ir_emit(&r->f, IR_LOOKUP_TB, IR_I64)->args[0] = pc;
    CHECK(rig_gen(r, &a));
    uint64_t target = 0xffffffff81234567ull;
    tb_setup(&b, target, 0);
    b.cs_base = a.cs_base;
    build_exit_tb(r, 100, false);
    ir_emit(&r->f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;
    CHECK(rig_gen(r, &b));
    uint32_t h = tb_jmp_cache_hash(target);
    env->g64[2] = target;
    env->g64[0] = 0;
    memset(env->jmp_cache, 0, sizeof(env->jmp_cache));
    CHECK_EQ(rig_run(r, &a), (uintptr_t)&a | IR_EXIT_NOCHAIN); /* empty cache */
    CHECK_EQ(env->g64[0], 1);
    env->jmp_cache[h] = &b;
    CHECK_EQ(rig_run(r, &a), (uintptr_t)&b | IR_EXIT_NOCHAIN);
    CHECK_EQ(env->g64[0], 102);
    b.flags ^= 1;
    CHECK_EQ(rig_run(r, &a), (uintptr_t)&a | IR_EXIT_NOCHAIN);
    b.flags ^= 1;
    b.cs_base += 0x100000000ull;
    CHECK_EQ(rig_run(r, &a), (uintptr_t)&a | IR_EXIT_NOCHAIN);
    b.cs_base -= 0x100000000ull;
    b.pc ^= 1ull << 40; /* same hash bucket, other pc */
    CHECK_EQ(tb_jmp_cache_hash(b.pc), h);
    CHECK_EQ(rig_run(r, &a), (uintptr_t)&a | IR_EXIT_NOCHAIN);
    b.pc ^= 1ull << 40;
    CHECK_EQ(env->g64[0], 105);
    /* A TB_CF_NOCHAIN TB never takes the cache, even on a hit. */
    tb_setup(&c, 0x1000, TB_CF_NOCHAIN);
    c.cs_base = cs_base;
    build_exit_tb(r, 1, false);
    ir_emit(&r->f, IR_LOOKUP_TB, IR_I64)->args[0] = r->g64[2];
    CHECK(rig_gen(r, &c));
    CHECK_EQ(rig_run(r, &c), (uintptr_t)&c | IR_EXIT_NOCHAIN);
    CHECK_EQ(env->g64[0], 106);
    memset(env->jmp_cache, 0, sizeof(env->jmp_cache));
}

static void test_exits(Rig *r)
{
    FakeEnv *env = r->env;
    TranslationBlock a, b, c;
    /* exit_request at entry: nothing runs. */
    tb_setup(&a, 0x1000, 0);
    build_exit_tb(r, 1, false);
    ir_emit(&r->f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;
    CHECK(rig_gen(r, &a));
    env->g64[0] = 0;
    env->exit_request = 1;
    CHECK_EQ(rig_run(r, &a), (uintptr_t)&a | IR_EXIT_REQUESTED);
    CHECK_EQ(env->g64[0], 0);
    tb_setup(&c, 0x1000, TB_CF_NOIRQ);
    CHECK(rig_gen(r, &c));
    CHECK_EQ(rig_run(r, &c), (uintptr_t)&c | IR_EXIT_NOCHAIN);
    CHECK_EQ(env->g64[0], 1);
    env->exit_request = 0;

    /* GOTO_TB chaining: a (slot 0) -> b; unlinked it returns a | 0. */
    tb_setup(&a, 0x1000, 0);
    build_exit_tb(r, 1, false);
    ir_emit(&r->f, IR_GOTO_TB, IR_I64)->args[0] = 1;
    CHECK(rig_gen(r, &a));
    CHECK(a.jmp_insn_offset[1] != UINT32_MAX && a.jmp_insn_offset[0] == UINT32_MAX);
    CHECK_EQ(((uintptr_t)a.code + a.jmp_insn_offset[1] + 1) % 4, 0);
    tb_setup(&b, 0x2000, 0);
    build_exit_tb(r, 10, true);
    ir_emit(&r->f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;
    CHECK(rig_gen(r, &b));
    env->g64[0] = env->g64[1] = 0;
    CHECK_EQ(rig_run(r, &a), (uintptr_t)&a | IR_EXIT_SLOT1);
    CHECK_EQ(env->g64[0], 1);
    backend_x86_64.patch_jump(r->st, &r->cb, &a, 1, &b);
    CHECK_EQ(rig_run(r, &a), (uintptr_t)&b | IR_EXIT_NOCHAIN);
    CHECK_EQ(env->g64[0], 12);
    CHECK_EQ(env->g64[1], 12);
    /* The chained-into TB still checks exit_request. */
    env->exit_request = 1;
    tb_setup(&c, 0x1000, TB_CF_NOIRQ);
    build_exit_tb(r, 1, false);
    ir_emit(&r->f, IR_GOTO_TB, IR_I64)->args[0] = 0;
    CHECK(rig_gen(r, &c));
    backend_x86_64.patch_jump(r->st, &r->cb, &c, 0, &b);
    CHECK_EQ(rig_run(r, &c), (uintptr_t)&b | IR_EXIT_REQUESTED);
    CHECK_EQ(env->g64[0], 13);
    env->exit_request = 0;
    backend_x86_64.patch_jump(r->st, &r->cb, &a, 1, NULL);
    CHECK_EQ(rig_run(r, &a), (uintptr_t)&a | IR_EXIT_SLOT1);
    CHECK_EQ(env->g64[0], 14);

    test_lookup(r, 0x12345);
    test_lookup(r, 0x123456789ull); /* not an imm32 */
}

/* ---- differential: the same random IR on the interpreter
 * ------------------------------------------- */

static uint64_t interp_load(void *env, uint64_t la, uint32_t memop, uint32_t mmu_idx)
{
    uint64_t v = fake_load(env, la, memop, mmu_idx);
    unsigned size = memop & IR_MO_SIZE_MASK;
    if (size < 8) {
        v &= (1ull << (8 * size)) - 1;
        if (memop & IR_MO_SIGN) {
            v = (uint64_t)((int64_t)(v << (64 - 8 * size)) >> (64 - 8 * size));
        }
    }
    return v;
}

/* A random straight-line func over the globals (values from the pool of
 * globals, earlier temps and constants). */
static void build_random_func(Rig *r, unsigned nops)
{
    static const IrOpcode ops[] = {
        IR_ADD,      IR_SUB,     IR_MUL,     IR_AND,   IR_OR,    IR_XOR,    IR_ANDC,    IR_SHL,
        IR_SHR,      IR_SAR,     IR_ROTL,    IR_ROTR,  IR_NEG,   IR_NOT,    IR_MULU2,   IR_MULS2,
        IR_CLZ,      IR_CTZ,     IR_CTPOP,   IR_BSWAP, IR_EXT8S, IR_EXT16U, IR_DEPOSIT, IR_EXTRACT,
        IR_SEXTRACT, IR_SETCOND, IR_MOVCOND, IR_QLD,   IR_QST,
    };
    IrFunc *f = &r->f;
    ir_func_reset(f);
    IrTemp pool[2][64];
    unsigned npool[2] = {0, 0};
    for (int k = 0; k < 6; k++) {
        pool[1][npool[1]++] = r->g64[k];
        pool[0][npool[0]++] = r->g32[k];
    }
    for (unsigned n = 0; n < nops; n++) {
        if (n % 5 == 0) {
            ir_emit(f, IR_INSN_START, IR_I64)->args[0] = 0x5000 + n;
        }
        IrOpcode opc = ops[rnd() % (sizeof(ops) / sizeof(ops[0]))];
        IrType t = rnd() % 2 ? IR_I64 : IR_I32;
        const IrOpDef *d = &ir_op_defs[opc];
        IrOp tmp = {0};
        IrTemp in[4];
        for (unsigned k = 0; k < d->nin; k++) {
            if (rnd() % 5 == 0) {
                in[k] = ir_const(f, t, rnd_value(t));
            } else {
                in[k] = pool[t][rnd() % npool[t]];
            }
        }
        if (opc == IR_QLD || opc == IR_QST) {
            /* An address in RAM (fast) or MMIO (slow). */
            IrTemp la = ir_temp(f, IR_I64);
            uint64_t base = rnd() % 4 ? RAM_LA : MMIO_LA;
            ir_op2(f, IR_AND, la, pool[1][rnd() % npool[1]], ir_const(f, IR_I64, 0xff8));
            ir_op2(f, IR_ADD, la, la, ir_const(f, IR_I64, base));
            static const unsigned sizes[] = {1, 2, 4, 8};
            unsigned size = sizes[rnd() % (t == IR_I64 ? 4 : 3)];
            unsigned memop = size | (rnd() % 2 && size < 8 ? IR_MO_SIGN : 0);
            IrOp *op = ir_emit(f, opc, t);
            if (opc == IR_QLD) {
                IrTemp v = ir_temp(f, t);
                op->args[0] = v;
                op->args[1] = la;
                op->args[2] = memop;
                pool[t][npool[t] < 64 ? npool[t]++ : rnd() % 64] = v;
            } else {
                op->args[0] = in[0];
                op->args[1] = la;
                op->args[2] = size;
            }
            op->args[3] = rnd() % 2;
            continue;
        }
        unsigned nconst = rnd_consts(opc, t, tmp.args);
        IrTemp outs[2];
        IrOp *op = NULL;
        for (unsigned k = 0; k < d->nout; k++) {
            outs[k] = rnd() % 4 == 0 ? pool[t][rnd() % 6] : ir_temp(f, t);
        }
        if (d->nout == 2 && outs[0] == outs[1]) {
            outs[1] = ir_temp(f, t);
        }
        op = ir_emit(f, opc, t);
        unsigned a = 0;
        for (unsigned k = 0; k < d->nout; k++) {
            op->args[a++] = outs[k];
        }
        for (unsigned k = 0; k < d->nin; k++) {
            op->args[a++] = in[k];
        }
        for (unsigned k = 0; k < nconst; k++) {
            op->args[a++] = tmp.args[k];
        }
        if (t == IR_I64 && d->nout == 1 && outs[0] >= f->nglobals && rnd() % 3 == 0) {
            /* A 32-bit result as x86 code lifts it: the op's value read only
             * by an EXT32U (which the backend may fuse into a 32-bit op). */
            IrTemp z = rnd() % 4 == 0 ? pool[1][rnd() % 6] : ir_temp(f, IR_I64);
            ir_op1(f, IR_EXT32U, z, outs[0]);
            outs[0] = z;
        }
        for (unsigned k = 0; k < d->nout; k++) {
            if (outs[k] >= f->nglobals) {
                pool[t][npool[t] < 64 ? npool[t]++ : 6 + rnd() % 58] = outs[k];
            }
        }
    }
    /* Fold a few temps into the globals so their values are checked. */
    for (unsigned k = 0; k < 6; k++) {
        ir_op2(f, IR_XOR, r->g64[6 + k], r->g64[6 + k], pool[1][npool[1] - 1 - k % npool[1]]);
        ir_op2(f, IR_XOR, r->g32[6 + k], r->g32[6 + k], pool[0][npool[0] - 1 - k % npool[0]]);
    }
    ir_emit(f, IR_EXIT_TB, IR_I64)->args[0] = IR_EXIT_NOCHAIN;
}

static void test_differential(Rig *r)
{
    unsigned runs = 0, mismatches = 0;
    FakeEnv *want = malloc(sizeof(FakeEnv));
    uint8_t ram0[sizeof(ram)], mmio0[sizeof(mmio)], ram1[sizeof(ram)], mmio1[sizeof(mmio)];
    for (unsigned iter = 0; iter < 400; iter++) {
        build_random_func(r, 10 + (unsigned)(rnd() % 60));
        char err[160];
        if (!ir_verify(&r->f, err, sizeof(err))) {
            fprintf(stderr, "random func: %s\n", err);
            CHECK(false);
            continue;
        }
        FakeEnv *env = r->env;
        for (int k = 0; k < NG; k++) {
            env->g64[k] = rnd_value(IR_I64);
            env->g32[k] = (uint32_t)rnd_value(IR_I32);
        }
        for (unsigned k = 0; k < sizeof(ram); k++) {
            ram[k] = (uint8_t)rnd();
        }
        for (unsigned k = 0; k < sizeof(mmio); k++) {
            mmio[k] = (uint8_t)rnd();
        }
        memcpy(ram0, ram, sizeof(ram));
        memcpy(mmio0, mmio, sizeof(mmio));
        memcpy(want, env, sizeof(FakeEnv));

        IrInterpEnv ie = {.env = want,
                          .load = interp_load,
                          .store = fake_store,
                          .fault_pc_offset = offsetof(FakeEnv, fault_pc)};
        uint64_t lookup_pc = 0;
        unsigned code = ir_interpret(r->f.ops, r->f.nops, r->f.temps, r->f.ntemps, &ie, &lookup_pc);
        memcpy(ram1, ram, sizeof(ram));
        memcpy(mmio1, mmio, sizeof(mmio));
        memcpy(ram, ram0, sizeof(ram));
        memcpy(mmio, mmio0, sizeof(mmio));

        TranslationBlock tb;
        tb_setup(&tb, 0x1000, 0);
        if (!rig_gen(r, &tb)) {
            CHECK(false);
            continue;
        }
        uintptr_t ret = rig_run(r, &tb);
        bool ok = code == IR_EXIT_NOCHAIN && ret == ((uintptr_t)&tb | IR_EXIT_NOCHAIN) &&
                  memcmp(env->g64, want->g64, sizeof(env->g64)) == 0 &&
                  memcmp(env->g32, want->g32, sizeof(env->g32)) == 0 &&
                  memcmp(ram, ram1, sizeof(ram)) == 0 && memcmp(mmio, mmio1, sizeof(mmio)) == 0;
        runs++;
        if (!ok) {
            mismatches++;
            if (mismatches <= 2) {
                fprintf(stderr, "differential mismatch:\n");
                ir_print(&r->f, stderr);
                for (int k = 0; k < NG; k++) {
                    fprintf(stderr, "  q%d %016llx want %016llx  d%d %08x want %08x\n", k,
                            (unsigned long long)env->g64[k], (unsigned long long)want->g64[k], k,
                            env->g32[k], want->g32[k]);
                }
                backend_x86_64.disas(r->st, stderr, tb.code, tb.code_size);
            }
        }
    }
    free(want);
    printf("differential: %u runs\n", runs);
    CHECK_EQ(mismatches, 0);
    CHECK(!slow_misaligned);
}

#endif /* __x86_64__ */

int main(void)
{
    test_golden_encoders();
    test_golden_labels();
    Rig r;
    if (!rig_init(&r)) {
        CHECK(false);
        return check_report("backend_x86");
    }
    test_golden_func(&r);
    test_gen_full(&r);
    test_disas(&r);
#if defined(__x86_64__)
    test_value_ops(&r);
    test_ld_st(&r);
    test_guest_memory(&r);
    test_calls(&r);
    test_pressure(&r);
    test_loop(&r);
    test_exits(&r);
    test_differential(&r);
#endif
    rig_destroy(&r);
    return check_report("backend_x86");
}
