/*
 * VM lifecycle: build the board the configuration describes, start the
 * main loop thread that serves chardev input and the timer thread that
 * runs the devices' timers, pick an accelerator, run.
 */
#include "system/vm.h"

#include "hw/pc_platform.h"
#include "system/fw_cfg_boot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static Chardev *find_chardev(Vm *vm, const char *id)
{
    for (size_t i = 0; i < vm->nchardevs; i++) {
        if (strcmp(vm->chardevs[i].spec.id, id) == 0) {
            return &vm->chardevs[i];
        }
    }
    return NULL;
}

static size_t uart_room(void *opaque)
{
    return uart_can_receive(opaque);
}

static void uart_input(void *opaque, const uint8_t *buf, size_t len)
{
    uart_receive(opaque, buf, len);
}

static void quit_from_console(void *opaque)
{
    vm_request_exit(opaque, 0);
}

void vm_request_exit(Vm *vm, int status)
{
    int running = -1;
    atomic_compare_exchange_strong(&vm->pc.exit_status, &running, status);
    if (vm->accel && vm->accel_state) {
        vm->accel->kick(vm);
    }
}

/* The guest asked for a machine reset (port 0x92 bit 0). Called with the
 * device lock held, from the vCPU thread: the accelerator does the reset
 * at its next stop. */
static void guest_reset_request(void *opaque)
{
    Vm *vm = opaque;
    if (vm->cfg->no_reboot) {
        fprintf(stderr, "rx86: the guest asked for a reset; -no-reboot: stopping\n");
        vm_request_exit(vm, 0);
        return;
    }
    atomic_store(&vm->reset_requested, true);
    if (vm->accel && vm->accel_state) {
        vm->accel->kick(vm);
    }
}

bool vm_reset_stops(Vm *vm, const char *cause)
{
    if (vm->cfg->no_reboot) {
        fprintf(stderr, "rx86: %s; -no-reboot: stopping\n", cause);
        return true;
    }
    return false;
}

/* ACPI S5: the guest powered the machine off (QEMU exits with 0 too). */
static void acpi_power_off(void *opaque)
{
    vm_request_exit(opaque, 0);
}

/*
 * The boot images, and with -kernel the firmware's part rx86 plays in
 * direct boot (ACPI tables, chipset setup; hw/pc_platform.h).
 */
static int load_images(Vm *vm, char *err, size_t errlen)
{
    const VmConfig *cfg = vm->cfg;
    if (cfg->kernel) {
        int rc = pc_platform_firmware_setup(&vm->pc);
        if (rc) {
            snprintf(err, errlen, "cannot write the ACPI tables and set up the chipset: %s",
                     strerror(-rc));
            return rc;
        }
    }
    return loader_load(&vm->pc, cfg, &vm->boot, err, errlen);
}

int vm_reset_machine(Vm *vm, char *err, size_t errlen)
{
    atomic_store(&vm->reset_requested, false);
    pc_reset(&vm->pc);
    return load_images(vm, err, errlen);
}

static int add_devices(Vm *vm, char *err, size_t errlen)
{
    const VmConfig *cfg = vm->cfg;
    for (size_t i = 0; i < cfg->nserials; i++) {
        if (!cfg->serial[i][0]) {
            continue; /* -serial none */
        }
        Chardev *cd = find_chardev(vm, cfg->serial[i]);
        int rc = pc_add_uart(&vm->pc, (unsigned)i, (CharSink){chardev_write, cd});
        if (rc) {
            snprintf(err, errlen, "COM%zu: %s", i + 1, strerror(-rc));
            return rc;
        }
        if (cd->receive) {
            snprintf(err, errlen, "chardev '%s' already feeds another serial port", cd->spec.id);
            return -EBUSY;
        }
        chardev_set_consumer(cd, uart_room, uart_input, vm->pc.uarts[i]);
        cd->quit = quit_from_console;
        cd->quit_opaque = vm;
    }
    for (size_t i = 0; i < cfg->ndevices; i++) {
        const DeviceSpec *d = &cfg->devices[i];
        int rc;
        const char *name;
        if (d->kind == DEVICE_ISA_DEBUGCON) {
            name = "isa-debugcon";
            rc = pc_add_debugcon(&vm->pc, d->iobase,
                                 (CharSink){chardev_write, find_chardev(vm, d->chardev)});
        } else {
            name = "isa-debug-exit";
            rc = pc_add_debug_exit(&vm->pc, d->iobase, d->iosize);
        }
        if (rc == -EBUSY) {
            snprintf(err, errlen, "-device %s,iobase=0x%x: the port is already taken", name,
                     d->iobase);
            return rc;
        }
        if (rc) {
            snprintf(err, errlen, "-device %s: %s", name, strerror(-rc));
            return rc;
        }
    }
    return 0;
}

static int load_bios(Vm *vm, char *err, size_t errlen)
{
    const char *path = vm->cfg->bios;
    uint8_t *img;
    size_t size;
    int rc = loader_read_file(path, 16u << 20, &img, &size);
    if (rc) {
        snprintf(err, errlen, "-bios %s: %s", path,
                 rc == -EFBIG ? "larger than 16 MiB" : strerror(-rc));
        return rc;
    }
    rc = pc_load_bios(&vm->pc, img, size);
    free(img);
    if (rc == -EINVAL) {
        snprintf(err, errlen,
                 "-bios %s: the image is %zu bytes; it must be a non-zero "
                 "multiple of 64 KiB",
                 path, size);
    } else if (rc) {
        snprintf(err, errlen, "-bios %s: %s", path, strerror(-rc));
    }
    return rc;
}

int vm_create(Vm *vm, const VmConfig *cfg, char *err, size_t errlen)
{
    memset(vm, 0, sizeof(*vm));
    vm->cfg = cfg;
    vm->wake_pipe[0] = vm->wake_pipe[1] = -1;
    int rc = pc_init(&vm->pc, cfg->ram_size);
    if (rc) {
        snprintf(err, errlen, "cannot create a machine with %llu MiB of RAM: %s",
                 (unsigned long long)(cfg->ram_size >> 20), strerror(-rc));
        return rc;
    }
    vm->pc_ready = true;
    pc_connect_reset(&vm->pc, guest_reset_request, vm);
    rc = timer_list_init(&vm->timers, &vm->pc.lock);
    if (rc) {
        snprintf(err, errlen, "cannot set up timers: %s", strerror(-rc));
        return rc;
    }
    vm->timers_ready = true;
    HwClock clock = timer_hw_clock(&vm->timers);
    rc = pc_add_pit(&vm->pc, &clock);
    if (rc) {
        snprintf(err, errlen, "cannot add the PIT: %s", strerror(-rc));
        return rc;
    }
    PcPlatformConfig platform = {.cpus = cfg->smp,
                                 .wall_ns = timer_clock_ns(TIMER_CLOCK_REALTIME),
                                 .power_off = acpi_power_off,
                                 .power_off_opaque = vm};
    for (size_t i = 0; i < cfg->nserials; i++) {
        if (cfg->serial[i][0]) {
            platform.uart_mask |= (uint8_t)(1u << i);
        }
    }
    rc = pc_add_platform(&vm->pc, &clock, &platform);
    if (rc) {
        snprintf(err, errlen, "cannot add the platform devices: %s", strerror(-rc));
        return rc;
    }
    /* Files first, so a typo fails before sockets wait for clients. */
    if (cfg->bios) {
        rc = load_bios(vm, err, errlen);
        if (rc) {
            return rc;
        }
    }
    rc = load_images(vm, err, errlen);
    if (rc) {
        return rc;
    }
    rc = fw_cfg_add_boot_items(pc_platform_fw_cfg(&vm->pc), &vm->pc, cfg, err, errlen);
    if (rc) {
        return rc;
    }
    for (size_t i = 0; i < cfg->nchardevs; i++) {
        rc = chardev_open(&vm->chardevs[i], &cfg->chardevs[i], err, errlen);
        if (rc) {
            return rc;
        }
        vm->nchardevs++;
    }
    return add_devices(vm, err, errlen);
}

/* The main loop: chardev input and clients. One thread, polling. */
static void *main_loop(void *opaque)
{
    Vm *vm = opaque;
    while (!atomic_load(&vm->stopping)) {
        struct pollfd fds[2 * CFG_MAX_CHARDEVS + 1];
        Chardev *owner[2 * CFG_MAX_CHARDEVS + 1];
        nfds_t n = 0;
        fds[n] = (struct pollfd){.fd = vm->wake_pipe[0], .events = POLLIN};
        owner[n++] = NULL;
        pthread_mutex_lock(&vm->pc.lock);
        for (size_t i = 0; i < vm->nchardevs; i++) {
            Chardev *cd = &vm->chardevs[i];
            if (cd->listen_fd >= 0 && cd->out_fd < 0) {
                fds[n] = (struct pollfd){.fd = cd->listen_fd, .events = POLLIN};
                owner[n++] = cd;
            } else if (cd->in_fd >= 0 && cd->receive && cd->can_receive(cd->consumer) > 0) {
                fds[n] = (struct pollfd){.fd = cd->in_fd, .events = POLLIN};
                owner[n++] = cd;
            }
        }
        pthread_mutex_unlock(&vm->pc.lock);
        /* A guest that has not drained its receiver is polled again soon. */
        if (poll(fds, n, 20) <= 0) {
            continue;
        }
        pthread_mutex_lock(&vm->pc.lock);
        for (nfds_t i = 1; i < n; i++) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            Chardev *cd = owner[i];
            if (fds[i].fd == cd->listen_fd) {
                chardev_accept(cd);
            } else {
                chardev_read_input(cd);
            }
        }
        pthread_mutex_unlock(&vm->pc.lock);
    }
    return NULL;
}

static int start_main_loop(Vm *vm)
{
    if (pipe2(vm->wake_pipe, O_CLOEXEC) < 0) {
        return -errno;
    }
    int rc = pthread_create(&vm->main_loop, NULL, main_loop, vm);
    if (rc) {
        return -rc;
    }
    vm->main_loop_running = true;
    return 0;
}

static void stop_main_loop(Vm *vm)
{
    if (!vm->main_loop_running) {
        return;
    }
    atomic_store(&vm->stopping, true);
    ssize_t ignored = write(vm->wake_pipe[1], "", 1);
    (void)ignored;
    pthread_join(vm->main_loop, NULL);
    vm->main_loop_running = false;
}

int vm_run(Vm *vm, char *err, size_t errlen)
{
    const VmConfig *cfg = vm->cfg;
    char why[512] = "";
    for (size_t i = 0; i < cfg->naccels && !vm->accel; i++) {
        const AccelOps *ops = cfg->accels[i] == ACCEL_TCG ? &accel_tcg_ops : &accel_kvm_ops;
        int rc = ops->init(vm, why, sizeof(why));
        if (rc == 0) {
            vm->accel = ops;
        } else if (rc != -ENODEV) {
            snprintf(err, errlen, "%s", why);
            return 1;
        }
    }
    if (!vm->accel) {
        snprintf(err, errlen, "%s", why);
        return 1;
    }
    int rc = start_main_loop(vm);
    if (rc) {
        snprintf(err, errlen, "cannot start the main loop: %s", strerror(-rc));
        return 1;
    }
    rc = timer_list_start(&vm->timers);
    if (rc) {
        stop_main_loop(vm);
        snprintf(err, errlen, "cannot start the timer thread: %s", strerror(-rc));
        return 1;
    }
    int status = vm->accel->run(vm);
    timer_list_stop(&vm->timers);
    stop_main_loop(vm);
    return status;
}

void vm_destroy(Vm *vm)
{
    if (vm->timers_ready) {
        timer_list_stop(&vm->timers);
    }
    stop_main_loop(vm);
    if (vm->accel) {
        vm->accel->destroy(vm);
        vm->accel = NULL;
    }
    for (size_t i = 0; i < vm->nchardevs; i++) {
        chardev_close(&vm->chardevs[i]);
    }
    for (int i = 0; i < 2; i++) {
        if (vm->wake_pipe[i] >= 0) {
            close(vm->wake_pipe[i]);
        }
    }
    if (vm->pc_ready) {
        pc_destroy(&vm->pc); /* frees the devices' timers */
        vm->pc_ready = false;
    }
    if (vm->timers_ready) {
        timer_list_destroy(&vm->timers);
        vm->timers_ready = false;
    }
}
