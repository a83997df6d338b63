"""What a 64 KiB stream costs Python before any harness: bare loops beside the C yardstick.

Run by hand: `python benchmarks/bare_loop.py [ROUNDS]` (needs gcc). For a pipe and a UNIX stream
socket, both processes on CPU 0 like `ipctui bench --cpus same`, it times, in turn with the C
program (same count, same sizes):

- bare: the parent sends one unchanged 64 KiB buffer COUNT times, the child receives each into
  one kept buffer and never looks at it (what the C program does);
- checked: the same, and the child compares every message with what was sent (one memcmp);
- ipctui: `measure()` itself, as `ipctui bench` runs it.

Each ratio is the median over the rounds of (Python MB/s / the C figure measured just before).
It separates what Python costs from what checking every byte costs.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ipctui.bench.runner import measure  # noqa: E402

SOURCE = ROOT / "benchmarks" / "reference" / "ipcbench_c.c"  # vendored: the repository stands alone
SIZE, COUNT = 65536, 4096
C_NAME = {"pipe": "pipe", "unix-stream": "uds"}


def bare(mechanism: str, checked: bool) -> float:
    """MB/s of a bare loop: COUNT messages one way, then a 1-byte acknowledgement."""
    if mechanism == "pipe":
        down, up = os.pipe(), os.pipe()
        rx, tx, back_rx, back_tx = down[0], down[1], up[0], up[1]
    else:
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        rx, tx, back_rx, back_tx = b.fileno(), a.fileno(), a.fileno(), b.fileno()
    message = bytes(range(256)) * (SIZE // 256)
    pid = os.fork()
    if pid == 0:
        os.sched_setaffinity(0, {0})
        buf, expected, bad = bytearray(SIZE), bytearray(message), 0
        view = memoryview(buf)
        for _ in range(COUNT):
            got = os.readv(rx, [buf])
            while got < SIZE:
                got += os.readv(rx, [view[got:]])
            if checked and buf != expected:
                bad += 1
        os.write(back_tx, b"k" if not bad else b"x")
        os._exit(0)
    os.sched_setaffinity(0, {0})
    t0 = time.perf_counter()
    for _ in range(COUNT):
        sent = os.write(tx, message)
        while sent < SIZE:
            sent += os.write(tx, message[sent:])
    ack = os.read(back_rx, 1)
    elapsed = time.perf_counter() - t0
    os.waitpid(pid, 0)
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    if ack != b"k":
        raise SystemExit("a message arrived changed")
    return COUNT * SIZE / elapsed / 1e6


def c_mb_per_s(binary: Path, mechanism: str) -> float:
    out = subprocess.run(
        [str(binary), C_NAME[mechanism], "thr", str(SIZE), str(COUNT)],
        capture_output=True,
        text=True,
        env={"IPCBENCH_PIN": "same", "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["MB_per_s"]


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as tmp:
        binary = Path(tmp) / "ipcbench_c"
        subprocess.run(["gcc", "-O2", "-o", str(binary), str(SOURCE), "-lrt", "-lpthread"], check=True)
        print(f"64 KiB one way, {COUNT} messages, both processes on CPU 0; ratio to C, median of {rounds}\n")
        print(f"{'':<12} {'bare':>6} {'checked':>8} {'ipctui':>7}")
        for mechanism in C_NAME:
            ratios: dict[str, list[float]] = {"bare": [], "checked": [], "ipctui": []}
            for _ in range(rounds):
                c = c_mb_per_s(binary, mechanism)
                ratios["bare"].append(bare(mechanism, checked=False) / c)
                ratios["checked"].append(bare(mechanism, checked=True) / c)
                ours = measure(mechanism, SIZE, "same")["throughput"]["MB_per_s"]
                ratios["ipctui"].append(ours / c)
            row = [statistics.median(v) for v in ratios.values()]
            print(f"{mechanism:<12} {row[0]:>5.2f}x {row[1]:>7.2f}x {row[2]:>6.2f}x")


if __name__ == "__main__":
    main()
