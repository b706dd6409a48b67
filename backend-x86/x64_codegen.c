/*
 * x64_codegen.c — lowering each IR op to x86-64 instructions.
 *
 * i32 values live zero-extended in 64-bit registers: every i32 op uses the
 * 32-bit form, which clears bits 63:32 of its destination (SDM Vol. 1
 * 3.4.1.1), so i32 -> i64 zero extension is free.
 *
 * Form choices: an input that is a known constant becomes an immediate when
 * it fits; a 3-operand ADD with both inputs still live becomes LEA; the
 * output takes the register of an input that dies in the op, so most ops
 * are a single 2-operand instruction. Guest memory ops probe the soft TLB
 * inline and branch to an out-of-line slow path emitted after the TB body.
 */
#include "backend-x86/x64_internal.h"

#include <stdlib.h>

#define ANY X64_ALLOCATABLE

static bool w64_of(const IrOp *op)
{
    return op->type == IR_I64;
}

static unsigned width_of(const IrOp *op)
{
    return op->type == IR_I64 ? 64 : 32;
}

static IrTemp arg_t(const IrOp *op, unsigned k)
{
    return (IrTemp)op->args[k];
}

/* Whether the output (args[0]) may take the register of input k. */
static bool reusable(X64Gen *g, const IrOp *op, unsigned k)
{
    return x64_arg_dies(g, k) || op->args[k] == op->args[0];
}

/* Output register for a unary-shaped op computing into a copy of input k
 * held in rk: rk itself when input k is done, else a fresh register with
 * the value copied when copy is set. */
static int out_from(X64Gen *g, const IrOp *op, unsigned k, int rk, bool copy)
{
    if (reusable(g, op, k)) {
        return rk;
    }
    int rd = x64_reg_alloc(g, ANY);
    if (copy) {
        x64_mov_rr(&g->as, w64_of(op), rd, rk);
    }
    return rd;
}

static void finish1(X64Gen *g, const IrOp *op, int rd)
{
    x64_inputs_done(g);
    x64_temp_set_reg(g, arg_t(op, 0), rd);
}

/* ---- moves ------------------------------------------------------------------- */

static void gen_mov(X64Gen *g, const IrOp *op)
{
    IrTemp d = arg_t(op, 0), a = arg_t(op, 1);
    uint64_t v;
    if (d == a) {
        return;
    }
    if (x64_is_const(g, a, &v)) {
        x64_inputs_done(g);
        x64_temp_set_const(g, d, v);
        return;
    }
    int ra = x64_temp_reg(g, a, ANY);
    if (x64_arg_dies(g, 1)) {
        finish1(g, op, ra); /* rename: no code */
        return;
    }
    int rd = x64_reg_alloc(g, ANY);
    x64_mov_rr(&g->as, w64_of(op), rd, ra);
    finish1(g, op, rd);
}

/* ---- arithmetic and logic ------------------------------------------------------ */

/* Whether constant v is an immediate of an op of type w64 (sign-extended imm32). */
static bool imm_ok(bool w64, uint64_t v)
{
    return !w64 || x64_fits_i32((int64_t)v);
}

static void gen_arith(X64Gen *g, const IrOp *op, int ext)
{
    bool w = w64_of(op);
    unsigned ka = 1, kb = 2;
    uint64_t v;
    bool commutative = ext != ARITH_SUB;
    if (commutative && !x64_is_const(g, arg_t(op, kb), &v) && x64_is_const(g, arg_t(op, ka), &v)) {
        ka = 2;
        kb = 1;
    }
    if (x64_is_const(g, arg_t(op, kb), &v) && imm_ok(w, v)) {
        if (!w) {
            v = (uint32_t)v;
        }
        int ra = x64_temp_reg(g, arg_t(op, ka), ANY);
        int rd = out_from(g, op, ka, ra, false);
        if (ext == ARITH_AND && (v == 0xff || v == 0xffff)) {
            x64_op_rr(&g->as, v == 0xff ? OPC_MOVZX_GvEb : OPC_MOVZX_GvEw, rd, ra);
        } else if (ext == ARITH_AND && w && v == 0xffffffffu) {
            x64_mov_rr(&g->as, false, rd, ra);
        } else if (rd != ra && ext == ARITH_ADD) {
            x64_lea(&g->as, w, rd, ra, -1, (int32_t)v);
        } else {
            if (rd != ra) {
                x64_mov_rr(&g->as, w, rd, ra);
            }
            x64_arith_ri(&g->as, ext, w, rd, (int32_t)v);
        }
        finish1(g, op, rd);
        return;
    }
    int ra = x64_temp_reg(g, arg_t(op, ka), ANY);
    int rb = x64_temp_reg(g, arg_t(op, kb), ANY);
    int rd;
    if (reusable(g, op, ka)) {
        rd = ra;
        x64_arith_rr(&g->as, ext, w, rd, rb);
    } else if (commutative && reusable(g, op, kb)) {
        rd = rb;
        x64_arith_rr(&g->as, ext, w, rd, ra);
    } else {
        rd = x64_reg_alloc(g, ANY);
        if (ext == ARITH_ADD) {
            x64_lea(&g->as, w, rd, ra, rb, 0);
        } else {
            x64_mov_rr(&g->as, w, rd, ra);
            x64_arith_rr(&g->as, ext, w, rd, rb);
        }
    }
    finish1(g, op, rd);
}

/* IMUL Gv, Ev (0F AF /r); IMUL Gv, Ev, Ib/Iz (6B /r ib, 69 /r id). */
static void gen_mul(X64Gen *g, const IrOp *op)
{
    bool w = w64_of(op);
    unsigned ka = 1, kb = 2;
    uint64_t v;
    if (!x64_is_const(g, arg_t(op, kb), &v) && x64_is_const(g, arg_t(op, ka), &v)) {
        ka = 2;
        kb = 1;
    }
    uint32_t rexw = w ? P_REXW : 0;
    if (x64_is_const(g, arg_t(op, kb), &v) && imm_ok(w, v)) {
        int ra = x64_temp_reg(g, arg_t(op, ka), ANY);
        int rd = out_from(g, op, ka, ra, false);
        if (x64_fits_i8((int32_t)v)) {
            x64_op_rr(&g->as, OPC_IMUL_GvEvIb | rexw, rd, ra);
            x64_put8(&g->as, (uint8_t)v);
        } else {
            x64_op_rr(&g->as, OPC_IMUL_GvEvIz | rexw, rd, ra);
            x64_put32(&g->as, (uint32_t)v);
        }
        finish1(g, op, rd);
        return;
    }
    int ra = x64_temp_reg(g, arg_t(op, ka), ANY);
    int rb = x64_temp_reg(g, arg_t(op, kb), ANY);
    int rd, rs;
    if (reusable(g, op, ka)) {
        rd = ra;
        rs = rb;
    } else if (reusable(g, op, kb)) {
        rd = rb;
        rs = ra;
    } else {
        rd = x64_reg_alloc(g, ANY);
        x64_mov_rr(&g->as, w, rd, ra);
        rs = rb;
    }
    x64_op_rr(&g->as, OPC_IMUL_GvEv | rexw, rd, rs);
    finish1(g, op, rd);
}

/* d = a & ~b */
static void gen_andc(X64Gen *g, const IrOp *op)
{
    bool w = w64_of(op);
    uint64_t v;
    if (x64_is_const(g, arg_t(op, 2), &v) && imm_ok(w, ~v)) {
        int ra = x64_temp_reg(g, arg_t(op, 1), ANY);
        int rd = out_from(g, op, 1, ra, true);
        x64_arith_ri(&g->as, ARITH_AND, w, rd, (int32_t)~v);
        finish1(g, op, rd);
        return;
    }
    int ra = x64_temp_reg(g, arg_t(op, 1), ANY);
    int rb = x64_temp_reg(g, arg_t(op, 2), ANY);
    int rd;
    if (reusable(g, op, 2) && rb != ra) {
        rd = rb;
    } else {
        rd = x64_reg_alloc(g, ANY);
        x64_mov_rr(&g->as, w, rd, rb);
    }
    x64_grp3(&g->as, EXT3_NOT, w, rd);
    x64_arith_rr(&g->as, ARITH_AND, w, rd, ra);
    finish1(g, op, rd);
}

static void gen_shift(X64Gen *g, const IrOp *op, int ext)
{
    bool w = w64_of(op);
    uint64_t v;
    if (x64_is_const(g, arg_t(op, 2), &v)) {
        unsigned count = (unsigned)v & (width_of(op) - 1);
        int ra = x64_temp_reg(g, arg_t(op, 1), ANY);
        int rd = out_from(g, op, 1, ra, true);
        if (count) {
            x64_shift_ri(&g->as, ext, w, rd, count);
        }
        finish1(g, op, rd);
        return;
    }
    /* The count goes in CL (SDM Vol. 2B SAL/SAR/SHL/SHR): masked to 5 or 6
     * bits by the CPU, as the IR wants. */
    IrTemp b = arg_t(op, 2);
    if (!(g->temps[b].loc == X64_LOC_REG && g->temps[b].reg == X64_RCX)) {
        x64_reg_evict(g, X64_RCX);
        g->locked |= X64_REG_BIT(X64_RCX);
        x64_temp_copy_to(g, X64_RCX, b);
    } else {
        g->locked |= X64_REG_BIT(X64_RCX);
    }
    int ra = x64_temp_reg(g, arg_t(op, 1), ANY & ~X64_REG_BIT(X64_RCX));
    int rd = out_from(g, op, 1, ra, true);
    x64_shift_rcl(&g->as, ext, w, rd);
    finish1(g, op, rd);
}

static void gen_unary(X64Gen *g, const IrOp *op, int ext3)
{
    int ra = x64_temp_reg(g, arg_t(op, 1), ANY);
    int rd = out_from(g, op, 1, ra, true);
    x64_grp3(&g->as, ext3, w64_of(op), rd);
    finish1(g, op, rd);
}

/* MUL/IMUL Ev (F7 /4, /5): RDX:RAX = RAX * Ev. */
static void gen_mul2(X64Gen *g, const IrOp *op, bool sign)
{
    bool w = w64_of(op);
    uint16_t fixed = X64_REG_BIT(X64_RAX) | X64_REG_BIT(X64_RDX);
    x64_reg_evict(g, X64_RAX);
    g->locked |= X64_REG_BIT(X64_RAX); /* so RDX's occupant cannot move there */
    x64_reg_evict(g, X64_RDX);
    g->locked |= fixed;
    int ra = x64_temp_reg(g, arg_t(op, 2), ANY & ~fixed);
    int rb = x64_temp_reg(g, arg_t(op, 3), ANY & ~fixed);
    x64_mov_rr(&g->as, w, X64_RAX, ra);
    x64_grp3(&g->as, sign ? EXT3_IMUL : EXT3_MUL, w, rb);
    x64_inputs_done(g);
    x64_temp_set_reg(g, arg_t(op, 0), X64_RAX);
    x64_temp_set_reg(g, arg_t(op, 1), X64_RDX);
}

/* CLZ/CTZ d = a ? count(a) : b. */
static void gen_count_zeros(X64Gen *g, const IrOp *op, bool leading)
{
    bool w = w64_of(op);
    uint32_t rexw = w ? P_REXW : 0;
    unsigned width = width_of(op);
    bool fast = (g->st->features & (leading ? X64_FEAT_LZCNT : X64_FEAT_TZCNT)) != 0;
    uint64_t v;
    int ra = x64_temp_reg(g, arg_t(op, 1), ANY);
    if (fast && x64_is_const(g, arg_t(op, 2), &v) && v == width) {
        /* LZCNT/TZCNT give the operand width for zero (SDM Vol. 2A LZCNT). */
        int rd = out_from(g, op, 1, ra, false);
        x64_op_rr(&g->as, (leading ? OPC_LZCNT_GvEv : OPC_TZCNT_GvEv) | rexw, rd, ra);
        finish1(g, op, rd);
        return;
    }
    int rb = x64_temp_reg(g, arg_t(op, 2), ANY);
    int rd;
    if (fast) {
        /* CF = 1 when the source is zero. */
        rd = reusable(g, op, 1) && ra != rb ? ra : x64_reg_alloc(g, ANY);
        x64_op_rr(&g->as, (leading ? OPC_LZCNT_GvEv : OPC_TZCNT_GvEv) | rexw, rd, ra);
        x64_cmov(&g->as, X64_CC_B, w, rd, rb);
    } else if (!leading) {
        /* BSF: ZF = 1 and the destination undefined when the source is zero. */
        rd = reusable(g, op, 1) && ra != rb ? ra : x64_reg_alloc(g, ANY);
        x64_op_rr(&g->as, OPC_BSF_GvEv | rexw, rd, ra);
        x64_cmov(&g->as, X64_CC_E, w, rd, rb);
    } else {
        /* clz = bsr ^ (width - 1) for nonzero sources; the XOR clobbers
         * ZF, so test the source again. */
        rd = x64_reg_alloc(g, ANY);
        x64_op_rr(&g->as, OPC_BSR_GvEv | rexw, rd, ra);
        x64_arith_ri(&g->as, ARITH_XOR, w, rd, (int32_t)(width - 1));
        x64_test_rr(&g->as, w, ra, ra);
        x64_cmov(&g->as, X64_CC_E, w, rd, rb);
    }
    finish1(g, op, rd);
}

static void gen_ctpop(X64Gen *g, const IrOp *op)
{
    bool w = w64_of(op);
    int ra = x64_temp_reg(g, arg_t(op, 1), ANY);
    if (g->st->features & X64_FEAT_POPCNT) {
        int rd = out_from(g, op, 1, ra, false);
        x64_op_rr(&g->as, OPC_POPCNT_GvEv | (w ? P_REXW : 0), rd, ra);
        finish1(g, op, rd);
        return;
    }
    /* The SWAR count (Hacker's Delight 5-1): pairs, nibbles, bytes, then a
     * multiply sums the bytes into the top one. */
    int rd = out_from(g, op, 1, ra, true);
    int rt = x64_reg_alloc(g, ANY);
    int rk = x64_reg_alloc(g, ANY);
    uint64_t m1 = 0x5555555555555555ull, m2 = 0x3333333333333333ull;
    uint64_t m4 = 0x0f0f0f0f0f0f0f0full, h01 = 0x0101010101010101ull;
    x64_mov_rr(&g->as, w, rt, rd);
    x64_shift_ri(&g->as, SHIFT_SHR, w, rt, 1);
    x64_movi(&g->as, w, rk, m1, true);
    x64_arith_rr(&g->as, ARITH_AND, w, rt, rk);
    x64_arith_rr(&g->as, ARITH_SUB, w, rd, rt);
    x64_movi(&g->as, w, rk, m2, true);
    x64_mov_rr(&g->as, w, rt, rd);
    x64_shift_ri(&g->as, SHIFT_SHR, w, rt, 2);
    x64_arith_rr(&g->as, ARITH_AND, w, rt, rk);
    x64_arith_rr(&g->as, ARITH_AND, w, rd, rk);
    x64_arith_rr(&g->as, ARITH_ADD, w, rd, rt);
    x64_mov_rr(&g->as, w, rt, rd);
    x64_shift_ri(&g->as, SHIFT_SHR, w, rt, 4);
    x64_arith_rr(&g->as, ARITH_ADD, w, rd, rt);
    x64_movi(&g->as, w, rk, m4, true);
    x64_arith_rr(&g->as, ARITH_AND, w, rd, rk);
    x64_movi(&g->as, w, rk, h01, true);
    x64_op_rr(&g->as, OPC_IMUL_GvEv | (w ? P_REXW : 0), rd, rk);
    x64_shift_ri(&g->as, SHIFT_SHR, w, rd, w ? 56 : 24);
    finish1(g, op, rd);
}

/* BSWAP r32/r64 (0F C8+r); a 16-bit swap is ROL r16, 8 then MOVZX. */
static void gen_bswap(X64Gen *g, const IrOp *op)
{
    unsigned size = (unsigned)op->args[2];
    int ra = x64_temp_reg(g, arg_t(op, 1), ANY);
    int rd = out_from(g, op, 1, ra, true);
    if (size == 8) {
        x64_opc(&g->as, (OPC_BSWAP_Zv + (rd & 7)) | P_REXW, 0, 0, rd);
    } else if (size == 4) {
        x64_opc(&g->as, OPC_BSWAP_Zv + (rd & 7), 0, 0, rd);
    } else {
        x64_op_rr(&g->as, OPC_GRP2_EvIb | P_DATA16, SHIFT_ROL, rd);
        x64_put8(&g->as, 8);
        x64_op_rr(&g->as, OPC_MOVZX_GvEw, rd, rd);
    }
    finish1(g, op, rd);
}

/* Extensions: d = MOVZX/MOVSX/MOVSXD/MOV r32 of a. */
static void gen_ext(X64Gen *g, const IrOp *op, uint32_t opc)
{
    int ra = x64_temp_reg(g, arg_t(op, 1), ANY);
    int rd = out_from(g, op, 1, ra, false);
    x64_op_rr(&g->as, opc, rd, ra);
    finish1(g, op, rd);
}

static void gen_extrh(X64Gen *g, const IrOp *op)
{
    int ra = x64_temp_reg(g, arg_t(op, 1), ANY);
    int rd = out_from(g, op, 1, ra, false);
    if (rd != ra) {
        x64_mov_rr(&g->as, true, rd, ra); /* the input is i64 */
    }
    x64_shift_ri(&g->as, SHIFT_SHR, true, rd, 32);
    finish1(g, op, rd);
}

/* ---- bit fields ---------------------------------------------------------------- */

static void gen_deposit(X64Gen *g, const IrOp *op)
{
    bool w = w64_of(op);
    unsigned width = width_of(op);
    unsigned pos = (unsigned)op->args[3], len = (unsigned)op->args[4];
    if (len == 0 || pos >= width) {
        gen_mov(g, op);
        return;
    }
    if (len > width - pos) {
        len = width - pos;
    }
    int ra = x64_temp_reg(g, arg_t(op, 1), ANY);
    int rb = x64_temp_reg(g, arg_t(op, 2), ANY);
    if (pos == 0 && (len == 8 || len == 16) && len < width) {
        /* The low byte or word: MOV Eb, Gb (88 /r, REX for SIL/DIL on both
         * sides) or MOV Ew, Gw (66 89 /r) writes just those bits. */
        int rd = reusable(g, op, 1) && ra != rb ? ra : x64_reg_alloc(g, ANY);
        if (rd != ra) {
            x64_mov_rr(&g->as, w, rd, ra);
        }
        x64_op_rr(&g->as, len == 8 ? OPC_MOV_EbGb | P_REXB_RM : OPC_MOV_EvGv | P_DATA16, rb, rd);
        finish1(g, op, rd);
        return;
    }
    /* rt = the field from b, in place, zeros around it. */
    int rt = x64_reg_alloc(g, ANY);
    x64_mov_rr(&g->as, w, rt, rb);
    if (pos + len < width) {
        x64_shift_ri(&g->as, SHIFT_SHL, w, rt, width - len);
        x64_shift_ri(&g->as, SHIFT_SHR, w, rt, width - len - pos);
    } else if (pos) {
        x64_shift_ri(&g->as, SHIFT_SHL, w, rt, pos);
    }
    if (len == width) {
        finish1(g, op, rt);
        return;
    }
    int rd = out_from(g, op, 1, ra, true);
    uint64_t mask = (len == 64 ? ~0ull : ((1ull << len) - 1)) << pos;
    uint64_t keep = w ? ~mask : (uint32_t)~mask;
    if (!w || x64_fits_i32((int64_t)keep)) {
        x64_arith_ri(&g->as, ARITH_AND, w, rd, (int32_t)keep);
    } else {
        /* Clear the field without a 64-bit mask: rotate it to the bottom,
         * shift it out and back, rotate home. */
        if (pos) {
            x64_shift_ri(&g->as, SHIFT_ROR, w, rd, pos);
        }
        x64_shift_ri(&g->as, SHIFT_SHR, w, rd, len);
        x64_shift_ri(&g->as, SHIFT_SHL, w, rd, len);
        if (pos) {
            x64_shift_ri(&g->as, SHIFT_ROL, w, rd, pos);
        }
    }
    x64_arith_rr(&g->as, ARITH_OR, w, rd, rt);
    finish1(g, op, rd);
}

static void gen_extract(X64Gen *g, const IrOp *op, bool sign)
{
    bool w = w64_of(op);
    uint32_t rexw = w ? P_REXW : 0;
    unsigned width = width_of(op);
    unsigned pos = (unsigned)op->args[2], len = (unsigned)op->args[3];
    if (pos >= width) {
        pos = width - 1;
    }
    if (len == 0 || len > width - pos) {
        len = width - pos;
    }
    int ra = x64_temp_reg(g, arg_t(op, 1), ANY);
    int rd;
    if (pos == 0 && (len == 8 || len == 16)) {
        rd = out_from(g, op, 1, ra, false);
        uint32_t opc = len == 8 ? (sign ? OPC_MOVSX_GvEb | rexw : OPC_MOVZX_GvEb)
                                : (sign ? OPC_MOVSX_GvEw | rexw : OPC_MOVZX_GvEw);
        x64_op_rr(&g->as, opc, rd, ra);
    } else if (pos == 0 && len == 32 && w) {
        rd = out_from(g, op, 1, ra, false);
        x64_op_rr(&g->as, sign ? (OPC_MOVSXD_GvEd | P_REXW) : OPC_MOV_GvEv, rd, ra);
    } else if (pos == 0 && len == width) {
        rd = out_from(g, op, 1, ra, true);
    } else if (pos + len == width) {
        rd = out_from(g, op, 1, ra, true);
        x64_shift_ri(&g->as, sign ? SHIFT_SAR : SHIFT_SHR, w, rd, pos);
    } else if (pos == 0 && !sign && len < 32) {
        rd = out_from(g, op, 1, ra, true);
        x64_arith_ri(&g->as, ARITH_AND, w, rd, (int32_t)((1u << len) - 1));
    } else {
        rd = out_from(g, op, 1, ra, true);
        if (width - pos - len) {
            x64_shift_ri(&g->as, SHIFT_SHL, w, rd, width - pos - len);
        }
        x64_shift_ri(&g->as, sign ? SHIFT_SAR : SHIFT_SHR, w, rd, width - len);
    }
    finish1(g, op, rd);
}

/* ---- conditions ------------------------------------------------------------------ */

static const X64Cond cond_cc[IR_COND_COUNT] = {
    [IR_COND_EQ] = X64_CC_E,  [IR_COND_NE] = X64_CC_NE,   [IR_COND_LT] = X64_CC_L,
    [IR_COND_GE] = X64_CC_GE, [IR_COND_LE] = X64_CC_LE,   [IR_COND_GT] = X64_CC_G,
    [IR_COND_LTU] = X64_CC_B, [IR_COND_GEU] = X64_CC_AE,  [IR_COND_LEU] = X64_CC_BE,
    [IR_COND_GTU] = X64_CC_A, [IR_COND_TSTEQ] = X64_CC_E, [IR_COND_TSTNE] = X64_CC_NE,
};

/* cond(a, b) == swapped(cond)(b, a) */
static IrCond cond_swap(IrCond c)
{
    switch (c) {
    case IR_COND_LT:
        return IR_COND_GT;
    case IR_COND_GT:
        return IR_COND_LT;
    case IR_COND_LE:
        return IR_COND_GE;
    case IR_COND_GE:
        return IR_COND_LE;
    case IR_COND_LTU:
        return IR_COND_GTU;
    case IR_COND_GTU:
        return IR_COND_LTU;
    case IR_COND_LEU:
        return IR_COND_GEU;
    case IR_COND_GEU:
        return IR_COND_LEU;
    default:
        return c;
    }
}

/* A comparison whose inputs are loaded (prepared) before the op picks its
 * output register and emitted right before the flags are used. */
typedef struct X64Cmp {
    IrCond cond;
    bool w64;
    int ra, rb; /* rb -1: compare with imm */
    int32_t imm;
} X64Cmp;

static void cmp_prepare(X64Gen *g, const IrOp *op, unsigned ka, unsigned kb, IrCond cond, bool w,
                        X64Cmp *c)
{
    uint64_t v;
    if (!x64_is_const(g, arg_t(op, kb), &v) && x64_is_const(g, arg_t(op, ka), &v)) {
        unsigned k = ka;
        ka = kb;
        kb = k;
        cond = cond_swap(cond);
    }
    c->cond = cond;
    c->w64 = w;
    c->ra = x64_temp_reg(g, arg_t(op, ka), ANY);
    if (x64_is_const(g, arg_t(op, kb), &v) && imm_ok(w, v)) {
        c->rb = -1;
        c->imm = (int32_t)v;
    } else {
        c->rb = x64_temp_reg(g, arg_t(op, kb), ANY);
    }
}

/* CMP Ev, Iz / Gv, Ev; TEST Ev, Gv / Ev, Iz (F7 /0 id). Returns the condition code. */
static X64Cond cmp_emit(X64Gen *g, const X64Cmp *c)
{
    bool tst = c->cond == IR_COND_TSTEQ || c->cond == IR_COND_TSTNE;
    if (c->rb >= 0) {
        if (tst) {
            x64_test_rr(&g->as, c->w64, c->rb, c->ra);
        } else {
            x64_arith_rr(&g->as, ARITH_CMP, c->w64, c->ra, c->rb);
        }
    } else if (c->imm == 0 && !tst) {
        /* TEST r, r sets the flags CMP r, 0 would, for every condition. */
        x64_test_rr(&g->as, c->w64, c->ra, c->ra);
    } else if (tst) {
        x64_op_rr(&g->as, OPC_GRP3_Ev | (c->w64 ? P_REXW : 0), 0, c->ra);
        x64_put32(&g->as, (uint32_t)c->imm);
    } else {
        x64_arith_ri(&g->as, ARITH_CMP, c->w64, c->ra, c->imm);
    }
    return cond_cc[c->cond];
}

/* The type of the compared operands of a SETCOND/MOVCOND/BRCOND. */
static bool cmp_w64(X64Gen *g, const IrOp *op, unsigned ka)
{
    return x64_temp_w64(g, arg_t(op, ka));
}

static void gen_setcond(X64Gen *g, const IrOp *op)
{
    IrCond cond = (IrCond)op->args[3];
    if (cond == IR_COND_NEVER || cond == IR_COND_ALWAYS) {
        x64_inputs_done(g);
        x64_temp_set_const(g, arg_t(op, 0), cond == IR_COND_ALWAYS);
        return;
    }
    X64Cmp c;
    cmp_prepare(g, op, 1, 2, cond, cmp_w64(g, op, 1), &c);
    int rd = x64_reg_alloc(g, ANY);
    X64Cond cc = cmp_emit(g, &c);
    x64_setcc(&g->as, cc, rd);
    x64_op_rr(&g->as, OPC_MOVZX_GvEb, rd, rd);
    finish1(g, op, rd);
}

static void gen_movcond(X64Gen *g, const IrOp *op)
{
    bool w = w64_of(op);
    IrCond cond = (IrCond)op->args[5];
    if (cond == IR_COND_NEVER || cond == IR_COND_ALWAYS) {
        unsigned k = cond == IR_COND_ALWAYS ? 3 : 4;
        int rv = x64_temp_reg(g, arg_t(op, k), ANY);
        int rd = out_from(g, op, k, rv, true);
        finish1(g, op, rd);
        return;
    }
    X64Cmp c;
    cmp_prepare(g, op, 1, 2, cond, cmp_w64(g, op, 1), &c);
    int r1 = x64_temp_reg(g, arg_t(op, 3), ANY);
    int r2 = x64_temp_reg(g, arg_t(op, 4), ANY);
    int rd = reusable(g, op, 4) && r2 != r1 ? r2 : x64_reg_alloc(g, ANY);
    X64Cond cc = cmp_emit(g, &c);
    if (rd != r2) {
        x64_mov_rr(&g->as, w, rd, r2); /* MOV leaves the flags alone */
    }
    x64_cmov(&g->as, cc, w, rd, r1);
    finish1(g, op, rd);
}

/* ---- the CPU state ---------------------------------------------------------------- */

static void gen_ld(X64Gen *g, const IrOp *op)
{
    int32_t off = (int32_t)op->args[1];
    unsigned memop = (unsigned)op->args[2];
    unsigned size = memop & IR_MO_SIZE_MASK;
    bool w = w64_of(op);
    if (!w && size == 8) {
        size = 4;
    }
    x64_env_access(g, off, size, false);
    int rd = x64_reg_alloc(g, ANY);
    x64_load(&g->as, size, (memop & IR_MO_SIGN) != 0, w, rd, X64_ENV_REG, -1, off);
    finish1(g, op, rd);
}

static void gen_st(X64Gen *g, const IrOp *op)
{
    int32_t off = (int32_t)op->args[1];
    unsigned size = (unsigned)op->args[2] & IR_MO_SIZE_MASK;
    uint64_t v;
    x64_env_access(g, off, size, true);
    if (x64_is_const(g, arg_t(op, 0), &v) && (size < 8 || x64_fits_i32((int64_t)v))) {
        x64_store_imm(&g->as, size, (int32_t)v, X64_ENV_REG, off);
        return;
    }
    int ra = x64_temp_reg(g, arg_t(op, 0), ANY);
    x64_store(&g->as, size, ra, X64_ENV_REG, -1, off);
}

/* ---- guest memory ------------------------------------------------------------------- */

/*
 * The soft-TLB probe (backend.h): leaves the entry's addend in rt1, or
 * jumps to slow. rt1, rt2 are scratch; ra holds the linear address.
 *
 *     mov  rt1, ra
 *     shr  rt1, page_bits - log2(entry_size)
 *     and  rt1d, (entries - 1) * entry_size
 *     lea  rt2, [ra + size - 1]          (mov rt2, ra for bytes)
 *     and  rt2, -page_size
 *     cmp  rt2, [rbp + rt1 + table + cmp_off]
 *     jne  slow
 *     mov  rt1, [rbp + rt1 + table + addend_off]
 */
static void tlb_probe(X64Gen *g, int ra, int rt1, int rt2, unsigned size, unsigned mmu_idx,
                      int32_t cmp_off, uint32_t slow)
{
    const BackendConfig *cfg = &g->st->cfg;
    int32_t table = cfg->tlb_table + (int32_t)mmu_idx * cfg->tlb_table_stride;
    int32_t index_mask = (cfg->tlb_entries - 1) * cfg->tlb_entry_size;
    x64_mov_rr(&g->as, true, rt1, ra);
    x64_shift_ri(&g->as, SHIFT_SHR, true, rt1, g->st->entry_shift);
    x64_arith_ri(&g->as, ARITH_AND, false, rt1, index_mask);
    if (size > 1) {
        x64_lea(&g->as, true, rt2, ra, -1, (int32_t)size - 1);
    } else {
        x64_mov_rr(&g->as, true, rt2, ra);
    }
    x64_arith_ri(&g->as, ARITH_AND, true, rt2, -(int32_t)(1u << cfg->tlb_page_bits));
    x64_op_rm(&g->as, OPC_ARITH_GvEv + (ARITH_CMP << 3) + P_REXW, rt2, X64_ENV_REG, rt1, 0,
              table + cmp_off);
    x64_jcc_label(&g->as, X64_CC_NE, slow);
    x64_op_rm(&g->as, OPC_MOV_GvEv | P_REXW, rt1, X64_ENV_REG, rt1, 0, table + cfg->tlb_off_addend);
}

/* Record what the slow path of the current QLD/QST needs. */
static X64Slow *slow_new(X64Gen *g)
{
    if (g->nslow == g->slow_cap) {
        uint32_t ncap = g->slow_cap ? g->slow_cap * 2 : 16;
        X64Slow *p = realloc(g->slow, ncap * sizeof(*p));
        if (!p) {
            x64_fail(g, "out of memory");
            return NULL;
        }
        g->slow = p;
        g->slow_cap = ncap;
    }
    X64Slow *s = &g->slow[g->nslow++];
    *s = (X64Slow){.label = x64_label_new(&g->as), .pc = g->pc, .dirty_start = g->ndirty};
    for (uint32_t t = 0; t < g->f->nglobals; t++) {
        const X64Temp *ts = &g->temps[t];
        if (ts->coherent || (ts->loc != X64_LOC_REG && ts->loc != X64_LOC_CONST)) {
            continue;
        }
        if (g->ndirty == g->dirty_cap) {
            uint32_t ncap = g->dirty_cap ? g->dirty_cap * 2 : 64;
            X64Dirty *p = realloc(g->dirty, ncap * sizeof(*p));
            if (!p) {
                x64_fail(g, "out of memory");
                return NULL;
            }
            g->dirty = p;
            g->dirty_cap = ncap;
        }
        g->dirty[g->ndirty++] = (X64Dirty){
            .offset = g->f->temps[t].offset,
            .reg = ts->loc == X64_LOC_REG ? ts->reg : -1,
            .type = g->f->temps[t].type,
            .val = ts->val,
        };
        s->ndirty++;
    }
    for (int r = 0; r < 16; r++) {
        if (g->reg_temp[r] >= 0 && (X64_CALLER_SAVED & X64_REG_BIT(r))) {
            s->save_mask |= X64_REG_BIT(r);
        }
    }
    return s;
}

static void gen_qld(X64Gen *g, const IrOp *op)
{
    unsigned memop = (unsigned)op->args[2];
    unsigned size = memop & IR_MO_SIZE_MASK;
    bool w = w64_of(op);
    if (!w && size == 8) {
        size = 4;
    }
    int ra = x64_temp_reg(g, arg_t(op, 1), ANY);
    int rt1 = x64_reg_alloc(g, ANY);
    int rt2 = x64_reg_alloc(g, ANY);
    X64Slow *s = slow_new(g);
    if (!s) {
        return;
    }
    uint32_t slow = s->label, back = x64_label_new(&g->as);
    s->back = back;
    s->store = false;
    s->memop = (uint8_t)((memop & IR_MO_SIGN) | size);
    s->mmu_idx = (uint8_t)op->args[3];
    s->type = op->type;
    s->addr_reg = (int8_t)ra;
    s->data_reg = (int8_t)rt1;
    s->save_mask &= (uint16_t)~X64_REG_BIT(rt1);
    tlb_probe(g, ra, rt1, rt2, size, s->mmu_idx, g->st->cfg.tlb_off_read, slow);
    x64_load(&g->as, size, (memop & IR_MO_SIGN) != 0, w, rt1, ra, rt1, 0);
    x64_label_bind(&g->as, back);
    finish1(g, op, rt1);
}

static void gen_qst(X64Gen *g, const IrOp *op)
{
    unsigned memop = (unsigned)op->args[2];
    unsigned size = memop & IR_MO_SIZE_MASK;
    if (!x64_temp_w64(g, arg_t(op, 0)) && size == 8) {
        size = 4;
    }
    int rv = x64_temp_reg(g, arg_t(op, 0), ANY);
    int ra = x64_temp_reg(g, arg_t(op, 1), ANY);
    int rt1 = x64_reg_alloc(g, ANY);
    int rt2 = x64_reg_alloc(g, ANY);
    X64Slow *s = slow_new(g);
    if (!s) {
        return;
    }
    uint32_t slow = s->label, back = x64_label_new(&g->as);
    s->back = back;
    s->store = true;
    s->memop = (uint8_t)size;
    s->mmu_idx = (uint8_t)op->args[3];
    s->type = (uint8_t)g->f->temps[arg_t(op, 0)].type;
    s->addr_reg = (int8_t)ra;
    s->data_reg = (int8_t)rv;
    tlb_probe(g, ra, rt1, rt2, size, s->mmu_idx, g->st->cfg.tlb_off_write, slow);
    x64_store(&g->as, size, rv, ra, rt1, 0);
    x64_label_bind(&g->as, back);
}

/* Save-area slot of caller-saved register r. */
static int32_t save_slot(int r)
{
    static const int8_t idx[16] = {
        [X64_RAX] = 0, [X64_RCX] = 1, [X64_RDX] = 2, [X64_RSI] = 3, [X64_RDI] = 4,
        [X64_R8] = 5,  [X64_R9] = 6,  [X64_R10] = 7, [X64_R11] = 8,
    };
    return X64_SAVE_OFF + idx[r] * 8;
}

/* Store guest pc at env->fault_pc (scratch may be clobbered). */
static void store_fault_pc(X64Gen *g, uint64_t pc, int scratch)
{
    int32_t off = g->st->cfg.fault_pc;
    if (x64_fits_i32((int64_t)pc)) {
        x64_store_imm(&g->as, 8, (int32_t)pc, X64_ENV_REG, off);
    } else {
        x64_movi(&g->as, true, scratch, pc, true);
        x64_store(&g->as, 8, scratch, X64_ENV_REG, -1, off);
    }
}

/* Value of register r at the slow path's entry into argument register d. */
static void slow_arg(X64Gen *g, const X64Slow *s, int d, int r)
{
    if (s->save_mask & X64_REG_BIT(r)) {
        x64_load(&g->as, 8, false, true, d, X64_RSP, -1, save_slot(r));
    } else {
        x64_mov_rr(&g->as, true, d, r);
    }
}

void x64_gen_slow_paths(X64Gen *g)
{
    const BackendConfig *cfg = &g->st->cfg;
    for (uint32_t i = 0; i < g->nslow; i++) {
        const X64Slow *s = &g->slow[i];
        x64_label_bind(&g->as, s->label);
        for (uint32_t k = 0; k < s->ndirty; k++) {
            const X64Dirty *d = &g->dirty[s->dirty_start + k];
            unsigned size = d->type == IR_I64 ? 8 : 4;
            if (d->reg >= 0) {
                x64_store(&g->as, size, d->reg, X64_ENV_REG, -1, d->offset);
            } else if (size == 4 || x64_fits_i32((int64_t)d->val)) {
                x64_store_imm(&g->as, size, (int32_t)d->val, X64_ENV_REG, d->offset);
            } else {
                x64_store_imm(&g->as, 4, (int32_t)d->val, X64_ENV_REG, d->offset);
                x64_store_imm(&g->as, 4, (int32_t)(d->val >> 32), X64_ENV_REG, d->offset + 4);
            }
        }
        for (int r = 0; r < 16; r++) {
            if (s->save_mask & X64_REG_BIT(r)) {
                x64_store(&g->as, 8, r, X64_RSP, -1, save_slot(r));
            }
        }
        store_fault_pc(g, s->pc, X64_RAX);
        /* SysV: rdi, rsi, rdx, rcx, r8. Sources come from the save area or
         * callee-saved registers, so the moves cannot collide. */
        slow_arg(g, s, X64_RSI, s->addr_reg);
        if (s->store) {
            slow_arg(g, s, X64_RDX, s->data_reg);
            x64_movi(&g->as, false, X64_RCX, s->memop, true);
            x64_movi(&g->as, false, X64_R8, s->mmu_idx, true);
        } else {
            x64_movi(&g->as, false, X64_RDX, s->memop, true);
            x64_movi(&g->as, false, X64_RCX, s->mmu_idx, true);
        }
        x64_mov_rr(&g->as, true, X64_RDI, X64_ENV_REG);
        x64_call_abs(&g->as,
                     s->store ? (const void *)cfg->store_slow : (const void *)cfg->load_slow,
                     X64_RAX);
        if (!s->store) {
            /* Extend the result as the inline load would (whatever the slow
             * function left in the upper bits). */
            unsigned size = s->memop & IR_MO_SIZE_MASK;
            bool sign = (s->memop & IR_MO_SIGN) != 0, w = s->type == IR_I64;
            uint32_t opc;
            if (size == 1) {
                opc = sign ? (OPC_MOVSX_GvEb | (w ? P_REXW : 0)) : OPC_MOVZX_GvEb;
            } else if (size == 2) {
                opc = sign ? (OPC_MOVSX_GvEw | (w ? P_REXW : 0)) : OPC_MOVZX_GvEw;
            } else if (size == 4) {
                opc = sign && w ? (OPC_MOVSXD_GvEd | P_REXW) : OPC_MOV_GvEv;
            } else {
                opc = OPC_MOV_GvEv | P_REXW;
            }
            x64_op_rr(&g->as, opc, s->data_reg, X64_RAX);
        }
        for (int r = 0; r < 16; r++) {
            if (s->save_mask & X64_REG_BIT(r)) {
                x64_load(&g->as, 8, false, true, r, X64_RSP, -1, save_slot(r));
            }
        }
        x64_jmp_label32(&g->as, s->back);
    }
}

/* ---- helper calls ---------------------------------------------------------------------- */

static void gen_call(X64Gen *g, const IrOp *op)
{
    static const int8_t arg_regs[IR_HELPER_MAX_ARGS] = {X64_RSI, X64_RDX, X64_RCX, X64_R8, X64_R9};
    const IrHelper *h = ir_call_helper(op);
    bool reads = !(h->flags & IR_HELPER_NO_READ_GLOBALS);
    bool writes = !(h->flags & IR_HELPER_NO_WRITE_GLOBALS);
    bool faults = !(h->flags & IR_HELPER_NO_FAULT);
    if (h->nargs > IR_HELPER_MAX_ARGS) {
        x64_fail(g, "op %u: helper %s has too many args", g->cur_op, h->name);
        return;
    }
    /* Every caller-saved register comes free; the arguments then load from
     * callee-saved registers, homes or constants, without conflicts. */
    x64_evict_caller_saved(g, writes);
    if (reads || writes || faults) {
        x64_sync_all(g, false);
    }
    if (faults) {
        store_fault_pc(g, g->pc, X64_RAX);
    }
    for (unsigned k = 0; k < h->nargs; k++) {
        x64_temp_copy_to(g, arg_regs[k], arg_t(op, 2 + k));
    }
    x64_mov_rr(&g->as, true, X64_RDI, X64_ENV_REG);
    x64_call_abs(&g->as, h->fn, X64_RAX);
    x64_inputs_done(g);
    if (writes) {
        for (uint32_t t = 0; t < g->f->nglobals; t++) {
            x64_temp_spill(g, t);
            g->temps[t].loc = X64_LOC_MEM;
            g->temps[t].coherent = true;
        }
    }
    IrTemp out = arg_t(op, 1);
    if (out != IR_NO_TEMP && h->ret != IR_VOID) {
        if (h->ret == IR_I32) {
            x64_mov_rr(&g->as, false, X64_RAX, X64_RAX); /* SysV leaves bits 63:32 undefined */
        }
        x64_temp_set_reg(g, out, X64_RAX);
    }
}

/* ---- block ends and exits ------------------------------------------------------------- */

void x64_gen_exit(X64Gen *g, unsigned code)
{
    x64_movi(&g->as, true, X64_RAX, (uint64_t)(uintptr_t)g->tb | code, true);
    x64_jmp_abs(&g->as, g->st->rx + g->st->epilogue_off, X64_RAX);
}

static uint32_t ir_label(X64Gen *g, uint64_t l)
{
    if (l >= g->f->nlabels) {
        x64_fail(g, "op %u: label %llu out of range", g->cur_op, (unsigned long long)l);
        return X64_NO_LABEL;
    }
    return g->ir_labels[l];
}

static void gen_brcond(X64Gen *g, const IrOp *op)
{
    IrCond cond = (IrCond)op->args[2];
    uint32_t label = ir_label(g, op->args[3]);
    if (cond == IR_COND_NEVER) {
        x64_sync_all(g, true);
        x64_bb_end(g);
        return;
    }
    X64Cmp c = {0};
    if (cond != IR_COND_ALWAYS) {
        cmp_prepare(g, op, 0, 1, cond, cmp_w64(g, op, 0), &c);
    }
    x64_sync_all(g, true);
    if (cond == IR_COND_ALWAYS) {
        x64_jmp_label(&g->as, label);
    } else {
        x64_jcc_label(&g->as, cmp_emit(g, &c), label);
    }
    x64_inputs_done(g);
    x64_bb_end(g);
}

/*
 * GOTO_TB n: an E9 rel32 whose displacement is 4-byte aligned, so one
 * atomic store retargets it while other threads may run it. It starts out
 * jumping to the next instruction: the reset code returning tb | n.
 */
static void gen_goto_tb(X64Gen *g, const IrOp *op)
{
    unsigned slot = (unsigned)op->args[0] & 1;
    x64_sync_all(g, false);
    x64_nops(&g->as, (unsigned)(3 - (g->as.pos & 3)));
    g->tb->jmp_insn_offset[slot] = (uint32_t)(g->as.pos - g->code_start);
    x64_put8(&g->as, OPC_JMP_Jz);
    x64_put32(&g->as, 0);
    g->tb->jmp_reset_offset[slot] = (uint32_t)(g->as.pos - g->code_start);
    x64_gen_exit(g, slot);
    x64_forget_all(g);
}

/*
 * LOOKUP_TB: the jump cache probe (tb.h's tb_jmp_cache_hash):
 *
 *     h = (pc ^ (pc >> TB_JMP_CACHE_BITS)) & (TB_JMP_CACHE_SIZE - 1)
 *     e = env->jmp_cache[h]
 *     if (e && e->pc == pc && e->cs_base == tb->cs_base && e->flags == tb->flags)
 *         goto *e->code;
 *     return tb | IR_EXIT_NOCHAIN;
 */
static void gen_lookup_tb(X64Gen *g, const IrOp *op)
{
    if (g->tb->cflags & TB_CF_NOCHAIN) {
        x64_sync_all(g, false);
        x64_gen_exit(g, IR_EXIT_NOCHAIN);
        x64_forget_all(g);
        return;
    }
    int rp = x64_temp_reg(g, arg_t(op, 0), ANY);
    int rt = x64_reg_alloc(g, ANY);
    int rc = x64_reg_alloc(g, ANY);
    x64_sync_all(g, false);
    uint32_t miss = x64_label_new(&g->as);
    x64_mov_rr(&g->as, true, rt, rp);
    x64_shift_ri(&g->as, SHIFT_SHR, true, rt, TB_JMP_CACHE_BITS);
    x64_arith_rr(&g->as, ARITH_XOR, true, rt, rp);
    x64_arith_ri(&g->as, ARITH_AND, false, rt, TB_JMP_CACHE_SIZE - 1);
    x64_op_rm(&g->as, OPC_MOV_GvEv | P_REXW, rt, X64_ENV_REG, rt, 3, g->st->cfg.jmp_cache);
    x64_test_rr(&g->as, true, rt, rt);
    x64_jcc_label8(&g->as, X64_CC_E, miss);
    x64_op_rm(&g->as, OPC_ARITH_GvEv + (ARITH_CMP << 3) + P_REXW, rp, rt, -1, 0,
              (int32_t)offsetof(TranslationBlock, pc));
    x64_jcc_label8(&g->as, X64_CC_NE, miss);
    x64_op_rm(&g->as, OPC_GRP1_EvIz, ARITH_CMP, rt, -1, 0,
              (int32_t)offsetof(TranslationBlock, flags));
    x64_put32(&g->as, g->tb->flags);
    x64_jcc_label8(&g->as, X64_CC_NE, miss);
    if (x64_fits_i32((int64_t)g->tb->cs_base)) {
        x64_op_rm(&g->as, OPC_GRP1_EvIz | P_REXW, ARITH_CMP, rt, -1, 0,
                  (int32_t)offsetof(TranslationBlock, cs_base));
        x64_put32(&g->as, (uint32_t)g->tb->cs_base);
    } else {
        x64_movi(&g->as, true, rc, g->tb->cs_base, true);
        x64_op_rm(&g->as, OPC_ARITH_GvEv + (ARITH_CMP << 3) + P_REXW, rc, rt, -1, 0,
                  (int32_t)offsetof(TranslationBlock, cs_base));
    }
    x64_jcc_label8(&g->as, X64_CC_NE, miss);
    x64_op_rm(&g->as, OPC_GRP5_Ev, EXT5_JMP_Ev, rt, -1, 0,
              (int32_t)offsetof(TranslationBlock, code));
    x64_label_bind(&g->as, miss);
    x64_gen_exit(g, IR_EXIT_NOCHAIN);
    x64_inputs_done(g);
    x64_forget_all(g);
}

/* ---- dispatch ------------------------------------------------------------------------ */

/*
 * Whether i64 op (the current one) may run in its 32-bit form: its result
 * is read only by the next op, an EXT32U, and the low 32 bits of ADD, SUB,
 * MUL, AND, OR, XOR, NOT, NEG and SHL by less than 32 depend only on the
 * low 32 bits of the inputs. The 32-bit form zero-extends (SDM Vol. 1
 * 3.4.1.1), so the EXT32U becomes a rename.
 */
static bool narrowable(X64Gen *g, const IrOp *op)
{
    if (op->type != IR_I64 || g->cur_op + 1 >= g->f->nops) {
        return false;
    }
    const IrOp *next = &g->f->ops[g->cur_op + 1];
    IrTemp d = arg_t(op, 0);
    if (next->opc != IR_EXT32U || arg_t(next, 1) != d || x64_is_global(g, d) ||
        !((g->dead[g->cur_op + 1] >> 1) & 1)) {
        return false;
    }
    uint64_t v;
    switch ((IrOpcode)op->opc) {
    case IR_ADD:
    case IR_SUB:
    case IR_MUL:
    case IR_AND:
    case IR_OR:
    case IR_XOR:
    case IR_NOT:
    case IR_NEG:
        return true;
    case IR_SHL:
        return x64_is_const(g, arg_t(op, 2), &v) && (v & 63) < 32;
    default:
        return false;
    }
}

void x64_gen_op(X64Gen *g, const IrOp *op)
{
    IrOp narrow;
    if (g->zext_op != UINT32_MAX && g->zext_op + 1 == g->cur_op && op->opc == IR_EXT32U &&
        g->zext_temp == arg_t(op, 1)) {
        gen_mov(g, op); /* the previous op ran in its 32-bit form */
        return;
    }
    if (narrowable(g, op)) {
        narrow = *op;
        narrow.type = IR_I32;
        op = &narrow;
        g->zext_op = g->cur_op;
        g->zext_temp = arg_t(op, 0);
    }
    switch ((IrOpcode)op->opc) {
    case IR_MOV:
        gen_mov(g, op);
        break;
    case IR_MOVI:
        x64_temp_set_const(g, arg_t(op, 0), op->args[1]);
        break;
    case IR_ADD:
        gen_arith(g, op, ARITH_ADD);
        break;
    case IR_SUB:
        gen_arith(g, op, ARITH_SUB);
        break;
    case IR_AND:
        gen_arith(g, op, ARITH_AND);
        break;
    case IR_OR:
        gen_arith(g, op, ARITH_OR);
        break;
    case IR_XOR:
        gen_arith(g, op, ARITH_XOR);
        break;
    case IR_MUL:
        gen_mul(g, op);
        break;
    case IR_ANDC:
        gen_andc(g, op);
        break;
    case IR_SHL:
        gen_shift(g, op, SHIFT_SHL);
        break;
    case IR_SHR:
        gen_shift(g, op, SHIFT_SHR);
        break;
    case IR_SAR:
        gen_shift(g, op, SHIFT_SAR);
        break;
    case IR_ROTL:
        gen_shift(g, op, SHIFT_ROL);
        break;
    case IR_ROTR:
        gen_shift(g, op, SHIFT_ROR);
        break;
    case IR_NEG:
        gen_unary(g, op, EXT3_NEG);
        break;
    case IR_NOT:
        gen_unary(g, op, EXT3_NOT);
        break;
    case IR_MULU2:
        gen_mul2(g, op, false);
        break;
    case IR_MULS2:
        gen_mul2(g, op, true);
        break;
    case IR_CLZ:
        gen_count_zeros(g, op, true);
        break;
    case IR_CTZ:
        gen_count_zeros(g, op, false);
        break;
    case IR_CTPOP:
        gen_ctpop(g, op);
        break;
    case IR_BSWAP:
        gen_bswap(g, op);
        break;
    case IR_EXT8S:
        gen_ext(g, op, OPC_MOVSX_GvEb | (w64_of(op) ? P_REXW : 0));
        break;
    case IR_EXT8U:
        gen_ext(g, op, OPC_MOVZX_GvEb);
        break;
    case IR_EXT16S:
        gen_ext(g, op, OPC_MOVSX_GvEw | (w64_of(op) ? P_REXW : 0));
        break;
    case IR_EXT16U:
        gen_ext(g, op, OPC_MOVZX_GvEw);
        break;
    case IR_EXT32S:
    case IR_EXTS_I32_I64:
        gen_ext(g, op, OPC_MOVSXD_GvEd | P_REXW);
        break;
    case IR_EXTU_I32_I64:
        /* i32 values are zero-extended already: a move. */
        gen_mov(g, op);
        break;
    case IR_EXT32U:
    case IR_EXTRL_I64_I32:
        gen_ext(g, op, OPC_MOV_GvEv);
        break;
    case IR_EXTRH_I64_I32:
        gen_extrh(g, op);
        break;
    case IR_DEPOSIT:
        gen_deposit(g, op);
        break;
    case IR_EXTRACT:
        gen_extract(g, op, false);
        break;
    case IR_SEXTRACT:
        gen_extract(g, op, true);
        break;
    case IR_SETCOND:
        gen_setcond(g, op);
        break;
    case IR_MOVCOND:
        gen_movcond(g, op);
        break;
    case IR_LD:
        gen_ld(g, op);
        break;
    case IR_ST:
        gen_st(g, op);
        break;
    case IR_QLD:
        gen_qld(g, op);
        break;
    case IR_QST:
        gen_qst(g, op);
        break;
    case IR_MB:
        /* x86 is TSO: only a full barrier (store-load order) needs code. */
        if (op->args[0] == IR_MB_FULL) {
            x64_mfence(&g->as);
        }
        break;
    case IR_LABEL: {
        uint32_t label = ir_label(g, op->args[0]);
        x64_sync_all(g, true);
        x64_forget_all(g);
        x64_label_bind(&g->as, label);
        break;
    }
    case IR_BR:
        x64_sync_all(g, true);
        x64_jmp_label(&g->as, ir_label(g, op->args[0]));
        x64_forget_all(g);
        break;
    case IR_BRCOND:
        gen_brcond(g, op);
        break;
    case IR_CALL:
        gen_call(g, op);
        break;
    case IR_INSN_START:
        g->pc = op->args[0];
        break;
    case IR_GOTO_TB:
        gen_goto_tb(g, op);
        break;
    case IR_EXIT_TB:
        x64_sync_all(g, false);
        x64_gen_exit(g, (unsigned)op->args[0] & IR_EXIT_MASK);
        x64_forget_all(g);
        break;
    case IR_LOOKUP_TB:
        gen_lookup_tb(g, op);
        break;
    case IR_NOP:
        break;
    default:
        x64_fail(g, "op %u: opcode %u not supported", g->cur_op, op->opc);
        break;
    }
}
