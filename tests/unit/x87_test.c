/*
 * x87_test.c — the x87 instructions end to end: code bytes lifted by
 * rx86 (guest_translate, the helpers of frontend/fpu_helper*.c) and run
 * by the IR interpreter on a small machine (lift_machine.h), against the
 * same bytes run natively on the host's x87.
 *
 * The differential part builds random snippets of one to five x87
 * instructions (register and [rbx+disp8] memory forms, FCMOVcc and
 * FCOMI against random EFLAGS, FNSTSW AX, FNSTENV, FNSAVE, FLDCW of
 * random words ...) on a random starting FPU state (stack contents from
 * the edges of the format, random tags and TOP, rounding, precision,
 * masks, sometimes a pending exception) and random data; the host runs
 * them between FRSTOR and FNSAVE (an unmasked exception then surfaces as
 * SIGFPE at the next waiting instruction: #MF), rx86 in 64-bit mode with
 * CR0.NE = 1. The whole FPU state (FIP and FDP relative to the code and
 * data), the data bytes, EFLAGS and AX must agree.
 *
 * Directed checks cover what the host cannot show from user mode: #NM,
 * #PF in the middle of a store or load, CR0.NE = 0, the real-mode and
 * 16-bit environment layouts, FXSAVE/FXRSTOR and XSAVE/XRSTOR rules.
 */
/* before lift_machine.h: its inline functions name their CpuState env,
 * which the machine's global of that name would shadow */
#include "frontend/fpu_helpers.h"
#include "frontend/x86_decode.h"

#include "lift_machine.h"

#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>

/* GCC warns that locals of host_run "might be clobbered" across its
 * sigsetjmp: none is used after the longjmp but to be overwritten. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wclobbered"
#endif

/* ---- a fixed-seed generator --------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* An x87 register value from the edges of the format. */
static Float80 rnd_f80(void)
{
    bool s = rnd() & 1;
    uint64_t m = rnd();
    switch (rnd_below(16)) {
    case 0:
        return f80_make(s, 0, 0);
    case 1:
        return f80_make(s, 0, m >> (1 + rnd_below(63))); /* denormal */
    case 2:
        return f80_make(s, F80_EXP_MAX, F80_J);
    case 3:
        return f80_make(s, F80_EXP_MAX, F80_J | (m >> 2) | 1); /* NaN */
    case 4:
        return f80_make(s, (unsigned)(1 + rnd_below(0x7ffe)), m & ~F80_J); /* unnormal */
    case 5:
        return f80_make(s, (unsigned)(F80_BIAS + rnd_below(64)), F80_J | (m << rnd_below(64)));
    case 6:
        return f80_make(s, (unsigned)(1 + rnd_below(40)), F80_J | m);
    case 7:
        return f80_make(s, (unsigned)(0x7ffe - rnd_below(40)), F80_J | m);
    default:
        return f80_make(s, (unsigned)(F80_BIAS - 40 + rnd_below(80)), F80_J | m);
    }
}

/* ---- the starting state, as an FRSTOR image (32-bit protected layout) ---------- */

#define DATA_SIZE 1024u

typedef struct Start {
    uint8_t fsave[108];
    uint64_t rflags;
    uint8_t data[DATA_SIZE];
} Start;

static void rnd_start(Start *st)
{
    uint8_t *b = st->fsave;
    memset(b, 0, sizeof(st->fsave));
    uint16_t fcw = (uint16_t)(0x3f | rnd_below(4) << FCW_RC_SHIFT | (rnd_below(4) << FCW_PC_SHIFT));
    if (rnd_below(6) == 0) {
        fcw &= (uint16_t) ~(rnd() & SF_EXC_MASK);
    }
    fcw |= FCW_ALWAYS;
    uint16_t flags = rnd_below(3) == 0 ? (uint16_t)(rnd() & SF_EXC_MASK) : 0;
    uint16_t cc = (uint16_t)(rnd() & FSW_CC);
    unsigned top = rnd_below(8);
    uint16_t fsw = (uint16_t)(flags | cc | top << FSW_TOP_SHIFT);
    if (flags & ~fcw & SF_EXC_MASK) {
        fsw |= FSW_ES | FSW_B;
    }
    uint16_t tags = 0;
    for (unsigned p = 0; p < 8; p++) {
        tags |= (uint16_t)((rnd_below(3) == 0 ? 3u : 0u) << (2 * p));
    }
    fpu_wr16(b, 0, fcw);
    fpu_wr16(b, 4, fsw);
    fpu_wr16(b, 8, tags);
    for (unsigned i = 0; i < 8; i++) {
        fpu_wr_f80(b, 28 + 10 * i, rnd_f80());
    }
    st->rflags = 0x202 | (rnd() & (EFLAGS_CF | EFLAGS_PF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_OF));
    for (unsigned i = 0; i < DATA_SIZE; i += 8) {
        uint64_t v = rnd();
        switch (rnd_below(4)) {
        case 0: { /* a double near 1 */
            v = (0x3ffull + rnd_below(4)) << 52 | (v >> 12);
            break;
        }
        case 1: /* a small integer */
            v = (uint64_t)(int64_t)(int32_t)(v >> rnd_below(64));
            break;
        default:
            break;
        }
        memcpy(st->data + i, &v, 8);
    }
}

/* ---- the host ----------------------------------------------------------------------- */

#if defined(__x86_64__)
#define HAVE_HOST_X87 1

typedef struct Outcome {
    int fault;             /* -1: ran to the end; else the vector (#MF: 16) */
    uint64_t fault_offset; /* for #MF: where, from the snippet's start */
    uint16_t fcw, fsw, ftw_full;
    uint16_t fop;
    uint32_t fip_off, fdp_off; /* from the code / data base */
    Float80 st[8];             /* stack order */
    uint64_t rflags, rax;
    uint8_t data[DATA_SIZE];
} Outcome;

/* The snippets run at the same addresses on the host and in rx86, so the
 * FIP and FDP that FNSTENV/FNSAVE store agree: a mapping at 0x11000 (above
 * the usual mmap_min_addr of 0x10000, inside rx86's small RAM). */
#define X_CODE 0x11000u
#define X_DATA 0x13000u
static uint8_t *host_code = (uint8_t *)(uintptr_t)X_CODE;
static uint8_t *host_data = (uint8_t *)(uintptr_t)X_DATA;
static sigjmp_buf host_jmp;
static volatile uint64_t host_fault_rip;
static struct _libc_fpstate host_fault_fp;

static void on_sigfpe(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ctx;
    host_fault_rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
    memcpy(&host_fault_fp, uc->uc_mcontext.fpregs, sizeof(host_fault_fp));
    siglongjmp(host_jmp, 1);
}

static void outcome_from_fsave(Outcome *o, const uint8_t *b, uint64_t code, uint64_t data)
{
    o->fcw = (uint16_t)fpu_rd16(b, 0);
    o->fsw = (uint16_t)fpu_rd16(b, 4);
    o->ftw_full = (uint16_t)fpu_rd16(b, 8);
    o->fip_off = fpu_rd32(b, 12) - (uint32_t)code;
    o->fop = (uint16_t)(fpu_rd32(b, 16) >> 16) & 0x7ff;
    o->fdp_off = fpu_rd32(b, 20) - (uint32_t)data;
    for (unsigned i = 0; i < 8; i++) {
        o->st[i] = fpu_rd_f80(b, 28 + 10 * i);
    }
}

static void host_run(const Start *st, const uint8_t *code, unsigned len, Outcome *o)
{
    memcpy(host_code, code, len);
    host_code[len] = 0xc3; /* ret */
    memcpy(host_data, st->data, DATA_SIZE);
    static uint8_t in[108], out[108];
    memcpy(in, st->fsave, sizeof(in));
    fpu_wr32(in, 12, X_CODE); /* FIP and FDP start at the bases */
    fpu_wr32(in, 20, X_DATA);
    uint64_t rflags = 0, rax = 0;
    o->fault = -1;
    if (sigsetjmp(host_jmp, 1) == 0) {
        /* operands in registers: the stack pointer moves below */
        __asm__ volatile("sub $256, %%rsp\n\t" /* keep clear of the red zone */
                         "mov %[data], %%rbx\n\t"
                         "frstor (%[in])\n\t"
                         "push %[fl]\n\t"
                         "popfq\n\t"
                         "mov $0, %%eax\n\t" /* not xor: the flags are set */
                         "call *%[code]\n\t"
                         "pushfq\n\t"
                         "pop %[flo]\n\t"
                         "fnsave (%[out])\n\t"
                         "add $256, %%rsp"
                         : [flo] "=&r"(rflags), "=&a"(rax)
                         : [in] "r"(in), [out] "r"(out), [fl] "r"(st->rflags),
                           [code] "r"(host_code), [data] "r"(host_data)
                         : "rbx", "rcx", "rdx", "memory", "cc");
        outcome_from_fsave(o, out, X_CODE, X_DATA);
        o->rflags = rflags;
        o->rax = rax;
    } else {
        /* #MF: the state at the faulting instruction, in the kernel's
         * FXSAVE-format copy */
        const struct _libc_fpstate *fp = &host_fault_fp;
        o->fault = EXC_MF;
        o->fault_offset = host_fault_rip - (uint64_t)host_code;
        o->fcw = fp->cwd;
        o->fsw = fp->swd;
        o->ftw_full = fp->ftw; /* abridged here: compared as such */
        o->fop = fp->fop & 0x7ff;
        o->fip_off = (uint32_t)(fp->rip - X_CODE);
        o->fdp_off = (uint32_t)(fp->rdp - X_DATA);
        for (unsigned i = 0; i < 8; i++) {
            memcpy(&o->st[i].mant, fp->_st[i].significand, 8);
            o->st[i].sign_exp = fp->_st[i].exponent;
        }
        o->rflags = o->rax = 0;
        __asm__ volatile("fninit");
    }
    memcpy(o->data, host_data, DATA_SIZE);
}

#endif

/* ---- rx86 --------------------------------------------------------------------------- */

/* The machine in 64-bit mode with the FPU on (CR0.NE, MP) and the state of st. */
static void rx_setup(const Start *st)
{
    set_mode(64);
    env.cr[0] |= CR0_NE | CR0_MP | CR0_ET;
    env.hflags |= HF_MP;
    env.segs[R_CS].selector = 0x33; /* what Linux runs 64-bit user code with */
    env.segs[R_SS].selector = 0x2b;
    env.segs[R_DS].selector = 0;
    env.regs[R_EBX] = X_DATA;
    env.cc_op = CC_OP_EFLAGS;
    env.cc_src = st->rflags & ARITH;
    const uint8_t *b = st->fsave;
    X87State *f = &env.fpu;
    f->fcw = (uint16_t)fpu_rd16(b, 0);
    uint32_t fsw = fpu_rd16(b, 4);
    f->top = (uint8_t)((fsw >> FSW_TOP_SHIFT) & 7);
    f->fsw = (uint16_t)(fsw & ~(7u << FSW_TOP_SHIFT));
    uint32_t tags = fpu_rd16(b, 8);
    f->ftw = 0;
    for (unsigned p = 0; p < 8; p++) {
        if (((tags >> (2 * p)) & 3) != 3) {
            f->ftw |= (uint8_t)(1u << p);
        }
    }
    for (unsigned i = 0; i < 8; i++) {
        f->st[(f->top + i) & 7] = fpu_rd_f80(b, 28 + 10 * i);
    }
    f->fip = X_CODE;
    f->fdp = X_DATA;
    f->fop = 0;
    memcpy(ram + X_DATA, st->data, DATA_SIZE);
}

static void rx_outcome(Outcome *o, int r, bool abridged)
{
    const X87State *f = &env.fpu;
    o->fault = r;
    o->fault_offset = env.rip - X_CODE;
    o->fcw = f->fcw;
    o->fsw = fpu_get_fsw(&env);
    if (abridged) {
        o->ftw_full = f->ftw;
    } else {
        o->ftw_full = 0;
        for (unsigned p = 0; p < 8; p++) {
            o->ftw_full |= (uint16_t)(fpu_full_tag(&env, p) << (2 * p));
        }
    }
    o->fop = f->fop;
    o->fip_off = (uint32_t)(f->fip - X_CODE);
    o->fdp_off = (uint32_t)(f->fdp - X_DATA);
    for (unsigned i = 0; i < 8; i++) {
        o->st[i] = f->st[(f->top + i) & 7];
    }
    o->rflags = flags();
    o->rax = env.regs[R_EAX];
    memcpy(o->data, ram + X_DATA, DATA_SIZE);
}

/* ---- snippets ------------------------------------------------------------------------ */

/* Append one random x87 instruction (valid in 64-bit mode, not a
 * transcendental: those have their own tolerance test) to code. */
static unsigned rnd_insn(uint8_t *code, bool allow_env)
{
    for (;;) {
        uint8_t b[4];
        unsigned n;
        unsigned r = rnd_below(100);
        if (r < 4) {
            b[0] = 0x9b; /* fwait */
            n = 1;
        } else if (r < 8) {
            b[0] = 0xdf;
            b[1] = 0xe0; /* fnstsw ax */
            n = 2;
        } else if (r < 50) {
            b[0] = (uint8_t)(0xd8 + rnd_below(8));
            b[1] = (uint8_t)(0xc0 | rnd_below(64));
            n = 2;
        } else {
            /* [rbx+disp8] */
            b[0] = (uint8_t)(0xd8 + rnd_below(8));
            unsigned reg = rnd_below(8);
            b[1] = (uint8_t)(0x40 | reg << 3 | 3);
            b[2] = (uint8_t)(8 * rnd_below(16)); /* inside the compared data */
            n = 3;
            bool env_op = (b[0] == 0xd9 && (reg == 4 || reg == 6)) ||
                          (b[0] == 0xdd && (reg == 4 || reg == 6));
            if (env_op) {
                if (!allow_env) {
                    continue;
                }
                b[2] = (uint8_t)(8 * rnd_below(8)); /* the image stays in the data */
                if (rnd_below(3) == 0) {
                    memmove(b + 1, b, 3); /* o16: the 14/94-byte formats */
                    b[0] = 0x66;
                    n = 4;
                }
            }
        }
        X86Insn in;
        if (x86_decode(&in, b, n, X86_MODE_64) != X86_DEC_OK || in.length != n) {
            continue;
        }
        switch (in.mnem) {
        case X86_I_F2XM1:
        case X86_I_FYL2X:
        case X86_I_FYL2XP1:
        case X86_I_FPTAN:
        case X86_I_FPATAN:
        case X86_I_FSIN:
        case X86_I_FCOS:
        case X86_I_FSINCOS:
            continue;
        default:
            break;
        }
        memcpy(code, b, n);
        return n;
    }
}

static int reported;

static void print_state(const char *who, const Outcome *o)
{
    fprintf(stderr,
            "   %s: fault %d@%" PRIu64 " fcw %04x fsw %04x tags %04x fop %03x fip +%x fdp +%x"
            " flags %03" PRIx64 " ax %04" PRIx64 "\n",
            who, o->fault, o->fault_offset, o->fcw, o->fsw, o->ftw_full, o->fop, o->fip_off,
            o->fdp_off, o->rflags & ARITH, o->rax & 0xffff);
    for (unsigned i = 0; i < 8; i++) {
        fprintf(stderr, "      st%u %04x:%016" PRIx64 "\n", i, o->st[i].sign_exp, o->st[i].mant);
    }
}

static void hexdump(const uint8_t *code, unsigned n, char *out)
{
    for (unsigned i = 0; i < n; i++) {
        sprintf(out + 3 * i, "%02x ", code[i]);
    }
}

/* Compare; on a difference, print both sides once (up to a limit). */
/* Transcendental results may differ from the host's by one unit in the
 * last place (and C1 with them): compare_tolerance allows it. */
static bool compare_tolerance;

static bool within_one_ulp(Float80 a, Float80 b)
{
    if (a.mant == b.mant && a.sign_exp == b.sign_exp) {
        return true;
    }
    if (!compare_tolerance || f80_sign(a) != f80_sign(b)) {
        return false;
    }
    unsigned __int128 ka = ((unsigned __int128)f80_exp(a) << 63) | (a.mant & ~F80_J);
    unsigned __int128 kb = ((unsigned __int128)f80_exp(b) << 63) | (b.mant & ~F80_J);
    return ka - kb + 1 <= 2; /* ka - kb in {-1, 0, 1} */
}

static bool compare(const uint8_t *code, unsigned n, const Outcome *h, const Outcome *x,
                    bool used_mem, bool report_diff)
{
    uint16_t c1 = compare_tolerance ? SF_C1 : 0;
    bool ok = h->fault == x->fault && h->fcw == x->fcw && ((h->fsw ^ x->fsw) & ~c1) == 0 &&
              h->ftw_full == x->ftw_full && h->fop == x->fop && h->fip_off == x->fip_off;
    if (h->fault >= 0) {
        ok = ok && h->fault_offset == x->fault_offset;
    } else {
        ok = ok && (h->rflags & ARITH) == (x->rflags & ARITH) &&
             (h->rax & 0xffff) == (x->rax & 0xffff);
    }
    if (used_mem) {
        ok = ok && h->fdp_off == x->fdp_off;
    }
    for (unsigned i = 0; i < 8; i++) {
        ok = ok && within_one_ulp(h->st[i], x->st[i]);
    }
    int diff_at = -1;
    for (unsigned i = 0; i < DATA_SIZE && diff_at < 0; i++) {
        if (h->data[i] != x->data[i]) {
            diff_at = (int)i;
        }
    }
    ok = ok && diff_at < 0;
    if (!ok && report_diff) {
        {
            char text[64 * 3];
            hexdump(code, n, text);
            fprintf(stderr, "x87 snippet differs: %s\n", text);
            print_state("host", h);
            print_state("rx86", x);
            if (diff_at >= 0) {
                fprintf(stderr, "   data differs at +%d: host %02x rx86 %02x\n", diff_at,
                        h->data[diff_at], x->data[diff_at]);
            }
        }
    }
    return ok;
}

static bool snippet_uses_mem(const uint8_t *code, unsigned n)
{
    for (unsigned at = 0; at < n;) {
        X86Insn in;
        x86_decode(&in, code + at, n - at, X86_MODE_64);
        if (in.nops > 0 && in.ops[0].kind == X86_OPND_MEM) {
            return true;
        }
        at += in.length;
    }
    return false;
}

#ifdef HAVE_HOST_X87
/* The initial state of a snippet being reported. */
static void print_start(const Start *st)
{
    const uint8_t *b = st->fsave;
    fprintf(stderr, "   start: fcw %04x fsw %04x tags %04x flags %03" PRIx64 "\n", fpu_rd16(b, 0),
            fpu_rd16(b, 4), fpu_rd16(b, 8), st->rflags & ARITH);
    for (unsigned i = 0; i < 8; i++) {
        Float80 v = fpu_rd_f80(b, 28 + 10 * i);
        fprintf(stderr, "      st%u %04x:%016" PRIx64 "\n", i, v.sign_exp, v.mant);
    }
}

/* Run code from st on both; true when they agree. */
static bool run_both(const Start *st, const uint8_t *code, unsigned n, bool report_diff)
{
    static Outcome h, x;
    host_run(st, code, n, &h);
    rx_setup(st);
    memcpy(ram + X_CODE, code, n);
    memcpy(ram + X_CODE + n, "\xeb\x00", 2);
    env.rip = X_CODE;
    int r = run_until(X_CODE + n + 2);
    rx_outcome(&x, r, h.fault >= 0);
    bool ok = compare(code, n, &h, &x, snippet_uses_mem(code, n), report_diff);
    if (!ok && report_diff) {
        print_start(st);
    }
    return ok;
}

/*
 * Whether code agrees on both, trying a second time before blaming rx86:
 * a context switch in the middle of the host's run can change the x87
 * pointers on AMD processors (Linux's fix for their FXSAVE leak loads a
 * dummy operand before it restores a task's state). That happens about
 * once in 100000 runs; more second tries than one in 1000 fails the test.
 */
static unsigned host_retries, host_runs;

static bool agree(const Start *st, const uint8_t *code, unsigned n)
{
    host_runs++;
    if (run_both(st, code, n, false)) {
        return true;
    }
    host_retries++;
    return run_both(st, code, n, false);
}

static void test_random(unsigned count)
{
    static Start st;
    for (unsigned k = 0; k < count; k++) {
        rnd_start(&st);
        uint8_t code[64];
        unsigned n = 0, ends[8];
        unsigned insns = 1 + rnd_below(5);
        for (unsigned i = 0; i < insns; i++) {
            n += rnd_insn(code + n, true);
            ends[i] = n;
        }
        optimize = (k & 1) != 0;
        check_count++;
        if (agree(&st, code, n)) {
            continue;
        }
        check_failures++;
        /* report the shortest prefix that differs */
        for (unsigned i = 0; i < insns; i++) {
            if (!run_both(&st, code, ends[i], false) || i == insns - 1) {
                if (reported++ < 12) {
                    run_both(&st, code, ends[i], true);
                }
                break;
            }
        }
    }
}

/* The transcendental instructions alone, on random states: the stack
 * effects, C2 and the flags exactly, the values within one ulp. */
static void test_random_trans(unsigned count)
{
    static const uint8_t ops[8] = {0xf0, 0xf1, 0xf9, 0xf2, 0xf3, 0xfe, 0xff, 0xfb};
    static Start st;
    compare_tolerance = true;
    for (unsigned k = 0; k < count; k++) {
        rnd_start(&st);
        uint8_t code[2] = {0xd9, ops[rnd_below(8)]};
        optimize = (k & 1) != 0;
        check_count++;
        if (!agree(&st, code, 2)) {
            check_failures++;
            if (reported++ < 12) {
                run_both(&st, code, 2, true);
            }
        }
    }
    compare_tolerance = false;
}

/* The host's second tries, within reason. */
static void check_host_retries(void)
{
    CHECK(host_retries <= host_runs / 1000 + 1);
    if (host_retries) {
        printf("x87: %u of %u host runs needed a second try\n", host_retries, host_runs);
    }
}
#endif

/* ---- directed checks --------------------------------------------------------------- */

/* The machine with the FPU as an OS leaves it: CR0.NE and MP, FNINIT's
 * state (the power-up FCW is 0040H, SDM Vol. 3A Table 9-1). */
static void fpu_on(int bits)
{
    set_mode(bits);
    env.cr[0] |= CR0_NE | CR0_MP | CR0_ET;
    env.hflags |= HF_MP;
    env.fpu.fcw = FCW_INIT;
    env.regs[R_EBX] = DATA;
}

/* #NM: CR0.EM or CR0.TS for x87, MP and TS for WAIT; FXSAVE #UD with EM. */
static void test_nm(void)
{
    fpu_on(32);
    env.cr[0] |= CR0_TS;
    env.hflags |= HF_TS;
    CHECK_EQ(run("d9 e8"), EXC_NM); /* fld1 */
    CHECK_EQ(env.rip, CODE);
    CHECK_EQ(run("9b"), EXC_NM); /* fwait with MP and TS */
    env.hflags &= ~HF_MP;
    CHECK_EQ(run("9b"), -1);           /* fwait with TS alone */
    CHECK_EQ(run("0f ae 03"), EXC_NM); /* fxsave [ebx] */

    fpu_on(32);
    env.hflags |= HF_EM;
    CHECK_EQ(run("d9 e8"), EXC_NM);
    CHECK_EQ(run("9b"), -1);           /* EM does not concern WAIT */
    CHECK_EQ(run("0f ae 03"), EXC_UD); /* FXSAVE with EM: #UD */
}

/* A pending exception: #MF at the next waiting instruction, before its
 * memory access; with CR0.NE = 0 rx86 says so and goes on. */
static void test_pending(void)
{
    fpu_on(32);
    env.fpu.fcw = FCW_INIT & ~SF_ZE;
    /* fldz; fld1; fdivrp: 1/0 with ZE unmasked: ST stays, ES set */
    CHECK_EQ(run("d9 ee d9 e8 de f1"), -1);
    CHECK_EQ(env.fpu.fsw & (SF_ZE | FSW_ES | FSW_B), SF_ZE | FSW_ES | FSW_B);
    CHECK_EQ(env.fpu.top, 6);
    CHECK_EQ(env.fpu.fip, CODE + 4);
    CHECK_EQ(env.fpu.fop, 0x6f1);
    /* fnstsw ax does not wait; fld qword [ebx] does, before the load */
    CHECK_EQ(run("df e0 dd 03"), EXC_MF);
    CHECK_EQ(env.rip, CODE + 2);
    CHECK_EQ(env.regs[R_EAX] & 0xffff, 0xb084);
    /* fnclex clears it */
    CHECK_EQ(run("db e2 dd 03"), -1);
    CHECK_EQ(env.fpu.fsw & (SF_ZE | FSW_ES), 0);

    /* FLDCW unmasking a raised flag makes it pending */
    fpu_on(32);
    env.fpu.fsw = SF_PE;
    wr(DATA, 0x035f, 2);
    CHECK_EQ(run("d9 2b"), -1);
    CHECK_EQ(env.fpu.fsw & FSW_ES, FSW_ES);
    CHECK_EQ(run("d9 e8"), EXC_MF);

    /* CR0.NE = 0: not modelled; the exception stays pending, the code goes on */
    fpu_on(32);
    env.cr[0] &= ~CR0_NE;
    env.fpu.fcw = FCW_INIT & ~SF_IE;
    env.fpu.fsw = SF_IE | FSW_ES | FSW_B;
    CHECK_EQ(run("d9 e8"), -1);
    CHECK_EQ(env.fpu.top, 7);
}

/* Build identity page tables for the first 2 MiB with page 0x5000 not
 * present, and turn 32-bit paging on. */
static void paging_with_hole(void)
{
    const uint32_t pd = 0x10000, pt = 0x11000;
    wr(pd, pt | 3, 4);
    for (uint32_t i = 0; i < 512; i++) {
        wr(pt + 4 * i, i == 5 ? 0 : (i << 12) | 3, 4);
    }
    env.cr[3] = pd;
    env.cr[0] |= CR0_PG;
    env.hflags |= HF_PG;
    tlb_flush_all(&env.tlb);
}

/* A #PF in the middle of an instruction leaves the FPU as it was. */
static void test_page_fault(void)
{
    fpu_on(32);
    paging_with_hole();
    env.fpu.top = 7;
    env.fpu.ftw = 0x80;
    env.fpu.st[7] = f80_from_int(3);
    env.regs[R_EBX] = 0x4ffc;       /* an m80 store crossing into the hole */
    CHECK_EQ(run("db 3b"), EXC_PF); /* fstp tbyte [ebx] */
    CHECK_EQ(env.cr[2], 0x5000);
    CHECK_EQ(env.fpu.top, 7);
    CHECK_EQ(env.fpu.ftw, 0x80);
    CHECK_EQ(env.fpu.fip, 0);
    env.regs[R_EBX] = 0x5000;
    CHECK_EQ(run("dd 03"), EXC_PF); /* fld qword [ebx] */
    CHECK_EQ(env.fpu.top, 7);
    CHECK_EQ(env.fpu.ftw, 0x80);
    CHECK_EQ(run("d8 03"), EXC_PF); /* fadd dword [ebx] */
    CHECK_EQ(env.fpu.st[7].mant, f80_from_int(3).mant);
    /* fnsave into the hole: nothing reinitialized */
    env.regs[R_EBX] = 0x4fc0;
    CHECK_EQ(run("dd 33"), EXC_PF);
    CHECK_EQ(env.fpu.ftw, 0x80);
    CHECK_EQ(env.fpu.fcw, FCW_INIT);
    /* frstor from the hole: nothing loaded */
    CHECK_EQ(run("dd 23"), EXC_PF);
    CHECK_EQ(env.fpu.top, 7);
}

/* The real-mode environment layouts (SDM Vol. 1 Figures 8-10, 8-12). */
static void test_real_mode_env(void)
{
    fpu_on(16);
    env.cr[0] &= ~CR0_PE;
    env.segs[R_CS].selector = 0x0100;
    env.segs[R_CS].base = 0x1000;
    env.segs[R_DS].selector = 0x0200;
    env.segs[R_DS].base = 0x2000;
    env.hflags |= HF_ADDSEG;
    env.regs[R_EBX] = 0x1000; /* ds:bx = 0x3000 */
    wr(0x3000, 0x12345678, 4);
    /* fild dword [bx] at cs:CODE, then fnstenv [bx+0x10] (16-bit format) */
    CHECK_EQ(run("db 07 d9 77 10"), -1);
    uint64_t b = 0x3010;
    uint32_t fip = 0x1000 + CODE, fdp = 0x3000;
    CHECK_EQ(rd(b + 0, 2), FCW_INIT);
    CHECK_EQ(rd(b + 2, 2), 7u << FSW_TOP_SHIFT);
    CHECK_EQ(rd(b + 4, 2), 0x3fff); /* R7 valid, the rest empty */
    CHECK_EQ(rd(b + 6, 2), fip & 0xffff);
    CHECK_EQ(rd(b + 8, 2), (fip >> 16) << 12 | 0x307);
    CHECK_EQ(rd(b + 10, 2), fdp & 0xffff);
    CHECK_EQ(rd(b + 12, 2), (fdp >> 16) << 12);
    /* 32-bit format (66 prefix): fnsave [bx+0x40], then frstor it back */
    CHECK_EQ(run("66 dd 77 40"), -1);
    b = 0x3040;
    CHECK_EQ(rd(b + 0, 4), 0xffff0000u | FCW_INIT);
    CHECK_EQ(rd(b + 12, 4), 0xffff0000u | (fip & 0xffff));
    CHECK_EQ(rd(b + 16, 4), (fip >> 16) << 12 | 0x307);
    CHECK_EQ(rd(b + 20, 4), 0xffff0000u | (fdp & 0xffff));
    CHECK_EQ(rd(b + 24, 4), (fdp >> 16) << 12);
    CHECK_EQ(rd(b + 28, 8), f80_from_int(0x12345678).mant);
    CHECK_EQ(env.fpu.ftw, 0); /* FNSAVE reinitialized */
    CHECK_EQ(run("66 dd 67 40"), -1);
    CHECK_EQ(env.fpu.top, 7);
    CHECK_EQ(env.fpu.st[7].mant, f80_from_int(0x12345678).mant);
    CHECK_EQ(env.fpu.fip, fip); /* the linear address, selector 0 */
    CHECK_EQ(env.fpu.fcs, 0);
}

#ifdef HAVE_HOST_X87
/* FXSAVE/FXRSTOR on the host and in rx86 from the same state; the rules
 * for alignment and MXCSR. */
static uint8_t host_area[4096] __attribute__((aligned(64)));

static void test_fxsave(void)
{
    /* the same x87 state on both: fldpi; fld1; fdiv st, st(1) with PE pending */
    uint16_t fcw = FCW_INIT & ~SF_PE;
    memset(host_area, 0, sizeof(host_area));
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldpi\n\tfld1\n\tfdiv %%st(1), %%st\n\t"
                     "fxsave64 %[a]\n\tfninit"
                     : [a] "=m"(host_area)
                     : [cw] "m"(fcw)
                     : "memory");
    fpu_on(64);
    env.cr[4] |= CR4_OSFXSR;
    env.hflags |= HF_OSFXSR;
    env.fpu.fcw = fcw;
    memcpy(env.xmm, host_area + 160, 256);
    env.mxcsr = fpu_rd32(host_area, 24);
    CHECK_EQ(run("d9 eb d9 e8 d8 f1 48 0f ae 03"), -1);
    /* compare everything but FIP/FDP (code addresses) and MXCSR_MASK (the
     * host's says MM, bit 17) */
    uint8_t *g = ram + DATA;
    CHECK_EQ(memcmp(g, host_area, 8), 0);
    CHECK_EQ(fpu_rd64(g, 8), CODE + 4); /* the fdiv */
    CHECK_EQ(memcmp(g + 24, host_area + 24, 4), 0);
    CHECK_EQ(fpu_rd32(g, 28), FPU_MXCSR_MASK);
    CHECK_EQ(memcmp(g + 32, host_area + 32, 416 - 32), 0);

    /* without a pending exception the pointers read as zero (AMD) */
    fpu_on(32);
    env.cr[4] |= CR4_OSFXSR;
    memset(ram + DATA, 0xa5, 512);
    CHECK_EQ(run("d9 e8 0f ae 03"), -1);
    CHECK_EQ(rd(DATA + 6, 2), 0);
    CHECK_EQ(rd(DATA + 8, 8), 0);
    CHECK_EQ(rd(DATA + 160 + 16 * 8, 1), 0xa5); /* XMM8-15 only in 64-bit mode */
    CHECK_EQ(rd(DATA + 464, 1), 0xa5);          /* software's bytes */
    /* FXRSTOR of it: back to the same state */
    env.fpu.top = 3;
    CHECK_EQ(run("0f ae 0b"), -1);
    CHECK_EQ(env.fpu.top, 7);
    CHECK_EQ(env.fpu.ftw, 0x80);
    /* misaligned: #GP(0); reserved MXCSR bits: #GP(0), state kept */
    env.regs[R_EBX] = DATA + 8;
    CHECK_EQ(run("0f ae 03"), EXC_GP);
    env.regs[R_EBX] = DATA;
    wr(DATA + 24, 0x10000, 4);
    env.fpu.top = 2;
    CHECK_EQ(run("0f ae 0b"), EXC_GP);
    CHECK_EQ(env.fpu.top, 2);
    /* without CR4.OSFXSR the SSE part is neither saved nor restored */
    env.cr[4] &= ~CR4_OSFXSR;
    env.hflags &= ~HF_OSFXSR;
    memset(ram + DATA, 0xa5, 512);
    CHECK_EQ(run("0f ae 03"), -1);
    CHECK_EQ(rd(DATA + 24, 4), 0xa5a5a5a5u);
    CHECK_EQ(rd(DATA + 160, 4), 0xa5a5a5a5u);
    CHECK_EQ(run("0f ae 0b"), -1); /* MXCSR not checked either */

    /* XSAVE of x87 and SSE after the same instructions: the legacy region
     * (but MXCSR_MASK) and XSTATE_BV as the host writes them */
    uint32_t mxcsr = 0x1f80;
    memset(host_area, 0, sizeof(host_area));
    __asm__ volatile("fninit\n\tpxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1\n\tldmxcsr %[m]\n\t"
                     "fldln2\n\tfld1\n\tfsub %%st(1), %%st\n\txsave64 %[a]\n\tfninit"
                     : [a] "+m"(host_area)
                     : [m] "m"(mxcsr), "a"(3), "d"(0)
                     : "xmm0", "xmm1", "memory");
    fpu_on(64);
    env.cr[4] |= CR4_OSFXSR | CR4_OSXSAVE;
    env.xcr0 = 3;
    memcpy(env.xmm, host_area + 160, 256);
    env.mxcsr = mxcsr;
    memset(ram + DATA, 0, 1024);
    env.regs[R_EAX] = 3;
    CHECK_EQ(run("d9 ed d9 e8 d8 e1 48 0f ae 23"), -1);
    g = ram + DATA;
    CHECK_EQ(memcmp(g, host_area, 28), 0);
    CHECK_EQ(memcmp(g + 32, host_area + 32, 416 - 32), 0);
    CHECK_EQ(rd(DATA + XSAVE_HEADER, 8), fpu_rd64(host_area, XSAVE_HEADER));
}
#endif

/* XSAVE/XRSTOR, XGETBV/XSETBV: the rules for CR4.OSXSAVE, alignment, the
 * header, RFBM and XSTATE_BV. */
static void test_xsave(void)
{
    /* #UD without CR4.OSXSAVE */
    fpu_on(64);
    env.regs[R_EAX] = 3;
    CHECK_EQ(run("0f ae 23"), EXC_UD);
    CHECK_EQ(run("0f 01 d0"), EXC_UD); /* xgetbv */
    env.cr[4] |= CR4_OSXSAVE | CR4_OSFXSR;
    env.regs[R_ECX] = 0;
    CHECK_EQ(run("0f 01 d0"), -1);
    CHECK_EQ(env.regs[R_EAX], 1);
    CHECK_EQ(env.regs[R_EDX], 0);
    /* xsetbv: x87|SSE fine; without x87, with AVX, or ECX != 0: #GP */
    env.regs[R_EAX] = 3;
    env.regs[R_EDX] = 0;
    CHECK_EQ(run("0f 01 d1"), -1);
    CHECK_EQ(env.xcr0, 3);
    env.regs[R_EAX] = 2;
    CHECK_EQ(run("0f 01 d1"), EXC_GP);
    env.regs[R_EAX] = 7;
    CHECK_EQ(run("0f 01 d1"), EXC_GP);
    env.regs[R_EAX] = 3;
    env.regs[R_ECX] = 1;
    CHECK_EQ(run("0f 01 d1"), EXC_GP);
    CHECK_EQ(run("0f 01 d0"), EXC_GP); /* xgetbv ecx=1 */
    env.regs[R_ECX] = 0;
    CHECK_EQ(env.xcr0, 3);

    /* XSAVE after FNINIT with zero XMM and default MXCSR: XSTATE_BV 0; the
     * x87 and SSE regions written anyway */
    memset(ram + DATA, 0xa5, 1024);
    wr(DATA + XSAVE_HEADER, 0, 8);
    env.regs[R_EAX] = 3;
    CHECK_EQ(run("db e3 0f ae 23"), -1); /* fninit; xsave [rbx] */
    CHECK_EQ(rd(DATA + XSAVE_HEADER, 8), 0);
    CHECK_EQ(rd(DATA, 2), FCW_INIT);
    CHECK_EQ(rd(DATA + 24, 4), 0x1f80);
    CHECK_EQ(rd(DATA + 8 + XSAVE_HEADER, 1), 0xa5); /* the header beyond XSTATE_BV stays */
    /* after fld1: x87 in use; RFBM = 1 leaves the SSE bits and region alone */
    wr(DATA + XSAVE_HEADER, 0xfffffffffffffffeull, 8);
    wr(DATA + 24, 0x12345678, 4);
    env.regs[R_EAX] = 1;
    CHECK_EQ(run("d9 e8 0f ae 23"), -1);
    CHECK_EQ(rd(DATA + XSAVE_HEADER, 8), ~0ull);
    CHECK_EQ(rd(DATA + 24, 4), 0x12345678);
    CHECK_EQ(rd(DATA + 4, 1), 0x80);
    /* misaligned: #GP */
    env.regs[R_EBX] = DATA + 16;
    CHECK_EQ(run("0f ae 23"), EXC_GP);
    env.regs[R_EBX] = DATA;

    /* XRSTOR: XSTATE_BV bits outside XCR0 or a nonzero XCOMP_BV: #GP */
    wr(DATA + XSAVE_HEADER + 16, 0, 8);
    wr(DATA + XSAVE_HEADER, 4, 8);
    wr(DATA + 24, 0x1f80, 4);
    env.regs[R_EAX] = 3;
    CHECK_EQ(run("0f ae 2b"), EXC_GP);
    wr(DATA + XSAVE_HEADER, 1, 8);
    wr(DATA + XSAVE_HEADER + 8, 1, 8);
    CHECK_EQ(run("0f ae 2b"), EXC_GP);
    wr(DATA + XSAVE_HEADER + 8, 0, 8);
    wr(DATA + 24, 0x40000, 4); /* reserved MXCSR bit: #GP */
    CHECK_EQ(run("0f ae 2b"), EXC_GP);
    /* XSTATE_BV[1] = 0: XMM zeroed, MXCSR still loaded; [0] = 1: x87 loaded */
    wr(DATA + 24, 0x3f80, 4);
    env.xmm[3].q[0] = 42;
    env.fpu.top = 5;
    CHECK_EQ(run("0f ae 2b"), -1);
    CHECK_EQ(env.xmm[3].q[0], 0);
    CHECK_EQ(env.mxcsr, 0x3f80);
    CHECK_EQ(env.fpu.top, 7); /* from the image saved above */
    /* XSTATE_BV[0] = 0: x87 initialized */
    wr(DATA + XSAVE_HEADER, 0, 8);
    CHECK_EQ(run("0f ae 2b"), -1);
    CHECK_EQ(env.fpu.top, 0);
    CHECK_EQ(env.fpu.ftw, 0);
    CHECK_EQ(env.fpu.fcw, FCW_INIT);
    /* #NM with CR0.TS (after the OSXSAVE check) */
    env.cr[0] |= CR0_TS;
    CHECK_EQ(run("0f ae 23"), EXC_NM);
    env.cr[4] &= ~CR4_OSXSAVE;
    CHECK_EQ(run("0f ae 23"), EXC_UD);
}

/* FXAM, FCHS on empty registers and the stack faults, spot checks of
 * what the random test also covers, with known answers. */
static void test_known(void)
{
    fpu_on(32);
    /* fld1; fchs; fxam: normal, negative */
    CHECK_EQ(run("d9 e8 d9 e0 d9 e5"), -1);
    CHECK_EQ(env.fpu.fsw & FSW_CC, SF_C2 | SF_C1);
    /* eight pushes, a ninth overflows: IE, SF, C1, the indefinite on top */
    fpu_on(32);
    CHECK_EQ(run("d9 e8 d9 e8 d9 e8 d9 e8 d9 e8 d9 e8 d9 e8 d9 e8 d9 ee"), -1);
    CHECK_EQ(env.fpu.fsw & (SF_IE | FSW_SF | SF_C1), SF_IE | FSW_SF | SF_C1);
    CHECK_EQ(env.fpu.st[env.fpu.top].sign_exp, 0xffff);
    /* fcomi with an unordered pair: ZF PF CF; OF SF AF cleared */
    fpu_on(32);
    wr(DATA, 0x7ff8000000000000ull, 8);
    CHECK_EQ(run("dd 03 d9 e8 db f1"), -1);
    CHECK_EQ(flags() & ARITH, ZF | PF | CF);
    /* fistp word of 40000: IE, the integer indefinite */
    fpu_on(32);
    wr(DATA, 40000, 4);
    CHECK_EQ(run("db 03 df 1b"), -1);
    CHECK_EQ(rd(DATA, 2), 0x8000);
    CHECK_EQ(env.fpu.fsw & SF_IE, SF_IE);
    /* fbstp of -1234: packed BCD */
    fpu_on(32);
    wr(DATA, (uint32_t)-1234, 4);
    CHECK_EQ(run("db 03 df 33"), -1);
    CHECK_EQ(rd(DATA, 8), 0x1234);
    CHECK_EQ(rd(DATA + 8, 2), 0x8000);
}

int main(int argc, char **argv)
{
    unsigned n = 20000;
    if (argc > 1) {
        n = (unsigned)strtoul(argv[1], NULL, 0);
    }
#if defined(__SANITIZE_ADDRESS__)
    n /= 4;
#endif
    if (!lift_machine_init("x87_test")) {
        return 1;
    }
    test_nm();
    test_pending();
    test_page_fault();
    test_real_mode_env();
    test_known();
    test_xsave();
#ifdef HAVE_HOST_X87
    test_fxsave();
    void *m = mmap(host_code, 0x3000, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (m != host_code) {
        fprintf(stderr, "x87_test: cannot map the host's code at 0x%x\n", X_CODE);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigfpe;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, NULL);
    test_random(n);
    test_random_trans(n / 4);
    check_host_retries();
#endif
    lift_machine_destroy();
    return check_report("x87");
}
