/*
 * sieve — the sieve of Eratosthenes over a byte array: count the primes below
 * limit, ROUNDS times with a slightly smaller limit each round (so every round's
 * count enters the checksum).  Measures tight loops of byte stores with a stride
 * (the marking) and byte loads with a compare and branch (the counting).
 */
#include "workload.h"

#define SIEVE_MAX 4000000u

const char workload_name[] = "sieve";

static volatile uint32_t param_limit = SIEVE_MAX;
static volatile uint32_t param_rounds = 32;
static uint8_t composite[SIEVE_MAX];

static uint32_t count_primes(uint32_t limit)
{
    for (uint32_t i = 0; i < limit; i++) {
        composite[i] = 0;
    }
    for (uint32_t i = 2; i * i < limit; i++) {
        if (!composite[i]) {
            for (uint32_t j = i * i; j < limit; j += i) {
                composite[j] = 1;
            }
        }
    }
    uint32_t count = 0;
    for (uint32_t i = 2; i < limit; i++) {
        count += !composite[i];
    }
    return count;
}

uint32_t workload_run(void)
{
    uint32_t limit = param_limit, rounds = param_rounds, sum = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        sum = wl_mix(sum, count_primes(limit - r * 1000));
    }
    return sum;
}
