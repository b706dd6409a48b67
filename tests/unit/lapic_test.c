/* The local APIC on a simulated clock (Intel SDM Vol. 3A chapter 10): the
 * RESET state, register access, priorities (TPR, PPR, APR), acceptance and
 * EOI with ISR nesting, the spurious vector, the ESR and the error
 * interrupt, IPIs on a two-APIC bus (shorthands, physical and logical
 * destinations, lowest priority, NMI and INIT), the timer in one-shot,
 * periodic and TSC-deadline modes with every divide value, LINT0 in ExtINT
 * and fixed level-triggered modes, LINT1 as NMI, global disable, MSIs. */
#include "hw/lapic.h"
#include "tests/unit/check.h"
#include "tests/unit/sim_clock.h"

#include <string.h>

/* ---- two local APICs on a bus, their outputs recorded ---- */

#define NCPU 2

static ApicBus bus;
static Lapic cpu[NCPU];
static int intr_level[NCPU];
static int nmis[NCPU], inits[NCPU];
static int extint_acks;
static int eois[256];

static void intr_out(void *opaque, int n, int level)
{
    intr_level[n] = level;
}

static void nmi_out(void *opaque, int n, int level)
{
    nmis[n] += level;
}

static void init_out(void *opaque, int n, int level)
{
    inits[n] += level;
}

static int pic_ack(void *opaque)
{
    extint_acks++;
    return 0x08; /* the vector a PIC would give for IRQ 0 */
}

static void eoi_out(void *opaque, uint8_t vector)
{
    eois[vector]++;
}

static void setup(void)
{
    sim_reset(1000000);
    memset(&bus, 0, sizeof(bus));
    bus.eoi = eoi_out;
    memset(intr_level, 0, sizeof(intr_level));
    memset(nmis, 0, sizeof(nmis));
    memset(inits, 0, sizeof(inits));
    memset(eois, 0, sizeof(eois));
    extint_acks = 0;
    for (int i = 0; i < NCPU; i++) {
        CHECK(lapic_init(&cpu[i], (uint8_t)i, i == 0, &sim_clock, &bus) == 0);
        cpu[i].intr = (IrqLine){intr_out, NULL, i};
        cpu[i].nmi = (IrqLine){nmi_out, NULL, i};
        cpu[i].init = (IrqLine){init_out, NULL, i};
        cpu[i].extint_ack = pic_ack;
    }
}

static void teardown(void)
{
    for (int i = 0; i < NCPU; i++) {
        lapic_destroy(&cpu[i]);
    }
}

static uint32_t rd(Lapic *l, uint32_t off)
{
    return (uint32_t)lapic_ops.read(l, off, 4);
}

static void wr(Lapic *l, uint32_t off, uint32_t v)
{
    lapic_ops.write(l, off, v, 4);
}

static bool irr_has(Lapic *l, unsigned v)
{
    return (rd(l, 0x200 + (v / 32) * 0x10) >> (v % 32)) & 1;
}

static bool isr_has(Lapic *l, unsigned v)
{
    return (rd(l, 0x100 + (v / 32) * 0x10) >> (v % 32)) & 1;
}

static bool tmr_has(Lapic *l, unsigned v)
{
    return (rd(l, 0x180 + (v / 32) * 0x10) >> (v % 32)) & 1;
}

static void enable(Lapic *l)
{
    wr(l, 0xf0, 0x1ff); /* software enable, spurious vector FFh */
}

static void self_ipi(Lapic *l, uint8_t vector)
{
    wr(l, 0x300, 0x40000 | vector); /* shorthand self, fixed, edge */
}

/* ---- the RESET state and the registers ---- */

static void test_reset_state(void)
{
    setup();
    Lapic *l = &cpu[0];
    CHECK_EQ(l->base, 0xfee00000u | APIC_BASE_EN | APIC_BASE_BSP);
    CHECK_EQ(cpu[1].base, 0xfee00000u | APIC_BASE_EN);
    CHECK_EQ(rd(l, 0x20), 0);
    CHECK_EQ(rd(&cpu[1], 0x20), 0x01000000);
    CHECK_EQ(rd(l, 0x30), 0x00050014);
    CHECK_EQ(rd(l, 0x80), 0);
    CHECK_EQ(rd(l, 0x90), 0);
    CHECK_EQ(rd(l, 0xa0), 0);
    CHECK_EQ(rd(l, 0xd0), 0);
    CHECK_EQ(rd(l, 0xe0), 0xffffffff);
    CHECK_EQ(rd(l, 0xf0), 0xff);
    CHECK_EQ(rd(l, 0x320), LVT_MASKED);
    CHECK_EQ(rd(l, 0x330), LVT_MASKED);
    CHECK_EQ(rd(l, 0x340), LVT_MASKED);
    CHECK_EQ(rd(l, 0x350), LVT_MASKED); /* as QEMU 7.2 shows it, BSP too */
    CHECK_EQ(rd(&cpu[1], 0x350), LVT_MASKED);
    CHECK_EQ(rd(l, 0x360), LVT_MASKED);
    CHECK_EQ(rd(l, 0x370), LVT_MASKED);
    CHECK_EQ(rd(l, 0x380), 0);
    CHECK_EQ(rd(l, 0x390), 0);
    CHECK_EQ(rd(l, 0x3e0), 0);
    CHECK_EQ(rd(l, 0x280), 0);
    for (unsigned i = 0; i < 8; i++) {
        CHECK_EQ(rd(l, 0x100 + i * 0x10) | rd(l, 0x180 + i * 0x10) | rd(l, 0x200 + i * 0x10), 0);
    }
    CHECK_EQ(intr_level[0], 0);
    teardown();
}

static void test_register_access(void)
{
    setup();
    Lapic *l = &cpu[0];
    enable(l);
    /* Narrower than 32 bits: reads 0, writes ignored (as QEMU). */
    CHECK_EQ(lapic_ops.read(l, 0x30, 1), 0);
    CHECK_EQ(lapic_ops.read(l, 0x30, 2), 0);
    lapic_ops.write(l, 0x80, 0x55, 1);
    CHECK_EQ(rd(l, 0x80), 0);
    /* An offset inside a register's 16 bytes reaches the register. */
    CHECK_EQ(rd(l, 0x34), 0x00050014);
    /* ID, LDR, DFR, SVR, TPR: their writable bits. */
    wr(l, 0x20, 0x0512345f);
    CHECK_EQ(rd(l, 0x20), 0x05000000);
    wr(l, 0x20, 0);
    wr(l, 0xd0, 0x81ffffff);
    CHECK_EQ(rd(l, 0xd0), 0x81000000);
    wr(l, 0xe0, 0x0fffffff);
    CHECK_EQ(rd(l, 0xe0), 0x0fffffff);
    wr(l, 0xe0, 0xffffffff);
    wr(l, 0xf0, 0xffffffff);
    CHECK_EQ(rd(l, 0xf0), 0x1ff); /* no focus bit, no EOI-broadcast suppression */
    wr(l, 0x80, 0x1234);
    CHECK_EQ(rd(l, 0x80), 0x34);
    wr(l, 0x80, 0);
    /* Read-only registers ignore writes. */
    wr(l, 0x30, 0);
    CHECK_EQ(rd(l, 0x30), 0x00050014);
    wr(l, 0x390, 5);
    CHECK_EQ(rd(l, 0x390), 0);
    /* LVT: reserved bits, delivery status and remote IRR read 0. */
    wr(l, 0x320, 0xffffffff);
    CHECK_EQ(rd(l, 0x320), 0x000700ff);
    wr(l, 0x330, 0xffffffff);
    CHECK_EQ(rd(l, 0x330), 0x000107ff);
    wr(l, 0x350, 0xffffffff);
    CHECK_EQ(rd(l, 0x350), 0x0001a7ff);
    wr(l, 0x370, 0xffffffff);
    CHECK_EQ(rd(l, 0x370), 0x000100ff);
    /* ICR: delivery status reads 0; high half keeps the destination. */
    wr(l, 0x310, 0xffffffff);
    CHECK_EQ(rd(l, 0x310), 0xff000000);
    wr(l, 0x300, 0x000c5000 | APIC_DM_NMI << 8); /* NMI to all but self */
    CHECK_EQ(rd(l, 0x300), 0x000c4400);
    wr(l, 0x300, 0x00000930); /* logical, lowest priority, vector 30h */
    CHECK_EQ(rd(l, 0x300), 0x00000930);
    /* DCR: bits 0, 1 and 3. */
    wr(l, 0x3e0, 0xffffffff);
    CHECK_EQ(rd(l, 0x3e0), 0xb);
    /* CMCI (2F0h) is beyond the last LVT entry: reserved. */
    wr(l, 0x280, 0);
    rd(l, 0x2f0);
    wr(l, 0x280, 0);
    CHECK_EQ(rd(l, 0x280), ESR_ILLEGAL_REGISTER);
    teardown();
}

/* ---- priorities and acceptance ---- */

static void test_priorities(void)
{
    setup();
    Lapic *l = &cpu[0];
    enable(l);
    /* TPR blocks vectors of its class and below. */
    wr(l, 0x80, 0x50);
    CHECK_EQ(rd(l, 0xa0), 0x50);
    self_ipi(l, 0x45);
    self_ipi(l, 0x5f);
    CHECK(irr_has(l, 0x45) && irr_has(l, 0x5f));
    CHECK_EQ(intr_level[0], 0);
    CHECK_EQ(rd(l, 0x90), 0x50); /* APR: TPR class >= IRR class, > ISR class */
    self_ipi(l, 0x61);
    CHECK_EQ(intr_level[0], 1);
    CHECK_EQ(rd(l, 0x90), 0x60); /* APR: the IRR's class */
    CHECK_EQ(lapic_intack(l), 0x61);
    CHECK(isr_has(l, 0x61) && !irr_has(l, 0x61));
    CHECK_EQ(rd(l, 0xa0), 0x60); /* PPR: the ISR's class above the TPR */
    CHECK_EQ(intr_level[0], 0);
    /* CR8 is TPR[7:4]. */
    lapic_set_cr8(l, 0x13); /* bits 3:0 only */
    CHECK_EQ(rd(l, 0x80), 0x30);
    CHECK_EQ(lapic_get_cr8(l), 3);
    CHECK_EQ(rd(l, 0xa0), 0x60);
    wr(l, 0x80, 0x7f);
    CHECK_EQ(lapic_get_cr8(l), 7);
    CHECK_EQ(rd(l, 0xa0), 0x7f);
    wr(l, 0x80, 0);
    /* EOI of 61h: 5Fh, then 45h, in priority order. */
    wr(l, 0xb0, 0);
    CHECK(!isr_has(l, 0x61));
    CHECK_EQ(intr_level[0], 1);
    CHECK_EQ(lapic_intack(l), 0x5f);
    CHECK_EQ(intr_level[0], 0); /* 45h is below the 5Fh in service */
    wr(l, 0xb0, 0);
    CHECK_EQ(lapic_intack(l), 0x45);
    wr(l, 0xb0, 0);
    CHECK_EQ(rd(l, 0xa0), 0);
    /* An EOI with nothing in service does nothing; reads of EOI give 0. */
    wr(l, 0xb0, 0);
    CHECK_EQ(rd(l, 0xb0), 0);
    CHECK_EQ(eois[0x45] + eois[0x5f] + eois[0x61], 0); /* edge: no broadcast */
    teardown();
}

static void test_isr_nesting(void)
{
    setup();
    Lapic *l = &cpu[0];
    enable(l);
    self_ipi(l, 0x50);
    CHECK_EQ(lapic_intack(l), 0x50);
    self_ipi(l, 0x70); /* a higher class interrupts the handler */
    CHECK_EQ(intr_level[0], 1);
    CHECK_EQ(lapic_intack(l), 0x70);
    self_ipi(l, 0x60); /* between the two: waits for 70h's EOI */
    self_ipi(l, 0x55); /* the same class as 50h: waits for both */
    CHECK_EQ(intr_level[0], 0);
    CHECK_EQ(rd(l, 0xa0), 0x70);
    CHECK_EQ(rd(l, 0x110), 0); /* ISR bits 32-63: none */
    CHECK_EQ(rd(l, 0x120), 1u << (0x50 - 0x40));
    CHECK_EQ(rd(l, 0x130), 1u << (0x70 - 0x60));
    wr(l, 0xb0, 0); /* ends 70h */
    CHECK(!isr_has(l, 0x70) && isr_has(l, 0x50));
    CHECK_EQ(intr_level[0], 1);
    CHECK_EQ(lapic_intack(l), 0x60);
    wr(l, 0xb0, 0); /* ends 60h */
    CHECK_EQ(intr_level[0], 0);
    wr(l, 0xb0, 0); /* ends 50h */
    CHECK_EQ(lapic_intack(l), 0x55);
    wr(l, 0xb0, 0);
    CHECK_EQ(rd(l, 0xa0), 0);
    /* The same vector twice before its INTA: one IRR bit, one interrupt. */
    self_ipi(l, 0x80);
    self_ipi(l, 0x80);
    CHECK_EQ(lapic_intack(l), 0x80);
    CHECK_EQ(intr_level[0], 0);
    /* Again while in service: pending in IRR, taken after the EOI. */
    self_ipi(l, 0x80);
    CHECK(irr_has(l, 0x80) && isr_has(l, 0x80));
    CHECK_EQ(intr_level[0], 0);
    wr(l, 0xb0, 0);
    CHECK_EQ(intr_level[0], 1);
    CHECK_EQ(lapic_intack(l), 0x80);
    wr(l, 0xb0, 0);
    teardown();
}

static void test_spurious(void)
{
    setup();
    Lapic *l = &cpu[0];
    wr(l, 0xf0, 0x13f); /* enabled, spurious vector 3Fh */
    self_ipi(l, 0x40);
    CHECK_EQ(intr_level[0], 1);
    /* The TPR goes up between INTR and the INTA (SDM Vol. 3A 10.9). */
    wr(l, 0x80, 0x40);
    CHECK_EQ(lapic_intack(l), 0x3f);
    CHECK(!isr_has(l, 0x40) && irr_has(l, 0x40));
    CHECK_EQ(rd(l, 0xa0), 0x40);
    wr(l, 0x80, 0);
    CHECK_EQ(lapic_intack(l), 0x40);
    wr(l, 0xb0, 0);
    CHECK_EQ(lapic_intack(l), 0x3f); /* nothing at all pending */
    teardown();
}

static void test_apr(void)
{
    setup();
    Lapic *l = &cpu[0];
    enable(l);
    wr(l, 0x80, 0x34);
    CHECK_EQ(rd(l, 0x90), 0x34); /* TPR alone */
    self_ipi(l, 0x48);
    CHECK_EQ(rd(l, 0x90), 0x40); /* IRR class above TPR class */
    CHECK_EQ(lapic_intack(l), 0x48);
    CHECK_EQ(rd(l, 0x90), 0x40); /* ISR class */
    wr(l, 0x80, 0x45);
    CHECK_EQ(rd(l, 0x90), 0x40); /* TPR class not above ISR class */
    wr(l, 0x80, 0x55);
    CHECK_EQ(rd(l, 0x90), 0x55);
    wr(l, 0xb0, 0);
    teardown();
}

static void test_software_disable(void)
{
    setup();
    Lapic *l = &cpu[0];
    /* Software-disabled (SVR FFh at RESET): LVT writes stay masked. */
    wr(l, 0x320, 0x40);
    CHECK_EQ(rd(l, 0x320), LVT_MASKED | 0x40);
    /* Fixed messages are not taken; NMI and INIT are. */
    self_ipi(l, 0x40);
    CHECK(!irr_has(l, 0x40));
    wr(l, 0x300, 0x40000 | APIC_DM_NMI << 8);
    CHECK_EQ(nmis[0], 1);
    enable(l);
    wr(l, 0x320, 0x40);
    CHECK_EQ(rd(l, 0x320), 0x40);
    wr(l, 0x370, 0xe0);
    /* Disabling masks every LVT entry (SDM Vol. 3A 10.4.7.2), LINT0 too. */
    wr(l, 0x350, 0x700);
    self_ipi(l, 0x41);
    wr(l, 0xf0, 0xff);
    CHECK_EQ(rd(l, 0x320), LVT_MASKED | 0x40);
    CHECK_EQ(rd(l, 0x350), LVT_MASKED | 0x700);
    CHECK_EQ(rd(l, 0x370), LVT_MASKED | 0xe0);
    /* Pending interrupts are held, not delivered, until enabled again. */
    CHECK(irr_has(l, 0x41));
    CHECK_EQ(intr_level[0], 0);
    enable(l);
    CHECK_EQ(intr_level[0], 1);
    CHECK_EQ(lapic_intack(l), 0x41);
    teardown();
}

/* ---- errors ---- */

static void test_esr(void)
{
    setup();
    Lapic *l = &cpu[0];
    enable(l);
    wr(l, 0x370, 0xe0); /* error interrupt: vector E0h */
    /* Illegal register: latched by the next ESR write, not before. */
    rd(l, 0x40);
    CHECK_EQ(rd(l, 0x280), 0);
    CHECK(irr_has(l, 0xe0)); /* the error interrupt, at once */
    CHECK_EQ(lapic_intack(l), 0xe0);
    wr(l, 0xb0, 0);
    wr(l, 0x280, 0);
    CHECK_EQ(rd(l, 0x280), ESR_ILLEGAL_REGISTER);
    wr(l, 0x280, 0);
    CHECK_EQ(rd(l, 0x280), 0);
    /* Send illegal vector: an IPI with vector 0-15 goes nowhere. */
    wr(l, 0x300, 0x40000 | 0x05);
    CHECK(!irr_has(l, 0x05));
    CHECK(irr_has(l, 0xe0));
    /* A second error before the ESR write: no second interrupt. */
    CHECK_EQ(lapic_intack(l), 0xe0);
    wr(l, 0xb0, 0);
    wr(l, 0x400, 1); /* reserved: illegal register */
    CHECK(!irr_has(l, 0xe0));
    wr(l, 0x280, 0);
    CHECK_EQ(rd(l, 0x280), ESR_SEND_ILLEGAL_VECTOR | ESR_ILLEGAL_REGISTER);
    /* Received illegal vector: a fixed LINT1 with vector 3. */
    wr(l, 0x360, 0x03);
    lapic_set_lint(l, 1, 1);
    CHECK(!irr_has(l, 0x03));
    wr(l, 0x280, 0);
    CHECK_EQ(rd(l, 0x280), ESR_RECV_ILLEGAL_VECTOR);
    CHECK(irr_has(l, 0xe0)); /* re-armed by the ESR write */
    /* Masked error interrupt: the error is still logged. */
    CHECK_EQ(lapic_intack(l), 0xe0);
    wr(l, 0xb0, 0);
    wr(l, 0x370, LVT_MASKED | 0xe0);
    wr(l, 0x280, 0);
    rd(l, 0x3f0);
    CHECK(!irr_has(l, 0xe0));
    wr(l, 0x280, 0);
    CHECK_EQ(rd(l, 0x280), ESR_ILLEGAL_REGISTER);
    teardown();
}

/* ---- IPIs on the bus ---- */

static void clear_all(void)
{
    for (int i = 0; i < NCPU; i++) {
        while (intr_level[i]) {
            lapic_intack(&cpu[i]);
            wr(&cpu[i], 0xb0, 0);
        }
    }
}

static void ipi(Lapic *from, uint32_t dest, uint32_t lo)
{
    wr(from, 0x310, dest << 24);
    wr(from, 0x300, lo);
}

static void test_ipis(void)
{
    setup();
    Lapic *a = &cpu[0], *b = &cpu[1];
    enable(a);
    enable(b);
    /* Shorthands: self, all including self, all excluding self. */
    ipi(a, 1, 0x40000 | 0x40);
    CHECK(irr_has(a, 0x40) && !irr_has(b, 0x40));
    ipi(a, 0, 0x80000 | 0x41);
    CHECK(irr_has(a, 0x41) && irr_has(b, 0x41));
    ipi(a, 0, 0xc0000 | 0x42);
    CHECK(!irr_has(a, 0x42) && irr_has(b, 0x42));
    clear_all();
    /* Physical: by APIC ID (which software may change), FFh broadcast. */
    ipi(a, 1, 0x43);
    CHECK(!irr_has(a, 0x43) && irr_has(b, 0x43));
    ipi(a, 0, 0x44);
    CHECK(irr_has(a, 0x44) && !irr_has(b, 0x44));
    ipi(a, 7, 0x45);
    CHECK(!irr_has(a, 0x45) && !irr_has(b, 0x45)); /* no such APIC: dropped */
    wr(b, 0x20, 7u << 24);
    ipi(a, 7, 0x46);
    CHECK(irr_has(b, 0x46));
    ipi(a, 0xff, 0x47);
    CHECK(irr_has(a, 0x47) && irr_has(b, 0x47));
    clear_all();
    /* Logical, flat model: a bit per APIC. */
    wr(a, 0xd0, 0x01000000);
    wr(b, 0xd0, 0x02000000);
    ipi(a, 0x02, 0x800 | 0x48);
    CHECK(!irr_has(a, 0x48) && irr_has(b, 0x48));
    ipi(a, 0x03, 0x800 | 0x49);
    CHECK(irr_has(a, 0x49) && irr_has(b, 0x49));
    ipi(a, 0x04, 0x800 | 0x4a);
    CHECK(!irr_has(a, 0x4a) && !irr_has(b, 0x4a));
    clear_all();
    /* Logical, cluster model: cluster in bits 7:4. */
    wr(a, 0xe0, 0x0fffffff);
    wr(b, 0xe0, 0x0fffffff);
    wr(a, 0xd0, 0x21000000);
    wr(b, 0xd0, 0x31000000);
    ipi(a, 0x21, 0x800 | 0x4b);
    CHECK(irr_has(a, 0x4b) && !irr_has(b, 0x4b));
    ipi(a, 0x33, 0x800 | 0x4c);
    CHECK(!irr_has(a, 0x4c) && irr_has(b, 0x4c));
    ipi(a, 0x22, 0x800 | 0x4d);
    CHECK(!irr_has(a, 0x4d) && !irr_has(b, 0x4d));
    clear_all();
    /* Lowest priority: the one with the lower arbitration priority. */
    wr(a, 0xe0, 0xffffffff);
    wr(b, 0xe0, 0xffffffff);
    wr(a, 0xd0, 0x01000000);
    wr(b, 0xd0, 0x02000000);
    wr(a, 0x80, 0x20);
    ipi(a, 0x03, 0x800 | APIC_DM_LOWEST << 8 | 0x4e);
    CHECK(!irr_has(a, 0x4e) && irr_has(b, 0x4e));
    wr(a, 0x80, 0);
    wr(b, 0x80, 0x30);
    ipi(b, 0x03, 0x800 | APIC_DM_LOWEST << 8 | 0x4f);
    CHECK(irr_has(a, 0x4f));
    wr(b, 0x80, 0);
    clear_all();
    /* Level-triggered fixed IPIs set TMR; their EOI is broadcast. */
    ipi(a, 0, 0x8000 | 0x4000 | 0x90);
    CHECK(tmr_has(a, 0x90));
    CHECK_EQ(lapic_intack(a), 0x90);
    wr(a, 0xb0, 0);
    CHECK_EQ(eois[0x90], 1);
    /* NMI, INIT; INIT level de-assert and SIPI do nothing here. */
    ipi(a, 7, APIC_DM_NMI << 8); /* B's ID is 7 now */
    CHECK_EQ(nmis[1], 1);
    CHECK_EQ(nmis[0], 0);
    ipi(a, 0, 0xc0000 | APIC_DM_INIT << 8 | 0x4000);
    CHECK_EQ(inits[1], 1);
    CHECK_EQ(inits[0], 0);
    ipi(a, 0, 0x80000 | APIC_DM_INIT << 8 | 0x8000); /* de-assert */
    CHECK_EQ(inits[0] + inits[1], 1);
    ipi(a, 1, APIC_DM_STARTUP << 8 | 0x10);
    CHECK_EQ(intr_level[1], 0);
    /* Delivery to a globally disabled APIC: nothing. */
    lapic_set_base(b, 0xfee00000u);
    ipi(a, 1, 0x50);
    CHECK(!irr_has(b, 0x50));
    teardown();
}

static void test_msi(void)
{
    setup();
    enable(&cpu[0]);
    enable(&cpu[1]);
    apic_bus_msi(&bus, 0xfee01000u, 0x0051); /* to APIC 1, vector 51h, edge */
    CHECK(irr_has(&cpu[1], 0x51) && !irr_has(&cpu[0], 0x51));
    apic_bus_msi(&bus, 0xfeeff000u, 0x8052); /* broadcast, level */
    CHECK(irr_has(&cpu[0], 0x52) && tmr_has(&cpu[0], 0x52) && irr_has(&cpu[1], 0x52));
    apic_bus_msi(&bus, 0xfed00000u, 0x0053); /* not an MSI address */
    CHECK(!irr_has(&cpu[0], 0x53));
    apic_bus_msi(&bus, 0xfee00000u, 0x0400); /* NMI to APIC 0 */
    CHECK_EQ(nmis[0], 1);
    teardown();
}

/* ---- the timer ---- */

static int timer_hits(Lapic *l, uint8_t vector)
{
    int n = 0;
    while (irr_has(l, vector)) {
        CHECK_EQ(lapic_intack(l), vector);
        wr(l, 0xb0, 0);
        n++;
    }
    return n;
}

static void test_timer_oneshot(void)
{
    static const struct {
        uint32_t dcr;
        unsigned div;
    } divides[] = {{0x0, 2},  {0x1, 4},  {0x2, 8},   {0x3, 16},
                   {0x8, 32}, {0x9, 64}, {0xa, 128}, {0xb, 1}};
    for (size_t i = 0; i < sizeof(divides) / sizeof(divides[0]); i++) {
        setup();
        Lapic *l = &cpu[0];
        enable(l);
        wr(l, 0x3e0, divides[i].dcr);
        wr(l, 0x320, 0x60); /* one-shot, vector 60h */
        int64_t t0 = sim_ns;
        wr(l, 0x380, 1000);
        CHECK_EQ(rd(l, 0x390), 1000);
        sim_advance_to(t0 + 10 * (int64_t)divides[i].div - 1);
        CHECK_EQ(rd(l, 0x390), 991); /* 9 whole bus cycles */
        sim_advance_to(t0 + 1000 * (int64_t)divides[i].div - 1);
        CHECK_EQ(rd(l, 0x390), 1);
        CHECK(!irr_has(l, 0x60));
        sim_advance_to(t0 + 1000 * (int64_t)divides[i].div);
        CHECK_EQ(rd(l, 0x390), 0);
        CHECK_EQ(timer_hits(l, 0x60), 1);
        sim_advance_to(t0 + 100000 * (int64_t)divides[i].div);
        CHECK_EQ(timer_hits(l, 0x60), 0);
        CHECK_EQ(rd(l, 0x390), 0);
        CHECK_EQ(rd(l, 0x380), 1000);
        teardown();
    }

    setup();
    Lapic *l = &cpu[0];
    enable(l);
    wr(l, 0x3e0, 0xb);
    /* Masked: it counts, no interrupt; unmasked after expiry: none. */
    wr(l, 0x320, LVT_MASKED | 0x60);
    int64_t t0 = sim_ns;
    wr(l, 0x380, 500);
    sim_advance_to(t0 + 200);
    CHECK_EQ(rd(l, 0x390), 300);
    sim_advance_to(t0 + 600);
    CHECK_EQ(rd(l, 0x390), 0);
    wr(l, 0x320, 0x60);
    sim_advance_to(t0 + 2000);
    CHECK_EQ(timer_hits(l, 0x60), 0);
    /* Unmasked while counting: the interrupt at the end. */
    wr(l, 0x320, LVT_MASKED | 0x60);
    t0 = sim_ns;
    wr(l, 0x380, 500);
    sim_advance_to(t0 + 100);
    wr(l, 0x320, 0x60);
    sim_advance_to(t0 + 499);
    CHECK_EQ(timer_hits(l, 0x60), 0);
    sim_advance_to(t0 + 500);
    CHECK_EQ(timer_hits(l, 0x60), 1);
    /* A write of the initial count restarts; 0 stops. */
    t0 = sim_ns;
    wr(l, 0x380, 500);
    sim_advance_to(t0 + 400);
    wr(l, 0x380, 500);
    sim_advance_to(t0 + 899);
    CHECK_EQ(timer_hits(l, 0x60), 0);
    CHECK_EQ(rd(l, 0x390), 1);
    wr(l, 0x380, 0);
    CHECK_EQ(rd(l, 0x390), 0);
    sim_advance_to(t0 + 5000);
    CHECK_EQ(timer_hits(l, 0x60), 0);
    /* A new divide while counting: the count goes on from where it is. */
    t0 = sim_ns;
    wr(l, 0x380, 1000);
    sim_advance_to(t0 + 400);
    CHECK_EQ(rd(l, 0x390), 600);
    wr(l, 0x3e0, 0x0); /* divide by 2 */
    CHECK_EQ(rd(l, 0x390), 600);
    sim_advance_to(t0 + 400 + 2 * 599);
    CHECK_EQ(rd(l, 0x390), 1);
    CHECK_EQ(timer_hits(l, 0x60), 0);
    sim_advance_to(t0 + 400 + 2 * 600);
    CHECK_EQ(timer_hits(l, 0x60), 1);
    /* Software disable masks the timer: no interrupt. */
    wr(l, 0x3e0, 0xb);
    t0 = sim_ns;
    wr(l, 0x380, 100);
    wr(l, 0xf0, 0xff);
    sim_advance_to(t0 + 1000);
    CHECK_EQ(rd(l, 0x390), 0);
    enable(l);
    CHECK_EQ(timer_hits(l, 0x60), 0);
    teardown();
}

static void test_timer_periodic(void)
{
    setup();
    Lapic *l = &cpu[0];
    enable(l);
    wr(l, 0x3e0, 0x1);             /* divide by 4 */
    wr(l, 0x320, 1u << 17 | 0x61); /* periodic, vector 61h */
    int64_t t0 = sim_ns;
    wr(l, 0x380, 250); /* period 1000 ns */
    for (int k = 1; k <= 5; k++) {
        sim_advance_to(t0 + 1000 * k - 1);
        CHECK_EQ(timer_hits(l, 0x61), 0);
        CHECK_EQ(rd(l, 0x390), 1);
        sim_advance_to(t0 + 1000 * k);
        CHECK_EQ(rd(l, 0x390), 250); /* reloaded */
        CHECK_EQ(timer_hits(l, 0x61), 1);
    }
    sim_advance_to(t0 + 5000 + 500);
    CHECK_EQ(rd(l, 0x390), 125);
    /* Late: many periods pass while the first is pending: one IRR bit. */
    sim_advance_to(t0 + 50000 + 100);
    CHECK_EQ(timer_hits(l, 0x61), 1);
    CHECK_EQ(rd(l, 0x390), 225);
    sim_advance_to(t0 + 51000);
    CHECK_EQ(timer_hits(l, 0x61), 1);
    /* Masked: no interrupts, no host wakeups; unmasked: on again. */
    wr(l, 0x320, LVT_MASKED | 1u << 17 | 0x61);
    CHECK(!sim_timers[0].armed);
    sim_advance_to(t0 + 60000);
    CHECK_EQ(timer_hits(l, 0x61), 0);
    CHECK_EQ(rd(l, 0x390), 250);
    wr(l, 0x320, 1u << 17 | 0x61);
    sim_advance_to(t0 + 61000);
    CHECK_EQ(timer_hits(l, 0x61), 1);
    /* To one-shot mid-period: counts down to 0 once. */
    sim_advance_to(t0 + 61400);
    wr(l, 0x320, 0x61);
    CHECK_EQ(rd(l, 0x390), 150);
    sim_advance_to(t0 + 62000);
    CHECK_EQ(timer_hits(l, 0x61), 1);
    sim_advance_to(t0 + 70000);
    CHECK_EQ(timer_hits(l, 0x61), 0);
    CHECK_EQ(rd(l, 0x390), 0);
    teardown();
}

static void test_timer_tsc_deadline(void)
{
    setup();
    Lapic *l = &cpu[0];
    enable(l);
    /* Other modes: the MSR reads 0, writes are ignored. */
    lapic_set_tsc_deadline(l, 5000, sim_ns + 100);
    CHECK_EQ(lapic_get_tsc_deadline(l), 0);
    wr(l, 0x320, 2u << 17 | 0x62); /* TSC-deadline, vector 62h */
    /* The initial count is ignored; the current count reads 0. */
    wr(l, 0x380, 100);
    CHECK_EQ(rd(l, 0x380), 0);
    CHECK_EQ(rd(l, 0x390), 0);
    int64_t t0 = sim_ns;
    lapic_set_tsc_deadline(l, 123456, t0 + 700);
    CHECK_EQ(lapic_get_tsc_deadline(l), 123456);
    sim_advance_to(t0 + 699);
    CHECK_EQ(timer_hits(l, 0x62), 0);
    sim_advance_to(t0 + 700);
    CHECK_EQ(timer_hits(l, 0x62), 1);
    CHECK_EQ(lapic_get_tsc_deadline(l), 0); /* disarmed itself */
    /* A deadline already past: at once. */
    lapic_set_tsc_deadline(l, 1, t0 - 5);
    sim_advance_to(sim_ns);
    CHECK_EQ(timer_hits(l, 0x62), 1);
    /* 0 disarms. */
    lapic_set_tsc_deadline(l, 99, sim_ns + 100);
    lapic_set_tsc_deadline(l, 0, 0);
    sim_advance_to(sim_ns + 1000);
    CHECK_EQ(timer_hits(l, 0x62), 0);
    /* Masked: no interrupt, but the deadline passes and disarms. */
    wr(l, 0x320, LVT_MASKED | 2u << 17 | 0x62);
    lapic_set_tsc_deadline(l, 77, sim_ns + 100);
    sim_advance_to(sim_ns + 200);
    CHECK_EQ(timer_hits(l, 0x62), 0);
    CHECK_EQ(lapic_get_tsc_deadline(l), 0);
    /* Leaving TSC-deadline mode disarms it. */
    wr(l, 0x320, 2u << 17 | 0x62);
    lapic_set_tsc_deadline(l, 88, sim_ns + 100);
    wr(l, 0x320, 0x62);
    wr(l, 0x320, 2u << 17 | 0x62);
    CHECK_EQ(lapic_get_tsc_deadline(l), 0);
    sim_advance_to(sim_ns + 1000);
    CHECK_EQ(timer_hits(l, 0x62), 0);
    /* Entering it stops a one-shot count. */
    wr(l, 0x320, 0x62);
    wr(l, 0x380, 100);
    wr(l, 0x320, 2u << 17 | 0x62);
    sim_advance_to(sim_ns + 10000);
    CHECK_EQ(timer_hits(l, 0x62), 0);
    teardown();
}

/* ---- LINT0, LINT1, global disable ---- */

static void test_lint(void)
{
    setup();
    Lapic *l = &cpu[0];
    /* RESET: LINT0 masked, the 8259 stays out; in ExtINT mode it gets
     * through, the INTA going to it. */
    lapic_set_lint(l, 0, 1);
    CHECK_EQ(intr_level[0], 0);
    enable(l);
    wr(l, 0x350, 0x700);
    CHECK_EQ(intr_level[0], 1);
    CHECK_EQ(lapic_intack(l), 0x08);
    CHECK_EQ(extint_acks, 1);
    lapic_set_lint(l, 0, 0);
    CHECK_EQ(intr_level[0], 0);
    /* ExtINT ignores the TPR and comes before fixed interrupts. */
    wr(l, 0x80, 0xf0);
    self_ipi(l, 0xf8);
    lapic_set_lint(l, 0, 1);
    CHECK_EQ(intr_level[0], 1);
    CHECK_EQ(lapic_intack(l), 0x08);
    lapic_set_lint(l, 0, 0);
    wr(l, 0x80, 0);
    CHECK_EQ(lapic_intack(l), 0xf8);
    wr(l, 0xb0, 0);
    /* Masked LINT0: the 8259's INTR goes nowhere, until unmasked. */
    wr(l, 0x350, LVT_MASKED | 0x700);
    lapic_set_lint(l, 0, 1);
    CHECK_EQ(intr_level[0], 0);
    wr(l, 0x350, 0x700);
    CHECK_EQ(intr_level[0], 1);
    lapic_set_lint(l, 0, 0);
    /* Fixed, level-triggered: once per assertion, again after the EOI
     * while still asserted (remote IRR). */
    wr(l, 0x350, LVT_LEVEL | 0x70);
    lapic_set_lint(l, 0, 1);
    CHECK(irr_has(l, 0x70) && tmr_has(l, 0x70));
    CHECK(rd(l, 0x350) & LVT_REMOTE_IRR);
    CHECK_EQ(lapic_intack(l), 0x70);
    wr(l, 0xb0, 0);
    CHECK(irr_has(l, 0x70)); /* still asserted */
    CHECK_EQ(lapic_intack(l), 0x70);
    lapic_set_lint(l, 0, 0);
    wr(l, 0xb0, 0);
    CHECK(!(rd(l, 0x350) & LVT_REMOTE_IRR));
    CHECK(!irr_has(l, 0x70));
    /* Withdrawn when it drops before the INTA. */
    lapic_set_lint(l, 0, 1);
    lapic_set_lint(l, 0, 0);
    CHECK(!irr_has(l, 0x70));
    CHECK_EQ(intr_level[0], 0);
    /* Fixed, edge; active low. */
    wr(l, 0x350, LVT_POLARITY | 0x71);
    lapic_set_lint(l, 0, 1);
    CHECK(!irr_has(l, 0x71));
    lapic_set_lint(l, 0, 0);
    CHECK(irr_has(l, 0x71) && !tmr_has(l, 0x71));
    CHECK_EQ(lapic_intack(l), 0x71);
    wr(l, 0xb0, 0);
    lapic_set_lint(l, 0, 1);
    /* LINT1 as NMI: one per rising edge. */
    wr(l, 0x360, APIC_DM_NMI << 8);
    lapic_set_lint(l, 1, 1);
    lapic_set_lint(l, 1, 1);
    CHECK_EQ(nmis[0], 1);
    lapic_set_lint(l, 1, 0);
    lapic_set_lint(l, 1, 1);
    CHECK_EQ(nmis[0], 2);
    lapic_set_lint(l, 1, 0);
    wr(l, 0x360, LVT_MASKED | APIC_DM_NMI << 8);
    lapic_set_lint(l, 1, 1);
    CHECK_EQ(nmis[0], 2);
    lapic_set_lint(l, 1, 0);
    teardown();
}

static void test_global_disable(void)
{
    setup();
    Lapic *l = &cpu[0];
    enable(l);
    wr(l, 0x80, 0x20);
    wr(l, 0x350, LVT_MASKED | 0x700);
    CHECK(lapic_enabled(l));
    /* EN clear: INTR and NMI pass through (SDM Vol. 3A 10.4.3). */
    lapic_set_base(l, 0xfee00000u);
    CHECK(!lapic_enabled(l));
    CHECK_EQ(l->base, 0xfee00000u | APIC_BASE_BSP); /* BSP stays */
    lapic_set_lint(l, 0, 1);
    CHECK_EQ(intr_level[0], 1);
    CHECK_EQ(lapic_intack(l), 0x08);
    lapic_set_lint(l, 0, 0);
    CHECK_EQ(intr_level[0], 0);
    lapic_set_lint(l, 1, 1);
    CHECK_EQ(nmis[0], 1);
    lapic_set_lint(l, 1, 0);
    /* EN set again: the power-up state (LVT masked, SVR FFh, TPR 0). */
    lapic_set_base(l, 0xfed00000u | APIC_BASE_EN);
    CHECK(lapic_enabled(l));
    CHECK_EQ(l->base, 0xfed00000u | APIC_BASE_EN | APIC_BASE_BSP);
    CHECK_EQ(rd(l, 0xf0), 0xff);
    CHECK_EQ(rd(l, 0x80), 0);
    CHECK_EQ(rd(l, 0x350), LVT_MASKED);
    lapic_set_lint(l, 0, 1);
    CHECK_EQ(intr_level[0], 0);
    lapic_set_lint(l, 0, 0);
    /* RESET: back at FEE00000h. */
    lapic_reset(l);
    CHECK_EQ(l->base, 0xfee00000u | APIC_BASE_EN | APIC_BASE_BSP);
    CHECK_EQ(rd(l, 0x350), LVT_MASKED);
    teardown();
}

/* An ExtINT message (an IOAPIC pin in ExtINT mode): the 8259 answers. */
static void test_extint_message(void)
{
    setup();
    Lapic *l = &cpu[0];
    enable(l);
    wr(l, 0x350, LVT_MASKED | 0x700);
    ApicMsg m = {.mode = APIC_DM_EXTINT, .dest = 0};
    apic_bus_deliver(&bus, &m);
    CHECK_EQ(intr_level[0], 1);
    CHECK_EQ(intr_level[1], 0);
    CHECK_EQ(lapic_intack(l), 0x08);
    CHECK_EQ(extint_acks, 1);
    CHECK_EQ(intr_level[0], 0);
    teardown();
}

int main(void)
{
    test_reset_state();
    test_register_access();
    test_priorities();
    test_isr_nesting();
    test_spurious();
    test_apr();
    test_software_disable();
    test_esr();
    test_ipis();
    test_msi();
    test_timer_oneshot();
    test_timer_periodic();
    test_timer_tsc_deadline();
    test_lint();
    test_global_disable();
    test_extint_message();
    return check_report("lapic");
}
