/* Port 0x92 (hw/port92.c): the register, the A20 line and the fast reset,
 * alone and as the board wires it. */
#include "hw/hw.h"
#include "tests/unit/check.h"

#include <errno.h>

#define MIB (1024ull * 1024)

/* What the device drove: the last A20 level, how many times, resets. */
typedef struct Probe {
    int a20_level;
    int a20_calls;
    int resets;
} Probe;

static void probe_a20(void *opaque, int n, int level)
{
    Probe *p = opaque;
    p->a20_level = level;
    p->a20_calls++;
}

static void probe_reset(void *opaque)
{
    Probe *p = opaque;
    p->resets++;
}

static void test_device(void)
{
    Probe pr = {.a20_level = -1};
    Port92 dev;
    port92_init(&dev, (IrqLine){probe_a20, &pr, 0}, probe_reset, &pr);
    /* Power-on: A20 enabled, and the line driven so. */
    CHECK_EQ(port92_ops.read(&dev, 0, 1), PORT92_A20);
    CHECK_EQ(pr.a20_level, 1);
    CHECK_EQ(pr.a20_calls, 1);

    /* Bit 1 clear: A20 masked; the value reads back as written. */
    port92_ops.write(&dev, 0, 0x00, 1);
    CHECK_EQ(pr.a20_level, 0);
    CHECK_EQ(port92_ops.read(&dev, 0, 1), 0x00);
    port92_ops.write(&dev, 0, 0xc2, 1); /* other bits are kept too */
    CHECK_EQ(pr.a20_level, 1);
    CHECK_EQ(port92_ops.read(&dev, 0, 1), 0xc2);
    CHECK_EQ(pr.resets, 0);

    /* Bit 0 from 0 to 1: one reset request; kept at 1, no more; the A20
     * level of the same write still counts. */
    port92_ops.write(&dev, 0, PORT92_FAST_RESET, 1);
    CHECK_EQ(pr.resets, 1);
    CHECK_EQ(pr.a20_level, 0);
    port92_ops.write(&dev, 0, PORT92_FAST_RESET | PORT92_A20, 1);
    CHECK_EQ(pr.resets, 1);
    CHECK_EQ(pr.a20_level, 1);
    port92_ops.write(&dev, 0, PORT92_A20, 1);
    port92_ops.write(&dev, 0, PORT92_FAST_RESET | PORT92_A20, 1);
    CHECK_EQ(pr.resets, 2);

    /* Reset: bit 0 clear again, A20 enabled. */
    port92_ops.write(&dev, 0, 0x01, 1);
    port92_reset(&dev);
    CHECK_EQ(port92_ops.read(&dev, 0, 1), PORT92_A20);
    CHECK_EQ(pr.a20_level, 1);

    /* Unconnected outputs: nothing happens, nothing crashes. */
    Port92 bare;
    port92_init(&bare, (IrqLine){0}, NULL, NULL);
    port92_ops.write(&bare, 0, 0x01, 1);
    CHECK_EQ(port92_ops.read(&bare, 0, 1), 0x01);
}

static void test_board(void)
{
    PcMachine pc;
    Probe pr = {.a20_level = -1};
    CHECK(pc_init(&pc, 16 * MIB) == 0);
    /* Claimed by the board: no device can take the port. */
    CHECK(pc_add_debugcon(&pc, 0x92, (CharSink){0}) == -EBUSY);
    CHECK_EQ(pc_port_read(&pc, 0x92, 1), PORT92_A20);

    /* Unconnected: writes are harmless. */
    pc_port_write(&pc, 0x92, 0x01, 1);
    pc_port_write(&pc, 0x92, 0x02, 1);

    pc_connect_a20(&pc, (IrqLine){probe_a20, &pr, 0});
    pc_connect_reset(&pc, probe_reset, &pr);
    pc_port_write(&pc, 0x92, 0x00, 1);
    CHECK_EQ(pr.a20_level, 0);
    CHECK_EQ(pc_port_read(&pc, 0x92, 1), 0x00);
    pc_port_write(&pc, 0x92, 0x02, 1);
    CHECK_EQ(pr.a20_level, 1);
    CHECK_EQ(pr.resets, 0);
    pc_port_write(&pc, 0x92, 0x03, 1);
    CHECK_EQ(pr.resets, 1);
    /* A word write reaches port 0x92 with its low byte (0x93 is nobody's). */
    pc_port_write(&pc, 0x92, 0xff00, 2);
    CHECK_EQ(pr.a20_level, 0);
    CHECK_EQ(pc_port_read(&pc, 0x92, 2), 0xff00);
    pc_destroy(&pc);
}

int main(void)
{
    test_device();
    test_board();
    return check_report("port92");
}
