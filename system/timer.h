/*
 * Timers on two clocks, run by one timer thread (the main loop's timer
 * part, DESIGN.md "Threads").
 *
 *   TIMER_CLOCK_VIRTUAL   guest time in ns. rx86 does not pause a VM yet,
 *                         so it is the host's CLOCK_MONOTONIC, the clock
 *                         RDTSC reads too (frontend/misc_helper.c).
 *   TIMER_CLOCK_REALTIME  the host's wall clock in ns (CLOCK_REALTIME), for
 *                         what must follow the date (an RTC).
 *
 * The thread sleeps until the earliest expiry (a condition variable wait on
 * CLOCK_MONOTONIC, no polling); arming a timer earlier than that wakes it.
 * Callbacks run on the thread with the list's callback lock held (the
 * board's device lock), so a device's timer callback is serialized with its
 * port handlers. timer_mod, timer_del and timer_free must be called with
 * that lock held too (from a callback or a device handler): then a timer
 * that is deleted never runs afterwards.
 *
 * A Timer is what devices know as an HwTimer (hw/hw.h): timer_hw_clock()
 * gives them the virtual clock.
 */
#ifndef RX86_SYSTEM_TIMER_H
#define RX86_SYSTEM_TIMER_H

#include "hw/hw.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum TimerClock {
    TIMER_CLOCK_VIRTUAL,
    TIMER_CLOCK_REALTIME,
    TIMER_CLOCKS,
} TimerClock;

typedef struct TimerList TimerList;
typedef struct HwTimer Timer;

struct HwTimer {
    TimerList *list;
    TimerClock clock;
    int64_t expire; /* ns on its clock; -1 when not pending */
    void (*cb)(void *opaque);
    void *opaque;
    Timer *next; /* in its clock's list, sorted by expiry */
};

struct TimerList {
    pthread_mutex_t lock; /* the lists and the thread's state */
    pthread_cond_t wake;  /* on CLOCK_MONOTONIC */
    Timer *active[TIMER_CLOCKS];
    pthread_mutex_t *cb_lock; /* held around callbacks; may be NULL */
    pthread_t thread;
    bool running;
    bool stopping;
};

/* The clock's value now, in ns. */
int64_t timer_clock_ns(TimerClock clock);

/* Returns 0 or -errno. cb_lock (the device lock) is taken around every
 * callback; NULL runs them without it. */
int timer_list_init(TimerList *tl, pthread_mutex_t *cb_lock) __attribute__((warn_unused_result));
/* Start the thread that runs the callbacks. Returns 0 or -errno. */
int timer_list_start(TimerList *tl) __attribute__((warn_unused_result));
/* Stop the thread (waits for a callback under way). Safe if not started. */
void timer_list_stop(TimerList *tl);
/* After timer_list_stop and after every timer was freed. */
void timer_list_destroy(TimerList *tl);

/* A timer calling cb(opaque) on the thread once its time has come; NULL
 * when out of memory. */
Timer *timer_new(TimerList *tl, TimerClock clock, void (*cb)(void *opaque), void *opaque);
void timer_free(Timer *t);
/* Arm t to expire at expire_ns on its clock (a time already past runs it
 * at once); an armed timer is moved. */
void timer_mod(Timer *t, int64_t expire_ns);
void timer_del(Timer *t);
bool timer_pending(const Timer *t);
/* The expiry time, or -1 when not pending. */
int64_t timer_expire_time(const Timer *t);

/* The virtual clock and its timers, as devices use them. */
HwClock timer_hw_clock(TimerList *tl);

#endif
