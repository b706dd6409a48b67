/*
 * Timers and the timer thread (see timer.h). Each clock has a list of
 * armed timers sorted by expiry; the thread runs every expired timer, then
 * sleeps on a condition variable until the earliest expiry of any clock.
 *
 * Locks: cb_lock (the device lock) before lock. The thread holds cb_lock
 * while it looks for expired timers and runs them, and only `lock` while it
 * sleeps; timer_mod/del are called with cb_lock held. So a timer removed
 * or moved by a device handler is never run on a stale expiry.
 */
#include "system/timer.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#define NS_PER_SEC 1000000000ll

static int64_t host_clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

int64_t timer_clock_ns(TimerClock clock)
{
    return host_clock_ns(clock == TIMER_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC);
}

int timer_list_init(TimerList *tl, pthread_mutex_t *cb_lock)
{
    *tl = (TimerList){.cb_lock = cb_lock};
    int rc = pthread_mutex_init(&tl->lock, NULL);
    if (rc) {
        return -rc;
    }
    pthread_condattr_t attr;
    rc = pthread_condattr_init(&attr);
    if (!rc) {
        rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        if (!rc) {
            rc = pthread_cond_init(&tl->wake, &attr);
        }
        pthread_condattr_destroy(&attr);
    }
    if (rc) {
        pthread_mutex_destroy(&tl->lock);
        return -rc;
    }
    return 0;
}

void timer_list_destroy(TimerList *tl)
{
    pthread_cond_destroy(&tl->wake);
    pthread_mutex_destroy(&tl->lock);
}

Timer *timer_new(TimerList *tl, TimerClock clock, void (*cb)(void *opaque), void *opaque)
{
    Timer *t = malloc(sizeof(*t));
    if (t) {
        *t = (Timer){.list = tl, .clock = clock, .expire = -1, .cb = cb, .opaque = opaque};
    }
    return t;
}

/* Take t off its list (lock held). */
static void unlink_timer(Timer *t)
{
    Timer **pp = &t->list->active[t->clock];
    while (*pp && *pp != t) {
        pp = &(*pp)->next;
    }
    if (*pp) {
        *pp = t->next;
    }
    t->next = NULL;
    t->expire = -1;
}

void timer_free(Timer *t)
{
    if (t) {
        timer_del(t);
        free(t);
    }
}

void timer_mod(Timer *t, int64_t expire_ns)
{
    TimerList *tl = t->list;
    if (expire_ns < 0) {
        expire_ns = 0;
    }
    pthread_mutex_lock(&tl->lock);
    if (t->expire >= 0) {
        unlink_timer(t);
    }
    t->expire = expire_ns;
    Timer **pp = &tl->active[t->clock];
    while (*pp && (*pp)->expire <= expire_ns) {
        pp = &(*pp)->next;
    }
    t->next = *pp;
    *pp = t;
    /* A new earliest timer of its clock: the thread may be sleeping past it. */
    if (tl->active[t->clock] == t) {
        pthread_cond_signal(&tl->wake);
    }
    pthread_mutex_unlock(&tl->lock);
}

void timer_del(Timer *t)
{
    TimerList *tl = t->list;
    pthread_mutex_lock(&tl->lock);
    if (t->expire >= 0) {
        unlink_timer(t);
    }
    pthread_mutex_unlock(&tl->lock);
}

bool timer_pending(const Timer *t)
{
    return timer_expire_time(t) >= 0;
}

int64_t timer_expire_time(const Timer *t)
{
    TimerList *tl = t->list;
    pthread_mutex_lock(&tl->lock);
    int64_t e = t->expire;
    pthread_mutex_unlock(&tl->lock);
    return e;
}

/* An expired timer taken off its list, or NULL; *wait_until gets the
 * CLOCK_MONOTONIC time of the earliest expiry otherwise (INT64_MAX: none).
 * Lock held. */
static Timer *take_expired(TimerList *tl, int64_t *wait_until)
{
    int64_t mono = host_clock_ns(CLOCK_MONOTONIC);
    *wait_until = INT64_MAX;
    for (int c = 0; c < TIMER_CLOCKS; c++) {
        Timer *t = tl->active[c];
        if (!t) {
            continue;
        }
        int64_t now = c == TIMER_CLOCK_REALTIME ? timer_clock_ns(c) : mono;
        if (t->expire <= now) {
            unlink_timer(t);
            return t;
        }
        int64_t at = mono + (t->expire - now);
        if (at < *wait_until) {
            *wait_until = at;
        }
    }
    return NULL;
}

static void *timer_thread(void *opaque)
{
    TimerList *tl = opaque;
    for (;;) {
        if (tl->cb_lock) {
            pthread_mutex_lock(tl->cb_lock);
        }
        pthread_mutex_lock(&tl->lock);
        int64_t wait_until = INT64_MAX;
        Timer *t;
        while (!tl->stopping && (t = take_expired(tl, &wait_until)) != NULL) {
            pthread_mutex_unlock(&tl->lock);
            t->cb(t->opaque); /* may arm timers: takes tl->lock */
            pthread_mutex_lock(&tl->lock);
        }
        if (tl->cb_lock) {
            pthread_mutex_unlock(tl->cb_lock);
        }
        if (tl->stopping) {
            pthread_mutex_unlock(&tl->lock);
            return NULL;
        }
        /* Sleep until the earliest expiry or a timer_mod that comes first.
         * Lists changed since take_expired signalled under this lock, which
         * the thread has held since; a spurious wakeup just looks again. */
        if (wait_until == INT64_MAX) {
            pthread_cond_wait(&tl->wake, &tl->lock);
        } else {
            struct timespec ts = {.tv_sec = wait_until / NS_PER_SEC,
                                  .tv_nsec = wait_until % NS_PER_SEC};
            pthread_cond_timedwait(&tl->wake, &tl->lock, &ts);
        }
        pthread_mutex_unlock(&tl->lock);
    }
}

int timer_list_start(TimerList *tl)
{
    tl->stopping = false;
    int rc = pthread_create(&tl->thread, NULL, timer_thread, tl);
    if (rc) {
        return -rc;
    }
    tl->running = true;
    return 0;
}

void timer_list_stop(TimerList *tl)
{
    if (!tl->running) {
        return;
    }
    pthread_mutex_lock(&tl->lock);
    tl->stopping = true;
    pthread_cond_signal(&tl->wake);
    pthread_mutex_unlock(&tl->lock);
    pthread_join(tl->thread, NULL);
    tl->running = false;
}

/* ---- the devices' view (HwClock) ---- */

static int64_t hw_now(void *opaque)
{
    return timer_clock_ns(TIMER_CLOCK_VIRTUAL);
}

static HwTimer *hw_timer_new(void *opaque, void (*cb)(void *cb_opaque), void *cb_opaque)
{
    return timer_new(opaque, TIMER_CLOCK_VIRTUAL, cb, cb_opaque);
}

HwClock timer_hw_clock(TimerList *tl)
{
    return (HwClock){.opaque = tl,
                     .now_ns = hw_now,
                     .timer_new = hw_timer_new,
                     .timer_mod = timer_mod,
                     .timer_del = timer_del,
                     .timer_free = timer_free};
}
