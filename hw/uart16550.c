/*
 * 16550A UART, the PC's COM ports (PC16550D datasheet, "Register
 * Description"). Transmission is instantaneous: a byte written to THR goes
 * straight to the host, so THR and the transmitter are always empty again
 * by the next access. Reception goes through the 16-byte FIFO (one byte
 * deep with FIFOs off); the main loop asks uart_can_receive() first, so no
 * host input is ever dropped.
 */
#include "hw/hw.h"

#include <string.h>

/* Register offsets from the port base. */
enum {
    UART_RBR_THR = 0, /* DLL when LCR.DLAB */
    UART_IER = 1,     /* DLM when LCR.DLAB */
    UART_IIR_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define IER_RDA 0x01  /* received data available */
#define IER_THRE 0x02 /* transmitter holding register empty */
#define IER_RLS 0x04  /* receiver line status */
#define IER_MS 0x08   /* modem status */

#define IIR_NONE 0x01
#define IIR_MS 0x00
#define IIR_THRE 0x02
#define IIR_RDA 0x04
#define IIR_RLS 0x06
#define IIR_TIMEOUT 0x0c
#define IIR_FIFO_ON 0xc0

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_BI 0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LSR_INT_ANY 0x1e /* OE, PE, FE, BI: the line-status interrupt causes */

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80
#define MSR_DELTAS 0x0f

/* Receive trigger levels selected by FCR bits 7:6. */
static const unsigned rx_trigger[4] = {1, 4, 8, 14};

static unsigned rx_capacity(const Uart *u)
{
    return (u->fcr & FCR_ENABLE) ? UART_FIFO_SIZE : 1;
}

/* The highest-priority pending interrupt, as IIR bits 3:0 (datasheet
 * table "Interrupt Control Functions": RLS > RDA/timeout > THRE > MS). */
static uint8_t pending_iir(const Uart *u)
{
    if ((u->ier & IER_RLS) && (u->lsr & LSR_INT_ANY)) {
        return IIR_RLS;
    }
    if ((u->ier & IER_RDA) && u->rx_count > 0) {
        if (!(u->fcr & FCR_ENABLE) || u->rx_count >= rx_trigger[u->fcr >> 6]) {
            return IIR_RDA;
        }
        /* Below the trigger level the chip interrupts after four character
         * times without activity. TODO: time it on the virtual clock once
         * system/ has timers (issue 8); until then it fires at once. */
        return IIR_TIMEOUT;
    }
    if ((u->ier & IER_THRE) && u->thr_ipending) {
        return IIR_THRE;
    }
    if ((u->ier & IER_MS) && (u->msr & MSR_DELTAS)) {
        return IIR_MS;
    }
    return IIR_NONE;
}

/* Like QEMU's model, the IRQ output is not gated by MCR.OUT2, so guests
 * behave the same under both emulators. */
static void update_irq(Uart *u)
{
    int level = pending_iir(u) != IIR_NONE;
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(&u->irq, level);
    }
}

/* In loopback the modem inputs are wired to the modem outputs. */
static uint8_t modem_inputs(const Uart *u)
{
    if (!(u->mcr & MCR_LOOP)) {
        return MSR_DCD | MSR_DSR | MSR_CTS; /* a terminal is attached and ready */
    }
    uint8_t m = 0;
    m |= (u->mcr & MCR_RTS) ? MSR_CTS : 0;
    m |= (u->mcr & MCR_DTR) ? MSR_DSR : 0;
    m |= (u->mcr & MCR_OUT1) ? MSR_RI : 0;
    m |= (u->mcr & MCR_OUT2) ? MSR_DCD : 0;
    return m;
}

static void set_modem_inputs(Uart *u)
{
    uint8_t now = modem_inputs(u);
    uint8_t old = u->msr & 0xf0;
    uint8_t delta = 0;
    delta |= ((now ^ old) & MSR_CTS) ? MSR_DCTS : 0;
    delta |= ((now ^ old) & MSR_DSR) ? MSR_DDSR : 0;
    delta |= ((now ^ old) & MSR_DCD) ? MSR_DDCD : 0;
    /* TERI: RI went from on to off. */
    delta |= ((old & MSR_RI) && !(now & MSR_RI)) ? MSR_TERI : 0;
    u->msr = now | (u->msr & MSR_DELTAS) | delta;
}

static void rx_push(Uart *u, uint8_t byte)
{
    unsigned cap = rx_capacity(u);
    if (u->rx_count >= cap) {
        u->lsr |= LSR_OE; /* the new byte is lost, as on the chip */
        return;
    }
    u->rbr_fifo[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
    u->rx_count++;
    u->lsr |= LSR_DR;
}

static void transmit(Uart *u, uint8_t byte)
{
    if (u->mcr & MCR_LOOP) {
        rx_push(u, byte);
    } else if (u->out.write) {
        u->out.write(u->out.opaque, &byte, 1);
    }
    /* The byte left at once: THR is empty again. */
    u->lsr |= LSR_THRE | LSR_TEMT;
    u->thr_ipending = true;
}

void uart_reset(Uart *u)
{
    memset(u->rbr_fifo, 0, sizeof(u->rbr_fifo));
    u->rx_head = u->rx_count = 0;
    u->ier = 0;
    u->lcr = 0;
    u->mcr = 0;
    u->fcr = 0;
    u->scr = 0;
    u->divisor = 12; /* 9600 baud from the 1.8432 MHz clock */
    u->lsr = LSR_THRE | LSR_TEMT;
    u->msr = modem_inputs(u);
    u->thr_ipending = false;
    u->irq_level = 0;
    irq_set(&u->irq, 0);
}

void uart_init(Uart *u, CharSink out, IrqLine irq)
{
    memset(u, 0, sizeof(*u));
    u->out = out;
    u->irq = irq;
    uart_reset(u);
}

size_t uart_can_receive(const Uart *u)
{
    if (u->mcr & MCR_LOOP) {
        return 0; /* the line is disconnected from the outside in loopback */
    }
    return rx_capacity(u) - u->rx_count;
}

void uart_receive(Uart *u, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        rx_push(u, buf[i]);
    }
    update_irq(u);
}

static uint8_t read_rbr(Uart *u)
{
    if (u->rx_count == 0) {
        return 0;
    }
    uint8_t byte = u->rbr_fifo[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
    u->rx_count--;
    if (u->rx_count == 0) {
        u->lsr &= ~LSR_DR;
    }
    return byte;
}

static uint64_t uart_read(void *opaque, uint64_t offset, unsigned size)
{
    Uart *u = opaque;
    uint8_t v = 0;
    switch (offset) {
    case UART_RBR_THR:
        v = (u->lcr & LCR_DLAB) ? (uint8_t)u->divisor : read_rbr(u);
        break;
    case UART_IER:
        v = (u->lcr & LCR_DLAB) ? (uint8_t)(u->divisor >> 8) : u->ier;
        break;
    case UART_IIR_FCR:
        v = pending_iir(u);
        if (v == IIR_THRE) {
            u->thr_ipending = false; /* reading IIR with THRE as source clears it */
        }
        if (u->fcr & FCR_ENABLE) {
            v |= IIR_FIFO_ON;
        }
        break;
    case UART_LCR:
        v = u->lcr;
        break;
    case UART_MCR:
        v = u->mcr;
        break;
    case UART_LSR:
        v = u->lsr;
        u->lsr &= ~(LSR_OE | LSR_BI | 0x0c | 0x80); /* error bits clear on read */
        break;
    case UART_MSR:
        v = u->msr;
        u->msr &= ~MSR_DELTAS;
        break;
    case UART_SCR:
        v = u->scr;
        break;
    }
    update_irq(u);
    return v;
}

static void uart_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Uart *u = opaque;
    uint8_t v = (uint8_t)value;
    switch (offset) {
    case UART_RBR_THR:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (u->divisor & 0xff00) | v;
        } else {
            /* Writing THR clears the THRE interrupt (datasheet, Table IV):
             * the line drops before the instant transmission raises it
             * again, so an edge-triggered input (the PIC, an IOAPIC pin)
             * sees each new THRE even while another cause held it high. */
            u->thr_ipending = false;
            update_irq(u);
            transmit(u, v);
        }
        break;
    case UART_IER:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | (v << 8));
        } else {
            /* Enabling THRE while THR is empty raises it at once. */
            if (!(u->ier & IER_THRE) && (v & IER_THRE) && (u->lsr & LSR_THRE)) {
                u->thr_ipending = true;
            }
            u->ier = v & 0x0f;
        }
        break;
    case UART_IIR_FCR:
        if ((v & FCR_ENABLE) != (u->fcr & FCR_ENABLE)) {
            /* Switching FIFO mode clears both FIFOs (datasheet, FCR bit 0). */
            u->rx_count = 0;
            u->rx_head = 0;
            u->lsr &= ~LSR_DR;
        }
        if (v & FCR_CLEAR_RX) {
            u->rx_count = 0;
            u->rx_head = 0;
            u->lsr &= ~LSR_DR;
        }
        u->fcr = v & (FCR_ENABLE | 0xc0); /* clear bits self-reset */
        break;
    case UART_LCR:
        u->lcr = v;
        break;
    case UART_MCR:
        u->mcr = v & 0x1f;
        set_modem_inputs(u);
        break;
    case UART_LSR:
    case UART_MSR:
        break; /* read-only on the 16550A (factory test use) */
    case UART_SCR:
        u->scr = v;
        break;
    }
    update_irq(u);
}

const MemOps uart_ops = {.read = uart_read, .write = uart_write, .max_size = 1};
