/*
 * Loaders: put a guest image into RAM and say how the CPU starts on it.
 *   - no -kernel: the CPU starts at the reset vector (the -bios image)
 *   - Multiboot v1 kernels (ELF32, or any format with the a.out-kludge
 *     address fields), entered in 32-bit protected mode as the Multiboot
 *     0.6.96 specification, section 3.2, describes
 *   - a flat binary: loaded at 0x7C00, entered in real mode at 0000:7C00
 *     with DL = 0x80, like a boot sector but with no firmware behind it
 *   - Linux bzImage kernels by the Linux x86 boot protocol (linux_boot.c),
 *     entered at their 64-bit entry point with no firmware
 */
#ifndef RX86_SYSTEM_LOADER_H
#define RX86_SYSTEM_LOADER_H

#include "hw/hw.h"
#include "system/options.h"

#include <stddef.h>
#include <stdint.h>

typedef enum BootMode {
    BOOT_RESET_VECTOR, /* the CPU's power-on state: F000:FFF0 */
    BOOT_REAL_MODE,    /* real mode at cs:eip, other segments 0 */
    BOOT_FLAT32,       /* protected mode, flat 4 GiB code and data, no paging */
    BOOT_LONG64,       /* 64-bit mode, paging on CR3, flat code and data */
} BootMode;

/*
 * The CPU's state at the first guest instruction. In BOOT_FLAT32 and
 * BOOT_LONG64 the code segment is selector 0x10 and the data segments 0x18
 * (GRUB's and Linux's __BOOT_CS/__BOOT_DS); gdt_limit != 0 says a GDT in
 * RAM backs them, loaded into GDTR. BOOT_LONG64 also turns on PAE paging
 * on cr3 and EFER.LME/LMA, and starts at the 64-bit rip.
 */
typedef struct BootState {
    BootMode mode;
    uint16_t cs;
    uint32_t eip, eax, ebx, edx, esp, esi;
    uint64_t rip, cr3, gdt_base;
    uint16_t gdt_limit;
    /* Non-zero: set the MTRRs as firmware would (SeaBIOS on QEMU): enabled
     * with write-back by default, the legacy video window 0xA0000-0xBFFFF
     * uncacheable, the BIOS area write-protected, and [mtrr_uc_base,
     * 4 GiB) uncacheable (the PCI hole and the APICs, HPET, ROM). A kernel
     * finding them off turns PAT off too. */
    uint64_t mtrr_uc_base;
} BootState;

/* Where a flat binary goes (nasm: org 0x7c00). */
#define FLAT_LOAD_ADDR 0x7c00u

/*
 * Load what cfg names into pc and fill *boot. Returns 0, or -errno with a
 * one-line reason in err naming the file at fault.
 */
int loader_load(PcMachine *pc, const VmConfig *cfg, BootState *boot, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* Read a whole file (at most max bytes). Returns 0 or -errno (-EFBIG if larger). */
int loader_read_file(const char *path, size_t max, uint8_t **data, size_t *size)
    __attribute__((warn_unused_result));

#endif
