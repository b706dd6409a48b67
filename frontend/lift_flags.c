/*
 * lift_flags.c — the lazy arithmetic flags as the lifter sees them:
 * recording a flag-setting result, and turning a condition code into one
 * IR comparison.
 *
 * The lifter tracks the cc_op the global holds (DisasContext.cc_op) and
 * writes it only when it changes. Conditions are computed inline from
 * cc_dst/cc_src for the common cases (the SDM's Jcc table, Vol. 2A
 * "Jcc"): after SUB/CMP any condition is one compare of the reconstructed
 * operands (first = dst + src, second = src); Z, S and P come from cc_dst
 * after every sized operation; C after ADD, LOGIC, INC/DEC, the shifts, MUL
 * and BMI ops. Anything else asks helper_cc_compute_all (pure) for EFLAGS.
 * CF alone (lift_cf: ADC, SBB, INC/DEC) is inline for every known cc op.
 * PF is the parity of the low byte of the result (SDM Vol. 1 3.4.3.1).
 */
#include "frontend/translate_internal.h"

/* The classes of the sized cc ops, in CcOp's order (cpu.h). */
enum {
    CLS_ADD,
    CLS_ADC,
    CLS_SUB,
    CLS_SBB,
    CLS_LOGIC,
    CLS_INC,
    CLS_DEC,
    CLS_SHL,
    CLS_SAR,
    CLS_MUL,
    CLS_BMILG,
    CLS_EFLAGS,
    CLS_DYNAMIC,
};

static int cc_class(int op)
{
    if (op == CC_OP_EFLAGS) {
        return CLS_EFLAGS;
    }
    if (op < CC_OP_ADDB || op >= CC_OP_COUNT) {
        return CLS_DYNAMIC;
    }
    return (op - CC_OP_ADDB) / 4;
}

/* The operand size of a sized cc op (8 for the others: never used then). */
static unsigned cc_size(int op)
{
    if (op < CC_OP_ADDB || op >= CC_OP_COUNT) {
        return 8;
    }
    return 1u << ((op - CC_OP_ADDB) % 4);
}

void lift_set_cc_op(DisasContext *s, CcOp op)
{
    if (s->cc_op != (int)op) {
        ir_movi(s->f, G_CC_OP, (uint32_t)op);
        s->cc_op = op;
    }
}

void lift_flags(DisasContext *s, CcOp op, IrTemp dst, IrTemp src)
{
    s->cc_first = IR_NO_TEMP;
    lift_mov(s, G_CC_DST, dst);
    if (src != IR_NO_TEMP) {
        lift_mov(s, G_CC_SRC, src);
    }
    lift_set_cc_op(s, op);
}

void lift_flags_sub(DisasContext *s, CcOp op, IrTemp dst, IrTemp src, IrTemp first)
{
    lift_flags(s, op, dst, src);
    s->cc_first = first;
}

void lift_flags3(DisasContext *s, CcOp op, IrTemp dst, IrTemp src, IrTemp src2)
{
    lift_mov(s, G_CC_SRC2, src2);
    lift_flags(s, op, dst, src);
}

void lift_flags_eflags(DisasContext *s, IrTemp v)
{
    s->cc_first = IR_NO_TEMP;
    lift_mov(s, G_CC_SRC, v);
    lift_set_cc_op(s, CC_OP_EFLAGS);
}

/* The cc_op operand of the flag helpers: a constant when known. */
static IrTemp cc_op_value(DisasContext *s)
{
    if (s->cc_op == CC_OP_DYNAMIC) {
        return G_CC_OP;
    }
    return lift_const32(s, (uint32_t)s->cc_op);
}

IrTemp lift_eflags(DisasContext *s)
{
    if (s->cc_op == CC_OP_EFLAGS) {
        IrTemp d = lift_tmp(s);
        lift_mov(s, d, G_CC_SRC);
        return d;
    }
    IrTemp in[4] = {cc_op_value(s), G_CC_DST, G_CC_SRC, G_CC_SRC2};
    return lift_call(s, &helper_cc_compute_all_desc, in);
}

/* first = dst + src at the op's size: the first operand of a SUB/CMP (or
 * the operand itself when this basic block still has it). */
static IrTemp sub_first(DisasContext *s, unsigned size)
{
    if (s->cc_first != IR_NO_TEMP) {
        return s->cc_first;
    }
    return lift_trunc(s, lift_op2(s, IR_ADD, G_CC_DST, G_CC_SRC), size);
}

/* PF of a value's low byte (SDM Vol. 1 3.4.3.1: set when it holds an even
 * number of ones): fold the byte onto its lowest bit. */
static IrTemp parity_flag(DisasContext *s, IrTemp v)
{
    IrTemp p = lift_op2i(s, IR_AND, v, 0xff);
    p = lift_op2(s, IR_XOR, p, lift_op2i(s, IR_SHR, p, 4));
    p = lift_op2(s, IR_XOR, p, lift_op2i(s, IR_SHR, p, 2));
    p = lift_op2(s, IR_XOR, p, lift_op2i(s, IR_SHR, p, 1));
    p = lift_op2i(s, IR_XOR, lift_op2i(s, IR_AND, p, 1), 1);
    return lift_op2i(s, IR_SHL, p, 2);
}

IrTemp lift_eflags_szap(DisasContext *s)
{
    int op = s->cc_op;
    int cls = cc_class(op);
    if (cls != CLS_LOGIC && cls != CLS_ADD && cls != CLS_SUB && cls != CLS_INC &&
        cls != CLS_DEC) {
        return lift_eflags(s);
    }
    unsigned size = cc_size(op);
    IrTemp r = lift_trunc(s, G_CC_DST, size);
    IrTemp zf = lift_op2i(s, IR_SHL, lift_setcond(s, IR_COND_EQ, r, lift_const(s, 0)), 6);
    IrTemp sf = lift_op2i(s, IR_SHL, lift_extract(s, r, size * 8 - 1, 1, false), 7);
    IrTemp f = lift_op2(s, IR_OR, lift_op2(s, IR_OR, zf, sf), parity_flag(s, r));
    IrTemp af;
    switch (cls) {
    case CLS_LOGIC:
        return f; /* AF 0, as compute_all leaves it */
    case CLS_INC:
    case CLS_DEC: {
        /* A carry out of (borrow into) bit 3: the low nibble wrapped. */
        IrTemp nib = lift_op2i(s, IR_AND, r, 0xf);
        IrTemp wrapped = lift_setcond(s, IR_COND_EQ, nib, lift_const(s, cls == CLS_INC ? 0 : 0xf));
        af = lift_op2i(s, IR_SHL, wrapped, 4);
        break;
    }
    default: {
        /* AF = bit 4 of first ^ second ^ result, first being the result
         * minus the second operand (ADD) or plus it (SUB). */
        IrTemp src = lift_trunc(s, G_CC_SRC, size);
        IrTemp first = cls == CLS_SUB ? sub_first(s, size)
                                      : lift_trunc(s, lift_op2(s, IR_SUB, r, src), size);
        IrTemp x = lift_op2(s, IR_XOR, lift_op2(s, IR_XOR, r, src), first);
        af = lift_op2i(s, IR_AND, x, EFLAGS_AF);
        break;
    }
    }
    return lift_op2(s, IR_OR, f, af);
}

/* CF as 0/1 (INC/DEC, ADC/SBB, SALC): inline for every known cc op, the
 * helper only for CC_OP_DYNAMIC. */
IrTemp lift_cf(DisasContext *s)
{
    int op = s->cc_op;
    unsigned size = cc_size(op);
    switch (cc_class(op)) {
    case CLS_ADD:
        return lift_setcond(s, IR_COND_LTU, G_CC_DST, G_CC_SRC);
    case CLS_ADC:
    case CLS_SBB: {
        /* With a carry (borrow) in, equality carries too: ADC compares dst
         * with src, SBB first = dst + src + src2 with src. cc_src2 is the
         * 0/1 lift_cf gave the instruction. */
        IrTemp a = G_CC_DST;
        if (cc_class(op) == CLS_SBB) {
            IrTemp sum = lift_op2(s, IR_ADD, lift_op2(s, IR_ADD, G_CC_DST, G_CC_SRC), G_CC_SRC2);
            a = lift_trunc(s, sum, size);
        }
        IrTemp le = lift_setcond(s, IR_COND_LEU, a, G_CC_SRC);
        IrTemp lt = lift_setcond(s, IR_COND_LTU, a, G_CC_SRC);
        return lift_movcond(s, IR_COND_NE, G_CC_SRC2, lift_const(s, 0), le, lt);
    }
    case CLS_SUB:
        return lift_setcond(s, IR_COND_LTU, sub_first(s, size), G_CC_SRC);
    case CLS_LOGIC:
        return lift_const(s, 0);
    case CLS_INC:
    case CLS_DEC: {
        IrTemp d = lift_tmp(s);
        lift_mov(s, d, G_CC_SRC);
        return d;
    }
    case CLS_SHL:
        return lift_extract(s, G_CC_SRC, size * 8 - 1, 1, false);
    case CLS_SAR:
        return lift_op2i(s, IR_AND, G_CC_SRC, 1);
    case CLS_MUL:
        return lift_setcond(s, IR_COND_NE, G_CC_SRC, lift_const(s, 0));
    case CLS_BMILG:
        return lift_setcond(s, IR_COND_EQ, G_CC_SRC, lift_const(s, 0));
    case CLS_EFLAGS:
        return lift_op2i(s, IR_AND, G_CC_SRC, EFLAGS_CF);
    default: {
        IrTemp in[4] = {cc_op_value(s), G_CC_DST, G_CC_SRC, G_CC_SRC2};
        return lift_call(s, &helper_cc_compute_c_desc, in);
    }
    }
}

IrCond lift_cond_invert(IrCond c)
{
    switch (c) {
    case IR_COND_NEVER:
        return IR_COND_ALWAYS;
    case IR_COND_ALWAYS:
        return IR_COND_NEVER;
    case IR_COND_EQ:
        return IR_COND_NE;
    case IR_COND_NE:
        return IR_COND_EQ;
    case IR_COND_LT:
        return IR_COND_GE;
    case IR_COND_GE:
        return IR_COND_LT;
    case IR_COND_LE:
        return IR_COND_GT;
    case IR_COND_GT:
        return IR_COND_LE;
    case IR_COND_LTU:
        return IR_COND_GEU;
    case IR_COND_GEU:
        return IR_COND_LTU;
    case IR_COND_LEU:
        return IR_COND_GTU;
    case IR_COND_GTU:
        return IR_COND_LEU;
    case IR_COND_TSTEQ:
        return IR_COND_TSTNE;
    case IR_COND_TSTNE:
    default:
        return IR_COND_TSTEQ;
    }
}

static LiftCond mk(IrCond c, IrTemp a, IrTemp b)
{
    return (LiftCond){c, a, b};
}

/* A condition on the bits of a full EFLAGS value e. */
static LiftCond cond_from_eflags(DisasContext *s, unsigned base, IrTemp e)
{
    static const uint32_t masks[8] = {
        EFLAGS_OF, EFLAGS_CF, EFLAGS_ZF, EFLAGS_CF | EFLAGS_ZF, EFLAGS_SF, EFLAGS_PF, 0, 0,
    };
    if (base < 6) {
        return mk(IR_COND_TSTNE, e, lift_const(s, masks[base]));
    }
    /* L: SF != OF, LE: ZF or SF != OF. With y = e ^ (e >> 4), bit 7 of y
     * is SF ^ OF and bit 6 is ZF (bit 10, DF, is never in e). */
    IrTemp y = lift_op2(s, IR_XOR, e, lift_op2i(s, IR_SHR, e, 4));
    return mk(IR_COND_TSTNE, y, lift_const(s, base == 6 ? 0x80 : 0xc0));
}

/* Z, S and P from cc_dst (a result zero-extended from size bytes). */
static LiftCond cond_from_dst(DisasContext *s, unsigned base, unsigned size)
{
    IrTemp zero = lift_const(s, 0);
    switch (base) {
    case 2: /* E */
        return mk(IR_COND_EQ, G_CC_DST, zero);
    case 4: /* S */
        if (size == 8) {
            return mk(IR_COND_LT, G_CC_DST, zero);
        }
        return mk(IR_COND_TSTNE, G_CC_DST, lift_const(s, 1ull << (size * 8 - 1)));
    default: { /* 5: P, set for an even number of ones in the low byte */
        IrTemp n = lift_op1(s, IR_CTPOP, lift_op1(s, IR_EXT8U, G_CC_DST));
        return mk(IR_COND_TSTEQ, n, lift_const(s, 1));
    }
    }
}

/* The base condition (cc >> 1) for a known cc op, or false. */
static bool cond_inline(DisasContext *s, unsigned base, LiftCond *out)
{
    int op = s->cc_op;
    int cls = cc_class(op);
    if (cls == CLS_DYNAMIC || cls == CLS_EFLAGS) {
        return false;
    }
    unsigned size = cc_size(op);
    IrTemp zero;
    if (base == 2 || base == 4 || base == 5) {
        *out = cond_from_dst(s, base, size);
        return true;
    }
    switch (cls) {
    case CLS_SUB: {
        if (base == 0) {
            return false;
        }
        IrTemp first = sub_first(s, size);
        if (base == 1) {
            *out = mk(IR_COND_LTU, first, G_CC_SRC);
        } else if (base == 3) {
            *out = mk(IR_COND_LEU, first, G_CC_SRC);
        } else {
            IrTemp a = lift_sext(s, first, size);
            IrTemp b = size == 8 ? G_CC_SRC : lift_sext(s, G_CC_SRC, size);
            *out = mk(base == 6 ? IR_COND_LT : IR_COND_LE, a, b);
        }
        return true;
    }
    case CLS_LOGIC:
        zero = lift_const(s, 0);
        if (base == 0 || base == 1) { /* OF = CF = 0 */
            *out = mk(IR_COND_NEVER, zero, zero);
        } else if (base == 3) {
            *out = mk(IR_COND_EQ, G_CC_DST, zero);
        } else {
            IrTemp a = size == 8 ? G_CC_DST : lift_sext(s, G_CC_DST, size);
            *out = mk(base == 6 ? IR_COND_LT : IR_COND_LE, a, zero);
        }
        return true;
    case CLS_ADD:
        if (base == 1) {
            *out = mk(IR_COND_LTU, G_CC_DST, G_CC_SRC);
            return true;
        }
        return false;
    case CLS_INC:
    case CLS_DEC:
        if (base == 1) {
            *out = mk(IR_COND_NE, G_CC_SRC, lift_const(s, 0));
            return true;
        }
        return false;
    case CLS_SHL:
        if (base == 1) {
            *out = mk(IR_COND_TSTNE, G_CC_SRC, lift_const(s, 1ull << (size * 8 - 1)));
            return true;
        }
        return false;
    case CLS_SAR:
        if (base == 1) {
            *out = mk(IR_COND_TSTNE, G_CC_SRC, lift_const(s, 1));
            return true;
        }
        return false;
    case CLS_MUL:
        if (base == 0 || base == 1) {
            *out = mk(IR_COND_NE, G_CC_SRC, lift_const(s, 0));
            return true;
        }
        return false;
    case CLS_BMILG:
        if (base == 1) {
            *out = mk(IR_COND_EQ, G_CC_SRC, lift_const(s, 0));
            return true;
        }
        if (base == 0) {
            zero = lift_const(s, 0);
            *out = mk(IR_COND_NEVER, zero, zero);
            return true;
        }
        return false;
    default:
        return false;
    }
}

LiftCond lift_cond(DisasContext *s, unsigned cc)
{
    unsigned base = cc >> 1;
    LiftCond c;
    if (!cond_inline(s, base, &c)) {
        IrTemp e;
        if (s->cc_op == CC_OP_EFLAGS) {
            e = G_CC_SRC;
        } else {
            e = lift_eflags(s);
        }
        c = cond_from_eflags(s, base, e);
    }
    if (cc & 1) {
        c.cond = lift_cond_invert(c.cond);
    }
    return c;
}

IrTemp lift_cond_value(DisasContext *s, unsigned cc)
{
    LiftCond c = lift_cond(s, cc);
    return lift_setcond(s, c.cond, c.a, c.b);
}

/* ---- instructions on the flags ------------------------------------------------ */

#define EFLAGS_LAHF (EFLAGS_SF | EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF | EFLAGS_CF)

/* LAHF: AH = SF:ZF:0:AF:0:PF:1:CF (SDM Vol. 2A LAHF). */
void lift_lahf(DisasContext *s, const X86Insn *in)
{
    (void)in;
    IrTemp v = lift_op2i(s, IR_AND, lift_eflags(s), EFLAGS_LAHF);
    v = lift_op2i(s, IR_OR, v, EFLAGS_FIXED1);
    lift_reg_write(s, X86_R_AH, v);
}

/* SAHF: SF ZF AF PF CF from AH; OF stays. */
void lift_sahf(DisasContext *s, const X86Insn *in)
{
    (void)in;
    IrTemp ah = lift_reg_read(s, X86_R_AH);
    IrTemp keep = lift_op2i(s, IR_AND, lift_eflags(s), EFLAGS_OF);
    IrTemp v = lift_op2(s, IR_OR, keep, lift_op2i(s, IR_AND, ah, EFLAGS_LAHF));
    lift_flags_eflags(s, v);
}

/* CLC STC CMC (on the lazy flags) and CLD STD (the df global). */
void lift_flag_op(DisasContext *s, const X86Insn *in)
{
    IrTemp v;
    switch (in->mnem) {
    case X86_I_CLD:
        ir_movi(s->f, G_DF, 1);
        return;
    case X86_I_STD:
        ir_movi(s->f, G_DF, (uint32_t)-1);
        return;
    case X86_I_CLC:
        v = lift_op2i(s, IR_AND, lift_eflags(s), ~(uint64_t)EFLAGS_CF);
        break;
    case X86_I_STC:
        v = lift_op2i(s, IR_OR, lift_eflags(s), EFLAGS_CF);
        break;
    default: /* CMC */
        v = lift_op2i(s, IR_XOR, lift_eflags(s), EFLAGS_CF);
        break;
    }
    lift_flags_eflags(s, v);
}
