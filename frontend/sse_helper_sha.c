/*
 * sse_helper_sha.c — the SHA extensions (SHA1RNDS4, SHA1NEXTE, SHA1MSG1,
 * SHA1MSG2, SHA256RNDS2, SHA256MSG1, SHA256MSG2) in portable C, from the
 * "Operation" sections of SDM Vol. 2C (SHA1RNDS4 and the following pages);
 * FIPS 180-4 4.1 and 6.1/6.2 for the functions and constants.
 *
 * The instructions see an XMM register as four dwords, the most significant
 * (bits 127:96, l[3] here) first: SHA1RNDS4's state A,B,C,D is l[3..0]. Each
 * helper reads all its operands before it writes d, which may be one of
 * them (SHA256RNDS2's implicit XMM0 included). They are checked against the
 * host's instructions by tests/unit/sha_test.c.
 */
#include "frontend/helper_desc.h"
#include "frontend/sse_helpers.h"

static uint32_t rol32(uint32_t x, unsigned n)
{
    return x << n | x >> (32 - n);
}

static uint32_t ror32(uint32_t x, unsigned n)
{
    return x >> n | x << (32 - n);
}

/* ---- SHA-1 -------------------------------------------------------------------------- */

/* f0..f3 and K0..K3 of SHA1RNDS4's imm8[1:0] (FIPS 180-4 4.1.1, 4.2.1:
 * Ch, Parity, Maj, Parity for rounds 0-19, 20-39, 40-59, 60-79). */
static uint32_t sha1_f(unsigned fn, uint32_t b, uint32_t c, uint32_t d)
{
    switch (fn) {
    case 0:
        return (b & c) ^ (~b & d);
    case 2:
        return (b & c) ^ (b & d) ^ (c & d);
    default:
        return b ^ c ^ d;
    }
}

static const uint32_t sha1_k[4] = {0x5a827999u, 0x6ed9eba1u, 0x8f1bbcdcu, 0xca62c1d6u};

/* Four rounds on A,B,C,D = d[127:0] from the high dword down, with s holding
 * W0+E, W1, W2, W3 (the same order); E starts as 0 because the first
 * message dword already has it added. */
void helper_sha1rnds4(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg st, w;
    sse_get(env, &st, d, 16);
    sse_get(env, &w, s, 16);
    unsigned fn = arg & 3;
    uint32_t a = st.l[3], b = st.l[2], c = st.l[1], dd = st.l[0], e = 0;
    for (unsigned i = 0; i < 4; i++) {
        uint32_t t = sha1_f(fn, b, c, dd) + rol32(a, 5) + w.l[3 - i] + e + sha1_k[fn];
        e = dd;
        dd = c;
        c = rol32(b, 30);
        b = a;
        a = t;
    }
    st.l[3] = a;
    st.l[2] = b;
    st.l[1] = c;
    st.l[0] = dd;
    sse_put(env, d, &st, 16);
}

/* SHA1NEXTE: the next E (A of four rounds ago, rotated by 30) added to the
 * top dword of s; the other three dwords of s pass through. */
void helper_sha1nexte(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg a, r;
    sse_get(env, &a, d, 16);
    sse_get(env, &r, s, 16);
    r.l[3] += rol32(a.l[3], 30);
    sse_put(env, d, &r, 16);
}

/* SHA1MSG1: the first XOR of the message schedule, W[i-16] ^ W[i-14], for
 * W0..W3 in d (W0 on top) and W4, W5 in the top dwords of s. */
void helper_sha1msg1(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg a, b, r;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    r.l[3] = a.l[1] ^ a.l[3];
    r.l[2] = a.l[0] ^ a.l[2];
    r.l[1] = b.l[3] ^ a.l[1];
    r.l[0] = b.l[2] ^ a.l[0];
    sse_put(env, d, &r, 16);
}

/* SHA1MSG2: W16..W19 = ROL1(d's partial sums ^ W13..W16), W13..W15 in the
 * low dwords of s; W19 uses the W16 just computed. */
void helper_sha1msg2(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg a, b, r;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    uint32_t w16 = rol32(a.l[3] ^ b.l[2], 1);
    uint32_t w17 = rol32(a.l[2] ^ b.l[1], 1);
    uint32_t w18 = rol32(a.l[1] ^ b.l[0], 1);
    uint32_t w19 = rol32(a.l[0] ^ w16, 1);
    r.l[3] = w16;
    r.l[2] = w17;
    r.l[1] = w18;
    r.l[0] = w19;
    sse_put(env, d, &r, 16);
}

/* ---- SHA-256 (FIPS 180-4 4.1.2) ------------------------------------------------------ */

static uint32_t big_sigma0(uint32_t x)
{
    return ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22);
}

static uint32_t big_sigma1(uint32_t x)
{
    return ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25);
}

static uint32_t small_sigma0(uint32_t x)
{
    return ror32(x, 7) ^ ror32(x, 18) ^ x >> 3;
}

static uint32_t small_sigma1(uint32_t x)
{
    return ror32(x, 17) ^ ror32(x, 19) ^ x >> 10;
}

/* SHA256RNDS2: two rounds. C,D,G,H come from d (top down), A,B,E,F from s;
 * the two W+K sums from the low dwords of XMM0. d gets A,B,E,F after them. */
void helper_sha256rnds2(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg cdgh, abef, wk;
    sse_get(env, &cdgh, d, 16);
    sse_get(env, &abef, s, 16);
    wk = env->xmm[0];
    uint32_t a = abef.l[3], b = abef.l[2], e = abef.l[1], f = abef.l[0];
    uint32_t c = cdgh.l[3], dd = cdgh.l[2], g = cdgh.l[1], h = cdgh.l[0];
    for (unsigned i = 0; i < 2; i++) {
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t1 = h + big_sigma1(e) + ch + wk.l[i];
        uint32_t t2 = big_sigma0(a) + maj;
        h = g;
        g = f;
        f = e;
        e = dd + t1;
        dd = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    XmmReg r;
    r.l[3] = a;
    r.l[2] = b;
    r.l[1] = e;
    r.l[0] = f;
    sse_put(env, d, &r, 16);
}

/* SHA256MSG1: W[i] + sigma0(W[i+1]) for W0..W3 in d (W0 in the low dword)
 * and W4 the low dword of s. */
void helper_sha256msg1(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg a, b, r;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    r.l[3] = a.l[3] + small_sigma0(b.l[0]);
    r.l[2] = a.l[2] + small_sigma0(a.l[3]);
    r.l[1] = a.l[1] + small_sigma0(a.l[2]);
    r.l[0] = a.l[0] + small_sigma0(a.l[1]);
    sse_put(env, d, &r, 16);
}

/* SHA256MSG2: W16..W19 = d's partial sums + sigma1(W[i-2]), with W14, W15
 * the top two dwords of s and W18, W19 using the W16, W17 just computed. */
void helper_sha256msg2(CpuState *env, uint32_t d, uint32_t s, uint32_t arg)
{
    XmmReg a, b, r;
    sse_get(env, &a, d, 16);
    sse_get(env, &b, s, 16);
    uint32_t w16 = a.l[0] + small_sigma1(b.l[2]);
    uint32_t w17 = a.l[1] + small_sigma1(b.l[3]);
    uint32_t w18 = a.l[2] + small_sigma1(w16);
    uint32_t w19 = a.l[3] + small_sigma1(w17);
    r.l[0] = w16;
    r.l[1] = w17;
    r.l[2] = w18;
    r.l[3] = w19;
    sse_put(env, d, &r, 16);
}

/* Only vector registers in the CPU state: no globals, no faults. */
#define SHA_DESC(name) HELPER(name, IR_VOID, SSE_DESC_PURE, IR_I32, IR_I32, IR_I32)
SHA_DESC(sha1rnds4);
SHA_DESC(sha1nexte);
SHA_DESC(sha1msg1);
SHA_DESC(sha1msg2);
SHA_DESC(sha256rnds2);
SHA_DESC(sha256msg1);
SHA_DESC(sha256msg2);
