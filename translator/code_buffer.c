/*
 * code_buffer.c — the memory generated code lives in.
 *
 * One memfd mapped twice: a read-write view the emitters write through and
 * a read-execute view the CPU runs, so no page is writable and executable
 * through the same mapping (hosts with W^X policies, arm64 macOS-like
 * rules, hardened kernels). Where memfd_create is missing the buffer falls
 * back to a single RWX anonymous mapping, and says so.
 */
#include "translator/tb.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int code_buffer_init(CodeBuffer *cb, size_t size)
{
    memset(cb, 0, sizeof(*cb));
    cb->fd = -1;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size = (size + page - 1) & ~(page - 1);

    int fd = memfd_create("rx86-code", MFD_CLOEXEC);
    if (fd >= 0) {
        if (ftruncate(fd, (off_t)size) != 0) {
            int err = -errno;
            close(fd);
            return err;
        }
        void *rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (rw == MAP_FAILED) {
            int err = -errno;
            close(fd);
            return err;
        }
        void *rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
        if (rx == MAP_FAILED) {
            int err = -errno;
            munmap(rw, size);
            close(fd);
            return err;
        }
        cb->rw = rw;
        cb->rx = rx;
        cb->fd = fd;
        cb->size = size;
        return 0;
    }

    void *rwx = mmap(NULL, size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
    if (rwx == MAP_FAILED) {
        return -errno;
    }
    fprintf(stderr, "rx86: memfd_create unavailable: generated code uses one RWX mapping\n");
    cb->rw = cb->rx = rwx;
    cb->size = size;
    return 0;
}

void code_buffer_destroy(CodeBuffer *cb)
{
    if (cb->rw) {
        munmap(cb->rw, cb->size);
    }
    if (cb->rx && cb->rx != cb->rw) {
        munmap(cb->rx, cb->size);
    }
    if (cb->fd >= 0) {
        close(cb->fd);
    }
    memset(cb, 0, sizeof(*cb));
    cb->fd = -1;
}
