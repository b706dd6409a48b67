/*
 * A minimal unit-test harness: CHECK records a failure with its location and
 * goes on; a test program returns check_report() from main, which prints a
 * one-line summary and fails if any CHECK failed.
 */
#ifndef RX86_TESTS_CHECK_H
#define RX86_TESTS_CHECK_H

#include <inttypes.h>
#include <stdio.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

/* Compare two unsigned values and print both when they differ. */
#define CHECK_EQ(got, want)                                                                        \
    do {                                                                                           \
        uint64_t got_ = (uint64_t)(got), want_ = (uint64_t)(want);                                 \
        check_count++;                                                                             \
        if (got_ != want_) {                                                                       \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s is 0x%" PRIx64 ", want 0x%" PRIx64 "\n", __FILE__,          \
                    __LINE__, #got, got_, want_);                                                  \
        }                                                                                          \
    } while (0)

static inline int check_report(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures ? 1 : 0;
}

#endif
