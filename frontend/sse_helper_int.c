/*
 * sse_helper_int.c — integer SIMD of MMX, SSE2 and SSSE3 on 64-bit MMX or
 * 128-bit XMM registers: saturating arithmetic, compares, multiplies,
 * averages, min/max, packs, shifts by a register, byte
 * shuffles, horizontal add/sub, sign and absolute value, PALIGNR and the
 * word shuffles. (SDM Vol. 2, each instruction; the lane loops follow the
 * manuals' pseudo-code.) The moves, logic, wrapping adds and the other hot
 * operations are lifted inline (lift_sse_int.c).
 *
 * Every helper has the binary shape: d = d op s, n = 8 or 16 bytes
 * (SSE_ARG_MMX), imm8 in the low bits of arg where the instruction has one.
 */
#include "frontend/helper_desc.h"
#include "frontend/sse_helpers.h"

typedef struct Lanes {
    XmmReg a, b, r;
    unsigned n; /* bytes */
} Lanes;

static inline void lanes_in(CpuState *env, Lanes *l, uint32_t d, uint32_t s, uint32_t arg)
{
    l->n = sse_arg_bytes(arg);
    sse_get(env, &l->a, d, l->n);
    sse_get(env, &l->b, s, l->n);
}

static inline void lanes_out(CpuState *env, const Lanes *l, uint32_t d)
{
    sse_put(env, d, &l->r, l->n);
}

static inline int32_t sat16(int32_t v)
{
    return v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : v;
}
static inline int32_t sat8(int32_t v)
{
    return v > INT8_MAX ? INT8_MAX : v < INT8_MIN ? INT8_MIN : v;
}
static inline int32_t satu8(int32_t v)
{
    return v > UINT8_MAX ? UINT8_MAX : v < 0 ? 0 : v;
}
static inline int32_t satu16(int32_t v)
{
    return v > UINT16_MAX ? UINT16_MAX : v < 0 ? 0 : v;
}

/* A lane-wise helper: EXPR computes r's lane i from a's and b's. The body
 * is expanded once per operand width, so its loop has a constant count and
 * the compiler can vectorize it (and write r in one piece: see sse_get). */
#define LANEWISE(name, W, EXPR)                                                                    \
    static inline __attribute__((always_inline)) void name##_n(CpuState *env, uint32_t d,         \
                                                               uint32_t s, unsigned n)             \
    {                                                                                              \
        Lanes l;                                                                                   \
        l.n = n;                                                                                   \
        sse_get(env, &l.a, d, n);                                                                  \
        sse_get(env, &l.b, s, n);                                                                  \
        for (unsigned i = 0; i < n / sizeof(l.a.W[0]); i++) {                                      \
            l.r.W[i] = (EXPR);                                                                     \
        }                                                                                          \
        lanes_out(env, &l, d);                                                                     \
    }                                                                                              \
    void helper_##name(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)                        \
    {                                                                                              \
        if (arg & SSE_ARG_MMX) {                                                                   \
            name##_n(env, d, s, 8);                                                                \
        } else {                                                                                   \
            name##_n(env, d, s, 16);                                                               \
        }                                                                                          \
    }

#define A8 ((int8_t)l.a.b[i])
#define B8 ((int8_t)l.b.b[i])
#define A16 ((int16_t)l.a.w[i])
#define B16 ((int16_t)l.b.w[i])
#define A32 ((int32_t)l.a.l[i])
#define B32 ((int32_t)l.b.l[i])
#define A64 ((int64_t)l.a.q[i])
#define B64 ((int64_t)l.b.q[i])

/* saturating add and subtract */
LANEWISE(paddsb, b, (uint8_t)sat8(A8 + B8))
LANEWISE(paddsw, w, (uint16_t)sat16(A16 + B16))
LANEWISE(paddusb, b, (uint8_t)satu8(l.a.b[i] + l.b.b[i]))
LANEWISE(paddusw, w, (uint16_t)satu16(l.a.w[i] + l.b.w[i]))
LANEWISE(psubsb, b, (uint8_t)sat8(A8 - B8))
LANEWISE(psubsw, w, (uint16_t)sat16(A16 - B16))
LANEWISE(psubusb, b, (uint8_t)satu8(l.a.b[i] - l.b.b[i]))
LANEWISE(psubusw, w, (uint16_t)satu16(l.a.w[i] - l.b.w[i]))

/* compares: all ones where true */
LANEWISE(pcmpgtb, b, A8 > B8 ? 0xff : 0)
LANEWISE(pcmpgtw, w, A16 > B16 ? 0xffff : 0)
LANEWISE(pcmpgtd, l, A32 > B32 ? ~0u : 0)
LANEWISE(pcmpgtq, q, A64 > B64 ? ~0ull : 0)
LANEWISE(pcmpeqq, q, l.a.q[i] == l.b.q[i] ? ~0ull : 0)

/* multiplies */
LANEWISE(pmullw, w, (uint16_t)(A16 *B16))
LANEWISE(pmulhw, w, (uint16_t)((A16 * B16) >> 16))
LANEWISE(pmulhuw, w, (uint16_t)(((uint32_t)l.a.w[i] * l.b.w[i]) >> 16))
LANEWISE(pmulld, l, (uint32_t)((int64_t)A32 *B32))
/* PMULUDQ/PMULDQ: the even dwords, to full qwords */
LANEWISE(pmuludq, q, (uint64_t)l.a.l[2 * i] * l.b.l[2 * i])
LANEWISE(pmuldq, q, (uint64_t)((int64_t)(int32_t)l.a.l[2 * i] * (int32_t)l.b.l[2 * i]))
/* PMULHRSW: (a*b >> 14) + 1, then >> 1 (SDM Vol. 2B PMULHRSW) */
LANEWISE(pmulhrsw, w, (uint16_t)((((A16 * B16) >> 14) + 1) >> 1))
/* PMADDWD: pairs of signed word products summed into dwords (wrapping only
 * for 0x8000 * 0x8000 twice, as the SDM notes) */
LANEWISE(pmaddwd, l,
         (uint32_t)((int32_t)(int16_t)l.a.w[2 * i] * (int16_t)l.b.w[2 * i] +
                    (uint32_t)((int32_t)(int16_t)l.a.w[2 * i + 1] * (int16_t)l.b.w[2 * i + 1])))
/* PMADDUBSW: unsigned bytes of d times signed bytes of s, pairs summed with
 * signed saturation */
LANEWISE(pmaddubsw, w,
         (uint16_t)sat16(l.a.b[2 * i] * (int8_t)l.b.b[2 * i] +
                         l.a.b[2 * i + 1] * (int8_t)l.b.b[2 * i + 1]))

/* averages, rounding up */
LANEWISE(pavgb, b, (uint8_t)((l.a.b[i] + l.b.b[i] + 1) >> 1))
LANEWISE(pavgw, w, (uint16_t)((l.a.w[i] + l.b.w[i] + 1) >> 1))

/* min and max */
LANEWISE(pminub, b, l.a.b[i] < l.b.b[i] ? l.a.b[i] : l.b.b[i])
LANEWISE(pmaxub, b, l.a.b[i] > l.b.b[i] ? l.a.b[i] : l.b.b[i])
LANEWISE(pminsw, w, A16 < B16 ? l.a.w[i] : l.b.w[i])
LANEWISE(pmaxsw, w, A16 > B16 ? l.a.w[i] : l.b.w[i])
LANEWISE(pminsb, b, A8 < B8 ? l.a.b[i] : l.b.b[i])
LANEWISE(pmaxsb, b, A8 > B8 ? l.a.b[i] : l.b.b[i])
LANEWISE(pminuw, w, l.a.w[i] < l.b.w[i] ? l.a.w[i] : l.b.w[i])
LANEWISE(pmaxuw, w, l.a.w[i] > l.b.w[i] ? l.a.w[i] : l.b.w[i])
LANEWISE(pminsd, l, A32 < B32 ? l.a.l[i] : l.b.l[i])
LANEWISE(pmaxsd, l, A32 > B32 ? l.a.l[i] : l.b.l[i])
LANEWISE(pminud, l, l.a.l[i] < l.b.l[i] ? l.a.l[i] : l.b.l[i])
LANEWISE(pmaxud, l, l.a.l[i] > l.b.l[i] ? l.a.l[i] : l.b.l[i])

/* sign (SSSE3 PSIGN): negate, keep or zero by the sign of s */
LANEWISE(psignb, b, (uint8_t)(B8 < 0 ? -A8 : B8 == 0 ? 0 : A8))
LANEWISE(psignw, w, (uint16_t)(B16 < 0 ? -A16 : B16 == 0 ? 0 : A16))
LANEWISE(psignd, l, (uint32_t)(B32 < 0 ? 0u - l.a.l[i] : B32 == 0 ? 0u : l.a.l[i]))
/* absolute value of s (unsigned result: 0x80 gives 0x80) */
LANEWISE(pabsb, b, (uint8_t)(B8 < 0 ? -B8 : B8))
LANEWISE(pabsw, w, (uint16_t)(B16 < 0 ? -B16 : B16))
LANEWISE(pabsd, l, B32 < 0 ? 0u - l.b.l[i] : l.b.l[i])

/* PSADBW: sums of absolute byte differences per qword, in its low word */
void helper_psadbw(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    Lanes l;
    lanes_in(env, &l, d, s, arg);
    for (unsigned q = 0; q < l.n / 8; q++) {
        unsigned sum = 0;
        for (unsigned i = 8 * q; i < 8 * q + 8; i++) {
            int diff = l.a.b[i] - l.b.b[i];
            sum += (unsigned)(diff < 0 ? -diff : diff);
        }
        l.r.q[q] = sum;
    }
    lanes_out(env, &l, d);
}

/* ---- packs --------------------------------------------------------- */

/* PACK*: the lanes of d then those of s, narrowed with saturation. */
#define PACK(name, WIN, WOUT, SAT, TIN)                                                            \
    void helper_##name(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)                        \
    {                                                                                              \
        Lanes l;                                                                                   \
        lanes_in(env, &l, d, s, arg);                                                              \
        unsigned m = l.n / sizeof(l.a.WIN[0]);                                                     \
        for (unsigned i = 0; i < m; i++) {                                                         \
            l.r.WOUT[i] = SAT((TIN)l.a.WIN[i]);                                                    \
            l.r.WOUT[m + i] = SAT((TIN)l.b.WIN[i]);                                                \
        }                                                                                          \
        lanes_out(env, &l, d);                                                                     \
    }

static inline int32_t sat32to16(int32_t v)
{
    return sat16(v);
}
static inline int32_t satu32to16(int32_t v)
{
    return satu16(v);
}
PACK(packsswb, w, b, sat8, int16_t)
PACK(packuswb, w, b, satu8, int16_t)
PACK(packssdw, l, w, sat32to16, int32_t)
PACK(packusdw, l, w, satu32to16, int32_t)

/* ---- shifts by a count in s (the whole low qword counts) ------------------------- */

#define SHIFT(name, W, BITS, EXPR)                                                                 \
    void helper_##name(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)                        \
    {                                                                                              \
        Lanes l;                                                                                   \
        lanes_in(env, &l, d, s, arg);                                                              \
        uint64_t c = l.b.q[0];                                                                     \
        for (unsigned i = 0; i < l.n / sizeof(l.a.W[0]); i++) {                                    \
            l.r.W[i] = (EXPR);                                                                     \
        }                                                                                          \
        lanes_out(env, &l, d);                                                                     \
    }

SHIFT(psllw, w, 16, c > 15 ? 0 : (uint16_t)(l.a.w[i] << c))
SHIFT(pslld, l, 32, c > 31 ? 0 : l.a.l[i] << c)
SHIFT(psllq, q, 64, c > 63 ? 0 : l.a.q[i] << c)
SHIFT(psrlw, w, 16, c > 15 ? 0 : l.a.w[i] >> c)
SHIFT(psrld, l, 32, c > 31 ? 0 : l.a.l[i] >> c)
SHIFT(psrlq, q, 64, c > 63 ? 0 : l.a.q[i] >> c)
SHIFT(psraw, w, 16, (uint16_t)(A16 >> (c > 15 ? 15 : c)))
SHIFT(psrad, l, 32, (uint32_t)(A32 >> (c > 31 ? 31 : c)))

/* ---- SSSE3 byte shuffle, horizontal add/sub, align --------------------------------- */

/* PSHUFB: byte i = 0 if s byte i has bit 7, else d byte (s & 7 or 15). */
void helper_pshufb(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    Lanes l;
    lanes_in(env, &l, d, s, arg);
    for (unsigned i = 0; i < l.n; i++) {
        uint8_t c = l.b.b[i];
        l.r.b[i] = c & 0x80 ? 0 : l.a.b[c & (l.n - 1)];
    }
    lanes_out(env, &l, d);
}

/* PHADD/PHSUB: adjacent pairs of d, then of s. */
#define HORIZONTAL(name, W, T, EXPR)                                                               \
    void helper_##name(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)                        \
    {                                                                                              \
        Lanes l;                                                                                   \
        lanes_in(env, &l, d, s, arg);                                                              \
        unsigned m = l.n / sizeof(l.a.W[0]) / 2;                                                   \
        for (unsigned i = 0; i < m; i++) {                                                         \
            T x = (T)l.a.W[2 * i], y = (T)l.a.W[2 * i + 1];                                        \
            l.r.W[i] = (EXPR);                                                                     \
            x = (T)l.b.W[2 * i];                                                                   \
            y = (T)l.b.W[2 * i + 1];                                                               \
            l.r.W[m + i] = (EXPR);                                                                 \
        }                                                                                          \
        lanes_out(env, &l, d);                                                                     \
    }

HORIZONTAL(phaddw, w, int16_t, (uint16_t)(x + y))
HORIZONTAL(phsubw, w, int16_t, (uint16_t)(x - y))
HORIZONTAL(phaddsw, w, int16_t, (uint16_t)sat16(x + y))
HORIZONTAL(phsubsw, w, int16_t, (uint16_t)sat16(x - y))
HORIZONTAL(phaddd, l, uint32_t, x + y)
HORIZONTAL(phsubd, l, uint32_t, x - y)

/* PALIGNR: (d:s) >> imm8 bytes, the low n bytes (imm8 >= 2n: zero). */
void helper_palignr(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    Lanes l;
    lanes_in(env, &l, d, s, arg);
    unsigned c = arg & 0xff;
    for (unsigned i = 0; i < l.n; i++) {
        unsigned k = i + c;
        l.r.b[i] = k < l.n ? l.b.b[k] : k < 2 * l.n ? l.a.b[k - l.n] : 0;
    }
    lanes_out(env, &l, d);
}

/* PSHUFW (MMX), PSHUFLW, PSHUFHW: words of s chosen by imm8 pairs. */
void helper_pshufw(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg b, r;
    sse_get(env, &b, s, 8);
    for (unsigned i = 0; i < 4; i++) {
        r.w[i] = b.w[(arg >> (2 * i)) & 3];
    }
    sse_put(env, d, &r, 8);
}

void helper_pshuflw(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg b, r;
    sse_get(env, &b, s, 16);
    for (unsigned i = 0; i < 4; i++) {
        r.w[i] = b.w[(arg >> (2 * i)) & 3];
    }
    r.q[1] = b.q[1];
    sse_put(env, d, &r, 16);
}

void helper_pshufhw(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg b, r;
    sse_get(env, &b, s, 16);
    r.q[0] = b.q[0];
    for (unsigned i = 0; i < 4; i++) {
        r.w[4 + i] = b.w[4 + ((arg >> (2 * i)) & 3)];
    }
    sse_put(env, d, &r, 16);
}

/* PTEST: ZF = (d & s) == 0, CF = (~d & s) == 0 (SDM Vol. 2B PTEST). */
uint64_t helper_ptest(CpuState *env, uint32_t d, uint32_t s)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    uint64_t and = (a.q[0] & b.q[0]) | (a.q[1] & b.q[1]);
    uint64_t andn = (~a.q[0] & b.q[0]) | (~a.q[1] & b.q[1]);
    return (and == 0 ? EFLAGS_ZF : 0) | (andn == 0 ? EFLAGS_CF : 0);
}

/* ---- descriptors ------------------------------------------------------------------ */

#define INT_DESC(name) HELPER(name, IR_VOID, SSE_DESC_PURE, IR_I32, IR_I32, IR_I32)

INT_DESC(paddsb);
INT_DESC(paddsw);
INT_DESC(paddusb);
INT_DESC(paddusw);
INT_DESC(psubsb);
INT_DESC(psubsw);
INT_DESC(psubusb);
INT_DESC(psubusw);
INT_DESC(pcmpgtb);
INT_DESC(pcmpgtw);
INT_DESC(pcmpgtd);
INT_DESC(pcmpgtq);
INT_DESC(pcmpeqq);
INT_DESC(pmullw);
INT_DESC(pmulhw);
INT_DESC(pmulhuw);
INT_DESC(pmulld);
INT_DESC(pmuludq);
INT_DESC(pmuldq);
INT_DESC(pmulhrsw);
INT_DESC(pmaddwd);
INT_DESC(pmaddubsw);
INT_DESC(pavgb);
INT_DESC(pavgw);
INT_DESC(pminub);
INT_DESC(pmaxub);
INT_DESC(pminsw);
INT_DESC(pmaxsw);
INT_DESC(pminsb);
INT_DESC(pmaxsb);
INT_DESC(pminuw);
INT_DESC(pmaxuw);
INT_DESC(pminsd);
INT_DESC(pmaxsd);
INT_DESC(pminud);
INT_DESC(pmaxud);
INT_DESC(psignb);
INT_DESC(psignw);
INT_DESC(psignd);
INT_DESC(pabsb);
INT_DESC(pabsw);
INT_DESC(pabsd);
INT_DESC(psadbw);
INT_DESC(packsswb);
INT_DESC(packuswb);
INT_DESC(packssdw);
INT_DESC(packusdw);
INT_DESC(psllw);
INT_DESC(pslld);
INT_DESC(psllq);
INT_DESC(psrlw);
INT_DESC(psrld);
INT_DESC(psrlq);
INT_DESC(psraw);
INT_DESC(psrad);
INT_DESC(pshufb);
INT_DESC(phaddw);
INT_DESC(phsubw);
INT_DESC(phaddsw);
INT_DESC(phsubsw);
INT_DESC(phaddd);
INT_DESC(phsubd);
INT_DESC(palignr);
INT_DESC(pshufw);
INT_DESC(pshuflw);
INT_DESC(pshufhw);
HELPER(ptest, IR_I64, SSE_DESC_PURE, IR_I32, IR_I32);
