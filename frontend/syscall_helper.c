/*
 * syscall_helper.c — the fast system call instructions: SYSCALL/SYSRET
 * (STAR, LSTAR, CSTAR, FMASK; SDM Vol. 2B and AMD APM Vol. 3) and
 * SYSENTER/SYSEXIT (the SYSENTER_* MSRs; SDM Vol. 2B).
 *
 * None of them reads a descriptor: CS and SS get fixed flat caches whose
 * selectors come from the MSRs, as the SDM's pseudocode spells out. rx86
 * follows QEMU's qemu64 CPU (an AMD vendor string): SYSCALL and SYSRET also
 * work outside long mode when EFER.SCE is set, and SYSENTER/SYSEXIT also
 * work in long mode.
 */
#include "frontend/helpers_internal.h"

#define MSR_STAR_SYSCALL_CS(star) ((uint32_t)((star) >> 32) & 0xffff)
#define MSR_STAR_SYSRET_CS(star) ((uint32_t)((star) >> 48) & 0xffff)

/* A flat code segment cache: base 0, limit 4 GiB, present, readable,
 * accessed; 64-bit (L) or 32-bit (D). */
static void set_flat_code(SegCache *s, uint32_t selector, unsigned dpl, bool code64)
{
    s->selector = (uint16_t)selector;
    s->base = 0;
    s->limit = 0xffffffffu;
    s->attr = (uint16_t)(SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_G | DESC_TYPE_CODE | DESC_TYPE_R |
                         DESC_TYPE_A | (dpl << SEG_ATTR_DPL_SHIFT) |
                         (code64 ? SEG_ATTR_L : SEG_ATTR_DB));
}

/* A flat writable stack segment cache with a 32-bit stack pointer. */
static void set_flat_stack(SegCache *s, uint32_t selector, unsigned dpl)
{
    s->selector = (uint16_t)selector;
    s->base = 0;
    s->limit = 0xffffffffu;
    s->attr = (uint16_t)(SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_G | SEG_ATTR_DB | DESC_TYPE_W |
                         DESC_TYPE_A | (dpl << SEG_ATTR_DPL_SHIFT));
}

void helper_syscall(CpuState *env, uint64_t next_eip)
{
    if (!(env->efer & EFER_SCE)) {
        cpu_raise_exception(env, EXC_UD);
    }
    uint32_t cs = MSR_STAR_SYSCALL_CS(env->star) & 0xfffc;
    uint64_t flags = cpu_get_eflags(env);
    if (env->hflags & HF_LMA) {
        bool from64 = env->hflags & HF_CS64;
        env->regs[R_ECX] = next_eip;
        env->regs[R_R11] = flags & ~(uint64_t)EFLAGS_RF;
        set_flat_code(&env->segs[R_CS], cs, 0, true);
        set_flat_stack(&env->segs[R_SS], cs + 8, 0);
        cpu_set_eflags(env, 0, env->fmask | EFLAGS_RF);
        /* Compatibility-mode callers enter at CSTAR (AMD APM Vol. 3 SYSCALL). */
        env->rip = from64 ? env->lstar : env->cstar;
    } else {
        env->regs[R_ECX] = (uint32_t)next_eip;
        set_flat_code(&env->segs[R_CS], cs, 0, false);
        set_flat_stack(&env->segs[R_SS], cs + 8, 0);
        cpu_set_eflags(env, 0, EFLAGS_IF | EFLAGS_RF | EFLAGS_VM);
        env->rip = (uint32_t)env->star;
    }
    cpu_update_hflags(env);
}

void helper_sysret(CpuState *env, uint32_t op_size)
{
    if (!(env->efer & EFER_SCE)) {
        cpu_raise_exception(env, EXC_UD);
    }
    if (!(env->cr[0] & CR0_PE) || cpu_cpl(env) != 0) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    uint32_t sel = MSR_STAR_SYSRET_CS(env->star);
    if (env->hflags & HF_LMA) {
        if (op_size == 8) {
            set_flat_code(&env->segs[R_CS], (sel + 16) | 3, 3, true);
            env->rip = env->regs[R_ECX];
        } else {
            set_flat_code(&env->segs[R_CS], sel | 3, 3, false);
            env->rip = (uint32_t)env->regs[R_ECX];
        }
        set_flat_stack(&env->segs[R_SS], (sel + 8) | 3, 3);
        /* RFLAGS = (R11 & 3C7FD7H) | 2: RF and VM end up clear. */
        cpu_set_eflags(env, env->regs[R_R11] & 0x3c7fd7u, ~0ull);
    } else {
        set_flat_code(&env->segs[R_CS], sel | 3, 3, false);
        set_flat_stack(&env->segs[R_SS], (sel + 8) | 3, 3);
        env->rip = (uint32_t)env->regs[R_ECX];
        cpu_set_eflags(env, EFLAGS_IF, EFLAGS_IF);
    }
    cpu_update_hflags(env);
    cpu_check_irq_window(env);
}

void helper_sysenter(CpuState *env)
{
    uint32_t cs = (uint32_t)env->sysenter_cs & 0xfffc;
    if (!(env->cr[0] & CR0_PE) || cs == 0) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    bool lma = env->hflags & HF_LMA;
    cpu_set_eflags(env, 0, EFLAGS_VM | EFLAGS_IF | EFLAGS_RF);
    set_flat_code(&env->segs[R_CS], cs, 0, lma);
    set_flat_stack(&env->segs[R_SS], cs + 8, 0);
    env->regs[R_ESP] = lma ? env->sysenter_esp : (uint32_t)env->sysenter_esp;
    env->rip = lma ? env->sysenter_eip : (uint32_t)env->sysenter_eip;
    cpu_update_hflags(env);
}

void helper_sysexit(CpuState *env, uint32_t op_size)
{
    uint32_t cs = (uint32_t)env->sysenter_cs & 0xfffc;
    if (!(env->cr[0] & CR0_PE) || cpu_cpl(env) != 0 || cs == 0) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    if (op_size == 8) {
        set_flat_code(&env->segs[R_CS], (cs + 32) | 3, 3, true);
        set_flat_stack(&env->segs[R_SS], (cs + 40) | 3, 3);
        env->regs[R_ESP] = env->regs[R_ECX];
        env->rip = env->regs[R_EDX];
    } else {
        set_flat_code(&env->segs[R_CS], (cs + 16) | 3, 3, false);
        set_flat_stack(&env->segs[R_SS], (cs + 24) | 3, 3);
        env->regs[R_ESP] = (uint32_t)env->regs[R_ECX];
        env->rip = (uint32_t)env->regs[R_EDX];
    }
    cpu_update_hflags(env);
}
