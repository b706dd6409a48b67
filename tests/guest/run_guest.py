#!/usr/bin/env python3
"""Run one bare-metal guest test program under an emulator and judge its output.

The emulator is rx86 or qemu-system-x86_64; both take the same options, so the
program runs the same way under either:

    EMU -nodefaults -machine pc -accel ACCEL -display none -m MEM -no-reboot (unless --reboot)
        -device isa-debug-exit,iobase=0xf4,iosize=0x4
        -debugcon file:OUT/debugcon -serial file:OUT/serial
        [-chardev file,id=post,path=OUT/port80 -device isa-debugcon,iobase=0x80,chardev=post]
        (-bios IMAGE | -kernel IMAGE [-append ...] [-initrd ...])

The run is judged on its exit status (isa-debug-exit: a guest write of V gives
(V << 1) | 1) and on what it wrote to each channel, against expected-output files:
the debug console (port 0xE9) and the serial port compared as text (CRLF read as
LF), the port-0x80 capture compared as hex bytes ("01 02 aa", whitespace free).

With --oracle QEMU the program also runs under QEMU (-accel tcg) and the two runs
must agree with each other on every channel and the status, besides the files.

Exit status: 0 pass, 1 fail, 77 skip (ctest SKIP_RETURN_CODE), e.g. when the
accelerator is kvm and /dev/kvm cannot be opened read-write.
"""

import argparse
import difflib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
CHANNELS = ("debugcon", "serial", "port80")


def is_qemu(emulator):
    return os.path.basename(emulator).startswith("qemu")


def kvm_usable():
    """Return None if /dev/kvm opens read-write, else the reason it does not."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    except OSError as err:
        return "cannot open /dev/kvm read-write: %s" % err.strerror
    os.close(fd)
    return None


def build_command(emulator, accel, args, outdir):
    cmd = [emulator, "-nodefaults", "-machine", "pc", "-accel", accel,
           "-display", "none", "-m", args.memory]
    if not args.reboot:
        cmd += ["-no-reboot"]
    cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x4",
           "-debugcon", "file:" + os.path.join(outdir, "debugcon"),
           "-serial", "file:" + os.path.join(outdir, "serial")]
    if args.port80_expect:
        cmd += ["-chardev", "file,id=post,path=" + os.path.join(outdir, "port80"),
                "-device", "isa-debugcon,iobase=0x80,chardev=post"]
    if args.cpu:
        cmd += ["-cpu", args.cpu]
    if args.bios:
        cmd += ["-bios", args.bios]
    if args.kernel:
        cmd += ["-kernel", args.kernel]
    if args.append is not None:
        cmd += ["-append", args.append]
    if args.initrd is not None:
        cmd += ["-initrd", args.initrd]
    return cmd


class Run:
    """The result of one emulator run: status, channel bytes, stdout/stderr."""

    def __init__(self, name, cmd):
        self.name = name
        self.cmd = cmd
        self.status = None
        self.timed_out = False
        self.channels = {}
        self.stdout = b""
        self.stderr = b""
        self.seconds = 0.0

    def describe(self):
        lines = ["--- %s: %s" % (self.name, " ".join(self.cmd))]
        if self.timed_out:
            lines.append("    TIMED OUT after %.1f s (process group killed)" % self.seconds)
        else:
            lines.append("    exit status %s after %.2f s" % (self.status, self.seconds))
        for ch in CHANNELS:
            if ch in self.channels:
                lines.append("    %s: %r" % (ch, self.channels[ch][:2000]))
        if self.stdout:
            lines.append("    stdout: %r" % self.stdout[:2000])
        if self.stderr:
            lines.append("    stderr: %r" % self.stderr[:2000])
        return "\n".join(lines)


def run_once(name, emulator, accel, args):
    outdir = tempfile.mkdtemp(prefix="rx86-guest-")
    cmd = build_command(emulator, accel, args, outdir)
    run = Run(name, cmd)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=args.cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        run.stdout, run.stderr = proc.communicate(timeout=args.timeout)
        run.status = proc.returncode
    except subprocess.TimeoutExpired:
        run.timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        run.stdout, run.stderr = proc.communicate()
    run.seconds = time.monotonic() - start
    for ch in CHANNELS:
        path = os.path.join(outdir, ch)
        if os.path.exists(path):
            with open(path, "rb") as f:
                run.channels[ch] = f.read()
    shutil.rmtree(outdir, ignore_errors=True)
    return run


def as_text(data):
    return data.decode("utf-8", "replace").replace("\r\n", "\n")


def as_hex(data):
    return " ".join("%02x" % b for b in data)


def normalise(channel, data):
    """The form a channel is compared in: text, or hex bytes for port 0x80."""
    if channel == "port80":
        return as_hex(data)
    return as_text(data)


def read_expect(channel, path):
    with open(path, "rb") as f:
        data = f.read()
    if channel == "port80":
        return " ".join(data.decode("ascii").lower().split())
    return as_text(data)


def diff(expected, got, a, b):
    return "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                        fromfile=a, tofile=b))


def judge_against_files(run, args):
    """Return a list of failure messages for one run against the expect files."""
    problems = []
    if run.timed_out:
        problems.append("%s: timed out after %s s" % (run.name, args.timeout))
    elif run.status != args.status:
        problems.append("%s: exit status %s, expected %s" % (run.name, run.status, args.status))
    for ch in CHANNELS:
        path = getattr(args, ch + "_expect")
        if not path:
            continue
        expected = read_expect(ch, path)
        got = normalise(ch, run.channels.get(ch, b""))
        if got != expected:
            problems.append("%s: %s output differs from %s:\n%s" % (
                run.name, ch, path, diff(expected, got, path, run.name + " " + ch)))
    return problems


def judge_against_each_other(a, b):
    problems = []
    if (a.status, a.timed_out) != (b.status, b.timed_out):
        problems.append("exit status differs: %s %s, %s %s" % (
            a.name, "timeout" if a.timed_out else a.status,
            b.name, "timeout" if b.timed_out else b.status))
    for ch in CHANNELS:
        got_a = normalise(ch, a.channels.get(ch, b""))
        got_b = normalise(ch, b.channels.get(ch, b""))
        if got_a != got_b:
            problems.append("%s output differs between %s and %s:\n%s" % (
                ch, a.name, b.name, diff(got_b, got_a, b.name, a.name)))
    return problems


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--emulator", required=True, help="rx86 or qemu-system-x86_64 binary")
    p.add_argument("--accel", help="accelerator for --emulator (default: tcg)")
    p.add_argument("--oracle", help="also run under this QEMU (-accel tcg) and compare")
    img = p.add_mutually_exclusive_group(required=True)
    img.add_argument("--bios", help="64 KiB-multiple ROM image, entered at the reset vector")
    img.add_argument("--kernel", help="Multiboot v1 kernel")
    p.add_argument("--append", help="-append: kernel command line")
    p.add_argument("--initrd", help="-initrd: Multiboot modules, 'file args,file2'")
    p.add_argument("--memory", default="64", help="-m value (default 64)")
    p.add_argument("--cpu", help="-cpu MODEL[,+feature...] for both emulators")
    p.add_argument("--reboot", action="store_true",
                   help="run without -no-reboot: a triple fault or reset request resets the machine")
    p.add_argument("--cwd", help="directory to run the emulator in (relative paths)")
    p.add_argument("--status", type=int, required=True, help="expected exit status")
    p.add_argument("--debugcon-expect", dest="debugcon_expect", help="expected port 0xE9 text")
    p.add_argument("--serial-expect", dest="serial_expect", help="expected COM1 text")
    p.add_argument("--port80-expect", dest="port80_expect",
                   help="expected port 0x80 bytes as hex (also enables that capture)")
    p.add_argument("--timeout", type=float, default=20.0, help="hard timeout in seconds")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    accel = args.accel or "tcg"
    if accel == "kvm":
        reason = kvm_usable()
        if reason:
            print("SKIP: -accel kvm needs /dev/kvm (%s)" % reason)
            return SKIP
    for tool in [args.emulator] + ([args.oracle] if args.oracle else []):
        if shutil.which(tool) is None:
            print("FAIL: emulator not found or not executable: %s" % tool)
            return 1

    runs = [run_once(os.path.basename(args.emulator), args.emulator, accel, args)]
    if args.oracle:
        runs.append(run_once("qemu-oracle", args.oracle, "tcg", args))

    problems = []
    for run in runs:
        problems += judge_against_files(run, args)
    if args.oracle:
        problems += judge_against_each_other(runs[0], runs[1])

    for run in runs:
        print(run.describe())
    if problems:
        for msg in problems:
            print("FAIL: " + msg)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
