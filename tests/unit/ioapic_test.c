/* The I/O APIC (Intel 82093AA datasheet; QEMU's version 20h): the RESET
 * state, IOREGSEL/IOWIN and the EOI register, redirection entries (read-only
 * bits, reserved bits, masks), edge and level triggering with Remote IRR
 * and EOI, polarity, the message fields; then the board's routing: ISA IRQs
 * to the PIC and IOAPIC pins (IRQ 0 on pin 2), GSIs, the IOAPIC's messages
 * reaching the local APIC and its EOI broadcast coming back. */
#include "hw/ioapic.h"
#include "hw/lapic.h"
#include "tests/unit/check.h"
#include "tests/unit/sim_clock.h"

#include <errno.h>
#include <string.h>

/* ---- an IOAPIC alone, its messages recorded ---- */

static Ioapic io;
static ApicMsg sent[64];
static int nsent;

static void record(void *opaque, const ApicMsg *msg)
{
    if (nsent < 64) {
        sent[nsent] = *msg;
    }
    nsent++;
}

static void setup(void)
{
    ioapic_init(&io, record, NULL);
    nsent = 0;
}

static uint32_t rd(uint8_t reg)
{
    ioapic_ops.write(&io, 0x00, reg, 4);
    return (uint32_t)ioapic_ops.read(&io, 0x10, 4);
}

static void wr(uint8_t reg, uint32_t v)
{
    ioapic_ops.write(&io, 0x00, reg, 4);
    ioapic_ops.write(&io, 0x10, v, 4);
}

static void set_entry(unsigned pin, uint64_t e)
{
    wr((uint8_t)(0x10 + 2 * pin + 1), (uint32_t)(e >> 32));
    wr((uint8_t)(0x10 + 2 * pin), (uint32_t)e);
}

static uint64_t entry(unsigned pin)
{
    return (uint64_t)rd((uint8_t)(0x11 + 2 * pin)) << 32 | rd((uint8_t)(0x10 + 2 * pin));
}

static void test_registers(void)
{
    setup();
    CHECK_EQ(rd(0x00), 0);
    CHECK_EQ(rd(0x01), 0x00170020); /* 24 entries, version 20h */
    CHECK_EQ(rd(0x02), 0);
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
        CHECK_EQ(entry(pin), IOREDTBL_MASKED);
    }
    CHECK_EQ(rd(0x40), 0); /* beyond the table */
    /* IOREGSEL reads back; 8 bits. */
    ioapic_ops.write(&io, 0x00, 0x1234, 4);
    CHECK_EQ(ioapic_ops.read(&io, 0x00, 4), 0x34);
    /* ID: bits 27:24; the arbitration register reads the same. */
    wr(0x00, 0xffffffff);
    CHECK_EQ(rd(0x00), 0x0f000000);
    CHECK_EQ(rd(0x02), 0x0f000000);
    wr(0x01, 0);
    CHECK_EQ(rd(0x01), 0x00170020);
    wr(0x02, 0);
    CHECK_EQ(rd(0x02), 0x0f000000);
    /* An entry: delivery status and Remote IRR are read-only, the rest
     * (reserved bits too, as QEMU) kept. */
    set_entry(5, 0xff00ffffffffffffull);
    CHECK_EQ(entry(5), 0xff00ffffffffafffull);
    /* IOWIN takes 32-bit accesses only. */
    ioapic_ops.write(&io, 0x00, 0x1a, 4);
    ioapic_ops.write(&io, 0x10, 0x55, 1);
    CHECK_EQ(entry(5), 0xff00ffffffffafffull);
    ioapic_ops.write(&io, 0x00, 0x1a, 4);
    CHECK_EQ(ioapic_ops.read(&io, 0x10, 2), 0);
    /* The window decodes address bits 7:0. */
    ioapic_ops.write(&io, 0x100, 0x01, 4);
    CHECK_EQ(ioapic_ops.read(&io, 0x110, 4), 0x00170020);
    /* RESET. */
    ioapic_reset(&io);
    CHECK_EQ(rd(0x00), 0);
    CHECK_EQ(entry(5), IOREDTBL_MASKED);
}

static void test_edge(void)
{
    setup();
    set_entry(3, 0x0300000000000000ull | 0x800 | APIC_DM_LOWEST << 8 | 0x33);
    CHECK(ioapic_set_irq(&io, 3, 1));
    CHECK_EQ(nsent, 1);
    CHECK_EQ(sent[0].vector, 0x33);
    CHECK_EQ(sent[0].mode, APIC_DM_LOWEST);
    CHECK(sent[0].logical);
    CHECK(!sent[0].level);
    CHECK_EQ(sent[0].dest, 3);
    /* Held high: no more; another edge: another message. */
    CHECK(!ioapic_set_irq(&io, 3, 1));
    CHECK(!ioapic_set_irq(&io, 3, 0));
    CHECK(ioapic_set_irq(&io, 3, 1));
    CHECK_EQ(nsent, 2);
    CHECK_EQ(entry(3) & IOREDTBL_REMOTE_IRR, 0);
    /* An edge on a masked pin is lost, not held for the unmask. */
    ioapic_set_irq(&io, 3, 0);
    set_entry(3, IOREDTBL_MASKED | 0x33);
    CHECK(!ioapic_set_irq(&io, 3, 1));
    set_entry(3, 0x33);
    CHECK_EQ(nsent, 2);
    /* Reserved delivery modes send nothing. */
    ioapic_set_irq(&io, 3, 0);
    set_entry(3, 3u << 8 | 0x33);
    CHECK(!ioapic_set_irq(&io, 3, 1));
    ioapic_set_irq(&io, 3, 0);
    set_entry(3, APIC_DM_STARTUP << 8 | 0x33);
    CHECK(!ioapic_set_irq(&io, 3, 1));
    CHECK_EQ(nsent, 2);
    /* NMI and ExtINT pass their mode on. */
    ioapic_set_irq(&io, 3, 0);
    set_entry(3, APIC_DM_NMI << 8);
    ioapic_set_irq(&io, 3, 1);
    CHECK_EQ(sent[2].mode, APIC_DM_NMI);
    ioapic_set_irq(&io, 3, 0);
    set_entry(3, APIC_DM_EXTINT << 8);
    ioapic_set_irq(&io, 3, 1);
    CHECK_EQ(sent[3].mode, APIC_DM_EXTINT);
    /* Beyond the pins: nothing. */
    CHECK(!ioapic_set_irq(&io, 24, 1));
    CHECK_EQ(nsent, 4);
}

static void test_level(void)
{
    setup();
    set_entry(9, IOREDTBL_LEVEL | 0x49);
    CHECK(ioapic_set_irq(&io, 9, 1));
    CHECK_EQ(nsent, 1);
    CHECK(sent[0].level);
    CHECK(entry(9) & IOREDTBL_REMOTE_IRR);
    /* No more while Remote IRR is set, however the line moves. */
    CHECK(!ioapic_set_irq(&io, 9, 0));
    CHECK(!ioapic_set_irq(&io, 9, 1));
    CHECK_EQ(nsent, 1);
    /* An EOI for another vector does nothing; for 49h, still asserted:
     * again. */
    ioapic_eoi(&io, 0x48);
    CHECK_EQ(nsent, 1);
    ioapic_eoi(&io, 0x49);
    CHECK_EQ(nsent, 2);
    CHECK(entry(9) & IOREDTBL_REMOTE_IRR);
    /* Deasserted, then the EOI: Remote IRR clear, quiet. */
    ioapic_set_irq(&io, 9, 0);
    ioapic_eoi(&io, 0x49);
    CHECK_EQ(nsent, 2);
    CHECK_EQ(entry(9) & IOREDTBL_REMOTE_IRR, 0);
    /* The EOI register (version 20h), 32-bit writes only. */
    ioapic_set_irq(&io, 9, 1);
    CHECK_EQ(nsent, 3);
    ioapic_ops.write(&io, 0x40, 0x49, 1);
    CHECK(entry(9) & IOREDTBL_REMOTE_IRR);
    ioapic_set_irq(&io, 9, 0);
    ioapic_ops.write(&io, 0x40, 0x49, 4);
    CHECK_EQ(entry(9) & IOREDTBL_REMOTE_IRR, 0);
    CHECK_EQ(nsent, 3);
    /* Masked while asserted: nothing until unmasked, then at once. */
    set_entry(9, IOREDTBL_MASKED | IOREDTBL_LEVEL | 0x49);
    ioapic_set_irq(&io, 9, 1);
    CHECK_EQ(nsent, 3);
    set_entry(9, IOREDTBL_LEVEL | 0x49);
    CHECK_EQ(nsent, 4);
    CHECK(entry(9) & IOREDTBL_REMOTE_IRR);
    /* Rewriting a level entry keeps Remote IRR; an edge entry drops it. */
    set_entry(9, IOREDTBL_LEVEL | 0x4a);
    CHECK(entry(9) & IOREDTBL_REMOTE_IRR);
    CHECK_EQ(nsent, 4);
    set_entry(9, 0x4a);
    CHECK_EQ(entry(9) & IOREDTBL_REMOTE_IRR, 0);
}

static void test_polarity(void)
{
    setup();
    /* Active low, edge: the falling wire is the asserting edge. */
    set_entry(4, IOREDTBL_POLARITY_LOW | 0x44);
    ioapic_set_irq(&io, 4, 1);
    CHECK_EQ(nsent, 0);
    ioapic_set_irq(&io, 4, 0);
    CHECK_EQ(nsent, 1);
    /* Active low, level: a low wire interrupts, a high one does not. */
    set_entry(5, IOREDTBL_MASKED | IOREDTBL_POLARITY_LOW | IOREDTBL_LEVEL | 0x45);
    ioapic_set_irq(&io, 5, 1);
    set_entry(5, IOREDTBL_POLARITY_LOW | IOREDTBL_LEVEL | 0x45);
    CHECK_EQ(nsent, 1);
    ioapic_set_irq(&io, 5, 0);
    CHECK_EQ(nsent, 2);
    CHECK_EQ(sent[1].vector, 0x45);
    ioapic_set_irq(&io, 5, 1);
    ioapic_eoi(&io, 0x45);
    CHECK_EQ(nsent, 2);
    /* Flipping the polarity of a pin whose wire is low asserts it. */
    set_entry(6, IOREDTBL_LEVEL | 0x46);
    CHECK_EQ(nsent, 2);
    set_entry(6, IOREDTBL_POLARITY_LOW | IOREDTBL_LEVEL | 0x46);
    CHECK_EQ(nsent, 3);
}

/* ---- the board: ISA IRQs, GSIs, the APIC bus ---- */

static int cpu_intr;

static void intr_out(void *opaque, int n, int level)
{
    cpu_intr = level;
}

static uint32_t mem32(PcMachine *pc, uint64_t addr)
{
    uint32_t v = 0;
    pc_mmio_read(pc, addr, &v, 4);
    return v;
}

static void set_mem32(PcMachine *pc, uint64_t addr, uint32_t v)
{
    pc_mmio_write(pc, addr, &v, 4);
}

static void board_entry(PcMachine *pc, unsigned pin, uint32_t lo)
{
    set_mem32(pc, 0xfec00000, 0x10 + 2 * pin);
    set_mem32(pc, 0xfec00010, lo);
}

static void test_board(void)
{
    PcMachine pc;
    sim_reset(1000); /* the clock stands still: the test runs no timer */
    CHECK(pc_init(&pc, 16u << 20) == 0);
    /* The IOAPIC is there without a local APIC; IRQ 0 reaches pin 2. */
    CHECK_EQ(mem32(&pc, 0xfee00030), 0xffffffff); /* no local APIC yet */
    set_mem32(&pc, 0xfec00000, 0x01);
    CHECK_EQ(mem32(&pc, 0xfec00010), 0x00170020);
    CHECK(pc_add_lapic(&pc, &sim_clock) == 0);
    CHECK(pc_add_lapic(&pc, &sim_clock) == -EBUSY);
    pc_connect_intr(&pc, (IrqLine){intr_out, NULL, 0});
    CHECK_EQ(mem32(&pc, 0xfee00030), 0x00050014);
    set_mem32(&pc, 0xfee000f0, 0x1ff);
    /* PIC masked entirely: only the IOAPIC delivers. */
    pc_port_write(&pc, 0x21, 0xff, 1);
    pc_port_write(&pc, 0xa1, 0xff, 1);
    board_entry(&pc, 2, 0x30);
    IrqLine irq0 = pc_isa_irq(&pc, 0);
    pthread_mutex_lock(&pc.lock);
    irq_set(&irq0, 0);
    irq_set(&irq0, 1);
    pthread_mutex_unlock(&pc.lock);
    CHECK_EQ(cpu_intr, 1);
    CHECK_EQ(pc_intack(&pc), 0x30);
    set_mem32(&pc, 0xfee000b0, 0);
    CHECK_EQ(cpu_intr, 0);
    /* pc_gsi(2) is IRQ 0's line; pc_gsi(4) IRQ 4's; 20 only the IOAPIC. */
    IrqLine gsi2 = pc_gsi(&pc, 2), gsi4 = pc_gsi(&pc, 4), gsi20 = pc_gsi(&pc, 20);
    CHECK(gsi2.handler == irq0.handler && gsi2.n == 0);
    CHECK(gsi4.handler == irq0.handler && gsi4.n == 4);
    CHECK(pc_gsi(&pc, 24).handler == NULL);
    /* A level-triggered PCI-style GSI: Remote IRR until the local APIC's
     * EOI is broadcast; again while still asserted. */
    board_entry(&pc, 20, IOREDTBL_LEVEL | 0x50);
    pthread_mutex_lock(&pc.lock);
    irq_set(&gsi20, 1);
    pthread_mutex_unlock(&pc.lock);
    CHECK_EQ(pc_intack(&pc), 0x50);
    set_mem32(&pc, 0xfec00000, 0x10 + 2 * 20);
    CHECK(mem32(&pc, 0xfec00010) & IOREDTBL_REMOTE_IRR);
    set_mem32(&pc, 0xfee000b0, 0); /* EOI: broadcast, pin 20 again */
    CHECK(mem32(&pc, 0xfec00010) & IOREDTBL_REMOTE_IRR);
    CHECK_EQ(cpu_intr, 1);
    CHECK_EQ(pc_intack(&pc), 0x50);
    pthread_mutex_lock(&pc.lock);
    irq_set(&gsi20, 0);
    pthread_mutex_unlock(&pc.lock);
    set_mem32(&pc, 0xfee000b0, 0);
    CHECK_EQ(mem32(&pc, 0xfec00010) & IOREDTBL_REMOTE_IRR, 0);
    CHECK_EQ(cpu_intr, 0);
    /* The PIC's INTR through LINT0 (ExtINT): IRQ 4 unmasked at the PIC,
     * masked at the IOAPIC. */
    set_mem32(&pc, 0xfee00350, 0x700);
    pc_port_write(&pc, 0x20, 0x11, 1); /* ICW1-4: vectors 20h-27h */
    pc_port_write(&pc, 0x21, 0x20, 1);
    pc_port_write(&pc, 0x21, 0x04, 1);
    pc_port_write(&pc, 0x21, 0x01, 1);
    pc_port_write(&pc, 0x21, 0xef, 1);
    pthread_mutex_lock(&pc.lock);
    irq_set(&gsi4, 1);
    pthread_mutex_unlock(&pc.lock);
    CHECK_EQ(cpu_intr, 1);
    CHECK_EQ(pc_intack(&pc), 0x24);
    pthread_mutex_lock(&pc.lock);
    irq_set(&gsi4, 0);
    pthread_mutex_unlock(&pc.lock);
    pc_port_write(&pc, 0x20, 0x20, 1);
    CHECK_EQ(cpu_intr, 0);
    /* IA32_APIC_BASE moves the page, and EN clear hides it. */
    pc_apic_set_base(&pc, 0xfed00000u | APIC_BASE_EN);
    CHECK_EQ(mem32(&pc, 0xfed00030), 0x00050014);
    CHECK_EQ(mem32(&pc, 0xfee00030), 0xffffffff);
    pc_apic_set_base(&pc, 0xfed00000u);
    CHECK_EQ(mem32(&pc, 0xfed00030), 0xffffffff);
    CHECK_EQ(pc_apic_base(&pc), 0xfed00000u | APIC_BASE_BSP);
    /* A machine reset puts it back, LINT0 masked again. */
    pc_reset(&pc);
    CHECK_EQ(pc_apic_base(&pc), 0xfee00000u | APIC_BASE_EN | APIC_BASE_BSP);
    CHECK_EQ(mem32(&pc, 0xfee00350), LVT_MASKED);
    set_mem32(&pc, 0xfec00000, 0x10 + 2 * 20);
    CHECK_EQ(mem32(&pc, 0xfec00010), IOREDTBL_MASKED);
    /* CR8 and the TPR. */
    pc_apic_set_cr8(&pc, 9);
    CHECK_EQ(mem32(&pc, 0xfee00080), 0x90);
    CHECK_EQ(pc_apic_cr8(&pc), 9);
    pc_destroy(&pc);
}

int main(void)
{
    test_registers();
    test_edge();
    test_level();
    test_polarity();
    test_board();
    return check_report("ioapic");
}
