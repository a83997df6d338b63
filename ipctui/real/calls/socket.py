"""Sockets, for real: socket, socketpair, bind, listen, connect, accept, shutdown, send, recv,
sendto, recvfrom. The runner sends an address in both forms (a path and, if it reads as one, an
AF_INET address with its port moved as the run places it); the socket's family picks one. Ports
the kernel chooses are renumbered as the simulation chooses them."""

from __future__ import annotations

import ctypes
import os
import socket as socket_mod
from ctypes import POINTER as P
from ctypes import c_char_p, c_int, c_size_t, c_ssize_t, c_uint, c_void_p
from typing import TYPE_CHECKING, Any

from ...vocab.constants import SIGPIPE
from .. import libc as L
from ..libc import check, libc, proto
from ..limits import CannotRun, buffer
from ..places import inet
from .registry import Books, Line, real

if TYPE_CHECKING:
    from ..worker import Worker

proto("socket", c_int, c_int, c_int, c_int)
proto("socketpair", c_int, c_int, c_int, c_int, P(c_int))
proto("bind", c_int, c_int, c_char_p, c_uint)
proto("connect", c_int, c_int, c_char_p, c_uint)
proto("listen", c_int, c_int, c_int)
proto("accept", c_int, c_int, c_void_p, c_void_p)
proto("send", c_ssize_t, c_int, c_char_p, c_size_t, c_int)
proto("recv", c_ssize_t, c_int, c_void_p, c_size_t, c_int)
proto("sendto", c_ssize_t, c_int, c_char_p, c_size_t, c_int, c_char_p, c_uint)
proto("recvfrom", c_ssize_t, c_int, c_void_p, c_size_t, c_int, c_void_p, P(c_uint))
proto("shutdown", c_int, c_int, c_int)
proto("getsockopt", c_int, c_int, c_int, c_int, c_void_p, P(c_uint))


def _used(line: Line) -> None:
    line.books.used_sockets = True


def _new_fd(line: Line, fd: int) -> int:
    line.proc.opened(fd)
    return fd


def _address_at(i: int, sends: bool = False) -> Any:
    """The hook that translates the address at argument i (a call that sends may raise SIGPIPE)."""

    def translate(line: Line) -> None:
        line.rargs[i] = address(line.books, line.args[i])
        if sends:
            _sigpipe(line)

    return translate


@real("socket", before=_used, after=_new_fd)
def socket(w: Worker, domain: int, type: int) -> int:
    return check(libc.socket(domain, type, 0))


@real("socketpair", before=_used)
def socketpair(w: Worker, domain: int, type: int) -> list[int]:
    fds = (ctypes.c_int * 2)()
    check(libc.socketpair(domain, type, 0, fds))
    return [fds[0], fds[1]]


@socketpair.after
def _pair(line: Line, value: list[int]) -> list[int]:
    for fd in value:
        line.proc.opened(fd)
    return value


@real("bind", fd_first=True, before=_address_at(1))
def bind(w: Worker, fd: int, addr: dict[str, Any]) -> int:
    raw = _sockaddr(fd, addr)
    old = os.umask(0o177)  # an AF_UNIX socket file is made 0600, as SPEC (and the simulation) has it
    try:
        return check(libc.bind(fd, raw, len(raw)))
    finally:
        os.umask(old)


@bind.after
def _bound(line: Line, value: int) -> int:
    if inet(line.args[1]) is None:
        line.books.made(line.args[1])
    return value


@real("connect", fd_first=True, before=_address_at(1))
def connect(w: Worker, fd: int, addr: dict[str, Any]) -> int:
    raw = _sockaddr(fd, addr)
    return check(libc.connect(fd, raw, len(raw)))


@real("listen", fd_first=True)
def listen(w: Worker, fd: int, backlog: int) -> int:
    return check(libc.listen(fd, backlog))


@real("accept", fd_first=True, after=_new_fd)
def accept(w: Worker, fd: int) -> int:
    return check(libc.accept(fd, None, None))


def _sigpipe(line: Line) -> None:
    line.rkw["_defer"] = [SIGPIPE]  # SIGPIPE follows the line that raised it


@real("send", fd_first=True, before=_sigpipe)
def send(w: Worker, fd: int, data: bytes) -> int:
    return check(libc.send(fd, data, len(data), 0))


@real("recv", fd_first=True)
def recv(w: Worker, fd: int, n: int) -> bytes:
    buffer(n)
    buf = ctypes.create_string_buffer(max(n, 1))
    got = check(libc.recv(fd, buf, n, 0))
    return buf.raw[:got]


@real("sendto", fd_first=True, before=_address_at(2, sends=True))
def sendto(w: Worker, fd: int, data: bytes, addr: dict[str, Any]) -> int:
    raw = _sockaddr(fd, addr)
    return check(libc.sendto(fd, data, len(data), 0, raw, len(raw)))


@real("recvfrom", fd_first=True)
def recvfrom(w: Worker, fd: int, n: int) -> list[Any]:
    buffer(n)
    buf = ctypes.create_string_buffer(max(n, 1))
    raw = ctypes.create_string_buffer(128)
    size = ctypes.c_uint(128)
    got = check(libc.recvfrom(fd, buf, n, 0, raw, ctypes.byref(size)))
    return [buf.raw[:got], L.parse_sockaddr(raw.raw[: size.value]), _sockopt(fd, L.SO_TYPE)]


@recvfrom.after
def _sender(line: Line, value: list[Any]) -> list[Any]:
    data, (family, host, port), socktype = value
    if family == socket_mod.AF_INET:
        return [data, f"{host}:{_sim_port(line.books, socktype, port)}"]
    return [data, line.books.places.unpath(host) if host else ""]


@real("shutdown", fd_first=True)
def shutdown(w: Worker, fd: int, how: int) -> int:
    return check(libc.shutdown(fd, how))


def address(books: Books, text: str) -> dict[str, Any]:
    """The address in both forms the worker may need."""
    addr: dict[str, Any] = {
        "unix": books.places.path(text),
        "raw": text.encode("utf-8", "surrogateescape"),
    }
    parsed = inet(text)
    if parsed is not None:
        host, port = parsed
        real_port = next((r for (_t, r), sim in books.ports.items() if sim == port), None)
        if real_port is None:
            real_port = books.places.port(port)
            if real_port > 65535:
                raise CannotRun(f"port {port} cannot be moved up by {books.places.port_shift}")
            books.fixed[real_port] = port
        addr["inet"] = (host, real_port)
    return addr


def _sim_port(books: Books, socktype: int, port: int) -> int:
    if port in books.fixed:
        return books.fixed[port]
    key = (socktype, port)
    if key not in books.ports:
        books.ports[key] = books.next_port.get(socktype, 32768)
        books.next_port[socktype] = books.ports[key] + 1
    return books.ports[key]


def _sockopt(fd: int, opt: int) -> int:
    value = ctypes.c_int()
    size = ctypes.c_uint(4)
    if libc.getsockopt(fd, L.SOL_SOCKET, opt, ctypes.byref(value), ctypes.byref(size)) == -1:
        return -1
    return value.value


def _sockaddr(fd: int, addr: dict[str, Any]) -> bytes:
    """The address in the form the socket's family takes (an AF_UNIX sockaddr for a non-socket,
    so the call itself reports ENOTSOCK or EBADF)."""
    if _sockopt(fd, L.SO_DOMAIN) == socket_mod.AF_INET:
        inet_addr = addr.get("inet")  # not an address: the text as C would pass it, as a path
        return L.sockaddr_in(*inet_addr) if inet_addr is not None else L.sockaddr_un(addr["raw"])
    return L.sockaddr_un(addr["unix"])
