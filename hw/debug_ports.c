/*
 * The two debugging ports guests print and stop through, with QEMU's
 * behaviour so test programs run the same under both:
 *  - isa-debugcon: each byte written goes to the host; a read returns 0xE9
 *    so a guest can detect the port (the Bochs "port E9 hack").
 *  - isa-debug-exit: a write of V ends the emulator with status (V << 1) | 1,
 *    so no value can look like a clean exit of 0.
 */
#include "hw/hw.h"

static uint64_t debugcon_read(void *opaque, uint64_t offset, unsigned size)
{
    const DebugCon *d = opaque;
    return d->readback;
}

static void debugcon_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    DebugCon *d = opaque;
    uint8_t byte = (uint8_t)value;
    if (d->out.write) {
        d->out.write(d->out.opaque, &byte, 1);
    }
}

const MemOps debugcon_ops = {.read = debugcon_read, .write = debugcon_write, .max_size = 1};

static uint64_t debug_exit_read(void *opaque, uint64_t offset, unsigned size)
{
    return 0;
}

static void debug_exit_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    DebugExit *d = opaque;
    d->request_exit(d->opaque, (int)(((uint32_t)value << 1) | 1));
}

/* One access of up to 4 bytes is one exit request, as a guest's OUT is. */
const MemOps debug_exit_ops = {.read = debug_exit_read, .write = debug_exit_write, .max_size = 4};
