/*
 * cc_helper.c — the lazy arithmetic flags: CF, PF, AF, ZF, SF and OF from
 * the last flag-setting operation (cc_op) and its operands, and the whole
 * EFLAGS register as software reads and writes it.
 *
 * What cc_dst/cc_src/cc_src2 hold for each CcOp is the table in cpu.h.
 * Each sized operation is computed in uint64_t with the operand width's
 * mask and sign bit, so one function serves the four sizes. Flags the SDM
 * leaves undefined get the values QEMU gives them (AF = 0 after shifts,
 * multiplies and BMI ops; SF/ZF/PF from the low result after MUL), which
 * is also what the cc_helper unit test leaves unchecked.
 */
#include "frontend/helpers_internal.h"

/* Even parity of the low byte: PF = 1 (SDM Vol. 1 3.4.3.1). */
static uint64_t parity_flag(uint64_t v)
{
    return __builtin_parity((unsigned)(v & 0xff)) ? 0 : EFLAGS_PF;
}

/* ZF, SF and PF of a result of width given by its mask and sign bit. */
static uint64_t zsp_flags(uint64_t res, uint64_t mask, uint64_t sign)
{
    res &= mask;
    return (res == 0 ? EFLAGS_ZF : 0) | (res & sign ? EFLAGS_SF : 0) | parity_flag(res);
}

static uint64_t of_flag(bool set)
{
    return set ? EFLAGS_OF : 0;
}

static uint64_t cf_flag(bool set)
{
    return set ? EFLAGS_CF : 0;
}

/* The width of a sized cc op: 0..3 for B, W, L, Q. */
static unsigned cc_size_index(CcOp op)
{
    return (unsigned)(op - CC_OP_ADDB) & 3;
}

static uint64_t compute_all(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2)
{
    CcOp op = (CcOp)cc_op;
    if (op == CC_OP_EFLAGS || op < CC_OP_EFLAGS || op >= CC_OP_COUNT) {
        return src & EFLAGS_ARITH;
    }
    unsigned bits = 8u << cc_size_index(op);
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    uint64_t sign = 1ull << (bits - 1);
    CcOp kind = (CcOp)(CC_OP_ADDB + ((op - CC_OP_ADDB) & ~3));
    dst &= mask;
    uint64_t zsp = zsp_flags(dst, mask, sign);
    uint64_t first;
    uint64_t s = src & mask;

    switch (kind) {
    case CC_OP_ADDB:
        first = (dst - s) & mask;
        return zsp | cf_flag(dst < s) | ((dst ^ s ^ first) & EFLAGS_AF) |
               of_flag((~(first ^ s) & (first ^ dst)) & sign);
    case CC_OP_ADCB: {
        bool cin = src2 & 1;
        first = (dst - s - cin) & mask;
        bool cf = cin ? dst <= s : dst < s;
        return zsp | cf_flag(cf) | ((dst ^ s ^ first) & EFLAGS_AF) |
               of_flag((~(first ^ s) & (first ^ dst)) & sign);
    }
    case CC_OP_SUBB:
        first = (dst + s) & mask;
        return zsp | cf_flag(first < s) | ((dst ^ s ^ first) & EFLAGS_AF) |
               of_flag(((first ^ s) & (first ^ dst)) & sign);
    case CC_OP_SBBB: {
        bool bin = src2 & 1;
        first = (dst + s + bin) & mask;
        bool cf = bin ? first <= s : first < s;
        return zsp | cf_flag(cf) | ((dst ^ s ^ first) & EFLAGS_AF) |
               of_flag(((first ^ s) & (first ^ dst)) & sign);
    }
    case CC_OP_LOGICB:
        return zsp;
    case CC_OP_INCB:
        /* OF: the result is the most negative value; AF: a carry out of
         * bit 3, so the low nibble wrapped to 0. CF is the one before. */
        return zsp | cf_flag(src & 1) | ((dst & 0xf) == 0 ? EFLAGS_AF : 0) | of_flag(dst == sign);
    case CC_OP_DECB:
        return zsp | cf_flag(src & 1) | ((dst & 0xf) == 0xf ? EFLAGS_AF : 0) |
               of_flag(dst == sign - 1);
    case CC_OP_SHLB:
        return zsp | cf_flag(s & sign) | of_flag((dst ^ s) & sign);
    case CC_OP_SARB:
        return zsp | cf_flag(s & 1) | of_flag((dst ^ s) & sign);
    case CC_OP_MULB:
        return zsp | cf_flag(src != 0) | of_flag(src != 0);
    case CC_OP_BMILGB:
        return (zsp & ~EFLAGS_PF) | cf_flag(s == 0);
    default:
        return src & EFLAGS_ARITH;
    }
}

uint64_t helper_cc_compute_all(CpuState *env, uint32_t cc_op, uint64_t dst, uint64_t src,
                               uint64_t src2)
{
    (void)env;
    return compute_all(cc_op, dst, src, src2);
}

uint64_t helper_cc_compute_c(CpuState *env, uint32_t cc_op, uint64_t dst, uint64_t src,
                             uint64_t src2)
{
    (void)env;
    CcOp op = (CcOp)cc_op;
    if (op == CC_OP_EFLAGS || op < CC_OP_EFLAGS || op >= CC_OP_COUNT) {
        return src & EFLAGS_CF;
    }
    unsigned bits = 8u << cc_size_index(op);
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    uint64_t sign = 1ull << (bits - 1);
    CcOp kind = (CcOp)(CC_OP_ADDB + ((op - CC_OP_ADDB) & ~3));
    dst &= mask;
    uint64_t s = src & mask;
    switch (kind) {
    case CC_OP_ADDB:
        return dst < s;
    case CC_OP_ADCB:
        return (src2 & 1) ? dst <= s : dst < s;
    case CC_OP_SUBB:
        return ((dst + s) & mask) < s;
    case CC_OP_SBBB: {
        uint64_t first = (dst + s + (src2 & 1)) & mask;
        return (src2 & 1) ? first <= s : first < s;
    }
    case CC_OP_LOGICB:
        return 0;
    case CC_OP_INCB:
    case CC_OP_DECB:
        return src & 1;
    case CC_OP_SHLB:
        return (s & sign) != 0;
    case CC_OP_SARB:
        return s & 1;
    case CC_OP_MULB:
        return src != 0;
    case CC_OP_BMILGB:
        return s == 0;
    default:
        return compute_all(cc_op, dst, src, src2) & EFLAGS_CF;
    }
}

uint64_t cpu_cc_flags(const CpuState *env)
{
    return compute_all(env->cc_op, env->cc_dst, env->cc_src, env->cc_src2);
}

uint64_t cpu_get_eflags(const CpuState *env)
{
    return (env->eflags & ~(EFLAGS_ARITH | EFLAGS_DF)) | cpu_cc_flags(env) |
           (env->df < 0 ? EFLAGS_DF : 0) | EFLAGS_FIXED1;
}

void cpu_set_eflags(CpuState *env, uint64_t value, uint64_t mask)
{
    if (mask & EFLAGS_ARITH) {
        uint64_t arith = cpu_cc_flags(env);
        arith = (arith & ~mask) | (value & mask & EFLAGS_ARITH);
        env->cc_op = CC_OP_EFLAGS;
        env->cc_src = arith;
        env->cc_dst = 0;
        env->cc_src2 = 0;
    }
    if (mask & EFLAGS_DF) {
        env->df = value & EFLAGS_DF ? -1 : 1;
    }
    uint64_t rest = mask & ~(EFLAGS_ARITH | EFLAGS_DF | EFLAGS_FIXED1);
    /* Bits 22-63 and the reserved bits 3, 5 and 15 always read 0
     * (SDM Vol. 1 3.4.3). */
    uint64_t writable = EFLAGS_TF | EFLAGS_IF | EFLAGS_IOPL | EFLAGS_NT | EFLAGS_RF | EFLAGS_VM |
                        EFLAGS_AC | EFLAGS_VIF | EFLAGS_VIP | EFLAGS_ID;
    rest &= writable;
    env->eflags = (env->eflags & ~rest) | (value & rest) | EFLAGS_FIXED1;
    cpu_update_hflags(env);
}
