/*
 * ACPI fixed hardware of the PIIX4 (82371AB datasheet, "Power Management
 * Registers"; ACPI 6.4, 4.8 "ACPI Hardware Features" and 4.8.3 "Fixed
 * hardware registers"), in the 64-byte block at the PIIX4's PMBA (0x600
 * once firmware, or piix4_pm_firmware_setup(), has set it), plus the
 * general-purpose event block QEMU gives its PIIX4 at port 0xAFE0:
 *
 *   PMBA + 0  PM1a_STS (16)  TMR_STS 0, BM_STS 4, GBL_STS 5, PWRBTN_STS 8,
 *                            RTC_STS 10, WAK_STS 15; write 1 to clear
 *   PMBA + 2  PM1a_EN (16)   TMR_EN 0, GBL_EN 5, PWRBTN_EN 8, RTC_EN 10
 *   PMBA + 4  PM1a_CNT (16)  SCI_EN 0, BM_RLD 1, GBL_RLS 2 (write-only),
 *                            SLP_TYP 12:10, SLP_EN 13 (write-only)
 *   PMBA + 8  PM_TMR (32)    24-bit counter at 3.579545 MHz, read-only
 *   0xAFE0    GPE0_STS (2 bytes, write 1 to clear), GPE0_EN (2 bytes)
 *
 * The timer runs from the board clock's zero (it is not reset with the
 * machine, as QEMU's). TMR_STS is set each time bit 23 of the counter
 * toggles, every 2^23 ticks (2.34 s). The SCI is a level: high while
 * SCI_EN and an enabled status bit (PM1 or GPE0) are set; the board routes
 * it to ISA IRQ 9 (level-triggered in the ELCR, active high).
 *
 * Writing SLP_EN starts a sleep of type SLP_TYP: type 0 is S5, soft-off
 * (the DSDT's \_S5 package must hold 0, as QEMU's does): the power_off
 * callback runs. Any other type is not supported: the sleep callback hears
 * it (with the type) and nothing else happens, so the DSDT should declare
 * no \_S1-\_S4.
 *
 * Differences from QEMU 7.2's PIIX4 (compared with a bare-metal program):
 * SCI_EN is set at reset and there is no SMI command port, so ACPI is
 * always enabled (the FADT must say SMI_CMD = 0); QEMU resets SCI_EN to 0
 * and sets it on a write of 0xF1 to port 0xB2. QEMU sets TMR_STS at reset
 * and accepts only word accesses to PM1 and writes to all 16 bits of
 * PM1_EN and PM1_CNT; here TMR_STS waits for bit 23 to toggle, bytes and
 * words are accepted, and reserved bits read 0. The SCI is gated by SCI_EN
 * (QEMU ignores it). QEMU sets PWRBTN_STS only while PWRBTN_EN is set;
 * here the status is set either way, the enable gates the SCI (ACPI
 * 4.8.3.1). Unclaimed ports in the block read all ones, as on QEMU.
 */
#ifndef RX86_HW_ACPI_PM_H
#define RX86_HW_ACPI_PM_H

#include "hw/hw.h"

#define ACPI_PM_TIMER_HZ 3579545 /* 14.31818 MHz / 4 */
#define ACPI_PM_BLOCK_SIZE 64
#define ACPI_GPE0_PORT 0xafe0
#define ACPI_GPE0_SIZE 4
#define ACPI_SCI_IRQ 9

/* Register offsets in the PM block. */
#define ACPI_PM1_STS 0x00
#define ACPI_PM1_EN 0x02
#define ACPI_PM1_CNT 0x04
#define ACPI_PM_TMR 0x08

/* PM1_STS and PM1_EN bits (ACPI 6.4, tables 4.16 and 4.17). */
#define ACPI_PM1_TMR 0x0001
#define ACPI_PM1_BM_STS 0x0010
#define ACPI_PM1_GBL 0x0020
#define ACPI_PM1_PWRBTN 0x0100
#define ACPI_PM1_RTC 0x0400
#define ACPI_PM1_WAK_STS 0x8000

/* PM1_CNT bits (ACPI 6.4, table 4.18). */
#define ACPI_PM1_CNT_SCI_EN 0x0001
#define ACPI_PM1_CNT_BM_RLD 0x0002
#define ACPI_PM1_CNT_GBL_RLS 0x0004
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_TYP 0x1c00
#define ACPI_PM1_CNT_SLP_EN 0x2000
#define ACPI_SLP_TYP_S5 0

typedef struct AcpiPm {
    HwClock clock;
    HwTimer *timer; /* at the next bit-23 toggle, while it would raise the SCI */
    IrqLine sci;
    int sci_level;
    uint16_t pm1_sts, pm1_en, pm1_cnt;
    int64_t next_toggle; /* timer tick at which TMR_STS is next set */
    uint8_t gpe_sts[ACPI_GPE0_SIZE / 2];
    uint8_t gpe_en[ACPI_GPE0_SIZE / 2];
    void (*power_off)(void *opaque);               /* S5 requested */
    void (*sleep)(void *opaque, unsigned slp_typ); /* any other SLP_TYP */
    void *opaque;
} AcpiPm;

/*
 * The registers on the board's clock, the SCI going out on sci. power_off
 * and sleep (either may be NULL) get opaque. Returns 0 or -ENOMEM.
 */
int acpi_pm_init(AcpiPm *pm, const HwClock *clock, IrqLine sci, void (*power_off)(void *opaque),
                 void (*sleep)(void *opaque, unsigned slp_typ), void *opaque)
    __attribute__((warn_unused_result));
void acpi_pm_destroy(AcpiPm *pm);
/* Power-on state: status and enables 0, SCI_EN set, SCI low. */
void acpi_pm_reset(AcpiPm *pm);

/* The PM block (ACPI_PM_BLOCK_SIZE ports, moved by the PIIX4's PMBA);
 * opaque is the AcpiPm. */
extern const MemOps acpi_pm_ops;
/* GPE0 at ACPI_GPE0_PORT (ACPI_GPE0_SIZE ports); opaque is the AcpiPm. */
extern const MemOps acpi_gpe_ops;

/* The power button was pressed (the host's "system_powerdown"). */
void acpi_pm_power_button(AcpiPm *pm);
/* A general-purpose event: set status bit n (0-15) of GPE0. */
void acpi_pm_gpe_event(AcpiPm *pm, unsigned n);
/* PM_TMR now (24 bits). */
uint32_t acpi_pm_timer(AcpiPm *pm);

#endif
