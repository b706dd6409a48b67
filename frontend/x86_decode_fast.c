/*
 * x86_decode_fast.c — x86_decode(), the decoder's entry point, and its fast
 * path. Most instructions in real code are plain legacy ones (at most a few
 * REX/66/67/segment prefixes, one-byte or 0F map, simple general-register
 * and memory operands); decode_fast() handles exactly those with everything
 * in locals and few data-dependent branches, and hands anything else to
 * x86_decode_full() (x86_decode.c), the table walk that handles every
 * encoding. The two must agree bit for bit on the X86Insn they fill;
 * tests/decoder/vs_capstone.c checks that on every case it runs.
 */
#include <stdint.h>
#include <string.h>

#include "frontend/x86_decode_internal.h"

/* Little-endian loads for the fast path, which reads whole displacements
 * and immediates at once and masks them to size. */
static inline uint64_t load_le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
#else
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
#endif
}

/* v's low n bytes (1..8), sign-extended; without a branch on n. */
static inline int64_t sext_bytes(uint64_t v, unsigned n)
{
    unsigned shift = 64 - 8 * n;
    return (int64_t)(v << shift) >> shift;
}

/*
 * The fast path. Most real code is plain legacy instructions: at most a
 * few REX/66/67/segment prefixes, the one-byte or 0F map, an instruction
 * row reached directly or through a group, 32/64-bit addressing, and
 * operands among E G M I J Z rAX rCX rDX 1 of the simple sizes (rows with
 * other operands carry F_SLOW from the table macros). For those this
 * decodes with everything in locals and few data-dependent branches
 * (mispredictions are what a decoder's time goes to); for anything else
 * it returns 0 and x86_decode_full() starts over. Both must fill X86Insn
 * identically: tests/decoder/vs_capstone.c checks that on every case.
 * It needs 32 bytes of buffer (the longest fast form is 4 prefixes + 1 +
 * ModRM + SIB + disp32 + imm32 = 15, and displacements and immediates are
 * loaded 8 bytes at a time); shorter buffers take the full path.
 */
#define FAST_MIN_AVAIL 32

/* Bytes of a displacement by ModRM.mod, 32/64-bit addressing (mod 0 is
 * patched for the no-base forms). */
static const uint8_t fast_disp_bytes[4] = { 0, 1, 4, 0 };

static inline int decode_fast(X86Insn *restrict in, const uint8_t *restrict code, size_t avail,
                              X86Mode mode)
{
    if (avail < FAST_MIN_AVAIL) {
        return 0;
    }
    /* legacy prefixes (rare: a loop), then REX without a branch */
    unsigned pos = 0, rex = 0, has_66 = 0, b = code[0];
    uint32_t pfx = 0;
    uint8_t seg = X86_R_NONE;
    while (__builtin_expect(x86_prefix_class[0][b] != PC_NONE, 0)) {
        unsigned pc = x86_prefix_class[0][b];
        if (pos >= 3 || pc == PC_LOCK || pc == PC_REP) {
            return 0;
        }
        if (pc == PC_SEG) {
            pfx |= X86_PFX_SEG;
            seg = b == 0x64 ? X86_R_FS : b == 0x65 ? X86_R_GS : x86_seg_prefix_reg[(b >> 3) & 7];
        } else if (pc == PC_66) {
            pfx |= X86_PFX_OPSIZE;
            has_66 = 1;
        } else {
            pfx |= X86_PFX_ADSIZE;
        }
        b = code[++pos];
    }
    unsigned is_rex = (mode == X86_MODE_64) & ((b & 0xf0) == 0x40);
    rex = is_rex ? b : 0;
    pos += is_rex;
    b = code[pos++];
    if (__builtin_expect(x86_prefix_class[1][b] != PC_NONE, 0)) {
        return 0; /* a prefix after REX, or a second REX */
    }
    static const uint8_t addr_sizes[3][2] = { { 2, 4 }, { 4, 2 }, { 8, 4 } };
    unsigned addr_size = addr_sizes[mode][(pfx & X86_PFX_ADSIZE) != 0];
    unsigned rex_w = (rex >> 3) & 1, rex_r = (rex >> 2) & 1, rex_x = (rex >> 1) & 1;
    unsigned rex_b = rex & 1;
    /* one-byte or 0F map, chosen without a branch */
    unsigned is_0f = b == 0x0f;
    unsigned opcode = is_0f ? code[pos] : b;
    unsigned map = is_0f ? X86_MAP_0F : X86_MAP_ONE;
    pos += is_0f;
    const X86OpEntry *e = (is_0f ? x86_map_0f : x86_map_one) + opcode;
    if (__builtin_expect(is_0f ? (opcode == 0x38 || opcode == 0x3a)
                               : (b == 0xc4 || b == 0xc5 || b == 0x62 || (b == 0x90 && rex_b)),
                         0)) {
        return 0;
    }
    unsigned modrm = code[pos]; /* maybe not a ModRM: only used if it is */
    {
        /* a group selects its row by ModRM.reg: a conditional move, not a
         * branch (e->sub is NULL for instruction rows and is not read) */
        uintptr_t group = (uintptr_t)e->sub + ((modrm >> 3) & 7) * sizeof(X86OpEntry);
        e = (const X86OpEntry *)(e->kind == X86_E_GROUP ? group : (uintptr_t)e);
    }
    uint32_t flags = e->flags;
    if (e->kind != X86_E_INSN ||
        (flags & (F_SLOW | F_I64 | F_O64 | F_MOD3 | F_VVVV | F_VSIB | F_LEG)) != F_LEG ||
        addr_size == 2) {
        return 0;
    }
    unsigned has_modrm = (flags & F_MODRM) != 0;
    pos += has_modrm;
    static const uint8_t op_sizes[3][4] = { { 2, 4, 8, 8 }, { 4, 2, 8, 8 }, { 4, 2, 8, 8 } };
    unsigned op_size = op_sizes[mode][has_66 | (rex_w << 1)];
    unsigned wide = (mode == X86_MODE_64) & ((flags & (F_D64 | F_F64)) != 0) & !rex_w;
    unsigned size64 = (((flags & F_F64) != 0) | !has_66) ? 8 : 2;
    op_size = wide ? size64 : op_size;
    modrm = has_modrm ? modrm : 0;
    unsigned mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
    int rm_reg = has_modrm && mod == 3;

    memset(in, 0, sizeof(*in));
    /* the memory form, 32/64-bit addressing (decode_mem's rules) */
    if (has_modrm && !rm_reg && (flags & F_RMOP)) {
        X86Mem *m = &in->mem;
        uint8_t first = addr_size == 8 ? X86_R_RAX : X86_R_EAX;
        unsigned base = rm, sib = code[pos];
        int has_sib = rm == 4;
        pos += has_sib;
        unsigned idx = ((sib >> 3) & 7) | (rex_x << 3);
        m->scale = (uint8_t)(has_sib ? 1u << (sib >> 6) : 1);
        m->index = (uint8_t)(has_sib && idx != 4 ? first + idx : X86_R_NONE);
        base = has_sib ? sib & 7 : rm;
        int no_base = base == 5 && mod == 0;
        unsigned dbytes = no_base ? 4 : fast_disp_bytes[mod];
        base |= rex_b << 3;
        uint8_t rip = (uint8_t)(!has_sib && mode == X86_MODE_64
                                    ? (addr_size == 8 ? X86_R_RIP : X86_R_EIP)
                                    : X86_R_NONE);
        m->base = (uint8_t)(no_base ? rip : first + base);
        int64_t disp = sext_bytes(load_le64(code + pos), dbytes | (dbytes == 0)) &
                       -(int64_t)(dbytes != 0);
        pos += dbytes;
        if (no_base && m->base == X86_R_NONE && addr_size == 4) {
            disp &= 0xffffffff;
        }
        m->disp = disp;
        m->disp_size = (uint8_t)dbytes;
        m->addr_size = (uint8_t)addr_size;
        int ss_default = !no_base && ((base & 7) == 4 || (base & 7) == 5) && base < 8;
        if (seg != X86_R_NONE && (mode != X86_MODE_64 || seg >= X86_R_FS)) {
            m->seg = seg;
        } else {
            m->seg = ss_default ? X86_R_SS : X86_R_DS;
        }
    }
    /* The immediate, read before the operands so the length is known early;
     * the row's flags carry its size code (a fast-path row has at most one
     * I or J operand). */
    {
        static const uint8_t imm_bytes[8][3] = {
            [IMM_B] = { 1, 1, 1 }, [IMM_W] = { 2, 2, 2 }, [IMM_Z] = { 2, 4, 4 },
            [IMM_V] = { 2, 4, 8 },
        };
        unsigned bytes = imm_bytes[flags >> F_IMM_SHIFT][op_size >> 2];
        in->imm = sext_bytes(load_le64(code + pos), bytes | (bytes == 0)) &
                  -(int64_t)(bytes != 0);
        in->imm_size = (uint8_t)bytes;
        pos += bytes;
    }
    /* operands (build_operand's rules for these methods) */
    static const uint8_t first_gpr[9] = {
        [1] = X86_R_AL, [2] = X86_R_AX, [4] = X86_R_EAX, [8] = X86_R_RAX,
    };
    static const uint8_t legacy_byte_reg[8] = {
        X86_R_AL, X86_R_CL, X86_R_DL, X86_R_BL, X86_R_AH, X86_R_CH, X86_R_DH, X86_R_BH,
    };
    /* sizes by operand size; a static table, not a local one (a table
     * built on the stack and read back at once stalls store forwarding) */
#define FAST_SIZES(osz)                                                                          \
    { [S_b] = 1, [S_w] = 2, [S_d] = 4, [S_q] = 8, [S_v] = (osz), [S_bs] = (osz),                \
      [S_z] = (osz) == 2 ? 2 : 4 }
    static const uint8_t fast_sizes[3][S_COUNT] = { FAST_SIZES(2), FAST_SIZES(4), FAST_SIZES(8) };
#undef FAST_SIZES
    const uint8_t *sizes = fast_sizes[op_size >> 2];
    for (unsigned i = 0; i < e->nops; i++) {
        X86OpSpec spec = e->ops[i];
        X86Operand *op = &in->ops[i];
        unsigned size = sizes[spec.size];
        unsigned n = 0;
        op->size = (uint16_t)size;
        switch (spec.method) {
        case A_G:
            n = reg | (rex_r << 3);
            goto gpr_operand;
        case A_E:
        case A_M:
            if (!rm_reg) {
                op->kind = X86_OPND_MEM;
                continue;
            }
            if (spec.method == A_M) {
                return 0;
            }
            n = rm | (rex_b << 3);
            goto gpr_operand;
        case A_Z:
            n = (opcode & 7) | (rex_b << 3);
            goto gpr_operand;
        case A_AX:
        case A_CX:
        case A_DX:
        case A_BX:
            n = spec.method - A_AX;
        gpr_operand:
            op->kind = X86_OPND_REG;
            op->reg = (uint8_t)(first_gpr[size] + n);
            if (size == 1 && !rex) {
                op->reg = legacy_byte_reg[n & 7]; /* AH..BH for 4..7 */
            }
            continue;
        case A_ONE:
            op->kind = X86_OPND_IMM;
            in->imm = 1;
            continue;
        case A_J:
            op->kind = X86_OPND_REL;
            op->size = (uint16_t)op_size;
            continue;
        case A_I:
            op->kind = X86_OPND_IMM;
            if (spec.size == S_z) {
                op->size = (uint16_t)op_size;
            }
            continue;
        default:
            return 0;
        }
    }
    in->mnem = e->mnem;
    in->status = X86_DEC_OK;
    in->length = (uint8_t)pos;
    in->mode = (uint8_t)mode;
    in->op_size = (uint8_t)op_size;
    in->addr_size = (uint8_t)addr_size;
    in->nops = e->nops;
    in->prefixes = pfx | (rex ? X86_PFX_REX : 0);
    in->seg_override = seg;
    in->rex = (uint8_t)rex;
    in->map = (uint8_t)map;
    in->opcode = (uint8_t)opcode;
    in->modrm = (uint8_t)modrm;
    in->has_modrm = (uint8_t)has_modrm;
    in->vex_w = (uint8_t)rex_w;
    in->row = e;
    return 1;
}

X86DecodeStatus x86_decode(X86Insn *restrict in, const uint8_t *restrict code, size_t avail,
                           X86Mode mode)
{
    if (decode_fast(in, code, avail, mode)) {
        return X86_DEC_OK;
    }
    return x86_decode_full(in, code, avail, mode);
}

