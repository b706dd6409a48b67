/*
 * interp.c — the portable IR interpreter: executes one TB's ops directly,
 * on any host. It is the interpreter backend's engine (interp_backend.c),
 * the reference the checking mode compares JIT output against, and what
 * tests run IR with.
 *
 * Shape, chosen for speed without a second IR form:
 *   - Non-global temps live in a stack array of uint64_t; an i32 value is
 *     kept zero-extended, so every i32 result is truncated when written.
 *   - Globals are read and written at env + offset on every access, so env
 *     is always the truth: a helper or a fault sees exact state, and nothing
 *     has to be written back at exits.
 *   - Label positions are resolved when a branch first needs them (one scan)
 *     and remembered for the rest of the call, so TBs without branches pay
 *     nothing and loops pay once.
 *   - Helpers are called through libffi. A call interface depends only on
 *     the signature's shape (return type, argument count and types), so the
 *     prepared ffi_cifs are cached per shape in a fixed table: at most
 *     3 * 64 of them, no hashing, no lock on the hot path.
 */
#include "translator/ir.h"

#include <ffi.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- helper calls through libffi --------------------------------------- */

/*
 * One prepared call interface per signature shape. The shape index is
 * ret * 64 + code, where code has bit nargs set and bit i set when argument
 * i is an i64: every (nargs <= 5, types) pair maps to a distinct code < 64.
 *
 * The table is process-wide on purpose: a cif describes a C calling
 * convention, not any emulator state, and is immutable once ready. Shapes
 * are prepared under a mutex and published with a release store; readers
 * take the fast path with one acquire load.
 */
#define FFI_SHAPE_CODES 64
#define FFI_SHAPE_COUNT (3 * FFI_SHAPE_CODES)

typedef struct FfiShape {
    ffi_cif cif;
    ffi_type *arg_types[1 + IR_HELPER_MAX_ARGS];
    atomic_bool ready;
} FfiShape;

static FfiShape ffi_shapes[FFI_SHAPE_COUNT];
static pthread_mutex_t ffi_shapes_lock = PTHREAD_MUTEX_INITIALIZER;

static ffi_type *ffi_type_of(unsigned ir_type)
{
    switch (ir_type) {
    case IR_I32:
        return &ffi_type_uint32;
    case IR_I64:
        return &ffi_type_uint64;
    default:
        return &ffi_type_void;
    }
}

static unsigned ffi_shape_index(const IrHelper *h)
{
    unsigned code = 1u << h->nargs;
    for (unsigned i = 0; i < h->nargs; i++) {
        if (h->arg_types[i] == IR_I64) {
            code |= 1u << i;
        }
    }
    return h->ret * FFI_SHAPE_CODES + code;
}

/* The prepared cif for h's shape (prepared on first use). */
static ffi_cif *ffi_cif_for(const IrHelper *h)
{
    FfiShape *s = &ffi_shapes[ffi_shape_index(h)];
    if (atomic_load_explicit(&s->ready, memory_order_acquire)) {
        return &s->cif;
    }
    pthread_mutex_lock(&ffi_shapes_lock);
    if (!atomic_load_explicit(&s->ready, memory_order_relaxed)) {
        s->arg_types[0] = &ffi_type_pointer; /* env */
        for (unsigned i = 0; i < h->nargs; i++) {
            s->arg_types[1 + i] = ffi_type_of(h->arg_types[i]);
        }
        ffi_status st =
            ffi_prep_cif(&s->cif, FFI_DEFAULT_ABI, 1 + h->nargs, ffi_type_of(h->ret), s->arg_types);
        if (st != FFI_OK) {
            /* Only a broken libffi fails on plain integer signatures. */
            fprintf(stderr, "rx86: ffi_prep_cif failed (%d) for helper %s\n", (int)st,
                    h->name ? h->name : "?");
            abort();
        }
        atomic_store_explicit(&s->ready, true, memory_order_release);
    }
    pthread_mutex_unlock(&ffi_shapes_lock);
    return &s->cif;
}

/* ---- the machine --------------------------------------------------------- */

typedef struct Interp {
    uint64_t *vals; /* non-global temps */
    const IrTempInfo *temps;
    uint8_t *env;
} Interp;

static inline uint64_t rd(const Interp *in, uint64_t t)
{
    const IrTempInfo *ti = &in->temps[t];
    if (ti->kind != IR_TEMP_GLOBAL) {
        return in->vals[t];
    }
    if (ti->type == IR_I32) {
        uint32_t v;
        memcpy(&v, in->env + ti->offset, sizeof(v));
        return v;
    }
    uint64_t v;
    memcpy(&v, in->env + ti->offset, sizeof(v));
    return v;
}

/* Write v, already truncated to the temp's type. */
static inline void wr(Interp *in, uint64_t t, uint64_t v)
{
    const IrTempInfo *ti = &in->temps[t];
    if (ti->kind != IR_TEMP_GLOBAL) {
        in->vals[t] = v;
    } else if (ti->type == IR_I32) {
        uint32_t v32 = (uint32_t)v;
        memcpy(in->env + ti->offset, &v32, sizeof(v32));
    } else {
        memcpy(in->env + ti->offset, &v, sizeof(v));
    }
}

static inline uint64_t trunc_to(unsigned type, uint64_t v)
{
    return type == IR_I32 ? (uint32_t)v : v;
}

/* v's low size bytes, sign- or zero-extended to 64 bits. */
static inline uint64_t sext_size(uint64_t v, unsigned size)
{
    switch (size) {
    case 1:
        return (uint64_t)(int64_t)(int8_t)v;
    case 2:
        return (uint64_t)(int64_t)(int16_t)v;
    case 4:
        return (uint64_t)(int64_t)(int32_t)v;
    default:
        return v;
    }
}

static inline uint64_t zext_size(uint64_t v, unsigned size)
{
    return size >= 8 ? v : v & ((1ull << (size * 8)) - 1);
}

static inline uint64_t env_load(const uint8_t *p, unsigned memop)
{
    unsigned size = memop & IR_MO_SIZE_MASK;
    uint64_t v;
    switch (size) {
    case 1: {
        uint8_t x;
        memcpy(&x, p, 1);
        v = x;
        break;
    }
    case 2: {
        uint16_t x;
        memcpy(&x, p, 2);
        v = x;
        break;
    }
    case 4: {
        uint32_t x;
        memcpy(&x, p, 4);
        v = x;
        break;
    }
    default:
        memcpy(&v, p, 8);
        return v;
    }
    return memop & IR_MO_SIGN ? sext_size(v, size) : v;
}

static inline void env_store(uint8_t *p, uint64_t v, unsigned memop)
{
    switch (memop & IR_MO_SIZE_MASK) {
    case 1: {
        uint8_t x = (uint8_t)v;
        memcpy(p, &x, 1);
        break;
    }
    case 2: {
        uint16_t x = (uint16_t)v;
        memcpy(p, &x, 2);
        break;
    }
    case 4: {
        uint32_t x = (uint32_t)v;
        memcpy(p, &x, 4);
        break;
    }
    default:
        memcpy(p, &v, 8);
        break;
    }
}

/* cond(a, b) on values of type (i32 values zero-extended). */
static inline bool cond_holds(unsigned cond, unsigned type, uint64_t a, uint64_t b)
{
    int64_t sa = type == IR_I32 ? (int32_t)a : (int64_t)a;
    int64_t sb = type == IR_I32 ? (int32_t)b : (int64_t)b;
    switch (cond) {
    case IR_COND_ALWAYS:
        return true;
    case IR_COND_EQ:
        return a == b;
    case IR_COND_NE:
        return a != b;
    case IR_COND_LT:
        return sa < sb;
    case IR_COND_GE:
        return sa >= sb;
    case IR_COND_LE:
        return sa <= sb;
    case IR_COND_GT:
        return sa > sb;
    case IR_COND_LTU:
        return a < b;
    case IR_COND_GEU:
        return a >= b;
    case IR_COND_LEU:
        return a <= b;
    case IR_COND_GTU:
        return a > b;
    case IR_COND_TSTEQ:
        return (a & b) == 0;
    case IR_COND_TSTNE:
        return (a & b) != 0;
    default: /* IR_COND_NEVER */
        return false;
    }
}

static inline uint64_t rotl(unsigned type, uint64_t x, unsigned c)
{
    if (c == 0) {
        return x;
    }
    if (type == IR_I32) {
        uint32_t v = (uint32_t)x;
        return (uint32_t)(v << c | v >> (32 - c));
    }
    return x << c | x >> (64 - c);
}

static inline uint64_t field_mask(uint64_t len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

static uint64_t call_helper(Interp *in, const IrOp *op)
{
    const IrHelper *h = ir_call_helper(op);
    ffi_cif *cif = ffi_cif_for(h);
    void *envp = in->env;
    uint32_t a32[IR_HELPER_MAX_ARGS];
    uint64_t a64[IR_HELPER_MAX_ARGS];
    void *avalues[1 + IR_HELPER_MAX_ARGS];
    avalues[0] = &envp;
    for (unsigned i = 0; i < h->nargs; i++) {
        uint64_t v = rd(in, op->args[2 + i]);
        if (h->arg_types[i] == IR_I64) {
            a64[i] = v;
            avalues[1 + i] = &a64[i];
        } else {
            a32[i] = (uint32_t)v;
            avalues[1 + i] = &a32[i];
        }
    }
    /* libffi widens integer returns narrower than a word to ffi_arg. */
    union {
        ffi_arg word;
        uint64_t u64;
    } rv = {0};
    ffi_call(cif, FFI_FN(h->fn), &rv, avalues);
    if (h->ret == IR_I32) {
        return (uint32_t)rv.word;
    }
    return h->ret == IR_I64 ? rv.u64 : 0;
}

/* Labels resolved in this call: pos[l] is valid when bit l of known is set.
 * Labels >= LABEL_CACHE are rare enough to scan for each time. */
#define LABEL_CACHE 64

typedef struct LabelCache {
    uint64_t known;
    uint32_t pos[LABEL_CACHE];
} LabelCache;

/* Index of the LABEL op defining label, or nops if there is none. */
static uint32_t label_find(LabelCache *lc, const IrOp *ops, uint32_t nops, uint64_t label,
                           uint32_t from)
{
    if (label < LABEL_CACHE && (lc->known >> label & 1)) {
        return lc->pos[label];
    }
    /* Forward branches are the common case: look ahead first, then wrap. */
    for (uint32_t n = 0; n < nops; n++) {
        uint32_t i = from + n < nops ? from + n : from + n - nops;
        if (ops[i].opc == IR_LABEL && ops[i].args[0] == label) {
            if (label < LABEL_CACHE) {
                lc->known |= 1ull << label;
                lc->pos[label] = i;
            }
            return i;
        }
    }
    return nops;
}

unsigned ir_interpret(const IrOp *ops, uint32_t nops, const IrTempInfo *temps, uint32_t ntemps,
                      const IrInterpEnv *ie, uint64_t *lookup_pc)
{
    uint64_t vals[ntemps ? ntemps : 1];
    Interp in = {.vals = vals, .temps = temps, .env = ie->env};
    Interp *m = &in;
    LabelCache lc;
    lc.known = 0;

    uint32_t i = 0;
    while (i < nops) {
        const IrOp *op = &ops[i];
        const uint64_t *a = op->args;
        unsigned ty = op->type;
        unsigned width = ty == IR_I32 ? 32 : 64;
        uint64_t r;

        switch ((IrOpcode)op->opc) {
        case IR_MOV:
            r = rd(m, a[1]);
            break;
        case IR_MOVI:
            r = a[1];
            break;
        case IR_ADD:
            r = rd(m, a[1]) + rd(m, a[2]);
            break;
        case IR_SUB:
            r = rd(m, a[1]) - rd(m, a[2]);
            break;
        case IR_MUL:
            r = rd(m, a[1]) * rd(m, a[2]);
            break;
        case IR_AND:
            r = rd(m, a[1]) & rd(m, a[2]);
            break;
        case IR_OR:
            r = rd(m, a[1]) | rd(m, a[2]);
            break;
        case IR_XOR:
            r = rd(m, a[1]) ^ rd(m, a[2]);
            break;
        case IR_ANDC:
            r = rd(m, a[1]) & ~rd(m, a[2]);
            break;
        case IR_SHL:
            r = rd(m, a[1]) << (rd(m, a[2]) & (width - 1));
            break;
        case IR_SHR:
            r = trunc_to(ty, rd(m, a[1])) >> (rd(m, a[2]) & (width - 1));
            break;
        case IR_SAR: {
            unsigned c = (unsigned)(rd(m, a[2]) & (width - 1));
            uint64_t x = rd(m, a[1]);
            r = ty == IR_I32 ? (uint64_t)((int32_t)x >> c) : (uint64_t)((int64_t)x >> c);
            break;
        }
        case IR_ROTL:
            r = rotl(ty, rd(m, a[1]), (unsigned)(rd(m, a[2]) & (width - 1)));
            break;
        case IR_ROTR: {
            unsigned c = (unsigned)(rd(m, a[2]) & (width - 1));
            r = rotl(ty, rd(m, a[1]), (width - c) & (width - 1));
            break;
        }
        case IR_NEG:
            r = -rd(m, a[1]);
            break;
        case IR_NOT:
            r = ~rd(m, a[1]);
            break;
        case IR_MULU2:
        case IR_MULS2: {
            uint64_t x = rd(m, a[2]), y = rd(m, a[3]), lo, hi;
            if (ty == IR_I32) {
                uint64_t p = op->opc == IR_MULU2 ? (uint64_t)(uint32_t)x * (uint32_t)y
                                                 : (uint64_t)((int64_t)(int32_t)x * (int32_t)y);
                lo = (uint32_t)p;
                hi = p >> 32;
            } else {
                unsigned __int128 p = op->opc == IR_MULU2
                                          ? (unsigned __int128)x * y
                                          : (unsigned __int128)((__int128)(int64_t)x * (int64_t)y);
                lo = (uint64_t)p;
                hi = (uint64_t)(p >> 64);
            }
            wr(m, a[0], lo);
            wr(m, a[1], hi);
            i++;
            continue;
        }
        case IR_CLZ: {
            uint64_t x = trunc_to(ty, rd(m, a[1]));
            if (x == 0) {
                r = rd(m, a[2]);
            } else {
                r = ty == IR_I32 ? (uint64_t)__builtin_clz((uint32_t)x)
                                 : (uint64_t)__builtin_clzll(x);
            }
            break;
        }
        case IR_CTZ: {
            uint64_t x = trunc_to(ty, rd(m, a[1]));
            r = x ? (uint64_t)__builtin_ctzll(x) : rd(m, a[2]);
            break;
        }
        case IR_CTPOP:
            r = (uint64_t)__builtin_popcountll(trunc_to(ty, rd(m, a[1])));
            break;
        case IR_BSWAP: {
            uint64_t x = rd(m, a[1]);
            switch (a[2]) {
            case 2:
                r = __builtin_bswap16((uint16_t)x);
                break;
            case 4:
                r = __builtin_bswap32((uint32_t)x);
                break;
            default:
                r = __builtin_bswap64(x);
                break;
            }
            break;
        }
        case IR_EXT8S:
            r = sext_size(rd(m, a[1]), 1);
            break;
        case IR_EXT8U:
            r = (uint8_t)rd(m, a[1]);
            break;
        case IR_EXT16S:
            r = sext_size(rd(m, a[1]), 2);
            break;
        case IR_EXT16U:
            r = (uint16_t)rd(m, a[1]);
            break;
        case IR_EXT32S:
        case IR_EXTS_I32_I64:
            r = sext_size(rd(m, a[1]), 4);
            break;
        case IR_EXT32U:
        case IR_EXTU_I32_I64:
        case IR_EXTRL_I64_I32:
            r = (uint32_t)rd(m, a[1]);
            break;
        case IR_EXTRH_I64_I32:
            r = rd(m, a[1]) >> 32;
            break;
        case IR_DEPOSIT: {
            uint64_t mask = field_mask(a[4]) << a[3];
            r = (rd(m, a[1]) & ~mask) | ((rd(m, a[2]) << a[3]) & mask);
            break;
        }
        case IR_EXTRACT:
            r = (rd(m, a[1]) >> a[2]) & field_mask(a[3]);
            break;
        case IR_SEXTRACT: {
            unsigned pos = (unsigned)a[2], len = (unsigned)a[3];
            r = (uint64_t)((int64_t)(rd(m, a[1]) << (64 - pos - len)) >> (64 - len));
            break;
        }
        case IR_SETCOND:
            r = cond_holds((unsigned)a[3], ty, rd(m, a[1]), rd(m, a[2]));
            break;
        case IR_MOVCOND:
            r = cond_holds((unsigned)a[5], ty, rd(m, a[1]), rd(m, a[2])) ? rd(m, a[3])
                                                                         : rd(m, a[4]);
            break;
        case IR_LD:
            r = env_load(in.env + (int32_t)a[1], (unsigned)a[2]);
            break;
        case IR_ST:
            env_store(in.env + (int32_t)a[1], rd(m, a[0]), (unsigned)a[2]);
            i++;
            continue;
        case IR_QLD: {
            unsigned memop = (unsigned)a[2], size = memop & IR_MO_SIZE_MASK;
            uint64_t v = ie->load(ie->env, rd(m, a[1]), memop, (uint32_t)a[3]);
            r = memop & IR_MO_SIGN ? sext_size(v, size) : zext_size(v, size);
            break;
        }
        case IR_QST:
            ie->store(ie->env, rd(m, a[1]), rd(m, a[0]), (uint32_t)a[2], (uint32_t)a[3]);
            i++;
            continue;
        case IR_MB:
            /* x86 fences order the interpreter's own host accesses (the
             * load/store hooks): acquire for LFENCE, release for SFENCE. */
            if (a[0] == IR_MB_LOAD) {
                atomic_thread_fence(memory_order_acquire);
            } else if (a[0] == IR_MB_STORE) {
                atomic_thread_fence(memory_order_release);
            } else {
                atomic_thread_fence(memory_order_seq_cst);
            }
            i++;
            continue;
        case IR_LABEL:
        case IR_NOP:
            i++;
            continue;
        case IR_BR:
            i = label_find(&lc, ops, nops, a[0], i + 1);
            continue;
        case IR_BRCOND:
            if (cond_holds((unsigned)a[2], ty, rd(m, a[0]), rd(m, a[1]))) {
                i = label_find(&lc, ops, nops, a[3], i + 1);
            } else {
                i++;
            }
            continue;
        case IR_CALL: {
            uint64_t v = call_helper(m, op);
            if (a[1] != IR_NO_TEMP) {
                wr(m, a[1], trunc_to(ir_call_helper(op)->ret, v));
            }
            i++;
            continue;
        }
        case IR_INSN_START:
            memcpy(in.env + ie->fault_pc_offset, &a[0], sizeof(uint64_t));
            i++;
            continue;
        case IR_GOTO_TB:
        case IR_EXIT_TB:
            return (unsigned)a[0];
        case IR_LOOKUP_TB:
            *lookup_pc = rd(m, a[0]);
            return IR_EXIT_NOCHAIN;
        case IR_OPCODE_COUNT:
        default:
            /* Malformed IR (the interpreter backend's gen rejects it). */
            return IR_EXIT_NOCHAIN;
        }
        wr(m, a[0], trunc_to(ty, r));
        i++;
    }
    /* Fell off the end (IR that ir_verify would reject): back to the loop. */
    return IR_EXIT_NOCHAIN;
}
