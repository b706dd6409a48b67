/*
 * Direct Linux boot: a bzImage with -kernel, -initrd and -append, loaded by
 * the Linux x86 boot protocol (Documentation/x86/boot.rst) with no firmware:
 * rx86 fills the zero page (struct boot_params) with the setup header, the
 * command line, the initrd, the e820 map and the ACPI RSDP, builds an
 * identity map and a GDT, and enters the kernel at its 64-bit entry point
 * (protocol 2.12+, XLF_KERNEL_64), or at its 32-bit one for a 32-bit kernel.
 */
#ifndef RX86_SYSTEM_LINUX_BOOT_H
#define RX86_SYSTEM_LINUX_BOOT_H

#include "system/loader.h"

#include <stdbool.h>

/* Guest physical layout of what the loader writes (all below 1 MiB, in the
 * conventional memory the e820 map reports; the kernel reserves its first
 * 64 KiB and copies the zero page and command line before it reuses them). */
#define LINUX_GDT_ADDR 0x5000u
#define LINUX_ZERO_PAGE_ADDR 0x7000u
#define LINUX_STACK_TOP 0x8ff0u
#define LINUX_PAGE_TABLES_ADDR 0x9000u /* PML4, PDPT, 4 PDs: 0-4 GiB */
#define LINUX_CMDLINE_ADDR 0x20000u
#define LINUX_KERNEL_ADDR 0x100000u /* the protected-mode kernel */

/* Whether img carries a Linux boot protocol header ("HdrS" at 0x202). */
bool linux_is_bzimage(const uint8_t *img, size_t size);

/* Load the kernel img (cfg->kernel), cfg->initrd and cfg->append; fill
 * *boot. Returns 0, or -errno with a one-line reason in err. */
int linux_load(PcMachine *pc, const VmConfig *cfg, const uint8_t *img, size_t size,
               BootState *boot, char *err, size_t errlen) __attribute__((warn_unused_result));

#endif
