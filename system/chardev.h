/*
 * Character devices: the host side of serial ports and debug consoles.
 * A chardev writes the guest's bytes to stdout, a file or a socket, and
 * (served by the main loop) hands host input to one consumer, a UART.
 *
 * All calls after chardev_open() are made with the board's device lock held,
 * from a vCPU (output) or the main loop (input, accepting clients).
 */
#ifndef RX86_SYSTEM_CHARDEV_H
#define RX86_SYSTEM_CHARDEV_H

#include "system/options.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

typedef struct Chardev {
    ChardevSpec spec;
    int out_fd;    /* -1: output is dropped (null, or no client yet) */
    int in_fd;     /* -1: no input */
    int listen_fd; /* a server socket waiting for its client, or -1 */
    bool owns_fds; /* close out_fd/in_fd on close (not for stdio) */

    /* The consumer of input. */
    size_t (*can_receive)(void *opaque);
    void (*receive)(void *opaque, const uint8_t *buf, size_t len);
    void *consumer;

    /* stdio only: the terminal mode to restore, and the Ctrl-A escape. */
    bool raw_tty;
    struct termios saved_tty;
    bool escape_pending;
    void (*quit)(void *opaque); /* Ctrl-A x */
    void *quit_opaque;
} Chardev;

/*
 * Open the backend. A server socket with wait=on blocks here until a client
 * connects, as QEMU does. Returns 0 or -errno with a one-line reason in err.
 */
int chardev_open(Chardev *cd, const ChardevSpec *spec, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void chardev_close(Chardev *cd);

/* Route input to a consumer (a UART). For stdio on a terminal this switches
 * the terminal to raw input until chardev_close(). */
void chardev_set_consumer(Chardev *cd, size_t (*can_receive)(void *opaque),
                          void (*receive)(void *opaque, const uint8_t *buf, size_t len),
                          void *opaque);

/* Send bytes to the host side (a CharSink write function; opaque is cd). */
void chardev_write(void *opaque, const uint8_t *buf, size_t len);

/* Main loop: input is readable on in_fd; a client is waiting on listen_fd. */
void chardev_read_input(Chardev *cd);
void chardev_accept(Chardev *cd);

#endif
