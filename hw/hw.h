/*
 * The emulated PC: the board and its devices.
 *
 * Devices register regions in the board's memory and port-I/O spaces
 * (softmmu/memory.h) and raise interrupts through IrqLine objects; they know
 * nothing of the CPU emulator or the accelerator. Output to the host goes
 * through a CharSink, input arrives by calls such as uart_receive(), so the
 * devices do not know about host files or sockets either (system/ does).
 *
 * Locking: every access from a vCPU, every input from the main loop and
 * every timer callback (system/timer.c) runs with the board's device lock
 * (PcMachine.lock) held around the device call.
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

/*
 * Time, as devices see it: the virtual clock (ns) and one-shot timers on it.
 * The emulator provides them (system/timer.c: callbacks run on the timer
 * thread with the device lock held); unit tests provide a simulated clock.
 * Devices call these with the device lock held.
 */
typedef struct HwTimer HwTimer;
typedef struct HwClock {
    void *opaque;
    int64_t (*now_ns)(void *opaque);
    /* A timer that calls cb(cb_opaque) once its expiry time has come; NULL
     * when out of memory. */
    HwTimer *(*timer_new)(void *opaque, void (*cb)(void *cb_opaque), void *cb_opaque);
    void (*timer_mod)(HwTimer *t, int64_t expire_ns); /* (re)arm */
    void (*timer_del)(HwTimer *t);                    /* disarm */
    void (*timer_free)(HwTimer *t);
} HwClock;

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

/* ---- i8259A PIC pair: master at 0x20/0x21, slave at 0xA0/0xA1 on its IR2 ----
 * (Intel 8259A datasheet; the edge/level control registers ELCR1/ELCR2 at
 * 0x4D0/0x4D1 of the PIIX3.) Inputs 0-7 are the master's, 8-15 the slave's. */

#define PIC_IRQS 16
#define PIC_CASCADE_IRQ 2

typedef struct PicChip {
    uint8_t irr, isr, imr;
    uint8_t level;       /* the IR input lines as driven */
    uint8_t elcr;        /* 1: that input is level-triggered */
    uint8_t elcr_mask;   /* ELCR bits that exist (IRQ 0, 1, 2, 8, 13 are edge only) */
    uint8_t vector_base; /* ICW2 bits 7:3 */
    uint8_t icw3;
    uint8_t lowest;    /* the IR with the lowest priority (7 after ICW1) */
    uint8_t init_step; /* 0: ready; 2, 3, 4: the ICW expected next */
    bool icw4_needed, single, ltim;
    bool auto_eoi, rotate_on_aeoi, special_fully_nested, special_mask;
    bool poll;     /* OCW3 P: the next read is a poll */
    bool read_isr; /* OCW3 RR/RIS: port 0 reads ISR (else IRR) */
    bool out;      /* the INT output */
} PicChip;

typedef struct Pic {
    PicChip chip[2]; /* master, slave */
    IrqLine intr;    /* INTR of the CPU */
    /* Called when an edge-triggered input's request was taken (INTA, poll)
     * or dropped by initialization: a new edge on it will latch again. The
     * board uses it to let the PIT stop raising edges the PIC would lose. */
    void (*edge_accepted)(void *opaque, int irq);
    void *edge_opaque;
} Pic;

void pic_init(Pic *pic, IrqLine intr);
void pic_reset(Pic *pic);
/* Drive input irq (0-15) to level. */
void pic_set_irq(Pic *pic, int irq, int level);
/* An IrqLine handler: opaque is the Pic, n the input. */
void pic_irq_handler(void *opaque, int n, int level);
/* The CPU's interrupt acknowledge cycle: the vector of the highest request,
 * or the spurious IR7 vector of the chip whose request went away. */
int pic_intack(Pic *pic);
/* Whether INTR is asserted. */
bool pic_intr_level(const Pic *pic);
extern const MemOps pic_master_ops; /* two ports; opaque is the Pic */
extern const MemOps pic_slave_ops;  /* two ports; opaque is the Pic */
extern const MemOps pic_elcr_ops;   /* two ports (ELCR1, ELCR2); opaque is the Pic */

/* ---- i8254 PIT at 0x40-0x43, and port 0x61 (System Control Port B) ----
 * (Intel 8254 datasheet.) Counter 0 drives IRQ 0, counter 2 the speaker:
 * its gate is port 0x61 bit 0 and its output reads at port 0x61 bit 5. */

#define PIT_FREQ_HZ 1193182 /* 14.31818 MHz / 12 */
#define PIT_COUNTERS 3

/* A stretch of counting: from tick `start` on, the counter counts initial
 * count n, `phase` ticks into its period (modes 2 and 3). */
typedef struct PitSpan {
    int64_t start;
    uint32_t n;
    uint32_t phase;
} PitSpan;

typedef enum PitState {
    PIT_IDLE,     /* not counting: OUT and the count are held */
    PIT_COUNTING, /* `span` (then `next`, if has_next) describes it */
    PIT_PAUSED,   /* GATE low stopped it (modes 0, 2, 3, 4) */
} PitState;

typedef struct PitCounter {
    uint8_t control; /* RW1 RW0 M2 M1 M0 BCD as last written (status bits 5:0) */
    uint8_t mode;    /* 0-5 */
    uint8_t rw;      /* 1 LSB, 2 MSB, 3 LSB then MSB */
    bool bcd;
    bool gate;
    bool has_count; /* a count was written since the control word */
    uint32_t count; /* the count register: 1-65536 (1-10000 in BCD) */
    bool write_msb_next, read_msb_next;
    uint8_t write_lsb;
    bool count_latched, status_latched;
    uint16_t latch; /* as read: BCD digits in BCD mode */
    uint8_t status;
    int64_t null_until; /* null count is set before this tick */

    PitState state;
    PitSpan span, next;
    bool has_next;    /* modes 2, 3: a new count from next.start on */
    bool held_out;    /* OUT while idle or paused, or before span.start */
    uint32_t held;    /* the count while idle or paused, or before span.start */
    int64_t paused_k; /* modes 0, 4: ticks counted when GATE went low */
} PitCounter;

typedef struct Pit {
    PitCounter c[PIT_COUNTERS];
    HwClock clock;
    HwTimer *irq_timer; /* the next rising edge of counter 0's OUT */
    int64_t irq_edge;   /* the tick it is armed for, or -1 */
    /* An edge went out on IRQ 0 and the PIC has not taken it yet: more
     * edges would be lost (as on an already set IRR bit), so none are
     * raised until pit_irq_accepted(). */
    bool irq_waiting;
    IrqLine irq0;
    uint8_t port61; /* bits 3:0 as written */
} Pit;

/* Returns 0 or -ENOMEM (no timer). */
int pit_init(Pit *pit, const HwClock *clock, IrqLine irq0) __attribute__((warn_unused_result));
void pit_destroy(Pit *pit);
void pit_reset(Pit *pit);
/* The PIC took the last edge of IRQ 0 (see Pic.edge_accepted). */
void pit_irq_accepted(Pit *pit);
/* GATE input of counter n (counter 2's is port 0x61 bit 0). */
void pit_set_gate(Pit *pit, int n, bool level);
/* OUT of counter n, and the counting element's value, now. */
bool pit_out(Pit *pit, int n);
uint32_t pit_count(Pit *pit, int n);
extern const MemOps pit_ops;        /* 0x40-0x43; opaque is the Pit */
extern const MemOps pit_port61_ops; /* 0x61; opaque is the Pit */

/* ---- the board ---- */

/*
 * Changes to guest memory the CPU cannot see by itself, for the accelerator
 * (tcg: its TLB and translated code). Called with the device lock held,
 * from the thread of the access that caused them (a vCPU's).
 *   ram_written  a device wrote guest RAM [base, base + len) (DMA)
 *   map_changed  what answers at [base, base + len) changed (PAM, BARs)
 */
typedef struct PcMemoryListener {
    void (*ram_written)(void *opaque, uint64_t base, uint64_t len);
    void (*map_changed)(void *opaque, uint64_t base, uint64_t len);
    void *opaque;
} PcMemoryListener;

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
    uint8_t *option_rom; /* 0xC0000-0xDFFFF as the PCI side answers: zeros */

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

    /* Who hears that memory changed under the CPU (pc_connect_memory). */
    PcMemoryListener memory_listener;

    /* The interrupt controllers (always present) and where INTR goes: the
     * accelerator connects it (pc_connect_intr). The PIT, once added. */
    Pic *pic;
    IrqLine cpu_intr;
    Pit *pit;
    uint8_t uart_irq_level[PC_MAX_UARTS]; /* COM1/COM3 and COM2/COM4 share a line */
    /* The APICs (hw/lapic.h, hw/ioapic.h): the IOAPIC (always present, at
     * 0xFEC00000) and the vCPU's local APIC, which the accelerator adds
     * with its vCPU (pc_add_lapic); without one, INTR goes straight to the
     * CPU as on a PC without APIC. The APIC bus joins them; cpu_nmi is
     * where the local APIC's NMI goes (pc_connect_nmi). */
    struct Ioapic *ioapic;
    struct Lapic *lapic;
    MemRegion *lapic_mmio; /* its register page, where IA32_APIC_BASE puts it */
    struct ApicBus *apic_bus;
    IrqLine cpu_nmi;

    /* The ACPI tables' home in low RAM (hw/pc_platform.c writes them; the
     * boot loaders reserve it in the memory map), and the RSDP's address;
     * all 0 when the board has no ACPI. */
    uint64_t acpi_base, acpi_size, acpi_rsdp;
    /* The chipset and platform devices (hw/pc_platform.h), once added. */
    struct PcPlatform *platform;

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
/* A machine reset (RESET# of the chipset): every device to its power-on
 * state. RAM keeps its contents, as on a PC. Takes the device lock. */
void pc_reset(PcMachine *pc);

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
/* Who hears about memory changes (see PcMemoryListener), and the devices'
 * side: tell it (each does nothing while unconnected). */
void pc_connect_memory(PcMachine *pc, const PcMemoryListener *listener);
void pc_ram_written(PcMachine *pc, uint64_t base, uint64_t len);
void pc_map_changed(PcMachine *pc, uint64_t base, uint64_t len);

/*
 * The i8254 PIT on the board's clock, counter 0 driving IRQ 0, with port
 * 0x61. Returns 0, -EBUSY if added already, or -ENOMEM.
 */
int pc_add_pit(PcMachine *pc, const HwClock *clock) __attribute__((warn_unused_result));

/*
 * Where the CPU's INTR goes (the accelerator: set the CPU's interrupt
 * request and wake the vCPU): the local APIC's INTR once there is one,
 * else the PIC's. The current level is driven at once. The handler runs
 * with the device lock held, on any thread.
 */
void pc_connect_intr(PcMachine *pc, IrqLine cpu_intr);
/* The CPU's interrupt acknowledge: takes the device lock; the vector
 * (the local APIC's, which asks the PIC for ExtINT; the PIC's without). */
int pc_intack(PcMachine *pc);

/*
 * Interrupt lines for devices (each line has one driver: devices sharing
 * one OR their levels first, as the UARTs do). Levels are the wires'
 * (every line of this board is active high, as QEMU's "pc" tables say).
 *   pc_isa_irq(irq)  ISA IRQ 0-15: the PIC's input and the IOAPIC pin of
 *                    the same number, except IRQ 0 (the PIT) on pin 2 (the
 *                    MADT's interrupt source override) and IRQ 2 (the
 *                    cascade) on none.
 *   pc_gsi(gsi)      a global system interrupt (ACPI): IOAPIC pin 0-23;
 *                    GSI 1-15 are the ISA IRQs that pc_isa_irq routes
 *                    there (GSI 2 is IRQ 0), so they reach the PIC too;
 *                    16-23 are free for PCI. Others: an unconnected line.
 * An MSI (SDM Vol. 3A 10.11) goes to the local APICs by pc_msi (called by
 * a device, so with the device lock held).
 */
IrqLine pc_isa_irq(PcMachine *pc, unsigned irq);
IrqLine pc_gsi(PcMachine *pc, unsigned gsi);
void pc_msi(PcMachine *pc, uint64_t addr, uint32_t data);

/*
 * The local APIC of the vCPU (one vCPU: APIC ID 0, the bootstrap
 * processor) on the board's clock, its page at 0xFEE00000, LINT0 fed by
 * the PIC's INTR: the accelerator adds it with its vCPU. Returns 0,
 * -EBUSY if there is one already, or -ENOMEM.
 */
int pc_add_lapic(PcMachine *pc, const HwClock *clock) __attribute__((warn_unused_result));
/* Where the local APIC's NMI goes: a 0-1 pulse per NMI. */
void pc_connect_nmi(PcMachine *pc, IrqLine cpu_nmi);
/*
 * The CPU's side of its local APIC, each taking the device lock (without
 * a local APIC they do nothing and read 0): IA32_APIC_BASE as written (the
 * CPU checked it; the register page moves, or goes with EN clear), CR8
 * (TPR bits 7:4), IA32_TSC_DEADLINE (the value, and when the TSC reaches
 * it on the board's clock).
 */
void pc_apic_set_base(PcMachine *pc, uint64_t value);
uint64_t pc_apic_base(PcMachine *pc);
uint8_t pc_apic_cr8(PcMachine *pc);
void pc_apic_set_cr8(PcMachine *pc, uint8_t value);
uint64_t pc_apic_tsc_deadline(PcMachine *pc);
void pc_apic_set_tsc_deadline(PcMachine *pc, uint64_t value, int64_t expire_ns);

/* Port and memory accesses from a vCPU: take the device lock, dispatch. */
uint64_t pc_port_read(PcMachine *pc, uint16_t port, unsigned size);
void pc_port_write(PcMachine *pc, uint16_t port, uint64_t value, unsigned size);
void pc_mmio_read(PcMachine *pc, uint64_t addr, void *buf, size_t len);
void pc_mmio_write(PcMachine *pc, uint64_t addr, const void *buf, size_t len);

/* The standard COM port bases and ISA IRQs (COM1..COM4). */
extern const uint16_t pc_uart_ports[PC_MAX_UARTS];
extern const uint8_t pc_uart_irqs[PC_MAX_UARTS];

#endif
