"""The wait-for graph: for each kind of blocking, who could wake the blocked process."""

from __future__ import annotations

import pytest

from ipctui.engine.waitfor import find_cycle, wait_for
from ipctui.script import Runner, parse


def graph(text: str) -> dict[str, tuple[str, ...]]:
    runner = Runner()
    for st in parse(text).statements:
        runner.step(st)
    return {w.proc: w.waits_for for w in wait_for(runner.kernel)}


CASES = {
    "a lock's holder": (
        'spawn a\nspawn b\na: shm_open("/m", O_CREAT|O_RDWR)\na: ftruncate(3, 8)\na: mmap(3)\n'
        'b: shm_open("/m", O_RDWR)\nb: mmap(3)\na: lock("/m")\nb: lock("/m")\n',
        {"b": ("a",)},
    ),
    "a pipe's write ends, the reader's own among them": (
        'spawn a\na: pipe()\na: fork("b")\nb: close(4)\na: read(3, 1)\n',
        {"a": ("a",)},
    ),
    "a full pipe's read ends": (
        'spawn a\na: pipe(capacity=4096)\na: fork("b")\na: close(3)\n'
        'a: write(4, "' + "x" * 4096 + '")\na: write(4, "y")\n',
        {"a": ("b",)},
    ),
    "a FIFO's other end, once opened": (
        'spawn a\nspawn b\na: mkfifo("/f")\na: open("/f", O_RDWR)\nb: open("/f", O_RDONLY)\nb: read(3, 1)\n',
        {"b": ("a",)},
    ),
    "whoever has the semaphore open": (
        'spawn a\nspawn b\nspawn c\na: sem_open("/s", O_CREAT, value=0)\nb: sem_open("/s", 0)\n'
        "a: sem_wait(1)\n",
        {"a": ("a", "b")},
    ),
    "whoever has the queue open for sending": (
        'spawn a\nspawn b\nspawn c\na: mq_open("/q", O_CREAT|O_RDONLY)\nb: mq_open("/q", O_WRONLY)\n'
        "a: mq_receive(3)\n",
        {"a": ("b",)},
    ),
    "a parent waits for its children": (
        'spawn a\nspawn z\na: fork("b")\na: fork("c")\na: wait()\n',
        {"a": ("b", "c")},
    ),
    "pause: everyone else": (
        "spawn a\nspawn b\nspawn c\na: pause()\n",
        {"a": ("b", "c")},
    ),
    "a socket's peer": (
        'spawn a\na: socketpair(AF_UNIX, SOCK_STREAM)\na: fork("b")\nb: close(3)\na: close(4)\n'
        "a: recv(3, 10)\n",
        {"a": ("b",)},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_wait_for(name: str) -> None:
    script, expected = CASES[name]
    assert graph(script) == expected


def test_cycles() -> None:
    assert find_cycle({"a": ("b",), "b": ("a",)}) == ["a", "b"]
    assert find_cycle({"a": ("a", "b"), "b": ("c",), "c": ("a",)}) == ["a", "b", "c"]
    assert find_cycle({"a": ("a",)}) == ["a"]
    assert find_cycle({"a": ("b",), "b": ()}) == []
    assert find_cycle({}) == []
