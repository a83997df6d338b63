"""POSIX message queues (ipc/mqueue.c): priority order, oldest first within a priority.

As in the kernel's tree of per-priority lists, each priority present has its own FIFO and a small
heap holds the priorities present, so send and receive cost the same however deep the queue is.

A message never waits in the queue for a receiver that is already waiting: as Linux's
pipelined_send does, mq_send hands it straight to the longest-waiting receiver, which is then
runnable holding it (its call has succeeded; it returns the message when it runs). The other way
round, mq_receive from a full queue moves the longest-waiting sender's message in at once
(pipelined_receive), so the queue stays full and that sender's call has already succeeded. Each
blocked call's message, in or out, is kept in `MQueue.waiting` (the kernel's ext_wait_queue).
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field

from ..vocab.constants import HARD_MAXMSG, HARD_MSGSIZE, O_NONBLOCK
from .errors import Errno, SysError
from .kernel import FILE_KINDS, FileOps, Kernel
from .names import access_mode, ipc_name, may_remove, open_or_create
from .prefill import descriptor, fields
from .process import OpenFile, Process
from .syscalls import syscall
from .waitq import CallGen, WaitQueue, sleep_with

MQ_PRIO_MAX = 32768
DFLT_MAXMSG, DFLT_MSGSIZE = 10, 8192  # /proc/sys/fs/mqueue/msg_max, msgsize_max
RLIMIT_MSGQUEUE = 819200
MSG_OVERHEAD = 48  # sizeof(struct msg_msg) and of a posix_msg_tree_node, as the kernel charges


@dataclass(eq=False)
class Pending:
    """One blocked call's message (Linux's ext_wait_queue): a sender's, waiting for room, or the
    one handed to a receiver. `ready` once the kernel has moved it (STATE_READY): the call has
    succeeded and only has to return."""

    msg: tuple[bytes, int] | None = None  # (data, prio)
    receiving: bool = False
    ready: bool = False


@dataclass(eq=False)
class MQueue:
    name: str
    owner: int
    mode: int
    maxmsg: int
    msgsize: int
    charged_uid: int
    charge: int
    by_prio: dict[int, deque[bytes]] = field(default_factory=dict)
    prios: list[int] = field(default_factory=list)  # heap of -priority, one per non-empty FIFO
    curmsgs: int = 0
    qsize: int = 0  # bytes queued
    opens: int = 0
    unlinked: bool = False
    senders: WaitQueue = field(default_factory=lambda: WaitQueue("send"))
    receivers: WaitQueue = field(default_factory=lambda: WaitQueue("receive"))
    waiting: dict[int, Pending] = field(default_factory=dict)  # pid -> its blocked call's message

    def handed(self) -> list[tuple[int, bytes, int]]:
        """(pid, data, prio) of each receiver handed a message whose call has not returned yet."""
        return [(pid, *w.msg) for pid, w in self.waiting.items() if w.receiving and w.ready and w.msg]

    def messages(self) -> list[tuple[bytes, int]]:
        """The queue in delivery order (for views)."""
        return [(data, prio) for prio in sorted(self.by_prio, reverse=True) for data in self.by_prio[prio]]

    def push(self, data: bytes, prio: int) -> None:
        fifo = self.by_prio.get(prio)
        if fifo is None:
            fifo = self.by_prio[prio] = deque()
            heapq.heappush(self.prios, -prio)
        fifo.append(data)
        self.curmsgs += 1
        self.qsize += len(data)

    def pop(self) -> tuple[bytes, int]:
        prio = -self.prios[0]
        fifo = self.by_prio[prio]
        data = fifo.popleft()
        if not fifo:
            del self.by_prio[prio]
            heapq.heappop(self.prios)
        self.curmsgs -= 1
        self.qsize -= len(data)
        return data, prio


def _charge(maxmsg: int, msgsize: int) -> int:
    return maxmsg * msgsize + maxmsg * MSG_OVERHEAD + min(maxmsg, 32768) * MSG_OVERHEAD


def _charged(k: Kernel, uid: int) -> int:
    return sum(q.charge for q in k.mq_all if q.charged_uid == uid)


@syscall(
    "mq_open",
    "name:str, flags:flags",
    keywords={"maxmsg": "int", "msgsize": "int", "mode": "int"},
    mechanism="mqueue",
    summary="open or create a POSIX message queue",
)
def sys_mq_open(
    k: Kernel,
    p: Process,
    name: str,
    flags: int,
    maxmsg: int = DFLT_MAXMSG,
    msgsize: int = DFLT_MSGSIZE,
    mode: int = 0o600,
) -> int:
    name = ipc_name(name, slash_required=True, inner_slash=Errno.EACCES)
    readable, writable = access_mode(flags)
    if p.fds.full():
        raise SysError(Errno.EMFILE)

    def create() -> MQueue:
        hard = (HARD_MAXMSG, HARD_MSGSIZE) if p.uid == 0 else (DFLT_MAXMSG, DFLT_MSGSIZE)
        if maxmsg < 1 or msgsize < 1 or maxmsg > hard[0] or msgsize > hard[1]:
            raise SysError(Errno.EINVAL)
        charge = _charge(maxmsg, msgsize)
        if _charged(k, p.uid) + charge > RLIMIT_MSGQUEUE:
            raise SysError(Errno.EMFILE)
        q = MQueue(name, p.uid, mode & 0o777, maxmsg, msgsize, p.uid, charge)
        k.mqueues[name] = q
        k.mq_all.append(q)
        return q

    q: MQueue = open_or_create(p, k.mqueues.get(name), flags, readable, writable, create)
    q.opens += 1
    return k.install(p, OpenFile("mqueue", q, readable, writable, bool(flags & O_NONBLOCK)))


def _queue(k: Kernel, p: Process, mqd: int) -> tuple[OpenFile, MQueue]:
    f = p.fds.get(mqd)
    if f is None or f.kind != "mqueue":
        raise SysError(Errno.EBADF)
    return f, f.obj


def _sender(k: Kernel, p: Process) -> dict[str, str]:
    """A queue descriptor open for writing (one opened O_RDONLY is EBADF to mq_send)."""
    return fields(mqd=descriptor(p, ("mqueue",), writable=True))


def _receiver(k: Kernel, p: Process) -> dict[str, str]:
    return fields(mqd=descriptor(p, ("mqueue",), readable=True))


@syscall(
    "mq_send", "mqd:fd, data:bytes, prio:int", mechanism="mqueue", summary="queue a message", prefill=_sender
)
def sys_mq_send(k: Kernel, p: Process, mqd: int, data: bytes, prio: int) -> CallGen:
    prio &= 0xFFFFFFFF  # C's unsigned int: -1 is 4294967295 (EINVAL), 2**32 + 1 is 1
    if not 0 <= prio < MQ_PRIO_MAX:
        raise SysError(Errno.EINVAL)
    f, q = _queue(k, p, mqd)
    if not f.writable:
        raise SysError(Errno.EBADF)
    if len(data) > q.msgsize:
        raise SysError(Errno.EMSGSIZE)
    while q.curmsgs >= q.maxmsg:
        if f.nonblock:
            raise SysError(Errno.EAGAIN)
        me = yield from sleep_with(q.waiting, p.pid, q.senders, Pending((data, prio)))
        if me.ready:  # a receiver has moved the message into the queue
            return 0
    receiver = q.receivers.first_awake()
    if receiver is None:
        q.push(data, prio)
        return 0
    q.receivers.remove(receiver)  # it goes straight to the longest-waiting receiver
    q.waiting[receiver.proc.pid].msg, q.waiting[receiver.proc.pid].ready = (data, prio), True
    k.wake_waiter(receiver)
    return 0


@syscall(
    "mq_receive",
    "mqd:fd",
    mechanism="mqueue",
    summary="take the highest-priority message",
    prefill=_receiver,
)
def sys_mq_receive(k: Kernel, p: Process, mqd: int) -> CallGen:
    f, q = _queue(k, p, mqd)
    if not f.readable:
        raise SysError(Errno.EBADF)
    while not q.curmsgs:
        if f.nonblock:
            raise SysError(Errno.EAGAIN)
        me = yield from sleep_with(q.waiting, p.pid, q.receivers, Pending(receiving=True))
        if me.ready and me.msg is not None:  # a sender handed it over while this call slept
            return list(me.msg)
    data, prio = q.pop()
    sender = q.senders.first_awake()
    if sender is not None:  # room now: the longest-waiting sender's message goes in at once
        moved = q.waiting[sender.proc.pid]
        assert moved.msg is not None
        q.push(*moved.msg)
        moved.ready = True
        q.senders.remove(sender)
        k.wake_waiter(sender)
    return [data, prio]


@syscall("mq_getattr", "mqd:fd", mechanism="mqueue", summary="maxmsg, msgsize and curmsgs", reach="named")
def sys_mq_getattr(k: Kernel, p: Process, mqd: int) -> dict[str, int]:
    _, q = _queue(k, p, mqd)
    return {"maxmsg": q.maxmsg, "msgsize": q.msgsize, "curmsgs": q.curmsgs}


@syscall("mq_close", "mqd:fd", mechanism="mqueue", summary="close a queue descriptor")
def sys_mq_close(k: Kernel, p: Process, mqd: int) -> int:
    k.open_file(p, mqd)  # glibc's mq_close is close(2): any descriptor, a queue or not
    k.close_fd(p, mqd)
    return 0


@syscall("mq_unlink", "name:str", mechanism="mqueue", summary="remove a queue's name")
def sys_mq_unlink(k: Kernel, p: Process, name: str) -> int:
    name = ipc_name(name, slash_required=True, inner_slash=Errno.EACCES)
    q = k.mqueues.get(name)
    if q is None:
        raise SysError(Errno.ENOENT)
    may_remove(p, q.owner, Errno.EACCES)
    del k.mqueues[name]
    q.unlinked = True
    _maybe_free(k, q)
    return 0


def _maybe_free(k: Kernel, q: MQueue) -> None:
    if q.unlinked and q.opens == 0:
        k.mq_all.remove(q)  # its charge against RLIMIT_MSGQUEUE ends


def _release(k: Kernel, f: OpenFile) -> None:
    q: MQueue = f.obj
    q.opens -= 1
    _maybe_free(k, q)


def _read(k: Kernel, p: Process, f: OpenFile, n: int) -> bytes:
    """Reading a queue descriptor gives its status line, as Linux's mqueue file system does."""
    q: MQueue = f.obj
    text = f"QSIZE:{q.qsize:<10} NOTIFY:{0:<5} SIGNO:{0:<5} NOTIFY_PID:{0:<6}\n".encode()
    out = text[f.pos : f.pos + n]
    f.pos += len(out)
    return out


FILE_KINDS["mqueue"] = FileOps(release=_release, read=_read)
