/*
 * x86_tables_evex_fp16.c — the EVEX maps 5 and 6 (EVEX.mmm = 101, 110),
 * which hold AVX512-FP16: half-precision arithmetic, conversions, FMA and
 * complex multiplies (SDM Vol. 2, each V...PH/SH instruction; the FP16 rows
 * with an imm8 are in map 0F3A, x86_tables_evex.c).
 *
 * Half-precision packed rows are W0 and broadcast a word (BC16); scalar
 * rows read a word (W,w); the complex ones (VF[C]MULC, VF[C]MADDC) work on
 * pairs, a dword. Checked against GNU objdump 2.40
 * (tests/decoder/vs_objdump_evex.c); the test host has no AVX512-FP16.
 * Shorthands: x86_tables_evex.h.
 */
#include "frontend/x86_tables_evex.h"

/* packed ph (NP) and scalar sh (F3) arithmetic */
#define PHSH(PH_, SH_, rnd)                                                                      \
    PFX(E3(PH_, V, x, H, x, W, x, BC16 | EW0 | (rnd)), BAD,                                      \
        E3(SH_, V, dq, H, dq, W, w, EW0 | (rnd)), BAD)
/* one packed-ph operation from map 6 (66) */
#define PH2(m, f) P66(E2(m, V, x, W, x, BC16 | EW0 | (f)))
#define PH3(m, f) P66(E3(m, V, x, H, x, W, x, BC16 | EW0 | (f)))
#define SH3(m, f) P66(E3(m, V, dq, H, dq, W, w, EW0 | (f)))
/* conversions from ph: the destination element is wider (dst x, src part) */
#define FROM_PH(m, part, f) E2(m, V, x, W, part, BC16 | EW0 | (f))
/* complex multiplies: F3 and F2, packed and scalar, on dword pairs */
#define CPLX(F3_, F2_)                                                                           \
    PFX(BAD, BAD, E3(F3_, V, x, H, x, W, x, BC | EW0 | F_ER),                                   \
        E3(F2_, V, x, H, x, W, x, BC | EW0 | F_ER))
#define CPLXS(F3_, F2_)                                                                          \
    PFX(BAD, BAD, E3(F3_, V, dq, H, dq, W, d, EW0 | F_ER), E3(F2_, V, dq, H, dq, W, d, EW0 | F_ER))

const X86OpEntry x86_evex_map5[256] = {
    [0x10] = PF3(MOD(E2(VMOVSH, V, dq, M, w, EW0), E3(VMOVSH, V, dq, H, dq, U, dq, EW0))),
    [0x11] = PF3(MOD(E2(VMOVSH, M, w, V, dq, EW0), E3(VMOVSH, U, dq, H, dq, V, dq, EW0))),
    [0x1d] = PFX(E3(VCVTSS2SH, V, dq, H, dq, W, ss, EW0 | F_ER),
                 E2(VCVTPS2PHX, V, h, W, x, BC | EW0 | F_ER), BAD, BAD),
    [0x2a] = PF3(E3(VCVTSI2SH, V, dq, H, dq, E, y, F_ER | NOM)),
    [0x2c] = PF3(E2(VCVTTSH2SI, G, y, W, w, F_SAE | NOM)),
    [0x2d] = PF3(E2(VCVTSH2SI, G, y, W, w, F_ER | NOM)),
    [0x2e] = NP_(E2(VUCOMISH, V, dq, W, w, EW0 | F_SAE | NOM)),
    [0x2f] = NP_(E2(VCOMISH, V, dq, W, w, EW0 | F_SAE | NOM)),
    [0x51] = PFX(E2(VSQRTPH, V, x, W, x, BC16 | EW0 | F_ER), BAD,
                 E3(VSQRTSH, V, dq, H, dq, W, w, EW0 | F_ER), BAD),
    [0x58] = PHSH(VADDPH, VADDSH, F_ER),
    [0x59] = PHSH(VMULPH, VMULSH, F_ER),
    [0x5a] = PFX(FROM_PH(VCVTPH2PD, r, F_SAE), E2(VCVTPD2PH, V, r, W, x, BC | EW1 | F_ER),
                 E3(VCVTSH2SD, V, dq, H, dq, W, w, EW0 | F_SAE),
                 E3(VCVTSD2SH, V, dq, H, dq, W, sd, EW1 | F_ER)),
    [0x5b] = PFX(WSEL(E2(VCVTDQ2PH, V, h, W, x, BC | F_ER), E2(VCVTQQ2PH, V, r, W, x, BC | F_ER)),
                 FROM_PH(VCVTPH2DQ, h, F_ER), FROM_PH(VCVTTPH2DQ, h, F_SAE), BAD),
    [0x5c] = PHSH(VSUBPH, VSUBSH, F_ER),
    [0x5d] = PHSH(VMINPH, VMINSH, F_SAE),
    [0x5e] = PHSH(VDIVPH, VDIVSH, F_ER),
    [0x5f] = PHSH(VMAXPH, VMAXSH, F_SAE),
    /* VMOVW: a word between an xmm and r32/m16 (EVEX.128, W ignored) */
    [0x6e] = P66(L128(E2(VMOVW, V, dq, E, dw, NOM))),
    [0x78] = PFX(FROM_PH(VCVTTPH2UDQ, h, F_SAE), FROM_PH(VCVTTPH2UQQ, r, F_SAE),
                 E2(VCVTTSH2USI, G, y, W, w, F_SAE | NOM), BAD),
    [0x79] = PFX(FROM_PH(VCVTPH2UDQ, h, F_ER), FROM_PH(VCVTPH2UQQ, r, F_ER),
                 E2(VCVTSH2USI, G, y, W, w, F_ER | NOM), BAD),
    [0x7a] = PFX(BAD, FROM_PH(VCVTTPH2QQ, r, F_SAE), BAD,
                 WSEL(E2(VCVTUDQ2PH, V, h, W, x, BC | F_ER),
                      E2(VCVTUQQ2PH, V, r, W, x, BC | F_ER))),
    [0x7b] = PFX(BAD, FROM_PH(VCVTPH2QQ, r, F_ER), E3(VCVTUSI2SH, V, dq, H, dq, E, y, F_ER | NOM),
                 BAD),
    [0x7c] = PFX(FROM_PH(VCVTTPH2UW, x, F_SAE), FROM_PH(VCVTTPH2W, x, F_SAE), BAD, BAD),
    [0x7d] = PFX(FROM_PH(VCVTPH2UW, x, F_ER), FROM_PH(VCVTPH2W, x, F_ER),
                 FROM_PH(VCVTW2PH, x, F_ER), FROM_PH(VCVTUW2PH, x, F_ER)),
    [0x7e] = P66(L128(E2(VMOVW, E, dw, V, dq, NOM))),
};

/* FMA on half precision: 66 W0, packed ph and scalar sh */
#define FMAPH(m) PH3(m, F_ER)
#define FMASH(m) SH3(m, F_ER)

const X86OpEntry x86_evex_map6[256] = {
    [0x13] = PFX(E3(VCVTSH2SS, V, dq, H, dq, W, w, EW0 | F_SAE), FROM_PH(VCVTPH2PSX, h, F_SAE), BAD,
                 BAD),
    [0x2c] = PH3(VSCALEFPH, F_ER),
    [0x2d] = SH3(VSCALEFSH, F_ER),
    [0x42] = PH2(VGETEXPPH, F_SAE),
    [0x43] = SH3(VGETEXPSH, F_SAE),
    [0x4c] = PH2(VRCPPH, 0),
    [0x4d] = SH3(VRCPSH, 0),
    [0x4e] = PH2(VRSQRTPH, 0),
    [0x4f] = SH3(VRSQRTSH, 0),
    [0x56] = CPLX(VFMADDCPH, VFCMADDCPH),
    [0x57] = CPLXS(VFMADDCSH, VFCMADDCSH),
    [0x96] = FMAPH(VFMADDSUB132PH), FMAPH(VFMSUBADD132PH), FMAPH(VFMADD132PH), FMASH(VFMADD132SH),
    FMAPH(VFMSUB132PH), FMASH(VFMSUB132SH), FMAPH(VFNMADD132PH), FMASH(VFNMADD132SH),
    FMAPH(VFNMSUB132PH), FMASH(VFNMSUB132SH),
    [0xa6] = FMAPH(VFMADDSUB213PH), FMAPH(VFMSUBADD213PH), FMAPH(VFMADD213PH), FMASH(VFMADD213SH),
    FMAPH(VFMSUB213PH), FMASH(VFMSUB213SH), FMAPH(VFNMADD213PH), FMASH(VFNMADD213SH),
    FMAPH(VFNMSUB213PH), FMASH(VFNMSUB213SH),
    [0xb6] = FMAPH(VFMADDSUB231PH), FMAPH(VFMSUBADD231PH), FMAPH(VFMADD231PH), FMASH(VFMADD231SH),
    FMAPH(VFMSUB231PH), FMASH(VFMSUB231SH), FMAPH(VFNMADD231PH), FMASH(VFNMADD231SH),
    FMAPH(VFNMSUB231PH), FMASH(VFNMSUB231SH),
    [0xd6] = CPLX(VFMULCPH, VFCMULCPH),
    [0xd7] = CPLXS(VFMULCSH, VFCMULCSH),
};
