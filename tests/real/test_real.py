"""`ipctui run --real` and `ipctui diff`: the same scripts on this machine's kernel.

These run real processes, so they need Linux with /dev/shm; a uid other than the caller's
(fifo.ipc's stranger) needs root, as CI runs.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ipctui.check.run import run_real
from ipctui.engine import SYSCALLS
from ipctui.real.kernel import RealKernel
from ipctui.real.libc import libc
from ipctui.real.places import SHM_DIR, Places, inet, make_places, workers
from ipctui.script import parse
from ipctui.script.runner import Runner

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.ipc"))
ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="uid= needs root (CI runs as root)")


def ipctui(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipctui", *args], capture_output=True, text=True, timeout=timeout
    )


def expected_trace(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


@needs_root
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_holds_on_the_real_kernel_and_the_diff_is_empty(example: Path):
    run = ipctui("run", "--real", str(example))
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == expected_trace(example)
    assert "Traceback" not in run.stderr
    d = ipctui("diff", "--format", "json", str(example))
    assert d.returncode == 0, d.stdout
    doc = json.loads(d.stdout)
    assert doc["agree"] and doc["differences"] == []
    assert doc["real"]["trace"] == doc["simulated"]["trace"] == expected_trace(example)


def test_a_wrong_expectation_fails_the_real_run(tmp_path: Path):
    script = tmp_path / "wrong.ipc"
    script.write_text('spawn A\nA: pipe() = [3, 4]\nA: write(4, "abc") = 2\n')
    run = ipctui("run", "--real", str(script))
    assert run.returncode == 1
    assert run.stderr.strip() == f"{script}:3: expected 2, got 3"
    assert run.stdout.splitlines() == ["spawn A", "A: pipe() = [3, 4]", 'A: write(4, "abc") = 3']


def test_a_departure_is_caught_and_named(tmp_path: Path):
    # The simulation gives a socket 65536 bytes to receive into; Linux's loopback takes more.
    big = "x" * 70000
    script = tmp_path / "big.ipc"
    script.write_text(f'spawn A\nA: socketpair(AF_UNIX, SOCK_STREAM)\nA: send(3, "{big}")\nA: getpid()\n')
    d = ipctui("diff", "--format", "json", str(script))
    assert d.returncode == 1
    doc = json.loads(d.stdout)
    assert not doc["agree"]
    assert any("buffer sizes" in (x["reason"] or "") for x in doc["differences"])
    text = ipctui("diff", str(script))
    assert "≠" in text.stdout and "buffer sizes" in text.stdout


def test_a_script_error_is_reported_with_its_line(tmp_path: Path):
    script = tmp_path / "bad.ipc"
    script.write_text("spawn A\nA: pipe()\nA: read(3, 10)\nA: getpid()\n")
    run = ipctui("run", "--real", "--block-timeout", "0.1", str(script))
    assert run.returncode == 2
    assert (
        run.stderr.strip()
        == f"{script}:4: error: A is blocked in read(): it can make no call until it resumes"
    )
    assert run.stdout.splitlines()[-1] == "A: read(3, 10) <unfinished ...>"


def test_a_line_this_machine_cannot_run_is_said_so_not_faked(tmp_path: Path):
    script = tmp_path / "big_pages.ipc"
    script.write_text("spawn A\nA: pipe(page_size=8192)\nA: getpid() = 1\n")
    run = ipctui("run", "--real", str(script))
    assert run.returncode == 0
    lines = run.stdout.splitlines()
    reason = "a pipe of 8192-byte pages (this machine's page is 4096 bytes)"
    assert lines[1] == f"# cannot run here: A: pipe(page_size=8192) -- {reason}"
    assert "1 line(s) could not run on this machine" in run.stderr


def test_without_root_another_uid_cannot_run(monkeypatch: pytest.MonkeyPatch):
    tcp = """B: socket(AF_INET, SOCK_STREAM) = 3
B: bind(3, "127.0.0.1:8080") = 0
B: listen(3, 1) = 0
B: socket(AF_INET, SOCK_STREAM) = 4
B: connect(4, "127.0.0.1:8080") = 0
B: accept(3) = 5
"""
    statements = parse("spawn A uid=1001\nA: getpid()\nspawn B\nB: getpid() = 2\n" + tcp).statements
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    lines: list[str] = []
    kernel = run_real(statements, lines.append, sandboxed=False)  # the unsandboxed mapping
    assert lines[0] == "# cannot run here: spawn A uid=1001 -- spawn A uid=1001 needs root (setuid)"
    assert lines[1] == "# cannot run here: A: getpid() -- spawn A uid=1001 needs root (setuid)"
    assert lines[2:] == ["spawn B", "B: getpid() = 2", *tcp.splitlines()]
    assert kernel.skipped == 2
    assert not kernel.places.netns and "fixed ports moved up by" in kernel.note  # no namespace


def test_json_lines_on_the_real_kernel(examples: Path):
    run = ipctui("run", "--real", "--format", "json", str(examples / "pipe_epipe.ipc"))
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["kind"] for r in records[:6]] == ["spawn", "call", "call", "call", "signal", "exit"]
    assert records[3]["errno"] == "EPIPE" and records[5]["signal"] == "SIGPIPE"


# ------------------------------------------------------------------ names and numbers


def test_places_keep_names_private_and_checkable():
    p = Places(token="0123abcd")
    assert p.ipc_name("/jobs") == b"/ipctui-0123abcd-jobs"
    assert p.ipc_name("seg") == b"ipctui-0123abcd-seg"  # shm_open and sem_open take it without /
    assert p.ipc_name("/a/b").count(b"/") == 2  # a further / is still there for the kernel to refuse
    p.tmpdir = Path("/tmp/ipctui-0123abcd-x")
    assert p.unpath(p.path("/tmp/my fifo")) == "/tmp/my fifo"
    assert p.key(0) == 0 and p.key(42) != 42 and p.key(42) != p.key(43)
    assert inet("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert inet("/tmp/sock") is None and inet("1.2.3.4:70000") is None


def test_pids_ids_and_ports_are_numbered_as_the_simulation_numbers_them():
    script = """spawn A
A: fork("B") = 2
A: getpid() = 1
B: getpid() = 2
A: msgget(0, IPC_CREAT, mode=0600) = 0
A: msgget(0, IPC_CREAT, mode=0600) = 1
A: socket(AF_INET, SOCK_DGRAM) = 3
A: bind(3, "127.0.0.1:5000") = 0
B: socket(AF_INET, SOCK_DGRAM) = 3
B: sendto(3, "hi", "127.0.0.1:5000") = 2
A: recvfrom(3, 10) = ["hi", "127.0.0.1:32768"]
A: sendto(3, "back", "127.0.0.1:32768") = 4
B: recvfrom(3, 10) = ["back", "127.0.0.1:5000"]
B: exit(0) = ?
A: wait() = [2, 0]
"""
    lines: list[str] = []
    run_real(parse(script).statements, lines.append)
    assert lines == [
        *script.splitlines()[:-2],
        "B: exit(0) = ?",
        "B: +++ exited with 0 +++",
        "A: wait() = [2, 0]",
    ]


# ------------------------------------------------------------------ the calls really happen


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_under_strace_the_workers_make_the_calls_themselves(examples: Path, tmp_path: Path):
    out = tmp_path / "strace.txt"
    cmd = ["strace", "-f", "-o", str(out), "-e", "trace=pipe,pipe2,clone,clone3,fork,write,read"]
    run = subprocess.run(
        [*cmd, sys.executable, "-m", "ipctui", "run", "--real", str(examples / "pipe_basics.ipc")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if "ptrace" in run.stderr or not out.exists():
        pytest.skip("ptrace is not permitted here")
    assert run.returncode == 0, run.stderr
    trace = out.read_text()
    pids = {
        line.split()[0]
        for line in trace.splitlines()
        if " pipe2([3, 4], 0)" in line or "pipe([3, 4])" in line
    }
    assert len(pids) == 1  # the parent process made its own pipe...
    (parent,) = pids
    mine = [line.split(None, 1)[1] for line in trace.splitlines() if line.split()[0] == parent]
    assert any(line.startswith(("clone(", "fork(")) for line in mine)  # ...forked...
    assert any(line.startswith('write(4, "HHHH') for line in mine)  # ...wrote "Hello"
    reads = [
        line for line in trace.splitlines() if ' read(3, "HHHH' in line or '<... read resumed>"HHHH' in line
    ]
    assert reads and all(line.split()[0] != parent for line in reads)  # and the child read it


# ------------------------------------------------------------------ nothing left behind


CLEANUP_SCRIPT = """spawn a
spawn b
a: mq_open("/q", O_CREAT|O_RDWR)
a: shm_open("/s", O_CREAT|O_RDWR)
a: ftruncate(4, 100)
a: mmap(4)
a: lock("/s")
a: mkfifo("/f")
a: msgget(77, IPC_CREAT, mode=0600)
a: msgget(0, IPC_CREAT, mode=0600)
a: sem_open("/m", O_CREAT)
a: socket(AF_UNIX, SOCK_STREAM)
a: bind(5, "/sock")
a: fork("c")
c: pause()
b: lock("/s")
"""


def left_behind(places: Places, msqids: set[int] | None = None, ipc_ns: str = "") -> list[str]:
    """What a run left on the machine: only what that run made is looked at (other runs, tests
    or users may have queues and processes of their own)."""
    found = [f"process {pid}" for pid in workers(places.comm)]
    if ipc_ns:  # a sandboxed run: its objects live in its IPC namespace, gone with its last process
        found += [f"process {pid} in the run's namespace" for pid in _in_namespace(ipc_ns)]
    found += [str(p) for p in SHM_DIR.glob(f"*{places.prefix}*")]
    if places.tmpdir.exists():
        found.append(str(places.tmpdir))
    fd = libc.mq_open(places.ipc_name("/q"), 0, 0, None)
    if fd >= 0:
        libc.close(fd)
        found.append("queue /q")
    if libc.msgget(places.key(77), 0) >= 0:
        found.append("System V queue 77")
    queues = {int(q.split()[1]) for q in Path("/proc/sysvipc/msg").read_text().splitlines()[1:]}
    found += [f"System V queue {q}" for q in sorted(queues & (msqids or set()))]
    return found


def _descends(pid: int, ancestor: int) -> bool:
    while pid > 1:
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
        if pid == ancestor:
            return True
    return False


def _in_namespace(ipc_ns: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.readlink(entry / "ns" / "ipc") == ipc_ns:
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_a_hundred_runs_leave_nothing_behind():
    statements = parse(CLEANUP_SCRIPT).statements
    for _ in range(100):
        places = make_places()
        with RealKernel(SYSCALLS, block_timeout=0.01, places=places, sandboxed=False) as kernel:
            runner = Runner(kernel)
            for st in statements:
                runner.step(st)
        made = set(kernel.books.msqids)  # the queues the run made (their ids on the machine)
        assert len(made) == 2
        assert left_behind(places, made) == []


def test_runs_killed_half_way_leave_nothing_behind(tmp_path: Path):
    script = tmp_path / "long.ipc"
    script.write_text(CLEANUP_SCRIPT + "a: pause()\n")
    for how in (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
        proc = subprocess.Popen(
            [sys.executable, "-m", "ipctui", "run", "--real", "--block-timeout", "5", str(script)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        places = None
        ipc_ns = ""
        deadline = time.monotonic() + 30
        while places is None and time.monotonic() < deadline:  # until its first worker is up
            for entry in Path("/proc").iterdir():
                try:
                    comm = (entry / "comm").read_bytes().strip()
                except OSError:
                    continue
                if comm.startswith(b"ipw") and _descends(int(entry.name), proc.pid):  # this run's
                    places = Places(token=comm[3:].decode())
                    ipc_ns = os.readlink(entry / "ns" / "ipc")
                    break
            time.sleep(0.05)
        assert places is not None
        time.sleep(1.0)  # well into the script: objects made, c waiting in pause()
        places.tmpdir = next(Path("/tmp").glob(f"{places.prefix}*"), Path("/nonexistent"))
        proc.send_signal(how)
        proc.communicate(timeout=30)
        if how != signal.SIGKILL:
            assert proc.returncode == 130
        deadline = time.monotonic() + 10
        while left_behind(places, ipc_ns=ipc_ns) and time.monotonic() < deadline:  # sweeping
            time.sleep(0.05)
        assert ipc_ns != os.readlink("/proc/self/ns/ipc")  # the run had its own
        assert left_behind(places, ipc_ns=ipc_ns) == []


def test_diff_names_where_sockets_ran_only_when_the_script_used_sockets(tmp_path: Path) -> None:
    plain = tmp_path / "plain.ipc"
    plain.write_text('spawn A\nA: pipe() = [3, 4]\nA: write(4, "hi") = 2\n')
    out = ipctui("diff", str(plain))
    assert out.returncode == 0, out.stderr
    assert "Real run:" not in out.stdout and "network namespace" not in out.stdout
    sockets = tmp_path / "sockets.ipc"
    sockets.write_text("spawn A\nA: socketpair(AF_UNIX, SOCK_STREAM) = [3, 4]\n")
    out = ipctui("diff", str(sockets))
    assert out.returncode == 0, out.stderr
    assert "Real run: sockets ran in" in out.stdout
