/*
 * Image loading: read files, recognise the kernel format, place flat
 * binaries; Multiboot kernels are handled in multiboot.c.
 */
#include "system/loader.h"

#include "system/linux_boot.h"
#include "system/multiboot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB (1024u * 1024)

int loader_read_file(const char *path, size_t max, uint8_t **data, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    int err = 0;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        err = -errno;
        goto out_fd;
    }
    if (!S_ISREG(st.st_mode)) {
        err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
        goto out_fd;
    }
    if ((uint64_t)st.st_size > max) {
        err = -EFBIG;
        goto out_fd;
    }
    size_t len = (size_t)st.st_size;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        err = -ENOMEM;
        goto out_fd;
    }
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            err = n < 0 ? -errno : -EIO;
            free(buf);
            goto out_fd;
        }
        got += (size_t)n;
    }
    *data = buf;
    *size = len;
out_fd:
    close(fd);
    return err;
}

static bool is_elf(const uint8_t *img, size_t size)
{
    return size >= 4 && memcmp(img,
                               "\x7f"
                               "ELF",
                               4) == 0;
}

static int load_flat(PcMachine *pc, const char *path, const uint8_t *img, size_t size,
                     BootState *boot, char *err, size_t errlen)
{
    /* Conventional memory ends at 0xA0000 (the EBDA and VGA window follow). */
    const size_t max = 0xa0000 - FLAT_LOAD_ADDR;
    if (size == 0 || size > max) {
        snprintf(err, errlen,
                 "flat binary '%s' is %zu bytes: it must be 1 to %zu bytes to fit "
                 "at 0x7c00 below 640 KiB",
                 path, size, max);
        return -EINVAL;
    }
    if (as_load_image(&pc->mem, FLAT_LOAD_ADDR, img, size) != 0) {
        snprintf(err, errlen, "flat binary '%s' does not fit in RAM", path);
        return -EINVAL;
    }
    *boot = (BootState){
        .mode = BOOT_REAL_MODE, .cs = 0, .eip = FLAT_LOAD_ADDR, .edx = 0x80, .esp = FLAT_LOAD_ADDR};
    return 0;
}

static int load_kernel(PcMachine *pc, const VmConfig *cfg, BootState *boot, char *err,
                       size_t errlen)
{
    uint8_t *img;
    size_t size;
    int rc = loader_read_file(cfg->kernel, 1024u * MIB, &img, &size);
    if (rc) {
        snprintf(err, errlen, "-kernel %s: %s", cfg->kernel, strerror(-rc));
        return rc;
    }
    if (multiboot_find_header(img, size) >= 0) {
        rc = multiboot_load(pc, cfg, img, size, boot, err, errlen);
    } else if (linux_is_bzimage(img, size)) {
        rc = linux_load(pc, cfg, img, size, boot, err, errlen);
    } else if (is_elf(img, size)) {
        snprintf(err, errlen,
                 "-kernel %s: an ELF file without a Multiboot header "
                 "(rx86 boots Multiboot v1 ELF kernels and flat binaries)",
                 cfg->kernel);
        rc = -ENOEXEC;
    } else if (cfg->append || cfg->initrd) {
        snprintf(err, errlen, "-kernel %s is a flat binary: it takes no %s", cfg->kernel,
                 cfg->append ? "-append" : "-initrd");
        rc = -EINVAL;
    } else {
        rc = load_flat(pc, cfg->kernel, img, size, boot, err, errlen);
    }
    free(img);
    return rc;
}

int loader_load(PcMachine *pc, const VmConfig *cfg, BootState *boot, char *err, size_t errlen)
{
    if (cfg->kernel) {
        return load_kernel(pc, cfg, boot, err, errlen);
    }
    /* Power-on state; EDX holds the processor signature (SDM Vol. 3A 9.1.4),
     * family 6 model 6 stepping 3 like QEMU's qemu64. */
    *boot = (BootState){.mode = BOOT_RESET_VECTOR, .cs = 0xf000, .eip = 0xfff0, .edx = 0x663};
    return 0;
}
