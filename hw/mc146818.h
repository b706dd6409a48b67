/*
 * The PC's real-time clock and CMOS RAM: a Motorola MC146818A behind ports
 * 0x70 (index; bit 7 masks NMI) and 0x71 (data), its interrupt on ISA IRQ 8.
 *
 * Time: the clock runs on the board's HwClock (the virtual clock) and takes
 * its date from the host once, at rtc_init: the caller passes the host's
 * wall clock (system/timer.h, TIMER_CLOCK_REALTIME) read at that moment, in
 * UTC, as QEMU's default "-rtc base=utc". From then on the date follows the
 * virtual clock, as QEMU's "-rtc clock=vm" does, so the RTC, the PIT and the
 * HPET never disagree about how much time went by. Guest writes to the time
 * registers move the date and keep the divider's phase.
 */
#ifndef RX86_HW_MC146818_H
#define RX86_HW_MC146818_H

#include "hw/hw.h"

#include <stdbool.h>
#include <stdint.h>

#define RTC_CMOS_SIZE 128
#define RTC_ISA_IRQ 8
#define RTC_PORT_BASE 0x70 /* index at 0x70, data at 0x71 */

/* The clock's registers and the time bytes QEMU's "pc" keeps with them
 * (MC146818A datasheet, "Address Map"; the century byte is the PC's). */
enum {
    RTC_SECONDS = 0x00,
    RTC_SECONDS_ALARM = 0x01,
    RTC_MINUTES = 0x02,
    RTC_MINUTES_ALARM = 0x03,
    RTC_HOURS = 0x04,
    RTC_HOURS_ALARM = 0x05,
    RTC_DAY_OF_WEEK = 0x06, /* 1 = Sunday */
    RTC_DAY_OF_MONTH = 0x07,
    RTC_MONTH = 0x08,
    RTC_YEAR = 0x09,
    RTC_REG_A = 0x0a,
    RTC_REG_B = 0x0b,
    RTC_REG_C = 0x0c,
    RTC_REG_D = 0x0d,
    RTC_SHUTDOWN_STATUS = 0x0f,
    RTC_CENTURY = 0x32,     /* the ACPI FADT's CENTURY field points here */
    RTC_PS2_CENTURY = 0x37, /* IBM PS/2's century byte: an alias of 0x32 */
};

#define RTC_A_UIP 0x80     /* update in progress (read only) */
#define RTC_A_DV_MASK 0x70 /* divider: 000, 001, 010 operate; 11x hold it in reset */
#define RTC_A_RS_MASK 0x0f /* periodic interrupt rate select */
#define RTC_B_SET 0x80     /* stop updates so the time can be set */
#define RTC_B_PIE 0x40     /* periodic interrupt enable */
#define RTC_B_AIE 0x20     /* alarm interrupt enable */
#define RTC_B_UIE 0x10     /* update-ended interrupt enable */
#define RTC_B_SQWE 0x08    /* square-wave output (not wired on a PC) */
#define RTC_B_DM 0x04      /* data mode: 1 binary, 0 BCD */
#define RTC_B_24H 0x02     /* 1: 24-hour mode; 0: 12-hour, bit 7 of the hours = PM */
#define RTC_B_DSE 0x01     /* daylight saving: stored, ignored (as QEMU) */
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10
#define RTC_D_VRT 0x80 /* valid RAM and time: the battery is good */

typedef struct Rtc {
    /* RAM and register images. The time bytes hold the time last computed
     * (or written while updates are stopped); register A never holds UIP;
     * register C holds the flags folded in up to flags_ns. */
    uint8_t cmos[RTC_CMOS_SIZE];
    uint8_t index;   /* port 0x70 bits 6:0 */
    bool nmi_masked; /* port 0x70 bit 7 */

    HwClock clock;
    HwTimer *timer; /* the next event that would raise IRQ 8, if one can */
    IrqLine irq;
    int irq_level;

    /* The divider chain counts 32,768 Hz clocks from div_origin_ns (when it
     * left reset); update cycles end at clock 16,384 + k * 32,768 (the first
     * one half a second after the reset, datasheet "Divider Control"),
     * periodic interrupts come at every multiple of the selected period. */
    int64_t div_origin_ns;
    /* While updating: the date was cal_sec (seconds since 1970-01-01 UTC)
     * at cal_ns, and goes up by one at every update cycle since. */
    int64_t cal_sec;
    int64_t cal_ns;
    int64_t flags_ns; /* PF, AF and UF account for the events up to here */
} Rtc;

/*
 * Power on: registers A-D as a PC BIOS leaves them (A 0x26: 32.768 kHz
 * divider, 1,024 Hz periodic rate; B 0x02: 24-hour BCD, no interrupts),
 * the RAM zeroed, and the date of wall_ns (ns since 1970-01-01 UTC), whose
 * second boundaries the update cycles follow. irq is IRQ 8: it is high
 * while register C's IRQF is set, as the chip's IRQ# pin is asserted, so a
 * rising edge marks each new interrupt and reading register C lowers it.
 * Returns 0 or -ENOMEM (no timer).
 */
int rtc_init(Rtc *rtc, const HwClock *clock, int64_t wall_ns, IrqLine irq)
    __attribute__((warn_unused_result));
void rtc_destroy(Rtc *rtc);

/*
 * The chip's RESET pin (datasheet, "RESET"): PIE, AIE, UIE, SQWE and every
 * flag of register C cleared, IRQ 8 released. The time, the divider, the
 * other bits of register B and the RAM are kept, as is the index register
 * with its NMI mask (they belong to the chipset, not to the clock). QEMU
 * also clears the shutdown status byte 0x0F on a machine reset (unless it
 * holds 0xFE, the S3 resume code); the board does that if it wants it.
 */
void rtc_reset(Rtc *rtc);

/* Port 0x70 bit 7 as last written: NMI is masked. */
bool rtc_nmi_masked(const Rtc *rtc);

/*
 * A CMOS RAM byte as the firmware leaves it (0x0E-0x7F but the century,
 * which belongs to the clock). Returns 0 or -EINVAL.
 */
int rtc_cmos_set(Rtc *rtc, unsigned index, uint8_t value) __attribute__((warn_unused_result));
/* The stored byte at index (0-127), with no side effect: time bytes as last
 * computed, register C without folding in new events. */
uint8_t rtc_cmos_get(const Rtc *rtc, unsigned index);

/* The clock's date now, in seconds since 1970-01-01 UTC (while the guest
 * has updates stopped: the date in the time registers). */
int64_t rtc_time(Rtc *rtc);

/*
 * What QEMU 7.2's "pc" machine stores in CMOS RAM (hw/i386/pc.c,
 * pc_cmos_init; hw/i386/x86.c, the CPU count): memory sizes, boot order,
 * equipment byte. No floppy or IDE disk bytes: the board has none yet.
 */
typedef struct RtcPcInfo {
    uint64_t ram_below_4g;  /* bytes */
    uint64_t ram_above_4g;  /* bytes */
    unsigned cpus;          /* at boot */
    const char *boot_order; /* up to 3 of a, b (floppy), c (disk), d (CD), n (net); NULL: "cad" */
} RtcPcInfo;

/* Returns 0, or -EINVAL for a bad boot order or CPU count (nothing stored). */
int rtc_cmos_init_pc(Rtc *rtc, const RtcPcInfo *info) __attribute__((warn_unused_result));

extern const MemOps rtc_ops; /* 2 ports (index, data); opaque is the Rtc */

#endif
