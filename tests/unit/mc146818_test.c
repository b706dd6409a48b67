/* The MC146818A RTC and CMOS on a simulated clock: the update cycle (UIP
 * timing, UF each second), BCD/binary and 12/24-hour formats, SET, writes
 * moving the date, calendar rollover checked against the host's gmtime(),
 * the divider reset, periodic rates (MC146818A datasheet table), alarms
 * with "don't care" bytes, register C and IRQ 8, the RESET pin, the NMI
 * mask, and the CMOS bytes QEMU 7.2's "pc" stores (values read from
 * qemu-system-x86_64 -M pc through its monitor). */
#include "hw/mc146818.h"
#include "tests/unit/check.h"
#include "tests/unit/sim_clock.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* ---- the device ---- */

#define NS 1000000000ll
#define MS 1000000ll
#define SIM_START (5000 * NS)
#define UIP_LEAD 244140 /* 8 / 32768 s */

static Rtc rtc;
static int irq_level;
static int edges; /* rising edges on IRQ 8 */
static int64_t edge_ns[64];

static void irq8(void *opaque, int n, int level)
{
    if (level && !irq_level) {
        if (edges < 64) {
            edge_ns[edges] = sim_ns;
        }
        edges++;
    }
    irq_level = level;
}

static int64_t epoch(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s};
    return (int64_t)timegm(&tm);
}

/* Power on at SIM_START with the wall clock at `sec` + frac_ns: updates at
 * SIM_START + (1 s - frac_ns) + k s. */
static void setup(int64_t sec, int64_t frac_ns)
{
    sim_reset(SIM_START);
    irq_level = 0;
    edges = 0;
    CHECK(rtc_init(&rtc, &sim_clock, sec * NS + frac_ns, (IrqLine){irq8, NULL, 0}) == 0);
}

static uint8_t rd(unsigned index)
{
    rtc_ops.write(&rtc, 0, index, 1);
    return (uint8_t)rtc_ops.read(&rtc, 1, 1);
}

static void wr(unsigned index, uint8_t v)
{
    rtc_ops.write(&rtc, 0, index, 1);
    rtc_ops.write(&rtc, 1, v, 1);
}

static uint8_t bcd(int v)
{
    return (uint8_t)((v / 10) << 4 | v % 10);
}

/* v in the format register B selects. */
static uint8_t fmt(int v)
{
    return (rd(RTC_REG_B) & RTC_B_DM) ? (uint8_t)v : bcd(v);
}

static uint8_t fmt_hours(int h)
{
    if (rd(RTC_REG_B) & RTC_B_24H) {
        return fmt(h);
    }
    return fmt(h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
}

/* Every time byte against the host's gmtime() of sec. */
static void check_date(int64_t sec, int line)
{
    time_t t = (time_t)sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    int year = tm.tm_year + 1900;
    uint8_t want[] = {fmt(tm.tm_sec),      fmt(tm.tm_min),  fmt_hours(tm.tm_hour),
                      fmt(tm.tm_wday + 1), fmt(tm.tm_mday), fmt(tm.tm_mon + 1),
                      fmt(year % 100),     fmt(year / 100)};
    const unsigned idx[] = {RTC_SECONDS,      RTC_MINUTES, RTC_HOURS, RTC_DAY_OF_WEEK,
                            RTC_DAY_OF_MONTH, RTC_MONTH,   RTC_YEAR,  RTC_CENTURY};
    for (unsigned i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
        uint8_t got = rd(idx[i]);
        check_count++;
        if (got != want[i]) {
            check_failures++;
            fprintf(stderr,
                    "%s:%d: byte 0x%02x is 0x%02x, want 0x%02x (%04d-%02d-%02d %02d:%02d:%02d)\n",
                    __FILE__, line, idx[i], got, want[i], year, tm.tm_mon + 1, tm.tm_mday,
                    tm.tm_hour, tm.tm_min, tm.tm_sec);
        }
    }
    CHECK_EQ(rtc_time(&rtc), sec);
}
#define CHECK_DATE(sec) check_date(sec, __LINE__)

/* Stop updates, write the date of sec in the current format, resume. */
static void set_date(int64_t sec)
{
    time_t t = (time_t)sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    uint8_t b = rd(RTC_REG_B);
    wr(RTC_REG_B, b | RTC_B_SET);
    int year = tm.tm_year + 1900;
    wr(RTC_SECONDS, fmt(tm.tm_sec));
    wr(RTC_MINUTES, fmt(tm.tm_min));
    wr(RTC_HOURS, fmt_hours(tm.tm_hour));
    wr(RTC_DAY_OF_WEEK, fmt(tm.tm_wday + 1));
    wr(RTC_DAY_OF_MONTH, fmt(tm.tm_mday));
    wr(RTC_MONTH, fmt(tm.tm_mon + 1));
    wr(RTC_YEAR, fmt(year % 100));
    wr(RTC_CENTURY, fmt(year / 100));
    wr(RTC_REG_B, b & (uint8_t)~RTC_B_SET);
}

static bool uip(void)
{
    return rd(RTC_REG_A) & RTC_A_UIP;
}

/* Register C without PF: the power-on rate (1,024 Hz) sets it all the time,
 * PIE or not (datasheet, "PF"); the tests of other flags leave it out. */
static uint8_t flags(void)
{
    return rd(RTC_REG_C) & (uint8_t)~RTC_C_PF;
}

/* ---- power on, the update cycle ---- */

static void test_power_on(void)
{
    int64_t t0 = epoch(2024, 7, 14, 13, 45, 30);
    setup(t0, 250 * MS);
    CHECK_EQ(rd(RTC_REG_A), 0x26);
    CHECK_EQ(rd(RTC_REG_B), 0x02);
    CHECK_EQ(rd(RTC_REG_C), 0x00);
    CHECK_EQ(rd(RTC_REG_D), 0x80);
    CHECK_DATE(t0);
    CHECK_EQ(rd(RTC_SECONDS), 0x30); /* BCD */
    CHECK_EQ(rd(RTC_HOURS), 0x13);
    CHECK_EQ(rd(RTC_DAY_OF_WEEK), 1); /* a Sunday */
    CHECK_EQ(rd(RTC_CENTURY), 0x20);
    CHECK_EQ(rd(RTC_PS2_CENTURY), 0x20);
    CHECK_EQ(rd(0x20), 0); /* RAM starts zeroed */
    CHECK(!irq_level);
    CHECK_EQ(sim_next_expiry(), INT64_MAX); /* no interrupt enabled: nothing armed */
    rtc_destroy(&rtc);
}

static void test_update_cycle(void)
{
    int64_t t0 = epoch(2024, 7, 14, 13, 45, 30);
    setup(t0, 250 * MS);
    int64_t upd = SIM_START + 750 * MS; /* the wall clock's next second */

    /* UIP is 1 for the last 244 us before the update, 0 before and after. */
    sim_advance_to(upd - UIP_LEAD - 1);
    CHECK(!uip());
    CHECK_DATE(t0);
    sim_advance_to(upd - UIP_LEAD);
    CHECK(uip());
    CHECK_EQ(flags(), 0);
    sim_advance_to(upd - 1);
    CHECK(uip());
    CHECK_DATE(t0);
    CHECK_EQ(flags(), 0);
    sim_advance_to(upd);
    CHECK(!uip());
    CHECK_DATE(t0 + 1);
    /* UF is set by the update, IRQF is not (UIE is off); the read clears it. */
    CHECK_EQ(flags(), RTC_C_UF);
    CHECK_EQ(flags(), 0);
    CHECK(!irq_level);

    /* Every second after, at the same phase. */
    for (int k = 1; k <= 3; k++) {
        sim_advance_to(upd + k * NS - 1);
        CHECK_EQ(flags(), 0);
        CHECK_DATE(t0 + k);
        sim_advance_to(upd + k * NS);
        CHECK_EQ(flags(), RTC_C_UF);
        CHECK_DATE(t0 + k + 1);
    }
    /* Many seconds without a read: one UF, and the date is right. */
    sim_advance(3600 * NS);
    CHECK_EQ(flags(), RTC_C_UF);
    CHECK_DATE(t0 + 4 + 3600);
    rtc_destroy(&rtc);
}

static void test_uie_irq(void)
{
    int64_t t0 = epoch(2024, 7, 14, 13, 45, 30);
    setup(t0, 0); /* updates at SIM_START + k s */
    wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE);
    CHECK_EQ(sim_next_expiry(), SIM_START + NS);
    sim_advance_to(SIM_START + 3 * NS / 2);
    CHECK_EQ(edges, 1);
    CHECK_EQ(edge_ns[0], SIM_START + NS);
    CHECK(irq_level);
    CHECK_EQ(flags(), RTC_C_IRQF | RTC_C_UF);
    CHECK(!irq_level);
    /* Unread, the line stays up through later updates: no new edge, no timer. */
    sim_advance_to(SIM_START + 2 * NS);
    CHECK_EQ(edges, 2);
    CHECK_EQ(edge_ns[1], SIM_START + 2 * NS);
    CHECK_EQ(sim_next_expiry(), INT64_MAX);
    sim_advance_to(SIM_START + 5 * NS + 1);
    CHECK_EQ(edges, 2);
    CHECK_EQ(flags(), RTC_C_IRQF | RTC_C_UF);
    CHECK(!irq_level);
    CHECK_EQ(sim_next_expiry(), SIM_START + 6 * NS);
    /* Clearing UIE while UF is pending drops IRQF and the line at once;
     * setting it again raises them (IRQF = UF.UIE + ...). */
    sim_advance_to(SIM_START + 6 * NS);
    CHECK(irq_level);
    wr(RTC_REG_B, RTC_B_24H);
    CHECK(!irq_level);
    CHECK_EQ((rtc_cmos_get(&rtc, RTC_REG_C) & ~RTC_C_PF), RTC_C_UF);
    wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE);
    CHECK(irq_level);
    CHECK_EQ(edges, 4);
    CHECK_EQ(flags(), RTC_C_IRQF | RTC_C_UF);
    /* SET clears UIE (datasheet: "UIE is cleared ... by setting SET"). */
    wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE | RTC_B_SET);
    CHECK_EQ(rd(RTC_REG_B), RTC_B_24H | RTC_B_SET);
    rtc_destroy(&rtc);
}

/* ---- formats ---- */

static void test_formats(void)
{
    int64_t t0 = epoch(2031, 12, 31, 23, 59, 58);
    setup(t0, 0);
    /* Binary, 24-hour: the running clock's bytes follow register B. */
    wr(RTC_REG_B, RTC_B_24H | RTC_B_DM);
    CHECK_EQ(rd(RTC_HOURS), 23);
    CHECK_EQ(rd(RTC_SECONDS), 58);
    CHECK_EQ(rd(RTC_YEAR), 31);
    CHECK_EQ(rd(RTC_CENTURY), 20);
    CHECK_DATE(t0);
    /* 12-hour binary: 11 PM is 0x80 | 11. */
    wr(RTC_REG_B, RTC_B_DM);
    CHECK_EQ(rd(RTC_HOURS), 0x8b);
    CHECK_DATE(t0);
    /* Midnight into the new year: 12 AM is 12 without the PM bit. */
    sim_advance_to(SIM_START + 2 * NS);
    CHECK_EQ(rd(RTC_HOURS), 12);
    CHECK_EQ(rd(RTC_YEAR), 32);
    CHECK_DATE(t0 + 2);
    /* Noon in 12-hour BCD: 0x92; 11 AM: 0x11; 1 PM: 0x81. */
    wr(RTC_REG_B, 0);
    set_date(epoch(2032, 1, 1, 11, 59, 59));
    CHECK_EQ(rd(RTC_HOURS), 0x11);
    sim_advance(NS);
    CHECK_EQ(rd(RTC_HOURS), 0x92);
    CHECK_DATE(epoch(2032, 1, 1, 12, 0, 0));
    set_date(epoch(2032, 1, 1, 13, 0, 0));
    CHECK_EQ(rd(RTC_HOURS), 0x81);
    CHECK_DATE(epoch(2032, 1, 1, 13, 0, 0));
    /* Round trips of time written in each of the four formats. */
    const uint8_t modes[] = {0, RTC_B_24H, RTC_B_DM, RTC_B_DM | RTC_B_24H};
    for (unsigned i = 0; i < 4; i++) {
        wr(RTC_REG_B, modes[i]);
        for (int h = 0; h < 24; h += 5) {
            int64_t t = epoch(2040 + (int)i, 2, 29, h, 7, 9);
            set_date(t);
            CHECK_DATE(t);
            sim_advance(NS);
            CHECK_DATE(t + 1);
        }
    }
    /* DSE is stored and has no effect (as QEMU): no hour jumps. */
    wr(RTC_REG_B, RTC_B_24H | RTC_B_DSE);
    set_date(epoch(2024, 3, 31, 1, 59, 59));
    sim_advance(NS);
    CHECK_EQ(rd(RTC_REG_B), RTC_B_24H | RTC_B_DSE);
    CHECK_DATE(epoch(2024, 3, 31, 2, 0, 0));
    rtc_destroy(&rtc);
}

/* ---- setting the time ---- */

static void test_set_freezes(void)
{
    int64_t t0 = epoch(2024, 7, 14, 13, 45, 30);
    setup(t0, 250 * MS); /* updates at SIM_START + 750 ms + k s */
    int64_t upd = SIM_START + 750 * MS;
    sim_advance_to(upd + 100 * MS);
    CHECK_DATE(t0 + 1);
    CHECK_EQ(flags(), RTC_C_UF);
    wr(RTC_REG_B, RTC_B_24H | RTC_B_SET);
    /* Frozen: no update, no UF, no UIP, however long. */
    sim_advance_to(upd + 5 * NS - 100);
    CHECK(!uip());
    sim_advance_to(upd + 5 * NS + 300 * MS);
    CHECK_DATE(t0 + 1);
    CHECK_EQ(flags(), 0);
    /* Bytes written while SET read back as written. */
    wr(RTC_MINUTES, 0x10);
    CHECK_EQ(rd(RTC_MINUTES), 0x10);
    CHECK_DATE(epoch(2024, 7, 14, 13, 10, 31));
    /* Cleared: the written date runs on at the divider's old phase. */
    wr(RTC_REG_B, RTC_B_24H);
    sim_advance_to(upd + 6 * NS - 1);
    CHECK_DATE(epoch(2024, 7, 14, 13, 10, 31));
    CHECK_EQ(flags(), 0);
    sim_advance_to(upd + 6 * NS);
    CHECK_DATE(epoch(2024, 7, 14, 13, 10, 32));
    CHECK_EQ(flags(), RTC_C_UF);
    rtc_destroy(&rtc);
}

static void test_write_moves_time(void)
{
    int64_t t0 = epoch(2024, 7, 14, 13, 45, 30);
    setup(t0, 250 * MS);
    int64_t upd = SIM_START + 750 * MS;
    sim_advance_to(upd + 5 * NS + 500 * MS); /* 13:45:36 */
    CHECK_DATE(t0 + 6);
    /* With updates running: one byte moves the date, the others stay. */
    wr(RTC_HOURS, 0x09);
    CHECK_DATE(epoch(2024, 7, 14, 9, 45, 36));
    wr(RTC_YEAR, 0x99);
    CHECK_DATE(epoch(2099, 7, 14, 9, 45, 36));
    /* The phase is kept: the next update is still at upd + k s. */
    sim_advance_to(upd + 6 * NS - 1);
    CHECK_DATE(epoch(2099, 7, 14, 9, 45, 36));
    sim_advance_to(upd + 6 * NS);
    CHECK_DATE(epoch(2099, 7, 14, 9, 45, 37));
    /* Out-of-range bytes are normalised when the clock takes them. */
    wr(RTC_REG_B, RTC_B_24H | RTC_B_SET);
    wr(RTC_SECONDS, 0x60);
    wr(RTC_MONTH, 0x13);
    wr(RTC_REG_B, RTC_B_24H);
    CHECK_DATE(epoch(2100, 1, 14, 9, 46, 0));
    rtc_destroy(&rtc);
}

/* ---- the calendar ---- */

static void test_rollover(void)
{
    setup(epoch(2024, 1, 1, 0, 0, 0), 0);
    /* Each date one second before midnight: the next second against the
     * host's calendar (leap years, centuries, 400-year rule). */
    const int dates[][3] = {
        {2024, 2, 28}, {2024, 2, 29},  {2023, 2, 28},  {2100, 2, 28}, {2000, 2, 28},
        {2000, 2, 29}, {1999, 12, 31}, {2099, 12, 31}, {2024, 4, 30}, {2024, 1, 31},
        {2024, 6, 30}, {2024, 12, 31}, {1980, 2, 28},  {2400, 2, 28}, {2038, 1, 19},
    };
    for (unsigned i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
        int64_t t = epoch(dates[i][0], dates[i][1], dates[i][2], 23, 59, 59);
        set_date(t);
        CHECK_DATE(t);
        sim_advance(NS);
        CHECK_DATE(t + 1);
    }
    /* A run of days: every midnight of 2023-12-30 .. 2024-03-02. */
    int64_t t = epoch(2023, 12, 30, 23, 59, 59);
    set_date(t);
    for (int d = 0; d < 64; d++) {
        sim_advance(NS);
        CHECK_DATE(t + 1);
        t += 86400;
        sim_advance(86399 * NS);
        CHECK_DATE(t);
    }
    /* Dates written and read back across 1900-2999, against the host's
     * calendar: every 97 days and an hour and a bit. */
    for (int64_t d = epoch(1900, 1, 1, 0, 0, 0); d < epoch(2999, 12, 31, 0, 0, 0);
         d += 97 * 86400 + 3607) {
        set_date(d);
        CHECK_DATE(d);
    }
    /* The century byte counts too, in binary as well. */
    wr(RTC_REG_B, RTC_B_24H | RTC_B_DM);
    set_date(epoch(2199, 12, 31, 23, 59, 59));
    sim_advance(NS);
    CHECK_EQ(rd(RTC_CENTURY), 22);
    CHECK_EQ(rd(RTC_YEAR), 0);
    CHECK_DATE(epoch(2200, 1, 1, 0, 0, 0));
    rtc_destroy(&rtc);
}

/* ---- the divider ---- */

static void test_divider_reset(void)
{
    int64_t t0 = epoch(2024, 7, 14, 13, 45, 30);
    setup(t0, 0);
    wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE | RTC_B_PIE);
    sim_advance_to(SIM_START + 300 * MS);
    (void)rd(RTC_REG_C);
    /* DV = 110: held in reset. No update, no periodic edge, no UIP. */
    wr(RTC_REG_A, 0x66);
    CHECK_EQ(rd(RTC_REG_A), 0x66);
    int e = edges;
    sim_advance_to(SIM_START + 10 * NS - 100 * 1000);
    CHECK(!uip());
    sim_advance(NS);
    CHECK_EQ(edges, e);
    CHECK_EQ(rd(RTC_REG_C), 0);
    CHECK_DATE(t0);
    /* Released: the first update ends half a second later (datasheet,
     * "Divider Control"), then every second; periodic edges from the
     * release on. */
    int64_t rel = sim_ns;
    wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE);
    wr(RTC_REG_A, 0x26);
    sim_advance_to(rel + 500 * MS - UIP_LEAD - 1);
    CHECK(!uip());
    CHECK_EQ(flags(), 0);
    sim_advance_to(rel + 500 * MS - 1);
    CHECK(uip());
    CHECK_EQ(edges, e);
    sim_advance_to(rel + 500 * MS);
    CHECK_EQ(edges, e + 1);
    CHECK_EQ(edge_ns[e], rel + 500 * MS);
    CHECK_DATE(t0 + 1);
    CHECK_EQ(flags(), RTC_C_IRQF | RTC_C_UF);
    sim_advance_to(rel + 1500 * MS);
    CHECK_DATE(t0 + 2);
    /* Test-mode divider values (011) stop the clock too. */
    wr(RTC_REG_A, 0x36);
    sim_advance(5 * NS);
    CHECK_DATE(t0 + 2);
    rtc_destroy(&rtc);
}

/* ---- periodic interrupts ---- */

/* Count IRQ 8 edges until `until`, reading register C at each, as a
 * guest's handler does; each must show `flag`. */
static int count_edges(int64_t until, uint8_t flag)
{
    int n = 0;
    for (;;) {
        int64_t e = sim_next_expiry();
        if (e > until) {
            break;
        }
        sim_advance_to(e);
        if (irq_level) {
            n++;
            CHECK(rd(RTC_REG_C) & flag);
        }
    }
    sim_advance_to(until);
    return n;
}

static void test_periodic_rates(void)
{
    /* Datasheet, "Periodic Interrupt Rate and Square-Wave Output
     * Frequency", 32.768 kHz time base: RS 1 and 2 repeat 8 and 9. */
    const int hz[16] = {0, 256, 128, 8192, 4096, 2048, 1024, 512, 256, 128, 64, 32, 16, 8, 4, 2};
    int64_t t0 = epoch(2024, 7, 14, 13, 45, 30);
    for (int rs = 1; rs <= 15; rs++) {
        setup(t0, 0); /* divider clock 0 at SIM_START - 500 ms */
        int64_t origin = SIM_START - 500 * MS;
        wr(RTC_REG_A, (uint8_t)(0x20 | rs));
        wr(RTC_REG_B, RTC_B_24H | RTC_B_PIE);
        int n = count_edges(SIM_START + NS, RTC_C_PF);
        check_count++;
        if (n != hz[rs]) {
            check_failures++;
            fprintf(stderr, "%s:%d: rate %d: %d interrupts in 1 s, want %d\n", __FILE__, __LINE__,
                    rs, n, hz[rs]);
        }
        /* Edges on the divider's taps: at multiples of 32768 / hz clocks. */
        int64_t p = 32768 / hz[rs];
        int64_t first = ((SIM_START - origin) * 32768 / NS / p + 1) * p;
        CHECK_EQ(edge_ns[0], origin + (first * NS + 32767) / 32768);
        CHECK_EQ(edge_ns[1], origin + ((first + p) * NS + 32767) / 32768);
        rtc_destroy(&rtc);
    }
    /* RS = 0: none. PF without PIE: the flag is set, IRQF and IRQ 8 not. */
    setup(t0, 0);
    wr(RTC_REG_A, 0x20);
    wr(RTC_REG_B, RTC_B_24H | RTC_B_PIE);
    sim_advance(100 * MS);
    CHECK_EQ(rd(RTC_REG_C), 0);
    CHECK_EQ(edges, 0);
    wr(RTC_REG_B, RTC_B_24H);
    wr(RTC_REG_A, 0x26);
    sim_advance(2 * MS);
    CHECK_EQ(rd(RTC_REG_C), RTC_C_PF);
    CHECK_EQ(rd(RTC_REG_C), 0);
    sim_advance(2 * MS);
    CHECK_EQ(edges, 0);
    /* Enabling PIE with PF pending interrupts at once. */
    wr(RTC_REG_B, RTC_B_24H | RTC_B_PIE);
    CHECK_EQ(edges, 1);
    CHECK_EQ(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_PF);
    /* A new rate takes effect on the next tap of the running divider. */
    wr(RTC_REG_A, 0x2f); /* 2 Hz: the updates' half seconds */
    int64_t e0 = edges;
    sim_advance_to(SIM_START + 3 * NS);
    CHECK_EQ(edges, e0 + 1);
    CHECK_EQ(edge_ns[e0], SIM_START + NS / 2);
    rtc_destroy(&rtc);
}

/* ---- the alarm ---- */

/* Hours, minutes and seconds of the alarm (0xC0-0xFF: "don't care"). */
static void set_alarm(uint8_t hours, uint8_t minutes, uint8_t seconds)
{
    wr(RTC_HOURS_ALARM, hours);
    wr(RTC_MINUTES_ALARM, minutes);
    wr(RTC_SECONDS_ALARM, seconds);
}

/* Register C and the edge record cleared, the alarm's IRQ 8 edges until
 * `until` (count_edges). */
static int alarm_edges(int64_t until)
{
    (void)flags();
    edges = 0;
    return count_edges(until, RTC_C_AF);
}

static void test_alarm(void)
{
    int64_t t0 = epoch(2024, 7, 14, 10, 0, 0);
    setup(t0, 0); /* updates at SIM_START + k s */
    /* Exact: 10:00:03, three updates away. AF independent of AIE. */
    set_alarm(0x10, 0x00, 0x03);
    sim_advance_to(SIM_START + 2 * NS);
    CHECK_EQ(flags(), RTC_C_UF);
    sim_advance_to(SIM_START + 3 * NS);
    CHECK_EQ(flags(), RTC_C_UF | RTC_C_AF);
    sim_advance_to(SIM_START + 4 * NS);
    CHECK_EQ(flags(), RTC_C_UF);
    /* With AIE: one edge at 10:00:03 the next day. */
    wr(RTC_REG_B, RTC_B_24H | RTC_B_AIE);
    CHECK_EQ(sim_next_expiry(), SIM_START + 86403 * NS);
    sim_advance_to(SIM_START + 86404 * NS);
    CHECK_EQ(edges, 1);
    CHECK_EQ(edge_ns[0], SIM_START + 86403 * NS);
    CHECK_EQ(flags(), RTC_C_IRQF | RTC_C_AF | RTC_C_UF);

    /* Seconds "don't care", hours and minutes set: every second of 10:01. */
    set_date(epoch(2024, 7, 15, 10, 0, 58));
    int64_t base = sim_ns; /* the phase is whole seconds: next update at base + 1 s */
    set_alarm(0x10, 0x01, 0xff);
    int n = alarm_edges(base + 200 * NS);
    CHECK_EQ(n, 60);
    CHECK_EQ(edge_ns[0], base + 2 * NS);   /* 10:01:00 */
    CHECK_EQ(edge_ns[59], base + 61 * NS); /* 10:01:59 */

    /* Hours and minutes "don't care", seconds 30: once a minute. */
    set_alarm(0xc0, 0xd5, 0x30);
    set_date(epoch(2024, 7, 15, 23, 58, 40));
    base = sim_ns;
    n = alarm_edges(base + 181 * NS);
    CHECK_EQ(n, 3);
    CHECK_EQ(edge_ns[0], base + 50 * NS);  /* 23:59:30 */
    CHECK_EQ(edge_ns[1], base + 110 * NS); /* 00:00:30 */
    CHECK_EQ(edge_ns[2], base + 170 * NS); /* 00:01:30 */

    /* Minutes "don't care" only: 07:mm:15 for every minute of hour 7. */
    set_alarm(0x07, 0xff, 0x15);
    set_date(epoch(2024, 7, 16, 6, 59, 50));
    base = sim_ns;
    n = alarm_edges(base + 3700 * NS);
    CHECK_EQ(n, 60);
    CHECK_EQ(edge_ns[0], base + 25 * NS);

    /* All "don't care": every update. */
    set_alarm(0xff, 0xff, 0xff);
    n = alarm_edges(sim_ns + 10 * NS);
    CHECK_EQ(n, 10);

    /* 12-hour mode: the alarm's PM bit counts. 11 PM alarm, 11 AM now. */
    wr(RTC_REG_B, RTC_B_AIE);
    set_date(epoch(2024, 7, 16, 11, 0, 0));
    base = sim_ns;
    set_alarm(0x80 | 0x11, 0x00, 0x00);
    (void)flags();
    CHECK_EQ(sim_next_expiry(), base + 12 * 3600 * NS);
    /* An alarm that cannot match (minute 61): never. */
    wr(RTC_MINUTES_ALARM, 0x61);
    CHECK_EQ(sim_next_expiry(), INT64_MAX);
    rtc_destroy(&rtc);
}

/* ---- register C, IRQ 8, RESET, NMI, RAM ---- */

static void test_reg_c_and_irq(void)
{
    setup(epoch(2024, 7, 14, 10, 0, 0), 0);
    /* UF, AF and PF together: one edge, all flags, cleared by one read. */
    set_alarm(0xff, 0xff, 0xff);
    wr(RTC_REG_A, 0x2f); /* 2 Hz: a tap at each update */
    wr(RTC_REG_B, RTC_B_24H | RTC_B_UIE | RTC_B_AIE | RTC_B_PIE);
    sim_advance_to(SIM_START + NS);
    CHECK_EQ(edges, 1);
    CHECK(irq_level);
    CHECK_EQ(rd(RTC_REG_C), RTC_C_IRQF | RTC_C_PF | RTC_C_AF | RTC_C_UF);
    CHECK(!irq_level);
    CHECK_EQ(rd(RTC_REG_C), 0);
    /* Register C and D ignore writes; D always reads VRT. */
    wr(RTC_REG_C, 0xff);
    wr(RTC_REG_D, 0x00);
    CHECK_EQ(rd(RTC_REG_C), 0);
    CHECK_EQ(rd(RTC_REG_D), RTC_D_VRT);
    /* UIP in register A is read-only. */
    wr(RTC_REG_A, 0xa6);
    CHECK_EQ(rtc_cmos_get(&rtc, RTC_REG_A), 0x26);
    rtc_destroy(&rtc);
}

static void test_reset_pin(void)
{
    int64_t t0 = epoch(2024, 7, 14, 10, 0, 0);
    setup(t0, 0);
    wr(0x40, 0x5a);
    wr(RTC_SHUTDOWN_STATUS, 0x0a);
    wr(RTC_REG_B, RTC_B_24H | RTC_B_DM | RTC_B_UIE | RTC_B_PIE | RTC_B_AIE | RTC_B_SQWE);
    sim_advance_to(SIM_START + NS);
    CHECK(irq_level);
    rtc_reset(&rtc);
    CHECK(!irq_level);
    CHECK_EQ(rd(RTC_REG_B), RTC_B_24H | RTC_B_DM);
    CHECK_EQ(flags(), 0);
    CHECK_EQ(rd(RTC_REG_A), 0x26);
    CHECK_EQ(rd(0x40), 0x5a);
    CHECK_EQ(rd(RTC_SHUTDOWN_STATUS), 0x0a);
    CHECK_EQ(sim_next_expiry(), INT64_MAX);
    sim_advance(2 * NS);
    CHECK_DATE(t0 + 3); /* the clock ran on */
    CHECK_EQ(edges, 1);
    rtc_destroy(&rtc);
}

static void test_index_and_nmi(void)
{
    setup(epoch(2024, 7, 14, 10, 0, 0), 0);
    CHECK(!rtc_nmi_masked(&rtc));
    rtc_ops.write(&rtc, 0, 0x80 | RTC_REG_A, 1);
    CHECK(rtc_nmi_masked(&rtc));
    CHECK_EQ(rtc_ops.read(&rtc, 1, 1), 0x26);
    CHECK_EQ(rtc_ops.read(&rtc, 0, 1), 0xff); /* the index is write-only */
    rtc_ops.write(&rtc, 0, 0x0d, 1);
    CHECK(!rtc_nmi_masked(&rtc));
    CHECK_EQ(rtc_ops.read(&rtc, 1, 1), 0x80);
    rtc_ops.write(&rtc, 0, 0x80 | 0x7f, 1);
    rtc_ops.write(&rtc, 1, 0x42, 1);
    CHECK(rtc_nmi_masked(&rtc));
    CHECK_EQ(rtc_cmos_get(&rtc, 0x7f), 0x42);
    CHECK_EQ(rtc_ops.read(&rtc, 1, 1), 0x42);
    /* The RESET pin leaves the index register (and its NMI mask) alone. */
    rtc_reset(&rtc);
    CHECK(rtc_nmi_masked(&rtc));
    rtc_destroy(&rtc);
}

static void test_cmos_pc(void)
{
    setup(epoch(2024, 7, 14, 10, 0, 0), 0);
    for (unsigned i = 0x0e; i < RTC_CMOS_SIZE; i++) {
        if (i != RTC_CENTURY && i != RTC_PS2_CENTURY) {
            wr(i, (uint8_t)(i * 7));
        }
    }
    for (unsigned i = 0x0e; i < RTC_CMOS_SIZE; i++) {
        if (i != RTC_CENTURY && i != RTC_PS2_CENTURY) {
            CHECK_EQ(rd(i), (uint8_t)(i * 7));
        }
    }
    CHECK_EQ(rtc_cmos_set(&rtc, 0x0d, 0), -EINVAL);
    CHECK_EQ(rtc_cmos_set(&rtc, RTC_CENTURY, 0), -EINVAL);
    CHECK_EQ(rtc_cmos_set(&rtc, 128, 0), -EINVAL);
    CHECK_EQ(rtc_cmos_set(&rtc, 0x0e, 0x11), 0);
    CHECK_EQ(rd(0x0e), 0x11);

    /* What qemu-system-x86_64 -M pc stores, read through its monitor
     * ("o /b 0x70 i", "i /b 0x71") before the guest runs. */
    static const unsigned idx[] = {0x10, 0x12, 0x14, 0x15, 0x16, 0x17, 0x18, 0x30, 0x31,
                                   0x34, 0x35, 0x38, 0x3d, 0x5b, 0x5c, 0x5d, 0x5f};
    static const struct {
        RtcPcInfo info;
        uint8_t want[17];
    } cases[] = {
        /* -m 256 */
        {{256 << 20, 0, 1, NULL},
         {0x00, 0x00, 0x06, 0x80, 0x02, 0xff, 0xff, 0xff, 0xff, 0x00, 0x0f, 0x30, 0x12, 0x00, 0x00,
          0x00, 0x00}},
        /* -m 5G -smp 2 -boot order=dn (3 GiB below 4 GiB) */
        {{3ull << 30, 2ull << 30, 2, "dn"},
         {0x00, 0x00, 0x06, 0x80, 0x02, 0xff, 0xff, 0xff, 0xff, 0x00, 0xbf, 0x00, 0x43, 0x00, 0x80,
          0x00, 0x01}},
        /* -m 12M */
        {{12 << 20, 0, 1, NULL},
         {0x00, 0x00, 0x06, 0x80, 0x02, 0x00, 0x2c, 0x00, 0x2c, 0x00, 0x00, 0x30, 0x12, 0x00, 0x00,
          0x00, 0x00}},
    };
    for (unsigned c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        memset(&rtc.cmos[0x0e], 0, 0x32 - 0x0e);
        memset(&rtc.cmos[0x33], 0, RTC_CMOS_SIZE - 0x33);
        CHECK_EQ(rtc_cmos_init_pc(&rtc, &cases[c].info), 0);
        for (unsigned i = 0; i < 17; i++) {
            check_count++;
            if (rd(idx[i]) != cases[c].want[i]) {
                check_failures++;
                fprintf(stderr, "%s:%d: case %u: CMOS 0x%02x is 0x%02x, want 0x%02x\n", __FILE__,
                        __LINE__, c, idx[i], rd(idx[i]), cases[c].want[i]);
            }
        }
    }
    RtcPcInfo bad = {256 << 20, 0, 1, "cx"};
    CHECK_EQ(rtc_cmos_init_pc(&rtc, &bad), -EINVAL);
    bad.boot_order = "cdna";
    CHECK_EQ(rtc_cmos_init_pc(&rtc, &bad), -EINVAL);
    bad.boot_order = NULL;
    bad.cpus = 0;
    CHECK_EQ(rtc_cmos_init_pc(&rtc, &bad), -EINVAL);
    bad.cpus = 255;
    CHECK_EQ(rtc_cmos_init_pc(&rtc, &bad), 0);
    CHECK_EQ(rd(0x5f), 254);
    bad.cpus = 256; /* QEMU: more than 0xff CPUs store 0 */
    CHECK_EQ(rtc_cmos_init_pc(&rtc, &bad), 0);
    CHECK_EQ(rd(0x5f), 0);
    rtc_destroy(&rtc);
}

static void test_no_timer(void)
{
    sim_ntimers = SIM_MAX_TIMERS; /* out of timers */
    CHECK_EQ(rtc_init(&rtc, &sim_clock, 0, (IrqLine){0}), -ENOMEM);
}

int main(void)
{
    test_power_on();
    test_update_cycle();
    test_uie_irq();
    test_formats();
    test_set_freezes();
    test_write_moves_time();
    test_rollover();
    test_divider_reset();
    test_periodic_rates();
    test_alarm();
    test_reg_c_and_irq();
    test_reset_pin();
    test_index_and_nmi();
    test_cmos_pc();
    test_no_timer();
    return check_report("mc146818");
}
