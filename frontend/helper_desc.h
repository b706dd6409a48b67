/*
 * helper_desc.h — the macros that define a helper's IrHelper descriptor
 * next to (or apart from) its C function: HELPER(name, ret, flags, args...)
 * defines helper_NAME_desc for helper_NAME. Used by helper_descs.c and by
 * the files of larger helper families (x87, SSE) that keep their own.
 * The rules for the flags are in helper_descs.c.
 */
#ifndef RX86_FRONTEND_HELPER_DESC_H
#define RX86_FRONTEND_HELPER_DESC_H

#include "translator/ir.h"

#include <stdint.h>

#define NO_WG IR_HELPER_NO_WRITE_GLOBALS
#define NO_FAULT IR_HELPER_NO_FAULT
#define NO_SIDE IR_HELPER_NO_SIDE

#define HELPER(hname, hret, hflags, ...)                                                           \
    const IrHelper helper_##hname##_desc = {                                                       \
        .name = #hname,                                                                            \
        .fn = (void *)helper_##hname,                                                              \
        .ret = hret,                                                                               \
        .nargs = sizeof((uint8_t[]){__VA_ARGS__}) / sizeof(uint8_t),                               \
        .arg_types = {__VA_ARGS__},                                                                \
        .flags = hflags,                                                                           \
    }
#define HELPER0(hname, hret, hflags)                                                               \
    const IrHelper helper_##hname##_desc = {                                                       \
        .name = #hname,                                                                            \
        .fn = (void *)helper_##hname,                                                              \
        .ret = hret,                                                                               \
        .nargs = 0,                                                                                \
        .flags = hflags,                                                                           \
    }

#endif
