#!/usr/bin/env python3
"""Command-line behaviour of rx86: help, version, guidance, and one-line errors.

    test_cli.py --rx86 build/rx86 CASE...     run these cases (all when none given)
    test_cli.py --list                        print the case names (CMake reads this)

Every error case checks the contract of rx86's option handling: exit status 1 and
exactly one line on stderr, starting with "rx86: " and naming the offending thing
(option, value, file, device).  rx86 must reject these before starting any guest; a
run is killed after 10 s regardless.  Standard library only.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

# Options --help must mention (DESIGN.md "Command line").
HELP_OPTIONS = ["-m", "-smp", "-cpu", "-machine", "-accel", "-bios", "-kernel", "-initrd",
                "-append", "-drive", "-hda", "-cdrom", "-boot", "-serial", "-nographic",
                "-display", "-debugcon", "-chardev", "-device", "-netdev", "-gdb", "-s",
                "-S", "-monitor", "-d", "-D", "-no-reboot", "-snapshot", "-nodefaults",
                "--version"]

RUN_TIMEOUT = 10


class Failure(Exception):
    pass


def run(rx86, args, timeout=RUN_TIMEOUT):
    """Run rx86 with args; return (status, stdout, stderr) as text."""
    try:
        p = subprocess.run([rx86] + args, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout, start_new_session=True)
    except subprocess.TimeoutExpired:
        raise Failure("rx86 %s: still running after %d s" % (" ".join(args), timeout))
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def show(args, status, out, err):
    return "\n  command: rx86 %s\n  status: %s\n  stdout: %r\n  stderr: %r" % (
        " ".join(args), status, out[:1500], err[:1500])


def mentions(text, option):
    """True if `option` appears as a whole option word (-m is not -machine)."""
    return re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(option), text) is not None


def expect_error(rx86, args, *needles):
    """The error contract: status 1, exactly one stderr line "rx86: ..." with needles."""
    status, out, err = run(rx86, args)
    lines = err.splitlines()
    if status != 1:
        raise Failure("expected exit status 1" + show(args, status, out, err))
    if len(lines) != 1:
        raise Failure("expected exactly one line on stderr, got %d" % len(lines)
                      + show(args, status, out, err))
    if not lines[0].startswith("rx86: "):
        raise Failure("the stderr line must start with 'rx86: '" + show(args, status, out, err))
    for needle in needles:
        if needle not in lines[0]:
            raise Failure("the message must contain %r" % needle + show(args, status, out, err))


# ---------------------------------------------------------------------- cases
CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def check_help(rx86, flag):
    status, out, err = run(rx86, [flag])
    if status != 0:
        raise Failure("%s must exit 0" % flag + show([flag], status, out, err))
    missing = [opt for opt in HELP_OPTIONS if not mentions(out, opt)]
    if missing:
        raise Failure("%s output (stdout) does not mention: %s" % (flag, " ".join(missing))
                      + show([flag], status, out, err))


@case
def help_lists_every_option(rx86):
    check_help(rx86, "--help")


@case
def short_help_lists_every_option(rx86):
    check_help(rx86, "-h")


@case
def version_prints_name_and_version(rx86):
    status, out, err = run(rx86, ["--version"])
    if status != 0 or not re.match(r"rx86 [0-9][^\s]*", out):
        raise Failure("--version must exit 0 and print 'rx86 <version>' on stdout"
                      + show(["--version"], status, out, err))


@case
def no_arguments_explains_make_run(rx86):
    status, out, err = run(rx86, [])
    if status not in (0, 1):
        raise Failure("no arguments: exit status must be 0 or 1" + show([], status, out, err))
    if "make run" not in out + err:
        raise Failure("no arguments: the guidance must mention 'make run'"
                      + show([], status, out, err))


@case
def unknown_option_fails(rx86):
    expect_error(rx86, ["-frobnicate"], "-frobnicate")


@case
def missing_option_argument_fails(rx86):
    expect_error(rx86, ["-m"], "-m")


@case
def bad_memory_size_fails(rx86):
    expect_error(rx86, ["-m", "lots"], "lots")


@case
def missing_bios_file_fails(rx86):
    path = "/nonexistent-rx86-test/no-such-bios.bin"
    expect_error(rx86, ["-bios", path], path)


@case
def missing_kernel_file_fails(rx86):
    path = "/nonexistent-rx86-test/no-such-kernel.elf"
    expect_error(rx86, ["-kernel", path], path)


@case
def bios_size_not_64k_multiple_fails(rx86):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "odd-size-bios.bin")
        with open(path, "wb") as f:
            f.write(b"\xf4" * (65536 + 512))
        expect_error(rx86, ["-bios", path], path)


@case
def unknown_device_fails(rx86):
    expect_error(rx86, ["-device", "nosuch"], "nosuch")


@case
def unknown_serial_backend_fails(rx86):
    expect_error(rx86, ["-serial", "bogusbackend"], "bogusbackend")


@case
def unsupported_machine_fails(rx86):
    expect_error(rx86, ["-machine", "q35"], "q35")


@case
def cdrom_not_supported_yet(rx86):
    expect_error(rx86, ["-cdrom", "x.iso"], "not supported yet", "-cdrom")


@case
def netdev_not_supported_yet(rx86):
    expect_error(rx86, ["-netdev", "user,id=n"], "not supported yet", "-netdev")


@case
def gdb_not_supported_yet(rx86):
    expect_error(rx86, ["-gdb", "tcp::1234"], "not supported yet", "-gdb")


@case
def snapshot_not_supported_yet(rx86):
    expect_error(rx86, ["-snapshot"], "not supported yet", "-snapshot")


def demo_image(rx86):
    """The bundled demo guest next to the rx86 binary (build/guests/demo.bin)."""
    path = os.path.join(os.path.dirname(os.path.abspath(rx86)), "guests", "demo.bin")
    if not os.path.exists(path):
        raise Failure("the demo guest %s is missing: build everything first" % path)
    return path


@case
def log_items_show_every_stage(rx86):
    """-d in_asm,op,op_opt,out_asm,exec,cpu -D FILE writes each stage of the pipeline."""
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "tcg.log")
        args = ["-bios", demo_image(rx86), "-display", "none", "-serial", "none",
                "-d", "in_asm,op,op_opt,out_asm,exec,cpu", "-D", log]
        status, out, err = run(rx86, args, timeout=60)
        if status != 0:
            raise Failure("expected exit status 0" + show(args, status, out, err))
        with open(log, encoding="utf-8", errors="replace") as f:
            text = f.read()
    # QEMU's section headers, the IR's instruction markers, a register dump,
    # and the block trace.
    for needle in ["IN: \n", "OP:\n", "OP after optimization and liveness analysis:\n",
                   "OUT: [size=", " ---- 0x", "EAX=", "EFL=", "Trace 0: "]:
        if needle not in text:
            raise Failure("the log lacks %r" % needle + show(args, status, out, err))


@case
def log_unknown_item_fails(rx86):
    expect_error(rx86, ["-d", "in_asm,frob"], "frob")


@case
def cpu_help_lists_models_and_features(rx86):
    status, out, err = run(rx86, ["-cpu", "help"])
    if status != 0 or "qemu64" not in out or "sse4.1" not in out:
        raise Failure("-cpu help must exit 0 and list the models and features"
                      + show(["-cpu", "help"], status, out, err))


@case
def unknown_cpu_model_fails(rx86):
    expect_error(rx86, ["-cpu", "pentium9"], "pentium9")


@case
def unimplemented_cpu_feature_warns(rx86):
    """A feature rx86 does not run is dropped with a warning; the guest runs."""
    args = ["-cpu", "max,+avx2", "-bios", demo_image(rx86), "-display", "none", "-serial", "none"]
    status, out, err = run(rx86, args, timeout=60)
    if status != 0 or "avx2" not in err:
        raise Failure("-cpu max,+avx2 must warn about avx2 and run" + show(args, status, out, err))


@case
def icount_is_the_same_under_both_backends(rx86):
    """-d icount counts guest instructions; the JIT and the interpreter agree."""
    counts = []
    for accel in ["tcg", "tcg,backend=interp"]:
        args = ["-accel", accel, "-bios", demo_image(rx86), "-display", "none", "-serial",
                "none", "-d", "icount"]
        status, out, err = run(rx86, args, timeout=60)
        m = re.search(r"rx86: guest instructions executed: (\d+)", err)
        if status != 0 or not m:
            raise Failure("expected status 0 and a count" + show(args, status, out, err))
        counts.append(int(m.group(1)))
    if counts[0] != counts[1] or counts[0] < 1000:
        raise Failure("instruction counts differ or are implausible: %r" % counts)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rx86", help="the rx86 binary")
    p.add_argument("--list", action="store_true", help="print the case names")
    p.add_argument("cases", nargs="*", help="case names (default: all)")
    args = p.parse_args(argv)
    if args.list:
        print("\n".join(CASES))
        return 0
    if not args.rx86:
        p.error("--rx86 is required")
    if not (os.path.isfile(args.rx86) and os.access(args.rx86, os.X_OK)):
        print("FAIL: rx86 binary not found or not executable: %s" % args.rx86)
        return 1
    names = args.cases or list(CASES)
    failed = 0
    for name in names:
        if name not in CASES:
            print("FAIL %s: no such case" % name)
            failed += 1
            continue
        try:
            CASES[name](args.rx86)
            print("ok   %s" % name)
        except Failure as err:
            print("FAIL %s: %s" % (name, err))
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
