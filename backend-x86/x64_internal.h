/*
 * x64_internal.h — what the files of the x86-64 backend share: the
 * backend state, the frame layout of generated code, and the code
 * generator's context with its register allocator.
 *
 * Generated code runs inside the frame the entry trampoline builds:
 *
 *     [rsp + X64_SAVE_OFF]   caller-saved registers, saved by slow paths
 *     [rsp + X64_SPILL_OFF]  spill slots for NORMAL and LOCAL temps
 *
 * rsp stays 16-byte aligned for the whole TB, so helpers are called
 * without adjusting it. rbp holds env for the whole TB.
 */
#ifndef RX86_BACKEND_X86_X64_INTERNAL_H
#define RX86_BACKEND_X86_X64_INTERNAL_H

#include "backend-x86/x64_emit.h"
#include "translator/backend.h"
#include "translator/ir.h"
#include "translator/tb.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Host features the code generator may use (CPUID, SDM Vol. 2A CPUID). */
#define X64_FEAT_LZCNT 0x1  /* CPUID.80000001H:ECX.ABM[bit 5] */
#define X64_FEAT_TZCNT 0x2  /* CPUID.(EAX=07H,ECX=0):EBX.BMI1[bit 3] */
#define X64_FEAT_POPCNT 0x4 /* CPUID.01H:ECX.POPCNT[bit 23] */

#define X64_ENV_REG X64_RBP
#define X64_SAVE_OFF 0
#define X64_SPILL_OFF 72 /* after 9 caller-saved registers */
#define X64_SPILL_SLOTS 512
/* 6 pushes + the return address + the frame keep rsp 16-byte aligned. */
#define X64_FRAME_SIZE (X64_SPILL_OFF + X64_SPILL_SLOTS * 8)
_Static_assert((56 + X64_FRAME_SIZE) % 16 == 0, "frame keeps rsp 16-byte aligned");

/* Registers the allocator hands out, in order of preference: callee-saved
 * ones first (they survive helper calls), RAX/RCX/RDX last (MUL, shifts
 * and calls want them). */
#define X64_NALLOC 14
extern const int8_t x64_alloc_order[X64_NALLOC];
#define X64_REG_BIT(r) ((uint16_t)(1u << (r)))
#define X64_CALLER_SAVED                                                                           \
    (X64_REG_BIT(X64_RAX) | X64_REG_BIT(X64_RCX) | X64_REG_BIT(X64_RDX) | X64_REG_BIT(X64_RSI) |   \
     X64_REG_BIT(X64_RDI) | X64_REG_BIT(X64_R8) | X64_REG_BIT(X64_R9) | X64_REG_BIT(X64_R10) |     \
     X64_REG_BIT(X64_R11))
#define X64_ALLOCATABLE (0xffffu & ~X64_REG_BIT(X64_RSP) & ~X64_REG_BIT(X64_RBP))

typedef struct X64State {
    BackendConfig cfg;
    unsigned features;    /* X64_FEAT_* */
    size_t enter_off;     /* in the code buffer: uintptr_t enter(void *env, void *code) */
    size_t epilogue_off;  /* restores the host frame and returns rax */
    const uint8_t *rx;    /* the code buffer's executable view */
    unsigned entry_shift; /* tlb_page_bits - log2(tlb_entry_size) */
} X64State;

/* backend.h declares it on x86-64 hosts only; the golden tests use it on any. */
extern const Backend backend_x86_64;

/* Restrict the code generator to features (tests use it to cover both
 * paths of CLZ/CTZ/CTPOP). */
void x64_backend_set_features(void *state, unsigned features);

/* Where a temp's value is (TCG's model). */
enum {
    X64_LOC_DEAD,  /* no value */
    X64_LOC_REG,   /* in reg */
    X64_LOC_MEM,   /* only in its home (env field or frame slot) */
    X64_LOC_CONST, /* the constant val, in no register */
};

typedef struct X64Temp {
    uint8_t loc;
    int8_t reg;
    bool coherent; /* the home holds the value too */
    int32_t slot;  /* frame offset of a non-global's home, -1 until needed */
    uint64_t val;
} X64Temp;

/* A dirty global a slow path writes to env before calling out. */
typedef struct X64Dirty {
    int32_t offset;
    int8_t reg; /* -1: the constant val */
    uint8_t type;
    uint64_t val;
} X64Dirty;

/* An out-of-line QLD/QST miss path, emitted after the TB body. */
typedef struct X64Slow {
    uint32_t label, back;
    bool store;
    uint8_t memop, mmu_idx, type;
    int8_t addr_reg, data_reg;
    uint16_t save_mask; /* caller-saved registers live across the call */
    uint64_t pc;
    uint32_t dirty_start, ndirty;
} X64Slow;

typedef struct X64Gen {
    X64Asm as;
    const X64State *st;
    const IrFunc *f;
    TranslationBlock *tb;
    size_t code_start;

    X64Temp *temps;
    int32_t reg_temp[16]; /* temp a register holds, or -1 */
    uint16_t locked;      /* registers the current op uses */
    uint32_t *dead;       /* per op: bit k set when args[k] is not used after the op */
    uint32_t cur_op;
    bool inputs_freed;
    uint64_t slot_used[X64_SPILL_SLOTS / 64];

    uint32_t *ir_labels; /* IrLabel -> assembler label */
    uint32_t exit_request_label;
    uint64_t pc; /* guest PC of the current instruction (latest INSN_START) */
    /* An i64 op run in its 32-bit form (its output zero-extended), so the
     * EXT32U right after it is a move; zext_op is UINT32_MAX when none. */
    uint32_t zext_op;
    IrTemp zext_temp;

    X64Slow *slow;
    uint32_t nslow, slow_cap;
    X64Dirty *dirty;
    uint32_t ndirty, dirty_cap;

    bool failed;
    char *err;
    size_t errlen;
} X64Gen;

/* ---- x64_regalloc.c ------------------------------------------------------- */

void x64_fail(X64Gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The backward pass: fill g->dead. Returns false when out of memory. */
bool x64_liveness(X64Gen *g);
static inline bool x64_arg_dies(const X64Gen *g, unsigned k)
{
    return (g->dead[g->cur_op] >> k) & 1;
}
static inline bool x64_is_global(const X64Gen *g, IrTemp t)
{
    return t < g->f->nglobals;
}
static inline bool x64_temp_w64(const X64Gen *g, IrTemp t)
{
    return g->f->temps[t].type == IR_I64;
}
static inline bool x64_is_const(const X64Gen *g, IrTemp t, uint64_t *val)
{
    if (g->temps[t].loc == X64_LOC_CONST) {
        *val = g->temps[t].val;
        return true;
    }
    return false;
}

/* A free register of allowed (spilling one if needed), locked for the op. */
int x64_reg_alloc(X64Gen *g, uint16_t allowed);
/* Move whatever r holds elsewhere (another register, else its home). */
void x64_reg_evict(X64Gen *g, int r);
/* t in a register of allowed, locked for the op. */
int x64_temp_reg(X64Gen *g, IrTemp t, uint16_t allowed);
/* Write t's value into r (not changing where t is). */
void x64_temp_copy_to(X64Gen *g, int r, IrTemp t);
/* Bring t's home up to date; then, for spill, drop its register. */
void x64_temp_sync(X64Gen *g, IrTemp t);
void x64_temp_spill(X64Gen *g, IrTemp t);
/* t's home: base register and displacement. */
int32_t x64_temp_home(X64Gen *g, IrTemp t, int *base);
/* t now holds the value in r (an op's output). */
void x64_temp_set_reg(X64Gen *g, IrTemp t, int r);
/* t now holds the constant val. */
void x64_temp_set_const(X64Gen *g, IrTemp t, uint64_t val);
/* Forget t's value (register and, for NORMAL temps, slot). */
void x64_temp_free(X64Gen *g, IrTemp t);
/* Free the inputs of the current op that die in it (once per op). */
void x64_inputs_done(X64Gen *g);
/* After an op: free outputs nobody reads, unlock. */
void x64_op_done(X64Gen *g);

/* Basic block boundaries. sync: write dirty globals (and LOCAL temps when
 * locals) to their homes. forget: every global and LOCAL temp back to its
 * home only. NORMAL temps die in x64_bb_end. */
void x64_sync_all(X64Gen *g, bool locals);
void x64_forget_all(X64Gen *g);
void x64_bb_end(X64Gen *g);
/* Before a helper call: empty the caller-saved registers. */
void x64_evict_caller_saved(X64Gen *g, bool globals_to_home);
/* Globals a store to env [offset, offset+size) overlaps: sync (and for
 * write, forget) them first. */
void x64_env_access(X64Gen *g, int32_t offset, unsigned size, bool write);

/* ---- x64_codegen.c -------------------------------------------------------- */

void x64_gen_op(X64Gen *g, const IrOp *op);
void x64_gen_slow_paths(X64Gen *g);
/* mov rax, tb | code; jmp epilogue */
void x64_gen_exit(X64Gen *g, unsigned code);

#endif
