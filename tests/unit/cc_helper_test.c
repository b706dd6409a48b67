/*
 * The lazy flags (frontend/cc_helper.c) against the host CPU: for every
 * arithmetic CcOp and operand size, random operands go through the real
 * host instruction (inline assembly, flags captured with PUSHF), the lazy
 * state the lifter would leave (cpu.h's table) goes through
 * helper_cc_compute_all and helper_cc_compute_c, and the two must agree on
 * every flag the SDM defines for that instruction. Known answers cover the
 * same ground on hosts that are not x86-64.
 */
#include "frontend/helpers.h"
#include "tests/unit/check.h"

#include <stdint.h>
#include <string.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Random operands biased toward the edges where flags change. */
static uint64_t operand(unsigned size)
{
    uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    uint64_t sign = 1ull << (8 * size - 1);
    static const int kinds = 8;
    switch (rnd() % kinds) {
    case 0:
        return 0;
    case 1:
        return mask;
    case 2:
        return sign;
    case 3:
        return sign - 1;
    case 4:
        return rnd() & 0x1f;
    case 5:
        return (sign - 1 - (rnd() & 0xf)) & mask;
    default:
        return rnd() & mask;
    }
}

static const unsigned sizes[] = {1, 2, 4, 8};

static uint64_t mask_of(unsigned size)
{
    return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static uint64_t all(CcOp op, uint64_t dst, uint64_t src, uint64_t src2)
{
    return helper_cc_compute_all(NULL, (uint32_t)op, dst, src, src2);
}

static uint64_t cf(CcOp op, uint64_t dst, uint64_t src, uint64_t src2)
{
    return helper_cc_compute_c(NULL, (uint32_t)op, dst, src, src2);
}

static int mismatches;

static void compare(const char *what, unsigned size, uint64_t a, uint64_t b, uint64_t host,
                    uint64_t lazy, uint64_t lazy_c, uint64_t mask)
{
    bool ok = (host & mask) == (lazy & mask) && lazy_c == (host & EFLAGS_CF);
    CHECK(ok);
    if (!ok && mismatches++ < 20) {
        fprintf(stderr, "  %s size %u a=%llx b=%llx: host %03llx lazy %03llx (c %llu) mask %03llx\n",
                what, size, (unsigned long long)a, (unsigned long long)b,
                (unsigned long long)(host & mask), (unsigned long long)(lazy & mask),
                (unsigned long long)lazy_c, (unsigned long long)mask);
    }
}

#if defined(__x86_64__)

/* ---- host instructions -------------------------------------------------------- */

/* r = r OP b with CF preset to cin; returns host RFLAGS. */
#define HOST_BINOP(name, insn)                                                                     \
    static uint64_t host_##name(unsigned size, uint64_t a, uint64_t b, uint64_t cin,              \
                                uint64_t *res)                                                     \
    {                                                                                              \
        uint64_t fl;                                                                               \
        switch (size) {                                                                            \
        case 1: {                                                                                  \
            uint8_t r = (uint8_t)a, s = (uint8_t)b;                                                \
            __asm__("btq $0, %[c]\n\t" insn "b %[s], %[r]\n\tpushfq\n\tpopq %[f]"                  \
                    : [r] "+q"(r), [f] "=r"(fl)                                                    \
                    : [s] "q"(s), [c] "r"(cin)                                                     \
                    : "cc");                                                                       \
            *res = r;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        case 2: {                                                                                  \
            uint16_t r = (uint16_t)a, s = (uint16_t)b;                                             \
            __asm__("btq $0, %[c]\n\t" insn "w %[s], %[r]\n\tpushfq\n\tpopq %[f]"                  \
                    : [r] "+r"(r), [f] "=r"(fl)                                                    \
                    : [s] "r"(s), [c] "r"(cin)                                                     \
                    : "cc");                                                                       \
            *res = r;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        case 4: {                                                                                  \
            uint32_t r = (uint32_t)a, s = (uint32_t)b;                                             \
            __asm__("btq $0, %[c]\n\t" insn "l %[s], %[r]\n\tpushfq\n\tpopq %[f]"                  \
                    : [r] "+r"(r), [f] "=r"(fl)                                                    \
                    : [s] "r"(s), [c] "r"(cin)                                                     \
                    : "cc");                                                                       \
            *res = r;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        default: {                                                                                 \
            uint64_t r = a, s = b;                                                                 \
            __asm__("btq $0, %[c]\n\t" insn "q %[s], %[r]\n\tpushfq\n\tpopq %[f]"                  \
                    : [r] "+r"(r), [f] "=r"(fl)                                                    \
                    : [s] "r"(s), [c] "r"(cin)                                                     \
                    : "cc");                                                                       \
            *res = r;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        }                                                                                          \
        return fl;                                                                                 \
    }

HOST_BINOP(add, "add")
HOST_BINOP(adc, "adc")
HOST_BINOP(sub, "sub")
HOST_BINOP(sbb, "sbb")
HOST_BINOP(and, "and")
HOST_BINOP(or, "or")
HOST_BINOP(xor, "xor")

/* r = OP r (INC, DEC) with CF preset. */
#define HOST_UNOP(name, insn)                                                                      \
    static uint64_t host_##name(unsigned size, uint64_t a, uint64_t cin, uint64_t *res)            \
    {                                                                                              \
        uint64_t fl;                                                                               \
        switch (size) {                                                                            \
        case 1: {                                                                                  \
            uint8_t r = (uint8_t)a;                                                                \
            __asm__("btq $0, %[c]\n\t" insn "b %[r]\n\tpushfq\n\tpopq %[f]"                        \
                    : [r] "+q"(r), [f] "=r"(fl)                                                    \
                    : [c] "r"(cin)                                                                 \
                    : "cc");                                                                       \
            *res = r;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        case 2: {                                                                                  \
            uint16_t r = (uint16_t)a;                                                              \
            __asm__("btq $0, %[c]\n\t" insn "w %[r]\n\tpushfq\n\tpopq %[f]"                        \
                    : [r] "+r"(r), [f] "=r"(fl)                                                    \
                    : [c] "r"(cin)                                                                 \
                    : "cc");                                                                       \
            *res = r;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        case 4: {                                                                                  \
            uint32_t r = (uint32_t)a;                                                              \
            __asm__("btq $0, %[c]\n\t" insn "l %[r]\n\tpushfq\n\tpopq %[f]"                        \
                    : [r] "+r"(r), [f] "=r"(fl)                                                    \
                    : [c] "r"(cin)                                                                 \
                    : "cc");                                                                       \
            *res = r;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        default: {                                                                                 \
            uint64_t r = a;                                                                        \
            __asm__("btq $0, %[c]\n\t" insn "q %[r]\n\tpushfq\n\tpopq %[f]"                        \
                    : [r] "+r"(r), [f] "=r"(fl)                                                    \
                    : [c] "r"(cin)                                                                 \
                    : "cc");                                                                       \
            *res = r;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        }                                                                                          \
        return fl;                                                                                 \
    }

HOST_UNOP(inc, "inc")
HOST_UNOP(dec, "dec")

/* r = r SHIFT cl. */
#define HOST_SHIFT(name, insn)                                                                     \
    static uint64_t host_##name(unsigned size, uint64_t a, uint8_t count, uint64_t *res)           \
    {                                                                                              \
        uint64_t fl;                                                                               \
        switch (size) {                                                                            \
        case 1: {                                                                                  \
            uint8_t r = (uint8_t)a;                                                                \
            __asm__(insn "b %%cl, %[r]\n\tpushfq\n\tpopq %[f]"                                     \
                    : [r] "+q"(r), [f] "=r"(fl)                                                    \
                    : "c"(count)                                                                   \
                    : "cc");                                                                       \
            *res = r;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        case 2: {                                                                                  \
            uint16_t r = (uint16_t)a;                                                              \
            __asm__(insn "w %%cl, %[r]\n\tpushfq\n\tpopq %[f]"                                     \
                    : [r] "+r"(r), [f] "=r"(fl)                                                    \
                    : "c"(count)                                                                   \
                    : "cc");                                                                       \
            *res = r;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        case 4: {                                                                                  \
            uint32_t r = (uint32_t)a;                                                              \
            __asm__(insn "l %%cl, %[r]\n\tpushfq\n\tpopq %[f]"                                     \
                    : [r] "+r"(r), [f] "=r"(fl)                                                    \
                    : "c"(count)                                                                   \
                    : "cc");                                                                       \
            *res = r;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        default: {                                                                                 \
            uint64_t r = a;                                                                        \
            __asm__(insn "q %%cl, %[r]\n\tpushfq\n\tpopq %[f]"                                     \
                    : [r] "+r"(r), [f] "=r"(fl)                                                    \
                    : "c"(count)                                                                   \
                    : "cc");                                                                       \
            *res = r;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        }                                                                                          \
        return fl;                                                                                 \
    }

HOST_SHIFT(shl, "shl")
HOST_SHIFT(shr, "shr")
HOST_SHIFT(sar, "sar")

/* One-operand MUL/IMUL: lo, hi of a * b. */
#define HOST_MUL(name, insn)                                                                       \
    static uint64_t host_##name(unsigned size, uint64_t a, uint64_t b, uint64_t *lo,               \
                                uint64_t *hi)                                                      \
    {                                                                                              \
        uint64_t fl;                                                                               \
        switch (size) {                                                                            \
        case 1: {                                                                                  \
            uint16_t ax = (uint8_t)a;                                                              \
            uint8_t s = (uint8_t)b;                                                                \
            __asm__(insn "b %[s]\n\tpushfq\n\tpopq %[f]"                                           \
                    : "+a"(ax), [f] "=r"(fl)                                                       \
                    : [s] "q"(s)                                                                   \
                    : "cc");                                                                       \
            *lo = ax & 0xff;                                                                       \
            *hi = ax >> 8;                                                                         \
            break;                                                                                 \
        }                                                                                          \
        case 2: {                                                                                  \
            uint16_t ax = (uint16_t)a, dx, s = (uint16_t)b;                                        \
            __asm__(insn "w %[s]\n\tpushfq\n\tpopq %[f]"                                           \
                    : "+a"(ax), "=d"(dx), [f] "=r"(fl)                                             \
                    : [s] "r"(s)                                                                   \
                    : "cc");                                                                       \
            *lo = ax;                                                                              \
            *hi = dx;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        case 4: {                                                                                  \
            uint32_t ax = (uint32_t)a, dx, s = (uint32_t)b;                                        \
            __asm__(insn "l %[s]\n\tpushfq\n\tpopq %[f]"                                           \
                    : "+a"(ax), "=d"(dx), [f] "=r"(fl)                                             \
                    : [s] "r"(s)                                                                   \
                    : "cc");                                                                       \
            *lo = ax;                                                                              \
            *hi = dx;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        default: {                                                                                 \
            uint64_t ax = a, dx, s = b;                                                            \
            __asm__(insn "q %[s]\n\tpushfq\n\tpopq %[f]"                                           \
                    : "+a"(ax), "=d"(dx), [f] "=r"(fl)                                             \
                    : [s] "r"(s)                                                                   \
                    : "cc");                                                                       \
            *lo = ax;                                                                              \
            *hi = dx;                                                                              \
            break;                                                                                 \
        }                                                                                          \
        }                                                                                          \
        return fl;                                                                                 \
    }

HOST_MUL(mul, "mul")
HOST_MUL(imul, "imul")

#define ALL6 EFLAGS_ARITH
#define NO_AF (EFLAGS_ARITH & ~EFLAGS_AF)

static void test_against_host(void)
{
    const int n = 4000;
    for (unsigned si = 0; si < 4; si++) {
        unsigned size = sizes[si];
        uint64_t m = mask_of(size);
        for (int i = 0; i < n; i++) {
            uint64_t a = operand(size), b = operand(size), cin = rnd() & 1, res, fl;

            fl = host_add(size, a, b, cin, &res);
            CcOp op = cc_op_sized(CC_OP_ADDB, size);
            compare("add", size, a, b, fl, all(op, res, b, 0), cf(op, res, b, 0), ALL6);

            fl = host_adc(size, a, b, cin, &res);
            op = cc_op_sized(CC_OP_ADCB, size);
            compare("adc", size, a, b, fl, all(op, res, b, cin), cf(op, res, b, cin), ALL6);

            fl = host_sub(size, a, b, cin, &res);
            op = cc_op_sized(CC_OP_SUBB, size);
            compare("sub", size, a, b, fl, all(op, res, b, 0), cf(op, res, b, 0), ALL6);

            fl = host_sbb(size, a, b, cin, &res);
            op = cc_op_sized(CC_OP_SBBB, size);
            compare("sbb", size, a, b, fl, all(op, res, b, cin), cf(op, res, b, cin), ALL6);

            /* Logic: AF undefined (SDM Vol. 2A AND). */
            op = cc_op_sized(CC_OP_LOGICB, size);
            fl = host_and(size, a, b, cin, &res);
            compare("and", size, a, b, fl, all(op, res, 0, 0), cf(op, res, 0, 0), NO_AF);
            fl = host_or(size, a, b, cin, &res);
            compare("or", size, a, b, fl, all(op, res, 0, 0), cf(op, res, 0, 0), NO_AF);
            fl = host_xor(size, a, b, cin, &res);
            compare("xor", size, a, b, fl, all(op, res, 0, 0), cf(op, res, 0, 0), NO_AF);

            fl = host_inc(size, a, cin, &res);
            op = cc_op_sized(CC_OP_INCB, size);
            compare("inc", size, a, 0, fl, all(op, res, cin, 0), cf(op, res, cin, 0), ALL6);
            fl = host_dec(size, a, cin, &res);
            op = cc_op_sized(CC_OP_DECB, size);
            compare("dec", size, a, 0, fl, all(op, res, cin, 0), cf(op, res, cin, 0), ALL6);

            /* Shifts by 1..width-1: AF undefined, OF only defined for 1. */
            unsigned width = 8 * size;
            uint8_t count = (uint8_t)(1 + rnd() % (width - 1));
            uint64_t smask = count == 1 ? NO_AF : NO_AF & ~EFLAGS_OF;
            fl = host_shl(size, a, count, &res);
            op = cc_op_sized(CC_OP_SHLB, size);
            uint64_t src = (a << (count - 1)) & m;
            compare("shl", size, a, count, fl, all(op, res, src, 0), cf(op, res, src, 0), smask);
            fl = host_shr(size, a, count, &res);
            op = cc_op_sized(CC_OP_SARB, size);
            src = (a & m) >> (count - 1);
            compare("shr", size, a, count, fl, all(op, res, src, 0), cf(op, res, src, 0), smask);
            fl = host_sar(size, a, count, &res);
            unsigned sh = 64 - width;
            src = (uint64_t)(((int64_t)(a << sh) >> sh) >> (count - 1)) & m;
            compare("sar", size, a, count, fl, all(op, res, src, 0), cf(op, res, src, 0), smask);

            /* MUL/IMUL: only CF and OF are defined. */
            uint64_t lo, hi;
            op = cc_op_sized(CC_OP_MULB, size);
            uint64_t cfof = EFLAGS_CF | EFLAGS_OF;
            fl = host_mul(size, a, b, &lo, &hi);
            compare("mul", size, a, b, fl, all(op, lo, hi != 0, 0), cf(op, lo, hi != 0, 0), cfof);
            fl = host_imul(size, a, b, &lo, &hi);
            /* Significant when hi:lo is not the sign extension of lo. */
            bool lo_neg = lo & (1ull << (width - 1));
            uint64_t ext = lo_neg ? m : 0;
            bool sig = hi != ext;
            compare("imul", size, a, b, fl, all(op, lo, sig, 0), cf(op, lo, sig, 0), cfof);
        }
    }
}

#endif

/* Known answers from the SDM's definitions (any host). */
static void test_known_answers(void)
{
    /* 0x7f + 1 = 0x80: OF, SF, AF; no CF. */
    CHECK_EQ(all(CC_OP_ADDB, 0x80, 1, 0), EFLAGS_OF | EFLAGS_SF | EFLAGS_AF);
    /* 0xff + 1 = 0x00: CF, ZF, PF, AF. */
    CHECK_EQ(all(CC_OP_ADDB, 0x00, 1, 0), EFLAGS_CF | EFLAGS_ZF | EFLAGS_PF | EFLAGS_AF);
    /* 0 - 1 = 0xffffffff (SUBL): CF, SF, PF, AF. */
    CHECK_EQ(all(CC_OP_SUBL, 0xffffffff, 1, 0), EFLAGS_CF | EFLAGS_SF | EFLAGS_PF | EFLAGS_AF);
    /* ADC 0xffff + 0xffff + 1 = 0x1ffff: result 0xffff, CF. */
    CHECK_EQ(cf(CC_OP_ADCW, 0xffff, 0xffff, 1), 1);
    /* SBB 0 - 0 - 1 = -1 with borrow. */
    CHECK_EQ(cf(CC_OP_SBBQ, ~0ull, 0, 1), 1);
    /* INC keeps CF; INC 0x7fff -> 0x8000 sets OF. */
    CHECK_EQ(all(CC_OP_INCW, 0x8000, 1, 0) & (EFLAGS_CF | EFLAGS_OF), EFLAGS_CF | EFLAGS_OF);
    /* DEC 0x80000000 -> 0x7fffffff: OF, AF. */
    CHECK_EQ(all(CC_OP_DECL, 0x7fffffff, 0, 0) & (EFLAGS_OF | EFLAGS_AF), EFLAGS_OF | EFLAGS_AF);
    /* SHL 0x81 by 1 = 0x02: CF = 1, OF = 1 ^ 0. */
    CHECK_EQ(all(CC_OP_SHLB, 0x02, 0x81, 0) & (EFLAGS_CF | EFLAGS_OF), EFLAGS_CF | EFLAGS_OF);
    /* LOGIC: CF = OF = 0 whatever src says. */
    CHECK_EQ(all(CC_OP_LOGICQ, 0, 123, 1), EFLAGS_ZF | EFLAGS_PF);
    /* EFLAGS: src is the flags. */
    CHECK_EQ(all(CC_OP_EFLAGS, 0, EFLAGS_ARITH | EFLAGS_IF, 0), EFLAGS_ARITH);
    CHECK_EQ(cf(CC_OP_EFLAGS, 0, EFLAGS_CF, 0), 1);
}

/* cpu_get_eflags / cpu_set_eflags on a bare state. */
static void test_eflags(void)
{
    static CpuState env;
    memset(&env, 0, sizeof(env));
    env.eflags = EFLAGS_FIXED1;
    env.df = 1;
    env.cc_op = CC_OP_SUBB;
    env.cc_dst = 0;
    env.cc_src = 5;
    CHECK_EQ(cpu_get_eflags(&env), EFLAGS_FIXED1 | EFLAGS_ZF | EFLAGS_PF);
    cpu_set_eflags(&env, EFLAGS_CF | EFLAGS_DF | EFLAGS_IF | EFLAGS_TF, ~0ull);
    CHECK_EQ(cpu_get_eflags(&env),
             EFLAGS_FIXED1 | EFLAGS_CF | EFLAGS_DF | EFLAGS_IF | EFLAGS_TF);
    CHECK_EQ(env.cc_op, CC_OP_EFLAGS);
    CHECK(env.df == -1);
    CHECK(env.hflags & HF_TF);
    /* Under a mask only the masked bits change. */
    cpu_set_eflags(&env, 0, EFLAGS_CF | EFLAGS_TF);
    CHECK_EQ(cpu_get_eflags(&env), EFLAGS_FIXED1 | EFLAGS_DF | EFLAGS_IF);
    CHECK(!(env.hflags & HF_TF));
}

int main(void)
{
    test_known_answers();
    test_eflags();
#if defined(__x86_64__)
    test_against_host();
#endif
    return check_report("cc_helper");
}
