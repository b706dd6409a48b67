#!/usr/bin/env python3
"""make_initramfs.py — build the default guest's initramfs from a static busybox.

    make_initramfs.py --busybox PATH -o initramfs.cpio.gz

Writes a gzip-compressed cpio archive in the "newc" format the kernel unpacks
(Documentation/driver-api/early-userspace/buffer-format.rst): the directories
of a small root, /bin/busybox with /bin/sh pointing at it, /dev/console (the
kernel opens it for init before any devtmpfs exists) and /init, which mounts
proc, sysfs and devtmpfs, installs busybox's applets and starts a shell on
the console. No root rights or cpio tool are needed, and the archive is the
same byte for byte on every run (fixed times and owners).
"""

import argparse
import gzip
import stat
import sys

INIT = """#!/bin/sh
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
export HOME=/root PATH=/bin:/sbin:/usr/bin:/usr/sbin PS1='rx86-guest:\\w# '
cd /root
echo "rx86 guest: Linux $(uname -r), busybox shell (poweroff -f to stop; Ctrl-A x quits rx86)"
exec setsid cttyhack sh
"""

DIRS = ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "tmp", "root", "etc"]


class Cpio:
    def __init__(self):
        self.out = bytearray()
        self.ino = 1

    def _pad(self):
        self.out += b"\0" * (-len(self.out) % 4)

    def add(self, name, mode, data=b"", rdev=(0, 0)):
        fields = [self.ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0, len(data),
                  0, 0, rdev[0], rdev[1], len(name) + 1, 0]
        self.ino += 1
        self.out += b"070701" + b"".join(b"%08X" % f for f in fields)
        self.out += name.encode() + b"\0"
        self._pad()
        self.out += data
        self._pad()

    def finish(self):
        self.add("TRAILER!!!", 0)
        return bytes(self.out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--busybox", required=True, help="a static busybox binary")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    try:
        with open(args.busybox, "rb") as f:
            busybox = f.read()
    except OSError as e:
        sys.exit(f"make_initramfs: {e}")
    if busybox[:4] != b"\x7fELF":
        sys.exit(f"make_initramfs: {args.busybox} is not an ELF executable")

    c = Cpio()
    for d in DIRS:
        c.add(d, stat.S_IFDIR | 0o755)
    c.add("bin/busybox", stat.S_IFREG | 0o755, busybox)
    c.add("bin/sh", stat.S_IFLNK | 0o777, b"busybox")
    c.add("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))
    c.add("init", stat.S_IFREG | 0o755, INIT.encode())
    with open(args.output, "wb") as f:
        f.write(gzip.compress(c.finish(), compresslevel=9, mtime=0))


if __name__ == "__main__":
    main()
