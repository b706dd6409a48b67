/*
 * ioapic.h — the I/O APIC (Intel 82093AA datasheet, order no. 290566), as
 * QEMU's "pc" has it: version 20h (with the EOI register of later
 * chipsets' I/O APICs), 24 input pins, two registers in memory (IOREGSEL
 * at +00h, IOWIN at +10h) and EOI at +40h.
 *
 * Each pin has a redirection entry that turns its input into an interrupt
 * message on the APIC bus: edge-triggered pins send one per asserting
 * edge while unmasked; level-triggered ones send one while asserted and
 * set Remote IRR until the local APIC's EOI (or the EOI register) for the
 * vector clears it. The input's polarity flag says which level asserts.
 * All calls are made with the board's device lock held.
 */
#ifndef RX86_HW_IOAPIC_H
#define RX86_HW_IOAPIC_H

#include "hw/hw.h"
#include "hw/lapic.h"

#include <stdbool.h>
#include <stdint.h>

#define IOAPIC_DEFAULT_BASE 0xfec00000u
#define IOAPIC_MMIO_SIZE 0x1000u
#define IOAPIC_PINS 24
#define IOAPIC_VERSION 0x20

/* Redirection table entry bits (82093AA datasheet 3.2.4). */
#define IOREDTBL_VECTOR 0xffull
#define IOREDTBL_DM_SHIFT 8
#define IOREDTBL_DEST_LOGICAL (1ull << 11)
#define IOREDTBL_DELIVS (1ull << 12)
#define IOREDTBL_POLARITY_LOW (1ull << 13)
#define IOREDTBL_REMOTE_IRR (1ull << 14)
#define IOREDTBL_LEVEL (1ull << 15)
#define IOREDTBL_MASKED (1ull << 16)
#define IOREDTBL_DEST_SHIFT 56

typedef struct Ioapic {
    uint8_t id;     /* IOAPICID bits 27:24 */
    uint8_t regsel; /* IOREGSEL */
    uint32_t level; /* the input pins as driven */
    uint64_t redtbl[IOAPIC_PINS];
    /* Where messages go: the APIC bus. */
    void (*deliver)(void *opaque, const ApicMsg *msg);
    void *deliver_opaque;
    /* Optional: a write to pin's entry left it unmasked (the board lets
     * the PIT raise IRQ 0 edges again). opaque is deliver_opaque. */
    void (*unmasked)(void *opaque, unsigned pin);
} Ioapic;

/* Set up in the reset state (ioapic_reset), messages going to deliver. */
void ioapic_init(Ioapic *io, void (*deliver)(void *opaque, const ApicMsg *msg), void *opaque);
/* RESET: ID 0, every pin masked (edge, fixed, vector 0). The inputs keep
 * their levels. */
void ioapic_reset(Ioapic *io);
/* The 4 KiB register window; opaque is the Ioapic. */
extern const MemOps ioapic_ops;

/* Drive input pin to level (the wire's electrical level). Returns whether
 * this sent an interrupt message (an asserting edge, or a level, on an
 * unmasked pin). As an IrqLine handler, opaque is the Ioapic, n the pin. */
bool ioapic_set_irq(Ioapic *io, unsigned pin, int level);
void ioapic_irq_handler(void *opaque, int n, int level);
/* The EOI of vector, broadcast by a local APIC or written to the EOI
 * register: level-triggered pins with this vector clear Remote IRR and,
 * still asserted, interrupt again. */
void ioapic_eoi(Ioapic *io, uint8_t vector);

#endif
