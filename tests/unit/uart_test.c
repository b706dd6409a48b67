/* The 16550A model: registers, FIFO, interrupts, loopback (PC16550D datasheet). */
#include "hw/hw.h"
#include "tests/unit/check.h"

#include <string.h>

typedef struct Capture {
    uint8_t buf[64];
    size_t len;
} Capture;

static void capture_write(void *opaque, const uint8_t *buf, size_t len)
{
    Capture *c = opaque;
    memcpy(c->buf + c->len, buf, len);
    c->len += len;
}

static int irq_level;
static void irq_handler(void *opaque, int n, int level)
{
    irq_level = level;
}

static uint8_t rd(Uart *u, unsigned reg)
{
    return (uint8_t)uart_ops.read(u, reg, 1);
}

static void wr(Uart *u, unsigned reg, uint8_t v)
{
    uart_ops.write(u, reg, v, 1);
}

int main(void)
{
    Uart u;
    Capture out = {0};
    uart_init(&u, (CharSink){capture_write, &out}, (IrqLine){irq_handler, NULL, 4});

    /* Reset values: THR empty, no interrupt pending. */
    CHECK_EQ(rd(&u, 5), 0x60);
    CHECK_EQ(rd(&u, 2), 0x01);
    CHECK_EQ(irq_level, 0);

    /* Divisor latch behind DLAB. */
    wr(&u, 3, 0x80);
    wr(&u, 0, 0x01);
    wr(&u, 1, 0x00);
    CHECK_EQ(rd(&u, 0), 0x01);
    wr(&u, 3, 0x03);
    CHECK_EQ(u.divisor, 1);

    /* Transmit. */
    wr(&u, 0, 'h');
    wr(&u, 0, 'i');
    CHECK_EQ(out.len, 2);
    CHECK(memcmp(out.buf, "hi", 2) == 0);

    /* Scratch register. */
    wr(&u, 7, 0x5a);
    CHECK_EQ(rd(&u, 7), 0x5a);

    /* THRE interrupt: raised when enabled with THR empty, cleared by IIR read. */
    wr(&u, 1, 0x02);
    CHECK_EQ(irq_level, 1);
    CHECK_EQ(rd(&u, 2), 0x02);
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(rd(&u, 2), 0x01);
    wr(&u, 0, '!');
    CHECK_EQ(irq_level, 1);
    wr(&u, 1, 0x00);
    CHECK_EQ(irq_level, 0);

    /* Receive without FIFO: one byte deep, overrun sets OE. */
    CHECK_EQ(uart_can_receive(&u), 1);
    uart_receive(&u, (const uint8_t *)"ab", 2);
    CHECK_EQ(rd(&u, 5) & 0x03, 0x03);
    CHECK_EQ(rd(&u, 5) & 0x02, 0); /* OE cleared by the LSR read */
    CHECK_EQ(rd(&u, 0), 'a');
    CHECK_EQ(rd(&u, 5) & 0x01, 0);

    /* FIFO on, trigger level 4: RDA only at 4 bytes, timeout below. */
    wr(&u, 2, 0x47);
    CHECK_EQ(rd(&u, 2) & 0xc0, 0xc0);
    wr(&u, 1, 0x01);
    CHECK_EQ(uart_can_receive(&u), 16);
    uart_receive(&u, (const uint8_t *)"xyz", 3);
    CHECK_EQ(rd(&u, 2), 0xcc);
    CHECK_EQ(irq_level, 1);
    uart_receive(&u, (const uint8_t *)"w", 1);
    CHECK_EQ(rd(&u, 2), 0xc4);
    CHECK_EQ(rd(&u, 0), 'x');
    CHECK_EQ(rd(&u, 0), 'y');
    CHECK_EQ(rd(&u, 0), 'z');
    CHECK_EQ(rd(&u, 0), 'w');
    CHECK_EQ(irq_level, 0);
    CHECK_EQ(rd(&u, 2), 0xc1);

    /* Loopback: transmitted bytes come back, modem lines follow MCR. */
    size_t before = out.len;
    wr(&u, 4, 0x10 | 0x02); /* LOOP | RTS */
    CHECK_EQ(uart_can_receive(&u), 0);
    wr(&u, 0, 'L');
    CHECK_EQ(out.len, before);
    CHECK_EQ(rd(&u, 0), 'L');
    CHECK_EQ(rd(&u, 6) & 0xf0, 0x10); /* CTS from RTS only */

    uart_reset(&u);
    CHECK_EQ(rd(&u, 4), 0);
    return check_report("uart_test");
}
