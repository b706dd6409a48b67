/*
 * The i440FX host bridge (Intel 82441FX PMC, 440FX PCIset datasheet, order
 * no. 290549) as PCI function 00:00.0: 8086:1237 revision 02, class 0600,
 * and its memory-map registers:
 *
 *   0x59-0x5F  PAM0-PAM6, Programmable Attribute Map (datasheet 3.2.15):
 *              each of 13 segments of 0xC0000-0xFFFFF reads and writes
 *              DRAM or the PCI side (the BIOS, option ROMs) as its two bits
 *              say: RE (bit 0/4) sends reads to DRAM, WE (bit 1/5) writes.
 *              PAM0 bits 5:4 cover 0xF0000-0xFFFFF (64 KiB); PAMn (n = 1-6)
 *              bits 1:0 and 5:4 cover two 16 KiB segments each, from
 *              0xC0000 up. The other bits are reserved (read 0).
 *   0x72       SMRAM control (datasheet 3.2.23): D_OPEN, D_CLS, D_LCK,
 *              G_SMRAME, C_BASE_SEG = 010 (read-only). Kept as a register:
 *              rx86 has no SMM, so nothing maps SMRAM.
 *
 * PAM shadowing is real: for each segment the bridge adds three regions to
 * the memory space at a priority above the board's RAM and BIOS alias, all
 * disabled at power-on (PAM = 0: the board's own map shows, "the PCI
 * side"): DRAM read/write, DRAM read-only (writes go to the PCI side, where
 * ROM drops them) and write-only (reads come from the PCI side through a
 * board callback). A PAM write enables the one its mode needs and tells the
 * board (PciBus.memory_changed) to flush TLBs and translations there.
 *
 * Reset values confirmed on QEMU 7.2 "pc" (config space read at reset by a
 * bare-metal program): command 0, status 0, PAM0-6 0, SMRAM 0x02. QEMU
 * lets every bit of 0x40-0xFF be written; here the PAM and SMRAM registers
 * have the datasheet's masks. QEMU's 0x57 (RAM size for old coreboot) and
 * its Red Hat subsystem IDs are not copied.
 */
#ifndef RX86_HW_I440FX_H
#define RX86_HW_I440FX_H

#include "hw/pci.h"

#define I440FX_VENDOR_ID 0x8086
#define I440FX_DEVICE_ID 0x1237
#define I440FX_REVISION 0x02
#define I440FX_CLASS 0x060000 /* host bridge */
#define I440FX_DEVFN PCI_DEVFN(0, 0)

#define I440FX_PAM0 0x59
#define I440FX_PAM_REGS 7
#define I440FX_PAM_SEGMENTS 13
#define I440FX_PAM_BASE 0xc0000
#define I440FX_PAM_END 0x100000
#define I440FX_PAM_RE 0x1 /* reads from DRAM */
#define I440FX_PAM_WE 0x2 /* writes to DRAM */

#define I440FX_SMRAM 0x72
#define I440FX_SMRAM_D_OPEN 0x40
#define I440FX_SMRAM_D_CLS 0x20
#define I440FX_SMRAM_D_LCK 0x10
#define I440FX_SMRAM_G_SMRAME 0x08
#define I440FX_SMRAM_C_BASE_SEG 0x02 /* 010: SMRAM at 0xA0000 */

typedef struct I440fx I440fx;

typedef struct I440fxPamSegment {
    I440fx *host;
    uint64_t base, size;
    MemRegion *dram_rw;    /* RE + WE */
    MemRegion *dram_ro;    /* RE */
    MemRegion *write_only; /* WE */
    unsigned mode;         /* RE | WE as now mapped */
} I440fxPamSegment;

typedef struct I440fxConfig {
    /* The memory space the PAM regions go in, and the host bytes of guest
     * RAM from address 0 (at least 1 MiB). With mem NULL the PAM registers
     * are kept but change nothing. */
    AddressSpace *mem;
    uint8_t *low_ram;
    int pam_priority; /* above the board's RAM and BIOS alias */
    /* What a write-only segment reads: the PCI side at addr (the BIOS
     * image, option ROMs), size 1, 2, 4 or 8 bytes. NULL: all ones. */
    uint64_t (*pci_read)(void *opaque, uint64_t addr, unsigned size);
    void *pci_opaque;
} I440fxConfig;

struct I440fx {
    PciDevice pci;
    I440fxConfig cfg;
    I440fxPamSegment pam[I440FX_PAM_SEGMENTS];
};

/*
 * Put the host bridge at 00:00.0 of bus and, if cfg->mem is set, its PAM
 * regions (disabled) in cfg->mem. The bus resets it (pci_bus_reset); the
 * regions belong to the address space. Returns 0, -EBUSY (00:00.0 taken)
 * or -ENOMEM.
 */
int i440fx_init(I440fx *h, PciBus *bus, const I440fxConfig *cfg)
    __attribute__((warn_unused_result));

/* The PAM mode (I440FX_PAM_RE | I440FX_PAM_WE) of segment i, 0 being
 * 0xF0000-0xFFFFF and 1-12 the 16 KiB segments from 0xC0000 up. */
unsigned i440fx_pam_mode(const I440fx *h, unsigned segment);
/* Whether region is one of h's write-only PAM segments: its writes go to
 * DRAM (a device's DMA as well as the CPU's). */
bool i440fx_is_write_only_dram(const I440fx *h, const MemRegion *region);

#endif
