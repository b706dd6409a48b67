/*
 * native.c — run cases on the host CPU (x86-64 Linux only).
 *
 * A forked child maps the code page and the data pages at the fixed
 * addresses of hostdiff.h (each from a memfd, with a second read-write
 * mapping to fill them through: the code page is never writable where it
 * executes), sets GS base, and for each case of a batch loads the whole
 * state with hd_native_enter (FXRSTOR, RFLAGS, all sixteen registers, DS and
 * ES) and jumps to the instruction. Every case ends in a signal (the HLT
 * after the instruction is #GP at CPL 3): the handler, on its own stack,
 * copies the interrupted state out of the ucontext — general registers,
 * RIP, RFLAGS, REG_TRAPNO and REG_ERR (the vector and error code the
 * kernel saw), CR2, and the FXSAVE-format FPU area — and siglongjmps back
 * to the loop. The kernel hands a handler a clean FPU state, so nothing of
 * the case leaks into the next one.
 *
 * The child is forked once and reused for batch after batch. Cases and
 * results live in a shared mapping; one pipe carries "run cases [i, n)",
 * another "done". A child that dies (or runs past the time limit, killed)
 * marks the case it was on, and a new child takes the rest of the batch.
 *
 * The signal handler's state (where to jump back, where the result goes) is
 * the one file-scope state of the harness: a handler gets nothing else.
 */
#include "tests/hostdiff/hostdiff.h"

#if defined(__x86_64__) && defined(__linux__) && !defined(HD_NO_NATIVE)

#include <asm/prctl.h>
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#define BATCH 256
#define CASE_TIMEOUT_MS 5000
#define ALTSTACK_SIZE (256u * 1024u)

/* What hd_native_enter loads; offsets are the asm's. */
typedef struct NativeIn {
    uint8_t fx[FX_SIZE]; /* 0 */
    uint64_t gpr[16];    /* 512 */
    uint64_t rflags;     /* 640 */
    uint64_t target;     /* 648 */
    uint64_t ds, es;     /* 656, 664 */
} __attribute__((aligned(64))) NativeIn;

_Static_assert(offsetof(NativeIn, gpr) == 512, "asm offsets");
_Static_assert(offsetof(NativeIn, rflags) == 640, "asm offsets");
_Static_assert(offsetof(NativeIn, target) == 648, "asm offsets");
_Static_assert(offsetof(NativeIn, ds) == 656, "asm offsets");

/* Load the state of *in and jump to in->target; never returns (the case
 * ends in a signal). */
void hd_native_enter(const NativeIn *in) __attribute__((noreturn));

__asm__(".text\n"
        ".globl hd_native_enter\n"
        ".type hd_native_enter, @function\n"
        "hd_native_enter:\n"
        "    fxrstor64 (%rdi)\n"
        "    movl 656(%rdi), %eax\n"
        "    movl %eax, %ds\n"
        "    movl 664(%rdi), %eax\n"
        "    movl %eax, %es\n"
        "    movq 648(%rdi), %rax\n"
        "    movq %rax, hd_native_target(%rip)\n"
        "    pushq 640(%rdi)\n"
        "    popfq\n"
        "    movq 512(%rdi), %rax\n"
        "    movq 520(%rdi), %rcx\n"
        "    movq 528(%rdi), %rdx\n"
        "    movq 536(%rdi), %rbx\n"
        "    movq 552(%rdi), %rbp\n"
        "    movq 560(%rdi), %rsi\n"
        "    movq 576(%rdi), %r8\n"
        "    movq 584(%rdi), %r9\n"
        "    movq 592(%rdi), %r10\n"
        "    movq 600(%rdi), %r11\n"
        "    movq 608(%rdi), %r12\n"
        "    movq 616(%rdi), %r13\n"
        "    movq 624(%rdi), %r14\n"
        "    movq 632(%rdi), %r15\n"
        "    movq 544(%rdi), %rsp\n"
        "    movq 568(%rdi), %rdi\n"
        "    jmp *hd_native_target(%rip)\n"
        ".size hd_native_enter, .-hd_native_enter\n"
        ".bss\n"
        ".balign 8\n"
        "hd_native_target: .quad 0\n"
        ".text\n");

/* The batch both processes see. */
typedef struct Shared {
    uint32_t start, count;     /* the cases to run */
    _Atomic uint32_t progress; /* the case the child is on */
    HdCase cases[BATCH];
    HdResult results[BATCH];
} Shared;

struct HdNative {
    Shared *sh;
    pid_t child;
    int cmd_fd, done_fd; /* parent's ends */
    int code_fd, data_fd;
};

/* ---- the child ---------------------------------------------------------------- */

/* For the signal handler (see the file comment). */
static sigjmp_buf child_jmp;
static HdResult *child_result;

/* Hardware register number -> ucontext slot. */
static const int greg_slot[16] = {
    REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
    REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

/* The XSAVE header after the 512-byte legacy area of the signal frame: a
 * state component in its initial configuration (XSTATE_BV bit clear) may
 * not have been written (SDM Vol. 1 13.6), so take the init values. */
#ifndef FP_XSTATE_MAGIC1
#define FP_XSTATE_MAGIC1 0x46505853u
#endif
#define FX_SW_MAGIC 464

static void copy_fpu(const uint8_t *frame, uint8_t *fx)
{
    memcpy(fx, frame, FX_SIZE);
    if (hd_fx32(frame, FX_SW_MAGIC) != FP_XSTATE_MAGIC1) {
        return;
    }
    uint64_t xstate_bv;
    memcpy(&xstate_bv, frame + 512, 8);
    if (!(xstate_bv & 1)) {
        uint32_t mxcsr = hd_fx32(fx, FX_MXCSR);
        memset(fx, 0, FX_XMM0);
        hd_fx_put16(fx, FX_FCW, 0x037f);
        hd_fx_put32(fx, FX_MXCSR, mxcsr);
    }
    if (!(xstate_bv & 2)) {
        memset(fx + FX_XMM0, 0, 16 * 16);
    }
}

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    /* A case may have set EFLAGS.AC (POPF); with CR0.AM the handler's own
     * misaligned accesses would fault. The kernel clears TF and DF. */
    __asm__ volatile("pushfq\n\tandq $~0x40000, (%%rsp)\n\tpopfq" ::: "memory", "cc");
    ucontext_t *uc = ucv;
    const greg_t *g = uc->uc_mcontext.gregs;
    HdResult *r = child_result;
    for (int i = 0; i < 16; i++) {
        r->out.gpr[i] = (uint64_t)g[greg_slot[i]];
    }
    r->out.rip = (uint64_t)g[REG_RIP];
    r->out.rflags = (uint64_t)g[REG_EFL];
    r->vector = (uint32_t)g[REG_TRAPNO];
    r->err = (uint32_t)g[REG_ERR];
    r->cr2 = r->vector == HD_VEC_PF ? (uint64_t)g[REG_CR2] : 0;
    if (uc->uc_mcontext.fpregs) {
        copy_fpu((const uint8_t *)uc->uc_mcontext.fpregs, r->out.fx);
        hd_fx_normalize(r->out.fx);
    }
    siglongjmp(child_jmp, 1);
}

/* The child's mappings: executable code and the data pages at their fixed
 * addresses, each also mapped read-write elsewhere to be filled. */
typedef struct ChildMaps {
    uint8_t *code_rw;
    uint8_t *data_rw;
} ChildMaps;

/* The child's setup failed: the parent sees this exit status and gives up
 * (nothing can run natively in this environment). */
#define CHILD_SETUP_FAILED 3

static void die(const char *what)
{
    perror(what);
    _exit(CHILD_SETUP_FAILED);
}

static void map_fixed(uint64_t va, size_t len, int prot, int fd, off_t off)
{
    void *p = mmap((void *)va, len, prot, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, off);
    if (p == MAP_FAILED || p != (void *)va) {
        die("hostdiff: mapping the fixed test pages");
    }
}

static void child_setup(HdNative *n, ChildMaps *m)
{
    m->code_rw = mmap(NULL, HD_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, n->code_fd, 0);
    m->data_rw = mmap(NULL, HD_DATA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, n->data_fd, 0);
    if (m->code_rw == MAP_FAILED || m->data_rw == MAP_FAILED) {
        die("hostdiff: mapping the test pages");
    }
    map_fixed(HD_CODE_VA, HD_PAGE, PROT_READ | PROT_EXEC, n->code_fd, 0);
    map_fixed(HD_DATA_VA, HD_DATA_RW_PAGES * HD_PAGE, PROT_READ | PROT_WRITE, n->data_fd, 0);
    map_fixed(HD_DATA_RO_VA, (HD_DATA_PAGES - HD_DATA_RW_PAGES) * HD_PAGE, PROT_READ, n->data_fd,
              HD_DATA_RW_PAGES * HD_PAGE);
    memset(m->code_rw, HD_SENTINEL, HD_PAGE);

    stack_t ss = {.ss_sp = malloc(ALTSTACK_SIZE), .ss_size = ALTSTACK_SIZE, .ss_flags = 0};
    if (!ss.ss_sp || sigaltstack(&ss, NULL) != 0) {
        die("hostdiff: sigaltstack");
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
    for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        if (sigaction(sigs[i], &sa, NULL) != 0) {
            die("hostdiff: sigaction");
        }
    }
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, (unsigned long)HD_GS_BASE) != 0) {
        die("hostdiff: arch_prctl(ARCH_SET_GS)");
    }
}

/* Enter the case; back here from the signal handler. */
static __attribute__((noinline)) void enter_case(const NativeIn *in)
{
    if (sigsetjmp(child_jmp, 0) == 0) {
        hd_native_enter(in);
    }
}

static void child_run_case(ChildMaps *m, const HdCase *k, HdResult *r, uint8_t *before)
{
    static NativeIn in; /* aligned for FXRSTOR */
    memset(r, 0, sizeof(*r));
    memcpy(m->code_rw + k->code_off, k->code, k->len);
    hd_case_data(k, before);
    memcpy(m->data_rw, before, HD_DATA_SIZE);
    /* Read each page through its fixed mapping: a page whose entry is not
     * (or no longer) present would fault with P = 0 where a present one
     * gives P = 1 in the #PF error code. */
    for (unsigned i = 0; i < HD_DATA_PAGES; i++) {
        (void)*(volatile const uint8_t *)(uintptr_t)(HD_DATA_VA + i * HD_PAGE);
    }

    memcpy(in.fx, k->in.fx, FX_SIZE);
    memcpy(in.gpr, k->in.gpr, sizeof(in.gpr));
    in.rflags = k->in.rflags;
    in.target = HD_CODE_VA + k->code_off;
    in.ds = 0; /* DS and ES hold the null selector, as in emu.c */
    in.es = 0;
    child_result = r;
    enter_case(&in);

    memset(m->code_rw + k->code_off, HD_SENTINEL, k->len);
    hd_mem_diff(before, m->data_rw, &r->mem);
}

static void child_main(HdNative *n, int cmd_fd, int done_fd)
{
    ChildMaps m;
    child_setup(n, &m);
    uint8_t *before = malloc(HD_DATA_SIZE);
    if (!before) {
        die("hostdiff: out of memory");
    }
    Shared *sh = n->sh;
    for (;;) {
        char c;
        if (read(cmd_fd, &c, 1) != 1) {
            _exit(0);
        }
        for (uint32_t i = sh->start; i < sh->count; i++) {
            atomic_store(&sh->progress, i);
            child_run_case(&m, &sh->cases[i], &sh->results[i], before);
        }
        if (write(done_fd, "d", 1) != 1) {
            _exit(0);
        }
    }
}

/* ---- the parent ----------------------------------------------------------------- */

static int start_child(HdNative *n)
{
    int cmd[2], done[2];
    if (pipe(cmd) != 0) {
        return -errno;
    }
    if (pipe(done) != 0) {
        int e = -errno;
        close(cmd[0]);
        close(cmd[1]);
        return e;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int e = -errno;
        close(cmd[0]);
        close(cmd[1]);
        close(done[0]);
        close(done[1]);
        return e;
    }
    if (pid == 0) {
        close(cmd[1]);
        close(done[0]);
        child_main(n, cmd[0], done[1]);
        _exit(0);
    }
    close(cmd[0]);
    close(done[1]);
    n->child = pid;
    n->cmd_fd = cmd[1];
    n->done_fd = done[0];
    return 0;
}

static void stop_child(HdNative *n)
{
    if (n->child > 0) {
        close(n->cmd_fd);
        close(n->done_fd);
        kill(n->child, SIGKILL);
        waitpid(n->child, NULL, 0);
        n->child = -1;
    }
}

bool hd_native_available(void)
{
    return true;
}

unsigned hd_native_batch(void)
{
    return BATCH;
}

uint32_t hd_native_mxcsr_mask(void)
{
    static uint8_t fx[FX_SIZE] __attribute__((aligned(16)));
    __asm__ volatile("fxsave64 %0" : "=m"(fx));
    uint32_t mask = hd_fx32(fx, FX_MXCSR_MASK);
    return mask ? mask : 0xffbf; /* 0 means the default (SDM Vol. 1 11.6.6) */
}

HdNative *hd_native_new(char *err, size_t errlen)
{
    HdNative *n = calloc(1, sizeof(*n));
    if (!n) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    n->child = -1;
    n->code_fd = n->data_fd = -1;
    n->sh = mmap(NULL, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (n->sh == MAP_FAILED) {
        snprintf(err, errlen, "shared memory: %s", strerror(errno));
        n->sh = NULL;
        goto out_fail;
    }
    n->code_fd = memfd_create("hostdiff-code", MFD_CLOEXEC);
    n->data_fd = memfd_create("hostdiff-data", MFD_CLOEXEC);
    if (n->code_fd < 0 || n->data_fd < 0 || ftruncate(n->code_fd, HD_PAGE) != 0 ||
        ftruncate(n->data_fd, HD_DATA_SIZE) != 0) {
        snprintf(err, errlen, "memfd: %s", strerror(errno));
        goto out_fail;
    }
    int rc = start_child(n);
    if (rc) {
        snprintf(err, errlen, "fork: %s", strerror(-rc));
        goto out_fail;
    }
    return n;

out_fail:
    hd_native_free(n);
    return NULL;
}

void hd_native_free(HdNative *n)
{
    if (!n) {
        return;
    }
    stop_child(n);
    if (n->code_fd >= 0) {
        close(n->code_fd);
    }
    if (n->data_fd >= 0) {
        close(n->data_fd);
    }
    if (n->sh) {
        munmap(n->sh, sizeof(Shared));
    }
    free(n);
}

/* Wait for the child to finish the batch. Returns true when it did; false
 * when it died or ran out of time (it is gone then). */
static bool wait_batch(HdNative *n, uint32_t count)
{
    uint32_t last = UINT32_MAX;
    for (;;) {
        struct pollfd p = {.fd = n->done_fd, .events = POLLIN};
        int r = poll(&p, 1, CASE_TIMEOUT_MS);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r > 0) {
            char c;
            if (read(n->done_fd, &c, 1) == 1) {
                return true;
            }
            return false; /* EOF: the child died */
        }
        /* No answer for a while: fine if it is still moving through the
         * batch, a hang if it sits on one case. */
        uint32_t now = atomic_load(&n->sh->progress);
        if (now == last || now >= count) {
            kill(n->child, SIGKILL);
            return false;
        }
        last = now;
    }
}

int hd_native_run(HdNative *n, const HdCase *cases, HdResult *results, unsigned count)
{
    Shared *sh = n->sh;
    memcpy(sh->cases, cases, count * sizeof(HdCase));
    uint32_t start = 0;
    while (start < count) {
        if (n->child <= 0) {
            int rc = start_child(n);
            if (rc) {
                return rc;
            }
        }
        sh->start = start;
        sh->count = count;
        atomic_store(&sh->progress, start);
        if (write(n->cmd_fd, "r", 1) != 1 || !wait_batch(n, count)) {
            int status = 0;
            waitpid(n->child, &status, 0);
            close(n->cmd_fd);
            close(n->done_fd);
            n->child = -1;
            if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_SETUP_FAILED) {
                return -ENXIO;
            }
            uint32_t bad = atomic_load(&sh->progress);
            memset(&sh->results[bad], 0, sizeof(HdResult));
            sh->results[bad].vector = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL
                                          ? HD_VEC_TIMEOUT
                                          : HD_VEC_NATIVE_CRASH;
            start = bad + 1;
            continue;
        }
        start = count;
    }
    memcpy(results, sh->results, count * sizeof(HdResult));
    return 0;
}

#else /* not x86-64 Linux: recorded expectations only */

#include <errno.h>

bool hd_native_available(void)
{
    return false;
}

unsigned hd_native_batch(void)
{
    return 1;
}

uint32_t hd_native_mxcsr_mask(void)
{
    return 0xffff;
}

HdNative *hd_native_new(char *err, size_t errlen)
{
    snprintf(err, errlen, "running cases natively needs an x86-64 Linux host (use --replay)");
    return NULL;
}

void hd_native_free(HdNative *n)
{
    (void)n;
}

int hd_native_run(HdNative *n, const HdCase *cases, HdResult *results, unsigned count)
{
    (void)n;
    (void)cases;
    (void)results;
    (void)count;
    return -ENOSYS;
}

#endif
