/* PCI configuration mechanism #1 (hw/pci.c) with the chipset functions on
 * it: the i440FX (hw/i440fx.c) with PAM shadowing, the PIIX3 with its PIRQ
 * router and the PIIX4 PM function with its movable window (hw/piix.c),
 * and the reset control register at 0xCF9. The reference values come from
 * QEMU 7.2 "pc": a bare-metal program run as its BIOS read every function's
 * configuration space at reset, then wrote all ones and all zeros to each
 * dword and read it back; the tables below are what it printed. */
#include "hw/i440fx.h"
#include "hw/pci.h"
#include "hw/piix.h"
#include "tests/unit/check.h"

#include <errno.h>
#include <string.h>

#define MIB (1024u * 1024)
#define CFG(devfn, reg) (0x80000000u | (uint32_t)(devfn) << 8 | (reg))

/* ---- QEMU 7.2 at reset: 00:00.0, 00:01.0, 00:01.3, dwords 0x00-0xFC ---- */

static const uint32_t qemu_i440fx[64] = {
    0x12378086,        0x00000000,        0x06000002,        0x00000000,
    [11] = 0x11001af4, [21] = 0x10000000, [28] = 0x00020000,
};
static const uint32_t qemu_piix3[64] = {
    0x70008086,        0x02000000,        0x06010000,        0x00800000,        [11] = 0x11001af4,
    [19] = 0x0003004d, [24] = 0x80808080, [26] = 0x00000200, [28] = 0x00000080, [29] = 0x0c0c0000,
    [30] = 0x00000002, [40] = 0x00000008, [42] = 0x0000000f,
};
static const uint32_t qemu_piix4_pm[64] = {
    0x71138086,        0x02800000,        0x06800003,        0x00000000,
    [11] = 0x11001af4, [15] = 0x00000100, [16] = 0x00000001, [22] = 0x02000000,
    [23] = 0x10000000, [24] = 0x60000000, [36] = 0x0000b101, [52] = 0x00090000,
};

/* Where rx86 differs on purpose, and why (see the headers). */
static uint32_t rx86_expected(unsigned devfn, unsigned dword, uint32_t qemu)
{
    if (dword == 11) {
        return 0; /* QEMU's Red Hat subsystem IDs are not copied */
    }
    if (devfn == I440FX_DEVFN && dword == 21) {
        return 0; /* 0x57: QEMU's RAM size for old coreboot */
    }
    if (devfn == PIIX4_PM_DEVFN && dword == 36) {
        return 0x00000001; /* no SMBus at 0xB100 */
    }
    if (devfn == PIIX4_PM_DEVFN && dword == 52) {
        return 0; /* SMBus host disabled */
    }
    return qemu;
}

/* ---- a board: memory with RAM and a BIOS alias, ports, the chipset ---- */

static uint8_t low_ram[MIB];
static uint8_t bios[128 * 1024]; /* seen at 0xE0000-0xFFFFF while PAM is 0 */

typedef struct Board {
    AddressSpace mem, io;
    PciBus bus;
    I440fx host;
    Piix3 isa;
    Piix4Pm pm;
    int isa_level[16];
    int isa_calls;
    int resets;
    uint64_t changed_lo, changed_hi;
    int changes;
} Board;

static Board board;

static void isa_irq(void *opaque, int n, int level)
{
    Board *b = opaque;
    b->isa_level[n] = level;
    b->isa_calls++;
}

static void on_reset(void *opaque)
{
    Board *b = opaque;
    b->resets++;
}

static void on_memory_changed(void *opaque, uint64_t base, uint64_t size)
{
    Board *b = opaque;
    b->changes++;
    b->changed_lo = base;
    b->changed_hi = base + size;
}

/* The PCI side under PAM: what a write-only segment reads. */
static uint64_t pci_side_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t a = addr + i;
        uint8_t byte = a >= 0xe0000 ? bios[a - 0xe0000] : 0xff;
        v |= (uint64_t)byte << (8 * i);
    }
    return v;
}

/* The PM window's stand-in: offset in the low byte, 0xA5 above. */
static uint64_t pm_probe_read(void *opaque, uint64_t offset, unsigned size)
{
    return 0xa5a5a500u | offset;
}

static const MemOps pm_probe_ops = {.read = pm_probe_read, .max_size = 1};

static void board_init(Board *b)
{
    memset(b, 0, sizeof(*b));
    memset(low_ram, 0, sizeof(low_ram));
    for (size_t i = 0; i < sizeof(bios); i++) {
        bios[i] = (uint8_t)(0xb0 ^ i);
    }
    CHECK(as_init(&b->mem, "mem", 1ull << 36) == 0);
    CHECK(as_init(&b->io, "io", 1u << 16) == 0);
    CHECK(as_add_ram(&b->mem, "ram", 0, MIB, low_ram, 0) != NULL);
    CHECK(as_add_rom(&b->mem, "bios-low", 0xe0000, sizeof(bios), bios, 1) != NULL);
    pci_bus_init(&b->bus, &b->mem, &b->io, 2);
    pci_bus_connect_reset(&b->bus, on_reset, b);
    pci_bus_connect_memory_changed(&b->bus, on_memory_changed, b);
    CHECK(as_add_io(&b->io, "pci-conf-addr", 0xcf8, 4, &pci_config_address_ops, &b->bus, 2));
    CHECK(as_add_io(&b->io, "pci-conf-data", 0xcfc, 4, &pci_config_data_ops, &b->bus, 2));
    I440fxConfig hc = {
        .mem = &b->mem, .low_ram = low_ram, .pam_priority = 3, .pci_read = pci_side_read};
    CHECK(i440fx_init(&b->host, &b->bus, &hc) == 0);
    IrqLine lines[16];
    for (int i = 0; i < 16; i++) {
        lines[i] = (IrqLine){isa_irq, b, i};
    }
    CHECK(piix3_init(&b->isa, &b->bus, lines) == 0);
    CHECK(piix4_pm_init(&b->pm, &b->bus, &b->io, &pm_probe_ops, NULL, 2) == 0);
}

static void board_destroy(Board *b)
{
    as_destroy(&b->io);
    as_destroy(&b->mem);
}

/* Guest port accesses, through the port space as a vCPU makes them. */
static uint32_t inp(unsigned port, unsigned size)
{
    return (uint32_t)as_load(&board.io, port, size);
}

static void outp(unsigned port, uint32_t v, unsigned size)
{
    as_store(&board.io, port, v, size);
}

static uint32_t cfg_read(uint32_t addr, unsigned size)
{
    outp(0xcf8, addr & ~3u, 4);
    return inp(0xcfc + (addr & 3), size);
}

static void cfg_write(uint32_t addr, uint32_t v, unsigned size)
{
    outp(0xcf8, addr & ~3u, 4);
    outp(0xcfc + (addr & 3), v, size);
}

static uint8_t mem8(uint64_t addr)
{
    return (uint8_t)as_load(&board.mem, addr, 1);
}

/* ---- the tests ------------------------------------------------------------ */

static void test_reset_config_matches_qemu(void)
{
    static const struct {
        unsigned devfn;
        const uint32_t *dump;
    } fns[] = {
        {I440FX_DEVFN, qemu_i440fx}, {PIIX3_DEVFN, qemu_piix3}, {PIIX4_PM_DEVFN, qemu_piix4_pm}};
    for (size_t f = 0; f < 3; f++) {
        for (unsigned d = 0; d < 64; d++) {
            uint32_t got = cfg_read(CFG(fns[f].devfn, 4 * d), 4);
            uint32_t want = rx86_expected(fns[f].devfn, d, fns[f].dump[d]);
            if (got != want) {
                fprintf(stderr, "devfn %02x reg %02x: ", fns[f].devfn, 4 * d);
            }
            CHECK_EQ(got, want);
        }
    }
    /* 00:01.1 (IDE) is not ours; 00:01.2 has nothing; neither has 00:02.0. */
    CHECK_EQ(cfg_read(CFG(PCI_DEVFN(1, 2), 0), 4), 0xffffffff);
    CHECK_EQ(cfg_read(CFG(PCI_DEVFN(2, 0), 0), 4), 0xffffffff);
}

static void test_config_mechanism(void)
{
    /* CONFIG_ADDRESS keeps all 32 bits (QEMU: 0x12345678 reads back). */
    outp(0xcf8, 0x12345678, 4);
    CHECK_EQ(inp(0xcf8, 4), 0x12345678);
    /* Without the enable bit, data reads all ones; writes go nowhere. */
    outp(0xcf8, 0x00000000, 4);
    CHECK_EQ(inp(0xcfc, 4), 0xffffffff);
    outp(0xcfc, 0, 4);
    CHECK_EQ(cfg_read(CFG(0, 0), 4), 0x12378086);
    /* Byte and word lanes of CONFIG_DATA (QEMU: CFE16 = 1237, CFD8 = 80). */
    outp(0xcf8, CFG(0, 0), 4);
    CHECK_EQ(inp(0xcfe, 2), 0x1237);
    CHECK_EQ(inp(0xcfd, 1), 0x80);
    CHECK_EQ(inp(0xcfc, 2), 0x8086);
    CHECK_EQ(inp(0xcff, 1), 0x12);
    /* Byte read of 0xCF8: the low byte (QEMU: 0x40 after 0x80000B40). A
     * byte write there is no configuration cycle. */
    outp(0xcf8, 0x80000b40, 4);
    CHECK_EQ(inp(0xcf8, 1), 0x40);
    outp(0xcf8, 0x00, 1);
    CHECK_EQ(inp(0xcf8, 4), 0x80000b40);
    /* Bus 1 and absent functions: all ones at every width. */
    CHECK_EQ(cfg_read(0x80010000, 4), 0xffffffff);
    CHECK_EQ(cfg_read(CFG(PCI_DEVFN(5, 0), 2), 2), 0xffff);
    CHECK_EQ(cfg_read(CFG(PCI_DEVFN(5, 0), 3), 1), 0xff);
    /* Function 3 of the multi-function PIIX; its function 0 says so. */
    CHECK_EQ(cfg_read(CFG(PIIX3_DEVFN, PCI_HEADER_TYPE), 1), 0x80);
    CHECK_EQ(cfg_read(CFG(PIIX4_PM_DEVFN, PCI_HEADER_TYPE), 1), 0x00);
    CHECK_EQ(cfg_read(CFG(PIIX4_PM_DEVFN, PCI_DEVICE_ID), 2), 0x7113);
}

static void test_write_masks(void)
{
    /* Read-only IDs and class. */
    cfg_write(CFG(0, 0), 0xffffffff, 4);
    CHECK_EQ(cfg_read(CFG(0, 0), 4), 0x12378086);
    cfg_write(CFG(0, 8), 0, 4);
    CHECK_EQ(cfg_read(CFG(0, 8), 4), 0x06000002);
    /* Command: I/O, memory, master, SERR#, INTx disable (QEMU: 0x0507). */
    cfg_write(CFG(PIIX3_DEVFN, 4), 0xffff, 2);
    CHECK_EQ(cfg_read(CFG(PIIX3_DEVFN, 4), 4), 0x02000507);
    cfg_write(CFG(PIIX3_DEVFN, 4), 0, 2);
    /* Interrupt line writable, pin not (QEMU: 0x1FF / 0x100 on 01.3). */
    cfg_write(CFG(PIIX4_PM_DEVFN, 0x3c), 0xffffffff, 4);
    CHECK_EQ(cfg_read(CFG(PIIX4_PM_DEVFN, 0x3c), 4), 0x000001ff);
    /* A byte write into the middle of a dword touches only that byte. */
    cfg_write(CFG(PIIX4_PM_DEVFN, 0x3c), 0x0b, 1);
    CHECK_EQ(cfg_read(CFG(PIIX4_PM_DEVFN, 0x3c), 4), 0x0000010b);
    cfg_write(CFG(PIIX3_DEVFN, 0x6d), 0x5a, 1);
    CHECK_EQ(cfg_read(CFG(PIIX3_DEVFN, 0x6c), 4), 0x00005a00);
    cfg_write(CFG(PIIX3_DEVFN, 0x6e), 0x1234, 2);
    CHECK_EQ(cfg_read(CFG(PIIX3_DEVFN, 0x6c), 4), 0x12345a00);
    CHECK_EQ(cfg_read(CFG(PIIX3_DEVFN, 0x6f), 1), 0x12);
    /* Status errors are write-1-to-clear; DEVSEL stays. */
    board.isa.pci.config[PCI_STATUS + 1] |= 0x20; /* received master abort */
    CHECK_EQ(cfg_read(CFG(PIIX3_DEVFN, PCI_STATUS), 2), 0x2200);
    cfg_write(CFG(PIIX3_DEVFN, PCI_STATUS), 0x0200, 2);
    CHECK_EQ(cfg_read(CFG(PIIX3_DEVFN, PCI_STATUS), 2), 0x2200);
    cfg_write(CFG(PIIX3_DEVFN, PCI_STATUS), 0x2000, 2);
    CHECK_EQ(cfg_read(CFG(PIIX3_DEVFN, PCI_STATUS), 2), 0x0200);

    /* The register masks where rx86 keeps the datasheet's (QEMU lets all
     * of 0x40-0xFF be written). Ones, then zeros. */
    static const struct {
        unsigned devfn, reg;
        uint32_t ones, zeros;
    } masks[] = {
        {I440FX_DEVFN, 0x58, 0x333330ff, 0x00000000},   /* PAM0 bits 5:4, PAM1-2 */
        {I440FX_DEVFN, 0x5c, 0x33333333, 0x00000000},   /* PAM3-6 */
        {I440FX_DEVFN, 0x44, 0xffffffff, 0x00000000},   /* the rest: as QEMU */
        {PIIX3_DEVFN, 0x60, 0x8f8f8f8f, 0x00000000},    /* PIRQRC[A:D] */
        {PIIX4_PM_DEVFN, 0x40, 0x0000ffc1, 0x00000001}, /* PMBA: bit 0 reads 1 */
        {PIIX4_PM_DEVFN, 0x80, 0xffffff01, 0x00000000}, /* PMREGMISC: PMIOSE only */
        {PIIX4_PM_DEVFN, 0x90, 0x00000001, 0x00000001}, /* no SMBus */
        {PIIX4_PM_DEVFN, 0xd0, 0xff00ffff, 0x00000000}, /* SMBHSTCFG read-only */
        {PIIX4_PM_DEVFN, 0xa0, 0xffffffff, 0x00000000},
    };
    for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
        uint32_t a = CFG(masks[i].devfn, masks[i].reg);
        uint32_t old = cfg_read(a, 4);
        cfg_write(a, 0xffffffff, 4);
        CHECK_EQ(cfg_read(a, 4), masks[i].ones);
        cfg_write(a, 0, 4);
        CHECK_EQ(cfg_read(a, 4), masks[i].zeros);
        cfg_write(a, old, 4);
    }
    /* SMRAM: D_OPEN, D_CLS, D_LCK, G_SMRAME writable, C_BASE_SEG 010.
     * Setting D_LCK clears D_OPEN and locks all but D_CLS until reset. */
    uint32_t smram = CFG(I440FX_DEVFN, I440FX_SMRAM);
    cfg_write(smram, 0x48, 1);
    CHECK_EQ(cfg_read(smram, 1), 0x4a);
    cfg_write(smram, 0x00, 1);
    CHECK_EQ(cfg_read(smram, 1), 0x02);
    cfg_write(smram, 0xff, 1);
    CHECK_EQ(cfg_read(smram, 1), 0x3a);
    cfg_write(smram, 0x40, 1);
    CHECK_EQ(cfg_read(smram, 1), 0x1a);
    pci_bus_reset(&board.bus);
    CHECK_EQ(cfg_read(smram, 1), 0x02);
    cfg_write(smram, 0x40, 1);
    CHECK_EQ(cfg_read(smram, 1), 0x42);
    pci_bus_reset(&board.bus);
}

static void test_reset_control(void)
{
    CHECK_EQ(inp(0xcf9, 1), 0x00); /* QEMU: CF9 reads 00 */
    outp(0xcf9, 0x02, 1);          /* Linux: first the reset type... */
    CHECK_EQ(board.resets, 0);
    CHECK_EQ(inp(0xcf9, 1), 0x02);
    outp(0xcf9, 0x06, 1); /* ...then bit 2: reset */
    CHECK_EQ(board.resets, 1);
    outp(0xcf9, 0x04, 1); /* bit 2 alone resets too, as QEMU's rcr_write */
    CHECK_EQ(board.resets, 2);
    outp(0xcf9, 0x0b, 1); /* only bit 1 is kept */
    CHECK_EQ(inp(0xcf9, 1), 0x02);
    /* A dword at 0xCF8 is CONFIG_ADDRESS even with bit 10 (0xCF9's bit 2). */
    outp(0xcf8, 0x80000400, 4);
    CHECK_EQ(board.resets, 2);
    CHECK_EQ(inp(0xcf8, 4), 0x80000400);
    CHECK_EQ(inp(0xcf9, 1), 0x02);
    pci_bus_reset(&board.bus);
    CHECK_EQ(inp(0xcf9, 1), 0x00);
    CHECK_EQ(inp(0xcf8, 4), 0x00000000);
}

static void test_pirq_routing(void)
{
    Piix3 *p = &board.isa;
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(cfg_read(CFG(PIIX3_DEVFN, 0x60 + i), 1), 0x80);
        CHECK(piix3_pirq_irq(p, i) == -1);
    }
    /* QEMU's pc swizzle: slot 1 INTA -> PIRQA, slot 2 INTA -> PIRQB,
     * slot 3 INTB -> PIRQD, slot 4 INTD -> PIRQC. */
    CHECK_EQ(piix3_slot_pirq(PCI_DEVFN(1, 3), 0), 0);
    CHECK_EQ(piix3_slot_pirq(PCI_DEVFN(2, 0), 0), 1);
    CHECK_EQ(piix3_slot_pirq(PCI_DEVFN(3, 0), 1), 3);
    CHECK_EQ(piix3_slot_pirq(PCI_DEVFN(4, 0), 3), 2);

    /* A function at slot 2, INTA -> PIRQB: nothing until PIRQB is routed. */
    static PciDevice dev2, dev6;
    pci_device_init(&dev2, "test", NULL, 0x1234, 0x0002, 0, 0xff0000, 0);
    dev2.config[PCI_INTERRUPT_PIN] = 1;
    CHECK(pci_register_device(&board.bus, &dev2, PCI_DEVFN(2, 0)) == 0);
    CHECK(pci_register_device(&board.bus, &dev2, PCI_DEVFN(2, 0)) == -EBUSY);
    pci_set_irq(&dev2, 1);
    CHECK_EQ(board.isa_calls, 0);
    CHECK_EQ(cfg_read(CFG(PCI_DEVFN(2, 0), PCI_STATUS), 2), PCI_STATUS_INTERRUPT);
    cfg_write(CFG(PIIX3_DEVFN, 0x61), 10, 1);
    CHECK_EQ(piix3_pirq_irq(p, 1), 10);
    CHECK_EQ(board.isa_level[10], 1);
    /* Slot 6 INTD -> (6 - 1 + 3) % 4 = PIRQA; route it to IRQ 10 as well:
     * the IRQ stays high until both are released. */
    pci_device_init(&dev6, "test6", NULL, 0x1234, 0x0006, 0, 0xff0000, 0);
    dev6.config[PCI_INTERRUPT_PIN] = 4;
    CHECK(pci_register_device(&board.bus, &dev6, PCI_DEVFN(6, 0)) == 0);
    piix3_set_pirq_route(p, 0, 10);
    CHECK_EQ(cfg_read(CFG(PIIX3_DEVFN, 0x60), 1), 10);
    pci_set_irq(&dev6, 1);
    pci_set_irq(&dev2, 0);
    CHECK_EQ(board.isa_level[10], 1);
    pci_set_irq(&dev6, 0);
    CHECK_EQ(board.isa_level[10], 0);
    /* Moving a PIRQ moves the level: PIRQB to IRQ 11 while asserted. */
    pci_set_irq(&dev2, 1);
    CHECK_EQ(board.isa_level[10], 1);
    cfg_write(CFG(PIIX3_DEVFN, 0x61), 11, 1);
    CHECK_EQ(board.isa_level[10], 0);
    CHECK_EQ(board.isa_level[11], 1);
    /* Disabled (bit 7) and reserved IRQs (0-2, 8, 13) route nowhere. */
    cfg_write(CFG(PIIX3_DEVFN, 0x61), 0x8b, 1);
    CHECK_EQ(board.isa_level[11], 0);
    CHECK(piix3_pirq_irq(p, 1) == -1);
    static const uint8_t reserved[] = {0, 1, 2, 8, 13};
    for (size_t i = 0; i < sizeof(reserved); i++) {
        cfg_write(CFG(PIIX3_DEVFN, 0x61), reserved[i], 1);
        CHECK(piix3_pirq_irq(p, 1) == -1);
    }
    int calls = board.isa_calls;
    cfg_write(CFG(PIIX3_DEVFN, 0x61), 5, 1);
    CHECK_EQ(board.isa_level[5], 1);
    /* INTx disable in the function's command register masks it. */
    cfg_write(CFG(PCI_DEVFN(2, 0), PCI_COMMAND), PCI_COMMAND_INTX_DISABLE, 2);
    CHECK_EQ(board.isa_level[5], 0);
    CHECK_EQ(cfg_read(CFG(PCI_DEVFN(2, 0), PCI_STATUS), 2), PCI_STATUS_INTERRUPT);
    cfg_write(CFG(PCI_DEVFN(2, 0), PCI_COMMAND), 0, 2);
    CHECK_EQ(board.isa_level[5], 1);
    CHECK(board.isa_calls > calls);
    /* Reset: routing disabled again, the function's INTx released. */
    pci_bus_reset(&board.bus);
    CHECK_EQ(board.isa_level[5], 0);
    CHECK_EQ(cfg_read(CFG(PIIX3_DEVFN, 0x60), 4), 0x80808080);
    CHECK_EQ(cfg_read(CFG(PCI_DEVFN(2, 0), PCI_STATUS), 2), 0);
    /* As SeaBIOS leaves them on QEMU: 10, 10, 11, 11. */
    piix3_set_pirq_route(p, 0, 10);
    piix3_set_pirq_route(p, 1, 10);
    piix3_set_pirq_route(p, 2, 11);
    piix3_set_pirq_route(p, 3, 11);
    CHECK_EQ(cfg_read(CFG(PIIX3_DEVFN, 0x60), 4), 0x0b0b0a0a);
    board.bus.devices[PCI_DEVFN(2, 0)] = NULL;
    board.bus.devices[PCI_DEVFN(6, 0)] = NULL;
}

static void test_pm_window(void)
{
    uint16_t base;
    CHECK(!piix4_pm_io_base(&board.pm, &base));
    CHECK_EQ(inp(0x600, 1), 0xff);
    /* PMBA first, then PMIOSE: the window appears at 0x600. */
    cfg_write(CFG(PIIX4_PM_DEVFN, 0x40), 0x601, 4);
    CHECK_EQ(cfg_read(CFG(PIIX4_PM_DEVFN, 0x40), 4), 0x601);
    CHECK_EQ(inp(0x600, 1), 0xff);
    cfg_write(CFG(PIIX4_PM_DEVFN, 0x80), 1, 1);
    CHECK(piix4_pm_io_base(&board.pm, &base));
    CHECK_EQ(base, 0x600);
    CHECK_EQ(inp(0x600, 1), 0x00);
    CHECK_EQ(inp(0x608, 1), 0x08);
    CHECK_EQ(inp(0x63f, 1), 0x3f);
    CHECK_EQ(inp(0x640, 1), 0xff); /* 64 ports */
    /* Moving PMBA moves the window (QEMU: old base reads FFFF after). */
    cfg_write(CFG(PIIX4_PM_DEVFN, 0x40), 0xb001, 4);
    CHECK_EQ(inp(0x604, 2), 0xffff);
    CHECK_EQ(inp(0xb004, 1), 0x04);
    /* Base bits below 6 are not writable: 0xB03F puts it at 0xB000. */
    cfg_write(CFG(PIIX4_PM_DEVFN, 0x41), 0xb0, 1);
    cfg_write(CFG(PIIX4_PM_DEVFN, 0x40), 0x3f, 1);
    CHECK_EQ(cfg_read(CFG(PIIX4_PM_DEVFN, 0x40), 2), 0xb001);
    /* PMIOSE off: gone (QEMU: FFFFFFFF). */
    cfg_write(CFG(PIIX4_PM_DEVFN, 0x80), 0, 1);
    CHECK_EQ(inp(0xb008, 4), 0xffffffff);
    /* What SeaBIOS does, for direct boot. */
    piix4_pm_firmware_setup(&board.pm, 0x600);
    CHECK_EQ(cfg_read(CFG(PIIX4_PM_DEVFN, 0x40), 4), 0x601);
    CHECK_EQ(cfg_read(CFG(PIIX4_PM_DEVFN, 0x80), 1), 1);
    CHECK_EQ(cfg_read(CFG(PIIX4_PM_DEVFN, 0x3c), 2), 0x0109);
    CHECK_EQ(inp(0x602, 1), 0x02);
    CHECK_EQ(inp(0xb002, 1), 0xff);
    /* Reset: PMBA 1, window off. */
    pci_bus_reset(&board.bus);
    CHECK(!piix4_pm_io_base(&board.pm, &base));
    CHECK_EQ(inp(0x600, 1), 0xff);
    CHECK_EQ(cfg_read(CFG(PIIX4_PM_DEVFN, 0x40), 4), 0x00000001);
}

static void test_pam(void)
{
    /* PAM 0: the board's map shows: RAM at 0xC0000, the BIOS at 0xF0000. */
    low_ram[0xc0000] = 0x11;
    low_ram[0xf0000] = 0x22;
    low_ram[0xe4000] = 0x33;
    CHECK_EQ(mem8(0xc0000), 0x11);
    CHECK_EQ(mem8(0xf0000), bios[0x10000]);
    CHECK_EQ(mem8(0xe4000), bios[0x4000]);
    for (unsigned s = 0; s < I440FX_PAM_SEGMENTS; s++) {
        CHECK_EQ(i440fx_pam_mode(&board.host, s), 0);
    }
    uint32_t pam0 = CFG(I440FX_DEVFN, I440FX_PAM0);
    /* RE + WE on 0xF0000: DRAM both ways; the board is told. */
    board.changes = 0;
    cfg_write(pam0, 0x30, 1);
    CHECK_EQ(board.changes, 1);
    CHECK_EQ(board.changed_lo, 0xf0000);
    CHECK_EQ(board.changed_hi, 0x100000);
    CHECK_EQ(mem8(0xf0000), 0x22);
    as_store(&board.mem, 0xf0001, 0x44, 1);
    CHECK_EQ(low_ram[0xf0001], 0x44);
    /* RE only: reads DRAM, writes go to the ROM side and vanish. */
    cfg_write(pam0, 0x10, 1);
    CHECK_EQ(mem8(0xf0001), 0x44);
    as_store(&board.mem, 0xf0001, 0x55, 1);
    CHECK_EQ(low_ram[0xf0001], 0x44);
    CHECK_EQ(mem8(0xf0001), 0x44);
    /* WE only: reads the ROM side, writes DRAM: a copy loop shadows it. */
    cfg_write(pam0, 0x20, 1);
    CHECK_EQ(i440fx_pam_mode(&board.host, 0), I440FX_PAM_WE);
    for (uint64_t a = 0xf0000; a < 0xf0010; a += 4) {
        as_store(&board.mem, a, as_load(&board.mem, a, 4), 4);
    }
    CHECK_EQ(low_ram[0xf0000], bios[0x10000]);
    CHECK_EQ(low_ram[0xf000f], bios[0x1000f]);
    CHECK_EQ(mem8(0xf0000), bios[0x10000]);
    cfg_write(pam0, 0x10, 1);
    CHECK_EQ(mem8(0xf000f), bios[0x1000f]); /* now from DRAM */
    /* PAM1 low nibble: 0xC0000-0xC3FFF; high nibble: 0xC4000-0xC7FFF. */
    board.changes = 0;
    cfg_write(CFG(I440FX_DEVFN, 0x5a), 0x10, 1);
    CHECK_EQ(board.changes, 1);
    CHECK_EQ(board.changed_lo, 0xc4000);
    CHECK_EQ(board.changed_hi, 0xc8000);
    as_store(&board.mem, 0xc4000, 0x66, 1);
    CHECK_EQ(low_ram[0xc4000], 0x00);
    as_store(&board.mem, 0xc0000, 0x77, 1);
    CHECK_EQ(low_ram[0xc0000], 0x77);
    /* PAM5 high nibble: 0xE4000-0xE7FFF, DRAM over the BIOS alias. */
    cfg_write(CFG(I440FX_DEVFN, 0x5e), 0x30, 1);
    CHECK_EQ(mem8(0xe4000), 0x33);
    CHECK_EQ(mem8(0xe0000), bios[0]);
    /* SeaBIOS's final state on QEMU: F0000 read-only, C0000-E7FFF
     * read-only, E8000-EFFFF read/write. A dword write changes four. */
    cfg_write(CFG(I440FX_DEVFN, 0x58), 0x11111000, 4);
    cfg_write(CFG(I440FX_DEVFN, 0x5c), 0x33111111, 4);
    CHECK_EQ(i440fx_pam_mode(&board.host, 0), I440FX_PAM_RE);
    CHECK_EQ(i440fx_pam_mode(&board.host, 1), I440FX_PAM_RE);
    CHECK_EQ(i440fx_pam_mode(&board.host, 10), I440FX_PAM_RE);
    CHECK_EQ(i440fx_pam_mode(&board.host, 11), I440FX_PAM_RE | I440FX_PAM_WE);
    CHECK_EQ(i440fx_pam_mode(&board.host, 12), I440FX_PAM_RE | I440FX_PAM_WE);
    /* Reset: all back to the PCI side. */
    board.changes = 0;
    pci_bus_reset(&board.bus);
    CHECK_EQ(board.changes, 1);
    CHECK_EQ(board.changed_lo, 0xc0000);
    CHECK_EQ(board.changed_hi, 0x100000);
    CHECK_EQ(mem8(0xf0000), bios[0x10000]);
    CHECK_EQ(mem8(0xe4000), bios[0x4000]);
    for (unsigned s = 0; s < I440FX_PAM_SEGMENTS; s++) {
        CHECK_EQ(i440fx_pam_mode(&board.host, s), 0);
    }
}

/* ---- BARs, on a test function ------------------------------------------------ */

static int bar_reads;

static uint64_t bar_read(void *opaque, uint64_t offset, unsigned size)
{
    bar_reads++;
    return (uintptr_t)opaque + offset;
}

static const MemOps bar_ops = {.read = bar_read, .max_size = 4};

static void test_bars(void)
{
    static PciDevice dev;
    unsigned devfn = PCI_DEVFN(3, 0);
    pci_device_init(&dev, "bars", NULL, 0x1234, 0x1111, 1, 0x020000, 0);
    CHECK(pci_register_bar(&dev, 0, PCI_BAR_IO, 0x20, &bar_ops, (void *)0x100) == -EINVAL);
    CHECK(pci_register_device(&board.bus, &dev, devfn) == 0);
    CHECK(pci_register_bar(&dev, 0, PCI_BAR_IO, 0x20, &bar_ops, (void *)0x100) == 0);
    CHECK(pci_register_bar(&dev, 0, PCI_BAR_IO, 0x20, &bar_ops, NULL) == -EINVAL);
    CHECK(pci_register_bar(&dev, 1, PCI_BAR_MEM32, 0x3000, &bar_ops, NULL) == -EINVAL);
    CHECK(pci_register_bar(&dev, 1, PCI_BAR_MEM32, 0x1000, &bar_ops, (void *)0x200) == 0);
    CHECK(pci_register_bar(&dev, 2, PCI_BAR_MEM64 | PCI_BAR_PREFETCH, 0x100000, &bar_ops,
                           (void *)0x300) == 0);
    CHECK(pci_register_bar(&dev, 3, PCI_BAR_MEM32, 0x1000, &bar_ops, NULL) == -EINVAL);

    /* Type bits read back; sizing: all ones, read, the size is the mask. */
    CHECK_EQ(cfg_read(CFG(devfn, 0x10), 4), 0x00000001);
    CHECK_EQ(cfg_read(CFG(devfn, 0x18), 4), 0x0000000c);
    cfg_write(CFG(devfn, 0x10), 0xffffffff, 4);
    cfg_write(CFG(devfn, 0x14), 0xffffffff, 4);
    cfg_write(CFG(devfn, 0x18), 0xffffffff, 4);
    cfg_write(CFG(devfn, 0x1c), 0xffffffff, 4);
    CHECK_EQ(cfg_read(CFG(devfn, 0x10), 4), 0xffffffe1);
    CHECK_EQ(cfg_read(CFG(devfn, 0x14), 4), 0xfffff000);
    CHECK_EQ(cfg_read(CFG(devfn, 0x18), 4), 0xfff0000c);
    CHECK_EQ(cfg_read(CFG(devfn, 0x1c), 4), 0xffffffff);
    /* Enabling decode with the sizing pattern in place maps nothing. */
    cfg_write(CFG(devfn, PCI_COMMAND), PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);
    CHECK(!dev.bars[0].mapped && !dev.bars[1].mapped && !dev.bars[2].mapped);
    cfg_write(CFG(devfn, PCI_COMMAND), 0, 2);

    /* Addresses; nothing decodes until the command register says so. */
    cfg_write(CFG(devfn, 0x10), 0xc001, 4); /* bit 0 is read-only */
    cfg_write(CFG(devfn, 0x14), 0xfebf1234, 4);
    cfg_write(CFG(devfn, 0x18), 0x00000000, 4);
    cfg_write(CFG(devfn, 0x1c), 0x00000001, 4); /* 0x1_0000_0000 */
    CHECK_EQ(cfg_read(CFG(devfn, 0x10), 4), 0x0000c001);
    CHECK_EQ(cfg_read(CFG(devfn, 0x14), 4), 0xfebf1000);
    CHECK_EQ(inp(0xc000, 1), 0xff);
    cfg_write(CFG(devfn, PCI_COMMAND), PCI_COMMAND_IO, 2);
    CHECK_EQ(inp(0xc004, 1), 0x04);
    CHECK_EQ(inp(0xc01f, 1), 0x1f);
    CHECK_EQ(inp(0xc020, 1), 0xff);
    CHECK_EQ(as_load(&board.mem, 0xfebf1000, 4), 0xffffffff);
    board.changes = 0;
    cfg_write(CFG(devfn, PCI_COMMAND), PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);
    CHECK_EQ(as_load(&board.mem, 0xfebf1008, 4), 0x208);
    CHECK_EQ(as_load(&board.mem, 0x100000010ull, 4), 0x310);
    CHECK_EQ(board.changes, 2);
    /* Moving a memory BAR tells the board about both places. */
    board.changes = 0;
    cfg_write(CFG(devfn, 0x14), 0xfebf0000, 4);
    CHECK_EQ(board.changes, 2);
    CHECK_EQ(board.changed_lo, 0xfebf0000);
    CHECK_EQ(as_load(&board.mem, 0xfebf1000, 4), 0xffffffff);
    CHECK_EQ(as_load(&board.mem, 0xfebf0004, 4), 0x204);
    /* Reset unmaps them all. */
    pci_bus_reset(&board.bus);
    CHECK_EQ(inp(0xc004, 1), 0xff);
    CHECK_EQ(as_load(&board.mem, 0xfebf0004, 4), 0xffffffff);
    CHECK_EQ(cfg_read(CFG(devfn, 0x10), 4), 0x00000001);
    CHECK(bar_reads > 0);
    board.bus.devices[devfn] = NULL;
}

int main(void)
{
    board_init(&board);
    test_reset_config_matches_qemu();
    test_config_mechanism();
    test_write_masks();
    test_reset_control();
    test_pirq_routing();
    test_pm_window();
    test_pam();
    test_bars();
    board_destroy(&board);

    /* Without a memory space the PAM registers still hold their values. */
    PciBus bus;
    I440fx host;
    pci_bus_init(&bus, NULL, NULL, 0);
    I440fxConfig none = {0};
    CHECK(i440fx_init(&host, &bus, &none) == 0);
    pci_config_write(&bus, 0, I440FX_PAM0, 0xff, 1);
    CHECK_EQ(pci_config_read(&bus, 0, I440FX_PAM0, 1), 0x30);
    CHECK_EQ(i440fx_pam_mode(&host, 0), 3);
    I440fx again;
    CHECK(i440fx_init(&again, &bus, &none) == -EBUSY);
    return check_report("pci");
}
