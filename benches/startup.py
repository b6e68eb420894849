#!/usr/bin/env python3
"""Startup time and peak memory of the release binary, measured from outside.

    cargo build --release && python3 benches/startup.py [--runs N] [--bin PATH]

TUI: the binary runs on a fresh pseudo-terminal of 120x40 (TERM=xterm-256color,
a UTF-8 locale). The clock starts just before fork and stops when the first
frame has arrived whole on the terminal, i.e. when the bytes read from the
pty contain the end of the first synchronized update (ESC [ ? 2026 l). The
peak RSS is the child's VmHWM in /proc/PID/status, read just before `q` is
sent. A few more runs first work as a busy session would (a whole epoch of
space, `t` to train 1000 epochs and wait for it, `c` for the next theme),
then read VmHWM.

export: `chainstep export --format json` (and with --epochs 1000), stdout to
a pipe that is read to the end; time from just before fork to exit. For its
peak RSS, separate runs shrink the pipe to one page and read VmHWM while
export is blocked writing its (fully built) text.

Peak RSS is not taken from wait4's rusage: ru_maxrss counts the pages the
forked child shared with this Python process before it exec'd, some 10 MiB.

Prints the median, min and max of each over N runs. Measures, asserts nothing.
"""

import argparse
import os
import pty
import select
import statistics
import struct
import termios
import fcntl
import time

END_SYNC = b"\x1b[?2026l"


def child_env():
    env = dict(os.environ)
    env.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.pop("NO_COLOR", None)
    return env


def read_until(fd, marker, timeout, count=1):
    """Reads from fd until `marker` was seen `count` times; returns the bytes."""
    data = b""
    deadline = time.monotonic() + timeout
    while data.count(marker) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no {marker!r} within {timeout}s; got {len(data)} bytes")
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    return data


def drain(fd):
    """Reads whatever the child writes until it closes the terminal."""
    while True:
        r, _, _ = select.select([fd], [], [], 5)
        if not r:
            return
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def vm_hwm(pid):
    """The process's peak RSS in KiB, from /proc."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def tui(binary):
    """(seconds to the first whole frame, peak RSS in KiB)."""
    env = child_env()
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.execve(binary, [binary], env)
    try:
        read_until(fd, END_SYNC, 10)
        first = time.perf_counter() - t0
        peak = vm_hwm(pid)
        os.write(fd, b"q")
        drain(fd)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    if status != 0:
        raise RuntimeError(f"the TUI exited with status {status}")
    return first, peak


def tui_busy(binary):
    env = child_env()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.execve(binary, [binary], env)
    try:
        read_until(fd, END_SYNC, 10)
        for _ in range(16):
            os.write(fd, b" ")
            read_until(fd, END_SYNC, 10)
        os.write(fd, b"t")
        data = b""
        deadline = time.monotonic() + 60
        while b"trained 1000 epochs" not in data and time.monotonic() < deadline:
            data = data[-200:] + read_until(fd, END_SYNC, 60)
        os.write(fd, b"c")
        read_until(fd, END_SYNC, 10)
        peak = vm_hwm(pid)
        os.write(fd, b"q")
        drain(fd)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    if status != 0:
        raise RuntimeError(f"the TUI exited with status {status}")
    return peak


def export(binary, args, measure_rss=False):
    """(seconds from launch to exit, bytes written), or with measure_rss,
    (peak RSS in KiB, bytes written)."""
    r, w = os.pipe()
    if measure_rss:
        fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, 4096)
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(w, 1)
        os.close(r)
        os.close(w)
        os.execve(binary, [binary, "export", *args], child_env())
    os.close(w)
    peak = None
    if measure_rss:
        # The first page arrives once the text is built; then the child
        # blocks on the full pipe, its peak behind it.
        select.select([r], [], [], 60)
        time.sleep(0.05)
        peak = vm_hwm(pid)
    n = 0
    while chunk := os.read(r, 1 << 16):
        n += len(chunk)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - t0
    os.close(r)
    if status != 0:
        raise RuntimeError(f"export exited with status {status}")
    return (peak if measure_rss else elapsed), n


def summary(name, values, unit, scale):
    v = [x * scale for x in values]
    print(f"  {name:<34} median {statistics.median(v):8.2f} {unit}   min {min(v):8.2f}   max {max(v):8.2f}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--bin", default=os.path.join(here, "..", "target", "release", "chainstep"))
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    runs = a.runs

    firsts, rss = zip(*(tui(binary) for _ in range(runs)))
    print(f"TUI, notebook preset, 120x40 pty, {runs} runs")
    summary("launch to first whole frame", firsts, "ms", 1e3)
    summary("peak RSS at the first frame", rss, "MiB", 1 / 1024)
    busy = [tui_busy(binary) for _ in range(max(1, runs // 5))]
    summary("peak RSS, epoch + train 1000 + c", busy, "MiB", 1 / 1024)

    for args in (["--format", "json"], ["--format", "json", "--epochs", "1000"]):
        t, n = zip(*(export(binary, args) for _ in range(runs)))
        m, _ = zip(*(export(binary, args, measure_rss=True) for _ in range(max(1, runs // 5))))
        print(f"export {' '.join(args)} ({n[0]} bytes), {runs} runs")
        summary("launch to exit", t, "ms", 1e3)
        summary("peak RSS", m, "MiB", 1 / 1024)


if __name__ == "__main__":
    main()
