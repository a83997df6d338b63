"""Pipes as Linux builds them (fs/pipe.c): a ring of page-sized slots, not a ring of bytes.

Each slot is a `struct pipe_buffer`: its bytes, the offset read so far, and a free tail. `head`
(W) and `tail` (R) count slots round the ring. A write tops up the newest slot only with the
first `len % page_size` bytes and only if they fit; everything else takes whole free slots,
which is why a 1-byte write can block while bytes look free.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..vocab.constants import F_GETPIPE_SZ, F_SETPIPE_SZ, SIGPIPE
from .errors import Errno, Interrupted, SysError
from .kernel import FILE_KINDS, FileOps, Kernel
from .process import OpenFile, Process
from .syscalls import syscall
from .waitq import CallGen, WaitQueue

DEFAULT_CAPACITY = 65536
PAGE_SIZE = 4096
PIPE_MAX_SIZE = 1048576  # /proc/sys/fs/pipe-max-size: the most an unprivileged user may ask for
PIPE_SIZE_LIMIT = 1 << 31


@dataclass(eq=False, slots=True)
class Slot:
    """One pipe_buffer: `data[offset:]` is unread; a slot holds at most page_size bytes."""

    data: bytearray
    offset: int = 0

    @property
    def unread(self) -> int:
        return len(self.data) - self.offset


@dataclass(eq=False)
class Pipe:
    id: int
    page_size: int
    nslots: int
    fifo: str | None = None
    slots: list[Slot | None] = field(default_factory=list)
    head: int = 0  # W: the next slot to fill
    tail: int = 0  # R: the oldest slot with bytes
    buffered: int = 0
    readers: int = 0  # open files that can read
    writers: int = 0  # open files that can write
    bytes_written: int = 0
    bytes_read: int = 0
    rq: WaitQueue = field(default_factory=lambda: WaitQueue("read"))
    wq: WaitQueue = field(default_factory=lambda: WaitQueue("write"))

    def __post_init__(self) -> None:
        self.slots = [None] * self.nslots
        self.rq.label = "read"
        self.wq.label = "write"

    @property
    def capacity(self) -> int:
        return self.nslots * self.page_size

    @property
    def used(self) -> int:
        """Slots holding bytes."""
        return self.head - self.tail

    @property
    def empty(self) -> bool:
        return self.head == self.tail

    @property
    def full(self) -> bool:
        return self.head - self.tail >= self.nslots

    def ring(self) -> list[Slot | None]:
        """The slots in ring order (index i is slot i; R = tail % n, W = head % n)."""
        return list(self.slots)

    def put(self, data: bytes, start: int, merge: bool) -> int:
        """Copy from data[start:] into the pipe; returns how many bytes went in."""
        ps = self.page_size
        done = 0
        if merge and not self.empty:
            chars = len(data) % ps
            last = self.slots[(self.head - 1) % self.nslots]
            assert last is not None
            if chars and len(last.data) + chars <= ps:
                last.data += data[start : start + chars]
                done = chars
        while start + done < len(data) and not self.full:
            chunk = data[start + done : start + done + ps]
            self.slots[self.head % self.nslots] = Slot(bytearray(chunk))
            self.head += 1
            done += len(chunk)
        self.buffered += done
        self.bytes_written += done
        return done

    def take(self, n: int) -> tuple[bytes, bool]:
        """Read up to n bytes from the oldest slot on; returns them and whether a slot was freed."""
        out = bytearray()
        freed = False
        while n > 0 and not self.empty:
            i = self.tail % self.nslots
            slot = self.slots[i]
            assert slot is not None
            chunk = min(slot.unread, n)
            out += slot.data[slot.offset : slot.offset + chunk]
            slot.offset += chunk
            n -= chunk
            if slot.unread == 0:
                self.slots[i] = None
                self.tail += 1
                freed = True
        self.buffered -= len(out)
        self.bytes_read += len(out)
        return bytes(out), freed

    def resize(self, nslots: int) -> None:
        """F_SETPIPE_SZ: the occupied slots move to the front of a new ring, as Linux copies them."""
        live = [self.slots[(self.tail + i) % self.nslots] for i in range(self.used)]
        self.slots = live + [None] * (nslots - len(live))
        self.nslots = nslots
        self.tail = 0
        self.head = len(live)


def is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def pipe_slots(p: Process, size: int, page_size: int) -> int:
    """Linux's round_pipe_size() plus pipe_set_size()'s limits: the number of slots for `size`."""
    if size < 0 or size > PIPE_SIZE_LIMIT:
        raise SysError(Errno.EINVAL)
    rounded = page_size if size <= page_size else 1 << (size - 1).bit_length()
    if rounded > PIPE_MAX_SIZE and p.uid != 0:
        raise SysError(Errno.EPERM)
    return rounded // page_size


def new_pipe(k: Kernel, page_size: int = PAGE_SIZE, nslots: int = DEFAULT_CAPACITY // PAGE_SIZE) -> Pipe:
    pipe = Pipe(k.new_id("pipe"), page_size, nslots)
    k.pipes[pipe.id] = pipe
    return pipe


@dataclass(eq=False)
class PipeEnd:
    """What an open file of kind "pipe" points at: a pipe, plus the FIFO node it came from."""

    pipe: Pipe
    fifo: object | None = None


@syscall(
    "pipe",
    keywords={"capacity": "int", "page_size": "int"},
    mechanism="pipe",
    summary="make a pipe: [read end, write end]",
)
def sys_pipe(
    k: Kernel, p: Process, capacity: int = DEFAULT_CAPACITY, page_size: int = PAGE_SIZE
) -> list[int]:
    if not is_power_of_two(page_size):
        raise SysError(Errno.EINVAL)
    nslots = pipe_slots(p, capacity, page_size)
    if p.fds.full(2):
        raise SysError(Errno.EMFILE)
    pipe = new_pipe(k, page_size, nslots)
    end = PipeEnd(pipe)
    rfd = k.install(p, OpenFile("pipe", end, readable=True, writable=False))
    wfd = k.install(p, OpenFile("pipe", end, readable=False, writable=True))
    pipe.readers = pipe.writers = 1
    return [rfd, wfd]


def pipe_write(k: Kernel, p: Process, f: OpenFile, data: bytes) -> CallGen:
    pipe: Pipe = f.obj.pipe
    if not data:
        return 0
    if pipe.readers == 0:
        k.send_signal(p, SIGPIPE)
        raise SysError(Errno.EPIPE)
    moved = done = pipe.put(data, 0, merge=True)
    while True:
        if moved and pipe.rq:
            k.wake_one(pipe.rq)
        if done == len(data):
            break
        if f.nonblock:
            if done:
                break
            raise SysError(Errno.EAGAIN)
        try:
            yield pipe.wq
        except Interrupted:
            if done:
                return done
            raise
        if pipe.readers == 0:
            k.send_signal(p, SIGPIPE)
            if done:
                return done
            raise SysError(Errno.EPIPE)
        moved = pipe.put(data, done, merge=False)
        done += moved
    if not pipe.full and pipe.wq:
        k.wake_one(pipe.wq)  # a writer that leaves a slot free wakes the next one
    return done


def pipe_read(k: Kernel, p: Process, f: OpenFile, n: int) -> CallGen:
    pipe: Pipe = f.obj.pipe
    if n == 0:
        return b""
    while True:
        if not pipe.empty:
            data, freed = pipe.take(n)
            if freed and pipe.wq:
                k.wake_one(pipe.wq)
            if not pipe.empty and pipe.rq:
                k.wake_one(pipe.rq)  # a reader that leaves bytes behind wakes the next one
            return data
        if pipe.writers == 0:
            return b""
        if f.nonblock:
            raise SysError(Errno.EAGAIN)
        yield pipe.rq


def drop_ends(k: Kernel, end: PipeEnd, reading: bool, writing: bool) -> None:
    """An open file (or a FIFO opener that gave up) lets go of its ends; wake whom that affects."""
    pipe = end.pipe
    if reading:
        pipe.readers -= 1
        if pipe.readers == 0:
            k.wake_all(pipe.wq)
    if writing:
        pipe.writers -= 1
        if pipe.writers == 0:
            k.wake_all(pipe.rq)
    if pipe.readers == 0 and pipe.writers == 0:
        k.pipes.pop(pipe.id, None)
        fifo = end.fifo
        if fifo is not None and fifo.pipe is pipe:  # type: ignore[attr-defined]
            fifo.pipe = None  # type: ignore[attr-defined]  # a FIFO's bytes go with its last opener


def release_pipe_file(k: Kernel, f: OpenFile) -> None:
    drop_ends(k, f.obj, f.readable, f.writable)


def pipe_fcntl(k: Kernel, p: Process, f: OpenFile, cmd: int, arg: int) -> int:
    pipe: Pipe = f.obj.pipe
    if cmd == F_GETPIPE_SZ:
        return pipe.capacity
    assert cmd == F_SETPIPE_SZ
    nslots = pipe_slots(p, arg, pipe.page_size)
    if nslots < pipe.used:
        raise SysError(Errno.EBUSY)
    grew = nslots > pipe.nslots
    pipe.resize(nslots)
    if grew and pipe.wq:
        k.wake_one(pipe.wq)
    return pipe.capacity


FILE_KINDS["pipe"] = FileOps(release=release_pipe_file, read=pipe_read, write=pipe_write)
