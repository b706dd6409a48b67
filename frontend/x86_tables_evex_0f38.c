/*
 * x86_tables_evex_0f38.c — the EVEX (AVX-512) opcode map 0F38: AVX512F,
 * CD, BW, DQ, VL, IFMA, VBMI, VBMI2, VNNI, BITALG, VPOPCNTDQ, BF16,
 * VP2INTERSECT, GFNI/VAES EVEX forms, and Xeon Phi's ER, PF, 4FMAPS and
 * 4VNNIW.
 *
 * Rows follow the SDM's EVEX opcode lines (Vol. 2) and were checked against
 * GNU objdump 2.40 (tests/decoder/vs_objdump_evex.c) and, for the subsets
 * an AMD Zen 4 has, natively. Shorthands: x86_tables_evex.h.
 */
#include "frontend/x86_tables_evex.h"

/* F3 down-conversions VPMOV[S|US]xy: destination a fraction of the source,
 * W0 (SDM VPMOVQB ...) */
#define DOWN(m, part) E2(m, W, part, V, x, EW0)
/* 66 sign/zero extensions: source a fraction of the destination */
#define EXT(m, part, w) E2(m, V, x, W, part, w)
/* FMA: packed W0 ps / W1 pd with broadcast and rounding, scalar ss / sd */
#define FMAP(PS_, PD_) DQ3R(PS_, PD_)
#define DQ3R(PS_, PD_)                                                                           \
    P66(WSEL(E3(PS_, V, x, H, x, W, x, BC | F_ER), E3(PD_, V, x, H, x, W, x, BC | F_ER)))
#define FMAS(SS_, SD_)                                                                           \
    P66(WSEL(E3(SS_, V, dq, H, dq, W, ss, F_ER), E3(SD_, V, dq, H, dq, W, sd, F_ER)))
/* gathers and scatters: MV's size letter is the index vector's width */
#define GATHER(D_, Q_, dst_d, ix_d, dst_q, ix_q)                                                 \
    P66(WSEL(E2(D_, V, dst_d, MV, ix_d, 0), E2(Q_, V, dst_q, MV, ix_q, 0)))
#define SCATTER(D_, Q_, src_d, ix_d, src_q, ix_q)                                                \
    P66(WSEL(E2(D_, MV, ix_d, V, src_d, 0), E2(Q_, MV, ix_q, V, src_q, 0)))
/* AVX512PF prefetches: VSIB memory only, 512 bits */
#define PF(D_, Q_, ix_d, ix_q) WSEL(E1(D_, MV, ix_d, 0), E1(Q_, MV, ix_q, 0))
/* Xeon Phi 4FMAPS / 4VNNIW: a block of four registers from vvvv and m128 */
#define FOUR(m, vec) E3(m, V, vec, H, vec, M, dq, EW0)

const X86OpEntry x86_evex_0f38[256] = {
    [0x00] = BW3(PSHUFB),
    [0x04] = BW3(PMADDUBSW),
    [0x0b] = BW3(PMULHRSW),
    [0x0c] = P66(E3(VPERMILPS, V, x, H, x, W, x, BC | EW0)),
    [0x0d] = P66(E3(VPERMILPD, V, x, H, x, W, x, BC | EW1)),
    [0x10] = PFX(BAD, E3(VPSRLVW, V, x, H, x, W, x, EW1), DOWN(VPMOVUSWB, h), BAD),
    [0x11] = PFX(BAD, E3(VPSRAVW, V, x, H, x, W, x, EW1), DOWN(VPMOVUSDB, r), BAD),
    [0x12] = PFX(BAD, E3(VPSLLVW, V, x, H, x, W, x, EW1), DOWN(VPMOVUSQB, e), BAD),
    [0x13] = PFX(BAD, E2(VCVTPH2PS, V, x, W, h, EW0 | F_SAE), DOWN(VPMOVUSDW, h), BAD),
    [0x14] = PFX(BAD, WSEL(E3(VPRORVD, V, x, H, x, W, x, BC), E3(VPRORVQ, V, x, H, x, W, x, BC)),
                 DOWN(VPMOVUSQW, r), BAD),
    [0x15] = PFX(BAD, WSEL(E3(VPROLVD, V, x, H, x, W, x, BC), E3(VPROLVQ, V, x, H, x, W, x, BC)),
                 DOWN(VPMOVUSQD, h), BAD),
    [0x16] = P66(L256UP(WSEL(E3(VPERMPS, V, x, H, x, W, x, BC),
                             E3(VPERMPD, V, x, H, x, W, x, BC)))),
    [0x18] = P66(E2(VBROADCASTSS, V, x, W, d, EW0)),
    [0x19] = P66(L256UP(WSEL(E2(VBROADCASTF32X2, V, x, W, q, 0), E2(VBROADCASTSD, V, x, W, q, 0)))),
    [0x1a] = P66(L256UP(WSEL(E2(VBROADCASTF32X4, V, x, M, dq, 0),
                             E2(VBROADCASTF64X2, V, x, M, dq, 0)))),
    [0x1b] = P66(L512(WSEL(E2(VBROADCASTF32X8, V, x, M, qq, 0),
                           E2(VBROADCASTF64X4, V, x, M, qq, 0)))),
    [0x1c] = P66(E2(PABSB, V, x, W, x, 0)),
    [0x1d] = P66(E2(PABSW, V, x, W, x, 0)),
    [0x1e] = P66(E2(PABSD, V, x, W, x, BC | EW0)),
    [0x1f] = P66(E2(VPABSQ, V, x, W, x, BC | EW1)),
    [0x20] = PFX(BAD, EXT(PMOVSXBW, h, 0), DOWN(VPMOVSWB, h), BAD),
    [0x21] = PFX(BAD, EXT(PMOVSXBD, r, 0), DOWN(VPMOVSDB, r), BAD),
    [0x22] = PFX(BAD, EXT(PMOVSXBQ, e, 0), DOWN(VPMOVSQB, e), BAD),
    [0x23] = PFX(BAD, EXT(PMOVSXWD, h, 0), DOWN(VPMOVSDW, h), BAD),
    [0x24] = PFX(BAD, EXT(PMOVSXWQ, r, 0), DOWN(VPMOVSQW, r), BAD),
    [0x25] = PFX(BAD, EXT(PMOVSXDQ, h, EW0), DOWN(VPMOVSQD, h), BAD),
    [0x26] = PFX(BAD, WSEL(E3(VPTESTMB, KG, q, H, x, W, x, 0), E3(VPTESTMW, KG, q, H, x, W, x, 0)),
                 WSEL(E3(VPTESTNMB, KG, q, H, x, W, x, 0), E3(VPTESTNMW, KG, q, H, x, W, x, 0)),
                 BAD),
    [0x27] = PFX(BAD,
                 WSEL(E3(VPTESTMD, KG, q, H, x, W, x, BC), E3(VPTESTMQ, KG, q, H, x, W, x, BC)),
                 WSEL(E3(VPTESTNMD, KG, q, H, x, W, x, BC), E3(VPTESTNMQ, KG, q, H, x, W, x, BC)),
                 BAD),
    /* F3 28/29/38/39: moves between vectors and masks, no masking */
    [0x28] = PFX(BAD, E3(PMULDQ, V, x, H, x, W, x, BC | EW1),
                 WSEL(E2(VPMOVM2B, V, x, KR, q, NOM), E2(VPMOVM2W, V, x, KR, q, NOM)), BAD),
    [0x29] = PFX(BAD, E3(PCMPEQQ, KG, q, H, x, W, x, BC | EW1),
                 WSEL(E2(VPMOVB2M, KG, q, U, x, NOM), E2(VPMOVW2M, KG, q, U, x, NOM)), BAD),
    [0x2a] = PFX(BAD, E2(MOVNTDQA, V, x, M, x, EW0 | NOM),
                 E2(VPBROADCASTMB2Q, V, x, KR, q, EW1 | NOM), BAD),
    [0x2b] = P66(E3(PACKUSDW, V, x, H, x, W, x, BC | EW0)),
    [0x2c] = DQ3R(VSCALEFPS, VSCALEFPD),
    [0x2d] = FMAS(VSCALEFSS, VSCALEFSD),
    [0x30] = PFX(BAD, EXT(PMOVZXBW, h, 0), DOWN(VPMOVWB, h), BAD),
    [0x31] = PFX(BAD, EXT(PMOVZXBD, r, 0), DOWN(VPMOVDB, r), BAD),
    [0x32] = PFX(BAD, EXT(PMOVZXBQ, e, 0), DOWN(VPMOVQB, e), BAD),
    [0x33] = PFX(BAD, EXT(PMOVZXWD, h, 0), DOWN(VPMOVDW, h), BAD),
    [0x34] = PFX(BAD, EXT(PMOVZXWQ, r, 0), DOWN(VPMOVQW, r), BAD),
    [0x35] = PFX(BAD, EXT(PMOVZXDQ, h, EW0), DOWN(VPMOVQD, h), BAD),
    [0x36] = P66(L256UP(WSEL(E3(VPERMD, V, x, H, x, W, x, BC), E3(VPERMQ, V, x, H, x, W, x, BC)))),
    [0x37] = KQ3(PCMPGTQ),
    [0x38] = PFX(BAD, E3(PMINSB, V, x, H, x, W, x, 0),
                 WSEL(E2(VPMOVM2D, V, x, KR, q, NOM), E2(VPMOVM2Q, V, x, KR, q, NOM)), BAD),
    [0x39] = PFX(BAD, WSEL(E3(PMINSD, V, x, H, x, W, x, BC), E3(VPMINSQ, V, x, H, x, W, x, BC)),
                 WSEL(E2(VPMOVD2M, KG, q, U, x, NOM), E2(VPMOVQ2M, KG, q, U, x, NOM)), BAD),
    [0x3a] = PFX(BAD, E3(PMINUW, V, x, H, x, W, x, 0), E2(VPBROADCASTMW2D, V, x, KR, q, EW0 | NOM),
                 BAD),
    [0x3b] = DQ3(PMINUD, VPMINUQ),
    [0x3c] = BW3(PMAXSB), DQ3(PMAXSD, VPMAXSQ), BW3(PMAXUW), DQ3(PMAXUD, VPMAXUQ),
    [0x40] = DQ3(PMULLD, VPMULLQ),
    [0x42] = DQ2(VGETEXPPS, VGETEXPPD, BC | F_SAE),
    [0x43] = P66(WSEL(E3(VGETEXPSS, V, dq, H, dq, W, ss, F_SAE),
                      E3(VGETEXPSD, V, dq, H, dq, W, sd, F_SAE))),
    [0x44] = DQ2(VPLZCNTD, VPLZCNTQ, BC),
    [0x45] = DQ3(VPSRLVD, VPSRLVQ), DQ3(VPSRAVD, VPSRAVQ), DQ3(VPSLLVD, VPSLLVQ),
    [0x4c] = DQ2(VRCP14PS, VRCP14PD, BC),
    [0x4d] = P66(WSEL(E3(VRCP14SS, V, dq, H, dq, W, ss, 0), E3(VRCP14SD, V, dq, H, dq, W, sd, 0))),
    [0x4e] = DQ2(VRSQRT14PS, VRSQRT14PD, BC),
    [0x4f] = P66(WSEL(E3(VRSQRT14SS, V, dq, H, dq, W, ss, 0),
                      E3(VRSQRT14SD, V, dq, H, dq, W, sd, 0))),
    /* AVX512_VNNI; F3: AVX512_BF16; F2: AVX512_4VNNIW (Xeon Phi) */
    [0x50] = D3(VPDPBUSD),
    [0x51] = D3(VPDPBUSDS),
    [0x52] = PFX(BAD, E3(VPDPWSSD, V, x, H, x, W, x, BC | EW0),
                 E3(VDPBF16PS, V, x, H, x, W, x, BC | EW0), L512(FOUR(VP4DPWSSD, x))),
    [0x53] = PFX(BAD, E3(VPDPWSSDS, V, x, H, x, W, x, BC | EW0), BAD, L512(FOUR(VP4DPWSSDS, x))),
    /* AVX512_BITALG (b, w) and AVX512_VPOPCNTDQ (d, q) */
    [0x54] = P66(WSEL(E2(VPOPCNTB, V, x, W, x, 0), E2(VPOPCNTW, V, x, W, x, 0))),
    [0x55] = DQ2(VPOPCNTD, VPOPCNTQ, BC),
    [0x58] = P66(E2(VPBROADCASTD, V, x, W, d, EW0)),
    [0x59] = P66(WSEL(E2(VBROADCASTI32X2, V, x, W, q, 0), E2(VPBROADCASTQ, V, x, W, q, 0))),
    [0x5a] = P66(L256UP(WSEL(E2(VBROADCASTI32X4, V, x, M, dq, 0),
                             E2(VBROADCASTI64X2, V, x, M, dq, 0)))),
    [0x5b] = P66(L512(WSEL(E2(VBROADCASTI32X8, V, x, M, qq, 0),
                           E2(VBROADCASTI64X4, V, x, M, qq, 0)))),
    /* AVX512_VBMI2 byte/word expand and compress (disp8 scaled by one element) */
    [0x62] = P66(WSEL(E2(VPEXPANDB, V, x, W, xeb, 0), E2(VPEXPANDW, V, x, W, xeb, 0))),
    [0x63] = P66(WSEL(E2(VPCOMPRESSB, W, xeb, V, x, 0), E2(VPCOMPRESSW, W, xeb, V, x, 0))),
    [0x64] = DQ3(VPBLENDMD, VPBLENDMQ),
    [0x65] = DQ3(VBLENDMPS, VBLENDMPD),
    [0x66] = BWSEL3(VPBLENDMB, VPBLENDMW),
    /* AVX512_VP2INTERSECT: the destination is a pair of mask registers */
    [0x68] = PF2(WSEL(E3(VP2INTERSECTD, KG, q, H, x, W, x, BC | NOM),
                      E3(VP2INTERSECTQ, KG, q, H, x, W, x, BC | NOM))),
    /* AVX512_VBMI2 concatenate-and-shift by a variable count; BF16 */
    [0x70] = P66(E3(VPSHLDVW, V, x, H, x, W, x, EW1)),
    [0x71] = DQ3(VPSHLDVD, VPSHLDVQ),
    [0x72] = PFX(BAD, E3(VPSHRDVW, V, x, H, x, W, x, EW1), E2(VCVTNEPS2BF16, V, h, W, x, BC | EW0),
                 E3(VCVTNE2PS2BF16, V, x, H, x, W, x, BC | EW0)),
    [0x73] = DQ3(VPSHRDVD, VPSHRDVQ),
    [0x75] = BWSEL3(VPERMI2B, VPERMI2W),
    [0x76] = DQ3(VPERMI2D, VPERMI2Q),
    [0x77] = DQ3(VPERMI2PS, VPERMI2PD),
    [0x78] = P66(E2(VPBROADCASTB, V, x, W, b, EW0)),
    [0x79] = P66(E2(VPBROADCASTW, V, x, W, w, EW0)),
    /* broadcasts from a general register */
    [0x7a] = P66(E2(VPBROADCASTB, V, x, R, d, EW0)),
    [0x7b] = P66(E2(VPBROADCASTW, V, x, R, d, EW0)),
    [0x7c] = P66(WSEL64(E2(VPBROADCASTD, V, x, R, d, 0), E2(VPBROADCASTQ, V, x, R, q, 0))),
    [0x7d] = BWSEL3(VPERMT2B, VPERMT2W),
    [0x7e] = DQ3(VPERMT2D, VPERMT2Q),
    [0x7f] = DQ3(VPERMT2PS, VPERMT2PD),
    [0x83] = P66(E3(VPMULTISHIFTQB, V, x, H, x, W, x, BC | EW1)),
    /* expand and compress: disp8 scaled by one element (Tuple1 Scalar) */
    [0x88] = P66(WSEL(E2(VEXPANDPS, V, x, W, xe, 0), E2(VEXPANDPD, V, x, W, xe, 0))),
    [0x89] = P66(WSEL(E2(VPEXPANDD, V, x, W, xe, 0), E2(VPEXPANDQ, V, x, W, xe, 0))),
    [0x8a] = P66(WSEL(E2(VCOMPRESSPS, W, xe, V, x, 0), E2(VCOMPRESSPD, W, xe, V, x, 0))),
    [0x8b] = P66(WSEL(E2(VPCOMPRESSD, W, xe, V, x, 0), E2(VPCOMPRESSQ, W, xe, V, x, 0))),
    [0x8d] = BWSEL3(VPERMB, VPERMW),
    [0x8f] = P66(E3(VPSHUFBITQMB, KG, q, H, x, W, x, EW0)),
    [0x90] = GATHER(VPGATHERDD, VPGATHERDQ, x, x, x, h),
    [0x91] = GATHER(VPGATHERQD, VPGATHERQQ, h, x, x, x),
    [0x92] = GATHER(VGATHERDPS, VGATHERDPD, x, x, x, h),
    [0x93] = GATHER(VGATHERQPS, VGATHERQPD, h, x, x, x),
    [0x96] = FMAP(VFMADDSUB132PS, VFMADDSUB132PD), FMAP(VFMSUBADD132PS, VFMSUBADD132PD),
    FMAP(VFMADD132PS, VFMADD132PD), FMAS(VFMADD132SS, VFMADD132SD),
    /* F2 9A/9B/AA/AB: AVX512_4FMAPS (Xeon Phi) */
    [0x9a] = PFX(BAD,
                 WSEL(E3(VFMSUB132PS, V, x, H, x, W, x, BC | F_ER),
                      E3(VFMSUB132PD, V, x, H, x, W, x, BC | F_ER)), BAD, L512(FOUR(V4FMADDPS, x))),
    [0x9b] = PFX(BAD,
                 WSEL(E3(VFMSUB132SS, V, dq, H, dq, W, ss, F_ER),
                      E3(VFMSUB132SD, V, dq, H, dq, W, sd, F_ER)), BAD, FOUR(V4FMADDSS, dq)),
    [0x9c] = FMAP(VFNMADD132PS, VFNMADD132PD), FMAS(VFNMADD132SS, VFNMADD132SD),
    FMAP(VFNMSUB132PS, VFNMSUB132PD), FMAS(VFNMSUB132SS, VFNMSUB132SD),
    [0xa0] = SCATTER(VPSCATTERDD, VPSCATTERDQ, x, x, x, h),
    [0xa1] = SCATTER(VPSCATTERQD, VPSCATTERQQ, h, x, x, x),
    [0xa2] = SCATTER(VSCATTERDPS, VSCATTERDPD, x, x, x, h),
    [0xa3] = SCATTER(VSCATTERQPS, VSCATTERQPD, h, x, x, x),
    [0xa6] = FMAP(VFMADDSUB213PS, VFMADDSUB213PD), FMAP(VFMSUBADD213PS, VFMSUBADD213PD),
    FMAP(VFMADD213PS, VFMADD213PD), FMAS(VFMADD213SS, VFMADD213SD),
    [0xaa] = PFX(BAD,
                 WSEL(E3(VFMSUB213PS, V, x, H, x, W, x, BC | F_ER),
                      E3(VFMSUB213PD, V, x, H, x, W, x, BC | F_ER)), BAD,
                 L512(FOUR(V4FNMADDPS, x))),
    [0xab] = PFX(BAD,
                 WSEL(E3(VFMSUB213SS, V, dq, H, dq, W, ss, F_ER),
                      E3(VFMSUB213SD, V, dq, H, dq, W, sd, F_ER)), BAD, FOUR(V4FNMADDSS, dq)),
    [0xac] = FMAP(VFNMADD213PS, VFNMADD213PD), FMAS(VFNMADD213SS, VFNMADD213SD),
    FMAP(VFNMSUB213PS, VFNMSUB213PD), FMAS(VFNMSUB213SS, VFNMSUB213SD),
    /* AVX512_IFMA */
    [0xb4] = P66(E3(VPMADD52LUQ, V, x, H, x, W, x, BC | EW1)),
    [0xb5] = P66(E3(VPMADD52HUQ, V, x, H, x, W, x, BC | EW1)),
    [0xb6] = FMAP(VFMADDSUB231PS, VFMADDSUB231PD), FMAP(VFMSUBADD231PS, VFMSUBADD231PD),
    FMAP(VFMADD231PS, VFMADD231PD), FMAS(VFMADD231SS, VFMADD231SD),
    FMAP(VFMSUB231PS, VFMSUB231PD), FMAS(VFMSUB231SS, VFMSUB231SD),
    FMAP(VFNMADD231PS, VFNMADD231PD), FMAS(VFNMADD231SS, VFNMADD231SD),
    FMAP(VFNMSUB231PS, VFNMSUB231PD), FMAS(VFNMSUB231SS, VFNMSUB231SD),
    [0xc4] = DQ2(VPCONFLICTD, VPCONFLICTQ, BC),
    /* AVX512PF gather/scatter prefetches (group by ModRM.reg) */
    [0xc6] = P66(L512(GRP(BAD, PF(VGATHERPF0DPS, VGATHERPF0DPD, x, h),
                          PF(VGATHERPF1DPS, VGATHERPF1DPD, x, h), BAD, BAD,
                          PF(VSCATTERPF0DPS, VSCATTERPF0DPD, x, h),
                          PF(VSCATTERPF1DPS, VSCATTERPF1DPD, x, h), BAD))),
    [0xc7] = P66(L512(GRP(BAD, PF(VGATHERPF0QPS, VGATHERPF0QPD, x, x),
                          PF(VGATHERPF1QPS, VGATHERPF1QPD, x, x), BAD, BAD,
                          PF(VSCATTERPF0QPS, VSCATTERPF0QPD, x, x),
                          PF(VSCATTERPF1QPS, VSCATTERPF1QPD, x, x), BAD))),
    /* AVX512ER (Xeon Phi): 512-bit packed forms, scalar forms */
    [0xc8] = P66(L512(WSEL(E2(VEXP2PS, V, x, W, x, BC | F_SAE),
                           E2(VEXP2PD, V, x, W, x, BC | F_SAE)))),
    [0xca] = P66(L512(WSEL(E2(VRCP28PS, V, x, W, x, BC | F_SAE),
                           E2(VRCP28PD, V, x, W, x, BC | F_SAE)))),
    [0xcb] = P66(WSEL(E3(VRCP28SS, V, dq, H, dq, W, ss, F_SAE),
                      E3(VRCP28SD, V, dq, H, dq, W, sd, F_SAE))),
    [0xcc] = P66(L512(WSEL(E2(VRSQRT28PS, V, x, W, x, BC | F_SAE),
                           E2(VRSQRT28PD, V, x, W, x, BC | F_SAE)))),
    [0xcd] = P66(WSEL(E3(VRSQRT28SS, V, dq, H, dq, W, ss, F_SAE),
                      E3(VRSQRT28SD, V, dq, H, dq, W, sd, F_SAE))),
    /* GFNI and VAES, EVEX forms */
    [0xcf] = P66(E3(GF2P8MULB, V, x, H, x, W, x, EW0)),
    [0xdc] = P66(E3(AESENC, V, x, H, x, W, x, NOM)),
    [0xdd] = P66(E3(AESENCLAST, V, x, H, x, W, x, NOM)),
    [0xde] = P66(E3(AESDEC, V, x, H, x, W, x, NOM)),
    [0xdf] = P66(E3(AESDECLAST, V, x, H, x, W, x, NOM)),
};
