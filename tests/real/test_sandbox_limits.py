"""Limits that the sandbox itself would change, measured on the real kernel: the uids it maps,
the RLIMIT_MSGQUEUE that Linux charges to the user namespace's owner as well as to each uid,
and CAP_SYS_RESOURCE, which the sandbox's root never has. Each either runs as SPEC says or the
real run says it cannot run here, and why; it never differs silently."""

from __future__ import annotations

import fcntl
import os
import struct
import sys
from pathlib import Path

import pytest

from ipctui.check.run import run_real
from ipctui.engine import SYSCALLS
from ipctui.real.kernel import RealKernel
from ipctui.real.sandbox import OWNER_BASE, UID_COUNT
from ipctui.script import parse
from ipctui.script.runner import run_script

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="the real kernel is Linux"),
    pytest.mark.skipif(os.geteuid() != 0, reason="uid= and the uid map need root"),
]


def _real(script: str) -> tuple[list[str], int]:
    lines: list[str] = []
    kernel = run_real(parse(script).statements, lines.append, "text")
    return lines, kernel.skipped


def _sim(script: str) -> list[str]:
    lines: list[str] = []
    run_script(parse(script).statements, lines.append, "text")
    return lines


def test_uids_past_65535_run():
    script = "spawn A uid=70000\nspawn B uid=3000000000\nA: getpid()\nB: kill(A, SIGUSR2)\n"
    lines, skipped = _real(script)
    assert skipped == 0
    assert lines == _sim(script)
    assert lines[-1] == "B: kill(A, SIGUSR2) = -1 EPERM (Operation not permitted)"


def test_a_uid_past_the_map_cannot_run_here_and_the_run_goes_on():
    """Its spawn and every line of its process say why; the other processes are compared."""
    big = UID_COUNT  # the first uid the map does not hold
    lines, skipped = _real(f"spawn A uid={big}\nspawn B\nA: getpid()\nB: getpid()\n")
    assert skipped == 2
    assert lines[0].startswith(f"# cannot run here: spawn A uid={big} -- uid {big} is past the sandbox's")
    assert lines[2].startswith("# cannot run here: A: getpid()")
    assert lines[1] == "spawn B" and lines[3] == "B: getpid() = 2"  # A holds pid 1, as in the simulation


def test_the_user_namespace_is_owned_by_a_uid_of_the_run_alone():
    """Linux charges a namespace's POSIX queues to its owner too: root as the owner would count
    every queue root holds anywhere on the machine (and every other run's) against this run."""
    with RealKernel(SYSCALLS, block_timeout=0.05) as k:
        k.spawn("A", uid=0)
        host = k.sup.procs[1].host
        assert Path(f"/proc/{host}/uid_map").read_text().split() == ["0", str(1 << 30), str(UID_COUNT)]
        assert OWNER_BASE < _ns_owner(host) < 1 << 30  # not root, and none of the run's uids


def _ns_owner(pid: int) -> int:
    """The owner of a process's user namespace, by ioctl(NS_GET_OWNER_UID)."""
    ns_get_owner_uid = 0xB704
    with open(f"/proc/{pid}/ns/user") as f:
        buf = fcntl.ioctl(f.fileno(), ns_get_owner_uid, b"\0" * 4)
    return struct.unpack("I", buf)[0]


NINE_QUEUES = "spawn A uid=1001\n" + "".join(f'A: mq_open("/q{i}", O_CREAT|O_RDWR)\n' for i in range(1, 11))


def test_one_uid_gets_nine_default_queues_whatever_root_holds_elsewhere():
    lines, skipped = _real(NINE_QUEUES)
    assert skipped == 0
    assert lines == _sim(NINE_QUEUES)
    assert lines[-2].endswith(" = 11") and lines[-1].endswith("EMFILE (Too many open files)")


def test_queues_of_two_uids_past_one_budget_cannot_run_here():
    """Inside the run, every uid's queues are charged to the namespace's owner as well, against
    one RLIMIT_MSGQUEUE: where another uid's queues may hold part of it, an EMFILE that SPEC's
    per-uid rule would not give is said to be unrunnable, not shown as Linux's answer."""
    script = NINE_QUEUES.replace("q10", "q9") + 'spawn B uid=1002\nB: mq_open("/b", O_CREAT|O_RDWR)\n'
    lines, skipped = _real(script)
    assert skipped == 1
    assert lines[:-1] == _sim(script)[:-1]
    assert lines[-1].startswith('# cannot run here: B: mq_open("/b", O_CREAT|O_RDWR) -- ')
    assert "RLIMIT_MSGQUEUE" in lines[-1]


def test_a_full_descriptor_table_is_still_emfile_with_queues_of_two_uids():
    script = (
        'spawn A uid=1001\nA: mq_open("/a", O_CREAT|O_RDWR)\nspawn B uid=1002\n'
        'B: mq_open("/b", O_CREAT|O_RDWR)\n'
        + "B: dup2(3, 1023)\n"
        + "".join("B: dup(3)\n" for _ in range(1020))
        + 'B: mq_open("/c", O_CREAT|O_RDWR)\n'
    )
    lines, skipped = _real(script)
    assert skipped == 0
    assert lines[-1] == 'B: mq_open("/c", O_CREAT|O_RDWR) = -1 EMFILE (Too many open files)'
    assert lines == _sim(script)


def test_the_sandbox_root_never_has_cap_sys_resource(monkeypatch: pytest.MonkeyPatch):
    """Linux asks for CAP_SYS_RESOURCE in the first user namespace (pipe-max-size, the queue
    limits): even where the machine's root has it, the sandbox's root is nobody there."""
    monkeypatch.setattr("ipctui.real.kernel._capable", lambda cap: True)
    lines, skipped = _real("spawn A uid=0\nA: pipe()\nA: fcntl(4, F_SETPIPE_SZ, 2097152)\n")
    assert skipped == 1
    assert lines[-1].startswith("# cannot run here: A: fcntl(4, F_SETPIPE_SZ, 2097152) -- ")
    assert "uid 0 of the sandbox lacks CAP_SYS_RESOURCE" in lines[-1]
