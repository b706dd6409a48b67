/*
 * x86_format.c — Intel-syntax text of a decoded instruction, in the style of
 * `objdump -d -M intel`: mnemonic padded to seven columns, operands joined
 * by ",", "DWORD PTR [rbp-0x14]", branch targets as absolute addresses and
 * a "# 0xADDR" comment for RIP-relative operands. rx86-dis and the traces use
 * it; it reads only the X86Insn, never guest memory.
 */
#include <stdio.h>
#include <string.h>

#include "frontend/x86_decode_internal.h"

#define X86_MNEM(name) #name,
static const char *const mnem_names[X86_I_COUNT] = {
#include "frontend/x86_mnemonics.h"
};
#undef X86_MNEM

/* Indexed by X86Reg; the order is the enum's. */
static const char *const reg_names[X86_R_COUNT] = {
    "", "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b",
    "r13b", "r14b", "r15b", "ah", "ch", "dh", "bh", "ax", "cx", "dx", "bx", "sp", "bp", "si",
    "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w", "eax", "ecx", "edx",
    "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d",
    "r15d", "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11",
    "r12", "r13", "r14", "r15", "ip", "eip", "rip", "es", "cs", "ss", "ds", "fs", "gs", "cr0",
    "cr1", "cr2", "cr3", "cr4", "cr5", "cr6", "cr7", "cr8", "cr9", "cr10", "cr11", "cr12", "cr13",
    "cr14", "cr15", "dr0", "dr1", "dr2", "dr3", "dr4", "dr5", "dr6", "dr7", "dr8", "dr9", "dr10",
    "dr11", "dr12", "dr13", "dr14", "dr15", "st(0)", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)",
    "st(6)", "st(7)", "mm0", "mm1", "mm2", "mm3", "mm4", "mm5", "mm6", "mm7", "xmm0", "xmm1",
    "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
    "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22",
    "xmm23", "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31", "ymm0",
    "ymm1", "ymm2", "ymm3", "ymm4", "ymm5", "ymm6", "ymm7", "ymm8", "ymm9", "ymm10", "ymm11",
    "ymm12", "ymm13", "ymm14", "ymm15", "ymm16", "ymm17", "ymm18", "ymm19", "ymm20", "ymm21",
    "ymm22", "ymm23", "ymm24", "ymm25", "ymm26", "ymm27", "ymm28", "ymm29", "ymm30", "ymm31",
    "zmm0", "zmm1", "zmm2", "zmm3", "zmm4", "zmm5", "zmm6", "zmm7", "zmm8", "zmm9", "zmm10",
    "zmm11", "zmm12", "zmm13", "zmm14", "zmm15", "zmm16", "zmm17", "zmm18", "zmm19", "zmm20",
    "zmm21", "zmm22", "zmm23", "zmm24", "zmm25", "zmm26", "zmm27", "zmm28", "zmm29", "zmm30",
    "zmm31", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7",
};

const char *x86_mnem_name(unsigned mnem)
{
    return mnem < X86_I_COUNT ? mnem_names[mnem] : "?";
}

_Static_assert(X86_R_COUNT == 230, "reg_names must list every X86Reg");

const char *x86_reg_name(unsigned reg)
{
    return reg < X86_R_COUNT && reg != X86_R_NONE ? reg_names[reg] : "?";
}

/* A bounded string builder: counts what it could not store, like snprintf. */
typedef struct Out {
    char *buf;
    size_t len, pos;
} Out;

static void put(Out *o, const char *s)
{
    for (; *s; s++) {
        if (o->pos + 1 < o->len) {
            o->buf[o->pos] = *s;
        }
        o->pos++;
    }
}

static void putf(Out *o, const char *fmt, unsigned long long v)
{
    char tmp[40];
    snprintf(tmp, sizeof(tmp), fmt, v);
    put(o, tmp);
}

static void put_reg(Out *o, unsigned r)
{
    put(o, x86_reg_name(r));
}

static void put_lower(Out *o, const char *s)
{
    char tmp[2] = { 0, 0 };
    for (; *s; s++) {
        tmp[0] = (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s;
        put(o, tmp);
    }
}

static uint64_t mask_to(uint64_t v, unsigned size)
{
    return size >= 8 ? v : v & ((1ull << (8 * size)) - 1);
}

static const char *size_ptr(unsigned size)
{
    switch (size) {
    case 1: return "BYTE PTR ";
    case 2: return "WORD PTR ";
    case 4: return "DWORD PTR ";
    case 6: return "FWORD PTR ";
    case 8: return "QWORD PTR ";
    case 10: return "TBYTE PTR ";
    case 16: return "XMMWORD PTR ";
    case 32: return "YMMWORD PTR ";
    case 64: return "ZMMWORD PTR ";
    default: return "";
    }
}

/* Memory operands whose size is a structure, not a data type, print no
 * "PTR" (objdump: "lgdt [rax]", "fxsave [rax]"). */
static int sized_operand(const X86Insn *in, unsigned i)
{
    if (in->mnem == X86_I_LEA || in->row == NULL) {
        return in->mnem != X86_I_LEA;
    }
    /* ops[] may have skipped a legacy-dropped H; find the spec by kind */
    for (unsigned k = 0; k < in->row->nops; k++) {
        uint8_t m = in->row->ops[k].method;
        if (m == A_M || m == A_E || m == A_W || m == A_Q || m == A_KE || m == A_MV) {
            uint8_t sz = in->row->ops[k].size;
            return !(sz == S_s || sz == S_env || sz == S_st || sz == S_fx || sz == S_xs ||
                     sz == S_0);
        }
    }
    (void)i;
    return 1;
}

/* The bytes an EVEX broadcast stands for: the memory operand's size
 * without the broadcast (a half or a quarter of the vector for the
 * widening conversions, VCVTPS2PD and VCVTPH2PD). */
static unsigned broadcast_bytes(const X86Insn *in)
{
    unsigned vec = 16u << in->vex_l;
    for (unsigned k = 0; in->row != NULL && k < in->row->nops; k++) {
        uint8_t m = in->row->ops[k].method, sz = in->row->ops[k].size;
        if (m == A_W || m == A_M) {
            return sz == S_h ? vec / 2 : sz == S_r ? vec / 4 : sz == S_e ? vec / 8 : vec;
        }
    }
    return vec;
}

static void put_mem(Out *o, const X86Insn *in, const X86Operand *op, unsigned i, uint64_t pc,
                    int *rip_note)
{
    const X86Mem *m = &in->mem;
    if (sized_operand(in, i)) {
        put(o, size_ptr(op->size));
    }
    if (op->reg != X86_R_NONE) { /* string operand */
        put_reg(o, (op->reg == X86_R_DI || op->reg == X86_R_EDI || op->reg == X86_R_RDI)
                       ? X86_R_ES : m->seg);
        put(o, ":[");
        put_reg(o, op->reg);
        put(o, "]");
        return;
    }
    if (in->prefixes & X86_PFX_SEG) {
        put_reg(o, in->seg_override); /* as written, even where 64-bit mode ignores it */
        put(o, ":");
    } else if (m->base == X86_R_NONE && m->index == X86_R_NONE) {
        put_reg(o, m->seg);
        put(o, ":");
    }
    if (m->base == X86_R_NONE && m->index == X86_R_NONE) {
        putf(o, "0x%llx", mask_to((uint64_t)m->disp, m->addr_size));
        return;
    }
    put(o, "[");
    int any = 0;
    if (m->base != X86_R_NONE) {
        put_reg(o, m->base);
        any = 1;
        if (m->base == X86_R_RIP || m->base == X86_R_EIP) {
            *rip_note = 1;
        }
    }
    if (m->index != X86_R_NONE) {
        if (any) {
            put(o, "+");
        }
        put_reg(o, m->index);
        putf(o, "*%llu", m->scale);
        any = 1;
    }
    if (m->disp != 0 || !any || m->disp_size != 0) {
        uint64_t d = (uint64_t)m->disp;
        if (m->disp < 0) {
            put(o, "-");
            d = 0 - d;
        } else if (any) {
            put(o, "+");
        }
        putf(o, "0x%llx", mask_to(d, m->addr_size));
    }
    put(o, "]");
    if (in->prefixes & X86_PFX_EVEX_B) {
        unsigned elems = broadcast_bytes(in) / (op->size ? op->size : 1);
        putf(o, "{1to%llu}", elems);
    }
    (void)pc;
}

size_t x86_format(const X86Insn *in, uint64_t pc, char *buf, size_t len)
{
    Out o = { buf, len, 0 };
    int rip_note = 0;
    uint32_t flags = in->row ? in->row->flags : 0;

    if (in->status != X86_DEC_OK) {
        put(&o, "(bad)");
        goto out;
    }
    if (in->prefixes & X86_PFX_LOCK) {
        put(&o, "lock ");
    }
    if (flags & F_STR) {
        if (in->prefixes & X86_PFX_REP) {
            put(&o, (flags & F_REPZ) ? "repz " : "rep ");
        } else if (in->prefixes & X86_PFX_REPNE) {
            put(&o, (flags & F_REPZ) ? "repnz " : "repne ");
        }
    }
    size_t start = 0;
    const char *name = x86_mnem_name(in->mnem);
    if (in->encoding != X86_ENC_LEGACY && !(flags & F_NOV) && name[0] != 'V') {
        put(&o, "v");
    }
    if (in->mnem == X86_I_MOV && in->imm_size == 8) {
        name = "MOVABS";
    }
    put_lower(&o, name);
    if (in->nops > 0) {
        while (o.pos - start < 6) {
            put(&o, " ");
        }
        put(&o, " ");
    }
    for (unsigned i = 0; i < in->nops; i++) {
        const X86Operand *op = &in->ops[i];
        if (i > 0) {
            put(&o, ",");
        }
        switch (op->kind) {
        case X86_OPND_REG:
            put_reg(&o, op->reg);
            break;
        case X86_OPND_MEM:
            put_mem(&o, in, op, i, pc, &rip_note);
            break;
        case X86_OPND_IMM:
            if (in->row && in->row->ops[i].method == A_ONE) {
                put(&o, "1"); /* the shift count of D0..D3, as objdump prints it */
            } else {
                putf(&o, "0x%llx", mask_to((uint64_t)in->imm, op->size ? op->size : 8));
            }
            break;
        case X86_OPND_IMM2:
            putf(&o, "0x%llx", in->imm2);
            break;
        case X86_OPND_REL:
            putf(&o, "0x%llx", mask_to(pc + in->length + (uint64_t)in->imm, op->size));
            break;
        case X86_OPND_FAR:
            putf(&o, "0x%llx:", in->imm2);
            putf(&o, "0x%llx", (uint64_t)in->imm);
            break;
        }
        if (i == 0 && in->encoding == X86_ENC_EVEX) {
            if (in->evex_aaa) {
                putf(&o, "{k%llu}", in->evex_aaa);
            }
            if (in->prefixes & X86_PFX_EVEX_Z) {
                put(&o, "{z}");
            }
        }
    }
    if (in->encoding == X86_ENC_EVEX && (in->prefixes & X86_PFX_EVEX_B) &&
        !(in->has_modrm && (in->modrm >> 6) != 3)) {
        static const char *const rc[4] = { "{rn-sae}", "{rd-sae}", "{ru-sae}", "{rz-sae}" };
        put(&o, ",");
        put(&o, (flags & F_ER) ? rc[in->evex_rc & 3] : "{sae}");
    }
    if (rip_note) {
        putf(&o, "        # 0x%llx", pc + in->length + (uint64_t)in->mem.disp);
    }
out:
    if (len > 0) {
        buf[o.pos < len ? o.pos : len - 1] = '\0';
    }
    return o.pos;
}
