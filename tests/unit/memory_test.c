/* Address spaces: priorities, holes, splitting of accesses, moving regions. */
#include "softmmu/memory.h"
#include "tests/unit/check.h"

#include <errno.h>
#include <string.h>

/* A device that logs its accesses. */
typedef struct Probe {
    struct {
        uint64_t offset;
        uint64_t value;
        unsigned size;
        int write;
    } log[16];
    int n;
    uint8_t fill;
} Probe;

static uint64_t probe_read(void *opaque, uint64_t offset, unsigned size)
{
    Probe *p = opaque;
    p->log[p->n++ % 16] = (typeof(p->log[0])){offset, 0, size, 0};
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)(uint8_t)(p->fill + offset + i) << (8 * i);
    }
    return v;
}

static void probe_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Probe *p = opaque;
    p->log[p->n++ % 16] = (typeof(p->log[0])){offset, value, size, 1};
}

static const MemOps probe_ops = {.read = probe_read, .write = probe_write};
static const MemOps probe_ops_byte = {.read = probe_read, .write = probe_write, .max_size = 1};

static void test_priority_and_holes(void)
{
    AddressSpace as;
    uint8_t ram[0x4000], rom[0x1000];
    memset(ram, 0x11, sizeof(ram));
    memset(rom, 0x22, sizeof(rom));
    CHECK(as_init(&as, "t", 1 << 20) == 0);
    CHECK(as_add_ram(&as, "ram", 0, sizeof(ram), ram, 0) != NULL);
    MemRegion *r = as_add_rom(&as, "rom", 0x1000, sizeof(rom), rom, 1);
    CHECK(r != NULL);
    CHECK_EQ(as.nflat, 3);
    CHECK_EQ(as_load(&as, 0x0fff, 1), 0x11);
    CHECK_EQ(as_load(&as, 0x1000, 1), 0x22);
    /* A word straddling RAM and ROM takes a byte from each. */
    CHECK_EQ(as_load(&as, 0x0fff, 2), 0x2211);
    /* ROM ignores writes, the RAM below it is not touched either. */
    as_store(&as, 0x1000, 0x99, 1);
    CHECK_EQ(rom[0], 0x22);
    CHECK_EQ(ram[0x1000], 0x11);
    /* A hole reads as all ones and swallows writes. */
    CHECK_EQ(as_load(&as, 0x8000, 4), 0xffffffff);
    as_store(&as, 0x8000, 0, 4);
    /* An access running off RAM into the hole. */
    CHECK_EQ(as_load(&as, 0x3ffe, 4), 0xffff1111);
    /* Hiding the ROM uncovers the RAM beneath. */
    CHECK(as_enable_region(&as, r, false) == 0);
    CHECK_EQ(as_load(&as, 0x1000, 1), 0x11);
    CHECK(as_enable_region(&as, r, true) == 0);
    /* Moving it (as a PCI BAR moves). */
    CHECK(as_move_region(&as, r, 0x8000) == 0);
    CHECK_EQ(as_load(&as, 0x1000, 1), 0x11);
    CHECK_EQ(as_load(&as, 0x8000, 1), 0x22);
    CHECK(as_move_region(&as, r, (1 << 20) - 0x800) == -EINVAL);
    /* Loaders may write ROM, but not holes. */
    uint8_t b = 0x33;
    CHECK(as_load_image(&as, 0x8000, &b, 1) == 0);
    CHECK_EQ(rom[0], 0x33);
    CHECK(as_load_image(&as, 0x9000, &b, 1) == -EFAULT);
    /* Regions must fit the space. */
    CHECK(as_add_ram(&as, "big", 0xff000, 0x2000, ram, 0) == NULL);
    as_destroy(&as);
}

static void test_io_splitting(void)
{
    AddressSpace as;
    Probe a = {.fill = 0x10}, b = {.fill = 0x80}, bytes = {.fill = 0x40};
    CHECK(as_init(&as, "io", 1 << 16) == 0);
    CHECK(as_add_io(&as, "a", 0x100, 4, &probe_ops, &a, 0) != NULL);
    CHECK(as_add_io(&as, "b", 0x104, 4, &probe_ops, &b, 0) != NULL);
    CHECK(as_add_io(&as, "bytes", 0x200, 8, &probe_ops_byte, &bytes, 0) != NULL);

    /* Aligned, inside one device: one access. */
    CHECK_EQ(as_load(&as, 0x100, 4), 0x13121110);
    CHECK_EQ(a.n, 1);
    CHECK_EQ(a.log[0].size, 4);

    /* A dword straddling two devices: two words, one to each. */
    a.n = 0;
    as_store(&as, 0x102, 0xddccbbaa, 4);
    CHECK_EQ(a.n, 1);
    CHECK_EQ(a.log[0].offset, 2);
    CHECK_EQ(a.log[0].size, 2);
    CHECK_EQ(a.log[0].value, 0xbbaa);
    CHECK_EQ(b.n, 1);
    CHECK_EQ(b.log[0].offset, 0);
    CHECK_EQ(b.log[0].value, 0xddcc);

    /* An unaligned dword inside one device: naturally aligned pieces. */
    a.n = 0;
    CHECK_EQ(as_load(&as, 0x101, 2), 0x1211);
    CHECK_EQ(a.n, 2);
    CHECK_EQ(a.log[0].size, 1);

    /* A byte-wide device sees a dword as four bytes, lowest first. */
    as_store(&as, 0x200, 0x44332211, 4);
    CHECK_EQ(bytes.n, 4);
    CHECK_EQ(bytes.log[0].value, 0x11);
    CHECK_EQ(bytes.log[3].offset, 3);
    CHECK_EQ(bytes.log[3].value, 0x44);

    /* The space wraps: port 0xffff + 1 is port 0. */
    CHECK_EQ(as_load(&as, 0xffff, 2), 0xffff);
    as_destroy(&as);
}

static void test_dirty_log(void)
{
    AddressSpace as;
    static uint8_t ram[0x10000];
    CHECK(as_init(&as, "t", 1 << 20) == 0);
    MemRegion *r = as_add_ram(&as, "ram", 0x10000, sizeof(ram), ram, 0);
    CHECK(r && as_dirty_log_start(r) == 0);
    CHECK(!as_dirty_test(r, 0x3000));
    /* A write straddling pages 2 and 3 of the region dirties both. */
    as_store(&as, 0x12ffe, 0xaabbccdd, 4);
    CHECK(as_dirty_test(r, 0x2000) && as_dirty_test(r, 0x3000) && !as_dirty_test(r, 0x4000));
    as_dirty_mark(&as, 0x1f000, 1);
    uint64_t bits[1];
    as_dirty_fetch(r, 0x1000, 0xf000, bits);
    CHECK_EQ(bits[0], (1u << 1) | (1u << 2) | (1u << 14));
    /* Fetching cleared them. */
    as_dirty_fetch(r, 0, sizeof(ram), bits);
    CHECK_EQ(bits[0], 0);
    /* Reads do not dirty. */
    (void)as_load(&as, 0x15000, 8);
    CHECK(!as_dirty_test(r, 0x5000));
    as_dirty_log_stop(r);
    CHECK(as_dirty_log_start(as_add_io(&as, "io", 0x30000, 0x1000, &probe_ops, NULL, 0)) ==
          -EINVAL);
    as_destroy(&as);
}

int main(void)
{
    test_dirty_log();
    test_priority_and_holes();
    test_io_splitting();
    return check_report("memory_test");
}
