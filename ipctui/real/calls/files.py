"""Any descriptor, for real: close, dup, dup2, read, write, fcntl. Descriptors 0-2 are the
terminal, which the simulation does not model, until a dup2 puts a script's open file there."""

from __future__ import annotations

import ctypes
from ctypes import c_int, c_long, c_size_t, c_ssize_t, c_void_p
from typing import TYPE_CHECKING

from ...vocab.constants import F_SETPIPE_SZ, SIGPIPE
from ..libc import CallFailed, check, libc, proto
from ..limits import CHANNEL_FD, CannotCall, CannotRun, buffer
from .pipe import pipe_size
from .registry import Line, real

if TYPE_CHECKING:
    from ..worker import Worker

proto("read", c_ssize_t, c_int, c_void_p, c_size_t)
proto("write", c_ssize_t, c_int, c_void_p, c_size_t)
proto("fcntl", c_int, c_int, c_int, c_long)
proto("dup", c_int, c_int)
proto("dup2", c_int, c_int, c_int)

F_GETFD, F_GETFL, F_SETFL, F_GETPIPE_SZ, O_NONBLOCK = 1, 3, 4, 1032, 0o4000


def not_terminal(line: Line) -> None:
    """A call on 0-2 while they are still the terminal cannot run here."""
    fd = line.args[0]
    if fd in (0, 1, 2) and fd not in line.proc.redirected:
        raise CannotRun("descriptors 0-2 are the terminal, which the simulation does not model")


def closed(line: Line, value: int) -> int:
    line.proc.closed(line.args[0])
    return value


def same_file(line: Line, fd: int) -> int:
    """dup and dup2: the new number names the same open file."""
    line.proc.opened(fd, like=line.args[0])
    return fd


def scaled(line: Line) -> None:
    """read, write and fcntl on a scaled pipe (see ipctui.real.calls.pipe)."""
    scale = line.proc.scales.get(line.args[0], 1)
    if scale != 1:
        line.rkw["scale"] = scale


@real("close", fd_first=True, before=not_terminal, after=closed)
def close(w: Worker, fd: int) -> int:
    return check(libc.close(fd))


@real("dup", fd_first=True, before=not_terminal, after=same_file)
def dup(w: Worker, fd: int) -> int:
    return check(libc.dup(fd))


@real("dup2", fd_first=True, before=not_terminal, after=same_file)
def dup2(w: Worker, fd: int, newfd: int) -> int:
    if newfd == CHANNEL_FD and libc.fcntl(fd, F_GETFD, 0) != -1:
        raise CannotCall(f"descriptor {CHANNEL_FD} is this process's channel to the runner")
    return check(libc.dup2(fd, newfd))


@real("read", fd_first=True, before=scaled)
def read(w: Worker, fd: int, n: int, scale: int = 1) -> bytes:
    buffer(n, scale)
    buf = ctypes.create_string_buffer(max(n * scale, 1))
    got = check(libc.read(fd, buf, n * scale))
    return buf.raw[:got:scale]


@real("write", fd_first=True)
def write(w: Worker, fd: int, data: bytes, scale: int = 1) -> int:
    data = data if scale == 1 else b"".join(bytes([b]) * scale for b in data)
    return check(libc.write(fd, data, len(data))) // scale


@write.before
def _write(line: Line) -> None:
    scaled(line)
    line.rkw["_defer"] = [SIGPIPE]  # SIGPIPE follows the line that raised it


@real("fcntl", fd_first=True)
def fcntl(w: Worker, fd: int, cmd: int, arg: int = 0, scale: int = 1) -> int:
    """Only the SPEC's commands reach the kernel (no F_SETOWN, F_SETSIG, O_ASYNC, ...)."""
    if cmd not in (F_GETFL, F_SETFL, F_GETPIPE_SZ, F_SETPIPE_SZ):
        raise CallFailed(22)  # EINVAL, as the simulation gives it
    if cmd == F_SETFL:
        arg = (check(libc.fcntl(fd, F_GETFL, 0)) & ~O_NONBLOCK) | (arg & O_NONBLOCK)
    if cmd == F_SETPIPE_SZ:
        arg *= scale
    result = check(libc.fcntl(fd, cmd, arg))
    return result // scale if cmd in (F_SETPIPE_SZ, F_GETPIPE_SZ) else result


@fcntl.before
def _fcntl(line: Line) -> None:
    not_terminal(line)
    if line.args[1] == F_SETPIPE_SZ:
        pipe_size(line, line.args[2], line.proc.scales.get(line.args[0], 1))
    scaled(line)
