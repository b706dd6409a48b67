/*
 * lift_machine.h — the small machine the lifter tests run guest code on:
 * RAM at 0, a CpuState in 16-, 32- or 64-bit mode, code bytes given in hex,
 * lifted with guest_translate, checked with ir_verify and executed with
 * ir_interpret (optionally after the optimizer: RX86_LIFT_TEST_OPT=1).
 * Shared by lift_test.c (snippets) and lift_flags_test.c (the condition
 * table); one test program includes it once.
 */
#ifndef RX86_TESTS_UNIT_LIFT_MACHINE_H
#define RX86_TESTS_UNIT_LIFT_MACHINE_H

#include "check.h"

#include "frontend/cpu.h"
#include "frontend/helpers.h"
#include "softmmu/memory.h"
#include "translator/ir.h"

#include <setjmp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE (2u << 20)
#define CODE 0x1000u  /* IP/EIP/RIP of the snippets (CS base 0 unless a test sets it) */
#define DATA 0x3000u  /* rBX points here in the condition tests */
#define STACK 0x8000u /* rSP */

static AddressSpace mem;
static uint8_t *ram;
static CodePages code_pages;
static CpuState env;
static IrFunc func;
static bool optimize;
static int mode_bits;
static uint32_t test_cflags;
static unsigned tbs_run;

/* ---- the machine ----------------------------------------------------------- */

static inline void set_mode(int bits)
{
    cpu_reset(&env);
    memset(env.regs, 0, sizeof(env.regs)); /* reset leaves the signature in EDX */
    mode_bits = bits;
    for (int i = 0; i < SEG_COUNT; i++) {
        env.segs[i].base = 0;
        env.segs[i].selector = 0;
        env.segs[i].limit = 0xffffffffu;
    }
    env.rip = CODE;
    env.regs[R_ESP] = STACK;
    env.cr[0] = bits == 16 ? 0 : CR0_PE;
    env.eflags = EFLAGS_FIXED1;
    env.cc_op = CC_OP_EFLAGS;
    env.cc_src = 0;
    env.df = 1;
    /* hflags as the mode implies, paging off (code fetch is identity) */
    if (bits == 16) {
        env.hflags = 0;
    } else if (bits == 32) {
        env.hflags = HF_PE | HF_CS32 | HF_SS32;
    } else {
        env.efer = EFER_LME | EFER_LMA;
        env.hflags = HF_PE | HF_LMA | HF_CS64 | HF_CS32 | HF_SS32;
    }
    env.exception_index = -1;
    tlb_flush_all(&env.tlb);
    memset(ram, 0, RAM_SIZE);
    test_cflags = 0;
}

/* Put hex bytes ("b8 01 00 00 00") at linear address at; returns the count. */
static inline unsigned put_hex(uint64_t at, const char *hex)
{
    unsigned n = 0;
    while (*hex) {
        if (*hex == ' ') {
            hex++;
            continue;
        }
        unsigned v;
        if (sscanf(hex, "%2x", &v) != 1) {
            abort();
        }
        ram[at + n++] = (uint8_t)v;
        hex += 2;
    }
    return n;
}

/* Lift the TB at the current CS:rIP into func. Returns guest_translate's
 * answer; the IR must verify. */
static inline int lift_here(TranslationBlock *tb)
{
    memset(tb, 0, sizeof(*tb));
    tb->cs_base = env.segs[R_CS].base;
    tb->pc = tb->cs_base + env.rip;
    tb->flags = env.hflags;
    tb->cflags = test_cflags;
    ir_func_reset(&func);
    int r = guest_translate(&env, &func, tb, 0);
    if (r == 0) {
        char err[200];
        bool ok = ir_verify(&func, err, sizeof(err));
        CHECK(ok);
        if (!ok) {
            fprintf(stderr, "ir_verify: %s\n", err);
            ir_print(&func, stderr);
        }
        if (optimize) {
            opt_run(&func);
        }
    }
    return r;
}

/* Run from CS:rIP until rIP reaches end: returns -1 when it did, else the
 * exception vector raised (or 255 on a runaway). */
static inline int run_until(uint64_t end)
{
    IrInterpEnv ie = {
        .env = &env,
        .load = cpu_load_slow,
        .store = cpu_store_slow,
        .fault_pc_offset = offsetof(CpuState, exec.fault_pc),
    };
    for (volatile unsigned steps = 0; steps < 2000; steps++) {
        if (env.rip == end) {
            return -1;
        }
        TranslationBlock tb;
        if (lift_here(&tb) < 0) {
            return env.exception_index;
        }
        if (sigsetjmp(env.exec.jmp, 1) != 0) {
            return env.exception_index;
        }
        uint64_t lookup = 0;
        ir_interpret(func.ops, func.nops, func.temps, func.ntemps, &ie, &lookup);
        tbs_run++;
    }
    return 255;
}

/* Place the snippet at CODE and run it to its end. A JMP +0 after it ends
 * the last TB there (the lifter cannot know where a snippet ends); a run
 * that completes leaves rIP after that JMP. */
static inline int run(const char *hex)
{
    unsigned n = put_hex(env.segs[R_CS].base + CODE, hex);
    put_hex(env.segs[R_CS].base + CODE + n, "eb 00");
    env.rip = CODE;
    return run_until(CODE + n + 2);
}

static inline uint64_t flags(void)
{
    return helper_cc_compute_all(&env, env.cc_op, env.cc_dst, env.cc_src, env.cc_src2);
}

static inline uint64_t rd(uint64_t pa, unsigned size)
{
    uint64_t v = 0;
    memcpy(&v, ram + pa, size);
    return v;
}

static inline void wr(uint64_t pa, uint64_t v, unsigned size)
{
    memcpy(ram + pa, &v, size);
}

#define CF EFLAGS_CF
#define PF EFLAGS_PF
#define AF EFLAGS_AF
#define ZF EFLAGS_ZF
#define SF EFLAGS_SF
#define OF EFLAGS_OF
#define ARITH (CF | PF | AF | ZF | SF | OF)

/* Build the machine; returns false (with a message) if the host is out of memory. */
static inline bool lift_machine_init(const char *test)
{
    const char *opt = getenv("RX86_LIFT_TEST_OPT");
    optimize = opt != NULL && opt[0] == '1';
    ram = calloc(1, RAM_SIZE);
    if (ram == NULL || as_init(&mem, "mem", 1ull << 32) != 0 ||
        as_add_ram(&mem, "ram", 0, RAM_SIZE, ram, 0) == NULL ||
        code_pages_init(&code_pages, RAM_SIZE) != 0) {
        fprintf(stderr, "%s: setup failed\n", test);
        return false;
    }
    cpu_init(&env, &mem, &code_pages, NULL);
    ir_func_init(&func);
    guest_init_ir(&func);
    return true;
}

static inline void lift_machine_destroy(void)
{
    ir_func_destroy(&func);
    code_pages_destroy(&code_pages);
    as_destroy(&mem);
    free(ram);
}

#endif
