/*
 * undef.c — what the SDM leaves undefined after an instruction, so the
 * comparison ignores exactly that: a table keyed by instruction id, with
 * the count-dependent rules of the shifts and rotates worked out from the
 * case's input. Each entry cites the instruction's "Flags Affected" section
 * of the SDM (Vol. 2). Only results of an instruction that completed are
 * masked: a faulting instruction changes nothing.
 *
 * Where the SDM says a result is undefined but processors agree on it
 * (BSF/BSR leave the destination alone for a zero source, which AMD
 * documents), it is still compared.
 */
#include "tests/hostdiff/hostdiff.h"

#include "frontend/cpu.h"

#include <string.h>

#define F_CF EFLAGS_CF
#define F_PF EFLAGS_PF
#define F_AF EFLAGS_AF
#define F_ZF EFLAGS_ZF
#define F_SF EFLAGS_SF
#define F_OF EFLAGS_OF
#define F_ALL EFLAGS_ARITH

static unsigned gpr_of(unsigned reg, unsigned *size)
{
    if (reg >= X86_R_AL && reg <= X86_R_R15B) {
        *size = 1;
        return reg - X86_R_AL;
    }
    if (reg >= X86_R_AX && reg <= X86_R_R15W) {
        *size = 2;
        return reg - X86_R_AX;
    }
    if (reg >= X86_R_EAX && reg <= X86_R_R15D) {
        *size = 4;
        return reg - X86_R_EAX;
    }
    if (reg >= X86_R_RAX && reg <= X86_R_R15) {
        *size = 8;
        return reg - X86_R_RAX;
    }
    *size = 0;
    return 16;
}

/* The shift/rotate count as the instruction sees it, before masking. */
static unsigned raw_count(const X86Insn *in, const HdCase *k)
{
    const X86Operand *c = &in->ops[in->nops - 1];
    if (c->kind == X86_OPND_REG) {
        return (unsigned)(k->in.gpr[1] & 0xff); /* CL */
    }
    return (unsigned)(in->imm & 0xff);
}

/* The linear address of the ModRM/moffs memory operand for the input
 * state (64-bit mode; FS never occurs). */
uint64_t hd_operand_address(const X86Insn *in, const HdCase *k)
{
    const X86Mem *m = &in->mem;
    uint64_t a = (uint64_t)m->disp;
    if (m->base == X86_R_RIP || m->base == X86_R_EIP) {
        a += hd_insn_rip(k) + in->length;
    } else if (m->base != X86_R_NONE) {
        unsigned sz;
        a += k->in.gpr[gpr_of(m->base, &sz) & 15];
    }
    if (m->index != X86_R_NONE) {
        unsigned sz;
        a += k->in.gpr[gpr_of(m->index, &sz) & 15] * (m->scale ? m->scale : 1);
    }
    if (m->addr_size == 4) {
        a &= 0xffffffffu;
    }
    return a + (hd_code_uses_gs(k) ? HD_GS_BASE : 0);
}

bool hd_code_uses_gs(const HdCase *k)
{
    for (unsigned i = k->pre_len; i < k->len; i++) {
        switch (k->code[i]) {
        case 0x65:
            return true;
        case 0x26:
        case 0x2e:
        case 0x36:
        case 0x3e:
        case 0x64:
        case 0x66:
        case 0x67:
        case 0xf0:
        case 0xf2:
        case 0xf3:
            continue;
        default:
            return false;
        }
    }
    return false;
}

/* Leave the len bytes at linear address a out of the comparison. */
static void add_mem(HdUndef *u, uint64_t a, unsigned len)
{
    if (u->nmem < 2 && a >= HD_DATA_VA && a < HD_DATA_VA + HD_DATA_SIZE) {
        u->mem[u->nmem].off = (uint32_t)(a - HD_DATA_VA);
        u->mem[u->nmem].len = len;
        u->nmem++;
    }
}

/* The destination (operand 0) is undefined: mask it. */
static void dest_undefined(const X86Insn *in, const HdCase *k, HdUndef *u)
{
    const X86Operand *d = &in->ops[0];
    if (d->kind == X86_OPND_REG) {
        unsigned size;
        unsigned n = gpr_of(d->reg, &size);
        if (n < 16) {
            u->gpr[n] = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
        }
    } else if (d->kind == X86_OPND_MEM) {
        uint64_t a = hd_operand_address(in, k);
        add_mem(u, a, d->size);
    }
}

void hd_undefined(const X86Insn *in, const HdCase *k, HdUndef *u)
{
    memset(u, 0, sizeof(*u));
    unsigned size = in->ops[0].size;
    unsigned bits = 8 * size;
    unsigned count = 0;
    switch (in->mnem) {
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
        count = raw_count(in, k) & (size == 8 ? 63 : 31);
        break;
    default:
        break;
    }

    switch (in->mnem) {
    /* AND OR XOR TEST: "AF is undefined" */
    case X86_I_AND:
    case X86_I_OR:
    case X86_I_XOR:
    case X86_I_TEST:
        u->flags = F_AF;
        break;
    /* MUL, IMUL: "SF, ZF, AF, and PF are undefined" */
    case X86_I_MUL:
    case X86_I_IMUL:
        u->flags = F_SF | F_ZF | F_AF | F_PF;
        break;
    /* DIV, IDIV: "CF, OF, SF, ZF, AF, and PF are undefined" */
    case X86_I_DIV:
    case X86_I_IDIV:
        u->flags = F_ALL;
        break;
    /* SAL/SAR/SHL/SHR: AF undefined for a nonzero count; OF defined only
     * for 1-bit shifts; CF undefined for SHL/SHR when the count is at
     * least the operand width (possible for bytes and words). */
    case X86_I_SHL:
    case X86_I_SAL:
    case X86_I_SHR:
    case X86_I_SAR:
        if (count != 0) {
            u->flags |= F_AF;
            if (count != 1) {
                u->flags |= F_OF;
            }
            if (count >= bits && in->mnem != X86_I_SAR) {
                u->flags |= F_CF;
            }
        }
        break;
    /* ROL/ROR/RCL/RCR: "The OF flag is defined only for the 1-bit
     * rotates" (the masked count is 1); a masked count of 0 changes no flag. */
    case X86_I_ROL:
    case X86_I_ROR:
    case X86_I_RCL:
    case X86_I_RCR:
        if (count > 1) {
            u->flags = F_OF;
        }
        break;
    /* SHLD/SHRD: AF undefined for a nonzero count, OF for a count other
     * than 1; a count greater than the operand size leaves the result and
     * every flag undefined. */
    case X86_I_SHLD:
    case X86_I_SHRD:
        if (count > bits) {
            u->flags = F_ALL;
            dest_undefined(in, k, u);
        } else if (count != 0) {
            u->flags = F_AF | (count != 1 ? F_OF : 0);
        }
        break;
    /* BT/BTS/BTR/BTC: "The OF, SF, AF, and PF flags are undefined" */
    case X86_I_BT:
    case X86_I_BTS:
    case X86_I_BTR:
    case X86_I_BTC:
        u->flags = F_OF | F_SF | F_AF | F_PF;
        break;
    /* BSF/BSR: "The CF, OF, SF, AF, and PF flags are undefined" */
    case X86_I_BSF:
    case X86_I_BSR:
        u->flags = F_CF | F_OF | F_SF | F_AF | F_PF;
        break;
    /* TZCNT/LZCNT: "OF, SF, PF and AF flags are undefined" */
    case X86_I_TZCNT:
    case X86_I_LZCNT:
        u->flags = F_OF | F_SF | F_PF | F_AF;
        break;
    /* ANDN, BLSI, BLSMSK, BLSR, BZHI: "AF and PF flags are undefined" */
    case X86_I_ANDN:
    case X86_I_BLSI:
    case X86_I_BLSMSK:
    case X86_I_BLSR:
    case X86_I_BZHI:
        u->flags = F_AF | F_PF;
        break;
    /* BEXTR: "AF, SF, and PF are undefined" */
    case X86_I_BEXTR:
        u->flags = F_AF | F_SF | F_PF;
        break;
    /* RDRAND/RDSEED: a random value by nature (the flags are defined) */
    case X86_I_RDRAND:
    case X86_I_RDSEED:
        dest_undefined(in, k, u);
        u->result_random = true;
        break;
    /* PUSH of a segment register with a 32/64-bit operand size: "either a
     * zero-extended value is pushed on the stack or the segment selector
     * is written on the stack using a 16-bit move" (SDM Vol. 2B PUSH): the
     * bytes above the selector are undefined. */
    case X86_I_PUSH:
        if (in->ops[0].kind == X86_OPND_REG && in->ops[0].reg >= X86_R_ES &&
            in->ops[0].reg <= X86_R_GS && in->op_size > 2) {
            add_mem(u, k->in.gpr[4] - in->op_size + 2, in->op_size - 2u);
        }
        break;
    /* CMPXCHG with a 32-bit register destination that differs from EAX:
     * the SDM writes DEST back (zero-extending it in 64-bit mode), AMD
     * processors leave the register alone. Vendor-specific: mask bits
     * 63:32. */
    case X86_I_CMPXCHG:
        if (in->ops[0].kind == X86_OPND_REG && size == 4) {
            unsigned sz;
            unsigned n = gpr_of(in->ops[0].reg, &sz);
            if (n < 16 && (uint32_t)k->in.gpr[n] != (uint32_t)k->in.gpr[0]) {
                u->gpr[n] = ~0xffffffffull;
            }
        }
        break;
    /* FXSAVE: FOP, FIP and FDP are left out unless an x87 exception is
     * pending on AMD processors (their FXSAVE leaves zeros), and
     * MXCSR_MASK is the model's (AMD's has bit 17, MM): SDM Vol. 2A FXSAVE,
     * AMD APM Vol. 5 FXSAVE. */
    case X86_I_FXSAVE:
    case X86_I_FXSAVE64: {
        uint64_t a = hd_operand_address(in, k);
        add_mem(u, a + FX_FOP, FX_MXCSR - FX_FOP);
        add_mem(u, a + FX_MXCSR_MASK, 4);
        break;
    }
    /* BSWAP: "the result is undefined" with a 16-bit operand */
    case X86_I_BSWAP:
        if (size == 2) {
            dest_undefined(in, k, u);
        }
        break;
    default:
        break;
    }
}

uint64_t hd_flags_read(const X86Insn *in)
{
    static const uint64_t cond[8] = {
        F_OF, F_CF, F_ZF, F_CF | F_ZF, F_SF, F_PF, F_SF | F_OF, F_ZF | F_SF | F_OF,
    };
    unsigned m = in->mnem, op = in->opcode;
    bool jcc = (in->map == X86_MAP_ONE && op >= 0x70 && op <= 0x7f) ||
               (in->map == X86_MAP_0F && op >= 0x80 && op <= 0x8f);
    bool setcc_cmovcc = in->encoding == X86_ENC_LEGACY && in->map == X86_MAP_0F &&
                        ((op >= 0x90 && op <= 0x9f) || (op >= 0x40 && op <= 0x4f));
    if (jcc || setcc_cmovcc) {
        return cond[(op & 15) >> 1];
    }
    switch (m) {
    case X86_I_ADC:
    case X86_I_SBB:
    case X86_I_RCL:
    case X86_I_RCR:
    case X86_I_CMC:
    case X86_I_SALC:
    case X86_I_ADCX:
        return F_CF;
    case X86_I_ADOX:
    case X86_I_INTO:
        return F_OF;
    case X86_I_LOOPE:
    case X86_I_LOOPNE:
        return F_ZF;
    case X86_I_FCMOVB:
    case X86_I_FCMOVNB:
        return F_CF;
    case X86_I_FCMOVE:
    case X86_I_FCMOVNE:
        return F_ZF;
    case X86_I_FCMOVBE:
    case X86_I_FCMOVNBE:
        return F_CF | F_ZF;
    case X86_I_FCMOVU:
    case X86_I_FCMOVNU:
        return F_PF;
    case X86_I_LAHF:
        return F_SF | F_ZF | F_AF | F_PF | F_CF;
    case X86_I_PUSHF:
    case X86_I_PUSHFD:
    case X86_I_PUSHFQ:
    case X86_I_DAA:
    case X86_I_DAS:
    case X86_I_AAA:
    case X86_I_AAS:
        return F_ALL;
    default:
        return 0;
    }
}

uint64_t hd_producer_undefined(const HdCase *k)
{
    if (!k->pre_len) {
        return 0;
    }
    X86Insn pre;
    if (x86_decode(&pre, k->code, k->pre_len, X86_MODE_64) != X86_DEC_OK) {
        return 0;
    }
    HdUndef u;
    hd_undefined(&pre, k, &u);
    return u.flags;
}
