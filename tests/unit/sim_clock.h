/*
 * sim_clock.h — a simulated HwClock (hw/hw.h) for device unit tests: time
 * moves only when the test says. sim_advance_to() runs the timers that come
 * due on the way one at a time, earliest expiry first (equal expiries: the
 * timer created first), with the clock set to each one's expiry while its
 * callback runs; a callback may re-arm its timer or another, and a timer it
 * arms within the interval runs in the same call. A timer runs once per arm.
 * Shared by the i8254, HPET, MC146818, ACPI PM, local APIC and IOAPIC tests;
 * one test program includes it once.
 */
#ifndef RX86_TESTS_UNIT_SIM_CLOCK_H
#define RX86_TESTS_UNIT_SIM_CLOCK_H

#include "hw/hw.h"

#include <stdbool.h>
#include <stdint.h>

#define SIM_MAX_TIMERS 4

struct HwTimer {
    bool armed;
    int64_t expire;
    void (*cb)(void *opaque);
    void *opaque;
};

static int64_t sim_ns;
static struct HwTimer sim_timers[SIM_MAX_TIMERS];
static unsigned sim_ntimers;
static bool sim_fail_timer; /* while set, timer_new fails as if out of memory */

static inline int64_t sim_now(void *opaque)
{
    return sim_ns;
}

static inline HwTimer *sim_timer_new(void *opaque, void (*cb)(void *), void *cb_opaque)
{
    if (sim_fail_timer || sim_ntimers == SIM_MAX_TIMERS) {
        return NULL;
    }
    HwTimer *t = &sim_timers[sim_ntimers++];
    *t = (struct HwTimer){.cb = cb, .opaque = cb_opaque};
    return t;
}

static inline void sim_timer_mod(HwTimer *t, int64_t expire)
{
    t->armed = true;
    t->expire = expire;
}

static inline void sim_timer_del(HwTimer *t)
{
    t->armed = false;
}

static const HwClock sim_clock = {.now_ns = sim_now,
                                  .timer_new = sim_timer_new,
                                  .timer_mod = sim_timer_mod,
                                  .timer_del = sim_timer_del,
                                  .timer_free = sim_timer_del};

/* Start over at ns with no timers: the next device's timer_new calls get
 * the slots again (the old device must not use its timers any more). */
static inline void sim_reset(int64_t ns)
{
    for (unsigned i = 0; i < SIM_MAX_TIMERS; i++) {
        sim_timers[i].armed = false;
    }
    sim_ntimers = 0;
    sim_ns = ns;
}

/* The earliest armed timer's expiry, or INT64_MAX. */
static inline int64_t sim_next_expiry(void)
{
    int64_t e = INT64_MAX;
    for (unsigned i = 0; i < sim_ntimers; i++) {
        if (sim_timers[i].armed && sim_timers[i].expire < e) {
            e = sim_timers[i].expire;
        }
    }
    return e;
}

/* Move the clock to ns, running the timers that expire on the way, each at
 * its expiry time (or now, if that has passed: see sim_jump_to). */
static inline void sim_advance_to(int64_t ns)
{
    for (;;) {
        HwTimer *next = NULL;
        for (unsigned i = 0; i < sim_ntimers; i++) {
            HwTimer *t = &sim_timers[i];
            if (t->armed && t->expire <= ns && (!next || t->expire < next->expire)) {
                next = t;
            }
        }
        if (!next) {
            break;
        }
        if (next->expire > sim_ns) {
            sim_ns = next->expire;
        }
        next->armed = false;
        next->cb(next->opaque);
    }
    sim_ns = ns;
}

static inline void sim_advance(int64_t ns)
{
    sim_advance_to(sim_ns + ns);
}

/* A host that was away: the clock jumps to ns, then the due timers run late,
 * each seeing the clock at ns. */
static inline void sim_jump_to(int64_t ns)
{
    sim_ns = ns;
    sim_advance_to(ns);
}

#endif
