/*
 * PCI bus 0 of the PC and its configuration mechanism #1 (PCI Local Bus
 * Specification 3.0, 3.2.2.3.2): the CONFIG_ADDRESS register at port 0xCF8
 * (dword accesses only) selects bus/device/function/register, and the four
 * bytes of CONFIG_DATA at 0xCFC-0xCFF read or write that function's
 * configuration space with byte, word or dword accesses. Bit 31 of
 * CONFIG_ADDRESS enables the translation; without it, or for a function
 * nobody implements, reads return all ones and writes go nowhere.
 *
 * Each function keeps its 256-byte configuration space with a write mask
 * (bits the guest may change) and a write-1-to-clear mask (status bits). The
 * bus knows the header rules every function shares: read-only IDs, the
 * command and status registers, the interrupt line, and base address
 * registers (BARs): a BAR's low bits are read-only, so writing all ones and
 * reading back gives its size (PCI 3.0, 6.2.5.1); the bus maps the BAR's
 * region in the memory or port space while the command register enables
 * that space and the BAR holds a usable address.
 *
 * Port 0xCF9 sits inside 0xCF8-0xCFB: on the PIIX3 it is the Reset Control
 * Register (Intel 82371SB datasheet, "RC - Reset Control Register"). A byte
 * write with bit 2 set requests a machine reset, as QEMU's piix3 does (Linux
 * writes 0x02 and then 0x06); other writes keep bit 1 (the reset type).
 * Dword accesses at 0xCF8 are always CONFIG_ADDRESS.
 *
 * Device models embed a PciDevice, fill its header with pci_device_init(),
 * set their own registers and masks, and register it on the bus; the bus
 * calls their hooks after guest writes and on reset.
 */
#ifndef RX86_HW_PCI_H
#define RX86_HW_PCI_H

#include "hw/hw.h"

#define PCI_CONFIG_SPACE_SIZE 256
#define PCI_DEVFN(slot, fn) ((((slot)&0x1f) << 3) | ((fn)&7))
#define PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn) ((devfn)&7)
#define PCI_DEVFN_COUNT 256
#define PCI_BAR_COUNT 6
#define PCI_PIN_COUNT 4 /* INTA#-INTD# */

/* Configuration header, type 0 (PCI 3.0, 6.1). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_CACHE_LINE_SIZE 0x0c
#define PCI_LATENCY_TIMER 0x0d
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d
#define PCI_DEVICE_SPECIFIC 0x40 /* first register after the header */

#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_COMMAND_SERR 0x0100
#define PCI_COMMAND_INTX_DISABLE 0x0400

#define PCI_STATUS_INTERRUPT 0x0008 /* INTx asserted by the function (PCI 3.0) */
#define PCI_STATUS_DEVSEL_MEDIUM 0x0200
/* Error bits the guest clears by writing 1: master data parity error,
 * signaled/received target abort, received master abort, signaled system
 * error, detected parity error (PCI 3.0, 6.2.3). */
#define PCI_STATUS_W1C 0xf900

#define PCI_HEADER_TYPE_MULTI_FUNCTION 0x80

/* BAR types: the low bits of the register (PCI 3.0, 6.2.5.1). */
#define PCI_BAR_IO 0x01
#define PCI_BAR_MEM32 0x00
#define PCI_BAR_MEM64 0x04
#define PCI_BAR_PREFETCH 0x08

/* The Reset Control Register at 0xCF9. */
#define PCI_RCR_PORT 0xcf9
#define PCI_RCR_SYS_RST 0x02 /* kept: the kind of reset (hard/soft) */
#define PCI_RCR_RST_CPU 0x04 /* written 1: reset */

typedef struct PciBus PciBus;
typedef struct PciDevice PciDevice;

typedef struct PciBar {
    uint64_t size; /* a power of two; 0: the BAR is not implemented */
    uint8_t type;  /* PCI_BAR_IO, or PCI_BAR_MEM32/MEM64 with PCI_BAR_PREFETCH */
    MemRegion *region;
    bool mapped;
    uint64_t addr; /* while mapped */
    bool upper;    /* the upper half of the 64-bit BAR below it */
} PciBar;

struct PciDevice {
    const char *name;
    void *owner; /* the device model that embeds this function */
    uint8_t config[PCI_CONFIG_SPACE_SIZE];
    uint8_t wmask[PCI_CONFIG_SPACE_SIZE];   /* bits a guest write changes */
    uint8_t w1cmask[PCI_CONFIG_SPACE_SIZE]; /* bits a guest write of 1 clears */
    /* The configuration space at power-on: taken by pci_register_device()
     * (and pci_register_bar()); pci_bus_reset() puts it back. */
    uint8_t reset_config[PCI_CONFIG_SPACE_SIZE];
    PciBar bars[PCI_BAR_COUNT];
    PciBus *bus;
    uint8_t devfn;
    bool irq_level;    /* INTx as the function drives it */
    bool irq_asserted; /* INTx as the bus sees it (not masked by INTX_DISABLE) */
    /* After a guest write of [offset, offset + size) with the masks applied. */
    void (*config_written)(PciDevice *d, unsigned offset, unsigned size);
    /* After pci_bus_reset() restored the configuration space. */
    void (*reset)(PciDevice *d);
};

struct PciBus {
    PciDevice *devices[PCI_DEVFN_COUNT];
    uint32_t config_address; /* 0xCF8, as last written with a dword */
    uint8_t rcr;             /* 0xCF9: PCI_RCR_SYS_RST as last written */
    AddressSpace *mem;       /* where memory BARs go */
    AddressSpace *io;        /* where I/O BARs go */
    int bar_priority;
    void (*request_reset)(void *opaque);
    void *reset_opaque;
    /* The memory map changed over [base, base + size): the board flushes
     * TLBs and translations there (BARs, PAM shadowing). */
    void (*memory_changed)(void *opaque, uint64_t base, uint64_t size);
    void *memory_opaque;
    /* Where INTx goes: the PIIX3's PIRQ router (piix.h). pin 0 is INTA#. */
    void (*set_irq)(void *opaque, unsigned devfn, unsigned pin, int level);
    void *irq_opaque;
};

/*
 * An empty bus 0. BARs of functions registered later are mapped in mem and
 * io (either may be NULL if no function has such BARs) at bar_priority.
 */
void pci_bus_init(PciBus *bus, AddressSpace *mem, AddressSpace *io, int bar_priority);
/* Who handles a reset request through 0xCF9. */
void pci_bus_connect_reset(PciBus *bus, void (*request_reset)(void *opaque), void *opaque);
/* Who hears that the memory map under a BAR or PAM segment changed. */
void pci_bus_connect_memory_changed(PciBus *bus,
                                    void (*changed)(void *opaque, uint64_t base, uint64_t size),
                                    void *opaque);
/* Where INTx of the functions goes (the PIIX3 connects itself). */
void pci_bus_connect_irq(PciBus *bus, void (*set_irq)(void *, unsigned, unsigned, int),
                         void *opaque);
/*
 * RESET#: CONFIG_ADDRESS and 0xCF9 to 0, every function's configuration
 * space to its power-on value (BARs unmapped, INTx released), then each
 * function's reset hook.
 */
void pci_bus_reset(PciBus *bus);

/* 0xCF8-0xCFB (CONFIG_ADDRESS, and the RCR at 0xCF9); opaque is the PciBus. */
extern const MemOps pci_config_address_ops;
/* 0xCFC-0xCFF (CONFIG_DATA); opaque is the PciBus. */
extern const MemOps pci_config_data_ops;

/*
 * Fill a function's header: IDs, revision, class code (base class << 16 |
 * subclass << 8 | programming interface) and header type; everything else
 * 0. The write masks are those every function shares (QEMU 7.2's, checked
 * against its i440FX/PIIX3/PIIX4 functions): command bits I/O, memory, bus
 * master, SERR# and INTx disable; cache line size; interrupt line; the
 * status error bits write-1-to-clear; and the device-specific registers
 * 0x40-0xFF writable until the device narrows them.
 */
void pci_device_init(PciDevice *d, const char *name, void *owner, uint16_t vendor_id,
                     uint16_t device_id, uint8_t revision, uint32_t class_code,
                     uint8_t header_type);
/* Put a function at devfn on the bus and take its configuration space as
 * the power-on value. Returns 0, -EINVAL or -EBUSY. */
int pci_register_device(PciBus *bus, PciDevice *d, unsigned devfn)
    __attribute__((warn_unused_result));
/*
 * Give a registered function a BAR of size bytes (a power of two; at least
 * 4 for I/O, 16 for memory; a 64-bit BAR takes bar and bar + 1) served by
 * ops. Returns 0, -EINVAL, or -ENOMEM.
 */
int pci_register_bar(PciDevice *d, unsigned bar, uint8_t type, uint64_t size, const MemOps *ops,
                     void *opaque) __attribute__((warn_unused_result));

/* A configuration access as the guest makes it (size 1, 2 or 4, naturally
 * aligned); all ones where no function answers. */
uint32_t pci_config_read(PciBus *bus, unsigned devfn, unsigned offset, unsigned size);
void pci_config_write(PciBus *bus, unsigned devfn, unsigned offset, uint32_t value, unsigned size);

/* Drive the function's INTx pin (the one in its Interrupt Pin register). */
void pci_set_irq(PciDevice *d, int level);

static inline uint16_t pci_get_word(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t pci_get_long(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

#endif
