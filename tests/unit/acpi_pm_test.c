/* ACPI fixed hardware of the PIIX4 (hw/acpi_pm.c) on a simulated clock:
 * the PM timer's rate and 24-bit wrap, TMR_STS at each toggle of bit 23,
 * the SCI level with its enables, PM1 write-1-to-clear, the S5 soft-off
 * and unsupported sleep types, and GPE0. The register behaviour marked
 * "QEMU" was read from QEMU 7.2's PIIX4 by a bare-metal program. */
#include "hw/acpi_pm.h"
#include "tests/unit/check.h"
#include "tests/unit/sim_clock.h"

#include <string.h>

/* The first ns of PM timer tick t. */
static int64_t ns_of(int64_t t)
{
    return (int64_t)(((__int128)t * 1000000000 + ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ);
}

/* ---- the device and what it drove ---- */

static AcpiPm pm;
static int sci_level, sci_edges, power_offs, sleeps;
static unsigned last_sleep_type;

static void sci(void *opaque, int n, int level)
{
    if (level && !sci_level) {
        sci_edges++;
    }
    sci_level = level;
}

static void power_off(void *opaque)
{
    power_offs++;
}

static void sleep_req(void *opaque, unsigned typ)
{
    sleeps++;
    last_sleep_type = typ;
}

static uint32_t rd(unsigned off, unsigned size)
{
    return (uint32_t)acpi_pm_ops.read(&pm, off, size);
}

static void wr(unsigned off, uint32_t v, unsigned size)
{
    acpi_pm_ops.write(&pm, off, v, size);
}

static void test_timer(void)
{
    sim_advance_to(0);
    CHECK_EQ(rd(ACPI_PM_TMR, 4), 0);
    /* 3.579545 MHz: ticks = ns * 3579545 / 10^9, rounded down. */
    sim_advance_to(1000000);
    CHECK_EQ(rd(ACPI_PM_TMR, 4), 3579);
    sim_advance_to(1000000000);
    CHECK_EQ(rd(ACPI_PM_TMR, 4), 3579545);
    CHECK_EQ(acpi_pm_timer(&pm), 3579545);
    /* Byte and word reads see the same counter's bytes. */
    CHECK_EQ(rd(ACPI_PM_TMR + 1, 1), (3579545 >> 8) & 0xff);
    CHECK_EQ(rd(ACPI_PM_TMR + 2, 2), 3579545 >> 16);
    /* 24 bits (TMR_VAL_EXT = 0): bits 31:24 read 0, and it wraps. */
    sim_advance_to(ns_of(0xffffff));
    CHECK_EQ(rd(ACPI_PM_TMR, 4), 0xffffff);
    sim_advance_to(ns_of(0x1000000));
    CHECK_EQ(rd(ACPI_PM_TMR, 4), 0);
    sim_advance_to(10ll * 1000000000);
    CHECK_EQ(rd(ACPI_PM_TMR, 4), (35795450 & 0xffffff));
    CHECK_EQ(rd(ACPI_PM_TMR + 3, 1), 0);
    /* Read-only. */
    wr(ACPI_PM_TMR, 0, 4);
    CHECK_EQ(rd(ACPI_PM_TMR, 4), (35795450 & 0xffffff));
}

static void test_tmr_sts(void)
{
    int64_t base = 0x3000000; /* a tick where bit 23 has just toggled */
    sim_advance_to(ns_of(base));
    acpi_pm_reset(&pm);
    CHECK_EQ(rd(ACPI_PM1_STS, 2), 0); /* QEMU sets it at reset; here it waits */
    /* Set when bit 23 toggles (0 -> 1 here), not a tick before. */
    sim_advance_to(ns_of(base + 0x800000) - 1);
    CHECK_EQ(rd(ACPI_PM1_STS, 2), 0);
    sim_advance_to(ns_of(base + 0x800000));
    CHECK_EQ(rd(ACPI_PM1_STS, 2), ACPI_PM1_TMR);
    /* Stays set; write 1 clears it; writing 0 does not. */
    sim_advance_to(ns_of(base + 0x900000));
    wr(ACPI_PM1_STS, 0, 2);
    CHECK_EQ(rd(ACPI_PM1_STS, 2), ACPI_PM1_TMR);
    wr(ACPI_PM1_STS, ACPI_PM1_TMR, 2);
    CHECK_EQ(rd(ACPI_PM1_STS, 2), 0);
    /* Set again at the next toggle (1 -> 0, the counter at 0x1000000). */
    sim_advance_to(ns_of(base + 0xffffff));
    CHECK_EQ(rd(ACPI_PM1_STS, 2), 0);
    sim_advance_to(ns_of(base + 0x1000000));
    CHECK_EQ(rd(ACPI_PM1_STS, 2), ACPI_PM1_TMR);
    CHECK_EQ(rd(ACPI_PM_TMR, 4) & 0x800000, 0);
    /* Several toggles while nobody looks: still one bit. A clear written
     * after them clears it (the toggles came before the write). */
    sim_advance_to(ns_of(base + 0x3800000));
    wr(ACPI_PM1_STS, 0xffff, 2);
    CHECK_EQ(rd(ACPI_PM1_STS, 2), 0);
    CHECK_EQ(sci_edges, 0); /* TMR_EN was never set */
}

static void test_sci(void)
{
    int64_t base = 0x7000000; /* after test_tmr_sts: the clock only moves on */
    sim_advance_to(ns_of(base));
    acpi_pm_reset(&pm);
    sci_edges = 0;
    CHECK_EQ(rd(ACPI_PM1_CNT, 2), ACPI_PM1_CNT_SCI_EN);
    CHECK_EQ(sci_level, 0);
    /* TMR_EN: the SCI rises at the toggle by itself (the armed timer). */
    wr(ACPI_PM1_EN, ACPI_PM1_TMR, 2);
    CHECK_EQ(rd(ACPI_PM1_EN, 2), ACPI_PM1_TMR);
    sim_advance_to(ns_of(base + 0x7fffff));
    CHECK_EQ(sci_level, 0);
    sim_advance_to(ns_of(base + 0x800000) + 5);
    CHECK_EQ(sci_level, 1);
    CHECK_EQ(sci_edges, 1);
    /* It is a level: it stays up until the status is cleared. */
    sim_advance_to(ns_of(base + 0x900000));
    CHECK_EQ(sci_level, 1);
    wr(ACPI_PM1_STS, ACPI_PM1_TMR, 2);
    CHECK_EQ(sci_level, 0);
    sim_advance_to(ns_of(base + 0x1000000));
    CHECK_EQ(sci_level, 1);
    CHECK_EQ(sci_edges, 2);
    /* Disabling the event drops the SCI; the status stays. */
    wr(ACPI_PM1_EN, 0, 2);
    CHECK_EQ(sci_level, 0);
    CHECK_EQ(rd(ACPI_PM1_STS, 2), ACPI_PM1_TMR);
    wr(ACPI_PM1_EN, ACPI_PM1_TMR, 2);
    CHECK_EQ(sci_level, 1);
    /* SCI_EN clear: no SCI (the events would go to SMI, which the PC
     * here does not have). */
    wr(ACPI_PM1_CNT, 0, 2);
    CHECK_EQ(sci_level, 0);
    wr(ACPI_PM1_CNT, ACPI_PM1_CNT_SCI_EN, 2);
    CHECK_EQ(sci_level, 1);
    wr(ACPI_PM1_STS, ACPI_PM1_TMR, 2);
    CHECK_EQ(sci_level, 0);

    /* The power button: status whatever the enable, SCI with it. */
    wr(ACPI_PM1_EN, 0, 2);
    acpi_pm_power_button(&pm);
    CHECK_EQ(rd(ACPI_PM1_STS, 2) & ACPI_PM1_PWRBTN, ACPI_PM1_PWRBTN);
    CHECK_EQ(sci_level, 0);
    wr(ACPI_PM1_EN, ACPI_PM1_PWRBTN, 2);
    CHECK_EQ(sci_level, 1);
    /* Write-1-to-clear through the high byte alone. */
    wr(ACPI_PM1_STS + 1, 0x00, 1);
    CHECK_EQ(sci_level, 1);
    wr(ACPI_PM1_STS + 1, ACPI_PM1_PWRBTN >> 8, 1);
    CHECK_EQ(rd(ACPI_PM1_STS, 2) & ACPI_PM1_PWRBTN, 0);
    CHECK_EQ(sci_level, 0);
    /* A dword read at 0 is PM1_STS and PM1_EN together. */
    CHECK_EQ(rd(0, 4), (uint32_t)ACPI_PM1_PWRBTN << 16);
    wr(ACPI_PM1_EN, 0, 2);
}

static void test_registers(void)
{
    acpi_pm_reset(&pm);
    /* PM1_EN: TMR_EN, GBL_EN, PWRBTN_EN, RTC_EN (QEMU keeps all 16). */
    wr(ACPI_PM1_EN, 0xffff, 2);
    CHECK_EQ(rd(ACPI_PM1_EN, 2), 0x0521);
    wr(ACPI_PM1_EN + 1, 0x00, 1);
    CHECK_EQ(rd(ACPI_PM1_EN, 2), 0x0021);
    wr(ACPI_PM1_EN, 0, 2);
    /* PM1_CNT keeps SCI_EN, BM_RLD, SLP_TYP; GBL_RLS and SLP_EN read 0. */
    wr(ACPI_PM1_CNT, 0x1c07, 2);
    CHECK_EQ(rd(ACPI_PM1_CNT, 2), 0x1c03);
    CHECK_EQ(rd(ACPI_PM1_CNT + 1, 1), 0x1c);
    CHECK_EQ(power_offs, 0);
    CHECK_EQ(sleeps, 0);
    wr(ACPI_PM1_CNT, ACPI_PM1_CNT_SCI_EN, 2);
    /* Ports of the 64-byte block beyond PM_TMR read all ones (QEMU). */
    CHECK_EQ(rd(0x0c, 4), 0xffffffff);
    CHECK_EQ(rd(0x3c, 4), 0xffffffff);
    CHECK_EQ(rd(0x06, 2), 0xffff);
}

static void test_sleep(void)
{
    acpi_pm_reset(&pm);
    /* Linux's S5: SLP_TYP first, then SLP_TYP | SLP_EN (SCI_EN kept). */
    wr(ACPI_PM1_CNT, ACPI_PM1_CNT_SCI_EN | (ACPI_SLP_TYP_S5 << 10), 2);
    CHECK_EQ(power_offs, 0);
    wr(ACPI_PM1_CNT, ACPI_PM1_CNT_SCI_EN | (ACPI_SLP_TYP_S5 << 10) | ACPI_PM1_CNT_SLP_EN, 2);
    CHECK_EQ(power_offs, 1);
    CHECK_EQ(sleeps, 0);
    CHECK_EQ(rd(ACPI_PM1_CNT, 2), ACPI_PM1_CNT_SCI_EN);
    /* Through the high byte alone, SLP_TYP from that byte. */
    wr(ACPI_PM1_CNT + 1, ACPI_PM1_CNT_SLP_EN >> 8, 1);
    CHECK_EQ(power_offs, 2);
    /* Other sleep types are not supported: reported, nothing else. */
    wr(ACPI_PM1_CNT, (5 << 10) | ACPI_PM1_CNT_SLP_EN | ACPI_PM1_CNT_SCI_EN, 2);
    CHECK_EQ(power_offs, 2);
    CHECK_EQ(sleeps, 1);
    CHECK_EQ(last_sleep_type, 5);
    CHECK_EQ(rd(ACPI_PM1_CNT, 2), (5 << 10) | ACPI_PM1_CNT_SCI_EN);
    wr(ACPI_PM1_CNT + 1, (1 << 2) | (ACPI_PM1_CNT_SLP_EN >> 8), 1);
    CHECK_EQ(sleeps, 2);
    CHECK_EQ(last_sleep_type, 1);
    /* SLP_TYP without SLP_EN does nothing. */
    wr(ACPI_PM1_CNT, 7 << 10, 2);
    CHECK_EQ(sleeps, 2);
    CHECK_EQ(power_offs, 2);
}

static void test_gpe(void)
{
    acpi_pm_reset(&pm);
    /* QEMU: 0 at reset; all ones written: status stays 0, enables FFFF. */
    CHECK_EQ(acpi_gpe_ops.read(&pm, 0, 4), 0);
    acpi_gpe_ops.write(&pm, 0, 0xffffffff, 4);
    CHECK_EQ(acpi_gpe_ops.read(&pm, 0, 4), 0xffff0000);
    acpi_gpe_ops.write(&pm, 0, 0, 4);
    /* An event: status bit, SCI once enabled, write 1 to clear. */
    acpi_pm_gpe_event(&pm, 9);
    CHECK_EQ(acpi_gpe_ops.read(&pm, 0, 2), 0x0200);
    CHECK_EQ(sci_level, 0);
    acpi_gpe_ops.write(&pm, 3, 0x02, 1);
    CHECK_EQ(acpi_gpe_ops.read(&pm, 2, 2), 0x0200);
    CHECK_EQ(sci_level, 1);
    acpi_gpe_ops.write(&pm, 1, 0x00, 1);
    CHECK_EQ(sci_level, 1);
    acpi_gpe_ops.write(&pm, 1, 0x02, 1);
    CHECK_EQ(sci_level, 0);
    CHECK_EQ(acpi_gpe_ops.read(&pm, 0, 4), 0x02000000);
    acpi_pm_gpe_event(&pm, 16); /* no such bit */
    CHECK_EQ(acpi_gpe_ops.read(&pm, 0, 2), 0);
    /* Reset clears GPE0 and drops the SCI. */
    acpi_pm_gpe_event(&pm, 9);
    CHECK_EQ(sci_level, 1);
    acpi_pm_reset(&pm);
    CHECK_EQ(sci_level, 0);
    CHECK_EQ(acpi_gpe_ops.read(&pm, 0, 4), 0);
}

int main(void)
{
    sim_fail_timer = true;
    AcpiPm none;
    CHECK(acpi_pm_init(&none, &sim_clock, (IrqLine){0}, NULL, NULL, NULL) != 0);
    sim_fail_timer = false;

    CHECK(acpi_pm_init(&pm, &sim_clock, (IrqLine){sci, NULL, ACPI_SCI_IRQ}, power_off, sleep_req,
                       NULL) == 0);
    test_timer();
    test_tmr_sts();
    test_sci();
    test_registers();
    test_sleep();
    test_gpe();
    acpi_pm_destroy(&pm);
    return check_report("acpi_pm");
}
