"""Shared memory, for real: shm_open, ftruncate, mmap, munmap, shm_unlink, and the calls on a
segment's bytes and lock (peek, poke, lock, trylock, unlock), which take a POSIX segment's name or
a System V shmid. Each mapping sits between no-access pages, and its mutex in a hidden segment of
its own (so the segment's bytes are the script's alone)."""

from __future__ import annotations

import ctypes
import os
import stat
from ctypes import c_char_p, c_int
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...vocab.constants import SIGNALS
from .. import libc as L
from ..libc import CallFailed, check, libc, proto
from ..limits import PAGE, CannotCall
from .memory import GUARD, fstat, map_anonymous, may_fault, mutex, pthread
from .registry import Line, ipc_name, real
from .sysv_shm import lock_of, where_attached

if TYPE_CHECKING:
    from ..worker import Worker

proto("shm_unlink", c_int, c_char_p)


@dataclass
class Mapped:
    """A worker's POSIX mappings and their locks, by segment name."""

    maps: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (address, length)
    locks: dict[str, int] = field(default_factory=dict)  # name -> address of its mutex

    def drop(self, name: str) -> None:
        if name in self.maps:
            addr, length = self.maps.pop(name)
            map_anonymous(length, L.PROT_NONE, addr)


def _slash(name: str) -> str:
    return name if name.startswith("/") else "/" + name


def segment(line: Line) -> None:
    """A segment's name as mmap recorded it, or a System V shmid as the machine knows it."""
    seg = line.args[0]
    line.rargs[0] = line.books.real_id("shm", seg) if isinstance(seg, int) else _slash(seg)


@real("shm_open", before=ipc_name)
def shm_open(w: Worker, name: bytes, flags: int, mode: int = 0o600) -> int:
    return check(libc.shm_open(name, flags, mode))


@shm_open.after
def _segment_fd(line: Line, fd: int) -> int:
    line.proc.opened(fd)
    line.proc.segments[fd] = _slash(line.args[0])
    return fd


@real("ftruncate", fd_first=True)
def ftruncate(w: Worker, fd: int, size: int) -> int:
    return check(libc.ftruncate(fd, size))


@ftruncate.before
def _sigxfsz(line: Line) -> None:
    line.rkw["_defer"] = [SIGNALS["SIGXFSZ"]]  # as SIGPIPE: strace shows -1 EFBIG, then the signal


@real("mmap", fd_first=True)
def mmap(w: Worker, fd: int, name: str) -> int:
    st = fstat(fd)
    size = st.st_size if st is not None else 0
    if st is not None and not stat.S_ISREG(st.st_mode):
        size = PAGE  # a pipe or socket: C would ask for some length, and the kernel says no
    length = -(-size // PAGE) * PAGE
    base = map_anonymous(length + 2 * GUARD, L.PROT_NONE)
    addr = libc.mmap(base + GUARD, length, L.PROT_READ | L.PROT_WRITE, L.MAP_SHARED | L.MAP_FIXED, fd, 0)
    if addr in (None, L.MAP_FAILED):
        err = ctypes.get_errno()
        libc.munmap(base, length + 2 * GUARD)
        raise CallFailed(err)
    held = w.kept(Mapped)
    held.drop(name)
    held.maps[name] = (addr, length)
    held.locks[name] = mutex(w, str(os.fstat(fd).st_ino))
    return 0


@mmap.before
def _segment_name(line: Line) -> None:
    line.rkw["name"] = line.proc.segments.get(line.args[0], "")


@real("munmap", before=segment)
def munmap(w: Worker, name: str) -> int:
    held = w.kept(Mapped)
    if name not in held.maps:
        raise CallFailed(22)  # nothing is mapped under that name
    addr, length = held.maps[name]
    check(libc.munmap(addr, length))
    map_anonymous(length, L.PROT_NONE, addr)  # keep the hole: touching it still faults
    del held.maps[name]
    held.locks.pop(name, None)
    return 0


@real("shm_unlink", before=ipc_name)
def shm_unlink(w: Worker, name: bytes) -> int:
    return check(libc.shm_unlink(name))


@real("poke", before=segment)
def poke(w: Worker, name: str | int, offset: int, data: bytes) -> int:
    ctypes.memmove(where(w, name, offset, len(data), store=True), data, len(data))
    return len(data)


@real("peek", before=segment)
def peek(w: Worker, name: str | int, offset: int, n: int) -> bytes:
    if n < 0:
        raise CannotCall(f"a load of {n} bytes")
    return ctypes.string_at(where(w, name, offset, n), n)


@real("lock", before=segment)
def lock(w: Worker, name: str | int) -> int:
    return pthread(libc.pthread_mutex_lock(_lock(w, name)))


@real("trylock", before=segment)
def trylock(w: Worker, name: str | int) -> int:
    return pthread(libc.pthread_mutex_trylock(_lock(w, name)))


@real("unlock", before=segment)
def unlock(w: Worker, name: str | int) -> int:
    return pthread(libc.pthread_mutex_unlock(_lock(w, name)))


def where(w: Worker, name: str | int, offset: int, n: int, store: bool = False) -> int:
    """The address an access touches; outside the mapping and its guard, a no-access page."""
    if isinstance(name, int):
        return where_attached(w, name, offset, n, store)
    maps = w.kept(Mapped).maps
    if name in maps and n == 0:
        return maps[name][0]
    if name in maps and offset >= 0 and offset + n <= maps[name][1]:
        return maps[name][0] + offset
    may_fault()
    if name not in maps:
        return w.nowhere
    addr, length = maps[name]  # fault at the first byte that is not mapped
    for page in range(offset, min(offset + n, length), PAGE) if offset >= 0 else ():
        ctypes.string_at(addr + page, 1)  # bytes in order: a page past the end is SIGBUS first
    if offset >= -GUARD and offset + n <= length + GUARD:
        return addr + (offset if offset < 0 else max(offset, length))
    return w.nowhere  # however far the access reaches past the guard pages


def _lock(w: Worker, name: str | int) -> int:
    if isinstance(name, int):
        return lock_of(w, name)
    locks = w.kept(Mapped).locks
    if name not in locks:
        may_fault()
    return locks.get(name, w.nowhere)
