/*
 * sse_helper_pcmpstr.c — the SSE4.2 string compares PCMPESTRI, PCMPESTRM,
 * PCMPISTRI and PCMPISTRM (SDM Vol. 2B 4.1, "Imm8 Control Byte Operation
 * for PCMPESTRI / PCMPESTRM / PCMPISTRI / PCMPISTRM").
 *
 * The first operand (the register, "src1") and the second (register or
 * memory, "src2") hold 16 bytes or 8 words, signed or unsigned (imm8[1:0]).
 * Their lengths are explicit (|EAX|, |EDX| saturated to the element count;
 * RAX/RDX with REX.W) or implicit (up to the first zero element). Every
 * pair of elements is compared, elements past a length overriding the
 * result by the table of SDM 4.1.6; the aggregation imm8[3:2] (equal any,
 * ranges, equal each, equal ordered) gives IntRes1, the polarity imm8[5:4]
 * IntRes2, and the output is its index (lowest or highest set bit by
 * imm8[6]) or a mask in XMM0 (bits, or elements expanded by imm8[6]).
 * Flags: CF = IntRes2 != 0, ZF = src2 shorter than the register, SF = src1
 * shorter, OF = IntRes2 bit 0, AF = PF = 0.
 */
#include "frontend/helper_desc.h"
#include "frontend/sse_helpers.h"

typedef struct StrOperands {
    int32_t e1[16], e2[16]; /* elements, sign- or zero-extended */
    unsigned n;             /* 16 bytes or 8 words */
    unsigned len1, len2;
} StrOperands;

static void load_elements(const XmmReg *r, unsigned ctl, int32_t *e)
{
    bool words = ctl & 1, sign = ctl & 2;
    for (unsigned i = 0; i < (words ? 8u : 16u); i++) {
        if (words) {
            e[i] = sign ? (int16_t)r->w[i] : r->w[i];
        } else {
            e[i] = sign ? (int8_t)r->b[i] : r->b[i];
        }
    }
}

static unsigned implicit_length(const int32_t *e, unsigned n)
{
    unsigned i = 0;
    while (i < n && e[i] != 0) {
        i++;
    }
    return i;
}

/* |v| saturated to n, v taken as 32 or 64 bits (REX.W). */
static unsigned explicit_length(uint64_t v, bool rexw, unsigned n)
{
    int64_t x = rexw ? (int64_t)v : (int64_t)(int32_t)v;
    if (x == INT64_MIN) {
        return n;
    }
    uint64_t a = (uint64_t)(x < 0 ? -x : x);
    return a > n ? n : (unsigned)a;
}

/* BoolRes[i][j] with the overrides for elements past either length. */
static bool bool_res(const StrOperands *o, unsigned agg, unsigned i, unsigned j)
{
    bool v1 = i < o->len1, v2 = j < o->len2;
    if (!v1 || !v2) {
        switch (agg) {
        case 2: /* equal each */
            return !v1 && !v2;
        case 3: /* equal ordered */
            return !v1;
        default: /* equal any, ranges */
            return false;
        }
    }
    if (agg == 1) { /* ranges: src1[even] <= src2[j] <= src1[odd] */
        return i & 1 ? o->e2[j] <= o->e1[i] : o->e2[j] >= o->e1[i];
    }
    return o->e1[i] == o->e2[j];
}

/* IntRes2, and the flags in *flags. */
static uint32_t compare(CpuState *env, uint32_t d, uint32_t s, uint32_t ctl, bool explicit_len,
                        uint64_t rax, uint64_t rdx, StrOperands *o, uint64_t *flags)
{
    XmmReg a, b;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    o->n = ctl & 1 ? 8 : 16;
    load_elements(&a, ctl, o->e1);
    load_elements(&b, ctl, o->e2);
    if (explicit_len) {
        bool rexw = (ctl & SSE_PCMPSTR_REXW) != 0;
        o->len1 = explicit_length(rax, rexw, o->n);
        o->len2 = explicit_length(rdx, rexw, o->n);
    } else {
        o->len1 = implicit_length(o->e1, o->n);
        o->len2 = implicit_length(o->e2, o->n);
    }
    unsigned agg = (ctl >> 2) & 3, n = o->n;
    uint32_t res1 = 0;
    for (unsigned j = 0; j < n; j++) {
        bool bit = false;
        switch (agg) {
        case 0: /* equal any: src2[j] is one of src1 */
            for (unsigned i = 0; i < n && !bit; i++) {
                bit = bool_res(o, agg, i, j);
            }
            break;
        case 1: /* ranges: src2[j] in one of the pairs of src1 */
            for (unsigned i = 0; i + 1 < n && !bit; i += 2) {
                bit = bool_res(o, agg, i, j) && bool_res(o, agg, i + 1, j);
            }
            break;
        case 2: /* equal each */
            bit = bool_res(o, agg, j, j);
            break;
        default: /* equal ordered: src1 starts at src2[j] */
            bit = true;
            for (unsigned k = 0; k + j < n && bit; k++) {
                bit = bool_res(o, agg, k, j + k);
            }
            break;
        }
        res1 |= (uint32_t)bit << j;
    }
    uint32_t all = (1u << n) - 1, res2;
    switch ((ctl >> 4) & 3) {
    case 1: /* negative */
        res2 = ~res1 & all;
        break;
    case 3: /* masked negative: only where src2 is valid */
        res2 = res1 ^ ((1u << o->len2) - 1);
        break;
    default:
        res2 = res1;
        break;
    }
    *flags = (res2 != 0 ? EFLAGS_CF : 0) | (o->len2 < n ? EFLAGS_ZF : 0) |
             (o->len1 < n ? EFLAGS_SF : 0) | (res2 & 1 ? EFLAGS_OF : 0);
    return res2;
}

static uint64_t index_result(uint32_t res2, uint32_t ctl, unsigned n, uint64_t flags)
{
    unsigned idx;
    if (res2 == 0) {
        idx = n;
    } else if (ctl & 0x40) {
        idx = 31 - (unsigned)__builtin_clz(res2);
    } else {
        idx = (unsigned)__builtin_ctz(res2);
    }
    return flags | (uint64_t)idx << 32;
}

static uint64_t mask_result(CpuState *env, uint32_t res2, uint32_t ctl, unsigned n, uint64_t flags)
{
    XmmReg m;
    memset(&m, 0, sizeof(m));
    if (ctl & 0x40) { /* expanded: each element all ones or zero */
        for (unsigned i = 0; i < n; i++) {
            if (res2 & (1u << i)) {
                if (n == 8) {
                    m.w[i] = 0xffff;
                } else {
                    m.b[i] = 0xff;
                }
            }
        }
    } else {
        m.q[0] = res2;
    }
    env->xmm[0] = m;
    return flags;
}

uint64_t helper_pcmpestri(CpuState *env, uint32_t d, uint32_t s, uint32_t ctl, uint64_t rax,
                          uint64_t rdx)
{
    StrOperands o;
    uint64_t flags;
    uint32_t r = compare(env, d, s, ctl, true, rax, rdx, &o, &flags);
    return index_result(r, ctl, o.n, flags);
}

uint64_t helper_pcmpistri(CpuState *env, uint32_t d, uint32_t s, uint32_t ctl, uint64_t rax,
                          uint64_t rdx)
{
    StrOperands o;
    uint64_t flags;
    uint32_t r = compare(env, d, s, ctl, false, rax, rdx, &o, &flags);
    return index_result(r, ctl, o.n, flags);
}

uint64_t helper_pcmpestrm(CpuState *env, uint32_t d, uint32_t s, uint32_t ctl, uint64_t rax,
                          uint64_t rdx)
{
    StrOperands o;
    uint64_t flags;
    uint32_t r = compare(env, d, s, ctl, true, rax, rdx, &o, &flags);
    return mask_result(env, r, ctl, o.n, flags);
}

uint64_t helper_pcmpistrm(CpuState *env, uint32_t d, uint32_t s, uint32_t ctl, uint64_t rax,
                          uint64_t rdx)
{
    StrOperands o;
    uint64_t flags;
    uint32_t r = compare(env, d, s, ctl, false, rax, rdx, &o, &flags);
    return mask_result(env, r, ctl, o.n, flags);
}

#define PCMPSTR_DESC(name)                                                                         \
    HELPER(name, IR_I64, SSE_DESC_PURE, IR_I32, IR_I32, IR_I32, IR_I64, IR_I64)
PCMPSTR_DESC(pcmpestri);
PCMPSTR_DESC(pcmpestrm);
PCMPSTR_DESC(pcmpistri);
PCMPSTR_DESC(pcmpistrm);
