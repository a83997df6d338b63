"""System V message queues (ipc/msg.c): a message's type can name its receiver.

As Linux's pipelined_send does, msgsnd gives its message straight to the first waiting receiver
whose msgrcv wants that type, which is then runnable holding it; only when none wants it does the
message join the queue (and wakes nobody). Senders are not pipelined: a msgrcv wakes those whose
message now fits (ss_wakeup), and each tries again in turn. Each blocked call's part (a
receiver's type and the message handed to it, a sender's message) is kept in `MsgQueue.waiting`
(msg_receiver, msg_sender).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ..vocab.constants import IPC_RMID
from .ctype import c_int, c_long
from .errors import Errno, SysError
from .kernel import Kernel
from .perm import allowed
from .prefill import fields, newest
from .process import Process
from .syscalls import syscall
from .sysv_ids import ipcget, lookup, may_remove
from .waitq import CallGen, WaitQueue, sleep_with

MSGMNB = 16384  # bytes a queue holds, and messages too (msg_qbytes)
MSGMAX = 8192  # the largest message


@dataclass(eq=False)
class MsgWait:
    """One blocked call: a receiver's msgtyp and, once a msgsnd has handed it one, its message;
    or a sender's message, waiting for room."""

    msgtyp: int = 0
    msg: tuple[int, bytes] | None = None  # (mtype, data)
    receiving: bool = False
    ready: bool = False  # a receiver's message has been handed over: its msgrcv has succeeded


def wants(msgtyp: int, mtype: int) -> bool:
    """Whether msgrcv(msgtyp) takes a message of type mtype (Linux's testmsg)."""
    return msgtyp == 0 or mtype == msgtyp or (msgtyp < 0 and mtype <= -msgtyp)


@dataclass(eq=False)
class MsgQueue:
    id: int
    key: int
    owner: int
    mode: int
    messages: deque[tuple[int, bytes]] = field(default_factory=deque)
    cbytes: int = 0
    removed: bool = False
    senders: WaitQueue = field(default_factory=lambda: WaitQueue("msgsnd"))
    receivers: WaitQueue = field(default_factory=lambda: WaitQueue("msgrcv"))
    waiting: dict[int, MsgWait] = field(default_factory=dict)  # pid -> its blocked call's part

    def handed(self) -> list[tuple[int, int, bytes]]:
        """(pid, mtype, data) of each receiver handed a message whose call has not returned yet."""
        return [
            (pid, w.msg[0], bytes(w.msg[1]))
            for pid, w in self.waiting.items()
            if w.receiving and w.ready and w.msg
        ]

    def fits(self, n: int) -> bool:
        return self.cbytes + n <= MSGMNB and len(self.messages) + 1 <= MSGMNB

    def find(self, msgtyp: int) -> int | None:
        """Index of the message msgrcv(msgtyp) takes (Linux's find_msg), or None."""
        if msgtyp == 0:
            return 0 if self.messages else None
        if msgtyp > 0:
            return next((i for i, (t, _) in enumerate(self.messages) if t == msgtyp), None)
        best: int | None = None
        for i, (t, _) in enumerate(self.messages):
            if t <= -msgtyp and (best is None or t < self.messages[best][0]):
                best = i
        return best


def _ipcperms(p: Process, q: MsgQueue, want: int) -> bool:
    return allowed(p, q.owner, q.mode, want)


@syscall(
    "msgget",
    "key:const, flags:flags?",
    keywords={"mode": "int"},
    mechanism="sysv_msg",
    summary="get or create a System V queue by key",
    lookup="names",
)
def sys_msgget(k: Kernel, p: Process, key: int, flags: int = 0, mode: int = 0) -> int:
    key = c_int(key)  # key_t: 2**32 is IPC_PRIVATE to C

    def create(msqid: int, bits: int) -> MsgQueue:
        q = MsgQueue(msqid, key, p.uid, bits)
        k.msqs[q.id] = q
        return q

    return ipcget(k, p, k.msqs.values(), "msqid", key, flags, mode, create).id


def _newest_queue(k: Kernel, p: Process) -> dict[str, str]:
    """A form on a queue offers the queue made last."""
    return fields(msqid=newest(k.msqs))


def _lookup(k: Kernel, msqid: int) -> MsgQueue:
    return lookup(k.msqs, msqid)


@syscall(
    "msgsnd",
    "msqid:int, mtype:int, data:bytes",
    keywords={"nowait": "int"},
    mechanism="sysv_msg",
    restartable=False,
    summary="append a message of a type",
    prefill=_newest_queue,
    reach="named",
    lookup="ids",
)
def sys_msgsnd(k: Kernel, p: Process, msqid: int, mtype: int, data: bytes, nowait: int = 0) -> CallGen:
    mtype = c_long(mtype)  # msgbuf's long mtype: 2**63 is negative, EINVAL
    if len(data) > MSGMAX or msqid < 0 or mtype < 1:
        raise SysError(Errno.EINVAL)
    q = _lookup(k, msqid)
    if not _ipcperms(p, q, 2):
        raise SysError(Errno.EACCES)
    while not q.fits(len(data)):
        if nowait:
            raise SysError(Errno.EAGAIN)
        yield from sleep_with(q.waiting, p.pid, q.senders, MsgWait(msg=(mtype, data)))
        if q.removed:
            raise SysError(Errno.EIDRM)
    for w in q.receivers:  # the first waiting receiver that wants this type gets it
        part = q.waiting[w.proc.pid]
        if not w.proc.stopped and wants(part.msgtyp, mtype):
            part.msg, part.ready = (mtype, data), True
            q.receivers.remove(w)
            k.wake_waiter(w)
            return 0
    q.messages.append((mtype, data))
    q.cbytes += len(data)
    return 0


@syscall(
    "msgrcv",
    "msqid:int, msgtyp:int",
    keywords={"nowait": "int"},
    mechanism="sysv_msg",
    restartable=False,
    summary="take the first message of a type (0 any; -N the lowest type up to N)",
    prefill=_newest_queue,
    reach="named",
    lookup="ids",
)
def sys_msgrcv(k: Kernel, p: Process, msqid: int, msgtyp: int, nowait: int = 0) -> CallGen:
    msgtyp = c_long(msgtyp)  # C's long: 2**63 is LONG_MIN, "the lowest type of all" (convert_mode)
    if msqid < 0:
        raise SysError(Errno.EINVAL)
    q = _lookup(k, msqid)
    if not _ipcperms(p, q, 4):
        raise SysError(Errno.EACCES)
    while (i := q.find(msgtyp)) is None:
        if nowait:
            raise SysError(Errno.ENOMSG)
        me = yield from sleep_with(q.waiting, p.pid, q.receivers, MsgWait(msgtyp, receiving=True))
        if me.ready and me.msg is not None:  # handed over by a msgsnd: it was never queued
            return [me.msg[1], me.msg[0]]
        if q.removed:
            raise SysError(Errno.EIDRM)
    mtype, data = q.messages[i]
    del q.messages[i]
    q.cbytes -= len(data)
    for w in q.senders:  # Linux's ss_wakeup: each sender whose message now fits tries again
        part = q.waiting.get(w.proc.pid)
        if part is not None and part.msg is not None and q.fits(len(part.msg[1])):
            k.wake_waiter(w)
    return [data, mtype]


@syscall(
    "msgctl",
    "msqid:int, cmd:const",
    mechanism="sysv_msg",
    summary="IPC_RMID removes the queue",
    prefill=_newest_queue,
    lookup="ids",
)
def sys_msgctl(k: Kernel, p: Process, msqid: int, cmd: int) -> int:
    q = _lookup(k, msqid)
    if cmd != IPC_RMID:
        raise SysError(Errno.EINVAL)
    may_remove(p, q)
    del k.msqs[msqid]
    q.removed = True
    k.wake_all(q.senders)
    k.wake_all(q.receivers)
    return 0
