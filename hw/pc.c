/*
 * The PC board: memory map, BIOS mapping, and the devices a command line
 * asks for. Everything is added explicitly from here; nothing registers
 * itself.
 *
 * Memory map (as on a PC with an i440FX chipset, and as QEMU's "pc"):
 *   0x00000000  low RAM (the legacy VGA window 0xA0000-0xBFFFF unclaimed
 *               until a VGA exists: reads return all ones)
 *   0x000C0000  the option ROM space: read-only zeros (QEMU's pc.rom)
 *   0x000E0000  the last 128 KiB of the BIOS (read-only alias)
 *   ...         RAM up to ram_below_4g
 *   4 GiB - N   the BIOS image, N bytes
 *   0x100000000 RAM above 4 GiB, if any
 *
 * Built in: port 0x92 (fast A20 and reset), as on every PC chipset, the
 * two i8259 PICs with their ELCRs, and the IOAPIC at 0xFEC00000. The i8254
 * PIT needs the VM's clock and is added with pc_add_pit(); the vCPU's
 * local APIC (0xFEE00000) comes with the vCPU (pc_add_lapic()).
 *
 * Interrupt wiring (ISA IRQ numbers): 0 the PIT's counter 0, 2 the slave
 * PIC, 3 COM2/COM4, 4 COM1/COM3 (two UARTs on one line are OR-ed). Each
 * ISA IRQ drives the PIC's input and an IOAPIC pin, as QEMU's "pc" wires
 * them: IRQ n to pin n, but IRQ 0 to pin 2 (the MADT's interrupt source
 * override) and the cascade IRQ 2 to none; pins 16-23 are for PCI. The
 * PIC's INTR goes to LINT0 of the local APIC (ExtINT), the APIC's INTR to
 * the CPU, and the CPU's INTA to the APIC, which asks the PIC for ExtINT.
 */
#include "hw/hw.h"
#include "hw/pc_platform.h"
#include "hw/ioapic.h"
#include "hw/lapic.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define GIB (1024ull * 1024 * 1024)
#define LEGACY_VGA_BASE 0xa0000
#define LEGACY_VGA_END 0xc0000
#define OPTION_ROM_END 0xe0000
#define BIOS_MAX_SIZE (16u * 1024 * 1024)

/* Region priorities: ROM aliases cover RAM. */
enum { PRIO_RAM = 0, PRIO_ROM = 1, PRIO_DEVICE = 2 };

const uint16_t pc_uart_ports[PC_MAX_UARTS] = {0x3f8, 0x2f8, 0x3e8, 0x2e8};
const uint8_t pc_uart_irqs[PC_MAX_UARTS] = {4, 3, 4, 3};

/* The board's A20 gate follows port 0x92 (the only source until an i8042
 * drives it too). */
static void board_a20(void *opaque, int n, int level)
{
    PcMachine *pc = opaque;
    irq_set(&pc->cpu_a20, level);
}

static void board_reset(void *opaque)
{
    PcMachine *pc = opaque;
    if (pc->reset_handler) {
        pc->reset_handler(pc->reset_opaque);
    }
}

/* The PIC's INTR: LINT0 of the local APIC, or the CPU's INTR without one. */
static void board_intr(void *opaque, int n, int level)
{
    PcMachine *pc = opaque;
    if (pc->lapic) {
        lapic_set_lint(pc->lapic, 0, level);
    } else {
        irq_set(&pc->cpu_intr, level);
    }
}

/* The local APIC's INTR and NMI, to whatever the accelerator connected. */
static void board_lapic_intr(void *opaque, int n, int level)
{
    PcMachine *pc = opaque;
    irq_set(&pc->cpu_intr, level);
}

static void board_lapic_nmi(void *opaque, int n, int level)
{
    PcMachine *pc = opaque;
    irq_set(&pc->cpu_nmi, level);
}

/* The local APIC's INTA cycle for ExtINT goes to the PIC. */
static int board_extint_ack(void *opaque)
{
    PcMachine *pc = opaque;
    return pic_intack(pc->pic);
}

/* The APIC bus: the IOAPIC's messages to the local APICs, the local
 * APICs' EOIs of level-triggered vectors to the IOAPIC. */
static void board_ioapic_deliver(void *opaque, const ApicMsg *msg)
{
    PcMachine *pc = opaque;
    apic_bus_deliver(pc->apic_bus, msg);
}

static void board_apic_eoi(void *opaque, uint8_t vector)
{
    PcMachine *pc = opaque;
    ioapic_eoi(pc->ioapic, vector);
}

/* IRQ 0's pin unmasked: the PIT may send edges again, even if the last
 * one still waits, masked, in the PIC (an OS moving the timer from the
 * PIC to the IOAPIC). */
static void board_ioapic_unmasked(void *opaque, unsigned pin)
{
    PcMachine *pc = opaque;
    if (pin == 2 && pc->pit) {
        pit_irq_accepted(pc->pit);
    }
}

/* The PIC took IRQ 0's edge: the PIT may raise the next one. */
static void board_edge_accepted(void *opaque, int irq)
{
    PcMachine *pc = opaque;
    if (irq == 0 && pc->pit) {
        pit_irq_accepted(pc->pit);
    }
}

/* The IOAPIC pin of ISA IRQ n, or -1 (the cascade). */
static int isa_irq_pin(unsigned irq)
{
    return irq == 0 ? 2 : irq == PIC_CASCADE_IRQ ? -1 : (int)irq;
}

/* An ISA IRQ line: the PIC's input and its IOAPIC pin. An edge of IRQ 0
 * the IOAPIC sent on is taken: the PIT may raise the next one (else only
 * the PIC's INTA lets it, which never comes with the PIC masked). */
static void board_isa_irq(void *opaque, int n, int level)
{
    PcMachine *pc = opaque;
    pic_set_irq(pc->pic, n, level);
    int pin = isa_irq_pin((unsigned)n);
    if (pin >= 0 && ioapic_set_irq(pc->ioapic, (unsigned)pin, level) && n == 0 && pc->pit) {
        pit_irq_accepted(pc->pit);
    }
}

/* A GSI no ISA IRQ shares: the IOAPIC pin only. */
static void board_gsi(void *opaque, int n, int level)
{
    PcMachine *pc = opaque;
    ioapic_set_irq(pc->ioapic, (unsigned)n, level);
}

/* INTR as the CPU should see it now. */
static bool cpu_intr_level(const PcMachine *pc)
{
    return pc->lapic ? pc->lapic->intr_level : pic_intr_level(pc->pic);
}

static void move_lapic_page(PcMachine *pc);

static int add_pic(PcMachine *pc)
{
    Pic *pic = malloc(sizeof(*pic));
    if (!pic) {
        return -ENOMEM;
    }
    pic_init(pic, (IrqLine){board_intr, pc, 0});
    pic->edge_accepted = board_edge_accepted;
    pic->edge_opaque = pc;
    if (!as_add_io(&pc->io, "pic-master", 0x20, 2, &pic_master_ops, pic, PRIO_DEVICE) ||
        !as_add_io(&pc->io, "pic-slave", 0xa0, 2, &pic_slave_ops, pic, PRIO_DEVICE) ||
        !as_add_io(&pc->io, "elcr", 0x4d0, 2, &pic_elcr_ops, pic, PRIO_DEVICE)) {
        free(pic);
        return -ENOMEM;
    }
    pc->pic = pic;
    return 0;
}

static int add_ioapic(PcMachine *pc)
{
    pc->apic_bus = calloc(1, sizeof(*pc->apic_bus));
    pc->ioapic = malloc(sizeof(*pc->ioapic));
    if (!pc->apic_bus || !pc->ioapic) {
        return -ENOMEM;
    }
    pc->apic_bus->eoi = board_apic_eoi;
    pc->apic_bus->eoi_opaque = pc;
    ioapic_init(pc->ioapic, board_ioapic_deliver, pc);
    pc->ioapic->unmasked = board_ioapic_unmasked;
    if (!as_add_io(&pc->mem, "ioapic", IOAPIC_DEFAULT_BASE, IOAPIC_MMIO_SIZE, &ioapic_ops,
                   pc->ioapic, PRIO_DEVICE)) {
        return -ENOMEM;
    }
    return 0;
}

void pc_reset(PcMachine *pc)
{
    pthread_mutex_lock(&pc->lock);
    ioapic_reset(pc->ioapic);
    if (pc->lapic) {
        lapic_reset(pc->lapic);
        move_lapic_page(pc);
    }
    pic_reset(pc->pic);
    if (pc->pit) {
        pit_reset(pc->pit);
    }
    for (int i = 0; i < PC_MAX_UARTS; i++) {
        if (pc->uarts[i]) {
            uart_reset(pc->uarts[i]);
        }
        pc->uart_irq_level[i] = 0;
    }
    port92_reset(pc->port92); /* A20 back on, through cpu_a20 */
    pc_platform_reset(pc);
    irq_set(&pc->cpu_intr, cpu_intr_level(pc));
    pthread_mutex_unlock(&pc->lock);
}

void pc_connect_intr(PcMachine *pc, IrqLine cpu_intr)
{
    pthread_mutex_lock(&pc->lock);
    pc->cpu_intr = cpu_intr;
    irq_set(&pc->cpu_intr, cpu_intr_level(pc));
    pthread_mutex_unlock(&pc->lock);
}

void pc_connect_nmi(PcMachine *pc, IrqLine cpu_nmi)
{
    pthread_mutex_lock(&pc->lock);
    pc->cpu_nmi = cpu_nmi;
    pthread_mutex_unlock(&pc->lock);
}

int pc_intack(PcMachine *pc)
{
    pthread_mutex_lock(&pc->lock);
    int vector = pc->lapic ? lapic_intack(pc->lapic) : pic_intack(pc->pic);
    pthread_mutex_unlock(&pc->lock);
    return vector;
}

IrqLine pc_isa_irq(PcMachine *pc, unsigned irq)
{
    return (IrqLine){board_isa_irq, pc, (int)(irq % PIC_IRQS)};
}

IrqLine pc_gsi(PcMachine *pc, unsigned gsi)
{
    if (gsi >= IOAPIC_PINS) {
        return (IrqLine){0};
    }
    if (gsi == 2) {
        return pc_isa_irq(pc, 0);
    }
    if (gsi != 0 && gsi < PIC_IRQS) {
        return pc_isa_irq(pc, gsi);
    }
    return (IrqLine){board_gsi, pc, (int)gsi};
}

void pc_msi(PcMachine *pc, uint64_t addr, uint32_t data)
{
    apic_bus_msi(pc->apic_bus, addr, data);
}

/* ---- the local APIC ---- */

/* Its register page where IA32_APIC_BASE says, or none while the APIC is
 * globally disabled (SDM Vol. 3A 10.4.3). */
static void move_lapic_page(PcMachine *pc)
{
    MemRegion *r = pc->lapic_mmio;
    uint64_t base = pc->lapic->base & APIC_BASE_ADDR_MASK;
    bool on = lapic_enabled(pc->lapic);
    /* A failure (out of memory) leaves the page where it was. */
    if (r->base != base && as_move_region(&pc->mem, r, base) < 0) {
        return;
    }
    if (r->enabled != on && as_enable_region(&pc->mem, r, on) < 0) {
        return;
    }
}

int pc_add_lapic(PcMachine *pc, const HwClock *clock)
{
    if (pc->lapic) {
        return -EBUSY;
    }
    Lapic *l = malloc(sizeof(*l));
    if (!l) {
        return -ENOMEM;
    }
    int err = lapic_init(l, 0, true, clock, pc->apic_bus);
    if (err) {
        free(l);
        return err;
    }
    MemRegion *r = as_add_io(&pc->mem, "lapic", LAPIC_DEFAULT_BASE, LAPIC_MMIO_SIZE, &lapic_ops, l,
                             PRIO_DEVICE);
    if (!r) {
        pc->apic_bus->ncpus--;
        lapic_destroy(l);
        free(l);
        return -ENOMEM;
    }
    pthread_mutex_lock(&pc->lock);
    l->intr = (IrqLine){board_lapic_intr, pc, 0};
    l->nmi = (IrqLine){board_lapic_nmi, pc, 0};
    l->extint_ack = board_extint_ack;
    l->extint_opaque = pc;
    pc->lapic = l;
    pc->lapic_mmio = r;
    lapic_set_lint(l, 0, pic_intr_level(pc->pic));
    irq_set(&pc->cpu_intr, cpu_intr_level(pc));
    pthread_mutex_unlock(&pc->lock);
    return 0;
}

void pc_apic_set_base(PcMachine *pc, uint64_t value)
{
    pthread_mutex_lock(&pc->lock);
    if (pc->lapic) {
        lapic_set_base(pc->lapic, value);
        move_lapic_page(pc);
    }
    pthread_mutex_unlock(&pc->lock);
}

uint64_t pc_apic_base(PcMachine *pc)
{
    pthread_mutex_lock(&pc->lock);
    uint64_t v = pc->lapic ? pc->lapic->base : 0;
    pthread_mutex_unlock(&pc->lock);
    return v;
}

uint8_t pc_apic_cr8(PcMachine *pc)
{
    pthread_mutex_lock(&pc->lock);
    uint8_t v = pc->lapic ? lapic_get_cr8(pc->lapic) : 0;
    pthread_mutex_unlock(&pc->lock);
    return v;
}

void pc_apic_set_cr8(PcMachine *pc, uint8_t value)
{
    pthread_mutex_lock(&pc->lock);
    if (pc->lapic) {
        lapic_set_cr8(pc->lapic, value);
    }
    pthread_mutex_unlock(&pc->lock);
}

uint64_t pc_apic_tsc_deadline(PcMachine *pc)
{
    pthread_mutex_lock(&pc->lock);
    uint64_t v = pc->lapic ? lapic_get_tsc_deadline(pc->lapic) : 0;
    pthread_mutex_unlock(&pc->lock);
    return v;
}

void pc_apic_set_tsc_deadline(PcMachine *pc, uint64_t value, int64_t expire_ns)
{
    pthread_mutex_lock(&pc->lock);
    if (pc->lapic) {
        lapic_set_tsc_deadline(pc->lapic, value, expire_ns);
    }
    pthread_mutex_unlock(&pc->lock);
}

static int add_port92(PcMachine *pc)
{
    Port92 *p = malloc(sizeof(*p));
    if (!p) {
        return -ENOMEM;
    }
    port92_init(p, (IrqLine){board_a20, pc, 0}, board_reset, pc);
    if (!as_add_io(&pc->io, "port92", 0x92, 1, &port92_ops, p, PRIO_DEVICE)) {
        free(p);
        return -ENOMEM;
    }
    pc->port92 = p;
    return 0;
}

void pc_connect_a20(PcMachine *pc, IrqLine cpu_a20)
{
    pc->cpu_a20 = cpu_a20;
}

void pc_connect_reset(PcMachine *pc, void (*handler)(void *opaque), void *opaque)
{
    pc->reset_handler = handler;
    pc->reset_opaque = opaque;
}

void pc_connect_memory(PcMachine *pc, const PcMemoryListener *listener)
{
    pc->memory_listener = *listener;
}

void pc_ram_written(PcMachine *pc, uint64_t base, uint64_t len)
{
    if (pc->memory_listener.ram_written) {
        pc->memory_listener.ram_written(pc->memory_listener.opaque, base, len);
    }
}

void pc_map_changed(PcMachine *pc, uint64_t base, uint64_t len)
{
    if (pc->memory_listener.map_changed) {
        pc->memory_listener.map_changed(pc->memory_listener.opaque, base, len);
    }
}

int pc_init(PcMachine *pc, uint64_t ram_size)
{
    int err;
    memset(pc, 0, sizeof(*pc));
    atomic_init(&pc->exit_status, -1);
    if (ram_size < 1024 * 1024 || (ram_size & 0xfff) != 0) {
        return -EINVAL;
    }
    err = pthread_mutex_init(&pc->lock, NULL);
    if (err) {
        return -err;
    }
    /* 52 bits of physical address, the most x86-64 defines (SDM Vol. 3A 4.1.4). */
    err = as_init(&pc->mem, "memory", 1ull << 52);
    if (err) {
        goto out_lock;
    }
    err = as_init(&pc->io, "ports", 1ull << 16);
    if (err) {
        goto out_mem;
    }

    /* Anonymous mapping: untouched guest RAM costs no host memory. */
    void *ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ram == MAP_FAILED) {
        err = -ENOMEM;
        goto out_io;
    }
    pc->ram = ram;
    pc->ram_size = ram_size;

    /* With 3.5 GiB or more, low RAM stops at 3 GiB to leave room for PCI
     * (QEMU's i440FX rule for gigabyte-aligned machines). */
    pc->ram_below_4g = ram_size >= 0xe0000000ull ? 0xc0000000ull : ram_size;
    uint64_t low = pc->ram_below_4g;

    err = -ENOMEM;
    if (low <= LEGACY_VGA_BASE) {
        if (!as_add_ram(&pc->mem, "ram-low", 0, low, pc->ram, PRIO_RAM)) {
            goto out_ram;
        }
    } else {
        if (!as_add_ram(&pc->mem, "ram-low", 0, LEGACY_VGA_BASE, pc->ram, PRIO_RAM)) {
            goto out_ram;
        }
        if (low > LEGACY_VGA_END &&
            !as_add_ram(&pc->mem, "ram", LEGACY_VGA_END, low - LEGACY_VGA_END,
                        pc->ram + LEGACY_VGA_END, PRIO_RAM)) {
            goto out_ram;
        }
        /* The option ROM space 0xC0000-0xDFFFF answers from the PCI side
         * (the i440FX's PAM registers can put DRAM there): read-only
         * zeros, QEMU's "pc.rom", until a VGA or option ROM exists. */
        if (low > OPTION_ROM_END) {
            /* Page aligned: KVM maps it as a memory slot. */
            pc->option_rom = aligned_alloc(4096, OPTION_ROM_END - LEGACY_VGA_END);
            if (pc->option_rom) {
                memset(pc->option_rom, 0, OPTION_ROM_END - LEGACY_VGA_END);
            }
            if (!pc->option_rom ||
                !as_add_rom(&pc->mem, "option-rom", LEGACY_VGA_END,
                            OPTION_ROM_END - LEGACY_VGA_END, pc->option_rom, PRIO_ROM)) {
                goto out_ram;
            }
        }
    }
    if (ram_size > low &&
        !as_add_ram(&pc->mem, "ram-high", 4 * GIB, ram_size - low, pc->ram + low, PRIO_RAM)) {
        goto out_ram;
    }
    err = add_port92(pc);
    if (!err) {
        err = add_pic(pc);
    }
    if (!err) {
        err = add_ioapic(pc);
    }
    if (err) {
        goto out_ram;
    }
    return 0;

out_ram:
    free(pc->option_rom);
    free(pc->ioapic);
    free(pc->apic_bus);
    free(pc->pic);
    free(pc->port92);
    munmap(pc->ram, pc->ram_size);
out_io:
    as_destroy(&pc->io);
out_mem:
    as_destroy(&pc->mem);
out_lock:
    pthread_mutex_destroy(&pc->lock);
    return err;
}

void pc_destroy(PcMachine *pc)
{
    pc_platform_destroy(pc);
    for (unsigned i = 0; i < PC_MAX_UARTS; i++) {
        free(pc->uarts[i]);
    }
    for (size_t i = 0; i < pc->ndebugcons; i++) {
        free(pc->debugcons[i]);
    }
    for (size_t i = 0; i < pc->ndebug_exits; i++) {
        free(pc->debug_exits[i]);
    }
    free(pc->port92);
    if (pc->pit) {
        pit_destroy(pc->pit);
        free(pc->pit);
    }
    free(pc->pic);
    if (pc->lapic) {
        lapic_destroy(pc->lapic);
        free(pc->lapic);
    }
    free(pc->ioapic);
    free(pc->apic_bus);
    if (pc->ram) {
        munmap(pc->ram, pc->ram_size);
    }
    if (pc->bios) {
        munmap(pc->bios, pc->bios_size);
    }
    free(pc->option_rom);
    as_destroy(&pc->io);
    as_destroy(&pc->mem);
    pthread_mutex_destroy(&pc->lock);
}

int pc_load_bios(PcMachine *pc, const uint8_t *image, size_t size)
{
    if (size == 0 || size % (64 * 1024) != 0 || size > BIOS_MAX_SIZE || pc->bios) {
        return -EINVAL;
    }
    /* Page-aligned, so an accelerator can map it into the guest directly. */
    void *bios = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (bios == MAP_FAILED) {
        return -ENOMEM;
    }
    pc->bios = bios;
    memcpy(pc->bios, image, size);
    pc->bios_size = size;

    size_t alias = size < PC_BIOS_ALIAS_SIZE ? size : PC_BIOS_ALIAS_SIZE;
    if (!as_add_rom(&pc->mem, "bios", 4 * GIB - size, size, pc->bios, PRIO_ROM) ||
        !as_add_rom(&pc->mem, "bios-low", 1024 * 1024 - alias, alias, pc->bios + size - alias,
                    PRIO_ROM)) {
        return -ENOMEM;
    }
    return 0;
}

static bool ports_free(PcMachine *pc, uint16_t port, uint16_t size)
{
    for (uint32_t p = port; p < (uint32_t)port + size; p++) {
        if (as_lookup(&pc->io, p)) {
            return false;
        }
    }
    return true;
}

/* Claim ports for a device unless another device has any of them. */
static int claim_ports(PcMachine *pc, const char *name, uint16_t port, uint16_t size,
                       const MemOps *ops, void *opaque)
{
    if (size == 0 || (uint32_t)port + size > 0x10000) {
        return -EINVAL;
    }
    if (!ports_free(pc, port, size)) {
        return -EBUSY;
    }
    return as_add_io(&pc->io, name, port, size, ops, opaque, PRIO_DEVICE) ? 0 : -ENOMEM;
}

int pc_add_pit(PcMachine *pc, const HwClock *clock)
{
    if (pc->pit) {
        return -EBUSY;
    }
    if (!ports_free(pc, 0x40, 4) || !ports_free(pc, 0x61, 1)) {
        return -EBUSY;
    }
    Pit *pit = malloc(sizeof(*pit));
    if (!pit) {
        return -ENOMEM;
    }
    int err = pit_init(pit, clock, pc_isa_irq(pc, 0));
    if (err) {
        free(pit);
        return err;
    }
    /* The board owns it from here: a region added before a failure still
     * points at it, so it lives until pc_destroy(). */
    pc->pit = pit;
    if (!as_add_io(&pc->io, "pit", 0x40, 4, &pit_ops, pit, PRIO_DEVICE) ||
        !as_add_io(&pc->io, "port61", 0x61, 1, &pit_port61_ops, pit, PRIO_DEVICE)) {
        return -ENOMEM;
    }
    return 0;
}

/* COM1 and COM3 share IRQ 4, COM2 and COM4 IRQ 3: the line is high while
 * either UART drives it high. */
static void board_uart_irq(void *opaque, int n, int level)
{
    PcMachine *pc = opaque;
    pc->uart_irq_level[n] = level != 0;
    int line = 0;
    for (unsigned i = 0; i < PC_MAX_UARTS; i++) {
        if (pc_uart_irqs[i] == pc_uart_irqs[n]) {
            line |= pc->uart_irq_level[i];
        }
    }
    board_isa_irq(pc, pc_uart_irqs[n], line);
}

int pc_add_uart(PcMachine *pc, unsigned index, CharSink out)
{
    if (index >= PC_MAX_UARTS || pc->uarts[index]) {
        return -EBUSY;
    }
    Uart *u = malloc(sizeof(*u));
    if (!u) {
        return -ENOMEM;
    }
    uart_init(u, out, (IrqLine){board_uart_irq, pc, (int)index});
    int err = claim_ports(pc, "uart", pc_uart_ports[index], 8, &uart_ops, u);
    if (err) {
        free(u);
        return err;
    }
    pc->uarts[index] = u;
    return 0;
}

int pc_add_debugcon(PcMachine *pc, uint16_t port, CharSink out)
{
    if (pc->ndebugcons == PC_MAX_SIMPLE_DEVICES) {
        return -ENOSPC;
    }
    DebugCon *d = malloc(sizeof(*d));
    if (!d) {
        return -ENOMEM;
    }
    *d = (DebugCon){.out = out, .readback = 0xe9};
    int err = claim_ports(pc, "isa-debugcon", port, 1, &debugcon_ops, d);
    if (err) {
        free(d);
        return err;
    }
    pc->debugcons[pc->ndebugcons++] = d;
    return 0;
}

static void request_exit(void *opaque, int status)
{
    PcMachine *pc = opaque;
    int running = -1;
    /* The first request wins: a later one cannot change the status. */
    atomic_compare_exchange_strong(&pc->exit_status, &running, status);
}

int pc_add_debug_exit(PcMachine *pc, uint16_t port, uint16_t size)
{
    if (pc->ndebug_exits == PC_MAX_SIMPLE_DEVICES) {
        return -ENOSPC;
    }
    DebugExit *d = malloc(sizeof(*d));
    if (!d) {
        return -ENOMEM;
    }
    *d = (DebugExit){.request_exit = request_exit, .opaque = pc};
    int err = claim_ports(pc, "isa-debug-exit", port, size, &debug_exit_ops, d);
    if (err) {
        free(d);
        return err;
    }
    pc->debug_exits[pc->ndebug_exits++] = d;
    return 0;
}

uint64_t pc_port_read(PcMachine *pc, uint16_t port, unsigned size)
{
    pthread_mutex_lock(&pc->lock);
    uint64_t v = as_load(&pc->io, port, size);
    pthread_mutex_unlock(&pc->lock);
    return v;
}

void pc_port_write(PcMachine *pc, uint16_t port, uint64_t value, unsigned size)
{
    pthread_mutex_lock(&pc->lock);
    as_store(&pc->io, port, value, size);
    pthread_mutex_unlock(&pc->lock);
}

void pc_mmio_read(PcMachine *pc, uint64_t addr, void *buf, size_t len)
{
    pthread_mutex_lock(&pc->lock);
    as_read(&pc->mem, addr, buf, len);
    pthread_mutex_unlock(&pc->lock);
}

void pc_mmio_write(PcMachine *pc, uint64_t addr, const void *buf, size_t len)
{
    pthread_mutex_lock(&pc->lock);
    as_write(&pc->mem, addr, buf, len);
    pthread_mutex_unlock(&pc->lock);
}
