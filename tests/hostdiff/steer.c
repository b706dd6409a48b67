/*
 * steer.c — aim a decoded case at the test pages (hostdiff.h) and at values
 * that make it interesting.
 *
 * RSP always points into the data pages; a ModRM or moffs memory operand
 * gets a target there (sometimes across a page edge into the read-only or
 * an unmapped page, sometimes non-canonical), reached by solving
 * base + index * scale + disp for the base (or the index, or the
 * displacement); string pointers, XLAT's rBX, ENTER/LEAVE's rBP,
 * MASKMOVQ's rDI, BT's bit offset, REP counts and branch targets (direct,
 * indirect, RET's return address) are set likewise. Natively nothing else
 * may be touched: a stray access could hit the child's own memory. Values
 * are biased toward what makes an instruction interesting: shift counts at
 * the width edges, dividends that fit, CMPXCHG comparisons that succeed.
 */
#include "tests/hostdiff/gen_internal.h"

#include "frontend/cpu.h"

#include <string.h>

static bool is_reg(const X86Operand *o, unsigned reg)
{
    return o->kind == X86_OPND_REG && o->reg == reg;
}

static unsigned reg_num(unsigned reg)
{
    if (reg >= X86_R_AL && reg <= X86_R_R15B) {
        return reg - X86_R_AL;
    }
    if (reg >= X86_R_AH && reg <= X86_R_BH) {
        return reg - X86_R_AH;
    }
    if (reg >= X86_R_AX && reg <= X86_R_R15W) {
        return reg - X86_R_AX;
    }
    if (reg >= X86_R_EAX && reg <= X86_R_R15D) {
        return reg - X86_R_EAX;
    }
    if (reg >= X86_R_RAX && reg <= X86_R_R15) {
        return reg - X86_R_RAX;
    }
    return 16;
}

static bool is_gpr(unsigned reg)
{
    return reg_num(reg) < 16;
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

/* Write the low size bytes of register n, keeping the rest. */
static void set_low(HdCase *k, unsigned n, unsigned size, uint64_t v)
{
    uint64_t m = size_mask(size);
    k->in.gpr[n] = (k->in.gpr[n] & ~m) | (v & m);
}

/* An address register's value for an offset at address size asz: random
 * bits above a 32-bit address (the CPU must ignore them). */
static uint64_t addr_value(HdRng *r, uint64_t off, unsigned asz)
{
    if (asz == 8) {
        return off;
    }
    return (hd_rng_next(r) & ~0xffffffffull) | (off & 0xffffffffull);
}

static void put_le(uint8_t *b, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        b[i] = (uint8_t)(v >> (8 * i));
    }
}

static void add_overlay(HdCase *k, uint64_t la, uint64_t val)
{
    if (k->novl < HD_MAX_OVERLAYS && la >= HD_DATA_VA && la + 8 <= HD_DATA_VA + HD_DATA_SIZE) {
        k->ovl[k->novl++] = (HdOverlay){(uint16_t)(la - HD_DATA_VA), val};
    }
}

/* The edges of the test pages: below them, between the two read-write
 * pages, into the read-only page, past its end. */
static const uint64_t page_edges[4] = {
    HD_DATA_VA,
    HD_DATA_VA + HD_PAGE,
    HD_DATA_RO_VA,
    HD_DATA_VA + HD_DATA_SIZE,
};

/* A target for size bytes of memory: mostly well inside the pages, now and
 * then across an edge, or (64-bit addresses) non-canonical. */
static uint64_t pick_target(HdRng *r, unsigned size, unsigned asz)
{
    unsigned roll = (unsigned)hd_rng_below(r, 64);
    if (roll < 2 && asz == 8) {
        static const uint64_t noncanon[2] = {0x0000800000000000ull, 0xffff7fffffff0000ull};
        return noncanon[roll] + (hd_rng_next(r) & 0xfff8);
    }
    if (roll < 10) {
        uint64_t edge = page_edges[hd_rng_below(r, 4)];
        return edge - size + hd_rng_below(r, 2 * size + 1);
    }
    uint64_t margin = size < 64 ? 64 : size;
    uint64_t t = HD_DATA_VA + margin + hd_rng_below(r, HD_DATA_SIZE - 2 * margin);
    if (hd_rng_chance(r, 1, 2)) {
        unsigned align = size >= 16 ? 16 : size >= 8 ? 8 : size >= 4 ? 4 : size >= 2 ? 2 : 1;
        t &= ~(uint64_t)(align - 1);
    }
    return t;
}

/* Where a pointer register of a string operation or the stack points: near
 * the middle of the read-write pages, sometimes near an edge. */
static uint64_t pick_pointer(HdRng *r)
{
    unsigned roll = (unsigned)hd_rng_below(r, 32);
    if (roll < 2) {
        uint64_t edge = page_edges[hd_rng_below(r, 4)];
        return edge - 32 + hd_rng_below(r, 64);
    }
    uint64_t p = HD_DATA_VA + HD_PAGE - 0x400 + hd_rng_below(r, 0x800);
    return hd_rng_chance(r, 7, 8) ? p & ~7ull : p;
}

uint64_t hd_pick_stack(HdRng *r)
{
    if (hd_rng_chance(r, 1, 64)) {
        return 0x0000800000000000ull + (hd_rng_next(r) & 0xff8); /* #SS on use */
    }
    return pick_pointer(r);
}

/* A branch target: somewhere in the code page but inside the instruction,
 * now and then non-canonical (#GP) or in a no-execute data page (#PF). */
static uint64_t pick_code_target(HdRng *r, const HdCase *k)
{
    unsigned roll = (unsigned)hd_rng_below(r, 32);
    if (roll == 0) {
        return 0x0000800000000000ull + hd_rng_below(r, 4096);
    }
    if (roll == 1) {
        return HD_DATA_VA + hd_rng_below(r, HD_DATA_SIZE);
    }
    for (;;) {
        uint64_t off = hd_rng_below(r, HD_PAGE);
        if (off < k->code_off || off >= (uint64_t)k->code_off + k->pre_len + k->len) {
            return HD_CODE_VA + off;
        }
    }
}

/* The inverse of odd c modulo 2^64 (Newton's iteration). */
static uint64_t inverse_odd(uint64_t c)
{
    uint64_t x = c;
    for (int i = 0; i < 6; i++) {
        x *= 2 - c * x;
    }
    return x;
}

/* Whether the instruction uses the stack besides its operands. */
static bool uses_stack(unsigned m)
{
    switch (m) {
    case X86_I_PUSH:
    case X86_I_POP:
    case X86_I_CALL:
    case X86_I_RET:
    case X86_I_PUSHF:
    case X86_I_PUSHFD:
    case X86_I_PUSHFQ:
    case X86_I_POPF:
    case X86_I_POPFD:
    case X86_I_POPFQ:
    case X86_I_ENTER:
    case X86_I_LEAVE:
        return true;
    default:
        return false;
    }
}

/* Whether the instruction's memory goes through GS: on the hardware any GS
 * override does, a later CS/DS/ES/SS override notwithstanding (those are
 * ignored in 64-bit mode, SDM Vol. 1 3.3.7.1), and no FS is generated. */
static bool uses_gs(const HdBuild *b)
{
    for (unsigned i = 0; i < b->opc; i++) {
        if (b->bytes[i] == 0x65) {
            return true;
        }
        if (b->bytes[i] == 0xc4) {
            break; /* the VEX bytes follow */
        }
    }
    return false;
}

/* Set the registers (or the displacement) so that the ModRM/moffs memory
 * operand's linear address is b->target. False when that cannot be done. */
static bool solve_ea(HdBuild *b, HdRng *r)
{
    HdCase *k = b->k;
    const X86Mem *m = &b->in.mem;
    unsigned asz = m->addr_size;
    uint64_t amask = size_mask(asz);
    uint64_t seg = uses_gs(b) ? HD_GS_BASE : 0;
    uint64_t want = b->target - seg;
    bool noncanon = (b->target >> 47) != 0 && (b->target >> 47) != 0x1ffff;

    if (m->base == X86_R_RIP || m->base == X86_R_EIP) {
        if (noncanon) {
            return false;
        }
        uint64_t next = HD_CODE_VA + k->code_off + k->pre_len + b->in.length;
        put_le(b->bytes + b->disp_pos, want - next, 4);
        return true;
    }
    if (m->base == X86_R_NONE && m->index == X86_R_NONE) {
        if (m->disp_size == 8) {
            put_le(b->bytes + b->disp_pos, want, 8);
            return true;
        }
        if (noncanon || want > 0x7fffffffu) {
            return false; /* a disp32 cannot reach it */
        }
        put_le(b->bytes + b->disp_pos, want, m->disp_size);
        return m->disp_size == 4;
    }
    int64_t disp = 0;
    if (m->disp_size == 1) {
        disp = (int8_t)b->bytes[b->disp_pos];
    } else if (m->disp_size == 4) {
        uint32_t d;
        memcpy(&d, b->bytes + b->disp_pos, 4);
        disp = (int32_t)d;
    }
    unsigned base = m->base == X86_R_NONE ? 16 : reg_num(m->base);
    unsigned index = m->index == X86_R_NONE ? 16 : reg_num(m->index);
    unsigned scale = m->scale ? m->scale : 1;
    if (base == R_ESP && uses_stack(b->in.mnem)) {
        /* keep the stack pointer near the target: small displacement and index */
        if (m->disp_size == 4) {
            disp = (int64_t)hd_rng_below(r, 129) - 64;
            put_le(b->bytes + b->disp_pos, (uint64_t)disp, 4);
        }
        if (index < 16 && index != base) {
            k->in.gpr[index] = hd_rng_below(r, 17);
        }
    }
    /* RSP keeps its upper half clean under 32-bit addressing: the stack
     * itself uses all 64 bits */
    unsigned asz_base = base == R_ESP ? 8 : asz;
    uint64_t rest = (want - (uint64_t)disp) & amask;
    if (base < 16 && index < 16 && base != index) {
        uint64_t iv = k->in.gpr[index];
        k->in.gpr[base] = addr_value(r, (rest - iv * scale) & amask, asz_base);
    } else if (base < 16 && index == base) {
        uint64_t v = rest * inverse_odd(1 + scale);
        k->in.gpr[base] = addr_value(r, v & amask, asz_base);
    } else if (index < 16) {
        /* index * scale = rest: move the target down to a multiple */
        uint64_t extra = rest % scale;
        b->target -= extra;
        rest -= extra;
        uint64_t v = rest / scale;
        if (asz == 8) {
            /* the top bits of the index fall off the multiplication */
            unsigned sh = scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0;
            if (sh) {
                v |= hd_rng_next(r) << (64 - sh);
            }
        }
        k->in.gpr[index] = addr_value(r, v, asz);
    } else {
        k->in.gpr[base] = addr_value(r, rest, asz_base);
    }
    return true;
}

/* Shift and rotate counts worth testing: zero, one, the width edges. */
static uint8_t pick_count(HdRng *r)
{
    static const uint8_t counts[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255};
    return counts[hd_rng_below(r, sizeof(counts))];
}

static bool is_shift(unsigned m)
{
    switch (m) {
    case X86_I_SHL:
    case X86_I_SAL:
    case X86_I_SHR:
    case X86_I_SAR:
    case X86_I_ROL:
    case X86_I_ROR:
    case X86_I_RCL:
    case X86_I_RCR:
    case X86_I_SHLD:
    case X86_I_SHRD:
        return true;
    default:
        return false;
    }
}

static bool is_bt(unsigned m)
{
    return m == X86_I_BT || m == X86_I_BTS || m == X86_I_BTR || m == X86_I_BTC;
}

static bool is_rel_branch(const X86Insn *in)
{
    return in->nops >= 1 && in->ops[0].kind == X86_OPND_REL;
}

/* Value tweaks before the memory operand is placed. */
static void steer_values(HdBuild *b, HdRng *r)
{
    HdCase *k = b->k;
    const X86Insn *in = &b->in;
    unsigned m = in->mnem;
    unsigned size = in->ops[0].size;

    if (is_shift(m) && hd_rng_chance(r, 1, 2)) {
        const X86Operand *cnt = &in->ops[in->nops - 1];
        if (cnt->kind == X86_OPND_IMM && in->imm_size == 1) {
            b->bytes[in->length - 1] = pick_count(r);
        } else if (is_reg(cnt, X86_R_CL)) {
            set_low(k, R_ECX, 1, pick_count(r));
        }
    }
    if ((m == X86_I_DIV || m == X86_I_IDIV) && hd_rng_chance(r, 1, 2)) {
        /* a dividend whose quotient usually fits */
        uint64_t a = k->in.gpr[R_EAX];
        bool neg = m == X86_I_IDIV && ((a >> (8 * size - 1)) & 1);
        if (size == 1) {
            set_low(k, R_EAX, 2, (a & 0xff) | (neg ? 0xff00 : 0));
        } else {
            set_low(k, R_EDX, size, neg ? ~0ull : 0);
        }
    }
    if (m == X86_I_CMPXCHG && hd_rng_chance(r, 1, 2) && in->ops[0].kind == X86_OPND_REG) {
        set_low(k, reg_num(in->ops[0].reg), size, k->in.gpr[R_EAX]);
    }
    if (m == X86_I_INT) {
        uint8_t v = hd_rng_chance(r, 1, 2) ? (uint8_t)hd_rng_below(r, 6) : b->bytes[in->length - 1];
        b->bytes[in->length - 1] = v == 0x80 ? 0x81 : v;
    }
    if (m == X86_I_XLATB) {
        uint64_t al = k->in.gpr[R_EAX] & 0xff;
        uint64_t seg = uses_gs(b) ? HD_GS_BASE : 0;
        k->in.gpr[R_EBX] = addr_value(r, pick_pointer(r) - al - seg, in->addr_size);
    }
    if (m == X86_I_ENTER || m == X86_I_LEAVE) {
        k->in.gpr[R_EBP] = pick_pointer(r);
    }
    /* MASKMOVQ/MASKMOVDQU store to DS:rDI (no memory operand decoded) */
    if (m == X86_I_MASKMOVQ || m == X86_I_MASKMOVDQU) {
        uint64_t seg = uses_gs(b) ? HD_GS_BASE : 0;
        k->in.gpr[R_EDI] = addr_value(r, pick_pointer(r) - seg, in->addr_size);
    }
    /* string and other implicit pointers (the SDM's X and Y operands) */
    bool string = false;
    for (unsigned i = 0; i < in->nops; i++) {
        const X86Operand *o = &in->ops[i];
        if (o->kind == X86_OPND_MEM && o->reg != X86_R_NONE && is_gpr(o->reg)) {
            uint64_t seg =
                (o->reg != X86_R_RDI && o->reg != X86_R_EDI && uses_gs(b)) ? HD_GS_BASE : 0;
            k->in.gpr[reg_num(o->reg)] = addr_value(r, pick_pointer(r) - seg, in->addr_size);
            string = true;
        }
    }
    if (string && (in->prefixes & (X86_PFX_REP | X86_PFX_REPNE))) {
        uint64_t n = hd_rng_chance(r, 1, 8) ? 0 : hd_rng_below(r, 33);
        k->in.gpr[R_ECX] = addr_value(r, n, in->addr_size);
    }
    /* BT with a register bit offset and memory: a small signed offset */
    if (is_bt(m) && in->ops[0].kind == X86_OPND_MEM && in->ops[1].kind == X86_OPND_REG) {
        int64_t off = (int64_t)hd_rng_below(r, 1024) - 512;
        set_low(k, reg_num(in->ops[1].reg), size, (uint64_t)off);
    }
    /* near indirect branches through a register */
    if ((m == X86_I_JMP || m == X86_I_CALL) && in->ops[0].kind == X86_OPND_REG) {
        k->in.gpr[reg_num(in->ops[0].reg)] = pick_code_target(r, k);
    }
    if (is_rel_branch(in) && (in->imm_size == 1 || in->imm_size == 4)) {
        uint64_t next = HD_CODE_VA + k->code_off + k->pre_len + in->length;
        for (;;) {
            uint64_t t;
            if (in->imm_size == 1) {
                t = next + (uint64_t)(int64_t)(int8_t)hd_rng_next(r);
            } else {
                t = pick_code_target(r, k);
            }
            if (t < HD_CODE_VA + k->code_off || t >= next) {
                put_le(b->bytes + in->length - in->imm_size, t - next, in->imm_size);
                break;
            }
        }
    }
    if (m == X86_I_RET) {
        add_overlay(k, k->in.gpr[R_ESP], pick_code_target(r, k));
    }
    /* PUSH of a segment register writes 2 or 8 bytes (SDM Vol. 2B PUSH:
     * either is allowed); keep the slot within a page so both agree */
    if (m == X86_I_PUSH && in->ops[0].kind == X86_OPND_REG && in->ops[0].reg >= X86_R_ES &&
        in->ops[0].reg <= X86_R_GS) {
        k->in.gpr[R_ESP] = pick_pointer(r) & ~7ull;
    }
}

/* Overlays that need the memory operand's address. */
static void steer_memory_values(HdBuild *b, HdRng *r)
{
    HdCase *k = b->k;
    const X86Insn *in = &b->in;
    unsigned m = in->mnem;
    uint64_t t = b->target;
    if ((m == X86_I_JMP || m == X86_I_CALL) && in->ops[0].kind == X86_OPND_MEM) {
        add_overlay(k, t, pick_code_target(r, k));
    } else if (m == X86_I_CMPXCHG && hd_rng_chance(r, 1, 2)) {
        uint64_t mask = size_mask(in->ops[0].size);
        add_overlay(k, t, (hd_rng_int(r) & ~mask) | (k->in.gpr[R_EAX] & mask));
    } else if (m == X86_I_CMPXCHG8B && hd_rng_chance(r, 1, 2)) {
        add_overlay(k, t, (k->in.gpr[R_EDX] << 32) | (uint32_t)k->in.gpr[R_EAX]);
    } else if (m == X86_I_CMPXCHG16B && hd_rng_chance(r, 1, 2)) {
        add_overlay(k, t, k->in.gpr[R_EAX]);
        add_overlay(k, t + 8, k->in.gpr[R_EDX]);
    } else if (k->group & (HD_GROUP_X87 | HD_GROUP_SSE)) {
        /* floating-point bit patterns rather than integers */
        add_overlay(k, t, hd_float_bits(r));
        add_overlay(k, t + 8, hd_float_bits(r));
    }
}

/* Where the displacement is in b->bytes (after ModRM and SIB, or the
 * opcode for moffs). */
static void find_fields(HdBuild *b)
{
    const X86Insn *in = &b->in;
    b->disp_pos = b->opc + 1;
    if (in->has_modrm) {
        unsigned mod = in->modrm >> 6, rm = in->modrm & 7;
        bool sib = mod != 3 && rm == 4 && in->addr_size != 2;
        b->disp_pos += 1 + (sib ? 1 : 0);
    }
}

static bool decode_again(HdBuild *b, const X86Insn *first)
{
    X86Insn again;
    if (x86_decode(&again, b->bytes, b->in.length, X86_MODE_64) != X86_DEC_OK) {
        return false;
    }
    if (again.mnem != first->mnem || again.length != first->length) {
        return false;
    }
    b->in = again;
    return true;
}

/* Steer a decoded case. False when it cannot be made safe: draw again. */
bool hd_steer(HdBuild *b, HdRng *r)
{
    X86Insn first = b->in;
    HdCase *k = b->k;
    b->mem_op = -1;
    for (unsigned i = 0; i < first.nops; i++) {
        if (first.ops[i].kind == X86_OPND_MEM && first.ops[i].reg == X86_R_NONE) {
            b->mem_op = (int)i;
        }
    }
    find_fields(b);
    k->in.gpr[R_ESP] = hd_pick_stack(r);
    steer_values(b, r);
    if (b->mem_op >= 0 && (first.has_modrm ? (first.modrm >> 6) != 3 : true)) {
        unsigned size = first.ops[b->mem_op].size ? first.ops[b->mem_op].size : 1;
        /* BT's bit offset must not be the base or index it also moves */
        if (is_bt(first.mnem) && first.ops[1].kind == X86_OPND_REG) {
            unsigned off = reg_num(first.ops[1].reg);
            if ((first.mem.base != X86_R_NONE && reg_num(first.mem.base) == off) ||
                (first.mem.index != X86_R_NONE && reg_num(first.mem.index) == off)) {
                return false;
            }
        }
        bool solved = false;
        for (int tries = 0; tries < 4 && !solved; tries++) {
            b->target = pick_target(r, size, first.mem.addr_size);
            solved = solve_ea(b, r);
        }
        if (!solved) {
            return false;
        }
        steer_memory_values(b, r);
    }
    return decode_again(b, &first);
}
