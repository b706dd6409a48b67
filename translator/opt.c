/*
 * opt.c — the optimizer's driver: the order the passes run in, and dropping
 * the NOPs they leave behind.
 *
 * The order: folding first (it turns ops into MOVIs and MOVs), then copy
 * propagation (reads move to the copies' sources, which may be constants the
 * second fold can use), then the known-bits pass (extensions that change
 * nothing become MOVs, which a second copy propagation looks through), the
 * second fold, then the dead-global sweep (the lazy-flag writes),
 * then general dead code (including the MOVs and MOVIs nobody reads now),
 * and last the compaction. Builds with RX86_IR_VERIFY (Debug, Sanitize)
 * check the input and the result of every pass and stop at the first pass
 * that breaks the IR, naming it.
 */
#include "translator/ir.h"

#include <stdio.h>
#include <stdlib.h>

void ir_compact(IrFunc *f)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->nops; i++) {
        if (f->ops[i].opc != IR_NOP) {
            f->ops[n++] = f->ops[i];
        }
    }
    f->nops = n;
}

#ifdef RX86_IR_VERIFY
static void verify_after(const IrFunc *f, const char *pass)
{
    char err[256];
    if (!ir_verify(f, err, sizeof(err))) {
        fprintf(stderr, "rx86: IR invalid after %s: %s\n", pass, err);
        ir_print(f, stderr);
        abort();
    }
}
#else
static void verify_after(const IrFunc *f, const char *pass)
{
    (void)f;
    (void)pass;
}
#endif

void opt_run(IrFunc *f)
{
    if (f->oom) {
        return;
    }
    verify_after(f, "translation (before any pass)");
    opt_constant_fold(f);
    verify_after(f, "opt_constant_fold");
    opt_copy_propagate(f);
    verify_after(f, "opt_copy_propagate");
    opt_known_bits(f);
    verify_after(f, "opt_known_bits");
    opt_copy_propagate(f);
    verify_after(f, "opt_copy_propagate (second)");
    opt_constant_fold(f);
    verify_after(f, "opt_constant_fold (second)");
    opt_dead_globals(f);
    verify_after(f, "opt_dead_globals");
    opt_dead_code(f);
    verify_after(f, "opt_dead_code");
    ir_compact(f);
    verify_after(f, "ir_compact");
}
