/*
 * lift_system.c — system and I/O instructions, mostly calls to the runtime
 * helpers (frontend/helpers.h): software interrupts, HLT, CPUID, RDTSC,
 * MSRs, control and debug registers, descriptor tables, segment register
 * loads, CLI/STI, IN/OUT, BCD adjustments, SWAPGS.
 *
 * What is decided by the TB's mode flags is decided here: CPL 0 for the
 * privileged instructions (#GP(0), SDM Vol. 3A 5.9; virtual-8086 mode runs
 * at CPL 3), and LLDT/LTR/SLDT/STR being #UD in real and virtual-8086 mode.
 * Every instruction that may change what a TB was translated under
 * (segment loads, CR writes, IF/TF/IOPL, descriptor tables) ends the TB
 * with rip = next EIP and an exit to the loop (s->end_loop).
 */
#include "frontend/translate_internal.h"

#include <stddef.h>
#include <string.h>

/* #GP(0) unless CPL 0. Returns whether the instruction may go on. */
static bool require_cpl0(DisasContext *s)
{
    if (s->cpl != 0 || (s->flags & HF_VM86)) {
        lift_raise_err(s, EXC_GP, 0);
        return false;
    }
    return true;
}

/* #UD in real-address and virtual-8086 mode. */
static bool require_protected(DisasContext *s)
{
    if (!(s->flags & HF_PE) || (s->flags & HF_VM86)) {
        lift_raise(s, EXC_UD);
        return false;
    }
    return true;
}

static size_t seg_field(unsigned seg, size_t field)
{
    return offsetof(CpuState, segs) + seg * sizeof(SegCache) + field;
}

void lift_ud(DisasContext *s, const X86Insn *in)
{
    (void)in;
    lift_raise(s, EXC_UD);
}

/* INT n, INT3, INTO (when OF), INT1/ICEBP: software interrupts returning
 * to the next instruction. INT n in virtual-8086 mode with IOPL < 3 is
 * #GP(0) (SDM Vol. 3A 20.3.3, without VME). */
void lift_int(DisasContext *s, const X86Insn *in)
{
    IrTemp next = lift_const(s, s->next_eip);
    switch (in->mnem) {
    case X86_I_INT:
        if ((s->flags & HF_VM86) && (s->flags & HF_IOPL_MASK) != HF_IOPL_MASK) {
            lift_raise_err(s, EXC_GP, 0);
            return;
        }
        lift_call2(s, &helper_raise_interrupt_desc, lift_const(s, (uint64_t)in->imm & 0xff), next);
        break;
    case X86_I_INT3:
        lift_call2(s, &helper_raise_interrupt_desc, lift_const(s, EXC_BP), next);
        break;
    case X86_I_INT1:
        lift_call1(s, &helper_icebp_desc, next);
        break;
    default: { /* INTO */
        LiftCond c = lift_cond(s, JCC_NO);
        IrLabel no = ir_label_new(s->f);
        lift_brcond(s, c.cond, c.a, c.b, no);
        lift_call2(s, &helper_raise_interrupt_desc, lift_const(s, EXC_OF),
                   lift_const(s, s->next_eip));
        lift_exit_to(s, s->next_eip);
        lift_label(s, no);
        s->ended = false; /* not taken: the TB goes on */
        return;
    }
    }
    lift_exit_to(s, s->next_eip);
}

void lift_hlt(DisasContext *s, const X86Insn *in)
{
    (void)in;
    if (!require_cpl0(s)) {
        return;
    }
    lift_call1(s, &helper_hlt_desc, lift_const(s, s->next_eip));
    lift_exit_to(s, s->next_eip);
}

void lift_cpuid(DisasContext *s, const X86Insn *in)
{
    (void)in;
    lift_call0(s, &helper_cpuid_desc);
}

/* #UD unless the CPU model announces feature (QEMU checks these too). */
static bool require_feature(DisasContext *s, const char *feature)
{
    if (!cpu_model_has(&s->env->model, feature)) {
        lift_raise(s, EXC_UD);
        return false;
    }
    return true;
}

/* #GP(0) for SGDT, SIDT, SLDT, SMSW and STR above CPL 0 under CR4.UMIP
 * (SDM Vol. 3A 2.5). */
static bool umip_allows(DisasContext *s)
{
    if ((s->flags & HF_UMIP) && (s->cpl != 0 || (s->flags & HF_VM86))) {
        lift_raise_err(s, EXC_GP, 0);
        return false;
    }
    return true;
}

void lift_rdtsc(DisasContext *s, const X86Insn *in)
{
    if (in->mnem == X86_I_RDTSCP && !require_feature(s, "rdtscp")) {
        return;
    }
    lift_call0(s, in->mnem == X86_I_RDTSC ? &helper_rdtsc_desc : &helper_rdtscp_desc);
}

void lift_msr(DisasContext *s, const X86Insn *in)
{
    if (!require_cpl0(s)) {
        return;
    }
    if (in->mnem == X86_I_RDMSR) {
        lift_call0(s, &helper_rdmsr_desc);
        return;
    }
    lift_call0(s, &helper_wrmsr_desc);
    s->end_loop = true;
}

/* MOV to/from CRn: the register operand is 32 or 64 bits by mode. */
void lift_mov_cr(DisasContext *s, const X86Insn *in)
{
    if (!require_cpl0(s)) {
        return;
    }
    if (in->ops[1].reg >= X86_R_CR0 && in->ops[1].reg <= X86_R_CR15) {
        IrTemp v = lift_call1(s, &helper_read_cr_desc, lift_const(s, in->ops[1].reg - X86_R_CR0));
        lift_reg_write(s, in->ops[0].reg, v);
        return;
    }
    IrTemp v = lift_reg_read(s, in->ops[1].reg);
    lift_call2(s, &helper_write_cr_desc, lift_const(s, in->ops[0].reg - X86_R_CR0), v);
    s->end_loop = true;
}

void lift_mov_dr(DisasContext *s, const X86Insn *in)
{
    if (!require_cpl0(s)) {
        return;
    }
    if (in->ops[1].reg >= X86_R_DR0 && in->ops[1].reg <= X86_R_DR15) {
        IrTemp v = lift_call1(s, &helper_read_dr_desc, lift_const(s, in->ops[1].reg - X86_R_DR0));
        lift_reg_write(s, in->ops[0].reg, v);
        return;
    }
    IrTemp v = lift_reg_read(s, in->ops[1].reg);
    lift_call2(s, &helper_write_dr_desc, lift_const(s, in->ops[0].reg - X86_R_DR0), v);
    s->end_loop = true;
}

void lift_clts(DisasContext *s, const X86Insn *in)
{
    (void)in;
    if (!require_cpl0(s)) {
        return;
    }
    lift_call0(s, &helper_clts_desc);
    s->end_loop = true;
}

void lift_lmsw(DisasContext *s, const X86Insn *in)
{
    (void)in;
    if (!require_cpl0(s)) {
        return;
    }
    lift_call1(s, &helper_lmsw_desc, lift_load_op(s, 0));
    s->end_loop = true;
}

/* SMSW: CR0's low bits; a register destination gets the operand size
 * (upper bits of CR0 included, as processors do), memory 16 bits. */
void lift_smsw(DisasContext *s, const X86Insn *in)
{
    (void)in;
    if (!umip_allows(s)) {
        return;
    }
    lift_store_op(s, 0, lift_ld_env(s, offsetof(CpuState, cr), 8));
}

/* LGDT LIDT SGDT SIDT: the pseudo-descriptor is 10 bytes in 64-bit mode
 * whatever the operand size. */
void lift_desc_table(DisasContext *s, const X86Insn *in)
{
    const IrHelper *h;
    bool load = in->mnem == X86_I_LGDT || in->mnem == X86_I_LIDT;
    if (load && !require_cpl0(s)) {
        return;
    }
    if (!load && !umip_allows(s)) {
        return;
    }
    switch (in->mnem) {
    case X86_I_LGDT:
        h = &helper_lgdt_desc;
        break;
    case X86_I_LIDT:
        h = &helper_lidt_desc;
        break;
    case X86_I_SGDT:
        h = &helper_sgdt_desc;
        break;
    default:
        h = &helper_sidt_desc;
        break;
    }
    lift_call2(s, h, lift_ea(s), lift_const(s, s->code64 ? 8 : in->op_size));
    if (load) {
        s->end_loop = true;
    }
}

void lift_lldt_ltr(DisasContext *s, const X86Insn *in)
{
    if (!require_protected(s) || !require_cpl0(s)) {
        return;
    }
    IrTemp sel = lift_load_op(s, 0);
    lift_call1(s, in->mnem == X86_I_LLDT ? &helper_lldt_desc : &helper_ltr_desc, sel);
    s->end_loop = true;
}

void lift_sldt_str(DisasContext *s, const X86Insn *in)
{
    if (!require_protected(s) || !umip_allows(s)) {
        return;
    }
    size_t off = in->mnem == X86_I_SLDT ? offsetof(CpuState, ldt) : offsetof(CpuState, tr);
    lift_store_op(s, 0, lift_ld_env(s, off + offsetof(SegCache, selector), 2));
}

void lift_invlpg(DisasContext *s, const X86Insn *in)
{
    (void)in;
    if (!require_cpl0(s)) {
        return;
    }
    lift_call1(s, &helper_invlpg_desc, lift_ea(s));
    s->end_loop = true;
}

/* MOV Sreg, r/m loads through helper_load_seg and ends the TB (hflags; the
 * interrupt shadow of MOV SS); MOV r/m, Sreg reads the selector. */
void lift_mov_seg(DisasContext *s, const X86Insn *in)
{
    const X86Operand *d = &in->ops[0];
    if (d->kind == X86_OPND_REG && d->reg >= X86_R_ES && d->reg <= X86_R_GS) {
        IrTemp sel = lift_load_op(s, 1);
        lift_call2(s, &helper_load_seg_desc, lift_const(s, d->reg - X86_R_ES), sel);
        s->end_loop = true;
        return;
    }
    unsigned seg = in->ops[1].reg - X86_R_ES;
    lift_store_op(s, 0, lift_ld_env(s, seg_field(seg, offsetof(SegCache, selector)), 2));
}

/* LDS LES LFS LGS LSS: offset, then selector, from m16:16/32/64. The
 * segment is loaded (and may fault) before the register is written. */
void lift_lxs(DisasContext *s, const X86Insn *in)
{
    unsigned seg;
    switch (in->mnem) {
    case X86_I_LES:
        seg = R_ES;
        break;
    case X86_I_LDS:
        seg = R_DS;
        break;
    case X86_I_LSS:
        seg = R_SS;
        break;
    case X86_I_LFS:
        seg = R_FS;
        break;
    default:
        seg = R_GS;
        break;
    }
    unsigned size = in->ops[0].size;
    IrTemp ea = lift_ea(s);
    IrTemp off = lift_qld(s, ea, size, false);
    IrTemp sea = lift_op2i(s, IR_ADD, ea, size);
    if (!s->code64) {
        sea = lift_op1(s, IR_EXT32U, sea);
    }
    IrTemp sel = lift_qld(s, sea, 2, false);
    lift_call2(s, &helper_load_seg_desc, lift_const(s, seg), sel);
    lift_reg_write(s, in->ops[0].reg, off);
    s->end_loop = true;
}

void lift_cli_sti(DisasContext *s, const X86Insn *in)
{
    lift_call0(s, in->mnem == X86_I_CLI ? &helper_cli_desc : &helper_sti_desc);
    s->end_loop = true;
}

/* IN/OUT with an imm8 port or DX. */
void lift_in_out(DisasContext *s, const X86Insn *in)
{
    bool is_in = in->mnem == X86_I_IN;
    const X86Operand *port_op = &in->ops[is_in ? 1 : 0];
    const X86Operand *data = &in->ops[is_in ? 0 : 1];
    IrTemp port = port_op->kind == X86_OPND_IMM ? lift_const(s, (uint64_t)in->imm & 0xff)
                                                : lift_gpr_read(s, R_EDX, 2);
    IrTemp size = lift_const(s, data->size);
    if (is_in) {
        IrTemp v = lift_call2(s, &helper_in_desc, port, size);
        lift_reg_write(s, data->reg, v);
    } else {
        lift_call3(s, &helper_out_desc, port, lift_reg_read(s, data->reg), size);
        /* A device may remap memory or DMA over code (PAM, fw_cfg): the
         * next instruction is fetched anew (the board drops the stale
         * translations while the OUT runs). */
        s->end_next = true;
    }
}

void lift_bcd(DisasContext *s, const X86Insn *in)
{
    switch (in->mnem) {
    case X86_I_DAA:
        lift_call0(s, &helper_daa_desc);
        break;
    case X86_I_DAS:
        lift_call0(s, &helper_das_desc);
        break;
    case X86_I_AAA:
        lift_call0(s, &helper_aaa_desc);
        break;
    case X86_I_AAS:
        lift_call0(s, &helper_aas_desc);
        break;
    case X86_I_AAM:
        lift_call1(s, &helper_aam_desc, lift_const(s, (uint64_t)in->imm & 0xff));
        s->cc_op = CC_OP_DYNAMIC;
        return;
    default: /* AAD */
        lift_call1(s, &helper_aad_desc, lift_const(s, (uint64_t)in->imm & 0xff));
        s->cc_op = CC_OP_DYNAMIC;
        return;
    }
    s->cc_op = CC_OP_EFLAGS;
}

/* SWAPGS (64-bit mode only, CPL 0): exchange GS.base and IA32_KERNEL_GS_BASE. */
void lift_swapgs(DisasContext *s, const X86Insn *in)
{
    (void)in;
    if (!require_cpl0(s)) {
        return;
    }
    size_t gs = seg_field(R_GS, offsetof(SegCache, base));
    IrTemp a = lift_ld_env(s, gs, 8);
    IrTemp b = lift_ld_env(s, offsetof(CpuState, kernel_gs_base), 8);
    lift_st_env(s, gs, b, 8);
    lift_st_env(s, offsetof(CpuState, kernel_gs_base), a, 8);
}

/* WBINVD, INVD: privileged, and nothing to do without modelled caches. */
void lift_priv_nop(DisasContext *s, const X86Insn *in)
{
    (void)in;
    require_cpl0(s);
}

/* SYSCALL, SYSRET, SYSENTER, SYSEXIT: the helper checks and sets rip. */
void lift_fast_syscall(DisasContext *s, const X86Insn *in)
{
    /* AMD CPUs have no SYSENTER/SYSEXIT in 64-bit mode (AMD APM Vol. 3
     * SYSENTER: #UD in long mode); QEMU follows the vendor string. */
    bool sysenter = in->mnem == X86_I_SYSENTER || in->mnem == X86_I_SYSEXIT;
    if (sysenter && s->code64 && strcmp(s->env->model.vendor, "GenuineIntel") != 0) {
        lift_raise(s, EXC_UD);
        return;
    }
    switch (in->mnem) {
    case X86_I_SYSCALL:
        lift_call1(s, &helper_syscall_desc, lift_const(s, s->next_eip));
        break;
    case X86_I_SYSRET:
        lift_call1(s, &helper_sysret_desc, lift_const(s, in->op_size));
        break;
    case X86_I_SYSENTER:
        lift_call0(s, &helper_sysenter_desc);
        break;
    default: /* SYSEXIT */
        lift_call1(s, &helper_sysexit_desc, lift_const(s, in->op_size));
        break;
    }
    s->cc_op = CC_OP_DYNAMIC;
    lift_exit_nochain(s);
}

/* ZF = z (0 or 1), the other arithmetic flags kept. */
static void set_zf_only(DisasContext *s, IrTemp z)
{
    IrTemp fl = lift_op2i(s, IR_AND, lift_eflags(s), ~(uint64_t)EFLAGS_ZF);
    lift_flags_eflags(s, lift_op2(s, IR_OR, fl, lift_op2i(s, IR_SHL, z, 6)));
}

/* LAR, LSL: ZF says whether the selector passed the checks; only then is
 * the destination written (at its operand size). */
void lift_lar_lsl(DisasContext *s, const X86Insn *in)
{
    if (!require_protected(s)) {
        return;
    }
    IrTemp sel = lift_load_op(s, 1);
    IrTemp r = lift_call1(s, in->mnem == X86_I_LAR ? &helper_lar_desc : &helper_lsl_desc, sel);
    IrTemp ok = lift_op2i(s, IR_SHR, r, 32);
    unsigned size = in->ops[0].size;
    unsigned n = in->ops[0].reg - (size == 2 ? X86_R_AX : size == 4 ? X86_R_EAX : X86_R_RAX);
    IrTemp old = lift_gpr_read(s, n, 8);
    IrTemp merged = lift_gpr_merge(s, n, size, lift_op2i(s, IR_AND, r, 0xffffffffu));
    IrTemp v = lift_movcond(s, IR_COND_NE, ok, lift_const(s, 0), merged, old);
    set_zf_only(s, ok);
    lift_mov(s, lift_gpr(n), v);
}

/* VERR, VERW: ZF only. */
void lift_verr_verw(DisasContext *s, const X86Insn *in)
{
    if (!require_protected(s)) {
        return;
    }
    IrTemp sel = lift_load_op(s, 0);
    IrTemp z = lift_call1(s, in->mnem == X86_I_VERR ? &helper_verr_desc : &helper_verw_desc, sel);
    set_zf_only(s, z);
}

/* ARPL r/m16, r16 (SDM Vol. 2A ARPL): raise the destination's RPL to the
 * source's, ZF = whether it changed. Protected mode only (#UD otherwise;
 * in 64-bit mode the opcode is MOVSXD). */
void lift_arpl(DisasContext *s, const X86Insn *in)
{
    if (!require_protected(s)) {
        return;
    }
    IrTemp dst = lift_load_op(s, 0);
    IrTemp src = lift_load_op(s, 1);
    IrTemp drpl = lift_op2i(s, IR_AND, dst, 3);
    IrTemp srpl = lift_op2i(s, IR_AND, src, 3);
    IrTemp raise = lift_setcond(s, IR_COND_LTU, drpl, srpl);
    IrTemp raised = lift_op2(s, IR_OR, lift_op2i(s, IR_AND, dst, 0xfffc), srpl);
    IrTemp v = lift_movcond(s, IR_COND_NE, raise, lift_const(s, 0), raised, dst);
    lift_store_op(s, 0, v);
    set_zf_only(s, raise);
}

/* RDFSBASE, RDGSBASE, WRFSBASE, WRGSBASE (SDM Vol. 2C): 64-bit mode only,
 * with CR4.FSGSBASE (else #UD); a 32-bit operand reads the low half or
 * writes a zero-extended base; a non-canonical 64-bit base is #GP(0). */
void lift_fsgsbase(DisasContext *s, const X86Insn *in)
{
    if (!s->code64 || !(s->flags & HF_FSGSBASE)) {
        lift_raise(s, EXC_UD);
        return;
    }
    if (!require_feature(s, "fsgsbase")) {
        return;
    }
    bool fs = in->mnem == X86_I_RDFSBASE || in->mnem == X86_I_WRFSBASE;
    size_t base = seg_field(fs ? R_FS : R_GS, offsetof(SegCache, base));
    unsigned size = in->ops[0].size;
    if (in->mnem == X86_I_RDFSBASE || in->mnem == X86_I_RDGSBASE) {
        lift_store_op(s, 0, lift_trunc(s, lift_ld_env(s, base, 8), size));
        return;
    }
    IrTemp v = lift_load_op(s, 0);
    if (size == 8) {
        lift_call1(s, &helper_check_canonical_desc, v);
    }
    lift_st_env(s, base, v, 8);
}
