/*
 * The platform devices and the firmware's part of direct boot: see
 * pc_platform.h.
 */
#include "hw/pc_platform.h"

#include "hw/acpi_pm.h"
#include "hw/acpi_tables.h"
#include "hw/fw_cfg.h"
#include "hw/hpet.h"
#include "hw/i440fx.h"
#include "hw/i8042.h"
#include "hw/mc146818.h"
#include "hw/pci.h"
#include "hw/piix.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* As hw/pc.c: devices over RAM and ROM; the PAM overlays over those. */
enum { PRIO_DEVICE = 2, PRIO_PAM = 3 };

typedef struct PcPlatform {
    PcMachine *pc;
    PcPlatformConfig cfg;
    Hpet hpet;
    bool hpet_ready;
    Rtc rtc;
    bool rtc_ready;
    PciBus pci;
    I440fx i440fx;
    Piix3 piix3;
    Piix4Pm piix4_pm;
    AcpiPm acpi_pm;
    bool acpi_pm_ready;
    I8042 i8042;
    FwCfg fw_cfg;
    bool fw_cfg_ready;
    bool told_sleep; /* the unsupported-sleep message was printed */
} PcPlatform;

/* ---- outputs to the board ------------------------------------------------- */

/* 0xCF9, the i8042's reset line: a machine reset, as port 0x92's. */
static void request_reset(void *opaque)
{
    PcMachine *pc = opaque;
    if (pc->reset_handler) {
        pc->reset_handler(pc->reset_opaque);
    }
}

/* The i8042's A20 output. Port 0x92 drives the same gate; as on QEMU's
 * "pc", the last one to change it wins. */
static void i8042_a20(void *opaque, int n, int level)
{
    PcMachine *pc = opaque;
    irq_set(&pc->cpu_a20, level);
}

static void power_off(void *opaque)
{
    PcPlatform *p = opaque;
    if (p->cfg.power_off) {
        p->cfg.power_off(p->cfg.power_off_opaque);
    }
}

/* SLP_TYP other than S5: the board has no sleep states (\_S5 is the only
 * one the DSDT declares, so a guest that asks went off the tables). */
static void sleep_request(void *opaque, unsigned slp_typ)
{
    PcPlatform *p = opaque;
    if (!p->told_sleep) {
        p->told_sleep = true;
        fprintf(stderr,
                "rx86: the guest asked for ACPI sleep type %u: not supported (only S5, "
                "power off); ignored\n",
                slp_typ);
    }
}

/* What a write-only PAM segment reads: the PCI side, where the BIOS alias
 * (its last 128 KiB below 1 MiB) is, else nothing (all ones). */
static uint64_t pci_side_read(void *opaque, uint64_t addr, unsigned size)
{
    PcMachine *pc = opaque;
    size_t alias = pc->bios_size < PC_BIOS_ALIAS_SIZE ? pc->bios_size : PC_BIOS_ALIAS_SIZE;
    uint64_t base = 0x100000 - alias;
    if (!pc->bios || addr < base || addr + size > 0x100000) {
        return ~0ull >> (64 - 8 * size);
    }
    uint64_t v = 0;
    memcpy(&v, pc->bios + pc->bios_size - (0x100000 - addr), size); /* little-endian host */
    return v;
}

/* fw_cfg DMA: guest RAM only (not ROM, not devices); writes also reach
 * the DRAM behind a write-only PAM segment, as the CPU's do. */
static bool dma_range(PcMachine *pc, uint64_t addr, size_t len, bool write)
{
    while (len) {
        const FlatRange *r = as_lookup(&pc->mem, addr);
        if (!r || (r->region->kind != MEM_RAM &&
                   !(write && i440fx_is_write_only_dram(&pc->platform->i440fx, r->region)))) {
            return false;
        }
        uint64_t n = r->end - addr;
        if (n >= len) {
            return true;
        }
        addr += n;
        len -= n;
    }
    return true;
}

static bool dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
    PcMachine *pc = opaque;
    if (!dma_range(pc, addr, len, false)) {
        return false;
    }
    as_read(&pc->mem, addr, buf, len);
    return true;
}

static bool dma_write(void *opaque, uint64_t addr, const void *buf, size_t len)
{
    PcMachine *pc = opaque;
    if (!dma_range(pc, addr, len, true)) {
        return false;
    }
    as_write(&pc->mem, addr, buf, len);
    pc_ram_written(pc, addr, len);
    return true;
}

/* PAM and BAR changes remap memory the CPU may have cached. */
static void memory_changed(void *opaque, uint64_t base, uint64_t size)
{
    pc_map_changed(opaque, base, size);
}

/* ---- the devices ---------------------------------------------------------- */

/* HPET first: the PIT's IRQ 0 and the RTC's IRQ 8 pass through its
 * legacy-replacement inputs (IA-PC HPET 1.0a, 2.3.9.2.2). */
static int add_hpet(PcMachine *pc, PcPlatform *p, const HwClock *clock)
{
    HpetIrqs irqs = {.isa_irq0 = pc_isa_irq(pc, 0), .isa_irq8 = pc_isa_irq(pc, 8)};
    for (unsigned i = 0; i < HPET_NUM_GSI; i++) {
        irqs.gsi[i] = pc_gsi(pc, i);
    }
    int rc = hpet_init(&p->hpet, clock, &irqs, HPET_PC_ROUTE_CAP);
    if (rc) {
        return rc;
    }
    p->hpet_ready = true;
    if (!as_add_io(&pc->mem, "hpet", HPET_BASE, HPET_MMIO_SIZE, &hpet_ops, &p->hpet,
                   PRIO_DEVICE)) {
        return -ENOMEM;
    }
    if (pc->pit) {
        pc->pit->irq0 = (IrqLine){hpet_legacy_input, &p->hpet, 0};
    }
    return 0;
}

static int add_rtc(PcMachine *pc, PcPlatform *p, const HwClock *clock)
{
    int rc = rtc_init(&p->rtc, clock, p->cfg.wall_ns,
                      (IrqLine){hpet_legacy_input, &p->hpet, RTC_ISA_IRQ});
    if (rc) {
        return rc;
    }
    p->rtc_ready = true;
    RtcPcInfo info = {.ram_below_4g = pc->ram_below_4g,
                      .ram_above_4g = pc->ram_size - pc->ram_below_4g,
                      .cpus = p->cfg.cpus};
    rc = rtc_cmos_init_pc(&p->rtc, &info);
    if (rc) {
        return rc;
    }
    if (!as_add_io(&pc->io, "rtc", RTC_PORT_BASE, 2, &rtc_ops, &p->rtc, PRIO_DEVICE)) {
        return -ENOMEM;
    }
    return 0;
}

/* The PCI bus and its three functions, the ACPI registers behind the PM
 * function. */
static int add_chipset(PcMachine *pc, PcPlatform *p, const HwClock *clock)
{
    pci_bus_init(&p->pci, &pc->mem, &pc->io, PRIO_DEVICE);
    pci_bus_connect_reset(&p->pci, request_reset, pc);
    pci_bus_connect_memory_changed(&p->pci, memory_changed, pc);
    pci_bus_connect_irq(&p->pci, piix3_pci_irq, &p->piix3);
    if (!as_add_io(&pc->io, "pci-config-address", 0xcf8, 4, &pci_config_address_ops, &p->pci,
                   PRIO_DEVICE) ||
        !as_add_io(&pc->io, "pci-config-data", 0xcfc, 4, &pci_config_data_ops, &p->pci,
                   PRIO_DEVICE)) {
        return -ENOMEM;
    }
    I440fxConfig host = {.mem = &pc->mem,
                         .low_ram = pc->ram,
                         .pam_priority = PRIO_PAM,
                         .pci_read = pci_side_read,
                         .pci_opaque = pc};
    int rc = i440fx_init(&p->i440fx, &p->pci, &host);
    if (rc) {
        return rc;
    }
    IrqLine isa[PIIX3_ISA_IRQS];
    for (unsigned i = 0; i < PIIX3_ISA_IRQS; i++) {
        isa[i] = pc_isa_irq(pc, i);
    }
    rc = piix3_init(&p->piix3, &p->pci, isa);
    if (rc) {
        return rc;
    }
    rc = acpi_pm_init(&p->acpi_pm, clock, pc_isa_irq(pc, PIIX4_PM_SCI_IRQ), power_off,
                      sleep_request, p);
    if (rc) {
        return rc;
    }
    p->acpi_pm_ready = true;
    rc = piix4_pm_init(&p->piix4_pm, &p->pci, &pc->io, &acpi_pm_ops, &p->acpi_pm, PRIO_DEVICE);
    if (rc) {
        return rc;
    }
    if (!as_add_io(&pc->io, "acpi-gpe0", ACPI_GPE0_PORT, ACPI_GPE0_SIZE, &acpi_gpe_ops,
                   &p->acpi_pm, PRIO_DEVICE)) {
        return -ENOMEM;
    }
    return 0;
}

static int add_i8042(PcMachine *pc, PcPlatform *p)
{
    i8042_init(&p->i8042, pc_isa_irq(pc, 1), pc_isa_irq(pc, 12), (IrqLine){i8042_a20, pc, 0},
               request_reset, pc);
    if (!as_add_io(&pc->io, "i8042-data", 0x60, 1, &i8042_data_ops, &p->i8042, PRIO_DEVICE) ||
        !as_add_io(&pc->io, "i8042-cmd", 0x64, 1, &i8042_cmd_ops, &p->i8042, PRIO_DEVICE)) {
        return -ENOMEM;
    }
    return 0;
}

/* fw_cfg with the items QEMU's "pc" has from the start; the VM adds the
 * kernel, initrd and command line. */
static int add_fw_cfg(PcMachine *pc, PcPlatform *p)
{
    int rc = fw_cfg_init(&p->fw_cfg, (FwCfgMemory){dma_read, dma_write, pc});
    if (rc) {
        return rc;
    }
    p->fw_cfg_ready = true;
    if (!as_add_io(&pc->io, "fw_cfg", FW_CFG_PORT_SEL, FW_CFG_IO_SIZE, &fw_cfg_io_ops,
                   &p->fw_cfg, PRIO_DEVICE) ||
        !as_add_io(&pc->io, "fw_cfg-dma", FW_CFG_PORT_DMA, FW_CFG_DMA_SIZE, &fw_cfg_dma_ops,
                   &p->fw_cfg, PRIO_DEVICE)) {
        return -ENOMEM;
    }
    rc = fw_cfg_add_i16(&p->fw_cfg, FW_CFG_NB_CPUS, (uint16_t)p->cfg.cpus);
    if (!rc) {
        rc = fw_cfg_add_i16(&p->fw_cfg, FW_CFG_MAX_CPUS, (uint16_t)p->cfg.cpus);
    }
    if (!rc) {
        rc = fw_cfg_add_i64(&p->fw_cfg, FW_CFG_RAM_SIZE, pc->ram_size);
    }
    if (!rc) {
        rc = fw_cfg_add_i16(&p->fw_cfg, FW_CFG_NOGRAPHIC, 1);
    }
    return rc;
}

int pc_add_platform(PcMachine *pc, const HwClock *clock, const PcPlatformConfig *cfg)
{
    if (pc->platform) {
        return -EBUSY;
    }
    if (cfg->cpus == 0 || cfg->cpus > ACPI_MAX_CPUS) {
        return -EINVAL;
    }
    PcPlatform *p = calloc(1, sizeof(*p));
    if (!p) {
        return -ENOMEM;
    }
    p->pc = pc;
    p->cfg = *cfg;
    pc->platform = p;
    int rc = add_hpet(pc, p, clock);
    if (!rc) {
        rc = add_rtc(pc, p, clock);
    }
    if (!rc) {
        rc = add_chipset(pc, p, clock);
    }
    if (!rc) {
        rc = add_i8042(pc, p);
    }
    if (!rc) {
        rc = add_fw_cfg(pc, p);
    }
    return rc; /* on failure pc_destroy frees what was made */
}

/* ---- the firmware's part -------------------------------------------------- */

static int write_acpi_tables(PcMachine *pc, PcPlatform *p)
{
    static AcpiConfig acpi;
    acpi_config_pc(&acpi, p->cfg.cpus, (uint32_t)pc->ram_below_4g);
    acpi.uart_mask = p->cfg.uart_mask;
    uint64_t base = pc->ram_below_4g - PC_ACPI_AREA_SIZE;
    static uint8_t buf[PC_ACPI_AREA_SIZE];
    AcpiTablesLayout layout;
    int rc = acpi_build_tables(&acpi, base, buf, sizeof(buf), &layout);
    if (rc) {
        return rc;
    }
    rc = as_load_image(&pc->mem, base, buf, layout.size);
    if (!rc) {
        rc = as_load_image(&pc->mem, PC_RSDP_COPY_ADDR, buf + layout.rsdp_offset, ACPI_RSDP_SIZE);
    }
    if (rc) {
        return rc;
    }
    pc->acpi_base = base;
    pc->acpi_size = PC_ACPI_AREA_SIZE;
    pc->acpi_rsdp = layout.rsdp_addr;
    return 0;
}

int pc_platform_firmware_setup(PcMachine *pc)
{
    PcPlatform *p = pc->platform;
    if (!p) {
        return 0;
    }
    if (pc->ram_below_4g < 2 * PC_ACPI_AREA_SIZE + 0x100000) {
        return -ENOMEM;
    }
    int rc = write_acpi_tables(pc, p);
    if (rc) {
        return rc;
    }
    pthread_mutex_lock(&pc->lock);
    piix4_pm_firmware_setup(&p->piix4_pm, PC_PM_BASE);
    /* SeaBIOS's routing: PIRQA-D to IRQ 10, 10, 11, 11, each level-
     * triggered, as is the SCI on IRQ 9 (ELCR2 bits 1-3). */
    static const int pirq_irq[PIIX3_PIRQ_COUNT] = {10, 10, 11, 11};
    for (unsigned i = 0; i < PIIX3_PIRQ_COUNT; i++) {
        piix3_set_pirq_route(&p->piix3, i, pirq_irq[i]);
    }
    PicChip *slave = &pc->pic->chip[1];
    slave->elcr |= 0x0e & slave->elcr_mask;
    /* The keyboard controller's command byte as SeaBIOS leaves it: the
     * keyboard interrupt on, the mouse port off, set 2 translated to set 1
     * (Linux then finds an "AT Translated Set 2 keyboard", as on QEMU). */
    p->i8042.ram[0] = I8042_CTR_KBD_INT | I8042_CTR_AUX_DISABLE | I8042_CTR_XLATE;
    pthread_mutex_unlock(&pc->lock);
    return 0;
}

struct FwCfg *pc_platform_fw_cfg(PcMachine *pc)
{
    return pc->platform && pc->platform->fw_cfg_ready ? &pc->platform->fw_cfg : NULL;
}

/* ---- reset and teardown --------------------------------------------------- */

void pc_platform_reset(PcMachine *pc)
{
    PcPlatform *p = pc->platform;
    if (!p) {
        return;
    }
    if (p->hpet_ready) {
        hpet_reset(&p->hpet);
    }
    if (p->rtc_ready) {
        rtc_reset(&p->rtc);
        /* A machine reset clears the shutdown status byte, unless it holds
         * the S3 resume code 0xFE (as QEMU's "pc" does). */
        if (rtc_cmos_get(&p->rtc, 0x0f) != 0xfe && rtc_cmos_set(&p->rtc, 0x0f, 0) != 0) {
            abort(); /* 0x0F is a RAM byte: cannot fail */
        }
    }
    if (p->acpi_pm_ready) {
        pci_bus_reset(&p->pci);
        acpi_pm_reset(&p->acpi_pm);
        i8042_reset(&p->i8042);
    }
    if (p->fw_cfg_ready) {
        fw_cfg_reset(&p->fw_cfg);
    }
}

void pc_platform_destroy(PcMachine *pc)
{
    PcPlatform *p = pc->platform;
    if (!p) {
        return;
    }
    if (p->fw_cfg_ready) {
        fw_cfg_destroy(&p->fw_cfg);
    }
    if (p->acpi_pm_ready) {
        acpi_pm_destroy(&p->acpi_pm);
    }
    if (p->rtc_ready) {
        rtc_destroy(&p->rtc);
    }
    if (p->hpet_ready) {
        hpet_destroy(&p->hpet);
    }
    free(p);
    pc->platform = NULL;
}

bool pc_platform_nmi_masked(const PcMachine *pc)
{
    return pc->platform && pc->platform->rtc_ready && rtc_nmi_masked(&pc->platform->rtc);
}
