"""Run script text in-process and get its trace, for tests."""

from __future__ import annotations

import textwrap

from ipctui.script import ExpectationFailed, Runner, ScriptError, parse, run_script


def trace(text: str, fmt: str = "text") -> list[str]:
    """The trace of a script (dedented); expectations in it must hold."""
    lines: list[str] = []
    run_script(parse(textwrap.dedent(text), "t.ipc").statements, lines.append, fmt)
    return lines


def check(text: str) -> None:
    """Run a script written with its results: the trace must be the script itself."""
    body = textwrap.dedent(text)
    got = trace(body)
    want = [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert got == want


def outcome(text: str) -> str:
    """'ok', or the failure as the CLI would print it (without the file name)."""
    try:
        trace(text)
    except ScriptError as e:
        return f"{e.lineno}: error: {e.message}"
    except ExpectationFailed as e:
        return f"{e.lineno}: expected {e.expected}, got {e.got}"
    return "ok"


def result(text: str) -> str:
    """The result part of the last trace line (after ' = '), for one-off checks."""
    last = trace(text)[-1]
    return last.split(" = ", 1)[1] if " = " in last else last


SAMPLE_SESSION = """
    spawn A
    spawn B
    A: mq_open("/q", O_CREAT|O_WRONLY, mode=0600) = 3
    A: pipe() = [4, 5]
    A: mkfifo("/tmp/f") = 0
    A: open("/tmp/f", O_RDWR) = 6
    A: socketpair(AF_UNIX, SOCK_STREAM) = [7, 8]
    A: shm_open("/m", O_CREAT|O_RDWR, mode=0600) = 9
    A: sem_open("/s", O_CREAT, value=1, mode=0600) = 1
    A: semget(IPC_PRIVATE, 1, IPC_CREAT, mode=0600) = 0
    A: semget(IPC_PRIVATE, 2, IPC_CREAT, mode=0600) = 1
    A: shmget(IPC_PRIVATE, 8, IPC_CREAT, mode=0600) = 0
    A: msgget(IPC_PRIVATE, IPC_CREAT, mode=0600) = 0
    A: socket(AF_INET, SOCK_STREAM) = 10
    A: ftruncate(9, 4096) = 0
    A: mmap(9) = 0
    B: shmat(0) = 0
    A: fork("kid") = 3
    kid: exit(0) = ?
    kid: +++ exited with 0 +++
"""


def sample_session() -> Runner:
    """A session with an object of every kind: A holds a descriptor of each (the first, 3, a
    write-only queue, so "the first descriptor" is not always the right one), maps /m and has a
    child that has ended; B holds no descriptor and has System V segment 0 attached."""
    runner = Runner()
    for st in parse(textwrap.dedent(SAMPLE_SESSION), "sample.ipc").statements:
        runner.step(st)
    return runner
