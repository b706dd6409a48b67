#!/bin/sh
# Boot the default guest: the bundled bare-metal demo (guests/demo.asm).
# rx86's own CPU emulator (TCG) is not written yet, so the demo runs under
# KVM where the host has a usable /dev/kvm; elsewhere this says so and fails.
set -eu
BUILD=${1:-build}
RX86="$BUILD/rx86"
DEMO="$BUILD/guests/demo.bin"

if [ ! -x "$RX86" ] || [ ! -f "$DEMO" ]; then
    echo "run: $RX86 or $DEMO is missing; run 'make' first" >&2
    exit 1
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    echo "run: rx86's CPU emulator (TCG) does not exist yet, and this host has no usable" >&2
    echo "run: /dev/kvm, so the demo cannot run here yet. (Try: $RX86 --help)" >&2
    exit 1
fi
echo "run: $RX86 -accel kvm -bios $DEMO -nographic   (Ctrl-A x quits)"
exec "$RX86" -accel kvm -bios "$DEMO" -nographic
