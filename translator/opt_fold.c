/*
 * opt_fold.c — constant folding and propagation, and algebraic identities.
 *
 * ir_eval_op is the single definition of what each value-computing op
 * means on concrete values (the interpreter may use it too, so the folder
 * and the executed code cannot disagree). opt_constant_fold walks each basic
 * block, remembers which temps hold known constants (from MOVI, or from ops
 * it folded), and rewrites an op whose inputs are all known into a MOVI, or
 * a MOV/MOVI when one input makes the result obvious (x+0, x*0, x^x ...).
 * A conditional branch whose outcome is known becomes BR or disappears.
 *
 * What is known is forgotten at every basic block boundary (the successor
 * may be reached from elsewhere), and the globals' values also at each CALL
 * whose helper may write globals.
 */
#include "translator/opt_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- evaluation ----------------------------------------------------------- */

static unsigned type_bits(IrType type)
{
    return type == IR_I32 ? 32 : 64;
}

static uint64_t type_mask(IrType type)
{
    return type == IR_I32 ? UINT32_MAX : UINT64_MAX;
}

/* The low bits of v, sign-extended to 64 bits (1 <= bits <= 64). */
static uint64_t sign_extend(uint64_t v, unsigned bits)
{
    if (bits >= 64) {
        return v;
    }
    uint64_t sign = 1ull << (bits - 1);
    v &= (sign << 1) - 1;
    return (v ^ sign) - sign;
}

/* A mask of the low len bits (1 <= len <= 64). */
static uint64_t low_mask(unsigned len)
{
    return len >= 64 ? UINT64_MAX : (1ull << len) - 1;
}

bool ir_eval_cond(IrCond cond, IrType type, uint64_t a, uint64_t b)
{
    unsigned w = type_bits(type);
    a &= type_mask(type);
    b &= type_mask(type);
    int64_t sa = (int64_t)sign_extend(a, w);
    int64_t sb = (int64_t)sign_extend(b, w);
    switch (cond) {
    case IR_COND_NEVER:
        return false;
    case IR_COND_ALWAYS:
        return true;
    case IR_COND_EQ:
        return a == b;
    case IR_COND_NE:
        return a != b;
    case IR_COND_LT:
        return sa < sb;
    case IR_COND_GE:
        return sa >= sb;
    case IR_COND_LE:
        return sa <= sb;
    case IR_COND_GT:
        return sa > sb;
    case IR_COND_LTU:
        return a < b;
    case IR_COND_GEU:
        return a >= b;
    case IR_COND_LEU:
        return a <= b;
    case IR_COND_GTU:
        return a > b;
    case IR_COND_TSTEQ:
        return (a & b) == 0;
    case IR_COND_TSTNE:
        return (a & b) != 0;
    case IR_COND_COUNT:
        break;
    }
    return false;
}

/* The 128-bit unsigned product of a and b, from four 32x32 partial products. */
static void mul_u64(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* Double-width product of a and b (of type), low half to out[0], high to out[1]. */
static void eval_mul2(bool is_signed, IrType type, uint64_t a, uint64_t b, uint64_t *out)
{
    if (type == IR_I32) {
        uint64_t p = is_signed ? (uint64_t)((int64_t)(int32_t)a * (int64_t)(int32_t)b)
                               : (uint64_t)(uint32_t)a * (uint32_t)b;
        out[0] = (uint32_t)p;
        out[1] = p >> 32;
        return;
    }
    uint64_t lo, hi;
    mul_u64(a, b, &lo, &hi);
    if (is_signed) {
        /* Two's complement: a = ua - 2^64 when negative, so the signed high half
         * loses b (and a) once for each negative factor. */
        hi -= (int64_t)a < 0 ? b : 0;
        hi -= (int64_t)b < 0 ? a : 0;
    }
    out[0] = lo;
    out[1] = hi;
}

static uint64_t eval_bswap(uint64_t a, unsigned size)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < size; i++) {
        r = (r << 8) | ((a >> (8 * i)) & 0xff);
    }
    return r;
}

bool ir_eval_op(IrOpcode opc, IrType type, const uint64_t *in, const uint64_t *consts,
                uint64_t *out)
{
    if (type != IR_I32 && type != IR_I64) {
        return false;
    }
    const unsigned w = type_bits(type);
    const uint64_t m = type_mask(type);
    /* Inputs of the op's own type, cut to width; the conversions read in[0] raw. */
    uint64_t a = opc < IR_OPCODE_COUNT && ir_op_defs[opc].nin > 0 ? in[0] & m : 0;
    uint64_t b = opc < IR_OPCODE_COUNT && ir_op_defs[opc].nin > 1 ? in[1] & m : 0;
    unsigned n = (unsigned)(b & (w - 1)); /* shift and rotate count */
    uint64_t r;

    switch (opc) {
    case IR_MOV:
        r = a;
        break;
    case IR_MOVI:
        r = consts[0];
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
        r = (uint64_t)((int64_t)sign_extend(a, w) >> n);
        break;
    case IR_ROTL:
        r = n ? (a << n) | (a >> (w - n)) : a;
        break;
    case IR_ROTR:
        r = n ? (a >> n) | (a << (w - n)) : a;
        break;
    case IR_NEG:
        r = -a;
        break;
    case IR_NOT:
        r = ~a;
        break;
    case IR_MULU2:
    case IR_MULS2:
        eval_mul2(opc == IR_MULS2, type, a, b, out);
        return true;
    case IR_CLZ:
        r = a ? (uint64_t)(__builtin_clzll(a) - (int)(64 - w)) : b;
        break;
    case IR_CTZ:
        r = a ? (uint64_t)__builtin_ctzll(a) : b;
        break;
    case IR_CTPOP:
        r = (uint64_t)__builtin_popcountll(a);
        break;
    case IR_BSWAP:
        if ((consts[0] != 2 && consts[0] != 4 && consts[0] != 8) || consts[0] * 8 > w) {
            return false;
        }
        r = eval_bswap(a, (unsigned)consts[0]);
        break;
    case IR_EXT8S:
        r = sign_extend(a, 8);
        break;
    case IR_EXT8U:
        r = a & 0xff;
        break;
    case IR_EXT16S:
        r = sign_extend(a, 16);
        break;
    case IR_EXT16U:
        r = a & 0xffff;
        break;
    case IR_EXT32S:
        r = sign_extend(a, 32);
        break;
    case IR_EXT32U:
        r = a & UINT32_MAX;
        break;
    case IR_EXTU_I32_I64:
        r = in[0] & UINT32_MAX;
        break;
    case IR_EXTS_I32_I64:
        r = sign_extend(in[0], 32);
        break;
    case IR_EXTRL_I64_I32:
        r = in[0];
        break;
    case IR_EXTRH_I64_I32:
        r = in[0] >> 32;
        break;
    case IR_DEPOSIT:
    case IR_EXTRACT:
    case IR_SEXTRACT: {
        uint64_t pos = consts[0], len = consts[1];
        if (len == 0 || len > w || pos > w - len) {
            return false;
        }
        if (opc == IR_DEPOSIT) {
            uint64_t field = low_mask((unsigned)len) << pos;
            r = (a & ~field) | ((b << pos) & field);
        } else if (opc == IR_EXTRACT) {
            r = (a >> pos) & low_mask((unsigned)len);
        } else {
            r = sign_extend(a >> pos, (unsigned)len);
        }
        break;
    }
    case IR_SETCOND:
        if (consts[0] >= IR_COND_COUNT) {
            return false;
        }
        r = ir_eval_cond((IrCond)consts[0], type, a, b);
        break;
    case IR_MOVCOND:
        if (consts[0] >= IR_COND_COUNT) {
            return false;
        }
        r = ir_eval_cond((IrCond)consts[0], type, a, b) ? in[2] : in[3];
        break;
    default:
        return false;
    }
    out[0] = r & m;
    return true;
}

/* ---- folding ---------------------------------------------------------------- */

typedef struct FoldState {
    IrFunc *f;
    uint8_t *known; /* per temp: holds a known constant */
    uint64_t *value;
} FoldState;

static void forget_all(FoldState *s)
{
    memset(s->known, 0, s->f->ntemps);
}

static void forget_globals(FoldState *s)
{
    memset(s->known, 0, s->f->nglobals);
}

static void set_movi(IrOp *op, IrTemp d, uint64_t v)
{
    opt_make_nop(op);
    op->opc = IR_MOVI;
    op->args[0] = d;
    op->args[1] = v;
}

static void set_mov(IrOp *op, IrTemp d, IrTemp a)
{
    if (d == a) {
        opt_make_nop(op);
        return;
    }
    opt_make_nop(op);
    op->opc = IR_MOV;
    op->args[0] = d;
    op->args[1] = a;
}

/*
 * Whether cond(a, b) is known without both values: the trivial conditions,
 * both inputs constant, or both the same temp. Sets *result.
 */
static bool cond_known(const FoldState *s, IrCond cond, IrType type, IrTemp a, IrTemp b,
                       bool *result)
{
    if (cond == IR_COND_ALWAYS || cond == IR_COND_NEVER) {
        *result = cond == IR_COND_ALWAYS;
        return true;
    }
    if (s->known[a] && s->known[b]) {
        *result = ir_eval_cond(cond, type, s->value[a], s->value[b]);
        return true;
    }
    if (a == b && cond != IR_COND_TSTEQ && cond != IR_COND_TSTNE) {
        /* x cmp x: true exactly for the conditions that include equality. */
        *result = ir_eval_cond(cond, type, 0, 0);
        return true;
    }
    return false;
}

/*
 * Make room for one op after ops[i] without touching f->oom (a failed growth
 * only means this fold is skipped). Returns the new op or NULL.
 */
static IrOp *insert_after(IrFunc *f, uint32_t i)
{
    if (f->nops == f->ops_cap) {
        uint32_t ncap = f->ops_cap ? f->ops_cap * 2 : 16;
        IrOp *p = realloc(f->ops, (size_t)ncap * sizeof(IrOp));
        if (!p) {
            return NULL;
        }
        f->ops = p;
        f->ops_cap = ncap;
    }
    memmove(&f->ops[i + 2], &f->ops[i + 1], (size_t)(f->nops - i - 1) * sizeof(IrOp));
    f->nops++;
    IrOp *op = &f->ops[i + 1];
    *op = f->ops[i];
    opt_make_nop(op);
    return op;
}

/*
 * The identities: rewrite op into MOV or MOVI when one known input (or the
 * same temp twice) decides the result. Returns true if op was rewritten.
 */
static bool simplify(FoldState *s, IrOp *op)
{
    if (ir_op_defs[op->opc].nin < 2) {
        return false; /* every identity below has two inputs at args[1], args[2] */
    }
    IrType type = (IrType)op->type;
    uint64_t m = type_mask(type);
    IrTemp d = (IrTemp)op->args[0];
    IrTemp a = (IrTemp)op->args[1];
    IrTemp b = (IrTemp)op->args[2];
    bool ka = s->known[a], kb = s->known[b];
    uint64_t va = s->value[a] & m, vb = s->value[b] & m;
    unsigned w = type_bits(type);

    switch (op->opc) {
    case IR_ADD:
    case IR_OR:
    case IR_XOR:
        if (kb && vb == 0) {
            set_mov(op, d, a);
            return true;
        }
        if (ka && va == 0) {
            set_mov(op, d, b);
            return true;
        }
        if (op->opc == IR_OR && ((kb && vb == m) || (ka && va == m))) {
            set_movi(op, d, m);
            return true;
        }
        if (a == b && op->opc == IR_OR) {
            set_mov(op, d, a);
            return true;
        }
        if (a == b && op->opc == IR_XOR) {
            set_movi(op, d, 0);
            return true;
        }
        return false;
    case IR_SUB:
        if (kb && vb == 0) {
            set_mov(op, d, a);
            return true;
        }
        if (a == b) {
            set_movi(op, d, 0);
            return true;
        }
        return false;
    case IR_MUL:
        if ((ka && va == 0) || (kb && vb == 0)) {
            set_movi(op, d, 0);
            return true;
        }
        if (kb && vb == 1) {
            set_mov(op, d, a);
            return true;
        }
        if (ka && va == 1) {
            set_mov(op, d, b);
            return true;
        }
        return false;
    case IR_AND:
        if ((ka && va == 0) || (kb && vb == 0)) {
            set_movi(op, d, 0);
            return true;
        }
        if ((kb && vb == m) || a == b) {
            set_mov(op, d, a);
            return true;
        }
        if (ka && va == m) {
            set_mov(op, d, b);
            return true;
        }
        return false;
    case IR_ANDC:
        if ((ka && va == 0) || (kb && vb == m) || a == b) {
            set_movi(op, d, 0);
            return true;
        }
        if (kb && vb == 0) {
            set_mov(op, d, a);
            return true;
        }
        return false;
    case IR_SHL:
    case IR_SHR:
    case IR_SAR:
    case IR_ROTL:
    case IR_ROTR:
        if (kb && (vb & (w - 1)) == 0) {
            set_mov(op, d, a);
            return true;
        }
        if (ka && va == 0) {
            set_movi(op, d, 0);
            return true;
        }
        if (ka && va == m && op->opc != IR_SHL && op->opc != IR_SHR) {
            set_movi(op, d, m); /* all ones, sign-shifted or rotated */
            return true;
        }
        return false;
    case IR_CLZ:
    case IR_CTZ:
        if (ka && va == 0) {
            set_mov(op, d, b);
            return true;
        }
        return false;
    case IR_SETCOND: {
        bool r;
        if (cond_known(s, (IrCond)op->args[3], type, a, b, &r)) {
            set_movi(op, d, r);
            return true;
        }
        return false;
    }
    case IR_MOVCOND: {
        bool r;
        IrTemp v1 = (IrTemp)op->args[3], v2 = (IrTemp)op->args[4];
        if (cond_known(s, (IrCond)op->args[5], type, a, b, &r)) {
            set_mov(op, d, r ? v1 : v2);
            return true;
        }
        if (v1 == v2) {
            set_mov(op, d, v1);
            return true;
        }
        return false;
    }
    default:
        return false;
    }
}

/* Fold ops[i] if all its inputs are known. Returns true if rewritten. */
static bool fold_known(FoldState *s, uint32_t i)
{
    IrOp *op = &s->f->ops[i];
    const IrOpDef *def = &ir_op_defs[op->opc];
    uint64_t in[4], out[2];
    for (unsigned k = 0; k < def->nin; k++) {
        IrTemp t = (IrTemp)op->args[def->nout + k];
        if (!s->known[t]) {
            return false;
        }
        in[k] = s->value[t];
    }
    if (!ir_eval_op((IrOpcode)op->opc, (IrType)op->type, in, &op->args[def->nout + def->nin],
                    out)) {
        return false;
    }
    if (def->nout == 2) {
        IrTemp lo = (IrTemp)op->args[0], hi = (IrTemp)op->args[1];
        IrOp *second = insert_after(s->f, i);
        if (!second) {
            return false;
        }
        op = &s->f->ops[i]; /* the array may have moved */
        set_movi(op, lo, out[0]);
        set_movi(second, hi, out[1]);
        return true;
    }
    set_movi(op, (IrTemp)op->args[0], out[0]);
    return true;
}

/* BRCOND with a known outcome: BR when always taken, NOP when never. */
static void fold_brcond(FoldState *s, IrOp *op)
{
    bool taken;
    if (!cond_known(s, (IrCond)op->args[2], (IrType)op->type, (IrTemp)op->args[0],
                    (IrTemp)op->args[1], &taken)) {
        return;
    }
    uint64_t label = op->args[3];
    opt_make_nop(op);
    if (taken) {
        op->opc = IR_BR;
        op->args[0] = label;
    }
}

/* After ops[i] ran: record what its outputs hold. */
static void note_outputs(FoldState *s, const IrOp *op)
{
    if (op->opc == IR_NOP) {
        return;
    }
    OpTemps ot = opt_op_temps(op);
    for (unsigned k = 0; k < ot.nout; k++) {
        s->known[op->args[ot.out_first + k]] = 0;
    }
    if (op->opc == IR_MOVI) {
        IrTemp d = (IrTemp)op->args[0];
        s->known[d] = 1;
        s->value[d] = op->args[1];
    } else if (op->opc == IR_MOV && s->known[op->args[1]]) {
        IrTemp d = (IrTemp)op->args[0];
        s->known[d] = 1;
        s->value[d] = s->value[op->args[1]];
    }
    if (opt_call_writes_globals(op)) {
        forget_globals(s);
    }
}

void opt_constant_fold(IrFunc *f)
{
    if (f->oom || f->ntemps == 0) {
        return;
    }
    FoldState s = {.f = f};
    s.known = calloc(f->ntemps, 1);
    s.value = calloc(f->ntemps, sizeof(uint64_t));
    if (!s.known || !s.value) {
        goto out; /* no memory: leaving the func unoptimized is correct */
    }
    for (uint32_t i = 0; i < f->nops; i++) {
        IrOp *op = &f->ops[i];
        switch (op->opc) {
        case IR_NOP:
        case IR_INSN_START:
        case IR_MB:
        case IR_CALL:
        case IR_LD:
        case IR_ST:
        case IR_QLD:
        case IR_QST:
            break;
        case IR_MOVI:
            op->args[1] &= type_mask((IrType)op->type);
            break;
        case IR_BRCOND:
            fold_brcond(&s, op);
            break;
        default:
            if (ir_op_defs[op->opc].flags & IR_OPF_BB_END) {
                break;
            }
            if (!fold_known(&s, i)) {
                simplify(&s, op);
            }
            break;
        }
        op = &f->ops[i];
        note_outputs(&s, op);
        if (op->opc != IR_NOP && opt_op_bb_boundary(op)) {
            forget_all(&s);
        }
    }
out:
    free(s.known);
    free(s.value);
}
