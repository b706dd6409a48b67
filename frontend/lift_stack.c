/*
 * lift_stack.c — the stack: the SS:rSP primitives the other groups use, and
 * PUSH/POP (registers, memory, immediates, segment registers), PUSHA/POPA,
 * PUSHF/POPF, ENTER/LEAVE.
 *
 * The stack pointer is SP, ESP or RSP by the stack size (SS.B outside
 * 64-bit mode, SDM Vol. 3A 3.4.5) and wraps at it. Pushes store first and
 * move rSP after, so a faulting push leaves rSP alone; PUSH rSP pushes the
 * value before the instruction; POP rSP ends with the popped value; POP
 * into memory addressed through rSP uses the incremented rSP (SDM Vol. 2B
 * PUSH, POP).
 */
#include "frontend/translate_internal.h"

#include <stddef.h>

IrTemp lift_sp_read(DisasContext *s)
{
    return lift_gpr_read(s, R_ESP, s->stack_size);
}

void lift_sp_write(DisasContext *s, IrTemp sp)
{
    lift_gpr_write(s, R_ESP, s->stack_size, sp);
}

IrTemp lift_sp_add(DisasContext *s, IrTemp sp, int64_t delta)
{
    return lift_trunc(s, lift_op2i(s, IR_ADD, sp, (uint64_t)delta), s->stack_size);
}

IrTemp lift_stack_linear(DisasContext *s, IrTemp sp)
{
    return lift_seg_linear(s, R_SS, sp);
}

IrTemp lift_push_store(DisasContext *s, IrTemp v, unsigned size)
{
    IrTemp nsp = lift_sp_add(s, lift_sp_read(s), -(int64_t)size);
    lift_qst(s, lift_stack_linear(s, nsp), v, size);
    return nsp;
}

IrTemp lift_pop_load(DisasContext *s, unsigned size, IrTemp *new_sp)
{
    IrTemp sp = lift_sp_read(s);
    IrTemp v = lift_qld(s, lift_stack_linear(s, sp), size, false);
    *new_sp = lift_sp_add(s, sp, size);
    return v;
}

static bool is_seg_reg(const X86Operand *o)
{
    return o->kind == X86_OPND_REG && o->reg >= X86_R_ES && o->reg <= X86_R_GS;
}

static size_t selector_offset(unsigned seg)
{
    return offsetof(CpuState, segs) + seg * sizeof(SegCache) + offsetof(SegCache, selector);
}

/* PUSH: a segment register with a 32/64-bit operand size moves only the
 * 16-bit selector into the slot, as recent processors do (SDM Vol. 2B PUSH). */
void lift_push(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->op_size;
    const X86Operand *o = &in->ops[0];
    IrTemp v;
    unsigned store = size;
    if (is_seg_reg(o)) {
        v = lift_ld_env(s, selector_offset(o->reg - X86_R_ES), 2);
        store = 2;
    } else if (o->kind == X86_OPND_IMM) {
        v = lift_imm(s, size);
    } else {
        v = lift_load_op(s, 0);
    }
    IrTemp nsp = lift_sp_add(s, lift_sp_read(s), -(int64_t)size);
    lift_qst(s, lift_stack_linear(s, nsp), v, store);
    lift_sp_write(s, nsp);
}

void lift_pop(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->op_size;
    const X86Operand *o = &in->ops[0];
    IrTemp nsp;

    if (is_seg_reg(o)) {
        IrTemp sp = lift_sp_read(s);
        IrTemp sel = lift_qld(s, lift_stack_linear(s, sp), 2, false);
        nsp = lift_sp_add(s, sp, size);
        lift_call2(s, &helper_load_seg_desc, lift_const(s, o->reg - X86_R_ES), sel);
        lift_sp_write(s, nsp);
        s->end_loop = true; /* hflags, and the interrupt shadow of POP SS */
        return;
    }
    IrTemp v = lift_pop_load(s, size, &nsp);
    if (o->kind == X86_OPND_MEM) {
        const X86Mem *m = &in->mem;
        bool rsp_based = m->base == X86_R_SP || m->base == X86_R_ESP || m->base == X86_R_RSP;
        IrTemp ea;
        if (rsp_based) {
            IrTemp ofs = lift_op2i(s, IR_ADD, lift_ea_offset(s), size);
            ea = lift_seg_linear(s, m->seg - X86_R_ES, lift_trunc(s, ofs, m->addr_size));
        } else {
            ea = lift_ea(s);
        }
        lift_qst(s, ea, v, size);
        lift_sp_write(s, nsp);
        return;
    }
    lift_sp_write(s, nsp);
    lift_reg_write(s, o->reg, v);
}

/* PUSHA/PUSHAD: AX CX DX BX, the original SP, BP SI DI. */
void lift_pusha(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->op_size;
    IrTemp sp = lift_sp_read(s);
    for (unsigned i = 0; i < 8; i++) {
        IrTemp v = lift_gpr_read(s, i, size);
        IrTemp a = lift_sp_add(s, sp, -(int64_t)((i + 1) * size));
        lift_qst(s, lift_stack_linear(s, a), v, size);
    }
    lift_sp_write(s, lift_sp_add(s, sp, -(int64_t)(8 * size)));
}

/* POPA/POPAD: the reverse, skipping the SP slot. */
void lift_popa(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->op_size;
    IrTemp sp = lift_sp_read(s);
    IrTemp v[8];
    for (unsigned i = 0; i < 8; i++) {
        if (i == R_ESP) {
            continue;
        }
        IrTemp a = lift_sp_add(s, sp, (int64_t)((7 - i) * size));
        v[i] = lift_qld(s, lift_stack_linear(s, a), size, false);
    }
    for (unsigned i = 0; i < 8; i++) {
        if (i != R_ESP) {
            lift_gpr_write(s, i, size, v[i]);
        }
    }
    lift_sp_write(s, lift_sp_add(s, sp, (int64_t)(8 * size)));
}

/* PUSHF: #GP(0) in virtual-8086 mode with IOPL < 3 (SDM Vol. 2B PUSHF;
 * VME is not modelled). */
void lift_pushf(DisasContext *s, const X86Insn *in)
{
    if ((s->flags & HF_VM86) && (s->flags & HF_IOPL_MASK) != HF_IOPL_MASK) {
        lift_raise_err(s, EXC_GP, 0);
        return;
    }
    IrTemp v = lift_call0(s, &helper_pushf_desc);
    IrTemp nsp = lift_push_store(s, v, in->op_size);
    lift_sp_write(s, nsp);
}

/* POPF: the helper applies the privilege rules and may fault; rSP moves
 * only after it. IF, TF, IOPL, AC may change: back to the loop. */
void lift_popf(DisasContext *s, const X86Insn *in)
{
    IrTemp nsp;
    IrTemp v = lift_pop_load(s, in->op_size, &nsp);
    lift_call2(s, &helper_popf_desc, v, lift_const(s, in->op_size));
    s->cc_op = CC_OP_DYNAMIC;
    lift_sp_write(s, nsp);
    s->end_loop = true;
}

void lift_enter(DisasContext *s, const X86Insn *in)
{
    lift_call3(s, &helper_enter_desc, lift_const(s, in->op_size),
               lift_const(s, (uint64_t)in->imm & 0xffff), lift_const(s, in->imm2 & 0xff));
}

/* LEAVE: rSP = rBP, then POP rBP. */
void lift_leave(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->op_size;
    IrTemp bp = lift_gpr_read(s, R_EBP, s->stack_size);
    IrTemp v = lift_qld(s, lift_stack_linear(s, bp), size, false);
    lift_sp_write(s, lift_sp_add(s, bp, size));
    lift_gpr_write(s, R_EBP, size, v);
}
