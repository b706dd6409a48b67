#!/bin/sh
# The default Linux guest: Debian's kernel (the package linux-image-amd64
# depends on) and busybox-static, fetched with `apt-get download` (nothing
# is installed on the host) into guests/cache/, and an initramfs built from
# busybox by scripts/make_initramfs.py. A second run costs nothing.
#   guests/cache/vmlinuz             the bzImage
#   guests/cache/initramfs.cpio.gz   busybox, /init, /dev/console
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE="$ROOT/guests/cache"
mkdir -p "$CACHE"
cd "$CACHE"

if [ -f vmlinuz ] && [ -f initramfs.cpio.gz ] && [ initramfs.cpio.gz -nt "$ROOT/scripts/make_initramfs.py" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
# A fresh machine may have no package lists yet.
if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
    echo "fetch-linux-guest: updating the package lists"
    $SUDO apt-get update -qq
fi
KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$KPKG" ]; then
    echo "fetch-linux-guest: cannot tell which kernel linux-image-amd64 depends on" >&2
    exit 1
fi

fetch() { # package -> the .deb's path
    deb=$(ls "$1"_*.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$deb" ]; then
        echo "fetch-linux-guest: apt-get download $1" >&2
        apt-get download "$1" >/dev/null 2>&1 || { echo "fetch-linux-guest: apt-get download $1 failed" >&2; exit 1; }
        deb=$(ls "$1"_*.deb | head -n 1)
    fi
    echo "$deb"
}

KDEB=$(fetch "$KPKG")
BDEB=$(fetch busybox-static)

rm -rf extract && mkdir extract
dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C extract --wildcards './boot/vmlinuz-*'
dpkg-deb --fsys-tarfile "$BDEB" | tar -x -C extract ./bin/busybox
cp extract/boot/vmlinuz-* vmlinuz.tmp && mv vmlinuz.tmp vmlinuz
python3 "$ROOT/scripts/make_initramfs.py" --busybox extract/bin/busybox -o initramfs.cpio.gz
rm -rf extract
echo "fetch-linux-guest: $CACHE/vmlinuz ($KPKG), $CACHE/initramfs.cpio.gz"
