#!/bin/sh
# Install the Debian packages rx86 needs to build, test and benchmark, but
# only those that are missing, so a second run costs nothing. Every package
# is named here; nothing is fetched from anywhere but the distribution.
set -eu

PACKAGES="
gcc make cmake pkg-config nasm python3 binutils xz-utils
libcapstone-dev libffi-dev zlib1g-dev libsdl2-dev libslirp-dev
qemu-system-x86 acpica-tools
"

missing=""
for pkg in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "setup: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "setup: missing packages:$missing (run as root or install sudo)" >&2
    exit 1
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is intended
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
