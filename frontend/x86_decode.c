/*
 * x86_decode.c — the decoder proper: prefixes, VEX/EVEX, the walk through
 * the opcode tables, ModRM/SIB/displacement, and building operands from the
 * table row's SDM operand specs.
 *
 * The walk is data driven: a row either is an instruction or names the one
 * piece of the encoding (ModRM.reg, mod, rm, mandatory prefix, W, L, operand
 * or address size, mode, encoding) that picks the next row. Everything the
 * hardware rejects comes back as X86_DEC_UD / X86_DEC_GP with the length
 * decoded so far; nothing here can fail on the host. Every byte read goes
 * through fetch(), which is where the 15-byte limit (SDM Vol. 2A 2.3.11)
 * and the caller's buffer end are enforced. x86_decode() itself, with its
 * fast path for plain legacy instructions, is in x86_decode_fast.c.
 */
#include <stddef.h>
#include <string.h>

#include "frontend/x86_decode_internal.h"

/* Indices of Dec.dyn, the sizes that vary per instruction (size_bytes()). */
enum { D_ZERO, D_V, D_Z, D_Y, D_X, D_COUNT, D_SLOW = D_COUNT };

typedef struct Dec {
    const uint8_t *restrict code; /* restrict: guest bytes never alias *in */
    size_t avail;
    unsigned pos;       /* bytes consumed */
    unsigned limit;     /* min(avail, 15): bytes that may be read */
    X86Insn *restrict in;
    uint8_t mode;
    uint8_t status;     /* first fatal fetch status, or OK */
    uint8_t last_rep;   /* 0, 0xF2 or 0xF3: the last of F2/F3 (mandatory prefix) */
    uint8_t has_66;
    uint8_t rex_w, rex_r, rex_x, rex_b;
    uint8_t evex_r2;    /* EVEX.R' (inverted back): adds 16 to ModRM.reg vectors */
    uint8_t evex_v2;    /* EVEX.V': adds 16 to vvvv and to a VSIB index */
    uint8_t pp;         /* VEX/EVEX implied prefix: 0 none, 1 66, 2 F3, 3 F2 */
    uint8_t modrm_read;
    uint8_t disp8;      /* the displacement was 8 bits (EVEX scales it) */
    uint8_t rm_is_reg;  /* ModRM r/m names a register (mod = 11, or F_MOD3) */
    uint8_t length_bad; /* an X86_E_LL row has no form at this EVEX vector length */
    uint16_t dyn[D_COUNT]; /* this instruction's varying sizes, see fill_sizes() */
} Dec;

/* Why a fetch at d->pos failed: reading the 16th byte means the
 * instruction is too long (#GP) even if the buffer has it; running off the
 * buffer is TRUNCATED. */
static __attribute__((noinline)) void fetch_fail(Dec *d)
{
    if (d->status == X86_DEC_OK) {
        d->status = d->pos >= X86_MAX_INSN_LEN ? X86_DEC_GP : X86_DEC_TRUNCATED;
    }
}

/* Fetch one byte; d->limit is min(avail, 15). */
static inline int fetch(Dec *d, uint8_t *out)
{
    if (__builtin_expect(d->pos < d->limit, 1)) {
        *out = d->code[d->pos++];
        return 1;
    }
    *out = 0;
    fetch_fail(d);
    return 0;
}

/* Little-endian immediate or displacement of n bytes, sign-extended. */
static inline int fetch_signed(Dec *d, unsigned n, int64_t *out)
{
    uint64_t v = 0;
    if (__builtin_expect(d->pos + n > d->limit, 0)) {
        d->pos = d->limit;
        fetch_fail(d);
        *out = 0;
        return 0;
    }
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)d->code[d->pos + i] << (8 * i);
    }
    d->pos += n;
    if (n < 8) {
        unsigned shift = 64 - 8 * n;
        v = (uint64_t)((int64_t)(v << shift) >> shift);
    }
    *out = (int64_t)v;
    return 1;
}

/* The ModRM byte, read once however many rows ask for it. */
static int read_modrm(Dec *d)
{
    if (d->modrm_read) {
        return 1;
    }
    if (!fetch(d, &d->in->modrm)) {
        return 0;
    }
    d->modrm_read = 1;
    d->in->has_modrm = 1;
    return 1;
}

/*
 * Operand sizes. Most size letters are a constant (b, w, d, q ...) or one of
 * four per-instruction quantities (v, z, y, x); those resolve without a
 * branch as size_fixed[letter] + dyn[size_dyn[letter]], dyn filled once per
 * instruction. The rare letters (far pointers, descriptor tables, vector
 * fractions, reg/mem-dependent forms) take size_slow().
 */
static const uint8_t size_fixed[S_COUNT] = {
    [S_b] = 1, [S_w] = 2, [S_d] = 4, [S_ss] = 4, [S_q] = 8, [S_sd] = 8, [S_dq] = 16,
    [S_qq] = 32, [S_oq] = 64, [S_t] = 10,
};

static const uint8_t size_dyn[S_COUNT] = {
    [S_bs] = D_V, [S_v] = D_V, [S_z] = D_Z, [S_y] = D_Y, [S_x] = D_X, [S_xe] = D_X, [S_xeb] = D_X,
    [S_p] = D_SLOW, [S_s] = D_SLOW, [S_a] = D_SLOW, [S_h] = D_SLOW, [S_r] = D_SLOW,
    [S_e] = D_SLOW, [S_m] = D_SLOW, [S_xq] = D_SLOW, [S_vw] = D_SLOW, [S_zw] = D_SLOW,
    [S_dw] = D_SLOW, [S_db] = D_SLOW, [S_yb] = D_SLOW, [S_yw] = D_SLOW, [S_env] = D_SLOW,
    [S_st] = D_SLOW, [S_fx] = D_SLOW,
};

/* Fill d->dyn once the operand size and vector length are final. */
static inline void fill_sizes(Dec *d)
{
    const X86Insn *in = d->in;
    d->dyn[D_ZERO] = 0;
    d->dyn[D_V] = in->op_size;
    d->dyn[D_Z] = (uint16_t)(in->op_size == 2 ? 2 : 4);
    d->dyn[D_Y] = (uint16_t)(4u << (d->rex_w & (d->mode == X86_MODE_64)));
    d->dyn[D_X] = (uint16_t)(16u << in->vex_l);
}

static __attribute__((noinline)) unsigned size_slow(const Dec *d, unsigned s, int is_reg)
{
    const X86Insn *in = d->in;
    unsigned osz = in->op_size, x = 16u << in->vex_l, y = d->dyn[D_Y];
    switch (s) {
    case S_p: return osz + 2; /* far pointer: offset + selector */
    case S_s: return d->mode == X86_MODE_64 ? 10 : 6;
    case S_a: return 2 * osz; /* BOUND's pair */
    case S_h: return x / 2;
    case S_r: return x / 4;
    case S_e: return x / 8;
    case S_m: return d->mode == X86_MODE_64 ? 8 : 4;
    case S_xq: return in->vex_l == 0 ? 8 : x;
    case S_vw: return is_reg ? osz : 2;
    case S_zw: return is_reg ? (osz == 2 ? 2 : 4) : 2;
    case S_dw: return is_reg ? 4 : 2;
    case S_db: return is_reg ? 4 : 1;
    case S_yb: return is_reg ? y : 1;
    case S_yw: return is_reg ? y : 2;
    case S_env: return osz == 2 ? 14 : 28;
    case S_st: return osz == 2 ? 94 : 108;
    case S_fx: return 512;
    default: return 0;
    }
}

static inline unsigned size_bytes(const Dec *d, unsigned s, int is_reg)
{
    unsigned k = size_dyn[s];
    if (__builtin_expect(k == D_SLOW, 0)) {
        return size_slow(d, s, is_reg);
    }
    return size_fixed[s] + d->dyn[k];
}

/* General register n (0..15) at size bytes; legacy AH..BH without REX. */
static inline uint8_t gpr(const Dec *d, unsigned n, unsigned size)
{
    static const uint8_t first[9] = {
        [1] = X86_R_AL, [2] = X86_R_AX, [4] = X86_R_EAX, [8] = X86_R_RAX,
    };
    if (size == 1 && n >= 4 && n < 8 && !(d->in->prefixes & X86_PFX_REX)) {
        return (uint8_t)(X86_R_AH + n - 4);
    }
    return (uint8_t)((size <= 8 ? first[size] : X86_R_RAX) + n);
}

static uint8_t vreg(unsigned n, unsigned size)
{
    if (size == 64) {
        return (uint8_t)(X86_R_ZMM0 + n);
    }
    if (size == 32) {
        return (uint8_t)(X86_R_YMM0 + n);
    }
    return (uint8_t)(X86_R_XMM0 + n);
}

static const uint8_t modrm16_base[8] = {
    X86_R_BX, X86_R_BX, X86_R_BP, X86_R_BP, X86_R_SI, X86_R_DI, X86_R_BP, X86_R_BX,
};
static const uint8_t modrm16_index[8] = {
    X86_R_SI, X86_R_DI, X86_R_SI, X86_R_DI, X86_R_NONE, X86_R_NONE, X86_R_NONE, X86_R_NONE,
};

/* Decode the memory form of ModRM (mod != 3): SIB, displacement, default
 * segment. vsib: the index is a vector register of index_size bytes. */
static int decode_mem(Dec *d, int vsib, unsigned index_size)
{
    X86Insn *in = d->in;
    X86Mem *m = &in->mem;
    unsigned mod = in->modrm >> 6, rm = in->modrm & 7;
    int64_t disp = 0;
    int ss_default = 0;

    m->scale = 1;
    m->addr_size = in->addr_size;
    m->base = m->index = X86_R_NONE;
    if (in->addr_size == 2) {
        if (vsib) {
            return 0; /* VSIB needs a SIB byte: 16-bit addressing is #UD */
        }
        if (mod == 0 && rm == 6) {
            if (!fetch_signed(d, 2, &disp)) {
                return 0;
            }
            disp &= 0xffff;
            m->disp_size = 2;
        } else {
            m->base = modrm16_base[rm];
            m->index = modrm16_index[rm];
            ss_default = m->base == X86_R_BP;
            if (mod == 1 && !fetch_signed(d, 1, &disp)) {
                return 0;
            }
            if (mod == 2 && !fetch_signed(d, 2, &disp)) {
                return 0;
            }
            d->disp8 = mod == 1;
            m->disp_size = (uint8_t)(mod == 1 ? 1 : mod == 2 ? 2 : 0);
        }
    } else {
        uint8_t first = in->addr_size == 8 ? X86_R_RAX : X86_R_EAX;
        unsigned base = rm;
        int no_base = 0;
        if (rm == 4) {
            uint8_t sib;
            if (!fetch(d, &sib)) {
                return 0;
            }
            unsigned idx = ((sib >> 3) & 7) | (d->rex_x << 3);
            m->scale = (uint8_t)(1u << (sib >> 6));
            if (vsib) {
                m->index = vreg(idx | (d->evex_v2 << 4), index_size);
            } else if (idx != 4) {
                m->index = (uint8_t)(first + idx);
            }
            base = sib & 7;
            if (base == 5 && mod == 0) {
                no_base = 1;
            }
        } else if (vsib) {
            return 0;
        } else if (rm == 5 && mod == 0) {
            no_base = 1;
            if (d->mode == X86_MODE_64) {
                m->base = in->addr_size == 8 ? X86_R_RIP : X86_R_EIP;
            }
        }
        if (!no_base) {
            base |= d->rex_b << 3;
            m->base = (uint8_t)(first + base);
            ss_default = base == 4 || base == 5;
        }
        if (no_base || mod == 2) {
            if (!fetch_signed(d, 4, &disp)) {
                return 0;
            }
            if (no_base && m->base == X86_R_NONE && in->addr_size == 4) {
                disp &= 0xffffffff;
            }
            m->disp_size = 4;
        } else if (mod == 1) {
            if (!fetch_signed(d, 1, &disp)) {
                return 0;
            }
            d->disp8 = 1;
            m->disp_size = 1;
        }
    }
    m->disp = disp;
    if (in->seg_override != X86_R_NONE &&
        (d->mode != X86_MODE_64 || in->seg_override >= X86_R_FS)) {
        m->seg = in->seg_override;
    } else {
        m->seg = ss_default ? X86_R_SS : X86_R_DS;
    }
    return 1;
}

/* The mandatory-prefix index for an X86_E_PREFIX row: 0 none, 1 66, 2 F3,
 * 3 F2. F2/F3 win over 66, and the last of F2/F3 wins (SDM Vol. 2A 2.1.1
 * leaves it undefined; this is what current Intel CPUs, XED and an AMD
 * Zen 4 do: F2 F3 0F 38 F0 is #UD there, F3 F2 0F 38 F0 CRC32). */
static unsigned mandatory_prefix(const Dec *d)
{
    if (d->in->encoding != X86_ENC_LEGACY) {
        return d->pp;
    }
    if (d->last_rep == 0xf3) {
        return 2;
    }
    if (d->last_rep == 0xf2) {
        return 3;
    }
    return d->has_66 ? 1 : 0;
}

/* Walk redirect rows down to an instruction row. NULL: #UD (or a fetch
 * failure, recorded in d->status). */
static const X86OpEntry *resolve(Dec *d, const X86OpEntry *e)
{
    X86Insn *in = d->in;
    for (;;) {
        switch (e->kind) {
        case X86_E_INSN:
            return e;
        case X86_E_NONE:
            return NULL;
        case X86_E_GROUP:
            if (!read_modrm(d)) {
                return NULL;
            }
            e = &e->sub[(in->modrm >> 3) & 7];
            break;
        case X86_E_MOD:
            if (!read_modrm(d)) {
                return NULL;
            }
            e = &e->sub[(in->modrm >> 6) == 3];
            break;
        case X86_E_RM:
            if (!read_modrm(d)) {
                return NULL;
            }
            e = &e->sub[in->modrm & 7];
            break;
        case X86_E_REG64:
            if (!read_modrm(d)) {
                return NULL;
            }
            e = &e->sub[in->modrm & 0x3f];
            break;
        case X86_E_PREFIX:
            /* A prefix the split has no row for is #UD, never the plain
             * form: 66 0F 77, F3 0F 74, 66 0F AE /0 and F2 0F C7 /6 fault
             * (SDM Vol. 2A 3.1.1.1, "NP" and "NFx"; checked on the host).
             * Where the hardware ignores a prefix, the table repeats the
             * row under it (0F BC, 0F 1E, 0F 09). */
            e = &e->sub[mandatory_prefix(d)];
            break;
        case X86_E_W:
            e = &e->sub[in->vex_w ? 1 : 0];
            break;
        case X86_E_W64:
            e = &e->sub[in->vex_w && d->mode == X86_MODE_64 ? 1 : 0];
            break;
        case X86_E_L:
            e = &e->sub[in->vex_l ? 1 : 0];
            break;
        case X86_E_OSZ: {
            unsigned i = in->op_size == 2 ? 0 : in->op_size == 4 ? 1 : 2;
            /* in 64-bit mode a default-64 row (PUSHF) is 64-bit without REX.W */
            if (d->mode == X86_MODE_64 && i == 1 && (e->sub[2].flags & (F_D64 | F_F64))) {
                i = 2;
            }
            e = &e->sub[i];
            break;
        }
        case X86_E_ASZ:
            e = &e->sub[in->addr_size == 2 ? 0 : in->addr_size == 4 ? 1 : 2];
            break;
        case X86_E_MODE64:
            e = &e->sub[d->mode == X86_MODE_64];
            break;
        case X86_E_ENC:
            e = &e->sub[in->encoding];
            break;
        case X86_E_LL: {
            /* EVEX.b with a register operand makes L'L the rounding mode
             * and the vector 512 bits (SDM Vol. 2A 2.7.1); the reserved
             * L'L = 3 takes the 512-bit row and is #UD once the row is
             * known (below, with the other length rules) */
            unsigned ll = (in->prefixes & X86_PFX_EVEX_B) && d->modrm_read &&
                                  (in->modrm >> 6) == 3 ? 2 : in->vex_l;
            ll = ll > 2 ? 2 : ll;
            if (e->sub[ll].kind == X86_E_NONE) {
                /* no form at this length: #UD, but keep a row of another
                 * length so the instruction is still known */
                d->length_bad = 1;
                ll = e->sub[2].kind != X86_E_NONE ? 2 : e->sub[1].kind != X86_E_NONE ? 1 : 0;
            }
            e = &e->sub[ll];
            break;
        }
        default:
            return NULL;
        }
    }
}

/* Parse VEX (C4/C5) or EVEX (62) after the escape byte. Returns the map
 * table (for EVEX one of the EVEX maps), or NULL for a reserved encoding
 * (#UD) or a fetch failure. */
static const X86OpEntry *parse_vex(Dec *d, uint8_t esc, uint8_t *opcode)
{
    X86Insn *in = d->in;
    uint8_t b1, b2, b3;
    unsigned mmmmm;

    if (in->prefixes & (X86_PFX_REX | X86_PFX_OPSIZE | X86_PFX_REP | X86_PFX_REPNE |
                        X86_PFX_LOCK)) {
        /* SDM Vol. 2A 2.3.2: VEX/EVEX after 66, F2, F3, LOCK or REX is #UD.
         * Consume the payload anyway so the length is meaningful. */
        in->status = X86_DEC_UD;
    }
    if (!fetch(d, &b1)) {
        return NULL;
    }
    if (esc == 0xc5) {
        in->encoding = X86_ENC_VEX;
        in->prefixes |= X86_PFX_VEX;
        d->rex_r = !(b1 & 0x80);
        in->vex_v = (~b1 >> 3) & 15;
        in->vex_l = (b1 >> 2) & 1;
        d->pp = b1 & 3;
        mmmmm = 1;
    } else if (esc == 0xc4) {
        if (!fetch(d, &b2)) {
            return NULL;
        }
        in->encoding = X86_ENC_VEX;
        in->prefixes |= X86_PFX_VEX;
        d->rex_r = !(b1 & 0x80);
        d->rex_x = !(b1 & 0x40);
        d->rex_b = !(b1 & 0x20);
        mmmmm = b1 & 0x1f;
        d->rex_w = b2 >> 7;
        in->vex_v = (~b2 >> 3) & 15;
        in->vex_l = (b2 >> 2) & 1;
        d->pp = b2 & 3;
    } else {
        if (!fetch(d, &b2) || !fetch(d, &b3)) {
            return NULL;
        }
        in->encoding = X86_ENC_EVEX;
        in->prefixes |= X86_PFX_EVEX;
        d->rex_r = !(b1 & 0x80);
        d->rex_x = !(b1 & 0x40);
        d->rex_b = !(b1 & 0x20);
        d->evex_r2 = !(b1 & 0x10);
        mmmmm = b1 & 7; /* maps 1..3, and 5 and 6 (AVX512-FP16) */
        if (b1 & 0x08) {
            in->status = X86_DEC_UD; /* reserved P0 bit */
        }
        d->rex_w = b2 >> 7;
        in->vex_v = (~b2 >> 3) & 15;
        if (!(b2 & 0x04)) {
            in->status = X86_DEC_UD; /* P1 bit 2 must be 1 */
        }
        d->pp = b2 & 3;
        if (b3 & 0x80) {
            in->prefixes |= X86_PFX_EVEX_Z;
        }
        in->vex_l = (b3 >> 5) & 3;
        if (b3 & 0x10) {
            in->prefixes |= X86_PFX_EVEX_B;
        }
        d->evex_v2 = !(b3 & 0x08);
        in->evex_aaa = b3 & 7;
    }
    if (d->mode != X86_MODE_64) {
        /* outside 64-bit mode R, X, B and the top of vvvv do not exist;
         * EVEX.V' must be 1 there (SDM Vol. 2A Table 2-39) */
        if (in->encoding == X86_ENC_EVEX && d->evex_v2) {
            in->status = X86_DEC_UD;
        }
        d->rex_r = d->rex_x = d->rex_b = d->evex_r2 = 0;
        in->vex_v &= 7;
        d->evex_v2 = 0;
    }
    in->vex_w = d->rex_w;
    if (!fetch(d, opcode)) {
        return NULL;
    }
    if (in->encoding == X86_ENC_EVEX) {
        switch (mmmmm) {
        case 1: in->map = X86_MAP_0F; return x86_evex_0f;
        case 2: in->map = X86_MAP_0F38; return x86_evex_0f38;
        case 3: in->map = X86_MAP_0F3A; return x86_evex_0f3a;
        case 5: in->map = X86_MAP_5; return x86_evex_map5;
        case 6: in->map = X86_MAP_6; return x86_evex_map6;
        default: return NULL;
        }
    }
    switch (mmmmm) {
    case 1: in->map = X86_MAP_0F; return x86_map_0f;
    case 2: in->map = X86_MAP_0F38; return x86_map_0f38;
    case 3: in->map = X86_MAP_0F3A; return x86_map_0f3a;
    default: return NULL;
    }
}

/* Length of a VEX/EVEX instruction with no table row, so a #UD still says
 * how long it is: all have ModRM; map 0F3A has an imm8. */
static void skip_unknown_vex(Dec *d)
{
    X86Insn *in = d->in;
    if (!read_modrm(d)) {
        return;
    }
    if ((in->modrm >> 6) != 3 && !decode_mem(d, 0, 16)) {
        return;
    }
    if (in->map == X86_MAP_0F3A) {
        uint8_t b;
        (void)fetch(d, &b);
    }
}

/* Build operand i from its spec. 0 on #UD or fetch failure. */
static int build_operand(Dec *d, const X86OpEntry *e, X86OpSpec spec, X86Operand *op)
{
    X86Insn *in = d->in;
    unsigned reg = (in->modrm >> 3) & 7;
    unsigned rm = in->modrm & 7;
    int is_reg = d->rm_is_reg;
    unsigned size = size_bytes(d, spec.size, is_reg);
    int64_t v;

    op->size = (uint16_t)size; /* op->reg is X86_R_NONE (0) from the memset */
    /* the two most common operands first, before the general switch */
    if (spec.method == A_G) {
        if (d->evex_r2) {
            return 0; /* EVEX.R' must be 1 for a GPR in ModRM.reg (SDM Table 2-39) */
        }
        op->kind = X86_OPND_REG;
        op->reg = gpr(d, reg | (d->rex_r << 3), size);
        return 1;
    }
    if (spec.method == A_E && !is_reg) {
        op->kind = X86_OPND_MEM;
        return 1;
    }
    switch (spec.method) {
    case A_E:
    case A_M:
    case A_Q:
    case A_W:
    case A_KE:
    case A_MV:
        if (!is_reg) {
            op->kind = X86_OPND_MEM;
            if (spec.method == A_MV) {
                op->size = d->rex_w ? 8 : 4; /* one element */
            }
            return 1;
        }
        if (spec.method == A_M || spec.method == A_MV) {
            return 0; /* memory only */
        }
        op->kind = X86_OPND_REG;
        if (spec.method == A_E) {
            op->reg = gpr(d, rm | (d->rex_b << 3), size);
        } else if (spec.method == A_Q) {
            op->reg = (uint8_t)(X86_R_MM0 + rm);
        } else if (spec.method == A_KE) {
            op->reg = (uint8_t)(X86_R_K0 + rm);
        } else {
            op->reg = vreg(rm | (d->rex_b << 3) | (d->rex_x << 4 & -(in->encoding == X86_ENC_EVEX)),
                           size);
        }
        return 1;
    case A_R:
    case A_N:
    case A_U:
    case A_KR:
        if (!is_reg) {
            return 0; /* register only */
        }
        op->kind = X86_OPND_REG;
        if (spec.method == A_R) {
            op->reg = gpr(d, rm | (d->rex_b << 3), size);
        } else if (spec.method == A_N) {
            op->reg = (uint8_t)(X86_R_MM0 + rm);
        } else if (spec.method == A_KR) {
            op->reg = (uint8_t)(X86_R_K0 + rm);
        } else {
            unsigned x = in->encoding == X86_ENC_EVEX ? d->rex_x << 4 : 0;
            op->reg = vreg(rm | (d->rex_b << 3) | x, size);
        }
        return 1;
    case A_G:
        op->kind = X86_OPND_REG;
        op->reg = gpr(d, reg | (d->rex_r << 3), size);
        return 1;
    case A_V:
        op->kind = X86_OPND_REG;
        op->reg = vreg(reg | (d->rex_r << 3) | (d->evex_r2 << 4), size);
        return 1;
    case A_P:
        op->kind = X86_OPND_REG;
        op->reg = (uint8_t)(X86_R_MM0 + reg);
        return 1;
    case A_KG:
        if (d->evex_r2 || (d->rex_r && in->encoding == X86_ENC_EVEX)) {
            /* likewise for a mask register; EVEX.R too (k0..k7; checked
             * natively: VCMPPS k with EVEX.R clear is #UD, while VEX mask
             * instructions ignore VEX.R) */
            return 0;
        }
        op->kind = X86_OPND_REG;
        op->reg = (uint8_t)(X86_R_K0 + reg);
        return 1;
    case A_S:
        /* ES..GS only; MOV to CS is #UD (SDM MOV: "If the destination is
         * CS") */
        if (reg > 5 || (reg == 1 && op == &in->ops[0])) {
            return 0;
        }
        op->kind = X86_OPND_REG;
        op->reg = (uint8_t)(X86_R_ES + reg);
        return 1;
    case A_C: {
        unsigned n = reg | (d->rex_r << 3);
        /* CR1, CR5..CR7 and CR9..CR15 do not exist (SDM MOV-CR: #UD) */
        if (!(n == 0 || n == 2 || n == 3 || n == 4 || n == 8)) {
            return 0;
        }
        op->kind = X86_OPND_REG;
        op->reg = (uint8_t)(X86_R_CR0 + n);
        return 1;
    }
    case A_D:
        if (d->rex_r) {
            return 0; /* DR8..DR15: #UD (SDM MOV-DR) */
        }
        op->kind = X86_OPND_REG;
        op->reg = (uint8_t)(X86_R_DR0 + reg);
        return 1;
    case A_B:
        op->kind = X86_OPND_REG;
        op->reg = gpr(d, in->vex_v, size);
        return 1;
    case A_H:
        op->kind = X86_OPND_REG;
        op->reg = vreg(in->vex_v | (d->evex_v2 << 4), size);
        return 1;
    case A_KH:
        op->kind = X86_OPND_REG;
        op->reg = (uint8_t)(X86_R_K0 + (in->vex_v & 7));
        return 1;
    case A_Z:
        op->kind = X86_OPND_REG;
        op->reg = gpr(d, (in->opcode & 7) | (d->rex_b << 3), size);
        return 1;
    case A_AX:
    case A_CX:
    case A_DX:
    case A_BX:
        op->kind = X86_OPND_REG;
        op->reg = gpr(d, spec.method - A_AX, size);
        return 1;
    case A_ES:
    case A_CS:
    case A_SS:
    case A_DS:
    case A_FS:
    case A_GS:
        op->kind = X86_OPND_REG;
        op->reg = (uint8_t)(X86_R_ES + (spec.method - A_ES));
        return 1;
    case A_ST0:
        op->kind = X86_OPND_REG;
        op->reg = X86_R_ST0;
        return 1;
    case A_STi:
        op->kind = X86_OPND_REG;
        op->reg = (uint8_t)(X86_R_ST0 + rm);
        return 1;
    case A_XMM0:
        op->kind = X86_OPND_REG;
        op->reg = X86_R_XMM0;
        return 1;
    case A_ONE:
        op->kind = X86_OPND_IMM;
        in->imm = 1;
        return 1;
    case A_I: {
        unsigned n = spec.size == S_bs ? 1 : spec.size == S_z ? (in->op_size == 2 ? 2 : 4) : size;
        if (!fetch_signed(d, n, &v)) {
            return 0;
        }
        op->kind = X86_OPND_IMM;
        if (spec.size == S_z) {
            op->size = in->op_size; /* Iz is sign-extended to a 64-bit operand */
        }
        in->imm = v;
        in->imm_size = (uint8_t)n;
        return 1;
    }
    case A_I2:
        if (!fetch_signed(d, 1, &v)) {
            return 0;
        }
        op->kind = X86_OPND_IMM2;
        in->imm2 = (uint16_t)(v & 0xff);
        return 1;
    case A_L:
        if (!fetch_signed(d, 1, &v)) {
            return 0;
        }
        op->kind = X86_OPND_REG;
        op->reg = vreg(((uint64_t)v >> 4) & (d->mode == X86_MODE_64 ? 15 : 7), size);
        in->imm = v & 0xff;
        in->imm_size = 1;
        return 1;
    case A_J: {
        unsigned n = spec.size == S_b ? 1 : (in->op_size == 2 ? 2 : 4);
        if (!fetch_signed(d, n, &v)) {
            return 0;
        }
        op->kind = X86_OPND_REL;
        op->size = in->op_size;
        in->imm = v;
        in->imm_size = (uint8_t)n;
        return 1;
    }
    case A_A: {
        unsigned n = in->op_size == 2 ? 2 : 4;
        if (!fetch_signed(d, n, &v)) {
            return 0;
        }
        in->imm = n == 2 ? (v & 0xffff) : (v & 0xffffffff);
        if (!fetch_signed(d, 2, &v)) {
            return 0;
        }
        in->imm2 = (uint16_t)v;
        op->kind = X86_OPND_FAR;
        return 1;
    }
    case A_O:
        if (!fetch_signed(d, in->addr_size, &v)) {
            return 0;
        }
        op->kind = X86_OPND_MEM;
        in->mem.base = in->mem.index = X86_R_NONE;
        in->mem.scale = 1;
        in->mem.addr_size = in->addr_size;
        in->mem.disp = in->addr_size == 8 ? v
                                          : (int64_t)((uint64_t)v & (in->addr_size == 4 ? 0xffffffffu
                                                                                       : 0xffffu));
        in->mem.disp_size = in->addr_size;
        in->mem.seg = in->seg_override != X86_R_NONE ? in->seg_override : X86_R_DS;
        return 1;
    case A_X:
    case A_Y: {
        uint8_t first = in->addr_size == 2 ? X86_R_AX : in->addr_size == 4 ? X86_R_EAX : X86_R_RAX;
        op->kind = X86_OPND_MEM;
        op->reg = (uint8_t)(first + (spec.method == A_X ? 6 : 7));
        if (spec.method == A_X || in->mem.seg == X86_R_NONE) {
            in->mem.seg = spec.method == A_Y ? X86_R_ES
                          : (in->seg_override != X86_R_NONE ? in->seg_override : X86_R_DS);
            in->mem.base = op->reg;
            in->mem.index = X86_R_NONE;
            in->mem.scale = 1;
            in->mem.addr_size = in->addr_size;
            in->mem.disp = 0;
        }
        return 1;
    }
    default:
        return 0;
    }
}

/* The VEX/EVEX rules checked once the operands are known (kept out of the
 * legacy hot path). 0: #UD. */
static __attribute__((noinline)) int vex_rules(Dec *d, const X86OpEntry *e, int is_mem,
                                               int vsib_size)
{
    X86Insn *in = d->in;
    unsigned n = in->nops;

    /* vvvv must be 1111 (stored 0) when no operand uses it (SDM 2.3.6). */
    if (!(e->flags & F_VVVV) && (in->vex_v != 0 || d->evex_v2)) {
        if (!(in->encoding == X86_ENC_EVEX && vsib_size && in->vex_v == 0)) {
            return 0;
        }
    }
    if (in->encoding != X86_ENC_EVEX) {
        return 1;
    }
    /* EVEX: broadcast and the compressed disp8 (SDM Vol. 2A 2.7.5: the
     * displacement is disp8 * N, N the size of the memory access, or of
     * one element for a broadcast and for VEXPAND/VCOMPRESS). */
    X86Operand *mop = NULL;
    if (is_mem) {
        for (unsigned i = 0; i < n; i++) {
            if (in->ops[i].kind == X86_OPND_MEM) {
                mop = &in->ops[i];
            }
        }
        unsigned scale = mop != NULL ? mop->size : 0;
        if (in->prefixes & X86_PFX_EVEX_B) {
            if (!(e->flags & F_BCST) || mop == NULL) {
                return 0;
            }
            mop->size = (e->flags & F_BCST16) ? 2 : in->vex_w ? 8 : 4;
            scale = mop->size;
        } else {
            for (unsigned i = 0; i < e->nops; i++) {
                if (e->ops[i].size == S_xe) {
                    scale = in->vex_w ? 8 : 4;
                } else if (e->ops[i].size == S_xeb) {
                    scale = in->vex_w ? 2 : 1;
                }
            }
        }
        if (d->disp8 && scale > 1) {
            in->mem.disp *= scale;
        }
    }
    /* EVEX register forms: b means rounding control or SAE, and only where
     * the instruction has them (SDM Vol. 2A 2.7.1). */
    if ((in->prefixes & X86_PFX_EVEX_B) && !is_mem && !(e->flags & (F_ER | F_SAE))) {
        return 0;
    }
    /* Masking (SDM Vol. 2A 2.7.4, Table 2-40, and each instruction's
     * exceptions; all checked natively on an AMD Zen 4): zeroing needs a
     * mask register and is #UD into memory or into a mask register; some
     * instructions take no mask at all. */
    int dest_mem = n > 0 && in->ops[0].kind == X86_OPND_MEM;
    int dest_k = n > 0 && in->ops[0].kind == X86_OPND_REG && in->ops[0].reg >= X86_R_K0 &&
                 in->ops[0].reg <= X86_R_K7;
    if ((in->prefixes & X86_PFX_EVEX_Z) && (in->evex_aaa == 0 || dest_mem || dest_k)) {
        return 0;
    }
    if (in->evex_aaa != 0 && (e->flags & F_NOMASK)) {
        return 0;
    }
    /* The complex FP16 multiplies: the destination may not be a source
     * (SDM VFCMULCPH/VFCMADDCPH ...: #UD). */
    switch (in->mnem) {
    case X86_I_VFMULCPH: case X86_I_VFCMULCPH: case X86_I_VFMULCSH: case X86_I_VFCMULCSH:
    case X86_I_VFMADDCPH: case X86_I_VFCMADDCPH: case X86_I_VFMADDCSH: case X86_I_VFCMADDCSH:
        for (unsigned i = 1; i < n; i++) {
            if (in->ops[i].kind == X86_OPND_REG && in->ops[i].reg == in->ops[0].reg) {
                return 0;
            }
        }
        break;
    default:
        break;
    }
    /* Gathers and scatters: a mask is required (it tracks the progress),
     * and a gather's destination may not be its index register. */
    if (vsib_size) {
        if (in->evex_aaa == 0 || (in->prefixes & X86_PFX_EVEX_Z)) {
            return 0;
        }
        if (!dest_mem && n > 0 && in->ops[0].kind == X86_OPND_REG &&
            (in->ops[0].reg - X86_R_XMM0) % 32 == (in->mem.index - X86_R_XMM0) % 32) {
            return 0;
        }
    }
    return 1;
}

/* Legacy prefix classes by byte (x86_decode_internal.h): [0] outside
 * 64-bit mode, [1] in it, where 40..4F are REX. */
#define LEGACY_PREFIXES                                                                          \
    [0x26] = PC_SEG, [0x2e] = PC_SEG, [0x36] = PC_SEG, [0x3e] = PC_SEG, [0x64] = PC_SEG,         \
    [0x65] = PC_SEG, [0x66] = PC_66, [0x67] = PC_67, [0xf0] = PC_LOCK, [0xf2] = PC_REP,          \
    [0xf3] = PC_REP
const uint8_t x86_prefix_class[2][256] = {
    { LEGACY_PREFIXES },
    {
        LEGACY_PREFIXES,
        [0x40] = PC_REX, [0x41] = PC_REX, [0x42] = PC_REX, [0x43] = PC_REX, [0x44] = PC_REX,
        [0x45] = PC_REX, [0x46] = PC_REX, [0x47] = PC_REX, [0x48] = PC_REX, [0x49] = PC_REX,
        [0x4a] = PC_REX, [0x4b] = PC_REX, [0x4c] = PC_REX, [0x4d] = PC_REX, [0x4e] = PC_REX,
        [0x4f] = PC_REX,
    },
};
#undef LEGACY_PREFIXES

/* The segment register of 26 2E 36 3E (indexed by bits 5:3); 64 and 65 are
 * FS and GS. */
const uint8_t x86_seg_prefix_reg[8] = {
    [4] = X86_R_ES, [5] = X86_R_CS, [6] = X86_R_SS, [7] = X86_R_DS,
};

static X86DecodeStatus finish(Dec *d, X86DecodeStatus st)
{
    X86Insn *in = d->in;
    if (d->status != X86_DEC_OK) {
        st = (X86DecodeStatus)d->status; /* a fetch failure wins */
    }
    in->status = (uint8_t)st;
    in->length = (uint8_t)d->pos;
    if (st != X86_DEC_OK) {
        in->nops = 0;
        if (st != X86_DEC_UD || in->mnem == X86_I_INVALID) {
            in->mnem = X86_I_INVALID;
        }
    }
    return st;
}

X86DecodeStatus x86_decode_full(X86Insn *restrict in, const uint8_t *restrict code, size_t avail,
                                X86Mode mode)
{
    Dec d;
    uint8_t b, opcode;
    const X86OpEntry *table = x86_map_one;
    const X86OpEntry *e;

    memset(in, 0, sizeof(*in));
    memset(&d, 0, offsetof(Dec, dyn)); /* dyn is filled by fill_sizes() */
    d.code = code;
    d.avail = avail;
    d.limit = avail < X86_MAX_INSN_LEN ? (unsigned)avail : X86_MAX_INSN_LEN;
    d.in = in;
    d.mode = (uint8_t)mode;
    in->mode = (uint8_t)mode;

    /* Prefixes. A REX is only in effect right before the opcode: any legacy
     * prefix after it cancels it (SDM Vol. 2A 2.2.1). Locals, written to
     * *in once, keep the loop in registers. */
    const uint8_t *classes = x86_prefix_class[mode == X86_MODE_64];
    uint32_t pfx = 0;
    uint8_t rex = 0, seg = X86_R_NONE;
    for (;;) {
        if (!fetch(&d, &b)) {
            in->prefixes = pfx;
            return finish(&d, X86_DEC_TRUNCATED);
        }
        unsigned pc = classes[b];
        if (__builtin_expect(pc == PC_NONE, 1)) {
            break;
        }
        if (pc == PC_REX) {
            rex = b;
            continue;
        }
        rex = 0;
        switch (pc) {
        case PC_SEG:
            pfx |= X86_PFX_SEG;
            seg = x86_seg_override(seg, b, mode);
            break;
        case PC_66:
            pfx |= X86_PFX_OPSIZE;
            d.has_66 = 1;
            break;
        case PC_67:
            pfx |= X86_PFX_ADSIZE;
            break;
        case PC_LOCK:
            pfx |= X86_PFX_LOCK;
            break;
        default: /* PC_REP */
            pfx |= b == 0xf3 ? X86_PFX_REP : X86_PFX_REPNE;
            d.last_rep = b;
            break;
        }
    }
    if (rex) {
        pfx |= X86_PFX_REX;
        d.rex_w = (rex >> 3) & 1;
        d.rex_r = (rex >> 2) & 1;
        d.rex_x = (rex >> 1) & 1;
        d.rex_b = rex & 1;
        in->vex_w = d.rex_w;
    }
    in->prefixes = pfx;
    in->rex = rex;
    in->seg_override = seg;

    /* Address size now (VEX memory forms need it); operand size once the
     * row is known (default-64 rows). 67 and 66 toggle the mode's default. */
    {
        static const uint8_t addr_size[3][2] = { { 2, 4 }, { 4, 2 }, { 8, 4 } };
        static const uint8_t op_size[3][4] = { { 2, 4, 8, 8 }, { 4, 2, 8, 8 }, { 4, 2, 8, 8 } };
        in->addr_size = addr_size[mode][(pfx & X86_PFX_ADSIZE) != 0];
        in->op_size = op_size[mode][d.has_66 | (d.rex_w << 1)]; /* REX.W wins over 66 */
    }

    opcode = b;
    in->map = X86_MAP_ONE;
    if (b == 0x0f) {
        if (!fetch(&d, &opcode)) {
            return finish(&d, X86_DEC_TRUNCATED);
        }
        if (opcode == 0x38 || opcode == 0x3a) {
            in->map = opcode == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
            table = opcode == 0x38 ? x86_map_0f38 : x86_map_0f3a;
            if (!fetch(&d, &opcode)) {
                return finish(&d, X86_DEC_TRUNCATED);
            }
        } else {
            in->map = X86_MAP_0F;
            table = x86_map_0f;
        }
    } else if (b == 0xc4 || b == 0xc5 || b == 0x62) {
        /* Outside 64-bit mode these are LES/LDS/BOUND unless the next byte
         * would be a register-form ModRM, which those do not allow. */
        if (d.pos < avail && (mode == X86_MODE_64 || (code[d.pos] & 0xc0) == 0xc0)) {
            table = parse_vex(&d, b, &opcode);
            in->opcode = opcode;
            if (table == NULL) {
                return finish(&d, d.status ? X86_DEC_TRUNCATED : X86_DEC_UD);
            }
        } else if (d.pos >= avail && mode == X86_MODE_64) {
            /* the payload byte is missing: too long if it would be the 16th */
            return finish(&d, d.pos >= X86_MAX_INSN_LEN ? X86_DEC_GP : X86_DEC_TRUNCATED);
        }
    }
    in->opcode = opcode;

    /* The row (an EVEX encoding's table is its EVEX map). 90 with REX.B
     * is XCHG. */
    if (in->map == X86_MAP_ONE && opcode == 0x90 && d.rex_b) {
        e = &table[0x91];
    } else {
        e = &table[opcode];
    }
    if (in->map == X86_MAP_0F38 || in->map == X86_MAP_0F3A || in->encoding == X86_ENC_EVEX) {
        if (!read_modrm(&d)) {
            return finish(&d, X86_DEC_TRUNCATED);
        }
    }
    if (e->kind == X86_E_GROUP) { /* the common redirect, inline */
        if (!read_modrm(&d)) {
            return finish(&d, X86_DEC_TRUNCATED);
        }
        e = &e->sub[(in->modrm >> 3) & 7];
    }
    if (e->kind != X86_E_INSN) {
        e = resolve(&d, e);
    }
    if (e == NULL) {
        if (d.status == X86_DEC_OK && in->encoding != X86_ENC_LEGACY) {
            skip_unknown_vex(&d);
        }
        return finish(&d, X86_DEC_UD);
    }
    in->row = e;
    in->mnem = e->mnem;

    /* Encoding, mode and vector-length rules of the row (skipped for the
     * plain legacy rows that have none). */
    if (in->encoding != X86_ENC_LEGACY || !(e->flags & F_LEG) ||
        (e->flags & (F_I64 | F_O64))) {
        uint32_t need = in->encoding == X86_ENC_LEGACY ? F_LEG
                        : in->encoding == X86_ENC_VEX  ? F_VEX
                                                       : F_EVEX;
        int bad = !(e->flags & need);
        bad |= (e->flags & F_I64) && mode == X86_MODE_64;
        bad |= (e->flags & F_O64) && mode != X86_MODE_64;
        bad |= (e->flags & F_W0) && in->encoding == X86_ENC_VEX && in->vex_w;
        bad |= (e->flags & F_W1) && in->encoding == X86_ENC_VEX && !in->vex_w;
        bad |= (e->flags & F_EW0) && in->encoding == X86_ENC_EVEX && in->vex_w;
        bad |= (e->flags & F_EW1) && in->encoding == X86_ENC_EVEX && !in->vex_w;
        bad |= d.length_bad;
        if (in->encoding != X86_ENC_LEGACY) {
            bad |= (e->flags & F_L0) && in->vex_l != 0 && in->encoding == X86_ENC_VEX;
            bad |= (e->flags & F_L1) && in->vex_l == 0;
            if (in->encoding == X86_ENC_EVEX && in->vex_l == 3 &&
                !((in->prefixes & X86_PFX_EVEX_B) && d.modrm_read && (in->modrm >> 6) == 3)) {
                bad = 1;
            }
        }
        if (bad) {
            if (in->encoding != X86_ENC_LEGACY) {
                skip_unknown_vex(&d);
            }
            return finish(&d, X86_DEC_UD);
        }
    }
    {
        /* 64-bit mode: default-64 rows are 64-bit unless 66 (D64), forced
         * 64-bit rows always (F64); written without branches, this is hot */
        unsigned wide = (mode == X86_MODE_64) & ((e->flags & (F_D64 | F_F64)) != 0) & !d.rex_w;
        unsigned size64 = (((e->flags & F_F64) != 0) | !d.has_66) ? 8 : 2;
        in->op_size = (uint8_t)(wide ? size64 : in->op_size);
    }

    /* ModRM and the memory form, before any immediate. */
    int vsib_size = 0;
    if ((e->flags & F_MODRM) && !read_modrm(&d)) {
        return finish(&d, X86_DEC_TRUNCATED);
    }
    d.rm_is_reg = d.modrm_read & (((in->modrm >> 6) == 3) | ((e->flags & F_MOD3) != 0));
    fill_sizes(&d);
    if (e->flags & F_VSIB) {
        for (unsigned i = 0; i < e->nops; i++) {
            if (e->ops[i].method == A_MV) {
                vsib_size = (int)size_bytes(&d, e->ops[i].size, 0);
            }
        }
    }
    int is_mem = d.modrm_read && (in->modrm >> 6) != 3 && !(e->flags & (F_MOD3)) &&
                 (e->flags & F_RMOP);
    if (is_mem && !decode_mem(&d, vsib_size != 0, (unsigned)vsib_size)) {
        return finish(&d, X86_DEC_UD);
    }

    /* EVEX.b on a register form is rounding control (or SAE) in L'L, and
     * the vector length is 512 (SDM Vol. 2A 2.7.1). */
    if (in->encoding == X86_ENC_EVEX && (in->prefixes & X86_PFX_EVEX_B) && !is_mem) {
        in->evex_rc = in->vex_l;
        in->vex_l = 2;
        fill_sizes(&d);
    }

    /* Operands in the row's order; a legacy encoding drops H (the SDM's
     * destination-is-first-source form). */
    unsigned n = 0;
    for (unsigned i = 0; i < e->nops; i++) {
        X86OpSpec s = e->ops[i];
        if ((e->flags & F_VVVV) && (s.method == A_H || s.method == A_B) &&
            in->encoding == X86_ENC_LEGACY) {
            continue;
        }
        if (!build_operand(&d, e, s, &in->ops[n])) {
            return finish(&d, X86_DEC_UD);
        }
        n++;
    }
    in->nops = (uint8_t)n;

    if (in->encoding != X86_ENC_LEGACY && !vex_rules(&d, e, is_mem, vsib_size)) {
        return finish(&d, X86_DEC_UD);
    }
    /* LOCK: only on the listed read-modify-write instructions with a memory
     * destination (SDM Vol. 2A LOCK: #UD otherwise). */
    if ((in->prefixes & X86_PFX_LOCK) &&
        (!(e->flags & F_LOCK) || n == 0 || in->ops[0].kind != X86_OPND_MEM ||
         in->encoding != X86_ENC_LEGACY)) {
        return finish(&d, X86_DEC_UD);
    }
    return finish(&d, in->status == X86_DEC_UD ? X86_DEC_UD : X86_DEC_OK);
}
