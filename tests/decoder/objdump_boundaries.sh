#!/bin/sh
# objdump_boundaries.sh RX86_DIS CACHE_DIR busybox|vmlinux
# Disassembles every executable section of a real binary with objdump and
# with rx86-dis and checks that both put instruction boundaries at exactly
# the same addresses. One difference is by design: objdump folds FWAIT
# (9B) into a following no-wait x87 instruction ("finit" for 9B DB E3),
# while for the CPU 9B is an instruction of its own, so rx86 may have a
# boundary right after a one-byte fwait that objdump does not.
# Exit 77 (skipped) when the binaries cannot be fetched.
set -eu
dis=$1
cache=$2
what=$3
here=$(cd "$(dirname "$0")" && pwd)

command -v objdump >/dev/null 2>&1 || { echo "objdump not installed: skipping"; exit 77; }
sh "$here/fetch_real_binaries.sh" "$cache" >/dev/null || exit $?
file=$cache/$what
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

objdump -d --no-show-raw-insn "$file" |
    awk -F'\t' '/^ *[0-9a-f]+:\t/ { sub(/^ */, "", $1); print $1 }' |
    LC_ALL=C sort > "$work/objdump"
"$dis" --no-bytes "$file" > "$work/rx86.txt"
awk -F'\t' '/^ *[0-9a-f]+:\t/ { sub(/^ */, "", $1); print $1 }' "$work/rx86.txt" |
    LC_ALL=C sort > "$work/rx86"

n_obj=$(wc -l < "$work/objdump")
n_rx=$(wc -l < "$work/rx86")
LC_ALL=C comm -23 "$work/objdump" "$work/rx86" > "$work/missing"
LC_ALL=C comm -13 "$work/objdump" "$work/rx86" > "$work/extra"

# every extra boundary must follow a one-byte fwait
bad_extra=$(awk -F'\t' -v extra="$work/extra" '
    BEGIN { while ((getline a < extra) > 0) want[a] = 1 }
    /^ *[0-9a-f]+:\t/ {
        addr = $1; sub(/^ */, "", addr)
        if ((addr in want) && prev != "fwait") { print addr; bad++ }
        prev = $2; sub(/ .*/, "", prev)
    }
    END { exit 0 }' "$work/rx86.txt")

n_missing=$(wc -l < "$work/missing")
n_extra=$(wc -l < "$work/extra")
echo "$what: objdump $n_obj instructions, rx86 $n_rx; boundaries rx86 lacks: $n_missing;" \
     "extra rx86 boundaries: $n_extra (after fwait: allowed)"
if [ "$n_obj" -lt 1000 ]; then
    echo "too few instructions: objdump output not understood"
    exit 1
fi
if [ "$n_missing" -ne 0 ] || [ -n "$bad_extra" ]; then
    echo "first boundaries objdump has and rx86 lacks:"
    head -n 10 "$work/missing"
    echo "first extra rx86 boundaries not after an fwait:"
    echo "$bad_extra" | head -n 10
    exit 1
fi
