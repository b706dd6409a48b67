/*
 * The ACPI tables rx86 hands a guest booted without firmware (direct Linux
 * boot): RSDP, RSDT, XSDT, FADT, FACS, DSDT, MADT and HPET, modelled on what
 * QEMU 7.2 gives its "pc" machine (i440FX + PIIX3/PIIX4 PM), which Linux is
 * tested against, with the differences a firmware-less board needs (no SMM:
 * SMI_CMD 0, the system is always in ACPI mode; a reset register).
 *
 * The caller describes the board in an AcpiConfig (acpi_config_pc() fills
 * in QEMU's values), and acpi_build_tables() lays every table out in a
 * caller-given buffer that will be copied to guest physical address
 * `guest_addr`: the pointers between tables are absolute guest addresses.
 *
 * At boot the loader must:
 *   - copy the buffer to guest_addr (below 4 GiB, 64-byte aligned) and mark
 *     [guest_addr, guest_addr + layout.size) as e820 type 3 (ACPI);
 *   - pass layout.rsdp_addr in boot_params.acpi_rsdp_addr, and/or copy the
 *     ACPI_RSDP_SIZE bytes at layout.rsdp_offset to a 16-byte boundary in
 *     0xE0000-0xFFFFF, where an OS scans for "RSD PTR ".
 *
 * References: ACPI 6.5 (5.2 "ACPI System Description Tables"), the IA-PC
 * HPET specification 1.0a (3.2.4 "The ACPI 2.0 HPET Description Table").
 */
#ifndef RX86_HW_ACPI_TABLES_H
#define RX86_HW_ACPI_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS 255 /* xAPIC IDs 0-254 (0xFF is the broadcast ID) */
#define ACPI_MAX_IRQ_OVERRIDES 16
#define ACPI_MAX_UARTS 4
#define ACPI_RSDP_SIZE 36 /* ACPI 2.0+ RSDP */
/* Enough for any valid AcpiConfig (ACPI_MAX_CPUS processors included). */
#define ACPI_TABLES_MAX_SIZE (64 * 1024)

/* MPS INTI flags of an interrupt source override (ACPI 6.5, table 5.26). */
#define ACPI_IRQ_POLARITY_BUS 0x0 /* conforms to the bus (ISA: active high) */
#define ACPI_IRQ_ACTIVE_HIGH 0x1
#define ACPI_IRQ_ACTIVE_LOW 0x3
#define ACPI_IRQ_TRIGGER_BUS 0x0 /* conforms to the bus (ISA: edge) */
#define ACPI_IRQ_EDGE 0x4
#define ACPI_IRQ_LEVEL 0xC

typedef struct AcpiIrqOverride {
    uint8_t isa_irq; /* the ISA IRQ (bus 0, ISA) */
    uint32_t gsi;    /* the global system interrupt it is wired to */
    uint16_t flags;  /* ACPI_IRQ_* polarity | trigger */
} AcpiIrqOverride;

typedef struct AcpiConfig {
    /* Processors: ACPI processor UID i has local APIC ID apic_ids[i]. */
    unsigned ncpus; /* 1-ACPI_MAX_CPUS */
    uint8_t apic_ids[ACPI_MAX_CPUS];
    uint32_t lapic_addr;

    uint8_t ioapic_id;
    uint32_t ioapic_addr;
    uint32_t ioapic_gsi_base;
    unsigned nirq_overrides;
    AcpiIrqOverride irq_overrides[ACPI_MAX_IRQ_OVERRIDES];

    /* HPET: the table, and a PNP0103 device in the DSDT. block_id is the low
     * 32 bits of the HPET's General Capabilities and ID register (IA-PC
     * HPET 1.0a, 2.3.4), see acpi_hpet_block_id(). */
    bool hpet;
    uint32_t hpet_addr;
    uint32_t hpet_block_id;

    /* PIIX4 power management I/O: PM1a_EVT_BLK at pm_base (4 bytes),
     * PM1a_CNT_BLK at pm_base + 4 (2 bytes), PM_TMR_BLK at pm_base + 8
     * (4 bytes, 24-bit timer); GPE0_BLK (gpe0_len bytes; 0: none). */
    uint16_t pm_base;
    uint16_t gpe0_base;
    uint8_t gpe0_len;
    uint16_t sci_irq;
    uint8_t rtc_century; /* CMOS index of the century byte, 0: none */

    /* The FADT reset register: a byte write of reset_value to system I/O
     * port reset_port (the PIIX3 Reset Control Register 0xCF9, value 6:
     * SYS_RST | RST_CPU, a hard reset). */
    bool reset_reg;
    uint16_t reset_port;
    uint8_t reset_value;

    /* Devices the DSDT describes. */
    bool i8042;            /* KBD PNP0303, MOU PNP0F13, and IAPC_BOOT_ARCH.8042 */
    uint8_t uart_mask;     /* bit n: COMn+1 (0x3F8/4, 0x2F8/3, 0x3E8/4, 0x2E8/3) */
    bool fw_cfg;           /* QEMU0002 at 0x510, 12 ports */
    uint16_t pci_irq_mask; /* ISA IRQs the PCI links LNKA-LNKD may take */

    /* PCI host windows: the 32-bit hole from low_ram_end (where RAM below
     * 4 GiB ends, as the chipset decodes it) to 0xFEBFFFFF, and an optional
     * 64-bit window [pci_hole64_base, +pci_hole64_size) (size 0: none). */
    uint32_t low_ram_end;
    uint64_t pci_hole64_base;
    uint64_t pci_hole64_size;
} AcpiConfig;

/* Where the tables went in the buffer. */
typedef struct AcpiTablesLayout {
    size_t size;        /* bytes used from the start of the buffer */
    size_t rsdp_offset; /* the RSDP (ACPI_RSDP_SIZE bytes, 16-byte aligned) */
    uint64_t rsdp_addr; /* its guest physical address: boot_params.acpi_rsdp_addr */
    /* Offsets of the tables in the buffer, for tests and dumps. */
    size_t facs_offset, dsdt_offset, fadt_offset, madt_offset, hpet_offset;
    size_t rsdt_offset, xsdt_offset;
} AcpiTablesLayout;

/* The low 32 bits of an HPET's capabilities register: vendor (bits 31:16),
 * LEG_RT_CAP (15), COUNT_SIZE_CAP (13), NUM_TIM_CAP = ntimers - 1 (12:8),
 * REV_ID (7:0). QEMU's: acpi_hpet_block_id(0x8086, 3, true, true, 1) ==
 * 0x8086A201. */
uint32_t acpi_hpet_block_id(uint16_t vendor, unsigned ntimers, bool counter_64bit,
                            bool legacy_replacement, uint8_t rev);

/*
 * Fill cfg as QEMU 7.2's "pc" machine: ncpus processors with APIC IDs 0..n-1,
 * LAPIC 0xFEE00000, IOAPIC id 0 at 0xFEC00000 (GSI base 0), overrides
 * IRQ 0 -> GSI 2 and IRQs 5, 9, 10, 11 level active-high, HPET at 0xFED00000
 * (block id 0x8086A201), PM at 0x600, GPE0 0xAFE0 (4 bytes), SCI IRQ 9,
 * century at CMOS 0x32, reset register 0xCF9 = 6, i8042, COM1, fw_cfg, PCI
 * link IRQs 5, 10, 11, and low RAM ending at low_ram_end.
 */
void acpi_config_pc(AcpiConfig *cfg, unsigned ncpus, uint32_t low_ram_end);

/*
 * Lay out the tables for guest physical address guest_addr in buf.
 * Returns 0, and fills *layout; -EINVAL if the config is not valid (no CPU or
 * too many, an APIC ID of 0xFF, too many overrides, a PCI hole that is
 * empty, guest_addr not 64-byte aligned or the tables not below 4 GiB);
 * -ENOSPC if buf_size is too small (layout->size then says how much is
 * needed: call with buf NULL and size 0 to ask); -ENOMEM.
 */
int acpi_build_tables(const AcpiConfig *cfg, uint64_t guest_addr, uint8_t *buf, size_t buf_size,
                      AcpiTablesLayout *layout) __attribute__((warn_unused_result));

/* The byte sum that makes a table's bytes add up to 0 mod 256. */
uint8_t acpi_checksum(const uint8_t *p, size_t len);

#endif
