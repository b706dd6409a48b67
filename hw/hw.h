/*
 * The emulated PC: the board and its devices.
 *
 * Devices register regions in the board's memory and port-I/O spaces
 * (softmmu/memory.h) and raise interrupts through IrqLine objects; they know
 * nothing of the CPU emulator or the accelerator. Output to the host goes
 * through a CharSink, input arrives by calls such as uart_receive(), so the
 * devices do not know about host files or sockets either (system/ does).
 *
 * Locking: every access from a vCPU and every input from the main loop takes
 * the board's device lock (PcMachine.lock) around the device call.
 */
#ifndef RX86_HW_HW_H
#define RX86_HW_HW_H

#include "softmmu/memory.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An interrupt wire: a device drives level 0/1; the receiver's handler sees
 * which of its inputs (n) changed. An unconnected line has no handler. */
typedef struct IrqLine {
    void (*handler)(void *opaque, int n, int level);
    void *opaque;
    int n;
} IrqLine;

void irq_set(const IrqLine *irq, int level);

/* Where a device's output bytes go (a chardev backend, a test buffer). */
typedef struct CharSink {
    void (*write)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
} CharSink;

/* ---- 16550A UART (National Semiconductor PC16550D datasheet) ---- */

#define UART_FIFO_SIZE 16

typedef struct Uart {
    uint8_t rbr_fifo[UART_FIFO_SIZE]; /* receive FIFO (depth 1 when FIFOs off) */
    unsigned rx_head, rx_count;
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    uint16_t divisor;
    bool thr_ipending; /* THR-empty interrupt latched (cleared by IIR read) */
    CharSink out;
    IrqLine irq;
    int irq_level;
} Uart;

void uart_init(Uart *u, CharSink out, IrqLine irq);
void uart_reset(Uart *u);
extern const MemOps uart_ops; /* 8 registers; opaque is the Uart */
/* How many bytes the receiver can take now without losing any. */
size_t uart_can_receive(const Uart *u);
/* Bytes from the host side of the line (call with the device lock held). */
void uart_receive(Uart *u, const uint8_t *buf, size_t len);

/* ---- isa-debugcon: a write-only byte port (QEMU's, Bochs' 0xE9 hack) ---- */

typedef struct DebugCon {
    CharSink out;
    uint8_t readback; /* what a read returns: 0xE9, as in Bochs and QEMU */
} DebugCon;

extern const MemOps debugcon_ops;

/* ---- isa-debug-exit: a write of V ends the emulator with (V << 1) | 1 ---- */

typedef struct DebugExit {
    void (*request_exit)(void *opaque, int status);
    void *opaque;
} DebugExit;

extern const MemOps debug_exit_ops;

/* ---- port 0x92, System Control Port A ("fast A20", IBM PS/2) ----
 * Bit 1 gates address line 20 (1: enabled), bit 0 resets the machine when
 * it goes from 0 to 1; a read returns the last value written. The A20 level
 * goes out on an IrqLine to the CPU; the reset through a callback. */

#define PORT92_FAST_RESET 0x01u
#define PORT92_A20 0x02u

typedef struct Port92 {
    uint8_t value;
    IrqLine a20;                         /* level = bit 1 */
    void (*request_reset)(void *opaque); /* bit 0 written 0 -> 1 */
    void *reset_opaque;
} Port92;

void port92_init(Port92 *p, IrqLine a20, void (*request_reset)(void *opaque), void *opaque);
/* Back to the power-on value (A20 enabled) and drive the A20 line so. */
void port92_reset(Port92 *p);
extern const MemOps port92_ops; /* one port; opaque is the Port92 */

/* ---- the board ---- */

#define PC_MAX_UARTS 4
#define PC_MAX_SIMPLE_DEVICES 16
#define PC_BIOS_ALIAS_SIZE (128 * 1024) /* the top of the BIOS seen below 1 MiB */

typedef struct PcMachine {
    AddressSpace mem;
    AddressSpace io;
    pthread_mutex_t lock; /* the device lock */

    uint8_t *ram;
    uint64_t ram_size;
    uint64_t ram_below_4g;
    uint8_t *bios;
    size_t bios_size;

    Uart *uarts[PC_MAX_UARTS];
    DebugCon *debugcons[PC_MAX_SIMPLE_DEVICES];
    size_t ndebugcons;
    DebugExit *debug_exits[PC_MAX_SIMPLE_DEVICES];
    size_t ndebug_exits;

    /* Port 0x92 (always present, as on QEMU's "pc"), and where its outputs
     * go: the CPU's A20 gate and the machine reset, both connected by the
     * VM (pc_connect_a20, pc_connect_reset); unconnected, they do nothing. */
    Port92 *port92;
    IrqLine cpu_a20;
    void (*reset_handler)(void *opaque);
    void *reset_opaque;

    /* Set by a device that ends the VM: -1 while running, else the status
     * the emulator exits with. Read by the vCPU loop. */
    atomic_int exit_status;
} PcMachine;

/*
 * Build the board with ram_size bytes of RAM: low RAM up to 0xC0000000
 * (0xE0000000 with less than 3.5 GiB), the rest above 4 GiB; the legacy VGA
 * window 0xA0000-0xBFFFF left unclaimed until a VGA exists.
 * Returns 0 or -errno.
 */
int pc_init(PcMachine *pc, uint64_t ram_size) __attribute__((warn_unused_result));
void pc_destroy(PcMachine *pc);

/*
 * Map a BIOS image: its size must be a non-zero multiple of 64 KiB and at most
 * 16 MiB. It sits just below 4 GiB, and its last 128 KiB (all of it if
 * smaller) is also seen just below 1 MiB, as on a PC. The board keeps a copy.
 * Returns 0, -EINVAL for a bad size, or -ENOMEM.
 */
int pc_load_bios(PcMachine *pc, const uint8_t *image, size_t size)
    __attribute__((warn_unused_result));

/* Devices. Each returns 0, -EBUSY if the ports are taken, or -ENOMEM. */
int pc_add_uart(PcMachine *pc, unsigned index, CharSink out) __attribute__((warn_unused_result));
int pc_add_debugcon(PcMachine *pc, uint16_t port, CharSink out) __attribute__((warn_unused_result));
int pc_add_debug_exit(PcMachine *pc, uint16_t port, uint16_t size)
    __attribute__((warn_unused_result));

/*
 * Where the board's A20 gate goes (the tcg accelerator: cpu_set_a20; KVM has
 * no A20 masking and leaves it unconnected), and who handles a guest's
 * request to reset the machine (port 0x92 bit 0). Call before the guest runs.
 */
void pc_connect_a20(PcMachine *pc, IrqLine cpu_a20);
void pc_connect_reset(PcMachine *pc, void (*handler)(void *opaque), void *opaque);

/* Port and memory accesses from a vCPU: take the device lock, dispatch. */
uint64_t pc_port_read(PcMachine *pc, uint16_t port, unsigned size);
void pc_port_write(PcMachine *pc, uint16_t port, uint64_t value, unsigned size);
void pc_mmio_read(PcMachine *pc, uint64_t addr, void *buf, size_t len);
void pc_mmio_write(PcMachine *pc, uint64_t addr, const void *buf, size_t len);

/* The standard COM port bases and ISA IRQs (COM1..COM4). */
extern const uint16_t pc_uart_ports[PC_MAX_UARTS];
extern const uint8_t pc_uart_irqs[PC_MAX_UARTS];

#endif
