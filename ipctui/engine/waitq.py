"""Wait queues and the blocked calls that sleep on them (first blocked, first woken)."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .process import Process

CallGen = Generator["WaitQueue", None, Any]
T = TypeVar("T")


class WaitQueue:
    """An ordered set of waiters: O(1) add and remove, iteration oldest first."""

    __slots__ = ("_waiters", "label")

    def __init__(self, label: str = "") -> None:
        self._waiters: dict[int, Waiter] = {}
        self.label = label

    def add(self, waiter: Waiter) -> None:
        self._waiters[id(waiter)] = waiter

    def remove(self, waiter: Waiter) -> None:
        self._waiters.pop(id(waiter), None)

    def __iter__(self) -> Iterator[Waiter]:
        return iter(list(self._waiters.values()))

    def __len__(self) -> int:
        return len(self._waiters)

    def __bool__(self) -> bool:
        return bool(self._waiters)

    def first_awake(self) -> Waiter | None:
        """The longest-waiting sleeper that is not stopped (a stopped one has left the kernel's
        queue on Linux: its call restarts at SIGCONT), or None."""
        return next((w for w in self._waiters.values() if not w.proc.stopped), None)

    def procs(self) -> list[Process]:
        """The sleeping processes, oldest first (for views)."""
        return [w.proc for w in self._waiters.values()]


@dataclass(eq=False)
class Waiter:
    """A call that has not finished: its generator resumes where it yielded."""

    proc: Process
    call: str
    gen: CallGen
    restart: Callable[[], Any]
    tag: Any = None
    queue: WaitQueue | None = None
    restartable: bool = True
    interruptible: bool = True
    eintr_after_stop: bool = False
    own_wake_order: bool = False  # its mechanism orders its wake-ups (see Kernel.die)
    seq: int = 0  # when it began to wait, counted across all queues (a restart keeps it)


def sleep_with(table: dict[int, T], pid: int, on: WaitQueue, part: T) -> Generator[WaitQueue, None, T]:
    """Sleep on `on` once, with `part` (what this call brings or is brought: a message, as the
    kernel's ext_wait_queue and msg_receiver hold it) in `table` under the caller's pid, where
    a waker may serve it. It leaves `table` as the call resumes, ends with a signal, or dies
    with its process; a caller blocks in one call at a time, so the pid names it."""
    table[pid] = part
    try:
        yield on
    finally:
        if table.get(pid) is part:
            del table[pid]
    return part
