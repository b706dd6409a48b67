/*
 * recursion — deep and wide recursion: naive Fibonacci (about 2.7 million calls
 * for fib(30), depth 30) and the Ackermann function A(3, n) (depth about 2^(n+3),
 * millions of calls).  Measures call/ret (return-address prediction in a
 * translator: a jump-cache lookup per ret), stack pushes and pops, and short
 * blocks.  The results are known numbers: fib(30) = 832040, A(3, n) = 2^(n+3) - 3.
 */
#include "workload.h"

const char workload_name[] = "recursion";

static volatile uint32_t param_fib = 32;
static volatile uint32_t param_ack = 10;
static volatile uint32_t param_rounds = 4;

static uint32_t __attribute__((noinline)) fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint32_t __attribute__((noinline)) ackermann(uint32_t m, uint32_t n)
{
    if (m == 0) {
        return n + 1;
    }
    if (n == 0) {
        return ackermann(m - 1, 1);
    }
    return ackermann(m - 1, ackermann(m, n - 1));
}

uint32_t workload_run(void)
{
    uint32_t rounds = param_rounds, sum = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        sum = wl_mix(sum, fib(param_fib));
        sum = wl_mix(sum, ackermann(3, param_ack));
    }
    return sum;
}
