/*
 * Chardev backends: null, stdio, file, socket (TCP or Unix, client or
 * server). A server socket has one client at a time; while none is
 * connected, output is dropped, as in QEMU.
 *
 * stdio puts a terminal in raw input mode (output processing stays, so the
 * guest's "\n" still reaches column 0) and interprets QEMU's escape keys:
 * Ctrl-A x quits, Ctrl-A h lists the keys, Ctrl-A Ctrl-A sends a Ctrl-A.
 */
#include "system/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CTRL_A 0x01

static int open_err(char *err, size_t errlen, int e, const char *fmt, const char *what)
{
    char msg[256];
    snprintf(msg, sizeof(msg), fmt, what);
    snprintf(err, errlen, "%s: %s", msg, strerror(e));
    return -e;
}

static int open_stdio(Chardev *cd, char *err, size_t errlen)
{
    cd->out_fd = STDOUT_FILENO;
    cd->in_fd = STDIN_FILENO;
    return 0;
}

void chardev_set_consumer(Chardev *cd, size_t (*can_receive)(void *opaque),
                          void (*receive)(void *opaque, const uint8_t *buf, size_t len),
                          void *opaque)
{
    cd->can_receive = can_receive;
    cd->receive = receive;
    cd->consumer = opaque;
    /* Keys go to the guest only once someone reads them. */
    if (cd->spec.backend == CHARDEV_STDIO && !cd->raw_tty && isatty(STDIN_FILENO) &&
        tcgetattr(STDIN_FILENO, &cd->saved_tty) == 0) {
        struct termios raw = cd->saved_tty;
        raw.c_iflag &=
            ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
        raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
            cd->raw_tty = true;
        }
    }
}

static int open_file(Chardev *cd, char *err, size_t errlen)
{
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (cd->spec.append ? O_APPEND : O_TRUNC);
    int fd = open(cd->spec.path, flags, 0666);
    if (fd < 0) {
        return open_err(err, errlen, errno, "cannot open '%s'", cd->spec.path);
    }
    cd->out_fd = fd;
    cd->owns_fds = true;
    return 0;
}

/* Resolve the socket address; returns a socket fd bound (server) or
 * connected (client), or -errno. */
static int socket_connect_or_bind(Chardev *cd, char *err, size_t errlen)
{
    const ChardevSpec *s = &cd->spec;
    if (s->path) {
        struct sockaddr_un sun = {.sun_family = AF_UNIX};
        if (strlen(s->path) >= sizeof(sun.sun_path)) {
            snprintf(err, errlen, "socket path '%s' is too long", s->path);
            return -ENAMETOOLONG;
        }
        strcpy(sun.sun_path, s->path);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return open_err(err, errlen, errno, "socket for '%s'", s->path);
        }
        if (s->server) {
            unlink(s->path);
        }
        int rc = s->server ? bind(fd, (struct sockaddr *)&sun, sizeof(sun))
                           : connect(fd, (struct sockaddr *)&sun, sizeof(sun));
        if (rc < 0) {
            int e = errno;
            close(fd);
            return open_err(err, errlen, e,
                            s->server ? "cannot listen on '%s'" : "cannot connect to '%s'",
                            s->path);
        }
        return fd;
    }

    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = s->server ? AI_PASSIVE : 0};
    struct addrinfo *res;
    const char *host = (s->host && *s->host) ? s->host : (s->server ? NULL : "localhost");
    int gai = getaddrinfo(host, s->port, &hints, &res);
    if (gai != 0) {
        snprintf(err, errlen, "cannot resolve '%s:%s': %s", host ? host : "", s->port,
                 gai_strerror(gai));
        return -EINVAL;
    }
    int fd = -1, e = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if ((s->server ? bind(fd, ai->ai_addr, ai->ai_addrlen)
                       : connect(fd, ai->ai_addr, ai->ai_addrlen)) == 0) {
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            break;
        }
        e = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        char what[128];
        snprintf(what, sizeof(what), "%s:%s", host ? host : "", s->port);
        return open_err(err, errlen, e,
                        s->server ? "cannot listen on '%s'" : "cannot connect to '%s'", what);
    }
    return fd;
}

static int open_socket(Chardev *cd, char *err, size_t errlen)
{
    int fd = socket_connect_or_bind(cd, err, errlen);
    if (fd < 0) {
        return fd;
    }
    cd->owns_fds = true;
    if (!cd->spec.server) {
        cd->out_fd = cd->in_fd = fd;
        return 0;
    }
    if (listen(fd, 1) < 0) {
        int e = errno;
        close(fd);
        return open_err(err, errlen, e, "listen on chardev '%s'", cd->spec.id);
    }
    cd->listen_fd = fd;
    if (cd->spec.wait) {
        fprintf(stderr, "rx86: waiting for a connection on chardev '%s' (%s%s)\n", cd->spec.id,
                cd->spec.path ? cd->spec.path : "tcp port ", cd->spec.path ? "" : cd->spec.port);
        chardev_accept(cd);
    }
    return 0;
}

int chardev_open(Chardev *cd, const ChardevSpec *spec, char *err, size_t errlen)
{
    memset(cd, 0, sizeof(*cd));
    cd->spec = *spec;
    cd->out_fd = cd->in_fd = cd->listen_fd = -1;
    switch (spec->backend) {
    case CHARDEV_NULL:
        return 0;
    case CHARDEV_STDIO:
        return open_stdio(cd, err, errlen);
    case CHARDEV_FILE:
        return open_file(cd, err, errlen);
    case CHARDEV_SOCKET:
        return open_socket(cd, err, errlen);
    }
    snprintf(err, errlen, "chardev '%s': bad backend", spec->id);
    return -EINVAL;
}

void chardev_close(Chardev *cd)
{
    if (cd->raw_tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &cd->saved_tty);
        cd->raw_tty = false;
    }
    if (cd->owns_fds) {
        if (cd->out_fd >= 0) {
            close(cd->out_fd);
        }
        if (cd->in_fd >= 0 && cd->in_fd != cd->out_fd) {
            close(cd->in_fd);
        }
        if (cd->listen_fd >= 0) {
            close(cd->listen_fd);
            if (cd->spec.path && cd->spec.server) {
                unlink(cd->spec.path);
            }
        }
    }
    cd->out_fd = cd->in_fd = cd->listen_fd = -1;
}

/* A socket client went away: drop it and wait for the next one. */
static void drop_client(Chardev *cd)
{
    if (cd->spec.backend != CHARDEV_SOCKET) {
        cd->in_fd = -1; /* stdin at end of file */
        return;
    }
    if (cd->out_fd >= 0) {
        close(cd->out_fd);
    }
    cd->out_fd = cd->in_fd = -1;
}

void chardev_write(void *opaque, const uint8_t *buf, size_t len)
{
    Chardev *cd = opaque;
    while (len > 0 && cd->out_fd >= 0) {
        ssize_t n = cd->spec.backend == CHARDEV_SOCKET ? send(cd->out_fd, buf, len, MSG_NOSIGNAL)
                                                       : write(cd->out_fd, buf, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            /* The reader is gone (closed pipe, full disk): the guest's bytes
             * have nowhere to go; the guest itself is unaffected. */
            if (cd->spec.backend == CHARDEV_SOCKET) {
                drop_client(cd);
            } else {
                cd->out_fd = -1;
            }
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

void chardev_accept(Chardev *cd)
{
    int fd = accept4(cd->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
        return;
    }
    if (cd->out_fd >= 0) {
        close(fd); /* one client at a time */
        return;
    }
    cd->out_fd = cd->in_fd = fd;
}

static void show_escape_help(Chardev *cd)
{
    static const char help[] = "\r\nC-a h    print this help\r\n"
                               "C-a x    exit rx86\r\n"
                               "C-a C-a  send C-a\r\n";
    if (cd->out_fd >= 0) {
        ssize_t ignored = write(cd->out_fd, help, sizeof(help) - 1);
        (void)ignored;
    }
}

/* Filter stdio input through the Ctrl-A escape; returns the bytes to pass on. */
static size_t escape_filter(Chardev *cd, uint8_t *buf, size_t n)
{
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = buf[i];
        if (cd->escape_pending) {
            cd->escape_pending = false;
            if (c == 'x' || c == 'X') {
                if (cd->quit) {
                    cd->quit(cd->quit_opaque);
                }
                return out;
            }
            if (c == 'h' || c == '?') {
                show_escape_help(cd);
                continue;
            }
            if (c != CTRL_A) {
                continue; /* an unknown escape is swallowed */
            }
        } else if (c == CTRL_A) {
            cd->escape_pending = true;
            continue;
        }
        buf[out++] = c;
    }
    return out;
}

void chardev_read_input(Chardev *cd)
{
    if (cd->in_fd < 0 || !cd->receive) {
        return;
    }
    size_t room = cd->can_receive(cd->consumer);
    if (room == 0) {
        return;
    }
    uint8_t buf[256];
    if (room > sizeof(buf)) {
        room = sizeof(buf);
    }
    ssize_t n = read(cd->in_fd, buf, room);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n <= 0) {
        drop_client(cd);
        return;
    }
    size_t len = (size_t)n;
    if (cd->spec.backend == CHARDEV_STDIO) {
        len = escape_filter(cd, buf, len);
    }
    if (len > 0) {
        cd->receive(cd->consumer, buf, len);
    }
}
