/* QEMU's fw_cfg device (hw/fw_cfg.c): the selector and data ports, items
 * and files, the file directory's big-endian layout and sort order, and
 * the DMA interface with its errors. The values marked "QEMU" were read
 * from QEMU 7.2's pc by a bare-metal program through the same ports. */
#include "hw/fw_cfg.h"
#include "tests/unit/check.h"

#include <errno.h>
#include <string.h>

/* ---- guest RAM for DMA: two windows, one above 4 GiB ---- */

#define LOW_BASE 0x10000ull
#define HIGH_BASE 0x100000000ull
#define WINDOW 0x10000u

static uint8_t low_ram[WINDOW], high_ram[WINDOW];

static uint8_t *ram_at(uint64_t addr, size_t len)
{
    if (addr >= LOW_BASE && addr - LOW_BASE + len <= WINDOW) {
        return low_ram + (addr - LOW_BASE);
    }
    if (addr >= HIGH_BASE && addr - HIGH_BASE + len <= WINDOW) {
        return high_ram + (addr - HIGH_BASE);
    }
    return NULL;
}

static bool ram_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
    uint8_t *p = ram_at(addr, len);
    if (p) {
        memcpy(buf, p, len);
    }
    return p != NULL;
}

static bool ram_write(void *opaque, uint64_t addr, const void *buf, size_t len)
{
    uint8_t *p = ram_at(addr, len);
    if (p) {
        memcpy(p, buf, len);
    }
    return p != NULL;
}

static FwCfg fw;

/* ---- the guest's side ---- */

static void select_key(uint16_t key)
{
    fw_cfg_io_ops.write(&fw, 0, key, 2);
}

static uint8_t data8(void)
{
    return (uint8_t)fw_cfg_io_ops.read(&fw, 1, 1);
}

static void read_bytes(uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf[i] = data8();
    }
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (24 - 8 * i));
    }
}

/* Build an FWCfgDmaAccess at desc and start it the way Linux and SeaBIOS
 * do: the high half at 0x514, then the low half at 0x518, each as the
 * big-endian value a little-endian CPU writes with outl(). Returns the
 * control word written back. */
static uint32_t dma(uint64_t desc, uint32_t control, uint32_t length, uint64_t addr)
{
    uint8_t *d = ram_at(desc, 16);
    if (d) {
        put_be32(d, control);
        put_be32(d + 4, length);
        put_be32(d + 8, (uint32_t)(addr >> 32));
        put_be32(d + 12, (uint32_t)addr);
    }
    fw_cfg_dma_ops.write(&fw, 0, __builtin_bswap32((uint32_t)(desc >> 32)), 4);
    fw_cfg_dma_ops.write(&fw, 4, __builtin_bswap32((uint32_t)desc), 4);
    return d ? be32(d) : 0xdeadbeef;
}

static void test_traditional(void)
{
    uint8_t b[16];
    select_key(FW_CFG_SIGNATURE);
    read_bytes(b, 6);
    CHECK(memcmp(b, "QEMU\0\0", 6) == 0); /* QEMU: 51454D550000 */
    /* A byte read of 0x510 reads data too (QEMU: 51 45). */
    select_key(FW_CFG_SIGNATURE);
    CHECK_EQ(fw_cfg_io_ops.read(&fw, 0, 1), 'Q');
    CHECK_EQ(fw_cfg_io_ops.read(&fw, 0, 1), 'E');
    /* Wider reads return 0 and do not move the offset (QEMU). */
    select_key(FW_CFG_SIGNATURE);
    CHECK_EQ(fw_cfg_io_ops.read(&fw, 0, 2), 0);
    CHECK_EQ(fw_cfg_io_ops.read(&fw, 1, 2), 0);
    CHECK_EQ(data8(), 'Q');
    /* A byte write to the data port is ignored (QEMU: still QEMU). */
    select_key(FW_CFG_SIGNATURE);
    fw_cfg_io_ops.write(&fw, 1, 'A', 1);
    read_bytes(b, 4);
    CHECK(memcmp(b, "QEMU", 4) == 0);
    /* ID: traditional and DMA (QEMU: 03000000). */
    select_key(FW_CFG_ID);
    read_bytes(b, 4);
    CHECK_EQ(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24, 3);
    /* Bit 14 (the old write channel) is ignored (QEMU: 0x4000 reads QEMU). */
    select_key(0x4000);
    read_bytes(b, 4);
    CHECK(memcmp(b, "QEMU", 4) == 0);
    /* No such item: zeros (QEMU: 0x3FFF). */
    select_key(0x3fff);
    read_bytes(b, 4);
    CHECK(memcmp(b, "\0\0\0\0", 4) == 0);
    select_key(0x8010);
    CHECK_EQ(data8(), 0);
    /* The defaults QEMU starts with: UUID 0, NOGRAPHIC 0, BOOT_MENU 0. */
    select_key(FW_CFG_UUID);
    read_bytes(b, 16);
    for (int i = 0; i < 16; i++) {
        CHECK_EQ(b[i], 0);
    }
    select_key(FW_CFG_NOGRAPHIC);
    CHECK_EQ(data8() | data8() << 8, 0);
}

static void test_items(void)
{
    uint8_t b[16];
    /* What the board adds: integers are little-endian (QEMU: RAM_SIZE of
     * 128 MiB reads 00 00 00 08 00 00 00 00, NB_CPUS 01 00). */
    CHECK(fw_cfg_add_i64(&fw, FW_CFG_RAM_SIZE, 128u << 20) == 0);
    CHECK(fw_cfg_add_i16(&fw, FW_CFG_NB_CPUS, 1) == 0);
    CHECK(fw_cfg_add_i16(&fw, FW_CFG_MAX_CPUS, 1) == 0);
    CHECK(fw_cfg_add_i32(&fw, FW_CFG_KERNEL_ADDR, 0x100000) == 0);
    CHECK(fw_cfg_add_string(&fw, FW_CFG_CMDLINE_DATA, "console=ttyS0") == 0);
    CHECK(fw_cfg_add_i32(&fw, FW_CFG_CMDLINE_SIZE, sizeof("console=ttyS0")) == 0);
    CHECK(fw_cfg_add_i32(&fw, FW_CFG_IRQ0_OVERRIDE, 1) == 0);
    select_key(FW_CFG_RAM_SIZE);
    read_bytes(b, 9);
    CHECK(memcmp(b, "\0\0\0\x08\0\0\0\0\0", 9) == 0);
    select_key(FW_CFG_NB_CPUS);
    read_bytes(b, 3);
    CHECK(memcmp(b, "\x01\0\0", 3) == 0);
    select_key(FW_CFG_KERNEL_ADDR);
    read_bytes(b, 4);
    CHECK(memcmp(b, "\0\0\x10\0", 4) == 0);
    select_key(FW_CFG_CMDLINE_DATA);
    read_bytes(b, 15);
    CHECK(memcmp(b, "console=ttyS0\0\0", 15) == 0);
    select_key(FW_CFG_IRQ0_OVERRIDE);
    CHECK_EQ(data8(), 1);
    /* Replacing an item, even the selected one, restarts nothing wrong. */
    select_key(FW_CFG_NB_CPUS);
    CHECK(fw_cfg_add_i16(&fw, FW_CFG_NB_CPUS, 2) == 0);
    CHECK_EQ(data8(), 2);
    /* Keys that are not items: the directory, files, beyond the arch's. */
    CHECK(fw_cfg_add_i32(&fw, FW_CFG_FILE_DIR, 0) == -EINVAL);
    CHECK(fw_cfg_add_i32(&fw, FW_CFG_FILE_FIRST, 0) == -EINVAL);
    CHECK(fw_cfg_add_i32(&fw, FW_CFG_ARCH_LOCAL + FW_CFG_ARCH_ITEMS, 0) == -EINVAL);
}

/* The directory QEMU 7.2 showed for "-M pc -nodefaults" with a BIOS. */
static const struct {
    const char *name;
    uint32_t size;
} qemu_files[] = {
    {"bios-geometry", 0},
    {"bootorder", 0},
    {"etc/acpi/rsdp", 0x14},
    {"etc/acpi/tables", 0x20000},
    {"etc/boot-fail-wait", 4},
    {"etc/e820", 0x28},
    {"etc/smbios/smbios-anchor", 0x1f},
    {"etc/smbios/smbios-tables", 0x141},
    {"etc/system-states", 6},
    {"etc/table-loader", 0x1000},
    {"etc/tpm/log", 0},
    {"genroms/kvmvapic.bin", 0x2400},
};
#define NFILES (sizeof(qemu_files) / sizeof(qemu_files[0]))

static uint8_t blob[0x20000];

/* Check the directory: count, then each file as qemu_files[] from skip on
 * (the first `skip` entries are other files sorted before them). */
static void check_directory(uint32_t count, unsigned skip)
{
    static uint8_t dir[4 + 16 * 64];
    select_key(FW_CFG_FILE_DIR);
    read_bytes(dir, 4 + count * 64);
    CHECK_EQ(be32(dir), count); /* QEMU: 0000000C for its twelve */
    for (size_t i = 0; i < NFILES; i++) {
        const uint8_t *e = dir + 4 + (skip + i) * 64;
        CHECK_EQ(be32(e), qemu_files[i].size);
        CHECK_EQ(e[4] << 8 | e[5], 0x20 + skip + i); /* QEMU: bios-geometry 0x20 ... */
        CHECK_EQ(e[6] | e[7], 0);
        CHECK(strcmp((const char *)e + 8, qemu_files[i].name) == 0);
        CHECK_EQ(e[8 + 55], 0);
    }
    CHECK_EQ(data8(), 0); /* nothing after the last entry */
}

static char long_name[FW_CFG_FILE_NAME_SIZE + 1];

static void test_files(void)
{
    /* Added out of order; the directory comes out sorted, keys by place,
     * as QEMU 7.2 listed them. */
    static const unsigned order[NFILES] = {5, 11, 0, 3, 9, 1, 7, 2, 10, 4, 8, 6};
    for (size_t i = 0; i < sizeof(blob); i++) {
        blob[i] = (uint8_t)(i * 7);
    }
    for (size_t i = 0; i < NFILES; i++) {
        unsigned f = order[i];
        CHECK(fw_cfg_add_file(&fw, qemu_files[f].name, blob, qemu_files[f].size) == 0);
    }
    check_directory(NFILES, 0);
    CHECK(fw_cfg_add_file(&fw, "etc/e820", blob, 4) == -EEXIST);
    CHECK(fw_cfg_add_file(&fw, "", blob, 4) == -EINVAL);
    /* Names: 55 characters and the NUL fit in 56 bytes; 56 do not. */
    memset(long_name, 'a', FW_CFG_FILE_NAME_SIZE);
    CHECK(fw_cfg_add_file(&fw, long_name, blob, 4) == -ENAMETOOLONG);
    long_name[FW_CFG_FILE_NAME_SIZE - 1] = 0;
    /* It sorts first ('a' < 'b'): every other key moves up by one. */
    CHECK(fw_cfg_add_file(&fw, long_name, blob, 3) == 0);
    check_directory(NFILES + 1, 1);
    select_key(FW_CFG_FILE_FIRST);
    uint8_t b[4];
    read_bytes(b, 4);
    CHECK(memcmp(b, blob, 3) == 0 && b[3] == 0);
    /* A file's data through its key (etc/e820 is now 0x26), and its
     * bytes for the board. */
    select_key(FW_CFG_FILE_FIRST + 6);
    read_bytes(b, 2);
    CHECK(memcmp(b, blob, 2) == 0);
    uint32_t len;
    CHECK(fw_cfg_file_data(&fw, "etc/e820", &len) != NULL);
    CHECK_EQ(len, 0x28);
    CHECK(fw_cfg_file_data(&fw, "etc/none", &len) == NULL);
    /* Beyond the last file: no item. */
    select_key(FW_CFG_FILE_FIRST + NFILES + 1);
    CHECK_EQ(data8(), 0);
}

static void test_dma(void)
{
    uint8_t *buf = low_ram + 0x1000;
    uint64_t buf_addr = LOW_BASE + 0x1000;
    uint64_t desc = LOW_BASE + 0x100;
    /* The address register reads "QEMU CFG" (QEMU: 554D4551 47464320). */
    CHECK_EQ(fw_cfg_dma_ops.read(&fw, 0, 4), 0x554d4551);
    CHECK_EQ(fw_cfg_dma_ops.read(&fw, 4, 4), 0x47464320);
    for (unsigned i = 0; i < 8; i++) {
        CHECK_EQ(fw_cfg_dma_ops.read(&fw, i, 1), "QEMU CFG"[i]);
    }
    CHECK_EQ(fw_cfg_dma_ops.read(&fw, 0, 8), 0x47464320554d4551ull);

    /* Select the directory and read 12 bytes (QEMU: control 0, then
     * 0000000C 00000000 00200000 for its twelve files). */
    memset(buf, 0xcc, 64);
    CHECK_EQ(dma(desc, FW_CFG_FILE_DIR << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 12,
                 buf_addr),
             0);
    CHECK_EQ(be32(buf), NFILES + 1);
    CHECK_EQ(be32(buf + 4), 3);
    CHECK_EQ(be32(buf + 8), FW_CFG_FILE_FIRST << 16);
    CHECK_EQ(buf[12], 0xcc);
    /* The data port goes on where DMA stopped (QEMU read "bios", the start
     * of its first name); skip moves the offset (QEMU: skip 2, "eome"). */
    uint8_t b[8];
    read_bytes(b, 4);
    CHECK(memcmp(b, "aaaa", 4) == 0);
    CHECK_EQ(dma(desc, FW_CFG_DMA_CTL_SKIP, 50, 0), 0);
    read_bytes(b, 3);
    CHECK(memcmp(b, "a\0\0", 3) == 0); /* name bytes 54, 55, then the next size */
    CHECK_EQ(dma(desc, FW_CFG_DMA_CTL_SKIP, 0x100000, 0), 0); /* past the end: fine */
    CHECK_EQ(data8(), 0);
    /* Reading past the end: the rest is zeros, no error (QEMU). */
    memset(buf, 0xcc, 16);
    CHECK_EQ(dma(desc, FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 8,
                 buf_addr),
             0);
    CHECK(memcmp(buf, "QEMU\0\0\0\0\xcc", 9) == 0);
    /* An invalid key reads zeros (QEMU). */
    memset(buf, 0xcc, 16);
    CHECK_EQ(dma(desc, 0x3fffu << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, buf_addr),
             0);
    CHECK(memcmp(buf, "\0\0\0\0\xcc", 5) == 0);
    /* No operation bits: nothing, control 0 (QEMU). */
    CHECK_EQ(dma(desc, 0, 4, buf_addr), 0);
    /* Read and write together: the read wins (QEMU). */
    select_key(FW_CFG_SIGNATURE);
    memset(buf, 0xcc, 16);
    CHECK_EQ(dma(desc, FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_WRITE, 2, buf_addr), 0);
    CHECK(memcmp(buf, "QE\xcc", 3) == 0);
    /* Writing a read-only item: error (QEMU: control 00000001). */
    CHECK_EQ(dma(desc, FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 2,
                 buf_addr),
             FW_CFG_DMA_CTL_ERROR);
    select_key(FW_CFG_SIGNATURE);
    read_bytes(b, 4);
    CHECK(memcmp(b, "QEMU", 4) == 0);
    /* A target that is not RAM: error. */
    CHECK_EQ(
        dma(desc, FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, 0x9000),
        FW_CFG_DMA_CTL_ERROR);
    /* A descriptor above 4 GiB: the high half counts. */
    uint64_t high_desc = HIGH_BASE + 0x40;
    CHECK_EQ(dma(high_desc, FW_CFG_ID << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4,
                 HIGH_BASE + 0x80),
             0);
    CHECK_EQ(high_ram[0x80], 3);
    /* One 64-bit write at 0x514 starts it too. */
    uint8_t *d = ram_at(desc, 16);
    put_be32(d, FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ);
    put_be32(d + 4, 4);
    put_be32(d + 8, 0);
    put_be32(d + 12, (uint32_t)buf_addr);
    memset(buf, 0, 8);
    fw_cfg_dma_ops.write(&fw, 0, __builtin_bswap64(desc), 8);
    CHECK_EQ(be32(d), 0);
    CHECK(memcmp(buf, "QEMU", 4) == 0);
    /* Other widths at 0x514 do nothing. */
    put_be32(d, FW_CFG_ID << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ);
    fw_cfg_dma_ops.write(&fw, 4, 0x12345678, 2);
    fw_cfg_dma_ops.write(&fw, 0, 0x12345678, 1);
    CHECK_EQ(be32(d), FW_CFG_ID << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ);

    /* A large item: a kernel through DMA, as SeaBIOS's linuxboot does. */
    CHECK(fw_cfg_add_bytes(&fw, FW_CFG_KERNEL_DATA, blob, 0x3000) == 0);
    CHECK_EQ(dma(desc, FW_CFG_KERNEL_DATA << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
                 0x3000, LOW_BASE + 0x2000),
             0);
    CHECK(memcmp(low_ram + 0x2000, blob, 0x3000) == 0);
}

static uint32_t written_offset, written_len;
static int written_calls;

static void on_written(void *opaque, uint32_t offset, uint32_t len)
{
    written_calls++;
    written_offset = offset;
    written_len = len;
}

static void test_dma_write(void)
{
    uint64_t desc = LOW_BASE + 0x100;
    uint8_t *buf = low_ram + 0x1000;
    uint64_t buf_addr = LOW_BASE + 0x1000;
    CHECK(fw_cfg_add_file_writable(&fw, "opt/rx86/mailbox", "abcdefgh", 8, on_written, NULL) == 0);
    uint8_t dir[4];
    select_key(FW_CFG_FILE_DIR);
    read_bytes(dir, 4);
    uint32_t count = be32(dir);
    /* Find its key the way a guest does: through the directory. */
    uint16_t key = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint8_t e[64];
        read_bytes(e, 64);
        if (strcmp((const char *)e + 8, "opt/rx86/mailbox") == 0) {
            key = (uint16_t)(e[4] << 8 | e[5]);
        }
    }
    CHECK(key >= FW_CFG_FILE_FIRST);
    /* Skip 2, write 4: bytes 2-5 change, the board hears it. */
    memcpy(buf, "WXYZ", 4);
    CHECK_EQ(dma(desc, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 2, 0), 0);
    CHECK_EQ(dma(desc, FW_CFG_DMA_CTL_WRITE, 4, buf_addr), 0);
    uint32_t len;
    const uint8_t *data = fw_cfg_file_data(&fw, "opt/rx86/mailbox", &len);
    CHECK(data && memcmp(data, "abWXYZgh", 8) == 0);
    CHECK_EQ(written_calls, 1);
    CHECK_EQ(written_offset, 2);
    CHECK_EQ(written_len, 4);
    /* A write that would run past the end is refused whole. */
    CHECK_EQ(
        dma(desc, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 9, buf_addr),
        FW_CFG_DMA_CTL_ERROR);
    data = fw_cfg_file_data(&fw, "opt/rx86/mailbox", &len);
    CHECK(memcmp(data, "abWXYZgh", 8) == 0);
    CHECK_EQ(written_calls, 1);
    /* The data port reads it as written. */
    select_key(key);
    uint8_t b[8];
    read_bytes(b, 8);
    CHECK(memcmp(b, "abWXYZgh", 8) == 0);
}

int main(void)
{
    FwCfgMemory mem = {.read = ram_read, .write = ram_write};
    CHECK(fw_cfg_init(&fw, mem) == 0);
    test_traditional();
    test_items();
    test_files();
    test_dma();
    test_dma_write();
    /* Reset: selector 0, offset 0; items stay. */
    select_key(FW_CFG_ID);
    fw_cfg_reset(&fw);
    CHECK_EQ(data8(), 'Q');
    select_key(FW_CFG_RAM_SIZE);
    CHECK_EQ(data8(), 0);
    CHECK_EQ(data8(), 0);
    CHECK_EQ(data8(), 0);
    CHECK_EQ(data8(), 8);
    fw_cfg_destroy(&fw);

    /* Without memory callbacks there is no DMA: ID 1, writes do nothing. */
    CHECK(fw_cfg_init(&fw, (FwCfgMemory){0}) == 0);
    select_key(FW_CFG_ID);
    CHECK_EQ(data8(), 1);
    fw_cfg_dma_ops.write(&fw, 4, 0x00000100, 4);
    CHECK_EQ(fw_cfg_dma_ops.read(&fw, 0, 4), 0x554d4551);
    fw_cfg_destroy(&fw);
    return check_report("fw_cfg");
}
