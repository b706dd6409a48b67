/*
 * lift_bmi.c — the general-register instructions of the newer extensions:
 * BMI1 (ANDN BEXTR BLSI BLSMSK BLSR; TZCNT is in lift_bits.c), BMI2 (BZHI
 * MULX PDEP PEXT RORX SARX SHLX SHRX), ADX (ADCX ADOX), SSE4.2's CRC32,
 * RDRAND/RDSEED and SMAP's CLAC/STAC.
 *
 * Each is #UD unless the CPU model announces its extension (SDM Vol. 2A
 * 2.4, the instructions' "CPUID Feature Flag"). The BMI instructions are
 * VEX-encoded with general registers: lift_bmi_vex() tells translate.c
 * which VEX forms come here. PDEP, PEXT, CRC32 and RDRAND/RDSEED are C
 * helpers of this file; the rest is inline IR. Flags follow each
 * instruction's "Flags Affected": the BMI1 ones through the LOGIC and BMILG
 * lazy ops (cpu.h), ADCX/ADOX change CF or OF alone, BMI2 none.
 */
#include "frontend/translate_internal.h"

#include <stddef.h>
#include <sys/random.h>
#include <time.h>

bool lift_bmi_vex(const X86Insn *in)
{
    switch (in->mnem) {
    case X86_I_ANDN:
    case X86_I_BEXTR:
    case X86_I_BLSI:
    case X86_I_BLSMSK:
    case X86_I_BLSR:
    case X86_I_BZHI:
    case X86_I_MULX:
    case X86_I_PDEP:
    case X86_I_PEXT:
    case X86_I_RORX:
    case X86_I_SARX:
    case X86_I_SHLX:
    case X86_I_SHRX:
        return true;
    default:
        return false;
    }
}

/* #UD (and false) unless the CPU model has feature. */
static bool require(DisasContext *s, const char *feature)
{
    if (!cpu_model_has(&s->env->model, feature)) {
        lift_raise(s, EXC_UD);
        return false;
    }
    return true;
}

/* ---- helpers ------------------------------------------------------------------------ */

/* PDEP: the low bits of src, in order, to the set bits of mask (SDM Vol. 2B PDEP). */
static uint64_t bmi_helper_pdep(CpuState *env, uint64_t src, uint64_t mask)
{
    (void)env;
    uint64_t r = 0;
    for (uint64_t bit = 1; mask; bit <<= 1) {
        uint64_t low = mask & -mask;
        if (src & bit) {
            r |= low;
        }
        mask ^= low;
    }
    return r;
}

/* PEXT: the bits of src at the set bits of mask, packed at the bottom. */
static uint64_t bmi_helper_pext(CpuState *env, uint64_t src, uint64_t mask)
{
    (void)env;
    uint64_t r = 0;
    for (uint64_t bit = 1; mask; bit <<= 1) {
        uint64_t low = mask & -mask;
        if (src & low) {
            r |= bit;
        }
        mask ^= low;
    }
    return r;
}

/* CRC32: the CRC-32C (Castagnoli) of the nbytes low bytes of value,
 * little-endian, continuing crc: bit-reflected polynomial 11EDC6F41h, no
 * inversions (SDM Vol. 2A CRC32 "Operation"). */
static uint64_t bmi_helper_crc32(CpuState *env, uint64_t crc, uint64_t value, uint32_t nbytes)
{
    (void)env;
    uint32_t c = (uint32_t)crc;
    for (uint32_t i = 0; i < nbytes; i++) {
        c ^= (uint8_t)(value >> (8 * i));
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0x82f63b78u & (0u - (c & 1)));
        }
    }
    return c;
}

/* RDRAND/RDSEED: size bytes of the host's randomness. When the host has
 * none to give, a value mixed from the clock: the instruction always
 * reports success (CF = 1), which the SDM allows but does not require. */
static uint64_t bmi_helper_rdrand(CpuState *env, uint32_t size)
{
    uint64_t v;
    if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v)) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        v = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)(uintptr_t)env;
        v = (v ^ (v >> 31)) * 0x7fb5d329728ea185ull;
        v = (v ^ (v >> 27)) * 0x81dadef4bc2dd44dull;
        v ^= v >> 33;
    }
    return size >= 8 ? v : v & ((1ull << (8 * size)) - 1);
}

/* CLAC/STAC: EFLAGS.AC = ac; hflags follow (HF_SMAP). */
static void bmi_helper_set_ac(CpuState *env, uint32_t ac)
{
    cpu_set_eflags(env, ac ? EFLAGS_AC : 0, EFLAGS_AC);
}

static const IrHelper helper_pdep_desc = {
    .name = "pdep",
    .fn = (void *)bmi_helper_pdep,
    .ret = IR_I64,
    .nargs = 2,
    .arg_types = {IR_I64, IR_I64},
    .flags = IR_HELPER_PURE,
};

static const IrHelper helper_pext_desc = {
    .name = "pext",
    .fn = (void *)bmi_helper_pext,
    .ret = IR_I64,
    .nargs = 2,
    .arg_types = {IR_I64, IR_I64},
    .flags = IR_HELPER_PURE,
};

static const IrHelper helper_crc32_desc = {
    .name = "crc32",
    .fn = (void *)bmi_helper_crc32,
    .ret = IR_I64,
    .nargs = 3,
    .arg_types = {IR_I64, IR_I64, IR_I32},
    .flags = IR_HELPER_PURE,
};

/* not NO_SIDE: two calls must not be merged into one value */
static const IrHelper helper_rdrand_desc = {
    .name = "rdrand",
    .fn = (void *)bmi_helper_rdrand,
    .ret = IR_I64,
    .nargs = 1,
    .arg_types = {IR_I32},
    .flags = IR_HELPER_NO_READ_GLOBALS | IR_HELPER_NO_WRITE_GLOBALS | IR_HELPER_NO_FAULT,
};

/* writes EFLAGS.AC and hflags, which are no IR globals */
static const IrHelper helper_set_ac_desc = {
    .name = "set_ac",
    .fn = (void *)bmi_helper_set_ac,
    .ret = IR_VOID,
    .nargs = 1,
    .arg_types = {IR_I32},
    .flags = IR_HELPER_NO_READ_GLOBALS | IR_HELPER_NO_WRITE_GLOBALS | IR_HELPER_NO_FAULT |
             IR_HELPER_ENV_ONLY,
};

/* ---- BMI1 ------------------------------------------------------------------------------ */

/* ANDN r, vvvv, r/m: ~vvvv & r/m. SF, ZF from the result; CF, OF cleared:
 * the LOGIC lazy op (AF and PF are undefined). */
void lift_andn(DisasContext *s, const X86Insn *in)
{
    if (!require(s, "bmi1")) {
        return;
    }
    unsigned size = in->ops[0].size;
    IrTemp b = lift_load_op(s, 2);
    IrTemp a = lift_load_op(s, 1);
    IrTemp r = lift_op2(s, IR_ANDC, b, a);
    lift_store_op(s, 0, r);
    lift_flags(s, cc_op_sized(CC_OP_LOGICB, size), r, IR_NO_TEMP);
}

/* BEXTR r, r/m, vvvv: the field of r/m starting at vvvv[7:0], vvvv[15:8]
 * bits long; bits past the operand read as 0. ZF from the result, CF and
 * OF cleared (AF, SF, PF undefined): LOGIC. */
void lift_bextr(DisasContext *s, const X86Insn *in)
{
    if (!require(s, "bmi1")) {
        return;
    }
    unsigned size = in->ops[0].size;
    unsigned bits = size * 8;
    IrTemp src = lift_load_op(s, 1);
    IrTemp ctl = lift_load_op(s, 2);
    IrTemp start = lift_op1(s, IR_EXT8U, ctl);
    IrTemp len = lift_extract(s, ctl, 8, 8, false);
    IrTemp zero = lift_const(s, 0);
    IrTemp field = lift_movcond(s, IR_COND_LTU, start, lift_const(s, bits),
                                lift_op2(s, IR_SHR, src, start), zero);
    IrTemp ones = lift_const(s, ~0ull);
    IrTemp mask = lift_movcond(s, IR_COND_LTU, len, lift_const(s, 64),
                               lift_op1(s, IR_NOT, lift_op2(s, IR_SHL, ones, len)), ones);
    IrTemp r = lift_op2(s, IR_AND, field, mask);
    lift_store_op(s, 0, r);
    lift_flags(s, cc_op_sized(CC_OP_LOGICB, size), r, IR_NO_TEMP);
}

/*
 * BLSI (-x & x), BLSMSK ((x - 1) ^ x), BLSR ((x - 1) & x), into vvvv.
 * SF (and ZF: BLSMSK's result is never 0, so ZF is clear as the SDM says)
 * from the result, OF cleared, CF = (x == 0) for BLSMSK and BLSR and
 * (x != 0) for BLSI: the BMILG op, whose CF is (cc_src == 0), with
 * cc_src = x or, for BLSI, (x == 0).
 */
void lift_bls(DisasContext *s, const X86Insn *in)
{
    if (!require(s, "bmi1")) {
        return;
    }
    unsigned size = in->ops[0].size;
    IrTemp x = lift_load_op(s, 1);
    IrTemp r, cf_src;
    if (in->mnem == X86_I_BLSI) {
        r = lift_op2(s, IR_AND, lift_op1(s, IR_NEG, x), x);
        cf_src = lift_setcond(s, IR_COND_EQ, x, lift_const(s, 0));
    } else {
        IrTemp m1 = lift_op2i(s, IR_SUB, x, 1);
        r = lift_op2(s, in->mnem == X86_I_BLSR ? IR_AND : IR_XOR, m1, x);
        cf_src = x;
    }
    r = lift_trunc(s, r, size);
    lift_store_op(s, 0, r);
    lift_flags(s, cc_op_sized(CC_OP_BMILGB, size), r, cf_src);
}

/* ---- BMI2 ------------------------------------------------------------------------------ */

/* BZHI r, r/m, vvvv: r/m with the bits from n = vvvv[7:0] up cleared (all
 * kept when n is past the operand). CF = (n > width - 1), SF and ZF from
 * the result, OF cleared: BMILG with cc_src = (n < width). */
void lift_bzhi(DisasContext *s, const X86Insn *in)
{
    if (!require(s, "bmi2")) {
        return;
    }
    unsigned size = in->ops[0].size;
    IrTemp src = lift_load_op(s, 1);
    IrTemp n = lift_op1(s, IR_EXT8U, lift_load_op(s, 2));
    IrTemp width = lift_const(s, size * 8);
    IrTemp cleared = lift_op2(s, IR_ANDC, src, lift_op2(s, IR_SHL, lift_const(s, ~0ull), n));
    IrTemp r = lift_movcond(s, IR_COND_LTU, n, width, cleared, src);
    lift_store_op(s, 0, r);
    lift_flags(s, cc_op_sized(CC_OP_BMILGB, size), r, lift_setcond(s, IR_COND_LTU, n, width));
}

/* MULX hi, lo, r/m: hi:lo = rDX * r/m unsigned, flags untouched. lo
 * (vvvv) is written first, so hi wins when both name one register. */
void lift_mulx(DisasContext *s, const X86Insn *in)
{
    if (!require(s, "bmi2")) {
        return;
    }
    unsigned size = in->ops[0].size;
    IrTemp src = lift_load_op(s, 2);
    IrTemp rdx = lift_gpr_read(s, R_EDX, size);
    IrTemp lo, hi;
    if (size == 8) {
        lo = lift_tmp(s);
        hi = lift_tmp(s);
        IrOp *op = ir_emit(s->f, IR_MULU2, IR_I64);
        op->args[0] = lo;
        op->args[1] = hi;
        op->args[2] = rdx;
        op->args[3] = src;
    } else {
        IrTemp prod = lift_op2(s, IR_MUL, rdx, src);
        lo = lift_op1(s, IR_EXT32U, prod);
        hi = lift_op2i(s, IR_SHR, prod, 32);
    }
    lift_store_op(s, 1, lo);
    lift_store_op(s, 0, hi);
}

/* PDEP r, vvvv, r/m (mask) / PEXT r, vvvv, r/m (mask): flags untouched. */
void lift_pdep_pext(DisasContext *s, const X86Insn *in)
{
    if (!require(s, "bmi2")) {
        return;
    }
    IrTemp mask = lift_load_op(s, 2);
    IrTemp src = lift_load_op(s, 1);
    const IrHelper *h = in->mnem == X86_I_PDEP ? &helper_pdep_desc : &helper_pext_desc;
    lift_store_op(s, 0, lift_call2(s, h, src, mask));
}

/* RORX r, r/m, imm8: rotate right by imm8 mod width, flags untouched. */
void lift_rorx(DisasContext *s, const X86Insn *in)
{
    if (!require(s, "bmi2")) {
        return;
    }
    unsigned size = in->ops[0].size;
    unsigned n = (unsigned)in->imm & (size * 8 - 1);
    IrTemp x = lift_load_op(s, 1);
    IrTemp r;
    if (size == 8) {
        r = lift_op2i(s, IR_ROTR, x, n);
    } else {
        /* rotate the dword doubled: x:x >> n keeps it in the low half */
        IrTemp xx = lift_op2(s, IR_OR, x, lift_op2i(s, IR_SHL, x, 32));
        r = lift_op1(s, IR_EXT32U, lift_op2i(s, IR_SHR, xx, n));
    }
    lift_store_op(s, 0, r);
}

/* SARX/SHLX/SHRX r, r/m, vvvv: shift by vvvv mod width, flags untouched. */
void lift_shiftx(DisasContext *s, const X86Insn *in)
{
    if (!require(s, "bmi2")) {
        return;
    }
    unsigned size = in->ops[0].size;
    IrTemp x = lift_load_op(s, 1);
    IrTemp n = lift_op2i(s, IR_AND, lift_load_op(s, 2), size * 8 - 1);
    IrTemp r;
    if (in->mnem == X86_I_SHLX) {
        r = lift_op2(s, IR_SHL, x, n);
    } else if (in->mnem == X86_I_SHRX) {
        r = lift_op2(s, IR_SHR, x, n);
    } else {
        r = lift_op2(s, IR_SAR, lift_sext(s, x, size), n);
    }
    lift_store_op(s, 0, lift_trunc(s, r, size));
}

/* ---- ADX ------------------------------------------------------------------------------- */

/* ADCX r, r/m: r + r/m + CF, carry out to CF. ADOX: the same through OF.
 * The other flags stay (SDM Vol. 2A ADCX, ADOX). */
void lift_adx(DisasContext *s, const X86Insn *in)
{
    if (!require(s, "adx")) {
        return;
    }
    bool ox = in->mnem == X86_I_ADOX;
    unsigned size = in->ops[0].size;
    IrTemp b = lift_load_op(s, 1);
    IrTemp a = lift_load_op(s, 0);
    IrTemp e = lift_eflags(s);
    IrTemp cin = ox ? lift_extract(s, e, 11, 1, false) : lift_op2i(s, IR_AND, e, EFLAGS_CF);
    IrTemp r, cout;
    if (size == 8) {
        IrTemp t = lift_op2(s, IR_ADD, a, b);
        r = lift_op2(s, IR_ADD, t, cin);
        IrTemp c1 = lift_setcond(s, IR_COND_LTU, t, a);
        IrTemp c2 = lift_setcond(s, IR_COND_LTU, r, t);
        cout = lift_op2(s, IR_OR, c1, c2);
    } else {
        IrTemp sum = lift_op2(s, IR_ADD, lift_op2(s, IR_ADD, a, b), cin);
        r = lift_op1(s, IR_EXT32U, sum);
        cout = lift_op2i(s, IR_SHR, sum, 32);
    }
    lift_store_op(s, 0, r);
    uint64_t bit = ox ? EFLAGS_OF : EFLAGS_CF;
    IrTemp ne = lift_op2i(s, IR_AND, e, ~bit);
    ne = lift_op2(s, IR_OR, ne, ox ? lift_op2i(s, IR_SHL, cout, 11) : cout);
    lift_flags_eflags(s, ne);
}

/* ---- CRC32, RDRAND/RDSEED, CLAC/STAC ----------------------------------------------------- */

/* CRC32 r32/r64, r/m8/16/32/64: DEST[31:0] continues as the CRC, the
 * result zero-extended into the 64-bit register. Flags untouched. */
void lift_crc32(DisasContext *s, const X86Insn *in)
{
    if (!require(s, "sse4.2")) {
        return;
    }
    IrTemp v = lift_load_op(s, 1);
    IrTemp crc = lift_load_op(s, 0);
    IrTemp r = lift_call3(s, &helper_crc32_desc, crc, v, lift_const(s, in->ops[1].size));
    lift_store_op(s, 0, r);
}

/* RDRAND/RDSEED r: a random value; CF = 1, OF SF ZF AF PF cleared. */
void lift_rdrand(DisasContext *s, const X86Insn *in)
{
    if (!require(s, in->mnem == X86_I_RDSEED ? "rdseed" : "rdrand")) {
        return;
    }
    IrTemp v = lift_call1(s, &helper_rdrand_desc, lift_const(s, in->ops[0].size));
    lift_store_op(s, 0, v);
    lift_flags_eflags(s, lift_const(s, EFLAGS_CF));
}

/* CLAC/STAC: EFLAGS.AC at CPL 0, #UD elsewhere (SDM Vol. 2A CLAC). AC
 * changes how supervisor accesses to user pages are checked (hflags), so
 * the TB ends. */
void lift_clac_stac(DisasContext *s, const X86Insn *in)
{
    if (!require(s, "smap")) {
        return;
    }
    if (s->cpl != 0) {
        lift_raise(s, EXC_UD);
        return;
    }
    lift_call1(s, &helper_set_ac_desc, lift_const(s, in->mnem == X86_I_STAC));
    s->end_loop = true;
}
