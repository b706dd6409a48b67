/*
 * The local APIC (see lapic.h; Intel SDM Vol. 3A chapter 10). Register
 * offsets and layouts are Table 10-1 and the figures of 10.4-10.8.
 *
 * Interrupt acceptance: a fixed interrupt sets its IRR bit (and TMR for
 * level-triggered ones); INTR goes to the CPU while the highest IRR
 * vector's priority class is above the PPR's (SDM 10.8.3.1), or while an
 * ExtINT source (LINT0 in ExtINT mode with the 8259's INTR high, or an
 * ExtINT message) waits. The INTA cycle moves the vector to ISR; ExtINT
 * takes precedence and asks the 8259, as QEMU does. EOI clears the highest
 * ISR bit and, for a level-triggered vector, broadcasts the EOI to the
 * IOAPICs (the version register announces no EOI-broadcast suppression).
 *
 * The timer counts the bus clock (1 GHz, as QEMU's and KVM's) divided by
 * the DCR: nothing ticks, the count is computed from when it was loaded,
 * and one HwTimer is armed for the next expiry.
 *
 * Where QEMU 7.2 departs from the SDM, the SDM is followed: the ESR is
 * latched by a write (10.5.3); a software-disabled APIC masks its LVT
 * (10.4.7.2) and takes no fixed interrupts; LVT and ICR reserved bits read
 * 0; vectors 0-15 are illegal (10.5.2); the APR is computed; the APIC
 * base moves and the APIC can be disabled globally and enabled again.
 * QEMU is followed where the SDM leaves a choice: the SVR keeps bits 8:0
 * (no focus checking, no EOI-broadcast suppression), narrow accesses are
 * ignored.
 */
#include "hw/lapic.h"

#include <errno.h>
#include <string.h>

/* Register indexes: offset >> 4 (SDM Vol. 3A Table 10-1). */
enum {
    REG_ID = 0x02,
    REG_VERSION = 0x03,
    REG_TPR = 0x08,
    REG_APR = 0x09,
    REG_PPR = 0x0a,
    REG_EOI = 0x0b,
    REG_LDR = 0x0d,
    REG_DFR = 0x0e,
    REG_SVR = 0x0f,
    REG_ISR = 0x10, /* 0x10-0x17 */
    REG_TMR = 0x18, /* 0x18-0x1f */
    REG_IRR = 0x20, /* 0x20-0x27 */
    REG_ESR = 0x28,
    REG_ICR_LO = 0x30,
    REG_ICR_HI = 0x31,
    REG_LVT = 0x32, /* 0x32-0x37 */
    REG_TIMER_INITIAL = 0x38,
    REG_TIMER_CURRENT = 0x39,
    REG_TIMER_DIVIDE = 0x3e,
};

#define SVR_ENABLE (1u << 8)
#define SVR_WRITABLE 0x1ffu /* vector and enable, as QEMU keeps them */

/* ICR (SDM Vol. 3A Figure 10-12): vector, delivery mode, destination
 * mode, level, trigger mode and shorthand are writable; delivery status
 * reads 0 (messages are delivered at once). */
#define ICR_LO_WRITABLE 0x000ccfffu
#define ICR_DEST_LOGICAL (1u << 11)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)
#define ICR_SHORTHAND_SHIFT 18
enum { SH_NONE, SH_SELF, SH_ALL, SH_ALL_BUT_SELF };

/* The writable bits of each LVT entry (SDM Vol. 3A Figure 10-8). */
static const uint32_t lvt_writable[LAPIC_LVT_COUNT] = {
    [LVT_TIMER] = LVT_VECTOR | LVT_MASKED | LVT_TIMER_MODE_MASK,
    [LVT_THERMAL] = LVT_VECTOR | LVT_DM_MASK | LVT_MASKED,
    [LVT_PERF] = LVT_VECTOR | LVT_DM_MASK | LVT_MASKED,
    [LVT_LINT0] = LVT_VECTOR | LVT_DM_MASK | LVT_POLARITY | LVT_LEVEL | LVT_MASKED,
    [LVT_LINT1] = LVT_VECTOR | LVT_DM_MASK | LVT_POLARITY | LVT_LEVEL | LVT_MASKED,
    [LVT_ERROR] = LVT_VECTOR | LVT_MASKED,
};

/* ---- bit arrays of 256 vectors ------------------------------------------------ */

static bool vec_test(const uint32_t *a, unsigned v)
{
    return (a[v >> 5] >> (v & 31)) & 1;
}

static void vec_set(uint32_t *a, unsigned v)
{
    a[v >> 5] |= 1u << (v & 31);
}

static void vec_clear(uint32_t *a, unsigned v)
{
    a[v >> 5] &= ~(1u << (v & 31));
}

/* The highest vector set, or -1. */
static int vec_highest(const uint32_t *a)
{
    for (int i = 7; i >= 0; i--) {
        if (a[i]) {
            return i * 32 + 31 - __builtin_clz(a[i]);
        }
    }
    return -1;
}

/* ---- state ------------------------------------------------------------------------ */

bool lapic_enabled(const Lapic *l)
{
    return l->base & APIC_BASE_EN;
}

static bool sw_enabled(const Lapic *l)
{
    return l->svr & SVR_ENABLE;
}

static unsigned lvt_mode(uint32_t lvt)
{
    return (lvt & LVT_DM_MASK) >> LVT_DM_SHIFT;
}

static unsigned timer_mode(const Lapic *l)
{
    return (l->lvt[LVT_TIMER] & LVT_TIMER_MODE_MASK) >> LVT_TIMER_MODE_SHIFT;
}

static int64_t now_ns(const Lapic *l)
{
    return l->clock.now_ns(l->clock.opaque);
}

uint8_t lapic_ppr(const Lapic *l)
{
    int isrv = vec_highest(l->isr);
    unsigned isr_class = isrv < 0 ? 0 : (unsigned)isrv >> 4;
    return (l->tpr >> 4) >= isr_class ? l->tpr : (uint8_t)(isr_class << 4);
}

uint8_t lapic_apr(const Lapic *l)
{
    int irrv = vec_highest(l->irr), isrv = vec_highest(l->isr);
    unsigned irr_class = irrv < 0 ? 0 : (unsigned)irrv >> 4;
    unsigned isr_class = isrv < 0 ? 0 : (unsigned)isrv >> 4;
    unsigned tpr_class = l->tpr >> 4;
    if (tpr_class >= irr_class && tpr_class > isr_class) {
        return l->tpr;
    }
    unsigned c = tpr_class > isr_class ? tpr_class : isr_class;
    return (uint8_t)((c > irr_class ? c : irr_class) << 4);
}

/* The vector the CPU would take now, or -1. */
static int deliverable(const Lapic *l)
{
    if (!sw_enabled(l)) {
        return -1;
    }
    int v = vec_highest(l->irr);
    if (v < 0 || ((unsigned)v & 0xf0) <= (lapic_ppr(l) & 0xf0u)) {
        return -1;
    }
    return v;
}

/* LINTn as the LVT sees it: its level through the polarity flag. */
static bool lint_asserted(const Lapic *l, int pin)
{
    return l->lint_level[pin] != ((l->lvt[LVT_LINT0 + pin] & LVT_POLARITY) != 0);
}

/* LINT0 in ExtINT mode, unmasked, with the 8259's INTR up (ExtINT is
 * level-sensitive: SDM Vol. 3A 10.5.1). */
static bool lint0_extint(const Lapic *l)
{
    uint32_t lvt = l->lvt[LVT_LINT0];
    return !(lvt & LVT_MASKED) && lvt_mode(lvt) == APIC_DM_EXTINT && lint_asserted(l, 0);
}

static bool wants_intr(const Lapic *l)
{
    if (!lapic_enabled(l)) {
        return l->lint_level[0]; /* no APIC: the 8259's INTR goes straight on */
    }
    return l->extint_pending || lint0_extint(l) || deliverable(l) >= 0;
}

static void update_intr(Lapic *l)
{
    bool level = wants_intr(l);
    if (level != l->intr_level) {
        l->intr_level = level;
        irq_set(&l->intr, level);
    }
}

static void pulse(const IrqLine *line)
{
    irq_set(line, 0);
    irq_set(line, 1);
}

/* ---- interrupts into this APIC ------------------------------------------------------ */

static void lvt_deliver(Lapic *l, int entry);

/* An error (ESR bits): latched for the next ESR write, and the error
 * interrupt once until then (SDM Vol. 3A 10.5.3). */
static void report_error(Lapic *l, uint32_t bits)
{
    l->esr_pending |= bits;
    if (!l->error_fired) {
        l->error_fired = true;
        lvt_deliver(l, LVT_ERROR);
    }
}

/* A fixed interrupt: IRR, and TMR for level-triggered ones. Vectors 0-15
 * are illegal and never reach the IRR (SDM Vol. 3A 10.5.2). */
static void accept_fixed(Lapic *l, uint8_t vector, bool level)
{
    if (vector < 16) {
        report_error(l, ESR_RECV_ILLEGAL_VECTOR);
        return;
    }
    vec_set(l->irr, vector);
    if (level) {
        vec_set(l->tmr, vector);
    } else {
        vec_clear(l->tmr, vector);
    }
    update_intr(l);
}

/* A local interrupt from LVT entry `entry`, as its delivery mode says. */
static void lvt_deliver(Lapic *l, int entry)
{
    uint32_t lvt = l->lvt[entry];
    if ((lvt & LVT_MASKED) || !lapic_enabled(l)) {
        return;
    }
    /* The timer and error entries have no mode field: always fixed. */
    unsigned mode = entry == LVT_TIMER || entry == LVT_ERROR ? APIC_DM_FIXED : lvt_mode(lvt);
    switch (mode) {
    case APIC_DM_FIXED: {
        bool level = (entry == LVT_LINT0 || entry == LVT_LINT1) && (lvt & LVT_LEVEL);
        if (level) {
            l->lvt[entry] |= LVT_REMOTE_IRR;
        }
        accept_fixed(l, lvt & LVT_VECTOR, level);
        break;
    }
    case APIC_DM_NMI:
        pulse(&l->nmi);
        break;
    case APIC_DM_INIT:
        pulse(&l->init);
        break;
    case APIC_DM_EXTINT:
        update_intr(l);
        break;
    default:
        break; /* SMI: rx86 has no SMM; other modes are reserved */
    }
}

void lapic_receive(Lapic *l, const ApicMsg *msg)
{
    if (!lapic_enabled(l)) {
        return; /* globally disabled: not on the APIC bus */
    }
    switch (msg->mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        /* A software-disabled APIC takes NMI, INIT, SMI and SIPI only
         * (SDM Vol. 3A 10.4.7.2). */
        if (sw_enabled(l)) {
            accept_fixed(l, msg->vector, msg->level);
        }
        break;
    case APIC_DM_NMI:
        pulse(&l->nmi);
        break;
    case APIC_DM_INIT:
        pulse(&l->init);
        break;
    case APIC_DM_EXTINT:
        l->extint_pending = true;
        update_intr(l);
        break;
    default:
        break; /* SMI (no SMM); SIPI: the only CPU never waits for one */
    }
}

void lapic_set_lint(Lapic *l, int pin, int level)
{
    if (pin < 0 || pin > 1) {
        return;
    }
    bool was = lint_asserted(l, pin);
    l->lint_level[pin] = level != 0;
    bool now = lint_asserted(l, pin);
    if (!lapic_enabled(l)) {
        if (pin == 1 && l->lint_level[1] && !was) {
            pulse(&l->nmi); /* LINT1 is the NMI pin of a CPU without APIC */
        }
        update_intr(l);
        return;
    }
    uint32_t *lvt = &l->lvt[LVT_LINT0 + pin];
    if (!(*lvt & LVT_MASKED) && lvt_mode(*lvt) == APIC_DM_FIXED && (*lvt & LVT_LEVEL)) {
        /* Level-triggered: one interrupt while asserted, again after its
         * EOI (remote IRR); withdrawn if the line drops before the INTA. */
        if (now && !(*lvt & LVT_REMOTE_IRR)) {
            lvt_deliver(l, LVT_LINT0 + pin);
        } else if (!now && (*lvt & LVT_REMOTE_IRR) && vec_test(l->irr, *lvt & LVT_VECTOR) &&
                   !vec_test(l->isr, *lvt & LVT_VECTOR)) {
            vec_clear(l->irr, *lvt & LVT_VECTOR);
            *lvt &= ~LVT_REMOTE_IRR;
        }
    } else if (now && !was && lvt_mode(*lvt) != APIC_DM_EXTINT) {
        lvt_deliver(l, LVT_LINT0 + pin); /* edge-triggered: NMI, INIT, fixed */
    }
    update_intr(l);
}

void lapic_lint_handler(void *opaque, int n, int level)
{
    lapic_set_lint(opaque, n, level);
}

static int extint_ack(Lapic *l)
{
    return l->extint_ack ? l->extint_ack(l->extint_opaque) : (int)(l->svr & 0xff);
}

int lapic_intack(Lapic *l)
{
    if (!lapic_enabled(l)) {
        return extint_ack(l);
    }
    if (l->extint_pending || lint0_extint(l)) {
        l->extint_pending = false;
        int v = extint_ack(l); /* the 8259 drives LINT0 again as it answers */
        update_intr(l);
        return v;
    }
    int v = deliverable(l);
    if (v < 0) {
        /* What raised INTR is now at or below the processor priority: the
         * spurious vector, no ISR bit (SDM Vol. 3A 10.9). */
        update_intr(l);
        return l->svr & 0xff;
    }
    vec_clear(l->irr, (unsigned)v);
    vec_set(l->isr, (unsigned)v);
    update_intr(l);
    return v;
}

/* EOI: the highest vector in service is done (SDM Vol. 3A 10.8.5). */
static void eoi(Lapic *l)
{
    int v = vec_highest(l->isr);
    if (v < 0) {
        return;
    }
    vec_clear(l->isr, (unsigned)v);
    if (vec_test(l->tmr, (unsigned)v)) {
        for (int pin = 0; pin < 2; pin++) {
            uint32_t *lvt = &l->lvt[LVT_LINT0 + pin];
            if ((*lvt & LVT_REMOTE_IRR) && (*lvt & LVT_VECTOR) == (unsigned)v) {
                *lvt &= ~LVT_REMOTE_IRR;
                if (lint_asserted(l, pin) && !(*lvt & LVT_MASKED)) {
                    lvt_deliver(l, LVT_LINT0 + pin);
                }
            }
        }
        if (l->bus && l->bus->eoi) {
            l->bus->eoi(l->bus->eoi_opaque, (uint8_t)v);
        }
    }
    update_intr(l);
}

/* ---- messages out -------------------------------------------------------------------- */

bool lapic_match_dest(const Lapic *l, bool logical, uint8_t dest)
{
    if (dest == 0xff) {
        return true; /* broadcast, physical or logical */
    }
    if (!logical) {
        return l->id == dest;
    }
    if (l->dfr == 0xf) {
        return (l->ldr & dest) != 0; /* flat model: a bit per APIC */
    }
    /* cluster model: cluster in bits 7:4, a bit per APIC in 3:0 */
    return (l->ldr >> 4) == (dest >> 4) && (l->ldr & dest & 0x0f) != 0;
}

void apic_bus_deliver(ApicBus *bus, const ApicMsg *msg)
{
    if (msg->mode == APIC_DM_LOWEST) {
        /* The target with the lowest arbitration priority (SDM Vol. 3A
         * 10.6.2.4); ties go to the first. */
        Lapic *best = NULL;
        for (unsigned i = 0; i < bus->ncpus; i++) {
            Lapic *l = bus->cpus[i];
            if (lapic_enabled(l) && lapic_match_dest(l, msg->logical, msg->dest) &&
                (!best || lapic_apr(l) < lapic_apr(best))) {
                best = l;
            }
        }
        if (best) {
            lapic_receive(best, msg);
        }
        return;
    }
    for (unsigned i = 0; i < bus->ncpus; i++) {
        if (lapic_match_dest(bus->cpus[i], msg->logical, msg->dest)) {
            lapic_receive(bus->cpus[i], msg);
        }
    }
}

void apic_bus_msi(ApicBus *bus, uint64_t addr, uint32_t data)
{
    /* Address FEEx_xxxxh: destination ID in bits 19:12, DM in bit 2; data:
     * vector 7:0, delivery mode 10:8, trigger mode 15 (SDM Vol. 3A 10.11). */
    if ((addr >> 20) != 0xfee) {
        return;
    }
    ApicMsg msg = {
        .vector = (uint8_t)data,
        .mode = (data >> 8) & 7,
        .logical = (addr >> 2) & 1,
        .level = (data >> 15) & 1,
        .dest = (uint8_t)(addr >> 12),
    };
    apic_bus_deliver(bus, &msg);
}

/* An ICR write sends the IPI it describes (SDM Vol. 3A 10.6.1). */
static void send_ipi(Lapic *l)
{
    uint32_t lo = l->icr_lo;
    ApicMsg msg = {
        .vector = lo & 0xff,
        .mode = (lo >> 8) & 7,
        .logical = lo & ICR_DEST_LOGICAL,
        .level = lo & ICR_TRIGGER_LEVEL,
        .dest = (uint8_t)(l->icr_hi >> 24),
    };
    if (msg.mode == APIC_DM_INIT && (lo & ICR_TRIGGER_LEVEL) && !(lo & ICR_LEVEL_ASSERT)) {
        return; /* INIT level de-assert: only synchronizes arbitration IDs */
    }
    if ((msg.mode == APIC_DM_FIXED || msg.mode == APIC_DM_LOWEST) && msg.vector < 16) {
        report_error(l, ESR_SEND_ILLEGAL_VECTOR);
        return;
    }
    unsigned shorthand = (lo >> ICR_SHORTHAND_SHIFT) & 3;
    if (shorthand == SH_NONE) {
        if (l->bus) {
            apic_bus_deliver(l->bus, &msg);
        } else if (lapic_match_dest(l, msg.logical, msg.dest)) {
            lapic_receive(l, &msg);
        }
        return;
    }
    if (shorthand == SH_SELF || !l->bus) {
        if (shorthand != SH_ALL_BUT_SELF) {
            lapic_receive(l, &msg);
        }
        return;
    }
    for (unsigned i = 0; i < l->bus->ncpus; i++) {
        Lapic *to = l->bus->cpus[i];
        if (to != l || shorthand == SH_ALL) {
            lapic_receive(to, &msg);
        }
    }
}

/* ---- the timer -------------------------------------------------------------------------- */

/* Bus cycles counted since the count was loaded. */
static uint64_t elapsed_ticks(const Lapic *l, int64_t now)
{
    return now > l->count_start ? (uint64_t)(now - l->count_start) >> l->shift : 0;
}

uint32_t lapic_current_count(const Lapic *l)
{
    unsigned mode = timer_mode(l);
    if (l->initial_count == 0 || mode > LAPIC_TIMER_PERIODIC) {
        return 0; /* stopped, or TSC-deadline mode (SDM Vol. 3A 10.5.4.1) */
    }
    uint64_t e = elapsed_ticks(l, now_ns(l));
    if (mode == LAPIC_TIMER_PERIODIC) {
        return l->initial_count - (uint32_t)(e % l->initial_count);
    }
    return e >= l->initial_count ? 0 : l->initial_count - (uint32_t)e;
}

/* When the timer next expires after now, or -1. */
static int64_t next_expiry(const Lapic *l, int64_t now)
{
    switch (timer_mode(l)) {
    case LAPIC_TIMER_TSC_DEADLINE:
        return l->tsc_deadline ? l->deadline_ns : -1;
    case LAPIC_TIMER_ONESHOT:
        if (l->initial_count == 0 || elapsed_ticks(l, now) >= l->initial_count) {
            return -1;
        }
        return l->count_start + ((int64_t)l->initial_count << l->shift);
    case LAPIC_TIMER_PERIODIC: {
        if (l->initial_count == 0) {
            return -1;
        }
        uint64_t periods = elapsed_ticks(l, now) / l->initial_count + 1;
        return l->count_start + (int64_t)((periods * l->initial_count) << l->shift);
    }
    default:
        return -1; /* mode 3 is reserved: the timer does not run */
    }
}

/* Arm the HwTimer for the next expiry that matters: a masked one-shot or
 * periodic timer needs no wakeups (its count is computed when read); a
 * masked deadline still disarms itself when it passes. */
static void timer_update(Lapic *l)
{
    int64_t t = next_expiry(l, now_ns(l));
    if ((l->lvt[LVT_TIMER] & LVT_MASKED) && timer_mode(l) != LAPIC_TIMER_TSC_DEADLINE) {
        t = -1;
    }
    if (t == l->timer_expire) {
        return;
    }
    l->timer_expire = t;
    if (t < 0) {
        l->clock.timer_del(l->timer);
    } else {
        l->clock.timer_mod(l->timer, t);
    }
}

static void timer_fired(void *opaque)
{
    Lapic *l = opaque;
    int64_t now = now_ns(l);
    if (l->timer_expire < 0) {
        return;
    }
    if (now < l->timer_expire) { /* early: wait on */
        l->clock.timer_mod(l->timer, l->timer_expire);
        return;
    }
    l->timer_expire = -1;
    if (timer_mode(l) == LAPIC_TIMER_TSC_DEADLINE) {
        l->tsc_deadline = 0; /* fired: the MSR reads 0 again */
    }
    lvt_deliver(l, LVT_TIMER);
    timer_update(l);
}

/* Restart the count from its current value, with `shift` from now on: a
 * new divide or a periodic timer turned one-shot keeps counting down from
 * where it is. */
static void timer_rebase(Lapic *l, unsigned shift)
{
    int64_t now = now_ns(l);
    uint64_t e = elapsed_ticks(l, now);
    if (l->initial_count && timer_mode(l) == LAPIC_TIMER_PERIODIC) {
        e %= l->initial_count;
    } else if (e > l->initial_count) {
        e = l->initial_count;
    }
    l->shift = shift;
    l->count_start = now - (int64_t)(e << shift);
}

static void write_divide(Lapic *l, uint32_t v)
{
    /* Bits 3, 1:0 (SDM Vol. 3A Figure 10-10): 111b divides by 1, n by
     * 2^(n+1). */
    l->dcr = v & 0xb;
    unsigned n = (l->dcr & 3) | ((l->dcr >> 1) & 4);
    timer_rebase(l, (n + 1) & 7);
    timer_update(l);
}

static void write_timer_lvt(Lapic *l, uint32_t v)
{
    unsigned old_mode = timer_mode(l);
    uint32_t old = l->lvt[LVT_TIMER];
    l->lvt[LVT_TIMER] = v;
    unsigned mode = timer_mode(l);
    if ((old_mode == LAPIC_TIMER_TSC_DEADLINE) != (mode == LAPIC_TIMER_TSC_DEADLINE)) {
        /* Entering or leaving TSC-deadline mode disarms the timer (SDM
         * Vol. 3A 10.5.4.1), as KVM also clears the initial count. */
        l->initial_count = 0;
        l->tsc_deadline = 0;
    } else if (old_mode == LAPIC_TIMER_PERIODIC && mode != LAPIC_TIMER_PERIODIC) {
        l->lvt[LVT_TIMER] = old;
        timer_rebase(l, l->shift); /* the period in progress counts down */
        l->lvt[LVT_TIMER] = v;
    }
    timer_update(l);
}

void lapic_set_tsc_deadline(Lapic *l, uint64_t value, int64_t expire_ns)
{
    if (timer_mode(l) != LAPIC_TIMER_TSC_DEADLINE) {
        return;
    }
    l->tsc_deadline = value;
    l->deadline_ns = expire_ns;
    timer_update(l);
}

uint64_t lapic_get_tsc_deadline(const Lapic *l)
{
    return timer_mode(l) == LAPIC_TIMER_TSC_DEADLINE ? l->tsc_deadline : 0;
}

/* ---- the register page ---------------------------------------------------------------------- */

static uint64_t lapic_read(void *opaque, uint64_t offset, unsigned size)
{
    Lapic *l = opaque;
    if (size < 4) {
        return 0;
    }
    unsigned index = (offset >> 4) & 0xff;
    switch (index) {
    case REG_ID:
        return (uint32_t)l->id << 24;
    case REG_VERSION:
        return LAPIC_VERSION;
    case REG_TPR:
        return l->tpr;
    case REG_APR:
        return lapic_apr(l);
    case REG_PPR:
        return lapic_ppr(l);
    case REG_EOI:
        return 0; /* write-only */
    case REG_LDR:
        return (uint32_t)l->ldr << 24;
    case REG_DFR:
        return (uint32_t)l->dfr << 28 | 0x0fffffffu;
    case REG_SVR:
        return l->svr;
    case REG_ESR:
        return l->esr;
    case REG_ICR_LO:
        return l->icr_lo;
    case REG_ICR_HI:
        return l->icr_hi;
    case REG_TIMER_INITIAL:
        return l->initial_count;
    case REG_TIMER_CURRENT:
        return lapic_current_count(l);
    case REG_TIMER_DIVIDE:
        return l->dcr;
    default:
        break;
    }
    if (index >= REG_ISR && index < REG_ISR + 8) {
        return l->isr[index - REG_ISR];
    }
    if (index >= REG_TMR && index < REG_TMR + 8) {
        return l->tmr[index - REG_TMR];
    }
    if (index >= REG_IRR && index < REG_IRR + 8) {
        return l->irr[index - REG_IRR];
    }
    if (index >= REG_LVT && index < REG_LVT + LAPIC_LVT_COUNT) {
        return l->lvt[index - REG_LVT];
    }
    report_error(l, ESR_ILLEGAL_REGISTER); /* a reserved address (SDM Vol. 3A 10.5.3) */
    return 0;
}

static void write_lvt(Lapic *l, int entry, uint32_t v)
{
    v &= lvt_writable[entry];
    v |= l->lvt[entry] & LVT_REMOTE_IRR;
    if (!sw_enabled(l)) {
        v |= LVT_MASKED; /* SDM Vol. 3A 10.4.7.2 */
    }
    if (entry == LVT_TIMER) {
        write_timer_lvt(l, v);
        return;
    }
    l->lvt[entry] = v;
    if (entry == LVT_LINT0 || entry == LVT_LINT1) {
        /* A level-triggered fixed input already asserted interrupts now. */
        lapic_set_lint(l, entry - LVT_LINT0, l->lint_level[entry - LVT_LINT0]);
    }
}

static void write_svr(Lapic *l, uint32_t v)
{
    l->svr = v & SVR_WRITABLE;
    if (!sw_enabled(l)) {
        for (int i = 0; i < LAPIC_LVT_COUNT; i++) {
            l->lvt[i] |= LVT_MASKED; /* SDM Vol. 3A 10.4.7.2 */
        }
        timer_update(l);
    }
    update_intr(l);
}

static void lapic_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Lapic *l = opaque;
    uint32_t v = (uint32_t)value;
    if (size < 4) {
        return;
    }
    unsigned index = (offset >> 4) & 0xff;
    switch (index) {
    case REG_ID:
        l->id = (uint8_t)(v >> 24);
        return;
    case REG_TPR:
        l->tpr = (uint8_t)v;
        update_intr(l);
        return;
    case REG_EOI:
        eoi(l);
        return;
    case REG_LDR:
        l->ldr = (uint8_t)(v >> 24);
        return;
    case REG_DFR:
        l->dfr = (uint8_t)(v >> 28);
        return;
    case REG_SVR:
        write_svr(l, v);
        return;
    case REG_ESR:
        /* Latch the errors seen since the last write (SDM Vol. 3A 10.5.3). */
        l->esr = l->esr_pending;
        l->esr_pending = 0;
        l->error_fired = false;
        return;
    case REG_ICR_LO:
        l->icr_lo = v & ICR_LO_WRITABLE;
        send_ipi(l);
        return;
    case REG_ICR_HI:
        l->icr_hi = v & 0xff000000u;
        return;
    case REG_TIMER_INITIAL:
        if (timer_mode(l) == LAPIC_TIMER_TSC_DEADLINE) {
            return; /* ignored in TSC-deadline mode (SDM Vol. 3A 10.5.4.1) */
        }
        l->initial_count = v;
        l->count_start = now_ns(l);
        timer_update(l);
        return;
    case REG_TIMER_DIVIDE:
        write_divide(l, v);
        return;
    case REG_VERSION:
    case REG_APR:
    case REG_PPR:
    case REG_TIMER_CURRENT:
        return; /* read-only */
    default:
        break;
    }
    if (index >= REG_LVT && index < REG_LVT + LAPIC_LVT_COUNT) {
        write_lvt(l, (int)(index - REG_LVT), v);
        return;
    }
    if (index >= REG_ISR && index < REG_IRR + 8) {
        return; /* ISR, TMR, IRR: read-only */
    }
    report_error(l, ESR_ILLEGAL_REGISTER);
}

const MemOps lapic_ops = {.read = lapic_read, .write = lapic_write, .max_size = 4};

/* ---- the CPU's side -------------------------------------------------------------------------- */

uint8_t lapic_get_cr8(const Lapic *l)
{
    return l->tpr >> 4;
}

void lapic_set_cr8(Lapic *l, uint8_t value)
{
    l->tpr = (uint8_t)((value & 0xf) << 4);
    update_intr(l);
}

/* The register state of SDM Vol. 3A 10.4.7.1 (power-up, RESET, INIT, and
 * after a global disable). */
static void power_up_state(Lapic *l)
{
    l->id = l->initial_id;
    l->tpr = 0;
    l->svr = 0xff;
    l->ldr = 0;
    l->dfr = 0xf;
    memset(l->irr, 0, sizeof(l->irr));
    memset(l->isr, 0, sizeof(l->isr));
    memset(l->tmr, 0, sizeof(l->tmr));
    l->esr = l->esr_pending = 0;
    l->error_fired = false;
    l->icr_lo = l->icr_hi = 0;
    for (int i = 0; i < LAPIC_LVT_COUNT; i++) {
        l->lvt[i] = LVT_MASKED;
    }
    l->dcr = 0;
    l->shift = 1; /* DCR 0: divide by 2 */
    l->initial_count = 0;
    l->count_start = 0;
    l->tsc_deadline = 0;
    l->extint_pending = false;
    timer_update(l);
}

void lapic_set_base(Lapic *l, uint64_t value)
{
    bool was = lapic_enabled(l);
    l->base = (value & ~APIC_BASE_BSP) | (l->bsp ? APIC_BASE_BSP : 0);
    if (was && !lapic_enabled(l)) {
        power_up_state(l);
    }
    update_intr(l);
}

void lapic_reset(Lapic *l)
{
    l->base = LAPIC_DEFAULT_BASE | APIC_BASE_EN | (l->bsp ? APIC_BASE_BSP : 0);
    power_up_state(l);
    update_intr(l);
}

int lapic_init(Lapic *l, uint8_t id, bool bsp, const HwClock *clock, ApicBus *bus)
{
    memset(l, 0, sizeof(*l));
    if (bus && bus->ncpus == APIC_BUS_MAX_CPUS) {
        return -ENOSPC;
    }
    l->clock = *clock;
    l->timer = clock->timer_new(clock->opaque, timer_fired, l);
    if (!l->timer) {
        return -ENOMEM;
    }
    l->timer_expire = -1;
    l->initial_id = id;
    l->bsp = bsp;
    l->bus = bus;
    if (bus) {
        bus->cpus[bus->ncpus++] = l;
    }
    lapic_reset(l);
    return 0;
}

void lapic_destroy(Lapic *l)
{
    if (l->timer) {
        l->clock.timer_free(l->timer);
        l->timer = NULL;
    }
}
