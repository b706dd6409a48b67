#!/bin/sh
# Boot the default guest: Debian's kernel with a busybox initramfs
# (scripts/fetch-linux-guest.sh puts both in guests/cache/), by direct boot
# on rx86's own CPU (-accel tcg), which runs on every host. The serial
# console is the terminal; `poweroff -f` in the guest or Ctrl-A x ends it.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RX86="$BUILD/rx86"
KERNEL="$ROOT/guests/cache/vmlinuz"
INITRD="$ROOT/guests/cache/initramfs.cpio.gz"

if [ ! -x "$RX86" ]; then
    echo "run: $RX86 is missing; run 'make' first" >&2
    exit 1
fi
if [ ! -f "$KERNEL" ] || [ ! -f "$INITRD" ]; then
    echo "run: the Linux guest is missing; run 'sh scripts/fetch-linux-guest.sh' (make run does)" >&2
    exit 1
fi
echo "run: $RX86 -m 512 -kernel guests/cache/vmlinuz -initrd guests/cache/initramfs.cpio.gz" \
     "-append console=ttyS0 -nographic   (Ctrl-A x quits)"
exec "$RX86" -m 512 -kernel "$KERNEL" -initrd "$INITRD" -append "console=ttyS0" -nographic
