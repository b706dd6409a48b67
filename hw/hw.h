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

/* Port and memory accesses from a vCPU: take the device lock, dispatch. */
uint64_t pc_port_read(PcMachine *pc, uint16_t port, unsigned size);
void pc_port_write(PcMachine *pc, uint16_t port, uint64_t value, unsigned size);
void pc_mmio_read(PcMachine *pc, uint64_t addr, void *buf, size_t len);
void pc_mmio_write(PcMachine *pc, uint64_t addr, const void *buf, size_t len);

/* The standard COM port bases and ISA IRQs (COM1..COM4). */
extern const uint16_t pc_uart_ports[PC_MAX_UARTS];
extern const uint8_t pc_uart_irqs[PC_MAX_UARTS];

#endif
