/*
 * The I/O APIC (see ioapic.h; Intel 82093AA datasheet). Registers behind
 * IOREGSEL (datasheet 3.2): 00h IOAPICID, 01h IOAPICVER, 02h IOAPICARB,
 * 10h-3Fh the redirection table, two registers per pin. As on QEMU the
 * window decodes address bits 7:0 only, IOWIN and EOI take 32-bit accesses
 * only, the arbitration register reads as the ID, the entries' reserved
 * bits are kept as written, and writing an edge-triggered entry clears
 * its Remote IRR (Linux relies on that to clear a stuck one).
 */
#include "hw/ioapic.h"

#include <string.h>

#define IOAPIC_IOREGSEL 0x00
#define IOAPIC_IOWIN 0x10
#define IOAPIC_EOI 0x40

#define REG_ID 0x00
#define REG_VERSION 0x01
#define REG_ARB 0x02
#define REG_REDTBL 0x10

/* Read-only bits of an entry: delivery status and Remote IRR. */
#define IOREDTBL_RO (IOREDTBL_DELIVS | IOREDTBL_REMOTE_IRR)

/* The pin's input as the entry sees it: through the polarity flag. */
static bool asserted(const Ioapic *io, unsigned pin)
{
    bool wire = (io->level >> pin) & 1;
    return wire != ((io->redtbl[pin] & IOREDTBL_POLARITY_LOW) != 0);
}

/* Send pin's message; a level-triggered one sets Remote IRR until its
 * EOI. Returns whether a message went out. */
static bool send(Ioapic *io, unsigned pin)
{
    uint64_t e = io->redtbl[pin];
    ApicMsg msg = {
        .vector = (uint8_t)(e & IOREDTBL_VECTOR),
        .mode = (e >> IOREDTBL_DM_SHIFT) & 7,
        .logical = e & IOREDTBL_DEST_LOGICAL,
        .level = e & IOREDTBL_LEVEL,
        .dest = (uint8_t)(e >> IOREDTBL_DEST_SHIFT),
    };
    if (msg.mode == 3 || msg.mode == APIC_DM_STARTUP) {
        return false; /* reserved delivery modes (datasheet 3.2.4) */
    }
    if (msg.level) {
        io->redtbl[pin] |= IOREDTBL_REMOTE_IRR;
    }
    if (io->deliver) {
        io->deliver(io->deliver_opaque, &msg);
    }
    return true;
}

/* A level-triggered pin interrupts while asserted, unmasked and not
 * waiting for an EOI. */
static bool service_level(Ioapic *io, unsigned pin)
{
    uint64_t e = io->redtbl[pin];
    if (!(e & IOREDTBL_LEVEL) || (e & (IOREDTBL_MASKED | IOREDTBL_REMOTE_IRR)) ||
        !asserted(io, pin)) {
        return false;
    }
    return send(io, pin);
}

bool ioapic_set_irq(Ioapic *io, unsigned pin, int level)
{
    if (pin >= IOAPIC_PINS) {
        return false;
    }
    bool was = asserted(io, pin);
    if (level) {
        io->level |= 1u << pin;
    } else {
        io->level &= ~(1u << pin);
    }
    uint64_t e = io->redtbl[pin];
    if (e & IOREDTBL_LEVEL) {
        return service_level(io, pin);
    }
    /* Edge-triggered: an edge on a masked pin is lost, not held
     * (datasheet 3.2.4, "Interrupt Mask"). */
    if (asserted(io, pin) && !was && !(e & IOREDTBL_MASKED)) {
        return send(io, pin);
    }
    return false;
}

void ioapic_irq_handler(void *opaque, int n, int level)
{
    if (n >= 0) {
        ioapic_set_irq(opaque, (unsigned)n, level);
    }
}

void ioapic_eoi(Ioapic *io, uint8_t vector)
{
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
        uint64_t e = io->redtbl[pin];
        if ((e & IOREDTBL_VECTOR) == vector && (e & IOREDTBL_LEVEL) && (e & IOREDTBL_REMOTE_IRR)) {
            io->redtbl[pin] = e & ~IOREDTBL_REMOTE_IRR;
            service_level(io, pin);
        }
    }
}

static uint32_t read_reg(const Ioapic *io)
{
    switch (io->regsel) {
    case REG_ID:
    case REG_ARB:
        return (uint32_t)io->id << 24;
    case REG_VERSION:
        return IOAPIC_VERSION | (IOAPIC_PINS - 1) << 16; /* bits 23:16: highest entry */
    default:
        break;
    }
    unsigned pin = (io->regsel - REG_REDTBL) / 2u;
    if (io->regsel < REG_REDTBL || pin >= IOAPIC_PINS) {
        return 0;
    }
    uint64_t e = io->redtbl[pin];
    return (uint32_t)(io->regsel & 1 ? e >> 32 : e);
}

static void write_reg(Ioapic *io, uint32_t v)
{
    if (io->regsel == REG_ID) {
        io->id = (v >> 24) & 0xf;
        return;
    }
    unsigned pin = (io->regsel - REG_REDTBL) / 2u;
    if (io->regsel < REG_REDTBL || pin >= IOAPIC_PINS) {
        return; /* the version and arbitration registers are read-only */
    }
    uint64_t e = io->redtbl[pin];
    uint64_t ro = e & IOREDTBL_RO;
    if (io->regsel & 1) {
        e = (e & 0xffffffffull) | (uint64_t)v << 32;
    } else {
        e = (e & ~0xffffffffull) | v;
    }
    e = (e & ~IOREDTBL_RO) | ro;
    if (!(e & IOREDTBL_LEVEL)) {
        e &= ~IOREDTBL_REMOTE_IRR;
    }
    io->redtbl[pin] = e;
    service_level(io, pin); /* unmasked while asserted: interrupts now */
    if (!(e & IOREDTBL_MASKED) && io->unmasked) {
        io->unmasked(io->deliver_opaque, pin);
    }
}

static uint64_t ioapic_read(void *opaque, uint64_t offset, unsigned size)
{
    Ioapic *io = opaque;
    switch (offset & 0xff) {
    case IOAPIC_IOREGSEL:
        return io->regsel;
    case IOAPIC_IOWIN:
        return size == 4 ? read_reg(io) : 0;
    default:
        return 0;
    }
}

static void ioapic_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Ioapic *io = opaque;
    switch (offset & 0xff) {
    case IOAPIC_IOREGSEL:
        io->regsel = (uint8_t)value;
        break;
    case IOAPIC_IOWIN:
        if (size == 4) {
            write_reg(io, (uint32_t)value);
        }
        break;
    case IOAPIC_EOI:
        if (size == 4) {
            ioapic_eoi(io, (uint8_t)value);
        }
        break;
    default:
        break;
    }
}

const MemOps ioapic_ops = {.read = ioapic_read, .write = ioapic_write, .max_size = 4};

void ioapic_reset(Ioapic *io)
{
    io->id = 0;
    io->regsel = 0;
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
        io->redtbl[pin] = IOREDTBL_MASKED;
    }
}

void ioapic_init(Ioapic *io, void (*deliver)(void *opaque, const ApicMsg *msg), void *opaque)
{
    memset(io, 0, sizeof(*io));
    io->deliver = deliver;
    io->deliver_opaque = opaque;
    ioapic_reset(io);
}
