/*
 * producer.c — a flag-setting instruction to run before a case's own.
 *
 * A case alone starts from flags that rx86 holds as a plain EFLAGS value, so
 * the lifter's inline evaluation of its lazy flags (lift_flags.c: the
 * condition of a Jcc after CMP, the carry of ADC after ADD, INC after SUB
 * ...) would never run. So a third of the cases get a producer first, in the
 * same translation block: an ALU operation, shift, rotate, multiply, bit scan
 * or bit test of every operand size whose only register output is R15 (r15b,
 * r15w, r15d), which the case's instruction then must not use. The producer
 * reads any register and never touches memory, so the case's steering still
 * holds when its instruction runs. R15 is often made equal or next to the
 * producer's other operand.
 */
#include "tests/hostdiff/gen_internal.h"

/* REX with W, R (the reg field's register) and B (r/m's) as given. */
static uint8_t rex(bool w, unsigned reg, unsigned rm)
{
    return (uint8_t)(0x40 | (w ? 8 : 0) | (reg >= 8 ? 4 : 0) | (rm >= 8 ? 1 : 0));
}

static uint8_t modrm_reg(unsigned reg, unsigned rm)
{
    return (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7));
}

unsigned hd_gen_producer(HdRng *r, uint8_t *b, HdCase *k)
{
    static const unsigned sizes[4] = {1, 2, 4, 8};
    unsigned size = sizes[hd_rng_below(r, 4)];
    unsigned src = (unsigned)hd_rng_below(r, 16);
    unsigned n = 0;
    /* Equal and neighbouring operands are where the carry, zero and
     * signed conditions turn: make them common. */
    if (hd_rng_chance(r, 1, 3)) {
        k->in.gpr[15] = k->in.gpr[src] + (uint64_t)((int64_t)hd_rng_below(r, 3) - 1);
    }
    bool w = size == 8;
    unsigned kind = (unsigned)hd_rng_below(r, 12);
    if (size == 2) {
        b[n++] = 0x66;
    }
    if (kind <= 2) {
        /* ADD OR ADC SBB AND SUB XOR CMP r15, src (01 /r family: r/m, reg) */
        unsigned op = (unsigned)hd_rng_below(r, 8);
        b[n++] = rex(w, src, 15);
        b[n++] = (uint8_t)(op << 3 | (size == 1 ? 0 : 1));
        b[n++] = modrm_reg(src, 15);
    } else if (kind == 3) {
        /* the same with an immediate (80 /n ib, 83 /n ib) */
        b[n++] = rex(w, 0, 15);
        b[n++] = size == 1 ? 0x80 : 0x83;
        b[n++] = modrm_reg((unsigned)hd_rng_below(r, 8), 15);
        b[n++] = (uint8_t)hd_rng_int(r);
    } else if (kind == 4) {
        /* TEST r15, src (84/85) */
        b[n++] = rex(w, src, 15);
        b[n++] = size == 1 ? 0x84 : 0x85;
        b[n++] = modrm_reg(src, 15);
    } else if (kind == 5) {
        /* INC DEC (FE/FF /0 /1), NOT NEG (F6/F7 /2 /3) */
        static const uint8_t ext[4] = {0, 1, 2, 3};
        unsigned e = ext[hd_rng_below(r, 4)];
        b[n++] = rex(w, 0, 15);
        b[n++] = e < 2 ? (size == 1 ? 0xfe : 0xff) : (size == 1 ? 0xf6 : 0xf7);
        b[n++] = modrm_reg(e, 15);
    } else if (kind <= 7) {
        /* ROL ROR RCL RCR SHL SHR SAL SAR by 1, CL or imm8 */
        unsigned e = (unsigned)hd_rng_below(r, 8);
        unsigned how = (unsigned)hd_rng_below(r, 3);
        b[n++] = rex(w, 0, 15);
        b[n++] = (uint8_t)((how == 0 ? 0xd0 : how == 1 ? 0xd2 : 0xc0) + (size == 1 ? 0 : 1));
        b[n++] = modrm_reg(e, 15);
        if (how == 2) {
            static const uint8_t counts[] = {0, 1, 2, 7, 8, 15, 16, 31, 32, 63, 64};
            b[n++] = hd_rng_chance(r, 1, 2) ? counts[hd_rng_below(r, sizeof(counts))]
                                            : (uint8_t)hd_rng_next(r);
        }
    } else if (kind == 8 && size != 1) {
        /* IMUL r15, src (0F AF /r) */
        b[n++] = rex(w, 15, src);
        b[n++] = 0x0f;
        b[n++] = 0xaf;
        b[n++] = modrm_reg(15, src);
    } else if (kind == 9 && size != 1) {
        /* BSF BSR (0F BC/BD), TZCNT LZCNT POPCNT (F3 0F BC/BD/B8) r15, src */
        static const uint8_t ops[5] = {0xbc, 0xbd, 0xbc, 0xbd, 0xb8};
        unsigned i = (unsigned)hd_rng_below(r, 5);
        if (i >= 2) {
            b[n++] = 0xf3;
        }
        b[n++] = rex(w, 15, src);
        b[n++] = 0x0f;
        b[n++] = ops[i];
        b[n++] = modrm_reg(15, src);
    } else if (kind == 10 && size != 1) {
        /* BT BTS BTR BTC r15, imm8 (0F BA /4../7) */
        b[n++] = rex(w, 0, 15);
        b[n++] = 0x0f;
        b[n++] = 0xba;
        b[n++] = modrm_reg(4 + (unsigned)hd_rng_below(r, 4), 15);
        b[n++] = (uint8_t)hd_rng_next(r);
    } else {
        /* CLC STC CMC, SAHF: the flags alone */
        static const uint8_t ops[4] = {0xf8, 0xf9, 0xf5, 0x9e};
        n = 0;
        b[n++] = ops[hd_rng_below(r, 4)];
    }
    return n;
}
