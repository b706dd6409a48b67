/*
 * ACPI tables for a guest started without firmware (see acpi_tables.h).
 *
 * What they say follows QEMU 7.2's "pc" machine (checked against its tables
 * dumped from guest RAM under SeaBIOS), with these differences:
 *   - an ACPI 2.0+ RSDP with an XSDT, and an FADT of revision 3 (244 bytes,
 *     with the X_ fields; QEMU's pc FADT is revision 1). Revision 3 is what
 *     QEMU gives q35, and what the reset register needs (revision >= 2);
 *   - SMI_CMD 0: there is no SMM, so the hardware is always in ACPI mode
 *     (ACPI 6.5, 5.2.9: "SMI_CMD ... zero on platforms that do not support
 *     Legacy Mode"). ACPICA then never tries to switch modes; the PM device
 *     must read PM1a_CNT.SCI_EN as 1 from reset (QEMU's PIIX4 PM does so when
 *     SMM is off);
 *   - the FADT reset register (I/O 0xCF9, value 6) as on QEMU's q35;
 *   - the PCI interrupt links are QEMU's (LNKA-LNKD over the PIIX3 PIRQ route
 *     control registers 0x60-0x63 of 00:01.0, LNKS fixed at the SCI) but
 *     with a static _PRT; no hotplug, no CPU hotplug, no floppy, no LPT;
 *     processors are ACPI0007 devices whose _UID is their MADT processor UID.
 *
 * Layout in the buffer: FACS (64-byte aligned, ACPI 6.5 5.2.10), DSDT, FADT,
 * MADT, HPET, RSDT, XSDT, RSDP, each on a 16-byte boundary.
 */
#include "hw/acpi_tables.h"

#include "hw/aml.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ACPI_OEM_ID "RX86  "         /* 6 bytes */
#define ACPI_OEM_TABLE_ID "RX86PC  " /* 8 bytes */
#define ACPI_CREATOR_ID "RX86"
#define ACPI_FACS_SIZE 64

/* FADT Fixed Feature Flags (ACPI 6.5, table 5.10). */
#define FADT_F_WBINVD (1u << 0)
#define FADT_F_PROC_C1 (1u << 2)
#define FADT_F_SLP_BUTTON (1u << 5) /* sleep button is a control method device (none) */
#define FADT_F_RTC_S4 (1u << 7)
#define FADT_F_RESET_REG_SUP (1u << 10)
#define FADT_F_USE_PLATFORM_CLOCK (1u << 15)
/* IA-PC boot architecture flags (table 5.11). */
#define FADT_BOOT_8042 (1u << 1)
/* Generic Address Structure address spaces (table 5.1). */
#define GAS_SYSTEM_MEMORY 0
#define GAS_SYSTEM_IO 1
#define GAS_ACCESS_BYTE 1

/* MADT (5.2.12) */
#define MADT_PCAT_COMPAT 1u
#define MADT_LOCAL_APIC 0
#define MADT_IO_APIC 1
#define MADT_INT_SRC_OVERRIDE 2
#define MADT_LOCAL_APIC_NMI 4
#define MADT_LAPIC_ENABLED 1u
#define MADT_ALL_PROCESSORS 0xFF

#define PCI_HOLE_END 0xFEBFFFFFu /* below the IOAPIC: the end of QEMU's 32-bit window */
#define HPET_MMIO_SIZE 0x400
#define PIIX3_PIRQRC 0x60 /* PIRQ[A-D] route control, PIIX3 function 0 config space */

static const uint16_t uart_ports[ACPI_MAX_UARTS] = {0x3F8, 0x2F8, 0x3E8, 0x2E8};
static const uint8_t uart_irqs[ACPI_MAX_UARTS] = {4, 3, 4, 3};

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        sum = (uint8_t)(sum + p[i]);
    }
    return (uint8_t)(0x100 - sum);
}

uint32_t acpi_hpet_block_id(uint16_t vendor, unsigned ntimers, bool counter_64bit,
                            bool legacy_replacement, uint8_t rev)
{
    return ((uint32_t)vendor << 16) | (legacy_replacement ? 1u << 15 : 0) |
           (counter_64bit ? 1u << 13 : 0) | (((ntimers - 1) & 0x1Fu) << 8) | rev;
}

void acpi_config_pc(AcpiConfig *cfg, unsigned ncpus, uint32_t low_ram_end)
{
    *cfg = (AcpiConfig){
        .ncpus = ncpus,
        .lapic_addr = 0xFEE00000,
        .ioapic_id = 0,
        .ioapic_addr = 0xFEC00000,
        .ioapic_gsi_base = 0,
        .hpet = true,
        .hpet_addr = 0xFED00000,
        .hpet_block_id = acpi_hpet_block_id(0x8086, 3, true, true, 1),
        .pm_base = 0x600,
        .gpe0_base = 0xAFE0,
        .gpe0_len = 4,
        .sci_irq = 9,
        .rtc_century = 0x32,
        .reset_reg = true,
        .reset_port = 0xCF9,
        .reset_value = 0x06,
        .i8042 = true,
        .uart_mask = 1u << 0,
        .fw_cfg = true,
        .pci_irq_mask = (1u << 5) | (1u << 10) | (1u << 11),
        .low_ram_end = low_ram_end,
    };
    for (unsigned i = 0; i < ncpus && i < ACPI_MAX_CPUS; i++) {
        cfg->apic_ids[i] = (uint8_t)i;
    }
    /* The PIT's IRQ 0 is the IOAPIC's pin 2; the PCI link IRQs and the SCI
     * are level-triggered, active high as QEMU's IOAPIC sees them. */
    static const uint8_t level_irqs[] = {5, 9, 10, 11};
    cfg->irq_overrides[0] = (AcpiIrqOverride){0, 2, ACPI_IRQ_POLARITY_BUS | ACPI_IRQ_TRIGGER_BUS};
    for (unsigned i = 0; i < sizeof(level_irqs); i++) {
        cfg->irq_overrides[1 + i] =
            (AcpiIrqOverride){level_irqs[i], level_irqs[i], ACPI_IRQ_ACTIVE_HIGH | ACPI_IRQ_LEVEL};
    }
    cfg->nirq_overrides = 1 + sizeof(level_irqs);
}

/* ---- system description table helpers ---- */

/* The 36-byte header (5.2.6); length and checksum are set by sdt_finish. */
static size_t sdt_begin(AmlBuf *t, const char *sig, uint8_t rev)
{
    size_t start = t->len;
    aml_put_bytes(t, sig, 4);
    aml_put32(t, 0); /* length */
    aml_put8(t, rev);
    aml_put8(t, 0); /* checksum */
    aml_put_bytes(t, ACPI_OEM_ID, 6);
    aml_put_bytes(t, ACPI_OEM_TABLE_ID, 8);
    aml_put32(t, 1); /* OEM revision */
    aml_put_bytes(t, ACPI_CREATOR_ID, 4);
    aml_put32(t, 1); /* creator revision */
    return start;
}

static void put_le32_at(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void sdt_finish(AmlBuf *t, size_t start)
{
    if (t->failed) {
        return;
    }
    uint8_t *h = t->data + start;
    size_t len = t->len - start;
    put_le32_at(h + 4, (uint32_t)len);
    h[9] = 0;
    h[9] = acpi_checksum(h, len);
}

static void align_to(AmlBuf *t, size_t align)
{
    while (t->len % align) {
        aml_put8(t, 0);
    }
}

/* A Generic Address Structure (5.2.3.2). */
static void put_gas(AmlBuf *t, uint8_t space, uint8_t bit_width, uint8_t access, uint64_t addr)
{
    aml_put8(t, space);
    aml_put8(t, bit_width);
    aml_put8(t, 0); /* bit offset */
    aml_put8(t, access);
    aml_put64(t, addr);
}

/* An I/O register block for the X_ fields: absent (all zero) if len is 0. */
static void put_io_block(AmlBuf *t, uint16_t port, uint8_t len)
{
    if (len == 0 || port == 0) {
        put_gas(t, 0, 0, 0, 0);
    } else {
        put_gas(t, GAS_SYSTEM_IO, (uint8_t)(8 * len), 0, port);
    }
}

/* ---- the tables ---- */

static void build_facs(AmlBuf *t)
{
    /* FACS (5.2.10): no header checksum; the firmware waking vectors stay 0
     * (no S3), the global lock free. */
    aml_put_bytes(t, "FACS", 4);
    aml_put32(t, ACPI_FACS_SIZE);
    aml_put32(t, 0); /* hardware signature */
    aml_put32(t, 0); /* firmware waking vector */
    aml_put32(t, 0); /* global lock */
    aml_put32(t, 0); /* flags */
    aml_put64(t, 0); /* X firmware waking vector */
    aml_put8(t, 2);  /* version (ACPI 6.5: 2) */
    aml_put_bytes(t, "\0\0\0", 3);
    aml_put32(t, 0); /* OSPM flags */
    for (int i = 0; i < 24; i++) {
        aml_put8(t, 0);
    }
}

static void build_fadt(AmlBuf *t, const AcpiConfig *cfg, uint64_t facs, uint64_t dsdt)
{
    size_t start = sdt_begin(t, "FACP", 3);
    uint16_t pm1_evt = cfg->pm_base, pm1_cnt = cfg->pm_base + 4, pm_tmr = cfg->pm_base + 8;
    aml_put32(t, (uint32_t)facs);                     /* 36 FIRMWARE_CTRL */
    aml_put32(t, (uint32_t)dsdt);                     /* 40 DSDT */
    aml_put8(t, 0);                                   /* 44 reserved (ACPI 1.0 INT_MODEL) */
    aml_put8(t, 0);                                   /* 45 preferred PM profile: unspecified */
    aml_put16(t, cfg->sci_irq);                       /* 46 SCI_INT */
    aml_put32(t, 0);                                  /* 48 SMI_CMD: none, always in ACPI mode */
    aml_put8(t, 0);                                   /* 52 ACPI_ENABLE */
    aml_put8(t, 0);                                   /* 53 ACPI_DISABLE */
    aml_put8(t, 0);                                   /* 54 S4BIOS_REQ */
    aml_put8(t, 0);                                   /* 55 PSTATE_CNT */
    aml_put32(t, pm1_evt);                            /* 56 PM1a_EVT_BLK */
    aml_put32(t, 0);                                  /* 60 PM1b_EVT_BLK */
    aml_put32(t, pm1_cnt);                            /* 64 PM1a_CNT_BLK */
    aml_put32(t, 0);                                  /* 68 PM1b_CNT_BLK */
    aml_put32(t, 0);                                  /* 72 PM2_CNT_BLK */
    aml_put32(t, pm_tmr);                             /* 76 PM_TMR_BLK */
    aml_put32(t, cfg->gpe0_len ? cfg->gpe0_base : 0); /* 80 GPE0_BLK */
    aml_put32(t, 0);                                  /* 84 GPE1_BLK */
    aml_put8(t, 4);                                   /* 88 PM1_EVT_LEN */
    aml_put8(t, 2);                                   /* 89 PM1_CNT_LEN */
    aml_put8(t, 0);                                   /* 90 PM2_CNT_LEN */
    aml_put8(t, 4);                                   /* 91 PM_TMR_LEN */
    aml_put8(t, cfg->gpe0_len);                       /* 92 GPE0_BLK_LEN */
    aml_put8(t, 0);                                   /* 93 GPE1_BLK_LEN */
    aml_put8(t, 0);                                   /* 94 GPE1_BASE */
    aml_put8(t, 0);                                   /* 95 CST_CNT */
    aml_put16(t, 0x0FFF);                             /* 96 P_LVL2_LAT: > 100, no C2 */
    aml_put16(t, 0x0FFF);                             /* 98 P_LVL3_LAT: > 1000, no C3 */
    aml_put16(t, 0);                                  /* 100 FLUSH_SIZE */
    aml_put16(t, 0);                                  /* 102 FLUSH_STRIDE */
    aml_put8(t, 0);                                   /* 104 DUTY_OFFSET */
    aml_put8(t, 0);                                   /* 105 DUTY_WIDTH */
    aml_put8(t, 0);                                   /* 106 DAY_ALRM */
    aml_put8(t, 0);                                   /* 107 MON_ALRM */
    aml_put8(t, cfg->rtc_century);                    /* 108 CENTURY */
    aml_put16(t, cfg->i8042 ? FADT_BOOT_8042 : 0);    /* 109 IAPC_BOOT_ARCH */
    aml_put8(t, 0);                                   /* 111 reserved */
    aml_put32(t, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON | FADT_F_RTC_S4 |
                     (cfg->reset_reg ? FADT_F_RESET_REG_SUP : 0) |
                     FADT_F_USE_PLATFORM_CLOCK); /* 112 Flags */
    if (cfg->reset_reg) {                        /* 116 RESET_REG */
        put_gas(t, GAS_SYSTEM_IO, 8, GAS_ACCESS_BYTE, cfg->reset_port);
    } else {
        put_gas(t, 0, 0, 0, 0);
    }
    aml_put8(t, cfg->reset_reg ? cfg->reset_value : 0); /* 128 RESET_VALUE */
    aml_put16(t, 0);                                    /* 129 ARM_BOOT_ARCH */
    aml_put8(t, 0);                                     /* 131 FADT minor version */
    /* 132 X_FIRMWARE_CTRL and 140 X_DSDT equal to the 32-bit fields, so ACPICA
     * sees no 32/64 mismatch (Linux lists the FACS twice, one per field). */
    aml_put64(t, facs);
    aml_put64(t, dsdt);
    put_io_block(t, pm1_evt, 4);                    /* 148 X_PM1a_EVT_BLK */
    put_io_block(t, 0, 0);                          /* 160 X_PM1b_EVT_BLK */
    put_io_block(t, pm1_cnt, 2);                    /* 172 X_PM1a_CNT_BLK */
    put_io_block(t, 0, 0);                          /* 184 X_PM1b_CNT_BLK */
    put_io_block(t, 0, 0);                          /* 196 X_PM2_CNT_BLK */
    put_io_block(t, pm_tmr, 4);                     /* 208 X_PM_TMR_BLK */
    put_io_block(t, cfg->gpe0_base, cfg->gpe0_len); /* 220 X_GPE0_BLK */
    put_io_block(t, 0, 0);                          /* 232 X_GPE1_BLK */
    sdt_finish(t, start);
}

static void build_madt(AmlBuf *t, const AcpiConfig *cfg)
{
    size_t start = sdt_begin(t, "APIC", 1);
    aml_put32(t, cfg->lapic_addr);
    aml_put32(t, MADT_PCAT_COMPAT); /* 8259s present too */
    for (unsigned i = 0; i < cfg->ncpus; i++) {
        aml_put8(t, MADT_LOCAL_APIC);
        aml_put8(t, 8);
        aml_put8(t, (uint8_t)i); /* ACPI processor UID (the DSDT's C%03X _UID) */
        aml_put8(t, cfg->apic_ids[i]);
        aml_put32(t, MADT_LAPIC_ENABLED);
    }
    aml_put8(t, MADT_IO_APIC);
    aml_put8(t, 12);
    aml_put8(t, cfg->ioapic_id);
    aml_put8(t, 0);
    aml_put32(t, cfg->ioapic_addr);
    aml_put32(t, cfg->ioapic_gsi_base);
    for (unsigned i = 0; i < cfg->nirq_overrides; i++) {
        const AcpiIrqOverride *o = &cfg->irq_overrides[i];
        aml_put8(t, MADT_INT_SRC_OVERRIDE);
        aml_put8(t, 10);
        aml_put8(t, 0); /* bus: ISA */
        aml_put8(t, o->isa_irq);
        aml_put32(t, o->gsi);
        aml_put16(t, o->flags);
    }
    /* LINT1 of every local APIC is the NMI input (as the MP spec's virtual
     * wire setup wires it). */
    aml_put8(t, MADT_LOCAL_APIC_NMI);
    aml_put8(t, 6);
    aml_put8(t, MADT_ALL_PROCESSORS);
    aml_put16(t, ACPI_IRQ_POLARITY_BUS | ACPI_IRQ_TRIGGER_BUS);
    aml_put8(t, 1); /* LINT1 */
    sdt_finish(t, start);
}

static void build_hpet(AmlBuf *t, const AcpiConfig *cfg)
{
    /* IA-PC HPET 1.0a, 3.2.4; the GAS as QEMU fills it (width 0). */
    size_t start = sdt_begin(t, "HPET", 1);
    aml_put32(t, cfg->hpet_block_id);
    put_gas(t, GAS_SYSTEM_MEMORY, 0, 0, cfg->hpet_addr);
    aml_put8(t, 0);  /* HPET number */
    aml_put16(t, 0); /* minimum clock tick in periodic mode */
    aml_put8(t, 0);  /* page protection: none */
    sdt_finish(t, start);
}

/* ---- DSDT ---- */

/* Name (name, ResourceTemplate () {rt}) and free rt. */
static void name_resources(AmlBuf *b, const char *name, AmlBuf *rt)
{
    aml_name(b, name);
    aml_resource_template(b, rt);
    aml_free(rt);
}

static void name_integer(AmlBuf *b, const char *name, uint64_t v)
{
    aml_name(b, name);
    aml_integer(b, v);
}

static void name_eisaid(AmlBuf *b, const char *name, const char *id)
{
    aml_name(b, name);
    aml_eisaid(b, id);
}

/* The PIRQ route register of link n (PRQ0-PRQ3, in \_SB.PCI0.ISA). */
static void pirq_path(char out[32], unsigned n)
{
    snprintf(out, 32, "\\_SB.PCI0.ISA.PRQ%u", n);
}

/*
 * LNKA-LNKD: a PIIX3 PIRQ route control register holds the ISA IRQ in bits
 * 3:0 and IRQEN# in bit 7 (82371SB datasheet, "PIRQRC[A:D]").
 *   _STA: 0x09 (present, not enabled) while bit 7 is set, else 0x0B
 *   _CRS: Interrupt (Level, ActiveHigh, Shared) {bits 3:0, or 0 if disabled}
 *   _SRS: the register = the IRQ of the given Interrupt descriptor
 *   _DIS: set bit 7
 * The polarity and trigger are those of the MADT overrides (QEMU's).
 */
static void build_pci_link(AmlBuf *b, const AcpiConfig *cfg, unsigned n)
{
    char name[5], reg[32];
    snprintf(name, sizeof(name), "LNK%c", 'A' + n);
    pirq_path(reg, n);
    uint32_t irqs[16];
    unsigned nirqs = 0;
    for (unsigned irq = 0; irq < 16; irq++) {
        if (cfg->pci_irq_mask & (1u << irq)) {
            irqs[nirqs++] = irq;
        }
    }
    const uint8_t int_flags = AML_INT_CONSUMER | AML_INT_SHARED; /* level, active high */

    size_t dev = aml_device_begin(b, name);
    name_eisaid(b, "_HID", "PNP0C0F");
    name_integer(b, "_UID", n);
    AmlBuf rt;
    aml_init(&rt);
    aml_res_interrupt(&rt, int_flags, irqs, nirqs);
    name_resources(b, "_PRS", &rt);

    size_t m = aml_method_begin(b, "_STA", 0, false);
    size_t cond = aml_if_begin(b); /* If (And (PRQn, 0x80)) */
    aml_op(b, AML_OP_AND);
    aml_namestring(b, reg);
    aml_integer(b, 0x80);
    aml_op(b, AML_OP_ZERO); /* no target */
    aml_op(b, AML_OP_RETURN);
    aml_integer(b, 0x09);
    aml_end(b, cond);
    aml_op(b, AML_OP_RETURN);
    aml_integer(b, 0x0B);
    aml_end(b, m);

    m = aml_method_begin(b, "_DIS", 0, false); /* Or (PRQn, 0x80, PRQn) */
    aml_op(b, AML_OP_OR);
    aml_namestring(b, reg);
    aml_integer(b, 0x80);
    aml_namestring(b, reg);
    aml_end(b, m);

    /* _CRS: Name (BUF0, template {0}); CreateDWordField (BUF0, 5, IRQN);
     * If (LLess (PRQn, 0x80)) { And (PRQn, 0x0F, IRQN) } Return (BUF0) */
    m = aml_method_begin(b, "_CRS", 0, true);
    uint32_t none = 0;
    aml_init(&rt);
    aml_res_interrupt(&rt, int_flags, &none, 1);
    name_resources(b, "BUF0", &rt);
    aml_op(b, AML_OP_CREATE_DWORD_FIELD);
    aml_namestring(b, "BUF0");
    aml_integer(b, 5); /* the first interrupt number of the descriptor */
    aml_namestring(b, "IRQN");
    cond = aml_if_begin(b);
    aml_op(b, AML_OP_LLESS);
    aml_namestring(b, reg);
    aml_integer(b, 0x80);
    aml_op(b, AML_OP_AND);
    aml_namestring(b, reg);
    aml_integer(b, 0x0F);
    aml_namestring(b, "IRQN");
    aml_end(b, cond);
    aml_op(b, AML_OP_RETURN);
    aml_namestring(b, "BUF0");
    aml_end(b, m);

    /* _SRS (1): CreateDWordField (Arg0, 5, IRQW); Store (IRQW, PRQn) */
    m = aml_method_begin(b, "_SRS", 1, false);
    aml_op(b, AML_OP_CREATE_DWORD_FIELD);
    aml_arg(b, 0);
    aml_integer(b, 5);
    aml_namestring(b, "IRQW");
    aml_op(b, AML_OP_STORE);
    aml_namestring(b, "IRQW");
    aml_namestring(b, reg);
    aml_end(b, m);
    aml_end(b, dev);
}

/* LNKS: the PIIX4 PM function's INTA, wired to the SCI (QEMU's). */
static void build_sci_link(AmlBuf *b, const AcpiConfig *cfg)
{
    uint32_t sci = cfg->sci_irq;
    const uint8_t int_flags = AML_INT_CONSUMER | AML_INT_SHARED;
    size_t dev = aml_device_begin(b, "LNKS");
    name_eisaid(b, "_HID", "PNP0C0F");
    name_integer(b, "_UID", 4);
    AmlBuf rt;
    aml_init(&rt);
    aml_res_interrupt(&rt, int_flags, &sci, 1);
    name_resources(b, "_PRS", &rt);
    aml_init(&rt);
    aml_res_interrupt(&rt, int_flags, &sci, 1);
    name_resources(b, "_CRS", &rt);
    name_integer(b, "_STA", 0x0B);
    size_t m = aml_method_begin(b, "_SRS", 1, false);
    aml_end(b, m);
    m = aml_method_begin(b, "_DIS", 0, false);
    aml_end(b, m);
    aml_end(b, dev);
}

/*
 * _PRT: slot s, pin p (INTA = 0) -> link (s + p - 1) mod 4, the PIIX3's
 * rotation (QEMU's pc _PRT), except 00:01 INTA (the PM function) -> LNKS.
 */
static void build_prt(AmlBuf *b)
{
    static const char *const links[4] = {"LNKA", "LNKB", "LNKC", "LNKD"};
    aml_name(b, "_PRT");
    size_t pkg = aml_package_begin(b, 32 * 4);
    for (unsigned slot = 0; slot < 32; slot++) {
        for (unsigned pin = 0; pin < 4; pin++) {
            size_t e = aml_package_begin(b, 4);
            aml_integer(b, ((uint64_t)slot << 16) | 0xFFFF); /* any function */
            aml_integer(b, pin);
            aml_namestring(b, slot == 1 && pin == 0 ? "LNKS" : links[(slot + pin + 3) % 4]);
            aml_integer(b, 0); /* source index */
            aml_end(b, e);
        }
    }
    aml_end(b, pkg);
}

static void build_pci0_crs(AmlBuf *b, const AcpiConfig *cfg)
{
    AmlBuf rt;
    aml_init(&rt);
    aml_res_word_bus_number(&rt, 0x00, 0xFF);
    aml_res_io(&rt, 0xCF8, 0xCF8, 1, 8); /* the configuration ports themselves */
    aml_res_word_io(&rt, 0x0000, 0x0CF7);
    aml_res_word_io(&rt, 0x0D00, 0xFFFF);
    aml_res_dword_memory(&rt, true, 0x000A0000, 0x000BFFFF); /* legacy VGA */
    aml_res_dword_memory(&rt, false, cfg->low_ram_end, PCI_HOLE_END);
    if (cfg->pci_hole64_size) {
        aml_res_qword_memory(&rt, true, cfg->pci_hole64_base,
                             cfg->pci_hole64_base + cfg->pci_hole64_size - 1);
    }
    name_resources(b, "_CRS", &rt);
}

/* Device (name) { Name (_HID, EisaId (hid)) ...: close with aml_end. */
static size_t eisa_device_begin(AmlBuf *b, const char *name, const char *hid)
{
    size_t dev = aml_device_begin(b, name);
    name_eisaid(b, "_HID", hid);
    return dev;
}

static void build_isa(AmlBuf *b, const AcpiConfig *cfg)
{
    size_t isa = aml_device_begin(b, "ISA");
    name_integer(b, "_ADR", 0x00010000); /* 00:01.0, the PIIX3 PCI-to-ISA bridge */
    aml_operation_region(b, "PIRQ", AML_REGION_PCI_CONFIG, PIIX3_PIRQRC, 4);
    size_t f = aml_field_begin(b, "PIRQ", AML_FIELD_BYTE_ACC | AML_FIELD_PRESERVE);
    for (unsigned n = 0; n < 4; n++) {
        char unit[5];
        snprintf(unit, sizeof(unit), "PRQ%u", n);
        aml_field_unit(b, unit, 8);
    }
    aml_end(b, f);

    AmlBuf rt;
    if (cfg->i8042) {
        size_t dev = eisa_device_begin(b, "KBD", "PNP0303");
        aml_init(&rt);
        aml_res_io(&rt, 0x60, 0x60, 1, 1);
        aml_res_io(&rt, 0x64, 0x64, 1, 1);
        aml_res_irq_noflags(&rt, 1u << 1);
        name_resources(b, "_CRS", &rt);
        aml_end(b, dev);

        dev = eisa_device_begin(b, "MOU", "PNP0F13");
        aml_init(&rt);
        aml_res_irq_noflags(&rt, 1u << 12);
        name_resources(b, "_CRS", &rt);
        aml_end(b, dev);
    }
    for (unsigned i = 0; i < ACPI_MAX_UARTS; i++) {
        if (!(cfg->uart_mask & (1u << i))) {
            continue;
        }
        char name[5];
        snprintf(name, sizeof(name), "COM%u", i + 1);
        size_t dev = eisa_device_begin(b, name, "PNP0501");
        name_integer(b, "_UID", i + 1);
        aml_init(&rt);
        aml_res_io(&rt, uart_ports[i], uart_ports[i], 1, 8);
        aml_res_irq_noflags(&rt, (uint16_t)(1u << uart_irqs[i]));
        name_resources(b, "_CRS", &rt);
        aml_end(b, dev);
    }
    /* The RTC keeps IRQ 8 with an HPET too, as QEMU 7.2's pc DSDT has it. */
    size_t dev = eisa_device_begin(b, "RTC", "PNP0B00");
    aml_init(&rt);
    aml_res_io(&rt, 0x70, 0x70, 1, 2);
    aml_res_irq_noflags(&rt, 1u << 8);
    name_resources(b, "_CRS", &rt);
    aml_end(b, dev);
    aml_end(b, isa);
}

static void build_pci0(AmlBuf *b, const AcpiConfig *cfg)
{
    size_t pci = aml_device_begin(b, "PCI0");
    name_eisaid(b, "_HID", "PNP0A03");
    name_integer(b, "_ADR", 0);
    name_integer(b, "_UID", 0);
    name_integer(b, "_BBN", 0);
    build_pci0_crs(b, cfg);
    build_prt(b);
    build_isa(b, cfg);
    if (cfg->fw_cfg) {
        size_t dev = aml_device_begin(b, "FWCF");
        aml_name(b, "_HID");
        aml_string(b, "QEMU0002");
        name_integer(b, "_STA", 0x0B); /* present, enabled, not shown in UI */
        AmlBuf rt;
        aml_init(&rt);
        aml_res_io(&rt, 0x510, 0x510, 1, 0x0C);
        name_resources(b, "_CRS", &rt);
        aml_end(b, dev);
    }
    aml_end(b, pci);
}

static void build_dsdt_body(AmlBuf *b, const AcpiConfig *cfg)
{
    /* \_PIC (mode): 0 PIC, 1 APIC; kept only for AML that asks (5.8.1). */
    name_integer(b, "PICF", 0);
    size_t m = aml_method_begin(b, "_PIC", 1, false);
    aml_op(b, AML_OP_STORE);
    aml_arg(b, 0);
    aml_namestring(b, "PICF");
    aml_end(b, m);

    /* \_S5: SLP_TYPa, SLP_TYPb, reserved, reserved (7.4.2); the PIIX4's
     * soft-off is SLP_TYP 0 (QEMU's pc). */
    aml_name(b, "_S5");
    size_t pkg = aml_package_begin(b, 4);
    for (int i = 0; i < 4; i++) {
        aml_integer(b, 0);
    }
    aml_end(b, pkg);

    size_t sb = aml_scope_begin(b, "\\_SB");
    /* The links come before PCI0 so that its _PRT's references resolve as
     * the table loads. */
    for (unsigned n = 0; n < 4; n++) {
        build_pci_link(b, cfg, n);
    }
    build_sci_link(b, cfg);
    build_pci0(b, cfg);
    if (cfg->hpet) {
        size_t dev = eisa_device_begin(b, "HPET", "PNP0103");
        name_integer(b, "_UID", 0);
        AmlBuf rt;
        aml_init(&rt);
        aml_res_memory32_fixed(&rt, false, cfg->hpet_addr, HPET_MMIO_SIZE);
        name_resources(b, "_CRS", &rt);
        aml_end(b, dev);
    }
    for (unsigned i = 0; i < cfg->ncpus; i++) {
        char name[5];
        snprintf(name, sizeof(name), "C%03X", i & 0xFFFu); /* i < ACPI_MAX_CPUS */
        size_t dev = aml_device_begin(b, name);
        aml_name(b, "_HID");
        aml_string(b, "ACPI0007"); /* processor device (8.4) */
        name_integer(b, "_UID", i);
        aml_end(b, dev);
    }
    aml_end(b, sb);
}

static void build_dsdt(AmlBuf *t, const AcpiConfig *cfg)
{
    size_t start = sdt_begin(t, "DSDT", 2); /* revision 2: 64-bit integers */
    build_dsdt_body(t, cfg);
    sdt_finish(t, start);
}

/* ---- the whole set ---- */

static bool config_valid(const AcpiConfig *cfg)
{
    if (cfg->ncpus == 0 || cfg->ncpus > ACPI_MAX_CPUS ||
        cfg->nirq_overrides > ACPI_MAX_IRQ_OVERRIDES) {
        return false;
    }
    for (unsigned i = 0; i < cfg->ncpus; i++) {
        if (cfg->apic_ids[i] == 0xFF) {
            return false;
        }
    }
    if (cfg->low_ram_end > PCI_HOLE_END || (cfg->pci_irq_mask & 0xFFFF) == 0 || cfg->pm_base == 0 ||
        cfg->uart_mask >> ACPI_MAX_UARTS) {
        return false;
    }
    if (cfg->pci_hole64_size &&
        cfg->pci_hole64_base + cfg->pci_hole64_size - 1 < cfg->pci_hole64_base) {
        return false;
    }
    return true;
}

static void put_le_at(AmlBuf *t, size_t off, uint64_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++) {
        t->data[off + i] = (uint8_t)(v >> (8 * i));
    }
}

int acpi_build_tables(const AcpiConfig *cfg, uint64_t guest_addr, uint8_t *buf, size_t buf_size,
                      AcpiTablesLayout *layout)
{
    *layout = (AcpiTablesLayout){0};
    if (!config_valid(cfg) || guest_addr % 64) {
        return -EINVAL;
    }
    AmlBuf t;
    aml_init(&t);
    AcpiTablesLayout lo = {0};

    lo.facs_offset = t.len;
    build_facs(&t);
    lo.dsdt_offset = t.len;
    build_dsdt(&t, cfg);
    align_to(&t, 16);
    lo.fadt_offset = t.len;
    build_fadt(&t, cfg, guest_addr + lo.facs_offset, guest_addr + lo.dsdt_offset);
    align_to(&t, 16);
    lo.madt_offset = t.len;
    build_madt(&t, cfg);
    align_to(&t, 16);

    size_t entries[3] = {lo.fadt_offset, lo.madt_offset};
    unsigned nentries = 2;
    if (cfg->hpet) {
        lo.hpet_offset = t.len;
        build_hpet(&t, cfg);
        align_to(&t, 16);
        entries[nentries++] = lo.hpet_offset;
    }
    lo.rsdt_offset = t.len;
    size_t start = sdt_begin(&t, "RSDT", 1);
    for (unsigned i = 0; i < nentries; i++) {
        aml_put32(&t, (uint32_t)(guest_addr + entries[i]));
    }
    sdt_finish(&t, start);
    align_to(&t, 16);
    lo.xsdt_offset = t.len;
    start = sdt_begin(&t, "XSDT", 1);
    for (unsigned i = 0; i < nentries; i++) {
        aml_put64(&t, guest_addr + entries[i]);
    }
    sdt_finish(&t, start);
    align_to(&t, 16);

    /* RSDP (5.2.5.3): the first 20 bytes (ACPI 1.0) have their own checksum,
     * the extended checksum covers all 36. */
    lo.rsdp_offset = t.len;
    aml_put_bytes(&t, "RSD PTR ", 8);
    aml_put8(&t, 0); /* checksum */
    aml_put_bytes(&t, ACPI_OEM_ID, 6);
    aml_put8(&t, 2); /* revision: ACPI 2.0+ */
    aml_put32(&t, (uint32_t)(guest_addr + lo.rsdt_offset));
    aml_put32(&t, ACPI_RSDP_SIZE);
    aml_put64(&t, guest_addr + lo.xsdt_offset);
    aml_put8(&t, 0); /* extended checksum */
    aml_put_bytes(&t, "\0\0\0", 3);
    if (t.failed) {
        aml_free(&t);
        return -ENOMEM;
    }
    put_le_at(&t, lo.rsdp_offset + 8, acpi_checksum(t.data + lo.rsdp_offset, 20), 1);
    put_le_at(&t, lo.rsdp_offset + 32, acpi_checksum(t.data + lo.rsdp_offset, ACPI_RSDP_SIZE), 1);

    lo.size = t.len;
    lo.rsdp_addr = guest_addr + lo.rsdp_offset;
    int ret = 0;
    if (guest_addr + lo.size > (1ull << 32)) {
        ret = -EINVAL; /* RSDT and FADT hold 32-bit pointers */
    } else if (lo.size > buf_size || !buf) {
        ret = -ENOSPC;
    } else {
        memcpy(buf, t.data, lo.size);
    }
    aml_free(&t);
    *layout = lo;
    if (ret == -EINVAL) {
        *layout = (AcpiTablesLayout){0};
    }
    return ret;
}
