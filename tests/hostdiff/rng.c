/*
 * rng.c — the harness's random numbers (xoshiro256** seeded by splitmix64),
 * the value mix its registers and data use, the data pages of a case, and
 * the small helpers on memory images and FXSAVE images both sides share.
 *
 * Everything here is part of the recorded-expectations format: a case's
 * data pages are rebuilt from its seed on replay, on any host, so these
 * functions must keep producing the same bytes.
 */
#include "tests/hostdiff/hostdiff.h"

#include <string.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void hd_rng_seed(HdRng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        r->s[i] = splitmix64(&x);
    }
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t hd_rng_next(HdRng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t hd_rng_below(HdRng *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)hd_rng_next(r) * n) >> 64);
}

bool hd_rng_chance(HdRng *r, unsigned num, unsigned den)
{
    return hd_rng_below(r, den) < num;
}

uint64_t hd_case_seed(uint64_t run_seed, uint64_t index)
{
    uint64_t x = run_seed ^ (index * 0xd1342543de82ef95ull);
    splitmix64(&x);
    return splitmix64(&x);
}

/* Values at the edges of the operand sizes, where carries, overflows and
 * sign changes happen. */
static const uint64_t boundaries[] = {
    0,
    1,
    2,
    0x7f,
    0x80,
    0xff,
    0x100,
    0x7fff,
    0x8000,
    0xffff,
    0x10000,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000ull,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    0xffffffffffffffffull,
    0xfffffffffffffffeull,
};

uint64_t hd_rng_int(HdRng *r)
{
    uint64_t kind = hd_rng_below(r, 16);
    uint64_t x = hd_rng_next(r);
    if (kind < 6) {
        return x; /* random bits */
    }
    if (kind < 8) {
        return (uint64_t)(int64_t)(int8_t)x; /* small, either sign */
    }
    if (kind < 11) {
        uint64_t b = boundaries[hd_rng_below(r, sizeof(boundaries) / sizeof(boundaries[0]))];
        if (kind == 10) {
            /* the boundary in the low 8, 16 or 32 bits, random bits above */
            unsigned w = 8u << hd_rng_below(r, 3);
            uint64_t m = (1ull << w) - 1;
            return (x & ~m) | (b & m);
        }
        return b;
    }
    if (kind < 13) {
        return (uint32_t)x; /* a zero-extended dword */
    }
    if (kind == 13) {
        return x & 0xffff;
    }
    /* one bit, or one bit minus one (a mask) */
    uint64_t bit = 1ull << (x & 63);
    return kind == 14 ? bit : bit - 1;
}

void hd_fill_data(uint8_t *buf, size_t len, uint64_t seed)
{
    HdRng r;
    hd_rng_seed(&r, seed);
    for (size_t i = 0; i + 8 <= len; i += 8) {
        uint64_t v = hd_rng_int(&r);
        hd_put_le64(buf + i, v);
    }
}

void hd_case_data(const HdCase *k, uint8_t *buf)
{
    hd_fill_data(buf, HD_DATA_SIZE, k->data_seed);
    for (unsigned i = 0; i < k->novl && i < HD_MAX_OVERLAYS; i++) {
        if (k->ovl[i].off <= HD_DATA_SIZE - 8) {
            hd_put_le64(buf + k->ovl[i].off, k->ovl[i].val);
        }
    }
}

uint64_t hd_hash(const uint8_t *p, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h = (h ^ p[i]) * 0x100000001b3ull;
    }
    return h;
}

void hd_mem_diff(const uint8_t *before, const uint8_t *after, HdMemDiff *d)
{
    d->count = 0;
    for (uint32_t off = 0; off < HD_DATA_SIZE; off += 8) {
        uint64_t a = hd_le64(before + off), b = hd_le64(after + off);
        if (a != b) {
            if (d->count < HD_MAX_DIFF) {
                d->off[d->count] = (uint16_t)off;
                d->val[d->count] = b;
            }
            d->count++;
        }
    }
    d->hash = hd_hash(after, HD_DATA_SIZE);
}

/* ---- little-endian fields (guest memory and FXSAVE images) ------------------------ */

uint64_t hd_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = v << 8 | p[i];
    }
    return v;
}

void hd_put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

uint16_t hd_fx16(const uint8_t *fx, unsigned off)
{
    return (uint16_t)(fx[off] | fx[off + 1] << 8);
}

uint32_t hd_fx32(const uint8_t *fx, unsigned off)
{
    return (uint32_t)hd_fx16(fx, off) | (uint32_t)hd_fx16(fx, off + 2) << 16;
}

uint64_t hd_fx64(const uint8_t *fx, unsigned off)
{
    return (uint64_t)hd_fx32(fx, off) | (uint64_t)hd_fx32(fx, off + 4) << 32;
}

void hd_fx_put16(uint8_t *fx, unsigned off, uint16_t v)
{
    fx[off] = (uint8_t)v;
    fx[off + 1] = (uint8_t)(v >> 8);
}

void hd_fx_put32(uint8_t *fx, unsigned off, uint32_t v)
{
    hd_fx_put16(fx, off, (uint16_t)v);
    hd_fx_put16(fx, off + 2, (uint16_t)(v >> 16));
}

void hd_fx_put64(uint8_t *fx, unsigned off, uint64_t v)
{
    hd_fx_put32(fx, off, (uint32_t)v);
    hd_fx_put32(fx, off + 4, (uint32_t)(v >> 32));
}

void hd_fx_init(uint8_t *fx)
{
    memset(fx, 0, FX_SIZE);
    hd_fx_put16(fx, FX_FCW, 0x037f);
    hd_fx_put32(fx, FX_MXCSR, 0x1f80);
}

void hd_fx_normalize(uint8_t *fx)
{
    fx[FX_FTW + 1] = 0;
    memset(fx + FX_FOP, 0, FX_MXCSR - FX_FOP);
    memset(fx + FX_MXCSR_MASK, 0, 4);
    for (unsigned i = 0; i < 8; i++) {
        memset(fx + FX_ST0 + 16 * i + 10, 0, 6);
    }
    memset(fx + FX_XMM0 + 16 * 16, 0, FX_SIZE - (FX_XMM0 + 16 * 16));
}
