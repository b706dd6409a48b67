/*
 * lift_mov.c — data movement between registers and memory: MOV (general,
 * moffs, imm64; the segment/control/debug register forms are passed on to
 * lift_system.c), MOVZX/MOVSX/MOVSXD, LEA, XCHG, BSWAP, MOVBE, the sign
 * extensions of rAX (CBW family, CWD family), XLAT, SALC, the NOP forms and
 * the fences.
 */
#include "frontend/helpers_internal.h"
#include "frontend/translate_internal.h"

static bool is_seg(const X86Operand *o)
{
    return o->kind == X86_OPND_REG && o->reg >= X86_R_ES && o->reg <= X86_R_GS;
}

static bool is_cr(const X86Operand *o)
{
    return o->kind == X86_OPND_REG && o->reg >= X86_R_CR0 && o->reg <= X86_R_CR15;
}

static bool is_dr(const X86Operand *o)
{
    return o->kind == X86_OPND_REG && o->reg >= X86_R_DR0 && o->reg <= X86_R_DR15;
}

void lift_mov_insn(DisasContext *s, const X86Insn *in)
{
    if (is_seg(&in->ops[0]) || is_seg(&in->ops[1])) {
        lift_mov_seg(s, in);
        return;
    }
    if (is_cr(&in->ops[0]) || is_cr(&in->ops[1])) {
        lift_mov_cr(s, in);
        return;
    }
    if (is_dr(&in->ops[0]) || is_dr(&in->ops[1])) {
        lift_mov_dr(s, in);
        return;
    }
    lift_store_op(s, 0, lift_load_op(s, 1));
}

void lift_movzx(DisasContext *s, const X86Insn *in)
{
    lift_reg_write(s, in->ops[0].reg, lift_load_op(s, 1));
}

/* MOVSX, and MOVSXD (a plain 32-bit move without REX.W). */
void lift_movsx(DisasContext *s, const X86Insn *in)
{
    IrTemp v = lift_sext(s, lift_load_op(s, 1), in->ops[1].size);
    lift_reg_write(s, in->ops[0].reg, v);
}

void lift_lea(DisasContext *s, const X86Insn *in)
{
    lift_reg_write(s, in->ops[0].reg, lift_ea_offset(s));
}

/* XCHG: both read first; memory written before any register. */
void lift_xchg(DisasContext *s, const X86Insn *in)
{
    IrTemp a = lift_load_op(s, 0);
    IrTemp b = lift_load_op(s, 1);
    if (in->ops[1].kind == X86_OPND_MEM) {
        lift_store_op(s, 1, a);
        lift_store_op(s, 0, b);
    } else {
        lift_store_op(s, 0, b);
        lift_store_op(s, 1, a);
    }
}

static IrTemp bswap(DisasContext *s, IrTemp v, unsigned size)
{
    IrTemp d = lift_tmp(s);
    IrOp *op = ir_emit(s->f, IR_BSWAP, IR_I64);
    op->args[0] = d;
    op->args[1] = v;
    op->args[2] = size;
    return d;
}

/* BSWAP of a 16-bit register is undefined (SDM Vol. 2A BSWAP); processors
 * clear it, and so do we. */
void lift_bswap(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    IrTemp v = size == 2 ? lift_const(s, 0) : bswap(s, lift_load_op(s, 0), size);
    lift_store_op(s, 0, v);
}

void lift_movbe(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    lift_store_op(s, 0, bswap(s, lift_load_op(s, 1), size));
}

/* CBW / CWDE / CDQE: rAX = sign-extended half of itself. */
void lift_cbw(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->op_size;
    IrTemp v = lift_sext(s, lift_gpr(R_EAX), size / 2);
    lift_gpr_write(s, R_EAX, size, v);
}

/* CWD / CDQ / CQO: rDX = the sign of rAX, repeated. */
void lift_cwd(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->op_size;
    IrTemp v = lift_op2i(s, IR_SAR, lift_sext(s, lift_gpr(R_EAX), size), 63);
    lift_gpr_write(s, R_EDX, size, v);
}

/* XLAT: AL = [seg:rBX + AL] at the address size, DS unless overridden. */
void lift_xlat(DisasContext *s, const X86Insn *in)
{
    unsigned seg = (in->prefixes & X86_PFX_SEG) ? in->seg_override - X86_R_ES : R_DS;
    IrTemp off = lift_op2(s, IR_ADD, lift_gpr(R_EBX), lift_op1(s, IR_EXT8U, lift_gpr(R_EAX)));
    off = lift_trunc(s, off, in->addr_size);
    IrTemp v = lift_qld(s, lift_seg_linear(s, seg, off), 1, false);
    lift_gpr_write(s, R_EAX, 1, v);
}

/* SALC (undocumented, D6): AL = CF ? 0xFF : 0. */
void lift_salc(DisasContext *s, const X86Insn *in)
{
    (void)in;
    lift_gpr_write(s, R_EAX, 1, lift_op1(s, IR_NEG, lift_cf(s)));
}

/* CLFLUSH, CLFLUSHOPT, CLWB check their operand as a byte read would
 * (#PF, #GP for a non-canonical address: SDM Vol. 2A CLFLUSH) without
 * reading it: no MMIO read happens. */
static void flush_helper_probe(CpuState *env, uint64_t la, uint32_t mmu_idx)
{
    cpu_host_ptr(env, la, 1, ACCESS_READ, mmu_idx);
}

static const IrHelper helper_flush_probe_desc = {
    .name = "flush_probe",
    .fn = (void *)flush_helper_probe,
    .ret = IR_VOID,
    .nargs = 2,
    .arg_types = {IR_I64, IR_I32},
    .flags = IR_HELPER_NO_WRITE_GLOBALS,
};

/* NOP, PAUSE, hint NOPs, prefetches, ENDBR, cache-line flushes: no
 * architectural effect here (no caches are modelled); prefetches and the
 * NOP forms never fault, the flushes check their address. */
void lift_nop(DisasContext *s, const X86Insn *in)
{
    if (in->mnem == X86_I_CLFLUSH || in->mnem == X86_I_CLFLUSHOPT || in->mnem == X86_I_CLWB) {
        lift_call2(s, &helper_flush_probe_desc, lift_ea(s), lift_const(s, s->mmu_idx));
    }
}

void lift_fence(DisasContext *s, const X86Insn *in)
{
    IrOp *op = ir_emit(s->f, IR_MB, IR_I64);
    op->args[0] = in->mnem == X86_I_LFENCE   ? IR_MB_LOAD
                  : in->mnem == X86_I_SFENCE ? IR_MB_STORE
                                             : IR_MB_FULL;
}
