/*
 * lift_branch.c — control transfers: Jcc, JMP and CALL (relative and
 * indirect), RET, LOOP/LOOPE/LOOPNE, JCXZ/JECXZ/JRCXZ, and the far forms
 * (JMP/CALL ptr and m16:xx, RET far, IRET) through the segment helpers.
 *
 * A relative target is next EIP + displacement wrapped to the operand size
 * (SDM Vol. 2A JMP: "the upper 16 bits of EIP are cleared" with a 16-bit
 * operand size); in 64-bit mode near branches are always 64-bit. LOOP and
 * JrCXZ count in rCX at the address size.
 */
#include "frontend/translate_internal.h"

static uint64_t rel_target(DisasContext *s, const X86Insn *in)
{
    return (s->next_eip + (uint64_t)in->imm) & lift_eip_mask(in->op_size);
}

/* The CS-limit check of a conditional branch to target (HF_CSLIM). */
static void check_cond_target(DisasContext *s, LiftCond c, uint64_t target)
{
    if (s->flags & HF_CSLIM && c.cond != IR_COND_NEVER) {
        IrTemp taken = c.cond == IR_COND_ALWAYS ? IR_NO_TEMP : lift_setcond(s, c.cond, c.a, c.b);
        lift_check_branch_target(s, taken, lift_const(s, target));
    }
}

/* BRCOND on c to the taken target (slot 0), else fall through (slot 1).
 * The caller has checked the target against the CS limit. */
static void branch(DisasContext *s, LiftCond c, uint64_t target)
{
    if (c.cond == IR_COND_ALWAYS) {
        lift_goto_eip(s, 0, target);
        return;
    }
    if (c.cond == IR_COND_NEVER) {
        lift_goto_eip(s, 1, s->next_eip);
        return;
    }
    IrLabel taken = ir_label_new(s->f);
    lift_brcond(s, c.cond, c.a, c.b, taken);
    lift_goto_eip(s, 1, s->next_eip);
    lift_label(s, taken);
    lift_goto_eip(s, 0, target);
}

void lift_jcc(DisasContext *s, const X86Insn *in)
{
    LiftCond c = lift_cond(s, in->opcode & 15);
    check_cond_target(s, c, rel_target(s, in));
    branch(s, c, rel_target(s, in));
}

void lift_jmp(DisasContext *s, const X86Insn *in)
{
    if (in->ops[0].kind == X86_OPND_REL) {
        uint64_t target = rel_target(s, in);
        lift_check_branch_target(s, IR_NO_TEMP, lift_const(s, target));
        lift_goto_eip(s, 0, target);
        return;
    }
    IrTemp target = lift_load_op(s, 0);
    lift_check_branch_target(s, IR_NO_TEMP, target);
    lift_jump_indirect(s, target);
}

/* CALL near: the target is read (and may fault) before the push. */
void lift_call_insn(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->op_size;
    IrTemp target = IR_NO_TEMP;
    if (in->ops[0].kind != X86_OPND_REL) {
        target = lift_load_op(s, 0);
    }
    lift_check_branch_target(s, IR_NO_TEMP,
                             target == IR_NO_TEMP ? lift_const(s, rel_target(s, in)) : target);
    IrTemp nsp = lift_push_store(s, lift_const(s, s->next_eip), size);
    lift_sp_write(s, nsp);
    if (target == IR_NO_TEMP) {
        lift_goto_eip(s, 0, rel_target(s, in));
    } else {
        lift_jump_indirect(s, target);
    }
}

/* RET [imm16]: pop EIP at the operand size, then release imm16 bytes. */
void lift_ret(DisasContext *s, const X86Insn *in)
{
    IrTemp nsp;
    IrTemp eip = lift_pop_load(s, in->op_size, &nsp);
    lift_check_branch_target(s, IR_NO_TEMP, eip);
    if (in->nops == 1) {
        nsp = lift_sp_add(s, nsp, (int64_t)((uint64_t)in->imm & 0xffff));
    }
    lift_sp_write(s, nsp);
    lift_jump_indirect(s, eip);
}

void lift_loop(DisasContext *s, const X86Insn *in)
{
    unsigned asz = in->addr_size;
    IrTemp c = lift_trunc(s, lift_op2i(s, IR_SUB, lift_gpr(R_ECX), 1), asz);
    IrTemp go;
    if (in->mnem == X86_I_LOOP) {
        go = c;
    } else {
        IrTemp z = lift_cond_value(s, in->mnem == X86_I_LOOPE ? JCC_E : JCC_NE);
        IrTemp nz = lift_setcond(s, IR_COND_NE, c, lift_const(s, 0));
        go = lift_op2(s, IR_AND, z, nz);
    }
    LiftCond taken = {IR_COND_NE, go, lift_const(s, 0)};
    check_cond_target(s, taken, rel_target(s, in));
    lift_gpr_write(s, R_ECX, asz, c);
    branch(s, taken, rel_target(s, in));
}

void lift_jcxz(DisasContext *s, const X86Insn *in)
{
    IrTemp c = lift_gpr_read(s, R_ECX, in->addr_size);
    LiftCond taken = {IR_COND_EQ, c, lift_const(s, 0)};
    check_cond_target(s, taken, rel_target(s, in));
    branch(s, taken, rel_target(s, in));
}

/* The selector and offset of a far pointer operand: the immediate
 * ptr16:16/32, or m16:16/32/64 (offset first, then the selector). */
static void far_pointer(DisasContext *s, const X86Insn *in, IrTemp *sel, IrTemp *off)
{
    if (in->ops[0].kind == X86_OPND_FAR) {
        *sel = lift_const(s, in->imm2);
        *off = lift_const(s, (uint64_t)in->imm);
        return;
    }
    IrTemp ea = lift_ea(s);
    *off = lift_qld(s, ea, in->op_size, false);
    IrTemp sea = lift_op2i(s, IR_ADD, ea, in->op_size);
    if (!s->code64) {
        sea = lift_op1(s, IR_EXT32U, sea);
    }
    *sel = lift_qld(s, sea, 2, false);
}

void lift_ljmp(DisasContext *s, const X86Insn *in)
{
    IrTemp sel, off;
    far_pointer(s, in, &sel, &off);
    lift_call3(s, &helper_ljmp_desc, sel, off, lift_const(s, s->next_eip));
    s->cc_op = CC_OP_DYNAMIC;
    lift_exit_nochain(s);
}

void lift_lcall(DisasContext *s, const X86Insn *in)
{
    IrTemp sel, off;
    far_pointer(s, in, &sel, &off);
    lift_call4(s, &helper_lcall_desc, sel, off, lift_const(s, in->op_size),
               lift_const(s, s->next_eip));
    s->cc_op = CC_OP_DYNAMIC;
    lift_exit_nochain(s);
}

void lift_lret(DisasContext *s, const X86Insn *in)
{
    uint64_t pop = in->nops == 1 ? ((uint64_t)in->imm & 0xffff) : 0;
    lift_call2(s, &helper_lret_desc, lift_const(s, in->op_size), lift_const(s, pop));
    s->cc_op = CC_OP_DYNAMIC;
    lift_exit_nochain(s);
}

void lift_iret(DisasContext *s, const X86Insn *in)
{
    lift_call2(s, &helper_iret_desc, lift_const(s, in->op_size), lift_const(s, s->next_eip));
    s->cc_op = CC_OP_DYNAMIC;
    lift_exit_nochain(s);
}
