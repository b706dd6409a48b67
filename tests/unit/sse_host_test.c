/*
 * sse_host_test.c — MMX, SSE..SSE4.2, AES-NI and PCLMULQDQ in rx86 against
 * the host CPU. It needs an x86-64 host (elsewhere it says so and passes:
 * the rules it checks are the hardware's, and only the hardware has them);
 * forms of extensions the host lacks are skipped and counted.
 *
 * Every instruction form of the table `forms` is encoded with random
 * registers, a register or a memory operand ([rsi+disp8], aligned or not)
 * and a random imm8, then run twice from the same random state:
 *   natively: a generated thunk FXRSTORs the x87/MMX/SSE state, loads the
 *             general registers and flags, runs the instruction, and stores
 *             them all back with FXSAVE (a fault ends in a signal handler,
 *             which takes the same state from the signal frame);
 *   in rx86:  lifted by the lift_machine (64-bit mode, some cases in 32-bit
 *             mode) from the same state, then run by the IR interpreter or,
 *             every other case, optimized and run by the x86-64 JIT.
 * Registers (XMM, MMX with their x87 exponents, TOP and tags, MXCSR, the
 * general registers, the arithmetic flags), the memory operand's bytes and
 * the exception (#UD #GP #MF #XM) must agree bit for bit. The states mix
 * random bits with special values (zeros, infinities, QNaNs, SNaNs,
 * denormals, the smallest normal, values at the integer limits and at
 * rounding midpoints), all four rounding modes, DAZ, FTZ, and sometimes
 * unmasked exceptions. The seed is fixed.
 *
 * RCPPS/RSQRTPS are implementation-specific (their bits differ between
 * vendors): there the check is the architectural error bound. The SDM's
 * rules the host cannot show are checked by sse_test.c. Run with a number
 * to change the cases per form (150; the whole run takes a few seconds).
 */
#if defined(__x86_64__)

/* before lift_machine.h: its inline functions name their CpuState env too */
#include "frontend/sse_helpers.h"

#include "lift_machine.h"

#include "frontend/cpu_model.h"
#include "lift_jit.h"

#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdalign.h>
#include <sys/mman.h>
#include <ucontext.h>

/* ---- random numbers ------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* ---- states ------------------------------------------------------------------------ */

enum { FX_FCW = 0, FX_FSW = 2, FX_FTW = 4, FX_MXCSR = 24, FX_ST = 32, FX_XMM = 160 };

/* The general registers in hardware order; rsp (4) and r15 (the thunk's
 * state pointer) are never used by the cases. */
typedef struct State {
    alignas(16) uint8_t fx[512];
    uint64_t gpr[16];
    uint64_t flags;
} State;

#define MEM_SIZE 128 /* the memory operand area: [rsi + disp8], disp8 < 64 */

typedef struct Native {
    alignas(64) State in, out;
    uint32_t default_mxcsr;
    alignas(64) uint8_t mem[MEM_SIZE];
} Native;

static uint16_t fx16(const uint8_t *fx, unsigned off)
{
    uint16_t v;
    memcpy(&v, fx + off, 2);
    return v;
}

static uint32_t fx32(const uint8_t *fx, unsigned off)
{
    uint32_t v;
    memcpy(&v, fx + off, 4);
    return v;
}

static uint32_t f32_special(void)
{
    static const uint32_t fixed[] = {
        0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001,
        0xff812345, 0x00000001, 0x807fffff, 0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff,
        0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0xbfc00000, 0x40200000, 0x4f000000,
        0xcf000000, 0x4effffff, 0xcf000001, 0x5f000000, 0xdf000000, 0x5effffff, 0x00400000,
        0x007fffff, 0x00ffffff, 0x3f7fffff, 0x3f800001,
    };
    uint32_t sign = (uint32_t)(rnd() & 1) << 31;
    switch (rnd_below(10)) {
    case 0:
    case 1:
        return fixed[rnd_below(sizeof(fixed) / sizeof(fixed[0]))];
    case 2: /* denormal */
        return sign | (uint32_t)(rnd() & 0x7fffff);
    case 3: /* NaN with a payload, quiet or signaling */
        return sign | 0x7f800000u | (uint32_t)(rnd() & 0x7fffff) | 1;
    case 4: /* near the bottom of the normal range */
        return sign | (uint32_t)(rnd_below(40)) << 23 | (uint32_t)(rnd() & 0x7fffff);
    case 5: /* near the top */
        return sign | (uint32_t)(215 + rnd_below(40)) << 23 | (uint32_t)(rnd() & 0x7fffff);
    case 6: /* small integers and halves */
        return sign | (uint32_t)(127 + rnd_below(24)) << 23 | (uint32_t)(rnd() & 0x7f0000);
    case 7:
        return (uint32_t)rnd();
    default: /* ordinary numbers */
        return sign | (uint32_t)(110 + rnd_below(36)) << 23 | (uint32_t)(rnd() & 0x7fffff);
    }
}

static uint64_t f64_special(void)
{
    static const uint64_t fixed[] = {
        0x0000000000000000ull, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
        0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff0000000000001ull, 0x0000000000000001ull,
        0x0010000000000000ull, 0x7fefffffffffffffull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
        0x3fe0000000000000ull, 0x41e0000000000000ull, 0xc1e0000000000000ull, 0x41dfffffffc00000ull,
        0xc1e0000000100000ull, 0x43e0000000000000ull, 0xc3e0000000000000ull, 0x000fffffffffffffull,
        0x001fffffffffffffull, 0x36a0000000000000ull, 0x380fffffe0000000ull, 0x47efffffe0000000ull,
        0x3810000000000000ull, 0x4330000000000000ull,
    };
    uint64_t sign = (rnd() & 1) << 63;
    uint64_t frac = rnd() & 0xfffffffffffffull;
    switch (rnd_below(11)) {
    case 0:
    case 1:
        return fixed[rnd_below(sizeof(fixed) / sizeof(fixed[0]))];
    case 2:
        return sign | frac;
    case 3:
        return sign | 0x7ff0000000000000ull | frac | 1;
    case 4:
        return sign | (uint64_t)rnd_below(60) << 52 | frac;
    case 5:
        return sign | (uint64_t)(1990 + rnd_below(57)) << 52 | frac;
    case 6: /* around the binary32 range's ends (CVTSD2SS) */
        return sign | (uint64_t)(1023 - 150 + rnd_below(30)) << 52 | frac;
    case 7:
        return sign | (uint64_t)(1023 + 100 + rnd_below(30)) << 52 | frac;
    case 8:
        return sign | (uint64_t)(1023 + rnd_below(64)) << 52 | (frac & 0xffff000000000ull);
    case 9:
        return rnd();
    default:
        return sign | (uint64_t)(1000 + rnd_below(50)) << 52 | frac;
    }
}

/* 16 bytes of a vector register or memory: floats, doubles, bytes... */
static void vector_fill(uint8_t *p)
{
    switch (rnd_below(5)) {
    case 0:
    case 1:
        for (unsigned i = 0; i < 4; i++) {
            uint32_t v = f32_special();
            memcpy(p + 4 * i, &v, 4);
        }
        break;
    case 2:
    case 3:
        for (unsigned i = 0; i < 2; i++) {
            uint64_t v = f64_special();
            memcpy(p + 8 * i, &v, 8);
        }
        break;
    default:
        for (unsigned i = 0; i < 16; i++) {
            p[i] = (uint8_t)(rnd_below(4) ? rnd() : rnd_below(3) ? 0 : 0xff);
        }
        break;
    }
}

static uint32_t random_mxcsr(void)
{
    if (rnd_below(4) == 0) { /* ordinary code's MXCSR: the fast paths */
        return MXCSR_MASKS | MXCSR_PE | (uint32_t)(rnd() & MXCSR_FLAGS);
    }
    uint32_t m = (uint32_t)(rnd() & MXCSR_FLAGS) | MXCSR_MASKS;
    m |= (uint32_t)rnd_below(4) << 13;
    if (rnd_below(3) == 0) {
        m |= MXCSR_DAZ;
    }
    if (rnd_below(3) == 0) {
        m |= MXCSR_FTZ;
    }
    if (rnd_below(6) == 0) {
        m &= ~(uint32_t)(rnd() & MXCSR_MASKS); /* some exceptions unmasked */
    }
    return m;
}

static void random_state(State *st, uint8_t *memory)
{
    memset(st, 0, sizeof(*st));
    uint8_t *fx = st->fx;
    uint16_t fcw = 0x037f, fsw = (uint16_t)(rnd_below(8) << 11);
    if (rnd_below(16) == 0) { /* a pending unmasked x87 exception */
        fcw &= (uint16_t)~1u;
        fsw |= 0x8081; /* IE, ES and B, which mirrors ES */
    }
    memcpy(fx + FX_FCW, &fcw, 2);
    memcpy(fx + FX_FSW, &fsw, 2);
    fx[FX_FTW] = (uint8_t)rnd();
    uint32_t mx = random_mxcsr();
    memcpy(fx + FX_MXCSR, &mx, 4);
    uint32_t mxmask = 0xffff;
    memcpy(fx + FX_MXCSR + 4, &mxmask, 4);
    for (unsigned i = 0; i < 8; i++) {
        uint64_t mant = rnd();
        uint16_t se = rnd_below(4) ? 0xffff : (uint16_t)rnd();
        memcpy(fx + FX_ST + 16 * i, &mant, 8);
        memcpy(fx + FX_ST + 16 * i + 8, &se, 2);
    }
    for (unsigned i = 0; i < 16; i++) {
        vector_fill(fx + FX_XMM + 16 * i);
    }
    for (unsigned i = 0; i < 16; i++) {
        st->gpr[i] = rnd_below(3) ? rnd() : (uint64_t)(int64_t)(int32_t)(rnd_below(41) - 20);
    }
    st->flags = 0x202 | (rnd() & ARITH);
    for (unsigned i = 0; i < MEM_SIZE; i += 16) {
        vector_fill(memory + i);
    }
}

/* ---- the native run ------------------------------------------------------------ */

static uint8_t *thunk;
static Native native;
static sigjmp_buf native_jmp;
static volatile int native_vector;

typedef struct Emit {
    uint8_t *p;
} Emit;

static void put(Emit *e, unsigned n, const uint8_t *b)
{
    memcpy(e->p, b, n);
    e->p += n;
}

static void put1(Emit *e, uint8_t b)
{
    *e->p++ = b;
}

static void put32(Emit *e, uint32_t v)
{
    memcpy(e->p, &v, 4);
    e->p += 4;
}

/* [r15 + disp32] forms: prefix/REX, opcode bytes, ModRM.reg. */
static void r15_mem(Emit *e, uint8_t rex, const uint8_t *op, unsigned nop, unsigned reg,
                    size_t disp)
{
    put1(e, rex | 0x41 | (reg >= 8 ? 4 : 0));
    put(e, nop, op);
    put1(e, (uint8_t)(0x80 | (reg & 7) << 3 | 7));
    put32(e, (uint32_t)disp);
}

static const unsigned gprs_used[] = {0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
#define NGPRS (sizeof(gprs_used) / sizeof(gprs_used[0]))

/* Build the thunk for insn: void thunk(Native *n). */
static void build_thunk(const uint8_t *insn, unsigned len)
{
    Emit e = {thunk};
    static const uint8_t push[] = {0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57};
    static const uint8_t pop[] = {0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b};
    put(&e, sizeof(push), push);
    put(&e, 3, (const uint8_t[]){0x49, 0x89, 0xff}); /* mov r15, rdi */
    size_t in = offsetof(Native, in), out = offsetof(Native, out);
    r15_mem(&e, 0x08, (const uint8_t[]){0x0f, 0xae}, 2, 1,
            in + offsetof(State, fx)); /* fxrstor64 */
    for (unsigned i = 0; i < NGPRS; i++) {
        unsigned r = gprs_used[i];
        r15_mem(&e, 0x08, (const uint8_t[]){0x8b}, 1, r, in + offsetof(State, gpr) + 8 * r);
    }
    r15_mem(&e, 0, (const uint8_t[]){0xff}, 1, 6, in + offsetof(State, flags)); /* push */
    put1(&e, 0x9d);                                                             /* popfq */
    put(&e, len, insn);
    put1(&e, 0x9c);                                                              /* pushfq */
    r15_mem(&e, 0, (const uint8_t[]){0x8f}, 1, 0, out + offsetof(State, flags)); /* pop */
    for (unsigned i = 0; i < NGPRS; i++) {
        unsigned r = gprs_used[i];
        r15_mem(&e, 0x08, (const uint8_t[]){0x89}, 1, r, out + offsetof(State, gpr) + 8 * r);
    }
    r15_mem(&e, 0x08, (const uint8_t[]){0x0f, 0xae}, 2, 0,
            out + offsetof(State, fx));        /* fxsave64 */
    put(&e, 2, (const uint8_t[]){0xdb, 0xe3}); /* fninit */
    r15_mem(&e, 0, (const uint8_t[]){0x0f, 0xae}, 2, 2, offsetof(Native, default_mxcsr));
    put(&e, sizeof(pop), pop);
    put1(&e, 0xc3);
}

static void native_signal(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    (void)si;
    memcpy(native.out.fx, uc->uc_mcontext.fpregs, 512);
    static const int greg[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                 REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                                 REG_R12, REG_R13, REG_R14, REG_R15};
    for (unsigned i = 0; i < 16; i++) {
        native.out.gpr[i] = (uint64_t)uc->uc_mcontext.gregs[greg[i]];
    }
    native.out.flags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
    int trap = (int)uc->uc_mcontext.gregs[REG_TRAPNO];
    native_vector = sig == SIGILL ? EXC_UD : sig == SIGFPE ? trap : EXC_GP;
    siglongjmp(native_jmp, 1);
}

/* Run the case natively: the vector raised, or -1. */
static int run_native(const uint8_t *insn, unsigned len)
{
    build_thunk(insn, len);
    native.default_mxcsr = 0x1f80;
    native_vector = -1;
    if (sigsetjmp(native_jmp, 1) == 0) {
        ((void (*)(Native *))(void *)thunk)(&native);
    }
    uint32_t mx = 0x1f80;
    __asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(mx));
    return native_vector;
}

/* ---- the rx86 run --------------------------------------------------------------- */

/* rsi and rdi hold the memory operand's base: the host buffer natively,
 * DATA in the guest. */
static uint64_t guest_reg_in(const State *st, unsigned r, int bits)
{
    if (r == R_ESI || r == R_EDI) {
        return DATA;
    }
    return bits == 32 ? (uint32_t)st->gpr[r] : st->gpr[r];
}

/* Run code bytes at CODE to their end (as lift_machine's run() does hex). */
static int run_bytes(const uint8_t *code, unsigned len)
{
    memcpy(ram + CODE, code, len);
    ram[CODE + len] = 0xeb; /* jmp +0: the last TB ends there */
    ram[CODE + len + 1] = 0x00;
    env.rip = CODE;
    return run_until(CODE + len + 2);
}


static int run_bytes_jit(const uint8_t *code, unsigned len)
{
    memcpy(ram + CODE, code, len);
    ram[CODE + len] = 0xeb;
    ram[CODE + len + 1] = 0x00;
    env.rip = CODE;
    return run_until_jit(CODE + len + 2);
}

static void state_to_env(const State *st, int bits)
{
    const uint8_t *fx = st->fx;
    env.cr[4] |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    env.cr[0] |= CR0_NE;
    env.hflags |= HF_OSFXSR;
    env.fpu.fcw = fx16(fx, FX_FCW);
    uint16_t fsw = fx16(fx, FX_FSW);
    env.fpu.top = (fsw >> 11) & 7;
    env.fpu.fsw = fsw & (uint16_t)~0x3800u;
    env.fpu.ftw = fx[FX_FTW];
    for (unsigned j = 0; j < 8; j++) {
        unsigned phys = (env.fpu.top + j) & 7;
        memcpy(&env.fpu.st[phys].mant, fx + FX_ST + 16 * j, 8);
        env.fpu.st[phys].sign_exp = fx16(fx, FX_ST + 16 * j + 8);
    }
    env.mxcsr = fx32(fx, FX_MXCSR);
    memcpy(env.xmm, fx + FX_XMM, 256);
    for (unsigned r = 0; r < 16; r++) {
        env.regs[r] = r == R_ESP ? STACK : guest_reg_in(st, r, bits);
    }
    env.cc_op = CC_OP_EFLAGS;
    env.cc_src = st->flags & ARITH;
}

/* ---- the instruction forms -------------------------------------------------------- */

/* Operand kinds, as ModRM.reg / ModRM.rm: V xmm, P mm, G general register;
 * W xmm or memory, U xmm only, Q mm or memory, N mm only, E general
 * register or memory, M memory only. */
enum {
    K_VW,
    K_VU,
    K_VM,
    K_PQ,
    K_PN,
    K_PM,
    K_VE,
    K_GW,
    K_GU,
    K_PE,
    K_GN,
    K_VQ,
    K_PW,
    K_VN,
    K_PU,
    K_U_GRP, /* ModRM.reg fixed: xmm register operand (shifts by imm) */
    K_N_GRP, /* the same on mm */
    K_M_GRP, /* ModRM.reg fixed, memory only */
    K_NONE,
};

#define F_IMM 0x01      /* an imm8 follows */
#define F_W 0x02        /* REX.W (64-bit mode only) */
#define F_APPROX 0x04   /* RCPPS/RSQRTPS: within the error bound */
#define F_FLAGS 0x08    /* sets the arithmetic flags */
#define F_NO32 0x10     /* not in 32-bit mode */
#define F_SMALLIMM 0x20 /* imm8 below 16 (keeps PCLMUL/ROUND interesting) */

typedef struct Form {
    const char *name;
    uint8_t pfx; /* 0, 0x66, 0xf2, 0xf3 */
    uint8_t map; /* 1: 0F, 2: 0F 38, 3: 0F 3A */
    uint8_t op;
    uint8_t kind;
    int8_t grp;
    uint8_t flags;
} Form;

#define X(n, p, m, o, k, f)                                                                        \
    {                                                                                              \
        n, p, m, o, k, -1, f                                                                       \
    }
#define G(n, p, m, o, k, g, f)                                                                     \
    {                                                                                              \
        n, p, m, o, k, g, f                                                                        \
    }

static const Form forms[] = {
    /* moves */
    X("movups", 0, 1, 0x10, K_VW, 0),
    X("movups st", 0, 1, 0x11, K_VW, 0),
    X("movupd", 0x66, 1, 0x10, K_VW, 0),
    X("movupd st", 0x66, 1, 0x11, K_VW, 0),
    X("movss", 0xf3, 1, 0x10, K_VW, 0),
    X("movss st", 0xf3, 1, 0x11, K_VW, 0),
    X("movsd", 0xf2, 1, 0x10, K_VW, 0),
    X("movsd st", 0xf2, 1, 0x11, K_VW, 0),
    X("movlps/movhlps", 0, 1, 0x12, K_VW, 0),
    X("movlps st", 0, 1, 0x13, K_VM, 0),
    X("movlpd", 0x66, 1, 0x12, K_VM, 0),
    X("movlpd st", 0x66, 1, 0x13, K_VM, 0),
    X("movsldup", 0xf3, 1, 0x12, K_VW, 0),
    X("movddup", 0xf2, 1, 0x12, K_VW, 0),
    X("movhps/movlhps", 0, 1, 0x16, K_VW, 0),
    X("movhps st", 0, 1, 0x17, K_VM, 0),
    X("movhpd", 0x66, 1, 0x16, K_VM, 0),
    X("movhpd st", 0x66, 1, 0x17, K_VM, 0),
    X("movshdup", 0xf3, 1, 0x16, K_VW, 0),
    X("movaps", 0, 1, 0x28, K_VW, 0),
    X("movaps st", 0, 1, 0x29, K_VW, 0),
    X("movapd", 0x66, 1, 0x28, K_VW, 0),
    X("movapd st", 0x66, 1, 0x29, K_VW, 0),
    X("movntps", 0, 1, 0x2b, K_VM, 0),
    X("movntpd", 0x66, 1, 0x2b, K_VM, 0),
    X("movd mm,e", 0, 1, 0x6e, K_PE, 0),
    X("movq mm,e", 0, 1, 0x6e, K_PE, F_W),
    X("movd x,e", 0x66, 1, 0x6e, K_VE, 0),
    X("movq x,e", 0x66, 1, 0x6e, K_VE, F_W),
    X("movq mm,q", 0, 1, 0x6f, K_PQ, 0),
    X("movdqa", 0x66, 1, 0x6f, K_VW, 0),
    X("movdqu", 0xf3, 1, 0x6f, K_VW, 0),
    X("movd e,mm", 0, 1, 0x7e, K_PE, 0),
    X("movq e,mm", 0, 1, 0x7e, K_PE, F_W),
    X("movd e,x", 0x66, 1, 0x7e, K_VE, 0),
    X("movq e,x", 0x66, 1, 0x7e, K_VE, F_W),
    X("movq x,w", 0xf3, 1, 0x7e, K_VW, 0),
    X("movq q,mm", 0, 1, 0x7f, K_PQ, 0),
    X("movdqa st", 0x66, 1, 0x7f, K_VW, 0),
    X("movdqu st", 0xf3, 1, 0x7f, K_VW, 0),
    X("movq w,x", 0x66, 1, 0xd6, K_VW, 0),
    X("movq2dq", 0xf3, 1, 0xd6, K_VN, 0),
    X("movdq2q", 0xf2, 1, 0xd6, K_PU, 0),
    X("movntq", 0, 1, 0xe7, K_PM, 0),
    X("movntdq", 0x66, 1, 0xe7, K_VM, 0),
    X("lddqu", 0xf2, 1, 0xf0, K_VM, 0),
    X("movntdqa", 0x66, 2, 0x2a, K_VM, 0),
    X("movmskps", 0, 1, 0x50, K_GU, 0),
    X("movmskpd", 0x66, 1, 0x50, K_GU, 0),
    X("pmovmskb mm", 0, 1, 0xd7, K_GN, 0),
    X("pmovmskb", 0x66, 1, 0xd7, K_GU, 0),
    X("maskmovq", 0, 1, 0xf7, K_PN, 0),
    X("maskmovdqu", 0x66, 1, 0xf7, K_VU, 0),
    X("pinsrw mm", 0, 1, 0xc4, K_PE, F_IMM),
    X("pinsrw", 0x66, 1, 0xc4, K_VE, F_IMM),
    X("pextrw mm", 0, 1, 0xc5, K_GN, F_IMM),
    X("pextrw", 0x66, 1, 0xc5, K_GU, F_IMM),
    X("pextrb", 0x66, 3, 0x14, K_VE, F_IMM),
    X("pextrw e", 0x66, 3, 0x15, K_VE, F_IMM),
    X("pextrd", 0x66, 3, 0x16, K_VE, F_IMM),
    X("pextrq", 0x66, 3, 0x16, K_VE, F_IMM | F_W),
    X("extractps", 0x66, 3, 0x17, K_VE, F_IMM),
    X("pinsrb", 0x66, 3, 0x20, K_VE, F_IMM),
    X("insertps", 0x66, 3, 0x21, K_VW, F_IMM),
    X("pinsrd", 0x66, 3, 0x22, K_VE, F_IMM),
    X("pinsrq", 0x66, 3, 0x22, K_VE, F_IMM | F_W),
    G("ldmxcsr", 0, 1, 0xae, K_M_GRP, 2, 0),
    G("stmxcsr", 0, 1, 0xae, K_M_GRP, 3, 0),
    X("emms", 0, 1, 0x77, K_NONE, 0),
    /* float arithmetic */
    X("sqrtps", 0, 1, 0x51, K_VW, 0),
    X("sqrtpd", 0x66, 1, 0x51, K_VW, 0),
    X("sqrtss", 0xf3, 1, 0x51, K_VW, 0),
    X("sqrtsd", 0xf2, 1, 0x51, K_VW, 0),
    X("rsqrtps", 0, 1, 0x52, K_VW, F_APPROX),
    X("rsqrtss", 0xf3, 1, 0x52, K_VW, F_APPROX),
    X("rcpps", 0, 1, 0x53, K_VW, F_APPROX),
    X("rcpss", 0xf3, 1, 0x53, K_VW, F_APPROX),
    X("andps", 0, 1, 0x54, K_VW, 0),
    X("andpd", 0x66, 1, 0x54, K_VW, 0),
    X("andnps", 0, 1, 0x55, K_VW, 0),
    X("andnpd", 0x66, 1, 0x55, K_VW, 0),
    X("orps", 0, 1, 0x56, K_VW, 0),
    X("orpd", 0x66, 1, 0x56, K_VW, 0),
    X("xorps", 0, 1, 0x57, K_VW, 0),
    X("xorpd", 0x66, 1, 0x57, K_VW, 0),
    X("addps", 0, 1, 0x58, K_VW, 0),
    X("addpd", 0x66, 1, 0x58, K_VW, 0),
    X("addss", 0xf3, 1, 0x58, K_VW, 0),
    X("addsd", 0xf2, 1, 0x58, K_VW, 0),
    X("mulps", 0, 1, 0x59, K_VW, 0),
    X("mulpd", 0x66, 1, 0x59, K_VW, 0),
    X("mulss", 0xf3, 1, 0x59, K_VW, 0),
    X("mulsd", 0xf2, 1, 0x59, K_VW, 0),
    X("cvtps2pd", 0, 1, 0x5a, K_VW, 0),
    X("cvtpd2ps", 0x66, 1, 0x5a, K_VW, 0),
    X("cvtss2sd", 0xf3, 1, 0x5a, K_VW, 0),
    X("cvtsd2ss", 0xf2, 1, 0x5a, K_VW, 0),
    X("cvtdq2ps", 0, 1, 0x5b, K_VW, 0),
    X("cvtps2dq", 0x66, 1, 0x5b, K_VW, 0),
    X("cvttps2dq", 0xf3, 1, 0x5b, K_VW, 0),
    X("subps", 0, 1, 0x5c, K_VW, 0),
    X("subpd", 0x66, 1, 0x5c, K_VW, 0),
    X("subss", 0xf3, 1, 0x5c, K_VW, 0),
    X("subsd", 0xf2, 1, 0x5c, K_VW, 0),
    X("minps", 0, 1, 0x5d, K_VW, 0),
    X("minpd", 0x66, 1, 0x5d, K_VW, 0),
    X("minss", 0xf3, 1, 0x5d, K_VW, 0),
    X("minsd", 0xf2, 1, 0x5d, K_VW, 0),
    X("divps", 0, 1, 0x5e, K_VW, 0),
    X("divpd", 0x66, 1, 0x5e, K_VW, 0),
    X("divss", 0xf3, 1, 0x5e, K_VW, 0),
    X("divsd", 0xf2, 1, 0x5e, K_VW, 0),
    X("maxps", 0, 1, 0x5f, K_VW, 0),
    X("maxpd", 0x66, 1, 0x5f, K_VW, 0),
    X("maxss", 0xf3, 1, 0x5f, K_VW, 0),
    X("maxsd", 0xf2, 1, 0x5f, K_VW, 0),
    X("cmpps", 0, 1, 0xc2, K_VW, F_IMM),
    X("cmppd", 0x66, 1, 0xc2, K_VW, F_IMM),
    X("cmpss", 0xf3, 1, 0xc2, K_VW, F_IMM),
    X("cmpsd", 0xf2, 1, 0xc2, K_VW, F_IMM),
    X("shufps", 0, 1, 0xc6, K_VW, F_IMM),
    X("shufpd", 0x66, 1, 0xc6, K_VW, F_IMM),
    X("unpcklps", 0, 1, 0x14, K_VW, 0),
    X("unpcklpd", 0x66, 1, 0x14, K_VW, 0),
    X("unpckhps", 0, 1, 0x15, K_VW, 0),
    X("unpckhpd", 0x66, 1, 0x15, K_VW, 0),
    X("ucomiss", 0, 1, 0x2e, K_VW, F_FLAGS),
    X("ucomisd", 0x66, 1, 0x2e, K_VW, F_FLAGS),
    X("comiss", 0, 1, 0x2f, K_VW, F_FLAGS),
    X("comisd", 0x66, 1, 0x2f, K_VW, F_FLAGS),
    X("cvtpi2ps", 0, 1, 0x2a, K_VQ, 0),
    X("cvtpi2pd", 0x66, 1, 0x2a, K_VQ, 0),
    X("cvtsi2ss", 0xf3, 1, 0x2a, K_VE, 0),
    X("cvtsi2sd", 0xf2, 1, 0x2a, K_VE, 0),
    X("cvtsi2ss q", 0xf3, 1, 0x2a, K_VE, F_W),
    X("cvtsi2sd q", 0xf2, 1, 0x2a, K_VE, F_W),
    X("cvttps2pi", 0, 1, 0x2c, K_PW, 0),
    X("cvttpd2pi", 0x66, 1, 0x2c, K_PW, 0),
    X("cvttss2si", 0xf3, 1, 0x2c, K_GW, 0),
    X("cvttsd2si", 0xf2, 1, 0x2c, K_GW, 0),
    X("cvttss2si q", 0xf3, 1, 0x2c, K_GW, F_W),
    X("cvttsd2si q", 0xf2, 1, 0x2c, K_GW, F_W),
    X("cvtps2pi", 0, 1, 0x2d, K_PW, 0),
    X("cvtpd2pi", 0x66, 1, 0x2d, K_PW, 0),
    X("cvtss2si", 0xf3, 1, 0x2d, K_GW, 0),
    X("cvtsd2si", 0xf2, 1, 0x2d, K_GW, 0),
    X("cvtss2si q", 0xf3, 1, 0x2d, K_GW, F_W),
    X("cvtsd2si q", 0xf2, 1, 0x2d, K_GW, F_W),
    X("cvttpd2dq", 0x66, 1, 0xe6, K_VW, 0),
    X("cvtdq2pd", 0xf3, 1, 0xe6, K_VW, 0),
    X("cvtpd2dq", 0xf2, 1, 0xe6, K_VW, 0),
    X("haddpd", 0x66, 1, 0x7c, K_VW, 0),
    X("haddps", 0xf2, 1, 0x7c, K_VW, 0),
    X("hsubpd", 0x66, 1, 0x7d, K_VW, 0),
    X("hsubps", 0xf2, 1, 0x7d, K_VW, 0),
    X("addsubpd", 0x66, 1, 0xd0, K_VW, 0),
    X("addsubps", 0xf2, 1, 0xd0, K_VW, 0),
    X("roundps", 0x66, 3, 0x08, K_VW, F_IMM | F_SMALLIMM),
    X("roundpd", 0x66, 3, 0x09, K_VW, F_IMM | F_SMALLIMM),
    X("roundss", 0x66, 3, 0x0a, K_VW, F_IMM | F_SMALLIMM),
    X("roundsd", 0x66, 3, 0x0b, K_VW, F_IMM | F_SMALLIMM),
    X("blendps", 0x66, 3, 0x0c, K_VW, F_IMM),
    X("blendpd", 0x66, 3, 0x0d, K_VW, F_IMM),
    X("dpps", 0x66, 3, 0x40, K_VW, F_IMM),
    X("dppd", 0x66, 3, 0x41, K_VW, F_IMM),
    X("blendvps", 0x66, 2, 0x14, K_VW, 0),
    X("blendvpd", 0x66, 2, 0x15, K_VW, 0),
    /* integer: MMX and SSE2 */
    X("punpcklbw mm", 0, 1, 0x60, K_PQ, 0),
    X("punpcklbw", 0x66, 1, 0x60, K_VW, 0),
    X("punpcklwd mm", 0, 1, 0x61, K_PQ, 0),
    X("punpcklwd", 0x66, 1, 0x61, K_VW, 0),
    X("punpckldq mm", 0, 1, 0x62, K_PQ, 0),
    X("punpckldq", 0x66, 1, 0x62, K_VW, 0),
    X("packsswb mm", 0, 1, 0x63, K_PQ, 0),
    X("packsswb", 0x66, 1, 0x63, K_VW, 0),
    X("pcmpgtb mm", 0, 1, 0x64, K_PQ, 0),
    X("pcmpgtb", 0x66, 1, 0x64, K_VW, 0),
    X("pcmpgtw mm", 0, 1, 0x65, K_PQ, 0),
    X("pcmpgtw", 0x66, 1, 0x65, K_VW, 0),
    X("pcmpgtd mm", 0, 1, 0x66, K_PQ, 0),
    X("pcmpgtd", 0x66, 1, 0x66, K_VW, 0),
    X("packuswb mm", 0, 1, 0x67, K_PQ, 0),
    X("packuswb", 0x66, 1, 0x67, K_VW, 0),
    X("punpckhbw mm", 0, 1, 0x68, K_PQ, 0),
    X("punpckhbw", 0x66, 1, 0x68, K_VW, 0),
    X("punpckhwd mm", 0, 1, 0x69, K_PQ, 0),
    X("punpckhwd", 0x66, 1, 0x69, K_VW, 0),
    X("punpckhdq mm", 0, 1, 0x6a, K_PQ, 0),
    X("punpckhdq", 0x66, 1, 0x6a, K_VW, 0),
    X("packssdw mm", 0, 1, 0x6b, K_PQ, 0),
    X("packssdw", 0x66, 1, 0x6b, K_VW, 0),
    X("punpcklqdq", 0x66, 1, 0x6c, K_VW, 0),
    X("punpckhqdq", 0x66, 1, 0x6d, K_VW, 0),
    X("pshufw", 0, 1, 0x70, K_PQ, F_IMM),
    X("pshufd", 0x66, 1, 0x70, K_VW, F_IMM),
    X("pshufhw", 0xf3, 1, 0x70, K_VW, F_IMM),
    X("pshuflw", 0xf2, 1, 0x70, K_VW, F_IMM),
    G("psrlw mm,i", 0, 1, 0x71, K_N_GRP, 2, F_IMM),
    G("psrlw x,i", 0x66, 1, 0x71, K_U_GRP, 2, F_IMM),
    G("psraw mm,i", 0, 1, 0x71, K_N_GRP, 4, F_IMM),
    G("psraw x,i", 0x66, 1, 0x71, K_U_GRP, 4, F_IMM),
    G("psllw mm,i", 0, 1, 0x71, K_N_GRP, 6, F_IMM),
    G("psllw x,i", 0x66, 1, 0x71, K_U_GRP, 6, F_IMM),
    G("psrld mm,i", 0, 1, 0x72, K_N_GRP, 2, F_IMM),
    G("psrld x,i", 0x66, 1, 0x72, K_U_GRP, 2, F_IMM),
    G("psrad mm,i", 0, 1, 0x72, K_N_GRP, 4, F_IMM),
    G("psrad x,i", 0x66, 1, 0x72, K_U_GRP, 4, F_IMM),
    G("pslld mm,i", 0, 1, 0x72, K_N_GRP, 6, F_IMM),
    G("pslld x,i", 0x66, 1, 0x72, K_U_GRP, 6, F_IMM),
    G("psrlq mm,i", 0, 1, 0x73, K_N_GRP, 2, F_IMM),
    G("psrlq x,i", 0x66, 1, 0x73, K_U_GRP, 2, F_IMM),
    G("psrldq", 0x66, 1, 0x73, K_U_GRP, 3, F_IMM),
    G("psllq mm,i", 0, 1, 0x73, K_N_GRP, 6, F_IMM),
    G("psllq x,i", 0x66, 1, 0x73, K_U_GRP, 6, F_IMM),
    G("pslldq", 0x66, 1, 0x73, K_U_GRP, 7, F_IMM),
    X("pcmpeqb mm", 0, 1, 0x74, K_PQ, 0),
    X("pcmpeqb", 0x66, 1, 0x74, K_VW, 0),
    X("pcmpeqw mm", 0, 1, 0x75, K_PQ, 0),
    X("pcmpeqw", 0x66, 1, 0x75, K_VW, 0),
    X("pcmpeqd mm", 0, 1, 0x76, K_PQ, 0),
    X("pcmpeqd", 0x66, 1, 0x76, K_VW, 0),
    X("psrlw mm", 0, 1, 0xd1, K_PQ, 0),
    X("psrlw", 0x66, 1, 0xd1, K_VW, 0),
    X("psrld mm", 0, 1, 0xd2, K_PQ, 0),
    X("psrld", 0x66, 1, 0xd2, K_VW, 0),
    X("psrlq mm", 0, 1, 0xd3, K_PQ, 0),
    X("psrlq", 0x66, 1, 0xd3, K_VW, 0),
    X("paddq mm", 0, 1, 0xd4, K_PQ, 0),
    X("paddq", 0x66, 1, 0xd4, K_VW, 0),
    X("pmullw mm", 0, 1, 0xd5, K_PQ, 0),
    X("pmullw", 0x66, 1, 0xd5, K_VW, 0),
    X("psubusb mm", 0, 1, 0xd8, K_PQ, 0),
    X("psubusb", 0x66, 1, 0xd8, K_VW, 0),
    X("psubusw mm", 0, 1, 0xd9, K_PQ, 0),
    X("psubusw", 0x66, 1, 0xd9, K_VW, 0),
    X("pminub mm", 0, 1, 0xda, K_PQ, 0),
    X("pminub", 0x66, 1, 0xda, K_VW, 0),
    X("pand mm", 0, 1, 0xdb, K_PQ, 0),
    X("pand", 0x66, 1, 0xdb, K_VW, 0),
    X("paddusb mm", 0, 1, 0xdc, K_PQ, 0),
    X("paddusb", 0x66, 1, 0xdc, K_VW, 0),
    X("paddusw mm", 0, 1, 0xdd, K_PQ, 0),
    X("paddusw", 0x66, 1, 0xdd, K_VW, 0),
    X("pmaxub mm", 0, 1, 0xde, K_PQ, 0),
    X("pmaxub", 0x66, 1, 0xde, K_VW, 0),
    X("pandn mm", 0, 1, 0xdf, K_PQ, 0),
    X("pandn", 0x66, 1, 0xdf, K_VW, 0),
    X("pavgb mm", 0, 1, 0xe0, K_PQ, 0),
    X("pavgb", 0x66, 1, 0xe0, K_VW, 0),
    X("psraw mm", 0, 1, 0xe1, K_PQ, 0),
    X("psraw", 0x66, 1, 0xe1, K_VW, 0),
    X("psrad mm", 0, 1, 0xe2, K_PQ, 0),
    X("psrad", 0x66, 1, 0xe2, K_VW, 0),
    X("pavgw mm", 0, 1, 0xe3, K_PQ, 0),
    X("pavgw", 0x66, 1, 0xe3, K_VW, 0),
    X("pmulhuw mm", 0, 1, 0xe4, K_PQ, 0),
    X("pmulhuw", 0x66, 1, 0xe4, K_VW, 0),
    X("pmulhw mm", 0, 1, 0xe5, K_PQ, 0),
    X("pmulhw", 0x66, 1, 0xe5, K_VW, 0),
    X("psubsb mm", 0, 1, 0xe8, K_PQ, 0),
    X("psubsb", 0x66, 1, 0xe8, K_VW, 0),
    X("psubsw mm", 0, 1, 0xe9, K_PQ, 0),
    X("psubsw", 0x66, 1, 0xe9, K_VW, 0),
    X("pminsw mm", 0, 1, 0xea, K_PQ, 0),
    X("pminsw", 0x66, 1, 0xea, K_VW, 0),
    X("por mm", 0, 1, 0xeb, K_PQ, 0),
    X("por", 0x66, 1, 0xeb, K_VW, 0),
    X("paddsb mm", 0, 1, 0xec, K_PQ, 0),
    X("paddsb", 0x66, 1, 0xec, K_VW, 0),
    X("paddsw mm", 0, 1, 0xed, K_PQ, 0),
    X("paddsw", 0x66, 1, 0xed, K_VW, 0),
    X("pmaxsw mm", 0, 1, 0xee, K_PQ, 0),
    X("pmaxsw", 0x66, 1, 0xee, K_VW, 0),
    X("pxor mm", 0, 1, 0xef, K_PQ, 0),
    X("pxor", 0x66, 1, 0xef, K_VW, 0),
    X("psllw mm", 0, 1, 0xf1, K_PQ, 0),
    X("psllw", 0x66, 1, 0xf1, K_VW, 0),
    X("pslld mm", 0, 1, 0xf2, K_PQ, 0),
    X("pslld", 0x66, 1, 0xf2, K_VW, 0),
    X("psllq mm", 0, 1, 0xf3, K_PQ, 0),
    X("psllq", 0x66, 1, 0xf3, K_VW, 0),
    X("pmuludq mm", 0, 1, 0xf4, K_PQ, 0),
    X("pmuludq", 0x66, 1, 0xf4, K_VW, 0),
    X("pmaddwd mm", 0, 1, 0xf5, K_PQ, 0),
    X("pmaddwd", 0x66, 1, 0xf5, K_VW, 0),
    X("psadbw mm", 0, 1, 0xf6, K_PQ, 0),
    X("psadbw", 0x66, 1, 0xf6, K_VW, 0),
    X("psubb mm", 0, 1, 0xf8, K_PQ, 0),
    X("psubb", 0x66, 1, 0xf8, K_VW, 0),
    X("psubw mm", 0, 1, 0xf9, K_PQ, 0),
    X("psubw", 0x66, 1, 0xf9, K_VW, 0),
    X("psubd mm", 0, 1, 0xfa, K_PQ, 0),
    X("psubd", 0x66, 1, 0xfa, K_VW, 0),
    X("psubq mm", 0, 1, 0xfb, K_PQ, 0),
    X("psubq", 0x66, 1, 0xfb, K_VW, 0),
    X("paddb mm", 0, 1, 0xfc, K_PQ, 0),
    X("paddb", 0x66, 1, 0xfc, K_VW, 0),
    X("paddw mm", 0, 1, 0xfd, K_PQ, 0),
    X("paddw", 0x66, 1, 0xfd, K_VW, 0),
    X("paddd mm", 0, 1, 0xfe, K_PQ, 0),
    X("paddd", 0x66, 1, 0xfe, K_VW, 0),
    /* SSSE3 */
    X("pshufb mm", 0, 2, 0x00, K_PQ, 0),
    X("pshufb", 0x66, 2, 0x00, K_VW, 0),
    X("phaddw mm", 0, 2, 0x01, K_PQ, 0),
    X("phaddw", 0x66, 2, 0x01, K_VW, 0),
    X("phaddd mm", 0, 2, 0x02, K_PQ, 0),
    X("phaddd", 0x66, 2, 0x02, K_VW, 0),
    X("phaddsw mm", 0, 2, 0x03, K_PQ, 0),
    X("phaddsw", 0x66, 2, 0x03, K_VW, 0),
    X("pmaddubsw mm", 0, 2, 0x04, K_PQ, 0),
    X("pmaddubsw", 0x66, 2, 0x04, K_VW, 0),
    X("phsubw mm", 0, 2, 0x05, K_PQ, 0),
    X("phsubw", 0x66, 2, 0x05, K_VW, 0),
    X("phsubd mm", 0, 2, 0x06, K_PQ, 0),
    X("phsubd", 0x66, 2, 0x06, K_VW, 0),
    X("phsubsw mm", 0, 2, 0x07, K_PQ, 0),
    X("phsubsw", 0x66, 2, 0x07, K_VW, 0),
    X("psignb mm", 0, 2, 0x08, K_PQ, 0),
    X("psignb", 0x66, 2, 0x08, K_VW, 0),
    X("psignw mm", 0, 2, 0x09, K_PQ, 0),
    X("psignw", 0x66, 2, 0x09, K_VW, 0),
    X("psignd mm", 0, 2, 0x0a, K_PQ, 0),
    X("psignd", 0x66, 2, 0x0a, K_VW, 0),
    X("pmulhrsw mm", 0, 2, 0x0b, K_PQ, 0),
    X("pmulhrsw", 0x66, 2, 0x0b, K_VW, 0),
    X("pabsb mm", 0, 2, 0x1c, K_PQ, 0),
    X("pabsb", 0x66, 2, 0x1c, K_VW, 0),
    X("pabsw mm", 0, 2, 0x1d, K_PQ, 0),
    X("pabsw", 0x66, 2, 0x1d, K_VW, 0),
    X("pabsd mm", 0, 2, 0x1e, K_PQ, 0),
    X("pabsd", 0x66, 2, 0x1e, K_VW, 0),
    X("palignr mm", 0, 3, 0x0f, K_PQ, F_IMM),
    X("palignr", 0x66, 3, 0x0f, K_VW, F_IMM),
    /* SSE4.1 */
    X("pblendvb", 0x66, 2, 0x10, K_VW, 0),
    X("ptest", 0x66, 2, 0x17, K_VW, F_FLAGS),
    X("pmovsxbw", 0x66, 2, 0x20, K_VW, 0),
    X("pmovsxbd", 0x66, 2, 0x21, K_VW, 0),
    X("pmovsxbq", 0x66, 2, 0x22, K_VW, 0),
    X("pmovsxwd", 0x66, 2, 0x23, K_VW, 0),
    X("pmovsxwq", 0x66, 2, 0x24, K_VW, 0),
    X("pmovsxdq", 0x66, 2, 0x25, K_VW, 0),
    X("pmuldq", 0x66, 2, 0x28, K_VW, 0),
    X("pcmpeqq", 0x66, 2, 0x29, K_VW, 0),
    X("packusdw", 0x66, 2, 0x2b, K_VW, 0),
    X("pmovzxbw", 0x66, 2, 0x30, K_VW, 0),
    X("pmovzxbd", 0x66, 2, 0x31, K_VW, 0),
    X("pmovzxbq", 0x66, 2, 0x32, K_VW, 0),
    X("pmovzxwd", 0x66, 2, 0x33, K_VW, 0),
    X("pmovzxwq", 0x66, 2, 0x34, K_VW, 0),
    X("pmovzxdq", 0x66, 2, 0x35, K_VW, 0),
    X("pcmpgtq", 0x66, 2, 0x37, K_VW, 0),
    X("pminsb", 0x66, 2, 0x38, K_VW, 0),
    X("pminsd", 0x66, 2, 0x39, K_VW, 0),
    X("pminuw", 0x66, 2, 0x3a, K_VW, 0),
    X("pminud", 0x66, 2, 0x3b, K_VW, 0),
    X("pmaxsb", 0x66, 2, 0x3c, K_VW, 0),
    X("pmaxsd", 0x66, 2, 0x3d, K_VW, 0),
    X("pmaxuw", 0x66, 2, 0x3e, K_VW, 0),
    X("pmaxud", 0x66, 2, 0x3f, K_VW, 0),
    X("pmulld", 0x66, 2, 0x40, K_VW, 0),
    X("phminposuw", 0x66, 2, 0x41, K_VW, 0),
    X("pblendw", 0x66, 3, 0x0e, K_VW, F_IMM),
    X("mpsadbw", 0x66, 3, 0x42, K_VW, F_IMM),
    /* SSE4.2, AES-NI, PCLMULQDQ */
    X("pcmpestrm", 0x66, 3, 0x60, K_VW, F_IMM | F_FLAGS),
    X("pcmpestri", 0x66, 3, 0x61, K_VW, F_IMM | F_FLAGS),
    X("pcmpistrm", 0x66, 3, 0x62, K_VW, F_IMM | F_FLAGS),
    X("pcmpistri", 0x66, 3, 0x63, K_VW, F_IMM | F_FLAGS),
    X("pcmpestri q", 0x66, 3, 0x61, K_VW, F_IMM | F_FLAGS | F_W),
    X("aesimc", 0x66, 2, 0xdb, K_VW, 0),
    X("aesenc", 0x66, 2, 0xdc, K_VW, 0),
    X("aesenclast", 0x66, 2, 0xdd, K_VW, 0),
    X("aesdec", 0x66, 2, 0xde, K_VW, 0),
    X("aesdeclast", 0x66, 2, 0xdf, K_VW, 0),
    X("aeskeygenassist", 0x66, 3, 0xdf, K_VW, F_IMM),
    X("pclmulqdq", 0x66, 3, 0x44, K_VW, F_IMM | F_SMALLIMM),
};

/* ---- one case ------------------------------------------------------------------------ */

typedef struct Case {
    uint8_t code[16];
    unsigned len;
    int bits;
    bool mem;
    unsigned reg, rm, disp; /* ModRM.reg and .rm with their REX bits; disp8 */
    const State *in;        /* for the report */
    const uint8_t *mem_in;
} Case;

/* A general register number usable as an operand: not rsp or r15, not rsi
 * or rdi (they hold the memory base, which differs between the runs),
 * below 8 in 32-bit mode. */
static unsigned random_gpr(int bits)
{
    unsigned r;
    do {
        r = gprs_used[rnd_below(NGPRS)];
    } while ((bits == 32 && r >= 8) || r == R_ESI || r == R_EDI);
    return r;
}

static void encode(const Form *f, Case *c)
{
    bool mode64 = c->bits == 64;
    unsigned reg, rm = 0;
    bool reg_ext = false, rm_ext = false;
    bool rm_reg_only = false, rm_mem_only = false;
    unsigned regcls, rmcls; /* 0 xmm, 1 mm, 2 gpr */
    switch (f->kind) {
    case K_VW:
        regcls = 0;
        rmcls = 0;
        break;
    case K_VU:
        regcls = 0;
        rmcls = 0;
        rm_reg_only = true;
        break;
    case K_VM:
        regcls = 0;
        rmcls = 0;
        rm_mem_only = true;
        break;
    case K_PQ:
        regcls = 1;
        rmcls = 1;
        break;
    case K_PN:
        regcls = 1;
        rmcls = 1;
        rm_reg_only = true;
        break;
    case K_PM:
        regcls = 1;
        rmcls = 1;
        rm_mem_only = true;
        break;
    case K_VE:
        regcls = 0;
        rmcls = 2;
        break;
    case K_GW:
        regcls = 2;
        rmcls = 0;
        break;
    case K_GU:
        regcls = 2;
        rmcls = 0;
        rm_reg_only = true;
        break;
    case K_PE:
        regcls = 1;
        rmcls = 2;
        break;
    case K_GN:
        regcls = 2;
        rmcls = 1;
        rm_reg_only = true;
        break;
    case K_VQ:
        regcls = 0;
        rmcls = 1;
        break;
    case K_PW:
        regcls = 1;
        rmcls = 0;
        break;
    case K_VN:
        regcls = 0;
        rmcls = 1;
        rm_reg_only = true;
        break;
    case K_PU:
        regcls = 1;
        rmcls = 0;
        rm_reg_only = true;
        break;
    case K_U_GRP:
        regcls = 3;
        rmcls = 0;
        rm_reg_only = true;
        break;
    case K_N_GRP:
        regcls = 3;
        rmcls = 1;
        rm_reg_only = true;
        break;
    case K_M_GRP:
        regcls = 3;
        rmcls = 0;
        rm_mem_only = true;
        break;
    default:
        regcls = 3;
        rmcls = 3;
        break;
    }
    unsigned limit = mode64 ? 16 : 8;
    switch (regcls) {
    case 0:
        reg = rnd_below(limit);
        break;
    case 1:
        reg = rnd_below(8);
        break;
    case 2:
        reg = random_gpr(c->bits);
        break;
    default:
        reg = f->grp >= 0 ? (unsigned)f->grp : 0;
        break;
    }
    c->reg = reg;
    reg_ext = reg >= 8;
    reg &= 7;
    c->mem = rm_mem_only || (!rm_reg_only && rmcls != 3 && rnd_below(2) == 0);
    if (!c->mem && rmcls != 3) {
        rm = rmcls == 0 ? rnd_below(limit) : rmcls == 1 ? rnd_below(8) : random_gpr(c->bits);
        c->rm = rm;
        rm_ext = rm >= 8;
        rm &= 7;
    }
    unsigned n = 0;
    uint8_t *p = c->code;
    if (f->pfx) {
        p[n++] = f->pfx;
    }
    uint8_t rex = (f->flags & F_W ? 8 : 0) | (reg_ext ? 4 : 0) | (rm_ext ? 1 : 0);
    if (rex || (mode64 && rnd_below(8) == 0)) {
        p[n++] = 0x40 | rex;
    }
    p[n++] = 0x0f;
    if (f->map == 2) {
        p[n++] = 0x38;
    } else if (f->map == 3) {
        p[n++] = 0x3a;
    }
    p[n++] = f->op;
    if (f->kind == K_NONE) {
        c->len = n;
        return;
    }
    if (c->mem) {
        /* [rsi + disp8]: mostly 16-byte aligned, sometimes not */
        unsigned disp = rnd_below(4) ? 16 * rnd_below(4) : rnd_below(64);
        c->disp = disp;
        p[n++] = (uint8_t)(0x40 | reg << 3 | 6);
        p[n++] = (uint8_t)disp;
    } else {
        p[n++] = (uint8_t)(0xc0 | reg << 3 | rm);
    }
    if (f->flags & F_IMM) {
        p[n++] = (uint8_t)(f->flags & F_SMALLIMM ? rnd_below(16) | (rnd() & 0x10) : rnd());
    }
    c->len = n;
}

static unsigned failures_shown;

static void show_case(const Form *f, const Case *c, const char *what)
{
    if (failures_shown++ > 40) {
        return;
    }
    fprintf(stderr, "  %s [%d-bit]:", f->name, c->bits);
    for (unsigned i = 0; i < c->len; i++) {
        fprintf(stderr, " %02x", c->code[i]);
    }
    fprintf(stderr, ": %s\n", what);
    if (c->in) {
        const uint8_t *fx = c->in->fx;
        fprintf(stderr, "    in: mxcsr %08x  xmm%u %016" PRIx64 ":%016" PRIx64, fx32(fx, FX_MXCSR),
                c->reg, ((const uint64_t *)(fx + FX_XMM + 16 * (c->reg & 15)))[1],
                ((const uint64_t *)(fx + FX_XMM + 16 * (c->reg & 15)))[0]);
        if (c->mem) {
            uint64_t lo, hi;
            memcpy(&lo, c->mem_in + c->disp, 8);
            memcpy(&hi, c->mem_in + c->disp + 8, 8);
            fprintf(stderr, "  mem+%u %016" PRIx64 ":%016" PRIx64 "\n", c->disp, hi, lo);
        } else {
            fprintf(stderr, "  xmm%u %016" PRIx64 ":%016" PRIx64 "\n", c->rm,
                    ((const uint64_t *)(fx + FX_XMM + 16 * (c->rm & 15)))[1],
                    ((const uint64_t *)(fx + FX_XMM + 16 * (c->rm & 15)))[0]);
        }
    }
}

/* RCPPS/RSQRTPS lanes: the host's and ours both approximate the same value
 * within 1.5 * 2^-12 relative (SDM Vol. 2B RCPPS); ours is the correctly
 * rounded one, so they may differ by about that much. Special results
 * (zeros, infinities, NaNs) must be equal. */
static bool approx_equal(const uint8_t *want, const uint8_t *got)
{
    for (unsigned l = 0; l < 4; l++) {
        float w, g;
        memcpy(&w, want + 4 * l, 4);
        memcpy(&g, got + 4 * l, 4);
        if (memcmp(want + 4 * l, got + 4 * l, 4) == 0) {
            continue;
        }
        if (!isnormal(w) || !isnormal(g) || fabs((double)g - w) > 1.6 * ldexp(1, -12) * fabs(w)) {
            return false;
        }
    }
    return true;
}

static unsigned cases_run, cases_faulted;

static void compare(const Form *f, const Case *c, int vec_native, int vec_guest, const State *in,
                    const uint8_t *mem_in)
{
    char msg[256];
    const State *out = &native.out;
    if (vec_native != vec_guest) {
        snprintf(msg, sizeof msg, "exception %d natively, %d in rx86", vec_native, vec_guest);
        show_case(f, c, msg);
        CHECK(false);
        return;
    }
    bool ok = true; /* after a fault too: the state at the fault (from the signal frame) */
    /* MXCSR */
    if (fx32(out->fx, FX_MXCSR) != env.mxcsr) {
        snprintf(msg, sizeof msg, "mxcsr %08x natively, %08x in rx86", fx32(out->fx, FX_MXCSR),
                 env.mxcsr);
        show_case(f, c, msg);
        ok = false;
    }
    /* XMM registers */
    unsigned nxmm = c->bits == 64 ? 16 : 8;
    for (unsigned i = 0; i < nxmm; i++) {
        const uint8_t *want = out->fx + FX_XMM + 16 * i;
        if (memcmp(want, &env.xmm[i], 16) == 0) {
            continue;
        }
        if ((f->flags & F_APPROX) && approx_equal(want, (const uint8_t *)&env.xmm[i])) {
            continue;
        }
        snprintf(msg, sizeof msg,
                 "xmm%u %016" PRIx64 ":%016" PRIx64 " natively, %016" PRIx64 ":%016" PRIx64
                 " in rx86",
                 i, ((const uint64_t *)want)[1], ((const uint64_t *)want)[0], env.xmm[i].q[1],
                 env.xmm[i].q[0]);
        show_case(f, c, msg);
        ok = false;
    }
    /* x87: TOP, the tags, the MMX registers and their exponents */
    uint16_t fsw = fx16(out->fx, FX_FSW);
    unsigned top = (fsw >> 11) & 7;
    if (top != env.fpu.top || out->fx[FX_FTW] != env.fpu.ftw || (fsw & ~0x3800u) != env.fpu.fsw) {
        snprintf(msg, sizeof msg, "fsw %04x ftw %02x natively, fsw %04x top %u ftw %02x in rx86",
                 fsw, out->fx[FX_FTW], env.fpu.fsw, env.fpu.top, env.fpu.ftw);
        show_case(f, c, msg);
        ok = false;
    }
    for (unsigned j = 0; j < 8; j++) {
        unsigned phys = (top + j) & 7;
        uint64_t mant;
        memcpy(&mant, out->fx + FX_ST + 16 * j, 8);
        uint16_t se = fx16(out->fx, FX_ST + 16 * j + 8);
        if (mant != env.fpu.st[phys].mant || se != env.fpu.st[phys].sign_exp) {
            snprintf(msg, sizeof msg,
                     "mm%u %04x:%016" PRIx64 " natively, %04x:%016" PRIx64 " in rx86", phys, se,
                     mant, env.fpu.st[phys].sign_exp, env.fpu.st[phys].mant);
            show_case(f, c, msg);
            ok = false;
        }
    }
    {
        /* general registers */
        for (unsigned i = 0; i < NGPRS; i++) {
            unsigned r = gprs_used[i];
            uint64_t want = out->gpr[r], got = env.regs[r];
            if ((r == R_ESI || r == R_EDI) && want == in->gpr[r]) {
                want = DATA; /* untouched base register */
            }
            if (c->bits == 32) {
                want = (uint32_t)want;
                got = (uint32_t)got;
            }
            if (want != got) {
                snprintf(msg, sizeof msg, "r%u %016" PRIx64 " natively, %016" PRIx64 " in rx86", r,
                         want, got);
                show_case(f, c, msg);
                ok = false;
            }
        }
        uint64_t fl = flags();
        if ((out->flags & ARITH) != (fl & ARITH)) {
            snprintf(msg, sizeof msg, "flags %03" PRIx64 " natively, %03" PRIx64 " in rx86",
                     out->flags & ARITH, fl & ARITH);
            show_case(f, c, msg);
            ok = false;
        }
        /* memory */
        if (memcmp(native.mem, ram + DATA, MEM_SIZE) != 0) {
            show_case(f, c, "memory differs");
            ok = false;
        }
        if (vec_native >= 0 && memcmp(ram + DATA, mem_in, MEM_SIZE) != 0) {
            show_case(f, c, "memory written by a faulting instruction");
            ok = false;
        }
    }
    CHECK(ok);
}

static void run_case(const Form *f, int bits, bool jit)
{
    Case c = {.bits = bits};
    encode(f, &c);
    State in;
    uint8_t mem_in[MEM_SIZE];
    random_state(&in, mem_in);
    c.in = &in;
    c.mem_in = mem_in;
    if (f->kind == K_M_GRP && f->grp == 2) {
        if (rnd_below(4)) { /* LDMXCSR: mostly a valid value */
            uint32_t m = random_mxcsr();
            memcpy(mem_in + c.disp, &m, 4);
        }
        /* not bit 17: AMD's MXCSR_MASK has MM (misaligned SSE mode), ours
         * is Intel's 0xffff */
        mem_in[c.disp + 2] &= (uint8_t)~2u;
    }
    /* natively */
    native.in = in;
    native.in.gpr[R_ESI] = native.in.gpr[R_EDI] = (uint64_t)(uintptr_t)native.mem;
    in.gpr[R_ESI] = in.gpr[R_EDI] = native.in.gpr[R_ESI];
    memcpy(native.mem, mem_in, MEM_SIZE);
    memset(&native.out, 0, sizeof(native.out));
    int vn = run_native(c.code, c.len);
    /* in rx86 */
    set_mode(bits);
    state_to_env(&in, bits);
    memcpy(ram + DATA, mem_in, MEM_SIZE);
    int vg = jit ? run_bytes_jit(c.code, c.len) : run_bytes(c.code, c.len);
    cases_run++;
    if (vn >= 0) {
        cases_faulted++;
    }
    compare(f, &c, vn, vg, &in, mem_in);
}

/* ---- main ------------------------------------------------------------------------- */

static bool host_has(const Form *f)
{
    if (f->map == 3 && (f->op >= 0x60 && f->op <= 0x63)) {
        return __builtin_cpu_supports("sse4.2");
    }
    if ((f->map == 2 && f->op >= 0xdb) || (f->map == 3 && f->op == 0xdf)) {
        return __builtin_cpu_supports("aes");
    }
    if (f->map == 3 && f->op == 0x44) {
        return __builtin_cpu_supports("pclmul");
    }
    if (f->map == 2 && f->op == 0x37) {
        return __builtin_cpu_supports("sse4.2");
    }
    if (f->map == 2 || f->map == 3) {
        return __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("ssse3");
    }
    return __builtin_cpu_supports("sse3");
}

int main(int argc, char **argv)
{
    if (!lift_machine_init("sse_host_test")) {
        return 1;
    }
    unsigned per_form = argc > 1 ? (unsigned)atoi(argv[1]) : 150;
    thunk =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (thunk == MAP_FAILED) {
        fprintf(stderr, "sse_host_test: no executable memory\n");
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = native_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);

    bool jit = jit_init();
    if (!jit) {
        fprintf(stderr, "sse_host_test: the JIT did not start: the interpreter runs every case\n");
    }

    /* the extensions (CPUID.1 EDX mmx sse sse2; ECX pni pclmulqdq ssse3
     * sse4.1 sse4.2 aes), until the default model reports them */
    env.model.features[FEAT_1_EDX] |= (1u << 23) | (1u << 25) | (1u << 26);
    env.model.features[FEAT_1_ECX] |=
        (1u << 0) | (1u << 1) | (1u << 9) | (1u << 19) | (1u << 20) | (1u << 25);

    unsigned skipped = 0;
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        const Form *f = &forms[i];
        if (!host_has(f)) {
            skipped++;
            continue;
        }
        for (unsigned k = 0; k < per_form; k++) {
            bool only64 = f->flags & (F_W | F_NO32);
            run_case(f, only64 || k % 5 ? 64 : 32, jit && k % 2);
        }
    }
    printf("sse_host_test: %zu forms (%u skipped: host lacks them), %u cases, %u faulting\n",
           sizeof(forms) / sizeof(forms[0]), skipped, cases_run, cases_faulted);
    if (jit) {
        backend_x86_64.destroy(jit_state);
        code_buffer_destroy(&jit_code);
    }
    munmap(thunk, 4096);
    lift_machine_destroy();
    return check_report("sse_host");
}

#else

#include <stdio.h>

int main(void)
{
    printf("sse_host_test: skipped: it compares with an x86-64 host CPU\n");
    return 0;
}

#endif
