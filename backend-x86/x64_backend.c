/*
 * x64_backend.c — the x86-64 JIT's Backend table: the entry/exit
 * trampolines, translating one TB, running it, patching chained jumps,
 * and printing host code.
 *
 * The trampolines live in the reserved start of the code buffer:
 *
 *     enter(env, code):  push rbp, rbx, r12-r15; mov rbp, rdi;
 *                        sub rsp, X64_FRAME_SIZE; jmp rsi
 *     epilogue:          add rsp, X64_FRAME_SIZE; pop r15-r12, rbx, rbp; ret
 *
 * Generated code ends every exit with "mov rax, tb | code; jmp epilogue",
 * or jumps straight into the next TB (chaining, jump cache hits) without
 * leaving the frame.
 */
#include "backend-x86/x64_internal.h"

#include <capstone/capstone.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

void x64_backend_set_features(void *state, unsigned features)
{
    ((X64State *)state)->features = features;
}

static unsigned host_features(void)
{
    unsigned feats = 0;
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 23))) {
        feats |= X64_FEAT_POPCNT;
    }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d) && (c & (1u << 5))) {
        feats |= X64_FEAT_LZCNT;
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 3))) {
        feats |= X64_FEAT_TZCNT;
    }
#endif
    return feats;
}

static bool is_pow2(int32_t v)
{
    return v > 0 && (v & (v - 1)) == 0;
}

static void align16(X64Asm *a, uint8_t fill)
{
    while (a->pos & 15) {
        x64_put8(a, fill);
    }
}

static int x64_init(void **state, const BackendConfig *cfg, CodeBuffer *cb)
{
    /* The probe indexes the TLB with one shift and mask. */
    if (!is_pow2(cfg->tlb_entry_size) || !is_pow2(cfg->tlb_entries) ||
        cfg->tlb_page_bits < __builtin_ctz((unsigned)cfg->tlb_entry_size) ||
        (int64_t)cfg->tlb_entries * cfg->tlb_entry_size > INT32_MAX) {
        return -EINVAL;
    }
    X64State *st = calloc(1, sizeof(*st));
    if (!st) {
        return -ENOMEM;
    }
    st->cfg = *cfg;
    st->features = host_features();
    st->rx = cb->rx;
    st->entry_shift = (unsigned)(cfg->tlb_page_bits - __builtin_ctz((unsigned)cfg->tlb_entry_size));

    static const int8_t saved[] = {X64_RBP, X64_RBX, X64_R12, X64_R13, X64_R14, X64_R15};
    X64Asm a;
    x64_asm_init(&a, cb->rw, cb->rx, 0, cb->size);
    st->enter_off = a.pos;
    for (size_t i = 0; i < sizeof(saved); i++) {
        x64_push(&a, saved[i]);
    }
    x64_mov_rr(&a, true, X64_ENV_REG, X64_RDI);
    x64_arith_ri(&a, ARITH_SUB, true, X64_RSP, X64_FRAME_SIZE);
    x64_op_rr(&a, OPC_GRP5_Ev, EXT5_JMP_Ev, X64_RSI);
    align16(&a, 0xcc);
    st->epilogue_off = a.pos;
    x64_arith_ri(&a, ARITH_ADD, true, X64_RSP, X64_FRAME_SIZE);
    for (size_t i = sizeof(saved); i-- > 0;) {
        x64_pop(&a, saved[i]);
    }
    x64_ret(&a);
    align16(&a, 0xcc);
    bool overflow = a.overflow;
    cb->reserved = a.pos;
    x64_asm_destroy(&a);
    if (overflow) {
        free(st);
        return -ENOSPC;
    }
    if (cb->used < cb->reserved) {
        cb->used = cb->reserved;
    }
    *state = st;
    return 0;
}

static void x64_destroy(void *state)
{
    free(state);
}

/* Whether control can fall off the end of f (its last op does not leave). */
static bool falls_off_end(const IrFunc *f)
{
    for (uint32_t i = f->nops; i-- > 0;) {
        uint16_t opc = f->ops[i].opc;
        if (opc == IR_NOP || opc == IR_INSN_START) {
            continue;
        }
        return !(ir_op_defs[opc].flags & IR_OPF_EXIT) && opc != IR_BR;
    }
    return true;
}

static BackendGenResult x64_gen(void *state, const IrFunc *f, TranslationBlock *tb, CodeBuffer *cb,
                                char *err, size_t errlen)
{
    const X64State *st = state;
    X64Gen g;
    memset(&g, 0, sizeof(g));
    g.st = st;
    g.f = f;
    g.tb = tb;
    g.err = err;
    g.errlen = errlen;
    if (err && errlen) {
        err[0] = 0;
    }
    for (int i = 0; i < 2; i++) {
        tb->jmp_insn_offset[i] = UINT32_MAX;
        tb->jmp_reset_offset[i] = UINT32_MAX;
    }
    if (f->oom || falls_off_end(f)) {
        x64_fail(&g, f->oom ? "the IR is incomplete (out of memory)"
                            : "the TB does not end in an exit");
        return BACKEND_GEN_ERROR;
    }

    x64_asm_init(&g.as, cb->rw, cb->rx, cb->used, cb->size);
    align16(&g.as, 0xcc);
    g.code_start = g.as.pos;
    g.temps = malloc((f->ntemps ? f->ntemps : 1) * sizeof(*g.temps));
    g.dead = malloc((f->nops ? f->nops : 1) * sizeof(*g.dead));
    g.ir_labels = malloc((f->nlabels ? f->nlabels : 1) * sizeof(*g.ir_labels));
    BackendGenResult res = BACKEND_GEN_ERROR;
    if (!g.temps || !g.dead || !g.ir_labels || !x64_liveness(&g)) {
        x64_fail(&g, "out of memory");
        goto out;
    }
    for (uint32_t t = 0; t < f->ntemps; t++) {
        bool global = t < f->nglobals;
        g.temps[t] = (X64Temp){
            .loc = global ? X64_LOC_MEM : X64_LOC_DEAD, .reg = -1, .coherent = global, .slot = -1};
    }
    for (int r = 0; r < 16; r++) {
        g.reg_temp[r] = -1;
    }
    for (uint32_t l = 0; l < f->nlabels; l++) {
        g.ir_labels[l] = x64_label_new(&g.as);
    }
    g.exit_request_label = x64_label_new(&g.as);
    g.zext_op = UINT32_MAX;

    bool irq_check = !(tb->cflags & TB_CF_NOIRQ);
    if (irq_check) {
        /* cmp dword [rbp + exit_request], 0; jne exit_request */
        x64_op_rm(&g.as, OPC_GRP1_EvIb, ARITH_CMP, X64_ENV_REG, -1, 0, st->cfg.exit_request);
        x64_put8(&g.as, 0);
        x64_jcc_label(&g.as, X64_CC_NE, g.exit_request_label);
    }
    for (uint32_t i = 0; i < f->nops && !g.failed; i++) {
        g.cur_op = i;
        g.inputs_freed = false;
        x64_gen_op(&g, &f->ops[i]);
        x64_op_done(&g);
    }
    x64_gen_slow_paths(&g);
    if (irq_check) {
        x64_label_bind(&g.as, g.exit_request_label);
        x64_gen_exit(&g, IR_EXIT_REQUESTED);
    }
    if (g.as.overflow) {
        res = BACKEND_GEN_FULL;
        goto out;
    }
    if (g.failed) {
        goto out;
    }
    if (!x64_resolve_labels(&g.as)) {
        x64_fail(&g, g.as.oom ? "out of memory" : "a jump does not reach its label");
        goto out;
    }
    tb->code = cb->rx + g.code_start;
    tb->code_size = (uint32_t)(g.as.pos - g.code_start);
    cb->used = g.as.pos;
    res = BACKEND_GEN_OK;
out:
    x64_asm_destroy(&g.as);
    free(g.temps);
    free(g.dead);
    free(g.ir_labels);
    free(g.slow);
    free(g.dirty);
    return res;
}

typedef uintptr_t (*X64EnterFn)(void *env, void *code);

static uintptr_t x64_exec(void *state, void *env, TranslationBlock *tb)
{
    const X64State *st = state;
    X64EnterFn enter = (X64EnterFn)(uintptr_t)(st->rx + st->enter_off);
    return enter(env, tb->code);
}

/*
 * Retarget slot's E9 rel32: the displacement is 4-byte aligned (see
 * gen_goto_tb), so one 32-bit store is atomic for threads running it
 * (SDM Vol. 3A 8.1.1). Written through the RW view; x86 needs no icache
 * flush beyond the (no-op) __builtin___clear_cache.
 */
static void x64_patch_jump(void *state, CodeBuffer *cb, TranslationBlock *tb, int slot,
                           const TranslationBlock *dst)
{
    (void)state;
    if (slot < 0 || slot > 1 || tb->jmp_insn_offset[slot] == UINT32_MAX) {
        return;
    }
    uint8_t *insn = (uint8_t *)tb->code + tb->jmp_insn_offset[slot];
    const uint8_t *target =
        dst ? (const uint8_t *)dst->code : (uint8_t *)tb->code + tb->jmp_reset_offset[slot];
    int32_t disp = (int32_t)(target - (insn + 5));
    uint32_t *field = code_rw(cb, insn + 1);
    __atomic_store_n(field, (uint32_t)disp, __ATOMIC_RELEASE);
    __builtin___clear_cache((char *)insn, (char *)insn + 5);
}

static void x64_disas(void *state, FILE *out, const void *code, size_t size)
{
    (void)state;
    csh h;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) {
        fprintf(out, "  (capstone unavailable)\n");
        return;
    }
    const uint8_t *p = code;
    uint64_t addr = (uint64_t)(uintptr_t)code;
    cs_insn *insn = cs_malloc(h);
    while (size > 0 && insn) {
        if (!cs_disasm_iter(h, &p, &size, &addr, insn)) {
            fprintf(out, "  0x%016" PRIx64 ":  %02x                        (bad)\n", addr, *p);
            p++;
            size--;
            addr++;
            continue;
        }
        char bytes[64] = "";
        for (unsigned i = 0; i < insn->size && i < 15; i++) {
            snprintf(bytes + 2 * i, sizeof(bytes) - 2 * i, "%02x", insn->bytes[i]);
        }
        fprintf(out, "  0x%016" PRIx64 ":  %-24s  %s %s\n", insn->address, bytes, insn->mnemonic,
                insn->op_str);
    }
    if (insn) {
        cs_free(insn, 1);
    }
    cs_close(&h);
}

const Backend backend_x86_64 = {
    .name = "x86-64",
    .init = x64_init,
    .destroy = x64_destroy,
    .gen = x64_gen,
    .exec = x64_exec,
    .patch_jump = x64_patch_jump,
    .disas = x64_disas,
};
