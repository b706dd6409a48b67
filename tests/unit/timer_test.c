/* system/timer.c on the host's clocks: expiry order, never early,
 * cancellation and moving, the thread woken for a nearer timer, callbacks
 * under the callback lock, the wall clock, and the devices' HwClock. */
#include "system/timer.h"
#include "tests/unit/check.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#define MS 1000000ll

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static TimerList tl;

typedef struct Probe {
    int id;
    Timer *timer;
    int64_t due; /* the expiry it was armed for */
    atomic_int runs;
    atomic_bool early;    /* ran before its expiry */
    atomic_bool unlocked; /* ran without the callback lock held */
    int rearm;            /* re-arm this many more times, 1 ms apart */
} Probe;

static int order[16];
static atomic_int norder;

static void probe_cb(void *opaque)
{
    Probe *p = opaque;
    int64_t now = timer_clock_ns(p->timer->clock);
    if (now < p->due) {
        atomic_store(&p->early, true);
    }
    if (pthread_mutex_trylock(&dev_lock) == 0) {
        atomic_store(&p->unlocked, true);
        pthread_mutex_unlock(&dev_lock);
    }
    int i = atomic_fetch_add(&norder, 1);
    if (i < 16) {
        order[i] = p->id;
    }
    atomic_fetch_add(&p->runs, 1);
    if (p->rearm > 0) {
        p->rearm--;
        p->due = now + 1 * MS;
        timer_mod(p->timer, p->due);
    }
}

static void probe_init(Probe *p, int id, TimerClock clock)
{
    memset(p, 0, sizeof(*p));
    p->id = id;
    p->timer = timer_new(&tl, clock, probe_cb, p);
    CHECK(p->timer != NULL);
}

/* Arm p for `delta` ns from now on its clock (with the lock, as devices). */
static void arm(Probe *p, int64_t delta)
{
    pthread_mutex_lock(&dev_lock);
    p->due = timer_clock_ns(p->timer->clock) + delta;
    timer_mod(p->timer, p->due);
    pthread_mutex_unlock(&dev_lock);
}

static void sleep_ns(int64_t ns)
{
    struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
    nanosleep(&ts, NULL);
}

/* Wait up to 5 s for p to have run `runs` times. */
static bool wait_runs(Probe *p, int runs)
{
    for (int i = 0; i < 5000 && atomic_load(&p->runs) < runs; i++) {
        sleep_ns(1 * MS);
    }
    return atomic_load(&p->runs) >= runs;
}

static void check_probe(Probe *p)
{
    CHECK(!atomic_load(&p->early));
    CHECK(!atomic_load(&p->unlocked));
}

static void test_order(void)
{
    Probe a, b, c;
    probe_init(&a, 0, TIMER_CLOCK_VIRTUAL);
    probe_init(&b, 1, TIMER_CLOCK_VIRTUAL);
    probe_init(&c, 2, TIMER_CLOCK_VIRTUAL);
    atomic_store(&norder, 0);
    pthread_mutex_lock(&dev_lock);
    int64_t now = timer_clock_ns(TIMER_CLOCK_VIRTUAL);
    a.due = now + 30 * MS;
    b.due = now + 10 * MS;
    c.due = now + 20 * MS;
    timer_mod(a.timer, a.due);
    timer_mod(b.timer, b.due);
    timer_mod(c.timer, c.due);
    CHECK(timer_pending(a.timer));
    CHECK_EQ(timer_expire_time(b.timer), b.due);
    pthread_mutex_unlock(&dev_lock);
    CHECK(wait_runs(&a, 1));
    CHECK_EQ(atomic_load(&norder), 3);
    CHECK_EQ(order[0], 1);
    CHECK_EQ(order[1], 2);
    CHECK_EQ(order[2], 0);
    CHECK(!timer_pending(a.timer));
    CHECK_EQ(timer_expire_time(a.timer), -1);
    check_probe(&a);
    check_probe(&b);
    check_probe(&c);
    pthread_mutex_lock(&dev_lock);
    timer_free(a.timer);
    timer_free(b.timer);
    timer_free(c.timer);
    pthread_mutex_unlock(&dev_lock);
}

static void test_cancel_and_move(void)
{
    Probe a, b;
    probe_init(&a, 0, TIMER_CLOCK_VIRTUAL);
    probe_init(&b, 1, TIMER_CLOCK_VIRTUAL);
    arm(&a, 5 * MS);
    arm(&b, 10 * MS);
    pthread_mutex_lock(&dev_lock);
    timer_del(a.timer);
    CHECK(!timer_pending(a.timer));
    timer_del(a.timer); /* twice is harmless */
    pthread_mutex_unlock(&dev_lock);
    arm(&b, 300 * MS); /* moved later */
    sleep_ns(20 * MS);
    CHECK_EQ(atomic_load(&b.runs), 0);
    CHECK(wait_runs(&b, 1));
    check_probe(&b);
    sleep_ns(10 * MS);
    CHECK_EQ(atomic_load(&a.runs), 0);
    CHECK_EQ(atomic_load(&b.runs), 1); /* one-shot */

    /* Deleted with the lock held after its time came: it never runs. */
    pthread_mutex_lock(&dev_lock);
    a.due = timer_clock_ns(TIMER_CLOCK_VIRTUAL) + 1 * MS;
    timer_mod(a.timer, a.due);
    sleep_ns(10 * MS);
    timer_del(a.timer);
    pthread_mutex_unlock(&dev_lock);
    sleep_ns(10 * MS);
    CHECK_EQ(atomic_load(&a.runs), 0);
    pthread_mutex_lock(&dev_lock);
    timer_free(a.timer);
    timer_free(b.timer);
    pthread_mutex_unlock(&dev_lock);
}

static void test_nearer_timer_wakes_thread(void)
{
    Probe far, near;
    probe_init(&far, 0, TIMER_CLOCK_VIRTUAL);
    probe_init(&near, 1, TIMER_CLOCK_VIRTUAL);
    arm(&far, 100000 * MS);
    /* The thread sleeps until far's expiry: it burns no CPU meanwhile. */
    struct timespec cpu0, cpu1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
    sleep_ns(100 * MS);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1);
    int64_t cpu_ns = (cpu1.tv_sec - cpu0.tv_sec) * 1000000000ll + (cpu1.tv_nsec - cpu0.tv_nsec);
    CHECK(cpu_ns < 20 * MS);
    int64_t start = timer_clock_ns(TIMER_CLOCK_VIRTUAL);
    arm(&near, 2 * MS);
    CHECK(wait_runs(&near, 1));
    CHECK(timer_clock_ns(TIMER_CLOCK_VIRTUAL) - start < 1000 * MS);
    check_probe(&near);
    CHECK_EQ(atomic_load(&far.runs), 0);
    pthread_mutex_lock(&dev_lock);
    timer_free(far.timer);
    timer_free(near.timer);
    pthread_mutex_unlock(&dev_lock);
}

static void test_rearm_and_realtime(void)
{
    Probe p, wall;
    probe_init(&p, 0, TIMER_CLOCK_VIRTUAL);
    probe_init(&wall, 1, TIMER_CLOCK_REALTIME);
    p.rearm = 4;
    arm(&p, 1 * MS);
    arm(&wall, 3 * MS);
    CHECK(wait_runs(&p, 5));
    CHECK(wait_runs(&wall, 1));
    sleep_ns(5 * MS);
    CHECK_EQ(atomic_load(&p.runs), 5);
    check_probe(&p);
    check_probe(&wall);
    /* An expiry in the past runs at once. */
    pthread_mutex_lock(&dev_lock);
    p.due = 0;
    timer_mod(p.timer, 0);
    pthread_mutex_unlock(&dev_lock);
    CHECK(wait_runs(&p, 6));
    pthread_mutex_lock(&dev_lock);
    timer_free(p.timer);
    timer_free(wall.timer);
    pthread_mutex_unlock(&dev_lock);
}

static atomic_int hw_runs;

static void hw_cb(void *opaque)
{
    atomic_fetch_add(&hw_runs, 1);
}

static void test_hw_clock(void)
{
    HwClock clock = timer_hw_clock(&tl);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t mono = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    int64_t now = clock.now_ns(clock.opaque);
    CHECK(now >= mono && now - mono < 1000 * MS);
    HwTimer *t = clock.timer_new(clock.opaque, hw_cb, NULL);
    CHECK(t != NULL);
    pthread_mutex_lock(&dev_lock);
    clock.timer_mod(t, clock.now_ns(clock.opaque) + 2 * MS);
    pthread_mutex_unlock(&dev_lock);
    for (int i = 0; i < 5000 && atomic_load(&hw_runs) == 0; i++) {
        sleep_ns(1 * MS);
    }
    CHECK_EQ(atomic_load(&hw_runs), 1);
    pthread_mutex_lock(&dev_lock);
    clock.timer_mod(t, clock.now_ns(clock.opaque) + 2 * MS);
    clock.timer_del(t);
    clock.timer_free(t);
    pthread_mutex_unlock(&dev_lock);
    sleep_ns(10 * MS);
    CHECK_EQ(atomic_load(&hw_runs), 1);
}

int main(void)
{
    CHECK(timer_list_init(&tl, &dev_lock) == 0);
    CHECK(timer_list_start(&tl) == 0);
    test_order();
    test_cancel_and_move();
    test_nearer_timer_wakes_thread();
    test_rearm_and_realtime();
    test_hw_clock();
    timer_list_stop(&tl);
    timer_list_stop(&tl); /* stopping twice is harmless */
    timer_list_destroy(&tl);
    return check_report("timer");
}
