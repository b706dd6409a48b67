/*
 * x64_regalloc.c — register allocation over one TB.
 *
 * Greedy and local, in the manner of TCG: each temp has a location (a
 * register, its home in memory, or a known constant) and a "coherent" bit
 * saying whether its home is up to date. Ops ask for their inputs in
 * registers, which loads them or spills another temp when all are taken;
 * the backward liveness pass tells which inputs die in each op so their
 * registers come free at once (and may become the output).
 *
 * Homes: a global's is its field in env; a NORMAL or LOCAL temp's is a
 * frame slot taken when first needed (a NORMAL temp's slot is released
 * when the temp dies, a LOCAL temp keeps its slot for the whole TB, since
 * control can reach any label from anywhere).
 *
 * Block boundaries follow the simplest correct rule: at BR, BRCOND and
 * LABEL every dirty global and LOCAL temp is written home; at a LABEL all
 * of them are forgotten (a join point knows nothing). After a BRCOND the
 * fallthrough keeps its registers, which are all coherent by then.
 */
#include "backend-x86/x64_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const int8_t x64_alloc_order[X64_NALLOC] = {
    X64_RBX, X64_R12, X64_R13, X64_R14, X64_R15, X64_R10, X64_R11,
    X64_R9,  X64_R8,  X64_RSI, X64_RDI, X64_RCX, X64_RDX, X64_RAX,
};

void x64_fail(X64Gen *g, const char *fmt, ...)
{
    if (g->failed) {
        return;
    }
    g->failed = true;
    if (g->err && g->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(g->err, g->errlen, fmt, ap);
        va_end(ap);
    }
}

/* ---- liveness ----------------------------------------------------------- */

/* The args of op that are outputs [*o0, *o1) and inputs [*i0, *i1). */
static void arg_ranges(const IrOp *op, unsigned *o0, unsigned *o1, unsigned *i0, unsigned *i1)
{
    if (op->opc == IR_CALL) {
        *o0 = 1;
        *o1 = op->args[1] == IR_NO_TEMP ? 1 : 2;
        *i0 = 2;
        *i1 = 2 + ir_call_helper(op)->nargs;
        return;
    }
    const IrOpDef *d = &ir_op_defs[op->opc];
    *o0 = 0;
    *o1 = d->nout;
    *i0 = d->nout;
    *i1 = (unsigned)d->nout + d->nin;
}

bool x64_liveness(X64Gen *g)
{
    const IrFunc *f = g->f;
    bool *live = calloc(f->ntemps ? f->ntemps : 1, sizeof(bool));
    if (!live) {
        return false;
    }
    for (uint32_t n = f->nops; n-- > 0;) {
        const IrOp *op = &f->ops[n];
        const IrOpDef *d = &ir_op_defs[op->opc];
        uint32_t dead = 0;
        if (d->flags & IR_OPF_BB_END) {
            /* After a block end NORMAL temps are dead; LOCAL ones may be
             * read after some label, except past an exit. */
            bool locals = !(d->flags & IR_OPF_EXIT);
            for (uint32_t t = f->nglobals; t < f->ntemps; t++) {
                live[t] = locals && f->temps[t].kind == IR_TEMP_LOCAL;
            }
        }
        unsigned o0, o1, i0, i1;
        arg_ranges(op, &o0, &o1, &i0, &i1);
        for (unsigned k = o0; k < o1; k++) {
            IrTemp t = (IrTemp)op->args[k];
            if (t >= f->nglobals) {
                if (!live[t]) {
                    dead |= 1u << k;
                }
                live[t] = false;
            }
        }
        for (unsigned k = i0; k < i1; k++) {
            IrTemp t = (IrTemp)op->args[k];
            if (t >= f->nglobals) {
                if (!live[t]) {
                    dead |= 1u << k;
                }
                live[t] = true;
            }
        }
        g->dead[n] = dead;
    }
    free(live);
    return true;
}

/* ---- homes ----------------------------------------------------------------- */

static int32_t slot_alloc(X64Gen *g)
{
    for (unsigned w = 0; w < X64_SPILL_SLOTS / 64; w++) {
        if (g->slot_used[w] != UINT64_MAX) {
            unsigned b = (unsigned)__builtin_ctzll(~g->slot_used[w]);
            g->slot_used[w] |= 1ull << b;
            return X64_SPILL_OFF + (int32_t)(w * 64 + b) * 8;
        }
    }
    x64_fail(g, "out of spill slots");
    return X64_SPILL_OFF;
}

static void slot_free(X64Gen *g, int32_t off)
{
    unsigned s = (unsigned)(off - X64_SPILL_OFF) / 8;
    g->slot_used[s / 64] &= ~(1ull << (s % 64));
}

int32_t x64_temp_home(X64Gen *g, IrTemp t, int *base)
{
    if (x64_is_global(g, t)) {
        *base = X64_ENV_REG;
        return g->f->temps[t].offset;
    }
    X64Temp *ts = &g->temps[t];
    if (ts->slot < 0) {
        ts->slot = slot_alloc(g);
    }
    *base = X64_RSP;
    return ts->slot;
}

/* ---- registers ------------------------------------------------------------ */

static void reg_release(X64Gen *g, int r)
{
    g->reg_temp[r] = -1;
}

void x64_temp_sync(X64Gen *g, IrTemp t)
{
    X64Temp *ts = &g->temps[t];
    if (ts->coherent || (ts->loc != X64_LOC_REG && ts->loc != X64_LOC_CONST)) {
        return;
    }
    int base;
    int32_t disp = x64_temp_home(g, t, &base);
    bool w64 = x64_temp_w64(g, t);
    if (ts->loc == X64_LOC_REG) {
        x64_store(&g->as, w64 ? 8 : 4, ts->reg, base, -1, disp);
    } else if (!w64) {
        x64_store_imm(&g->as, 4, (int32_t)ts->val, base, disp);
    } else if (x64_fits_i32((int64_t)ts->val)) {
        x64_store_imm(&g->as, 8, (int32_t)ts->val, base, disp);
    } else {
        /* No register needed: two 32-bit halves (little endian). */
        x64_store_imm(&g->as, 4, (int32_t)ts->val, base, disp);
        x64_store_imm(&g->as, 4, (int32_t)(ts->val >> 32), base, disp + 4);
    }
    ts->coherent = true;
}

void x64_temp_spill(X64Gen *g, IrTemp t)
{
    X64Temp *ts = &g->temps[t];
    x64_temp_sync(g, t);
    if (ts->loc == X64_LOC_REG) {
        reg_release(g, ts->reg);
        ts->loc = X64_LOC_MEM;
    }
}

int x64_reg_alloc(X64Gen *g, uint16_t allowed)
{
    allowed &= X64_ALLOCATABLE & ~g->locked;
    for (int i = 0; i < X64_NALLOC; i++) {
        int r = x64_alloc_order[i];
        if ((allowed & X64_REG_BIT(r)) && g->reg_temp[r] < 0) {
            g->locked |= X64_REG_BIT(r);
            return r;
        }
    }
    /* Spill: prefer a register whose home is already up to date. */
    int victim = -1;
    for (int i = 0; i < X64_NALLOC; i++) {
        int r = x64_alloc_order[i];
        if (!(allowed & X64_REG_BIT(r))) {
            continue;
        }
        if (g->temps[g->reg_temp[r]].coherent) {
            victim = r;
            break;
        }
        if (victim < 0) {
            victim = r;
        }
    }
    if (victim < 0) {
        x64_fail(g, "op %u: no register left", g->cur_op);
        return X64_RAX;
    }
    x64_temp_spill(g, (IrTemp)g->reg_temp[victim]);
    g->locked |= X64_REG_BIT(victim);
    return victim;
}

void x64_reg_evict(X64Gen *g, int r)
{
    int32_t t = g->reg_temp[r];
    if (t < 0) {
        return;
    }
    uint16_t saved = g->locked;
    g->locked |= X64_REG_BIT(r);
    /* A free register only: evicting must not spill a second temp. */
    int to = -1;
    for (int i = 0; i < X64_NALLOC; i++) {
        int c = x64_alloc_order[i];
        if (!(g->locked & X64_REG_BIT(c)) && g->reg_temp[c] < 0) {
            to = c;
            break;
        }
    }
    g->locked = saved;
    if (to < 0) {
        x64_temp_spill(g, (IrTemp)t);
        return;
    }
    x64_mov_rr(&g->as, true, to, r);
    g->temps[t].reg = (int8_t)to;
    g->reg_temp[to] = t;
    reg_release(g, r);
    if (g->locked & X64_REG_BIT(r)) {
        g->locked |= X64_REG_BIT(to); /* an input of the op moved */
    }
}

void x64_temp_copy_to(X64Gen *g, int r, IrTemp t)
{
    X64Temp *ts = &g->temps[t];
    bool w64 = x64_temp_w64(g, t);
    switch (ts->loc) {
    case X64_LOC_REG:
        if (ts->reg != r) {
            x64_mov_rr(&g->as, w64, r, ts->reg);
        }
        break;
    case X64_LOC_CONST:
        x64_movi(&g->as, w64, r, ts->val, true);
        break;
    default: {
        if (ts->loc == X64_LOC_DEAD && g->f->temps[t].kind == IR_TEMP_NORMAL) {
            x64_fail(g, "op %u: temp %u read before it is written", g->cur_op, t);
        }
        int base;
        int32_t disp = x64_temp_home(g, t, &base);
        x64_load(&g->as, w64 ? 8 : 4, false, w64, r, base, -1, disp);
        break;
    }
    }
}

int x64_temp_reg(X64Gen *g, IrTemp t, uint16_t allowed)
{
    X64Temp *ts = &g->temps[t];
    if (ts->loc == X64_LOC_REG) {
        if (allowed & X64_REG_BIT(ts->reg)) {
            g->locked |= X64_REG_BIT(ts->reg);
            return ts->reg;
        }
        int r = x64_reg_alloc(g, allowed);
        x64_mov_rr(&g->as, true, r, ts->reg);
        reg_release(g, ts->reg);
        ts->reg = (int8_t)r;
        g->reg_temp[r] = (int32_t)t;
        return r;
    }
    int r = x64_reg_alloc(g, allowed);
    x64_temp_copy_to(g, r, t);
    if (ts->loc != X64_LOC_CONST) {
        ts->coherent = true; /* loaded from its home */
    }
    ts->loc = X64_LOC_REG;
    ts->reg = (int8_t)r;
    g->reg_temp[r] = (int32_t)t;
    return r;
}

void x64_temp_free(X64Gen *g, IrTemp t)
{
    X64Temp *ts = &g->temps[t];
    if (ts->loc == X64_LOC_REG && g->reg_temp[ts->reg] == (int32_t)t) {
        reg_release(g, ts->reg);
    }
    ts->loc = X64_LOC_DEAD;
    ts->coherent = false;
    if (ts->slot >= 0 && g->f->temps[t].kind == IR_TEMP_NORMAL) {
        slot_free(g, ts->slot);
        ts->slot = -1;
    }
}

void x64_temp_set_reg(X64Gen *g, IrTemp t, int r)
{
    X64Temp *ts = &g->temps[t];
    if (ts->loc == X64_LOC_REG && ts->reg != r && g->reg_temp[ts->reg] == (int32_t)t) {
        reg_release(g, ts->reg);
    }
    int32_t old = g->reg_temp[r];
    if (old >= 0 && old != (int32_t)t) {
        /* Only a dead input may be overwritten; anything else is a bug. */
        x64_fail(g, "op %u: output overwrites live temp %d", g->cur_op, old);
    }
    g->reg_temp[r] = (int32_t)t;
    ts->loc = X64_LOC_REG;
    ts->reg = (int8_t)r;
    ts->coherent = false;
}

void x64_temp_set_const(X64Gen *g, IrTemp t, uint64_t val)
{
    X64Temp *ts = &g->temps[t];
    if (ts->loc == X64_LOC_REG && g->reg_temp[ts->reg] == (int32_t)t) {
        reg_release(g, ts->reg);
    }
    ts->loc = X64_LOC_CONST;
    ts->val = x64_temp_w64(g, t) ? val : (uint32_t)val;
    ts->coherent = false;
}

/* ---- per op ------------------------------------------------------------------ */

static void op_ranges(const X64Gen *g, unsigned *o0, unsigned *o1, unsigned *i0, unsigned *i1)
{
    arg_ranges(&g->f->ops[g->cur_op], o0, o1, i0, i1);
}

void x64_inputs_done(X64Gen *g)
{
    if (g->inputs_freed) {
        return;
    }
    g->inputs_freed = true;
    const IrOp *op = &g->f->ops[g->cur_op];
    unsigned o0, o1, i0, i1;
    op_ranges(g, &o0, &o1, &i0, &i1);
    for (unsigned k = i0; k < i1; k++) {
        if (x64_arg_dies(g, k)) {
            x64_temp_free(g, (IrTemp)op->args[k]);
        }
    }
}

void x64_op_done(X64Gen *g)
{
    x64_inputs_done(g);
    const IrOp *op = &g->f->ops[g->cur_op];
    unsigned o0, o1, i0, i1;
    op_ranges(g, &o0, &o1, &i0, &i1);
    for (unsigned k = o0; k < o1; k++) {
        if (x64_arg_dies(g, k)) {
            x64_temp_free(g, (IrTemp)op->args[k]);
        }
    }
    g->locked = 0;
}

/* ---- boundaries ------------------------------------------------------------- */

void x64_sync_all(X64Gen *g, bool locals)
{
    uint32_t n = locals ? g->f->ntemps : g->f->nglobals;
    for (uint32_t t = 0; t < n; t++) {
        uint8_t kind = g->f->temps[t].kind;
        if (kind == IR_TEMP_GLOBAL || (locals && kind == IR_TEMP_LOCAL)) {
            x64_temp_sync(g, t);
        }
    }
}

void x64_forget_all(X64Gen *g)
{
    for (uint32_t t = 0; t < g->f->ntemps; t++) {
        X64Temp *ts = &g->temps[t];
        if (g->f->temps[t].kind == IR_TEMP_NORMAL) {
            x64_temp_free(g, t);
            continue;
        }
        if (ts->loc == X64_LOC_REG) {
            reg_release(g, ts->reg);
        }
        ts->loc = X64_LOC_MEM;
        ts->coherent = true;
    }
}

void x64_bb_end(X64Gen *g)
{
    for (uint32_t t = g->f->nglobals; t < g->f->ntemps; t++) {
        if (g->f->temps[t].kind == IR_TEMP_NORMAL) {
            x64_temp_free(g, t);
        }
    }
}

void x64_evict_caller_saved(X64Gen *g, bool globals_to_home)
{
    for (int r = 0; r < 16; r++) {
        int32_t t = g->reg_temp[r];
        if (t < 0 || !(X64_CALLER_SAVED & X64_REG_BIT(r))) {
            continue;
        }
        int to = -1;
        if (!(globals_to_home && x64_is_global(g, (IrTemp)t))) {
            for (int i = 0; i < X64_NALLOC; i++) {
                int c = x64_alloc_order[i];
                if (!(X64_CALLER_SAVED & X64_REG_BIT(c)) && g->reg_temp[c] < 0 &&
                    !(g->locked & X64_REG_BIT(c))) {
                    to = c;
                    break;
                }
            }
        }
        if (to < 0) {
            x64_temp_spill(g, (IrTemp)t);
            continue;
        }
        x64_mov_rr(&g->as, true, to, r);
        g->temps[t].reg = (int8_t)to;
        g->reg_temp[to] = t;
        reg_release(g, r);
    }
}

void x64_env_access(X64Gen *g, int32_t offset, unsigned size, bool write)
{
    for (uint32_t t = 0; t < g->f->nglobals; t++) {
        int32_t go = g->f->temps[t].offset;
        int32_t gs = x64_temp_w64(g, t) ? 8 : 4;
        if (offset < go + gs && go < offset + (int32_t)size) {
            if (write) {
                x64_temp_spill(g, t);
                g->temps[t].loc = X64_LOC_MEM;
            } else {
                x64_temp_sync(g, t);
            }
        }
    }
}
