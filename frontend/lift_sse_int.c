/*
 * lift_sse_int.c — the MMX/SSE2 integer and logic operations lifted inline
 * on 64-bit halves of the registers: AND/ANDN/OR/XOR (integer and float
 * forms), wrapping PADD/PSUB, PCMPEQB/W/D, the unpacks, PSHUFD, SHUFPS,
 * SHUFPD and the shifts by an immediate (groups 12-14).
 *
 * Lanes narrower than 64 bits use SIMD-within-a-register arithmetic, with H
 * the top bit of each lane and L = ~H (checked exhaustively against plain
 * lane loops when written):
 *   add: ((a & L) + (b & L)) ^ ((a ^ b) & H)
 *   sub: ((a | H) - (b & L)) ^ ((a ^ ~b) & H)
 *   eq:  x = a ^ b, t = ((x & L) + L) | x: the top bit of a lane of t is
 *        set iff the lane of x is nonzero; the lanes where it is clear are
 *        spread to all ones by (bit >> (w-1)) * lane_mask.
 */
#include "frontend/sse_helpers.h"
#include "frontend/translate_internal.h"

#include <stddef.h>

/* The top bit of each lane of w bits, over 64 bits. */
static uint64_t lane_tops(unsigned w)
{
    return w == 8 ? 0x8080808080808080ull : w == 16 ? 0x8000800080008000ull : 0x8000000080000000ull;
}

static uint64_t lane_mask(unsigned w)
{
    return w == 64 ? ~0ull : (1ull << w) - 1;
}

/* ---- lane-parallel operations on one qword ---------------------------------------- */

static IrTemp swar_add(DisasContext *s, IrTemp a, IrTemp b, unsigned w)
{
    if (w == 64) {
        return lift_op2(s, IR_ADD, a, b);
    }
    uint64_t h = lane_tops(w);
    IrTemp sum = lift_op2(s, IR_ADD, lift_op2i(s, IR_AND, a, ~h), lift_op2i(s, IR_AND, b, ~h));
    IrTemp tops = lift_op2i(s, IR_AND, lift_op2(s, IR_XOR, a, b), h);
    return lift_op2(s, IR_XOR, sum, tops);
}

static IrTemp swar_sub(DisasContext *s, IrTemp a, IrTemp b, unsigned w)
{
    if (w == 64) {
        return lift_op2(s, IR_SUB, a, b);
    }
    uint64_t h = lane_tops(w);
    IrTemp diff = lift_op2(s, IR_SUB, lift_op2i(s, IR_OR, a, h), lift_op2i(s, IR_AND, b, ~h));
    IrTemp tops = lift_op2i(s, IR_AND, lift_op2(s, IR_XOR, a, lift_op1(s, IR_NOT, b)), h);
    return lift_op2(s, IR_XOR, diff, tops);
}

static IrTemp swar_eq(DisasContext *s, IrTemp a, IrTemp b, unsigned w)
{
    uint64_t h = lane_tops(w);
    IrTemp x = lift_op2(s, IR_XOR, a, b);
    IrTemp t = lift_op2(s, IR_OR, lift_op2i(s, IR_ADD, lift_op2i(s, IR_AND, x, ~h), ~h), x);
    IrTemp eq_tops = lift_op2(s, IR_ANDC, lift_const(s, h), t);
    return lift_op2i(s, IR_MUL, lift_op2i(s, IR_SHR, eq_tops, w - 1), lane_mask(w));
}

static IrTemp qword_op(DisasContext *s, unsigned mnem, IrTemp a, IrTemp b)
{
    switch (mnem) {
    case X86_I_PAND:
    case X86_I_ANDPS:
    case X86_I_ANDPD:
        return lift_op2(s, IR_AND, a, b);
    case X86_I_PANDN:
    case X86_I_ANDNPS:
    case X86_I_ANDNPD:
        return lift_op2(s, IR_ANDC, b, a);
    case X86_I_POR:
    case X86_I_ORPS:
    case X86_I_ORPD:
        return lift_op2(s, IR_OR, a, b);
    case X86_I_PXOR:
    case X86_I_XORPS:
    case X86_I_XORPD:
        return lift_op2(s, IR_XOR, a, b);
    case X86_I_PADDB:
        return swar_add(s, a, b, 8);
    case X86_I_PADDW:
        return swar_add(s, a, b, 16);
    case X86_I_PADDD:
        return swar_add(s, a, b, 32);
    case X86_I_PADDQ:
        return swar_add(s, a, b, 64);
    case X86_I_PSUBB:
        return swar_sub(s, a, b, 8);
    case X86_I_PSUBW:
        return swar_sub(s, a, b, 16);
    case X86_I_PSUBD:
        return swar_sub(s, a, b, 32);
    case X86_I_PSUBQ:
        return swar_sub(s, a, b, 64);
    case X86_I_PCMPEQB:
        return swar_eq(s, a, b, 8);
    case X86_I_PCMPEQW:
        return swar_eq(s, a, b, 16);
    default: /* PCMPEQD */
        return swar_eq(s, a, b, 32);
    }
}

/* Logic, PADD/PSUB (wrapping), PCMPEQB/W/D: each qword on its own. */
void lift_sse_lanes(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_begin(s, in)) {
        return;
    }
    unsigned d = in->ops[0].reg;
    IrTemp a[2], b[2];
    /* x ^ x and x - x are zero whatever x holds: no read (the idiom that
     * clears a register) */
    bool self = in->ops[1].kind == X86_OPND_REG && in->ops[1].reg == d &&
                (in->mnem == X86_I_PXOR || in->mnem == X86_I_XORPS || in->mnem == X86_I_XORPD);
    if (self) {
        IrTemp zero = lift_const(s, 0);
        sse_lift_write_reg(s, d, zero, sse_lift_is_mmx(d) ? IR_NO_TEMP : zero);
        sse_lift_end(s, in);
        return;
    }
    sse_lift_read(s, 1, true, b);
    sse_lift_read(s, 0, false, a);
    IrTemp lo = qword_op(s, in->mnem, a[0], b[0]);
    IrTemp hi = a[1] != IR_NO_TEMP ? qword_op(s, in->mnem, a[1], b[1]) : IR_NO_TEMP;
    sse_lift_write_reg(s, d, lo, hi);
    sse_lift_end(s, in);
}

/* ---- unpacks --------------------------------------------------------------------- */

/* The 4 lanes of w bits in the low 32 bits of x, moved to lane 2i of w
 * bits: w = 8 spreads bytes to words, w = 16 words to dwords. */
static IrTemp spread(DisasContext *s, IrTemp x, unsigned w)
{
    x = lift_op2i(s, IR_AND, lift_op2(s, IR_OR, x, lift_op2i(s, IR_SHL, x, 16)),
                  0x0000ffff0000ffffull);
    if (w == 8) {
        x = lift_op2i(s, IR_AND, lift_op2(s, IR_OR, x, lift_op2i(s, IR_SHL, x, 8)),
                      0x00ff00ff00ff00ffull);
    }
    return x;
}

/* Interleave the lanes (w bits) of the 32-bit halves a and b: a's lanes at
 * even positions. */
static IrTemp interleave(DisasContext *s, IrTemp a, IrTemp b, unsigned w)
{
    if (w == 32) {
        return lift_op2(s, IR_OR, a, lift_op2i(s, IR_SHL, b, 32));
    }
    return lift_op2(s, IR_OR, spread(s, a, w), lift_op2i(s, IR_SHL, spread(s, b, w), w));
}

static IrTemp low32(DisasContext *s, IrTemp x)
{
    return lift_op1(s, IR_EXT32U, x);
}

static IrTemp high32(DisasContext *s, IrTemp x)
{
    return lift_op2i(s, IR_SHR, x, 32);
}

/* PUNPCKL/H BW WD DQ QDQ and UNPCKL/H PS PD (SDM Vol. 2B PUNPCKLBW...):
 * the low (or high) halves of d and s interleaved, d's lanes first. The
 * MMX low forms read only 4 bytes of memory (mm/m32). */
void lift_sse_unpack(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_begin(s, in)) {
        return;
    }
    unsigned w;
    bool high;
    switch (in->mnem) {
    case X86_I_PUNPCKLBW:
    case X86_I_PUNPCKHBW:
        w = 8;
        break;
    case X86_I_PUNPCKLWD:
    case X86_I_PUNPCKHWD:
        w = 16;
        break;
    case X86_I_PUNPCKLQDQ:
    case X86_I_PUNPCKHQDQ:
    case X86_I_UNPCKLPD:
    case X86_I_UNPCKHPD:
        w = 64;
        break;
    default:
        w = 32;
        break;
    }
    high = in->mnem == X86_I_PUNPCKHBW || in->mnem == X86_I_PUNPCKHWD ||
           in->mnem == X86_I_PUNPCKHDQ || in->mnem == X86_I_PUNPCKHQDQ ||
           in->mnem == X86_I_UNPCKHPS || in->mnem == X86_I_UNPCKHPD;
    unsigned d = in->ops[0].reg;
    bool mmx = sse_lift_is_mmx(d);
    IrTemp a[2], b[2];
    if (mmx && !high && in->ops[1].kind == X86_OPND_MEM) {
        b[0] = lift_qld(s, lift_ea(s), 4, false);
        b[1] = IR_NO_TEMP;
    } else {
        sse_lift_read(s, 1, true, b);
    }
    sse_lift_read(s, 0, false, a);
    if (mmx) { /* one qword: its halves */
        IrTemp x = high ? high32(s, a[0]) : low32(s, a[0]);
        IrTemp y = high ? high32(s, b[0]) : low32(s, b[0]);
        sse_lift_write_reg(s, d, interleave(s, x, y, w), IR_NO_TEMP);
        sse_lift_end(s, in);
        return;
    }
    IrTemp x = high ? a[1] : a[0], y = high ? b[1] : b[0];
    IrTemp lo, hi;
    if (w == 64) {
        lo = x;
        hi = y;
    } else {
        lo = interleave(s, low32(s, x), low32(s, y), w);
        hi = interleave(s, high32(s, x), high32(s, y), w);
    }
    sse_lift_write_reg(s, d, lo, hi);
    sse_lift_end(s, in);
}

/* ---- shuffles by immediate --------------------------------------------------------- */

/* Dword k (0..3) of the qword pair v, zero-extended. */
static IrTemp dword_of(DisasContext *s, const IrTemp v[2], unsigned k)
{
    IrTemp q = v[k >> 1];
    return k & 1 ? high32(s, q) : low32(s, q);
}

static IrTemp pair(DisasContext *s, IrTemp lo32, IrTemp hi32)
{
    return lift_op2(s, IR_OR, lo32, lift_op2i(s, IR_SHL, hi32, 32));
}

/* PSHUFD: dword i = s dword imm8[2i+1:2i]. SHUFPS: dwords 0-1 from d,
 * 2-3 from s. SHUFPD: qword 0 from d by imm8[0], qword 1 from s by imm8[1]. */
void lift_sse_shuffle(DisasContext *s, const X86Insn *in)
{
    if (!sse_lift_begin(s, in)) {
        return;
    }
    unsigned imm = (unsigned)in->imm & 0xff;
    unsigned d = in->ops[0].reg;
    IrTemp a[2], b[2];
    sse_lift_read(s, 1, true, b);
    IrTemp lo, hi;
    switch (in->mnem) {
    case X86_I_PSHUFD:
        lo = pair(s, dword_of(s, b, imm & 3), dword_of(s, b, imm >> 2 & 3));
        hi = pair(s, dword_of(s, b, imm >> 4 & 3), dword_of(s, b, imm >> 6 & 3));
        break;
    case X86_I_SHUFPS:
        sse_lift_read(s, 0, false, a);
        lo = pair(s, dword_of(s, a, imm & 3), dword_of(s, a, imm >> 2 & 3));
        hi = pair(s, dword_of(s, b, imm >> 4 & 3), dword_of(s, b, imm >> 6 & 3));
        break;
    default: /* SHUFPD */
        sse_lift_read(s, 0, false, a);
        lo = a[imm & 1];
        hi = b[imm >> 1 & 1];
        break;
    }
    sse_lift_write_reg(s, d, lo, hi);
    sse_lift_end(s, in);
}

/* ---- shifts by an immediate (groups 12, 13, 14) ----------------------------------- */

/* A qword's lanes of w bits shifted left (or right, logically) by c < w. */
static IrTemp lanes_shift(DisasContext *s, IrTemp x, unsigned w, unsigned c, bool left)
{
    if (c == 0) {
        return x;
    }
    uint64_t keep = 0; /* the bits of each lane that stay inside it */
    for (unsigned i = 0; i < 64; i += w) {
        keep |= (left ? (lane_mask(w) << c) & lane_mask(w) : lane_mask(w) >> c) << i;
    }
    IrTemp sh = lift_op2i(s, left ? IR_SHL : IR_SHR, x, c);
    return w == 64 ? sh : lift_op2i(s, IR_AND, sh, keep);
}

/* The whole 128-bit register shifted by c bytes (PSLLDQ/PSRLDQ). */
static void bytes_shift(DisasContext *s, IrTemp v[2], unsigned c, bool left)
{
    IrTemp zero = lift_const(s, 0);
    if (c >= 16) {
        v[0] = v[1] = zero;
        return;
    }
    unsigned n = 8 * c;
    if (n == 0) {
        return;
    }
    if (left) {
        if (n >= 64) {
            v[1] = n == 64 ? v[0] : lift_op2i(s, IR_SHL, v[0], n - 64);
            v[0] = zero;
        } else {
            v[1] = lift_op2(s, IR_OR, lift_op2i(s, IR_SHL, v[1], n),
                            lift_op2i(s, IR_SHR, v[0], 64 - n));
            v[0] = lift_op2i(s, IR_SHL, v[0], n);
        }
    } else {
        if (n >= 64) {
            v[0] = n == 64 ? v[1] : lift_op2i(s, IR_SHR, v[1], n - 64);
            v[1] = zero;
        } else {
            v[0] = lift_op2(s, IR_OR, lift_op2i(s, IR_SHR, v[0], n),
                            lift_op2i(s, IR_SHL, v[1], 64 - n));
            v[1] = lift_op2i(s, IR_SHR, v[1], n);
        }
    }
}

/* PSRLW/D/Q, PSLLW/D/Q, PSRAW/D by imm8 on the register operand 0, and
 * PSRLDQ/PSLLDQ. A count of the lane width or more clears the lanes
 * (arithmetic shifts fill them with the sign). The arithmetic ones go to
 * the shift-by-register helpers with the count in xmm_tmp, as do the forms
 * with the count in a register or memory. */
void lift_sse_shift(DisasContext *s, const X86Insn *in)
{
    if (in->ops[1].kind != X86_OPND_IMM) {
        lift_sse_binop(s, in);
        return;
    }
    if (!sse_lift_begin(s, in)) {
        return;
    }
    unsigned d = in->ops[0].reg;
    unsigned c = (unsigned)in->imm & 0xff;
    bool mmx = sse_lift_is_mmx(d);
    if (in->mnem == X86_I_PSRAW || in->mnem == X86_I_PSRAD) {
        uint32_t tmp = (uint32_t)offsetof(CpuState, xmm_tmp);
        lift_st_env(s, tmp, lift_const(s, c), 8);
        const IrHelper *h = in->mnem == X86_I_PSRAW ? &helper_psraw_desc : &helper_psrad_desc;
        uint32_t off = sse_lift_reg_off(d);
        lift_call3(s, h, lift_const(s, off), lift_const(s, tmp),
                   lift_const(s, mmx ? SSE_ARG_MMX : 0));
        if (mmx) {
            sse_lift_mmx_written(s, d);
        }
        sse_lift_end(s, in);
        return;
    }
    IrTemp v[2];
    sse_lift_read(s, 0, false, v);
    if (in->mnem == X86_I_PSLLDQ || in->mnem == X86_I_PSRLDQ) {
        bytes_shift(s, v, c, in->mnem == X86_I_PSLLDQ);
    } else {
        unsigned w;
        switch (in->mnem) {
        case X86_I_PSLLW:
        case X86_I_PSRLW:
            w = 16;
            break;
        case X86_I_PSLLD:
        case X86_I_PSRLD:
            w = 32;
            break;
        default:
            w = 64;
            break;
        }
        bool left = in->mnem == X86_I_PSLLW || in->mnem == X86_I_PSLLD || in->mnem == X86_I_PSLLQ;
        for (unsigned i = 0; i < 2 && v[i] != IR_NO_TEMP; i++) {
            v[i] = c >= w ? lift_const(s, 0) : lanes_shift(s, v[i], w, c, left);
        }
    }
    sse_lift_write_reg(s, d, v[0], v[1]);
    sse_lift_end(s, in);
}
