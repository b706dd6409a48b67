/*
 * What QEMU's fw_cfg holds for a direct Linux boot, for firmware and test
 * programs that read it (QEMU docs/specs/fw_cfg.rst): the command line
 * (FW_CFG_CMDLINE_SIZE/DATA), the kernel (a bzImage split as QEMU does:
 * the setup sectors in FW_CFG_SETUP_*, the rest in FW_CFG_KERNEL_*), the
 * initrd (FW_CFG_INITRD_*); and for every machine the file "etc/e820"
 * with the memory map.
 */
#ifndef RX86_SYSTEM_FW_CFG_BOOT_H
#define RX86_SYSTEM_FW_CFG_BOOT_H

#include "hw/fw_cfg.h"
#include "system/options.h"

#include <stddef.h>

/* Add etc/e820 for pc and, for a Linux -kernel, the items of -kernel,
 * -initrd and -append. Returns 0, or -errno with the reason in err. */
int fw_cfg_add_boot_items(FwCfg *f, const PcMachine *pc, const VmConfig *cfg, char *err,
                          size_t errlen) __attribute__((warn_unused_result));

#endif
