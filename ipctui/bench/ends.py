"""The ends of a link: each sends and receives whole messages of a known size over one kind of
real channel (a pair of descriptors, a socket, a message queue, a ring in shared memory).

Streams loop until every byte has moved; an end that cannot carry a size raises Unavailable with
the reason, so a result says so instead of measuring something else.
"""

from __future__ import annotations

import os
import socket
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .rings import Ring

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


class SysvMsgEnd(MessageEnd):
    def send(self, data: bytes) -> None:
        self.out_q.send(data, type=1)  # type: ignore[attr-defined]


class ShmEnd(End):
    """One ring out, one in, in a shared mapping: copy in, hand over, copy out."""

    def __init__(self, out_ring: Ring, in_ring: Ring) -> None:
        self.out_ring, self.in_ring = out_ring, in_ring

    def send(self, data: bytes) -> None:
        self.out_ring.put(data)

    def recv(self, n: int) -> bytes:
        return self.in_ring.take(n)
