/* The i8042 keyboard controller with its PS/2 keyboard and mouse
 * (hw/i8042.c). The byte sequences marked "QEMU" were read from QEMU 7.2's
 * pc by a bare-metal program doing the same port accesses; where rx86
 * differs on purpose the comment says so (see hw/i8042.h). */
#include "hw/i8042.h"
#include "tests/unit/check.h"

#include <string.h>

static I8042 kbc;

typedef struct Lines {
    int kbd, aux, a20;
    int kbd_edges, aux_edges;
    int resets;
} Lines;

static Lines lines;

static void on_kbd_irq(void *opaque, int n, int level)
{
    if (level && !lines.kbd) {
        lines.kbd_edges++;
    }
    lines.kbd = level;
}

static void on_aux_irq(void *opaque, int n, int level)
{
    if (level && !lines.aux) {
        lines.aux_edges++;
    }
    lines.aux = level;
}

static void on_a20(void *opaque, int n, int level)
{
    lines.a20 = level;
}

static void on_reset(void *opaque)
{
    lines.resets++;
}

static uint8_t status(void)
{
    return (uint8_t)i8042_cmd_ops.read(&kbc, 0, 1);
}

static uint8_t data(void)
{
    return (uint8_t)i8042_data_ops.read(&kbc, 0, 1);
}

static void cmd(uint8_t c)
{
    CHECK_EQ(status() & I8042_STR_IBF, 0); /* input is always taken at once */
    i8042_cmd_ops.write(&kbc, 0, c, 1);
}

static void put(uint8_t d)
{
    i8042_data_ops.write(&kbc, 0, d, 1);
}

/* Read every waiting byte as the oracle program did: status, then data,
 * while OBF. Returns how many; statuses and bytes go to st[] and by[]. */
static size_t drain(uint8_t *st, uint8_t *by, size_t max)
{
    size_t n = 0;
    while ((status() & I8042_STR_OBF) && n < max) {
        st[n] = status();
        by[n] = data();
        n++;
    }
    return n;
}

/* Expect exactly these bytes, each read with this status. */
#define EXPECT(st_want, ...)                                                                       \
    do {                                                                                           \
        static const uint8_t exp_[] = {__VA_ARGS__};                                               \
        uint8_t sts_[40], by_[40];                                                                 \
        size_t n_ = drain(sts_, by_, 40);                                                          \
        CHECK_EQ(n_, sizeof(exp_));                                                                \
        for (size_t i_ = 0; i_ < n_ && i_ < sizeof(exp_); i_++) {                                  \
            CHECK_EQ(by_[i_], exp_[i_]);                                                           \
            CHECK_EQ(sts_[i_], (st_want));                                                         \
        }                                                                                          \
    } while (0)

#define EXPECT_NOTHING() CHECK_EQ(status() & I8042_STR_OBF, 0)

static void fresh(void)
{
    memset(&lines, 0, sizeof(lines));
    i8042_init(&kbc, (IrqLine){on_kbd_irq, NULL, I8042_KBD_IRQ},
               (IrqLine){on_aux_irq, NULL, I8042_AUX_IRQ}, (IrqLine){on_a20, NULL, 0}, on_reset,
               NULL);
}

/* Status values: INH (0x10) always; SYS (0x04) after self-test; CMD (0x08)
 * after a write to 0x64 (QEMU never clears CMD; the 8042 does on a data
 * write); OBF (0x01), AUX_OBF (0x20). */
enum {
    ST_CMD = 0x1d,     /* SYS, last write a command, keyboard byte */
    ST_DATA = 0x15,    /* SYS, last write data, keyboard byte */
    ST_AUX = 0x35,     /* SYS, last write data, mouse byte */
    ST_AUX_CMD = 0x3d, /* SYS, last write a command, mouse byte */
};

static void test_controller(void)
{
    fresh();
    CHECK_EQ(status(), 0x18); /* QEMU: reset status 18 */
    CHECK_EQ(data(), 0x00);   /* QEMU: an empty buffer reads 00 */
    CHECK_EQ(lines.a20, 1);
    cmd(0x20);
    EXPECT(0x19, 0x03); /* QEMU: command byte 03 at reset, SYS clear */
    cmd(0xaa);
    EXPECT(ST_CMD, 0x55); /* QEMU: self-test 55, SYS set */
    CHECK_EQ(status(), 0x1c);
    cmd(0xab);
    EXPECT(ST_CMD, 0x00);
    cmd(0xa9);
    EXPECT(ST_CMD, 0x00);
    cmd(0xc0);
    EXPECT(ST_CMD, 0x80);
    cmd(0xd0);
    EXPECT(ST_CMD, 0xcf); /* QEMU: output port CF */
    /* A20 through 0xDD/0xDF and the output port. */
    cmd(0xdd);
    CHECK_EQ(lines.a20, 0);
    cmd(0xd0);
    EXPECT(ST_CMD, 0xcd);
    cmd(0xdf);
    CHECK_EQ(lines.a20, 1);
    cmd(0xd0);
    EXPECT(ST_CMD, 0xcf);
    cmd(0xd1);
    put(0xdd);
    CHECK_EQ(lines.a20, 0);
    CHECK_EQ(lines.resets, 0);
    cmd(0xd0);
    EXPECT(ST_CMD, 0xcd); /* QEMU returns DD: the OBF bits as written */
    cmd(0xd1);
    put(0xdf);
    CHECK_EQ(lines.a20, 1);
    /* 0xD2/0xD3: the byte comes back as keyboard or mouse data. */
    cmd(0xd2);
    put(0x5a);
    CHECK_EQ(lines.kbd, 1);
    EXPECT(ST_DATA, 0x5a);
    CHECK_EQ(lines.kbd, 0);
    cmd(0xd3);
    put(0x5b);
    CHECK_EQ(lines.aux, 1);
    EXPECT(ST_AUX, 0x5b);
    CHECK_EQ(lines.aux, 0);
    /* Commands this controller does not have are ignored (QEMU: A1). */
    cmd(0xa1);
    EXPECT_NOTHING();
    /* Controller RAM: 0x20-0x3F read, 0x60-0x7F write. */
    cmd(0x61);
    put(0x99);
    cmd(0x21);
    EXPECT(ST_CMD, 0x99);
    /* The command byte, and SYS following its bit 2 (QEMU keeps SYS). */
    cmd(0x60);
    put(0x47);
    CHECK_EQ(status() & I8042_STR_CMD, 0);
    cmd(0x20);
    EXPECT(ST_CMD, 0x47);
    cmd(0x60);
    put(0x03);
    CHECK_EQ(status(), 0x10);
    cmd(0xaa);
    EXPECT(ST_CMD, 0x55);
    cmd(0xa7);
    cmd(0x20);
    EXPECT(ST_CMD, 0x23); /* QEMU: 23 after A7 */
    cmd(0xa8);
    cmd(0xad);
    cmd(0x20);
    EXPECT(ST_CMD, 0x13); /* QEMU: 13 after AD */
    cmd(0xae);
    cmd(0x20);
    EXPECT(ST_CMD, 0x03);
}

static void test_reset_lines(void)
{
    fresh();
    cmd(0xff); /* pulse nothing */
    cmd(0xf1); /* pulse bits 3:1, not bit 0 */
    CHECK_EQ(lines.resets, 0);
    cmd(0xfe); /* pulse bit 0: CPU reset (Linux reboot=k) */
    CHECK_EQ(lines.resets, 1);
    cmd(0xf0);
    CHECK_EQ(lines.resets, 2);
    cmd(0xd1);
    put(0x03);
    CHECK_EQ(lines.resets, 2);
    cmd(0xd1);
    put(0x02); /* bit 0 low */
    CHECK_EQ(lines.resets, 3);
    CHECK_EQ(lines.a20, 1);
    cmd(0xd1);
    put(0x00);
    CHECK_EQ(lines.resets, 4);
    CHECK_EQ(lines.a20, 0);
    i8042_reset(&kbc);
    CHECK_EQ(lines.a20, 1);
    cmd(0xd0);
    EXPECT(0x19, 0xcf);
}

static void test_keyboard(void)
{
    fresh();
    cmd(0xaa);
    EXPECT(ST_CMD, 0x55);
    put(0xee);
    CHECK_EQ(status() & I8042_STR_CMD, 0); /* QEMU leaves CMD set */
    EXPECT(ST_DATA, 0xee);
    put(0xff);
    EXPECT(ST_DATA, 0xfa, 0xaa); /* QEMU */
    put(0xf2);
    EXPECT(ST_DATA, 0xfa, 0xab, 0x83); /* QEMU */
    put(0xed);
    EXPECT(ST_DATA, 0xfa);
    put(0x07);
    EXPECT(ST_DATA, 0xfa);
    CHECK_EQ(kbc.kbd.leds, 7);
    put(0xf0);
    EXPECT(ST_DATA, 0xfa);
    put(0x00);
    EXPECT(ST_DATA, 0xfa, 0x02); /* QEMU: scancode set 2 */
    /* QEMU's keyboard drops an unread reply when the next byte comes, so
     * it shows one FA for F0 01; the 8042 had already taken the first. */
    put(0xf0);
    put(0x01);
    EXPECT(ST_DATA, 0xfa, 0xfa);
    put(0xf0);
    put(0x00);
    EXPECT(ST_DATA, 0xfa, 0xfa, 0x01);
    put(0xf0);
    put(0x04); /* no set 4 */
    EXPECT(ST_DATA, 0xfa, 0xfe);
    put(0xf0);
    put(0x02);
    EXPECT(ST_DATA, 0xfa, 0xfa);
    put(0xf3);
    put(0x20);
    EXPECT(ST_DATA, 0xfa, 0xfa);
    CHECK_EQ(kbc.kbd.typematic, 0x20);
    put(0xf5);
    EXPECT(ST_DATA, 0xfa);
    CHECK(!kbc.kbd.scanning);
    put(0xf4);
    EXPECT(ST_DATA, 0xfa);
    CHECK(kbc.kbd.scanning);
    put(0x12);
    EXPECT(ST_DATA, 0xfe); /* QEMU: unknown command, resend */
    put(0xfe);
    EXPECT(ST_DATA, 0xfe); /* resend repeats the last byte */
    put(0xf6);
    EXPECT(ST_DATA, 0xfa);
    put(0xfa); /* set 3 key types: acknowledged */
    EXPECT(ST_DATA, 0xfa);

    /* Translated (command byte 0x47, as SeaBIOS and the AT BIOS set). */
    cmd(0x60);
    put(0x47);
    put(0xf2);
    EXPECT(ST_DATA, 0xfa, 0xab, 0x41); /* QEMU: AB 41 */
    put(0xff);
    EXPECT(ST_DATA, 0xfa, 0xaa);
    put(0xee);
    EXPECT(ST_DATA, 0xee);
    put(0xf0);
    EXPECT(ST_DATA, 0xfa);
    put(0x00);
    EXPECT(ST_DATA, 0xfa, 0x41); /* QEMU: 02 translated */

    /* A controller reply overtakes keyboard bytes still queued (QEMU). */
    cmd(0x60);
    put(0x07);
    put(0xf2);
    cmd(0x20);
    EXPECT(ST_CMD, 0xfa, 0x07, 0xab, 0x83);
    /* While the keyboard interface is disabled its bytes wait (QEMU). */
    put(0xf2);
    cmd(0xad);
    EXPECT(ST_CMD, 0xfa);
    cmd(0xae);
    EXPECT(ST_CMD, 0xab, 0x83);
    /* A byte for the keyboard enables its interface again (QEMU). */
    cmd(0xad);
    put(0xee);
    EXPECT(ST_DATA, 0xee);
    cmd(0x20);
    EXPECT(ST_CMD, 0x07);
}

static void test_irqs(void)
{
    fresh();
    /* KBD_INT set at reset: each byte raises IRQ 1; reading drops it; the
     * next byte raises it again (an edge per byte for the PIC). */
    put(0xf2);
    CHECK_EQ(lines.kbd, 1);
    CHECK_EQ(lines.kbd_edges, 1);
    CHECK_EQ(data(), 0xfa);
    CHECK_EQ(lines.kbd, 1);
    CHECK_EQ(lines.kbd_edges, 2);
    CHECK_EQ(data(), 0xab);
    CHECK_EQ(lines.kbd_edges, 3);
    CHECK_EQ(data(), 0x83);
    CHECK_EQ(lines.kbd, 0);
    CHECK_EQ(data(), 0x83); /* empty: the last byte again, no IRQ */
    CHECK_EQ(lines.kbd_edges, 3);
    CHECK_EQ(lines.aux_edges, 0);
    /* KBD_INT clear: OBF without IRQ 1; setting it raises the line. */
    cmd(0x60);
    put(0x00);
    put(0xee);
    CHECK_EQ(status() & I8042_STR_OBF, 1);
    CHECK_EQ(lines.kbd, 0);
    cmd(0x60);
    CHECK_EQ(lines.kbd, 0);
    put(0x01);
    CHECK_EQ(lines.kbd, 1);
    CHECK_EQ(data(), 0xee);
    CHECK_EQ(lines.kbd, 0);
    /* Mouse bytes raise IRQ 12 with AUX_INT, never IRQ 1. */
    cmd(0x60);
    put(0x03);
    int kbd_edges = lines.kbd_edges;
    cmd(0xd4);
    put(0xf2);
    CHECK_EQ(lines.aux, 1);
    CHECK_EQ(status(), 0x31);
    CHECK_EQ(data(), 0xfa);
    CHECK_EQ(lines.aux_edges, 2);
    CHECK_EQ(data(), 0x00);
    CHECK_EQ(lines.aux, 0);
    CHECK_EQ(lines.kbd_edges, kbd_edges);
    /* Both waiting: the keyboard's first, then the mouse's (QEMU). */
    put(0xee);
    cmd(0xd4);
    put(0xf2);
    CHECK_EQ(lines.kbd, 1);
    CHECK_EQ(data(), 0xee);
    CHECK_EQ(lines.kbd, 0);
    CHECK_EQ(lines.aux, 1);
    CHECK_EQ(data(), 0xfa);
    CHECK_EQ(data(), 0x00);
    CHECK_EQ(lines.aux, 0);
    /* Reset drops whatever waited, and the lines. */
    put(0xf2);
    CHECK_EQ(lines.kbd, 1);
    i8042_reset(&kbc);
    CHECK_EQ(lines.kbd, 0);
    EXPECT_NOTHING();
}

static void test_mouse(void)
{
    fresh();
    cmd(0xaa);
    EXPECT(ST_CMD, 0x55);
    cmd(0xa8);
    cmd(0xd4);
    put(0xff);
    EXPECT(ST_AUX, 0xfa, 0xaa, 0x00); /* QEMU */
    cmd(0xd4);
    put(0xf2);
    EXPECT(ST_AUX, 0xfa, 0x00); /* QEMU: standard mouse */
    cmd(0xd4);
    put(0xe9);
    EXPECT(ST_AUX, 0xfa, 0x00, 0x02, 0x64); /* QEMU: disabled, 4/mm, 100/s */
    cmd(0xd4);
    put(0xf3);
    EXPECT(ST_AUX, 0xfa);
    cmd(0xd4);
    put(200);
    EXPECT(ST_AUX, 0xfa);
    cmd(0xd4);
    put(0xe8);
    cmd(0xd4);
    put(0x03);
    EXPECT(ST_AUX, 0xfa, 0xfa); /* QEMU */
    cmd(0xd4);
    put(0xf4);
    EXPECT(ST_AUX, 0xfa);
    cmd(0xd4);
    put(0xe9);
    EXPECT(ST_AUX, 0xfa, 0x20, 0x03, 0xc8); /* QEMU: enabled, res 3, 200/s */
    cmd(0xd4);
    put(0xe6);
    EXPECT(ST_AUX, 0xfa);
    cmd(0xd4);
    put(0x12);
    EXPECT(ST_AUX, 0xfe); /* QEMU says nothing; PS/2 devices resend */

    /* Stream mode, enabled: a movement packet. Left button, dx 5, dy -3:
     * sync bit 3, Y sign. */
    i8042_mouse_event(&kbc, 5, -3, PS2_MOUSE_LEFT);
    CHECK_EQ(lines.aux, 1);
    EXPECT(ST_AUX, 0x29, 0x05, 0xfd);
    /* Saturation sets the overflow bits. */
    i8042_mouse_event(&kbc, 300, -400, PS2_MOUSE_RIGHT | PS2_MOUSE_MIDDLE);
    EXPECT(ST_AUX, 0x08 | 0x06 | 0x20 | 0x40 | 0x80, 0xff, 0x00);
    i8042_mouse_event(&kbc, -300, 0, 0);
    EXPECT(ST_AUX, 0x08 | 0x10 | 0x40, 0x00, 0x00);
    /* Scaling 2:1: 1 1 3 6 9, then doubled. */
    cmd(0xd4);
    put(0xe7);
    EXPECT(ST_AUX, 0xfa);
    i8042_mouse_event(&kbc, 4, 2, 0);
    EXPECT(ST_AUX, 0x08, 0x06, 0x01);
    i8042_mouse_event(&kbc, -5, 10, 0);
    EXPECT(ST_AUX, 0x18, 0xf7, 0x14);
    cmd(0xd4);
    put(0xe9);
    EXPECT(ST_AUX, 0xfa, 0x30, 0x03, 0xc8);
    cmd(0xd4);
    put(0xe6);
    EXPECT(ST_AUX, 0xfa);
    /* Remote mode: movement accumulates until Read Data (EB). */
    cmd(0xd4);
    put(0xf0);
    EXPECT(ST_AUX, 0xfa);
    i8042_mouse_event(&kbc, 3, 1, 0);
    i8042_mouse_event(&kbc, 4, 1, PS2_MOUSE_LEFT);
    EXPECT_NOTHING();
    cmd(0xd4);
    put(0xeb);
    EXPECT(ST_AUX, 0xfa, 0x09, 0x07, 0x02);
    cmd(0xd4);
    put(0xe9);
    EXPECT(ST_AUX, 0xfa, 0x64, 0x03, 0xc8); /* remote, enabled, left held */
    cmd(0xd4);
    put(0xea);
    EXPECT(ST_AUX, 0xfa);
    /* Disabled: no packets. */
    cmd(0xd4);
    put(0xf5);
    EXPECT(ST_AUX, 0xfa);
    i8042_mouse_event(&kbc, 1, 1, 0);
    EXPECT_NOTHING();
    /* Wrap mode echoes until EC. */
    cmd(0xd4);
    put(0xee);
    EXPECT(ST_AUX, 0xfa);
    cmd(0xd4);
    put(0x42);
    EXPECT(ST_AUX, 0x42);
    cmd(0xd4);
    put(0xec);
    EXPECT(ST_AUX, 0xfa);
    /* Mouse bytes wait while the aux interface is disabled; 0xD4 enables
     * it again (QEMU). */
    cmd(0xd4);
    put(0xf2);
    cmd(0xa7);
    EXPECT(ST_AUX_CMD, 0xfa);
    cmd(0xa8);
    EXPECT(ST_AUX_CMD, 0x00);
    cmd(0xa7);
    cmd(0xd4);
    put(0xf2);
    EXPECT(ST_AUX, 0xfa, 0x00);
    cmd(0x20);
    EXPECT(ST_CMD, 0x03);
}

/* Set 2 -> set 1 for keys every keyboard document lists. (The whole
 * table was also checked against the inverse table of Linux's atkbd.) */
static void test_translation_table(void)
{
    static const uint8_t pairs[][2] = {
        {0x1c, 0x1e}, /* A */ {0x1a, 0x2c},      /* Z */ {0x76, 0x01},     /* Esc */
        {0x5a, 0x1c}, /* Enter */ {0x29, 0x39},  /* Space */ {0x05, 0x3b}, /* F1 */
        {0x06, 0x3c}, /* F2 */ {0x04, 0x3d},     /* F3 */ {0x0c, 0x3e},    /* F4 */
        {0x03, 0x3f}, /* F5 */ {0x0b, 0x40},     /* F6 */ {0x83, 0x41},    /* F7 */
        {0x0a, 0x42}, /* F8 */ {0x01, 0x43},     /* F9 */ {0x09, 0x44},    /* F10 */
        {0x78, 0x57}, /* F11 */ {0x07, 0x58},    /* F12 */ {0x12, 0x2a},   /* LShift */
        {0x59, 0x36}, /* RShift */ {0x14, 0x1d}, /* Ctrl */ {0x11, 0x38},  /* Alt */
        {0x66, 0x0e}, /* Bksp */ {0x0d, 0x0f},   /* Tab */ {0x58, 0x3a},   /* Caps */
        {0x77, 0x45}, /* NumLk */ {0x7e, 0x46},  /* ScrLk */ {0x6c, 0x47}, /* KP7 */
        {0x7c, 0x37}, /* KP* */ {0x16, 0x02},    /* 1 */ {0x45, 0x0b},     /* 0 */
        {0x4e, 0x0c}, /* - */ {0x55, 0x0d},      /* = */ {0x5d, 0x2b},     /* \ */
        {0x4c, 0x27}, /* ; */ {0x4a, 0x35},      /* / */ {0x0e, 0x29},     /* ` */
        {0x61, 0x56}, /* 102nd */ {0x84, 0x54},  /* SysRq */ {0xe0, 0xe0}, {0xfa, 0xfa},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        CHECK_EQ(i8042_translate(pairs[i][0]), pairs[i][1]);
    }
    /* Every set 1 code 0x01-0x58 comes from exactly one set 2 code. */
    int hits[0x59] = {0};
    for (unsigned c = 0; c < 0x100; c++) {
        uint8_t t = i8042_translate((uint8_t)c);
        if (t >= 1 && t <= 0x58 && c != 0x02 && c != 0x7f) {
            hits[t]++;
        }
    }
    for (unsigned t = 1; t <= 0x58; t++) {
        if (t != 0x54 && t != 0x41) {
            CHECK_EQ(hits[t], 1);
        }
    }
}

static void test_key_events(void)
{
    fresh();
    /* Untranslated (the reset command byte): set 2 bytes as they come. */
    static const uint8_t a_make[] = {0x1c}, a_break[] = {0xf0, 0x1c};
    static const uint8_t up_make[] = {0xe0, 0x75}, up_break[] = {0xe0, 0xf0, 0x75};
    static const uint8_t pause[] = {0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77};
    i8042_key_event(&kbc, a_make, 1);
    CHECK_EQ(lines.kbd, 1);
    EXPECT(0x19, 0x1c);
    i8042_key_event(&kbc, a_break, 2);
    EXPECT(0x19, 0xf0, 0x1c);
    /* Translated: set 1 with break codes | 0x80, prefixes kept. */
    cmd(0x60);
    put(0x43);
    i8042_key_event(&kbc, a_make, 1);
    i8042_key_event(&kbc, a_break, 2);
    i8042_key_event(&kbc, up_make, 2);
    i8042_key_event(&kbc, up_break, 3);
    EXPECT(0x11, 0x1e, 0x9e, 0xe0, 0x48, 0xe0, 0xc8);
    i8042_key_event(&kbc, pause, sizeof(pause));
    EXPECT(0x11, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);
    /* The keyboard in set 1 without translation sends set 1 itself. */
    cmd(0x60);
    put(0x03);
    put(0xf0);
    put(0x01);
    EXPECT(0x11, 0xfa, 0xfa);
    i8042_key_event(&kbc, up_break, 3);
    EXPECT(0x11, 0xe0, 0xc8);
    put(0xf0);
    put(0x02);
    EXPECT(0x11, 0xfa, 0xfa);
    /* Not scanning (F5): keys are dropped until F4. */
    put(0xf5);
    EXPECT(0x11, 0xfa);
    i8042_key_event(&kbc, a_make, 1);
    EXPECT_NOTHING();
    put(0xf4);
    EXPECT(0x11, 0xfa);
    /* A full keyboard buffer: one overrun code (set 2: 00), then drops. */
    for (int i = 0; i < PS2_QUEUE_SIZE; i++) {
        i8042_key_event(&kbc, a_make, 1);
    }
    uint8_t st[40], by[40];
    size_t n = drain(st, by, 40);
    /* The output buffer, the queue less the headroom and one slot, overrun. */
    CHECK_EQ(n, 1 + (PS2_QUEUE_SIZE - 4 - 1) + 1);
    CHECK_EQ(by[0], 0x1c);
    CHECK_EQ(by[n - 2], 0x1c);
    CHECK_EQ(by[n - 1], 0x00);
    /* Command replies still fit after keys filled the queue. */
    for (int i = 0; i < PS2_QUEUE_SIZE; i++) {
        i8042_key_event(&kbc, a_make, 1);
    }
    put(0xf2);
    n = drain(st, by, 40);
    CHECK_EQ(by[n - 3], 0xfa);
    CHECK_EQ(by[n - 2], 0xab);
    CHECK_EQ(by[n - 1], 0x83);
}

int main(void)
{
    test_controller();
    test_reset_lines();
    test_keyboard();
    test_irqs();
    test_mouse();
    test_translation_table();
    test_key_events();
    return check_report("i8042");
}
