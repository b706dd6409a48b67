#!/usr/bin/env python3
"""acpi.qemu_compare: rx86's ACPI tables next to QEMU 7.2's for its pc machine.

    qemu_compare.py ACPI_DUMP WORKDIR

QEMU (with SeaBIOS, which places QEMU's tables in guest RAM) runs with no
disk until the firmware waits for a boot device; the monitor's pmemsave
copies RAM out, and the tables are found from the RSDP in 0xE0000-0xFFFFF.
For 2 and 4 CPUs:
  - MADT and HPET: the bodies (past the 36-byte header) must be identical;
  - FADT: the fields QEMU's revision-1 FADT has (bytes 36-115) must match
    but for the known differences: byte 44 (INT_MODEL in ACPI 1.0, reserved
    since), SMI_CMD/ACPI_ENABLE/ACPI_DISABLE (rx86 has no SMM: 0),
    IAPC_BOOT_ARCH (not in a revision-1 FADT), and the flags' RESET_REG_SUP;
  - DSDT: acpiexec evaluates the same objects in both (QEMU's ISA bridge is
    \\_SB.PCI0.S08, rx86's \\_SB.PCI0.ISA) and the results must be equal:
    \\_S5, the links' _PRS, the HPET, keyboard, mouse and fw_cfg _CRS, and
    _PRT entries (QEMU's _PRT is a method, rx86's a package).
The COM1 and RTC _CRS differ on purpose (alignment 1, RTC ports 0x70-0x71)
and are not compared.

Exit status: 0 pass, 1 fail, 77 skipped (no qemu-system-x86_64 or acpiexec).
"""
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RAM_MIB = 128

# (QEMU's path, rx86's path)
DSDT_OBJECTS = [
    (r"\_S5", r"\_S5"),
    (r"\_SB.LNKA._PRS", r"\_SB.LNKA._PRS"),
    (r"\_SB.LNKD._PRS", r"\_SB.LNKD._PRS"),
    (r"\_SB.LNKS._PRS", r"\_SB.LNKS._PRS"),
    (r"\_SB.LNKS._STA", r"\_SB.LNKS._STA"),
    (r"\_SB.LNKC._UID", r"\_SB.LNKC._UID"),
    (r"\_SB.PCI0._HID", r"\_SB.PCI0._HID"),
    (r"\_SB.HPET._HID", r"\_SB.HPET._HID"),
    (r"\_SB.HPET._CRS", r"\_SB.HPET._CRS"),
    (r"\_SB.PCI0.S08._ADR", r"\_SB.PCI0.ISA._ADR"),
    (r"\_SB.PCI0.S08.KBD._HID", r"\_SB.PCI0.ISA.KBD._HID"),
    (r"\_SB.PCI0.S08.KBD._CRS", r"\_SB.PCI0.ISA.KBD._CRS"),
    (r"\_SB.PCI0.S08.MOU._CRS", r"\_SB.PCI0.ISA.MOU._CRS"),
    (r"\_SB.PCI0.FWCF._CRS", r"\_SB.PCI0.FWCF._CRS"),
    (r"\_SB.PCI0.FWCF._STA", r"\_SB.PCI0.FWCF._STA"),
]
PRT_ENTRIES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 30, 64, 99, 126, 127]

PROBE_QEMU = r"""DefinitionBlock ("", "SSDT", 2, "RX86", "PROBE", 1)
{
    External (\_SB.PCI0._PRT, MethodObj)
    Method (PRTE, 1) { Local0 = \_SB.PCI0._PRT () Return (DerefOf (Local0 [Arg0])) }
}
"""


class Monitor:
    """QEMU's human monitor on a pipe: a command, then wait for the prompt."""

    def __init__(self, cmd):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.wait_prompt()

    def wait_prompt(self, timeout=60):
        seen = b""
        deadline = time.monotonic() + timeout
        while b"(qemu)" not in seen:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                raise RuntimeError("QEMU's monitor did not answer")
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError("QEMU ended")
            seen += chunk

    def command(self, line):
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()
        self.wait_prompt()

    def quit(self):
        self.proc.stdin.write(b"quit\n")
        self.proc.stdin.flush()
        self.proc.wait(timeout=30)


def qemu_tables(qemu, cpus, work):
    """QEMU's tables by signature, read from a RAM image."""
    ram = os.path.join(work, "ram%d.bin" % cpus)
    mon = Monitor([qemu, "-machine", "pc", "-accel", "tcg", "-m", str(RAM_MIB),
                   "-smp", str(cpus), "-display", "none", "-nodefaults",
                   "-monitor", "stdio", "-serial", "none"])
    # SeaBIOS places the tables early in its boot: look until the RSDP is there.
    try:
        for _ in range(60):
            time.sleep(0.5)
            mon.command("pmemsave 0 0x%x \"%s\"" % (RAM_MIB << 20, ram))
            with open(ram, "rb") as f:
                mem = f.read()
            at = mem.find(b"RSD PTR ", 0xE0000, 0x100000)
            if at >= 0 and sum(mem[at:at + 20]) % 256 == 0:
                rsdt = struct.unpack_from("<I", mem, at + 16)[0]
                length = struct.unpack_from("<I", mem, rsdt + 4)[0]
                if sum(mem[rsdt:rsdt + length]) % 256 == 0:
                    break
    finally:
        mon.quit()
    os.remove(ram)
    rsdp = mem.find(b"RSD PTR ", 0xE0000, 0x100000)
    if rsdp < 0:
        raise RuntimeError("no RSDP in QEMU's RAM image")
    rsdt = struct.unpack_from("<I", mem, rsdp + 16)[0]

    def table(addr):
        return mem[addr:addr + struct.unpack_from("<I", mem, addr + 4)[0]]

    tables = {}
    body = table(rsdt)
    for i in range((len(body) - 36) // 4):
        t = table(struct.unpack_from("<I", body, 36 + 4 * i)[0])
        tables[t[:4].decode()] = t
    fadt = tables["FACP"]
    tables["DSDT"] = table(struct.unpack_from("<I", fadt, 40)[0])
    return tables


def rx86_tables(dump, cpus, work):
    out = os.path.join(work, "rx86-%d" % cpus)
    os.makedirs(out, exist_ok=True)
    subprocess.run([dump, out, "--cpus", str(cpus), "--ram-end", hex(RAM_MIB << 20)],
                   check=True, stdout=subprocess.DEVNULL)
    tables = {}
    for sig in ("FACP", "APIC", "HPET", "DSDT"):
        with open(os.path.join(out, sig + ".dat"), "rb") as f:
            tables[sig] = f.read()
    return tables


def evaluate(aml_files, paths):
    """acpiexec's printout of each path, with addresses blanked."""
    batch = ";".join("evaluate " + p for p in paths)
    run = subprocess.run(["acpiexec", "-b", batch] + aml_files, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=60)
    out = run.stdout.decode("utf-8", "replace")
    sections = re.split(r"^Evaluating ", out, flags=re.M)[1:]
    results = []
    for s in sections:
        lines = [l for l in s.splitlines()[1:] if "Outstanding allocations" not in l]
        text = "\n".join(lines).strip()
        text = re.sub(r"0x[0-9a-f]{6,}", "ADDR", text)
        text = re.sub(r"external buffer length \w+", "", text)
        text = re.sub(r"(Evaluation of )\S+", r"\1X", text)
        results.append(text)
    return results


def compare_dsdt(qemu_dsdt, rx86_dsdt, work, cpus):
    failures = []
    qfile = os.path.join(work, "qemu-dsdt-%d.dat" % cpus)
    rfile = os.path.join(work, "rx86-dsdt-%d.dat" % cpus)
    with open(qfile, "wb") as f:
        f.write(qemu_dsdt)
    with open(rfile, "wb") as f:
        f.write(rx86_dsdt)
    qprobe = os.path.join(work, "probe-qemu")
    with open(qprobe + ".asl", "w") as f:
        f.write(PROBE_QEMU)
    subprocess.run(["iasl", "-p", qprobe, qprobe + ".asl"], check=True,
                   stdout=subprocess.DEVNULL)
    rprobe = os.path.join(work, "probe-rx86")
    subprocess.run(["iasl", "-p", rprobe, os.path.join(HERE, "probe.asl")], check=True,
                   stdout=subprocess.DEVNULL)
    q = evaluate([qfile], [p for p, _ in DSDT_OBJECTS])
    r = evaluate([rfile], [p for _, p in DSDT_OBJECTS])
    prt = ["\\PRTE %d" % i for i in PRT_ENTRIES]
    q += evaluate([qfile, qprobe + ".aml"], prt)
    r += evaluate([rfile, rprobe + ".aml"], prt)
    names = [p for _, p in DSDT_OBJECTS] + prt
    if len(q) != len(names) or len(r) != len(names):
        return ["DSDT: acpiexec printed %d/%d results of %d" % (len(q), len(r), len(names))]
    for name, qa, ra in zip(names, q, r):
        if qa != ra or "returned" not in ra:
            failures.append("DSDT %s:\n  QEMU: %s\n  rx86: %s" %
                            (name, qa.replace("\n", "\n        "),
                             ra.replace("\n", "\n        ")))
    return failures


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    dump, work = sys.argv[1], sys.argv[2]
    qemu = shutil.which("qemu-system-x86_64")
    for tool, path in (("qemu-system-x86_64", qemu), ("acpiexec", shutil.which("acpiexec")),
                       ("iasl", shutil.which("iasl"))):
        if not path:
            print("SKIP: %s not found" % tool)
            return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    failures = []
    for cpus in (2, 4):
        q = qemu_tables(qemu, cpus, work)
        r = rx86_tables(dump, cpus, work)
        for sig in ("APIC", "HPET"):
            if q[sig][36:] != r[sig][36:]:
                failures.append("%s (%d CPUs): bodies differ\n  QEMU: %s\n  rx86: %s" %
                                (sig, cpus, q[sig][36:].hex(), r[sig][36:].hex()))
        known = {44, 48, 49, 50, 51, 52, 53, 109, 110, 113}
        qf, rf = q["FACP"], r["FACP"]
        for i in range(36, 116):
            if i in (36, 37, 38, 39, 40, 41, 42, 43):
                continue  # FACS and DSDT addresses
            if qf[i] != rf[i] and i not in known:
                failures.append("FADT byte %d (%d CPUs): QEMU %02x, rx86 %02x" %
                                (i, cpus, qf[i], rf[i]))
        if (struct.unpack_from("<I", qf, 112)[0] ^
                struct.unpack_from("<I", rf, 112)[0]) != 1 << 10:
            failures.append("FADT flags: QEMU %08x, rx86 %08x (want RESET_REG_SUP apart)" %
                            (struct.unpack_from("<I", qf, 112)[0],
                             struct.unpack_from("<I", rf, 112)[0]))
        failures += compare_dsdt(q["DSDT"], r["DSDT"], work, cpus)
        print("compared with QEMU's pc tables for %d CPUs" % cpus)
    if failures:
        print("FAIL:\n" + "\n".join(failures))
        return 1
    print("acpi.qemu_compare: MADT, HPET, FADT fields and DSDT objects as QEMU's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
