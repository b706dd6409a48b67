#!/usr/bin/env python3
"""acpi.acpiexec: run rx86's DSDT (hw/acpi_tables.c) in ACPICA's acpiexec.

    acpiexec_check.py ACPI_DUMP WORKDIR

acpiexec loads the DSDT (with probe.asl, compiled by iasl, to read _PRT
entries) and evaluates the objects Linux uses; its operation regions are
simulated memory filled with 0x80, the PIIX3's power-on PIRQ route value
(IRQEN# set: routing disabled). Each result must be the expected one, and
ACPICA must print no error or warning.

Exit status: 0 pass, 1 fail, 77 skipped (no acpiexec/iasl: Debian package
acpica-tools, installed by scripts/setup.sh).
"""
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def buf(hexbytes):
    """How acpiexec prints a short buffer's bytes."""
    return "0000: " + hexbytes


INT_DISABLED = buf("89 06 00 09 01 00 00 00 00 79 00")
# (object path with arguments, what its printout must contain, in order), in
# groups: one acpiexec run each (its command line holds 1023 characters), the
# simulated registers starting afresh.
CHECKS = [[
    (r"\_S5", ["[Package] Contains 4 Elements:"] + ["[Integer] = 0000000000000000"] * 4),
    (r"\_PIC 1", ["No object was returned"]),
    (r"\PICF", ["[Integer] = 0000000000000001"]),
    # A link as Linux finds it at boot: disabled, then given IRQ 11.
    (r"\_SB.LNKA._HID", ["[Integer] = 000000000F0CD041"]),  # EISAID PNP0C0F
    (r"\_SB.LNKA._STA", ["[Integer] = 0000000000000009"]),
    (r"\_SB.LNKA._CRS", [INT_DISABLED]),
    (r"\_SB.LNKA._PRS",
     [buf("89 0E 00 09 03 05 00 00 00 0A 00 00 00 0B 00 00"), "0010: 00 79 00"]),
    (r"\_SB.LNKA._SRS (89 06 00 09 01 0B 00 00 00 79 00)", ["No object was returned"]),
    (r"\_SB.PCI0.ISA.PRQ0", ["[Integer] = 000000000000000B"]),
    (r"\_SB.PCI0.ISA.PRQ1", ["[Integer] = 0000000000000080"]),
    (r"\_SB.LNKA._STA", ["[Integer] = 000000000000000B"]),
    (r"\_SB.LNKA._CRS", [buf("89 06 00 09 01 0B 00 00 00 79 00")]),
    (r"\_SB.LNKA._DIS", ["No object was returned"]),
    (r"\_SB.PCI0.ISA.PRQ0", ["[Integer] = 000000000000008B"]),
    (r"\_SB.LNKA._STA", ["[Integer] = 0000000000000009"]),
    (r"\_SB.LNKA._CRS", [INT_DISABLED]),
    (r"\_SB.LNKD._SRS (89 06 00 09 01 05 00 00 00 79 00)", ["No object was returned"]),
    (r"\_SB.PCI0.ISA.PRQ3", ["[Integer] = 0000000000000005"]),
    (r"\_SB.LNKD._UID", ["[Integer] = 0000000000000003"]),
    (r"\_SB.LNKS._CRS", [buf("89 06 00 09 01 09 00 00 00 79 00")]),
    (r"\_SB.LNKS._STA", ["[Integer] = 000000000000000B"]),
], [
    # _PRT: 128 entries; slot s pin p -> LNK[(s + p - 1) mod 4], 00:01 INTA -> LNKS.
    (r"\PRTN", ["[Integer] = 0000000000000080"]),
    (r"\PRTE 0", ["[Integer] = 000000000000FFFF", "[Integer] = 0000000000000000",
                  "Name LNKD Device", "[Integer] = 0000000000000000"]),
    (r"\PRTE 4", ["[Integer] = 000000000001FFFF", "[Integer] = 0000000000000000",
                  "Name LNKS Device"]),
    (r"\PRTE 5", ["[Integer] = 000000000001FFFF", "[Integer] = 0000000000000001",
                  "Name LNKB Device"]),
    (r"\PRTE 8", ["[Integer] = 000000000002FFFF", "[Integer] = 0000000000000000",
                  "Name LNKB Device"]),
    (r"\PRTE 0x7F", ["[Integer] = 00000000001FFFFF", "[Integer] = 0000000000000003",
                     "Name LNKB Device"]),
], [
    (r"\_SB.PCI0._HID", ["[Integer] = 00000000030AD041"]),  # EISAID PNP0A03
    (r"\_SB.PCI0._BBN", ["[Integer] = 0000000000000000"]),
    (r"\_SB.PCI0._CRS", ["[Buffer] Length 6E",
                         # WordBusNumber 0-0xFF
                         "0000: 88 0D 00 02 0C 00 00 00 00 00 FF 00 00 00 00 01",
                         # IO 0xCF8/8, WordIO 0-0xCF7
                         "0010: 47 01 F8 0C F8 0C 01 08 88 0D 00 01 0C 03 00 00",
                         "0020: 00 00 F7 0C 00 00 F8 0C 88 0D 00 01 0C 03 00 00",
                         # WordIO 0xD00-0xFFFF, DWordMemory 0xA0000-0xBFFFF
                         "0030: 00 0D FF FF 00 00 00 F3 87 17 00 00 0C 03 00 00",
                         "0040: 00 00 00 00 0A 00 FF FF 0B 00 00 00 00 00 00 00",
                         # DWordMemory 0x08000000-0xFEBFFFFF, non-cacheable
                         "0050: 02 00 87 17 00 00 0C 01 00 00 00 00 00 00 00 08",
                         "0060: FF FF BF FE 00 00 00 00 00 00 C0 F6 79 00"]),
    (r"\_SB.PCI0.ISA._ADR", ["[Integer] = 0000000000010000"]),
    (r"\_SB.PCI0.ISA.KBD._CRS",
     [buf("47 01 60 00 60 00 01 01 47 01 64 00 64 00 01 01"), "0010: 22 02 00 79 00"]),
    (r"\_SB.PCI0.ISA.MOU._CRS", [buf("22 00 10 79 00")]),
    (r"\_SB.PCI0.ISA.COM1._CRS", [buf("47 01 F8 03 F8 03 01 08 22 10 00 79 00")]),
    (r"\_SB.PCI0.ISA.RTC._CRS", [buf("47 01 70 00 70 00 01 02 22 00 01 79 00")]),
    (r"\_SB.PCI0.FWCF._HID", ['[String] Length 08 = "QEMU0002"']),
    (r"\_SB.PCI0.FWCF._CRS", [buf("47 01 10 05 10 05 01 0C 79 00")]),
    (r"\_SB.HPET._HID", ["[Integer] = 000000000301D041"]),  # EISAID PNP0103
    (r"\_SB.HPET._CRS", [buf("86 09 00 00 00 00 D0 FE 00 04 00 00 79 00")]),
    (r"\_SB.C000._HID", ['[String] Length 08 = "ACPI0007"']),
    (r"\_SB.C001._UID", ["[Integer] = 0000000000000001"]),
]]


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    dump, work = sys.argv[1], sys.argv[2]
    for tool in ("acpiexec", "iasl"):
        if not shutil.which(tool):
            print("SKIP: %s not found (Debian package acpica-tools, installed by "
                  "scripts/setup.sh)" % tool)
            return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    subprocess.run([dump, work, "--cpus", "2"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["iasl", "-p", os.path.join(work, "probe"),
                    os.path.join(HERE, "probe.asl")], check=True, stdout=subprocess.DEVNULL)
    failures = []
    for n, group in enumerate(CHECKS):
        failures += run_group(group, work, n)
    if failures:
        print("FAIL:\n" + "\n".join(failures))
        return 1
    print("acpi.acpiexec: %d evaluations as expected" % sum(len(g) for g in CHECKS))
    return 0


def run_group(checks, work, n):
    batch = ";".join("evaluate " + path for path, _ in checks)
    run = subprocess.run(["acpiexec", "-fv", "0x80", "-b", batch,
                          os.path.join(work, "DSDT.dat"), os.path.join(work, "probe.aml")],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, timeout=60)
    out = run.stdout.decode("utf-8", "replace")
    with open(os.path.join(work, "acpiexec%d.log" % n), "w") as f:
        f.write(out)
    failures = []
    if run.returncode != 0:
        failures.append("acpiexec ended with status %d" % run.returncode)
    for line in out.splitlines():
        if re.search(r"ACPI (BIOS )?(Error|Warning)|Firmware (Warning|Error)", line):
            failures.append("acpiexec: " + line.strip())
    sections = re.split(r"^Evaluating ", out, flags=re.M)[1:]
    if len(sections) != len(checks):
        failures.append("%d evaluations printed, %d asked" % (len(sections), len(checks)))
    for (path, wants), section in zip(checks, sections):
        name = path.split()[0]
        if not section.startswith(name):
            failures.append("expected the evaluation of %s, got: %s" %
                            (name, section.splitlines()[0]))
            continue
        pos = 0
        for want in wants:
            i = section.find(want, pos)
            if i < 0:
                failures.append("%s: missing '%s' in:\n%s" % (path, want, section.rstrip()))
                break
            pos = i + len(want)
    return failures


if __name__ == "__main__":
    sys.exit(main())
