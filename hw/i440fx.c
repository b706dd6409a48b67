/*
 * The i440FX host bridge: its PCI function and PAM shadowing of
 * 0xC0000-0xFFFFF. See i440fx.h.
 */
#include "hw/i440fx.h"

#include <errno.h>
#include <string.h>

#define PAM_BIOS_SIZE 0x10000     /* segment 0: 0xF0000-0xFFFFF */
#define PAM_EXPANSION_SIZE 0x4000 /* segments 1-12 from 0xC0000 */
#define PAM0_MASK 0x30            /* PAM0 bits 3:0 are reserved */
#define PAMN_MASK 0x33
#define SMRAM_MASK                                                                                 \
    (I440FX_SMRAM_D_OPEN | I440FX_SMRAM_D_CLS | I440FX_SMRAM_D_LCK | I440FX_SMRAM_G_SMRAME)

/* The PAM register and bit position that hold segment i's RE/WE pair. */
static void pam_bits(unsigned segment, unsigned *reg, unsigned *shift)
{
    if (segment == 0) {
        *reg = I440FX_PAM0;
        *shift = 4;
    } else {
        *reg = I440FX_PAM0 + 1 + (segment - 1) / 2;
        *shift = (segment - 1) % 2 ? 4 : 0;
    }
}

unsigned i440fx_pam_mode(const I440fx *h, unsigned segment)
{
    unsigned reg, shift;
    if (segment >= I440FX_PAM_SEGMENTS) {
        return 0;
    }
    pam_bits(segment, &reg, &shift);
    return (h->pci.config[reg] >> shift) & (I440FX_PAM_RE | I440FX_PAM_WE);
}

/* ---- a write-only segment: writes to DRAM, reads from the PCI side ---- */

static uint64_t write_only_read(void *opaque, uint64_t offset, unsigned size)
{
    const I440fxPamSegment *s = opaque;
    const I440fxConfig *cfg = &s->host->cfg;
    if (!cfg->pci_read) {
        return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
    }
    return cfg->pci_read(cfg->pci_opaque, s->base + offset, size);
}

static void write_only_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    const I440fxPamSegment *s = opaque;
    uint8_t *p = s->host->cfg.low_ram + s->base + offset;
    for (unsigned i = 0; i < size; i++) {
        p[i] = (uint8_t)(value >> (8 * i));
    }
}

static const MemOps write_only_ops = {
    .read = write_only_read, .write = write_only_write, .max_size = 8};

/* ---- mapping ----------------------------------------------------------------- */

static void set_enabled(AddressSpace *as, MemRegion *r, bool on)
{
    if (r->enabled != on && as_enable_region(as, r, on) != 0) {
        /* Out of memory re-flattening: the old layout stays. */
        return;
    }
}

/* Show each segment as its PAM bits say; tell the board what changed. */
static void pam_update(I440fx *h)
{
    AddressSpace *as = h->cfg.mem;
    uint64_t lo = UINT64_MAX, hi = 0;
    if (!as) {
        return;
    }
    for (unsigned i = 0; i < I440FX_PAM_SEGMENTS; i++) {
        I440fxPamSegment *s = &h->pam[i];
        unsigned mode = i440fx_pam_mode(h, i);
        if (mode == s->mode) {
            continue;
        }
        set_enabled(as, s->dram_rw, mode == (I440FX_PAM_RE | I440FX_PAM_WE));
        set_enabled(as, s->dram_ro, mode == I440FX_PAM_RE);
        set_enabled(as, s->write_only, mode == I440FX_PAM_WE);
        s->mode = mode;
        lo = s->base < lo ? s->base : lo;
        hi = s->base + s->size > hi ? s->base + s->size : hi;
    }
    if (hi > lo && h->pci.bus->memory_changed) {
        h->pci.bus->memory_changed(h->pci.bus->memory_opaque, lo, hi - lo);
    }
}

/* SMRAM D_LCK (datasheet 3.2.23): once set, D_OPEN is forced to 0 and
 * D_OPEN, D_LCK and G_SMRAME are read-only until reset. */
static void smram_update(I440fx *h)
{
    if (h->pci.config[I440FX_SMRAM] & I440FX_SMRAM_D_LCK) {
        h->pci.config[I440FX_SMRAM] &= (uint8_t)~I440FX_SMRAM_D_OPEN;
        h->pci.wmask[I440FX_SMRAM] = I440FX_SMRAM_D_CLS;
    }
}

static void config_written(PciDevice *d, unsigned offset, unsigned size)
{
    I440fx *h = d->owner;
    if (offset < I440FX_PAM0 + I440FX_PAM_REGS && I440FX_PAM0 < offset + size) {
        pam_update(h);
    }
    if (offset <= I440FX_SMRAM && I440FX_SMRAM < offset + size) {
        smram_update(h);
    }
}

static void reset(PciDevice *d)
{
    I440fx *h = d->owner;
    h->pci.wmask[I440FX_SMRAM] = SMRAM_MASK;
    pam_update(h);
}

static int add_segment(I440fx *h, unsigned i, uint64_t base, uint64_t size)
{
    AddressSpace *as = h->cfg.mem;
    int prio = h->cfg.pam_priority;
    I440fxPamSegment *s = &h->pam[i];
    *s = (I440fxPamSegment){.host = h, .base = base, .size = size};
    uint8_t *host = h->cfg.low_ram + base;
    s->dram_rw = as_add_ram(as, "pam-dram", base, size, host, prio);
    s->dram_ro = as_add_rom(as, "pam-dram-ro", base, size, host, prio);
    s->write_only = as_add_io(as, "pam-write-only", base, size, &write_only_ops, s, prio);
    if (!s->dram_rw || !s->dram_ro || !s->write_only) {
        return -ENOMEM;
    }
    if (as_enable_region(as, s->dram_rw, false) != 0 ||
        as_enable_region(as, s->dram_ro, false) != 0 ||
        as_enable_region(as, s->write_only, false) != 0) {
        return -ENOMEM;
    }
    return 0;
}

bool i440fx_is_write_only_dram(const I440fx *h, const MemRegion *region)
{
    for (unsigned i = 0; i < I440FX_PAM_SEGMENTS; i++) {
        if (h->pam[i].write_only == region) {
            return true;
        }
    }
    return false;
}

int i440fx_init(I440fx *h, PciBus *bus, const I440fxConfig *cfg)
{
    memset(h, 0, sizeof(*h));
    h->cfg = *cfg;
    PciDevice *d = &h->pci;
    pci_device_init(d, "i440fx", h, I440FX_VENDOR_ID, I440FX_DEVICE_ID, I440FX_REVISION,
                    I440FX_CLASS, 0);
    d->config[I440FX_SMRAM] = I440FX_SMRAM_C_BASE_SEG;
    d->wmask[I440FX_PAM0] = PAM0_MASK;
    for (unsigned r = 1; r < I440FX_PAM_REGS; r++) {
        d->wmask[I440FX_PAM0 + r] = PAMN_MASK;
    }
    d->wmask[I440FX_SMRAM] = SMRAM_MASK;
    d->config_written = config_written;
    d->reset = reset;
    int err = pci_register_device(bus, d, I440FX_DEVFN);
    if (err) {
        return err;
    }
    if (!cfg->mem) {
        return 0;
    }
    err = add_segment(h, 0, I440FX_PAM_END - PAM_BIOS_SIZE, PAM_BIOS_SIZE);
    for (unsigned i = 1; i < I440FX_PAM_SEGMENTS && !err; i++) {
        err = add_segment(h, i, I440FX_PAM_BASE + (i - 1) * PAM_EXPANSION_SIZE, PAM_EXPANSION_SIZE);
    }
    return err;
}
