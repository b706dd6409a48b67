/*
 * interp_test.c — the portable IR interpreter (translator/interp.c).
 *
 * Every value-computing opcode, in both types, is run on thousands of
 * random and boundary inputs and compared with a reference written here in
 * plain C (one 32-bit and one 64-bit path per op, not the interpreter's
 * shape), and with ir_eval_op, the folder's definition, so the folder and
 * the interpreter cannot drift apart. Then the rest of the IR: env loads
 * and stores, guest memory through fake hooks, branches and loops, helper
 * calls of every signature shape through libffi, INSN_START, and exits.
 */
#include "tests/unit/check.h"
#include "translator/ir.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- a fake CPU state ----------------------------------------------------- */

typedef struct TestEnv {
    uint32_t in32[4];
    uint64_t in64[4];
    uint32_t out32[2];
    uint64_t out64[2];
    uint64_t fault_pc;
    uint8_t state[32]; /* for LD/ST */
    uint8_t mem[256];  /* guest memory behind the QLD/QST hooks */
    uint64_t last_la;
    uint32_t last_memop, last_mmu;
    unsigned loads, stores;
    uint64_t helper_args[6];
    unsigned helper_calls;
    uint64_t seen_fault_pc;
} TestEnv;

/* Temps of the globals, registered in this order. */
#define G_IN32(k) ((IrTemp)(k))
#define G_IN64(k) ((IrTemp)(4 + (k)))
#define G_OUT32(k) ((IrTemp)(8 + (k)))
#define G_OUT64(k) ((IrTemp)(10 + (k)))

static TestEnv env;
static IrFunc func;

static void setup_func(void)
{
    ir_func_init(&func);
    static const char *names[] = {"a32", "b32", "c32", "d32", "a64", "b64", "c64", "d64"};
    for (int k = 0; k < 4; k++) {
        ir_global(&func, IR_I32, (int32_t)(offsetof(TestEnv, in32) + 4 * k), names[k]);
    }
    for (int k = 0; k < 4; k++) {
        ir_global(&func, IR_I64, (int32_t)(offsetof(TestEnv, in64) + 8 * k), names[4 + k]);
    }
    ir_global(&func, IR_I32, (int32_t)offsetof(TestEnv, out32), "r32");
    ir_global(&func, IR_I32, (int32_t)offsetof(TestEnv, out32) + 4, "s32");
    ir_global(&func, IR_I64, (int32_t)offsetof(TestEnv, out64), "r64");
    ir_global(&func, IR_I64, (int32_t)offsetof(TestEnv, out64) + 8, "s64");
}

static uint64_t hook_load(void *e, uint64_t la, uint32_t memop, uint32_t mmu_idx)
{
    TestEnv *t = e;
    t->last_la = la;
    t->last_memop = memop;
    t->last_mmu = mmu_idx;
    t->loads++;
    uint64_t v = 0;
    memcpy(&v, &t->mem[la & 0xff], memop & IR_MO_SIZE_MASK); /* zero-extended */
    return v;
}

static void hook_store(void *e, uint64_t la, uint64_t value, uint32_t memop, uint32_t mmu_idx)
{
    TestEnv *t = e;
    t->last_la = la;
    t->last_memop = memop;
    t->last_mmu = mmu_idx;
    t->stores++;
    memcpy(&t->mem[la & 0xff], &value, memop & IR_MO_SIZE_MASK);
}

static const IrInterpEnv interp_env = {
    .env = &env,
    .load = hook_load,
    .store = hook_store,
    .fault_pc_offset = (int32_t)offsetof(TestEnv, fault_pc),
};

static unsigned run(uint64_t *lookup_pc)
{
    uint64_t dummy = 0;
    return ir_interpret(func.ops, func.nops, func.temps, func.ntemps, &interp_env,
                        lookup_pc ? lookup_pc : &dummy);
}

static void emit_exit(unsigned code)
{
    IrOp *op = ir_emit(&func, IR_EXIT_TB, IR_I64);
    op->args[0] = code;
}

/* A check that reports only its first failures, for the big sweeps. */
static int sweep_reported;
static void sweep_check(bool ok, const char *what, IrOpcode opc, IrType type, const uint64_t *in,
                        uint64_t got, uint64_t want)
{
    check_count++;
    if (ok) {
        return;
    }
    check_failures++;
    if (sweep_reported++ < 30) {
        fprintf(stderr,
                "%s: %s_%s(0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ") = 0x%" PRIx64
                ", want 0x%" PRIx64 "\n",
                what, ir_op_defs[opc].name, type == IR_I32 ? "i32" : "i64", in[0], in[1], in[2],
                in[3], got, want);
    }
}

/* ---- random inputs -------------------------------------------------------- */

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static const uint64_t specials[] = {
    0,
    1,
    2,
    0x7f,
    0x80,
    0xff,
    0x7fff,
    0x8000,
    0xffff,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0x100000000ull,
    0x7fffffffffffffffull,
    0x8000000000000000ull,
    0xffffffffffffffffull,
    0xfffffffffffffffeull,
    0x123456789abcdef0ull,
};
#define NSPECIALS (sizeof(specials) / sizeof(specials[0]))

/* Boundary values half of the time, random ones otherwise. */
static uint64_t rnd_value(void)
{
    uint64_t r = rnd();
    switch (r & 7) {
    case 0:
    case 1:
    case 2:
        return specials[(r >> 8) % NSPECIALS];
    case 3:
        return (r >> 8) & 0xff; /* small */
    case 4:
        return -((r >> 8) & 0xff); /* small negative */
    default:
        return rnd();
    }
}

/* Shift counts: in range, at the edges, and beyond the width. */
static uint64_t rnd_count(unsigned width)
{
    uint64_t r = rnd();
    switch (r & 3) {
    case 0:
        return (r >> 8) % width;
    case 1:
        return width - 1 + ((r >> 8) & 1); /* width-1 or width */
    case 2:
        return (r >> 8) % (4 * width);
    default:
        return rnd();
    }
}

/* ---- the reference ---------------------------------------------------------- */

static uint64_t sx(uint64_t v, unsigned bits)
{
    if (bits >= 64) {
        return v;
    }
    uint64_t m = 1ull << (bits - 1);
    v &= (m << 1) - 1;
    return (v ^ m) - m;
}

static bool ref_cond(unsigned cond, IrType type, uint64_t a, uint64_t b)
{
    if (type == IR_I32) {
        uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
        int32_t sa = (int32_t)ua, sb = (int32_t)ub;
        bool t[IR_COND_COUNT] = {false,
                                 true,
                                 ua == ub,
                                 ua != ub,
                                 sa<sb, sa >= sb, sa <= sb, sa>
                                     sb,
                                 ua<ub, ua >= ub, ua <= ub, ua>
                                     ub,
                                 (ua & ub) == 0,
                                 (ua & ub) != 0};
        return t[cond];
    }
    int64_t sa = (int64_t)a, sb = (int64_t)b;
    bool t[IR_COND_COUNT] = {false,
                             true,
                             a == b,
                             a != b,
                             sa<sb, sa >= sb, sa <= sb, sa>
                                 sb,
                             a<b, a >= b, a <= b, a>
                                 b,
                             (a & b) == 0,
                             (a & b) != 0};
    return t[cond];
}

static uint32_t ref_clz32(uint32_t x)
{
    uint32_t n = 0;
    for (uint32_t bit = 0x80000000u; bit && !(x & bit); bit >>= 1) {
        n++;
    }
    return n;
}

static uint64_t ref_clz64(uint64_t x)
{
    uint64_t n = 0;
    for (uint64_t bit = 1ull << 63; bit && !(x & bit); bit >>= 1) {
        n++;
    }
    return n;
}

static uint64_t ref_ctz(uint64_t x, unsigned width)
{
    uint64_t n = 0;
    while (n < width && !(x >> n & 1)) {
        n++;
    }
    return n;
}

static uint64_t ref_bswap(uint64_t x, unsigned size)
{
    uint8_t b[8];
    for (unsigned i = 0; i < 8; i++) {
        b[i] = (uint8_t)(x >> (8 * i));
    }
    uint64_t r = 0;
    for (unsigned i = 0; i < size; i++) {
        r |= (uint64_t)b[i] << (8 * (size - 1 - i));
    }
    return r;
}

/* out[0] (and out[1] for the double-width multiplies) of opc on in[]. */
static void ref_op(IrOpcode opc, IrType type, const uint64_t *in, const uint64_t *c, uint64_t *out)
{
    if (type == IR_I32) {
        uint32_t a = (uint32_t)in[0], b = (uint32_t)in[1], n = b % 32;
        uint32_t r = 0;
        switch (opc) {
        case IR_MOV:
            r = a;
            break;
        case IR_ADD:
            r = a + b;
            break;
        case IR_SUB:
            r = a - b;
            break;
        case IR_MUL:
            r = a * b;
            break;
        case IR_AND:
            r = a & b;
            break;
        case IR_OR:
            r = a | b;
            break;
        case IR_XOR:
            r = a ^ b;
            break;
        case IR_ANDC:
            r = a & ~b;
            break;
        case IR_SHL:
            r = a << n;
            break;
        case IR_SHR:
            r = a >> n;
            break;
        case IR_SAR:
            r = (uint32_t)((int32_t)a >> n);
            break;
        case IR_ROTL:
            r = n ? (a << n) | (a >> (32 - n)) : a;
            break;
        case IR_ROTR:
            r = n ? (a >> n) | (a << (32 - n)) : a;
            break;
        case IR_NEG:
            r = 0u - a;
            break;
        case IR_NOT:
            r = ~a;
            break;
        case IR_MULU2: {
            uint64_t p = (uint64_t)a * b;
            out[0] = (uint32_t)p;
            out[1] = (uint32_t)(p >> 32);
            return;
        }
        case IR_MULS2: {
            int64_t p = (int64_t)(int32_t)a * (int32_t)b;
            out[0] = (uint32_t)p;
            out[1] = (uint32_t)((uint64_t)p >> 32);
            return;
        }
        case IR_CLZ:
            r = a ? ref_clz32(a) : b;
            break;
        case IR_CTZ:
            r = a ? (uint32_t)ref_ctz(a, 32) : b;
            break;
        case IR_CTPOP:
            r = (uint32_t)__builtin_popcount(a);
            break;
        case IR_BSWAP:
            r = (uint32_t)ref_bswap(a, (unsigned)c[0]);
            break;
        case IR_EXT8S:
            r = (uint32_t)(int32_t)(int8_t)a;
            break;
        case IR_EXT8U:
            r = (uint8_t)a;
            break;
        case IR_EXT16S:
            r = (uint32_t)(int32_t)(int16_t)a;
            break;
        case IR_EXT16U:
            r = (uint16_t)a;
            break;
        case IR_EXTRL_I64_I32:
            r = (uint32_t)in[0];
            break;
        case IR_EXTRH_I64_I32:
            r = (uint32_t)(in[0] >> 32);
            break;
        case IR_DEPOSIT: {
            uint32_t m = (uint32_t)(((1ull << c[1]) - 1) << c[0]);
            r = (a & ~m) | ((uint32_t)(b << c[0]) & m);
            break;
        }
        case IR_EXTRACT:
            r = (uint32_t)((a >> c[0]) & ((1ull << c[1]) - 1));
            break;
        case IR_SEXTRACT:
            r = (uint32_t)sx(a >> c[0], (unsigned)c[1]);
            break;
        case IR_SETCOND:
            r = ref_cond((unsigned)c[0], type, a, b);
            break;
        case IR_MOVCOND:
            r = ref_cond((unsigned)c[0], type, a, b) ? (uint32_t)in[2] : (uint32_t)in[3];
            break;
        default:
            break;
        }
        out[0] = r;
        return;
    }
    uint64_t a = in[0], b = in[1], n = b % 64, r = 0;
    switch (opc) {
    case IR_MOV:
        r = a;
        break;
    case IR_ADD:
        r = a + b;
        break;
    case IR_SUB:
        r = a - b;
        break;
    case IR_MUL:
        r = a * b;
        break;
    case IR_AND:
        r = a & b;
        break;
    case IR_OR:
        r = a | b;
        break;
    case IR_XOR:
        r = a ^ b;
        break;
    case IR_ANDC:
        r = a & ~b;
        break;
    case IR_SHL:
        r = a << n;
        break;
    case IR_SHR:
        r = a >> n;
        break;
    case IR_SAR:
        r = (uint64_t)((int64_t)a >> n);
        break;
    case IR_ROTL:
        r = n ? (a << n) | (a >> (64 - n)) : a;
        break;
    case IR_ROTR:
        r = n ? (a >> n) | (a << (64 - n)) : a;
        break;
    case IR_NEG:
        r = 0 - a;
        break;
    case IR_NOT:
        r = ~a;
        break;
    case IR_MULU2: {
        /* Schoolbook on 32-bit halves. */
        uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
        uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
        uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
        out[0] = (mid << 32) | (uint32_t)ll;
        out[1] = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
        return;
    }
    case IR_MULS2: {
        __int128 p = (__int128)(int64_t)a * (__int128)(int64_t)b;
        out[0] = (uint64_t)p;
        out[1] = (uint64_t)((unsigned __int128)p >> 64);
        return;
    }
    case IR_CLZ:
        r = a ? ref_clz64(a) : b;
        break;
    case IR_CTZ:
        r = a ? ref_ctz(a, 64) : b;
        break;
    case IR_CTPOP:
        r = (uint64_t)__builtin_popcountll(a);
        break;
    case IR_BSWAP:
        r = ref_bswap(a, (unsigned)c[0]);
        break;
    case IR_EXT8S:
        r = (uint64_t)(int64_t)(int8_t)a;
        break;
    case IR_EXT8U:
        r = (uint8_t)a;
        break;
    case IR_EXT16S:
        r = (uint64_t)(int64_t)(int16_t)a;
        break;
    case IR_EXT16U:
        r = (uint16_t)a;
        break;
    case IR_EXT32S:
        r = (uint64_t)(int64_t)(int32_t)a;
        break;
    case IR_EXT32U:
        r = (uint32_t)a;
        break;
    case IR_EXTU_I32_I64:
        r = (uint32_t)in[0];
        break;
    case IR_EXTS_I32_I64:
        r = (uint64_t)(int64_t)(int32_t)in[0];
        break;
    case IR_DEPOSIT: {
        uint64_t m = (c[1] == 64 ? ~0ull : (1ull << c[1]) - 1) << c[0];
        r = (a & ~m) | ((b << c[0]) & m);
        break;
    }
    case IR_EXTRACT:
        r = (a >> c[0]) & (c[1] == 64 ? ~0ull : (1ull << c[1]) - 1);
        break;
    case IR_SEXTRACT:
        r = sx(a >> c[0], (unsigned)c[1]);
        break;
    case IR_SETCOND:
        r = ref_cond((unsigned)c[0], type, a, b);
        break;
    case IR_MOVCOND:
        r = ref_cond((unsigned)c[0], type, a, b) ? in[2] : in[3];
        break;
    default:
        break;
    }
    out[0] = r;
}

/* ---- the op sweep --------------------------------------------------------------- */

typedef struct OpCase {
    IrOpcode opc;
    IrType type;    /* the op's (and its outputs') type */
    IrType in_type; /* its inputs' */
    uint64_t consts[2];
} OpCase;

static IrTemp global_of(IrType type, bool out, unsigned k)
{
    if (out) {
        return type == IR_I32 ? G_OUT32(k) : G_OUT64(k);
    }
    return type == IR_I32 ? G_IN32(k) : G_IN64(k);
}

/*
 * One op on the input globals, writing the output globals. via_temps routes
 * the inputs and outputs through NORMAL temps (MOVs to and from the
 * globals); otherwise the op reads and writes the globals itself.
 */
static void build_op(const OpCase *oc, bool via_temps)
{
    const IrOpDef *d = &ir_op_defs[oc->opc];
    ir_func_reset(&func);
    IrTemp ins[4], outs[2];
    for (unsigned k = 0; k < d->nin; k++) {
        /* MOVCOND's value inputs sit in globals 2 and 3, compares in 0 and 1. */
        IrTemp g = global_of(oc->in_type, false, k);
        if (via_temps) {
            ins[k] = ir_temp(&func, oc->in_type);
            ir_op1(&func, IR_MOV, ins[k], g);
        } else {
            ins[k] = g;
        }
    }
    for (unsigned k = 0; k < d->nout; k++) {
        outs[k] = via_temps ? ir_temp(&func, oc->type) : global_of(oc->type, true, k);
    }
    IrOp *op = ir_emit(&func, oc->opc, oc->type);
    unsigned a = 0;
    for (unsigned k = 0; k < d->nout; k++) {
        op->args[a++] = outs[k];
    }
    for (unsigned k = 0; k < d->nin; k++) {
        op->args[a++] = ins[k];
    }
    for (unsigned k = 0; k < d->nconst; k++) {
        op->args[a++] = oc->consts[k];
    }
    if (via_temps) {
        for (unsigned k = 0; k < d->nout; k++) {
            ir_op1(&func, IR_MOV, global_of(oc->type, true, k), outs[k]);
        }
    }
    emit_exit(IR_EXIT_NOCHAIN);
}

static bool is_shift(IrOpcode opc)
{
    return opc == IR_SHL || opc == IR_SHR || opc == IR_SAR || opc == IR_ROTL || opc == IR_ROTR;
}

/* Run oc on iters input sets, against the reference and ir_eval_op. */
static void sweep(const OpCase *oc, unsigned iters)
{
    const IrOpDef *d = &ir_op_defs[oc->opc];
    unsigned in_width = oc->in_type == IR_I32 ? 32 : 64;
    for (int via = 0; via < 2; via++) {
        build_op(oc, via);
        CHECK(!func.oom);
        for (unsigned it = 0; it < iters; it++) {
            uint64_t in[4];
            for (unsigned k = 0; k < 4; k++) {
                in[k] = rnd_value();
                if (in_width == 32) {
                    in[k] = (uint32_t)in[k];
                }
            }
            if (is_shift(oc->opc)) {
                in[1] = rnd_count(in_width);
            }
            if ((oc->opc == IR_SETCOND || oc->opc == IR_MOVCOND) && (rnd() & 3) == 0) {
                in[1] = in[0]; /* equal operands */
            }
            for (unsigned k = 0; k < 4; k++) {
                env.in32[k] = (uint32_t)in[k];
                env.in64[k] = in[k];
            }
            memset(env.out32, 0xa5, sizeof(env.out32));
            memset(env.out64, 0xa5, sizeof(env.out64));
            unsigned code = run(NULL);
            sweep_check(code == IR_EXIT_NOCHAIN, "exit", oc->opc, oc->type, in, code,
                        IR_EXIT_NOCHAIN);
            uint64_t want[2] = {0, 0}, folded[2] = {0, 0};
            ref_op(oc->opc, oc->type, in, oc->consts, want);
            bool evaluated = ir_eval_op(oc->opc, oc->type, in, oc->consts, folded);
            sweep_check(evaluated, "ir_eval_op refused", oc->opc, oc->type, in, 0, 1);
            for (unsigned k = 0; k < d->nout; k++) {
                uint64_t got = oc->type == IR_I32 ? env.out32[k] : env.out64[k];
                sweep_check(got == want[k], via ? "interp via temps" : "interp on globals", oc->opc,
                            oc->type, in, got, want[k]);
                if (evaluated) {
                    sweep_check(folded[k] == want[k], "ir_eval_op", oc->opc, oc->type, in,
                                folded[k], want[k]);
                }
            }
            /* The other output global is untouched. */
            if (d->nout == 1) {
                uint64_t other = oc->type == IR_I32 ? env.out32[1] : env.out64[1];
                uint64_t pattern = oc->type == IR_I32 ? 0xa5a5a5a5u : 0xa5a5a5a5a5a5a5a5ull;
                sweep_check(other == pattern, "stray write", oc->opc, oc->type, in, other, pattern);
            }
        }
    }
}

static void test_op_sweep(void)
{
    static const IrOpcode same_type_ops[] = {
        IR_MOV,   IR_ADD, IR_SUB, IR_MUL,   IR_AND,   IR_OR,    IR_XOR,    IR_ANDC,
        IR_SHL,   IR_SHR, IR_SAR, IR_ROTL,  IR_ROTR,  IR_NEG,   IR_NOT,    IR_MULU2,
        IR_MULS2, IR_CLZ, IR_CTZ, IR_CTPOP, IR_EXT8S, IR_EXT8U, IR_EXT16S, IR_EXT16U,
    };
    for (int t = 0; t < 2; t++) {
        IrType type = t ? IR_I64 : IR_I32;
        for (size_t i = 0; i < sizeof(same_type_ops) / sizeof(same_type_ops[0]); i++) {
            OpCase oc = {same_type_ops[i], type, type, {0, 0}};
            sweep(&oc, 3000);
        }
        for (unsigned size = 2; size <= (t ? 8u : 4u); size *= 2) {
            OpCase oc = {IR_BSWAP, type, type, {size, 0}};
            sweep(&oc, 1000);
        }
        for (unsigned cond = 0; cond < IR_COND_COUNT; cond++) {
            OpCase set = {IR_SETCOND, type, type, {cond, 0}};
            sweep(&set, 1000);
            OpCase mov = {IR_MOVCOND, type, type, {cond, 0}};
            sweep(&mov, 1000);
        }
        /* Every field of the type. */
        unsigned width = t ? 64 : 32;
        for (unsigned len = 1; len <= width; len++) {
            for (unsigned pos = 0; pos + len <= width; pos++) {
                OpCase dep = {IR_DEPOSIT, type, type, {pos, len}};
                sweep(&dep, 3);
                OpCase ext = {IR_EXTRACT, type, type, {pos, len}};
                sweep(&ext, 3);
                OpCase sext = {IR_SEXTRACT, type, type, {pos, len}};
                sweep(&sext, 3);
            }
        }
    }
    static const OpCase conversions[] = {
        {IR_EXT32S, IR_I64, IR_I64, {0, 0}},        {IR_EXT32U, IR_I64, IR_I64, {0, 0}},
        {IR_EXTU_I32_I64, IR_I64, IR_I32, {0, 0}},  {IR_EXTS_I32_I64, IR_I64, IR_I32, {0, 0}},
        {IR_EXTRL_I64_I32, IR_I32, IR_I64, {0, 0}}, {IR_EXTRH_I64_I32, IR_I32, IR_I64, {0, 0}},
    };
    for (size_t i = 0; i < sizeof(conversions) / sizeof(conversions[0]); i++) {
        sweep(&conversions[i], 3000);
    }
}

/* ---- hand-picked edge cases ---------------------------------------------------- */

/* r = opc(a, b) in type, for explicit inputs. */
static uint64_t eval2(IrOpcode opc, IrType type, uint64_t a, uint64_t b)
{
    OpCase oc = {opc, type, type, {0, 0}};
    build_op(&oc, false);
    env.in32[0] = (uint32_t)a;
    env.in32[1] = (uint32_t)b;
    env.in64[0] = a;
    env.in64[1] = b;
    run(NULL);
    return type == IR_I32 ? env.out32[0] : env.out64[0];
}

static void test_edges(void)
{
    /* i32 wrap and zero-extension */
    CHECK_EQ(eval2(IR_ADD, IR_I32, 0xffffffff, 1), 0);
    CHECK_EQ(eval2(IR_SUB, IR_I32, 0, 1), 0xffffffff);
    CHECK_EQ(eval2(IR_MUL, IR_I32, 0x10000, 0x10000), 0);
    CHECK_EQ(eval2(IR_NEG, IR_I32, 1, 0), 0xffffffff);
    /* shifts: width-1, counts taken modulo the width */
    CHECK_EQ(eval2(IR_SHL, IR_I32, 1, 31), 0x80000000);
    CHECK_EQ(eval2(IR_SHL, IR_I32, 1, 32), 1);
    CHECK_EQ(eval2(IR_SHL, IR_I32, 1, 35), 8);
    CHECK_EQ(eval2(IR_SHR, IR_I32, 0x80000000, 31), 1);
    CHECK_EQ(eval2(IR_SAR, IR_I32, 0x80000000, 31), 0xffffffff);
    CHECK_EQ(eval2(IR_SAR, IR_I32, 0x80000000, 63), 0xffffffff);
    CHECK_EQ(eval2(IR_SHL, IR_I64, 1, 63), 0x8000000000000000ull);
    CHECK_EQ(eval2(IR_SHL, IR_I64, 3, 64), 3);
    CHECK_EQ(eval2(IR_SHR, IR_I64, 0x8000000000000000ull, 127), 1);
    CHECK_EQ(eval2(IR_SAR, IR_I64, 0x8000000000000000ull, 63), ~0ull);
    CHECK_EQ(eval2(IR_ROTL, IR_I32, 0x80000001, 1), 3);
    CHECK_EQ(eval2(IR_ROTR, IR_I32, 3, 33), 0x80000001);
    CHECK_EQ(eval2(IR_ROTL, IR_I64, 0x8000000000000001ull, 64), 0x8000000000000001ull);
    CHECK_EQ(eval2(IR_ROTR, IR_I64, 1, 1), 0x8000000000000000ull);
    /* CLZ/CTZ of 0 give the fallback operand */
    CHECK_EQ(eval2(IR_CLZ, IR_I32, 0, 32), 32);
    CHECK_EQ(eval2(IR_CLZ, IR_I32, 1, 99), 31);
    CHECK_EQ(eval2(IR_CTZ, IR_I32, 0, 77), 77);
    CHECK_EQ(eval2(IR_CLZ, IR_I64, 0, 64), 64);
    CHECK_EQ(eval2(IR_CLZ, IR_I64, 1, 0), 63);
    CHECK_EQ(eval2(IR_CTZ, IR_I64, 0x8000000000000000ull, 0), 63);
    CHECK_EQ(eval2(IR_CTZ, IR_I64, 0, 5), 5);

    /* MULS2 of negatives */
    OpCase muls = {IR_MULS2, IR_I64, IR_I64, {0, 0}};
    build_op(&muls, false);
    env.in64[0] = (uint64_t)-3;
    env.in64[1] = (uint64_t)-5;
    run(NULL);
    CHECK_EQ(env.out64[0], 15);
    CHECK_EQ(env.out64[1], 0);
    env.in64[1] = 5;
    run(NULL);
    CHECK_EQ(env.out64[0], (uint64_t)-15);
    CHECK_EQ(env.out64[1], ~0ull);
    env.in64[0] = 0x8000000000000000ull;
    env.in64[1] = 0x8000000000000000ull;
    run(NULL);
    CHECK_EQ(env.out64[0], 0);
    CHECK_EQ(env.out64[1], 0x4000000000000000ull);
    muls.type = muls.in_type = IR_I32;
    build_op(&muls, true);
    env.in32[0] = (uint32_t)-7;
    env.in32[1] = 3;
    run(NULL);
    CHECK_EQ(env.out32[0], (uint32_t)-21);
    CHECK_EQ(env.out32[1], 0xffffffff);

    /* MULU2 whose outputs overwrite its inputs (lo = a, hi = b) */
    ir_func_reset(&func);
    IrOp *op = ir_emit(&func, IR_MULU2, IR_I64);
    op->args[0] = G_IN64(0);
    op->args[1] = G_IN64(1);
    op->args[2] = G_IN64(0);
    op->args[3] = G_IN64(1);
    emit_exit(0);
    env.in64[0] = ~0ull;
    env.in64[1] = ~0ull;
    run(NULL);
    CHECK_EQ(env.in64[0], 1);
    CHECK_EQ(env.in64[1], 0xfffffffffffffffeull);

    /* MOVI truncates to the type */
    ir_func_reset(&func);
    ir_movi(&func, G_OUT32(0), 0x1234567887654321ull);
    IrTemp t = ir_const(&func, IR_I32, 0xffffffff00000005ull);
    IrTemp w = ir_temp(&func, IR_I64);
    ir_op1(&func, IR_EXTU_I32_I64, w, t);
    ir_op1(&func, IR_MOV, G_OUT64(0), w);
    emit_exit(0);
    run(NULL);
    CHECK_EQ(env.out32[0], 0x87654321);
    CHECK_EQ(env.out64[0], 5);
}

/* ---- the CPU state and guest memory ----------------------------------------------- */

static void test_ld_st(void)
{
    static const unsigned memops[] = {1, 2, 4, 8, 1 | IR_MO_SIGN, 2 | IR_MO_SIGN, 4 | IR_MO_SIGN};
    for (int t = 0; t < 2; t++) {
        IrType type = t ? IR_I64 : IR_I32;
        for (size_t i = 0; i < sizeof(memops) / sizeof(memops[0]); i++) {
            unsigned memop = memops[i], size = memop & IR_MO_SIZE_MASK;
            if (type == IR_I32 && size == 8) {
                continue;
            }
            /* LD from state+3 (unaligned), ST to state+17 */
            ir_func_reset(&func);
            IrTemp v = ir_temp(&func, type);
            IrOp *op = ir_emit(&func, IR_LD, type);
            op->args[0] = v;
            op->args[1] = offsetof(TestEnv, state) + 3;
            op->args[2] = memop;
            ir_op1(&func, IR_MOV, global_of(type, true, 0), v);
            op = ir_emit(&func, IR_ST, type);
            op->args[0] = v;
            op->args[1] = offsetof(TestEnv, state) + 17;
            op->args[2] = size;
            emit_exit(0);
            for (int it = 0; it < 200; it++) {
                for (size_t b = 0; b < sizeof(env.state); b++) {
                    env.state[b] = (uint8_t)rnd();
                }
                uint8_t before[32];
                memcpy(before, env.state, sizeof(before));
                run(NULL);
                uint64_t raw = 0;
                memcpy(&raw, &before[3], size);
                uint64_t want = memop & IR_MO_SIGN ? sx(raw, size * 8) : raw;
                if (type == IR_I32) {
                    want = (uint32_t)want;
                }
                uint64_t got = type == IR_I32 ? env.out32[0] : env.out64[0];
                CHECK_EQ(got, want);
                CHECK(memcmp(&env.state[17], &before[3], size) == 0);
                CHECK(memcmp(&env.state[17 + size], &before[17 + size], 32 - 17 - size) == 0);
                CHECK(memcmp(env.state, before, 17) == 0);
            }
        }
    }
}

static void test_qld_qst(void)
{
    static const unsigned memops[] = {1, 2, 4, 8, 1 | IR_MO_SIGN, 2 | IR_MO_SIGN, 4 | IR_MO_SIGN};
    for (int t = 0; t < 2; t++) {
        IrType type = t ? IR_I64 : IR_I32;
        for (size_t i = 0; i < sizeof(memops) / sizeof(memops[0]); i++) {
            unsigned memop = memops[i], size = memop & IR_MO_SIZE_MASK;
            if (type == IR_I32 && size == 8) {
                continue;
            }
            /* r = QLD [in64[0]]; QST r -> [in64[1]] */
            ir_func_reset(&func);
            IrOp *op = ir_emit(&func, IR_QLD, type);
            op->args[0] = global_of(type, true, 0);
            op->args[1] = G_IN64(0);
            op->args[2] = memop;
            op->args[3] = 2;
            op = ir_emit(&func, IR_QST, type);
            op->args[0] = global_of(type, true, 0);
            op->args[1] = G_IN64(1);
            op->args[2] = size;
            op->args[3] = 1;
            emit_exit(0);
            for (int it = 0; it < 200; it++) {
                for (size_t b = 0; b < sizeof(env.mem); b++) {
                    env.mem[b] = (uint8_t)rnd();
                }
                env.in64[0] = 0xffffffff00000000ull | (rnd() & 0x7f);
                env.in64[1] = 0x80 + (rnd() & 0x77); /* the access stays in mem[] */
                env.loads = env.stores = 0;
                uint64_t raw = 0;
                memcpy(&raw, &env.mem[env.in64[0] & 0xff], size);
                run(NULL);
                uint64_t want = memop & IR_MO_SIGN ? sx(raw, size * 8) : raw;
                if (type == IR_I32) {
                    want = (uint32_t)want;
                }
                CHECK_EQ(type == IR_I32 ? env.out32[0] : env.out64[0], want);
                CHECK_EQ(env.loads, 1);
                CHECK_EQ(env.stores, 1);
                /* the store's view: its own address, memop and mmu_idx */
                CHECK_EQ(env.last_la, env.in64[1]);
                CHECK_EQ(env.last_memop, size);
                CHECK_EQ(env.last_mmu, 1);
                uint64_t stored = 0;
                memcpy(&stored, &env.mem[env.in64[1]], size);
                CHECK_EQ(stored, raw);
            }
            /* the load's view */
            ir_func_reset(&func);
            op = ir_emit(&func, IR_QLD, type);
            op->args[0] = global_of(type, true, 0);
            op->args[1] = G_IN64(0);
            op->args[2] = memop;
            op->args[3] = 3;
            emit_exit(0);
            env.in64[0] = 0x1234;
            run(NULL);
            CHECK_EQ(env.last_la, 0x1234);
            CHECK_EQ(env.last_memop, memop);
            CHECK_EQ(env.last_mmu, 3);
        }
    }
}

/* ---- control flow ------------------------------------------------------------------- */

static void emit_brcond(IrType type, IrCond cond, IrTemp a, IrTemp b, IrLabel l)
{
    IrOp *op = ir_emit(&func, IR_BRCOND, type);
    op->args[0] = a;
    op->args[1] = b;
    op->args[2] = cond;
    op->args[3] = l;
}

static void emit_label(IrLabel l)
{
    IrOp *op = ir_emit(&func, IR_LABEL, IR_I64);
    op->args[0] = l;
}

/* r64 = sum of 1..in64[0] by a countdown loop; label first_label + k. */
static void build_countdown(unsigned extra_labels)
{
    ir_func_reset(&func);
    for (unsigned k = 0; k < extra_labels; k++) {
        ir_label_new(&func); /* push the loop's label past the cache */
    }
    IrLabel top = ir_label_new(&func), done = ir_label_new(&func);
    IrTemp n = ir_temp_local(&func, IR_I64), acc = ir_temp_local(&func, IR_I64);
    IrTemp zero = ir_temp_local(&func, IR_I64), one = ir_temp_local(&func, IR_I64);
    ir_op1(&func, IR_MOV, n, G_IN64(0));
    ir_movi(&func, acc, 0);
    ir_movi(&func, zero, 0);
    ir_movi(&func, one, 1);
    emit_brcond(IR_I64, IR_COND_EQ, n, zero, done);
    emit_label(top);
    ir_op2(&func, IR_ADD, acc, acc, n);
    ir_op2(&func, IR_SUB, n, n, one);
    emit_brcond(IR_I64, IR_COND_NE, n, zero, top);
    emit_label(done);
    ir_op1(&func, IR_MOV, G_OUT64(0), acc);
    emit_exit(1);
}

static void test_loops(void)
{
    for (unsigned extra = 0; extra <= 100; extra += 100) {
        build_countdown(extra);
        static const uint64_t counts[] = {0, 1, 2, 10, 1000, 100000};
        for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
            env.in64[0] = counts[i];
            env.out64[0] = 0xdead;
            CHECK_EQ(run(NULL), 1);
            CHECK_EQ(env.out64[0], counts[i] * (counts[i] + 1) / 2);
        }
    }

    /* BR over ops, and BRCOND of every condition in both types */
    ir_func_reset(&func);
    IrLabel skip = ir_label_new(&func);
    ir_movi(&func, G_OUT64(0), 1);
    IrOp *op = ir_emit(&func, IR_BR, IR_I64);
    op->args[0] = skip;
    ir_movi(&func, G_OUT64(0), 2);
    emit_label(skip);
    emit_exit(0);
    run(NULL);
    CHECK_EQ(env.out64[0], 1);

    for (int t = 0; t < 2; t++) {
        IrType type = t ? IR_I64 : IR_I32;
        for (unsigned cond = 0; cond < IR_COND_COUNT; cond++) {
            ir_func_reset(&func);
            IrLabel taken = ir_label_new(&func);
            emit_brcond(type, (IrCond)cond, global_of(type, false, 0), global_of(type, false, 1),
                        taken);
            emit_exit(0);
            emit_label(taken);
            emit_exit(1);
            for (int it = 0; it < 300; it++) {
                uint64_t in[2] = {rnd_value(), (rnd() & 3) == 0 ? 0 : rnd_value()};
                if ((rnd() & 3) == 0) {
                    in[1] = in[0];
                }
                env.in32[0] = (uint32_t)in[0];
                env.in32[1] = (uint32_t)in[1];
                env.in64[0] = in[0];
                env.in64[1] = in[1];
                CHECK_EQ(run(NULL), ref_cond(cond, type, in[0], in[1]));
            }
        }
    }

    /* NOPs are skipped wherever they are */
    ir_func_reset(&func);
    ir_emit(&func, IR_NOP, IR_I64);
    ir_movi(&func, G_OUT64(1), 42);
    ir_emit(&func, IR_NOP, IR_I64);
    emit_exit(3);
    CHECK_EQ(run(NULL), 3);
    CHECK_EQ(env.out64[1], 42);
}

/* Many temps (the stack array), in a chain. */
static void test_many_temps(void)
{
    ir_func_reset(&func);
    IrTemp prev = G_IN64(0);
    for (int i = 0; i < 6000; i++) {
        IrTemp t = ir_temp(&func, IR_I64);
        IrTemp one = ir_const(&func, IR_I64, 3);
        ir_op2(&func, IR_ADD, t, prev, one);
        prev = t;
    }
    ir_op1(&func, IR_MOV, G_OUT64(0), prev);
    emit_exit(0);
    CHECK(func.ntemps > 12000);
    env.in64[0] = 5;
    run(NULL);
    CHECK_EQ(env.out64[0], 5 + 3 * 6000);
}

/* ---- exits and INSN_START ------------------------------------------------------------- */

static void test_exits(void)
{
    for (unsigned slot = 0; slot < 2; slot++) {
        ir_func_reset(&func);
        ir_movi(&func, G_OUT64(0), 7);
        IrOp *op = ir_emit(&func, IR_GOTO_TB, IR_I64);
        op->args[0] = slot;
        ir_movi(&func, G_OUT64(0), 8); /* never reached */
        emit_exit(2);
        env.out64[0] = 0;
        CHECK_EQ(run(NULL), slot);
        CHECK_EQ(env.out64[0], 7);
    }
    for (unsigned code = 0; code < 4; code++) {
        ir_func_reset(&func);
        emit_exit(code);
        CHECK_EQ(run(NULL), code);
    }
    ir_func_reset(&func);
    IrTemp pc = ir_temp(&func, IR_I64);
    IrTemp four = ir_const(&func, IR_I64, 4);
    ir_op2(&func, IR_ADD, pc, G_IN64(0), four);
    IrOp *op = ir_emit(&func, IR_LOOKUP_TB, IR_I64);
    op->args[0] = pc;
    env.in64[0] = 0xffffffff80001000ull;
    uint64_t lookup = 0;
    CHECK_EQ(run(&lookup), IR_EXIT_NOCHAIN);
    CHECK_EQ(lookup, 0xffffffff80001004ull);

    /* INSN_START stores each instruction's PC; the last one stays */
    ir_func_reset(&func);
    op = ir_emit(&func, IR_INSN_START, IR_I64);
    op->args[0] = 0xfff0;
    ir_movi(&func, G_OUT64(0), 1);
    op = ir_emit(&func, IR_INSN_START, IR_I64);
    op->args[0] = 0xffffffff81000005ull;
    emit_exit(0);
    env.fault_pc = 0;
    run(NULL);
    CHECK_EQ(env.fault_pc, 0xffffffff81000005ull);

    /* MB of each kind is accepted and does nothing visible */
    ir_func_reset(&func);
    for (unsigned kind = IR_MB_LOAD; kind <= IR_MB_FULL; kind++) {
        op = ir_emit(&func, IR_MB, IR_I64);
        op->args[0] = kind;
    }
    ir_movi(&func, G_OUT32(0), 9);
    emit_exit(1);
    CHECK_EQ(run(NULL), 1);
    CHECK_EQ(env.out32[0], 9);
}

/* ---- helpers through libffi ----------------------------------------------------------- */

static TestEnv *as_env(void *e)
{
    TestEnv *t = e;
    t->helper_calls++;
    t->seen_fault_pc = t->fault_pc;
    return t;
}

static void h_v(void *e)
{
    as_env(e)->helper_args[0] = 0x5555;
}
static uint32_t h_i32(void *e)
{
    as_env(e);
    return 0xfffffffeu;
}
static uint64_t h_i64(void *e)
{
    as_env(e);
    return 0xfedcba9876543210ull;
}
static uint64_t h_i64_i32(void *e, uint32_t a)
{
    as_env(e);
    return (uint64_t)a << 8;
}
static uint32_t h_i32_i64(void *e, uint64_t a)
{
    as_env(e);
    return (uint32_t)(a >> 32) ^ (uint32_t)a;
}
static void h_v_i32_i32(void *e, uint32_t a, uint32_t b)
{
    TestEnv *t = as_env(e);
    t->helper_args[0] = a;
    t->helper_args[1] = b;
}
static uint64_t h_i64_i64_i32_i64(void *e, uint64_t a, uint32_t b, uint64_t c)
{
    as_env(e);
    return a * 3 + b * 5 + c * 7;
}
static uint32_t h_i32_4(void *e, uint32_t a, uint64_t b, uint32_t c, uint64_t d)
{
    as_env(e);
    return a - (uint32_t)b + c * 2 - (uint32_t)(d >> 40);
}
static uint64_t h_i64_5(void *e, uint32_t a, uint64_t b, uint32_t c, uint64_t d, uint32_t f)
{
    as_env(e);
    return a + b * 2 + (uint64_t)c * 4 + d * 8 + (uint64_t)f * 16;
}
static void h_v_5_i64(void *e, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t f)
{
    TestEnv *t = as_env(e);
    t->helper_args[0] = a;
    t->helper_args[1] = b;
    t->helper_args[2] = c;
    t->helper_args[3] = d;
    t->helper_args[4] = f;
}
static uint32_t h_i32_5_i32(void *e, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t f)
{
    as_env(e);
    return a ^ (b << 1) ^ (c << 2) ^ (d << 3) ^ (f << 4);
}
/* Writes a global in env: the IR after the call must see it. */
static void h_v_write_global(void *e, uint64_t v)
{
    TestEnv *t = as_env(e);
    t->in64[3] = v + 1;
}

#define HELPER(fn_, ret_, n_, ...)                                                                 \
    {                                                                                              \
        .name = #fn_, .fn = (void *)fn_, .ret = ret_, .nargs = n_, .arg_types = { __VA_ARGS__ }    \
    }

static const IrHelper helpers[] = {
    HELPER(h_v, IR_VOID, 0, 0),
    HELPER(h_i32, IR_I32, 0, 0),
    HELPER(h_i64, IR_I64, 0, 0),
    HELPER(h_i64_i32, IR_I64, 1, IR_I32),
    HELPER(h_i32_i64, IR_I32, 1, IR_I64),
    HELPER(h_v_i32_i32, IR_VOID, 2, IR_I32, IR_I32),
    HELPER(h_i64_i64_i32_i64, IR_I64, 3, IR_I64, IR_I32, IR_I64),
    HELPER(h_i32_4, IR_I32, 4, IR_I32, IR_I64, IR_I32, IR_I64),
    HELPER(h_i64_5, IR_I64, 5, IR_I32, IR_I64, IR_I32, IR_I64, IR_I32),
    HELPER(h_v_5_i64, IR_VOID, 5, IR_I64, IR_I64, IR_I64, IR_I64, IR_I64),
    HELPER(h_i32_5_i32, IR_I32, 5, IR_I32, IR_I32, IR_I32, IR_I32, IR_I32),
    HELPER(h_v_write_global, IR_VOID, 1, IR_I64),
};

/* Call helpers[idx] on the input globals of its argument types (in32[k] or
 * in64[k] for argument k < 4); the result goes to r32 / r64. The
 * five-argument helpers are tested separately with constants. */
static void build_call(size_t idx)
{
    const IrHelper *h = &helpers[idx];
    ir_func_reset(&func);
    IrOp *op = ir_emit(&func, IR_INSN_START, IR_I64);
    op->args[0] = 0x4000 + idx;
    IrTemp ins[IR_HELPER_MAX_ARGS];
    for (unsigned k = 0; k < h->nargs; k++) {
        ins[k] = global_of((IrType)h->arg_types[k], false, k < 4 ? k : 3);
    }
    IrTemp out = h->ret == IR_VOID ? IR_NO_TEMP : global_of((IrType)h->ret, true, 0);
    ir_call(&func, h, out, ins);
    emit_exit(0);
}

static const uint64_t helper_inputs[4] = {0xffffffff00000011ull, 0x8000000000000022ull, 0x33,
                                          0xabcdef0123456789ull};

static void set_helper_inputs(void)
{
    for (int k = 0; k < 4; k++) {
        env.in32[k] = (uint32_t)helper_inputs[k];
        env.in64[k] = helper_inputs[k];
    }
}

static void test_helpers(void)
{
    /* Every helper once: called exactly once, after INSN_START stored its PC. */
    for (size_t idx = 0; idx < sizeof(helpers) / sizeof(helpers[0]); idx++) {
        set_helper_inputs();
        build_call(idx);
        env.helper_calls = 0;
        CHECK_EQ(run(NULL), 0);
        CHECK_EQ(env.helper_calls, 1);
        CHECK_EQ(env.seen_fault_pc, 0x4000 + idx);
    }
    set_helper_inputs();
    const uint64_t *a = helper_inputs;
    uint32_t i32[4] = {(uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint32_t)a[3]};
    const uint64_t *i64 = helper_inputs;

    /* Each result, recomputed by calling the C function directly. */
    build_call(0);
    run(NULL);
    CHECK_EQ(env.helper_args[0], 0x5555);
    build_call(1);
    run(NULL);
    CHECK_EQ(env.out32[0], 0xfffffffe);
    build_call(2);
    run(NULL);
    CHECK_EQ(env.out64[0], 0xfedcba9876543210ull);
    build_call(3);
    run(NULL);
    CHECK_EQ(env.out64[0], (uint64_t)i32[0] << 8);
    build_call(4);
    run(NULL);
    CHECK_EQ(env.out32[0], (uint32_t)(a[0] >> 32) ^ (uint32_t)a[0]);
    build_call(5);
    run(NULL);
    CHECK_EQ(env.helper_args[0], i32[0]);
    CHECK_EQ(env.helper_args[1], i32[1]);
    build_call(6);
    run(NULL);
    CHECK_EQ(env.out64[0], i64[0] * 3 + i32[1] * 5 + i64[2] * 7);
    build_call(7);
    run(NULL);
    CHECK_EQ(env.out32[0],
             (uint32_t)(i32[0] - (uint32_t)i64[1] + i32[2] * 2 - (uint32_t)(i64[3] >> 40)));

    /* Five arguments: all distinct, through NORMAL temps. */
    static const uint64_t five[5] = {0x11111111, 0x2222222222222222ull, 0x33333333,
                                     0x4444444444444444ull, 0xf5555555};
    for (size_t idx = 8; idx <= 10; idx++) {
        const IrHelper *h = &helpers[idx];
        ir_func_reset(&func);
        IrTemp ins[IR_HELPER_MAX_ARGS];
        for (unsigned k = 0; k < 5; k++) {
            ins[k] = ir_const(&func, (IrType)h->arg_types[k], five[k]);
        }
        IrTemp out = IR_NO_TEMP;
        if (h->ret != IR_VOID) {
            out = ir_temp(&func, (IrType)h->ret);
        }
        ir_call(&func, h, out, ins);
        if (out != IR_NO_TEMP) {
            ir_op1(&func, IR_MOV, global_of((IrType)h->ret, true, 0), out);
        }
        emit_exit(0);
        run(NULL);
    }
    CHECK_EQ(env.out32[0],
             h_i32_5_i32(&env, 0x11111111, 0x22222222, 0x33333333, 0x44444444, 0xf5555555));
    CHECK_EQ(env.helper_args[0], five[0]);
    CHECK_EQ(env.helper_args[1], five[1]);
    CHECK_EQ(env.helper_args[2], five[2]);
    CHECK_EQ(env.helper_args[3], five[3]);
    CHECK_EQ(env.helper_args[4], five[4]);
    ir_func_reset(&func);
    {
        IrTemp ins[5];
        for (unsigned k = 0; k < 5; k++) {
            ins[k] = ir_const(&func, (IrType)helpers[8].arg_types[k], five[k]);
        }
        ir_call(&func, &helpers[8], G_OUT64(0), ins);
        emit_exit(0);
        run(NULL);
        CHECK_EQ(env.out64[0], h_i64_5(&env, 0x11111111, five[1], 0x33333333, five[3], 0xf5555555));
    }

    /* An i32 result is zero-extended in its temp. */
    ir_func_reset(&func);
    IrTemp r = ir_temp(&func, IR_I32), w = ir_temp(&func, IR_I64);
    ir_call(&func, &helpers[1], r, NULL);
    ir_op1(&func, IR_EXTU_I32_I64, w, r);
    ir_op1(&func, IR_MOV, G_OUT64(1), w);
    emit_exit(0);
    run(NULL);
    CHECK_EQ(env.out64[1], 0xfffffffe);

    /* A helper that writes a global: the IR after it reads the new value. */
    ir_func_reset(&func);
    IrTemp arg = ir_const(&func, IR_I64, 41);
    ir_call(&func, &helpers[11], IR_NO_TEMP, &arg);
    ir_op1(&func, IR_MOV, G_OUT64(0), G_IN64(3));
    emit_exit(0);
    run(NULL);
    CHECK_EQ(env.out64[0], 42);
}

int main(void)
{
    setup_func();
    test_edges();
    test_op_sweep();
    test_ld_st();
    test_qld_qst();
    test_loops();
    test_many_temps();
    test_exits();
    test_helpers();
    ir_func_destroy(&func);
    return check_report("interp");
}
