/*
 * emu.c — run cases in rx86: a CpuState in 64-bit long mode at CPL 3 with
 * the translation cache, the execution loop and a backend (the JIT or the
 * interpreter), as the tcg accelerator sets them up (system/accel_tcg.c).
 *
 * The guest is a tiny kernel laid out like Linux's so that what a user
 * program sees is the same as natively:
 *   - 4-level paging maps the code page (user, read + execute), the data
 *     pages (user, no-execute; the last read-only) at the addresses of
 *     hostdiff.h, and the kernel's pages (supervisor) in the top 2 GiB;
 *   - the GDT has Linux's selectors (0x10 kernel code, 0x2b user data, 0x33
 *     user code, the 64-bit TSS at 0x40, limit 127), so MOV to DS/ES/SS
 *     faults or loads as it does on the host;
 *   - the IDT sends every vector to its own handler, HLT at CPL 0; vectors 3
 *     and 4 are DPL 3 (INT3, INT 4 from user mode), as on Linux.
 * A case's run ends when the loop stops on that HLT: the handler's address
 * gives the vector, the interrupt frame on the TSS's RSP0 stack the error
 * code and the interrupted RIP, RFLAGS and RSP.
 *
 * A watchdog thread kicks the loop when one case runs for more than
 * EMU_TIMEOUT_S seconds (a hang in rx86), which ends it as HD_VEC_TIMEOUT.
 */
#include "tests/hostdiff/hostdiff.h"

#include "frontend/cpu.h"
#include "frontend/helpers.h"
#include "softmmu/memory.h"
#include "translator/backend.h"
#include "translator/exec.h"
#include "translator/tb.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RAM_SIZE (1u << 20)
#define CODE_BUFFER_SIZE (16u << 20)
#define EMU_TIMEOUT_S 10

/* Guest physical layout. */
#define PT_PA_FIRST 0x1000u /* PML4, then the other tables (bump allocated) */
#define PT_PA_END 0x10000u
#define CODE_PA 0x10000u
#define DATA_PA 0x20000u
#define IDT_PA 0x30000u
#define GDT_PA 0x31000u
#define TSS_PA (GDT_PA + 0x800u)
#define HANDLER_PA 0x32000u
#define KSTACK_PA 0x33000u

/* The kernel's virtual layout: the top 2 GiB, as Linux's kernel image. */
#define KERN_VA 0xffffffff80000000ull
#define IDT_VA KERN_VA
#define GDT_VA (KERN_VA + 0x1000u)
#define TSS_VA (GDT_VA + 0x800u)
#define HANDLER_VA (KERN_VA + 0x2000u)
#define KSTACK_VA (KERN_VA + 0x3000u)
#define KSTACK_TOP (KSTACK_VA + HD_PAGE)
#define HANDLER_STRIDE 4u

/* Page-table entry bits (SDM Vol. 3A 4.5). */
#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_US (1ull << 2)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* Linux's x86-64 selectors (arch/x86/include/asm/segment.h). */
#define SEL_KERNEL_CS 0x10u
#define SEL_USER_DS 0x2bu
#define SEL_USER_CS 0x33u
#define SEL_TSS 0x40u
#define GDT_ENTRIES 16u

/* The data segment selector DS and ES hold during a case (natively too). */
#define CASE_DS_SEL 0u

#define CR4_OSFXSR_BIT (1ull << 9)
#define CR4_OSXMMEXCPT_BIT (1ull << 10)
#define EFER_SCE_BIT (1ull << 0)

struct HdEmu {
    AddressSpace mem;
    uint8_t *ram;
    CodePages code;
    bool code_ready, mem_ready, cache_ready, exec_ready;
    TbCache cache;
    CpuState *cpu;
    uint32_t next_pt; /* bump allocator for page tables */
    uint8_t before[HD_DATA_SIZE];

    pthread_t watchdog;
    bool watchdog_running;
    _Atomic bool stop;
    _Atomic uint64_t running; /* sequence number of the case running, 0 idle */
    _Atomic bool timed_out;
    uint64_t seq;
};

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

/* ---- the guest's tables ----------------------------------------------------------- */

static uint32_t alloc_table(HdEmu *e)
{
    uint32_t pa = e->next_pt;
    e->next_pt += HD_PAGE;
    memset(e->ram + pa, 0, HD_PAGE);
    return pa;
}

/* Map the 4 KiB page at va to pa with the leaf flags; the upper levels
 * allow everything (the leaf decides). */
static int map_page(HdEmu *e, uint64_t va, uint64_t pa, uint64_t flags)
{
    uint32_t table = PT_PA_FIRST;
    for (int level = 3; level >= 1; level--) {
        unsigned idx = (unsigned)(va >> (12 + 9 * level)) & 511;
        uint8_t *ent = e->ram + table + 8 * idx;
        uint64_t v = get64(ent);
        if (!(v & PTE_P)) {
            if (e->next_pt >= PT_PA_END) {
                return -ENOMEM;
            }
            v = alloc_table(e) | PTE_P | PTE_RW | PTE_US;
            put64(ent, v);
        }
        table = (uint32_t)(v & PTE_ADDR);
    }
    put64(e->ram + table + 8 * ((va >> 12) & 511), pa | flags | PTE_P);
    return 0;
}

/* A code or data segment descriptor (SDM Vol. 3A 3.4.5). */
static uint64_t seg_desc(unsigned type, unsigned dpl, bool l, bool db)
{
    uint64_t d = 0xffffull;                                      /* limit 15:0 */
    d |= (uint64_t)(type | 0x10 | dpl << 5 | 0x80) << 40;        /* type, S, DPL, P */
    d |= 0xfull << 48;                                           /* limit 19:16 */
    d |= (uint64_t)((l ? 0x2 : 0) | (db ? 0x4 : 0) | 0x8) << 52; /* L, D/B, G */
    return d;
}

static void build_gdt(HdEmu *e)
{
    uint8_t *g = e->ram + GDT_PA;
    memset(g, 0, GDT_ENTRIES * 8);
    /* accessed bits set, as Linux does, so no descriptor is written back */
    put64(g + 0x08, seg_desc(0xb, 0, false, true)); /* kernel 32-bit code */
    put64(g + 0x10, seg_desc(0xb, 0, true, false)); /* kernel code */
    put64(g + 0x18, seg_desc(0x3, 0, false, true)); /* kernel data */
    put64(g + 0x20, seg_desc(0xb, 3, false, true)); /* user 32-bit code */
    put64(g + 0x28, seg_desc(0x3, 3, false, true)); /* user data */
    put64(g + 0x30, seg_desc(0xb, 3, true, false)); /* user code */
    /* the 64-bit TSS (16 bytes), busy: SDM Vol. 3A 7.2.3 */
    uint64_t base = TSS_VA, limit = 0x67;
    uint64_t lo = (limit & 0xffff) | (base & 0xffffff) << 16 | 0xbull << 40 | 0x80ull << 40 |
                  ((base >> 24) & 0xff) << 56;
    put64(g + SEL_TSS, lo);
    put64(g + SEL_TSS + 8, base >> 32);
    /* Linux's per-CPU segment (0x7b): read-only expand-down user data (type
     * 5), byte granular, its limit the CPU and node numbers (0 here:
     * LSL, which reads it, is never generated). Not writable: no SS. */
    put64(g + 0x78, (seg_desc(0x5, 3, false, true) & ~0x008f00000000ffffull));

    uint8_t *tss = e->ram + TSS_PA;
    memset(tss, 0, 0x68);
    put64(tss + 4, KSTACK_TOP); /* RSP0 */
    tss[0x66] = 0x68;           /* I/O map base past the limit: no bitmap */
}

/* One 64-bit interrupt gate per vector (SDM Vol. 3A 6.14.1). */
static void build_idt(HdEmu *e)
{
    for (unsigned v = 0; v < 256; v++) {
        uint64_t target = HANDLER_VA + v * HANDLER_STRIDE;
        unsigned dpl = (v == 3 || v == 4) ? 3 : 0;
        uint64_t lo = (target & 0xffff) | (uint64_t)SEL_KERNEL_CS << 16 |
                      (uint64_t)(0x8e | dpl << 5) << 40 | ((target >> 16) & 0xffff) << 48;
        put64(e->ram + IDT_PA + 16 * v, lo);
        put64(e->ram + IDT_PA + 16 * v + 8, target >> 32);
        /* hlt; jmp back to the hlt */
        uint8_t *h = e->ram + HANDLER_PA + v * HANDLER_STRIDE;
        h[0] = 0xf4;
        h[1] = 0xeb;
        h[2] = 0xfd;
        h[3] = 0x90;
    }
}

static int build_tables(HdEmu *e)
{
    e->next_pt = PT_PA_FIRST;
    alloc_table(e); /* the PML4 */
    int rc = map_page(e, HD_CODE_VA, CODE_PA, PTE_US);
    for (unsigned i = 0; i < HD_DATA_PAGES && !rc; i++) {
        uint64_t rw = i < HD_DATA_RW_PAGES ? PTE_RW : 0;
        rc = map_page(e, HD_DATA_VA + i * HD_PAGE, DATA_PA + i * HD_PAGE, PTE_US | PTE_NX | rw);
    }
    if (!rc) {
        rc = map_page(e, IDT_VA, IDT_PA, PTE_NX);
    }
    if (!rc) {
        rc = map_page(e, GDT_VA, GDT_PA, PTE_RW | PTE_NX);
    }
    if (!rc) {
        rc = map_page(e, HANDLER_VA, HANDLER_PA, 0);
    }
    if (!rc) {
        rc = map_page(e, KSTACK_VA, KSTACK_PA, PTE_RW | PTE_NX);
    }
    if (rc) {
        return rc;
    }
    build_gdt(e);
    build_idt(e);
    memset(e->ram + CODE_PA, HD_SENTINEL, HD_PAGE);
    return 0;
}

static void set_seg(SegCache *s, uint16_t sel, uint64_t base, uint32_t limit, uint16_t attr)
{
    s->selector = sel;
    s->base = base;
    s->limit = limit;
    s->attr = attr;
}

/* The CPU model: the default, plus the extensions whose instructions the
 * harness generates (this host has them all), so rx86 runs what the host
 * runs (CPUID bits: SDM Vol. 2A CPUID, Tables 3-10, 3-11, 3-8; AMD APM
 * Vol. 3 E.4.2 for 80000001h:ECX). */
static void setup_model(CpuModel *m)
{
    m->features[FEAT_1_EDX] |= 1u << 0 | 1u << 15 | 1u << 19 | 1u << 23 | 1u << 24 | 1u << 25 |
                               1u << 26; /* fpu cmov clflush mmx fxsr sse sse2 */
    m->features[FEAT_1_ECX] |= 1u << 0 | 1u << 1 | 1u << 9 | 1u << 13 | 1u << 19 | 1u << 20 |
                               1u << 22 | 1u << 23 | 1u << 25 | 1u << 30;
    /* sse3 pclmulqdq ssse3 cx16 sse4.1 sse4.2 movbe popcnt aes rdrand */
    m->features[FEAT_7_0_EBX] |=
        1u << 3 | 1u << 8 | 1u << 18 | 1u << 19 | 1u << 20 | 1u << 23 | 1u << 24 | 1u << 29;
    /* bmi1 bmi2 rdseed adx smap clflushopt clwb sha-ni */
    m->features[FEAT_8000_0001_ECX] |= 1u << 5 | 1u << 6 | 1u << 8; /* abm sse4a 3dnowprefetch */
}

/* The machine state every case starts from, but the case's own. */
static void setup_cpu(HdEmu *e)
{
    CpuState *env = e->cpu;
    setup_model(&env->model);
    env->cr[0] = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG;
    env->cr[3] = PT_PA_FIRST;
    env->cr[4] = CR4_PAE | CR4_OSFXSR_BIT | CR4_OSXMMEXCPT_BIT;
    env->efer = EFER_SCE_BIT | EFER_LME | EFER_LMA | EFER_NXE;
    env->xcr0 = 3;
    env->gdt = (DescTable){GDT_VA, GDT_ENTRIES * 8 - 1};
    env->idt = (DescTable){IDT_VA, 256 * 16 - 1};
    set_seg(&env->tr, SEL_TSS, TSS_VA, 0x67, SEG_ATTR_P | 0xb);
    set_seg(&env->ldt, 0, 0, 0, 0);
    tlb_flush_all(&env->tlb);
}

/* ---- translation cache callbacks (as system/accel_tcg.c) ------------------------- */

static void code_page_changed(void *opaque, uint64_t paddr, bool has_code)
{
    HdEmu *e = opaque;
    if (has_code) {
        code_page_set(&e->code, paddr);
        tlb_flush_phys_page_writes(&e->cpu->tlb, paddr);
    } else {
        code_page_clear(&e->code, paddr);
    }
}

static void cache_flushed(void *opaque)
{
    HdEmu *e = opaque;
    exec_jmp_cache_clear(&e->cpu->exec);
}

static void *watchdog_main(void *arg)
{
    HdEmu *e = arg;
    uint64_t last = 0;
    unsigned ticks = 0;
    while (!atomic_load(&e->stop)) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        uint64_t now = atomic_load(&e->running);
        if (now != 0 && now == last) {
            if (++ticks >= EMU_TIMEOUT_S * 10) {
                atomic_store(&e->timed_out, true);
                exec_kick(&e->cpu->exec);
                ticks = 0;
            }
        } else {
            ticks = 0;
            last = now;
        }
    }
    return NULL;
}

HdEmu *hd_emu_new(bool interp, char *err, size_t errlen)
{
    const Backend *backend = &backend_interp;
#if defined(__x86_64__) && !defined(HD_NO_NATIVE)
    if (!interp) {
        backend = &backend_x86_64;
    }
#else
    if (!interp) {
        snprintf(err, errlen, "the JIT backend needs an x86-64 host: use --backend interp");
        return NULL;
    }
#endif
    HdEmu *e = calloc(1, sizeof(*e));
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    e->ram = calloc(1, RAM_SIZE);
    e->cpu = aligned_alloc(64, (sizeof(CpuState) + 63) & ~(size_t)63);
    if (!e->ram || !e->cpu) {
        snprintf(err, errlen, "out of memory");
        goto out_fail;
    }
    memset(e->cpu, 0, sizeof(CpuState));
    if (as_init(&e->mem, "hostdiff", 1ull << 32) != 0) {
        snprintf(err, errlen, "address space setup failed");
        goto out_fail;
    }
    e->mem_ready = true;
    if (!as_add_ram(&e->mem, "ram", 0, RAM_SIZE, e->ram, 0) ||
        code_pages_init(&e->code, RAM_SIZE) != 0) {
        snprintf(err, errlen, "guest RAM setup failed");
        goto out_fail;
    }
    e->code_ready = true;
    BackendConfig cfg;
    cpu_backend_config(&cfg);
    int rc = tb_cache_init(&e->cache, backend, &cfg, CODE_BUFFER_SIZE, RAM_SIZE);
    if (rc) {
        snprintf(err, errlen, "translation cache (%s): %s", backend->name, strerror(-rc));
        goto out_fail;
    }
    e->cache_ready = true;
    e->cache.code_page_changed = code_page_changed;
    e->cache.code_page_opaque = e;
    e->cache.flushed = cache_flushed;
    e->cache.flushed_opaque = e;
    cpu_init(e->cpu, &e->mem, &e->code, NULL);
    rc = exec_init(&e->cpu->exec, e->cpu, &e->cache);
    if (rc) {
        snprintf(err, errlen, "execution loop: %s", strerror(-rc));
        goto out_fail;
    }
    e->exec_ready = true;
    e->cpu->exec.env_size = sizeof(CpuState);
    rc = build_tables(e);
    if (rc) {
        snprintf(err, errlen, "page tables: %s", strerror(-rc));
        goto out_fail;
    }
    setup_cpu(e);
    if (pthread_create(&e->watchdog, NULL, watchdog_main, e) != 0) {
        snprintf(err, errlen, "cannot start the watchdog thread");
        goto out_fail;
    }
    e->watchdog_running = true;
    return e;

out_fail:
    hd_emu_free(e);
    return NULL;
}

void hd_emu_free(HdEmu *e)
{
    if (!e) {
        return;
    }
    if (e->watchdog_running) {
        atomic_store(&e->stop, true);
        pthread_join(e->watchdog, NULL);
    }
    if (e->exec_ready) {
        exec_destroy(&e->cpu->exec);
    }
    if (e->cache_ready) {
        tb_cache_destroy(&e->cache);
    }
    if (e->code_ready) {
        code_pages_destroy(&e->code);
    }
    if (e->mem_ready) {
        as_destroy(&e->mem);
    }
    free(e->cpu);
    free(e->ram);
    free(e);
}

/* ---- one case ---------------------------------------------------------------------- */

/* The FXSAVE image into rx86's x87/SSE state and back. ST(i) is physical
 * register (TOP + i) mod 8 (SDM Vol. 1 8.1.2); FSW's TOP field is kept
 * apart in X87State. */
static void fx_to_cpu(const uint8_t *fx, CpuState *env)
{
    uint16_t fsw = hd_fx16(fx, FX_FSW);
    env->fpu.fcw = hd_fx16(fx, FX_FCW);
    env->fpu.top = (fsw >> 11) & 7;
    env->fpu.fsw = fsw & (uint16_t)~0x3800u;
    env->fpu.ftw = fx[FX_FTW];
    env->fpu.fop = hd_fx16(fx, FX_FOP) & 0x7ff;
    env->fpu.fip = hd_fx64(fx, FX_FIP);
    env->fpu.fdp = hd_fx64(fx, FX_FDP);
    env->fpu.fcs = env->fpu.fds = 0;
    for (unsigned i = 0; i < 8; i++) {
        Float80 *r = &env->fpu.st[(env->fpu.top + i) & 7];
        r->mant = hd_fx64(fx, FX_ST0 + 16 * i);
        r->sign_exp = hd_fx16(fx, FX_ST0 + 16 * i + 8);
    }
    env->mxcsr = hd_fx32(fx, FX_MXCSR);
    for (unsigned i = 0; i < 16; i++) {
        env->xmm[i].q[0] = hd_fx64(fx, FX_XMM0 + 16 * i);
        env->xmm[i].q[1] = hd_fx64(fx, FX_XMM0 + 16 * i + 8);
    }
}

static void cpu_to_fx(const CpuState *env, uint8_t *fx)
{
    memset(fx, 0, FX_SIZE);
    hd_fx_put16(fx, FX_FCW, env->fpu.fcw);
    hd_fx_put16(fx, FX_FSW, (uint16_t)((env->fpu.fsw & ~0x3800u) | (env->fpu.top & 7u) << 11));
    fx[FX_FTW] = env->fpu.ftw;
    hd_fx_put16(fx, FX_FOP, env->fpu.fop);
    hd_fx_put64(fx, FX_FIP, env->fpu.fip);
    hd_fx_put64(fx, FX_FDP, env->fpu.fdp);
    hd_fx_put32(fx, FX_MXCSR, env->mxcsr);
    for (unsigned i = 0; i < 8; i++) {
        const Float80 *r = &env->fpu.st[(env->fpu.top + i) & 7];
        hd_fx_put64(fx, FX_ST0 + 16 * i, r->mant);
        hd_fx_put16(fx, FX_ST0 + 16 * i + 8, r->sign_exp);
    }
    for (unsigned i = 0; i < 16; i++) {
        hd_fx_put64(fx, FX_XMM0 + 16 * i, env->xmm[i].q[0]);
        hd_fx_put64(fx, FX_XMM0 + 16 * i + 8, env->xmm[i].q[1]);
    }
}

#define USER_FLAGS (EFLAGS_ARITH | EFLAGS_TF | EFLAGS_DF | EFLAGS_NT | EFLAGS_AC | EFLAGS_ID)

static void load_case(HdEmu *e, const HdCase *k)
{
    CpuState *env = e->cpu;
    memcpy(env->regs, k->in.gpr, sizeof(env->regs));
    env->rip = HD_CODE_VA + k->code_off;
    uint16_t code_attr =
        SEG_ATTR_P | SEG_ATTR_S | 0xb | 3 << SEG_ATTR_DPL_SHIFT | SEG_ATTR_L | SEG_ATTR_G;
    uint16_t data_attr =
        SEG_ATTR_P | SEG_ATTR_S | 0x3 | 3 << SEG_ATTR_DPL_SHIFT | SEG_ATTR_DB | SEG_ATTR_G;
    set_seg(&env->segs[R_CS], SEL_USER_CS, 0, 0xffffffffu, code_attr);
    set_seg(&env->segs[R_SS], SEL_USER_DS, 0, 0xffffffffu, data_attr);
    set_seg(&env->segs[R_DS], CASE_DS_SEL, 0, 0, 0);
    set_seg(&env->segs[R_ES], CASE_DS_SEL, 0, 0, 0);
    set_seg(&env->segs[R_FS], 0, 0, 0, 0);
    set_seg(&env->segs[R_GS], 0, HD_GS_BASE, 0, 0);
    env->hflags &= ~HF_INHIBIT;
    env->eflags = EFLAGS_FIXED1 | EFLAGS_IF;
    cpu_set_eflags(env, k->in.rflags, USER_FLAGS); /* also recomputes hflags */
    fx_to_cpu(k->in.fx, env);
    env->cr[2] = 0;
    env->exception_index = -1;
    env->error_code = 0;
    env->error_code_valid = false;
    env->exception_is_int = false;
    env->halted = false;
    env->shutdown_request = false;
    atomic_store(&env->interrupt_request, 0);
    env->exec.cflags_next = 0;
    atomic_store(&env->exec.exit_request, 0);
}

/* What the handler's HLT and its interrupt frame say. */
static void read_outcome(HdEmu *e, ExecStop stop, HdResult *r)
{
    CpuState *env = e->cpu;
    memcpy(r->out.gpr, env->regs, sizeof(r->out.gpr));
    r->out.rip = env->rip;
    r->out.rflags = cpu_get_eflags(env);
    cpu_to_fx(env, r->out.fx);
    hd_fx_normalize(r->out.fx);
    if (atomic_load(&e->timed_out)) {
        r->vector = HD_VEC_TIMEOUT;
        return;
    }
    uint64_t hlt = env->rip - 1;
    uint64_t rsp = env->regs[R_ESP];
    bool in_handler = stop == EXEC_STOP_HALTED && !env->shutdown_request && hlt >= HANDLER_VA &&
                      hlt < HANDLER_VA + 256 * HANDLER_STRIDE &&
                      (hlt - HANDLER_VA) % HANDLER_STRIDE == 0 &&
                      (rsp == KSTACK_TOP - 40 || rsp == KSTACK_TOP - 48);
    if (!in_handler) {
        r->vector = HD_VEC_EMU_STOP;
        return;
    }
    r->vector = (uint32_t)((hlt - HANDLER_VA) / HANDLER_STRIDE);
    const uint8_t *frame = e->ram + KSTACK_PA + (rsp - KSTACK_VA);
    if (rsp == KSTACK_TOP - 48) {
        r->err = (uint32_t)get64(frame);
        frame += 8;
    }
    /* RIP, CS, RFLAGS, RSP, SS (SDM Vol. 3A 6.14.2) */
    r->out.rip = get64(frame);
    r->out.rflags = get64(frame + 16);
    r->out.gpr[R_ESP] = get64(frame + 24);
    r->cr2 = r->vector == HD_VEC_PF ? env->cr[2] : 0;
}

void hd_emu_run(HdEmu *e, const HdCase *k, HdResult *r)
{
    memset(r, 0, sizeof(*r));
    /* the code page: HLT everywhere but the instruction */
    memcpy(e->ram + CODE_PA + k->code_off, k->code, k->len);
    bool hit = false;
    tb_invalidate_phys_range(&e->cache, CODE_PA, CODE_PA + HD_PAGE, UINT64_MAX, &hit);
    exec_jmp_cache_clear(&e->cpu->exec);
    hd_case_data(k, e->before);
    memcpy(e->ram + DATA_PA, e->before, HD_DATA_SIZE);
    load_case(e, k);

    atomic_store(&e->timed_out, false);
    atomic_store(&e->running, ++e->seq);
    ExecStop stop = exec_cpu(&e->cpu->exec);
    atomic_store(&e->running, 0);

    read_outcome(e, stop, r);
    hd_mem_diff(e->before, e->ram + DATA_PA, &r->mem);
    memset(e->ram + CODE_PA + k->code_off, HD_SENTINEL, k->len);
}
