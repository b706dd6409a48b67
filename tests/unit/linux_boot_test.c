/* Direct Linux boot: the zero page, the initrd's place, the e820 map, the
 * identity map, the GDT and the entry state, from synthetic bzImages; and
 * the refusals (damaged header, zImage, old protocol, a long command line,
 * an initrd that does not fit). */
#include "system/e820.h"
#include "system/linux_boot.h"
#include "tests/unit/check.h"
#include "tests/unit/temp_files.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIB (1024ull * 1024)

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t ld(PcMachine *pc, uint64_t addr, unsigned size)
{
    return as_load(&pc->mem, addr, size);
}

/* A bzImage: 2 setup sectors (setup_sects = 1), then pm_size bytes of
 * "kernel" counting up from 0x40. */
enum { SETUP = 2 * 512, PM_SIZE = 3000 };
static uint8_t image[SETUP + PM_SIZE];

static void make_bzimage(uint16_t version, uint8_t loadflags, uint8_t xloadflags)
{
    memset(image, 0, sizeof(image));
    image[0x1f1] = 1;              /* setup_sects */
    put16(image + 0x1fe, 0xaa55);  /* boot_flag */
    image[0x200] = 0xeb;           /* jmp short */
    image[0x201] = 0x66;           /* header ends at 0x202 + 0x66 = 0x268 */
    memcpy(image + 0x202, "HdrS", 4);
    put16(image + 0x206, version);
    image[0x211] = loadflags;
    put32(image + 0x214, 0x100000);  /* code32_start */
    put32(image + 0x22c, 0x7fffffff); /* initrd_addr_max */
    put32(image + 0x230, 0x200000);  /* kernel_alignment */
    image[0x236] = xloadflags;
    put32(image + 0x238, 64);        /* cmdline_size */
    put32(image + 0x260, 8 * MIB);   /* init_size */
    for (size_t i = 0; i < PM_SIZE; i++) {
        image[SETUP + i] = (uint8_t)(0x40 + i);
    }
}

static void test_64bit_entry(void)
{
    PcMachine pc;
    CHECK(pc_init(&pc, 64 * MIB) == 0);
    pc.acpi_base = 64 * MIB - 128 * 1024;
    pc.acpi_size = 128 * 1024;
    pc.acpi_rsdp = 0xf0000;

    make_bzimage(0x020f, 0x01, 0x01);
    uint8_t initrd[5000];
    memset(initrd, 0xa5, sizeof(initrd));
    VmConfig cfg = {.kernel = write_file("bz64", image, sizeof(image)),
                    .initrd = write_file("initrd", initrd, sizeof(initrd)),
                    .append = "console=ttyS0 quiet"};
    BootState boot;
    char err[256] = "";
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == 0);
    CHECK_EQ(boot.mode, BOOT_LONG64);
    CHECK_EQ(boot.rip, 0x100200);
    CHECK_EQ(boot.esi, LINUX_ZERO_PAGE_ADDR);
    CHECK_EQ(boot.cr3, LINUX_PAGE_TABLES_ADDR);
    CHECK_EQ(boot.gdt_base, LINUX_GDT_ADDR);
    CHECK_EQ(boot.gdt_limit, 31);
    /* The MTRRs: UC from 2 GiB (one variable range over the PCI hole). */
    CHECK_EQ(boot.mtrr_uc_base, 0x80000000u);

    /* The protected-mode kernel at 1 MiB. */
    CHECK_EQ(ld(&pc, 0x100000, 1), 0x40);
    CHECK_EQ(ld(&pc, 0x100000 + PM_SIZE - 1, 1), (uint8_t)(0x40 + PM_SIZE - 1));

    /* The zero page: the header copied, then the loader's fields. */
    uint64_t zp = LINUX_ZERO_PAGE_ADDR;
    CHECK_EQ(ld(&pc, zp + 0x1f1, 1), 1);
    CHECK_EQ(ld(&pc, zp + 0x202, 4), 0x53726448); /* "HdrS" */
    CHECK_EQ(ld(&pc, zp + 0x206, 2), 0x020f);
    CHECK_EQ(ld(&pc, zp + 0x210, 1), 0xff); /* type_of_loader: undefined */
    CHECK_EQ(ld(&pc, zp + 0x228, 4), LINUX_CMDLINE_ADDR);
    char cmdline[32];
    as_read(&pc.mem, LINUX_CMDLINE_ADDR, cmdline, sizeof(cmdline));
    CHECK(strcmp(cmdline, "console=ttyS0 quiet") == 0);
    CHECK_EQ(ld(&pc, zp + 0x070, 8), 0xf0000); /* acpi_rsdp_addr */
    /* Nothing past the header's end (0x268) comes from the image. */
    CHECK_EQ(ld(&pc, zp + 0x268, 4), 0);

    /* The initrd: page aligned, as high as it fits below the ACPI tables. */
    uint64_t at = ld(&pc, zp + 0x218, 4);
    CHECK_EQ(ld(&pc, zp + 0x21c, 4), sizeof(initrd));
    CHECK_EQ(at, (pc.acpi_base - sizeof(initrd)) & ~0xfffull);
    CHECK_EQ(ld(&pc, at, 1), 0xa5);
    CHECK_EQ(ld(&pc, at + sizeof(initrd) - 1, 1), 0xa5);

    /* The e820 map: conventional memory, EBDA, BIOS area, RAM from 1 MiB to
     * the ACPI tables, the tables, the top of the ROM. */
    CHECK_EQ(ld(&pc, zp + 0x1e8, 1), 6);
    uint64_t e = zp + 0x2d0;
    CHECK_EQ(ld(&pc, e + 0, 8), 0);
    CHECK_EQ(ld(&pc, e + 8, 8), 0x9fc00);
    CHECK_EQ(ld(&pc, e + 16, 4), E820_RAM);
    CHECK_EQ(ld(&pc, e + 60, 8), 0x100000);
    CHECK_EQ(ld(&pc, e + 68, 8), pc.acpi_base - 0x100000);
    CHECK_EQ(ld(&pc, e + 76, 4), E820_RAM);
    CHECK_EQ(ld(&pc, e + 80, 8), pc.acpi_base);
    CHECK_EQ(ld(&pc, e + 88, 8), pc.acpi_size);
    CHECK_EQ(ld(&pc, e + 96, 4), E820_ACPI);

    /* The identity map: PML4[0] -> PDPT, PDPT[3] -> the 4th PD, a 2 MiB
     * page for 0xFEE00000 (the local APIC), present, writable, large. */
    uint64_t pml4 = LINUX_PAGE_TABLES_ADDR;
    uint64_t pdpt = ld(&pc, pml4, 8) & ~0xfffull;
    CHECK_EQ(ld(&pc, pml4, 8) & 0xfff, 0x3);
    uint64_t pd3 = ld(&pc, pdpt + 3 * 8, 8) & ~0xfffull;
    CHECK_EQ(ld(&pc, pd3 + 8 * ((0xfee00000 - 0xc0000000) >> 21), 8), 0xfee00000ull | 0x83);

    /* The GDT: __BOOT_CS a 64-bit code segment, __BOOT_DS flat data. */
    CHECK_EQ(ld(&pc, LINUX_GDT_ADDR + 0x10, 8), 0x00af9b000000ffffull);
    CHECK_EQ(ld(&pc, LINUX_GDT_ADDR + 0x18, 8), 0x00cf93000000ffffull);
    pc_destroy(&pc);
}

static void test_32bit_entry(void)
{
    PcMachine pc;
    CHECK(pc_init(&pc, 32 * MIB) == 0);
    make_bzimage(0x020a, 0x01, 0); /* protocol 2.10: no xloadflags */
    VmConfig cfg = {.kernel = write_file("bz32", image, sizeof(image))};
    BootState boot;
    char err[256] = "";
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == 0);
    CHECK_EQ(boot.mode, BOOT_FLAT32);
    CHECK_EQ(boot.eip, 0x100000);
    CHECK_EQ(boot.esi, LINUX_ZERO_PAGE_ADDR);
    CHECK_EQ(ld(&pc, LINUX_GDT_ADDR + 0x10, 8), 0x00cf9b000000ffffull);
    /* No ACPI on this board: no RSDP in the zero page, RAM to the top. */
    CHECK_EQ(ld(&pc, LINUX_ZERO_PAGE_ADDR + 0x070, 8), 0);
    CHECK_EQ(ld(&pc, LINUX_ZERO_PAGE_ADDR + 0x1e8, 1), 5);
    pc_destroy(&pc);
}

static void test_refusals(void)
{
    PcMachine pc;
    CHECK(pc_init(&pc, 16 * MIB) == 0);
    BootState boot;
    char err[256];
    VmConfig cfg = {0};

    make_bzimage(0x020f, 0x01, 0x01);
    put16(image + 0x1fe, 0);
    cfg.kernel = write_file("noflag", image, sizeof(image));
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -ENOEXEC);

    make_bzimage(0x020f, 0x00, 0x01); /* not LOADED_HIGH: a zImage */
    cfg.kernel = write_file("zimage", image, sizeof(image));
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -ENOTSUP);
    CHECK(strstr(err, "zImage") != NULL);

    make_bzimage(0x0201, 0x01, 0x01);
    cfg.kernel = write_file("old", image, sizeof(image));
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -ENOTSUP);
    CHECK(strstr(err, "protocol 2.01") != NULL);

    /* cmdline_size is 64: 64 characters fit, 65 do not. */
    make_bzimage(0x020f, 0x01, 0x01);
    cfg.kernel = write_file("bz", image, sizeof(image));
    char line[80];
    memset(line, 'x', 64);
    line[64] = '\0';
    cfg.append = line;
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == 0);
    line[64] = 'y';
    line[65] = '\0';
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -E2BIG);
    cfg.append = NULL;

    /* An initrd that cannot fit above the kernel's 8 MiB in 16 MiB. */
    size_t big = 9 * MIB;
    uint8_t *initrd = calloc(1, big);
    cfg.initrd = write_file("big", initrd, big);
    free(initrd);
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -ENOMEM);
    CHECK(strstr(err, "raise -m") != NULL);
    cfg.initrd = "/nonexistent/initrd";
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -ENOENT);
    CHECK(strstr(err, "-initrd /nonexistent/initrd") != NULL);

    /* A kernel whose init_size does not fit in RAM. */
    make_bzimage(0x020f, 0x01, 0x01);
    put32(image + 0x260, 64 * MIB);
    cfg.initrd = NULL;
    cfg.kernel = write_file("huge", image, sizeof(image));
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -ENOMEM);
    pc_destroy(&pc);
}

int main(void)
{
    if (!temp_dir_make()) {
        return 1;
    }
    test_64bit_entry();
    test_32bit_entry();
    test_refusals();
    temp_dir_remove();
    return check_report("linux_boot_test");
}
