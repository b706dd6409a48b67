/*
 * QEMU's fw_cfg device: items, named files with their directory, the
 * traditional selector/data ports and the DMA interface. See fw_cfg.h.
 */
#include "hw/fw_cfg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DMA_ACCESS_SIZE 16 /* FWCfgDmaAccess: be32 control, be32 length, be64 address */

static const uint8_t dma_signature[8] = {'Q', 'E', 'M', 'U', ' ', 'C', 'F', 'G'};

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (24 - 8 * i));
    }
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
    return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/* ---- items -------------------------------------------------------------------- */

/* The item a selector names, or NULL: bit 14 is ignored, bit 15 picks the
 * architecture's items. */
static FwCfgItem *item_of(FwCfg *f, uint16_t key)
{
    unsigned index = key & ~(FW_CFG_WRITE_CHANNEL | FW_CFG_ARCH_LOCAL);
    if (key & FW_CFG_ARCH_LOCAL) {
        return index < FW_CFG_ARCH_ITEMS ? &f->arch[index] : NULL;
    }
    if (index < FW_CFG_FILE_FIRST) {
        return &f->generic[index];
    }
    index -= FW_CFG_FILE_FIRST;
    return index < f->nfiles ? &f->files[index].item : NULL;
}

static void select_key(FwCfg *f, uint16_t key)
{
    f->selector = key;
    f->cur = item_of(f, key);
    f->offset = 0;
}

static void item_free(FwCfgItem *it)
{
    free(it->data);
    *it = (FwCfgItem){0};
}

/* Give an item a copy of data. */
static int item_set(FwCfgItem *it, const void *data, size_t len)
{
    if (len > UINT32_MAX) {
        return -E2BIG;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        return -ENOMEM;
    }
    if (len) {
        memcpy(copy, data, len);
    }
    item_free(it);
    it->data = copy;
    it->len = (uint32_t)len;
    return 0;
}

int fw_cfg_add_bytes(FwCfg *f, uint16_t key, const void *data, size_t len)
{
    bool arch = key & FW_CFG_ARCH_LOCAL;
    unsigned index = key & ~FW_CFG_ARCH_LOCAL;
    if ((arch && index >= FW_CFG_ARCH_ITEMS) ||
        (!arch && (index >= FW_CFG_FILE_FIRST || index == FW_CFG_FILE_DIR))) {
        return -EINVAL;
    }
    int err = item_set(arch ? &f->arch[index] : &f->generic[index], data, len);
    if (!err) {
        f->cur = item_of(f, f->selector);
    }
    return err;
}

int fw_cfg_add_i16(FwCfg *f, uint16_t key, uint16_t value)
{
    uint8_t b[2] = {(uint8_t)value, (uint8_t)(value >> 8)};
    return fw_cfg_add_bytes(f, key, b, sizeof(b));
}

int fw_cfg_add_i32(FwCfg *f, uint16_t key, uint32_t value)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++) {
        b[i] = (uint8_t)(value >> (8 * i));
    }
    return fw_cfg_add_bytes(f, key, b, sizeof(b));
}

int fw_cfg_add_i64(FwCfg *f, uint16_t key, uint64_t value)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)(value >> (8 * i));
    }
    return fw_cfg_add_bytes(f, key, b, sizeof(b));
}

int fw_cfg_add_string(FwCfg *f, uint16_t key, const char *s)
{
    return fw_cfg_add_bytes(f, key, s, strlen(s) + 1);
}

/* ---- files ------------------------------------------------------------------- */

/* FW_CFG_FILE_DIR: be32 count, then per file be32 size, be16 key, be16 0
 * and the name, NUL-padded to 56 bytes. */
static int rebuild_directory(FwCfg *f)
{
    size_t len = 4 + f->nfiles * FW_CFG_DIR_ENTRY_SIZE;
    uint8_t *dir = calloc(1, len);
    if (!dir) {
        return -ENOMEM;
    }
    put_be32(dir, (uint32_t)f->nfiles);
    for (size_t i = 0; i < f->nfiles; i++) {
        uint8_t *e = dir + 4 + i * FW_CFG_DIR_ENTRY_SIZE;
        put_be32(e, f->files[i].item.len);
        put_be16(e + 4, (uint16_t)(FW_CFG_FILE_FIRST + i));
        memcpy(e + 8, f->files[i].name, FW_CFG_FILE_NAME_SIZE);
    }
    FwCfgItem *it = &f->generic[FW_CFG_FILE_DIR];
    free(it->data);
    it->data = dir;
    it->len = (uint32_t)len;
    return 0;
}

static size_t file_position(const FwCfg *f, const char *name, bool *found)
{
    size_t lo = 0, hi = f->nfiles;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(f->files[mid].name, name);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    *found = false;
    return lo;
}

static int add_file(FwCfg *f, const char *name, const void *data, size_t len, bool writable,
                    void (*written)(void *opaque, uint32_t offset, uint32_t len), void *opaque)
{
    size_t name_len = strlen(name);
    if (name_len == 0) {
        return -EINVAL;
    }
    if (name_len >= FW_CFG_FILE_NAME_SIZE) {
        return -ENAMETOOLONG;
    }
    bool found;
    size_t pos = file_position(f, name, &found);
    if (found) {
        return -EEXIST;
    }
    if (f->nfiles == FW_CFG_MAX_FILES) {
        return -ENOSPC;
    }
    if (f->nfiles == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        FwCfgFile *grown = realloc(f->files, cap * sizeof(*grown));
        if (!grown) {
            return -ENOMEM;
        }
        f->files = grown;
        f->cap = cap;
    }
    FwCfgFile file = {0};
    memcpy(file.name, name, name_len);
    int err = item_set(&file.item, data, len);
    if (err) {
        return err;
    }
    file.item.writable = writable;
    file.item.written = written;
    file.item.written_opaque = opaque;
    memmove(&f->files[pos + 1], &f->files[pos], (f->nfiles - pos) * sizeof(*f->files));
    f->files[pos] = file;
    f->nfiles++;
    err = rebuild_directory(f);
    if (err) {
        item_free(&f->files[pos].item);
        memmove(&f->files[pos], &f->files[pos + 1], (f->nfiles - pos - 1) * sizeof(*f->files));
        f->nfiles--;
        return err;
    }
    f->cur = item_of(f, f->selector);
    return 0;
}

int fw_cfg_add_file(FwCfg *f, const char *name, const void *data, size_t len)
{
    return add_file(f, name, data, len, false, NULL, NULL);
}

int fw_cfg_add_file_writable(FwCfg *f, const char *name, const void *data, size_t len,
                             void (*written)(void *opaque, uint32_t offset, uint32_t len),
                             void *opaque)
{
    return add_file(f, name, data, len, true, written, opaque);
}

const uint8_t *fw_cfg_file_data(const FwCfg *f, const char *name, uint32_t *len)
{
    bool found;
    size_t pos = file_position(f, name, &found);
    if (!found) {
        return NULL;
    }
    *len = f->files[pos].item.len;
    return f->files[pos].item.data;
}

/* ---- life ---------------------------------------------------------------------- */

int fw_cfg_init(FwCfg *f, FwCfgMemory mem)
{
    static const uint8_t uuid[16] = {0};
    memset(f, 0, sizeof(*f));
    f->mem = mem;
    uint32_t id = FW_CFG_ID_TRADITIONAL | (mem.read && mem.write ? FW_CFG_ID_DMA : 0);
    int err = fw_cfg_add_bytes(f, FW_CFG_SIGNATURE, "QEMU", 4);
    if (!err) {
        err = fw_cfg_add_i32(f, FW_CFG_ID, id);
    }
    if (!err) {
        err = fw_cfg_add_bytes(f, FW_CFG_UUID, uuid, sizeof(uuid));
    }
    if (!err) {
        err = fw_cfg_add_i16(f, FW_CFG_NOGRAPHIC, 0);
    }
    if (!err) {
        err = fw_cfg_add_i16(f, FW_CFG_BOOT_MENU, 0);
    }
    if (!err) {
        err = rebuild_directory(f);
    }
    if (err) {
        fw_cfg_destroy(f);
        return err;
    }
    fw_cfg_reset(f);
    return 0;
}

void fw_cfg_destroy(FwCfg *f)
{
    for (unsigned i = 0; i < FW_CFG_FILE_FIRST; i++) {
        item_free(&f->generic[i]);
    }
    for (unsigned i = 0; i < FW_CFG_ARCH_ITEMS; i++) {
        item_free(&f->arch[i]);
    }
    for (size_t i = 0; i < f->nfiles; i++) {
        item_free(&f->files[i].item);
    }
    free(f->files);
    f->files = NULL;
    f->nfiles = f->cap = 0;
    f->cur = NULL;
}

void fw_cfg_reset(FwCfg *f)
{
    select_key(f, FW_CFG_SIGNATURE);
    f->dma_addr = 0;
}

/* ---- the traditional interface -------------------------------------------------- */

static uint8_t next_byte(FwCfg *f)
{
    const FwCfgItem *it = f->cur;
    if (!it || !it->data || f->offset >= it->len) {
        return 0;
    }
    return it->data[f->offset++];
}

/* Byte reads of either port read data; wider reads are not valid on the
 * I/O interface and return 0 without moving the offset (QEMU 7.2). */
static uint64_t io_read(void *opaque, uint64_t offset, unsigned size)
{
    return size == 1 ? next_byte(opaque) : 0;
}

/* A 16-bit write of the selector port selects; data writes are ignored. */
static void io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    if (offset == 0 && size == 2) {
        select_key(opaque, (uint16_t)value);
    }
}

const MemOps fw_cfg_io_ops = {.read = io_read, .write = io_write, .max_size = 2};

/* ---- DMA -------------------------------------------------------------------- */

static bool guest_write_zeros(const FwCfg *f, uint64_t addr, uint32_t len)
{
    static const uint8_t zeros[4096];
    while (len > 0) {
        uint32_t n = len < sizeof(zeros) ? len : (uint32_t)sizeof(zeros);
        if (!f->mem.write(f->mem.opaque, addr, zeros, n)) {
            return false;
        }
        addr += n;
        len -= n;
    }
    return true;
}

enum { DMA_NONE, DMA_READ, DMA_WRITE, DMA_SKIP };

/* Run the FWCfgDmaAccess at desc and write its control word back. */
static void dma_transfer(FwCfg *f, uint64_t desc)
{
    uint8_t raw[DMA_ACCESS_SIZE];
    uint8_t result[4];
    if (!f->mem.read(f->mem.opaque, desc, raw, sizeof(raw))) {
        put_be32(result, FW_CFG_DMA_CTL_ERROR);
        f->mem.write(f->mem.opaque, desc, result, sizeof(result));
        return;
    }
    uint32_t control = get_be32(raw);
    uint32_t length = get_be32(raw + 4);
    uint64_t addr = get_be64(raw + 8);
    if (control & FW_CFG_DMA_CTL_SELECT) {
        select_key(f, (uint16_t)(control >> 16));
    }
    int op = (control & FW_CFG_DMA_CTL_READ)    ? DMA_READ
             : (control & FW_CFG_DMA_CTL_WRITE) ? DMA_WRITE
             : (control & FW_CFG_DMA_CTL_SKIP)  ? DMA_SKIP
                                                : DMA_NONE;
    if (op == DMA_NONE) {
        length = 0;
    }
    uint32_t status = 0;
    while (length > 0 && !(status & FW_CFG_DMA_CTL_ERROR)) {
        FwCfgItem *it = f->cur;
        uint32_t n;
        if (!it || !it->data || f->offset >= it->len) {
            /* Past the end (or no item): reads see zeros, writes fail. */
            n = length;
            if ((op == DMA_READ && !guest_write_zeros(f, addr, n)) || op == DMA_WRITE) {
                status |= FW_CFG_DMA_CTL_ERROR;
            }
        } else {
            uint32_t left = it->len - f->offset;
            n = length < left ? length : left;
            if (op == DMA_READ) {
                if (!f->mem.write(f->mem.opaque, addr, it->data + f->offset, n)) {
                    status |= FW_CFG_DMA_CTL_ERROR;
                }
            } else if (op == DMA_WRITE) {
                /* Only writable items, and never past their end: a write
                 * that would be cut short is refused whole. */
                if (!it->writable || n != length ||
                    !f->mem.read(f->mem.opaque, addr, it->data + f->offset, n)) {
                    status |= FW_CFG_DMA_CTL_ERROR;
                } else if (it->written) {
                    it->written(it->written_opaque, f->offset, n);
                }
            }
            f->offset += n;
        }
        addr += n;
        length -= n;
    }
    put_be32(result, status);
    f->mem.write(f->mem.opaque, desc, result, sizeof(result));
}

/* The DMA address register reads as the signature, whatever was written. */
static uint64_t dma_read(void *opaque, uint64_t offset, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size && offset + i < sizeof(dma_signature); i++) {
        v |= (uint64_t)dma_signature[offset + i] << (8 * i);
    }
    return v;
}

/* Big-endian halves: 0x514 the high one, 0x518 the low one, which starts
 * the transfer; or all 64 bits at 0x514 at once. */
static void dma_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    FwCfg *f = opaque;
    if (!f->mem.read || !f->mem.write) {
        return; /* no DMA interface */
    }
    if (size == 4 && offset == 0) {
        f->dma_addr = (uint64_t)__builtin_bswap32((uint32_t)value) << 32;
        return;
    }
    if (size == 4 && offset == 4) {
        f->dma_addr |= __builtin_bswap32((uint32_t)value);
    } else if (size == 8 && offset == 0) {
        f->dma_addr = __builtin_bswap64(value);
    } else {
        return;
    }
    uint64_t desc = f->dma_addr;
    f->dma_addr = 0;
    dma_transfer(f, desc);
}

const MemOps fw_cfg_dma_ops = {.read = dma_read, .write = dma_write, .max_size = 8};
