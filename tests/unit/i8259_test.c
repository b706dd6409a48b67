/* The i8259A PIC pair: initialization, priorities, masks, EOI modes,
 * rotation, special mask and fully nested modes, edge/level (ELCR), poll,
 * the cascade and spurious interrupts (Intel 8259A datasheet). */
#include "hw/hw.h"
#include "tests/unit/check.h"

#include <string.h>

static Pic pic;
static int intr_level;
static int intr_changes;
static unsigned accepted_mask; /* inputs reported by edge_accepted */

static void intr(void *opaque, int n, int level)
{
    intr_level = level;
    intr_changes++;
}

static void edge_accepted(void *opaque, int irq)
{
    accepted_mask |= 1u << irq;
}

static void out(uint16_t port, uint8_t val)
{
    switch (port) {
    case 0x20:
    case 0x21:
        pic_master_ops.write(&pic, port & 1, val, 1);
        break;
    case 0xa0:
    case 0xa1:
        pic_slave_ops.write(&pic, port & 1, val, 1);
        break;
    default:
        pic_elcr_ops.write(&pic, port & 1, val, 1);
        break;
    }
}

static uint8_t in(uint16_t port)
{
    switch (port) {
    case 0x20:
    case 0x21:
        return (uint8_t)pic_master_ops.read(&pic, port & 1, 1);
    case 0xa0:
    case 0xa1:
        return (uint8_t)pic_slave_ops.read(&pic, port & 1, 1);
    default:
        return (uint8_t)pic_elcr_ops.read(&pic, port & 1, 1);
    }
}

/* The BIOS's programming: vectors 08h and 70h, cascade on IR2, 8086 mode,
 * plus icw4_extra (AEOI 02h, SFNM 10h) on the master. */
static void setup(uint8_t icw4_extra)
{
    pic_init(&pic, (IrqLine){intr, NULL, 0});
    pic.edge_accepted = edge_accepted;
    intr_level = 0;
    intr_changes = 0;
    accepted_mask = 0;
    out(0x20, 0x11); /* ICW1: edge, cascade, ICW4 needed */
    out(0x21, 0x08); /* ICW2 */
    out(0x21, 0x04); /* ICW3: a slave on IR2 */
    out(0x21, 0x01 | icw4_extra);
    out(0xa0, 0x11);
    out(0xa1, 0x70);
    out(0xa1, 0x02); /* ICW3: slave ID 2 */
    out(0xa1, 0x01);
}

static void pulse(int irq)
{
    pic_set_irq(&pic, irq, 1);
    pic_set_irq(&pic, irq, 0);
}

static uint8_t read_isr(uint16_t base)
{
    out(base, 0x0b);
    uint8_t v = in(base);
    out(base, 0x0a);
    return v;
}

static void test_reset_and_init(void)
{
    pic_init(&pic, (IrqLine){intr, NULL, 0});
    CHECK_EQ(in(0x21), 0x00); /* power-on: nothing masked (as QEMU) */
    setup(0);
    CHECK_EQ(in(0x21), 0x00); /* ICW1 clears the IMR */
    CHECK_EQ(in(0x20), 0x00); /* IRR */
    out(0x21, 0xfb);
    out(0xa1, 0xff);
    CHECK_EQ(in(0x21), 0xfb);
    CHECK_EQ(in(0xa1), 0xff);
    /* ICW1 again: IMR cleared, status read back to IRR. */
    out(0x20, 0x0b);
    out(0x20, 0x11);
    out(0x21, 0x20);
    out(0x21, 0x04);
    out(0x21, 0x01);
    CHECK_EQ(in(0x21), 0x00);
    pic_set_irq(&pic, 1, 1);
    CHECK_EQ(in(0x20), 0x02);         /* IRR, not ISR */
    CHECK_EQ(pic_intack(&pic), 0x21); /* the new vector base */
}

static void test_one_interrupt(void)
{
    setup(0);
    pic_set_irq(&pic, 0, 1);
    CHECK_EQ(intr_level, 1);
    CHECK_EQ(in(0x20), 0x01);
    CHECK_EQ(pic_intack(&pic), 0x08);
    CHECK_EQ(intr_level, 0);
    CHECK_EQ(in(0x20), 0x00);
    CHECK_EQ(read_isr(0x20), 0x01);
    CHECK_EQ(accepted_mask, 0x01);
    /* The input stays high: no second edge, no second request. */
    out(0x20, 0x20); /* non-specific EOI */
    CHECK_EQ(read_isr(0x20), 0x00);
    CHECK_EQ(intr_level, 0);
    pulse(0); /* low then high: a new edge */
    pic_set_irq(&pic, 0, 1);
    CHECK_EQ(intr_level, 1);
    CHECK_EQ(pic_intack(&pic), 0x08);
}

static void test_priorities(void)
{
    setup(0);
    pic_set_irq(&pic, 3, 1);
    pic_set_irq(&pic, 1, 1);
    CHECK_EQ(pic_intack(&pic), 0x09); /* IR1 before IR3 */
    CHECK_EQ(intr_level, 0);          /* IR3 waits behind IR1 in service */
    pic_set_irq(&pic, 0, 1);
    CHECK_EQ(intr_level, 1); /* IR0 is higher: it nests */
    CHECK_EQ(pic_intack(&pic), 0x08);
    CHECK_EQ(read_isr(0x20), 0x03);
    out(0x20, 0x20); /* EOI clears the highest in service: IR0 */
    CHECK_EQ(read_isr(0x20), 0x02);
    CHECK_EQ(intr_level, 0);
    out(0x20, 0x20);
    CHECK_EQ(read_isr(0x20), 0x00);
    CHECK_EQ(intr_level, 1); /* IR3 now */
    CHECK_EQ(pic_intack(&pic), 0x0b);
    /* A specific EOI for another level leaves IR3 in service. */
    out(0x20, 0x60 | 5);
    CHECK_EQ(read_isr(0x20), 0x08);
    out(0x20, 0x60 | 3);
    CHECK_EQ(read_isr(0x20), 0x00);
}

static void test_masks(void)
{
    setup(0);
    out(0x21, 0x01);
    pic_set_irq(&pic, 0, 1);
    CHECK_EQ(intr_level, 0);
    CHECK_EQ(in(0x20), 0x01); /* latched in IRR while masked */
    pic_set_irq(&pic, 4, 1);
    CHECK_EQ(intr_level, 1);
    CHECK_EQ(pic_intack(&pic), 0x0c);
    out(0x20, 0x20);
    out(0x21, 0x00);
    CHECK_EQ(intr_level, 1); /* unmasked: IR0 is asked for */
    CHECK_EQ(pic_intack(&pic), 0x08);
    /* Masking a level in service does not end it. */
    out(0x21, 0x01);
    CHECK_EQ(read_isr(0x20), 0x01);
}

static void test_edge_withdrawn_and_spurious(void)
{
    setup(0);
    /* A request withdrawn before the acknowledge: spurious IR7, no ISR. */
    pic_set_irq(&pic, 5, 1);
    CHECK_EQ(intr_level, 1);
    pic_set_irq(&pic, 5, 0);
    CHECK_EQ(intr_level, 0);
    CHECK_EQ(in(0x20), 0x00);
    CHECK_EQ(pic_intack(&pic), 0x0f);
    CHECK_EQ(read_isr(0x20), 0x00);
    /* The slave's IR7 is a genuine interrupt when asked for. */
    pic_set_irq(&pic, 15, 1);
    CHECK_EQ(pic_intack(&pic), 0x77);
    CHECK_EQ(read_isr(0xa0), 0x80);
    CHECK_EQ(read_isr(0x20), 0x04);
}

static void test_level_and_elcr(void)
{
    setup(0);
    out(0x4d0, 0xff);
    out(0x4d1, 0xff);
    CHECK_EQ(in(0x4d0), 0xf8); /* IRQ 0, 1, 2 are edge only */
    CHECK_EQ(in(0x4d1), 0xde); /* IRQ 8 and 13 too */
    out(0x4d0, 0x20);          /* IRQ 5 level-triggered */
    out(0x4d1, 0x00);
    pic_set_irq(&pic, 5, 1);
    CHECK_EQ(pic_intack(&pic), 0x0d);
    CHECK_EQ(in(0x20), 0x20); /* level: the request stays while high */
    CHECK_EQ(intr_level, 0);  /* behind itself in service */
    out(0x20, 0x20);
    CHECK_EQ(intr_level, 1); /* still high after EOI: again */
    CHECK_EQ(pic_intack(&pic), 0x0d);
    pic_set_irq(&pic, 5, 0);
    out(0x20, 0x20);
    CHECK_EQ(intr_level, 0);
    CHECK_EQ(in(0x20), 0x00);
    /* An input already high when it turns level-triggered requests. */
    pic_set_irq(&pic, 6, 1);
    CHECK_EQ(pic_intack(&pic), 0x0e);
    out(0x20, 0x20);
    CHECK_EQ(intr_level, 0); /* edge: taken once */
    out(0x4d0, 0x40);
    CHECK_EQ(intr_level, 1);
    CHECK_EQ(pic_intack(&pic), 0x0e);
    out(0x20, 0x20);
    /* LTIM in ICW1 makes every input level-triggered. */
    out(0x4d0, 0x00);
    pic_set_irq(&pic, 6, 0);
    out(0x20, 0x19); /* ICW1 with LTIM */
    out(0x21, 0x08);
    out(0x21, 0x04);
    out(0x21, 0x01);
    pic_set_irq(&pic, 1, 1);
    CHECK_EQ(pic_intack(&pic), 0x09);
    out(0x20, 0x20);
    CHECK_EQ(intr_level, 1);
}

static void test_icw1_edge_sense(void)
{
    setup(0);
    pic_set_irq(&pic, 3, 1);
    CHECK_EQ(intr_level, 1);
    accepted_mask = 0;
    out(0x20, 0x11); /* the input is high, but ICW1 resets the edge sense */
    out(0x21, 0x08);
    out(0x21, 0x04);
    out(0x21, 0x01);
    CHECK_EQ(accepted_mask, 0x08); /* the dropped request is reported */
    CHECK_EQ(intr_level, 0);
    CHECK_EQ(in(0x20), 0x00);
    pulse(3);
    pic_set_irq(&pic, 3, 1);
    CHECK_EQ(pic_intack(&pic), 0x0b);
}

static void test_cascade(void)
{
    setup(0);
    pic_set_irq(&pic, 10, 1);
    CHECK_EQ(intr_level, 1);
    CHECK_EQ(in(0x20), 0x04); /* master IR2 */
    CHECK_EQ(pic_intack(&pic), 0x72);
    CHECK_EQ(read_isr(0x20), 0x04);
    CHECK_EQ(read_isr(0xa0), 0x04);
    /* Fully nested: a higher slave request waits while IR2 is in service
     * on the master. */
    pic_set_irq(&pic, 9, 1);
    CHECK_EQ(intr_level, 0);
    out(0xa0, 0x20);
    CHECK_EQ(intr_level, 0);
    out(0x20, 0x20);
    CHECK_EQ(intr_level, 1);
    CHECK_EQ(pic_intack(&pic), 0x71);
    out(0xa0, 0x20);
    out(0x20, 0x20);
    /* The master's own IR1 outranks the whole slave. */
    pic_set_irq(&pic, 8, 1);
    pic_set_irq(&pic, 1, 1);
    CHECK_EQ(pic_intack(&pic), 0x09);
    out(0x20, 0x20);
    CHECK_EQ(pic_intack(&pic), 0x70);
    /* Masking IR2 on the master masks the slave. */
    out(0xa0, 0x20);
    out(0x20, 0x20);
    out(0x21, 0x04);
    pic_set_irq(&pic, 12, 1);
    CHECK_EQ(intr_level, 0);
    out(0x21, 0x00);
    CHECK_EQ(pic_intack(&pic), 0x74);
}

static void test_special_fully_nested(void)
{
    setup(0x10);
    pic_set_irq(&pic, 10, 1);
    CHECK_EQ(pic_intack(&pic), 0x72);
    pic_set_irq(&pic, 9, 1); /* higher on the slave: let through */
    CHECK_EQ(intr_level, 1);
    CHECK_EQ(pic_intack(&pic), 0x71);
    CHECK_EQ(read_isr(0xa0), 0x06);
    pic_set_irq(&pic, 11, 1); /* lower than both in service: held by the slave */
    CHECK_EQ(intr_level, 0);
    pic_set_irq(&pic, 3, 1); /* master IR3 is below IR2 in service */
    CHECK_EQ(intr_level, 0);
}

static void test_auto_eoi(void)
{
    setup(0x02);
    pic_set_irq(&pic, 4, 1);
    CHECK_EQ(pic_intack(&pic), 0x0c);
    CHECK_EQ(read_isr(0x20), 0x00); /* nothing in service */
    pic_set_irq(&pic, 6, 1);
    CHECK_EQ(intr_level, 1);
    CHECK_EQ(pic_intack(&pic), 0x0e);
    /* Rotate in automatic EOI mode: the level taken becomes the lowest. */
    out(0x20, 0x80);
    pic_set_irq(&pic, 1, 1);
    CHECK_EQ(pic_intack(&pic), 0x09); /* now IR1 is the lowest */
    pic_set_irq(&pic, 0, 1);
    pic_set_irq(&pic, 7, 1);
    CHECK_EQ(pic_intack(&pic), 0x0f); /* order 2..7, 0, 1: IR7 before IR0 */
    CHECK_EQ(pic_intack(&pic), 0x08);
    out(0x20, 0x00); /* rotation off again */
    pic_set_irq(&pic, 3, 1);
    pic_set_irq(&pic, 5, 1);
    CHECK_EQ(pic_intack(&pic), 0x0b); /* IR0 was last: lowest is 0, IR3 first */
    /* Auto-EOI on the slave: a second slave request gets a fresh edge on
     * the master's IR2 (the slave's INT falls during the acknowledge). */
    setup(0);
    out(0xa0, 0x11);
    out(0xa1, 0x70);
    out(0xa1, 0x02);
    out(0xa1, 0x03); /* AEOI */
    pic_set_irq(&pic, 9, 1);
    pic_set_irq(&pic, 12, 1);
    CHECK_EQ(pic_intack(&pic), 0x71);
    out(0x20, 0x20); /* EOI the master's IR2 */
    CHECK_EQ(intr_level, 1);
    CHECK_EQ(pic_intack(&pic), 0x74);
}

static void test_rotation(void)
{
    setup(0);
    pic_set_irq(&pic, 1, 1);
    CHECK_EQ(pic_intack(&pic), 0x09);
    out(0x20, 0xa0); /* rotate on non-specific EOI: IR1 becomes lowest */
    CHECK_EQ(read_isr(0x20), 0x00);
    pulse(1);
    pic_set_irq(&pic, 1, 1);
    pic_set_irq(&pic, 3, 1);
    pic_set_irq(&pic, 0, 1);
    CHECK_EQ(pic_intack(&pic), 0x0b); /* 2, 3, ... 7, 0, 1 */
    /* Nesting follows the rotated order: IR0 is below IR3 now. */
    CHECK_EQ(intr_level, 0);
    out(0x20, 0xe0 | 3);              /* rotate on specific EOI: IR3 lowest */
    CHECK_EQ(pic_intack(&pic), 0x08); /* 4..7, 0: IR0 before IR1 */
    out(0x20, 0x20);
    CHECK_EQ(pic_intack(&pic), 0x09);
    out(0x20, 0x20);
    /* Set priority: IR4 lowest, so IR5 is highest. */
    out(0x20, 0xc0 | 4);
    pic_set_irq(&pic, 4, 1);
    pic_set_irq(&pic, 5, 1);
    pic_set_irq(&pic, 6, 1);
    CHECK_EQ(pic_intack(&pic), 0x0d);
    /* A non-specific EOI ends the highest in service in the rotated order. */
    out(0x20, 0x20);
    CHECK_EQ(pic_intack(&pic), 0x0e);
    CHECK_EQ(intr_level, 0); /* IR4 is lowest: waits behind IR6 */
    out(0x20, 0x20);
    CHECK_EQ(pic_intack(&pic), 0x0c);
}

static void test_special_mask(void)
{
    setup(0);
    pic_set_irq(&pic, 3, 1);
    CHECK_EQ(pic_intack(&pic), 0x0b);
    pic_set_irq(&pic, 5, 1);
    CHECK_EQ(intr_level, 0); /* lower than IR3 in service */
    out(0x21, 0x08);         /* mask IR3 */
    CHECK_EQ(intr_level, 0);
    out(0x20, 0x68); /* OCW3: set special mask mode */
    CHECK_EQ(intr_level, 1);
    CHECK_EQ(pic_intack(&pic), 0x0d);
    CHECK_EQ(read_isr(0x20), 0x28);
    out(0x20, 0x48); /* reset special mask mode */
    pic_set_irq(&pic, 6, 1);
    CHECK_EQ(intr_level, 0);
    out(0x20, 0x68);
    CHECK_EQ(intr_level, 0); /* IR5 in service, unmasked: still blocks IR6 */
    out(0x20, 0x60 | 5);
    CHECK_EQ(intr_level, 1);
}

static void test_poll_and_status_reads(void)
{
    setup(0);
    pic_set_irq(&pic, 6, 1);
    pic_set_irq(&pic, 2 + 8, 1); /* slave IR2 -> master IR2 */
    out(0x20, 0x0c);             /* OCW3: poll */
    CHECK_EQ(in(0x20), 0x82);    /* master IR2 first */
    CHECK_EQ(read_isr(0x20), 0x04);
    out(0xa0, 0x0c);
    CHECK_EQ(in(0xa1), 0x82); /* a poll reads on either port */
    CHECK_EQ(read_isr(0xa0), 0x04);
    out(0xa0, 0x0c);
    CHECK_EQ(in(0xa0), 0x00); /* nothing left on the slave */
    out(0xa0, 0x20);
    out(0x20, 0x20);
    out(0x20, 0x0c);
    CHECK_EQ(in(0x20), 0x86);
    out(0x20, 0x20);
    CHECK_EQ(in(0x20), 0x00); /* an ordinary IRR read again */
    /* OCW3 RR/RIS selects IRR or ISR; OCW3 without RR keeps the choice. */
    pic_set_irq(&pic, 1, 1);
    out(0x20, 0x0b);
    CHECK_EQ(in(0x20), 0x00);
    out(0x20, 0x08);
    CHECK_EQ(in(0x20), 0x00);
    out(0x20, 0x0a);
    CHECK_EQ(in(0x20), 0x02);
}

static void test_intr_changes_only_on_change(void)
{
    setup(0);
    pic_set_irq(&pic, 4, 1);
    pic_set_irq(&pic, 5, 1);
    pic_set_irq(&pic, 6, 1);
    CHECK_EQ(intr_changes, 1);
    CHECK(pic_intr_level(&pic));
}

/* The board: the PIC pair at its ports, INTR to the accelerator, COM1 and
 * COM3 sharing IRQ 4 (the line is high while either drives it). */
static void board_out(PcMachine *pc, uint16_t port, uint8_t val)
{
    pc_port_write(pc, port, val, 1);
}

static void test_board_wiring(void)
{
    static PcMachine pc;
    CHECK(pc_init(&pc, 16u << 20) == 0);
    intr_level = 0;
    pc_connect_intr(&pc, (IrqLine){intr, NULL, 0});
    CHECK(pc_add_uart(&pc, 0, (CharSink){0}) == 0);
    CHECK(pc_add_uart(&pc, 2, (CharSink){0}) == 0);
    board_out(&pc, 0x20, 0x11);
    board_out(&pc, 0x21, 0x08);
    board_out(&pc, 0x21, 0x04);
    board_out(&pc, 0x21, 0x01);
    board_out(&pc, 0xa0, 0x11);
    board_out(&pc, 0xa1, 0x70);
    board_out(&pc, 0xa1, 0x02);
    board_out(&pc, 0xa1, 0x01);
    board_out(&pc, 0x21, 0xef); /* only IRQ 4 */
    CHECK_EQ(pc_port_read(&pc, 0x21, 1), 0xef);
    board_out(&pc, 0xa1, 0xff);
    CHECK_EQ(pc_port_read(&pc, 0xa1, 1), 0xff);
    board_out(&pc, 0x4d1, 0xff);
    CHECK_EQ(pc_port_read(&pc, 0x4d1, 1), 0xde);
    board_out(&pc, 0x4d1, 0x00);

    board_out(&pc, 0x3f9, 0x02); /* COM1: THR empty interrupt on */
    CHECK_EQ(intr_level, 1);
    board_out(&pc, 0x3e9, 0x02); /* COM3 too */
    board_out(&pc, 0x3e9, 0x00); /* COM3 lets go: COM1 still asks */
    CHECK_EQ(pc_port_read(&pc, 0x20, 1), 0x10);
    CHECK_EQ(pc_intack(&pc), 0x0c);
    CHECK_EQ(intr_level, 0);
    board_out(&pc, 0x20, 0x20);
    board_out(&pc, 0x3f9, 0x00); /* the line falls */
    board_out(&pc, 0x3e9, 0x02); /* and rises: a new edge */
    CHECK_EQ(intr_level, 1);
    CHECK_EQ(pc_intack(&pc), 0x0c);
    board_out(&pc, 0x20, 0x20);
    /* Reconnecting drives the current level at once. */
    board_out(&pc, 0x3e9, 0x00);
    board_out(&pc, 0x3f9, 0x02);
    intr_level = 0;
    pc_connect_intr(&pc, (IrqLine){intr, NULL, 0});
    CHECK_EQ(intr_level, 1);
    pc_destroy(&pc);
}

int main(void)
{
    test_reset_and_init();
    test_one_interrupt();
    test_priorities();
    test_masks();
    test_edge_withdrawn_and_spurious();
    test_level_and_elcr();
    test_icw1_edge_sense();
    test_cascade();
    test_special_fully_nested();
    test_auto_eoi();
    test_rotation();
    test_special_mask();
    test_poll_and_status_reads();
    test_intr_changes_only_on_change();
    test_board_wiring();
    return check_report("i8259");
}
