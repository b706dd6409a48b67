/*
 * Motorola MC146818A real-time clock plus CMOS RAM (MC146818A datasheet;
 * QEMU 7.2's hw/rtc/mc146818rtc.c for the choices Linux is tested against).
 *
 * Nothing ticks. The divider chain is a start time (div_origin_ns) from
 * which the update cycles and periodic edges follow; the date is a value
 * at a time (cal_sec at cal_ns) plus the update cycles since. Time bytes
 * are computed when read. The flags of register C are folded in lazily,
 * from the events between flags_ns and now, whenever the guest could see
 * them (a read of register C, a change of what they depend on), and one
 * timer is armed only for the next event that would raise IRQ 8 - none
 * while IRQF is already set, as the pin cannot go any higher.
 *
 * Choices where the datasheet leaves one, after QEMU:
 *   - UIP reads 1 during the last 244 us before each update (t_BUC); the
 *     update itself is instantaneous, so the time bytes are always whole.
 *   - Time bytes out of range are normalised when the clock resumes
 *     (seconds 60 = the next minute), as mktime would; the day of week is
 *     derived from the date, not kept as a separate counter.
 *   - Byte 0x32 is the century and counts with the clock; 0x37 aliases it.
 *   - Divider values other than 000, 001, 010 stop the clock like a reset.
 *   - Setting SET clears UIE (datasheet, "UIE").
 * Where QEMU departs from the datasheet, the datasheet wins: PF, AF and UF
 * are set whatever PIE, AIE and UIE say; with SET or the divider stopped no
 * update cycle happens, so neither UF nor AF; in divider reset no periodic
 * interrupt either.
 */
#include "hw/mc146818.h"

#include <errno.h>
#include <string.h>

#define NS_PER_SEC 1000000000ll
#define SEC_PER_DAY 86400
#define DIVIDER_HZ 32768
/* UIP rises 244 us before an update: 8 cycles of the 32.768 kHz base. */
#define UIP_LEAD_NS (8 * NS_PER_SEC / DIVIDER_HZ)
/* The first update ends half a second after the divider leaves reset. */
#define FIRST_UPDATE_NS (NS_PER_SEC / 2)
#define NO_ALARM INT64_MAX

#define RTC_C_FLAGS (RTC_C_PF | RTC_C_AF | RTC_C_UF) /* same bits as PIE, AIE, UIE */
#define DV_OPERATE_MAX 0x20                          /* DV 000, 001, 010 */
#define DONT_CARE 0xc0                               /* alarm bytes 0xC0-0xFF match any value */

/* ---- arithmetic --------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

/* Days since 1970-01-01 of a proleptic Gregorian date; m is 1-12. Counted
 * in 400-year eras of 146,097 days, with years starting in March so that
 * the leap day ends the year. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                   /* 0-399 */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0-365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0-146096 */
    return era * 146097 + doe - 719468;                            /* 719468: 0000-03-01 to 1970 */
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* ---- the register formats (register B: DM, 24/12) ----------------------- */

static bool binary_mode(const Rtc *rtc)
{
    return rtc->cmos[RTC_REG_B] & RTC_B_DM;
}

static uint8_t to_reg(const Rtc *rtc, int v)
{
    return binary_mode(rtc) ? (uint8_t)v : (uint8_t)((v / 10) << 4 | v % 10);
}

static int from_reg(const Rtc *rtc, uint8_t b)
{
    return binary_mode(rtc) ? b : (b >> 4) * 10 + (b & 0x0f);
}

static uint8_t hours_to_reg(const Rtc *rtc, int h)
{
    if (rtc->cmos[RTC_REG_B] & RTC_B_24H) {
        return to_reg(rtc, h);
    }
    int h12 = h % 12 ? h % 12 : 12;
    return to_reg(rtc, h12) | (h >= 12 ? 0x80 : 0);
}

static int hours_from_reg(const Rtc *rtc, uint8_t b)
{
    if (rtc->cmos[RTC_REG_B] & RTC_B_24H) {
        return from_reg(rtc, b & 0x7f);
    }
    return from_reg(rtc, b & 0x7f) % 12 + (b & 0x80 ? 12 : 0);
}

/* Write the date `sec` into the time bytes, in the current format. */
static void store_time(Rtc *rtc, int64_t sec)
{
    int64_t days = floor_div(sec, SEC_PER_DAY);
    int64_t sod = sec - days * SEC_PER_DAY;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    uint8_t *c = rtc->cmos;
    c[RTC_SECONDS] = to_reg(rtc, (int)(sod % 60));
    c[RTC_MINUTES] = to_reg(rtc, (int)(sod / 60 % 60));
    c[RTC_HOURS] = hours_to_reg(rtc, (int)(sod / 3600));
    c[RTC_DAY_OF_WEEK] = to_reg(rtc, (int)floor_mod(days + 4, 7) + 1); /* 1970-01-01: Thursday */
    c[RTC_DAY_OF_MONTH] = to_reg(rtc, d);
    c[RTC_MONTH] = to_reg(rtc, m);
    c[RTC_YEAR] = to_reg(rtc, (int)floor_mod(y, 100));
    c[RTC_CENTURY] = to_reg(rtc, (int)floor_mod(floor_div(y, 100), 100));
}

/* The date in the time bytes, normalised as mktime would (month 13 is the
 * next January, second 60 the next minute). */
static int64_t load_time(const Rtc *rtc)
{
    const uint8_t *c = rtc->cmos;
    int64_t y = from_reg(rtc, c[RTC_CENTURY]) * 100 + from_reg(rtc, c[RTC_YEAR]);
    int64_t m0 = from_reg(rtc, c[RTC_MONTH]) - 1;
    y += floor_div(m0, 12);
    int m = (int)floor_mod(m0, 12) + 1;
    int64_t days = days_from_civil(y, m, 1) + from_reg(rtc, c[RTC_DAY_OF_MONTH]) - 1;
    return days * SEC_PER_DAY + hours_from_reg(rtc, c[RTC_HOURS]) * 3600 +
           from_reg(rtc, c[RTC_MINUTES]) * 60 + from_reg(rtc, c[RTC_SECONDS]);
}

/* ---- the divider chain --------------------------------------------------- */

static int64_t now_ns(const Rtc *rtc)
{
    return rtc->clock.now_ns(rtc->clock.opaque);
}

static bool divider_running(const Rtc *rtc)
{
    return (rtc->cmos[RTC_REG_A] & RTC_A_DV_MASK) <= DV_OPERATE_MAX;
}

/* Update cycles happen: the divider runs and SET is clear. */
static bool updating(const Rtc *rtc)
{
    return divider_running(rtc) && !(rtc->cmos[RTC_REG_B] & RTC_B_SET);
}

/* The number of the last update at or before t (-1: before the first). */
static int64_t update_index(const Rtc *rtc, int64_t t)
{
    return floor_div(t - rtc->div_origin_ns - FIRST_UPDATE_NS, NS_PER_SEC);
}

static int64_t update_time(const Rtc *rtc, int64_t k)
{
    return rtc->div_origin_ns + FIRST_UPDATE_NS + k * NS_PER_SEC;
}

/* The periodic interrupt's period in 32.768 kHz clocks, 0 for none
 * (datasheet, "Periodic Interrupt Rate" table: rates 1 and 2 repeat 8 and
 * 9 with a 32.768 kHz time base, 3-15 are 2^(RS-1) clocks). */
static int64_t periodic_clocks(const Rtc *rtc)
{
    int rs = rtc->cmos[RTC_REG_A] & RTC_A_RS_MASK;
    if (rs == 0 || !divider_running(rtc)) {
        return 0;
    }
    if (rs <= 2) {
        rs += 7;
    }
    return (int64_t)1 << (rs - 1);
}

/* Whole divider clocks from the origin to t. */
static int64_t divider_clocks(const Rtc *rtc, int64_t t)
{
    __int128 n = (__int128)(t - rtc->div_origin_ns) * DIVIDER_HZ;
    __int128 q = n / NS_PER_SEC;
    return (int64_t)(n % NS_PER_SEC < 0 ? q - 1 : q);
}

/* The first ns at which clock c has been reached. */
static int64_t clock_time(const Rtc *rtc, int64_t c)
{
    return rtc->div_origin_ns + (int64_t)(((__int128)c * NS_PER_SEC + DIVIDER_HZ - 1) / DIVIDER_HZ);
}

/* ---- the date and the alarm ---------------------------------------------- */

/* The date at t while updating. */
static int64_t date_at(const Rtc *rtc, int64_t t)
{
    return rtc->cal_sec + update_index(rtc, t) - update_index(rtc, rtc->cal_ns);
}

/* Bring the time bytes up to now (while updating; else they hold the date). */
static void refresh_time(Rtc *rtc, int64_t now)
{
    if (updating(rtc)) {
        store_time(rtc, date_at(rtc, now));
    }
}

/* An alarm byte as a number, -1 for "don't care". */
static int alarm_field(const Rtc *rtc, unsigned index)
{
    uint8_t b = rtc->cmos[index];
    if ((b & DONT_CARE) == DONT_CARE) {
        return -1;
    }
    return index == RTC_HOURS_ALARM ? hours_from_reg(rtc, b) : from_reg(rtc, b);
}

/*
 * The number of updates after date `sec` until the time of day first
 * matches the alarm (1 to 86,400), or NO_ALARM if it never can. Hours and
 * minutes are tried in order; the seconds are the alarm's, or the first
 * that lies ahead when they are "don't care".
 */
static int64_t alarm_delay(const Rtc *rtc, int64_t sec)
{
    int ah = alarm_field(rtc, RTC_HOURS_ALARM);
    int am = alarm_field(rtc, RTC_MINUTES_ALARM);
    int as = alarm_field(rtc, RTC_SECONDS_ALARM);
    if (ah > 23 || am > 59 || as > 59) {
        return NO_ALARM;
    }
    int64_t sod = floor_mod(sec, SEC_PER_DAY);
    int64_t ch = sod / 3600;
    for (int64_t dh = 0; dh <= 24; dh++) {
        if (ah >= 0 && (ch + dh) % 24 != ah) {
            continue;
        }
        for (int m = 0; m < 60; m++) {
            if (am >= 0 && m != am) {
                continue;
            }
            int64_t at_s0 = (ch + dh) * 3600 + m * 60 - sod; /* delay to second 0 */
            int64_t s = as >= 0 ? as : (at_s0 >= 1 ? 0 : 1 - at_s0);
            if (s <= 59 && at_s0 + s >= 1) {
                return at_s0 + s;
            }
        }
    }
    return NO_ALARM;
}

/* ---- flags, IRQ 8 and the timer -------------------------------------------- */

/* IRQF = PF.PIE + AF.AIE + UF.UIE (datasheet, "IRQF"); the IRQ# pin is
 * asserted while IRQF is set. */
static void update_irq(Rtc *rtc)
{
    uint8_t *c = &rtc->cmos[RTC_REG_C];
    bool irqf = *c & rtc->cmos[RTC_REG_B] & RTC_C_FLAGS;
    *c = (uint8_t)((*c & RTC_C_FLAGS) | (irqf ? RTC_C_IRQF : 0));
    if (irqf != rtc->irq_level) {
        rtc->irq_level = irqf;
        irq_set(&rtc->irq, irqf);
    }
}

/* Set the flags of the events in (flags_ns, now]. Call before any change
 * to what they depend on. */
static void fold_events(Rtc *rtc, int64_t now)
{
    if (now <= rtc->flags_ns) {
        return;
    }
    uint8_t f = 0;
    if (updating(rtc)) {
        int64_t n = update_index(rtc, now) - update_index(rtc, rtc->flags_ns);
        if (n > 0) {
            f |= RTC_C_UF;
            if (alarm_delay(rtc, date_at(rtc, rtc->flags_ns)) <= n) {
                f |= RTC_C_AF;
            }
        }
    }
    int64_t p = periodic_clocks(rtc);
    if (p &&
        floor_div(divider_clocks(rtc, now), p) > floor_div(divider_clocks(rtc, rtc->flags_ns), p)) {
        f |= RTC_C_PF;
    }
    rtc->flags_ns = now;
    rtc->cmos[RTC_REG_C] |= f;
    update_irq(rtc);
}

/* Arm the timer for the first event after now that would raise IRQ 8. */
static void arm_timer(Rtc *rtc, int64_t now)
{
    rtc->clock.timer_del(rtc->timer);
    const uint8_t b = rtc->cmos[RTC_REG_B];
    const uint8_t c = rtc->cmos[RTC_REG_C];
    if (c & RTC_C_IRQF) {
        return; /* the pin is asserted until register C is read */
    }
    int64_t next = INT64_MAX;
    if (updating(rtc)) {
        int64_t k = update_index(rtc, now);
        if ((b & RTC_B_UIE) && !(c & RTC_C_UF)) {
            next = update_time(rtc, k + 1);
        }
        if ((b & RTC_B_AIE) && !(c & RTC_C_AF)) {
            int64_t d = alarm_delay(rtc, date_at(rtc, now));
            if (d != NO_ALARM && update_time(rtc, k + d) < next) {
                next = update_time(rtc, k + d);
            }
        }
    }
    int64_t p = periodic_clocks(rtc);
    if ((b & RTC_B_PIE) && p && !(c & RTC_C_PF)) {
        int64_t t = clock_time(rtc, (floor_div(divider_clocks(rtc, now), p) + 1) * p);
        if (t < next) {
            next = t;
        }
    }
    if (next != INT64_MAX) {
        rtc->clock.timer_mod(rtc->timer, next);
    }
}

static void timer_fired(void *opaque)
{
    Rtc *rtc = opaque;
    int64_t now = now_ns(rtc);
    fold_events(rtc, now);
    arm_timer(rtc, now);
}

/* ---- register access ------------------------------------------------------- */

static bool is_time_byte(unsigned index)
{
    switch (index) {
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
    case RTC_CENTURY:
        return true;
    default:
        return false;
    }
}

/* Updates resume: the time bytes become the date, at the divider's phase. */
static void resume_updates(Rtc *rtc, int64_t now)
{
    rtc->cal_sec = load_time(rtc);
    rtc->cal_ns = now;
}

static void write_reg_a(Rtc *rtc, uint8_t v, int64_t now)
{
    bool was_running = divider_running(rtc);
    refresh_time(rtc, now); /* the date as the divider stops, if it does */
    rtc->cmos[RTC_REG_A] = v & (uint8_t)~RTC_A_UIP;
    if (!was_running && divider_running(rtc)) {
        /* Out of reset: the first update comes half a second later. */
        rtc->div_origin_ns = now;
        if (updating(rtc)) {
            resume_updates(rtc, now);
        }
    }
}

static void write_reg_b(Rtc *rtc, uint8_t v, int64_t now)
{
    bool was_updating = updating(rtc);
    refresh_time(rtc, now); /* in the old format, as the chip holds them */
    if (v & RTC_B_SET) {
        v &= (uint8_t)~RTC_B_UIE;
    }
    rtc->cmos[RTC_REG_B] = v;
    if (!was_updating && updating(rtc)) {
        resume_updates(rtc, now);
    }
}

static void write_time_byte(Rtc *rtc, unsigned index, uint8_t v, int64_t now)
{
    if (updating(rtc)) {
        /* Writing while the clock runs: the other bytes stay as they are
         * now and the date moves at once; the divider keeps its phase. */
        refresh_time(rtc, now);
        rtc->cmos[index] = v;
        resume_updates(rtc, now);
    } else {
        rtc->cmos[index] = v;
    }
}

static uint64_t rtc_read(void *opaque, uint64_t offset, unsigned size)
{
    Rtc *rtc = opaque;
    if (offset == 0) {
        return 0xff; /* the index register is write-only */
    }
    unsigned index = rtc->index == RTC_PS2_CENTURY ? RTC_CENTURY : rtc->index;
    int64_t now = now_ns(rtc);
    if (is_time_byte(index)) {
        refresh_time(rtc, now);
        return rtc->cmos[index];
    }
    switch (index) {
    case RTC_REG_A: {
        uint8_t a = rtc->cmos[RTC_REG_A];
        if (updating(rtc)) {
            int64_t next = update_time(rtc, update_index(rtc, now) + 1);
            if (next - now <= UIP_LEAD_NS) {
                a |= RTC_A_UIP;
            }
        }
        return a;
    }
    case RTC_REG_C: {
        fold_events(rtc, now);
        uint8_t c = rtc->cmos[RTC_REG_C];
        rtc->cmos[RTC_REG_C] = 0; /* cleared by the read (datasheet, "Register C") */
        update_irq(rtc);
        arm_timer(rtc, now);
        return c;
    }
    case RTC_REG_D:
        return RTC_D_VRT;
    default:
        return rtc->cmos[index];
    }
}

static void rtc_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Rtc *rtc = opaque;
    uint8_t v = (uint8_t)value;
    if (offset == 0) {
        rtc->index = v & 0x7f;
        rtc->nmi_masked = v & 0x80;
        return;
    }
    unsigned index = rtc->index == RTC_PS2_CENTURY ? RTC_CENTURY : rtc->index;
    if (index == RTC_REG_C || index == RTC_REG_D) {
        return; /* read only */
    }
    if (index > RTC_REG_D && index != RTC_CENTURY) {
        rtc->cmos[index] = v; /* plain RAM */
        return;
    }
    int64_t now = now_ns(rtc);
    fold_events(rtc, now); /* the past, under the old settings */
    if (index == RTC_REG_A) {
        write_reg_a(rtc, v, now);
    } else if (index == RTC_REG_B) {
        write_reg_b(rtc, v, now);
    } else if (is_time_byte(index)) {
        write_time_byte(rtc, index, v, now);
    } else {
        rtc->cmos[index] = v; /* an alarm byte */
    }
    update_irq(rtc);
    arm_timer(rtc, now);
}

const MemOps rtc_ops = {.read = rtc_read, .write = rtc_write, .max_size = 1};

/* ---- life cycle and the board's view ----------------------------------------- */

int rtc_init(Rtc *rtc, const HwClock *clock, int64_t wall_ns, IrqLine irq)
{
    memset(rtc, 0, sizeof(*rtc));
    rtc->clock = *clock;
    rtc->irq = irq;
    rtc->timer = clock->timer_new(clock->opaque, timer_fired, rtc);
    if (!rtc->timer) {
        return -ENOMEM;
    }
    rtc->cmos[RTC_REG_A] = 0x26;
    rtc->cmos[RTC_REG_B] = RTC_B_24H;
    rtc->cmos[RTC_REG_D] = RTC_D_VRT;
    /* Updates at the wall clock's second boundaries: the last one was
     * frac ns ago, the divider left reset half a second before it. */
    int64_t now = now_ns(rtc);
    int64_t frac = floor_mod(wall_ns, NS_PER_SEC);
    rtc->div_origin_ns = now - frac - FIRST_UPDATE_NS;
    rtc->cal_sec = floor_div(wall_ns, NS_PER_SEC);
    rtc->cal_ns = now;
    rtc->flags_ns = now;
    store_time(rtc, rtc->cal_sec);
    return 0;
}

void rtc_destroy(Rtc *rtc)
{
    if (rtc->timer) {
        rtc->clock.timer_free(rtc->timer);
        rtc->timer = NULL;
    }
}

void rtc_reset(Rtc *rtc)
{
    int64_t now = now_ns(rtc);
    fold_events(rtc, now);
    rtc->cmos[RTC_REG_B] &= (uint8_t) ~(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE | RTC_B_SQWE);
    rtc->cmos[RTC_REG_C] = 0;
    update_irq(rtc);
    arm_timer(rtc, now);
}

bool rtc_nmi_masked(const Rtc *rtc)
{
    return rtc->nmi_masked;
}

int rtc_cmos_set(Rtc *rtc, unsigned index, uint8_t value)
{
    if (index <= RTC_REG_D || index >= RTC_CMOS_SIZE || index == RTC_CENTURY ||
        index == RTC_PS2_CENTURY) {
        return -EINVAL;
    }
    rtc->cmos[index] = value;
    return 0;
}

uint8_t rtc_cmos_get(const Rtc *rtc, unsigned index)
{
    return index < RTC_CMOS_SIZE ? rtc->cmos[index] : 0xff;
}

int64_t rtc_time(Rtc *rtc)
{
    return updating(rtc) ? date_at(rtc, now_ns(rtc)) : load_time(rtc);
}

/* The boot-device nibble of QEMU's pc_cmos_init. */
static int boot_nibble(char c)
{
    switch (c) {
    case 'a':
    case 'b':
        return 1; /* floppy */
    case 'c':
        return 2; /* hard disk */
    case 'd':
        return 3; /* CD-ROM */
    case 'n':
        return 4; /* network */
    default:
        return -1;
    }
}

#define KIB 1024ull
#define MIB (1024 * KIB)

static void set_word(Rtc *rtc, unsigned index, uint64_t v)
{
    rtc->cmos[index] = (uint8_t)v;
    rtc->cmos[index + 1] = (uint8_t)(v >> 8);
}

int rtc_cmos_init_pc(Rtc *rtc, const RtcPcInfo *info)
{
    const char *order = info->boot_order ? info->boot_order : "cad";
    int boot[3] = {0, 0, 0};
    size_t n = strlen(order);
    if (n > 3 || info->cpus == 0) {
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        boot[i] = boot_nibble(order[i]);
        if (boot[i] < 0) {
            return -EINVAL;
        }
    }
    uint64_t below = info->ram_below_4g;
    /* Base memory in KiB (at most 640), extended memory above 1 MiB in KiB,
     * memory above 16 MiB in 64 KiB units (each at most 65,535), memory
     * above 4 GiB in 64 KiB units (24 bits). */
    set_word(rtc, 0x15, below / KIB < 640 ? below / KIB : 640);
    uint64_t ext = below > MIB ? (below - MIB) / KIB : 0;
    ext = ext > 65535 ? 65535 : ext;
    set_word(rtc, 0x17, ext);
    set_word(rtc, 0x30, ext);
    uint64_t high = below > 16 * MIB ? (below - 16 * MIB) / (64 * KIB) : 0;
    set_word(rtc, 0x34, high > 65535 ? 65535 : high);
    uint64_t above = info->ram_above_4g / (64 * KIB);
    rtc->cmos[0x5b] = (uint8_t)above;
    rtc->cmos[0x5c] = (uint8_t)(above >> 8);
    rtc->cmos[0x5d] = (uint8_t)(above >> 16);
    /* Boot order: first two devices in 0x3D, the third in 0x38 bits 7:4;
     * 0x38 bit 0 clear = check the floppy boot signature (QEMU's default). */
    rtc->cmos[0x3d] = (uint8_t)(boot[1] << 4 | boot[0]);
    rtc->cmos[0x38] = (uint8_t)(boot[2] << 4);
    /* Equipment byte: math coprocessor (bit 1), PS/2 mouse (bit 2). */
    rtc->cmos[0x14] = 0x06;
    /* CPUs less one; 0 from 256 on, as QEMU does though 255 would fit
     * (firmware asks fw_cfg then). */
    rtc->cmos[0x5f] = info->cpus > 255 ? 0 : (uint8_t)(info->cpus - 1);
    return 0;
}
