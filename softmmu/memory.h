/*
 * Guest physical address spaces.
 *
 * An AddressSpace is a set of regions — RAM, ROM, or I/O regions served by a
 * device's ops table — each with a priority, so a higher region can cover a
 * lower one (the BIOS alias over RAM, later the VGA window and PCI BARs that
 * move at run time). The same API serves the memory space and the port-I/O
 * space (64 KiB of ports).
 *
 * After every change the regions are flattened into a sorted list of
 * non-overlapping ranges, each owned by the topmost region covering it, so a
 * lookup is one binary search. Addresses nobody claims read as all ones and
 * ignore writes, as an unclaimed PC bus cycle does.
 *
 * Devices never see the TLB: they register regions here and nothing else.
 */
#ifndef RX86_SOFTMMU_MEMORY_H
#define RX86_SOFTMMU_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A device's handlers for an I/O region. offset is relative to the region's
 * base; size is 1, 2, 4 or 8 bytes and the value is little-endian in the low
 * bits. Accesses wider than max_size (0 means 8) reach the device as several
 * accesses of max_size, lowest address first.
 */
typedef struct MemOps {
    uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
    void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
    unsigned max_size;
} MemOps;

typedef enum MemRegionKind {
    MEM_RAM, /* host memory, read and write */
    MEM_ROM, /* host memory, writes ignored */
    MEM_IO,  /* a device's ops */
} MemRegionKind;

typedef struct MemRegion {
    const char *name;
    MemRegionKind kind;
    uint64_t base;
    uint64_t size;
    int priority; /* higher covers lower; equal: the later one covers */
    bool enabled;
    uint8_t *host; /* MEM_RAM, MEM_ROM: backing bytes, size bytes long */
    const MemOps *ops;
    void *opaque;
    unsigned order;  /* insertion order, to break priority ties */
    uint64_t *dirty; /* MEM_RAM with dirty logging on: one bit per 4 KiB page */
} MemRegion;

/* One piece of the flattened space: [start, end) served by region. */
typedef struct FlatRange {
    uint64_t start;
    uint64_t end;
    MemRegion *region;
} FlatRange;

typedef struct AddressSpace {
    const char *name;
    uint64_t size; /* addresses are below this (power of two) */
    MemRegion **regions;
    size_t nregions;
    size_t cap;
    FlatRange *flat;
    size_t nflat;
    unsigned next_order;
} AddressSpace;

/* Create an empty space of size bytes (2^32 for ports is fine: 1 << 16). */
int as_init(AddressSpace *as, const char *name, uint64_t size) __attribute__((warn_unused_result));
void as_destroy(AddressSpace *as);

/*
 * Add a region. host must stay valid for the region's life and is not owned
 * by the space. Returns the region, or NULL if it does not fit in the space
 * or memory is exhausted.
 */
MemRegion *as_add_ram(AddressSpace *as, const char *name, uint64_t base, uint64_t size,
                      uint8_t *host, int priority);
MemRegion *as_add_rom(AddressSpace *as, const char *name, uint64_t base, uint64_t size,
                      uint8_t *host, int priority);
MemRegion *as_add_io(AddressSpace *as, const char *name, uint64_t base, uint64_t size,
                     const MemOps *ops, void *opaque, int priority);

/* Move or hide a region at run time (PCI BARs, PAM shadowing). */
int as_move_region(AddressSpace *as, MemRegion *r, uint64_t new_base)
    __attribute__((warn_unused_result));
int as_enable_region(AddressSpace *as, MemRegion *r, bool enabled)
    __attribute__((warn_unused_result));

/*
 * The flat range holding addr, or NULL where no region claims it. Valid
 * until the next change to the space.
 */
const FlatRange *as_lookup(const AddressSpace *as, uint64_t addr);

/*
 * Read or write len bytes at addr. Split at every range boundary; an access
 * to an I/O region is passed on in naturally sized pieces (see MemOps).
 * Addresses beyond the space wrap, as the address bus drops high bits.
 */
void as_read(const AddressSpace *as, uint64_t addr, void *buf, size_t len);
void as_write(const AddressSpace *as, uint64_t addr, const void *buf, size_t len);

/* An access of 1, 2, 4 or 8 bytes, the value little-endian in the low bits. */
uint64_t as_load(const AddressSpace *as, uint64_t addr, unsigned size);
void as_store(const AddressSpace *as, uint64_t addr, uint64_t value, unsigned size);

/*
 * Write bytes into RAM or ROM regardless of ROM protection, as firmware and
 * kernel loaders do. Fails with -EFAULT if any byte is not RAM or ROM.
 */
/*
 * Dirty logging of a RAM region (for the display and, later, migration).
 * While on, every write the emulator sees — through as_write() or a TLB
 * slow path, which TLB_NOTDIRTY forces for clean pages — marks its 4 KiB
 * page. as_dirty_fetch() copies the page bits of [offset, offset + len)
 * of the region into out (bit i = page i of the range) and clears them.
 */
int as_dirty_log_start(MemRegion *r) __attribute__((warn_unused_result));
void as_dirty_log_stop(MemRegion *r);
void as_dirty_mark(const AddressSpace *as, uint64_t addr, uint64_t len);
bool as_dirty_test(const MemRegion *r, uint64_t offset);
void as_dirty_fetch(MemRegion *r, uint64_t offset, uint64_t len, uint64_t *out);

int as_load_image(const AddressSpace *as, uint64_t addr, const void *buf, size_t len)
    __attribute__((warn_unused_result));

#endif
