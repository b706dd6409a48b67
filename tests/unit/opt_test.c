/*
 * The optimizer passes on IR snippets: what each must change and, as much,
 * what it must leave alone (global writes a fault or helper can see, NORMAL
 * temps at labels, branches it cannot decide). Constant folding is checked
 * op by op against a second, independent C computation of each operation on
 * random and edge-case inputs, for both types.
 */
#include "check.h"
#include "translator/ir.h"

#include <stdlib.h>
#include <string.h>

/* ---- fixtures --------------------------------------------------------------- */

enum { G_EAX, G_RIP, G_CC_DST, G_CC_OP, NGLOBALS };

static uint64_t helper_fn(void *env, uint64_t a)
{
    (void)env;
    return a;
}

/* A helper that may read and write globals and fault: the default. */
static const IrHelper h_any = {"any", (void *)helper_fn, IR_I64, 1, {IR_I64}, 0};
/* A pure one (cc_compute_all-like). */
static const IrHelper h_pure = {"pure", (void *)helper_fn, IR_I64, 1, {IR_I64}, IR_HELPER_PURE};
/* Writes globals but reads none and cannot fault. */
static const IrHelper h_writes = {
    .name = "writes",
    .fn = (void *)helper_fn,
    .ret = IR_I64,
    .nargs = 1,
    .arg_types = {IR_I64},
    .flags = IR_HELPER_NO_READ_GLOBALS | IR_HELPER_NO_FAULT | IR_HELPER_NO_SIDE,
};
/* Reads globals, writes none, cannot fault. */
static const IrHelper h_reads = {
    .name = "reads",
    .fn = (void *)helper_fn,
    .ret = IR_I64,
    .nargs = 1,
    .arg_types = {IR_I64},
    .flags = IR_HELPER_NO_WRITE_GLOBALS | IR_HELPER_NO_FAULT | IR_HELPER_NO_SIDE,
};

static void setup(IrFunc *f)
{
    ir_func_init(f);
    ir_global(f, IR_I32, 0x00, "eax");
    ir_global(f, IR_I64, 0x80, "rip");
    ir_global(f, IR_I64, 0x90, "cc_dst");
    ir_global(f, IR_I32, 0x98, "cc_op");
}

static IrOp *emit(IrFunc *f, IrOpcode opc, IrType type, uint64_t a0, uint64_t a1, uint64_t a2,
                  uint64_t a3)
{
    IrOp *op = ir_emit(f, opc, type);
    op->args[0] = a0;
    op->args[1] = a1;
    op->args[2] = a2;
    op->args[3] = a3;
    return op;
}

static void exit_tb(IrFunc *f)
{
    emit(f, IR_EXIT_TB, IR_I64, IR_EXIT_NOCHAIN, 0, 0, 0);
}

static void call1(IrFunc *f, const IrHelper *h, IrTemp out, IrTemp in)
{
    ir_call(f, h, out, &in);
}

/* The func as text (the printer is tested in ir_test.c). */
static char text_buf[8192];
static const char *text(const IrFunc *f)
{
    FILE *tmp = tmpfile();
    text_buf[0] = '\0';
    if (tmp) {
        ir_print(f, tmp);
        rewind(tmp);
        size_t n = fread(text_buf, 1, sizeof(text_buf) - 1, tmp);
        text_buf[n] = '\0';
        fclose(tmp);
    }
    return text_buf;
}

/* Compare f's text with want after compacting; report both on mismatch. */
#define CHECK_IR(f, want)                                                                          \
    do {                                                                                           \
        ir_compact(f);                                                                             \
        const char *got_ = text(f);                                                                \
        CHECK(strcmp(got_, want) == 0);                                                            \
        if (strcmp(got_, want) != 0) {                                                             \
            fprintf(stderr, "--- got:\n%s--- want:\n%s", got_, want);                              \
        }                                                                                          \
        char err_[256];                                                                            \
        bool ok_ = ir_verify(f, err_, sizeof(err_));                                               \
        CHECK(ok_);                                                                                \
        if (!ok_) {                                                                                \
            fprintf(stderr, "verify: %s\n", err_);                                                 \
        }                                                                                          \
    } while (0)

/* ---- the reference semantics, written independently of ir_eval_op ------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* Random values with the edge cases folding gets wrong most often. */
static uint64_t rnd_value(void)
{
    /* clang-format off */
    static const uint64_t edges[] = {
        0, 1, 2, 31, 32, 33, 63, 64, 65, 0x7f, 0x80, 0xff, 0x8000, 0xffff, 0x7fffffff,
        0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
        0xffffffffffffffffull, 0xffffffff80000000ull, 0xfffffffffffffffeull};
    /* clang-format on */
    uint64_t r = rnd();
    switch (r % 4) {
    case 0:
        return edges[(r >> 8) % (sizeof(edges) / sizeof(edges[0]))];
    case 1:
        return (r >> 8) & 0xff; /* small: shift counts, small operands */
    default:
        return rnd();
    }
}

static uint64_t bitcount(uint64_t v, unsigned w)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < w; i++) {
        n += (v >> i) & 1;
    }
    return n;
}

static uint64_t ref_rotl(uint64_t v, unsigned n, unsigned w)
{
    uint64_t m = w == 32 ? 0xffffffffull : ~0ull;
    for (unsigned i = 0; i < n; i++) {
        v = ((v << 1) | (v >> (w - 1))) & m;
    }
    return v;
}

/*
 * The expected outputs of opc on in[] and k[] (constant args), computed with
 * the host's own typed arithmetic for each width.
 */
static void ref_eval(IrOpcode opc, IrType ty, const uint64_t *in, const uint64_t *k, uint64_t *out)
{
    bool is32 = ty == IR_I32;
    unsigned w = is32 ? 32 : 64;
    uint32_t a32 = (uint32_t)in[0], b32 = (uint32_t)in[1];
    int32_t sa32 = (int32_t)a32, sb32 = (int32_t)b32;
    uint64_t a64 = in[0], b64 = in[1];
    int64_t sa64 = (int64_t)a64, sb64 = (int64_t)b64;
    uint64_t a = is32 ? a32 : a64;
    uint64_t b = is32 ? b32 : b64;
    uint64_t r = 0;
    switch (opc) {
    case IR_MOV:
        r = a;
        break;
    case IR_ADD:
        r = is32 ? (uint32_t)(a32 + b32) : a64 + b64;
        break;
    case IR_SUB:
        r = is32 ? (uint32_t)(a32 - b32) : a64 - b64;
        break;
    case IR_MUL:
        r = is32 ? (uint32_t)(a32 * b32) : a64 * b64;
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
        r = a & ~b & (is32 ? 0xffffffffull : ~0ull);
        break;
    case IR_SHL:
        r = is32 ? (uint32_t)(a32 << (b32 % 32)) : a64 << (b64 % 64);
        break;
    case IR_SHR:
        r = is32 ? a32 >> (b32 % 32) : a64 >> (b64 % 64);
        break;
    case IR_SAR:
        r = is32 ? (uint32_t)(sa32 >> (b32 % 32)) : (uint64_t)(sa64 >> (b64 % 64));
        break;
    case IR_ROTL:
        r = ref_rotl(a, (unsigned)(b % w), w);
        break;
    case IR_ROTR:
        r = ref_rotl(a, (unsigned)((w - b % w) % w), w);
        break;
    case IR_NEG:
        r = is32 ? (uint32_t)(0u - a32) : 0 - a64;
        break;
    case IR_NOT:
        r = is32 ? (uint32_t)~a32 : ~a64;
        break;
    case IR_MULU2:
        if (is32) {
            uint64_t p = (uint64_t)a32 * b32;
            out[0] = (uint32_t)p;
            out[1] = p >> 32;
        } else {
            unsigned __int128 p = (unsigned __int128)a64 * b64;
            out[0] = (uint64_t)p;
            out[1] = (uint64_t)(p >> 64);
        }
        return;
    case IR_MULS2:
        if (is32) {
            int64_t p = (int64_t)sa32 * sb32;
            out[0] = (uint32_t)p;
            out[1] = (uint32_t)((uint64_t)p >> 32);
        } else {
            __int128 p = (__int128)sa64 * sb64;
            out[0] = (uint64_t)p;
            out[1] = (uint64_t)((unsigned __int128)p >> 64);
        }
        return;
    case IR_CLZ:
        if (a == 0) {
            r = b;
        } else {
            r = 0;
            for (unsigned i = w; i-- > 0 && !((a >> i) & 1);) {
                r++;
            }
        }
        break;
    case IR_CTZ:
        if (a == 0) {
            r = b;
        } else {
            r = 0;
            for (unsigned i = 0; i < w && !((a >> i) & 1); i++) {
                r++;
            }
        }
        break;
    case IR_CTPOP:
        r = bitcount(a, w);
        break;
    case IR_BSWAP: {
        uint8_t bytes[8];
        for (unsigned i = 0; i < 8; i++) {
            bytes[i] = (uint8_t)(a >> (8 * i));
        }
        r = 0;
        for (unsigned i = 0; i < k[0]; i++) {
            r |= (uint64_t)bytes[k[0] - 1 - i] << (8 * i);
        }
        break;
    }
    case IR_EXT8S:
        r = is32 ? (uint32_t)(int32_t)(int8_t)a : (uint64_t)(int64_t)(int8_t)a;
        break;
    case IR_EXT8U:
        r = (uint8_t)a;
        break;
    case IR_EXT16S:
        r = is32 ? (uint32_t)(int32_t)(int16_t)a : (uint64_t)(int64_t)(int16_t)a;
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
    case IR_EXTRL_I64_I32:
        r = (uint32_t)in[0];
        break;
    case IR_EXTRH_I64_I32:
        r = (uint32_t)(in[0] >> 32);
        break;
    case IR_DEPOSIT:
        r = a;
        for (unsigned i = 0; i < k[1]; i++) {
            r &= ~(1ull << (k[0] + i));
            r |= ((b >> i) & 1) << (k[0] + i);
        }
        break;
    case IR_EXTRACT:
    case IR_SEXTRACT: {
        r = 0;
        for (unsigned i = 0; i < k[1]; i++) {
            r |= ((a >> (k[0] + i)) & 1) << i;
        }
        bool neg = (r >> (k[1] - 1)) & 1;
        if (opc == IR_SEXTRACT && neg) {
            for (unsigned i = (unsigned)k[1]; i < w; i++) {
                r |= 1ull << i;
            }
        }
        break;
    }
    case IR_SETCOND:
    case IR_MOVCOND: {
        bool c = false;
        int64_t sa = is32 ? sa32 : sa64, sb = is32 ? sb32 : sb64;
        switch ((IrCond)k[0]) {
        case IR_COND_NEVER:
            c = false;
            break;
        case IR_COND_ALWAYS:
            c = true;
            break;
        case IR_COND_EQ:
            c = a == b;
            break;
        case IR_COND_NE:
            c = a != b;
            break;
        case IR_COND_LT:
            c = sa < sb;
            break;
        case IR_COND_GE:
            c = sa >= sb;
            break;
        case IR_COND_LE:
            c = sa <= sb;
            break;
        case IR_COND_GT:
            c = sa > sb;
            break;
        case IR_COND_LTU:
            c = a < b;
            break;
        case IR_COND_GEU:
            c = a >= b;
            break;
        case IR_COND_LEU:
            c = a <= b;
            break;
        case IR_COND_GTU:
            c = a > b;
            break;
        case IR_COND_TSTEQ:
            c = !(a & b);
            break;
        case IR_COND_TSTNE:
            c = (a & b) != 0;
            break;
        case IR_COND_COUNT:
            break;
        }
        if (opc == IR_SETCOND) {
            r = c;
        } else {
            r = c ? in[2] : in[3];
            r = is32 ? (uint32_t)r : r;
        }
        break;
    }
    default:
        break;
    }
    out[0] = r;
}

/* ---- constant folding against the reference ---------------------------------- */

static const IrOpcode foldable[] = {
    IR_ADD,     IR_SUB,          IR_MUL,          IR_AND,           IR_OR,
    IR_XOR,     IR_ANDC,         IR_SHL,          IR_SHR,           IR_SAR,
    IR_ROTL,    IR_ROTR,         IR_NEG,          IR_NOT,           IR_MULU2,
    IR_MULS2,   IR_CLZ,          IR_CTZ,          IR_CTPOP,         IR_BSWAP,
    IR_EXT8S,   IR_EXT8U,        IR_EXT16S,       IR_EXT16U,        IR_EXT32S,
    IR_EXT32U,  IR_DEPOSIT,      IR_EXTRACT,      IR_SEXTRACT,      IR_SETCOND,
    IR_MOVCOND, IR_EXTU_I32_I64, IR_EXTS_I32_I64, IR_EXTRL_I64_I32, IR_EXTRH_I64_I32,
    IR_MOV,
};

/* The type of the op's inputs and output (for the conversions they differ). */
static void op_types(IrOpcode opc, IrType ty, IrType *in_type, IrType *out_type)
{
    *in_type = *out_type = ty;
    if (opc == IR_EXTU_I32_I64 || opc == IR_EXTS_I32_I64) {
        *in_type = IR_I32;
    } else if (opc == IR_EXTRL_I64_I32 || opc == IR_EXTRH_I64_I32) {
        *in_type = IR_I64;
    }
}

/* The types each opcode exists in (conversions have one fixed op type). */
static bool op_has_type(IrOpcode opc, IrType ty)
{
    switch (opc) {
    case IR_EXT32S:
    case IR_EXT32U:
    case IR_EXTU_I32_I64:
    case IR_EXTS_I32_I64:
        return ty == IR_I64;
    case IR_EXTRL_I64_I32:
    case IR_EXTRH_I64_I32:
        return ty == IR_I32;
    default:
        return true;
    }
}

/* Random valid constant args for opc. */
static void rnd_consts(IrOpcode opc, IrType ty, uint64_t *k)
{
    unsigned w = ty == IR_I32 ? 32 : 64;
    switch (opc) {
    case IR_BSWAP: {
        static const uint64_t sizes[] = {2, 4, 8};
        k[0] = sizes[rnd() % (ty == IR_I32 ? 2 : 3)];
        break;
    }
    case IR_DEPOSIT:
    case IR_EXTRACT:
    case IR_SEXTRACT:
        k[1] = 1 + rnd() % w;          /* len */
        k[0] = rnd() % (w - k[1] + 1); /* pos */
        break;
    case IR_SETCOND:
    case IR_MOVCOND:
        k[0] = rnd() % IR_COND_COUNT;
        break;
    default:
        break;
    }
}

static unsigned fold_cases;

/* Fold one op on random constant inputs; compare with ref_eval. */
static void fold_one(IrOpcode opc, IrType ty)
{
    const IrOpDef *d = &ir_op_defs[opc];
    IrType in_type, out_type;
    op_types(opc, ty, &in_type, &out_type);
    IrFunc f;
    setup(&f);
    uint64_t in[4], k[2] = {0, 0}, want[2] = {0, 0};
    IrTemp tin[4], tout[2];
    for (unsigned i = 0; i < d->nin; i++) {
        in[i] = rnd_value();
        if (i == 1 && (rnd() & 3) == 0) {
            in[1] = in[0]; /* equal operands: SETCOND, SUB, XOR ... */
        }
        tin[i] = ir_const(&f, in_type, in[i]); /* high garbage in i32 MOVIs on purpose */
    }
    for (unsigned i = 0; i < d->nout; i++) {
        tout[i] = ir_temp(&f, out_type);
    }
    rnd_consts(opc, ty, k);
    IrOp *op = ir_emit(&f, opc, out_type);
    for (unsigned i = 0; i < d->nout; i++) {
        op->args[i] = tout[i];
    }
    for (unsigned i = 0; i < d->nin; i++) {
        op->args[d->nout + i] = tin[i];
    }
    for (unsigned i = 0; i < d->nconst; i++) {
        op->args[d->nout + d->nin + i] = k[i];
    }
    exit_tb(&f);
    uint32_t at = d->nin; /* index of the op */
    ref_eval(opc, ty, in, k, want);

    opt_constant_fold(&f);
    fold_cases++;
    for (unsigned i = 0; i < d->nout; i++) {
        const IrOp *r = &f.ops[at + i];
        bool good = r->opc == IR_MOVI && r->args[0] == tout[i] && r->args[1] == want[i];
        CHECK(good);
        if (!good) {
            fprintf(stderr, "%s_%s(0x%llx, 0x%llx, 0x%llx, 0x%llx; $%llu, $%llu) out %u: ", d->name,
                    ty == IR_I32 ? "i32" : "i64", (unsigned long long)in[0],
                    (unsigned long long)in[1], (unsigned long long)in[2], (unsigned long long)in[3],
                    (unsigned long long)k[0], (unsigned long long)k[1], i);
            fprintf(stderr, "got %s 0x%llx, want 0x%llx\n", ir_op_defs[r->opc].name,
                    (unsigned long long)r->args[1], (unsigned long long)want[i]);
        }
    }
    char err[256];
    CHECK(ir_verify(&f, err, sizeof(err)));
    ir_func_destroy(&f);
}

static void test_fold_random(void)
{
    for (size_t o = 0; o < sizeof(foldable) / sizeof(foldable[0]); o++) {
        for (int ty = IR_I32; ty <= IR_I64; ty++) {
            if (!op_has_type(foldable[o], (IrType)ty)) {
                continue;
            }
            for (int n = 0; n < 2000; n++) {
                fold_one(foldable[o], (IrType)ty);
            }
        }
    }
}

/* ---- constant folding: particular cases --------------------------------------- */

static void test_fold_cases(void)
{
    IrFunc f;

    /* i32 wraparound, shift counts modulo the width, MULS2 negative, MOVI cut to i32 */
    setup(&f);
    IrTemp a = ir_const(&f, IR_I32, 0xffffffff);
    IrTemp b = ir_const(&f, IR_I32, 0x100000001ull);
    IrTemp c = ir_temp(&f, IR_I32);
    ir_op2(&f, IR_ADD, c, a, b);
    IrTemp s = ir_const(&f, IR_I32, 33);
    ir_op2(&f, IR_SHL, c, b, s);
    IrTemp x = ir_const(&f, IR_I64, (uint64_t)-3);
    IrTemp y = ir_const(&f, IR_I64, 5);
    IrTemp lo = ir_temp(&f, IR_I64), hi = ir_temp(&f, IR_I64);
    emit(&f, IR_MULS2, IR_I64, lo, hi, x, y);
    IrTemp s64 = ir_const(&f, IR_I64, 65);
    ir_op2(&f, IR_SAR, lo, x, s64);
    exit_tb(&f);
    opt_constant_fold(&f);
    CHECK_IR(&f, " movi_i32 tmp0,$0xffffffff\n"
                 " movi_i32 tmp1,$0x1\n"
                 " movi_i32 tmp2,$0x0\n"
                 " movi_i32 tmp3,$0x21\n"
                 " movi_i32 tmp2,$0x2\n"
                 " movi_i64 tmp4,$0xfffffffffffffffd\n"
                 " movi_i64 tmp5,$0x5\n"
                 " movi_i64 tmp6,$0xfffffffffffffff1\n"
                 " movi_i64 tmp7,$0xffffffffffffffff\n"
                 " movi_i64 tmp8,$0x41\n"
                 " movi_i64 tmp6,$0xfffffffffffffffe\n"
                 " exit_tb nochain\n");
    ir_func_destroy(&f);

    /* identities with one unknown input */
    setup(&f);
    IrTemp z = ir_const(&f, IR_I32, 0);
    IrTemp one = ir_const(&f, IR_I32, 1);
    IrTemp ones = ir_const(&f, IR_I32, 0xffffffff);
    IrTemp t = ir_temp(&f, IR_I32);
    ir_op2(&f, IR_ADD, t, G_EAX, z);
    ir_op2(&f, IR_SUB, t, G_EAX, z);
    ir_op2(&f, IR_MUL, t, one, G_EAX);
    ir_op2(&f, IR_MUL, t, G_EAX, z);
    ir_op2(&f, IR_AND, t, G_EAX, z);
    ir_op2(&f, IR_AND, t, ones, G_EAX);
    ir_op2(&f, IR_OR, t, G_EAX, z);
    ir_op2(&f, IR_XOR, t, z, G_EAX);
    IrTemp n32 = ir_const(&f, IR_I32, 32);
    ir_op2(&f, IR_SHR, t, G_EAX, n32);
    ir_op2(&f, IR_SUB, t, G_EAX, G_EAX);
    ir_op2(&f, IR_XOR, t, G_EAX, G_EAX);
    ir_op2(&f, IR_ADD, G_EAX, G_EAX, z); /* mov eax,eax: gone */
    ir_op2(&f, IR_ADD, t, G_EAX, one);   /* nothing to do */
    emit(&f, IR_SETCOND, IR_I32, t, G_EAX, G_EAX, IR_COND_LEU);
    IrOp *op = emit(&f, IR_MOVCOND, IR_I32, t, z, one, G_EAX);
    op->args[4] = G_CC_OP;
    op->args[5] = IR_COND_LT;
    ir_op2(&f, IR_ANDC, t, G_EAX, G_EAX);
    ir_op2(&f, IR_ANDC, t, G_EAX, z);
    ir_op2(&f, IR_OR, t, G_EAX, ones);
    ir_op2(&f, IR_SAR, t, ones, G_EAX);
    ir_op2(&f, IR_ROTL, t, z, G_EAX);
    ir_op2(&f, IR_CLZ, t, z, G_EAX);
    op = emit(&f, IR_MOVCOND, IR_I32, t, G_EAX, G_CC_OP, G_EAX);
    op->args[4] = G_EAX;
    op->args[5] = IR_COND_GT;
    emit(&f, IR_SETCOND, IR_I32, t, G_EAX, G_EAX, IR_COND_TSTNE); /* depends on eax */
    exit_tb(&f);
    opt_constant_fold(&f);
    CHECK_IR(&f, " movi_i32 tmp0,$0x0\n"
                 " movi_i32 tmp1,$0x1\n"
                 " movi_i32 tmp2,$0xffffffff\n"
                 " mov_i32 tmp3,eax\n"
                 " mov_i32 tmp3,eax\n"
                 " mov_i32 tmp3,eax\n"
                 " movi_i32 tmp3,$0x0\n"
                 " movi_i32 tmp3,$0x0\n"
                 " mov_i32 tmp3,eax\n"
                 " mov_i32 tmp3,eax\n"
                 " mov_i32 tmp3,eax\n"
                 " movi_i32 tmp4,$0x20\n"
                 " mov_i32 tmp3,eax\n"
                 " movi_i32 tmp3,$0x0\n"
                 " movi_i32 tmp3,$0x0\n"
                 " add_i32 tmp3,eax,tmp1\n"
                 " movi_i32 tmp3,$0x1\n"
                 " mov_i32 tmp3,eax\n"
                 " movi_i32 tmp3,$0x0\n"
                 " mov_i32 tmp3,eax\n"
                 " movi_i32 tmp3,$0xffffffff\n"
                 " movi_i32 tmp3,$0xffffffff\n"
                 " movi_i32 tmp3,$0x0\n"
                 " mov_i32 tmp3,eax\n"
                 " mov_i32 tmp3,eax\n"
                 " setcond_i32 tmp3,eax,eax,tstne\n"
                 " exit_tb nochain\n");
    ir_func_destroy(&f);

    /* BRCOND: always, never, known true, same temp, unknown */
    setup(&f);
    IrLabel l0 = ir_label_new(&f);
    IrTemp k5 = ir_const(&f, IR_I64, 5);
    IrTemp k7 = ir_const(&f, IR_I64, 7);
    emit(&f, IR_BRCOND, IR_I64, k5, k7, IR_COND_NEVER, l0);
    emit(&f, IR_BRCOND, IR_I64, G_RIP, G_RIP, IR_COND_NE, l0);
    emit(&f, IR_BRCOND, IR_I64, G_RIP, G_CC_DST, IR_COND_GEU, l0);
    IrTemp k5b = ir_const(&f, IR_I64, 5);
    IrTemp k7b = ir_const(&f, IR_I64, 7);
    emit(&f, IR_BRCOND, IR_I64, k5b, k7b, IR_COND_LT, l0);
    emit(&f, IR_GOTO_TB, IR_I64, 0, 0, 0, 0);
    emit(&f, IR_LABEL, IR_I64, l0, 0, 0, 0);
    emit(&f, IR_BRCOND, IR_I64, G_RIP, G_RIP, IR_COND_EQ, l0);
    exit_tb(&f);
    opt_constant_fold(&f);
    CHECK_IR(&f, " movi_i64 tmp0,$0x5\n"
                 " movi_i64 tmp1,$0x7\n"
                 " brcond_i64 rip,cc_dst,geu,$L0\n"
                 " movi_i64 tmp2,$0x5\n"
                 " movi_i64 tmp3,$0x7\n"
                 " br $L0\n"
                 " goto_tb $0x0\n"
                 " set_label $L0\n"
                 " br $L0\n"
                 " exit_tb nochain\n");
    ir_func_destroy(&f);

    /* What must not fold: a LOCAL constant across a label, a global across a CALL that may
     * write globals. What may: a global across a CALL that writes none. */
    setup(&f);
    IrLabel l1 = ir_label_new(&f);
    IrTemp loc = ir_temp_local(&f, IR_I64);
    ir_movi(&f, loc, 3);
    ir_movi(&f, G_RIP, 4);
    emit(&f, IR_LABEL, IR_I64, l1, 0, 0, 0);
    IrTemp r = ir_temp(&f, IR_I64);
    ir_op2(&f, IR_ADD, r, loc, loc);
    ir_movi(&f, G_CC_DST, 8);
    call1(&f, &h_reads, r, G_CC_DST);
    ir_op2(&f, IR_ADD, r, G_CC_DST, G_CC_DST);
    call1(&f, &h_writes, r, r);
    ir_op2(&f, IR_ADD, r, G_CC_DST, G_CC_DST);
    ir_op2(&f, IR_ADD, r, G_RIP, G_RIP);
    exit_tb(&f);
    opt_constant_fold(&f);
    CHECK_IR(&f, " movi_i64 loc0,$0x3\n"
                 " movi_i64 rip,$0x4\n"
                 " set_label $L0\n"
                 " add_i64 tmp1,loc0,loc0\n"
                 " movi_i64 cc_dst,$0x8\n"
                 " call reads,tmp1,cc_dst\n"
                 " movi_i64 tmp1,$0x10\n"
                 " call writes,tmp1,tmp1\n"
                 " add_i64 tmp1,cc_dst,cc_dst\n"
                 " add_i64 tmp1,rip,rip\n"
                 " exit_tb nochain\n");
    ir_func_destroy(&f);
}

/* ---- copy propagation ------------------------------------------------------------ */

static void test_copy(void)
{
    IrFunc f;
    setup(&f);
    IrLabel l0 = ir_label_new(&f);
    IrTemp t = ir_temp(&f, IR_I32), u = ir_temp(&f, IR_I32), v = ir_temp(&f, IR_I32);
    IrTemp loc = ir_temp_local(&f, IR_I32);
    ir_op1(&f, IR_MOV, t, G_EAX);
    ir_op1(&f, IR_MOV, u, t);    /* chains to eax */
    ir_op2(&f, IR_ADD, v, u, t); /* reads eax twice */
    ir_op1(&f, IR_MOV, G_CC_OP, v);
    ir_op2(&f, IR_ADD, v, G_CC_OP, v); /* cc_op reads v... */
    ir_op2(&f, IR_SUB, v, G_CC_OP, u); /* ...but v changed: cc_op stays; u still eax */
    ir_movi(&f, G_EAX, 1);
    ir_op2(&f, IR_ADD, v, t, t); /* eax rewritten: t stays */
    ir_op1(&f, IR_MOV, loc, t);
    ir_op1(&f, IR_MOV, t, v);      /* t rewritten: loc must not read it */
    ir_op2(&f, IR_ADD, v, loc, t); /* loc -> (old) t? no: t changed; t -> v */
    ir_op1(&f, IR_MOV, loc, G_EAX);
    emit(&f, IR_LABEL, IR_I64, l0, 0, 0, 0);
    ir_movi(&f, v, 2);
    ir_op2(&f, IR_ADD, v, loc, v); /* across the label: loc stays loc, never the NORMAL v */
    ir_op1(&f, IR_MOV, t, G_EAX);
    call1(&f, &h_pure, IR_NO_TEMP, G_RIP);
    ir_op2(&f, IR_ADD, v, t, t); /* a pure call: t still eax */
    call1(&f, &h_any, IR_NO_TEMP, G_RIP);
    ir_op2(&f, IR_ADD, v, t, t); /* a call that may write globals: t stays */
    exit_tb(&f);
    opt_copy_propagate(&f);
    CHECK_IR(&f, " mov_i32 tmp0,eax\n"
                 " mov_i32 tmp1,eax\n"
                 " add_i32 tmp2,eax,eax\n"
                 " mov_i32 cc_op,tmp2\n"
                 " add_i32 tmp2,tmp2,tmp2\n"
                 " sub_i32 tmp2,cc_op,eax\n"
                 " movi_i32 eax,$0x1\n"
                 " add_i32 tmp2,tmp0,tmp0\n"
                 " mov_i32 loc3,tmp0\n"
                 " mov_i32 tmp0,tmp2\n"
                 " add_i32 tmp2,loc3,tmp2\n"
                 " mov_i32 loc3,eax\n"
                 " set_label $L0\n"
                 " movi_i32 tmp2,$0x2\n"
                 " add_i32 tmp2,loc3,tmp2\n"
                 " mov_i32 tmp0,eax\n"
                 " call pure,rip\n"
                 " add_i32 tmp2,eax,eax\n"
                 " call any,rip\n"
                 " add_i32 tmp2,tmp0,tmp0\n"
                 " exit_tb nochain\n");
    ir_func_destroy(&f);
}

/* ---- dead code and dead globals --------------------------------------------------- */

static void test_dead_code(void)
{
    IrFunc f;
    setup(&f);
    IrLabel l0 = ir_label_new(&f);
    IrTemp t = ir_temp(&f, IR_I64), u = ir_temp(&f, IR_I64), addr = ir_temp(&f, IR_I64);
    IrTemp loc = ir_temp_local(&f, IR_I64), unread = ir_temp_local(&f, IR_I64);
    ir_movi(&f, t, 1);           /* read by nothing live: dies */
    ir_op2(&f, IR_ADD, u, t, t); /* dead */
    ir_movi(&f, addr, 0x1000);
    emit(&f, IR_QLD, IR_I64, u, addr, 8, 0); /* result unused, but it can fault: stays */
    ir_movi(&f, loc, 5);                     /* read after the label: stays */
    ir_movi(&f, unread, 6);                  /* never read: dies */
    call1(&f, &h_pure, t, addr);             /* pure, result unused: dies */
    call1(&f, &h_any, t, addr);              /* has effects: stays */
    call1(&f, &h_writes, t, addr);           /* NO_SIDE but writes globals: stays */
    ir_movi(&f, G_CC_DST, 7);                /* globals are live at the brcond */
    emit(&f, IR_BRCOND, IR_I64, G_RIP, G_RIP, IR_COND_EQ, l0);
    ir_movi(&f, t, 9); /* dead NORMAL temp before the label */
    emit(&f, IR_LABEL, IR_I64, l0, 0, 0, 0);
    ir_op2(&f, IR_ADD, G_RIP, loc, loc);
    exit_tb(&f);
    ir_movi(&f, t, 1); /* unreachable */
    emit(&f, IR_QST, IR_I64, t, t, 8, 0);
    exit_tb(&f);
    opt_dead_code(&f);
    CHECK_IR(&f, " movi_i64 tmp2,$0x1000\n"
                 " qld_i64 tmp1,tmp2,size8,mmu0\n"
                 " movi_i64 loc3,$0x5\n"
                 " call any,tmp0,tmp2\n"
                 " call writes,tmp0,tmp2\n"
                 " movi_i64 cc_dst,$0x7\n"
                 " brcond_i64 rip,rip,eq,$L0\n"
                 " set_label $L0\n"
                 " add_i64 rip,loc3,loc3\n"
                 " exit_tb nochain\n");
    ir_func_destroy(&f);

    /* A loop inside the TB: the LOCAL counter's update is read on the next trip
     * round, by an op earlier in program order. */
    setup(&f);
    IrLabel top = ir_label_new(&f);
    IrTemp count = ir_temp_local(&f, IR_I64);
    ir_movi(&f, count, 0);
    emit(&f, IR_LABEL, IR_I64, top, 0, 0, 0);
    t = ir_temp(&f, IR_I64);
    u = ir_temp(&f, IR_I64);
    ir_movi(&f, t, 1);
    ir_op2(&f, IR_ADD, u, count, t);
    ir_op1(&f, IR_MOV, count, u);
    emit(&f, IR_BRCOND, IR_I64, u, G_RIP, IR_COND_LTU, top);
    exit_tb(&f);
    opt_dead_code(&f);
    CHECK_IR(&f, " movi_i64 loc0,$0x0\n"
                 " set_label $L0\n"
                 " movi_i64 tmp1,$0x1\n"
                 " add_i64 tmp2,loc0,tmp1\n"
                 " mov_i64 loc0,tmp2\n"
                 " brcond_i64 tmp2,rip,ltu,$L0\n"
                 " exit_tb nochain\n");
    ir_func_destroy(&f);

    /* The same loop where the counter is only ever written: nothing needs it. */
    setup(&f);
    top = ir_label_new(&f);
    count = ir_temp_local(&f, IR_I64);
    emit(&f, IR_LABEL, IR_I64, top, 0, 0, 0);
    ir_movi(&f, count, 0);
    emit(&f, IR_BRCOND, IR_I64, G_RIP, G_RIP, IR_COND_LTU, top);
    exit_tb(&f);
    opt_dead_code(&f);
    CHECK_IR(&f, " set_label $L0\n"
                 " brcond_i64 rip,rip,ltu,$L0\n"
                 " exit_tb nochain\n");
    ir_func_destroy(&f);

    /* A LOCAL temp whose only reader dies dies too (the sweep repeats). */
    setup(&f);
    loc = ir_temp_local(&f, IR_I64);
    IrTemp loc2 = ir_temp_local(&f, IR_I64);
    ir_movi(&f, loc, 5);
    ir_op1(&f, IR_MOV, loc2, loc);
    exit_tb(&f);
    opt_dead_code(&f);
    CHECK_IR(&f, " exit_tb nochain\n");
    ir_func_destroy(&f);
}

static void test_dead_globals(void)
{
    IrFunc f;
    setup(&f);
    IrLabel l0 = ir_label_new(&f);
    IrTemp addr = ir_const(&f, IR_I64, 0x2000);
    IrTemp t = ir_temp(&f, IR_I64);
    /* overwritten before any read: dead (also through a pure call and a non-faulting op) */
    ir_movi(&f, G_CC_DST, 1);
    ir_movi(&f, G_CC_OP, 1);
    call1(&f, &h_pure, t, addr);
    ir_op2(&f, IR_ADD, t, t, t);
    ir_movi(&f, G_CC_DST, 2);
    ir_movi(&f, G_CC_OP, 2);
    /* a QLD can fault: the state before it must be in env */
    emit(&f, IR_QLD, IR_I64, t, addr, 8, 0);
    ir_movi(&f, G_CC_DST, 3);
    /* a helper that may read globals */
    call1(&f, &h_any, t, addr);
    ir_movi(&f, G_CC_DST, 4);
    /* a read of the global itself */
    ir_op2(&f, IR_ADD, t, G_CC_DST, addr);
    ir_movi(&f, G_CC_DST, 5);
    ir_op2(&f, IR_ADD, G_CC_DST, G_CC_DST, addr); /* reads the 5: stays */
    /* a basic block boundary */
    emit(&f, IR_BRCOND, IR_I64, G_RIP, G_RIP, IR_COND_EQ, l0);
    ir_movi(&f, G_CC_DST, 6);
    ir_movi(&f, G_EAX, 6);
    emit(&f, IR_LABEL, IR_I64, l0, 0, 0, 0);
    ir_movi(&f, G_CC_DST, 7);
    ir_movi(&f, t, 8); /* NORMAL temps are not this pass's business */
    ir_movi(&f, G_CC_DST, 9);
    exit_tb(&f);
    opt_dead_globals(&f);
    CHECK_IR(&f, " movi_i64 tmp0,$0x2000\n"
                 " call pure,tmp1,tmp0\n"
                 " add_i64 tmp1,tmp1,tmp1\n"
                 " movi_i64 cc_dst,$0x2\n"
                 " movi_i32 cc_op,$0x2\n"
                 " qld_i64 tmp1,tmp0,size8,mmu0\n"
                 " movi_i64 cc_dst,$0x3\n"
                 " call any,tmp1,tmp0\n"
                 " movi_i64 cc_dst,$0x4\n"
                 " add_i64 tmp1,cc_dst,tmp0\n"
                 " movi_i64 cc_dst,$0x5\n"
                 " add_i64 cc_dst,cc_dst,tmp0\n"
                 " brcond_i64 rip,rip,eq,$L0\n"
                 " movi_i64 cc_dst,$0x6\n"
                 " movi_i32 eax,$0x6\n"
                 " set_label $L0\n"
                 " movi_i64 tmp1,$0x8\n"
                 " movi_i64 cc_dst,$0x9\n"
                 " exit_tb nochain\n");
    ir_func_destroy(&f);
}

/* ---- known and demanded bits --------------------------------------------------------- */

static IrTemp op1t(IrFunc *f, IrOpcode opc, IrTemp a)
{
    IrTemp d = ir_temp(f, ir_temp_type(f, a));
    ir_op1(f, opc, d, a);
    return d;
}

static IrTemp op2t(IrFunc *f, IrOpcode opc, IrTemp a, IrTemp b)
{
    IrTemp d = ir_temp(f, ir_temp_type(f, a));
    ir_op2(f, opc, d, a, b);
    return d;
}

/* Read every bit of i64 t: an 8-byte store to addr. */
static void sink(IrFunc *f, IrTemp t, IrTemp addr)
{
    emit(f, IR_QST, IR_I64, t, addr, 8, 0);
}

/* Forward: extensions of values whose extended bits are already right become MOVs. */
static void test_known_bits(void)
{
    IrFunc f;
    setup(&f);
    IrLabel l0 = ir_label_new(&f);
    IrTemp r = G_CC_DST; /* an i64 guest register: nothing known of it */
    IrTemp addr = ir_const(&f, IR_I64, 0x1000);
    IrTemp x = op1t(&f, IR_EXT32U, r); /* stays: r unknown */
    IrTemp xx = op1t(&f, IR_EXT32U, x);
    sink(&f, op1t(&f, IR_EXT32U, xx), addr); /* both MOVs */
    IrTemp k = ir_const(&f, IR_I64, 0x12345678);
    IrTemp sum = op2t(&f, IR_ADD, x, k);
    sink(&f, op1t(&f, IR_EXT32U, sum), addr); /* stays: the carry may reach bit 32 */
    IrTemp byte = ir_temp(&f, IR_I64);
    emit(&f, IR_QLD, IR_I64, byte, addr, 1, 0);
    sink(&f, op1t(&f, IR_EXT32U, byte), addr); /* MOV: a zero-extending byte load */
    sink(&f, op1t(&f, IR_EXT8U, byte), addr);  /* MOV */
    sink(&f, op1t(&f, IR_EXT8S, byte), addr);  /* stays: bit 7 may be set */
    IrTemp sb = ir_temp(&f, IR_I64);
    emit(&f, IR_QLD, IR_I64, sb, addr, 2 | IR_MO_SIGN, 0);
    sink(&f, op1t(&f, IR_EXT32S, sb), addr); /* MOV: a sign-extending 16-bit load */
    sink(&f, op1t(&f, IR_EXT16S, sb), addr); /* MOV */
    sink(&f, op1t(&f, IR_EXT8S, sb), addr);  /* stays */
    sink(&f, op1t(&f, IR_EXT32U, sb), addr); /* stays: negative values have high bits */
    IrTemp s32 = op1t(&f, IR_EXT32S, r);
    sink(&f, op1t(&f, IR_EXT32S, s32), addr); /* MOV */
    sink(&f, op1t(&f, IR_EXT32S, x), addr);   /* stays: bit 31 may be set */
    IrTemp c = ir_temp(&f, IR_I64);
    emit(&f, IR_SETCOND, IR_I64, c, r, x, IR_COND_LTU);
    sink(&f, op1t(&f, IR_EXT8U, c), addr); /* MOV */
    IrTemp k8 = ir_const(&f, IR_I64, 8);
    IrTemp sh = op2t(&f, IR_SHR, x, k8);
    sink(&f, op1t(&f, IR_EXT32U, sh), addr); /* MOV: at most 24 bits */
    IrTemp kff = ir_const(&f, IR_I64, 0xffffff);
    sink(&f, op2t(&f, IR_AND, sh, kff), addr); /* MOV: the mask clears only zeros */
    sink(&f, op2t(&f, IR_AND, x, kff), addr);  /* stays */
    IrTemp shl = op2t(&f, IR_SHL, x, k8);
    sink(&f, op1t(&f, IR_EXT32U, shl), addr); /* stays: bits 32-39 */
    IrTemp r8 = op1t(&f, IR_EXT8U, r);
    IrTemp m = op2t(&f, IR_MUL, sh, r8);
    sink(&f, op1t(&f, IR_EXT32U, m), addr); /* MOV: 24 bits times 8 bits */
    ir_op1(&f, IR_EXT32U, r, x);            /* MOV into the global: r is now known */
    call1(&f, &h_pure, IR_NO_TEMP, addr);
    sink(&f, op1t(&f, IR_EXT32U, r), addr); /* MOV: a pure helper writes no global */
    call1(&f, &h_writes, IR_NO_TEMP, addr);
    sink(&f, op1t(&f, IR_EXT32U, r), addr); /* stays: the helper may have written it */
    ir_op1(&f, IR_EXT32U, r, x);
    emit(&f, IR_LABEL, IR_I64, l0, 0, 0, 0);
    addr = ir_const(&f, IR_I64, 0x1000);
    sink(&f, op1t(&f, IR_EXT32U, r), addr); /* stays: a label forgets */
    exit_tb(&f);
    opt_known_bits(&f);
    CHECK_IR(&f, " movi_i64 tmp0,$0x1000\n"
                 " ext32u_i64 tmp1,cc_dst\n"
                 " mov_i64 tmp2,tmp1\n"
                 " mov_i64 tmp3,tmp2\n"
                 " qst_i64 tmp3,tmp0,size8,mmu0\n"
                 " movi_i64 tmp4,$0x12345678\n"
                 " add_i64 tmp5,tmp1,tmp4\n"
                 " ext32u_i64 tmp6,tmp5\n"
                 " qst_i64 tmp6,tmp0,size8,mmu0\n"
                 " qld_i64 tmp7,tmp0,size1,mmu0\n"
                 " mov_i64 tmp8,tmp7\n"
                 " qst_i64 tmp8,tmp0,size8,mmu0\n"
                 " mov_i64 tmp9,tmp7\n"
                 " qst_i64 tmp9,tmp0,size8,mmu0\n"
                 " ext8s_i64 tmp10,tmp7\n"
                 " qst_i64 tmp10,tmp0,size8,mmu0\n"
                 " qld_i64 tmp11,tmp0,size2s,mmu0\n"
                 " mov_i64 tmp12,tmp11\n"
                 " qst_i64 tmp12,tmp0,size8,mmu0\n"
                 " mov_i64 tmp13,tmp11\n"
                 " qst_i64 tmp13,tmp0,size8,mmu0\n"
                 " ext8s_i64 tmp14,tmp11\n"
                 " qst_i64 tmp14,tmp0,size8,mmu0\n"
                 " ext32u_i64 tmp15,tmp11\n"
                 " qst_i64 tmp15,tmp0,size8,mmu0\n"
                 " ext32s_i64 tmp16,cc_dst\n"
                 " mov_i64 tmp17,tmp16\n"
                 " qst_i64 tmp17,tmp0,size8,mmu0\n"
                 " ext32s_i64 tmp18,tmp1\n"
                 " qst_i64 tmp18,tmp0,size8,mmu0\n"
                 " setcond_i64 tmp19,cc_dst,tmp1,ltu\n"
                 " mov_i64 tmp20,tmp19\n"
                 " qst_i64 tmp20,tmp0,size8,mmu0\n"
                 " movi_i64 tmp21,$0x8\n"
                 " shr_i64 tmp22,tmp1,tmp21\n"
                 " mov_i64 tmp23,tmp22\n"
                 " qst_i64 tmp23,tmp0,size8,mmu0\n"
                 " movi_i64 tmp24,$0xffffff\n"
                 " mov_i64 tmp25,tmp22\n"
                 " qst_i64 tmp25,tmp0,size8,mmu0\n"
                 " and_i64 tmp26,tmp1,tmp24\n"
                 " qst_i64 tmp26,tmp0,size8,mmu0\n"
                 " shl_i64 tmp27,tmp1,tmp21\n"
                 " ext32u_i64 tmp28,tmp27\n"
                 " qst_i64 tmp28,tmp0,size8,mmu0\n"
                 " ext8u_i64 tmp29,cc_dst\n"
                 " mul_i64 tmp30,tmp22,tmp29\n"
                 " mov_i64 tmp31,tmp30\n"
                 " qst_i64 tmp31,tmp0,size8,mmu0\n"
                 " mov_i64 cc_dst,tmp1\n"
                 " call pure,tmp0\n"
                 " mov_i64 tmp32,cc_dst\n"
                 " qst_i64 tmp32,tmp0,size8,mmu0\n"
                 " call writes,tmp0\n"
                 " ext32u_i64 tmp33,cc_dst\n"
                 " qst_i64 tmp33,tmp0,size8,mmu0\n"
                 " mov_i64 cc_dst,tmp1\n"
                 " set_label $L0\n"
                 " movi_i64 tmp34,$0x1000\n"
                 " ext32u_i64 tmp35,cc_dst\n"
                 " qst_i64 tmp35,tmp34,size8,mmu0\n"
                 " exit_tb nochain\n");
    ir_func_destroy(&f);
}

/* Backward: extensions whose changed bits nobody reads become MOVs. */
static void test_demanded_bits(void)
{
    IrFunc f;
    setup(&f);
    IrTemp a = G_CC_DST, b = G_RIP;
    IrTemp addr = ir_const(&f, IR_I64, 0x1000);
    /* imul r32, r32 as lifted: ext32u(mul(ext32s a, ext32s b)) */
    IrTemp sa = op1t(&f, IR_EXT32S, a), sb = op1t(&f, IR_EXT32S, b);
    IrTemp p = op2t(&f, IR_MUL, sa, sb);
    IrTemp lo = op1t(&f, IR_EXT32U, p); /* stays: read in full below */
    /* a 1-byte store reads 8 bits */
    emit(&f, IR_QST, IR_I64, op1t(&f, IR_EXT8U, lo), addr, 1, 0); /* the ext8u goes */
    emit(&f, IR_QST, IR_I64, op1t(&f, IR_EXT8U, lo), addr, 2, 0); /* stays: 16 bits stored */
    /* an address is read in full */
    IrTemp v = ir_temp(&f, IR_I64);
    emit(&f, IR_QLD, IR_I64, v, lo, 4, 0);
    /* "xor dl, al" as lifted: deposit(rdx, rdx, ext8u(ext8u(d) ^ ext8u(a)), 0, 8) */
    IrTemp v8 = op1t(&f, IR_EXT8U, v), a8 = op1t(&f, IR_EXT8U, a);
    IrTemp x = op2t(&f, IR_XOR, v8, a8);
    IrTemp x8 = op1t(&f, IR_EXT8U, x);
    IrTemp d = ir_temp(&f, IR_I64);
    emit(&f, IR_DEPOSIT, IR_I64, d, v, x8, 0)->args[4] = 8;
    /* ... read only in its low byte ("movzx edx, dl"): the deposit is a MOV of the field */
    IrTemp k2 = ir_const(&f, IR_I64, 2);
    IrTemp d8 = op1t(&f, IR_EXT8U, d);
    IrTemp idx = op2t(&f, IR_SHL, d8, k2);
    /* a right shift reads the high bits: the extension stays */
    IrTemp a32 = op1t(&f, IR_EXT32U, a);
    IrTemp hi = op2t(&f, IR_SHR, a32, k2);
    /* a signed compare reads every bit: the extension stays */
    IrTemp c = ir_temp(&f, IR_I64);
    IrTemp v32 = op1t(&f, IR_EXT32S, v);
    emit(&f, IR_SETCOND, IR_I64, c, v32, hi, IR_COND_LT);
    ir_op2(&f, IR_ADD, G_CC_DST, c, idx);
    /* a global keeps every bit at the exit: its extension stays */
    ir_op1(&f, IR_EXT32U, G_RIP, p);
    exit_tb(&f);
    opt_known_bits(&f);
    CHECK_IR(&f, " movi_i64 tmp0,$0x1000\n"
                 " mov_i64 tmp1,cc_dst\n"
                 " mov_i64 tmp2,rip\n"
                 " mul_i64 tmp3,tmp1,tmp2\n"
                 " ext32u_i64 tmp4,tmp3\n"
                 " mov_i64 tmp5,tmp4\n"
                 " qst_i64 tmp5,tmp0,size1,mmu0\n"
                 " ext8u_i64 tmp6,tmp4\n"
                 " qst_i64 tmp6,tmp0,size2,mmu0\n"
                 " qld_i64 tmp7,tmp4,size4,mmu0\n"
                 " mov_i64 tmp8,tmp7\n"
                 " mov_i64 tmp9,cc_dst\n"
                 " xor_i64 tmp10,tmp8,tmp9\n"
                 " mov_i64 tmp11,tmp10\n"
                 " mov_i64 tmp12,tmp11\n"
                 " movi_i64 tmp13,$0x2\n"
                 " ext8u_i64 tmp14,tmp12\n"
                 " shl_i64 tmp15,tmp14,tmp13\n"
                 " ext32u_i64 tmp16,cc_dst\n"
                 " shr_i64 tmp17,tmp16,tmp13\n"
                 " ext32s_i64 tmp19,tmp7\n"
                 " setcond_i64 tmp18,tmp19,tmp17,lt\n"
                 " add_i64 cc_dst,tmp18,tmp15\n"
                 " ext32u_i64 rip,tmp3\n"
                 " exit_tb nochain\n");
    ir_func_destroy(&f);
}

/*
 * Random straight-line i64 code (extensions, arithmetic, shifts by
 * constants, deposits, loads and stores of every size), run by the
 * interpreter before and after opt_known_bits: the values stored (every
 * temp is stored in full at the end, and some in part on the way) and the
 * globals at the exit must agree.
 */
typedef struct BitsEnv {
    uint64_t g[NGLOBALS * 8]; /* env: eax, rip, cc_dst, cc_op at their offsets */
    uint64_t log[512];
    unsigned nlog;
} BitsEnv;

static uint64_t bits_load(void *env, uint64_t la, uint32_t memop, uint32_t mmu_idx)
{
    (void)env;
    (void)mmu_idx;
    uint64_t v = la * 0x9e3779b97f4a7c15ull; /* a function of the address */
    unsigned size = memop & IR_MO_SIZE_MASK;
    if (size < 8) {
        v &= (1ull << (size * 8)) - 1;
        if ((memop & IR_MO_SIGN) && (v >> (size * 8 - 1))) {
            v |= ~((1ull << (size * 8)) - 1);
        }
    }
    return v;
}

static void bits_store(void *env, uint64_t la, uint64_t value, uint32_t memop, uint32_t mmu_idx)
{
    BitsEnv *e = env;
    (void)mmu_idx;
    unsigned size = memop & IR_MO_SIZE_MASK;
    if (size < 8) {
        value &= (1ull << (size * 8)) - 1;
    }
    if (e->nlog < 512) {
        e->log[e->nlog++] = value ^ la;
    }
}

static void bits_run(IrFunc *f, BitsEnv *e)
{
    memset(e, 0, sizeof(*e));
    e->g[0x80 / 8] = 0x8000000012345678ull; /* rip */
    e->g[0x90 / 8] = 0xfedcba9887654321ull; /* cc_dst */
    IrInterpEnv ie = {.env = e, .load = bits_load, .store = bits_store, .fault_pc_offset = 0xa0};
    uint64_t pc;
    ir_interpret(f->ops, f->nops, f->temps, f->ntemps, &ie, &pc);
}

static void test_bits_random(void)
{
    static const IrOpcode unary[] = {IR_EXT8U,  IR_EXT8S, IR_EXT16U, IR_EXT16S, IR_EXT32U,
                                     IR_EXT32S, IR_NEG,   IR_NOT,    IR_MOV};
    static const IrOpcode binary[] = {IR_ADD, IR_SUB,  IR_MUL, IR_AND, IR_OR,
                                      IR_XOR, IR_ANDC, IR_SHL, IR_SHR, IR_SAR};
    for (unsigned iter = 0; iter < 5000; iter++) {
        IrFunc f;
        setup(&f);
        IrTemp pool[48];
        unsigned n = 0;
        pool[n++] = G_RIP;
        pool[n++] = G_CC_DST;
        unsigned len = 8 + (unsigned)(rnd() % 24);
        for (unsigned i = 0; i < len && n < 40; i++) {
            IrTemp a = pool[rnd() % n], b = pool[rnd() % n];
            IrTemp d = ir_temp(&f, IR_I64);
            switch (rnd() % 8) {
            case 0:
                ir_movi(&f, d, rnd() % 3 ? rnd_value() : rnd() & 63);
                break;
            case 1:
            case 2:
                ir_op1(&f, unary[rnd() % (sizeof(unary) / sizeof(unary[0]))], d, a);
                break;
            case 3:
            case 4: {
                IrOpcode opc = binary[rnd() % (sizeof(binary) / sizeof(binary[0]))];
                static const uint64_t masks[] = {
                    0xff, 0xff00, 0xffff, 0xffff0000, 0xffffffff, 0xffffffff00000000ull, 0xfff0};
                if (opc >= IR_SHL && rnd() % 4) {
                    IrTemp k = ir_const(&f, IR_I64, rnd() % 2 ? 8 * (rnd() % 5) : rnd() & 63);
                    ir_op2(&f, opc, d, a, k);
                } else if (opc == IR_AND && rnd() % 2) {
                    IrTemp k = ir_const(&f, IR_I64, rnd() % 2 ? rnd_value() : masks[rnd() % 7]);
                    ir_op2(&f, opc, d, a, k);
                } else {
                    ir_op2(&f, opc, d, a, b);
                }
                break;
            }
            case 5: {
                unsigned pos = (unsigned)(rnd() % 64);
                unsigned flen = 1 + (unsigned)(rnd() % (64 - pos));
                if (rnd() % 2) {
                    pos = 0;
                    flen = 8 << (rnd() % 3);
                }
                IrOp *op = emit(&f, IR_DEPOSIT, IR_I64, d, a, b, pos);
                op->args[4] = flen;
                break;
            }
            case 6: {
                static const unsigned memops[] = {
                    1, 2, 4, 8, 1 | IR_MO_SIGN, 2 | IR_MO_SIGN, 4 | IR_MO_SIGN};
                emit(&f, IR_QLD, IR_I64, d, a, memops[rnd() % 7], 0);
                break;
            }
            default: {
                IrTemp addr = ir_const(&f, IR_I64, i);
                emit(&f, IR_QST, IR_I64, a, addr, 1u << (rnd() % 4), 0);
                ir_op2(&f, IR_SETCOND, d, a, b);
                f.ops[f.nops - 1].args[3] = IR_COND_LT + rnd() % 8;
                break;
            }
            }
            pool[n++] = d;
            if (rnd() % 4 == 0) {
                ir_op1(&f, unary[rnd() % 6], pool[rnd() % 2], d); /* write a global */
            }
        }
        IrTemp addr = ir_const(&f, IR_I64, 0x100);
        for (unsigned k = 2; k < n; k++) {
            if (rnd() % 2) {
                emit(&f, IR_QST, IR_I64, pool[k], addr, 8, 0);
            }
        }
        exit_tb(&f);
        BitsEnv before, after;
        bits_run(&f, &before);
        opt_known_bits(&f);
        char err[256];
        bool ok = ir_verify(&f, err, sizeof(err));
        CHECK(ok);
        bits_run(&f, &after);
        bool same = memcmp(&before, &after, sizeof(before)) == 0;
        CHECK(same);
        if (!same || !ok) {
            fprintf(stderr, "iteration %u differs after opt_known_bits:\n", iter);
            ir_print(&f, stderr);
            ir_func_destroy(&f);
            return;
        }
        ir_func_destroy(&f);
    }
}

/* ---- the whole pipeline ------------------------------------------------------------ */

/*
 * Two x86-like instructions, "add eax, 3; add eax, 0": each sets the lazy
 * flags; only the second's survive. The second add folds to a copy, copies
 * chain back to the first add's result, and the first write of eax dies
 * (nothing between the two can fault).
 */
static void test_opt_run(void)
{
    IrFunc f;
    setup(&f);
    IrOp *op = ir_emit(&f, IR_INSN_START, IR_I64);
    op->args[0] = 0x1000;
    IrTemp k = ir_const(&f, IR_I32, 3);
    IrTemp r = ir_temp(&f, IR_I32);
    ir_op2(&f, IR_ADD, r, G_EAX, k);
    ir_op1(&f, IR_MOV, G_EAX, r);
    IrTemp r64 = ir_temp(&f, IR_I64);
    ir_op1(&f, IR_EXTU_I32_I64, r64, r);
    ir_op1(&f, IR_MOV, G_CC_DST, r64);
    ir_movi(&f, G_CC_OP, 1);
    op = ir_emit(&f, IR_INSN_START, IR_I64);
    op->args[0] = 0x1003;
    IrTemp k2 = ir_const(&f, IR_I32, 0);
    IrTemp r2 = ir_temp(&f, IR_I32);
    ir_op2(&f, IR_ADD, r2, G_EAX, k2);
    ir_op1(&f, IR_MOV, G_EAX, r2);
    IrTemp r2_64 = ir_temp(&f, IR_I64);
    ir_op1(&f, IR_EXTU_I32_I64, r2_64, r2);
    ir_op1(&f, IR_MOV, G_CC_DST, r2_64);
    ir_movi(&f, G_CC_OP, 1);
    ir_movi(&f, G_RIP, 0x1005);
    emit(&f, IR_GOTO_TB, IR_I64, 0, 0, 0, 0);
    opt_run(&f);
    CHECK_IR(&f, " ---- 0x0000000000001000\n"
                 " movi_i32 tmp0,$0x3\n"
                 " add_i32 tmp1,eax,tmp0\n"
                 " ---- 0x0000000000001003\n"
                 " mov_i32 eax,tmp1\n"
                 " extu_i32_i64 tmp5,tmp1\n"
                 " mov_i64 cc_dst,tmp5\n"
                 " movi_i32 cc_op,$0x1\n"
                 " movi_i64 rip,$0x1005\n"
                 " goto_tb $0x0\n");
    ir_func_destroy(&f);
}

static void test_compact(void)
{
    IrFunc f;
    setup(&f);
    ir_emit(&f, IR_NOP, IR_I32);
    ir_movi(&f, G_EAX, 1);
    ir_emit(&f, IR_NOP, IR_I32);
    ir_emit(&f, IR_NOP, IR_I32);
    exit_tb(&f);
    ir_emit(&f, IR_NOP, IR_I32);
    ir_compact(&f);
    CHECK_EQ(f.nops, 2);
    CHECK_EQ(f.ops[0].opc, IR_MOVI);
    CHECK_EQ(f.ops[1].opc, IR_EXIT_TB);
    ir_func_destroy(&f);
}

int main(void)
{
    test_fold_random();
    printf("opt: %u random folding cases\n", fold_cases);
    test_fold_cases();
    test_copy();
    test_dead_code();
    test_dead_globals();
    test_known_bits();
    test_demanded_bits();
    test_bits_random();
    test_opt_run();
    test_compact();
    return check_report("opt");
}
