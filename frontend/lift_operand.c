/*
 * lift_operand.c — the lifter's building blocks: small IR shapes
 * (extensions, bit fields, helper calls), general registers with the
 * partial-register rules, effective addresses with segment bases, and
 * generic operand load/store for the instruction groups.
 *
 * Registers (SDM Vol. 1 3.4.1.1): 8- and 16-bit writes leave the other bits
 * of the 64-bit register alone; 32-bit writes zero-extend to 64 bits. We do
 * that in every mode: outside 64-bit mode the upper half is never observed.
 *
 * Addresses (SDM Vol. 1 3.7.5, Vol. 3A 3.4.4): base + index*scale + disp
 * wraps at the address size; the segment base is added next (in 64-bit mode
 * only for FS and GS), and outside 64-bit mode the linear address wraps at
 * 32 bits.
 */
#include "frontend/translate_internal.h"

#include <stddef.h>

/* ---- small IR shapes ------------------------------------------------------ */

IrTemp lift_extract(DisasContext *s, IrTemp a, unsigned pos, unsigned len, bool sign)
{
    IrTemp d = lift_tmp(s);
    IrOp *op = ir_emit(s->f, sign ? IR_SEXTRACT : IR_EXTRACT, IR_I64);
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = pos;
    op->args[3] = len;
    return d;
}

IrTemp lift_deposit(DisasContext *s, IrTemp a, IrTemp b, unsigned pos, unsigned len)
{
    IrTemp d = lift_tmp(s);
    IrOp *op = ir_emit(s->f, IR_DEPOSIT, IR_I64);
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = b;
    op->args[3] = pos;
    op->args[4] = len;
    return d;
}

IrTemp lift_trunc(DisasContext *s, IrTemp a, unsigned size)
{
    switch (size) {
    case 1:
        return lift_op1(s, IR_EXT8U, a);
    case 2:
        return lift_op1(s, IR_EXT16U, a);
    case 4:
        return lift_op1(s, IR_EXT32U, a);
    default:
        return a;
    }
}

IrTemp lift_sext(DisasContext *s, IrTemp a, unsigned size)
{
    switch (size) {
    case 1:
        return lift_op1(s, IR_EXT8S, a);
    case 2:
        return lift_op1(s, IR_EXT16S, a);
    case 4:
        return lift_op1(s, IR_EXT32S, a);
    default:
        return a;
    }
}

IrTemp lift_ld_env(DisasContext *s, size_t offset, unsigned size)
{
    IrTemp d = lift_tmp(s);
    IrOp *op = ir_emit(s->f, IR_LD, IR_I64);
    op->args[0] = d;
    op->args[1] = offset;
    op->args[2] = size;
    return d;
}

void lift_st_env(DisasContext *s, size_t offset, IrTemp v, unsigned size)
{
    IrOp *op = ir_emit(s->f, IR_ST, IR_I64);
    op->args[0] = v;
    op->args[1] = offset;
    op->args[2] = size;
}

IrTemp lift_call(DisasContext *s, const IrHelper *h, const IrTemp *ins)
{
    IrTemp args[IR_HELPER_MAX_ARGS];
    for (unsigned i = 0; i < h->nargs; i++) {
        if (h->arg_types[i] == IR_I32 && ir_temp_type(s->f, ins[i]) == IR_I64) {
            args[i] = ir_temp(s->f, IR_I32);
            ir_op1(s->f, IR_EXTRL_I64_I32, args[i], ins[i]);
        } else {
            args[i] = ins[i];
        }
    }
    if (h->ret == IR_VOID) {
        ir_call(s->f, h, IR_NO_TEMP, args);
        return IR_NO_TEMP;
    }
    if (h->ret == IR_I32) {
        IrTemp r32 = ir_temp(s->f, IR_I32);
        ir_call(s->f, h, r32, args);
        IrTemp r = lift_tmp(s);
        ir_op1(s->f, IR_EXTU_I32_I64, r, r32);
        return r;
    }
    IrTemp r = lift_tmp(s);
    ir_call(s->f, h, r, args);
    return r;
}

IrTemp lift_call0(DisasContext *s, const IrHelper *h)
{
    return lift_call(s, h, NULL);
}

IrTemp lift_call1(DisasContext *s, const IrHelper *h, IrTemp a)
{
    IrTemp in[1] = {a};
    return lift_call(s, h, in);
}

IrTemp lift_call2(DisasContext *s, const IrHelper *h, IrTemp a, IrTemp b)
{
    IrTemp in[2] = {a, b};
    return lift_call(s, h, in);
}

IrTemp lift_call3(DisasContext *s, const IrHelper *h, IrTemp a, IrTemp b, IrTemp c)
{
    IrTemp in[3] = {a, b, c};
    return lift_call(s, h, in);
}

IrTemp lift_call4(DisasContext *s, const IrHelper *h, IrTemp a, IrTemp b, IrTemp c, IrTemp d)
{
    IrTemp in[4] = {a, b, c, d};
    return lift_call(s, h, in);
}

/* ---- general registers ----------------------------------------------------- */

/* Register number, size and whether it is AH..BH (bits 8..15). */
static bool reg_decode(unsigned reg, unsigned *n, unsigned *size, bool *high)
{
    *high = false;
    if (reg >= X86_R_AL && reg <= X86_R_R15B) {
        *n = reg - X86_R_AL;
        *size = 1;
    } else if (reg >= X86_R_AH && reg <= X86_R_BH) {
        *n = reg - X86_R_AH;
        *size = 1;
        *high = true;
    } else if (reg >= X86_R_AX && reg <= X86_R_R15W) {
        *n = reg - X86_R_AX;
        *size = 2;
    } else if (reg >= X86_R_EAX && reg <= X86_R_R15D) {
        *n = reg - X86_R_EAX;
        *size = 4;
    } else if (reg >= X86_R_RAX && reg <= X86_R_R15) {
        *n = reg - X86_R_RAX;
        *size = 8;
    } else {
        return false;
    }
    return true;
}

unsigned lift_reg_size(unsigned reg)
{
    unsigned n, size;
    bool high;
    return reg_decode(reg, &n, &size, &high) ? size : 0;
}

IrTemp lift_gpr_read(DisasContext *s, unsigned n, unsigned size)
{
    if (size == 8) {
        IrTemp d = lift_tmp(s);
        lift_mov(s, d, lift_gpr(n));
        return d;
    }
    return lift_trunc(s, lift_gpr(n), size);
}

IrTemp lift_reg_read(DisasContext *s, unsigned reg)
{
    unsigned n, size;
    bool high;
    if (!reg_decode(reg, &n, &size, &high)) {
        return lift_const(s, 0); /* callers pass general registers only */
    }
    if (high) {
        return lift_extract(s, lift_gpr(n), 8, 8, false);
    }
    return lift_gpr_read(s, n, size);
}

IrTemp lift_gpr_merge(DisasContext *s, unsigned n, unsigned size, IrTemp v)
{
    switch (size) {
    case 1:
        return lift_deposit(s, lift_gpr(n), v, 0, 8);
    case 2:
        return lift_deposit(s, lift_gpr(n), v, 0, 16);
    case 4:
        return lift_op1(s, IR_EXT32U, v);
    default:
        return v;
    }
}

void lift_gpr_write(DisasContext *s, unsigned n, unsigned size, IrTemp v)
{
    IrTemp g = lift_gpr(n);
    IrOp *op;
    switch (size) {
    case 1:
    case 2:
        op = ir_emit(s->f, IR_DEPOSIT, IR_I64);
        op->args[0] = g;
        op->args[1] = g;
        op->args[2] = v;
        op->args[3] = 0;
        op->args[4] = size * 8;
        break;
    case 4:
        ir_op1(s->f, IR_EXT32U, g, v);
        break;
    default:
        lift_mov(s, g, v);
        break;
    }
}

void lift_reg_write(DisasContext *s, unsigned reg, IrTemp v)
{
    unsigned n, size;
    bool high;
    if (!reg_decode(reg, &n, &size, &high)) {
        return;
    }
    if (high) {
        IrTemp g = lift_gpr(n);
        IrOp *op = ir_emit(s->f, IR_DEPOSIT, IR_I64);
        op->args[0] = g;
        op->args[1] = g;
        op->args[2] = v;
        op->args[3] = 8;
        op->args[4] = 8;
        return;
    }
    lift_gpr_write(s, n, size, v);
}

/* ---- addresses --------------------------------------------------------------- */

/* Whether the base of segment seg (R_ES..R_GS) takes part in addresses. */
static bool seg_has_base(const DisasContext *s, unsigned seg)
{
    if (s->code64) {
        return seg == R_FS || seg == R_GS;
    }
    if (seg == R_ES || seg == R_SS || seg == R_DS) {
        return (s->flags & HF_ADDSEG) != 0;
    }
    return true;
}

/* Remember that la is offset in segment seg (see DisasContext). */
static void note_seg_addr(DisasContext *s, IrTemp la, unsigned seg, IrTemp offset)
{
    unsigned i = s->nseg_addrs++ % 4;
    s->seg_addrs[i].la = la;
    s->seg_addrs[i].offset = offset;
    s->seg_addrs[i].seg = seg;
}

/* Before an access of size bytes at la: the segment checks, when la came
 * from a segment that needs them (helper_seg_check). */
static void seg_check(DisasContext *s, IrTemp la, unsigned size, bool write)
{
    if (!(s->flags & HF_SEGCHK_ALL)) {
        return;
    }
    unsigned n = s->nseg_addrs < 4 ? s->nseg_addrs : 4;
    for (unsigned i = 0; i < n; i++) {
        if (s->seg_addrs[i].la == la) {
            unsigned seg = s->seg_addrs[i].seg;
            if (s->flags & HF_SEGCHK(seg)) {
                lift_call2(s, &helper_seg_check_desc,
                           lift_const(s, seg_check_desc(seg, size, write)),
                           s->seg_addrs[i].offset);
            }
            return;
        }
    }
}

IrTemp lift_seg_linear(DisasContext *s, unsigned seg, IrTemp offset)
{
    IrTemp la = offset;
    if (seg_has_base(s, seg)) {
        IrTemp base = lift_ld_env(
            s, offsetof(CpuState, segs) + seg * sizeof(SegCache) + offsetof(SegCache, base), 8);
        la = lift_op2(s, IR_ADD, offset, base);
        if (!s->code64) {
            la = lift_op1(s, IR_EXT32U, la);
        }
    }
    note_seg_addr(s, la, seg, offset);
    return la;
}

/* Register number of a base or index register of any size. */
static unsigned addr_reg_num(unsigned reg)
{
    if (reg >= X86_R_AX && reg <= X86_R_R15W) {
        return reg - X86_R_AX;
    }
    if (reg >= X86_R_EAX && reg <= X86_R_R15D) {
        return reg - X86_R_EAX;
    }
    return reg - X86_R_RAX;
}

IrTemp lift_ea_offset(DisasContext *s)
{
    const X86Mem *m = &s->insn->mem;
    unsigned asz = m->addr_size;
    if (m->base == X86_R_RIP || m->base == X86_R_EIP || m->base == X86_R_IP) {
        uint64_t a = s->next_eip + (uint64_t)m->disp;
        if (asz == 4) {
            a &= 0xffffffffu;
        }
        return lift_const(s, a);
    }
    IrTemp sum = IR_NO_TEMP;
    if (m->base != X86_R_NONE) {
        sum = lift_gpr(addr_reg_num(m->base));
    }
    if (m->index != X86_R_NONE) {
        IrTemp idx = lift_gpr(addr_reg_num(m->index));
        if (m->scale > 1) {
            unsigned sh = m->scale == 2 ? 1 : m->scale == 4 ? 2 : 3;
            idx = lift_op2i(s, IR_SHL, idx, sh);
        }
        sum = sum == IR_NO_TEMP ? idx : lift_op2(s, IR_ADD, sum, idx);
    }
    if (sum == IR_NO_TEMP) {
        uint64_t a = (uint64_t)m->disp;
        a &= asz == 2 ? 0xffffu : asz == 4 ? 0xffffffffu : UINT64_MAX;
        return lift_const(s, a);
    }
    if (m->disp != 0) {
        sum = lift_op2i(s, IR_ADD, sum, (uint64_t)m->disp);
    }
    if (asz < 8) {
        return lift_trunc(s, sum, asz);
    }
    if (sum < G_COUNT) {
        /* a bare 64-bit register: copy it, so a later write to it does not
         * move the address */
        IrTemp d = lift_tmp(s);
        lift_mov(s, d, sum);
        return d;
    }
    return sum;
}

IrTemp lift_ea(DisasContext *s)
{
    if (s->ea == IR_NO_TEMP) {
        s->ea = lift_seg_linear(s, s->insn->mem.seg - X86_R_ES, lift_ea_offset(s));
    }
    return s->ea;
}

IrTemp lift_qld(DisasContext *s, IrTemp addr, unsigned size, bool sign)
{
    seg_check(s, addr, size, false);
    IrTemp d = lift_tmp(s);
    IrOp *op = ir_emit(s->f, IR_QLD, IR_I64);
    op->args[0] = d;
    op->args[1] = addr;
    op->args[2] = size | (sign ? IR_MO_SIGN : 0);
    op->args[3] = s->mmu_idx;
    return d;
}

void lift_qst(DisasContext *s, IrTemp addr, IrTemp v, unsigned size)
{
    seg_check(s, addr, size, true);
    IrOp *op = ir_emit(s->f, IR_QST, IR_I64);
    op->args[0] = v;
    op->args[1] = addr;
    op->args[2] = size;
    op->args[3] = s->mmu_idx;
}

/* ---- operands ------------------------------------------------------------------ */

IrTemp lift_imm(DisasContext *s, unsigned size)
{
    uint64_t v = (uint64_t)s->insn->imm;
    if (size < 8) {
        v &= (1ull << (size * 8)) - 1;
    }
    return lift_const(s, v);
}

IrTemp lift_load_op(DisasContext *s, unsigned i)
{
    const X86Operand *o = &s->insn->ops[i];
    switch (o->kind) {
    case X86_OPND_REG:
        return lift_reg_read(s, o->reg);
    case X86_OPND_MEM:
        return lift_qld(s, lift_ea(s), o->size, false);
    case X86_OPND_IMM:
        return lift_imm(s, o->size ? o->size : 1);
    default:
        return lift_const(s, 0);
    }
}

void lift_store_op(DisasContext *s, unsigned i, IrTemp v)
{
    const X86Operand *o = &s->insn->ops[i];
    if (o->kind == X86_OPND_REG) {
        lift_reg_write(s, o->reg, v);
    } else if (o->kind == X86_OPND_MEM) {
        lift_qst(s, lift_ea(s), v, o->size);
    }
}
