/*
 * PCI bus 0: configuration mechanism #1, the header rules every function
 * shares (masks, BARs, INTx), and the PIIX3 Reset Control Register at 0xCF9
 * that shares the CONFIG_ADDRESS ports. See pci.h for the model.
 */
#include "hw/pci.h"

#include <errno.h>
#include <string.h>

#define CONFIG_ENABLE 0x80000000u
#define PCI_IO_SPACE_SIZE 0x10000u

void pci_bus_init(PciBus *bus, AddressSpace *mem, AddressSpace *io, int bar_priority)
{
    *bus = (PciBus){.mem = mem, .io = io, .bar_priority = bar_priority};
}

void pci_bus_connect_reset(PciBus *bus, void (*request_reset)(void *opaque), void *opaque)
{
    bus->request_reset = request_reset;
    bus->reset_opaque = opaque;
}

void pci_bus_connect_memory_changed(PciBus *bus,
                                    void (*changed)(void *opaque, uint64_t base, uint64_t size),
                                    void *opaque)
{
    bus->memory_changed = changed;
    bus->memory_opaque = opaque;
}

void pci_bus_connect_irq(PciBus *bus, void (*set_irq)(void *, unsigned, unsigned, int),
                         void *opaque)
{
    bus->set_irq = set_irq;
    bus->irq_opaque = opaque;
}

/* ---- BARs ------------------------------------------------------------------ */

static unsigned bar_offset(unsigned bar)
{
    return PCI_BASE_ADDRESS_0 + 4 * bar;
}

static AddressSpace *bar_space(const PciDevice *d, const PciBar *b)
{
    return (b->type & PCI_BAR_IO) ? d->bus->io : d->bus->mem;
}

/* Where BAR i decodes now, or false while it decodes nothing: its space
 * disabled in the command register, address 0, or a range that wraps or
 * leaves the space (as the all-ones sizing pattern does). */
static bool bar_decodes(const PciDevice *d, unsigned i, uint64_t *addr)
{
    const PciBar *b = &d->bars[i];
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    uint32_t low = pci_get_long(d->config + bar_offset(i));
    uint64_t a, limit;
    if (b->type & PCI_BAR_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return false;
        }
        a = low & ~3u;
        limit = PCI_IO_SPACE_SIZE;
    } else {
        if (!(cmd & PCI_COMMAND_MEMORY)) {
            return false;
        }
        a = low & ~0xfu;
        limit = 0xffffffffu; /* the last byte of a 32-bit BAR stays below 4 GiB - 1 */
        if (b->type & PCI_BAR_MEM64) {
            a |= (uint64_t)pci_get_long(d->config + bar_offset(i + 1)) << 32;
            limit = d->bus->mem->size;
        }
    }
    a &= ~(b->size - 1);
    if (a == 0 || b->size > limit || a > limit - b->size) {
        return false;
    }
    *addr = a;
    return true;
}

static void notify_memory(PciBus *bus, uint64_t base, uint64_t size)
{
    if (bus->memory_changed) {
        bus->memory_changed(bus->memory_opaque, base, size);
    }
}

static void update_bar(PciDevice *d, unsigned i)
{
    PciBar *b = &d->bars[i];
    AddressSpace *as = bar_space(d, b);
    uint64_t addr = 0;
    bool decodes = bar_decodes(d, i, &addr);
    if (decodes == b->mapped && (!decodes || addr == b->addr)) {
        return;
    }
    bool was_mapped = b->mapped;
    uint64_t old = b->addr;
    /* Out of memory while re-flattening leaves the old layout; the
     * bookkeeping follows what the space really shows. */
    if (decodes) {
        if (as_move_region(as, b->region, addr) == 0 &&
            as_enable_region(as, b->region, true) == 0) {
            b->mapped = true;
            b->addr = addr;
        }
    } else if (as_enable_region(as, b->region, false) == 0) {
        b->mapped = false;
    }
    if (!(b->type & PCI_BAR_IO)) {
        if (was_mapped) {
            notify_memory(d->bus, old, b->size);
        }
        if (b->mapped) {
            notify_memory(d->bus, b->addr, b->size);
        }
    }
}

static void update_bars(PciDevice *d)
{
    for (unsigned i = 0; i < PCI_BAR_COUNT; i++) {
        if (d->bars[i].size) {
            update_bar(d, i);
        }
    }
}

int pci_register_bar(PciDevice *d, unsigned bar, uint8_t type, uint64_t size, const MemOps *ops,
                     void *opaque)
{
    bool io = type & PCI_BAR_IO;
    bool wide = !io && (type & PCI_BAR_MEM64);
    unsigned slots = wide ? 2 : 1;
    if (!d->bus || bar + slots > PCI_BAR_COUNT || d->bars[bar].size || d->bars[bar].upper ||
        (wide && (d->bars[bar + 1].size || d->bars[bar + 1].upper)) || (size & (size - 1)) != 0 ||
        size < (io ? 4u : 16u) || (io && size > 256) || (!wide && size > 0x80000000u)) {
        return -EINVAL;
    }
    AddressSpace *as = io ? d->bus->io : d->bus->mem;
    if (!as || size > as->size) {
        return -EINVAL;
    }
    MemRegion *r = as_add_io(as, d->name, 0, size, ops, opaque, d->bus->bar_priority);
    if (!r) {
        return -ENOMEM;
    }
    if (as_enable_region(as, r, false) != 0) {
        return -ENOMEM;
    }
    d->bars[bar] = (PciBar){.size = size, .type = type, .region = r};
    /* The address bits below the size read as 0, the type bits as the type:
     * that is what makes a BAR report its size. */
    unsigned off = bar_offset(bar);
    uint32_t low_type = io ? PCI_BAR_IO : type & (PCI_BAR_MEM64 | PCI_BAR_PREFETCH);
    uint32_t low_mask = (uint32_t) ~(size - 1) & (io ? ~3u : ~0xfu);
    pci_set_long(d->config + off, low_type);
    pci_set_long(d->reset_config + off, low_type);
    pci_set_long(d->wmask + off, low_mask);
    if (wide) {
        d->bars[bar + 1].upper = true;
        pci_set_long(d->config + off + 4, 0);
        pci_set_long(d->reset_config + off + 4, 0);
        pci_set_long(d->wmask + off + 4, (uint32_t)(~(size - 1) >> 32));
    }
    return 0;
}

/* ---- functions ------------------------------------------------------------- */

void pci_device_init(PciDevice *d, const char *name, void *owner, uint16_t vendor_id,
                     uint16_t device_id, uint8_t revision, uint32_t class_code, uint8_t header_type)
{
    memset(d, 0, sizeof(*d));
    d->name = name;
    d->owner = owner;
    pci_set_word(d->config + PCI_VENDOR_ID, vendor_id);
    pci_set_word(d->config + PCI_DEVICE_ID, device_id);
    d->config[PCI_REVISION_ID] = revision;
    d->config[PCI_CLASS_PROG] = (uint8_t)class_code;
    pci_set_word(d->config + PCI_CLASS_DEVICE, (uint16_t)(class_code >> 8));
    d->config[PCI_HEADER_TYPE] = header_type;
    pci_set_word(d->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                                             PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
    pci_set_word(d->w1cmask + PCI_STATUS, PCI_STATUS_W1C);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    memset(d->wmask + PCI_DEVICE_SPECIFIC, 0xff, PCI_CONFIG_SPACE_SIZE - PCI_DEVICE_SPECIFIC);
}

int pci_register_device(PciBus *bus, PciDevice *d, unsigned devfn)
{
    if (devfn >= PCI_DEVFN_COUNT) {
        return -EINVAL;
    }
    if (bus->devices[devfn]) {
        return -EBUSY;
    }
    d->bus = bus;
    d->devfn = (uint8_t)devfn;
    memcpy(d->reset_config, d->config, sizeof(d->config));
    bus->devices[devfn] = d;
    return 0;
}

/* What the router sees follows the pin unless INTx is disabled. */
static void update_irq(PciDevice *d)
{
    bool asserted =
        d->irq_level && !(pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
    if (asserted == d->irq_asserted) {
        return;
    }
    d->irq_asserted = asserted;
    unsigned pin = d->config[PCI_INTERRUPT_PIN];
    if (pin >= 1 && pin <= PCI_PIN_COUNT && d->bus && d->bus->set_irq) {
        d->bus->set_irq(d->bus->irq_opaque, d->devfn, pin - 1, asserted);
    }
}

void pci_set_irq(PciDevice *d, int level)
{
    d->irq_level = level != 0;
    uint16_t status = pci_get_word(d->config + PCI_STATUS);
    status = d->irq_level ? status | PCI_STATUS_INTERRUPT : status & ~PCI_STATUS_INTERRUPT;
    pci_set_word(d->config + PCI_STATUS, status);
    update_irq(d);
}

void pci_bus_reset(PciBus *bus)
{
    bus->config_address = 0;
    bus->rcr = 0;
    for (unsigned devfn = 0; devfn < PCI_DEVFN_COUNT; devfn++) {
        PciDevice *d = bus->devices[devfn];
        if (!d) {
            continue;
        }
        memcpy(d->config, d->reset_config, sizeof(d->config));
        update_bars(d); /* the command register is 0 again: all unmapped */
        d->irq_level = false;
        update_irq(d);
        if (d->reset) {
            d->reset(d);
        }
    }
}

/* ---- configuration accesses ------------------------------------------------ */

static uint32_t all_ones(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static bool overlaps(unsigned offset, unsigned size, unsigned start, unsigned len)
{
    return offset < start + len && start < offset + size;
}

uint32_t pci_config_read(PciBus *bus, unsigned devfn, unsigned offset, unsigned size)
{
    const PciDevice *d = devfn < PCI_DEVFN_COUNT ? bus->devices[devfn] : NULL;
    if (!d || size == 0 || size > 4 || offset + size > PCI_CONFIG_SPACE_SIZE) {
        return all_ones(size);
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint32_t)d->config[offset + i] << (8 * i);
    }
    return v;
}

void pci_config_write(PciBus *bus, unsigned devfn, unsigned offset, uint32_t value, unsigned size)
{
    PciDevice *d = devfn < PCI_DEVFN_COUNT ? bus->devices[devfn] : NULL;
    if (!d || size == 0 || size > 4 || offset + size > PCI_CONFIG_SPACE_SIZE) {
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        unsigned at = offset + i;
        uint8_t v = (uint8_t)(value >> (8 * i));
        uint8_t wm = d->wmask[at];
        d->config[at] = (uint8_t)((d->config[at] & ~wm) | (v & wm));
        d->config[at] &= (uint8_t) ~(v & d->w1cmask[at]);
    }
    if (overlaps(offset, size, PCI_COMMAND, 2) ||
        overlaps(offset, size, PCI_BASE_ADDRESS_0, 4 * PCI_BAR_COUNT)) {
        update_bars(d);
    }
    if (overlaps(offset, size, PCI_COMMAND, 2)) {
        update_irq(d);
    }
    if (d->config_written) {
        d->config_written(d, offset, size);
    }
}

/* 0xCF8-0xCFB. A dword is CONFIG_ADDRESS, kept whole as QEMU keeps it (the
 * reserved bits 30:24 read back). A byte at 0xCF9 is the RCR. Narrower
 * reads elsewhere return the addressed bytes of CONFIG_ADDRESS (QEMU 7.2
 * reads its low byte at 0xCF8, checked with a byte read); narrower writes
 * are not configuration cycles and go nowhere. */
static uint64_t config_address_read(void *opaque, uint64_t offset, unsigned size)
{
    const PciBus *bus = opaque;
    if (offset == 1 && size == 1) {
        return bus->rcr;
    }
    return (bus->config_address >> (8 * offset)) & all_ones(size);
}

static void config_address_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PciBus *bus = opaque;
    if (offset == 0 && size == 4) {
        bus->config_address = (uint32_t)value;
    } else if (offset == 1 && size == 1) {
        if (value & PCI_RCR_RST_CPU) {
            if (bus->request_reset) {
                bus->request_reset(bus->reset_opaque);
            }
            return;
        }
        bus->rcr = (uint8_t)(value & PCI_RCR_SYS_RST);
    }
}

const MemOps pci_config_address_ops = {
    .read = config_address_read, .write = config_address_write, .max_size = 4};

/* The function and register CONFIG_ADDRESS selects, or false without the
 * enable bit or beyond bus 0 (the PC has no PCI bridges). */
static bool config_target(const PciBus *bus, uint64_t offset, unsigned *devfn, unsigned *reg)
{
    uint32_t a = bus->config_address;
    if (!(a & CONFIG_ENABLE) || ((a >> 16) & 0xff) != 0) {
        return false;
    }
    *devfn = (a >> 8) & 0xff;
    *reg = (a & 0xfc) + (unsigned)offset;
    return true;
}

static uint64_t config_data_read(void *opaque, uint64_t offset, unsigned size)
{
    PciBus *bus = opaque;
    unsigned devfn, reg;
    if (!config_target(bus, offset, &devfn, &reg)) {
        return all_ones(size);
    }
    return pci_config_read(bus, devfn, reg, size);
}

static void config_data_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PciBus *bus = opaque;
    unsigned devfn, reg;
    if (config_target(bus, offset, &devfn, &reg)) {
        pci_config_write(bus, devfn, reg, (uint32_t)value, size);
    }
}

const MemOps pci_config_data_ops = {
    .read = config_data_read, .write = config_data_write, .max_size = 4};
