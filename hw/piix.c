/*
 * The PIIX3 ISA bridge (00:01.0) with its PIRQ router, and the PIIX4 power
 * management function (00:01.3) with its movable ACPI register window. See
 * piix.h.
 */
#include "hw/piix.h"

#include <errno.h>
#include <string.h>

/* ---- PIIX3 ------------------------------------------------------------------- */

#define PIRQ_MASK 0x8f /* IRQROUTEN# and the IRQ; bits 6:4 reserved */

/* PIIX3 registers whose power-on values differ from 0 (82371SB datasheet
 * 2.2; values as QEMU 7.2 shows them at reset). */
static const struct {
    uint8_t reg, value;
} piix3_defaults[] = {
    {0x4c, 0x4d}, /* IORT: ISA I/O recovery timer */
    {0x4e, 0x03}, /* XBCS: BIOS chip select, RTC, keyboard controller */
    {0x60, 0x80}, /* PIRQRC[A:D]: routing disabled */
    {0x61, 0x80}, {0x62, 0x80}, {0x63, 0x80}, {0x69, 0x02}, /* TOM: top of memory */
    {0x70, 0x80},               /* MBIRQ0: motherboard IRQ routing disabled */
    {0x76, 0x0c},               /* MBDMA0/1: motherboard DMA disabled */
    {0x77, 0x0c}, {0x78, 0x02}, /* PCSC: programmable chip select */
    {0xa0, 0x08},               /* SMICNTL */
    {0xa8, 0x0f},               /* FTMR: fast-off timer */
};

/* The ISA IRQ a PIRQRC value routes to, or -1. */
static int route_irq(uint8_t v)
{
    if (v & PIIX3_PIRQ_DISABLE) {
        return -1;
    }
    int irq = v & 0x0f;
    if (irq <= 2 || irq == 8 || irq == 13) {
        return -1; /* reserved encodings */
    }
    return irq;
}

int piix3_pirq_irq(const Piix3 *p, unsigned pirq)
{
    return pirq < PIIX3_PIRQ_COUNT ? route_irq(p->pci.config[PIIX3_PIRQRC + pirq]) : -1;
}

unsigned piix3_slot_pirq(unsigned devfn, unsigned pin)
{
    return (PCI_SLOT(devfn) - 1 + pin) & 3;
}

static bool pirq_active(const Piix3 *p, unsigned pirq)
{
    for (unsigned i = 0; i < PCI_DEVFN_COUNT / 64; i++) {
        if (p->pirq_sources[pirq][i]) {
            return true;
        }
    }
    return false;
}

/* Drive every ISA IRQ with the OR of the active PIRQs routed to it. */
static void update_isa_irqs(Piix3 *p)
{
    uint16_t levels = 0;
    for (unsigned pirq = 0; pirq < PIIX3_PIRQ_COUNT; pirq++) {
        int irq = piix3_pirq_irq(p, pirq);
        if (irq >= 0 && pirq_active(p, pirq)) {
            levels |= (uint16_t)(1u << irq);
        }
    }
    uint16_t changed = levels ^ p->isa_levels;
    p->isa_levels = levels;
    for (unsigned irq = 0; irq < PIIX3_ISA_IRQS; irq++) {
        if (changed & (1u << irq)) {
            irq_set(&p->isa_irq[irq], (levels >> irq) & 1);
        }
    }
}

void piix3_pci_irq(void *opaque, unsigned devfn, unsigned pin, int level)
{
    Piix3 *p = opaque;
    unsigned pirq = piix3_slot_pirq(devfn, pin);
    uint64_t bit = 1ull << (devfn % 64);
    if (level) {
        p->pirq_sources[pirq][devfn / 64] |= bit;
    } else {
        p->pirq_sources[pirq][devfn / 64] &= ~bit;
    }
    update_isa_irqs(p);
}

void piix3_set_pirq_route(Piix3 *p, unsigned pirq, int irq)
{
    if (pirq >= PIIX3_PIRQ_COUNT) {
        return;
    }
    uint8_t v = irq < 0 || irq >= PIIX3_ISA_IRQS ? PIIX3_PIRQ_DISABLE : (uint8_t)irq;
    pci_config_write(p->pci.bus, p->pci.devfn, PIIX3_PIRQRC + pirq, v, 1);
}

static void piix3_config_written(PciDevice *d, unsigned offset, unsigned size)
{
    if (offset < PIIX3_PIRQRC + PIIX3_PIRQ_COUNT && PIIX3_PIRQRC < offset + size) {
        update_isa_irqs(d->owner);
    }
}

static void piix3_reset(PciDevice *d)
{
    update_isa_irqs(d->owner);
}

int piix3_init(Piix3 *p, PciBus *bus, const IrqLine isa_irq[PIIX3_ISA_IRQS])
{
    memset(p, 0, sizeof(*p));
    memcpy(p->isa_irq, isa_irq, sizeof(p->isa_irq));
    PciDevice *d = &p->pci;
    pci_device_init(d, "piix3", p, PIIX3_VENDOR_ID, PIIX3_DEVICE_ID, 0, PIIX3_CLASS,
                    PCI_HEADER_TYPE_MULTI_FUNCTION);
    pci_set_word(d->config + PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM);
    for (size_t i = 0; i < sizeof(piix3_defaults) / sizeof(piix3_defaults[0]); i++) {
        d->config[piix3_defaults[i].reg] = piix3_defaults[i].value;
    }
    for (unsigned i = 0; i < PIIX3_PIRQ_COUNT; i++) {
        d->wmask[PIIX3_PIRQRC + i] = PIRQ_MASK;
    }
    d->config_written = piix3_config_written;
    d->reset = piix3_reset;
    int err = pci_register_device(bus, d, PIIX3_DEVFN);
    if (err) {
        return err;
    }
    pci_bus_connect_irq(bus, piix3_pci_irq, p);
    return 0;
}

/* ---- PIIX4 power management ----------------------------------------------- */

#define PMBA_IO_SPACE 0x01 /* PMBA bit 0: hard-wired 1 */
#define PMBA_MASK 0xffc0   /* base bits 15:6 */
#define SMBBA 0x90
#define SMBHSTCFG 0xd2

/* PIIX4 function 3 registers that are not 0 at power-on (QEMU 7.2's
 * values, read at reset). */
static const struct {
    uint8_t reg, value;
} pm_defaults[] = {
    {PIIX4_PM_PMBA, PMBA_IO_SPACE},
    {0x5b, 0x02},  /* DEVACTB: "SMM already initialized", as QEMU without SMM */
    {0x5f, 0x10},  /* DEVRESA */
    {0x63, 0x60},  /* DEVRESB */
    {SMBBA, 0x01}, /* SMBus base: I/O space, base 0 (no SMBus) */
};

bool piix4_pm_io_base(const Piix4Pm *p, uint16_t *base)
{
    *base = pci_get_word(p->pci.config + PIIX4_PM_PMBA) & PMBA_MASK;
    return (p->pci.config[PIIX4_PM_PMREGMISC] & PIIX4_PM_PMIOSE) != 0;
}

static void pm_window_update(Piix4Pm *p)
{
    uint16_t base;
    bool on = piix4_pm_io_base(p, &base);
    /* A window that would run past the last port stays off. */
    on = on && (uint32_t)base + PIIX4_PM_IO_SIZE <= p->io->size;
    if (on && p->window->base != base && as_move_region(p->io, p->window, base) != 0) {
        on = false;
    }
    if (p->window->enabled != on && as_enable_region(p->io, p->window, on) != 0) {
        return; /* out of memory: the old layout stays */
    }
}

static void pm_config_written(PciDevice *d, unsigned offset, unsigned size)
{
    if ((offset < PIIX4_PM_PMBA + 4 && PIIX4_PM_PMBA < offset + size) ||
        (offset <= PIIX4_PM_PMREGMISC && PIIX4_PM_PMREGMISC < offset + size)) {
        pm_window_update(d->owner);
    }
}

static void pm_reset(PciDevice *d)
{
    pm_window_update(d->owner);
}

int piix4_pm_init(Piix4Pm *p, PciBus *bus, AddressSpace *io, const MemOps *pm_ops, void *pm_opaque,
                  int priority)
{
    memset(p, 0, sizeof(*p));
    p->io = io;
    PciDevice *d = &p->pci;
    pci_device_init(d, "piix4-pm", p, PIIX3_VENDOR_ID, PIIX4_PM_DEVICE_ID, PIIX4_PM_REVISION,
                    PIIX4_PM_CLASS, 0);
    /* Fast back-to-back capable, DEVSEL medium. */
    pci_set_word(d->config + PCI_STATUS, 0x0080 | PCI_STATUS_DEVSEL_MEDIUM);
    d->config[PCI_INTERRUPT_PIN] = 1;
    for (size_t i = 0; i < sizeof(pm_defaults) / sizeof(pm_defaults[0]); i++) {
        d->config[pm_defaults[i].reg] = pm_defaults[i].value;
    }
    pci_set_long(d->wmask + PIIX4_PM_PMBA, PMBA_MASK);
    d->wmask[PIIX4_PM_PMREGMISC] = PIIX4_PM_PMIOSE;
    /* No SMBus: its base and host configuration stay read-only 0. */
    pci_set_long(d->wmask + SMBBA, 0);
    d->wmask[SMBHSTCFG] = 0;
    d->config_written = pm_config_written;
    d->reset = pm_reset;
    int err = pci_register_device(bus, d, PIIX4_PM_DEVFN);
    if (err) {
        return err;
    }
    p->window = as_add_io(io, "acpi-pm", 0, PIIX4_PM_IO_SIZE, pm_ops, pm_opaque, priority);
    if (!p->window || as_enable_region(io, p->window, false) != 0) {
        return -ENOMEM;
    }
    return 0;
}

void piix4_pm_firmware_setup(Piix4Pm *p, uint16_t base)
{
    PciBus *bus = p->pci.bus;
    unsigned devfn = p->pci.devfn;
    pci_config_write(bus, devfn, PIIX4_PM_PMBA, (uint32_t)base | PMBA_IO_SPACE, 4);
    pci_config_write(bus, devfn, PIIX4_PM_PMREGMISC, PIIX4_PM_PMIOSE, 1);
    pci_config_write(bus, devfn, PCI_INTERRUPT_LINE, PIIX4_PM_SCI_IRQ, 1);
}
