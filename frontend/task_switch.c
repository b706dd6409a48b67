/*
 * task_switch.c — hardware task switching through a TSS (SDM Vol. 3A 7.3,
 * "Task Switching"), for JMP and CALL to a TSS descriptor or a task gate,
 * an interrupt or exception through a task gate of the IDT, and IRET with
 * EFLAGS.NT set. 16- and 32-bit TSSs; none of it exists in IA-32e mode.
 *
 * The order follows the SDM's steps 1-13: every check of the new TSS and
 * every read of it comes before the old task's state is saved, so a fault
 * until then leaves the old task untouched. Once TR is loaded the CPU is in
 * the new task: faults loading its segment registers are reported there
 * (SDM Vol. 3A 7.3, step 13 and Table 7-1), as QEMU does, CS first.
 *
 * Recording style (helpers_internal.h): false means a fault is recorded in
 * env; the caller raises it (a far JMP/CALL/IRET) or lets event delivery
 * handle it (a task gate in the IDT).
 */
#include "frontend/helpers_internal.h"

/* Field offsets of the 32-bit TSS (SDM Vol. 3A Figure 7-2). */
enum {
    TSS32_LINK = 0x00, TSS32_CR3 = 0x1c, TSS32_EIP = 0x20, TSS32_EFLAGS = 0x24,
    TSS32_REGS = 0x28, /* EAX ECX EDX EBX ESP EBP ESI EDI, 4 bytes each */
    TSS32_SEGS = 0x48, /* ES CS SS DS FS GS, 4 bytes each */
    TSS32_LDT = 0x60, TSS32_TRAP = 0x64, TSS32_MIN_LIMIT = 0x67,
};
/* Field offsets of the 16-bit TSS (SDM Vol. 3A Figure 7-11). */
enum {
    TSS16_LINK = 0x00, TSS16_IP = 0x0e, TSS16_FLAGS = 0x10,
    TSS16_REGS = 0x12, /* AX CX DX BX SP BP SI DI, 2 bytes each */
    TSS16_SEGS = 0x22, /* ES CS SS DS, 2 bytes each */
    TSS16_LDT = 0x2a, TSS16_MIN_LIMIT = 0x2b,
};

/* The state a TSS holds, as read from the new one. */
typedef struct TaskState {
    uint32_t cr3;
    uint32_t eip, eflags;
    uint32_t regs[8];
    uint16_t segs[SEG_COUNT];
    uint16_t ldt;
    bool trap;
} TaskState;

static bool tss_is32(unsigned type)
{
    return type & 8;
}

/* Read the whole state of a TSS at base. */
static bool read_tss(CpuState *env, uint64_t base, bool is32, TaskState *t)
{
    unsigned kmmu = cpu_mmu_index_kernel(env);
    uint64_t v;
#define RD(off, size, dst)                                                                         \
    do {                                                                                           \
        if (!cpu_ld_rec(env, base + (off), (size), kmmu, &v)) {                                    \
            return false;                                                                          \
        }                                                                                          \
        (dst) = v;                                                                                 \
    } while (0)
    if (is32) {
        RD(TSS32_CR3, 4, t->cr3);
        RD(TSS32_EIP, 4, t->eip);
        RD(TSS32_EFLAGS, 4, t->eflags);
        for (unsigned i = 0; i < 8; i++) {
            RD(TSS32_REGS + 4 * i, 4, t->regs[i]);
        }
        for (unsigned i = 0; i < SEG_COUNT; i++) {
            RD(TSS32_SEGS + 4 * i, 2, t->segs[i]);
        }
        RD(TSS32_LDT, 2, t->ldt);
        RD(TSS32_TRAP, 2, t->trap);
        t->trap &= 1;
    } else {
        t->cr3 = 0;
        RD(TSS16_IP, 2, t->eip);
        RD(TSS16_FLAGS, 2, t->eflags);
        for (unsigned i = 0; i < 8; i++) {
            RD(TSS16_REGS + 2 * i, 2, t->regs[i]);
        }
        for (unsigned i = 0; i < 4; i++) {
            RD(TSS16_SEGS + 2 * i, 2, t->segs[i]);
        }
        t->segs[R_FS] = t->segs[R_GS] = 0;
        RD(TSS16_LDT, 2, t->ldt);
        t->trap = false;
    }
#undef RD
    return true;
}

/* Save the current task's dynamic state into its TSS (SDM 7.2.1). */
static bool save_tss(CpuState *env, uint64_t base, bool is32, uint32_t eip, uint32_t eflags)
{
    unsigned kmmu = cpu_mmu_index_kernel(env);
    unsigned w = is32 ? 4 : 2;
    uint32_t off_eip = is32 ? TSS32_EIP : TSS16_IP;
    uint32_t off_fl = is32 ? TSS32_EFLAGS : TSS16_FLAGS;
    uint32_t off_regs = is32 ? TSS32_REGS : TSS16_REGS;
    uint32_t off_segs = is32 ? TSS32_SEGS : TSS16_SEGS;
    unsigned nsegs = is32 ? SEG_COUNT : 4;
    if (!cpu_st_rec(env, base + off_eip, eip, w, kmmu) ||
        !cpu_st_rec(env, base + off_fl, eflags, w, kmmu)) {
        return false;
    }
    for (unsigned i = 0; i < 8; i++) {
        if (!cpu_st_rec(env, base + off_regs + w * i, env->regs[i], w, kmmu)) {
            return false;
        }
    }
    for (unsigned i = 0; i < nsegs; i++) {
        if (!cpu_st_rec(env, base + off_segs + w * i, env->segs[i].selector, 2, kmmu)) {
            return false;
        }
    }
    return true;
}

/* Set or clear the busy bit (type bit 1) of the TSS descriptor of sel. */
static bool set_busy(CpuState *env, uint32_t sel, bool busy)
{
    uint64_t desc;
    if (seg_read_desc(env, sel, &desc) != 0) {
        return cpu_fault_rec(env, EXC_TS, sel_err(sel));
    }
    uint64_t la = env->gdt.base + (sel & 0xfff8) + 5;
    uint64_t access = (desc >> 40) & 0xff;
    access = busy ? access | 2 : access & ~2ull;
    return cpu_st_rec(env, la, access, 1, cpu_mmu_index_kernel(env));
}

/* The new task's LDT (SDM 7.3 step 13: #TS(selector) for a bad one). */
static bool load_task_ldt(CpuState *env, uint32_t sel)
{
    if ((sel & 0xfffc) == 0) {
        env->ldt = (SegCache){.selector = (uint16_t)sel};
        return true;
    }
    uint64_t desc;
    if ((sel & 4) || seg_read_desc(env, sel, &desc) != 0) {
        return cpu_fault_rec(env, EXC_TS, sel_err(sel));
    }
    SegCache s;
    seg_cache_from_desc(&s, sel, desc);
    if ((s.attr & SEG_ATTR_S) || (s.attr & SEG_ATTR_TYPE) != SYS_LDT) {
        return cpu_fault_rec(env, EXC_TS, sel_err(sel));
    }
    if (!(s.attr & SEG_ATTR_P)) {
        return cpu_fault_rec(env, EXC_NP, sel_err(sel));
    }
    env->ldt = s;
    return true;
}

/* Load segment register seg of the new task from its selector, with the
 * checks of SDM Vol. 3A Table 7-1 (#TS(selector), #NP or #SS when not
 * present). cpl is the new CPL (the RPL of CS). */
static bool load_task_seg(CpuState *env, int seg, uint32_t sel, unsigned cpl)
{
    SegCache *out = &env->segs[seg];
    if ((sel & 0xfffc) == 0) {
        if (seg == R_CS || seg == R_SS) {
            return cpu_fault_rec(env, EXC_TS, 0);
        }
        *out = (SegCache){.selector = (uint16_t)sel};
        return true;
    }
    uint64_t desc;
    int r = seg_read_desc(env, sel, &desc);
    if (r < 0) {
        return false;
    }
    if (r > 0) {
        return cpu_fault_rec(env, EXC_TS, sel_err(sel));
    }
    SegCache s;
    seg_cache_from_desc(&s, sel, desc);
    unsigned type = s.attr & SEG_ATTR_TYPE;
    unsigned dpl = seg_dpl(&s);
    unsigned rpl = sel & 3;
    bool code = type & DESC_TYPE_CODE;
    bool ok = s.attr & SEG_ATTR_S;
    if (seg == R_CS) {
        ok = ok && code && ((type & DESC_TYPE_C) ? dpl <= rpl : dpl == rpl);
    } else if (seg == R_SS) {
        ok = ok && !code && (type & DESC_TYPE_W) && rpl == cpl && dpl == cpl;
    } else {
        bool readable = !code || (type & DESC_TYPE_R);
        bool conforming = code && (type & DESC_TYPE_C);
        ok = ok && readable && (conforming || (dpl >= cpl && dpl >= rpl));
    }
    if (!ok) {
        return cpu_fault_rec(env, EXC_TS, sel_err(sel));
    }
    if (!(s.attr & SEG_ATTR_P)) {
        return cpu_fault_rec(env, seg == R_SS ? EXC_SS : EXC_NP, sel_err(sel));
    }
    if (!seg_set_accessed(env, sel, desc)) {
        return false;
    }
    s.attr |= DESC_TYPE_A;
    *out = s;
    return true;
}

/* Steps 12-13: the new task's registers, then its LDT and segments. */
static bool enter_new_task(CpuState *env, const TaskState *t, bool is32)
{
    uint32_t reg_mask = is32 ? 0xffffffffu : 0xffffu;
    for (unsigned i = 0; i < 8; i++) {
        /* A 16-bit TSS leaves the registers' upper halves alone. */
        env->regs[i] = is32 ? t->regs[i] : (env->regs[i] & ~0xffffull) | t->regs[i];
    }
    env->rip = t->eip & reg_mask;
    uint64_t flags_mask = is32 ? 0x3f7fd7u : 0xffd7u;
    cpu_set_eflags(env, t->eflags, flags_mask);
    /* Selectors first, so a fault below finds them in place (as QEMU). */
    for (int i = 0; i < SEG_COUNT; i++) {
        env->segs[i] = (SegCache){.selector = t->segs[i]};
        if (env->eflags & EFLAGS_VM) {
            seg_load_real(env, i, t->segs[i]);
        }
    }
    env->ldt = (SegCache){.selector = t->ldt};
    cpu_update_hflags(env);
    if (!load_task_ldt(env, t->ldt)) {
        return false;
    }
    if (env->eflags & EFLAGS_VM) {
        cpu_update_hflags(env);
        return true;
    }
    unsigned cpl = t->segs[R_CS] & 3;
    static const int order[] = {R_CS, R_SS, R_ES, R_DS, R_FS, R_GS};
    for (unsigned i = 0; i < SEG_COUNT; i++) {
        if (!load_task_seg(env, order[i], t->segs[order[i]], cpl)) {
            cpu_update_hflags(env);
            return false;
        }
    }
    cpu_update_hflags(env);
    if (env->rip > env->segs[R_CS].limit) {
        return cpu_fault_rec(env, EXC_GP, 0);
    }
    return true;
}

bool cpu_task_switch(CpuState *env, uint32_t sel, uint64_t desc, TaskSource src,
                     uint64_t next_eip, int error_code)
{
    sel &= 0xffff;
    SegCache tss;
    seg_cache_from_desc(&tss, sel, desc);
    unsigned type = tss.attr & SEG_ATTR_TYPE;
    bool new32 = tss_is32(type);
    bool busy = type & 2;

    /* Steps 2-4: the new TSS descriptor and its limit. */
    if (!(tss.attr & SEG_ATTR_P)) {
        return cpu_fault_rec(env, EXC_NP, sel_err(sel));
    }
    if (tss.limit < (new32 ? TSS32_MIN_LIMIT : TSS16_MIN_LIMIT)) {
        return cpu_fault_rec(env, EXC_TS, sel_err(sel));
    }
    if (src == TASK_IRET ? !busy : busy) {
        return cpu_fault_rec(env, src == TASK_IRET ? EXC_TS : EXC_GP, sel_err(sel));
    }
    TaskState t;
    if (!read_tss(env, tss.base, new32, &t)) {
        return false;
    }
    unsigned old_type = env->tr.attr & SEG_ATTR_TYPE;
    bool old32 = tss_is32(old_type);
    if (env->tr.limit < (old32 ? TSS32_MIN_LIMIT : TSS16_MIN_LIMIT)) {
        return cpu_fault_rec(env, EXC_TS, sel_err(env->tr.selector));
    }

    /* Steps 5-9: leave the old task. */
    uint32_t old_flags = (uint32_t)cpu_get_eflags(env);
    if (src == TASK_IRET) {
        old_flags &= ~(uint32_t)EFLAGS_NT;
    }
    if ((src == TASK_JMP || src == TASK_IRET) && !set_busy(env, env->tr.selector, false)) {
        return false;
    }
    if (!save_tss(env, env->tr.base, old32, (uint32_t)next_eip, old_flags)) {
        return false;
    }
    if (src == TASK_CALL || src == TASK_INT) {
        t.eflags |= EFLAGS_NT;
        if (!cpu_st_rec(env, tss.base + (new32 ? TSS32_LINK : TSS16_LINK), env->tr.selector, 2,
                        cpu_mmu_index_kernel(env))) {
            return false;
        }
    }
    if (src != TASK_IRET && !set_busy(env, sel, true)) {
        return false;
    }

    /* Steps 10-11: TR, CR0.TS, CR3. From here on, the new task. */
    tss.attr |= 2;
    env->tr = tss;
    env->cr[0] |= CR0_TS;
    if (new32 && (env->cr[0] & CR0_PG) && t.cr3 != env->cr[3]) {
        env->cr[3] = t.cr3;
        tlb_flush_nonglobal(&env->tlb);
        exec_jmp_cache_clear(&env->exec);
    }
    if (!enter_new_task(env, &t, new32)) {
        env->exec.fault_pc = env->rip;
        return false;
    }
    env->exec.fault_pc = env->rip;

    /* An exception's error code goes on the new task's stack (SDM 6.12.2). */
    if (error_code >= 0) {
        StackPtr st = stack_of_env(env);
        if (!stack_push(env, &st, (uint32_t)error_code, new32 ? 4 : 2)) {
            return false;
        }
        stack_commit(env, &st);
    }
    if (t.trap) {
        /* The T flag: a debug trap once the switch is done (SDM 7.2.1). */
        env->dr[6] |= 1u << 15; /* BT */
        cpu_record_exception(env, EXC_DB, 0, false);
        return false;
    }
    return true;
}

bool cpu_task_gate_target(CpuState *env, uint64_t gate, uint32_t *tss_sel, uint64_t *tss_desc)
{
    uint32_t sel = (gate >> 16) & 0xffff;
    if ((sel & 4) || (sel & 0xfffc) == 0) {
        return cpu_fault_rec(env, EXC_GP, sel_err(sel));
    }
    int r = seg_read_desc(env, sel, tss_desc);
    if (r < 0) {
        return false;
    }
    unsigned type = (*tss_desc >> 40) & 0x1f; /* with the S bit */
    if (r > 0 || (type != SYS_TSS16_AVAIL && type != SYS_TSS32_AVAIL)) {
        return cpu_fault_rec(env, EXC_GP, sel_err(sel));
    }
    if (!((*tss_desc >> 47) & 1)) {
        return cpu_fault_rec(env, EXC_NP, sel_err(sel));
    }
    *tss_sel = sel;
    return true;
}
