/*
 * hex.h — instruction bytes written as hex in the decoder tests
 * ("0f 1f 44 00 00"): parsed into a buffer.
 */
#ifndef RX86_TESTS_DECODER_HEX_H
#define RX86_TESTS_DECODER_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Bytes of s (hex pairs separated by spaces) into out, at most max;
 * returns how many. */
static inline size_t parse_hex(const char *s, uint8_t *out, size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        while (*s == ' ') {
            s++;
        }
        if (!*s) {
            break;
        }
        out[n++] = (uint8_t)strtoul(s, (char **)&s, 16);
    }
    return n;
}

#endif
