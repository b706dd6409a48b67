/*
 * The PC keyboard controller (an Intel 8042 running IBM's firmware: IBM PC
 * AT Technical Reference, "Keyboard Controller"; the PS/2 version adds the
 * auxiliary port) with a PS/2 keyboard and a PS/2 mouse behind it.
 *
 *   port 0x60  read: the output buffer; write: data for the keyboard, or
 *              the parameter of a controller command (0x60, 0xD1-0xD4)
 *   port 0x64  read: status; write: a controller command
 *
 * Status: OBF 0x01, IBF 0x02 (always 0: input is taken at once), SYS 0x04
 * (set by self-test or command byte bit 2), CMD 0x08 (last write was to
 * 0x64), INH 0x10 (1: keyboard not inhibited by the keylock), AUX_OBF 0x20.
 * Command byte: KBD_INT 0x01 (IRQ 1), AUX_INT 0x02 (IRQ 12), SYS 0x04,
 * KBD_DISABLE 0x10, AUX_DISABLE 0x20, XLATE 0x40 (set 2 -> set 1).
 * Output port (0xD0/0xD1): bit 0 low resets the CPU, bit 1 is the A20
 * gate, bits 4/5 show OBF for the keyboard/aux.
 *
 * The output buffer holds one byte; behind it wait the controller's own
 * replies (first), then the keyboard's bytes (unless the keyboard
 * interface is disabled), then the mouse's (unless the aux one is). IRQ 1
 * or IRQ 12 is high while a keyboard or mouse byte waits in the buffer and
 * the command byte enables it; reading port 0x60 drops it, and the next
 * byte raises it again: one edge per byte for the PIC.
 *
 * Facts checked against QEMU 7.2 (a bare-metal program reading the ports
 * at reset): status 0x18 and command byte 0x03 at reset; 0xAA answers 0x55
 * and sets SYS; 0xAB and 0xA9 answer 0x00; 0xC0 0x80; 0xD0 0xCF; 0xDD/0xDF
 * clear/set output port bit 1; 0xD2/0xD3 put the byte back as keyboard/aux
 * data; a write to the keyboard clears KBD_DISABLE and 0xD4 clears
 * AUX_DISABLE; keyboard bytes wait while KBD_DISABLE is set; a controller
 * reply overtakes queued keyboard bytes; the keyboard answers FF with FA
 * AA, F2 with FA AB 83 (FA AB 41 translated), F0 00 with FA 02 (FA 41
 * translated), EE with EE, an unknown command with FE; the mouse answers
 * FF with FA AA 00, F2 with FA 00, E9 with FA and status, resolution 2,
 * rate 100 (0x20 status once enabled). Where they differ: QEMU leaves CMD
 * set after a data write (here a data write clears it, as on the 8042);
 * QEMU does not copy command byte bit 2 to SYS; QEMU ignores an unknown
 * mouse command (here the mouse answers FE, as PS/2 devices do); QEMU's
 * 0xD0 after 0xD1 returns the OBF bits as written (here they show the
 * buffer).
 */
#ifndef RX86_HW_I8042_H
#define RX86_HW_I8042_H

#include "hw/hw.h"

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64
#define I8042_KBD_IRQ 1
#define I8042_AUX_IRQ 12

#define I8042_STR_OBF 0x01
#define I8042_STR_IBF 0x02
#define I8042_STR_SYS 0x04
#define I8042_STR_CMD 0x08
#define I8042_STR_INH 0x10
#define I8042_STR_AUX_OBF 0x20

#define I8042_CTR_KBD_INT 0x01
#define I8042_CTR_AUX_INT 0x02
#define I8042_CTR_SYS 0x04
#define I8042_CTR_KBD_DISABLE 0x10
#define I8042_CTR_AUX_DISABLE 0x20
#define I8042_CTR_XLATE 0x40

#define I8042_OUT_RESET 0x01 /* low: CPU reset */
#define I8042_OUT_A20 0x02
#define I8042_OUT_KBD_OBF 0x10
#define I8042_OUT_AUX_OBF 0x20

#define PS2_QUEUE_SIZE 32

/* Mouse buttons for i8042_mouse_event (as in the PS/2 packet). */
#define PS2_MOUSE_LEFT 0x01
#define PS2_MOUSE_RIGHT 0x02
#define PS2_MOUSE_MIDDLE 0x04

typedef struct Ps2Queue {
    uint8_t data[PS2_QUEUE_SIZE];
    unsigned head, count;
} Ps2Queue;

typedef struct Ps2Keyboard {
    Ps2Queue q;
    uint8_t pending;   /* command awaiting its parameter (0xED, 0xF0, 0xF3) or 0 */
    uint8_t last_sent; /* for Resend (0xFE) */
    uint8_t scancode_set;
    uint8_t leds;
    uint8_t typematic;
    bool scanning;
    bool set1_break; /* set 1 output: an F0 prefix was seen */
} Ps2Keyboard;

typedef struct Ps2Mouse {
    Ps2Queue q;
    uint8_t pending; /* 0xE8 or 0xF3 awaiting its parameter, or 0 */
    uint8_t last_sent;
    bool enabled, remote, wrap, scale21;
    uint8_t rate, resolution, buttons;
    int dx, dy; /* movement not yet reported (remote mode) */
} Ps2Mouse;

typedef struct I8042 {
    uint8_t status;       /* SYS, CMD, INH; OBF and AUX_OBF follow ob_full/ob_aux */
    uint8_t ram[32];      /* controller RAM: byte 0 is the command byte */
    uint8_t outport;      /* as last written (0xD1, 0xDD/0xDF) */
    uint8_t pending;      /* command whose data byte comes next at 0x60, or 0 */
    uint8_t ob;           /* output buffer */
    uint8_t last_read;    /* what port 0x60 gave last (read again when empty) */
    bool ob_full, ob_aux; /* ... holds a byte; from the aux side */
    struct {
        uint8_t byte;
        bool aux;
    } reply[4]; /* the controller's own bytes waiting for the buffer */
    unsigned reply_head, reply_count;
    bool xlate_break; /* translation: an F0 from the keyboard waits for its code */
    Ps2Keyboard kbd;
    Ps2Mouse mouse;
    IrqLine irq_kbd, irq_aux, a20;
    int irq_kbd_level, irq_aux_level;
    void (*request_reset)(void *opaque);
    void *reset_opaque;
} I8042;

/*
 * The controller with its outputs: IRQ 1, IRQ 12, the A20 gate (output
 * port bit 1; the board ORs it with port 0x92's) and a reset request
 * (output port bit 0 low, 0xFE and the other pulses of bit 0). Resets it.
 */
void i8042_init(I8042 *k, IrqLine irq_kbd, IrqLine irq_aux, IrqLine a20,
                void (*request_reset)(void *opaque), void *opaque);
/* Power-on state of controller, keyboard and mouse; A20 driven high. */
void i8042_reset(I8042 *k);
extern const MemOps i8042_data_ops; /* port 0x60; opaque is the I8042 */
extern const MemOps i8042_cmd_ops;  /* port 0x64; opaque is the I8042 */

/*
 * A key from the host keyboard, as its scancode set 2 bytes (make: "1C";
 * break: "F0 1C"; extended: "E0 75", "E0 F0 75"). Dropped while the
 * keyboard does not scan; sent as set 1 if the guest chose set 1 (set 3 is
 * not supported: set 2 is sent). The controller translates if XLATE is set.
 * A full buffer drops the key and reports an overrun, as keyboards do.
 */
void i8042_key_event(I8042 *k, const uint8_t *set2, size_t len);
/* Mouse motion (dy > 0 is up) and the buttons now held (PS2_MOUSE_*). */
void i8042_mouse_event(I8042 *k, int dx, int dy, unsigned buttons);

/* The i8042's set 2 -> set 1 translation of one byte (F0 is the caller's). */
uint8_t i8042_translate(uint8_t set2);

#endif
