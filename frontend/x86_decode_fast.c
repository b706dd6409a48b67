/*
 * x86_decode_fast.c — x86_decode(), the decoder's entry point, and its fast
 * path. Most instructions in real code are plain legacy ones (at most a few
 * REX/66/67/segment prefixes, one-byte or 0F map, simple general-register
 * and memory operands); decode_fast() handles exactly those on a short
 * path (see the measurements below), and hands anything else to
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
 * other operands carry F_SLOW from the table macros). For anything else
 * it returns 0 and x86_decode_full() starts over. Both must fill X86Insn
 * identically: tests/decoder/vs_capstone.c checks that on every case.
 * It needs 32 bytes of buffer (the longest fast form is 4 prefixes + 1 +
 * ModRM + SIB + disp32 + imm32 = 15, and displacements and immediates are
 * loaded 8 bytes at a time); shorter buffers take the full path.
 *
 * Measured on busybox's text (bench/decode_bench.c, an AMD Zen 4): the
 * time goes to the chain from an instruction's first byte to its length
 * (the next instruction starts there). A branch the processor predicts
 * takes its condition off that chain, so the tests that mostly follow
 * from the opcode (a REX, a ModRM, a memory form, an immediate) are
 * branches; the SIB and displacement sizes, which the ModRM byte alone
 * decides, are computed (branching on them was slower). Writing *in as
 * fields become known (fewer live values, no spills), an operand loop
 * without a switch and one copy of this function per mode helped too;
 * computing the memory form or the conditional expressions here without
 * branches, reading the opcode bytes from one 8-byte load by shifts, and
 * a fixed two-operand loop made it slower.
 */
#define FAST_MIN_AVAIL 32

/* Immediate bytes by the row's size code (IMM_*) and the operand size
 * (2, 4, 8 -> column 0, 1, 2), 4 bits each at (code * 3 + column) * 4:
 * B 1 1 1, W 2 2 2, Z 2 4 4, V 2 4 8. A shift, not a table: this is on
 * the way to the length. */
#define IMM_NIBBLE(code, col, bytes) ((uint64_t)(bytes) << (((code) * 3 + (col)) * 4))
static const uint64_t fast_imm_bytes =
    IMM_NIBBLE(IMM_B, 0, 1) | IMM_NIBBLE(IMM_B, 1, 1) | IMM_NIBBLE(IMM_B, 2, 1) |
    IMM_NIBBLE(IMM_W, 0, 2) | IMM_NIBBLE(IMM_W, 1, 2) | IMM_NIBBLE(IMM_W, 2, 2) |
    IMM_NIBBLE(IMM_Z, 0, 2) | IMM_NIBBLE(IMM_Z, 1, 4) | IMM_NIBBLE(IMM_Z, 2, 4) |
    IMM_NIBBLE(IMM_V, 0, 2) | IMM_NIBBLE(IMM_V, 1, 4) | IMM_NIBBLE(IMM_V, 2, 8);
#undef IMM_NIBBLE
_Static_assert(IMM_V * 3 + 2 < 16, "immediate size codes fit the nibble table");

/* What the fast path knows of an addressing method: its operand kind
 * when ModRM r/m is memory and when it is a register (3 bits each;
 * X86_OPND_NONE: not a fast-path operand, or M with a register, #UD),
 * where its register number comes from (a shift into the packed numbers
 * in decode_fast()), and whether an immediate or branch displacement
 * takes the operand size. */
enum {
    FAST_SRC_MASK = 0x1f,       /* bits 0..4: shift of the register number */
    FAST_KIND_MEM_SHIFT = 5,    /* bits 5..7 */
    FAST_KIND_REG_SHIFT = 8,    /* bits 8..10 */
    FAST_OP_SIZE = 1u << 11,    /* I,z and J take the operand size */
};
#define FAST_M(src, kmem, kreg) ((src) | (kmem) << FAST_KIND_MEM_SHIFT | (kreg) << FAST_KIND_REG_SHIFT)
static const uint16_t fast_method[A_COUNT] = {
    [A_G] = FAST_M(0, X86_OPND_REG, X86_OPND_REG),
    [A_E] = FAST_M(4, X86_OPND_MEM, X86_OPND_REG),
    [A_M] = FAST_M(4, X86_OPND_MEM, X86_OPND_NONE),
    [A_Z] = FAST_M(8, X86_OPND_REG, X86_OPND_REG),
    [A_AX] = FAST_M(12, X86_OPND_REG, X86_OPND_REG),
    [A_CX] = FAST_M(16, X86_OPND_REG, X86_OPND_REG),
    [A_DX] = FAST_M(20, X86_OPND_REG, X86_OPND_REG),
    [A_BX] = FAST_M(24, X86_OPND_REG, X86_OPND_REG),
    [A_ONE] = FAST_M(0, X86_OPND_IMM, X86_OPND_IMM),
    [A_I] = FAST_M(0, X86_OPND_IMM, X86_OPND_IMM) | FAST_OP_SIZE,
    [A_J] = FAST_M(0, X86_OPND_REL, X86_OPND_REL) | FAST_OP_SIZE,
};
#undef FAST_M

/* always_inline: x86_decode() instantiates it once per mode */
static inline __attribute__((always_inline)) int
decode_fast(X86Insn *restrict in, const uint8_t *restrict code, size_t avail, X86Mode mode)
{
    if (avail < FAST_MIN_AVAIL) {
        return 0;
    }
    /* *in is written as soon as a field is known (x86_decode_full starts
     * over from a memset if this gives up), so little stays live */
    memset(in, 0, sizeof(*in));
    in->mode = (uint8_t)mode;
    /* legacy prefixes (rare: a loop), then REX */
    unsigned pos = 0, has_66 = 0, b = code[0];
    uint32_t pfx = 0;
    uint8_t seg = X86_R_NONE;
    while (__builtin_expect(x86_prefix_class[0][b] != PC_NONE, 0)) {
        unsigned pc = x86_prefix_class[0][b];
        if (pos >= 3 || pc == PC_LOCK || pc == PC_REP) {
            return 0;
        }
        if (pc == PC_SEG) {
            pfx |= X86_PFX_SEG;
            seg = x86_seg_override(seg, (uint8_t)b, mode);
        } else if (pc == PC_66) {
            pfx |= X86_PFX_OPSIZE;
            has_66 = 1;
        } else {
            pfx |= X86_PFX_ADSIZE;
        }
        b = code[++pos];
    }
    unsigned is_rex = (mode == X86_MODE_64) & ((b & 0xf0) == 0x40), rex = 0;
    if (is_rex) {
        rex = b;
        b = code[++pos];
    }
    pos++;
    if (__builtin_expect(x86_prefix_class[1][b] != PC_NONE, 0)) {
        return 0; /* a prefix after REX, or a second REX */
    }
    unsigned adsize = (pfx & X86_PFX_ADSIZE) != 0;
    in->prefixes = pfx | (is_rex ? X86_PFX_REX : 0);
    in->seg_override = seg;
    in->rex = (uint8_t)rex;
    unsigned rex_w = (rex >> 3) & 1;
    in->vex_w = (uint8_t)rex_w;
    /* one-byte or 0F map */
    unsigned is_0f = b == 0x0f;
    unsigned opcode = is_0f ? code[pos] : b;
    pos += is_0f;
    in->map = (uint8_t)(is_0f ? X86_MAP_0F : X86_MAP_ONE);
    in->opcode = (uint8_t)opcode;
    const X86OpEntry *e = (is_0f ? x86_map_0f : x86_map_one) + opcode;
    if (__builtin_expect(is_0f ? (opcode == 0x38 || opcode == 0x3a)
                               : (b == 0xc4 || b == 0xc5 || b == 0x62 || (b == 0x90 && (rex & 1))),
                         0)) {
        return 0;
    }
    unsigned modrm = code[pos]; /* maybe not a ModRM: only used if it is */
    {
        /* a group selects its row by ModRM.reg (e->sub is NULL for
         * instruction rows and is then not read) */
        uintptr_t group = (uintptr_t)e->sub + ((modrm >> 3) & 7) * sizeof(X86OpEntry);
        e = (const X86OpEntry *)(e->kind == X86_E_GROUP ? group : (uintptr_t)e);
    }
    uint32_t flags = e->flags;
    if (e->kind != X86_E_INSN ||
        (flags & (F_SLOW | F_I64 | F_O64 | F_MOD3 | F_VVVV | F_VSIB | F_LEG)) != F_LEG ||
        (mode == X86_MODE_16) != adsize) {
        return 0; /* ... or 16-bit addressing */
    }
    in->row = e;
    in->mnem = e->mnem;
    unsigned has_modrm = (flags & F_MODRM) != 0;
    if (has_modrm) {
        pos++;
        in->modrm = (uint8_t)modrm;
        in->has_modrm = 1;
    } else {
        modrm = 0;
    }
    /* operand size: by mode and 66, 8 with REX.W; default- and forced-64
     * rows (F_D64, F_F64) as in x86_decode_full */
    unsigned op_size = rex_w ? 8 : ((mode == X86_MODE_16 ? 2u : 4u) ^ (has_66 ? 6u : 0u));
    unsigned wide = (mode == X86_MODE_64) & ((flags & (F_D64 | F_F64)) != 0) & !rex_w;
    unsigned size64 = (((flags & F_F64) != 0) | !has_66) ? 8 : 2;
    op_size = wide ? size64 : op_size;
    unsigned addr_size = mode == X86_MODE_64 ? 8u >> adsize : 4;
    in->op_size = (uint8_t)op_size;
    in->addr_size = (uint8_t)addr_size;
    unsigned mod = modrm >> 6, rm = modrm & 7;
    unsigned rm_reg = has_modrm & (mod == 3);

    /* the memory form, 32/64-bit addressing (decode_mem's rules) */
    if (has_modrm && !rm_reg && (flags & F_RMOP)) {
        X86Mem *m = &in->mem;
        uint8_t first = addr_size == 8 ? X86_R_RAX : X86_R_EAX;
        unsigned base = rm, sib = code[pos];
        int has_sib = rm == 4;
        pos += has_sib;
        unsigned idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
        m->scale = (uint8_t)(has_sib ? 1u << (sib >> 6) : 1);
        m->index = (uint8_t)(has_sib && idx != 4 ? first + idx : X86_R_NONE);
        base = has_sib ? sib & 7 : rm;
        int no_base = base == 5 && mod == 0;
        unsigned dbytes = no_base ? 4 : (mod == 1) + 4 * (mod == 2);
        base |= (rex & 1) << 3;
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
    /* The immediate; the row's flags carry its size code (a fast-path row
     * has at most one I or J operand). A branch (see above). */
    if (flags >> F_IMM_SHIFT) {
        unsigned bytes =
            (unsigned)(fast_imm_bytes >> (((flags >> F_IMM_SHIFT) * 3 + (op_size >> 2)) * 4)) & 15;
        in->imm = sext_bytes(load_le64(code + pos), bytes);
        in->imm_size = (uint8_t)bytes;
        pos += bytes;
    }
    in->length = (uint8_t)pos;

    /* Operands (build_operand's rules for these methods), without a
     * switch (an indirect jump that mispredicts from one instruction to the
     * next): each method's kind (by whether r/m is a register), where its
     * register number comes from and its size come from small tables. */
    static const uint8_t first_gpr[16] = {
        [1] = X86_R_AL, [2] = X86_R_AX, [4] = X86_R_EAX, [8] = X86_R_RAX,
    };
    /* sizes by operand size; a static table, not a local one (a table
     * built on the stack and read back at once stalls store forwarding) */
#define FAST_SIZES(osz)                                                                          \
    { [S_b] = 1, [S_w] = 2, [S_d] = 4, [S_q] = 8, [S_v] = (osz), [S_bs] = (osz),                \
      [S_z] = (osz) == 2 ? 2 : 4 }
    static const uint8_t fast_sizes[3][S_COUNT] = { FAST_SIZES(2), FAST_SIZES(4), FAST_SIZES(8) };
#undef FAST_SIZES
    const uint8_t *sizes = fast_sizes[op_size >> 2];
    /* register numbers by source: ModRM.reg (G), r/m (E), opcode (Z), and
     * the fixed AX CX DX BX, 4 bits each */
    unsigned rex_b8 = (rex & 1) << 3;
    uint32_t numbers = (((modrm >> 3) & 7) | (rex & 4) << 1) | (rm | rex_b8) << 4 |
                       ((opcode & 7) | rex_b8) << 8 | 0x3210u << 12;
    unsigned kind_shift = rm_reg ? FAST_KIND_REG_SHIFT : FAST_KIND_MEM_SHIFT;
    unsigned no_rex = !is_rex;
    unsigned nops = e->nops;
    in->nops = (uint8_t)nops;
    for (unsigned i = 0; i < nops; i++) {
        X86OpSpec spec = e->ops[i];
        unsigned info = fast_method[spec.method];
        unsigned kind = (info >> kind_shift) & 7;
        if (__builtin_expect(kind == X86_OPND_NONE, 0)) {
            return 0; /* M with a register (#UD), or not a fast-path method */
        }
        unsigned n = (numbers >> (info & FAST_SRC_MASK)) & 15;
        unsigned size = sizes[spec.size];
        size = (info & FAST_OP_SIZE) && (spec.method == A_J || spec.size == S_z) ? op_size : size;
        /* AH..BH for 4..7 without REX: AL + n + 12 */
        unsigned r = first_gpr[size] + n + 12 * ((size == 1) & no_rex & (n >= 4));
        r = kind == X86_OPND_REG ? r : 0;
        in->ops[i].kind = (uint8_t)kind; /* adjacent stores: the compiler merges them */
        in->ops[i].reg = (uint8_t)r;
        in->ops[i].size = (uint16_t)size;
    }
    if (__builtin_expect(flags & F_ONE, 0)) {
        in->imm = 1; /* the count of D0..D3 */
    }
    return 1;
}

X86DecodeStatus x86_decode(X86Insn *restrict in, const uint8_t *restrict code, size_t avail,
                           X86Mode mode)
{
    /* one copy of the fast path per mode, so the mode is a constant in it */
    int ok = mode == X86_MODE_64   ? decode_fast(in, code, avail, X86_MODE_64)
             : mode == X86_MODE_32 ? decode_fast(in, code, avail, X86_MODE_32)
                                   : decode_fast(in, code, avail, X86_MODE_16);
    if (ok) {
        return X86_DEC_OK;
    }
    return x86_decode_full(in, code, avail, mode);
}

