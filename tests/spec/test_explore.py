"""SPEC section 4, `ipctui explore --check`: every schedule is explored, failed ones too, and
failures are grouped by the first line that differed."""

from __future__ import annotations

import textwrap

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipctui.cli import main
from ipctui.explore import explore, programs_of
from ipctui.script import parse

# B's open fails when B runs first (line 4); when A runs first every line of B holds and A's
# own line 6 fails. Two failures, in two schedules that a cut at the first failure would merge.
TWO_FAILURES = textwrap.dedent(
    """\
    spawn A
    spawn B
    A: mkfifo("/f") = 0
    B: open("/f", O_RDWR) = 3
    B: write(3, "x") = 1
    A: getpid() = 2
    """
)

# Fails when A reads before C writes; completes when C writes first.
FAIL_OR_COMPLETE = textwrap.dedent(
    """\
    spawn A
    A: pipe() = [3, 4]
    A: fork("C") = 2
    C: write(4, "x") = 1
    A: read(3, 1) = "x"
    C: exit(0) = ?
    A: wait() = [2, 0]
    """
)


def _outcomes(text: str, reduce: bool = True) -> set[tuple[str, int | None]]:
    r = explore(programs_of(parse(text, "t.ipc"), check=True), reduce=reduce)
    assert r.exhaustive and sum(o.schedules for o in r.outcomes) == r.schedules
    return {(o.kind, o.failure["line"] if o.failure else None) for o in r.outcomes}


def test_each_first_failing_line_is_its_own_outcome() -> None:
    assert _outcomes(TWO_FAILURES) == {("failed", 4), ("failed", 6)}


def test_a_failure_does_not_hide_the_schedules_that_complete() -> None:
    got = _outcomes(FAIL_OR_COMPLETE)
    assert ("complete", None) in got and ("failed", 5) in got


def test_the_reduction_finds_what_plain_enumeration_finds_with_check() -> None:
    for text in (TWO_FAILURES, FAIL_OR_COMPLETE):
        assert _outcomes(text) == _outcomes(text, reduce=False)


def test_the_summary_counts_failures_in_words() -> None:
    res = CliRunner().invoke(main, ["explore", "-", "--check"], input=TWO_FAILURES)
    assert res.exit_code == 1
    assert res.stdout.splitlines()[0].endswith("2 outcomes (2 failures)")


# A process killed by another's line drops the lines it had left (SPEC): those lines never ran
# in that schedule, but in others they run before the kill, and those outcomes must be found.
KILLED_WITH_LINES_LEFT = textwrap.dedent(
    """\
    spawn A
    A: pipe() = [3, 4]
    A: fork("B") = 2
    B: read(3, 1) <unfinished ...>
    A: write(4, "x") = 1
    B: <... read resumed> = "x"
    A: kill(B, SIGKILL) = 0
    B: getpid() = 2
    """
)


def test_a_killed_program_s_lines_are_tried_before_the_kill() -> None:
    got = explore(programs_of(parse(KILLED_WITH_LINES_LEFT, "t.ipc")))
    assert got.exhaustive
    assert any("B: getpid() = 2" in o.trace for o in got.outcomes)
    assert _outcomes(KILLED_WITH_LINES_LEFT) == _outcomes(KILLED_WITH_LINES_LEFT, reduce=False)


ACTIONS = st.sampled_from(
    [
        "read(3, 1)",
        'write(4, "ab")',
        "close(4)",
        "getpid()",
        "pause()",
        "kill(p0, SIGKILL)",
        "kill(p1, SIGKILL)",
        "kill(p0, SIGSTOP)",
        "kill(p1, SIGCONT)",
        "kill(p1, SIGUSR1)",
        "exit(0)",
    ]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(ACTIONS, min_size=1, max_size=3), min_size=2, max_size=2))
def test_deaths_and_stops_lose_no_outcome(programs: list[list[str]]) -> None:
    lines = ["spawn main", "main: pipe()", 'main: signal(SIGUSR1, "h")']
    lines += [f'main: fork("p{i}")' for i in range(len(programs))]
    lines += [f"p{i}: {call}" for i, prog in enumerate(programs) for call in prog]
    progs = programs_of(parse("\n".join(lines) + "\n"))
    reduced, plain = explore(progs), explore(progs, reduce=False)
    assert {o.key for o in reduced.outcomes} == {o.key for o in plain.outcomes}


# System V objects are entities of their own: a semop's order against another's matters, and a
# lookup of an id reads the id table that IPC_RMID changes.
SYSV_RACES = [
    """\
    spawn main
    main: semget(IPC_PRIVATE, 2, IPC_CREAT, mode=0600)
    main: fork("p0")
    main: fork("p1")
    p0: semop(0, [[0, -1]])
    p1: semop(0, [[0, 1]])
    """,
    """\
    spawn main
    main: semget(IPC_PRIVATE, 1, IPC_CREAT, mode=0600)
    main: fork("p0")
    main: fork("p1")
    p0: semctl(0, 0, IPC_RMID)
    p1: semop(0, [[0, -1]])
    """,
    """\
    spawn main
    main: shmget(IPC_PRIVATE, 8, IPC_CREAT, mode=0600)
    main: fork("p0")
    main: fork("p1")
    p0: shmat(0)
    p0: poke(0, 0, "x")
    p1: shmat(0)
    p1: peek(0, 0, 1)
    """,
    """\
    spawn main
    main: semget(IPC_PRIVATE, 2, IPC_CREAT, mode=0600)
    main: msgget(IPC_PRIVATE, IPC_CREAT, mode=0600)
    main: fork("p0")
    main: fork("p1")
    main: fork("p2")
    p0: kill(p1, SIGKILL)
    p0: semop(0, [[0, 1]])
    p1: msgget(5, IPC_CREAT, mode=0600)
    p2: msgget(5, 0)
    """,
]


def test_system_v_orders_are_all_explored() -> None:
    for text in SYSV_RACES:
        progs = programs_of(parse(textwrap.dedent(text), "t.ipc"))
        reduced, plain = explore(progs), explore(progs, reduce=False)
        assert {o.key for o in reduced.outcomes} == {o.key for o in plain.outcomes}, text
        assert len(reduced.outcomes) > 1, text


def test_a_system_v_segment_s_lock_waits_for_its_holder() -> None:
    text = textwrap.dedent(
        """\
        spawn A
        spawn B
        A: shmget(7, 64, IPC_CREAT, mode=0600)
        A: shmat(0)
        A: lock(0)
        B: shmget(7, 64, 0)
        B: shmat(0)
        B: lock(0)
        A: pause()
        """
    )
    r = explore(programs_of(parse(text, "t.ipc")))
    d = next(o for o in r.outcomes if o.kind == "deadlock")
    waits = {b["proc"]: b["waits_for"] for b in d.blocked}
    assert waits["B"] == ["A"]  # the lock's holder, not everyone


SYSV_ACTIONS = st.sampled_from(
    [
        "semop(0, [[0, -1]])",
        "semop(0, [[0, 1, SEM_UNDO]])",
        "semop(0, [[1, 0]])",
        "semctl(0, 1, SETVAL, 0)",
        "semctl(0, 0, IPC_RMID)",
        'msgsnd(0, 1, "a")',
        "msgrcv(0, 1)",
        "msgctl(0, IPC_RMID)",
        'poke(0, 0, "x")',
        "peek(0, 0, 1)",
        "shmctl(0, IPC_RMID)",
        "msgget(5, IPC_CREAT, mode=0600)",
        "msgget(5, 0)",
        "kill(p1, SIGKILL)",
        "exit(1)",
    ]
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(SYSV_ACTIONS, min_size=1, max_size=3), min_size=2, max_size=3))
def test_system_v_loses_no_outcome(programs: list[list[str]]) -> None:
    lines = ["spawn main", "main: semget(IPC_PRIVATE, 2, IPC_CREAT, mode=0600)"]
    lines += [
        "main: msgget(IPC_PRIVATE, IPC_CREAT, mode=0600)",
        "main: shmget(IPC_PRIVATE, 8, IPC_CREAT, mode=0600)",
    ]
    lines += ["main: shmat(0)"] + [f'main: fork("p{i}")' for i in range(len(programs))]
    lines += [f"p{i}: {call}" for i, prog in enumerate(programs) for call in prog]
    progs = programs_of(parse("\n".join(lines) + "\n"))
    reduced, plain = explore(progs), explore(progs, reduce=False, max_schedules=20_000)
    if plain.exhaustive:
        assert {o.key for o in reduced.outcomes} == {o.key for o in plain.outcomes}


def test_a_stopped_process_with_lines_left_is_named_in_the_deadlock() -> None:
    text = textwrap.dedent(
        """\
        spawn A
        spawn B
        A: pipe()
        A: kill(B, SIGSTOP)
        A: read(3, 1)
        A: kill(B, SIGCONT)
        B: getpid() = 2
        """
    )
    r = explore(programs_of(parse(text, "t.ipc")))
    d = next(o for o in r.outcomes if o.kind == "deadlock" and "B: --- stopped by SIGSTOP ---" in o.trace)
    assert {"proc": "B", "call": "B: getpid()", "waits_for": ["A"]} in d.blocked  # A could SIGCONT it
