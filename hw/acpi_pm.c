/*
 * The PIIX4's ACPI fixed hardware: PM1 event and control registers, the
 * PM timer and GPE0, with the SCI they raise. See acpi_pm.h.
 *
 * Nothing ticks: the timer is the board clock scaled to 3.579545 MHz, and
 * TMR_STS is brought up to date (set if bit 23 toggled since the last
 * look) whenever the registers are read or the SCI is computed. A host
 * timer is armed for the next toggle only while that toggle would raise
 * the SCI (TMR_EN set, TMR_STS clear).
 */
#include "hw/acpi_pm.h"

#include <errno.h>

#define NS_PER_SEC 1000000000ll
#define TMR_VALUE_MASK 0xffffffu     /* 24 bits: TMR_VAL_EXT = 0 in the FADT */
#define TMR_TOGGLE_TICKS (1ll << 23) /* TMR_STS: bit 23 of the counter toggled */

#define PM1_STS_BITS                                                                               \
    (ACPI_PM1_TMR | ACPI_PM1_BM_STS | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_RTC |              \
     ACPI_PM1_WAK_STS)
#define PM1_EN_BITS (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_RTC)
#define PM1_CNT_KEPT (ACPI_PM1_CNT_SCI_EN | ACPI_PM1_CNT_BM_RLD | ACPI_PM1_CNT_SLP_TYP)

static int64_t tick_of_ns(int64_t ns)
{
    return (int64_t)((__int128)ns * ACPI_PM_TIMER_HZ / NS_PER_SEC);
}

/* The first nanosecond of tick t. */
static int64_t ns_of_tick(int64_t t)
{
    return (int64_t)(((__int128)t * NS_PER_SEC + ACPI_PM_TIMER_HZ - 1) / ACPI_PM_TIMER_HZ);
}

static int64_t now_tick(const AcpiPm *pm)
{
    return tick_of_ns(pm->clock.now_ns(pm->clock.opaque));
}

/* The first tick after t at which bit 23 toggles. */
static int64_t toggle_after(int64_t t)
{
    return (t | (TMR_TOGGLE_TICKS - 1)) + 1;
}

uint32_t acpi_pm_timer(AcpiPm *pm)
{
    return (uint32_t)now_tick(pm) & TMR_VALUE_MASK;
}

static void sync_timer_status(AcpiPm *pm)
{
    int64_t now = now_tick(pm);
    if (now >= pm->next_toggle) {
        pm->pm1_sts |= ACPI_PM1_TMR;
        pm->next_toggle = toggle_after(now);
    }
}

/* Bring TMR_STS up to date, drive the SCI, and arm the timer if the next
 * toggle would raise it. */
static void update(AcpiPm *pm)
{
    sync_timer_status(pm);
    bool sci_en = pm->pm1_cnt & ACPI_PM1_CNT_SCI_EN;
    bool pending = (pm->pm1_sts & pm->pm1_en & PM1_EN_BITS) != 0;
    for (unsigned i = 0; i < ACPI_GPE0_SIZE / 2; i++) {
        pending = pending || (pm->gpe_sts[i] & pm->gpe_en[i]) != 0;
    }
    int level = sci_en && pending;
    if (level != pm->sci_level) {
        pm->sci_level = level;
        irq_set(&pm->sci, level);
    }
    if (sci_en && (pm->pm1_en & ACPI_PM1_TMR) && !(pm->pm1_sts & ACPI_PM1_TMR)) {
        pm->clock.timer_mod(pm->timer, ns_of_tick(pm->next_toggle));
    } else {
        pm->clock.timer_del(pm->timer);
    }
}

static void timer_expired(void *opaque)
{
    update(opaque);
}

int acpi_pm_init(AcpiPm *pm, const HwClock *clock, IrqLine sci, void (*power_off)(void *opaque),
                 void (*sleep)(void *opaque, unsigned slp_typ), void *opaque)
{
    *pm = (AcpiPm){
        .clock = *clock, .sci = sci, .power_off = power_off, .sleep = sleep, .opaque = opaque};
    pm->timer = clock->timer_new(clock->opaque, timer_expired, pm);
    if (!pm->timer) {
        return -ENOMEM;
    }
    acpi_pm_reset(pm);
    return 0;
}

void acpi_pm_destroy(AcpiPm *pm)
{
    if (pm->timer) {
        pm->clock.timer_free(pm->timer);
        pm->timer = NULL;
    }
}

void acpi_pm_reset(AcpiPm *pm)
{
    pm->pm1_sts = 0;
    pm->pm1_en = 0;
    pm->pm1_cnt = ACPI_PM1_CNT_SCI_EN; /* ACPI mode from the start: no SMI_CMD */
    for (unsigned i = 0; i < ACPI_GPE0_SIZE / 2; i++) {
        pm->gpe_sts[i] = 0;
        pm->gpe_en[i] = 0;
    }
    pm->next_toggle = toggle_after(now_tick(pm));
    update(pm);
}

void acpi_pm_power_button(AcpiPm *pm)
{
    pm->pm1_sts |= ACPI_PM1_PWRBTN;
    update(pm);
}

void acpi_pm_gpe_event(AcpiPm *pm, unsigned n)
{
    if (n < 8 * (ACPI_GPE0_SIZE / 2)) {
        pm->gpe_sts[n / 8] |= (uint8_t)(1u << (n % 8));
        update(pm);
    }
}

/* ---- the PM block ------------------------------------------------------------ */

static uint16_t reg16(AcpiPm *pm, unsigned reg)
{
    switch (reg) {
    case ACPI_PM1_STS:
        sync_timer_status(pm);
        return pm->pm1_sts;
    case ACPI_PM1_EN:
        return pm->pm1_en;
    default: /* ACPI_PM1_CNT: GBL_RLS and SLP_EN read 0 */
        return pm->pm1_cnt;
    }
}

static uint64_t pm_read(void *opaque, uint64_t offset, unsigned size)
{
    AcpiPm *pm = opaque;
    uint32_t tmr = acpi_pm_timer(pm); /* one sample for a multi-byte read */
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t at = offset + i;
        uint8_t b = 0xff; /* ports of the block nothing decodes */
        if (at < ACPI_PM1_CNT + 2) {
            b = (uint8_t)(reg16(pm, (unsigned)at & ~1u) >> (8 * (at & 1)));
        } else if (at >= ACPI_PM_TMR && at < ACPI_PM_TMR + 4) {
            b = (uint8_t)(tmr >> (8 * (at - ACPI_PM_TMR)));
        }
        v |= (uint64_t)b << (8 * i);
    }
    return v;
}

static void pm_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    AcpiPm *pm = opaque;
    /* The bytes written, gathered per 16-bit register: value and lanes. */
    uint16_t val[3] = {0}, lanes[3] = {0};
    for (unsigned i = 0; i < size; i++) {
        uint64_t at = offset + i;
        if (at < ACPI_PM1_CNT + 2) {
            unsigned shift = 8 * (at & 1);
            val[at / 2] |= (uint16_t)(((value >> (8 * i)) & 0xff) << shift);
            lanes[at / 2] |= (uint16_t)(0xff << shift);
        }
    }
    sync_timer_status(pm); /* a toggle before the write is cleared by it too */
    pm->pm1_sts &= (uint16_t) ~(val[0] & lanes[0] & PM1_STS_BITS);
    pm->pm1_en = (uint16_t)(((pm->pm1_en & ~lanes[1]) | (val[1] & lanes[1])) & PM1_EN_BITS);
    uint16_t cnt = (uint16_t)((pm->pm1_cnt & ~lanes[2]) | (val[2] & lanes[2]));
    pm->pm1_cnt = cnt & PM1_CNT_KEPT;
    update(pm);
    /* ACPI 6.4, 4.8.3.2.1: SLP_EN starts the sleep type in SLP_TYP. */
    if (val[2] & lanes[2] & ACPI_PM1_CNT_SLP_EN) {
        unsigned typ = (cnt & ACPI_PM1_CNT_SLP_TYP) >> ACPI_PM1_CNT_SLP_TYP_SHIFT;
        if (typ == ACPI_SLP_TYP_S5) {
            if (pm->power_off) {
                pm->power_off(pm->opaque);
            }
        } else if (pm->sleep) {
            pm->sleep(pm->opaque, typ);
        }
    }
}

const MemOps acpi_pm_ops = {.read = pm_read, .write = pm_write, .max_size = 4};

/* ---- GPE0 ------------------------------------------------------------------ */

static uint64_t gpe_read(void *opaque, uint64_t offset, unsigned size)
{
    const AcpiPm *pm = opaque;
    uint64_t v = 0;
    for (unsigned i = 0; i < size && offset + i < ACPI_GPE0_SIZE; i++) {
        uint64_t at = offset + i;
        uint8_t b = at < ACPI_GPE0_SIZE / 2 ? pm->gpe_sts[at] : pm->gpe_en[at - ACPI_GPE0_SIZE / 2];
        v |= (uint64_t)b << (8 * i);
    }
    return v;
}

static void gpe_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    AcpiPm *pm = opaque;
    for (unsigned i = 0; i < size && offset + i < ACPI_GPE0_SIZE; i++) {
        uint64_t at = offset + i;
        uint8_t b = (uint8_t)(value >> (8 * i));
        if (at < ACPI_GPE0_SIZE / 2) {
            pm->gpe_sts[at] &= (uint8_t)~b;
        } else {
            pm->gpe_en[at - ACPI_GPE0_SIZE / 2] = b;
        }
    }
    update(pm);
}

const MemOps acpi_gpe_ops = {.read = gpe_read, .write = gpe_write, .max_size = 4};
