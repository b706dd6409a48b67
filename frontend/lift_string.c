/*
 * lift_string.c — MOVS, STOS, LODS, SCAS, CMPS, INS, OUTS.
 *
 * Without a repeat prefix, the memory forms are lifted inline (one or two
 * accesses and the pointer steps by DF). REP forms and the port forms go
 * through helper_string, which runs whole runs within a page per host loop
 * and returns 0 when it stopped early (so pending interrupts get in): the
 * TB then exits at the same instruction, and after a completed REP the TB
 * ends. rSI/rDI/rCX are used at the address size; the source segment can
 * be overridden, ES:rDI cannot (SDM Vol. 2B MOVS).
 *
 * TODO: under EFLAGS.TF, QEMU (the oracle) raises the single-step trap
 * after every iteration of a REP string; helper_string runs whole runs, so
 * rx86 traps only where it stops (the end, or an early stop at the same
 * EIP). Matching needs a one-iteration mode of the helper for HF_TF TBs.
 */
#include "frontend/translate_internal.h"

/* The operation of a string mnemonic (STR_OP_*). */
static unsigned string_op(unsigned mnem)
{
    switch (mnem) {
    case X86_I_MOVSB:
    case X86_I_MOVSW:
    case X86_I_MOVSD:
    case X86_I_MOVSQ:
        return STR_OP_MOVS;
    case X86_I_STOSB:
    case X86_I_STOSW:
    case X86_I_STOSD:
    case X86_I_STOSQ:
        return STR_OP_STOS;
    case X86_I_LODSB:
    case X86_I_LODSW:
    case X86_I_LODSD:
    case X86_I_LODSQ:
        return STR_OP_LODS;
    case X86_I_SCASB:
    case X86_I_SCASW:
    case X86_I_SCASD:
    case X86_I_SCASQ:
        return STR_OP_SCAS;
    case X86_I_CMPSB:
    case X86_I_CMPSW:
    case X86_I_CMPSD:
    case X86_I_CMPSQ:
        return STR_OP_CMPS;
    case X86_I_INSB:
    case X86_I_INSW:
    case X86_I_INSD:
        return STR_OP_INS;
    default:
        return STR_OP_OUTS;
    }
}

/* rSI or rDI (n) advanced by one element in the direction of DF. */
static void step(DisasContext *s, unsigned n, IrTemp ptr, IrTemp delta)
{
    unsigned asz = s->insn->addr_size;
    lift_gpr_write(s, n, asz, lift_trunc(s, lift_op2(s, IR_ADD, ptr, delta), asz));
}

static void string_inline(DisasContext *s, const X86Insn *in, unsigned op, unsigned size)
{
    unsigned asz = in->addr_size;
    unsigned src_seg = in->mem.seg - X86_R_ES;
    IrTemp df = lift_tmp(s);
    ir_op1(s->f, IR_EXTS_I32_I64, df, G_DF);
    IrTemp delta = lift_op2i(s, IR_SHL, df, size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3);
    IrTemp si = IR_NO_TEMP, di = IR_NO_TEMP, src = IR_NO_TEMP, dst = IR_NO_TEMP;
    if (op == STR_OP_MOVS || op == STR_OP_LODS || op == STR_OP_CMPS) {
        si = lift_gpr_read(s, R_ESI, asz);
        src = lift_seg_linear(s, src_seg, si);
    }
    if (op == STR_OP_MOVS || op == STR_OP_STOS || op == STR_OP_SCAS || op == STR_OP_CMPS) {
        di = lift_gpr_read(s, R_EDI, asz);
        dst = lift_seg_linear(s, R_ES, di);
    }
    switch (op) {
    case STR_OP_MOVS: {
        IrTemp v = lift_qld(s, src, size, false);
        lift_qst(s, dst, v, size);
        break;
    }
    case STR_OP_STOS:
        lift_qst(s, dst, lift_gpr_read(s, R_EAX, size), size);
        break;
    case STR_OP_LODS:
        lift_gpr_write(s, R_EAX, size, lift_qld(s, src, size, false));
        break;
    case STR_OP_SCAS: {
        IrTemp v = lift_qld(s, dst, size, false);
        IrTemp r = lift_trunc(s, lift_op2(s, IR_SUB, lift_gpr_read(s, R_EAX, size), v), size);
        lift_flags(s, cc_op_sized(CC_OP_SUBB, size), r, v);
        break;
    }
    default: {
        /* CMPS: [rSI] - [rDI]. [rDI] is read first, as QEMU does (which read
         * faults first when both would is the processor's). */
        IrTemp b = lift_qld(s, dst, size, false);
        IrTemp a = lift_qld(s, src, size, false);
        IrTemp r = lift_trunc(s, lift_op2(s, IR_SUB, a, b), size);
        lift_flags(s, cc_op_sized(CC_OP_SUBB, size), r, b);
        break;
    }
    }
    if (si != IR_NO_TEMP) {
        step(s, R_ESI, si, delta);
    }
    if (di != IR_NO_TEMP) {
        step(s, R_EDI, di, delta);
    }
}

void lift_string(DisasContext *s, const X86Insn *in)
{
    unsigned op = string_op(in->mnem);
    unsigned size = op == STR_OP_OUTS ? in->ops[1].size : in->ops[0].size;
    unsigned rep = STR_REP_NONE;
    if (in->prefixes & X86_PFX_REP) {
        rep = STR_REP_REP;
    } else if (in->prefixes & X86_PFX_REPNE) {
        /* F2 is REPNE on SCAS/CMPS and a plain REP on the others */
        rep = (op == STR_OP_SCAS || op == STR_OP_CMPS) ? STR_REP_REPNE : STR_REP_REP;
    }
    if (rep == STR_REP_NONE && op != STR_OP_INS && op != STR_OP_OUTS) {
        string_inline(s, in, op, size);
        return;
    }
    uint32_t desc = str_desc(op, size, in->addr_size, rep, in->mem.seg - X86_R_ES, s->mmu_idx);
    IrTemp done = lift_call1(s, &helper_string_desc, lift_const(s, desc));
    if (op == STR_OP_SCAS || op == STR_OP_CMPS) {
        s->cc_op = CC_OP_DYNAMIC;
    }
    if (rep == STR_REP_NONE) {
        s->end_next = op == STR_OP_OUTS; /* as OUT (lift_in_out) */
        return;
    }
    IrLabel finished = ir_label_new(s->f);
    lift_brcond(s, IR_COND_NE, done, lift_const(s, 0), finished);
    lift_exit_to(s, s->eip);
    lift_label(s, finished);
    lift_goto_eip(s, 0, s->next_eip);
}
