/*
 * x64_emit.h — writing x86-64 machine code: the assembler buffer, labels
 * with a relocation list, and encoders named by operand shape.
 *
 * An X64Asm writes into a window of the code buffer's read-write view.
 * Running out of space sets a sticky overflow flag instead of failing each
 * call; the code generator checks it once per TB (BACKEND_GEN_FULL).
 * Labels are positions bound once; jumps to a label not yet bound are
 * recorded and patched by x64_resolve_labels, which reports a displacement
 * that does not fit rather than truncating it.
 *
 * Opcodes are 32-bit values: the opcode byte in bits 0-7 plus P_* flags for
 * the escape byte, mandatory prefixes and REX.W, in the style of the
 * SDM's opcode tables (OPC_MOV_EvGv is "MOV Ev, Gv", 89 /r).
 */
#ifndef RX86_BACKEND_X86_X64_EMIT_H
#define RX86_BACKEND_X86_X64_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Host registers, hardware numbering (SDM Vol. 2A 2.1.5, REX extends to 16). */
typedef enum X64Reg {
    X64_RAX,
    X64_RCX,
    X64_RDX,
    X64_RBX,
    X64_RSP,
    X64_RBP,
    X64_RSI,
    X64_RDI,
    X64_R8,
    X64_R9,
    X64_R10,
    X64_R11,
    X64_R12,
    X64_R13,
    X64_R14,
    X64_R15,
    X64_NO_REG = -1,
} X64Reg;

/* Opcode flags. */
#define P_EXT 0x100      /* 0F escape */
#define P_DATA16 0x200   /* 66: 16-bit operand size */
#define P_F3 0x400       /* F3 mandatory prefix (LZCNT, TZCNT, POPCNT) */
#define P_REXW 0x800     /* REX.W: 64-bit operand size */
#define P_REXB_R 0x1000  /* ModRM.reg names a byte register: SPL..DIL need REX */
#define P_REXB_RM 0x2000 /* ModRM.rm names a byte register */

/* One-byte opcode map (SDM Vol. 2D A.3, Table A-2). */
#define OPC_ARITH_EvGv 0x01 /* ADD; the ALU group adds ext << 3 */
#define OPC_ARITH_GvEv 0x03
#define OPC_MOVSXD_GvEd 0x63
#define OPC_IMUL_GvEvIz 0x69
#define OPC_IMUL_GvEvIb 0x6b
#define OPC_Jcc_Jb 0x70
#define OPC_GRP1_EvIz 0x81
#define OPC_GRP1_EvIb 0x83
#define OPC_TEST_EvGv 0x85
#define OPC_MOV_EbGb (0x88 | P_REXB_R)
#define OPC_MOV_EvGv 0x89
#define OPC_MOV_GvEv 0x8b
#define OPC_LEA_GvM 0x8d
#define OPC_NOP 0x90
#define OPC_MOV_ZvIv 0xb8 /* B8+r: MOV r, imm32 (imm64 with REX.W) */
#define OPC_GRP2_EvIb 0xc1
#define OPC_RET 0xc3
#define OPC_MOV_EbIb (0xc6 | P_REXB_RM)
#define OPC_MOV_EvIz 0xc7
#define OPC_GRP2_Ev1 0xd1
#define OPC_GRP2_EvCL 0xd3
#define OPC_CALL_Jz 0xe8
#define OPC_JMP_Jz 0xe9
#define OPC_JMP_Jb 0xeb
#define OPC_GRP3_Ev 0xf7
#define OPC_GRP5_Ev 0xff
#define OPC_PUSH_Zv 0x50
#define OPC_POP_Zv 0x58
/* Two-byte map, 0F xx (SDM Vol. 2D A.3, Table A-3). */
#define OPC_CMOVcc_GvEv (0x40 | P_EXT)
#define OPC_Jcc_Jz (0x80 | P_EXT)
#define OPC_SETcc_Eb (0x90 | P_EXT | P_REXB_RM)
#define OPC_IMUL_GvEv (0xaf | P_EXT)
#define OPC_MOVZX_GvEb (0xb6 | P_EXT | P_REXB_RM)
#define OPC_MOVZX_GvEw (0xb7 | P_EXT)
#define OPC_POPCNT_GvEv (0xb8 | P_EXT | P_F3)
#define OPC_BSF_GvEv (0xbc | P_EXT)
#define OPC_TZCNT_GvEv (0xbc | P_EXT | P_F3)
#define OPC_BSR_GvEv (0xbd | P_EXT)
#define OPC_LZCNT_GvEv (0xbd | P_EXT | P_F3)
#define OPC_MOVSX_GvEb (0xbe | P_EXT | P_REXB_RM)
#define OPC_MOVSX_GvEw (0xbf | P_EXT)
#define OPC_BSWAP_Zv (0xc8 | P_EXT)

/* ModRM.reg extensions of the groups. */
enum { ARITH_ADD = 0, ARITH_OR = 1, ARITH_AND = 4, ARITH_SUB = 5, ARITH_XOR = 6, ARITH_CMP = 7 };
enum { SHIFT_ROL = 0, SHIFT_ROR = 1, SHIFT_SHL = 4, SHIFT_SHR = 5, SHIFT_SAR = 7 };
enum { EXT3_NOT = 2, EXT3_NEG = 3, EXT3_MUL = 4, EXT3_IMUL = 5 };
enum { EXT5_CALL_Ev = 2, EXT5_JMP_Ev = 4 };

/* Condition codes, the low nibble of Jcc/SETcc/CMOVcc (SDM Vol. 1 B.1). */
typedef enum X64Cond {
    X64_CC_O,
    X64_CC_NO,
    X64_CC_B,
    X64_CC_AE,
    X64_CC_E,
    X64_CC_NE,
    X64_CC_BE,
    X64_CC_A,
    X64_CC_S,
    X64_CC_NS,
    X64_CC_P,
    X64_CC_NP,
    X64_CC_L,
    X64_CC_GE,
    X64_CC_LE,
    X64_CC_G,
} X64Cond;

#define X64_NO_LABEL UINT32_MAX

typedef struct X64Reloc {
    uint32_t at; /* buffer offset of the displacement field */
    uint32_t label;
    uint8_t size; /* 1 or 4 bytes, relative to at + size */
} X64Reloc;

typedef struct X64Asm {
    uint8_t *buf;      /* the read-write view of the whole code buffer */
    const uint8_t *rx; /* its executable view (for call/jmp displacements) */
    size_t pos;        /* next byte, an offset in buf */
    size_t limit;      /* end of the writable window */
    bool overflow;     /* a write did not fit: the TB must be regenerated */
    bool oom;          /* the label or relocation table could not grow */
    uint32_t *labels;  /* bound position, or UINT32_MAX */
    uint32_t nlabels, labels_cap;
    X64Reloc *relocs;
    uint32_t nrelocs, relocs_cap;
} X64Asm;

/* Start writing at pos of buf (rx: the same bytes' executable address). */
void x64_asm_init(X64Asm *a, uint8_t *buf, const uint8_t *rx, size_t pos, size_t limit);
void x64_asm_destroy(X64Asm *a);

/* ---- raw bytes ---------------------------------------------------------- */

static inline bool x64_room(X64Asm *a, size_t n)
{
    if (a->limit - a->pos < n || a->pos > a->limit) {
        a->overflow = true;
        return false;
    }
    return true;
}
static inline void x64_put8(X64Asm *a, uint8_t v)
{
    if (x64_room(a, 1)) {
        a->buf[a->pos++] = v;
    }
}
static inline void x64_put16(X64Asm *a, uint16_t v)
{
    if (x64_room(a, 2)) {
        for (int i = 0; i < 2; i++) {
            a->buf[a->pos++] = (uint8_t)(v >> (8 * i));
        }
    }
}
static inline void x64_put32(X64Asm *a, uint32_t v)
{
    if (x64_room(a, 4)) {
        for (int i = 0; i < 4; i++) {
            a->buf[a->pos++] = (uint8_t)(v >> (8 * i));
        }
    }
}
static inline void x64_put64(X64Asm *a, uint64_t v)
{
    if (x64_room(a, 8)) {
        for (int i = 0; i < 8; i++) {
            a->buf[a->pos++] = (uint8_t)(v >> (8 * i));
        }
    }
}

static inline bool x64_fits_i8(int64_t v)
{
    return v == (int8_t)v;
}
static inline bool x64_fits_i32(int64_t v)
{
    return v == (int32_t)v;
}

/* ---- labels -------------------------------------------------------------- */

uint32_t x64_label_new(X64Asm *a);
void x64_label_bind(X64Asm *a, uint32_t label);
/* Patch every recorded reference. Returns false if a label is unbound or a
 * displacement does not fit its field. */
bool x64_resolve_labels(X64Asm *a);

/* ---- encoders by operand shape ------------------------------------------ */

/* Prefixes, REX and opcode; r, x, b are the registers REX.R/X/B extend. */
void x64_opc(X64Asm *a, uint32_t opc, int r, int x, int b);
/* opc with ModRM mod=11: register r, register rm. */
void x64_op_rr(X64Asm *a, uint32_t opc, int r, int rm);
/* opc with a memory operand [base + index * 2^shift + disp] (index -1: none). */
void x64_op_rm(X64Asm *a, uint32_t opc, int r, int base, int index, int shift, int32_t disp);

/* The common instructions. w64 selects the 64-bit operand size. */
void x64_mov_rr(X64Asm *a, bool w64, int d, int s);
/* d = imm; keep_flags forbids XOR for zero. i32 values are zero-extended. */
void x64_movi(X64Asm *a, bool w64, int d, uint64_t imm, bool keep_flags);
void x64_arith_rr(X64Asm *a, int ext, bool w64, int d, int s);
void x64_arith_ri(X64Asm *a, int ext, bool w64, int d, int32_t imm);
void x64_shift_ri(X64Asm *a, int ext, bool w64, int d, unsigned count);
void x64_shift_rcl(X64Asm *a, int ext, bool w64, int d);
void x64_grp3(X64Asm *a, int ext, bool w64, int r);
void x64_test_rr(X64Asm *a, bool w64, int r, int rm);
void x64_lea(X64Asm *a, bool w64, int d, int base, int index, int32_t disp);
void x64_setcc(X64Asm *a, X64Cond cc, int d);
void x64_cmov(X64Asm *a, X64Cond cc, bool w64, int d, int s);
/* Loads and stores of 1, 2, 4, 8 bytes. A load extends to w64 or 32 bits
 * (sign: movsx, else movzx/mov); a 4-byte signed load into 64 is movsxd. */
void x64_load(X64Asm *a, unsigned size, bool sign, bool w64, int d, int base, int index,
              int32_t disp);
void x64_store(X64Asm *a, unsigned size, int s, int base, int index, int32_t disp);
/* Store an immediate of size bytes (8: sign-extended imm32). */
void x64_store_imm(X64Asm *a, unsigned size, int32_t imm, int base, int32_t disp);
void x64_push(X64Asm *a, int r);
void x64_pop(X64Asm *a, int r);
void x64_ret(X64Asm *a);
void x64_mfence(X64Asm *a);
/* n bytes of the recommended multi-byte NOPs (SDM Vol. 2B NOP, Table 4-12). */
void x64_nops(X64Asm *a, unsigned n);

/* Jumps to labels: rel32 unless the label is bound and rel8 reaches it. */
void x64_jmp_label(X64Asm *a, uint32_t label);
void x64_jcc_label(X64Asm *a, X64Cond cc, uint32_t label);
/* Jcc rel8 to a label not yet bound, for short sequences; the distance is
 * checked when labels are resolved. */
void x64_jcc_label8(X64Asm *a, X64Cond cc, uint32_t label);
/* Always a rel32 jump, even to a near bound label. */
void x64_jmp_label32(X64Asm *a, uint32_t label);
/* call/jmp to an absolute executable address: rel32 when it reaches, else
 * through scratch (mov scratch, imm64; call/jmp scratch). */
void x64_call_abs(X64Asm *a, const void *target, int scratch);
void x64_jmp_abs(X64Asm *a, const void *target, int scratch);

#endif
