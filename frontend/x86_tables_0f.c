/*
 * x86_tables_0f.c — the two-byte opcode map 0F xx (SDM Vol. 2D, Table A-3)
 * and its groups 6, 7, 8, 9, 12..16.
 *
 * One table serves legacy SSE, VEX and EVEX: a row lists the VEX operands
 * (V,x H,x W,x) and a legacy decode drops H (the destination is also the
 * first source). F_VEX / F_EVEX say which encodings are valid; EVEX rows that
 * differ (renamed by W, mask destinations) live in x86_tables_evex.c.
 * Notation: see the legend in x86_decode_internal.h.
 */
#include "frontend/x86_decode_internal.h"

#define VX (F_VEX | F_EVEX)
#define VL0 (F_VEX | F_EVEX | F_L0)

/* packed single / packed double / scalar single / scalar double arithmetic */
#define SSE4(PS_, PD_, SS_, SD_, er)                                                             \
    PFX(I3(PS_, V, x, H, x, W, x, VX | F_BCST | F_EW0 | er),                                     \
        I3(PD_, V, x, H, x, W, x, VX | F_BCST | F_EW1 | er),                                     \
        I3(SS_, V, dq, H, dq, W, ss, VX | F_EW0 | er), I3(SD_, V, dq, H, dq, W, sd, VX | F_EW1 | er))
#define SSE2P(ps, pd)                                                                            \
    PFX(I3(ps, V, x, H, x, W, x, VX | F_BCST | F_EW0), I3(pd, V, x, H, x, W, x, VX | F_BCST | F_EW1), \
        BAD, BAD)
/* MMX form without a prefix, SSE2/AVX form with 66 */
#define MX(m) PFX(I2(m, P, q, Q, q, 0), I3(m, V, x, H, x, W, x, VX | F_BCST), BAD, BAD)
/* shifts by a count in an MMX/XMM register or memory (always 64 bits used) */
#define MXC(m) PFX(I2(m, P, q, Q, q, 0), I3(m, V, x, H, x, W, dq, VX), BAD, BAD)
/* shifts by an immediate, groups 12..14 (register forms) */
#define SHI(m) PFX(I2(m, N, q, I, b, 0), I3(m, H, x, U, x, I, b, VX), BAD, BAD)
#define SHI66(m) PFX(BAD, I3(m, H, x, U, x, I, b, VX), BAD, BAD)
#define CMOV(m) I2(m, G, v, E, v, 0)
/* AVX-512 mask instructions (VEX, L1 for the two-source ones): the name's
 * suffix comes from the prefix and W: none W0 w, none W1 q, 66 W0 b, 66 W1 d */
#define KF (F_VEX | F_NOV)
#define KOP3(KB, KW, KD, KQ)                                                                     \
    PFX(WSEL(V3(KW, KG, q, KH, q, KR, q, KF | F_L1), V3(KQ, KG, q, KH, q, KR, q, KF | F_L1)),    \
        WSEL(V3(KB, KG, q, KH, q, KR, q, KF | F_L1), V3(KD, KG, q, KH, q, KR, q, KF | F_L1)),    \
        BAD, BAD)
#define KOP2(KB, KW, KD, KQ)                                                                     \
    PFX(WSEL(V2(KW, KG, q, KR, q, KF | F_L0), V2(KQ, KG, q, KR, q, KF | F_L0)),                  \
        WSEL(V2(KB, KG, q, KR, q, KF | F_L0), V2(KD, KG, q, KR, q, KF | F_L0)), BAD, BAD)
/* "NP" in the SDM's opcode column: 66, F2 and F3 are #UD, not ignored
 * (SDM Vol. 2A 3.1.1.1) */
#define NP(...)                                                                                  \
    { .kind = X86_E_PREFIX, .sub = (const X86OpEntry[4]){ __VA_ARGS__, BAD, BAD, BAD } }
#define JCCZ(m) I1(m, J, z, F_F64)
#define SETCC(m) I1(m, E, b, 0)
#define NOPEV I1(NOP, E, v, 0)

const X86OpEntry x86_map_0f[256] = {
    /* Group 6 */
    [0x00] = GRP(I1(SLDT, E, vw, 0), I1(STR, E, vw, 0), I1(LLDT, E, w, 0), I1(LTR, E, w, 0),
                 I1(VERR, E, w, 0), I1(VERW, E, w, 0), BAD, BAD),
    /* Group 7: descriptor tables in memory forms; the register forms are a
     * second-level map by ModRM.rm (SDM Table A-6 note). */
    [0x01] = MOD(GRP(I1(SGDT, M, s, 0), I1(SIDT, M, s, 0), I1(LGDT, M, s, 0), I1(LIDT, M, s, 0),
                     I1(SMSW, E, vw, 0), PFX(BAD, BAD, I1(RSTORSSP, M, q, 0), BAD),
                     I1(LMSW, E, w, 0), I1(INVLPG, M, b, 0)),
                 GRP(RM(NP(I0(ENCLV, 0)), I0(VMCALL, 0), I0(VMLAUNCH, 0), I0(VMRESUME, 0),
                        I0(VMXOFF, 0), NP(I0(PCONFIG, 0)), BAD, BAD),
                     RM(I0(MONITOR, 0), I0(MWAIT, 0), NP(I0(CLAC, 0)), NP(I0(STAC, 0)), BAD, BAD,
                        BAD, NP(I0(ENCLS, 0))),
                     RM(NP(I0(XGETBV, 0)), NP(I0(XSETBV, 0)), BAD, BAD, NP(I0(VMFUNC, 0)),
                        NP(I0(XEND, 0)), NP(I0(XTEST, 0)), NP(I0(ENCLU, 0))),
                     /* AMD SVM; Intel CPUs raise #UD (the CPU checks CPUID) */
                     RM(I0(VMRUN, 0), I0(VMMCALL, 0), I0(VMLOAD, 0), I0(VMSAVE, 0), I0(STGI, 0),
                        I0(CLGI, 0), I0(SKINIT, 0), I0(INVLPGA, 0)),
                     I1(SMSW, E, vw, 0),
                     RM(PFX(I0(SERIALIZE, 0), BAD, I0(SETSSBSY, 0), I0(XSUSLDTRK, 0)),
                        PFX(BAD, BAD, BAD, I0(XRESLDTRK, 0)),
                        PFX(BAD, BAD, I0(SAVEPREVSSP, 0), BAD), BAD, BAD, BAD, NP(I0(RDPKRU, 0)),
                        NP(I0(WRPKRU, 0))),
                     I1(LMSW, E, w, 0),
                     /* AMD: RDPRU, INVLPGB/TLBSYNC, SEV-SNP's RMPADJUST/RMPUPDATE,
                      * PSMASH/PVALIDATE; MONITORX/MWAITX with a prefix are #UD on
                      * Zen 4 (CLZERO and RDTSCP ignore it) */
                     RM(I0(SWAPGS, F_O64), I0(RDTSCP, 0), NP(I0(MONITORX, 0)), NP(I0(MWAITX, 0)),
                        I0(CLZERO, 0), I0(RDPRU, 0),
                        PFX(I0(INVLPGB, 0), BAD, I0(RMPADJUST, 0), I0(RMPUPDATE, 0)),
                        PFX(I0(TLBSYNC, 0), BAD, I0(PSMASH, 0), I0(PVALIDATE, 0))))),
    [0x02] = I2(LAR, G, v, E, zw, 0), /* r64, r32/m16 (SDM) */
    [0x03] = I2(LSL, G, v, E, zw, 0),
    [0x05] = I0(SYSCALL, 0),
    [0x06] = I0(CLTS, 0),
    [0x07] = I0(SYSRET, 0),
    [0x08] = I0(INVD, 0),
    /* WBINVD ignores 66 and F2 (checked on the host); F3 makes it WBNOINVD */
    [0x09] = PFX(I0(WBINVD, 0), I0(WBINVD, 0), I0(WBNOINVD, 0), I0(WBINVD, 0)),
    [0x0b] = I0(UD2, 0),
    /* 0F 0D: PREFETCHW /1, PREFETCHWT1 /2, the others AMD's PREFETCH (a
     * reserved NOP on Intel). Memory only: the register forms are #UD (SDM
     * Table A-3 lists "prefetchw(/1) Ev" without a register form; AMD APM
     * Vol. 3 PREFETCH; checked on the host, and QEMU raises #UD too). */
    [0x0d] = MOD(GRP(I1(PREFETCH, M, b, 0), I1(PREFETCHW, M, b, 0), I1(PREFETCHWT1, M, b, 0),
                     I1(PREFETCH, M, b, 0), I1(PREFETCH, M, b, 0), I1(PREFETCH, M, b, 0),
                     I1(PREFETCH, M, b, 0), I1(PREFETCH, M, b, 0)),
                 BAD),
    [0x10] = PFX(I2(MOVUPS, V, x, W, x, VX | F_EW0), I2(MOVUPD, V, x, W, x, VX | F_EW1),
                 MOD(I2(MOVSS, V, dq, M, ss, VX), I3(MOVSS, V, dq, H, dq, U, dq, VX)),
                 MOD(I2(MOVSD, V, dq, M, sd, VX), I3(MOVSD, V, dq, H, dq, U, dq, VX))),
    [0x11] = PFX(I2(MOVUPS, W, x, V, x, VX | F_EW0), I2(MOVUPD, W, x, V, x, VX | F_EW1),
                 MOD(I2(MOVSS, M, ss, V, dq, VX), I3(MOVSS, U, dq, H, dq, V, dq, VX)),
                 MOD(I2(MOVSD, M, sd, V, dq, VX), I3(MOVSD, U, dq, H, dq, V, dq, VX))),
    [0x12] = PFX(MOD(I3(MOVLPS, V, dq, H, dq, M, q, VL0), I3(MOVHLPS, V, dq, H, dq, U, dq, VL0)),
                 I3(MOVLPD, V, dq, H, dq, M, q, VL0), I2(MOVSLDUP, V, x, W, x, VX),
                 I2(MOVDDUP, V, x, W, xq, VX)),
    [0x13] = PFX(I2(MOVLPS, M, q, V, dq, VL0), I2(MOVLPD, M, q, V, dq, VL0), BAD, BAD),
    [0x14] = SSE2P(UNPCKLPS, UNPCKLPD),
    [0x15] = SSE2P(UNPCKHPS, UNPCKHPD),
    [0x16] = PFX(MOD(I3(MOVHPS, V, dq, H, dq, M, q, VL0), I3(MOVLHPS, V, dq, H, dq, U, dq, VL0)),
                 I3(MOVHPD, V, dq, H, dq, M, q, VL0), I2(MOVSHDUP, V, x, W, x, VX), BAD),
    [0x17] = PFX(I2(MOVHPS, M, q, V, dq, VL0), I2(MOVHPD, M, q, V, dq, VL0), BAD, BAD),
    /* Group 16 and the hint NOPs 19..1F (SDM: "NOP Ev", reserved for future
     * hints). F3 0F 1E FA/FB are CET's ENDBR64/ENDBR32, F3 0F 1E /1 RDSSP. */
    [0x18] = MOD(GRP(I1(PREFETCHNTA, M, b, 0), I1(PREFETCHT0, M, b, 0), I1(PREFETCHT1, M, b, 0),
                     I1(PREFETCHT2, M, b, 0), NOPEV, NOPEV, NOPEV, NOPEV),
                 NOPEV),
    [0x19] = NOPEV,
    [0x1a] = NOPEV,
    [0x1b] = NOPEV,
    [0x1c] = NOPEV,
    [0x1d] = NOPEV,
    [0x1e] = PFX(NOPEV, NOPEV,
                 MOD(NOPEV, GRP(NOPEV, WSEL(I1(RDSSPD, R, d, 0), I1(RDSSPQ, R, q, 0)), NOPEV,
                                NOPEV, NOPEV, NOPEV, NOPEV,
                                RM(NOPEV, NOPEV, I0(ENDBR64, 0), I0(ENDBR32, 0), NOPEV, NOPEV,
                                   NOPEV, NOPEV))),
                 NOPEV),
    [0x1f] = NOPEV,
    /* MOV to/from control and debug registers: mod is ignored (SDM MOV-CR) */
    [0x20] = I2(MOV, R, m, C, m, F_MOD3),
    [0x21] = I2(MOV, R, m, D, m, F_MOD3),
    [0x22] = I2(MOV, C, m, R, m, F_MOD3),
    [0x23] = I2(MOV, D, m, R, m, F_MOD3),
    [0x28] = PFX(I2(MOVAPS, V, x, W, x, VX | F_EW0), I2(MOVAPD, V, x, W, x, VX | F_EW1), BAD, BAD),
    [0x29] = PFX(I2(MOVAPS, W, x, V, x, VX | F_EW0), I2(MOVAPD, W, x, V, x, VX | F_EW1), BAD, BAD),
    [0x2a] = PFX(I2(CVTPI2PS, V, dq, Q, q, 0), I2(CVTPI2PD, V, dq, Q, q, 0),
                 I3(CVTSI2SS, V, dq, H, dq, E, y, VX | F_ER), I3(CVTSI2SD, V, dq, H, dq, E, y, VX | F_ER)),
    /* F3/F2: AMD's SSE4a MOVNTSS/MOVNTSD (AMD APM Vol. 4), memory only */
    [0x2b] = PFX(I2(MOVNTPS, M, x, V, x, VX), I2(MOVNTPD, M, x, V, x, VX),
                 I2(MOVNTSS, M, ss, V, dq, 0), I2(MOVNTSD, M, sd, V, dq, 0)),
    [0x2c] = PFX(I2(CVTTPS2PI, P, q, W, q, 0), I2(CVTTPD2PI, P, q, W, dq, 0),
                 I2(CVTTSS2SI, G, y, W, ss, VX | F_SAE), I2(CVTTSD2SI, G, y, W, sd, VX | F_SAE)),
    [0x2d] = PFX(I2(CVTPS2PI, P, q, W, q, 0), I2(CVTPD2PI, P, q, W, dq, 0),
                 I2(CVTSS2SI, G, y, W, ss, VX | F_ER), I2(CVTSD2SI, G, y, W, sd, VX | F_ER)),
    [0x2e] = PFX(I2(UCOMISS, V, dq, W, ss, VX | F_SAE), I2(UCOMISD, V, dq, W, sd, VX | F_SAE), BAD,
                 BAD),
    [0x2f] = PFX(I2(COMISS, V, dq, W, ss, VX | F_SAE), I2(COMISD, V, dq, W, sd, VX | F_SAE), BAD,
                 BAD),
    [0x30] = I0(WRMSR, 0),
    [0x31] = I0(RDTSC, 0),
    [0x32] = I0(RDMSR, 0),
    [0x33] = I0(RDPMC, 0),
    [0x34] = I0(SYSENTER, 0),
    [0x35] = I0(SYSEXIT, 0),
    [0x37] = I0(GETSEC, 0),
    /* 38 and 3A are the three-byte escapes */
    [0x40] = CMOV(CMOVO),
    [0x41] = ENC(CMOV(CMOVNO), KOP3(KANDB, KANDW, KANDD, KANDQ), BAD),
    [0x42] = ENC(CMOV(CMOVB), KOP3(KANDNB, KANDNW, KANDND, KANDNQ), BAD),
    [0x43] = CMOV(CMOVAE),
    [0x44] = ENC(CMOV(CMOVE), KOP2(KNOTB, KNOTW, KNOTD, KNOTQ), BAD),
    [0x45] = ENC(CMOV(CMOVNE), KOP3(KORB, KORW, KORD, KORQ), BAD),
    [0x46] = ENC(CMOV(CMOVBE), KOP3(KXNORB, KXNORW, KXNORD, KXNORQ), BAD),
    [0x47] = ENC(CMOV(CMOVA), KOP3(KXORB, KXORW, KXORD, KXORQ), BAD),
    [0x48] = CMOV(CMOVS), CMOV(CMOVNS),
    [0x4a] = ENC(CMOV(CMOVP), KOP3(KADDB, KADDW, KADDD, KADDQ), BAD),
    [0x4b] = ENC(CMOV(CMOVNP), PFX(WSEL(V3(KUNPCKWD, KG, q, KH, q, KR, q, KF | F_L1),
                                    V3(KUNPCKDQ, KG, q, KH, q, KR, q, KF | F_L1)),
                               V3(KUNPCKBW, KG, q, KH, q, KR, q, KF | F_L1), BAD, BAD), BAD),
    [0x4c] = CMOV(CMOVL), CMOV(CMOVGE), CMOV(CMOVLE), CMOV(CMOVG),
    [0x50] = PFX(I2(MOVMSKPS, G, d, U, x, F_VEX), I2(MOVMSKPD, G, d, U, x, F_VEX), BAD, BAD),
    [0x51] = PFX(I2(SQRTPS, V, x, W, x, VX | F_BCST | F_ER | F_EW0), I2(SQRTPD, V, x, W, x, VX | F_BCST | F_ER | F_EW1),
                 I3(SQRTSS, V, dq, H, dq, W, ss, VX | F_ER), I3(SQRTSD, V, dq, H, dq, W, sd, VX | F_ER)),
    [0x52] = PFX(I2(RSQRTPS, V, x, W, x, F_VEX), BAD, I3(RSQRTSS, V, dq, H, dq, W, ss, F_VEX),
                 BAD),
    [0x53] = PFX(I2(RCPPS, V, x, W, x, F_VEX), BAD, I3(RCPSS, V, dq, H, dq, W, ss, F_VEX), BAD),
    [0x54] = SSE2P(ANDPS, ANDPD),
    [0x55] = SSE2P(ANDNPS, ANDNPD),
    [0x56] = SSE2P(ORPS, ORPD),
    [0x57] = SSE2P(XORPS, XORPD),
    [0x58] = SSE4(ADDPS, ADDPD, ADDSS, ADDSD, F_ER),
    [0x59] = SSE4(MULPS, MULPD, MULSS, MULSD, F_ER),
    [0x5a] = PFX(I2(CVTPS2PD, V, x, W, h, VX | F_BCST | F_SAE),
                 I2(CVTPD2PS, V, h, W, x, VX | F_BCST | F_ER),
                 I3(CVTSS2SD, V, dq, H, dq, W, ss, VX | F_SAE),
                 I3(CVTSD2SS, V, dq, H, dq, W, sd, VX | F_ER)),
    [0x5b] = PFX(I2(CVTDQ2PS, V, x, W, x, VX | F_BCST | F_ER),
                 I2(CVTPS2DQ, V, x, W, x, VX | F_BCST | F_ER),
                 I2(CVTTPS2DQ, V, x, W, x, VX | F_BCST | F_SAE), BAD),
    [0x5c] = SSE4(SUBPS, SUBPD, SUBSS, SUBSD, F_ER),
    [0x5d] = SSE4(MINPS, MINPD, MINSS, MINSD, F_SAE),
    [0x5e] = SSE4(DIVPS, DIVPD, DIVSS, DIVSD, F_ER),
    [0x5f] = SSE4(MAXPS, MAXPD, MAXSS, MAXSD, F_SAE),
    [0x60] = MX(PUNPCKLBW), MX(PUNPCKLWD), MX(PUNPCKLDQ), MX(PACKSSWB),
    [0x64] = MX(PCMPGTB), MX(PCMPGTW), MX(PCMPGTD), MX(PACKUSWB),
    [0x68] = MX(PUNPCKHBW), MX(PUNPCKHWD), MX(PUNPCKHDQ), MX(PACKSSDW),
    [0x6c] = PFX(BAD, I3(PUNPCKLQDQ, V, x, H, x, W, x, VX), BAD, BAD),
    [0x6d] = PFX(BAD, I3(PUNPCKHQDQ, V, x, H, x, W, x, VX), BAD, BAD),
    [0x6e] = PFX(WSEL64(I2(MOVD, P, q, E, d, 0), I2(MOVQ, P, q, E, q, 0)),
                 WSEL64(I2(MOVD, V, dq, E, d, VL0), I2(MOVQ, V, dq, E, q, VL0)), BAD, BAD),
    [0x6f] = PFX(I2(MOVQ, P, q, Q, q, 0), I2(MOVDQA, V, x, W, x, F_VEX),
                 I2(MOVDQU, V, x, W, x, F_VEX), BAD),
    [0x70] = PFX(I3(PSHUFW, P, q, Q, q, I, b, 0), I3(PSHUFD, V, x, W, x, I, b, VX),
                 I3(PSHUFHW, V, x, W, x, I, b, VX), I3(PSHUFLW, V, x, W, x, I, b, VX)),
    /* Groups 12..14: shifts by immediate, register forms only */
    [0x71] = MOD(BAD, GRP(BAD, BAD, SHI(PSRLW), BAD, SHI(PSRAW), BAD, SHI(PSLLW), BAD)),
    [0x72] = MOD(BAD, GRP(BAD, BAD, SHI(PSRLD), BAD, SHI(PSRAD), BAD, SHI(PSLLD), BAD)),
    [0x73] = MOD(BAD, GRP(BAD, BAD, SHI(PSRLQ), SHI66(PSRLDQ), BAD, BAD, SHI(PSLLQ),
                          SHI66(PSLLDQ))),
    [0x74] = MX(PCMPEQB), MX(PCMPEQW), MX(PCMPEQD),
    [0x77] = PFX(ENC(I0(EMMS, 0), LSEL(V0(VZEROUPPER, F_VEX), V0(VZEROALL, F_VEX)), BAD), BAD,
                 BAD, BAD),
    /* VMX, and AMD's SSE4a EXTRQ/INSERTQ */
    [0x78] = PFX(I2(VMREAD, E, m, G, m, 0),
                 GRP(MOD(BAD, I3(EXTRQ, U, dq, I, b, I2, b, 0)), BAD, BAD, BAD, BAD, BAD, BAD, BAD),
                 BAD, MOD(BAD, I4(INSERTQ, V, dq, U, dq, I, b, I2, b, 0))),
    [0x79] = PFX(I2(VMWRITE, G, m, E, m, 0), MOD(BAD, I2(EXTRQ, V, dq, U, dq, 0)), BAD,
                 MOD(BAD, I2(INSERTQ, V, dq, U, dq, 0))),
    [0x7c] = PFX(BAD, I3(HADDPD, V, x, H, x, W, x, F_VEX), BAD, I3(HADDPS, V, x, H, x, W, x, F_VEX)),
    [0x7d] = PFX(BAD, I3(HSUBPD, V, x, H, x, W, x, F_VEX), BAD, I3(HSUBPS, V, x, H, x, W, x, F_VEX)),
    [0x7e] = PFX(WSEL64(I2(MOVD, E, d, P, q, 0), I2(MOVQ, E, q, P, q, 0)),
                 WSEL64(I2(MOVD, E, d, V, dq, VL0), I2(MOVQ, E, q, V, dq, VL0)),
                 I2(MOVQ, V, dq, W, q, VL0), BAD),
    [0x7f] = PFX(I2(MOVQ, Q, q, P, q, 0), I2(MOVDQA, W, x, V, x, F_VEX),
                 I2(MOVDQU, W, x, V, x, F_VEX), BAD),
    [0x80] = JCCZ(JO), JCCZ(JNO), JCCZ(JB), JCCZ(JAE), JCCZ(JE), JCCZ(JNE), JCCZ(JBE), JCCZ(JA),
    JCCZ(JS), JCCZ(JNS), JCCZ(JP), JCCZ(JNP), JCCZ(JL), JCCZ(JGE), JCCZ(JLE), JCCZ(JG),
    /* KMOV: none W0 w, none W1 q, 66 W0 b, 66 W1 d; from/to a GPR F2 W0 d, W1 q */
    [0x90] = ENC(SETCC(SETO),
                 PFX(WSEL(V2(KMOVW, KG, q, KE, w, KF | F_L0), V2(KMOVQ, KG, q, KE, q, KF | F_L0)),
                     WSEL(V2(KMOVB, KG, q, KE, b, KF | F_L0), V2(KMOVD, KG, q, KE, d, KF | F_L0)),
                     BAD, BAD),
                 BAD),
    [0x91] = ENC(SETCC(SETNO),
                 PFX(WSEL(V2(KMOVW, M, w, KG, q, KF | F_L0), V2(KMOVQ, M, q, KG, q, KF | F_L0)),
                     WSEL(V2(KMOVB, M, b, KG, q, KF | F_L0), V2(KMOVD, M, d, KG, q, KF | F_L0)),
                     BAD, BAD),
                 BAD),
    [0x92] = ENC(SETCC(SETB),
                 PFX(WSEL(V2(KMOVW, KG, q, R, d, KF | F_L0), BAD),
                     WSEL(V2(KMOVB, KG, q, R, d, KF | F_L0), BAD), BAD,
                     WSEL(V2(KMOVD, KG, q, R, d, KF | F_L0), V2(KMOVQ, KG, q, R, q, KF | F_L0))),
                 BAD),
    [0x93] = ENC(SETCC(SETAE),
                 PFX(WSEL(V2(KMOVW, G, d, KR, q, KF | F_L0), BAD),
                     WSEL(V2(KMOVB, G, d, KR, q, KF | F_L0), BAD), BAD,
                     WSEL(V2(KMOVD, G, d, KR, q, KF | F_L0), V2(KMOVQ, G, q, KR, q, KF | F_L0))),
                 BAD),
    [0x94] = SETCC(SETE), SETCC(SETNE), SETCC(SETBE), SETCC(SETA),
    [0x98] = ENC(SETCC(SETS), KOP2(KORTESTB, KORTESTW, KORTESTD, KORTESTQ), BAD),
    [0x99] = ENC(SETCC(SETNS), KOP2(KTESTB, KTESTW, KTESTD, KTESTQ), BAD),
    [0x9a] = SETCC(SETP), SETCC(SETNP), SETCC(SETL), SETCC(SETGE), SETCC(SETLE), SETCC(SETG),
    [0xa0] = I1(PUSH, FS, w, F_D64),
    [0xa1] = I1(POP, FS, w, F_D64),
    [0xa2] = I0(CPUID, 0),
    [0xa3] = I2(BT, E, v, G, v, 0),
    [0xa4] = I3(SHLD, E, v, G, v, I, b, 0),
    [0xa5] = I3(SHLD, E, v, G, v, CX, b, 0),
    [0xa8] = I1(PUSH, GS, w, F_D64),
    [0xa9] = I1(POP, GS, w, F_D64),
    [0xaa] = I0(RSM, 0),
    [0xab] = I2(BTS, E, v, G, v, F_LOCK),
    [0xac] = I3(SHRD, E, v, G, v, I, b, 0),
    [0xad] = I3(SHRD, E, v, G, v, CX, b, 0),
    /* Group 15: state save/restore and cache lines in memory forms, fences
     * and (with F3, 64-bit mode) the FSGSBASE instructions as registers. */
    [0xae] = MOD(PFX(GRP(WSEL(I1(FXSAVE, M, fx, 0), I1(FXSAVE64, M, fx, 0)),
                         WSEL(I1(FXRSTOR, M, fx, 0), I1(FXRSTOR64, M, fx, 0)),
                         I1(LDMXCSR, M, d, F_VEX | F_L0), I1(STMXCSR, M, d, F_VEX | F_L0),
                         WSEL(I1(XSAVE, M, xs, 0), I1(XSAVE64, M, xs, 0)),
                         WSEL(I1(XRSTOR, M, xs, 0), I1(XRSTOR64, M, xs, 0)),
                         WSEL(I1(XSAVEOPT, M, xs, 0), I1(XSAVEOPT64, M, xs, 0)),
                         I1(CLFLUSH, M, b, 0)),
                     GRP(BAD, BAD, BAD, BAD, BAD, BAD, I1(CLWB, M, b, 0), I1(CLFLUSHOPT, M, b, 0)),
                     GRP(BAD, BAD, BAD, BAD, I1(PTWRITE, E, y, 0), BAD, I1(CLRSSBSY, M, q, 0), BAD),
                     BAD),
                 PFX(GRP(BAD, BAD, BAD, BAD, BAD, I0(LFENCE, 0), I0(MFENCE, 0), I0(SFENCE, 0)),
                     GRP(BAD, BAD, BAD, BAD, BAD, BAD, I1(TPAUSE, R, d, 0), BAD),
                     GRP(I1(RDFSBASE, R, y, F_O64), I1(RDGSBASE, R, y, F_O64),
                         I1(WRFSBASE, R, y, F_O64), I1(WRGSBASE, R, y, F_O64),
                         I1(PTWRITE, E, y, 0), WSEL(I1(INCSSPD, R, d, 0), I1(INCSSPQ, R, q, 0)),
                         I1(UMONITOR, R, m, 0), BAD),
                     GRP(BAD, BAD, BAD, BAD, BAD, BAD, I1(UMWAIT, R, d, 0), BAD))),
    [0xaf] = I2(IMUL, G, v, E, v, 0),
    [0xb0] = I2(CMPXCHG, E, b, G, b, F_LOCK),
    [0xb1] = I2(CMPXCHG, E, v, G, v, F_LOCK),
    [0xb2] = I2(LSS, G, v, M, p, 0),
    [0xb3] = I2(BTR, E, v, G, v, F_LOCK),
    [0xb4] = I2(LFS, G, v, M, p, 0),
    [0xb5] = I2(LGS, G, v, M, p, 0),
    [0xb6] = I2(MOVZX, G, v, E, b, 0),
    [0xb7] = I2(MOVZX, G, v, E, w, 0),
    [0xb8] = PFX(BAD, BAD, I2(POPCNT, G, v, E, v, 0), BAD), /* no prefix: IA-64's JMPE */
    [0xb9] = I2(UD1, G, v, E, v, 0),
    /* Group 8 */
    [0xba] = GRP(BAD, BAD, BAD, BAD, I2(BT, E, v, I, b, 0), I2(BTS, E, v, I, b, F_LOCK),
                 I2(BTR, E, v, I, b, F_LOCK), I2(BTC, E, v, I, b, F_LOCK)),
    [0xbb] = I2(BTC, E, v, G, v, F_LOCK),
    [0xbc] = PFX(I2(BSF, G, v, E, v, 0), I2(BSF, G, v, E, v, 0), I2(TZCNT, G, v, E, v, 0),
                 I2(BSF, G, v, E, v, 0)),
    [0xbd] = PFX(I2(BSR, G, v, E, v, 0), I2(BSR, G, v, E, v, 0), I2(LZCNT, G, v, E, v, 0),
                 I2(BSR, G, v, E, v, 0)),
    [0xbe] = I2(MOVSX, G, v, E, b, 0),
    [0xbf] = I2(MOVSX, G, v, E, w, 0),
    [0xc0] = I2(XADD, E, b, G, b, F_LOCK),
    [0xc1] = I2(XADD, E, v, G, v, F_LOCK),
    [0xc2] = PFX(I4(CMPPS, V, x, H, x, W, x, I, b, VX), I4(CMPPD, V, x, H, x, W, x, I, b, VX),
                 I4(CMPSS, V, dq, H, dq, W, ss, I, b, VX), I4(CMPSD, V, dq, H, dq, W, sd, I, b, VX)),
    [0xc3] = PFX(I2(MOVNTI, M, y, G, y, 0), BAD, BAD, BAD),
    [0xc4] = PFX(I3(PINSRW, P, q, E, dw, I, b, 0), I4(PINSRW, V, dq, H, dq, E, dw, I, b, VL0),
                 BAD, BAD),
    [0xc5] = PFX(I3(PEXTRW, G, d, N, q, I, b, 0), I3(PEXTRW, G, d, U, dq, I, b, VL0), BAD, BAD),
    [0xc6] = PFX(I4(SHUFPS, V, x, H, x, W, x, I, b, VX), I4(SHUFPD, V, x, H, x, W, x, I, b, VX),
                 BAD, BAD),
    /* Group 9 */
    /* CMPXCHG8B/16B take F2/F3 (XACQUIRE/XRELEASE with LOCK); the XSAVE
     * forms are NP. RDRAND and RDSEED have 66 as their operand size, F2 and
     * F3 (NFx) are #UD unless F3 /7 (RDPID); checked on the host. */
    [0xc7] = MOD(GRP(BAD, WSEL(I1(CMPXCHG8B, M, q, F_LOCK), I1(CMPXCHG16B, M, dq, F_LOCK)), BAD,
                     NP(WSEL(I1(XRSTORS, M, xs, 0), I1(XRSTORS64, M, xs, 0))),
                     NP(WSEL(I1(XSAVEC, M, xs, 0), I1(XSAVEC64, M, xs, 0))),
                     NP(WSEL(I1(XSAVES, M, xs, 0), I1(XSAVES64, M, xs, 0))),
                     PFX(I1(VMPTRLD, M, q, 0), I1(VMCLEAR, M, q, 0), I1(VMXON, M, q, 0), BAD),
                     PFX(I1(VMPTRST, M, q, 0), BAD, BAD, BAD)),
                 GRP(BAD, BAD, BAD, BAD, BAD, BAD,
                     PFX(I1(RDRAND, R, v, 0), I1(RDRAND, R, v, 0), BAD, BAD),
                     PFX(I1(RDSEED, R, v, 0), I1(RDSEED, R, v, 0), I1(RDPID, R, m, 0), BAD))),
    [0xc8] = R8(I1(BSWAP, Z, v, 0)), /* 16-bit: result undefined (SDM BSWAP) */
    [0xd0] = PFX(BAD, I3(ADDSUBPD, V, x, H, x, W, x, F_VEX), BAD,
                 I3(ADDSUBPS, V, x, H, x, W, x, F_VEX)),
    [0xd1] = MXC(PSRLW), MXC(PSRLD), MXC(PSRLQ), MX(PADDQ), MX(PMULLW),
    [0xd6] = PFX(BAD, I2(MOVQ, W, q, V, dq, VL0), I2(MOVQ2DQ, V, dq, N, q, 0),
                 I2(MOVDQ2Q, P, q, U, dq, 0)),
    [0xd7] = PFX(I2(PMOVMSKB, G, d, N, q, 0), I2(PMOVMSKB, G, d, U, x, F_VEX), BAD, BAD),
    [0xd8] = MX(PSUBUSB), MX(PSUBUSW), MX(PMINUB), MX(PAND),
    [0xdc] = MX(PADDUSB), MX(PADDUSW), MX(PMAXUB), MX(PANDN),
    [0xe0] = MX(PAVGB), MXC(PSRAW), MXC(PSRAD), MX(PAVGW), MX(PMULHUW), MX(PMULHW),
    [0xe6] = PFX(BAD, I2(CVTTPD2DQ, V, h, W, x, VX | F_BCST | F_SAE),
                 I2(CVTDQ2PD, V, x, W, h, VX | F_BCST), I2(CVTPD2DQ, V, h, W, x, VX | F_BCST | F_ER)),
    [0xe7] = PFX(I2(MOVNTQ, M, q, P, q, 0), I2(MOVNTDQ, M, x, V, x, VX), BAD, BAD),
    [0xe8] = MX(PSUBSB), MX(PSUBSW), MX(PMINSW), MX(POR),
    [0xec] = MX(PADDSB), MX(PADDSW), MX(PMAXSW), MX(PXOR),
    [0xf0] = PFX(BAD, BAD, BAD, I2(LDDQU, V, x, M, x, F_VEX)),
    [0xf1] = MXC(PSLLW), MXC(PSLLD), MXC(PSLLQ), MX(PMULUDQ), MX(PMADDWD), MX(PSADBW),
    [0xf7] = PFX(I2(MASKMOVQ, P, q, N, q, 0), I2(MASKMOVDQU, V, dq, U, dq, F_VEX | F_L0), BAD,
                 BAD),
    [0xf8] = MX(PSUBB), MX(PSUBW), MX(PSUBD), MX(PSUBQ),
    [0xfc] = MX(PADDB), MX(PADDW), MX(PADDD),
    [0xff] = I2(UD0, G, v, E, v, 0),
};
