/*
 * lift_alu.c — integer arithmetic and logic: the ALU group (ADD OR ADC SBB
 * AND SUB XOR CMP), TEST, INC/DEC, NEG/NOT, MUL/IMUL in all three forms,
 * DIV/IDIV (helpers), XADD, CMPXCHG, CMPXCHG8B/16B.
 *
 * Order inside an instruction (ir.h): loads, then the store to memory, then
 * register and flag globals. LOCK needs nothing extra while a TB runs alone
 * on its vCPU: one vCPU sees its own read-modify-write as atomic, and that
 * is all rx86 runs today. CMPXCHG8B/16B are two plain accesses for the same
 * reason (not atomic against a second vCPU or a device).
 */
#include "frontend/translate_internal.h"

/* Both operands the same register: XOR r,r and SUB r,r give 0 whatever r
 * held (the idiom compilers use to clear a register). */
static bool same_reg_operands(const X86Insn *in)
{
    return in->ops[0].kind == X86_OPND_REG && in->ops[1].kind == X86_OPND_REG &&
           in->ops[0].reg == in->ops[1].reg;
}

void lift_arith(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    unsigned m = in->mnem;
    IrTemp a, b, r, cin = IR_NO_TEMP;

    if ((m == X86_I_XOR || m == X86_I_SUB) && same_reg_operands(in)) {
        r = lift_const(s, 0);
        lift_store_op(s, 0, r);
        if (m == X86_I_XOR) {
            lift_flags(s, cc_op_sized(CC_OP_LOGICB, size), r, IR_NO_TEMP);
        } else {
            lift_flags(s, cc_op_sized(CC_OP_SUBB, size), r, r); /* first = second = 0 */
        }
        return;
    }
    a = lift_load_op(s, 0);
    b = lift_load_op(s, 1);
    switch (m) {
    case X86_I_ADD:
        r = lift_op2(s, IR_ADD, a, b);
        break;
    case X86_I_ADC:
        cin = lift_cf(s);
        r = lift_op2(s, IR_ADD, lift_op2(s, IR_ADD, a, b), cin);
        break;
    case X86_I_SUB:
    case X86_I_CMP:
        r = lift_op2(s, IR_SUB, a, b);
        break;
    case X86_I_SBB:
        cin = lift_cf(s);
        r = lift_op2(s, IR_SUB, lift_op2(s, IR_SUB, a, b), cin);
        break;
    case X86_I_AND:
        r = lift_op2(s, IR_AND, a, b);
        break;
    case X86_I_OR:
        r = lift_op2(s, IR_OR, a, b);
        break;
    default: /* XOR */
        r = lift_op2(s, IR_XOR, a, b);
        break;
    }
    r = lift_trunc(s, r, size);
    if (m != X86_I_CMP) {
        lift_store_op(s, 0, r);
    }
    switch (m) {
    case X86_I_ADD:
        lift_flags(s, cc_op_sized(CC_OP_ADDB, size), r, b);
        break;
    case X86_I_ADC:
        lift_flags3(s, cc_op_sized(CC_OP_ADCB, size), r, b, cin);
        break;
    case X86_I_SUB:
    case X86_I_CMP:
        lift_flags_sub(s, cc_op_sized(CC_OP_SUBB, size), r, b, a);
        break;
    case X86_I_SBB:
        lift_flags3(s, cc_op_sized(CC_OP_SBBB, size), r, b, cin);
        break;
    default:
        lift_flags(s, cc_op_sized(CC_OP_LOGICB, size), r, IR_NO_TEMP);
        break;
    }
}

void lift_test(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    IrTemp a = lift_load_op(s, 0);
    IrTemp r = same_reg_operands(in) ? a : lift_op2(s, IR_AND, a, lift_load_op(s, 1));
    lift_flags(s, cc_op_sized(CC_OP_LOGICB, size), r, IR_NO_TEMP);
}

/* INC/DEC keep CF: cc_src holds it (cpu.h). */
void lift_incdec(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    bool inc = in->mnem == X86_I_INC;
    IrTemp a = lift_load_op(s, 0);
    IrTemp cf = lift_cf(s);
    IrTemp r = lift_trunc(s, lift_op2i(s, inc ? IR_ADD : IR_SUB, a, 1), size);
    lift_store_op(s, 0, r);
    lift_flags(s, cc_op_sized(inc ? CC_OP_INCB : CC_OP_DECB, size), r, cf);
}

/* NEG is 0 - x: SUB flags with first = 0, second = x. */
void lift_neg(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    IrTemp a = lift_load_op(s, 0);
    IrTemp r = lift_trunc(s, lift_op1(s, IR_NEG, a), size);
    lift_store_op(s, 0, r);
    lift_flags(s, cc_op_sized(CC_OP_SUBB, size), r, a);
}

void lift_not(DisasContext *s, const X86Insn *in)
{
    IrTemp a = lift_load_op(s, 0);
    lift_store_op(s, 0, lift_op1(s, IR_NOT, a));
}

/* The high-half significance of a signed product prod (exact in 64 bits)
 * of size-byte operands: nonzero iff it does not fit in size bytes. */
static IrTemp imul_overflow(DisasContext *s, IrTemp prod, unsigned size)
{
    return lift_op2(s, IR_SUB, prod, lift_sext(s, prod, size));
}

/* MUL / IMUL with one operand: rDX:rAX (AX for bytes) = rAX * src. */
static void mul_one(DisasContext *s, const X86Insn *in, bool sign)
{
    unsigned size = in->ops[0].size;
    IrTemp src = lift_load_op(s, 0);
    IrTemp acc = lift_gpr_read(s, R_EAX, size);
    IrTemp lo, hi, sig;

    if (size == 8) {
        lo = lift_tmp(s);
        hi = lift_tmp(s);
        IrOp *op = ir_emit(s->f, sign ? IR_MULS2 : IR_MULU2, IR_I64);
        op->args[0] = lo;
        op->args[1] = hi;
        op->args[2] = acc;
        op->args[3] = src;
        sig = sign ? lift_op2(s, IR_SUB, hi, lift_op2i(s, IR_SAR, lo, 63)) : hi;
    } else {
        IrTemp prod = sign ? lift_op2(s, IR_MUL, lift_sext(s, acc, size), lift_sext(s, src, size))
                           : lift_op2(s, IR_MUL, acc, src);
        lo = lift_trunc(s, prod, size);
        hi = lift_extract(s, prod, size * 8, size * 8, false);
        sig = sign ? imul_overflow(s, prod, size) : hi;
    }
    if (size == 1) {
        lift_gpr_write(s, R_EAX, 2,
                       lift_op1(s, IR_EXT16U, lift_op2(s, IR_OR, lo, lift_op2i(s, IR_SHL, hi, 8))));
    } else {
        lift_gpr_write(s, R_EAX, size, lo);
        lift_gpr_write(s, R_EDX, size, hi);
    }
    lift_flags(s, cc_op_sized(CC_OP_MULB, size), lo, sig);
}

void lift_mul(DisasContext *s, const X86Insn *in)
{
    mul_one(s, in, false);
}

/* IMUL: one operand, or G = G * E, or G = E * imm (SDM Vol. 2A IMUL). */
void lift_imul(DisasContext *s, const X86Insn *in)
{
    if (in->nops == 1) {
        mul_one(s, in, true);
        return;
    }
    unsigned size = in->ops[0].size;
    IrTemp a, b, r, sig;
    if (in->nops == 2) {
        a = lift_load_op(s, 0);
        b = lift_load_op(s, 1);
    } else {
        a = lift_load_op(s, 1);
        b = lift_imm(s, size);
    }
    if (size == 8) {
        IrTemp hi = lift_tmp(s);
        r = lift_tmp(s);
        IrOp *op = ir_emit(s->f, IR_MULS2, IR_I64);
        op->args[0] = r;
        op->args[1] = hi;
        op->args[2] = a;
        op->args[3] = b;
        sig = lift_op2(s, IR_SUB, hi, lift_op2i(s, IR_SAR, r, 63));
    } else {
        IrTemp prod = lift_op2(s, IR_MUL, lift_sext(s, a, size), lift_sext(s, b, size));
        r = lift_trunc(s, prod, size);
        sig = imul_overflow(s, prod, size);
    }
    lift_reg_write(s, in->ops[0].reg, r);
    lift_flags(s, cc_op_sized(CC_OP_MULB, size), r, sig);
}

/* DIV/IDIV: the helpers divide rDX:rAX in env and raise #DE. The flags are
 * undefined afterwards (SDM): the lazy state is left as it was. */
void lift_div(DisasContext *s, const X86Insn *in)
{
    static const IrHelper *const divu[4] = {
        &helper_divb_desc,
        &helper_divw_desc,
        &helper_divl_desc,
        &helper_divq_desc,
    };
    static const IrHelper *const divs[4] = {
        &helper_idivb_desc,
        &helper_idivw_desc,
        &helper_idivl_desc,
        &helper_idivq_desc,
    };
    unsigned size = in->ops[0].size;
    unsigned i = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
    IrTemp d = lift_load_op(s, 0);
    lift_call1(s, in->mnem == X86_I_IDIV ? divs[i] : divu[i], d);
}

/* XADD: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP (SDM Vol. 2B XADD). */
void lift_xadd(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    IrTemp a = lift_load_op(s, 0);
    IrTemp b = lift_load_op(s, 1);
    IrTemp r = lift_trunc(s, lift_op2(s, IR_ADD, a, b), size);
    if (in->ops[0].kind == X86_OPND_MEM) {
        lift_store_op(s, 0, r);
        lift_store_op(s, 1, a);
    } else {
        lift_store_op(s, 1, a);
        lift_store_op(s, 0, r);
    }
    lift_flags(s, cc_op_sized(CC_OP_ADDB, size), r, b);
}

/*
 * CMPXCHG (SDM Vol. 2A): TEMP = DEST; if accumulator = TEMP, DEST = SRC;
 * else accumulator = TEMP and DEST = TEMP. The destination is written
 * either way (memory always sees a write cycle); flags as CMP acc, DEST.
 */
void lift_cmpxchg(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    IrTemp d = lift_load_op(s, 0);
    IrTemp src = lift_load_op(s, 1);
    IrTemp acc = lift_gpr_read(s, R_EAX, size);
    IrTemp nd = lift_movcond(s, IR_COND_EQ, acc, d, src, d);
    if (in->ops[0].kind == X86_OPND_MEM) {
        lift_store_op(s, 0, nd);
    }
    IrTemp acc_full = lift_gpr_merge(s, R_EAX, size, d);
    IrTemp new_rax = lift_movcond(s, IR_COND_EQ, acc, d, lift_gpr(R_EAX), acc_full);
    lift_mov(s, lift_gpr(R_EAX), new_rax);
    if (in->ops[0].kind == X86_OPND_REG) {
        lift_store_op(s, 0, nd);
    }
    IrTemp r = lift_trunc(s, lift_op2(s, IR_SUB, acc, d), size);
    lift_flags(s, cc_op_sized(CC_OP_SUBB, size), r, d);
}

/*
 * CMPXCHG8B m64 / CMPXCHG16B m128: compare rDX:rAX with the memory; equal:
 * store rCX:rBX, ZF = 1; else load it into rDX:rAX, ZF = 0. Memory is
 * written either way. CMPXCHG16B wants 16-byte alignment (#GP(0)). Two
 * plain accesses, not atomic (one vCPU: see the file comment).
 */
void lift_cmpxchg8b(DisasContext *s, const X86Insn *in)
{
    bool wide = in->mnem == X86_I_CMPXCHG16B;
    IrTemp ea = lift_ea(s);
    IrTemp lo, hi, eq, newlo, newhi;

    if (wide) {
        IrTemp loc = ir_temp_local(s->f, IR_I64);
        lift_mov(s, loc, ea);
        IrLabel ok = ir_label_new(s->f);
        lift_brcond(s, IR_COND_TSTEQ, loc, lift_const(s, 15), ok);
        lift_call2(s, &helper_raise_exception_err_desc, lift_const(s, EXC_GP), lift_const(s, 0));
        lift_label(s, ok);
        ea = loc;
        IrTemp ea8 = lift_op2i(s, IR_ADD, ea, 8);
        lo = lift_qld(s, ea, 8, false);
        hi = lift_qld(s, ea8, 8, false);
        IrTemp xl = lift_op2(s, IR_XOR, lo, lift_gpr(R_EAX));
        IrTemp xh = lift_op2(s, IR_XOR, hi, lift_gpr(R_EDX));
        eq = lift_setcond(s, IR_COND_EQ, lift_op2(s, IR_OR, xl, xh), lift_const(s, 0));
        IrTemp zero = lift_const(s, 0);
        newlo = lift_movcond(s, IR_COND_NE, eq, zero, lift_gpr(R_EBX), lo);
        newhi = lift_movcond(s, IR_COND_NE, eq, zero, lift_gpr(R_ECX), hi);
        IrTemp fl = lift_eflags(s);
        lift_qst(s, ea, newlo, 8);
        lift_qst(s, ea8, newhi, 8);
        lift_mov(s, lift_gpr(R_EAX), lift_movcond(s, IR_COND_NE, eq, zero, lift_gpr(R_EAX), lo));
        lift_mov(s, lift_gpr(R_EDX), lift_movcond(s, IR_COND_NE, eq, zero, lift_gpr(R_EDX), hi));
        fl = lift_op2(s, IR_OR, lift_op2i(s, IR_AND, fl, ~(uint64_t)EFLAGS_ZF),
                      lift_op2i(s, IR_SHL, eq, 6));
        lift_flags_eflags(s, fl);
        return;
    }
    IrTemp m = lift_qld(s, ea, 8, false);
    IrTemp edx_eax = lift_deposit(s, lift_gpr(R_EAX), lift_gpr(R_EDX), 32, 32);
    IrTemp ecx_ebx = lift_deposit(s, lift_gpr(R_EBX), lift_gpr(R_ECX), 32, 32);
    eq = lift_setcond(s, IR_COND_EQ, m, edx_eax);
    IrTemp zero = lift_const(s, 0);
    IrTemp nm = lift_movcond(s, IR_COND_NE, eq, zero, ecx_ebx, m);
    IrTemp fl = lift_eflags(s);
    lift_qst(s, ea, nm, 8);
    lo = lift_op1(s, IR_EXT32U, m);
    hi = lift_op2i(s, IR_SHR, m, 32);
    /* on failure EDX:EAX are written (zero-extending in 64-bit mode) */
    lift_mov(s, lift_gpr(R_EAX), lift_movcond(s, IR_COND_NE, eq, zero, lift_gpr(R_EAX), lo));
    lift_mov(s, lift_gpr(R_EDX), lift_movcond(s, IR_COND_NE, eq, zero, lift_gpr(R_EDX), hi));
    fl = lift_op2(s, IR_OR, lift_op2i(s, IR_AND, fl, ~(uint64_t)EFLAGS_ZF),
                  lift_op2i(s, IR_SHL, eq, 6));
    lift_flags_eflags(s, fl);
}
