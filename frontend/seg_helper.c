/*
 * seg_helper.c — segment registers and far control transfers: MOV/POP to a
 * segment register, LLDT/LTR, far JMP/CALL/RET, IRET and ENTER.
 *
 * Real mode and virtual-8086 mode compute base = selector << 4. Protected
 * mode loads the descriptor from the GDT or LDT with the checks of SDM
 * Vol. 2 (MOV, JMP, CALL, RET, IRET pseudocode) and Vol. 3A 5.5-5.8: the
 * table limit and type/privilege rules give #GP(selector), a segment not
 * present #NP(selector) (#SS(selector) for SS), and a successful load sets
 * the descriptor's accessed bit in memory. (The CS and SS caches of far
 * transfers, returns and event delivery keep the descriptor as it was read,
 * accessed bit and all, as QEMU's do, so -d cpu logs of the two diff
 * cleanly; MOV to a segment register caches it with the bit set.) Returns
 * to an outer privilege level switch stacks; long mode returns use 64-bit
 * frames.
 *
 * Far transfers through call gates are in gate_helper.c, task switches
 * (JMP/CALL to a TSS or task gate, IRET with NT) in task_switch.c.
 */
#include "frontend/helpers_internal.h"

/* ---- descriptors ---------------------------------------------------------- */

void seg_cache_from_desc(SegCache *s, uint32_t selector, uint64_t desc)
{
    s->selector = (uint16_t)selector;
    s->base = ((desc >> 16) & 0xffffff) | (((desc >> 56) & 0xff) << 24);
    uint32_t limit = (uint32_t)((desc & 0xffff) | ((desc >> 32) & 0xf0000));
    /* attr: access byte (bits 40-47), then AVL/L/D/G (bits 52-55). */
    s->attr = (uint16_t)(((desc >> 40) & 0xff) | (((desc >> 52) & 0xf) << 12));
    if (s->attr & SEG_ATTR_G) {
        limit = (limit << 12) | 0xfff;
    }
    s->limit = limit;
}

void seg_load_real(CpuState *env, int seg, uint32_t selector)
{
    SegCache *s = &env->segs[seg];
    s->selector = (uint16_t)selector;
    s->base = (uint64_t)(selector & 0xffff) << 4;
    if (env->eflags & EFLAGS_VM) {
        /* Virtual-8086 segments are 64 KiB read/write data at DPL 3
         * (SDM Vol. 3A 20.2.1). */
        s->limit = 0xffff;
        s->attr = SEG_ATTR_P | SEG_ATTR_S | (3u << SEG_ATTR_DPL_SHIFT) | DESC_TYPE_W |
                  DESC_TYPE_A | (seg == R_CS ? DESC_TYPE_CODE : 0);
    }
    /* Real mode keeps the limit and attributes (SDM Vol. 3A 20.1.1). */
}

/* Read 8 bytes of a descriptor table at offset off (bounds already checked). */
static int read_table(CpuState *env, const DescTable *t, uint32_t off, uint64_t *v)
{
    return cpu_ld_rec(env, t->base + off, 8, cpu_mmu_index_kernel(env), v) ? 0 : -1;
}

int seg_read_desc(CpuState *env, uint32_t selector, uint64_t *desc)
{
    DescTable t;
    if (selector & 4) {
        if ((env->ldt.selector & 0xfffc) == 0 || !(env->ldt.attr & SEG_ATTR_P)) {
            return 1;
        }
        t.base = env->ldt.base;
        t.limit = env->ldt.limit;
    } else {
        t = env->gdt;
    }
    uint32_t off = selector & 0xfff8;
    if ((uint64_t)off + 7 > t.limit) {
        return 1;
    }
    return read_table(env, &t, off, desc);
}

bool seg_set_accessed(CpuState *env, uint32_t selector, uint64_t desc)
{
    if (desc & (1ull << 40)) {
        return true;
    }
    uint64_t base = selector & 4 ? env->ldt.base : env->gdt.base;
    uint64_t la = base + (selector & 0xfff8) + 5;
    return cpu_st_rec(env, la, ((desc >> 40) & 0xff) | 1, 1, cpu_mmu_index_kernel(env));
}

uint64_t seg_load_desc(CpuState *env, uint32_t selector)
{
    uint64_t desc;
    int r = seg_read_desc(env, selector, &desc);
    if (r < 0) {
        cpu_raise_recorded(env);
    }
    if (r > 0) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    return desc;
}

void seg_set_accessed_or_raise(CpuState *env, uint32_t selector, uint64_t desc)
{
    if (!seg_set_accessed(env, selector, desc)) {
        cpu_raise_recorded(env);
    }
}

static bool desc_is_code(const SegCache *s)
{
    return (s->attr & SEG_ATTR_S) && (s->attr & DESC_TYPE_CODE);
}

/* ---- MOV/POP Sreg, LDS and friends --------------------------------------- */

/* Protected-mode SS load (SDM Vol. 2B MOV: "IF SS is loaded"). */
static void load_ss_protected(CpuState *env, uint32_t selector, unsigned cpl, SegCache *out)
{
    if ((selector & 0xfffc) == 0) {
        /* 64-bit mode allows a null SS below CPL 3 with RPL = CPL. */
        if ((env->hflags & HF_CS64) && cpl != 3 && (selector & 3) == cpl) {
            *out = seg_null_stack(cpl);
            return;
        }
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    uint64_t desc = seg_load_desc(env, selector);
    SegCache s;
    seg_cache_from_desc(&s, selector, desc);
    unsigned type = s.attr & SEG_ATTR_TYPE;
    if ((selector & 3) != cpl || seg_dpl(&s) != cpl || !(s.attr & SEG_ATTR_S) ||
        (type & DESC_TYPE_CODE) || !(type & DESC_TYPE_W)) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    if (!(s.attr & SEG_ATTR_P)) {
        cpu_raise_exception_err(env, EXC_SS, sel_err(selector));
    }
    seg_set_accessed_or_raise(env, selector, desc);
    s.attr |= DESC_TYPE_A;
    *out = s;
}

void helper_load_seg(CpuState *env, uint32_t seg, uint32_t selector)
{
    selector &= 0xffff;
    if (seg >= SEG_COUNT || seg == R_CS) {
        cpu_raise_exception(env, EXC_UD);
    }
    if (!(env->cr[0] & CR0_PE) || (env->eflags & EFLAGS_VM)) {
        seg_load_real(env, (int)seg, selector);
    } else if (seg == R_SS) {
        load_ss_protected(env, selector, cpu_cpl(env), &env->segs[R_SS]);
    } else if ((selector & 0xfffc) == 0) {
        /* A null selector in a data segment register: unusable until
         * loaded (SDM Vol. 3A 3.4.2); its base reads 0 (as QEMU). */
        SegCache *s = &env->segs[seg];
        s->selector = (uint16_t)selector;
        s->base = 0;
        s->limit = 0;
        s->attr = 0;
    } else {
        unsigned cpl = cpu_cpl(env);
        uint64_t desc = seg_load_desc(env, selector);
        SegCache s;
        seg_cache_from_desc(&s, selector, desc);
        unsigned type = s.attr & SEG_ATTR_TYPE;
        if (!(s.attr & SEG_ATTR_S) || ((type & DESC_TYPE_CODE) && !(type & DESC_TYPE_R))) {
            cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
        }
        bool conforming_code = (type & DESC_TYPE_CODE) && (type & DESC_TYPE_C);
        unsigned dpl = seg_dpl(&s);
        if (!conforming_code && ((selector & 3) > dpl || cpl > dpl)) {
            cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
        }
        if (!(s.attr & SEG_ATTR_P)) {
            cpu_raise_exception_err(env, EXC_NP, sel_err(selector));
        }
        seg_set_accessed_or_raise(env, selector, desc);
        s.attr |= DESC_TYPE_A;
        env->segs[seg] = s;
    }
    if (seg == R_SS) {
        /* MOV SS and POP SS hold off interrupts for one instruction
         * (SDM Vol. 2B MOV); LSS shares this helper and gets the same. */
        env->hflags |= HF_INHIBIT;
    }
    cpu_update_hflags(env);
    if (seg == R_SS) {
        cpu_check_irq_window(env);
    }
}

/* ---- far transfers --------------------------------------------------------- */

/* The checks of a direct far JMP/CALL to a code segment (SDM Vol. 2A JMP,
 * CALL: "IF segment type is conforming/non-conforming code"). */
static SegCache check_far_code(CpuState *env, uint32_t selector, uint64_t desc, uint64_t offset)
{
    unsigned cpl = cpu_cpl(env);
    SegCache s;
    seg_cache_from_desc(&s, selector, desc);
    unsigned dpl = seg_dpl(&s);
    if (s.attr & DESC_TYPE_C) {
        if (dpl > cpl) {
            cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
        }
    } else if ((selector & 3) > cpl || dpl != cpl) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    if (!(s.attr & SEG_ATTR_P)) {
        cpu_raise_exception_err(env, EXC_NP, sel_err(selector));
    }
    bool target64 = (env->hflags & HF_LMA) && (s.attr & SEG_ATTR_L);
    if (target64 && (s.attr & SEG_ATTR_DB)) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    if (!target64 && offset > s.limit) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    s.selector = (uint16_t)((selector & 0xfffc) | cpl);
    return s;
}

/* A far JMP or CALL to a TSS descriptor or through a task gate (SDM Vol.
 * 2A JMP/CALL "TASK-GATE", "TASK-STATE-SEGMENT"): the descriptor's DPL
 * must allow CPL and RPL; a busy TSS is #GP(selector). */
static void far_to_task(CpuState *env, uint32_t selector, uint64_t desc, bool is_call,
                        uint64_t next_eip)
{
    unsigned dpl = (desc >> 45) & 3;
    if (dpl < cpu_cpl(env) || dpl < (selector & 3)) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    uint32_t tss_sel = selector;
    uint64_t tss_desc = desc;
    if (((desc >> 40) & 0xf) == SYS_TASK) {
        if (!((desc >> 47) & 1)) {
            cpu_raise_exception_err(env, EXC_NP, sel_err(selector));
        }
        if (!cpu_task_gate_target(env, desc, &tss_sel, &tss_desc)) {
            cpu_raise_recorded(env);
        }
    } else if ((desc >> 41) & 1) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector)); /* busy */
    }
    if (!cpu_task_switch(env, tss_sel, tss_desc, is_call ? TASK_CALL : TASK_JMP, next_eip, -1)) {
        cpu_raise_recorded(env);
    }
}

/* A far JMP or CALL to a system descriptor: a call gate, or a task switch
 * to a TSS or through a task gate (not in IA-32e mode). */
static void far_to_system_desc(CpuState *env, uint32_t selector, uint64_t desc, bool is_call,
                               uint64_t next_eip)
{
    unsigned type = (desc >> 40) & 0xf;
    bool lma = env->hflags & HF_LMA;
    switch (type) {
    case SYS_CALL32:
    case SYS_CALL16:
        seg_far_via_call_gate(env, selector, desc, is_call, next_eip);
        return;
    case SYS_TSS16_AVAIL:
    case SYS_TSS32_AVAIL:
    case SYS_TSS16_BUSY:
    case SYS_TSS32_BUSY:
    case SYS_TASK:
        if (!lma) {
            far_to_task(env, selector, desc, is_call, next_eip);
            return;
        }
        break;
    default:
        break;
    }
    cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
}

void helper_ljmp(CpuState *env, uint32_t selector, uint64_t offset, uint64_t next_eip)
{
    selector &= 0xffff;
    if (!(env->cr[0] & CR0_PE) || (env->eflags & EFLAGS_VM)) {
        seg_load_real(env, R_CS, selector);
        env->rip = offset;
        cpu_update_hflags(env);
        return;
    }
    if ((selector & 0xfffc) == 0) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    uint64_t desc = seg_load_desc(env, selector);
    if (!((desc >> 44) & 1)) {
        far_to_system_desc(env, selector, desc, false, next_eip);
        return;
    }
    if (!((desc >> 43) & 1)) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    SegCache cs = check_far_code(env, selector, desc, offset);
    seg_set_accessed_or_raise(env, selector, desc);
    env->segs[R_CS] = cs;
    env->rip = offset;
    cpu_update_hflags(env);
}

void helper_lcall(CpuState *env, uint32_t selector, uint64_t offset, uint32_t op_size,
                  uint64_t next_eip)
{
    selector &= 0xffff;
    StackPtr st = stack_of_env(env);
    if (!(env->cr[0] & CR0_PE) || (env->eflags & EFLAGS_VM)) {
        stack_push_raise(env, &st, env->segs[R_CS].selector, op_size);
        stack_push_raise(env, &st, next_eip, op_size);
        stack_commit(env, &st);
        seg_load_real(env, R_CS, selector);
        env->rip = offset;
        cpu_update_hflags(env);
        return;
    }
    if ((selector & 0xfffc) == 0) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    uint64_t desc = seg_load_desc(env, selector);
    if (!((desc >> 44) & 1)) {
        far_to_system_desc(env, selector, desc, true, next_eip);
        return;
    }
    if (!((desc >> 43) & 1)) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    SegCache cs = check_far_code(env, selector, desc, offset);
    stack_push_raise(env, &st, env->segs[R_CS].selector, op_size);
    stack_push_raise(env, &st, next_eip, op_size);
    seg_set_accessed_or_raise(env, selector, desc);
    stack_commit(env, &st);
    env->segs[R_CS] = cs;
    env->rip = offset;
    cpu_update_hflags(env);
}

/* After a return to an outer level: data segment registers the new CPL
 * may not use become null (SDM Vol. 2B RET, "RETURN-TO-OUTER-PRIVILEGE-
 * LEVEL": data or non-conforming code with DPL < CPL). */
static void null_inaccessible_segs(CpuState *env, unsigned cpl)
{
    static const int regs[] = {R_ES, R_DS, R_FS, R_GS};
    for (unsigned i = 0; i < 4; i++) {
        SegCache *s = &env->segs[regs[i]];
        bool conforming = desc_is_code(s) && (s->attr & DESC_TYPE_C);
        if ((s->selector & 0xfffc) != 0 && !conforming && seg_dpl(s) < cpl) {
            s->selector = 0;
            s->base = 0;
            s->limit = 0;
            s->attr = 0;
        }
    }
}

/* Check the CS of a far return (RET, IRET): SDM Vol. 2B RET
 * "PROTECTED-MODE". Returns the cache with selector as popped. */
static SegCache check_return_cs(CpuState *env, uint32_t selector)
{
    unsigned cpl = cpu_cpl(env);
    unsigned rpl = selector & 3;
    if ((selector & 0xfffc) == 0) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    uint64_t desc = seg_load_desc(env, selector);
    SegCache s;
    seg_cache_from_desc(&s, selector, desc);
    if (!desc_is_code(&s) || rpl < cpl) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    unsigned dpl = seg_dpl(&s);
    if ((s.attr & DESC_TYPE_C) ? dpl > rpl : dpl != rpl) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    if (!(s.attr & SEG_ATTR_P)) {
        cpu_raise_exception_err(env, EXC_NP, sel_err(selector));
    }
    if ((env->hflags & HF_LMA) && (s.attr & SEG_ATTR_L) && (s.attr & SEG_ATTR_DB)) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    seg_set_accessed_or_raise(env, selector, desc);
    return s;
}

/* The SS of a return to privilege level rpl (RET/IRET): null only in
 * 64-bit mode below CPL 3. */
static SegCache check_return_ss(CpuState *env, uint32_t selector, unsigned rpl)
{
    SegCache s;
    if ((selector & 0xfffc) == 0) {
        if ((env->hflags & HF_CS64) && rpl != 3) {
            s = seg_null_stack(rpl);
            s.selector = (uint16_t)selector; /* as popped */
            return s;
        }
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    uint64_t desc = seg_load_desc(env, selector);
    seg_cache_from_desc(&s, selector, desc);
    unsigned type = s.attr & SEG_ATTR_TYPE;
    if ((selector & 3) != rpl || seg_dpl(&s) != rpl || !(s.attr & SEG_ATTR_S) ||
        (type & DESC_TYPE_CODE) || !(type & DESC_TYPE_W)) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    if (!(s.attr & SEG_ATTR_P)) {
        cpu_raise_exception_err(env, EXC_SS, sel_err(selector));
    }
    seg_set_accessed_or_raise(env, selector, desc);
    return s;
}

/* The stack mask of a stack segment cache in the mode being returned to. */
static uint64_t mask_for(const CpuState *env, const SegCache *cs, const SegCache *ss)
{
    if ((env->hflags & HF_LMA) && (cs->attr & SEG_ATTR_L)) {
        return ~0ull;
    }
    return ss->attr & SEG_ATTR_DB ? 0xffffffffull : 0xffffull;
}

/*
 * The common part of a protected-mode far RET and IRET after CS:EIP (and
 * for IRET the flags) are popped: same level, or outer level with SS:ESP
 * popped too (always in 64-bit mode for IRET). pop_bytes is RET's imm16.
 */
static void return_protected(CpuState *env, StackPtr *st, uint32_t cs_sel, uint64_t new_rip,
                             unsigned op_size, unsigned pop_bytes, bool is_iret,
                             uint64_t *new_flags_cpl)
{
    unsigned cpl = cpu_cpl(env);
    SegCache cs = check_return_cs(env, cs_sel);
    unsigned rpl = cs_sel & 3;
    bool pop_stack = rpl > cpl || (is_iret && (env->hflags & HF_CS64));
    if (!pop_stack) {
        st->sp = (st->sp + pop_bytes) & st->mask;
        stack_commit(env, st);
        env->segs[R_CS] = cs;
        env->rip = new_rip;
        *new_flags_cpl = cpl;
        return;
    }
    st->sp = (st->sp + pop_bytes) & st->mask;
    uint64_t new_sp = stack_pop_raise(env, st, op_size);
    uint32_t ss_sel = (uint32_t)stack_pop_raise(env, st, op_size) & 0xffff;
    SegCache ss = check_return_ss(env, ss_sel, rpl);
    uint64_t mask = mask_for(env, &cs, &ss);
    new_sp = (new_sp + pop_bytes) & mask;
    env->segs[R_CS] = cs;
    env->segs[R_SS] = ss;
    env->regs[R_ESP] = op_size == 8 || mask == ~0ull
                           ? new_sp
                           : (env->regs[R_ESP] & ~mask) | (new_sp & mask);
    env->rip = new_rip;
    *new_flags_cpl = cpl;
    if (rpl > cpl) {
        null_inaccessible_segs(env, rpl);
    }
}

void helper_lret(CpuState *env, uint32_t op_size, uint32_t pop_bytes)
{
    StackPtr st = stack_of_env(env);
    uint64_t new_rip = stack_pop_raise(env, &st, op_size);
    uint32_t cs_sel = (uint32_t)stack_pop_raise(env, &st, op_size) & 0xffff;
    if (!(env->cr[0] & CR0_PE) || (env->eflags & EFLAGS_VM)) {
        st.sp = (st.sp + pop_bytes) & st.mask;
        stack_commit(env, &st);
        seg_load_real(env, R_CS, cs_sel);
        env->rip = new_rip;
        cpu_update_hflags(env);
        return;
    }
    uint64_t unused;
    return_protected(env, &st, cs_sel, new_rip, op_size, pop_bytes, false, &unused);
    cpu_update_hflags(env);
}

/* EFLAGS bits IRET writes at every level (SDM Vol. 2A IRET: tempEFLAGS
 * AND 257FD5H, less IF/IOPL/VIF/VIP which depend on privilege). */
#define IRET_FLAGS                                                                                 \
    (EFLAGS_ARITH | EFLAGS_TF | EFLAGS_DF | EFLAGS_NT | EFLAGS_RF | EFLAGS_AC | EFLAGS_ID)

/* IRET from CPL 0 to virtual-8086 mode (SDM Vol. 2A IRET "RETURN-TO-
 * VIRTUAL-8086-MODE"): after EIP, CS and EFLAGS, pop ESP, SS, ES, DS, FS
 * and GS (doublewords); every segment gets its real-mode base. */
static void iret_to_vm86(CpuState *env, StackPtr *st, uint32_t cs_sel, uint64_t new_rip,
                         uint64_t flags)
{
    uint64_t new_esp = stack_pop_raise(env, st, 4);
    uint32_t sel[SEG_COUNT];
    sel[R_SS] = (uint32_t)stack_pop_raise(env, st, 4);
    sel[R_ES] = (uint32_t)stack_pop_raise(env, st, 4);
    sel[R_DS] = (uint32_t)stack_pop_raise(env, st, 4);
    sel[R_FS] = (uint32_t)stack_pop_raise(env, st, 4);
    sel[R_GS] = (uint32_t)stack_pop_raise(env, st, 4);
    sel[R_CS] = cs_sel;
    cpu_set_eflags(env, flags, 0x3f7fd5u); /* all of EFLAGS, VM included */
    for (int i = 0; i < SEG_COUNT; i++) {
        seg_load_real(env, i, sel[i] & 0xffff);
    }
    env->regs[R_ESP] = (uint32_t)new_esp;
    env->rip = new_rip & 0xffff;
    cpu_update_hflags(env);
    cpu_check_irq_window(env);
}

/* IRET with NT set: back to the task in the current TSS's link field
 * (SDM Vol. 2A IRET "TASK-RETURN"): it must name a busy TSS in the GDT,
 * else #TS(link). */
static void iret_task_return(CpuState *env, uint64_t next_eip)
{
    uint64_t link;
    if (!cpu_ld_rec(env, env->tr.base, 2, cpu_mmu_index_kernel(env), &link)) {
        cpu_raise_recorded(env);
    }
    uint32_t sel = (uint32_t)link;
    uint64_t desc;
    if ((sel & 4) || seg_read_desc(env, sel, &desc) != 0) {
        cpu_raise_exception_err(env, EXC_TS, sel_err(sel));
    }
    unsigned type = (desc >> 40) & 0x1f;
    if (type != SYS_TSS16_BUSY && type != SYS_TSS32_BUSY) {
        cpu_raise_exception_err(env, EXC_TS, sel_err(sel));
    }
    if (!cpu_task_switch(env, sel, desc, TASK_IRET, next_eip, -1)) {
        cpu_raise_recorded(env);
    }
}

static void iret(CpuState *env, uint32_t op_size, uint64_t next_eip)
{
    StackPtr st = stack_of_env(env);
    bool vm86 = env->eflags & EFLAGS_VM;
    bool pe = env->cr[0] & CR0_PE;
    if (pe && !vm86 && (env->eflags & EFLAGS_NT)) {
        if (env->hflags & HF_LMA) {
            cpu_raise_exception_err(env, EXC_GP, 0); /* no task return in IA-32e mode */
        }
        iret_task_return(env, next_eip);
        return;
    }
    if (vm86 && (env->eflags & EFLAGS_IOPL) != EFLAGS_IOPL) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    uint64_t new_rip = stack_pop_raise(env, &st, op_size);
    uint32_t cs_sel = (uint32_t)stack_pop_raise(env, &st, op_size) & 0xffff;
    uint64_t flags = stack_pop_raise(env, &st, op_size);
    uint64_t mask = IRET_FLAGS | EFLAGS_IF;

    if (!pe || vm86) {
        /* Real mode: everything but VM, VIF and VIP; VM86 (IOPL 3) keeps
         * IOPL too (SDM Vol. 2A IRET, REAL-ADDRESS-MODE and
         * RETURN-FROM-VIRTUAL-8086-MODE). */
        mask |= vm86 ? 0 : EFLAGS_IOPL;
        if (op_size == 2) {
            mask &= 0xffff;
        }
        stack_commit(env, &st);
        seg_load_real(env, R_CS, cs_sel);
        env->rip = new_rip;
        cpu_set_eflags(env, flags, mask);
        cpu_check_irq_window(env);
        return;
    }
    if ((flags & EFLAGS_VM) && cpu_cpl(env) == 0 && !(env->hflags & HF_LMA) && op_size == 4) {
        iret_to_vm86(env, &st, cs_sel, new_rip, flags);
        return;
    }
    unsigned cpl = cpu_cpl(env);
    unsigned iopl = (env->eflags & EFLAGS_IOPL) >> 12;
    uint64_t old_cpl;
    return_protected(env, &st, cs_sel, new_rip, op_size, 0, true, &old_cpl);
    mask = IRET_FLAGS;
    if (cpl <= iopl) {
        mask |= EFLAGS_IF;
    }
    if (cpl == 0) {
        mask |= EFLAGS_IOPL | EFLAGS_VIF | EFLAGS_VIP;
    }
    if (op_size == 2) {
        mask &= 0xffff;
    }
    cpu_set_eflags(env, flags, mask);
    cpu_check_irq_window(env);
}

void helper_iret(CpuState *env, uint32_t op_size, uint64_t next_eip)
{
    iret(env, op_size, next_eip);
    /* A completed IRET ends NMI blocking (SDM Vol. 3A 6.7.1). */
    if (env->nmi_blocked) {
        env->nmi_blocked = false;
        if (atomic_load(&env->interrupt_request) & CPU_INTERRUPT_NMI) {
            atomic_store(&env->exec.exit_request, 1);
        }
    }
}

void helper_enter(CpuState *env, uint32_t op_size, uint32_t frame_size, uint32_t level)
{
    StackPtr st = stack_of_env(env);
    level &= 31;
    frame_size &= 0xffff;
    uint64_t bp_mask = st.mask;
    uint64_t bp = env->regs[R_EBP];
    stack_push_raise(env, &st, bp, op_size);
    uint64_t frame_temp = st.sp;
    if (level > 0) {
        for (uint32_t i = 1; i < level; i++) {
            bp = (bp - op_size) & bp_mask;
            uint64_t v;
            if (!cpu_ld_rec(env, st.base + bp, op_size, st.mmu_idx, &v)) {
                cpu_raise_recorded(env);
            }
            stack_push_raise(env, &st, v, op_size);
        }
        stack_push_raise(env, &st, frame_temp, op_size);
    }
    st.sp = (st.sp - frame_size) & st.mask;
    /* A write at the final stack pointer must not fault (SDM Vol. 2A
     * ENTER, "Protected Mode Exceptions"): checked after the pushes, which
     * stay in memory when it does (as on the host), rSP and rBP unchanged. */
    helper_probe_write(env, st.base + st.sp, op_size);
    /* rBP gets the frame at the operand size (SDM Vol. 2A ENTER). */
    if (op_size == 8) {
        env->regs[R_EBP] = frame_temp;
    } else if (op_size == 4) {
        env->regs[R_EBP] = (uint32_t)frame_temp;
    } else {
        env->regs[R_EBP] = (env->regs[R_EBP] & ~0xffffull) | (frame_temp & 0xffff);
    }
    stack_commit(env, &st);
}

/* ---- LLDT, LTR --------------------------------------------------------- */

/* A system descriptor from the GDT: 16 bytes in IA-32e mode (SDM Vol. 3A
 * 7.2.3). #GP(selector) for TI = 1 or beyond the limit. */
static void load_system_desc(CpuState *env, uint32_t selector, SegCache *s, uint64_t *desc)
{
    unsigned size = env->hflags & HF_LMA ? 16 : 8;
    uint32_t off = selector & 0xfff8;
    if ((selector & 4) || (uint64_t)off + size - 1 > env->gdt.limit) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    uint64_t hi = 0;
    if (read_table(env, &env->gdt, off, desc) < 0 ||
        (size == 16 && read_table(env, &env->gdt, off + 8, &hi) < 0)) {
        cpu_raise_recorded(env);
    }
    seg_cache_from_desc(s, selector, *desc);
    s->base |= (hi & 0xffffffffull) << 32;
}

static void check_cpl0(CpuState *env)
{
    if (cpu_cpl(env) != 0) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
}

void helper_lldt(CpuState *env, uint32_t selector)
{
    check_cpl0(env);
    selector &= 0xffff;
    if ((selector & 0xfffc) == 0) {
        env->ldt.selector = (uint16_t)selector;
        env->ldt.base = 0;
        env->ldt.limit = 0;
        env->ldt.attr = 0;
        return;
    }
    SegCache s;
    uint64_t desc;
    load_system_desc(env, selector, &s, &desc);
    if ((s.attr & SEG_ATTR_S) || (s.attr & SEG_ATTR_TYPE) != SYS_LDT) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    if (!(s.attr & SEG_ATTR_P)) {
        cpu_raise_exception_err(env, EXC_NP, sel_err(selector));
    }
    env->ldt = s;
}

void helper_ltr(CpuState *env, uint32_t selector)
{
    check_cpl0(env);
    selector &= 0xffff;
    if ((selector & 0xfffc) == 0) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    SegCache s;
    uint64_t desc;
    load_system_desc(env, selector, &s, &desc);
    unsigned type = s.attr & SEG_ATTR_TYPE;
    bool ok = (env->hflags & HF_LMA) ? type == SYS_TSS32_AVAIL
                                     : type == SYS_TSS32_AVAIL || type == SYS_TSS16_AVAIL;
    if ((s.attr & SEG_ATTR_S) || !ok) {
        cpu_raise_exception_err(env, EXC_GP, sel_err(selector));
    }
    if (!(s.attr & SEG_ATTR_P)) {
        cpu_raise_exception_err(env, EXC_NP, sel_err(selector));
    }
    /* Mark it busy (SDM Vol. 2A LTR). */
    uint64_t la = env->gdt.base + (selector & 0xfff8) + 5;
    if (!cpu_st_rec(env, la, ((desc >> 40) & 0xff) | 2, 1, cpu_mmu_index_kernel(env))) {
        cpu_raise_recorded(env);
    }
    s.attr |= 2;
    env->tr = s;
}
