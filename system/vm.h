/*
 * One virtual machine: the board, its chardevs, the boot state, the main
 * loop thread, the timer thread and the accelerator running the vCPU.
 */
#ifndef RX86_SYSTEM_VM_H
#define RX86_SYSTEM_VM_H

#include "hw/hw.h"
#include "system/chardev.h"
#include "system/loader.h"
#include "system/options.h"
#include "system/timer.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct Vm Vm;

/* An accelerator runs the vCPUs (system/accel_*.c). */
typedef struct AccelOps {
    const char *name;
    /* Prepare to run. -ENODEV (with err set) means "not available on this
     * host": the next accelerator of -accel is tried. */
    int (*init)(Vm *vm, char *err, size_t errlen);
    /* Run until the machine stops; returns the emulator's exit status. */
    int (*run)(Vm *vm);
    /* Make run() look at vm->pc.exit_status and at the PIC's INTR soon,
     * waking a halted vCPU (from any thread). */
    void (*kick)(Vm *vm);
    void (*destroy)(Vm *vm);
} AccelOps;

extern const AccelOps accel_kvm_ops;
extern const AccelOps accel_tcg_ops;

struct Vm {
    const VmConfig *cfg;
    PcMachine pc;
    bool pc_ready;
    BootState boot;
    Chardev chardevs[CFG_MAX_CHARDEVS];
    size_t nchardevs;

    TimerList timers; /* the devices' clock; its thread runs while the VM runs */
    bool timers_ready;

    pthread_t main_loop;
    bool main_loop_running;
    int wake_pipe[2]; /* wakes the main loop to stop */
    atomic_bool stopping;

    /* A machine reset was asked for (port 0x92 bit 0): the accelerator
     * runs vm_reset_machine and resets its vCPU at its next stop. */
    atomic_bool reset_requested;

    const AccelOps *accel;
    void *accel_state;
};

/* Build the machine from cfg: board, chardevs, devices, images. Returns 0
 * or -errno with a one-line reason in err. */
int vm_create(Vm *vm, const VmConfig *cfg, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Pick the accelerator and run; returns the exit status of rx86. */
int vm_run(Vm *vm, char *err, size_t errlen);

/* The board's part of a machine reset (a triple fault, port 0x92, later
 * 0xCF9 and the keyboard controller), from the vCPU thread: every device
 * to its power-on state and the boot images loaded again (a -kernel is
 * reloaded, as QEMU's option ROM does). The accelerator then puts its vCPU
 * in vm->boot's state. Returns 0, or -errno with the reason in err. */
int vm_reset_machine(Vm *vm, char *err, size_t errlen);

/* Whether a reset ends the run instead (-no-reboot), saying so on stderr
 * with what caused it. */
bool vm_reset_stops(Vm *vm, const char *cause);

/* Ask the VM to stop with status (first request wins); any thread. */
void vm_request_exit(Vm *vm, int status);

void vm_destroy(Vm *vm);

#endif
