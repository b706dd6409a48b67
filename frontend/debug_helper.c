/*
 * debug_helper.c — the debug registers' breakpoints (SDM Vol. 3A 17.2-17.3):
 * instruction breakpoints (faults before the instruction), data
 * breakpoints on writes or on reads and writes (traps after it), I/O
 * breakpoints with CR4.DE (traps after IN/OUT), general detect (DR7.GD:
 * a MOV DR faults), and EFLAGS.RF suppressing one instruction breakpoint.
 *
 * How each reaches the guest:
 *   - Instruction breakpoints are decided at translation: the lifter asks
 *     cpu_insn_breakpoints() for each instruction and emits a call that
 *     raises #DB before it. Changing DR0-DR3 or DR7 therefore drops every
 *     TB (exec_request_flush). A TB that starts with RF set holds one
 *     instruction, skips the check and clears RF (HF_RF).
 *   - Data breakpoints flag their pages in the soft TLB (TLB_WATCH) so
 *     accesses take the slow path, which calls cpu_check_watch(). A hit in
 *     a TB of several instructions restarts the instruction alone (as for
 *     self-modifying code); in a TB of one, the access is done and the hit
 *     is kept in dbg_pending, delivered as a #DB trap by the loop once the
 *     instruction is complete (unless it faulted).
 */
#include "frontend/helpers_internal.h"

#define DR7_ENABLE(i) (3u << (2 * (i)))       /* Li and Gi */
#define DR7_RW(dr7, i) (((dr7) >> (16 + 4 * (i))) & 3)
#define DR7_LEN(dr7, i) (((dr7) >> (18 + 4 * (i))) & 3)
#define DR7_GD (1u << 13)
#define DR6_BD (1u << 13)

enum { DR_RW_EXEC = 0, DR_RW_WRITE = 1, DR_RW_IO = 2, DR_RW_ACCESS = 3 };

/* Bytes covered by a LEN field: 00 1, 01 2, 10 8 (IA-32e), 11 4. */
static unsigned bp_len(unsigned len_field)
{
    static const unsigned lens[4] = {1, 2, 8, 4};
    return lens[len_field];
}

static bool bp_enabled(uint64_t dr7, unsigned i)
{
    return dr7 & DR7_ENABLE(i);
}

static bool has_insn_breakpoints(uint64_t dr7)
{
    for (unsigned i = 0; i < 4; i++) {
        if (bp_enabled(dr7, i) && DR7_RW(dr7, i) == DR_RW_EXEC) {
            return true;
        }
    }
    return false;
}

uint32_t cpu_insn_breakpoints(const CpuState *env, uint64_t pc)
{
    uint64_t dr7 = env->dr[7];
    uint32_t hits = 0;
    for (unsigned i = 0; i < 4; i++) {
        if (bp_enabled(dr7, i) && DR7_RW(dr7, i) == DR_RW_EXEC && env->dr[i] == pc) {
            hits |= 1u << i;
        }
    }
    return hits;
}

void cpu_debug_regs_changed(CpuState *env, uint64_t old_dr7)
{
    TlbWatch w[4];
    unsigned n = 0;
    uint64_t dr7 = env->dr[7];
    for (unsigned i = 0; i < 4; i++) {
        unsigned rw = DR7_RW(dr7, i);
        if (!bp_enabled(dr7, i) || (rw != DR_RW_WRITE && rw != DR_RW_ACCESS)) {
            continue;
        }
        unsigned len = bp_len(DR7_LEN(dr7, i));
        /* The address is aligned down to the length (SDM 17.2.5). */
        w[n++] = (TlbWatch){env->dr[i] & ~(uint64_t)(len - 1), len, rw == DR_RW_ACCESS, true};
    }
    if (n > 0 || env->tlb.nwatch > 0) {
        tlb_set_watches(&env->tlb, w, n);
    }
    if (has_insn_breakpoints(dr7) || has_insn_breakpoints(old_dr7)) {
        exec_request_flush(&env->exec);
    }
}

/* Breakpoints i of kind rw (or, with rw = DR_RW_WRITE, also DR_RW_ACCESS
 * for writes) overlapping [addr, addr + len). */
static uint32_t range_hits(const CpuState *env, uint64_t addr, unsigned len, bool write, bool io)
{
    uint64_t dr7 = env->dr[7];
    uint32_t hits = 0;
    for (unsigned i = 0; i < 4; i++) {
        unsigned rw = DR7_RW(dr7, i);
        if (!bp_enabled(dr7, i)) {
            continue;
        }
        bool kind = io ? rw == DR_RW_IO
                       : rw == DR_RW_ACCESS || (rw == DR_RW_WRITE && write);
        if (!kind) {
            continue;
        }
        unsigned blen = bp_len(DR7_LEN(dr7, i));
        uint64_t start = env->dr[i] & ~(uint64_t)(blen - 1);
        if (io) {
            start &= 0xffff;
        }
        if (start < addr + len && addr < start + blen) {
            hits |= 1u << i;
        }
    }
    return hits;
}

/* A hit: restart the instruction alone, or keep it for the trap. */
static void note_hits(CpuState *env, uint32_t hits)
{
    if ((env->exec.cur_cflags & TB_CF_COUNT_MASK) != 1) {
        env->rip = env->exec.fault_pc;
        env->exec.cflags_next = 1 | TB_CF_NOIRQ;
        exec_raise(&env->exec);
    }
    env->dbg_pending |= hits;
    atomic_store(&env->exec.exit_request, 1);
}

void cpu_check_watch(CpuState *env, uint64_t la, unsigned len, bool write)
{
    uint32_t hits = range_hits(env, la, len, write, false);
    if (hits) {
        note_hits(env, hits);
    }
}

void cpu_check_io_breakpoints(CpuState *env, uint32_t port, unsigned size)
{
    if (!(env->cr[4] & CR4_DE)) {
        return;
    }
    uint32_t hits = range_hits(env, port, size, true, true);
    if (hits) {
        note_hits(env, hits);
    }
}

bool cpu_deliver_debug_trap(CpuState *env)
{
    if (!env->dbg_pending) {
        return false;
    }
    env->dr[6] = (env->dr[6] & ~0xfull) | env->dbg_pending;
    env->dbg_pending = 0;
    cpu_record_exception(env, EXC_DB, 0, false);
    cpu_deliver_exception(env);
    return true;
}

void cpu_check_general_detect(CpuState *env)
{
    if (env->dr[7] & DR7_GD) {
        /* The handler gets GD clear, so it may use the registers (17.2.4). */
        env->dr[7] &= ~(uint64_t)DR7_GD;
        env->dr[6] |= DR6_BD;
        cpu_raise_exception(env, EXC_DB);
    }
}

void helper_insn_breakpoint(CpuState *env, uint32_t hits)
{
    env->dr[6] = (env->dr[6] & ~0xfull) | hits;
    cpu_raise_exception(env, EXC_DB);
}

void helper_clear_rf(CpuState *env)
{
    env->eflags &= ~(uint64_t)EFLAGS_RF;
    cpu_update_hflags(env);
}
