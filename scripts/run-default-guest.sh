#!/bin/sh
# Boot the default guest: the bundled bare-metal demo (guests/demo.asm), on
# rx86's own CPU (-accel tcg), which runs on every host.
set -eu
BUILD=${1:-build}
RX86="$BUILD/rx86"
DEMO="$BUILD/guests/demo.bin"

if [ ! -x "$RX86" ] || [ ! -f "$DEMO" ]; then
    echo "run: $RX86 or $DEMO is missing; run 'make' first" >&2
    exit 1
fi
echo "run: $RX86 -bios $DEMO -nographic   (Ctrl-A x quits)"
exec "$RX86" -bios "$DEMO" -nographic
