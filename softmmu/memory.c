/*
 * Address spaces: region bookkeeping, the flattened view, and access
 * dispatch. See memory.h for the model.
 */
#include "softmmu/memory.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int as_init(AddressSpace *as, const char *name, uint64_t size)
{
    memset(as, 0, sizeof(*as));
    if (size == 0 || (size & (size - 1)) != 0) {
        return -EINVAL;
    }
    as->name = name;
    as->size = size;
    return 0;
}

void as_destroy(AddressSpace *as)
{
    for (size_t i = 0; i < as->nregions; i++) {
        free(as->regions[i]->dirty);
        free(as->regions[i]);
    }
    free(as->regions);
    free(as->flat);
    memset(as, 0, sizeof(*as));
}

/* Does region a cover region b where both claim an address? */
static bool region_above(const MemRegion *a, const MemRegion *b)
{
    if (a->priority != b->priority) {
        return a->priority > b->priority;
    }
    return a->order > b->order;
}

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa;
    uint64_t b = *(const uint64_t *)pb;
    return a < b ? -1 : a > b;
}

/* Rebuild the flat view. Region counts are small (tens), so O(n^2) is fine. */
static int rebuild_flat(AddressSpace *as)
{
    size_t nb = 0;
    uint64_t *bounds = malloc(sizeof(*bounds) * (2 * as->nregions + 1));
    FlatRange *flat = malloc(sizeof(*flat) * (2 * as->nregions + 1));
    if (!bounds || !flat) {
        free(bounds);
        free(flat);
        return -ENOMEM;
    }
    for (size_t i = 0; i < as->nregions; i++) {
        const MemRegion *r = as->regions[i];
        if (r->enabled) {
            bounds[nb++] = r->base;
            bounds[nb++] = r->base + r->size;
        }
    }
    qsort(bounds, nb, sizeof(*bounds), cmp_u64);

    size_t nflat = 0;
    for (size_t b = 0; b + 1 < nb; b++) {
        uint64_t start = bounds[b], end = bounds[b + 1];
        if (start == end) {
            continue;
        }
        MemRegion *top = NULL;
        for (size_t i = 0; i < as->nregions; i++) {
            MemRegion *r = as->regions[i];
            if (r->enabled && r->base <= start && end <= r->base + r->size &&
                (!top || region_above(r, top))) {
                top = r;
            }
        }
        if (!top) {
            continue;
        }
        if (nflat > 0 && flat[nflat - 1].region == top && flat[nflat - 1].end == start) {
            flat[nflat - 1].end = end;
        } else {
            flat[nflat++] = (FlatRange){.start = start, .end = end, .region = top};
        }
    }
    free(bounds);
    free(as->flat);
    as->flat = flat;
    as->nflat = nflat;
    return 0;
}

static MemRegion *add_region(AddressSpace *as, MemRegion tmpl)
{
    if (tmpl.size == 0 || tmpl.base >= as->size || tmpl.size > as->size - tmpl.base) {
        return NULL;
    }
    if (as->nregions == as->cap) {
        size_t cap = as->cap ? as->cap * 2 : 16;
        MemRegion **grown = realloc(as->regions, cap * sizeof(*grown));
        if (!grown) {
            return NULL;
        }
        as->regions = grown;
        as->cap = cap;
    }
    MemRegion *r = malloc(sizeof(*r));
    if (!r) {
        return NULL;
    }
    *r = tmpl;
    r->enabled = true;
    r->order = as->next_order++;
    as->regions[as->nregions++] = r;
    if (rebuild_flat(as) != 0) {
        as->nregions--;
        free(r);
        return NULL;
    }
    return r;
}

MemRegion *as_add_ram(AddressSpace *as, const char *name, uint64_t base, uint64_t size,
                      uint8_t *host, int priority)
{
    return add_region(as, (MemRegion){.name = name,
                                      .kind = MEM_RAM,
                                      .base = base,
                                      .size = size,
                                      .priority = priority,
                                      .host = host});
}

MemRegion *as_add_rom(AddressSpace *as, const char *name, uint64_t base, uint64_t size,
                      uint8_t *host, int priority)
{
    return add_region(as, (MemRegion){.name = name,
                                      .kind = MEM_ROM,
                                      .base = base,
                                      .size = size,
                                      .priority = priority,
                                      .host = host});
}

MemRegion *as_add_io(AddressSpace *as, const char *name, uint64_t base, uint64_t size,
                     const MemOps *ops, void *opaque, int priority)
{
    return add_region(as, (MemRegion){.name = name,
                                      .kind = MEM_IO,
                                      .base = base,
                                      .size = size,
                                      .priority = priority,
                                      .ops = ops,
                                      .opaque = opaque});
}

int as_move_region(AddressSpace *as, MemRegion *r, uint64_t new_base)
{
    if (new_base >= as->size || r->size > as->size - new_base) {
        return -EINVAL;
    }
    uint64_t old = r->base;
    r->base = new_base;
    int err = rebuild_flat(as);
    if (err) {
        r->base = old;
    }
    return err;
}

int as_enable_region(AddressSpace *as, MemRegion *r, bool enabled)
{
    bool old = r->enabled;
    r->enabled = enabled;
    int err = rebuild_flat(as);
    if (err) {
        r->enabled = old;
    }
    return err;
}

const FlatRange *as_lookup(const AddressSpace *as, uint64_t addr)
{
    size_t lo = 0, hi = as->nflat;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const FlatRange *fr = &as->flat[mid];
        if (addr < fr->start) {
            hi = mid;
        } else if (addr >= fr->end) {
            lo = mid + 1;
        } else {
            return fr;
        }
    }
    return NULL;
}

/* Bytes from addr to the end of whatever holds it (a range or a hole). */
static uint64_t span_at(const AddressSpace *as, uint64_t addr, const FlatRange **out)
{
    const FlatRange *fr = as_lookup(as, addr);
    *out = fr;
    if (fr) {
        return fr->end - addr;
    }
    uint64_t next = as->size;
    for (size_t i = 0; i < as->nflat; i++) {
        if (as->flat[i].start > addr) {
            next = as->flat[i].start;
            break;
        }
    }
    return next - addr;
}

/* The largest naturally aligned piece at offset, at most len and max bytes. */
static unsigned io_piece(uint64_t offset, size_t len, unsigned max)
{
    unsigned piece = max ? max : 8;
    while (piece > 1 && (piece > len || (offset & (piece - 1)) != 0)) {
        piece >>= 1;
    }
    return piece;
}

static void io_read(const MemRegion *r, uint64_t offset, uint8_t *buf, size_t len)
{
    while (len > 0) {
        unsigned piece = io_piece(offset, len, r->ops->max_size);
        uint64_t v = r->ops->read ? r->ops->read(r->opaque, offset, piece) : ~0ull;
        for (unsigned i = 0; i < piece; i++) {
            buf[i] = (uint8_t)(v >> (8 * i));
        }
        buf += piece;
        offset += piece;
        len -= piece;
    }
}

static void io_write(const MemRegion *r, uint64_t offset, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        unsigned piece = io_piece(offset, len, r->ops->max_size);
        uint64_t v = 0;
        for (unsigned i = 0; i < piece; i++) {
            v |= (uint64_t)buf[i] << (8 * i);
        }
        if (r->ops->write) {
            r->ops->write(r->opaque, offset, v, piece);
        }
        buf += piece;
        offset += piece;
        len -= piece;
    }
}

void as_read(const AddressSpace *as, uint64_t addr, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        addr &= as->size - 1;
        const FlatRange *fr;
        uint64_t span = span_at(as, addr, &fr);
        size_t n = len < span ? len : (size_t)span;
        if (!fr) {
            memset(p, 0xff, n);
        } else if (fr->region->kind == MEM_IO) {
            io_read(fr->region, addr - fr->region->base, p, n);
        } else {
            memcpy(p, fr->region->host + (addr - fr->region->base), n);
        }
        p += n;
        addr += n;
        len -= n;
    }
}

void as_write(const AddressSpace *as, uint64_t addr, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        addr &= as->size - 1;
        const FlatRange *fr;
        uint64_t span = span_at(as, addr, &fr);
        size_t n = len < span ? len : (size_t)span;
        if (fr && fr->region->kind == MEM_IO) {
            io_write(fr->region, addr - fr->region->base, p, n);
        } else if (fr && fr->region->kind == MEM_RAM) {
            memcpy(fr->region->host + (addr - fr->region->base), p, n);
            if (fr->region->dirty) {
                as_dirty_mark(as, addr, n);
            }
        }
        p += n;
        addr += n;
        len -= n;
    }
}

uint64_t as_load(const AddressSpace *as, uint64_t addr, unsigned size)
{
    uint8_t b[8];
    uint64_t v = 0;
    as_read(as, addr, b, size);
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)b[i] << (8 * i);
    }
    return v;
}

void as_store(const AddressSpace *as, uint64_t addr, uint64_t value, unsigned size)
{
    uint8_t b[8];
    for (unsigned i = 0; i < size; i++) {
        b[i] = (uint8_t)(value >> (8 * i));
    }
    as_write(as, addr, b, size);
}

int as_load_image(const AddressSpace *as, uint64_t addr, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        if (addr >= as->size) {
            return -EFAULT;
        }
        const FlatRange *fr;
        uint64_t span = span_at(as, addr, &fr);
        if (!fr || fr->region->kind == MEM_IO) {
            return -EFAULT;
        }
        size_t n = len < span ? len : (size_t)span;
        memcpy(fr->region->host + (addr - fr->region->base), p, n);
        p += n;
        addr += n;
        len -= n;
    }
    return 0;
}

#define DIRTY_PAGE_BITS 12

int as_dirty_log_start(MemRegion *r)
{
    if (r->kind != MEM_RAM) {
        return -EINVAL;
    }
    if (!r->dirty) {
        uint64_t pages = (r->size + (1u << DIRTY_PAGE_BITS) - 1) >> DIRTY_PAGE_BITS;
        r->dirty = calloc((pages + 63) / 64, sizeof(uint64_t));
        if (!r->dirty) {
            return -ENOMEM;
        }
    }
    return 0;
}

void as_dirty_log_stop(MemRegion *r)
{
    free(r->dirty);
    r->dirty = NULL;
}

void as_dirty_mark(const AddressSpace *as, uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len;
    while (addr < end) {
        const FlatRange *fr = as_lookup(as, addr);
        if (!fr) {
            return;
        }
        MemRegion *r = fr->region;
        uint64_t stop = end < fr->end ? end : fr->end;
        if (r->dirty) {
            for (uint64_t pg = (addr - r->base) >> DIRTY_PAGE_BITS;
                 pg <= (stop - 1 - r->base) >> DIRTY_PAGE_BITS; pg++) {
                r->dirty[pg / 64] |= 1ull << (pg % 64);
            }
        }
        addr = stop;
    }
}

bool as_dirty_test(const MemRegion *r, uint64_t offset)
{
    uint64_t pg = offset >> DIRTY_PAGE_BITS;
    return r->dirty && (r->dirty[pg / 64] >> (pg % 64)) & 1;
}

void as_dirty_fetch(MemRegion *r, uint64_t offset, uint64_t len, uint64_t *out)
{
    uint64_t first = offset >> DIRTY_PAGE_BITS;
    uint64_t count = (len + (1u << DIRTY_PAGE_BITS) - 1) >> DIRTY_PAGE_BITS;
    memset(out, 0, ((count + 63) / 64) * sizeof(uint64_t));
    if (!r->dirty) {
        return;
    }
    for (uint64_t i = 0; i < count; i++) {
        uint64_t pg = first + i;
        if ((r->dirty[pg / 64] >> (pg % 64)) & 1) {
            out[i / 64] |= 1ull << (i % 64);
            r->dirty[pg / 64] &= ~(1ull << (pg % 64));
        }
    }
}
