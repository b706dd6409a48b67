/*
 * check.h — the smallest test helper: CHECK(cond, fmt, ...) prints a
 * failure with its location and counts it; check_failures says how many.
 */
#ifndef RX86_TESTS_DECODER_CHECK_H
#define RX86_TESTS_DECODER_CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(cond, ...)                                                                         \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            check_failures++;                                                                    \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);            \
            fprintf(stderr, __VA_ARGS__);                                                        \
            fputc('\n', stderr);                                                                 \
        }                                                                                        \
    } while (0)

#endif
