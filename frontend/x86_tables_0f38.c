/*
 * x86_tables_0f38.c — the three-byte opcode maps 0F 38 xx and 0F 3A xx
 * (SDM Vol. 2D, Tables ): SSSE3, SSE4.1/4.2, AES-NI, PCLMULQDQ,
 * SHA, MOVBE/CRC32/ADX, CET's WRSS/WRUSS, and the VEX-only AVX/AVX2/FMA/F16C/BMI1/BMI2 rows.
 *
 * Every opcode in these maps has a ModRM byte. Notation: see the legend in
 * x86_decode_internal.h. Rows without F_LEG (V2/V3/V4) exist only with VEX
 * or EVEX.
 */
#include "frontend/x86_decode_internal.h"

#define VX (F_VEX | F_EVEX)
#define VO F_VEX /* VEX only: no EVEX form */

/* SSSE3: MMX form without a prefix, SSE/AVX form with 66 */
#define MX(m) PFX(I2(m, P, q, Q, q, 0), I3(m, V, x, H, x, W, x, VX), BAD, BAD)
#define MX1(m) PFX(I2(m, P, q, Q, q, 0), I2(m, V, x, W, x, VX), BAD, BAD)
/* SSE4.1: 66 only */
#define P66(m) PFX(BAD, I3(m, V, x, H, x, W, x, VX | F_BCST), BAD, BAD)
/* PMOVSX/PMOVZX: the source is a half, quarter or eighth of the destination */
#define PMOV(m, s) PFX(BAD, I2(m, V, x, W, s, VX), BAD, BAD)
/* VEX-only 66 rows */
#define V66(...)                                                                                 \
    { .kind = X86_E_PREFIX, .sub = (const X86OpEntry[4]){ BAD, __VA_ARGS__, BAD, BAD } }
/* FMA: W0 single, W1 double precision (packed x, scalar dq) */
#define FMAP(PS_, PD_)                                                                           \
    V66(WSEL(V3(PS_, V, x, H, x, W, x, VX | F_BCST | F_ER), V3(PD_, V, x, H, x, W, x, VX | F_BCST | F_ER)))
#define FMAS(SS_, SD_)                                                                           \
    V66(WSEL(V3(SS_, V, dq, H, dq, W, ss, VX | F_ER), V3(SD_, V, dq, H, dq, W, sd, VX | F_ER)))
/* AVX2 gathers: VSIB memory (its size letter is the index vector's), mask
 * in vvvv; the destination is half-width for qword indices with dwords */
#define GATHER(D_, Q_, dst_d, ix_d, ix_q)                                                          \
    V66(WSEL(V3(D_, V, dst_d, MV, ix_d, H, dst_d, VO), V3(Q_, V, x, MV, ix_q, H, x, VO)))

const X86OpEntry x86_map_0f38[256] = {
    [0x00] = MX(PSHUFB), MX(PHADDW), MX(PHADDD), MX(PHADDSW),
    [0x04] = MX(PMADDUBSW), MX(PHSUBW), MX(PHSUBD), MX(PHSUBSW),
    [0x08] = MX(PSIGNB), MX(PSIGNW), MX(PSIGND), MX(PMULHRSW),
    [0x0c] = V66(V3(VPERMILPS, V, x, H, x, W, x, VX | F_W0)),
    [0x0d] = V66(V3(VPERMILPD, V, x, H, x, W, x, VX | F_W0)),
    [0x0e] = V66(V2(VTESTPS, V, x, W, x, VO | F_W0)),
    [0x0f] = V66(V2(VTESTPD, V, x, W, x, VO | F_W0)),
    [0x10] = PFX(BAD, I3(PBLENDVB, V, dq, W, dq, XMM0, dq, 0), BAD, BAD),
    [0x13] = V66(V2(VCVTPH2PS, V, x, W, h, VX | F_W0)),
    [0x14] = PFX(BAD, I3(BLENDVPS, V, dq, W, dq, XMM0, dq, 0), BAD, BAD),
    [0x15] = PFX(BAD, I3(BLENDVPD, V, dq, W, dq, XMM0, dq, 0), BAD, BAD),
    [0x16] = V66(V3(VPERMPS, V, qq, H, qq, W, qq, VO | F_L1 | F_W0)),
    [0x17] = PFX(BAD, I2(PTEST, V, x, W, x, VO), BAD, BAD),
    [0x18] = V66(V2(VBROADCASTSS, V, x, W, d, VO | F_W0)),
    [0x19] = V66(V2(VBROADCASTSD, V, qq, W, q, VO | F_L1 | F_W0)),
    [0x1a] = V66(V2(VBROADCASTF128, V, qq, M, dq, VO | F_L1 | F_W0)),
    [0x1c] = MX1(PABSB), MX1(PABSW), MX1(PABSD),
    [0x20] = PMOV(PMOVSXBW, h), PMOV(PMOVSXBD, r), PMOV(PMOVSXBQ, e), PMOV(PMOVSXWD, h),
    PMOV(PMOVSXWQ, r), PMOV(PMOVSXDQ, h),
    [0x28] = P66(PMULDQ), P66(PCMPEQQ),
    [0x2a] = PFX(BAD, I2(MOVNTDQA, V, x, M, x, VX), BAD, BAD),
    [0x2b] = P66(PACKUSDW),
    [0x2c] = V66(V3(VMASKMOVPS, V, x, H, x, M, x, VO | F_W0)),
    [0x2d] = V66(V3(VMASKMOVPD, V, x, H, x, M, x, VO | F_W0)),
    [0x2e] = V66(V3(VMASKMOVPS, M, x, H, x, V, x, VO | F_W0)),
    [0x2f] = V66(V3(VMASKMOVPD, M, x, H, x, V, x, VO | F_W0)),
    [0x30] = PMOV(PMOVZXBW, h), PMOV(PMOVZXBD, r), PMOV(PMOVZXBQ, e), PMOV(PMOVZXWD, h),
    PMOV(PMOVZXWQ, r), PMOV(PMOVZXDQ, h),
    [0x36] = V66(V3(VPERMD, V, qq, H, qq, W, qq, VO | F_L1 | F_W0)),
    [0x37] = P66(PCMPGTQ),
    [0x38] = P66(PMINSB), P66(PMINSD), P66(PMINUW), P66(PMINUD),
    [0x3c] = P66(PMAXSB), P66(PMAXSD), P66(PMAXUW), P66(PMAXUD),
    [0x40] = P66(PMULLD),
    [0x41] = PFX(BAD, I2(PHMINPOSUW, V, dq, W, dq, VO | F_L0), BAD, BAD),
    [0x45] = V66(WSEL(V3(VPSRLVD, V, x, H, x, W, x, VX), V3(VPSRLVQ, V, x, H, x, W, x, VX))),
    [0x46] = V66(V3(VPSRAVD, V, x, H, x, W, x, VX | F_W0)),
    [0x47] = V66(WSEL(V3(VPSLLVD, V, x, H, x, W, x, VX), V3(VPSLLVQ, V, x, H, x, W, x, VX))),
    /* AMX tile configuration (tile operands themselves are not modelled) */
    [0x49] = PFX(MOD(GRP(V1(LDTILECFG, M, oq, VO | F_L0 | F_W0), BAD, BAD, BAD, BAD, BAD, BAD, BAD),
                     GRP(RM(V0(TILERELEASE, VO | F_L0 | F_W0), BAD, BAD, BAD, BAD, BAD, BAD, BAD),
                         BAD, BAD, BAD, BAD, BAD, BAD, BAD)),
                 MOD(GRP(V1(STTILECFG, M, oq, VO | F_L0 | F_W0), BAD, BAD, BAD, BAD, BAD, BAD, BAD),
                     BAD),
                 BAD, BAD),
    /* AVX-VNNI (VEX) and AVX512_VNNI (EVEX) */
    [0x50] = V66(V3(VPDPBUSD, V, x, H, x, W, x, VX | F_BCST)),
    [0x51] = V66(V3(VPDPBUSDS, V, x, H, x, W, x, VX | F_BCST)),
    [0x52] = V66(V3(VPDPWSSD, V, x, H, x, W, x, VX | F_BCST)),
    [0x53] = V66(V3(VPDPWSSDS, V, x, H, x, W, x, VX | F_BCST)),
    [0x58] = V66(V2(VPBROADCASTD, V, x, W, d, VX | F_W0)),
    [0x59] = V66(V2(VPBROADCASTQ, V, x, W, q, VX | F_W0)),
    [0x5a] = V66(V2(VBROADCASTI128, V, qq, M, dq, VO | F_L1 | F_W0)),
    [0x78] = V66(V2(VPBROADCASTB, V, x, W, b, VX | F_W0)),
    [0x79] = V66(V2(VPBROADCASTW, V, x, W, w, VX | F_W0)),
    [0x8c] = V66(WSEL(V3(VPMASKMOVD, V, x, H, x, M, x, VO), V3(VPMASKMOVQ, V, x, H, x, M, x, VO))),
    [0x8e] = V66(WSEL(V3(VPMASKMOVD, M, x, H, x, V, x, VO), V3(VPMASKMOVQ, M, x, H, x, V, x, VO))),
    [0x90] = GATHER(VPGATHERDD, VPGATHERDQ, x, x, h),
    [0x91] = GATHER(VPGATHERQD, VPGATHERQQ, h, x, x),
    [0x92] = GATHER(VGATHERDPS, VGATHERDPD, x, x, h),
    [0x93] = GATHER(VGATHERQPS, VGATHERQPD, h, x, x),
    [0x96] = FMAP(VFMADDSUB132PS, VFMADDSUB132PD), FMAP(VFMSUBADD132PS, VFMSUBADD132PD),
    FMAP(VFMADD132PS, VFMADD132PD), FMAS(VFMADD132SS, VFMADD132SD),
    FMAP(VFMSUB132PS, VFMSUB132PD), FMAS(VFMSUB132SS, VFMSUB132SD),
    FMAP(VFNMADD132PS, VFNMADD132PD), FMAS(VFNMADD132SS, VFNMADD132SD),
    FMAP(VFNMSUB132PS, VFNMSUB132PD), FMAS(VFNMSUB132SS, VFNMSUB132SD),
    [0xa6] = FMAP(VFMADDSUB213PS, VFMADDSUB213PD), FMAP(VFMSUBADD213PS, VFMSUBADD213PD),
    FMAP(VFMADD213PS, VFMADD213PD), FMAS(VFMADD213SS, VFMADD213SD),
    FMAP(VFMSUB213PS, VFMSUB213PD), FMAS(VFMSUB213SS, VFMSUB213SD),
    FMAP(VFNMADD213PS, VFNMADD213PD), FMAS(VFNMADD213SS, VFNMADD213SD),
    FMAP(VFNMSUB213PS, VFNMSUB213PD), FMAS(VFNMSUB213SS, VFNMSUB213SD),
    [0xb6] = FMAP(VFMADDSUB231PS, VFMADDSUB231PD), FMAP(VFMSUBADD231PS, VFMSUBADD231PD),
    FMAP(VFMADD231PS, VFMADD231PD), FMAS(VFMADD231SS, VFMADD231SD),
    FMAP(VFMSUB231PS, VFMSUB231PD), FMAS(VFMSUB231SS, VFMSUB231SD),
    FMAP(VFNMADD231PS, VFNMADD231PD), FMAS(VFNMADD231SS, VFNMADD231SD),
    FMAP(VFNMSUB231PS, VFNMSUB231PD), FMAS(VFNMSUB231SS, VFNMSUB231SD),
    /* SHA extensions (no prefix) */
    [0xc8] = PFX(I2(SHA1NEXTE, V, dq, W, dq, 0), BAD, BAD, BAD),
    [0xc9] = PFX(I2(SHA1MSG1, V, dq, W, dq, 0), BAD, BAD, BAD),
    [0xca] = PFX(I2(SHA1MSG2, V, dq, W, dq, 0), BAD, BAD, BAD),
    [0xcb] = PFX(I3(SHA256RNDS2, V, dq, W, dq, XMM0, dq, 0), BAD, BAD, BAD),
    [0xcc] = PFX(I2(SHA256MSG1, V, dq, W, dq, 0), BAD, BAD, BAD),
    [0xcd] = PFX(I2(SHA256MSG2, V, dq, W, dq, 0), BAD, BAD, BAD),
    /* AES-NI */
    /* VMX/PCID invalidation (66) */
    [0x80] = PFX(BAD, I2(INVEPT, G, m, M, dq, 0), BAD, BAD),
    [0x81] = PFX(BAD, I2(INVVPID, G, m, M, dq, 0), BAD, BAD),
    [0x82] = PFX(BAD, I2(INVPCID, G, m, M, dq, 0), BAD, BAD),
    [0xcf] = P66(GF2P8MULB),
    [0xdb] = PFX(BAD, I2(AESIMC, V, dq, W, dq, VO | F_L0), BAD, BAD),
    [0xdc] = P66(AESENC), P66(AESENCLAST), P66(AESDEC), P66(AESDECLAST),
    /* MOVBE (no prefix or 66), CRC32 (F2, 66 F2 for a 16-bit source) */
    [0xf0] = PFX(I2(MOVBE, G, v, M, v, 0), I2(MOVBE, G, v, M, v, 0), BAD,
                 I2(CRC32, G, y, E, b, 0)),
    [0xf1] = PFX(I2(MOVBE, M, v, G, v, 0), I2(MOVBE, M, v, G, v, 0), BAD,
                 I2(CRC32, G, y, E, v, 0)),
    /* BMI1/BMI2 (VEX, general registers) and ADX (legacy) */
    [0xf2] = PFX(V3(ANDN, G, y, B, y, E, y, VO | F_NOV | F_L0), BAD, BAD, BAD),
    [0xf3] = PFX(GRP(BAD, V2(BLSR, B, y, E, y, VO | F_NOV | F_L0),
                     V2(BLSMSK, B, y, E, y, VO | F_NOV | F_L0),
                     V2(BLSI, B, y, E, y, VO | F_NOV | F_L0), BAD, BAD, BAD, BAD),
                 BAD, BAD, BAD),
    /* MOVDIR64B / ENQCMDS / ENQCMD (the destination is a GPR holding an
     * ES-relative address of the address size) and MOVDIRI */
    [0xf8] = PFX(BAD, I2(MOVDIR64B, G, m, M, oq, 0), I2(ENQCMDS, G, m, M, oq, 0),
                 I2(ENQCMD, G, m, M, oq, 0)),
    [0xf9] = PFX(I2(MOVDIRI, M, y, G, y, 0), BAD, BAD, BAD),
    [0xf5] = PFX(V3(BZHI, G, y, E, y, B, y, VO | F_NOV | F_L0),
                 WSEL(I2(WRUSSD, M, d, G, d, 0), I2(WRUSSQ, M, q, G, q, 0)),
                 V3(PEXT, G, y, B, y, E, y, VO | F_NOV | F_L0),
                 V3(PDEP, G, y, B, y, E, y, VO | F_NOV | F_L0)),
    [0xf6] = PFX(WSEL(I2(WRSSD, M, d, G, d, 0), I2(WRSSQ, M, q, G, q, 0)),
                 I2(ADCX, G, y, E, y, 0), I2(ADOX, G, y, E, y, 0),
                 V3(MULX, G, y, B, y, E, y, VO | F_NOV | F_L0)),
    [0xf7] = PFX(V3(BEXTR, G, y, E, y, B, y, VO | F_NOV | F_L0),
                 V3(SHLX, G, y, E, y, B, y, VO | F_NOV | F_L0),
                 V3(SARX, G, y, E, y, B, y, VO | F_NOV | F_L0),
                 V3(SHRX, G, y, E, y, B, y, VO | F_NOV | F_L0)),
};

#define P66I(m) PFX(BAD, I4(m, V, x, H, x, W, x, I, b, VX), BAD, BAD)
#define P66IV(m) PFX(BAD, I4(m, V, x, H, x, W, x, I, b, VO), BAD, BAD)

const X86OpEntry x86_map_0f3a[256] = {
    [0x00] = V66(V3(VPERMQ, V, qq, W, qq, I, b, VX | F_L1 | F_W1)),
    [0x01] = V66(V3(VPERMPD, V, qq, W, qq, I, b, VX | F_L1 | F_W1)),
    [0x02] = V66(V4(VPBLENDD, V, x, H, x, W, x, I, b, VO | F_W0)),
    [0x04] = V66(V3(VPERMILPS, V, x, W, x, I, b, VX | F_W0)),
    [0x05] = V66(V3(VPERMILPD, V, x, W, x, I, b, VX | F_W0)),
    [0x06] = V66(V4(VPERM2F128, V, qq, H, qq, W, qq, I, b, VO | F_L1 | F_W0)),
    [0x08] = PFX(BAD, I3(ROUNDPS, V, x, W, x, I, b, VO), BAD, BAD),
    [0x09] = PFX(BAD, I3(ROUNDPD, V, x, W, x, I, b, VO), BAD, BAD),
    [0x0a] = PFX(BAD, I4(ROUNDSS, V, dq, H, dq, W, ss, I, b, VO), BAD, BAD),
    [0x0b] = PFX(BAD, I4(ROUNDSD, V, dq, H, dq, W, sd, I, b, VO), BAD, BAD),
    [0x0c] = P66IV(BLENDPS), P66IV(BLENDPD), P66IV(PBLENDW),
    [0x0f] = PFX(I3(PALIGNR, P, q, Q, q, I, b, 0), I4(PALIGNR, V, x, H, x, W, x, I, b, VX), BAD,
                 BAD),
    [0x14] = PFX(BAD, I3(PEXTRB, E, db, V, dq, I, b, VX | F_L0), BAD, BAD),
    [0x15] = PFX(BAD, I3(PEXTRW, E, dw, V, dq, I, b, VX | F_L0), BAD, BAD),
    [0x16] = PFX(BAD, WSEL64(I3(PEXTRD, E, d, V, dq, I, b, VX | F_L0),
                           I3(PEXTRQ, E, q, V, dq, I, b, VX | F_L0)), BAD, BAD),
    [0x17] = PFX(BAD, I3(EXTRACTPS, E, d, V, dq, I, b, VX | F_L0), BAD, BAD),
    [0x18] = V66(V4(VINSERTF128, V, qq, H, qq, W, dq, I, b, VO | F_L1 | F_W0)),
    [0x19] = V66(V3(VEXTRACTF128, W, dq, V, qq, I, b, VO | F_L1 | F_W0)),
    [0x1d] = V66(V3(VCVTPS2PH, W, h, V, x, I, b, VX | F_W0)),
    [0x20] = PFX(BAD, I4(PINSRB, V, dq, H, dq, E, db, I, b, VX | F_L0), BAD, BAD),
    [0x21] = PFX(BAD, I4(INSERTPS, V, dq, H, dq, W, d, I, b, VX | F_L0), BAD, BAD),
    [0x22] = PFX(BAD, WSEL64(I4(PINSRD, V, dq, H, dq, E, d, I, b, VX | F_L0),
                           I4(PINSRQ, V, dq, H, dq, E, q, I, b, VX | F_L0)), BAD, BAD),
    /* AVX-512 mask shifts (VEX): W selects the width */
    [0x30] = V66(WSEL(V3(KSHIFTRB, KG, q, KR, q, I, b, VO | F_NOV | F_L0),
                      V3(KSHIFTRW, KG, q, KR, q, I, b, VO | F_NOV | F_L0))),
    [0x31] = V66(WSEL(V3(KSHIFTRD, KG, q, KR, q, I, b, VO | F_NOV | F_L0),
                      V3(KSHIFTRQ, KG, q, KR, q, I, b, VO | F_NOV | F_L0))),
    [0x32] = V66(WSEL(V3(KSHIFTLB, KG, q, KR, q, I, b, VO | F_NOV | F_L0),
                      V3(KSHIFTLW, KG, q, KR, q, I, b, VO | F_NOV | F_L0))),
    [0x33] = V66(WSEL(V3(KSHIFTLD, KG, q, KR, q, I, b, VO | F_NOV | F_L0),
                      V3(KSHIFTLQ, KG, q, KR, q, I, b, VO | F_NOV | F_L0))),
    [0x38] = V66(V4(VINSERTI128, V, qq, H, qq, W, dq, I, b, VO | F_L1 | F_W0)),
    [0x39] = V66(V3(VEXTRACTI128, W, dq, V, qq, I, b, VO | F_L1 | F_W0)),
    [0x40] = P66IV(DPPS),
    [0x41] = PFX(BAD, I4(DPPD, V, dq, H, dq, W, dq, I, b, VO | F_L0), BAD, BAD),
    [0x42] = P66IV(MPSADBW),
    [0x44] = P66I(PCLMULQDQ),
    [0x46] = V66(V4(VPERM2I128, V, qq, H, qq, W, qq, I, b, VO | F_L1 | F_W0)),
    [0x4a] = V66(V4(VBLENDVPS, V, x, H, x, W, x, L, x, VO | F_W0)),
    [0x4b] = V66(V4(VBLENDVPD, V, x, H, x, W, x, L, x, VO | F_W0)),
    [0x4c] = V66(V4(VPBLENDVB, V, x, H, x, W, x, L, x, VO | F_W0)),
    /* SSE4.2 string compares */
    [0x60] = PFX(BAD, I3(PCMPESTRM, V, dq, W, dq, I, b, VO | F_L0), BAD, BAD),
    [0x61] = PFX(BAD, I3(PCMPESTRI, V, dq, W, dq, I, b, VO | F_L0), BAD, BAD),
    [0x62] = PFX(BAD, I3(PCMPISTRM, V, dq, W, dq, I, b, VO | F_L0), BAD, BAD),
    [0x63] = PFX(BAD, I3(PCMPISTRI, V, dq, W, dq, I, b, VO | F_L0), BAD, BAD),
    [0xcc] = PFX(I3(SHA1RNDS4, V, dq, W, dq, I, b, 0), BAD, BAD, BAD),
    [0xce] = P66I(GF2P8AFFINEQB),
    [0xcf] = P66I(GF2P8AFFINEINVQB),
    [0xdf] = PFX(BAD, I3(AESKEYGENASSIST, V, dq, W, dq, I, b, VO | F_L0), BAD, BAD),
    [0xf0] = PFX(BAD, BAD, BAD, V3(RORX, G, y, E, y, I, b, VO | F_NOV | F_L0)),
};
