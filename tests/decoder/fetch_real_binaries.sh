#!/bin/sh
# fetch_real_binaries.sh CACHE_DIR — put real x86-64 code where the decoder
# tests can read it, from Debian packages, once:
#   CACHE_DIR/busybox   the statically linked busybox (busybox-static)
#   CACHE_DIR/vmlinux   the Debian kernel, decompressed from its bzImage
# The kernel is real, hand-tuned system code (alternatives, paravirt, SEV,
# AMX, CET...), which is why it is worth its 70 MB download; vmlinux is
# pulled out of vmlinuz the way the kernel's scripts/extract-vmlinux does:
# find the xz stream magic and decompress from there (Debian 12 kernels are
# xz-compressed; gzip and zstd are tried too for other kernels).
# Exits 77 (CTest "skipped") when the packages cannot be fetched, e.g. with
# no network, so a test never passes without having looked at the code.
set -eu
cache=$1
mkdir -p "$cache"
cd "$cache"

skip() {
    echo "fetch_real_binaries: $*: skipping" >&2
    exit 77
}

need() {
    command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"
}

if [ ! -s busybox ]; then
    need apt-get
    need dpkg-deb
    rm -rf bb.tmp && mkdir bb.tmp
    (cd bb.tmp && apt-get download busybox-static >/dev/null 2>&1) ||
        skip "apt-get download busybox-static failed"
    dpkg-deb -x bb.tmp/busybox-static_*.deb bb.tmp/root
    cp bb.tmp/root/bin/busybox busybox.part && mv busybox.part busybox
    rm -rf bb.tmp
fi

if [ ! -s vmlinux ]; then
    need apt-get
    need apt-cache
    need dpkg-deb
    # linux-image-amd64 is a metapackage: take the image it depends on
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
          sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1)
    [ -n "$pkg" ] || skip "cannot resolve linux-image-amd64"
    rm -rf k.tmp && mkdir k.tmp
    (cd k.tmp && apt-get download "$pkg" >/dev/null 2>&1) || skip "apt-get download $pkg failed"
    dpkg-deb --fsys-tarfile k.tmp/"$pkg"_*.deb | (cd k.tmp && tar -x ./boot)
    image=$(ls k.tmp/boot/vmlinuz-* | head -n 1)
    found=""
    # magic, decompressor: xz, gzip, zstd
    for try in 'fd377a585a00:xz -dc --single-stream' '1f8b0800:gzip -dc' '28b52ffd:zstd -dc'; do
        magic=${try%%:*}
        tool=${try#*:}
        command -v "${tool%% *}" >/dev/null 2>&1 || continue
        pattern=$(echo "$magic" | sed 's/../\\x&/g')
        for off in $(LC_ALL=C grep -obUaP "$pattern" "$image" | cut -d: -f1); do
            if tail -c +$((off + 1)) "$image" | $tool > vmlinux.part 2>/dev/null ||
               [ -s vmlinux.part ]; then
                if [ "$(head -c 4 vmlinux.part | od -An -tx1 | tr -d ' ')" = "7f454c46" ]; then
                    found=1
                    break 2
                fi
            fi
        done
    done
    rm -rf k.tmp
    [ -n "$found" ] || skip "no vmlinux found inside $image"
    mv vmlinux.part vmlinux
fi
echo "$cache/busybox $cache/vmlinux"
