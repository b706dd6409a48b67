/*
 * x86_decode_internal.h — the shape of the opcode tables shared by the
 * decoder (x86_decode.c, x86_decode_fast.c), the table files
 * (x86_tables_*.c), the printer and the ISA table.
 *
 * A table row is either an instruction (kind X86_E_INSN: id, operand specs,
 * flags) or a redirect to a small sub-table chosen by one more piece of the
 * encoding: ModRM.reg (a group), ModRM.mod (memory or register form),
 * ModRM.rm, the mandatory prefix (none/66/F3/F2), REX/VEX.W, VEX.L, the
 * operand size, the address size or the CPU mode. Sub-tables are written
 * inline as compound literals, so a row reads like the SDM's opcode map.
 *
 * Operand specs use the SDM's notation (Vol. 2D, Appendix A.2): an
 * addressing method letter and a size letter, written "E,v" in the tables.
 *
 * Legend — addressing methods (A_x):
 *   A  far pointer immediate          B  VEX.vvvv selects a general register
 *   C  ModRM.reg selects a control reg D  ModRM.reg selects a debug register
 *   E  ModRM r/m: general reg or mem   G  ModRM.reg selects a general register
 *   H  VEX.vvvv selects a vector reg   I  immediate
 *   J  relative branch displacement    L  vector register in imm8[7:4]
 *   M  ModRM r/m, memory only          N  ModRM r/m, MMX register only
 *   O  moffs: absolute offset, no ModRM P  ModRM.reg selects an MMX register
 *   Q  ModRM r/m: MMX reg or memory    R  ModRM r/m, general register only
 *   S  ModRM.reg selects a segment reg U  ModRM r/m, vector register only
 *   V  ModRM.reg selects a vector reg  W  ModRM r/m: vector reg or memory
 *   X  DS:rSI string source            Y  ES:rDI string destination
 *   Z  low 3 opcode bits (+REX.B) select a general register (SDM "r" forms)
 *   KG/KE/KH/KR  mask register from ModRM.reg / r/m (or mem) / vvvv / r/m reg
 *   AX CX DX BX  that general register at the operand's size (AL, eAX, rAX...)
 *   ES CS SS DS FS GS  segment register;  ONE  the constant 1 (shifts)
 *   ST0 / STi  x87 top of stack / ST(ModRM.rm);  XMM0  implicit xmm0
 *   I2  the second immediate (ENTER, EXTRQ)
 *   MV  VSIB memory (vector index, size letter gives index width x/y)
 * Legend — sizes (S_x):
 *   b byte  w word  d dword  q qword  dq 16  qq 32  oq 64  t 10 (x87)
 *   bs byte sign-extended to the operand size (the SDM's old "Ibs")
 *   v word/dword/qword by operand size   z word or dword (imm never 64-bit)
 *   y dword or qword (REX.W)   p far pointer 4/6/10   s pseudo-descriptor 6/10
 *   a BOUND pair  x vector by VEX.L (16/32/64)  h half of x  r quarter of x
 *   e eighth of x  m dword, qword in 64-bit mode (MOV CR/DR)
 *   xq q for 128-bit vectors, else x (MOVDDUP's source)
 *   vw v for a register, w for memory (MOV Ev,Sw; SMSW; STR ...)
 *   zw z for a register, w for memory (LAR/LSL's source)
 *   dw db: d for a register, w or b for memory (PINSRW/PINSRB's source)
 *   yb yw: y for a register, b or w for memory (the SDM's Ry/Mb forms)
 *   ss d (scalar single)  sd q (scalar double)   env 14/28  st 94/108
 *   fx 512 (FXSAVE)  xs XSAVE area (size unknown, printed without a size)
 *   0 no size (LEA's M, prefetches)
 *   xe xeb  x, but an EVEX disp8 is scaled by one element, dword/qword by W
 *        (xe) or byte/word by W (xeb): the Tuple1 Scalar memory operand of
 *        VEXPAND/VCOMPRESS (SDM Vol. 2A 2.7.5, Table 2-35)
 */
#ifndef RX86_FRONTEND_X86_DECODE_INTERNAL_H
#define RX86_FRONTEND_X86_DECODE_INTERNAL_H

#include <stdint.h>

#include "frontend/x86_decode.h"

typedef enum X86Method {
    A_NONE = 0,
    A_A, A_B, A_C, A_D, A_E, A_G, A_H, A_I, A_J, A_L, A_M, A_N, A_O, A_P, A_Q, A_R,
    A_S, A_U, A_V, A_W, A_X, A_Y, A_Z,
    A_KG, A_KE, A_KH, A_KR,
    A_AX, A_CX, A_DX, A_BX,
    A_ES, A_CS, A_SS, A_DS, A_FS, A_GS,
    A_ONE, A_ST0, A_STi, A_XMM0, A_I2, A_MV,
    A_COUNT
} X86Method;

typedef enum X86Size {
    S_0 = 0,
    S_b, S_w, S_d, S_q, S_dq, S_qq, S_oq, S_t,
    S_bs, S_v, S_z, S_y, S_p, S_s, S_a, S_x, S_h, S_r, S_e, S_m, S_xq,
    S_vw, S_zw, S_dw, S_db, S_yb, S_yw, S_ss, S_sd, S_env, S_st, S_fx, S_xs,
    S_xe, S_xeb,
    S_COUNT
} X86Size;

typedef struct X86OpSpec {
    uint8_t method; /* X86Method */
    uint8_t size;   /* X86Size */
} X86OpSpec;

typedef enum X86EntryKind {
    X86_E_NONE = 0, /* no instruction: #UD */
    X86_E_INSN,
    X86_E_GROUP,  /* sub[ModRM.reg] */
    X86_E_MOD,    /* sub[0] memory form, sub[1] register form */
    X86_E_RM,     /* sub[ModRM.rm] */
    X86_E_REG64,  /* sub[ModRM & 0x3f], register forms of x87 */
    X86_E_PREFIX, /* sub[0] none, sub[1] 66, sub[2] F3, sub[3] F2 */
    X86_E_W,      /* sub[REX.W or VEX.W] */
    X86_E_W64,    /* the same, but W counts only in 64-bit mode (GPR size) */
    X86_E_L,      /* sub[VEX.L] (0 or 1; 512-bit uses sub[1] too) */
    X86_E_OSZ,    /* sub[0] 16-bit, sub[1] 32-bit, sub[2] 64-bit operand size */
    X86_E_ASZ,    /* the same by address size */
    X86_E_MODE64, /* sub[0] outside 64-bit mode, sub[1] in 64-bit mode */
    X86_E_ENC,    /* sub[0] legacy, sub[1] VEX, sub[2] EVEX */
    X86_E_LL,     /* sub[EVEX vector length]: 0 128, 1 256, 2 512 (512 when
                   * EVEX.b on a register form makes L'L the rounding mode) */
} X86EntryKind;

/* Row flags. */
enum {
    F_LOCK = 1u << 0,   /* LOCK allowed when the destination is memory */
    F_I64 = 1u << 1,    /* invalid in 64-bit mode */
    F_O64 = 1u << 2,    /* valid only in 64-bit mode */
    F_D64 = 1u << 3,    /* operand size defaults to 64 in 64-bit mode */
    F_F64 = 1u << 4,    /* operand size is 64 in 64-bit mode (66 ignored) */
    F_LEG = 1u << 5,    /* valid without VEX/EVEX */
    F_VEX = 1u << 6,    /* valid with VEX */
    F_EVEX = 1u << 7,   /* valid with EVEX */
    F_L0 = 1u << 8,     /* VEX.L must be 0 */
    F_L1 = 1u << 9,     /* VEX.L must be 1 (no 128-bit form) */
    F_NOV = 1u << 10,   /* printed without the "v" under VEX (BMI, mask ops) */
    F_STR = 1u << 11,   /* string instruction: F3/F2 are REP/REPE/REPNE */
    F_REPZ = 1u << 12,  /* CMPS/SCAS: F3 prints as repe */
    F_W0 = 1u << 13,    /* VEX.W must be 0 (#UD otherwise) */
    F_W1 = 1u << 14,    /* VEX.W must be 1 */
    F_EW0 = 1u << 15,   /* EVEX.W must be 0 (single-precision, dword forms) */
    F_EW1 = 1u << 16,   /* EVEX.W must be 1 (double-precision, qword forms) */
    F_BCST = 1u << 17,  /* EVEX: embedded broadcast allowed */
    F_ER = 1u << 18,    /* EVEX: rounding control / SAE allowed */
    F_SAE = 1u << 19,   /* EVEX: suppress-all-exceptions ({sae}) allowed */
    F_MOD3 = 1u << 20,  /* the ModRM.mod bits are ignored: always a register */
    /* Added by the table macros from the operand letters (MF_x, SF_x and
     * IMM_x below), so the decoder never scans the specs for them: */
    F_MODRM = 1u << 21, /* has a ModRM byte */
    F_VVVV = 1u << 22,  /* an operand is VEX.vvvv (H, B, KH) */
    F_RMOP = 1u << 23,  /* an operand is ModRM r/m that may be memory */
    F_VSIB = 1u << 24,  /* that operand is VSIB memory */
    F_SLOW = 1u << 25,  /* an operand the decoder's fast path leaves to the full one */
    F_ONE = 1u << 26,   /* an operand is the constant 1 (the fast path sets imm) */
    /* EVEX-only rules (SDM Vol. 2A 2.7): */
    F_BCST16 = 1u << 27, /* the broadcast element is a word (AVX512-FP16) */
    F_NOMASK = 1u << 28, /* no masking: EVEX.aaa must be 0 (#UD otherwise) */
    /* bits 29..31: the (one) I or J operand's size, for the fast path */
    F_IMM_SHIFT = 29,
};
enum { IMM_NONE, IMM_B, IMM_W, IMM_Z, IMM_V }; /* values of flags >> F_IMM_SHIFT */

typedef struct X86OpEntry X86OpEntry;
struct X86OpEntry {
    const X86OpEntry *sub; /* redirect kinds: the sub-table */
    uint32_t flags;        /* F_* */
    uint16_t mnem;         /* X86Mnem */
    uint8_t kind;          /* X86EntryKind */
    uint8_t nops;
    X86OpSpec ops[X86_MAX_OPS];
};

/* x86_decode() without its fast path: every instruction through the tables
 * (x86_decode.c). The tests compare the two. */
X86DecodeStatus x86_decode_full(X86Insn *restrict insn, const uint8_t *restrict code, size_t avail,
                                X86Mode mode);

/* Legacy prefix classes by byte: [0] outside 64-bit mode, [1] in it (REX). */
enum { PC_NONE, PC_SEG, PC_66, PC_67, PC_LOCK, PC_REP, PC_REX };
extern const uint8_t x86_prefix_class[2][256];
/* The segment register of prefix 26/2E/36/3E, indexed by bits 5:3. */
extern const uint8_t x86_seg_prefix_reg[8];

/* The segment override in effect after segment prefix b, seg the one
 * before (X86_R_NONE for none). The last prefix wins, except that in 64-bit
 * mode CS, DS, ES and SS overrides are ignored (SDM Vol. 1 3.3.7.1), so they
 * do not replace an earlier FS or GS (checked on the host: 65 3E is GS,
 * 65 64 FS, 64 65 GS). */
static inline uint8_t x86_seg_override(uint8_t seg, uint8_t b, X86Mode mode)
{
    uint8_t next = b == 0x64 ? X86_R_FS : b == 0x65 ? X86_R_GS : x86_seg_prefix_reg[(b >> 3) & 7];
    return mode == X86_MODE_64 && next < X86_R_FS && seg >= X86_R_FS ? seg : next;
}

/* The maps, indexed by opcode byte. */
extern const X86OpEntry x86_map_one[256];
extern const X86OpEntry x86_map_0f[256];
extern const X86OpEntry x86_map_0f38[256];
extern const X86OpEntry x86_map_0f3a[256];
/* The EVEX maps (x86_tables_evex*.c): an EVEX encoding decodes only from
 * these, never from the shared legacy/VEX rows. */
extern const X86OpEntry x86_evex_0f[256];
extern const X86OpEntry x86_evex_0f38[256];
extern const X86OpEntry x86_evex_0f3a[256];
extern const X86OpEntry x86_evex_map5[256];
extern const X86OpEntry x86_evex_map6[256];

/* What each addressing method implies for the row (see F_VVVV ...). */
#define MF_NONE 0
#define MF_A F_SLOW
#define MF_B (F_VVVV | F_SLOW)
#define MF_C (F_MODRM | F_SLOW)
#define MF_D (F_MODRM | F_SLOW)
#define MF_E (F_MODRM | F_RMOP)
#define MF_G F_MODRM
#define MF_H (F_VVVV | F_SLOW)
#define MF_I 0
#define MF_J 0
#define MF_L F_SLOW
#define MF_M (F_MODRM | F_RMOP)
#define MF_N (F_MODRM | F_SLOW)
#define MF_O F_SLOW
#define MF_P (F_MODRM | F_SLOW)
#define MF_Q (F_MODRM | F_RMOP | F_SLOW)
#define MF_R (F_MODRM | F_SLOW)
#define MF_S (F_MODRM | F_SLOW)
#define MF_U (F_MODRM | F_SLOW)
#define MF_V (F_MODRM | F_SLOW)
#define MF_W (F_MODRM | F_RMOP | F_SLOW)
#define MF_X F_SLOW
#define MF_Y F_SLOW
#define MF_Z 0
#define MF_KG (F_MODRM | F_SLOW)
#define MF_KE (F_MODRM | F_RMOP | F_SLOW)
#define MF_KH (F_VVVV | F_SLOW)
#define MF_KR (F_MODRM | F_SLOW)
#define MF_AX 0
#define MF_CX 0
#define MF_DX 0
#define MF_BX 0
#define MF_ES F_SLOW
#define MF_CS F_SLOW
#define MF_SS F_SLOW
#define MF_DS F_SLOW
#define MF_FS F_SLOW
#define MF_GS F_SLOW
#define MF_ONE F_ONE
#define MF_ST0 F_SLOW
#define MF_STi F_SLOW
#define MF_XMM0 F_SLOW
#define MF_I2 F_SLOW
#define MF_MV (F_MODRM | F_RMOP | F_VSIB | F_SLOW)

/* Sizes the fast path handles (SF_x 0) or leaves to the full decoder. */
#define SF_0 0
#define SF_b 0
#define SF_w 0
#define SF_d 0
#define SF_q 0
#define SF_dq F_SLOW
#define SF_qq F_SLOW
#define SF_oq F_SLOW
#define SF_t F_SLOW
#define SF_bs 0
#define SF_v 0
#define SF_z 0
#define SF_y F_SLOW
#define SF_p F_SLOW
#define SF_s F_SLOW
#define SF_a F_SLOW
#define SF_x F_SLOW
#define SF_h F_SLOW
#define SF_r F_SLOW
#define SF_e F_SLOW
#define SF_m F_SLOW
#define SF_xq F_SLOW
#define SF_vw F_SLOW
#define SF_zw F_SLOW
#define SF_dw F_SLOW
#define SF_db F_SLOW
#define SF_yb F_SLOW
#define SF_yw F_SLOW
#define SF_ss F_SLOW
#define SF_sd F_SLOW
#define SF_env F_SLOW
#define SF_st F_SLOW
#define SF_fx F_SLOW
#define SF_xs F_SLOW
#define SF_xe F_SLOW
#define SF_xeb F_SLOW

/* Immediate size codes by size letter (IMM_NONE: not a fast-path size). */
#define IMMC_0 IMM_NONE
#define IMMC_b IMM_B
#define IMMC_w IMM_W
#define IMMC_d IMM_NONE
#define IMMC_q IMM_NONE
#define IMMC_dq IMM_NONE
#define IMMC_qq IMM_NONE
#define IMMC_oq IMM_NONE
#define IMMC_t IMM_NONE
#define IMMC_bs IMM_B
#define IMMC_v IMM_V
#define IMMC_z IMM_Z
#define IMMC_y IMM_NONE
#define IMMC_p IMM_NONE
#define IMMC_s IMM_NONE
#define IMMC_a IMM_NONE
#define IMMC_x IMM_NONE
#define IMMC_h IMM_NONE
#define IMMC_r IMM_NONE
#define IMMC_e IMM_NONE
#define IMMC_m IMM_NONE
#define IMMC_xq IMM_NONE
#define IMMC_vw IMM_NONE
#define IMMC_zw IMM_NONE
#define IMMC_dw IMM_NONE
#define IMMC_db IMM_NONE
#define IMMC_yb IMM_NONE
#define IMMC_yw IMM_NONE
#define IMMC_ss IMM_NONE
#define IMMC_sd IMM_NONE
#define IMMC_env IMM_NONE
#define IMMC_st IMM_NONE
#define IMMC_fx IMM_NONE
#define IMMC_xs IMM_NONE
#define IMMC_xe IMM_NONE
#define IMMC_xeb IMM_NONE

/*
 * Table-writing helpers. I2(ADD, E,b, G,b, F_LOCK) is the row "ADD Eb,Gb".
 * Every row produced by I0..I4 is legacy-only unless its flags say F_VEX or
 * F_EVEX; the SSE helpers in the table files add those.
 */
#define OPS_(a, s) { A_##a, S_##s }
#define I0(m, f) { .kind = X86_E_INSN, .mnem = X86_I_##m, .flags = (f) | F_LEG, .nops = 0 }
/* What an operand adds to the row's flags: its method's and size's bits,
 * and for an immediate or branch displacement its size code. */
#define OPF_(a, s)                                                                               \
    (MF_##a | SF_##s |                                                                           \
     ((A_##a == A_I || A_##a == A_J) ? (uint32_t)IMMC_##s << F_IMM_SHIFT : 0u))
#define I1(m, a1, s1, f)                                                                          \
    { .kind = X86_E_INSN, .mnem = X86_I_##m, .flags = (f) | F_LEG | OPF_(a1, s1), .nops = 1,      \
      .ops = { OPS_(a1, s1) } }
#define I2(m, a1, s1, a2, s2, f)                                                                  \
    { .kind = X86_E_INSN, .mnem = X86_I_##m,                                                      \
      .flags = (f) | F_LEG | OPF_(a1, s1) | OPF_(a2, s2), .nops = 2,                              \
      .ops = { OPS_(a1, s1), OPS_(a2, s2) } }
#define I3(m, a1, s1, a2, s2, a3, s3, f)                                                          \
    { .kind = X86_E_INSN, .mnem = X86_I_##m,                                                      \
      .flags = (f) | F_LEG | OPF_(a1, s1) | OPF_(a2, s2) | OPF_(a3, s3), .nops = 3,               \
      .ops = { OPS_(a1, s1), OPS_(a2, s2), OPS_(a3, s3) } }
#define I4(m, a1, s1, a2, s2, a3, s3, a4, s4, f)                                                  \
    { .kind = X86_E_INSN, .mnem = X86_I_##m,                                                      \
      .flags = (f) | F_LEG | OPF_(a1, s1) | OPF_(a2, s2) | OPF_(a3, s3) | OPF_(a4, s4),           \
      .nops = 4, .ops = { OPS_(a1, s1), OPS_(a2, s2), OPS_(a3, s3), OPS_(a4, s4) } }
/* VEX/EVEX-only rows: the same, without F_LEG. */
#define V1(m, a1, s1, f)                                                                          \
    { .kind = X86_E_INSN, .mnem = X86_I_##m, .flags = (f) | OPF_(a1, s1), .nops = 1,              \
      .ops = { OPS_(a1, s1) } }
#define V2(m, a1, s1, a2, s2, f)                                                                  \
    { .kind = X86_E_INSN, .mnem = X86_I_##m, .flags = (f) | OPF_(a1, s1) | OPF_(a2, s2),          \
      .nops = 2, .ops = { OPS_(a1, s1), OPS_(a2, s2) } }
#define V3(m, a1, s1, a2, s2, a3, s3, f)                                                          \
    { .kind = X86_E_INSN, .mnem = X86_I_##m,                                                      \
      .flags = (f) | OPF_(a1, s1) | OPF_(a2, s2) | OPF_(a3, s3), .nops = 3,                       \
      .ops = { OPS_(a1, s1), OPS_(a2, s2), OPS_(a3, s3) } }
#define V4(m, a1, s1, a2, s2, a3, s3, a4, s4, f)                                                  \
    { .kind = X86_E_INSN, .mnem = X86_I_##m,                                                      \
      .flags = (f) | OPF_(a1, s1) | OPF_(a2, s2) | OPF_(a3, s3) | OPF_(a4, s4), .nops = 4,        \
      .ops = { OPS_(a1, s1), OPS_(a2, s2), OPS_(a3, s3), OPS_(a4, s4) } }
#define V0(m, f) { .kind = X86_E_INSN, .mnem = X86_I_##m, .flags = (f), .nops = 0 }

#define BAD { .kind = X86_E_NONE }
#define GRP(a, b, c, d, e, f, g, h)                                                               \
    { .kind = X86_E_GROUP, .sub = (const X86OpEntry[8]){ a, b, c, d, e, f, g, h } }
#define RM(a, b, c, d, e, f, g, h)                                                                \
    { .kind = X86_E_RM, .sub = (const X86OpEntry[8]){ a, b, c, d, e, f, g, h } }
#define MOD(mem, reg) { .kind = X86_E_MOD, .sub = (const X86OpEntry[2]){ mem, reg } }
#define PFX(none, p66, pf3, pf2)                                                                  \
    { .kind = X86_E_PREFIX, .sub = (const X86OpEntry[4]){ none, p66, pf3, pf2 } }
#define WSEL(w0, w1) { .kind = X86_E_W, .sub = (const X86OpEntry[2]){ w0, w1 } }
#define WSEL64(w0, w1) { .kind = X86_E_W64, .sub = (const X86OpEntry[2]){ w0, w1 } }
#define LSEL(l0, l1) { .kind = X86_E_L, .sub = (const X86OpEntry[2]){ l0, l1 } }
#define OSZ(o16, o32, o64) { .kind = X86_E_OSZ, .sub = (const X86OpEntry[3]){ o16, o32, o64 } }
#define ASZ(a16, a32, a64) { .kind = X86_E_ASZ, .sub = (const X86OpEntry[3]){ a16, a32, a64 } }
#define M64(legacy, long64) { .kind = X86_E_MODE64, .sub = (const X86OpEntry[2]){ legacy, long64 } }
#define ENC(leg, vex, evex) { .kind = X86_E_ENC, .sub = (const X86OpEntry[3]){ leg, vex, evex } }
#define LL3(l128, l256, l512) { .kind = X86_E_LL, .sub = (const X86OpEntry[3]){ l128, l256, l512 } }
#define R8(x) x, x, x, x, x, x, x, x

#endif
