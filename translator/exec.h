/*
 * exec.h — the execution loop: find or translate the TB for the CPU's
 * current state, run it, chain it to its successor, and between TBs let the
 * guest CPU take exceptions and interrupts.
 *
 * The loop is guest-neutral. What it needs from the guest CPU model it asks
 * through the guest_* hooks below, which the frontend implements
 * (frontend/cpu_exec.c). The CPU state embeds an ExecState; the generated
 * code reaches its fields through BackendConfig offsets.
 *
 * Exceptions: exec_cpu() holds the only setjmp site of rx86. A helper or a
 * slow memory access that raises a guest exception records it in the CPU
 * state, restores the guest PC of the faulting instruction from fault_pc,
 * and calls exec_raise(), which longjmps back here.
 */
#ifndef RX86_TRANSLATOR_EXEC_H
#define RX86_TRANSLATOR_EXEC_H

#include "translator/backend.h"
#include "translator/ir.h"
#include "translator/tb.h"

#include <setjmp.h>
#include <stdatomic.h>
#include <stdio.h>

/* -d items (the bits of ExecState.log_mask) */
#define LOG_IN_ASM 0x01  /* guest code of each new TB */
#define LOG_OP 0x02      /* IR before optimization */
#define LOG_OP_OPT 0x04  /* IR after optimization */
#define LOG_OUT_ASM 0x08 /* host code */
#define LOG_EXEC 0x10    /* each TB run ("Trace 0: ... [pc/flags]") */
#define LOG_INT 0x20     /* interrupts and exceptions */
#define LOG_CPU 0x40     /* register dump before each TB (QEMU's format) */
#define LOG_NOCHAIN 0x80 /* do not chain TBs (so exec shows every TB) */
#define LOG_ICOUNT 0x100 /* count guest instructions (implies nochain); printed at exit */

typedef struct ExecState {
    /* read by generated code (BackendConfig) */
    _Atomic uint32_t exit_request; /* set by exec_kick: leave at the next TB entry */
    uint32_t pad;
    uint64_t fault_pc; /* guest PC of the instruction whose op may fault */
    TranslationBlock *jmp_cache[TB_JMP_CACHE_SIZE];

    /* the loop's own */
    void *env;            /* the CPU state this is part of */
    TbCache *cache;
    IrFunc ir;            /* scratch for translation (globals registered once) */
    uint32_t cflags_next; /* nonzero: cflags of the next TB only (SMC restart) */
    uint32_t cur_cflags;  /* cflags of the TB running */
    bool flush_request;   /* drop every TB once out of generated code (exec_request_flush) */
    sigjmp_buf jmp;
    bool check_mode;      /* -accel tcg,check=on: run every TB under both backends, compare */
    struct ExecCheck *check; /* the checking mode's state (translator/check.c) */
    size_t env_size;      /* bytes of the CPU state (the checking mode copies it) */

    FILE *log;            /* -D file, or stderr */
    unsigned log_mask;    /* LOG_* */
    uint64_t tbs_run;     /* statistics */
    uint64_t insns_run;   /* guest instructions, counted with LOG_ICOUNT */
} ExecState;

/* What exec_cpu returns. */
typedef enum ExecStop {
    EXEC_STOP_KICKED, /* exit_request seen: the accelerator decides what next */
    EXEC_STOP_HALTED, /* HLT with nothing pending: sleep until an interrupt */
} ExecStop;

/* Set up es for env; the globals are registered in es->ir (guest_init_ir). */
int exec_init(ExecState *es, void *env, TbCache *cache) __attribute__((warn_unused_result));
void exec_destroy(ExecState *es);

/* Run the vCPU until it is kicked or halts. */
ExecStop exec_cpu(ExecState *es);

/* Ask for every TB to be dropped as soon as no generated code runs (from
 * a helper of this vCPU: what translations assumed has changed, such as
 * the debug registers' instruction breakpoints). */
void exec_request_flush(ExecState *es);

/* Make exec_cpu return soon (any thread). */
void exec_kick(ExecState *es);

/* Leave generated code for the loop: the guest state in env is already what
 * the exception handling needs (a guest exception is recorded, or nothing is
 * pending and the next TB starts at the current PC). */
__attribute__((noreturn)) void exec_raise(ExecState *es);

/* The checking mode (translator/check.c): keep the IR of each TB the JIT
 * compiles (exec_check_keep_ir, at translation), then run a TB through the
 * interpreter on a copy of the CPU state before the JIT runs it for real,
 * and compare (exec_check_before / exec_check_after). A mismatch prints both
 * states and the TB's IR, and ends rx86 with status 3. */
void exec_check_keep_ir(ExecState *es, TranslationBlock *tb, const IrFunc *f);
void exec_check_before(ExecState *es, TranslationBlock *tb);
void exec_check_after(ExecState *es, TranslationBlock *tb, unsigned code);
/* exec_cpu got control back by longjmp while a checked TB ran. */
void exec_check_abort(ExecState *es);
void exec_check_destroy(ExecState *es);

/* Forget every jump cache entry (TLB flushes, mode changes). */
void exec_jmp_cache_clear(ExecState *es);

/* ---- hooks the guest CPU model provides (frontend/) --------------------- */

/* Register the guest globals into f (once). */
void guest_init_ir(IrFunc *f);
/* The key of the TB to run now: linear PC, CS base, mode flags. */
void guest_tb_key(void *env, uint64_t *pc, uint64_t *cs_base, uint32_t *flags);
/* The physical address of code at linear pc, or -1 with an exception
 * recorded in env (a #PF on fetch). */
uint64_t guest_code_phys(void *env, uint64_t pc);
/* Lift the TB at tb->pc (key and cflags filled in) into f (after
 * ir_func_reset): fills tb->size, icount, page_addr. Returns 0, or -1 when
 * the first instruction cannot be fetched (exception recorded in env). */
int guest_translate(void *env, IrFunc *f, TranslationBlock *tb, unsigned max_insns);
/* Between TBs: deliver a recorded exception, then a pending interrupt if the
 * CPU accepts one now. Returns false if the CPU is halted with nothing to do. */
bool guest_process_events(void *env);
/* For the checking mode: the host address of size bytes of plain guest RAM
 * at linear la for a data access with mmu_idx (write: for a store), or NULL
 * when they are not plain RAM (MMIO, no translation, a page crossing).
 * Never raises; may fill the TLB and set accessed/dirty bits. */
void *guest_ram_ptr(void *env, uint64_t la, unsigned size, unsigned mmu_idx, bool write);
/* Log the guest state in QEMU's -d cpu format. */
void guest_dump_state(void *env, FILE *out);
/* Print the guest instructions of tb (-d in_asm). */
void guest_log_in_asm(void *env, FILE *out, const TranslationBlock *tb);

#endif
