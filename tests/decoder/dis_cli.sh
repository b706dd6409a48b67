#!/bin/sh
# dis_cli.sh RX86_DIS — rx86-dis's command line: --help, one-line errors
# with exit status 1, flat binaries in each mode, ELF autodetection.
set -u
dis=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

expect() { # expect STATUS DESCRIPTION command...
    want=$1; what=$2; shift 2
    "$@" > "$work/out" 2> "$work/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: $what: exit $got, want $want"; cat "$work/out" "$work/err"; fail=1
    fi
}
contains() { # contains FILE TEXT DESCRIPTION
    if ! grep -qF -- "$2" "$1"; then
        echo "FAIL: $3: no \"$2\" in:"; cat "$1"; fail=1
    fi
}

expect 0 "--help" "$dis" --help
contains "$work/out" "usage: rx86-dis" "--help text"
expect 1 "no file" "$dis"
contains "$work/err" "rx86-dis:" "no file message"
expect 1 "missing file" "$dis" "$work/does-not-exist"
contains "$work/err" "does-not-exist" "missing file message"
expect 1 "bad mode" "$dis" -m 15 /dev/null
contains "$work/err" "bad mode" "bad mode message"
expect 1 "bad option" "$dis" --frobnicate /dev/null
expect 1 "bad number" "$dis" --base zz /dev/null
[ "$(wc -l < "$work/err")" -eq 1 ] || { echo "FAIL: errors are one line"; fail=1; }

# flat binaries: the same bytes in three modes (printf octal escapes: dash
# has no \x)
printf '\125\110\211\345\270\001\000\000\000\303' > "$work/flat.bin"
expect 0 "flat 64" "$dis" -m 64 --base 0x1000 "$work/flat.bin"
contains "$work/out" "1000:	55                   	push   rbp" "push rbp at 0x1000"
contains "$work/out" "mov    rbp,rsp" "64-bit mov"
expect 0 "flat 32" "$dis" -m 32 "$work/flat.bin"
contains "$work/out" "dec    eax" "48 is DEC in 32-bit code"
printf '\270\064\022\315\020' > "$work/boot.bin"
expect 0 "flat 16" "$dis" -m 16 --base 0x7c00 "$work/boot.bin"
contains "$work/out" "7c00:" "16-bit base"
contains "$work/out" "mov    ax,0x1234" "16-bit mov"
contains "$work/out" "int    0x10" "int 0x10"
expect 0 "isa" "$dis" -m 64 --isa "$work/flat.bin"
contains "$work/out" "; base" "--isa column"
expect 0 "start/length" "$dis" -m 64 --start 1 --length 3 "$work/flat.bin"
contains "$work/out" "mov    rbp,rsp" "--start skips"
expect 1 "start past end" "$dis" --start 100 "$work/flat.bin"
# a truncated instruction at the end is (bad), not a crash
printf '\270\001\002' > "$work/cut.bin"
expect 0 "truncated" "$dis" -m 32 "$work/cut.bin"
contains "$work/out" "(bad)" "truncated instruction"

# ELF: a corrupt header is an error; a real one is disassembled
printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000' > "$work/bad.elf"
head -c 100 /dev/zero >> "$work/bad.elf"
expect 1 "corrupt ELF" "$dis" "$work/bad.elf"
contains "$work/err" "ELF" "corrupt ELF message"
if [ -r "$dis" ] && head -c 4 "$dis" | grep -q ELF; then
    expect 0 "ELF (rx86-dis itself)" "$dis" "$dis"
    contains "$work/out" "Disassembly of section .text:" "ELF sections"
fi
exit $fail
