/*
 * vs_objdump_evex_known.c — where rx86 and GNU objdump 2.40 are expected to
 * disagree on EVEX encodings, and the spellings that differ.
 *
 * objdump is a disassembler: it shows what an encoding would mean and is
 * lenient where a CPU raises #UD. Every entry below says who is right and
 * how that was established: the SDM (Vol. 2A 2.7 and the instruction's
 * opcode lines), and for the subsets an AMD EPYC (Zen 4) has (F, CD, BW,
 * DQ, VL, IFMA, VBMI, VBMI2, VNNI, BITALG, VPOPCNTDQ, BF16, GFNI, VAES,
 * VPCLMULQDQ) a forked child running the encoding natively (SIGILL or
 * not). Entries are narrow: by map, opcode, prefix, W and the form of the
 * encoding, and where they name a rule (broadcast, zeroing, masking) they
 * check that rx86 decodes the same bytes without the offending bit, so a
 * real missing row can never hide behind them.
 */
#include <stdio.h>
#include <string.h>

#include "frontend/x86_decode_internal.h"
#include "tests/decoder/vs_objdump_evex.h"

/* Spelling differences (objdump's -> rx86's):
 *  - compares with an imm8 predicate: objdump folds predicates 0..7 (VPCMP)
 *    or 0..31 (VCMPPS...) into the name ("vpcmpnltub k1,zmm0,zmm2" for
 *    vpcmpub k1,zmm0,zmm2,0x5); rx86 prints the instruction and the imm8.
 * (The operand spellings, "DWORD BCST [m]" for rx86's "DWORD PTR [m]{1to16}"
 * and where {rn-sae} goes, are normalized in vs_objdump_evex.c.) */
void evex_normalize_mnemonic(const char *rx86_mnem, const char *objdump_mnem, char *out,
                             unsigned out_len, int *operands_folded)
{
    static const char *const cmp_bases[] = { "vcmp", "vpcmp" };
    *operands_folded = 0;
    snprintf(out, out_len, "%s", objdump_mnem);
    for (unsigned i = 0; i < sizeof(cmp_bases) / sizeof(cmp_bases[0]); i++) {
        size_t nb = strlen(cmp_bases[i]), nr = strlen(rx86_mnem), no = strlen(objdump_mnem);
        if (strncmp(rx86_mnem, cmp_bases[i], nb) != 0 || strcmp(rx86_mnem, objdump_mnem) == 0 ||
            strncmp(objdump_mnem, cmp_bases[i], nb) != 0 || no <= nr) {
            continue;
        }
        /* rx86 "vpcmpub" = base + suffix "ub"; objdump base + predicate + suffix */
        const char *suffix = rx86_mnem + nb;
        if (strcmp(objdump_mnem + no - strlen(suffix), suffix) == 0) {
            snprintf(out, out_len, "%s", rx86_mnem);
            *operands_folded = 1;
            return;
        }
    }
}

/* Which encodings an entry covers. */
enum {
    KF_ANY,
    KF_REG,       /* register form */
    KF_MEM,       /* memory form */
    KF_HIGH,      /* EVEX.R/X/B/R' set (registers 8..31) */
    KF_NOT_512,   /* vector length other than 512 */
    KF_NOT_128,   /* vector length other than 128 */
    KF_W_FLIPPED, /* rx86 decodes the same name with the other EVEX.W */
    KF_DEST_INDEX, /* ModRM.reg names the VSIB index register (both 7) */
};

typedef struct Known {
    uint8_t map;         /* EVEX.mmm; 0: any */
    uint8_t ops[16];     /* opcodes, ended by a 0 (so 00 cannot be listed); none: any */
    uint8_t pp_mask;     /* bit pp: 1 NP, 2 66, 4 F3, 8 F2 */
    int8_t w;            /* 0, 1, or -1 for either */
    uint8_t kind;        /* EvexDiff */
    uint8_t form;        /* KF_* */
    const char *why;
} Known;

#define ANY_PP 0xf
#define NP_ 1
#define P66_ 2
#define PF3_ 4
#define PF2_ 8

static const Known known[] = {
    /* EVEX.W */
    { 1, { 0x10, 0x11, 0x12, 0x13, 0x16, 0x17, 0x2e, 0x2f, 0x51, 0x58, 0x59, 0x5c, 0x5d, 0x5e,
           0x5f },
      NP_ | P66_, -1, DIFF_RX86_REJECTS, KF_W_FLIPPED,
      "objdump picks ps/pd by the prefix alone and ignores EVEX.W; the SDM fixes NP W0 and 66 "
      "W1, and the other W is #UD (checked natively)" },
    { 2, { 0x8f }, P66_, 1, DIFF_RX86_REJECTS, KF_W_FLIPPED,
      "VPSHUFBITQMB is W0 (SDM); objdump ignores W; W1 is #UD (checked natively)" },
    /* register or memory form */
    { 2, { 0x29, 0x39 }, PF3_, -1, DIFF_RX86_REJECTS, KF_MEM,
      "VPMOVB2M/W2M/D2M/Q2M take a register only (SDM); objdump decodes a memory source; "
      "#UD (checked natively)" },
    { 2, { 0x2a }, P66_, 0, DIFF_RX86_REJECTS, KF_REG,
      "VMOVNTDQA loads from memory only; objdump decodes a register form; #UD (checked "
      "natively)" },
    { 1, { 0xe7 }, P66_, 0, DIFF_RX86_REJECTS, KF_REG,
      "VMOVNTDQ stores to memory only; objdump decodes a register form; #UD (checked "
      "natively)" },
    { 2, { 0x28, 0x2a, 0x38, 0x3a }, PF3_, -1, DIFF_RX86_ACCEPTS, KF_HIGH,
      "a mask register in ModRM.rm (VPMOVM2B.., VPBROADCASTMB2Q..): the CPU ignores EVEX.B "
      "and EVEX.X (checked natively: VPMOVM2B zmm1,k3 runs with either set); objdump "
      "rejects them" },
    { 2, { 0x90, 0x91, 0x92, 0x93 }, P66_, -1, DIFF_RX86_REJECTS, KF_DEST_INDEX,
      "a gather whose destination is its index register is #UD (SDM VPGATHERDD ...; checked "
      "natively); objdump decodes it" },
    /* the implied prefix */
    { 2, { 0x4e }, NP_ | PF3_ | PF2_, -1, DIFF_RX86_REJECTS, KF_ANY,
      "VRSQRT14PS/PD are 66-prefixed only (SDM); objdump ignores EVEX.pp; #UD (checked "
      "natively)" },
    { 3, { 0x42, 0x70, 0x72 }, NP_ | PF3_ | PF2_, -1, DIFF_RX86_REJECTS, KF_ANY,
      "VDBPSADBW, VPSHLDW and VPSHRDW are 66-prefixed only (SDM); objdump ignores EVEX.pp; "
      "#UD (checked natively)" },
    { 2, { 0x50, 0x51 }, NP_ | PF3_ | PF2_, 0, DIFF_RX86_REJECTS, KF_ANY,
      "AVX-VNNI-INT8's VPDPB[SU,UU,SS]D[S] are VEX-encoded (SDM); objdump 2.40 also decodes "
      "EVEX forms, which no AVX-512 subset has (AVX10.2 added them later; #UD on the test "
      "host)" },
    /* the vector length */
    { 2, { 0x52, 0x53, 0x9a, 0xaa }, PF2_, 0, DIFF_RX86_REJECTS, KF_NOT_512,
      "AVX512_4VNNIW/4FMAPS (Xeon Phi) exist only as EVEX.512 (SDM); objdump decodes any "
      "length" },
    { 2, { 0xc8, 0xca, 0xcc }, P66_, -1, DIFF_RX86_REJECTS, KF_NOT_512,
      "AVX512ER packed forms (Xeon Phi) exist only as EVEX.512 (SDM); objdump decodes any "
      "length" },
    { 5, { 0x6e, 0x7e }, P66_, -1, DIFF_RX86_REJECTS, KF_NOT_128,
      "VMOVW is EVEX.128 only (SDM, exception class E9NF like VMOVD, whose other lengths are "
      "#UD natively); objdump decodes any length" },
    /* objdump's spelling */
    { 1, { 0x11 }, PF3_ | PF2_, -1, DIFF_OPERANDS, KF_NOT_128,
      "objdump prints the destination of the register form of VMOVSS/VMOVSD stores as "
      "ymm/zmm when L'L != 0; the instruction ignores L'L and writes an xmm (SDM: LIG)" },
};

/* Decode c's bytes with EVEX.P1 ^ p1_xor (0x80: the other W) and EVEX.P2 &
 * p2_and | p2_or (clearing b, z or aaa; setting L'L), in mode_bits. */
static int decodes(const EvexCase *c, int mode_bits, uint8_t p1_xor, uint8_t p2_and,
                   uint8_t p2_or, X86Insn *in)
{
    uint8_t code[32];
    memset(code, 0xf8, sizeof(code));
    memcpy(code, c->bytes, c->len);
    code[2] ^= p1_xor;
    code[3] = (uint8_t)((code[3] & p2_and) | p2_or);
    X86Mode mode = mode_bits == 64 ? X86_MODE_64 : X86_MODE_32;
    return x86_decode(in, code, sizeof(code), mode) == X86_DEC_OK;
}

/* rx86's name for in (with the "v" of its EVEX form) is objdump's. */
static int same_name(const X86Insn *in, const char *objdump_mnem)
{
    char name[48];
    snprintf(name, sizeof(name), "v%s", x86_mnem_name(in->mnem));
    for (char *p = name; *p; p++) {
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    }
    return strcmp(name, objdump_mnem) == 0 || strcmp(name + 1, objdump_mnem) == 0;
}

static int form_matches(const Known *k, const EvexCase *c, int mode_bits,
                        const char *objdump_mnem)
{
    X86Insn in;
    int ll = c->b && !c->mem ? 2 : c->ll;
    switch (k->form) {
    case KF_ANY: return 1;
    case KF_REG: return !c->mem;
    case KF_MEM: return c->mem;
    case KF_HIGH: return c->high;
    case KF_NOT_512: return ll != 2;
    case KF_NOT_128: return ll != 0;
    case KF_DEST_INDEX: return c->mem && !c->high && c->reg == 7 && c->vvvv < 16;
    case KF_W_FLIPPED:
        return decodes(c, mode_bits, 0x80, 0xff, 0, &in) && same_name(&in, objdump_mnem);
    default: return 0;
    }
}

/*
 * Rules about EVEX.b, z and aaa that objdump 2.40 does not check. An
 * encoding objdump decodes and rx86 rejects is explained by them when
 * rx86 decodes it once the offending bits are cleared (and, with
 * w_known, EVEX.W flipped per the table above), and the row it then finds
 * says the bits were not allowed:
 *   b on memory: the row has no broadcast (SDM: no m32bcst/m64bcst form;
 *     checked natively for byte/word integer ops, moves, VPALIGNR, VAES,
 *     VPCLMULQDQ, VPSADBW, VMOVNTPS ...);
 *   b on a register: the row has neither {er} nor {sae} (objdump prints
 *     VP2INTERSECTD's as {sae}; SDM: no {sae} form);
 *   z: zeroing into memory or into a mask register, or on an instruction
 *     without masking (SDM Vol. 2A 2.7.4, Table 2-40; checked natively);
 *   aaa: an instruction whose SDM syntax has no {k1} (VCOMISS, VCVTSI2SS,
 *     VMOVD, VPEXTRB, VPMOVM2B, VMOVNT*, VAESENC, VPCLMULQDQ, VPSADBW;
 *     checked natively; VP2INTERSECT and FP16 by the SDM).
 * These rules cannot tell a wrongly missing F_BCST or a wrong F_NOMASK
 * from objdump's leniency; tests/decoder/evex_rules.c pins those flags
 * with natively checked cases.
 */
enum { FIX_W = 1, FIX_B = 2, FIX_Z = 4, FIX_AAA = 8 };

static const char *decoration_rules(const EvexCase *c, int mode_bits, int w_known,
                                    const char *objdump_mnem)
{
    static const char *const why[] = {
        [FIX_B] = "objdump accepts EVEX.b where the instruction has no broadcast/rounding: #UD",
        [FIX_Z] = "objdump accepts zeroing into memory, into a mask register or without "
                  "masking: #UD",
        [FIX_AAA] = "objdump accepts a mask on an instruction without masking: #UD",
    };
    unsigned allowed = (w_known ? FIX_W : 0) | (c->b ? FIX_B : 0) | (c->z ? FIX_Z : 0) |
                       (c->aaa ? FIX_AAA : 0);
    for (unsigned set = 1; set < 16; set++) {
        X86Insn in;
        if ((set & allowed) != set || (set & ~(unsigned)FIX_W) == 0) {
            continue;
        }
        uint8_t p2 = 0xff, p2_or = 0;
        p2 &= (set & FIX_B) ? (uint8_t)~0x10 : 0xff;
        p2 &= (set & FIX_Z) ? (uint8_t)~0x80 : 0xff;
        p2 &= (set & FIX_AAA) ? (uint8_t)~0x87 : 0xff;
        if ((set & FIX_B) && !c->mem) {
            p2 &= (uint8_t)~0x60; /* b on a register meant 512 bits: L'L = 2 */
            p2_or = 0x40;
        }
        if (!decodes(c, mode_bits, (set & FIX_W) ? 0x80 : 0, p2, p2_or, &in)) {
            continue;
        }
        uint32_t f = in.row->flags;
        int dest_mem = in.nops > 0 && in.ops[0].kind == X86_OPND_MEM;
        int dest_k = in.nops > 0 && in.ops[0].kind == X86_OPND_REG && in.ops[0].reg >= X86_R_K0 &&
                     in.ops[0].reg <= X86_R_K7;
        if (((set & FIX_B) && (f & (c->mem ? F_BCST : (F_ER | F_SAE)))) ||
            ((set & FIX_Z) && !dest_mem && !dest_k && !(f & F_NOMASK)) ||
            ((set & FIX_AAA) && !(f & F_NOMASK)) ||
            ((set & FIX_W) && !same_name(&in, objdump_mnem))) {
            continue;
        }
        return why[(set & FIX_B) ? FIX_B : (set & FIX_Z) ? FIX_Z : FIX_AAA];
    }
    return NULL;
}

const char *evex_known_difference(const EvexCase *c, int mode_bits, EvexDiff kind,
                                  const char *rx86_mnem, const char *objdump_mnem)
{
    int w_known = 0;
    (void)rx86_mnem;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        const Known *k = &known[i];
        if (k->kind != kind || (k->map != 0 && k->map != c->map) ||
            !(k->pp_mask & (1u << c->pp)) || (k->w >= 0 && k->w != c->w)) {
            continue;
        }
        int op_ok = k->ops[0] == 0;
        for (unsigned j = 0; j < sizeof(k->ops) && k->ops[j] != 0; j++) {
            op_ok |= k->ops[j] == c->opcode;
        }
        if (!op_ok) {
            continue;
        }
        w_known |= k->form == KF_W_FLIPPED;
        if (form_matches(k, c, mode_bits, objdump_mnem)) {
            return k->why;
        }
    }
    return kind == DIFF_RX86_REJECTS ? decoration_rules(c, mode_bits, w_known, objdump_mnem)
                                     : NULL;
}
