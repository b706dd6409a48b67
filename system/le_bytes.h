/*
 * Little-endian fields in byte buffers: the boot structures loaders build
 * (Multiboot information, Linux's zero page, fw_cfg's e820 file) have a
 * fixed byte order whatever the host's.
 */
#ifndef RX86_SYSTEM_LE_BYTES_H
#define RX86_SYSTEM_LE_BYTES_H

#include <stdint.h>

static inline uint16_t le_rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t le_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void le_wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static inline void le_wr64(uint8_t *p, uint64_t v)
{
    le_wr32(p, (uint32_t)v);
    le_wr32(p + 4, (uint32_t)(v >> 32));
}

#endif
