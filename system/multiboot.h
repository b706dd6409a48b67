/*
 * Multiboot v1 (Multiboot Specification 0.6.96): find the header, load the
 * kernel and its modules, build the information structure.
 */
#ifndef RX86_SYSTEM_MULTIBOOT_H
#define RX86_SYSTEM_MULTIBOOT_H

#include "system/loader.h"

#define MULTIBOOT_HEADER_MAGIC 0x1badb002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u
#define MULTIBOOT_SEARCH 8192 /* the header lies in the first 8 KiB */

/* Offset of a valid header (magic + flags + checksum == 0, 4-byte aligned)
 * within the first 8 KiB, or -1. */
long multiboot_find_header(const uint8_t *img, size_t size);

int multiboot_load(PcMachine *pc, const VmConfig *cfg, const uint8_t *img, size_t size,
                   BootState *boot, char *err, size_t errlen) __attribute__((warn_unused_result));

#endif
