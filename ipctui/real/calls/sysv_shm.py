"""System V shared memory, for real: shmget, shmat, shmdt, shmctl (peek, poke and the lock calls
by shmid are in shm.py, which they share with POSIX segments). Segment ids are renumbered as the
simulation numbers them; an attachment sits between no-access pages, like an mmap here."""

from __future__ import annotations

import ctypes
import struct
from ctypes import c_int, c_void_p
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...vocab.constants import SHMCTL_NOT_MODELLED
from ...vocab.errors import UsageError
from .. import libc as L
from ..libc import CallFailed, check, libc, proto
from ..limits import PAGE, CannotCall
from .memory import GUARD, map_anonymous, may_fault, mutex
from .registry import Line, real
from .sysv_sem import sysv_id, sysv_key

if TYPE_CHECKING:
    from ..worker import Worker

IPC_STAT, SHM_RDONLY, SHM_REMAP = 2, 0o10000, 0o40000
SHMID_DS_SIZE, SHM_SEGSZ_AT, SHM_NATTCH_AT = 112, 48, 88  # struct shmid_ds on 64-bit Linux

proto("shmat", c_void_p, c_int, c_void_p, c_int)
proto("shmdt", c_int, c_void_p)


@dataclass
class Attached:
    """A worker's System V attachments, latest last, and each segment's lock."""

    segments: list[tuple[int, int, int, bool]] = field(
        default_factory=list
    )  # (shmid, address, length, readonly)
    locks: dict[int, int] = field(default_factory=dict)  # shmid -> address of its mutex

    def find(self, shmid: int) -> int | None:
        """peek, poke, shmdt and the lock calls use the latest attachment still attached."""
        return next((i for i in reversed(range(len(self.segments))) if self.segments[i][0] == shmid), None)


def real_shmid(line: Line) -> None:
    line.rargs[0] = line.books.real_id("shm", line.args[0])


@real("shmget", before=sysv_key, after=lambda line, value: sysv_id("shm", line, value))
def shmget(w: Worker, key: int, size: int, flags: int = 0, mode: int = 0) -> int:
    return check(libc.shmget(key, size % (1 << 64), flags | mode))  # C's size_t: -1 is the largest


@real("shmat", before=real_shmid)
def shmat(w: Worker, shmid: int, readonly: int = 0) -> int:
    """Attached between no-access pages, like an mmap here, so a stray access faults."""
    ds = ctypes.create_string_buffer(SHMID_DS_SIZE)
    if libc.shmctl(shmid, IPC_STAT, ds) == -1:
        err = ctypes.get_errno()  # the same EINVAL or EACCES (read) that shmat would give
        if libc.shmat(shmid, None, SHM_RDONLY) not in (None, L.MAP_FAILED):
            raise CannotCall("the segment can be attached but not looked at")
        raise CallFailed(err)
    (size,) = struct.unpack_from("=Q", ds.raw, SHM_SEGSZ_AT)
    length = -(-size // PAGE) * PAGE
    base = map_anonymous(length + 2 * GUARD, L.PROT_NONE)
    flags = SHM_REMAP | (SHM_RDONLY if readonly else 0)
    addr = libc.shmat(shmid, base + GUARD, flags)
    if addr in (None, L.MAP_FAILED):
        err = ctypes.get_errno()
        libc.munmap(base, length + 2 * GUARD)
        raise CallFailed(err)
    held = w.kept(Attached)
    held.segments.append((shmid, addr, length, bool(readonly)))
    if shmid not in held.locks:
        held.locks[shmid] = mutex(w, f"shmid-{shmid}")
    return 0


@real("shmdt", before=real_shmid)
def shmdt(w: Worker, shmid: int) -> int:
    held = w.kept(Attached)
    i = held.find(shmid)
    if i is None:
        raise CallFailed(22)  # nothing attached: shmdt of an address that is not a segment
    _, addr, length, _ = held.segments.pop(i)
    check(libc.shmdt(addr))
    map_anonymous(length, L.PROT_NONE, addr)  # keep the hole: touching it still faults
    return 0


def _shmctl(line: Line) -> None:
    if line.args[1] in SHMCTL_NOT_MODELLED:
        raise UsageError(f"shmctl(): {SHMCTL_NOT_MODELLED[line.args[1]]}")
    real_shmid(line)


@real("shmctl", before=_shmctl)
def shmctl(w: Worker, shmid: int, cmd: int) -> Any:
    ds = ctypes.create_string_buffer(SHMID_DS_SIZE)
    check(libc.shmctl(shmid, cmd, ds))
    if cmd == IPC_STAT:
        (size,) = struct.unpack_from("=Q", ds.raw, SHM_SEGSZ_AT)
        (nattch,) = struct.unpack_from("=Q", ds.raw, SHM_NATTCH_AT)
        return {"size": size, "nattch": nattch}
    return 0


def where_attached(w: Worker, shmid: int, offset: int, n: int, store: bool) -> int:
    """The address an access to an attached segment touches (see shm.where)."""
    held = w.kept(Attached)
    i = held.find(shmid)
    if i is not None:
        _, addr, length, readonly = held.segments[i]
        if n == 0:
            return addr
        if offset >= 0 and offset + n <= length and not (store and readonly):
            return addr + offset
        may_fault()
        if store and readonly and offset >= 0 and offset + n <= length:
            return addr + offset  # the store itself faults: the pages are read-only
        if offset >= -GUARD and offset + n <= length + GUARD:
            return addr + (offset if offset < 0 else max(offset, length))
        return w.nowhere
    may_fault()
    return w.nowhere


def lock_of(w: Worker, shmid: int) -> int:
    """A System V segment's lock needs an attachment (EINVAL)."""
    held = w.kept(Attached)
    if held.find(shmid) is None:
        raise CallFailed(22)
    return held.locks[shmid]
