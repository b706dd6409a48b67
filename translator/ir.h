/*
 * ir.h — rx86's intermediate representation: what the frontend lifts guest
 * code into, what the optimizer rewrites, and what a backend (or the
 * portable interpreter) turns into execution.
 *
 * One translation block (TB) is one IrFunc: a flat array of IrOp records in
 * program order, plus a table of temps. The shape follows QEMU's TCG ops,
 * written down here as a contract:
 *
 *   - Temps are typed (i32 or i64). A GLOBAL temp is bound to a field of the
 *     CPU state (env + offset): guest registers, lazy flags, RIP. A NORMAL
 *     temp lives within one basic block (dead at every LABEL, BR, BRCOND and
 *     at the block end); a LOCAL temp keeps its value across labels inside
 *     the TB. No temp lives across TBs except globals, which are in env
 *     whenever control leaves generated code.
 *   - Ops write their outputs, read their inputs, and take constant
 *     arguments (offsets, conditions, labels, immediates) in that order in
 *     args[]. ir_op_defs[] gives the counts per opcode.
 *   - Guest memory ops (QLD/QST) take a guest *linear* address (segment base
 *     already added) in an i64 temp, a memop (size, sign) and an MMU index.
 *     They can fault. x86 order (TSO) holds for them in program order; a
 *     weakly ordered host emits what it takes to keep loads ordered with
 *     loads and stores with stores.
 *   - Every guest instruction starts with INSN_START carrying its guest PC
 *     (for x86 the EIP/RIP value, an offset in CS: what a fault restores).
 *     The frontend writes guest state only after the last op of an
 *     instruction that can fault, so when an op faults, the globals (synced
 *     to env) plus that PC are exactly the state at the instruction's start.
 *
 * Nothing here names a host or guest ISA: the interpreter can execute any
 * IrFunc on its own.
 */
#ifndef RX86_TRANSLATOR_IR_H
#define RX86_TRANSLATOR_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum IrType {
    IR_I32 = 0,
    IR_I64 = 1,
    IR_VOID = 2, /* helper return type only */
} IrType;

typedef uint32_t IrTemp; /* index into IrFunc.temps */
typedef uint32_t IrLabel;
#define IR_NO_TEMP UINT32_MAX

typedef enum IrTempKind {
    IR_TEMP_GLOBAL, /* bound to env + offset; lives everywhere */
    IR_TEMP_LOCAL,  /* lives across labels within the TB */
    IR_TEMP_NORMAL, /* dies at the end of its basic block */
} IrTempKind;

typedef struct IrTempInfo {
    uint8_t kind;    /* IrTempKind */
    uint8_t type;    /* IrType */
    uint16_t pad;
    int32_t offset;  /* GLOBAL: offset in the CPU state */
    const char *name; /* GLOBAL: "eax", "cc_dst"; NULL for others */
} IrTempInfo;

/* Comparisons of BRCOND, SETCOND and MOVCOND. TSTEQ/TSTNE test (a & b)
 * against zero. */
typedef enum IrCond {
    IR_COND_NEVER,
    IR_COND_ALWAYS,
    IR_COND_EQ,
    IR_COND_NE,
    IR_COND_LT, /* signed */
    IR_COND_GE,
    IR_COND_LE,
    IR_COND_GT,
    IR_COND_LTU, /* unsigned */
    IR_COND_GEU,
    IR_COND_LEU,
    IR_COND_GTU,
    IR_COND_TSTEQ,
    IR_COND_TSTNE,
    IR_COND_COUNT
} IrCond;

/* Memop of LD/ST/QLD/QST: size in bytes (1, 2, 4, 8) or'ed with IR_MO_SIGN
 * for a sign-extending load. Loads narrower than the op's type extend. */
#define IR_MO_SIZE_MASK 0x0fu
#define IR_MO_SIGN 0x10u

/* Exit codes a TB returns to the execution loop (low bits of the value
 * backend->exec returns, or'ed with the TranslationBlock pointer). */
enum {
    IR_EXIT_SLOT0 = 0,     /* GOTO_TB 0 was not linked: chain it */
    IR_EXIT_SLOT1 = 1,     /* GOTO_TB 1 was not linked: chain it */
    IR_EXIT_NOCHAIN = 2,   /* EXIT_TB: look the next TB up, do not chain */
    IR_EXIT_REQUESTED = 3, /* exit_request was set at TB entry: nothing ran */
    IR_EXIT_MASK = 3,
};

/*
 * The ops. IR_OP(NAME, outs, ins, consts, flags): the args[] layout is outs,
 * then ins, then consts. Types: all temps of an op have op->type unless the
 * comment says otherwise. "c:" marks constant arguments.
 */
#define IR_OPF_BB_END 0x01    /* ends a basic block (NORMAL temps die) */
#define IR_OPF_SIDE 0x02      /* has effects beyond its outputs: never deleted */
#define IR_OPF_FAULT 0x04     /* can raise a guest exception: globals must be in env */
#define IR_OPF_CALL 0x08      /* CALL: layout given by its helper */
#define IR_OPF_EXIT 0x10      /* leaves the TB: globals must be in env */

#define IR_OPS(X)                                                                                  \
    /* moves */                                                                                    \
    X(MOV, 1, 1, 0, 0)          /* d = a */                                                        \
    X(MOVI, 1, 0, 1, 0)         /* d = c:imm (truncated to type) */                                \
    /* arithmetic and logic, d = a op b */                                                         \
    X(ADD, 1, 2, 0, 0)                                                                             \
    X(SUB, 1, 2, 0, 0)                                                                             \
    X(MUL, 1, 2, 0, 0)          /* low half */                                                     \
    X(AND, 1, 2, 0, 0)                                                                             \
    X(OR, 1, 2, 0, 0)                                                                              \
    X(XOR, 1, 2, 0, 0)                                                                             \
    X(ANDC, 1, 2, 0, 0)         /* a & ~b */                                                       \
    X(SHL, 1, 2, 0, 0)          /* count b taken modulo the type's width */                        \
    X(SHR, 1, 2, 0, 0)                                                                             \
    X(SAR, 1, 2, 0, 0)                                                                             \
    X(ROTL, 1, 2, 0, 0)                                                                            \
    X(ROTR, 1, 2, 0, 0)                                                                            \
    X(NEG, 1, 1, 0, 0)                                                                             \
    X(NOT, 1, 1, 0, 0)                                                                             \
    X(MULU2, 2, 2, 0, 0)        /* lo, hi = a * b unsigned, double width */                        \
    X(MULS2, 2, 2, 0, 0)        /* lo, hi = a * b signed */                                        \
    X(CLZ, 1, 2, 0, 0)          /* d = a ? clz(a) : b */                                           \
    X(CTZ, 1, 2, 0, 0)          /* d = a ? ctz(a) : b */                                           \
    X(CTPOP, 1, 1, 0, 0)                                                                           \
    X(BSWAP, 1, 1, 1, 0)        /* d = byte-reverse of the low c:size (2,4,8) bytes, zero-ext */  \
    /* extensions within the type: d = ext(low bits of a) */                                       \
    X(EXT8S, 1, 1, 0, 0)                                                                           \
    X(EXT8U, 1, 1, 0, 0)                                                                           \
    X(EXT16S, 1, 1, 0, 0)                                                                          \
    X(EXT16U, 1, 1, 0, 0)                                                                          \
    X(EXT32S, 1, 1, 0, 0)       /* i64 only */                                                     \
    X(EXT32U, 1, 1, 0, 0)       /* i64 only */                                                     \
    /* between types (op->type is the output's type) */                                            \
    X(EXTU_I32_I64, 1, 1, 0, 0) /* d:i64 = zero-extend a:i32 */                                    \
    X(EXTS_I32_I64, 1, 1, 0, 0) /* d:i64 = sign-extend a:i32 */                                    \
    X(EXTRL_I64_I32, 1, 1, 0, 0) /* d:i32 = low half of a:i64 */                                   \
    X(EXTRH_I64_I32, 1, 1, 0, 0) /* d:i32 = high half of a:i64 */                                  \
    /* bit fields */                                                                               \
    X(DEPOSIT, 1, 2, 2, 0)      /* d = a with bits [c:pos, c:pos+c:len) from low bits of b */     \
    X(EXTRACT, 1, 1, 2, 0)      /* d = (a >> c:pos) & mask(c:len) */                               \
    X(SEXTRACT, 1, 1, 2, 0)     /* the same, sign-extended from bit c:len-1 */                     \
    /* conditions */                                                                               \
    X(SETCOND, 1, 2, 1, 0)      /* d = cond(a, b) ? 1 : 0; c:IrCond */                             \
    X(MOVCOND, 1, 4, 1, 0)      /* d = cond(c1, c2) ? v1 : v2; ins c1 c2 v1 v2; c:IrCond */        \
    /* the CPU state: env + c:offset, c:memop */                                                   \
    X(LD, 1, 0, 2, 0)                                                                              \
    X(ST, 0, 1, 2, IR_OPF_SIDE)                                                                    \
    /* guest memory: linear address a (i64); c:memop, c:mmu_idx */                                 \
    X(QLD, 1, 1, 2, IR_OPF_SIDE | IR_OPF_FAULT)                                                    \
    X(QST, 0, 2, 2, IR_OPF_SIDE | IR_OPF_FAULT) /* ins: value, address */                          \
    X(MB, 0, 0, 1, IR_OPF_SIDE) /* fence; c:IR_MB_* */                                             \
    /* control flow inside the TB */                                                               \
    X(LABEL, 0, 0, 1, IR_OPF_BB_END | IR_OPF_SIDE)       /* c:label */                             \
    X(BR, 0, 0, 1, IR_OPF_BB_END | IR_OPF_SIDE)          /* c:label */                             \
    X(BRCOND, 0, 2, 2, IR_OPF_BB_END | IR_OPF_SIDE)      /* if cond(a, b) goto; c:cond c:label */ \
    /* helpers: args[0] = c:IrHelper*, args[1] = out (or IR_NO_TEMP), args[2..] = ins */          \
    X(CALL, 0, 0, 0, IR_OPF_CALL | IR_OPF_SIDE)                                                    \
    /* guest instruction boundary: c:guest pc as the CPU state holds it (x86: EIP/RIP) */          \
    X(INSN_START, 0, 0, 1, IR_OPF_SIDE)                                                            \
    /* leaving the TB (globals written back first) */                                              \
    X(GOTO_TB, 0, 0, 1, IR_OPF_BB_END | IR_OPF_SIDE | IR_OPF_EXIT) /* c:slot 0/1 */               \
    X(EXIT_TB, 0, 0, 1, IR_OPF_BB_END | IR_OPF_SIDE | IR_OPF_EXIT) /* c:IR_EXIT_* code */          \
    /* indirect jump: probe the jump cache for linear pc a (i64), else exit NOCHAIN */          \
    X(LOOKUP_TB, 0, 1, 0, IR_OPF_BB_END | IR_OPF_SIDE | IR_OPF_EXIT)                               \
    /* the optimizer's leftovers */                                                                \
    X(NOP, 0, 0, 0, 0)

typedef enum IrOpcode {
#define IR_OP_ENUM(name, o, i, c, f) IR_##name,
    IR_OPS(IR_OP_ENUM)
#undef IR_OP_ENUM
    IR_OPCODE_COUNT
} IrOpcode;

typedef struct IrOpDef {
    const char *name;
    uint8_t nout, nin, nconst;
    uint8_t flags; /* IR_OPF_* */
} IrOpDef;

extern const IrOpDef ir_op_defs[IR_OPCODE_COUNT];

/* MB kinds (x86 fences; TSO itself needs nothing on an x86 host). */
enum { IR_MB_LOAD = 1, IR_MB_STORE = 2, IR_MB_FULL = 3 };

/*
 * Helpers: C functions the generated code calls. The first C argument is
 * always the CPU state (void *env), then nargs arguments of arg_types; the
 * return is IR_VOID, IR_I32 (uint32_t) or IR_I64 (uint64_t).
 *
 * By default a helper may read and write every global, has side effects and
 * may raise a guest exception (longjmp to the execution loop): the backend
 * writes dirty globals to env before the call, reloads them after it, and
 * stores the instruction's guest PC (fault_pc) first. Flags narrow that.
 */
#define IR_HELPER_MAX_ARGS 5
#define IR_HELPER_NO_READ_GLOBALS 0x01  /* reads no global from env */
#define IR_HELPER_NO_WRITE_GLOBALS 0x02 /* writes no global in env */
#define IR_HELPER_NO_FAULT 0x04         /* never raises a guest exception */
#define IR_HELPER_NO_SIDE 0x08          /* pure: deletable when its result is unused */
#define IR_HELPER_ENV_ONLY 0x10 /* its effects stay in the CPU state: safe to run on a copy */
#define IR_HELPER_PURE                                                                             \
    (IR_HELPER_NO_READ_GLOBALS | IR_HELPER_NO_WRITE_GLOBALS | IR_HELPER_NO_FAULT | IR_HELPER_NO_SIDE)

typedef struct IrHelper {
    const char *name;
    void *fn;
    uint8_t ret;   /* IrType */
    uint8_t nargs; /* after env */
    uint8_t arg_types[IR_HELPER_MAX_ARGS];
    uint8_t flags; /* IR_HELPER_* */
} IrHelper;

#define IR_MAX_ARGS 8 /* CALL: helper, out, 5 ins (+1 spare) */

typedef struct IrOp {
    uint16_t opc;  /* IrOpcode */
    uint8_t type;  /* IrType of the operation */
    uint8_t pad;
    uint32_t insn; /* index of the guest instruction (INSN_STARTs before it, minus 1) */
    uint64_t args[IR_MAX_ARGS];
} IrOp;

/* One block being translated. Arrays grow as needed (ir_func_* below). */
typedef struct IrFunc {
    IrOp *ops;
    uint32_t nops, ops_cap;
    IrTempInfo *temps;
    uint32_t ntemps, temps_cap;
    uint32_t nglobals; /* temps[0 .. nglobals) are the globals, registered first */
    uint32_t nlabels;
    uint32_t ninsns;   /* INSN_STARTs emitted */
    bool oom;          /* an allocation failed: the func is unusable */
} IrFunc;

/* ---- building (translator/ir.c) --------------------------------------- */

void ir_func_init(IrFunc *f);
void ir_func_destroy(IrFunc *f);
/* Empty the ops and non-global temps, keep the globals (start a new TB). */
void ir_func_reset(IrFunc *f);

/* Register a global before any other temp; returns its temp. */
IrTemp ir_global(IrFunc *f, IrType type, int32_t env_offset, const char *name);
IrTemp ir_temp(IrFunc *f, IrType type);       /* NORMAL */
IrTemp ir_temp_local(IrFunc *f, IrType type); /* LOCAL */
IrLabel ir_label_new(IrFunc *f);

/* Append an op; returns it (args to fill) or a scratch op when out of
 * memory (f->oom set: the caller checks once at the end). */
IrOp *ir_emit(IrFunc *f, IrOpcode opc, IrType type);

static inline IrType ir_temp_type(const IrFunc *f, IrTemp t)
{
    return (IrType)f->temps[t].type;
}

/* Shorthands for the common shapes. */
static inline void ir_op1(IrFunc *f, IrOpcode opc, IrTemp d, IrTemp a)
{
    IrOp *op = ir_emit(f, opc, ir_temp_type(f, d));
    op->args[0] = d;
    op->args[1] = a;
}
static inline void ir_op2(IrFunc *f, IrOpcode opc, IrTemp d, IrTemp a, IrTemp b)
{
    IrOp *op = ir_emit(f, opc, ir_temp_type(f, d));
    op->args[0] = d;
    op->args[1] = a;
    op->args[2] = b;
}
static inline void ir_movi(IrFunc *f, IrTemp d, uint64_t imm)
{
    IrOp *op = ir_emit(f, IR_MOVI, ir_temp_type(f, d));
    op->args[0] = d;
    op->args[1] = imm;
}
/* A NORMAL temp holding a constant. */
static inline IrTemp ir_const(IrFunc *f, IrType type, uint64_t imm)
{
    IrTemp t = ir_temp(f, type);
    ir_movi(f, t, imm);
    return t;
}

/* Emit a CALL: out may be IR_NO_TEMP for a void helper; ins has h->nargs temps. */
void ir_call(IrFunc *f, const IrHelper *h, IrTemp out, const IrTemp *ins);

/* ---- the CALL layout -------------------------------------------------- */

static inline const IrHelper *ir_call_helper(const IrOp *op)
{
    return (const IrHelper *)(uintptr_t)op->args[0];
}

/* ---- inspection (translator/ir.c) -------------------------------------- */

/* Print the func, one op a line, TCG-like ("add_i32 tmp3,eax,tmp2"), to out.
 * INSN_START lines read " ---- 0x000000000000fff0". */
void ir_print(const IrFunc *f, FILE *out);

/*
 * Check the func: args in range, temps of the right type and kind, each
 * NORMAL temp written before it is read within its basic block, labels
 * defined exactly once and used, the func ending in an exit. Returns true, or
 * false with a one-line reason (op index and what) in err.
 */
bool ir_verify(const IrFunc *f, char *err, size_t errlen);

/* Number of args an op has (CALL depends on its helper). */
unsigned ir_op_nargs(const IrOp *op);

/* ---- the optimizer (translator/opt*.c) --------------------------------- */

/* Each pass rewrites f in place (deleted ops become IR_NOP; ir_compact drops
 * them). Debug builds run ir_verify after every pass. */
void opt_constant_fold(IrFunc *f);  /* fold and propagate constants, simplify identities */
void opt_copy_propagate(IrFunc *f); /* replace uses of copies with their sources */
void opt_dead_code(IrFunc *f);      /* delete ops whose results are never used */
/* Dead stores to globals, chiefly the lazy-flag ones: a global write that is
 * overwritten before any read, exit, faulting op or helper that may read it. */
void opt_dead_globals(IrFunc *f);
/* Extensions and masks that change no bit anyone reads become MOVs: known
 * zero and sign bits forward, demanded bits backward (translator/opt_bits.c). */
void opt_known_bits(IrFunc *f);
void ir_compact(IrFunc *f);
/* All passes, in order. */
void opt_run(IrFunc *f);

/*
 * Constant evaluation (translator/opt_fold.c), the one definition of what
 * the value-computing ops mean, for the folder and the interpreter alike.
 *
 * ir_eval_op computes op opc of type on input values in[] (nin of them, in
 * args order; i32 inputs may carry garbage above bit 31) and its constant
 * args consts[] (nconst of them), writing its outputs (two for MULU2/MULS2)
 * to out[], i32 results zero-extended. It handles MOV, MOVI (consts[0]) and
 * every op from ADD to MOVCOND; it returns false for any other opcode, and
 * for constant args out of range (BSWAP size, DEPOSIT/EXTRACT fields, cond).
 */
bool ir_eval_op(IrOpcode opc, IrType type, const uint64_t *in, const uint64_t *consts,
                uint64_t *out);
/* cond(a, b) on values of type. */
bool ir_eval_cond(IrCond cond, IrType type, uint64_t a, uint64_t b);

/* ---- the interpreter (translator/interp.c) ----------------------------- */

/*
 * Guest memory access for the interpreter, and for every backend's slow
 * path: the frontend provides them (BackendConfig in translator/backend.h
 * carries the same pair).
 */
typedef uint64_t (*IrLoadFn)(void *env, uint64_t la, uint32_t memop, uint32_t mmu_idx);
typedef void (*IrStoreFn)(void *env, uint64_t la, uint64_t value, uint32_t memop,
                          uint32_t mmu_idx);

typedef struct IrInterpEnv {
    void *env;
    IrLoadFn load;
    IrStoreFn store;
    int32_t fault_pc_offset; /* env + offset: uint64_t guest PC of the running instruction */
} IrInterpEnv;

/*
 * Execute one TB's IR on env. Globals are read and written in env in
 * place; QLD/QST go through load/store; CALLs go through libffi. At each
 * INSN_START the guest PC is stored at fault_pc_offset. A guest exception
 * never returns here: the helper longjmps to the execution loop.
 *
 * Returns how the TB ended: IR_EXIT_SLOT0/1 for GOTO_TB, the code of
 * EXIT_TB, or IR_EXIT_NOCHAIN for LOOKUP_TB with *lookup_pc set.
 */
unsigned ir_interpret(const IrOp *ops, uint32_t nops, const IrTempInfo *temps, uint32_t ntemps,
                      const IrInterpEnv *ie, uint64_t *lookup_pc);

#endif
