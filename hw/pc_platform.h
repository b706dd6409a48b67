/*
 * The PC's platform devices beyond the interrupt controllers and the PIT,
 * wired as on QEMU's "pc" machine (i440FX + PIIX3, with the PIIX4 power
 * management function at 00:01.3), which kernels are tested against:
 *   HPET         0xFED00000; legacy replacement takes over ISA IRQ 0 (the
 *                PIT's) and 8 (the RTC's), so both pass through it
 *   RTC/CMOS     ports 0x70-0x71, ISA IRQ 8; CMOS filled as QEMU does
 *   PCI          0xCF8/0xCFC, the reset control register 0xCF9; 00:00.0
 *                the i440FX, 00:01.0 the PIIX3, 00:01.3 the PM function
 *   ACPI PM      PM1 events/control and the PM timer at the PIIX4's PMBA,
 *                GPE0 at 0xAFE0, SCI on ISA IRQ 9; S5 powers off
 *   i8042        0x60/0x64, IRQ 1 and 12; A20 and the reset line
 *   fw_cfg       0x510/0x511, DMA at 0x514
 * The board resets and frees them with itself (pc_reset, pc_destroy).
 *
 * Direct boot has no firmware, so rx86 does the firmware's part
 * (pc_platform_firmware_setup): the ACPI tables in RAM, the PM block at
 * 0x600, PCI interrupt routing and edge/level control as SeaBIOS leaves
 * them. With -bios the firmware does all that itself.
 */
#ifndef RX86_HW_PC_PLATFORM_H
#define RX86_HW_PC_PLATFORM_H

#include "hw/hw.h"

struct FwCfg;

typedef struct PcPlatformConfig {
    unsigned cpus;   /* at boot, for the CMOS, fw_cfg and ACPI */
    int64_t wall_ns; /* the host's date at creation (ns since 1970, UTC) */
    uint8_t uart_mask; /* bit n: COMn+1 will exist (for the ACPI tables) */
    /* ACPI S5 (soft off) was requested; any thread, device lock held. */
    void (*power_off)(void *opaque);
    void *power_off_opaque;
} PcPlatformConfig;

/* Bytes the ACPI tables get at the top of low RAM (e820 type ACPI). */
#define PC_ACPI_AREA_SIZE (64u * 1024)
/* Where direct boot puts a copy of the RSDP for OSes that scan for it. */
#define PC_RSDP_COPY_ADDR 0xf0000u
#define PC_PM_BASE 0x600u

/*
 * Add the platform devices to pc, after the PIT (pc_add_pit): their timers
 * run on clock. Returns 0, -EBUSY if added already, -EINVAL for a bad
 * config, or -ENOMEM.
 */
int pc_add_platform(PcMachine *pc, const HwClock *clock, const PcPlatformConfig *cfg)
    __attribute__((warn_unused_result));

/*
 * The firmware's part for direct boot, after each machine reset too:
 * writes the ACPI tables (setting pc->acpi_base, acpi_size, acpi_rsdp for
 * the loader's memory map), enables the PM block at PC_PM_BASE, routes
 * PIRQA-D to IRQ 10, 10, 11, 11, makes IRQs 9-11 level-triggered in the
 * ELCR and sets the keyboard controller's command byte, as SeaBIOS does.
 * Returns 0 or -errno.
 */
int pc_platform_firmware_setup(PcMachine *pc) __attribute__((warn_unused_result));

/* The fw_cfg device, for the items the VM adds (kernel, command line). */
struct FwCfg *pc_platform_fw_cfg(PcMachine *pc);

/* For the board (pc_reset with the device lock held, pc_destroy); both do
 * nothing without a platform. */
void pc_platform_reset(PcMachine *pc);
void pc_platform_destroy(PcMachine *pc);

/* Whether the RTC's index register masks NMIs (port 0x70 bit 7); false
 * without a platform. Call with the device lock held. */
bool pc_platform_nmi_masked(const PcMachine *pc);

#endif
