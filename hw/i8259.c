/*
 * The PC's two cascaded Intel 8259A programmable interrupt controllers
 * (Intel 8259A datasheet, order no. 231468), with the PIIX3's edge/level
 * control registers ELCR1/ELCR2 at 0x4D0/0x4D1 (Intel 82371SB datasheet,
 * "ELCR"). The master's INT goes to the CPU's INTR; the slave's INT drives
 * the master's IR2.
 *
 * The request register follows the datasheet's priority cell: a request
 * is latched by a rising edge (edge mode) or by a high level (level mode,
 * from ICW1's LTIM or the ELCR bit), and it goes away when the input goes
 * low before it is acknowledged ("the IR input must remain high until
 * after the falling edge of the first INTA"): an acknowledge then finds
 * nothing and returns the spurious IR7 vector.
 *
 * All calls are made with the board's device lock held.
 */
#include "hw/hw.h"

#include <string.h>

enum { MASTER = 0, SLAVE = 1 };

/* OCW2 commands: bits 7:5 = R, SL, EOI (8259A datasheet, Figure 8). */
enum {
    OCW2_ROTATE_AEOI_CLEAR = 0,
    OCW2_EOI = 1,
    OCW2_NOP = 2,
    OCW2_SPECIFIC_EOI = 3,
    OCW2_ROTATE_AEOI_SET = 4,
    OCW2_ROTATE_EOI = 5,
    OCW2_SET_PRIORITY = 6,
    OCW2_ROTATE_SPECIFIC_EOI = 7,
};

#define ICW1_IC4 0x01
#define ICW1_SNGL 0x02
#define ICW1_LTIM 0x08
#define ICW1_INIT 0x10 /* on port 0: this is ICW1 */
#define OCW3_SEL 0x08  /* on port 0, with bit 4 clear: this is OCW3 (else OCW2) */
#define OCW3_RIS 0x01
#define OCW3_RR 0x02
#define OCW3_POLL 0x04
#define OCW3_SMM 0x20
#define OCW3_ESMM 0x40
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10

/* PIIX3: IRQ 0, 1 and 2 (timer, keyboard, cascade) and IRQ 8 and 13 (RTC,
 * FPU) are edge-triggered only; their ELCR bits read 0. */
#define ELCR1_MASK 0xf8
#define ELCR2_MASK 0xde

static bool level_triggered(const PicChip *c, int ir)
{
    return c->ltim || (c->elcr & (1u << ir));
}

/* 0 is the highest priority: the IR after the lowest one. */
static int priority_of(const PicChip *c, int ir)
{
    return (ir - c->lowest - 1) & 7;
}

/* The IR of highest priority in mask, or -1. */
static int highest(const PicChip *c, uint8_t mask)
{
    for (int i = 1; i <= 8; i++) {
        int ir = (c->lowest + i) & 7;
        if (mask & (1u << ir)) {
            return ir;
        }
    }
    return -1;
}

/*
 * The IR this chip interrupts for now, or -1: the highest unmasked request,
 * if no IR of higher or equal priority is in service (fully nested mode).
 * In special mask mode masked levels in service block nothing (datasheet,
 * "Special Mask Mode"). In special fully nested mode the master lets the
 * slave interrupt again while IR2 is in service: the slave only asks for
 * requests above the one it has in service.
 */
static int chip_request(const PicChip *c, bool master)
{
    int req = highest(c, c->irr & ~c->imr);
    if (req < 0) {
        return -1;
    }
    uint8_t blocking = c->isr;
    if (c->special_mask) {
        blocking &= ~c->imr;
    }
    int cur = highest(c, blocking);
    if (cur < 0 || priority_of(c, req) < priority_of(c, cur)) {
        return req;
    }
    if (cur == req && req == PIC_CASCADE_IRQ && master && c->special_fully_nested) {
        return req;
    }
    return -1;
}

/* An input line changes level; the outputs are not updated here. */
static void chip_input(PicChip *c, int ir, bool level)
{
    uint8_t bit = 1u << ir;
    bool was = c->level & bit;
    if (level) {
        c->level |= bit;
        if (!was || level_triggered(c, ir)) {
            c->irr |= bit;
        }
    } else {
        c->level &= ~bit;
        c->irr &= ~bit; /* the request went away before it was taken */
    }
}

static void notify_accepted(Pic *pic, int chip, uint8_t irqs)
{
    for (int ir = 0; ir < 8; ir++) {
        if ((irqs & (1u << ir)) && pic->edge_accepted) {
            pic->edge_accepted(pic->edge_opaque, chip * 8 + ir);
        }
    }
}

/* Recompute both INT outputs: the slave's feeds the master's IR2. */
static void update(Pic *pic)
{
    PicChip *m = &pic->chip[MASTER];
    PicChip *s = &pic->chip[SLAVE];
    bool s_out = chip_request(s, false) >= 0;
    if (s_out != s->out) {
        s->out = s_out;
        chip_input(m, PIC_CASCADE_IRQ, s_out);
    }
    bool m_out = chip_request(m, true) >= 0;
    if (m_out != m->out) {
        m->out = m_out;
        irq_set(&pic->intr, m_out);
    }
}

/* The chip takes request ir (INTA or poll): ISR set unless in automatic
 * EOI mode, and an edge request cleared (a level one stays while the input
 * is high). */
static void chip_ack(Pic *pic, int chip, int ir)
{
    PicChip *c = &pic->chip[chip];
    uint8_t bit = 1u << ir;
    if (c->auto_eoi) {
        if (c->rotate_on_aeoi) {
            c->lowest = (uint8_t)ir;
        }
    } else {
        c->isr |= bit;
    }
    if (!level_triggered(c, ir)) {
        c->irr &= ~bit;
        notify_accepted(pic, chip, bit);
    }
}

int pic_intack(Pic *pic)
{
    PicChip *m = &pic->chip[MASTER];
    PicChip *s = &pic->chip[SLAVE];
    int vector;
    int ir = chip_request(m, true);
    if (ir < 0) {
        /* The request went away: the default IR7, no ISR bit set. */
        vector = m->vector_base | 7;
    } else if (ir == PIC_CASCADE_IRQ && !m->single) {
        chip_ack(pic, MASTER, ir);
        int sir = chip_request(s, false);
        if (sir < 0) {
            vector = s->vector_base | 7; /* spurious IRQ 15; master IR2 in service */
        } else {
            chip_ack(pic, SLAVE, sir);
            vector = s->vector_base | sir;
        }
        /* The slave's INT falls during the acknowledge; if it still has a
         * request it rises again, a new edge on the master's IR2. */
        if (s->out) {
            s->out = false;
            chip_input(m, PIC_CASCADE_IRQ, false);
        }
    } else {
        chip_ack(pic, MASTER, ir);
        vector = m->vector_base | ir;
    }
    update(pic);
    return vector;
}

bool pic_intr_level(const Pic *pic)
{
    return pic->chip[MASTER].out;
}

void pic_set_irq(Pic *pic, int irq, int level)
{
    if (irq < 0 || irq >= PIC_IRQS) {
        return;
    }
    chip_input(&pic->chip[irq >> 3], irq & 7, level != 0);
    update(pic);
}

void pic_irq_handler(void *opaque, int n, int level)
{
    pic_set_irq(opaque, n, level);
}

static void chip_reset(PicChip *c, uint8_t elcr_mask)
{
    *c = (PicChip){.elcr_mask = elcr_mask, .lowest = 7};
}

void pic_init(Pic *pic, IrqLine intr)
{
    memset(pic, 0, sizeof(*pic));
    pic->intr = intr;
    pic_reset(pic);
}

/* Power-on: as QEMU's "pc" (no mask, vector base 0) until firmware sends
 * the initialization words; the datasheet leaves it undefined. */
void pic_reset(Pic *pic)
{
    bool was = pic->chip[MASTER].out;
    chip_reset(&pic->chip[MASTER], ELCR1_MASK);
    chip_reset(&pic->chip[SLAVE], ELCR2_MASK);
    if (was) {
        irq_set(&pic->intr, 0);
    }
}

/* ICW1 (datasheet, "Initialization Command Words"): the edge sense is
 * reset (an input must go low to high again), IMR cleared, IR7 lowest,
 * special mask mode off, status read set to IRR; without IC4 the ICW4
 * functions are cleared. The ISR is cleared too, as QEMU and Bochs do. */
static void icw1(Pic *pic, int chip, uint8_t val)
{
    PicChip *c = &pic->chip[chip];
    c->ltim = val & ICW1_LTIM;
    uint8_t level_mask = c->ltim ? 0xff : c->elcr;
    uint8_t dropped = c->irr & ~level_mask;
    c->irr = c->level & level_mask;
    c->imr = 0;
    c->isr = 0;
    c->lowest = 7;
    c->special_mask = false;
    c->read_isr = false;
    c->poll = false;
    c->rotate_on_aeoi = false;
    c->icw4_needed = val & ICW1_IC4;
    c->single = val & ICW1_SNGL;
    c->auto_eoi = false;
    c->special_fully_nested = false;
    c->init_step = 2;
    notify_accepted(pic, chip, dropped);
}

static void ocw2(PicChip *c, uint8_t val)
{
    int level = val & 7;
    int ir;
    switch (val >> 5) {
    case OCW2_ROTATE_AEOI_CLEAR:
        c->rotate_on_aeoi = false;
        break;
    case OCW2_ROTATE_AEOI_SET:
        c->rotate_on_aeoi = true;
        break;
    case OCW2_EOI:
    case OCW2_ROTATE_EOI:
        /* Non-specific: the highest priority level in service. */
        ir = highest(c, c->isr);
        if (ir >= 0) {
            c->isr &= ~(1u << ir);
            if (val >> 5 == OCW2_ROTATE_EOI) {
                c->lowest = (uint8_t)ir;
            }
        }
        break;
    case OCW2_SPECIFIC_EOI:
        c->isr &= ~(1u << level);
        break;
    case OCW2_ROTATE_SPECIFIC_EOI:
        c->isr &= ~(1u << level);
        c->lowest = (uint8_t)level;
        break;
    case OCW2_SET_PRIORITY:
        c->lowest = (uint8_t)level;
        break;
    case OCW2_NOP:
        break;
    }
}

static void ocw3(PicChip *c, uint8_t val)
{
    if (val & OCW3_ESMM) {
        c->special_mask = val & OCW3_SMM;
    }
    if (val & OCW3_POLL) {
        c->poll = true;
    }
    if (val & OCW3_RR) {
        c->read_isr = val & OCW3_RIS;
    }
}

static void chip_write(Pic *pic, int chip, uint64_t offset, uint8_t val)
{
    PicChip *c = &pic->chip[chip];
    if (offset == 0) {
        if (val & ICW1_INIT) {
            icw1(pic, chip, val);
        } else if (val & OCW3_SEL) {
            ocw3(c, val);
        } else {
            ocw2(c, val);
        }
        update(pic);
        return;
    }
    switch (c->init_step) {
    case 2: /* ICW2: the vector base, bits 7:3 in 8086 mode */
        c->vector_base = val & 0xf8;
        c->init_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
        break;
    case 3: /* ICW3: which IRs have slaves (master), or the slave's ID */
        c->icw3 = val;
        c->init_step = c->icw4_needed ? 4 : 0;
        break;
    case 4: /* ICW4: uPM, BUF and M/S mean nothing to an emulated PC */
        c->auto_eoi = val & ICW4_AEOI;
        c->special_fully_nested = val & ICW4_SFNM;
        c->init_step = 0;
        break;
    default: /* OCW1 */
        c->imr = val;
        update(pic);
        break;
    }
}

/* A poll (OCW3 P) makes the next read an acknowledge that returns the
 * poll word: bit 7 set if a request was there, bits 2:0 its IR. */
static uint8_t chip_read(Pic *pic, int chip, uint64_t offset)
{
    PicChip *c = &pic->chip[chip];
    if (c->poll) {
        c->poll = false;
        int ir = chip_request(c, chip == MASTER);
        if (ir < 0) {
            return 0;
        }
        chip_ack(pic, chip, ir);
        update(pic);
        return (uint8_t)(0x80 | ir);
    }
    if (offset == 0) {
        return c->read_isr ? c->isr : c->irr;
    }
    return c->imr;
}

static uint64_t master_read(void *opaque, uint64_t offset, unsigned size)
{
    return chip_read(opaque, MASTER, offset);
}

static void master_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    chip_write(opaque, MASTER, offset, (uint8_t)value);
}

static uint64_t slave_read(void *opaque, uint64_t offset, unsigned size)
{
    return chip_read(opaque, SLAVE, offset);
}

static void slave_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    chip_write(opaque, SLAVE, offset, (uint8_t)value);
}

static uint64_t elcr_read(void *opaque, uint64_t offset, unsigned size)
{
    const Pic *pic = opaque;
    return pic->chip[offset & 1].elcr;
}

/* Inputs that become level-triggered request while they are high. */
static void elcr_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Pic *pic = opaque;
    PicChip *c = &pic->chip[offset & 1];
    c->elcr = (uint8_t)value & c->elcr_mask;
    c->irr |= c->level & c->elcr;
    update(pic);
}

const MemOps pic_master_ops = {.read = master_read, .write = master_write, .max_size = 1};
const MemOps pic_slave_ops = {.read = slave_read, .write = slave_write, .max_size = 1};
const MemOps pic_elcr_ops = {.read = elcr_read, .write = elcr_write, .max_size = 1};
