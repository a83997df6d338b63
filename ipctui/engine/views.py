"""What the panes show, as data: immutable snapshots of the kernel's state, one kind per pane.

Each `*_view(kernel)` is a pure function of the kernel that returns frozen dataclasses and
tuples only (the records made by the hundred, a descriptor or a slot, are named tuples: twice
as quick to make), so two snapshots of an unchanged kernel are equal, and a snapshot that differs
differs in something a pane shows. A pane keeps the snapshot it drew and draws again only when
the new one is not equal to it (per object: a step that changes one pipe of fifty redraws that
one), instead of reading live objects and listing by hand what its drawing depends on.

A sleeper already woken whose call has not run again (`Kernel.woken`, the playground's
sub-steps) is not "blocked" in these views: it is runnable, as on Linux until it is scheduled.

`ViewCache` makes each snapshot once per kernel version (`Kernel.version` counts the calls,
spawns and settled wake-ups that may change state), however often the screen asks for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from .fifo import FifoNode
from .kernel import Kernel
from .process import OpenFile, Process
from .shm import PAGE, Segment, pages
from .socket import RCVBUF, SocketNode
from .sysv_shm import SysvSegment
from .waitfor import Wait, cycle_of, wait_for
from .waitq import WaitQueue

QUEUE_SHOWN = 12  # messages of a queue that the views list, in delivery order
HEX_ROWS = 16  # rows of a segment's hex view
WINDOW = 2 * HEX_ROWS * 16  # bytes of a segment kept in its view: every row a hex view may show


# ---------------------------------------------------------------------- shared parts


class End(NamedTuple):
    """One descriptor on an object: which process, which number, which way."""

    proc: str
    fd: int
    readable: bool
    writable: bool

    @property
    def label(self) -> str:
        return f"{self.proc} fd {self.fd}"


@dataclass(frozen=True, slots=True)
class Sleepers:
    """The processes on a wait queue, oldest first: still blocked, and woken but not yet run."""

    blocked: tuple[str, ...] = ()
    woken: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.blocked or self.woken)


NOBODY = Sleepers()


def sleepers(k: Kernel, q: WaitQueue | None) -> Sleepers:
    """Who sleeps on `q`, split into the still blocked and the woken (runnable)."""
    if not q:
        return NOBODY
    procs = q.procs()
    woken = k.woken
    if not woken:
        return Sleepers(tuple(p.name for p in procs))
    return Sleepers(
        tuple(p.name for p in procs if p.pid not in woken), tuple(p.name for p in procs if p.pid in woken)
    )


def ends_by_object(k: Kernel) -> dict[int, list[End]]:
    """Every live process's descriptors, grouped by the object they refer to (by id; a pipe's
    two ends both count as the pipe)."""
    out: dict[int, list[End]] = {}
    for p in k.procs.values():
        if p.alive:
            for fd, f in p.fds.items():
                obj = f.obj.pipe if f.kind == "pipe" else f.obj
                out.setdefault(id(obj), []).append(End(p.name, fd, f.readable, f.writable))
    return out


def describe_fd(f: OpenFile) -> str:
    """A short name for what a descriptor refers to (the process table)."""
    obj = f.obj
    if f.kind == "pipe":
        end = "rw" if f.readable and f.writable else ("r" if f.readable else "w")
        fifo = getattr(obj, "fifo", None)
        return f"fifo{getattr(fifo, 'path', '')}:{end}" if fifo is not None else f"pipe{obj.pipe.id}:{end}"
    if f.kind == "mqueue":
        return f"mq{obj.name}"
    if f.kind == "shm":
        return f"shm{obj.name}"
    if f.kind == "socket":
        return f"{obj.kind.lower()}#{obj.id}"
    return f.kind


# ---------------------------------------------------------------------- processes


class ProcessView(NamedTuple):
    """A row of the process table. `call` is the line a blocked process is in (its script
    text, or the call's name); `woken` says it was woken and has not run again yet."""

    pid: int
    name: str
    uid: int
    state: str  # ready / blocked / stopped / zombie / dead
    call: str
    woken: bool
    waits_for: tuple[str, ...] | None  # who could wake it; None when not blocked, or woken
    parent: str | None
    fds: tuple[tuple[int, str], ...]  # (number, what it refers to)
    alive: bool


@dataclass(frozen=True, slots=True)
class ProcessesView:
    """Every live or zombie process, in pid order of creation, and the wait-for graph."""

    procs: tuple[ProcessView, ...]
    waits: tuple[Wait, ...]

    @property
    def stuck(self) -> str:
        """Why no process can move ("" while some can): the cycle of a deadlock, or who waits
        for whom when nobody left can wake the blocked calls."""
        live = [p for p in self.procs if p.alive]
        if not live or any(p.state == "ready" or p.woken for p in live) or not self.waits:
            return ""
        cycle = cycle_of(list(self.waits))
        if cycle:
            return "No process can move: deadlock, " + " → ".join([*cycle, cycle[0]])
        who = ", ".join(f"{w.proc} waits for {', '.join(w.waits_for) or 'nobody'}" for w in self.waits)
        return f"No process can move: {who}"


def _blocked_call(p: Process) -> str:
    w = p.waiter
    if w is None:
        return ""
    return getattr(w.tag, "text", "").split(": ", 1)[-1] or f"{w.call}()"


def processes_view(k: Kernel) -> ProcessesView:
    """The process table's rows and the wait-for graph (made only when some process waits)."""
    blocked = any(p.waiter is not None for p in k.procs.values())
    waits = tuple(wait_for(k)) if blocked else ()
    by_pid = {w.pid: w.waits_for for w in waits}
    rows = []
    for p in k.procs.values():
        parent = k.procs.get(p.parent) if p.parent is not None else None
        rows.append(
            ProcessView(
                p.pid,
                p.name,
                p.uid,
                p.state,
                _blocked_call(p),
                p.pid in k.woken,
                None if p.pid in k.woken else by_pid.get(p.pid),  # woken: it waits for nobody now
                parent.name if parent is not None else None,
                tuple([(fd, describe_fd(f)) for fd, f in p.fds.items()]),
                p.alive,
            )
        )
    return ProcessesView(tuple(rows), waits)


# ---------------------------------------------------------------------- pipes and FIFOs


class SlotView(NamedTuple):
    """One pipe_buffer: `data[offset:]` is unread."""

    data: bytes
    offset: int

    @property
    def unread(self) -> int:
        return len(self.data) - self.offset


@dataclass(frozen=True, slots=True)
class PipeView:
    id: int
    fifo: str | None
    page_size: int
    nslots: int
    head: int  # W, counting slots round the ring
    tail: int  # R
    buffered: int
    bytes_written: int
    bytes_read: int
    slots: tuple[SlotView | None, ...]
    ends: tuple[End, ...]
    readers: Sleepers  # in read()
    writers: Sleepers  # in write()

    @property
    def used(self) -> int:
        return self.head - self.tail


@dataclass(frozen=True, slots=True)
class FifoView:
    """A FIFO's name in the file system, and who waits in open() for the other end."""

    path: str
    owner: int
    mode: int
    opening: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PipesView:
    pipes: tuple[PipeView, ...]
    fifos: tuple[FifoView, ...]
    made: bool  # were any pipes made (all gone now, when `pipes` is empty)


def pipes_view(k: Kernel) -> PipesView:
    ends = ends_by_object(k)
    pipes = tuple(
        PipeView(
            p.id,
            p.fifo,
            p.page_size,
            p.nslots,
            p.head,
            p.tail,
            p.buffered,
            p.bytes_written,
            p.bytes_read,
            tuple([None if s is None else SlotView(bytes(s.data), s.offset) for s in p.slots]),
            tuple(ends.get(id(p), ())),
            sleepers(k, p.rq),
            sleepers(k, p.wq),
        )
        for p in k.pipes.values()
    )
    fifos = tuple(
        FifoView(n.path, n.owner, n.mode, tuple(p.name for q in (n.ropen, n.wopen) for p in q.procs()))
        for n in k.fs.values()
        if isinstance(n, FifoNode)
    )
    return PipesView(pipes, fifos, k.made("pipe"))


# ---------------------------------------------------------------------- message queues


@dataclass(frozen=True, slots=True)
class PosixQueueView:
    name: str
    owner: int
    mode: int
    maxmsg: int
    msgsize: int
    curmsgs: int
    unlinked: bool
    messages: tuple[tuple[bytes, int], ...]  # (data, priority), the first QUEUE_SHOWN in delivery order
    opened: tuple[End, ...]
    senders: Sleepers
    receivers: Sleepers
    # receivers woken holding the message a send handed them (not in the queue: Linux gave it away),
    # their mq_receive not yet resumed: (who, data, priority)
    handed: tuple[tuple[str, bytes, int], ...] = ()


@dataclass(frozen=True, slots=True)
class SysvQueueView:
    id: int
    key: int
    owner: int
    mode: int
    cbytes: int
    count: int
    messages: tuple[tuple[int, bytes], ...]  # (type, data), the first QUEUE_SHOWN in queue order
    senders: Sleepers
    receivers: Sleepers
    handed: tuple[tuple[str, int, bytes], ...] = ()  # (who, type, data): as PosixQueueView's


@dataclass(frozen=True, slots=True)
class QueuesView:
    posix: tuple[PosixQueueView, ...]
    sysv: tuple[SysvQueueView, ...]


def _first(items: Iterable[Any]) -> tuple[Any, ...]:
    out = []
    for item in items:
        if len(out) == QUEUE_SHOWN:
            break
        out.append(item)
    return tuple(out)


def _served(k: Kernel, q: WaitQueue, waiting: dict[int, Any], receiving: bool) -> Sleepers:
    """Who sleeps on `q`, plus the callers the kernel has already served and taken off it (a
    receiver handed its message, a sender whose message was moved in): woken, not yet resumed."""
    base = sleepers(k, q)
    done = tuple(
        k.procs[pid].name
        for pid, w in waiting.items()
        if w.ready and w.receiving == receiving and pid in k.procs and k.procs[pid].waiter is not None
    )
    return Sleepers(base.blocked, base.woken + done) if done else base


def _holders_of(k: Kernel, handed: list[tuple[int, Any, Any]]) -> tuple[tuple[str, Any, Any], ...]:
    return tuple((k.procs[pid].name, a, b) for pid, a, b in handed if pid in k.procs)


def queues_view(k: Kernel) -> QueuesView:
    ends = ends_by_object(k) if k.mq_all else {}
    posix = tuple(
        PosixQueueView(
            q.name,
            q.owner,
            q.mode,
            q.maxmsg,
            q.msgsize,
            q.curmsgs,
            q.unlinked,
            _first(q.messages()),
            tuple(ends.get(id(q), ())),
            _served(k, q.senders, q.waiting, False),
            _served(k, q.receivers, q.waiting, True),
            _holders_of(k, q.handed()),
        )
        for q in k.mq_all
    )
    sysv = tuple(
        SysvQueueView(
            q.id,
            q.key,
            q.owner,
            q.mode,
            q.cbytes,
            len(q.messages),
            tuple((t, bytes(d)) for t, d in _first(q.messages)),
            _served(k, q.senders, q.waiting, False),
            _served(k, q.receivers, q.waiting, True),
            _holders_of(k, q.handed()),
        )
        for q in k.msqs.values()
    )
    return QueuesView(posix, sysv)


# ---------------------------------------------------------------------- shared memory


@dataclass(frozen=True, slots=True)
class StoreView:
    proc: str
    offset: int
    length: int
    step: int


@dataclass(frozen=True, slots=True)
class SegmentView:
    """A POSIX (`sysv` False) or System V segment. `window` holds the bytes from `window_at`
    on, as many as a hex view can show (around the latest store), not the whole segment."""

    sysv: bool
    id: int
    name: str
    key: int | None
    owner: int
    mode: int
    size: int
    unlinked: bool
    marked: bool
    nattch: int
    mappers: tuple[tuple[str, int], ...]  # (process, times attached): one each for POSIX
    lock_owner: str | None
    lock_owner_dead: bool
    lock_waiters: Sleepers
    last_store: StoreView | None
    window_at: int
    window: bytes

    @property
    def mapped(self) -> int:
        """Bytes mapped: the size rounded up to whole pages."""
        return pages(self.size) * PAGE

    def bytes_at(self, start: int, end: int) -> bytes:
        """The segment's bytes in [start, end), which must lie inside the window."""
        lo, hi = start - self.window_at, end - self.window_at
        if lo < 0 or hi > WINDOW:
            raise IndexError(f"bytes {start}-{end} lie outside the view's window at {self.window_at}")
        return self.window[lo:hi]


@dataclass(frozen=True, slots=True)
class MemoryView:
    segments: tuple[SegmentView, ...]
    made: bool


def _segment(k: Kernel, seg: Segment) -> SegmentView:
    last = seg.stores[-1] if seg.stores else None
    sysv = isinstance(seg, SysvSegment)
    if sysv:
        mappers = tuple((k.procs[pid].name, n) for pid, n in seg.mappers.items() if pid in k.procs)
    else:
        mappers = tuple((k.procs[pid].name, 1) for pid in seg.mappers if pid in k.procs)
    # a hex view starts at 0, or at the row of the latest store once that is below its rows
    at = 0 if last is None or last.offset < HEX_ROWS * 16 else (last.offset // 16) * 16
    lock = seg.lock
    return SegmentView(
        sysv,
        seg.id,
        seg.name,
        seg.key if isinstance(seg, SysvSegment) else None,
        seg.owner,
        seg.mode,
        seg.size,
        seg.unlinked,
        seg.marked if isinstance(seg, SysvSegment) else False,
        seg.nattch if isinstance(seg, SysvSegment) else 0,
        mappers,
        lock.owner_name if lock.owner is not None else None,
        lock.owner_dead,
        sleepers(k, lock.waiters),
        None if last is None else StoreView(last.proc, last.offset, last.length, last.step),
        at,
        bytes(seg.backing[at : at + WINDOW]),
    )


def memory_view(k: Kernel) -> MemoryView:
    segs = [*k.shm_all.values(), *k.sysv_shm.values()]
    return MemoryView(tuple(_segment(k, s) for s in segs), k.made("shm"))


# ---------------------------------------------------------------------- semaphores


@dataclass(frozen=True, slots=True)
class PosixSemView:
    name: str
    unlinked: bool
    value: int
    waiters: Sleepers
    holders: tuple[tuple[str, tuple[int, ...]], ...]  # (process, its handles to it)
    posts: int
    taken: int


@dataclass(frozen=True, slots=True)
class SemWaitView:
    """A sleeping semop: the operation that stops it and the whole call it will make."""

    proc: str
    waits_for: tuple[int, int]  # (num, op)
    ops: tuple[tuple[int, int], ...]
    woken: bool


@dataclass(frozen=True, slots=True)
class SemSetView:
    id: int
    key: int
    owner: int
    mode: int
    values: tuple[int, ...]
    waiting: tuple[SemWaitView, ...]
    undo: tuple[tuple[str, tuple[tuple[int, int], ...]], ...]  # (process, (num, sum) ...)


@dataclass(frozen=True, slots=True)
class SemaphoresView:
    posix: tuple[PosixSemView, ...]
    sets: tuple[SemSetView, ...]
    made: bool


def _posix_sem(k: Kernel, sem: Any) -> PosixSemView:
    holders = []
    for pid in sorted(sem.holders):
        p = k.procs.get(pid)
        if p is not None:
            hs = tuple(h for h, e in p.ext.get("sems", {}).items() if e.sem is sem)
            holders.append((p.name, hs))
    return PosixSemView(
        sem.name, sem.unlinked, sem.value, sleepers(k, sem.waiters), tuple(holders), sem.posts, sem.taken
    )


def _sem_set(k: Kernel, s: Any) -> SemSetView:
    waiting = tuple(
        SemWaitView(w.proc, tuple(w.waits_for[:2]), tuple((n, o) for n, o, _ in w.ops), w.pid in k.woken)
        for w in s.pending
        if w.outcome is None
    )
    undo = tuple(
        (str(s.names.get(pid, pid)), tuple(sorted(sums.items()))) for pid, sums in sorted(s.undo.items())
    )
    return SemSetView(s.id, s.key, s.owner, s.mode, tuple(s.values), waiting, undo)


def semaphores_view(k: Kernel) -> SemaphoresView:
    return SemaphoresView(
        tuple(_posix_sem(k, sem) for sem in k.sem_all.values()),
        tuple(_sem_set(k, s) for s in k.sem_sets.values()),
        k.made("sem"),
    )


# ---------------------------------------------------------------------- signals


@dataclass(frozen=True, slots=True)
class SignalsRow:
    pid: int
    name: str
    alive: bool
    handlers: tuple[tuple[int, str, bool], ...]  # (signal, handler, SA_RESTART), the non-default ones
    mask: tuple[int, ...]
    pending: tuple[int, ...]


def signals_view(k: Kernel) -> tuple[SignalsRow, ...]:
    return tuple(
        SignalsRow(
            p.pid,
            p.name,
            p.alive,
            tuple((s, h.name, h.restart) for s, h in sorted(p.handlers.items()) if h.name != "SIG_DFL"),
            tuple(sorted(p.mask)),
            tuple(sorted(p.pending)),
        )
        for p in k.procs.values()
    )


# ---------------------------------------------------------------------- sockets


@dataclass(frozen=True, slots=True)
class SocketView:
    id: int
    held: tuple[End, ...]  # none: it waits in a listener's accept queue
    kind: str  # TCP, UDP, UNIX-STREAM, UNIX-DGRAM
    state: str
    local: str | None
    remote: str | None
    stream: bool
    buffered: int
    rcvbuf: int
    dgrams: int
    backlog: int
    accept_queue: int
    syn_queue: int
    peer: int | None  # the connected peer's id while it is open


@dataclass(frozen=True, slots=True)
class SocketsView:
    sockets: tuple[SocketView, ...]
    files: tuple[tuple[str, bool], ...]  # (path, a socket is bound there)
    made: bool


def sockets_view(k: Kernel) -> SocketsView:
    ends = ends_by_object(k) if k.sockets else {}
    socks = tuple(
        SocketView(
            s.id,
            tuple(ends.get(id(s), ())),
            s.kind,
            s.state,
            s.local,
            s.remote,
            s.stream,
            s.buffered,
            RCVBUF,
            len(s.dgrams),
            s.backlog,
            len(s.accept_queue),
            len(s.syn_queue),
            s.peer.id if s.peer is not None and not s.peer.closed else None,
        )
        for s in k.sockets.values()
    )
    files = tuple((n.path, n.sock is not None) for n in k.fs.values() if isinstance(n, SocketNode))
    return SocketsView(socks, files, k.made("socket"))


# ---------------------------------------------------------------------- the cache

V = TypeVar("V")


class ViewCache:
    """Each snapshot made once per kernel and version: the process table, the banner and the
    pane in front may all ask during one step, and again on a resize, for the cost of one."""

    def __init__(self) -> None:
        self._kernel: Kernel | None = None
        self._version = -1
        self._made: dict[Callable[[Kernel], Any], Any] = {}

    def get(self, kernel: Kernel, make: Callable[[Kernel], V]) -> V:
        if kernel is not self._kernel or kernel.version != self._version:
            self._kernel, self._version, self._made = kernel, kernel.version, {}
        if make not in self._made:
            self._made[make] = make(kernel)
        return self._made[make]  # type: ignore[no-any-return]


__all__ = [
    "NOBODY",
    "End",
    "FifoView",
    "MemoryView",
    "PipeView",
    "PipesView",
    "PosixQueueView",
    "PosixSemView",
    "ProcessView",
    "ProcessesView",
    "QueuesView",
    "SegmentView",
    "SemSetView",
    "SemWaitView",
    "SemaphoresView",
    "SignalsRow",
    "Sleepers",
    "SlotView",
    "SocketView",
    "SocketsView",
    "StoreView",
    "SysvQueueView",
    "ViewCache",
    "describe_fd",
    "ends_by_object",
    "memory_view",
    "pipes_view",
    "processes_view",
    "queues_view",
    "semaphores_view",
    "signals_view",
    "sleepers",
    "sockets_view",
]
