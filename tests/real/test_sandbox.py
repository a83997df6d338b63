"""The real run's sandbox (ipctui.real.sandbox) and its channel (ipctui.real.wire): the run's
processes are in namespaces of their own, a machine that will not make them refuses the run
with a message saying what is missing, and whatever a worker sends is checked."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipctui.check.run import run_real
from ipctui.engine import SYSCALLS
from ipctui.real import wire
from ipctui.real.kernel import RealKernel, RunBroken
from ipctui.real.libc import libc
from ipctui.real.places import workers
from ipctui.real.sandbox import STEPS, UID_BASE, SandboxRefused
from ipctui.script import parse

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the real kernel is Linux")


def ns(pid: int | str, kind: str) -> str:
    return os.readlink(f"/proc/{pid}/ns/{kind}")


def test_every_process_of_the_run_is_in_namespaces_of_its_own():
    with RealKernel(SYSCALLS, block_timeout=0.05) as k:
        k.spawn("A")
        k.spawn("B", uid=0)
        k.call("A", "fork", ("C",))
        procs = list(k.sup.procs.values())
        for p in procs:
            for kind in ("user", "pid", "ipc", "net", "mnt"):
                assert ns(p.host, kind) != ns("self", kind), (p.name, kind)
                assert ns(p.host, kind) == ns(procs[0].host, kind)
        assert [p.real for p in procs] == [2, 3, 4]  # pid 1 is the run's init
        if os.geteuid() == 0:  # uid 0 inside is nobody outside
            status = Path(f"/proc/{procs[1].host}/status").read_text()
            assert f"Uid:\t{UID_BASE}\t" in status
            status = Path(f"/proc/{procs[0].host}/status").read_text()
            assert f"Uid:\t{UID_BASE + 1000}\t" in status
        hosts = [p.host for p in procs]
    for pid in hosts:  # when the run goes, every process of it goes
        assert not Path(f"/proc/{pid}").exists() or Path(f"/proc/{pid}/stat").read_text().split()[2] in "ZX"


def test_when_init_goes_every_process_goes():
    k = RealKernel(SYSCALLS, block_timeout=0.05)
    try:
        k.spawn("A")
        k.call("A", "fork", ("B",))
        hosts = [p.host for p in k.sup.procs.values()]
        os.kill(k.sup.guard.init, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while any(Path(f"/proc/{h}").exists() and _state(h) not in "ZX" for h in hosts):
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        k.close()
    assert workers(k.places.comm) == []


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "X"


@pytest.mark.parametrize("step", [*STEPS, "all"])
def test_a_namespace_the_machine_refuses_refuses_the_run(monkeypatch: pytest.MonkeyPatch, step: str):
    monkeypatch.setenv("IPCTUI_SANDBOX_FAIL", step)
    with pytest.raises(SandboxRefused) as e:
        RealKernel(SYSCALLS)
    assert e.value.step == ("user" if step == "all" else step)
    assert "--unsandboxed" in e.value.message and "to allow it" in e.value.message


def test_the_refusal_from_the_command_line(tmp_path: Path):
    script = tmp_path / "s.ipc"
    script.write_text("spawn A\nA: getpid() = 1\n")
    env = {**os.environ, "IPCTUI_SANDBOX_FAIL": "net"}
    cmd = [sys.executable, "-m", "ipctui", "run", "--real", str(script)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith(f"{script}:0: error: the real run needs a network namespace")
    out = subprocess.run([*cmd, "--unsandboxed"], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "spawn A\nA: getpid() = 1\n"
    assert "unsandboxed: this run is not in namespaces of its own" in out.stderr
    diff = [sys.executable, "-m", "ipctui", "diff", str(script)]
    out = subprocess.run(diff, capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 2 and "needs a network namespace" in out.stderr


def test_names_keys_paths_and_ports_are_used_as_written():
    key = 0x5A0000 + os.getpid() % 65536
    text = (
        f'spawn A\nA: mq_open("/q", O_CREAT|O_RDWR) = 3\nA: msgget({key}, IPC_CREAT|IPC_EXCL) = 0\n'
        'A: mkfifo("/tmp/f") = 0\nA: socket(AF_INET, SOCK_STREAM) = 4\nA: bind(4, "0.0.0.0:8080") = 0\n'
        'A: listen(4, 1) = 0\nA: mkfifo("/ipctui-sandbox-f") = 0\nA: mkfifo("relative") = 0\n'
    )
    lines: list[str] = []
    kernel = run_real(parse(text).statements, lines.append)
    assert lines == text.splitlines() and kernel.skipped == 0
    assert kernel.places.key(key) == key and kernel.places.path("/tmp/f") == b"/tmp/f"
    assert kernel.places.ipc_name("/q") == b"/q"
    assert libc.msgget(key, 0) == -1  # the run's queue went with its namespace
    assert not Path("/ipctui-sandbox-f").exists()  # the run's root is its own
    assert not Path("relative").exists() and not Path("/relative").exists()


@pytest.mark.parametrize(
    "records",
    [
        [b"\x07garbage"],  # not a record of the channel
        [b"\0" + (1 << 40).to_bytes(8, "big")],  # a terabyte announced
        [b"\0" + (3).to_bytes(8, "big") + b"Zzz"],  # an unknown tag
        wire.records(["ok"]),  # not a reply
        wire.records(["err", -3, False]),  # not an errno
        wire.records(["ok", ["not", "a", "pid"], False]),  # getpid's answer is not a pid
    ],
)
def test_a_malformed_message_ends_the_run_with_a_clear_error(records: list[bytes]):
    """What a worker sends is untrusted: a forged answer ends the run with RunBroken."""
    import socket

    with RealKernel(SYSCALLS, block_timeout=0.05) as k:
        k.spawn("A")
        p = k.sup.procs[1]
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        real, p.sock = p.sock, ours
        for record in records:
            theirs.send(record)
        with pytest.raises(RunBroken) as e:
            k.call("A", "getpid")
        assert e.value.args[0].startswith("process A ")
        theirs.close()
        p.sock = real
        ours.close()


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.binary(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@given(values)
def test_the_wire_carries_data_back_as_it_was(value: object):
    asm = wire.Assembler()
    got = None
    for record in wire.records(value):
        got = asm.feed(record)
    assert got == ("message", value)


def test_a_message_of_any_size_crosses_in_records():
    value = ["ok", b"x" * 1_000_000, False]
    recs = wire.records(value)
    assert len(recs) > 10 and all(len(r) <= wire.CHUNK for r in recs)
    asm = wire.Assembler()
    results = [asm.feed(r) for r in recs]
    assert results[:-1] == [None] * (len(recs) - 1) and results[-1] == ("message", value)


@given(st.binary(min_size=2, max_size=200))
def test_any_bytes_from_a_worker_are_a_wire_error_or_a_value(data: bytes):
    asm = wire.Assembler()
    with contextlib.suppress(wire.WireError):
        asm.feed(b"\0" + len(data).to_bytes(8, "big") + data)


def test_pickle_is_not_what_the_wire_reads():
    import pickle

    with pytest.raises(wire.WireError):
        wire.decode(pickle.dumps(("ok", 1, False)))
    with pytest.raises(wire.WireError):
        wire.encode(object())


def test_the_open_file_limit_is_the_kernels_emfile_on_the_line_that_hits_it():
    """1024 descriptors a process: 0-2 and 3..1023, so the 511th pipe has no room."""
    text = "spawn A\n" + "A: pipe()\n" * 512
    lines: list[str] = []
    run_real(parse(text).statements, lines.append)
    assert lines[510] == "A: pipe() = [1021, 1022]"
    assert lines[511] == lines[512] == "A: pipe() = -1 EMFILE (Too many open files)"
