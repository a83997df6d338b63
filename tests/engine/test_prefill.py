"""A call's form prefill, defined with the call in its mechanism module: every call's prefill for
a sample session, that what it offers suits the call, and the default for calls that define none."""

from __future__ import annotations

import pytest
from helpers import sample_session

from ipctui.app.dialogs.call_form import field_text
from ipctui.engine import SYSCALLS
from ipctui.engine.prefill import default_prefill, no_prefill
from ipctui.script import parse_line
from ipctui.vocab.calls import Param

CALLS = sorted(SYSCALLS)

# What each call's form offers process A of the sample session (tests/helpers.py); a call not
# listed offers nothing. A: 3 a write-only queue, 4/5 a pipe, 6 a FIFO (O_RDWR), 7/8 a socket
# pair, 9 shared memory, 10 an inet socket, POSIX semaphore handle 1; System V semaphore sets
# 0 and 1, segment 0, queue 0.
FOR_A: dict[str, dict[str, str]] = {
    "close": {"fd": "3"},
    "dup": {"fd": "3"},
    "dup2": {"fd": "3"},
    "fcntl": {"fd": "3"},
    "read": {"fd": "4", "count": "100"},  # 3 is write-only
    "write": {"fd": "5"},  # 3 is writable, but a queue has no write: mq_send
    "mq_send": {"mqd": "3"},
    "mq_receive": {},  # the only queue descriptor is write-only
    "mq_getattr": {"mqd": "3"},
    "mq_close": {"mqd": "3"},
    "ftruncate": {"fd": "9"},
    "mmap": {"fd": "9"},
    **{c: {"fd": "7"} for c in ("bind", "listen", "connect", "accept", "shutdown")},
    **{c: {"fd": "7"} for c in ("send", "recv", "sendto", "recvfrom")},
    "fork": {"name": "A-child"},
    "waitpid": {"pid": "kid"},  # its child that has ended
    **{c: {"sem": "1"} for c in ("sem_wait", "sem_trywait", "sem_post", "sem_getvalue", "sem_close")},
    "semop": {"semid": "1"},  # the newest set
    "semctl": {"semid": "1"},
    "shmat": {"shmid": "0"},
    "shmdt": {"shmid": "0"},
    "shmctl": {"shmid": "0"},
    "msgsnd": {"msqid": "0"},
    "msgrcv": {"msqid": "0"},
    "msgctl": {"msqid": "0"},
}
FOR_A |= {
    "munmap": {"name": "/m"},
    **{c: {"name": "/m", "offset": "0"} for c in ("peek", "poke")},
    **{c: {"name": "/m"} for c in ("lock", "trylock", "unlock")},
}
# B holds no descriptor and no handle, and has segment 0 attached (System V, by shmid).
KERNEL_WIDE = {"semop", "semctl", "shmat", "shmdt", "shmctl", "msgsnd", "msgrcv", "msgctl"}
FOR_B: dict[str, dict[str, str]] = {
    **{c: FOR_A[c] for c in KERNEL_WIDE},
    "fork": {"name": "B-child"},
    "read": {"count": "100"},
    **{c: {"name": "0", "offset": "0"} for c in ("peek", "poke")},
    **{c: {"name": "0"} for c in ("lock", "trylock", "unlock")},
}


@pytest.mark.parametrize("name", CALLS)
def test_every_calls_prefill_for_the_sample_session(name: str) -> None:
    runner = sample_session()
    k = runner.kernel
    a, b = k.process("A"), k.process("B")
    assert SYSCALLS[name].prefill(k, a) == FOR_A.get(name, {})
    assert SYSCALLS[name].prefill(k, b) == FOR_B.get(name, {})


def test_a_prefill_changes_nothing() -> None:
    """Pure: asking what a form offers opens, makes and marks nothing (not even an empty
    per-mechanism table in a process that has none)."""
    k = sample_session().kernel

    def state() -> object:
        return [
            (p.name, [(fd, f.kind, f.refs, f.pos) for fd, f in p.fds.items()], sorted(p.ext), p.children)
            for p in k.procs.values()
        ] + [len(k.procs), sorted(k.sem_sets), sorted(k.sysv_shm), sorted(k.msqs)]

    before = state()
    for spec in SYSCALLS.values():
        for p in list(k.procs.values()):
            spec.prefill(k, p)
    assert state() == before


OFFERS_ITS_OBJECT = [
    (proc, name)
    for proc, table in (("A", FOR_A), ("B", FOR_B))
    for name, fill in sorted(table.items())
    if SYSCALLS[name].params and SYSCALLS[name].params[0].name in fill
]
EXAMPLE = {
    "int": "1",
    "fd": "20",
    "bytes": "x",
    "str": "/x",
    "const": "0",
    "flags": "0",
    "semops": "[[0, 1]]",
}
BY_ID = {
    "semop",
    "semctl",
    "shmat",
    "shmctl",
    "msgsnd",
    "msgrcv",
    "msgctl",
    "peek",
    "poke",
    "lock",
    "trylock",
}


@pytest.mark.parametrize(("proc", "name"), OFFERS_ITS_OBJECT)
def test_what_a_form_offers_suits_the_call(proc: str, name: str) -> None:
    """Typed as offered (with an example value for the rest) and made a line as the form makes
    it (field_text quotes text), the line parses, and the descriptor, id or segment it names is
    one the call accepts: never EBADF (a descriptor of the wrong kind or direction), never an
    id or name that names nothing (EINVAL, ENOENT, ECHILD, EIDRM)."""
    spec = SYSCALLS[name]
    fill = (FOR_A if proc == "A" else FOR_B)[name]
    args = [field_text(p.kind, fill.get(p.name) or EXAMPLE[p.kind]) for p in spec.params if not p.optional]
    st = parse_line(f"{proc}: {name}({', '.join(args)})")
    step = sample_session().step(st)
    errnos = {ev.errno for ev in step.events if ev.status == "error"}
    assert not errnos & {"EBADF", "EIDRM"}, (st.text, errnos)
    if name in BY_ID:
        assert not errnos & {"EINVAL", "ENOENT", "ECHILD"}, (st.text, errnos)


def test_the_default_offers_a_descriptor_of_the_calls_own_mechanism() -> None:
    """The socket calls register no prefill of their own: the table above shows them offered the
    process's first socket by this default."""
    runner = sample_session()
    k, a = runner.kernel, runner.kernel.process("A")
    fd_first = (Param("fd", "fd"), Param("count", "int"))
    assert default_prefill(fd_first, "pipe")(k, a) == {"fd": "4"}
    assert default_prefill(fd_first, "socket")(k, a) == {"fd": "7"}
    assert default_prefill(fd_first, "shm")(k, a) == {"fd": "9"}
    # nothing to offer: no descriptor first, or a mechanism whose objects are not descriptors
    assert default_prefill((Param("path", "str"),), "pipe") is no_prefill
    assert default_prefill(fd_first, "sysv_msg") is no_prefill
    assert default_prefill((), "process") is no_prefill
