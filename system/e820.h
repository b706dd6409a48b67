/*
 * The PC's memory map as firmware reports it (the BIOS's INT 15h E820h
 * function; ACPI 6.5 section 15, "System Address Map Interfaces"), built
 * from what the board really has (hw/pc.c). Direct boot loaders hand it to
 * the kernel: Multiboot's mmap, Linux's boot_params.e820_table.
 */
#ifndef RX86_SYSTEM_E820_H
#define RX86_SYSTEM_E820_H

#include "hw/hw.h"

#include <stddef.h>
#include <stdint.h>

enum {
    E820_RAM = 1,
    E820_RESERVED = 2,
    E820_ACPI = 3, /* ACPI tables: RAM the OS may reclaim once it read them */
};

typedef struct E820Entry {
    uint64_t base, len;
    uint32_t type;
} E820Entry;

#define E820_MAX_ENTRIES 8

/*
 * Fill out[] (E820_MAX_ENTRIES long) in address order: conventional
 * memory below the EBDA, the EBDA, the BIOS area, low RAM (less the ACPI
 * tables, PcMachine.acpi_base/acpi_size), the BIOS ROM below 4 GiB and
 * RAM above 4 GiB. Returns the number of entries.
 */
size_t e820_build(const PcMachine *pc, E820Entry *out);

/* The end of the RAM below 4 GiB a loader may use (the ACPI tables sit on
 * top of it). */
uint64_t e820_low_ram_end(const PcMachine *pc);

#endif
