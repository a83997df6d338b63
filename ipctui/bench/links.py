"""One link per mechanism: two ends of a real channel between a parent and its forked child.

Each end sends and receives whole messages of a known size; streams loop until every byte has
moved. Links that cannot carry a size raise Unavailable with the reason, so a result says so
instead of measuring something else.
"""

from __future__ import annotations

import contextlib
import ctypes
import mmap
import multiprocessing
import os
import shutil
import socket
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

UDP_MAX = 65507
SMALL = 4096  # up to this size a message is cheaper to receive as new bytes than into a kept buffer


class Unavailable(Exception):
    """This mechanism cannot be measured at this size here; the message says why."""


class End(ABC):
    """One side of a link."""

    @abstractmethod
    def send(self, data: bytes) -> None:
        """Send one whole message."""

    @abstractmethod
    def recv(self, n: int) -> bytes:
        """Receive one whole message of n bytes."""

    def close(self) -> None:  # noqa: B027  (most ends have nothing to release)
        """Release the end's descriptors, if it has any."""

    def flush(self) -> None:  # noqa: B027  (most ends send in the calling thread)
        """Wait until everything sent has really gone (before the process exits)."""


class FdEnd(End):
    """A byte stream over two descriptors (pipes, FIFOs).

    The calls are closures over the descriptors (the harness's own cost is part of every round
    trip, so it is kept to one call each way); a big message is read into a buffer the end
    keeps, valid until its next recv, instead of a new one each time.
    """

    def __init__(self, rfd: int, wfd: int) -> None:
        self.rfd, self.wfd = rfd, wfd
        self._buf = bytearray()
        read, write, readv = os.read, os.write, os.readv
        rest, fill = self._rest, self._fill

        def send(data: bytes) -> None:
            sent = write(wfd, data)
            if sent != len(data):  # a big message into a full pipe: the rest in more writes
                rest(memoryview(data)[sent:])

        def recv(n: int) -> bytes:
            if n > SMALL:
                buf = self._buf
                if len(buf) != n:
                    buf = self._buf = bytearray(n)
                got = readv(rfd, [buf])  # usually all of it, at once
                return buf if got == n else fill(buf, got)  # type: ignore[return-value]
            first = read(rfd, n)  # usually the whole message, in one call
            if len(first) == n:
                return first
            buf = bytearray(n)
            buf[: len(first)] = first
            return fill(buf, len(first))  # type: ignore[return-value]

        self.send = self._send = send  # type: ignore[method-assign]
        self.recv = self._recv = recv  # type: ignore[method-assign]

    def send(self, data: bytes) -> None:  # the instance's own closure shadows this
        self._send(data)

    def recv(self, n: int) -> bytes:  # the instance's own closure shadows this
        return self._recv(n)

    def _rest(self, view: memoryview) -> None:
        while view:
            view = view[os.write(self.wfd, view) :]

    def _fill(self, buf: bytearray, got: int) -> bytearray:
        """The rest of a message that did not come in one read."""
        if got == 0:
            raise EOFError("the peer closed")
        view = memoryview(buf)
        while got < len(buf):
            k = os.readv(self.rfd, [view[got:]])
            if k == 0:
                raise EOFError("the peer closed")
            got += k
        return buf

    def close(self) -> None:
        for fd in {self.rfd, self.wfd}:
            os.close(fd)


class SockEnd(End):
    """A stream socket, or a datagram socket when `dgram` (one message per datagram). As with
    FdEnd, the calls are closures, and a big message lands in a buffer the end keeps."""

    def __init__(self, sock: socket.socket, dgram: bool = False) -> None:
        self.sock, self.dgram = sock, dgram
        self._buf = bytearray()
        sock_send, sock_recv, recv_into = sock.send, sock.recv, sock.recv_into
        waitall = socket.MSG_WAITALL

        def send_dgram(data: bytes) -> None:
            sock_send(data)

        def recv_dgram(n: int) -> bytes:
            data = sock_recv(n)
            if len(data) != n:
                raise ValueError(f"a datagram of {len(data)} bytes, {n} expected")
            return data

        def recv_stream(n: int) -> bytes:
            if n > SMALL:  # the whole message in one call (MSG_WAITALL), into the end's buffer
                buf = self._buf
                if len(buf) != n:
                    buf = self._buf = bytearray(n)
                got = recv_into(buf, n, waitall)
                return buf if got == n else self._fill(buf, got)  # type: ignore[return-value]
            first = sock_recv(n)  # usually the whole message, in one call
            if len(first) == n:
                return first
            buf = bytearray(n)
            buf[: len(first)] = first
            return self._fill(buf, len(first))  # type: ignore[return-value]

        def send_stream(data: bytes) -> None:
            sent = sock_send(data)  # usually all of it, in one call
            if sent != len(data):
                sock.sendall(memoryview(data)[sent:])

        self.send = self._send = send_dgram if dgram else send_stream  # type: ignore[method-assign]
        self.recv = self._recv = recv_dgram if dgram else recv_stream  # type: ignore[method-assign]

    def send(self, data: bytes) -> None:  # the instance's own closure shadows this
        self._send(data)

    def recv(self, n: int) -> bytes:  # the instance's own closure shadows this
        return self._recv(n)

    def _fill(self, buf: bytearray, got: int) -> bytearray:
        if got == 0:
            raise EOFError("the peer closed")
        view = memoryview(buf)
        while got < len(buf):
            k = self.sock.recv_into(view[got:])
            if k == 0:
                raise EOFError("the peer closed")
            got += k
        return buf

    def close(self) -> None:
        self.sock.close()


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


class MessageEnd(End):
    """A message queue pair: each message is one queue message."""

    def __init__(self, out_q: object, in_q: object) -> None:
        self.out_q, self.in_q = out_q, in_q
        if type(self) is MessageEnd:  # the queue's own methods, bound once: one call a message
            receive = in_q.receive  # type: ignore[attr-defined]
            self.send = out_q.send  # type: ignore[attr-defined, method-assign]
            self.recv = lambda n: receive()[0]  # type: ignore[method-assign]

    def send(self, data: bytes) -> None:
        self.out_q.send(data)  # type: ignore[attr-defined]

    def recv(self, n: int) -> bytes:
        return self.in_q.receive()[0]  # type: ignore[attr-defined, no-any-return]


class QueueEnd(MessageEnd):
    """multiprocessing.Queue: pickling, a feeder thread and a pipe underneath."""

    def send(self, data: bytes) -> None:
        self.out_q.put(data)  # type: ignore[attr-defined]

    def recv(self, n: int) -> bytes:
        return self.in_q.get()  # type: ignore[attr-defined, no-any-return]

    def flush(self) -> None:
        """put() hands the message to a feeder thread; a process that exits before that thread
        has written it loses it (and its peer waits forever). So: close, and wait for it."""
        self.out_q.close()  # type: ignore[attr-defined]
        self.out_q.join_thread()  # type: ignore[attr-defined]


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


class SysvMsgEnd(MessageEnd):
    def send(self, data: bytes) -> None:
        self.out_q.send(data, type=1)  # type: ignore[attr-defined]


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


class ShmEnd(End):
    """One ring out, one in, in a shared mapping: copy in, hand over, copy out."""

    def __init__(self, out_ring: Ring, in_ring: Ring) -> None:
        self.out_ring, self.in_ring = out_ring, in_ring

    def send(self, data: bytes) -> None:
        self.out_ring.put(data)

    def recv(self, n: int) -> bytes:
        return self.in_ring.take(n)


class Ring:
    """Slots for one direction in the shared mapping, used in turn by one sender and one
    receiver (each keeps its own index), so the sender can run ahead as it can with a pipe."""

    def __init__(self, mem: mmap.mmap, offset: int, size: int, slots: int) -> None:
        self.mem, self.offset, self.size, self.slots = mem, offset, size, slots
        self.stride = 64 + (size + 63) // 64 * 64  # a flag's cache line, then the message
        self.first = offset + 64  # the ring's own header (its semaphores) comes first
        self.put_at = self.take_at = 0

    @classmethod
    def room(cls, size: int, slots: int) -> int:
        return 64 + slots * (64 + (size + 63) // 64 * 64)

    def put(self, data: bytes) -> None:
        slot = self.first + self.put_at * self.stride
        self.put_at = (self.put_at + 1) % self.slots
        self.wait_empty(slot)
        self.mem[slot + 64 : slot + 64 + len(data)] = data
        self.mark_full(slot)

    def take(self, n: int) -> bytes:
        slot = self.first + self.take_at * self.stride
        self.take_at = (self.take_at + 1) % self.slots
        self.wait_full(slot)
        data = self.mem[slot + 64 : slot + 64 + n]
        self.mark_empty(slot)
        return data

    def wait_empty(self, slot: int) -> None:
        """Until the receiver has taken what this slot held."""

    def wait_full(self, slot: int) -> None:
        """Until a message is in this slot."""

    def mark_full(self, slot: int) -> None:
        """Hand the message over."""

    def mark_empty(self, slot: int) -> None:
        """Hand the slot back."""


class SemRing(Ring):
    """Counting, process-shared POSIX semaphores (sem_init with pshared=1) in the ring's header:
    free slots and full slots."""

    def __init__(self, mem: mmap.mmap, offset: int, size: int, slots: int) -> None:
        super().__init__(mem, offset, size, slots)
        from ..real.libc import libc

        base = ctypes.addressof(ctypes.c_char.from_buffer(mem, offset))
        self.empty, self.full = base, base + 32  # sizeof(sem_t) is 32
        self.libc = libc
        if libc.sem_init(self.empty, 1, slots) or libc.sem_init(self.full, 1, 0):
            raise Unavailable("process-shared semaphores are not supported here")

    def wait_empty(self, slot: int) -> None:
        while self.libc.sem_wait(self.empty) != 0:  # EINTR: a signal came; wait on
            pass

    def wait_full(self, slot: int) -> None:
        while self.libc.sem_wait(self.full) != 0:
            pass

    def mark_full(self, slot: int) -> None:
        self.libc.sem_post(self.full)

    def mark_empty(self, slot: int) -> None:
        self.libc.sem_post(self.empty)


class SpinRing(Ring):
    """A flag byte per slot, polled. Each spin yields the CPU, so with both processes on one
    CPU the peer still runs (at the cost of a trip through the scheduler)."""

    def wait_empty(self, slot: int) -> None:
        mem = self.mem
        while mem[slot]:
            os.sched_yield()

    def wait_full(self, slot: int) -> None:
        mem = self.mem
        while not mem[slot]:
            os.sched_yield()

    def mark_full(self, slot: int) -> None:
        self.mem[slot] = 1  # after the message's bytes: x86 keeps stores in order

    def mark_empty(self, slot: int) -> None:
        self.mem[slot] = 0


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
