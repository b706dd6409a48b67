/*
 * opt_internal.h — what the optimizer passes (opt_*.c) share: where an op's
 * output and input temps sit in args[], and what an op may do to globals.
 * The passes reason about ops only through these, so CALL's helper-defined
 * layout and flags are decoded in one place.
 */
#ifndef RX86_TRANSLATOR_OPT_INTERNAL_H
#define RX86_TRANSLATOR_OPT_INTERNAL_H

#include "translator/ir.h"

/* Outputs are args[out_first .. out_first + nout), inputs args[in_first .. in_first + nin). */
typedef struct OpTemps {
    unsigned out_first, nout;
    unsigned in_first, nin;
} OpTemps;

static inline OpTemps opt_op_temps(const IrOp *op)
{
    if (op->opc == IR_CALL) {
        const IrHelper *h = ir_call_helper(op);
        return (OpTemps){1, op->args[1] == IR_NO_TEMP ? 0 : 1, 2, h->nargs};
    }
    const IrOpDef *d = &ir_op_defs[op->opc];
    return (OpTemps){0, d->nout, d->nout, d->nin};
}

/* A CALL whose helper may read globals from env or raise a guest exception. */
static inline bool opt_call_observes_globals(const IrOp *op)
{
    uint8_t fl = ir_call_helper(op)->flags;
    return (fl & (IR_HELPER_NO_READ_GLOBALS | IR_HELPER_NO_FAULT)) !=
           (IR_HELPER_NO_READ_GLOBALS | IR_HELPER_NO_FAULT);
}

/* A CALL whose helper may write globals in env. */
static inline bool opt_call_writes_globals(const IrOp *op)
{
    return op->opc == IR_CALL && !(ir_call_helper(op)->flags & IR_HELPER_NO_WRITE_GLOBALS);
}

/*
 * Whether every global must hold its value in env when op runs: exits,
 * faulting ops, CALLs that read globals or fault, and (conservatively) every
 * basic block boundary.
 */
static inline bool opt_op_observes_globals(const IrOp *op)
{
    uint8_t fl = ir_op_defs[op->opc].flags;
    if (fl & (IR_OPF_EXIT | IR_OPF_FAULT | IR_OPF_BB_END)) {
        return true;
    }
    return op->opc == IR_CALL && opt_call_observes_globals(op);
}

/*
 * Whether op may be deleted when all its outputs are dead. A CALL only if
 * its helper is NO_SIDE and also cannot fault or write globals: a fault or a
 * write to env is an effect too, whatever the NO_SIDE flag says.
 */
static inline bool opt_op_removable(const IrOp *op)
{
    if (op->opc == IR_CALL) {
        const uint8_t need = IR_HELPER_NO_SIDE | IR_HELPER_NO_FAULT | IR_HELPER_NO_WRITE_GLOBALS;
        return (ir_call_helper(op)->flags & need) == need;
    }
    return !(ir_op_defs[op->opc].flags & IR_OPF_SIDE) && op->opc != IR_NOP;
}

/* Whether op ends the basic block it is in, or (LABEL) starts a new one. */
static inline bool opt_op_bb_boundary(const IrOp *op)
{
    return (ir_op_defs[op->opc].flags & IR_OPF_BB_END) != 0;
}

/* Turn op into a NOP (args cleared so a stale temp is never seen). */
static inline void opt_make_nop(IrOp *op)
{
    op->opc = IR_NOP;
    for (unsigned i = 0; i < IR_MAX_ARGS; i++) {
        op->args[i] = 0;
    }
}

#endif
