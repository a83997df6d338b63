"""The panes' snapshots (engine/views.py): pure functions of the kernel that return frozen data,
equal when nothing shown changed, different when something shown did, cached per kernel version."""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipctui.engine import Kernel
from ipctui.engine.views import (
    ViewCache,
    memory_view,
    pipes_view,
    processes_view,
    queues_view,
    semaphores_view,
    signals_view,
    sockets_view,
)
from ipctui.fuzz.strategies import FAMILIES, scripts
from ipctui.session import Session

VIEWS: list[Callable[[Kernel], Any]] = [
    pipes_view,
    queues_view,
    memory_view,
    semaphores_view,
    signals_view,
    sockets_view,
    processes_view,
]

# one of every kind the panes show, some of it blocked
EVERYTHING = """
spawn A
A: pipe(capacity=16, page_size=4)
A: fork("B")
A: write(4, "hello")
A: mkfifo("/tmp/f")
A: mq_open("/jobs", O_CREAT|O_RDWR, maxmsg=4, msgsize=16)
A: mq_send(5, "one", 2)
A: msgget(42, IPC_CREAT, mode=0600)
A: msgsnd(0, 7, "typed")
A: shm_open("/buf", O_CREAT|O_RDWR)
A: ftruncate(6, 64)
A: mmap(6)
A: poke("/buf", 3, "hi")
A: shmget(7, 100, IPC_CREAT, mode=0600)
A: shmat(0)
A: sem_open("/s", O_CREAT, value=1)
A: semget(9, 2, IPC_CREAT, mode=0600)
A: signal(SIGUSR1, "on_usr1")
A: sigprocmask(SIG_BLOCK, [SIGUSR2])
A: kill(A, SIGUSR2)
A: socket(AF_INET, SOCK_DGRAM)
A: bind(7, "127.0.0.1:9000")
B: read(3, 100)
B: read(3, 1)
"""


def session(text: str) -> Session:
    s = Session()
    for line in textwrap.dedent(text).strip().splitlines():
        outcome = s.submit(line)
        assert outcome.ok, (line, outcome)
    return s


def immutable(x: Any, path: str = "view") -> None:
    """Only frozen dataclasses, tuples (named ones too) and immutable atoms all the way down."""
    if x is None or isinstance(x, str | bytes | int | float | bool):
        return
    if isinstance(x, tuple):
        for i, v in enumerate(x):
            immutable(v, f"{path}[{i}]")
        return
    assert dataclasses.is_dataclass(x), f"{path} is a {type(x).__name__}"
    assert type(x).__dataclass_params__.frozen, f"{path}: {type(x).__name__} is not frozen"  # type: ignore[attr-defined]
    for f in dataclasses.fields(x):
        immutable(getattr(x, f.name), f"{path}.{f.name}")


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
def test_a_snapshot_is_frozen_hashable_data(view: Callable[[Kernel], Any]) -> None:
    snap = view(session(EVERYTHING).kernel)
    immutable(snap)
    hash(snap)
    if dataclasses.is_dataclass(snap):
        first = dataclasses.fields(snap)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(snap, first, None)


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
def test_the_same_lines_give_equal_snapshots_and_a_call_that_shows_nothing_keeps_them(
    view: Callable[[Kernel], Any],
) -> None:
    one, two = session(EVERYTHING), session(EVERYTHING)
    assert view(one.kernel) == view(two.kernel)  # pure and deterministic: no ids of live objects
    assert hash(view(one.kernel)) == hash(view(two.kernel))
    before = view(one.kernel)
    assert one.submit("A: getpid()").ok  # a call that changes nothing any pane shows
    assert view(one.kernel) == before


# (a line, the views it must change): each changes something a pane shows
CHANGES = [
    ('A: write(4, "x")', {pipes_view, processes_view}),  # B's read resumes
    ('A: mq_send(5, "two", 9)', {queues_view}),
    ('A: msgsnd(0, 1, "more")', {queues_view}),
    ('A: poke("/buf", 40, "far")', {memory_view}),
    ("A: shmdt(0)", {memory_view}),
    ("A: sem_wait(1)", {semaphores_view}),
    ("A: semop(0, [[1, 2, 0]])", {semaphores_view}),
    ('A: signal(SIGUSR2, "on_usr2")', {signals_view}),
    ('A: connect(7, "127.0.0.1:9001")', {sockets_view}),
    ("A: close(5)", {queues_view, processes_view}),
    # C holds a copy of every descriptor, handle and disposition
    ('A: fork("C")', set(VIEWS)),
]


@pytest.mark.parametrize(("line", "changed"), CHANGES, ids=[c[0] for c in CHANGES])
def test_a_line_changes_the_snapshots_of_what_it_changes_and_no_other(line: str, changed: set) -> None:
    s = session(EVERYTHING)
    before = {v: v(s.kernel) for v in VIEWS}
    assert s.submit(line).ok
    after = {v: v(s.kernel) for v in VIEWS}
    moved = {v.__name__ for v in VIEWS if before[v] != after[v]}
    assert moved == {v.__name__ for v in changed}


def test_a_snapshot_keeps_what_it_showed_after_the_kernel_moves_on() -> None:
    s = session('spawn A\nA: pipe(capacity=16, page_size=4)\nA: write(4, "hello")')
    old = pipes_view(s.kernel)
    assert [sl.data for sl in old.pipes[0].slots if sl] == [b"hell", b"o"]
    assert s.submit('A: write(4, "xyz")').ok
    assert s.submit("A: read(3, 2)").ok
    assert [sl.data for sl in old.pipes[0].slots if sl] == [b"hell", b"o"]  # unchanged
    # the three bytes topped up the newest slot, as Linux merges them
    assert [(sl.data, sl.offset) for sl in pipes_view(s.kernel).pipes[0].slots if sl] == [
        (b"hell", 2),
        (b"oxyz", 0),
    ]


def test_the_pipe_view_shows_ends_and_who_is_blocked() -> None:
    s = session(EVERYTHING)  # B ends blocked reading the empty pipe
    pipe = pipes_view(s.kernel).pipes[0]
    assert pipe.readers.blocked == ("B",) and pipe.readers.woken == () and not pipe.writers
    assert [e.label for e in pipe.ends if e.readable] == ["A fd 3", "B fd 3"]
    assert [e.label for e in pipe.ends if e.writable] == ["A fd 4", "B fd 4"]
    assert pipes_view(s.kernel).fifos[0].path == "/tmp/f"


def test_a_woken_reader_is_runnable_in_the_views_until_its_read_resumes() -> None:
    text = """
        spawn parent
        parent: pipe(capacity=8, page_size=4)
        parent: fork("child")
        child: read(3, 10)
        parent: write(4, "hello")
    """
    s = Session()
    s.load(textwrap.dedent(text), "t.ipc")
    while not s.settling:
        assert s.step().ok
    pipe = pipes_view(s.kernel).pipes[0]
    assert pipe.readers.blocked == () and pipe.readers.woken == ("child",)
    assert [sl.data for sl in pipe.slots if sl] == [b"hell", b"o"]
    child = next(p for p in processes_view(s.kernel).procs if p.name == "child")
    assert child.state == "blocked" and child.woken and child.call == "read(3, 10)"
    assert child.waits_for is None  # woken: it no longer waits for anyone
    assert processes_view(s.kernel).stuck == ""
    assert s.step().ok  # the read resumes
    pipe = pipes_view(s.kernel).pipes[0]
    assert not pipe.readers and pipe.buffered == 0
    assert not next(p for p in processes_view(s.kernel).procs if p.name == "child").woken


def test_the_process_view_names_a_deadlock() -> None:
    s = session("""
        spawn A
        A: pipe()
        A: pipe()
        A: fork("B")
        A: read(3, 1)
        B: read(5, 1)
    """)
    view = processes_view(s.kernel)
    assert view.stuck == "No process can move: deadlock, A → B → A"
    rows = {p.name: p for p in view.procs}
    # both hold both write ends, but a blocked read writes nothing: each waits for the other
    assert rows["A"].waits_for == ("B",) and rows["B"].waits_for == ("A",)
    assert rows["B"].call == "read(5, 1)" and rows["B"].parent == "A" and not rows["B"].woken
    assert rows["A"].fds == ((3, "pipe1:r"), (4, "pipe1:w"), (5, "pipe2:r"), (6, "pipe2:w"))


def test_a_segment_view_holds_the_bytes_around_its_latest_store() -> None:
    s = session("""
        spawn A
        A: shm_open("/big", O_CREAT|O_RDWR)
        A: ftruncate(3, 8192)
        A: mmap(3)
        A: poke("/big", 5000, "far")
    """)
    seg = memory_view(s.kernel).segments[0]
    assert seg.window_at == 5000 // 16 * 16 and seg.bytes_at(5000, 5003) == b"far"
    assert seg.mapped == 8192 and seg.last_store is not None and seg.last_store.offset == 5000
    with pytest.raises(IndexError):
        seg.bytes_at(0, 16)


def test_the_cache_makes_a_snapshot_once_per_kernel_version() -> None:
    s = session(EVERYTHING)
    cache = ViewCache()
    first = cache.get(s.kernel, pipes_view)
    assert cache.get(s.kernel, pipes_view) is first
    assert s.submit("A: getpid()").ok  # a new version: made again, equal
    again = cache.get(s.kernel, pipes_view)
    assert again is not first and again == first
    other = session(EVERYTHING).kernel  # another kernel: its own snapshot
    assert cache.get(other, pipes_view) is not again


@pytest.mark.parametrize("family", sorted(FAMILIES))
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(data=st.data())
def test_every_state_the_fuzzer_reaches_gives_equal_frozen_snapshots(family: str, data) -> None:
    """Scripts drawn as the fuzzer draws them (every kind of call, blocking, signals, deaths):
    after every line each snapshot is made without error, is frozen data, and equals the one
    made from a second kernel that ran the same lines; the cache hands out the one it made."""
    text = data.draw(scripts(family, max_lines=12))
    one, two, cache = Session(), Session(), ViewCache()
    for line in text.splitlines():
        one.submit(line)
        two.submit(line)
        for view in VIEWS:
            snap = cache.get(one.kernel, view)
            immutable(snap)
            assert snap == view(two.kernel) and hash(snap) == hash(view(two.kernel))
            assert cache.get(one.kernel, view) is snap


def test_a_woken_process_can_move_so_the_session_is_not_stuck() -> None:
    """The child's death wakes its parent in wait(): between the child's `+++ exited` line and
    the resumed wait the only live process is the parent, woken, which is runnable, not stuck."""
    s = Session()
    s.load('spawn P\nP: fork("C")\nP: wait()\nC: exit(0)\n', "t.ipc")
    while not (s.trace and s.trace[-1].text.endswith("+++ exited with 0 +++")):
        assert s.step().ok
    view = processes_view(s.kernel)
    parent = next(p for p in view.procs if p.name == "P")
    assert parent.state == "blocked" and parent.woken and not view.waits  # woken: off the graph
    assert view.stuck == ""
    while not s.at_end:
        s.step()
    assert not any(p.woken for p in processes_view(s.kernel).procs)
