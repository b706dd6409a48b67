/*
 * opt_bits.c — bit-level facts: extensions and masks that change nothing.
 *
 * x86 code lifted to i64 temps is full of zero and sign extensions: every
 * 32-bit result is EXT32U'd on its way to a register, and every operand
 * read again on its way back. Two analyses over each basic block find the
 * ones that cannot change a bit anyone looks at:
 *
 *   - forward, known bits: which bits of each temp are known zero, and how
 *     many top bits are known copies of the sign bit. An EXT32U (EXT16U,
 *     EXT8U, AND with a constant) of a value whose cleared bits are already
 *     zero, or an EXT32S (EXT16S, EXT8S) of a value already sign-extended
 *     from that width, is a MOV.
 *   - backward, demanded bits: which bits of each temp some later op reads.
 *     Globals and LOCAL temps are read in full at the block end, globals in
 *     full wherever env can be seen (exits, faulting ops, helpers), and
 *     every op says which bits of its inputs its demanded output bits
 *     depend on: the low n bits of a sum, product or left shift depend only
 *     on the low n bits of the inputs, a 1-byte QST reads 8 bits, and so on.
 *     An extension (or an AND with a constant, or a DEPOSIT at bit 0) whose
 *     changed bits nobody demands is a MOV; so the 32-bit multiply lifted as
 *     ext32u(mul(ext32s a, ext32s b)) loses both sign extensions.
 *
 * Both only ever turn an op into a MOV of one of its inputs; copy
 * propagation and dead code then remove it. Facts are per basic block (a
 * LABEL knows nothing), so NORMAL temps are exact and nothing crosses a
 * join.
 */
#include "translator/opt_internal.h"

#include <stdlib.h>
#include <string.h>

static uint64_t type_mask(IrType type)
{
    return type == IR_I32 ? UINT32_MAX : UINT64_MAX;
}

static unsigned type_bits(IrType type)
{
    return type == IR_I32 ? 32 : 64;
}

/* A mask of the low n bits (0 <= n <= 64). */
static uint64_t low_bits(unsigned n)
{
    return n >= 64 ? UINT64_MAX : (1ull << n) - 1;
}

/* Bits 0 .. the highest set bit of m: what a carry chain makes them depend on. */
static uint64_t carry_mask(uint64_t m)
{
    return m ? low_bits(64 - (unsigned)__builtin_clzll(m)) : 0;
}

static void make_mov(IrOp *op, IrTemp d, IrTemp a)
{
    opt_make_nop(op);
    if (d != a) {
        op->opc = IR_MOV;
        op->args[0] = d;
        op->args[1] = a;
    }
}

/* ---- known bits (forward) -------------------------------------------------- */

typedef struct Known {
    uint64_t zero; /* bits known to be 0 (within the type; bits above it are 0 too) */
    uint8_t sign;  /* top bits of the type known equal to each other (1: nothing known) */
} Known;

typedef struct BitsState {
    IrFunc *f;
    Known *k;
} BitsState;

static Known unknown(IrType type)
{
    return (Known){~type_mask(type), 1};
}

/* What is known of constant v of type. */
static Known known_const(IrType type, uint64_t v)
{
    unsigned w = type_bits(type);
    v &= type_mask(type);
    uint64_t sv = w == 32 ? (uint64_t)(int64_t)(int32_t)v : v;
    uint64_t lead = sv >> 63 ? ~sv : sv; /* the sign copies become leading zeros */
    unsigned sign = lead ? (unsigned)__builtin_clzll(lead) : 64;
    sign -= 64 - w;
    return (Known){~v, (uint8_t)(sign ? sign : 1)};
}

/* The sign-bit count implied by leading known zeros (at least 1). */
static unsigned sign_from_zero(IrType type, uint64_t zero)
{
    unsigned w = type_bits(type);
    uint64_t ones = ~zero & type_mask(type);
    unsigned lz = ones ? (unsigned)__builtin_clzll(ones) - (64 - w) : w;
    return lz ? lz : 1;
}

static Known finish(IrType type, uint64_t zero, unsigned sign)
{
    unsigned w = type_bits(type);
    zero |= ~type_mask(type);
    unsigned s = sign_from_zero(type, zero);
    if (sign > s) {
        s = sign;
    }
    if (s > w) {
        s = w;
    }
    if (s == 0) {
        s = 1;
    }
    return (Known){zero, (uint8_t)s};
}

/* Leading known zeros of a value of type. */
static unsigned lead_zero(IrType type, uint64_t zero)
{
    unsigned w = type_bits(type);
    uint64_t ones = ~zero & type_mask(type);
    return ones ? (unsigned)__builtin_clzll(ones) - (64 - w) : w;
}

/* What op's single output is known to hold, given its inputs. */
static Known eval_known(const BitsState *s, const IrOp *op)
{
    IrType type = (IrType)op->type;
    unsigned w = type_bits(type);
    uint64_t m = type_mask(type);
    const Known *k = s->k;
    Known a = {0, 1}, b = {0, 1};
    const IrOpDef *def = &ir_op_defs[op->opc];
    if (def->nin >= 1) {
        a = k[op->args[1]];
    }
    if (def->nin >= 2) {
        b = k[op->args[2]];
    }
    switch (op->opc) {
    case IR_MOV:
        return a;
    case IR_MOVI:
        return known_const(type, op->args[1]);
    case IR_AND:
        return finish(type, a.zero | b.zero, a.sign < b.sign ? a.sign : b.sign);
    case IR_OR:
    case IR_XOR:
        return finish(type, a.zero & b.zero, a.sign < b.sign ? a.sign : b.sign);
    case IR_ANDC:
        return finish(type, a.zero, 1);
    case IR_ADD:
    case IR_SUB: {
        /* A carry or borrow moves the top set bit up by at most one; SUB
         * may borrow from the top, so only ADD uses the leading zeros. */
        unsigned sa = a.sign < b.sign ? a.sign : b.sign;
        uint64_t zero = 0;
        if (op->opc == IR_ADD) {
            unsigned lz = lead_zero(type, a.zero) < lead_zero(type, b.zero)
                              ? lead_zero(type, a.zero)
                              : lead_zero(type, b.zero);
            zero = lz > 1 ? ~low_bits(w - lz + 1) & m : 0;
        }
        return finish(type, zero, sa > 1 ? sa - 1 : 1);
    }
    case IR_MUL: {
        /* The product of an x-bit and a y-bit value has at most x + y bits. */
        unsigned bits = (w - lead_zero(type, a.zero)) + (w - lead_zero(type, b.zero));
        return finish(type, bits < w ? ~low_bits(bits) & m : 0, 1);
    }
    case IR_EXT8U:
        return finish(type, a.zero | ~0xffull, 1);
    case IR_EXT16U:
        return finish(type, a.zero | ~0xffffull, 1);
    case IR_EXT32U:
        return finish(type, a.zero | ~0xffffffffull, 1);
    case IR_EXT8S:
        return finish(type, (a.zero & 0x80) ? a.zero | ~0x7full : 0, w - 7);
    case IR_EXT16S:
        return finish(type, (a.zero & 0x8000) ? a.zero | ~0x7fffull : 0, w - 15);
    case IR_EXT32S:
        return finish(type, (a.zero & 0x80000000u) ? a.zero | ~0x7fffffffull : 0, 33);
    case IR_EXTU_I32_I64:
        return finish(type, a.zero | ~0xffffffffull, a.zero & 0x80000000u ? 33 : 1);
    case IR_EXTS_I32_I64:
        return finish(type, (a.zero & 0x80000000u) ? a.zero | ~0x7fffffffull : 0, a.sign + 32u);
    case IR_EXTRL_I64_I32:
        return finish(type, a.zero, a.sign > 32 ? a.sign - 32u : 1);
    case IR_EXTRH_I64_I32:
        return finish(type, a.zero >> 32, a.sign > 32 ? 32 : a.sign);
    case IR_EXTRACT: {
        unsigned pos = (unsigned)op->args[2], len = (unsigned)op->args[3];
        if (len == 0 || len > w || pos > w - len) {
            return unknown(type);
        }
        return finish(type, (a.zero >> pos) | ~low_bits(len), 1);
    }
    case IR_DEPOSIT: {
        unsigned pos = (unsigned)op->args[3], len = (unsigned)op->args[4];
        if (len == 0 || len > w || pos > w - len) {
            return unknown(type);
        }
        uint64_t field = low_bits(len) << pos;
        return finish(type, (a.zero & ~field) | ((b.zero << pos) & field), 1);
    }
    case IR_SETCOND:
        return finish(type, ~1ull, 1);
    case IR_MOVCOND: {
        const Known *v1 = &k[op->args[3]], *v2 = &k[op->args[4]];
        return finish(type, v1->zero & v2->zero, v1->sign < v2->sign ? v1->sign : v2->sign);
    }
    case IR_CTPOP:
        return finish(type, ~0x7full, 1);
    case IR_BSWAP: {
        unsigned size = (unsigned)op->args[2];
        return size < 8 ? finish(type, ~low_bits(size * 8), 1) : unknown(type);
    }
    case IR_LD:
    case IR_QLD: {
        unsigned memop = (unsigned)op->args[2]; /* LD: d, offset, memop; QLD: d, addr, memop */
        unsigned size = memop & IR_MO_SIZE_MASK;
        if (size >= 8 || size * 8 >= w || size == 0) {
            return unknown(type);
        }
        if (memop & IR_MO_SIGN) {
            return finish(type, 0, w - size * 8 + 1);
        }
        return finish(type, ~low_bits(size * 8), 1);
    }
    default:
        return unknown(type);
    }
}

/* Shifts by a constant count (the count's MOVI value is tracked separately). */
static Known eval_shift(IrType type, IrOpcode opc, Known a, unsigned n)
{
    unsigned w = type_bits(type);
    uint64_t m = type_mask(type);
    n &= w - 1;
    switch (opc) {
    case IR_SHL:
        return finish(type, ((a.zero << n) | low_bits(n)) & m, a.sign > n ? a.sign - n : 1);
    case IR_SHR:
        return finish(type, ((a.zero & m) >> n) | (~low_bits(w - n) & m), n ? 1 : a.sign);
    default: /* SAR */
        if (a.zero & (1ull << (w - 1))) {
            return finish(type, ((a.zero & m) >> n) | (~low_bits(w - n) & m), a.sign + n);
        }
        return finish(type, 0, a.sign + n);
    }
}

/* Whether extension opc of type changes no bit of an input known as a. */
static bool ext_is_noop(const Known *a, IrOpcode opc, IrType type)
{
    unsigned w = type_bits(type);
    switch (opc) {
    case IR_EXT8U:
        return (a->zero | 0xffull) == UINT64_MAX;
    case IR_EXT16U:
        return (a->zero | 0xffffull) == UINT64_MAX;
    case IR_EXT32U:
        return (a->zero | 0xffffffffull) == UINT64_MAX;
    case IR_EXT8S:
        return a->sign >= w - 7;
    case IR_EXT16S:
        return a->sign >= w - 15;
    case IR_EXT32S:
        return w == 64 && a->sign >= 33;
    default:
        return false;
    }
}

static void known_pass(IrFunc *f, Known *k, uint8_t *isconst, uint64_t *cval)
{
    BitsState s = {f, k};
    for (uint32_t t = 0; t < f->ntemps; t++) {
        k[t] = unknown((IrType)f->temps[t].type);
        isconst[t] = 0;
    }
    for (uint32_t i = 0; i < f->nops; i++) {
        IrOp *op = &f->ops[i];
        if (op->opc == IR_NOP) {
            continue;
        }
        IrType type = (IrType)op->type;
        uint64_t m = type_mask(type);
        OpTemps ot = opt_op_temps(op);
        /* Rewrites first, then what the (possibly rewritten) op produces. */
        switch (op->opc) {
        case IR_EXT8U:
        case IR_EXT16U:
        case IR_EXT32U:
        case IR_EXT8S:
        case IR_EXT16S:
        case IR_EXT32S:
            if (ext_is_noop(&k[op->args[1]], (IrOpcode)op->opc, type)) {
                make_mov(op, (IrTemp)op->args[0], (IrTemp)op->args[1]);
            }
            break;
        case IR_AND:
            for (unsigned j = 1; j <= 2 && op->opc == IR_AND; j++) {
                IrTemp c = (IrTemp)op->args[j], x = (IrTemp)op->args[3 - j];
                if (isconst[c] && ((k[x].zero | cval[c]) & m) == m) {
                    make_mov(op, (IrTemp)op->args[0], x);
                }
            }
            break;
        default:
            break;
        }
        if (op->opc == IR_NOP) {
            continue;
        }
        Known out = {0, 1};
        bool single = ot.nout == 1 && op->opc != IR_CALL;
        if (single) {
            if ((op->opc == IR_SHL || op->opc == IR_SHR || op->opc == IR_SAR) &&
                isconst[op->args[2]]) {
                out = eval_shift(type, (IrOpcode)op->opc, k[op->args[1]],
                                 (unsigned)cval[op->args[2]]);
            } else {
                out = eval_known(&s, op);
            }
        }
        for (unsigned j = 0; j < ot.nout; j++) {
            IrTemp t = (IrTemp)op->args[ot.out_first + j];
            k[t] = single ? out : unknown((IrType)f->temps[t].type);
            isconst[t] = 0;
        }
        if (op->opc == IR_MOVI) {
            isconst[op->args[0]] = 1;
            cval[op->args[0]] = op->args[1] & m;
        } else if (op->opc == IR_MOV && isconst[op->args[1]]) {
            isconst[op->args[0]] = 1;
            cval[op->args[0]] = cval[op->args[1]];
        }
        if (opt_call_writes_globals(op)) {
            for (uint32_t g = 0; g < f->nglobals; g++) {
                k[g] = unknown((IrType)f->temps[g].type);
                isconst[g] = 0;
            }
        }
        if (opt_op_bb_boundary(op)) {
            for (uint32_t t = 0; t < f->ntemps; t++) {
                k[t] = unknown((IrType)f->temps[t].type);
                isconst[t] = 0;
            }
        }
    }
}

/* ---- demanded bits (backward) ----------------------------------------------- */

/* The constant inputs of one op: bit j of mask set when input j (0 or 1) is
 * a known constant val[j]. */
typedef struct OpConsts {
    unsigned mask;
    uint64_t val[2];
} OpConsts;

/* Which bits of input j the op reads to produce the bits dem of its output. */
static uint64_t demand_in(const IrOp *op, unsigned j, uint64_t dem, const OpConsts *c)
{
    IrType type = (IrType)op->type;
    uint64_t m = type_mask(type);
    unsigned w = type_bits(type);
    switch (op->opc) {
    case IR_MOV:
    case IR_OR:
    case IR_XOR:
    case IR_ANDC:
    case IR_NOT:
        return dem;
    case IR_AND:
        return c->mask & (1u << (1 - j)) ? dem & c->val[1 - j] : dem;
    case IR_ADD:
    case IR_SUB:
    case IR_MUL:
    case IR_NEG:
        return carry_mask(dem);
    case IR_SHL:
    case IR_SHR:
    case IR_SAR: {
        if (j == 1) {
            return w - 1; /* the count is taken modulo the width */
        }
        if (!(c->mask & 2)) {
            return op->opc == IR_SHL ? carry_mask(dem) : m;
        }
        unsigned n = (unsigned)c->val[1] & (w - 1);
        if (op->opc == IR_SHL) {
            return dem >> n;
        }
        uint64_t r = (dem << n) & m;
        if (op->opc == IR_SAR && n && (dem & ~low_bits(w - n) & m)) {
            r |= 1ull << (w - 1); /* the bits shifted in copy the sign */
        }
        return r;
    }
    case IR_EXT8U:
        return dem & 0xff;
    case IR_EXT16U:
        return dem & 0xffff;
    case IR_EXT32U:
    case IR_EXTRL_I64_I32:
    case IR_EXTU_I32_I64:
        return dem & 0xffffffffull;
    case IR_EXT8S:
        return (dem & 0xff) | (dem & ~0xffull ? 0x80 : 0);
    case IR_EXT16S:
        return (dem & 0xffff) | (dem & ~0xffffull ? 0x8000 : 0);
    case IR_EXT32S:
    case IR_EXTS_I32_I64:
        return (dem & 0xffffffffull) | (dem & ~0xffffffffull ? 0x80000000ull : 0);
    case IR_EXTRH_I64_I32:
        return dem << 32;
    case IR_EXTRACT: {
        unsigned pos = (unsigned)op->args[2], len = (unsigned)op->args[3];
        if (len == 0 || len > w || pos > w - len) {
            return m;
        }
        return ((dem & low_bits(len)) << pos) & m;
    }
    case IR_DEPOSIT: {
        unsigned pos = (unsigned)op->args[3], len = (unsigned)op->args[4];
        if (len == 0 || len > w || pos > w - len) {
            return m;
        }
        uint64_t field = low_bits(len) << pos;
        return j == 0 ? dem & ~field : (dem & field) >> pos;
    }
    case IR_MOVCOND:
        return j >= 2 ? dem : m;
    case IR_ST:
    case IR_QST:
        if (j == 0) {
            unsigned size = (unsigned)op->args[2] & IR_MO_SIZE_MASK;
            return size >= 1 && size < 8 ? low_bits(size * 8) : UINT64_MAX;
        }
        return UINT64_MAX;
    default:
        return UINT64_MAX;
    }
}

/*
 * Rewrite op into a MOV of one of its inputs when the bits dem of its
 * output are all it has in common with that input.
 */
static void demand_rewrite(IrOp *op, uint64_t dem, const OpConsts *c)
{
    IrTemp d = (IrTemp)op->args[0];
    uint64_t keep;
    switch (op->opc) {
    case IR_EXT8U:
    case IR_EXT8S:
        keep = 0xff;
        break;
    case IR_EXT16U:
    case IR_EXT16S:
        keep = 0xffff;
        break;
    case IR_EXT32U:
    case IR_EXT32S:
        keep = 0xffffffffull;
        break;
    case IR_AND:
        for (unsigned j = 0; j < 2; j++) {
            if ((c->mask & (1u << j)) && (dem & ~c->val[j]) == 0) {
                make_mov(op, d, (IrTemp)op->args[2 - j]);
                return;
            }
        }
        return;
    case IR_DEPOSIT: {
        unsigned w = type_bits((IrType)op->type);
        unsigned pos = (unsigned)op->args[3], len = (unsigned)op->args[4];
        if (len == 0 || len > w || pos > w - len) {
            return;
        }
        uint64_t field = low_bits(len) << pos;
        if ((dem & field) == 0) {
            make_mov(op, d, (IrTemp)op->args[1]);
        } else if (pos == 0 && (dem & ~field) == 0) {
            make_mov(op, d, (IrTemp)op->args[2]);
        }
        return;
    }
    default:
        return;
    }
    if ((dem & ~keep) == 0) {
        make_mov(op, d, (IrTemp)op->args[1]);
    }
}

/* Per op, which of its first two inputs are constants within the block. */
static void find_consts(IrFunc *f, OpConsts *oc, uint8_t *isconst, uint64_t *cval)
{
    memset(isconst, 0, f->ntemps);
    for (uint32_t i = 0; i < f->nops; i++) {
        IrOp *op = &f->ops[i];
        oc[i].mask = 0;
        if (op->opc == IR_NOP) {
            continue;
        }
        OpTemps ot = opt_op_temps(op);
        for (unsigned j = 0; j < ot.nin && j < 2; j++) {
            IrTemp t = (IrTemp)op->args[ot.in_first + j];
            if (isconst[t]) {
                oc[i].mask |= 1u << j;
                oc[i].val[j] = cval[t];
            }
        }
        for (unsigned j = 0; j < ot.nout; j++) {
            isconst[op->args[ot.out_first + j]] = 0;
        }
        if (op->opc == IR_MOVI) {
            isconst[op->args[0]] = 1;
            cval[op->args[0]] = op->args[1] & type_mask((IrType)op->type);
        } else if (op->opc == IR_MOV && isconst[op->args[1]]) {
            isconst[op->args[0]] = 1;
            cval[op->args[0]] = cval[op->args[1]];
        }
        if (opt_call_writes_globals(op)) {
            memset(isconst, 0, f->nglobals);
        }
        if (opt_op_bb_boundary(op)) {
            memset(isconst, 0, f->ntemps);
        }
    }
}

static void demand_pass(IrFunc *f, uint64_t *dem, const OpConsts *oc)
{
    /* Past the end only globals matter (the func ends in an exit); LOCAL
     * temps are taken as read in full everywhere. */
    for (uint32_t t = 0; t < f->ntemps; t++) {
        dem[t] = t < f->nglobals || f->temps[t].kind == IR_TEMP_LOCAL ? UINT64_MAX : 0;
    }
    for (uint32_t i = f->nops; i-- > 0;) {
        IrOp *op = &f->ops[i];
        if (op->opc == IR_NOP) {
            continue;
        }
        if (opt_op_bb_boundary(op)) {
            for (uint32_t t = 0; t < f->ntemps; t++) {
                dem[t] = f->temps[t].kind == IR_TEMP_NORMAL ? 0 : UINT64_MAX;
            }
        }
        OpTemps ot = opt_op_temps(op);
        uint64_t out_dem = UINT64_MAX;
        bool single = ot.nout == 1 && op->opc != IR_CALL;
        if (single) {
            IrTemp d = (IrTemp)op->args[0];
            out_dem = dem[d] & type_mask((IrType)op->type);
            demand_rewrite(op, out_dem, &oc[i]);
            if (op->opc == IR_NOP) {
                continue; /* a MOV of a temp to itself: nothing read or written */
            }
            ot = opt_op_temps(op);
        }
        /* Kill the outputs, then demand the inputs. */
        for (unsigned j = 0; j < ot.nout; j++) {
            IrTemp t = (IrTemp)op->args[ot.out_first + j];
            dem[t] = f->temps[t].kind == IR_TEMP_LOCAL ? UINT64_MAX : 0;
        }
        for (unsigned j = 0; j < ot.nin; j++) {
            IrTemp t = (IrTemp)op->args[ot.in_first + j];
            uint64_t need = single || op->opc == IR_ST || op->opc == IR_QST
                                ? demand_in(op, j, out_dem, &oc[i])
                                : UINT64_MAX;
            dem[t] |= need & type_mask((IrType)f->temps[t].type);
        }
        if (opt_op_observes_globals(op)) {
            for (uint32_t g = 0; g < f->nglobals; g++) {
                dem[g] = UINT64_MAX;
            }
        }
    }
}

void opt_known_bits(IrFunc *f)
{
    if (f->oom || f->ntemps == 0 || f->nops == 0) {
        return;
    }
    Known *k = malloc(f->ntemps * sizeof(*k));
    uint8_t *isconst = malloc(f->ntemps);
    uint64_t *cval = malloc(f->ntemps * sizeof(*cval));
    uint64_t *dem = malloc(f->ntemps * sizeof(*dem));
    OpConsts *oc = malloc(f->nops * sizeof(*oc));
    if (!k || !isconst || !cval || !dem || !oc) {
        goto out; /* no memory: leaving the func unoptimized is correct */
    }
    known_pass(f, k, isconst, cval);
    find_consts(f, oc, isconst, cval);
    demand_pass(f, dem, oc);
out:
    free(k);
    free(isconst);
    free(cval);
    free(dem);
    free(oc);
}
