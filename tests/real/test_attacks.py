"""Each attack of issue 16, written as an attacker would, run through `ipctui run --real`: it is
contained (nothing outside the run is read, written, signalled, connected to or removed) and the
run says what it refused. Only what these tests make themselves is looked at."""

from __future__ import annotations

import ctypes
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from ipctui.real.libc import libc

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the real kernel is Linux")


def run(tmp_path: Path, script: str, *opts: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "attack.ipc"
    path.write_text(script, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "ipctui", "run", "--real", *opts, str(path)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_channel_cannot_be_written_to(tmp_path: Path):
    """The old channel sat at fd 1000, and a one-byte write forged a signal line (or a pickle)."""
    script = 'spawn A\nA: signal(SIGUSR1, "handler")\n'
    script += "".join(f'A: write({fd}, "\\x0a")\n' for fd in (1000, 1023, 1024, 1100, 4000))
    out = run(tmp_path, script)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("= -1 EBADF") == 5, out.stdout
    assert "SIGUSR1" not in out.stdout.replace('signal(SIGUSR1, "handler")', "")
    assert "SIGLF" not in out.stdout and "SIG10" not in out.stdout


def test_the_channel_cannot_be_duplicated(tmp_path: Path):
    """dup and dup2 did not check their descriptor: dup(1100) handed the script a copy of the
    runner's channel (then any write to it forged a message). Now EBADF, as simulated."""
    script = "spawn A\nA: dup(1100)\nA: dup2(1100, 5)\nA: dup(1024)\nA: dup2(1100, 1100)\n"
    out = run(tmp_path, script)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("= -1 EBADF") == 4, out.stdout


def test_a_line_of_any_size_goes_through(tmp_path: Path):
    """A write of 64 KiB or more used to kill the worker (one SOCK_SEQPACKET record)."""
    data = "x" * 200_000
    out = run(tmp_path, f'spawn A\nA: pipe(capacity=1048576)\nA: write(4, "{data}")\nA: read(3, 5)\n')
    assert out.returncode == 0, out.stderr
    assert "A: write(4, " in out.stdout and ") = 200000" in out.stdout
    assert 'A: read(3, 5) = "xxxxx"' in out.stdout


@pytest.mark.parametrize("cmd", [8, 10, 9, 1024, 0])  # F_SETOWN, F_SETSIG, F_GETOWN, F_SETLEASE, F_DUPFD
def test_fcntl_passes_only_the_specs_commands(tmp_path: Path, cmd: int):
    out = run(tmp_path, f"spawn A\nA: pipe()\nA: fcntl(3, {cmd}, {os.getpid()})\n")
    assert out.returncode == 0, out.stderr
    assert f"fcntl(3, {cmd}, {os.getpid()}) = -1 EINVAL" in out.stdout


def test_fcntl_o_async_is_not_set(tmp_path: Path):
    out = run(tmp_path, "spawn A\nA: pipe()\nA: fcntl(3, F_SETFL, 8192|O_NONBLOCK)\nA: fcntl(3, F_GETFL)\n")
    assert out.returncode == 0, out.stderr
    assert "A: fcntl(3, F_GETFL) = 2048" in out.stdout  # O_NONBLOCK only, as simulated


def test_system_v_queues_outside_the_run_are_out_of_reach(tmp_path: Path):
    key = 0x1C7000 + os.getpid() % 4096
    qid = libc.msgget(key, 0o1000 | 0o600)  # IPC_CREAT: the machine's queue, not the run's
    assert qid >= 0
    try:
        probes = "".join(f"A: msgget({key ^ (i << 17)}, 0)\n" for i in range(64))
        out = run(
            tmp_path,
            f"spawn A\nA: msgget({key}, 0)\n{probes}A: msgget({key}, IPC_CREAT)\nA: msgctl(0, IPC_RMID)\n",
        )
        assert out.returncode == 0, out.stderr
        assert f"A: msgget({key}, 0) = -1 ENOENT" in out.stdout
        assert "= 0\n" in out.stdout  # it made its own queue by that key, and removed it
        assert libc.msgctl(qid, 2, ctypes.create_string_buffer(256)) == 0  # IPC_STAT: still there
    finally:
        libc.msgctl(qid, 0, None)


def test_the_machines_loopback_is_out_of_reach(tmp_path: Path):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        server.settimeout(0.1)
        probes = "".join(
            f'A: connect(3, "127.0.0.1:{p}")\n' for p in (port, port // 2 + 10000, port // 2 + 20000)
        )
        out = run(tmp_path, f"spawn A\nA: socket(AF_INET, SOCK_STREAM)\n{probes}")
        assert out.returncode == 0, out.stderr
        assert out.stdout.count("ECONNREFUSED") == 3, out.stdout
        with pytest.raises(TimeoutError):
            server.accept()


def test_files_outside_the_run_are_out_of_reach(tmp_path: Path):
    mine = tmp_path / "mine"
    mine.write_text("secret")
    mine.chmod(0o600)
    script = (
        f'spawn A uid=0\nA: open("{mine}", O_RDONLY)\nA: mkfifo("{tmp_path}/planted")\n'
        'A: mkfifo("/tmp/ipctui-attack-fifo")\nA: open("/tmp/ipctui-attack-fifo", O_RDONLY|O_NONBLOCK)\n'
    )
    out = run(tmp_path, script)
    assert out.returncode == 0, out.stderr
    assert "-1 EACCES" in out.stdout.splitlines()[1] or "-1 ENOENT" in out.stdout.splitlines()[1]
    assert not (tmp_path / "planted").exists()
    assert 'A: mkfifo("/tmp/ipctui-attack-fifo") = 0' in out.stdout  # the run's own /tmp
    assert not Path("/tmp/ipctui-attack-fifo").exists()


def test_a_fork_bomb_stops_at_the_process_limit(tmp_path: Path):
    script = "spawn A\n" + "".join(f'A: fork("c{i}")\n' for i in range(70))
    out = run(tmp_path, script)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("the run's limit of 64 processes") == 70 - 63
    assert 'A: fork("c62") = 64' in out.stdout


def test_a_huge_read_stops_at_the_memory_limit(tmp_path: Path):
    out = run(tmp_path, "spawn A\nA: pipe()\nA: read(3, 400000000)\nA: getpid()\n")
    assert out.returncode == 0, out.stderr
    assert "cannot run here: A: read(3, 400000000)" in out.stdout and "256 MiB" in out.stdout
    assert "A: getpid() = 1" in out.stdout


def test_the_time_limit_ends_the_run(tmp_path: Path):
    script = "".join(f"spawn P{i}\nP{i}: pause()\n" for i in range(10))  # 0.2 s each
    out = run(tmp_path, script, "--time-limit", "0.5", "--block-timeout", "0.2")
    assert out.returncode == 2
    assert "the run's time limit of 0.5 s" in out.stdout + out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize(
    "line",
    ['A: mkfifo("/tmp/\\xff\\xfe")', 'A: open("\\xff", O_RDONLY)', 'A: mq_open("/\\xff", O_CREAT|O_RDWR)'],
)
@pytest.mark.parametrize("opts", [(), ("--unsandboxed",)])
def test_any_bytes_in_a_path(tmp_path: Path, line: str, opts: tuple[str, ...]):
    out = run(tmp_path, f"spawn A\n{line}\nA: getpid()\n", *opts)
    assert "Traceback" not in out.stderr
    assert out.returncode == 0, out.stderr
    assert "A: getpid() = 1" in out.stdout


def test_the_unsandboxed_clean_up_removes_only_what_the_run_created():
    """Once a script has found the key shift (a loop of msgget lines), the old clean-up removed
    the machine's queue it had merely opened, as root. Now only a queue its msgget created is
    the run's."""
    from ipctui.check.run import run_real
    from ipctui.engine import Kernel  # noqa: F401  (registers the calls)
    from ipctui.real.places import make_places
    from ipctui.script import parse

    places = make_places()
    key = 4242
    theirs = libc.msgget(places.key(key), 0o1000 | 0o2000 | 0o600)  # the machine's, by that key
    assert theirs >= 0
    try:
        from ipctui.real import kernel as real_kernel

        made: list[real_kernel.RealKernel] = []
        original = real_kernel.RealKernel.__init__

        def with_places(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            original(self, *args, **{**kwargs, "places": places})
            made.append(self)

        lines: list[str] = []
        script = f"spawn A\nA: msgget({key}, IPC_CREAT)\nA: msgget(0, IPC_CREAT)\n"
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(real_kernel.RealKernel, "__init__", with_places)
            run_real(parse(script).statements, lines.append, sandboxed=False)
        assert lines[1] == f"A: msgget({key}, IPC_CREAT) = 0" and lines[2] == "A: msgget(0, IPC_CREAT) = 1"
        assert libc.msgctl(theirs, 2, ctypes.create_string_buffer(256)) == 0  # still there
        private = [real for real, sim in made[0].books.msqids.items() if sim == 1]
        assert libc.msgctl(private[0], 2, ctypes.create_string_buffer(256)) == -1  # the run's: gone
    finally:
        libc.msgctl(theirs, 0, None)
