/* The i8254 PIT on a simulated clock: OUT and the count of modes 0-5 tick
 * by tick (Intel 8254 datasheet, "Mode Definitions" and its waveform
 * figures), GATE, the latch and read-back commands, access modes, BCD,
 * port 0x61, and IRQ 0 with its coalescing of edges the PIC has not taken. */
#include "hw/hw.h"
#include "tests/unit/check.h"
#include "tests/unit/sim_clock.h"

#include <errno.h>
#include <string.h>

/* ---- PIT ticks on the simulated clock (tests/unit/sim_clock.h) ---- */

/* The first ns of PIT tick t. */
static int64_t ns_of(int64_t t)
{
    return (int64_t)(((__int128)t * 1000000000 + PIT_FREQ_HZ - 1) / PIT_FREQ_HZ);
}

static int64_t tick_now(void)
{
    return (int64_t)((__int128)sim_ns * PIT_FREQ_HZ / 1000000000);
}

static void at_tick(int64_t t)
{
    sim_advance_to(ns_of(t));
}

/* ---- the device ---- */

static Pit pit;
static int edges; /* rising edges on IRQ 0 */
static int64_t edge_ticks[64];
static int irq_level;

static void irq0(void *opaque, int n, int level)
{
    if (level && !irq_level) {
        if (edges < 64) {
            edge_ticks[edges] = tick_now();
        }
        edges++;
    }
    irq_level = level;
}

static void setup(void)
{
    sim_reset(ns_of(1000));
    edges = 0;
    irq_level = 0;
    CHECK(pit_init(&pit, &sim_clock, (IrqLine){irq0, NULL, 0}) == 0);
}

static void out(uint16_t port, uint8_t val)
{
    if (port == 0x61) {
        pit_port61_ops.write(&pit, 0, val, 1);
    } else {
        pit_ops.write(&pit, port - 0x40, val, 1);
    }
}

static uint8_t in(uint16_t port)
{
    if (port == 0x61) {
        return (uint8_t)pit_port61_ops.read(&pit, 0, 1);
    }
    return (uint8_t)pit_ops.read(&pit, port - 0x40, 1);
}

/* LSB then MSB, in that order (two reads of one expression would not be). */
static uint32_t read16(uint16_t port)
{
    uint32_t lsb = in(port);
    return lsb | (uint32_t)in(port) << 8;
}

static void write_count16(int counter, uint16_t n)
{
    out(0x40 + counter, n & 0xff);
    out(0x40 + counter, n >> 8);
}

/* OUT of counter c at ticks from..to-1, as a string of 0 and 1, moving
 * the clock along; the counts seen on the way go to wave_counts. */
static uint32_t wave_counts[128];

static void waveform(int c, int64_t from, int64_t to, char *buf)
{
    for (int64_t t = from; t < to; t++) {
        at_tick(t);
        wave_counts[t - from] = pit_count(&pit, c);
        *buf++ = pit_out(&pit, c) ? '1' : '0';
    }
    *buf = '\0';
}

#define CHECK_WAVE(c, from, to, want)                                                              \
    do {                                                                                           \
        char got_[128];                                                                            \
        waveform(c, from, to, got_);                                                               \
        check_count++;                                                                             \
        if (strcmp(got_, want) != 0) {                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: OUT%d is %s, want %s\n", __FILE__, __LINE__, c, got_, want);   \
        }                                                                                          \
    } while (0)

/* ---- modes ---- */

static void test_mode0(void)
{
    setup();
    out(0x43, 0x30); /* counter 0, LSB/MSB, mode 0, binary */
    CHECK(!pit_out(&pit, 0));
    at_tick(2000);
    write_count16(0, 5);
    /* Loaded on the next clock (2001, count 5), OUT high at count 0:
     * N + 1 = 6 clocks after the write. */
    CHECK_WAVE(0, 2000, 2010, "0000001111");
    at_tick(2001);
    CHECK_EQ(pit_count(&pit, 0), 5);
    at_tick(2004);
    CHECK_EQ(pit_count(&pit, 0), 2);
    at_tick(2006);
    CHECK_EQ(pit_count(&pit, 0), 0);
    at_tick(2007);
    CHECK_EQ(pit_count(&pit, 0), 0xffff); /* it goes on counting */
    CHECK_EQ(edges, 1);
    CHECK_EQ(edge_ticks[0], 2006);
    /* The first byte of a new count stops counting and drops OUT. */
    at_tick(2100);
    uint32_t held = pit_count(&pit, 0);
    out(0x40, 10);
    CHECK(!pit_out(&pit, 0));
    at_tick(2200);
    CHECK_EQ(pit_count(&pit, 0), held);
    out(0x40, 0); /* count 10 */
    CHECK_WAVE(0, 2200, 2214, "00000000000111");
}

static void test_mode1(void)
{
    setup();
    out(0x43, 0xb2);         /* counter 2, LSB/MSB, mode 1 */
    CHECK(pit_out(&pit, 2)); /* high after the control word */
    write_count16(2, 4);
    CHECK_WAVE(2, 1000, 1004, "1111"); /* nothing until a trigger */
    at_tick(1010);
    pit_set_gate(&pit, 2, true); /* trigger */
    CHECK_WAVE(2, 1010, 1018, "10000111");
    /* Retriggered while counting: the count starts over. */
    at_tick(1030);
    pit_set_gate(&pit, 2, false);
    pit_set_gate(&pit, 2, true);
    CHECK_WAVE(2, 1030, 1032, "10");
    at_tick(1032);
    pit_set_gate(&pit, 2, false);
    pit_set_gate(&pit, 2, true);
    CHECK_WAVE(2, 1032, 1042, "0000011111");
    /* A new count waits for the next trigger. */
    write_count16(2, 2);
    at_tick(1050);
    pit_set_gate(&pit, 2, false);
    pit_set_gate(&pit, 2, true);
    CHECK_WAVE(2, 1050, 1056, "100111");
}

static void test_mode2(void)
{
    setup();
    out(0x43, 0x34); /* counter 0, mode 2 */
    CHECK(pit_out(&pit, 0));
    at_tick(1000);
    write_count16(0, 5);
    /* Loaded at 1001: 5 4 3 2 1(low) 5 4 3 2 1(low) ... */
    CHECK_WAVE(0, 1000, 1016, "1111101111011110");
    CHECK_EQ(wave_counts[1], 5);
    CHECK_EQ(wave_counts[5], 1);
    CHECK_EQ(wave_counts[6], 5);
    /* A new count mid-period starts when the period ends (at 1021). */
    at_tick(1018);
    write_count16(0, 3);
    CHECK_WAVE(0, 1018, 1030, "110110110110");
    CHECK_EQ(wave_counts[2], 1);
    CHECK_EQ(wave_counts[3], 3);
    /* With GATE low OUT is forced high and counting stops; the rising GATE
     * reloads (counter 2). */
    out(0x43, 0xb4);
    out(0x61, 0x01);
    write_count16(2, 4);
    at_tick(2000);
    CHECK_WAVE(2, 2000, 2006, "101110");
    pit_set_gate(&pit, 2, false);
    uint32_t held = pit_count(&pit, 2);
    CHECK_WAVE(2, 2006, 2010, "1111");
    CHECK_EQ(pit_count(&pit, 2), held);
    pit_set_gate(&pit, 2, true);
    CHECK_WAVE(2, 2010, 2016, "111011");
}

static void test_mode3(void)
{
    setup();
    out(0x43, 0x36); /* counter 0, mode 3 */
    at_tick(1000);
    write_count16(0, 6);
    /* Even count: 3 ticks high, 3 low; the count goes 6 4 2 6 4 2. */
    CHECK_WAVE(0, 1000, 1014, "11110001110001");
    static const uint32_t even[] = {6, 4, 2, 6, 4, 2, 6};
    for (int i = 0; i < 7; i++) {
        CHECK_EQ(wave_counts[1 + i], even[i]);
    }
    /* Odd count 5: (N + 1) / 2 = 3 high, 2 low; N - 1 loaded, 0 shown once
     * before OUT falls: 4 2 0 | 4 2. */
    out(0x43, 0x36);
    at_tick(1100);
    write_count16(0, 5);
    CHECK_WAVE(0, 1100, 1112, "111100111001");
    static const uint32_t odd[] = {4, 2, 0, 4, 2, 4};
    for (int i = 0; i < 6; i++) {
        CHECK_EQ(wave_counts[1 + i], odd[i]);
    }
    /* A new count takes effect at the end of the half-period: written in
     * the high half at 1203 (count 6 from 1201), the low half of count 4
     * starts at 1204. */
    out(0x43, 0x36);
    at_tick(1200);
    write_count16(0, 6);
    CHECK_WAVE(0, 1200, 1203, "111");
    at_tick(1203);
    write_count16(0, 4);
    CHECK_WAVE(0, 1203, 1214, "10011001100");
    CHECK_EQ(wave_counts[1], 4); /* the low half of count 4 */
    CHECK_EQ(wave_counts[2], 2);
    CHECK_EQ(wave_counts[3], 4);
}

static void test_mode4_and_5(void)
{
    setup();
    out(0x43, 0x38); /* counter 0, mode 4 */
    CHECK(pit_out(&pit, 0));
    at_tick(1000);
    write_count16(0, 3);
    /* Loaded at 1001 (3), 0 at 1004: OUT low for that one tick. */
    CHECK_WAVE(0, 1000, 1008, "11110111");
    CHECK_EQ(edges, 1);
    CHECK_EQ(edge_ticks[0], 1005);
    /* Mode 4 on counter 2: GATE low suspends counting. */
    out(0x43, 0xb8);
    out(0x61, 0x01);
    at_tick(1100);
    write_count16(2, 4);
    at_tick(1102);
    pit_set_gate(&pit, 2, false); /* count 3 */
    CHECK_WAVE(2, 1102, 1106, "1111");
    CHECK_EQ(pit_count(&pit, 2), 3);
    pit_set_gate(&pit, 2, true);
    CHECK_WAVE(2, 1106, 1112, "110111");
    /* Mode 5: the strobe follows a rising GATE. */
    out(0x43, 0xba);
    pit_set_gate(&pit, 2, false);
    write_count16(2, 2);
    CHECK_WAVE(2, 1200, 1204, "1111");
    pit_set_gate(&pit, 2, true);
    CHECK_WAVE(2, 1204, 1210, "110111");
}

/* ---- reading ---- */

static void test_latch_and_readback(void)
{
    setup();
    out(0x43, 0x34);
    at_tick(1000);
    write_count16(0, 1000);
    at_tick(1011);
    out(0x43, 0x00); /* latch counter 0: 990 */
    at_tick(1100);
    out(0x43, 0x00); /* ignored: the first latch is not read yet */
    CHECK_EQ(in(0x40), 990 & 0xff);
    at_tick(1200);
    CHECK_EQ(in(0x40), 990 >> 8);
    CHECK_EQ(read16(0x40), 1000 - 199); /* live again */
    /* Read-back of status and count of counters 0 and 2: the status comes
     * first, then the count. */
    out(0x43, 0xb6); /* counter 2, mode 3 */
    CHECK_EQ(pit_count(&pit, 2), 0);
    out(0x43, 0xc0 | 0x08 | 0x02);          /* count and status of 0 and 2 */
    CHECK_EQ(in(0x42), 0x80 | 0x40 | 0x36); /* OUT high in mode 3; no count yet */
    CHECK_EQ(in(0x40), 0x80 | 0x34);        /* OUT high, count loaded, control */
    CHECK_EQ(read16(0x40), 1000 - 199);
    CHECK_EQ(read16(0x42), 0);
    /* Status only: the null count clears once the count is loaded. */
    at_tick(1300);
    out(0x61, 0x01);
    write_count16(2, 8);
    out(0x43, 0xe8); /* status of counter 2 */
    CHECK_EQ(in(0x42), 0x80 | 0x40 | 0x36);
    at_tick(1301);
    out(0x43, 0xe8);
    CHECK_EQ(in(0x42), 0x80 | 0x36);
    at_tick(1305);
    out(0x43, 0xe8);
    CHECK_EQ(in(0x42), 0x00 | 0x36); /* the low half */
    /* Count only, twice before reading: the second is ignored. */
    out(0x43, 0xd8); /* 8: the low half has begun */
    at_tick(1306);
    out(0x43, 0xd8);
    CHECK_EQ(read16(0x42), 8);
    CHECK_EQ(read16(0x42), 6);
    /* GATE low, mode 2: the first count is loaded on the next clock
     * anyway; a second one waits for the rising GATE. */
    out(0x61, 0x00);
    out(0x43, 0xb4);
    write_count16(2, 100);
    out(0x43, 0xe8);
    CHECK_EQ(in(0x42), 0x80 | 0x40 | 0x34);
    at_tick(1401);
    out(0x43, 0xe8);
    CHECK_EQ(in(0x42), 0x80 | 0x34);
    CHECK_EQ(pit_count(&pit, 2), 100);
    write_count16(2, 50);
    at_tick(1500);
    out(0x43, 0xe8);
    CHECK_EQ(in(0x42), 0x80 | 0x40 | 0x34);
    out(0x61, 0x01);
    at_tick(1501);
    out(0x43, 0xe8);
    CHECK_EQ(in(0x42), 0x80 | 0x34);
    CHECK_EQ(pit_count(&pit, 2), 50);
    /* The control register cannot be read. */
    CHECK_EQ(in(0x43), 0xff);
}

static void test_access_modes(void)
{
    setup();
    out(0x43, 0x10); /* counter 0, LSB only, mode 0 */
    at_tick(1000);
    out(0x40, 0x20);
    at_tick(1001);
    CHECK_EQ(in(0x40), 0x20);
    CHECK_EQ(in(0x40), 0x20); /* no flip-flop */
    CHECK_EQ(pit_count(&pit, 0), 0x20);
    out(0x43, 0x20); /* MSB only */
    out(0x40, 0x12);
    at_tick(1002);
    CHECK_EQ(pit_count(&pit, 0), 0x1200);
    CHECK_EQ(in(0x40), 0x12);
    at_tick(1003);
    CHECK_EQ(in(0x40), 0x11); /* 0x11ff */
    /* LSB then MSB: reads and writes have their own flip-flops. */
    out(0x43, 0x34);
    at_tick(1100);
    write_count16(0, 0x1234);
    at_tick(1101);
    CHECK_EQ(in(0x40), 0x34);
    out(0x40, 0x78);          /* the LSB of a new count */
    CHECK_EQ(in(0x40), 0x12); /* the read's MSB */
    out(0x40, 0x56);          /* the new count 0x5678 */
    at_tick(1110);            /* from the end of the period */
    CHECK_EQ(pit_count(&pit, 0), 0x1234 - 9);
    /* A control word resets both flip-flops. */
    out(0x40, 0x11);
    (void)in(0x40);
    out(0x43, 0x34);
    write_count16(0, 0x0300);
    at_tick(1111);
    CHECK_EQ(in(0x40), 0x00);
    CHECK_EQ(in(0x40), 0x03);
    /* 0 is the largest count: 65536, read as 0. */
    out(0x43, 0x30);
    at_tick(1200);
    write_count16(0, 0);
    at_tick(1201);
    CHECK_EQ(pit_count(&pit, 0), 0);
    at_tick(1202);
    CHECK_EQ(pit_count(&pit, 0), 0xffff);
    at_tick(1200 + 65536);
    CHECK(!pit_out(&pit, 0));
    at_tick(1201 + 65536);
    CHECK_EQ(pit_count(&pit, 0), 0);
    CHECK(pit_out(&pit, 0));
}

static void test_bcd(void)
{
    setup();
    out(0x43, 0x31); /* counter 0, mode 0, BCD */
    at_tick(1000);
    write_count16(0, 0x0100); /* 100 */
    at_tick(1002);
    CHECK_EQ(read16(0x40), 0x0099);
    at_tick(1101);
    CHECK_EQ(read16(0x40), 0x0000);
    CHECK(pit_out(&pit, 0));
    at_tick(1102);
    CHECK_EQ(read16(0x40), 0x9999); /* wraps in decimal */
    /* 0 in BCD is 10000. */
    out(0x43, 0x35); /* mode 2, BCD */
    at_tick(2000);
    write_count16(0, 0);
    at_tick(2002);
    CHECK_EQ(read16(0x40), 0x9999);
    at_tick(2001 + 9999);
    CHECK_EQ(read16(0x40), 0x0001);
    CHECK(!pit_out(&pit, 0));
    at_tick(2001 + 10000);
    CHECK(pit_out(&pit, 0));
    /* A latched count reads in BCD too. */
    at_tick(2001 + 10000 + 1234);
    out(0x43, 0x00);
    CHECK_EQ(read16(0x40), 0x8766);
}

/* ---- port 0x61 and IRQ 0 ---- */

static void test_port61(void)
{
    setup();
    CHECK_EQ(in(0x61) & 0x2f, 0x00);
    out(0x43, 0xb6); /* counter 2, mode 3 */
    write_count16(2, 4);
    out(0x61, 0x03); /* gate on, speaker data on */
    CHECK_EQ(in(0x61) & 0x0f, 0x03);
    int64_t t = tick_now();
    at_tick(t + 1);
    CHECK_EQ(in(0x61) & 0x20, 0x20);
    at_tick(t + 3);
    CHECK_EQ(in(0x61) & 0x20, 0x00);
    at_tick(t + 5);
    CHECK_EQ(in(0x61) & 0x20, 0x20);
    out(0x61, 0xf2); /* bits 7:4 are read-only; the gate drops */
    CHECK_EQ(in(0x61) & 0x2f, 0x22);
    /* Bit 4 toggles every 15.085 us. */
    sim_advance_to(15085 * 1000);
    uint8_t a = in(0x61) & 0x10;
    sim_advance_to(15085 * 1001);
    uint8_t b = in(0x61) & 0x10;
    CHECK(a != b);
}

static void test_irq0_coalescing(void)
{
    setup();
    out(0x43, 0x34);
    at_tick(1000);
    write_count16(0, 2); /* edges at 1003, 1005, 1007, ... */
    at_tick(1100);
    /* The PIC did not take the first edge: later ones are not sent, and
     * no timer is left armed. */
    CHECK_EQ(edges, 1);
    CHECK_EQ(edge_ticks[0], 1003);
    CHECK(!sim_timers[0].armed);
    pit_irq_accepted(&pit);
    CHECK(sim_timers[0].armed);
    at_tick(1101);
    CHECK_EQ(edges, 2);
    CHECK_EQ(edge_ticks[1], 1101);
    /* Taken at once every time: one edge per period. */
    for (int i = 0; i < 10; i++) {
        pit_irq_accepted(&pit);
        at_tick(1103 + 2 * i);
    }
    CHECK_EQ(edges, 12);
    CHECK_EQ(edge_ticks[11], 1121);
    /* Reprogrammed while an edge waits: nothing is sent until it is taken;
     * then the next edge of the new programming. */
    out(0x43, 0x30);
    at_tick(1200);
    write_count16(0, 50); /* high at 1251 */
    at_tick(1300);
    CHECK_EQ(edges, 12);
    pit_irq_accepted(&pit);
    CHECK(!sim_timers[0].armed); /* mode 0 rose at 1251 already */
    out(0x43, 0x30);
    write_count16(0, 50);
    at_tick(1400);
    CHECK_EQ(edges, 13);
    CHECK_EQ(edge_ticks[12], 1351);
    /* Counter 1 and 2 do not drive IRQ 0. */
    pit_irq_accepted(&pit);
    out(0x43, 0x74);
    write_count16(1, 2);
    at_tick(1500);
    CHECK_EQ(edges, 13);
    pit_destroy(&pit);
}

/* The board: PIT at 0x40 and 0x61, counter 0 through the PIC to INTR; the
 * PIC's acknowledge lets the PIT raise its next edge. */
static int board_intr;

static void board_intr_changed(void *opaque, int n, int level)
{
    board_intr = level;
}

static void test_board_irq0(void)
{
    static PcMachine pc;
    sim_reset(ns_of(1000));
    CHECK(pc_init(&pc, 16u << 20) == 0);
    CHECK(pc_add_pit(&pc, &sim_clock) == 0);
    CHECK(pc_add_pit(&pc, &sim_clock) == -EBUSY);
    board_intr = 0;
    pc_connect_intr(&pc, (IrqLine){board_intr_changed, NULL, 0});
    static const uint8_t init[][2] = {{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01},
                                      {0xa0, 0x11}, {0xa1, 0x70}, {0xa1, 0x02}, {0xa1, 0x01},
                                      {0x21, 0xfe}, {0xa1, 0xff}};
    for (size_t i = 0; i < sizeof(init) / sizeof(init[0]); i++) {
        pc_port_write(&pc, init[i][0], init[i][1], 1);
    }
    pc_port_write(&pc, 0x43, 0x34, 1); /* mode 2, count 10: edges at 1011, 1021, ... */
    pc_port_write(&pc, 0x40, 10, 1);
    pc_port_write(&pc, 0x40, 0, 1);
    at_tick(1010);
    CHECK_EQ(board_intr, 0);
    at_tick(1011);
    CHECK_EQ(board_intr, 1);
    at_tick(1100);
    CHECK(!sim_timers[0].armed); /* the PIC holds an edge: no more until taken */
    CHECK_EQ(pc_intack(&pc), 0x08);
    CHECK_EQ(board_intr, 0);
    CHECK(sim_timers[0].armed);
    CHECK_EQ(sim_timers[0].expire, ns_of(1101));
    at_tick(1101);
    CHECK_EQ(board_intr, 0); /* IRR set, but IR0 is in service */
    pc_port_write(&pc, 0x20, 0x20, 1);
    CHECK_EQ(board_intr, 1);
    /* Port 0x61 is the PIT's. */
    pc_port_write(&pc, 0x61, 0x03, 1);
    CHECK_EQ(pc_port_read(&pc, 0x61, 1) & 0x0f, 0x03);
    pc_destroy(&pc);
}

int main(void)
{
    test_mode0();
    test_mode1();
    test_mode2();
    test_mode3();
    test_mode4_and_5();
    test_latch_and_readback();
    test_access_modes();
    test_bcd();
    test_port61();
    test_irq0_coalescing();
    test_board_irq0();
    return check_report("i8254");
}
