/*
 * workload.h — the contract between entry.asm and a C benchmark workload.
 *
 * A workload is pure computation in freestanding C (no libc, no I/O): entry.asm
 * calls workload_run() once and prints "<workload_name> <checksum as 8 hex digits>"
 * on port 0xE9.  The checksum must depend on every step of the work, so that an
 * emulator that skips or miscomputes any part prints a different line.
 *
 * Sizes come from volatile variables read at run time, so the compiler cannot
 * fold the work into a constant.  Only 32-bit arithmetic: a 64-bit division would
 * need libgcc, which a -nostdlib guest does not have.
 */
#ifndef RX86_BENCH_WORKLOAD_H
#define RX86_BENCH_WORKLOAD_H

#include <stdint.h>

extern const char workload_name[];
uint32_t workload_run(void);

/* Fold one value into a running checksum (a rotate-multiply mix). */
static inline uint32_t wl_mix(uint32_t sum, uint32_t value)
{
    sum ^= value;
    sum = (sum << 5) | (sum >> 27);
    return sum * 0x9E3779B1u;
}

#endif
