"""System V message queues, for real: msgget, msgsnd, msgrcv, msgctl. Queue ids are renumbered
as the simulation numbers them (0, 1, ... in the order the run first got them)."""

from __future__ import annotations

import ctypes
import struct
from ctypes import c_int, c_long, c_size_t, c_ssize_t, c_void_p
from typing import TYPE_CHECKING, Any

from ..libc import CallFailed, check, libc, proto
from .registry import Line, real

if TYPE_CHECKING:
    from ..worker import Worker

proto("msgsnd", c_int, c_int, c_void_p, c_size_t, c_int)
proto("msgrcv", c_ssize_t, c_int, c_void_p, c_size_t, c_long, c_int)

IPC_CREAT, IPC_EXCL, IPC_NOWAIT, EEXIST = 0o1000, 0o2000, 0o4000, 17


@real("msgget")
def msgget(w: Worker, key: int, flags: int, mode: int = 0, report_created: int = 0) -> int | list[Any]:
    """With `report_created`, [msqid, whether this call created it]: tried first with
    IPC_EXCL, so a queue that already existed is never taken for the run's own."""
    if not report_created:
        return check(libc.msgget(key, flags | mode))
    if key == 0 or (flags & IPC_CREAT and not flags & IPC_EXCL):
        qid = libc.msgget(key, flags | mode | IPC_CREAT | IPC_EXCL)
        if qid >= 0:
            return [qid, True]
        if ctypes.get_errno() != EEXIST:  # it was there, so open it as asked
            raise CallFailed(ctypes.get_errno())
    qid = check(libc.msgget(key, flags | mode))
    return [qid, bool(flags & IPC_EXCL)]


@msgget.before
def _key(line: Line) -> None:
    line.rargs[0] = line.books.places.key(line.args[0])
    if not line.books.sandboxed:
        line.rkw["report_created"] = 1  # the clean-up removes only what the run created


@msgget.after
def _msqid(line: Line, value: int | list[Any]) -> int:
    books = line.books
    if isinstance(value, list):
        value, created = value
        if created:
            books.guard.record("msqid", value)
    assert isinstance(value, int)
    return books.msqids.setdefault(value, len(books.msqids))


def real_msqid(line: Line) -> None:
    line.rargs[0] = line.books.real_id("msg", line.args[0])


@real("msgsnd", before=real_msqid)
def msgsnd(w: Worker, msqid: int, mtype: int, data: bytes, nowait: int = 0) -> int:
    buf = struct.pack("=Q", mtype & 0xFFFF_FFFF_FFFF_FFFF) + data  # what C's long holds of it
    return check(libc.msgsnd(msqid, buf, len(data), IPC_NOWAIT if nowait else 0))


@real("msgrcv", before=real_msqid)
def msgrcv(w: Worker, msqid: int, msgtyp: int, nowait: int = 0) -> list[Any]:
    buf = ctypes.create_string_buffer(8 + 8192)
    got = check(libc.msgrcv(msqid, buf, 8192, msgtyp, IPC_NOWAIT if nowait else 0))
    (mtype,) = struct.unpack_from("=q", buf.raw)
    return [buf.raw[8 : 8 + got], mtype]


@real("msgctl", before=real_msqid)
def msgctl(w: Worker, msqid: int, cmd: int) -> int:
    return check(libc.msgctl(msqid, cmd, None))
