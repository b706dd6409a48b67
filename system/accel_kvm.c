/*
 * The KVM accelerator: the host CPU runs the guest; rx86 supplies the board.
 *
 * RAM and ROM ranges of the board's memory map become KVM memory slots (ROM
 * read-only, so guest writes come back as MMIO exits and are dropped);
 * everything else — port I/O and MMIO — exits to the same device models TCG
 * uses. There is no in-kernel interrupt controller: the board's PIC,
 * IOAPIC and local APIC are the ones TCG uses (as QEMU's
 * kernel-irqchip=off), the APIC's page reached by MMIO exits. Its INTR is
 * injected from here (KVM_INTERRUPT, the vector from its INTA) when the
 * vCPU can take it (kvm_run.ready_for_interrupt_injection), asking KVM for
 * an exit when the interrupt window opens otherwise; its NMIs by KVM_NMI.
 * KVM keeps CR8 and IA32_APIC_BASE without an in-kernel APIC: kvm_run
 * carries them, synchronized with the APIC around every KVM_RUN (a lower
 * CR8 exits with KVM_EXIT_SET_TPR). The vCPU's CPUID announces neither
 * x2APIC nor the TSC-deadline timer, which need the in-kernel APIC. A HLT
 * exits to rx86, which sleeps until INTR rises or an NMI comes.
 *
 * Some hosts run KVM nested without VMX/SVM (e.g. PVM): small guests work,
 * and any refusal from the kernel is reported with the ioctl that failed.
 */
#include "system/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define KICK_SIGNAL SIGUSR1
#define TSS_ADDR 0xfffbd000u /* three pages Intel's VMX needs for real mode, below the BIOS */

typedef struct KvmState {
    int kvm_fd;
    int vm_fd;
    int vcpu_fd;
    struct kvm_run *run;
    size_t run_size;
    pthread_t vcpu_thread;
    atomic_bool thread_known;
    atomic_bool intr;     /* the local APIC's INTR */
    atomic_bool nmi;      /* an NMI waits for KVM_NMI */
    uint64_t apic_base;   /* IA32_APIC_BASE as last seen in kvm_run */
    pthread_mutex_t lock; /* with wake: a halted vCPU sleeps here */
    pthread_cond_t wake;
    /* The vCPU's registers as KVM created it (the power-on state), for a
     * machine reset. */
    struct kvm_sregs power_on_sregs;
    struct kvm_regs power_on_regs;
} KvmState;

static int kvm_fail(char *err, size_t errlen, int rc, const char *what)
{
    snprintf(err, errlen, "-accel kvm: %s: %s", what, strerror(-rc));
    return rc;
}

static void kick_handler(int sig)
{
    (void)sig; /* its only job is to interrupt KVM_RUN */
}

static int map_memory(Vm *vm, KvmState *k, char *err, size_t errlen)
{
    bool readonly_ok = ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) > 0;
    int max_slots = ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
    unsigned slot = 0;
    const AddressSpace *as = &vm->pc.mem;
    for (size_t i = 0; i < as->nflat; i++) {
        const FlatRange *fr = &as->flat[i];
        const MemRegion *r = fr->region;
        if (r->kind == MEM_IO) {
            continue;
        }
        if (r->kind == MEM_ROM && !readonly_ok) {
            snprintf(err, errlen,
                     "-accel kvm: this host's KVM has no read-only memory slots "
                     "(KVM_CAP_READONLY_MEM), so it cannot map ROM");
            return -ENODEV;
        }
        if (max_slots > 0 && slot >= (unsigned)max_slots) {
            snprintf(err, errlen, "-accel kvm: more memory ranges than KVM's %d slots", max_slots);
            return -ENOSPC;
        }
        struct kvm_userspace_memory_region mr = {
            .slot = slot++,
            .flags = r->kind == MEM_ROM ? KVM_MEM_READONLY : 0,
            .guest_phys_addr = fr->start,
            .memory_size = fr->end - fr->start,
            .userspace_addr = (uintptr_t)(r->host + (fr->start - r->base)),
        };
        if (((fr->start | fr->end) & 0xfff) != 0) {
            snprintf(err, errlen, "-accel kvm: memory range %s at 0x%llx is not page aligned",
                     r->name, (unsigned long long)fr->start);
            return -EINVAL;
        }
        if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) < 0) {
            return kvm_fail(err, errlen, -errno, "KVM_SET_USER_MEMORY_REGION");
        }
    }
    return 0;
}

#define CPUID_1_ECX_X2APIC (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

/* Give the guest what the host CPU and KVM support (CPU models: issue 6),
 * less what a userspace local APIC does not have: x2APIC and the
 * TSC-deadline timer (KVM emulates both only in its own APIC). */
static int set_cpuid(KvmState *k, char *err, size_t errlen)
{
    int n = 256;
    struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(struct kvm_cpuid_entry2));
    if (!c) {
        return -ENOMEM;
    }
    c->nent = (uint32_t)n;
    int rc = 0;
    if (ioctl(k->kvm_fd, KVM_GET_SUPPORTED_CPUID, c) < 0) {
        rc = kvm_fail(err, errlen, -errno, "KVM_GET_SUPPORTED_CPUID");
        free(c);
        return rc;
    }
    for (uint32_t i = 0; i < c->nent; i++) {
        if (c->entries[i].function == 1) {
            c->entries[i].ecx &= ~(CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE);
        }
    }
    if (ioctl(k->vcpu_fd, KVM_SET_CPUID2, c) < 0) {
        rc = kvm_fail(err, errlen, -errno, "KVM_SET_CPUID2");
    }
    free(c);
    return rc;
}

static void set_segment(struct kvm_segment *s, uint16_t sel, uint64_t base, uint32_t limit,
                        uint8_t type, bool code32)
{
    *s = (struct kvm_segment){.selector = sel,
                              .base = base,
                              .limit = limit,
                              .type = type,
                              .present = 1,
                              .s = 1,
                              .db = code32,
                              .g = limit > 0xfffff};
}

static int set_boot_state(Vm *vm, KvmState *k, char *err, size_t errlen)
{
    const BootState *b = &vm->boot;
    struct kvm_sregs sr;
    if (ioctl(k->vcpu_fd, KVM_GET_SREGS, &sr) < 0) {
        return kvm_fail(err, errlen, -errno, "KVM_GET_SREGS");
    }
    /* KVM creates the vCPU in the power-on state; adjust from there. */
    if (b->mode == BOOT_REAL_MODE) {
        set_segment(&sr.cs, b->cs, (uint64_t)b->cs << 4, 0xffff, 0xb, false);
        set_segment(&sr.ds, 0, 0, 0xffff, 0x3, false);
        sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
    } else if (b->mode == BOOT_FLAT32) {
        set_segment(&sr.cs, 0x10, 0, 0xffffffff, 0xb, true);
        set_segment(&sr.ds, 0x18, 0, 0xffffffff, 0x3, true);
        sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
        sr.cr0 |= 1; /* PE */
    } else if (b->mode == BOOT_LONG64) {
        set_segment(&sr.cs, 0x10, 0, 0xffffffff, 0xb, false);
        sr.cs.l = 1;
        set_segment(&sr.ds, 0x18, 0, 0xffffffff, 0x3, true);
        sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
        sr.cr0 |= 0x80000001u; /* PG, PE */
        sr.cr3 = b->cr3;
        sr.cr4 |= 0x20u;       /* PAE */
        sr.efer |= 0x500u;     /* LME, LMA */
    }
    if (b->gdt_limit) {
        sr.gdt.base = b->gdt_base;
        sr.gdt.limit = b->gdt_limit;
    }
    if (ioctl(k->vcpu_fd, KVM_SET_SREGS, &sr) < 0) {
        return kvm_fail(err, errlen, -errno, "KVM_SET_SREGS");
    }
    struct kvm_regs r = {.rip = b->mode == BOOT_LONG64 ? b->rip : b->eip,
                         .rax = b->eax,
                         .rbx = b->ebx,
                         .rdx = b->edx,
                         .rsi = b->esi,
                         .rsp = b->esp,
                         .rflags = 0x2};
    if (ioctl(k->vcpu_fd, KVM_SET_REGS, &r) < 0) {
        return kvm_fail(err, errlen, -errno, "KVM_SET_REGS");
    }
    return 0;
}

/* IA32_APIC_BASE as the board's local APIC has it after RESET: KVM keeps
 * the MSR itself when it has no APIC of its own. */
static int set_apic_base(Vm *vm, KvmState *k, char *err, size_t errlen)
{
    struct {
        struct kvm_msrs hdr;
        struct kvm_msr_entry entry;
    } msrs = {.hdr.nmsrs = 1, .entry = {.index = 0x1b, .data = pc_apic_base(&vm->pc)}};
    if (ioctl(k->vcpu_fd, KVM_SET_MSRS, &msrs) != 1) {
        return kvm_fail(err, errlen, errno ? -errno : -EINVAL, "KVM_SET_MSRS (IA32_APIC_BASE)");
    }
    k->apic_base = msrs.entry.data;
    return 0;
}

/* A machine reset: the board and images, then the vCPU back to its
 * power-on registers and the boot state. (MSRs other than EFER and
 * IA32_APIC_BASE keep their values: KVM has no one-call vCPU reset.) */
static int kvm_reset(Vm *vm, KvmState *k)
{
    char err[256];
    int rc = vm_reset_machine(vm, err, sizeof(err));
    if (!rc && (ioctl(k->vcpu_fd, KVM_SET_SREGS, &k->power_on_sregs) < 0 ||
                ioctl(k->vcpu_fd, KVM_SET_REGS, &k->power_on_regs) < 0)) {
        rc = kvm_fail(err, sizeof(err), -errno, "setting the power-on registers");
    }
    if (!rc) {
        rc = set_apic_base(vm, k, err, sizeof(err));
    }
    if (!rc) {
        rc = set_boot_state(vm, k, err, sizeof(err));
    }
    if (rc) {
        fprintf(stderr, "rx86: machine reset failed: %s\n", err);
    }
    return rc;
}

static void kvm_destroy(Vm *vm)
{
    KvmState *k = vm->accel_state;
    if (!k) {
        return;
    }
    pc_connect_intr(&vm->pc, (IrqLine){0});
    pc_connect_nmi(&vm->pc, (IrqLine){0});
    if (k->run) {
        munmap(k->run, k->run_size);
    }
    if (k->vcpu_fd >= 0) {
        close(k->vcpu_fd);
    }
    if (k->vm_fd >= 0) {
        close(k->vm_fd);
    }
    if (k->kvm_fd >= 0) {
        close(k->kvm_fd);
    }
    pthread_cond_destroy(&k->wake);
    pthread_mutex_destroy(&k->lock);
    free(k);
    vm->accel_state = NULL;
}

static void kvm_kick(Vm *vm);

static bool on_vcpu_thread(KvmState *k)
{
    return atomic_load(&k->thread_known) && pthread_equal(pthread_self(), k->vcpu_thread);
}

/* The local APIC's INTR (with the device lock held, on any thread): a
 * rising one makes the vCPU leave KVM_RUN or its HLT sleep to inject it.
 * On the vCPU's own thread (an EOI that lets the next request through)
 * there is nothing to interrupt: the loop looks at INTR before it enters
 * again. */
static void intr_changed(void *opaque, int n, int level)
{
    Vm *vm = opaque;
    KvmState *k = vm->accel_state;
    atomic_store(&k->intr, level != 0);
    if (level && !on_vcpu_thread(k)) {
        kvm_kick(vm);
    }
}

/* The local APIC's NMI (a 0-1 pulse): injected before the next KVM_RUN. */
static void nmi_changed(void *opaque, int n, int level)
{
    Vm *vm = opaque;
    KvmState *k = vm->accel_state;
    if (level) {
        atomic_store(&k->nmi, true);
        if (!on_vcpu_thread(k)) {
            kvm_kick(vm);
        }
    }
}

static int kvm_init(Vm *vm, char *err, size_t errlen)
{
    KvmState *k = calloc(1, sizeof(*k));
    if (!k) {
        return -ENOMEM;
    }
    k->kvm_fd = k->vm_fd = k->vcpu_fd = -1;
    pthread_mutex_init(&k->lock, NULL);
    pthread_cond_init(&k->wake, NULL);
    vm->accel_state = k;
    int rc;

    k->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (k->kvm_fd < 0) {
        kvm_fail(err, errlen, -errno, "cannot open /dev/kvm");
        rc = -ENODEV; /* not usable here: -accel may name a fallback */
        goto out;
    }
    if (ioctl(k->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
        snprintf(err, errlen, "-accel kvm: /dev/kvm speaks an unknown API version");
        rc = -ENODEV;
        goto out;
    }
    k->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
    if (k->vm_fd < 0) {
        kvm_fail(err, errlen, -errno, "KVM_CREATE_VM");
        rc = -ENODEV; /* not usable here: -accel may name a fallback */
        goto out;
    }
    /* Intel VMX needs these pages to run real-mode code; other
     * implementations may not know the call, which is harmless. */
    (void)ioctl(k->vm_fd, KVM_SET_TSS_ADDR, TSS_ADDR);
    rc = map_memory(vm, k, err, errlen);
    if (rc) {
        goto out;
    }
    k->vcpu_fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, 0);
    if (k->vcpu_fd < 0) {
        rc = kvm_fail(err, errlen, -errno, "KVM_CREATE_VCPU");
        goto out;
    }
    int size = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size <= 0) {
        rc = kvm_fail(err, errlen, -EINVAL, "KVM_GET_VCPU_MMAP_SIZE");
        goto out;
    }
    k->run_size = (size_t)size;
    k->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu_fd, 0);
    if (k->run == MAP_FAILED) {
        k->run = NULL;
        rc = kvm_fail(err, errlen, -errno, "mmap of the vCPU");
        goto out;
    }
    if (vm->cfg->cpu_given) {
        /* The model describes what rx86's translator runs; KVM runs the
         * host's CPU, so the vCPU gets every feature KVM supports. */
        fprintf(stderr, "rx86: warning: -accel kvm gives the vCPU the host's CPUID (as -cpu "
                        "host); the -cpu model applies to tcg only\n");
    }
    rc = set_cpuid(k, err, errlen);
    if (!rc && (ioctl(k->vcpu_fd, KVM_GET_SREGS, &k->power_on_sregs) < 0 ||
                ioctl(k->vcpu_fd, KVM_GET_REGS, &k->power_on_regs) < 0)) {
        rc = kvm_fail(err, errlen, -errno, "reading the power-on registers");
    }
    if (!rc) {
        rc = set_boot_state(vm, k, err, errlen);
    }
    if (!rc) {
        /* The vCPU's local APIC, emulated here (-EBUSY: an accelerator
         * tried before added it). */
        HwClock clock = timer_hw_clock(&vm->timers);
        rc = pc_add_lapic(&vm->pc, &clock);
        if (rc == -EBUSY) {
            rc = 0;
        } else if (rc) {
            kvm_fail(err, errlen, rc, "adding the local APIC");
        }
    }
    if (!rc) {
        rc = set_apic_base(vm, k, err, errlen);
    }
    if (!rc) {
        struct sigaction sa = {.sa_handler = kick_handler};
        sigemptyset(&sa.sa_mask);
        sigaction(KICK_SIGNAL, &sa, NULL); /* no SA_RESTART: KVM_RUN returns EINTR */
        pc_connect_intr(&vm->pc, (IrqLine){intr_changed, vm, 0});
        pc_connect_nmi(&vm->pc, (IrqLine){nmi_changed, vm, 0});
    }
out:
    if (rc) {
        kvm_destroy(vm);
    }
    return rc;
}

static void kvm_kick(Vm *vm)
{
    KvmState *k = vm->accel_state;
    if (!k || !k->run) {
        return;
    }
    k->run->immediate_exit = 1;
    if (atomic_load(&k->thread_known)) {
        pthread_kill(k->vcpu_thread, KICK_SIGNAL);
    }
    pthread_mutex_lock(&k->lock);
    pthread_cond_broadcast(&k->wake);
    pthread_mutex_unlock(&k->lock);
}

static void handle_io(Vm *vm, struct kvm_run *run)
{
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    unsigned size = run->io.size;
    for (uint32_t i = 0; i < run->io.count; i++, data += size) {
        if (run->io.direction == KVM_EXIT_IO_OUT) {
            uint64_t v = 0;
            memcpy(&v, data, size);
            pc_port_write(&vm->pc, run->io.port, v, size);
        } else {
            uint64_t v = pc_port_read(&vm->pc, run->io.port, size);
            memcpy(data, &v, size);
        }
    }
}

static void report_guest_state(KvmState *k)
{
    struct kvm_regs r;
    struct kvm_sregs s;
    if (ioctl(k->vcpu_fd, KVM_GET_REGS, &r) == 0 && ioctl(k->vcpu_fd, KVM_GET_SREGS, &s) == 0) {
        fprintf(stderr,
                "rx86: guest state: CS=%04x:%08llx (base %08llx) CR0=%08llx EFLAGS=%08llx\n",
                s.cs.selector, (unsigned long long)r.rip, (unsigned long long)s.cs.base,
                (unsigned long long)s.cr0, (unsigned long long)r.rflags);
    }
}

/* HLT: sleep until INTR rises, an NMI comes or the VM is asked to stop.
 * Returns false when the CPU can never wake (IF = 0, no NMI). */
static bool wait_while_halted(Vm *vm, KvmState *k)
{
    if (!k->run->if_flag && !atomic_load(&k->nmi)) {
        /* Nothing can ever wake this CPU: no NMI source exists on the board.
         * TODO: wait instead once the monitor or gdb stub can intervene. */
        fprintf(stderr, "rx86: the guest halted with interrupts disabled (cli; hlt): "
                        "stopping\n");
        return false;
    }
    pthread_mutex_lock(&k->lock);
    while (atomic_load(&vm->pc.exit_status) < 0 && !atomic_load(&k->intr) &&
           !atomic_load(&k->nmi)) {
        pthread_cond_wait(&k->wake, &k->lock);
    }
    pthread_mutex_unlock(&k->lock);
    return true;
}

/* Before KVM_RUN: CR8 from the APIC's TPR; a pending NMI; the APIC's
 * interrupt if the vCPU can take one now (IF = 1, no interrupt shadow,
 * none queued), and an exit asked for when it can if INTR is (still)
 * high. */
static int inject_interrupt(Vm *vm, KvmState *k)
{
    struct kvm_run *run = k->run;
    run->cr8 = pc_apic_cr8(&vm->pc);
    if (atomic_exchange(&k->nmi, false) && ioctl(k->vcpu_fd, KVM_NMI) < 0) {
        fprintf(stderr, "rx86: kvm: KVM_NMI failed: %s\n", strerror(errno));
        return -1;
    }
    if (atomic_load(&k->intr) && run->ready_for_interrupt_injection && run->if_flag) {
        struct kvm_interrupt irq = {.irq = (uint32_t)pc_intack(&vm->pc)};
        if (ioctl(k->vcpu_fd, KVM_INTERRUPT, &irq) < 0) {
            fprintf(stderr, "rx86: kvm: KVM_INTERRUPT failed: %s\n", strerror(errno));
            return -1;
        }
    }
    run->request_interrupt_window = atomic_load(&k->intr);
    return 0;
}

/* After KVM_RUN: what the guest did to CR8 and IA32_APIC_BASE, which
 * KVM handled, to the APIC. */
static void sync_apic(Vm *vm, KvmState *k)
{
    struct kvm_run *run = k->run;
    if (run->apic_base != k->apic_base) {
        k->apic_base = run->apic_base;
        pc_apic_set_base(&vm->pc, run->apic_base);
    }
    if (run->cr8 != pc_apic_cr8(&vm->pc)) {
        pc_apic_set_cr8(&vm->pc, (uint8_t)run->cr8);
    }
}

static int kvm_run(Vm *vm)
{
    KvmState *k = vm->accel_state;
    struct kvm_run *run = k->run;
    k->vcpu_thread = pthread_self();
    atomic_store(&k->thread_known, true);
    while (true) {
        int status = atomic_load(&vm->pc.exit_status);
        if (status >= 0) {
            return status;
        }
        if (atomic_load(&vm->reset_requested) && kvm_reset(vm, k) < 0) {
            return 1;
        }
        if (inject_interrupt(vm, k) < 0) {
            report_guest_state(k);
            return 1;
        }
        int ran = ioctl(k->vcpu_fd, KVM_RUN, 0);
        int run_errno = errno;
        sync_apic(vm, k);
        errno = run_errno;
        if (ran < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                run->immediate_exit = 0;
                continue;
            }
            fprintf(stderr, "rx86: kvm: KVM_RUN failed: %s\n", strerror(errno));
            report_guest_state(k);
            return 1;
        }
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            handle_io(vm, run);
            break;
        case KVM_EXIT_MMIO:
            if (run->mmio.is_write) {
                pc_mmio_write(&vm->pc, run->mmio.phys_addr, run->mmio.data, run->mmio.len);
            } else {
                pc_mmio_read(&vm->pc, run->mmio.phys_addr, run->mmio.data, run->mmio.len);
            }
            break;
        case KVM_EXIT_HLT:
            if (!wait_while_halted(vm, k)) {
                return 0;
            }
            break;
        case KVM_EXIT_IRQ_WINDOW_OPEN:
            break; /* inject_interrupt() takes it from here */
        case KVM_EXIT_SET_TPR:
            break; /* CR8 went down: sync_apic() told the APIC */
        case KVM_EXIT_SHUTDOWN:
            /* A triple fault (SDM Vol. 3A 6.15, "Double Fault Exception"):
             * a machine reset, as the chipset does on a shutdown cycle. */
            if (vm_reset_stops(vm, "the guest triple-faulted")) {
                return 0;
            }
            atomic_store(&vm->reset_requested, true);
            break;
        case KVM_EXIT_INTR:
            break;
        case KVM_EXIT_FAIL_ENTRY:
            fprintf(stderr, "rx86: kvm: the host refused to enter the guest (reason 0x%llx)\n",
                    (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
            report_guest_state(k);
            return 1;
        case KVM_EXIT_INTERNAL_ERROR:
            fprintf(stderr,
                    "rx86: kvm: internal error (suberror %u); this host's KVM may not "
                    "handle what the guest did\n",
                    run->internal.suberror);
            report_guest_state(k);
            return 1;
        default:
            fprintf(stderr, "rx86: kvm: unexpected exit reason %u\n", run->exit_reason);
            report_guest_state(k);
            return 1;
        }
    }
}

const AccelOps accel_kvm_ops = {
    .name = "kvm",
    .init = kvm_init,
    .run = kvm_run,
    .kick = kvm_kick,
    .destroy = kvm_destroy,
};
