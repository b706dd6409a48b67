#!/usr/bin/env python3
"""Boot a Linux kernel under qemu-system-x86_64 on rx86's ACPI tables.

QEMU's "pc" machine is the hardware the tables describe (rx86 models it), so
a kernel that boots there on rx86's tables, instead of the ones SeaBIOS
builds, shows the tables are right for Linux before rx86 itself can boot it:

  - the tables (acpi_dump --addr ADDR) are loaded into guest RAM by QEMU's
    generic loader, reserved with memmap=SIZE$ADDR and handed to the kernel
    with acpi_rsdp=ADDR (nokaslr keeps the kernel off them);
  - QEMU runs with smm=off, so its PIIX4 PM reads SCI_EN as set from reset,
    as the tables' SMI_CMD 0 (no SMM, always in ACPI mode) says;
  - a busybox initramfs prints what the kernel found and then powers off
    (poweroff -f: ACPI S5 through \\_S5) or reboots (reboot -f: the FADT
    reset register; a QEMU I/O trace shows the write to port 0xCF9).

Fails on any ACPI error or warning, firmware-bug line, a missing expected
line, or QEMU not ending in time. --qemu-tables boots on QEMU's own tables
instead (a baseline: which lines appear there too).

Exit status: 0 pass, 1 fail, 77 skipped (no QEMU, kernel or busybox).
"""
import argparse
import gzip
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile

TABLES_ADDR = 0x08000000   # 128 MiB into a 256 MiB guest
RAM_MIB = 256

INIT_SCRIPT = """#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
cs=/sys/devices/system/clocksource/clocksource0
echo "== clocksource: $(/bin/busybox cat $cs/current_clocksource)"
echo "== available: $(/bin/busybox cat $cs/available_clocksource)"
echo "== acpi devices:"
/bin/busybox ls /sys/bus/acpi/devices
echo "== pnp devices:"
for d in /sys/bus/pnp/devices/*; do
    echo "$d $(/bin/busybox cat $d/id) $(/bin/busybox tr '\\n' ' ' < $d/resources)"
done
echo "== interrupts:"
/bin/busybox cat /proc/interrupts
echo "== end of report, {action}"
/bin/busybox {action} -f
/bin/busybox sleep 30
echo "== still running"
"""

# What a boot must show (regular expressions, searched in the console log).
EXPECT_COMMON = [
    r"ACPI: RSDP 0x[0-9A-F]+ 000024 \(v02 RX86  \)",
    r"ACPI: XSDT 0x[0-9A-F]+ [0-9A-F]+ \(v01 RX86   RX86PC ",
    r"ACPI: FACP 0x[0-9A-F]+ 0000F4 \(v03 RX86 ",
    r"ACPI: DSDT 0x[0-9A-F]+ [0-9A-F]+ \(v02 RX86 ",
    r"ACPI: FACS 0x[0-9A-F]+ 000040",
    r"ACPI: APIC 0x[0-9A-F]+ [0-9A-F]+ \(v01 RX86 ",
    r"ACPI: HPET 0x[0-9A-F]+ 000038 \(v01 RX86 ",
    r"ACPI: PM-Timer IO Port: 0x608",
    r"ACPI: LAPIC_NMI \(acpi_id\[0xff\] dfl dfl lint\[0x1\]\)",
    r"IOAPIC\[0\]: apic_id 0, version \d+, address 0xfec00000, GSI 0-23",
    r"ACPI: INT_SRC_OVR \(bus 0 bus_irq 0 global_irq 2 dfl dfl\)",
    r"ACPI: INT_SRC_OVR \(bus 0 bus_irq 9 global_irq 9 high level\)",
    r"ACPI: Using ACPI \(MADT\) for SMP configuration information",
    r"ACPI: HPET id: 0x8086a201 base: 0xfed00000",
    r"smp: Brought up 1 node, 2 CPUs",
    r"ACPI: Interpreter enabled",
    r"ACPI: PM: \(supports S0 S5\)",
    r"ACPI: Using IOAPIC for interrupt routing",
    r"ACPI: PCI Root Bridge \[PCI0\] \(domain 0000 \[bus 00-ff\]\)",
    r"ACPI: PCI: Interrupt link LNKA configured for IRQ",
    r"hpet0: at MMIO 0xfed00000",
    r"clocksource: Switched to clocksource",
    r"00:0\d: ttyS0 at I/O 0x3f8 \(irq = 4, base_baud = 115200\) is a 16550A",
    r"rtc_cmos 00:0\d: registered as rtc0",
    r"serio: i8042 KBD port at 0x60,0x64 irq 1",
    r"== available: .*acpi_pm",
    r"PNP0103",  # the HPET device in the ACPI namespace
    r"== end of report",
]
EXPECT_ACTION = {
    "poweroff": [r"reboot: Power down"],
    "reboot": [r"reboot: Restarting system"],
}
# Lines that must not appear. "ACPI Error"/"ACPI Warning" and the BIOS forms
# are what ACPICA prints for table and AML problems.
FORBIDDEN = [
    r"ACPI (BIOS )?(Error|Warning)",
    r"\[Firmware Bug\]",
    r"\[Firmware Warn\]",
    r"ACPI: .*(failed|[Ee]rror)",
    r"== still running",
]


def newc_entry(name, data=b"", mode=0o100644, ino=1, rdev=(0, 0)):
    """One file of a cpio "newc" archive (what the kernel's initramfs takes)."""
    hdr = "070701" + "".join("%08X" % v for v in (
        ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name) + 1, 0))
    out = hdr.encode() + name.encode() + b"\0"
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def make_initramfs(busybox, action, path):
    with open(busybox, "rb") as f:
        bb = f.read()
    init = INIT_SCRIPT.replace("{action}", action).encode()
    blob = b"".join([
        newc_entry("bin", mode=0o040755, ino=1),
        newc_entry("dev", mode=0o040755, ino=2),
        newc_entry("dev/console", mode=stat.S_IFCHR | 0o600, ino=3, rdev=(5, 1)),
        newc_entry("bin/busybox", bb, mode=0o100755, ino=4),
        newc_entry("init", init, mode=0o100755, ino=5),
        newc_entry("TRAILER!!!", ino=6),
    ])
    with gzip.open(path, "wb") as f:
        f.write(blob)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", help="the acpi_dump program")
    ap.add_argument("--kernel", default=os.environ.get("RX86_LINUX_KERNEL", ""))
    ap.add_argument("--busybox", default=os.environ.get("RX86_BUSYBOX", ""),
                    help="a static busybox, or the busybox-static .deb")
    ap.add_argument("--action", choices=["poweroff", "reboot"], default="poweroff")
    ap.add_argument("--qemu-tables", action="store_true",
                    help="boot on QEMU's own tables (baseline)")
    ap.add_argument("--timeout", type=int, default=240)
    ap.add_argument("--log", help="also write the console log here")
    args = ap.parse_args()

    qemu = shutil.which("qemu-system-x86_64")
    for what, ok in (("qemu-system-x86_64", qemu),
                     ("a kernel (--kernel or RX86_LINUX_KERNEL)",
                      args.kernel and os.path.exists(args.kernel)),
                     ("busybox (--busybox or RX86_BUSYBOX)",
                      args.busybox and os.path.exists(args.busybox))):
        if not ok:
            print("SKIP: no %s" % what)
            return 77

    with tempfile.TemporaryDirectory(prefix="rx86-acpi-") as tmp:
        busybox = args.busybox
        if busybox.endswith(".deb"):  # busybox-static's package, as fetched
            subprocess.run("dpkg-deb --fsys-tarfile '%s' | tar -x -C '%s' ./bin/busybox"
                           % (busybox, tmp), shell=True, check=True)
            busybox = os.path.join(tmp, "bin", "busybox")
        initrd = os.path.join(tmp, "initrd.gz")
        make_initramfs(busybox, args.action, initrd)
        append = "console=ttyS0 nokaslr panic=-1"
        cmd = [qemu, "-machine", "pc,smm=off", "-accel", "tcg", "-m", str(RAM_MIB),
               "-smp", "2", "-display", "none", "-nodefaults", "-serial", "stdio",
               "-no-reboot", "-kernel", args.kernel, "-initrd", initrd]
        if not args.qemu_tables:
            subprocess.run([args.dump, tmp, "--cpus", "2", "--addr", hex(TABLES_ADDR),
                            "--ram-end", hex(RAM_MIB << 20)], check=True,
                           stdout=subprocess.PIPE, universal_newlines=True)
            with open(os.path.join(tmp, "tables.bin"), "rb") as f:
                blob = f.read()
            rsdp = TABLES_ADDR + blob.index(b"RSD PTR ")
            append += " acpi_rsdp=0x%x memmap=64K$0x%x" % (rsdp, TABLES_ADDR)
            cmd += ["-device", "loader,file=%s,addr=0x%x,force-raw=on" %
                    (os.path.join(tmp, "tables.bin"), TABLES_ADDR)]
        trace = os.path.join(tmp, "io.trace")
        if args.action == "reboot":
            cmd += ["-trace", "memory_region_ops_write,file=%s" % trace]
        cmd += ["-append", append]
        try:
            run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, timeout=args.timeout)
            log = run.stdout.decode("utf-8", "replace")
            status = run.returncode
        except subprocess.TimeoutExpired as e:
            log = (e.stdout or b"").decode("utf-8", "replace")
            status = "timeout"
        cf9 = []
        if args.action == "reboot" and os.path.exists(trace):
            with open(trace, errors="replace") as f:
                cf9 = [l for l in f if "addr 0xcf9 " in l and "value 0x6 " in l]

    if args.log:
        with open(args.log, "w") as f:
            f.write(log)
    failures = []
    expect = EXPECT_COMMON if not args.qemu_tables else []
    for pat in expect + EXPECT_ACTION[args.action]:
        if not re.search(pat, log, re.M):
            failures.append("missing: %s" % pat)
    for pat in FORBIDDEN:
        for line in log.splitlines():
            if re.search(pat, line):
                failures.append("forbidden: %s" % line.strip())
    if status != 0:
        failures.append("QEMU ended with %s" % status)
    if args.action == "reboot" and not args.qemu_tables and not cf9:
        failures.append("no byte write of 6 to port 0xCF9 in QEMU's I/O trace")
    for line in log.splitlines():
        if re.search(r"ACPI|HPET|hpet|IOAPIC|clocksource|PCI: Interrupt link|== ", line):
            print("  " + line.rstrip())
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures))
        return 1
    print("PASS: %s on %s tables" % (args.action, "QEMU's" if args.qemu_tables else "rx86's"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
