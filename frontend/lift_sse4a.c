/*
 * lift_sse4a.c — AMD's SSE4a bit-field instructions EXTRQ and INSERTQ (AMD
 * APM Vol. 4), lifted inline on the low qword of the destination. MOVNTSS
 * and MOVNTSD, the other SSE4a instructions, are moves (lift_sse_mov.c).
 *
 *   EXTRQ   xmm1, imm8 len, imm8 idx   xmm1[63:0] = xmm1[idx+len-1:idx]
 *   EXTRQ   xmm1, xmm2                 len = xmm2[5:0], idx = xmm2[13:8]
 *   INSERTQ xmm1, xmm2, imm8 len, imm8 idx
 *                                      xmm1[idx+len-1:idx] = xmm2[len-1:0]
 *   INSERTQ xmm1, xmm2                 len = xmm2[69:64], idx = xmm2[77:72]
 *
 * A length of 0 means 64. Only bits 5:0 of the length and index count. Both
 * have register operands only (the decoder makes the memory forms #UD).
 *
 * What the APM leaves undefined is done as this project's AMD EPYC (Zen 4)
 * does it, measured over every immediate pair and millions of register
 * operands: the upper qword of the destination becomes zero, and a field
 * that runs past bit 63 (idx + len > 64) is cut there: EXTRQ gives
 * (x >> idx) & mask(len), INSERTQ puts (src & mask(len)) << idx in place of
 * mask(len) << idx, both shifts dropping what passes bit 63.
 */
#include "frontend/sse_helpers.h"
#include "frontend/translate_internal.h"

/* Bits 5:0 of v as a field length, as a mask: all ones for 0, else
 * (1 << len) - 1, which is ~0 >> (64 - len), the shift taken modulo 64. */
static IrTemp length_mask(DisasContext *s, IrTemp v)
{
    IrTemp shift = lift_op2i(s, IR_AND, lift_op1(s, IR_NEG, v), 63);
    return lift_op2(s, IR_SHR, lift_const(s, ~0ull), shift);
}

static uint64_t length_mask_const(uint64_t len)
{
    len &= 63;
    return len == 0 ? ~0ull : (1ull << len) - 1;
}

void lift_sse4a(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_begin(s, in)) {
        return;
    }
    bool insert = in->mnem == X86_I_INSERTQ;
    uint32_t d = sse_lift_reg_off(in->ops[0].reg);
    IrTemp dst = lift_ld_env(s, d, 8);
    IrTemp src = IR_NO_TEMP; /* INSERTQ's field */
    IrTemp mask, idx;
    unsigned imm_at = insert ? 2 : 1; /* the operand of the first immediate */
    if (insert) {
        src = lift_ld_env(s, sse_lift_reg_off(in->ops[1].reg), 8);
    }
    if (in->nops > imm_at && in->ops[imm_at].kind == X86_OPND_IMM) {
        mask = lift_const(s, length_mask_const((uint64_t)in->imm));
        idx = lift_const(s, in->imm2 & 63);
    } else {
        /* the control fields: the low qword of EXTRQ's source, the high one
         * of INSERTQ's */
        uint32_t ctl_off = sse_lift_reg_off(in->ops[1].reg) + (insert ? 8 : 0);
        IrTemp ctl = lift_ld_env(s, ctl_off, 8);
        mask = length_mask(s, ctl);
        idx = lift_op2i(s, IR_AND, lift_op2i(s, IR_SHR, ctl, 8), 63);
    }
    IrTemp r;
    if (insert) {
        IrTemp hole = lift_op2(s, IR_SHL, mask, idx);
        IrTemp field = lift_op2(s, IR_SHL, lift_op2(s, IR_AND, src, mask), idx);
        r = lift_op2(s, IR_OR, lift_op2(s, IR_ANDC, dst, hole), field);
    } else {
        r = lift_op2(s, IR_AND, lift_op2(s, IR_SHR, dst, idx), mask);
    }
    lift_st_env(s, d, r, 8);
    lift_st_env(s, d + 8, lift_const(s, 0), 8);
}
