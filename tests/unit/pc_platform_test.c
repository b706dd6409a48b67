/* The platform on the board, seen through the ports and MMIO a guest uses:
 * the firmware's part of direct boot (ACPI tables and the RSDP copy, the PM
 * block at 0x600, PIRQ routing, ELCR, the i8042 command byte), the PCI
 * functions' IDs, the HPET and RTC, fw_cfg's items (signature, CPUs, the
 * kernel split as QEMU does, the command line, etc/e820), and the outputs:
 * ACPI S5 powers off, 0xCF9 and the i8042's 0xFE reset. */
#include "hw/fw_cfg.h"
#include "hw/pc_platform.h"
#include "system/fw_cfg_boot.h"
#include "system/timer.h"
#include "tests/unit/check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIB (1024ull * 1024)

static int power_offs, resets;

static void on_power_off(void *opaque)
{
    (void)opaque;
    power_offs++;
}

static void on_reset(void *opaque)
{
    (void)opaque;
    resets++;
}

static uint32_t pci_read(PcMachine *pc, unsigned devfn, unsigned offset, unsigned size)
{
    pc_port_write(pc, 0xcf8, 0x80000000u | devfn << 8 | (offset & 0xfc), 4);
    return (uint32_t)pc_port_read(pc, (uint16_t)(0xcfc + (offset & 3)), size);
}

/* fw_cfg: select key, read len bytes through the data port. */
static void fw_read(PcMachine *pc, uint16_t key, void *buf, size_t len)
{
    pc_port_write(pc, FW_CFG_PORT_SEL, key, 2);
    for (size_t i = 0; i < len; i++) {
        ((uint8_t *)buf)[i] = (uint8_t)pc_port_read(pc, FW_CFG_PORT_SEL + 1, 1);
    }
}

static uint32_t fw_read32(PcMachine *pc, uint16_t key)
{
    uint8_t b[4];
    fw_read(pc, key, b, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* The key of a fw_cfg file by name (the directory is big-endian), or 0. */
static uint16_t fw_file_key(PcMachine *pc, const char *name, uint32_t *size)
{
    uint8_t count[4];
    fw_read(pc, FW_CFG_FILE_DIR, count, 4);
    uint32_t n = (uint32_t)count[0] << 24 | (uint32_t)count[1] << 16 | count[2] << 8 | count[3];
    for (uint32_t i = 0; i < n; i++) {
        uint8_t e[FW_CFG_DIR_ENTRY_SIZE];
        for (size_t j = 0; j < sizeof(e); j++) {
            e[j] = (uint8_t)pc_port_read(pc, FW_CFG_PORT_SEL + 1, 1);
        }
        if (strcmp((const char *)e + 8, name) == 0) {
            *size = (uint32_t)e[0] << 24 | (uint32_t)e[1] << 16 | e[2] << 8 | e[3];
            return (uint16_t)(e[4] << 8 | e[5]);
        }
    }
    return 0;
}

static const char *write_bzimage(void)
{
    static char path[] = "/tmp/rx86-platform-XXXXXX";
    int fd = mkstemp(path);
    uint8_t img[3 * 512 + 100] = {0};
    img[0x1f1] = 2; /* setup_sects: 3 sectors of setup with the boot sector */
    img[0x1fe] = 0x55;
    img[0x1ff] = 0xaa;
    memcpy(img + 0x202, "HdrS", 4);
    CHECK(write(fd, img, sizeof(img)) == (ssize_t)sizeof(img));
    close(fd);
    return path;
}

int main(void)
{
    PcMachine pc;
    CHECK(pc_init(&pc, 128 * MIB) == 0);
    TimerList timers;
    CHECK(timer_list_init(&timers, &pc.lock) == 0);
    HwClock clock = timer_hw_clock(&timers);
    CHECK(pc_add_pit(&pc, &clock) == 0);
    pc_connect_reset(&pc, on_reset, NULL);
    PcPlatformConfig pcfg = {.cpus = 1, .wall_ns = 0, .uart_mask = 1, .power_off = on_power_off};
    CHECK(pc_add_platform(&pc, &clock, &pcfg) == 0);
    CHECK(pc_add_platform(&pc, &clock, &pcfg) == -EBUSY);

    /* Before the firmware's part: no ACPI, the PM block not decoded. */
    CHECK_EQ(pc.acpi_size, 0);
    CHECK_EQ(pc_port_read(&pc, PC_PM_BASE + 8, 4), 0xffffffffu);
    CHECK(pc_platform_firmware_setup(&pc) == 0);

    /* ACPI tables on top of low RAM; the RSDP there and copied to 0xF0000. */
    CHECK_EQ(pc.acpi_base, 128 * MIB - PC_ACPI_AREA_SIZE);
    CHECK_EQ(pc.acpi_size, PC_ACPI_AREA_SIZE);
    CHECK(pc.acpi_rsdp >= pc.acpi_base && pc.acpi_rsdp < pc.acpi_base + pc.acpi_size);
    char sig[9] = {0};
    as_read(&pc.mem, pc.acpi_rsdp, sig, 8);
    CHECK(strcmp(sig, "RSD PTR ") == 0);
    as_read(&pc.mem, PC_RSDP_COPY_ADDR, sig, 8);
    CHECK(strcmp(sig, "RSD PTR ") == 0);

    /* The PM timer at 0x608 counts (24 bits). */
    uint32_t t0 = (uint32_t)pc_port_read(&pc, PC_PM_BASE + 8, 4);
    usleep(2000);
    uint32_t t1 = (uint32_t)pc_port_read(&pc, PC_PM_BASE + 8, 4);
    CHECK(t0 <= 0xffffff && t1 <= 0xffffff && t1 != t0);

    /* PCI: the i440FX, the PIIX3 and its PM function with PMBA = 0x600. */
    CHECK_EQ(pci_read(&pc, 0x00, 0, 4), 0x12378086u);
    CHECK_EQ(pci_read(&pc, 0x08, 0, 4), 0x70008086u);
    CHECK_EQ(pci_read(&pc, 0x0b, 0, 4), 0x71138086u);
    CHECK_EQ(pci_read(&pc, 0x0b, 0x40, 4) & 0xffc0, PC_PM_BASE);
    CHECK_EQ(pci_read(&pc, 0x08, 0x60, 4), 0x0b0b0a0au); /* PIRQA-D: 10, 10, 11, 11 */
    CHECK_EQ(pc_port_read(&pc, 0x4d1, 1) & 0x0e, 0x0e);  /* ELCR2: IRQ 9-11 level */

    /* The i8042's command byte as SeaBIOS leaves it (command 0x20). */
    pc_port_write(&pc, 0x64, 0x20, 1);
    CHECK_EQ(pc_port_read(&pc, 0x60, 1), 0x61);

    /* The HPET's capabilities (QEMU's), the RTC's register D (VRT). */
    uint32_t cap;
    pc_mmio_read(&pc, 0xfed00000, &cap, 4);
    CHECK_EQ(cap, 0x8086a201u);
    pc_port_write(&pc, 0x70, 0x0d, 1);
    CHECK_EQ(pc_port_read(&pc, 0x71, 1), 0x80);

    /* fw_cfg: the signature, the CPUs, the RAM, then the boot items. */
    char qemu[5] = {0};
    fw_read(&pc, FW_CFG_SIGNATURE, qemu, 4);
    CHECK(strcmp(qemu, "QEMU") == 0);
    CHECK_EQ(fw_read32(&pc, FW_CFG_NB_CPUS) & 0xffff, 1);
    CHECK_EQ(fw_read32(&pc, FW_CFG_RAM_SIZE), 128 * MIB);
    VmConfig cfg = {.kernel = write_bzimage(), .append = "console=ttyS0"};
    char err[256] = "";
    CHECK(fw_cfg_add_boot_items(pc_platform_fw_cfg(&pc), &pc, &cfg, err, sizeof(err)) == 0);
    CHECK_EQ(fw_read32(&pc, FW_CFG_SETUP_SIZE), 3 * 512);
    CHECK_EQ(fw_read32(&pc, FW_CFG_KERNEL_SIZE), 100);
    CHECK_EQ(fw_read32(&pc, FW_CFG_CMDLINE_SIZE), 14);
    char line[14];
    fw_read(&pc, FW_CFG_CMDLINE_DATA, line, sizeof(line));
    CHECK(strcmp(line, "console=ttyS0") == 0);
    uint32_t e820_size = 0;
    uint16_t key = fw_file_key(&pc, "etc/e820", &e820_size);
    CHECK(key >= FW_CFG_FILE_FIRST);
    CHECK_EQ(e820_size % 20, 0);
    uint8_t first[20];
    fw_read(&pc, key, first, sizeof(first));
    CHECK_EQ(first[8] | first[9] << 8 | first[10] << 16, 0x9fc00); /* 0 - 639 KiB, RAM */
    CHECK_EQ(first[16], 1);
    unlink(cfg.kernel);

    /* ACPI S5 (SLP_TYP 0, SLP_EN) powers off; 0xCF9 and 0xFE reset. */
    pc_port_write(&pc, PC_PM_BASE + 4, 1u << 13, 2);
    CHECK_EQ(power_offs, 1);
    pc_port_write(&pc, 0xcf9, 0x02, 1);
    pc_port_write(&pc, 0xcf9, 0x06, 1);
    CHECK_EQ(resets, 1);
    pc_port_write(&pc, 0x64, 0xfe, 1);
    CHECK_EQ(resets, 2);

    /* A machine reset turns the PM block off again; the firmware's part
     * brings it back. */
    pc_reset(&pc);
    CHECK_EQ(pc_port_read(&pc, PC_PM_BASE + 8, 4), 0xffffffffu);
    CHECK(pc_platform_firmware_setup(&pc) == 0);
    CHECK(pc_port_read(&pc, PC_PM_BASE + 8, 4) <= 0xffffff);

    pc_destroy(&pc);
    timer_list_destroy(&timers);
    return check_report("pc_platform_test");
}
