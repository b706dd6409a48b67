/*
 * The i8042 keyboard controller with a PS/2 keyboard and mouse behind it.
 * See i8042.h for the model and the facts checked against QEMU.
 */
#include "hw/i8042.h"

#include <stdlib.h>
#include <string.h>

#define PS2_ACK 0xfa
#define PS2_RESEND 0xfe
#define PS2_BAT_OK 0xaa /* basic assurance test passed */
#define PS2_ECHO 0xee
#define PS2_BREAK 0xf0 /* set 2: the next code is a release */
#define KBD_ID_1 0xab  /* MF2 keyboard: AB 83 */
#define KBD_ID_2 0x83
#define KBD_OVERRUN_SET1 0xff
#define KBD_OVERRUN_SET2 0x00
#define KBD_TYPEMATIC_DEFAULT 0x2b /* 10.9 characters/s after 500 ms */
#define KEY_HEADROOM 4             /* queue bytes keys leave free for command replies */
#define MOUSE_ID 0x00              /* standard PS/2 mouse (no IntelliMouse wheel) */
#define MOUSE_RATE_DEFAULT 100
#define MOUSE_RESOLUTION_DEFAULT 2 /* 4 counts/mm */

#define CTR_RESET (I8042_CTR_KBD_INT | I8042_CTR_AUX_INT) /* as QEMU 7.2 at reset */
#define STR_RESET (I8042_STR_CMD | I8042_STR_INH)
/* Output port at reset: CPU running, A20 on, and the unused bits and the
 * idle keyboard clock/data lines high (QEMU 7.2 reads 0xCF). */
#define OUTPORT_RESET 0xcf
#define INPORT_VALUE 0x80 /* bit 7: keyboard not inhibited */
#define CONTROLLER_SELF_TEST_OK 0x55
#define INTERFACE_TEST_OK 0x00

/* ---- translation: scancode set 2 -> set 1 -----------------------------------
 * What the 8042 does to each keyboard byte while command byte bit 6 is set
 * (and what a keyboard switched to set 1 sends for a set 2 key). Indexed by
 * the set 2 code; codes 0x80 and up pass unchanged except F7 (0x83) and
 * Alt+SysRq (0x84). Each row is 8 codes; comments name the keys of set 2. */
/* clang-format off */
static const uint8_t set2_to_set1[128] = {
    /* 00: -   F9  -   F5  F3  F1  F2  F12 */
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58,
    /* 08: -   F10 F8  F6  F4  Tab `   -   */
    0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
    /* 10: -   LAlt LShift - LCtrl Q  1   -   */
    0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a,
    /* 18: -   -   Z   S   A   W   2   -   */
    0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
    /* 20: -   C   X   D   E   4   3   -   */
    0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c,
    /* 28: -   Space V F   T   R   5   -   */
    0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
    /* 30: -   N   B   H   G   Y   6   -   */
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e,
    /* 38: -   -   M   J   U   7   8   -   */
    0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
    /* 40: -   ,   K   I   O   0   9   -   */
    0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60,
    /* 48: -   .   /   L   ;   P   -   -   */
    0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
    /* 50: -   -   '   -   [   =   -   -   */
    0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e,
    /* 58: Caps RShift Enter ] - \  -   -   */
    0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
    /* 60: -   -   -   -   -   -   Bksp -  */
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b,
    /* 68: -   KP1 -   KP4 KP7 -   -   -   */
    0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
    /* 70: KP0 KP. KP2 KP5 KP6 KP8 Esc NumLock */
    0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45,
    /* 78: F11 KP+ KP3 KP- KP* KP9 ScrollLock - */
    0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
};
/* clang-format on */

uint8_t i8042_translate(uint8_t set2)
{
    if (set2 < 0x80) {
        return set2_to_set1[set2];
    }
    if (set2 == 0x83) { /* F7 */
        return 0x41;
    }
    if (set2 == 0x84) { /* Alt+SysRq */
        return 0x54;
    }
    return set2;
}

/* ---- byte queues ---------------------------------------------------------- */

static void q_clear(Ps2Queue *q)
{
    q->head = 0;
    q->count = 0;
}

static unsigned q_room(const Ps2Queue *q)
{
    return PS2_QUEUE_SIZE - q->count;
}

static void q_push(Ps2Queue *q, uint8_t b)
{
    if (q->count < PS2_QUEUE_SIZE) {
        q->data[(q->head + q->count) % PS2_QUEUE_SIZE] = b;
        q->count++;
    }
}

static uint8_t q_pop(Ps2Queue *q)
{
    uint8_t b = q->data[q->head];
    q->head = (q->head + 1) % PS2_QUEUE_SIZE;
    q->count--;
    return b;
}

/* ---- the keyboard ----------------------------------------------------------- */

static void kbd_send(Ps2Keyboard *kb, uint8_t b)
{
    q_push(&kb->q, b);
    kb->last_sent = b;
}

/* Scancode set 2, LEDs off, default typematic, scanning (keyboard
 * commands FF, F5, F6). */
static void kbd_defaults(Ps2Keyboard *kb)
{
    kb->pending = 0;
    kb->scancode_set = 2;
    kb->leds = 0;
    kb->typematic = KBD_TYPEMATIC_DEFAULT;
    kb->scanning = true;
    kb->set1_break = false;
}

/* A byte from the host side of the keyboard (the controller's port 0x60
 * or 0xD2 paths never come here). */
static void kbd_write(Ps2Keyboard *kb, uint8_t b)
{
    uint8_t cmd = kb->pending;
    kb->pending = 0;
    switch (cmd) {
    case 0xed: /* Set LEDs: scroll, num, caps in bits 0-2 */
        kb->leds = b & 7;
        kbd_send(kb, PS2_ACK);
        return;
    case 0xf3: /* Set typematic rate/delay */
        kb->typematic = b & 0x7f;
        kbd_send(kb, PS2_ACK);
        return;
    case 0xf0: /* Get (0) or set (1-3) the scancode set */
        if (b == 0) {
            kbd_send(kb, PS2_ACK);
            kbd_send(kb, kb->scancode_set);
        } else if (b <= 3) {
            kb->scancode_set = b;
            kbd_send(kb, PS2_ACK);
        } else {
            kbd_send(kb, PS2_RESEND);
        }
        return;
    default:
        break;
    }
    switch (b) {
    case 0xed:
    case 0xf0:
    case 0xf3:
        kbd_send(kb, PS2_ACK);
        kb->pending = b;
        break;
    case 0xee:
        kbd_send(kb, PS2_ECHO);
        break;
    case 0xf2: /* Identify */
        kbd_send(kb, PS2_ACK);
        kbd_send(kb, KBD_ID_1);
        kbd_send(kb, KBD_ID_2);
        break;
    case 0xf4: /* Enable scanning */
        kb->scanning = true;
        kbd_send(kb, PS2_ACK);
        break;
    case 0xf5: /* Default and disable */
        kbd_defaults(kb);
        kb->scanning = false;
        kbd_send(kb, PS2_ACK);
        break;
    case 0xf6: /* Set default */
        kbd_defaults(kb);
        kbd_send(kb, PS2_ACK);
        break;
    case 0xf7: /* Set 3 key types: accepted, no effect */
    case 0xf8:
    case 0xf9:
    case 0xfa:
    case 0xfb:
    case 0xfc:
    case 0xfd:
        kbd_send(kb, PS2_ACK);
        break;
    case 0xfe:
        kbd_send(kb, kb->last_sent);
        break;
    case 0xff: /* Reset: the self-test passes at once */
        q_clear(&kb->q);
        kbd_defaults(kb);
        kbd_send(kb, PS2_ACK);
        kbd_send(kb, PS2_BAT_OK);
        break;
    default:
        kbd_send(kb, PS2_RESEND);
        break;
    }
}

/* ---- the mouse -------------------------------------------------------------- */

static void mouse_send(Ps2Mouse *m, uint8_t b)
{
    q_push(&m->q, b);
    m->last_sent = b;
}

/* Command F6 and power-on: stream mode, reporting off, 100 samples/s,
 * 4 counts/mm, scaling 1:1. */
static void mouse_defaults(Ps2Mouse *m)
{
    m->pending = 0;
    m->enabled = false;
    m->remote = false;
    m->scale21 = false;
    m->rate = MOUSE_RATE_DEFAULT;
    m->resolution = MOUSE_RESOLUTION_DEFAULT;
    m->dx = 0;
    m->dy = 0;
}

/* Scaling 2:1 (stream mode only): 1, 1, 3, 6, 9 for 1-5 counts, then x2. */
static int scale21(int d)
{
    static const int small[6] = {0, 1, 1, 3, 6, 9};
    int a = abs(d);
    int r = a <= 5 ? small[a] : 2 * a;
    return d < 0 ? -r : r;
}

/* A three-byte movement packet; counts beyond 9 bits saturate and set the
 * overflow bit. */
static void mouse_packet(Ps2Mouse *m, int dx, int dy)
{
    uint8_t b0 = 0x08 | (m->buttons & 7);
    if (dx > 255 || dx < -256) {
        b0 |= 0x40;
        dx = dx > 0 ? 255 : -256;
    }
    if (dy > 255 || dy < -256) {
        b0 |= 0x80;
        dy = dy > 0 ? 255 : -256;
    }
    b0 |= dx < 0 ? 0x10 : 0;
    b0 |= dy < 0 ? 0x20 : 0;
    mouse_send(m, b0);
    mouse_send(m, (uint8_t)dx);
    mouse_send(m, (uint8_t)dy);
}

static uint8_t mouse_status(const Ps2Mouse *m)
{
    uint8_t s = 0;
    s |= m->remote ? 0x40 : 0;
    s |= m->enabled ? 0x20 : 0;
    s |= m->scale21 ? 0x10 : 0;
    s |= (m->buttons & PS2_MOUSE_LEFT) ? 0x04 : 0;
    s |= (m->buttons & PS2_MOUSE_MIDDLE) ? 0x02 : 0;
    s |= (m->buttons & PS2_MOUSE_RIGHT) ? 0x01 : 0;
    return s;
}

static void mouse_write(Ps2Mouse *m, uint8_t b)
{
    if (m->wrap && b != 0xec && b != 0xff) {
        mouse_send(m, b); /* wrap mode echoes */
        return;
    }
    uint8_t cmd = m->pending;
    m->pending = 0;
    if (cmd == 0xf3) { /* Set sample rate */
        m->rate = b;
        mouse_send(m, PS2_ACK);
        return;
    }
    if (cmd == 0xe8) { /* Set resolution: 1, 2, 4, 8 counts/mm */
        m->resolution = b & 3;
        mouse_send(m, PS2_ACK);
        return;
    }
    switch (b) {
    case 0xe6:
        m->scale21 = false;
        mouse_send(m, PS2_ACK);
        break;
    case 0xe7:
        m->scale21 = true;
        mouse_send(m, PS2_ACK);
        break;
    case 0xe8:
    case 0xf3:
        mouse_send(m, PS2_ACK);
        m->pending = b;
        break;
    case 0xe9: /* Status request */
        mouse_send(m, PS2_ACK);
        mouse_send(m, mouse_status(m));
        mouse_send(m, m->resolution);
        mouse_send(m, m->rate);
        break;
    case 0xea: /* Set stream mode */
        m->remote = false;
        m->dx = m->dy = 0;
        mouse_send(m, PS2_ACK);
        break;
    case 0xeb: /* Read data */
        mouse_send(m, PS2_ACK);
        mouse_packet(m, m->dx, m->dy);
        m->dx = m->dy = 0;
        break;
    case 0xec:
        m->wrap = false;
        mouse_send(m, PS2_ACK);
        break;
    case 0xee:
        m->wrap = true;
        mouse_send(m, PS2_ACK);
        break;
    case 0xf0: /* Set remote mode */
        m->remote = true;
        m->dx = m->dy = 0;
        mouse_send(m, PS2_ACK);
        break;
    case 0xf2: /* Get device ID */
        mouse_send(m, PS2_ACK);
        mouse_send(m, MOUSE_ID);
        break;
    case 0xf4:
        m->enabled = true;
        mouse_send(m, PS2_ACK);
        break;
    case 0xf5:
        m->enabled = false;
        mouse_send(m, PS2_ACK);
        break;
    case 0xf6:
        mouse_defaults(m);
        mouse_send(m, PS2_ACK);
        break;
    case 0xfe:
        mouse_send(m, m->last_sent);
        break;
    case 0xff: /* Reset: self-test passed, ID 00 */
        q_clear(&m->q);
        mouse_defaults(m);
        m->wrap = false;
        mouse_send(m, PS2_ACK);
        mouse_send(m, PS2_BAT_OK);
        mouse_send(m, MOUSE_ID);
        break;
    default:
        mouse_send(m, PS2_RESEND);
        break;
    }
}

/* ---- the controller ------------------------------------------------------------ */

static uint8_t command_byte(const I8042 *k)
{
    return k->ram[0];
}

static void update_irqs(I8042 *k)
{
    uint8_t ctr = command_byte(k);
    int kbd = k->ob_full && !k->ob_aux && (ctr & I8042_CTR_KBD_INT);
    int aux = k->ob_full && k->ob_aux && (ctr & I8042_CTR_AUX_INT);
    if (kbd != k->irq_kbd_level) {
        k->irq_kbd_level = kbd;
        irq_set(&k->irq_kbd, kbd);
    }
    if (aux != k->irq_aux_level) {
        k->irq_aux_level = aux;
        irq_set(&k->irq_aux, aux);
    }
}

static void fill_ob(I8042 *k, uint8_t b, bool aux)
{
    k->ob = b;
    k->ob_aux = aux;
    k->ob_full = true;
}

/* Move the next waiting byte into an empty output buffer: the
 * controller's replies first, then the keyboard's, then the mouse's. */
static void refill(I8042 *k)
{
    uint8_t ctr = command_byte(k);
    while (!k->ob_full) {
        if (k->reply_count) {
            fill_ob(k, k->reply[k->reply_head].byte, k->reply[k->reply_head].aux);
            k->reply_head = (k->reply_head + 1) % 4;
            k->reply_count--;
        } else if (k->kbd.q.count && !(ctr & I8042_CTR_KBD_DISABLE)) {
            uint8_t b = q_pop(&k->kbd.q);
            if (ctr & I8042_CTR_XLATE) {
                if (b == PS2_BREAK) {
                    k->xlate_break = true;
                    continue;
                }
                b = (uint8_t)(i8042_translate(b) | (k->xlate_break ? 0x80 : 0));
                k->xlate_break = false;
            }
            fill_ob(k, b, false);
        } else if (k->mouse.q.count && !(ctr & I8042_CTR_AUX_DISABLE)) {
            fill_ob(k, q_pop(&k->mouse.q), true);
        } else {
            break;
        }
    }
    update_irqs(k);
}

/* A byte the controller itself puts out (as keyboard data unless aux). */
static void reply(I8042 *k, uint8_t b, bool aux)
{
    if (k->reply_count < 4) {
        unsigned tail = (k->reply_head + k->reply_count) % 4;
        k->reply[tail].byte = b;
        k->reply[tail].aux = aux;
        k->reply_count++;
    }
    refill(k);
}

static void set_a20(I8042 *k, bool on)
{
    k->outport = on ? k->outport | I8042_OUT_A20 : k->outport & ~I8042_OUT_A20;
    irq_set(&k->a20, on);
}

static void request_reset(I8042 *k)
{
    if (k->request_reset) {
        k->request_reset(k->reset_opaque);
    }
}

/* The output port as command 0xD0 reads it: bits 4/5 show the buffer. */
static uint8_t outport_value(const I8042 *k)
{
    uint8_t v = k->outport & (uint8_t) ~(I8042_OUT_KBD_OBF | I8042_OUT_AUX_OBF);
    if (k->ob_full) {
        v |= k->ob_aux ? I8042_OUT_AUX_OBF : I8042_OUT_KBD_OBF;
    }
    return v;
}

static void write_outport(I8042 *k, uint8_t v)
{
    k->outport = v;
    irq_set(&k->a20, (v & I8042_OUT_A20) != 0);
    if (!(v & I8042_OUT_RESET)) {
        request_reset(k);
    }
}

static void set_command_byte(I8042 *k, uint8_t v)
{
    k->ram[0] = v;
    /* The system flag of the status register follows command byte bit 2
     * (IBM AT Technical Reference, "Command Byte"). */
    k->status = (uint8_t)((k->status & ~I8042_STR_SYS) | (v & I8042_CTR_SYS));
    refill(k);
}

static void write_command(I8042 *k, uint8_t cmd)
{
    k->status |= I8042_STR_CMD;
    k->pending = 0;
    if (cmd >= 0x20 && cmd < 0x40) { /* read controller RAM byte (0x20: command byte) */
        reply(k, k->ram[cmd & 0x1f], false);
        return;
    }
    if ((cmd >= 0x60 && cmd < 0x80) || (cmd >= 0xd1 && cmd <= 0xd4)) {
        k->pending = cmd; /* its data byte comes through port 0x60 */
        return;
    }
    if (cmd >= 0xf0) { /* pulse output port bits 3:0 where the command has 0s */
        if (!(cmd & I8042_OUT_RESET)) {
            request_reset(k);
        }
        return;
    }
    switch (cmd) {
    case 0xa7: /* disable the aux interface */
        k->ram[0] |= I8042_CTR_AUX_DISABLE;
        break;
    case 0xa8:
        k->ram[0] &= (uint8_t)~I8042_CTR_AUX_DISABLE;
        refill(k);
        break;
    case 0xa9: /* aux interface test */
    case 0xab: /* keyboard interface test */
        reply(k, INTERFACE_TEST_OK, false);
        break;
    case 0xaa: /* controller self-test */
        k->status |= I8042_STR_SYS;
        reply(k, CONTROLLER_SELF_TEST_OK, false);
        break;
    case 0xad: /* disable the keyboard interface */
        k->ram[0] |= I8042_CTR_KBD_DISABLE;
        break;
    case 0xae:
        k->ram[0] &= (uint8_t)~I8042_CTR_KBD_DISABLE;
        refill(k);
        break;
    case 0xc0: /* read input port */
        reply(k, INPORT_VALUE, false);
        break;
    case 0xd0: /* read output port */
        reply(k, outport_value(k), false);
        break;
    case 0xdd:
        set_a20(k, false);
        break;
    case 0xdf:
        set_a20(k, true);
        break;
    default: /* not implemented by this controller: ignored */
        break;
    }
}

static void write_data(I8042 *k, uint8_t b)
{
    uint8_t cmd = k->pending;
    k->status &= (uint8_t)~I8042_STR_CMD;
    k->pending = 0;
    if (cmd == 0x60) {
        set_command_byte(k, b);
        return;
    }
    if (cmd > 0x60 && cmd < 0x80) {
        k->ram[cmd & 0x1f] = b;
        return;
    }
    switch (cmd) {
    case 0xd1:
        write_outport(k, b);
        break;
    case 0xd2: /* as if from the keyboard */
        reply(k, b, false);
        break;
    case 0xd3: /* as if from the mouse */
        reply(k, b, true);
        break;
    case 0xd4: /* to the mouse; enables the aux interface, as QEMU's */
        k->ram[0] &= (uint8_t)~I8042_CTR_AUX_DISABLE;
        mouse_write(&k->mouse, b);
        refill(k);
        break;
    default: /* to the keyboard; enables the keyboard interface, as QEMU's */
        k->ram[0] &= (uint8_t)~I8042_CTR_KBD_DISABLE;
        kbd_write(&k->kbd, b);
        refill(k);
        break;
    }
}

static uint8_t read_data(I8042 *k)
{
    uint8_t b = k->last_read;
    if (k->ob_full) {
        b = k->ob;
        k->last_read = b;
        k->ob_full = false;
        update_irqs(k); /* the line drops; the next byte raises it again */
        refill(k);
    }
    return b; /* an empty buffer reads its last byte again */
}

static uint8_t read_status(const I8042 *k)
{
    uint8_t s = k->status & (uint8_t) ~(I8042_STR_OBF | I8042_STR_IBF | I8042_STR_AUX_OBF);
    if (k->ob_full) {
        s |= I8042_STR_OBF | (k->ob_aux ? I8042_STR_AUX_OBF : 0);
    }
    return s;
}

static uint64_t data_read(void *opaque, uint64_t offset, unsigned size)
{
    return read_data(opaque);
}

static void data_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    write_data(opaque, (uint8_t)value);
}

static uint64_t cmd_read(void *opaque, uint64_t offset, unsigned size)
{
    return read_status(opaque);
}

static void cmd_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    write_command(opaque, (uint8_t)value);
}

const MemOps i8042_data_ops = {.read = data_read, .write = data_write, .max_size = 1};
const MemOps i8042_cmd_ops = {.read = cmd_read, .write = cmd_write, .max_size = 1};

void i8042_init(I8042 *k, IrqLine irq_kbd, IrqLine irq_aux, IrqLine a20,
                void (*request_reset_fn)(void *opaque), void *opaque)
{
    *k = (I8042){.irq_kbd = irq_kbd,
                 .irq_aux = irq_aux,
                 .a20 = a20,
                 .request_reset = request_reset_fn,
                 .reset_opaque = opaque};
    i8042_reset(k);
}

void i8042_reset(I8042 *k)
{
    k->status = STR_RESET;
    memset(k->ram, 0, sizeof(k->ram));
    k->ram[0] = CTR_RESET;
    k->pending = 0;
    k->ob = 0;
    k->last_read = 0;
    k->ob_full = false;
    k->ob_aux = false;
    k->reply_head = 0;
    k->reply_count = 0;
    k->xlate_break = false;
    q_clear(&k->kbd.q);
    kbd_defaults(&k->kbd);
    k->kbd.last_sent = 0;
    q_clear(&k->mouse.q);
    mouse_defaults(&k->mouse);
    k->mouse.wrap = false;
    k->mouse.buttons = 0;
    k->mouse.last_sent = 0;
    k->irq_kbd_level = 0;
    k->irq_aux_level = 0;
    irq_set(&k->irq_kbd, 0);
    irq_set(&k->irq_aux, 0);
    k->outport = OUTPORT_RESET;
    irq_set(&k->a20, 1);
}

/* ---- input from the host ------------------------------------------------------- */

void i8042_key_event(I8042 *k, const uint8_t *set2, size_t len)
{
    Ps2Keyboard *kb = &k->kbd;
    if (!kb->scanning || len == 0) {
        return;
    }
    bool set1 = kb->scancode_set == 1;
    uint8_t overrun = set1 ? KBD_OVERRUN_SET1 : KBD_OVERRUN_SET2;
    /* Keys may fill the queue but for KEY_HEADROOM bytes and one more for
     * the overrun code, which goes in once (no key sends that code). */
    unsigned limit = PS2_QUEUE_SIZE - KEY_HEADROOM;
    if (kb->q.count + len >= limit) {
        if (kb->q.count < limit && kb->last_sent != overrun) {
            kbd_send(kb, overrun);
            refill(k);
        }
        return;
    }
    for (size_t i = 0; i < len; i++) {
        uint8_t b = set2[i];
        if (set1) {
            if (b == PS2_BREAK) {
                kb->set1_break = true;
                continue;
            }
            b = (uint8_t)(i8042_translate(b) | (kb->set1_break ? 0x80 : 0));
            kb->set1_break = false;
        }
        kbd_send(kb, b);
    }
    refill(k);
}

static int clamp_motion(int d)
{
    return d > 1024 ? 1024 : d < -1024 ? -1024 : d;
}

void i8042_mouse_event(I8042 *k, int dx, int dy, unsigned buttons)
{
    Ps2Mouse *m = &k->mouse;
    m->buttons = (uint8_t)(buttons & 7);
    if (m->remote) {
        /* Kept within what a packet can say (it saturates anyway). */
        m->dx = clamp_motion(m->dx + clamp_motion(dx));
        m->dy = clamp_motion(m->dy + clamp_motion(dy));
        return;
    }
    if (!m->enabled || q_room(&m->q) < 3 + KEY_HEADROOM) {
        return;
    }
    if (m->scale21) {
        dx = scale21(dx);
        dy = scale21(dy);
    }
    mouse_packet(m, dx, dy);
    refill(k);
}
