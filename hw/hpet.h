/*
 * The High Precision Event Timer (IA-PC HPET Specification 1.0a) as QEMU
 * 7.2's "pc" machine has it: one block of 1 KiB of MMIO (the board maps it,
 * at 0xFED00000 on a PC), a 64-bit main counter at 100 MHz, three timers,
 * each periodic-capable with 64-bit comparators, legacy replacement routing,
 * no FSB (MSI) delivery.
 *
 * Interrupts: a timer drives the I/O APIC input its Tn_INT_ROUTE_CNF names
 * (one of those its Tn_INT_ROUTE_CAP allows), level (high while its status
 * bit is set) or edge (a 0-1-0 pulse). In legacy replacement mode timers 0
 * and 1 drive the ISA lines IRQ 0 and IRQ 8 instead, which the board sends
 * on to the PIC's IR0 / IR8 and the I/O APIC's inputs 2 / 8 (spec, LEG_RT_CNF:
 * "IRQ0 in Non-APIC or IRQ2 in the I/O APIC"). While that mode is on, the
 * PIT's IRQ 0 and the RTC's IRQ 8 must be silent: either route those two
 * outputs through the HPET (hpet_legacy_input: it forwards them when the
 * mode is off), or switch them off in the legacy_changed callback.
 */
#ifndef RX86_HW_HPET_H
#define RX86_HW_HPET_H

#include "hw/hw.h"

#include <stdbool.h>
#include <stdint.h>

#define HPET_BASE 0xfed00000ull /* where a PC has it (ACPI's HPET table says so) */
#define HPET_MMIO_SIZE 0x400
#define HPET_NUM_TIMERS 3
#define HPET_NUM_GSI 24               /* I/O APIC inputs a timer can be routed to */
#define HPET_PERIOD_FS 10000000ull    /* 10 ns per tick: 100 MHz, as QEMU */
#define HPET_PC_ROUTE_CAP 0x00000004u /* QEMU's "pc" (PIIX): I/O APIC input 2 only */

/* Register offsets in the block (spec, register set). */
enum {
    HPET_REG_CAP_ID = 0x000,
    HPET_REG_CONFIG = 0x010,
    HPET_REG_INT_STATUS = 0x020,
    HPET_REG_COUNTER = 0x0f0,
    HPET_REG_TIMER0 = 0x100, /* timer n at 0x100 + 0x20 * n: */
    HPET_TIMER_STRIDE = 0x20,
    HPET_TN_CONFIG = 0x00,     /* configuration and capabilities */
    HPET_TN_COMPARATOR = 0x08, /* comparator value */
    HPET_TN_FSB_ROUTE = 0x10,  /* FSB interrupt route (unused: no FSB) */
};

/* General configuration */
#define HPET_CFG_ENABLE 0x1ull /* ENABLE_CNF: the counter runs, timers interrupt */
#define HPET_CFG_LEGACY 0x2ull /* LEG_RT_CNF: legacy replacement routing */

/* Timer n configuration and capabilities */
#define HPET_TN_LEVEL 0x002ull    /* Tn_INT_TYPE_CNF: 1 level, 0 edge */
#define HPET_TN_INT_ENB 0x004ull  /* Tn_INT_ENB_CNF */
#define HPET_TN_PERIODIC 0x008ull /* Tn_TYPE_CNF */
#define HPET_TN_PER_CAP 0x010ull  /* Tn_PER_INT_CAP */
#define HPET_TN_SIZE_CAP 0x020ull /* Tn_SIZE_CAP: 64-bit comparator */
#define HPET_TN_VAL_SET 0x040ull  /* Tn_VAL_SET_CNF */
#define HPET_TN_32BIT 0x100ull    /* Tn_32MODE_CNF */
#define HPET_TN_ROUTE_SHIFT 9     /* Tn_INT_ROUTE_CNF, bits 13:9 */
#define HPET_TN_ROUTE_MASK 0x3e00ull
#define HPET_TN_FSB_EN 0x4000ull  /* Tn_FSB_EN_CNF (read-only 0 here) */
#define HPET_TN_FSB_CAP 0x8000ull /* Tn_FSB_INT_DEL_CAP (0 here) */

typedef struct Hpet Hpet;

typedef struct HpetTimer {
    Hpet *hpet;
    unsigned n;
    uint64_t config; /* bits 31:0 as configured, 63:32 the route capability */
    uint64_t cmp;    /* the comparator */
    uint64_t period; /* periodic mode: the last value written to the comparator */
    uint64_t fsb;    /* Tn_FSB_INT_ROUTE: stored, never used */
    HwTimer *timer;  /* the next match (or 32-bit wrap) */
} HpetTimer;

/* Where the HPET's interrupts go. Unconnected lines (no handler) are fine. */
typedef struct HpetIrqs {
    IrqLine gsi[HPET_NUM_GSI]; /* I/O APIC inputs, for Tn_INT_ROUTE_CNF */
    IrqLine isa_irq0;          /* legacy: timer 0, and the PIT passed through */
    IrqLine isa_irq8;          /* legacy: timer 1, and the RTC passed through */
    /* Legacy replacement routing went on (true) or off; may be NULL. */
    void (*legacy_changed)(void *opaque, bool on);
    void *opaque;
} HpetIrqs;

struct Hpet {
    uint64_t config;  /* ENABLE_CNF, LEG_RT_CNF */
    uint64_t isr;     /* general interrupt status: level-triggered timers */
    uint64_t counter; /* the main counter while halted; at ns_base while running */
    int64_t ns_base;
    uint32_t route_cap;
    HpetTimer t[HPET_NUM_TIMERS];
    HwClock clock;
    HpetIrqs irqs;
    uint32_t gsi_level; /* as driven, bit per input */
    bool irq0_level, irq8_level;
    bool pit_in, rtc_in; /* the legacy inputs (hpet_legacy_input) */
};

/*
 * route_cap: the I/O APIC inputs a timer may be routed to, bit n = input n
 * (HPET_PC_ROUTE_CAP as QEMU's "pc"; its q35 has 0x00ff0104). Starts as
 * after reset. Returns 0, -EINVAL (a route beyond HPET_NUM_GSI) or -ENOMEM.
 */
int hpet_init(Hpet *h, const HwClock *clock, const HpetIrqs *irqs, uint32_t route_cap)
    __attribute__((warn_unused_result));
void hpet_destroy(Hpet *h);
/* Power-on state: halted at 0, comparators all ones, legacy mode off (the
 * callback is told if it was on), every line low but the legacy inputs. */
void hpet_reset(Hpet *h);

/*
 * An IrqLine handler for the two sources legacy replacement silences:
 * n = 0 the PIT's IRQ 0, n = 8 the RTC's IRQ 8 (opaque is the Hpet). The
 * level goes on to isa_irq0 / isa_irq8 while legacy mode is off and is
 * held (and restored when it goes off) while it is on.
 */
void hpet_legacy_input(void *opaque, int n, int level);

/* The main counter now (tests, the monitor). */
uint64_t hpet_counter(const Hpet *h);

/* 32- and 64-bit accesses (narrower reads work too); opaque is the Hpet. */
extern const MemOps hpet_ops;

#endif
