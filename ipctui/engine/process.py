"""Processes and their descriptor tables."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .waitq import WaitQueue

if TYPE_CHECKING:
    from .waitq import Waiter

FIRST_FD = 3  # 0-2 are the terminal, which is not modelled
RLIMIT_NOFILE = 1024


@dataclass(eq=False)
class OpenFile:
    """An open file description: shared by every descriptor that a fork copies."""

    kind: str  # the mechanism that made it: "pipe", "mqueue", "shm", "socket"
    obj: Any
    readable: bool
    writable: bool
    nonblock: bool = False
    refs: int = 0
    pos: int = 0  # the file offset, for kinds that have one

    @property
    def flags(self) -> int:
        access = 2 if self.readable and self.writable else (1 if self.writable else 0)
        return access | (0o4000 if self.nonblock else 0)


class FdTable:
    """Descriptors 3.. with the lowest free number first, in O(log n) per open."""

    __slots__ = ("_files", "_free", "_top")

    def __init__(self) -> None:
        self._files: dict[int, OpenFile] = {}
        self._free: list[int] = []
        self._top = FIRST_FD

    def copy(self) -> FdTable:
        new = FdTable()
        new._files = dict(self._files)
        new._free = list(self._free)
        new._top = self._top
        for f in new._files.values():
            f.refs += 1
        return new

    def install(self, f: OpenFile) -> int:
        """Give `f` the lowest free descriptor; the caller checks EMFILE first with `full()`."""
        fd = heapq.heappop(self._free) if self._free else self._top
        if fd == self._top:
            self._top += 1
        self._files[fd] = f
        f.refs += 1
        return fd

    def full(self, extra: int = 1) -> bool:
        """Whether `extra` more descriptors would pass RLIMIT_NOFILE."""
        return len(self._files) + FIRST_FD + extra > RLIMIT_NOFILE

    def get(self, fd: int) -> OpenFile | None:
        return self._files.get(fd)

    def pop(self, fd: int) -> OpenFile | None:
        f = self._files.pop(fd, None)
        if f is not None:
            heapq.heappush(self._free, fd)
        return f

    def items(self) -> list[tuple[int, OpenFile]]:
        return sorted(self._files.items())

    def __len__(self) -> int:
        return len(self._files)


@dataclass(frozen=True, slots=True)
class Handler:
    """A signal disposition: "SIG_DFL", "SIG_IGN" or a handler's name."""

    name: str = "SIG_DFL"
    restart: bool = False


DEFAULT = Handler()


@dataclass(eq=False)
class Process:
    pid: int
    name: str
    uid: int
    parent: int | None = None
    forked: bool = False
    fds: FdTable = field(default_factory=FdTable)
    handlers: dict[int, Handler] = field(default_factory=dict)
    mask: set[int] = field(default_factory=set)
    pending: set[int] = field(default_factory=set)
    children: list[int] = field(default_factory=list)
    alive: bool = True
    zombie: bool = False
    stopped: bool = False
    continued: bool = False
    status: int | str | None = None  # exit code, or the killing signal's name
    waiter: Waiter | None = None
    child_wait: WaitQueue = field(default_factory=lambda: WaitQueue("child"))
    pause_wait: WaitQueue = field(default_factory=lambda: WaitQueue("signal"))
    ext: dict[str, Any] = field(default_factory=dict)  # per-mechanism state (mappings, sem handles)

    def handler(self, sig: int) -> Handler:
        return self.handlers.get(sig, DEFAULT)

    @property
    def state(self) -> str:
        """ready / blocked / stopped / zombie / dead, for views."""
        if not self.alive:
            return "zombie" if self.zombie else "dead"
        if self.stopped:
            return "stopped"
        return "blocked" if self.waiter is not None else "ready"
