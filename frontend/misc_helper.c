/*
 * misc_helper.c — system instructions and the flags register: PUSHF/POPF,
 * CLI/STI, HLT, IN/OUT, CPUID, RDTSC(P), RDMSR/WRMSR, MOV to and from
 * control and debug registers, CLTS, LMSW, INVLPG, LGDT/LIDT/SGDT/SIDT.
 *
 * CPUID describes what rx86 runs, no more: the model's feature bits
 * (frontend/cpu_model.c), less the APIC bit while IA32_APIC_BASE disables
 * the local APIC (SDM Vol. 3A 10.4.3). The local APIC itself is a device
 * (hw/lapic.c) reached through CpuState.apic: IA32_APIC_BASE, CR8 and
 * IA32_TSC_DEADLINE are passed on to it.
 *
 * The time-stamp counter is a virtual 1 GHz clock: host CLOCK_MONOTONIC
 * nanoseconds plus a per-CPU offset (set by reset and by WRMSR to the
 * TSC), so it is invariant and never goes backwards.
 */
#include "frontend/helpers_internal.h"

#include <string.h>

#include <time.h>

/* MSR numbers (SDM Vol. 4, Table 2-2). */
#define MSR_TSC 0x10u
#define MSR_APIC_BASE 0x1bu
#define MSR_SYSENTER_CS 0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u
#define MSR_MISC_ENABLE 0x1a0u
#define MSR_PAT 0x277u
#define MSR_EFER 0xc0000080u
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_CSTAR 0xc0000083u
#define MSR_FMASK 0xc0000084u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define MSR_TSC_AUX 0xc0000103u
#define MSR_TSC_DEADLINE 0x6e0u
#define APIC_BASE_EN (1ull << 11)
#define CPUID_1_EDX_APIC (1u << 9)

/* CR4 bits a guest may set: those whose feature rx86 has or which only
 * gate instructions it checks (SDM Vol. 3A 2.5). Others are reserved: #GP. */
#define CR4_VALID                                                                                  \
    (CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR |            \
     CR4_OSXMMEXCPT | CR4_UMIP | CR4_FSGSBASE | CR4_OSXSAVE | CR4_SMEP | CR4_SMAP)

/* CR4 bits the model's CPUID does not announce are reserved (#GP), as
 * on QEMU. */
static uint64_t cr4_valid(const CpuState *env)
{
    uint64_t v = CR4_VALID;
    static const struct {
        const char *feature;
        uint64_t bit;
    } gated[] = {
        {"umip", CR4_UMIP}, {"fsgsbase", CR4_FSGSBASE}, {"xsave", CR4_OSXSAVE},
        {"smep", CR4_SMEP}, {"smap", CR4_SMAP},
    };
    for (size_t i = 0; i < sizeof(gated) / sizeof(gated[0]); i++) {
        if (!cpu_model_has(&env->model, gated[i].feature)) {
            v &= ~gated[i].bit;
        }
    }
    return v;
}

/* EFER bits the model announces: SCE (syscall), LME (lm), NXE (nx). */
static uint64_t efer_valid(const CpuState *env)
{
    uint64_t v = 0;
    v |= cpu_model_has(&env->model, "syscall") ? EFER_SCE : 0;
    v |= cpu_model_has(&env->model, "lm") ? EFER_LME : 0;
    v |= cpu_model_has(&env->model, "nx") ? EFER_NXE : 0;
    return v;
}

/* ---- flags ------------------------------------------------------------------ */

void cpu_check_irq_window(CpuState *env)
{
    if ((env->eflags & EFLAGS_IF) && atomic_load(&env->interrupt_request)) {
        atomic_store(&env->exec.exit_request, 1);
    }
}

static unsigned iopl_of(const CpuState *env)
{
    return (env->eflags & EFLAGS_IOPL) >> 12;
}

uint64_t helper_pushf(CpuState *env)
{
    /* VM and RF read as 0 in the image (SDM Vol. 2B PUSHF). */
    return cpu_get_eflags(env) & ~(uint64_t)(EFLAGS_VM | EFLAGS_RF);
}

void helper_popf(CpuState *env, uint64_t value, uint32_t op_size)
{
    uint64_t mask = EFLAGS_ARITH | EFLAGS_TF | EFLAGS_DF | EFLAGS_NT | EFLAGS_AC | EFLAGS_ID |
                    EFLAGS_RF;
    bool pe = env->cr[0] & CR0_PE;
    unsigned cpl = cpu_cpl(env);
    if (pe && (env->eflags & EFLAGS_VM)) {
        /* Virtual-8086 mode without VME: IOPL 3 or #GP(0); IOPL stays. */
        if (iopl_of(env) != 3) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        mask |= EFLAGS_IF;
    } else {
        if (cpl == 0) {
            mask |= EFLAGS_IOPL;
        }
        if (cpl <= iopl_of(env)) {
            mask |= EFLAGS_IF;
        }
    }
    if (op_size == 2) {
        mask &= 0xffff;
    }
    /* RF is cleared (SDM Vol. 2B POPF); VM, VIF and VIP are kept. */
    cpu_set_eflags(env, value & ~(uint64_t)EFLAGS_RF, mask);
    cpu_check_irq_window(env);
}

/* CLI/STI may change IF: real mode always; protected mode at CPL <= IOPL;
 * VM86 at IOPL 3; else #GP(0) (SDM Vol. 2A CLI, without VME/PVI). */
static void check_if_change(CpuState *env)
{
    if (!(env->cr[0] & CR0_PE)) {
        return;
    }
    if (env->eflags & EFLAGS_VM ? iopl_of(env) != 3 : cpu_cpl(env) > iopl_of(env)) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
}

void helper_cli(CpuState *env)
{
    check_if_change(env);
    env->eflags &= ~(uint64_t)EFLAGS_IF;
}

void helper_sti(CpuState *env)
{
    check_if_change(env);
    if (!(env->eflags & EFLAGS_IF)) {
        /* The interrupt shadow: no interrupt before the next instruction
         * completes (SDM Vol. 2B STI). */
        env->hflags |= HF_INHIBIT;
    }
    env->eflags |= EFLAGS_IF;
    cpu_check_irq_window(env);
}

void helper_hlt(CpuState *env, uint64_t next_eip)
{
    if (cpu_cpl(env) != 0) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    env->halted = true;
    env->rip = next_eip;
    env->exception_index = -1;
    /* HLT has completed: a shadow it ran in (STI; HLT) is over, and the
     * halted CPU takes the next interrupt (SDM Vol. 2B STI). This leaves
     * before the lifted code would clear the bit itself. */
    env->hflags &= ~HF_INHIBIT;
    exec_raise(&env->exec);
}

/* ---- port I/O ---------------------------------------------------------------- */

/* Protected mode with CPL > IOPL, or VM86: the TSS I/O permission bitmap
 * must allow every byte of the access (SDM Vol. 1 19.5.2). */
void cpu_check_io(CpuState *env, uint32_t port, uint32_t size)
{
    if (!(env->cr[0] & CR0_PE)) {
        return;
    }
    if (!(env->eflags & EFLAGS_VM) && cpu_cpl(env) <= iopl_of(env)) {
        return;
    }
    unsigned type = env->tr.attr & SEG_ATTR_TYPE;
    if (!(env->tr.attr & SEG_ATTR_P) || (type != SYS_TSS32_AVAIL && type != SYS_TSS32_BUSY) ||
        env->tr.limit < 0x67) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    unsigned kmmu = cpu_mmu_index_kernel(env);
    uint64_t io_base;
    if (!cpu_ld_rec(env, env->tr.base + 0x66, 2, kmmu, &io_base)) {
        cpu_raise_recorded(env);
    }
    uint64_t off = io_base + port / 8;
    if (off + 1 > env->tr.limit) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    uint64_t bits;
    if (!cpu_ld_rec(env, env->tr.base + off, 2, kmmu, &bits)) {
        cpu_raise_recorded(env);
    }
    uint64_t want = ((1u << size) - 1) << (port & 7);
    if (bits & want) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
}

static uint64_t size_mask(uint32_t size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

uint64_t helper_in(CpuState *env, uint32_t port, uint32_t size)
{
    port &= 0xffff;
    cpu_check_io(env, port, size);
    cpu_check_io_breakpoints(env, port, size);
    if (!env->bus.port_read) {
        return size_mask(size); /* nobody answers: all ones */
    }
    return env->bus.port_read(env->bus.opaque, (uint16_t)port, size) & size_mask(size);
}

void helper_out(CpuState *env, uint32_t port, uint64_t value, uint32_t size)
{
    port &= 0xffff;
    cpu_check_io(env, port, size);
    cpu_check_io_breakpoints(env, port, size);
    if (env->bus.port_write) {
        env->bus.port_write(env->bus.opaque, (uint16_t)port, value & size_mask(size), size);
    }
}

/* ---- CPUID, TSC, MSRs -------------------------------------------------------- */

static void set_reg32(CpuState *env, int r, uint32_t v)
{
    env->regs[r] = v; /* 32-bit results zero-extend (SDM Vol. 1 3.4.1.1) */
}

/* Four bytes of a string as a CPUID register holds them (little-endian). */
static uint32_t str4(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

/* AMD mirrors these leaf-1 EDX bits in 80000001h EDX (AMD APM Vol. 3, E.4.2). */
#define CPUID_AMD_ALIASES 0x0183f3ffu
#define CPUID_1_ECX_OSXSAVE (1u << 27)
#define CPUID_1_ECX_XSAVE (1u << 26)

/* CPUID from the model (frontend/cpu_model.c). A leaf above the highest
 * one reports the highest basic leaf, as Intel CPUs and QEMU do. */
void helper_cpuid(CpuState *env)
{
    const CpuModel *m = &env->model;
    uint32_t leaf = (uint32_t)env->regs[R_EAX];
    uint32_t sub = (uint32_t)env->regs[R_ECX];
    uint32_t a = 0, b = 0, c = 0, d = 0;
    if (leaf >= 0x80000000u ? leaf > m->xlevel : leaf > m->level) {
        leaf = m->level;
    }
    bool amd = strcmp(m->vendor, "AuthenticAMD") == 0;
    switch (leaf) {
    case 0:
    case 0x80000000u:
        a = leaf == 0 ? m->level : m->xlevel;
        b = str4(m->vendor);
        d = str4(m->vendor + 4);
        c = str4(m->vendor + 8);
        break;
    case 1:
        a = cpu_model_signature(m);
        b = 8u << 8; /* CLFLUSH line size 64 bytes, initial APIC ID 0 */
        c = m->features[FEAT_1_ECX];
        if ((c & CPUID_1_ECX_XSAVE) && (env->cr[4] & CR4_OSXSAVE)) {
            c |= CPUID_1_ECX_OSXSAVE;
        }
        d = m->features[FEAT_1_EDX];
        if (!(env->apic_base & APIC_BASE_EN)) {
            d &= ~CPUID_1_EDX_APIC;
        }
        break;
    case 7:
        if (sub == 0) {
            b = m->features[FEAT_7_0_EBX];
            c = m->features[FEAT_7_0_ECX];
            d = m->features[FEAT_7_0_EDX];
        }
        break;
    case 0xd:
        /* XSAVE (SDM Vol. 1 13.2): the x87 and SSE components of the
         * legacy region plus the header, 576 bytes; sub-leaf 1: XSAVEOPT. */
        if (m->features[FEAT_1_ECX] & CPUID_1_ECX_XSAVE) {
            if (sub == 0) {
                a = 3;
                b = 576;
                c = 576;
            } else if (sub == 1) {
                a = 1;
            }
        }
        break;
    case 0x80000001u:
        a = cpu_model_signature(m);
        c = m->features[FEAT_8000_0001_ECX];
        d = m->features[FEAT_8000_0001_EDX];
        if (amd) {
            d |= m->features[FEAT_1_EDX] & CPUID_AMD_ALIASES;
            if (!(env->apic_base & APIC_BASE_EN)) {
                d &= ~CPUID_1_EDX_APIC;
            }
        }
        break;
    case 0x80000002u:
    case 0x80000003u:
    case 0x80000004u: {
        const char *p = m->model_id + 16 * (leaf - 0x80000002u);
        a = str4(p);
        b = str4(p + 4);
        c = str4(p + 8);
        d = str4(p + 12);
        break;
    }
    case 0x80000005u:
        /* L1 TLBs and caches, as QEMU reports them (AMD APM Vol. 3, E.4.4):
         * 2 MiB pages: 255 entries each, direct mapped; 4 KiB pages
         * likewise; 64 KiB 2-way L1 data and instruction caches with
         * 64-byte lines. rx86 models no cache: these only describe. */
        a = 0x01ff01ffu;
        b = 0x01ff01ffu;
        c = 0x40020140u;
        d = 0x40020140u;
        break;
    case 0x80000006u:
        /* L2 TLB: 512 4-KiB entries, 4-way, for data and instructions (no
         * 2 MiB entries: software falls back to the L1 counts); a 512 KiB
         * L2 and a 16 MiB L3 cache, 16-way, 64-byte lines (E.4.5). */
        b = 0x42004200u;
        c = 0x02008140u;
        d = 0x00808140u;
        break;
    case 0x80000008u:
        a = 48u << 8 | PAGING_MAXPHYADDR; /* linear and physical address widths */
        break;
    default:
        break;
    }
    set_reg32(env, R_EAX, a);
    set_reg32(env, R_EBX, b);
    set_reg32(env, R_ECX, c);
    set_reg32(env, R_EDX, d);
}

static uint64_t virtual_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t read_tsc(CpuState *env)
{
    /* CR4.TSD restricts RDTSC to CPL 0 (SDM Vol. 2B RDTSC). */
    if ((env->cr[4] & CR4_TSD) && cpu_cpl(env) != 0 && (env->cr[0] & CR0_PE)) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    return virtual_clock_ns() + env->tsc_offset;
}

void helper_rdtsc(CpuState *env)
{
    uint64_t t = read_tsc(env);
    set_reg32(env, R_EAX, (uint32_t)t);
    set_reg32(env, R_EDX, (uint32_t)(t >> 32));
}

void helper_rdtscp(CpuState *env)
{
    helper_rdtsc(env);
    set_reg32(env, R_ECX, (uint32_t)env->tsc_aux);
}

static bool canonical(uint64_t v)
{
    return (uint64_t)((int64_t)(v << 16) >> 16) == v;
}

static void check_cpl0(CpuState *env)
{
    if (cpu_cpl(env) != 0) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
}

/* The MTRR MSRs (SDM Vol. 3A 11.11.1-11.11.2.3): MTRRcap, the default
 * type, 11 fixed-range and 8 variable-range pairs, as QEMU has them. Only
 * with the model's mtrr feature. Returns a pointer to the register, NULL
 * if msr is not one. */
#define MSR_MTRRCAP 0xfeu
#define MSR_MTRR_DEFTYPE 0x2ffu
#define MSR_MTRR_PHYSBASE0 0x200u
#define MTRRCAP_VALUE (8u | 1u << 8 | 1u << 10) /* 8 variable, fixed ranges, WC */
static uint64_t *mtrr_reg(CpuState *env, uint32_t msr)
{
    static const uint32_t fixed[11] = {0x250, 0x258, 0x259, 0x268, 0x269, 0x26a,
                                       0x26b, 0x26c, 0x26d, 0x26e, 0x26f};
    if (!cpu_model_has(&env->model, "mtrr")) {
        return NULL;
    }
    if (msr == MSR_MTRR_DEFTYPE) {
        return &env->mtrr_deftype;
    }
    for (int i = 0; i < 11; i++) {
        if (msr == fixed[i]) {
            return &env->mtrr_fixed[i];
        }
    }
    if (msr >= MSR_MTRR_PHYSBASE0 && msr < MSR_MTRR_PHYSBASE0 + 16) {
        return &env->mtrr_var[(msr - MSR_MTRR_PHYSBASE0) / 2][msr & 1];
    }
    return NULL;
}

/* Reserved bits of an MTRR write (#GP): DEFTYPE keeps type, FE and E; the
 * variable ranges keep their type/valid bit and MAXPHYADDR address bits. */
static bool mtrr_type_ok(uint64_t t)
{
    return t == 0 || t == 1 || t == 4 || t == 5 || t == 6; /* UC WC WT WP WB */
}

static bool mtrr_write_ok(uint32_t msr, uint64_t v)
{
    uint64_t addr = ((1ull << PAGING_MAXPHYADDR) - 1) & ~0xfffull;
    if (msr == MSR_MTRR_DEFTYPE) {
        return !(v & ~0xcffull) && mtrr_type_ok(v & 0xff);
    }
    if (msr >= MSR_MTRR_PHYSBASE0 && msr < MSR_MTRR_PHYSBASE0 + 16) {
        bool is_mask = msr & 1;
        return !(v & ~(addr | (is_mask ? 0x800ull : 0xffull))) &&
               (is_mask || mtrr_type_ok(v & 0xff));
    }
    /* a fixed-range register: eight type bytes */
    for (int i = 0; i < 8; i++) {
        if (!mtrr_type_ok((v >> (8 * i)) & 0xff)) {
            return false;
        }
    }
    return true;
}

/* IA32_TSC_DEADLINE: the APIC gets the value and when the TSC (the
 * virtual clock plus tsc_offset) reaches it on that clock. */
static void write_tsc_deadline(CpuState *env, uint64_t value)
{
    if (!env->apic.tsc_deadline_write) {
        return;
    }
    uint64_t now_ns = virtual_clock_ns();
    uint64_t tsc = now_ns + env->tsc_offset;
    uint64_t ahead = value > tsc ? value - tsc : 0;
    uint64_t expire = now_ns + ahead;
    if (ahead > (uint64_t)INT64_MAX || expire > (uint64_t)INT64_MAX) {
        expire = INT64_MAX; /* beyond the clock's range: never */
    }
    env->apic.tsc_deadline_write(env->apic.opaque, value, (int64_t)expire);
}

void helper_rdmsr(CpuState *env)
{
    check_cpl0(env);
    uint32_t msr = (uint32_t)env->regs[R_ECX];
    uint64_t v;
    switch (msr) {
    case MSR_TSC:
        v = virtual_clock_ns() + env->tsc_offset;
        break;
    case MSR_APIC_BASE:
        v = env->apic_base;
        break;
    case MSR_TSC_DEADLINE:
        if (!cpu_model_has(&env->model, "tsc-deadline")) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        v = env->apic.tsc_deadline_read ? env->apic.tsc_deadline_read(env->apic.opaque) : 0;
        break;
    case MSR_SYSENTER_CS:
        v = env->sysenter_cs;
        break;
    case MSR_SYSENTER_ESP:
        v = env->sysenter_esp;
        break;
    case MSR_SYSENTER_EIP:
        v = env->sysenter_eip;
        break;
    case MSR_MISC_ENABLE:
        v = env->misc_enable;
        break;
    case MSR_PAT:
        v = env->pat;
        break;
    case MSR_EFER:
        v = env->efer;
        break;
    case MSR_STAR:
        v = env->star;
        break;
    case MSR_LSTAR:
        v = env->lstar;
        break;
    case MSR_CSTAR:
        v = env->cstar;
        break;
    case MSR_FMASK:
        v = env->fmask;
        break;
    case MSR_FS_BASE:
        v = env->segs[R_FS].base;
        break;
    case MSR_GS_BASE:
        v = env->segs[R_GS].base;
        break;
    case MSR_KERNEL_GS_BASE:
        v = env->kernel_gs_base;
        break;
    case MSR_TSC_AUX:
        v = env->tsc_aux;
        break;
    case MSR_MTRRCAP:
        if (!cpu_model_has(&env->model, "mtrr")) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        v = MTRRCAP_VALUE;
        break;
    default: {
        if (cpu_mca_rdmsr(env, msr, &v)) {
            break;
        }
        uint64_t *r = mtrr_reg(env, msr);
        if (!r) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        v = *r;
        break;
    }
    }
    set_reg32(env, R_EAX, (uint32_t)v);
    set_reg32(env, R_EDX, (uint32_t)(v >> 32));
}

/* A PAT entry must name a memory type: 0, 1, 4, 5, 6 or 7 (SDM Vol. 3A
 * 11.12.2). */
static bool pat_valid(uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        unsigned t = (v >> (8 * i)) & 0xff;
        if (t == 2 || t == 3 || t > 7) {
            return false;
        }
    }
    return true;
}

static void write_efer(CpuState *env, uint64_t v)
{
    if (v & ~(efer_valid(env) | EFER_LMA)) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    /* LME may not change while paging is on (SDM Vol. 3A 9.8.5). */
    if ((env->cr[0] & CR0_PG) && ((v ^ env->efer) & EFER_LME)) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    uint64_t old = env->efer;
    env->efer = (v & efer_valid(env)) | (old & EFER_LMA); /* LMA is read-only */
    if ((old ^ env->efer) & EFER_NXE) {
        tlb_flush_all(&env->tlb);
        exec_jmp_cache_clear(&env->exec);
    }
    cpu_update_hflags(env);
}

void helper_wrmsr(CpuState *env)
{
    check_cpl0(env);
    uint32_t msr = (uint32_t)env->regs[R_ECX];
    uint64_t v = (env->regs[R_EDX] << 32) | (uint32_t)env->regs[R_EAX];
    switch (msr) {
    case MSR_TSC:
        env->tsc_offset = v - virtual_clock_ns();
        break;
    case MSR_APIC_BASE:
        /* Bits 12-39 base, 11 enable, 8 BSP (read-only); the rest reserved. */
        if (v & ~(uint64_t)0xfffffff900ull) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        v = (v & ~(uint64_t)(1u << 8)) | (env->apic_base & (1u << 8));
        if (v != env->apic_base) {
            env->apic_base = v;
            if (env->apic.base_write) {
                env->apic.base_write(env->apic.opaque, v);
            }
            /* The APIC's page moved or went: nothing cached may hide it. */
            tlb_flush_all(&env->tlb);
            exec_jmp_cache_clear(&env->exec);
        }
        break;
    case MSR_TSC_DEADLINE:
        if (!cpu_model_has(&env->model, "tsc-deadline")) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        write_tsc_deadline(env, v);
        break;
    case MSR_SYSENTER_CS:
        env->sysenter_cs = v & 0xffff;
        break;
    case MSR_SYSENTER_ESP:
    case MSR_SYSENTER_EIP:
    case MSR_LSTAR:
    case MSR_CSTAR:
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_KERNEL_GS_BASE:
        if (!canonical(v)) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        switch (msr) {
        case MSR_SYSENTER_ESP:
            env->sysenter_esp = v;
            break;
        case MSR_SYSENTER_EIP:
            env->sysenter_eip = v;
            break;
        case MSR_LSTAR:
            env->lstar = v;
            break;
        case MSR_CSTAR:
            env->cstar = v;
            break;
        case MSR_FS_BASE:
            env->segs[R_FS].base = v;
            break;
        case MSR_GS_BASE:
            env->segs[R_GS].base = v;
            break;
        default:
            env->kernel_gs_base = v;
            break;
        }
        break;
    case MSR_MISC_ENABLE:
        env->misc_enable = v;
        break;
    case MSR_PAT:
        if (!pat_valid(v)) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        env->pat = v;
        break;
    case MSR_EFER:
        write_efer(env, v);
        break;
    case MSR_STAR:
        env->star = v;
        break;
    case MSR_FMASK:
        env->fmask = v & 0xffffffffull;
        break;
    case MSR_TSC_AUX:
        if (v >> 32) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        env->tsc_aux = v;
        break;
    default: {
        if (cpu_mca_wrmsr(env, msr, v)) {
            break;
        }
        uint64_t *r = mtrr_reg(env, msr);
        if (!r || !mtrr_write_ok(msr, v)) {
            cpu_raise_exception_err(env, EXC_GP, 0); /* MTRRcap is read-only */
        }
        *r = v;
        break;
    }
    }
}

/* ---- control and debug registers --------------------------------------------- */

static void flush_all(CpuState *env)
{
    tlb_flush_all(&env->tlb);
    exec_jmp_cache_clear(&env->exec);
}

/* MOV to CR0 (SDM Vol. 3A 2.5 and 9.8.5 for the long-mode transitions). */
static void write_cr0(CpuState *env, uint64_t v)
{
    uint64_t old = env->cr[0];
    if (v >> 32) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    v |= CR0_ET; /* hardwired to 1 since the i486 */
    if (((v & CR0_PG) && !(v & CR0_PE)) || ((v & CR0_NW) && !(v & CR0_CD))) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    if ((v & CR0_PG) && !(old & CR0_PG) && (env->efer & EFER_LME)) {
        /* Entering IA-32e mode needs PAE and a code segment with L = 0. */
        if (!(env->cr[4] & CR4_PAE) || (env->segs[R_CS].attr & SEG_ATTR_L)) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        env->efer |= EFER_LMA;
    }
    if (!(v & CR0_PG) && (old & CR0_PG) && (env->efer & EFER_LMA)) {
        /* Leaving IA-32e mode only from compatibility mode. */
        if (env->hflags & HF_CS64) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        env->efer &= ~EFER_LMA;
    }
    env->cr[0] = v;
    if ((old ^ v) & (CR0_PG | CR0_WP | CR0_PE)) {
        flush_all(env);
    }
    cpu_update_hflags(env);
}

static void write_cr4(CpuState *env, uint64_t v)
{
    uint64_t old = env->cr[4];
    if (v & ~cr4_valid(env)) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    if ((env->efer & EFER_LMA) && !(v & CR4_PAE)) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    env->cr[4] = v;
    if (old != v) {
        flush_all(env);
    }
    cpu_update_hflags(env);
}

uint64_t helper_read_cr(CpuState *env, uint32_t reg)
{
    check_cpl0(env);
    switch (reg) {
    case 0:
    case 2:
    case 3:
    case 4:
        return env->cr[reg];
    case 8:
        if (env->apic.cr8_read) {
            return env->apic.cr8_read(env->apic.opaque);
        }
        return env->cr8;
    default:
        cpu_raise_exception(env, EXC_UD);
    }
}

void helper_write_cr(CpuState *env, uint32_t reg, uint64_t value)
{
    check_cpl0(env);
    switch (reg) {
    case 0:
        write_cr0(env, value);
        break;
    case 2:
        env->cr[2] = value;
        break;
    case 3:
        /* Bits above MAXPHYADDR are reserved in IA-32e mode (SDM Vol. 3A
         * 4.5); outside it only the low 32 bits exist. */
        if (env->efer & EFER_LMA) {
            if (value >> PAGING_MAXPHYADDR) {
                cpu_raise_exception_err(env, EXC_GP, 0);
            }
        } else {
            value &= 0xffffffffull;
        }
        env->cr[3] = value;
        /* Non-global translations go (SDM Vol. 3A 4.10.4.1). */
        tlb_flush_nonglobal(&env->tlb);
        exec_jmp_cache_clear(&env->exec);
        break;
    case 4:
        write_cr4(env, value);
        break;
    case 8:
        if (value & ~0xfull) {
            cpu_raise_exception_err(env, EXC_GP, 0);
        }
        if (env->apic.cr8_write) {
            env->apic.cr8_write(env->apic.opaque, (uint8_t)value);
        } else {
            env->cr8 = value;
        }
        break;
    default:
        cpu_raise_exception(env, EXC_UD);
    }
}

/* DR4/DR5 alias DR6/DR7 unless CR4.DE (then #UD) (SDM Vol. 3A 17.2.2). */
static uint32_t dr_index(CpuState *env, uint32_t reg)
{
    if (reg == 4 || reg == 5) {
        if (env->cr[4] & CR4_DE) {
            cpu_raise_exception(env, EXC_UD);
        }
        return reg + 2;
    }
    if (reg > 7) {
        cpu_raise_exception(env, EXC_UD);
    }
    return reg;
}

uint64_t helper_read_dr(CpuState *env, uint32_t reg)
{
    check_cpl0(env);
    uint32_t i = dr_index(env, reg);
    cpu_check_general_detect(env);
    return env->dr[i];
}

void helper_write_dr(CpuState *env, uint32_t reg, uint64_t value)
{
    check_cpl0(env);
    uint32_t i = dr_index(env, reg);
    cpu_check_general_detect(env);
    if (i >= 6 && (value >> 32)) {
        cpu_raise_exception_err(env, EXC_GP, 0);
    }
    if (i == 6) {
        /* Reserved bits read as 1s except bit 12 (SDM Vol. 3A 17.2.3). */
        value = (value & 0xe00f) | 0xffff0ff0ull;
    } else if (i == 7) {
        value = (value & ~0xd800ull) | 0x400;
    } else if (!(env->hflags & HF_LMA)) {
        value &= 0xffffffffull;
    }
    uint64_t old_dr7 = env->dr[7];
    env->dr[i] = value;
    if (i != 6) {
        cpu_debug_regs_changed(env, old_dr7);
    }
}

void helper_clts(CpuState *env)
{
    check_cpl0(env);
    env->cr[0] &= ~CR0_TS;
    cpu_update_hflags(env);
}

void helper_lmsw(CpuState *env, uint32_t value)
{
    check_cpl0(env);
    /* Only PE, MP, EM and TS; PE can be set but not cleared (SDM Vol. 2A LMSW). */
    uint64_t cr0 = (env->cr[0] & ~0xeull) | (value & 0xf) | (env->cr[0] & CR0_PE);
    write_cr0(env, cr0);
}

void helper_invlpg(CpuState *env, uint64_t la)
{
    check_cpl0(env);
    tlb_flush_page(&env->tlb, la);
    exec_jmp_cache_clear(&env->exec);
}

/* LGDT/LIDT: limit then base; 24 bits of base with a 16-bit operand,
 * 8 bytes in 64-bit mode (SDM Vol. 2A LGDT/LIDT). */
static DescTable load_table_reg(CpuState *env, uint64_t la, uint32_t op_size)
{
    check_cpl0(env);
    unsigned idx = cpu_mmu_index(env);
    DescTable t;
    t.limit = (uint32_t)cpu_ld(env, la, 2, idx);
    if (env->hflags & HF_CS64) {
        t.base = cpu_ld(env, la + 2, 8, idx);
    } else {
        t.base = cpu_ld(env, la + 2, 4, idx);
        if (op_size == 2) {
            t.base &= 0xffffff;
        }
    }
    return t;
}

static void store_table_reg(CpuState *env, uint64_t la, const DescTable *t)
{
    unsigned idx = cpu_mmu_index(env);
    /* Probe both parts first, so a fault leaves memory untouched. */
    unsigned base_size = env->hflags & HF_CS64 ? 8 : 4;
    cpu_host_ptr(env, la, 1, ACCESS_WRITE, idx);
    cpu_host_ptr(env, la + 1 + base_size, 1, ACCESS_WRITE, idx);
    cpu_st(env, la, t->limit & 0xffff, 2, idx);
    /* The full 32-bit base is stored with either operand size on
     * Pentium-class and later processors (SDM Vol. 2B SGDT). */
    cpu_st(env, la + 2, base_size == 8 ? t->base : t->base & 0xffffffffull, base_size, idx);
}

void helper_lgdt(CpuState *env, uint64_t la, uint32_t op_size)
{
    env->gdt = load_table_reg(env, la, op_size);
}

void helper_lidt(CpuState *env, uint64_t la, uint32_t op_size)
{
    env->idt = load_table_reg(env, la, op_size);
}

void helper_sgdt(CpuState *env, uint64_t la, uint32_t op_size)
{
    (void)op_size;
    store_table_reg(env, la, &env->gdt);
}

void helper_sidt(CpuState *env, uint64_t la, uint32_t op_size)
{
    (void)op_size;
    store_table_reg(env, la, &env->idt);
}
