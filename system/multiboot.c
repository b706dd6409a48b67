/*
 * Multiboot v1 loading (Multiboot Specification 0.6.96, sections 3.1-3.3).
 *
 * Layout in guest RAM: the kernel where it asks to be; then, each on a
 * 4 KiB boundary, the modules; then one page holding the information
 * structure, the module list, the memory map and the strings. The command
 * line is "KERNEL-PATH APPEND", and the loader name "rx86", as QEMU's
 * loader does it (with "qemu"), so kernels that parse it behave the same.
 */
#include "system/multiboot.h"

#include "system/e820.h"
#include "system/le_bytes.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u
#define INFO_SIZE PAGE
#define MAX_MODULES 32

/* Header flags (spec 3.1.2). Bits 0-15 are requirements: a loader that
 * does not understand one must refuse the kernel. */
#define MBH_PAGE_ALIGN (1u << 0)
#define MBH_MEMORY_INFO (1u << 1)
#define MBH_VIDEO_MODE (1u << 2)
#define MBH_ADDRESSES (1u << 16)
#define MBH_REQUIRED_KNOWN (MBH_PAGE_ALIGN | MBH_MEMORY_INFO | MBH_VIDEO_MODE)

/* Information structure flags (spec 3.3). */
#define MBI_MEMORY (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)

/* Information structure field offsets (spec 3.3). */
enum {
    MBI_FLAGS = 0,
    MBI_MEM_LOWER = 4,
    MBI_MEM_UPPER = 8,
    MBI_CMDLINE_ADDR = 16,
    MBI_MODS_COUNT = 20,
    MBI_MODS_ADDR = 24,
    MBI_MMAP_LENGTH = 44,
    MBI_MMAP_ADDR = 48,
    MBI_LOADER_NAME_ADDR = 64,
    MBI_STRUCT_SIZE = 88,
};

long multiboot_find_header(const uint8_t *img, size_t size)
{
    size_t limit = size < MULTIBOOT_SEARCH ? size : MULTIBOOT_SEARCH;
    for (size_t off = 0; off + 12 <= limit; off += 4) {
        uint32_t magic = le_rd32(img + off);
        if (magic == MULTIBOOT_HEADER_MAGIC &&
            (uint32_t)(magic + le_rd32(img + off + 4) + le_rd32(img + off + 8)) == 0) {
            return (long)off;
        }
    }
    return -1;
}

typedef struct Loader {
    PcMachine *pc;
    const char *path;
    char *err;
    size_t errlen;
    uint64_t end; /* highest byte loaded so far, exclusive */
} Loader;

static int mb_fail(Loader *l, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int mb_fail(Loader *l, int rc, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(l->err, l->errlen, "-kernel %s: %s", l->path, msg);
    return rc;
}

/* Copy len bytes (then zero up to memsz) at a physical address in low RAM. */
static int place(Loader *l, uint64_t addr, const uint8_t *src, uint64_t len, uint64_t memsz)
{
    if (memsz < len || addr + memsz > e820_low_ram_end(l->pc) || addr + memsz < addr) {
        return mb_fail(l, -EINVAL,
                       "segment at 0x%llx-0x%llx lies outside the guest's %llu MiB of RAM "
                       "below 4 GiB",
                       (unsigned long long)addr, (unsigned long long)(addr + memsz),
                       (unsigned long long)(e820_low_ram_end(l->pc) >> 20));
    }
    if (as_load_image(&l->pc->mem, addr, src, len) != 0) {
        return mb_fail(l, -EINVAL, "segment at 0x%llx overlaps a hole in the memory map",
                       (unsigned long long)addr);
    }
    static const uint8_t zeros[PAGE];
    for (uint64_t z = len; z < memsz;) {
        uint64_t n = memsz - z < PAGE ? memsz - z : PAGE;
        if (as_load_image(&l->pc->mem, addr + z, zeros, n) != 0) {
            return mb_fail(l, -EINVAL, "bss at 0x%llx overlaps a hole in the memory map",
                           (unsigned long long)(addr + z));
        }
        z += n;
    }
    if (addr + memsz > l->end) {
        l->end = addr + memsz;
    }
    return 0;
}

/* The a.out kludge: the header's own address fields say where to load. */
static int load_by_addresses(Loader *l, const uint8_t *img, size_t size, long hdr, uint32_t *entry)
{
    const uint8_t *h = img + hdr;
    if ((size_t)hdr + 32 > size) {
        return mb_fail(l, -ENOEXEC, "Multiboot header cut short");
    }
    uint32_t header_addr = le_rd32(h + 12), load_addr = le_rd32(h + 16);
    uint32_t load_end_addr = le_rd32(h + 20), bss_end_addr = le_rd32(h + 24);
    if (header_addr < load_addr || header_addr - load_addr > (uint32_t)hdr) {
        return mb_fail(l, -ENOEXEC,
                       "Multiboot header_addr 0x%x is inconsistent with "
                       "load_addr 0x%x",
                       header_addr, load_addr);
    }
    size_t file_off = (size_t)hdr - (header_addr - load_addr);
    uint64_t len = load_end_addr ? (uint64_t)load_end_addr - load_addr : size - file_off;
    if (load_end_addr && load_end_addr < load_addr) {
        return mb_fail(l, -ENOEXEC, "Multiboot load_end_addr is below load_addr");
    }
    if (len > size - file_off) {
        return mb_fail(l, -ENOEXEC, "Multiboot load_end_addr runs past the end of the file");
    }
    uint64_t memsz = len;
    if (bss_end_addr) {
        if (bss_end_addr < load_addr + len) {
            return mb_fail(l, -ENOEXEC, "Multiboot bss_end_addr is below the loaded image");
        }
        memsz = (uint64_t)bss_end_addr - load_addr;
    }
    *entry = le_rd32(h + 28);
    return place(l, load_addr, img + file_off, len, memsz);
}

/* An ELF32 i386 executable: load its PT_LOAD segments at their physical addresses. */
static int load_elf32(Loader *l, const uint8_t *img, size_t size, uint32_t *entry)
{
    if (size < 52 || memcmp(img,
                            "\x7f"
                            "ELF",
                            4) != 0) {
        return mb_fail(l, -ENOEXEC,
                       "Multiboot kernel is not ELF and has no address fields "
                       "(header flag 16)");
    }
    if (img[4] != 1 || img[5] != 1 || le_rd16(img + 18) != 3) {
        return mb_fail(l, -ENOEXEC, "Multiboot ELF kernel must be 32-bit little-endian i386");
    }
    uint32_t phoff = le_rd32(img + 28);
    uint16_t phentsize = le_rd16(img + 42), phnum = le_rd16(img + 44);
    if (phentsize < 32 || phoff > size || (uint64_t)phnum * phentsize > size - phoff) {
        return mb_fail(l, -ENOEXEC, "corrupt ELF program headers");
    }
    uint32_t e_entry = le_rd32(img + 24);
    *entry = e_entry;
    int loaded = 0;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = img + phoff + (size_t)i * phentsize;
        if (le_rd32(ph) != 1 /* PT_LOAD */) {
            continue;
        }
        uint32_t off = le_rd32(ph + 4), vaddr = le_rd32(ph + 8), paddr = le_rd32(ph + 12);
        uint32_t filesz = le_rd32(ph + 16), memsz = le_rd32(ph + 20);
        if (off > size || filesz > size - off || memsz < filesz) {
            return mb_fail(l, -ENOEXEC, "corrupt ELF segment %u", i);
        }
        int rc = place(l, paddr, img + off, filesz, memsz);
        if (rc) {
            return rc;
        }
        /* A kernel linked at a virtual address: enter at the physical one. */
        if (e_entry >= vaddr && e_entry - vaddr < memsz && vaddr != paddr) {
            *entry = e_entry - vaddr + paddr;
        }
        loaded++;
    }
    if (!loaded) {
        return mb_fail(l, -ENOEXEC, "ELF kernel has no loadable segment");
    }
    return 0;
}

/* Append a string to the info page; returns its guest address. */
static uint32_t info_string(uint8_t *info, size_t *used, uint32_t info_addr, const char *s,
                            size_t n, bool *overflow)
{
    if (*used + n + 1 > INFO_SIZE) {
        *overflow = true;
        return 0;
    }
    memcpy(info + *used, s, n);
    info[*used + n] = '\0';
    uint32_t addr = info_addr + (uint32_t)*used;
    *used += n + 1;
    return addr;
}

static void mmap_entry(uint8_t *info, size_t *used, uint64_t base, uint64_t len, uint32_t type)
{
    uint8_t *e = info + *used;
    le_wr32(e, 20); /* size of the rest of the entry */
    le_wr64(e + 4, base);
    le_wr64(e + 12, len);
    le_wr32(e + 20, type);
    *used += 24;
}

int multiboot_load(PcMachine *pc, const VmConfig *cfg, const uint8_t *img, size_t size,
                   BootState *boot, char *err, size_t errlen)
{
    Loader l = {.pc = pc, .path = cfg->kernel, .err = err, .errlen = errlen};
    long hdr = multiboot_find_header(img, size);
    uint32_t flags = le_rd32(img + hdr + 4);
    if ((flags & 0xffff) & ~MBH_REQUIRED_KNOWN) {
        return mb_fail(&l, -ENOTSUP,
                       "the kernel requires Multiboot features rx86 lacks "
                       "(header flags 0x%x)",
                       flags & 0xffff & ~MBH_REQUIRED_KNOWN);
    }
    uint32_t entry = 0;
    int rc = (flags & MBH_ADDRESSES) ? load_by_addresses(&l, img, size, hdr, &entry)
                                     : load_elf32(&l, img, size, &entry);
    if (rc) {
        return rc;
    }

    /* Modules, each page-aligned: "file1 args,file2 args" (",," is a comma). */
    uint32_t mod_start[MAX_MODULES], mod_end[MAX_MODULES];
    char mod_cmd[MAX_MODULES][256];
    unsigned nmods = 0;
    const char *s = cfg->initrd;
    while (s && *s) {
        if (nmods == MAX_MODULES) {
            return mb_fail(&l, -E2BIG, "more than %d Multiboot modules", MAX_MODULES);
        }
        size_t n = 0;
        char *cmd = mod_cmd[nmods];
        while (*s && !(*s == ',' && s[1] != ',')) {
            if (*s == ',') {
                s++;
            }
            if (n + 1 >= sizeof(mod_cmd[0])) {
                return mb_fail(&l, -ENAMETOOLONG, "-initrd entry too long");
            }
            cmd[n++] = *s++;
        }
        cmd[n] = '\0';
        s += *s == ',';
        char path[256];
        size_t plen = strcspn(cmd, " ");
        memcpy(path, cmd, plen);
        path[plen] = '\0';
        uint8_t *data;
        size_t dsize;
        rc = loader_read_file(path, pc->ram_below_4g, &data, &dsize);
        if (rc) {
            snprintf(err, errlen, "-initrd %s: %s", path, strerror(-rc));
            return rc;
        }
        uint64_t at = (l.end + PAGE - 1) & ~(uint64_t)(PAGE - 1);
        rc = place(&l, at, data, dsize, dsize);
        free(data);
        if (rc) {
            return rc;
        }
        mod_start[nmods] = (uint32_t)at;
        mod_end[nmods] = (uint32_t)(at + dsize);
        nmods++;
    }

    /* The information page. */
    uint64_t info_at = (l.end + PAGE - 1) & ~(uint64_t)(PAGE - 1);
    if (info_at + INFO_SIZE > e820_low_ram_end(pc)) {
        return mb_fail(&l, -ENOMEM,
                       "no room for the Multiboot information below the top "
                       "of RAM (raise -m)");
    }
    uint32_t info_addr = (uint32_t)info_at;
    uint8_t info[INFO_SIZE];
    memset(info, 0, sizeof(info));
    size_t used = MBI_STRUCT_SIZE;
    bool overflow = false;
    uint32_t mbi_flags = MBI_MEMORY | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;

    /* mem_lower: KiB of conventional memory, up to the EBDA the map below
     * reserves; mem_upper: KiB from 1 MiB to the first hole (spec 3.3). */
    le_wr32(info + MBI_MEM_LOWER, 0x9fc00 / 1024);
    le_wr32(info + MBI_MEM_UPPER, (uint32_t)(e820_low_ram_end(pc) / 1024 - 1024));

    if (nmods) {
        mbi_flags |= MBI_MODS;
        le_wr32(info + MBI_MODS_COUNT, nmods);
        le_wr32(info + MBI_MODS_ADDR, info_addr + (uint32_t)used);
        size_t list = used;
        used += 16 * nmods;
        for (unsigned i = 0; i < nmods; i++) {
            uint8_t *m = info + list + 16 * i;
            le_wr32(m, mod_start[i]);
            le_wr32(m + 4, mod_end[i]);
            le_wr32(m + 8,
                 info_string(info, &used, info_addr, mod_cmd[i], strlen(mod_cmd[i]), &overflow));
        }
    }

    /* The memory map: what the board really has (hw/pc.c). */
    le_wr32(info + MBI_MMAP_ADDR, info_addr + (uint32_t)used);
    size_t mmap_start = used;
    E820Entry map[E820_MAX_ENTRIES];
    size_t nmap = e820_build(pc, map);
    for (size_t i = 0; i < nmap; i++) {
        mmap_entry(info, &used, map[i].base, map[i].len, map[i].type);
    }
    le_wr32(info + MBI_MMAP_LENGTH, (uint32_t)(used - mmap_start));

    char cmdline[4096];
    int clen =
        snprintf(cmdline, sizeof(cmdline), "%s %s", cfg->kernel, cfg->append ? cfg->append : "");
    if (clen < 0 || (size_t)clen >= sizeof(cmdline)) {
        return mb_fail(&l, -E2BIG, "command line too long");
    }
    le_wr32(info + MBI_CMDLINE_ADDR,
         info_string(info, &used, info_addr, cmdline, (size_t)clen, &overflow));
    le_wr32(info + MBI_LOADER_NAME_ADDR, info_string(info, &used, info_addr, "rx86", 4, &overflow));
    if (overflow) {
        return mb_fail(&l, -E2BIG, "command line and module names exceed %u bytes", INFO_SIZE);
    }
    le_wr32(info + MBI_FLAGS, mbi_flags);
    if (as_load_image(&pc->mem, info_addr, info, INFO_SIZE) != 0) {
        return mb_fail(&l, -EINVAL, "no RAM for the Multiboot information at 0x%x", info_addr);
    }

    /* Machine state at entry (spec 3.2): EAX magic, EBX the information,
     * flat 32-bit segments, paging off, interrupts off. */
    *boot = (BootState){
        .mode = BOOT_FLAT32, .eip = entry, .eax = MULTIBOOT_BOOTLOADER_MAGIC, .ebx = info_addr};
    return 0;
}
