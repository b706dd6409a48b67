/* Loaders: Multiboot v1 (a.out kludge and ELF32), flat binaries, refusals. */
#include "system/loader.h"
#include "system/multiboot.h"
#include "tests/unit/check.h"
#include "tests/unit/temp_files.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIB (1024ull * 1024)

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4); /* the tests run on little-endian hosts only for now */
}

static uint32_t get32(PcMachine *pc, uint64_t addr)
{
    return (uint32_t)as_load(&pc->mem, addr, 4);
}

static void get_string(PcMachine *pc, uint64_t addr, char *buf, size_t len)
{
    as_read(&pc->mem, addr, buf, len);
    buf[len - 1] = '\0';
}

/* An a.out-kludge kernel: header at 0x40, loaded at 1 MiB, bss to +0x3000. */
static size_t make_aout(uint8_t *img, uint32_t flags)
{
    memset(img, 0x90, 0x200);
    uint8_t *h = img + 0x40;
    put32(h, MULTIBOOT_HEADER_MAGIC);
    put32(h + 4, flags);
    put32(h + 8, (uint32_t) - (MULTIBOOT_HEADER_MAGIC + flags));
    put32(h + 12, 0x100040); /* header_addr */
    put32(h + 16, 0x100000); /* load_addr */
    put32(h + 20, 0);        /* load_end_addr: the whole file */
    put32(h + 24, 0x103000); /* bss_end_addr */
    put32(h + 28, 0x100100); /* entry_addr */
    return 0x200;
}

static void test_aout_with_modules(void)
{
    PcMachine pc;
    CHECK(pc_init(&pc, 64 * MIB) == 0);
    pc.ram[0x102000] = 0xaa; /* bss must be cleared */
    uint8_t img[0x200];
    const char *kernel = write_file("kernel.bin", img, make_aout(img, 1u << 16 | 3));
    const char *mod = write_file("mod.txt", "module-data", 11);
    char initrd[600];
    snprintf(initrd, sizeof(initrd), "%s a1 a2,%s", mod, mod);
    VmConfig cfg = {.kernel = kernel, .append = "console=ttyS0", .initrd = initrd};
    BootState boot;
    char err[256] = "";
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == 0);
    CHECK_EQ(boot.mode, BOOT_FLAT32);
    CHECK_EQ(boot.eip, 0x100100);
    CHECK_EQ(boot.eax, 0x2badb002);
    CHECK_EQ(pc.ram[0x100000], 0x90);
    CHECK_EQ(pc.ram[0x102000], 0);

    uint32_t mbi = boot.ebx;
    CHECK_EQ(mbi & 0xfff, 0);
    CHECK(mbi >= 0x103000);
    CHECK_EQ(get32(&pc, mbi) & 0x24d, 0x24d); /* mem, cmdline, mods, mmap, loader name */
    CHECK_EQ(get32(&pc, mbi + 4), 639);
    CHECK_EQ(get32(&pc, mbi + 8), 64 * 1024 - 1024);
    char s[128];
    get_string(&pc, get32(&pc, mbi + 16), s, sizeof(s));
    char want[400];
    snprintf(want, sizeof(want), "%s console=ttyS0", kernel);
    CHECK(strcmp(s, want) == 0);
    CHECK_EQ(get32(&pc, mbi + 20), 2);
    uint32_t mods = get32(&pc, mbi + 24);
    uint32_t start0 = get32(&pc, mods), end0 = get32(&pc, mods + 4);
    CHECK_EQ(start0 & 0xfff, 0);
    CHECK_EQ(end0 - start0, 11);
    get_string(&pc, start0, s, 12);
    CHECK(strcmp(s, "module-data") == 0);
    get_string(&pc, get32(&pc, mods + 8), s, sizeof(s));
    snprintf(want, sizeof(want), "%s a1 a2", mod);
    CHECK(strcmp(s, want) == 0);
    CHECK_EQ(get32(&pc, mods + 16) & 0xfff, 0);
    CHECK(get32(&pc, mods + 16) > end0);
    /* The memory map: usable RAM from 1 MiB to the top, entries of size 20. */
    uint32_t mmap = get32(&pc, mbi + 48), mlen = get32(&pc, mbi + 44);
    CHECK_EQ(mlen % 24, 0);
    bool found = false;
    for (uint32_t e = mmap; e < mmap + mlen; e += 24) {
        CHECK_EQ(get32(&pc, e), 20);
        if (as_load(&pc.mem, e + 4, 8) == 0x100000) {
            found = as_load(&pc.mem, e + 12, 8) == 63 * MIB && get32(&pc, e + 20) == 1;
        }
    }
    CHECK(found);
    get_string(&pc, get32(&pc, mbi + 64), s, sizeof(s));
    CHECK(strcmp(s, "rx86") == 0);
    pc_destroy(&pc);
}

static void test_elf32(void)
{
    /* ELF header + one PT_LOAD at file offset 0x100, vaddr 0xc0100000,
     * paddr 0x200000, 0x100 bytes of file and 0x1000 of memory. */
    uint8_t img[0x200] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
    img[16] = 2;                 /* ET_EXEC */
    img[18] = 3;                 /* EM_386 */
    put32(img + 24, 0xc0100010); /* e_entry: virtual */
    put32(img + 28, 52);         /* e_phoff */
    img[42] = 32;                /* e_phentsize */
    img[44] = 1;                 /* e_phnum */
    uint8_t *ph = img + 52;
    put32(ph, 1);
    put32(ph + 4, 0x100);
    put32(ph + 8, 0xc0100000);
    put32(ph + 12, 0x200000);
    put32(ph + 16, 0x100);
    put32(ph + 20, 0x1000);
    uint8_t *h = img + 0x100; /* the Multiboot header inside the segment */
    put32(h, MULTIBOOT_HEADER_MAGIC);
    put32(h + 4, 0);
    put32(h + 8, (uint32_t)-MULTIBOOT_HEADER_MAGIC);
    img[0x1ff] = 0x5a;

    PcMachine pc;
    CHECK(pc_init(&pc, 16 * MIB) == 0);
    VmConfig cfg = {.kernel = write_file("elf", img, sizeof(img))};
    BootState boot;
    char err[256] = "";
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == 0);
    CHECK_EQ(boot.eip, 0x200010); /* translated to the physical entry */
    CHECK_EQ(pc.ram[0x2000ff], 0x5a);
    CHECK(boot.ebx >= 0x201000);

    /* Corrupt: the segment runs past the file. */
    put32(ph + 16, 0x1000);
    cfg.kernel = write_file("elf-bad", img, sizeof(img));
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -ENOEXEC);
    CHECK(strstr(err, "elf-bad") != NULL);
    /* Loaded beyond RAM. */
    put32(ph + 16, 0x100);
    put32(ph + 12, 0x2000000);
    cfg.kernel = write_file("elf-high", img, sizeof(img));
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -EINVAL);
    pc_destroy(&pc);
}

static void test_refusals_and_flat(void)
{
    PcMachine pc;
    CHECK(pc_init(&pc, 16 * MIB) == 0);
    BootState boot;
    char err[256];
    uint8_t img[0x200];

    /* A requirement bit rx86 does not know (bit 3). */
    make_aout(img, 1u << 16 | 1u << 3);
    VmConfig cfg = {.kernel = write_file("req", img, sizeof(img))};
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -ENOTSUP);
    /* header_addr below load_addr. */
    make_aout(img, 1u << 16);
    put32(img + 0x40 + 12, 0x0ff000);
    cfg.kernel = write_file("inconsistent", img, sizeof(img));
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -ENOEXEC);
    /* Multiboot without address fields and not ELF. */
    make_aout(img, 0);
    cfg.kernel = write_file("noelf", img, sizeof(img));
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -ENOEXEC);

    /* A Linux boot header is recognised and goes to the Linux loader,
     * which refuses this one: no boot flag (linux_boot_test.c has more). */
    uint8_t bz[0x400] = {0};
    memcpy(bz + 0x202, "HdrS", 4);
    cfg.kernel = write_file("bzImage", bz, sizeof(bz));
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -ENOEXEC);
    CHECK(strstr(err, "damaged Linux boot header") != NULL);

    /* A flat binary: at 0x7c00, real mode, DL = 0x80. */
    memset(img, 0xf4, sizeof(img));
    cfg.kernel = write_file("flat", img, 16);
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == 0);
    CHECK_EQ(boot.mode, BOOT_REAL_MODE);
    CHECK_EQ(boot.eip, 0x7c00);
    CHECK_EQ(boot.edx, 0x80);
    CHECK_EQ(pc.ram[0x7c0f], 0xf4);
    cfg.append = "x";
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -EINVAL);
    cfg.append = NULL;
    /* Missing file. */
    cfg.kernel = "/nonexistent/kernel";
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == -ENOENT);
    CHECK(strstr(err, "/nonexistent/kernel") != NULL);
    /* No kernel: the reset vector. */
    cfg.kernel = NULL;
    CHECK(loader_load(&pc, &cfg, &boot, err, sizeof(err)) == 0);
    CHECK_EQ(boot.mode, BOOT_RESET_VECTOR);
    CHECK_EQ(boot.cs, 0xf000);
    CHECK_EQ(boot.eip, 0xfff0);
    pc_destroy(&pc);
}

int main(void)
{
    if (!temp_dir_make()) {
        return 1;
    }
    test_aout_with_modules();
    test_elf32();
    test_refusals_and_flat();
    temp_dir_remove();
    return check_report("multiboot_test");
}
