#!/usr/bin/env python3
"""Benchmark runner: the same guest workloads under rx86 and qemu-system-x86_64.

Each workload runs under every configuration (rx86 and QEMU, each with -accel tcg
and -accel kvm) in one invocation, the configurations alternating within each of
--reps rounds, and the table shows per configuration the median and minimum wall
time, the ratio of its median to rx86's, and the peak RSS of the emulator process
(ru_maxrss from wait4).  A run that ends wrongly (exit status, missing output,
timeout) is reported as FAILED and makes the runner exit 1; it is never timed.  A
configuration that cannot run here (no usable /dev/kvm, an emulator without that
accelerator yet) is listed as "n/a: reason".

Workloads are declared in WORKLOADS below: a guest image (relative to the build
directory) plus how its run ends.  Images are built by the project's CMake build
(bench/guests/ and guests/: -bios ROM images; bench/workloads/: C workloads as
Multiboot ELF kernels, booted with -kernel).  See bench/README.md.

Guest instructions per second: before timing a workload, one untimed run of rx86
-accel tcg with -d icount asks rx86 for the number of guest instructions the
workload executes (the stderr line "rx86: guest instructions executed: N").  The
count is a property of the guest binary, so N / median time is shown for every
configuration; where rx86 cannot count yet the column is left empty.
"""

import argparse
import os
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Workload:
    """A guest image and how a good run of it ends.

    status:   the run ends with this exit status (isa-debug-exit)...
    debugcon: ...and port 0xE9 printed exactly this, when given;
    marker:   or the run is done when this regex shows on the serial console (stdout),
              for guests that end in cli;hlt, where QEMU never exits (the emulator is
              then killed; the time is to the marker).
    """

    def __init__(self, name, image, about, status=None, debugcon=None, marker=None,
                 memory="128"):
        self.name, self.image, self.about = name, image, about
        self.status, self.debugcon, self.marker = status, debugcon, marker
        self.memory = memory
        self.kernel = image.endswith(".elf")    # Multiboot ELF: -kernel, else -bios


WORKLOADS = [
    Workload("startup", "bench/guests/startup.bin",
             "exit through isa-debug-exit at the reset vector: emulator start-up cost",
             status=33),
    Workload("crc32", "bench/guests/crc32.bin",
             "32-bit CRC-32 (table) over 4 MiB x 48 passes: tight integer loops",
             status=33, debugcon="crc32 3fe80ca4\n"),
    Workload("demo", "guests/demo.bin",
             "the make-run demo: 16550 output, protected mode, sieve to 10000",
             marker=r"ends rx86 with exit status 0"),
    # C workloads (bench/workloads/): the checksums were computed independently on
    # the host (the same C compiled natively, and Python: zlib.crc32 for crc32tab,
    # a Python sieve, Fibonacci and Ackermann closed forms, a Python model of the
    # copies and of the bytecode program) and agree with QEMU's output.
    Workload("sieve", "bench/workloads/sieve.elf",
             "C: sieve of Eratosthenes below 4 million, 32 rounds: strided byte stores",
             status=33, debugcon="sieve 031ef118\n"),
    Workload("crc32tab", "bench/workloads/crc32tab.elf",
             "C: table-driven CRC-32 over 1 MiB x 256 passes",
             status=33, debugcon="crc32tab b4a25f6a\n"),
    Workload("memcpy", "bench/workloads/memcpy.elf",
             "C: 512 KiB copies by byte loop, word loop and rep movsb, 1152 rounds",
             status=33, debugcon="memcpy 42d83c66\n"),
    Workload("recursion", "bench/workloads/recursion.elf",
             "C: naive fib(32) and Ackermann A(3,10), 4 rounds: call/ret heavy",
             status=33, debugcon="recursion 786affc2\n"),
    Workload("interp", "bench/workloads/interp.elf",
             "C: switch-dispatched stack-VM bytecode (Collatz + mixing): indirect jumps",
             status=33, debugcon="interp db449c33\n"),
    # x87: its checksum from the same C compiled natively on x86-64 with
    # -DWORKLOAD_HOSTED (long double is the x87 format there too); QEMU agrees.
    Workload("x87", "bench/workloads/x87.elf",
             "C: long double on the x87 (Mandelbrot, Newton vs FSQRT, matrix product, "
             "FIST/FILD): x87 helpers",
             status=33, debugcon="x87 53914f32\n"),
    # sse: its checksum from the same C compiled natively (gcc -O2 and -O0,
    # x86-64), and QEMU prints it too.
    Workload("sse", "bench/workloads/sse.elf",
             "C, SSE2: Mandelbrot in doubles, packed-float axpy/dot, SSE2 strlen/memchr/copy",
             status=33, debugcon="sse b9683a26\n"),
]

# name -> (emulator key, accelerator)
CONFIGS = {
    "rx86-tcg": ("rx86", "tcg"),
    "rx86-interp": ("rx86", "tcg,backend=interp"),   # the portable IR interpreter
    "rx86-kvm": ("rx86", "kvm"),
    "qemu-tcg": ("qemu", "tcg"),
    "qemu-kvm": ("qemu", "kvm"),
}

# What rx86 prints on stderr at exit when given -d icount.
ICOUNT_LINE = re.compile(rb"rx86: guest instructions executed: (\d+)")
TLB_MISS_LINE = re.compile(rb"rx86: soft TLB misses: (\d+)")


class Result:
    def __init__(self, seconds=None, rss_kib=None, failure=None, unavailable=None,
                 stderr=b""):
        self.seconds, self.rss_kib = seconds, rss_kib
        self.failure, self.unavailable = failure, unavailable
        self.stderr = stderr


def kvm_problem():
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC))
        return None
    except OSError as err:
        return "/dev/kvm not usable: %s" % err.strerror


def command(emulator, accel, workload, image, debugcon_path, extra=()):
    return [emulator, "-nodefaults", "-machine", "pc", "-accel", accel, "-display", "none",
            "-m", workload.memory, "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x4",
            "-debugcon", "file:" + debugcon_path, "-serial", "stdio",
            "-kernel" if workload.kernel else "-bios", image] + list(extra)


def refusal(status, first_err):
    """rx86 refusing an option or accelerator it does not have yet (exit status 1
    and a one-line reason): the configuration is n/a here, not a failed run."""
    return status == 1 and ("not supported yet" in first_err or
                            "unknown parameter" in first_err)


def run_once(emulator, accel, workload, image, timeout, extra=()):
    """Run one workload once (extra: more emulator options); return a Result."""
    with tempfile.TemporaryDirectory(prefix="rx86-bench-") as tmp:
        debugcon_path = os.path.join(tmp, "debugcon")
        cmd = command(emulator, accel, workload, image, debugcon_path, extra)
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        out = bytearray()
        marker = re.compile(workload.marker.encode()) if workload.marker else None
        seen_marker = False
        elapsed = None
        fds = [proc.stdout.fileno()]
        while fds:                      # read the console until EOF, marker or timeout
            left = start + timeout - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select(fds, [], [], left)
            if not ready:
                continue
            data = os.read(fds[0], 65536)
            if not data:
                fds = []
                break
            out += data
            if marker and marker.search(out):
                elapsed = time.monotonic() - start
                seen_marker = True
                break
        if seen_marker:
            os.killpg(proc.pid, signal.SIGKILL)
        try:                            # wait4 with a deadline: poll, then kill
            while True:
                pid, wstatus, rusage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > start + timeout:
                    os.killpg(proc.pid, signal.SIGKILL)
                    pid, wstatus, rusage = os.wait4(proc.pid, 0)
                    proc.returncode = -9
                    proc.stdout.close()
                    proc.stderr.close()
                    return Result(failure="timeout after %g s" % timeout)
                time.sleep(0.001)
        finally:
            if proc.returncode is None:
                proc.returncode = 0     # reaped by wait4, not by Popen
        if elapsed is None:
            elapsed = time.monotonic() - start
        status = os.waitstatus_to_exitcode(wstatus)
        err_bytes = proc.stderr.read()
        err = err_bytes.decode("utf-8", "replace")
        proc.stdout.close()
        proc.stderr.close()
        with open(debugcon_path, "rb") if os.path.exists(debugcon_path) else \
                open(os.devnull, "rb") as f:
            debugcon = f.read().decode("utf-8", "replace")

    first_err = err.strip().splitlines()[0] if err.strip() else ""
    if refusal(status, first_err):
        return Result(unavailable=first_err)
    if marker:
        if not seen_marker:
            return Result(failure="console never showed %r (status %s) %s" % (
                workload.marker, status, first_err))
    else:
        if status != workload.status:
            return Result(failure="exit status %s, expected %s %s" % (
                status, workload.status, first_err))
        if workload.debugcon is not None and debugcon != workload.debugcon:
            return Result(failure="port 0xE9 printed %r, expected %r" % (
                debugcon, workload.debugcon))
    return Result(seconds=elapsed, rss_kib=rusage.ru_maxrss, stderr=err_bytes)


def count_instructions(rx86, workload, image, timeout):
    """One untimed rx86 -accel tcg -d icount run: ((N, TLB misses), None), or
    (None, why not)."""
    r = run_once(rx86, "tcg", workload, image, timeout, extra=("-d", "icount"))
    if r.unavailable:
        return None, r.unavailable
    if r.failure:
        return None, "count run failed: " + r.failure
    m = ICOUNT_LINE.search(r.stderr)
    if not m:
        return None, "rx86 printed no instruction count"
    misses = TLB_MISS_LINE.search(r.stderr)
    return (int(m.group(1)), int(misses.group(1)) if misses else None), None


def parse_args(argv):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="workloads: " + "; ".join("%s (%s)" % (w.name, w.about) for w in WORKLOADS)
               + ".  configurations: " + ", ".join(CONFIGS))
    p.add_argument("--emulators", default=",".join(CONFIGS),
                   help="comma-separated configurations (default: all of %(default)s)")
    p.add_argument("--workload", action="append",
                   help="workload to run (repeatable or comma-separated; default: all)")
    p.add_argument("--reps", type=int, default=5, help="repetitions (default 5)")
    p.add_argument("--timeout", type=float, default=60, help="per-run timeout in s")
    p.add_argument("--build-dir", default=os.path.join(REPO, "build"),
                   help="CMake build directory with rx86 and the images (default: build)")
    p.add_argument("--rx86", help="rx86 binary (default: BUILD_DIR/rx86)")
    p.add_argument("--qemu", default="qemu-system-x86_64", help="QEMU binary")
    p.add_argument("--baseline", default="rx86-tcg",
                   help="configuration the ratios are relative to (default rx86-tcg; "
                        "falls back to the first rx86 configuration that ran)")
    p.add_argument("--no-icount", action="store_true",
                   help="skip the untimed rx86 -d icount run (no instructions/s column)")
    args = p.parse_args(argv)
    args.configs = [c.strip() for c in args.emulators.split(",") if c.strip()]
    for c in args.configs:
        if c not in CONFIGS:
            p.error("unknown configuration %r (known: %s)" % (c, ", ".join(CONFIGS)))
    names = [n.strip() for w in (args.workload or [",".join(w.name for w in WORKLOADS)])
             for n in w.split(",") if n.strip()]
    known = {w.name: w for w in WORKLOADS}
    for n in names:
        if n not in known:
            p.error("unknown workload %r (known: %s)" % (n, ", ".join(known)))
    args.workloads = [known[n] for n in names]
    if args.reps < 1:
        p.error("--reps must be at least 1")
    args.rx86 = args.rx86 or os.path.join(args.build_dir, "rx86")
    return args


def which(path):
    if os.sep in path:
        return path if os.access(path, os.X_OK) else None
    for d in os.environ.get("PATH", "").split(os.pathsep):
        cand = os.path.join(d, path)
        if os.access(cand, os.X_OK):
            return cand
    return None


def main(argv):
    args = parse_args(argv)
    binaries = {"rx86": which(args.rx86), "qemu": which(args.qemu)}
    kvm = kvm_problem()

    # Why a configuration cannot run at all, before any workload.
    unavailable = {}
    for c in args.configs:
        emu, accel = CONFIGS[c]
        if binaries[emu] is None:
            unavailable[c] = "%s not found" % (args.rx86 if emu == "rx86" else args.qemu)
        elif accel == "kvm" and kvm:
            unavailable[c] = kvm

    failed = False
    rows = []
    for w in args.workloads:
        image = os.path.join(args.build_dir, w.image)
        if not os.path.isfile(image):
            print("error: %s: image %s not built (build the project first)" % (w.name, image))
            return 1
        results = {c: [] for c in args.configs}
        status = dict(unavailable)          # config -> "n/a: ..." or "FAILED: ..."
        icount, tlb_misses = None, None
        if binaries["rx86"] and not args.no_icount and any(
                CONFIGS[c][0] == "rx86" for c in args.configs):
            counts, why = count_instructions(binaries["rx86"], w, image, args.timeout)
            icount, tlb_misses = counts if counts else (None, None)
            if why:
                print("  %s: no instruction count (%s)" % (w.name, why), file=sys.stderr)
        for rep in range(args.reps):
            # Alternate: each round starts one configuration later.
            order = args.configs[rep % len(args.configs):] + args.configs[:rep % len(args.configs)]
            for c in order:
                if c in status:
                    continue
                emu, accel = CONFIGS[c]
                r = run_once(binaries[emu], accel, w, image, args.timeout)
                if r.unavailable:
                    status[c] = "n/a: " + r.unavailable
                elif r.failure:
                    status[c] = "FAILED: " + r.failure
                    failed = True
                else:
                    results[c].append(r)
            print("  %s: round %d/%d done" % (w.name, rep + 1, args.reps), file=sys.stderr)

        medians = {c: statistics.median(r.seconds for r in results[c])
                   for c in args.configs if results[c] and c not in status}
        base = args.baseline if args.baseline in medians else next(
            (c for c in args.configs if c.startswith("rx86") and c in medians), None)
        for c in args.configs:
            if c in status:
                why = status[c] if status[c].startswith(("n/a", "FAILED")) else "n/a: " + status[c]
                rows.append((w.name, c, why))
                continue
            times = [r.seconds for r in results[c]]
            rss = max(r.rss_kib for r in results[c]) / 1024.0
            ratio = "%.2fx" % (medians[c] / medians[base]) if base else "-"
            mips = "%.0f" % (icount / medians[c] / 1e6) if icount else ""
            rows.append((w.name, c, "%8.3f %8.3f %9s %9.1f %4d %8s" % (
                medians[c], min(times), ratio, rss, len(times), mips)))
        rows.append((w.name, "", "ratio = median / median of %s" % (base or "(no rx86 run)")))
        if "rx86-tcg" in medians and "qemu-tcg" in medians:
            rows.append((w.name, "", "rx86-tcg / qemu-tcg = %.2f (below 1: rx86 is faster)"
                         % (medians["rx86-tcg"] / medians["qemu-tcg"])))
        if icount:
            rows.append((w.name, "", "%d guest instructions (rx86 -d icount)" % icount))
        if icount and tlb_misses is not None:
            rows.append((w.name, "", "%d soft TLB misses in rx86 (%.2f per million instructions)"
                         % (tlb_misses, 1e6 * tlb_misses / icount)))

    print()
    print("%-10s %-11s %8s %8s %9s %9s %4s %8s" % ("workload", "config", "median s", "min s",
                                                   "ratio", "RSS MiB", "runs", "Minsn/s"))
    for name, config, text in rows:
        print("%-10s %-11s %s" % (name, config, text))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
