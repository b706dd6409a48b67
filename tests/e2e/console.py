#!/usr/bin/env python3
"""console.py — drive a program's console the way a person at a serial terminal would.

    with Console(["build/rx86", "-bios", "demo.bin", "-nographic"], timeout=30) as con:
        con.expect(r"login: ", timeout=10)
        con.send("root\\n")
        status = con.wait(5)

The program runs in its own process group with its stdout and stderr merged into one
pipe (or, with pty=True, on a pseudo-terminal).  A reader thread collects everything
it prints; expect() waits for a regular expression in what has arrived since the last
match.  A hard overall timeout, counted from the start, kills the whole process group
whatever the caller is doing, so no test can hang and no grandchild survives.  Every
failure raises ConsoleError carrying the transcript.

As a script it runs one scripted session (steps in command-line order) and exits 0 on
success, 1 on failure (transcript on stderr), 77 when --need-kvm is given and
/dev/kvm is not usable:

    console.py [--timeout S] [--need-kvm] (--expect RE | --send TEXT)...
               [--status N | --kill] -- COMMAND ARGS...

`--selftest` checks this module against a small Python echo loop.
Standard library only.
"""

import argparse
import os
import pty
import re
import signal
import subprocess
import sys
import threading
import time

SKIP = 77


class ConsoleError(Exception):
    """An expect/wait that failed; str() includes the transcript."""


class ExpectTimeout(ConsoleError):
    pass


class ExpectEOF(ConsoleError):
    pass


class Console:
    """A spawned command with expect/send on its console.  See the module doc."""

    def __init__(self, argv, timeout=30.0, pty_mode=False, cwd=None, env=None):
        self.argv = list(argv)
        self.timeout = timeout
        self._buf = bytearray()
        self._pos = 0                   # start of the not yet matched output
        self._eof = False
        self._cond = threading.Condition()
        self._killed_by_timeout = False
        self._start = time.monotonic()
        if pty_mode:
            master, slave = pty.openpty()
            self.proc = subprocess.Popen(self.argv, stdin=slave, stdout=slave, stderr=slave,
                                         cwd=cwd, env=env, start_new_session=True)
            os.close(slave)
            self._rfd = master
            self._wfd = master
        else:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         cwd=cwd, env=env, start_new_session=True)
            self._rfd = self.proc.stdout.fileno()
            self._wfd = self.proc.stdin.fileno()
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self._watchdog = threading.Timer(timeout, self._overall_timeout)
        self._watchdog.daemon = True
        self._watchdog.start()

    # -- plumbing ------------------------------------------------------------
    def _read_loop(self):
        while True:
            try:
                data = os.read(self._rfd, 65536)
            except OSError:             # EIO from a pty whose child has gone
                data = b""
            with self._cond:
                if not data:
                    self._eof = True
                    self._cond.notify_all()
                    return
                self._buf += data
                self._cond.notify_all()

    def _overall_timeout(self):
        self._killed_by_timeout = True
        self.kill()

    def kill(self):
        """SIGKILL the whole process group (harmless if it is already gone)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def _remaining(self, timeout):
        overall = self._start + self.timeout - time.monotonic()
        return overall if timeout is None else min(timeout, overall)

    # -- the API -------------------------------------------------------------
    def transcript(self):
        """Everything the program printed so far, as text."""
        with self._cond:
            return self._buf.decode("utf-8", "replace")

    def fail(self, cls, message):
        text = self.transcript()
        tail = text[-4000:]
        raise cls("%s\n  command: %s\n----- transcript (%d bytes%s) -----\n%s\n"
                  "----- end of transcript -----" % (
                      message, " ".join(self.argv), len(text),
                      ", last 4000" if len(text) > 4000 else "", tail))

    def expect(self, pattern, timeout=None):
        """Wait for `pattern` (a regex, re.M) in the output after the last match.

        Returns the match object and moves past it.  Raises ExpectTimeout when
        `timeout` seconds (or the overall timeout) pass first, ExpectEOF when the
        program closes its output first.
        """
        regex = re.compile(pattern.encode() if isinstance(pattern, str) else pattern, re.M)
        left = self._remaining(timeout)
        overall_bound = timeout is None or left < timeout
        deadline = time.monotonic() + left
        with self._cond:
            while True:
                match = regex.search(self._buf, self._pos)
                if match:
                    self._pos = match.end()
                    return match
                if self._eof:
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
        if self._killed_by_timeout or (overall_bound and not self._eof):
            self.fail(ExpectTimeout, "expect(%r): not seen within the overall %g s timeout"
                      " (process group killed)" % (pattern, self.timeout))
        if self._eof:
            self.fail(ExpectEOF, "expect(%r): the program ended its output first" % pattern)
        self.fail(ExpectTimeout, "expect(%r): not seen within %g s" % (pattern, timeout))

    def send(self, text):
        """Write text (str or bytes) to the program's input."""
        data = text.encode() if isinstance(text, str) else text
        try:
            os.write(self._wfd, data)
        except OSError as err:
            self.fail(ConsoleError, "send(%r): %s" % (text, err))

    def wait(self, timeout=None):
        """Wait for the program to exit; return its status (negative: signal).

        Raises ExpectTimeout (after killing the group) if it has not exited in time.
        """
        try:
            status = self.proc.wait(max(0.0, self._remaining(timeout)))
        except subprocess.TimeoutExpired:
            self.kill()
            self.proc.wait()
            self.fail(ExpectTimeout, "wait(): the program did not exit in time")
        if self._killed_by_timeout:
            self.fail(ExpectTimeout, "wait(): killed by the overall %.0f s timeout" % self.timeout)
        self._reader.join(2)
        return status

    def close(self):
        """Kill the process group and release everything."""
        self._watchdog.cancel()
        self.kill()
        self.proc.wait()
        self._reader.join(2)
        for f in (self.proc.stdin, self.proc.stdout):
            if f:
                f.close()
        if self._rfd is not None and self.proc.stdout is None:
            os.close(self._rfd)
            self._rfd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


# ---------------------------------------------------------------- self-test
ECHO_CHILD = r"""
import os, sys, subprocess, time
sys.stdout.write("echo loop ready\n"); sys.stdout.flush()
for line in sys.stdin:
    line = line.rstrip("\n")
    if line == "quit":
        print("bye"); sys.stdout.flush(); sys.exit(7)
    if line == "spawn":
        # a grandchild in the same process group, to check the group kill
        g = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        print("grandchild %d" % g.pid); sys.stdout.flush()
        continue
    if line == "hang":
        time.sleep(60)
    print("echo: " + line); sys.stdout.flush()
"""


def _process_gone(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            return any(l.startswith("State:") and "Z" in l for l in f)
    except FileNotFoundError:
        return True


def selftest():
    """Check expect/send/timeout/EOF/group-kill against ECHO_CHILD.  Returns 0/1."""
    child = [sys.executable, "-u", "-c", ECHO_CHILD]
    checks = []

    def check(name, ok, detail=""):
        checks.append(ok)
        print("%s: %s%s" % ("ok  " if ok else "FAIL", name, (" — " + detail) if detail else ""))

    for pty_mode in (False, True):
        mode = "pty" if pty_mode else "pipe"
        with Console(child, timeout=20, pty_mode=pty_mode) as con:
            m = con.expect(r"echo loop (\w+)", timeout=10)
            check("%s: expect sees the banner, groups work" % mode, m.group(1) == b"ready")
            con.send("hello world\n")
            con.expect(r"^echo: hello world\r?$", timeout=5)
            check("%s: send, then expect the echo" % mode, True)
            start = time.monotonic()
            try:
                con.expect(r"never printed", timeout=0.5)
                check("%s: expect of absent text fails" % mode, False, "it matched")
            except ExpectTimeout as err:
                took = time.monotonic() - start
                check("%s: expect of absent text times out" % mode, 0.4 < took < 3,
                      "after %.2f s" % took)
                check("%s: the error carries the transcript" % mode, "echo: hello world" in str(err))
            try:
                con.expect(r"echo: hello world", timeout=0.3)
                check("%s: a consumed match is not matched again" % mode, False)
            except ExpectTimeout:
                check("%s: a consumed match is not matched again" % mode, True)
            con.send("quit\n")
            con.expect(r"bye", timeout=5)
            status = con.wait(5)
            check("%s: wait returns the exit status" % mode, status == 7, "got %s" % status)
            try:
                con.expect(r"anything", timeout=5)
                check("%s: expect after exit fails" % mode, False)
            except ExpectEOF:
                check("%s: expect after exit fails with EOF" % mode, True)

    # The overall timeout kills the whole process group, grandchildren included.
    start = time.monotonic()
    con = Console(child, timeout=1.5)
    con.expect(r"ready", timeout=5)
    con.send("spawn\n")
    grandchild = int(con.expect(r"grandchild (\d+)", timeout=5).group(1))
    con.send("hang\n")
    try:
        con.expect(r"echo: hang", timeout=30)
        check("overall timeout stops a hung expect", False)
    except ExpectTimeout as err:
        took = time.monotonic() - start
        check("overall timeout stops a hung expect", took < 5, "after %.2f s" % took)
        check("the timeout message names the overall timeout", "overall" in str(err))
    con.close()
    time.sleep(0.2)
    check("the grandchild died with its group", _process_gone(grandchild))

    # The command-line mode fails when an expected line does not come.
    me = [sys.executable, os.path.abspath(__file__)]
    bad = subprocess.run(me + ["--timeout", "5", "--expect", "ready", "--send", "x\n",
                               "--expect", "no such line", "--step-timeout", "0.5", "--kill",
                               "--"] + child, capture_output=True, text=True)
    check("script mode fails on a missing line", bad.returncode == 1 and "no such line"
          in bad.stderr, "status %d" % bad.returncode)
    good = subprocess.run(me + ["--timeout", "5", "--expect", "ready", "--send", "abc\n",
                                "--expect", "echo: abc", "--send", "quit\n", "--status", "7",
                                "--"] + child, capture_output=True, text=True)
    check("script mode passes a good session", good.returncode == 0, good.stderr[-500:])
    wrong = subprocess.run(me + ["--timeout", "5", "--send", "quit\n", "--status", "0",
                                 "--"] + child, capture_output=True, text=True)
    check("script mode fails on a wrong exit status", wrong.returncode == 1,
          "status %d" % wrong.returncode)

    print("selftest: %d checks, %d failed" % (len(checks), checks.count(False)))
    return 0 if all(checks) else 1


# ------------------------------------------------------------ command line
class _Step(argparse.Action):
    def __call__(self, parser, ns, value, option_string=None):
        ns.steps.append((self.dest, value))


def decode_escapes(text):
    """The escapes --send understands: \\n, \\r, \\xHH (e.g. \\x01 for Ctrl-A)."""
    return re.sub(r"\\(n|r|x[0-9a-fA-F]{2})",
                  lambda m: {"n": "\n", "r": "\r"}.get(m.group(1)) or chr(int(m.group(1)[1:], 16)),
                  text)


def kvm_problem():
    try:
        os.close(os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC))
        return None
    except OSError as err:
        return err.strerror


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.set_defaults(steps=[])
    p.add_argument("--selftest", action="store_true", help="test this module and exit")
    p.add_argument("--timeout", type=float, default=30, help="overall hard timeout (s)")
    p.add_argument("--step-timeout", type=float, default=None,
                   help="timeout of each --expect (default: up to the overall one)")
    p.add_argument("--need-kvm", action="store_true",
                   help="exit 77 (skip) unless /dev/kvm opens read-write")
    p.add_argument("--expect", dest="expect", action=_Step, help="wait for this regex")
    p.add_argument("--send", dest="send", action=_Step,
                   help="type this text (\\n, \\r and \\xHH are decoded)")
    end = p.add_mutually_exclusive_group()
    end.add_argument("--status", type=int, help="then the command must exit with this status")
    end.add_argument("--kill", action="store_true", help="then kill it (it never exits)")
    p.add_argument("command", nargs="*", help="after --: the command to run")
    args = p.parse_args(argv)

    if args.selftest:
        return selftest()
    if not args.command:
        p.error("no command given (put it after --)")
    if args.need_kvm:
        why = kvm_problem()
        if why:
            print("SKIP: needs a usable /dev/kvm (%s)" % why)
            return SKIP
    try:
        with Console(args.command, timeout=args.timeout) as con:
            for kind, value in args.steps:
                if kind == "expect":
                    con.expect(value, args.step_timeout)
                else:
                    con.send(decode_escapes(value))
            if args.status is not None:
                status = con.wait()
                if status != args.status:
                    con.fail(ConsoleError, "exit status %s, expected %s" % (status, args.status))
            transcript = con.transcript()
    except ConsoleError as err:
        print("FAIL: %s" % err, file=sys.stderr)
        return 1
    except OSError as err:
        print("FAIL: cannot run %s: %s" % (args.command[0], err), file=sys.stderr)
        return 1
    sys.stdout.write(transcript)
    print("\nPASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
