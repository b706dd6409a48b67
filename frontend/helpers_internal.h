/*
 * helpers_internal.h — what the frontend's runtime files (cpu.c, the
 * *_helper.c files, cpu_exec.c) share among themselves and nobody else.
 *
 * Two styles of guest memory access live side by side. The helpers of
 * helpers.h raise guest exceptions (longjmp to the loop). Event delivery
 * and code fetch run outside generated code and must not: they use the
 * *_rec accessors below, which return false with the fault recorded in
 * env (exception_index, error_code, CR2) and leave the caller to decide
 * (a double fault, a #PF on fetch).
 */
#ifndef RX86_FRONTEND_HELPERS_INTERNAL_H
#define RX86_FRONTEND_HELPERS_INTERNAL_H

#include "frontend/helpers.h"

#include <stdbool.h>
#include <stdint.h>

/* Descriptor bits (SDM Vol. 3A 3.4.5), in SegCache.attr terms. */
#define DESC_TYPE_A 0x1u         /* accessed (code/data) */
#define DESC_TYPE_W 0x2u         /* data: writable */
#define DESC_TYPE_R 0x2u         /* code: readable */
#define DESC_TYPE_E 0x4u         /* data: expand-down */
#define DESC_TYPE_C 0x4u         /* code: conforming */
#define DESC_TYPE_CODE 0x8u      /* code rather than data */

/* System descriptor and gate types (SDM Vol. 3A Table 3-2). */
enum {
    SYS_TSS16_AVAIL = 1, SYS_LDT = 2, SYS_TSS16_BUSY = 3, SYS_CALL16 = 4, SYS_TASK = 5,
    SYS_INT16 = 6, SYS_TRAP16 = 7, SYS_TSS32_AVAIL = 9, SYS_TSS32_BUSY = 11, SYS_CALL32 = 12,
    SYS_INT32 = 14, SYS_TRAP32 = 15,
};

/* The DPL of a cached segment. */
static inline unsigned seg_dpl(const SegCache *s)
{
    return (s->attr >> SEG_ATTR_DPL_SHIFT) & 3;
}

static inline unsigned cpu_cpl(const CpuState *env)
{
    return env->hflags & HF_CPL_MASK;
}

/* A selector's error-code form: index and TI, RPL bits cleared. */
static inline uint32_t sel_err(uint32_t selector)
{
    return selector & 0xfffc;
}

/* ---- exceptions (excp_helper.c) ----------------------------------------- */

/* Record an exception in env without leaving (error code optional). */
void cpu_record_exception(CpuState *env, int vector, uint32_t error_code, bool has_error);
/* Recording style's way to fail: record the exception, return false. */
static inline bool cpu_fault_rec(CpuState *env, int vector, uint32_t error_code)
{
    cpu_record_exception(env, vector, error_code, true);
    return false;
}
/* Leave for the loop with the exception env records: EIP = fault_pc. */
__attribute__((noreturn)) void cpu_raise_recorded(CpuState *env);
/* Triple fault: stop the CPU (shutdown_request),
 * saying why on stderr. */
void cpu_shutdown(CpuState *env, const char *why);

/* ---- memory (mem_helper.c) ---------------------------------------------- */

/* The MMU index of CPU-internal (implicit supervisor) accesses: descriptor
 * tables, the IDT, the TSS (SDM Vol. 3A 4.6: SMAP applies whatever AC). */
unsigned cpu_mmu_index_kernel(const CpuState *env);
/* The MMU index for privilege level cpl. */
unsigned cpu_mmu_index_for_cpl(const CpuState *env, unsigned cpl);

/* Recording accesses: false with the fault recorded (#PF, #GP(0) for a
 * non-canonical address). A store to a code page invalidates its TBs but
 * never restarts the running instruction. */
bool cpu_ld_rec(CpuState *env, uint64_t la, unsigned size, unsigned mmu_idx, uint64_t *value);
bool cpu_st_rec(CpuState *env, uint64_t la, uint64_t value, unsigned size, unsigned mmu_idx);

/* A host pointer to the bytes of [la, la + len) (within one page) when the
 * page is plain RAM for this access with no slow-path flag; NULL otherwise
 * (the caller then goes byte by byte). Faults are raised. */
uint8_t *cpu_host_ptr(CpuState *env, uint64_t la, unsigned len, PagingAccess access,
                      unsigned mmu_idx);

/* Translate a fetch of code at linear pc: the physical address, or -1
 * with #PF/#GP recorded. */
uint64_t cpu_fetch_phys(CpuState *env, uint64_t pc);

/* ---- segments (seg_helper.c) -------------------------------------------- */

/* Read the 8-byte descriptor of selector from the GDT/LDT into *desc.
 * Returns 0; 1 when the selector lies beyond the table's limit (or names an
 * unusable LDT), nothing recorded: the caller picks the fault; -1 when the
 * read itself faulted (#PF recorded). */
int seg_read_desc(CpuState *env, uint32_t selector, uint64_t *desc);
/* Write back a descriptor's accessed bit (recording; false on a fault). */
bool seg_set_accessed(CpuState *env, uint32_t selector, uint64_t desc);
/* The SegCache a descriptor describes (base, limit with G, attr). */
void seg_cache_from_desc(SegCache *s, uint32_t selector, uint64_t desc);
/* Set a segment register to a real-mode/VM86 value: base = selector << 4. */
void seg_load_real(CpuState *env, int seg, uint32_t selector);

/* A stack being pushed or popped: linear address base + (sp & mask), the
 * register updated under mask at the end (16-bit stacks keep ESP's top). */
typedef struct StackPtr {
    uint64_t base, sp, mask;
    unsigned mmu_idx;
} StackPtr;

/* The mask of SS's stack pointer: SP, ESP (SS.B), or RSP in 64-bit mode. */
static inline uint64_t stack_mask(const CpuState *env, const SegCache *ss)
{
    if (env->hflags & HF_CS64) {
        return ~0ull;
    }
    return ss->attr & SEG_ATTR_DB ? 0xffffffffull : 0xffffull;
}

static inline bool stack_push(CpuState *env, StackPtr *st, uint64_t value, unsigned size)
{
    st->sp = (st->sp - size) & st->mask;
    return cpu_st_rec(env, st->base + st->sp, value, size, st->mmu_idx);
}

static inline bool stack_pop(CpuState *env, StackPtr *st, unsigned size, uint64_t *value)
{
    if (!cpu_ld_rec(env, st->base + st->sp, size, st->mmu_idx, value)) {
        return false;
    }
    st->sp = (st->sp + size) & st->mask;
    return true;
}

/* The SS cache of a null selector with RPL rpl, as 64-bit mode allows it
 * below CPL 3 (SDM Vol. 3A 6.14.4; MOV SS, RET/IRET, inner stacks). */
static inline SegCache seg_null_stack(unsigned rpl)
{
    SegCache s = {
        .selector = (uint16_t)rpl,
        .attr = (uint16_t)(rpl << SEG_ATTR_DPL_SHIFT),
    };
    return s;
}

/* The inner stack of a privilege change (excp_helper.c), recording style
 * (false with the fault recorded): cpu_tss_stack reads SS:ESP for level
 * dpl from the TSS (SDM Vol. 3A 7.2.1, 7.6), or RSPn/ISTn from a 64-bit
 * TSS (7.7; *ss = dpl then); cpu_load_inner_ss checks and loads that SS
 * for CPL cpl (6.12.1.1: #TS for a bad SS, #SS if not present). ext is the
 * EXT bit of their error codes. */
bool cpu_tss_stack(CpuState *env, unsigned dpl, unsigned ist, uint32_t ext, uint32_t *ss,
                   uint64_t *sp);
bool cpu_load_inner_ss(CpuState *env, uint32_t ss, unsigned cpl, uint32_t ext, SegCache *out);

/* The stack as env has it now (SS base unless 64-bit code, SP masked). */
static inline StackPtr stack_of_env(const CpuState *env)
{
    uint64_t mask = stack_mask(env, &env->segs[R_SS]);
    StackPtr st = {
        (env->hflags & HF_CS64) ? 0 : env->segs[R_SS].base,
        env->regs[R_ESP] & mask,
        mask,
        cpu_mmu_index(env),
    };
    return st;
}

/* Write st's stack pointer back to RSP under its mask. */
static inline void stack_commit(CpuState *env, const StackPtr *st)
{
    env->regs[R_ESP] = (env->regs[R_ESP] & ~st->mask) | (st->sp & st->mask);
}

/* Push and pop for helpers that raise (rather than record) faults. */
static inline void stack_push_raise(CpuState *env, StackPtr *st, uint64_t value, unsigned size)
{
    if (!stack_push(env, st, value, size)) {
        cpu_raise_recorded(env);
    }
}

static inline uint64_t stack_pop_raise(CpuState *env, StackPtr *st, unsigned size)
{
    uint64_t v;
    if (!stack_pop(env, st, size, &v)) {
        cpu_raise_recorded(env);
    }
    return v;
}

/* The descriptor of selector, or #GP(selector) beyond its table (a fault
 * reading the table is raised). */
uint64_t seg_load_desc(CpuState *env, uint32_t selector);
/* seg_set_accessed, raising a fault. */
void seg_set_accessed_or_raise(CpuState *env, uint32_t selector, uint64_t desc);
/* JMP/CALL far through a call gate (gate_helper.c): the gate descriptor
 * is desc (selector gate_sel); op_size is the far CALL's operand size. */
void seg_far_via_call_gate(CpuState *env, uint32_t gate_sel, uint64_t desc, bool is_call,
                           uint64_t next_eip);

/* ---- task switches (task_switch.c) --------------------------------------- */

typedef enum TaskSource { TASK_JMP, TASK_CALL, TASK_IRET, TASK_INT } TaskSource;

/* Switch to the task whose TSS descriptor (selector sel, already checked
 * for privilege and type by the caller) is desc. next_eip is the EIP the
 * old task resumes at; error_code >= 0 is pushed on the new task's stack
 * (an exception through a task gate). Recording style: false with a fault
 * recorded (before TR changes, in the old task; after, in the new one,
 * with exec.fault_pc set to the new EIP). */
bool cpu_task_switch(CpuState *env, uint32_t sel, uint64_t desc, TaskSource src,
                     uint64_t next_eip, int error_code);
/* The TSS descriptor a task gate (selector gate_sel, descriptor gate)
 * names, checked: in the GDT, an available TSS, present. Recording. */
bool cpu_task_gate_target(CpuState *env, uint64_t gate, uint32_t *tss_sel, uint64_t *tss_desc);

/* ---- port I/O (misc_helper.c) ------------------------------------------------ */

/* The I/O permission check of IN, OUT, INS, OUTS: with CR0.PE and CPL >
 * IOPL or in VM86, the TSS bitmap must allow every byte (#GP(0)). */
void cpu_check_io(CpuState *env, uint32_t port, uint32_t size);

/* ---- machine-check and AMD MSRs (msr_mca.c) ------------------------------- */

void cpu_mca_reset(CpuState *env);
/* RDMSR/WRMSR of the machine-check MSRs the model announces (MCE and MCA)
 * and, on AMD models, SYSCFG. Return false for an MSR that is not theirs;
 * a bad value raises #GP. */
bool cpu_mca_rdmsr(CpuState *env, uint32_t msr, uint64_t *value);
bool cpu_mca_wrmsr(CpuState *env, uint32_t msr, uint64_t value);

/* ---- debug registers (debug_helper.c) ------------------------------------ */

/* After a write to DR0-DR3 or DR7 (old_dr7: DR7 before it): re-arm the
 * data breakpoints in the TLB, drop TBs if instruction breakpoints change. */
void cpu_debug_regs_changed(CpuState *env, uint64_t old_dr7);
/* A slow-path access of a TLB_WATCH page, and IN/OUT with CR4.DE: note
 * breakpoint hits (may restart the instruction alone: does not return). */
void cpu_check_watch(CpuState *env, uint64_t la, unsigned len, bool write);
void cpu_check_io_breakpoints(CpuState *env, uint32_t port, unsigned size);
/* Deliver a #DB trap for the hits noted by the instruction that just
 * completed. Returns whether there was one. */
bool cpu_deliver_debug_trap(CpuState *env);
/* MOV to or from a debug register with DR7.GD set: #DB with DR6.BD. */
void cpu_check_general_detect(CpuState *env);

/* ---- flags (cc_helper.c / misc_helper.c) ------------------------------- */

/* The arithmetic flags of env's lazy state. */
uint64_t cpu_cc_flags(const CpuState *env);
/* Tell the loop to come back for a pending interrupt now that IF may be 1. */
void cpu_check_irq_window(CpuState *env);

/* ---- logging (cpu_exec.c) ----------------------------------------------- */

/* The QEMU-style "-d int" line and register dump of one event. */
void cpu_log_interrupt(CpuState *env, int vector, uint32_t error_code, bool is_int, bool is_hw);

#endif
