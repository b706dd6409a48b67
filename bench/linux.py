#!/usr/bin/env python3
"""Linux guest benchmark: boot time and busybox jobs under rx86 and qemu-system-x86_64.

Both emulators boot the same kernel and initramfs (scripts/fetch-linux-guest.sh) with

    EMU -accel tcg -m 512 -smp 1 -kernel VMLINUZ -initrd INITRD -append console=ttyS0
        -nographic -nodefaults -serial stdio          (+ -machine pc for QEMU)

and the script drives the serial console.  One boot per round and emulator: the
wall time from process start to the first shell prompt ("boot"), then the data
the jobs need is made in the guest's /tmp (untimed and checked), then each job
runs in turn, timed on the host from sending its command line to the next
prompt, and its answer is checked against a value the host computes (untimed);
then `poweroff -f`.  The emulators alternate within each of --reps rounds.  The
table shows per item and emulator the median and minimum seconds and the ratio
of the median to QEMU's (below 1: faster than QEMU), then the peak RSS of each
emulator process (VmHWM just before poweroff, else ru_maxrss from wait4).  A job
that gives a wrong answer, times out or loses the shell is a FAILED row, never a
time, and the script exits 1.  Standard library only; see bench/README.md.
"""

import argparse
import gzip
import hashlib
import json
import os
import platform
import re
import statistics
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))
from console import Console, ConsoleError, ExpectEOF, ExpectTimeout  # noqa: E402

PROMPT = r"rx86-guest:[^#\n]*# "

# name -> (emulator key, accelerator)
CONFIGS = {
    "rx86-tcg": ("rx86", "tcg"),
    "rx86-interp": ("rx86", "tcg,backend=interp"),   # the portable IR interpreter
    "qemu-tcg": ("qemu", "tcg"),
}
QEMU_BASELINE = "qemu-tcg"

# Sizes of the guest data (bytes) and of the loops.
SHA_BYTES = 64 << 20
GZIP_BYTES = 16 << 20
SORT_LINES = 262144            # 16-byte lines: 4 MiB
AWK_ITERATIONS = 3000000
FORKS = 500

# Kernel messages that mean the guest went wrong somewhere: noted under the
# table, from the boot log and from `dmesg` at the end of each boot.
KERNEL_TROUBLE = re.compile(r"(Oops|BUG: |WARNING: |Kernel panic|general protection fault|"
                            r"invalid opcode|unchecked MSR access|segfault at|"
                            r"traps: |Unable to handle)")
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s*")
KERNEL_ADDRESS = re.compile(r"0x[0-9a-f]{12,16}")     # differs per boot (KASLR)
# After the boot: kernel messages no longer go to the console, where they could
# land in the middle of a job's output.
QUIET = "dmesg -n 1"
DMESG = "dmesg | grep -E '%s'" % KERNEL_TROUBLE.pattern       # ERE, too


# ------------------------------------------------------------ the guest data
def initrd_file(initrd, wanted):
    """The bytes of `wanted` (e.g. "bin/busybox") in a gzip'd newc cpio archive."""
    with gzip.open(initrd, "rb") as f:
        data = f.read()
    pos = 0
    while pos + 110 <= len(data):
        head = data[pos:pos + 110]
        if head[:6] not in (b"070701", b"070702"):
            break
        fields = [int(head[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        size, namesize = fields[6], fields[11]
        name = data[pos + 110:pos + 110 + namesize - 1].decode("utf-8", "replace")
        pos += 110 + namesize
        pos += -pos % 4
        body = data[pos:pos + size]
        pos += size
        pos += -pos % 4
        if name == "TRAILER!!!":
            break
        if name.lstrip("./") == wanted:
            return body
    return None


def sort_input():
    """The lines the guest's awk writes to /tmp/s4 (the multiplier is odd, so all
    keys differ; every value stays below 2^31, where busybox awk's %x is exact)."""
    return ["%08x %06d\n" % ((i * 1103515245 + 12345) % 2147483648, i)
            for i in range(SORT_LINES)]


def repeated_sha256(block, length):
    """sha256 of `block` repeated and cut to `length` bytes, without building it
    (this script stays small: the emulators are its children)."""
    h = hashlib.sha256()
    while length > 0:
        h.update(block[:length])
        length -= len(block)
    return h.hexdigest()


class Expected:
    """Every answer the guest must give, computed on the host."""

    def __init__(self, busybox):
        self.busybox_copies = -(-SHA_BYTES // len(busybox))
        self.d64_sha = repeated_sha256(busybox, SHA_BYTES)
        self.d16_sha = repeated_sha256(busybox, GZIP_BYTES)
        lines = sort_input()
        self.s4_sha = hashlib.sha256("".join(lines).encode()).hexdigest()
        lines.sort()                    # byte order = busybox sort's in the C locale
        self.s4_sorted_sha = hashlib.sha256("".join(lines).encode()).hexdigest()
        self.awk_sum = sum(i % 7 for i in range(AWK_ITERATIONS))

    def as_dict(self):
        return dict(self.__dict__)


# ------------------------------------------------------------ prep and jobs
def line_value(out, regex):
    """The first group of the first output line matching regex (whole line), or None."""
    m = re.search(regex, out, re.M)
    return m.group(1) if m else None


def want(out, regex, expected, what):
    got = line_value(out, regex)
    if got is None:
        return "%s: no answer in the output" % what
    if got != str(expected):
        return "%s: got %s, expected %s" % (what, got, expected)
    return None


class Prep:
    """Untimed: make one data file in the guest and check it."""

    def __init__(self, name, command, check):
        self.name, self.command, self.check = name, command, check


class Job:
    """A timed command line, then an untimed verify command; check(timed output,
    verify output, expected) returns None or why the answer is wrong."""

    def __init__(self, name, about, needs, command, check, verify=None):
        self.name, self.about, self.needs = name, about, needs
        self.command, self.verify, self.check = command, verify, check


def preps(exp):
    awk_lines = ("awk 'BEGIN{for(i=0;i<%d;i++) printf \"%%08x %%06d\\n\", "
                 "(i*1103515245+12345)%%2147483648, i}' > /tmp/s4" % SORT_LINES)
    return {
        "d64": Prep("d64",
                    "for i in $(seq %d); do cat /bin/busybox; done | head -c %d > /tmp/d64;"
                    " wc -c < /tmp/d64" % (exp.busybox_copies, SHA_BYTES),
                    lambda out: want(out, r"^\s*(\d+)$", SHA_BYTES, "size of /tmp/d64")),
        "d16": Prep("d16",
                    "head -c %d /tmp/d64 > /tmp/d16; sha256sum /tmp/d16" % GZIP_BYTES,
                    lambda out: want(out, r"^([0-9a-f]{64})  /tmp/d16$", exp.d16_sha,
                                     "sha256 of /tmp/d16")),
        "s4": Prep("s4", awk_lines + "; sha256sum /tmp/s4",
                   lambda out: want(out, r"^([0-9a-f]{64})  /tmp/s4$", exp.s4_sha,
                                    "sha256 of /tmp/s4")),
    }


def check_gzip(out, verify, exp):
    bad = want(verify, r"^([0-9a-f]{64})  -$", exp.d16_sha, "sha256 of gzip -dc")
    if bad:
        return bad
    if line_value(verify, r"^\s*(\d+)$") is None:
        return "no compressed size in the output"
    return None


JOBS = [
    Job("sha256", "sha256sum of 64 MiB (/tmp/d64)", ["d64"],
        "sha256sum /tmp/d64",
        lambda out, v, exp: want(out, r"^([0-9a-f]{64})  /tmp/d64$", exp.d64_sha,
                                 "sha256sum")),
    Job("gzip", "gzip -1 of 16 MiB, to a file in /tmp (tmpfs)", ["d64", "d16"],
        "gzip -1 < /tmp/d16 > /tmp/d16.gz",
        check_gzip,
        verify="gzip -dc < /tmp/d16.gz | sha256sum; wc -c < /tmp/d16.gz"),
    Job("awk", "awk loop: %d iterations of s+=i%%7" % AWK_ITERATIONS, [],
        "awk 'BEGIN{s=0; for(i=0;i<%d;i++) s+=i%%7; print s}'" % AWK_ITERATIONS,
        lambda out, v, exp: want(out, r"^(\d+)$", exp.awk_sum, "awk's sum")),
    Job("forkexec", "%d fork+exec of /bin/true from the shell" % FORKS, [],
        "i=0; while [ $i -lt %d ]; do /bin/true; i=$((i+1)); done; echo forks $i" % FORKS,
        lambda out, v, exp: want(out, r"^forks (\d+)$", FORKS, "loop count")),
    Job("sort", "sort of 4 MiB (262144 lines), to a file in /tmp", ["s4"],
        "sort /tmp/s4 > /tmp/s4.sorted",
        lambda out, v, exp: want(v, r"^([0-9a-f]{64})  /tmp/s4.sorted$",
                                 exp.s4_sorted_sha, "sha256 of the sorted file"),
        verify="sha256sum /tmp/s4.sorted"),
]


# ------------------------------------------------------------ one boot
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def clean(text):
    """Console text without terminal escapes and carriage returns."""
    return ANSI.sub("", text).replace("\r", "")


def tail(text, lines=15):
    return "\n".join(clean(text).rstrip("\n").split("\n")[-lines:])


class ShellLost(Exception):
    """The shell did not come back: nothing more can run in this boot."""


def command_line(emulator, accel, args):
    argv = [emulator, "-accel", accel, "-m", "512", "-smp", "1", "-kernel", args.kernel,
            "-initrd", args.initrd, "-append", "console=ttyS0", "-nographic",
            "-nodefaults", "-serial", "stdio"]
    if "qemu" in os.path.basename(emulator):
        argv += ["-machine", "pc"]
    return argv


def shell(con, command, timeout):
    """Type a command line; return (seconds to the next prompt, its output).
    Raises ExpectTimeout / ExpectEOF."""
    start = len(con.transcript())
    t0 = time.monotonic()
    con.send(command + "\n")
    con.expect(PROMPT, timeout)
    seconds = time.monotonic() - t0
    return seconds, clean(con.transcript()[start:])


def interrupt(con):
    """After a timeout: Ctrl-C, and wait for the prompt again (else ShellLost)."""
    try:
        con.send("\x03")
        con.expect(PROMPT, 20)
    except ConsoleError:
        raise ShellLost("the shell did not come back after Ctrl-C")


def vm_hwm_kib(pid):
    """The peak resident set of a live process (VmHWM), or None.  Unlike wait4's
    ru_maxrss it cannot include the pages of this (forking) script."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def reap(con, timeout):
    """Wait for the emulator to exit (kill it after timeout); (status, ru_maxrss KiB,
    killed).  wait4 here, so that Console.close() finds it reaped."""
    deadline = time.monotonic() + timeout
    killed = False
    while True:
        try:
            pid, wstatus, rusage = os.wait4(con.proc.pid, os.WNOHANG)
        except ChildProcessError:           # reaped elsewhere: no rusage left
            return con.proc.returncode, None, killed
        if pid:
            break
        if time.monotonic() > deadline:
            con.kill()
            killed = True
            pid, wstatus, rusage = os.wait4(con.proc.pid, 0)
            break
        time.sleep(0.01)
    status = os.waitstatus_to_exitcode(wstatus)
    con.proc.returncode = status
    return status, rusage.ru_maxrss, killed


def refusal(text):
    """rx86 refusing an option it does not have yet: the configuration is n/a."""
    return "not supported yet" in text or "unknown parameter" in text


def boot_and_run(config, argv, jobs, exp, args, skip):
    """One boot: returns a dict with boot/job results, RSS and how it ended.
    skip: names of jobs that already failed for this configuration (not run)."""
    run = {"config": config, "argv": argv, "boot": None, "jobs": {}, "prep": {},
           "notes": []}
    needed = []
    for j in jobs:
        if j.name not in skip:
            for p in j.needs:
                if p not in needed:
                    needed.append(p)
    prep_table = preps(exp)
    overall = args.boot_timeout + args.timeout * (2 + len(needed) + 2 * len(jobs)) + 60
    t0 = time.monotonic()
    try:
        con = Console(argv, timeout=overall)
    except OSError as err:
        run["boot"] = {"failure": "cannot start %s: %s" % (argv[0], err)}
        run["jobs"] = {j.name: {"not_run": "boot failed"} for j in jobs}
        run.update(rss_kib=None, poweroff="did not start", transcript="")
        return run
    ended = None                        # (status, ru_maxrss, killed) once reaped
    try:
        try:
            con.expect(PROMPT, args.boot_timeout)
            run["boot"] = {"seconds": time.monotonic() - t0}
        except ExpectEOF:
            ended = reap(con, 5)
            text = clean(con.transcript())
            if ended[0] == 1 and refusal(text):
                run["unavailable"] = text.strip().splitlines()[0]
            else:
                run["boot"] = {"failure": "the emulator exited (status %s) before the "
                               "prompt" % ended[0], "console": tail(text)}
                run["jobs"] = {j.name: {"not_run": "boot failed"} for j in jobs}
            return run
        except ExpectTimeout:
            run["boot"] = {"failure": "no shell prompt within %g s" % args.boot_timeout,
                           "console": tail(con.transcript())}
            run["jobs"] = {j.name: {"not_run": "boot failed"} for j in jobs}
            return run

        lost = None                     # why the shell is gone, once it is
        try:
            shell(con, QUIET, args.timeout)
        except ExpectTimeout:
            lost = "no prompt after %r" % QUIET
        except ExpectEOF:
            lost = "the emulator exited after %r" % QUIET
        bad_prep = {}
        if lost:
            needed = []
        for name in needed:
            p = prep_table[name]
            try:
                seconds, out = shell(con, p.command, args.timeout)
                why = p.check(out)
            except ExpectTimeout:
                why = "timeout after %g s" % args.timeout
                run["prep"][name] = {"failure": why, "console": tail(con.transcript())}
                bad_prep[name] = why
                try:
                    interrupt(con)
                except ShellLost as err:
                    lost = "prep %s: %s" % (name, err)
                    break
                continue
            except ExpectEOF:
                lost = "the emulator exited during prep %s" % name
                run["prep"][name] = {"failure": lost, "console": tail(con.transcript())}
                break
            run["prep"][name] = {"seconds": seconds}
            if why:
                run["prep"][name].update(failure=why, console=tail(out))
                bad_prep[name] = why

        for j in jobs:
            if j.name in skip:
                continue
            if lost:
                run["jobs"][j.name] = {"not_run": lost}
                continue
            broken = [p for p in j.needs if p in bad_prep]
            if broken:
                run["jobs"][j.name] = {"failure": "its data (%s) could not be made: %s" % (
                    broken[0], bad_prep[broken[0]])}
                continue
            result = {}
            phase = ""
            try:
                seconds, out = shell(con, j.command, args.timeout)
                verify = ""
                if j.verify:
                    phase = " (in its check: %s)" % j.verify
                    _, verify = shell(con, j.verify, args.timeout)
                why = j.check(out, verify, exp)
                result = {"seconds": seconds}
                size = line_value(verify, r"^\s*(\d+)$") if j.name == "gzip" else None
                if size:
                    result["gzip_bytes"] = int(size)
                if why:
                    result = {"failure": why, "console": tail(out + verify)}
            except ExpectTimeout:
                result = {"failure": "timeout after %g s%s" % (args.timeout, phase),
                          "console": tail(con.transcript())}
                try:
                    interrupt(con)
                except ShellLost as err:
                    lost = "after %s: %s" % (j.name, err)
            except ExpectEOF:
                lost = "the emulator exited during %s%s" % (j.name, phase)
                result = {"failure": lost, "console": tail(con.transcript())}
            run["jobs"][j.name] = result

        if not lost:
            try:
                _, run["dmesg"] = shell(con, DMESG, args.timeout)
            except ConsoleError:
                lost = "no prompt after dmesg"
        if not lost:
            try:
                run["vm_hwm_kib"] = vm_hwm_kib(con.proc.pid)
                con.send("poweroff -f\n")
                ended = reap(con, 30)
            except ConsoleError:
                pass
        return run
    finally:
        if ended is None:               # a failure: kill it now
            run["vm_hwm_kib"] = vm_hwm_kib(con.proc.pid)
            ended = reap(con, 0)
        status, maxrss, killed = ended
        run["exit_status"], run["ru_maxrss_kib"], run["killed"] = status, maxrss, killed
        run["rss_kib"] = run.get("vm_hwm_kib") or maxrss
        text = con.transcript()
        m = re.search(r"reboot: (Power down|System halted|Restarting system)", text)
        run["poweroff"] = ("killed" if killed else "exited %s" % status) + \
            (" after 'reboot: %s'" % m.group(1) if m else "")
        for line in (clean(text) + "\n" + run.get("dmesg", "")).split("\n"):
            if TIMESTAMP.match(line) and KERNEL_TROUBLE.search(line):
                note = "kernel: " + KERNEL_ADDRESS.sub("0x...", TIMESTAMP.sub("", line.strip()))
                if note not in run["notes"]:
                    run["notes"].append(note)
        run["transcript"] = text
        con.close()


# ------------------------------------------------------------ the report
def load_average():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def fmt_failure(item, config, rnd, res):
    text = "  %s %s (round %d): %s" % (config, item, rnd, res.get("failure") or
                                       res.get("not_run"))
    if res.get("console"):
        text += "\n    console (last lines):\n" + "\n".join(
            "    | " + l for l in res["console"].split("\n"))
    return text


def report(args, jobs, runs, status):
    """Print the tables; return True if anything failed."""
    failed = False
    items = ["boot"] + [j.name for j in jobs]
    times = {(i, c): [] for i in items for c in args.configs}
    first_failure = {}
    for r in runs:
        c = r["config"]
        if r.get("unavailable"):
            continue
        entries = [("boot", r["boot"])] + [(j.name, r["jobs"].get(j.name)) for j in jobs]
        for item, res in entries:
            if not res:
                continue
            if "seconds" in res and "failure" not in res:
                times[(item, c)].append(res["seconds"])
            elif "failure" in res:      # the first failure, before any "not run"
                if not first_failure.get((item, c), "").startswith("FAILED"):
                    first_failure[(item, c)] = "FAILED: " + res["failure"]
                failed = True
            elif (item, c) not in first_failure:
                first_failure[(item, c)] = "not run: " + res["not_run"]

    print()
    print("%-9s %-12s %8s %8s %8s %4s" % ("item", "config", "median s", "min s", "vs qemu",
                                          "runs"))
    for item in items:
        base = times.get((item, QEMU_BASELINE))
        base_median = statistics.median(base) if base else None
        for c in args.configs:
            if c in status:
                print("%-9s %-12s %s" % (item, c, status[c]))
                continue
            t = times[(item, c)]
            note = first_failure.get((item, c))
            if note and len(note) > 110:
                note = note[:107] + "..."
            if not t:
                print("%-9s %-12s %s" % (item, c, note or "no runs"))
                continue
            med = statistics.median(t)
            ratio = "%.2fx" % (med / base_median) if base_median else "-"
            line = "%-9s %-12s %8.3f %8.3f %8s %4d" % (item, c, med, min(t), ratio, len(t))
            if note:
                line += "  (also %s)" % note
            print(line)
    print("vs qemu = median / median of %s (below 1: faster than QEMU)" % QEMU_BASELINE)

    # Per emulator process: peak RSS and how the runs ended.
    print()
    print("%-12s %12s %12s %4s  %s" % ("config", "max RSS MiB", "med RSS MiB", "runs",
                                        "poweroff -f"))
    for c in args.configs:
        if c in status:
            print("%-12s %s" % (c, status[c]))
            continue
        rs = [r for r in runs if r["config"] == c and not r.get("unavailable")]
        rss = [r["rss_kib"] / 1024.0 for r in rs if r.get("rss_kib")]
        ends = sorted(set(r["poweroff"] for r in rs if r.get("boot") and
                          "seconds" in r["boot"]))
        if rss:
            print("%-12s %12.1f %12.1f %4d  %s" % (c, max(rss), statistics.median(rss),
                                                  len(rs), "; ".join(ends)))
        else:
            print("%-12s %12s %12s %4d  %s" % (c, "-", "-", len(rs), "; ".join(ends)))

    # gzip is deterministic: every run must produce the same compressed size.
    sizes = {}
    for r in runs:
        size = (r["jobs"].get("gzip") or {}).get("gzip_bytes")
        if size:
            sizes.setdefault(size, set()).add(r["config"])
    if len(sizes) > 1:
        print("MISMATCH: gzip -1 output sizes differ between runs: " + ", ".join(
            "%d bytes (%s)" % (s, ",".join(sorted(cs))) for s, cs in sorted(sizes.items())))
        failed = True
    elif sizes:
        print("gzip -1: %d bytes in every run" % next(iter(sizes)))

    notes = sorted(set("%s: %s" % (r["config"], n) for r in runs for n in r["notes"]))
    for n in notes:
        print("note: " + n)

    # A binary rebuilt between two runs (e.g. by a colleague's build) mixes builds.
    for c in args.configs:
        builds = {}
        for r in runs:
            if r["config"] == c and r.get("binary"):
                builds.setdefault(r["binary"], []).append(str(r["round"]))
        if len(builds) > 1:
            print("WARNING: %s: the binary changed during the benchmark, its runs mix "
                  "builds: %s" % (c, "; ".join("rounds %s: %s" % (",".join(rs), b)
                                             for b, rs in builds.items())))
    return failed


# ------------------------------------------------------------ command line
def which(path):
    if os.sep in path:
        return path if os.access(path, os.X_OK) else None
    for d in os.environ.get("PATH", "").split(os.pathsep):
        cand = os.path.join(d, path)
        if os.access(cand, os.X_OK):
            return cand
    return None


def binary_identity(path):
    """Size and modification time: enough to see a binary rebuilt during the run."""
    try:
        st = os.stat(path)
        return "%d bytes, modified %s" % (st.st_size, time.strftime(
            "%Y-%m-%d %H:%M:%S", time.localtime(st.st_mtime)))
    except OSError as err:
        return str(err)


def parse_args(argv):
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="jobs: " + "; ".join("%s (%s)" % (j.name, j.about) for j in JOBS)
               + ".  configurations: " + ", ".join(CONFIGS))
    p.add_argument("--reps", type=int, default=3, help="rounds (default 3)")
    p.add_argument("--rx86", default=os.path.join(REPO, "build", "rx86"),
                   help="rx86 binary (default: build/rx86)")
    p.add_argument("--qemu", default="qemu-system-x86_64", help="QEMU binary")
    p.add_argument("--kernel", default=os.path.join(REPO, "guests", "cache", "vmlinuz"))
    p.add_argument("--initrd", default=os.path.join(REPO, "guests", "cache",
                                                     "initramfs.cpio.gz"))
    p.add_argument("--jobs", default=",".join(j.name for j in JOBS),
                   help="comma-separated subset of the jobs (default all; boot is "
                        "always measured)")
    p.add_argument("--emulators", default="rx86-tcg,qemu-tcg",
                   help="comma-separated configurations (default %(default)s; also "
                        "rx86-interp = rx86 -accel tcg,backend=interp)")
    p.add_argument("--timeout", type=float, default=300,
                   help="seconds allowed for each job and data preparation (default 300)")
    p.add_argument("--boot-timeout", type=float, default=300,
                   help="seconds allowed from start to the first prompt (default 300)")
    p.add_argument("--json", metavar="FILE", help="save the raw results here")
    p.add_argument("--log-dir", metavar="DIR",
                   help="save each run's console transcript in DIR")
    args = p.parse_args(argv)
    args.configs = [c.strip() for c in args.emulators.split(",") if c.strip()]
    for c in args.configs:
        if c not in CONFIGS:
            p.error("unknown configuration %r (known: %s)" % (c, ", ".join(CONFIGS)))
    known = {j.name: j for j in JOBS}
    names = [n.strip() for n in args.jobs.split(",") if n.strip()]
    for n in names:
        if n not in known:
            p.error("unknown job %r (known: %s)" % (n, ", ".join(known)))
    args.job_list = [j for j in JOBS if j.name in names]
    if args.reps < 1:
        p.error("--reps must be at least 1")
    return args


def main(argv):
    sys.stdout.reconfigure(line_buffering=True)
    args = parse_args(argv)
    for f in (args.kernel, args.initrd):
        if not os.path.isfile(f):
            print("error: %s is missing (sh scripts/fetch-linux-guest.sh makes it)" % f)
            return 2
    busybox = initrd_file(args.initrd, "bin/busybox")
    if not busybox:
        print("error: %s has no bin/busybox (the guest of scripts/make_initramfs.py "
              "is needed)" % args.initrd)
        return 2
    exp = Expected(busybox)
    del busybox
    binaries = {"rx86": which(args.rx86), "qemu": which(args.qemu)}
    status = {}                 # config -> "n/a: ..." (never runs)
    for c in args.configs:
        emu = CONFIGS[c][0]
        if binaries[emu] is None:
            status[c] = "n/a: %s not found" % (args.rx86 if emu == "rx86" else args.qemu)

    load_start = load_average()
    print("host: %d CPUs, load average %s; rx86 %s; qemu %s" % (
        os.cpu_count(), load_start, binaries["rx86"], binaries["qemu"]), file=sys.stderr)
    runs = []
    skip = {c: set() for c in args.configs}     # jobs that failed: not run again
    boot_failed = set()
    for rnd in range(args.reps):
        n = len(args.configs)
        order = args.configs[rnd % n:] + args.configs[:rnd % n]
        for c in order:
            if c in status or c in boot_failed:
                continue
            emu, accel = CONFIGS[c]
            argv = command_line(binaries[emu], accel, args)
            build = binary_identity(binaries[emu])
            r = boot_and_run(c, argv, args.job_list, exp, args, skip[c])
            r["round"] = rnd + 1
            r["binary"] = build
            runs.append(r)
            if args.log_dir:
                os.makedirs(args.log_dir, exist_ok=True)
                with open(os.path.join(args.log_dir, "%s-round%d.log" % (c, rnd + 1)),
                          "w") as f:
                    f.write(r["transcript"])
            if r.get("unavailable"):
                status[c] = "n/a: " + r["unavailable"]
                continue
            parts = []
            for item, res in [("boot", r["boot"])] + list(r["jobs"].items()):
                if "seconds" in res and "failure" not in res:
                    parts.append("%s %.2f" % (item, res["seconds"]))
                else:
                    parts.append("%s FAILED" % item if "failure" in res else
                                 "%s not run" % item)
                    print(fmt_failure(item, c, rnd + 1, res), file=sys.stderr)
                    if "failure" in res and item != "boot":
                        skip[c].add(item)
            for name, res in r["prep"].items():
                if "failure" in res:
                    print(fmt_failure("prep " + name, c, rnd + 1, res), file=sys.stderr)
            if "seconds" not in r["boot"]:
                boot_failed.add(c)
            print("  round %d/%d %s: %s; RSS %s MiB; %s" % (
                rnd + 1, args.reps, c, ", ".join(parts),
                "%.1f" % (r["rss_kib"] / 1024.0) if r.get("rss_kib") else "?",
                r["poweroff"]), file=sys.stderr)
    load_end = load_average()

    failed = report(args, args.job_list, runs, status)
    print("host: %d CPUs, load average %s at the start, %s at the end" % (
        os.cpu_count(), load_start, load_end))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({
                "host": {"cpus": os.cpu_count(), "load_start": load_start,
                         "load_end": load_end, "machine": platform.platform()},
                "args": {k: v for k, v in vars(args).items() if k != "job_list"},
                "binaries": binaries,
                "expected": exp.as_dict(),
                "jobs": {j.name: {"about": j.about, "command": j.command,
                                  "verify": j.verify} for j in args.job_list},
                "runs": [{k: v for k, v in r.items() if k != "transcript"} for r in runs],
            }, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
