#!/bin/sh
# acpi.iasl: rx86's ACPI tables (hw/acpi_tables.c) through ACPICA's iasl.
#
#   iasl_check.sh ACPI_DUMP WORKDIR
#
# For three board configurations (QEMU pc defaults with 2 CPUs; 255 CPUs, four
# COM ports, a 3 GiB PCI hole start and a 64-bit window; 1 CPU with no HPET,
# UART or reset register), acpi_dump writes every table and, for each:
#   1. `iasl -d` disassembles it: it must succeed without printing a warning or
#      an error (a data table's bad checksum is a "Firmware Warning"), and the
#      listing must hold none of iasl's notes: "****" (an AML table's bad
#      checksum, a length past the data), "Incorrect", "Invalid", "Unknown";
#   2. iasl compiles the listing back (the DSDT with -oa, no optimizations, so
#      it encodes integers and names exactly as written): no error, and no
#      warning but one, in the DSDT: 3073, "Device object requires either a
#      _HID or _ADR, but not both" for \_SB.PCI0, which has both as QEMU's pc
#      DSDT does (Linux reads _HID PNP0A03 and ignores that _ADR);
#   3. the compiled bytes equal ours except the checksum and the creator id
#      and revision (iasl writes its own: "INTL", its version).
# The "Remark"s iasl prints about names created inside the links' _CRS
# methods (a Name in a Serialized method, as QEMU's IQCR has) are not faults.
# The RSDP is not a table iasl 20200925 reads from a file; the unit test
# (unit.acpi_tables) checks it, and Linux boots on it (linux_qemu_check.py).
#
# Exit status: 0 pass, 1 fail, 77 skipped (no iasl: scripts/setup.sh installs
# acpica-tools).
set -u

dump=$1
work=$2

if ! command -v iasl >/dev/null 2>&1; then
    echo "SKIP: iasl not found (Debian package acpica-tools, installed by scripts/setup.sh)"
    exit 77
fi

rm -rf "$work"
mkdir -p "$work"
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

check_config() {
    name=$1
    shift
    dir=$work/$name
    mkdir -p "$dir/back"
    if ! "$dump" "$dir" "$@" >"$dir/dump.log" 2>&1; then
        fail "$name: acpi_dump $*: $(cat "$dir/dump.log")"
        return
    fi
    for dat in "$dir"/*.dat; do
        sig=$(basename "$dat" .dat)
        [ "$sig" = RSDP ] && continue
        if ! iasl -d "$dat" >"$dir/$sig.d.log" 2>&1; then
            fail "$name/$sig: iasl -d failed: $(cat "$dir/$sig.d.log")"
            continue
        fi
        if grep -E 'Warning|Error' "$dir/$sig.d.log"; then
            fail "$name/$sig: iasl -d printed the lines above"
        fi
        if grep -n -E '\*\*\*\*|Incorrect|Invalid|Unknown' "$dir/$sig.dsl"; then
            fail "$name/$sig: iasl -d flagged the lines above"
        fi
        opt=""
        [ "$sig" = DSDT ] && opt="-oa"
        # shellcheck disable=SC2086 # opt is one word or none
        iasl $opt -p "$dir/back/$sig" "$dir/$sig.dsl" >"$dir/$sig.c.log" 2>&1
        rc=$?
        problems=$(grep -E '^(Error|Warning) ' "$dir/$sig.c.log" |
            if [ "$sig" = DSDT ]; then grep -v '^Warning  3073 '; else cat; fi)
        if [ $rc -ne 0 ] || [ -n "$problems" ]; then
            fail "$name/$sig: compiling the listing back: rc $rc"
            cat "$dir/$sig.c.log"
            continue
        fi
        # cmp -l counts bytes from 1: 10 is the checksum, 29-36 the creator.
        diffs=$(cmp -l "$dir/back/$sig.aml" "$dat" 2>&1 |
            awk '$1 != 10 && ($1 < 29 || $1 > 36)')
        if [ -n "$diffs" ]; then
            fail "$name/$sig: compiled listing differs (offset-1, iasl, rx86 in octal):"
            echo "$diffs" | head -20
        fi
        echo "ok: $name/$sig ($(wc -c <"$dat") bytes)"
    done
}

check_config pc --cpus 2
check_config big --cpus 255 --uarts 15 --ram-end 0xC0000000 --addr 0xBFFF0000 \
    --hole64 0x100000000 0x800000000
check_config minimal --cpus 1 --uarts 0 --no-hpet --no-reset-reg

if [ $failures -ne 0 ]; then
    echo "acpi.iasl: $failures failures"
    exit 1
fi
echo "acpi.iasl: all tables disassemble and compile back to the same bytes"
exit 0
