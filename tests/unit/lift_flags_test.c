/*
 * lift_flags_test.c — the lifter's lazy flags, table driven: flag-setting
 * instructions of every size on edge-case operands, then all sixteen
 * conditions (SETcc into memory) checked against a C model of the flags,
 * both in the same TB as the operation (the lifter's inline conditions) and
 * after a TB boundary (the generic path through the flag helpers), in 16-,
 * 32- and 64-bit code.
 */
#include "lift_machine.h"

/* ---- a C model of the flags (SDM Vol. 1 3.4.3, Appendix A) -------------------- */

static uint64_t mask_of(unsigned size)
{
    return size == 8 ? UINT64_MAX : (1ull << (size * 8)) - 1;
}

static uint64_t szp(uint64_t r, unsigned size)
{
    uint64_t f = 0;
    r &= mask_of(size);
    if (r == 0) {
        f |= ZF;
    }
    if ((r >> (size * 8 - 1)) & 1) {
        f |= SF;
    }
    if (!__builtin_parityll(r & 0xff)) {
        f |= PF;
    }
    return f;
}

static uint64_t ref_add(uint64_t a, uint64_t b, uint64_t cin, unsigned size, uint64_t *res)
{
    uint64_t m = mask_of(size);
    a &= m;
    b &= m;
    uint64_t r = (a + b + cin) & m;
    uint64_t f = szp(r, size);
    if (r < a || (cin && r == a)) {
        f |= CF;
    }
    if (((a ^ r) & (b ^ r)) >> (size * 8 - 1) & 1) {
        f |= OF;
    }
    if ((a ^ b ^ r) & 0x10) {
        f |= AF;
    }
    *res = r;
    return f;
}

static uint64_t ref_sub(uint64_t a, uint64_t b, uint64_t bin, unsigned size, uint64_t *res)
{
    uint64_t m = mask_of(size);
    a &= m;
    b &= m;
    uint64_t r = (a - b - bin) & m;
    uint64_t f = szp(r, size);
    if (a < b || (bin && a == b)) {
        f |= CF;
    }
    if (((a ^ b) & (a ^ r)) >> (size * 8 - 1) & 1) {
        f |= OF;
    }
    if ((a ^ b ^ r) & 0x10) {
        f |= AF;
    }
    *res = r;
    return f;
}

static bool ref_cond(unsigned cc, uint64_t f)
{
    bool r;
    bool sf = f & SF, of = f & OF;
    switch (cc >> 1) {
    case 0:
        r = of;
        break;
    case 1:
        r = f & CF;
        break;
    case 2:
        r = f & ZF;
        break;
    case 3:
        r = f & (CF | ZF);
        break;
    case 4:
        r = sf;
        break;
    case 5:
        r = f & PF;
        break;
    case 6:
        r = sf != of;
        break;
    default:
        r = (f & ZF) || sf != of;
        break;
    }
    return (cc & 1) ? !r : r;
}

/* The flags each condition reads. */
static uint64_t cond_needs(unsigned cc)
{
    static const uint64_t needs[8] = {OF, CF, ZF, CF | ZF, SF, PF, SF | OF, ZF | SF | OF};
    return needs[cc >> 1];
}

/* ---- the condition table ------------------------------------------------------ */

enum {
    T_ADD,
    T_ADC,
    T_SUB,
    T_SBB,
    T_CMP,
    T_AND,
    T_OR,
    T_XOR,
    T_INC,
    T_DEC,
    T_NEG,
    T_SHL1,
    T_SHR1,
    T_SAR1,
    T_IMUL,
    T_TEST,
    T_COUNT
};

static const char *const t_names[T_COUNT] = {
    "add", "adc", "sub", "sbb",  "cmp",  "and",  "or",   "xor",
    "inc", "dec", "neg", "shl1", "shr1", "sar1", "imul", "test",
};

/* Encoding of "op a-reg, d-reg" (or "op a-reg") at size: appends hex. */
static void enc_op(char *out, unsigned t, unsigned size)
{
    char pfx[8] = "";
    bool want66 = (size == 2 && mode_bits != 16) || (size == 4 && mode_bits == 16);
    if (want66) {
        strcat(pfx, "66 ");
    }
    if (size == 8) {
        strcat(pfx, "48 ");
    }
    bool b = size == 1;
    const char *body;
    switch (t) {
    case T_ADD:
        body = b ? "00 d0" : "01 d0";
        break;
    case T_ADC:
        body = b ? "10 d0" : "11 d0";
        break;
    case T_SUB:
        body = b ? "28 d0" : "29 d0";
        break;
    case T_SBB:
        body = b ? "18 d0" : "19 d0";
        break;
    case T_CMP:
        body = b ? "38 d0" : "39 d0";
        break;
    case T_AND:
        body = b ? "20 d0" : "21 d0";
        break;
    case T_OR:
        body = b ? "08 d0" : "09 d0";
        break;
    case T_XOR:
        body = b ? "30 d0" : "31 d0";
        break;
    case T_INC:
        body = b ? "fe c0" : "ff c0";
        break;
    case T_DEC:
        body = b ? "fe c8" : "ff c8";
        break;
    case T_NEG:
        body = b ? "f6 d8" : "f7 d8";
        break;
    case T_SHL1:
        body = b ? "d0 e0" : "d1 e0";
        break;
    case T_SHR1:
        body = b ? "d0 e8" : "d1 e8";
        break;
    case T_SAR1:
        body = b ? "d0 f8" : "d1 f8";
        break;
    case T_IMUL:
        body = "0f af c2";
        break;
    default:
        body = b ? "84 d0" : "85 d0";
        break;
    }
    sprintf(out, "%s%s", pfx, body);
}

/* The model: result in *res (NULL-able when no write), defined flags in *def. */
static uint64_t ref_op(unsigned t, uint64_t a, uint64_t d, uint64_t cin, unsigned size,
                       uint64_t *res, uint64_t *def)
{
    uint64_t m = mask_of(size), r = a, f;
    unsigned bits = size * 8;
    *def = ARITH;
    switch (t) {
    case T_ADD:
        f = ref_add(a, d, 0, size, &r);
        break;
    case T_ADC:
        f = ref_add(a, d, cin, size, &r);
        break;
    case T_SUB:
        f = ref_sub(a, d, 0, size, &r);
        break;
    case T_SBB:
        f = ref_sub(a, d, cin, size, &r);
        break;
    case T_CMP:
        f = ref_sub(a, d, 0, size, &r);
        r = a;
        break;
    case T_AND:
    case T_TEST:
        r = a & d & m;
        f = szp(r, size);
        *def = ARITH & ~AF;
        if (t == T_TEST) {
            r = a;
        }
        break;
    case T_OR:
        r = (a | d) & m;
        f = szp(r, size);
        *def = ARITH & ~AF;
        break;
    case T_XOR:
        r = (a ^ d) & m;
        f = szp(r, size);
        *def = ARITH & ~AF;
        break;
    case T_INC:
        f = (ref_add(a, 1, 0, size, &r) & ~CF) | cin;
        break;
    case T_DEC:
        f = (ref_sub(a, 1, 0, size, &r) & ~CF) | cin;
        break;
    case T_NEG:
        f = ref_sub(0, a, 0, size, &r);
        break;
    case T_SHL1:
        r = (a << 1) & m;
        f = szp(r, size) | ((a >> (bits - 1)) & 1);
        if (((r >> (bits - 1)) & 1) != (f & CF)) {
            f |= OF;
        }
        *def = ARITH & ~AF;
        break;
    case T_SHR1:
        r = (a & m) >> 1;
        f = szp(r, size) | (a & 1);
        if ((a >> (bits - 1)) & 1) {
            f |= OF;
        }
        *def = ARITH & ~AF;
        break;
    case T_SAR1: {
        uint64_t sa = a & m;
        r = ((sa >> 1) | (sa & (1ull << (bits - 1)))) & m;
        f = szp(r, size) | (a & 1);
        *def = ARITH & ~AF;
        break;
    }
    default: { /* IMUL r, r: CF = OF = the product does not fit */
        __int128 sa = (__int128)(int64_t)(a << (64 - bits)) >> (64 - bits);
        __int128 sd = (__int128)(int64_t)(d << (64 - bits)) >> (64 - bits);
        __int128 p = sa * sd;
        r = (uint64_t)p & m;
        __int128 back = (__int128)(int64_t)(r << (64 - bits)) >> (64 - bits);
        f = back != p ? (CF | OF) : 0;
        *def = CF | OF;
        break;
    }
    }
    *res = r & m;
    return f;
}

static const uint64_t operands[][2] = {
    {0, 0},
    {1, 2},
    {2, 1},
    {5, 5},
    {~0ull, 1},
    {0x7f, 1},
    {0x80, 1},
    {0x80, 0x80},
    {0x7fff, 0x7fff},
    {0x8000, 1},
    {0x7fffffff, 1},
    {0x80000000, 0xffffffff},
    {0x7fffffffffffffff, 1},
    {0x8000000000000000, 0x8000000000000000},
    {0x12345678, 0x9abcdef0},
    {0xff, 0x0f},
    {0x100, 0x200},
    {0x3, 0xfffffffffffffffd},
};

/* ROL ECX, 1 with ECX = ROT_IN after the operation (rotate = true): CF
 * and OF become the rotate's, the other flags stay the operation's (the
 * lifter computes them inline when it knows the operation). */
#define ROT_IN 0x80000001u

/* One operation at one size on one pair, conditions read inline (split =
 * false) or after a TB boundary (split = true: JMP +0). */
static void cond_case(unsigned t, unsigned size, uint64_t a, uint64_t d, uint64_t cin, bool split,
                      bool rotate)
{
    char code[400], op[40];
    unsigned n = 0;
    if (t == T_IMUL && size == 1) {
        return;
    }
    /* set CF (for ADC/SBB/INC/DEC) with STC or CLC first */
    n += (unsigned)sprintf(code + n, "%s ", cin ? "f9" : "f8");
    enc_op(op, t, size);
    n += (unsigned)sprintf(code + n, "%s ", op);
    if (split) {
        n += (unsigned)sprintf(code + n, "eb 00 ");
    }
    if (rotate) {
        n += (unsigned)sprintf(code + n, "%sd1 c1 ", mode_bits == 16 ? "66 " : "");
    }
    for (unsigned cc = 0; cc < 16; cc++) {
        /* setcc [rBX + cc]: ModRM 47 is [bx]+disp8 in 16-bit addressing */
        n += (unsigned)sprintf(code + n, "0f %02x %s %02x ", 0x90 + cc,
                               mode_bits == 16 ? "47" : "43", cc);
    }
    set_mode(mode_bits);
    env.regs[R_EAX] = a;
    env.regs[R_EDX] = d;
    env.regs[R_EBX] = DATA;
    env.regs[R_ECX] = ROT_IN;
    memset(ram + DATA, 0xcc, 16);
    int exc = run(code);
    CHECK_EQ(exc, -1);

    uint64_t res, def;
    uint64_t want = ref_op(t, a, d, cin, size, &res, &def);
    if (rotate) {
        /* ROL 80000001h by 1 = 00000003h: CF = 1, OF = CF ^ MSB = 1. */
        want = (want & ~(CF | OF)) | CF | OF;
        def |= CF | OF;
        CHECK_EQ(env.regs[R_ECX] & 0xffffffffu, 3);
    }
    uint64_t got = flags();
    uint64_t m = mask_of(size);
    if (((got ^ want) & def) != 0 || (env.regs[R_EAX] & m) != res) {
        fprintf(stderr,
                "  %s size %u a=%#llx d=%#llx cin=%llu split=%d: flags %#llx want %#llx "
                "(mask %#llx), rax %#llx want %#llx\n",
                t_names[t], size, (unsigned long long)a, (unsigned long long)d,
                (unsigned long long)cin, split, (unsigned long long)got, (unsigned long long)want,
                (unsigned long long)def, (unsigned long long)env.regs[R_EAX],
                (unsigned long long)res);
    }
    CHECK_EQ(got & def, want & def);
    CHECK_EQ(env.regs[R_EAX] & m, res);
    for (unsigned cc = 0; cc < 16; cc++) {
        if ((cond_needs(cc) & def) != cond_needs(cc)) {
            continue;
        }
        uint8_t v = ram[DATA + cc];
        if (v != (ref_cond(cc, want) ? 1 : 0)) {
            fprintf(stderr, "  %s size %u a=%#llx d=%#llx split=%d: cond %u is %u\n", t_names[t],
                    size, (unsigned long long)a, (unsigned long long)d, split, cc, v);
        }
        CHECK_EQ(v, ref_cond(cc, want) ? 1 : 0);
    }
}

static void test_conditions(int bits)
{
    mode_bits = bits;
    for (unsigned t = 0; t < T_COUNT; t++) {
        for (unsigned size = 1; size <= 8; size *= 2) {
            if (size == 8 && bits != 64) {
                continue;
            }
            for (size_t i = 0; i < sizeof(operands) / sizeof(operands[0]); i++) {
                uint64_t m = mask_of(size);
                uint64_t a = operands[i][0] & m, d = operands[i][1] & m;
                cond_case(t, size, a, d, i & 1, false, false);
                cond_case(t, size, a, d, i & 1, true, false);
                cond_case(t, size, a, d, i & 1, false, true);
                cond_case(t, size, a, d, i & 1, true, true);
            }
        }
    }
}


int main(void)
{
    if (!lift_machine_init("lift_flags_test")) {
        return 1;
    }
    test_conditions(16);
    test_conditions(32);
    test_conditions(64);
    lift_machine_destroy();
    return check_report("lift_flags");
}
