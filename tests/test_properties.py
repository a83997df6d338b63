"""Invariants under random scripts: nothing raises, nothing is lost, runs repeat and round-trip."""

from __future__ import annotations

import contextlib
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipctui.engine import Kernel
from ipctui.engine.pipe import Pipe
from ipctui.script import ExpectationFailed, Runner, ScriptError, parse, parse_line, run_script, text_line

PROCS = ["A", "B", "C", "A", "B", "F1", "F2", "1", "4"]
SIGS = [
    "SIGUSR1",
    "SIGUSR2",
    "SIGTERM",
    "SIGSTOP",
    "SIGCONT",
    "SIGKILL",
    "SIGCHLD",
    "SIGPIPE",
    "SIGTSTP",
    "0",
]
FDS = st.integers(2, 9) | st.integers(3, 5) | st.integers(3, 5)
DATA = st.text(alphabet="ab\n\x00é", max_size=12).map(lambda s: s.encode().hex())


def _q(hexdata: str) -> str:
    return '"' + "".join(f"\\x{b:02x}" for b in bytes.fromhex(hexdata)) + '"'


proc = st.sampled_from(PROCS)
sig = st.sampled_from(SIGS)

PIPE_LINES = st.one_of(
    st.builds(lambda p: f"{p}: pipe()", proc),
    st.builds(
        lambda p, c, ps: f"{p}: pipe(capacity={c}, page_size={ps})",
        proc,
        st.sampled_from([0, 1, 4, 8, 16, 64]),
        st.sampled_from([1, 2, 4, 3]),
    ),
    st.builds(lambda p, fd, d: f"{p}: write({fd}, {_q(d)})", proc, FDS, DATA),
    st.builds(lambda p, fd, n: f"{p}: read({fd}, {n})", proc, FDS, st.integers(0, 20)),
    st.builds(lambda p, fd: f"{p}: close({fd})", proc, FDS),
    st.builds(
        lambda p, fd, a: f"{p}: fcntl({fd}, {a})",
        proc,
        FDS,
        st.sampled_from(
            ["F_SETFL, O_NONBLOCK", "F_SETFL, 0", "F_GETPIPE_SZ", "F_SETPIPE_SZ, 4", "F_SETPIPE_SZ, 64"]
        ),
    ),
    st.builds(lambda p: f'{p}: mkfifo("/f", mode=0666)', proc),
    st.builds(
        lambda p, f: f'{p}: open("/f", {f})',
        proc,
        st.sampled_from(["O_RDONLY", "O_WRONLY", "O_RDWR", "O_RDONLY|O_NONBLOCK", "O_WRONLY|O_NONBLOCK"]),
    ),
    st.builds(lambda p: f'{p}: unlink("/f")', proc),
)
PROC_LINES = st.one_of(
    st.builds(lambda p, n: f'{p}: fork("{n}")', proc, st.sampled_from(["F1", "F2", "F3"])),
    st.builds(lambda p, c: f"{p}: exit({c})", proc, st.integers(0, 3)),
    st.builds(lambda p: f"{p}: wait()", proc),
    st.builds(lambda p, q: f"{p}: waitpid({q})", proc, proc),
    st.builds(lambda p, q, s: f"{p}: kill({q}, {s})", proc, proc, sig),
    st.builds(
        lambda p, s, h: f"{p}: signal({s}, {h})",
        proc,
        sig,
        st.sampled_from(["SIG_DFL", "SIG_IGN", '"h"', '"h", sa_restart=1']),
    ),
    st.builds(
        lambda p, how, s: f"{p}: sigprocmask({how}, [{s}])",
        proc,
        st.sampled_from(["SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"]),
        sig,
    ),
    st.builds(lambda p: f"{p}: pause()", proc),
    st.builds(lambda p: f"{p}: sigpending()", proc),
    st.builds(
        lambda n, u: f"spawn {n} uid={u}",
        st.sampled_from(["A", "B", "C", "D"]),
        st.sampled_from([0, 1000, 1001]),
    ),
)
IPC_LINES = st.one_of(
    st.builds(
        lambda p, f: f'{p}: mq_open("/q", {f}, maxmsg=2, msgsize=4, mode=0666)',
        proc,
        st.sampled_from(["O_CREAT|O_RDWR", "O_RDONLY", "O_WRONLY|O_NONBLOCK", "O_RDWR|O_NONBLOCK"]),
    ),
    st.builds(lambda p, fd, d, pr: f"{p}: mq_send({fd}, {_q(d)}, {pr})", proc, FDS, DATA, st.integers(0, 3)),
    st.builds(lambda p, fd: f"{p}: mq_receive({fd})", proc, FDS),
    st.builds(lambda p: f'{p}: mq_unlink("/q")', proc),
    st.builds(lambda p: f"{p}: msgget(5, IPC_CREAT, mode=0666)", proc),
    st.builds(
        lambda p, t, d, w: f"{p}: msgsnd(0, {t}, {_q(d)}, nowait={w})",
        proc,
        st.integers(0, 3),
        DATA,
        st.integers(0, 1),
    ),
    st.builds(
        lambda p, t, w: f"{p}: msgrcv(0, {t}, nowait={w})", proc, st.integers(-3, 3), st.integers(0, 1)
    ),
    st.builds(lambda p: f"{p}: msgctl(0, IPC_RMID)", proc),
    st.builds(lambda p: f'{p}: shm_open("/m", O_CREAT|O_RDWR, mode=0666)', proc),
    st.builds(lambda p, fd, n: f"{p}: ftruncate({fd}, {n})", proc, FDS, st.sampled_from([0, 10, 5000])),
    st.builds(lambda p, fd: f"{p}: mmap({fd})", proc, FDS),
    st.builds(
        lambda p, o, d: f'{p}: poke("/m", {o}, {_q(d)})', proc, st.sampled_from([0, 8, 4090, 8190]), DATA
    ),
    st.builds(
        lambda p, o, n: f'{p}: peek("/m", {o}, {n})',
        proc,
        st.sampled_from([0, 8, 4090, 8190]),
        st.integers(0, 9),
    ),
    st.builds(
        lambda p, c: f'{p}: {c}("/m")',
        proc,
        st.sampled_from(["lock", "trylock", "unlock", "munmap", "shm_unlink"]),
    ),
    st.builds(lambda p: f'{p}: sem_open("/s", O_CREAT, value=1, mode=0666)', proc),
    st.builds(
        lambda p, c: f"{p}: {c}(1)",
        proc,
        st.sampled_from(["sem_wait", "sem_trywait", "sem_post", "sem_close"]),
    ),
)
NET_LINES = st.one_of(
    st.builds(
        lambda p, d, t: f"{p}: socket({d}, {t})",
        proc,
        st.sampled_from(["AF_INET", "AF_UNIX"]),
        st.sampled_from(["SOCK_STREAM", "SOCK_DGRAM", "SOCK_STREAM|SOCK_NONBLOCK"]),
    ),
    st.builds(lambda p: f"{p}: socketpair(AF_UNIX, SOCK_STREAM)", proc),
    st.builds(
        lambda p, fd, a: f'{p}: bind({fd}, "{a}")',
        proc,
        FDS,
        st.sampled_from(["127.0.0.1:80", "127.0.0.1:0", "/u", "0.0.0.0:9"]),
    ),
    st.builds(lambda p, fd, b: f"{p}: listen({fd}, {b})", proc, FDS, st.integers(0, 2)),
    st.builds(
        lambda p, fd, a: f'{p}: connect({fd}, "{a}")',
        proc,
        FDS,
        st.sampled_from(["127.0.0.1:80", "/u", "127.0.0.1:9"]),
    ),
    st.builds(lambda p, fd: f"{p}: accept({fd})", proc, FDS),
    st.builds(lambda p, fd, d: f"{p}: send({fd}, {_q(d)})", proc, FDS, DATA),
    st.builds(
        lambda p, fd, d, a: f'{p}: sendto({fd}, {_q(d)}, "{a}")',
        proc,
        FDS,
        DATA,
        st.sampled_from(["127.0.0.1:9", "/u"]),
    ),
    st.builds(lambda p, fd, n: f"{p}: recv({fd}, {n})", proc, FDS, st.integers(0, 20)),
    st.builds(lambda p, fd, n: f"{p}: recvfrom({fd}, {n})", proc, FDS, st.integers(0, 20)),
    st.builds(
        lambda p, fd, h: f"{p}: shutdown({fd}, {h})",
        proc,
        FDS,
        st.sampled_from(["SHUT_RD", "SHUT_WR", "SHUT_RDWR"]),
    ),
    st.builds(lambda p, fd: f"{p}: close({fd})", proc, FDS),
)
# A shared pipe with forked readers and writers: blocking, waking and signals all the time.
WORKERS = ["R1", "R2", "W1", "W2"]
worker = st.sampled_from(WORKERS)
PIPE_SCENARIO_START = [
    "spawn P",
    "P: pipe(capacity=16, page_size=4)",
    'P: signal(SIGUSR1, "h")',
    'P: signal(SIGUSR2, "h", sa_restart=1)',
    *[f'P: fork("{w}")' for w in WORKERS],
]
PIPE_SCENARIO = st.one_of(
    st.builds(lambda w, d: f"{w}: write(4, {_q(d)})", worker, DATA),
    st.builds(lambda w, d: f"{w}: write(4, {_q(d)})", worker, DATA),
    st.builds(lambda w, n: f"{w}: read(3, {n})", worker, st.integers(1, 12)),
    st.builds(lambda w, n: f"{w}: read(3, {n})", worker, st.integers(1, 12)),
    st.builds(lambda w, fd: f"{w}: close({fd})", worker, st.sampled_from([3, 4])),
    st.builds(
        lambda w, s: f"P: kill({w}, {s})",
        worker,
        st.sampled_from(["SIGUSR1", "SIGUSR2", "SIGSTOP", "SIGCONT"]),
    ),
    st.builds(lambda w, f: f"{w}: fcntl({f}, F_SETFL, O_NONBLOCK)", worker, st.sampled_from([3, 4])),
    st.builds(lambda w: f"{w}: fcntl(3, F_SETPIPE_SZ, 32)", worker),
    st.builds(lambda w: f"{w}: exit(0)", worker),
    st.just("P: close(3)"),
    st.just("P: close(4)"),
)
ANY_LINE = st.one_of(
    PIPE_LINES, PIPE_LINES, PIPE_LINES, PROC_LINES, IPC_LINES, IPC_LINES, NET_LINES, NET_LINES
)
START = ["spawn A", "spawn B", "spawn C uid=1001"]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run_leniently(
    lines: list[str], kernel: Kernel | None = None, start: list[str] = START
) -> tuple[list[str], list[str]]:
    """Run each line, skipping those the runner refuses as script errors; returns (run lines, trace)."""
    runner = Runner(kernel)
    ran: list[str] = []
    out: list[str] = []
    for line in start + lines:
        st_ = parse_line(line)
        assert st_ is not None
        try:
            step = runner.step(st_)
        except ScriptError:
            continue
        ran.append(line)
        out += [text_line(ev, st_ if ev.kind in ("call", "spawn") else ev.tag) for ev in step.events]
    return ran, out


@SETTINGS
@given(st.lists(ANY_LINE, max_size=60))
def test_random_lines_never_raise_out_of_the_engine_and_repeat_exactly(lines: list[str]) -> None:
    _, first = run_leniently(lines)
    _, second = run_leniently(lines)
    assert first == second


@SETTINGS
@given(st.lists(ANY_LINE, max_size=50))
def test_the_trace_round_trips(lines: list[str]) -> None:
    _, out = run_leniently(lines)
    again: list[str] = []
    run_script(parse("\n".join(out)).statements, again.append)  # expectations must all hold
    assert again == out


@SETTINGS
@given(st.lists(PIPE_SCENARIO, max_size=80))
def test_pipe_scenarios_repeat_and_round_trip(lines: list[str]) -> None:
    _, first = run_leniently(lines, start=PIPE_SCENARIO_START)
    _, second = run_leniently(lines, start=PIPE_SCENARIO_START)
    assert first == second
    again: list[str] = []
    run_script(parse("\n".join(first)).statements, again.append)
    assert again == first


@SETTINGS
@given(
    st.one_of(st.lists(st.one_of(PIPE_LINES, PROC_LINES), max_size=80), st.lists(PIPE_SCENARIO, max_size=80))
)
def test_no_pipe_byte_is_lost_or_invented(lines: list[str]) -> None:
    put_log: dict[int, bytearray] = defaultdict(bytearray)
    take_log: dict[int, bytearray] = defaultdict(bytearray)
    real_put, real_take = Pipe.put, Pipe.take

    def put(self: Pipe, data: bytes, start: int, merge: bool) -> int:
        n = real_put(self, data, start, merge)
        put_log[id(self)] += data[start : start + n]
        return n

    def take(self: Pipe, n: int) -> tuple[bytes, bool]:
        out = real_take(self, n)
        take_log[id(self)] += out[0]
        return out

    kernel = Kernel()
    Pipe.put, Pipe.take = put, take  # type: ignore[method-assign]
    start = PIPE_SCENARIO_START if lines and lines[0].split(":")[0] in [*WORKERS, "P"] else START
    try:
        run_leniently(lines, kernel, start)
    finally:
        Pipe.put, Pipe.take = real_put, real_take  # type: ignore[method-assign]
    for pipe in kernel.pipes.values():
        buffered = b"".join(bytes(s.data[s.offset :]) for s in _in_order(pipe))
        assert pipe.buffered == len(buffered)
        assert pipe.bytes_written == pipe.bytes_read + pipe.buffered
        assert bytes(take_log[id(pipe)]) + buffered == bytes(put_log[id(pipe)])
        assert pipe.used <= pipe.nslots


def _in_order(pipe: Pipe) -> list:
    return [pipe.slots[(pipe.tail + i) % pipe.nslots] for i in range(pipe.used)]


MQ_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("send"), st.integers(0, 4), st.binary(max_size=4)),
        st.tuples(st.just("recv"), st.just(0), st.just(b"")),
    ),
    max_size=80,
)


@SETTINGS
@given(MQ_OPS)
def test_posix_queue_delivers_by_priority_then_age_losing_nothing(ops) -> None:
    k = Kernel()
    k.spawn("P")
    k.spawn("Q")
    k.call("P", "mq_open", ("/q", 0o102 | 0o4000), {"maxmsg": 5, "msgsize": 4, "mode": 0o666})
    k.call("Q", "mq_open", ("/q", 0o0), {})
    model: list[tuple[int, int, bytes]] = []  # (-prio, seq, data)
    seq = 0
    for op, prio, data in ops:
        waiting = k.procs[2].waiter is not None
        if op == "send":
            events = k.call("P", "mq_send", (3, data, prio))
            if waiting:  # it goes straight to the waiting receiver
                assert events[0].status == "ok" and events[1].result == [data, prio]
            elif len(model) < 5:
                assert events[0].status == "ok"
                model.append((-prio, seq, data))
                seq += 1
            else:
                assert events[0].errno == "EAGAIN"
        elif not waiting:
            events = k.call("Q", "mq_receive", (3,))
            if events[0].status == "ok":
                model.sort()
                neg, _, data = model.pop(0)
                assert events[0].result == [data, -neg]
            else:
                assert not model and events[0].status == "blocked"
    assert k.mqueues["/q"].curmsgs == len(model)


@SETTINGS
@given(
    st.lists(
        st.tuples(st.sampled_from(["lock", "trylock", "unlock", "exit"]), st.integers(0, 3)), max_size=60
    )
)
def test_a_lock_has_one_owner_and_waiters_get_it_in_order(ops) -> None:
    k = Kernel()
    k.spawn("P")
    for call, args in [("shm_open", ("/m", 0o102)), ("ftruncate", (3, 64)), ("mmap", (3,))]:
        k.call("P", call, args)
    names = [f"W{i}" for i in range(4)]
    for n in names:
        k.call("P", "fork", (n,))
    waiting: list[str] = []
    seg = k.shm["/m"]
    for op, i in ops:
        name = names[i]
        proc = k.process(name)
        if proc is None or not proc.alive or proc.waiter is not None:
            continue
        events = k.call(name, op, ("/m",) if op != "exit" else (0,))
        if op == "lock" and events[0].status == "blocked":
            waiting.append(name)
        if op == "exit":
            waiting = [w for w in waiting if w != name]
        for ev in events[1:]:
            if ev.kind == "resumed" and ev.call == "lock":
                assert ev.proc == waiting.pop(0)  # first blocked, first woken
        owners = [p for p in k.procs.values() if p.alive and seg.lock.owner == p.pid]
        assert len(owners) <= 1


@SETTINGS
@given(
    st.lists(
        st.tuples(st.sampled_from(["sem_wait", "sem_trywait", "sem_post", "kill"]), st.integers(0, 3)),
        max_size=60,
    )
)
def test_semaphore_value_plus_what_was_taken_matches_the_posts(ops) -> None:
    k = Kernel()
    k.spawn("P")
    k.call("P", "sem_open", ("/s", 0o100), {"value": 2})
    names = [f"W{i}" for i in range(4)]
    for n in names:
        k.call("P", "fork", (n,))
    sem = k.sems["/s"]
    for op, i in ops:
        proc = k.process(names[i])
        if proc is None or not proc.alive or proc.waiter is not None:
            continue
        if op == "kill":
            k.call("P", "kill", (proc.pid, 9))
        else:
            k.call(names[i], op, (1,))
        assert sem.value >= 0
        assert sem.value + sem.taken == 2 + sem.posts


STREAM_OPS = st.lists(
    st.tuples(st.sampled_from(["send", "recv", "shut"]), st.booleans(), st.binary(max_size=9000)),
    max_size=40,
)


@SETTINGS
@given(STREAM_OPS, st.sampled_from(["AF_INET", "AF_UNIX"]))
def test_stream_bytes_arrive_exactly_and_in_order(ops, domain) -> None:
    k = Kernel()
    k.spawn("S")
    k.spawn("C")
    addr = "127.0.0.1:7000" if domain == "AF_INET" else "/srv"
    dom = 2 if domain == "AF_INET" else 1
    for name in ("S", "C"):
        k.call(name, "signal", (13, "SIG_IGN"))  # writing after shutdown is EPIPE, not a death
    k.call("S", "socket", (dom, 1 | 0o4000))
    k.call("S", "bind", (3, addr))
    k.call("S", "listen", (3, 1))
    k.call("C", "socket", (dom, 1 | 0o4000))
    k.call("C", "connect", (3, addr))
    k.call("S", "accept", (3,))
    k.call("S", "fcntl", (4, 4, 0o4000))  # an accepted socket does not inherit O_NONBLOCK
    ends = {True: ("C", 3), False: ("S", 4)}
    sent = {True: bytearray(), False: bytearray()}
    got = {True: bytearray(), False: bytearray()}
    for op, side, data in ops:
        proc, fd = ends[side]
        if op == "send":
            ev = k.call(proc, "send", (fd, data))[0]
            if ev.status == "ok":
                sent[side] += data[: ev.result]
        elif op == "recv":
            ev = k.call(proc, "recv", (fd, len(data) + 1))[0]
            if ev.status == "ok":
                got[not side] += ev.result
        else:
            k.call(proc, "shutdown", (fd, 1))
    for side in (True, False):
        proc, fd = ends[not side]
        while True:
            ev = k.call(proc, "recv", (fd, 100000))[0]
            if ev.status != "ok" or not ev.result:
                break
            got[side] += ev.result
        assert bytes(got[side]) == bytes(sent[side])


@SETTINGS
@given(st.lists(st.tuples(st.binary(max_size=40), st.integers(0, 50)), max_size=30))
def test_datagrams_arrive_whole_or_cut_to_the_asked_length(pairs) -> None:
    k = Kernel()
    k.spawn("A")
    k.call("A", "socket", (2, 2 | 0o4000))
    k.call("A", "bind", (3, "127.0.0.1:9000"))
    k.call("A", "socket", (2, 2))
    for data, n in pairs:
        k.call("A", "sendto", (4, data, "127.0.0.1:9000"))
        ev = k.call("A", "recvfrom", (3, n))[0]
        assert ev.result == [data[:n], "127.0.0.1:32768"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_random_text_is_a_script_error_never_an_exception(text: str) -> None:
    try:
        script = parse(text)
        lines: list[str] = []
        run_script(script.statements, lines.append)
    except (ScriptError, ExpectationFailed):
        pass


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                '"',
                "(",
                ")",
                "[",
                "]",
                "{",
                "}",
                "=",
                ",",
                "|",
                "A:",
                " ",
                "x",
                "1",
                "-",
                "\\",
                "<...",
                "resumed>",
                "---",
                "+++",
                "read",
                "#",
                "?",
            ]
        ),
        max_size=30,
    )
)
def test_near_miss_lines_are_script_errors(parts: list[str]) -> None:
    with contextlib.suppress(ScriptError):
        parse("spawn A\nA: " + "".join(parts))
