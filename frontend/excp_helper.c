/*
 * excp_helper.c — raising guest exceptions and delivering exceptions and
 * interrupts.
 *
 * Raising (from helpers and slow memory paths) records the event in env
 * with EIP back at the faulting instruction (env->exec.fault_pc) and
 * leaves for the execution loop. Delivery happens later, from the loop
 * (guest_process_events), outside generated code: it must not longjmp, so
 * it touches guest memory only through the recording accessors and turns a
 * fault during delivery into the next event to deliver, a double fault, or
 * a shutdown (SDM Vol. 3A 6.15, Table 6-5).
 *
 * Real mode goes through the IVT (SDM Vol. 3A 20.1.4); protected and long
 * mode through IDT interrupt and trap gates (6.12.1, 6.14), with the stack
 * switch from the TSS on a privilege change and IST stacks in long mode;
 * from virtual-8086 mode with the extra segment frame (20.3.1.1); and
 * through task gates (a task switch, task_switch.c).
 */
#include "frontend/helpers_internal.h"

#include <stdio.h>

void cpu_record_exception(CpuState *env, int vector, uint32_t error_code, bool has_error)
{
    env->exception_index = vector;
    env->error_code = error_code;
    env->error_code_valid = has_error;
    env->exception_is_int = false;
}

void cpu_raise_recorded(CpuState *env)
{
    env->rip = env->exec.fault_pc;
    exec_raise(&env->exec);
}

void cpu_raise_exception(CpuState *env, int vector)
{
    cpu_record_exception(env, vector, 0, false);
    cpu_raise_recorded(env);
}

void cpu_raise_exception_err(CpuState *env, int vector, uint32_t error_code)
{
    cpu_record_exception(env, vector, error_code, true);
    cpu_raise_recorded(env);
}

void cpu_raise_page_fault(CpuState *env, uint64_t la, uint32_t error_code)
{
    env->cr[2] = la;
    cpu_raise_exception_err(env, EXC_PF, error_code);
}

void helper_raise_exception(CpuState *env, uint32_t vector)
{
    cpu_raise_exception(env, (int)vector);
}

void helper_raise_exception_err(CpuState *env, uint32_t vector, uint32_t error_code)
{
    cpu_raise_exception_err(env, (int)vector, error_code);
}

void helper_raise_interrupt(CpuState *env, uint32_t vector, uint64_t next_eip)
{
    cpu_record_exception(env, (int)vector, 0, false);
    env->exception_is_int = true;
    env->exception_next_rip = next_eip;
    cpu_raise_recorded(env);
}

void helper_icebp(CpuState *env, uint64_t next_eip)
{
    /* INT1/ICEBP: a #DB delivered like a hardware event (no gate DPL
     * check, EXT set in error codes) that returns after the instruction
     * (SDM Vol. 3A 6.12.1.1 and Vol. 2A INTn/INTO/INT3/INT1). */
    env->rip = next_eip;
    cpu_record_exception(env, EXC_DB, 0, false);
    exec_raise(&env->exec);
}

/* DR6.BS: the #DB was a single-step trap (SDM Vol. 3A 17.2.3). */
#define DR6_BS (1ull << 14)

void helper_single_step(CpuState *env)
{
    if (env->hflags & HF_INHIBIT) {
        /* The instruction opened an interrupt shadow (STI from IF = 0, MOV
         * SS, POP SS; the lifted code has cleared any older one): the trap
         * stays pending through the shadow, and the next instruction's TB,
         * translated with HF_INHIBIT and HF_TF, raises it (SDM Vol. 3A
         * 6.8.3; Vol. 3C "Checks on Guest Non-Register State": BS pending
         * with TF under blocking by STI or MOV SS). QEMU 7.2 agrees. */
        return;
    }
    /* A trap: the return address is the instruction after the one that
     * ran, which the lifted code left in rip; so no rip = fault_pc here
     * (SDM Vol. 3A 6.5, 17.3.1.4). The other DR6 status bits stay as they
     * are: the handler clears them (17.2.3). */
    env->dr[6] |= DR6_BS;
    cpu_record_exception(env, EXC_DB, 0, false);
    exec_raise(&env->exec);
}

void cpu_shutdown(CpuState *env, const char *why)
{
    fprintf(stderr, "rx86: the CPU shut down: %s (CS:EIP %04x:%08llx)\n", why,
            env->segs[R_CS].selector, (unsigned long long)env->rip);
    env->shutdown_request = true;
    env->halted = true;
    env->exception_index = -1;
}

/* Exceptions that push an error code in protected mode (SDM Vol. 3A 6.13). */
static bool pushes_error_code(int vector)
{
    return vector == EXC_DF || (vector >= EXC_TS && vector <= EXC_PF) || vector == EXC_AC;
}

/* The classes of SDM Vol. 3A Table 6-4. */
static bool is_contributory(int vector)
{
    return vector == EXC_DE || (vector >= EXC_TS && vector <= EXC_GP);
}

/* What a delivery attempt did. */
typedef enum DeliverResult {
    DELIVER_DONE,    /* the handler is entered */
    DELIVER_FAULTED, /* a new exception is recorded in env */
} DeliverResult;

/* One event being delivered. */
typedef struct Event {
    int vector;
    uint32_t error_code;
    bool push_error; /* protected mode: push error_code */
    bool is_int;     /* INT n / INT3 / INTO: gate DPL checked, EXT = 0 */
    bool is_hw;      /* external interrupt */
    uint64_t ret_rip;
} Event;

static DeliverResult fault(CpuState *env, int vector, uint32_t error_code)
{
    cpu_record_exception(env, vector, error_code, true);
    return DELIVER_FAULTED;
}

/* Real mode: the IVT entry is offset:segment at IDTR.base + 4 * vector;
 * push FLAGS, CS and IP, clear IF, TF, AC and RF (SDM Vol. 3A 20.1.4). */
static DeliverResult deliver_real(CpuState *env, const Event *ev)
{
    unsigned kmmu = cpu_mmu_index_kernel(env);
    if ((uint64_t)ev->vector * 4 + 3 > env->idt.limit) {
        return fault(env, EXC_GP, (uint32_t)ev->vector * 8 + 2);
    }
    uint64_t entry;
    if (!cpu_ld_rec(env, env->idt.base + (uint64_t)ev->vector * 4, 4, kmmu, &entry)) {
        return DELIVER_FAULTED;
    }
    StackPtr st = {env->segs[R_SS].base, env->regs[R_ESP] & 0xffff, 0xffff, kmmu};
    if (!stack_push(env, &st, cpu_get_eflags(env) & 0xffff, 2) ||
        !stack_push(env, &st, env->segs[R_CS].selector, 2) ||
        !stack_push(env, &st, ev->ret_rip & 0xffff, 2)) {
        return DELIVER_FAULTED;
    }
    env->regs[R_ESP] = (env->regs[R_ESP] & ~0xffffull) | st.sp;
    env->eflags &= ~(uint64_t)(EFLAGS_IF | EFLAGS_TF | EFLAGS_AC | EFLAGS_RF);
    seg_load_real(env, R_CS, (uint32_t)(entry >> 16));
    env->rip = entry & 0xffff;
    cpu_update_hflags(env);
    return DELIVER_DONE;
}

bool cpu_tss_stack(CpuState *env, unsigned dpl, unsigned ist, uint32_t ext, uint32_t *ss,
                   uint64_t *sp)
{
    unsigned kmmu = cpu_mmu_index_kernel(env);
    unsigned tr_type = env->tr.attr & SEG_ATTR_TYPE;
    uint32_t tr_err = sel_err(env->tr.selector) | ext;
    if (!(env->tr.attr & SEG_ATTR_P)) {
        return cpu_fault_rec(env, EXC_TS, tr_err);
    }
    uint64_t v;
    if (env->hflags & HF_LMA) {
        uint32_t off = ist ? 0x24 + 8 * (ist - 1) : 4 + 8 * dpl;
        if (off + 7 > env->tr.limit) {
            return cpu_fault_rec(env, EXC_TS, tr_err);
        }
        if (!cpu_ld_rec(env, env->tr.base + off, 8, kmmu, &v)) {
            return false;
        }
        *sp = v;
        *ss = dpl;
        return true;
    }
    bool tss32 = tr_type == SYS_TSS32_AVAIL || tr_type == SYS_TSS32_BUSY;
    unsigned shift = tss32 ? 3 : 2;
    uint32_t off = (dpl << shift) + (tss32 ? 4 : 2);
    uint32_t width = tss32 ? 4 : 2;
    if (off + 2 * width - 1 > env->tr.limit) {
        return cpu_fault_rec(env, EXC_TS, tr_err);
    }
    if (!cpu_ld_rec(env, env->tr.base + off, width, kmmu, &v)) {
        return false;
    }
    *sp = v;
    if (!cpu_ld_rec(env, env->tr.base + off + width, 2, kmmu, &v)) {
        return false;
    }
    *ss = (uint32_t)v;
    return true;
}

bool cpu_load_inner_ss(CpuState *env, uint32_t ss, unsigned cpl, uint32_t ext, SegCache *out)
{
    if ((ss & 0xfffc) == 0) {
        return cpu_fault_rec(env, EXC_TS, ext);
    }
    if ((ss & 3) != cpl) {
        return cpu_fault_rec(env, EXC_TS, sel_err(ss) | ext);
    }
    uint64_t desc;
    int r = seg_read_desc(env, ss, &desc);
    if (r < 0) {
        return false;
    }
    if (r > 0) {
        return cpu_fault_rec(env, EXC_TS, sel_err(ss) | ext);
    }
    SegCache s;
    seg_cache_from_desc(&s, ss, desc);
    unsigned type = s.attr & SEG_ATTR_TYPE;
    if (!(s.attr & SEG_ATTR_S) || (type & DESC_TYPE_CODE) || !(type & DESC_TYPE_W) ||
        seg_dpl(&s) != cpl) {
        return cpu_fault_rec(env, EXC_TS, sel_err(ss) | ext);
    }
    if (!(s.attr & SEG_ATTR_P)) {
        return cpu_fault_rec(env, EXC_SS, sel_err(ss) | ext);
    }
    if (!seg_set_accessed(env, ss, desc)) {
        return false;
    }
    *out = s;
    return true;
}

/* Through a task gate of the IDT (SDM Vol. 3A 6.12.2): INT n checks the
 * gate's DPL; the switch saves the return EIP in the old TSS and pushes an
 * exception's error code on the new task's stack. */
static DeliverResult deliver_task_gate(CpuState *env, const Event *ev, uint64_t gate,
                                       unsigned gate_dpl, uint32_t idt_err)
{
    if (ev->is_int && gate_dpl < cpu_cpl(env)) {
        return fault(env, EXC_GP, (uint32_t)ev->vector * 8 + 2);
    }
    if (!((gate >> 47) & 1)) {
        return fault(env, EXC_NP, idt_err);
    }
    uint32_t tss_sel;
    uint64_t tss_desc;
    if (!cpu_task_gate_target(env, gate, &tss_sel, &tss_desc) ||
        !cpu_task_switch(env, tss_sel, tss_desc, TASK_INT, ev->ret_rip,
                         ev->push_error ? (int)ev->error_code : -1)) {
        return DELIVER_FAULTED;
    }
    return DELIVER_DONE;
}

/* Protected and long mode: through an interrupt or trap gate of the IDT
 * (SDM Vol. 3A 6.12.1, 6.14.1-6.14.5). */
static DeliverResult deliver_protected(CpuState *env, const Event *ev)
{
    bool lma = env->hflags & HF_LMA;
    unsigned cpl = cpu_cpl(env);
    unsigned kmmu = cpu_mmu_index_kernel(env);
    uint32_t ext = ev->is_int ? 0 : 1;
    uint32_t idt_err = (uint32_t)ev->vector * 8 + 2 + ext;
    unsigned gate_size = lma ? 16 : 8;

    if ((uint64_t)ev->vector * gate_size + gate_size - 1 > env->idt.limit) {
        return fault(env, EXC_GP, idt_err);
    }
    uint64_t lo, hi = 0;
    uint64_t gate_la = env->idt.base + (uint64_t)ev->vector * gate_size;
    if (!cpu_ld_rec(env, gate_la, 8, kmmu, &lo) ||
        (lma && !cpu_ld_rec(env, gate_la + 8, 8, kmmu, &hi))) {
        return DELIVER_FAULTED;
    }
    unsigned type = (lo >> 40) & 0xf;
    unsigned gate_dpl = (lo >> 45) & 3;
    bool present = (lo >> 47) & 1;
    bool s_bit = (lo >> 44) & 1;
    uint32_t selector = (lo >> 16) & 0xffff;
    uint64_t offset = (lo & 0xffff) | ((lo >> 32) & 0xffff0000ull);
    unsigned ist = lma ? (lo >> 32) & 7 : 0;
    if (lma) {
        offset |= hi << 32;
    }

    if (s_bit) {
        return fault(env, EXC_GP, idt_err);
    }
    if (!lma && type == SYS_TASK) {
        return deliver_task_gate(env, ev, lo, gate_dpl, idt_err);
    }
    bool gate32 = type == SYS_INT32 || type == SYS_TRAP32;
    bool gate16 = !lma && (type == SYS_INT16 || type == SYS_TRAP16);
    if (!gate32 && !gate16) {
        return fault(env, EXC_GP, idt_err);
    }
    /* Software interrupts check the gate's DPL (6.12.1.1). */
    if (ev->is_int && gate_dpl < cpl) {
        return fault(env, EXC_GP, (uint32_t)ev->vector * 8 + 2);
    }
    if (!present) {
        return fault(env, EXC_NP, idt_err);
    }

    /* The handler's code segment. */
    if ((selector & 0xfffc) == 0) {
        return fault(env, EXC_GP, ext);
    }
    uint64_t desc;
    int r = seg_read_desc(env, selector, &desc);
    if (r < 0) {
        return DELIVER_FAULTED;
    }
    if (r > 0) {
        return fault(env, EXC_GP, sel_err(selector) | ext);
    }
    SegCache cs;
    seg_cache_from_desc(&cs, selector, desc);
    unsigned cs_type = cs.attr & SEG_ATTR_TYPE;
    unsigned cs_dpl = seg_dpl(&cs);
    if (!(cs.attr & SEG_ATTR_S) || !(cs_type & DESC_TYPE_CODE) || cs_dpl > cpl) {
        return fault(env, EXC_GP, sel_err(selector) | ext);
    }
    if (!(cs.attr & SEG_ATTR_P)) {
        return fault(env, EXC_NP, sel_err(selector) | ext);
    }
    if (lma && (!(cs.attr & SEG_ATTR_L) || (cs.attr & SEG_ATTR_DB))) {
        return fault(env, EXC_GP, sel_err(selector) | ext);
    }
    bool vm86 = env->eflags & EFLAGS_VM;
    /* From virtual-8086 mode only to a ring-0 non-conforming handler
     * (SDM Vol. 3A 20.3.1.1). */
    if (vm86 && ((cs_type & DESC_TYPE_C) || cs_dpl != 0)) {
        return fault(env, EXC_GP, sel_err(selector) | ext);
    }
    unsigned new_cpl = (cs_type & DESC_TYPE_C) ? cpl : cs_dpl;

    /* The stack the frame goes on. */
    SegCache ss = env->segs[R_SS];
    uint64_t sp = env->regs[R_ESP];
    bool switch_stack = new_cpl < cpl;
    if (switch_stack || ist) {
        uint32_t new_ss;
        if (!cpu_tss_stack(env, new_cpl, ist, ext, &new_ss, &sp)) {
            return DELIVER_FAULTED;
        }
        if (!lma) {
            if (!cpu_load_inner_ss(env, new_ss, new_cpl, ext, &ss)) {
                return DELIVER_FAULTED;
            }
        } else if (switch_stack) {
            ss = seg_null_stack(new_cpl); /* 6.14.4 */
        }
    }
    unsigned size = lma ? 8 : gate32 ? 4 : 2;
    uint64_t mask = lma ? ~0ull : ss.attr & SEG_ATTR_DB ? 0xffffffffull : 0xffffull;
    if (lma) {
        sp &= ~0xfull; /* the frame is 16-byte aligned (6.14.2) */
    }
    StackPtr st = {lma ? 0 : ss.base, sp & mask, mask, cpu_mmu_index_for_cpl(env, new_cpl)};
    uint64_t eflags = cpu_get_eflags(env);
    if (vm86) {
        /* The virtual-8086 frame: GS, FS, DS, ES above SS:ESP (Figure 20-5). */
        if (!stack_push(env, &st, env->segs[R_GS].selector, size) ||
            !stack_push(env, &st, env->segs[R_FS].selector, size) ||
            !stack_push(env, &st, env->segs[R_DS].selector, size) ||
            !stack_push(env, &st, env->segs[R_ES].selector, size)) {
            return DELIVER_FAULTED;
        }
    }
    if (lma || switch_stack) {
        if (!stack_push(env, &st, env->segs[R_SS].selector, size) ||
            !stack_push(env, &st, env->regs[R_ESP], size)) {
            return DELIVER_FAULTED;
        }
    }
    if (!stack_push(env, &st, eflags, size) ||
        !stack_push(env, &st, env->segs[R_CS].selector, size) ||
        !stack_push(env, &st, ev->ret_rip, size)) {
        return DELIVER_FAULTED;
    }
    if (ev->push_error && !stack_push(env, &st, ev->error_code, size)) {
        return DELIVER_FAULTED;
    }
    if (!seg_set_accessed(env, selector, desc)) {
        return DELIVER_FAULTED;
    }

    /* Commit. */
    if (vm86) {
        static const int data_segs[] = {R_ES, R_DS, R_FS, R_GS};
        for (unsigned i = 0; i < 4; i++) {
            env->segs[data_segs[i]] = (SegCache){0};
        }
    }
    if (switch_stack) {
        env->segs[R_SS] = ss;
        env->regs[R_ESP] = st.sp;
    } else if (lma) {
        env->regs[R_ESP] = st.sp;
    } else {
        env->regs[R_ESP] = (env->regs[R_ESP] & ~mask) | st.sp;
    }
    cs.selector = (uint16_t)((selector & 0xfffc) | new_cpl);
    env->segs[R_CS] = cs;
    env->rip = lma ? offset : gate32 ? offset & 0xffffffffull : offset & 0xffff;
    uint64_t clear = EFLAGS_TF | EFLAGS_VM | EFLAGS_RF | EFLAGS_NT;
    if (type == SYS_INT32 || type == SYS_INT16) {
        clear |= EFLAGS_IF;
    }
    env->eflags &= ~clear;
    cpu_update_hflags(env);
    return DELIVER_DONE;
}

static DeliverResult deliver_once(CpuState *env, const Event *ev)
{
    if (env->exec.log_mask & LOG_INT) {
        cpu_log_interrupt(env, ev->vector, ev->push_error ? ev->error_code : 0, ev->is_int,
                          ev->is_hw);
    }
    if (!(env->cr[0] & CR0_PE)) {
        return deliver_real(env, ev);
    }
    return deliver_protected(env, ev);
}

/* Deliver ev; a fault during delivery becomes the next event, a double
 * fault, or a triple fault (SDM Vol. 3A Table 6-5). */
static void deliver(CpuState *env, Event ev)
{
    int old = -1; /* the exception whose delivery faulted, for Table 6-5 */
    /* An event ends any interrupt shadow: the shadowed instruction either
     * completed before an interrupt or a trap, or faulted and will be
     * restarted by the handler's IRET as a new instruction (SDM Vol. 3A
     * 6.8.3 covers only the instruction boundary that follows it). */
    env->hflags &= ~HF_INHIBIT;
    for (;;) {
        if (!ev.is_int && !ev.is_hw && (env->exec.log_mask & LOG_INT)) {
            fprintf(env->exec.log, "check_exception old: 0x%x new 0x%x\n", (unsigned)old,
                    (unsigned)ev.vector);
        }
        env->exception_index = -1;
        DeliverResult r = deliver_once(env, &ev);
        if (r != DELIVER_FAULTED) {
            env->exception_index = -1;
            return;
        }
        int second = env->exception_index;
        uint32_t second_err = env->error_code;
        env->exception_index = -1;
        /* Software and external interrupts are benign as the first event. */
        int first = ev.is_int || ev.is_hw ? -1 : ev.vector;
        if (first == EXC_DF && (is_contributory(second) || second == EXC_PF)) {
            if (env->exec.log_mask & LOG_INT) {
                fprintf(env->exec.log, "check_exception old: 0x%x new 0x%x\nTriple fault\n",
                        (unsigned)first, (unsigned)second);
            }
            cpu_shutdown(env, "triple fault");
            return;
        }
        bool df = (is_contributory(first) && is_contributory(second)) ||
                  (first == EXC_PF && (is_contributory(second) || second == EXC_PF));
        old = first;
        ev.vector = df ? EXC_DF : second;
        ev.error_code = df ? 0 : second_err;
        ev.push_error = pushes_error_code(ev.vector);
        ev.is_int = false;
        ev.is_hw = false;
        ev.ret_rip = env->rip; /* a fault in delivery returns to the same instruction */
    }
}

void cpu_deliver_exception(CpuState *env)
{
    if (env->exception_index < 0) {
        return;
    }
    Event ev = {
        .vector = env->exception_index,
        .error_code = env->error_code,
        .is_int = env->exception_is_int,
        .is_hw = false,
        .ret_rip = env->exception_is_int ? env->exception_next_rip : env->rip,
    };
    ev.push_error = !ev.is_int && pushes_error_code(ev.vector);
    env->exception_is_int = false;
    deliver(env, ev);
}

void cpu_deliver_interrupt(CpuState *env, int vector)
{
    Event ev = {
        .vector = vector,
        .is_hw = true,
        .ret_rip = env->rip,
    };
    deliver(env, ev);
}
