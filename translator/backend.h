/*
 * backend.h — the contract between the translator and a code generator.
 *
 * A backend turns one optimized IrFunc into host code in the code buffer,
 * runs it, and patches the jumps that chain TBs. rx86 has three: the x86-64
 * JIT (backend-x86/), the AArch64 JIT (backend-arm64/) and the portable IR
 * interpreter (translator/interp_backend.c), which "generates" a copy of the
 * IR and runs it. One is chosen at start-up (-accel tcg,backend=...).
 *
 * What the generated code may assume about the CPU state (env) is given by
 * BackendConfig: where the globals, the soft TLB, the jump cache and the
 * exit flag are, and which functions handle slow memory accesses. Nothing
 * else of the guest is visible here.
 */
#ifndef RX86_TRANSLATOR_BACKEND_H
#define RX86_TRANSLATOR_BACKEND_H

#include "translator/ir.h"
#include "translator/tb.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Layout of the CPU state for generated code. Offsets are from env (the
 * first argument of exec, kept in a host register for the whole TB).
 *
 * Soft TLB (softmmu/tlb.h): the table for MMU index i starts at
 * env + tlb_table + i * tlb_table_stride; entry e of it at
 * + e * tlb_entry_size, e = (la >> tlb_page_bits) & (tlb_entries - 1).
 * A QLD of size s hits when
 *     ((la + s - 1) & ~(page_size - 1)) == entry[tlb_off_read]
 * (for QST: tlb_off_write), an exact 64-bit compare: flag bits in an
 * entry's low bits and non-canonical addresses never match. The host
 * address is la + entry[tlb_off_addend]. On a miss the backend calls
 * load_slow/store_slow, which do the whole access (load_slow returns the
 * value zero-extended from its size; the caller sign-extends for
 * IR_MO_SIGN), refill the TLB, and
 * may raise a guest exception (longjmp) after the backend has written the
 * dirty globals and the instruction's guest PC (at fault_pc) to env.
 */
typedef struct BackendConfig {
    int32_t exit_request; /* uint32_t: nonzero = leave at the next TB entry */
    int32_t fault_pc;     /* uint64_t: guest PC of the instruction that may fault */
    int32_t jmp_cache;    /* TranslationBlock *[TB_JMP_CACHE_SIZE] */
    int32_t tlb_table;
    int32_t tlb_table_stride;
    int32_t tlb_entry_size;
    int32_t tlb_entries;
    int32_t tlb_page_bits;
    int32_t tlb_off_read, tlb_off_write, tlb_off_addend;
    IrLoadFn load_slow;
    IrStoreFn store_slow;
    /* For the checking mode and interpreter: nothing else. */
} BackendConfig;

/* What gen reports. */
typedef enum BackendGenResult {
    BACKEND_GEN_OK = 0,
    BACKEND_GEN_FULL = 1,  /* out of code space: flush the cache and retry */
    BACKEND_GEN_ERROR = 2, /* an IR the backend cannot compile (a bug: message in err) */
} BackendGenResult;

struct Backend {
    const char *name; /* "x86-64", "arm64", "interp" */

    /* Prepare: emit the entry/exit trampolines into the reserved start of
     * cb (setting cb->reserved), keep cfg. Returns 0 or -errno. */
    int (*init)(void **state, const BackendConfig *cfg, CodeBuffer *cb);
    void (*destroy)(void *state);

    /* Compile f for tb at cb->used: fill tb->code, code_size and the
     * jmp_*_offset fields, advance cb->used. */
    BackendGenResult (*gen)(void *state, const IrFunc *f, TranslationBlock *tb, CodeBuffer *cb,
                            char *err, size_t errlen);

    /* Run tb on env until a TB exits to the loop. Returns the last TB that
     * ran, as a pointer or'ed with its IR_EXIT_* code. */
    uintptr_t (*exec)(void *state, void *env, TranslationBlock *tb);

    /* Point tb's slot at dst (dst NULL: back at its reset path). One atomic
     * store of the jump plus an instruction-cache flush. */
    void (*patch_jump)(void *state, CodeBuffer *cb, TranslationBlock *tb, int slot,
                       const TranslationBlock *dst);

    /* Print host code [code, code+size) for -d out_asm (Capstone). */
    void (*disas)(void *state, FILE *out, const void *code, size_t size);
};

extern const Backend backend_interp; /* translator/interp_backend.c */
#if defined(__x86_64__)
extern const Backend backend_x86_64; /* backend-x86/ */
#endif

#endif
