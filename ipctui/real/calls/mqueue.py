"""POSIX message queues, for real: mq_open, mq_send, mq_receive, mq_getattr, mq_close,
mq_unlink."""

from __future__ import annotations

import ctypes
import errno
import os
from ctypes import POINTER as P
from ctypes import c_char_p, c_int, c_size_t, c_ssize_t, c_uint, c_void_p
from typing import TYPE_CHECKING, Any

from ...vocab.constants import HARD_MAXMSG, HARD_MSGSIZE, NAME_MAX, O_CREAT
from .. import libc as L
from ..libc import CallFailed, check, libc, proto
from ..limits import CannotCall, CannotRun, proc_limit
from .files import closed, not_terminal
from .registry import Line, ipc_name, real

if TYPE_CHECKING:
    from ..worker import Worker

proto("mq_send", c_int, c_int, c_char_p, c_size_t, c_uint)
proto("mq_receive", c_ssize_t, c_int, c_void_p, c_size_t, P(c_uint))
proto("mq_getattr", c_int, c_int, P(L.MqAttr))
proto("mq_close", c_int, c_int)


SHARED_BUDGET = (
    "the run's user namespace charges every uid's queues to one RLIMIT_MSGQUEUE (Linux counts a "
    "namespace's queues against its owner too), so whether this uid alone would pass its own "
    "limit cannot be seen here"
)


@real("mq_open")
def mq_open(
    w: Worker,
    name: bytes,
    flags: int,
    maxmsg: int = 10,
    msgsize: int = 8192,
    mode: int = 0o600,
    shared: bool = False,
) -> int:
    attr = L.MqAttr(0, maxmsg, msgsize, 0)
    fd = libc.mq_open(name, flags, mode, ctypes.byref(attr) if flags & O_CREAT else None)
    err = ctypes.get_errno()
    if fd == -1 and err == errno.EMFILE and shared:
        try:  # EMFILE for a full descriptor table is the process's own: Linux's answer
            os.close(os.open("/", os.O_RDONLY | os.O_CLOEXEC))
        except OSError:
            raise CallFailed(err) from None
        raise CannotCall(SHARED_BUDGET)
    if fd == -1:
        raise CallFailed(err)
    return fd


@mq_open.before
def _mq_open(line: Line) -> None:
    exists = line.books.places.ipc_name(line.args[0]) in line.books.queues  # opened: its sizes unread
    if line.args[1] & O_CREAT and line.proc.uid == 0 and not line.books.sys_resource and not exists:
        maxmsg, msgsize = line.kw.get("maxmsg", 10), line.kw.get("msgsize", 8192)
        # only what CAP_SYS_RESOURCE would let through: a bad name or size is Linux's EINVAL
        # or ENAMETOOLONG with or without it, so those lines run
        valid = (
            0 < maxmsg <= HARD_MAXMSG
            and 0 < msgsize <= HARD_MSGSIZE
            and len(str(line.args[0]).lstrip("/").encode()) <= NAME_MAX
        )
        big = maxmsg > proc_limit("mqueue/msg_max") or msgsize > proc_limit("mqueue/msgsize_max")
        if valid and big:
            raise CannotRun(line.books.no_sys_resource + " to pass the queue limits")
    ipc_name(line)
    line.books.guard.record("mq", line.rargs[0].decode("utf-8", "surrogateescape"))
    if line.books.sandboxed and line.books.mq_makers - {line.proc.uid}:
        line.rkw["shared"] = True  # another uid's queues may hold part of the one budget


@mq_open.after
def _mqd(line: Line, fd: int) -> int:
    line.proc.opened(fd)
    line.books.queues.add(line.rargs[0])
    if line.args[1] & O_CREAT:
        line.books.mq_makers.add(line.proc.uid)  # it may have made the queue (and is charged)
    return fd


@real("mq_send", fd_first=True)
def mq_send(w: Worker, mqd: int, data: bytes, prio: int) -> int:
    return check(libc.mq_send(mqd, data, len(data), prio))


@real("mq_receive", fd_first=True)
def mq_receive(w: Worker, mqd: int) -> list[Any]:
    attr = L.MqAttr()
    size = attr.mq_msgsize if libc.mq_getattr(mqd, ctypes.byref(attr)) == 0 else 1
    buf = ctypes.create_string_buffer(size)
    prio = ctypes.c_uint()
    got = check(libc.mq_receive(mqd, buf, size, ctypes.byref(prio)))
    return [buf.raw[:got], prio.value]


@real("mq_getattr", fd_first=True)
def mq_getattr(w: Worker, mqd: int) -> dict[str, int]:
    attr = L.MqAttr()
    check(libc.mq_getattr(mqd, ctypes.byref(attr)))
    return {"maxmsg": attr.mq_maxmsg, "msgsize": attr.mq_msgsize, "curmsgs": attr.mq_curmsgs}


@real("mq_close", fd_first=True, before=not_terminal, after=closed)
def mq_close(w: Worker, mqd: int) -> int:
    return check(libc.mq_close(mqd))


@real("mq_unlink", before=ipc_name)
def mq_unlink(w: Worker, name: bytes) -> int:
    return check(libc.mq_unlink(name))


@mq_unlink.after
def _gone(line: Line, value: int) -> int:
    line.books.queues.discard(line.rargs[0])
    return value
