/*
 * Direct Linux boot: see linux_boot.h. Offsets are those of struct
 * setup_header and struct boot_params (arch/x86/include/uapi/asm/
 * bootparam.h), described in Documentation/x86/boot.rst and
 * Documentation/x86/zero-page.rst.
 */
#include "system/linux_boot.h"

#include "system/e820.h"
#include "system/le_bytes.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u
#define MIB (1024u * 1024)

/* The setup header, at its offset in the image and in the zero page. */
enum {
    HDR_SETUP_SECTS = 0x1f1,
    HDR_BOOT_FLAG = 0x1fe,
    HDR_JUMP = 0x200, /* a short jump; its 8-bit offset ends the header */
    HDR_MAGIC = 0x202,
    HDR_VERSION = 0x206,
    HDR_TYPE_OF_LOADER = 0x210,
    HDR_LOADFLAGS = 0x211,
    HDR_RAMDISK_IMAGE = 0x218,
    HDR_RAMDISK_SIZE = 0x21c,
    HDR_CMD_LINE_PTR = 0x228,
    HDR_INITRD_ADDR_MAX = 0x22c,
    HDR_XLOADFLAGS = 0x236,
    HDR_CMDLINE_SIZE = 0x238,
    HDR_INIT_SIZE = 0x260,
};

/* The rest of the zero page. */
enum {
    BP_ACPI_RSDP_ADDR = 0x070,
    BP_EXT_RAMDISK_IMAGE = 0x0c0,
    BP_EXT_RAMDISK_SIZE = 0x0c4,
    BP_EXT_CMD_LINE_PTR = 0x0c8,
    BP_E820_ENTRIES = 0x1e8,
    BP_E820_TABLE = 0x2d0,
};

#define LOADED_HIGH 0x01u    /* loadflags: the kernel runs at 1 MiB (bzImage) */
#define XLF_KERNEL_64 0x01u  /* xloadflags: a 64-bit entry at +0x200 */
#define LOADER_UNDEFINED 0xff /* type_of_loader for loaders without an id */

/* Protocol versions that added what the loader uses. */
#define PROTO_BZIMAGE 0x0202     /* cmd_line_ptr, "HdrS" loaders must check */
#define PROTO_INITRD_MAX 0x0203  /* initrd_addr_max */
#define PROTO_CMDLINE_SIZE 0x0206
#define PROTO_INIT_SIZE 0x020a
#define PROTO_XLOADFLAGS 0x020c
#define PROTO_ACPI_RSDP 0x020e

typedef struct LinuxLoader {
    PcMachine *pc;
    const char *path;
    char *err;
    size_t errlen;
} LinuxLoader;

static int fail(const LinuxLoader *l, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(const LinuxLoader *l, int rc, const char *fmt, ...)
{
    int n = snprintf(l->err, l->errlen, "-kernel %s: ", l->path);
    if (n >= 0 && (size_t)n < l->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return rc;
}

bool linux_is_bzimage(const uint8_t *img, size_t size)
{
    return size > HDR_VERSION + 2 && memcmp(img + HDR_MAGIC, "HdrS", 4) == 0;
}

/* Identity-map the first 4 GiB with 2 MiB pages: a PML4, a PDPT, 4 PDs. */
static int build_page_tables(const LinuxLoader *l)
{
    enum { PML4, PDPT, PD0, TABLES = PD0 + 4 };
    static uint8_t t[TABLES][PAGE];
    memset(t, 0, sizeof(t));
    const uint64_t present_rw = 0x3, large = 0x80;
    uint64_t base = LINUX_PAGE_TABLES_ADDR;
    le_wr64(t[PML4], (base + PDPT * PAGE) | present_rw);
    for (unsigned i = 0; i < 4; i++) {
        le_wr64(t[PDPT] + 8 * i, (base + (PD0 + i) * PAGE) | present_rw);
        for (unsigned j = 0; j < 512; j++) {
            uint64_t pa = ((uint64_t)i << 30) | ((uint64_t)j << 21);
            le_wr64(t[PD0 + i] + 8 * j, pa | present_rw | large);
        }
    }
    if (as_load_image(&l->pc->mem, base, t, sizeof(t)) != 0) {
        return fail(l, -ENOMEM, "no RAM for the boot page tables at 0x%llx",
                    (unsigned long long)base);
    }
    return 0;
}

/* The GDT: null, null, __BOOT_CS (0x10), __BOOT_DS (0x18), 4 GiB flat. */
static int build_gdt(const LinuxLoader *l, bool long_mode)
{
    uint8_t gdt[32] = {0};
    le_wr64(gdt + 0x10, long_mode ? 0x00af9b000000ffffull : 0x00cf9b000000ffffull);
    le_wr64(gdt + 0x18, 0x00cf93000000ffffull);
    if (as_load_image(&l->pc->mem, LINUX_GDT_ADDR, gdt, sizeof(gdt)) != 0) {
        return fail(l, -ENOMEM, "no RAM for the boot GDT");
    }
    return 0;
}

/* Put the initrd as high in low RAM as the kernel allows, page aligned
 * (as QEMU and GRUB do), above the kernel's decompression area. */
static int load_initrd(const LinuxLoader *l, const VmConfig *cfg, uint16_t version,
                       const uint8_t *img, uint64_t kernel_end, uint8_t *zp)
{
    uint8_t *data;
    size_t size;
    int rc = loader_read_file(cfg->initrd, l->pc->ram_below_4g, &data, &size);
    if (rc) {
        snprintf(l->err, l->errlen, "-initrd %s: %s", cfg->initrd,
                 rc == -EFBIG ? "larger than the guest's RAM below 4 GiB" : strerror(-rc));
        return rc;
    }
    uint64_t max = version >= PROTO_INITRD_MAX ? le_rd32(img + HDR_INITRD_ADDR_MAX) : 0x37ffffff;
    uint64_t top = e820_low_ram_end(l->pc);
    if (top > max + 1) {
        top = max + 1;
    }
    uint64_t at = top >= size ? (top - size) & ~(uint64_t)(PAGE - 1) : 0;
    if (at < kernel_end) {
        free(data);
        snprintf(l->err, l->errlen,
                 "-initrd %s (%zu KiB) does not fit above the kernel's %llu MiB in the guest's "
                 "RAM (raise -m)",
                 cfg->initrd, size / 1024, (unsigned long long)(kernel_end >> 20));
        return -ENOMEM;
    }
    rc = as_load_image(&l->pc->mem, at, data, size);
    free(data);
    if (rc) {
        return fail(l, rc, "no RAM for the initrd at 0x%llx", (unsigned long long)at);
    }
    le_wr32(zp + HDR_RAMDISK_IMAGE, (uint32_t)at);
    le_wr32(zp + HDR_RAMDISK_SIZE, (uint32_t)size);
    le_wr32(zp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(at >> 32));
    le_wr32(zp + BP_EXT_RAMDISK_SIZE, (uint32_t)((uint64_t)size >> 32));
    return 0;
}

static int load_cmdline(const LinuxLoader *l, const VmConfig *cfg, uint16_t version,
                        const uint8_t *img, uint8_t *zp)
{
    const char *cmdline = cfg->append ? cfg->append : "";
    size_t max = version >= PROTO_CMDLINE_SIZE ? le_rd32(img + HDR_CMDLINE_SIZE) : 255;
    size_t len = strlen(cmdline);
    if (len > max) {
        snprintf(l->err, l->errlen, "-append: %zu bytes; this kernel takes at most %zu", len,
                 max);
        return -E2BIG;
    }
    if (as_load_image(&l->pc->mem, LINUX_CMDLINE_ADDR, cmdline, len + 1) != 0) {
        return fail(l, -ENOMEM, "no RAM for the command line");
    }
    le_wr32(zp + HDR_CMD_LINE_PTR, LINUX_CMDLINE_ADDR);
    le_wr32(zp + BP_EXT_CMD_LINE_PTR, 0);
    return 0;
}

static void fill_e820(const PcMachine *pc, uint8_t *zp)
{
    E820Entry map[E820_MAX_ENTRIES];
    size_t n = e820_build(pc, map);
    zp[BP_E820_ENTRIES] = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
        uint8_t *e = zp + BP_E820_TABLE + 20 * i;
        le_wr64(e, map[i].base);
        le_wr64(e + 8, map[i].len);
        le_wr32(e + 16, map[i].type);
    }
}

/* The smallest power-of-two block ending at 4 GiB that holds everything
 * above low RAM (one variable MTRR covers it). */
static uint64_t mtrr_uc_base(const PcMachine *pc)
{
    uint64_t size = 1ull << 28;
    while ((4ull << 30) - size > pc->ram_below_4g && size < (2ull << 30)) {
        size <<= 1;
    }
    while ((4ull << 30) - size < pc->ram_below_4g) {
        size >>= 1;
    }
    return (4ull << 30) - size;
}

int linux_load(PcMachine *pc, const VmConfig *cfg, const uint8_t *img, size_t size,
               BootState *boot, char *err, size_t errlen)
{
    LinuxLoader l = {.pc = pc, .path = cfg->kernel, .err = err, .errlen = errlen};
    uint16_t version = le_rd16(img + HDR_VERSION);
    unsigned setup_sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
    size_t setup_size = (setup_sects + 1) * 512;
    size_t header_end = HDR_MAGIC + img[HDR_JUMP + 1];
    if (le_rd16(img + HDR_BOOT_FLAG) != 0xaa55 || header_end > PAGE || setup_size >= size ||
        header_end > size) {
        return fail(&l, -ENOEXEC, "a damaged Linux boot header (boot flag, setup size)");
    }
    if (version < PROTO_BZIMAGE || !(img[HDR_LOADFLAGS] & LOADED_HIGH)) {
        return fail(&l, -ENOTSUP,
                    "boot protocol %u.%02u %s: rx86 boots bzImage kernels (protocol 2.02 and "
                    "later, loaded at 1 MiB)",
                    version >> 8, version & 0xff,
                    img[HDR_LOADFLAGS] & LOADED_HIGH ? "" : "zImage");
    }
    bool entry64 = version >= PROTO_XLOADFLAGS && (img[HDR_XLOADFLAGS] & XLF_KERNEL_64);

    /* The protected-mode kernel, and the room it decompresses in. */
    const uint8_t *pm = img + setup_size;
    size_t pm_size = size - setup_size;
    uint64_t span = pm_size;
    if (version >= PROTO_INIT_SIZE && le_rd32(img + HDR_INIT_SIZE) > span) {
        span = le_rd32(img + HDR_INIT_SIZE);
    }
    uint64_t kernel_end = (LINUX_KERNEL_ADDR + span + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    if (kernel_end > e820_low_ram_end(pc)) {
        return fail(&l, -ENOMEM, "the kernel needs %llu MiB from 1 MiB up; the guest has %llu MiB "
                                 "(raise -m)",
                    (unsigned long long)(span >> 20),
                    (unsigned long long)(e820_low_ram_end(pc) >> 20));
    }
    if (as_load_image(&pc->mem, LINUX_KERNEL_ADDR, pm, pm_size) != 0) {
        return fail(&l, -ENOMEM, "no RAM for the kernel at 1 MiB");
    }

    /* The zero page: the image's setup header, then what the loader says. */
    static uint8_t zp[PAGE];
    memset(zp, 0, sizeof(zp));
    memcpy(zp + HDR_SETUP_SECTS, img + HDR_SETUP_SECTS, header_end - HDR_SETUP_SECTS);
    zp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
    int rc = load_cmdline(&l, cfg, version, img, zp);
    if (!rc && cfg->initrd) {
        rc = load_initrd(&l, cfg, version, img, kernel_end, zp);
    }
    if (rc) {
        return rc;
    }
    fill_e820(pc, zp);
    if (pc->acpi_rsdp && version >= PROTO_ACPI_RSDP) {
        le_wr64(zp + BP_ACPI_RSDP_ADDR, pc->acpi_rsdp);
    }
    if (as_load_image(&pc->mem, LINUX_ZERO_PAGE_ADDR, zp, sizeof(zp)) != 0) {
        return fail(&l, -ENOMEM, "no RAM for the zero page");
    }
    rc = build_gdt(&l, entry64);
    if (!rc && entry64) {
        rc = build_page_tables(&l);
    }
    if (rc) {
        return rc;
    }

    /* 64-bit entry: the loaded image + 0x200, RSI the zero page; 32-bit
     * entry: code32_start, ESI the zero page (boot.rst). */
    *boot = (BootState){
        .mode = entry64 ? BOOT_LONG64 : BOOT_FLAT32,
        .eip = LINUX_KERNEL_ADDR,
        .rip = LINUX_KERNEL_ADDR + 0x200,
        .esi = LINUX_ZERO_PAGE_ADDR,
        .esp = LINUX_STACK_TOP,
        .cr3 = LINUX_PAGE_TABLES_ADDR,
        .gdt_base = LINUX_GDT_ADDR,
        .gdt_limit = 31,
        .mtrr_uc_base = mtrr_uc_base(pc),
    };
    return 0;
}
