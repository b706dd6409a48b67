#!/usr/bin/env python3
"""serial_socket.py — COM1 on a socket chardev, server side, with wait=on.

Starts rx86 with the uart_echo guest and COM1 on a Unix socket or a TCP port
(rx86 listens and waits for us, as QEMU does), connects, and holds a short
conversation: the banner, an upper-cased echo, and 'q', after which the guest
leaves through isa-debug-exit with status 33.

    serial_socket.py --rx86 build/rx86 --guest build/tests/guest/uart_echo.bin \\
                     --transport unix|tcp [--accel kvm]

Exit 0 on success, 1 on failure, 77 when --accel kvm and /dev/kvm is unusable.
Standard library only.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77


def connect(transport, address, deadline):
    """Connect to rx86's listening socket, retrying until it is there."""
    while True:
        family = socket.AF_UNIX if transport == "unix" else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        try:
            s.connect(address)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def read_until(sock, needle, deadline, seen):
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("did not see %r; got %r" % (needle, bytes(seen)))
        sock.settimeout(left)
        chunk = sock.recv(4096)
        if not chunk:
            raise EOFError("connection closed before %r; got %r" % (needle, bytes(seen)))
        seen += chunk
    return seen


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rx86", required=True)
    p.add_argument("--guest", required=True)
    p.add_argument("--transport", choices=["unix", "tcp"], required=True)
    p.add_argument("--accel", default="kvm")
    p.add_argument("--timeout", type=float, default=20)
    args = p.parse_args()

    if args.accel == "kvm":
        try:
            os.close(os.open("/dev/kvm", os.O_RDWR))
        except OSError as err:
            print("SKIP: needs a usable /dev/kvm (%s)" % err.strerror)
            return SKIP

    deadline = time.monotonic() + args.timeout
    with tempfile.TemporaryDirectory(prefix="rx86-socket-") as tmp:
        if args.transport == "unix":
            path = os.path.join(tmp, "com1")
            serial, address = "unix:%s,server=on,wait=on" % path, path
        else:
            port = free_tcp_port()
            serial, address = "tcp:127.0.0.1:%d,server=on,wait=on" % port, ("127.0.0.1", port)
        cmd = [args.rx86, "-accel", args.accel, "-nodefaults", "-display", "none",
               "-serial", serial, "-bios", args.guest,
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x4"]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        try:
            sock = connect(args.transport, address, deadline)
            seen = read_until(sock, b"echo ready", deadline, bytearray())
            sock.sendall(b"socket says hi")
            seen = read_until(sock, b"SOCKET SAYS HI", deadline, seen)
            sock.sendall(b"q")
            seen = read_until(sock, b"bye", deadline, seen)
            status = proc.wait(max(0.1, deadline - time.monotonic()))
            sock.close()
        except (OSError, TimeoutError, EOFError, subprocess.TimeoutExpired) as err:
            proc.kill()
            out = proc.communicate()[0]
            print("FAIL: %s\nrx86 printed: %r" % (err, out), file=sys.stderr)
            return 1
        out = proc.stdout.read()
        if status != 33:
            print("FAIL: exit status %d, expected 33; rx86 printed: %r" % (status, out),
                  file=sys.stderr)
            return 1
        if args.transport == "unix" and os.path.exists(address):
            print("FAIL: rx86 left its socket %s behind" % address, file=sys.stderr)
            return 1
    print("PASS: %s conversation over %s" % (args.transport, serial))
    return 0


if __name__ == "__main__":
    sys.exit(main())
