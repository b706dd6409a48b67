/*
 * sse_helper_int2.c — the SSE4.1 integer and blend instructions that are
 * helpers: blends by immediate and by XMM0, sign and zero extensions,
 * MPSADBW, PHMINPOSUW and INSERTPS (SDM Vol. 2, each instruction). All have
 * the binary shape of sse_helpers.h on 128-bit registers.
 */
#include "frontend/helper_desc.h"
#include "frontend/sse_helpers.h"

/* ---- blends --------------------------------------------------------------------- */

/* r = for each lane of w bytes: bit i of mask ? s : d. */
static void blend(CpuState *env, uint32_t d, uint32_t s, uint32_t mask, unsigned w)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    for (unsigned i = 0; i < 16 / w; i++) {
        if (mask & (1u << i)) {
            memcpy(&a.b[i * w], &b.b[i * w], w);
        }
    }
    sse_put(env, d, &a, 16);
}

void helper_pblendw(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    blend(env, d, s, arg & 0xff, 2);
}

void helper_blendps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    blend(env, d, s, arg & 0xf, 4);
}

void helper_blendpd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    blend(env, d, s, arg & 0x3, 8);
}

/* The variable blends take the top bit of each lane of XMM0 (implicit). */
static uint32_t xmm0_mask(const CpuState *env, unsigned w)
{
    uint32_t m = 0;
    for (unsigned i = 0; i < 16 / w; i++) {
        if (env->xmm[0].b[i * w + w - 1] & 0x80) {
            m |= 1u << i;
        }
    }
    return m;
}

void helper_pblendvb(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    blend(env, d, s, xmm0_mask(env, 1), 1);
}

void helper_blendvps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    blend(env, d, s, xmm0_mask(env, 4), 4);
}

void helper_blendvpd(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    blend(env, d, s, xmm0_mask(env, 8), 8);
}

/* ---- PMOVSX / PMOVZX ------------------------------------------------------------ */

/* Lanes of `from` bytes of s, extended to `to` bytes, fill d. */
static void extend(CpuState *env, uint32_t d, uint32_t s, unsigned from, unsigned to, bool sign)
{
    XmmReg b, r;
    unsigned n = 16 / to;
    sse_get(env, &b, s, n * from);
    for (unsigned i = 0; i < n; i++) {
        uint64_t v = 0;
        memcpy(&v, &b.b[i * from], from);
        if (sign) {
            unsigned sh = 64 - 8 * from;
            v = (uint64_t)((int64_t)(v << sh) >> sh);
        }
        memcpy(&r.b[i * to], &v, to);
    }
    sse_put(env, d, &r, 16);
}

#define EXTEND(name, from, to, sign)                                                               \
    void helper_##name(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)                        \
    {                                                                                              \
        extend(env, d, s, from, to, sign);                                                         \
    }

EXTEND(pmovsxbw, 1, 2, true)
EXTEND(pmovsxbd, 1, 4, true)
EXTEND(pmovsxbq, 1, 8, true)
EXTEND(pmovsxwd, 2, 4, true)
EXTEND(pmovsxwq, 2, 8, true)
EXTEND(pmovsxdq, 4, 8, true)
EXTEND(pmovzxbw, 1, 2, false)
EXTEND(pmovzxbd, 1, 4, false)
EXTEND(pmovzxbq, 1, 8, false)
EXTEND(pmovzxwd, 2, 4, false)
EXTEND(pmovzxwq, 2, 8, false)
EXTEND(pmovzxdq, 4, 8, false)

/* ---- MPSADBW, PHMINPOSUW --------------------------------------------------------- */

/* MPSADBW: eight sums of absolute differences of 4-byte blocks: d bytes from
 * offset imm8[2]*4 (sliding), s block imm8[1:0]*4 (SDM Vol. 2B MPSADBW). */
void helper_mpsadbw(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg a, b, r;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    unsigned da = (arg >> 2 & 1) * 4, sb = (arg & 3) * 4;
    for (unsigned i = 0; i < 8; i++) {
        unsigned sum = 0;
        for (unsigned j = 0; j < 4; j++) {
            int diff = a.b[da + i + j] - b.b[sb + j];
            sum += (unsigned)(diff < 0 ? -diff : diff);
        }
        r.w[i] = (uint16_t)sum;
    }
    sse_put(env, d, &r, 16);
}

/* PHMINPOSUW: the smallest unsigned word of s (lowest index on ties) in
 * word 0, its index in bits 18:16, the rest zero. */
void helper_phminposuw(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg b, r;
    sse_get(env, &b, s, 16);
    unsigned idx = 0;
    for (unsigned i = 1; i < 8; i++) {
        if (b.w[i] < b.w[idx]) {
            idx = i;
        }
    }
    memset(&r, 0, sizeof(r));
    r.w[0] = b.w[idx];
    r.w[1] = (uint16_t)idx;
    sse_put(env, d, &r, 16);
}

/* ---- INSERTPS -------------------------------------------------------------------- */

/* INSERTPS: dword imm8[7:6] of s (the lifter passes 0 for a memory source)
 * to lane imm8[5:4] of d, then lanes in imm8[3:0] zeroed. */
void helper_insertps(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    a.l[(arg >> 4) & 3] = b.l[(arg >> 6) & 3];
    for (unsigned i = 0; i < 4; i++) {
        if (arg & (1u << i)) {
            a.l[i] = 0;
        }
    }
    sse_put(env, d, &a, 16);
}

/* ---- descriptors ------------------------------------------------------------------ */

#define INT2_DESC(name) HELPER(name, IR_VOID, SSE_DESC_PURE, IR_I32, IR_I32, IR_I32)

INT2_DESC(pblendw);
INT2_DESC(blendps);
INT2_DESC(blendpd);
INT2_DESC(pblendvb);
INT2_DESC(blendvps);
INT2_DESC(blendvpd);
INT2_DESC(pmovsxbw);
INT2_DESC(pmovsxbd);
INT2_DESC(pmovsxbq);
INT2_DESC(pmovsxwd);
INT2_DESC(pmovsxwq);
INT2_DESC(pmovsxdq);
INT2_DESC(pmovzxbw);
INT2_DESC(pmovzxbd);
INT2_DESC(pmovzxbq);
INT2_DESC(pmovzxwd);
INT2_DESC(pmovzxwq);
INT2_DESC(pmovzxdq);
INT2_DESC(mpsadbw);
INT2_DESC(phminposuw);
INT2_DESC(insertps);
