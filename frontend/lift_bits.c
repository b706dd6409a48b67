/*
 * lift_bits.c — bit tests and scans and the conditional moves and sets:
 * BT/BTS/BTR/BTC, BSF/BSR, TZCNT/LZCNT, POPCNT, SETcc, CMOVcc.
 */
#include "frontend/translate_internal.h"

/* Bits 0..(log2 of the width) of a bit offset. */
static unsigned log2_bits(unsigned size)
{
    return size == 2 ? 4 : size == 4 ? 5 : 6;
}

/*
 * BT family (SDM Vol. 2A BT, "bit offset addressing"): with a register
 * offset and a memory base, the offset is a signed value at the operand
 * size that selects the operand-sized word at ea + (offset SAR log2(width))
 * * size; an immediate offset is taken modulo the width. CF = the bit; ZF
 * is unaffected, OF SF AF PF undefined.
 */
void lift_bt(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    unsigned bits = size * 8;
    IrTemp off, bitoff;

    if (in->ops[1].kind == X86_OPND_IMM) {
        bitoff = lift_const(s, (uint64_t)in->imm & (bits - 1));
    } else {
        off = lift_load_op(s, 1);
        bitoff = lift_op2i(s, IR_AND, off, bits - 1);
        if (in->ops[0].kind == X86_OPND_MEM) {
            IrTemp words = lift_op2i(s, IR_SAR, lift_sext(s, off, size), log2_bits(size));
            IrTemp disp = lift_op2i(s, IR_SHL, words, size == 2 ? 1 : size == 4 ? 2 : 3);
            IrTemp ofs = lift_op2(s, IR_ADD, lift_ea_offset(s), disp);
            ofs = lift_trunc(s, ofs, in->addr_size);
            s->ea = lift_seg_linear(s, in->mem.seg - X86_R_ES, ofs);
        }
    }
    IrTemp v = lift_load_op(s, 0);
    IrTemp bit = lift_op2i(s, IR_AND, lift_op2(s, IR_SHR, v, bitoff), 1);
    if (in->mnem != X86_I_BT) {
        IrTemp mask = lift_op2(s, IR_SHL, lift_const(s, 1), bitoff);
        IrTemp nv;
        if (in->mnem == X86_I_BTS) {
            nv = lift_op2(s, IR_OR, v, mask);
        } else if (in->mnem == X86_I_BTR) {
            nv = lift_op2(s, IR_ANDC, v, mask);
        } else {
            nv = lift_op2(s, IR_XOR, v, mask);
        }
        lift_store_op(s, 0, nv);
    }
    int op = s->cc_op;
    if (op >= CC_OP_ADDB && op < CC_OP_COUNT) {
        /* ZF comes from cc_dst at the op's width: keep it, and let a SAR of
         * that width take CF from bit 0 of cc_src. */
        lift_mov(s, G_CC_SRC, bit);
        lift_set_cc_op(s, (CcOp)(CC_OP_SARB + (op - CC_OP_ADDB) % 4));
        return;
    }
    IrTemp e = lift_op2i(s, IR_AND, lift_eflags(s), ~(uint64_t)EFLAGS_CF);
    lift_flags_eflags(s, lift_op2(s, IR_OR, e, bit));
}

/* Write v to register operand 0 only when src != 0 (BSF/BSR leave the
 * destination unchanged for a zero source, as processors do). */
static void write_if_nonzero(DisasContext *s, const X86Insn *in, IrTemp src, IrTemp v)
{
    unsigned n = (in->ops[0].reg - X86_R_AX) % 16;
    unsigned size = in->ops[0].size;
    IrTemp merged = lift_gpr_merge(s, n, size, v);
    IrTemp nv = lift_movcond(s, IR_COND_NE, src, lift_const(s, 0), merged, lift_gpr(n));
    lift_mov(s, lift_gpr(n), nv);
}

/* BSF/BSR: ZF = (source == 0), the others undefined: LOGIC on the source. */
void lift_bsf_bsr(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    IrTemp src = lift_load_op(s, 1);
    IrTemp idx;
    if (in->mnem == X86_I_BSF) {
        idx = lift_op2(s, IR_CTZ, src, src);
    } else {
        IrTemp lz = lift_op2(s, IR_CLZ, src, lift_const(s, 64));
        idx = lift_op2(s, IR_SUB, lift_const(s, 63), lz);
    }
    write_if_nonzero(s, in, src, idx);
    lift_flags(s, cc_op_sized(CC_OP_LOGICB, size), src, IR_NO_TEMP);
}

/* TZCNT/LZCNT: the operand width for a zero source; CF = (source == 0),
 * ZF = (result == 0): the BMILG lazy op. A CPU without BMI1 (TZCNT) or
 * LZCNT (CPUID's ABM bit) ignores the F3 prefix and runs BSF or BSR
 * (SDM Vol. 2B TZCNT, LZCNT), as QEMU does. */
void lift_tzcnt_lzcnt(DisasContext *s, const X86Insn *in)
{
    bool tz = in->mnem == X86_I_TZCNT;
    if (!cpu_model_has(&s->env->model, tz ? "bmi1" : "abm")) {
        X86Insn plain = *in;
        plain.mnem = tz ? X86_I_BSF : X86_I_BSR;
        lift_bsf_bsr(s, &plain);
        return;
    }
    unsigned size = in->ops[0].size;
    unsigned bits = size * 8;
    IrTemp src = lift_load_op(s, 1);
    IrTemp r;
    if (in->mnem == X86_I_TZCNT) {
        r = lift_op2(s, IR_CTZ, src, lift_const(s, bits));
    } else {
        IrTemp lz = lift_op2(s, IR_CLZ, src, lift_const(s, 64));
        r = lift_op2i(s, IR_SUB, lz, 64 - bits);
    }
    lift_reg_write(s, in->ops[0].reg, r);
    lift_flags(s, cc_op_sized(CC_OP_BMILGB, size), r, src);
}

/* POPCNT: ZF = (source == 0), OF SF AF CF PF cleared. */
void lift_popcnt(DisasContext *s, const X86Insn *in)
{
    IrTemp src = lift_load_op(s, 1);
    IrTemp r = lift_op1(s, IR_CTPOP, src);
    lift_reg_write(s, in->ops[0].reg, r);
    IrTemp z = lift_setcond(s, IR_COND_EQ, src, lift_const(s, 0));
    lift_flags_eflags(s, lift_op2i(s, IR_SHL, z, 6));
}

void lift_setcc(DisasContext *s, const X86Insn *in)
{
    lift_store_op(s, 0, lift_cond_value(s, in->opcode & 15));
}

/* CMOVcc: the source is read (and may fault) whatever the condition; a
 * 32-bit destination is zero-extended even when nothing moves (SDM Vol. 2A
 * CMOVcc). */
void lift_cmovcc(DisasContext *s, const X86Insn *in)
{
    IrTemp src = lift_load_op(s, 1);
    IrTemp old = lift_load_op(s, 0);
    LiftCond c = lift_cond(s, in->opcode & 15);
    lift_store_op(s, 0, lift_movcond(s, c.cond, c.a, c.b, src, old));
}
