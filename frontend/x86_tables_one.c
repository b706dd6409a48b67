/*
 * x86_tables_one.c — the one-byte opcode map (SDM Vol. 2D, Table A-2) with
 * its groups (Table A-6) and the x87 escape opcodes D8..DF (A.4).
 *
 * Notation: see the legend in x86_decode_internal.h. Prefix bytes (26 2E 36
 * 3E 64 65 66 67 F0 F2 F3, REX 40..4F in 64-bit mode), the 0F escape and the
 * VEX/EVEX escapes (C4 C5 62) are consumed by the decoder before it looks
 * here; their rows hold the instruction they are outside those roles.
 */
#include "frontend/x86_decode_internal.h"

/* ALU pattern of 00..3D: op Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / rAX,Iz */
#define ALU6(m, lk)                                                                              \
    I2(m, E, b, G, b, lk), I2(m, E, v, G, v, lk), I2(m, G, b, E, b, 0), I2(m, G, v, E, v, 0),    \
        I2(m, AX, b, I, b, 0), I2(m, AX, v, I, z, 0)

/* Group 1 (80..83): ADD OR ADC SBB AND SUB XOR CMP */
#define GRP1(a, sa, b, sb)                                                                       \
    GRP(I2(ADD, a, sa, b, sb, F_LOCK), I2(OR, a, sa, b, sb, F_LOCK),                             \
        I2(ADC, a, sa, b, sb, F_LOCK), I2(SBB, a, sa, b, sb, F_LOCK),                            \
        I2(AND, a, sa, b, sb, F_LOCK), I2(SUB, a, sa, b, sb, F_LOCK),                            \
        I2(XOR, a, sa, b, sb, F_LOCK), I2(CMP, a, sa, b, sb, 0))

/* Group 2 (C0 C1 D0..D3): ROL ROR RCL RCR SHL SHR SAL SAR. /6 is an
 * undocumented alias of SHL that executes on every Intel and AMD CPU. */
#define GRP2(a, sa, b, sb)                                                                       \
    GRP(I2(ROL, a, sa, b, sb, 0), I2(ROR, a, sa, b, sb, 0), I2(RCL, a, sa, b, sb, 0),            \
        I2(RCR, a, sa, b, sb, 0), I2(SHL, a, sa, b, sb, 0), I2(SHR, a, sa, b, sb, 0),            \
        I2(SAL, a, sa, b, sb, 0), I2(SAR, a, sa, b, sb, 0))

/* Group 3 (F6 F7). /1 is an undocumented alias of TEST. */
#define GRP3(s, is)                                                                              \
    GRP(I2(TEST, E, s, I, is, 0), I2(TEST, E, s, I, is, 0), I1(NOT, E, s, F_LOCK),               \
        I1(NEG, E, s, F_LOCK), I1(MUL, E, s, 0), I1(IMUL, E, s, 0), I1(DIV, E, s, 0),            \
        I1(IDIV, E, s, 0))

/* x87 register forms: a 64-entry table by ModRM & 0x3f (mod = 11). */
#define REG64(...) { .kind = X86_E_REG64, .sub = (const X86OpEntry[64]){ __VA_ARGS__ } }
#define FPU8(m) R8(I2(m, ST0, t, STi, t, 0))    /* op st(0),st(i) */
#define FPU8R(m) R8(I2(m, STi, t, ST0, t, 0))   /* op st(i),st(0) */
#define FPU8S(m) R8(I1(m, STi, t, 0))           /* op st(i) */
#define FPUGRP(m0, m1, m2, m3, m4, m5, m6, m7, s)                                                \
    GRP(I1(m0, M, s, 0), I1(m1, M, s, 0), I1(m2, M, s, 0), I1(m3, M, s, 0),  \
        I1(m4, M, s, 0), I1(m5, M, s, 0), I1(m6, M, s, 0), I1(m7, M, s, 0))

/* D8: arithmetic with m32fp, or st(0),st(i) */
#define X87_D8                                                                                   \
    MOD(FPUGRP(FADD, FMUL, FCOM, FCOMP, FSUB, FSUBR, FDIV, FDIVR, d),                             \
        REG64(FPU8(FADD), FPU8(FMUL), FPU8S(FCOM), FPU8S(FCOMP), FPU8(FSUB), FPU8(FSUBR),         \
              FPU8(FDIV), FPU8(FDIVR)))

/* D9: loads/stores, control word/environment, and the constant/transcendental
 * register forms. D9 D8+i is the undocumented FSTP1 alias of FSTP st(i). */
#define X87_D9                                                                                   \
    MOD(GRP(I1(FLD, M, d, 0), BAD, I1(FST, M, d, 0), I1(FSTP, M, d, 0),            \
            I1(FLDENV, M, env, 0), I1(FLDCW, M, w, 0), I1(FNSTENV, M, env, 0),               \
            I1(FNSTCW, M, w, 0)),                                                          \
        REG64(FPU8S(FLD), FPU8S(FXCH), I0(FNOP, 0), BAD, BAD, BAD, BAD, BAD, BAD, BAD,            \
              FPU8S(FSTP), I0(FCHS, 0), I0(FABS, 0), BAD, BAD, I0(FTST, 0), I0(FXAM, 0), BAD,     \
              BAD, I0(FLD1, 0), I0(FLDL2T, 0), I0(FLDL2E, 0), I0(FLDPI, 0), I0(FLDLG2, 0),       \
              I0(FLDLN2, 0), I0(FLDZ, 0), BAD, I0(F2XM1, 0), I0(FYL2X, 0), I0(FPTAN, 0),          \
              I0(FPATAN, 0), I0(FXTRACT, 0), I0(FPREM1, 0), I0(FDECSTP, 0), I0(FINCSTP, 0),       \
              I0(FPREM, 0), I0(FYL2XP1, 0), I0(FSQRT, 0), I0(FSINCOS, 0), I0(FRNDINT, 0),         \
              I0(FSCALE, 0), I0(FSIN, 0), I0(FCOS, 0)))

#define X87_DA                                                                                   \
    MOD(FPUGRP(FIADD, FIMUL, FICOM, FICOMP, FISUB, FISUBR, FIDIV, FIDIVR, d),                     \
        REG64(FPU8(FCMOVB), FPU8(FCMOVE), FPU8(FCMOVBE), FPU8(FCMOVU), R8(BAD), BAD,             \
              I0(FUCOMPP, 0), BAD, BAD, BAD, BAD, BAD, BAD, R8(BAD), R8(BAD)))

/* DB E0/E1/E4 (FENI, FDISI, FSETPM) are 8087/287 leftovers that execute as
 * no-ops on later FPUs: FNENI / FNDISI / FNSETPM. */
#define X87_DB                                                                                   \
    MOD(GRP(I1(FILD, M, d, 0), I1(FISTTP, M, d, 0), I1(FIST, M, d, 0),            \
            I1(FISTP, M, d, 0), BAD, I1(FLD, M, t, 0), BAD, I1(FSTP, M, t, 0)),  \
        REG64(FPU8(FCMOVNB), FPU8(FCMOVNE), FPU8(FCMOVNBE), FPU8(FCMOVNU), I0(FNENI, 0),         \
              I0(FNDISI, 0), I0(FNCLEX, 0), I0(FNINIT, 0), I0(FNSETPM, 0), BAD, BAD, BAD,         \
              FPU8(FUCOMI), FPU8(FCOMI), R8(BAD)))

/* DC: m64fp, or st(i),st(0). DC D0+i / D8+i are undocumented FCOM/FCOMP. */
#define X87_DC                                                                                   \
    MOD(FPUGRP(FADD, FMUL, FCOM, FCOMP, FSUB, FSUBR, FDIV, FDIVR, q),                             \
        REG64(FPU8R(FADD), FPU8R(FMUL), FPU8S(FCOM), FPU8S(FCOMP), FPU8R(FSUBR), FPU8R(FSUB),    \
              FPU8R(FDIVR), FPU8R(FDIV)))

/* DD C8+i is the undocumented FXCH4 alias. */
#define X87_DD                                                                                   \
    MOD(GRP(I1(FLD, M, q, 0), I1(FISTTP, M, q, 0), I1(FST, M, q, 0),              \
            I1(FSTP, M, q, 0), I1(FRSTOR, M, st, 0), BAD, I1(FNSAVE, M, st, 0),              \
            I1(FNSTSW, M, w, 0)),                                                          \
        REG64(FPU8S(FFREE), FPU8S(FXCH), FPU8S(FST), FPU8S(FSTP), FPU8S(FUCOM), FPU8S(FUCOMP),   \
              R8(BAD), R8(BAD)))

/* DE D0+i is the undocumented FCOMP5 alias. */
#define X87_DE                                                                                   \
    MOD(FPUGRP(FIADD, FIMUL, FICOM, FICOMP, FISUB, FISUBR, FIDIV, FIDIVR, w),                     \
        REG64(FPU8R(FADDP), FPU8R(FMULP), FPU8S(FCOMP), BAD, I0(FCOMPP, 0), BAD, BAD, BAD, BAD,  \
              BAD, BAD, FPU8R(FSUBRP), FPU8R(FSUBP), FPU8R(FDIVRP), FPU8R(FDIVP)))

/* DF C0+i FFREEP, C8+i FXCH7, D0+i/D8+i FSTP8/FSTP9: undocumented aliases. */
#define X87_DF                                                                                   \
    MOD(GRP(I1(FILD, M, w, 0), I1(FISTTP, M, w, 0), I1(FIST, M, w, 0),            \
            I1(FISTP, M, w, 0), I1(FBLD, M, t, 0), I1(FILD, M, q, 0),             \
            I1(FBSTP, M, t, 0), I1(FISTP, M, q, 0)),                                  \
        REG64(FPU8S(FFREEP), FPU8S(FXCH), FPU8S(FSTP), FPU8S(FSTP), I1(FNSTSW, AX, w, 0), BAD,    \
              BAD, BAD, BAD, BAD, BAD, BAD, FPU8(FUCOMIP), FPU8(FCOMIP), R8(BAD)))

#define JCC(m) I1(m, J, b, F_F64)

const X86OpEntry x86_map_one[256] = {
    [0x00] = ALU6(ADD, F_LOCK),
    [0x06] = I1(PUSH, ES, w, F_I64),
    [0x07] = I1(POP, ES, w, F_I64),
    [0x08] = ALU6(OR, F_LOCK),
    [0x0e] = I1(PUSH, CS, w, F_I64),
    [0x0f] = BAD, /* two-byte escape */
    [0x10] = ALU6(ADC, F_LOCK),
    [0x16] = I1(PUSH, SS, w, F_I64),
    [0x17] = I1(POP, SS, w, F_I64),
    [0x18] = ALU6(SBB, F_LOCK),
    [0x1e] = I1(PUSH, DS, w, F_I64),
    [0x1f] = I1(POP, DS, w, F_I64),
    [0x20] = ALU6(AND, F_LOCK),
    [0x27] = I0(DAA, F_I64),
    [0x28] = ALU6(SUB, F_LOCK),
    [0x2f] = I0(DAS, F_I64),
    [0x30] = ALU6(XOR, F_LOCK),
    [0x37] = I0(AAA, F_I64),
    [0x38] = ALU6(CMP, 0),
    [0x3f] = I0(AAS, F_I64),
    /* 40..4F are REX in 64-bit mode */
    [0x40] = R8(I1(INC, Z, v, F_I64)),
    [0x48] = R8(I1(DEC, Z, v, F_I64)),
    [0x50] = R8(I1(PUSH, Z, v, F_D64)),
    [0x58] = R8(I1(POP, Z, v, F_D64)),
    [0x60] = OSZ(I0(PUSHA, F_I64), I0(PUSHAD, F_I64), BAD),
    [0x61] = OSZ(I0(POPA, F_I64), I0(POPAD, F_I64), BAD),
    [0x62] = I2(BOUND, G, v, M, a, F_I64), /* EVEX when ModRM.mod = 11 (or 64-bit) */
    [0x63] = M64(I2(ARPL, E, w, G, w, 0), I2(MOVSXD, G, v, E, d, 0)),
    [0x68] = I1(PUSH, I, z, F_D64),
    [0x69] = I3(IMUL, G, v, E, v, I, z, 0),
    [0x6a] = I1(PUSH, I, bs, F_D64),
    [0x6b] = I3(IMUL, G, v, E, v, I, bs, 0),
    [0x6c] = I2(INSB, Y, b, DX, w, F_STR),
    [0x6d] = OSZ(I2(INSW, Y, z, DX, w, F_STR), I2(INSD, Y, z, DX, w, F_STR),
                 I2(INSD, Y, z, DX, w, F_STR)),
    [0x6e] = I2(OUTSB, DX, w, X, b, F_STR),
    [0x6f] = OSZ(I2(OUTSW, DX, w, X, z, F_STR), I2(OUTSD, DX, w, X, z, F_STR),
                 I2(OUTSD, DX, w, X, z, F_STR)),
    [0x70] = JCC(JO), JCC(JNO), JCC(JB), JCC(JAE), JCC(JE), JCC(JNE), JCC(JBE), JCC(JA),
    [0x78] = JCC(JS), JCC(JNS), JCC(JP), JCC(JNP), JCC(JL), JCC(JGE), JCC(JLE), JCC(JG),
    [0x80] = GRP1(E, b, I, b),
    [0x81] = GRP1(E, v, I, z),
    [0x82] = M64(GRP1(E, b, I, b), BAD), /* alias of 80, invalid in 64-bit mode */
    [0x83] = GRP1(E, v, I, bs),
    [0x84] = I2(TEST, E, b, G, b, 0),
    [0x85] = I2(TEST, E, v, G, v, 0),
    [0x86] = I2(XCHG, E, b, G, b, F_LOCK),
    [0x87] = I2(XCHG, E, v, G, v, F_LOCK),
    [0x88] = I2(MOV, E, b, G, b, 0),
    [0x89] = I2(MOV, E, v, G, v, 0),
    [0x8a] = I2(MOV, G, b, E, b, 0),
    [0x8b] = I2(MOV, G, v, E, v, 0),
    [0x8c] = I2(MOV, E, vw, S, w, 0),
    /* objdump and Capstone show a register source at the operand size */
    [0x8d] = I2(LEA, G, v, M, 0, 0),
    [0x8e] = I2(MOV, S, w, E, vw, 0),
    /* Group 1A: only /0 is POP; the others are AMD's XOP escape. */
    [0x8f] = GRP(I1(POP, E, v, F_D64), BAD, BAD, BAD, BAD, BAD, BAD, BAD),
    /* 90 is NOP, F3 90 PAUSE; with REX.B it is XCHG r8,rAX (decoder). */
    [0x90] = PFX(I0(NOP, 0), I0(NOP, 0), I0(PAUSE, 0), I0(NOP, 0)),
    [0x91] = I2(XCHG, Z, v, AX, v, 0), I2(XCHG, Z, v, AX, v, 0), I2(XCHG, Z, v, AX, v, 0),
    I2(XCHG, Z, v, AX, v, 0), I2(XCHG, Z, v, AX, v, 0), I2(XCHG, Z, v, AX, v, 0),
    I2(XCHG, Z, v, AX, v, 0),
    [0x98] = OSZ(I0(CBW, 0), I0(CWDE, 0), I0(CDQE, 0)),
    [0x99] = OSZ(I0(CWD, 0), I0(CDQ, 0), I0(CQO, 0)),
    [0x9a] = I1(LCALL, A, p, F_I64),
    [0x9b] = I0(FWAIT, 0),
    [0x9c] = OSZ(I0(PUSHF, F_D64), I0(PUSHFD, F_D64), I0(PUSHFQ, F_D64)),
    [0x9d] = OSZ(I0(POPF, F_D64), I0(POPFD, F_D64), I0(POPFQ, F_D64)),
    [0x9e] = I0(SAHF, 0), /* 64-bit mode: needs CPUID LAHF-SAHF, the CPU checks */
    [0x9f] = I0(LAHF, 0),
    [0xa0] = I2(MOV, AX, b, O, b, 0),
    [0xa1] = I2(MOV, AX, v, O, v, 0),
    [0xa2] = I2(MOV, O, b, AX, b, 0),
    [0xa3] = I2(MOV, O, v, AX, v, 0),
    [0xa4] = I2(MOVSB, Y, b, X, b, F_STR),
    [0xa5] = OSZ(I2(MOVSW, Y, v, X, v, F_STR), I2(MOVSD, Y, v, X, v, F_STR),
                 I2(MOVSQ, Y, v, X, v, F_STR)),
    [0xa6] = I2(CMPSB, X, b, Y, b, F_STR | F_REPZ),
    [0xa7] = OSZ(I2(CMPSW, X, v, Y, v, F_STR | F_REPZ), I2(CMPSD, X, v, Y, v, F_STR | F_REPZ),
                 I2(CMPSQ, X, v, Y, v, F_STR | F_REPZ)),
    [0xa8] = I2(TEST, AX, b, I, b, 0),
    [0xa9] = I2(TEST, AX, v, I, z, 0),
    [0xaa] = I2(STOSB, Y, b, AX, b, F_STR),
    [0xab] = OSZ(I2(STOSW, Y, v, AX, v, F_STR), I2(STOSD, Y, v, AX, v, F_STR),
                 I2(STOSQ, Y, v, AX, v, F_STR)),
    [0xac] = I2(LODSB, AX, b, X, b, F_STR),
    [0xad] = OSZ(I2(LODSW, AX, v, X, v, F_STR), I2(LODSD, AX, v, X, v, F_STR),
                 I2(LODSQ, AX, v, X, v, F_STR)),
    [0xae] = I2(SCASB, AX, b, Y, b, F_STR | F_REPZ),
    [0xaf] = OSZ(I2(SCASW, AX, v, Y, v, F_STR | F_REPZ), I2(SCASD, AX, v, Y, v, F_STR | F_REPZ),
                 I2(SCASQ, AX, v, Y, v, F_STR | F_REPZ)),
    [0xb0] = R8(I2(MOV, Z, b, I, b, 0)),
    [0xb8] = R8(I2(MOV, Z, v, I, v, 0)), /* the only 64-bit immediate (REX.W) */
    [0xc0] = GRP2(E, b, I, b),
    [0xc1] = GRP2(E, v, I, b),
    [0xc2] = I1(RET, I, w, F_F64),
    [0xc3] = I0(RET, F_F64),
    [0xc4] = I2(LES, G, z, M, p, F_I64), /* VEX3 in 64-bit mode or when mod = 11 */
    [0xc5] = I2(LDS, G, z, M, p, F_I64), /* VEX2 likewise */
    /* Group 11: MOV, and the TSX XABORT/XBEGIN at /7 with ModRM F8. */
    [0xc6] = GRP(I2(MOV, E, b, I, b, 0), BAD, BAD, BAD, BAD, BAD, BAD,
                 MOD(BAD, RM(I1(XABORT, I, b, 0), BAD, BAD, BAD, BAD, BAD, BAD, BAD))),
    [0xc7] = GRP(I2(MOV, E, v, I, z, 0), BAD, BAD, BAD, BAD, BAD, BAD,
                 MOD(BAD, RM(I1(XBEGIN, J, z, F_F64), BAD, BAD, BAD, BAD, BAD, BAD, BAD))),
    [0xc8] = I2(ENTER, I, w, I2, b, F_D64),
    [0xc9] = I0(LEAVE, F_D64),
    [0xca] = I1(LRET, I, w, 0),
    [0xcb] = I0(LRET, 0),
    [0xcc] = I0(INT3, 0),
    [0xcd] = I1(INT, I, b, 0),
    [0xce] = I0(INTO, F_I64),
    [0xcf] = OSZ(I0(IRET, 0), I0(IRETD, 0), I0(IRETQ, 0)),
    [0xd0] = GRP2(E, b, ONE, b),
    [0xd1] = GRP2(E, v, ONE, b),
    [0xd2] = GRP2(E, b, CX, b),
    [0xd3] = GRP2(E, v, CX, b),
    [0xd4] = I1(AAM, I, b, F_I64),
    [0xd5] = I1(AAD, I, b, F_I64),
    [0xd6] = I0(SALC, F_I64), /* undocumented: AL = CF ? 0xff : 0 */
    [0xd7] = I0(XLATB, 0),
    [0xd8] = X87_D8,
    [0xd9] = X87_D9,
    [0xda] = X87_DA,
    [0xdb] = X87_DB,
    [0xdc] = X87_DC,
    [0xdd] = X87_DD,
    [0xde] = X87_DE,
    [0xdf] = X87_DF,
    [0xe0] = I1(LOOPNE, J, b, F_F64),
    [0xe1] = I1(LOOPE, J, b, F_F64),
    [0xe2] = I1(LOOP, J, b, F_F64),
    [0xe3] = ASZ(I1(JCXZ, J, b, F_F64), I1(JECXZ, J, b, F_F64), I1(JRCXZ, J, b, F_F64)),
    [0xe4] = I2(IN, AX, b, I, b, 0),
    [0xe5] = I2(IN, AX, z, I, b, 0),
    [0xe6] = I2(OUT, I, b, AX, b, 0),
    [0xe7] = I2(OUT, I, b, AX, z, 0),
    [0xe8] = I1(CALL, J, z, F_F64),
    [0xe9] = I1(JMP, J, z, F_F64),
    [0xea] = I1(LJMP, A, p, F_I64),
    [0xeb] = I1(JMP, J, b, F_F64),
    [0xec] = I2(IN, AX, b, DX, w, 0),
    [0xed] = I2(IN, AX, z, DX, w, 0),
    [0xee] = I2(OUT, DX, w, AX, b, 0),
    [0xef] = I2(OUT, DX, w, AX, z, 0),
    [0xf1] = I0(INT1, 0), /* ICEBP */
    [0xf4] = I0(HLT, 0),
    [0xf5] = I0(CMC, 0),
    [0xf6] = GRP3(b, b),
    [0xf7] = GRP3(v, z),
    [0xf8] = I0(CLC, 0),
    [0xf9] = I0(STC, 0),
    [0xfa] = I0(CLI, 0),
    [0xfb] = I0(STI, 0),
    [0xfc] = I0(CLD, 0),
    [0xfd] = I0(STD, 0),
    /* Group 4 */
    [0xfe] = GRP(I1(INC, E, b, F_LOCK), I1(DEC, E, b, F_LOCK), BAD, BAD, BAD, BAD, BAD, BAD),
    /* Group 5 */
    [0xff] = GRP(I1(INC, E, v, F_LOCK), I1(DEC, E, v, F_LOCK), I1(CALL, E, v, F_F64),
                 I1(LCALL, M, p, 0), I1(JMP, E, v, F_F64), I1(LJMP, M, p, 0),
                 I1(PUSH, E, v, F_D64), BAD),
};
