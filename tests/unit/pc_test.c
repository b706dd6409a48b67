/* The board: memory map, BIOS mapping and alias, device ports, debug-exit. */
#include "hw/hw.h"
#include "tests/unit/check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1024ull * 1024)

static void test_memory_map(void)
{
    PcMachine pc;
    CHECK(pc_init(&pc, 64 * MIB) == 0);
    CHECK_EQ(pc.ram_below_4g, 64 * MIB);
    as_store(&pc.mem, 0x7c00, 0x1234, 2);
    CHECK_EQ(as_load(&pc.mem, 0x7c00, 2), 0x1234);
    CHECK_EQ(pc.ram[0x7c00], 0x34);
    /* The legacy VGA window is unclaimed. */
    CHECK_EQ(as_load(&pc.mem, 0xa0000, 4), 0xffffffff);
    /* Beyond RAM: nothing. */
    CHECK_EQ(as_load(&pc.mem, 64 * MIB, 1), 0xff);

    /* A 64 KiB BIOS: top of 4 GiB and the alias below 1 MiB. */
    uint8_t *bios = malloc(64 * 1024);
    for (int i = 0; i < 64 * 1024; i++) {
        bios[i] = (uint8_t)(i * 7);
    }
    CHECK(pc_load_bios(&pc, bios, 64 * 1024) == 0);
    CHECK_EQ(as_load(&pc.mem, 0xfffffff0, 1), bios[0xfff0]);
    CHECK_EQ(as_load(&pc.mem, 0xffff0, 1), bios[0xfff0]);
    CHECK_EQ(as_load(&pc.mem, 0xf0000, 4), as_load(&pc.mem, 0xffff0000, 4));
    /* Below the 64 KiB image, the alias window shows RAM. */
    pc.ram[0xe0000] = 0x5a;
    CHECK_EQ(as_load(&pc.mem, 0xe0000, 1), 0x5a);
    /* ROM ignores writes through either address. */
    as_store(&pc.mem, 0xffff0, 0, 1);
    as_store(&pc.mem, 0xfffffff0, 0, 1);
    CHECK_EQ(as_load(&pc.mem, 0xffff0, 1), bios[0xfff0]);
    CHECK(pc_load_bios(&pc, bios, 64 * 1024) == -EINVAL); /* only once */
    free(bios);
    pc_destroy(&pc);

    /* Bad BIOS sizes. */
    CHECK(pc_init(&pc, 64 * MIB) == 0);
    uint8_t small[1000] = {0};
    CHECK(pc_load_bios(&pc, small, sizeof(small)) == -EINVAL);
    pc_destroy(&pc);

    /* A big machine: low RAM stops at 3 GiB, the rest above 4 GiB. */
    CHECK(pc_init(&pc, 4096 * MIB) == 0);
    CHECK_EQ(pc.ram_below_4g, 3072 * MIB);
    pc.ram[3072 * MIB] = 0x77;
    CHECK_EQ(as_load(&pc.mem, 4096 * MIB, 1), 0x77);
    CHECK_EQ(as_load(&pc.mem, 3072 * MIB, 1), 0xff);
    pc_destroy(&pc);
    CHECK(pc_init(&pc, 1000) == -EINVAL);
}

static uint8_t captured[16];
static size_t ncaptured;
static void capture(void *opaque, const uint8_t *buf, size_t len)
{
    memcpy(captured + ncaptured, buf, len);
    ncaptured += len;
}

static void test_devices(void)
{
    PcMachine pc;
    CHECK(pc_init(&pc, 16 * MIB) == 0);
    CharSink sink = {capture, NULL};
    CHECK(pc_add_uart(&pc, 0, sink) == 0);
    CHECK(pc_add_uart(&pc, 0, sink) == -EBUSY);
    CHECK(pc_add_debugcon(&pc, 0xe9, sink) == 0);
    CHECK(pc_add_debugcon(&pc, 0x80, sink) == 0);
    CHECK(pc_add_debugcon(&pc, 0x3f9, sink) == -EBUSY); /* COM1's */
    CHECK(pc_add_debug_exit(&pc, 0xf4, 4) == 0);
    CHECK(pc_add_debug_exit(&pc, 0xf6, 4) == -EBUSY);

    pc_port_write(&pc, 0x3f8, 'A', 1);
    pc_port_write(&pc, 0xe9, 'B', 1);
    pc_port_write(&pc, 0x80, 'C', 1);
    CHECK_EQ(ncaptured, 3);
    CHECK(memcmp(captured, "ABC", 3) == 0);
    CHECK_EQ(pc_port_read(&pc, 0xe9, 1), 0xe9);
    CHECK_EQ(pc_port_read(&pc, 0x3fd, 1), 0x60);
    CHECK_EQ(pc_port_read(&pc, 0x1234, 2), 0xffff); /* nobody there */

    /* debug-exit: (V << 1) | 1, the first request wins. */
    CHECK_EQ(atomic_load(&pc.exit_status), -1);
    pc_port_write(&pc, 0xf4, 0x10, 1);
    CHECK_EQ(atomic_load(&pc.exit_status), 0x21);
    pc_port_write(&pc, 0xf4, 0x00, 4);
    CHECK_EQ(atomic_load(&pc.exit_status), 0x21);
    pc_destroy(&pc);
}

int main(void)
{
    test_memory_map();
    test_devices();
    return check_report("pc_test");
}
