"""`ipctui diff` names a departure only where its rule explains that very line: each label with a
line it fits and a look-alike it must leave unexplained; an early stop is said and counted."""

from __future__ import annotations

import pytest

from ipctui.check.diff import DEPARTURES, Side, compare, simulate
from ipctui.script import parse

CLOCK, BUFFER, PORTS, REALTIME, TIME_WAIT = (
    DEPARTURES[k] for k in ("clock", "buffer", "ports", "realtime", "time_wait")
)
HEAD = ["spawn A", "A: socket(AF_INET, SOCK_STREAM) = 3"]


def reasons(sim: list[str], real: list[str], real_error: str | None = None) -> list[str | None]:
    d = compare(Side(HEAD + sim), Side(HEAD + real, real_error))
    return [x.reason for x in d.differences]


CASES = [
    (  # the real connect was still waiting when the run moved on
        "clock fits",
        ['A: connect(3, "127.0.0.1:80") = 0'],
        ['A: connect(3, "127.0.0.1:80") <unfinished ...>'],
        [CLOCK],
    ),
    (  # the simulated connect finished at the accept; the real one was still waiting for its retry
        "clock fits a resumed line the real run has not reached",
        [
            'A: connect(3, "127.0.0.1:80") <unfinished ...>',
            "B: accept(3) = 4",
            "A: <... connect resumed> = 0",
        ],
        ['A: connect(3, "127.0.0.1:80") <unfinished ...>', "B: accept(3) = 4"],
        [CLOCK],
    ),
    (  # ... but a resumed read is no timed call
        "clock look-alike on a resumed read",
        ["A: read(3, 10) <unfinished ...>", "B: close(4) = 0", "A: <... read resumed> = 0"],
        ["A: read(3, 10) <unfinished ...>", "B: close(4) = 0"],
        [None],
    ),
    (  # a connect that Linux refused: no clock explains another errno
        "clock look-alike",
        ['A: connect(3, "127.0.0.1:80") = 0'],
        ['A: connect(3, "127.0.0.1:80") = -1 ECONNREFUSED (Connection refused)'],
        [None],
    ),
    (  # ... nor a call the simulation left waiting that Linux finished at once
        "clock look-alike, the other way",
        ["A: accept(3) <unfinished ...>"],
        ["A: accept(3) = 4"],
        [None],
    ),
    (  # a non-blocking connect asked again: Linux's SYN waits for its retry, the simulation's ended
        "clock fits a connect Linux still has under way",
        ['A: connect(3, "127.0.0.1:80") = -1 ECONNREFUSED (Connection refused)'],
        ['A: connect(3, "127.0.0.1:80") = -1 EALREADY (Operation already in progress)'],
        [CLOCK],
    ),
    (  # ... but not where the simulation's connect had not ended either
        "clock look-alike: a connect the simulation has not ended",
        ['A: connect(3, "127.0.0.1:80") = -1 EINVAL (Invalid argument)'],
        ['A: connect(3, "127.0.0.1:80") = -1 EALREADY (Operation already in progress)'],
        [None],
    ),
    (  # the real call finishing later: the end of the same wait
        "clock fits its resumed line",
        ['A: connect(3, "127.0.0.1:80") = 0', "A: getpid() = 1"],
        ['A: connect(3, "127.0.0.1:80") <unfinished ...>', "A: <... connect resumed> = 0", "A: getpid() = 1"],
        [CLOCK, CLOCK],
    ),
    (  # a send Linux took whole, where the simulation's buffer was full
        "buffer fits",
        [f'A: send(3, "{"x" * 9}") <unfinished ...>'],
        [f'A: send(3, "{"x" * 9}") = 9'],
        [BUFFER],
    ),
    (  # a write to a socket is a send: here a socketpair's end, inherited by a child
        "buffer fits a write to a socket",
        [
            "A: socketpair(AF_UNIX, SOCK_STREAM) = [4, 5]",
            'A: fork("B") = 2',
            f'B: write(5, "{"x" * 9}") <unfinished ...>',
        ],
        ["A: socketpair(AF_UNIX, SOCK_STREAM) = [4, 5]", 'A: fork("B") = 2', f'B: write(5, "{"x" * 9}") = 9'],
        [BUFFER],
    ),
    (  # ... but not to a pipe that took the number of a socket closed before
        "buffer look-alike on a pipe's write",
        [
            "A: close(3) = 0",
            "A: pipe() = [3, 4]",
            f'A: write(4, "{"x" * 9}") <unfinished ...>',
            f'A: write(3, "{"x" * 9}") <unfinished ...>',
        ],
        [
            "A: close(3) = 0",
            "A: pipe() = [3, 4]",
            f'A: write(4, "{"x" * 9}") = 9',
            f'A: write(3, "{"x" * 9}") = 9',
        ],
        [None, None],
    ),
    (  # a send that failed differently is not about sizes
        "buffer look-alike",
        ['A: send(3, "ab") = 2'],
        ['A: send(3, "ab") = -1 EPIPE (Broken pipe)'],
        [None],
    ),
    (  # a read that Linux left waiting is no clock: no timer finishes a pipe's read
        "clock look-alike on a read",
        ["A: read(3, 10) = 0"],
        ["A: read(3, 10) <unfinished ...>"],
        [None],
    ),
    (  # a recv that got other bytes is not a send's buffer
        "buffer look-alike on recv",
        ['A: recv(3, 5) = "ab"'],
        ['A: recv(3, 5) = "cd"'],
        [None],
    ),
    (  # the lines differ only in an ephemeral port
        "ports fits",
        ['A: recvfrom(3, 10) = ["hi", "127.0.0.1:32768"]'],
        ['A: recvfrom(3, 10) = ["hi", "127.0.0.1:40000"]'],
        [PORTS],
    ),
    (  # a bind that failed differently is not about port numbering
        "ports look-alike",
        ['A: bind(3, "127.0.0.1:9000") = 0'],
        ['A: bind(3, "127.0.0.1:9000") = -1 EADDRINUSE (Address already in use)'],
        [None],
    ),
    (  # a fixed port differing is not an ephemeral one
        "ports look-alike with a fixed port",
        ['A: recvfrom(3, 10) = ["hi", "127.0.0.1:9000"]'],
        ['A: recvfrom(3, 10) = ["hi", "127.0.0.1:9001"]'],
        [None],
    ),
    (  # the simulation refuses a real-time signal that Linux takes
        "realtime fits",
        ["A: signal(40, SIG_IGN) = -1 EINVAL (Invalid argument)"],
        ["A: signal(40, SIG_IGN) = 0"],
        [REALTIME],
    ),
    (  # a standard signal refused is not about real-time signals
        "realtime look-alike",
        ["A: kill(A, 0) = -1 EINVAL (Invalid argument)"],
        ["A: kill(A, 0) = 0"],
        [None],
    ),
]


@pytest.mark.parametrize(("name", "sim", "real", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_label_only_where_its_rule_explains_the_line(
    name: str, sim: list[str], real: list[str], expected: list[str | None]
):
    assert reasons(sim, real) == expected


def test_cannot_run_here_is_named_and_what_follows_from_it():
    sim = ["A: pipe(page_size=8192) = [4, 5]", 'A: write(5, "x") = 1']
    real = [
        "# cannot run here: A: pipe(page_size=8192) -- a pipe of 8192-byte pages",
        'A: write(5, "x") = -1 EBADF (Bad file descriptor)',
    ]
    got = reasons(sim, real)
    assert got[0] == "cannot run here: a pipe of 8192-byte pages"
    assert got[1] == "follows from a line of A that could not run here"


def test_an_early_stop_says_why_and_counts_what_it_could_not_compare():
    sim = ["A: read(3, 10) = 0", "A: getpid() = 1", "A: close(3) = 0"]
    real = ["A: read(3, 10) <unfinished ...>"]
    d = compare(Side(HEAD + sim), Side(HEAD + real, "line 4: error: A is blocked in read()"))
    assert not d.agree
    assert d.stopped == "the real run stopped early (line 4: error: A is blocked in read())"
    assert d.uncompared == 2
    assert d.unexplained == 1  # the read itself: no departure explains a read that never ends
    assert [x.reason for x in d.differences if x.uncompared] == [None, None]


def test_two_runs_that_agree_have_nothing_to_count():
    same = [*HEAD, "A: getpid() = 1"]
    d = compare(Side(same), Side(list(same)))
    assert d.agree and d.explained == d.unexplained == d.uncompared == 0 and d.stopped is None


def test_what_an_unrunnable_line_made_explains_other_processes_lines_naming_it():
    """A queue that could not be made here differs for every process that names it, and a
    child forked after the line inherits what its parent's table lacks; a line naming another
    object, of a process the line did not touch, is not explained by it."""
    sim = [
        'A: mq_open("/fq2", O_CREAT|O_RDWR, maxmsg=4096) = 3',
        'A: fork("C") = 3',
        'B: mq_unlink("/fq2") = 0',
        "C: mq_close(3) = 0",
        'B: mq_unlink("/fq1") = 0',
    ]
    real = [
        '# cannot run here: A: mq_open("/fq2", O_CREAT|O_RDWR, maxmsg=4096) -- uid 0 lacks it',
        'A: fork("C") = 3',
        'B: mq_unlink("/fq2") = -1 ENOENT (No such file or directory)',
        "C: mq_close(3) = -1 EBADF (Bad file descriptor)",
        'B: mq_unlink("/fq1") = -1 ENOENT (No such file or directory)',
    ]
    got = reasons(sim, real)
    assert got[0] == "cannot run here: uid 0 lacks it"
    assert got[1] == 'follows from a line that could not run here: it names "/fq2" too'
    assert got[2] == "follows from a line of C that could not run here"
    assert got[3] is None


def test_the_diff_follows_every_shipped_trace_without_failing() -> None:
    """The diff's bookkeeping (sockets, TCP ports, resumed lines) reads every trace the project
    ships, and a trace compared with itself has no difference."""
    from pathlib import Path

    tests = Path(__file__).parent.parent
    traces = sorted(p for d in ("golden", "examples", "conform") for p in tests.glob(f"{d}/*.ipc"))
    assert len(traces) > 30
    for path in traces:
        lines = [x.split("  #", 1)[0] for x in path.read_text().splitlines() if x and not x.startswith("#")]
        d = compare(Side(lines), Side(lines))
        assert d.differences == [], path


SERVER_CLOSES_FIRST = """spawn A
A: socket(AF_INET, SOCK_STREAM)
A: bind(3, "127.0.0.1:9000")
A: listen(3, 5)
A: socket(AF_INET, SOCK_STREAM)
A: connect(4, "127.0.0.1:9000")
A: accept(3)
A: close(5)
A: close(4)
A: close(3)
A: socket(AF_INET, SOCK_STREAM)
A: bind(3, "127.0.0.1:9000")
"""


def _time_wait_reasons(script: str, real_last: str) -> list[str | None]:
    """The simulated run of `script` against a real one whose last line is `real_last`."""
    sim = simulate(parse(script).statements)
    real = Side([*sim.lines[:-1], real_last])
    return [x.reason for x in compare(sim, real).differences]


def test_time_wait_fits_a_port_whose_socket_sent_the_first_fin():
    """The accepted socket closed first: Linux keeps port 9000 in TIME_WAIT."""
    got = _time_wait_reasons(
        SERVER_CLOSES_FIRST, 'A: bind(3, "127.0.0.1:9000") = -1 EADDRINUSE (Address already in use)'
    )
    assert got == [TIME_WAIT]


def test_time_wait_fits_an_orphan_client_across_resumed_lines():
    """A client bound to 9001, connected by a blocking connect that an accept resumed, closed
    first while the server keeps its end: Linux keeps 9001 (FIN_WAIT_2, then TIME_WAIT)."""
    script = """spawn A
spawn B
B: socket(AF_INET, SOCK_STREAM)
B: bind(3, "127.0.0.1:9000")
B: listen(3, 0)
A: socket(AF_INET, SOCK_STREAM)
A: socket(AF_INET, SOCK_STREAM)
A: connect(3, "127.0.0.1:9000")
A: bind(4, "127.0.0.1:9001")
A: connect(4, "127.0.0.1:9000")
B: accept(3)
B: accept(3)
A: close(4)
A: socket(AF_INET, SOCK_STREAM)
A: bind(4, "127.0.0.1:9001")
"""
    sim = simulate(parse(script).statements)
    assert any("<... connect resumed>" in x for x in sim.lines)
    got = _time_wait_reasons(script, 'A: bind(4, "127.0.0.1:9001") = -1 EADDRINUSE (Address already in use)')
    assert got == [TIME_WAIT]


@pytest.mark.parametrize(
    "script",
    [
        pytest.param(
            SERVER_CLOSES_FIRST.replace("A: close(5)\nA: close(4)", "A: close(4)\nA: close(5)"),
            id="client first",
        ),
        pytest.param(
            SERVER_CLOSES_FIRST.replace(
                "A: close(5)", 'A: send(5, "x")\nA: close(4)\nA: close(5)', 1
            ).replace("A: close(4)\nA: close(3)", "A: close(3)"),
            id="a reset",
        ),
        pytest.param(
            SERVER_CLOSES_FIRST.replace("A: accept(3)\nA: close(5)\nA: close(4)\n", "A: close(4)\n"),
            id="never accepted",
        ),
        pytest.param(
            "SOCK_DGRAM".join(SERVER_CLOSES_FIRST.rsplit("SOCK_STREAM", 1)),
            id="UDP",
        ),
    ],
)
def test_time_wait_look_alikes(script: str):
    """Where Linux keeps no TIME_WAIT on the port (the other side closed first, the connection
    was reset, there was none, or the socket is UDP), the same EADDRINUSE is unexplained."""
    last = parse(script).statements[-1].text
    got = _time_wait_reasons(script, f"{last} = -1 EADDRINUSE (Address already in use)")
    assert got == [None]


def test_long_numbers_in_a_trace_are_no_descriptors():
    """A result of thousands of digits (data read back) is not parsed as a descriptor."""
    digits = "7" * 5000
    lines = ["A: pipe() = [3, 4]", f'A: write(4, "{digits}") = 5000', f'A: read(3, 5000) = "{digits}"']
    d = compare(
        Side([*HEAD, *lines, f"A: close({digits}) = -1 EBADF (Bad file descriptor)"]), Side(HEAD + lines)
    )
    assert len(d.differences) == 1


def test_a_late_end_of_a_wait_is_labelled_alone_not_with_the_line_beside_it():
    """The real connect ends later (no clock) where the simulated run shows a bind that differs:
    the label goes to the resumed line alone, and the binds are compared with each other."""
    sim = ['A: connect(3, "127.0.0.1:80") = 0', 'B: bind(4, "127.0.0.1:81") = -1 EINVAL (Invalid argument)']
    real = [
        'A: connect(3, "127.0.0.1:80") <unfinished ...>',
        "A: <... connect resumed> = 0",
        'B: bind(4, "127.0.0.1:81") = 0',
    ]
    d = compare(Side(HEAD + sim), Side(HEAD + real))
    got = [(x.simulated, x.real, x.reason) for x in d.differences]
    assert got == [
        (sim[0], real[0], CLOCK),
        (None, real[1], CLOCK),
        (sim[1], real[2], None),
    ]
