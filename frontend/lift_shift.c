/*
 * lift_shift.c — shifts and rotates: SHL/SAL SHR SAR, ROL ROR, RCL RCR,
 * SHLD SHRD, by 1, CL or imm8.
 *
 * The count is masked to 5 bits (6 with a 64-bit operand), and a masked
 * count of 0 changes no flag (SDM Vol. 2B SAL/SAR/SHL/SHR, "Flags
 * Affected"). With an immediate count that is known here; with CL the new
 * lazy state is selected by MOVCOND against the old one, so the block stays
 * straight-line. Rotates change only CF and OF, so they produce EFLAGS from
 * the old flags. RCL/RCR go through two pure helpers of this file (result,
 * flags): they are rare and their (n+1)-bit rotation is awkward in IR.
 */
#include "frontend/translate_internal.h"

static unsigned count_mask(unsigned size)
{
    return size == 8 ? 63 : 31;
}

/* The masked count: a constant (*imm set, returns IR_NO_TEMP) or CL. */
static IrTemp shift_count(DisasContext *s, const X86Operand *o, unsigned size, unsigned *imm)
{
    if (o->kind == X86_OPND_IMM) {
        *imm = (unsigned)s->insn->imm & count_mask(size);
        return IR_NO_TEMP;
    }
    return lift_op2i(s, IR_AND, lift_gpr(R_ECX), count_mask(size));
}

/* Commit a shift's lazy flags: unconditionally for a constant count, or
 * only when cnt != 0. */
static void shift_flags(DisasContext *s, CcOp op, IrTemp r, IrTemp src, IrTemp cnt)
{
    if (cnt == IR_NO_TEMP) {
        lift_flags(s, op, r, src);
        return;
    }
    IrTemp zero = lift_const(s, 0);
    IrTemp dst = lift_movcond(s, IR_COND_NE, cnt, zero, r, G_CC_DST);
    IrTemp nsrc = lift_movcond(s, IR_COND_NE, cnt, zero, src, G_CC_SRC);
    IrTemp cnt32 = ir_temp(s->f, IR_I32);
    ir_op1(s->f, IR_EXTRL_I64_I32, cnt32, cnt);
    IrTemp zero32 = lift_const32(s, 0);
    IrTemp newop = lift_const32(s, (uint32_t)op);
    IrTemp ccop = ir_temp(s->f, IR_I32);
    IrOp *mc = ir_emit(s->f, IR_MOVCOND, IR_I32);
    mc->args[0] = ccop;
    mc->args[1] = cnt32;
    mc->args[2] = zero32;
    mc->args[3] = newop;
    mc->args[4] = G_CC_OP;
    mc->args[5] = IR_COND_NE;
    lift_mov(s, G_CC_DST, dst);
    lift_mov(s, G_CC_SRC, nsrc);
    lift_mov(s, G_CC_OP, ccop);
    s->cc_op = CC_OP_DYNAMIC;
}

/* A count-0 shift by immediate: no flags, but the operand is still
 * written: a 32-bit register is zero-extended, and memory sees a write
 * cycle, so a read-only page faults as on hardware. */
static void shift_by_zero(DisasContext *s, const X86Insn *in, IrTemp a)
{
    (void)in;
    lift_store_op(s, 0, a);
}

void lift_shift(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    unsigned imm = 0;
    IrTemp a = lift_load_op(s, 0);
    IrTemp cnt = shift_count(s, &in->ops[1], size, &imm);
    IrTemp c, cm1, r, src;
    CcOp op;

    if (cnt == IR_NO_TEMP) {
        if (imm == 0) {
            shift_by_zero(s, in, a);
            return;
        }
        c = lift_const(s, imm);
        cm1 = lift_const(s, imm - 1);
    } else {
        c = cnt;
        cm1 = lift_op2i(s, IR_SUB, cnt, 1);
    }
    switch (in->mnem) {
    case X86_I_SHL:
    case X86_I_SAL:
        r = lift_trunc(s, lift_op2(s, IR_SHL, a, c), size);
        src = lift_trunc(s, lift_op2(s, IR_SHL, a, cm1), size);
        op = cc_op_sized(CC_OP_SHLB, size);
        break;
    case X86_I_SHR:
        r = lift_op2(s, IR_SHR, a, c);
        src = lift_op2(s, IR_SHR, a, cm1);
        op = cc_op_sized(CC_OP_SARB, size);
        break;
    default: { /* SAR */
        IrTemp sa = lift_sext(s, a, size);
        r = lift_trunc(s, lift_op2(s, IR_SAR, sa, c), size);
        src = lift_trunc(s, lift_op2(s, IR_SAR, sa, cm1), size);
        op = cc_op_sized(CC_OP_SARB, size);
        break;
    }
    }
    lift_store_op(s, 0, r);
    shift_flags(s, op, r, src, cnt);
}

/* ROL/ROR: CF is the bit rotated last (LSB / MSB of the result), OF the
 * XOR of it with the result's MSB (ROL) or of the two top bits (ROR). */
void lift_rotate(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    unsigned bits = size * 8;
    bool left = in->mnem == X86_I_ROL;
    unsigned imm = 0;
    IrTemp a = lift_load_op(s, 0);
    IrTemp cnt = shift_count(s, &in->ops[1], size, &imm);
    IrTemp rc, r;

    if (cnt == IR_NO_TEMP) {
        if (imm == 0) {
            shift_by_zero(s, in, a);
            return;
        }
        rc = lift_const(s, imm % bits);
    } else {
        rc = size >= 4 ? cnt : lift_op2i(s, IR_AND, cnt, bits - 1);
    }
    if (size == 8) {
        r = lift_op2(s, left ? IR_ROTL : IR_ROTR, a, rc);
    } else {
        /* a is zero-extended: a >> bits is 0, so rc = 0 needs no care */
        IrTemp back = lift_op2(s, IR_SUB, lift_const(s, bits), rc);
        IrTemp hi = lift_op2(s, left ? IR_SHL : IR_SHR, a, rc);
        IrTemp lo = lift_op2(s, left ? IR_SHR : IR_SHL, a, back);
        r = lift_trunc(s, lift_op2(s, IR_OR, hi, lo), size);
    }
    /* A count of 0 leaves every flag (all of them needed); otherwise CF
     * and OF are replaced and the rest carried over. */
    IrTemp e = cnt == IR_NO_TEMP ? lift_eflags_szap(s) : lift_eflags(s);
    lift_store_op(s, 0, r);

    IrTemp msb = lift_extract(s, r, bits - 1, 1, false);
    IrTemp cf, of;
    if (left) {
        cf = lift_op2i(s, IR_AND, r, 1);
        of = lift_op2(s, IR_XOR, msb, cf);
    } else {
        cf = msb;
        of = lift_op2(s, IR_XOR, msb, lift_extract(s, r, bits - 2, 1, false));
    }
    IrTemp ne = lift_op2i(s, IR_AND, e, ~(uint64_t)(EFLAGS_CF | EFLAGS_OF));
    ne = lift_op2(s, IR_OR, ne, cf);
    ne = lift_op2(s, IR_OR, ne, lift_op2i(s, IR_SHL, of, 11));
    if (cnt != IR_NO_TEMP) {
        ne = lift_movcond(s, IR_COND_NE, cnt, lift_const(s, 0), ne, e);
    }
    lift_flags_eflags(s, ne);
}

/* ---- RCL / RCR -------------------------------------------------------------------- */

/* Rotate value (size bytes) through CF by count (already masked to 5/6
 * bits) as SDM Vol. 2B RCL/RCR describe; returns the result and sets *flags
 * to the new EFLAGS (CF, OF changed when count != 0). */
static uint64_t rotate_carry(uint64_t value, uint64_t eflags, uint32_t count, uint32_t desc,
                             uint64_t *flags)
{
    unsigned size = desc & 0xff;
    bool right = (desc >> 8) & 1;
    unsigned bits = size * 8;
    uint64_t mask = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
    uint64_t v = value & mask;
    uint64_t cf = eflags & EFLAGS_CF;
    unsigned n = count;

    *flags = eflags;
    if (count == 0) {
        return v;
    }
    if (size == 1) {
        n %= 9;
    } else if (size == 2) {
        n %= 17;
    }
    uint64_t of = 0;
    if (right) {
        of = ((v >> (bits - 1)) ^ cf) & 1; /* before the rotation */
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t out;
        if (right) {
            out = v & 1;
            v = (v >> 1) | (cf << (bits - 1));
        } else {
            out = (v >> (bits - 1)) & 1;
            v = ((v << 1) | cf) & mask;
        }
        cf = out;
    }
    if (!right) {
        of = ((v >> (bits - 1)) ^ cf) & 1;
    }
    *flags = (eflags & ~(uint64_t)(EFLAGS_CF | EFLAGS_OF)) | cf | (of << 11);
    return v;
}

static uint64_t lift_helper_rcx(CpuState *env, uint64_t value, uint64_t eflags, uint32_t count,
                                uint32_t desc)
{
    (void)env;
    uint64_t flags;
    return rotate_carry(value, eflags, count, desc, &flags);
}

static uint64_t lift_helper_rcx_flags(CpuState *env, uint64_t value, uint64_t eflags,
                                      uint32_t count, uint32_t desc)
{
    (void)env;
    uint64_t flags;
    rotate_carry(value, eflags, count, desc, &flags);
    return flags;
}

static const IrHelper helper_rcx_desc = {
    .name = "rcx",
    .fn = (void *)lift_helper_rcx,
    .ret = IR_I64,
    .nargs = 4,
    .arg_types = {IR_I64, IR_I64, IR_I32, IR_I32},
    .flags = IR_HELPER_PURE,
};

static const IrHelper helper_rcx_flags_desc = {
    .name = "rcx_flags",
    .fn = (void *)lift_helper_rcx_flags,
    .ret = IR_I64,
    .nargs = 4,
    .arg_types = {IR_I64, IR_I64, IR_I32, IR_I32},
    .flags = IR_HELPER_PURE,
};

void lift_rcx(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    unsigned imm = 0;
    IrTemp a = lift_load_op(s, 0);
    IrTemp cnt = shift_count(s, &in->ops[1], size, &imm);
    if (cnt == IR_NO_TEMP) {
        if (imm == 0) {
            shift_by_zero(s, in, a);
            return;
        }
        cnt = lift_const(s, imm);
    }
    IrTemp desc = lift_const(s, size | (in->mnem == X86_I_RCR ? 0x100u : 0));
    IrTemp e = lift_eflags(s);
    IrTemp r = lift_call4(s, &helper_rcx_desc, a, e, cnt, desc);
    IrTemp ne = lift_call4(s, &helper_rcx_flags_desc, a, e, cnt, desc);
    lift_store_op(s, 0, r);
    lift_flags_eflags(s, ne);
}

/* ---- SHLD / SHRD ---------------------------------------------------------------------- */

/*
 * The double shifts as one 64-bit shift of a concatenation. 16-bit
 * operands shift dst:src:dst, which is what processors do for counts of
 * 16..31 (undefined in the SDM). cc_src is the result of shifting by
 * count-1, so CF and OF come out as for SHL (SHLD) and SHR (SHRD).
 */
void lift_shxd(DisasContext *s, const X86Insn *in)
{
    unsigned size = in->ops[0].size;
    bool left = in->mnem == X86_I_SHLD;
    unsigned imm = 0;
    IrTemp d = lift_load_op(s, 0);
    IrTemp src = lift_load_op(s, 1);
    IrTemp cnt = shift_count(s, &in->ops[2], size, &imm);
    IrTemp c, cm1, r, ccs;

    if (cnt == IR_NO_TEMP) {
        if (imm == 0) {
            shift_by_zero(s, in, d);
            return;
        }
        c = lift_const(s, imm);
        cm1 = lift_const(s, imm - 1);
    } else {
        c = cnt;
        cm1 = lift_op2i(s, IR_SUB, cnt, 1);
    }
    if (size == 8) {
        /* r = d << c | src >> (64 - c), written so no shift reaches 64 */
        IrOpcode toward = left ? IR_SHL : IR_SHR, from = left ? IR_SHR : IR_SHL;
        IrTemp s1 = lift_op2i(s, from, src, 1);
        IrTemp b63 = lift_op2(s, IR_SUB, lift_const(s, 63), c);
        IrTemp b64 = lift_op2(s, IR_SUB, lift_const(s, 64), c);
        r = lift_op2(s, IR_OR, lift_op2(s, toward, d, c), lift_op2(s, from, s1, b63));
        ccs = lift_op2(s, IR_OR, lift_op2(s, toward, d, cm1), lift_op2(s, from, s1, b64));
    } else if (left) {
        IrTemp t;
        unsigned top = 64 - size * 8;
        if (size == 4) {
            t = lift_op2(s, IR_OR, lift_op2i(s, IR_SHL, d, 32), src);
        } else {
            t = lift_op2(s, IR_OR, lift_op2i(s, IR_SHL, d, 48), lift_op2i(s, IR_SHL, src, 32));
            t = lift_op2(s, IR_OR, t, lift_op2i(s, IR_SHL, d, 16));
        }
        r = lift_op2i(s, IR_SHR, lift_op2(s, IR_SHL, t, c), top);
        ccs = lift_op2i(s, IR_SHR, lift_op2(s, IR_SHL, t, cm1), top);
    } else {
        IrTemp t;
        if (size == 4) {
            t = lift_op2(s, IR_OR, lift_op2i(s, IR_SHL, src, 32), d);
        } else {
            t = lift_op2(s, IR_OR, d, lift_op2i(s, IR_SHL, src, 16));
            t = lift_op2(s, IR_OR, t, lift_op2i(s, IR_SHL, d, 32));
        }
        r = lift_trunc(s, lift_op2(s, IR_SHR, t, c), size);
        ccs = lift_trunc(s, lift_op2(s, IR_SHR, t, cm1), size);
    }
    lift_store_op(s, 0, r);
    shift_flags(s, cc_op_sized(left ? CC_OP_SHLB : CC_OP_SARB, size), r, ccs, cnt);
}
