"""The channel between the runner and one worker: data only, framed by length.

Nothing that arrives can run code (no pickle): a message is a value made of None, booleans,
integers, floats, strings, bytes, lists and string-keyed dicts, in a tagged binary form that is
checked as it is read. A message travels as one or more SOCK_SEQPACKET records, each starting
with a zero byte; the first carries the whole message's length, so a line of any size goes
through. A record of exactly one byte is a caught signal's number, written by the C-level handler
(the interpreter's wakeup descriptor), never part of a message.

Everything a worker sends is untrusted: a malformed message raises `WireError`, which the runner
turns into a clear end of the run.
"""

from __future__ import annotations

import select
import socket
import struct
from dataclasses import dataclass, field
from typing import Any

CHUNK = 60000  # bytes per record: well under any SOCK_SEQPACKET send buffer
MAX_MESSAGE = 320 << 20  # a worker's reply is at most one buffer of its 256 MiB, plus framing
MAX_DEPTH = 16
_HEAD = struct.Struct("!BQ")  # the first record: zero byte, the message's length
_LEN = struct.Struct("!Q")


class WireError(Exception):
    """A message that is not one the other side could have sent."""


def encode(value: Any) -> bytes:
    """The value in the channel's tagged form."""
    out = bytearray()
    _put(out, value, 0)
    return bytes(out)


def _put(out: bytearray, v: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise WireError("a value nested too deeply")
    if v is None:
        out += b"N"
    elif v is True or v is False:
        out += b"T" if v else b"F"
    elif isinstance(v, int):
        raw = str(v).encode()
        out += b"I" + _LEN.pack(len(raw)) + raw
    elif isinstance(v, float):
        out += b"D" + struct.pack("!d", v)
    elif isinstance(v, str):
        raw = v.encode("utf-8", "surrogateescape")
        out += b"S" + _LEN.pack(len(raw)) + raw
    elif isinstance(v, bytes | bytearray | memoryview):
        raw = bytes(v)
        out += b"B" + _LEN.pack(len(raw)) + raw
    elif isinstance(v, list | tuple):
        out += b"L" + _LEN.pack(len(v))
        for item in v:
            _put(out, item, depth + 1)
    elif isinstance(v, dict):
        out += b"M" + _LEN.pack(len(v))
        for k, item in v.items():
            if not isinstance(k, str):
                raise WireError(f"a dict key that is not a string: {type(k).__name__}")
            _put(out, k, depth + 1)
            _put(out, item, depth + 1)
    else:
        raise WireError(f"a value the channel does not carry: {type(v).__name__}")


def decode(data: bytes) -> Any:
    """The value back; WireError for anything that is not exactly one well-formed value."""
    reader = _Reader(memoryview(data))
    value = reader.value(0)
    if reader.at != len(data):
        raise WireError(f"{len(data) - reader.at} byte(s) after the value")
    return value


@dataclass
class _Reader:
    data: memoryview
    at: int = 0

    def take(self, n: int) -> memoryview:
        if n < 0 or self.at + n > len(self.data):
            raise WireError("a value cut short")
        part = self.data[self.at : self.at + n]
        self.at += n
        return part

    def length(self) -> int:
        return int(_LEN.unpack(self.take(8))[0])

    def value(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise WireError("a value nested too deeply")
        tag = bytes(self.take(1))
        if tag == b"N":
            return None
        if tag in (b"T", b"F"):
            return tag == b"T"
        if tag == b"I":
            n = self.length()
            if n > 64:
                raise WireError("an integer of more than 64 digits")
            raw = bytes(self.take(n))
            if not raw.lstrip(b"-").isdigit() or raw.count(b"-") > (raw[:1] == b"-"):
                raise WireError("an integer that is not digits")
            return int(raw)
        if tag == b"D":
            return float(struct.unpack("!d", self.take(8))[0])
        if tag == b"S":
            try:
                return bytes(self.take(self.length())).decode("utf-8", "surrogateescape")
            except UnicodeDecodeError as e:  # pragma: no cover (surrogateescape takes any bytes)
                raise WireError(str(e)) from None
        if tag == b"B":
            return bytes(self.take(self.length()))
        if tag == b"L":
            n = self.length()
            if n > len(self.data) - self.at:
                raise WireError("a list longer than the message")
            return [self.value(depth + 1) for _ in range(n)]
        if tag == b"M":
            n = self.length()
            if n > len(self.data) - self.at:
                raise WireError("a dict longer than the message")
            out: dict[str, Any] = {}
            for _ in range(n):
                k = self.value(depth + 1)
                if not isinstance(k, str):
                    raise WireError("a dict key that is not a string")
                out[k] = self.value(depth + 1)
            return out
        raise WireError(f"an unknown tag {tag!r}")


def records(value: Any) -> list[bytes]:
    """The value as the records that carry it."""
    body = encode(value)
    first = _HEAD.pack(0, len(body)) + body[: CHUNK - _HEAD.size]
    rest = body[CHUNK - _HEAD.size :]
    return [first] + [b"\0" + rest[i : i + CHUNK - 1] for i in range(0, len(rest), CHUNK - 1)]


def send(sock: socket.socket, value: Any, fds: list[int] | None = None) -> None:
    """Send a whole message, waiting while the other side's buffer is full; descriptors, if any,
    go with the first record."""
    for i, rec in enumerate(records(value)):
        while True:
            try:
                if i == 0 and fds:
                    anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack(f"{len(fds)}i", *fds))]
                    sock.sendmsg([rec], anc)
                else:
                    sock.send(rec)
                break
            except BlockingIOError:
                select.select([], [sock], [])


@dataclass
class Assembler:
    """Puts records back together into messages, and tells signals apart."""

    limit: int = MAX_MESSAGE
    _buf: bytearray = field(default_factory=bytearray)
    _want: int = -1  # the length of the message being assembled; -1 between messages

    @property
    def idle(self) -> bool:
        return self._want < 0

    def feed(self, record: bytes) -> tuple[str, Any] | None:
        """("signal", number), ("message", value) once complete, or None while a message is
        still coming. WireError for a record no sender of this module makes."""
        if len(record) == 1:
            return "signal", record[0]
        if not record or record[0] != 0:
            raise WireError("a record that does not start as the channel's records do")
        if self._want < 0:
            if len(record) < _HEAD.size:
                raise WireError("a message header cut short")
            _zero, want = _HEAD.unpack_from(record)
            if want > self.limit:
                raise WireError(f"a message of {want} bytes, over the channel's limit of {self.limit}")
            self._want = want
            self._buf += record[_HEAD.size :]
        else:
            self._buf += record[1:]
        if len(self._buf) > self._want:
            raise WireError("a message longer than its header says")
        if len(self._buf) < self._want:
            return None
        body = bytes(self._buf)
        self._buf.clear()
        self._want = -1
        return "message", decode(body)


def receive(sock: socket.socket, max_fds: int = 1) -> tuple[Any, list[int]]:
    """One whole message from a blocking socket, with the descriptors of its first record;
    (None, []) when the other side has gone. Signal records are skipped."""
    asm = Assembler()
    fds: list[int] = []
    while True:
        data, anc, _flags, _addr = sock.recvmsg(CHUNK + 16, socket.CMSG_SPACE(4 * max_fds))
        for level, kind, payload in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                usable = len(payload) - len(payload) % 4
                fds += list(struct.unpack(f"{usable // 4}i", payload[:usable]))
        if not data:
            return None, fds
        got = asm.feed(data)
        if got is not None and got[0] == "message":
            return got[1], fds
