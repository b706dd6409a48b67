/*
 * opt_dce.c — dead code: ops whose results nobody reads, global writes that
 * are overwritten before anyone can see them, and ops that cannot run.
 *
 * Both passes are one backward liveness sweep. Going backwards, a temp is
 * live when some later op may read it before it is written again:
 *
 *   - NORMAL temps die at every basic block boundary, so their liveness is
 *     exact within each block;
 *   - globals become live at every op that lets anything outside the IR see
 *     env: exits, ops that can fault, CALLs whose helper reads globals or
 *     can fault, and (conservatively: the other side may read them) every
 *     basic block boundary. A CALL that may write globals neither reads nor
 *     kills them: it might not write the one we track;
 *   - LOCAL temps cross labels, possibly backwards (loops inside a TB), so
 *     rather than solve dataflow over the block graph they are simply live
 *     everywhere if any op reads them, and dead everywhere otherwise.
 *
 * An op with no effect beyond its outputs, all of them dead, becomes a NOP.
 * opt_dead_globals runs the same sweep but treats every non-global temp as
 * live, so it only removes global writes: chiefly the lazy-flag globals x86
 * code sets on nearly every instruction and reads rarely.
 */
#include "translator/opt_internal.h"

#include <stdlib.h>
#include <string.h>

/*
 * Backward sweep over f; only_globals: delete only ops whose outputs are all
 * globals. Returns whether another sweep may delete more: an op deleted here
 * read a LOCAL temp, which may now have no reader left.
 */
static bool sweep(IrFunc *f, bool only_globals)
{
    uint8_t *live = malloc(f->ntemps);
    uint8_t *pinned = calloc(f->ntemps, 1); /* live everywhere */
    bool again = false;
    if (!live || !pinned) {
        goto out;
    }
    if (only_globals) {
        memset(pinned + f->nglobals, 1, f->ntemps - f->nglobals);
    } else {
        /* LOCAL temps read by any op stay live throughout. */
        for (uint32_t i = 0; i < f->nops; i++) {
            const IrOp *op = &f->ops[i];
            if (op->opc == IR_NOP) {
                continue;
            }
            OpTemps ot = opt_op_temps(op);
            for (unsigned k = 0; k < ot.nin; k++) {
                IrTemp t = (IrTemp)op->args[ot.in_first + k];
                if (f->temps[t].kind == IR_TEMP_LOCAL) {
                    pinned[t] = 1;
                }
            }
        }
    }
    /* Past the end, only globals matter (the func ends in an exit). */
    for (uint32_t t = 0; t < f->ntemps; t++) {
        live[t] = t < f->nglobals || pinned[t];
    }

    for (uint32_t i = f->nops; i-- > 0;) {
        IrOp *op = &f->ops[i];
        if (op->opc == IR_NOP) {
            continue;
        }
        if (opt_op_bb_boundary(op)) {
            /* Entering the next block (or the target): NORMAL temps are dead
             * there and globals must be in env. */
            for (uint32_t t = 0; t < f->ntemps; t++) {
                if (t < f->nglobals) {
                    live[t] = 1;
                } else if (f->temps[t].kind == IR_TEMP_NORMAL) {
                    live[t] = pinned[t];
                }
            }
        }
        OpTemps ot = opt_op_temps(op);
        bool removable = opt_op_removable(op);
        for (unsigned k = 0; k < ot.nout && removable; k++) {
            IrTemp t = (IrTemp)op->args[ot.out_first + k];
            removable = !live[t] && !(only_globals && t >= f->nglobals);
        }
        if (removable) {
            for (unsigned k = 0; k < ot.nin; k++) {
                again |= f->temps[op->args[ot.in_first + k]].kind == IR_TEMP_LOCAL;
            }
            opt_make_nop(op);
            continue;
        }
        /* Outputs are written after the inputs are read: kill, then gen. */
        for (unsigned k = 0; k < ot.nout; k++) {
            IrTemp t = (IrTemp)op->args[ot.out_first + k];
            live[t] = pinned[t];
        }
        for (unsigned k = 0; k < ot.nin; k++) {
            live[op->args[ot.in_first + k]] = 1;
        }
        if (opt_op_observes_globals(op)) {
            memset(live, 1, f->nglobals);
        }
    }
out:
    free(live);
    free(pinned);
    return again && !only_globals;
}

/*
 * Ops after an unconditional BR or an exit, up to the next LABEL, never run:
 * delete them all, side effects or not.
 */
static void delete_unreachable(IrFunc *f)
{
    bool reachable = true;
    for (uint32_t i = 0; i < f->nops; i++) {
        IrOp *op = &f->ops[i];
        if (op->opc == IR_LABEL) {
            reachable = true;
        } else if (!reachable) {
            opt_make_nop(op);
        } else if (op->opc == IR_BR || (ir_op_defs[op->opc].flags & IR_OPF_EXIT)) {
            reachable = false;
        }
    }
}

void opt_dead_code(IrFunc *f)
{
    if (f->oom || f->ntemps == 0) {
        return;
    }
    delete_unreachable(f);
    /* Deleting the last read of a LOCAL temp unpins it: sweep until stable
     * (NORMAL temps and globals settle in one sweep). */
    while (sweep(f, false)) {
    }
}

void opt_dead_globals(IrFunc *f)
{
    if (f->oom || f->ntemps == 0) {
        return;
    }
    sweep(f, true);
}
