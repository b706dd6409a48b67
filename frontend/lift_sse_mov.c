/*
 * lift_sse_mov.c — MMX/SSE data movement lifted inline as 64-bit LD/ST of
 * the registers in CpuState and QLD/QST of memory: the full-register moves
 * (aligned and not), the scalar and half-register moves, MOVD/MOVQ in all
 * their forms, the duplicating loads of SSE3, element insert and extract,
 * and the sign-mask extractions (MOVMSKPS/PD, PMOVMSKB). These run in the
 * hot loops of a C library's memcpy, memset, strlen and memchr.
 *
 * Which forms need alignment (SDM Vol. 1 11.4.1; Vol. 2 each instruction):
 * MOVAPS/MOVAPD/MOVDQA, the non-temporal MOVNT* and MOVNTDQA, MOVSHDUP and
 * MOVSLDUP with a 16-byte memory operand; MOVUPS/MOVUPD/MOVDQU and LDDQU
 * never; operands of 8 bytes or less never (AMD's SSE4a MOVNTSS/MOVNTSD
 * included: stores of the low element, as MOVSS/MOVSD to memory).
 */
#include "frontend/sse_helpers.h"
#include "frontend/translate_internal.h"

static bool is_mem(const X86Operand *o)
{
    return o->kind == X86_OPND_MEM;
}

/* MOVAPS MOVUPS MOVDQA MOVDQU LDDQU MOVNT*: all 16 bytes. */
static void move_full(DisasContext *s, const X86Insn *in, bool align)
{
    if (is_mem(&in->ops[0])) {
        sse_lift_store16(s, in->ops[1].reg, align);
        return;
    }
    IrTemp v[2];
    sse_lift_read(s, 1, align, v);
    sse_lift_write_reg(s, in->ops[0].reg, v[0], v[1]);
}

/* MOVSS/MOVSD: from memory the upper part is zeroed; between registers
 * only the low element moves; to memory the low element (MOVNTSS/MOVNTSD
 * only store). */
static void move_scalar(DisasContext *s, const X86Insn *in, unsigned size)
{
    if (is_mem(&in->ops[0])) {
        IrTemp lo = lift_ld_env(s, sse_lift_reg_off(in->ops[1].reg), size);
        lift_qst(s, lift_ea(s), lo, size);
        return;
    }
    IrTemp v[2];
    sse_lift_read(s, 1, false, v);
    unsigned d = in->ops[0].reg;
    if (is_mem(&in->ops[1])) {
        sse_lift_write_reg(s, d, v[0], lift_const(s, 0));
        return;
    }
    IrTemp lo = v[0];
    if (size == 4) {
        lo = lift_deposit(s, lift_ld_env(s, sse_lift_reg_off(d), 8), v[0], 0, 32);
    }
    sse_lift_write_reg(s, d, lo, IR_NO_TEMP);
}

/* MOVD, MOVQ (every form), MOVNTQ, MOVQ2DQ, MOVDQ2Q: the low 4 or 8 bytes
 * of the source; an XMM destination gets zeros above them. */
static void move_low(DisasContext *s, const X86Insn *in)
{
    const X86Operand *d = &in->ops[0];
    IrTemp v[2];
    sse_lift_read(s, 1, false, v);
    IrTemp lo = v[0]; /* a general register or memory: zero-extended already */
    if (is_mem(d)) {
        lift_qst(s, lift_ea(s), lo, d->size);
    } else if (lift_reg_size(d->reg)) {
        lift_reg_write(s, d->reg, lo);
    } else if (sse_lift_is_mmx(d->reg)) {
        sse_lift_write_reg(s, d->reg, lo, IR_NO_TEMP);
    } else {
        sse_lift_write_reg(s, d->reg, lo, lift_const(s, 0));
    }
}

/* MOVLPS/MOVLPD/MOVHPS/MOVHPD (memory), MOVHLPS, MOVLHPS. */
static void move_half(DisasContext *s, const X86Insn *in)
{
    bool high = in->mnem == X86_I_MOVHPS || in->mnem == X86_I_MOVHPD;
    if (is_mem(&in->ops[0])) {
        IrTemp v = lift_ld_env(s, sse_lift_reg_off(in->ops[1].reg) + (high ? 8 : 0), 8);
        lift_qst(s, lift_ea(s), v, 8);
        return;
    }
    uint32_t d = sse_lift_reg_off(in->ops[0].reg);
    IrTemp v;
    if (is_mem(&in->ops[1])) {
        v = lift_qld(s, lift_ea(s), 8, false);
    } else {
        uint32_t src = sse_lift_reg_off(in->ops[1].reg);
        high = in->mnem == X86_I_MOVLHPS;
        v = lift_ld_env(s, src + (in->mnem == X86_I_MOVHLPS ? 8 : 0), 8);
    }
    lift_st_env(s, d + (high ? 8 : 0), v, 8);
}

/* MOVDDUP (qword 0 twice), MOVSHDUP (odd dwords twice), MOVSLDUP (even). */
static void move_dup(DisasContext *s, const X86Insn *in)
{
    IrTemp v[2];
    unsigned d = in->ops[0].reg;
    if (in->mnem == X86_I_MOVDDUP) {
        if (is_mem(&in->ops[1])) {
            v[0] = lift_qld(s, lift_ea(s), 8, false);
        } else {
            v[0] = lift_ld_env(s, sse_lift_reg_off(in->ops[1].reg), 8);
        }
        sse_lift_write_reg(s, d, v[0], v[0]);
        return;
    }
    sse_lift_read(s, 1, true, v);
    IrTemp r[2];
    for (unsigned i = 0; i < 2; i++) {
        if (in->mnem == X86_I_MOVSHDUP) {
            IrTemp top = lift_op2i(s, IR_AND, v[i], 0xffffffff00000000ull);
            r[i] = lift_op2(s, IR_OR, top, lift_op2i(s, IR_SHR, v[i], 32));
        } else {
            IrTemp bottom = lift_op1(s, IR_EXT32U, v[i]);
            r[i] = lift_op2(s, IR_OR, bottom, lift_op2i(s, IR_SHL, v[i], 32));
        }
    }
    sse_lift_write_reg(s, d, r[0], r[1]);
}

void lift_sse_mov(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_begin(s, in)) {
        return;
    }
    switch (in->mnem) {
    case X86_I_MOVAPS:
    case X86_I_MOVAPD:
    case X86_I_MOVDQA:
    case X86_I_MOVNTPS:
    case X86_I_MOVNTPD:
    case X86_I_MOVNTDQ:
    case X86_I_MOVNTDQA:
        move_full(s, in, true);
        break;
    case X86_I_MOVUPS:
    case X86_I_MOVUPD:
    case X86_I_MOVDQU:
    case X86_I_LDDQU:
        move_full(s, in, false);
        break;
    case X86_I_MOVSS:
    case X86_I_MOVNTSS:
        move_scalar(s, in, 4);
        break;
    case X86_I_MOVSD:
    case X86_I_MOVNTSD:
        move_scalar(s, in, 8);
        break;
    case X86_I_MOVLPS:
    case X86_I_MOVLPD:
    case X86_I_MOVHPS:
    case X86_I_MOVHPD:
    case X86_I_MOVHLPS:
    case X86_I_MOVLHPS:
        move_half(s, in);
        break;
    case X86_I_MOVDDUP:
    case X86_I_MOVSHDUP:
    case X86_I_MOVSLDUP:
        move_dup(s, in);
        break;
    default: /* MOVD MOVQ MOVNTQ MOVQ2DQ MOVDQ2Q */
        move_low(s, in);
        break;
    }
    sse_lift_end(s, in);
}

/* ---- elements in and out -------------------------------------------------------- */

/* PEXTRB/W/D/Q, EXTRACTPS: element imm8 (modulo the count) to a general
 * register (zero-extended) or memory. */
void lift_sse_extract(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_begin(s, in)) {
        return;
    }
    unsigned size;
    switch (in->mnem) {
    case X86_I_PEXTRB:
        size = 1;
        break;
    case X86_I_PEXTRW:
        size = 2;
        break;
    case X86_I_PEXTRQ:
        size = 8;
        break;
    default:
        size = 4;
        break;
    }
    unsigned src = in->ops[1].reg;
    unsigned count = (sse_lift_is_mmx(src) ? 8 : 16) / size;
    unsigned idx = (unsigned)in->imm & (count - 1);
    IrTemp v = lift_ld_env(s, sse_lift_reg_off(src) + idx * size, size);
    if (is_mem(&in->ops[0])) {
        lift_qst(s, lift_ea(s), v, size);
    } else {
        lift_reg_write(s, in->ops[0].reg, v);
    }
    sse_lift_end(s, in);
}

/* PINSRB/W/D/Q: the low bytes of a general register or memory to element
 * imm8 (modulo the count). */
void lift_sse_insert(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_begin(s, in)) {
        return;
    }
    unsigned size;
    switch (in->mnem) {
    case X86_I_PINSRB:
        size = 1;
        break;
    case X86_I_PINSRW:
        size = 2;
        break;
    case X86_I_PINSRQ:
        size = 8;
        break;
    default:
        size = 4;
        break;
    }
    unsigned d = in->ops[0].reg;
    unsigned count = (sse_lift_is_mmx(d) ? 8 : 16) / size;
    unsigned idx = (unsigned)in->imm & (count - 1);
    IrTemp v[2];
    sse_lift_read(s, 1, false, v);
    lift_st_env(s, sse_lift_reg_off(d) + idx * size, v[0], size);
    if (sse_lift_is_mmx(d)) {
        sse_lift_mmx_written(s, d);
    }
    sse_lift_end(s, in);
}

/* ---- sign masks ---------------------------------------------------------------- */

/* The top bits of the 8 bytes of q, as bits 0..7: gathered by one multiply
 * (bit 7 + 8i lands in bit 56 + i). */
static IrTemp byte_signs(DisasContext *s, IrTemp q)
{
    IrTemp m = lift_op2i(s, IR_AND, q, 0x8080808080808080ull);
    return lift_op2i(s, IR_SHR, lift_op2i(s, IR_MUL, m, 0x0002040810204081ull), 56);
}

/* PMOVMSKB, MOVMSKPS, MOVMSKPD: a general register gets the sign bits of
 * the elements, zero-extended. */
void lift_sse_movmsk(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_begin(s, in)) {
        return;
    }
    IrTemp v[2];
    sse_lift_read(s, 1, false, v);
    IrTemp r;
    switch (in->mnem) {
    case X86_I_PMOVMSKB:
        r = byte_signs(s, v[0]);
        if (v[1] != IR_NO_TEMP) {
            r = lift_op2(s, IR_OR, r, lift_op2i(s, IR_SHL, byte_signs(s, v[1]), 8));
        }
        break;
    case X86_I_MOVMSKPS: {
        IrTemp lo = lift_op2(s, IR_OR, lift_extract(s, v[0], 31, 1, false),
                             lift_op2i(s, IR_AND, lift_op2i(s, IR_SHR, v[0], 62), 2));
        IrTemp hi = lift_op2(s, IR_OR, lift_extract(s, v[1], 31, 1, false),
                             lift_op2i(s, IR_AND, lift_op2i(s, IR_SHR, v[1], 62), 2));
        r = lift_op2(s, IR_OR, lo, lift_op2i(s, IR_SHL, hi, 2));
        break;
    }
    default: /* MOVMSKPD */
        r = lift_op2(s, IR_OR, lift_op2i(s, IR_SHR, v[0], 63),
                     lift_op2i(s, IR_SHL, lift_op2i(s, IR_SHR, v[1], 63), 1));
        break;
    }
    lift_reg_write(s, in->ops[0].reg, r);
    sse_lift_end(s, in);
}
