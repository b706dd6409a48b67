/*
 * x86_decode.h — the guest instruction decoder and its Intel-syntax printer.
 *
 * The decoder turns up to 15 bytes of guest code into an X86Insn: an
 * instruction id, up to four operands, the one memory form, immediates, the
 * prefixes and the length. It is table driven (frontend/x86_tables_*.c hold the
 * opcode maps in the SDM's operand notation) and covers 16-, 32- and 64-bit
 * code, legacy, VEX and EVEX encodings. It never reads past the buffer it is
 * given and never fails on the host: an encoding the hardware rejects comes
 * back as a status (#UD, #GP) for the CPU to raise.
 *
 * This is the only header other folders include for decoding.
 */
#ifndef RX86_FRONTEND_X86_DECODE_H
#define RX86_FRONTEND_X86_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* The longest legal instruction (SDM Vol. 2A 2.3.11): longer ones are #GP(0). */
#define X86_MAX_INSN_LEN 15
#define X86_MAX_OPS 4

typedef enum X86Mode {
    X86_MODE_16 = 0, /* real mode, or a 16-bit code segment */
    X86_MODE_32 = 1, /* 32-bit code segment (CS.D = 1) */
    X86_MODE_64 = 2, /* 64-bit code segment (CS.L = 1) */
} X86Mode;

/* What the decoder found. Everything but X86_DEC_TRUNCATED has a length. */
typedef enum X86DecodeStatus {
    X86_DEC_OK = 0,    /* a valid instruction */
    X86_DEC_UD,        /* the hardware raises #UD for this encoding */
    X86_DEC_GP,        /* longer than 15 bytes: #GP(0) (SDM Vol. 2A 2.3.11) */
    X86_DEC_TRUNCATED, /* the buffer ends inside the instruction: fetch more */
} X86DecodeStatus;

/* Instruction ids: X86_I_ADD, X86_I_ADDPS, ... from x86_mnemonics.h. One id
 * covers the legacy, VEX and EVEX forms of an operation (ADDPS is also
 * vaddps); X86Insn.encoding tells them apart. */
#define X86_MNEM(name) X86_I_##name,
typedef enum X86Mnem {
#include "frontend/x86_mnemonics.h"
    X86_I_COUNT
} X86Mnem;
#undef X86_MNEM

/* Registers, one byte each. Ranges within a class are contiguous in
 * hardware numbering, so X86_R_EAX + n is register n. */
typedef enum X86Reg {
    X86_R_NONE = 0,
    /* 8-bit with the REX numbering: al cl dl bl spl bpl sil dil r8b..r15b */
    X86_R_AL, X86_R_CL, X86_R_DL, X86_R_BL, X86_R_SPL, X86_R_BPL, X86_R_SIL, X86_R_DIL,
    X86_R_R8B, X86_R_R9B, X86_R_R10B, X86_R_R11B, X86_R_R12B, X86_R_R13B, X86_R_R14B, X86_R_R15B,
    /* the legacy high-byte registers, numbers 4..7 without REX */
    X86_R_AH, X86_R_CH, X86_R_DH, X86_R_BH,
    X86_R_AX, X86_R_CX, X86_R_DX, X86_R_BX, X86_R_SP, X86_R_BP, X86_R_SI, X86_R_DI,
    X86_R_R8W, X86_R_R9W, X86_R_R10W, X86_R_R11W, X86_R_R12W, X86_R_R13W, X86_R_R14W, X86_R_R15W,
    X86_R_EAX, X86_R_ECX, X86_R_EDX, X86_R_EBX, X86_R_ESP, X86_R_EBP, X86_R_ESI, X86_R_EDI,
    X86_R_R8D, X86_R_R9D, X86_R_R10D, X86_R_R11D, X86_R_R12D, X86_R_R13D, X86_R_R14D, X86_R_R15D,
    X86_R_RAX, X86_R_RCX, X86_R_RDX, X86_R_RBX, X86_R_RSP, X86_R_RBP, X86_R_RSI, X86_R_RDI,
    X86_R_R8, X86_R_R9, X86_R_R10, X86_R_R11, X86_R_R12, X86_R_R13, X86_R_R14, X86_R_R15,
    X86_R_IP, X86_R_EIP, X86_R_RIP, /* bases of IP-relative memory */
    X86_R_ES, X86_R_CS, X86_R_SS, X86_R_DS, X86_R_FS, X86_R_GS,
    X86_R_CR0, X86_R_CR15 = X86_R_CR0 + 15,
    X86_R_DR0, X86_R_DR15 = X86_R_DR0 + 15,
    X86_R_ST0, X86_R_ST7 = X86_R_ST0 + 7,
    X86_R_MM0, X86_R_MM7 = X86_R_MM0 + 7,
    X86_R_XMM0, X86_R_XMM31 = X86_R_XMM0 + 31,
    X86_R_YMM0, X86_R_YMM31 = X86_R_YMM0 + 31,
    X86_R_ZMM0, X86_R_ZMM31 = X86_R_ZMM0 + 31,
    X86_R_K0, X86_R_K7 = X86_R_K0 + 7,
    X86_R_COUNT
} X86Reg;

typedef enum X86OperandKind {
    X86_OPND_NONE = 0,
    X86_OPND_REG, /* .reg */
    X86_OPND_MEM, /* X86Insn.mem */
    X86_OPND_IMM, /* X86Insn.imm (the second immediate of ENTER/EXTRQ: imm2) */
    X86_OPND_IMM2,
    X86_OPND_REL, /* branch target = address of next instruction + X86Insn.imm */
    X86_OPND_FAR, /* far pointer: selector X86Insn.imm2, offset X86Insn.imm */
} X86OperandKind;

/* A string operand (MOVS, STOS ... the SDM's X and Y) is X86_OPND_MEM with
 * .reg the pointer register (rSI or rDI at the address size); its segment is
 * ES for rDI and X86Insn.mem.seg for rSI. Other memory operands have
 * .reg = X86_R_NONE and use X86Insn.mem. The shift count 1 of D0..D3 is an
 * X86_OPND_IMM whose value is in X86Insn.imm like any immediate. */
typedef struct X86Operand {
    uint8_t kind;  /* X86OperandKind */
    uint8_t reg;   /* X86Reg for X86_OPND_REG, pointer register for strings */
    uint16_t size; /* bytes read or written; 0 when it has none (LEA, NOP) */
} X86Operand;

/* The memory form of the (single) ModRM, moffs or string memory operand. */
typedef struct X86Mem {
    uint8_t seg;       /* effective segment, X86_R_ES..X86_R_GS */
    uint8_t base;      /* X86Reg or NONE; X86_R_RIP/EIP for RIP-relative */
    uint8_t index;     /* X86Reg or NONE; a vector register for VSIB */
    uint8_t scale;     /* 1, 2, 4 or 8 */
    uint8_t addr_size; /* 2, 4 or 8 */
    uint8_t disp_size; /* bytes of displacement encoded: 0, 1, 2, 4 or 8 */
    int64_t disp;      /* sign-extended (EVEX disp8 already scaled by N) */
} X86Mem;

/* Prefix and encoding flags, X86Insn.prefixes. */
enum {
    X86_PFX_LOCK = 1u << 0,
    X86_PFX_REP = 1u << 1,   /* F3 present (REP/REPE, or a mandatory prefix) */
    X86_PFX_REPNE = 1u << 2, /* F2 present */
    X86_PFX_OPSIZE = 1u << 3,
    X86_PFX_ADSIZE = 1u << 4,
    X86_PFX_SEG = 1u << 5, /* a segment override; X86Insn.seg_override */
    X86_PFX_REX = 1u << 6, /* X86Insn.rex holds the byte */
    X86_PFX_VEX = 1u << 7,
    X86_PFX_EVEX = 1u << 8,
    X86_PFX_EVEX_Z = 1u << 9,  /* zeroing-masking */
    X86_PFX_EVEX_B = 1u << 10, /* broadcast, or with registers rounding/SAE */
};

typedef enum X86Encoding {
    X86_ENC_LEGACY = 0,
    X86_ENC_VEX,
    X86_ENC_EVEX,
} X86Encoding;

typedef enum X86Map {
    X86_MAP_ONE = 0, /* one-byte opcodes */
    X86_MAP_0F,
    X86_MAP_0F38,
    X86_MAP_0F3A,
    X86_MAP_5, /* EVEX map 5 (AVX512-FP16; SDM Vol. 2A 2.7.1, EVEX.mmm) */
    X86_MAP_6, /* EVEX map 6 (AVX512-FP16) */
} X86Map;

struct X86OpEntry; /* the table row, frontend/x86_decode_internal.h */

typedef struct X86Insn {
    uint16_t mnem;      /* X86Mnem */
    uint8_t status;     /* X86DecodeStatus */
    uint8_t length;     /* bytes, when status != X86_DEC_TRUNCATED */
    uint8_t mode;       /* X86Mode it was decoded in */
    uint8_t op_size;    /* effective operand size: 2, 4 or 8 */
    uint8_t addr_size;  /* effective address size: 2, 4 or 8 */
    uint8_t nops;       /* operands in ops[] */
    uint32_t prefixes;  /* X86_PFX_* */
    uint8_t seg_override; /* X86_R_ES..GS, or NONE */
    uint8_t rex;        /* the REX byte in effect, or 0 */
    uint8_t encoding;   /* X86Encoding */
    uint8_t map;        /* X86Map */
    uint8_t opcode;     /* the opcode byte within its map */
    uint8_t modrm;      /* valid when has_modrm */
    uint8_t has_modrm;
    uint8_t imm_size;   /* bytes of the (first) immediate or displacement */
    /* VEX/EVEX fields (0 for legacy) */
    uint8_t vex_l;      /* vector length: 0 = 128, 1 = 256, 2 = 512 */
    uint8_t vex_w;      /* VEX/EVEX.W, or REX.W */
    uint8_t vex_v;      /* vvvv (and V'), the register number */
    uint8_t evex_aaa;   /* opmask register k0..k7; 0 = no masking */
    uint8_t evex_rc;    /* rounding control when EVEX.b on a register form */
    uint16_t imm2;      /* ENTER's second immediate, or a far selector */
    int64_t imm;        /* immediate (sign-extended as the instruction uses
                         * it), branch displacement, or moffs offset */
    X86Mem mem;
    X86Operand ops[X86_MAX_OPS];
    const struct X86OpEntry *row; /* the opcode-table row: operand specs */
} X86Insn;

/*
 * Decode one instruction from code[0..avail). mode selects 16/32/64-bit code.
 * Returns the status, also stored in insn->status. X86_DEC_OK means the
 * encoding is valid in that mode; what the decoder cannot know stays with
 * the CPU: CPUID feature checks (an AVX-512 row decodes even if the model
 * lacks AVX-512), CPL and CR checks, and VEX/EVEX in real or virtual-8086
 * mode (#UD; see insn->encoding). On X86_DEC_TRUNCATED the
 * bytes available were not enough (and fewer than 15): nothing else in insn
 * is meaningful. On X86_DEC_UD and X86_DEC_GP, insn->length says how far the
 * decoder got (the CPU raises the fault at the instruction's start). Never
 * reads code[avail] or beyond.
 */
X86DecodeStatus x86_decode(X86Insn *restrict insn, const uint8_t *restrict code, size_t avail,
                           X86Mode mode);

/* The instruction-set extension an instruction needs, so the CPU can raise
 * #UD for what its CPUID does not report (SDM Vol. 2A 2.4 and each
 * instruction's "CPUID Feature Flag"). One value per instruction: VEX forms
 * of SSE instructions report AVX (or AVX2 for 256-bit integer), all EVEX
 * forms AVX512 (the subsets F/BW/DQ/VL/CD/ER... are not told apart yet),
 * VEX-encoded AES/GFNI forms the crypto extension (AVX is implied). */
typedef enum X86Isa {
    X86_ISA_BASE,
    X86_ISA_X87,
    X86_ISA_FCMOV,
    X86_ISA_CMOV,
    X86_ISA_CX8,
    X86_ISA_CX16,
    X86_ISA_MSR,
    X86_ISA_TSC,
    X86_ISA_SYSCALL,
    X86_ISA_SEP,
    X86_ISA_FXSR,
    X86_ISA_MMX,
    X86_ISA_SSE,
    X86_ISA_SSE2,
    X86_ISA_SSE3,
    X86_ISA_SSSE3,
    X86_ISA_SSE41,
    X86_ISA_SSE42,
    X86_ISA_SSE4A,
    X86_ISA_POPCNT,
    X86_ISA_LZCNT,
    X86_ISA_AES,
    X86_ISA_PCLMUL,
    X86_ISA_SHA,
    X86_ISA_GFNI,
    X86_ISA_AVX,
    X86_ISA_AVX2,
    X86_ISA_FMA,
    X86_ISA_F16C,
    X86_ISA_AVXVNNI,
    X86_ISA_AVX512,
    X86_ISA_VAES,
    X86_ISA_VPCLMULQDQ,
    X86_ISA_BMI1,
    X86_ISA_BMI2,
    X86_ISA_ADX,
    X86_ISA_MOVBE,
    X86_ISA_RDRAND,
    X86_ISA_RDSEED,
    X86_ISA_FSGSBASE,
    X86_ISA_XSAVE,
    X86_ISA_XSAVEOPT,
    X86_ISA_XSAVEC,
    X86_ISA_XSAVES,
    X86_ISA_CET,
    X86_ISA_VMX,
    X86_ISA_SVM,
    X86_ISA_SGX,
    X86_ISA_SMX,
    X86_ISA_RTM,
    X86_ISA_TSXLDTRK,
    X86_ISA_RDTSCP,
    X86_ISA_RDPID,
    X86_ISA_PKU,
    X86_ISA_SMAP,
    X86_ISA_CLWB,
    X86_ISA_CLFLUSHOPT,
    X86_ISA_PREFETCHW,
    X86_ISA_PREFETCHWT1,
    X86_ISA_MONITORX,
    X86_ISA_CLZERO,
    X86_ISA_RDPRU,
    X86_ISA_INVLPGB,
    X86_ISA_SNP,
    X86_ISA_SERIALIZE,
    X86_ISA_WBNOINVD,
    X86_ISA_PTWRITE,
    X86_ISA_WAITPKG,
    X86_ISA_MOVDIRI,
    X86_ISA_MOVDIR64B,
    X86_ISA_ENQCMD,
    X86_ISA_AMX,
    X86_ISA_PCONFIG,
    X86_ISA_INVPCID,
    X86_ISA_COUNT
} X86Isa;

X86Isa x86_insn_isa(const X86Insn *insn);
const char *x86_isa_name(unsigned isa);

/* Intel-syntax text of insn, objdump style ("mov    eax,DWORD PTR [rbp-0x14]").
 * pc is the instruction's address (for branch targets and RIP-relative
 * comments). Writes at most len bytes including the NUL; returns the length
 * the full text has (like snprintf). An invalid instruction prints "(bad)". */
size_t x86_format(const X86Insn *insn, uint64_t pc, char *buf, size_t len);

/* Names: the id as spelled in x86_mnemonics.h ("ADD", "ADDPS"; the printer
 * lower-cases it and adds the "v" of VEX/EVEX forms), and the register as
 * printed ("eax", "xmm3", "st(1)"). "?" for values out of range. */
const char *x86_mnem_name(unsigned mnem);
const char *x86_reg_name(unsigned reg);

#endif
