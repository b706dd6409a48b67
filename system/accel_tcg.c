/*
 * accel_tcg.c — the "tcg" accelerator: rx86's own CPU. One vCPU thread runs
 * the translator's execution loop on a CpuState attached to the board's
 * address spaces; the board is the same one KVM drives.
 *
 * The vCPU reaches devices through a CpuBus that takes the device lock
 * (pc_port_* / pc_mmio_*), its local APIC (added to the board with the
 * vCPU) through the same bus (pc_apic_*: IA32_APIC_BASE, CR8, the TSC
 * deadline). The translation cache tells the soft MMU which physical
 * pages hold code (CodePages), so stores to them take the slow path and
 * invalidate what they overwrite.
 */
#include "frontend/cpu.h"
#include "frontend/helpers.h"
#include "system/vm.h"
#include "translator/backend.h"
#include "translator/exec.h"
#include "translator/tb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define TCG_CODE_BUFFER_SIZE (64u << 20)

typedef struct TcgState {
    CpuState *cpu;
    TbCache cache;
    bool cache_ready;
    CodePages code;
    bool code_ready;
    FILE *log;
    pthread_mutex_t lock; /* with wake: a halted vCPU sleeps here */
    pthread_cond_t wake;
} TcgState;

/* ---- the bus: the board's handlers, then a look at whether the guest
 * asked the machine to stop (isa-debug-exit) ---- */

static void stop_if_exiting(Vm *vm)
{
    if (atomic_load(&vm->pc.exit_status) >= 0) {
        TcgState *s = vm->accel_state;
        exec_kick(&s->cpu->exec);
    }
}

static uint64_t bus_port_read(void *opaque, uint16_t port, unsigned size)
{
    Vm *vm = opaque;
    return pc_port_read(&vm->pc, port, size);
}

static void bus_port_write(void *opaque, uint16_t port, uint64_t value, unsigned size)
{
    Vm *vm = opaque;
    pc_port_write(&vm->pc, port, value, size);
    stop_if_exiting(vm);
}

static uint64_t bus_mmio_read(void *opaque, uint64_t paddr, unsigned size)
{
    Vm *vm = opaque;
    uint8_t buf[8] = {0};
    pc_mmio_read(&vm->pc, paddr, buf, size);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)buf[i] << (8 * i); /* guest memory is little-endian */
    }
    return v;
}

static void bus_mmio_write(void *opaque, uint64_t paddr, uint64_t value, unsigned size)
{
    Vm *vm = opaque;
    uint8_t buf[8];
    for (unsigned i = 0; i < size; i++) {
        buf[i] = (uint8_t)(value >> (8 * i));
    }
    pc_mmio_write(&vm->pc, paddr, buf, size);
    stop_if_exiting(vm);
}

/* The CPU's local APIC: IA32_APIC_BASE, CR8, IA32_TSC_DEADLINE. */
static void bus_apic_base_write(void *opaque, uint64_t value)
{
    Vm *vm = opaque;
    pc_apic_set_base(&vm->pc, value);
}

static uint8_t bus_apic_cr8_read(void *opaque)
{
    Vm *vm = opaque;
    return pc_apic_cr8(&vm->pc);
}

static void bus_apic_cr8_write(void *opaque, uint8_t value)
{
    Vm *vm = opaque;
    pc_apic_set_cr8(&vm->pc, value);
}

static uint64_t bus_apic_tsc_deadline_read(void *opaque)
{
    Vm *vm = opaque;
    return pc_apic_tsc_deadline(&vm->pc);
}

static void bus_apic_tsc_deadline_write(void *opaque, uint64_t value, int64_t expire_ns)
{
    Vm *vm = opaque;
    pc_apic_set_tsc_deadline(&vm->pc, value, expire_ns);
}

/* ---- memory changed by devices (hw/hw.h PcMemoryListener) ---- */

/* Translated code from [base, base + len) is stale. The caller is the
 * vCPU thread, in a device access of the running instruction: if that
 * instruction's own block is hit, the rest of the block still runs from
 * the old translation (a device writing over the code that drives it). */
static void drop_code(TcgState *s, uint64_t base, uint64_t len)
{
    TbCache *c = &s->cache;
    bool hit = false;
    pthread_mutex_lock(&c->lock);
    tb_invalidate_phys_range(c, base, base + len, UINT64_MAX, &hit);
    pthread_mutex_unlock(&c->lock);
    exec_jmp_cache_clear(&s->cpu->exec);
}

/* DMA into RAM (fw_cfg). */
static void ram_written(void *opaque, uint64_t base, uint64_t len)
{
    TcgState *s = opaque;
    for (uint64_t p = base & ~0xfffull; p < base + len; p += 0x1000) {
        if (tb_page_has_code(&s->cache, p)) {
            drop_code(s, base, len);
            return;
        }
    }
}

/* The map changed (PAM shadowing, a BAR moved): the TLB's host pointers
 * and the code translated from those addresses are stale. One vCPU: its
 * TLB is ours to touch. TODO: queue it for other vCPUs. */
static void map_changed(void *opaque, uint64_t base, uint64_t len)
{
    TcgState *s = opaque;
    drop_code(s, base, len);
    tlb_flush_all(&s->cpu->tlb);
}

/* ---- translation cache callbacks ---- */

static void code_page_changed(void *opaque, uint64_t paddr, bool has_code)
{
    TcgState *s = opaque;
    if (has_code) {
        code_page_set(&s->code, paddr);
        /* Writes to the page must now take the slow path. One vCPU: its
         * TLB is ours to touch here. TODO: queue this for other vCPUs. */
        tlb_flush_phys_page_writes(&s->cpu->tlb, paddr);
    } else {
        code_page_clear(&s->code, paddr);
    }
}

static void cache_flushed(void *opaque)
{
    TcgState *s = opaque;
    exec_jmp_cache_clear(&s->cpu->exec);
}

/* The board's A20 gate (port 0x92) drives the CPU's A20 mask. Called with
 * the device lock held, from the vCPU thread (a guest OUT). TODO: queue it
 * as work for the vCPU once something else can write the port. */
static void a20_changed(void *opaque, int n, int level)
{
    cpu_set_a20(opaque, level != 0);
}

/* Raise an interrupt request: the vCPU leaves its blocks and its HLT. */
static void raise_request(TcgState *s, uint32_t request)
{
    atomic_fetch_or(&s->cpu->interrupt_request, request);
    exec_kick(&s->cpu->exec);
    pthread_mutex_lock(&s->lock);
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->lock);
}

/* The local APIC's INTR: the CPU's external interrupt request (SDM Vol.
 * 3A 6.3.1 "External Interrupts"). Called with the device lock held, on
 * any thread. */
static void intr_changed(void *opaque, int n, int level)
{
    Vm *vm = opaque;
    TcgState *s = vm->accel_state;
    if (level) {
        raise_request(s, CPU_INTERRUPT_HARD);
    } else {
        atomic_fetch_and(&s->cpu->interrupt_request, ~CPU_INTERRUPT_HARD);
    }
}

/* The local APIC's NMI (a 0-1 pulse): edge-triggered, held pending until
 * the CPU takes it (frontend/cpu_exec.c). */
static void nmi_changed(void *opaque, int n, int level)
{
    Vm *vm = opaque;
    if (level) {
        raise_request(vm->accel_state, CPU_INTERRUPT_NMI);
    }
}

/* The CPU's interrupt acknowledge cycle (frontend/cpu_exec.c), on the
 * vCPU thread. */
static int intr_ack(void *opaque)
{
    Vm *vm = opaque;
    return pc_intack(&vm->pc);
}

/* The top of guest physical memory: low RAM, and RAM above 4 GiB. */
static uint64_t phys_top(const PcMachine *pc)
{
    if (pc->ram_size > pc->ram_below_4g) {
        return (4ull << 30) + (pc->ram_size - pc->ram_below_4g);
    }
    return pc->ram_size;
}

static void tcg_destroy(Vm *vm);

static int tcg_init(Vm *vm, char *err, size_t errlen)
{
    const VmConfig *cfg = vm->cfg;
    const Backend *backend = &backend_interp;
#if defined(__x86_64__)
    if (!cfg->tcg_interp) {
        backend = &backend_x86_64;
    }
#endif
    if (cfg->cpu_host) {
        snprintf(err, errlen, "-cpu host: only with -accel kvm (tcg emulates a CPU model: "
                              "-cpu max has every feature rx86 implements)");
        return -EINVAL;
    }
    if (cfg->tcg_check && backend == &backend_interp) {
        snprintf(err, errlen, "-accel tcg,check=on compares the JIT with the interpreter: it "
                              "needs the JIT backend (not backend=interp)");
        return -EINVAL;
    }
    TcgState *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    vm->accel_state = s;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->wake, NULL);

    int rc = code_pages_init(&s->code, phys_top(&vm->pc));
    if (rc) {
        snprintf(err, errlen, "cannot track code pages: %s", strerror(-rc));
        goto out_fail;
    }
    s->code_ready = true;
    s->cpu = aligned_alloc(64, (sizeof(CpuState) + 63) & ~(size_t)63);
    if (!s->cpu) {
        rc = -ENOMEM;
        snprintf(err, errlen, "out of memory for the CPU state");
        goto out_fail;
    }
    memset(s->cpu, 0, sizeof(CpuState));
    if (cfg->cpu_given) {
        s->cpu->model = cfg->cpu_model; /* else cpu_reset picks the default */
    }

    BackendConfig bcfg;
    cpu_backend_config(&bcfg);
    rc = tb_cache_init(&s->cache, backend, &bcfg, TCG_CODE_BUFFER_SIZE, phys_top(&vm->pc));
    if (rc) {
        snprintf(err, errlen, "cannot set up the translation cache (%s backend): %s",
                 backend->name, strerror(-rc));
        goto out_fail;
    }
    s->cache_ready = true;
    s->cache.code_page_changed = code_page_changed;
    s->cache.code_page_opaque = s;
    s->cache.flushed = cache_flushed;
    s->cache.flushed_opaque = s;

    CpuBus bus = {
        .opaque = vm,
        .port_read = bus_port_read,
        .port_write = bus_port_write,
        .mmio_read = bus_mmio_read,
        .mmio_write = bus_mmio_write,
    };
    /* The vCPU's local APIC, on the devices' clock. -EBUSY: an accelerator
     * tried before this one added it, and it serves this vCPU as well. */
    HwClock clock = timer_hw_clock(&vm->timers);
    rc = pc_add_lapic(&vm->pc, &clock);
    if (rc && rc != -EBUSY) {
        snprintf(err, errlen, "cannot add the local APIC: %s", strerror(-rc));
        goto out_fail;
    }
    cpu_init(s->cpu, &vm->pc.mem, &s->code, &bus);
    s->cpu->opaque = vm;
    /* Both start with A20 enabled (port 0x92 and cpu_reset). */
    pc_connect_a20(&vm->pc, (IrqLine){a20_changed, s->cpu, 0});
    pc_connect_memory(&vm->pc, &(PcMemoryListener){ram_written, map_changed, s});
    s->cpu->irq_ack = intr_ack;
    s->cpu->irq_opaque = vm;
    s->cpu->apic = (CpuApicOps){
        .opaque = vm,
        .base_write = bus_apic_base_write,
        .cr8_read = bus_apic_cr8_read,
        .cr8_write = bus_apic_cr8_write,
        .tsc_deadline_read = bus_apic_tsc_deadline_read,
        .tsc_deadline_write = bus_apic_tsc_deadline_write,
    };
    pc_connect_intr(&vm->pc, (IrqLine){intr_changed, vm, 0});
    pc_connect_nmi(&vm->pc, (IrqLine){nmi_changed, vm, 0});
    rc = exec_init(&s->cpu->exec, s->cpu, &s->cache);
    if (rc) {
        snprintf(err, errlen, "cannot set up the execution loop: %s", strerror(-rc));
        goto out_fail;
    }
    s->log = stderr;
    if (cfg->log_file) {
        s->log = fopen(cfg->log_file, "w");
        if (!s->log) {
            rc = -errno;
            snprintf(err, errlen, "-D %s: %s", cfg->log_file, strerror(errno));
            s->log = NULL;
            goto out_fail;
        }
    }
    s->cpu->exec.log = s->log;
    s->cpu->exec.log_mask = cfg->log_mask;
    s->cpu->exec.check_mode = cfg->tcg_check;
    s->cpu->exec.env_size = sizeof(CpuState);
    cpu_load_boot_state(s->cpu, &vm->boot);
    return 0;

out_fail:
    tcg_destroy(vm);
    /* -ENODEV would make vm_run try the next accelerator: these failures
     * (out of memory, a bad -D file) are errors to report, not absence. */
    return rc == -ENODEV ? -EINVAL : rc;
}

/* HLT: sleep until kicked (an interrupt or a stop request). Whoever sets
 * what this waits for broadcasts `wake` under `lock` afterwards (tcg_kick,
 * intr_changed), so no wakeup is lost and no timeout is needed. */
static void wait_for_kick(Vm *vm, TcgState *s)
{
    pthread_mutex_lock(&s->lock);
    while (atomic_load(&vm->pc.exit_status) < 0 && !atomic_load(&s->cpu->exec.exit_request) &&
           !atomic_load(&s->cpu->interrupt_request)) {
        pthread_cond_wait(&s->wake, &s->lock);
    }
    pthread_mutex_unlock(&s->lock);
}

/* A machine reset: the board and images (vm_reset_machine), then every
 * translation dropped (the reloaded images were written around the soft
 * MMU) and the CPU in its reset or boot state. Returns -1 to go on, or an
 * exit status when the reset itself failed. */
static int tcg_reset(Vm *vm, TcgState *s)
{
    char err[256];
    if (vm_reset_machine(vm, err, sizeof(err)) < 0) {
        fprintf(stderr, "rx86: machine reset failed: %s\n", err);
        return 1;
    }
    pthread_mutex_lock(&s->cache.lock);
    tb_flush(&s->cache);
    pthread_mutex_unlock(&s->cache.lock);
    exec_jmp_cache_clear(&s->cpu->exec);
    cpu_reset(s->cpu);
    cpu_load_boot_state(s->cpu, &vm->boot);
    return -1;
}

static int tcg_run(Vm *vm)
{
    TcgState *s = vm->accel_state;
    CpuState *cpu = s->cpu;
    int status;
    for (;;) {
        status = atomic_load(&vm->pc.exit_status);
        if (status >= 0) {
            break;
        }
        ExecStop stop = exec_cpu(&cpu->exec);
        if (cpu->shutdown_request) {
            /* A triple fault (SDM Vol. 3A 6.15, "Double Fault Exception")
             * resets the machine, as the chipset does on a shutdown cycle. */
            if (vm_reset_stops(vm, "the guest triple-faulted")) {
                status = 0;
                break;
            }
            atomic_store(&vm->reset_requested, true);
        }
        if (atomic_load(&vm->reset_requested)) {
            status = tcg_reset(vm, s);
            if (status >= 0) {
                break;
            }
            continue;
        }
        if (stop == EXEC_STOP_HALTED) {
            if (!(cpu_get_eflags(cpu) & EFLAGS_IF)) {
                /* No NMI source exists on the board: nothing can wake it.
                 * TODO: wait instead once the monitor or gdb stub exist. */
                fprintf(stderr, "rx86: the guest halted with interrupts disabled (cli; hlt): "
                                "stopping\n");
                status = 0;
                break;
            }
            wait_for_kick(vm, s);
        }
    }
    if (cpu->exec.log_mask & LOG_ICOUNT) {
        fprintf(stderr, "rx86: guest instructions executed: %" PRIu64 "\n", cpu->exec.insns_run);
        fprintf(stderr, "rx86: soft TLB misses: %" PRIu64 "\n", cpu->tlb.misses);
    }
    if (s->log) {
        fflush(s->log);
    }
    return status;
}

static void tcg_kick(Vm *vm)
{
    TcgState *s = vm->accel_state;
    exec_kick(&s->cpu->exec);
    pthread_mutex_lock(&s->lock);
    pthread_cond_broadcast(&s->wake);
    pthread_mutex_unlock(&s->lock);
}

static void tcg_destroy(Vm *vm)
{
    TcgState *s = vm->accel_state;
    if (!s) {
        return;
    }
    pc_connect_a20(&vm->pc, (IrqLine){0});
    pc_connect_intr(&vm->pc, (IrqLine){0});
    pc_connect_nmi(&vm->pc, (IrqLine){0});
    pc_connect_memory(&vm->pc, &(PcMemoryListener){0});
    if (s->cpu) {
        exec_destroy(&s->cpu->exec);
        free(s->cpu);
    }
    if (s->cache_ready) {
        tb_cache_destroy(&s->cache);
    }
    if (s->code_ready) {
        code_pages_destroy(&s->code);
    }
    if (s->log && s->log != stderr) {
        fclose(s->log);
    }
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->lock);
    free(s);
    vm->accel_state = NULL;
}

const AccelOps accel_tcg_ops = {
    .name = "tcg",
    .init = tcg_init,
    .run = tcg_run,
    .kick = tcg_kick,
    .destroy = tcg_destroy,
};
