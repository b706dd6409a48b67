/*
 * cpu.c — the CPU as a whole: power-on reset, the boot states the loaders
 * ask for, the hflags cache of the translation mode, and the CPU-state
 * layout the backends compile against.
 *
 * The processor rx86 models reports itself as QEMU's "qemu64" does
 * (AuthenticAMD, family 15 model 107 stepping 1: signature 0x00060fb1), so
 * a -d cpu log diffs line by line against qemu-system-x86_64's.
 */
#include "frontend/helpers_internal.h"
#include "system/loader.h"

#include <stddef.h>
#include <string.h>


void cpu_init(CpuState *env, AddressSpace *mem, const CodePages *code, const CpuBus *bus)
{
    env->mem = mem;
    if (bus) {
        env->bus = *bus;
    } else {
        memset(&env->bus, 0, sizeof(env->bus));
    }
    tlb_init(&env->tlb, mem, code);
    cpu_reset(env);
}

static void set_seg(SegCache *s, uint16_t selector, uint64_t base, uint32_t limit, uint16_t attr)
{
    s->selector = selector;
    s->base = base;
    s->limit = limit;
    s->attr = attr;
}

/* Attributes after reset (SDM Vol. 3A Table 9-1): present, accessed,
 * read/write data or execute/read code; LDTR a present LDT, TR a busy TSS. */
#define RESET_ATTR_DATA (SEG_ATTR_P | SEG_ATTR_S | 0x3)
#define RESET_ATTR_CODE (SEG_ATTR_P | SEG_ATTR_S | 0xb)
#define RESET_ATTR_LDT (SEG_ATTR_P | SYS_LDT)
#define RESET_ATTR_TR (SEG_ATTR_P | SYS_TSS32_BUSY)

void cpu_reset(CpuState *env)
{
    if (env->model.vendor[0] == '\0') {
        cpu_model_default(&env->model); /* never chosen: the default model */
    }
    memset(env->regs, 0, sizeof(env->regs));
    /* EDX after reset is CPUID.1:EAX (SDM Vol. 3A 9.1.4). */
    env->regs[R_EDX] = cpu_model_signature(&env->model);
    env->mtrr_deftype = 0;
    memset(env->mtrr_fixed, 0, sizeof(env->mtrr_fixed));
    memset(env->mtrr_var, 0, sizeof(env->mtrr_var));
    cpu_mca_reset(env);
    env->rip = 0xfff0;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = 0;
    env->cc_dst = 0;
    env->cc_src2 = 0;
    env->df = 1;
    env->eflags = EFLAGS_FIXED1;
    env->hflags = 0;

    for (int i = 0; i < SEG_COUNT; i++) {
        set_seg(&env->segs[i], 0, 0, 0xffff, RESET_ATTR_DATA);
    }
    set_seg(&env->segs[R_CS], 0xf000, 0xffff0000ull, 0xffff, RESET_ATTR_CODE);
    set_seg(&env->ldt, 0, 0, 0xffff, RESET_ATTR_LDT);
    set_seg(&env->tr, 0, 0, 0xffff, RESET_ATTR_TR);
    env->gdt = (DescTable){0, 0xffff};
    env->idt = (DescTable){0, 0xffff};

    memset(env->cr, 0, sizeof(env->cr));
    env->cr[0] = CR0_CD | CR0_NW | CR0_ET;
    env->cr8 = 0;
    env->efer = 0;
    env->xcr0 = 1; /* x87 state always enabled (SDM Vol. 1 13.3) */
    /* FPU and SSE at power-up (SDM Vol. 3A 9.1.1, Table 9-1) */
    memset(&env->fpu, 0, sizeof(env->fpu));
    env->fpu.fcw = 0x0040;
    memset(env->xmm, 0, sizeof(env->xmm));
    env->mxcsr = 0x1f80;
    memset(env->dr, 0, sizeof(env->dr));
    env->dr[6] = 0xffff0ff0;
    env->dr[7] = 0x400;
    env->star = env->lstar = env->cstar = env->fmask = env->kernel_gs_base = 0;
    env->sysenter_cs = env->sysenter_esp = env->sysenter_eip = 0;
    env->tsc_aux = 0;
    env->pat = 0x0007040600070406ull; /* SDM Vol. 3A 11.12.4: the power-up PAT */
    /* The bootstrap processor's local APIC at its default base, enabled
     * (SDM Vol. 3A 10.4.4). */
    env->apic_base = 0xfee00000ull | (1u << 11) | (1u << 8);
    env->misc_enable = 1; /* fast strings, as QEMU reports */
    env->tsc_offset = 0;
    env->a20_mask = ~0ull;

    env->exception_index = -1;
    env->error_code = 0;
    env->error_code_valid = false;
    env->exception_is_int = false;
    env->exception_next_rip = 0;
    env->halted = false;
    env->nmi_blocked = false;
    env->dbg_pending = 0;
    env->shutdown_request = false;
    atomic_store(&env->interrupt_request, 0);

    tlb_flush_all(&env->tlb);
    cpu_update_hflags(env);
}

/* The MTRRs as SeaBIOS leaves them on QEMU (SDM Vol. 3A 11.11): default
 * type WB with the fixed ranges on (IA32_MTRR_DEF_TYPE E, FE); the fixed
 * ranges WB below 640 KiB, UC for the video window, WP for the ROM area;
 * variable range 0 UC from uc_base (a power-of-two sized, aligned block
 * ending at 4 GiB) up. */
static void firmware_mtrrs(CpuState *env, uint64_t uc_base)
{
    const uint64_t wb = 0x0606060606060606ull, wp = 0x0505050505050505ull;
    env->mtrr_deftype = 0xc06; /* E | FE | WB */
    env->mtrr_fixed[0] = wb;   /* 64K_00000: 0-512 KiB */
    env->mtrr_fixed[1] = wb;   /* 16K_80000: 512-640 KiB */
    env->mtrr_fixed[2] = 0;    /* 16K_A0000: the video window, UC */
    for (int i = 3; i < 11; i++) {
        env->mtrr_fixed[i] = wp; /* 4K_C0000..4K_F8000: option ROMs, BIOS */
    }
    uint64_t size = (4ull << 30) - uc_base;
    uint64_t phys_mask = (1ull << PAGING_MAXPHYADDR) - 1;
    env->mtrr_var[0][0] = uc_base;                               /* type 0: UC */
    env->mtrr_var[0][1] = (~(size - 1) & phys_mask) | (1u << 11); /* valid */
}

void cpu_load_boot_state(CpuState *env, const BootState *bs)
{
    switch (bs->mode) {
    case BOOT_RESET_VECTOR:
        break;
    case BOOT_REAL_MODE:
        for (int i = 0; i < SEG_COUNT; i++) {
            seg_load_real(env, i, 0);
        }
        seg_load_real(env, R_CS, bs->cs);
        env->rip = bs->eip;
        env->regs[R_EAX] = bs->eax;
        env->regs[R_EBX] = bs->ebx;
        env->regs[R_EDX] = bs->edx;
        env->regs[R_ESP] = bs->esp;
        break;
    case BOOT_FLAT32:
        /* Multiboot 0.6.96 3.2: CS a 32-bit read/execute code segment with
         * offset 0 and limit 0xffffffff, the data segments likewise; CR0.PE
         * set, paging off, IF clear; EAX and EBX as given. The selectors
         * are the ones GRUB uses (0x10 code, 0x18 data); no GDT backs them,
         * so the kernel must load its own before reloading a segment. */
        for (int i = 0; i < SEG_COUNT; i++) {
            set_seg(&env->segs[i], 0x18, 0, 0xffffffffu,
                    RESET_ATTR_DATA | SEG_ATTR_DB | SEG_ATTR_G);
        }
        set_seg(&env->segs[R_CS], 0x10, 0, 0xffffffffu,
                RESET_ATTR_CODE | SEG_ATTR_DB | SEG_ATTR_G);
        env->cr[0] |= CR0_PE;
        env->rip = bs->eip;
        env->regs[R_EAX] = bs->eax;
        env->regs[R_EBX] = bs->ebx;
        env->regs[R_EDX] = bs->edx;
        env->regs[R_ESP] = bs->esp;
        env->eflags &= ~(uint64_t)(EFLAGS_IF | EFLAGS_VM);
        env->regs[R_ESI] = bs->esi;
        tlb_flush_all(&env->tlb);
        break;
    case BOOT_LONG64:
        /* The Linux boot protocol's 64-bit entry (Documentation/x86/
         * boot.rst, "64-bit Boot Protocol"): long mode with paging on the
         * loader's identity map, 4 GiB flat __BOOT_CS (0x10, 64-bit) and
         * __BOOT_DS (0x18) in a loaded GDT, interrupts off. */
        for (int i = 0; i < SEG_COUNT; i++) {
            set_seg(&env->segs[i], 0x18, 0, 0xffffffffu,
                    RESET_ATTR_DATA | SEG_ATTR_DB | SEG_ATTR_G);
        }
        set_seg(&env->segs[R_CS], 0x10, 0, 0xffffffffu,
                RESET_ATTR_CODE | SEG_ATTR_L | SEG_ATTR_G);
        env->cr[0] |= CR0_PE | CR0_PG;
        env->cr[3] = bs->cr3;
        env->cr[4] |= CR4_PAE;
        env->efer |= EFER_LME | EFER_LMA;
        env->rip = bs->rip;
        env->regs[R_ESI] = bs->esi;
        env->regs[R_ESP] = bs->esp;
        env->eflags &= ~(uint64_t)(EFLAGS_IF | EFLAGS_VM);
        tlb_flush_all(&env->tlb);
        break;
    }
    if (bs->gdt_limit) {
        env->gdt.base = bs->gdt_base;
        env->gdt.limit = bs->gdt_limit;
    }
    if (bs->mtrr_uc_base && cpu_model_has(&env->model, "mtrr")) {
        firmware_mtrrs(env, bs->mtrr_uc_base);
    }
    cpu_update_hflags(env);
}

/* A segment whose accesses need no checks: present read/write expand-up
 * data with a 4 GiB limit (real mode caches count as data; a code segment
 * never qualifies in protected mode, as it is never writable). */
static bool seg_is_flat_data(const SegCache *s, bool protected_mode)
{
    if (s->limit != 0xffffffffu) {
        return false;
    }
    if (!protected_mode) {
        return !(s->attr & DESC_TYPE_CODE) && !(s->attr & DESC_TYPE_E);
    }
    return (s->attr & SEG_ATTR_P) && (s->attr & SEG_ATTR_S) && !(s->attr & DESC_TYPE_CODE) &&
           (s->attr & DESC_TYPE_W) && !(s->attr & DESC_TYPE_E);
}

void cpu_update_hflags(CpuState *env)
{
    uint32_t hf = env->hflags & HF_INHIBIT; /* not derived from other state */
    uint64_t cr0 = env->cr[0], cr4 = env->cr[4];
    const SegCache *cs = &env->segs[R_CS], *ss = &env->segs[R_SS];
    bool pe = cr0 & CR0_PE;
    bool vm86 = pe && (env->eflags & EFLAGS_VM);
    bool lma = env->efer & EFER_LMA;
    bool cs64 = lma && (cs->attr & SEG_ATTR_L);

    /* CPL: 0 in real mode, 3 in virtual-8086 mode, else SS.DPL, which the
     * SDM keeps equal to the CPL at all times (Vol. 3C 26.3.1.5, the
     * guest-state checks) where CS.DPL is not for conforming code. */
    unsigned cpl = !pe ? 0 : vm86 ? 3 : seg_dpl(ss);
    hf |= cpl;
    if (pe) {
        hf |= HF_PE;
    }
    if (vm86) {
        hf |= HF_VM86;
    }
    if (cs64) {
        /* As QEMU: 64-bit code has CS32 and SS32 too (no 16-bit defaults). */
        hf |= HF_CS64 | HF_CS32 | HF_SS32;
    } else {
        /* From the caches' D/B bits in every mode, as the hardware keeps
         * them: real mode after protected mode without a 16-bit reload
         * keeps 32-bit defaults (SDM Vol. 3A 9.9.2 says to reload first). */
        if (!vm86 && (cs->attr & SEG_ATTR_DB)) {
            hf |= HF_CS32;
        }
        if (!vm86 && (ss->attr & SEG_ATTR_DB)) {
            hf |= HF_SS32;
        }
    }
    if (lma) {
        hf |= HF_LMA;
    }
    /* Outside 64-bit code, segment bases must be added unless DS, ES and
     * SS are all flat; in real mode, VM86 and 16-bit code always (the
     * offsets wrap at 64 KiB before the base is added). */
    if (!cs64) {
        if (!pe || vm86 || !(hf & HF_CS32) ||
            (env->segs[R_DS].base | env->segs[R_ES].base | ss->base) != 0) {
            hf |= HF_ADDSEG;
        }
        for (int i = 0; i < SEG_COUNT; i++) {
            if (!seg_is_flat_data(&env->segs[i], pe && !vm86)) {
                hf |= HF_SEGCHK(i);
            }
        }
        if (cs->limit != 0xffffffffu) {
            hf |= HF_CSLIM;
        }
    }
    if (env->eflags & EFLAGS_TF) {
        hf |= HF_TF;
    }
    if (cr0 & CR0_PG) {
        hf |= HF_PG;
    }
    if ((cr4 & CR4_SMAP) && !(env->eflags & EFLAGS_AC)) {
        hf |= HF_SMAP;
    }
    hf |= (uint32_t)((env->eflags & EFLAGS_IOPL) >> 12) << HF_IOPL_SHIFT;
    if (cr4 & (1ull << 9)) { /* CR4.OSFXSR */
        hf |= HF_OSFXSR;
    }
    if (cr0 & CR0_EM) {
        hf |= HF_EM;
    }
    if (cr0 & CR0_TS) {
        hf |= HF_TS;
    }
    if (cr0 & CR0_MP) {
        hf |= HF_MP;
    }
    if (env->eflags & EFLAGS_RF) {
        hf |= HF_RF;
    }
    if (cr4 & CR4_UMIP) {
        hf |= HF_UMIP;
    }
    if (cr4 & CR4_FSGSBASE) {
        hf |= HF_FSGSBASE;
    }
    env->hflags = hf;
}

void cpu_backend_config(BackendConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->exit_request = (int32_t)offsetof(CpuState, exec.exit_request);
    cfg->fault_pc = (int32_t)offsetof(CpuState, exec.fault_pc);
    cfg->jmp_cache = (int32_t)offsetof(CpuState, exec.jmp_cache);
    cfg->tlb_table = (int32_t)offsetof(CpuState, tlb.table);
    cfg->tlb_table_stride = (int32_t)sizeof(((CpuState *)0)->tlb.table[0]);
    cfg->tlb_entry_size = (int32_t)sizeof(TlbEntry);
    cfg->tlb_entries = TLB_SIZE;
    cfg->tlb_page_bits = TLB_PAGE_BITS;
    cfg->tlb_off_read = (int32_t)offsetof(TlbEntry, addr_read);
    cfg->tlb_off_write = (int32_t)offsetof(TlbEntry, addr_write);
    cfg->tlb_off_addend = (int32_t)offsetof(TlbEntry, addend);
    cfg->load_slow = cpu_load_slow;
    cfg->store_slow = cpu_store_slow;
}
