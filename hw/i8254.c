/*
 * The Intel 8254 programmable interval timer (Intel 8254 datasheet, order
 * no. 231164): three 16-bit down counters clocked at 1.193182 MHz, and
 * port 0x61 (System Control Port B), where the PC gates counter 2 (bit 0)
 * and reads its output (bit 5).
 *
 * Nothing ticks: each counter keeps the tick at which it was loaded, and
 * its count and OUT at any tick are computed from the mode's waveform
 * (datasheet, "Mode Definitions"). Time comes from the board's HwClock, so
 * the model runs the same on the real clock and on a test's simulated one.
 * A count written in mode 2 or 3 while counting takes effect at the end of
 * the current period (half-period in mode 3): that is kept as the next
 * span of counting.
 *
 * IRQ 0: a timer is armed for the next rising edge of counter 0's OUT (the
 * PIC's IR0 is edge-triggered on a PC), and only that edge is sent: a 0-1
 * pulse on the line, which otherwise rests high. Once an edge is out, no
 * more are sent until the PIC has taken it (pit_irq_accepted), as further
 * edges on a set IRR bit are lost on real hardware too: with mode 2 and a
 * count of 2 the host handles one timer event per interrupt the guest
 * takes, not 600,000 a second.
 */
#include "hw/hw.h"

#include <errno.h>
#include <string.h>

#define NS_PER_SEC 1000000000ll
#define REFRESH_PERIOD_NS 15085 /* port 0x61 bit 4: a DRAM refresh every 15.085 us */

#define PORT61_GATE2 0x01
#define PORT61_WRITABLE 0x0f
#define PORT61_REFRESH 0x10
#define PORT61_OUT2 0x20

#define CW_BCD 0x01
#define CW_READ_BACK 0xc0 /* counter select 3 */
#define RB_NO_COUNT 0x20  /* read-back: bit clear = latch the count */
#define RB_NO_STATUS 0x10 /* read-back: bit clear = latch the status */
#define STATUS_OUT 0x80
#define STATUS_NULL 0x40

enum { RW_LSB = 1, RW_MSB = 2, RW_WORD = 3 };

/* ---- time ---------------------------------------------------------------- */

static int64_t tick_of_ns(int64_t ns)
{
    return (int64_t)((__int128)ns * PIT_FREQ_HZ / NS_PER_SEC);
}

/* The first nanosecond at which tick t has begun. */
static int64_t ns_of_tick(int64_t t)
{
    return (int64_t)(((__int128)t * NS_PER_SEC + PIT_FREQ_HZ - 1) / PIT_FREQ_HZ);
}

static int64_t now_tick(const Pit *pit)
{
    return tick_of_ns(pit->clock.now_ns(pit->clock.opaque));
}

/* ---- the waveforms ---------------------------------------------------------- */

static uint32_t modulus(const PitCounter *c)
{
    return c->bcd ? 10000 : 65536;
}

/* Mode 3: OUT is high for the first (n + 1) / 2 ticks of each period. */
static uint32_t high_len(uint32_t n)
{
    return (n + 1) / 2;
}

/* OUT k ticks after span s was loaded. */
static bool span_out(const PitCounter *c, const PitSpan *s, int64_t k)
{
    uint32_t n = s->n;
    switch (c->mode) {
    case 0: /* interrupt on terminal count */
    case 1: /* hardware retriggerable one-shot */
        return k >= n;
    case 2: /* rate generator: low while the count is 1 */
        return (uint64_t)(k + s->phase) % n != n - 1;
    case 3: /* square wave */
        return (uint64_t)(k + s->phase) % n < high_len(n);
    default: /* 4, 5: strobes, low for the one tick at terminal count */
        return k != n;
    }
}

/* The counting element k ticks after span s was loaded, as a binary value
 * below the modulus. Mode 3 counts by two: an odd n loads n - 1 and shows 0
 * for one tick before OUT falls (datasheet, "Mode 3"). */
static uint32_t span_count(const PitCounter *c, const PitSpan *s, int64_t k)
{
    uint32_t n = s->n;
    uint32_t m = modulus(c);
    int64_t v;
    if (c->mode == 2) {
        v = n - (int64_t)((uint64_t)(k + s->phase) % n);
    } else if (c->mode == 3) {
        uint32_t p = (uint32_t)((uint64_t)(k + s->phase) % n);
        uint32_t hl = high_len(n);
        uint32_t load = n & ~1u;
        v = p < hl ? (int64_t)load - 2 * p : (int64_t)load - 2 * (p - hl);
    } else {
        v = (int64_t)n - k % m;
    }
    v %= m;
    return (uint32_t)(v < 0 ? v + m : v);
}

static const PitSpan *span_at(const PitCounter *c, int64_t t)
{
    return c->has_next && t >= c->next.start ? &c->next : &c->span;
}

static bool out_at(const PitCounter *c, int64_t t)
{
    if (c->state != PIT_COUNTING || t < c->span.start) {
        return c->held_out;
    }
    const PitSpan *s = span_at(c, t);
    return span_out(c, s, t - s->start);
}

static uint32_t count_at(const PitCounter *c, int64_t t)
{
    if (c->state != PIT_COUNTING || t < c->span.start) {
        return c->held;
    }
    const PitSpan *s = span_at(c, t);
    return span_count(c, s, t - s->start);
}

/* Forget a pending span once it has begun. */
static void settle(PitCounter *c, int64_t now)
{
    if (c->state == PIT_COUNTING && c->has_next && now >= c->next.start) {
        c->span = c->next;
        c->has_next = false;
    }
}

/* The first rising edge of OUT strictly inside span s, after tick `after`
 * and before `until`, or -1. Edges at a span's first tick are checked by
 * the caller (they depend on what came before). */
static int64_t rise_in_span(const PitCounter *c, const PitSpan *s, int64_t after, int64_t until)
{
    int64_t t;
    uint32_t n = s->n;
    switch (c->mode) {
    case 0:
    case 1:
        t = s->start + n;
        break;
    case 2:
    case 3: {
        /* OUT rises where a period begins; a count of 1 never toggles. */
        if (n < 2) {
            return -1;
        }
        int64_t k = after + 1 - s->start;
        if (k < 1) {
            k = 1;
        }
        k += (n - (uint64_t)(k + s->phase) % n) % n;
        t = s->start + k;
        break;
    }
    default:
        t = s->start + n + 1;
        break;
    }
    return t > after && t < until ? t : -1;
}

static bool rises_at(const PitCounter *c, int64_t t)
{
    return !out_at(c, t - 1) && out_at(c, t);
}

/* The first tick after `after` at which OUT goes from low to high, or -1. */
static int64_t next_rise(const PitCounter *c, int64_t after)
{
    if (c->state != PIT_COUNTING) {
        return -1;
    }
    int64_t end = c->has_next ? c->next.start : INT64_MAX;
    if (c->span.start > after && rises_at(c, c->span.start)) {
        return c->span.start;
    }
    int64_t t = rise_in_span(c, &c->span, after, end);
    if (t >= 0 || !c->has_next) {
        return t;
    }
    if (c->next.start > after && rises_at(c, c->next.start)) {
        return c->next.start;
    }
    return rise_in_span(c, &c->next, after, INT64_MAX);
}

/* ---- programming ------------------------------------------------------------ */

static uint32_t from_bcd(uint32_t v)
{
    return (v >> 12 & 0xf) * 1000 + (v >> 8 & 0xf) * 100 + (v >> 4 & 0xf) * 10 + (v & 0xf);
}

static uint16_t to_bcd(uint32_t v)
{
    return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

/* Hold the counter where it is now (OUT and count), no longer counting. */
static void hold(PitCounter *c, int64_t now, PitState state)
{
    c->held = count_at(c, now);
    c->held_out = out_at(c, now);
    c->has_next = false;
    c->state = state;
}

/* Load the count register into the counting element on the next clock and
 * count from there (datasheet: "the Counter is loaded on the next CLK
 * pulse after the count is written"). */
static void start_counting(PitCounter *c, int64_t now, uint32_t phase)
{
    c->held = count_at(c, now);
    c->held_out = out_at(c, now);
    c->span = (PitSpan){.start = now + 1, .n = c->count, .phase = phase};
    c->has_next = false;
    c->state = PIT_COUNTING;
    if (c->null_until > now + 1) {
        c->null_until = now + 1;
    }
}

static void control_word(PitCounter *c, uint8_t val, int64_t now)
{
    c->held = count_at(c, now);
    c->control = val & 0x3f;
    c->rw = val >> 4 & 3;
    c->mode = val >> 1 & 7;
    if (c->mode > 5) {
        c->mode -= 4; /* 110 and 111 are modes 2 and 3 */
    }
    c->bcd = val & CW_BCD;
    c->held %= modulus(c);
    /* "OUT goes to a known initial state": low in mode 0, high otherwise. */
    c->held_out = c->mode != 0;
    c->state = PIT_IDLE;
    c->has_next = false;
    c->has_count = false;
    c->null_until = INT64_MAX;
    c->write_msb_next = c->read_msb_next = false;
    c->count_latched = c->status_latched = false;
}

/* A new count, whole (raw as written: BCD digits in BCD mode). */
static void write_count(PitCounter *c, uint32_t raw, int64_t now)
{
    uint32_t n = c->bcd ? from_bcd(raw) : raw;
    bool first = !c->has_count;
    c->count = n ? n : modulus(c); /* 0 is the largest count */
    c->has_count = true;
    switch (c->mode) {
    case 0:
    case 4:
        /* Loaded on the next clock, whatever was counting. OUT in mode 0
         * goes low at once; in mode 4 it stays as it is. */
        c->null_until = INT64_MAX;
        start_counting(c, now, 0);
        if (c->mode == 0) {
            c->held_out = false;
        }
        if (!c->gate) {
            c->held = c->count % modulus(c);
            c->paused_k = 0;
            c->state = PIT_PAUSED;
        }
        break;
    case 1:
    case 5:
        /* Used at the next trigger (a rising GATE). */
        c->null_until = INT64_MAX;
        break;
    default: /* 2, 3 */
        if (c->state != PIT_COUNTING) {
            /* Counting if GATE is high, from the next clock. With GATE low
             * the first count is still loaded on the next clock; a later
             * one waits for the rising GATE, which loads the count too. */
            if (c->gate) {
                start_counting(c, now, 0);
            } else if (first) {
                c->held = c->count % modulus(c);
                c->null_until = now + 1;
            } else {
                c->null_until = INT64_MAX;
            }
        } else if (now < c->span.start) {
            c->span.n = c->count; /* not loaded yet: this one is */
        } else {
            /* Counting goes on; the new count is loaded at the end of the
             * period (mode 2) or half-period (mode 3). */
            const PitSpan *s = &c->span;
            uint32_t p = (uint32_t)((uint64_t)(now - s->start + s->phase) % s->n);
            int64_t end;
            uint32_t phase = 0;
            if (c->mode == 3 && p < high_len(s->n)) {
                end = now + (high_len(s->n) - p);
                phase = high_len(c->count); /* it starts low */
            } else {
                end = now + (s->n - p);
            }
            c->next = (PitSpan){.start = end, .n = c->count, .phase = phase};
            c->has_next = true;
            c->null_until = end;
        }
        break;
    }
}

static void set_gate(PitCounter *c, bool level, int64_t now)
{
    bool rising = level && !c->gate;
    bool falling = !level && c->gate;
    c->gate = level;
    switch (c->mode) {
    case 0:
    case 4:
        /* GATE low suspends counting; OUT is unaffected. */
        if (falling && c->state == PIT_COUNTING) {
            int64_t k = now - c->span.start;
            hold(c, now, PIT_PAUSED);
            c->paused_k = k > 0 ? k : 0;
        } else if (rising && c->state == PIT_PAUSED) {
            c->span.start = now - c->paused_k;
            c->state = PIT_COUNTING;
        }
        break;
    case 1:
    case 5:
        /* A rising GATE triggers: the count is loaded on the next clock. */
        if (rising && c->has_count) {
            start_counting(c, now, 0);
        }
        break;
    default: /* 2, 3 */
        /* GATE low stops counting and forces OUT high; a rising GATE
         * reloads the count on the next clock. */
        if (falling && c->state == PIT_COUNTING) {
            hold(c, now, PIT_PAUSED);
            c->held_out = true;
        } else if (rising && c->has_count) {
            start_counting(c, now, 0);
            c->held_out = true;
        }
        break;
    }
}

static void latch_count(PitCounter *c, int64_t now)
{
    if (!c->count_latched) { /* a second latch before the read is ignored */
        uint32_t v = count_at(c, now);
        c->latch = c->bcd ? to_bcd(v) : (uint16_t)v;
        c->count_latched = true;
    }
}

static void latch_status(PitCounter *c, int64_t now)
{
    if (!c->status_latched) {
        c->status = (uint8_t)((out_at(c, now) ? STATUS_OUT : 0) |
                              (now < c->null_until ? STATUS_NULL : 0) | c->control);
        c->status_latched = true;
    }
}

/* Reads go through the output latch: frozen by a latch command until the
 * whole count is read, else following the counting element. A latched
 * status is read first (datasheet, "Read-Back Command"). */
static uint8_t read_counter(PitCounter *c, int64_t now)
{
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    uint16_t v;
    if (c->count_latched) {
        v = c->latch;
    } else {
        uint32_t raw = count_at(c, now);
        v = c->bcd ? to_bcd(raw) : (uint16_t)raw;
    }
    bool msb = c->rw == RW_MSB || (c->rw == RW_WORD && c->read_msb_next);
    if (c->rw == RW_WORD) {
        c->read_msb_next = !c->read_msb_next;
    }
    if (c->rw != RW_WORD || msb) {
        c->count_latched = false;
    }
    return msb ? (uint8_t)(v >> 8) : (uint8_t)v;
}

static void write_counter(PitCounter *c, uint8_t val, int64_t now)
{
    switch (c->rw) {
    case RW_LSB:
        write_count(c, val, now);
        break;
    case RW_MSB:
        write_count(c, (uint32_t)val << 8, now);
        break;
    default:
        if (!c->write_msb_next) {
            c->write_lsb = val;
            c->write_msb_next = true;
            /* Mode 0: the first byte stops counting, OUT low at once. */
            if (c->mode == 0) {
                hold(c, now, PIT_IDLE);
                c->held_out = false;
            }
        } else {
            c->write_msb_next = false;
            write_count(c, c->write_lsb | (uint32_t)val << 8, now);
        }
        break;
    }
}

/* ---- IRQ 0 ------------------------------------------------------------------- */

/* Arm the timer for counter 0's next rising edge after tick now. */
static void irq_update(Pit *pit, int64_t now)
{
    if (pit->irq_waiting) {
        return; /* pit_irq_accepted() will look again */
    }
    int64_t t = next_rise(&pit->c[0], now);
    if (t == pit->irq_edge) {
        return;
    }
    pit->irq_edge = t;
    if (t < 0) {
        pit->clock.timer_del(pit->irq_timer);
    } else {
        pit->clock.timer_mod(pit->irq_timer, ns_of_tick(t));
    }
}

static void irq_timer_fired(void *opaque)
{
    Pit *pit = opaque;
    int64_t now = now_tick(pit);
    if (pit->irq_edge < 0) {
        return;
    }
    if (now < pit->irq_edge) { /* early: another clock than ours? wait on */
        pit->clock.timer_mod(pit->irq_timer, ns_of_tick(pit->irq_edge));
        return;
    }
    settle(&pit->c[0], now);
    pit->irq_edge = -1;
    pit->irq_waiting = true;
    irq_set(&pit->irq0, 0);
    irq_set(&pit->irq0, 1);
}

void pit_irq_accepted(Pit *pit)
{
    if (pit->irq_waiting) {
        pit->irq_waiting = false;
        irq_update(pit, now_tick(pit));
    }
}

/* ---- the device ----------------------------------------------------------------- */

static void reset_counter(PitCounter *c, bool gate)
{
    /* The datasheet leaves the power-on state undefined: here each counter
     * waits for programming as after a mode 0 control word, OUT low. */
    *c = (PitCounter){.control = RW_WORD << 4,
                      .rw = RW_WORD,
                      .gate = gate,
                      .null_until = INT64_MAX,
                      .state = PIT_IDLE};
}

void pit_reset(Pit *pit)
{
    for (int i = 0; i < PIT_COUNTERS; i++) {
        reset_counter(&pit->c[i], i != 2); /* counter 2's gate: port 0x61 bit 0 */
    }
    pit->port61 = 0;
    pit->irq_waiting = false;
    pit->irq_edge = -1;
    if (pit->irq_timer) {
        pit->clock.timer_del(pit->irq_timer);
    }
}

int pit_init(Pit *pit, const HwClock *clock, IrqLine irq0)
{
    memset(pit, 0, sizeof(*pit));
    pit->clock = *clock;
    pit->irq0 = irq0;
    pit->irq_timer = clock->timer_new(clock->opaque, irq_timer_fired, pit);
    if (!pit->irq_timer) {
        return -ENOMEM;
    }
    pit_reset(pit);
    return 0;
}

void pit_destroy(Pit *pit)
{
    if (pit->irq_timer) {
        pit->clock.timer_free(pit->irq_timer);
        pit->irq_timer = NULL;
    }
}

void pit_set_gate(Pit *pit, int n, bool level)
{
    int64_t now = now_tick(pit);
    settle(&pit->c[n], now);
    set_gate(&pit->c[n], level, now);
    if (n == 0) {
        irq_update(pit, now);
    }
}

bool pit_out(Pit *pit, int n)
{
    return out_at(&pit->c[n], now_tick(pit));
}

uint32_t pit_count(Pit *pit, int n)
{
    return count_at(&pit->c[n], now_tick(pit));
}

static uint64_t pit_read(void *opaque, uint64_t offset, unsigned size)
{
    Pit *pit = opaque;
    if (offset >= PIT_COUNTERS) {
        return 0xff; /* the control word register cannot be read: the bus floats */
    }
    int64_t now = now_tick(pit);
    settle(&pit->c[offset], now);
    return read_counter(&pit->c[offset], now);
}

static void pit_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Pit *pit = opaque;
    uint8_t val = (uint8_t)value;
    int64_t now = now_tick(pit);
    for (int i = 0; i < PIT_COUNTERS; i++) {
        settle(&pit->c[i], now);
    }
    if (offset < PIT_COUNTERS) {
        write_counter(&pit->c[offset], val, now);
    } else if ((val & CW_READ_BACK) == CW_READ_BACK) {
        /* Read-back: bits 3:1 select counters 2:0. */
        for (int i = 0; i < PIT_COUNTERS; i++) {
            if (val & (2u << i)) {
                if (!(val & RB_NO_COUNT)) {
                    latch_count(&pit->c[i], now);
                }
                if (!(val & RB_NO_STATUS)) {
                    latch_status(&pit->c[i], now);
                }
            }
        }
        return;
    } else {
        PitCounter *c = &pit->c[val >> 6];
        if ((val & 0x30) == 0) {
            latch_count(c, now); /* counter latch command */
            return;
        }
        control_word(c, val, now);
    }
    irq_update(pit, now);
}

static uint64_t port61_read(void *opaque, uint64_t offset, unsigned size)
{
    Pit *pit = opaque;
    int64_t ns = pit->clock.now_ns(pit->clock.opaque);
    uint8_t v = pit->port61 & PORT61_WRITABLE;
    if ((ns / REFRESH_PERIOD_NS) & 1) {
        v |= PORT61_REFRESH;
    }
    if (out_at(&pit->c[2], tick_of_ns(ns))) {
        v |= PORT61_OUT2;
    }
    return v;
}

static void port61_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Pit *pit = opaque;
    pit->port61 = (uint8_t)value & PORT61_WRITABLE;
    pit_set_gate(pit, 2, value & PORT61_GATE2);
}

const MemOps pit_ops = {.read = pit_read, .write = pit_write, .max_size = 1};
const MemOps pit_port61_ops = {.read = port61_read, .write = port61_write, .max_size = 1};
