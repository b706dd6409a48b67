/*
 * x86_tables_evex.c — the EVEX (AVX-512) opcode maps 0F and 0F3A: AVX512F,
 * CD, BW, DQ, VL, VBMI2 (VPSHLD/VPSHRD), GFNI/VPCLMULQDQ and the FP16
 * rows that live in 0F3A. 0F38 is in x86_tables_evex_0f38.c, the FP16 maps
 * 5 and 6 in x86_tables_evex_fp16.c.
 *
 * Rows follow the SDM's EVEX opcode lines (Vol. 2, each instruction) and
 * were checked against GNU objdump 2.40 over every opcode, prefix, W and
 * length (tests/decoder/vs_objdump_evex.c) and, for the subsets an AMD
 * Zen 4 has, natively. Shorthands (EW0, BC, NOM, L128 ...): see
 * x86_tables_evex.h; operand letters: x86_decode_internal.h.
 */
#include "frontend/x86_tables_evex.h"

/* MOVSS/MOVSD: memory forms move one element, register forms merge */
#define MOVS(m, elem, w)                                                                         \
    MOD(E2(m, V, dq, M, elem, w), E3(m, V, dq, H, dq, U, dq, w))
#define MOVS_ST(m, elem, w)                                                                      \
    MOD(E2(m, M, elem, V, dq, w), E3(m, U, dq, H, dq, V, dq, w))
/* shifts by the count in an xmm register or m128 */
#define SHC(m, w) P66(E3(m, V, x, H, x, W, dq, w))
/* shifts by an immediate (groups 12..14): vvvv is the destination */
#define SHI(m, f) E3(m, H, x, W, x, I, b, f)

const X86OpEntry x86_evex_0f[256] = {
    [0x10] = PFX(E2(MOVUPS, V, x, W, x, EW0), E2(MOVUPD, V, x, W, x, EW1), MOVS(MOVSS, ss, EW0),
                 MOVS(MOVSD, sd, EW1)),
    [0x11] = PFX(E2(MOVUPS, W, x, V, x, EW0), E2(MOVUPD, W, x, V, x, EW1), MOVS_ST(MOVSS, ss, EW0),
                 MOVS_ST(MOVSD, sd, EW1)),
    [0x12] = PFX(L128(MOD(E3(MOVLPS, V, dq, H, dq, M, q, EW0 | NOM),
                          E3(MOVHLPS, V, dq, H, dq, U, dq, EW0 | NOM))),
                 L128(E3(MOVLPD, V, dq, H, dq, M, q, EW1 | NOM)), E2(MOVSLDUP, V, x, W, x, EW0),
                 E2(MOVDDUP, V, x, W, xq, EW1)),
    [0x13] = PFX(L128(E2(MOVLPS, M, q, V, dq, EW0 | NOM)), L128(E2(MOVLPD, M, q, V, dq, EW1 | NOM)),
                 BAD, BAD),
    [0x14] = PSPD3(UNPCKLPS, UNPCKLPD, BC),
    [0x15] = PSPD3(UNPCKHPS, UNPCKHPD, BC),
    [0x16] = PFX(L128(MOD(E3(MOVHPS, V, dq, H, dq, M, q, EW0 | NOM),
                          E3(MOVLHPS, V, dq, H, dq, U, dq, EW0 | NOM))),
                 L128(E3(MOVHPD, V, dq, H, dq, M, q, EW1 | NOM)), E2(MOVSHDUP, V, x, W, x, EW0),
                 BAD),
    [0x17] = PFX(L128(E2(MOVHPS, M, q, V, dq, EW0 | NOM)), L128(E2(MOVHPD, M, q, V, dq, EW1 | NOM)),
                 BAD, BAD),
    [0x28] = PFX(E2(MOVAPS, V, x, W, x, EW0), E2(MOVAPD, V, x, W, x, EW1), BAD, BAD),
    [0x29] = PFX(E2(MOVAPS, W, x, V, x, EW0), E2(MOVAPD, W, x, V, x, EW1), BAD, BAD),
    /* conversions from and to a general register (W: r/m32 or r/m64 in
     * 64-bit mode); a dword converts to a double exactly: no {er} */
    [0x2a] = PFX(BAD, BAD, E3(CVTSI2SS, V, dq, H, dq, E, y, F_ER | NOM),
                 WSEL64(E3(CVTSI2SD, V, dq, H, dq, E, d, NOM),
                        E3(CVTSI2SD, V, dq, H, dq, E, q, F_ER | NOM))),
    [0x2b] = PFX(E2(MOVNTPS, M, x, V, x, EW0 | NOM), E2(MOVNTPD, M, x, V, x, EW1 | NOM), BAD, BAD),
    [0x2c] = PFX(BAD, BAD, E2(CVTTSS2SI, G, y, W, ss, F_SAE | NOM),
                 E2(CVTTSD2SI, G, y, W, sd, F_SAE | NOM)),
    [0x2d] = PFX(BAD, BAD, E2(CVTSS2SI, G, y, W, ss, F_ER | NOM),
                 E2(CVTSD2SI, G, y, W, sd, F_ER | NOM)),
    [0x2e] = PFX(E2(UCOMISS, V, dq, W, ss, EW0 | F_SAE | NOM),
                 E2(UCOMISD, V, dq, W, sd, EW1 | F_SAE | NOM), BAD, BAD),
    [0x2f] = PFX(E2(COMISS, V, dq, W, ss, EW0 | F_SAE | NOM),
                 E2(COMISD, V, dq, W, sd, EW1 | F_SAE | NOM), BAD, BAD),
    [0x51] = PFX(E2(SQRTPS, V, x, W, x, BC | EW0 | F_ER), E2(SQRTPD, V, x, W, x, BC | EW1 | F_ER),
                 E3(SQRTSS, V, dq, H, dq, W, ss, EW0 | F_ER),
                 E3(SQRTSD, V, dq, H, dq, W, sd, EW1 | F_ER)),
    [0x54] = PSPD3(ANDPS, ANDPD, BC),
    [0x55] = PSPD3(ANDNPS, ANDNPD, BC),
    [0x56] = PSPD3(ORPS, ORPD, BC),
    [0x57] = PSPD3(XORPS, XORPD, BC),
    [0x58] = FP4(ADDPS, ADDPD, ADDSS, ADDSD, F_ER),
    [0x59] = FP4(MULPS, MULPD, MULSS, MULSD, F_ER),
    [0x5a] = PFX(E2(CVTPS2PD, V, x, W, h, BC | EW0 | F_SAE),
                 E2(CVTPD2PS, V, h, W, x, BC | EW1 | F_ER),
                 E3(CVTSS2SD, V, dq, H, dq, W, ss, EW0 | F_SAE),
                 E3(CVTSD2SS, V, dq, H, dq, W, sd, EW1 | F_ER)),
    [0x5b] = PFX(WSEL(E2(CVTDQ2PS, V, x, W, x, BC | F_ER), E2(VCVTQQ2PS, V, h, W, x, BC | F_ER)),
                 E2(CVTPS2DQ, V, x, W, x, BC | EW0 | F_ER),
                 E2(CVTTPS2DQ, V, x, W, x, BC | EW0 | F_SAE), BAD),
    [0x5c] = FP4(SUBPS, SUBPD, SUBSS, SUBSD, F_ER),
    [0x5d] = FP4(MINPS, MINPD, MINSS, MINSD, F_SAE),
    [0x5e] = FP4(DIVPS, DIVPD, DIVSS, DIVSD, F_ER),
    [0x5f] = FP4(MAXPS, MAXPD, MAXSS, MAXSD, F_SAE),
    [0x60] = BW3(PUNPCKLBW), BW3(PUNPCKLWD), D3(PUNPCKLDQ), BW3(PACKSSWB),
    [0x64] = KBW3(PCMPGTB), KBW3(PCMPGTW), KD3(PCMPGTD), BW3(PACKUSWB),
    [0x68] = BW3(PUNPCKHBW), BW3(PUNPCKHWD), D3(PUNPCKHDQ), D3(PACKSSDW),
    [0x6c] = Q3(PUNPCKLQDQ), Q3(PUNPCKHQDQ),
    /* W1 is MOVQ only in 64-bit mode (SDM MOVD/MOVQ) */
    [0x6e] = P66(L128(WSEL64(E2(MOVD, V, dq, E, d, NOM), E2(MOVQ, V, dq, E, q, NOM)))),
    [0x6f] = PFX(BAD, WSEL(E2(VMOVDQA32, V, x, W, x, 0), E2(VMOVDQA64, V, x, W, x, 0)),
                 WSEL(E2(VMOVDQU32, V, x, W, x, 0), E2(VMOVDQU64, V, x, W, x, 0)),
                 WSEL(E2(VMOVDQU8, V, x, W, x, 0), E2(VMOVDQU16, V, x, W, x, 0))),
    [0x70] = PFX(BAD, E3(PSHUFD, V, x, W, x, I, b, BC | EW0), E3(PSHUFHW, V, x, W, x, I, b, 0),
                 E3(PSHUFLW, V, x, W, x, I, b, 0)),
    /* groups 12..14: EVEX allows a memory source */
    [0x71] = P66(GRP(BAD, BAD, SHI(PSRLW, 0), BAD, SHI(PSRAW, 0), BAD, SHI(PSLLW, 0), BAD)),
    [0x72] = P66(GRP(WSEL(SHI(VPRORD, BC), SHI(VPRORQ, BC)), WSEL(SHI(VPROLD, BC), SHI(VPROLQ, BC)),
                     SHI(PSRLD, BC | EW0), BAD, WSEL(SHI(PSRAD, BC), SHI(VPSRAQ, BC)), BAD,
                     SHI(PSLLD, BC | EW0), BAD)),
    [0x73] = P66(GRP(BAD, BAD, SHI(PSRLQ, BC | EW1), SHI(PSRLDQ, 0), BAD, BAD, SHI(PSLLQ, BC | EW1),
                     SHI(PSLLDQ, 0))),
    [0x74] = KBW3(PCMPEQB), KBW3(PCMPEQW), KD3(PCMPEQD),
    [0x78] = PFX(WSEL(E2(VCVTTPS2UDQ, V, x, W, x, BC | F_SAE),
                      E2(VCVTTPD2UDQ, V, h, W, x, BC | F_SAE)),
                 WSEL(E2(VCVTTPS2UQQ, V, x, W, h, BC | F_SAE),
                      E2(VCVTTPD2UQQ, V, x, W, x, BC | F_SAE)),
                 E2(VCVTTSS2USI, G, y, W, ss, F_SAE | NOM),
                 E2(VCVTTSD2USI, G, y, W, sd, F_SAE | NOM)),
    [0x79] = PFX(WSEL(E2(VCVTPS2UDQ, V, x, W, x, BC | F_ER), E2(VCVTPD2UDQ, V, h, W, x, BC | F_ER)),
                 WSEL(E2(VCVTPS2UQQ, V, x, W, h, BC | F_ER), E2(VCVTPD2UQQ, V, x, W, x, BC | F_ER)),
                 E2(VCVTSS2USI, G, y, W, ss, F_ER | NOM), E2(VCVTSD2USI, G, y, W, sd, F_ER | NOM)),
    [0x7a] = PFX(BAD,
                 WSEL(E2(VCVTTPS2QQ, V, x, W, h, BC | F_SAE),
                      E2(VCVTTPD2QQ, V, x, W, x, BC | F_SAE)),
                 WSEL(E2(VCVTUDQ2PD, V, x, W, h, BC), E2(VCVTUQQ2PD, V, x, W, x, BC | F_ER)),
                 WSEL(E2(VCVTUDQ2PS, V, x, W, x, BC | F_ER),
                      E2(VCVTUQQ2PS, V, h, W, x, BC | F_ER))),
    [0x7b] = PFX(BAD,
                 WSEL(E2(VCVTPS2QQ, V, x, W, h, BC | F_ER), E2(VCVTPD2QQ, V, x, W, x, BC | F_ER)),
                 E3(VCVTUSI2SS, V, dq, H, dq, E, y, F_ER | NOM),
                 WSEL64(E3(VCVTUSI2SD, V, dq, H, dq, E, d, NOM),
                        E3(VCVTUSI2SD, V, dq, H, dq, E, q, F_ER | NOM))),
    [0x7e] = PFX(BAD, L128(WSEL64(E2(MOVD, E, d, V, dq, NOM), E2(MOVQ, E, q, V, dq, NOM))),
                 L128(E2(MOVQ, V, dq, W, q, EW1 | NOM)), BAD),
    [0x7f] = PFX(BAD, WSEL(E2(VMOVDQA32, W, x, V, x, 0), E2(VMOVDQA64, W, x, V, x, 0)),
                 WSEL(E2(VMOVDQU32, W, x, V, x, 0), E2(VMOVDQU64, W, x, V, x, 0)),
                 WSEL(E2(VMOVDQU8, W, x, V, x, 0), E2(VMOVDQU16, W, x, V, x, 0))),
    [0xc2] = PFX(E4(CMPPS, KG, q, H, x, W, x, I, b, BC | EW0 | F_SAE),
                 E4(CMPPD, KG, q, H, x, W, x, I, b, BC | EW1 | F_SAE),
                 E4(CMPSS, KG, q, H, dq, W, ss, I, b, EW0 | F_SAE),
                 E4(CMPSD, KG, q, H, dq, W, sd, I, b, EW1 | F_SAE)),
    [0xc4] = P66(L128(E4(PINSRW, V, dq, H, dq, E, dw, I, b, NOM))),
    [0xc5] = P66(L128(E3(PEXTRW, G, d, U, dq, I, b, NOM))),
    [0xc6] = PFX(E4(SHUFPS, V, x, H, x, W, x, I, b, BC | EW0),
                 E4(SHUFPD, V, x, H, x, W, x, I, b, BC | EW1), BAD, BAD),
    [0xd1] = SHC(PSRLW, 0), SHC(PSRLD, EW0), SHC(PSRLQ, EW1), Q3(PADDQ), BW3(PMULLW),
    [0xd6] = P66(L128(E2(MOVQ, W, q, V, dq, EW1 | NOM))),
    [0xd8] = BW3(PSUBUSB), BW3(PSUBUSW), BW3(PMINUB), DQ3(VPANDD, VPANDQ),
    [0xdc] = BW3(PADDUSB), BW3(PADDUSW), BW3(PMAXUB), DQ3(VPANDND, VPANDNQ),
    [0xe0] = BW3(PAVGB), SHC(PSRAW, 0),
    [0xe2] = P66(WSEL(E3(PSRAD, V, x, H, x, W, dq, 0), E3(VPSRAQ, V, x, H, x, W, dq, 0))),
    [0xe3] = BW3(PAVGW), BW3(PMULHUW), BW3(PMULHW),
    [0xe6] = PFX(BAD, E2(CVTTPD2DQ, V, h, W, x, BC | EW1 | F_SAE),
                 WSEL(E2(CVTDQ2PD, V, x, W, h, BC), E2(VCVTQQ2PD, V, x, W, x, BC | F_ER)),
                 E2(CVTPD2DQ, V, h, W, x, BC | EW1 | F_ER)),
    [0xe7] = P66(E2(MOVNTDQ, M, x, V, x, EW0 | NOM)),
    [0xe8] = BW3(PSUBSB), BW3(PSUBSW), BW3(PMINSW), DQ3(VPORD, VPORQ),
    [0xec] = BW3(PADDSB), BW3(PADDSW), BW3(PMAXSW), DQ3(VPXORD, VPXORQ),
    [0xf1] = SHC(PSLLW, 0), SHC(PSLLD, EW0), SHC(PSLLQ, EW1), Q3(PMULUDQ), BW3(PMADDWD),
    [0xf6] = P66(E3(PSADBW, V, x, H, x, W, x, NOM)),
    [0xf8] = BW3(PSUBB), BW3(PSUBW), D3(PSUBD), Q3(PSUBQ), BW3(PADDB), BW3(PADDW), D3(PADDD),
};

/* 66 rows with an imm8: V,x H,x W,x I,b */
#define IMM4(m, f) P66(E4(m, V, x, H, x, W, x, I, b, f))
/* 128-bit-lane inserts and extracts: W picks the element name */
#define INS(D_, Q_, part)                                                                        \
    WSEL(E4(D_, V, x, H, x, W, part, I, b, 0), E4(Q_, V, x, H, x, W, part, I, b, 0))
#define EXT(D_, Q_, part) WSEL(E3(D_, W, part, V, x, I, b, 0), E3(Q_, W, part, V, x, I, b, 0))
/* FP16 (NP) / single (66 W0) / double (66 W1) rows with an imm8, and
 * their scalar forms */
#define PHPSPD_I(PH_, PS_, PD_, f)                                                               \
    PFX(E3(PH_, V, x, W, x, I, b, BC16 | EW0 | (f)),                                             \
        WSEL(E3(PS_, V, x, W, x, I, b, BC | (f)), E3(PD_, V, x, W, x, I, b, BC | (f))), BAD, BAD)
#define SHSSSD_I(SH_, SS_, SD_, f)                                                               \
    PFX(E4(SH_, V, dq, H, dq, W, w, I, b, EW0 | (f)),                                            \
        WSEL(E4(SS_, V, dq, H, dq, W, ss, I, b, f), E4(SD_, V, dq, H, dq, W, sd, I, b, f)),   \
        BAD, BAD)

const X86OpEntry x86_evex_0f3a[256] = {
    [0x00] = P66(L256UP(E3(VPERMQ, V, x, W, x, I, b, BC | EW1))),
    [0x01] = P66(L256UP(E3(VPERMPD, V, x, W, x, I, b, BC | EW1))),
    [0x03] = DQ4I(VALIGND, VALIGNQ, BC),
    [0x04] = P66(E3(VPERMILPS, V, x, W, x, I, b, BC | EW0)),
    [0x05] = P66(E3(VPERMILPD, V, x, W, x, I, b, BC | EW1)),
    [0x08] = PFX(E3(VRNDSCALEPH, V, x, W, x, I, b, BC16 | EW0 | F_SAE),
                 E3(VRNDSCALEPS, V, x, W, x, I, b, BC | EW0 | F_SAE), BAD, BAD),
    [0x09] = P66(E3(VRNDSCALEPD, V, x, W, x, I, b, BC | EW1 | F_SAE)),
    [0x0a] = PFX(E4(VRNDSCALESH, V, dq, H, dq, W, w, I, b, EW0 | F_SAE),
                 E4(VRNDSCALESS, V, dq, H, dq, W, ss, I, b, EW0 | F_SAE), BAD, BAD),
    [0x0b] = P66(E4(VRNDSCALESD, V, dq, H, dq, W, sd, I, b, EW1 | F_SAE)),
    [0x0f] = IMM4(PALIGNR, 0),
    [0x14] = P66(L128(E3(PEXTRB, E, db, V, dq, I, b, NOM))),
    [0x15] = P66(L128(E3(PEXTRW, E, dw, V, dq, I, b, NOM))),
    [0x16] = P66(L128(WSEL64(E3(PEXTRD, E, d, V, dq, I, b, NOM),
                             E3(PEXTRQ, E, q, V, dq, I, b, NOM)))),
    [0x17] = P66(L128(E3(EXTRACTPS, E, d, V, dq, I, b, NOM))),
    [0x18] = P66(L256UP(INS(VINSERTF32X4, VINSERTF64X2, dq))),
    [0x19] = P66(L256UP(EXT(VEXTRACTF32X4, VEXTRACTF64X2, dq))),
    [0x1a] = P66(L512(INS(VINSERTF32X8, VINSERTF64X4, qq))),
    [0x1b] = P66(L512(EXT(VEXTRACTF32X8, VEXTRACTF64X4, qq))),
    [0x1d] = P66(E3(VCVTPS2PH, W, h, V, x, I, b, EW0 | F_SAE)),
    [0x1e] = P66(WSEL(E4(VPCMPUD, KG, q, H, x, W, x, I, b, BC),
                      E4(VPCMPUQ, KG, q, H, x, W, x, I, b, BC))),
    [0x1f] = P66(WSEL(E4(VPCMPD, KG, q, H, x, W, x, I, b, BC),
                      E4(VPCMPQ, KG, q, H, x, W, x, I, b, BC))),
    [0x20] = P66(L128(E4(PINSRB, V, dq, H, dq, E, db, I, b, NOM))),
    [0x21] = P66(L128(E4(INSERTPS, V, dq, H, dq, W, d, I, b, EW0 | NOM))),
    [0x22] = P66(L128(WSEL64(E4(PINSRD, V, dq, H, dq, E, d, I, b, NOM),
                             E4(PINSRQ, V, dq, H, dq, E, q, I, b, NOM)))),
    [0x23] = P66(L256UP(WSEL(E4(VSHUFF32X4, V, x, H, x, W, x, I, b, BC),
                             E4(VSHUFF64X2, V, x, H, x, W, x, I, b, BC)))),
    [0x25] = DQ4I(VPTERNLOGD, VPTERNLOGQ, BC),
    [0x26] = PHPSPD_I(VGETMANTPH, VGETMANTPS, VGETMANTPD, F_SAE),
    [0x27] = SHSSSD_I(VGETMANTSH, VGETMANTSS, VGETMANTSD, F_SAE),
    [0x38] = P66(L256UP(INS(VINSERTI32X4, VINSERTI64X2, dq))),
    [0x39] = P66(L256UP(EXT(VEXTRACTI32X4, VEXTRACTI64X2, dq))),
    [0x3a] = P66(L512(INS(VINSERTI32X8, VINSERTI64X4, qq))),
    [0x3b] = P66(L512(EXT(VEXTRACTI32X8, VEXTRACTI64X4, qq))),
    [0x3e] = P66(WSEL(E4(VPCMPUB, KG, q, H, x, W, x, I, b, 0),
                      E4(VPCMPUW, KG, q, H, x, W, x, I, b, 0))),
    [0x3f] = P66(WSEL(E4(VPCMPB, KG, q, H, x, W, x, I, b, 0),
                      E4(VPCMPW, KG, q, H, x, W, x, I, b, 0))),
    [0x42] = IMM4(VDBPSADBW, EW0),
    [0x43] = P66(L256UP(WSEL(E4(VSHUFI32X4, V, x, H, x, W, x, I, b, BC),
                             E4(VSHUFI64X2, V, x, H, x, W, x, I, b, BC)))),
    [0x44] = IMM4(PCLMULQDQ, NOM), /* VPCLMULQDQ */
    [0x50] = DQ4I(VRANGEPS, VRANGEPD, BC | F_SAE),
    [0x51] = P66(WSEL(E4(VRANGESS, V, dq, H, dq, W, ss, I, b, F_SAE),
                      E4(VRANGESD, V, dq, H, dq, W, sd, I, b, F_SAE))),
    [0x54] = DQ4I(VFIXUPIMMPS, VFIXUPIMMPD, BC | F_SAE),
    [0x55] = P66(WSEL(E4(VFIXUPIMMSS, V, dq, H, dq, W, ss, I, b, F_SAE),
                      E4(VFIXUPIMMSD, V, dq, H, dq, W, sd, I, b, F_SAE))),
    [0x56] = PHPSPD_I(VREDUCEPH, VREDUCEPS, VREDUCEPD, F_SAE),
    [0x57] = SHSSSD_I(VREDUCESH, VREDUCESS, VREDUCESD, F_SAE),
    [0x66] = PFX(E3(VFPCLASSPH, KG, q, W, x, I, b, BC16 | EW0),
                 WSEL(E3(VFPCLASSPS, KG, q, W, x, I, b, BC), E3(VFPCLASSPD, KG, q, W, x, I, b, BC)),
                 BAD, BAD),
    [0x67] = PFX(E3(VFPCLASSSH, KG, q, W, w, I, b, EW0),
                 WSEL(E3(VFPCLASSSS, KG, q, W, ss, I, b, 0), E3(VFPCLASSSD, KG, q, W, sd, I, b, 0)),
                 BAD, BAD),
    /* AVX512_VBMI2 concatenate-and-shift by an immediate */
    [0x70] = IMM4(VPSHLDW, EW1),
    [0x71] = DQ4I(VPSHLDD, VPSHLDQ, BC),
    [0x72] = IMM4(VPSHRDW, EW1),
    [0x73] = DQ4I(VPSHRDD, VPSHRDQ, BC),
    [0xc2] = PFX(E4(VCMPPH, KG, q, H, x, W, x, I, b, BC16 | EW0 | F_SAE), BAD,
                 E4(VCMPSH, KG, q, H, dq, W, w, I, b, EW0 | F_SAE), BAD),
    [0xce] = IMM4(GF2P8AFFINEQB, BC | EW1),
    [0xcf] = IMM4(GF2P8AFFINEINVQB, BC | EW1),
};
