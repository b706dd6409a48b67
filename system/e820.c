/*
 * The memory map: see e820.h. The layout follows what SeaBIOS reports on
 * QEMU's "pc", which kernels are tested against: 639 KiB of conventional
 * memory, a 1 KiB EBDA at 0x9FC00, the BIOS area 0xF0000-0xFFFFF (where an
 * RSDP may be found by scanning), then RAM from 1 MiB.
 */
#include "system/e820.h"

#define EBDA_BASE 0x9fc00u
#define BIOS_AREA_BASE 0xf0000u
#define HIGH_MEMORY 0x100000u
#define BIOS_ROM_BASE 0xfffc0000ull /* the part of the ROM reported reserved */

uint64_t e820_low_ram_end(const PcMachine *pc)
{
    return pc->acpi_size ? pc->acpi_base : pc->ram_below_4g;
}

size_t e820_build(const PcMachine *pc, E820Entry *out)
{
    size_t n = 0;
    out[n++] = (E820Entry){0, EBDA_BASE, E820_RAM};
    out[n++] = (E820Entry){EBDA_BASE, 0xa0000u - EBDA_BASE, E820_RESERVED};
    out[n++] = (E820Entry){BIOS_AREA_BASE, HIGH_MEMORY - BIOS_AREA_BASE, E820_RESERVED};
    uint64_t low_end = e820_low_ram_end(pc);
    if (low_end > HIGH_MEMORY) {
        out[n++] = (E820Entry){HIGH_MEMORY, low_end - HIGH_MEMORY, E820_RAM};
    }
    if (pc->acpi_size) {
        out[n++] = (E820Entry){pc->acpi_base, pc->acpi_size, E820_ACPI};
    }
    out[n++] = (E820Entry){BIOS_ROM_BASE, (4ull << 30) - BIOS_ROM_BASE, E820_RESERVED};
    if (pc->ram_size > pc->ram_below_4g) {
        out[n++] = (E820Entry){4ull << 30, pc->ram_size - pc->ram_below_4g, E820_RAM};
    }
    return n;
}
