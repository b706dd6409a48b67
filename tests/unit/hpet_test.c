/* The HPET on a simulated clock: registers as qemu-system-x86_64 -M pc
 * shows them (read through its monitor, "xp /2wx 0xfed00000"), the main
 * counter's rate, halting and writes, 32- and 64-bit accesses, one-shot and
 * periodic timers (the accumulator rule and the examples of Intel's chipset
 * datasheets), 32-bit mode and its wrap interrupt, level status and its
 * write-1-to-clear, edges, routing, legacy replacement with its callback
 * and pass-through, and Linux's own programming sequences. */
#include "hw/hpet.h"
#include "tests/unit/check.h"
#include "tests/unit/sim_clock.h"

#include <errno.h>
#include <string.h>

/* The expiry of the HwTimer of HPET timer n, or -1 if not armed. */
static int64_t expiry(unsigned n);

/* ---- the device and its lines ---- */

#define US 1000ll
#define MS 1000000ll
#define NS 1000000000ll
#define SIM_START (1000 * NS)
#define LINE_IRQ0 100
#define LINE_IRQ8 108

typedef struct Wire {
    int level;
    int edges; /* rising */
    int64_t last_edge;
    int64_t first_edge;
} Wire;

static Hpet hpet;
static Wire gsi[HPET_NUM_GSI], irq0, irq8;
static int legacy_calls;
static bool legacy_on;

static void wire(void *opaque, int n, int level)
{
    Wire *w = n == LINE_IRQ0 ? &irq0 : n == LINE_IRQ8 ? &irq8 : &gsi[n];
    if (level && !w->level) {
        if (!w->edges) {
            w->first_edge = sim_ns;
        }
        w->edges++;
        w->last_edge = sim_ns;
    }
    w->level = level;
}

static void legacy_changed(void *opaque, bool on)
{
    legacy_calls++;
    legacy_on = on;
}

static int64_t expiry(unsigned n)
{
    const HwTimer *t = hpet.t[n].timer;
    return t->armed ? t->expire : -1;
}

static void setup_cap(uint32_t route_cap)
{
    sim_reset(SIM_START);
    memset(gsi, 0, sizeof(gsi));
    memset(&irq0, 0, sizeof(irq0));
    memset(&irq8, 0, sizeof(irq8));
    legacy_calls = 0;
    legacy_on = false;
    HpetIrqs irqs = {.isa_irq0 = {wire, NULL, LINE_IRQ0},
                     .isa_irq8 = {wire, NULL, LINE_IRQ8},
                     .legacy_changed = legacy_changed};
    for (int i = 0; i < HPET_NUM_GSI; i++) {
        irqs.gsi[i] = (IrqLine){wire, NULL, i};
    }
    CHECK_EQ(hpet_init(&hpet, &sim_clock, &irqs, route_cap), 0);
}

static void setup(void)
{
    setup_cap(HPET_PC_ROUTE_CAP);
}

static uint64_t rd(uint64_t off, unsigned size)
{
    return hpet_ops.read(&hpet, off, size);
}

static uint32_t rd32(uint64_t off)
{
    return (uint32_t)rd(off, 4);
}

static uint64_t rd64(uint64_t off)
{
    return rd(off, 8);
}

static void wr(uint64_t off, uint64_t v, unsigned size)
{
    hpet_ops.write(&hpet, off, v, size);
}

static void wr32(uint64_t off, uint32_t v)
{
    wr(off, v, 4);
}

static void wr64(uint64_t off, uint64_t v)
{
    wr(off, v, 8);
}

static uint64_t tcfg(unsigned n)
{
    return HPET_REG_TIMER0 + n * HPET_TIMER_STRIDE + HPET_TN_CONFIG;
}

static uint64_t tcmp(unsigned n)
{
    return HPET_REG_TIMER0 + n * HPET_TIMER_STRIDE + HPET_TN_COMPARATOR;
}

static uint64_t route(unsigned gsi_n)
{
    return (uint64_t)gsi_n << HPET_TN_ROUTE_SHIFT;
}

static void start(void)
{
    wr32(HPET_REG_CONFIG, (uint32_t)(rd32(HPET_REG_CONFIG) | HPET_CFG_ENABLE));
}

static void stop(void)
{
    wr32(HPET_REG_CONFIG, (uint32_t)(rd32(HPET_REG_CONFIG) & ~HPET_CFG_ENABLE));
}

/* The ns at which the counter, started at SIM_START from 0, reaches tick. */
static int64_t at_tick(uint64_t tick)
{
    return SIM_START + (int64_t)tick * 10;
}

/* ---- registers ---- */

static void test_registers(void)
{
    setup();
    /* As qemu-system-x86_64 -M pc shows them after reset. */
    CHECK_EQ(rd32(HPET_REG_CAP_ID), 0x8086a201);
    CHECK_EQ(rd32(HPET_REG_CAP_ID + 4), 0x00989680); /* 10,000,000 fs */
    CHECK_EQ(rd64(HPET_REG_CAP_ID), 0x009896808086a201ull);
    CHECK_EQ(rd(HPET_REG_CAP_ID + 2, 2), 0x8086); /* vendor, a narrow read */
    CHECK_EQ(rd(HPET_REG_CAP_ID + 1, 1), 0xa2);   /* LEG_RT_CAP, COUNT_SIZE_CAP, 3 timers */
    CHECK_EQ(rd64(HPET_REG_CONFIG), 0);
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 0);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 0);
    for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
        CHECK_EQ(rd32(tcfg(n)), 0x00000030);
        CHECK_EQ(rd32(tcfg(n) + 4), 0x00000004);
        CHECK_EQ(rd64(tcmp(n)), ~0ull);
        CHECK_EQ(rd64(tcmp(n) + 8), 0); /* FSB route */
    }
    CHECK_EQ(rd64(HPET_REG_TIMER0 + 3 * HPET_TIMER_STRIDE), 0); /* no timer 3 */
    CHECK_EQ(rd64(0x008), 0);
    CHECK_EQ(rd64(0x3f8), 0);
    /* Read-only: capabilities, reserved bits, FSB enable, route capability. */
    wr64(HPET_REG_CAP_ID, 0);
    CHECK_EQ(rd64(HPET_REG_CAP_ID), 0x009896808086a201ull);
    wr64(HPET_REG_CONFIG, ~0ull);
    CHECK_EQ(rd64(HPET_REG_CONFIG), HPET_CFG_ENABLE | HPET_CFG_LEGACY);
    wr64(HPET_REG_CONFIG, 0);
    wr64(tcfg(1), ~0ull & ~HPET_TN_ROUTE_MASK);
    CHECK_EQ(rd64(tcfg(1)), 0x0000000400000000ull | HPET_TN_LEVEL | HPET_TN_INT_ENB |
                                HPET_TN_PERIODIC | HPET_TN_PER_CAP | HPET_TN_SIZE_CAP |
                                HPET_TN_VAL_SET | HPET_TN_32BIT);
    /* The FSB route register just stores. */
    wr32(tcmp(2) + 8, 0x12345678);
    wr32(tcmp(2) + 12, 0x9abcdef0);
    CHECK_EQ(rd64(tcmp(2) + 8), 0x9abcdef012345678ull);
    hpet_destroy(&hpet);
}

/* ---- the main counter ---- */

static void test_counter(void)
{
    setup();
    sim_advance(MS);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 0); /* halted */
    start();
    CHECK_EQ(rd64(HPET_REG_COUNTER), 0);
    sim_advance(9);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 0);
    sim_advance(1);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 1); /* one tick per 10 ns */
    sim_advance(MS - 10);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 100000);
    sim_advance(NS);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 100100000);
    /* Halted, it holds; restarted, it runs on from there. */
    stop();
    sim_advance(5 * NS);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 100100000);
    start();
    sim_advance(10 * US);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 100101000);
    stop();

    /* Writes while halted: halves and whole. */
    wr32(HPET_REG_COUNTER, 0xfffffff0);
    wr32(HPET_REG_COUNTER + 4, 0x00000001);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 0x1fffffff0ull);
    CHECK_EQ(rd32(HPET_REG_COUNTER), 0xfffffff0);
    CHECK_EQ(rd32(HPET_REG_COUNTER + 4), 1);
    wr64(HPET_REG_COUNTER, 0x123456789abcdef0ull);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 0x123456789abcdef0ull);
    wr32(HPET_REG_COUNTER + 4, 0);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 0x9abcdef0ull);
    /* Across the 32-bit boundary: the carry reaches the high half. */
    wr64(HPET_REG_COUNTER, 0xffffff00ull);
    start();
    sim_advance(2560 + 10);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 0x100000001ull);
    CHECK_EQ(rd32(HPET_REG_COUNTER + 4), 1);
    /* Written while running: it moves and runs on. */
    wr64(HPET_REG_COUNTER, 1000);
    sim_advance(100);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 1010);
    /* The 64-bit counter wraps to 0. */
    wr64(HPET_REG_COUNTER, ~0ull - 1);
    sim_advance(30);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 1);
    CHECK_EQ(hpet_counter(&hpet), 1);
    hpet_destroy(&hpet);
}

/* ---- one-shot timers ---- */

static void test_oneshot(void)
{
    setup();
    start();
    /* 64-bit, level, routed to input 2: status and line at the match. */
    wr64(tcmp(0), 5000);
    wr64(tcfg(0), HPET_TN_LEVEL | HPET_TN_INT_ENB | route(2));
    CHECK_EQ(expiry(0), at_tick(5000));
    sim_advance_to(at_tick(5000) - 1);
    CHECK_EQ(gsi[2].level, 0);
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 0);
    sim_advance_to(at_tick(5000));
    CHECK_EQ(gsi[2].level, 1);
    CHECK_EQ(gsi[2].last_edge, at_tick(5000));
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 1);
    CHECK_EQ(rd64(tcmp(0)), 5000); /* one-shot: the comparator stays */
    CHECK_EQ(expiry(0), -1);       /* next match after 2^64 ticks: never */
    /* Write 1 to clear; 0 bits and other timers' bits change nothing. */
    wr32(HPET_REG_INT_STATUS, 0x6);
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 1);
    CHECK_EQ(gsi[2].level, 1);
    wr32(HPET_REG_INT_STATUS, 0x1);
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 0);
    CHECK_EQ(gsi[2].level, 0);
    sim_advance(NS);
    CHECK_EQ(gsi[2].edges, 1);

    /* Rearmed by a new comparator value. */
    uint64_t c = rd64(HPET_REG_COUNTER);
    wr64(tcmp(0), c + 123);
    sim_advance(1230);
    CHECK_EQ(gsi[2].edges, 2);
    CHECK_EQ(gsi[2].last_edge, sim_ns);
    wr32(HPET_REG_INT_STATUS, 1);

    /* Written 32 bits at a time (low, then high). */
    c = rd64(HPET_REG_COUNTER);
    wr32(tcmp(0), (uint32_t)(c + 1000));
    wr32(tcmp(0) + 4, (uint32_t)((c + 1000) >> 32));
    CHECK_EQ(rd64(tcmp(0)), c + 1000);
    int64_t due = sim_ns + 10000;
    sim_advance_to(due);
    CHECK_EQ(gsi[2].edges, 3);
    CHECK_EQ(gsi[2].last_edge, due);
    wr32(HPET_REG_INT_STATUS, 1);
    hpet_destroy(&hpet);
}

static void test_32bit_mode(void)
{
    setup();
    /* 32-bit mode keeps 32 bits of the comparator; its high half ignores writes. */
    wr64(tcmp(1), 0x123456789ull);
    wr64(tcfg(1), HPET_TN_32BIT | HPET_TN_INT_ENB | HPET_TN_LEVEL | route(2));
    CHECK_EQ(rd64(tcmp(1)), 0x23456789ull);
    wr32(tcmp(1) + 4, 0xffffffff);
    CHECK_EQ(rd64(tcmp(1)), 0x23456789ull);

    /* One-shot: an interrupt when the low 32 bits wrap to 0, then one at
     * the match (spec 2.3.9.2.1, QEMU); again each time round. */
    wr64(HPET_REG_COUNTER, 0x7ffffff00ull);
    wr32(tcmp(1), 0x100);
    start();
    CHECK_EQ(expiry(1), at_tick(0x100));
    sim_advance_to(at_tick(0x100));
    CHECK_EQ(gsi[2].edges, 1);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 0x800000000ull);
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 2);
    wr32(HPET_REG_INT_STATUS, 2);
    CHECK_EQ(expiry(1), at_tick(0x200));
    sim_advance_to(at_tick(0x200));
    CHECK_EQ(gsi[2].edges, 2);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 0x800000100ull);
    wr32(HPET_REG_INT_STATUS, 2);
    /* Next: the wrap 2^32 - 0x100 ticks on (counter 0x900000000), then
     * the match 0x100 after it. */
    CHECK_EQ(expiry(1), at_tick(0x100000100ull));
    sim_advance_to(at_tick(0x100000100ull));
    CHECK_EQ(gsi[2].edges, 3);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 0x900000000ull);
    wr32(HPET_REG_INT_STATUS, 2);
    CHECK_EQ(expiry(1), at_tick(0x100000200ull));

    /* The same timer in 64-bit mode: no wrap interrupt. */
    stop();
    wr64(HPET_REG_COUNTER, 0xffffff00ull);
    wr64(tcfg(1), HPET_TN_INT_ENB | HPET_TN_LEVEL | route(2));
    wr64(tcmp(1), 0x100000100ull);
    start();
    CHECK_EQ(expiry(1), sim_ns + 0x200 * 10);
    hpet_destroy(&hpet);
}

/* ---- periodic timers ---- */

static void test_periodic(void)
{
    setup();
    /* Intel's example: 0x123 written, interrupts at 0x123, 0x246, 0x369;
     * the comparator reads the next match. Edge-triggered. */
    wr64(tcfg(0), HPET_TN_PERIODIC | HPET_TN_VAL_SET | HPET_TN_INT_ENB | route(2));
    wr64(tcmp(0), 0x123);
    CHECK_EQ(rd64(tcfg(0)) & HPET_TN_VAL_SET, 0); /* cleared by the write */
    start();
    sim_advance_to(at_tick(0x123));
    CHECK_EQ(gsi[2].edges, 1);
    CHECK_EQ(gsi[2].level, 0); /* a pulse */
    CHECK_EQ(rd64(tcmp(0)), 0x246);
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 0); /* edge mode: no status */
    sim_advance_to(at_tick(0x246));
    CHECK_EQ(gsi[2].edges, 2);
    CHECK_EQ(rd64(tcmp(0)), 0x369);
    sim_advance_to(at_tick(0x123 * 10));
    CHECK_EQ(gsi[2].edges, 10);
    CHECK_EQ(gsi[2].last_edge, at_tick(0x123 * 10));

    /* A late host: the missed periods coalesce into one interrupt and the
     * comparator steps to the first multiple ahead of the counter. */
    int e = gsi[2].edges;
    sim_jump_to(at_tick(0x123 * 50 + 7));
    CHECK_EQ(gsi[2].edges, e + 1);
    CHECK_EQ(rd64(tcmp(0)), 0x123 * 51);
    sim_advance_to(at_tick(0x123 * 51));
    CHECK_EQ(gsi[2].edges, e + 2);

    /* A write without VAL_SET changes only the accumulator: the next match
     * stays, the one after uses the new period. */
    wr64(tcmp(0), 1000);
    CHECK_EQ(rd64(tcmp(0)), 0x123 * 52);
    sim_advance_to(at_tick(0x123 * 52));
    CHECK_EQ(rd64(tcmp(0)), 0x123 * 52 + 1000);
    CHECK_EQ(gsi[2].edges, e + 3);
    sim_advance_to(at_tick(0x123 * 52 + 1000));
    CHECK_EQ(gsi[2].edges, e + 4);
    hpet_destroy(&hpet);
}

static void test_periodic_32bit_wrap(void)
{
    setup();
    /* Intel's example: a 32-bit comparator at 0xFFFF0000 with 0x20000
     * written last is 0x00010000 after the next interrupt. */
    wr64(HPET_REG_COUNTER, 0xfffe0000ull);
    wr64(tcfg(0), HPET_TN_PERIODIC | HPET_TN_VAL_SET | HPET_TN_32BIT | HPET_TN_INT_ENB | route(2));
    wr32(tcmp(0), 0xffff0000);
    wr64(tcfg(0), rd64(tcfg(0)) & ~HPET_TN_VAL_SET);
    wr32(tcmp(0), 0x20000); /* the accumulator only */
    CHECK_EQ(rd64(tcmp(0)), 0xffff0000ull);
    start();
    sim_advance_to(at_tick(0x10000));
    CHECK_EQ(gsi[2].edges, 1);
    CHECK_EQ(rd64(tcmp(0)), 0x00010000ull);
    /* The next match is on the low 32 bits of the 64-bit counter. */
    CHECK_EQ(expiry(0), at_tick(0x30000));
    sim_advance_to(at_tick(0x30000));
    CHECK_EQ(gsi[2].edges, 2);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 0x100010000ull);
    CHECK_EQ(rd64(tcmp(0)), 0x00030000ull);
    /* No wrap interrupt in periodic mode. */
    CHECK_EQ(expiry(0), at_tick(0x50000));

    /* 64-bit periodic set with VAL_SET by one 64-bit write. */
    stop();
    wr64(HPET_REG_COUNTER, 0);
    wr64(tcfg(1), HPET_TN_PERIODIC | HPET_TN_VAL_SET | HPET_TN_INT_ENB | route(2));
    wr64(tcmp(1), 0x100000000ull);
    CHECK_EQ(rd64(tcmp(1)), 0x100000000ull);
    wr64(tcfg(0), 0);
    int64_t t0 = sim_ns;
    start();
    CHECK_EQ(expiry(1), t0 + 0x100000000ll * 10);
    sim_jump_to(t0 + 0x100000000ll * 10);
    CHECK_EQ(rd64(tcmp(1)), 0x200000000ull);
    hpet_destroy(&hpet);
}

/* ---- status, edges, enables ---- */

static void test_level_and_edge(void)
{
    setup_cap(0x00ff0104); /* q35's: inputs 2, 8, 16-23 */
    start();
    /* Level with INT_ENB clear: the status bit is set, the line stays low;
     * enabling the interrupt then raises it. */
    wr64(tcfg(2), HPET_TN_LEVEL | route(20));
    wr64(tcmp(2), 100);
    sim_advance_to(at_tick(100));
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 4);
    CHECK_EQ(gsi[20].level, 0);
    wr64(tcfg(2), HPET_TN_LEVEL | HPET_TN_INT_ENB | route(20));
    CHECK_EQ(gsi[20].level, 1);
    /* Firing again while set: still one assertion. */
    wr64(tcmp(2), 200);
    sim_advance_to(at_tick(200));
    CHECK_EQ(gsi[20].edges, 1);
    wr64(HPET_REG_INT_STATUS, 4);
    CHECK_EQ(gsi[20].level, 0);
    /* Clearing INT_ENB drops the line, keeps the status. */
    wr64(tcmp(2), 300);
    sim_advance_to(at_tick(300));
    CHECK_EQ(gsi[20].level, 1);
    wr64(tcfg(2), HPET_TN_LEVEL | route(20));
    CHECK_EQ(gsi[20].level, 0);
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 4);
    /* Switching to edge mode clears the status. */
    wr64(tcfg(2), HPET_TN_INT_ENB | route(20));
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 0);
    CHECK_EQ(gsi[20].level, 0);
    CHECK_EQ(gsi[20].edges, 2);
    /* Edge: one pulse per match, no status. */
    wr64(tcmp(2), 400);
    sim_advance_to(at_tick(400));
    CHECK_EQ(gsi[20].edges, 3);
    CHECK_EQ(gsi[20].level, 0);
    /* Edge with INT_ENB clear: nothing at all. */
    wr64(tcfg(2), route(20));
    wr64(tcmp(2), 500);
    sim_advance_to(at_tick(500));
    CHECK_EQ(gsi[20].edges, 3);
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 0);
    /* An edge on a line a level timer holds high is lost. */
    wr64(tcfg(0), HPET_TN_LEVEL | HPET_TN_INT_ENB | route(16));
    wr64(tcfg(1), HPET_TN_INT_ENB | route(16));
    wr64(tcmp(0), 600);
    wr64(tcmp(1), 700);
    sim_advance_to(at_tick(800));
    CHECK_EQ(gsi[16].edges, 1);
    CHECK_EQ(gsi[16].level, 1);
    /* Halting clears the status and drops the line (QEMU). */
    stop();
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 0);
    CHECK_EQ(gsi[16].level, 0);
    hpet_destroy(&hpet);
}

static void test_routing(void)
{
    setup_cap(0x00ff0104);
    start();
    /* Every allowed input, and none of the others. */
    for (unsigned g = 0; g < HPET_NUM_GSI; g++) {
        bool allowed = (0x00ff0104u >> g) & 1;
        wr64(tcfg(2), HPET_TN_INT_ENB | route(2)); /* a known allowed one first */
        wr64(tcfg(2), HPET_TN_INT_ENB | route(g));
        unsigned got = (unsigned)((rd64(tcfg(2)) & HPET_TN_ROUTE_MASK) >> HPET_TN_ROUTE_SHIFT);
        CHECK_EQ(got, allowed ? g : 2);
        if (allowed) {
            int e = gsi[g].edges;
            wr64(tcmp(2), rd64(HPET_REG_COUNTER) + 10);
            sim_advance(100);
            CHECK_EQ(gsi[g].edges, e + 1);
        }
    }
    CHECK_EQ(rd32(tcfg(0) + 4), 0x00ff0104);
    /* Moving a level timer's route moves its assertion. */
    wr64(tcfg(0), HPET_TN_LEVEL | HPET_TN_INT_ENB | route(17));
    wr64(tcmp(0), rd64(HPET_REG_COUNTER) + 10);
    sim_advance(100);
    CHECK_EQ(gsi[17].level, 1);
    wr64(tcfg(0), HPET_TN_LEVEL | HPET_TN_INT_ENB | route(18));
    CHECK_EQ(gsi[17].level, 0);
    CHECK_EQ(gsi[18].level, 1);
    hpet_destroy(&hpet);

    /* QEMU's "pc": input 2 only; the reset route (0) drives nothing. */
    setup();
    start();
    wr64(tcfg(2), HPET_TN_INT_ENB | HPET_TN_LEVEL);
    wr64(tcmp(2), 10);
    sim_advance(1000);
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 4);
    for (unsigned g = 0; g < HPET_NUM_GSI; g++) {
        CHECK_EQ(gsi[g].edges, 0);
    }
    wr64(tcfg(2), HPET_TN_INT_ENB | HPET_TN_LEVEL | route(8));
    CHECK_EQ(rd64(tcfg(2)) & HPET_TN_ROUTE_MASK, 0);
    wr64(tcfg(2), HPET_TN_INT_ENB | HPET_TN_LEVEL | route(2));
    CHECK_EQ(gsi[2].level, 1);
    hpet_destroy(&hpet);

    CHECK_EQ(hpet_init(&hpet, &sim_clock, &(HpetIrqs){0}, 1u << 24), -EINVAL);
}

/* ---- legacy replacement ---- */

static void test_legacy(void)
{
    setup();
    /* Off: the PIT and RTC inputs pass through to ISA IRQ 0 and 8. */
    hpet_legacy_input(&hpet, 0, 1);
    hpet_legacy_input(&hpet, 8, 1);
    CHECK_EQ(irq0.level, 1);
    CHECK_EQ(irq8.level, 1);
    hpet_legacy_input(&hpet, 0, 0);
    CHECK_EQ(irq0.level, 0);

    /* On: the callback hears of it; the inputs are held. */
    wr64(HPET_REG_CONFIG, HPET_CFG_LEGACY | HPET_CFG_ENABLE);
    CHECK_EQ(legacy_calls, 1);
    CHECK(legacy_on);
    CHECK_EQ(irq8.level, 0);
    hpet_legacy_input(&hpet, 0, 1);
    CHECK_EQ(irq0.level, 0);
    hpet_legacy_input(&hpet, 0, 0);
    CHECK_EQ(irq0.edges, 1);
    wr64(HPET_REG_CONFIG, HPET_CFG_LEGACY | HPET_CFG_ENABLE); /* no change, no call */
    CHECK_EQ(legacy_calls, 1);

    /* Timer 0 goes to IRQ 0 and timer 1 to IRQ 8, whatever their routes;
     * timer 2 keeps its route. */
    wr64(tcfg(0), HPET_TN_INT_ENB | route(2));
    wr64(tcfg(1), HPET_TN_INT_ENB | HPET_TN_LEVEL | route(2));
    wr64(tcfg(2), HPET_TN_INT_ENB | route(2));
    wr64(tcmp(0), 100);
    wr64(tcmp(1), 200);
    wr64(tcmp(2), 300);
    sim_advance_to(at_tick(1000));
    CHECK_EQ(irq0.edges, 2);
    CHECK_EQ(irq0.last_edge, at_tick(100));
    CHECK_EQ(irq0.level, 0);
    CHECK_EQ(irq8.edges, 2);
    CHECK_EQ(irq8.last_edge, at_tick(200));
    CHECK_EQ(irq8.level, 1); /* level, until the status is cleared */
    CHECK_EQ(gsi[2].edges, 1);
    CHECK_EQ(gsi[2].last_edge, at_tick(300));

    /* Off again: timer 1's assertion moves to its route; the RTC's held
     * level comes back on IRQ 8. */
    wr64(HPET_REG_CONFIG, HPET_CFG_ENABLE);
    CHECK_EQ(legacy_calls, 2);
    CHECK(!legacy_on);
    CHECK_EQ(gsi[2].level, 1);
    CHECK_EQ(irq8.level, 1);
    wr64(HPET_REG_INT_STATUS, 2);
    CHECK_EQ(gsi[2].level, 0);
    CHECK_EQ(irq8.level, 1);
    hpet_legacy_input(&hpet, 8, 0);
    CHECK_EQ(irq8.level, 0);

    /* Reset turns legacy mode off and says so. */
    wr64(HPET_REG_CONFIG, HPET_CFG_LEGACY);
    CHECK_EQ(legacy_calls, 3);
    hpet_reset(&hpet);
    CHECK_EQ(legacy_calls, 4);
    CHECK(!legacy_on);
    CHECK_EQ(rd64(HPET_REG_CONFIG), 0);
    hpet_destroy(&hpet);
}

/* ---- halting, programming behind the counter, reset ---- */

static void test_halt_restart(void)
{
    setup();
    start();
    wr64(tcfg(0), HPET_TN_INT_ENB | route(2));
    wr64(tcmp(0), 1000000); /* 10 ms */
    sim_advance(4 * MS);
    stop();
    CHECK_EQ(expiry(0), -1);
    sim_advance(100 * MS); /* halted: no interrupt, no counting */
    CHECK_EQ(gsi[2].edges, 0);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 400000);
    start();
    CHECK_EQ(expiry(0), sim_ns + 6 * MS);
    sim_advance(6 * MS - 10);
    CHECK_EQ(gsi[2].edges, 0);
    sim_advance(10);
    CHECK_EQ(gsi[2].edges, 1);

    /* Programmed behind the counter with the interrupt enabled: the next
     * tick (QEMU's rule, a guest's "now + delta" that came too late). */
    uint64_t c = rd64(HPET_REG_COUNTER);
    wr64(tcmp(0), c - 50);
    CHECK_EQ(expiry(0), sim_ns + 10);
    sim_advance(10);
    CHECK_EQ(gsi[2].edges, 2);
    CHECK_EQ(expiry(0), -1); /* 64-bit: the next match is a wrap away */
    /* Behind with the interrupt disabled: an exact match only. */
    wr64(tcfg(0), HPET_TN_LEVEL | route(2));
    c = rd64(HPET_REG_COUNTER);
    wr64(tcmp(0), c - 50);
    CHECK_EQ(expiry(0), -1);
    /* Enabling the interrupt programs it: at once. */
    wr64(tcfg(0), HPET_TN_LEVEL | HPET_TN_INT_ENB | route(2));
    CHECK_EQ(expiry(0), sim_ns + 10);
    sim_advance(10);
    CHECK_EQ(gsi[2].level, 1);

    /* Reset: halted at 0, comparators all ones, status clear, lines low. */
    hpet_reset(&hpet);
    CHECK_EQ(gsi[2].level, 0);
    CHECK_EQ(rd64(HPET_REG_COUNTER), 0);
    CHECK_EQ(rd64(HPET_REG_INT_STATUS), 0);
    CHECK_EQ(rd64(tcmp(0)), ~0ull);
    CHECK_EQ(rd64(tcfg(0)), 0x0000000400000030ull);
    CHECK_EQ(expiry(0), -1);
    /* Never-programmed comparators (all ones) do not fire at enable. */
    wr64(tcfg(0), HPET_TN_INT_ENB | HPET_TN_LEVEL | route(2));
    sim_advance(10);
    CHECK_EQ(gsi[2].level, 0);
    start();
    sim_advance(MS);
    CHECK_EQ(gsi[2].level, 0);
    hpet_destroy(&hpet);
}

/* ---- Linux's sequences (arch/x86/kernel/hpet.c, 6.1) ---- */

static void test_linux_sequences(void)
{
    setup();
    /* hpet_enable: period from the capabilities, counter restarted at 0. */
    uint32_t period_fs = rd32(HPET_REG_CAP_ID + 4);
    CHECK_EQ(period_fs, 10000000);
    stop();
    wr32(HPET_REG_COUNTER, 0);
    wr32(HPET_REG_COUNTER + 4, 0);
    start();
    sim_advance(MS);
    CHECK_EQ(rd32(HPET_REG_COUNTER), 100000);
    /* Legacy clockevent, periodic at HZ=250: 400,000 ticks, 32-bit mode,
     * the comparator written twice (VAL_SET, then the period). */
    wr32(HPET_REG_CONFIG, rd32(HPET_REG_CONFIG) | HPET_CFG_LEGACY);
    uint32_t delta = 400000;
    uint32_t cfg = rd32(tcfg(0));
    cfg &= ~(uint32_t)HPET_TN_LEVEL;
    cfg |= HPET_TN_INT_ENB | HPET_TN_PERIODIC | HPET_TN_VAL_SET | HPET_TN_32BIT;
    wr32(tcfg(0), cfg);
    uint32_t cnt = rd32(HPET_REG_COUNTER);
    wr32(tcmp(0), cnt + delta);
    sim_advance(1000); /* udelay(1) */
    wr32(tcmp(0), delta);
    int64_t first = sim_ns - 1000 + 4 * MS;
    sim_advance_to(first + 10 * 4 * MS);
    CHECK_EQ(irq0.edges, 11);
    CHECK_EQ(irq0.first_edge, first);
    CHECK_EQ(irq0.last_edge, first + 40 * MS);
    /* One-shot: stop, then ENABLE | 32BIT, the comparator at now + delta. */
    cfg = rd32(tcfg(0));
    cfg &= ~(uint32_t)(HPET_TN_INT_ENB | HPET_TN_PERIODIC);
    wr32(tcfg(0), cfg);
    cfg |= HPET_TN_INT_ENB | HPET_TN_32BIT;
    wr32(tcfg(0), cfg);
    sim_advance(10);
    cnt = rd32(HPET_REG_COUNTER);
    wr32(tcmp(0), cnt + 12345);
    int64_t due = sim_ns + 123450;
    /* Linux's check: the counter has not passed the comparator yet. */
    CHECK((int32_t)(rd32(HPET_REG_COUNTER) - (cnt + 12345)) < 0);
    sim_advance_to(due - 1);
    CHECK_EQ(irq0.edges, 11);
    sim_advance_to(due);
    CHECK_EQ(irq0.edges, 12);
    CHECK_EQ(irq0.last_edge, due);
    /* A deadline already passed when written: the next tick (QEMU's rule). */
    cnt = rd32(HPET_REG_COUNTER);
    wr32(tcmp(0), cnt - 3);
    sim_advance(10);
    CHECK_EQ(irq0.edges, 13);
    hpet_destroy(&hpet);
}

static void test_no_timer(void)
{
    sim_ntimers = SIM_MAX_TIMERS - 1; /* room for one timer of three */
    CHECK_EQ(hpet_init(&hpet, &sim_clock, &(HpetIrqs){0}, HPET_PC_ROUTE_CAP), -ENOMEM);
}

int main(void)
{
    test_registers();
    test_counter();
    test_oneshot();
    test_32bit_mode();
    test_periodic();
    test_periodic_32bit_wrap();
    test_level_and_edge();
    test_routing();
    test_legacy();
    test_halt_restart();
    test_linux_sequences();
    test_no_timer();
    return check_report("hpet");
}
