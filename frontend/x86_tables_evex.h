/*
 * x86_tables_evex.h — row-writing shorthands shared by the EVEX maps
 * (x86_tables_evex.c: 0F and 0F3A; x86_tables_evex_0f38.c; and
 * x86_tables_evex_fp16.c: maps 5 and 6). Included only by those files.
 *
 * An EVEX encoding decodes from these maps alone (SDM Vol. 2A 2.7 and each
 * instruction's "EVEX.L.pp.mm.W opcode" line), so every row states the
 * EVEX rules in full:
 *   W       EW0 / EW1 when the SDM fixes EVEX.W (#UD otherwise); WSEL when
 *           W picks the element size (VPANDD / VPANDQ); nothing for WIG.
 *   length  L128 (EVEX.128 only), L256UP (256 and 512), L512; no wrapper
 *           for instructions of every length and scalar (LIG) ones.
 *   BC      embedded broadcast of a dword/qword by W; BC16 of a word
 *           (AVX512-FP16); F_ER rounding control, F_SAE {sae}, with EVEX.b
 *           on a register form.
 *   NOM     no masking (the SDM's syntax has no {k1}): EVEX.aaa != 0 is #UD.
 * The decoder adds the rest: zeroing into memory or into a mask register,
 * gathers and scatters without a mask, vvvv and V' when unused, disp8*N.
 * Register operands follow the legend in x86_decode_internal.h.
 */
#ifndef RX86_FRONTEND_X86_TABLES_EVEX_H
#define RX86_FRONTEND_X86_TABLES_EVEX_H

#include "frontend/x86_decode_internal.h"

#define EW0 F_EW0
#define EW1 F_EW1
#define BC F_BCST
#define BC16 (F_BCST | F_BCST16)
#define NOM F_NOMASK

/* One EVEX row (V1..V4 with F_EVEX). */
#define E1(m, a1, s1, f) V1(m, a1, s1, F_EVEX | (f))
#define E2(m, a1, s1, a2, s2, f) V2(m, a1, s1, a2, s2, F_EVEX | (f))
#define E3(m, a1, s1, a2, s2, a3, s3, f) V3(m, a1, s1, a2, s2, a3, s3, F_EVEX | (f))
#define E4(m, a1, s1, a2, s2, a3, s3, a4, s4, f)                                                \
    V4(m, a1, s1, a2, s2, a3, s3, a4, s4, F_EVEX | (f))

/* The implied prefix (EVEX.pp) when only one has a row, and the vector
 * length. Written as compound literals, not through PFX/LL3: a row passed
 * on to another macro would be split at its commas. */
#define NP_(...)                                                                                 \
    { .kind = X86_E_PREFIX, .sub = (const X86OpEntry[4]){ __VA_ARGS__, BAD, BAD, BAD } }
#define P66(...)                                                                                 \
    { .kind = X86_E_PREFIX, .sub = (const X86OpEntry[4]){ BAD, __VA_ARGS__, BAD, BAD } }
#define PF3(...)                                                                                 \
    { .kind = X86_E_PREFIX, .sub = (const X86OpEntry[4]){ BAD, BAD, __VA_ARGS__, BAD } }
#define PF2(...)                                                                                 \
    { .kind = X86_E_PREFIX, .sub = (const X86OpEntry[4]){ BAD, BAD, BAD, __VA_ARGS__ } }
#define L128(...) { .kind = X86_E_LL, .sub = (const X86OpEntry[3]){ __VA_ARGS__, BAD, BAD } }
#define L256UP(...)                                                                              \
    { .kind = X86_E_LL, .sub = (const X86OpEntry[3]){ BAD, __VA_ARGS__, __VA_ARGS__ } }
#define L512(...) { .kind = X86_E_LL, .sub = (const X86OpEntry[3]){ BAD, BAD, __VA_ARGS__ } }

/* Packed and scalar single/double arithmetic: NP ps W0, 66 pd W1, F3 ss
 * W0, F2 sd W1; rnd is F_ER or F_SAE. */
#define FP4(PS_, PD_, SS_, SD_, rnd)                                                             \
    PFX(E3(PS_, V, x, H, x, W, x, BC | EW0 | (rnd)), E3(PD_, V, x, H, x, W, x, BC | EW1 | (rnd)), \
        E3(SS_, V, dq, H, dq, W, ss, EW0 | (rnd)), E3(SD_, V, dq, H, dq, W, sd, EW1 | (rnd)))
/* NP ps W0 / 66 pd W1 with three operands (logic, unpacks) */
#define PSPD3(PS_, PD_, f)                                                                       \
    PFX(E3(PS_, V, x, H, x, W, x, EW0 | (f)), E3(PD_, V, x, H, x, W, x, EW1 | (f)), BAD, BAD)

/* 66-prefixed integer rows, V,x H,x W,x:
 *   BW3  byte/word elements: W ignored, no broadcast (AVX512BW)
 *   D3 / Q3  dword W0 / qword W1 elements with broadcast
 *   DQ3  W picks the dword (W0) or qword (W1) name, with broadcast */
#define BW3(m) P66(E3(m, V, x, H, x, W, x, 0))
#define D3(m) P66(E3(m, V, x, H, x, W, x, BC | EW0))
#define Q3(m) P66(E3(m, V, x, H, x, W, x, BC | EW1))
#define DQ3(D_, Q_) P66(WSEL(E3(D_, V, x, H, x, W, x, BC), E3(Q_, V, x, H, x, W, x, BC)))
#define BWSEL3(B_, W_) P66(WSEL(E3(B_, V, x, H, x, W, x, 0), E3(W_, V, x, H, x, W, x, 0)))
/* the same into a mask register (compares) */
#define KBW3(m) P66(E3(m, KG, q, H, x, W, x, 0))
#define KD3(m) P66(E3(m, KG, q, H, x, W, x, BC | EW0))
#define KQ3(m) P66(E3(m, KG, q, H, x, W, x, BC | EW1))
/* two operands, V,x W,x, W picks the name */
#define DQ2(D_, Q_, f) P66(WSEL(E2(D_, V, x, W, x, f), E2(Q_, V, x, W, x, f)))
/* W picks the name, V,x H,x W,x I,b */
#define DQ4I(D_, Q_, f)                                                                          \
    P66(WSEL(E4(D_, V, x, H, x, W, x, I, b, f), E4(Q_, V, x, H, x, W, x, I, b, f)))

#endif
