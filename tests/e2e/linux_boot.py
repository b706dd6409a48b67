#!/usr/bin/env python3
"""linux_boot.py — boot the default Linux guest and use it over the serial console.

    linux_boot.py --emulator build/rx86 --kernel guests/cache/vmlinuz
                  --initrd guests/cache/initramfs.cpio.gz [--scenario shell|reboot]
                  [--accel tcg] [--timeout 300]

scenario "shell" (the default): boot with 1 vCPU to the busybox prompt; run
`uname -a`, `cat /proc/cpuinfo`, a pipe, and sha256sum of a file the guest
generates (compared with the digest the host computes for the same bytes);
check the kernel log (`dmesg` at the end, so also what the kernel printed
after the shell started; the console is quieted with `dmesg -n 1` first):
no WARNING, BUG, Oops, call trace, "not supported", and the platform found
(local APIC, IOAPIC, HPET, ACPI tables, the PM timer, the 16550A on ttyS0);
then `poweroff -f`: the kernel powers off through ACPI (S5) and the emulator
exits with status 0.

scenario "reboot": boot with reboot=k (the keyboard controller's reset
line), `reboot -f`, see the kernel boot a second time to the prompt, then
power off.

The same script drives qemu-system-x86_64 (pass it as --emulator): the
expectations are those of a PC, not of rx86. Exit 0 on success, 1 on failure
(with the transcript), 77 when the guest files are missing.
"""

import argparse
import hashlib
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console import Console, ConsoleError  # noqa: E402

SKIP = 77
PROMPT = r"rx86-guest:[^#\n]*# "

# Lines of a healthy boot log must not contain these (case-sensitive, as the
# kernel prints them).
FORBIDDEN = [r"WARNING:", r"\bBUG:", r"BUG: ", r"Oops", r"Call Trace", r"not supported",
             r"unchecked MSR access", r"Kernel panic", r"ACPI Error", r"ACPI BIOS Error",
             r"general protection fault", r"invalid opcode"]

# What a kernel on a PC with this platform reports (Debian 6.1).
REQUIRED = {
    "ACPI tables (RSDP)": r"ACPI: RSDP 0x",
    "ACPI MADT": r"ACPI: APIC 0x",
    "ACPI HPET table": r"ACPI: HPET 0x",
    "the PM timer": r"ACPI: PM-Timer IO Port: 0x",
    "the IOAPIC": r"IOAPIC\[0\]: apic_id \d+, version \d+, address 0xfec00000",
    "the local APIC timer": r"APIC: Switch to symmetric I/O mode setup",
    "the HPET": r"clocksource: hpet: mask",
    "the ACPI interpreter": r"ACPI: Interpreter enabled",
    "the 16550A on ttyS0": r"ttyS0 at I/O 0x3f8 \(irq = 4, base_baud = 115200\) is a 16550A",
    "the RTC": r"rtc_cmos \S+: setting system clock to",
}


def guest_file():
    """The bytes the guest generates with: seq 1 50000 | sed 's/$/ rx86/'."""
    return "".join("%d rx86\n" % i for i in range(1, 50001)).encode()


def run(con, command, timeout=60):
    """Type a command at the prompt; return what it printed before the next prompt."""
    con.send(command + "\n")
    con.expect(re.escape(command) + r"\r?\n", timeout)
    start = len(con.transcript())
    con.expect(PROMPT, timeout)
    return con.transcript()[start:]


def check_log(log):
    problems = []
    for pat in FORBIDDEN:
        for m in re.finditer(pat, log):
            line_start = log.rfind("\n", 0, m.start()) + 1
            line_end = log.find("\n", m.end())
            problems.append("forbidden %r in: %s" % (pat, log[line_start:line_end].strip()))
    for what, pat in REQUIRED.items():
        if not re.search(pat, log):
            problems.append("the log does not show %s (/%s/)" % (what, pat))
    return problems


def boot_to_prompt(con, timeout):
    """Boot to the shell; then keep kernel messages off the console (the
    kernel may still print, e.g. the refined TSC calibration a second after
    boot, in the middle of a command's echo): dmesg shows them later."""
    con.expect(r"Linux version 6\.", timeout)
    con.expect(PROMPT, timeout)
    con.send("dmesg -n 1\n")
    con.expect(PROMPT, 60)


def scenario_shell(con, timeout):
    boot_to_prompt(con, timeout)
    problems = []

    out = run(con, "uname -a")
    if not re.search(r"Linux \S+ 6\.1\.\S+ .*x86_64", out):
        problems.append("uname -a printed %r" % out.strip())
    out = run(con, "cat /proc/cpuinfo")
    for field in ("vendor_id", "model name", "flags", "bogomips"):
        if not re.search(r"^%s\s*:" % field, out, re.M):
            problems.append("/proc/cpuinfo has no %s line" % field)
    out = run(con, "echo hello rx86 | tr a-z A-Z | rev")
    if "68XR OLLEH" not in out:
        problems.append("the pipe printed %r" % out.strip())
    want = hashlib.sha256(guest_file()).hexdigest()
    out = run(con, "seq 1 50000 | sed 's/$/ rx86/' > /tmp/f && sha256sum /tmp/f", 120)
    if want not in out:
        problems.append("sha256sum printed %r; the host computes %s" % (out.strip(), want))
    # The whole kernel log, with what it printed after the console went quiet.
    problems += check_log(run(con, "dmesg", 60))
    if problems:
        con.fail(ConsoleError, "\n".join(problems))

    con.send("poweroff -f\n")
    con.expect(r"reboot: Power down", 30)
    status = con.wait(30)
    if status != 0:
        con.fail(ConsoleError, "powered off, but the emulator exited with status %d" % status)


def scenario_reboot(con, timeout):
    boot_to_prompt(con, timeout)
    con.send("reboot -f\n")
    con.expect(r"reboot: Restarting system", 30)
    boot_to_prompt(con, timeout)
    out = run(con, "cat /proc/cmdline")
    if "reboot=k" not in out:
        con.fail(ConsoleError, "after the reboot /proc/cmdline is %r" % out.strip())
    con.send("poweroff -f\n")
    con.expect(r"reboot: Power down", 30)
    status = con.wait(30)
    if status != 0:
        con.fail(ConsoleError, "powered off, but the emulator exited with status %d" % status)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--emulator", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--scenario", choices=["shell", "reboot"], default="shell")
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args()
    for f in (args.kernel, args.initrd):
        if not os.path.exists(f):
            print("linux_boot: %s is missing (scripts/fetch-linux-guest.sh makes it)" % f)
            return SKIP

    append = "console=ttyS0"
    if args.scenario == "reboot":
        append += " reboot=k"
    argv = [args.emulator, "-accel", args.accel, "-m", "512", "-smp", "1",
            "-kernel", args.kernel, "-initrd", args.initrd, "-append", append,
            "-nographic", "-nodefaults", "-serial", "stdio"]
    if "qemu" in os.path.basename(args.emulator):
        argv += ["-machine", "pc"]
    try:
        with Console(argv, timeout=args.timeout) as con:
            if args.scenario == "shell":
                scenario_shell(con, args.timeout)
            else:
                scenario_reboot(con, args.timeout)
    except ConsoleError as e:
        print("linux_boot (%s): FAIL: %s" % (args.scenario, e))
        return 1
    print("linux_boot (%s): PASS" % args.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
