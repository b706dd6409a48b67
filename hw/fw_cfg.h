/*
 * QEMU's firmware configuration device (QEMU docs/specs/fw_cfg.rst), the
 * channel through which SeaBIOS, OVMF and Linux's qemu_fw_cfg driver read
 * what the emulator tells them: RAM size, CPUs, the kernel and command line
 * for direct boot, ACPI/SMBIOS tables, the E820 map, named files.
 *
 *   port 0x510 (16-bit write)  selector: picks an item, offset to 0
 *   port 0x511 (8-bit read)    data: the next byte of the item, 0 past its
 *                              end (a byte read of 0x510 reads data too)
 *   port 0x514 (2 x 32 bit)    DMA address, big-endian: a write of the
 *                              high half at 0x514 and of the low half at
 *                              0x518 (which starts the transfer), or one
 *                              64-bit write at 0x514; reads return the
 *                              signature "QEMU CFG"
 *
 * A DMA transfer reads the FWCfgDmaAccess at that guest address: control
 * (big-endian 32 bits: error 0x01, read 0x02, skip 0x04, select 0x08 with
 * the key in bits 31:16, write 0x10), length (be32), address (be64). It
 * selects if asked, then reads (zeros past the item's end), writes (only
 * to writable items, never past their end), or skips length bytes, and
 * writes control back: 0 on success, the error bit on failure. Guest
 * memory is reached through the callbacks the board gives (RAM only: an
 * address that is not RAM is an error).
 *
 * Keys 0x0000-0x001F are the well-known items, 0x0020 and up the files
 * (sorted by name, so the key of each is 0x20 + its position, as QEMU's),
 * 0x8000-0x801F the architecture's (x86: 0x8000 ACPI tables, 0x8001
 * SMBIOS, 0x8002 IRQ0 override, 0x8003 E820 table, 0x8004 HPET). Bit 14 of
 * a selector (the old write channel) is ignored, as since QEMU 2.4.
 *
 * Checked against QEMU 7.2 (a bare-metal program): the signature, ID 3, a
 * word read of 0x510/0x511 returning 0 without moving the offset, a byte
 * write to the data port ignored, 0x4000 selecting item 0, the DMA
 * signature bytes, DMA reads of the file directory, past an item's end
 * and of an invalid key (zeros, control 0), skip, a write to a read-only
 * item (control 0x01), control 0x12 performing the read.
 */
#ifndef RX86_HW_FW_CFG_H
#define RX86_HW_FW_CFG_H

#include "hw/hw.h"

#define FW_CFG_PORT_SEL 0x510 /* 2 ports: selector and data */
#define FW_CFG_PORT_DMA 0x514 /* 8 ports */
#define FW_CFG_IO_SIZE 2
#define FW_CFG_DMA_SIZE 8

/* Well-known keys (QEMU include/standard-headers/linux/qemu_fw_cfg.h). */
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_UUID 0x02
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NOGRAPHIC 0x04
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_MACHINE_ID 0x06
#define FW_CFG_KERNEL_ADDR 0x07
#define FW_CFG_KERNEL_SIZE 0x08
#define FW_CFG_KERNEL_CMDLINE 0x09
#define FW_CFG_INITRD_ADDR 0x0a
#define FW_CFG_INITRD_SIZE 0x0b
#define FW_CFG_BOOT_DEVICE 0x0c
#define FW_CFG_NUMA 0x0d
#define FW_CFG_BOOT_MENU 0x0e
#define FW_CFG_MAX_CPUS 0x0f
#define FW_CFG_KERNEL_ENTRY 0x10
#define FW_CFG_KERNEL_DATA 0x11
#define FW_CFG_INITRD_DATA 0x12
#define FW_CFG_CMDLINE_ADDR 0x13
#define FW_CFG_CMDLINE_SIZE 0x14
#define FW_CFG_CMDLINE_DATA 0x15
#define FW_CFG_SETUP_ADDR 0x16
#define FW_CFG_SETUP_SIZE 0x17
#define FW_CFG_SETUP_DATA 0x18
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_ACPI_TABLES (FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES (FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE (FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE (FW_CFG_ARCH_LOCAL + 3)
#define FW_CFG_HPET (FW_CFG_ARCH_LOCAL + 4)
#define FW_CFG_ARCH_ITEMS 0x20
#define FW_CFG_INVALID 0xffff

#define FW_CFG_ID_TRADITIONAL 0x01
#define FW_CFG_ID_DMA 0x02

#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ull /* "QEMU CFG" */

#define FW_CFG_FILE_NAME_SIZE 56 /* with its NUL */
#define FW_CFG_DIR_ENTRY_SIZE 64 /* be32 size, be16 select, be16 reserved, name */
#define FW_CFG_MAX_FILES 1024

/* How DMA reaches guest memory; each returns false if any byte of the
 * range is not RAM (nothing is then guaranteed about the others). */
typedef struct FwCfgMemory {
    bool (*read)(void *opaque, uint64_t addr, void *buf, size_t len);
    bool (*write)(void *opaque, uint64_t addr, const void *buf, size_t len);
    void *opaque;
} FwCfgMemory;

typedef struct FwCfgItem {
    uint8_t *data; /* owned copy; NULL for an absent item */
    uint32_t len;
    bool writable; /* by DMA */
    void (*written)(void *opaque, uint32_t offset, uint32_t len);
    void *written_opaque;
} FwCfgItem;

typedef struct FwCfgFile {
    char name[FW_CFG_FILE_NAME_SIZE];
    FwCfgItem item;
} FwCfgFile;

typedef struct FwCfg {
    FwCfgItem generic[FW_CFG_FILE_FIRST];
    FwCfgItem arch[FW_CFG_ARCH_ITEMS];
    FwCfgFile *files; /* sorted by name; file i has key FW_CFG_FILE_FIRST + i */
    size_t nfiles, cap;
    uint16_t selector;
    FwCfgItem *cur; /* what the selector names, or NULL (invalid) */
    uint32_t offset;
    uint64_t dma_addr;
    FwCfgMemory mem;
} FwCfg;

/*
 * The device with its fixed items: signature "QEMU", ID (traditional, and
 * DMA if mem has both callbacks), UUID 0, NOGRAPHIC 0, BOOT_MENU 0 and an
 * empty file directory, as QEMU's starts. Returns 0 or -ENOMEM.
 */
int fw_cfg_init(FwCfg *f, FwCfgMemory mem) __attribute__((warn_unused_result));
void fw_cfg_destroy(FwCfg *f);
/* Selector 0, offset 0, DMA address 0 (items are kept). */
void fw_cfg_reset(FwCfg *f);

/*
 * Add or replace the item at key (0x00-0x18 and 0x1A-0x1F, or
 * 0x8000-0x801F), copying len bytes. Returns 0, -EINVAL for a key that is
 * not such an item's, -E2BIG, or -ENOMEM.
 */
int fw_cfg_add_bytes(FwCfg *f, uint16_t key, const void *data, size_t len)
    __attribute__((warn_unused_result));
/* Little-endian integers, and a string with its NUL. */
int fw_cfg_add_i16(FwCfg *f, uint16_t key, uint16_t value) __attribute__((warn_unused_result));
int fw_cfg_add_i32(FwCfg *f, uint16_t key, uint32_t value) __attribute__((warn_unused_result));
int fw_cfg_add_i64(FwCfg *f, uint16_t key, uint64_t value) __attribute__((warn_unused_result));
int fw_cfg_add_string(FwCfg *f, uint16_t key, const char *s) __attribute__((warn_unused_result));

/*
 * Add a named file (e.g. "etc/e820"), copying len bytes; the directory is
 * rebuilt. Returns 0, -EEXIST, -ENAMETOOLONG (55 characters at most),
 * -EINVAL (empty name), -ENOSPC, -E2BIG or -ENOMEM. Call before the guest
 * runs: a file added later moves the keys of those after it.
 */
int fw_cfg_add_file(FwCfg *f, const char *name, const void *data, size_t len)
    __attribute__((warn_unused_result));
/* The same, writable by DMA; written (may be NULL) hears each write. */
int fw_cfg_add_file_writable(FwCfg *f, const char *name, const void *data, size_t len,
                             void (*written)(void *opaque, uint32_t offset, uint32_t len),
                             void *opaque) __attribute__((warn_unused_result));
/* A file's current bytes (after guest writes), or NULL. */
const uint8_t *fw_cfg_file_data(const FwCfg *f, const char *name, uint32_t *len);

extern const MemOps fw_cfg_io_ops;  /* 0x510-0x511; opaque is the FwCfg */
extern const MemOps fw_cfg_dma_ops; /* 0x514-0x51B; opaque is the FwCfg */

#endif
