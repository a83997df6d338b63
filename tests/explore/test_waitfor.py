"""The wait-for graph: for each kind of blocking, who could wake the blocked process.

Each case comes with its look-alike: the same blocking where the answer differs (the sleeper
itself, or another sleeper on the same queue, holds what would wake it and so cannot)."""

from __future__ import annotations

import pytest

from ipctui.engine.views import processes_view
from ipctui.engine.waitfor import find_cycle, wait_for
from ipctui.script import Runner, parse

BIG = "x" * 65536  # fills a socket's receive buffer


def graph(text: str) -> dict[str, tuple[str, ...]]:
    runner = Runner()
    for st in parse(text).statements:
        runner.step(st)
    return {w.proc: w.waits_for for w in wait_for(runner.kernel)}


LOCK = (
    'a: shm_open("/m", O_CREAT|O_RDWR)\na: ftruncate(3, 8)\na: mmap(3)\n'
    'b: shm_open("/m", O_RDWR)\nb: mmap(3)\n'
)
MQ = 'a: mq_open("/q", O_CREAT|O_RDWR, maxmsg=1)\n'
UNIX = 'a: socket(AF_UNIX, SOCK_STREAM)\na: bind(3, "/s")\na: listen(3, 0)\n'

CASES = {
    "a lock: its holder": (
        f'spawn a\nspawn b\nspawn c\n{LOCK}a: lock("/m")\nb: lock("/m")\n',
        {"b": ("a",)},
    ),
    "a lock: not another waiter for it, nor a dead holder": (
        f'spawn a\nspawn b\nspawn c\n{LOCK}c: shm_open("/m", O_RDWR)\nc: mmap(3)\n'
        'a: lock("/m")\nb: lock("/m")\nc: lock("/m")\na: exit(0)\n',
        {"b": (), "c": ()},
    ),
    "a pipe's reader holding the only write end: itself": (
        'spawn a\na: pipe()\na: fork("b")\nb: close(4)\na: read(3, 1)\n',
        {"a": ("a",)},
    ),
    "a pipe's reader sharing the write end: the other holder only": (
        'spawn a\na: pipe()\na: fork("b")\na: read(3, 1)\n',
        {"a": ("b",)},
    ),
    "two readers of one pipe: neither can write while blocked": (
        'spawn a\na: pipe()\na: fork("b")\na: read(3, 1)\nb: read(3, 1)\n',
        {"a": (), "b": ()},
    ),
    "two readers of one pipe and a writer that can run": (
        'spawn a\na: pipe()\na: fork("b")\na: fork("c")\na: read(3, 1)\nb: read(3, 1)\n',
        {"a": ("c",), "b": ("c",)},
    ),
    "a full pipe's writer: the read ends' holders": (
        'spawn a\na: pipe(capacity=4096)\na: fork("b")\na: close(3)\n'
        'a: write(4, "' + "x" * 4096 + '")\na: write(4, "y")\n',
        {"a": ("b",)},
    ),
    "a full pipe's writer holding the only read end: itself": (
        'spawn a\na: pipe(capacity=4096)\na: fork("b")\nb: close(3)\n'
        'a: write(4, "' + "x" * 4096 + '")\na: write(4, "y")\n',
        {"a": ("a",)},
    ),
    "a FIFO's reader: the other end, once opened": (
        'spawn a\nspawn b\na: mkfifo("/f")\na: open("/f", O_RDWR)\nb: open("/f", O_RDONLY)\nb: read(3, 1)\n',
        {"b": ("a",)},
    ),
    "an open of a FIFO: anyone who could open it, not another opener for reading": (
        'spawn a\nspawn b\nspawn c\na: mkfifo("/f")\na: open("/f", O_RDONLY)\nb: open("/f", O_RDONLY)\n',
        {"a": ("c",), "b": ("c",)},
    ),
    "a POSIX semaphore: whoever else has it open": (
        'spawn a\nspawn b\nspawn c\na: sem_open("/s", O_CREAT, value=0)\nb: sem_open("/s", 0)\n'
        "a: sem_wait(1)\n",
        {"a": ("b",)},
    ),
    "a POSIX semaphore whose every holder waits on it": (
        'spawn a\nspawn b\nspawn c\na: sem_open("/s", O_CREAT, value=0)\nb: sem_open("/s", 0)\n'
        "a: sem_wait(1)\nb: sem_wait(1)\n",
        {"a": (), "b": ()},
    ),
    "a POSIX receiver: who has the queue open for sending, not itself": (
        "spawn a\nspawn b\nspawn c\n" + MQ + 'b: mq_open("/q", O_WRONLY)\nc: mq_open("/q", O_RDONLY)\n'
        "a: mq_receive(3)\n",
        {"a": ("b",)},
    ),
    "two POSIX receivers on one queue: a blocked mq_receive cannot send": (
        "spawn a\n" + MQ + 'a: fork("b")\na: mq_receive(3)\nb: mq_receive(3)\n',
        {"a": (), "b": ()},
    ),
    "a POSIX receiver holding the queue alone: itself": (
        "spawn a\nspawn b\n" + MQ + "a: mq_receive(3)\n",
        {"a": ("a",)},
    ),
    "a POSIX sender on a full queue: who has it open for receiving": (
        "spawn a\nspawn b\n" + MQ + 'a: fork("c")\nb: mq_open("/q", O_RDONLY)\na: mq_send(3, "1", 0)\n'
        'a: mq_send(3, "2", 0)\nc: mq_send(3, "3", 0)\n',
        {"a": ("b",), "c": ("b",)},
    ),
    "System V receivers: anyone who can msgsnd, not another receiver": (
        "spawn a\nspawn b\nspawn c\na: msgget(1, IPC_CREAT, mode=0666)\nb: msgget(1, 0)\n"
        "a: msgrcv(0, 1)\nb: msgrcv(0, 0)\n",
        {"a": ("c",), "b": ("c",)},
    ),
    "a System V receiver and a sender blocked on the full queue: the sender can still send": (
        "spawn a\nspawn b\na: msgget(1, IPC_CREAT, mode=0666)\n"
        + "".join(f'a: msgsnd(0, 2, "{"x" * 8192}")\n' for _ in range(2))
        + "b: msgrcv(0, 1)\n"
        + 'a: msgsnd(0, 1, "y")\n',
        {"a": (), "b": ("a",)},
    ),
    "a System V semaphore: a sleeper whose own semop would post it counts": (
        "spawn a\nspawn b\na: semget(1, 2, IPC_CREAT, mode=0666)\nb: semget(1, 0)\n"
        "a: semop(0, [[0, -1]])\nb: semop(0, [[1, -1], [0, 1]])\n",
        {"a": ("b",), "b": ()},
    ),
    "a System V semaphore: a sleeper that would not post it does not": (
        "spawn a\nspawn b\nspawn c\na: semget(1, 2, IPC_CREAT, mode=0666)\n"
        "a: semop(0, [[0, -1]])\nb: semop(0, [[1, -1], [0, -1]])\n",
        {"a": ("c",), "b": ("c",)},
    ),
    "a parent waits for its children": (
        'spawn a\nspawn z\na: fork("b")\na: fork("c")\na: wait()\n',
        {"a": ("b", "c")},
    ),
    "a parent waits for a child, itself blocked": (
        'spawn a\na: pipe()\na: fork("b")\nb: read(3, 1)\na: close(4)\na: wait()\n',
        {"a": ("b",), "b": ("b",)},
    ),
    "pause: everyone else": (
        "spawn a\nspawn b\nspawn c\na: pause()\n",
        {"a": ("b", "c")},
    ),
    "a socket's reader: whoever holds its peer": (
        'spawn a\na: socketpair(AF_UNIX, SOCK_STREAM)\na: fork("b")\nb: close(3)\na: close(4)\n'
        "a: recv(3, 10)\n",
        {"a": ("b",)},
    ),
    "a socket's reader holding its peer alone: itself": (
        "spawn a\nspawn b\na: socketpair(AF_UNIX, SOCK_STREAM)\na: recv(3, 10)\n",
        {"a": ("a",)},
    ),
    "a socket's sender on a full buffer: who can receive from the peer, not the sender": (
        'spawn a\na: socketpair(AF_UNIX, SOCK_STREAM)\na: fork("b")\nb: close(3)\na: close(4)\n'
        f'a: send(3, "{BIG}")\na: send(3, "y")\n',
        {"a": ("b",)},
    ),
    "a datagram socket's reader: anyone who could send to it, not itself": (
        'spawn a\nspawn b\na: socket(AF_INET, SOCK_DGRAM)\na: bind(3, "127.0.0.1:9000")\n'
        "a: recvfrom(3, 10)\n",
        {"a": ("b",)},
    ),
    "a datagram sender on a full receiver: who holds the receiving socket": (
        'spawn a\nspawn b\nb: socket(AF_UNIX, SOCK_DGRAM)\nb: bind(3, "/d")\na: socket(AF_UNIX, SOCK_DGRAM)\n'
        f'a: sendto(3, "{BIG}", "/d")\na: sendto(3, "y", "/d")\n',
        {"a": ("b",)},
    ),
    "a blocked connect: who holds the listener, not the connector": (
        "spawn a\nspawn b\nspawn c\n" + UNIX + 'b: socket(AF_UNIX, SOCK_STREAM)\nb: connect(3, "/s")\n'
        'b: socket(AF_UNIX, SOCK_STREAM)\nb: connect(4, "/s")\n',
        {"b": ("a",)},
    ),
    "accept: anyone who could connect, not another acceptor": (
        "spawn a\nspawn c\n" + UNIX + 'a: fork("b")\na: accept(3)\nb: accept(3)\n',
        {"a": ("c",), "b": ("c",)},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_wait_for(name: str) -> None:
    script, expected = CASES[name]
    assert graph(script) == expected


def test_a_woken_sleeper_waits_for_nobody() -> None:
    """Right after the send (its resumption not yet run), the receiver can run: it is off the graph
    and off the stuck banner, and so no longer a waker's blocker."""
    runner = Runner()
    *setup, send = parse(
        "spawn a\nspawn b\n" + MQ + 'b: mq_open("/q", O_WRONLY)\na: mq_receive(3)\nb: mq_send(3, "m", 0)\n'
    ).statements
    for st in setup:
        runner.step(st)
    assert [w.proc for w in wait_for(runner.kernel)] == ["a"]
    runner.step(send, hold=True)
    assert wait_for(runner.kernel) == []
    assert processes_view(runner.kernel).stuck == ""


def test_the_stuck_banner_names_no_self_among_others() -> None:
    """The producer-consumer demo's complaint: the consumer, blocked in mq_receive on a queue it
    has open read-write, is not among those who could wake it."""
    runner = Runner()
    for st in parse(
        'spawn p\nspawn c\np: mq_open("/q", O_CREAT|O_RDWR)\nc: mq_open("/q", O_RDWR)\n'
        "p: pipe()\np: read(4, 1)\nc: mq_receive(3)\n"
    ).statements:
        runner.step(st)
    view = processes_view(runner.kernel)
    assert {r.name: r.waits_for for r in view.procs} == {"p": ("p",), "c": ("p",)}
    assert view.stuck == "No process can move: deadlock, p → p"


def test_cycles() -> None:
    assert find_cycle({"a": ("b",), "b": ("a",)}) == ["a", "b"]
    assert find_cycle({"a": ("a", "b"), "b": ("c",), "c": ("a",)}) == ["a", "b", "c"]
    assert find_cycle({"a": ("a",)}) == ["a"]
    assert find_cycle({"a": ("b",), "b": ()}) == []
    assert find_cycle({}) == []


def test_a_blocked_caller_that_will_still_post_counts_though_it_has_no_lines_left() -> None:
    """When exploring, `anyone` is those with lines left; a sender blocked on a full System V queue
    (or a semop that would post) still completes once woken, lines or not."""
    runner = Runner()
    script = (
        "spawn a\nspawn b\nspawn c\nspawn d\na: msgget(1, IPC_CREAT, mode=0666)\n"
        + "".join(f'a: msgsnd(0, 2, "{"x" * 8192}")\n' for _ in range(2))
        + 'b: msgrcv(0, 1)\na: msgsnd(0, 1, "y")\n'
        + "c: semget(2, 2, IPC_CREAT, mode=0666)\nc: semop(0, [[1, -1], [0, 1]])\n"
        + "d: semop(0, [[0, -1]])\n"
    )
    for st in parse(script).statements:
        runner.step(st)
    nobody_has_lines = {w.proc: w.waits_for for w in wait_for(runner.kernel, lambda q: False)}
    assert nobody_has_lines == {"a": (), "b": ("a",), "c": (), "d": ("c",)}
