/*
 * The PIIX south bridge functions of QEMU's "pc": the PIIX3 PCI-to-ISA
 * bridge at 00:01.0 and the PIIX4 power-management function at 00:01.3
 * (QEMU puts a PIIX4's ACPI function beside a PIIX3; so does rx86).
 *
 * PIIX3 (Intel 82371SB datasheet, order no. 290550): 8086:7000, class 0601,
 * header type 0x80 (multi-function: the PC's IDE is 01.1, PM 01.3). Its
 * PIRQ Route Control registers 0x60-0x63 (PIRQRC[A:D], datasheet 2.2.10)
 * steer the four PCI interrupt lines to ISA IRQs: bit 7 set disables the
 * routing (the reset value 0x80), bits 3:0 name the IRQ; 0-2, 8 and 13 are
 * reserved and route nowhere. A PCI function's INTx pin reaches
 * PIRQ[(slot - 1 + pin) % 4] (the board's wiring: QEMU's pc_pci_slot_get_pirq,
 * which its DSDT's _PRT describes; pin 0 is INTA#). The router
 * ORs every function on a PIRQ, and every PIRQ on an IRQ, and drives the
 * ISA IRQ lines it was given: a level, as PCI interrupts are (the board
 * makes those IRQs level-triggered in the ELCR and ORs them with any ISA
 * device on the same IRQ).
 *
 * PIIX4 PM (Intel 82371AB datasheet, order no. 290562, function 3):
 * 8086:7113 revision 03, class 0680, interrupt pin INTA. PMBA (0x40, bits
 * 15:6; bit 0 reads 1: I/O space) places the 64-byte ACPI register block
 * in the port space and PMREGMISC (0x80) bit 0 (PMIOSE) enables it: the
 * window moves whenever either is written (the registers themselves are
 * acpi_pm.h's). SMBus is not implemented: 0x90 (SMBBA) reads 0x0001 and
 * 0xD2 (SMBHSTCFG) 0, host disabled, where QEMU has an SMBus at 0xB100.
 *
 * Reset values confirmed on QEMU 7.2 "pc" at reset: PIIX3 command 0,
 * status 0x0200, 0x4C 0x4D, 0x4E 0x03, PIRQRC 0x80 x4, 0x69 0x02, 0x70
 * 0x80, 0x76/0x77 0x0C, 0x78 0x02, 0xA0 0x08, 0xA8 0x0F; PIIX4 PM status
 * 0x0280, PMBA 0x00000001, PMREGMISC 0, 0x5B 0x02, 0x5F 0x10, 0x63 0x60.
 * After SeaBIOS: PIRQA-D 10, 10, 11, 11; PMBA 0x601, PMREGMISC 1,
 * interrupt line 9 (the SCI).
 */
#ifndef RX86_HW_PIIX_H
#define RX86_HW_PIIX_H

#include "hw/pci.h"

#define PIIX3_VENDOR_ID 0x8086
#define PIIX3_DEVICE_ID 0x7000
#define PIIX3_CLASS 0x060100 /* ISA bridge */
#define PIIX3_DEVFN PCI_DEVFN(1, 0)
#define PIIX3_PIRQRC 0x60
#define PIIX3_PIRQ_COUNT 4
#define PIIX3_PIRQ_DISABLE 0x80
#define PIIX3_ISA_IRQS 16

#define PIIX4_PM_DEVICE_ID 0x7113
#define PIIX4_PM_REVISION 0x03
#define PIIX4_PM_CLASS 0x068000 /* other bridge */
#define PIIX4_PM_DEVFN PCI_DEVFN(1, 3)
#define PIIX4_PM_PMBA 0x40
#define PIIX4_PM_PMREGMISC 0x80
#define PIIX4_PM_PMIOSE 0x01
#define PIIX4_PM_IO_SIZE 64
#define PIIX4_PM_SCI_IRQ 9 /* hard-wired on QEMU's pc, as SeaBIOS assumes */

typedef struct Piix3 {
    PciDevice pci;
    IrqLine isa_irq[PIIX3_ISA_IRQS];
    /* The functions (one bit per devfn) driving each PIRQ. */
    uint64_t pirq_sources[PIIX3_PIRQ_COUNT][PCI_DEVFN_COUNT / 64];
    uint16_t isa_levels; /* the IRQs now driven high */
} Piix3;

/*
 * Put the ISA bridge at 00:01.0 and make it the bus's INTx router; routed
 * interrupts go out on isa_irq[0..15]. Returns 0 or -EBUSY.
 */
int piix3_init(Piix3 *p, PciBus *bus, const IrqLine isa_irq[PIIX3_ISA_IRQS])
    __attribute__((warn_unused_result));
/* The ISA IRQ PIRQ pirq (0 = PIRQA) is routed to now, or -1. */
int piix3_pirq_irq(const Piix3 *p, unsigned pirq);
/* The PIRQ a PCI function's pin (0 = INTA#) reaches on bus 0. */
unsigned piix3_slot_pirq(unsigned devfn, unsigned pin);
/* Route PIRQ pirq to ISA IRQ irq (-1: disable), as firmware programs it. */
void piix3_set_pirq_route(Piix3 *p, unsigned pirq, int irq);
/* The INTx router (PciBus.set_irq): function devfn drives its pin. */
void piix3_pci_irq(void *opaque, unsigned devfn, unsigned pin, int level);

typedef struct Piix4Pm {
    PciDevice pci;
    AddressSpace *io;
    MemRegion *window; /* the ACPI register block, PIIX4_PM_IO_SIZE ports */
} Piix4Pm;

/*
 * Put the PM function at 00:01.3. Its register window is served by pm_ops
 * and pm_opaque (acpi_pm_ops and the AcpiPm) and added, disabled, to the
 * port space io at priority. Returns 0, -EBUSY or -ENOMEM.
 */
int piix4_pm_init(Piix4Pm *p, PciBus *bus, AddressSpace *io, const MemOps *pm_ops, void *pm_opaque,
                  int priority) __attribute__((warn_unused_result));
/* Where the ACPI registers are decoded now; false while disabled. */
bool piix4_pm_io_base(const Piix4Pm *p, uint16_t *base);
/*
 * What SeaBIOS does to the function at boot, for direct boot without
 * firmware: PMBA = base (0x600 on QEMU's pc), PMIOSE on, interrupt line
 * PIIX4_PM_SCI_IRQ.
 */
void piix4_pm_firmware_setup(Piix4Pm *p, uint16_t base);

#endif
