"""`ipctui bench` beside the C yardstick, same machine, same run, both processes on one CPU.
Run by hand: `python benchmarks/versus_c.py [ROUNDS]` (needs gcc; builds
benchmarks/reference/ipcbench_c.c into a temporary folder; IPCBENCH_C=PATH names another).

The C program runs with IPCBENCH_CHECK=1, so that it compares every message it receives with
what was sent, as `ipctui bench` does: like with like. The two are run in turn, ROUNDS times
(default 5), so a busy moment of the machine falls on both; each ratio is the median of the
rounds' ratios. Latency compares ipctui's p50 with C's mean round trip (the C program reports
only the mean, which is at least its p50, so the ratio is if anything in C's favour);
throughput compares MB/s at 64 KiB.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# vendored in the repository so it stands alone; IPCBENCH_C names another copy (a newer one, say)
SOURCE = Path(os.environ.get("IPCBENCH_C", ROOT / "benchmarks" / "reference" / "ipcbench_c.c"))
LATENCY = {
    "pipe": "pipe",
    "fifo": "fifo",
    "unix-stream": "uds",
    "tcp": "tcp",
    "udp": "udp",
    "posix-mq": "pmq",
}
THROUGHPUT = {"pipe": "pipe", "unix-stream": "uds", "tcp": "tcp"}
TARGET_LAT, TARGET_THR = 1.5, 0.8
IPCTUI = [sys.executable, "-m", "ipctui"]


def c_run(binary: Path, mech: str, mode: str, size: int, count: int) -> dict:
    out = subprocess.run(
        [str(binary), mech, mode, str(size), str(count)],
        capture_output=True,
        text=True,
        env={"IPCBENCH_PIN": "same", "IPCBENCH_CHECK": "1", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def ours() -> dict[tuple[str, int], dict]:
    mechs = ",".join(sorted(set(LATENCY) | set(THROUGHPUT)))
    out = subprocess.run(
        [*IPCTUI, "bench", "--mechanisms", mechs, "--sizes", "64,64k", "--cpus", "same", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    return {(r["mechanism"], r["size"]): r for r in json.loads(out.stdout)["results"]}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        binary = Path(tmp) / "ipcbench_c"
        subprocess.run(["gcc", "-O2", "-o", str(binary), str(SOURCE), "-lrt", "-lpthread"], check=True)
        lat: dict[str, list[tuple[float, float]]] = {m: [] for m in LATENCY}
        thr: dict[str, list[tuple[float, float]]] = {m: [] for m in THROUGHPUT}
        for _ in range(rounds):
            mine = ours()
            for m, cm in LATENCY.items():
                c = c_run(binary, cm, "lat", 64, 20000)["rtt_us"]
                lat[m].append((mine[(m, 64)]["rtt_us"]["p50"], c))
            for m, cm in THROUGHPUT.items():
                c = c_run(binary, cm, "thr", 65536, 4000)["MB_per_s"]
                thr[m].append((mine[(m, 65536)]["throughput"]["MB_per_s"], c))
    print(
        f"{rounds} rounds, both processes on one CPU, both checking every message;"
        " ratio = median over rounds\n"
    )
    head = f"{'64 B round trip':<16} {'ipctui p50 µs':>14} {'C mean µs':>10} {'ratio':>7}"
    print(f"{head}  target ≤ {TARGET_LAT}x")
    for m, pairs in lat.items():
        ratio = statistics.median(a / b for a, b in pairs)
        ok = "met" if ratio <= TARGET_LAT else "NOT MET"
        a, b = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
        print(f"{m:<16} {a:>14.2f} {b:>10.2f} {ratio:>6.2f}x  {ok}")
    print(f"\n{'64 KiB stream':<16} {'ipctui MB/s':>14} {'C MB/s':>10} {'ratio':>7}  target ≥ {TARGET_THR}x")
    for m, pairs in thr.items():
        ratio = statistics.median(a / b for a, b in pairs)
        ok = "met" if ratio >= TARGET_THR else "NOT MET"
        a, b = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
        print(f"{m:<16} {a:>14.0f} {b:>10.0f} {ratio:>6.2f}x  {ok}")


if __name__ == "__main__":
    main()
