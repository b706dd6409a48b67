/*
 * gate_helper.c — far JMP and CALL through a call gate (SDM Vol. 3A 5.8.3-
 * 5.8.6, Vol. 2A CALL and JMP pseudocode, "CALL-GATE"), in legacy protected
 * mode (16- and 32-bit gates) and in IA-32e mode (64-bit gates, 16 bytes).
 *
 * A CALL to a more privileged non-conforming segment switches to the stack
 * the TSS names for the new privilege level, copies the gate's parameter
 * count of words or doublewords from the old stack (legacy mode only), and
 * pushes the old SS:ESP and CS:EIP there at the gate's size. Everything that
 * can fault happens before the CPU's state changes.
 */
#include "frontend/helpers_internal.h"

/* A decoded call gate. */
typedef struct CallGate {
    uint32_t selector; /* the target code segment */
    uint64_t offset;
    unsigned size;      /* 2, 4 or 8: the push size and offset width */
    unsigned dpl;
    unsigned param_count; /* legacy gates: words/doublewords to copy */
} CallGate;

/* Read and check the gate (privilege, presence, IA-32e form). */
static CallGate read_call_gate(CpuState *env, uint32_t gate_sel, uint64_t desc)
{
    unsigned type = (desc >> 40) & 0xf;
    bool lma = env->hflags & HF_LMA;
    CallGate g = {
        .selector = (desc >> 16) & 0xffff,
        .offset = (desc & 0xffff) | ((desc >> 32) & 0xffff0000ull),
        .size = type == SYS_CALL16 ? 2 : 4,
        .dpl = (desc >> 45) & 3,
        .param_count = (desc >> 32) & 0x1f,
    };
    unsigned cpl = cpu_cpl(env);
    if (lma && type != SYS_CALL32) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(gate_sel));
    }
    if (g.dpl < cpl || g.dpl < (gate_sel & 3)) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(gate_sel));
    }
    if (!((desc >> 47) & 1)) {
        cpu_raise_exception_err(env, EXC_NP, sel_err(gate_sel));
    }
    if (lma) {
        /* The upper half: offset 63:32, and a type field that must be 0
         * (SDM Vol. 3A 5.8.3.1). */
        uint64_t hi = seg_load_desc(env, (gate_sel & 0xfff8) + 8 + (gate_sel & 4));
        if (((hi >> 40) & 0x1f) != 0) {
            cpu_raise_exception_err(env, EXC_GP, sel_err(gate_sel));
        }
        g.offset |= (hi & 0xffffffffull) << 32;
        g.size = 8;
        g.param_count = 0;
    } else if (g.size == 2) {
        g.offset &= 0xffff;
    }
    return g;
}

/* The target code segment of a gate, checked for a JMP (same privilege
 * only) or a CALL (same or inner privilege). */
static SegCache gate_target(CpuState *env, const CallGate *g, bool is_call, uint64_t *desc_out)
{
    unsigned cpl = cpu_cpl(env);
    if ((g->selector & 0xfffc) == 0) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    uint64_t desc = seg_load_desc(env, g->selector);
    SegCache cs;
    seg_cache_from_desc(&cs, g->selector, desc);
    unsigned type = cs.attr & SEG_ATTR_TYPE;
    unsigned dpl = seg_dpl(&cs);
    if (!(cs.attr & SEG_ATTR_S) || !(type & DESC_TYPE_CODE) || dpl > cpl ||
        (!is_call && !(type & DESC_TYPE_C) && dpl != cpl)) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(g->selector));
    }
    if (!(cs.attr & SEG_ATTR_P)) {
        cpu_raise_exception_err(env, EXC_NP, sel_err(g->selector));
    }
    if ((env->hflags & HF_LMA) && (!(cs.attr & SEG_ATTR_L) || (cs.attr & SEG_ATTR_DB))) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(g->selector));
    }
    if (g->size != 8 && g->offset > cs.limit) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    *desc_out = desc;
    return cs;
}

/* The inner stack of a CALL to privilege level dpl: SS:ESP from the TSS,
 * checked as for an interrupt (SDM Vol. 2A CALL "MORE-PRIVILEGE"); in
 * IA-32e mode RSPn with a null SS. */
static void inner_stack(CpuState *env, unsigned dpl, SegCache *ss, uint64_t *sp)
{
    uint32_t sel;
    if (!cpu_tss_stack(env, dpl, 0, 0, &sel, sp)) {
        cpu_raise_recorded(env);
    }
    if (env->hflags & HF_LMA) {
        *ss = seg_null_stack(dpl);
        return;
    }
    if (!cpu_load_inner_ss(env, sel, dpl, 0, ss)) {
        cpu_raise_recorded(env);
    }
    ss->attr |= DESC_TYPE_A;
}

/* CALL to an inner level: new stack, copied parameters, old SS:ESP and
 * CS:EIP pushed. Commits nothing until every push has succeeded. */
static void call_inner(CpuState *env, const CallGate *g, SegCache cs, unsigned new_cpl,
                       uint64_t next_eip)
{
    SegCache ss;
    uint64_t sp;
    inner_stack(env, new_cpl, &ss, &sp);
    bool lma = env->hflags & HF_LMA;
    uint64_t mask = lma ? ~0ull : ss.attr & SEG_ATTR_DB ? 0xffffffffull : 0xffffull;
    StackPtr st = {lma ? 0 : ss.base, sp & mask, mask, cpu_mmu_index_for_cpl(env, new_cpl)};
    StackPtr old = stack_of_env(env);
    old.mmu_idx = cpu_mmu_index_kernel(env);
    uint64_t old_sp = env->regs[R_ESP];
    stack_push_raise(env, &st, env->segs[R_SS].selector, g->size);
    stack_push_raise(env, &st, old_sp & (g->size == 2 ? 0xffff : ~0ull), g->size);
    /* The parameters keep their order: the last one (highest address on
     * the old stack) is pushed first. */
    for (unsigned i = g->param_count; i > 0; i--) {
        uint64_t v;
        uint64_t at = (old.sp + (uint64_t)(i - 1) * g->size) & old.mask;
        if (!cpu_ld_rec(env, old.base + at, g->size, old.mmu_idx, &v)) {
            cpu_raise_recorded(env);
        }
        stack_push_raise(env, &st, v, g->size);
    }
    stack_push_raise(env, &st, env->segs[R_CS].selector, g->size);
    stack_push_raise(env, &st, next_eip, g->size);

    env->segs[R_SS] = ss;
    env->regs[R_ESP] = lma ? st.sp : (env->regs[R_ESP] & ~mask) | st.sp;
    cs.selector = (uint16_t)((g->selector & 0xfffc) | new_cpl);
    env->segs[R_CS] = cs;
    env->rip = g->offset;
}

void seg_far_via_call_gate(CpuState *env, uint32_t gate_sel, uint64_t desc, bool is_call,
                           uint64_t next_eip)
{
    CallGate g = read_call_gate(env, gate_sel, desc);
    uint64_t cs_desc;
    SegCache cs = gate_target(env, &g, is_call, &cs_desc);
    unsigned cpl = cpu_cpl(env);
    unsigned dpl = seg_dpl(&cs);
    seg_set_accessed_or_raise(env, g.selector, cs_desc);
    if (is_call && !(cs.attr & DESC_TYPE_C) && dpl < cpl) {
        call_inner(env, &g, cs, dpl, next_eip);
    } else {
        if (is_call) {
            StackPtr st = stack_of_env(env);
            stack_push_raise(env, &st, env->segs[R_CS].selector, g.size);
            stack_push_raise(env, &st, next_eip, g.size);
            stack_commit(env, &st);
        }
        cs.selector = (uint16_t)((g.selector & 0xfffc) | cpl);
        env->segs[R_CS] = cs;
        env->rip = g.offset;
    }
    cpu_update_hflags(env);
}
