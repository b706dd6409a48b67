/*
 * lift_jit.h — the lift_machine.h machine run by the x86-64 JIT instead of
 * the interpreter: each TB lifted, optimized, generated into an emptied
 * code buffer and run (no chaining: every exit comes back here). For tests
 * that compare the two against the host (sse_host_test.c, sha_test.c).
 * Include after lift_machine.h, on x86-64 hosts only.
 */
#ifndef RX86_TESTS_UNIT_LIFT_JIT_H
#define RX86_TESTS_UNIT_LIFT_JIT_H

#include "translator/backend.h"
#include "translator/tb.h"

#include <setjmp.h>
#include <stdio.h>

static CodeBuffer jit_code;
static void *jit_state;

static inline bool jit_init(void)
{
    BackendConfig cfg;
    cpu_backend_config(&cfg);
    return code_buffer_init(&jit_code, 4u << 20) == 0 &&
           backend_x86_64.init(&jit_state, &cfg, &jit_code) == 0;
}

/* Run from env.rip until it reaches end: -1, or the exception vector that
 * stopped it, or 255 (no progress in 2000 blocks, or the JIT failed). */
static inline int run_until_jit(uint64_t end)
{
    static TranslationBlock tb;
    for (volatile unsigned steps = 0; steps < 2000; steps++) {
        if (env.rip == end) {
            return -1;
        }
        if (lift_here(&tb) < 0) {
            return env.exception_index;
        }
        opt_run(&func);
        jit_code.used = jit_code.reserved;
        char err[160];
        if (backend_x86_64.gen(jit_state, &func, &tb, &jit_code, err, sizeof(err)) !=
            BACKEND_GEN_OK) {
            fprintf(stderr, "JIT: %s\n", err);
            return 255;
        }
        if (sigsetjmp(env.exec.jmp, 1) != 0) {
            return env.exception_index;
        }
        backend_x86_64.exec(jit_state, &env, &tb);
    }
    return 255;
}

#endif
