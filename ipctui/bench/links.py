"""One link per mechanism: a real channel between a parent and its forked child, and its two ends
(`ends`); the shared-memory links hand messages over through rings (`rings`)."""

from __future__ import annotations

import contextlib
import mmap
import multiprocessing
import os
import shutil
import socket
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

from .ends import (
    UDP_MAX,
    End,
    FdEnd,
    MessageEnd,
    QueueEnd,
    ShmEnd,
    SockEnd,
    SysvMsgEnd,
    Unavailable,
)
from .rings import Ring, SemRing, SpinRing


class Link(ABC):
    """Made before fork; each process then takes its end."""

    notes: list[str]

    def __init__(self, size: int, workdir: str) -> None:
        self.size, self.workdir, self.notes = size, workdir, []

    @abstractmethod
    def parent_end(self) -> End:
        """The parent's end, taken after fork."""

    @abstractmethod
    def child_end(self) -> End:
        """The child's end, taken after fork."""

    def cleanup(self) -> None:  # noqa: B027  (only links with named kernel objects have any)
        """Remove what the link made outside the private folder (queues); the parent calls it."""


class PipeLink(Link):
    def __init__(self, size: int, workdir: str) -> None:
        super().__init__(size, workdir)
        self.down, self.up = os.pipe(), os.pipe()

    def parent_end(self) -> End:
        os.close(self.down[0])
        os.close(self.up[1])
        return FdEnd(self.up[0], self.down[1])

    def child_end(self) -> End:
        os.close(self.down[1])
        os.close(self.up[0])
        return FdEnd(self.down[0], self.up[1])


class FifoLink(Link):
    def __init__(self, size: int, workdir: str) -> None:
        super().__init__(size, workdir)
        self.down, self.up = os.path.join(workdir, "down.fifo"), os.path.join(workdir, "up.fifo")
        os.mkfifo(self.down, 0o600)
        os.mkfifo(self.up, 0o600)

    def parent_end(self) -> End:
        wfd = os.open(self.down, os.O_WRONLY)  # the open waits for the child: a rendezvous
        rfd = os.open(self.up, os.O_RDONLY)
        return FdEnd(rfd, wfd)

    def child_end(self) -> End:
        rfd = os.open(self.down, os.O_RDONLY)
        wfd = os.open(self.up, os.O_WRONLY)
        return FdEnd(rfd, wfd)


class SocketpairLink(Link):
    kind = socket.SOCK_STREAM

    def __init__(self, size: int, workdir: str) -> None:
        super().__init__(size, workdir)
        self.a, self.b = socket.socketpair(socket.AF_UNIX, self.kind)
        if self.kind == socket.SOCK_DGRAM:
            limit = self.a.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) // 2
            if size > limit:
                raise Unavailable(
                    f"an AF_UNIX datagram can carry about {limit} bytes here (half of SO_SNDBUF)"
                )

    def parent_end(self) -> End:
        self.b.close()
        return SockEnd(self.a, self.kind == socket.SOCK_DGRAM)

    def child_end(self) -> End:
        self.a.close()
        return SockEnd(self.b, self.kind == socket.SOCK_DGRAM)


class UnixDgramLink(SocketpairLink):
    kind = socket.SOCK_DGRAM


class ListenerLink(Link):
    """A listening socket made before fork: the child connects, the parent accepts."""

    family = socket.AF_UNIX

    def __init__(self, size: int, workdir: str) -> None:
        super().__init__(size, workdir)
        self.listener = socket.socket(self.family, socket.SOCK_STREAM)
        if self.family == socket.AF_UNIX:
            self.address: object = os.path.join(workdir, "bench.sock")
        else:
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.address = ("127.0.0.1", 0)
        self.listener.bind(self.address)  # type: ignore[arg-type]
        self.address = self.listener.getsockname()
        self.listener.listen(1)

    def _tune(self, s: socket.socket) -> socket.socket:
        if self.family == socket.AF_INET:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no Nagle delay on ping-pong
        return s

    def parent_end(self) -> End:
        conn, _ = self.listener.accept()
        self.listener.close()
        return SockEnd(self._tune(conn))

    def child_end(self) -> End:
        self.listener.close()
        s = socket.socket(self.family, socket.SOCK_STREAM)
        s.connect(self.address)  # type: ignore[arg-type]
        return SockEnd(self._tune(s))


class TcpLink(ListenerLink):
    family = socket.AF_INET


class UdpLink(Link):
    def __init__(self, size: int, workdir: str) -> None:
        if size > 65536:
            raise Unavailable(f"a UDP datagram over IPv4 carries at most {UDP_MAX} bytes")
        super().__init__(min(size, UDP_MAX), workdir)
        if size > UDP_MAX:
            self.notes.append(f"clamped from {size} to {UDP_MAX} bytes, the most a UDP datagram carries")
        size = self.size
        self.a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for s in (self.a, self.b):
            s.bind(("127.0.0.1", 0))
        self.a.connect(self.b.getsockname())
        self.b.connect(self.a.getsockname())
        self.window = max(1, self.b.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) // (2 * (size + 512)))
        self.notes.append(
            f"the stream waits for an acknowledgement every {self.window} datagram(s): UDP drops what"
            " the receiver's buffer cannot hold"
        )

    def parent_end(self) -> End:
        self.b.close()
        return SockEnd(self.a, dgram=True)

    def child_end(self) -> End:
        self.a.close()
        return SockEnd(self.b, dgram=True)


class MpQueueLink(Link):
    def __init__(self, size: int, workdir: str) -> None:
        super().__init__(size, workdir)
        ctx = multiprocessing.get_context("fork")
        self.down, self.up = ctx.Queue(), ctx.Queue()

    def parent_end(self) -> End:
        return QueueEnd(self.down, self.up)

    def child_end(self) -> End:
        return QueueEnd(self.up, self.down)

    def cleanup(self) -> None:
        """A run cut short (ctrl+c, a stuck peer) can leave a message with a queue's feeder
        thread, blocked writing into a pipe no one reads any more; by default the process waits
        for that thread as it exits, that is forever. Nothing sent is needed after the run."""
        for q in (self.down, self.up):
            q.cancel_join_thread()
            q.close()


class PosixMqLink(Link):
    """Two POSIX message queues (posix-ipc), named for this run and unlinked after it."""

    def __init__(self, size: int, workdir: str) -> None:
        super().__init__(size, workdir)
        try:
            import posix_ipc
        except ImportError:
            raise Unavailable("the posix-ipc package is not installed") from None
        self.lib = posix_ipc
        base = f"/ipctui-bench-{os.getpid()}-{os.path.basename(workdir)}"
        self.names = [base + "-down", base + "-up"]
        self.queues: list[object] = []
        try:
            for name in self.names:
                self.queues.append(
                    posix_ipc.MessageQueue(
                        name, posix_ipc.O_CREX, mode=0o600, max_messages=10, max_message_size=size
                    )
                )
        except (ValueError, OSError, posix_ipc.Error) as e:
            self.cleanup()
            limits = "/proc/sys/fs/mqueue/msgsize_max and RLIMIT_MSGQUEUE"
            raise Unavailable(f"no queue of 10 messages of {size} bytes here ({e}; see {limits})") from None

    def parent_end(self) -> End:
        return MessageEnd(self.queues[0], self.queues[1])

    def child_end(self) -> End:
        return MessageEnd(self.queues[1], self.queues[0])

    def cleanup(self) -> None:
        for q in self.queues:
            q.close()  # type: ignore[attr-defined]
        for name in self.names:
            with contextlib.suppress(self.lib.ExistentialError):
                self.lib.unlink_message_queue(name)


class SysvMsgLink(Link):
    """Two private System V message queues (sysv-ipc), removed after the run."""

    def __init__(self, size: int, workdir: str) -> None:
        super().__init__(size, workdir)
        try:
            import sysv_ipc
        except ImportError:
            raise Unavailable("the sysv-ipc package is not installed") from None
        msgmax_file = Path("/proc/sys/kernel/msgmax")
        msgmax = int(msgmax_file.read_text()) if msgmax_file.exists() else 8192
        if size > msgmax:
            raise Unavailable(f"a System V message carries at most {msgmax} bytes here (kernel.msgmax)")
        self.queues = [
            sysv_ipc.MessageQueue(sysv_ipc.IPC_PRIVATE, sysv_ipc.IPC_CREX, mode=0o600, max_message_size=size)
            for _ in range(2)
        ]

    def parent_end(self) -> End:
        return SysvMsgEnd(self.queues[0], self.queues[1])

    def child_end(self) -> End:
        return SysvMsgEnd(self.queues[1], self.queues[0])

    def cleanup(self) -> None:
        for q in self.queues:
            with contextlib.suppress(Exception):  # already gone
                q.remove()


class ShmLink(Link):
    """An anonymous shared mapping made before fork: a ring of slots each way (up to 1 MiB)."""

    ring: type[Ring] = SemRing

    def __init__(self, size: int, workdir: str) -> None:
        super().__init__(size, workdir)
        slots = max(2, min(64, (1 << 20) // size))
        room = Ring.room(size, slots)
        self.mem = mmap.mmap(-1, 2 * room)  # MAP_SHARED | MAP_ANONYMOUS: shared with the child
        self.down = self.ring(self.mem, 0, size, slots)
        self.up = self.ring(self.mem, room, size, slots)
        self.notes.append(f"a ring of {slots} slots each way in shared memory")

    def parent_end(self) -> End:
        return ShmEnd(self.down, self.up)

    def child_end(self) -> End:
        return ShmEnd(self.up, self.down)


class ShmSpinLink(ShmLink):
    ring = SpinRing


LINKS: dict[str, Callable[[int, str], Link]] = {
    "pipe": PipeLink,
    "fifo": FifoLink,
    "unix-stream": ListenerLink,
    "socketpair": SocketpairLink,
    "unix-dgram": UnixDgramLink,
    "tcp": TcpLink,
    "udp": UdpLink,
    "shm-sem": ShmLink,
    "shm-spin": ShmSpinLink,
    "posix-mq": PosixMqLink,
    "sysv-msg": SysvMsgLink,
    "mp-queue": MpQueueLink,
}


def workdir() -> str:
    """A private folder for FIFOs and socket files (removed by the runner)."""
    return tempfile.mkdtemp(prefix="ipctui-bench-", dir=os.environ.get("IPCTUI_BENCH_TMPDIR"))


def remove(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)
