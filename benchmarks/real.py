"""Real-kernel figures for the README. Run by hand (as root for uid= lines):
`python benchmarks/real.py`.

- a 20-line script (pipes, a fork, a FIFO, a queue, shared memory, a socket pair; two lines
  that block) run for real, end to end through `ipctui run --real`, median of 10;
- the same in-process, split into the cost of the lines and of the two blocked waits;
- 100 runs in a row: time, and that nothing is left behind;
- the sandbox's own cost: making the namespaces and the run's init, and taking them down,
  beside an unsandboxed run's guard (median of 20 each).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ipctui.check.run import run_real
from ipctui.engine import SYSCALLS
from ipctui.real.kernel import BLOCK_TIMEOUT, RealKernel
from ipctui.real.places import SHM_DIR
from ipctui.script import Assertion, parse

SCRIPT = """spawn parent
parent: pipe() = [3, 4]
parent: fork("child") = 2
child: close(4) = 0
parent: close(3) = 0
child: read(3, 100) <unfinished ...>
parent: write(4, "hello") = 5
child: <... read resumed> = "hello"
parent: mkfifo("/tmp/f") = 0
parent: mq_open("/q", O_CREAT|O_RDWR) = 3
parent: mq_send(3, "job", 1) = 0
child: mq_open("/q", O_RDONLY) = 4
child: mq_receive(4) = ["job", 1]
parent: shm_open("/m", O_CREAT|O_RDWR) = 5
parent: ftruncate(5, 64) = 0
parent: mmap(5) = 0
parent: poke("/m", 0, "shared") = 6
child: socketpair(AF_UNIX, SOCK_STREAM) = [5, 6]
child: send(6, "ping") = 4
child: recv(5, 10) = "ping"
child: close(6) = 0
"""


def main() -> None:
    statements = parse(SCRIPT).statements
    calls = [s for s in statements if not isinstance(s, Assertion)]
    assert len(calls) == 20, len(calls)
    with tempfile.NamedTemporaryFile("w", suffix=".ipc", delete=False) as f:
        f.write(SCRIPT)
    times = []
    for _ in range(10):
        t = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "ipctui", "run", "--real", f.name], capture_output=True)
        times.append(time.perf_counter() - t)
        assert run.returncode == 0, run.stderr
    Path(f.name).unlink()
    print(
        f"20-line script, `ipctui run --real`, end to end: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}); one line blocks ({BLOCK_TIMEOUT} s wait)"
    )
    t = time.perf_counter()
    tokens = [run_real(statements, lambda line: None).places.token for _ in range(100)]
    per = (time.perf_counter() - t) / 100
    wait = BLOCK_TIMEOUT * 1000
    print(f"100 runs in-process: {per * 1000:.0f} ms a run ({per * 1000 - wait:.0f} ms without the wait)")
    mine = "|".join(tokens)  # only these runs' names: other runs may be going on the machine
    ours = re.compile(rf"(sem\.)?ipctui-({mine})-.*|ipw({mine})")
    comms = [c.read_text().strip() for c in Path("/proc").glob("[0-9]*/comm") if c.exists()]
    names = [p.name for p in [*SHM_DIR.iterdir(), *Path("/tmp").iterdir()]]
    left = [n for n in comms + names if ours.fullmatch(n)]
    print(f"left behind after them: {len(left)} processes, objects or folders")
    for sandboxed in (True, False):
        starts, ends = [], []
        for _ in range(20):
            t = time.perf_counter()
            kernel = RealKernel(SYSCALLS, sandboxed=sandboxed)
            kernel.spawn("A")
            t2 = time.perf_counter()
            kernel.close()
            starts.append(t2 - t)
            ends.append(time.perf_counter() - t2)
        what = "sandboxed  " if sandboxed else "unsandboxed"
        print(
            f"{what}: start with one worker {statistics.median(starts) * 1000:.1f} ms, "
            f"teardown {statistics.median(ends) * 1000:.1f} ms (median of 20)"
        )


if __name__ == "__main__":
    main()
