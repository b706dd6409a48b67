/*
 * fw_cfg's direct-boot items: see fw_cfg_boot.h.
 */
#include "system/fw_cfg_boot.h"

#include "system/e820.h"
#include "system/le_bytes.h"
#include "system/linux_boot.h"
#include "system/loader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IMAGE (1024u * 1024 * 1024)

/* A size item and its data item. */
static int add_blob(FwCfg *f, uint16_t size_key, uint16_t data_key, const uint8_t *data,
                    size_t len)
{
    int rc = fw_cfg_add_i32(f, size_key, (uint32_t)len);
    return rc ? rc : fw_cfg_add_bytes(f, data_key, data, len);
}

/* The bzImage split as QEMU splits it: setup sectors, then the rest. */
static int add_kernel(FwCfg *f, const uint8_t *img, size_t size, char *err, size_t errlen)
{
    size_t setup = ((size_t)(img[0x1f1] ? img[0x1f1] : 4) + 1) * 512;
    if (setup > size) {
        setup = size;
    }
    int rc = add_blob(f, FW_CFG_SETUP_SIZE, FW_CFG_SETUP_DATA, img, setup);
    if (!rc) {
        rc = add_blob(f, FW_CFG_KERNEL_SIZE, FW_CFG_KERNEL_DATA, img + setup, size - setup);
    }
    if (rc) {
        snprintf(err, errlen, "fw_cfg: the kernel: %s", strerror(-rc));
    }
    return rc;
}

static int add_initrd(FwCfg *f, const VmConfig *cfg, char *err, size_t errlen)
{
    uint8_t *data;
    size_t size;
    int rc = loader_read_file(cfg->initrd, MAX_IMAGE, &data, &size);
    if (rc) {
        snprintf(err, errlen, "-initrd %s: %s", cfg->initrd, strerror(-rc));
        return rc;
    }
    rc = add_blob(f, FW_CFG_INITRD_SIZE, FW_CFG_INITRD_DATA, data, size);
    free(data);
    if (rc) {
        snprintf(err, errlen, "fw_cfg: the initrd: %s", strerror(-rc));
    }
    return rc;
}

/* etc/e820: packed entries of le64 address, le64 length, le32 type. */
static int add_e820(FwCfg *f, const PcMachine *pc, char *err, size_t errlen)
{
    E820Entry map[E820_MAX_ENTRIES];
    size_t n = e820_build(pc, map);
    uint8_t buf[E820_MAX_ENTRIES * 20];
    for (size_t i = 0; i < n; i++) {
        uint8_t *e = buf + 20 * i;
        le_wr64(e, map[i].base);
        le_wr64(e + 8, map[i].len);
        le_wr32(e + 16, map[i].type);
    }
    int rc = fw_cfg_add_file(f, "etc/e820", buf, 20 * n);
    if (rc) {
        snprintf(err, errlen, "fw_cfg: etc/e820: %s", strerror(-rc));
    }
    return rc;
}

int fw_cfg_add_boot_items(FwCfg *f, const PcMachine *pc, const VmConfig *cfg, char *err,
                          size_t errlen)
{
    int rc = add_e820(f, pc, err, errlen);
    if (rc || !cfg->kernel) {
        return rc;
    }
    uint8_t *img;
    size_t size;
    rc = loader_read_file(cfg->kernel, MAX_IMAGE, &img, &size);
    if (rc) {
        snprintf(err, errlen, "-kernel %s: %s", cfg->kernel, strerror(-rc));
        return rc;
    }
    if (!linux_is_bzimage(img, size)) {
        free(img); /* Multiboot and flat kernels: QEMU's items are its own ROM's */
        return 0;
    }
    rc = add_kernel(f, img, size, err, errlen);
    free(img);
    if (rc) {
        return rc;
    }
    const char *cmdline = cfg->append ? cfg->append : "";
    rc = add_blob(f, FW_CFG_CMDLINE_SIZE, FW_CFG_CMDLINE_DATA, (const uint8_t *)cmdline,
                  strlen(cmdline) + 1);
    if (rc) {
        snprintf(err, errlen, "fw_cfg: the command line: %s", strerror(-rc));
        return rc;
    }
    return cfg->initrd ? add_initrd(f, cfg, err, errlen) : 0;
}
