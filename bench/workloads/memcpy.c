/*
 * memcpy — copy loops: a byte loop and a 32-bit word loop written in C (so the
 * compiler emits plain loads and stores; the build passes
 * -fno-tree-loop-distribute-patterns so gcc does not turn them into memcpy
 * calls), and `rep movsb` through inline asm (one instruction that a translator
 * should run as a whole host loop, DESIGN.md "Where QEMU's time goes").  Each
 * round copies a window of the source, at an offset that changes per round (so
 * unaligned copies happen too), with the three methods in turn, then samples the
 * destination into the checksum; a hash of the whole destination ends it.
 */
#include "workload.h"

#define BUF_LEN (1u << 20)

const char workload_name[] = "memcpy";

static volatile uint32_t param_len = BUF_LEN / 2;
static volatile uint32_t param_rounds = 1152;
static uint8_t src[BUF_LEN];
static uint8_t dst[BUF_LEN];

static void copy_bytes(uint8_t *d, const uint8_t *s, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        d[i] = s[i];
    }
}

/* n / 4 whole words; the caller passes word-aligned pointers. */
static void copy_words(uint32_t *d, const uint32_t *s, uint32_t words)
{
    for (uint32_t i = 0; i < words; i++) {
        d[i] = s[i];
    }
}

static void copy_rep_movsb(uint8_t *d, const uint8_t *s, uint32_t n)
{
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

uint32_t workload_run(void)
{
    uint32_t len = param_len, rounds = param_rounds, sum = 0;
    uint32_t x = 7;

    for (uint32_t i = 0; i < BUF_LEN; i++) {
        x = x * 1664525u + 1013904223u;
        src[i] = (uint8_t)(x >> 24);
    }
    for (uint32_t r = 0; r < rounds; r++) {
        uint32_t off = (r * 4099u) & (BUF_LEN / 2 - 1);
        switch (r % 3) {
        case 0:
            copy_bytes(dst + (r & 3), src + off, len);
            break;
        case 1:
            copy_words((uint32_t *)dst, (const uint32_t *)(src + (off & ~3u)), len / 4);
            break;
        default:
            copy_rep_movsb(dst + (r & 7), src + off, len);
            break;
        }
        for (uint32_t i = r; i < len; i += 4097) {
            sum = wl_mix(sum, dst[i]);
        }
    }
    for (uint32_t i = 0; i < len; i += 4) {
        sum = wl_mix(sum, *(const uint32_t *)(dst + i));
    }
    return sum;
}
