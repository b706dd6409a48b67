/*
 * lapic.h — the local APIC of one vCPU (Intel SDM Vol. 3A chapter 10,
 * "Advanced Programmable Interrupt Controller (APIC)"), in xAPIC mode: the
 * 4 KiB register page, the timer (one-shot, periodic, TSC-deadline), the
 * local vector table, priorities, and interrupt messages on the APIC bus
 * (IPIs, the IOAPIC's redirections, MSIs).
 *
 * It reports itself as QEMU's does: version 0x14 with six LVT entries
 * (version register 0x00050014), the timer counting a 1 GHz bus clock
 * (QEMU and KVM: one bus cycle per ns) through the divide configuration.
 *
 * Like every device it knows nothing of the CPU: its outputs are wires
 * (INTR, NMI, INIT) and callbacks, its inputs LINT0/LINT1, messages, and
 * the calls the CPU side makes through the board (IA32_APIC_BASE, CR8,
 * IA32_TSC_DEADLINE, the interrupt acknowledge). All calls are made with
 * the board's device lock held.
 */
#ifndef RX86_HW_LAPIC_H
#define RX86_HW_LAPIC_H

#include "hw/hw.h"

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_DEFAULT_BASE 0xfee00000u
#define LAPIC_MMIO_SIZE 0x1000u
#define LAPIC_VERSION 0x00050014u /* version 14h, max LVT entry 5 */

/* IA32_APIC_BASE (SDM Vol. 3A 10.4.4, Figure 10-5). */
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_ADDR_MASK 0xfffff000ull

/* Delivery modes of the ICR, the LVT, the IOAPIC's redirection entries and
 * MSI data (SDM Vol. 3A 10.6.1). */
enum {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWEST = 1,
    APIC_DM_SMI = 2,
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_STARTUP = 6,
    APIC_DM_EXTINT = 7,
};

/* The local vector table, in register order (0x320-0x370). */
enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LAPIC_LVT_COUNT };

/* LVT bits (SDM Vol. 3A Figure 10-8). */
#define LVT_VECTOR 0xffu
#define LVT_DM_SHIFT 8
#define LVT_DM_MASK (7u << LVT_DM_SHIFT)
#define LVT_DELIVS (1u << 12)
#define LVT_POLARITY (1u << 13)
#define LVT_REMOTE_IRR (1u << 14)
#define LVT_LEVEL (1u << 15)
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_MODE_SHIFT 17
#define LVT_TIMER_MODE_MASK (3u << LVT_TIMER_MODE_SHIFT)
enum { LAPIC_TIMER_ONESHOT = 0, LAPIC_TIMER_PERIODIC = 1, LAPIC_TIMER_TSC_DEADLINE = 2 };

/* Error status register bits (SDM Vol. 3A 10.5.3, Figure 10-9). */
#define ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define ESR_RECV_ILLEGAL_VECTOR (1u << 6)
#define ESR_ILLEGAL_REGISTER (1u << 7)

/* An interrupt message on the APIC bus, as an IPI, a redirection entry of
 * the IOAPIC or an MSI carries it. */
typedef struct ApicMsg {
    uint8_t vector;
    uint8_t mode; /* APIC_DM_* */
    bool logical; /* destination mode: logical (else physical) */
    bool level;   /* trigger mode: level (else edge) */
    uint8_t dest; /* an APIC ID, or a logical destination */
} ApicMsg;

typedef struct Lapic Lapic;

/* The APIC bus: the local APICs of the machine, and where the EOI of a
 * level-triggered vector is broadcast (the IOAPICs). The board owns it. */
#define APIC_BUS_MAX_CPUS 16
typedef struct ApicBus {
    Lapic *cpus[APIC_BUS_MAX_CPUS];
    unsigned ncpus;
    void (*eoi)(void *opaque, uint8_t vector);
    void *eoi_opaque;
} ApicBus;

/* Deliver a message to the local APICs it names (fixed and NMI/INIT/ExtINT
 * messages to each of them, lowest priority to the one with the lowest
 * arbitration priority). */
void apic_bus_deliver(ApicBus *bus, const ApicMsg *msg);
/* An MSI (SDM Vol. 3A 10.11): the address and data a device wrote. */
void apic_bus_msi(ApicBus *bus, uint64_t addr, uint32_t data);

struct Lapic {
    /* ---- registers ---- */
    uint64_t base; /* IA32_APIC_BASE */
    uint8_t id;    /* APIC ID, bits 31:24 of its register */
    uint8_t tpr;
    uint32_t svr; /* spurious-interrupt vector register */
    uint8_t ldr;  /* logical destination, bits 31:24 */
    uint8_t dfr;  /* destination format model, bits 31:28 */
    uint32_t irr[8], isr[8], tmr[8];
    uint32_t esr;         /* as last latched by a write */
    uint32_t esr_pending; /* errors since the last write */
    uint32_t icr_lo, icr_hi;
    uint32_t lvt[LAPIC_LVT_COUNT];
    uint32_t dcr; /* divide configuration: bits 0, 1, 3 */
    uint32_t initial_count;

    /* ---- the timer ---- */
    int64_t count_start;   /* ns when the count was at initial_count */
    unsigned shift;        /* the divide, as a power of two */
    uint64_t tsc_deadline; /* IA32_TSC_DEADLINE; 0: disarmed */
    int64_t deadline_ns;   /* when it expires on the clock */
    int64_t timer_expire;  /* what the HwTimer is armed for, or -1 */
    HwClock clock;
    HwTimer *timer;

    /* ---- inputs and outputs ---- */
    uint8_t initial_id; /* the ID RESET gives it */
    bool bsp;
    bool lint_level[2];  /* LINT0/LINT1 as driven */
    bool extint_pending; /* an ExtINT message awaits the INTA cycle */
    bool intr_level;     /* INTR as last driven */
    bool error_fired;    /* the error interrupt went out since the ESR write */
    IrqLine intr;        /* INTR of the CPU: an interrupt is ready for INTA */
    IrqLine nmi;         /* NMI of the CPU: a 0-1 pulse per NMI */
    IrqLine init;        /* INIT of the CPU: a 0-1 pulse per INIT message
                          * (unconnected on the board: no INIT/SIPI yet) */
    /* The INTA cycle of the external 8259 (ExtINT): its vector. */
    int (*extint_ack)(void *opaque);
    void *extint_opaque;
    ApicBus *bus;
};

/*
 * Set up the local APIC with APIC ID id on clock, on bus (which gets it
 * appended), in its power-on state (lapic_reset). Outputs unconnected.
 * Returns 0, -ENOSPC when the bus is full, or -ENOMEM (no timer).
 */
int lapic_init(Lapic *l, uint8_t id, bool bsp, const HwClock *clock, ApicBus *bus)
    __attribute__((warn_unused_result));
void lapic_destroy(Lapic *l);
/* RESET: IA32_APIC_BASE at the default base, enabled (BSP flag for the
 * bootstrap processor), the registers at their power-up values (SDM Vol.
 * 3A 10.4.7.1): software-disabled, every LVT entry masked, LINT0 too, so
 * the 8259's INTR reaches the CPU only once software (firmware, the OS)
 * puts LINT0 in ExtINT mode. QEMU 7.2 is the same at power-on and after a
 * reset: its apic_reset_common means to unmask the BSP's LINT0 but does
 * not (checked with a guest program). */
void lapic_reset(Lapic *l);
/* The register page; opaque is the Lapic. Accesses narrower than 32 bits
 * read 0 and are ignored, as on QEMU. */
extern const MemOps lapic_ops;

/* The CPU wrote IA32_APIC_BASE (bits checked by the CPU). Clearing EN
 * disables the APIC globally: INTR and NMI pass LINT0/LINT1 through, as a
 * CPU without an APIC (SDM Vol. 3A 10.4.3); setting it again brings the
 * APIC back in its power-up state. The board moves its page. */
void lapic_set_base(Lapic *l, uint64_t value);
bool lapic_enabled(const Lapic *l); /* EN: not globally disabled */
/* CR8 (SDM Vol. 3A 10.8.6.1): TPR bits 7:4. */
uint8_t lapic_get_cr8(const Lapic *l);
void lapic_set_cr8(Lapic *l, uint8_t value);
/* IA32_TSC_DEADLINE (SDM Vol. 3A 10.5.4.1): value as the MSR holds it,
 * expire_ns when the TSC reaches it on the APIC's clock. Reads 0 and
 * ignores writes unless the LVT timer is in TSC-deadline mode. */
uint64_t lapic_get_tsc_deadline(const Lapic *l);
void lapic_set_tsc_deadline(Lapic *l, uint64_t value, int64_t expire_ns);

/* LINT0/LINT1 (pin 0/1) driven to level; as an IrqLine handler, opaque is
 * the Lapic and n the pin. */
void lapic_set_lint(Lapic *l, int pin, int level);
void lapic_lint_handler(void *opaque, int n, int level);
/* The CPU's interrupt acknowledge: the vector of the interrupt it takes
 * (moved from IRR to ISR), the 8259's for ExtINT, or the spurious vector
 * when nothing is above the processor priority any more (SDM Vol. 3A
 * 10.9). */
int lapic_intack(Lapic *l);
/* A message for this APIC (fixed, lowest priority, NMI, INIT, ExtINT). */
void lapic_receive(Lapic *l, const ApicMsg *msg);
/* Whether the destination (physical APIC ID or logical) names this APIC
 * (SDM Vol. 3A 10.6.2). */
bool lapic_match_dest(const Lapic *l, bool logical, uint8_t dest);
/* The processor and arbitration priorities (SDM Vol. 3A 10.8.3.1). */
uint8_t lapic_ppr(const Lapic *l);
uint8_t lapic_apr(const Lapic *l);
/* The timer's current count. */
uint32_t lapic_current_count(const Lapic *l);

#endif
