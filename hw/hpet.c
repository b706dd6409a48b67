/*
 * High Precision Event Timer (IA-PC HPET Specification 1.0a: its register
 * set and timer operation), with the capabilities QEMU 7.2's "pc" machine
 * shows a guest.
 *
 * Nothing ticks. While ENABLE_CNF is set the main counter is the value it
 * had at ns_base plus the 10 ns ticks since; each timer arms one HwTimer
 * for its next event, computed from the counter: the comparator match (in
 * 32-bit mode on the low 32 bits of the counter), and for a 32-bit
 * one-shot timer also the wrap of the low 32 bits to 0, which interrupts
 * too (QEMU does, citing the spec's non-periodic mode, 2.3.9.2.1; Intel's
 * chipset datasheets say the same of their 32-bit timers). A one-shot
 * timer matches again each time the counter comes round; a periodic one
 * adds the last value written to its comparator (the accumulator) at every
 * match, skipping the periods a late host timer missed, so they coalesce
 * into one interrupt.
 *
 * Choices:
 *   - A comparator programmed behind the counter (up to half the counter's
 *     range, i.e. 21 s in 32-bit mode) fires on the next tick, as in QEMU,
 *     when the timer is programmed with interrupts enabled (comparator
 *     written, Tn_INT_ENB_CNF set, ENABLE_CNF set): a guest's "now + delta"
 *     can land after its deadline on an emulator, and hardware would make it
 *     wait a whole counter wrap. Otherwise the match is exact.
 *   - A write to the comparator in periodic mode sets the accumulator, and
 *     the comparator too when Tn_VAL_SET_CNF is set; every comparator write
 *     clears Tn_VAL_SET_CNF (QEMU; the two-write sequence Linux uses works).
 *   - Level mode sets the status bit when the timer fires whether or not
 *     Tn_INT_ENB_CNF is set (spec: "the timer will still operate and
 *     generate appropriate status bits"); the line follows status AND
 *     INT_ENB. Clearing ENABLE_CNF clears all status (QEMU).
 *   - A Tn_INT_ROUTE_CNF value the capability does not allow is not taken
 *     (spec: it "will not read back"); the reset value 0 drives nothing
 *     unless input 0 is allowed.
 *   - The main counter may be written while running: it moves.
 */
#include "hw/hpet.h"

#include <errno.h>
#include <string.h>

#define NS_PER_TICK ((int64_t)(HPET_PERIOD_FS / 1000000))
#define MASK32 0xffffffffull

/* General Capabilities and ID Register: vendor 8086h in 31:16, LEG_RT_CAP
 * (bit 15), COUNT_SIZE_CAP (bit 13, 64-bit counter), NUM_TIM_CAP (12:8, the
 * last timer's number), REV_ID 1; the tick period in fs in 63:32. */
#define HPET_CAP_ID                                                                                \
    (HPET_PERIOD_FS << 32 | 0x8086ull << 16 | 1ull << 15 | 1ull << 13 |                            \
     (uint64_t)(HPET_NUM_TIMERS - 1) << 8 | 0x01)

#define TN_WRITABLE                                                                                \
    (HPET_TN_LEVEL | HPET_TN_INT_ENB | HPET_TN_PERIODIC | HPET_TN_VAL_SET | HPET_TN_32BIT |        \
     HPET_TN_ROUTE_MASK)
#define TN_POWER_ON (HPET_TN_PER_CAP | HPET_TN_SIZE_CAP)

/* ---- the main counter -------------------------------------------------- */

static bool enabled(const Hpet *h)
{
    return h->config & HPET_CFG_ENABLE;
}

static bool legacy(const Hpet *h)
{
    return h->config & HPET_CFG_LEGACY;
}

static int64_t now_ns(const Hpet *h)
{
    return h->clock.now_ns(h->clock.opaque);
}

static uint64_t counter_at(const Hpet *h, int64_t now)
{
    if (!enabled(h)) {
        return h->counter;
    }
    return h->counter + (uint64_t)((now - h->ns_base) / NS_PER_TICK);
}

uint64_t hpet_counter(const Hpet *h)
{
    return counter_at(h, now_ns(h));
}

/* ---- interrupt lines ------------------------------------------------------- */

enum Output { OUT_NONE, OUT_GSI, OUT_IRQ0, OUT_IRQ8 };

/* Where timer t's interrupt goes now; *gsi for OUT_GSI. */
static enum Output timer_output(const Hpet *h, const HpetTimer *t, unsigned *gsi)
{
    if (legacy(h) && t->n <= 1) {
        return t->n == 0 ? OUT_IRQ0 : OUT_IRQ8; /* spec, LEG_RT_CNF */
    }
    *gsi = (unsigned)((t->config & HPET_TN_ROUTE_MASK) >> HPET_TN_ROUTE_SHIFT);
    return (h->route_cap >> *gsi) & 1 ? OUT_GSI : OUT_NONE;
}

static bool output_level(const Hpet *h, enum Output o, unsigned gsi)
{
    switch (o) {
    case OUT_GSI:
        return (h->gsi_level >> gsi) & 1;
    case OUT_IRQ0:
        return h->irq0_level;
    case OUT_IRQ8:
        return h->irq8_level;
    default:
        return false;
    }
}

static void drive(const IrqLine *line, bool *level, bool want)
{
    if (*level != want) {
        *level = want;
        irq_set(line, want);
    }
}

/* Drive every output to what the level-triggered timers and, outside
 * legacy mode, the legacy inputs ask for. */
static void update_lines(Hpet *h)
{
    uint32_t gsi_want = 0;
    bool irq0 = !legacy(h) && h->pit_in;
    bool irq8 = !legacy(h) && h->rtc_in;
    for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
        const HpetTimer *t = &h->t[n];
        if (!((h->isr >> n) & 1) || !(t->config & HPET_TN_INT_ENB)) {
            continue;
        }
        unsigned gsi = 0;
        switch (timer_output(h, t, &gsi)) {
        case OUT_GSI:
            gsi_want |= 1u << gsi;
            break;
        case OUT_IRQ0:
            irq0 = true;
            break;
        case OUT_IRQ8:
            irq8 = true;
            break;
        default:
            break;
        }
    }
    for (unsigned i = 0; i < HPET_NUM_GSI; i++) {
        bool want = (gsi_want >> i) & 1;
        if (((h->gsi_level >> i) & 1) != want) {
            h->gsi_level ^= 1u << i;
            irq_set(&h->irqs.gsi[i], want);
        }
    }
    drive(&h->irqs.isa_irq0, &h->irq0_level, irq0);
    drive(&h->irqs.isa_irq8, &h->irq8_level, irq8);
}

/* An edge-triggered interrupt: a 0-1-0 pulse, unless a level source
 * already holds the line high (then the edge is lost, as on the wire). */
static void pulse(Hpet *h, const HpetTimer *t)
{
    unsigned gsi = 0;
    enum Output o = timer_output(h, t, &gsi);
    if (o == OUT_NONE || output_level(h, o, gsi)) {
        return;
    }
    const IrqLine *line = o == OUT_GSI    ? &h->irqs.gsi[gsi]
                          : o == OUT_IRQ0 ? &h->irqs.isa_irq0
                                          : &h->irqs.isa_irq8;
    irq_set(line, 1);
    irq_set(line, 0);
}

/* Timer t's event: status and line (level), or a pulse (edge). */
static void fire(HpetTimer *t)
{
    Hpet *h = t->hpet;
    if (t->config & HPET_TN_LEVEL) {
        h->isr |= 1ull << t->n;
        update_lines(h);
    } else if (t->config & HPET_TN_INT_ENB) {
        pulse(h, t);
    }
}

/* ---- timers ------------------------------------------------------------------ */

/* The comparator's width: 32 bits in 32-bit mode. */
static uint64_t width_mask(const HpetTimer *t)
{
    return t->config & HPET_TN_32BIT ? MASK32 : ~0ull;
}

/* Arm t's HwTimer `delta` ticks after tick c (at time now); 0 or a delay
 * beyond the clock's range: never. */
static void schedule(HpetTimer *t, int64_t now, uint64_t c, uint64_t delta)
{
    Hpet *h = t->hpet;
    int64_t tick_start = h->ns_base + (int64_t)(c - h->counter) * NS_PER_TICK;
    if (delta == 0 || delta > (uint64_t)(INT64_MAX - tick_start) / NS_PER_TICK) {
        return;
    }
    h->clock.timer_mod(t->timer, tick_start + (int64_t)delta * NS_PER_TICK);
}

/* Compute t's next event from the counter now. catch_up: t is being
 * programmed, so a comparator just behind the counter fires at once. */
static void arm(HpetTimer *t, bool catch_up)
{
    Hpet *h = t->hpet;
    h->clock.timer_del(t->timer);
    if (!enabled(h)) {
        return;
    }
    int64_t now = now_ns(h);
    uint64_t c = counter_at(h, now);
    uint64_t mask = width_mask(t);
    uint64_t ahead = (t->cmp - c) & mask; /* ticks until the counter matches */
    bool behind = ahead == 0 || ahead > mask / 2;
    uint64_t delta;
    if (catch_up && behind && (t->config & HPET_TN_INT_ENB)) {
        delta = 1;
    } else {
        delta = ahead ? ahead : mask + 1; /* a full wrap; 0 (never) for 64 bits */
    }
    if ((t->config & (HPET_TN_32BIT | HPET_TN_PERIODIC)) == HPET_TN_32BIT) {
        uint64_t wrap = (MASK32 + 1) - (c & MASK32);
        if (delta == 0 || wrap < delta) {
            delta = wrap;
        }
    }
    schedule(t, now, c, delta);
}

static void timer_fired(void *opaque)
{
    HpetTimer *t = opaque;
    Hpet *h = t->hpet;
    if (!enabled(h)) {
        return;
    }
    if (t->config & HPET_TN_PERIODIC) {
        uint64_t c = counter_at(h, now_ns(h));
        uint64_t mask = width_mask(t);
        uint64_t ahead = (t->cmp - c) & mask;
        if (ahead != 0 && ahead <= mask / 2) {
            arm(t, false); /* not there yet */
            return;
        }
        /* Add the accumulator until the comparator is ahead again. */
        uint64_t p = t->period & mask;
        if (p) {
            uint64_t k = ((c - t->cmp) & mask) / p + 1;
            t->cmp = (t->cmp + k * p) & mask;
        }
    }
    fire(t);
    arm(t, false);
}

/* ---- registers ----------------------------------------------------------------- */

static void write_config(Hpet *h, uint64_t val, uint64_t mask)
{
    uint64_t old = h->config;
    uint64_t cfg = ((old & ~mask) | (val & mask)) & (HPET_CFG_ENABLE | HPET_CFG_LEGACY);
    if (cfg == old) {
        return;
    }
    int64_t now = now_ns(h);
    uint64_t c = counter_at(h, now);
    h->config = cfg;
    if ((cfg ^ old) & HPET_CFG_ENABLE) {
        h->counter = c; /* halted here, or runs on from here */
        h->ns_base = now;
        if (cfg & HPET_CFG_ENABLE) {
            for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
                arm(&h->t[n], h->t[n].cmp != ~0ull); /* ~0: never programmed (QEMU) */
            }
        } else {
            for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
                h->clock.timer_del(h->t[n].timer);
            }
            h->isr = 0;
        }
    }
    update_lines(h);
    if (((cfg ^ old) & HPET_CFG_LEGACY) && h->irqs.legacy_changed) {
        h->irqs.legacy_changed(h->irqs.opaque, legacy(h));
    }
}

static void write_counter(Hpet *h, uint64_t val, uint64_t mask)
{
    int64_t now = now_ns(h);
    h->counter = (counter_at(h, now) & ~mask) | (val & mask);
    h->ns_base = now;
    for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
        arm(&h->t[n], false);
    }
}

static void write_timer_config(HpetTimer *t, uint64_t val, uint64_t mask)
{
    Hpet *h = t->hpet;
    uint64_t old = t->config;
    uint64_t writable = TN_WRITABLE;
    if (!(old & HPET_TN_PER_CAP)) {
        writable &= ~HPET_TN_PERIODIC;
    }
    if (!(old & HPET_TN_SIZE_CAP)) {
        writable &= ~HPET_TN_32BIT;
    }
    mask &= writable;
    uint64_t cfg = (old & ~mask) | (val & mask);
    unsigned route = (unsigned)((cfg & HPET_TN_ROUTE_MASK) >> HPET_TN_ROUTE_SHIFT);
    if (!((h->route_cap >> route) & 1)) {
        cfg = (cfg & ~HPET_TN_ROUTE_MASK) | (old & HPET_TN_ROUTE_MASK);
    }
    t->config = cfg;
    if (cfg & HPET_TN_32BIT) {
        t->cmp &= MASK32;
        t->period &= MASK32;
    }
    if (!(cfg & HPET_TN_LEVEL)) {
        h->isr &= ~(1ull << t->n); /* edge mode has no status */
    }
    arm(t, (cfg & ~old) & HPET_TN_INT_ENB);
    update_lines(h);
}

static void write_comparator(HpetTimer *t, uint64_t val, uint64_t mask)
{
    mask &= width_mask(t);
    if (!mask) {
        return;
    }
    bool periodic = t->config & HPET_TN_PERIODIC;
    if (!periodic || (t->config & HPET_TN_VAL_SET)) {
        t->cmp = (t->cmp & ~mask) | (val & mask);
    }
    if (periodic) {
        t->period = (t->period & ~mask) | (val & mask);
    }
    t->config &= ~HPET_TN_VAL_SET;
    arm(t, true);
}

/* The 64-bit register at offset reg (8-aligned). */
static uint64_t read_reg(const Hpet *h, uint64_t reg)
{
    switch (reg) {
    case HPET_REG_CAP_ID:
        return HPET_CAP_ID;
    case HPET_REG_CONFIG:
        return h->config;
    case HPET_REG_INT_STATUS:
        return h->isr;
    case HPET_REG_COUNTER:
        return hpet_counter(h);
    default:
        break;
    }
    if (reg < HPET_REG_TIMER0 || reg >= HPET_REG_TIMER0 + HPET_NUM_TIMERS * HPET_TIMER_STRIDE) {
        return 0;
    }
    const HpetTimer *t = &h->t[(reg - HPET_REG_TIMER0) / HPET_TIMER_STRIDE];
    switch ((reg - HPET_REG_TIMER0) % HPET_TIMER_STRIDE) {
    case HPET_TN_CONFIG:
        return t->config;
    case HPET_TN_COMPARATOR:
        return t->cmp;
    case HPET_TN_FSB_ROUTE:
        return t->fsb;
    default:
        return 0;
    }
}

/* A write of the bytes of `mask` of the 64-bit register at reg. */
static void write_reg(Hpet *h, uint64_t reg, uint64_t val, uint64_t mask)
{
    switch (reg) {
    case HPET_REG_CONFIG:
        write_config(h, val, mask);
        return;
    case HPET_REG_INT_STATUS:
        h->isr &= ~(val & mask); /* write 1 to clear */
        update_lines(h);
        return;
    case HPET_REG_COUNTER:
        write_counter(h, val, mask);
        return;
    default:
        break;
    }
    if (reg < HPET_REG_TIMER0 || reg >= HPET_REG_TIMER0 + HPET_NUM_TIMERS * HPET_TIMER_STRIDE) {
        return; /* capabilities and reserved space are read-only */
    }
    HpetTimer *t = &h->t[(reg - HPET_REG_TIMER0) / HPET_TIMER_STRIDE];
    switch ((reg - HPET_REG_TIMER0) % HPET_TIMER_STRIDE) {
    case HPET_TN_CONFIG:
        write_timer_config(t, val, mask & MASK32); /* 63:32 are capabilities */
        break;
    case HPET_TN_COMPARATOR:
        write_comparator(t, val, mask);
        break;
    case HPET_TN_FSB_ROUTE:
        t->fsb = (t->fsb & ~mask) | (val & mask);
        break;
    default:
        break;
    }
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static uint64_t hpet_read(void *opaque, uint64_t offset, unsigned size)
{
    const Hpet *h = opaque;
    unsigned shift = (unsigned)(offset & 7) * 8;
    return (read_reg(h, offset & ~7ull) >> shift) & size_mask(size);
}

static void hpet_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    unsigned shift = (unsigned)(offset & 7) * 8;
    write_reg(opaque, offset & ~7ull, value << shift, size_mask(size) << shift);
}

const MemOps hpet_ops = {.read = hpet_read, .write = hpet_write, .max_size = 8};

/* ---- life cycle ------------------------------------------------------------------ */

void hpet_legacy_input(void *opaque, int n, int level)
{
    Hpet *h = opaque;
    if (n == 0) {
        h->pit_in = level;
    } else if (n == 8) {
        h->rtc_in = level;
    }
    update_lines(h);
}

void hpet_reset(Hpet *h)
{
    bool was_legacy = legacy(h);
    for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
        HpetTimer *t = &h->t[n];
        h->clock.timer_del(t->timer);
        t->config = TN_POWER_ON | (uint64_t)h->route_cap << 32;
        t->cmp = ~0ull;
        t->period = 0;
        t->fsb = 0;
    }
    h->config = 0;
    h->isr = 0;
    h->counter = 0;
    h->ns_base = 0;
    update_lines(h);
    if (was_legacy && h->irqs.legacy_changed) {
        h->irqs.legacy_changed(h->irqs.opaque, false);
    }
}

int hpet_init(Hpet *h, const HwClock *clock, const HpetIrqs *irqs, uint32_t route_cap)
{
    memset(h, 0, sizeof(*h));
    if (route_cap >> HPET_NUM_GSI) {
        return -EINVAL;
    }
    h->clock = *clock;
    h->irqs = *irqs;
    h->route_cap = route_cap;
    for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
        HpetTimer *t = &h->t[n];
        t->hpet = h;
        t->n = n;
        t->timer = clock->timer_new(clock->opaque, timer_fired, t);
        if (!t->timer) {
            hpet_destroy(h);
            return -ENOMEM;
        }
    }
    hpet_reset(h);
    return 0;
}

void hpet_destroy(Hpet *h)
{
    for (unsigned n = 0; n < HPET_NUM_TIMERS; n++) {
        if (h->t[n].timer) {
            h->clock.timer_free(h->t[n].timer);
            h->t[n].timer = NULL;
        }
    }
}
