"""System V message queues (ipc/msg.c): a message's type can name its receiver."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ..vocab.constants import IPC_RMID
from .errors import Errno, SysError
from .kernel import Kernel
from .perm import allowed
from .prefill import fields, newest
from .process import Process
from .syscalls import syscall
from .sysv_ids import ipcget, lookup, may_remove
from .waitq import CallGen, WaitQueue

MSGMNB = 16384  # bytes a queue holds, and messages too (msg_qbytes)
MSGMAX = 8192  # the largest message


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
    if len(data) > MSGMAX or msqid < 0 or mtype < 1:
        raise SysError(Errno.EINVAL)
    q = _lookup(k, msqid)
    if not _ipcperms(p, q, 2):
        raise SysError(Errno.EACCES)
    while not q.fits(len(data)):
        if nowait:
            raise SysError(Errno.EAGAIN)
        yield q.senders
        if q.removed:
            raise SysError(Errno.EIDRM)
    q.messages.append((mtype, data))
    q.cbytes += len(data)
    k.wake_all(q.receivers)  # each retries in order: the first whose type matches takes it
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
    if msqid < 0:
        raise SysError(Errno.EINVAL)
    q = _lookup(k, msqid)
    if not _ipcperms(p, q, 4):
        raise SysError(Errno.EACCES)
    while (i := q.find(msgtyp)) is None:
        if nowait:
            raise SysError(Errno.ENOMSG)
        yield q.receivers
        if q.removed:
            raise SysError(Errno.EIDRM)
    mtype, data = q.messages[i]
    del q.messages[i]
    q.cbytes -= len(data)
    k.wake_all(q.senders)
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
