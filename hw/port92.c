/*
 * Port 0x92, System Control Port A: the "fast A20" gate and fast reset of
 * the IBM PS/2 (IBM PS/2 Hardware Interface Technical Reference, "System
 * Control Port A"), kept by PC chipsets since (Intel 82371AB PIIX4
 * datasheet, "Port 92h"):
 *   bit 0  fast reset: a write that takes it from 0 to 1 resets the CPU
 *   bit 1  A20 gate: 1 lets address line 20 through, 0 forces it to 0
 * The other bits have no effect here (bit 3, the CMOS password lock, and
 * bits 6-7, the fixed-disk lights, on a PS/2); a read returns the byte last
 * written, as QEMU's does.
 *
 * The A20 gate is an output line (IrqLine) the board routes to the CPU:
 * rx86's own CPU masks bit 20 of every physical address while it is low,
 * as the A20M# pin does (SDM Vol. 3A, "Architecture Compatibility",
 * "Segment Wraparound"); KVM has no such mask and leaves the line
 * unconnected. The reset goes to a
 * callback: the VM decides what a reset means (rx86 cannot reset yet).
 */
#include "hw/hw.h"

/* After power-on the gate is open: firmware (and rx86's Multiboot loader,
 * which stands in for it) runs with A20 enabled, and the register says so. */
#define PORT92_POWER_ON PORT92_A20

void port92_init(Port92 *p, IrqLine a20, void (*request_reset)(void *opaque), void *opaque)
{
    *p = (Port92){.a20 = a20, .request_reset = request_reset, .reset_opaque = opaque};
    port92_reset(p);
}

void port92_reset(Port92 *p)
{
    p->value = PORT92_POWER_ON;
    irq_set(&p->a20, (p->value & PORT92_A20) != 0);
}

static uint64_t port92_read(void *opaque, uint64_t offset, unsigned size)
{
    const Port92 *p = opaque;
    return p->value;
}

static void port92_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Port92 *p = opaque;
    uint8_t old = p->value;
    p->value = (uint8_t)value;
    irq_set(&p->a20, (p->value & PORT92_A20) != 0);
    if ((p->value & PORT92_FAST_RESET) && !(old & PORT92_FAST_RESET) && p->request_reset) {
        p->request_reset(p->reset_opaque);
    }
}

const MemOps port92_ops = {.read = port92_read, .write = port92_write, .max_size = 1};
