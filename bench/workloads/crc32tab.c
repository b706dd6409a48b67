/*
 * crc32tab — table-driven CRC-32 (IEEE 802.3 / zlib polynomial, reflected
 * EDB88320h) in C: fill a buffer from a linear congruential generator, then one
 * running CRC over the buffer repeated PASSES times.  The result equals zlib's
 * crc32() of the same bytes (bench/run.py's expected value was checked so).
 * Per byte: a load, an xor, a table load and a shift: the inner loop of every
 * decompressor and checksum in a booting kernel.
 */
#include "workload.h"

#define BUF_LEN (1u << 20)

const char workload_name[] = "crc32tab";

static volatile uint32_t param_len = BUF_LEN;
static volatile uint32_t param_passes = 256;
static uint8_t buf[BUF_LEN];
static uint32_t table[256];

uint32_t workload_run(void)
{
    uint32_t len = param_len, passes = param_passes;

    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        }
        table[n] = c;
    }
    uint32_t x = 1;                     /* x = x * 1103515245 + 12345 mod 2^32 */
    for (uint32_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }

    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t p = 0; p < passes; p++) {
        for (uint32_t i = 0; i < len; i++) {
            crc = table[(crc ^ buf[i]) & 0xFF] ^ (crc >> 8);
        }
    }
    return ~crc;
}
